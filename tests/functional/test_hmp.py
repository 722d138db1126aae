"""HMP, the human monitor: over a unix socket, TCP and the stdio mux (Ctrl-A c); outputs
that scripts parse compared with QEMU 7.2's; line editing and history; errors that leave
the monitor serving."""
import os
import random
import re
import socket
import subprocess

import pexpect
import pytest

from conftest import HANG_GUARD
from monitor_util import (HMP, QMP, build_wait_guest, connect_tcp, connect_unix, start,
                          stop)

BASE = ["-M", "virt", "-bios", "none", "-display", "none", "-S"]

# Commands whose whole output must be the same as QEMU's (reset-vector ROM, run state,
# expressions, error messages).
SAME_AS_QEMU = [
    "info status",
    "info name",
    "xp/4x 0x1000",
    "xp/20bx 0x1000",
    "x/2gx 0x1000",
    "xp/6hd 0x1000",
    "xp/3xh 0x1004",
    "p/x 10+6",
    "p 0x10*3",
    "p/d 100",
    "x",
    "qom-get /machine dumpdtb x",
    "device_del",
    "frobnicate",
    "info mem",
    "info tlb",
    "nmi",
    "sendkey ctrl-alt-f1",
    "sendkey ctrl-foo",
    "gdbserver none",
]


def hmp_session(binary, tmp_path, extra=()):
    path = str(tmp_path / f"{os.path.basename(binary)}.hmp")
    serial = [] if "-serial" in extra else ["-serial", "null"]
    proc = start(binary, BASE + serial + ["-name", "hmpvm",
                                          "-monitor", f"unix:{path},server,nowait"] + list(extra))
    hmp = HMP(connect_unix(path, proc))
    banner = hmp.read_until_prompt()
    return proc, hmp, banner


def test_outputs_match_qemu(kestrel, qemu, tmp_path):
    outputs = {}
    for binary in (kestrel, qemu):
        proc, hmp, banner = hmp_session(binary, tmp_path)
        try:
            assert "monitor - type 'help' for more information" in banner
            outputs[binary] = [hmp.cmd(line) for line in SAME_AS_QEMU]
        finally:
            stop(proc)
    for line, k, q in zip(SAME_AS_QEMU, outputs[kestrel], outputs[qemu]):
        assert k == q, f"{line!r}: Kestrel {k!r}, QEMU {q!r}"


def test_info_commands(kestrel, tmp_path):
    (tmp_path / "d.img").write_bytes(b"\0" * 4096)
    drive = f"file={tmp_path / 'd.img'},if=none,id=d0,format=raw"
    proc, hmp, _ = hmp_session(kestrel, tmp_path, ["-drive", drive])
    try:
        assert hmp.cmd("info version").startswith("0.")
        assert "* CPU #0: thread_id=" in hmp.cmd("info cpus")
        assert "compat_monitor0: filename=unix:" in hmp.cmd("info chardev")
        assert "d0: " in hmp.cmd("info block")
        regs = hmp.cmd("info registers")
        assert "CPU#0" in regs and " pc       0000000000001000" in regs
        assert "(ram)" in hmp.cmd("info mtree -f")
        tree = hmp.cmd("info mtree")
        assert "(prio 0, container): system" in tree and "(prio 0, rom): " in tree
        assert "rv64-riscv-cpu" in hmp.cmd("info qom-tree")
        assert "dev: ns16550a" in hmp.cmd("info qtree")
        assert "virt-machine" in hmp.cmd("qom-get /machine type")
        assert "info registers" in hmp.cmd("help")
        assert hmp.cmd("help stop") == "stop -- stop emulation\r\n"
    finally:
        stop(proc)


