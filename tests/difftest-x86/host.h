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

/* Where a stream that took a signal stopped: the CPU's exception, as the kernel saw it. */
typedef struct HostFault {
    int vector;   /* the exception (14 #PF, 13 #GP, 0 #DE, 6 #UD, ...) */
    uint64_t rip; /* of the faulting instruction */
    uint64_t err; /* the error code, with the user-mode bit (#PF: 4) the host adds */
    uint64_t cr2; /* #PF: the address that faulted */
} HostFault;

/* The arithmetic flags (CF PF AF ZF SF OF), where host_run's flags keep them. */
#define HOST_ARITH_FLAGS 0x8d5ULL

/* Map the stream's pages at their addresses (gen.h) and build the stubs; false if taken. */
bool host_init(void);

/*
 * Run a stream (XG_CODE_MAX bytes of code) from regs with the stack's and the first three
 * window pages' contents; regs gets the result: at XG_END, or at the instruction that
 * faulted (the registers the signal's context holds, which on a fault are the state before
 * that instruction), with *fault saying where and why. Returns 0, or the signal the stream
 * took (SIGSEGV, SIGBUS, SIGFPE, SIGILL).
 */
int host_run(const uint8_t *code, const uint8_t *stack, const uint8_t *window, HostRegs *regs,
             HostFault *fault);

/* The memory after host_run (window: its first three pages). */
const uint8_t *host_window(void);
const uint8_t *host_stack(void);
const uint8_t *host_code(void);

#endif
