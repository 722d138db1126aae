/*
 * Host helpers declared in common.h: allocation that never returns NULL.
 *
 * Running out of host memory is a host error we cannot recover from in the middle of
 * building a machine or translating a block, so every allocation either succeeds or ends
 * the process with a message naming the request.
 */

#include <stdarg.h>

#include "common.h"

static void out_of_memory(size_t size)
{
    fprintf(stderr, "kestrel: out of memory allocating %zu bytes\n", size);
    abort();
}

void *xmalloc(size_t size)
{
    /* malloc(0) may return NULL, which callers would mistake for failure. */
    void *p = malloc(size ? size : 1);
    if (!p) {
        out_of_memory(size);
    }
    return p;
}

void *xzalloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p) {
        out_of_memory(size);
    }
    return p;
}

void *xrealloc(void *p, size_t size)
{
    /* realloc(p, 0) may free p and return NULL; keep one byte so p stays valid. */
    void *q = realloc(p, size ? size : 1);
    if (!q) {
        out_of_memory(size);
    }
    return q;
}

char *xstrdup(const char *s)
{
    size_t len = strlen(s) + 1;
    char *p = xmalloc(len);
    memcpy(p, s, len);
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    int len = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (len < 0) {
        out_of_memory(strlen(fmt));
    }
    return s;
}
