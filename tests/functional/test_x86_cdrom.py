"""-cdrom and -drive media=cdrom on q35: a read-only ATAPI drive (ide-cd) on the ICH9 AHCI, as
qemu-system-x86_64 -M q35 (QEMU 7.2) makes it: the drives `info block` lists; and an El Torito
ISO built here with xorriso that SeaBIOS boots through ISOLINUX (Debian's isolinux) into Debian
bookworm's kernel and the busybox initramfs, which mount the same CD (sr_mod, isofs) and read
its files back, on both emulators."""
import hashlib
import os
import re
import shutil
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD
from test_x86_disk_net import hmp

XORRISO = shutil.which("xorriso")
ISOLINUX_BIN = "/usr/lib/ISOLINUX/isolinux.bin"
LDLINUX_C32 = "/usr/lib/syslinux/modules/bios/ldlinux.c32"
HELLO = "Kestrel reads ISO 9660 through ATAPI\n"
# Kestrel's x86 engine needs minutes for Debian's kernel: a hang guard, not a timing check.
BOOT_GUARD = 4 * HANG_GUARD


@pytest.fixture(scope="module")
def x86_images(x86_image_dir):
    """bzImage and initrd.cpio.gz from scripts/build-x86-images."""
    return os.path.join(x86_image_dir, "bzImage"), os.path.join(x86_image_dir, "initrd.cpio.gz")


@pytest.fixture(scope="module")
def iso(tmp_path_factory, x86_images):
    """A bootable ISO 9660 image (El Torito, no emulation: ISOLINUX loading the kernel and
    initramfs with console=ttyS0; Rock Ridge names) with hello.txt and 700 KiB of random bytes
    in blob.bin: (path, sha256 of the blob)."""
    assert XORRISO, "xorriso missing: run scripts/setup"
    tree = tmp_path_factory.mktemp("isotree")
    (tree / "isolinux").mkdir()
    for f in (ISOLINUX_BIN, LDLINUX_C32):
        assert os.path.exists(f), f"{f} missing: run scripts/setup"
        shutil.copy(f, tree / "isolinux")
    (tree / "isolinux" / "isolinux.cfg").write_text(
        "SERIAL 0 115200\nPROMPT 0\nDEFAULT linux\nLABEL linux\n  KERNEL /bzimage\n"
        "  APPEND initrd=/initrd.gz console=ttyS0\n")
    shutil.copy(x86_images[0], tree / "bzimage")
    shutil.copy(x86_images[1], tree / "initrd.gz")
    (tree / "hello.txt").write_text(HELLO)
    blob = os.urandom(700 << 10)
    (tree / "blob.bin").write_bytes(blob)
    path = str(tree.parent / "test.iso")
    build_iso(path, tree, ["-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat",
                           "-no-emul-boot", "-boot-load-size", "4", "-boot-info-table"])
    return path, hashlib.sha256(blob).hexdigest()


def build_iso(path, tree, boot_args=()):
    """An ISO 9660 image (Rock Ridge names, volume KESTREL) of the directory tree at path;
    boot_args: xorriso's El Torito options, none for a data disc."""
    assert XORRISO, "xorriso missing: run scripts/setup"
    proc = subprocess.run([XORRISO, "-as", "mkisofs", "-R", "-V", "KESTREL", "-o", str(path),
                           *boot_args, str(tree)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def block_lines(binary, args):
    """`info block` as {drive id: its line}."""
    return {m.group(1): l for l in hmp(binary, args, "info block")
            if (m := re.match(r"(\S+?)(?: \(#block\d+\))?: ", l))}


def test_cdrom_drives_match_qemu(x86_binaries, iso):
    """-cdrom is ide2-cd0 and -drive media=cdrom,index=N ideN-cd0, both read-only, on each."""
    args = ["-cdrom", iso[0], "-drive", f"file={iso[0]},format=raw,media=cdrom,index=4",
            "-drive", f"file={iso[0]},format=raw,media=cdrom,if=none,id=spare"]
    for binary in x86_binaries:
        drives = block_lines(binary, args)
        assert set(drives) == {"ide2-cd0", "ide4-cd0", "spare"}, (binary, drives)
        assert all("read-only" in l for l in drives.values()), (binary, drives)


def boot_and_read(binary, iso, log):
    """Boot the CD (the only bootable drive: SeaBIOS tries it), mount it as /dev/sr0 and return
    what the guest reports: the drive's model, size and sr capabilities, hello.txt and the
    sha256 of blob.bin."""
    child = pexpect.spawn(binary, ["-M", "q35", "-m", "512", "-nographic", "-cdrom", iso],
                          timeout=BOOT_GUARD, encoding="utf-8", codec_errors="replace")
    child.logfile_read = log
    try:
        child.expect("ISOLINUX")
        child.expect("KESTREL-X86-INIT")
        # sr_mod finds the drive in the background: wait for its node, then mount it.
        child.sendline("n=0; while [ ! -b /dev/sr0 ] && [ $n -lt 1200 ]; do sleep 0.25; "
                       "n=$((n + 1)); done; mkdir -p /mnt && mount -t iso9660 -o ro /dev/sr0 /mnt"
                       " && echo \"MODEL=$(cat /sys/block/sr0/device/model)=\""
                       " \"SIZE=$(cat /sys/block/sr0/size)=\" \"HELLO=$(cat /mnt/hello.txt)=\""
                       " && sha256sum /mnt/blob.bin"
                       " && dmesg | grep -o -e 'ATAPI: .*' -e 'sr0] scsi3-mmc.*'; echo CDROM-RC=$?")
        child.expect(r"CDROM-RC=(\d+)\r")
        out = child.before
        rc = child.match.group(1)
        child.sendline("poweroff -f")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert rc == "0", f"{os.path.basename(binary)}: mount or read failed:\n{out}"
    return [l.strip() for l in out.splitlines()
            if re.match(r"(MODEL=|ATAPI: |sr0\] |[0-9a-f]{64}  /mnt/blob\.bin)", l)]


def test_seabios_boots_the_cdrom_and_linux_reads_it(x86_binaries, iso, tmp_path):
    """SeaBIOS boots the El Torito image through ISOLINUX (ATAPI reads by the BIOS); Debian's
    kernel then sees the drive on AHCI port 2 (sr0) with the capabilities QEMU's has, mounts
    the ISO 9660 file system and reads its files (700 KiB by READ(10)): the same report on
    Kestrel and on QEMU."""
    sectors = os.path.getsize(iso[0]) // 512
    reports = []
    for binary in x86_binaries:
        with open(tmp_path / f"{os.path.basename(binary)}.log", "w") as log:
            reports.append(boot_and_read(binary, iso[0], log))
    ours, theirs = reports
    assert ours[0] == f"MODEL=QEMU DVD-ROM    = SIZE={sectors}= HELLO={HELLO.strip()}=", ours
    assert ours[1] == f"{iso[1]}  /mnt/blob.bin", ours
    assert ours[2] == "ATAPI: QEMU DVD-ROM, 2.5+, max UDMA/100", ours
    assert ours[3].startswith("sr0] scsi3-mmc drive:"), ours
    assert ours == theirs
