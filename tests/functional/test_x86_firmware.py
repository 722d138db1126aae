"""What q35's firmware gets besides the kernel, compared with qemu-system-x86_64 -M q35 (QEMU
7.2): a disk booted through SeaBIOS without -kernel (SeaBIOS's int 13h over our AHCI, the
MBR, SYSLINUX loading Linux and the initramfs from FAT), and the SMBIOS tables the guest
reads (fw_cfg's etc/smbios files, SeaBIOS's type 0 added), with -smbios type=1 and -uuid.
One boot per emulator covers both."""
import os
import shutil

import pexpect
import pytest

from conftest import HANG_GUARD, run
from test_linux import sh as linux_sh
from test_x86_boot import boot_logs
from test_x86_disk_net import hmp

PROMPT = r"/[^#\r\n]*# "  # busybox's: the working directory
# Kestrel's x86 engine needs minutes for Debian's kernel: a hang guard, not a timing check.
BOOT_GUARD = 4 * HANG_GUARD
SMBIOS_ARGS = ["-smbios", "type=1,serial=KSTL-0001,sku=SKU-7,family=Kestrel-Test",
               "-uuid", "12345678-9abc-def0-1122-334455667788"]
# The guest's view: every /sys/class/dmi/id file, then the entry point and the tables in hex,
# each output line led by "KK:" (short commands: a long one wraps in the echo).
DMI_DUMP = ["cd /sys/class/dmi/id",
            "for f in *; do [ -f $f ] && echo KK:$f=$(cat $f); done; true",
            "t=/sys/firmware/dmi/tables",
            "echo KK:EP=$(od -An -tx1 -v $t/smbios_entry_point)",
            "echo KK:DMI=$(od -An -tx1 -v $t/DMI)",
            "cd /"]


@pytest.fixture(scope="module")
def boot_img(x86_image_dir):
    """boot.img from scripts/build-x86-images (syslinux MBR, FAT with SYSLINUX and Linux)."""
    return os.path.join(x86_image_dir, "boot.img")


def sh(child, cmd):
    return linux_sh(child, cmd, PROMPT)