def test_run_control_and_quit(kestrel, tmp_path):
    elf = build_wait_guest(tmp_path)
    spath = str(tmp_path / "serial.sock")
    proc, hmp, _ = hmp_session(kestrel, tmp_path, ["-kernel", elf, "-serial",
                                                   f"unix:{spath},server=on,wait=off"])
    try:
        serial = connect_unix(spath, proc)
        assert hmp.cmd("info status") == "VM status: paused (prelaunch)\r\n"
        hmp.cmd("c")
        assert serial.recv(1) == b"R"
        assert hmp.cmd("info status") == "VM status: running\r\n"
        hmp.cmd("stop")
        assert hmp.cmd("info status") == "VM status: paused\r\n"
        # x on virtual addresses (M-mode: identity) sees the guest's code.
        assert hmp.cmd("x/1x 0x80000000").startswith("0000000080000000: 0x")
        hmp.cmd("system_reset")
        regs = hmp.cmd("info registers")
        assert " pc       0000000000001000" in regs
        hmp.sock.sendall(b"q\r")
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)


def test_hmp_over_tcp_with_line_editing(kestrel, free_port, tmp_path):
    proc = start(kestrel, BASE + ["-serial", "null",
                                  "-monitor", f"tcp:127.0.0.1:{free_port},server=on,wait=off"])
    try:
        hmp = HMP(connect_tcp(free_port, proc))
        hmp.read_until_prompt()
        # Type "info stutus", go left 3, rub out the u, type a: "info status".
        hmp.sock.sendall(b"info stutus\x1b[D\x1b[D\x1b[D\x7fa\r")
        assert "VM status: paused (prelaunch)" in hmp.read_until_prompt()
        # Up arrow: the last line again.
        hmp.sock.sendall(b"\x1b[A\r")
        assert "VM status: paused (prelaunch)" in hmp.read_until_prompt()
        # Ctrl-U kills the line.
        hmp.sock.sendall(b"garbage\x15info name\r")
        out = hmp.read_until_prompt()
        assert "unknown command" not in out
    finally:
        stop(proc)


def test_stdio_mux_ctrl_a_c(kestrel):
    """-nographic's default: the serial console and the monitor share stdio; Ctrl-A c
    switches; every key Ctrl-A h lists does something."""
    child = pexpect.spawn(kestrel, ["-M", "virt", "-bios", "none", "-nographic", "-S"],
                          timeout=HANG_GUARD, encoding="latin-1")
    try:
        child.send("\x01h")
        child.expect("C-a c    switch between console and monitor")
        child.send("\x01c")
        child.expect("monitor - type 'help' for more information")
        child.expect_exact("(qemu) ")
        child.send("info status\r")
        child.expect_exact("VM status: paused (prelaunch)")
        child.expect_exact("(qemu) ")
        child.send("\x01c")  # back to the console, then to the monitor again
        child.send("\x01c")
        child.expect_exact("(qemu) ")
        child.send("quit\r")
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_serial_mon_stdio_and_monitor_none(kestrel):
    """-serial mon:stdio puts a monitor on the mux even with -monitor none; a plain
    -serial stdio has no monitor, so Ctrl-A c is a byte for the guest."""
    child = pexpect.spawn(kestrel, ["-M", "virt", "-bios", "none", "-display", "none", "-S",
                                    "-monitor", "none", "-serial", "mon:stdio"],
                          timeout=HANG_GUARD, encoding="latin-1")
    try:
        child.send("\x01c")
        child.expect_exact("(qemu) ")
        child.send("q\r")
        child.expect(pexpect.EOF)
    finally:
        if child.isalive():
            child.terminate(force=True)


def test_bad_arguments_keep_serving(kestrel, tmp_path):
    proc, hmp, _ = hmp_session(kestrel, tmp_path)
    try:
        assert "unexpected end of expression" in hmp.cmd("xp/4x")
        assert "invalid char in format" in hmp.cmd("xp/4z 0x1000")
        assert "Cannot access memory" in hmp.cmd("xp/2x 0x10000000")  # the UART: MMIO
        assert "Cannot access memory" in hmp.cmd("x/2x 0x7000000000")
        assert "division by zero" in hmp.cmd("p 1/0")
        # Overflowing arithmetic wraps as a 64-bit register (QEMU 7.2 dies of SIGFPE here).
        assert hmp.cmd("p 0x8000000000000000/-1") == "0x8000000000000000\r\n"
        assert hmp.cmd("p 0x7fffffffffffffff*2") == "0xfffffffffffffffe\r\n"
        assert hmp.cmd("p -0x8000000000000000") == "0x8000000000000000\r\n"
        assert "unknown command" in hmp.cmd("info nothing")
        assert "Error:" in hmp.cmd("qom-set /machine nope 1")
        assert hmp.cmd("info status") == "VM status: paused (prelaunch)\r\n"
    finally:
        stop(proc)


