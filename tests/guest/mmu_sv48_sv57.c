/*
 * Sv48 and Sv57 (Privileged ISA 1.12, "Sv48" and "Sv57"): four- and
 * five-level page tables built by the test, QEMU 7.2 accepting both modes
 * in satp:
 *  - 4 KiB pages at high VAs, gigapages, 512 GiB terapages (Sv48/57) and
 *    256 TiB petapages (Sv57) translate correctly
 *  - canonical VAs: bits above the top VA bit must copy it (bit 47 for
 *    Sv48, bit 56 for Sv57); upper-half VAs work; others page-fault
 *  - misaligned tera/petapages fault
 *  - a VA that is non-canonical under Sv39 is fine under Sv48, and the
 *    mode change takes effect on the satp write
 *  - U-mode runs through the same tables
 */
#include "vm.h"

static uint8_t pages[4][PAGE_SIZE] __attribute__((aligned(4096)));

#define PA(i) ((unsigned long)pages[i])
#define TERA (1UL << 39)
#define PETA (1UL << 48)

static uint64_t peek(unsigned long pa)
{
    return *(volatile uint64_t *)pa;
}
static void poke(unsigned long pa, uint64_t v)
{
    *(volatile uint64_t *)pa = v;
}

static void load_check(unsigned n, int line, int mode, unsigned long va, int fault,
                       unsigned long want)
{
    unsigned long r = vm_access(mode, vm_probe_ld, va);
    int ok = fault ? (r == VM_FAULTED && last_trap.cause == CAUSE_LOAD_PAGE_FAULT &&
                      last_trap.tval == va)
                   : r == want;
    if (!ok) {
        uart_printf("satp %lx mode %d load %lx: got %lx want %lx, cause %lx tval %lx\n",
                    csr_read(satp), mode, va, r, fault ? VM_FAULTED : want, last_trap.cause,
                    last_trap.tval);
        check_failed(n, __FILE__, line, fault ? "load page fault expected" : "load failed", 0, 0,
                     0);
    }
}
#define LOAD_GIVES(mode, va, want) load_check(__COUNTER__ + 1, __LINE__, mode, va, 0, want)
#define LOAD_FAULTS(mode, va) load_check(__COUNTER__ + 1, __LINE__, mode, va, 1, 0)

static void fill(void)
{
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = 0; j < PAGE_SIZE; j += 8)
            poke(PA(i) + j, 0x0101010101010101UL * (i + 1) + j);
}

static void test_sv48(void)
{
    const unsigned long page_va = 0x7fffffff0000UL;     /* near the top of the lower half */
    const unsigned long giga_va = 0x4000000000UL;       /* bit 38 set: not Sv39-canonical */
    const unsigned long tera_va = TERA;                 /* VPN[3] = 1 */
    const unsigned long high_va = 0xffff800000000000UL; /* lowest upper-half VA */

    vm_init(SATP_MODE_SV48);
    vm_map(page_va, PA(0), 0, PTE_V | PTE_R | PTE_A);
    vm_map(page_va + PAGE_SIZE, PA(1), 0, PTE_V | PTE_R | PTE_U | PTE_A);
    vm_map(giga_va, VIRT_DRAM_BASE, 2, PTE_V | PTE_R | PTE_A);
    vm_map(tera_va, 0, 3, PTE_V | PTE_R | PTE_A);          /* PA 0 .. 512 GiB */
    vm_map(2 * TERA, 1UL << 30, 3, PTE_V | PTE_R | PTE_A); /* misaligned terapage */
    vm_map(high_va, VIRT_DRAM_BASE, 2, PTE_V | PTE_R | PTE_A);
    vm_enable();
    CHECK_EQ(csr_read(satp) >> SATP_MODE_SHIFT, SATP_MODE_SV48);

    LOAD_GIVES(PRV_S, page_va + 0x10, peek(PA(0) + 0x10));
    LOAD_GIVES(PRV_U, page_va + PAGE_SIZE + 0x18, peek(PA(1) + 0x18));
    LOAD_FAULTS(PRV_U, page_va + 0x10);
    LOAD_GIVES(PRV_S, giga_va + (PA(2) - VIRT_DRAM_BASE), peek(PA(2)));
    LOAD_GIVES(PRV_S, tera_va + PA(3) + 8, peek(PA(3) + 8));
    LOAD_FAULTS(PRV_S, 2 * TERA + PA(3));
    LOAD_GIVES(PRV_S, high_va + (PA(1) - VIRT_DRAM_BASE) + 0x20, peek(PA(1) + 0x20));
    /* non-canonical: bit 47 set but not copied above */
    LOAD_FAULTS(PRV_S, 0x0000800000000000UL);
    LOAD_FAULTS(PRV_S, 0x00ff000000001000UL);
    LOAD_FAULTS(PRV_S, 0x7fff800000000000UL);
    /* unmapped but canonical */
    LOAD_FAULTS(PRV_S, 0x7ffffffe0000UL);

    /* under Sv39 the same VA is non-canonical (bits 63..39 must copy bit
     * 38): the mode change takes effect with the satp write and fence */
    vm_init(SATP_MODE_SV39);
    vm_enable();
    LOAD_FAULTS(PRV_S, giga_va);
}

