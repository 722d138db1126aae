/*
 * Unit tests for clocks and timers (util/timer.c): deadline order, re-arming,
 * deletion, deadline computation, the frozen virtual clock, muldiv64.
 * Timers are driven with timers_run_expired() and a frozen CLOCK_VIRTUAL, so
 * no test depends on how fast the host runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/main-loop.h"
#include "util/timer.h"

#define MAX_EVENTS 16

static int events[MAX_EVENTS];
static int n_events;

static void record_cb(void *opaque)
{
    if (n_events < MAX_EVENTS) {
        events[n_events++] = (int)(intptr_t)opaque;
    }
}

static int setup(void **state)
{
    n_events = 0;
    clock_virtual_stop();
    return 0;
}

static int teardown(void **state)
{
    clock_virtual_start();
    return 0;
}

static void test_deadline_order(void **state)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    Timer *a = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)1);
    Timer *b = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)2);
    Timer *c = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)3);

    timer_mod_ns(a, now - 10);
    timer_mod_ns(b, now - 30);
    timer_mod_ns(c, now - 20);
    assert_int_equal(timers_deadline_ns(), 0);
    assert_true(timers_run_expired());
    assert_int_equal(n_events, 3);
    assert_int_equal(events[0], 2);
    assert_int_equal(events[1], 3);
    assert_int_equal(events[2], 1);
    assert_false(timer_pending(a));
    assert_false(timers_run_expired());
    timer_free(a);
    timer_free(b);
    timer_free(c);
}

static void test_mod_moves_and_del(void **state)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    Timer *a = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)1);
    Timer *b = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)2);

    timer_mod_ns(a, now + NANOSECONDS_PER_SECOND);
    timer_mod_ns(b, now - 1);
    assert_int_equal(timer_expire_time_ns(a), now + NANOSECONDS_PER_SECOND);
    timers_run_expired();
    assert_int_equal(n_events, 1);
    assert_int_equal(events[0], 2);
    assert_true(timer_pending(a));

    /* Moving a later timer into the past makes it fire; re-arming does not duplicate it. */
    timer_mod_ns(a, now - 5);
    timer_mod_ns(a, now - 4);
    timers_run_expired();
    assert_int_equal(n_events, 2);
    assert_int_equal(events[1], 1);

    timer_mod_ns(b, now - 1);
    timer_del(b);
    assert_false(timer_pending(b));
    assert_int_equal(timer_expire_time_ns(b), -1);
    timers_run_expired();
    assert_int_equal(n_events, 2);
    timer_free(a);
    timer_free(b);
}

static Timer *victim;
static Timer *self_rearm;

static void delete_victim_cb(void *opaque)
{
    record_cb(opaque);
    timer_del(victim);
}

static void rearm_cb(void *opaque)
{
    record_cb(opaque);
    timer_mod_ns(self_rearm, clock_get_ns(CLOCK_VIRTUAL));
}

static void test_callbacks_change_timers(void **state)
{
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    Timer *killer = timer_new_ns(CLOCK_VIRTUAL, delete_victim_cb, (void *)1);

    victim = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)2);
    timer_mod_ns(killer, now - 2);
    timer_mod_ns(victim, now - 1);
    timers_run_expired();
    assert_int_equal(n_events, 1);
    assert_false(timer_pending(victim));

    /* A timer re-armed for "now" by its own callback waits for the next pass (no livelock). */
    self_rearm = timer_new_ns(CLOCK_VIRTUAL, rearm_cb, (void *)3);
    timer_mod_ns(self_rearm, now);
    timers_run_expired();
    assert_int_equal(n_events, 2);
    assert_true(timer_pending(self_rearm));
    timers_run_expired();
    assert_int_equal(n_events, 3);
    timer_free(self_rearm);
    timer_free(killer);
    timer_free(victim);
}

