/*
 * Small helpers every Kestrel file may use: fixed-width types, guest physical
 * addresses, allocation that never returns NULL, and a few macros.
 */
#ifndef KESTREL_COMMON_H
#define KESTREL_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A guest physical address (or an offset inside a MemoryRegion). */
typedef uint64_t hwaddr;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))
#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)
#define ALIGN_UP(x, a) (((x) + (a)-1) & ~((uint64_t)(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define PRINTF_FMT(a, b) __attribute__((format(printf, a, b)))

/* Allocation: abort with a message on out-of-memory (a host error we cannot recover from). */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) PRINTF_FMT(1, 2);
#define xnew0(type, n) ((type *)xzalloc(sizeof(type) * (n)))

/* Extract/deposit bit fields (len bits starting at start). */
static inline uint64_t extract64(uint64_t v, int start, int len)
{
    return (v >> start) & (~0ULL >> (64 - len));
}
static inline int64_t sextract64(uint64_t v, int start, int len)
{
    return ((int64_t)(v << (64 - len - start))) >> (64 - len);
}
static inline uint64_t deposit64(uint64_t v, int start, int len, uint64_t field)
{
    uint64_t mask = (~0ULL >> (64 - len)) << start;
    return (v & ~mask) | ((field << start) & mask);
}

#endif
