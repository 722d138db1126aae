"""The VNC server without a guest (the blank 640x480 console of a board with no
display device): handshakes of RFB 3.3/3.7/3.8, pixel formats, encodings,
VNC authentication with a password set over QMP, several clients, and
malformed or oversized client messages closing only their own connection.
Screendump formats are checked here too (PNG read back with zlib)."""
import json
import os
import socket
import struct
import subprocess
import zlib

import pytest

from rfb_util import ENC_DESKTOP_SIZE, ENC_RAW, ENC_ZRLE, RFBClient, read_ppm

BASE = ["-M", "virt", "-bios", "none", "-S", "-serial", "null"]


class QMP:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(120)
        self.sock.connect(path)
        self.f = self.sock.makefile("rw")
        self.f.readline()
        assert self.cmd("qmp_capabilities") == {"return": {}}

    def cmd(self, name, **args):
        self.f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        self.f.flush()
        while True:
            reply = json.loads(self.f.readline())
            if "event" not in reply:
                return reply

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})["return"]


def wait_for(path, alive):
    """Wait until the emulator has created the socket path; alive() says it still runs."""
    while not os.path.exists(path):
        assert alive(), f"the emulator exited before creating {path}"
        subprocess.run(["sleep", "0.05"])


@pytest.fixture
def vm(kestrel, tmp_path):
    procs = []

    def start(vnc_opts="", vnc=None):
        vnc, qmp = vnc or str(tmp_path / "vnc.sock"), str(tmp_path / "qmp.sock")
        spec = f"{vnc[0]}:{vnc[1] - 5900}" if isinstance(vnc, tuple) else f"unix:{vnc}"
        proc = subprocess.Popen([kestrel] + BASE + ["-vnc", f"{spec}{vnc_opts}",
                                                    "-qmp", f"unix:{qmp},server=on,wait=off"],
                                stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        wait_for(qmp, lambda: proc.poll() is None)
        return vnc, QMP(qmp)
    yield start
    for p in procs:
        p.kill()
        p.wait()


def test_handshakes_formats_and_encodings(vm):
    vnc, qmp = vm()
    for version in (b"RFB 003.003\n", b"RFB 003.007\n", b"RFB 003.008\n", b"RFB 003.889\n"):
        c = RFBClient(vnc, version=version)
        assert (c.width, c.height, c.name, c.security) == (640, 480, b"Kestrel", 1)
        c.close()
    c = RFBClient(vnc)
    # 32 bpp native, ZRLE: one rectangle covering the blank screen.
    c.set_encodings([ENC_ZRLE, ENC_RAW, ENC_DESKTOP_SIZE])
    c.request()
    assert c.read_update() == [(0, 0, 640, 480, ENC_ZRLE)]
    assert c.painted == 640 * 480 and not any(c.fb)
    # 16 bpp big-endian RGB565 and 8 bpp BGR233, Raw: a new format resends everything, then
    # a request gets the 16x16 tiles it touches.
    for fmt in ((16, 16, 31, 63, 31, 11, 5, 0, 1), (8, 8, 7, 7, 3, 0, 3, 6, 0)):
        c.set_pixel_format(*fmt)
        c.set_encodings([ENC_RAW])
        c.request(incremental=True)
        assert c.read_update() == [(0, 0, 640, 480, ENC_RAW)]
        c.painted = 0
        c.request(x=8, y=16, w=32, h=32)
        assert c.read_update() == [(0, 16, 48, 32, ENC_RAW)]
        assert c.painted == 48 * 32 and not any(c.fb)
    # An incremental request with nothing changed is not answered; a full one is.
    c.request(incremental=True)
    c.request(x=600, y=470, w=100, h=100)  # clipped to the framebuffer
    assert c.read_update() == [(592, 464, 48, 16, ENC_RAW)]
    info = qmp.cmd("query-vnc")["return"]
    assert info["enabled"] and info["auth"] == "none" and info["family"] == "unix"
    assert info["service"] == vnc and len(info["clients"]) == 1
    assert f"Server: :{vnc} (unix)" in qmp.hmp("info vnc")


def test_tcp(vm, free_port):
    """-vnc HOST:N listens on TCP port 5900+N; query-vnc and info vnc say where."""
    vnc, qmp = vm(vnc=("127.0.0.1", free_port))
    c = RFBClient(("127.0.0.1", free_port))
    assert (c.width, c.height) == (640, 480)
    info = qmp.cmd("query-vnc")["return"]
    assert (info["host"], info["service"], info["family"]) == ("127.0.0.1", str(free_port), "ipv4")
    assert info["clients"][0]["host"] == "127.0.0.1" and info["clients"][0]["family"] == "ipv4"
    text = qmp.hmp("info vnc")
    assert f"Server: 127.0.0.1:{free_port} (ipv4)" in text and "Client: 127.0.0.1:" in text


def test_password(vm):
    vnc, qmp = vm(",password=on")
    # No password set yet: nobody gets in (QEMU's rule).
    with pytest.raises(PermissionError, match="Authentication failed"):
        RFBClient(vnc, password="")
    assert qmp.cmd("change-vnc-password", password="s3cret") == {"return": {}}
    with pytest.raises(PermissionError):
        RFBClient(vnc, password="wrong")
    for version in (b"RFB 003.003\n", b"RFB 003.008\n"):
        c = RFBClient(vnc, version=version, password="s3cret")
        assert c.security == 2 and c.width == 640
    assert qmp.hmp("change vnc password other") == ""
    assert RFBClient(vnc, password="other").width == 640
    assert qmp.cmd("query-vnc")["return"]["auth"] == "vnc"


def test_password_needs_password_auth(vm):
    vnc, qmp = vm()
    assert qmp.cmd("change-vnc-password", password="x")["error"]["desc"] == "Could not set password"
    assert "please enable password auth" in qmp.hmp("change vnc password x")


def test_bad_messages_close_only_that_client(vm):
    vnc, qmp = vm()
    good = RFBClient(vnc)
    good.set_encodings([ENC_RAW])
    good.request()
    assert good.read_update() == [(0, 0, 640, 480, ENC_RAW)]
    bad_messages = [
        bytes([0x7f]),                                               # unknown type
        struct.pack(">BxxxBBBBHHHBBBxxx", 0, 24, 24, 0, 1, 255, 255, 255, 16, 8, 0),  # 24 bpp
        struct.pack(">BxxxBBBBHHHBBBxxx", 0, 8, 8, 0, 0, 7, 7, 3, 0, 3, 6),  # colour map
        struct.pack(">BxxxI", 6, 64 << 20),                          # 64 MiB of cut text
        b"\x01" * 4,                                                 # SetColourMapEntries
    ]
    for msg in bad_messages:
        bad = RFBClient(vnc)
        bad.sock.sendall(msg)
        assert bad.closed(), msg
    # A bad version string and a security type that was not offered close too.
    s = socket.socket(socket.AF_UNIX)
    s.connect(vnc)
    s.recv(12)
    s.sendall(b"XYZ 003.008\n")
    assert s.recv(100) == b""
    s = socket.socket(socket.AF_UNIX)
    s.connect(vnc)
    s.recv(12)
    s.sendall(b"RFB 003.008\n")
    assert s.recv(2) == b"\x01\x01"
    s.sendall(b"\x02")
    assert s.recv(100)[:4] == b"\0\0\0\1"
    # The good client still works.
    good.request(w=16, h=16)
    assert good.read_update() == [(0, 0, 16, 16, ENC_RAW)]
    assert len(qmp.cmd("query-vnc")["return"]["clients"]) == 1
    # A client that asks for the desktop alone: the others are disconnected.
    alone = RFBClient(vnc, shared=False)
    assert good.closed()
    alone.request(w=16, h=16)
    assert alone.read_update() == [(0, 0, 640, 480, ENC_RAW)]
    assert len(qmp.cmd("query-vnc")["return"]["clients"]) == 1


def png_pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, chunks = 8, b"", []
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", data[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(kind + body)
        chunks.append(kind)
        if kind == b"IHDR":
            w, h, depth, colour, _, _, _ = struct.unpack(">IIBBBBB", body)
            assert (depth, colour) == (8, 2)
        idat += body if kind == b"IDAT" else b""
        pos += 12 + n
    assert chunks[0] == b"IHDR" and chunks[-1] == b"IEND"
    raw = zlib.decompress(idat)
    stride = w * 3 + 1
    assert len(raw) == stride * h and all(raw[y * stride] == 0 for y in range(h))
    return w, h, b"".join(raw[y * stride + 1:(y + 1) * stride] for y in range(h))


def test_screendump_formats_and_errors(vm, tmp_path):
    _, qmp = vm()
    ppm, png = str(tmp_path / "s.ppm"), str(tmp_path / "s.png")
    assert qmp.cmd("screendump", filename=ppm) == {"return": {}}
    assert qmp.hmp(f"screendump {png} -f png") == ""
    w, h, pixels = read_ppm(ppm)
    assert (w, h) == (640, 480) and png_pixels(png) == (w, h, pixels)
    err = qmp.cmd("screendump", filename=ppm, device="nope")["error"]
    assert err == {"class": "DeviceNotFound", "desc": "Device 'nope' not found"}
    err = qmp.cmd("screendump", filename=ppm, format="jpg")["error"]
    assert err["desc"] == "Parameter 'format' does not accept value 'jpg'"
    err = qmp.cmd("screendump", filename="/nonexistent/x.ppm")["error"]
    assert err["desc"].startswith("failed to open file '/nonexistent/x.ppm'")
    assert qmp.hmp(f"screendump {ppm} nope") == "Error: Device 'nope' not found\r\n"
    # Without an input device, as QEMU: keys go nowhere, pointer events are refused.
    assert qmp.cmd("send-key", keys=[{"type": "qcode", "data": "a"}]) == {"return": {}}
    err = qmp.cmd("input-send-event", events=[{"type": "abs",
                                               "data": {"axis": "x", "value": 1}}])["error"]
    assert err["desc"] == "Input handler not found for event type abs"


def test_vnc_option_errors(kestrel):
    for arg, msg in ((":99999", "is not [host]:DISPLAY"), (":1,bogus=on", "Invalid parameter 'bogus'"),
                     ("nohost", "is not [host]:DISPLAY")):
        proc = subprocess.run([kestrel] + BASE + ["-vnc", arg], capture_output=True, text=True,
                              stdin=subprocess.DEVNULL, timeout=60)
        assert proc.returncode == 1 and msg in proc.stderr, (arg, proc.stderr)
