"""User networking without Linux: U-Boot's virtio-net driver does DHCP, ping and TFTP through
a user netdev (libslirp's built-in DHCP and TFTP servers: no traffic leaves the machine),
under Kestrel and QEMU; -nic, which makes a virtio-net-pci card (Kestrel only: QEMU 7.2's virt
creates no card for a -nic without model=); and -netdev/-nic option errors, which end start-up with a clear
message."""
import os
import zlib

import pexpect
import pytest

from conftest import HANG_GUARD, UBOOT, run


def uboot(emulator, net_args):
    child = pexpect.spawn(emulator, ["-M", "virt", "-m", "256", "-nographic", "-kernel", UBOOT,
                                     *net_args],
                          timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("Hit any key to stop autoboot")
    child.sendline("")
    child.expect("=> ")
    return child


def uboot_cmd(child, cmd, expect):
    child.sendline(cmd)
    child.expect(expect)
    match = child.match
    child.expect("=> ")
    return match


def quit_console(child):
    child.send("\x01x")
    child.expect(pexpect.EOF)
    child.close()


def test_uboot_dhcp_ping_tftp(emulator, tmp_path):
    blob = os.urandom(300000)
    (tmp_path / "blob.bin").write_bytes(blob)
    child = uboot(emulator, ["-netdev", f"user,id=n0,tftp={tmp_path}",
                             "-device", "virtio-net-device,netdev=n0,mac=52:54:00:00:00:42"])
    try:
        uboot_cmd(child, "setenv autoload no; dhcp", r"DHCP client bound to address 10\.0\.2\.15")
        uboot_cmd(child, "ping 10.0.2.2", "host 10.0.2.2 is alive")
        uboot_cmd(child, "printenv ethaddr", "ethaddr=52:54:00:00:00:42")
        uboot_cmd(child, "tftpboot 0x84000000 blob.bin", "Bytes transferred = 300000")
        match = uboot_cmd(child, "crc32 0x84000000 ${filesize}", r"==> ([0-9a-f]{8})")
        assert match.group(1) == "%08x" % zlib.crc32(blob)
    finally:
        quit_console(child)


def test_uboot_nic(kestrel):
    # Modern-only: U-Boot's legacy virtio-pci driver reads every config byte from offset 0
    # (its MAC comes out as 52:52:52:52:52:52, on QEMU 7.2's transitional device too).
    child = uboot(kestrel, ["-nic", "user,mac=52:54:00:00:00:43",
                            "-global", "virtio-net-pci.disable-legacy=on"])
    try:
        # U-Boot probes PCI devices only when asked (on QEMU too).
        uboot_cmd(child, "pci enum; virtio scan; pci", r"0x1af4\s+0x1041\s+Network controller")
        uboot_cmd(child, "setenv autoload no; dhcp", r"DHCP client bound to address 10\.0\.2\.15")
        uboot_cmd(child, "printenv ethaddr", "ethaddr=52:54:00:00:00:43")
    finally:
        quit_console(child)


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
