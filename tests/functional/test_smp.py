"""Multiprocessor guests (-smp N, one host thread per hart): Linux on 4 harts, a parallel job
inside it, the bare-metal programs of tests/guest-smp (AMO/LR-SC contention, cross-hart code
patching, IPIs and WFI) under both engines, and the OpenSBI banner of a multi-socket command
line, and the /cpus device-tree nodes. Each runs on Kestrel and on QEMU, the reference that
shows the checks are real.
`info threads` in gdb is covered by test_gdb.py."""
import hashlib
import os
import re
import subprocess

import pytest

from conftest import BUILD, ROOT, run, smp_firmware
from test_boot_firmware import opensbi_banner
from test_linux import boot, poweroff, sh

GUEST_DIR = os.path.join(ROOT, "tests", "guest-smp")
OUT = os.path.join(BUILD, "tests", "guest-smp")
PROGRAMS = ["amo_stress", "code_patch", "ipi_wfi", "pte_mmio_walk"]
# The engine configurations a guest program runs under: (label, extra arguments). The JIT
# compiles every block when made; "tiered" on a block's second run, so harts interpret,
# compile and run as code the same blocks at once (accel/tcg/cpu-exec.c tb_count_run).
ENGINES = [("kestrel-jit", ["-accel", "tcg,jit=on,jit-threshold=1"]),
           ("kestrel-interp", ["-accel", "tcg,jit=off"]), ("qemu", []),
           ("kestrel-tiered", ["-accel", "tcg,jit=on,jit-threshold=2"])]
KESTREL_ENGINES = [e for e in ENGINES if e[0] != "qemu"]


