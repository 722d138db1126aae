/*
 * The gdbstub's session state, shared by the transport and run control
 * (gdbstub.c) and the packet handlers (commands.c). Not a public interface.
 *
 * Reference: GDB manual, appendix "Remote Protocol".
 */
#ifndef GDBSTUB_INTERNAL_H
#define GDBSTUB_INTERNAL_H

#include "gdbstub/gdbstub.h"
#include "gdbstub/packet.h"
#include "hw/core/cpu.h"

/* Largest register we transfer; enough for a vector register with VLEN up to 8192. */
#define GDB_REG_MAX 1024

/* POSIX signal numbers as gdb numbers them in stop replies. */
#define GDB_SIGNAL_INT 2
#define GDB_SIGNAL_TRAP 5

/*
 * Replies not yet taken by the peer. A gdb that stops reading while sending
 * packets is dropped when this fills (a few dozen full-size replies).
 */
#define GDB_OUT_MAX (64 * 1024)

typedef struct GDBState {
    int listen_fd;
    int fd; /* the connected gdb, -1 if none; non-blocking */
    GdbRx rx;
    bool no_ack;               /* QStartNoAckMode accepted */
    bool resumed;              /* the VM runs for gdb, which waits for a stop reply */
    bool resumed_all;          /* ... and every vCPU was resumed (not vCont on some threads) */
    CPUState *g_cpu;           /* "Hg": registers and memory */
    CPUState *c_cpu;           /* "Hc": resume, and the thread of stop replies */
    char frame[GDB_FRAME_MAX]; /* the last packet sent, resent on '-' */
    size_t frame_len;
    char out[GDB_OUT_MAX]; /* queued bytes, sent by the main loop when the socket takes them */
    size_t out_len;
    /* A File-I/O request of a semihosting call (gdb_do_syscall), until gdb's F reply. */
    GdbSyscallComplete *syscall_complete;
    CPUState *syscall_cpu;
    bool syscall_sent;
    char syscall_request[128];
} GDBState;

/* ---- gdbstub.c ---- */
/*
 * Send one packet (framed, escaped). Never waits for the peer: what the socket does not take
 * now is queued and sent from the main loop; a send error, or a peer that lets the queue
 * fill, ends the session.
 */
void gdb_put_packet(GDBState *s, const char *data, size_t len);
void gdb_put_str(GDBState *s, const char *str);
/* "T<sig>thread:<id>;" for cpu. */
void gdb_put_stop_reply(GDBState *s, int signal, CPUState *cpu);
/* Start the VM and wait for the next debug stop (c, s, vCont). */
void gdb_resume(GDBState *s);
/* Resume only cpu (the others stay stopped); the stop reply comes as with gdb_resume. */
void gdb_resume_cpu(GDBState *s, CPUState *cpu);
/* Drop every breakpoint and single-step request gdb made (D, disconnect). */
void gdb_release_cpus(void);
/* D: release the vCPUs and let the VM run; gdb closes the connection next. */
void gdb_detach(GDBState *s);
/* k: end the emulator with status 0 and close the connection. */
void gdb_kill(GDBState *s);
/* Thread ids are cpu_index + 1, as thread 0 means "any thread" in the protocol. */
int gdb_thread_id(CPUState *cpu);
CPUState *gdb_cpu_by_thread(int64_t id); /* NULL if no such thread */

/* F reply: finish the pending File-I/O call with ret/err; ctrl_c: gdb was interrupted. */
void gdb_syscall_reply(GDBState *s, int64_t ret, int err, bool ctrl_c);

/* ---- commands.c ---- */
/* Answer one received packet (data[len] is NUL; data may hold binary bytes). */
void gdb_handle_packet(GDBState *s, const char *data, size_t len);

#endif
