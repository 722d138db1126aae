"""Short forms of the soak tests (tests/soak/soak.py; the long ones are `make soak` and
`make soak-smp MINUTES=N`): 4 Linux boots in a row covering jit on/off x -smp 1/2, each
writing a file on the same ext4 image that the host then checks; and an -smp 2 guest
running busy loops, disk and network workers for a bounded number of rounds."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "soak"))
import soak  # noqa: E402


def test_four_boots_keep_every_file(kestrel, linux_images, tmp_path):
    soak.run_boots(linux_images, str(tmp_path), 4)
    # The check is real: a file the guest never wrote is reported missing.
    with pytest.raises(AssertionError, match="boot-004.txt on the image: 0 bytes"):
        soak.verify_boot_files(str(tmp_path / "soak-disk.img"), 5)


def test_smp_guest_under_load(kestrel, linux_images, tmp_path):
    disk_rounds, net_rounds = soak.run_smp(linux_images, str(tmp_path), rounds=3)
    assert (disk_rounds, net_rounds) == (3, 3)
