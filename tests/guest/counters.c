/*
 * Counters (Unprivileged ISA "Zicntr"; Privileged ISA "Machine Counter-
 * Enable Register", "Machine Counter-Inhibit CSR"):
 *  - mcycle/minstret (and the cycle/instret shadows) advance; they are
 *    writable from M and continue from the written value
 *    (QEMU 7.2 derives both from host time, so no exact counts are checked)
 *  - time equals the CLINT's mtime
 *  - mcountinhibit.CY/IR stop mcycle/minstret
 *  - mcounteren gates cycle/time/instret/hpmcounterN for S and U,
 *    scounteren additionally for U; a gated read is an illegal instruction
 *    with mtval = the instruction; M is never gated
 */
#include "test.h"

asm(".pushsection .text.probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    "rd_cycle:   csrr a0, cycle\n ret\n"
    "rd_time:    csrr a0, time\n ret\n"
    "rd_instret: csrr a0, instret\n ret\n"
    "rd_hpm3:    csrr a0, hpmcounter3\n ret\n"
    ".option pop\n"
    ".popsection\n");
extern char rd_cycle[], rd_time[], rd_instret[], rd_hpm3[];

#define MARK 0x6d61726bUL

static void spin(void)
{
    for (volatile int i = 0; i < 20000; i++)
        ;
}

/* Read counter probe in mode; returns its value or MARK if it trapped */
static unsigned long read_in(int mode, char *probe)
{
    clear_last_trap();
    trap_expect = EXPECT_SKIP;
    long r = run_in_mode(mode, (long (*)(long))(uintptr_t)probe, (long)MARK, 0);
    if (trap_expect == EXPECT_NONE) {
        CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
        CHECK_EQ(last_trap.tval, *(volatile uint32_t *)probe);
        return MARK;
    }
    trap_expect = EXPECT_NONE;
    return (unsigned long)r;
}

static void test_advance(void)
{
    unsigned long c0 = csr_read(mcycle), i0 = csr_read(minstret);
    unsigned long u0 = csr_read(cycle), v0 = csr_read(instret);
    spin();
    CHECK(csr_read(mcycle) > c0);
    CHECK(csr_read(minstret) > i0);
    CHECK(csr_read(cycle) > u0);
    CHECK(csr_read(instret) > v0);

    uint64_t m0 = clint_mtime();
    uint64_t t = csr_read(time);
    uint64_t m1 = clint_mtime();
    CHECK(t >= m0 && t <= m1);

    /* writable from M: continue from the written value */
    csr_write(mcycle, 0x100000000000UL);
    unsigned long c = csr_read(mcycle);
    CHECK(c >= 0x100000000000UL && c < 0x100000000000UL + 0x100000000UL);
    csr_write(minstret, 0x200000000000UL);
    unsigned long i = csr_read(minstret);
    CHECK(i >= 0x200000000000UL && i < 0x200000000000UL + 0x100000000UL);
    CHECK(csr_read(instret) >= 0x200000000000UL);
}

static void test_inhibit(void)
{
    csr_write(mcountinhibit, 1 | 4); /* CY and IR */
    unsigned long c0 = csr_read(mcycle), i0 = csr_read(minstret);
    spin();
    CHECK_EQ(csr_read(mcycle), c0);
    CHECK_EQ(csr_read(minstret), i0);
    csr_write(mcountinhibit, 0);
    spin();
    CHECK(csr_read(mcycle) != c0);
    CHECK(csr_read(minstret) != i0);
}

static void test_gating(void)
{
    /* S-mode: mcounteren alone */
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    CHECK_EQ(read_in(PRV_S, rd_cycle), MARK);
    CHECK_EQ(read_in(PRV_S, rd_time), MARK);
    CHECK_EQ(read_in(PRV_S, rd_instret), MARK);
    CHECK_EQ(read_in(PRV_S, rd_hpm3), MARK);
    csr_write(mcounteren, 1); /* CY only */
    CHECK(read_in(PRV_S, rd_cycle) != MARK);
    CHECK_EQ(read_in(PRV_S, rd_time), MARK);
    csr_write(mcounteren, 2); /* TM only */
    uint64_t m0 = clint_mtime();
    unsigned long t = read_in(PRV_S, rd_time);
    CHECK(t != MARK && t >= m0);
    CHECK_EQ(read_in(PRV_S, rd_instret), MARK);
    csr_write(mcounteren, 4); /* IR only */
    CHECK(read_in(PRV_S, rd_instret) != MARK);
    CHECK_EQ(read_in(PRV_S, rd_cycle), MARK);
    csr_write(mcounteren, 8); /* HPM3: implemented, reads 0 */
    CHECK_EQ(read_in(PRV_S, rd_hpm3), 0);

    /* U-mode: needs both mcounteren and scounteren */
    csr_write(mcounteren, 7);
    csr_write(scounteren, 0);
    CHECK_EQ(read_in(PRV_U, rd_cycle), MARK);
    CHECK_EQ(read_in(PRV_U, rd_time), MARK);
    csr_write(scounteren, 7);
    CHECK(read_in(PRV_U, rd_cycle) != MARK);
    CHECK(read_in(PRV_U, rd_time) != MARK);
    CHECK(read_in(PRV_U, rd_instret) != MARK);
    csr_write(mcounteren, 0); /* M's gate wins */
    CHECK_EQ(read_in(PRV_U, rd_cycle), MARK);
    CHECK_EQ(read_in(PRV_U, rd_instret), MARK);
    csr_write(mcounteren, 1);
    csr_write(scounteren, 4);
    CHECK_EQ(read_in(PRV_U, rd_cycle), MARK);
    CHECK_EQ(read_in(PRV_U, rd_instret), MARK);

    /* M is never gated */
    csr_write(mcounteren, 0);
    csr_write(scounteren, 0);
    CHECK(((unsigned long (*)(unsigned long))(uintptr_t)rd_cycle)(MARK) != MARK);
    CHECK(((unsigned long (*)(unsigned long))(uintptr_t)rd_time)(MARK) != MARK);
}

int main(void)
{
    pmp_allow_all();
    test_advance();
    test_inhibit();
    test_gating();
    return 0;
}

TEST_END_CHECKS();
