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
    SHUTDOWN_CAUSE_HOST_QMP_QUIT,         /* quit (QMP or HMP) */
    SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET, /* system_reset (QMP or HMP) */
} ShutdownCause;

/* QEMU's name for a cause, as QMP's SHUTDOWN and RESET events carry it ("guest-shutdown"). */
const char *shutdown_cause_name(ShutdownCause cause);

RunState runstate_get(void);
void runstate_set(RunState s);
bool runstate_is_running(void);
const char *runstate_name(RunState s);

/* Ask the main loop to exit with exit status `status` (sifive_test FAIL passes its code). */
void shutdown_request(ShutdownCause cause, int status);
/* Ask the main loop to reset the machine (or exit if -no-reboot). */
void reset_request(ShutdownCause cause);
/* Ask for the guest's power button (QMP system_powerdown): a POWERDOWN event. */
void powerdown_request(void);
/*
 * Act on pending requests now (main loop thread, BQL): reset (RESET event), power
 * button (POWERDOWN), shutdown (SHUTDOWN event; with -no-shutdown a guest shutdown only
 * stops the VM). The QMP dispatcher calls it so a command's events precede its reply.
 */
void runstate_handle_requests(void);
/* Called by the main loop: returns true when it must leave; *status = process exit status. */
bool main_loop_should_exit(int *status);
extern bool no_reboot;      /* -no-reboot */
extern const char *vm_name; /* -name, or NULL */
extern bool no_shutdown;    /* -no-shutdown: a guest poweroff stops the VM, the process stays */

/*
 * vm_stop/vm_start pause and resume all vCPUs and the virtual clock (main loop thread);
 * leaving or entering the running state sends QMP's STOP or RESUME event.
 */
void vm_start(void);
void vm_stop(RunState state);

/* Called (main loop thread, BQL) on machine reset, in registration order. */
void reset_notifier_add(Notifier *n);
/* Runs the reset: qdev_reset_all(machine) and every reset notifier. */
void system_reset(void);

#endif
