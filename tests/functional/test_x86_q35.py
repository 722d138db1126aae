"""kestrel-x86_64 -M q35: SeaBIOS starts and logs to the debug console (port 0x402) as under
qemu-system-x86_64 -M q35; the x86 binary's help, CPU models and BIOS errors."""
import os
import subprocess
import time

import pytest

from conftest import HANG_GUARD, KESTREL_X86, QEMU_X86, run

BIOS = "/usr/share/seabios/bios-256k.bin"


@pytest.fixture(scope="module")
def kestrel_x86():
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    assert os.path.exists(BIOS), "SeaBIOS missing: run scripts/setup"
    return KESTREL_X86


def debugcon_log(binary, tmp_path, name, until, extra=()):
    """Run binary -M q35 (and extra) with the debug console in a file until the log holds
    `until`."""
    log = tmp_path / f"{name}.log"
    cmd = [binary, "-M", "q35", "-m", "128", "-display", "none", "-serial", "null",
           "-monitor", "none", "-chardev", f"file,id=dbg,path={log}",
           "-device", "isa-debugcon,iobase=0x402,chardev=dbg", *extra]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    text = ""
    try:
        deadline = time.monotonic() + HANG_GUARD  # hang guard only, not a timing check
        while until not in text and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            text = log.read_text(errors="replace") if log.exists() else ""
    finally:
        proc.kill()
        _, err = proc.communicate()
    assert until in text, f"{name}: {until!r} not in the debug log:\n{text[-2000:]}\n{err}"
    return text.splitlines()


def test_seabios_banner_matches_qemu(kestrel_x86, tmp_path):
    # The whole POST: PCI through the MCH's ECAM, the TSC calibrated on PIT channel 2, the
    # boot menu's wait on the timer interrupt (PIT → 8259 → CPU), then the boot attempts.
    ours = debugcon_log(kestrel_x86, tmp_path, "kestrel", "No bootable device.")
    assert ours[0].startswith("SeaBIOS (version ")
    # SeaBIOS sizes RAM from fw_cfg's e820 map (-m 128), as under QEMU.
    assert "Found QEMU fw_cfg" in ours
    assert "qemu/e820: addr 0x0000000000000000 len 0x0000000008000000 [RAM]" in ours
    assert "Running on QEMU (q35)" in ours
    assert "PCI: init bdf=00:00.0 id=8086:29c0" in ours
    assert "Found 1 cpu(s) max supported 1 cpu(s)" in ours
    assert "PS2 keyboard initialized" in ours
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    theirs = debugcon_log(QEMU_X86, tmp_path, "qemu", "SeaBIOS (version")
    assert ours[0] == theirs[0]


def test_x86_help_and_models(kestrel_x86):
    machines = run([kestrel_x86, "-machine", "help"]).stdout
    assert "q35" in machines and "(default)" in machines and "virt" not in machines
    cpus = run([kestrel_x86, "-cpu", "help"]).stdout.split()
    assert "qemu64" in cpus and "rv64" not in cpus
    usage = run([kestrel_x86, "-h"]).stdout
    assert usage.startswith("usage: kestrel-x86_64") and "qemu-system-x86_64" in usage


def test_bad_bios_is_refused(kestrel_x86, tmp_path):
    garbage = tmp_path / "bios.bin"
    garbage.write_bytes(b"\x90" * 1000)
    r = run([kestrel_x86, "-M", "q35", "-bios", str(garbage), "-display", "none"])
    assert r.returncode == 1
    assert "could not load PC BIOS" in r.stderr and "multiple of 64 KiB" in r.stderr
    r = run([kestrel_x86, "-bios", "no-such-bios.bin", "-display", "none"])
    assert r.returncode == 1 and "could not find BIOS 'no-such-bios.bin'" in r.stderr


def gdb_trace(binary, port, steps):
    """cs, rip and rax before each of `steps` single steps from the reset vector, via gdb."""
    proc = subprocess.Popen([binary, "-M", "q35", "-display", "none", "-serial", "null",
                             "-monitor", "none", "-gdb", f"tcp::{port}", "-S"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    cmd = ["gdb-multiarch", "-batch", "-nx", "-ex", "set architecture i386:x86-64"]
    # The stub may take a moment to listen: gdb retries the connection itself.
    cmd += ["-ex", "set tcp connect-timeout 60", "-ex", f"target remote :{port}"]
    for _ in range(steps):
        cmd += ["-ex", 'printf "%x %x %x\\n", $cs, $rip, $rax', "-ex", "stepi"]
    try:
        out = run(cmd).stdout
    finally:
        proc.kill()
        proc.communicate()
    return [l for l in out.splitlines() if len(l.split()) == 3 and " in " not in l]


def test_gdb_steps_seabios_like_qemu(kestrel_x86, free_port):
    """-S -gdb: the hart waits at the reset vector (f000:fff0, linear 0xfffffff0); 60 stepi
    through SeaBIOS's real-mode entry and into 32-bit protected mode match QEMU's."""
    ours = gdb_trace(kestrel_x86, free_port, 60)
    assert ours[0] == "f000 fff0 0"
    assert ours[1].startswith("f000 e05b ")
    assert any(l.startswith("8 ") for l in ours), "never reached the 32-bit code segment"
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    assert ours == gdb_trace(QEMU_X86, free_port, 60)


def test_too_many_cpus_are_refused(kestrel_x86, tmp_path):
    r = run([kestrel_x86, "-smp", "256", "-display", "none"])
    assert r.returncode == 1 and "max CPUs supported by machine 'q35' is 255" in r.stderr


def test_seabios_smp_probe_matches_qemu(kestrel_x86, tmp_path):
    # SeaBIOS's smp_scan: the BSP's local APIC sends INIT and SIPI to all but itself, each AP
    # starts in real mode at the SIPI vector, takes the stack lock (a pause loop) and counts
    # itself; the BSP waits for the CMOS 0x5f count. QEMU's log says the same.
    found = "Found 2 cpu(s) max supported 2 cpu(s)"
    ours = debugcon_log(kestrel_x86, tmp_path, "kestrel-smp", "cpu(s)", ["-smp", "2"])
    assert found in ours
    theirs = debugcon_log(QEMU_X86, tmp_path, "qemu-smp", "cpu(s)", ["-smp", "2"])
    assert found in theirs
