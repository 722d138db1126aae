"""A small RFB (VNC) client for the display tests, written from RFC 6143: the
handshake (3.3, 3.7, 3.8; None or VNC authentication), SetPixelFormat,
SetEncodings, FramebufferUpdateRequest and the decoding of Raw, ZRLE and
DesktopSize rectangles into an RGB framebuffer (a bytearray of rows, as a PPM
holds them), KeyEvent and PointerEvent. Also a PPM reader for screendump files."""
import ctypes
import ctypes.util
import socket
import struct
import zlib

ENC_RAW, ENC_ZRLE, ENC_DESKTOP_SIZE = 0, 16, -223


def read_ppm(path):
    """(width, height, bytes of RGB rows) of a binary PPM."""
    with open(path, "rb") as f:
        data = f.read()
    magic, dims, maxval, pixels = data.split(b"\n", 3)
    assert magic == b"P6" and maxval == b"255", data[:20]
    w, h = map(int, dims.split())
    assert len(pixels) == w * h * 3
    return w, h, pixels


def des_vnc_response(password, challenge):
    """VNC authentication's answer, through OpenSSL's DES (not the emulator's nettle)."""
    lib = ctypes.CDLL(ctypes.util.find_library("crypto"))
    key = bytes(int(f"{b:08b}"[::-1], 2) for b in password.encode()[:8].ljust(8, b"\0"))
    schedule = ctypes.create_string_buffer(128 * 8)
    lib.DES_set_key_unchecked(key, schedule)
    out = b""
    for i in (0, 8):
        block = ctypes.create_string_buffer(8)
        lib.DES_ecb_encrypt(challenge[i:i + 8], block, schedule, 1)
        out += block.raw
    return out


