/* Prefaulting arenas ahead of their fill, and warming pages (include/util/prefault.h). */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#include "util/prefault.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PREFAULT_FIRST (16 * KiB)
#define PREFAULT_MAX (256 * KiB)

void arena_prefault(ArenaPrefault *pf, uint8_t *base, uint8_t *exec, size_t size, size_t end)
{
    while (!pf->off && pf->done < end && pf->done < size) {
        size_t len = MIN(MAX(pf->chunk, PREFAULT_FIRST), size - pf->done);

        if (madvise(base + pf->done, len, MADV_POPULATE_WRITE) ||
            (exec && madvise(exec + pf->done, len, MADV_POPULATE_READ))) {
            pf->off = true;
            return;
        }
        prefault_warm(base + pf->done, len);
        if (exec) {
            prefault_warm(exec + pf->done, len);
        }
        pf->done += len;
        pf->chunk = MIN(len * 2, PREFAULT_MAX);
    }
}

/* ---- warming (prefault_warm) ---- */

#define WARM_QUEUE 256
#define WARM_PAGE 4096

typedef struct WarmRange {
    const uint8_t *start;
    size_t len;    /* 0: none */
    bool populate; /* commit it first: madvise(MADV_POPULATE_WRITE) (prefault_commit_ahead) */
} WarmRange;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a request was queued */
    pthread_cond_t done; /* a request was read */
    WarmRange queue[WARM_QUEUE];
    unsigned head, count;
    WarmRange busy; /* the request being read */
    bool started;
    unsigned requests; /* before it started */
    uint64_t pages;
} warm = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .work = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

static bool overlaps(WarmRange r, const uint8_t *start, size_t len)
{
    return r.len && r.start < start + len && start < r.start + r.len;
}

/* One load per page. A guest's vCPU may write these bytes meanwhile; the load is the point,
 * not the value (tests/sanitizers/tsan-ignorelist.txt). */
static void warm_read(WarmRange r)
{
    for (size_t off = 0; off < r.len; off += WARM_PAGE) {
        (void)*(volatile const uint8_t *)(r.start + off);
    }
}

static void *warm_thread(void *arg)
{
    struct sched_param idle = {0};

    (void)arg;
    /* Only host CPU time nothing else wants (EPERM under -sandbox resourcecontrol=deny). */
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
    pthread_mutex_lock(&warm.lock);
    for (;;) {
        WarmRange r;

        while (!warm.count) {
            pthread_cond_wait(&warm.work, &warm.lock);
        }
        r = warm.busy = warm.queue[warm.head];
        warm.head = (warm.head + 1) % WARM_QUEUE;
        warm.count--;
        pthread_mutex_unlock(&warm.lock);
        if (r.populate) {
            madvise((void *)r.start, r.len, MADV_POPULATE_WRITE);
        }
        warm_read(r);
        pthread_mutex_lock(&warm.lock);
        warm.pages += (r.len + WARM_PAGE - 1) / WARM_PAGE;
        warm.busy.len = 0;
        pthread_cond_broadcast(&warm.done);
    }
    return NULL;
}

/* fork (-daemonize) keeps no thread but the caller: the child starts over, with no thread. */
static void warm_fork_prepare(void)
{
    pthread_mutex_lock(&warm.lock);
}

static void warm_fork_parent(void)
{
    pthread_mutex_unlock(&warm.lock);
}

static void warm_fork_child(void)
{
    warm.started = false;
    warm.requests = warm.count = 0;
    warm.busy.len = 0;
    pthread_mutex_unlock(&warm.lock);
}

/* With warm.lock held. No signal is taken on this thread (the mask is all blocked). */
static bool warm_start(void)
{
    static bool atfork;
    pthread_attr_t attr;
    pthread_t thread;
    sigset_t all, old;
    int err;

    if (!atfork) {
        atfork = !pthread_atfork(warm_fork_prepare, warm_fork_parent, warm_fork_child);
    }
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    err = pthread_create(&thread, &attr, warm_thread, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (!err) {
        pthread_setname_np(thread, "prefault");
    }
    return !err;
}

/*
 * The thread starts at the WARM_START-th request; the ones before are dropped. A short run (a
 * tiny bare-metal program, scripts/bench startup) never pays for a thread: starting it there
 * took the run from 6.2 to 9.0 ms (median wall of 30).
 */
#define WARM_START 16

static void warm_queue(const void *start, size_t len, bool populate)
{
    pthread_mutex_lock(&warm.lock);
    if (!warm.started && ++warm.requests >= WARM_START) {
        warm.started = warm_start();
    }
    if (warm.started && len && warm.count < WARM_QUEUE) {
        warm.queue[(warm.head + warm.count) % WARM_QUEUE] = (WarmRange){start, len, populate};
        warm.count++;
        pthread_cond_signal(&warm.work);
    }
    pthread_mutex_unlock(&warm.lock);
}

void prefault_warm(const void *start, size_t len)
{
    warm_queue(start, len, false);
}

void prefault_commit_ahead(void *start, size_t len)
{
    warm_queue(start, len, true);
}

void prefault_warm_forget(const void *start, size_t len)
{
    unsigned kept = 0;

    pthread_mutex_lock(&warm.lock);
    for (unsigned i = 0; i < warm.count; i++) {
        WarmRange r = warm.queue[(warm.head + i) % WARM_QUEUE];
        if (!overlaps(r, start, len)) {
            warm.queue[(warm.head + kept++) % WARM_QUEUE] = r;
        }
    }
    warm.count = kept;
    while (overlaps(warm.busy, start, len)) {
        pthread_cond_wait(&warm.done, &warm.lock);
    }
    pthread_mutex_unlock(&warm.lock);
}

void prefault_warm_start_now(void)
{
    pthread_mutex_lock(&warm.lock);
    if (!warm.started) {
        warm.started = warm_start();
    }
    pthread_mutex_unlock(&warm.lock);
}

uint64_t prefault_warm_drain(void)
{
    uint64_t pages;

    pthread_mutex_lock(&warm.lock);
    while (warm.count || warm.busy.len) {
        pthread_cond_wait(&warm.done, &warm.lock);
    }
    pages = warm.pages;
    pthread_mutex_unlock(&warm.lock);
    return pages;
}
