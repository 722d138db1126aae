"""savevm/loadvm/delvm/info snapshots, -loadvm and QMP snapshot jobs (issue 9, Snapshots).

The Linux test boots the cached kernel with its root file system on a qcow2 image (made by
`qemu-img convert` from the cached ext4 disk), with user networking: a file written before
`savevm` is there after `loadvm` and one written after is gone, the shell answers, the disk
and the network still work (virtio-mmio and virtio-pci); `-loadvm` in a new process does the same; `qemu-img snapshot -l`
lists the snapshot and `qemu-img check` finds the image clean after savevm and after delvm.
It runs on Kestrel only: QEMU 7.2 takes the snapshot, but the restored guest never answers
again on this host (its console stays silent after loadvm, also with -cpu rv64,sstc=off).

The small tests use a bare-metal guest that waits for a byte on its UART: the error
messages for drives that cannot hold snapshots and the QMP job events of
snapshot-save/-load/-delete, on Kestrel and QEMU 7.2 alike; and (Kestrel) a damaged VM state
that loadvm refuses while the machine runs on untouched.
"""
import os
import shutil
import socket
import struct
import subprocess
import threading
import http.server

import pexpect
import pytest

from conftest import HANG_GUARD
from monitor_util import HMP, QMP, build_wait_guest, connect_unix, start, stop
from test_linux import PROMPT, sh


@pytest.fixture
def host_http_server(tmp_path):
    """The host's 127.0.0.1 serves hello.txt (the guest reaches it as 10.0.2.2)."""
    content = "hello-after-loadvm-%d\n" % os.getpid()
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "hello.txt").write_text(content)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kw):
            super().__init__(*args, directory=str(tmp_path / "www"), **kw)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], content
    server.shutdown()
    server.server_close()


def qemu_img(*args):
    proc = subprocess.run(["qemu-img", *args], capture_output=True, text=True,
                          timeout=HANG_GUARD)
    assert proc.returncode == 0, f"qemu-img {args}: {proc.stdout}{proc.stderr}"
    return proc.stdout


# The disk and the NIC on virtio-mmio, or on PCI (QEMU's virt puts if=virtio and -nic there).
TRANSPORTS = {
    "mmio": lambda disk: ["-drive", f"file={disk},format=qcow2,if=none,id=hd0",
                          "-device", "virtio-blk-device,drive=hd0",
                          "-netdev", "user,id=n0", "-device", "virtio-net-device,netdev=n0"],
    "pci": lambda disk: ["-drive", f"file={disk},format=qcow2,if=virtio", "-nic", "user"],
    "e1000e": lambda disk: ["-drive", f"file={disk},format=qcow2,if=virtio",
                            "-netdev", "user,id=n0", "-device", "e1000e,netdev=n0"],
}


def spawn_linux(emulator, images, disk, mon, transport, extra=()):
    args = ["-M", "virt", "-m", "512", "-nographic",
            "-kernel", os.path.join(images, "Image"), "-append", "root=/dev/vda rw console=ttyS0",
            *TRANSPORTS[transport](disk),
            "-monitor", f"unix:{mon},server=on,wait=off", *extra]
    return pexpect.spawn(emulator, args, timeout=HANG_GUARD, encoding="utf-8",
                         codec_errors="replace")


def hmp(child, mon):
    sock = connect_unix(mon, child)
    h = HMP(sock)
    h.read_until_prompt()
    return h


