"""The e1000e NIC (Intel 82574L) with a Linux guest: Linux's e1000e driver probes it on
virt's PCIe bus, gets a DHCP lease through `-netdev user` and fetches files from a host
HTTP server (a small one, then 4 MiB of full-size frames). The same command line runs
under Kestrel and QEMU 7.2 and must give the same lease and the same PCI identity.
"""
import os

import pexpect

from conftest import HANG_GUARD
from test_linux_net import PROMPT, guest_run, host_http_server, quit_console  # noqa: F401


def boot_e1000e(emulator, images):
    child = pexpect.spawn(emulator, [
        "-M", "virt", "-m", "256", "-nographic",
        "-kernel", os.path.join(images, "Image"),
        "-initrd", os.path.join(images, "rootfs.cpio.gz"),
        "-append", "console=ttyS0",
        "-netdev", "user,id=n0", "-device", "e1000e,netdev=n0",
    ], timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def test_e1000e_dhcp_and_wget(emulator, linux_images, host_http_server):
    http_port, content, big_md5 = host_http_server
    child = boot_e1000e(emulator, linux_images)
    try:
        dev = "/sys/bus/pci/devices/0000:00:01.0"
        out = guest_run(child, f"cat {dev}/vendor {dev}/device {dev}/subsystem_vendor "
                        f"{dev}/subsystem_device {dev}/class")
        assert out.split()[-5:] == ["0x8086", "0x10d3", "0x8086", "0x0000", "0x020000"]
        assert "52:54:00:12:34:56" in guest_run(child, "cat /sys/class/net/eth0/address")

        out = guest_run(child, "udhcpc -i eth0 -n -q -t 5")
        assert "lease of 10.0.2.15 obtained from 10.0.2.2" in out

        out = guest_run(child, f"wget -q -O - http://10.0.2.2:{http_port}/hello.txt")
        assert content.strip() in out
        out = guest_run(child, f"wget -q -O - http://10.0.2.2:{http_port}/big.bin | md5sum",
                        timeout=120)
        assert big_md5 in out
    finally:
        quit_console(child)
