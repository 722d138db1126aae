"""The gdbstub (-S -gdb tcp::PORT) driven by a real gdb-multiarch, and by a raw socket
sending malformed packets. Every test runs against Kestrel and against QEMU 7.2, so the
expectations are QEMU's behaviour. Protocol reference: GDB manual, "Remote Protocol"."""
import os
import re
import socket
import subprocess
import time

import pexpect
import pytest

from conftest import run

GDB = "gdb-multiarch"
PROMPT = "(gdb) "
# The reset vector ROM of virt (QEMU's hw/riscv/boot.c layout): auipc t0; addi a2, t0, 40;
# csrr a0, mhartid; ld a1, 32(t0); ld t0, 24(t0); jr t0; then start address, FDT address.
RESET_ROM = [0x00000297, 0x02828613, 0xF1402573, 0x0202B583]
ROM_BASE = 0x1000
FW_DYNAMIC_INFO = 0x1028
FIRMWARE = 0x80000000
RAM_END = 0x80000000 + 128 * 1024 * 1024


class Emulator:
    """The emulator waiting for gdb (-S) on a port; stopped and reaped at the end."""

    def __init__(self, binary, port, extra=()):
        self.port = port
        self.proc = subprocess.Popen(
            [binary, "-M", "virt", "-nographic", "-S", "-gdb", f"tcp::{port}", *extra],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def alive(self):
        return self.proc.poll() is None

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        self.proc.stdin.close()
        self.proc.stderr.close()


class Gdb:
    """An interactive gdb-multiarch attached to the emulator (gdb retries while the port
    is not yet listening, so no probe connection disturbs the one-client stub)."""

    def __init__(self, port):
        env = dict(os.environ, TERM="dumb")
        self.child = pexpect.spawn(GDB, ["-q", "-nx"], encoding="utf-8", timeout=30, env=env,
                                   codec_errors="replace")
        self.child.expect_exact(PROMPT)
        for line in ["set pagination off", "set confirm off", "set width 0",
                     "set architecture riscv:rv64"]:
            self.cmd(line)
        out = self.cmd(f"target remote :{port}")
        assert "Remote debugging using" in out, out

    def cmd(self, line, timeout=30):
        self.child.sendline(line)
        self.child.expect_exact(PROMPT, timeout=timeout)
        # Drop the echoed command line.
        return self.child.before.split("\n", 1)[-1]

    def value(self, expr):
        out = self.cmd(f"p/x {expr}")
        m = re.search(r"= (0x[0-9a-f]+)", out)
        assert m, f"{expr}: {out}"
        return int(m.group(1), 16)

    def words(self, addr, count):
        out = self.cmd(f"x/{count}wx {addr:#x}")
        return [int(w, 16) for w in re.findall(r"0x([0-9a-f]{8})\b", out.split(":", 1)[1])]

    def close(self):
        self.child.close(force=True)


@pytest.fixture
def vm(emulator, free_port):
    emu = Emulator(emulator, free_port)
    yield emu
    emu.stop()


@pytest.fixture
def gdb(vm):
    session = Gdb(vm.port)
    yield session
    session.close()


def test_attach_at_reset_vector_and_step_into_firmware(gdb):
    assert gdb.value("$pc") == ROM_BASE
    assert gdb.words(ROM_BASE, 4) == RESET_ROM
    fdt = gdb.value("*(unsigned long *)0x1020")
    assert FIRMWARE <= fdt < RAM_END
    for _ in range(10):
        gdb.cmd("stepi")
        if gdb.value("$pc") == FIRMWARE:
            break
    assert gdb.value("$pc") == FIRMWARE, "the ROM did not jump to the firmware"
    assert gdb.value("$a0") == 0  # hartid
    assert gdb.value("$a1") == fdt
    assert gdb.value("$a2") == FW_DYNAMIC_INFO


def test_breakpoint_continue_and_interrupt(gdb):
    assert "Breakpoint 1 at 0x80000000" in gdb.cmd("break *0x80000000")
    out = gdb.cmd("continue")
    assert "Breakpoint 1, 0x0000000080000000" in out, out
    assert gdb.value("$pc") == FIRMWARE
    # Stepping off a breakpoint works (gdb lifts it, steps, and puts it back).
    gdb.cmd("stepi")
    assert gdb.value("$pc") != FIRMWARE
    gdb.cmd("delete")
    gdb.child.sendline("continue")
    gdb.child.expect_exact("Continuing.")
    time.sleep(0.5)
    gdb.child.sendintr()  # gdb sends 0x03; the stub stops the VM and answers T02
    gdb.child.expect("received signal SIGINT")
    gdb.child.expect_exact(PROMPT)
    assert gdb.value("$pc") != ROM_BASE


def test_registers_and_memory(gdb):
    gdb.cmd("set $a0 = 0x1234")
    assert gdb.value("$a0") == 0x1234
    gdb.cmd("set $t1 = -1")
    assert gdb.value("$t1") == 0xFFFFFFFFFFFFFFFF
    gdb.cmd("set $pc = 0x1004")
    assert gdb.value("$pc") == 0x1004
    gdb.cmd("set {unsigned int}0x80001000 = 0xdeadbeef")
    assert gdb.words(0x80001000, 1) == [0xDEADBEEF]
    assert gdb.value("$mhartid") == 0
    assert "Cannot access memory" in gdb.cmd("x/wx 0x0")


@pytest.fixture
def smp_gdb(emulator, free_port):
    emu = Emulator(emulator, free_port, ["-smp", "2"])
    session = Gdb(free_port)
    yield session
    session.close()
    emu.stop()


def test_info_threads_lists_each_vcpu(smp_gdb):
    out = smp_gdb.cmd("info threads")
    # QEMU numbers threads per process ("Thread 1.2", multiprocess+), Kestrel does not.
    assert re.search(r"\* 1 +Thread (1\.)?1 ", out), out
    assert re.search(r"  2 +Thread (1\.)?2 ", out), out
    assert "CPU#1" in out
    smp_gdb.cmd("thread 2")
    assert smp_gdb.value("$pc") == ROM_BASE
    assert smp_gdb.value("$mhartid") == 1


def test_step_one_hart_while_the_other_stays_stopped(smp_gdb):
    smp_gdb.cmd("set scheduler-locking on")
    smp_gdb.cmd("thread 2")
    smp_gdb.cmd("stepi 3")
    assert smp_gdb.value("$pc") == ROM_BASE + 12
    assert smp_gdb.value("$a0") == 1  # csrr a0, mhartid ran on hart 1
    smp_gdb.cmd("thread 1")
    assert smp_gdb.value("$pc") == ROM_BASE


def test_detach_resumes_and_listens_again(vm, gdb):
    gdb.cmd("break *0x1004")
    assert "Detaching" in gdb.cmd("detach")
    gdb.close()
    time.sleep(0.5)
    # The VM ran on without stopping at the removed breakpoint; a new gdb stops it again.
    again = Gdb(vm.port)
    try:
        pc = again.value("$pc")
        assert not ROM_BASE <= pc < FW_DYNAMIC_INFO, hex(pc)
        assert vm.alive()
    finally:
        again.close()


def test_kill_exits_with_status_zero(vm, gdb):
    gdb.child.sendline("kill")
    gdb.child.expect_exact(PROMPT)
    assert vm.wait(timeout=10) == 0


# ---- raw protocol ----

def frame(data):
    return b"$" + data + b"#%02x" % (sum(data) & 0xFF)


class RawClient:
    def __init__(self, port):
        deadline = time.time() + 10
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except ConnectionRefusedError:
                assert time.time() < deadline, "the stub never listened"
                time.sleep(0.05)
        self.buf = b""

    def read_until(self, pred):
        while not pred(self.buf):
            chunk = self.sock.recv(65536)
            assert chunk, "the stub closed the connection"
            self.buf += chunk

    def reply(self):
        """The next packet's payload, skipping acks; its checksum is verified."""
        self.read_until(lambda b: re.search(rb"\$[^#]*#..", b))
        m = re.search(rb"\$([^#]*)#(..)", self.buf)
        self.buf = self.buf[m.end():]
        assert int(m.group(2), 16) == sum(m.group(1)) & 0xFF
        return m.group(1)

    def ask(self, data):
        self.sock.sendall(frame(data))
        return self.reply()


MALFORMED = [
    b"m", b"m1000", b"m1000,", b"mzz,4", b"m0,ffffffffffffffff", b"m10000000000000000,4",
    b"M1000,2:zz", b"M1000,4:00", b"X1000,4:ab", b"Z0,zz,4", b"Z9,1000,4", b"z0,1000",
    b"pzz", b"p", b"P20=", b"P20=zz", b"Hg5", b"Hx1", b"T5", b"T", b"vCont;x",
    b"qXfer:features:read:nosuch.xml:0,ffb", b"qXfer:features:read:target.xml",
    b"\x01\x02\x7f",
]


def test_malformed_packets_are_answered(vm):
    client = RawClient(vm.port)
    sock = client.sock
    # A bad checksum is NAKed; noise before '$' is ignored.
    sock.sendall(b"$g#00")
    client.read_until(lambda b: b"-" in b)
    client.buf = b""
    sock.sendall(b"noise" + frame(b"?"))
    assert client.reply().startswith(b"T05thread:01;")
    for data in MALFORMED:
        answer = client.ask(data)
        assert answer == b"" or re.fullmatch(rb"E[0-9a-f]{2}", answer), (data, answer)
    # An oversize packet is refused (or dropped) without harm.
    sock.sendall(frame(b"m" + b"1" * 20000))
    answer = client.ask(b"m1000,4")
    if answer.startswith(b"E"):
        answer = client.reply()
    assert answer == b"97020000"
    assert client.ask(b"qAttached") == b"1"
    assert client.ask(b"qfThreadInfo") == b"m01"
    assert b"PacketSize=" in client.ask(b"qSupported:xmlRegisters=i386")
    assert vm.alive()
    client.sock.close()


def test_port_in_use_is_an_error(emulator, free_port):
    with socket.socket(socket.AF_INET6) as busy:
        busy.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        busy.bind(("::", free_port))
        busy.listen()
        proc = run([emulator, "-M", "virt", "-nographic", "-S", "-gdb", f"tcp::{free_port}"])
    assert proc.returncode == 1
    assert "Address already in use" in proc.stderr
