"""ramfb (hw/display/ramfb.c): the guest program tests/guest/ramfb.c configures the
framebuffer through fw_cfg's "etc/ramfb" and draws a pattern; screendump shows exactly that
pattern at the configured size. Its unusable configurations first each give a guest_errors
line. On q35 the device is accepted too (it lives in fw_cfg, no MMIO)."""
import os

import pexpect

from conftest import BUILD, HANG_GUARD
from rfb_util import read_ppm
from test_vnc import QMP, wait_for

PROGRAM = os.path.join(BUILD, "tests", "guest", "ramfb.elf")
W, H = 320, 200  # RAMFB_W, RAMFB_H of the program
BAD_CONFIG_ERRORS = [
    "ramfb: framebuffer 0x1000+0x3e800 is not inside guest RAM",
    "ramfb: framebuffer 0x81000000+0x2edefffd1710 is not inside guest RAM",
    "ramfb: unsupported fourcc 0x56595559",
    "ramfb: size 0x0 outside 16x16..16000x12000",
    "ramfb: stride 320 shorter than a row of 320 pixels",
]


def pattern():
    """ramfb_pattern() of the program, as the RGB bytes of a PPM."""
    out = bytearray()
    for y in range(H):
        for x in range(W):
            out += bytes((x * 255 // (W - 1), y * 255 // (H - 1), (x ^ y) & 0xFF))
    return bytes(out)


def spawn(binary, tmp_path, args):
    qmp_path = str(tmp_path / "qmp.sock")
    child = pexpect.spawn(binary, args + ["-qmp", f"unix:{qmp_path},server=on,wait=off"],
                          timeout=HANG_GUARD, encoding="utf-8", codec_errors="replace")
    wait_for(qmp_path, child.isalive)
    return child, QMP(qmp_path)


def test_ramfb_guest_program(kestrel, tmp_path):
    assert os.path.exists(PROGRAM), "build the guest programs first (make guest)"
    child, qmp = spawn(kestrel, tmp_path, ["-M", "virt", "-bios", "none", "-nographic",
                                           "-kernel", PROGRAM, "-device", "ramfb",
                                           "-d", "guest_errors"])
    for line in BAD_CONFIG_ERRORS:
        child.expect_exact(line)
    child.expect_exact("ramfb: bad configurations written")
    child.expect_exact(f"ramfb: drawn {W}x{H}")
    shot = str(tmp_path / "ramfb.ppm")
    assert qmp.cmd("screendump", filename=shot) == {"return": {}}
    w, h, pixels = read_ppm(shot)
    assert (w, h) == (W, H)
    assert pixels == pattern()
    assert qmp.cmd("quit") == {"return": {}}
    child.expect(pexpect.EOF)


def test_ramfb_on_q35(tmp_path):
    binary = os.path.join(BUILD, "kestrel-x86_64")
    child, qmp = spawn(binary, tmp_path, ["-M", "q35", "-S", "-display", "none",
                                          "-serial", "none", "-device", "ramfb"])
    # Realized and placed (q35 refuses devices it has no place for).
    assert "dev: ramfb" in qmp.hmp("info qtree")
    assert qmp.cmd("quit") == {"return": {}}
    child.expect(pexpect.EOF)
