"""QMP: the protocol over unix sockets, TCP and stdio; the same script against QEMU 7.2
and Kestrel with replies compared in shape (keys, types, error classes, event order);
run-state control (-S, stop/cont, -no-shutdown); bad input that must leave the monitor
serving."""
import json
import os
import socket
import subprocess
import threading

import pytest

from conftest import HANG_GUARD
from monitor_util import (QMP, build_wait_guest, connect_tcp, connect_unix, start, stop)

BASE = ["-M", "virt", "-bios", "none", "-display", "none", "-monitor", "none"]


def shape(value):
    """Keys and types, not values: what a QMP client relies on."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def message_shape(msg):
    if "event" in msg:
        return ("event", msg["event"], shape(msg.get("data")), shape(msg["timestamp"]))
    if "error" in msg:
        return ("error", msg["error"]["class"], shape(msg["error"]), "id" in msg)
    return ("return", shape(msg["return"]), "id" in msg)


# (request, how to compare). "shape": the full shape; "class": only the kind of answer
# and the error class; "elem": the reply is a list whose elements have this shape.
SCRIPT = [
    ({"execute": "query-status"}, "class"),  # before negotiation: CommandNotFound
    ({"execute": "qmp_capabilities", "id": 1}, "shape"),
    ({"execute": "qmp_capabilities"}, "class"),
    ({"execute": "query-version", "id": "v"}, "shape"),
    ({"execute": "query-status"}, "shape"),
    ({"execute": "query-name"}, "shape"),
    ({"execute": "query-kvm"}, "shape"),
    ({"execute": "query-target"}, "shape"),
    ({"execute": "query-cpus-fast"}, "shape"),
    ({"execute": "query-commands"}, "shape"),
    ({"execute": "query-hotpluggable-cpus"}, "class"),
    ({"execute": "query-chardev"}, "elem"),
    ({"execute": "query-block"}, "class"),
    ({"execute": "no-such-command", "id": 5}, "shape"),
    ({"execute": "query-status", "arguments": {"x": 1}}, "shape"),
    ({"execute": "qom-get", "arguments": {"path": 7, "property": "type"}}, "shape"),
    ({"execute": "qom-get", "arguments": {"path": "/machine"}}, "shape"),
    ({"execute": "qom-get", "arguments": {"path": "/machine", "property": "type"}}, "shape"),
    ({"execute": "qom-get", "arguments": {"path": "/nope", "property": "type"}}, "shape"),
    ({"execute": "qom-get", "arguments": {"path": "/machine", "property": "nope"}}, "shape"),
    ({"execute": "qom-list", "arguments": {"path": "/machine"}}, "elem"),
    ({"execute": "device_del", "arguments": {"id": "nope"}}, "shape"),
    ({"execute": "inject-nmi"}, "shape"),
    ({"execute": "memsave", "arguments": {"val": "a", "size": 16, "filename": "F"}}, "shape"),
    ({"execute": "pmemsave", "arguments": {"val": 0x80000000, "size": 64, "filename": "F"}},
     "shape"),
    ({"execute": "human-monitor-command", "arguments": {"command-line": "info status"}},
     "shape"),
    ({"execute": "human-monitor-command", "arguments": {"command-line": "xp/4x 0x1000"}},
     "shape"),
    ({"execute": "cont"}, "shape"),
    ({"execute": "stop"}, "shape"),
    ({"execute": "query-status"}, "shape"),
    ({"execute": "system_reset"}, "shape"),
    ({"execute": "system_powerdown"}, "shape"),
    ({"execute": "quit"}, "shape"),
]


def run_script(binary, tmp_path):
    sock_path = str(tmp_path / f"{os.path.basename(binary)}.qmp")
    dump = str(tmp_path / f"{os.path.basename(binary)}.mem")
    proc = start(binary, BASE + ["-S", "-serial", "null", "-name", "shapes",
                                 "-qmp", f"unix:{sock_path},server,nowait"])
    answers = []
    try:
        qmp = QMP(connect_unix(sock_path, proc))
        answers.append(("greeting", shape(qmp.read_message())))
        for req, how in SCRIPT:
            if "arguments" in req and req["arguments"].get("filename") == "F":
                req = dict(req, arguments=dict(req["arguments"], filename=dump))
            qmp.send_raw(json.dumps(req) + "\n")
            events, reply = qmp.reply()
            answers.append((req, how, [message_shape(e) for e in events], reply))
        # quit closes the connection after its reply.
        with pytest.raises(EOFError):
            qmp.read_message()
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)
    return answers


def compare(kestrel_answer, qemu_answer):
    req, how, k_events, k_reply = kestrel_answer
    _, _, q_events, q_reply = qemu_answer
    assert k_events == q_events, f"{req}: events {k_events} != QEMU's {q_events}"
    k, q = message_shape(k_reply), message_shape(q_reply)
    if how == "class":
        assert k[:2] == q[:2] if k[0] == "error" else k[0] == q[0], f"{req}: {k} != {q}"
    elif how == "elem":
        assert k[0] == q[0] == "return" and k[1] and q[1], f"{req}: {k_reply} / {q_reply}"
        assert k[1][0] == q[1][0], f"{req}: element {k[1][0]} != QEMU's {q[1][0]}"
    else:
        assert k == q, f"{req}: {k_reply} has shape {k}, QEMU's {q_reply} has {q}"


def test_same_script_same_shapes_as_qemu(kestrel, qemu, tmp_path):
    k_answers = run_script(kestrel, tmp_path)
    q_answers = run_script(qemu, tmp_path)
    assert k_answers[0] == q_answers[0], "greeting"
    for k, q in zip(k_answers[1:], q_answers[1:]):
        compare(k, q)
    # Values that must agree too, not only shapes.
    replies = {json.dumps(a[0]): a[3] for a in k_answers[1:]}
    assert replies[json.dumps({"execute": "query-name"})] == {"return": {"name": "shapes"}}
    hmp = replies[json.dumps(SCRIPT[-8][0])]
    assert hmp == {"return": "VM status: paused (prelaunch)\r\n"}
    xp = replies[json.dumps(SCRIPT[-7][0])]
    q_xp = {json.dumps(a[0]): a[3] for a in q_answers[1:]}[json.dumps(SCRIPT[-7][0])]
    assert xp == q_xp, "xp of the reset vector ROM"


def test_events_carry_guest_and_reason(kestrel, tmp_path):
    path = str(tmp_path / "qmp.sock")
    proc = start(kestrel, BASE + ["-S", "-serial", "null",
                                  "-qmp", f"unix:{path},server=on,wait=off"])
    try:
        qmp = QMP(connect_unix(path, proc))
        qmp.negotiate()
        events, r = qmp.cmd("system_reset")
        assert [e["event"] for e in events] == ["RESET"]
        assert events[0]["data"] == {"guest": False, "reason": "host-qmp-system-reset"}
        events, r = qmp.cmd("quit", id="bye")
        assert r == {"return": {}, "id": "bye"}
        assert events[0]["data"] == {"guest": False, "reason": "host-qmp-quit"}
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)


def test_qmp_over_tcp(kestrel, free_port):
    proc = start(kestrel, BASE + ["-S", "-serial", "null",
                                  "-qmp", f"tcp:127.0.0.1:{free_port},server=on,wait=off"])
    try:
        qmp = QMP(connect_tcp(free_port, proc))
        greeting = qmp.negotiate()
        assert greeting["QMP"]["capabilities"] == ["oob"]
        _, r = qmp.cmd("query-status", id=42)
        assert r == {"return": {"status": "prelaunch", "singlestep": False, "running": False},
                     "id": 42}
    finally:
        stop(proc)


def test_qmp_over_stdio(kestrel):
    proc = subprocess.Popen([kestrel] + BASE + ["-S", "-serial", "null", "-qmp", "stdio"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        qmp = QMP(rfile=proc.stdout, wfile=proc.stdin)
        qmp.negotiate()
        _, r = qmp.cmd("query-name")
        assert r == {"return": {}}
        _, r = qmp.cmd("quit")
        assert r == {"return": {}}
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)


def test_mon_chardev_pretty_and_two_monitors(kestrel, tmp_path):
    """-chardev + -mon mode=control,pretty=on beside a -qmp monitor: both get events."""
    a, b = str(tmp_path / "a.sock"), str(tmp_path / "b.sock")
    proc = start(kestrel, BASE + ["-S", "-serial", "null",
                                  "-chardev", f"socket,id=q1,path={a},server=on,wait=off",
                                  "-mon", "chardev=q1,mode=control,pretty=on",
                                  "-qmp", f"unix:{b},server,nowait"])
    try:
        s1 = connect_unix(a, proc)
        q1, q2 = QMP(s1), QMP(connect_unix(b, proc))
        q1.negotiate()
        q2.negotiate()
        q1.send_raw('{"execute": "query-status"}\n')
        # The whole reply, however the socket splits it (a loaded host sent its first lines
        # alone), in the layout the monitor wrote.
        reply = q1.read_message()
        assert q1.last_text.startswith(
            '{\n    "return": {\n        "status": "prelaunch",\n'), q1.last_text
        assert reply["return"]["status"] == "prelaunch"
        _, r = q2.cmd("cont")
        assert q2.events[-1]["event"] == "RESUME"
        assert q1.wait_event("RESUME")["event"] == "RESUME"
    finally:
        stop(proc)


@pytest.mark.parametrize("binary", ["kestrel", "qemu"])
def test_S_stop_registers_cont_guest_finishes(binary, kestrel, qemu, tmp_path):
    """-S, cont, stop while the guest runs, info registers through QMP, cont, and the
    guest (which waits for a byte on its UART) finishes with exit status 0."""
    emu = kestrel if binary == "kestrel" else qemu
    elf = build_wait_guest(tmp_path)
    qpath, spath = str(tmp_path / "qmp.sock"), str(tmp_path / "serial.sock")
    proc = start(emu, BASE + ["-S", "-kernel", elf, "-qmp", f"unix:{qpath},server,nowait",
                              "-serial", f"unix:{spath},server=on,wait=off"])
    try:
        qmp = QMP(connect_unix(qpath, proc))
        qmp.negotiate()
        serial = connect_unix(spath, proc)
        _, r = qmp.cmd("query-status")
        assert r["return"]["status"] == "prelaunch"
        events, _ = qmp.cmd("cont")
        assert [e["event"] for e in events] == ["RESUME"]
        assert serial.recv(1) == b"R"  # the guest is in its loop
        # While it runs: the vCPU is held at a block boundary for the read.
        _, r = qmp.cmd("human-monitor-command", {"command-line": "info registers"})
        assert "0000000010000000" in r["return"], r  # t0 holds the UART's address
        events, _ = qmp.cmd("stop")
        assert [e["event"] for e in events] == ["STOP"]
        _, r = qmp.cmd("query-status")
        assert r["return"] == {"status": "paused", "singlestep": False, "running": False}
        _, r = qmp.cmd("human-monitor-command", {"command-line": "info registers"})
        regs = r["return"]
        pc = [l.split()[1] for l in regs.splitlines() if l.strip().startswith("pc ")]
        # Stopped inside the polling loop, t0 = the UART.
        assert pc and 0x80000000 <= int(pc[0], 16) < 0x80000030, regs
        assert "0000000010000000" in regs, regs
        qmp.cmd("cont")
        serial.sendall(b"!")
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)


def test_no_shutdown_keeps_process(kestrel, tmp_path):
    """Kestrel only: QEMU 7.2's sifive_test calls exit() itself, so -no-shutdown never
    sees a riscv guest's poweroff there (QEMU 8 routes it through the shutdown request)."""
    emu = kestrel
    elf = build_wait_guest(tmp_path)
    qpath, spath = str(tmp_path / "qmp.sock"), str(tmp_path / "serial.sock")
    proc = start(emu, BASE + ["-no-shutdown", "-kernel", elf,
                              "-qmp", f"unix:{qpath},server,nowait",
                              "-serial", f"unix:{spath},server=on,wait=off"])
    try:
        qmp = QMP(connect_unix(qpath, proc))
        qmp.negotiate()
        connect_unix(spath, proc).sendall(b"!")
        ev = qmp.wait_event("SHUTDOWN")
        assert ev["data"] == {"guest": True, "reason": "guest-shutdown"}
        _, r = qmp.cmd("query-status")
        assert r["return"]["status"] == "shutdown" and r["return"]["running"] is False
        assert proc.poll() is None
        _, r = qmp.cmd("quit")
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)


