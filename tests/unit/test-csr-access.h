/*
 * CSR reads and writes that must succeed, for the hart unit tests (test-csr, test-hyp,
 * test-aia-guest). Each of those files tests one hart, `env`: the header declares it and
 * the file's setup creates it. Include after <cmocka.h>.
 */
#ifndef TESTS_UNIT_TEST_CSR_ACCESS_H
#define TESTS_UNIT_TEST_CSR_ACCESS_H

#include "target/riscv/cpu.h"

static CPURISCVState *env;

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
