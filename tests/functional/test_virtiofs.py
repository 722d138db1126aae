"""virtio-fs through vhost-user (issue 12): Debian's virtiofsd serves a host directory, the
cached Linux mounts it over vhost-user-fs-pci with its RAM in a memfd memory backend. The same
command line runs on QEMU 7.2, so the assertions check real behaviour."""
import hashlib
import os
import signal
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD, run
from test_linux import PROMPT, poweroff, sh

VIRTIOFSD = "/usr/lib/qemu/virtiofsd"
MIB = 1024 * 1024


def start_virtiofsd(tmp_path, share):
    """virtiofsd on a fresh socket; returns (process, socket path) once it listens."""
    sock = str(tmp_path / "vfs.sock")
    # sandbox=chroot: the namespace sandbox needs privileges a container may not have.
    proc = subprocess.Popen([VIRTIOFSD, f"--socket-path={sock}", "-o", f"source={share}",
                             "-o", "sandbox=chroot", "-o", "cache=none"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=open(tmp_path / "virtiofsd.log", "w"))
    for _ in range(HANG_GUARD * 10):
        if os.path.exists(sock) or proc.poll() is not None:
            break
        pexpect.run("sleep 0.1")
    assert os.path.exists(sock), (tmp_path / "virtiofsd.log").read_text()
    return proc, sock


def fs_args(images, sock, ram="512M", device="vhost-user-fs-pci"):
    return ["-M", "virt,memory-backend=mem", "-m", ram, "-nographic",
            "-object", f"memory-backend-memfd,id=mem,size={ram},share=on",
            "-chardev", f"socket,id=char0,path={sock}",
            "-device", f"{device},queue-size=1024,chardev=char0,tag=myfs",
            "-kernel", os.path.join(images, "Image"),
            "-initrd", os.path.join(images, "rootfs.cpio.gz"), "-append", "console=ttyS0"]


def boot(emulator, args):
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def child_fails(child, cmd):
    """Run cmd in the guest, assert it fails; its output."""
    child.sendline(cmd + "; echo RC=$?")
    child.expect(r"RC=(\d+)\r*\n")
    out = child.before
    assert child.match.group(1) != "0", f"{cmd!r} succeeded:\n{out}"
    child.expect(PROMPT)
    return out


@pytest.fixture
def share(tmp_path):
    d = tmp_path / "share"
    d.mkdir()
    (d / "hello.txt").write_text("written by the host\n")
    many = d / "many"
    many.mkdir()
    for i in range(1000):
        (many / f"f{i:04d}").write_text(str(i))
    with open(d / "big.bin", "wb") as f:
        f.write(os.urandom(64 * MIB))
    return d


def test_virtiofs_share(emulator, linux_images, tmp_path, share):
    vfsd, sock = start_virtiofsd(tmp_path, share)
    try:
        child = boot(emulator, fs_args(linux_images, sock))
        sh(child, "mkdir -p /mnt && mount -t virtiofs myfs /mnt")
        assert "written by the host" in sh(child, "cat /mnt/hello.txt")
        sh(child, "echo written by the guest > /mnt/from-guest.txt && sync")
        assert (share / "from-guest.txt").read_text() == "written by the guest\n"
        assert sh(child, "ls /mnt/many | wc -l").strip() == "1000"
        assert sh(child, "cat /mnt/many/f0999").strip() == "999"
        # 64 MiB host -> guest, then guest -> host, each checked by sha256 on the other side.
        out = sh(child, "cp /mnt/big.bin /tmp/big.bin && sha256sum /tmp/big.bin")
        assert sha256(share / "big.bin") in out, out
        out = sh(child, "dd if=/dev/urandom of=/tmp/g.bin bs=1M count=64 2>/dev/null && "
                        "cp /tmp/g.bin /mnt/g.bin && sync && sha256sum /tmp/g.bin")
        assert os.path.getsize(share / "g.bin") == 64 * MIB
        assert sha256(share / "g.bin") in out, out
        sh(child, "umount /mnt")
        assert poweroff(child) == 0
    finally:
        vfsd.kill()
        vfsd.wait()


def test_virtiofsd_killed_while_guest_reads(kestrel, linux_images, tmp_path, share):
    """The back-end dies mid-read: the reader gets I/O errors, later accesses too, and the
    emulator runs on (its monitor answers, the guest shell works). QEMU 7.2 leaves the guest's
    requests hanging here, so this runs on Kestrel only."""
    vfsd, sock = start_virtiofsd(tmp_path, share)
    child = boot(kestrel, fs_args(linux_images, sock))
    sh(child, "mkdir -p /mnt && mount -t virtiofs myfs /mnt")
    # The reader streams the file into a pipe; its consumer says when 1 MiB went through,
    # so the reader is mid-file with requests in flight when virtiofsd dies. (The markers
    # are split with "" so that the echoed command line does not match them.)
    child.sendline("dd if=/mnt/big.bin bs=64k 2>/tmp/dd.err | (dd bs=64k count=16 "
                   "of=/dev/null 2>/dev/null; echo MID\"\"DLE; cat >/dev/null); "
                   "echo READER\"\"-DONE")
    child.expect("MIDDLE")
    vfsd.send_signal(signal.SIGKILL)
    vfsd.wait()
    child.expect("vhost-user back-end lost")
    child.expect("READER-DONE")
    child.expect(PROMPT)
    err = sh(child, "cat /tmp/dd.err")
    assert "Input/output error" in err and "can't open" not in err, err
    print("reader:", err.strip())
    assert "Input/output error" in child_fails(child, "cat /mnt/hello.txt")
    # The monitor behind Ctrl-A c still answers.
    child.send("\x01c")
    child.sendline("info status")
    child.expect("VM status: running")
    child.send("\x01c")
    child.sendline("")
    child.expect(PROMPT)
    assert "riscv64" in sh(child, "uname -m")
    assert poweroff(child) == 0


def test_virtiofsd_restarted_with_reconnect(kestrel, linux_images, tmp_path, share):
    """reconnect=1 on the chardev: after virtiofsd dies the chardev connects again to a new
    one, and once the guest resets the device (driver unbound and bound again) the share
    works again; until then its requests fail."""
    vfsd, sock = start_virtiofsd(tmp_path, share)
    args = fs_args(linux_images, sock)
    args[args.index(f"socket,id=char0,path={sock}")] += ",reconnect=1"
    child = boot(kestrel, args)
    sh(child, "mkdir -p /mnt && mount -t virtiofs myfs /mnt && cat /mnt/hello.txt")
    vfsd.send_signal(signal.SIGKILL)
    vfsd.wait()
    child.expect("vhost-user back-end lost")
    child.sendline("")
    child.expect(PROMPT)
    assert "Input/output error" in child_fails(child, "cat /mnt/hello.txt")
    os.unlink(sock)
    vfsd, sock = start_virtiofsd(tmp_path, share)
    try:
        dev = sh(child, "ls /sys/bus/pci/drivers/virtio-pci | grep 0000").strip()
        drv = "/sys/bus/pci/drivers/virtio-pci"
        # The chardev retries every second: reset the device until a probe finds the new
        # virtiofsd (a retry loop, not a time limit).
        out = sh(child, f"for i in $(seq 120); do umount /mnt 2>/dev/null; "
                        f"echo {dev} > {drv}/unbind; echo {dev} > {drv}/bind; "
                        f"mount -t virtiofs myfs /mnt 2>/dev/null && cat /mnt/hello.txt && break; "
                        f"sleep 1; done")
        assert "written by the host" in out
        assert poweroff(child) == 0
    finally:
        vfsd.kill()
        vfsd.wait()


@pytest.mark.parametrize("ram", [
    [],  # the default anonymous RAM
    ["-object", "memory-backend-ram,id=mem,size=128M,share=on", "-M", "memory-backend=mem"],
    ["-object", "memory-backend-memfd,id=mem,size=128M,share=off", "-M", "memory-backend=mem"],
])
def test_vhost_user_needs_shared_ram(kestrel, tmp_path, ram):
    """Guest RAM a back-end cannot map (no fd, or a private mapping) is refused at start-up
    with what to use instead, not discovered by a guest that hangs."""
    vfsd, sock = start_virtiofsd(tmp_path, tmp_path)
    try:
        proc = run([kestrel, "-M", "virt", "-display", "none", *ram,
                    "-chardev", f"socket,id=c0,path={sock}",
                    "-device", "vhost-user-fs-pci,chardev=c0,tag=t"])
    finally:
        vfsd.kill()
        vfsd.wait()
    assert proc.returncode == 1
    assert "is not shared memory" in proc.stderr and "memory-backend-memfd" in proc.stderr, \
        proc.stderr


def test_vhost_user_fs_device_on_virtio_mmio(emulator, linux_images, tmp_path):
    """vhost-user-fs-device on a virtio-mmio slot. virtiofsd (libvhost-user) serves only
    virtio 1.x devices, so the transport must be the modern one (force-legacy=false), on
    QEMU as here."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "hello.txt").write_text("written by the host\n")
    vfsd, sock = start_virtiofsd(tmp_path, share)
    try:
        child = boot(emulator, fs_args(linux_images, sock, device="vhost-user-fs-device") +
                     ["-global", "virtio-mmio.force-legacy=false"])
        sh(child, "mkdir -p /mnt && mount -t virtiofs myfs /mnt")
        assert "written by the host" in sh(child, "cat /mnt/hello.txt")
        sh(child, "echo over mmio > /mnt/mmio.txt && sync")
        assert (share / "mmio.txt").read_text() == "over mmio\n"
        assert poweroff(child) == 0
    finally:
        vfsd.kill()
        vfsd.wait()