@pytest.fixture
def qmp_session(kestrel, tmp_path):
    path = str(tmp_path / "qmp.sock")
    proc = start(kestrel, BASE + ["-S", "-serial", "null", "-qmp", f"unix:{path},server,nowait"])

    def connect():
        q = QMP(connect_unix(path, proc))
        q.negotiate()
        return q
    yield proc, connect
    stop(proc)


def still_serving(qmp):
    _, r = qmp.cmd("query-status", id="alive")
    assert r["id"] == "alive" and r["return"]["status"] == "prelaunch"


def test_malformed_json_answered_and_serving(qmp_session):
    proc, connect = qmp_session
    qmp = connect()
    for bad in ["xyz\n", '{"execute": }\n', "[1, 2]\n", '"str"\n', '{"execute": 5}\n',
                '{"execute": "query-status", "arguments": []}\n']:
        qmp.send_raw(bad)
        _, r = qmp.reply()
        assert r["error"]["class"] == "GenericError", (bad, r)
    still_serving(qmp)


def test_ten_mib_line(qmp_session):
    proc, connect = qmp_session
    qmp = connect()
    big = '{"execute": "x", "arguments": {"a": "' + "A" * (10 << 20) + '"}}\n'
    sender = threading.Thread(target=qmp.send_raw, args=(big,), daemon=True)
    sender.start()
    _, r = qmp.reply()
    assert r["error"]["class"] == "GenericError" and "too large" in r["error"]["desc"]
    sender.join(HANG_GUARD)
    still_serving(qmp)


