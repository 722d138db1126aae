"""ramfb (hw/display/ramfb.c): the guest program tests/guest/ramfb.c configures the
framebuffer through fw_cfg's "etc/ramfb" and draws a pattern; screendump shows exactly that
pattern at the configured size. Its unusable configurations first each give a guest_errors
line. On q35 a real-mode -bios program (x86-ramfb-rom.S) does the same, and QEMU 7.2 shows
the same picture for it."""
import os
import shutil
import time

import pexpect

from conftest import BUILD, HANG_GUARD, assemble_x86_rom
from rfb_util import read_ppm
from test_vnc import QMP, wait_for

PROGRAM = os.path.join(BUILD, "tests", "guest", "ramfb.elf")
X86_ROM_SRC = os.path.join(os.path.dirname(__file__), "x86-ramfb-rom.S")
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
    qmp_path = str(tmp_path / f"{os.path.basename(binary)}.qmp")
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


def x86_ramfb_screen(binary, rom, tmp_path):
    """Run the ROM on q35 with -device ramfb until it says it is done; the screendump."""
    log, shot = tmp_path / f"{os.path.basename(binary)}.log", str(tmp_path / "x86.ppm")
    child, qmp = spawn(binary, tmp_path, [
        "-M", "q35", "-vga", "none", "-bios", rom, "-display", "none", "-serial", "null",
        "-monitor", "none", "-device", "ramfb", "-chardev", f"file,id=dbg,path={log}",
        "-device", "isa-debugcon,iobase=0x402,chardev=dbg"])
    deadline = time.monotonic() + HANG_GUARD  # a hang guard, not a timing check
    while "\n" not in (log.read_text() if log.exists() else "") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert log.read_text() == "RAMFB OK\n"
    assert qmp.cmd("screendump", filename=shot) == {"return": {}}
    assert qmp.cmd("quit") == {"return": {}}
    child.expect(pexpect.EOF)
    return read_ppm(shot)


def test_ramfb_on_q35_matches_qemu(tmp_path):
    """QEMU 7.2 refuses -device ramfb on riscv virt (its fw_cfg comes too late), but q35
    takes it: the same real-mode program under both gives the same picture, the one it drew."""
    qemu_x86 = shutil.which("qemu-system-x86_64")
    assert qemu_x86, "qemu-system-x86_64 missing: run scripts/setup"
    rom = assemble_x86_rom(X86_ROM_SRC, tmp_path)
    ours = x86_ramfb_screen(os.path.join(BUILD, "kestrel-x86_64"), rom, tmp_path)
    want = b"".join(bytes(((4 * x) & 0xFF, (5 * y) & 0xFF, x ^ y)) for y in range(48)
                    for x in range(64))
    assert ours == (64, 48, want)
    assert x86_ramfb_screen(qemu_x86, rom, tmp_path) == ours
