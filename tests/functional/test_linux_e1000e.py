"""The e1000e NIC (Intel 82574L) with a Linux guest: Linux's e1000e driver probes it on
virt's PCIe bus, gets a DHCP lease through `-netdev user` and fetches files from a host
HTTP server (a small one, then 4 MiB of full-size frames), and serves 2 MiB back through hostfwd
(TSO and checksum offload). The same command line runs
under Kestrel and QEMU 7.2 and must give the same lease and the same PCI identity.
"""
import hashlib
import os
import urllib.request

import pexpect

from conftest import HANG_GUARD
from test_linux_net import (GUEST_HTTP_PORT, PROMPT, free_port, guest_run,  # noqa: F401
                            host_http_server, quit_console)


def boot_e1000e(emulator, images, netdev, log):
    child = pexpect.spawn(emulator, [
        "-d", "guest_errors", "-D", log,
        "-M", "virt", "-m", "256", "-nographic",
        "-kernel", os.path.join(images, "Image"),
        "-initrd", os.path.join(images, "rootfs.cpio.gz"),
        "-append", "console=ttyS0",
        "-netdev", netdev, "-device", "e1000e,netdev=n0",
    ], timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def test_e1000e_dhcp_and_wget(emulator, linux_images, host_http_server, tmp_path):
    http_port, content, big_md5 = host_http_server
    fwd_port = free_port()
    log = str(tmp_path / "guest_errors.log")
    child = boot_e1000e(emulator, linux_images,
                        f"user,id=n0,hostfwd=tcp:127.0.0.1:{fwd_port}-:{GUEST_HTTP_PORT}", log)
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

        # Guest -> host bulk TCP through hostfwd: the driver hands the NIC 64 KiB TSO
        # frames, which must arrive segmented with correct checksums.
        guest_run(child, "mkdir -p /tmp/www && dd if=/dev/urandom of=/tmp/www/out.bin "
                  "bs=1024 count=2048 2>/dev/null")
        guest_md5 = guest_run(child, "md5sum /tmp/www/out.bin").split()[-2]
        guest_run(child, f"httpd -p {GUEST_HTTP_PORT} -h /tmp/www")
        with urllib.request.urlopen(f"http://127.0.0.1:{fwd_port}/out.bin", timeout=60) as r:
            assert hashlib.md5(r.read()).hexdigest() == guest_md5
    finally:
        quit_console(child)
    # Kestrel's device logged nothing: every descriptor the driver wrote (TSO included) was
    # understood. (QEMU's log is its own business.)
    if "kestrel" in os.path.basename(emulator):
        text = open(log).read() if os.path.exists(log) else ""
        assert "e1000e" not in text, text[-2000:]
