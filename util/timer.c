/*
 * Clocks and timers. Each clock keeps its armed timers in a list sorted by
 * deadline; the main loop sleeps until the head of the earliest list.
 *
 * CLOCK_VIRTUAL is read lock-free by vCPU threads (mtime, the time CSR):
 * virtual = host_monotonic - offset while running, and a frozen value while
 * stopped. vm_stop pauses the vCPUs before freezing the clock, so no reader
 * races with a transition in practice; the atomics only keep each read sane.
 *
 * The lists have their own small lock rather than relying on the BQL, so a
 * timer armed by a thread that forgot the BQL cannot corrupt them.
 *
 * Under -icount (system/icount.c) a source replaces the host clock as
 * CLOCK_VIRTUAL and its timers leave the main loop: the vCPU runs them at the
 * instruction count of their deadline, which is what makes runs repeatable.
 */
#include "util/timer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "util/main-loop.h"

struct Timer {
    ClockType type;
    TimerCB *cb;
    void *opaque;
    int64_t expire_ns;
    bool pending;
    /* Arm sequence number: a timer re-armed by its own callback waits for the next pass. */
    uint64_t armed_seq;
    Timer *next;
};

static Timer *timer_lists[CLOCK_MAX];
static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t timer_arm_seq;

/* Host monotonic time at which CLOCK_VIRTUAL read 0, shifted forward by time spent stopped. */
static _Atomic int64_t virtual_offset;
static _Atomic bool virtual_stopped;
static _Atomic int64_t virtual_frozen_ns;
static const VirtualClockSource *virtual_source; /* set once at start-up, before any thread */

static int64_t host_monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

/* The first reader defines "start-up"; 0 means not yet set (the host clock is never 0 by then). */
static int64_t virtual_get_offset(void)
{
    int64_t off = atomic_load(&virtual_offset);

    if (unlikely(off == 0)) {
        int64_t expected = 0;
        int64_t now = host_monotonic_ns();
        if (!atomic_compare_exchange_strong(&virtual_offset, &expected, now)) {
            return expected;
        }
        return now;
    }
    return off;
}

int64_t clock_get_ns(ClockType type)
{
    if (type == CLOCK_HOST) {
        return host_monotonic_ns();
    }
    if (virtual_source) {
        return virtual_source->now_ns();
    }
    if (atomic_load(&virtual_stopped)) {
        return atomic_load(&virtual_frozen_ns);
    }
    /* Offset first: the first reader sets it, and "now" must not predate it. */
    int64_t offset = virtual_get_offset();
    return host_monotonic_ns() - offset;
}

void clock_virtual_stop(void)
{
    if (atomic_load(&virtual_stopped)) {
        return;
    }
    atomic_store(&virtual_frozen_ns, clock_get_ns(CLOCK_VIRTUAL));
    atomic_store(&virtual_stopped, true);
}

void clock_virtual_start(void)
{
    if (!atomic_load(&virtual_stopped)) {
        return;
    }
    atomic_store(&virtual_offset, host_monotonic_ns() - atomic_load(&virtual_frozen_ns));
    atomic_store(&virtual_stopped, false);
    /* Virtual deadlines that were unreachable while frozen count again. */
    main_loop_notify();
}

bool clock_virtual_can_set(void)
{
    return !virtual_source;
}

bool clock_virtual_set_ns(int64_t ns)
{
    if (virtual_source) {
        return false;
    }
    atomic_store(&virtual_frozen_ns, ns);
    atomic_store(&virtual_stopped, true);
    return true;
}

Timer *timer_new_ns(ClockType type, TimerCB *cb, void *opaque)
{
    Timer *t = xzalloc(sizeof(*t));

    t->type = type;
    t->cb = cb;
    t->opaque = opaque;
    return t;
}

void timer_free(Timer *t)
{
    if (t) {
        timer_del(t);
        free(t);
    }
}

/* Called with timer_lock held. */
static void timer_unlink_locked(Timer *t)
{
    for (Timer **link = &timer_lists[t->type]; *link; link = &(*link)->next) {
        if (*link == t) {
            *link = t->next;
            break;
        }
    }
    t->next = NULL;
    t->pending = false;
}

void timer_del(Timer *t)
{
    pthread_mutex_lock(&timer_lock);
    if (t->pending) {
        timer_unlink_locked(t);
    }
    pthread_mutex_unlock(&timer_lock);
}