static void test_sv57(void)
{
    const unsigned long page_va = 0x00fffffffffff000UL; /* top page of the lower half */
    const unsigned long tera_va = 3 * TERA;             /* level-3 leaf */
    const unsigned long peta_va = PETA;                 /* VPN[4] = 1: level-4 leaf */
    const unsigned long high_va = 0xff00000000000000UL; /* lowest upper-half VA */

    vm_init(SATP_MODE_SV57);
    vm_map(page_va, PA(0), 0, PTE_V | PTE_R | PTE_A);
    vm_map(tera_va, 0, 3, PTE_V | PTE_R | PTE_A);
    vm_map(peta_va, 0, 4, PTE_V | PTE_R | PTE_A);     /* PA 0 .. 256 TiB */
    vm_map(2 * PETA, TERA, 4, PTE_V | PTE_R | PTE_A); /* misaligned petapage */
    vm_map(high_va, VIRT_DRAM_BASE, 2, PTE_V | PTE_R | PTE_U | PTE_A);
    vm_enable();
    CHECK_EQ(csr_read(satp) >> SATP_MODE_SHIFT, SATP_MODE_SV57);

    LOAD_GIVES(PRV_S, page_va + 0xff8, peek(PA(0) + 0xff8));
    LOAD_GIVES(PRV_S, tera_va + PA(1), peek(PA(1)));
    LOAD_GIVES(PRV_S, peta_va + PA(2) + 0x100, peek(PA(2) + 0x100));
    LOAD_FAULTS(PRV_S, 2 * PETA + PA(2));
    LOAD_GIVES(PRV_U, high_va + (PA(3) - VIRT_DRAM_BASE) + 0x40, peek(PA(3) + 0x40));
    LOAD_FAULTS(PRV_S, high_va + (PA(3) - VIRT_DRAM_BASE)); /* U page, SUM = 0 */
    /* non-canonical: bit 56 not copied */
    LOAD_FAULTS(PRV_S, 0x0100000000000000UL);
    LOAD_FAULTS(PRV_S, 0x8000000000000000UL);
    /* U-mode code still runs at its alias */
    vm_map(page_va - PAGE_SIZE, PA(1), 0, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A);
    vm_put_code(PA(1));
    sfence_vma();
    CHECK_EQ(vm_exec(PRV_U, page_va - PAGE_SIZE), 0x77);
}

int main(void)
{
    pmp_allow_all();
    fill();
    test_sv48();
    test_sv57();
    csr_write(satp, 0);
    sfence_vma();
    return 0;
}

TEST_END_CHECKS();
