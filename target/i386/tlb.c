/*
 * The x86 hart's softmmu TLB: accel/tcg's per-vCPU TLB (cputlb.c, reached
 * through TCGCPUOps.tlb_fill = x86_tlb_fill, mem_helper.c) in four contexts
 * (X86_MMU_*), each with a second table for its fetches (X86_MMU_CODE), and the
 * flush rules of SDM Vol. 3A 4.10.4:
 *
 *   mov to CR3                  drops every non-global translation (global
 *                               ones stay while CR4.PGE is set); with
 *                               CR4.PCIDE and bit 63 set nothing needs to be
 *                               dropped for the old PCID -- but this TLB is
 *                               not tagged by PCID, so the new tables must
 *                               not see the old non-global entries: the
 *                               flush is the same (QEMU's TCG does this too)
 *   CR0.PG/WP/PE, CR4.PGE/PAE/PSE/PCIDE/SMEP/SMAP/LA57, EFER.NXE
 *                               change what a cached right means: all
 *   invlpg                      the page, global or not, in every context
 *   invpcid 0/1/2/3             an address / a context / all incl. global /
 *                               all but global (contexts are not tagged:
 *                               type 1 drops the non-global entries)
 *
 * x86_tlb_fill reports global pages (PAGE_GLOBAL) to accel/tcg's TLB, which
 * keeps a bitmap of them beside its entries; a mov to CR3 walks it
 * (tlb_flush_nonglobal) instead of clearing the whole table.
 */
#include "target/i386/cpu.h"

#include "accel/tcg/cputlb.h"
#include "system/memory.h"

_Static_assert(X86_MMU_CODE(X86_MMU_COUNT - 1) < CPU_TLB_NB_MODES, "the fetch tables fit");

void x86_tlb_init(X86CPU *cpu)
{
    x86_tcg_init(cpu);
    x86_tlb_flush_all(cpu);
}

void x86_tlb_sync(X86CPU *cpu)
{
    CPUTLB *tlb = &cpu->tlb;
    unsigned gen = __atomic_load_n(&address_space_memory()->generation, __ATOMIC_ACQUIRE);

    if (unlikely(tlb->as_generation != gen)) {
        x86_tlb_flush_all(cpu);
        tlb->as_generation = gen;
    }
}

void x86_tlb_flush_all(X86CPU *cpu)
{
    tlb_flush(&cpu->parent_obj);
}

void x86_tlb_flush_nonglobal(X86CPU *cpu)
{
    tlb_flush_nonglobal(&cpu->parent_obj);
}

void x86_tlb_flush_page(X86CPU *cpu, uint64_t la)
{
    /* Large pages are cached 4 KiB at a time, so the page of la is the only entry. */
    tlb_flush_page(&cpu->parent_obj, la);
}

/* CR0 and CR4 bits a cached translation or right depends on. */
#define CR0_TLB_BITS (CR0_PG | CR0_WP | CR0_PE)
#define CR4_TLB_BITS (CR4_PGE | CR4_PAE | CR4_PSE | CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_LA57)

void x86_tlb_cr_written(X86CPU *cpu, int n, uint64_t old, uint64_t val)
{
    switch (n) {
    case 0:
        if ((old ^ val) & CR0_TLB_BITS) {
            x86_tlb_flush_all(cpu);
        }
        break;
    case 3:
        x86_tlb_flush_nonglobal(cpu);
        break;
    case 4:
        if ((old ^ val) & CR4_TLB_BITS) {
            x86_tlb_flush_all(cpu);
        }
        break;
    default:
        break;
    }
}