def check_restored(child, http):
    """After loadvm: the shell answers, A is there and B is not, disk and network work."""
    port, content = http
    child.sendline("")
    child.expect(PROMPT)
    assert sh(child, "cat /fileA").strip() == "before-savevm"
    assert "No such file" in sh(child, "ls /fileB 2>&1; true")
    sh(child, "echo after-loadvm > /fileC && sync")
    assert sh(child, "cat /fileC").strip() == "after-loadvm"
    sh(child, "udhcpc -i eth0 -n -q -t 5")
    assert sh(child, f"wget -q -O - http://10.0.2.2:{port}/hello.txt").strip() == content.strip()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_savevm_loadvm_linux(kestrel, linux_images, tmp_path, host_http_server, transport):
    emulator = kestrel
    disk = str(tmp_path / "disk.qcow2")
    mon = str(tmp_path / "mon.sock")
    qemu_img("convert", "-O", "qcow2", os.path.join(linux_images, "disk.img"), disk)

    child = spawn_linux(emulator, linux_images, disk, mon, transport)
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)
    h = hmp(child, mon)
    sh(child, "echo before-savevm > /fileA && sync")
    assert "Error" not in h.cmd("savevm s1")
    sh(child, "echo after-savevm > /fileB && sync")
    listing = h.cmd("info snapshots")
    assert "List of snapshots present on all disks:" in listing, listing
    assert " s1 " in listing, listing
    out = h.cmd("loadvm s1")
    assert "Error" not in out, out
    check_restored(child, host_http_server)
    h.cmd("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert " s1 " in qemu_img("snapshot", "-l", disk)
    qemu_img("check", disk)

    # A new process started from the snapshot; then delvm.
    child = spawn_linux(emulator, linux_images, disk, mon, transport, ["-loadvm", "s1"])
    check_restored(child, host_http_server)
    h = hmp(child, mon)
    assert h.cmd("delvm s1") == ""
    assert "There is no snapshot available." in h.cmd("info snapshots")
    h.cmd("quit")
    child.expect(pexpect.EOF)
    child.close()
    assert " s1 " not in qemu_img("snapshot", "-l", disk)
    qemu_img("check", disk)


# ---- a bare-metal guest: errors, damaged state, QMP jobs ----

def start_wait_guest(binary, tmp_path, drive_args, extra=()):
    """The guest waiting for a byte on its UART (serial on a socket), HMP on another."""
    elf = build_wait_guest(tmp_path)
    for name in ("serial.sock", "mon.sock"):
        if os.path.exists(tmp_path / name):
            os.unlink(tmp_path / name)
    serial, mon = str(tmp_path / "serial.sock"), str(tmp_path / "mon.sock")
    proc = start(binary, ["-M", "virt", "-display", "none", "-bios", "none", "-kernel", elf,
                          "-serial", f"unix:{serial},server=on,wait=off",
                          "-monitor", f"unix:{mon},server=on,wait=off", *drive_args, *extra])
    ser = connect_unix(serial, proc)
    h = HMP(connect_unix(mon, proc))
    h.read_until_prompt()
    return proc, ser, h


def quit_hmp(h, proc):
    h.sock.sendall(b"quit\r")
    proc.wait(timeout=HANG_GUARD)


def qcow2_drive(tmp_path, name="d.qcow2"):
    path = str(tmp_path / name)
    qemu_img("create", "-q", "-f", "qcow2", path, "16M")
    return path, ["-drive", f"if=none,file={path},format=qcow2,id=d0"]


def test_snapshot_errors(emulator, tmp_path):
    raw = str(tmp_path / "r.raw")
    qemu_img("create", "-q", "-f", "raw", raw, "1M")
    proc, ser, h = start_wait_guest(emulator, tmp_path, [])
    try:
        assert "Error: no block device can store vmstate for snapshot" in h.cmd("savevm s1")
        assert "no block device can store vmstate for snapshot" in h.cmd("info snapshots")
    finally:
        stop(proc)
    proc, ser, h = start_wait_guest(emulator, tmp_path,
                                    ["-drive", f"if=none,file={raw},format=raw,id=d0"])
    try:
        out = h.cmd("savevm s1")
        assert "Error: Device 'd0' is writable but does not support snapshots" in out, out
    finally:
        stop(proc)
    path, drive = qcow2_drive(tmp_path)
    proc, ser, h = start_wait_guest(emulator, tmp_path, drive)
    try:
        out = h.cmd("loadvm nope")
        assert "Error: Snapshot 'nope' does not exist in one or more devices" in out, out
        assert h.cmd("delvm nope") == ""
        assert "There is no snapshot available." in h.cmd("info snapshots")
        assert h.cmd("savevm s1") == ""
        assert h.cmd("savevm s1") == ""  # HMP replaces a snapshot of the same name
        listing = h.cmd("info snapshots")
        assert listing.count(" s1 ") == 1, listing
        # (QEMU leaves the VM paused in "restore-vm" after a failed loadvm; Kestrel runs on,
        # see test_damaged_vmstate_refused.)
        quit_hmp(h, proc)  # QEMU caches metadata: killed, its image would leak clusters
    finally:
        stop(proc)
    qemu_img("check", path)


def vmstate_host_offset(path, name):
    """Where the first cluster of snapshot name's VM state lies in the image file."""
    with open(path, "rb") as f:
        hdr = f.read(104)
        cluster_bits, = struct.unpack(">I", hdr[20:24])
        size, = struct.unpack(">Q", hdr[24:32])
        nb, snap_off = struct.unpack(">IQ", hdr[60:72])
        f.seek(snap_off)
        for _ in range(nb):
            l1_off, l1_size, id_len, name_len = struct.unpack(">QIHH", f.read(16))
            rest = f.read(24)
            extra_len, = struct.unpack(">I", rest[20:24])
            f.read(extra_len)
            f.read(id_len)
            sn_name = f.read(name_len).decode()
            f.read((-(40 + extra_len + id_len + name_len)) % 8)
            if sn_name == name:
                break
        else:
            raise AssertionError(f"no snapshot {name}")
        l2_span = (1 << (cluster_bits - 3)) << cluster_bits
        vm_index = (size + l2_span - 1) // l2_span
        f.seek(l1_off + 8 * vm_index)
        l2, = struct.unpack(">Q", f.read(8))
        f.seek(l2 & 0x00fffffffffffe00)
        entry, = struct.unpack(">Q", f.read(8))
        return entry & 0x00fffffffffffe00


def test_damaged_vmstate_refused(kestrel, tmp_path):
    path, drive = qcow2_drive(tmp_path)
    proc, ser, h = start_wait_guest(kestrel, tmp_path, drive)
    try:
        assert h.cmd("savevm s1") == ""
        off = vmstate_host_offset(path, "s1")
        with open(path, "r+b") as f:
            f.seek(off + 100)
            byte = f.read(1)
            f.seek(off + 100)
            f.write(bytes([byte[0] ^ 0xff]))
        out = h.cmd("loadvm s1")
        assert ("Error: Snapshot 's1' cannot be loaded: VM state is corrupt (checksum mismatch)"
                in out), out
        # The machine runs on as it was: the guest still waits for its byte, then passes.
        assert "running" in h.cmd("info status")
        ser.sendall(b"x")
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)
    # At start-up the same damage is a clear error and exit status 1.
    proc = subprocess.run([kestrel, "-M", "virt", "-display", "none", "-bios", "none",
                           "-kernel", build_wait_guest(tmp_path), "-serial", "null", *drive,
                           "-loadvm", "s1"], capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert "VM state is corrupt (checksum mismatch)" in proc.stderr, proc.stderr


def job_statuses(q, job_id):
    """JOB_STATUS_CHANGE statuses of job_id up to "concluded"."""
    seen = []
    while not seen or seen[-1] != "concluded":
        ev = q.wait_event("JOB_STATUS_CHANGE")
        if ev["data"]["id"] == job_id:
            seen.append(ev["data"]["status"])
    return seen


def test_qmp_snapshot_jobs(emulator, tmp_path):
    path = str(tmp_path / "q.qcow2")
    qemu_img("create", "-q", "-f", "qcow2", path, "16M")
    qmp_sock = str(tmp_path / "qmp.sock")
    elf = build_wait_guest(tmp_path)
    proc = start(emulator, ["-M", "virt", "-display", "none", "-bios", "none", "-kernel", elf,
                            "-serial", "null", "-qmp", f"unix:{qmp_sock},server=on,wait=off",
                            "-blockdev", f"driver=file,filename={path},node-name=f0",
                            "-blockdev", "driver=qcow2,file=f0,node-name=n0"])
    try:
        q = QMP(connect_unix(qmp_sock, proc))
        q.negotiate()
        before, r = q.cmd("snapshot-save", {"job-id": "j1", "tag": "s1", "vmstate": "n0",
                                            "devices": ["n0"]})
        assert r == {"return": {}}, r
        assert [e["data"]["status"] for e in before
                if e["event"] == "JOB_STATUS_CHANGE"] == ["created", "running"]
        assert job_statuses(q, "j1") == ["created", "running", "waiting", "pending",
                                         "concluded"]
        _, r = q.cmd("query-jobs")
        assert r["return"] == [{"current-progress": 1, "status": "concluded",
                                "total-progress": 1, "type": "snapshot-save", "id": "j1"}]
        _, r = q.cmd("snapshot-load", {"job-id": "j2", "tag": "nope", "vmstate": "n0",
                                       "devices": ["n0"]})
        assert job_statuses(q, "j2") == ["created", "running", "aborting", "concluded"]
        _, r = q.cmd("query-jobs")
        failed = [j for j in r["return"] if j["id"] == "j2"][0]
        assert failed["error"] == "Snapshot 'nope' does not exist in one or more devices"
        _, r = q.cmd("snapshot-load", {"job-id": "j3", "tag": "s1", "vmstate": "n0",
                                       "devices": ["n0"]})
        assert job_statuses(q, "j3")[-3:] == ["waiting", "pending", "concluded"]
        for job in ("j1", "j2", "j3"):
            _, r = q.cmd("job-dismiss", {"id": job})
            assert r == {"return": {}}, r
        _, r = q.cmd("snapshot-delete", {"job-id": "j4", "tag": "s1", "devices": ["n0"]})
        assert job_statuses(q, "j4")[-1] == "concluded"
        _, r = q.cmd("query-jobs")
        assert "error" not in r["return"][0], r
        q.cmd("quit")
        proc.wait(timeout=HANG_GUARD)
    finally:
        stop(proc)
    assert qemu_img("snapshot", "-l", path) == ""
    qemu_img("check", path)


def test_other_configuration_refused(kestrel, tmp_path):
    """A snapshot taken with -m 128 does not load into -m 256, nor with a device less."""
    path, drive = qcow2_drive(tmp_path)
    proc, ser, h = start_wait_guest(kestrel, tmp_path, drive,
                                    ["-m", "128", "-device", "virtio-rng-device"])
    try:
        assert h.cmd("savevm s1") == ""
        quit_hmp(h, proc)
    finally:
        stop(proc)
    base = [kestrel, "-M", "virt", "-display", "none", "-bios", "none",
            "-kernel", build_wait_guest(tmp_path), "-serial", "null", *drive, "-loadvm", "s1"]
    proc = subprocess.run(base + ["-m", "256", "-device", "virtio-rng-device"],
                          capture_output=True, text=True, timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert "VM state has RAM 'riscv.dram' of 134217728 bytes, which this machine lacks" in \
        proc.stderr, proc.stderr
    proc = subprocess.run(base + ["-m", "128"], capture_output=True, text=True,
                          timeout=HANG_GUARD)
    assert proc.returncode == 1
    assert "which this machine lacks" in proc.stderr, proc.stderr
    qemu_img("check", path)


def test_unmigratable_device_blocks_savevm(kestrel, tmp_path):
    """A device whose state cannot be saved (a 9p share: the guest's fids are open host
    files) makes savevm refuse, with QEMU's message, instead of a snapshot missing it. (QEMU
    7.2 blocks only while the share is mounted; Kestrel whenever the device exists.)"""
    share = tmp_path / "share"
    share.mkdir()
    path, drive = qcow2_drive(tmp_path)
    proc, ser, h = start_wait_guest(kestrel, tmp_path, drive, [
        "-fsdev", f"local,id=fs0,path={share},security_model=none",
        "-device", "virtio-9p-device,fsdev=fs0,mount_tag=t"])
    try:
        out = h.cmd("savevm s1")
        assert "Error: State blocked by non-migratable device" in out, out
        assert "(virtio-9p)" in out, out
        assert "There is no snapshot available." in h.cmd("info snapshots")
        quit_hmp(h, proc)
    finally:
        stop(proc)
    qemu_img("check", path)
