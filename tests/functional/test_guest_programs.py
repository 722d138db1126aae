"""Run the RISC-V guest programs of tests/guest (built by `make guest`) on the virt board
with -bios none. Each reports through the sifive_test device: exit status 0 = pass, any
other status = the number of the failed check (see the program's source)."""
import glob
import os

import pytest

from conftest import BUILD, run

PROGRAMS = sorted(glob.glob(os.path.join(BUILD, "tests", "guest", "*.elf")))


def test_guest_programs_were_built():
    assert PROGRAMS, "no guest programs in build/tests/guest: run make check"


# Kestrel's two engines (the JIT and the interpreter it falls back to) and QEMU.
ENGINES = {"kestrel-jit": ["-accel", "tcg,jit=on,jit-threshold=1"], "kestrel-interpreter": ["-accel", "tcg,jit=off"],
           "qemu": []}


# Programs QEMU 7.2 fails on purpose, with the check it fails: the difference is QEMU's bug,
# and QEMU failing that check shows the check is real.
QEMU_FAILS = {
    # A hardware A/D update does not drop translated code sharing the page (issue 13 item 5).
    "mmu_ad_code.elf": 7,
    # Code programmed into a flash bank and reprogrammed: QEMU runs the old translation
    # (writes the flash device makes to its own memory drop no translated code).
    "pflash.elf": 10,
    # Svpbmt's reserved memory type 3 translates as a type on 7.2 (the program's last check).
    "svext.elf": 23,
    # A write to minstret does not overwrite the writing instruction's own retirement
    # (riscv-tests rv64mi-p-instret_overflow fails the same way).
    "instret_write.elf": 1,
    # mtinst/htinst read 0 after a guest-page fault (allowed by the spec; the check of the
    # first transformed instruction).
    "htinst.elf": 3,
    # hvictl.DPR reads zero (the first check of what 7.2 lacks: DPR, VTI hiding vsip's
    # interrupts and injecting hvictl's, VTI trapping stimecmp writes).
    "hvictl.elf": 14,
}

# -cpu of the programs that need extensions beyond rv64's defaults, and whether QEMU 7.2
# runs them: it lacks Zicond, Zimop, Zcb, Zcmop, Zawrs, Zicbom/Zicboz, Smstateen, Svade/Svadu, Zfa,
# so those programs run on Kestrel's two engines only (their expected values are the specs').
PROGRAM_CPU = {
    "rva23_int.elf": ("max", False),
    "rva23_priv.elf": ("max", False),
    "svext.elf": ("rv64,svnapot=on,svpbmt=on,svinval=on", True),
    "zfh.elf": ("rv64,Zfh=on", True),
    # The H extension (also on QEMU 7.2's rv64, which has it on by default).
    "hyp.elf": ("rv64,h=on", True),
    "zfa.elf": ("max", False),
    # QEMU 7.2 counts host ticks for these events: no exact counts to compare.
    "sscofpmf.elf": ("max", False),
    # H with IMSIC guest interrupt files (also on 7.2's rv64; the machine below)
    "aia_guest.elf": ("rv64,h=on", True),
    "htinst.elf": ("rv64,h=on", True),
    # Smstateen with H and the AIA (7.2 has no Smstateen)
    "stateen_h.elf": ("max", False),
    "hyp_vmid.elf": ("rv64,h=on", True),
    "hvictl.elf": ("rv64,h=on", True),
    "hyp_vvma.elf": ("rv64,h=on", True),
}

# -M of the programs that need more than the plain virt board.
PROGRAM_MACHINE = {
    "aia_guest.elf": "virt,aia=aplic-imsic,aia-guests=3",
    "stateen_h.elf": "virt,aia=aplic-imsic",
    "hvictl.elf": "virt,aia=aplic-imsic",
}


def cases():
    for program in PROGRAMS:
        name = os.path.basename(program)
        for engine in ENGINES:
            if engine == "qemu" and name in PROGRAM_CPU and not PROGRAM_CPU[name][1]:
                continue
            yield pytest.param(engine, program, id=f"{name}-{engine}")


@pytest.mark.parametrize("engine,program", cases())
def test_guest_program(kestrel, qemu, engine, program):
    binary = qemu if engine == "qemu" else kestrel
    cpu = PROGRAM_CPU.get(os.path.basename(program))
    machine = PROGRAM_MACHINE.get(os.path.basename(program), "virt")
    proc = run([binary, "-M", machine, "-bios", "none", "-nographic", "-no-reboot",
                "-kernel", program] + (["-cpu", cpu[0]] if cpu else []) + ENGINES[engine])
    if engine == "qemu" and os.path.basename(program) in QEMU_FAILS:
        assert proc.returncode == QEMU_FAILS[os.path.basename(program)], proc.stdout[-2000:]
        return
    assert proc.returncode == 0, (
        f"{os.path.basename(program)} failed check {proc.returncode}\n"
        f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def test_vmid_tagged_tlb_keeps_the_other_guests_entries(kestrel):
    """hyp_vmid.c prints whether guest 2's cached translation survived hgatp switches and an
    hfence.gvma of VMID 1 (the spec allows either; QEMU 7.2 drops it): Kestrel's TLB slots
    per VMID keep it on both engines (issue 10)."""
    program = os.path.join(BUILD, "tests", "guest", "hyp_vmid.elf")
    for engine in ("kestrel-jit", "kestrel-interpreter"):
        proc = run([kestrel, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot",
                    "-cpu", "rv64,h=on", "-kernel", program] + ENGINES[engine])
        assert proc.returncode == 0, proc.stdout[-2000:]
        assert "vmid: guest 2 entry kept" in proc.stdout, (engine, proc.stdout[-2000:])
