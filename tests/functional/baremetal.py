"""Tiny bare-metal RISC-V programs for option tests, assembled at test time with the cross
toolchain (as tests/guest does): linked at 0x80000000 for -bios none -kernel."""
import os
import shutil
import subprocess

from conftest import run

CROSS = next((p for p in ("riscv64-unknown-elf-", "riscv64-linux-gnu-")
              if shutil.which(p + "gcc")), None)

# Print the NUL-terminated string at label `msg` on the virt UART (ns16550a at 0x10000000);
# then exit through the sifive_test device (0x100000) with status a0 (0 = pass).
PRINT_AND_EXIT = """
    .macro print label
    la t0, \\label
    li t1, 0x10000000
1:  lbu t2, 0(t0)
    beqz t2, 2f
    sb t2, 0(t1)
    addi t0, t0, 1
    j 1b
2:
    .endm
    .macro exit_with reg
    li t0, 0x100000
    beqz \\reg, 3f
    slli t1, \\reg, 16
    li t2, 0x3333
    or t1, t1, t2
    sw t1, 0(t0)
    j .
3:  li t1, 0x5555
    sw t1, 0(t0)
    j .
    .endm
"""


def assemble(tmp_path, name, body, data=""):
    """Build tmp_path/name.elf from assembly `body` (after _start) and `data`; its path."""
    assert CROSS, "no riscv64 cross gcc: run scripts/setup"
    src = tmp_path / f"{name}.S"
    src.write_text(PRINT_AND_EXIT + "\n    .text\n    .globl _start\n_start:\n" + body +
                   "\n    .data\n" + data + "\n")
    elf = tmp_path / f"{name}.elf"
    subprocess.run([CROSS + "gcc", "-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-static",
                    "-Wl,-N", "-Wl,--no-relax", "-Wl,-Ttext=0x80000000", "-Wl,--no-warn-rwx-segments", "-o", str(elf),
                    str(src)], check=True, capture_output=True)
    return str(elf)


def raw_image(elf, out):
    """The ELF's loadable bytes as a flat binary (objcopy -O binary)."""
    subprocess.run([CROSS + "objcopy", "-O", "binary", elf, out], check=True)
    return out


def hex_lines(emulator, elf, *opts):
    """Run elf bare-metal (-bios none) with the extra options; assert it exits 0 and return
    the hexadecimal numbers it printed, one per line."""
    proc = run([emulator, "-M", "virt", "-bios", "none", "-nographic", *opts, "-kernel", elf])
    assert proc.returncode == 0, proc.stderr
    return [int(v, 16) for v in proc.stdout.split()]