def test_expressions_and_file_arguments(kestrel, tmp_path):
    proc, hmp, _ = hmp_session(kestrel, tmp_path)
    try:
        assert hmp.cmd("p 1 + 2*3") == "0x7\r\n"
        assert hmp.cmd("p/d (1+2)*3") == "9\r\n"
        out = tmp_path / "rom.bin"
        # The size expression ends before the file name that starts with '/'.
        assert hmp.cmd(f"pmemsave 0x1000 8 {out}") == ""
        assert out.read_bytes() == bytes.fromhex("9702000013868202")
        assert "info status" in hmp.cmd("info")
    finally:
        stop(proc)


DISAS_SRC = os.path.join(os.path.dirname(__file__), "..", "disas", "rv64gc-all.S")
# Major opcodes of RV64GC: random words under them reach every decoder table, reserved
# encodings included.
MAJOR_OPCODES = [0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43,
                 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73]


def random_insn_source(path, seed=8, n32=3000, n16=2000):
    """Random 32-bit words (under the major opcodes; half with sparse high bits, so defined
    funct7 values and CSR numbers come up) and random 16-bit words, as .insn lines."""
    rng = random.Random(seed)
    words = []
    for _ in range(n32):
        w = rng.getrandbits(32)
        if rng.random() < 0.5:
            w &= rng.choice([0x01ffffff, 0x41ffffff, 0x0bffffff, 0x61ffffff, 0x000fffff])
        words.append((w & ~0x7f) | rng.choice(MAJOR_OPCODES))
    for _ in range(n16):
        h = rng.getrandbits(16)
        words.append(h & ~1 if h & 3 == 3 else h)
    path.write_text(".option rvc\n" + "".join(f".insn {w:#x}\n" for w in words))
    return str(path)


def objdump_lines(src, tmp_path, name, base):
    """Assemble src at base (privileged spec 1.12: the CSR names objdump uses for raw
    code); return the raw image and objdump's (address, mnemonic, operands) for each
    instruction, without its <symbol> and # notes."""
    elf, raw = tmp_path / f"{name}.elf", tmp_path / f"{name}.bin"
    subprocess.run(["riscv64-linux-gnu-gcc", "-march=rv64gc_zba_zbb_zbc_zbs_zicsr_zifencei",
                    # gcc 12 refuses "h" in -march; the assembler takes it (for the H lines)
                    "-Wa,-march=rv64gc_h_zba_zbb_zbc_zbs_zicsr_zifencei",
                    "-Wa,-mpriv-spec=1.12", "-nostdlib", "-static", f"-Wl,-Ttext={base:#x}",
                    "-Wl,--build-id=none", f"-Wl,-e,{base:#x}", "-o", str(elf), src],
                   check=True, capture_output=True)
    subprocess.run(["riscv64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", str(elf),
                    str(raw)], check=True)
    dump = subprocess.run(["riscv64-linux-gnu-objdump", "-d", "-z", str(elf)], check=True,
                          capture_output=True, text=True).stdout
    lines = []
    for m in re.finditer(r"^\s*([0-9a-f]+):\t[0-9a-f]+\s+\t(\S+)\t?([^\n#<]*)", dump, re.M):
        lines.append((int(m.group(1), 16), m.group(2), m.group(3).strip()))
    return str(raw), lines


def hmp_disas(hmp, command):
    got = []
    for line in hmp.cmd(command).splitlines():
        m = re.match(r"0x([0-9a-f]{16}):  [0-9a-f]+ +(\S+) *(.*)$", line)
        assert m, line
        got.append((int(m.group(1), 16), m.group(2), m.group(3).strip()))
    return got


