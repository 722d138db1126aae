"""The x86 JIT (target/i386/jit-translate.c, the default) against the interpreter:
tests/guest-x86/system.S runs its 64-bit checks (paging faults, #GP/#PF/#UD with their
rip, TF single-step, syscall/sysret, IST, user mode; the mix and a fault and a store into
code in each inline memory form; read-modify-writes whose store faults) once on each engine; the debug
console logs must agree line for line, and with what test_x86_system checks QEMU for.
KESTREL_X86_JIT=0 keeps the interpreter (the JIT is the default)."""
import os

from conftest import KESTREL_X86
from test_x86_system import build_image, check_rmw_faults, debugcon_run


def run_engine(monkeypatch, img, log, jit):
    monkeypatch.setenv("KESTREL_X86_JIT", "1" if jit else "0")
    return debugcon_run([KESTREL_X86, "-bios", str(img)], log)


def test_system_jit_matches_interpreter(tmp_path, monkeypatch):
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    img = build_image(tmp_path, 0, hw_only=1)
    interp = run_engine(monkeypatch, img, tmp_path / "interp.log", False)
    jit = run_engine(monkeypatch, img, tmp_path / "jit.log", True)
    assert jit == interp
    log = "\n".join(jit)
    # exceptions from JIT code: the faulting rip, then the handler's recovery
    assert "err 0000000000000011 cs 0000000000000008 ss 0000000000000010 frame " \
           "000000000017ffd8 cr2 0000000000203000" in log
    assert log.count("exc 0000000000000001 err") == 3 and "tf dr6 00000000ffff4ff0" in log
    assert log.count("exc 0000000000000006 err") == 3  # ud2, c7 /1, sysenter
    check_rmw_faults(jit)  # the JIT's inline memory forms miss to the same handlers
    assert "syscall nr 0000000000000001 rcx 0000000000201007 r11 0000000000000002 " \
           "cs 0000000000000008 ss 0000000000000010" in log
