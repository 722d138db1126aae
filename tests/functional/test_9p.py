"""Sharing host folders over virtio-9p with a Linux guest (issue 12), on Kestrel and, with
the same command line, on QEMU 7.2 to show the test checks real behaviour.

One boot per emulator with four shares:
  host0  -virtfs (virtio-9p-pci), security_model=none: a file the host wrote, one the guest
         writes, a directory of 1,000 files, 64 MiB both ways with equal sha256, and escape
         attempts (symlinks out, relative and absolute, `..`, a hard link through a link, a
         directory the host swaps for a link out while the guest sits in it);
  ro0    -fsdev readonly=on + virtio-9p-device (virtio-mmio): reads work, writes fail;
  mx0    -fsdev security_model=mapped-xattr + virtio-9p-device: the guest's owner and mode
         land in user.virtfs.* xattrs, byte for byte as QEMU writes them;
  mf0    -fsdev security_model=mapped-file + virtio-9p-device: the same in
         .virtfs_metadata/NAME files, which the guest never sees.
"""
import hashlib
import os
import struct

import pexpect
import pytest

from conftest import HANG_GUARD, KESTREL

PROMPT = r"kestrel:\S*# "
MOUNT = "mount -t 9p -o trans=virtio,version=9p2000.L"
SECRET = "outside-secret-%d" % os.getpid()


@pytest.fixture
def shares(tmp_path):
    """The host side: three share directories, an outside directory holding a secret, and
    the files the guest will look for."""
    d = {name: tmp_path / name for name in ("share", "ro", "mx", "mf", "outside")}
    for p in d.values():
        p.mkdir()
    (d["outside"] / "secret.txt").write_text(SECRET + "\n")
    (d["share"] / "from-host.txt").write_text("written-by-the-host\n")
    many = d["share"] / "many"
    many.mkdir()
    for i in range(1000):
        (many / f"f{i:04d}").write_text(str(i))
    big = os.urandom(64 << 20)
    (d["share"] / "in.bin").write_bytes(big)
    (d["share"] / "rel").symlink_to("../outside")
    (d["share"] / "abs").symlink_to(d["outside"])
    (d["share"] / "d").mkdir()
    (d["ro"] / "ro.txt").write_text("read-only-content\n")
    d["in_sha"] = hashlib.sha256(big).hexdigest()
    return d


def boot(emulator, images, shares, log):
    args = ["-M", "virt", "-m", "512", "-nographic",
            "-kernel", os.path.join(images, "Image"),
            "-initrd", os.path.join(images, "rootfs.cpio.gz"),
            "-append", "console=ttyS0",
            "-virtfs", f"local,path={shares['share']},mount_tag=host0,security_model=none",
            "-fsdev", f"local,id=ro,path={shares['ro']},security_model=none,readonly=on",
            "-device", "virtio-9p-device,fsdev=ro,mount_tag=ro0",
            "-fsdev", f"local,id=mx,path={shares['mx']},security_model=mapped-xattr",
            "-device", "virtio-9p-device,fsdev=mx,mount_tag=mx0",
            "-fsdev", f"local,id=mf,path={shares['mf']},security_model=mapped-file",
            "-device", "virtio-9p-device,fsdev=mf,mount_tag=mf0"]
    if emulator == KESTREL:
        args += ["-d", "guest_errors", "-D", str(log)]
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def guest(child, cmd, ok=True, timeout=120):
    """Run cmd in the guest shell; returns its output; asserts it succeeded (or failed)."""
    child.sendline(cmd + "; echo RC=$?")
    child.expect(r"RC=(\d+)", timeout=timeout)
    out, rc = child.before, int(child.match.group(1))
    child.expect(PROMPT)
    assert (rc == 0) == ok, f"guest command {cmd!r} exited {rc}:\n{out}"
    return out


def check_host0(child, shares):
    guest(child, f"mkdir -p /mnt/h /mnt/ro /mnt/mx && {MOUNT} host0 /mnt/h")
    assert "written-by-the-host" in guest(child, "cat /mnt/h/from-host.txt")
    guest(child, "echo written-by-the-guest > /mnt/h/from-guest.txt")
    assert (shares["share"] / "from-guest.txt").read_text() == "written-by-the-guest\n"
    out = guest(child, "ls /mnt/h/many | wc -l; ls /mnt/h/many | tail -1")
    assert out.split()[-2:] == ["1000", "f0999"]
    # 64 MiB host -> guest (checked by the guest), then back guest -> host (checked here).
    out = guest(child, "cp /mnt/h/in.bin /tmp/in.bin && sha256sum /tmp/in.bin", timeout=300)
    assert shares["in_sha"] in out
    guest(child, "cp /tmp/in.bin /mnt/h/back.bin && sync && rm /tmp/in.bin", timeout=300)
    host_sha = hashlib.sha256((shares["share"] / "back.bin").read_bytes()).hexdigest()
    assert host_sha == shares["in_sha"]


def check_escapes(child, shares):
    for path in ("/mnt/h/rel/secret.txt", "/mnt/h/abs/secret.txt",
                 "/mnt/h/../outside/secret.txt", "/mnt/h/d/../../outside/secret.txt"):
        assert SECRET not in guest(child, f"cat {path}", ok=False)
    guest(child, "ln /mnt/h/abs/secret.txt /mnt/h/hl", ok=False)
    # A hard link of the link itself stays a link; the outside file gains no name.
    guest(child, "ln /mnt/h/abs /mnt/h/hl2")
    assert (shares["share"] / "hl2").is_symlink()
    assert (shares["outside"] / "secret.txt").stat().st_nlink == 1
    # The host swaps d for a link out while the guest sits in it.
    child.sendline("cd /mnt/h/d")
    child.expect(PROMPT)
    (shares["share"] / "d").rename(shares["share"] / "d.old")
    (shares["share"] / "d").symlink_to(shares["outside"])
    assert SECRET not in guest(child, "cat secret.txt", ok=False)
    child.sendline("cd /")
    child.expect(PROMPT)


