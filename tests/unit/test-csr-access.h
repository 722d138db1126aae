/*
 * CSR reads and writes that must succeed, for the hart unit tests (test-csr, test-hyp,
 * test-aia-guest). Each of those files tests one hart, `cpu` and its `env`: the header
 * declares them, and hart_setup (or the file's own setup) creates them. Include after
 * <cmocka.h>.
 */
#ifndef TESTS_UNIT_TEST_CSR_ACCESS_H
#define TESTS_UNIT_TEST_CSR_ACCESS_H

#include "target/riscv/cpu.h"

static RISCVCPU *cpu;
static CPURISCVState *env;

/* A plain rv64 hart, reset, per test. */
static inline int hart_setup(void **state)
{
    cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    env = &cpu->env;
    riscv_cpu_reset(cpu);
    return 0;
}

static inline int hart_teardown(void **state)
{
    object_unref(OBJECT(cpu));
    return 0;
}

static uint64_t csr_read(int csrno)
{
    uint64_t val;

    assert_int_equal(riscv_csrrw(env, csrno, &val, 0, 0), RISCV_EXCP_NONE);
    return val;
}

static void csr_write(int csrno, uint64_t val)
{
    assert_int_equal(riscv_csrrw(env, csrno, NULL, val, ~0ULL), RISCV_EXCP_NONE);
}

#endif
