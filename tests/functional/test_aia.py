"""-machine aia=aplic and aia=aplic-imsic (issue 10): the virt board's APLIC, a machine-level
root domain delegating every source to a supervisor-level domain, in direct delivery mode or
(aplic-imsic) writing MSIs to each hart's IMSIC interrupt files. The device tree is QEMU
7.2's (nodes, phandles, two-cell interrupt specifiers, the PCI interrupt-map, msi-parent),
and Debian trixie's kernel (6.12, which has the AIA drivers; our 6.1 guest kernel has not)
boots to a login with its console, disk and network interrupts going through them. QEMU 7.2
hangs booting that kernel with aplic-imsic: Kestrel is compared with the spec there."""
import os
import re

from conftest import dump_dts, run, smp_firmware
from test_debian import debian, direct_kernel_args, login, poweroff, shell, spawn  # noqa: F401


def dts(binary, tmp_path, machine, *extra):
    return dump_dts(binary, tmp_path, "-smp", "2", *extra, machine=machine)


def interrupt_wiring(tree):
    """The APLIC nodes whole, and every line that names an interrupt parent or specifier
    (QEMU's empty platform-bus, for dynamic sysbus devices, is not built here)."""
    tree = re.sub(r"\tplatform-bus@[0-9a-f]+ \{.*?\};", "", tree, flags=re.S)
    nodes = re.findall(r"\t(?:aplic|imsics)@[0-9a-f]+ \{.*?\};", tree, re.S)
    # The harts' riscv,isa for smaia/ssaia; its base letters differ in "h" (7.2's rv64 has H).
    lines = [re.sub(r"rv64imafdch?_", "rv64_", l.strip()) for l in tree.splitlines()
             if re.search(r"interrupt-parent|interrupts = |interrupt-map |interrupts-extended|"
                          r"msi-parent|riscv,isa = ", l)]
    return nodes, lines


def test_aplic_device_tree_matches_qemu(kestrel, qemu, tmp_path):
    ours = interrupt_wiring(dts(kestrel, tmp_path, "virt,aia=aplic"))
    theirs = interrupt_wiring(dts(qemu, tmp_path, "virt,aia=aplic"))
    assert len(ours[0]) == 2, ours
    assert "riscv,delegate = <0x06 0x01 0x60>;" in ours[0][1]
    assert ours == theirs


def test_aplic_imsic_device_tree_matches_qemu(kestrel, qemu, tmp_path):
    ours = interrupt_wiring(dts(kestrel, tmp_path, "virt,aia=aplic-imsic"))
    theirs = interrupt_wiring(dts(qemu, tmp_path, "virt,aia=aplic-imsic"))
    assert [n.split("{")[0].strip() for n in ours[0]] == ["aplic@d000000", "aplic@c000000",
                                                          "imsics@28000000", "imsics@24000000"]
    assert "msi-parent = <0x06>;" in ours[0][0]
    assert any("_smaia_ssaia_" in l for l in ours[1])
    assert ours == theirs


def test_aia_guests_device_tree_matches_qemu(kestrel, qemu, tmp_path):
    # aia-guests=N: each hart's S-level pages become 2^ceil(log2(N + 1)) (its S file, then
    # guest files 1..N), so the S node's reg grows and names riscv,guest-index-bits.
    for guests, bits in ((1, 1), (7, 3)):
        machine = f"virt,aia=aplic-imsic,aia-guests={guests}"
        ours = interrupt_wiring(dts(kestrel, tmp_path, machine))
        assert f"riscv,guest-index-bits = <0x0{bits}>;" in ours[0][2], ours[0][2]
        assert f"reg = <0x00 0x28000000 0x00 {hex(2 * 0x1000 << bits)}>;" in ours[0][2]
        assert ours == interrupt_wiring(dts(qemu, tmp_path, machine))


def test_bad_aia_mode_is_refused(kestrel):
    proc = run([kestrel, "-M", "virt,aia=imsic", "-bios", "none", "-nographic"])
    assert proc.returncode == 1
    assert "aia=imsic: Invalid AIA mode (none, aplic or aplic-imsic)" in proc.stderr
    # QEMU 7.2's limit is 7 guest files ("Invalid number of AIA IMSIC guests")
    proc = run([kestrel, "-M", "virt,aia=aplic-imsic,aia-guests=8", "-bios", "none",
                "-nographic"])
    assert proc.returncode == 1
    assert "aia-guests=8: Invalid number of AIA IMSIC guests (0 to 7)" in proc.stderr


def boot_debian(kestrel, debian, tmp_path, aia, bus="device"):
    """Debian on virtio-blk and virtio-net over virtio-mmio (bus "device") or PCI ("pci")."""
    args = ["-M", f"virt,aia={aia}", "-m", "1G", "-smp", "2", *smp_firmware(), "-nographic", "-snapshot",
            "-drive", f"file={os.path.join(debian, 'debian.img')},format=raw,if=none,id=hd0",
            "-device", f"virtio-blk-{bus},drive=hd0", "-netdev", "user,id=n0",
            "-device", f"virtio-net-{bus},netdev=n0",
            *direct_kernel_args(os.path.join(debian, "vmlinuz"), debian)]
    child = spawn(kestrel, args, tmp_path)
    login(child)
    return child


def assert_interrupts_through(child, chip, names=("ttyS0", "virtio0", "virtio1")):
    """Each of names (the console, the disk and the NIC) took interrupts through chip."""
    irqs = shell(child, "cat /proc/interrupts")
    for name in names:
        line = next((l for l in irqs.splitlines() if l.rstrip().endswith(name)), "")
        assert chip in line, irqs
        assert sum(int(n) for n in re.findall(r"\s(\d+)", line.split(chip)[0])[1:]) > 0, line


def test_debian_boots_with_aplic(kestrel, debian, tmp_path):
    child = boot_debian(kestrel, debian, tmp_path, "aplic")
    assert_interrupts_through(child, "APLIC-DIRECT")
    assert "riscv-aplic d000000.aplic" in shell(child, "dmesg | grep -i aplic")
    poweroff(child)


def test_debian_boots_with_aplic_imsic(kestrel, debian, tmp_path):
    # The console's wired interrupt becomes an MSI from the APLIC to a hart's S-level IMSIC
    # file; the PCI disk and NIC write their MSI-X vectors there themselves, one per queue;
    # inter-processor interrupts are IMSIC identity 1 (riscv,ipi-id). With aia-guests=3 each
    # hart's S files are 4 pages apart and KVM finds GEILEN = 3 (and its AIA CSRs).
    child = boot_debian(kestrel, debian, tmp_path, "aplic-imsic,aia-guests=3", bus="pci")
    assert_interrupts_through(child, "APLIC-MSI", ("ttyS0",))
    assert_interrupts_through(child, "PCI-MSIX", ("virtio0-req.0", "virtio1-input.0",
                                                 "virtio1-output.0"))
    log = shell(child, "dmesg | grep -i -e imsic -e aplic")
    assert "riscv-imsic: imsics@28000000: hart-index-bits: 1" in log or "imsics@28000000" in log, log
    assert "riscv-aplic d000000.aplic" in log, log
    assert "guest-index-bits: 2" in log, log
    log = shell(child, "modprobe kvm && dmesg | grep -i kvm")
    assert "AIA available with 3 guest external interrupts" in log, log
    poweroff(child)
