"""AHCI (-device ich9-ahci with -device ide-hd disks) under the busybox Linux guest: the
kernel's ahci driver finds the disk as /dev/sda with the image's size, reads a pattern the
host wrote and writes one the host reads back; QEMU 7.2 with the same command line reports
the same IDENTIFY model, firmware and size. A 2 MiB random write is read back by the guest
and the host alike."""
import hashlib
import re
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD, KESTREL, QEMU
from test_linux import PROMPT, boot, poweroff, sh

SECTORS = 16384  # an 8 MiB image
HOST_PATTERN = b"host-wrote-this-for-ahci"
GUEST_PATTERN = "guest-wrote-this-over-ahci"


def make_disk(path):
    with open(path, "wb") as f:
        f.truncate(SECTORS * 512)
        f.seek(5 * 512)
        f.write(HOST_PATTERN)


def identify_lines(dmesg):
    """The libata lines that come from IDENTIFY: 'ATA-7: MODEL, FW, max UDMA/100' and
    'N sectors, multi 16: LBA48 NCQ (depth 32)'."""
    model = re.search(r"ata1\.00: (ATA-\d+: [^\r\n]*)", dmesg)
    size = re.search(r"ata1\.00: ((\d+) sectors[^\r\n]*)", dmesg)
    assert model and size, f"no IDENTIFY lines in dmesg:\n{dmesg}"
    return model.group(1).strip(), size.group(1).strip(), int(size.group(2))


def run_guest(emulator, images, disk, port_opts):
    child = boot(emulator, images, extra=["-drive", f"if=none,id=d0,format=raw,file={disk}",
                                          "-device", "ich9-ahci,id=ahci",
                                          "-device", "ide-hd,drive=d0" + port_opts])
    dmesg = sh(child, "dmesg | grep -E 'ata[0-9]|ahci'")
    size = sh(child, "cat /sys/block/sda/size").strip()
    data = sh(child, "dd if=/dev/sda bs=512 skip=5 count=1 2>/dev/null | head -c 24")
    sh(child, f"echo {GUEST_PATTERN} | dd of=/dev/sda bs=512 seek=9 conv=sync,fsync 2>/dev/null")
    # 2 MiB in large requests (many PRD entries each) at 1 MiB, read back past the page cache.
    sh(child, "dd if=/dev/urandom of=/tmp/r bs=64k count=32 2>/dev/null && "
              "dd if=/tmp/r of=/dev/sda bs=1M seek=1 conv=fsync 2>/dev/null && "
              "echo 3 > /proc/sys/vm/drop_caches")
    sums = sh(child, "md5sum /tmp/r; dd if=/dev/sda bs=1M skip=1 count=2 2>/dev/null | md5sum")
    sums = re.findall(r"\b[0-9a-f]{32}\b", sums)
    assert poweroff(child) == 0
    with open(disk, "rb") as f:
        f.seek(9 * 512)
        written = f.read(len(GUEST_PATTERN))
        f.seek(1 << 20)
        host_sum = hashlib.md5(f.read(2 << 20)).hexdigest()
    assert sums == [host_sum, host_sum], (sums, host_sum)
    return dmesg, int(size), data, written


def test_ahci_disk_matches_qemu(linux_images, tmp_path):
    results = {}
    for name, emulator in (("kestrel", KESTREL), ("qemu", QEMU)):
        disk = str(tmp_path / f"{name}.img")
        make_disk(disk)
        dmesg, size, data, written = run_guest(emulator, linux_images, disk, ",bus=ahci.0")
        assert size == SECTORS, name
        assert HOST_PATTERN.decode() in data, f"{name}: read {data!r}"
        assert written == GUEST_PATTERN.encode(), f"{name}: host read {written!r}"
        results[name] = identify_lines(dmesg)
    assert results["kestrel"] == results["qemu"]
    assert "QEMU HARDDISK" in results["kestrel"][0] and results["kestrel"][2] == SECTORS
    assert "NCQ" in results["kestrel"][1]


@pytest.mark.parametrize("device, message", [
    ("ide-hd,drive=d0,bus=ahci.9", "Bus 'ahci.9' not found"),
    ("ide-hd,drive=nope,bus=ahci.0", "drive 'nope' not found"),
    ("ide-hd,bus=ahci.0", "drive property not set"),
])
def test_ide_hd_errors(kestrel, tmp_path, device, message):
    disk = str(tmp_path / "d.img")
    make_disk(disk)
    child = pexpect.spawn(kestrel, ["-M", "virt", "-nographic", "-drive",
                                    f"if=none,id=d0,format=raw,file={disk}",
                                    "-device", "ich9-ahci,id=ahci", "-device", device],
                          timeout=HANG_GUARD, encoding="utf-8")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus != 0
    assert message in child.before


def info_pci_ahci(emulator):
    proc = subprocess.run([emulator, "-M", "virt", "-bios", "none", "-display", "none",
                           "-serial", "none", "-monitor", "stdio", "-S",
                           "-device", "ich9-ahci,id=ahci"],
                          input="info pci\nquit\n", capture_output=True, text=True,
                          timeout=HANG_GUARD)
    block = re.search(r"device   1, function 0:\n(.*?id \"ahci\")", proc.stdout, re.S)
    assert block, proc.stdout
    return block.group(1)


def test_info_pci_matches_qemu(kestrel, qemu):
    ours = info_pci_ahci(kestrel)
    assert "SATA controller: PCI device 8086:2922" in ours
    assert ours == info_pci_ahci(qemu)