def test_unknown_command_and_wrong_types(qmp_session):
    proc, connect = qmp_session
    qmp = connect()
    _, r = qmp.cmd("frobnicate", id=3)
    assert r == {"id": 3, "error": {"class": "CommandNotFound",
                                    "desc": "The command frobnicate has not been found"}}
    _, r = qmp.cmd("pmemsave", {"val": 0, "size": "big", "filename": "/dev/null"})
    assert r["error"] == {"class": "GenericError",
                          "desc": "Invalid parameter type for 'size', expected: integer"}
    _, r = qmp.cmd("qom-set", {"path": "/machine", "property": "dumpdtb", "value": True})
    assert r["error"]["class"] == "GenericError"
    still_serving(qmp)


def test_unmapped_and_mmio_memory_answer_errors(qmp_session, tmp_path):
    proc, connect = qmp_session
    qmp = connect()
    out = str(tmp_path / "dump")
    for addr in [0x5000000000, 0x10000000, 0x0]:  # unmapped, the UART, nothing at 0
        _, r = qmp.cmd("pmemsave", {"val": addr, "size": 16, "filename": out})
        assert r["error"]["class"] == "GenericError", r
        _, r = qmp.cmd("human-monitor-command", {"command-line": f"xp/2x {addr:#x}"})
        assert "Cannot access memory" in r["return"]
    _, r = qmp.cmd("pmemsave", {"val": 0x1000, "size": 16, "filename": out})
    assert r == {"return": {}}
    with open(out, "rb") as f:
        assert f.read()[:4] == bytes.fromhex("97020000")  # auipc t0, 0 at the reset vector
    still_serving(qmp)


