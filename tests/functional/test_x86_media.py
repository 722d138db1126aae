"""Removable media on q35, Kestrel against qemu-system-x86_64 -M q35 (QEMU 7.2): the default
empty CD-ROM (ide2-cd0 on AHCI port 2, absent under -nodefaults), which Linux sees as an sr0
without a medium; HMP `change`, QMP `blockdev-change-medium` and HMP `eject` while Linux uses
the drive (it reads each new disc's file; it locks the tray while the disc is mounted, so an
eject then fails with QEMU's message; after an eject it finds no medium). One boot per
emulator covers it all."""
import json
import os
import socket
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD
from monitor_util import HMP, QMP
from test_vnc import wait_for
from test_x86_cdrom import build_iso
from test_x86_disk_net import hmp
from test_x86_firmware import sh

# Kestrel's x86 engine needs minutes for Debian's kernel: a hang guard, not a timing check.
BOOT_GUARD = 4 * HANG_GUARD
TEXTS = {"a": "first disc\n", "b": "second disc, loaded through QMP\n"}
# Read the disc (mount retried a little: the drive may report the change on the first try).
READ = ("umount /mnt 2>/dev/null; mkdir -p /mnt; for i in 1 2 3; do mount -t iso9660 -o ro "
        "/dev/sr0 /mnt 2>/dev/null && break; done; cat /mnt/hello.txt")
# What opening an empty drive says (the first line of dd's complaint).
PROBE = "dd if=/dev/sr0 of=/dev/null bs=2048 count=1 2>&1 | head -1; true"


@pytest.fixture(scope="module")
def isos(tmp_path_factory):
    """Two data discs, each with its own hello.txt: {"a": path, "b": path}."""
    paths = {}
    for name, text in TEXTS.items():
        tree = tmp_path_factory.mktemp(f"disc-{name}")
        (tree / "hello.txt").write_text(text)
        paths[name] = str(tree.parent / f"disc-{name}.iso")
        build_iso(paths[name], tree)
    return paths


