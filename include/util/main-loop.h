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
/* Is main_loop_wait waiting for the BQL? Other threads' bql_lock then waits for it to
 * have had it, so a thread retaking the lock in a tight loop cannot starve the loop. */
bool bql_loop_is_waiting(void);

/*
 * BQL_LOCK_GUARD(): hold the BQL from here to the end of the enclosing block, taking it
 * only if this thread does not hold it already (QEMU's name). For code reached both from
 * a vCPU thread, which runs without the lock, and from device, gdb or monitor code under
 * it: a timer re-arm, an MMIO access, an interrupt controller's CSR.
 */
typedef struct BQLGuard {
    bool taken;
} BQLGuard;

static inline BQLGuard bql_guard_enter(void)
{
    BQLGuard g = {!bql_locked()};

    if (g.taken) {
        bql_lock();
    }
    return g;
}

static inline void bql_guard_exit(BQLGuard *g)
{
    if (g->taken) {
        bql_unlock();
    }
}

#define BQL_LOCK_GUARD()                                                                           \
    __attribute__((cleanup(bql_guard_exit))) BQLGuard bql_guard_ = bql_guard_enter()

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

/*
 * ---- poll hooks (main loop thread, BQL held) ----
 * For a library that owns many short-lived sockets and wants poll(2)-style control over them
 * (libslirp's slirp_pollfds_fill/slirp_pollfds_poll), registering an fd handler per socket
 * would churn. A poll hook instead takes part in every main_loop_wait():
 *   before the poll, fill(opaque, &timeout_ns) adds the fds it wants watched this iteration with
 *   main_loop_poll_add() and may lower *timeout_ns (nanoseconds, -1 = no deadline; never raise
 *   it); after the poll, dispatch(opaque, poll_failed) reads main_loop_poll_revents() for the
 *   indexes fill got. dispatch runs every iteration whose fill ran, even when poll timed out
 *   (the library's timers may be due) or failed (poll_failed, revents all 0).
 */
typedef void PollHookFill(void *opaque, int64_t *timeout_ns);
typedef void PollHookDispatch(void *opaque, bool poll_failed);
typedef struct PollHook PollHook;
/* The hook takes part from the next iteration on; the caller owns it until removed. */
PollHook *main_loop_add_poll_hook(PollHookFill *fill, PollHookDispatch *dispatch, void *opaque);
/* Stop and free the hook (safe from inside its own fill or dispatch). */
void main_loop_remove_poll_hook(PollHook *hook);
/* Only inside fill: watch fd for poll(2) events (POLLIN, POLLOUT, POLLPRI); returns the index. */
int main_loop_poll_add(int fd, short events);
/* Only inside dispatch: the poll(2) revents of an index main_loop_poll_add returned. */
short main_loop_poll_revents(int index);

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