def test_client_disconnects_mid_command(qmp_session):
    proc, connect = qmp_session
    qmp = connect()
    qmp.send_raw('{"execute": "query-sta')
    qmp.sock.close()
    qmp = connect()  # a fresh greeting and negotiation; the half request is gone
    still_serving(qmp)


def test_client_that_never_reads_does_not_stop_the_guest(kestrel, tmp_path):
    elf = build_wait_guest(tmp_path)
    qpath, spath = str(tmp_path / "qmp.sock"), str(tmp_path / "serial.sock")
    proc = start(kestrel, BASE + ["-kernel", elf, "-qmp", f"unix:{qpath},server,nowait",
                                  "-serial", f"unix:{spath},server=on,wait=off"])
    try:
        qmp = QMP(connect_unix(qpath, proc))
        qmp.negotiate()
        # Requests whose replies we never read, until the socket takes no more.
        qmp.sock.setblocking(False)
        req = b'{"execute": "query-commands"}\n' * 64
        sent = 0
        try:
            while sent < (64 << 20):
                sent += qmp.sock.send(req)
        except BlockingIOError:
            pass
        assert sent > 0
        # The guest still runs, and the main loop still serves its UART.
        connect_unix(spath, proc).sendall(b"!")
        assert proc.wait(timeout=HANG_GUARD) == 0
    finally:
        stop(proc)


