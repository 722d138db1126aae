/*
 * Unit tests for the main loop (BHs, fd handlers, timer wake-ups, wake-ups
 * from other threads), notifier lists, run state requests and -d parsing.
 * A blocked main_loop_wait that is never woken would hang, so an alarm
 * turns a hang into a failure.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "system/runstate.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define LOOP_BOUND 10000

static int bh_runs;

static void count_bh(void *opaque)
{
    bh_runs++;
}

static void *schedule_later(void *opaque)
{
    usleep(10000); /* let the main thread block in poll first */
    bh_schedule(opaque);
    return NULL;
}

static void test_bh_from_thread_wakes_loop(void **state)
{
    BH *bh = bh_new(count_bh, NULL);
    pthread_t thread;

    bh_runs = 0;
    pthread_create(&thread, NULL, schedule_later, bh);
    /* No timers, no fds: only the BH's notify can end this wait. */
    main_loop_wait(false);
    for (int i = 0; i < LOOP_BOUND && !bh_runs; i++) {
        main_loop_wait(false);
    }
    pthread_join(thread, NULL);
    assert_int_equal(bh_runs, 1);
    bh_delete(bh);
}

static BH *self_deleting;

static void delete_self_bh(void *opaque)
{
    bh_runs++;
    bh_delete(self_deleting);
}

static void test_bh_once_cancel_delete(void **state)
{
    BH *bh = bh_new(count_bh, NULL);

    bh_runs = 0;
    bh_schedule(bh);
    bh_schedule(bh);
    main_loop_wait(true);
    assert_int_equal(bh_runs, 1);
    main_loop_wait(true);
    assert_int_equal(bh_runs, 1);

    bh_schedule(bh);
    bh_cancel(bh);
    main_loop_wait(true);
    assert_int_equal(bh_runs, 1);
    bh_delete(bh);

    self_deleting = bh_new(delete_self_bh, NULL);
    bh_schedule(self_deleting);
    main_loop_wait(true);
    assert_int_equal(bh_runs, 2);
}

typedef struct PipeWatch {
    int fds[2];
    int calls;
    struct PipeWatch *remove_other;
} PipeWatch;

static void pipe_readable(void *opaque)
{
    PipeWatch *w = opaque;
    char c;

    w->calls++;
    assert_int_equal(read(w->fds[0], &c, 1), 1);
    if (w->remove_other) {
        main_loop_set_fd_handler(w->remove_other->fds[0], NULL, NULL, NULL);
    }
}

static void test_fd_handler(void **state)
{
    PipeWatch a = {0}, b = {0};

    assert_int_equal(pipe(a.fds), 0);
    assert_int_equal(pipe(b.fds), 0);
    main_loop_set_fd_handler(a.fds[0], pipe_readable, NULL, &a);
    main_loop_set_fd_handler(b.fds[0], pipe_readable, NULL, &b);
    assert_int_equal(write(a.fds[1], "x", 1), 1);
    for (int i = 0; i < LOOP_BOUND && !a.calls; i++) {
        main_loop_wait(false);
    }
    assert_int_equal(a.calls, 1);
    assert_int_equal(b.calls, 0);

    /* Both ready, a runs first and removes b: b must not be called. */
    a.remove_other = &b;
    assert_int_equal(write(a.fds[1], "x", 1), 1);
    assert_int_equal(write(b.fds[1], "y", 1), 1);
    for (int i = 0; i < LOOP_BOUND && a.calls < 2; i++) {
        main_loop_wait(false);
    }
    assert_int_equal(a.calls, 2);
    assert_int_equal(b.calls, 0);
    main_loop_wait(true);
    assert_int_equal(b.calls, 0);

    main_loop_set_fd_handler(a.fds[0], NULL, NULL, NULL);
    assert_int_equal(write(a.fds[1], "x", 1), 1);
    main_loop_wait(true);
    assert_int_equal(a.calls, 2);
    for (int i = 0; i < 2; i++) {
        close(a.fds[i]);
        close(b.fds[i]);
    }
}

static void count_timer(void *opaque)
{
    (*(int *)opaque)++;
}

static void test_timer_wakes_loop(void **state)
{
    int fired = 0;
    Timer *t = timer_new_ns(CLOCK_HOST, count_timer, &fired);

    timer_mod_ns(t, clock_get_ns(CLOCK_HOST) + 1000000);
    for (int i = 0; i < LOOP_BOUND && !fired; i++) {
        main_loop_wait(false);
    }
    assert_int_equal(fired, 1);
    timer_free(t);
}

