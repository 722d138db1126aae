#!/usr/bin/env python3
"""Soak tests: Linux booted many times in a row, and an SMP guest kept busy for a long time.

    tests/soak/soak.py boots [--count 100]     (make soak)
    tests/soak/soak.py smp --minutes N         (make soak-smp MINUTES=N)
    tests/soak/soak.py smp --rounds N          a bounded amount of work instead of time

boots: boot i (i = 0..count-1) runs under -accel tcg,jit=on|off and -smp 1|2 in turn (4 boots
cover the 4 combinations), with disk.img (ext4) as its root on virtio-blk. The guest checks
the files of the earlier boots are all there, writes /soak/boot-NNN.txt (known content), syncs
and powers off. Every boot must reach the shell and exit with status 0; at the end the host
replays the journal (e2fsck), requires a clean file system and reads every file back with
debugfs: each must have the content and SHA-256 the host computes.

smp: an -smp 2 guest runs busy loops (one per hart), a disk worker (writes, syncs and
re-reads 1 MiB files on a virtio disk, comparing checksums) and a network worker (fetches
a 1 MiB blob from a host HTTP server on 127.0.0.1, reached as slirp's 10.0.2.2, comparing
checksums), while the host fetches a page from the guest's httpd through hostfwd. Every
round (--minutes: every 20 s until the time is up) the host asks the shell for the
workers' counters; each answer must come (the hang guard fails a hung machine) and with
--minutes no counter may stand still for 3 minutes. With --rounds the workers do that many
iterations and the guest waits for them. At the end: no worker reported an error, the
guest powers off cleanly and e2fsck finds the disk clean.

The functional tests (tests/functional/test_soak.py) run the short forms in `make check`.
"""
import argparse
import hashlib
import http.server
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import pexpect

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
KESTREL = os.path.join(ROOT, "build", "kestrel")
PROMPT = r"kestrel:[^#\r\n]*# "
# A guard against a hung guest (pexpect's timeout), not a performance limit.
HANG_GUARD = 300
GUEST_HTTP_PORT = 8080
# The timed SMP soak asks the guest every CHECK_EVERY seconds; a worker whose counter has
# not moved for STALL_LIMIT seconds is hung (a round takes a second or two).
CHECK_EVERY = 20
STALL_LIMIT = 180


def log(msg):
    print("soak: " + msg, flush=True)


