/*
 * A write to minstret or mcycle replaces the count, including the writing
 * instruction's own retirement (Privileged ISA 3.1.10 and Zicsr: "any CSR write
 * takes effect after the writing instruction has otherwise completed", so its
 * increment is overwritten). riscv-tests' rv64mi-p-instret_overflow relies on it:
 * minstret written with all ones reads back all ones, and one instruction later 0.
 * (Kestrel counts a cycle per instruction, so mcycle follows the same rule.)
 */
#include "test.h"

/* csrw minstret, val; then the next instruction reads it. */
static unsigned long write_then_read_instret(unsigned long val)
{
    unsigned long got;
    asm volatile("csrw minstret, %1\n\tcsrr %0, minstret" : "=&r"(got) : "r"(val));
    return got;
}

static unsigned long write_nop_read_instret(unsigned long val)
{
    unsigned long got;
    asm volatile("csrw minstret, %1\n\tnop\n\tcsrr %0, minstret" : "=&r"(got) : "r"(val));
    return got;
}

static unsigned long write_then_read_cycle(unsigned long val)
{
    unsigned long got;
    asm volatile("csrw mcycle, %1\n\tcsrr %0, mcycle" : "=&r"(got) : "r"(val));
    return got;
}

int main(void)
{
    CHECK_EQ(write_then_read_instret(1000), 1000);
    CHECK_EQ(write_nop_read_instret(1000), 1001);
    CHECK_EQ(write_then_read_instret(~0UL), ~0UL);
    CHECK_EQ(write_nop_read_instret(~0UL), 0);
    CHECK_EQ(write_then_read_cycle(5000), 5000);
    return 0;
}

TEST_END_CHECKS();
