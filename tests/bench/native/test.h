/*
 * bench.c built for the host (scripts/bench phases): the two calls it makes of the guest
 * library (tests/guest/lib/test.h), on the host. clint_mtime counts 10 MHz ticks, as the
 * virt board's CLINT does, so every build prints its phases in the same unit.
 */
#ifndef BENCH_NATIVE_TEST_H
#define BENCH_NATIVE_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#define uart_printf printf

static inline uint64_t clint_mtime(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 10000000u + (uint64_t)t.tv_nsec / 100;
}

#endif
