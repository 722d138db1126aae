"""Helpers for the monitor tests (test_qmp.py, test_hmp.py): start an emulator with a
monitor socket, a small QMP client that keeps events apart from replies, an HMP client,
and a bare-metal guest that waits for one byte on its UART and then reports success
through sifive_test (so a test decides when the guest finishes)."""
import json
import os
import socket
import subprocess
import time

from conftest import HANG_GUARD

CROSS_GCC = "riscv64-unknown-elf-gcc"

# Say "R" (running) on the 16550, spin on its LSR.DR until a byte arrives, then write
# FINISHER_PASS (0x5555) to sifive_test: the process exits 0, or with -no-shutdown the VM
# stops with SHUTDOWN.
WAIT_FOR_BYTE_S = r"""
    .globl _start
_start:
    li t0, 0x10000000
    li t1, 'R'
    sb t1, 0(t0)
1:  lbu t1, 5(t0)
    andi t1, t1, 1
    beqz t1, 1b
    li t2, 0x100000
    li t3, 0x5555
    sw t3, 0(t2)
2:  j 2b
"""


def build_wait_guest(tmp_path):
    """Assemble the waiting guest (an ELF at 0x80000000) with the cross compiler."""
    src = tmp_path / "wait.S"
    elf = tmp_path / "wait.elf"
    src.write_text(WAIT_FOR_BYTE_S)
    # -N: one segment starting at the code, no ELF headers mapped below RAM.
    proc = subprocess.run([CROSS_GCC, "-nostdlib", "-static", "-Wl,-Ttext=0x80000000", "-Wl,-N",
                           "-Wl,--no-warn-rwx-segments", "-o", str(elf), str(src)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return str(elf)


def wait_for_path(path, proc):
    """Wait until the emulator has created its socket (a hang guard, not a timing check)."""
    deadline = time.monotonic() + HANG_GUARD
    while not os.path.exists(path):
        assert proc.poll() is None, "emulator exited: " + proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.02)


def connect_unix(path, proc):
    wait_for_path(path, proc)
    deadline = time.monotonic() + HANG_GUARD
    while True:
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(path)
            s.settimeout(HANG_GUARD)
            return s
        except (ConnectionRefusedError, FileNotFoundError):
            s.close()
            assert proc.poll() is None, "emulator exited: " + proc.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline
            time.sleep(0.02)


def connect_tcp(port, proc):
    deadline = time.monotonic() + HANG_GUARD
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.settimeout(HANG_GUARD)
            return s
        except ConnectionRefusedError:
            assert proc.poll() is None, "emulator exited"
            assert time.monotonic() < deadline
            time.sleep(0.02)


def start(binary, args):
    return subprocess.Popen([binary] + args, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=HANG_GUARD)


class QMP:
    """A QMP client on a connected socket, or on a pair of pipes (-qmp stdio)."""

    def __init__(self, sock=None, rfile=None, wfile=None):
        self.sock = sock
        self.rfile = rfile
        self.wfile = wfile
        self.buf = ""
        self.last_text = ""  # the last message as the monitor wrote it (pretty=on's layout)
        self.events = []
        self.decoder = json.JSONDecoder()

    def _recv(self):
        try:
            data = self.sock.recv(65536) if self.sock else os.read(self.rfile.fileno(), 65536)
        except ConnectionResetError:
            data = b""
        if not data:
            raise EOFError("monitor closed the connection")
        self.buf += data.decode()

    def read_message(self):
        """The next JSON value (replies may span lines with -qmp-pretty)."""
        while True:
            text = self.buf.lstrip()
            if text:
                try:
                    obj, end = self.decoder.raw_decode(text)
                    self.last_text, self.buf = text[:end], text[end:]
                    return obj
                except json.JSONDecodeError:
                    pass
            self._recv()

    def send_raw(self, data):
        if isinstance(data, str):
            data = data.encode()
        if self.sock:
            self.sock.sendall(data)
        else:
            self.wfile.write(data)
            self.wfile.flush()

    def reply(self):
        """Messages up to the next reply: (events seen before it, the reply)."""
        before = []
        while True:
            msg = self.read_message()
            if "event" in msg:
                before.append(msg)
                self.events.append(msg)
            else:
                return before, msg

    def cmd(self, name, args=None, **extra):
        req = {"execute": name}
        if args is not None:
            req["arguments"] = args
        req.update(extra)
        self.send_raw(json.dumps(req) + "\n")
        return self.reply()

    def negotiate(self):
        greeting = self.read_message()
        assert "QMP" in greeting, greeting
        _, r = self.cmd("qmp_capabilities")
        assert r == {"return": {}}, r
        return greeting

    def wait_event(self, name):
        for ev in self.events:
            if ev["event"] == name:
                self.events.remove(ev)
                return ev
        while True:
            msg = self.read_message()
            if msg.get("event") == name:
                return msg
            self.events.append(msg)


class HMP:
    """A human monitor on a socket: send a line, read up to the next prompt."""
    PROMPT = "(qemu) "

    def __init__(self, sock):
        self.sock = sock
        self.buf = ""

    def read_until_prompt(self):
        while self.PROMPT not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError(self.buf)
            self.buf += data.decode("latin-1")
        out, self.buf = self.buf.split(self.PROMPT, 1)
        return out

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r")  # Enter; QEMU takes \r\n as two
        out = self.read_until_prompt()
        # The echo of what we typed comes first.
        return out.split("\r\n", 1)[1] if "\r\n" in out else ""
