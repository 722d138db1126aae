"""Choosing the accelerator as QEMU does: -accel (repeatable, tried in order), -enable-kvm,
-machine accel=A:B; KVM's errors where the host has no /dev/kvm, the fallback to tcg, and
QMP's query-kvm. Where /dev/kvm exists, SeaBIOS runs on KVM, and port reads keep their values
while timer interrupts kick the vCPU out of KVM_RUN."""
import json
import os
import subprocess
import time

import pytest

from conftest import HANG_GUARD, assemble_x86_rom, run
from test_x86_q35 import debugcon_log, kestrel_x86  # noqa: F401 (fixture)
from test_x86_system import debugcon_run

HAVE_KVM = os.access("/dev/kvm", os.R_OK | os.W_OK)
NO_KVM = "Could not access KVM kernel module: No such file or directory"


@pytest.mark.skipif(HAVE_KVM, reason="this host has /dev/kvm: the no-KVM errors cannot occur")
@pytest.mark.parametrize("args,message", [
    (["-accel", "kvm"], "kestrel-x86_64: -accel kvm: failed to initialize kvm: No such file "
                        "or directory"),
    (["-enable-kvm"], "kestrel-x86_64: -accel kvm: failed to initialize kvm: No such file or "
                      "directory"),
    (["-M", "q35,accel=kvm"], "kestrel-x86_64: failed to initialize kvm: No such file or "
                              "directory"),
])
def test_kvm_missing_is_qemus_error(kestrel_x86, args, message):
    proc = run([kestrel_x86, *args, "-display", "none", "-monitor", "none"])
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [NO_KVM, message]


@pytest.mark.parametrize("args,message", [
    (["-accel", "foo"], "kestrel-x86_64: -accel foo: invalid accelerator foo"),
    (["-accel", "kvm", "-M", "q35,accel=tcg"],
     "kestrel-x86_64: The -accel and \"-machine accel=\" options are incompatible"),
    (["-accel", "kvm,kernel-irqchip=on"], "kestrel-x86_64: -accel kvm,kernel-irqchip=on: "
     "kernel-irqchip=on is not supported (only off: the interrupt controllers run in user "
     "space)"),
    (["-accel", "tcg,kernel-irqchip=off"],
     "kestrel-x86_64: -accel tcg,kernel-irqchip=off: unknown parameter 'kernel-irqchip'"),
])
def test_bad_accelerator_options(kestrel_x86, args, message):
    proc = run([kestrel_x86, *args, "-display", "none", "-monitor", "none"])
    assert proc.returncode == 1
    assert proc.stderr.strip() == message


def test_riscv_binary_has_no_kvm(kestrel):
    proc = run([kestrel, "-accel", "kvm", "-display", "none"])
    assert proc.returncode == 1
    assert proc.stderr.strip() == ("kestrel: -accel kvm: invalid accelerator kvm: KVM runs only "
                                   "guests of the host's architecture (use tcg)")


@pytest.mark.skipif(HAVE_KVM, reason="this host has /dev/kvm: nothing falls back")
@pytest.mark.parametrize("args,first_error", [
    (["-M", "q35,accel=kvm:tcg"], "kestrel-x86_64: failed to initialize kvm"),
    (["-accel", "kvm", "-accel", "tcg"], "kestrel-x86_64: -accel kvm: failed to initialize kvm"),
    (["-M", "q35,accel=foo:tcg"], "kestrel-x86_64: invalid accelerator foo"),
])
def test_fallback_to_tcg_runs_seabios(kestrel_x86, tmp_path, args, first_error):
    # After QEMU's lines the machine starts on the next accelerator: SeaBIOS runs its POST.
    lines, err = seabios_start(kestrel_x86, tmp_path, args)
    assert lines[:1] and lines[0].startswith("SeaBIOS (version "), err
    assert first_error in err
    assert "kestrel-x86_64: falling back to tcg" in err.splitlines()