def test_x_i_matches_objdump(kestrel, tmp_path):
    """xp/Ni prints every instruction as riscv64-linux-gnu-objdump -d does: a file covering
    each group of RV64GC, Zb* and Zicsr, and 5000 seeded random encodings (reserved ones
    and HINTs included); x/i reads through the CPU's view (M-mode: identity)."""
    raw, expected = objdump_lines(DISAS_SRC, tmp_path, "all", 0x80000000)
    rnd, rnd_expected = objdump_lines(random_insn_source(tmp_path / "rnd.S"), tmp_path, "rnd",
                                      0x80100000)
    assert len(expected) > 300 and len(rnd_expected) == 5000
    proc, hmp, _ = hmp_session(kestrel, tmp_path, [
        "-device", f"loader,file={raw},addr=0x80000000",
        "-device", f"loader,file={rnd},addr=0x80100000"])
    try:
        for cmd, want in ((f"xp/{len(expected)}i 0x80000000", expected),
                          (f"xp/{len(rnd_expected)}i 0x80100000", rnd_expected)):
            got = hmp_disas(hmp, cmd)
            assert len(got) == len(want)
            mismatches = [(g, e) for g, e in zip(got, want) if g != e]
            assert not mismatches, f"{len(mismatches)} differ (Kestrel, objdump): {mismatches[:5]}"
        assert hmp.cmd("x/2i 0x1000") == (
            "0x0000000000001000:  00000297          auipc                   t0,0x0\r\n"
            "0x0000000000001004:  02828613          add                     a2,t0,40\r\n")
        assert "Cannot access memory" in hmp.cmd("xp/2i 0x10000000")
    finally:
        stop(proc)


# x86 at the reset vector, in real mode: $pc is linear (CS base + ip), SeaBIOS's code listed
# in 16-bit mode, the same lines as QEMU's (both load Debian's SeaBIOS).
X86_SAME_AS_QEMU = ["p/x $pc", "x/1i $pc", "x/6i 0xfe05b", "xp/4i 0xfe05b", "xp/2i 0xf0000"]


def test_x86_x_i_matches_qemu(x86_binaries, tmp_path):
    outputs = {}
    for binary in x86_binaries:
        path = str(tmp_path / f"{os.path.basename(binary)}.hmp")
        proc = start(binary, ["-M", "q35", "-display", "none", "-S", "-serial", "null",
                              "-monitor", f"unix:{path},server,nowait"])
        try:
            hmp = HMP(connect_unix(path, proc))
            hmp.read_until_prompt()
            outputs[binary] = [hmp.cmd(line) for line in X86_SAME_AS_QEMU]
        finally:
            stop(proc)
    kestrel, qemu = (outputs[b] for b in x86_binaries)
    for line, k, q in zip(X86_SAME_AS_QEMU, kestrel, qemu):
        assert k == q, f"{line!r}: Kestrel {k!r}, QEMU {q!r}"
    assert "ljmpw    $0xf000:$0xe05b" in kestrel[1]
    assert len(kestrel[2].splitlines()) == 6


# Sv39 on (M-mode keeps running untranslated), the UART's THR-empty interrupt enabled, then
# "R" on the UART and a spin: the test stops the VM and looks at the mappings and IRQ counts.
PAGING_GUEST_S = r"""
    .globl _start
_start:
    la t0, root
    li t1, (0x80000000 >> 12) << 10 | 0xcf      /* 1 GiB at 2 GiB: V R W X A D */
    sd t1, 16(t0)
    li t1, 0x6b                                 /* 1 GiB at -1 GiB -> 0: V R X G A */
    li t3, 511 * 8
    add t3, t0, t3
    sd t1, 0(t3)
    la t2, l1
    srli t3, t2, 12
    slli t3, t3, 10
    ori t3, t3, 1
    sd t3, 0(t0)                                /* 0..1 GiB: next level */
    li t4, (0x10000000 >> 12) << 10 | 0xd7      /* 2 MiB + 2 MiB: V R W U A D, one run */
    sd t4, 0(t2)
    li t4, (0x10200000 >> 12) << 10 | 0xd7
    sd t4, 8(t2)
    li t4, (0x10600000 >> 12) << 10 | 0xd3      /* not contiguous, read-only: its own line */
    sd t4, 16(t2)
    srli t5, t0, 12
    li t6, 8 << 60
    or t5, t5, t6
    csrw satp, t5
    li t0, 0x10000000
    li t1, 2
    sb t1, 1(t0)                                /* IER: THR empty -> PLIC source 10 */
    li t1, 'R'
    sb t1, 0(t0)
1:  j 1b
    .data
    .balign 4096
root: .zero 4096
l1:   .zero 4096
"""


