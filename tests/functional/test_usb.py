"""USB input, QEMU's way: the Linux guest's xhci_hcd drives qemu-xhci and enumerates usb-kbd
and usb-tablet with the same descriptors, strings and HID report descriptors as under QEMU 7.2
(and the same `info usb` before and after);
a key sent with HMP sendkey arrives on the keyboard's /dev/input/eventN, a tablet move sent
with QMP input-send-event arrives as EV_ABS, a click as EV_KEY (the endpoint is stopped and
restarted in between, as the driver does when the event device is closed and opened again).
The same script runs on QEMU, so the expected events are QEMU's. Command-line forms (-usb,
-usbdevice, bus=, port=) are checked against QEMU's answers."""
import difflib
import subprocess

import pexpect
import pytest

from test_display import boot, captured_events, event_device, start
from test_linux import sh

USB = ["-device", "qemu-xhci", "-device", "usb-kbd", "-device", "usb-tablet"]
EV_KEY, EV_ABS, EV_MSC, KEY_A, BTN_LEFT = 1, 3, 4, 30, 0x110

# What the guest sees of each USB device: sysfs ids and strings, the raw device and
# configuration descriptors, then each HID report descriptor.
SYSFS = ("cd /sys/bus/usb/devices; for d in 1-*; do case $d in *:*) continue;; esac; "
         "echo == $d; for f in idVendor idProduct bcdDevice bcdUSB speed manufacturer product "
         "serial bMaxPower bmAttributes; do echo $f=$(cat $d/$f); done; "
         "od -A x -t x1 -v $d/descriptors; done; "
         "for h in /sys/bus/hid/devices/*; do echo == $h; od -A x -t x1 -v $h/report_descriptor; "
         "done; cd /")


def hid_order_free(text):
    """SYSFS's output with the HID devices' numbers (0003:0627:0001.NNNN: the order the two
    devices happened to probe in, which varies with host load) dropped and their blocks
    sorted, so the view compares what each device is, not which came first."""
    blocks, cur = [], []
    for line in text.splitlines():
        if line.startswith("== ") and cur:
            blocks.append(cur)
            cur = []
        cur.append(line)
    blocks.append(cur)
    usb = [b for b in blocks if not b[0].startswith("== /sys/bus/hid/")]
    hid = sorted(["== hid"] + b[1:] for b in blocks if b[0].startswith("== /sys/bus/hid/"))
    return "\n".join(line for b in usb + hid for line in b)


def capture_events(child, dev, count):
    """Record count input_events of /dev/input/dev, once the reader has it open: usbhid drops
    the reports of the first 50 ms after an open (stale ones a closed device queued), and
    open() returns only after that."""
    sh(child, f"dd if=/dev/input/{dev} of=/tmp/{dev} bs=24 count={count} 2>/dev/null & "
              f"while ! ls -l /proc/$!/fd 2>/dev/null | grep -q {dev}; do sleep 0.1; done")


def guest_view(binary, images, tmp_path):
    child, qmp = start(binary, images, tmp_path, USB)
    info = qmp.hmp("info usb")  # before the guest runs: addresses 0
    boot(child, qmp)
    # Enumeration runs after the shell starts: wait for both HID interfaces.
    sh(child, "while [ ! -e /sys/bus/hid/devices/0003:0627:0001.0002 ]; do sleep 0.1; done")
    view = info + qmp.hmp("info usb") + hid_order_free(sh(child, SYSFS))
    kbd = event_device(child, "QEMU USB Keyboard")
    tablet = event_device(child, "QEMU USB Tablet")
    capture_events(child, kbd, 6)  # MSC_SCAN, KEY_A, SYN for the press, the same for release
    assert qmp.hmp("sendkey a 10") == ""
    keys = captured_events(child, kbd, 6)
    capture_events(child, tablet, 3)  # ABS_X, ABS_Y, SYN
    assert qmp.cmd("input-send-event", events=[
        {"type": "abs", "data": {"axis": "x", "value": 1000}},
        {"type": "abs", "data": {"axis": "y", "value": 20000}}]) == {"return": {}}
    moves = captured_events(child, tablet, 3)
    capture_events(child, tablet, 6)  # MSC_SCAN, BTN_LEFT, SYN twice
    for down in (True, False):
        assert qmp.cmd("input-send-event", events=[
            {"type": "btn", "data": {"down": down, "button": "left"}}]) == {"return": {}}
    clicks = captured_events(child, tablet, 6)
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    drop_msc = lambda events: [e for e in events if e[0] != EV_MSC]  # noqa: E731
    return view, drop_msc(keys), moves, drop_msc(clicks)


def test_usb_input_as_qemu(kestrel, qemu, linux_images, tmp_path):
    view, keys, moves, clicks = guest_view(kestrel, linux_images, tmp_path)
    assert "product=QEMU USB Keyboard" in view and "product=QEMU USB Tablet" in view
    assert "serial=68284-0000:00:01.0-1" in view and "speed=480" in view
    assert "Device 0.1, Port 1, Speed 480 Mb/s, Product QEMU USB Keyboard" in view
    assert keys == [(EV_KEY, KEY_A, 1), (EV_KEY, KEY_A, 0)]
    assert moves == [(EV_ABS, 0, 1000), (EV_ABS, 1, 20000)]
    assert clicks == [(EV_KEY, BTN_LEFT, 1), (EV_KEY, BTN_LEFT, 0)]
    theirs = guest_view(qemu, linux_images, tmp_path)
    assert theirs[0] == view, "\n".join(difflib.unified_diff(
        theirs[0].splitlines(), view.splitlines(), "qemu", "kestrel", lineterm=""))
    assert theirs[1:] == (keys, moves, clicks)


def run(binary, *args):
    return subprocess.run([binary, "-M", "virt", "-S", "-display", "none", "-monitor", "none",
                           "-serial", "none", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("args, message", [
    # -usbdevice comes before -device and virt's -usb adds no controller: never a bus.
    (["-usbdevice", "tablet"], "could not add USB device 'tablet'"),
    (["-usb", "-device", "qemu-xhci", "-usbdevice", "tablet"], "could not add USB device"),
    (["-usbdevice", "foo"], "could not add USB device 'foo'"),
    (["-device", "usb-kbd"], "No 'usb-bus' bus found for device 'usb-kbd'"),
    (["-device", "qemu-xhci", "-device", "usb-kbd,port=9"],
     "usb port 9 (bus usb-bus.0) not found (in use?)"),
    (["-device", "qemu-xhci,id=xh", "-device", "usb-kbd,bus=xh.0,port=1", "-device",
      "usb-mouse,port=1"], "usb port 1 (bus xh.0) not found (in use?)"),
    (["-device", "qemu-xhci", "-device", "usb-kbd,bus=xhci.0"], "Bus 'xhci.0' not found"),
])
def test_usb_command_line_errors(kestrel, qemu, args, message):
    for binary in (kestrel, qemu):
        proc = run(binary, *args)
        assert proc.returncode == 1 and message in proc.stderr, (binary, proc.stderr)


def test_info_usb_without_usb(kestrel, qemu):
    # -usb on virt adds no controller: `info usb` finds no bus, as QEMU's.
    for binary in (kestrel, qemu):
        proc = subprocess.run([binary, "-M", "virt", "-usb", "-S", "-display", "none", "-serial",
                               "none", "-monitor", "stdio"], input="info usb\nquit\n",
                              capture_output=True, text=True, timeout=60)
        assert "Error: USB support not enabled" in proc.stdout, (binary, proc.stdout)
