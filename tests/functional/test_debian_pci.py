"""Debian trixie on PCI and qcow2, as users run it on QEMU: the root disk is a qcow2 overlay
whose backing file is the cached debian.img (qemu-img create -f qcow2 -b debian.img -F raw),
on virtio-blk-pci; the NIC is virtio-net-pci with ssh forwarded. One boot checks:
  - serial login, a command over ssh, a file written over ssh read back on the console;
  - both devices sit on the PCI bus;
  - a 256 MiB O_DIRECT read by dd on hart 1 while hart 0 runs a counter: the counter keeps
    moving (block I/O runs in worker threads, not under the big lock a vCPU holds);
  - discard and write-zeroes from the guest reach a raw scratch disk (discard=unmap): the
    discarded range and the range zeroed with unmap allowed become holes, all read zero;
  - after sync and poweroff, `qemu-img check` finds the overlay clean and debian.img untouched.
The same command line runs on QEMU 7.2 (given the uncompressed vmlinux, see test_debian.py).
"""
import os
import re
import subprocess

import pytest

from conftest import HANG_GUARD, KESTREL, QEMU, smp_firmware
from test_debian import (check_session, debian, direct_kernel_args, free_port, login,  # noqa: F401
                         poweroff, shell, spawn)

SCRATCH_MIB = 64
PATTERN = b"\xa5" * 4096


def make_overlay(images, tmp_path):
    overlay = tmp_path / "debian.qcow2"
    subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-b",
                    os.path.join(images, "debian.img"), "-F", "raw", str(overlay)], check=True)
    return overlay


def make_scratch(tmp_path):
    """A fully allocated raw disk filled with a pattern."""
    scratch = tmp_path / "scratch.img"
    with open(scratch, "wb") as f:
        for _ in range(SCRATCH_MIB * 256):
            f.write(PATTERN)
    return scratch


def pci_args(overlay, scratch, port):
    return ["-M", "virt", "-m", "1G", "-smp", "2", *smp_firmware(), "-nographic",
            "-drive", f"file={overlay},format=qcow2,if=none,id=hd0",
            "-device", "virtio-blk-pci,drive=hd0",
            "-drive", f"file={scratch},format=raw,if=none,id=scratch,discard=unmap",
            "-device", "virtio-blk-pci,drive=scratch",
            "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{port}-:22",
            "-device", "virtio-net-pci,netdev=n0"]


def check_on_pci(child):
    paths = shell(child, "readlink -f /sys/block/vda /sys/block/vdb "
                         "/sys/class/net/e*/device").split()
    assert len(paths) == 3 and all("/pci0000:00/" in p for p in paths), paths


def read_while_counting(child):
    """dd reads 256 MiB (O_DIRECT, so from the device) on hart 1; a counter loop on hart 0
    publishes its value in /run/count. Returns the counter's progress during the read and
    dd's summary line."""
    shell(child, "(taskset -c 0 bash -c 'i=0; while :; do i=$((i+1)); echo $i > /run/c.new; "
                 "mv /run/c.new /run/count; done' >/dev/null 2>&1 &) ; "
                 "until [ -s /run/count ]; do sleep 0.1; done")
    out = shell(child, "a=$(cat /run/count); "
                       "taskset -c 1 dd if=/dev/vda of=/dev/null bs=1M count=256 iflag=direct "
                       "2>&1 | tail -n1; b=$(cat /run/count); echo COUNT $a $b; "
                       "pkill -f 'i=0; while'")
    m = re.search(r"COUNT (\d+) (\d+)", out)
    assert m, out
    assert "268435456 bytes" in out, out
    return int(m.group(2)) - int(m.group(1)), out.strip().splitlines()[0]


def discard_and_zero(child):
    """DISCARD on [0, 16 MiB); WRITE_ZEROES without UNMAP (BLKZEROOUT) on [16, 32 MiB); and
    WRITE_ZEROES with UNMAP (fallocate --punch-hole on the device) on [32, 40 MiB)."""
    shell(child, "blkdiscard -f -o 0 -l 16MiB /dev/vdb && "
                 "blkdiscard -f -z -o 16MiB -l 16MiB /dev/vdb && "
                 "fallocate -p -o 32MiB -l 8MiB /dev/vdb && sync")


def check_scratch(scratch):
    mib = 1024 * 1024
    st = os.stat(scratch)
    # The discarded 16 MiB and the unmapped 8 MiB are holes now; the 16 MiB zeroed without
    # unmap may stay allocated.
    assert st.st_blocks * 512 <= (SCRATCH_MIB - 24 + 1) * mib, st.st_blocks
    with open(scratch, "rb") as f:
        data = f.read(48 * mib)
    assert data[:40 * mib].count(0) == 40 * mib
    assert data[40 * mib:] == PATTERN * (8 * 256)


@pytest.mark.parametrize("which", ["kestrel", "qemu"])
def test_debian_pci_qcow2(debian, tmp_path, which):
    port = free_port()
    base = os.path.join(debian, "debian.img")
    base_stat = os.stat(base)
    overlay = make_overlay(debian, tmp_path)
    scratch = make_scratch(tmp_path)
    args = pci_args(overlay, scratch, port)
    if which == "kestrel":
        child = spawn(KESTREL, args + direct_kernel_args(os.path.join(debian, "vmlinuz"), debian),
                      tmp_path)
    else:
        assert QEMU, "qemu-system-riscv64 missing: run scripts/setup"
        child = spawn(QEMU, args + direct_kernel_args(os.path.join(debian, "vmlinux"), debian),
                      tmp_path)
        # A hang guard, not a limit: on a busy 2-core host QEMU's TCG took over 300 s to reach
        # the login prompt of this two-hart boot (Kestrel about 130 s).
        child.timeout = 3 * HANG_GUARD
    login(child)
    check_on_pci(child)
    check_session(child, debian, port, tmp_path)
    progress, dd_line = read_while_counting(child)
    print(f"{which}: {dd_line}; counter on the other hart advanced by {progress}")
    assert progress > 0, f"hart 0 made no progress while hart 1 read: {dd_line}"
    discard_and_zero(child)
    shell(child, "echo written-on-qcow2 > /root/qcow2.txt && sync")
    poweroff(child)
    check_scratch(scratch)
    check = subprocess.run(["qemu-img", "check", str(overlay)], capture_output=True, text=True)
    assert check.returncode == 0 and "No errors were found" in check.stdout, check.stdout
    assert "leaked" not in check.stdout, check.stdout
    # The guest's writes went to the overlay; the backing file was only read.
    after = os.stat(base)
    assert (after.st_mtime_ns, after.st_size) == (base_stat.st_mtime_ns, base_stat.st_size)
    mapped = subprocess.run(["qemu-img", "map", str(overlay)], capture_output=True, text=True,
                            check=True).stdout
    assert str(overlay) in mapped, mapped  # some clusters now live in the overlay
