/*
 * Host and configuration errors (DESIGN.md "Errors, two channels").
 *
 * A fallible function takes `Error **errp` as its last parameter and returns
 * bool (true = success). On failure it calls error_setg(errp, ...) once. The
 * caller may pass NULL (ignore), &error_fatal (print "kestrel: msg" and exit 1;
 * only main-level code should rely on this) or &error_abort (a bug: abort()),
 * or its own `Error *err = NULL` and inspect/propagate it.
 */
#ifndef UTIL_ERROR_H
#define UTIL_ERROR_H

#include "common.h"

typedef struct Error Error;

extern Error *error_fatal;
extern Error *error_abort;

/* Record a formatted error in *errp (no-op if errp is NULL). Never call twice on one errp. */
void error_setg_internal(Error **errp, const char *file, int line, const char *fmt, ...)
    PRINTF_FMT(4, 5);
#define error_setg(errp, ...) error_setg_internal(errp, __FILE__, __LINE__, __VA_ARGS__)
/* Like error_setg, appending ": strerror(os_errno)". */
void error_setg_errno_internal(Error **errp, const char *file, int line, int os_errno,
                               const char *fmt, ...) PRINTF_FMT(5, 6);
#define error_setg_errno(errp, e, ...)                                                             \
    error_setg_errno_internal(errp, __FILE__, __LINE__, e, __VA_ARGS__)
/* Prefix the message of *errp with a formatted string (if there is an error). */
void error_prepend(Error **errp, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Move local_err into dst_errp (handling error_fatal/abort/NULL), taking ownership. */
void error_propagate(Error **dst_errp, Error *local_err);
const char *error_get_pretty(const Error *err);
void error_free(Error *err);
/* Print the error as "kestrel: <msg>" on stderr and free it. */
void error_report_err(Error *err);
/* -msg timestamp=on: prefix every reported message with the UTC time (ISO 8601). */
void error_set_timestamps(bool on);
/* The name error messages start with ("kestrel" unless set: main sets its binary's). */
void error_set_progname(const char *name);
/* Print "kestrel: <msg>" on stderr. */
void error_report(const char *fmt, ...) PRINTF_FMT(1, 2);
void warn_report(const char *fmt, ...) PRINTF_FMT(1, 2);

#endif