def build_paging_guest(tmp_path):
    src, elf = tmp_path / "paging.S", tmp_path / "paging.elf"
    src.write_text(PAGING_GUEST_S)
    subprocess.run(["riscv64-unknown-elf-gcc", "-nostdlib", "-static", "-Wl,-Ttext=0x80000000",
                    "-Wl,-N", "-Wl,--no-warn-rwx-segments", "-o", str(elf), str(src)],
                   check=True, capture_output=True)
    return str(elf)


def machine_outputs(binary, tmp_path, elf):
    spath = str(tmp_path / f"{os.path.basename(binary)}.serial")
    proc, hmp, _ = hmp_session(binary, tmp_path, [
        "-nodefaults", "-kernel", elf, "-serial", f"unix:{spath},server=on,wait=off",
        "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0",
        "-netdev", "user,id=n1"])
    try:
        serial = connect_unix(spath, proc)
        roms = hmp.cmd("info roms")
        hmp.cmd("c")
        assert serial.recv(1) == b"R"
        hmp.cmd("stop")
        return {"mem": hmp.cmd("info mem"), "network": hmp.cmd("info network"),
                "irq": hmp.cmd("info irq"), "jit": hmp.cmd("info jit"),
                "roms": [line for line in roms.splitlines() if "mrom" in line or "elf" in line]}
    finally:
        stop(proc)


def test_info_mem_network_roms_irq_jit(kestrel, qemu, tmp_path):
    """The same guest and command line under both emulators: info mem (an Sv39 table with
    gigapages, merged megapages and a canonical high address), info network and the loader
    lines of info roms are QEMU's text; info irq counts the PLIC line the UART raised (QEMU
    7.2's riscv machines print no IRQ statistics); info jit shows our block cache."""
    elf = build_paging_guest(tmp_path)
    k = machine_outputs(kestrel, tmp_path, elf)
    q = machine_outputs(qemu, tmp_path, elf)
    assert "ffffffffc0000000 0000000000000000 0000000040000000 r-x-ga-" in k["mem"]
    assert "0000000000000000 0000000010000000 0000000000400000 rw-u-ad" in k["mem"]
    for key in ("mem", "network", "roms"):
        assert k[key] == q[key], f"info {key}: Kestrel {k[key]!r}, QEMU {q[key]!r}"
    assert "virtio-net-device.0: index=0,type=nic,model=virtio-net-device" in k["network"]
    assert k["irq"] == "IRQ statistics for riscv.sifive.plic:\r\n10: 1\r\n"
    assert int(k["jit"].split("TB count")[1].split()[0]) > 0, k["jit"]


TELNET_OFFER = b"\xff\xfb\x01\xff\xfb\x03\xff\xfb\x00\xff\xfd\x00"


def telnet_monitor_status(binary, port):
    """HMP on a telnet=on TCP server: the option offer it sends, and what "info status"
    answers when the line is typed with a client's telnet answers inside it."""
    proc = start(binary, BASE + ["-serial", "null", "-monitor",
                                 f"tcp:127.0.0.1:{port},server=on,wait=off,telnet=on"])
    try:
        hmp = HMP(connect_tcp(port, proc))
        banner = hmp.read_until_prompt()
        # A client's DO ECHO, WONT ECHO and DONT BINARY inside the line.
        hmp.sock.sendall(b"info st\xff\xfd\x01at\xff\xfc\x01us\xff\xfe\x00\r")
        out = hmp.read_until_prompt()
        # A two-byte command (NOP) and a subnegotiation (window size, an escaped 0xff inside):
        # QEMU 7.2 takes every command for three bytes and does not parse subnegotiations,
        # so only Kestrel's answer is checked (RFC 854).
        hmp.sock.sendall(b"in\xff\xf1fo \xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0status\r")
        return banner.encode("latin-1")[:len(TELNET_OFFER)], out, hmp.read_until_prompt()
    finally:
        stop(proc)


