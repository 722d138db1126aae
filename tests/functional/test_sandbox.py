"""-sandbox (seccomp) and -runas / -run-with user= on a running Linux guest.

With every -sandbox group denied, Linux boots on 2 harts, its network (DHCP, a fetch from the
host) works, /proc/PID/status shows "Seccomp: 2" and the machine powers off with status 0;
QEMU runs the same test. -runas nobody leaves the process with nobody's uid and gid while
the root-owned disk image it opened before still takes the guest's writes. Bad values and
unknown users are refused with a message. What each group denies (spawn=deny kills a fork,
threads still start, ...) is checked on the filter itself in tests/unit/test-sandbox.c.
"""
import os
import pwd
import shutil
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD, run, smp_firmware
from test_linux import PROMPT, boot, debugfs_cat, poweroff, sh
from test_linux_net import host_http_server  # noqa: F401  (a fixture)

ALL_DENIED = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny"


def proc_status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.split()
    return fields

def test_sandboxed_guest_boots_and_networks(emulator, linux_images,
                                            host_http_server):  # noqa: F811
    http_port, content, _ = host_http_server
    child = boot(emulator, linux_images, extra=["-smp", "2", *smp_firmware(), "-sandbox", ALL_DENIED,
                                           "-netdev", "user,id=n0",
                                           "-device", "virtio-net-device,netdev=n0"])
    assert proc_status(child.pid)["Seccomp"] == ["2"]
    assert sh(child, "nproc").split()[-1] == "2"
    sh(child, "udhcpc -i eth0 -n -q -t 5 >/dev/null")
    assert content.strip() in sh(child, f"wget -q -O - http://10.0.2.2:{http_port}/hello.txt")
    assert poweroff(child) == 0


def test_without_sandbox_no_filter(kestrel, linux_images):
    child = boot(kestrel, linux_images, extra=[])
    assert proc_status(child.pid)["Seccomp"] == ["0"]
    assert poweroff(child) == 0


@pytest.mark.parametrize("option", [["-runas", "nobody"], ["-run-with", "user=nobody"]])
def test_runas_drops_privileges(kestrel, linux_images, tmp_path, option):
    assert os.geteuid() == 0, "the test starts Kestrel as root to see it drop privileges"
    nobody = pwd.getpwnam("nobody")
    disk = str(tmp_path / "disk.img")
    shutil.copy(os.path.join(linux_images, "disk.img"), disk)
    os.chmod(disk, 0o600)  # root's: nobody could not open it, only keep using it
    child = boot(kestrel, linux_images,
                 extra=[*option, "-sandbox", "on,elevateprivileges=deny",
                        "-drive", f"file={disk},format=raw,if=none,id=hd0",
                        "-device", "virtio-blk-device,drive=hd0"],
                 append="root=/dev/vda rw console=ttyS0", initrd=False)
    status = proc_status(child.pid)
    assert status["Uid"] == [str(nobody.pw_uid)] * 4
    assert status["Gid"] == [str(nobody.pw_gid)] * 4
    assert status["Groups"] == [str(nobody.pw_gid)]
    sh(child, "echo written-as-nobody > /nobody.txt && sync")
    assert poweroff(child) == 0
    assert debugfs_cat(disk, "/nobody.txt") == "written-as-nobody\n"


@pytest.mark.parametrize("args,message", [
    (["-sandbox", "on,spawn=maybe"], "-sandbox on,spawn=maybe: invalid value 'maybe' for 'spawn'"),
    (["-sandbox", "on,foo=bar"], "-sandbox on,foo=bar: unknown parameter 'foo'"),
    (["-sandbox", "perhaps"], "-sandbox perhaps: 'perhaps' is neither 'on' nor 'off'"),
    (["-sandbox", "on,elevateprivileges=x"],
     "-sandbox on,elevateprivileges=x: invalid value 'x' for 'elevateprivileges'"),
    (["-runas", "no-such-user"],
     "-runas no-such-user: user \"no-such-user\" does not exist (and is not <uid>:<gid>)"),
    (["-run-with", "user=no-such-user"],
     "-run-with user=no-such-user: user \"no-such-user\" does not exist"),
    (["-run-with", "chroot=/"], "-run-with chroot=/: unsupported parameter 'chroot'"),
])
def test_bad_values_are_refused(kestrel, args, message):
    proc = run([kestrel, "-M", "virt", "-nographic", *args])
    assert proc.returncode == 1
    assert message in proc.stderr, proc.stderr


def test_help_lists_the_options(kestrel):
    out = subprocess.run([kestrel, "-help"], capture_output=True, text=True).stdout
    for opt in ("-sandbox on|off", "-runas USER", "-run-with user="):
        assert opt in out
