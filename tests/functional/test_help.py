"""Help texts list only what exists: every option -h shows is accepted (with the values its
help names), every name -machine/-cpu/-device/-d help lists works, and every console key
Ctrl-A h lists does something."""
import os
import re
import subprocess
import time

import pexpect
import pytest

from conftest import HANG_GUARD, KESTREL, OPENSBI, UBOOT, run


def help_options():
    """{option: argname or None} from `kestrel -h`."""
    proc = run([KESTREL, "-h"])
    assert proc.returncode == 0, proc.stderr
    found = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^  -([\w-]+)(?: (\S+))?", line)
        if m:
            found[m.group(1)] = m.group(2)
    assert found, proc.stdout
    return found


@pytest.fixture
def files(tmp_path, kestrel):
    """Inputs the options take: a raw program, an initrd, a disk image, a valid dtb."""
    paths = {name: tmp_path / name
             for name in ("k.bin", "initrd", "disk.img", "log", "ok.dtb", "sock", "pid")}
    paths["k.bin"].write_bytes(b"\x6f\x00\x00\x00")  # j .
    paths["initrd"].write_bytes(b"\0" * 512)
    paths["disk.img"].write_bytes(b"\0" * 65536)
    proc = run([kestrel, "-M", f"virt,dumpdtb={paths['ok.dtb']}", "-bios", "none"])
    assert proc.returncode == 0, proc.stderr
    paths["out"] = tmp_path / "out.dtb"
    paths["dir"] = tmp_path  # a directory to share over 9p
    return {k: str(v) for k, v in paths.items()}


