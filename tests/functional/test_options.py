"""Command lines as people paste them (issue 14): -nodefaults, -no-user-config, two-dash
options, repeated options, -machine merging, the -m and -smp forms, -global, -msg, -rtc and the
options that are accepted because Kestrel already behaves as they ask. Each behaviour is
checked on Kestrel and on QEMU 7.2 (the `emulator` fixture), which shows the check is real."""
import re

import pytest

from baremetal import assemble
from conftest import dump_dts, run


def dtb_of(emulator, tmp_path, *args):
    """Build the board with args and return the dumped device tree as dts text."""
    return dump_dts(emulator, tmp_path, "-bios", "none", *args)


def memory_reg(dts):
    m = re.search(r"memory@80000000 \{[^}]*reg = <([^>]*)>", dts)
    assert m, dts
    return [int(x, 16) for x in m.group(1).split()]


def refused(emulator, *args):
    """The error of a command line that must fail (dumpdtb ends it at once if accepted)."""
    proc = run([emulator, "-M", "virt,dumpdtb=/dev/null", "-bios", "none", "-display", "none",
                *args])
    assert proc.returncode != 0, (args, proc.stdout[-500:])
    return proc.stderr


@pytest.fixture
def hello(tmp_path):
    """Prints HELLO-SERIAL and exits 0."""
    return assemble(tmp_path, "hello", "print msg\n li a0, 0\n exit_with a0",
                    'msg: .asciz "HELLO-SERIAL\\n"')


# ---- -nodefaults: no default serial port until -serial names one ----

def test_nodefaults_removes_the_serial_port(emulator, hello):
    proc = run([emulator, "-M", "virt", "-bios", "none", "-nographic", "-nodefaults",
                "-kernel", hello])
    assert proc.returncode == 0, proc.stderr
    assert "HELLO-SERIAL" not in proc.stdout
    proc = run([emulator, "-M", "virt", "-bios", "none", "-nographic", "-nodefaults",
                "-serial", "stdio", "-kernel", hello])
    assert proc.returncode == 0, proc.stderr
    assert "HELLO-SERIAL" in proc.stdout


def test_no_user_config_and_two_dash_options(emulator, hello):
    proc = run([emulator, "--machine", "virt", "--bios", "none", "--nographic",
                "--no-user-config", "--kernel", hello])
    assert proc.returncode == 0, proc.stderr
    assert "HELLO-SERIAL" in proc.stdout


# ---- -m, -smp, -machine forms ----

@pytest.mark.parametrize("arg,size", [
    ("1.9G", 0x7999a000),           # a fraction, rounded up to 8 KiB as QEMU
    ("size=4194304k", 4 << 30),
    ("2G,slots=2,maxmem=4G", 2 << 30),
    ("2G,maxmem=4G", 2 << 30),
])
def test_memory_forms(emulator, tmp_path, arg, size):
    reg = memory_reg(dtb_of(emulator, tmp_path, "-m", arg))
    assert (reg[2] << 32 | reg[3]) == size


@pytest.mark.parametrize("arg", ["2G,slots=2", "2G,maxmem=1G", "2G,bogus=1"])
def test_memory_bad_forms(emulator, arg):
    assert "-m" in refused(emulator, "-m", arg) or "max" in refused(emulator, "-m", arg)


def test_repeated_option_last_wins(emulator, tmp_path):
    reg = memory_reg(dtb_of(emulator, tmp_path, "-m", "1G", "-m", "256M"))
    assert reg[3] == 256 << 20


def test_machine_given_twice_merges(emulator, tmp_path):
    """-machine twice: the options merge (dumpdtb from the first, aclint from the second)."""
    dts = dtb_of(emulator, tmp_path, "-machine", "type=virt", "-machine", "aclint=on")
    assert "riscv,aclint-mswi" in dts
    assert "riscv,aclint-mswi" not in dtb_of(emulator, tmp_path, "-machine", "type=virt")


def test_virt_has_no_acpi_property_in_qemu_7_2(emulator):
    assert "acpi" in refused(emulator, "-M", "virt,acpi=off")


@pytest.mark.parametrize("arg,harts", [("cpus=4,sockets=2,cores=2", 4),
                                       ("2,sockets=1,cores=1,threads=2", 2)])
