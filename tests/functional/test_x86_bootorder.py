"""What SeaBIOS boots on q35, Kestrel against qemu-system-x86_64 -M q35 (QEMU 7.2), with the
syslinux disk boot.img (scripts/build-x86-images) on AHCI port 0 and the El Torito ISO of
test_x86_cdrom.py as the CD: -boot order= through the CMOS boot-device bytes, once= for the
first boot only, and -device ...,bootindex=N through fw_cfg's bootorder (SeaBIOS logs the list
it read and the device it boots on its debug console). Each case stops at the boot loader's
banner on the serial port: no kernel runs."""
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import HANG_GUARD
from monitor_util import QMP, stop
from test_x86_cdrom import iso, x86_images  # noqa: F401 (fixtures: the bootable ISO)
from test_x86_firmware import boot_img  # noqa: F401 (fixture: boot.img)

# What each boot loader prints first on the serial port.
BANNER = {"DVD/CD": "ISOLINUX", "Hard Disk": "SYSLINUX"}
# SeaBIOS's line as it tries a device (then "Booting from 0000:7c00" once it loaded it).
BOOTING = re.compile(r"Booting from (DVD/CD|Hard Disk)\.\.\.")


def wait_until(cond, proc, what):
    """Poll cond() while the emulator runs (a hang guard, not a timing check)."""
    deadline = time.monotonic() + HANG_GUARD
    while not cond():
        assert proc.poll() is None, f"emulator exited waiting for {what}: " + \
            proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, f"no {what}"
        time.sleep(0.05)


def read(path):
    return open(path, errors="replace").read() if os.path.exists(path) else ""


def boots(binary, args, tmp_path, resets=0):
    """Start binary -M q35 with args and let SeaBIOS boot resets + 1 times (a QMP system_reset
    after each boot loader's banner): (the bootorder lines SeaBIOS read, the devices it booted
    from)."""
    d = tmp_path / os.path.basename(binary)
    d.mkdir(exist_ok=True)
    dbg, ser, qmp_path = d / "seabios.log", d / "serial.log", str(d / "qmp.sock")
    for f in (dbg, ser):
        f.unlink(missing_ok=True)
    proc = subprocess.Popen(
        [binary, "-M", "q35", "-m", "256", "-display", "none", "-monitor", "none",
         "-serial", f"file:{ser}", "-chardev", f"file,id=dbg,path={dbg}",
         "-device", "isa-debugcon,iobase=0x402,chardev=dbg",
         "-qmp", f"unix:{qmp_path},server=on,wait=off", *args],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    booted = []
    try:
        for n in range(resets + 1):
            wait_until(lambda: len(BOOTING.findall(read(dbg))) > n, proc, "boot")
            dev = BOOTING.findall(read(dbg))[n]
            booted.append(dev)
            wait_until(lambda: read(ser).count(BANNER[dev]) > booted.count(dev) - 1, proc,
                       BANNER[dev])
            if n < resets:
                wait_until(lambda: os.path.exists(qmp_path), proc, "QMP socket")
                s = socket.socket(socket.AF_UNIX)
                s.connect(qmp_path)
                s.settimeout(HANG_GUARD)
                qmp = QMP(s)
                qmp.negotiate()
                assert qmp.cmd("system_reset")[1] == {"return": {}}
                s.close()
    finally:
        stop(proc)
    log = read(dbg)
    order = log.split("boot order:\n", 1)[1].split("\n") if "boot order:\n" in log else []
    lines = []
    for line in order:
        if not line[:1].isdigit():
            break
        lines.append(line.split(": ", 1)[1])
    return lines, booted


@pytest.fixture
def media(boot_img, iso):  # noqa: F811 (pytest fixtures)
    """-drive options: the disk and the CD as if=none drives d0 and c0, for -device."""
    return ["-drive", f"file={boot_img},format=raw,snapshot=on,if=none,id=d0",
            "-drive", f"file={iso[0]},format=raw,media=cdrom,if=none,id=c0"]


AHCI = "/pci@i0cf8/pci8086,2922@1f,2"
CASES = {
    # the PC's default order "cad": the disk first
    "default": ([], [], ["Hard Disk"]),
    "order=dc": (["-boot", "order=dc"], [], ["DVD/CD"]),
    # once= for the first boot, order= (default cad) after the reset
    "once=d": (["-boot", "once=d"], [], ["DVD/CD", "Hard Disk"]),
    # bootindex beats the CMOS order; strict=on ends the list with HALT
    "bootindex": (["-device", "ide-hd,drive=d0,bus=ide.0,bootindex=2",
                   "-device", "ide-cd,drive=c0,bus=ide.4,bootindex=1",
                   "-boot", "order=c,strict=on"],
                  [f"{AHCI}/drive@4/disk@0", f"{AHCI}/drive@0/disk@0", "HALT"], ["DVD/CD"]),
}


@pytest.mark.parametrize("case", CASES)
def test_boot_order_matches_qemu(x86_binaries, media, tmp_path, case):
    args, order, booted = CASES[case]
    if not any(a.startswith("ide-hd") for a in args):
        args += ["-device", "ide-hd,drive=d0,bus=ide.0", "-device", "ide-cd,drive=c0,bus=ide.2"]
    results = [boots(b, media + args, tmp_path, resets=len(booted) - 1) for b in x86_binaries]
    assert results[0] == (order, booted), results[0]
    assert results[0] == results[1]
