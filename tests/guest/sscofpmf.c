/*
 * Sscofpmf 1.0 with -cpu max (expected values from the spec: QEMU 7.2, with
 * rv64,h=false,sscofpmf=on, counts host ticks for these events (7413 for the
 * 11 instructions of count_ten) and keeps VSINH/VUINH writable, so it is not
 * compared):
 *  - mhpmcounter3 with event 2 (instructions) counts retired instructions;
 *    mcountinhibit and mhpmevent.MINH/SINH stop it in the modes they name
 *  - going from all ones to 0 sets mhpmevent.OF and raises LCOFI (interrupt
 *    13) in M; OF shows in scountovf (below M only for counters mcounteren
 *    enables); a counter whose OF is set raises no second interrupt
 *  - delegated through mideleg bit 13 the interrupt goes to S, where sip/sie
 *    show bit 13 and sip clears it
 *  - VSINH and VUINH are read-only zero (no H)
 */
#include "test.h"

#define CSR_SCOUNTOVF 0xda0
#define CSR_MHPMEVENT3 0x323
#define CSR_MHPMCOUNTER3 0xb03
#define EV_INSTRUCTIONS 2UL
#define OF (1UL << 63)
#define MINH (1UL << 62)
#define SINH (1UL << 61)
#define UINH (1UL << 60)
#define VSINH (1UL << 59)
#define VUINH (1UL << 58)
#define IRQ_LCOF 13
#define MIP_LCOFIP (1UL << IRQ_LCOF)

static volatile unsigned long lcofi_seen, lcofi_mode, lcofi_ovf;

static int m_hook(struct trap_frame *f)
{
    if (f->cause != (CAUSE_INTERRUPT | IRQ_LCOF))
        return 0;
    lcofi_seen++;
    lcofi_mode = 'M';
    lcofi_ovf = csr_read(CSR_SCOUNTOVF);
    csr_clear(mip, MIP_LCOFIP);
    return 1;
}

static int s_hook(struct trap_frame *f)
{
    if (f->cause != (CAUSE_INTERRUPT | IRQ_LCOF))
        return 0;
    lcofi_seen++;
    lcofi_mode = 'S';
    lcofi_ovf = csr_read(CSR_SCOUNTOVF) | (csr_read(sip) & MIP_LCOFIP);
    csr_clear(sip, MIP_LCOFIP);
    return 1;
}

/* Ten straight-line instructions between two counter reads. */
static unsigned long count_ten(void)
{
    unsigned long a, b;
    asm volatile("csrr %0, 0xb03\n"
                 "nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n nop\n"
                 "csrr %1, 0xb03"
                 : "=r"(a), "=r"(b));
    return b - a;
}

static void spin_until_lcofi(unsigned long limit)
{
    for (volatile unsigned long i = 0; i < limit && !lcofi_seen; i++)
        ;
}

static void test_counting(void)
{
    csr_write(CSR_MHPMEVENT3, EV_INSTRUCTIONS | VSINH | VUINH);
    CHECK_EQ(csr_read(CSR_MHPMEVENT3), EV_INSTRUCTIONS);
    CHECK_EQ(count_ten(), 11); /* the ten nops and the first csrr */
    csr_set(mcountinhibit, 1UL << 3);
    CHECK_EQ(count_ten(), 0);
    csr_clear(mcountinhibit, 1UL << 3);
    csr_write(CSR_MHPMEVENT3, EV_INSTRUCTIONS | MINH);
    CHECK_EQ(count_ten(), 0);
    /* An event the hart does not count: the counter keeps what is written. */
    csr_write(CSR_MHPMEVENT3, 0x10019);
    csr_write(CSR_MHPMCOUNTER3, 77);
    CHECK_EQ(count_ten(), 0);
    CHECK_EQ(csr_read(CSR_MHPMCOUNTER3), 77);
}

static long s_spin(long limit)
{
    csr_set(sie, MIP_LCOFIP);
    csr_set(sstatus, MSTATUS_SIE);
    spin_until_lcofi((unsigned long)limit);
    csr_clear(sstatus, MSTATUS_SIE);
    return (long)csr_read(CSR_SCOUNTOVF);
}

static void test_overflow(void)
{
    m_trap_hook = m_hook;
    s_trap_hook = s_hook;
    CHECK_EQ(csr_read(CSR_SCOUNTOVF), 0);

    /* M: -1000 overflows after a thousand instructions, with M interrupts enabled. */
    csr_write(CSR_MHPMEVENT3, EV_INSTRUCTIONS);
    csr_write(CSR_MHPMCOUNTER3, -1000UL);
    csr_set(mie, MIP_LCOFIP);
    csr_set(mstatus, MSTATUS_MIE);
    spin_until_lcofi(1000000);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(lcofi_seen, 1);
    CHECK_EQ(lcofi_mode, 'M');
    CHECK_EQ(lcofi_ovf, 1UL << 3);
    CHECK(csr_read(CSR_MHPMEVENT3) & OF);
    CHECK(csr_read(CSR_MHPMCOUNTER3) < 1000000UL * 20);
    /* OF set: wrapping again raises nothing. */
    csr_write(CSR_MHPMCOUNTER3, -100UL);
    csr_set(mstatus, MSTATUS_MIE);
    spin_until_lcofi(10000);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(lcofi_seen, 1);
    CHECK_EQ(csr_read(mip) & MIP_LCOFIP, 0);

    /* S: delegated, counting only in S (MINH), seen through sip, masked by mcounteren. */
    lcofi_seen = 0;
    csr_write(mideleg, MIP_LCOFIP);
    /* (-cpu max has H: its VS-level bits 2, 6, 10 and 12 of mideleg are read-only one) */
    CHECK_EQ(csr_read(mideleg) & ~0x1444UL, MIP_LCOFIP);
    csr_write(CSR_MHPMEVENT3, EV_INSTRUCTIONS | MINH);
    csr_write(CSR_MHPMCOUNTER3, -2000UL);
    csr_write(mcounteren, 0);
    CHECK_EQ(run_in_mode(PRV_S, s_spin, 1000000, 0), 0); /* OF hidden without mcounteren */
    CHECK_EQ(lcofi_seen, 1);
    CHECK_EQ(lcofi_mode, 'S');
    CHECK_EQ(lcofi_ovf, MIP_LCOFIP); /* sip showed it; scountovf hid OF */
    csr_write(mcounteren, 1UL << 3);
    CHECK_EQ(run_in_mode(PRV_S, s_spin, 10, 0), 1UL << 3);
    csr_write(mideleg, 0);
    csr_clear(mie, MIP_LCOFIP);
    csr_write(CSR_MHPMEVENT3, 0);
}

int main(void)
{
    pmp_allow_all();
    test_counting();
    test_overflow();
    return 0;
}

TEST_END_CHECKS();
