/*
 * The main loop: the BQL, fd handlers, bottom halves and the poll that ties
 * them to the timers. One thread runs main_loop_wait(); it sleeps in ppoll()
 * with the BQL released, woken by an fd, the nearest timer deadline, or the
 * notify eventfd that any thread (or a signal handler) may write.
 *
 * Callbacks may add or remove fd handlers and BHs while the loop walks those
 * lists, so removal during dispatch only marks a record; the loop frees marked
 * records once it has finished walking.
 */
#include "util/main-loop.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "system/runstate.h"
#include "util/timer.h"

typedef struct IOHandlerRecord IOHandlerRecord;
struct IOHandlerRecord {
    int fd;
    IOHandler *fd_read;
    IOHandler *fd_write;
    void *opaque;
    bool deleted;
    int pollfd_idx; /* slot in this iteration's pollfd array, -1 if added since */
    IOHandlerRecord *next;
};

struct PollHook {
    PollHookFill *fill;
    PollHookDispatch *dispatch;
    void *opaque;
    bool deleted;
    bool filled; /* fill ran this iteration, so dispatch may read revents */
    PollHook *next;
};

struct BH {
    BHFunc *cb;
    void *opaque;
    atomic_bool scheduled;
    bool deleted;
    BH *next;
};

/* The process-wide loop (a true singleton, STYLE.md rule 5). */
static struct {
    int notify_fd; /* eventfd; -1 before main_loop_init */
    IOHandlerRecord *handlers;
    BH *bhs;
    PollHook *poll_hooks;
    bool dispatching; /* lists are being walked: defer frees */
    struct pollfd *pollfds;
    size_t pollfds_cap;
    size_t npollfds;    /* slots used this iteration */
    bool hooks_filling; /* main_loop_poll_add is allowed */
} ml = {.notify_fd = -1};

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;

/*
 * The loop takes the BQL once per iteration, after its poll; a vCPU polling an MMIO
 * register (mtime, a UART status) takes and drops it millions of times a second. A
 * plain mutex lets the thread that just dropped it win again and again: we measured
 * the loop waiting 60 ms for it, and the guest's timer interrupt waiting with it. So
 * the loop says it is waiting, and other threads hold back until it has the lock.
 */
static atomic_int bql_loop_waiting;
static pthread_mutex_t bql_handoff_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bql_handoff_cond = PTHREAD_COND_INITIALIZER;

void bql_lock(void)
{
    if (atomic_load(&bql_loop_waiting)) {
        pthread_mutex_lock(&bql_handoff_lock);
        while (atomic_load(&bql_loop_waiting)) {
            pthread_cond_wait(&bql_handoff_cond, &bql_handoff_lock);
        }
        pthread_mutex_unlock(&bql_handoff_lock);
    }
    pthread_mutex_lock(&bql);
    bql_held = true;
}

/* The loop's own bql_lock: ahead of every thread that asks after it (see above). */
static void bql_lock_for_loop(void)
{
    atomic_fetch_add(&bql_loop_waiting, 1);
    pthread_mutex_lock(&bql);
    bql_held = true;
    pthread_mutex_lock(&bql_handoff_lock);
    atomic_fetch_sub(&bql_loop_waiting, 1);
    pthread_cond_broadcast(&bql_handoff_cond);
    pthread_mutex_unlock(&bql_handoff_lock);
}

bool bql_loop_is_waiting(void)
{
    return atomic_load(&bql_loop_waiting) != 0;
}

