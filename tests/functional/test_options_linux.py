"""Options whose effect shows inside Linux (issue 14): -object rng-random feeds the guest's
/dev/hwrng from the named host file (a fixed file gives fixed bytes), given as keyval with -set
or as JSON; -rtc base=DATE shows in the guest's date. Run on Kestrel and on QEMU 7.2."""
import json
import re

import pytest

from test_linux import boot, poweroff, sh


@pytest.fixture
def fixed_rng_file(tmp_path):
    """1 MiB of 0x5a: the guest's hwrng fill thread may take some bytes first, all alike."""
    path = tmp_path / "fixed.rng"
    path.write_bytes(b"\x5a" * (1 << 20))
    return str(path)


def hwrng_bytes(child):
    """32 bytes of /dev/hwrng as hex, between markers (the echoed command may wrap)."""
    out = sh(child, "echo HEX$(dd if=/dev/hwrng bs=32 count=1 2>/dev/null | od -v -An -tx1 "
                    "| tr -d ' \\n')END")
    m = re.search(r"HEX([0-9a-f]+)END", out)
    assert m, out
    return m.group(1)


def test_rng_random_keyval_set_and_rtc_base(emulator, linux_images, fixed_rng_file):
    child = boot(emulator, linux_images, extra=[
        "-object", f"rng-random,id=rng0,filename={fixed_rng_file}",
        "-device", "virtio-rng-device,id=vrng", "-set", "device.vrng.rng=rng0",
        "-rtc", "base=2020-01-01"])
    assert "virtio_rng" in sh(child, "cat /sys/class/misc/hw_random/rng_current")
    data = hwrng_bytes(child)
    assert data == "5a" * 32, data
    assert sh(child, "date -u +%Y").strip() == "2020"
    assert sh(child, "cat /sys/class/rtc/rtc0/date").strip().startswith("2020-01-01")
    assert poweroff(child) == 0


def test_rng_random_json_object(emulator, linux_images, fixed_rng_file):
    obj = json.dumps({"qom-type": "rng-random", "id": "rng0", "filename": fixed_rng_file})
    child = boot(emulator, linux_images,
                 extra=["-object", obj, "-device", "virtio-rng-device,rng=rng0"])
    data = hwrng_bytes(child)
    assert data == "5a" * 32, data
    # Without -rtc the clock is the host's: the year is not 2020.
    assert sh(child, "date -u +%Y").strip() != "2020"
    assert poweroff(child) == 0
