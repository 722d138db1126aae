"""qcow2 images with Linux on the virt board, each scenario run on Kestrel and on QEMU 7.2 with
the same command line: a root disk converted to qcow2 under an overlay with a backing file,
written by the guest and checked with qemu-img; -snapshot leaving it unchanged; -blockdev in
JSON form; a bad L2 entry giving the guest an I/O error; QEMU's format-probing warning."""
import hashlib
import os
import struct
import subprocess

import pytest

from conftest import run
from test_linux import boot, debugfs_cat, poweroff, sh

ROOT_APPEND = "root=/dev/vda rw console=ttyS0"


def qemu_img(*args):
    proc = subprocess.run(["qemu-img", *args], capture_output=True, text=True)
    assert proc.returncode == 0, f"qemu-img {' '.join(args)}:\n{proc.stdout}{proc.stderr}"
    return proc.stdout


def out(child, cmd):
    """The last line cmd printed in the guest (the helper's output may start with an echo)."""
    return [l for l in sh(child, cmd).replace("\r", "").split("\n") if l.strip()][-1].strip()


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture
def overlay(linux_images, tmp_path):
    """base.qcow2 (qemu-img convert of the cached ext4 disk) under top.qcow2 (backing_fmt)."""
    base, top = str(tmp_path / "base.qcow2"), str(tmp_path / "top.qcow2")
    qemu_img("convert", "-f", "raw", "-O", "qcow2", os.path.join(linux_images, "disk.img"), base)
    qemu_img("create", "-q", "-f", "qcow2", "-b", base, "-F", "qcow2", top)
    return base, top


def test_overlay_write_check_snapshot_blockdev(emulator, linux_images, overlay, tmp_path):
    base, top = overlay
    base_sum = digest(base)

    # 1. -snapshot: the guest writes, the qcow2 files stay byte for byte the same.
    top_sum = digest(top)
    child = boot(emulator, linux_images, append=ROOT_APPEND, initrd=False,
                 extra=["-drive", f"file={top},format=qcow2,if=none,id=hd0",
                        "-device", "virtio-blk-device,drive=hd0", "-snapshot"])
    sh(child, "echo scratch > /scratch.txt && sync")
    assert poweroff(child) == 0
    assert digest(top) == top_sum

    # 2. A real write through the overlay: qemu-img check is clean, the base is untouched.
    child = boot(emulator, linux_images, append=ROOT_APPEND, initrd=False,
                 extra=["-drive", f"file={top},format=qcow2,if=none,id=hd0,cache=writeback",
                        "-device", "virtio-blk-device,drive=hd0"])
    sh(child, "dd if=/dev/urandom of=/big.bin bs=64k count=40 2>/dev/null && "
              "md5sum /big.bin > /big.md5 && echo written-to-qcow2 > /hello.txt && sync")
    guest_md5 = out(child, "cat /big.md5").split()[0]
    assert poweroff(child) == 0
    check = qemu_img("check", top)
    assert "No errors were found on the image." in check, check
    assert "leaked" not in check, check
    assert digest(base) == base_sum
    flat = str(tmp_path / "flat.img")
    qemu_img("convert", "-O", "raw", top, flat)
    assert debugfs_cat(flat, "/hello.txt") == "written-to-qcow2\n"
    assert "scratch" not in subprocess.run(["debugfs", "-R", "ls /", flat], capture_output=True,
                                           text=True).stdout

    # 3. A second boot through -blockdev (JSON) sees the data.
    blockdev = ('{"driver": "qcow2", "node-name": "root", '
                f'"file": {{"driver": "file", "filename": "{top}"}}}}')
    child = boot(emulator, linux_images, append=ROOT_APPEND, initrd=False,
                 extra=["-blockdev", blockdev, "-device", "virtio-blk-device,drive=root"])
    assert out(child, "cat /hello.txt") == "written-to-qcow2"
    assert out(child, "md5sum /big.bin").split()[0] == guest_md5
    assert poweroff(child) == 0
    assert "No errors were found on the image." in qemu_img("check", top)


def bad_l2_image(path):
    """A qcow2 whose second data cluster has an unaligned host offset in its L2 entry."""
    qemu_img("create", "-q", "-f", "qcow2", path, "1M")
    subprocess.run(["qemu-io", "-c", "write -P 0x5a 0 128k", path], check=True,
                   capture_output=True)
    with open(path, "r+b") as f:
        f.seek(40)
        l1 = struct.unpack(">Q", f.read(8))[0]
        f.seek(l1)
        l2 = struct.unpack(">Q", f.read(8))[0] & 0x00fffffffffffe00
        f.seek(l2 + 8)
        f.write(struct.pack(">Q", (1 << 63) | 0x10200))


def test_bad_entry_is_a_guest_io_error(emulator, linux_images, tmp_path):
    bad = str(tmp_path / "bad.qcow2")
    bad_l2_image(bad)
    before = digest(bad)
    child = boot(emulator, linux_images,
                 extra=["-drive", f"file={bad},format=qcow2,if=none,id=bad,readonly=on",
                        "-device", "virtio-blk-device,drive=bad"])
    # The first cluster reads; the bad one fails in the guest, which carries on.
    assert out(child, "dd if=/dev/vda bs=65536 count=1 2>/dev/null | md5sum").split()[0] == \
        hashlib.md5(b"\x5a" * 65536).hexdigest()
    child.sendline("dd if=/dev/vda of=/dev/null bs=65536 skip=1 count=1; "
                   "echo RC=$?")
    child.expect(r"RC=(\d+)")
    assert child.match.group(1) != "0"
    assert "I/O error" in sh(child, "dmesg | tail -20")
    assert out(child, "echo still-alive") == "still-alive"
    assert poweroff(child) == 0
    assert digest(bad) == before


def test_probing_warns_like_qemu(emulator, tmp_path):
    raw = tmp_path / "r.img"
    raw.write_bytes(b"\0" * 65536)
    proc = run([emulator, "-M", "virt", "-nographic", "-bios", "none",
                "-drive", f"file={raw},if=none,id=d0", "-device", "virtio-blk-device,drive=nope"])
    assert proc.returncode == 1
    assert (f"WARNING: Image format was not specified for '{raw}' and probing guessed raw.\n"
            "         Automatically detecting the format is dangerous for raw images, write "
            "operations on block 0 will be restricted.\n"
            "         Specify the 'raw' format explicitly to remove the restrictions.\n"
            ) in proc.stderr
