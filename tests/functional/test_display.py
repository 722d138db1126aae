"""Linux on a screen: the guest's virtio-gpu driver and fbcon draw its tty0 console, which
screendump saves (1280x800, the same pixels as QEMU 7.2 for the same text) and a VNC client
sees (ZRLE decoded to the same pixels); keys typed through VNC, QMP send-key and HMP
sendkey reach the guest's virtio keyboard, a VNC pointer move arrives at the virtio tablet as
absolute events. Once more with the PCI forms of the devices."""
import os
import struct

import pexpect

from conftest import HANG_GUARD
from rfb_util import ENC_DESKTOP_SIZE, ENC_RAW, ENC_ZRLE, RFBClient, read_ppm
from test_linux import PROMPT, sh
from test_vnc import QMP, wait_for

LINE = "KESTREL-SCREEN-LINE 0123456789 abcdefghijklmnopqrstuvwxyz"
EV_KEY, EV_REL, EV_ABS, KEY_A, KEY_B, KEY_C, BTN_LEFT = 1, 2, 3, 30, 48, 46, 0x110
# Modern virtio-mmio, as QEMU's virtio-gpu needs (the Linux driver wants VIRTIO_F_VERSION_1).
MMIO = ["-global", "virtio-mmio.force-legacy=false", "-device", "virtio-gpu-device",
        "-device", "virtio-keyboard-device", "-device", "virtio-tablet-device"]


