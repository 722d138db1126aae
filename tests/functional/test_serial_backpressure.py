"""A serial peer that stops reading must not stop the machine (issue 13, item 10): the 16550
holds its byte with THRE clear (the guest sees a busy transmitter) and sends it when the peer
reads again, while the other harts, the main loop and MMIO go on; in the end the peer has
every byte. Kestrel's serial port is a unix socket here; its stderr shows guest_errors lines.

The guest (two harts): hart 0 writes 512 KiB to the UART, polling LSR.THRE as a driver does,
and flags in memory the first time THRE stays clear. Hart 1 waits for that flag, then does
1000 MMIO reads of the RTC (each needs the big lock) and logs a guest error (a write to an
RTC offset that does not exist); the test reads nothing until that line shows up. Then hart
0 sends "END", waits for TEMT and powers off. QEMU runs the same test (its log line differs)."""
import os
import shutil
import socket
import subprocess

import pexpect

from conftest import HANG_GUARD, KESTREL

CROSS = shutil.which("riscv64-unknown-elf-gcc") or shutil.which("riscv64-linux-gnu-gcc")
TOTAL = 512 * 1024  # more than a unix socket buffers (net.core.wmem_default, 208 KiB)

GUEST = r"""
    .equ UART, 0x10000000
    .equ TEST, 0x100000
    .equ RTC, 0x101000
    .globl _start
_start:
    csrr a0, mhartid
    bnez a0, hart1
    li s0, UART
    li t0, 1
    sb t0, 2(s0)            # FCR: 16-byte FIFOs on
    li s1, 0
    li s2, %d
    la s3, stalled
1:  lbu t0, 5(s0)           # LSR
    andi t0, t0, 0x20       # THRE: the transmit FIFO is empty
    bnez t0, 2f
    li t1, 1
    sw t1, 0(s3)            # held up by the peer: tell hart 1
    j 1b
2:  li t3, 16               # then up to 16 bytes fit, as for Linux's 8250 driver
3:  srli t0, s1, 8
    xor t0, t0, s1
    sb t0, 0(s0)            # byte k = (k ^ k >> 8) & 0xff
    addi s1, s1, 1
    beq s1, s2, 8f
    addi t3, t3, -1
    bnez t3, 3b
    j 1b
8:  la s4, done1
9:  lw t0, 0(s4)            # wait for hart 1
    beqz t0, 9b
    la t1, endmsg
4:  lbu t2, 0(t1)
    beqz t2, 6f
5:  lbu t0, 5(s0)
    andi t0, t0, 0x20
    beqz t0, 5b
    sb t2, 0(s0)
    addi t1, t1, 1
    j 4b
6:  lbu t0, 5(s0)
    andi t0, t0, 0x40       # TEMT: everything has left
    beqz t0, 6b
    li t0, TEST
    li t1, 0x5555
    sw t1, 0(t0)
7:  j 7b

hart1:
    la s3, stalled
1:  lw t0, 0(s3)
    beqz t0, 1b
    li s0, RTC
    li s1, 1000
2:  lw t0, 0(s0)            # MMIO under the big lock, while hart 0 waits for the peer
    addi s1, s1, -1
    bnez s1, 2b
    sw zero, 0x20(s0)       # no such RTC register: a guest_errors line on stderr
    la t0, done1
    li t1, 1
    sw t1, 0(t0)
3:  wfi
    j 3b

    .data
    .balign 4
stalled: .word 0
done1: .word 0
endmsg: .string "END\n"
""" % TOTAL


def expected_stream():
    return bytes((k ^ (k >> 8)) & 0xff for k in range(TOTAL)) + b"END\n"


def build_guest(tmp_path):
    assert CROSS, "no RISC-V cross compiler: run scripts/setup"
    src = tmp_path / "serial_peer.S"
    src.write_text(GUEST)
    elf = tmp_path / "serial_peer.elf"
    subprocess.run([CROSS, "-nostdlib", "-nostartfiles", "-static", "-mcmodel=medany",
                    "-Wl,--build-id=none", "-Wl,--no-relax", "-Wl,-Ttext=0x80000000", "-o", str(elf), str(src)],
                   check=True, capture_output=True)
    return elf


def test_serial_peer_stops_reading(emulator, tmp_path):
    elf = build_guest(tmp_path)
    path = str(tmp_path / "serial.sock")
    is_qemu = emulator != KESTREL
    child = pexpect.spawn(emulator, ["-M", "virt", "-smp", "2", "-nographic", "-bios", "none",
                                     "-kernel", str(elf),
                                     "-d", "guest_errors,unimp" if is_qemu else "guest_errors",
                                     "-serial", f"unix:{path},server=on,wait=on"],
                          timeout=HANG_GUARD, encoding="utf-8")
    child.expect("waiting for connection")
    peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    peer.connect(path)
    # Not reading: hart 0 is held up, yet hart 1 still does MMIO and gets its line out.
    child.expect("goldfish_rtc_write: offset 0x20 is UNIMP" if is_qemu
                 else "goldfish_rtc: write at bad offset 0x20")
    got = bytearray()
    peer.settimeout(HANG_GUARD)
    while True:
        chunk = peer.recv(1 << 16)
        if not chunk:
            break
        got += chunk
    peer.close()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    want = expected_stream()
    assert len(got) == len(want)
    assert got == want
