"""A nested guest under the H extension: Linux 6.1 (CONFIG_KVM=y) runs tests/kvm/kvm_hello.c,
a minimal KVM user (one vCPU, one page of code: an SBI call, then an MMIO write), on Kestrel
and on QEMU 7.2; both must report the same KVM exits."""
import gzip
import os
import shutil
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD, ROOT

PROMPT = r"kestrel:[^#\r\n]*# "
CROSS_GCC = "riscv64-linux-gnu-gcc"


def newc_entry(name, data, mode):
    """One cpio "newc" member (the initramfs format, Documentation/driver-api/early-userspace)."""
    name_b = name.encode() + b"\0"
    fields = [0, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_b), 0]
    head = b"070701" + b"".join(b"%08X" % f for f in fields) + name_b
    head += b"\0" * (-len(head) % 4)
    return head + data + b"\0" * (-len(data) % 4)


@pytest.fixture(scope="module")
def kvm_initrd(linux_images, tmp_path_factory):
    """rootfs.cpio.gz with /kvm_hello appended as a second gzip'd cpio archive (the kernel
    unpacks concatenated archives in order)."""
    if shutil.which(CROSS_GCC) is None:
        pytest.fail(f"{CROSS_GCC} missing: scripts/setup installs it")
    out = tmp_path_factory.mktemp("kvm")
    binary = out / "kvm_hello"
    subprocess.run([CROSS_GCC, "-static", "-O2", "-Wall", "-Werror", "-o", str(binary),
                    os.path.join(ROOT, "tests", "kvm", "kvm_hello.c")], check=True)
    extra = newc_entry("kvm_hello", binary.read_bytes(), 0o100755)
    extra += newc_entry("TRAILER!!!", b"", 0)
    initrd = out / "rootfs-kvm.cpio.gz"
    with open(initrd, "wb") as f:
        f.write(open(os.path.join(linux_images, "rootfs.cpio.gz"), "rb").read())
        f.write(gzip.compress(extra))
    return str(initrd)


def kvm_exits(binary, linux_images, initrd, extra=()):
    child = pexpect.spawn(binary, ["-M", "virt", "-m", "512", "-nographic", "-kernel",
                                   os.path.join(linux_images, "Image"), "-initrd", initrd,
                                   "-append", "console=ttyS0", *extra],
                          timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    child.sendline("dmesg | grep -i kvm; /kvm_hello; echo RC=$?")
    child.expect(r"RC=(\d+)\r*\n")
    out = child.before
    rc = child.match.group(1)
    child.expect(PROMPT)
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    child.close()
    assert rc == "0", out
    assert "kvm [1]: hypervisor extension available" in out, out
    return [line.strip() for line in out.splitlines() if line.startswith(("exit ", "kvm_hello"))]


EXPECTED = [
    "kvm_hello: api version 12",
    "exit 1: SBI ext 0x8000001 fid 0x0 a0 0x4b",
    "exit 2: MMIO write 0x10000000 len 4 data 0x42",
    "kvm_hello: done",
]


def test_kvm_nested_guest_on_qemu(qemu, linux_images, kvm_initrd):
    """The reference: QEMU 7.2's rv64 (H on by default) gives these exits."""
    assert kvm_exits(qemu, linux_images, kvm_initrd) == EXPECTED


@pytest.mark.parametrize("jit", ["on", "off"])
def test_kvm_nested_guest_exits_match_qemu(kestrel, linux_images, kvm_initrd, jit):
    ours = kvm_exits(kestrel, linux_images, kvm_initrd, ["-accel", f"tcg,jit={jit}"])
    assert ours == EXPECTED, ours