def check_readonly_and_mapped(child, shares):
    guest(child, f"mkdir -p /mnt/mf && {MOUNT} ro0 /mnt/ro && {MOUNT} mx0 /mnt/mx && "
          f"{MOUNT} mf0 /mnt/mf")
    assert "read-only-content" in guest(child, "cat /mnt/ro/ro.txt")
    assert "Read-only file system" in guest(child, "echo x > /mnt/ro/new.txt 2>&1", ok=False)
    guest(child, "mkdir /mnt/ro/dir", ok=False)
    guest(child, "echo x >> /mnt/ro/ro.txt", ok=False)
    assert not (shares["ro"] / "new.txt").exists()
    assert (shares["ro"] / "ro.txt").read_text() == "read-only-content\n"

    guest(child, "echo mapped > /mnt/mx/f && chown 1234:5678 /mnt/mx/f && chmod 640 /mnt/mx/f")
    assert "1234 5678" in guest(child, "stat -c '%u %g %a' /mnt/mx/f")
    f = shares["mx"] / "f"
    assert os.getxattr(f, "user.virtfs.uid") == struct.pack("<I", 1234)
    assert os.getxattr(f, "user.virtfs.gid") == struct.pack("<I", 5678)
    assert os.getxattr(f, "user.virtfs.mode") == struct.pack("<I", 0o100640)
    assert f.stat().st_mode & 0o777 == 0o600  # fmode: the host copy stays ours

    guest(child, "echo mapped > /mnt/mf/f && chown 1234:5678 /mnt/mf/f && chmod 640 /mnt/mf/f "
          "&& mkdir /mnt/mf/d && mv /mnt/mf/f /mnt/mf/d/g")
    assert "1234 5678 640" in guest(child, "stat -c '%u %g %a' /mnt/mf/d/g")
    assert (shares["mf"] / "d" / ".virtfs_metadata" / "g").read_text() == \
        "virtfs.uid=1234\nvirtfs.gid=5678\nvirtfs.mode=33184\n"
    assert "virtfs" not in guest(child, "ls -a /mnt/mf /mnt/mf/d")
    guest(child, "ls /mnt/mf/.virtfs_metadata", ok=False)


def test_9p_shares(emulator, linux_images, shares, tmp_path):
    log = tmp_path / "guest_errors.log"
    child = boot(emulator, linux_images, shares, log)
    try:
        check_host0(child, shares)
        check_escapes(child, shares)
        check_readonly_and_mapped(child, shares)
        guest(child, "umount /mnt/h /mnt/ro /mnt/mx /mnt/mf")
    finally:
        child.send("\x01x")
        child.expect(pexpect.EOF)
        child.close()
    if emulator == KESTREL:
        assert "9p: refused" in log.read_text()


# Bad -fsdev/-virtfs/-device lines: both emulators refuse them, with QEMU's words.
BAD_LINES = [
    (["-fsdev", "local,id=fs0,path={d}"], "security_model property not set"),
    (["-fsdev", "local,path={d},security_model=none"], "fsdev: No id specified"),
    (["-fsdev", "local,id=fs0,path={d},security_model=bogus"],
     "invalid security_model property 'bogus'"),
    (["-fsdev", "bogus,id=fs0,path={d},security_model=none"], "fsdriver bogus not found"),
    (["-fsdev", "local,id=fs0,path={d},security_model=none,foo=1"], "Invalid parameter 'foo'"),
    (["-fsdev", "local,id=fs0,security_model=none"], "path property not set"),
    (["-fsdev", "local,id=fs0,path={d},security_model=none,fmode=0644"],
     "fmode is only valid for mapped security modes"),
    (["-fsdev", "local,id=fs0,path={d},security_model=none,readonly=maybe"],
     "Parameter 'readonly' expects 'on' or 'off'"),
    (["-fsdev", "local,id=fs0,path={d},security_model=none"] * 2, "Duplicate ID 'fs0' for fsdev"),
    (["-fsdev", "local,id=t,path={d},security_model=none",
      "-virtfs", "local,path={d},mount_tag=t,security_model=none"],
     "duplicate or invalid fsdev id: t"),
    (["-virtfs", "local,path={d},security_model=none"], "Usage: -virtfs fsdriver,mount_tag=tag"),
    (["-device", "virtio-9p-device,fsdev=nope,mount_tag=t"],
     "9pfs device couldn't find fsdev with the id = nope"),
    (["-fsdev", "local,id=fs0,path={d},security_model=none", "-device",
      "virtio-9p-device,fsdev=fs0"], "fsdev with id fs0 needs mount_tag arguments"),
    (["-fsdev", "local,id=fs0,path={d},security_model=none", "-device",
      "virtio-9p-device,fsdev=fs0,mount_tag=" + "t" * 32], "is longer than maximum (31 bytes)"),
    (["-virtfs", "local,path={d}/missing,mount_tag=t,security_model=none"],
     "cannot initialize fsdev 't': failed to open"),
]


@pytest.mark.parametrize("args,message", BAD_LINES, ids=[m for _, m in BAD_LINES])
def test_bad_options(emulator, tmp_path, args, message):
    from conftest import run

    proc = run([emulator, "-M", "virt", "-nographic", "-bios", "none", "-S", "-monitor", "none",
                "-no-user-config"] + [a.format(d=tmp_path) for a in args])
    assert proc.returncode == 1
    assert message in proc.stderr
