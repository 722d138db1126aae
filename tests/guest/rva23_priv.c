/*
 * The RVA23 privileged additions, with -cpu max (QEMU 7.2 lacks them, so the
 * expected values come from the ratified specs):
 *  - Zicbom/Zicboz (CMO 1.0.1): cbo.zero zeroes its aligned 64-byte block
 *    and nothing else; below M the instructions need menvcfg (S) and also
 *    senvcfg (U) CBZE / CBCFE / CBIE (00: illegal, the reserved 10 reads 00);
 *    under translation a block no access may reach raises a *store* page
 *    fault with tval = the block's start, a read-only block is fine for
 *    cbo.clean but not for cbo.zero
 *  - Zawrs: wrs.nto is illegal below M while mstatus.TW is set; wrs.sto never
 *  - Smstateen/Ssstateen: mstateen0 keeps only SE0, ENVCFG and (Ssaia without
 *    an IMSIC on the plain board) CSRIND and AIA, mstateen1..3 only SE; S-mode
 *    reaches senvcfg only with ENVCFG, sstateenN only with SE
 *  - Svade + Svadu: menvcfg.ADUE resets to 0 when both are present, so a
 *    PTE without A page-faults; with ADUE set the walker sets A itself
 */
#include "vm.h"

#define CSR_SENVCFG 0x10a
#define CSR_MENVCFG 0x30a
#define CSR_SSTATEEN0 0x10c
#define CSR_SSTATEEN1 0x10d
#define CSR_MSTATEEN0 0x30c
#define CSR_MSTATEEN1 0x30d
#define ENVCFG_CBIE_FLUSH (1UL << 4)
#define ENVCFG_CBIE_RESERVED (2UL << 4)
#define ENVCFG_CBCFE (1UL << 6)
#define ENVCFG_CBZE (1UL << 7)
#define MENVCFG_ADUE (1UL << 61)
#define MENVCFG_PBMTE (1UL << 62)
#define STATEEN_SE (1UL << 63)
#define STATEEN0_ENVCFG (1UL << 62)
#define STATEEN0_CSRIND (1UL << 60)
#define STATEEN0_AIA (1UL << 59)

/* The instruction words, for the illegal-instruction tval (rs1 = a0). */
#define INSN_CBO_INVAL 0x0005200fUL
#define INSN_CBO_CLEAN 0x0015200fUL
#define INSN_CBO_ZERO 0x0045200fUL
#define INSN_WRS_NTO 0x00d00073UL
#define INSN_CSRR_SENVCFG 0x10a02573UL   /* csrr a0, senvcfg */
#define INSN_CSRR_SSTATEEN0 0x10c02573UL /* csrr a0, sstateen0 */

#define TEST_VA 0x200000000UL

static uint8_t block[256] __attribute__((aligned(64)));
static uint8_t page[PAGE_SIZE] __attribute__((aligned(4096)));

asm(".pushsection .text.rva23_probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    ".option arch, +zicbom, +zicboz, +zawrs\n"
    "probe_cbo_zero:  cbo.zero (a0)\n li a0, 0\n j mode_exit\n"
    "probe_cbo_clean: cbo.clean (a0)\n li a0, 0\n j mode_exit\n"
    "probe_cbo_flush: cbo.flush (a0)\n li a0, 0\n j mode_exit\n"
    "probe_cbo_inval: cbo.inval (a0)\n li a0, 0\n j mode_exit\n"
    "probe_wrs_nto:   wrs.nto\n li a0, 0\n j mode_exit\n"
    "probe_wrs_sto:   wrs.sto\n li a0, 0\n j mode_exit\n"
    "probe_senvcfg:   csrr a0, 0x10a\n j mode_exit\n"
    "probe_sstateen0: csrr a0, 0x10c\n j mode_exit\n"
    "probe_sstateen1: csrr a0, 0x10d\n j mode_exit\n"
    ".option pop\n"
    ".popsection\n");
extern char probe_cbo_zero[], probe_cbo_clean[], probe_cbo_flush[], probe_cbo_inval[];
extern char probe_wrs_nto[], probe_wrs_sto[], probe_senvcfg[], probe_sstateen0[],
    probe_sstateen1[];

/* The probe must trap with this cause and tval. */
static void trap_check(unsigned n, int line, int mode, char *probe, unsigned long arg,
                       unsigned long cause, unsigned long tval)
{
    unsigned long r = vm_access(mode, probe, arg);
    if (r != VM_FAULTED || last_trap.cause != cause || last_trap.tval != tval) {
        uart_printf("mode %d probe(%lx): result %lx cause %lx (want %lx) tval %lx (want %lx)\n",
                    mode, arg, r, last_trap.cause, cause, last_trap.tval, tval);
        check_failed(n, __FILE__, line, "trap expected", 0, 0, 0);
    }
}

static void ok_check(unsigned n, int line, int mode, char *probe, unsigned long arg)
{
    unsigned long r = vm_access(mode, probe, arg);
    if (r == VM_FAULTED) {
        uart_printf("mode %d probe(%lx): cause %lx tval %lx\n", mode, arg, last_trap.cause,
                    last_trap.tval);
        check_failed(n, __FILE__, line, "no trap expected", 0, 0, 0);
    }
}
#define TRAPS(mode, probe, arg, cause, tval)                                                       \
    trap_check(__COUNTER__ + 1, __LINE__, mode, probe, arg, cause, tval)