def boot_from_disk(binary, disk, log):
    """binary -M q35 -m 512 -nographic -hda disk (no -kernel) with the SMBIOS options, up to
    the initramfs shell: (the pexpect child, the console text before the shell)."""
    args = ["-M", "q35", "-m", "512", "-nographic", "-hda", disk,
            "-boot", "order=c,menu=off"] + SMBIOS_ARGS
    child = pexpect.spawn(binary, args, timeout=BOOT_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.logfile_read = log
    if child.expect(["KESTREL-X86-INIT", r"Kernel panic - not syncing: [^\r\n]*",
                     "No bootable device", "Boot failed"]):
        child.close(force=True)
        pytest.fail(f"{os.path.basename(binary)}: {child.after} (console: {log.name})")
    console = child.before
    child.expect(PROMPT)
    # Past every prompt printed so far: the next command's output starts clean.
    child.sendline("echo SYNC-$((6 * 7))")
    child.expect("SYNC-42")
    child.expect(PROMPT)
    return child, console


def guest_view(binary, disk, log):
    """Boot, then the kernel command line SYSLINUX passed and the DMI dump as {name: value}."""
    child, console = boot_from_disk(binary, disk, log)
    try:
        cmdline = sh(child, "cat /proc/cmdline").strip()
        out = "".join(sh(child, cmd) for cmd in DMI_DUMP).replace("\r", "")
        dmi = dict(map(str.strip, l[3:].split("=", 1)) for l in out.splitlines()
                   if l.startswith("KK:"))
        child.sendline("poweroff -f")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    return console, cmdline, dmi


def test_disk_boots_through_seabios_and_syslinux_with_qemus_smbios(x86_binaries, boot_img,
                                                                   tmp_path):
    """-hda boot.img without -kernel: SeaBIOS boots the hard disk, syslinux's MBR starts
    SYSLINUX from the active FAT partition, which loads vmlinuz and initrd.gz to the busybox
    shell; that guest then reads the same SMBIOS as under QEMU: /sys/class/dmi/id and the
    entry point and tables byte for byte (the -smbios type=1 fields and -uuid included)."""
    views = {}
    for binary in reversed(x86_binaries):  # QEMU first: it boots in seconds
        name = os.path.basename(binary)
        disk = tmp_path / f"{name}.img"  # the guest may write: never the cached image
        shutil.copyfile(boot_img, disk)
        with open(tmp_path / f"{name}.log", "w") as log:
            views[name] = guest_view(binary, str(disk), log)
    (console, cmdline, ours) = views[os.path.basename(x86_binaries[0])]
    (_, qemu_cmdline, theirs) = views[os.path.basename(x86_binaries[1])]
    assert "Booting from Hard Disk..." in console and "SYSLINUX 6.04" in console, console
    assert "Booting from ROM" not in console, "no option ROM should boot: there is no -kernel"
    assert "Press ESC for boot menu" not in console, "-boot menu=off"
    assert cmdline == qemu_cmdline == "BOOT_IMAGE=vmlinuz console=ttyS0 initrd=initrd.gz"
    assert ours["sys_vendor"] == "QEMU"
    assert ours["product_name"] == "Standard PC (Q35 + ICH9, 2009)"
    assert ours["product_version"] == ours["chassis_version"] == "pc-q35-7.2"
    assert ours["product_serial"] == "KSTL-0001" and ours["product_family"] == "Kestrel-Test"
    assert ours["product_uuid"] == "12345678-9abc-def0-1122-334455667788"
    assert ours["bios_vendor"] == "SeaBIOS" and ours["chassis_type"] == "1"
    assert ours["EP"].startswith("5f 53 4d 5f") and len(ours["DMI"].split()) > 300
    assert ours == theirs


def q35_runs(binaries, *args):
    """(binary, completed run) of each binary on -M q35 with args, stopped before the guest
    runs: what option errors are checked on."""
    return [(b, run([b, "-M", "q35", "-display", "none", "-S", "-monitor", "none", *args]))
            for b in binaries]


@pytest.mark.parametrize("opt,message", [
    ("type=1,foo=bar", "Invalid parameter 'foo'"),
    ("type=9", "Don't know how to build fields for SMBIOS type 9"),
    ("type=1,uuid=zz", "Invalid UUID"),
    ("manufacturer=x", "Must specify type= or file="),
])
def test_bad_smbios_options_fail_as_in_qemu(x86_binaries, opt, message):
    for binary, r in q35_runs(x86_binaries, "-smbios", opt):
        assert r.returncode == 1 and f"-smbios {opt}: {message}" in r.stderr, (binary, r.stderr)


@pytest.mark.parametrize("boot", ["c", "order=c", "order=c,menu=off", "once=c"])
def test_boot_options_are_accepted_as_in_qemu(x86_binaries, boot):
    for binary in x86_binaries:
        assert hmp(binary, ["-boot", boot], "info status") == ["VM status: paused (prelaunch)"], \
            binary


@pytest.mark.parametrize("boot,message", [
    ("menu=maybe", "Parameter 'boot.menu' expects 'on' or 'off'"),
    ("menu=on,splash-time=70000", "splash-time is invalid,it should be a value between 0 and"),
    ("menu=on,splash-time=abc", "Parameter 'boot.splash-time' expects integer"),
    ("reboot-timeout=70000", "reboot timeout is invalid,it should be a value between -1 and"),
    ("order=x", "Invalid boot device 'x'"),
    ("order=cdc", "Boot device 'c' was given twice"),
    ("order=cdna", "Too many boot devices for PC"),
    ("once=e", "Invalid boot device for PC: 'e'"),
    ("strict=maybe", "Parameter 'boot.strict' expects 'on' or 'off'"),
])
def test_bad_boot_options_fail_as_in_qemu(x86_binaries, boot, message):
    for binary, r in q35_runs(x86_binaries, "-boot", boot):
        assert r.returncode == 1 and message in r.stderr, (binary, r.stderr)


def test_boot_menu_on_shows_seabios_prompt(x86_binaries, tmp_path):
    """-boot menu=on reaches SeaBIOS through fw_cfg (FW_CFG_BOOT_MENU; splash-time as
    etc/boot-menu-wait): it offers its menu, as under QEMU; the disk boot above, with
    menu=off, never showed it."""
    for binary in x86_binaries:
        name = os.path.basename(binary)
        lines, _ = boot_logs(binary, tmp_path, name, ["-boot", "menu=on,splash-time=0"],
                             "Press ESC for boot menu.")
        assert any("Press ESC for boot menu." in l for l in lines)