class RFBClient:
    def __init__(self, path, version=b"RFB 003.008\n", password=None, shared=True):
        # path: a UNIX socket's path, or a (host, port) pair
        self.sock = socket.socket(socket.AF_INET if isinstance(path, tuple) else socket.AF_UNIX)
        self.sock.settimeout(120)
        self.sock.connect(path)
        self.buf = b""
        assert self.recv(12) == b"RFB 003.008\n"
        self.sock.sendall(version)
        minor = int(version[8:11])
        if minor < 7:
            sec = struct.unpack(">I", self.recv(4))[0]
        else:
            n = self.recv(1)[0]
            types = self.recv(n)
            sec = types[0]
            self.sock.sendall(bytes([sec]))
        self.security = sec
        if sec == 2:
            challenge = self.recv(16)
            self.sock.sendall(des_vnc_response(password or "", challenge))
        if sec == 2 or minor >= 8:
            result = struct.unpack(">I", self.recv(4))[0]
            if result != 0:
                reason = self.recv(struct.unpack(">I", self.recv(4))[0]) if minor >= 8 else b""
                raise PermissionError(reason.decode())
        self.sock.sendall(bytes([1 if shared else 0]))
        w, h = struct.unpack(">HH", self.recv(4))
        self.server_pf = self.recv(16)
        self.name = self.recv(struct.unpack(">I", self.recv(4))[0])
        self.width, self.height = w, h
        self.pf = dict(bpp=32, big=0, rmax=255, gmax=255, bmax=255, rs=16, gs=8, bs=0)
        self.fb = bytearray(w * h * 3)
        self.painted = 0  # pixels received
        self.zlib = zlib.decompressobj()

    def recv(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def closed(self):
        """True once the server has closed the connection (reads until EOF)."""
        try:
            while self.sock.recv(65536):
                pass
            return True
        except ConnectionResetError:
            return True

    def set_pixel_format(self, bpp, depth, rmax, gmax, bmax, rs, gs, bs, big=0):
        self.pf = dict(bpp=bpp, big=big, rmax=rmax, gmax=gmax, bmax=bmax, rs=rs, gs=gs, bs=bs)
        self.sock.sendall(struct.pack(">BxxxBBBBHHHBBBxxx", 0, bpp, depth, big, 1,
                                      rmax, gmax, bmax, rs, gs, bs))

    def set_encodings(self, encs):
        self.sock.sendall(struct.pack(">BxH", 2, len(encs)) +
                          b"".join(struct.pack(">i", e) for e in encs))

    def request(self, incremental=False, x=0, y=0, w=None, h=None):
        self.sock.sendall(struct.pack(">BBHHHH", 3, int(incremental), x, y,
                                      self.width if w is None else w,
                                      self.height if h is None else h))

    def key(self, keysym, down):
        self.sock.sendall(struct.pack(">BBxxI", 4, int(down), keysym))

    def pointer(self, x, y, mask=0):
        self.sock.sendall(struct.pack(">BBHH", 5, mask, x, y))

    def rgb(self, value):
        p = self.pf

        def chan(shift, mx):
            return ((value >> shift) & mx) * 255 // mx
        return chan(p["rs"], p["rmax"]), chan(p["gs"], p["gmax"]), chan(p["bs"], p["bmax"])

    def pixel(self, raw):
        return self.rgb(int.from_bytes(raw, "big" if self.pf["big"] else "little"))

    def at(self, x, y):
        i = (y * self.width + x) * 3
        return tuple(self.fb[i:i + 3])

    def put_row(self, x, y, rgb):
        """rgb: the RGB bytes of pixels from (x, y) on."""
        i = (y * self.width + x) * 3
        self.fb[i:i + len(rgb)] = rgb
        self.painted += len(rgb) // 3

    def native(self):
        p = self.pf
        return (p["bpp"], p["big"], p["rmax"], p["gmax"], p["bmax"], p["rs"], p["gs"],
                p["bs"]) == (32, 0, 255, 255, 255, 16, 8, 0)

    def to_rgb(self, data, bpp):
        """Pixels in the client's format -> RGB bytes."""
        if bpp == 4 and self.native():
            out = bytearray(len(data) // 4 * 3)
            out[0::3], out[1::3], out[2::3] = data[2::4], data[1::4], data[0::4]
            return out
        return b"".join(bytes(self.pixel(data[i:i + bpp])) for i in range(0, len(data), bpp))

    def read_update(self):
        """Read one FramebufferUpdate; returns the list of (x, y, w, h, encoding)."""
        msg = self.recv(4)
        assert msg[0] == 0, f"message type {msg[0]}"
        rects = []
        for _ in range(struct.unpack(">H", msg[2:4])[0]):
            x, y, w, h, enc = struct.unpack(">HHHHi", self.recv(12))
            rects.append((x, y, w, h, enc))
            if enc == ENC_DESKTOP_SIZE:
                self.width, self.height = w, h
                self.fb = bytearray(w * h * 3)
            elif enc == ENC_RAW:
                bpp = self.pf["bpp"] // 8
                data = self.recv(w * h * bpp)
                for row in range(h):
                    self.put_row(x, y + row, self.to_rgb(data[row * w * bpp:(row + 1) * w * bpp],
                                                         bpp))
            elif enc == ENC_ZRLE:
                n = struct.unpack(">I", self.recv(4))[0]
                self.decode_zrle(x, y, w, h, self.zlib.decompress(self.recv(n)))
            else:
                raise AssertionError(f"unexpected encoding {enc}")
        return rects

    def cpixel_len(self):
        p = self.pf
        mask = (p["rmax"] << p["rs"]) | (p["gmax"] << p["gs"]) | (p["bmax"] << p["bs"])
        return 3 if p["bpp"] == 32 and mask <= 0xffffff else p["bpp"] // 8

    def decode_zrle(self, x0, y0, w, h, data):
        cl, pos, bpp = self.cpixel_len(), 0, self.pf["bpp"] // 8

        def cpixels(n):
            nonlocal pos
            raw = data[pos:pos + n * cl]
            pos += n * cl
            if cl != bpp:
                raw = b"".join(raw[i:i + cl] + b"\0" for i in range(0, len(raw), cl))
            return self.to_rgb(raw, bpp)
        for ty in range(y0, y0 + h, 64):
            for tx in range(x0, x0 + w, 64):
                tw, th = min(64, x0 + w - tx), min(64, y0 + h - ty)
                sub = data[pos]
                pos += 1
                if sub == 0:
                    rgb = cpixels(tw * th)
                    for yy in range(th):
                        self.put_row(tx, ty + yy, rgb[yy * tw * 3:(yy + 1) * tw * 3])
                elif sub == 1:
                    row = bytes(cpixels(1)) * tw
                    for yy in range(th):
                        self.put_row(tx, ty + yy, row)
                elif 2 <= sub <= 16:
                    rgb = cpixels(sub)
                    pal = [bytes(rgb[i * 3:i * 3 + 3]) for i in range(sub)]
                    bits = 1 if sub == 2 else 2 if sub <= 4 else 4
                    row_bytes = (tw * bits + 7) // 8
                    for yy in range(th):
                        packed = data[pos:pos + row_bytes]
                        pos += row_bytes
                        idx = [(packed[(xx * bits) // 8] >> (8 - bits - (xx * bits) % 8))
                               & ((1 << bits) - 1) for xx in range(tw)]
                        self.put_row(tx, ty + yy, b"".join(pal[i] for i in idx))
                else:
                    raise AssertionError(f"ZRLE subencoding {sub} not expected from Kestrel")
        assert pos == len(data), (pos, len(data))

    def framebuffer_rgb(self):
        """The framebuffer as RGB rows (what a PPM holds)."""
        return bytes(self.fb)

    def close(self):
        self.sock.close()
