"""The legacy -net options: "-net nic -net user" joins a virtio-net-pci card and a user
backend through hub 0; a Linux guest gets its DHCP lease and reaches the host through it.
QEMU 7.2's riscv virt accepts the options but creates no card ("requested NIC ... was not
created"), so the boot runs on Kestrel only (Kestrel's -nic already attaches cards as later
QEMU versions do); QEMU's answer is checked to show the difference is QEMU's."""
import os

import pexpect

from conftest import BUILD, HANG_GUARD, run
from test_linux_net import guest_run, host_http_server, linux_images, quit_console  # noqa: F401

PROMPT = r"kestrel:\S*# "
PROGRAM = os.path.join(BUILD, "tests", "guest", "fw_cfg.elf")


def test_net_nic_and_user_through_hub(kestrel, linux_images, host_http_server):  # noqa: F811
    http_port, content, _ = host_http_server
    child = pexpect.spawn(kestrel, [
        "-M", "virt", "-m", "256", "-nographic",
        "-kernel", os.path.join(linux_images, "Image"),
        "-initrd", os.path.join(linux_images, "rootfs.cpio.gz"), "-append", "console=ttyS0",
        "-net", "nic,macaddr=52:54:00:aa:bb:cc", "-net", "user"],
        timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    try:
        # A PCI card (vendor 0x1af4) with the address -net nic gave it.
        assert "0x1af4" in guest_run(child, "cat /sys/bus/pci/devices/*/vendor")
        assert "52:54:00:aa:bb:cc" in guest_run(child, "cat /sys/class/net/eth0/address")
        assert "10.0.2.15" in guest_run(child, "udhcpc -i eth0 -n -q -t 5")
        out = guest_run(child, f"wget -q -O - http://10.0.2.2:{http_port}/hello.txt")
        assert content.strip() in out
    finally:
        quit_console(child)


def test_nic_models_help(kestrel):
    proc = run([kestrel, "-net", "nic,model=help"])
    assert proc.returncode == 0
    assert proc.stdout == "Available NIC models:\nvirtio-net-pci\nvirtio-net-device\ne1000e\n"


def test_bad_net_options(kestrel):
    for arg, message in (("nic,vlan=1", "Invalid parameter 'vlan'"),
                         ("nic,model=e1000", "NIC model 'e1000' is not supported"),
                         ("nic,macaddr=01:00:00:00:00:00", "MAC address '01:00:00:00:00:00' is a multicast"),
                         ("tap", "netdev 'tap' is not supported yet"),
                         ("none,x=1", "-net none takes no options")):
        proc = run([kestrel, "-M", "virt", "-nographic", "-net", arg])
        assert proc.returncode == 1, arg
        assert f"-net {arg}: {message}" in proc.stderr, proc.stderr


def test_qemu_72_creates_no_card(qemu):
    proc = run([qemu, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot",
                "-kernel", PROGRAM, "-net", "nic", "-net", "user"])
    assert proc.returncode == 0
    assert "requested NIC" in proc.stderr and "was not created" in proc.stderr
