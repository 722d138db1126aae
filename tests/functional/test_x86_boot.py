"""How kestrel-x86_64 -M q35 hands SeaBIOS and Linux what they need, compared with
qemu-system-x86_64 -M q35: fw_cfg with the e820 map, -kernel/-initrd/-append through the
linuxboot option ROM, and the errors for kernels that cannot boot."""
import os
import socket
import struct
import subprocess
import time

import pytest

from conftest import HANG_GUARD, KESTREL_X86, QEMU_X86, run


@pytest.fixture(scope="module")
def kestrel_x86():
    assert os.access(KESTREL_X86, os.X_OK), f"{KESTREL_X86} missing: run make first"
    return KESTREL_X86


@pytest.fixture(scope="module")
def x86_images(x86_image_dir):
    """bzImage and initrd.cpio.gz from scripts/build-x86-images."""
    return os.path.join(x86_image_dir, "bzImage"), os.path.join(x86_image_dir, "initrd.cpio.gz")


def boot_logs(binary, tmp_path, name, extra, until_debug, until_serial=None, mem="512",
              then=None):
    """Run binary -M q35 -m mem with extra arguments, the serial console and the debug console
    (port 0x402) in files, until both hold their marker; then, if given, call then(hmp) with
    the human monitor before the emulator is stopped. (debug lines, serial text)."""
    dbg, ser, mon = (tmp_path / f"{name}.{ext}" for ext in ("dbg", "ser", "mon"))
    cmd = [binary, "-M", "q35", "-m", mem, "-display", "none",
           "-monitor", f"unix:{mon},server,nowait" if then else "none",
           "-serial", f"file:{ser}", "-chardev", f"file,id=dbg,path={dbg}",
           "-device", "isa-debugcon,iobase=0x402,chardev=dbg"] + extra
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)

    def read(p):
        return p.read_text(errors="replace") if p.exists() else ""

    try:
        deadline = time.monotonic() + HANG_GUARD  # hang guard only, not a timing check
        while proc.poll() is None and time.monotonic() < deadline:
            if until_debug in read(dbg) and (until_serial is None or until_serial in read(ser)):
                break
            time.sleep(0.2)
        if then and proc.poll() is None:
            then(Hmp(mon))
    finally:
        proc.kill()
        _, err = proc.communicate()
    text, serial = read(dbg), read(ser)
    assert until_debug in text, f"{name}: {until_debug!r} not in the debug log:\n{text[-2000:]}\n{err}"
    assert until_serial is None or until_serial in serial, \
        f"{name}: {until_serial!r} not on the serial console:\n{serial[-2000:]}\n{err}"
    return text.splitlines(), serial


def e820_lines(lines):
    return [l for l in lines if l.startswith("qemu/e820:")]


def wait_for_long_mode(hmp):
    """The setup code jumped to the kernel at 1 MiB, whose decompressor enters long mode (and
    then takes long in the interpreter: Debian's kernel is xz-compressed)."""
    deadline = time.monotonic() + HANG_GUARD  # hang guard only
    while "EFER=0000000000000500" not in (regs := hmp.cmd("info registers")):
        assert time.monotonic() < deadline, "the decompressor never reached long mode:\n" + regs
        time.sleep(0.5)
    assert "CS =0010" in regs and "CR0=80050033" in regs, regs


