"""Faults from outside the guest: Kestrel keeps running, says what happened, and loses nothing
the guest had synced.

  - the disk image on a full host file system (a small tmpfs): the guest gets I/O errors,
    Kestrel logs ENOSPC, the data synced earlier is intact;
  - an image that returns EIO (blkdebug rules, QEMU's syntax): the guest sees I/O errors,
    Kestrel logs them and runs on; QEMU runs the same guest commands as the reference;
  - Kestrel killed with SIGKILL while the guest writes: e2fsck repairs the journal and the
    synced file is intact;
  - a host TCP peer that resets every connection (RST) reached through slirp: the guest's
    requests fail, Kestrel runs on and its network still works.

The full-disk case mounts a tmpfs, so it needs root (the tests run as root in this project;
under another user it is reported as skipped with the reason).
"""
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import threading

import pexpect
import pytest

from conftest import HANG_GUARD
from test_linux import PROMPT, poweroff, sh
from test_linux_net import host_http_server  # noqa: F401  (a fixture)

RUNNING = "echo still-running"


def spawn(emulator, images, extra, append="console=ttyS0", initrd=True):
    args = ["-M", "virt", "-m", "256", "-nographic", "-kernel", os.path.join(images, "Image"),
            "-append", append, *extra]
    if initrd:
        args += ["-initrd", os.path.join(images, "rootfs.cpio.gz")]
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def sh_status(child, cmd):
    """Run cmd in the guest; return (exit status, output)."""
    child.sendline(cmd + "; echo RC=$?")
    child.expect(r"RC=(\d+)\r*\n")
    out, status = child.before, int(child.match.group(1))
    child.expect(PROMPT)
    return status, out


def data_disk(path):
    return ["-drive", f"file={path},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-device,drive=hd0"]


def fsck_and_cat(image, path):
    """Repair (journal replay) and read path; e2fsck status 4 and up means it could not."""
    proc = subprocess.run(["e2fsck", "-fy", image], capture_output=True, text=True)
    assert proc.returncode < 4, proc.stdout + proc.stderr
    return subprocess.run(["debugfs", "-R", f"cat {path}", image], capture_output=True,
                          text=True, check=True).stdout


@pytest.fixture
def small_tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "full"
    mnt.mkdir()
    yield mnt
    # Lazily: a Kestrel left running by a failed test must not turn the failure into an error.
    subprocess.run(["umount", "-l", str(mnt)], check=True)


def test_image_on_full_filesystem(kestrel, linux_images, small_tmpfs, tmp_path):
    # disk.img (64 MiB, mostly holes) on a tmpfs with 4 MiB more than its data: the guest's
    # 24 MiB file cannot fit.
    src = os.path.join(linux_images, "disk.img")
    used_kib = int(subprocess.run(["du", "-k", src], capture_output=True, text=True,
                                  check=True).stdout.split()[0])
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used_kib + 4096}k", "tmpfs",
                    str(small_tmpfs)], check=True)
    disk = str(small_tmpfs / "disk.img")
    subprocess.run(["cp", "--sparse=always", src, disk], check=True)

    child = spawn(kestrel, linux_images, data_disk(disk))
    try:
        sh(child, "mkdir -p /mnt && mount /dev/vda /mnt")
        sh(child, "echo synced-before-the-disk-filled > /mnt/before.txt && sync")
        # fsync reports the I/O error (a bare sync does not, in busybox).
        status, out = sh_status(child, "dd if=/dev/urandom of=/mnt/big bs=64k count=384 "
                                       "conv=fsync")
        assert status != 0, "the guest should see an I/O error:\n" + out
        assert re.search(r"kestrel: drive 'hd0' \(.*disk\.img\): write of \d+ bytes at offset "
                         r"\d+ failed: No space left on device; the guest sees an I/O error",
                         out), out
        assert "I/O error, dev vda" in out
        sh(child, RUNNING)
        child.send("\x01x")  # the guest's file system may be read-only by now
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    finally:
        child.terminate(force=True)

    copy = str(tmp_path / "copy.img")  # repair on a disk with room
    shutil.copy(disk, copy)
    assert fsck_and_cat(copy, "/before.txt") == "synced-before-the-disk-filled\n"


BLKDEBUG_RULES = """\
# Reads covering sector 8192 and writes covering sector 16384 fail with EIO.
[inject-error]
event = "read_aio"
sector = "8192"
iotype = "read"

[inject-error]
event = "write_aio"
errno = "5"
sector = "16384"
iotype = "write"
"""


