/*
 * Guest test library: sifive_test exit, ns16550a output, default trap
 * handlers.  See test.h for the contract.
 */
#include "test.h"
#include <stdarg.h>

volatile struct trap_record last_trap;
volatile int trap_expect;
volatile unsigned long trap_goto_pc;
volatile trap_hook_t m_trap_hook, s_trap_hook;

unsigned read_insn_parcel_m(unsigned long epc);
unsigned read_insn_parcel_s(unsigned long epc);

void uart_putc(char c)
{
    volatile uint8_t *uart = (volatile uint8_t *)VIRT_UART0_BASE;
    while (!(uart[UART_LSR] & UART_LSR_THRE))
        ;
    uart[UART_THR] = (uint8_t)c;
}

void uart_puts(const char *s)
{
    while (*s) {
        if (*s == '\n')
            uart_putc('\r');
        uart_putc(*s++);
    }
}

static void put_unsigned(unsigned long v, unsigned base)
{
    char buf[24];
    int i = 0;
    do {
        unsigned d = v % base;
        buf[i++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    while (i)
        uart_putc(buf[--i]);
}

void uart_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            if (*fmt == '\n')
                uart_putc('\r');
            uart_putc(*fmt);
            continue;
        }
        fmt++;
        int is_long = 0;
        while (*fmt == 'l') {
            is_long = 1;
            fmt++;
        }
        switch (*fmt) {
        case 's':
            uart_puts(va_arg(ap, const char *));
            break;
        case 'c':
            uart_putc((char)va_arg(ap, int));
            break;
        case 'd': {
            long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            if (v < 0) {
                uart_putc('-');
                v = -v;
            }
            put_unsigned((unsigned long)v, 10);
            break;
        }
        case 'u':
            put_unsigned(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 10);
            break;
        case 'p':
            is_long = 1;
            /* fall through */
        case 'x':
            uart_puts("0x");
            put_unsigned(is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned), 16);
            break;
        case '%':
            uart_putc('%');
            break;
        default:
            uart_putc('?');
            break;
        }
    }
    va_end(ap);
}

void test_pass(void)
{
    uart_puts("PASS\n");
    mmio_write32(VIRT_TEST_BASE, FINISHER_PASS);
    for (;;)
        asm volatile("wfi");
}

void test_fail(unsigned code)
{
    /* The host sees only the low 8 bits of the exit status: never let a
     * failure read as 0 (pass). */
    if ((code & 0xff) == 0)
        code = FAIL_INFRA;
    uart_printf("FAIL %u\n", code);
    mmio_write32(VIRT_TEST_BASE, (code << 16) | FINISHER_FAIL);
    for (;;)
        asm volatile("wfi");
}

void check_failed(unsigned n, const char *file, int line, const char *what, int has_values,
                  unsigned long got, unsigned long want)
{
    uart_printf("check %u failed at %s:%d: %s\n", n, file, line, what);
    if (has_values)
        uart_printf("  got %lx, expected %lx\n", got, want);
    test_fail(n);
}

/* Called from assembly tests: a0 = check number, a1 = source line,
 * a2 = value found, a3 = value expected. */
void asm_check_failed(unsigned n, int line, unsigned long got, unsigned long want)
    __attribute__((noreturn));
void asm_check_failed(unsigned n, int line, unsigned long got, unsigned long want)
{
    uart_printf("check %u failed at line %d: got %lx, expected %lx\n", n, line, got, want);
    test_fail(n);
}

void clear_last_trap(void)
{
    last_trap.cause = last_trap.epc = last_trap.tval = last_trap.status = 0;
    last_trap.handler = 0;
}

void pmp_allow_all(void)
{
    /* NAPOT with all address bits set covers the whole physical space */
    csr_write(pmpaddr0, -1UL);
    csr_write(pmpcfg0, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X);
}

/* Silence the source of an expected interrupt so returning does not retake it. */
void quiesce_interrupt(unsigned long irq, char handler)
{
    switch (irq) {
    case IRQ_M_SOFT:
        mmio_write32(CLINT_MSIP, 0);
        break;
    case IRQ_M_TIMER:
        mmio_write64(CLINT_MTIMECMP, -1UL);
        break;
    case IRQ_S_SOFT:
        if (handler == 'M')
            csr_clear(mip, MIP_SSIP);
        else
            csr_clear(sip, MIP_SSIP);
        break;
    case IRQ_S_TIMER:
        /* Sstc: STIP follows stimecmp; without STCE M-mode owns mip.STIP */
        csr_write(0x14d, -1UL);
        if (handler == 'M')
            csr_clear(mip, MIP_STIP);
        break;
    default:
        break;
    }
}

static unsigned insn_length(unsigned long epc, char handler)
{
    unsigned parcel = handler == 'M' ? read_insn_parcel_m(epc) : read_insn_parcel_s(epc);
    return (parcel & 3) == 3 ? 4 : 2;
}

static void take_expected(struct trap_frame *f, char handler)
{
    int how = trap_expect;
    int is_irq = (long)f->cause < 0;

    last_trap.count++;
    last_trap.cause = f->cause;
    last_trap.epc = f->epc;
    last_trap.tval = f->tval;
    last_trap.status = f->status;
    last_trap.handler = handler;

    if (how == EXPECT_NONE || (is_irq != (how == EXPECT_INTR))) {
        uart_printf("unexpected %s in %c-mode handler: cause %lx epc %lx tval %lx\n",
                    is_irq ? "interrupt" : "exception", handler, f->cause, f->epc, f->tval);
        test_fail(FAIL_UNEXPECTED_TRAP);
    }
    trap_expect = EXPECT_NONE;
    switch (how) {
    case EXPECT_SKIP:
        f->epc += insn_length(f->epc, handler);
        break;
    case EXPECT_RET:
        f->epc = f->regs[REG_RA];
        f->regs[REG_A0] = TRAP_RET_VALUE;
        break;
    case EXPECT_GOTO:
        f->epc = trap_goto_pc;
        break;
    case EXPECT_INTR:
        quiesce_interrupt(f->cause & ~CAUSE_INTERRUPT, handler);
        break;
    }
}

int is_exit_ecall(struct trap_frame *f)
{
    return (f->cause == CAUSE_USER_ECALL || f->cause == CAUSE_SUPERVISOR_ECALL ||
            f->cause == CAUSE_VS_ECALL) &&
           f->regs[REG_A7] == ECALL_EXIT_MODE;
}

long run_in_virt_mode(int mode, long (*fn)(long), long arg, void *stack)
{
    long r;

    csr_set(mstatus, MSTATUS_MPV);
    r = run_in_mode(mode, fn, arg, stack);
    csr_clear(mstatus, MSTATUS_MPV);
    return r;
}

void trap_handler_m(struct trap_frame *f);
void trap_handler_m(struct trap_frame *f)
{
    if (m_trap_hook && m_trap_hook(f))
        return;
    if (is_exit_ecall(f))
        resume_m_context((long)f->regs[REG_A0]);
    take_expected(f, 'M');
}

void trap_handler_s(struct trap_frame *f);
void trap_handler_s(struct trap_frame *f)
{
    if (s_trap_hook && s_trap_hook(f))
        return;
    if (is_exit_ecall(f)) /* delegated U-mode ecall: pass the exit on */
        forward_exit_to_m((long)f->regs[REG_A0]);
    take_expected(f, 'S');
}
