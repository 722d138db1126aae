/*
 * The main loop (QEMU's main_loop_wait): one thread polls file descriptors,
 * runs expired timers and bottom halves, and handles shutdown/reset requests.
 * Device emulation and the main loop run under the big lock (BQL); vCPU
 * threads take it only for MMIO and slow paths. main_loop_wait() releases the
 * BQL while it sleeps in poll(), whose timeout is the nearest timer deadline
 * (no periodic polling). Anything that changes what poll should wait for
 * (a new fd handler, a timer moved earlier, a BH scheduled, a request) wakes
 * it through main_loop_notify(), which any thread may call.
 */
#ifndef UTIL_MAIN_LOOP_H
#define UTIL_MAIN_LOOP_H

#include "common.h"
#include "util/error.h"

/* ---- the big lock ---- */
void bql_lock(void);
void bql_unlock(void);
bool bql_locked(void); /* does this thread hold it? */

/* Set up the loop (call once, before any handler, timer or BH is created). */
bool main_loop_init(Error **errp);
/* Wake the loop from any thread so it re-evaluates fds, timers and BHs. */
void main_loop_notify(void);
/* One iteration: poll fds up to the next deadline (or not at all if nonblocking), then
 * dispatch ready fd handlers, expired timers and scheduled BHs. Called with the BQL held. */
void main_loop_wait(bool nonblocking);

/* ---- fd handlers (main loop thread, BQL held) ---- */
typedef void IOHandler(void *opaque);
/* Watch fd for reading (fd_read) and/or writing (fd_write); both NULL removes it. */
void main_loop_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write, void *opaque);

/* ---- bottom halves: run once, soon, in the main loop with the BQL held ---- */
typedef struct BH BH;
typedef void BHFunc(void *opaque);
BH *bh_new(BHFunc *cb, void *opaque);
/* Schedule from any thread (async-signal-unsafe, thread-safe). Scheduling twice runs it once. */
void bh_schedule(BH *bh);
void bh_cancel(BH *bh);
void bh_delete(BH *bh);

/* SIGINT/SIGTERM/SIGHUP become shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL, 0); SIGPIPE is
 * ignored. Call once from main before starting vCPUs. */
void os_setup_signal_handling(void);

#endif
