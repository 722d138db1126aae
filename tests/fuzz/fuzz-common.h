/*
 * Shared by the libFuzzer harnesses of tests/fuzz: a reader that takes fixed-size fields off
 * the fuzzer's input (running out yields zeros, so every input is valid), an assertion that
 * aborts (libFuzzer saves the input that triggered it), and a guard that checks the memory
 * core's promise to MMIO handlers.
 *
 * Build: make fuzz-build (clang, -fsanitize=fuzzer,address,undefined, objects in build-fuzz/).
 */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common.h"
#include "system/memory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: on failure print what and where, then abort. */
#define FUZZ_CHECK(cond, ...)                                                                      \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__, __LINE__, #cond);           \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

typedef struct FuzzIn {
    const uint8_t *p;
    size_t left;
} FuzzIn;

static inline uint64_t fuzz_take(FuzzIn *in, unsigned bytes)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        if (in->left) {
            v |= (uint64_t)*in->p++ << (8 * i);
            in->left--;
        }
    }
    return v;
}

static inline uint8_t fuzz_u8(FuzzIn *in)
{
    return fuzz_take(in, 1);
}

static inline uint16_t fuzz_u16(FuzzIn *in)
{
    return fuzz_take(in, 2);
}

static inline uint32_t fuzz_u32(FuzzIn *in)
{
    return fuzz_take(in, 4);
}

static inline uint64_t fuzz_u64(FuzzIn *in)
{
    return fuzz_take(in, 8);
}

/* A NUL-terminated copy of the rest of the input (the caller frees it). */
static inline char *fuzz_rest_str(FuzzIn *in)
{
    char *s = malloc(in->left + 1);

    memcpy(s, in->p, in->left);
    s[in->left] = '\0';
    in->p += in->left;
    in->left = 0;
    return s;
}

/* A path whose file holds exactly data (one memfd per process, rewritten on each call), for
 * the loaders that take file names. */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];

    if (fd < 0) {
        fd = memfd_create("fuzz-input", 0);
        FUZZ_CHECK(fd >= 0, "memfd_create");
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0 && pwrite(fd, data, size, 0) == (ssize_t)size, "memfd write");
    return path;
}

/*
 * MemoryRegionOps promise (system/memory.c): a handler sees only accesses of a size within its
 * impl range (defaults 1..4), aligned to that size and inside the region. The guard sits
 * between the core and the device's handlers and checks that on every call.
 */
typedef struct FuzzMmioGuard {
    MemoryRegionOps ops; /* the device's ops with read/write pointing here */
    const MemoryRegionOps *orig;
    void *orig_opaque;
    MemoryRegion *mr;
} FuzzMmioGuard;

static inline void fuzz_guard_check(FuzzMmioGuard *g, hwaddr addr, unsigned size)
{
    unsigned min = g->orig->impl.min_access_size ? g->orig->impl.min_access_size : 1;
    unsigned max = g->orig->impl.max_access_size ? g->orig->impl.max_access_size : 4;

    FUZZ_CHECK(size >= min && size <= max, "%s: handler got size %u (impl %u..%u)", g->mr->name,
               size, min, max);
    FUZZ_CHECK(!(addr & (size - 1)), "%s: handler got unaligned 0x%llx/%u", g->mr->name,
               (unsigned long long)addr, size);
    FUZZ_CHECK(addr < g->mr->size && size <= g->mr->size - addr,
               "%s: handler got 0x%llx/%u outside the region", g->mr->name,
               (unsigned long long)addr, size);
}

static inline uint64_t fuzz_guard_read(void *opaque, hwaddr addr, unsigned size)
{
    FuzzMmioGuard *g = opaque;

    fuzz_guard_check(g, addr, size);
    return g->orig->read(g->orig_opaque, addr, size);
}

static inline void fuzz_guard_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    FuzzMmioGuard *g = opaque;

    fuzz_guard_check(g, addr, size);
    g->orig->write(g->orig_opaque, addr, data, size);
}

/* Put a guard in front of mr's handlers (undo with fuzz_guard_remove before mr goes away). */
static inline FuzzMmioGuard *fuzz_guard_install(MemoryRegion *mr)
{
    FuzzMmioGuard *g = calloc(1, sizeof(*g));

    g->orig = mr->ops;
    g->orig_opaque = mr->opaque;
    g->mr = mr;
    g->ops = *mr->ops;
    g->ops.read = mr->ops->read ? fuzz_guard_read : NULL;
    g->ops.write = mr->ops->write ? fuzz_guard_write : NULL;
    mr->ops = &g->ops;
    mr->opaque = g;
    return g;
}

static inline void fuzz_guard_remove(FuzzMmioGuard *g)
{
    g->mr->ops = g->orig;
    g->mr->opaque = g->orig_opaque;
    free(g);
}

#endif
