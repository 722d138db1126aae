"""-icount (issue 14): virtual time from the instruction count. The same guest run twice gives
byte-identical output, timestamps included (Linux with printk times, the RTC on clock=vm and
-seed fixing the device tree's rng-seed), on Kestrel and on QEMU 7.2; a bare-metal program
reads the same `time` values and wakes from WFI at its timer deadline on both."""
import os

import pytest

from baremetal import assemble, hex_lines
from conftest import run

# Print register \reg as 16 hex digits and a newline on the UART.
PRINT_HEX = r"""
    .macro print_hex reg
    mv a5, \reg
    li a4, 60
    li t1, 0x10000000
4:  srl t2, a5, a4
    andi t2, t2, 15
    li t3, 10
    blt t2, t3, 5f
    addi t2, t2, 'a' - 10
    j 6f
5:  addi t2, t2, '0'
6:  sb t2, 0(t1)
    addi a4, a4, -4
    bgez a4, 4b
    li t2, '\n'
    sb t2, 0(t1)
    .endm
"""

# time (CSR) after a loop, mtime by MMIO, then a timer 1000 ticks ahead and WFI: the handler
# prints the time it woke at and mcause (machine timer interrupt).
TICK = PRINT_HEX + r"""
    la t0, trap
    csrw mtvec, t0
    li s0, 1000
1:  addi s0, s0, -1
    bnez s0, 1b
    csrr s1, time
    print_hex s1
    li t0, 0x200bff8
    ld s1, 0(t0)
    print_hex s1
    csrr s1, time
    li t0, 1000
    add s1, s1, t0
    print_hex s1
    li t0, 0x2004000
    sd s1, 0(t0)
    li t0, 0x80
    csrs mie, t0
    csrsi mstatus, 8
    wfi
    j .
trap:
    csrr s1, time
    csrr s2, mcause
    print_hex s1
    print_hex s2
    li a0, 0
    exit_with a0
"""


@pytest.fixture
def tick(tmp_path):
    return assemble(tmp_path, "tick", TICK)


def tick_lines(emulator, tick, icount):
    return hex_lines(emulator, tick, "-icount", icount)


def test_time_counts_instructions_as_qemu(kestrel, qemu, tick):
    """shift=0: 1 ns per instruction, so mtime (10 MHz) moves once per 100 instructions; both
    emulators read the same values, and sleep=off wakes exactly at the deadline."""
    ours = tick_lines(kestrel, tick, "shift=0,sleep=off")
    assert ours == tick_lines(qemu, tick, "shift=0,sleep=off")
    now, mmio, deadline, woke, cause = ours
    assert now < mmio < deadline and woke == deadline and cause == (1 << 63) | 7, ours
    # shift=10: 1024 ns per instruction, the same loop ends at a time about 1024 times later.
    assert tick_lines(kestrel, tick, "shift=10,sleep=off")[0] > 500 * now


def test_linux_boot_repeats_byte_for_byte(emulator, linux_images):
    args = ["-M", "virt", "-m", "256", "-nographic", "-seed", "1",
            "-icount", "shift=0,sleep=off", "-rtc", "base=2020-01-01,clock=vm",
            "-kernel", os.path.join(linux_images, "Image"),
            "-initrd", os.path.join(linux_images, "rootfs.cpio.gz"),
            "-append", "console=ttyS0 printk.time=1 kestrel.bench=1"]
    first, second = run([emulator, *args]), run([emulator, *args])
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert "KESTREL-BOOT-OK" in first.stdout
    assert "setting system clock to 2020-01-01T00:00:00 UTC" in first.stdout
    assert "] reboot: Power down" in first.stdout
    assert first.stdout == second.stdout


@pytest.mark.parametrize("arg,message", [
    ("shift=11", "Invalid shift value"),
    ("align=on", "Please specify shift option when using align"),
    ("shift=2,align=on,sleep=off", "align=on and sleep=off are incompatible"),
    ("shift=1,bogus=1", "Invalid parameter 'bogus'"),
])
def test_bad_icount_refused_as_qemu(emulator, arg, message):
    proc = run([emulator, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-display", "none",
                "-icount", arg])
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr


@pytest.mark.parametrize("args,message", [
    (["-smp", "2"], "needs -smp 1"),
    (["-accel", "tcg,thread=multi"], "No MTTCG when icount is enabled"),
    (["-accel", "tcg,jit=on"], "interpreter"),
])
def test_what_icount_cannot_do_is_refused(kestrel, args, message):
    """One hart, the interpreter: Kestrel says so rather than counting imprecisely."""
    proc = run([kestrel, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-icount", "0", *args])
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr


def test_seed_fixes_the_device_tree_rng_seed(kestrel, tmp_path):
    def dtb(*extra):
        out = tmp_path / "out.dtb"
        proc = run([kestrel, "-M", f"virt,dumpdtb={out}", "-bios", "none", *extra])
        assert proc.returncode == 0, proc.stderr
        return out.read_bytes()
    assert dtb("-seed", "7") == dtb("-seed", "7")
    assert dtb("-seed", "7") != dtb("-seed", "8")
    assert dtb() != dtb()
