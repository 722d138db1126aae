"""kestrel-x86_64 -cpu: the CPUID leaves a real-mode program reads, compared with
qemu-system-x86_64 -M q35 running the same -bios image, for qemu64, Nehalem and a feature-edited
qemu64 (+feat/-feat); an unknown feature is refused."""
import os

import pytest

from conftest import KESTREL_X86, QEMU_X86, assemble_x86_rom, run
from test_x86_system import debugcon_run

ROM_SRC = os.path.join(os.path.dirname(__file__), "x86-cpuid-rom.S")
MODELS = ["qemu64", "Nehalem", "qemu64,+popcnt,-sse3,+xsave,+xsaveopt,+fsgsbase,+rdrand,+movbe"]


@pytest.fixture(scope="module")
def rom(tmp_path_factory):
    d = tmp_path_factory.mktemp("rom")
    out = assemble_x86_rom(ROM_SRC, d)
    assert os.path.getsize(out) == 65536
    return out


def cpuid_log(binary, rom, cpu, log):
    """Run the ROM under binary -cpu cpu until it prints END; the lines before it."""
    return debugcon_run([binary, "-cpu", cpu, "-bios", rom], log)


@pytest.mark.parametrize("cpu", MODELS)
def test_cpuid_matches_qemu(rom, cpu, tmp_path):
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    ours = cpuid_log(KESTREL_X86, rom, cpu, tmp_path / "kestrel.log")
    theirs = cpuid_log(QEMU_X86, rom, cpu, tmp_path / "qemu.log")
    assert len(ours) >= 15  # CPUID lines, before END
    assert ours == theirs


def test_unknown_cpu_feature_is_refused():
    r = run([KESTREL_X86, "-M", "q35", "-cpu", "qemu64,+avx512nosuch", "-display", "none"],
)
    assert r.returncode != 0
    assert "avx512nosuch" in r.stderr