def test_telnet_chardev(kestrel, qemu, free_port):
    """telnet=on: the same option offer as QEMU on connection, and the client's IAC
    sequences never reach the monitor."""
    subneg = {}
    for binary in (kestrel, qemu):
        offer, out, subneg[binary] = telnet_monitor_status(binary, free_port)
        assert offer == TELNET_OFFER, (binary, offer)
        assert "VM status: paused (prelaunch)" in out, (binary, out)
    assert "VM status: paused (prelaunch)" in subneg[kestrel], subneg[kestrel]


def test_serial_and_monitor_on_named_chardevs(kestrel, tmp_path):
    """-serial chardev:ID and -monitor chardev:ID use -chardev backends made earlier; an
    unknown ID is an error."""
    elf = build_wait_guest(tmp_path)
    spath, mpath = str(tmp_path / "ser.sock"), str(tmp_path / "mon.sock")
    proc = start(kestrel, ["-M", "virt", "-bios", "none", "-display", "none", "-S",
                           "-kernel", elf,
                           "-chardev", f"socket,id=ser,path={spath},server=on,wait=off",
                           "-chardev", f"socket,id=mon,path={mpath},server=on,wait=off",
                           "-serial", "chardev:ser", "-monitor", "chardev:mon"])
    try:
        hmp = HMP(connect_unix(mpath, proc))
        hmp.read_until_prompt()
        serial = connect_unix(spath, proc)
        hmp.cmd("c")
        assert serial.recv(1) == b"R"
        serial.sendall(b"x")
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)
    bad = subprocess.run([kestrel, "-M", "virt", "-bios", "none", "-display", "none", "-S",
                          "-serial", "chardev:nope"], capture_output=True, text=True,
                         timeout=HANG_GUARD)
    assert bad.returncode == 1 and "chardev 'nope' not found" in bad.stderr


def test_nodefaults_leaves_no_default_monitor(kestrel, qemu, tmp_path):
    """-nodefaults: no serial port backend and no default monitor (no mux on stdio for
    Ctrl-A c): the only chardev is the QMP one the command line asked for, as in QEMU."""
    labels = {}
    for binary in (kestrel, qemu):
        path = str(tmp_path / f"{os.path.basename(binary)}.qmp")
        proc = start(binary, ["-M", "virt", "-bios", "none", "-nodefaults", "-S",
                              "-display", "none", "-qmp", f"unix:{path},server=on,wait=off"])
        try:
            qmp = QMP(connect_unix(path, proc))
            qmp.negotiate()
            _, r = qmp.cmd("query-chardev")
            labels[binary] = sorted(c["label"] for c in r["return"])
        finally:
            stop(proc)
    assert labels[kestrel] == labels[qemu] == ["compat_monitor0"], labels


def test_gdbserver_none_and_restart(kestrel, tmp_path):
    """gdbserver DEV listens (a second one replaces the first), gdbserver none stops it:
    the connected gdb is dropped and the port refuses connections again."""
    ports = []
    for _ in range(2):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    proc, hmp, _ = hmp_session(kestrel, tmp_path)
    try:
        assert hmp.cmd(f"gdbserver tcp::{ports[0]}") == (
            f"Waiting for gdb connection on device 'tcp::{ports[0]}'\r\n")
        socket.create_connection(("127.0.0.1", ports[0])).close()
        assert "Waiting" in hmp.cmd(f"gdbserver {ports[1]}")
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", ports[0]))
        gdb = socket.create_connection(("127.0.0.1", ports[1]))
        status = hmp.cmd("info status")
        assert hmp.cmd("gdbserver none") == "Disabled gdbserver\r\n"
        try:  # the connected gdb is dropped (a reset if the stub's greeting was unread)
            assert gdb.recv(100) == b""
        except ConnectionResetError:
            pass
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", ports[1]))
        assert hmp.cmd("info status") == status  # stopping the stub leaves the run state
    finally:
        stop(proc)
