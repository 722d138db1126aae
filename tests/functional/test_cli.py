"""Bad command lines and bad images: a clear message and exit status 1, never a crash."""
import os
import struct

import pytest

from conftest import run


@pytest.mark.parametrize("args, message", [
    (["-foo"], "kestrel: -foo: invalid option"),
    (["--foo"], "kestrel: --foo: invalid option"),
    (["-kernel"], "kestrel: -kernel: requires an argument"),
    (["-m", "lots"], "kestrel: -m lots: invalid RAM size 'lots'"),
    (["-smp", "0"], "kestrel: -smp 0: invalid cpus count '0'"),
    (["-M", "pc"], "kestrel: -machine pc: unsupported machine type"),
    (["-M", "virt,aclint=maybe"], "aclint"),
    (["-M", "virt,nosuch=1"], "nosuch"),
    (["-cpu", "pentium"], "kestrel: -cpu pentium: unable to find CPU model 'pentium'"),
    (["-d", "nonsense"], "nonsense"),
    (["-serial", "bogus:thing"], "-serial bogus:thing"),
    (["-device", "no-such-device"], "'no-such-device' is not a valid device model name"),
    (["-display", "curses"], "display 'curses' is not supported"),
    (["-bios", "/nonexistent/fw.bin"], "/nonexistent/fw.bin"),
    (["-bios", "none", "-kernel", "/nonexistent/k.elf"], "/nonexistent/k.elf"),
    (["-bios", "none", "-initrd", "/etc/hostname"], "-initrd requires -kernel"),
    (["-smp", "1000"], "max CPUs"),
    # 264 * 4016 * 4051 wraps to 128 in 32 bits; the product is checked in 64.
    (["-smp", "2,sockets=264,cores=4016,threads=4051,maxcpus=128"],
     "kestrel: Invalid CPU topology: product of the hierarchy must match maxcpus: "
     "sockets (264) * cores (4016) * threads (4051) != maxcpus (128)"),
    (["-smp", "sockets=4096,cores=4096,threads=4096"], "Invalid SMP CPUs 68719476736."),
    (["-smp", "4,maxcpus=2"], "maxcpus must be equal to or greater than smp"),
])
def test_bad_command_line(kestrel, args, message):
    proc = run([kestrel, "-nographic"] + args)
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr
    assert "Segmentation" not in proc.stderr


def test_help_and_version(kestrel):
    proc = run([kestrel, "-h"])
    assert proc.returncode == 0
    assert "-machine" in proc.stdout and "Where Kestrel differs from QEMU" in proc.stdout
    proc = run([kestrel, "--version"])
    assert proc.returncode == 0 and proc.stdout.startswith("Kestrel emulator version")


@pytest.mark.parametrize("opt, expected", [
    (["-machine", "help"], "virt"),
    (["-cpu", "help"], "rv64"),
    (["-device", "help"], ""),
    (["-d", "help"], "guest_errors"),
])
def test_help_lists(kestrel, opt, expected):
    proc = run([kestrel] + opt)
    assert proc.returncode == 0, proc.stderr
    assert expected in proc.stdout


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return str(path)


def elf_header(machine=243, phoff=64, phnum=1, cls=2, data=1):
    ident = b"\x7fELF" + bytes([cls, data, 1]) + bytes(9)
    return ident + struct.pack("<HHIQQQIHHHHHH", 2, machine, 1, 0x80000000, phoff, 0, 0, 64,
                               56, phnum, 64, 0, 0)


def phdr(offset, paddr, filesz, memsz):
    return struct.pack("<IIQQQQQQ", 1, 7, offset, paddr, paddr, filesz, memsz, 4)


