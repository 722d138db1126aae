"""virtio-blk end to end: the bare-metal driver of tests/guest-virtio/virtio_blk.c runs on
the virt board with a raw image behind -drive/-device, on Kestrel and on QEMU (the reference,
which shows the checks are real). The well-behaved part must pass on both; the malformed
rings part checks survival on both and, on Kestrel ("strict" image), the exact outcome of
each case. Then the host checks what the guest left in the image, and the command-line
errors of -drive/-device."""
import os
import subprocess

import pytest

from conftest import BUILD, ROOT, run

GUEST_DIR = os.path.join(ROOT, "tests", "guest-virtio")
OUT = os.path.join(BUILD, "tests", "guest-virtio")
PROGRAM = os.path.join(OUT, "virtio_blk.elf")
IMAGE_SIZE = 1 << 20
SECTOR = 512


@pytest.fixture(scope="module")
def program():
    proc = subprocess.run(["make", "-s", "-C", GUEST_DIR, f"OUT={OUT}"], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        pytest.fail(f"building {GUEST_DIR} failed:\n{proc.stdout}{proc.stderr}")
    return PROGRAM


def make_image(path, strict):
    data = bytearray(IMAGE_SIZE)
    data[0:7] = b"KVTEST" + (b"1" if strict else b"0")
    path.write_bytes(bytes(data))
    return str(path)


def virt_cmd(emulator, program, drive_opts, extra=()):
    cmd = [emulator, "-M", "virt", "-bios", "none", "-nographic", "-no-reboot",
           "-kernel", program, "-drive", drive_opts,
           "-device", "virtio-blk-device,drive=d0,serial=kvtest", *extra]
    # The program drives version 2; virtio-mmio is legacy (version 1) unless told otherwise.
    cmd += ["-global", "virtio-mmio.force-legacy=false"]
    return cmd


def sector(path, n):
    with open(path, "rb") as f:
        f.seek(n * SECTOR)
        return f.read(SECTOR)


def expected_sector6():
    return bytes((0x66 + i * 7) & 0xFF for i in range(SECTOR))


def test_virtio_blk_guest(emulator, program, tmp_path):
    strict = os.path.basename(emulator) == "kestrel"
    img = make_image(tmp_path / "disk.img", strict)
    extra = ["-d", "guest_errors"] if strict else []
    proc = run(virt_cmd(emulator, program, f"file={img},if=none,id=d0,format=raw", extra))
    assert proc.returncode == 0, (
        f"virtio_blk failed check {proc.returncode}\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    assert "all checks passed" in proc.stdout
    # What the guest wrote reached the image.
    assert sector(img, 6) == expected_sector6()
    assert sector(img, 5)[:4] == bytes((0x31 + i * 7) & 0xFF for i in range(4))
    if strict:
        # Each malformed ring was reported under -d guest_errors.
        for what in ("loops", "out of range", "ahead of", "outside RAM", "nested indirect",
                     "bad size", "needs reset"):
            assert what in proc.stderr, f"no guest_errors line with '{what}'"


def test_snapshot_leaves_image_alone(kestrel, program, tmp_path):
    img = make_image(tmp_path / "disk.img", True)
    before = open(img, "rb").read()
    proc = run(virt_cmd(kestrel, program, f"file={img},if=none,id=d0,format=raw,snapshot=on"))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert open(img, "rb").read() == before
    proc = run(virt_cmd(kestrel, program, f"file={img},if=none,id=d0,format=raw", ["-snapshot"]))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert open(img, "rb").read() == before


def test_readonly_drive(kestrel, program, tmp_path):
    # The guest's writes fail on a read-only drive (its check fails), the image stays intact.
    img = make_image(tmp_path / "disk.img", True)
    before = open(img, "rb").read()
    proc = run(virt_cmd(kestrel, program, f"file={img},if=none,id=d0,readonly=on"))
    assert proc.returncode != 0
    assert open(img, "rb").read() == before


@pytest.mark.parametrize("drive,device,message", [
    ("file={missing},if=none,id=d0", "virtio-blk-device,drive=d0", "Could not open '{missing}'"),
    ("file={img},if=none,id=d0,format=vmdk", "virtio-blk-device,drive=d0",
     "format 'vmdk' is not supported yet"),
    ("file={img},if=none,id=d0", "virtio-blk-device,drive=nope", "drive 'nope' not found"),
    ("file={dir},if=none,id=d0", "virtio-blk-device,drive=d0", "{dir}"),
])
def test_command_line_errors(kestrel, tmp_path, drive, device, message):
    img = make_image(tmp_path / "disk.img", True)
    names = {"img": img, "missing": str(tmp_path / "missing.img"), "dir": str(tmp_path)}
    proc = run([kestrel, "-M", "virt", "-nographic", "-bios", "none",
                "-drive", drive.format(**names), "-device", device])
    assert proc.returncode == 1
    assert message.format(**names) in proc.stderr


def test_too_many_devices(kestrel):
    rngs = [arg for _ in range(9) for arg in ("-device", "virtio-rng-device")]
    proc = run([kestrel, "-M", "virt", "-nographic", "-bios", "none", *rngs])
    assert proc.returncode == 1
    assert "no free virtio-mmio slot" in proc.stderr