def test_linux_boot_through_linuxboot_rom(kestrel_x86, x86_images, tmp_path):
    """-kernel/-initrd/-append: SeaBIOS finds the kernel in fw_cfg, boots the linuxboot_dma
    option ROM first (bootorder), and the kernel's real-mode setup runs (it probes EDD on
    the console) and starts the decompressor, which reaches long mode; the e820 map SeaBIOS
    reads from fw_cfg is QEMU's."""
    kernel, initrd = x86_images
    args = ["-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 earlyprintk=ttyS0"]
    # The setup code prints through the BIOS, whose serial console (sercon) and the VGA text
    # path both reach COM1 here, as under QEMU: every character twice.
    ours, serial = boot_logs(kestrel_x86, tmp_path, "kestrel", args, "Booting from ROM...",
                             "PPrroobbiinngg  EEDDDD", then=wait_for_long_mode)
    assert "Found QEMU fw_cfg" in ours and "QEMU fw_cfg DMA interface supported" in ours
    assert "Booting from Floppy..." not in ours, "bootorder should put the option ROM first"
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    theirs, _ = boot_logs(QEMU_X86, tmp_path, "qemu", args, "Booting from ROM...")
    # SeaBIOS logs the RAM entries of etc/e820 (-m 512: all below 4 GiB).
    assert e820_lines(ours) == e820_lines(theirs)
    assert e820_lines(ours) == ["qemu/e820: addr 0x0000000000000000 len 0x0000000020000000 [RAM]"]
    # The map SeaBIOS hands to the OS holds etc/e820's reserved entry: qemu64 is an AMD model.
    final = [l.split(": ", 1)[1] for l in ours if l.startswith("  ") and l.endswith(("RAM", "RESERVED"))]
    theirs_final = [l.split(": ", 1)[1] for l in theirs
                    if l.startswith("  ") and l.endswith(("RAM", "RESERVED"))]
    ht = "000000fd00000000 - 0000010000000000 = 2 RESERVED"
    assert ht in final and ht in theirs_final


def fake_bzimage(path, version=0x020f, loadflags=0x01, setup_sects=1, init_size=0x100000,
                 cmdline_size=2047, size=8192, magic=b"HdrS"):
    """A setup header with the fields x86_load_linux checks (Documentation/x86/boot.rst)."""
    img = bytearray(size)
    img[0x1f1] = setup_sects
    img[0x202:0x206] = magic
    struct.pack_into("<H", img, 0x206, version)
    img[0x211] = loadflags
    struct.pack_into("<I", img, 0x22c, 0x7fffffff)  # initrd_addr_max
    struct.pack_into("<I", img, 0x238, cmdline_size)
    struct.pack_into("<I", img, 0x260, init_size)
    path.write_bytes(bytes(img))
    return str(path)


def boot_error(binary, *args):
    r = run([binary, "-M", "q35", "-display", "none", "-serial", "null", "-monitor", "none",
             *args])
    assert r.returncode == 1, r
    return r.stderr


def test_bad_kernels_are_refused(kestrel_x86, tmp_path):
    k = tmp_path / "k"
    err = boot_error(kestrel_x86, "-kernel", fake_bzimage(k, magic=b"\0\0\0\0"))
    assert "not a Linux bzImage" in err
    err = boot_error(kestrel_x86, "-kernel", fake_bzimage(k, version=0x0204))
    assert "boot protocol 2.04 is too old" in err
    err = boot_error(kestrel_x86, "-kernel", fake_bzimage(k, loadflags=0))
    assert "a zImage" in err
    err = boot_error(kestrel_x86, "-kernel", fake_bzimage(k, setup_sects=200))
    assert "invalid setup header" in err
    err = boot_error(kestrel_x86, "-m", "64", "-kernel", fake_bzimage(k, init_size=64 << 20))
    assert "the kernel needs 0x4000000 bytes from 1 MiB" in err and "larger -m" in err
    err = boot_error(kestrel_x86, "-kernel", fake_bzimage(k, cmdline_size=8), "-append",
                     "console=ttyS0")
    assert "the command line has 13 characters" in err and "at most 8" in err
    initrd = tmp_path / "initrd"
    with open(initrd, "wb") as f:
        f.truncate(40 << 20)
    err = boot_error(kestrel_x86, "-m", "32", "-kernel", fake_bzimage(k), "-initrd", str(initrd))
    assert "-initrd" in err and "do not fit below" in err
    err = boot_error(kestrel_x86, "-kernel", str(tmp_path / "missing"))
    assert "-kernel: can't load" in err and "No such file" in err
    err = boot_error(kestrel_x86, "-initrd", str(initrd))
    assert "-initrd only allowed with -kernel option" in err