def test_smp_forms(emulator, tmp_path, arg, harts):
    dts = dtb_of(emulator, tmp_path, "-smp", arg)
    assert len(re.findall(r"\bcpu@\d+ \{", dts)) == harts


@pytest.mark.parametrize("arg,message", [
    ("3,sockets=2", "sockets (2) * cores (1) * threads (1) != maxcpus (3)"),
    ("4,sockets=2,cores=3", "sockets (2) * cores (3) * threads (0) != maxcpus (4)"),
    ("5,threads=2", "sockets (1) * cores (2) * threads (2) != maxcpus (5)"),
    ("4,maxcpus=2", "== maxcpus (2) < smp_cpus (4)"),
    ("4,dies=2", "dies not supported by this machine's CPU topology"),
    ("4,clusters=2", "clusters not supported by this machine's CPU topology"),
])
def test_smp_topologies_qemu_refuses(emulator, arg, message):
    """Topologies whose product is not maxcpus are refused, with QEMU's words."""
    assert message in refused(emulator, "-smp", arg)


# ---- options accepted because the board already behaves as they ask ----

@pytest.mark.parametrize("args", [
    ["-vga", "none"], ["-usb"], ["-k", "en-us"], ["-boot", "order=c"],
    ["-uuid", "12345678-1234-1234-1234-123456789abc"], ["-rtc", "base=utc,clock=host"],
    ["-object", "rng-builtin,id=r0", "-device", "virtio-rng-device,rng=r0"],
    ["-global", "virtio-mmio.force-legacy=false"],
])
def test_accepted_as_qemu_accepts(emulator, tmp_path, args):
    dts = dtb_of(emulator, tmp_path, *args)
    assert "virtio_mmio@10001000" in dts


@pytest.mark.parametrize("args,word", [
    (["-uuid", "not-a-uuid"], "uuid"),
    (["-global", "virtio-mmio.no-such-prop=1"], "no-such-prop"),
    (["-rtc", "base=yesterday"], "format"),
    (["-object", "rng-random,id=r0,filename=/nonexistent/file"], "/nonexistent/file"),
    (["-object", "rng-builtin"], "id"),
    (["-device", "virtio-rng-device,rng=nope"], "nope"),
    (["-device", "virtio-rng-device,id=r", "-set", "device.r.rng=nope"], "nope"),
])
def test_refused_with_a_message_naming_it(emulator, args, word):
    assert word.lower() in refused(emulator, *args).lower()


# Where QEMU 7.2 accepts what Kestrel cannot honour: Kestrel refuses, naming the value
# (QEMU ignores -global for a type it does not have).
@pytest.mark.parametrize("args,word", [(["-global", "no-such-driver.x=1"], "no-such-driver")])
def test_refused_where_qemu_differs(kestrel, args, word):
    assert word in refused(kestrel, *args)


def test_msg_timestamp_prefixes_errors(emulator):
    err = refused(emulator, "-msg", "timestamp=on", "-m", "2G,slots=2")
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z ", err), err
    err = refused(emulator, "-m", "2G,slots=2")
    assert not re.match(r"\d{4}-", err), err


# ---- -global reaches the devices the board creates ----

@pytest.fixture
def mmio_version(tmp_path):
    """Exits with the Version register of the first virtio-mmio transport (0x10001004)."""
    return assemble(tmp_path, "version", "li t0, 0x10001004\n lwu a0, 0(t0)\n exit_with a0")


def test_global_sets_the_property_of_board_devices(emulator, mmio_version):
    proc = run([emulator, "-M", "virt", "-bios", "none", "-nographic",
                "-global", "virtio-mmio.force-legacy=false", "-kernel", mmio_version])
    assert proc.returncode == 2, proc.stderr


@pytest.mark.parametrize("extra", [["-global", "virtio-mmio.force-legacy=true"], []])
def test_global_force_legacy(emulator, mmio_version, extra):
    """The legacy transport, version 1, is also the default (as QEMU's)."""
    proc = run([emulator, "-M", "virt", "-bios", "none", "-nographic", *extra,
                "-kernel", mmio_version])
    assert proc.returncode == 1, proc.stderr


def test_display_curses_is_refused_clearly(kestrel):
    err = refused(kestrel, "-display", "curses")
    assert "curses" in err and "not supported" in err
