"""-device loader (QEMU's generic loader): bytes placed at an address, ELF and raw files
loaded, a hart's pc set. The guest program exits with the byte it finds at 0x80100000, so the
exit status shows what the loader wrote and that the hart started where the loader said.
Each case runs on Kestrel and on QEMU 7.2."""
import pytest

from baremetal import assemble, raw_image
from conftest import run


@pytest.fixture
def prog(tmp_path):
    """Exits with the byte at 0x80100000; only pc-relative code, so it runs wherever loaded."""
    elf = assemble(tmp_path, "peek", "li t0, 0x80100000\n lbu a0, 0(t0)\n exit_with a0")
    return {"elf": elf, "bin": raw_image(elf, str(tmp_path / "peek.bin"))}


def boot(emulator, *devices):
    args = [emulator, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot"]
    for d in devices:
        args += ["-device", d]
    return run(args)


def test_elf_sets_pc_and_data_big_endian(emulator, prog):
    proc = boot(emulator, f"loader,file={prog['elf']},cpu-num=0",
                "loader,addr=0x80100000,data=0x1122334455667788,data-len=8,data-be=on")
    assert proc.returncode == 0x11, proc.stderr


def test_data_big_endian_shorter_than_8(kestrel, prog):
    """The value is data-len bytes wide, its most significant byte first. (QEMU 7.2 writes the
    first data-len bytes of the byte-swapped 64-bit value instead: zeros here.)"""
    proc = boot(kestrel, f"loader,file={prog['elf']},cpu-num=0",
                "loader,addr=0x80100000,data=0x11223344,data-len=4,data-be=on")
    assert proc.returncode == 0x11, proc.stderr


def test_data_little_endian(emulator, prog):
    proc = boot(emulator, f"loader,file={prog['elf']},cpu-num=0",
                "loader,addr=0x80100000,data=0x11223344,data-len=4")
    assert proc.returncode == 0x44, proc.stderr


def test_raw_file_at_addr_and_pc_form(emulator, prog):
    """A raw image 2 MiB up; the hart is sent there by the addr+cpu-num form."""
    proc = boot(emulator, f"loader,file={prog['bin']},addr=0x80200000,force-raw=on",
                "loader,addr=0x80200000,cpu-num=0", "loader,addr=0x80100000,data=42,data-len=1")
    assert proc.returncode == 42, proc.stderr


def test_raw_file_with_cpu_num_starts_there(emulator, prog):
    proc = boot(emulator, f"loader,file={prog['bin']},addr=0x80300000,cpu-num=0",
                "loader,addr=0x80100000,data=7,data-len=1")
    assert proc.returncode == 7, proc.stderr


@pytest.mark.parametrize("device", [
    "loader,addr=0x80100000,data=1,data-len=9",
    "loader,file=/nonexistent/file,addr=0x80000000",
    "loader,addr=0x80100000,data=1",
])
def test_bad_forms_are_refused(emulator, device):
    proc = run([emulator, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-display", "none",
                "-device", device])
    assert proc.returncode != 0
    assert "loader" in proc.stderr or "data" in proc.stderr, proc.stderr
