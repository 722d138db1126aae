/*
 * The gdbstub session: a TCP listener in the main loop, one gdb client at a
 * time, acknowledgments, Ctrl-C and the stop replies that end a resume.
 * Packet framing lives in packet.c and the command handlers in commands.c.
 *
 * Reference: GDB manual, appendix "Remote Protocol": "Overview" (acks,
 * retransmission on '-'), "Interrupts" (0x03 answered with a stop reply),
 * "Stop Reply Packets" (T), "Packet Acknowledgment" (QStartNoAckMode).
 *
 * Life of a session, as with QEMU from a user's view: a connecting gdb stops
 * the VM (with -S it is already stopped); c/s/vCont start it and the next
 * breakpoint, finished step or Ctrl-C stops it again with a stop reply; when
 * gdb detaches or disconnects, its breakpoints go away, the VM runs on, and
 * we listen for the next client. gdb acts on the machine only while it is stopped: a
 * packet arriving while it runs stops it first (as QEMU, see gdb_read).
 *
 * The main loop holds the big lock, so nothing here waits for the peer: the socket is
 * non-blocking, replies are queued and sent when it is writable, and a peer that lets
 * the queue fill is dropped.
 */
#include "gdbstub/gdbstub.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "internal.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "util/main-loop.h"

/* One -gdb server per process, and the vCPU debug hook carries no opaque pointer. */
static GDBState gdb_state = {.listen_fd = -1, .fd = -1};

static void gdb_accept(void *opaque);
static void gdb_read(void *opaque);
static void gdb_write(void *opaque);

/* ---- threads ---- */

int gdb_thread_id(CPUState *cpu)
{
    return cpu->cpu_index + 1;
}

CPUState *gdb_cpu_by_thread(int64_t id)
{
    if (id < 1 || id > INT32_MAX) {
        return NULL;
    }
    return cpu_by_index((int)(id - 1));
}

/* ---- sending ---- */

static void gdb_disconnect(GDBState *s, bool resume);

/* Hand the peer what it takes now; want the socket's write readiness while bytes remain. */
static void gdb_flush(GDBState *s)
{
    size_t done = 0;

    while (done < s->out_len) {
        ssize_t n = send(s->fd, s->out + done, s->out_len - done, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (n <= 0) {
            gdb_disconnect(s, true);
            return;
        }
        done += (size_t)n;
    }
    memmove(s->out, s->out + done, s->out_len - done);
    s->out_len -= done;
    main_loop_set_fd_handler(s->fd, gdb_read, s->out_len ? gdb_write : NULL, s);
}

static void gdb_write(void *opaque)
{
    gdb_flush(opaque);
}

/*
 * Queue bytes for the peer. The main loop holds the BQL, so waiting here for a peer that
 * does not read would stop every hart at its next MMIO access: a full queue drops the peer.
 */
static void gdb_send_raw(GDBState *s, const char *buf, size_t len)
{
    if (s->fd < 0) {
        return;
    }
    if (len > sizeof(s->out) - s->out_len) {
        warn_report("gdbstub: the gdb client does not read its replies (%zu bytes queued); "
                    "dropping it",
                    s->out_len);
        gdb_disconnect(s, true);
        return;
    }
    memcpy(s->out + s->out_len, buf, len);
    s->out_len += len;
    gdb_flush(s);
}

void gdb_put_packet(GDBState *s, const char *data, size_t len)
{
    s->frame_len = gdb_frame_packet(data, len, s->frame);
    gdb_send_raw(s, s->frame, s->frame_len);
}

void gdb_put_str(GDBState *s, const char *str)
{
    gdb_put_packet(s, str, strlen(str));
}

void gdb_put_stop_reply(GDBState *s, int signal, CPUState *cpu)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "T%02xthread:%02x;", signal, gdb_thread_id(cpu));
    gdb_put_str(s, buf);
}

/* ---- run control ---- */

void gdb_resume(GDBState *s)
{
    s->resumed = true;
    s->resumed_all = true;
    vm_start();
}

void gdb_resume_cpu(GDBState *s, CPUState *cpu)
{
    s->resumed = true;
    s->resumed_all = false;
    vm_start_vcpu(cpu);
}

