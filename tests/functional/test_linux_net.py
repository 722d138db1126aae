"""User networking with a Linux guest: DHCP, guest -> host through 10.0.2.2, and hostfwd.

Boots the kernel and initramfs of scripts/build-images with a virtio-net-device on a
`-netdev user` backend, under Kestrel and (to prove the test checks something real) QEMU.
All traffic stays on this machine: the guest reaches the host's 127.0.0.1 as 10.0.2.2, and
the host reaches the guest through a hostfwd rule bound to 127.0.0.1.
"""
import hashlib
import http.server
import os
import socket
import subprocess
import threading
import urllib.request

import pexpect
import pytest

from conftest import HANG_GUARD, ROOT

PROMPT = r"kestrel:\S*# "
GUEST_HTTP_PORT = 8080


@pytest.fixture(scope="module")
def linux_images():
    """The image directory (Image, rootfs.cpio.gz): built once, then cached by the script."""
    proc = subprocess.run([os.path.join(ROOT, "scripts", "build-images")], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        pytest.fail("scripts/build-images failed:\n" + proc.stderr[-3000:])
    outdir = proc.stdout.strip().splitlines()[-1]
    for name in ("Image", "rootfs.cpio.gz"):
        assert os.path.exists(os.path.join(outdir, name)), f"{name} missing in {outdir}"
    return outdir


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def host_http_server(tmp_path):
    """An HTTP server on the host's 127.0.0.1 serving hello.txt and big.bin (4 MiB of random
    bytes); yields (port, hello.txt's content, big.bin's md5)."""
    content = "hello-from-the-host-%d\n" % os.getpid()
    (tmp_path / "hello.txt").write_text(content)
    big = os.urandom(4 << 20)
    (tmp_path / "big.bin").write_bytes(big)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kw):
            super().__init__(*args, directory=str(tmp_path), **kw)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], content, hashlib.md5(big).hexdigest()
    server.shutdown()
    server.server_close()


def boot(emulator, images, netdev_opts):
    child = pexpect.spawn(emulator, [
        "-M", "virt", "-m", "256", "-nographic",
        "-kernel", os.path.join(images, "Image"),
        "-initrd", os.path.join(images, "rootfs.cpio.gz"),
        "-append", "console=ttyS0",
        "-netdev", netdev_opts, "-device", "virtio-net-device,netdev=n0",
    ], timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def guest_run(child, cmd, timeout=60):
    """Run cmd in the guest shell; returns its output, asserting it exited with status 0."""
    child.sendline(cmd + "; echo RC=$?")
    child.expect(r"RC=(\d+)", timeout=timeout)
    out = child.before
    rc = int(child.match.group(1))
    child.expect(PROMPT)
    assert rc == 0, f"guest command {cmd!r} failed ({rc}):\n{out}"
    return out


def quit_console(child):
    child.send("\x01x")
    child.expect(pexpect.EOF)
    child.close()


def test_dhcp_wget_and_hostfwd(emulator, linux_images, host_http_server):
    http_port, content, big_md5 = host_http_server
    fwd_port = free_port()
    child = boot(emulator, linux_images,
                 f"user,id=n0,hostfwd=tcp:127.0.0.1:{fwd_port}-:{GUEST_HTTP_PORT}")
    try:
        # DHCP from slirp: the first address of the pool, as under QEMU.
        out = guest_run(child, "udhcpc -i eth0 -n -q -t 5")
        assert "10.0.2.15" in out
        assert "10.0.2.15" in guest_run(child, "ip -4 addr show eth0")

        # Guest -> host: 10.0.2.2 is the host's loopback.
        out = guest_run(child, f"wget -q -O - http://10.0.2.2:{http_port}/hello.txt")
        assert content.strip() in out
        # Many full-size frames in a row: TCP through slirp and the receive queue, intact.
        out = guest_run(child, f"wget -q -O - http://10.0.2.2:{http_port}/big.bin | md5sum",
                        timeout=120)
        assert big_md5 in out

        # Host -> guest through hostfwd.
        guest_run(child, "mkdir -p /tmp/www && echo guest-says-hi > /tmp/www/index.html")
        guest_run(child, f"httpd -p {GUEST_HTTP_PORT} -h /tmp/www")
        with urllib.request.urlopen(f"http://127.0.0.1:{fwd_port}/index.html",
                                    timeout=60) as reply:
            assert reply.read().decode().strip() == "guest-says-hi"
    finally:
        quit_console(child)
