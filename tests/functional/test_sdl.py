"""-display sdl (ui/sdl2*.c) on a virtual X server (Xvfb, installed by scripts/setup):
  - the ramfb guest program (tests/guest/ramfb.c): the window takes the guest's 320x200 and
    an X screenshot of it (xwd) has exactly the screendump's pixels; Ctrl-Alt-G (xdotool)
    grabs and the title says how to leave; a window the user makes twice as big shows the
    picture scaled 2x; closing the window (WM_DELETE_WINDOW) ends Kestrel with status 0;
  - Linux on virtio-gpu with the virtio keyboard and tablet: the window follows the guest's
    mode to 1280x800 and shows its console; a key typed and a click made with xdotool arrive
    at the guest's input devices (the click as an absolute position);
  - without $DISPLAY, QEMU's error and exit status 1."""
import ctypes
import os
import struct
import subprocess
import time

import pexpect
import pytest

from conftest import HANG_GUARD
from rfb_util import read_ppm
from test_display import (EV_ABS, EV_KEY, KEY_A, MMIO, boot, capture_events, captured_events,
                          event_device, screen, show_line, start)
from test_ramfb import PROGRAM, H, W, pattern, spawn


@pytest.fixture
def xvfb():
    """A virtual X server on a display number it picks itself (-displayfd); its DISPLAY."""
    rfd, wfd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "2560x1600x24",
                             "-nolisten", "tcp"], pass_fds=[wfd], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    os.close(wfd)
    with os.fdopen(rfd) as f:
        display = ":" + f.readline().strip()
    assert display != ":", "Xvfb did not start"
    yield display
    proc.terminate()
    proc.wait()


def until(what, done):
    """Poll done() until it is true: the window system works asynchronously. HANG_GUARD
    guards against a broken build hanging the suite, it is no performance limit."""
    deadline = time.monotonic() + HANG_GUARD
    while not done():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)


def x11(display, *cmd):
    out = subprocess.run(list(cmd), env=dict(os.environ, DISPLAY=display), capture_output=True,
                         text=False, timeout=HANG_GUARD, check=True).stdout
    return out


def window_id(display):
    """Kestrel's window, once it is mapped."""
    found = []

    def search():
        proc = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", "^Kestrel"],
                              env=dict(os.environ, DISPLAY=display), capture_output=True,
                              text=True, timeout=HANG_GUARD)
        found[:] = proc.stdout.split()
        return found
    until("a Kestrel window", search)
    return int(found[0])


def window_info(display, wid):
    """(width, height, title) from xwininfo."""
    out = x11(display, "xwininfo", "-id", str(wid)).decode()
    fields = dict(line.strip().split(": ", 1) for line in out.splitlines() if ": " in line)
    title = out.split('"', 1)[1].rsplit('"', 1)[0]
    return int(fields["Width"]), int(fields["Height"]), title


def wait_window_size(display, wid, size):
    until(f"window size {size}", lambda: window_info(display, wid)[:2] == size)


def read_xwd(data):
    """(width, height, RGB bytes) of an xwd dump of a 24-bit TrueColor window."""
    header = struct.unpack(">25I", data[:100])
    size, width, height = header[0], header[4], header[5]
    order, bpp, line, masks, ncolors = header[7], header[11], header[12], header[14:17], header[19]
    assert bpp == 32 and masks == (0xFF0000, 0xFF00, 0xFF), header
    start, out = size + ncolors * 12, bytearray()
    for y in range(height):
        row = data[start + y * line:start + y * line + width * 4]
        for (p,) in struct.iter_unpack("<I" if order == 0 else ">I", row):
            out += bytes(((p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF))
    return width, height, bytes(out)


def window_shows(display, wid, want):
    """Wait until an X screenshot of the window has the pixels want (width, height, RGB):
    the display thread presents asynchronously."""
    until("the window shows the guest's pixels",
          lambda: read_xwd(x11(display, "xwd", "-silent", "-id", str(wid))) == want)


def send_wm_delete(display, wid):
    """What a window manager sends when the user closes a window (ICCCM WM_DELETE_WINDOW)."""
    class ClientMessage(ctypes.Structure):
        _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong),
                    ("send_event", ctypes.c_int), ("display", ctypes.c_void_p),
                    ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                    ("format", ctypes.c_int), ("data", ctypes.c_long * 5),
                    ("pad", ctypes.c_long * 12)]  # XEvent is 24 longs
    xlib = ctypes.CDLL("libX11.so.6")
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                                ctypes.c_void_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    dpy = xlib.XOpenDisplay(display.encode())
    assert dpy
    ev = ClientMessage(type=33, window=wid, format=32,  # 33 = ClientMessage
                       message_type=xlib.XInternAtom(dpy, b"WM_PROTOCOLS", 0))
    ev.data[0] = xlib.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    assert xlib.XSendEvent(dpy, wid, 0, 0, ctypes.byref(ev))
    xlib.XCloseDisplay(dpy)  # flushes


