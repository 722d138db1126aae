/*
 * Running a stream natively on the host (x86-64, user mode) for the differential test:
 * the third opinion where the interpreter and the JIT agree with each other.
 */
#ifndef TESTS_DIFFTEST_X86_HOST_H
#define TESTS_DIFFTEST_X86_HOST_H

#include <stdbool.h>
#include <stdint.h>

#include "gen.h"

typedef struct HostRegs {
    uint64_t r[16]; /* rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
    uint64_t flags; /* in: RFLAGS; out: the arithmetic flags only */
} HostRegs;

/* Map the stream's pages at their addresses (gen.h) and build the stubs; false if taken. */
bool host_init(void);

/*
 * Run a stream (XG_CODE_MAX bytes of code) from regs with the stack's and the first three
 * window pages' contents; regs gets the result. Returns 0, or the signal the stream took.
 */
int host_run(const uint8_t *code, const uint8_t *stack, const uint8_t *window, HostRegs *regs);

/* The memory after host_run (window: its first three pages). */
const uint8_t *host_window(void);
const uint8_t *host_stack(void);
const uint8_t *host_code(void);

#endif