void timer_mod_ns(Timer *t, int64_t expire_ns)
{
    Timer **link;
    bool new_head;

    pthread_mutex_lock(&timer_lock);
    if (t->pending) {
        timer_unlink_locked(t);
    }
    link = &timer_lists[t->type];
    while (*link && (*link)->expire_ns <= expire_ns) {
        link = &(*link)->next;
    }
    t->expire_ns = expire_ns;
    t->pending = true;
    t->armed_seq = ++timer_arm_seq;
    t->next = *link;
    *link = t;
    new_head = link == &timer_lists[t->type];
    pthread_mutex_unlock(&timer_lock);

    /* The loop (or, under -icount, the vCPU) may be sleeping towards a later deadline. */
    if (new_head && t->type == CLOCK_VIRTUAL && virtual_source) {
        virtual_source->deadline_changed();
    } else if (new_head) {
        main_loop_notify();
    }
}

bool timer_pending(Timer *t)
{
    bool pending;

    pthread_mutex_lock(&timer_lock);
    pending = t->pending;
    pthread_mutex_unlock(&timer_lock);
    return pending;
}

int64_t timer_expire_time_ns(Timer *t)
{
    int64_t expire;

    pthread_mutex_lock(&timer_lock);
    expire = t->pending ? t->expire_ns : -1;
    pthread_mutex_unlock(&timer_lock);
    return expire;
}

int64_t timers_deadline_ns(void)
{
    int64_t deadline = -1;

    pthread_mutex_lock(&timer_lock);
    for (int type = 0; type < CLOCK_MAX; type++) {
        Timer *head = timer_lists[type];
        int64_t now = clock_get_ns(type);
        if (!head || (type == CLOCK_VIRTUAL && virtual_source)) {
            continue;
        }
        /* A frozen clock never reaches a future deadline. */
        if (type == CLOCK_VIRTUAL && atomic_load(&virtual_stopped) && head->expire_ns > now) {
            continue;
        }
        int64_t delta = MAX(head->expire_ns - now, 0);
        if (deadline < 0 || delta < deadline) {
            deadline = delta;
        }
    }
    pthread_mutex_unlock(&timer_lock);
    return deadline;
}

/* Unlink and return the first timer of the clock due by now and armed before seq_limit. */
static Timer *timer_take_expired(ClockType type, int64_t now, uint64_t seq_limit)
{
    Timer *found = NULL;

    pthread_mutex_lock(&timer_lock);
    for (Timer *t = timer_lists[type]; t && t->expire_ns <= now; t = t->next) {
        if (t->armed_seq <= seq_limit) {
            found = t;
            break;
        }
    }
    if (found) {
        timer_unlink_locked(found);
    }
    pthread_mutex_unlock(&timer_lock);
    return found;
}

bool timers_run_expired(void)
{
    bool ran = false;
    uint64_t seq_limit;

    pthread_mutex_lock(&timer_lock);
    seq_limit = timer_arm_seq;
    pthread_mutex_unlock(&timer_lock);

    for (int type = 0; type < CLOCK_MAX; type++) {
        int64_t now = clock_get_ns(type);
        Timer *t;
        if (type == CLOCK_VIRTUAL && virtual_source) {
            continue;
        }
        /* One at a time, lock dropped: callbacks may arm, delete or free any timer. */
        while ((t = timer_take_expired(type, now, seq_limit))) {
            t->cb(t->opaque);
            ran = true;
        }
    }
    return ran;
}

void clock_virtual_set_source(const VirtualClockSource *source)
{
    virtual_source = source;
}

int64_t timerlist_deadline_ns(ClockType type)
{
    int64_t deadline = -1;

    pthread_mutex_lock(&timer_lock);
    if (timer_lists[type]) {
        deadline = MAX(timer_lists[type]->expire_ns - clock_get_ns(type), 0);
    }
    pthread_mutex_unlock(&timer_lock);
    return deadline;
}

bool timerlist_run_expired(ClockType type)
{
    int64_t now = clock_get_ns(type);
    uint64_t seq_limit;
    bool ran = false;
    Timer *t;

    pthread_mutex_lock(&timer_lock);
    seq_limit = timer_arm_seq;
    pthread_mutex_unlock(&timer_lock);
    while ((t = timer_take_expired(type, now, seq_limit))) {
        t->cb(t->opaque);
        ran = true;
    }
    return ran;
}

uint64_t muldiv64(uint64_t a, uint32_t b, uint32_t c)
{
    return (uint64_t)((unsigned __int128)a * b / c);
}
