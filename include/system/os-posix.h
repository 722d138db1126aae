/*
 * -daemonize and -pidfile (system/os-posix.c). Call os_daemonize first thing
 * (before any thread exists), os_write_pidfile once the process that stays
 * is known, and os_daemonize_done when the machine is up: it detaches stdio and
 * lets the waiting parent exit 0.
 */
#ifndef SYSTEM_OS_POSIX_H
#define SYSTEM_OS_POSIX_H

#include "common.h"
#include "util/error.h"

bool os_daemonize(Error **errp) WARN_UNUSED_RESULT;
/* Write our pid to path; it is removed at exit. */
bool os_write_pidfile(const char *path, Error **errp) WARN_UNUSED_RESULT;
void os_daemonize_done(void);

#endif
