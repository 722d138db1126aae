/*
 * Slow paths of the softmmu TLB (accel/tcg/cputlb.c), used by the engines
 * when their inline TLB probe misses. Each translates through the TLB or the
 * target's page walker (TCGCPUOps.tlb_fill), refills the entry when the page
 * can be cached, and performs the access on RAM, ROM or MMIO (under the BQL).
 * Errors are returned as the target's exception number (TCG_EXCP_NONE: none)
 * with *tval (the faulting virtual address: the access's own, or the start of
 * the second page for the part of a page-crossing access that faults).
 */
#ifndef ACCEL_TCG_CPUTLB_H
#define ACCEL_TCG_CPUTLB_H

#include "accel/tcg/cpu-tlb.h"
#include "hw/core/cpu.h"
#include "system/memory.h"

/* size in 1, 2, 4, 8; *val zero-extended. Misaligned accesses are performed (as QEMU). */
int tlb_load_slow(CPUState *cpu, uint64_t va, unsigned size, int mmu_idx, uint64_t *val,
                  uint64_t *tval);
int tlb_store_slow(CPUState *cpu, uint64_t va, unsigned size, int mmu_idx, uint64_t val,
                   uint64_t *tval);

/*
 * Resolve a naturally aligned access for an atomic operation: *host is the
 * host pointer for RAM, NULL for MMIO/ROM, where *paddr is to be used with
 * address_space_load/store under the BQL. *code: a store there must drop
 * translated code; the caller does it after writing (tb_invalidate_phys_range),
 * never before, or a hart translating in between would miss the new bytes.
 */
int tlb_probe(CPUState *cpu, uint64_t va, unsigned size, MMUAccessType access, int mmu_idx,
              void **host, hwaddr *paddr, bool *code);

/*
 * Translate pc for an instruction fetch in the current code context:
 * physical address and host pointer (RAM or ROM only; anything else is an
 * instruction access fault).
 */
int tlb_translate_code(CPUState *cpu, uint64_t pc, hwaddr *paddr, const uint8_t **host);

/*
 * Mark the physical page as holding code (stores take the slow path) in one vCPU's TLB:
 * its own thread, or any thread while it is outside its execution loop; or in every
 * vCPU's TLB (in an exclusive section, system/cpus.h).
 */
void tlb_set_notdirty(CPUState *cpu, hwaddr page);
void tlb_set_notdirty_all(hwaddr page);
/*
 * Does a vCPU other than self hold a TLB entry that lets its stores to the physical page
 * skip the slow path? Reads running vCPUs' TLBs: call it after publishing the page as
 * code and a full fence; a vCPU filling such an entry at the same time re-checks the page
 * itself (cputlb.c, entry_write_recheck).
 */
bool tlb_page_fast_writable_elsewhere(CPUState *self, hwaddr page);

/* MMIO access under the BQL (taken here unless this thread holds it). */
MemTxResult tlb_mmio_load(hwaddr paddr, unsigned size, uint64_t *val);
MemTxResult tlb_mmio_store(hwaddr paddr, unsigned size, uint64_t val);

#endif
