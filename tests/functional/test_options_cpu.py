"""-cpu MODEL,prop=value (issue 14): QEMU 7.2's rv64 properties and named models, with the
device tree (riscv,isa, mmu-type) and the CSRs following them. Each check runs on Kestrel and
on QEMU 7.2 with the same command line; what Kestrel cannot model is refused, and said so."""
import re

import pytest

from baremetal import assemble, hex_lines
from conftest import dump_dts, run
from test_options_icount import PRINT_HEX

# satp after writing an Sv39 value, misa's C bit, mvendorid, marchid; then two c.nop: on a
# hart without C the first traps (illegal instruction, mtval = its 16 bits), else 0x600d.
PROBE = PRINT_HEX + r"""
    .option norvc
    la t0, trap
    csrw mtvec, t0
    li t0, (8 << 60) | 0x80000
    csrw satp, t0
    csrr s1, satp
    print_hex s1
    csrr s1, misa
    andi s1, s1, 4
    print_hex s1
    csrr s1, mvendorid
    print_hex s1
    csrr s1, marchid
    print_hex s1
    .2byte 0x0001
    .2byte 0x0001
    li s1, 0x600d
    print_hex s1
    li a0, 0
    exit_with a0
    .balign 4
trap:
    csrr s1, mcause
    print_hex s1
    csrr s1, mtval
    print_hex s1
    li a0, 0
    exit_with a0
"""


@pytest.fixture
def probe(tmp_path):
    return assemble(tmp_path, "probe", PROBE)


def probe_values(emulator, probe, cpu):
    return hex_lines(emulator, probe, "-cpu", cpu)


def test_mmu_off_and_c_off_in_the_csrs(emulator, probe):
    satp, c_bit, _, _, last = probe_values(emulator, probe, "rv64")
    assert (satp, c_bit, last) == ((8 << 60) | 0x80000, 4, 0x600d)
    values = probe_values(emulator, probe, "rv64,mmu=off,c=off,mvendorid=0x489,marchid=5")
    # satp read-only zero, no C in misa, the ids as set, c.nop an illegal instruction.
    assert values == [0, 0, 0x489, 5, 2, 0x0001]


def hart_node(emulator, tmp_path, cpu):
    dts = dump_dts(emulator, tmp_path, "-bios", "none", "-cpu", cpu)
    isa = re.search(r'cpu@0 \{[^}]*riscv,isa = "([^"]+)"', dts).group(1)
    mmu = re.search(r'cpu@0 \{[^}]*mmu-type = "([^"]+)"', dts).group(1)
    return isa, mmu


def isa_letters(isa):
    return isa.split("_")[0][4:]


def test_device_tree_follows_the_properties(emulator, tmp_path):
    isa, mmu = hart_node(emulator, tmp_path, "rv64")
    assert mmu == "riscv,sv48" and "c" in isa_letters(isa) and "_zba" in isa
    # H is on by default (as on QEMU 7.2) and h=false takes it out.
    assert isa_letters(isa) == "imafdch", isa
    isa, _ = hart_node(emulator, tmp_path, "rv64,h=false")
    assert isa_letters(isa) == "imafdc", isa
    isa, mmu = hart_node(emulator, tmp_path, "rv64,mmu=off,c=off,zba=off")
    # QEMU 7.2 keeps the property and says "riscv,none" rather than dropping it.
    assert mmu == "riscv,none"
    assert "c" not in isa_letters(isa) and "_zba" not in isa and "_zbb" in isa
    isa, _ = hart_node(emulator, tmp_path, "rv64,d=off,f=off,m=off")
    assert isa_letters(isa).startswith("iac"), isa
    assert hart_node(emulator, tmp_path, "sifive-u54") == ("rv64imafdc_zicsr_zifencei",
                                                           "riscv,sv48")


@pytest.mark.parametrize("cpu,message", [
    ("rv64,i=off", "Either I or E extension must be set"),
    ("rv64,e=on", "I and E extensions are incompatible"),
    ("rv64,Zicsr=off", "F extension requires Zicsr"),
    ("rv64,f=off", "D extension requires F extension"),
    ("rv64,sv39=on", "sv39"),
    ("thead-c906", "unable to find CPU model 'thead-c906'"),
])
def test_refused_as_qemu_7_2_refuses(emulator, cpu, message):
    proc = run([emulator, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-display", "none",
                "-cpu", cpu])
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr


@pytest.mark.parametrize("cpu,message", [
    ("rv64,Zve64f=on", "Zve64f=on: Kestrel does not implement this extension"),
    ("rv64,s=off", "always have S and U modes"),
    ("rv64,priv_spec=v1.10.0", "only v1.12.0"),
    ("sifive-e51", "unable to find CPU model 'sifive-e51'"),
])
def test_what_kestrel_lacks_is_refused_clearly(kestrel, cpu, message):
    proc = run([kestrel, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-cpu", cpu])
    assert proc.returncode != 0 and message in proc.stderr, proc.stderr


def test_cpu_help_lists_the_models(kestrel):
    proc = run([kestrel, "-cpu", "help"])
    assert proc.returncode == 0
    assert {"rv64", "max", "sifive-u54", "shakti-c"} <= set(proc.stdout.split())


def test_cpu_model_help_lists_the_properties(kestrel):
    proc = run([kestrel, "-cpu", "rv64,help"])
    assert proc.returncode == 0
    names = re.findall(r"^  ([\w-]+)=", proc.stdout, re.M)
    assert {"mmu", "pmp", "c", "zba", "Zicsr", "mvendorid", "marchid", "mimpid", "priv_spec",
            "v", "h"} <= set(names), names
