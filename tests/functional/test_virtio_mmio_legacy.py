"""virtio-mmio version 1 (legacy) and 2 under Linux: QEMU's default is force-legacy=on, and
so is Kestrel's. The guest negotiates VERSION_1 only on version 2; on both, the disk, the
network card (whose header is 10 bytes in legacy, 12 in version 1) and the entropy source
work. The same command lines run under QEMU 7.2."""
import os
import shutil

import pexpect
import pytest

from conftest import HANG_GUARD
from test_linux import PROMPT, sh


# The default is legacy (force-legacy=on is checked by test_options); off is version 2.
@pytest.mark.parametrize("legacy", [None, "off"])
def test_linux_on_virtio_mmio(emulator, linux_images, tmp_path, legacy):
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    args = ["-M", "virt", "-m", "256", "-nographic",
            "-kernel", os.path.join(linux_images, "Image"),
            "-append", "root=/dev/vda rw console=ttyS0",
            "-drive", f"file={disk},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-device,drive=hd0",
            "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
            "-device", "virtio-rng-device"]
    if legacy:
        args += ["-global", f"virtio-mmio.force-legacy={legacy}"]
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    try:
        child.expect("KESTREL-BOOT-OK")
        child.sendline("")
        child.expect(PROMPT)
        # features: one character per bit, bit 32 is VERSION_1.
        out = sh(child, "for f in /sys/bus/virtio/devices/*/features; do cut -c33 $f; done")
        bits = [l.strip() for l in out.splitlines() if l.strip() in ("0", "1")]
        assert bits == (["1"] * 3 if legacy == "off" else ["0"] * 3), out
        assert "10.0.2.15" in sh(child, "udhcpc -i eth0 -n -q -t 5")
        sh(child, "echo mmio > /mmio.txt && sync && cat /mmio.txt")
        sh(child, "dd if=/dev/hwrng bs=32 count=1 2>/dev/null | md5sum")
        child.sendline("poweroff")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
