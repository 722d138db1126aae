"""The RVA23 extension set (issue 10): -cpu max/rva22s64/rva23s64, the extension switches with
QEMU's property names, the device tree's riscv,isa (QEMU's canonical order, checked against
QEMU 7.2 for the extensions it has) and riscv,isa-extensions, a switch gating its
instructions, and Linux booting with -cpu max and reporting the extensions. The instructions
themselves are checked by tests/guest/rva23_int.S, rva23_priv.c and svext.c."""
import os
import re
import subprocess

import pexpect

from baremetal import PRINT_AND_EXIT, assemble  # noqa: F401 (PRINT_AND_EXIT: exit_with)
from conftest import HANG_GUARD, dump_dts, run
from test_options_icount import PRINT_HEX

RVA23S64_ISA = ("rv64imafdcvh_zic64b_zicbom_zicbop_zicboz_ziccamoa_ziccif_zicclsm_ziccrse_zicond_"
                "zicntr_zicsr_zifencei_zihintntl_zihintpause_zihpm_zimop_za64rs_zawrs_zfa_zfhmin_"
                "zca_zcb_zcd_zcmop_zba_zbb_zbs_zkt_zvbb_zvfhmin_zvkt_smstateen_ssccptr_sscofpmf_"
                "sscounterenw_"
                "ssstateen_sstc_sstvala_sstvecd_ssu64xl_svade_svinval_svnapot_svpbmt")


def cpu_node(emulator, tmp_path, cpu):
    dts = dump_dts(emulator, tmp_path, "-bios", "none", "-cpu", cpu)
    return re.search(r"cpu@0 \{[^}]*", dts).group(0)


def pmu_node(emulator, tmp_path, cpu):
    """The /pmu node (Sscofpmf's event map), or "" if there is none."""
    out = tmp_path / "pmu.dtb"
    run([emulator, "-M", f"virt,dumpdtb={out}", "-bios", "none", "-display", "none", "-cpu", cpu])
    dts = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(out)], capture_output=True,
                         text=True, check=True).stdout
    m = re.search(r"\n\tpmu \{[^}]*", dts)
    return m.group(0) if m else ""


def prop(node, name):
    m = re.search(rf"\s{re.escape(name)} = ([^;]+);", node)
    return m.group(1) if m else None


def test_cpu_help_lists_the_profile_models(kestrel):
    proc = run([kestrel, "-cpu", "help"])
    assert proc.returncode == 0
    assert {"max", "rva22s64", "rva23s64"} <= set(proc.stdout.split())


def test_rva23s64_device_tree(kestrel, tmp_path):
    node = cpu_node(kestrel, tmp_path, "rva23s64")
    assert prop(node, "riscv,isa") == f'"{RVA23S64_ISA}"'
    assert prop(node, "riscv,isa-base") == '"rv64i"'
    # dtc 1.6 prints a string list read from a blob as one string with \0 separators.
    value = re.sub(r'"\s*,\s*"', r"\\0", prop(node, "riscv,isa-extensions"))
    exts = value.strip('"').split(r"\0")
    assert exts == list("imafdcvh") + RVA23S64_ISA.split("_")[1:]
    for size in ("cbom", "cboz", "cbop"):
        assert prop(node, f"riscv,{size}-block-size") == "<0x40>"
    assert "riscv,event-to-mhpmcounters" in pmu_node(kestrel, tmp_path, "rva23s64")
    # -cpu MODEL,prop=value still overrides the model; the block sizes are properties too.
    node = cpu_node(kestrel, tmp_path, "rva23s64,zicond=off,zic64b=off,cbom_blocksize=128")
    assert "_zicond" not in prop(node, "riscv,isa")
    assert prop(node, "riscv,cbom-block-size") == "<0x80>"


