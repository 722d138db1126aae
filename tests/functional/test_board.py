"""The board's error contract: a configuration the virt board cannot build (an image that
does not fit, an unwritable dumpdtb file, a bad board property) ends with a clear message and
exit status 1, never a crash; -machine dumpdtb=FILE writes the tree and exits 0, as QEMU."""
import pytest

from conftest import run

MiB = 1024 * 1024


def sparse(path, size):
    with open(path, "wb") as f:
        f.truncate(size)
    return str(path)


def assert_refused(proc, message):
    assert proc.returncode == 1, proc.stderr
    assert message in proc.stderr, proc.stderr
    assert "Segmentation" not in proc.stderr and "Aborted" not in proc.stderr


@pytest.mark.parametrize("path, message", [
    ("/nonexistent-dir/virt.dtb",
     "dumpdtb=/nonexistent-dir/virt.dtb: cannot open for writing: No such file or directory"),
    ("/", "dumpdtb=/: cannot open for writing: Is a directory"),
    ("/dev/full", "dumpdtb=/dev/full: cannot write: No space left on device"),
])
def test_dumpdtb_unwritable(kestrel, path, message):
    proc = run([kestrel, "-M", f"virt,dumpdtb={path}", "-bios", "none", "-nographic"])
    assert_refused(proc, message)


def test_dumpdtb_exits_zero_after_writing(kestrel, tmp_path):
    out = tmp_path / "virt.dtb"
    proc = run([kestrel, "-M", f"virt,dumpdtb={out}", "-bios", "none", "-nographic"])
    assert proc.returncode == 0, proc.stderr
    assert f"kestrel: info: dtb dumped to {out}. Exiting." in proc.stderr
    assert out.read_bytes()[:4] == b"\xd0\x0d\xfe\xed"


def test_dumpdtb_512_harts(kestrel, tmp_path):
    """QEMU's limit for virt is 512 harts; the tree for them needs more than 64 KiB."""
    out = tmp_path / "big.dtb"
    proc = run([kestrel, "-M", f"virt,dumpdtb={out}", "-smp", "512", "-bios", "none"])
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data.count(b"riscv,cpu-intc") == 512
    assert b"cpu@511" in data and b"core511" in data


def test_kernel_leaves_no_room_for_the_device_tree(kestrel, tmp_path):
    """The kernel fits in RAM but reaches where the FDT goes (the last 2 MiB): refused, where
    the tree used to overwrite the kernel's end."""
    kernel = sparse(tmp_path / "fat-kernel.bin", 127 * MiB)
    proc = run([kestrel, "-M", f"virt,dumpdtb={tmp_path}/x.dtb", "-m", "128", "-bios", "none",
                "-kernel", kernel])
    assert_refused(proc, "not enough RAM for the device tree")


def test_initrd_would_overlap_the_kernel(kestrel, tmp_path):
    """The initrd goes 64 MiB above a 128 MiB guest's kernel entry: a 70 MiB kernel reaches it."""
    kernel = sparse(tmp_path / "k.bin", 70 * MiB)
    initrd = sparse(tmp_path / "initrd.img", 1 * MiB)
    proc = run([kestrel, "-M", f"virt,dumpdtb={tmp_path}/x.dtb", "-m", "128", "-bios", "none",
                "-kernel", kernel, "-initrd", initrd])
    assert_refused(proc, "initrd.img: no room for the initrd after the kernel in 128 MiB of RAM")


def test_firmware_leaves_no_room_for_the_kernel(kestrel, tmp_path):
    firmware = sparse(tmp_path / "fat-fw.bin", 127 * MiB)
    kernel = sparse(tmp_path / "k.bin", 4096)
    proc = run([kestrel, "-m", "128", "-bios", firmware, "-kernel", kernel, "-nographic"])
    assert_refused(proc, "k.bin: no room for the kernel after the firmware in 128 MiB of RAM")


def test_kernel_larger_than_ram(kestrel, tmp_path):
    kernel = sparse(tmp_path / "huge.bin", 200 * MiB)
    proc = run([kestrel, "-m", "128", "-bios", "none", "-kernel", kernel, "-nographic"])
    assert_refused(proc, "huge.bin")


def test_ninth_virtio_device(kestrel):
    proc = run([kestrel, "-bios", "none", "-nographic"] +
               ["-device", "virtio-rng-device"] * 9)
    assert_refused(proc, "no free virtio-mmio slot for 'virtio-rng-device'")