#define ILLEGAL(mode, probe, arg, insn) TRAPS(mode, probe, arg, CAUSE_ILLEGAL_INSTRUCTION, insn)
#define WORKS(mode, probe, arg) ok_check(__COUNTER__ + 1, __LINE__, mode, probe, arg)

static unsigned count_nonzero(const uint8_t *p, unsigned n)
{
    unsigned c = 0;
    for (unsigned i = 0; i < n; i++)
        c += p[i] != 0;
    return c;
}

static void test_cbo_zero_in_m(void)
{
    for (unsigned i = 0; i < sizeof(block); i++)
        block[i] = 0xa5;
    /* From the middle of the second block: bytes 64..127 only. */
    asm volatile(".option push\n .option arch, +zicboz\n cbo.zero (%0)\n .option pop" ::"r"(
                     block + 64 + 37)
                 : "memory");
    CHECK_EQ(count_nonzero(block, 64), 64);
    CHECK_EQ(count_nonzero(block + 64, 64), 0);
    CHECK_EQ(count_nonzero(block + 128, 128), 128);
    /* The management operations are no-ops on memory. */
    asm volatile(".option push\n .option arch, +zicbom\n cbo.clean (%0)\n cbo.flush (%0)\n"
                 " cbo.inval (%0)\n .option pop" ::"r"(block)
                 : "memory");
    CHECK_EQ(count_nonzero(block, 64), 64);
}

static void test_cbo_envcfg(void)
{
    unsigned long a = (unsigned long)block;

    csr_write(CSR_MENVCFG, 0);
    csr_write(CSR_SENVCFG, 0);
    ILLEGAL(PRV_S, probe_cbo_zero, a, INSN_CBO_ZERO);
    ILLEGAL(PRV_S, probe_cbo_clean, a, INSN_CBO_CLEAN);
    ILLEGAL(PRV_S, probe_cbo_inval, a, INSN_CBO_INVAL);
    /* CBIE = 10 is reserved: it reads back as 00. */
    csr_write(CSR_MENVCFG, ENVCFG_CBIE_RESERVED);
    CHECK_EQ(csr_read(CSR_MENVCFG), 0);
    csr_write(CSR_MENVCFG, ENVCFG_CBZE | ENVCFG_CBCFE | ENVCFG_CBIE_FLUSH);
    CHECK_EQ(csr_read(CSR_MENVCFG), ENVCFG_CBZE | ENVCFG_CBCFE | ENVCFG_CBIE_FLUSH);
    block[0] = 1;
    WORKS(PRV_S, probe_cbo_zero, a);
    CHECK_EQ(block[0], 0);
    WORKS(PRV_S, probe_cbo_clean, a);
    WORKS(PRV_S, probe_cbo_flush, a);
    WORKS(PRV_S, probe_cbo_inval, a);
    /* U also needs senvcfg. */
    ILLEGAL(PRV_U, probe_cbo_zero, a, INSN_CBO_ZERO);
    ILLEGAL(PRV_U, probe_cbo_clean, a, INSN_CBO_CLEAN);
    csr_write(CSR_SENVCFG, ENVCFG_CBZE | ENVCFG_CBCFE | ENVCFG_CBIE_FLUSH);
    CHECK_EQ(csr_read(CSR_SENVCFG), ENVCFG_CBZE | ENVCFG_CBCFE | ENVCFG_CBIE_FLUSH);
    block[0] = 1;
    WORKS(PRV_U, probe_cbo_zero, a);
    CHECK_EQ(block[0], 0);
    WORKS(PRV_U, probe_cbo_inval, a);
}