# For each option -h lists: the argument lists to try (each a list of extra arguments; the
# option's own values come from its help line: every alternative it names is tried).
def samples(f, port):
    dumpdtb = f"dumpdtb={f['out']}"
    return {
        "machine": [["-machine", f"virt,{dumpdtb}"], ["-machine", f"virt,aclint=on,{dumpdtb}"]],
        "M": [["-M", f"virt,{dumpdtb}"]],
        "m": [["-m", "256"], ["-m", "256M"], ["-m", "1G"], ["-m", "size=512M"], ["-m", "1.5G"],
              ["-m", "size=1G,slots=2,maxmem=2G"]],
        "smp": [["-smp", "2"], ["-smp", "cpus=4,sockets=2,cores=2,threads=1,maxcpus=4"]],
        "cpu": [["-cpu", "rv64"], ["-cpu", "rv64,mmu=off,c=off,mvendorid=0x489"]],
        "bios": [["-bios", "none"], ["-bios", "default"], ["-bios", OPENSBI]],
        "kernel": [["-kernel", f["k.bin"]]],
        "initrd": [["-kernel", f["k.bin"], "-initrd", f["initrd"]]],
        "append": [["-kernel", f["k.bin"], "-append", "console=ttyS0"]],
        "dtb": [["-dtb", f["ok.dtb"]]],
        "device": [["-device", "virtio-rng-device"]],
        "drive": [["-drive", f"file={f['disk.img']},format=raw,if=virtio"],
                  ["-drive", f"file={f['disk.img']},format=raw,if=none,id=d0,readonly=on",
                   "-device", "virtio-blk-device,drive=d0"]],
        "snapshot": [["-snapshot", "-drive", f"file={f['disk.img']},if=virtio"]],
        "hda": [["-hda", f['disk.img']]], "hdb": [["-hdb", f['disk.img']]],
        "hdc": [["-hdc", f['disk.img']]], "hdd": [["-hdd", f['disk.img']]],
        "cdrom": [["-cdrom", f['disk.img']]],
        "fsdev": [["-fsdev", f"local,id=fs0,path={f['dir']},security_model={m}",
                   "-device", "virtio-9p-device,fsdev=fs0,mount_tag=t"]
                  for m in ("none", "mapped-xattr", "passthrough")]
                 + [["-fsdev", f"local,id=fs0,path={f['dir']},security_model=mapped-xattr,"
                               "readonly=on,fmode=0644,dmode=0755"]],
        "virtfs": [["-virtfs", f"local,path={f['dir']},mount_tag=t,security_model=none"],
                   ["-virtfs", f"local,path={f['dir']},mount_tag=t,security_model=passthrough,"
                               "id=x,readonly=on"]],
        "blockdev": [["-blockdev", f"driver=file,node-name=f0,filename={f['disk.img']}",
                      "-device", "virtio-blk-device,drive=f0"],
                     ["-blockdev", f"driver=raw,node-name=r0,file.driver=file,"
                                   f"file.filename={f['disk.img']}"],
                     ["-blockdev", f"driver=file,node-name=f0,filename={f['disk.img']}",
                      "-blockdev", "driver=raw,node-name=r0,file=f0"]],
        "netdev": [["-netdev", f"user,id=n0,hostfwd=tcp::{port}-:22",
                    "-device", "virtio-net-device,netdev=n0"]],
        "nic": [["-nic", "user,model=virtio-net-device"], ["-nic", "none"],
                ["-nic", f"user,hostfwd=tcp::{port}-:22"]],
        "net": [["-net", "nic", "-net", "user"], ["-net", "none"],
                ["-net", "nic,model=virtio-net-device,macaddr=52:54:00:12:34:99"]],
        "fw_cfg": [["-fw_cfg", "name=opt/a,string=x"], ["-fw_cfg", f"opt/b,file={f['k.bin']}"]],
        "accel": [["-accel", "tcg"], ["-accel", "tcg,jit=on"], ["-accel", "tcg,jit=off"],
                  ["-accel", "tcg,jit=on,jit-threshold=1"],
                  ["-accel", "tcg,thread=single"], ["-accel", "tcg,thread=multi,tb-size=64"]],
        "nographic": [["-nographic"]],
        "serial": [["-serial", s] for s in
                   ("stdio", "mon:stdio", "null", "none", f"file:{f['log']}", "pty",
                    f"tcp:127.0.0.1:{port},server=on,wait=off")],
        "display": [["-display", "none"], ["-display", f"vnc=unix:{f['sock']}"]],
        # dumpdtb ends start-up before the snapshot is read (test_snapshot.py loads one).
        "loadvm": [["-loadvm", "s1"]],
        "vnc": [["-vnc", f"unix:{f['sock']}"], ["-vnc", "none"],
                ["-vnc", f"unix:{f['sock']},password=on"]],
        "s": [["-s"]],
        "gdb": [["-gdb", f"tcp::{port}"]],
        "S": [["-S"]],
        "d": [["-d", "guest_errors"], ["-d", "guest_errors,int"]],
        "D": [["-D", f["log"]]],
        "no-reboot": [["-no-reboot"]],
        "no-shutdown": [["-no-shutdown"]],
        "sandbox": [["-sandbox", "on"], ["-sandbox", "off"],
                    ["-sandbox", "on,obsolete=deny,elevateprivileges=children,spawn=deny,"
                                 "resourcecontrol=deny"]],
        "runas": [["-runas", "root"], ["-runas", "0:0"]],
        "run-with": [["-run-with", "user=root"]],
        "version": [["-version"]],
        "help": [["-help"]],
        "h": [["-h"]],
        "set": [["-device", "virtio-rng-device,id=r", "-set", "device.r.rng="]],
        "global": [["-global", "virtio-mmio.force-legacy=false"]],
        "boot": [["-boot", "order=c"], ["-boot", "order=c,once=d,menu=off"]],
        "k": [["-k", "en-us"]],
        "uuid": [["-uuid", "12345678-1234-1234-1234-123456789abc"]],
        "vga": [["-vga", "none"]],
        "usb": [["-usb"]],
        "usbdevice": [["-usbdevice", "tablet"], ["-usb", "-usbdevice", "keyboard"]],
        "rtc": [["-rtc", "base=utc"], ["-rtc", "base=localtime,clock=host"],
                ["-rtc", "clock=rt"], ["-rtc", "base=2020-01-01,clock=vm"],
                ["-rtc", "base=2020-01-01T12:00:00,driftfix=slew"], ["-rtc", "base=2020-01-01"]],
        "icount": [["-icount", "shift=0"], ["-icount", "shift=auto,align=on,sleep=on"],
                   ["-icount", "shift=3,align=off,sleep=off"], ["-icount", "0"]],
        "seed": [["-seed", "42"]],
        "semihosting": [["-semihosting"]],
        "semihosting-config": [["-semihosting-config", "enable=on,target=native,arg=a,arg=b"],
                               ["-semihosting-config", "enable=off"],
                               ["-semihosting-config", "target=auto"],
                               ["-semihosting-config", "enable=on,target=gdb"],
                               ["-chardev", "null,id=c0",
                                "-semihosting-config", "enable=on,chardev=c0"]],
        "nodefaults": [["-nodefaults"]],
        "no-user-config": [["-no-user-config"]],
        "msg": [["-msg", "timestamp=on"], ["-msg", "timestamp=off,guest-name=on"]],
        "numa": [["-smp", "2", "-m", "256M", "-object", "memory-backend-ram,id=a,size=128M",
                  "-object", "memory-backend-ram,id=b,size=128M", "-numa", "node,memdev=a,cpus=0",
                  "-numa", "node,memdev=b,cpus=1", "-numa", "dist,src=0,dst=1,val=20"]],
        "object": [["-object", "rng-random,id=r0,filename=/dev/urandom",
                    "-device", "virtio-rng-device,rng=r0"], ["-object", "rng-builtin,id=r0"],
                   ["-object", '{"qom-type": "rng-builtin", "id": "r0"}']],
        # Monitors: the default console takes stdio, so a stdio monitor needs -serial elsewhere.
        "monitor": [["-monitor", "stdio", "-serial", "null"], ["-monitor", "none"],
                    ["-monitor", f"unix:{f['sock']},server,nowait"],
                    ["-monitor", f"tcp:127.0.0.1:{port},server=on,wait=off"]],
        "qmp": [["-qmp", f"unix:{f['sock']},server=on,wait=off"],
                ["-qmp", f"tcp:127.0.0.1:{port},server,nowait"]],
        "qmp-pretty": [["-qmp-pretty", f"unix:{f['sock']},server=on,wait=off"]],
        "mon": [["-chardev", "null,id=m0", "-mon", "chardev=m0"],
                ["-chardev", "null,id=m0", "-mon", "chardev=m0,mode=readline"],
                ["-chardev", f"socket,id=m0,path={f['sock']},server=on,wait=off",
                 "-mon", "chardev=m0,mode=control,pretty=on"]],
        "chardev": [["-chardev", f"socket,id=c0,path={f['sock']},server=on,wait=off"],
                    ["-chardev", f"socket,id=c0,host=127.0.0.1,port={port},server,nowait"],
                    ["-chardev", "stdio,id=c0", "-serial", "null"], ["-chardev", "null,id=c0"],
                    ["-chardev", f"file,id=c0,path={f['log']}"], ["-chardev", "pty,id=c0"],
                    ["-chardev", "stdio,id=c0,mux=on", "-serial", "null", "-mon", "chardev=c0"]],
        "name": [["-name", "vm1"], ["-name", "guest=vm1"]],
        "pidfile": [["-pidfile", f["pid"]]],
        "daemonize": [["-daemonize", "-pidfile", f["pid"]]],
    }