void gdb_release_cpus(void)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        cpu_breakpoint_remove_all(cpu);
        cpu_single_step(cpu, false);
    }
}

/* Let the VM run once gdb is gone, unless someone else (the monitor, a shutdown) stopped it. */
static void gdb_let_vm_run(void)
{
    RunState rs = runstate_get();

    if (rs == RUN_STATE_DEBUG || rs == RUN_STATE_PRELAUNCH) {
        vm_start();
    }
}

void gdb_detach(GDBState *s)
{
    gdb_release_cpus();
    gdb_put_str(s, "OK");
    s->resumed = false;
    gdb_let_vm_run();
}

void gdb_kill(GDBState *s)
{
    /* QEMU exits with status 0 on 'k'; the VM stays stopped until the main loop exits. */
    shutdown_request(SHUTDOWN_CAUSE_HOST_QMP, 0);
    gdb_disconnect(s, false);
}

static bool gdb_cpu_at_breakpoint(CPUState *cpu)
{
    uint64_t pc = CPU_GET_CLASS(cpu)->get_pc(cpu);

    for (int i = 0; i < cpu->num_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            return true;
        }
    }
    return false;
}

/*
 * vCPUs share gdb's breakpoints, so several may reach one in the same instant. gdb single-steps
 * RISC-V with breakpoints and a resume of every thread, and expects the stop in the thread it
 * is stepping, the one it selected last with "Hg"; reporting another one confuses it. But a
 * stop may only name a vCPU that was resumed: while gdb steps one thread over a breakpoint
 * ("vCont;c:1", the others held), a stop reply naming another thread makes gdb 13 abort
 * ("finish_step_over: Assertion `ecs->event_thread->control.trap_expected' failed", the
 * core dumps once committed here).
 */
static CPUState *gdb_pick_stop_cpu(GDBState *s, CPUState *reported)
{
    if (s->resumed_all && s->g_cpu && s->g_cpu != reported && gdb_cpu_at_breakpoint(s->g_cpu)) {
        return s->g_cpu;
    }
    return reported;
}

/* ---- File-I/O for semihosting ---- */

bool gdb_attached(void)
{
    return gdb_state.fd >= 0;
}

void gdb_do_syscall(CPUState *cpu, GdbSyscallComplete *complete, const char *request)
{
    GDBState *s = &gdb_state;

    if (s->fd < 0 || s->syscall_complete) {
        complete(cpu, -1, EIO);
        return;
    }
    s->syscall_complete = complete;
    s->syscall_cpu = cpu;
    s->syscall_sent = false;
    snprintf(s->syscall_request, sizeof(s->syscall_request), "F%s", request);
    cpu_request_debug_stop(cpu); /* gdb_debug_stop sends it once the VM is stopped */
}

/* Finish the pending call (with -1/EIO if gdb is gone); the caller decides how to go on. */
static void gdb_syscall_finish(GDBState *s, int64_t ret, int err)
{
    GdbSyscallComplete *complete = s->syscall_complete;
    CPUState *cpu = s->syscall_cpu;

    s->syscall_complete = NULL;
    s->syscall_cpu = NULL;
    if (complete) {
        complete(cpu, ret, err);
    }
}

void gdb_syscall_reply(GDBState *s, int64_t ret, int err, bool ctrl_c)
{
    CPUState *cpu = s->syscall_cpu;

    if (!s->syscall_complete || !s->syscall_sent) {
        gdb_put_str(s, "E22"); /* no call was asked of gdb */
        return;
    }
    gdb_syscall_finish(s, ret, err);
    if (ctrl_c) {
        s->resumed = false;
        gdb_put_stop_reply(s, GDB_SIGNAL_INT, cpu);
    } else if (s->resumed_all) {
        vm_start();
    } else {
        vm_start_vcpu(cpu);
    }
}

