/*
 * A hardware A/D update is a store (Privileged ISA 4.3.1 step 7: the PTE is
 * written), so it must reach translated code like any other store: after
 * the update and a FENCE.I the hart executes the new bytes (Unprivileged ISA,
 * "Zifencei").
 *
 * One page holds both code and a level-0 page table. Its PTE for VA_T is
 * chosen so that its two 32-bit halves are instructions:
 *   low word, A = 0: 0x20000513  addi a0, x0, 512
 *   low word, A = 1: 0x20000553  fsgnj.s fa0, ft0, ft0   (a0 untouched)
 *   high word:       0x00008067  ret
 * (flags V R U, RSW = 1, PPN = 0x8067 << 22 | 0x80001: the rd, imm and opcode
 * fields of the low word are PTE flag, RSW and PPN bits, bit 6 of the opcode
 * is A). Preceded by "li a0, 7", the code returns 512 before the update and 7
 * after it. The PPN names no memory, so the S-mode load that sets A ends in a
 * load access fault; A is set by the walk before that (as on QEMU 7.2).
 */
#include "vm.h"

static uint32_t page[PAGE_SIZE / 4] __attribute__((aligned(4096)));

#define ADDI(rd, rs1, imm) ((((uint32_t)(imm)&0xfff) << 20) | ((rs1) << 15) | ((rd) << 7) | 0x13)
#define A0 10
#define PTE_SLOT 16 /* byte offset 128 in the page */
#define VA_T (0x40000000UL + PTE_SLOT * PAGE_SIZE)
#define PTE_RSW1 (1UL << 8)
#define PTE_CODE ((((0x8067UL << 22) | 0x80001UL) << PTE_PPN_SHIFT) | PTE_RSW1 | PTE_V | PTE_R | PTE_U)

typedef long (*fn_t)(void);

static long run_page_code(void)
{
    return ((fn_t)(uintptr_t)&page[PTE_SLOT * 2 - 1])();
}

int main(void)
{
    volatile uint64_t *pte = (volatile uint64_t *)&page[PTE_SLOT * 2];

    CHECK_EQ((uint32_t)PTE_CODE, 0x20000513u);
    CHECK_EQ((uint32_t)((PTE_CODE | PTE_A) >> 32), 0x00008067u);
    page[PTE_SLOT * 2 - 1] = ADDI(A0, 0, 7);
    *pte = PTE_CODE;
    fence_i();
    /* Hot: the block holding the PTE's bytes is translated and cached. */
    long bad = 0;
    for (int i = 0; i < 1000; i++) {
        if (run_page_code() != 512)
            bad++;
    }
    CHECK_EQ(bad, 0);

    pmp_allow_all();
    vm_init(SATP_MODE_SV39);
    /* The page is the level-0 table of VA_T's 2 MiB region. */
    vm_set_pte(VA_T, 1, pte_of((unsigned long)page, PTE_V));
    vm_enable();
    csr_set(mstatus, MSTATUS_SUM);
    CHECK_EQ(vm_access(PRV_S, vm_probe_ld, VA_T), VM_FAULTED);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_ACCESS);
    csr_clear(mstatus, MSTATUS_SUM);
    csr_write(satp, 0);
    asm volatile("sfence.vma" ::: "memory");

    CHECK_EQ(*pte, PTE_CODE | PTE_A);
    fence_i();
    CHECK_EQ(run_page_code(), 7);
    return 0;
}

TEST_END_CHECKS();
