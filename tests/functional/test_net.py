"""User networking without Linux: U-Boot's virtio-net driver does DHCP, ping and TFTP through
`-nic user` (libslirp's built-in DHCP/TFTP servers: no traffic leaves the machine), under
Kestrel and QEMU; and -netdev/-nic option errors, which end start-up with a clear message."""
import os
import zlib

import pexpect
import pytest

from conftest import HANG_GUARD, UBOOT, run


def test_uboot_dhcp_ping_tftp(emulator, tmp_path):
    blob = os.urandom(300000)
    (tmp_path / "blob.bin").write_bytes(blob)
    child = pexpect.spawn(emulator, [
        "-M", "virt", "-m", "256", "-nographic", "-kernel", UBOOT,
        "-nic", f"user,tftp={tmp_path},mac=52:54:00:00:00:42",
    ], timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    try:
        child.expect("Hit any key to stop autoboot")
        child.sendline("")
        child.expect("=> ")
        child.sendline("setenv autoload no; dhcp")
        child.expect(r"DHCP client bound to address 10\.0\.2\.15")
        child.expect("=> ")
        child.sendline("ping 10.0.2.2")
        child.expect("host 10.0.2.2 is alive")
        child.expect("=> ")
        child.sendline("printenv ethaddr")
        child.expect("ethaddr=52:54:00:00:00:42")
        child.expect("=> ")
        child.sendline("tftpboot 0x84000000 blob.bin")
        child.expect(r"Bytes transferred = 300000")
        child.expect("=> ")
        child.sendline("crc32 0x84000000 ${filesize}")
        child.expect(r"==> ([0-9a-f]{8})")
        assert child.match.group(1) == "%08x" % zlib.crc32(blob)
        child.expect("=> ")
    finally:
        child.send("\x01x")
        child.expect(pexpect.EOF)
        child.close()


@pytest.mark.parametrize("args, message", [
    (["-netdev", "tap,id=t0"], "netdev 'tap' is not supported yet"),
    (["-netdev", "user"], "parameter 'id' is missing"),
    (["-netdev", "user,id=n0,bogus=1"], "invalid parameter 'bogus'"),
    (["-netdev", "user,id=n0,hostfwd=tcp:5555-:23"],
     "invalid host forwarding rule 'tcp:5555-:23'"),
    (["-netdev", "user,id=n0", "-netdev", "user,id=n0"], "duplicate ID 'n0'"),
    (["-nic", "user,model=e1000"], "NIC model 'e1000' is not supported"),
    (["-device", "virtio-net-device,netdev=nope"], "netdev 'nope' not found"),
])
def test_net_option_errors(kestrel, args, message):
    proc = run([kestrel, "-M", "virt", "-m", "128", "-nographic", *args])
    assert proc.returncode == 1
    assert message in proc.stderr