static void test_cbo_faults(void)
{
    vm_init(SATP_MODE_SV39);
    vm_map(TEST_VA, (unsigned long)page, 0, PTE_V | PTE_R | PTE_A);
    vm_enable();
    for (unsigned i = 0; i < PAGE_SIZE; i++)
        page[i] = 0x5a;
    /* Unmapped: store page fault at the block's start, for zero and for clean. */
    TRAPS(PRV_S, probe_cbo_zero, TEST_VA + PAGE_SIZE + 100, CAUSE_STORE_PAGE_FAULT,
          TEST_VA + PAGE_SIZE + 64);
    TRAPS(PRV_S, probe_cbo_clean, TEST_VA + PAGE_SIZE + 100, CAUSE_STORE_PAGE_FAULT,
          TEST_VA + PAGE_SIZE + 64);
    /* Read-only: a load may reach it, so clean/flush/inval run; zero is a store. */
    WORKS(PRV_S, probe_cbo_clean, TEST_VA + 8);
    WORKS(PRV_S, probe_cbo_flush, TEST_VA + 8);
    WORKS(PRV_S, probe_cbo_inval, TEST_VA + 8);
    TRAPS(PRV_S, probe_cbo_zero, TEST_VA + 200, CAUSE_STORE_PAGE_FAULT, TEST_VA + 192);
    CHECK_EQ(count_nonzero(page, PAGE_SIZE), PAGE_SIZE);
    /* Writable now: zero through the mapping. */
    vm_map(TEST_VA, (unsigned long)page, 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    sfence_vma();
    WORKS(PRV_S, probe_cbo_zero, TEST_VA + 200);
    CHECK_EQ(count_nonzero(page, PAGE_SIZE), PAGE_SIZE - 64);
    CHECK_EQ(page[191], 0x5a);
    CHECK_EQ(page[192], 0);
    csr_write(satp, 0);
    sfence_vma();
}

static void test_zawrs(void)
{
    csr_set(mstatus, MSTATUS_TW);
    ILLEGAL(PRV_S, probe_wrs_nto, 0, INSN_WRS_NTO);
    ILLEGAL(PRV_U, probe_wrs_nto, 0, INSN_WRS_NTO);
    WORKS(PRV_S, probe_wrs_sto, 0);
    csr_clear(mstatus, MSTATUS_TW);
    WORKS(PRV_S, probe_wrs_nto, 0);
    WORKS(PRV_U, probe_wrs_sto, 0);
}

static void test_stateen(void)
{
    CHECK_EQ(csr_read(CSR_MSTATEEN0), 0);
    csr_write(CSR_MSTATEEN0, -1UL);
    CHECK_EQ(csr_read(CSR_MSTATEEN0),
             STATEEN_SE | STATEEN0_ENVCFG | STATEEN0_CSRIND | STATEEN0_AIA);
    csr_write(CSR_MSTATEEN1, -1UL);
    CHECK_EQ(csr_read(CSR_MSTATEEN1), STATEEN_SE);
    /* sstateen0 has no bits for this hart: it reads 0 whatever is written. */
    csr_write(CSR_SSTATEEN0, -1UL);
    CHECK_EQ(csr_read(CSR_SSTATEEN0), 0);
    csr_write(CSR_SENVCFG, ENVCFG_CBZE);
    CHECK_EQ(vm_access(PRV_S, probe_senvcfg, 0), ENVCFG_CBZE);
    CHECK_EQ(vm_access(PRV_S, probe_sstateen0, 0), 0);
    csr_write(CSR_MSTATEEN0, STATEEN_SE);
    ILLEGAL(PRV_S, probe_senvcfg, 0, INSN_CSRR_SENVCFG);
    CHECK_EQ(vm_access(PRV_S, probe_sstateen0, 0), 0);
    csr_write(CSR_MSTATEEN0, STATEEN0_ENVCFG);
    ILLEGAL(PRV_S, probe_sstateen0, 0, INSN_CSRR_SSTATEEN0);
    CHECK_EQ(vm_access(PRV_S, probe_sstateen1, 0), 0);
    csr_write(CSR_MSTATEEN1, 0);
    CHECK_EQ(vm_access(PRV_S, probe_sstateen1, 0), VM_FAULTED);
    CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
    /* M-mode is never gated. */
    CHECK_EQ(csr_read(CSR_SSTATEEN1), 0);
    csr_write(CSR_MSTATEEN0, STATEEN_SE | STATEEN0_ENVCFG);
}

static void test_svade_svadu(void)
{
    volatile uint64_t *pte;

    /* Both present: ADUE starts clear, PBMTE set (Svpbmt, as QEMU 9.x resets it). */
    CHECK_EQ(csr_read(CSR_MENVCFG) & (MENVCFG_ADUE | MENVCFG_PBMTE), MENVCFG_PBMTE);
    csr_write(CSR_MENVCFG, 0);
    vm_init(SATP_MODE_SV39);
    pte = vm_map(TEST_VA, (unsigned long)page, 0, PTE_V | PTE_R | PTE_W);
    vm_enable();
    TRAPS(PRV_S, vm_probe_ld, TEST_VA, CAUSE_LOAD_PAGE_FAULT, TEST_VA);
    CHECK_EQ(*pte & (PTE_A | PTE_D), 0);
    csr_write(CSR_MENVCFG, MENVCFG_ADUE);
    CHECK_EQ(csr_read(CSR_MENVCFG), MENVCFG_ADUE);
    WORKS(PRV_S, vm_probe_ld, TEST_VA);
    CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A);
    /* A set, D clear: a store faults without ADUE, sets D with it. */
    csr_write(CSR_MENVCFG, 0);
    sfence_vma();
    TRAPS(PRV_S, vm_probe_sd, TEST_VA, CAUSE_STORE_PAGE_FAULT, TEST_VA);
    csr_write(CSR_MENVCFG, MENVCFG_ADUE);
    WORKS(PRV_S, vm_probe_sd, TEST_VA);
    CHECK_EQ(*pte & (PTE_A | PTE_D), PTE_A | PTE_D);
    csr_write(satp, 0);
    sfence_vma();
}

int main(void)
{
    pmp_allow_all();
    test_svade_svadu();
    test_cbo_zero_in_m();
    test_cbo_envcfg();
    test_cbo_faults();
    test_zawrs();
    test_stateen();
    return 0;
}

TEST_END_CHECKS();