# Options that parse but that virt can never honour, as with QEMU 7.2: the error it gives.
# (-usbdevice: its devices are made before -device's and virt's -usb adds no USB bus.)
REFUSED_ON_VIRT = {"usbdevice": "could not add USB device"}


def check_accepted(kestrel, files, name, extra):
    cmd = [kestrel, "-M", f"virt,dumpdtb={files['out']}", "-bios", "none"] + extra
    proc = run(cmd)
    if name in REFUSED_ON_VIRT:
        assert proc.returncode == 1 and REFUSED_ON_VIRT[name] in proc.stderr, (cmd, proc.stderr)
        return
    assert proc.returncode == 0, (cmd, proc.stderr)
    assert "invalid option" not in proc.stderr
    if name in ("version", "help", "h"):
        assert proc.stdout, cmd
    else:
        assert "dtb dumped" in proc.stderr, (cmd, proc.stderr)


def test_every_listed_option_is_accepted(kestrel, files, free_port):
    """Each option -h lists, with the values its help names, gets through start-up: the board
    is built and its tree dumped (exit 0), or the option prints what it promises. The help
    says options are also accepted with two dashes: the first sample of each is tried so."""
    listed = help_options()
    table = samples(files, free_port)
    assert sorted(set(listed) - set(table)) == [], "options in -h without a sample here"
    assert sorted(set(table) - set(listed)) == [], "samples for options -h does not list"
    for name in listed:
        for extra in table[name]:
            check_accepted(kestrel, files, name, extra)
        first = table[name][0]
        double = ["-" + a if a == f"-{name}" else a for a in first]
        assert f"--{name}" in double, first
        check_accepted(kestrel, files, name, double)


