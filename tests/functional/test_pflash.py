"""CFI flash on the virt board (-drive if=pflash,unit=0|1), each test on Kestrel and QEMU 7.2:
the command state machine as a bare-metal program sees it (same transcript on both), firmware
run from flash 0, Linux's MTD driver writing the image, and the image size checks."""
import os
import struct

import pexpect
import pytest

from conftest import BUILD, HANG_GUARD, run
from test_linux import PROMPT, poweroff, sh

FLASH_SIZE = 32 * 1024 * 1024
PROGRAM = os.path.join(BUILD, "tests", "guest", "pflash.elf")

# M-mode code for flash 0: li t0, 1; slli t0, t0, 31; jr t0. QEMU 7.2 starts the harts in
# flash 0 when it holds an image, with the firmware still loaded in DRAM: this hands over to
# it (a0..a2, hart id, FDT and fw_dynamic info, are untouched), so Linux boots as usual.
JUMP_TO_DRAM = struct.pack("<3I", 0x00100293, 0x01F29293, 0x00028067)

# Print "F" on the UART, then power off through the sifive_test device (exit status 0):
# lui t1, 0x10000; li t2, 'F'; sb t2, 0(t1); li t2, '\n'; sb t2, 0(t1);
# lui t0, 0x100; lui t1, 0x5; addi t1, t1, 0x555; sw t1, 0(t0); j .
PRINT_F = struct.pack("<10I", 0x10000337, 0x04600393, 0x00730023, 0x00A00393, 0x00730023,
                      0x001002B7, 0x00005337, 0x55530313, 0x0062A023, 0x0000006F)


def flash_image(path, code=b"", size=FLASH_SIZE):
    with open(path, "wb") as f:
        f.write(code)
        f.truncate(size)
    return str(path)


def test_command_transcript_matches_qemu(kestrel, qemu):
    """Read array, CFI query, ID, program, erase, buffered write, lock: the same answers.
    The program ends running code from the flash; QEMU 7.2 fails there (check 10: it runs
    the code as first programmed), so the transcripts are compared up to that point."""
    assert os.path.exists(PROGRAM), "build/tests/guest/pflash.elf missing: run make guest"
    out = {}
    for name, binary, status in (("kestrel", kestrel, 0), ("qemu", qemu, 10)):
        proc = run([binary, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot",
                    "-kernel", PROGRAM])
        assert proc.returncode == status, f"{name}: {proc.stdout[-2000:]}{proc.stderr[-1000:]}"
        out[name] = proc.stdout
    assert "cfi 0x10: 0x510051" in out["qemu"]
    assert "ran from flash 0x2\nPASS" in out["kestrel"]
    assert out["kestrel"].split("ran from flash")[0] == out["qemu"].split("check 10 failed")[0]


@pytest.mark.parametrize("bios", [["-bios", "none"], []], ids=["bios-none", "bios-default"])
def test_firmware_runs_from_flash0(emulator, tmp_path, bios):
    image = flash_image(tmp_path / "flash0.img", PRINT_F)
    proc = run([emulator, "-M", "virt", "-nographic", *bios,
                "-drive", f"if=pflash,unit=0,format=raw,file={image}"])
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-1000:]
    assert proc.stdout.startswith("F"), proc.stdout[:500]


def test_flash1_is_the_kernel_entry(emulator, tmp_path):
    """An image in flash 1 is S-mode firmware: OpenSBI enters it instead of a kernel."""
    image = flash_image(tmp_path / "flash1.img", PRINT_F)
    proc = run([emulator, "-M", "virt", "-nographic",
                "-drive", f"if=pflash,unit=1,format=raw,file={image}"])
    assert "Domain0 Next Address      : 0x0000000022000000" in proc.stdout, proc.stdout[-2000:]
    assert "\nF" in proc.stdout


def test_linux_writes_the_image(emulator, linux_images, tmp_path):
    """Linux (CFI probe, physmap-of, mtdblock) sees both banks and its write reaches the file."""
    image = flash_image(tmp_path / "flash0.img", JUMP_TO_DRAM)
    pattern = "KESTREL-PFLASH-0123456789"
    offset = 256 * 1024  # the second erase block of bank 0
    child = pexpect.spawn(emulator, [
        "-M", "virt", "-m", "512", "-nographic", "-kernel", os.path.join(linux_images, "Image"),
        "-initrd", os.path.join(linux_images, "rootfs.cpio.gz"), "-append", "console=ttyS0",
        "-drive", f"if=pflash,unit=0,format=raw,file={image}"],
        timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    mtd = sh(child, "cat /proc/mtd")
    # One MTD device over both banks: 64 MiB in 256 KiB erase blocks.
    assert '04000000 00040000 "20000000.flash"' in mtd, mtd
    sh(child, f"printf {pattern} > /tmp/p && "
              f"dd if=/tmp/p of=/dev/mtdblock0 bs=1 seek={offset} 2>/dev/null && sync")
    assert pattern in sh(child, f"dd if=/dev/mtdblock0 bs=1 skip={offset} count={len(pattern)}"
                                f" 2>/dev/null")
    assert poweroff(child) == 0
    with open(image, "rb") as f:
        data = f.read()
    assert data[offset:offset + len(pattern)] == pattern.encode()
    assert data[:len(JUMP_TO_DRAM)] == JUMP_TO_DRAM
    # mtdblock erased the block and wrote all of it back: the bytes around keep their value.
    assert data[offset + len(pattern):offset + 4096] == bytes(4096 - len(pattern))


@pytest.mark.parametrize("size", [4096, 40 * 1024 * 1024])
def test_image_size_must_match_the_bank(emulator, tmp_path, size):
    image = flash_image(tmp_path / "flash.img", size=size)
    proc = run([emulator, "-M", "virt", "-nographic", "-bios", "none",
                "-drive", f"if=pflash,unit=1,format=raw,file={image}"])
    assert proc.returncode == 1
    assert (f"device requires 33554432 bytes, block backend provides {size} bytes"
            in proc.stderr), proc.stderr


def test_no_third_bank(emulator, tmp_path):
    image = flash_image(tmp_path / "flash.img")
    proc = run([emulator, "-M", "virt", "-nographic", "-bios", "none",
                "-drive", f"if=pflash,unit=2,format=raw,file={image}"])
    assert proc.returncode == 1
    assert "machine type does not support if=pflash,bus=0,unit=2" in proc.stderr, proc.stderr