class Hmp:
    """The human monitor on a unix socket: one command at a time, reply up to the prompt."""

    def __init__(self, path):
        deadline = time.monotonic() + HANG_GUARD
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.connect(str(path))
                break
            except OSError:
                self.sock.close()
                assert time.monotonic() < deadline, "monitor socket never came up"
                time.sleep(0.2)
        self.read_reply()

    def read_reply(self, echo=""):
        """Everything up to the prompt that follows the echo of the command line (QEMU may
        send its first prompt again before it runs the command)."""
        data = ""
        while not (echo in data and data[data.index(echo):].endswith("(qemu) ")):
            chunk = self.sock.recv(65536)
            assert chunk, "monitor closed"
            data += chunk.decode(errors="replace")
        return data

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\n")
        return self.read_reply(line)


def pmem(hmp, tmp_path, addr, size):
    out = tmp_path / f"mem-{addr:x}-{size:x}.bin"
    out.unlink(missing_ok=True)  # the other emulator's run saves under the same name
    # A relative name (the emulator runs in tmp_path): QEMU would read "/tmp" as a division.
    reply = hmp.cmd(f"pmemsave 0x{addr:x} {size} {out.name}")
    assert "Try \"help" not in reply, reply[-500:]
    return out.read_bytes()


def acpi_tables_after_post(binary, tmp_path, name):
    """Boot to SeaBIOS's end of POST, then read the ACPI tables it placed from guest memory:
    the RSDP in the F segment, the RSDT's tables, the FADT's DSDT and FACS. {sig: bytes}."""
    dbg, mon = tmp_path / f"{name}.dbg", tmp_path / f"{name}.mon"
    proc = subprocess.Popen([binary, "-M", "q35", "-m", "512", "-display", "none",
                             "-serial", "null", "-monitor", f"unix:{mon},server,nowait",
                             "-chardev", f"file,id=dbg,path={dbg}",
                             "-device", "isa-debugcon,iobase=0x402,chardev=dbg"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        deadline = time.monotonic() + HANG_GUARD  # hang guard only
        while "No bootable device." not in (dbg.read_text(errors="replace") if dbg.exists()
                                             else ""):
            assert proc.poll() is None and time.monotonic() < deadline, "POST did not end"
            time.sleep(0.2)
        hmp = Hmp(mon)
        fseg = pmem(hmp, tmp_path, 0xe0000, 0x20000)
        at = next(i for i in range(0, len(fseg), 16) if fseg[i:i + 8] == b"RSD PTR ")
        assert sum(fseg[at:at + 20]) % 256 == 0, "RSDP checksum"
        tables = {"RSDP": fseg[at:at + 20]}

        def table(addr):
            length = struct.unpack("<I", pmem(hmp, tmp_path, addr, 8)[4:8])[0]
            data = pmem(hmp, tmp_path, addr, length)
            tables[data[:4].decode()] = data
            return data

        rsdt = table(struct.unpack("<I", fseg[at + 16:at + 20])[0])
        for off in range(36, len(rsdt), 4):
            t = table(struct.unpack("<I", rsdt[off:off + 4])[0])
            if t[:4] == b"FACP":
                facs_addr, dsdt_addr = struct.unpack("<II", t[36:44])
                table(dsdt_addr)
                tables["FACS"] = pmem(hmp, tmp_path, facs_addr, 64)
    finally:
        proc.kill()
        proc.communicate()
    return tables


def test_acpi_tables_decode_and_match_qemu(kestrel_x86, tmp_path):
    """The tables SeaBIOS placed through etc/table-loader: checksums hold, iasl -d decodes
    each without errors, and the set of tables is QEMU's."""
    ours = acpi_tables_after_post(kestrel_x86, tmp_path, "kestrel")
    assert sorted(ours) == ["APIC", "DSDT", "FACP", "FACS", "HPET", "MCFG", "RSDP", "RSDT"]
    for sig, data in ours.items():
        if sig == "RSDP":
            continue  # checked above; this iasl does not take an RSDP alone
        if sig != "FACS":
            assert sum(data) % 256 == 0, f"{sig} checksum"
        path = tmp_path / f"{sig.lower()}.dat"
        path.write_bytes(data)
        r = run(["iasl", "-d", str(path)], cwd=tmp_path)
        assert r.returncode == 0 and "error" not in r.stdout.lower(), f"{sig}:\n{r.stdout}{r.stderr}"
        assert (tmp_path / f"{sig.lower()}.dsl").exists()
    dsl = (tmp_path / "dsdt.dsl").read_text()
    for needed in ('Device (PCI0)', 'EisaId ("PNP0A08")', 'EisaId ("PNP0A03")', "Name (_PRT",
                   'EisaId ("PNP0501")', 'EisaId ("PNP0103")', "_S5_: S5 System State"):
        assert needed in dsl, needed
    madt = (tmp_path / "apic.dsl").read_text()
    assert "Processor Local APIC" in madt and "I/O APIC" in madt
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    theirs = acpi_tables_after_post(QEMU_X86, tmp_path, "qemu")
    # QEMU's q35 adds a WAET (and a bigger DSDT with hotplug); every table we build, it has,
    # the same size; MADT, HPET and MCFG byte for byte after the header.
    assert set(ours) <= set(theirs) and "WAET" in theirs
    for sig in ("RSDP", "FACS", "FACP", "APIC", "HPET", "MCFG"):
        assert len(ours[sig]) == len(theirs[sig]), sig
    for sig in ("APIC", "HPET", "MCFG"):
        assert ours[sig][36:] == theirs[sig][36:], sig

    def fadt_body(t):
        """The FADT after its header but for the table pointers (placement) and the SMI
        command port fields (ours: 0, none; QEMU: port 0xb2, ACPI enable 2, disable 3)."""
        return t[44:48] + t[54:140] + t[148:]

    assert fadt_body(ours["FACP"]) == fadt_body(theirs["FACP"])


def test_e820_with_ram_above_4g_matches_qemu(kestrel_x86, tmp_path):
    """-m 3G: 2 GiB below 4 GiB (the rest would reach the MCFG window), 1 GiB from 4 GiB."""
    ours, _ = boot_logs(kestrel_x86, tmp_path, "kestrel", [], "Relocating init", mem="3G")
    assert QEMU_X86, "qemu-system-x86_64 missing: run scripts/setup"
    theirs, _ = boot_logs(QEMU_X86, tmp_path, "qemu", [], "Relocating init", mem="3G")
    assert e820_lines(ours) == e820_lines(theirs)
    assert e820_lines(ours) == [
        "qemu/e820: addr 0x0000000000000000 len 0x0000000080000000 [RAM]",
        "qemu/e820: addr 0x0000000100000000 len 0x0000000040000000 [RAM]"]


def test_debian_kernel_boots_to_the_shell_with_two_cpus(kestrel_x86, x86_images):
    """Debian bookworm's kernel and the busybox initramfs on -M q35 -smp 2 (the block engine
    makes this affordable): /init's marker, a command answered by the shell, both CPUs in
    /proc/cpuinfo, and poweroff ending the process with status 0."""
    import pexpect

    kernel, initrd = x86_images
    child = pexpect.spawn(kestrel_x86, ["-M", "q35", "-m", "512", "-smp", "2", "-nographic",
                                        "-kernel", kernel, "-initrd", initrd,
                                        "-append", "console=ttyS0"],
                          timeout=3 * HANG_GUARD,  # hang guard only, not a timing check
                          encoding="utf-8", codec_errors="replace")
    try:
        child.expect("KESTREL-X86-INIT")
        child.sendline("echo CPUS=$(grep -c ^processor /proc/cpuinfo)")
        child.expect(r"CPUS=(\d+)")
        cpus = child.match.group(1)
        child.sendline("poweroff -f")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert cpus == "2"
    assert child.exitstatus == 0, f"poweroff: status {child.exitstatus}, signal {child.signalstatus}"