static void test_deadline(void **state)
{
    int64_t hour = 3600 * NANOSECONDS_PER_SECOND;
    Timer *v = timer_new_ns(CLOCK_VIRTUAL, record_cb, NULL);
    Timer *h = timer_new_ns(CLOCK_HOST, record_cb, NULL);
    int64_t d;

    assert_int_equal(timers_deadline_ns(), -1);
    /* A frozen virtual clock never reaches a future deadline. */
    timer_mod_ns(v, clock_get_ns(CLOCK_VIRTUAL) + 10);
    assert_int_equal(timers_deadline_ns(), -1);

    timer_mod_ns(h, clock_get_ns(CLOCK_HOST) + hour);
    d = timers_deadline_ns();
    assert_true(d > 0 && d <= hour);

    clock_virtual_start();
    timer_mod_ns(v, clock_get_ns(CLOCK_VIRTUAL) + NANOSECONDS_PER_SECOND);
    d = timers_deadline_ns();
    assert_true(d >= 0 && d <= NANOSECONDS_PER_SECOND);
    clock_virtual_stop();
    timer_free(v);
    timer_free(h);
    assert_int_equal(timers_deadline_ns(), -1);
}

static void test_virtual_clock_freezes(void **state)
{
    int64_t frozen = clock_get_ns(CLOCK_VIRTUAL);
    int64_t host_before, host_after, v_before, v_after;

    usleep(2000);
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), frozen);
    clock_virtual_stop(); /* idempotent */
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), frozen);

    clock_virtual_start();
    host_before = clock_get_ns(CLOCK_HOST);
    v_before = clock_get_ns(CLOCK_VIRTUAL);
    assert_true(v_before >= frozen);
    clock_virtual_stop();
    usleep(20000);
    clock_virtual_start();
    v_after = clock_get_ns(CLOCK_VIRTUAL);
    host_after = clock_get_ns(CLOCK_HOST);
    /* Guest time excludes the 20 ms spent stopped. */
    assert_true(v_after >= v_before);
    assert_true(v_after - v_before <= host_after - host_before - 20000000);
    clock_virtual_stop();
}

static void test_muldiv64(void **state)
{
    assert_int_equal(muldiv64(1000000000ULL, 10000000, 1000000000), 10000000);
    assert_true(muldiv64(1000000000000000000ULL, 10000000, 1000000000) == 10000000000000000ULL);
    assert_true(muldiv64(UINT64_MAX / 2, 4, 4) == UINT64_MAX / 2);
    assert_int_equal(muldiv64(7, 3, 2), 10);
}

/* -icount's hook: a source replaces the host clock and takes the virtual timers over. */
static int64_t fake_now;
static int deadline_changes;

static int64_t fake_now_ns(void)
{
    return fake_now;
}

static void fake_deadline_changed(void)
{
    deadline_changes++;
}

static void test_virtual_clock_source(void **state)
{
    static const VirtualClockSource source = {fake_now_ns, fake_deadline_changed};
    Timer *a, *b;

    clock_virtual_set_source(&source);
    fake_now = 1000;
    deadline_changes = 0;
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), 1000);
    a = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)1);
    b = timer_new_ns(CLOCK_VIRTUAL, record_cb, (void *)2);
    timer_mod_ns(a, 1500);
    timer_mod_ns(b, 2000); /* not a new head: no call */
    assert_int_equal(deadline_changes, 1);
    /* The main loop neither waits for them nor runs them. */
    assert_int_equal(timers_deadline_ns(), -1);
    fake_now = 5000;
    assert_false(timers_run_expired());
    assert_int_equal(n_events, 0);
    /* The source's owner does, in deadline order. */
    fake_now = 1500;
    assert_int_equal(timerlist_deadline_ns(CLOCK_VIRTUAL), 0);
    assert_true(timerlist_run_expired(CLOCK_VIRTUAL));
    assert_int_equal(n_events, 1);
    assert_int_equal(timerlist_deadline_ns(CLOCK_VIRTUAL), 500);
    timer_free(a);
    timer_free(b);
    assert_int_equal(timerlist_deadline_ns(CLOCK_VIRTUAL), -1);
    clock_virtual_set_source(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_deadline_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mod_moves_and_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_callbacks_change_timers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtual_clock_freezes, setup, teardown),
        cmocka_unit_test(test_muldiv64),
        cmocka_unit_test_setup_teardown(test_virtual_clock_source, setup, teardown),
    };

    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
