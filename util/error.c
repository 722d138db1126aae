/*
 * Host and configuration errors (include/util/error.h).
 *
 * An Error carries a message and the source location that raised it. The two
 * sentinels error_fatal and error_abort are never written: their addresses tell
 * error_setg to end the process at once, so the message is printed where the
 * error happened rather than lost on the way up.
 */

#include <time.h>

#include "util/error.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>

/* The program the messages name, as QEMU's "qemu-system-x86_64: ..." (set once by main). */
static const char *progname = "kestrel";

void error_set_progname(const char *name)
{
    progname = name;
}

struct Error {
    char *msg;
    const char *file;
    int line;
};

Error *error_fatal;
Error *error_abort;

/* Deliver err to its destination: end the process for the sentinels, else store it. */
static void error_deliver(Error **errp, Error *err)
{
    if (errp == &error_abort) {
        fprintf(stderr, "%s: unexpected error at %s:%d: %s\n", progname, err->file, err->line,
                err->msg);
        abort();
    }
    if (errp == &error_fatal) {
        error_report_err(err);
        exit(1);
    }
    if (!errp) {
        error_free(err);
        return;
    }
    /* Setting an error twice loses the first one: a bug in the caller. */
    assert(*errp == NULL);
    *errp = err;
}

/* The message of fmt (fmt itself if the host cannot format it: no error is lost for that). */
static char *error_format(const char *fmt, va_list ap)
{
    char *msg;

    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = xstrdup(fmt);
    }
    return msg;
}

static Error *error_new(const char *file, int line, char *msg)
{
    Error *err = xzalloc(sizeof(*err));
    err->msg = msg;
    err->file = file;
    err->line = line;
    return err;
}

void error_setg_internal(Error **errp, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    msg = error_format(fmt, ap);
    va_end(ap);
    error_deliver(errp, error_new(file, line, msg));
}

void error_setg_errno_internal(Error **errp, const char *file, int line, int os_errno,
                               const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (!errp) {
        return;
    }
    va_start(ap, fmt);
    msg = error_format(fmt, ap);
    va_end(ap);
    char *full = xasprintf("%s: %s", msg, strerror(os_errno));
    free(msg);
    error_deliver(errp, error_new(file, line, full));
}

void error_prepend(Error **errp, const char *fmt, ...)
{
    va_list ap;
    char *prefix;

    if (!errp || !*errp) {
        return;
    }
    va_start(ap, fmt);
    prefix = error_format(fmt, ap);
    va_end(ap);
    Error *err = *errp;
    char *msg = xasprintf("%s%s", prefix, err->msg);
    free(prefix);
    free(err->msg);
    err->msg = msg;
}

void error_propagate(Error **dst_errp, Error *local_err)
{
    if (!local_err) {
        return;
    }
    /* Like QEMU, the first error wins: a later one is usually a consequence of it. */
    if (dst_errp && dst_errp != &error_fatal && dst_errp != &error_abort && *dst_errp) {
        error_free(local_err);
        return;
    }
    error_deliver(dst_errp, local_err);
}

const char *error_get_pretty(const Error *err)
{
    return err->msg;
}

void error_free(Error *err)
{
    if (err) {
        free(err->msg);
        free(err);
    }
}

/* -msg timestamp=on: a process-wide setting, like the log file (QEMU's message format). */
static bool message_with_timestamp;

void error_set_timestamps(bool on)
{
    message_with_timestamp = on;
}

/* "2026-12-06T05:37:38.772595Z " before a message under -msg timestamp=on, as QEMU. */
static void error_print_prefix(void)
{
    struct timespec ts;
    struct tm tm;
    char buf[32];

    if (!message_with_timestamp) {
        return;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(stderr, "%s.%06ldZ ", buf, ts.tv_nsec / 1000);
}

void error_report_err(Error *err)
{
    if (err) {
        error_print_prefix();
        fprintf(stderr, "%s: %s\n", progname, err->msg);
        error_free(err);
    }
}

void error_report(const char *fmt, ...)
{
    va_list ap;

    error_print_prefix();
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void warn_report(const char *fmt, ...)
{
    va_list ap;

    error_print_prefix();
    fprintf(stderr, "%s: warning: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