void bql_unlock(void)
{
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

bool main_loop_init(Error **errp)
{
    if (ml.notify_fd >= 0) {
        return true;
    }
    ml.notify_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (ml.notify_fd < 0) {
        error_setg_errno(errp, errno, "cannot create the main loop eventfd");
        return false;
    }
    return true;
}

/* Async-signal-safe: a single write(), errno preserved. */
void main_loop_notify(void)
{
    uint64_t one = 1;
    int saved_errno = errno;

    if (ml.notify_fd >= 0 && write(ml.notify_fd, &one, sizeof(one)) < 0) {
        /* EAGAIN: the counter is saturated, so the loop is already due to wake. */
    }
    errno = saved_errno;
}

static void main_loop_drain_notify(void)
{
    uint64_t count;

    while (read(ml.notify_fd, &count, sizeof(count)) > 0) {
        continue;
    }
}

/* ---- fd handlers ---- */

static IOHandlerRecord *fd_handler_find(int fd)
{
    for (IOHandlerRecord *r = ml.handlers; r; r = r->next) {
        if (r->fd == fd && !r->deleted) {
            return r;
        }
    }
    return NULL;
}

static void fd_handlers_sweep(void)
{
    IOHandlerRecord **link = &ml.handlers;

    while (*link) {
        IOHandlerRecord *r = *link;
        if (r->deleted) {
            *link = r->next;
            free(r);
        } else {
            link = &r->next;
        }
    }
}

void main_loop_set_fd_handler(int fd, IOHandler *fd_read, IOHandler *fd_write, void *opaque)
{
    IOHandlerRecord *r = fd_handler_find(fd);

    if (!fd_read && !fd_write) {
        if (r) {
            r->deleted = true;
            if (!ml.dispatching) {
                fd_handlers_sweep();
            }
        }
        return;
    }
    if (!r) {
        IOHandlerRecord **link = &ml.handlers;
        while (*link) {
            link = &(*link)->next;
        }
        r = xzalloc(sizeof(*r));
        r->fd = fd;
        r->pollfd_idx = -1;
        *link = r;
    }
    r->fd_read = fd_read;
    r->fd_write = fd_write;
    r->opaque = opaque;
    /* The poll in progress (if any) does not watch this fd yet. */
    main_loop_notify();
}

static int main_loop_pollfd_append(int fd, short events)
{
    if (ml.npollfds == ml.pollfds_cap) {
        ml.pollfds_cap = ml.pollfds_cap ? ml.pollfds_cap * 2 : 16;
        ml.pollfds = xrealloc(ml.pollfds, ml.pollfds_cap * sizeof(*ml.pollfds));
    }
    ml.pollfds[ml.npollfds] = (struct pollfd){.fd = fd, .events = events};
    return ml.npollfds++;
}

/* Fill ml.pollfds: slot 0 is the notify eventfd, then one slot per handler. */
static void main_loop_build_pollfds(void)
{
    ml.npollfds = 0;
    main_loop_pollfd_append(ml.notify_fd, POLLIN);
    for (IOHandlerRecord *r = ml.handlers; r; r = r->next) {
        short events = (r->fd_read ? POLLIN : 0) | (r->fd_write ? POLLOUT : 0);
        r->pollfd_idx = main_loop_pollfd_append(r->fd, events);
    }
}

static void fd_handlers_dispatch(void)
{
    for (IOHandlerRecord *r = ml.handlers; r; r = r->next) {
        short revents;
        if (r->deleted || r->pollfd_idx < 0) {
            continue;
        }
        revents = ml.pollfds[r->pollfd_idx].revents;
        if ((revents & (POLLIN | POLLHUP | POLLERR)) && r->fd_read) {
            r->fd_read(r->opaque);
        }
        /* The read handler may have removed or changed this record. */
        if (!r->deleted && (revents & (POLLOUT | POLLERR)) && r->fd_write) {
            r->fd_write(r->opaque);
        }
    }
}

/* ---- poll hooks ---- */

PollHook *main_loop_add_poll_hook(PollHookFill *fill, PollHookDispatch *dispatch, void *opaque)
{
    PollHook *hook = xzalloc(sizeof(*hook));
    PollHook **link = &ml.poll_hooks;

    hook->fill = fill;
    hook->dispatch = dispatch;
    hook->opaque = opaque;
    while (*link) {
        link = &(*link)->next;
    }
    *link = hook;
    main_loop_notify(); /* the poll in progress does not include its fds */
    return hook;
}

static void poll_hooks_sweep(void)
{
    PollHook **link = &ml.poll_hooks;

    while (*link) {
        PollHook *hook = *link;
        if (hook->deleted) {
            *link = hook->next;
            free(hook);
        } else {
            link = &hook->next;
        }
    }
}

void main_loop_remove_poll_hook(PollHook *hook)
{
    if (!hook) {
        return;
    }
    hook->deleted = true;
    if (!ml.dispatching && !ml.hooks_filling) {
        poll_hooks_sweep();
    }
}

int main_loop_poll_add(int fd, short events)
{
    assert(ml.hooks_filling);
    return main_loop_pollfd_append(fd, events);
}

short main_loop_poll_revents(int index)
{
    assert(index > 0 && (size_t)index < ml.npollfds);
    return ml.pollfds[index].revents;
}

static void poll_hooks_fill(int64_t *timeout_ns)
{
    ml.hooks_filling = true;
    for (PollHook *hook = ml.poll_hooks; hook; hook = hook->next) {
        hook->filled = !hook->deleted;
        if (hook->filled) {
            hook->fill(hook->opaque, timeout_ns);
        }
    }
    ml.hooks_filling = false;
    poll_hooks_sweep();
}

static void poll_hooks_dispatch(bool poll_failed)
{
    for (PollHook *hook = ml.poll_hooks; hook; hook = hook->next) {
        if (hook->filled && !hook->deleted) {
            hook->filled = false;
            hook->dispatch(hook->opaque, poll_failed);
        }
    }
}

/* ---- bottom halves ---- */

BH *bh_new(BHFunc *cb, void *opaque)
{
    BH *bh = xzalloc(sizeof(*bh));
    BH **link = &ml.bhs;

    bh->cb = cb;
    bh->opaque = opaque;
    atomic_init(&bh->scheduled, false);
    while (*link) {
        link = &(*link)->next;
    }
    *link = bh;
    return bh;
}

void bh_schedule(BH *bh)
{
    if (!atomic_exchange(&bh->scheduled, true)) {
        main_loop_notify();
    }
}

void bh_cancel(BH *bh)
{
    atomic_store(&bh->scheduled, false);
}

static void bhs_sweep(void)
{
    BH **link = &ml.bhs;

    while (*link) {
        BH *bh = *link;
        if (bh->deleted) {
            *link = bh->next;
            free(bh);
        } else {
            link = &bh->next;
        }
    }
}

void bh_delete(BH *bh)
{
    if (!bh) {
        return;
    }
    bh_cancel(bh);
    bh->deleted = true;
    if (!ml.dispatching) {
        bhs_sweep();
    }
}

static bool bhs_pending(void)
{
    for (BH *bh = ml.bhs; bh; bh = bh->next) {
        if (!bh->deleted && atomic_load(&bh->scheduled)) {
            return true;
        }
    }
    return false;
}

static void bhs_run(void)
{
    for (BH *bh = ml.bhs; bh; bh = bh->next) {
        if (!bh->deleted && atomic_exchange(&bh->scheduled, false)) {
            bh->cb(bh->opaque);
        }
    }
}

/* ---- the loop ---- */

void main_loop_wait(bool nonblocking)
{
    int64_t timeout = nonblocking || bhs_pending() ? 0 : timers_deadline_ns();
    struct timespec ts;
    int ret;

    main_loop_build_pollfds();
    poll_hooks_fill(&timeout);
    if (timeout >= 0) {
        ts.tv_sec = timeout / NANOSECONDS_PER_SECOND;
        ts.tv_nsec = timeout % NANOSECONDS_PER_SECOND;
    }
    bql_unlock();
    ret = ppoll(ml.pollfds, ml.npollfds, timeout >= 0 ? &ts : NULL, NULL);
    bql_lock_for_loop();

    ml.dispatching = true;
    if (ret > 0) {
        if (ml.pollfds[0].revents & POLLIN) {
            main_loop_drain_notify();
        }
        fd_handlers_dispatch();
    }
    poll_hooks_dispatch(ret < 0);
    timers_run_expired();
    bhs_run();
    ml.dispatching = false;
    fd_handlers_sweep();
    poll_hooks_sweep();
    bhs_sweep();
}

/* ---- host signals ---- */

static void main_loop_termsig_handler(int sig)
{
    shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL, 0);
}

void os_setup_signal_handling(void)
{
    struct sigaction act = {.sa_handler = main_loop_termsig_handler};

    sigemptyset(&act.sa_mask);
    sigaction(SIGINT, &act, NULL);
    sigaction(SIGTERM, &act, NULL);
    sigaction(SIGHUP, &act, NULL);
    /* A socket client going away must be an EPIPE, not the end of the emulator. */
    signal(SIGPIPE, SIG_IGN);
}
