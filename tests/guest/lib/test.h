/*
 * Guest test library: result reporting, UART output, CSR access and trap
 * bookkeeping for bare-metal tests on the virt board.
 *
 * A test's main() returns 0 (pass) or calls test_fail()/CHECK*().  A failed
 * check prints its number, file, line and values on the UART and exits
 * through sifive_test with (number << 16) | 0x3333, so the emulator's exit
 * status names the check.  Check numbers come from __COUNTER__ and must stay
 * at or below MAX_CHECK_CODE (asserted by TEST_END_CHECKS()).
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include "riscv_defs.h"
#include <stddef.h>
#include <stdint.h>

struct trap_frame {
    unsigned long regs[32]; /* x0..x31 at the trap; x2 is the interrupted sp */
    unsigned long cause;
    unsigned long epc; /* written back on return: edit to redirect */
    unsigned long tval;
    unsigned long status; /* mstatus/sstatus, written back on return */
};

enum { REG_RA = 1, REG_SP = 2, REG_A0 = 10, REG_A1 = 11, REG_A7 = 17 };

/* What the last trap taken through the default handlers looked like. */
struct trap_record {
    unsigned long count; /* traps recorded so far */
    unsigned long cause;
    unsigned long epc;
    unsigned long tval;
    unsigned long status; /* mstatus/sstatus as seen on entry */
    char handler;         /* 'M' or 'S': which mode took the trap */
};

extern volatile struct trap_record last_trap;
extern volatile int trap_expect;            /* EXPECT_*, reset to NONE after one trap */
extern volatile unsigned long trap_goto_pc; /* for EXPECT_GOTO */

/* Optional hooks run first; return nonzero when the trap was handled. */
typedef int (*trap_hook_t)(struct trap_frame *f);
extern volatile trap_hook_t m_trap_hook, s_trap_hook;

void test_pass(void) __attribute__((noreturn));
void test_fail(unsigned code) __attribute__((noreturn));
void check_failed(unsigned n, const char *file, int line, const char *what, int has_values,
                  unsigned long got, unsigned long want) __attribute__((noreturn));

void uart_putc(char c);
void uart_puts(const char *s);
void uart_printf(const char *fmt, ...); /* %s %c %d %u %x %lx %lu %ld %p, no widths */

/*
 * Run fn(arg) in U-mode (PRV_U) or S-mode (PRV_S) through MRET and return
 * its result in M-mode.  fn returns into an ecall stub (or calls
 * mode_exit(value)); stack = NULL keeps the current stack.  mstatus.MPP is
 * changed; MIE is 0 afterwards.  Not reentrant.
 */
long run_in_mode(int mode, long (*fn)(long), long arg, void *stack);
void mode_exit(long value) __attribute__((noreturn));
/* From an M-mode trap hook: drop the trap and make the innermost
 * run_in_mode() return value (in M-mode). */
void resume_m_context(long value) __attribute__((noreturn));
/* From an S-mode trap hook: pass a delegated exit ecall on to M-mode (lib/crt.S). */
void forward_exit_to_m(long value) __attribute__((noreturn));
/* Is f the ecall that ends run_in_mode() (from U, S, or with H from VS/VU)? */
int is_exit_ecall(struct trap_frame *f);
/* H: run_in_mode() with V=1: fn(arg) in VS (PRV_S) or VU (PRV_U). */
long run_in_virt_mode(int mode, long (*fn)(long), long arg, void *stack);
/* EXPECT_GOTO target for a faulting leaf probe run in M-mode with MPRV set:
 * clears MPRV and returns TRAP_RET_VALUE from the probe. */
extern char mprv_fault_return[];

/* PMP entry 0: NAPOT over the whole physical space, RWX.  S/U-mode code
 * cannot run until some PMP entry allows it. */
void pmp_allow_all(void);
void clear_last_trap(void);
/* Silence interrupt source irq (mtimecmp/stimecmp = -1, msip = 0, clear
 * SSIP) from the handler of mode 'M' or 'S'. */
void quiesce_interrupt(unsigned long irq, char handler);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            check_failed(__COUNTER__ + 1, __FILE__, __LINE__, #cond, 0, 0, 0);                     \
    } while (0)

#define CHECK_EQ(got, want)                                                                        \
    do {                                                                                           \
        unsigned long __g = (unsigned long)(got), __w = (unsigned long)(want);                     \
        if (__g != __w)                                                                            \
            check_failed(__COUNTER__ + 1, __FILE__, __LINE__, #got " == " #want, 1, __g, __w);     \
    } while (0)

/* Checks that the last trap had this cause, epc and tval and was taken in 'M'/'S'. */
#define CHECK_TRAP(handler_, cause_, epc_, tval_)                                                  \
    do {                                                                                           \
        CHECK_EQ(last_trap.handler, handler_);                                                     \
        CHECK_EQ(last_trap.cause, cause_);                                                         \
        CHECK_EQ(last_trap.epc, epc_);                                                             \
        CHECK_EQ(last_trap.tval, tval_);                                                           \
    } while (0)

/* Put at the end of a test file: keeps exit codes distinct and below 240. */
#define TEST_END_CHECKS() _Static_assert(__COUNTER__ <= MAX_CHECK_CODE, "too many checks")

#define CSR_STR_(x) #x
#define CSR_STR(x) CSR_STR_(x)

#define csr_read(csr)                                                                              \
    ({                                                                                             \
        unsigned long __v;                                                                         \
        asm volatile("csrr %0, " CSR_STR(csr) : "=r"(__v)::"memory");                              \
        __v;                                                                                       \
    })
/* static long fn(long): returns csr's value; a probe for run_in_mode/run_in_virt_mode. */
#define CSR_READER(fn, csr)                                                                        \
    static long fn(long arg)                                                                       \
    {                                                                                              \
        (void)arg;                                                                                 \
        return (long)csr_read(csr);                                                                \
    }
#define csr_write(csr, val)                                                                        \
    asm volatile("csrw " CSR_STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_set(csr, val)                                                                          \
    asm volatile("csrs " CSR_STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val)                                                                        \
    asm volatile("csrc " CSR_STR(csr) ", %0" ::"rK"((unsigned long)(val)) : "memory")
#define csr_swap(csr, val)                                                                         \
    ({                                                                                             \
        unsigned long __v;                                                                         \
        asm volatile("csrrw %0, " CSR_STR(csr) ", %1"                                              \
                     : "=r"(__v)                                                                   \
                     : "rK"((unsigned long)(val))                                                  \
                     : "memory");                                                                  \
        __v;                                                                                       \
    })

#define mmio_read32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define mmio_write32(a, v) (*(volatile uint32_t *)(uintptr_t)(a) = (v))
#define mmio_read64(a) (*(volatile uint64_t *)(uintptr_t)(a))
#define mmio_write64(a, v) (*(volatile uint64_t *)(uintptr_t)(a) = (v))

static inline void fence(void)
{
    asm volatile("fence" ::: "memory");
}
static inline void fence_i(void)
{
    asm volatile("fence.i" ::: "memory");
}
static inline void sfence_vma(void)
{
    asm volatile("sfence.vma" ::: "memory");
}

static inline uint64_t clint_mtime(void)
{
    return mmio_read64(CLINT_MTIME);
}

/* Set up a one-shot expectation for the next trap. */
static inline void expect_trap(int how)
{
    clear_last_trap();
    trap_expect = how;
}

#endif