def test_blkdebug_eio(emulator, linux_images, tmp_path):
    img = tmp_path / "data.img"
    img.write_bytes(b"\x5a" * (16 << 20))
    rules = tmp_path / "rules.conf"
    rules.write_text(BLKDEBUG_RULES)
    child = spawn(emulator, linux_images, data_disk(f"blkdebug:{rules}:{img}"))

    # A read elsewhere works; one covering sector 8192 (4 MiB) fails.
    assert sh(child, "dd if=/dev/vda bs=4096 skip=10 count=1 2>/dev/null | md5sum").strip()
    status, out = sh_status(child, "dd if=/dev/vda of=/dev/null bs=4096 skip=1024 count=1")
    assert status != 0 and "I/O error" in out, out
    # A write covering sector 16384 (8 MiB) fails; one elsewhere reaches the image.
    status, out = sh_status(child, "dd if=/dev/zero of=/dev/vda bs=4096 seek=2048 count=1 "
                                   "conv=fsync")
    assert status != 0, out
    sh(child, "echo reached-the-image | dd of=/dev/vda bs=4096 seek=100 conv=sync,fsync")
    assert "I/O error, dev vda" in sh(child, "dmesg | tail -20")
    sh(child, RUNNING)
    assert poweroff(child) == 0
    with open(img, "rb") as f:
        f.seek(100 * 4096)
        assert f.read(18) == b"reached-the-image\n"
        f.seek(2048 * 4096)
        assert f.read(4096) == b"\x5a" * 4096  # the failed write left the data alone


def test_blkdebug_eio_is_logged(kestrel, linux_images, tmp_path):
    img = tmp_path / "data.img"
    img.write_bytes(bytes(16 << 20))
    rules = tmp_path / "rules.conf"
    rules.write_text(BLKDEBUG_RULES)
    child = spawn(kestrel, linux_images, data_disk(f"blkdebug:{rules}:{img}"))
    child.sendline("dd if=/dev/vda of=/dev/null bs=4096 skip=1024 count=1")
    child.expect(r"kestrel: drive 'hd0' \(blkdebug:.*\): read of \d+ bytes at offset \d+ "
                 r"failed: Input/output error; the guest sees an I/O error")
    child.expect(PROMPT)
    sh(child, RUNNING)
    assert poweroff(child) == 0


def test_sigkill_mid_write_keeps_synced_data(kestrel, linux_images, tmp_path):
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    child = spawn(kestrel, linux_images, data_disk(disk), append="root=/dev/vda rw console=ttyS0",
                  initrd=False)
    sh(child, "echo synced-before-the-kill > /synced.txt && sync")
    # A writer that keeps going (file after file), then the kill while it runs.
    child.sendline("(n=0; while :; do dd if=/dev/urandom of=/big$((n%4)) bs=64k count=64 "
                   "2>/dev/null; n=$((n+1)); echo $n > /progress; done) &")
    child.expect(PROMPT)
    sh(child, "until [ -s /progress ] && [ $(cat /progress) -ge 2 ]; do sleep 1; done")
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert fsck_and_cat(disk, "/synced.txt") == "synced-before-the-kill\n"
    clean = subprocess.run(["e2fsck", "-fn", disk], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stdout


class ResettingServer:
    """A TCP server on 127.0.0.1 that answers every connection with a reset (SO_LINGER 0);
    every other connection first sends part of an HTTP reply, so resets arrive both before
    and in the middle of a transfer."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.resets = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            if self.resets % 2:
                try:
                    conn.recv(1024)
                    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 100000\r\n\r\n" +
                                 b"x" * 5000)
                except OSError:
                    pass
            conn.close()  # with linger 0: RST
            self.resets += 1

    def close(self):
        self.sock.close()


def test_slirp_peer_resets(emulator, linux_images, host_http_server):  # noqa: F811
    http_port, content, _ = host_http_server
    server = ResettingServer()
    try:
        child = spawn(emulator, linux_images, ["-netdev", "user,id=n0",
                                               "-device", "virtio-net-device,netdev=n0"])
        sh(child, "udhcpc -i eth0 -n -q -t 5 >/dev/null")
        for _ in range(6):
            status, out = sh_status(child, f"wget -q -O /dev/null http://10.0.2.2:{server.port}/")
            assert status != 0, out
        status, _ = sh_status(child, f"echo hi | nc 10.0.2.2 {server.port}")
        assert server.resets >= 6
        # The network still works afterwards.
        assert content.strip() in sh(child, f"wget -q -O - http://10.0.2.2:{http_port}/hello.txt")
        sh(child, RUNNING)
        assert poweroff(child) == 0
    finally:
        server.close()
