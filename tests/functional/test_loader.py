"""ELF files as bare-metal tutorials link them: `-Ttext=0x80000000` with the toolchain's
default linker script maps the ELF headers into the first LOAD segment, at 0x7ffff000, below
RAM. QEMU loads the part in memory and runs it; so must Kestrel (issue 13, item 8)."""
import shutil
import subprocess

import pytest

from conftest import run

CROSS = shutil.which("riscv64-unknown-elf-gcc") or shutil.which("riscv64-linux-gnu-gcc")

# Prints a line on the 16550 at 0x10000000, then powers off through sifive_test (exit 0).
HELLO = r"""
    .globl _start
_start:
    li t0, 0x10000000
    la t1, msg
1:  lbu t2, 0(t1)
    beqz t2, 2f
    sb t2, 0(t0)
    addi t1, t1, 1
    j 1b
2:  li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
3:  j 3b
    .section .rodata
msg: .string "linked with -Ttext\n"
"""


def build(tmp_path, ldflags):
    assert CROSS, "no RISC-V cross compiler: run scripts/setup"
    src = tmp_path / "hello.S"
    src.write_text(HELLO)
    elf = tmp_path / "hello.elf"
    subprocess.run([CROSS, "-nostdlib", "-nostartfiles", "-static", "-mcmodel=medany",
                    "-Wl,--build-id=none", "-Wl,--no-relax", "-Wl,-Ttext=0x80000000", "-o", str(elf), str(src)]
                   + ldflags, check=True, capture_output=True)
    return elf


def first_load_vaddr(elf):
    out = subprocess.run(["readelf", "-lW", str(elf)], check=True, capture_output=True,
                         text=True).stdout
    return int([l for l in out.splitlines() if l.split()[:1] == ["LOAD"]][0].split()[2], 16)


@pytest.mark.parametrize("ldflags", [[], ["-Wl,-z,max-page-size=0x10000"]],
                         ids=["default", "64k-pages"])
@pytest.mark.parametrize("how", [["-bios", "none", "-kernel"], ["-bios"]], ids=["kernel", "bios"])
def test_ttext_elf_runs(emulator, tmp_path, ldflags, how):
    elf = build(tmp_path, ldflags)
    # The file has the layout under test: its first segment starts below RAM.
    assert first_load_vaddr(elf) < 0x80000000
    proc = run([emulator, "-M", "virt", "-nographic", "-no-reboot"] + how + [str(elf)])
    assert proc.returncode == 0, proc.stderr
    assert "linked with -Ttext" in proc.stdout


def test_code_below_memory_refused(kestrel, tmp_path):
    """Code linked below RAM (not just the headers) has nothing to run: refused."""
    src = tmp_path / "below.S"
    src.write_text(".globl _start\n_start: j _start\n")
    elf = tmp_path / "below.elf"
    subprocess.run([CROSS, "-nostdlib", "-nostartfiles", "-static", "-Wl,-Ttext=0x7ffff800",
                    "-o", str(elf), str(src)], check=True, capture_output=True)
    proc = run([kestrel, "-M", "virt", "-nographic", "-bios", str(elf)])
    assert proc.returncode == 1
    assert f"kestrel: {elf}: no loadable segments in guest memory" in proc.stderr
