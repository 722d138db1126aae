"""Self-modifying code on the x86 hart's translation blocks, against qemu-system-x86_64
-M q35: tests/guest-x86/smc.S patches an instruction and then runs it, in the same block,
in a block translated before, and across a page boundary (patched in either page); x86
requires the next fetch to see the store, without any serialising instruction."""
import os
import subprocess

from conftest import KESTREL_X86, QEMU_X86, ROOT
from test_x86_system import debugcon_run

SRC = os.path.join(ROOT, "tests", "guest-x86")


def test_self_modifying_code_matches_qemu(tmp_path):
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    obj, img = tmp_path / "smc.o", tmp_path / "smc.bin"
    subprocess.run(["gcc", "-c", "-x", "assembler-with-cpp", os.path.join(SRC, "smc.S"),
                    "-o", str(obj)], check=True)
    subprocess.run(["ld", "-T", os.path.join(SRC, "rom.ld"), str(obj), "-o", str(img)],
                   check=True)
    assert img.stat().st_size == 65536
    ours = debugcon_run([KESTREL_X86, "-bios", str(img)], tmp_path / "kestrel.log")
    theirs = debugcon_run([QEMU_X86, "-bios", str(img)], tmp_path / "qemu.log")
    # same block, the routine before and after its patch, the cross-page instruction
    assert ours == ["42", "11", "77", "aabbccdd", "1234ccdd", "12345678"]
    assert ours == theirs
