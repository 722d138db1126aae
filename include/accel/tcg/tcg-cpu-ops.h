/*
 * What the TCG-like engine needs from a target (QEMU's TCGCPUOps): the
 * accelerator (accel/tcg: run loop, block cache, softmmu TLB, JIT code arena
 * and stubs) calls the target only through this table, and the target calls
 * the accelerator's API (tb.h, cputlb.h, jit.h), so the dependency runs one
 * way and a second target (x86) sits beside RISC-V without touching
 * accel/tcg. A target CPU sets CPUState.tcg_ops and CPUState.tlb in its
 * instance_init and CPUClass.exec to tcg_cpu_exec (tcg.h).
 *
 * Exceptions are the target's cause numbers; TCG_EXCP_NONE means none.
 */
#ifndef ACCEL_TCG_TCG_CPU_OPS_H
#define ACCEL_TCG_TCG_CPU_OPS_H

#include "accel/tcg/jit-x86.h"
#include "accel/tcg/tb.h"
#include "hw/core/cpu.h"

struct TCGCPUOps {
    /* Offsets from the CPUState of the guest pc and retired-instruction count (uint64_t),
     * and of the block the JIT addresses from rbp (jit-internal.h). */
    size_t pc_offset;
    size_t instret_offset;
    size_t jit_env_offset;

    /*
     * Translate guest code at virtual pc (physical phys_pc, host bytes at host, readable
     * up to the end of the page) into a block of at most max_insns records. cacheable:
     * allocate it with tb_alloc (the caller inserts it); otherwise a one-record uncached
     * block in a buffer of the vCPU. Returns NULL if a fetch faults (*exc, *tval set) or
     * if the arena is full (*exc = TCG_EXCP_NONE: flush and retry).
     */
    TranslationBlock *(*gen_tb)(CPUState *cpu, uint64_t pc, hwaddr phys_pc, const uint8_t *host,
                                int max_insns, bool cacheable, int *exc, uint64_t *tval);
    /*
     * Interpret tb and the blocks chained after it until one needs the run loop (lookup
     * miss, state change, exit_request); chain = false runs only tb. Returns TB_EXIT_*.
     */
    int (*tb_exec)(CPUState *cpu, TranslationBlock *tb, bool chain);
    /*
     * JIT (may be NULL): translate tb's records into b (jit-internal.h has the host
     * register convention); false if the first record is not translated. *n_done is the
     * number of records translated; the rest go to the interpreter (tb->jit_tail).
     */
    bool (*jit_translate)(X86Buf *b, TranslationBlock *tb, int *n_done);
    /* Runs of a block in the interpreter before the JIT compiles it (jit.h: tcg_jit_threshold);
     * 0 or 1: compiled when made, before it is published. */
    unsigned jit_threshold;

    /* Take a pending enabled interrupt, if any (between blocks); true if one was taken, or
     * if it ran an instruction itself (x86: a split lock, in an exclusive section). */
    bool (*exec_interrupt)(CPUState *cpu);
    /* Enter the trap handler for excp with tval; the pc is that of the faulting insn. */
    void (*raise)(CPUState *cpu, int excp, uint64_t tval);
    /* Recompute tlb->data_mmu_idx and code_mmu_idx (privilege or translation changed). */
    void (*update_mmu_idx)(CPUState *cpu);

    /*
     * Translate va for access in context mmu_idx (page walk, protection): *paddr, *prot
     * (PAGE_* rights for this page), *lg_page_size (12, or less when the translation must
     * not be cached for the whole page; then the [va, va + size) access itself is checked;
     * more when it holds alike, offset and rights, over the aligned block of that size
     * around va: a superpage, which the JIT's load ranges then take whole).
     */
    int (*tlb_fill)(CPUState *cpu, uint64_t va, unsigned size, MMUAccessType access, int mmu_idx,
                    hwaddr *paddr, int *prot, int *lg_page_size);
    /* The access-fault cause of each MMUAccessType (unassigned address, fetch from MMIO). */
    int access_fault[3];
};

static inline uint64_t *tcg_cpu_pc(CPUState *cpu)
{
    return (uint64_t *)((char *)cpu + cpu->tcg_ops->pc_offset);
}

#endif