def listed_names(kestrel, option):
    proc = run([kestrel, option, "help"])
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_every_listed_machine_builds(kestrel, files):
    names = [l.split()[0] for l in listed_names(kestrel, "-machine")[1:]]
    assert names == ["virt"]
    for name in names:
        proc = run([kestrel, "-M", f"{name},dumpdtb={files['out']}", "-bios", "none"])
        assert proc.returncode == 0, (name, proc.stderr)


def test_every_listed_cpu_builds(kestrel, files):
    names = listed_names(kestrel, "-cpu")
    assert "rv64" in names
    for name in names:
        proc = run([kestrel, "-M", f"virt,dumpdtb={files['out']}", "-bios", "none",
                    "-cpu", name])
        assert proc.returncode == 0, (name, proc.stderr)


# What a device needs besides its name (a backend it must be given).
DEVICE_NEEDS = {
    "virtio-blk-device": lambda f: ["-drive", f"file={f['disk.img']},if=none,id=d0",
                                    "-device", "virtio-blk-device,drive=d0"],
    "virtio-net-device": lambda f: ["-netdev", "user,id=n0",
                                    "-device", "virtio-net-device,netdev=n0"],
    "virtio-blk-pci": lambda f: ["-drive", f"file={f['disk.img']},if=none,id=d0",
                                 "-device", "virtio-blk-pci,drive=d0"],
    "virtio-net-pci": lambda f: ["-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0"],
    "ide-hd": lambda f: ["-drive", f"file={f['disk.img']},if=none,id=d0",
                         "-device", "ich9-ahci", "-device", "ide-hd,drive=d0,bus=ide.0"],
    "ide-cd": lambda f: ["-drive", f"file={f['disk.img']},if=none,id=d0,media=cdrom",
                         "-device", "ich9-ahci", "-device", "ide-cd,drive=d0,bus=ide.0"],
    "e1000e": lambda f: ["-netdev", "user,id=n0", "-device", "e1000e,netdev=n0"],
    "loader": lambda f: ["-device", f"loader,file={f['k.bin']},addr=0x80000000,cpu-num=0"],
    "virtio-9p-device": lambda f: ["-fsdev", f"local,id=fs0,path={f['dir']},security_model=none",
                                   "-device", "virtio-9p-device,fsdev=fs0,mount_tag=t"],
    "virtio-9p-pci": lambda f: ["-fsdev", f"local,id=fs0,path={f['dir']},security_model=none",
                                "-device", "virtio-9p-pci,fsdev=fs0,mount_tag=t"],
    "usb-kbd": lambda f: ["-device", "qemu-xhci", "-device", "usb-kbd"],
    "usb-mouse": lambda f: ["-device", "qemu-xhci", "-device", "usb-mouse"],
    "usb-tablet": lambda f: ["-device", "qemu-xhci", "-device", "usb-tablet"],
    "vhost-user-fs-device": lambda f: virtiofs_args(f, "vhost-user-fs-device"),
    "vhost-user-fs-pci": lambda f: virtiofs_args(f, "vhost-user-fs-pci"),
}