@pytest.mark.parametrize("name, content", [
    ("truncated-header.elf", elf_header()[:30]),
    ("wrong-machine.elf", elf_header(machine=62) + phdr(120, 0x80000000, 4, 4) + b"\0" * 4),
    ("elf32.elf", elf_header(cls=1)),
    ("big-endian.elf", elf_header(data=2)),
    ("phdr-outside.elf", elf_header(phoff=1 << 40)),
    ("segment-past-eof.elf", elf_header() + phdr(120, 0x80000000, 1 << 20, 1 << 20)),
    ("segment-outside-ram.elf", elf_header() + phdr(120, 0x4000000000, 4, 4) + b"\0" * 4),
    ("huge-filesz.elf", elf_header() + phdr(120, 0x80000000, (1 << 64) - 8, (1 << 64) - 8)),
    ("memsz-wraps.elf", elf_header() + phdr(120, 0xfffffffffffff000, 4, 0x2000) + b"\0" * 4),
])
def test_bad_elf_kernel(kestrel, tmp_path, name, content):
    path = write(tmp_path / name, content)
    proc = run([kestrel, "-nographic", "-bios", "none", "-kernel", path])
    assert proc.returncode == 1, proc.stderr
    assert name in proc.stderr
    assert "Segmentation" not in proc.stderr and "Aborted" not in proc.stderr


# QEMU: "could not load firmware/kernel", exit 1. An empty image would run whatever memory
# holds (Kestrel hung); empty initrds are refused too, truncated files by their format.
@pytest.mark.parametrize("args", [
    ["-bios", "{empty}"],
    ["-bios", "{trunc}"],
    ["-bios", "none", "-kernel", "{empty}"],
    ["-bios", "none", "-kernel", "{trunc}"],
    ["-kernel", "{empty}"],
    ["-bios", "none", "-kernel", "{raw}", "-initrd", "{empty}"],
    ["-bios", "none", "-kernel", "{raw}", "-dtb", "{empty}"],
    ["-bios", "none", "-kernel", "{raw}", "-dtb", "{trunc_dtb}"],
])
def test_empty_or_truncated_image(kestrel, tmp_path, args):
    files = {"empty": write(tmp_path / "empty.img", b""),
             "trunc": write(tmp_path / "trunc.elf", elf_header()[:40]),
             "raw": write(tmp_path / "loop.bin", b"\x6f\x00\x00\x00"),  # j .
             "trunc_dtb": write(tmp_path / "trunc.dtb", b"\xd0\x0d\xfe\xed\x00\x00\x10\x00"
                                + bytes(32))}
    args = [a.format(**files) for a in args]
    bad = [a for a in args if a in (files["empty"], files["trunc"], files["trunc_dtb"])][0]
    proc = run([kestrel, "-nographic"] + args)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.startswith(f"kestrel: {bad}: "), proc.stderr
    assert "Segmentation" not in proc.stderr and "Aborted" not in proc.stderr


def test_raw_kernel_too_big(kestrel, tmp_path):
    path = tmp_path / "huge.bin"
    with open(path, "wb") as f:
        f.truncate(200 * 1024 * 1024)
    proc = run([kestrel, "-nographic", "-m", "128", "-bios", "none", "-kernel", str(path)])
    assert proc.returncode == 1
    assert "huge.bin" in proc.stderr


@pytest.mark.parametrize("content", [b"", b"\xd0\x0d\xfe\xed" + b"\xff" * 60, b"not a dtb" * 10])
def test_bad_dtb(kestrel, tmp_path, content):
    path = write(tmp_path / "bad.dtb", content)
    proc = run([kestrel, "-nographic", "-bios", "none", "-dtb", path])
    assert proc.returncode == 1
    assert "bad.dtb" in proc.stderr


def test_dumpdtb(kestrel, tmp_path):
    out = tmp_path / "virt.dtb"
    proc = run([kestrel, "-M", f"virt,dumpdtb={out}", "-nographic", "-append", "hello=1"])
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data[:4] == b"\xd0\x0d\xfe\xed"
    for needle in [b"riscv-virtio,qemu", b"ns16550a", b"sifive,plic-1.0.0", b"sifive,clint0",
                   b"google,goldfish-rtc", b"sifive,test1", b"syscon-poweroff", b"hello=1",
                   b"rv64imafdc"]:
        assert needle in data, needle


def test_dumpdtb_aclint(kestrel, tmp_path):
    out = tmp_path / "aclint.dtb"
    proc = run([kestrel, "-M", f"virt,aclint=on,dumpdtb={out}", "-nographic"])
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    for needle in [b"riscv,aclint-mswi", b"riscv,aclint-mtimer", b"riscv,aclint-sswi"]:
        assert needle in data, needle
