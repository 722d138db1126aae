"""The q35 PC's timers, interrupt controllers and ACPI power-off, seen by a small guest:
tests/guest-x86-pc/timers.S (built here with the host's as/ld) runs as the firmware (-bios),
counts 5 local APIC timer interrupts and 5 HPET interrupts (legacy replacement → IRQ 0 →
I/O APIC pin 2 → APIC 0), prints the counts on the debug console and powers off through
the ICH9's PM1a_CNT (S5). Kestrel must print what qemu-system-x86_64 prints and exit 0."""
import os
import subprocess

import pytest

from conftest import HANG_GUARD, KESTREL_X86, QEMU_X86

SRC = os.path.join(os.path.dirname(__file__), "..", "guest-x86-pc", "timers.S")


@pytest.fixture(scope="module")
def timers_bios(tmp_path_factory):
    out = tmp_path_factory.mktemp("guest-x86-pc")
    obj, img = out / "timers.o", out / "timers.bin"
    subprocess.run(["as", "--32", "-o", str(obj), SRC], check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-Ttext", "0", "--oformat", "binary", "-o",
                    str(img), str(obj)], check=True)
    assert img.stat().st_size == 64 * 1024
    return img


def run_firmware(binary, bios, log):
    cmd = [binary, "-M", "q35", "-m", "128", "-bios", str(bios), "-display", "none",
           "-serial", "null", "-monitor", "none", "-chardev", f"file,id=dbg,path={log}",
           "-device", "isa-debugcon,iobase=0x402,chardev=dbg"]
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                       timeout=HANG_GUARD)
    return r.returncode, log.read_text(errors="replace"), r.stderr


def test_timers_and_s5_match_qemu(timers_bios, tmp_path):
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    rc, text, err = run_firmware(KESTREL_X86, timers_bios, tmp_path / "kestrel.log")
    assert text == "LAPIC 5 HPET 5\n", err
    assert rc == 0, err  # S5 (SLP_TYP 0 + SLP_EN) ends the process with status 0
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    rc_q, text_q, err_q = run_firmware(QEMU_X86, timers_bios, tmp_path / "qemu.log")
    assert (rc_q, text_q) == (rc, text), err_q
