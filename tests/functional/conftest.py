"""Shared fixtures for the functional tests: the emulator binary, QEMU for
side-by-side comparisons, free TCP ports and guest programs."""
import os
import resource
import shutil
import socket
import subprocess

import pytest

# No test may leave a core dump in the tree (tests run from its root): every emulator, gdb
# or tool a test starts inherits this (issue 13 item 12).
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.path.join(ROOT, "build")
# KESTREL=build-asan/kestrel runs the same tests against another build (the sanitizer tiers of
# tests/run); guest programs and images still come from build/.
KESTREL = os.path.abspath(os.environ.get("KESTREL") or os.path.join(BUILD, "kestrel"))
QEMU = shutil.which("qemu-system-riscv64")
KESTREL_X86 = os.path.abspath(os.environ.get("KESTREL_X86") or os.path.join(BUILD, "kestrel-x86_64"))
QEMU_X86 = shutil.which("qemu-system-x86_64")
OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf"
# A guard against a hung guest, not a performance limit: generous on purpose.
HANG_GUARD = 300


@pytest.fixture(scope="session")
def kestrel():
    assert os.access(KESTREL, os.X_OK), f"{KESTREL} missing: run make first"
    return KESTREL


@pytest.fixture(scope="session")
def qemu():
    assert QEMU, "qemu-system-riscv64 missing: run scripts/setup"
    return QEMU


# The emulators a behaviour test runs against: ours, and QEMU to prove the test checks
# something real.
EMULATORS = ["kestrel", "qemu"]


@pytest.fixture(params=EMULATORS)
def emulator(request):
    return KESTREL if request.param == "kestrel" else QEMU


@pytest.fixture
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd, **kw):
    """Run a command to completion with the hang guard; returns CompletedProcess."""
    return subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=HANG_GUARD, **kw)


def dump_dts(emulator, tmp_path, *args, machine="virt"):
    """The device tree the board (machine, with args) builds, as dts text: dumped with
    -machine dumpdtb, which must exit 0, and decompiled by dtc."""
    out = tmp_path / "dump.dtb"
    out.unlink(missing_ok=True)
    proc = run([emulator, "-M", f"{machine},dumpdtb={out}", "-display", "none", *args])
    assert proc.returncode == 0, proc.stderr
    return subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(out)], capture_output=True,
                          text=True, check=True).stdout


def assemble_x86_rom(src, outdir):
    """A -bios image from an x86 assembly source (real mode from the reset vector): as --32,
    ld at address 0, objcopy to a flat binary. Its path."""
    obj, elf, out = outdir / "rom.o", outdir / "rom.elf", outdir / "rom.bin"
    subprocess.run(["as", "--32", src, "-o", str(obj)], check=True)
    subprocess.run(["ld", "-m", "elf_i386", "-Ttext", "0", "-e", "_start", "-o", str(elf),
                    str(obj)], check=True)
    subprocess.run(["objcopy", "-O", "binary", str(elf), str(out)], check=True)
    return str(out)


@pytest.fixture(scope="session")
def x86_binaries():
    """(kestrel-x86_64, qemu-system-x86_64): the x86 tests run both."""
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    return KESTREL_X86, QEMU_X86


@pytest.fixture(scope="session")
def x86_image_dir():
    """The directory of scripts/build-x86-images' outputs: bzImage, initrd.cpio.gz, disk.img
    and boot.img (built once, then cached outside the tree)."""
    proc = subprocess.run([os.path.join(ROOT, "scripts", "build-x86-images")], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, "scripts/build-x86-images failed:\n" + proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-1]


def smp_firmware():
    """["-bios", PATH] for Linux boots with more than one hart: Debian's OpenSBI 1.1 with its
    hart_start race closed by scripts/opensbi-hsm-fix. The stock build hangs about one such
    boot in a hundred, under QEMU as under Kestrel (docs/smp-boot-hang.md); single-hart boots
    and `make run` keep the stock firmware."""
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"),
                         "kestrel")
    path = os.path.join(cache, "opensbi-1.1-2-hsm-fixed.bin")
    if not os.path.exists(path):
        os.makedirs(cache, exist_ok=True)
        partial = f"{path}.{os.getpid()}"
        subprocess.run([os.path.join(ROOT, "scripts", "opensbi-hsm-fix"), partial, OPENSBI],
                       check=True)
        os.replace(partial, path)
    return ["-bios", path]


@pytest.fixture(scope="session")
def linux_images():
    """Directory with Image, rootfs.cpio.gz and disk.img from scripts/build-images (built once,
    then cached outside the tree; the first build takes minutes)."""
    proc = subprocess.run([os.path.join(ROOT, "scripts", "build-images")], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, "scripts/build-images failed:\n" + proc.stderr[-3000:]
    outdir = proc.stdout.strip().splitlines()[-1]
    for name in ("Image", "rootfs.cpio.gz", "disk.img"):
        assert os.path.exists(os.path.join(outdir, name)), f"{name} missing in {outdir}"
    return outdir
