/*
 * Clocks and timers. Timers are deadlines checked by the main loop, which
 * sleeps exactly until the nearest one; callbacks run in the main loop thread
 * with the BQL held. timer_mod/timer_del may be called from any thread that
 * holds the BQL (e.g. a vCPU writing stimecmp); they wake the loop if needed.
 *
 * CLOCK_VIRTUAL is guest time: host monotonic nanoseconds since start-up,
 * frozen while the VM is stopped (so a paused guest does not see time jump).
 * CLOCK_HOST is host monotonic time that never stops (UI, chardev retries); it is
 * not called CLOCK_REALTIME because <time.h> defines that name as a macro.
 */
#ifndef UTIL_TIMER_H
#define UTIL_TIMER_H

#include "common.h"

typedef enum ClockType { CLOCK_VIRTUAL, CLOCK_HOST, CLOCK_MAX } ClockType;

#define NANOSECONDS_PER_SECOND 1000000000LL

/* Current time of the clock in nanoseconds; any thread, lock-free. */
int64_t clock_get_ns(ClockType type);
/* Freeze/unfreeze CLOCK_VIRTUAL (runstate calls these on stop/continue). */
void clock_virtual_stop(void);
void clock_virtual_start(void);
/* loadvm: CLOCK_VIRTUAL reads ns, frozen until clock_virtual_start (false under -icount). */
bool clock_virtual_set_ns(int64_t ns);
bool clock_virtual_can_set(void);

typedef void TimerCB(void *opaque);
typedef struct Timer Timer;

Timer *timer_new_ns(ClockType type, TimerCB *cb, void *opaque);
void timer_free(Timer *t);
/* Arm (or re-arm) t to fire when clock >= expire_ns. */
void timer_mod_ns(Timer *t, int64_t expire_ns);
void timer_del(Timer *t);
bool timer_pending(Timer *t);
int64_t timer_expire_time_ns(Timer *t);

/* For the main loop: nanoseconds until the nearest deadline (-1 = none), and run expired. */
int64_t timers_deadline_ns(void);
bool timers_run_expired(void);

/*
 * -icount: CLOCK_VIRTUAL reads source->now_ns() instead of the host clock, and
 * its timers are left out of timers_deadline_ns/timers_run_expired: the
 * source's owner runs them (timerlist_*) and is told through
 * deadline_changed() when a new earliest one is armed. Set once at start-up
 * (NULL restores the host clock: tests).
 */
typedef struct VirtualClockSource {
    int64_t (*now_ns)(void);
    void (*deadline_changed)(void);
} VirtualClockSource;
void clock_virtual_set_source(const VirtualClockSource *source);
/* Nanoseconds until the earliest timer of clock type (0 if due, -1 if none). */
int64_t timerlist_deadline_ns(ClockType type);
/* Run the timers of clock type that are due; the caller holds the BQL. */
bool timerlist_run_expired(ClockType type);

/* Convert between a device clock of freq Hz and nanoseconds without overflow. */
uint64_t muldiv64(uint64_t a, uint32_t b, uint32_t c);

#endif
