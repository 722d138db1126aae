/*
 * Run state and the shutdown/reset requests. Requests may come from any
 * thread, or from a signal handler, so they are single atomic words plus a
 * main-loop wake-up; the main loop thread acts on them in
 * main_loop_should_exit() with the BQL held.
 */
#include "system/runstate.h"

#include <stdatomic.h>

#include "block/block.h"
#include "hw/core/qdev.h"
#include "monitor/monitor.h"
#include "system/cpus.h"
#include "util/main-loop.h"
#include "util/timer.h"

bool no_reboot;
bool no_shutdown;
const char *vm_name;

static _Atomic int current_runstate = RUN_STATE_PRELAUNCH;
/* cause << 32 | (uint32_t)status, 0 = none; one word so cause and status never tear. */
static _Atomic uint64_t shutdown_req;
static _Atomic int reset_req = SHUTDOWN_CAUSE_NONE;
static atomic_bool powerdown_req;
/* A shutdown the main loop has handled and must now exit for, with its status. */
static bool exit_pending;
static int exit_status;
static NotifierList reset_notifiers;

static const char *const runstate_names[] = {
    [RUN_STATE_PRELAUNCH] = "prelaunch", [RUN_STATE_RUNNING] = "running",
    [RUN_STATE_PAUSED] = "paused",       [RUN_STATE_DEBUG] = "debug",
    [RUN_STATE_SHUTDOWN] = "shutdown",
};

RunState runstate_get(void)
{
    return atomic_load(&current_runstate);
}

void runstate_set(RunState s)
{
    atomic_store(&current_runstate, s);
}

bool runstate_is_running(void)
{
    return runstate_get() == RUN_STATE_RUNNING;
}

const char *runstate_name(RunState s)
{
    if ((unsigned)s >= ARRAY_SIZE(runstate_names)) {
        return "unknown";
    }
    return runstate_names[s];
}

void shutdown_request(ShutdownCause cause, int status)
{
    uint64_t expected = 0;
    uint64_t req = (uint64_t)cause << 32 | (uint32_t)status;

    /* The first request wins: a guest exit code is not overwritten by a later Ctrl-C. */
    atomic_compare_exchange_strong(&shutdown_req, &expected, req);
    main_loop_notify();
}

void reset_request(ShutdownCause cause)
{
    atomic_store(&reset_req, cause);
    main_loop_notify();
}

const char *shutdown_cause_name(ShutdownCause cause)
{
    static const char *const names[] = {
        [SHUTDOWN_CAUSE_NONE] = "none",
        [SHUTDOWN_CAUSE_HOST_SIGNAL] = "host-signal",
        [SHUTDOWN_CAUSE_HOST_UI] = "host-ui",
        [SHUTDOWN_CAUSE_HOST_QMP] = "host-qmp-quit",
        [SHUTDOWN_CAUSE_GUEST_SHUTDOWN] = "guest-shutdown",
        [SHUTDOWN_CAUSE_GUEST_RESET] = "guest-reset",
        [SHUTDOWN_CAUSE_GUEST_PANIC] = "guest-panic",
        [SHUTDOWN_CAUSE_HOST_QMP_QUIT] = "host-qmp-quit",
        [SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET] = "host-qmp-system-reset",
    };
    return (unsigned)cause < ARRAY_SIZE(names) ? names[cause] : "none";
}

static bool shutdown_cause_is_guest(ShutdownCause cause)
{
    return cause == SHUTDOWN_CAUSE_GUEST_SHUTDOWN || cause == SHUTDOWN_CAUSE_GUEST_RESET ||
           cause == SHUTDOWN_CAUSE_GUEST_PANIC;
}

void powerdown_request(void)
{
    atomic_store(&powerdown_req, true);
    main_loop_notify();
}

/* -no-shutdown keeps the process for a guest's own poweroff; the host's quit still quits. */
static void handle_shutdown(uint64_t req)
{
    ShutdownCause cause = (ShutdownCause)(req >> 32);
    bool guest = shutdown_cause_is_guest(cause);

    qmp_event_shutdown(guest, shutdown_cause_name(cause));
    if (no_shutdown && guest) {
        vm_stop(RUN_STATE_SHUTDOWN);
        return;
    }
    runstate_set(RUN_STATE_SHUTDOWN);
    exit_pending = true;
    exit_status = (int)(uint32_t)req;
}

static void handle_reset(ShutdownCause cause)
{
    if (no_reboot) {
        handle_shutdown((uint64_t)cause << 32);
        return;
    }
    system_reset();
    qmp_event_reset(shutdown_cause_is_guest(cause), shutdown_cause_name(cause));
    /* A reset after a -no-shutdown poweroff leaves the VM paused, ready for cont. */
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        runstate_set(RUN_STATE_PAUSED);
    }
}

void runstate_handle_requests(void)
{
    uint64_t req;
    int reset;

    if (exit_pending) {
        return;
    }
    req = atomic_exchange(&shutdown_req, 0);
    if (req) {
        handle_shutdown(req);
        return;
    }
    reset = atomic_exchange(&reset_req, SHUTDOWN_CAUSE_NONE);
    if (reset != SHUTDOWN_CAUSE_NONE) {
        handle_reset(reset);
    }
    if (atomic_exchange(&powerdown_req, false)) {
        qmp_event_powerdown();
    }
}

bool main_loop_should_exit(int *status)
{
    runstate_handle_requests();
    if (exit_pending) {
        exit_pending = false;
        *status = exit_status;
        return true;
    }
    return false;
}

void vm_start(void)
{
    if (runstate_is_running()) {
        return;
    }
    clock_virtual_start();
    /* Running first: resumed vCPU threads check it before executing. */
    runstate_set(RUN_STATE_RUNNING);
    resume_all_vcpus();
    qmp_event_resume();
}

void vm_stop(RunState state)
{
    bool was_running = runstate_is_running();

    if (was_running) {
        pause_all_vcpus();
        clock_virtual_stop();
    }
    /* As QEMU's vm_stop: no disk request outlives a stopped machine (savevm, migration). */
    blk_drain_all();
    runstate_set(state);
    if (was_running) {
        qmp_event_stop();
    }
}

void reset_notifier_add(Notifier *n)
{
    notifier_list_add(&reset_notifiers, n);
}

void system_reset(void)
{
    Object *machine = object_resolve_path("/machine");

    pause_all_vcpus();
    if (machine) {
        qdev_reset_all(machine);
    }
    notifier_list_notify(&reset_notifiers, NULL);
    if (runstate_is_running()) {
        resume_all_vcpus();
    }
}