/* A vCPU hit a breakpoint or finished a step; the VM is already stopped (cpus.h). */
static void gdb_debug_stop(CPUState *cpu)
{
    GDBState *s = &gdb_state;
    CPUState *c;

    if (s->syscall_complete && !s->syscall_sent) {
        /* A semihosting call for gdb: gdb still waits for a stop reply, this comes first. */
        if (s->fd < 0) {
            gdb_syscall_finish(s, -1, EIO);
            gdb_let_vm_run();
            return;
        }
        s->syscall_sent = true;
        gdb_put_str(s, s->syscall_request);
        return;
    }

    CPU_FOREACH (c) {
        cpu_single_step(c, false);
    }
    if (s->fd < 0) {
        /* A step left over from a session that just ended: nobody to report to. */
        gdb_let_vm_run();
        return;
    }
    if (!s->resumed) {
        return; /* a second vCPU stopped in the same instant: gdb already has its reply */
    }
    s->resumed = false;
    cpu = gdb_pick_stop_cpu(s, cpu);
    s->c_cpu = s->g_cpu = cpu;
    gdb_put_stop_reply(s, GDB_SIGNAL_TRAP, cpu);
}

static void gdb_interrupt(GDBState *s)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_DEBUG);
    }
    s->resumed = false;
    gdb_put_stop_reply(s, GDB_SIGNAL_INT, s->c_cpu);
}

/* ---- receiving ---- */

static void gdb_ack(GDBState *s, char c)
{
    if (!s->no_ack) {
        gdb_send_raw(s, &c, 1);
    }
}

/* '+' or '-' for the packet we sent last, which may come after the VM was started ('D'). */
static bool gdb_is_awaited_ack(GDBState *s, uint8_t c)
{
    return (c == '+' || c == '-') && !s->no_ack && s->frame_len > 0;
}

static void gdb_rx_event(GDBState *s, GdbRxEvent ev)
{
    switch (ev) {
    case GDB_RX_PACKET:
        s->frame_len = 0; /* a new command: gdb has our last reply */
        gdb_ack(s, '+');
        gdb_handle_packet(s, s->rx.data, s->rx.len);
        break;
    case GDB_RX_BAD_CSUM:
        gdb_ack(s, '-');
        break;
    case GDB_RX_REJECTED:
        gdb_ack(s, '+');
        gdb_put_str(s, "E22");
        break;
    case GDB_RX_INTERRUPT:
        gdb_interrupt(s);
        break;
    case GDB_RX_NAK:
        if (s->frame_len) {
            gdb_send_raw(s, s->frame, s->frame_len);
        }
        break;
    case GDB_RX_ACK:
        s->frame_len = 0; /* delivered: nothing left to resend */
        break;
    default:
        break;
    }
}

static void gdb_read(void *opaque)
{
    GDBState *s = opaque;
    uint8_t buf[GDB_PACKET_MAX];
    ssize_t n = recv(s->fd, buf, sizeof(buf), MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        gdb_disconnect(s, true);
        return;
    }
    /* A handler may end the session ('k', a failed send): stop at once if it does. */
    for (ssize_t i = 0; i < n && s->fd >= 0; i++) {
        if (runstate_is_running() && !gdb_is_awaited_ack(s, buf[i])) {
            /*
             * All-stop, as QEMU: gdb reads or changes the machine only while it is stopped
             * (a register write from here would race the vCPU using it). Any byte but the
             * ack of our last reply stops the VM, is dropped and answered with a stop reply,
             * so the packet it began is ignored. gdb itself sends nothing but Ctrl-C while
             * the target runs.
             */
            gdb_interrupt(s);
            continue;
        }
        gdb_rx_event(s, gdb_rx_byte(&s->rx, buf[i]));
    }
}

/* ---- connections ---- */

static void gdb_disconnect(GDBState *s, bool resume)
{
    if (s->fd < 0) {
        return;
    }
    main_loop_set_fd_handler(s->fd, NULL, NULL, NULL);
    close(s->fd);
    s->fd = -1;
    s->resumed = false;
    /* Breakpoints and steps are vCPU state: a peer gone while the VM runs must not race them. */
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_DEBUG);
    }
    gdb_release_cpus();
    if (s->syscall_complete) {
        gdb_syscall_finish(s, -1, EIO); /* the guest's call fails; it runs on */
        resume = true;
    }
    if (resume) {
        gdb_let_vm_run();
    }
    /* A second gdb waited in the backlog while this one was connected. */
    main_loop_set_fd_handler(s->listen_fd, gdb_accept, NULL, s);
}

