"""Semihosting (-semihosting, -semihosting-config): a bare-metal program prints through
SYS_WRITE0, reads a host file (SYS_OPEN/SYS_READ/SYS_FLEN), writes it to the console
(SYS_WRITE on ":tt"), prints its command line (SYS_GET_CMDLINE, from arg=) and ends with
SYS_EXIT_EXTENDED, its exit code the file's first byte. On Kestrel (both engines) and QEMU 7.2."""
import subprocess

import pytest

from baremetal import assemble
from conftest import HANG_GUARD, run

SEMI = """
    .macro semicall op, param
    li a0, \\op
    la a1, \\param
    .balign 16
    .option push
    .option norvc
    slli x0, x0, 0x1f
    ebreak
    srai x0, x0, 7
    .option pop
    .endm
"""

BODY = SEMI + """
    la sp, stack_end                # target=gdb: fstat's answer goes below sp
    la t0, trap                     # an ebreak that is not served exits with 99
    csrw mtvec, t0
    semicall 0x04, hello            # SYS_WRITE0
    semicall 0x01, open_blk         # SYS_OPEN input.txt, "rb"
    la t0, rd_blk
    sd a0, 0(t0)
    la t0, flen_blk
    sd a0, 0(t0)
    semicall 0x0c, flen_blk         # SYS_FLEN
    la t0, flen
    sd a0, 0(t0)
    semicall 0x06, rd_blk           # SYS_READ: returns the count not read
    mv s1, a0
    semicall 0x01, tt_blk           # SYS_OPEN ":tt", "w": the console
    la t0, wr_blk
    sd a0, 0(t0)
    li t1, 64
    sub t1, t1, s1
    sd t1, 16(t0)
    semicall 0x05, wr_blk           # SYS_WRITE
    semicall 0x15, cmd_blk          # SYS_GET_CMDLINE
    semicall 0x04, cmdbuf
    semicall 0x03, newline          # SYS_WRITEC
    la t0, buf
    lbu t1, 0(t0)
    la t0, flen
    ld t2, 0(t0)
    li t3, 17                       # "*semihosted file" is 17 bytes, else exit 1
    beq t2, t3, 1f
    li t1, 1
1:  la t0, exit_blk
    sd t1, 8(t0)
    semicall 0x20, exit_blk         # SYS_EXIT_EXTENDED
    j .
    .balign 4
trap:
    li a0, 99
    exit_with a0
"""

DATA = """
    .balign 8
hello:    .asciz "SEMI-HELLO\\n"
fname:    .asciz "input.txt"
tt:       .asciz ":tt"
newline:  .byte 10
    .balign 8
open_blk: .dword fname, 1, 9
tt_blk:   .dword tt, 4, 3
rd_blk:   .dword 0, buf, 64
wr_blk:   .dword 0, buf, 0
flen_blk: .dword 0
flen:     .dword 0
cmd_blk:  .dword cmdbuf, 128
exit_blk: .dword 0x20026, 0
buf:      .space 64
cmdbuf:   .space 128
    .balign 16
          .space 1024
stack_end:
"""

ENGINES = {"kestrel-jit": ["-accel", "tcg,jit=on,jit-threshold=1"], "kestrel-interp": ["-accel", "tcg,jit=off"],
           "qemu": []}


@pytest.fixture
def semi_prog(tmp_path):
    (tmp_path / "input.txt").write_text("*semihosted file\n")
    return assemble(tmp_path, "semi", BODY, DATA)