def info_block(binary, args):
    """`info block` of binary -M q35 args, with its defaults (unlike hmp(): no -nodefaults)."""
    proc = subprocess.run([binary, "-M", "q35", "-S", "-display", "none", "-serial", "none",
                           "-monitor", "stdio", *args], input="info block\nquit\n",
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 0, (binary, args, proc.stderr)
    return proc.stdout


def test_default_cdrom_matches_qemu(x86_binaries, isos):
    """q35 has an empty ide2-cd0 (not locked, tray closed) unless -nodefaults, a -drive at
    index 2 or a -device that is a drive (ide-hd, ide-cd, scsi-hd, scsi-cd); another -device
    leaves it."""
    drive = ["-drive", f"file={isos['a']},format=raw,if=none,id=d0,media=cdrom"]
    cases = {(): True, ("-nodefaults",): False,
             ("-drive", f"file={isos['a']},format=raw,media=cdrom,index=2"): False,
             (*drive, "-device", "ide-cd,drive=d0,bus=ide.4"): False,
             (*drive, "-device", "virtio-blk-pci,drive=d0"): True}
    for args, present in cases.items():
        for binary in x86_binaries:
            out = info_block(binary, list(args))
            assert ("ide2-cd0: [not inserted]" in out) == present, (binary, args, out)
            if present:
                assert "Removable device: not locked, tray closed" in out, (binary, out)


def connect(path, child):
    wait_for(path, child.isalive)
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(HANG_GUARD)
    return s


def media_session(binary, images, isos, tmp_path, log):
    """Boot -kernel with the default CD-ROM, then drive it from both monitors; returns what
    the guest and the monitors said at each step, as text lines."""
    hmp_path, qmp_path = str(tmp_path / "hmp.sock"), str(tmp_path / "qmp.sock")
    args = ["-M", "q35", "-m", "512", "-nographic", "-kernel", images[0], "-initrd", images[1],
            "-append", "console=ttyS0", "-monitor", f"unix:{hmp_path},server=on,wait=off",
            "-qmp", f"unix:{qmp_path},server=on,wait=off"]
    child = pexpect.spawn(binary, args, timeout=BOOT_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.logfile_read = log
    steps = []
    try:
        mon, qmp = HMP(connect(hmp_path, child)), QMP(connect(qmp_path, child))
        mon.read_until_prompt()
        qmp.negotiate()
        child.expect("KESTREL-X86-INIT")
        sh(child, "dmesg -n 1")  # QEMU's drive logs an I/O error on the first read: keep it off
        sh(child, "n=0; while [ ! -b /dev/sr0 ] && [ $n -lt 1200 ]; do sleep 0.25; "
                  "n=$((n + 1)); done; [ -b /dev/sr0 ]")
        steps.append("empty: " + sh(child, PROBE).strip())
        steps.append("change: " + mon.cmd(f"change ide2-cd0 {isos['a']} raw").strip())
        steps.append("read a: " + sh(child, READ).strip())
        # Mounted: Linux holds the tray locked (PREVENT ALLOW MEDIUM REMOVAL).
        steps.append("eject locked: " + mon.cmd("eject ide2-cd0").strip())
        sh(child, "umount /mnt")
        _, r = qmp.cmd("blockdev-change-medium", {"device": "ide2-cd0", "filename": isos["b"],
                                                  "format": "raw"})
        steps.append(f"qmp change: {r}")
        steps.append("read b: " + sh(child, READ).strip())
        sh(child, "umount /mnt")
        steps.append("eject: " + mon.cmd("eject ide2-cd0").strip())
        steps.append("ejected: " + sh(child, PROBE).strip())
        lines = mon.cmd("info block").replace("\r", "").splitlines()
        first = next(i for i, l in enumerate(lines) if l.startswith("ide2-cd0"))
        removable = next(l for l in lines[first:] if "Removable device" in l)
        steps.append(f"info block: {lines[first]} | {removable.strip()}")
        _, r = qmp.cmd("eject", {"device": "ide0-hd0"})
        steps.append(f"qmp eject missing: {r}")
        child.sendline("poweroff -f")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return steps


def test_change_and_eject_seen_by_linux(x86_binaries, x86_image_dir, isos, tmp_path):
    images = [os.path.join(x86_image_dir, f) for f in ("bzImage", "initrd.cpio.gz")]
    results = []
    for binary in x86_binaries:
        name = os.path.basename(binary)
        (tmp_path / name).mkdir()
        with open(tmp_path / f"{name}.log", "w") as log:
            results.append(media_session(binary, images, isos, tmp_path / name, log))
    ours, theirs = results
    text = "\n".join(ours)
    assert "empty: dd: can't open '/dev/sr0': No medium found" in text, text
    assert f"read a: {TEXTS['a'].strip()}" in text, text
    assert ("eject locked: Error: Device 'ide2-cd0' is locked and force was not specified, "
            "wait for tray to open and try again") in text, text
    assert "qmp change: {'return': {}}" in text, text
    assert f"read b: {TEXTS['b'].strip()}" in text, text
    assert "ejected: dd: can't open '/dev/sr0': No medium found" in text, text
    # Linux closed the tray again when dd opened the drive (the cdrom driver's autoclose).
    assert ("info block: ide2-cd0: [not inserted] | Removable device: not locked, tray closed"
            in text), text
    assert "DeviceNotFound" in text, text
    assert ours == theirs


def qmp_transcript(binary, isos):
    """QMP's replies and events for the tray commands on a stopped q35 with a disk, as
    comparable text (no timestamps; the device's QOM path differs between the two)."""
    script = [("blockdev-open-tray", {"device": "ide2-cd0"}),
              ("blockdev-close-tray", {"device": "ide2-cd0"}),
              ("blockdev-change-medium", {"device": "ide2-cd0", "filename": isos["a"],
                                          "format": "raw"}),
              ("eject", {"device": "ide2-cd0"}),
              ("blockdev-close-tray", {"device": "nosuch"}),
              ("eject", {"device": "ide0-hd0"}),
              ("blockdev-change-medium", {"device": "ide2-cd0", "filename": isos["a"],
                                          "format": "nosuch"})]
    req = "".join(json.dumps({"execute": c, "arguments": a}) + "\n"
                  for c, a in [("qmp_capabilities", {})] + script + [("quit", {})])
    proc = subprocess.run([binary, "-M", "q35", "-S", "-display", "none", "-serial", "none",
                           "-monitor", "none", "-qmp", "stdio", "-drive",
                           f"file={isos['b']},format=raw,index=0,snapshot=on"],
                          input=req, capture_output=True, text=True, timeout=HANG_GUARD)
    out = []
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        msg.pop("timestamp", None)
        if msg.get("event") == "DEVICE_TRAY_MOVED":
            assert msg["data"].pop("id").startswith("/machine/"), msg
        if msg.get("event") != "SHUTDOWN" and "QMP" not in msg:
            out.append(msg)
    return out


def test_qmp_tray_commands_match_qemu(x86_binaries, isos):
    """blockdev-open-tray/close-tray, blockdev-change-medium and eject: the same replies,
    errors and DEVICE_TRAY_MOVED events as QEMU's (ide0-hd0, a disk, is not removable)."""
    ours, theirs = (qmp_transcript(b, isos) for b in x86_binaries)
    moved = [m["data"]["tray-open"] for m in ours if m.get("event") == "DEVICE_TRAY_MOVED"]
    assert moved == [True, False, True, False, True], ours
    assert {"error": {"class": "DeviceNotFound", "desc": "Device 'nosuch' not found"}} in ours
    assert {"error": {"class": "GenericError", "desc": "Device 'ide0-hd0' is not removable"}} \
        in ours
    assert ours == theirs


def test_hmp_media_errors_match_qemu(x86_binaries, isos):
    """HMP eject/change: QEMU's messages for missing arguments, unknown and non-removable
    devices, files that cannot be opened and formats that do not exist; an empty CD drive
    from -drive media=cdrom without file=."""
    args = ["-drive", f"file={isos['b']},format=raw,index=0,snapshot=on",
            "-drive", "if=ide,index=2,media=cdrom"]
    cmds = ["eject", "eject -f", "change", "change ide2-cd0", "eject nosuch",
            "eject ide0-hd0", "change ide0-hd0 /nonexistent", f"change ide2-cd0 {isos['a']} x",
            f"change ide0-hd0 {isos['a']} raw", "eject -f ide2-cd0"]
    ours, theirs = ([l for l in hmp(b, args, *cmds) if l.strip()] for b in x86_binaries)
    assert ours == theirs
    assert "Error: Device 'ide0-hd0' is not removable" in ours, ours
    assert "Error: Could not open '/nonexistent': No such file or directory" in ours, ours
    assert "eject: block device name expected" in ours, ours