def seabios_start(binary, tmp_path, args):
    """Run binary -M q35 with args until SeaBIOS's first debug-console line; that log's
    lines and the process's stderr."""
    log, errfile = tmp_path / "dbg.log", tmp_path / "stderr.txt"
    cmd = [binary, *args, "-m", "128", "-display", "none", "-serial", "null", "-monitor",
           "none", "-chardev", f"file,id=dbg,path={log}",
           "-device", "isa-debugcon,iobase=0x402,chardev=dbg"]
    text = ""
    with open(errfile, "w") as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=err)
        try:
            deadline = time.monotonic() + HANG_GUARD  # hang guard only, not a timing check
            while "SeaBIOS (version" not in text and proc.poll() is None and \
                    time.monotonic() < deadline:
                time.sleep(0.1)
                text = log.read_text(errors="replace") if log.exists() else ""
        finally:
            proc.kill()
            proc.wait()
    return text.splitlines(), errfile.read_text()


def test_query_kvm(kestrel_x86, kestrel):
    # present: the binary can use KVM for its guests; enabled: this machine runs on it.
    for binary, present in ((kestrel_x86, True), (kestrel, False)):
        proc = subprocess.run([binary, "-display", "none", "-S", "-serial", "null", "-qmp", "stdio"],
                              input='{"execute":"qmp_capabilities"}\n'
                                    '{"execute":"query-kvm"}\n{"execute":"quit"}\n',
                              capture_output=True, text=True, timeout=60)
        replies = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
        kvm = [r["return"] for r in replies if isinstance(r.get("return"), dict) and
               "present" in r["return"]]
        assert kvm == [{"enabled": False, "present": present}], proc.stdout


@pytest.mark.skipif(not HAVE_KVM, reason="no /dev/kvm on this host: SeaBIOS on KVM not run")
def test_seabios_runs_on_kvm(kestrel_x86, tmp_path):
    lines = debugcon_log(kestrel_x86, tmp_path, "kvm", "No bootable device.",
                         extra=["-accel", "kvm"])
    assert lines[0].startswith("SeaBIOS (version ")
    # The i8042's self test reads the controller's reply with an IN; under KVM that value
    # was lost when a kick came between the exit and its completion (it read 0x19, the IN
    # before it), and the boot then hung.
    assert not [l for l in lines if "self test failed" in l], "\n".join(lines)


PIO_ROM = os.path.join(os.path.dirname(__file__), "x86-pio-rom.S")


def tcg_and_kvm(what):
    """The accelerators a test ROM runs under: TCG always, KVM where the host has it (the skip
    says what went untested)."""
    return ["tcg", pytest.param("kvm", marks=pytest.mark.skipif(
        not HAVE_KVM, reason=f"no /dev/kvm on this host: {what} under KVM not run"))]


@pytest.mark.parametrize("accel", tcg_and_kvm("the run loop's I/O completion"))
def test_port_reads_survive_kicks(kestrel_x86, tmp_path, accel):
    # x86-pio-rom.S: reads of fw_cfg's signature while IRQ0 comes at 1 kHz, each interrupt
    # kicking the vCPU (under KVM, out of KVM_RUN, often between an IN's exit and its
    # completion). Every byte must be the device's.
    lines = debugcon_run([kestrel_x86, "-accel", accel,
                          "-bios", assemble_x86_rom(PIO_ROM, tmp_path)], tmp_path / "dbg.log")
    assert len(lines) == 1 and lines[0].startswith("OK reads "), lines
    assert int(lines[0].split()[-1], 16) > 0


SMP_ROM = os.path.join(os.path.dirname(__file__), "x86-smp-rom.S")


@pytest.mark.parametrize("accel", tcg_and_kvm("INIT/SIPI/NMI"))
def test_ap_starts_by_sipi_and_takes_nmi(kestrel_x86, tmp_path, accel):
    # x86-smp-rom.S at -smp 2: the BSP starts the AP with INIT and a start-up IPI, then
    # sends it an NMI. Under KVM the AP used to enter KVM_RUN at once, at the reset vector
    # beside the BSP (it prints "BAD early" then), and NMIs were never injected.
    lines = debugcon_run([kestrel_x86, "-accel", accel, "-smp", "2",
                          "-bios", assemble_x86_rom(SMP_ROM, tmp_path)], tmp_path / "dbg.log")
    assert lines == ["OK ap", "OK nmi"], lines
