/*
 * Run state of the VM and the requests that change it. Devices and vCPUs ask
 * for a shutdown or a reset (any thread); the main loop acts on the request
 * in its own thread: it stops the vCPUs, resets the machine or exits.
 */
#ifndef SYSTEM_RUNSTATE_H
#define SYSTEM_RUNSTATE_H

#include "common.h"
#include "util/notify.h"

typedef enum RunState {
    RUN_STATE_PRELAUNCH, /* created, vCPUs not started (-S waits here) */
    RUN_STATE_RUNNING,
    RUN_STATE_PAUSED, /* stopped by the user/monitor */
    RUN_STATE_DEBUG,  /* stopped by the gdbstub */
    RUN_STATE_SHUTDOWN,
} RunState;

typedef enum ShutdownCause {
    SHUTDOWN_CAUSE_NONE,
    SHUTDOWN_CAUSE_HOST_SIGNAL, /* SIGINT/SIGTERM */
    SHUTDOWN_CAUSE_HOST_UI,     /* Ctrl-A x */
    SHUTDOWN_CAUSE_HOST_QMP,
    SHUTDOWN_CAUSE_GUEST_SHUTDOWN,
    SHUTDOWN_CAUSE_GUEST_RESET,
    SHUTDOWN_CAUSE_GUEST_PANIC,
} ShutdownCause;

RunState runstate_get(void);
void runstate_set(RunState s);
bool runstate_is_running(void);
const char *runstate_name(RunState s);

/* Ask the main loop to exit with exit status `status` (sifive_test FAIL passes its code). */
void shutdown_request(ShutdownCause cause, int status);
/* Ask the main loop to reset the machine (or exit if -no-reboot). */
void reset_request(ShutdownCause cause);
/* Called by the main loop: returns true when it must leave; *status = process exit status. */
bool main_loop_should_exit(int *status);
extern bool no_reboot;   /* -no-reboot */
extern bool no_shutdown; /* -no-shutdown (reserved) */

/* vm_stop/vm_start pause and resume all vCPUs and the virtual clock (main loop thread). */
void vm_start(void);
void vm_stop(RunState state);

/* Called (main loop thread, BQL) on machine reset, in registration order. */
void reset_notifier_add(Notifier *n);
/* Runs the reset: qdev_reset_all(machine) and every reset notifier. */
void system_reset(void);

#endif
