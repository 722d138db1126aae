/*
 * Run state and the shutdown/reset requests. Requests may come from any
 * thread, or from a signal handler, so they are single atomic words plus a
 * main-loop wake-up; the main loop thread acts on them in
 * main_loop_should_exit() with the BQL held.
 */
#include "system/runstate.h"

#include <stdatomic.h>

#include "hw/core/qdev.h"
#include "system/cpus.h"
#include "util/main-loop.h"
#include "util/timer.h"

bool no_reboot;
bool no_shutdown;

static _Atomic int current_runstate = RUN_STATE_PRELAUNCH;
/* cause << 32 | (uint32_t)status, 0 = none; one word so cause and status never tear. */
static _Atomic uint64_t shutdown_req;
static _Atomic int reset_req = SHUTDOWN_CAUSE_NONE;
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

bool main_loop_should_exit(int *status)
{
    uint64_t req = atomic_exchange(&shutdown_req, 0);

    if (req) {
        if (no_shutdown) {
            vm_stop(RUN_STATE_SHUTDOWN);
            return false;
        }
        runstate_set(RUN_STATE_SHUTDOWN);
        *status = (int)(uint32_t)req;
        return true;
    }
    if (atomic_exchange(&reset_req, SHUTDOWN_CAUSE_NONE) != SHUTDOWN_CAUSE_NONE) {
        if (no_reboot) {
            runstate_set(RUN_STATE_SHUTDOWN);
            *status = 0;
            return true;
        }
        system_reset();
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
}

void vm_stop(RunState state)
{
    if (runstate_is_running()) {
        pause_all_vcpus();
        clock_virtual_stop();
    }
    runstate_set(state);
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