def test_reply_larger_than_every_buffer_arrives_whole(kestrel, tmp_path):
    """A reply bigger than the socket buffer and the chardev's 64 KiB queue, to a client
    that reads only after the monitor is done with it, arrives whole: the monitor keeps
    what the chardev cannot take and sends it as the client drains (non-blocking output
    with back-pressure, not a queue that drops the excess)."""
    a, b = str(tmp_path / "a.sock"), str(tmp_path / "b.sock")
    proc = start(kestrel, BASE + ["-S", "-serial", "null", "-qmp", f"unix:{a},server,nowait",
                                  "-qmp", f"unix:{b},server,nowait"])
    try:
        q1, q2 = QMP(connect_unix(a, proc)), QMP(connect_unix(b, proc))
        q1.negotiate()
        q2.negotiate()
        # One write, so both requests reach the monitor together: the RESET event on the
        # other monitor then says the big reply has been produced, none of it read yet.
        lines = 12000
        q1.send_raw(json.dumps({"execute": "human-monitor-command",
                                "arguments": {"command-line": f"xp /{2 * lines}xg 0x80000000"}})
                    + '\n{"execute": "system_reset"}\n')
        q2.wait_event("RESET")
        _, r = q1.reply()
        out = r["return"].splitlines()
        assert len(out) == lines, (len(out), out[-1:])
        assert out[-1].startswith(f"{0x80000000 + 16 * (lines - 1):016x}: "), out[-1]
        _, r = q1.reply()
        assert r == {"return": {}}
        assert q1.wait_event("RESET")["data"]["guest"] is False
    finally:
        stop(proc)