@pytest.mark.parametrize("engine", ENGINES)
def test_semihosting_program(kestrel, qemu, tmp_path, semi_prog, engine):
    binary = qemu if engine == "qemu" else kestrel
    proc = run([binary, "-M", "virt", "-bios", "none", "-nographic", "-kernel", semi_prog,
                "-semihosting-config", "enable=on,target=native,arg=prog,arg=one",
                *ENGINES[engine]], cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == ord("*"), out
    assert "SEMI-HELLO" in out
    assert "*semihosted file" in out
    assert "prog one" in out


@pytest.mark.parametrize("engine", ENGINES)
def test_without_semihosting_ebreak_traps(kestrel, qemu, tmp_path, semi_prog, engine):
    """Semihosting off: the ebreak is a breakpoint exception; the trap handler exits 99."""
    binary = qemu if engine == "qemu" else kestrel
    proc = run([binary, "-M", "virt", "-bios", "none", "-nographic", "-kernel", semi_prog,
                "-semihosting-config", "enable=off", *ENGINES[engine]], cwd=tmp_path)
    assert proc.returncode == 99, proc.stdout + proc.stderr
    assert "SEMI-HELLO" not in proc.stdout


@pytest.mark.parametrize("emulator_name", ["kestrel", "qemu"])
def test_console_on_a_chardev(kestrel, qemu, tmp_path, semi_prog, emulator_name):
    """chardev=ID: SYS_WRITE0 and SYS_WRITEC go to that chardev, not stdout; a ":tt" handle
    stays the host's stdout (QEMU 7.2 does the same)."""
    log = tmp_path / "console.log"
    proc = run([kestrel if emulator_name == "kestrel" else qemu, "-M", "virt", "-bios", "none",
                "-nographic", "-kernel", semi_prog, "-chardev", f"file,id=c0,path={log}",
                "-semihosting-config", "enable=on,chardev=c0,arg=prog"], cwd=tmp_path)
    assert proc.returncode == ord("*"), proc.stdout + proc.stderr
    console = log.read_text()
    assert "SEMI-HELLO" in console and "prog" in console
    assert "SEMI-HELLO" not in proc.stdout and "*semihosted file" in proc.stdout


@pytest.mark.parametrize("emulator_name,target", [("kestrel", "gdb"), ("kestrel", "auto"),
                                                  ("qemu", "gdb")])
def test_target_gdb_file_io(kestrel, qemu, tmp_path, semi_prog, free_port, emulator_name, target):
    """target=gdb (and auto, with gdb attached): the calls go to gdb's File-I/O. The emulator
    runs where input.txt does not exist, gdb where it does: gdb opens, measures (fstat) and
    reads it, and prints the console text; the exit code comes back from the guest. QEMU 7.2
    does the same except that its SYS_FLEN through gdb fails (the program then exits 1), and
    with target=auto it keeps the calls native."""
    emu_dir = tmp_path / "emu"
    emu_dir.mkdir()
    emu = subprocess.Popen(
        [kestrel if emulator_name == "kestrel" else qemu, "-M", "virt", "-bios", "none",
         "-nographic", "-S", "-gdb", f"tcp::{free_port}", "-kernel", semi_prog,
         "-semihosting-config", f"enable=on,target={target},arg=prog,arg=one"],
        cwd=emu_dir, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        gdb = subprocess.run(
            ["gdb-multiarch", "-batch", "-nx", "-ex", "set architecture riscv:rv64",
             "-ex", "set tcp connect-timeout 60", "-ex", f"target remote 127.0.0.1:{free_port}",
             "-ex", "continue", semi_prog],
            cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=HANG_GUARD)
        out, err = emu.communicate(timeout=HANG_GUARD)
    finally:
        emu.kill()
    console = gdb.stdout + gdb.stderr  # gdb prints the inferior's writes on its terminal
    assert "SEMI-HELLO" in console and "prog one" in console and "*semihosted file" in console
    assert "SEMI-HELLO" not in out
    assert emu.returncode == (ord("*") if emulator_name == "kestrel" else 1), out + err


@pytest.mark.parametrize("config,word", [("target=nope", "nope"), ("chardev=c0", "chardev"),
                                         ("bogus=1", "bogus"), ("enable=maybe", "maybe")])
def test_bad_config_is_refused(kestrel, config, word):
    proc = run([kestrel, "-M", "virt", "-bios", "none", "-semihosting-config", config])
    assert proc.returncode != 0 and word in proc.stderr, proc.stderr


def test_plain_semihosting_flag(emulator, tmp_path, semi_prog):
    """-semihosting alone turns the calls on (no arg=: the command line is empty)."""
    proc = run([emulator, "-M", "virt", "-bios", "none", "-nographic", "-kernel", semi_prog,
                "-semihosting"], cwd=tmp_path)
    assert proc.returncode == ord("*"), proc.stdout + proc.stderr
    assert "SEMI-HELLO" in proc.stdout + proc.stderr
