/*
 * Monitors (QEMU's HMP and QMP): a monitor serves one chardev, in readline
 * mode (HMP: "(qemu) " prompt, line editing, human output) or in control mode
 * (QMP: JSON requests and replies, asynchronous events). Several monitors may
 * run at once; they all run in the main loop thread with the BQL held.
 *
 * The commands are one table (monitor/monitor-internal.h) used by both
 * protocols; the run-state events below go to every QMP monitor that has
 * finished capability negotiation.
 */
#ifndef MONITOR_MONITOR_H
#define MONITOR_MONITOR_H

#include "chardev/char.h"
#include "common.h"
#include "util/error.h"

typedef struct Monitor Monitor;

/* Serve chr in control (QMP) or readline (HMP) mode. False + errp if chr is in use. */
bool monitor_new(Chardev *chr, bool control, bool pretty, Error **errp) WARN_UNUSED_RESULT;

/* The monitor options of the command line, in the order given. */
typedef enum MonitorOptKind {
    MONITOR_OPT_HMP,        /* -monitor DEV */
    MONITOR_OPT_QMP,        /* -qmp DEV */
    MONITOR_OPT_QMP_PRETTY, /* -qmp-pretty DEV */
    MONITOR_OPT_MON,        /* -mon chardev=ID,mode=readline|control[,pretty=on] */
} MonitorOptKind;

/*
 * Create the monitors the command line asked for: -monitor/-qmp/-qmp-pretty
 * take a chardev spec ("stdio", "unix:PATH,server,nowait", "none"), -mon names a
 * -chardev. Call after the -chardev and -serial backends exist and before the
 * board creates the UARTs (so a shared mux gives the serial port the focus).
 */
bool monitor_add_opt(MonitorOptKind kind, const char *arg, Error **errp) WARN_UNUSED_RESULT;

/* HMP output (\n becomes \r\n, as terminals in raw mode need). */
void monitor_printf(Monitor *mon, const char *fmt, ...) PRINTF_FMT(2, 3);
/* A stream that writes to the monitor as monitor_printf does, so that code which dumps state
 * to a FILE (info registers, mtree, pci, mem) serves HMP too; fclose it when done. */
FILE *monitor_fopen(Monitor *mon, Error **errp);
/* At exit: hand what every monitor still holds to its chardev (flushed with a time limit). */
void monitor_flush_all(void);

/* ---- QMP events (main loop thread, BQL) ---- */
void qmp_event_stop(void);
void qmp_event_resume(void);
void qmp_event_powerdown(void);
/* guest: the guest asked for it; reason: QEMU's ShutdownCause name ("host-qmp-quit"). */
void qmp_event_shutdown(bool guest, const char *reason);
void qmp_event_reset(bool guest, const char *reason);
void qmp_event_device_deleted(const char *id, const char *path);
/* A removable medium's tray moved (device: the drive's id; id: its device's id or QOM path). */
void qmp_event_device_tray_moved(const char *device, const char *id, bool open);

#endif