def test_pidfile_and_daemonize(kestrel, tmp_path):
    pidfile, path = str(tmp_path / "pid"), str(tmp_path / "qmp.sock")
    # With -daemonize the command returns once the machine is up, the QMP socket exists.
    proc = subprocess.run([kestrel] + BASE + ["-S", "-daemonize", "-pidfile", pidfile,
                                              "-qmp", f"unix:{path},server,nowait"],
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=HANG_GUARD)
    assert proc.returncode == 0, proc.stderr
    assert os.path.exists(path)
    pid = int(open(pidfile).read())
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert b"-daemonize" in f.read()  # the pidfile names the daemon, not the parent
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.settimeout(HANG_GUARD)
    qmp = QMP(s)
    qmp.negotiate()
    _, r = qmp.cmd("quit")
    with pytest.raises(EOFError):
        qmp.read_message()
    # The daemon is not our child: wait for its pidfile to go (removed at exit).
    for _ in range(HANG_GUARD * 50):
        if not os.path.exists(pidfile):
            break
        threading.Event().wait(0.02)
    assert not os.path.exists(pidfile)


def test_device_add_and_del_before_boot(qmp_session):
    """device_add/device_del while -S holds the guest (virtio-mmio is probed at boot):
    the device takes a free transport, device_del frees it with DEVICE_DELETED."""
    proc, connect = qmp_session
    qmp = connect()
    _, r = qmp.cmd("device_add", {"driver": "virtio-rng-device", "id": "rng0"})
    assert r == {"return": {}}, r
    for bad in [{"driver": "no-such-device", "id": "x"},
                {"driver": "virtio-rng-device", "id": "y", "prop": None},
                {"driver": "virtio-rng-device", "id": "y", "prop": [1]}]:
        _, r = qmp.cmd("device_add", bad)
        assert r["error"]["class"] == "GenericError", (bad, r)
    events, r = qmp.cmd("device_del", {"id": "rng0"})
    assert r == {"return": {}}
    assert [e["event"] for e in events] == ["DEVICE_DELETED"]
    assert events[0]["data"]["device"] == "rng0" and events[0]["data"]["path"].startswith("/")
    _, r = qmp.cmd("device_del", {"id": "rng0"})
    assert r["error"] == {"class": "DeviceNotFound", "desc": "Device 'rng0' not found"}
    # The freed transport takes a device again.
    _, r = qmp.cmd("device_add", {"driver": "virtio-rng-device", "id": "rng1"})
    assert r == {"return": {}}, r
    qmp.cmd("cont")
    _, r = qmp.cmd("device_add", {"driver": "virtio-rng-device", "id": "rng2"})
    assert r["error"]["class"] == "GenericError" and "hotplug" in r["error"]["desc"]
    _, r = qmp.cmd("device_del", {"id": "rng1"})
    assert r["error"]["class"] == "GenericError"


def test_qmp_as_socket_client(kestrel, tmp_path):
    """-qmp unix:PATH without server: Kestrel connects to a listening tool."""
    path = str(tmp_path / "listen.sock")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(HANG_GUARD)
    proc = start(kestrel, BASE + ["-S", "-serial", "null", "-qmp", f"unix:{path}"])
    try:
        conn, _ = listener.accept()
        conn.settimeout(HANG_GUARD)
        qmp = QMP(conn)
        qmp.negotiate()
        _, r = qmp.cmd("query-status")
        assert r["return"]["status"] == "prelaunch"
    finally:
        stop(proc)
        listener.close()


def test_monitor_option_errors(kestrel, tmp_path):
    for args, msg in [(["-mon", "chardev=nope"], 'chardev "nope" not found'),
                      (["-mon", "chardev=c,mode=weird", "-chardev", "null,id=c"],
                       'unknown monitor mode'),
                      (["-chardev", "socket,id=c"], "needs path= or port="),
                      (["-chardev", "socket,path=/tmp/x"], '"id" is required'),
                      (["-qmp", f"unix:{tmp_path}/nobody-listens"], "cannot connect"),
                      (["-daemonize", "-qmp", "stdio"], "stdio cannot be used with -daemonize"),
                      (["-daemonize", "-nographic"], "-nographic cannot be used")]:
        proc = subprocess.run([kestrel] + BASE + ["-S", "-serial", "null"] + args,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=HANG_GUARD)
        assert proc.returncode == 1 and msg in proc.stderr, (args, proc.stderr)