def test_sdl_without_display_is_an_error(kestrel):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    proc = subprocess.run([kestrel, "-M", "virt", "-display", "sdl"], env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert "Could not initialize SDL(no window system: $DISPLAY is not set) - exiting" in \
        proc.stderr


def test_sdl_window_shows_ramfb(kestrel, xvfb, tmp_path):
    os.environ["DISPLAY"] = xvfb  # the child inherits it
    try:
        child, qmp = spawn(kestrel, tmp_path, ["-M", "virt", "-bios", "none", "-nographic",
                                               "-kernel", PROGRAM, "-device", "ramfb",
                                               "-display", "sdl"])
    finally:
        del os.environ["DISPLAY"]
    child.expect_exact(f"ramfb: drawn {W}x{H}")
    wid = window_id(xvfb)
    wait_window_size(xvfb, wid, (W, H))
    shot = str(tmp_path / "shot.ppm")
    assert qmp.cmd("screendump", filename=shot) == {"return": {}}
    assert read_ppm(shot) == (W, H, pattern())
    window_shows(xvfb, wid, (W, H, pattern()))
    assert window_info(xvfb, wid)[2] == "Kestrel"

    x11(xvfb, "xdotool", "windowfocus", "--sync", str(wid))
    x11(xvfb, "xdotool", "key", "ctrl+alt+g")
    until("the grab title",
          lambda: window_info(xvfb, wid)[2] == "Kestrel - Press Ctrl-Alt-G to exit grab")
    x11(xvfb, "xdotool", "key", "ctrl+alt+g")
    until("the title without grab", lambda: window_info(xvfb, wid)[2] == "Kestrel")

    # The user makes the window twice as big: the guest's picture is scaled to fill it.
    x11(xvfb, "xdotool", "windowsize", str(wid), str(2 * W), str(2 * H))
    pat = pattern()
    scaled = b"".join(pat[((y // 2) * W + x // 2) * 3:((y // 2) * W + x // 2) * 3 + 3]
                      for y in range(2 * H) for x in range(2 * W))
    window_shows(xvfb, wid, (2 * W, 2 * H, scaled))

    send_wm_delete(xvfb, wid)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_sdl_linux_console_and_input(kestrel, linux_images, xvfb, tmp_path):
    os.environ["DISPLAY"] = xvfb
    try:
        child, qmp = start(kestrel, linux_images, tmp_path, MMIO + ["-display", "sdl"])
    finally:
        del os.environ["DISPLAY"]
    wid = window_id(xvfb)
    assert window_info(xvfb, wid)[:2] == (640, 480)  # the blank screen before the guest runs
    boot(child, qmp)
    wait_window_size(xvfb, wid, (1280, 800))
    kbd = event_device(child, "QEMU Virtio Keyboard")
    tablet = event_device(child, "QEMU Virtio Tablet")
    capture_events(child, kbd, 4)     # a: down, SYN, up, SYN
    capture_events(child, tablet, 6)  # ABS_X, ABS_Y, BTN_LEFT down, SYN, BTN_LEFT up, SYN
    show_line(child)
    w, h, pixels = screen(qmp, str(tmp_path / "linux.ppm"))
    window_shows(xvfb, wid, (w, h, pixels))

    x11(xvfb, "xdotool", "windowfocus", "--sync", str(wid))
    x11(xvfb, "xdotool", "key", "a")
    assert captured_events(child, kbd, 4) == [(EV_KEY, KEY_A, 1), (EV_KEY, KEY_A, 0)]
    x11(xvfb, "xdotool", "mousemove", "--window", str(wid), "640", "400", "click", "1")
    moves = captured_events(child, tablet, 6)
    # 640 of 1280 pixels and 400 of 800, scaled to 0..0x7fff as QEMU does.
    assert (EV_ABS, 0, 640 * 0x7FFF // 1279) in moves and (EV_ABS, 1, 400 * 0x7FFF // 799) in \
        moves, moves
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
