"""PCI Express on the virt board: Linux 6.1 (scripts/build-images) boots from a
virtio-blk-pci root disk with a virtio-net-pci card and a virtio-rng-pci source, all
found through the generic ECAM host, and uses each; the same command line runs under QEMU
7.2 to show the test checks real behaviour. Also U-Boot enumerating the bus, the monitor's
`info pci`, and -device errors.

As QEMU 7.2's on pcie.0, the virtio-pci devices are transitional by default (device IDs
0x1000.., the legacy I/O BAR0 beside the modern BAR4); a Linux told to prefer the legacy
interface (virtio_pci.force_legacy=1) and a legacy-only device (disable-modern=on) work too."""
import os
import re
import shutil
import subprocess

import pexpect

from conftest import HANG_GUARD, UBOOT, run
from test_linux import PROMPT, sh


def pci_devices(child):
    """{slot: (vendor, device, class)} from /sys/bus/pci/devices, as lspci would list them."""
    out = sh(child, "for d in /sys/bus/pci/devices/*; do echo ${d##*/} $(cat $d/vendor "
                    "$d/device $d/class); done")
    found = {}
    for m in re.finditer(r"0000:00:(\w\w)\.0 (0x\w{4}) (0x\w{4}) (0x\w{6})", out):
        found[int(m.group(1), 16)] = m.group(2, 3, 4)
    return found


def test_linux_on_virtio_pci(emulator, linux_images, tmp_path):
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    args = ["-M", "virt", "-m", "256", "-nographic",
            "-kernel", os.path.join(linux_images, "Image"),
            "-append", "root=/dev/vda rw console=ttyS0",
            "-drive", f"file={disk},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-pci,drive=hd0,addr=3",
            "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile=",
            "-device", "virtio-rng-pci,bus=pcie.0,addr=0x5.0"]
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    try:
        devs = pci_devices(child)
        assert devs[0] == ("0x1b36", "0x0008", "0x060000"), devs  # gpex-root
        assert devs[1][0] == "0x1af4" and devs[1][2] == "0x020000", devs  # net: first free
        assert devs[3][0] == "0x1af4" and devs[3][2] == "0x010000", devs  # blk at addr=3
        assert devs[5][0] == "0x1af4" and devs[5][2] == "0x00ff00", devs  # rng at 5.0
        # Behind each function, the virtio device of the right type (net 1, blk 2, rng 4).
        types = sh(child, "cat /sys/bus/pci/devices/0000:00:0[135].0/virtio*/device")
        assert re.findall(r"\b0x000\d\b", types) == ["0x0001", "0x0002", "0x0004"], types
        # INTx: each function got an interrupt (no MSI controller on virt).
        assert sh(child, "cat /sys/bus/pci/devices/0000:00:03.0/irq").strip() != "0"
        # The root disk is the PCI one, and it writes.
        assert "/dev/root" in sh(child, "cat /proc/mounts")
        sh(child, "echo via-pci > /pci.txt && sync && cat /pci.txt")
        # The NIC gets slirp's DHCP lease; the entropy source feeds hw_random.
        assert "10.0.2.15" in sh(child, "udhcpc -i eth0 -n -q -t 5")
        assert "virtio_rng" in sh(child, "cat /sys/class/misc/hw_random/rng_current")
        sh(child, "dd if=/dev/hwrng bs=32 count=1 2>/dev/null | md5sum")
        dmesg = sh(child, "dmesg")
        for bad in ("Oops", "BUG:", "Call Trace", "WARNING:"):
            assert bad not in dmesg, bad
        child.sendline("poweroff")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0


def test_linux_on_legacy_virtio_pci(emulator, linux_images, tmp_path):
    """The 0.9.5 interface: a legacy-only disk (disable-modern=on) and a transitional NIC that
    Linux drives through BAR0 because virtio_pci.force_legacy=1 tells it to."""
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    args = ["-M", "virt", "-m", "256", "-nographic",
            "-kernel", os.path.join(linux_images, "Image"),
            "-append", "root=/dev/vda rw console=ttyS0 virtio_pci.force_legacy=1",
            "-drive", f"file={disk},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-pci,drive=hd0,addr=3,disable-modern=on",
            "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile=,addr=4"]
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    try:
        devs = pci_devices(child)
        assert devs[3] == ("0x1af4", "0x1001", "0x010000"), devs  # transitional IDs
        assert devs[4] == ("0x1af4", "0x1000", "0x020000"), devs
        # An I/O BAR0 on each (IORESOURCE_IO, 0x100, in the flags), and no VERSION_1 (feature
        # bit 32) negotiated: the drivers speak legacy.
        res = sh(child, "head -qn1 /sys/bus/pci/devices/0000:00:0[34].0/resource")
        bars = re.findall(r"0x[0-9a-f]{16} 0x[0-9a-f]{16} (0x[0-9a-f]{16})", res)
        assert len(bars) == 2 and all(int(flags, 16) & 0x100 for flags in bars), res
        feats = sh(child, "cat /sys/bus/pci/devices/0000:00:0[34].0/virtio*/features")
        assert [f[32] for f in re.findall(r"\b[01]{64}\b", feats)] == ["0", "0"], feats
        assert "/dev/root" in sh(child, "cat /proc/mounts")
        sh(child, "echo via-legacy > /legacy.txt && sync && cat /legacy.txt")
        assert "10.0.2.15" in sh(child, "udhcpc -i eth0 -n -q -t 5")
        child.sendline("poweroff")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    out = run(["debugfs", "-R", "cat /legacy.txt", disk])
    assert "via-legacy" in out.stdout, out.stderr


