"""q35's built-in disk and network as in issue 11: the ICH9 AHCI at 00:1f.2 with -hda/-drive
if=ide on its ports, e1000e as the default NIC model of -nic/-net, each compared with
qemu-system-x86_64 -M q35 (QEMU 7.2)."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import BUILD, HANG_GUARD, run

KESTREL_X86 = os.path.abspath(os.environ.get("KESTREL_X86") or os.path.join(BUILD, "kestrel-x86_64"))
QEMU_X86 = shutil.which("qemu-system-x86_64")
# QEMU's e1000e carries an iPXE option ROM (BAR6); ours has none, so QEMU runs without it here.
QEMU_NO_ROM = ["-global", "e1000e.romfile="]


@pytest.fixture(scope="module")
def x86_binaries():
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    return KESTREL_X86, QEMU_X86


def hmp(binary, args, *cmds):
    """The replies to HMP cmds of `binary -M q35 -S -nodefaults args` (stopped: nothing runs)."""
    script = "".join(c + "\n" for c in cmds) + "quit\n"
    proc = subprocess.run([binary, "-M", "q35", "-S", "-nodefaults", "-display", "none",
                           "-monitor", "stdio", *args], input=script, capture_output=True,
                          text=True, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    # QEMU's readline echoes with escape sequences; keep only the replies' lines.
    lines = [l for l in proc.stdout.replace("\r", "").splitlines()
             if "\x1b" not in l and not l.startswith(("(qemu)", "QEMU", "Kestrel"))]
    return lines


def pci_blocks(lines):
    """info pci as {"slot.fn": [its lines]}."""
    blocks, key = {}, None
    for line in lines:
        m = re.match(r"  Bus +0, device +(\d+), function (\d)", line)
        if m:
            key = "%02x.%s" % (int(m.group(1)), m.group(2))
            blocks[key] = []
        elif key and line.startswith("    "):
            blocks[key].append(line)
        else:
            key = None
    return blocks


@pytest.fixture
def disks(tmp_path):
    paths = []
    for name in ("a.img", "b.img"):
        with open(tmp_path / name, "wb") as f:
            f.truncate(8 << 20)
        paths.append(str(tmp_path / name))
    return paths


NETS = {
    "nic": ["-nic", "user"],
    "net": ["-net", "nic", "-net", "user"],
    "netdev": ["-netdev", "user,id=n0", "-device", "e1000e,netdev=n0"],
}


@pytest.mark.parametrize("net", NETS)
def test_builtin_ahci_and_default_nic_match_qemu(x86_binaries, disks, net):
    """The AHCI function is there without any option, -hda/-hdb name QEMU's drives, and every
    way of asking for a NIC gives the same e1000e (its `info pci` block as QEMU's)."""
    args = ["-hda", disks[0], "-drive", f"file={disks[1]},format=raw,if=ide,index=3"] + NETS[net]
    ours, theirs = (hmp(b, args + extra, "info pci", "info block")
                    for b, extra in zip(x86_binaries, ([], QEMU_NO_ROM)))
    ours_pci, theirs_pci = pci_blocks(ours), pci_blocks(theirs)
    assert ours_pci["1f.2"] == theirs_pci["1f.2"]
    assert any("SATA controller: PCI device 8086:2922" in l for l in ours_pci["1f.2"])
    assert ours_pci["01.0"] == theirs_pci["01.0"]
    assert "Ethernet controller: PCI device 8086:10d3" in ours_pci["01.0"][0]
    # SMBus (00:1f.3) is QEMU's and not ours yet; the rest is the same set of functions.
    assert set(ours_pci) == set(theirs_pci) - {"1f.3"}
    def drives(lines):
        return sorted(m.group(0) for l in lines if (m := re.match(r"ide\d-hd0", l)))

    assert drives(ours) == drives(theirs) == ["ide0-hd0", "ide3-hd0"]


@pytest.mark.parametrize("drive,message", [
    ("if=ide,unit=1", "unit 1 too big (max is 0)"),
    ("if=ide,index=6", "machine type does not support if=ide,bus=6,unit=0"),
    ("bus=7", "machine type does not support if=ide,bus=7,unit=0"),
])
def test_ide_drives_that_do_not_fit_fail_as_in_qemu(x86_binaries, disks, drive, message):
    for binary in x86_binaries:
        r = run([binary, "-M", "q35", "-display", "none", "-S", "-monitor", "none",
                 "-drive", f"file={disks[0]},format=raw,{drive}"])
        assert r.returncode == 1 and message in r.stderr, (binary, r.stderr)


def test_second_disk_on_a_taken_port_and_cdrom_are_refused(x86_binaries, disks):
    for binary in x86_binaries:
        r = run([binary, "-M", "q35", "-display", "none", "-S", "-monitor", "none",
                 "-hda", disks[0], "-drive", f"file={disks[1]},format=raw,index=0"])
        assert r.returncode == 1 and "drive with bus=0, unit=0 (index=0) exists" in r.stderr
    r = run([x86_binaries[0], "-M", "q35", "-display", "none", "-cdrom", disks[0]])
    assert r.returncode == 1 and "CD-ROM drives (ATAPI) are not supported" in r.stderr
