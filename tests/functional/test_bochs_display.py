"""Linux's bochs-drm on the std VGA's PCI faces (-device bochs-display, -device VGA) on virt:
fbcon draws tty0 into the linear framebuffer, screendump shows it at QEMU 7.2's resolution
(1280x800 from the EDID) with the same pixels as QEMU 7.2 for the same text."""
import pexpect

from rfb_util import ENC_DESKTOP_SIZE, ENC_RAW, RFBClient
from test_display import boot, screen, show_line, start
from test_linux import sh


def vnc_sees_text(vnc):
    """Nothing tells the console when the guest writes the framebuffer: the console polls
    it while a viewer watches, so a VNC client gets the text without any screendump."""
    c = RFBClient(vnc)
    c.set_encodings([ENC_RAW, ENC_DESKTOP_SIZE])
    c.request()
    while True:
        c.read_update()
        fb = c.framebuffer_rgb()
        if (c.width, c.height) == (1280, 800) and any(fb[: 1280 * 3 * 16]):
            return
        c.request(incremental=True)


def run(binary, images, tmp_path, device, name, vnc=None):
    extra = ["-vnc", f"unix:{vnc}"] if vnc else []
    child, qmp = boot(*start(binary, images, tmp_path, ["-device", device] + extra))
    assert "bochs-drmdrmfb" in sh(child, "cat /proc/fb")
    show_line(child)
    if vnc:
        vnc_sees_text(vnc)
    shot = screen(qmp, str(tmp_path / f"{name}.ppm"))
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    return shot


def test_bochs_display_and_vga(kestrel, qemu, linux_images, tmp_path):
    w, h, pixels = run(kestrel, linux_images, tmp_path, "bochs-display", "k")
    assert (w, h) == (1280, 800)
    qw, qh, qpixels = run(qemu, linux_images, tmp_path, "bochs-display", "q")
    assert (qw, qh) == (w, h)
    assert qpixels == pixels
    # The VGA face (attribute controller unblanked by the driver) shows the same screen.
    assert run(kestrel, linux_images, tmp_path, "VGA", "v", str(tmp_path / "vnc.sock")) == \
        (w, h, pixels)
