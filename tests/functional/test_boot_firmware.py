"""Boot Debian's OpenSBI and U-Boot, as users do under QEMU, and compare with QEMU."""
import re

import pexpect
import pytest

from conftest import HANG_GUARD, OPENSBI, UBOOT

BANNER_KEYS = [
    "Platform Name", "Platform Features", "Platform HART Count", "Platform IPI Device",
    "Platform Timer Device", "Platform Console Device", "Platform HSM Device",
    "Platform Reboot Device", "Platform Shutdown Device", "Firmware Base", "Firmware Size",
    "Runtime SBI Version", "Domain0 Name", "Domain0 Boot HART", "Domain0 HARTs",
    "Domain0 Region00", "Domain0 Region01", "Domain0 Region02", "Domain0 Next Address",
    "Domain0 Next Arg1", "Domain0 Next Mode", "Domain0 SysReset", "Boot HART ID",
    "Boot HART Domain", "Boot HART Priv Version", "Boot HART Base ISA",
    "Boot HART ISA Extensions", "Boot HART PMP Count", "Boot HART PMP Granularity",
    "Boot HART PMP Address Bits", "Boot HART MHPM Count", "Boot HART MIDELEG",
    "Boot HART MEDELEG",
]

# Lines that differ from QEMU 7.2 by design: none since the harts have the H extension
# (base ISA "rv64imafdch", MIDELEG 0x1666 and MEDELEG 0xf0b509 with its delegation bits).
KNOWN_DIFFERENCES = {}


def spawn(binary, args):
    child = pexpect.spawn(binary, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    return child


def quit_console(child):
    child.send("\x01x")
    child.expect(pexpect.EOF)
    child.close()


def opensbi_banner(binary, extra=()):
    child = spawn(binary, ["-M", "virt", "-nographic", "-m", "256", *extra])
    child.expect(r"Boot HART MEDELEG *: *0x[0-9a-f]{16}")
    text = child.before + child.after
    quit_console(child)
    banner = {}
    for line in text.splitlines():
        m = re.match(r"^(\S[^:]*?)\s*:\s*(.*?)\s*$", line)
        if m:
            banner[m.group(1)] = m.group(2)
    return banner


def test_opensbi_banner_matches_qemu(kestrel, qemu):
    ours = opensbi_banner(kestrel)
    theirs = opensbi_banner(qemu)
    assert ours["Platform Name"] == "riscv-virtio,qemu"
    assert ours["Platform IPI Device"] == "aclint-mswi"
    assert ours["Platform Timer Device"] == "aclint-mtimer @ 10000000Hz"
    assert ours["Platform Console Device"] == "uart8250"
    assert ours["Platform Reboot Device"] == "sifive_test"
    assert ours["Platform Shutdown Device"] == "sifive_test"
    for key in BANNER_KEYS:
        if key in KNOWN_DIFFERENCES:
            assert (theirs[key], ours[key]) == KNOWN_DIFFERENCES[key], key
        else:
            assert ours.get(key) == theirs.get(key), key


def test_opensbi_smp_hart_count(kestrel):
    banner = opensbi_banner(kestrel, ["-smp", "2"])
    assert banner["Platform HART Count"] == "2"


def test_opensbi_aclint(kestrel):
    banner = opensbi_banner(kestrel, ["-M", "virt,aclint=on"])
    assert banner["Platform IPI Device"] == "aclint-mswi"
    assert banner["Platform Timer Device"] == "aclint-mtimer @ 10000000Hz"


@pytest.fixture(params=["kestrel", "qemu"])
def uboot(request, kestrel, qemu):
    binary = kestrel if request.param == "kestrel" else qemu
    child = spawn(binary, ["-M", "virt", "-m", "256", "-nographic", "-kernel", UBOOT])
    child.expect("OpenSBI v")
    child.expect("U-Boot 20")
    # Stop autoboot (it would try networks and disks) and wait for the prompt.
    child.expect("Hit any key to stop autoboot")
    child.send(" ")
    child.expect("=> ")
    yield child
    quit_console(child)


def test_uboot_commands(uboot):
    uboot.sendline("version")
    uboot.expect(r"U-Boot 20\d\d")
    uboot.expect("=> ")
    uboot.sendline("bdinfo")
    uboot.expect(r"DRAM bank.*\n.*start\s*= 0x0*80000000")
    uboot.expect(r"size\s*= 0x0*10000000")
    uboot.expect("=> ")
    uboot.sendline("mw.l 0x84000000 0x12345678; md.l 0x84000000 1")
    uboot.expect("84000000: 12345678")
    uboot.expect("=> ")
    uboot.sendline("setenv kestrel works; printenv kestrel")
    uboot.expect("kestrel=works")
    uboot.expect("=> ")
    # The goldfish RTC answers U-Boot's date command (needs the RTC driver and its DT node).
    uboot.sendline("fdt addr $fdtcontroladdr; fdt print /soc/rtc@101000")
    uboot.expect("google,goldfish-rtc")
    uboot.expect("=> ")


def test_uboot_reset_and_poweroff(kestrel):
    child = spawn(kestrel, ["-M", "virt", "-m", "256", "-nographic", "-no-reboot", "-kernel",
                            UBOOT])
    child.expect("Hit any key to stop autoboot")
    child.send(" ")
    child.expect("=> ")
    child.sendline("reset")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_console_escape_keys(kestrel):
    child = spawn(kestrel, ["-M", "virt", "-nographic"])
    child.expect("Platform Name")
    child.send("\x01h")
    child.expect("C-a x    exit emulator")
    child.expect("C-a t    toggle console timestamps")
    child.send("\x01x")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