static void gdb_accept(void *opaque)
{
    GDBState *s = opaque;
    int one = 1;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0) {
        return; /* the client gave up already; keep listening */
    }
    /* Packets are small and latency-bound: do not let Nagle hold a stop reply back. */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    s->fd = fd;
    gdb_rx_init(&s->rx);
    s->no_ack = false;
    s->resumed = false;
    s->frame_len = 0;
    s->out_len = 0;
    s->g_cpu = s->c_cpu = first_cpu;
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_DEBUG);
    }
    main_loop_set_fd_handler(fd, gdb_read, NULL, s);
}

/* ---- start-up ---- */

/* Split "tcp::PORT", "tcp:HOST:PORT" or "PORT" into host ("" = all interfaces) and port. */
static bool gdb_parse_device(const char *device, char **host, char **port, Error **errp)
{
    const char *spec = device;
    const char *colon;

    if (strncmp(spec, "tcp:", 4) == 0) {
        spec += 4;
        colon = strrchr(spec, ':');
        if (!colon) {
            goto bad;
        }
        *host = xasprintf("%.*s", (int)(colon - spec), spec);
        spec = colon + 1;
    } else {
        *host = xstrdup("");
    }
    if (!*spec || strlen(spec) > 5 || strspn(spec, "0123456789") != strlen(spec) ||
        atoi(spec) < 1 || atoi(spec) > 65535) {
        free(*host);
        goto bad;
    }
    *port = xstrdup(spec);
    return true;
bad:
    error_setg(errp, "gdbstub: unsupported device '%s' (use tcp::PORT, tcp:HOST:PORT or PORT)",
               device);
    return false;
}

static int gdb_bind(const struct addrinfo *ai, int *err)
{
    int one = 1, zero = 0;
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);

    if (fd < 0) {
        *err = errno;
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ai->ai_family == AF_INET6) {
        /* One dual-stack socket: gdb may reach "localhost" as ::1 or 127.0.0.1. */
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
    }
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, 1) < 0) {
        *err = errno;
        close(fd);
        return -1;
    }
    return fd;
}

/* Try IPv6 (dual-stack) addresses first, then IPv4; a port in use ends the search. */
static int gdb_listen(const char *host, const char *port, Error **errp)
{
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    static const int families[] = {AF_INET6, AF_INET};
    struct addrinfo *res;
    int fd = -1, err = EADDRNOTAVAIL;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);

    if (rc != 0) {
        error_setg(errp, "gdbstub: cannot resolve '%s': %s", host, gai_strerror(rc));
        return -1;
    }
    for (size_t f = 0; f < ARRAY_SIZE(families) && fd < 0 && err != EADDRINUSE; f++) {
        for (struct addrinfo *ai = res; ai && fd < 0 && err != EADDRINUSE; ai = ai->ai_next) {
            if (ai->ai_family == families[f]) {
                fd = gdb_bind(ai, &err);
            }
        }
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, err, "gdbstub: cannot bind port %s", port);
    }
    return fd;
}

void gdbserver_stop(void)
{
    GDBState *s = &gdb_state;

    bool was_running = runstate_is_running();

    if (s->listen_fd < 0) {
        return;
    }
    /* The run state stays what it was: running, paused by gdb, or waiting for cont (-S). */
    gdb_disconnect(s, false);
    if (was_running) {
        vm_start();
    }
    main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    close(s->listen_fd);
    s->listen_fd = -1;
}

bool gdbserver_start(const char *device, Error **errp)
{
    GDBState *s = &gdb_state;
    char *host, *port;
    int fd;

    if (strcmp(device, "none") == 0) {
        return true;
    }
    if (s->listen_fd >= 0) {
        error_setg(errp, "gdbstub: already listening");
        return false;
    }
    if (!gdb_parse_device(device, &host, &port, errp)) {
        return false;
    }
    fd = gdb_listen(host, port, errp);
    free(host);
    free(port);
    if (fd < 0) {
        return false;
    }
    s->listen_fd = fd;
    cpus_set_debug_handler(gdb_debug_stop);
    main_loop_set_fd_handler(fd, gdb_accept, NULL, s);
    return true;
}