@pytest.fixture(scope="module")
def smp_programs():
    proc = subprocess.run(["make", "-s", "-C", GUEST_DIR, f"OUT={OUT}"], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.fail(f"building {GUEST_DIR} failed:\n{proc.stdout}{proc.stderr}")
    return OUT


@pytest.mark.parametrize("harts", [2, 4])
@pytest.mark.parametrize("engine", ENGINES, ids=[e[0] for e in ENGINES])
@pytest.mark.parametrize("program", PROGRAMS)
def test_smp_guest_program(kestrel, qemu, smp_programs, program, engine, harts):
    label, extra = engine
    binary = qemu if label == "qemu" else kestrel
    elf = os.path.join(smp_programs, program + ".elf")
    proc = run([binary, "-M", "virt", "-smp", str(harts), "-bios", "none", "-nographic",
                "-no-reboot", *extra, "-kernel", elf])
    assert proc.returncode == 0, (
        f"{program} failed check {proc.returncode}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    assert "all checks passed" in proc.stdout


@pytest.mark.parametrize("harts", [2, 4])
@pytest.mark.parametrize("engine", KESTREL_ENGINES, ids=[e[0] for e in KESTREL_ENGINES])
def test_live_code_patch(kestrel, smp_programs, engine, harts):
    """code_patch with hart 1 running the code while it is rewritten: Kestrel only, QEMU 7.2
    can keep a stale translation here (see tests/guest-smp/code_patch.c)."""
    proc = run([kestrel, "-M", "virt", "-smp", str(harts), "-bios", "none", "-nographic",
                "-no-reboot", *engine[1], "-kernel",
                os.path.join(smp_programs, "code_patch_live.elf")])
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "200 live patches" in proc.stdout


# Not under the interpreter: the benchmark's work takes it over a minute.
@pytest.mark.parametrize("engine", [ENGINES[0], ENGINES[2]], ids=["kestrel-jit", "qemu"])
def test_smp_bench_same_result_for_any_hart_count(kestrel, qemu, smp_programs, engine):
    """The benchmark program checks its own result; 1 and 3 harts split the work unevenly."""
    label, extra = engine
    binary = qemu if label == "qemu" else kestrel
    for harts in (1, 3):
        proc = run([binary, "-M", "virt", "-smp", str(harts), "-bios", "none", "-nographic",
                    "-no-reboot", *extra, "-kernel", os.path.join(smp_programs, "smp_bench.elf")])
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
        assert f"smp_bench: {harts} harts" in proc.stdout


def busy_jiffies(stat):
    """cpuN -> user + nice + system jiffies, from /proc/stat."""
    busy = {}
    for line in stat.splitlines():
        m = re.match(r"(cpu\d+)\s+(\d+)\s+(\d+)\s+(\d+)", line.strip())
        if m:
            busy[m.group(1)] = sum(int(m.group(i)) for i in (2, 3, 4))
    return busy


def last_line(text):
    """The command's last output line: a first command may see a leftover prompt echoed."""
    return text.strip().splitlines()[-1].strip()


def test_linux_smp4(emulator, linux_images):
    child = boot(emulator, linux_images, extra=["-smp", "4", *smp_firmware()])
    assert last_line(sh(child, "nproc")) == "4"
    cpuinfo = sh(child, "cat /proc/cpuinfo")
    assert re.findall(r"^processor\s*: (\d+)", cpuinfo, re.M) == ["0", "1", "2", "3"]
    assert sorted(re.findall(r"^hart\s*: (\d+)", cpuinfo, re.M)) == ["0", "1", "2", "3"]
    assert "smp: Brought up 1 node, 4 CPUs" in sh(child, "dmesg")

    # Four hashing jobs at once: all finish with the right digest, on more than one hart.
    before = busy_jiffies(sh(child, "cat /proc/stat"))
    sh(child, "for i in 1 2 3 4; do (dd if=/dev/zero bs=1M count=16 2>/dev/null | sha256sum"
              " > /tmp/sum$i) & done; wait")
    after = busy_jiffies(sh(child, "cat /proc/stat"))
    want = hashlib.sha256(bytes(16 << 20)).hexdigest()
    sums = re.findall(r"\b[0-9a-f]{64}\b", sh(child, "cat /tmp/sum1 /tmp/sum2 /tmp/sum3 /tmp/sum4"))
    assert sums == [want] * 4
    worked = [cpu for cpu in after if after[cpu] - before.get(cpu, 0) > 0]
    assert len(worked) >= 2, (before, after)
    assert poweroff(child) == 0


def test_linux_smp_sockets(kestrel, linux_images):
    child = boot(kestrel, linux_images, extra=["-smp", "4,sockets=2", *smp_firmware()])
    assert last_line(sh(child, "nproc")) == "4"
    assert poweroff(child) == 0


def test_opensbi_banner_smp_sockets_matches_qemu(kestrel, qemu):
    args = ["-smp", "4,sockets=2"]
    ours, theirs = opensbi_banner(kestrel, args), opensbi_banner(qemu, args)
    assert ours["Platform HART Count"] == theirs["Platform HART Count"] == "4"
    assert ours["Domain0 HARTs"] == theirs["Domain0 HARTs"]
    assert ours["Platform IPI Device"] == theirs["Platform IPI Device"]
    assert ours["Platform Timer Device"] == theirs["Platform Timer Device"]


def test_fdt_cpus_match_qemu(kestrel, qemu, tmp_path):
    """cpu nodes, their phandles (handed out from the last hart down) and the cpu-map, as
    QEMU writes them for -smp 4,sockets=2 (one socket: QEMU's virt sockets are NUMA nodes)."""
    def cpus_dts(binary):
        dtb = tmp_path / (os.path.basename(binary) + ".dtb")
        proc = run([binary, "-machine", f"virt,dumpdtb={dtb}", "-smp", "4,sockets=2",
                    "-nographic"])
        assert dtb.exists(), proc.stderr
        dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(dtb)], capture_output=True,
                             text=True, check=True).stdout
        cpus = dts[dts.index("\tcpus {"):dts.index("\tsoc {")]
        # Kestrel's harts have no H extension (see test_boot_firmware.KNOWN_DIFFERENCES).
        return re.sub(r'riscv,isa = "[^"]*"', "riscv,isa", cpus)

    assert cpus_dts(kestrel) == cpus_dts(qemu)
