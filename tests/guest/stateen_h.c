/*
 * Smstateen with H and the AIA (Smstateen 1.0; AIA 1.0, 2.5), run with -cpu max on
 * -M virt,aia=aplic-imsic: mstateen0 holds SE0, ENVCFG and, with Ssaia, CSRIND, AIA and
 * IMSIC (bits 60..58); hstateen0..3 exist with H and hold what mstateen lets them (a bit
 * M withholds reads zero). Below M, a state whose mstateen0 bit is clear is illegal; in
 * VS-mode a state M allows but hstateen0 withholds raises a virtual-instruction exception.
 * QEMU 7.2 has no Smstateen: the expected values are the specs'.
 *
 * CSRs are named by number: the assembler need not know H or the AIA.
 */
#include "test.h"

#define CSR_SENVCFG 0x10a
#define CSR_SISELECT 0x150
#define CSR_STOPEI 0x15c
#define CSR_STOPI 0xdb0
#define CSR_MSTATEEN0 0x30c
#define CSR_HSTATEEN0 0x60c
#define CSR_HSTATEEN3 0x60f

#define STATEEN_SE (1UL << 63)
#define STATEEN0_ENVCFG (1UL << 62)
#define STATEEN0_CSRIND (1UL << 60)
#define STATEEN0_AIA (1UL << 59)
#define STATEEN0_IMSIC (1UL << 58)
#define STATEEN0_ALL (STATEEN_SE | STATEEN0_ENVCFG | STATEEN0_CSRIND | STATEEN0_AIA | STATEEN0_IMSIC)

static char stack[4096] __attribute__((aligned(16)));

CSR_READER(read_stopi, CSR_STOPI)
CSR_READER(read_siselect, CSR_SISELECT)
CSR_READER(read_stopei, CSR_STOPEI)
CSR_READER(read_senvcfg, CSR_SENVCFG)
CSR_READER(read_hstateen0, CSR_HSTATEEN0)

/* Run fn in HS (virt = 0) or VS (virt = 1) and return the cause of its trap (0: none). */
static unsigned long cause_of(int virt, long (*fn)(long))
{
    expect_trap(EXPECT_SKIP);
    if (virt)
        run_in_virt_mode(PRV_S, fn, 0, stack + sizeof(stack));
    else
        run_in_mode(PRV_S, fn, 0, stack + sizeof(stack));
    unsigned long cause = last_trap.cause;
    expect_trap(EXPECT_NONE);
    return cause;
}

static void check_registers(void)
{
    CHECK_EQ(csr_read(CSR_MSTATEEN0), 0);
    csr_write(CSR_MSTATEEN0, -1UL);
    CHECK_EQ(csr_read(CSR_MSTATEEN0), STATEEN0_ALL);
    csr_write(CSR_HSTATEEN0, -1UL);
    CHECK_EQ(csr_read(CSR_HSTATEEN0), STATEEN0_ALL);
    csr_write(CSR_HSTATEEN3, -1UL);
    CHECK_EQ(csr_read(CSR_HSTATEEN3), 0); /* mstateen3.SE is clear */
    /* what M withholds from HS reads zero for VS */
    csr_write(CSR_MSTATEEN0, STATEEN_SE | STATEEN0_ENVCFG);
    CHECK_EQ(csr_read(CSR_HSTATEEN0), STATEEN_SE | STATEEN0_ENVCFG);
    csr_write(CSR_HSTATEEN0, -1UL);
    CHECK_EQ(csr_read(CSR_HSTATEEN0), STATEEN_SE | STATEEN0_ENVCFG);
}

static void check_hs_gates(void)
{
    /* mstateen0 = SE | ENVCFG: the AIA CSRs are illegal in HS, hstateen0 readable */
    CHECK_EQ(cause_of(0, read_stopi), CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(cause_of(0, read_siselect), CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(cause_of(0, read_stopei), CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(cause_of(0, read_hstateen0), 0);
    csr_write(CSR_MSTATEEN0, STATEEN0_ENVCFG | STATEEN0_AIA);
    CHECK_EQ(cause_of(0, read_hstateen0), CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(cause_of(0, read_stopi), 0);
    CHECK_EQ(cause_of(0, read_siselect), CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(CSR_MSTATEEN0, STATEEN0_ALL);
    CHECK_EQ(cause_of(0, read_siselect), 0);
    CHECK_EQ(cause_of(0, read_stopei), 0);
}

static void check_vs_gates(void)
{
    /* M allows everything; hstateen0 withholds the AIA state and senvcfg from VS */
    csr_write(CSR_HSTATEEN0, STATEEN_SE);
    CHECK_EQ(cause_of(1, read_stopi), CAUSE_VIRTUAL_INSTRUCTION);
    CHECK_EQ(cause_of(1, read_siselect), CAUSE_VIRTUAL_INSTRUCTION);
    CHECK_EQ(cause_of(1, read_senvcfg), CAUSE_VIRTUAL_INSTRUCTION);
    csr_write(CSR_HSTATEEN0, STATEEN0_ALL);
    CHECK_EQ(cause_of(1, read_stopi), 0);
    CHECK_EQ(cause_of(1, read_siselect), 0);
    CHECK_EQ(cause_of(1, read_senvcfg), 0);
    /* M's gate comes first: illegal, not virtual, when mstateen0 lacks the bit */
    csr_write(CSR_MSTATEEN0, STATEEN_SE);
    CHECK_EQ(cause_of(1, read_stopi), CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(CSR_MSTATEEN0, STATEEN0_ALL);
}

int main(void)
{
    pmp_allow_all();
    CHECK(csr_read(misa) & (1UL << ('H' - 'A')));
    check_registers();
    check_hs_gates();
    check_vs_gates();
    return 0;
}

TEST_END_CHECKS();