def test_rv64_stays_qemu_7_2s(kestrel, tmp_path):
    node = cpu_node(kestrel, tmp_path, "rv64")
    assert prop(node, "riscv,isa-extensions") is None and "block-size" not in node
    assert pmu_node(kestrel, tmp_path, "rv64") == ""
    isa = prop(node, "riscv,isa")
    node = cpu_node(kestrel, tmp_path, "max")
    assert set(isa.strip('"').split("_")[1:]) < set(prop(node, "riscv,isa").strip('"').split("_"))


def test_canonical_order_matches_qemu_7_2(kestrel, qemu, tmp_path):
    cpu = "rv64,svpbmt=on,svnapot=on,svinval=on,Zihintpause=on"
    ours, theirs = (prop(cpu_node(e, tmp_path, cpu), "riscv,isa").split("_", 1)
                    for e in (kestrel, qemu))
    # The letters (with H, as QEMU 7.2's) and the Z and S list.
    assert ours[1] == theirs[1] and ours[0] == theirs[0]


def test_dependencies_and_unimplemented_refused(kestrel):
    for cpu, message in [("rv64,c=off,zcb=on", "Zcb/Zcmop/Zcd extensions require Zca"),
                         ("rv64,cboz_blocksize=48", "cboz_blocksize=48: must be a power of 2"),
                         ("rv64,ssstateen=on", "Ssstateen extension requires Smstateen"),
                         ("rva23s64,cbom_blocksize=128", "zic64b: cbom/cbop/cboz_blocksize"),
                         ("max,Zve32f=on", "Zve32f=on: Kestrel does not implement this extension")]:
        proc = run([kestrel, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-cpu", cpu])
        assert proc.returncode != 0 and message in proc.stderr, (cpu, proc.stderr)


# czero.nez t1 = 5 with t2 = 0 (Zicond), then print t1 or, on a trap, mcause.
CZERO = PRINT_HEX + r"""
    la t0, trap
    csrw mtvec, t0
    li t1, 5
    li t2, 0
    .insn r 0x33, 7, 7, t1, t1, t2
    print_hex t1
    li a0, 0
    exit_with a0
    .balign 4
trap:
    csrr s1, mcause
    print_hex s1
    li a0, 0
    exit_with a0
"""


def test_switch_gates_the_instructions(kestrel, tmp_path):
    elf = assemble(tmp_path, "czero", CZERO)
    for cpu, want in [("rv64", 2), ("rv64,zicond=on", 5), ("max", 5), ("max,zicond=off", 2)]:
        for jit in ("on", "off"):
            proc = run([kestrel, "-M", "virt", "-bios", "none", "-nographic", "-cpu", cpu,
                        "-accel", f"tcg,jit={jit}", "-kernel", elf])
            assert proc.returncode == 0, proc.stderr
            assert [int(v, 16) for v in proc.stdout.split()] == [want], (cpu, jit, proc.stdout)


def test_linux_with_cpu_max_reports_the_extensions(kestrel, linux_images):
    child = pexpect.spawn(kestrel, ["-M", "virt", "-m", "512", "-nographic", "-cpu", "max",
                                    "-kernel", os.path.join(linux_images, "Image"),
                                    "-initrd", os.path.join(linux_images, "rootfs.cpio.gz"),
                                    "-append", "console=ttyS0"],
                          timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("Boot HART ISA Extensions *: ([^\r\n]*)\r")  # up to the line end
    assert "smstateen" in child.match.group(1) and "sstc" in child.match.group(1)
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(r"kestrel:[^#\r\n]*# ")
    child.sendline("grep -m1 ^isa /proc/cpuinfo; dmesg | grep -cE 'Oops|BUG:|WARNING:|panic'")
    child.expect(r"isa\s*: (\S+)\s+(\d+)\s")
    # Linux 6.1 lists the multi-letter extensions it knows, sorted, after the letters.
    assert child.match.group(1) == "rv64imafdcvh_sscofpmf_sstc_svinval_svpbmt_zicbom_zihintpause"
    assert child.match.group(2) == "0"
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
