"""Linux 6.1 (built by scripts/build-images from Debian's linux-source-6.1) on the virt board:
boot to the busybox shell, use it, write to a virtio disk and find the data on the host."""
import hashlib
import os
import re
import shutil
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD

PROMPT = r"kestrel:[^#\r\n]*# "


def boot(emulator, images, append="console=ttyS0", extra=(), initrd=True):
    args = ["-M", "virt", "-m", "512", "-nographic", "-kernel", os.path.join(images, "Image"),
            "-append", append, *extra]
    if initrd:
        args += ["-initrd", os.path.join(images, "rootfs.cpio.gz")]
    child = pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    return child


def sh(child, cmd, prompt=PROMPT):
    """Run cmd in the guest's shell (prompt: its prompt's pattern); return its output
    (without the echo), asserting status 0. The output starts after a marker the echo
    cannot contain (the quotes split it there), however the terminal wraps a long echo."""
    child.sendline("echo SH''-OUT; " + cmd + "; echo RC=$?")
    child.expect(r"SH-OUT\r*\n")
    child.expect(r"RC=(\d+)\r*\n")
    out = child.before
    assert child.match.group(1) == "0", f"{cmd!r} failed:\n{out}"
    child.expect(prompt)
    return out


def poweroff(child):
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def test_shell_commands(emulator, linux_images):
    child = boot(emulator, linux_images)
    assert "riscv64" in sh(child, "uname -a")
    cpuinfo = sh(child, "cat /proc/cpuinfo")
    assert re.search(r"isa\s*: rv64imafdc", cpuinfo), cpuinfo
    assert "mmu\t\t: sv" in cpuinfo or "mmu" in cpuinfo
    dmesg = sh(child, "dmesg")
    for bad in ("Oops", "BUG:", "Call Trace", "WARNING:", "Kernel panic"):
        assert bad not in dmesg, bad
    assert "goldfish_rtc" in dmesg
    assert sh(child, "cat /proc/sys/kernel/random/entropy_avail").strip().isdigit()
    assert "2026" in sh(child, "date") or "20" in sh(child, "date")
    assert poweroff(child) == 0


def test_cpuinfo_reports_our_isa_string(kestrel, linux_images):
    child = boot(kestrel, linux_images)
    isa = re.search(r"isa\s*: (\S+)", sh(child, "cat /proc/cpuinfo")).group(1)
    # Linux 6.1 prints the single-letter extensions it knows from the FDT's riscv,isa.
    assert isa.startswith("rv64imafdc"), isa
    assert poweroff(child) == 0


def test_virtio_rng_feeds_hwrng(kestrel, linux_images):
    child = boot(kestrel, linux_images, extra=["-device", "virtio-rng-device"])
    assert "virtio_rng" in sh(child, "cat /sys/class/misc/hw_random/rng_current")
    data = sh(child, "dd if=/dev/hwrng bs=64 count=1 2>/dev/null | md5sum")
    assert re.match(r"[0-9a-f]{32}", data.strip())
    assert poweroff(child) == 0


def debugfs_cat(image, path):
    """The file as the host sees it once the ext4 journal is replayed (e2fsck does that: a
    guest `sync` only guarantees the data reached the journal on the disk)."""
    fsck = subprocess.run(["e2fsck", "-fy", image], capture_output=True, text=True)
    assert fsck.returncode in (0, 1), fsck.stdout + fsck.stderr  # 1: journal replayed
    return subprocess.run(["debugfs", "-R", f"cat {path}", image], capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("how", ["device", "if=virtio"])
def test_disk_write_survives_poweroff(emulator, linux_images, tmp_path, how):
    # if=virtio: virtio-blk-pci on both (QEMU's virt puts it on PCI, so does Kestrel).
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    if how == "device":
        drive = ["-drive", f"file={disk},format=raw,if=none,id=hd0",
                 "-device", "virtio-blk-device,drive=hd0"]
    else:
        drive = ["-drive", f"if=virtio,format=raw,file={disk}"]
    child = boot(emulator, linux_images, append="root=/dev/vda rw console=ttyS0",
                 extra=drive, initrd=False)
    assert "/dev/root" in sh(child, "cat /proc/mounts") or "vda" in sh(child, "cat /proc/mounts")
    sh(child, "echo written-by-the-guest > /hello.txt && sync")
    assert poweroff(child) == 0
    assert debugfs_cat(disk, "/hello.txt") == "written-by-the-guest\n"


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.mark.parametrize("mode", ["-snapshot", "snapshot=on"])
def test_snapshot_leaves_image_untouched(kestrel, linux_images, tmp_path, mode):
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    before = digest(disk)
    opts = f"file={disk},format=raw,if=none,id=hd0" + (",snapshot=on" if mode != "-snapshot"
                                                       else "")
    extra = ["-drive", opts, "-device", "virtio-blk-device,drive=hd0"]
    if mode == "-snapshot":
        extra.append("-snapshot")
    child = boot(kestrel, linux_images, append="root=/dev/vda rw console=ttyS0", extra=extra,
                 initrd=False)
    sh(child, "echo scratch > /scratch.txt && sync && cat /scratch.txt")
    assert poweroff(child) == 0
    assert digest(disk) == before


def test_ctrl_a_x_keeps_synced_data(kestrel, linux_images, tmp_path):
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    child = boot(kestrel, linux_images, append="root=/dev/vda rw console=ttyS0",
                 extra=["-drive", f"file={disk},format=raw,if=none,id=hd0",
                        "-device", "virtio-blk-device,drive=hd0"], initrd=False)
    sh(child, "echo before-ctrl-a-x > /kept.txt && sync")
    child.send("\x01x")
    child.expect(pexpect.EOF)
    child.close()
    assert debugfs_cat(disk, "/kept.txt") == "before-ctrl-a-x\n"


def test_reboot_with_no_reboot_exits(kestrel, linux_images):
    child = boot(kestrel, linux_images, extra=["-no-reboot"])
    child.sendline("reboot")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def write_syscalls(pid):
    """The write-type system calls pid (all its threads) has made so far (/proc/PID/io)."""
    with open(f"/proc/{pid}/io") as f:
        return int(next(line for line in f if line.startswith("syscw:")).split()[1])


def test_console_output_is_batched(kestrel, linux_images):
    # The UART hands the console one byte per register write; the stdio chardev collects them
    # for 1 ms (chardev/char.c) instead of making a write() each: the boot log (~8,000 bytes,
    # what dmesg prints again) in ~260 write-type calls (kicks of the main loop included),
    # where it took one per byte. A slow host cannot reach the bound: there is at most one
    # flush per millisecond of the vCPU's own progress with output pending.
    child = boot(kestrel, linux_images)
    writes = write_syscalls(child.pid)
    log = sh(child, "dmesg")
    assert len(log) > 6000, log
    assert writes * 4 < len(log), (writes, len(log))
    assert poweroff(child) == 0