def test_uboot_enumerates_pci(emulator):
    child = pexpect.spawn(emulator, ["-M", "virt", "-m", "256", "-nographic", "-kernel", UBOOT,
                                     "-device", "virtio-rng-pci",
                                     "-netdev", "user,id=n0",
                                     "-device", "virtio-net-pci,netdev=n0,romfile="],
                          timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    try:
        child.expect("Hit any key to stop autoboot")
        child.sendline("")
        child.expect("=> ")
        child.sendline("pci enum; pci")
        child.expect(r"00\.00\.00\s+0x1b36\s+0x0008")
        child.expect(r"00\.01\.00\s+0x1af4\s+0x10\w\w")
        child.expect(r"00\.02\.00\s+0x1af4\s+0x10\w\w\s+Network controller")
        child.expect("=> ")
        # The guest's BAR assignment: the 64-bit BAR4 in the 32-bit window.
        child.sendline("pci bar 00.02.00")
        child.expect(r"4\s+0x0000000040\w{6}\s+0x0000000000004000\s+64\s+MEM")
        child.expect("=> ")
        child.sendline("virtio scan; setenv autoload no; dhcp")
        child.expect(r"DHCP client bound to address 10\.0\.2\.15")
        child.expect("=> ")
        child.send("\x01x")
        child.expect(pexpect.EOF)
    finally:
        child.close()


def test_info_pci(kestrel):
    proc = subprocess.run([kestrel, "-M", "virt", "-bios", "none", "-display", "none",
                           "-serial", "none", "-monitor", "stdio",
                           "-device", "virtio-rng-pci,id=rng0"],
                          input="info pci\ninfo qtree\nquit\n", capture_output=True, text=True,
                          timeout=HANG_GUARD)
    out = proc.stdout
    assert "  Bus  0, device   0, function 0:\n    Host bridge: PCI device 1b36:0008" in out, out
    # QEMU 7.2's lines for the same device, the MSI-X BAR1 included.
    assert re.search(r"device   1, function 0:\n    Class 0255: PCI device 1af4:1005\n"
                     r"      PCI subsystem 1af4:0004\n      IRQ 0, pin A\n"
                     r"      BAR0: I/O at 0xffffffffffffffff \[0x001e\]\.\n"
                     r"      BAR1: 32 bit memory at 0xffffffffffffffff \[0x00000ffe\]\.\n"
                     r"      BAR4: 64 bit prefetchable memory at 0xffffffffffffffff "
                     r"\[0x00003ffe\]\.\n      id \"rng0\"", out), out
    assert re.search(r"bus: pcie\.0\n\s+type PCIE\n\s+dev: gpex-root", out), out


def test_device_errors(kestrel, tmp_path):
    cases = [
        (["-device", "virtio-rng-pci,addr=20"], "doesn't take value '20'"),
        (["-device", "virtio-rng-pci,bus=pcie.1"], "Bus 'pcie.1' not found"),
        (["-device", "virtio-rng-pci,addr=2", "-device", "virtio-rng-pci,addr=2.0"],
         "slot 2 function 0 not available"),
        (["-device", "virtio-rng-pci,disable-modern=on,disable-legacy=on"],
         "device cannot work as neither modern nor legacy mode is enabled"),
        (["-device", "virtio-rng-pci,disable-legacy=maybe"],
         "Parameter 'disable-legacy' does not accept value 'maybe'"),
        (["-device", "virtio-rng-pci,romfile=no-such.rom"], "failed to find romfile \"no-such.rom\""),
        (["-device", "virtio-blk-pci,drive=nope"], "nope"),
    ]
    for extra, message in cases:
        proc = run([kestrel, "-M", "virt", "-bios", "none", "-display", "none",
                    "-serial", "none", *extra])
        assert proc.returncode == 1, (extra, proc.stderr)
        assert message in proc.stderr, (extra, proc.stderr)