def find_images():
    proc = subprocess.run([os.path.join(ROOT, "scripts", "build-images")], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise RuntimeError("scripts/build-images failed:\n" + proc.stderr[-3000:])
    return proc.stdout.strip().splitlines()[-1]


def spawn(args, logfile=None):
    child = pexpect.spawn(KESTREL, args, timeout=HANG_GUARD, encoding="utf-8",
                          codec_errors="replace")
    child.logfile_read = logfile
    return child


def sh(child, cmd):
    """Run cmd in the guest shell; return its output, raising if it exits non-zero."""
    child.sendline("echo SH''-OUT; " + cmd + "; echo RC=$?")  # the echo cannot match SH-OUT
    child.expect(r"SH-OUT\r*\n")
    child.expect(r"RC=(\d+)\r*\n")
    out, rc = child.before, child.match.group(1)
    child.expect(PROMPT)
    if rc != "0":
        raise AssertionError(f"guest command {cmd!r} failed ({rc}):\n{out}")
    return out


def wait_for_shell(child):
    child.expect("KESTREL-BOOT-OK")
    child.sendline("")
    child.expect(PROMPT)


def poweroff(child):
    child.sendline("poweroff")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus


def fsck(image):
    """Replay the journal and check; raise unless the file system is (now) clean."""
    proc = subprocess.run(["e2fsck", "-fy", image], capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 1: the journal was replayed / fixed harmlessly
        raise AssertionError(f"e2fsck {image}: status {proc.returncode}\n{proc.stdout}")
    proc = subprocess.run(["e2fsck", "-fn", image], capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"e2fsck -fn {image} after replay: not clean\n{proc.stdout}")


def debugfs_read(image, path):
    return subprocess.run(["debugfs", "-R", f"cat {path}", image], capture_output=True,
                          check=True).stdout


# ---- boots ----

def combination(i):
    """Boot i's (jit, harts): 4 consecutive boots cover jit on/off x -smp 1/2."""
    return (i % 2 == 0), (1 if (i // 2) % 2 == 0 else 2)


def boot_file(i):
    return f"/soak/boot-{i:03d}.txt"


def boot_content(i):
    """The file boot i writes: 50 + 37*i lines (up to ~130 KiB), so sizes vary."""
    lines = 50 + 37 * i
    return "".join(f"kestrel soak boot {i} line {n}\n" for n in range(1, lines + 1)).encode()


def boot_once(images, disk, i, logfile=None):
    jit, harts = combination(i)
    args = ["-M", "virt", "-m", "256", "-nographic", "-smp", str(harts),
            "-accel", f"tcg,jit={'on' if jit else 'off'}",
            "-kernel", os.path.join(images, "Image"),
            "-append", "root=/dev/vda rw console=ttyS0",
            "-drive", f"file={disk},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-device,drive=hd0"]
    start = time.monotonic()
    child = spawn(args, logfile)
    try:
        wait_for_shell(child)
        booted = time.monotonic() - start
        sh(child, "mkdir -p /soak")
        found = sh(child, "ls /soak | wc -l").strip()
        if found != str(i):
            raise AssertionError(f"boot {i}: {found} files in /soak, expected {i}")
        lines = 50 + 37 * i
        sh(child, f'seq 1 {lines} | sed "s/^/kestrel soak boot {i} line /" > {boot_file(i)}'
                  " && sync")
        guest_sum = sh(child, f"sha256sum {boot_file(i)}").split()[0]
        want = hashlib.sha256(boot_content(i)).hexdigest()
        if guest_sum != want:
            raise AssertionError(f"boot {i}: guest reads sha256 {guest_sum}, expected {want}")
        status = poweroff(child)
    finally:
        if child.isalive():
            child.terminate(force=True)
    if status != 0:
        raise AssertionError(f"boot {i}: kestrel exited with status {status}")
    return jit, harts, booted


def verify_boot_files(disk, count):
    fsck(disk)
    for i in range(count):
        data = debugfs_read(disk, boot_file(i))
        if hashlib.sha256(data).digest() != hashlib.sha256(boot_content(i)).digest():
            raise AssertionError(f"{boot_file(i)} on the image: {len(data)} bytes, sha256 "
                                 f"{hashlib.sha256(data).hexdigest()} (expected "
                                 f"{hashlib.sha256(boot_content(i)).hexdigest()})")


def run_boots(images, workdir, count, logfile=None):
    """count boots on one copy of disk.img, then the host check; returns the elapsed seconds."""
    disk = os.path.join(workdir, "soak-disk.img")
    shutil.copy(os.path.join(images, "disk.img"), disk)
    start = time.monotonic()
    for i in range(count):
        jit, harts, booted = boot_once(images, disk, i, logfile)
        log(f"boot {i + 1}/{count} (jit={'on' if jit else 'off'}, -smp {harts}): shell after "
            f"{booted:.1f} s, file written, exit 0")
    verify_boot_files(disk, count)
    elapsed = time.monotonic() - start
    log(f"{count} boots held; {count} files on the image with the right SHA-256; "
        f"e2fsck clean; {elapsed / 60:.1f} minutes")
    return elapsed


# ---- smp ----

class BlobServer:
    """An HTTP server on the host's 127.0.0.1 serving /blob (1 MiB of random bytes)."""

    def __init__(self):
        self.blob = os.urandom(1 << 20)
        self.md5 = hashlib.md5(self.blob).hexdigest()
        blob = self.blob

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Length", str(len(blob)))
                self.end_headers()
                self.wfile.write(blob)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_commands(iterations, blob_port, blob_md5):
    """Shell commands starting the guest's workers; iterations -1 means until killed."""
    loop = f'n=0; while [ $n -ne {iterations} ]; do'
    disk = (f'( {loop} dd if=/dev/urandom of=/mnt/w.tmp bs=64k count=16 2>/dev/null; '
            'a=$(md5sum < /mnt/w.tmp); sync; '
            '[ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches; '
            'b=$(md5sum < /mnt/w.tmp); [ -n "$a" ] && [ "$a" = "$b" ] || '
            'echo "disk: mismatch in round $n" >> /tmp/err; '
            'n=$((n+1)); echo $n > /tmp/disk.count; done ) > /dev/null 2>&1 &')
    net = (f'( {loop} s=$(wget -q -O - http://10.0.2.2:{blob_port}/blob | md5sum); '
           f'[ "${{s%% *}}" = {blob_md5} ] || echo "net: got $s in round $n" >> /tmp/err; '
           'n=$((n+1)); echo $n > /tmp/net.count; done ) > /dev/null 2>&1 &')
    busy_count = 20000 if iterations >= 0 else -1
    busy = (f'( i=0; while [ $i -ne {busy_count} ]; do i=$((i+1)); done; '
            'echo done >> /tmp/busy.count ) > /dev/null 2>&1 &')
    return [busy, busy, disk, net]


def read_counters(child):
    """The workers' round counts (disk, net) and the errors they reported."""
    # The markers are split in the command ("COUN""TS") so its echo never matches.
    out = sh(child, 'echo "COUN""TS $(cat /tmp/disk.count 2>/dev/null || echo 0) '
                    '$(cat /tmp/net.count 2>/dev/null || echo 0)"; '
                    'sed "s/^/WORKER-""ERROR /" /tmp/err 2>/dev/null | head -5')
    match = re.search(r"COUNTS (\d+) (\d+)", out)
    if not match:
        raise AssertionError("no counters in the guest's answer:\n" + out)
    errors = re.findall(r"WORKER-ERROR (.*)", out)
    return [int(match.group(1)), int(match.group(2))], errors


def fetch_from_guest(fwd_port):
    with urllib.request.urlopen(f"http://127.0.0.1:{fwd_port}/index.html",
                                timeout=HANG_GUARD) as reply:
        if reply.read().decode().strip() != "served-by-the-guest":
            raise AssertionError("hostfwd: wrong page from the guest's httpd")


def smp_boot(images, disk, fwd_port, logfile):
    args = ["-M", "virt", "-m", "256", "-nographic", "-smp", "2",
            "-kernel", os.path.join(images, "Image"),
            "-initrd", os.path.join(images, "rootfs.cpio.gz"), "-append", "console=ttyS0",
            "-drive", f"file={disk},format=raw,if=none,id=hd0",
            "-device", "virtio-blk-device,drive=hd0",
            "-netdev", f"user,id=n0,hostfwd=tcp:127.0.0.1:{fwd_port}-:{GUEST_HTTP_PORT}",
            "-device", "virtio-net-device,netdev=n0"]
    child = spawn(args, logfile)
    wait_for_shell(child)
    sh(child, "dmesg -n 1")  # kernel messages (drop_caches notes) off the console
    sh(child, "udhcpc -i eth0 -n -q -t 5 > /dev/null")
    sh(child, "mkdir -p /mnt /tmp/www && mount /dev/vda /mnt")
    sh(child, "echo served-by-the-guest > /tmp/www/index.html && "
              f"httpd -p {GUEST_HTTP_PORT} -h /tmp/www")
    return child


def run_smp(images, workdir, minutes=None, rounds=None, logfile=None):
    """The SMP soak, for minutes (counters must move every round) or a bounded rounds."""
    disk = os.path.join(workdir, "soak-smp-disk.img")
    shutil.copy(os.path.join(images, "disk.img"), disk)
    server, fwd_port = BlobServer(), free_port()
    child = smp_boot(images, disk, fwd_port, logfile)
    try:
        iterations = rounds if rounds is not None else -1
        for cmd in worker_commands(iterations, server.port, server.md5):
            sh(child, cmd + " echo $! >> /tmp/pids")
        start, checks = time.monotonic(), 0
        if rounds is not None:
            sh(child, "wait")
            fetch_from_guest(fwd_port)
            checks = 1
        else:
            last, moved = [0, 0], [start, start]
            while time.monotonic() - start < minutes * 60:
                time.sleep(CHECK_EVERY)
                fetch_from_guest(fwd_port)
                counts, errors = read_counters(child)
                checks += 1
                if errors:
                    raise AssertionError("guest workers reported: " + "; ".join(errors))
                now = time.monotonic()
                for k, name in enumerate(("disk", "net")):
                    if counts[k] > last[k]:
                        moved[k] = now
                    elif now - moved[k] > STALL_LIMIT:
                        raise AssertionError(f"the {name} worker is stuck at round {counts[k]} "
                                             f"for {now - moved[k]:.0f} s")
                last = counts
                log(f"{(now - start) / 60:.1f} min: disk rounds {counts[0]}, "
                    f"net rounds {counts[1]}, guest answered, hostfwd ok")
            sh(child, "kill $(cat /tmp/pids); wait; true")
        counts, errors = read_counters(child)
        if errors:
            raise AssertionError("guest workers reported: " + "; ".join(errors))
        if rounds is not None and counts != [rounds, rounds]:
            raise AssertionError(f"workers did {counts}, expected {rounds} rounds each")
        # A worker's last dd or wget may outlive its killed loop for a moment.
        sh(child, "rm -f /mnt/w.tmp; until umount /mnt 2>/dev/null; do sleep 1; done")
        status = poweroff(child)
    finally:
        server.close()
        if child.isalive():
            child.terminate(force=True)
    if status != 0:
        raise AssertionError(f"kestrel exited with status {status}")
    fsck(disk)
    elapsed = time.monotonic() - start
    log(f"SMP soak held: {elapsed / 60:.1f} minutes, {checks} checks, disk rounds "
        f"{counts[0]}, net rounds {counts[1]} (1 MiB each), e2fsck clean")
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    boots = sub.add_parser("boots")
    boots.add_argument("--count", type=int, default=100)
    smp = sub.add_parser("smp")
    smp.add_argument("--minutes", type=float)
    smp.add_argument("--rounds", type=int)
    parser.add_argument("--console-log", help="append every guest console byte to this file")
    args = parser.parse_args()
    if not os.access(KESTREL, os.X_OK):
        sys.exit("soak: build/kestrel missing: run make first")
    images = find_images()
    logfile = open(args.console_log, "a") if args.console_log else None
    with tempfile.TemporaryDirectory(prefix="kestrel-soak-") as workdir:
        try:
            if args.what == "boots":
                run_boots(images, workdir, args.count, logfile)
            elif args.rounds is not None:
                run_smp(images, workdir, rounds=args.rounds, logfile=logfile)
            else:
                run_smp(images, workdir, minutes=args.minutes or 10, logfile=logfile)
        except (AssertionError, pexpect.ExceptionPexpect) as e:
            sys.exit(f"soak: FAILED: {e}")


if __name__ == "__main__":
    main()