def virtiofs_args(f, device):
    """A virtiofsd for one run (it exits when the emulator hangs up) and the options that
    connect the device to it, with the shared RAM vhost-user needs."""
    share = os.path.dirname(f["out"])
    sock = os.path.join(share, "vfs.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    subprocess.Popen(["/usr/lib/qemu/virtiofsd", f"--socket-path={sock}", "-o", f"source={share}",
                      "-o", "sandbox=chroot"], stdin=subprocess.DEVNULL,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not os.path.exists(sock):
        time.sleep(0.05)
    return ["-M", "memory-backend=mem", "-object", "memory-backend-memfd,id=mem,size=128M",
            "-chardev", f"socket,id=c0,path={sock}", "-device", f"{device},chardev=c0,tag=t"]


def test_every_listed_device_plugs(kestrel, files):
    names = [l.split()[0] for l in listed_names(kestrel, "-device")]
    assert "virtio-rng-device" in names
    for name in names:
        extra = DEVICE_NEEDS.get(name, lambda f: ["-device", name])(files)
        proc = run([kestrel, "-M", f"virt,dumpdtb={files['out']}", "-bios", "none"] + extra)
        assert proc.returncode == 0, (name, proc.stderr)


def test_every_listed_log_item_is_accepted(kestrel, files):
    items = [l.split()[0] for l in listed_names(kestrel, "-d")[1:]]
    assert "guest_errors" in items
    for item in items:
        proc = run([kestrel, "-M", f"virt,dumpdtb={files['out']}", "-bios", "none",
                    "-d", item, "-D", files["log"]])
        assert proc.returncode == 0, (item, proc.stderr)


# ---- the console keys (Ctrl-A h), each pressed at U-Boot's prompt, which echoes ----

def key_h(child):
    child.send("\x01h")
    child.expect("C-a h    print this help")


def key_ctrl_a(child):
    # U-Boot's line editor takes Ctrl-A as "start of line": "ersion" becomes "version".
    child.send("ersion\x01\x01v\r")
    assert child.expect(["U-Boot 20", "Unknown command"]) == 0
    child.expect("=> ")


def key_t(child):
    child.send("\x01t")
    child.send("echo stamped\r")
    child.expect(r"\[\d\d:\d\d:\d\d\.\d\d\d\] stamped")
    child.send("\x01t")
    child.expect("=> ")


def key_c(child):
    # To the monitor (its banner, then HMP answers), and back to U-Boot's prompt.
    child.send("\x01c")
    child.expect("monitor - type 'help' for more information")
    child.expect_exact("(qemu) ")
    child.send("info status\r")
    child.expect("VM status: running")
    child.expect_exact("(qemu) ")
    child.send("\x01c")
    child.send("echo back\r")
    child.expect("back")
    child.expect("=> ")


def key_x(child):
    child.send("\x01x")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


KEY_CHECKS = {"h": key_h, "C-a": key_ctrl_a, "t": key_t, "c": key_c, "x": key_x}


def test_console_keys_listed_all_work(kestrel):
    child = pexpect.spawn(kestrel, ["-M", "virt", "-m", "256", "-nographic", "-kernel", UBOOT],
                          timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("Hit any key to stop autoboot")
    child.send(" ")
    child.expect("=> ")
    # The mux prints the list at once; the Enter after it brings the next prompt.
    child.send("\x01h")
    child.send("\r")
    child.expect("=> ")
    text = child.before
    keys = re.findall(r"C-a (C-a|\S)\s{2,}", text)
    assert "x" in keys and "h" in keys and "c" in keys, text
    unchecked = [k for k in keys if k not in KEY_CHECKS]
    assert unchecked == [], f"Ctrl-A h lists keys with no behaviour checked here: {unchecked}"
    for key in keys:
        if key != "x":
            KEY_CHECKS[key](child)
    key_x(child)


def test_options_listed_in_qemu_order(kestrel, qemu):
    """-h keeps QEMU 7.2's order: the options both list come in the same sequence."""
    proc = run([qemu, "-h"])
    theirs = []
    for line in proc.stdout.splitlines():
        for m in re.finditer(r"(?:^|\bor |/)-([\w-]+)", line if line.startswith("-") else ""):
            if m.group(1) not in theirs:
                theirs.append(m.group(1))
    ours = [name for name in help_options() if name in theirs]
    assert len(ours) > 40, ours
    assert ours == sorted(ours, key=theirs.index)