static void *arm_soon(void *opaque)
{
    usleep(10000); /* let the main thread block in poll first, towards the far timer */
    timer_mod_ns(opaque, clock_get_ns(CLOCK_HOST) + 1000000);
    return NULL;
}

/*
 * A timer armed by another thread (a vCPU writing stimecmp) while the loop sleeps towards a
 * later one wakes the loop: the near timer fires long before the far one, which is 600 s away
 * (the alarm ends the test at 60).
 */
static void test_timer_from_thread_wakes_loop(void **state)
{
    int far_fired = 0, near_fired = 0;
    Timer *far = timer_new_ns(CLOCK_HOST, count_timer, &far_fired);
    Timer *near = timer_new_ns(CLOCK_HOST, count_timer, &near_fired);
    pthread_t thread;

    timer_mod_ns(far, clock_get_ns(CLOCK_HOST) + 600 * NANOSECONDS_PER_SECOND);
    pthread_create(&thread, NULL, arm_soon, near);
    for (int i = 0; i < LOOP_BOUND && !near_fired; i++) {
        main_loop_wait(false);
    }
    pthread_join(thread, NULL);
    assert_int_equal(near_fired, 1);
    assert_int_equal(far_fired, 0);
    timer_free(near);
    timer_free(far);
}

/*
 * BQL hand-off: a thread that drops the BQL and takes it straight back (a vCPU polling an
 * MMIO register) must not get it ahead of the main loop waiting for it. In each round the
 * other thread holds the BQL until the loop waits for it, clears the loop's mark, drops the
 * lock and retakes it at once: it must find that the loop has had the lock in between. (A
 * plain mutex hands it back to the retaker in most rounds.)
 */
#define BQL_ROUNDS 100

static atomic_int loop_had_bql;
static atomic_int retaker_rounds_after_loop;
static atomic_bool retaker_done;

static void *bql_retaker(void *opaque)
{
    for (int i = 0; i < BQL_ROUNDS; i++) {
        bql_lock(); /* once main_loop_wait has dropped it to poll */
        main_loop_notify();
        while (!bql_loop_is_waiting()) {
            continue; /* the loop is back from its poll and wants the lock we hold */
        }
        usleep(100); /* not needed with the hand-off; without, the loop is then asleep */
        atomic_store(&loop_had_bql, 0);
        bql_unlock();
        bql_lock();
        atomic_fetch_add(&retaker_rounds_after_loop, atomic_load(&loop_had_bql));
        bql_unlock();
    }
    atomic_store(&retaker_done, true);
    main_loop_notify(); /* the loop may be polling again */
    return NULL;
}

static void test_bql_loop_goes_first(void **state)
{
    pthread_t thread;

    pthread_create(&thread, NULL, bql_retaker, NULL);
    while (!atomic_load(&retaker_done)) {
        main_loop_wait(false);
        atomic_store(&loop_had_bql, 1);
    }
    pthread_join(thread, NULL);
    assert_int_equal(atomic_load(&retaker_rounds_after_loop), BQL_ROUNDS);
    assert_false(bql_loop_is_waiting());
}

static int notify_log[8];
static int notify_count;

typedef struct TestNotifier {
    Notifier n;
    int id;
} TestNotifier;

static void record_notify(Notifier *n, void *data)
{
    notify_log[notify_count++] = container_of(n, TestNotifier, n)->id;
}

static void test_notifier_order(void **state)
{
    NotifierList list = {0};
    TestNotifier t[3] = {{{record_notify}, 1}, {{record_notify}, 2}, {{record_notify}, 3}};

    for (int i = 0; i < 3; i++) {
        notifier_list_add(&list, &t[i].n);
    }
    notifier_list_notify(&list, NULL);
    assert_int_equal(notify_count, 3);
    assert_int_equal(notify_log[0], 1);
    assert_int_equal(notify_log[1], 2);
    assert_int_equal(notify_log[2], 3);

    notifier_remove(&list, &t[1].n);
    notify_count = 0;
    notifier_list_notify(&list, NULL);
    assert_int_equal(notify_count, 2);
    assert_int_equal(notify_log[0], 1);
    assert_int_equal(notify_log[1], 3);
}

