"""The -d items for someone debugging the engines (issue 7): in_asm, op and out_asm list a
block's guest code, the records the interpreter runs and the JIT translates, and the host
code the JIT made of it; exec,nochain traces every block with the JIT on, each exit back
through the run loop, so a JIT run's trace can be set beside the interpreter's (plain
-d exec runs the interpreter). The x86 listings come from libcapstone (disas/x86.c)."""
import re

from conftest import KESTREL_X86, run
from test_smp import smp_programs  # noqa: F401 (a fixture)
from test_x86_system import build_image, debugcon_run

# "0x<address>:  <hex bytes>  <mnemonic> <operands>", a disassembled x86 instruction
X86_LINE = re.compile(r"^0x[0-9a-f]{16}:  (?:[0-9a-f]{2} )+\s*[a-z]", re.M)


def sections(log, header):
    """header's sections of the log: its first line and the lines until the next header."""
    return re.findall(rf"^{header}: .*\n(?:(?!IN:|OP:|OUT:|JIT:|Trace ).*\n)*", log, re.M)


def test_riscv_in_asm_op_out_asm(kestrel, smp_programs, tmp_path):  # noqa: F811
    log = tmp_path / "log"
    proc = run([kestrel, "-M", "virt", "-smp", "2", "-bios", "none", "-nographic", "-no-reboot",
                "-d", "in_asm,op,out_asm", "-D", str(log), "-kernel",
                f"{smp_programs}/ipi_wfi.elf"])
    assert proc.returncode == 0 and "all checks passed" in proc.stdout, proc.stdout + proc.stderr
    text = log.read_text()
    entry = [s for s in sections(text, "IN") if s.startswith("IN: pc 0x0000000080000000")]
    assert entry and re.search(r"^0x0000000080000000:  f14022f3 +csrr +t0,mhartid$", entry[0],
                               re.M), entry
    ops = [s for s in sections(text, "OP") if s.startswith("OP: pc 0x0000000080000000")]
    assert ops and re.search(r"^ +0 \+0 +CSRRS +rd 5 ", ops[0], re.M), ops
    assert re.search(r"^ +\d+ \+\d+ +end ", ops[0], re.M), ops[0]
    out = sections(text, "OUT")
    assert out, "no host code listed"
    listing = out[0].splitlines()[1:]
    assert listing and all(X86_LINE.match(line) for line in listing), out[0]
    # the listing is at the addresses the code runs from, consecutive
    header = re.match(r"OUT: .*\((\d+) of (\d+) insns, (\d+) bytes\)", out[0])
    assert header, out[0]
    first, last = (int(line.split(":")[0], 16) for line in (listing[0], listing[-1]))
    assert first < last < first + int(header.group(3))


def trace(log):
    """The traced blocks' pcs and how many of them ran as JIT code."""
    lines = [line for line in log.read_text().splitlines() if line.startswith("Trace ")]
    return [line.split()[3] for line in lines], sum(line.endswith(" jit") for line in lines)


def test_x86_exec_nochain_traces_jit_like_interpreter(tmp_path):
    """tests/guest-x86/system.S has no interrupts, so both engines run the same blocks in
    the same order; with nochain every JIT block comes back to the run loop and is traced."""
    img = build_image(tmp_path, 0, hw_only=1)
    runs = {}
    for n, items in enumerate(("exec", "exec,nochain,in_asm,op")):
        log = tmp_path / f"{n}.log"
        console = debugcon_run([KESTREL_X86, "-bios", str(img), "-d", items, "-D", str(log)],
                               tmp_path / f"{n}.dbg")
        runs[items] = (console, *trace(log), log.read_text())
    interp, jit = runs["exec"], runs["exec,nochain,in_asm,op"]
    assert jit[0] == interp[0]
    assert interp[2] == 0, "-d exec alone runs the interpreter"
    assert jit[2] > 1000, f"only {jit[2]} blocks ran as JIT code under -d exec,nochain"
    assert len(jit[1]) > 10000 and jit[1] == interp[1]
    reset = [s for s in sections(jit[3], "IN") if s.startswith("IN: pc 0x00000000fffffff0")]
    assert reset and X86_LINE.search(reset[0]), reset
    long_mode = [s for s in sections(jit[3], "IN") if "%r" in s]
    assert long_mode, "no 64-bit block disassembled"
    assert re.search(r"^OP: pc 0x[0-9a-f]{16}\n +0 \+0 +\w+ +size \d", jit[3], re.M)
