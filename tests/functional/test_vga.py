"""The PC's std VGA: kestrel-x86_64 -M q35 creates QEMU's default VGA card (00:01.0, with
SeaBIOS's vgabios-stdvga.bin in its ROM BAR); SeaBIOS runs that VGA BIOS, which sets text
mode 3 and loads its font into plane 2, and prints its messages on the screen. screendump
gives QEMU 7.2's 720x400 text screen: the banner row and the last message row equal QEMU's
pixel for pixel. -vga std|none, -nodefaults and -device VGA follow QEMU's rules in info pci;
-vga std on virt warns as QEMU does and creates nothing."""
import os
import re
import subprocess
import time

from conftest import HANG_GUARD, KESTREL, run
from rfb_util import read_ppm
from test_vnc import QMP, wait_for
from test_x86_q35 import KESTREL_X86, QEMU_X86, kestrel_x86  # noqa: F401 (fixture)

CELL_W, CELL_H = 9, 16  # mode 3: 9-dot characters, 16 scan lines


def text_screen(binary, tmp_path, name):
    """Boot SeaBIOS without a disk until it gives up, then screendump (HMP) until two dumps
    in a row are alike: (width, height, pixels)."""
    log, sock, shot = (str(tmp_path / f"{name}.{ext}") for ext in ("log", "qmp", "ppm"))
    # No NIC: QEMU's would run its iPXE ROM, which prints too.
    proc = subprocess.Popen(
        [binary, "-M", "q35", "-m", "128", "-display", "none", "-serial", "null",
         "-monitor", "none", "-net", "none", "-qmp", f"unix:{sock},server=on,wait=off",
         "-chardev", f"file,id=dbg,path={log}", "-device",
         "isa-debugcon,iobase=0x402,chardev=dbg"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(sock, lambda: proc.poll() is None)
        qmp = QMP(sock)
        deadline = time.monotonic() + HANG_GUARD  # hang guard only, not a timing check
        while "No bootable device." not in (open(log, errors="replace").read()
                                            if os.path.exists(log) else ""):
            assert proc.poll() is None and time.monotonic() < deadline, name
            time.sleep(0.2)
        last = None
        while True:
            assert qmp.hmp(f"screendump {shot}") == ""
            dump = read_ppm(shot)
            if dump == last:
                return dump
            last = dump
    finally:
        proc.kill()
        proc.communicate()


def cell_rows(w, h, pixels):
    """The screen as rows of cells, each cell the bytes of its 9x16 pixels."""
    rows = []
    for r in range(h // CELL_H):
        row = []
        for c in range(w // CELL_W):
            row.append(b"".join(
                pixels[((r * CELL_H + y) * w + c * CELL_W) * 3:
                       ((r * CELL_H + y) * w + c * CELL_W + CELL_W) * 3]
                for y in range(CELL_H)))
        rows.append(row)
    return rows


def blank(cell):
    return cell == cell[:3] * (len(cell) // 3)


def last_message_row(rows):
    """The last row with several non-blank cells (the cursor alone does not count)."""
    return max(i for i, row in enumerate(rows) if sum(not blank(c) for c in row) > 1)


def test_seabios_text_screen_matches_qemu(kestrel_x86, tmp_path):  # noqa: F811
    w, h, ours = text_screen(kestrel_x86, tmp_path, "kestrel")
    qw, qh, theirs = text_screen(QEMU_X86, tmp_path, "qemu")
    assert (w, h) == (qw, qh) == (720, 400)
    our_rows, their_rows = cell_rows(w, h, ours), cell_rows(w, h, theirs)
    # Row 0: "SeaBIOS (version ...)" in the BIOS's font and colours, as under QEMU.
    assert sum(not blank(c) for c in our_rows[0]) > 20
    assert our_rows[0] == their_rows[0]
    # The last message, "No bootable device.", drawn alike (its row depends on which boot
    # devices each board offers, so the rows are found, not assumed).
    assert our_rows[last_message_row(our_rows)] == their_rows[last_message_row(their_rows)]


def vga_blocks(binary, *args):
    """info pci's blocks of VGA cards (the lines after "Bus ..."), and their slots."""
    out = subprocess.run([binary, "-M", "q35", "-S", "-display", "none", "-serial", "none",
                          "-monitor", "stdio", *args], input="info pci\nquit\n",
                         capture_output=True, text=True, timeout=HANG_GUARD).stdout
    out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out).replace("\r", "")
    blocks = re.findall(r"Bus +0, device +(\d+), function 0:\n((?:    .*\n)+?)      id", out)
    return [(int(slot), text) for slot, text in blocks if "VGA controller" in text]


def test_default_vga_follows_qemu(kestrel_x86):  # noqa: F811
    for args in ([], ["-nographic"], ["-vga", "std"], ["-vga", "none"], ["-nodefaults"],
                 ["-vga", "none", "-device", "VGA"], ["-nodefaults", "-vga", "std"]):
        ours = vga_blocks(kestrel_x86, *args)
        theirs = vga_blocks(QEMU_X86, "-net", "none", *args)
        # -device VGA lands on the first free slot, which QEMU's default NIC may hold.
        assert [b for _, b in ours] == [b for _, b in theirs], args
        if "-device" not in args:
            assert ours == theirs, args
    assert len(vga_blocks(kestrel_x86)) == 1 and "BAR6" in vga_blocks(kestrel_x86)[0][1]


def test_vga_option_on_virt_and_bad_types():
    proc = subprocess.run([KESTREL, "-M", "virt", "-vga", "std", "-S", "-display", "none",
                           "-serial", "none", "-monitor", "stdio"], input="info pci\nquit\n",
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert "No VGA device has been created" in proc.stderr
    assert "VGA controller" not in proc.stdout
    proc = run([KESTREL, "-M", "virt", "-vga", "foo"])
    assert proc.returncode == 1 and "unknown vga type: foo" in proc.stderr
    proc = run([KESTREL_X86, "-M", "q35", "-vga", "cirrus"])
    assert proc.returncode == 1 and "cirrus" in proc.stderr