static void *request_shutdown(void *opaque)
{
    shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 3);
    return NULL;
}

static void test_shutdown_request(void **state)
{
    pthread_t thread;
    int status = -1;
    bool exit_now = false;

    assert_false(main_loop_should_exit(&status));
    pthread_create(&thread, NULL, request_shutdown, NULL);
    for (int i = 0; i < LOOP_BOUND && !exit_now; i++) {
        main_loop_wait(false);
        exit_now = main_loop_should_exit(&status);
    }
    pthread_join(thread, NULL);
    assert_true(exit_now);
    assert_int_equal(status, 3);
    assert_int_equal(runstate_get(), RUN_STATE_SHUTDOWN);

    /* The first request wins. */
    shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC, 7);
    shutdown_request(SHUTDOWN_CAUSE_HOST_SIGNAL, 0);
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 7);
    assert_false(main_loop_should_exit(&status));
}

static int resets;

static void count_reset(Notifier *n, void *data)
{
    resets++;
}

static void test_reset_request(void **state)
{
    static Notifier n = {count_reset};
    int status = -1;

    reset_notifier_add(&n);
    reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    assert_false(main_loop_should_exit(&status));
    assert_int_equal(resets, 1);
    assert_false(main_loop_should_exit(&status));

    no_reboot = true;
    reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 0);
    assert_int_equal(resets, 1);
    no_reboot = false;
}

static void test_vm_start_stop(void **state)
{
    int64_t frozen;

    vm_start();
    assert_true(runstate_is_running());
    assert_string_equal(runstate_name(runstate_get()), "running");
    vm_stop(RUN_STATE_PAUSED);
    assert_string_equal(runstate_name(runstate_get()), "paused");
    frozen = clock_get_ns(CLOCK_VIRTUAL);
    usleep(1000);
    assert_int_equal(clock_get_ns(CLOCK_VIRTUAL), frozen);
    vm_start();
    assert_true(runstate_is_running());
    assert_string_equal(runstate_name(RUN_STATE_PRELAUNCH), "prelaunch");
    assert_string_equal(runstate_name(RUN_STATE_DEBUG), "debug");
    assert_string_equal(runstate_name(RUN_STATE_SHUTDOWN), "shutdown");
}

static void test_log_mask(void **state)
{
    Error *err = NULL;

    assert_true(log_set_mask_str("guest_errors,int", &err));
    assert_null(err);
    assert_int_equal(log_mask_enabled, LOG_GUEST_ERROR | LOG_INT);
    assert_true(log_enabled(LOG_INT));
    assert_false(log_enabled(LOG_MMU));
    assert_true(log_set_mask_str("unimp,in_asm,exec,mmu,cpu", NULL));
    assert_int_equal(log_mask_enabled, LOG_UNIMP | LOG_IN_ASM | LOG_EXEC | LOG_MMU | LOG_CPU);

    /* A bad item is an error and leaves the mask alone. */
    assert_false(log_set_mask_str("int,foo", &err));
    assert_non_null(err);
    assert_non_null(strstr(error_get_pretty(err), "'foo'"));
    error_free(err);
    assert_int_equal(log_mask_enabled, LOG_UNIMP | LOG_IN_ASM | LOG_EXEC | LOG_MMU | LOG_CPU);

    assert_true(log_set_mask_str("op,out_asm,nochain", NULL));
    assert_int_equal(log_mask_enabled, LOG_OP | LOG_OUT_ASM | LOG_NOCHAIN);

    err = NULL;
    assert_false(log_set_mask_str("help", &err));
    assert_null(err);
    assert_true(log_set_mask_str("", NULL));
    assert_int_equal(log_mask_enabled, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bh_from_thread_wakes_loop),
        cmocka_unit_test(test_bh_once_cancel_delete),
        cmocka_unit_test(test_fd_handler),
        cmocka_unit_test(test_timer_wakes_loop),
        cmocka_unit_test(test_timer_from_thread_wakes_loop),
        cmocka_unit_test(test_bql_loop_goes_first),
        cmocka_unit_test(test_notifier_order),
        cmocka_unit_test(test_shutdown_request),
        cmocka_unit_test(test_reset_request),
        cmocka_unit_test(test_vm_start_stop),
        cmocka_unit_test(test_log_mask),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