def start(binary, images, tmp_path, extra):
    """Start the machine stopped (-S); returns the console and QMP. boot() lets it run."""
    qmp_path = str(tmp_path / f"{os.path.basename(binary)}.qmp")
    args = ["-M", "virt", "-m", "512", "-nographic", "-kernel", os.path.join(images, "Image"),
            "-initrd", os.path.join(images, "rootfs.cpio.gz"), "-S",
            "-append", "console=tty0 console=ttyS0",
            "-qmp", f"unix:{qmp_path},server=on,wait=off", *extra]
    child = pexpect.spawn(binary, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    wait_for(qmp_path, child.isalive)
    return child, QMP(qmp_path)


def boot(child, qmp):
    assert qmp.cmd("cont") == {"return": {}}
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child, qmp


def show_line(child):
    """Clear tty0 with a steady cursor and no kernel messages, then print LINE on it."""
    sh(child, "dmesg -n 1; echo 0 > /sys/class/graphics/fbcon/cursor_blink")
    sh(child, f"printf '\\033[2J\\033[H{LINE}\\n' > /dev/tty0")


def screen(qmp, path, **args):
    """A screendump once the first text line shows and the screen has settled (the guest
    flushes asynchronously): two dumps in a row alike."""
    last = None
    while True:
        assert qmp.cmd("screendump", filename=path, **args) == {"return": {}}
        w, h, pixels = read_ppm(path)
        if any(pixels[: w * 3 * 16]) and pixels == last:
            return w, h, pixels
        last = pixels


def event_device(child, name):
    out = sh(child, "for e in /sys/class/input/event*; do echo $(basename $e) $(cat $e/device/name); "
                    "done")
    return [line.split()[0] for line in out.splitlines() if name in line][0]


def capture_events(child, dev, count):
    """Start recording count input_events (24 bytes each on riscv64) of /dev/input/dev."""
    sh(child, f"dd if=/dev/input/{dev} of=/tmp/{dev} bs=24 count={count} 2>/dev/null & true")


def captured_events(child, dev, count):
    """The (type, code, value) of the recorded events, SYN_REPORTs left out."""
    sh(child, f"while [ $(wc -c < /tmp/{dev}) -lt {24 * count} ]; do sleep 0.1; done")
    data = bytes(int(b, 16) for b in sh(child, f"od -A n -t x1 -v /tmp/{dev}").split())
    events = [struct.unpack("<HHi", data[i + 16:i + 24]) for i in range(0, len(data), 24)]
    return [e for e in events if e[0] != 0]


def test_screen_vnc_and_input(kestrel, qemu, linux_images, tmp_path):
    vnc = str(tmp_path / "vnc.sock")
    child, qmp = start(kestrel, linux_images, tmp_path, MMIO + ["-vnc", f"unix:{vnc}"])
    # Two clients before the guest runs: the blank 640x480 screen. The ZRLE one learns the
    # guest's mode through DesktopSize; the other did not ask for it and keeps 640x480.
    zrle = RFBClient(vnc)
    zrle.set_encodings([ENC_ZRLE, ENC_DESKTOP_SIZE])
    raw16 = RFBClient(vnc)
    raw16.set_pixel_format(16, 16, 31, 63, 31, 11, 5, 0)
    raw16.set_encodings([ENC_RAW])
    for c in (zrle, raw16):
        assert (c.width, c.height) == (640, 480)
        c.request()
        assert c.read_update()[0][:4] == (0, 0, 640, 480)
    zrle.request(incremental=True)
    boot(child, qmp)
    # (The driver's reset shows a fresh blank screen first: updates until the new size.)
    while (0, 0, 1280, 800, ENC_DESKTOP_SIZE) not in zrle.read_update():
        zrle.request(incremental=True)
    kbd = event_device(child, "QEMU Virtio Keyboard")
    tablet = event_device(child, "QEMU Virtio Tablet")
    capture_events(child, kbd, 12)     # a, b, c: down, SYN, up, SYN each
    capture_events(child, tablet, 6)   # ABS_X, ABS_Y, BTN_LEFT down, SYN, BTN_LEFT up, SYN

    show_line(child)
    w, h, pixels = screen(qmp, str(tmp_path / "k.ppm"))
    assert (w, h) == (1280, 800)
    # Both clients get the screen: the ZRLE one the exact pixels, the 16 bpp one its
    # 640x480 corner.
    for c in (zrle, raw16):
        c.request()
        c.read_update()
    assert (zrle.width, zrle.height) == (1280, 800)
    assert zrle.framebuffer_rgb() == pixels
    assert (raw16.width, raw16.height) == (640, 480) and len(raw16.fb) == 640 * 480 * 3
    # The first text line, through RGB565 and back.
    def rgb565(r, g, b):
        return ((r * 31 + 127) // 255 * 255 // 31, (g * 63 + 127) // 255 * 255 // 63,
                (b * 31 + 127) // 255 * 255 // 31)
    line = [rgb565(*pixels[(y * w + x) * 3:(y * w + x) * 3 + 3]) for y in range(16)
            for x in range(640)]
    assert [raw16.at(x, y) for y in range(16) for x in range(640)] == line
    assert any(p != (0, 0, 0) for p in line)

    zrle.key(ord("a"), True)
    zrle.key(ord("a"), False)
    assert qmp.cmd("send-key", keys=[{"type": "qcode", "data": "b"}], **{"hold-time": 10}) == \
        {"return": {}}
    assert qmp.hmp("sendkey c 10") == ""
    zrle.pointer(640, 400, 1)
    zrle.pointer(640, 400, 0)
    keys = captured_events(child, kbd, 12)
    # Three front ends, so the keys may interleave; each is pressed, then released.
    assert sorted(keys) == sorted((EV_KEY, k, v) for k in (KEY_A, KEY_B, KEY_C) for v in (1, 0))
    for k in (KEY_A, KEY_B, KEY_C):
        assert keys.index((EV_KEY, k, 1)) < keys.index((EV_KEY, k, 0)), keys
    moves = captured_events(child, tablet, 6)
    # 640 of 1280 pixels and 400 of 800, scaled to 0..0x7fff as QEMU does.
    assert moves[:2] == [(EV_ABS, 0, 640 * 0x7fff // 1279), (EV_ABS, 1, 400 * 0x7fff // 799)], \
        moves
    assert moves[2:] == [(EV_KEY, BTN_LEFT, 1), (EV_KEY, BTN_LEFT, 0)], moves
    child.sendline("poweroff")
    child.expect(pexpect.EOF)

    # The same text under QEMU 7.2: the same pixels (fbcon draws the same font).
    child, qmp = boot(*start(qemu, linux_images, tmp_path, MMIO))
    show_line(child)
    qw, qh, qpixels = screen(qmp, str(tmp_path / "q.ppm"))
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    assert (qw, qh) == (w, h)
    assert qpixels == pixels


def test_pci_devices(kestrel, linux_images, tmp_path):
    vnc = str(tmp_path / "vnc.sock")
    child, qmp = boot(*start(kestrel, linux_images, tmp_path,
                             ["-device", "virtio-gpu-pci,id=vga", "-device", "virtio-keyboard-pci",
                              "-device", "virtio-mouse-pci", "-vnc", f"unix:{vnc}"]))
    assert "virtio_gpudrmfb" in sh(child, "cat /proc/fb")
    devices = sh(child, "cat /proc/bus/input/devices")
    assert 'N: Name="QEMU Virtio Mouse"' in devices and "I: Bus=0006 Vendor=0627 Product=0002" \
        in devices
    kbd = event_device(child, "QEMU Virtio Keyboard")
    mouse = event_device(child, "QEMU Virtio Mouse")
    capture_events(child, kbd, 7)    # a from HMP (2 reports), b from input-send-event (1)
    capture_events(child, mouse, 7)  # REL_X, REL_Y, SYN, BTN_LEFT down, SYN, up, SYN
    show_line(child)
    # By the id of the PCI proxy; head 1 does not exist (max_outputs=1).
    w, h, pixels = screen(qmp, str(tmp_path / "p.ppm"), device="vga", head=0)
    assert (w, h) == (1280, 800) and any(pixels[: w * 3 * 16])
    err = qmp.cmd("screendump", filename=str(tmp_path / "x.ppm"), device="vga", head=1)
    assert err["error"]["desc"] == "Device vga (head 1) is not bound to a QemuConsole"
    assert qmp.hmp("sendkey a 10") == ""
    captured_events(child, kbd, 4)  # a is done before b starts
    key_b = {"type": "qcode", "data": "b"}
    assert qmp.cmd("input-send-event", events=[
        {"type": "key", "data": {"down": True, "key": key_b}},
        {"type": "key", "data": {"down": False, "key": key_b}}]) == {"return": {}}
    assert captured_events(child, kbd, 7) == [(EV_KEY, KEY_A, 1), (EV_KEY, KEY_A, 0),
                                              (EV_KEY, KEY_B, 1), (EV_KEY, KEY_B, 0)]
    # Without a tablet, VNC pointer moves are relative motion of the mouse.
    c = RFBClient(vnc)
    c.pointer(0, 0)
    c.pointer(10, 5)
    c.pointer(10, 5, 1)
    c.pointer(10, 5, 0)
    assert captured_events(child, mouse, 7) == [(EV_REL, 0, 10), (EV_REL, 1, 5),
                                                (EV_KEY, BTN_LEFT, 1), (EV_KEY, BTN_LEFT, 0)]
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
