/*
 * Slow paths of the softmmu TLB (accel/tcg/cputlb.c), used by the
 * interpreter when its inline TLB probe misses. Each translates through the
 * TLB or the page walker (riscv_cpu_tlb_fill), refills the entry when the
 * page can be cached, and performs the access on RAM, ROM or MMIO (under
 * the BQL). Errors are returned as the RISC-V exception to raise with *tval
 * (the faulting virtual address: the access's own, or the start of the
 * second page for the part of a page-crossing access that faults).
 */
#ifndef ACCEL_TCG_CPUTLB_H
#define ACCEL_TCG_CPUTLB_H

#include "system/memory.h"
#include "target/riscv/cpu.h"

/* size in 1, 2, 4, 8; *val zero-extended. Misaligned accesses are performed (as QEMU). */
RISCVException tlb_load_slow(RISCVCPU *cpu, uint64_t va, unsigned size, int mmu_idx, uint64_t *val,
                             uint64_t *tval);
RISCVException tlb_store_slow(RISCVCPU *cpu, uint64_t va, unsigned size, int mmu_idx, uint64_t val,
                              uint64_t *tval);

/*
 * Resolve a naturally aligned access for an atomic operation: *host is the
 * host pointer for RAM, NULL for MMIO/ROM, where *paddr is to be used with
 * address_space_load/store under the BQL. *code: a store there must drop
 * translated code; the caller does it after writing (tb_invalidate_phys_range),
 * never before, or a hart translating in between would miss the new bytes.
 */
RISCVException tlb_probe(RISCVCPU *cpu, uint64_t va, unsigned size, MMUAccessType access,
                         int mmu_idx, void **host, hwaddr *paddr, bool *code);

/*
 * Translate pc for an instruction fetch in the current code context:
 * physical address and host pointer (RAM or ROM only; anything else is an
 * instruction access fault).
 */
RISCVException tlb_translate_code(RISCVCPU *cpu, uint64_t pc, hwaddr *paddr, const uint8_t **host);

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
