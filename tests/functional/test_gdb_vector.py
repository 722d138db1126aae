"""The vector registers in the gdbstub (-cpu rv64,v=true), driven by gdb-multiarch as in
test_gdb.py: the org.gnu.gdb.riscv.vector feature of the target description has QEMU 7.2's
content (v0..v31 of VLEN bits, their union of views, the vector CSRs), and gdb reads a
vector register a guest filled and writes one the guest then stores. The behaviour test runs
against Kestrel and QEMU 7.2 alike."""
import re

from test_gdb import Emulator, Gdb

CODE = 0x80000000
DATA = 0x80001000  # the guest loads v1 from here and stores v2 at DATA + 64
# li t0, 0x200; csrs mstatus, t0 (VS = Initial); vsetivli zero, 16, e8, m1, ta, ma;
# lui a0, 0x80001; slli a0, a0, 32; srli a0, a0, 32 (a0 = DATA); vle8.v v1, (a0);
# addi a1, a0, 64; vse8.v v2, (a1); j .
PROGRAM = [0x20000293, 0x3002A073, 0xCC087057, 0x80001537, 0x02051513, 0x02055513,
           0x02050087, 0x04050593, 0x02058127, 0x0000006F]
PATTERN = list(range(0xA0, 0xB0))


def vector_feature(gdb):
    """The vector feature of the description gdb holds, without the regnums (which number
    the stub's registers and differ between the emulators)."""
    xml = gdb.cmd("maint print xml-tdesc")
    m = re.search(r'<feature name="org.gnu.gdb.riscv.vector">.*?</feature>', xml, re.S)
    assert m, xml[-3000:]
    return re.sub(r' regnum="\d+"', "", m.group(0))


def feature_order(gdb):
    """The names of the features, in the order of the description."""
    xml = gdb.cmd("maint print xml-tdesc")
    return re.findall(r'<feature name="([^"]+)"', xml)


def describe(binary, port, vlen):
    emu = Emulator(binary, port, ["-cpu", f"rv64,v=true,vlen={vlen}"])
    gdb = Gdb(port)
    try:
        return vector_feature(gdb), feature_order(gdb)
    finally:
        gdb.close()
        emu.stop()


def test_vector_feature_is_qemus(kestrel, qemu, free_port):
    """At VLEN 256 (views of 2 quads .. 32 bytes), the vector feature is QEMU 7.2's, the
    vector CSRs are in it and not in the csr feature, and the features come in QEMU's order."""
    ours, our_order = describe(kestrel, free_port, 256)
    theirs, their_order = describe(qemu, free_port, 256)
    assert ours == theirs
    assert '<reg name="v31" bitsize="256"' in ours
    assert '<vector id="quads" type="uint128" count="2"/>' in ours
    assert our_order == their_order
    for name in ("vstart", "vl", "vtype", "vlenb"):
        assert ours.count(f'<reg name="{name}"') == 1


def test_vector_registers_read_and_write(emulator, free_port):
    emu = Emulator(emulator, free_port, ["-cpu", "rv64,v=true"])
    gdb = Gdb(free_port)
    try:
        for i, word in enumerate(PROGRAM):
            gdb.cmd(f"set {{unsigned int}}{CODE + 4 * i:#x} = {word:#x}")
        for i, byte in enumerate(PATTERN):
            gdb.cmd(f"set {{unsigned char}}{DATA + i:#x} = {byte:#x}")
        gdb.cmd(f"set $pc = {CODE:#x}")
        for _ in range(7):  # up to and including the vle8.v
            gdb.cmd("stepi")
        assert gdb.value("$pc") == CODE + 28
        out = gdb.cmd("p/x $v1.b")
        assert re.findall(r"0x[0-9a-f]+", out) == [hex(b) for b in PATTERN], out
        assert gdb.value("$v1.q[0]") == int.from_bytes(bytes(PATTERN), "little")
        assert gdb.value("$vlenb") == 16
        assert gdb.value("$vl") == 16
        assert "v1" in gdb.cmd("info registers vector")
        gdb.cmd("set $v2.l[0] = 0x0123456789abcdef")
        gdb.cmd("set $v2.l[1] = 0xfedcba9876543210")
        assert gdb.value("$v2.w[1]") == 0x01234567
        gdb.cmd("stepi")
        gdb.cmd("stepi")  # the vse8.v of v2
        assert gdb.words(DATA + 64, 4) == [0x89ABCDEF, 0x01234567, 0x76543210, 0xFEDCBA98]
    finally:
        gdb.close()
        emu.stop()
