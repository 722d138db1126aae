/*
 * The execution loop of a vCPU (QEMU's cpu-exec.c): between blocks it takes
 * pending interrupts (TCGCPUOps.exec_interrupt), finds the next block (jump
 * cache, then the physical block cache, then the target's translator), and
 * runs it: as host code when the JIT translated it (include/accel/tcg/jit.h),
 * otherwise with the target's interpreter, counting the runs of a block without
 * code until it is hot enough to compile (tb_count_run). Both chain
 * further blocks by themselves until something needs this loop again; a JIT
 * exit that may be chained comes back here once, and the loop links it to
 * the block it finds next.
 */
#include <inttypes.h>
#include <sched.h>
#include <stdatomic.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "accel/tcg/tcg.h"
#include "system/icount.h"
#include "system/memory.h"
#include "util/log.h"

/* Bring the TLB and jump cache in line with the memory map and the block cache. */
static void tcg_sync(CPUState *cs)
{
    CPUTLB *tlb = cs->tlb;
    unsigned gen = __atomic_load_n(&address_space_memory()->generation, __ATOMIC_ACQUIRE);
    unsigned flushes = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);

    if (!tlb->initialized || tlb->as_generation != gen) {
        tlb_flush(cs);
        tlb->as_generation = gen;
    }
    if (tlb->tb_flush_count != flushes) {
        memset(tlb->jc, 0, sizeof(tlb->jc));
        tlb_ras_clear(tlb); /* its code is gone */
        tlb->tb_flush_count = flushes;
    }
}

/* A fresh cacheable block that the JIT must compile before it is published (threshold 1). */
static bool tb_wants_jit(TranslationBlock *tb)
{
    return tcg_jit_enabled && tcg_jit_threshold <= 1 && tb && !(tb->flags & TB_UNCACHED);
}

/*
 * Translate and publish a cacheable block at pc. A full arena is flushed in an
 * exclusive section (tb_flush_exclusive); a block that another vCPU's flush took away
 * before it was published is made again. After a flush, a block the JIT cannot fit is
 * interpreted.
 */
static TranslationBlock *tb_gen(CPUState *cs, uint64_t pc, hwaddr phys, const uint8_t *host,
                                int *ex, uint64_t *tval)
{
    bool flushed = false;

    for (;;) {
        unsigned flushes = cs->tlb->tb_flush_count;
        TranslationBlock *tb =
            cs->tcg_ops->gen_tb(cs, pc, phys, host, TB_MAX_INSNS, true, ex, tval);

        if (!tb && *ex != TCG_EXCP_NONE) {
            return NULL;
        }
        if (!tb || (tb_wants_jit(tb) && !jit_compile(cs, tb) && !flushed)) {
            tb_flush_exclusive(flushes);
            tcg_sync(cs);
            flushed = true;
            continue;
        }
        if ((tb->flags & TB_UNCACHED) || tb_insert(cs, tb, host)) {
            return tb;
        }
        tcg_sync(cs); /* another vCPU flushed while we waited to mark the page */
    }
}

/*
 * Count a run of tb, a block without host code, and compile it when this run is its
 * tcg_jit_threshold-th (jit.h). The count is a plain load and store, not an atomic add: vCPUs
 * running tb together may lose counts, which only delays the compile, or both reach the
 * threshold, and jit_compile leaves a block that has code as it is. The locked add was ~1%
 * of the Linux boot's cycles (perf), 680 k interpreted runs. A block the JIT refused keeps
 * its count at the threshold and is not counted again. False if the code arena is full: the
 * caller flushes (tb is gone then) and looks up its pc again.
 */
static bool tb_count_run(CPUState *cs, TranslationBlock *tb)
{
    unsigned hot = tcg_jit_threshold;
    unsigned runs;

    if (hot <= 1 || (tb->flags & TB_UNCACHED)) {
        return true;
    }
    runs = __atomic_load_n(&tb->exec_count, __ATOMIC_RELAXED);
    if (runs >= hot) {
        return true;
    }
    __atomic_store_n(&tb->exec_count, (uint16_t)(runs + 1), __ATOMIC_RELAXED);
    if (runs + 1 != hot) {
        return true;
    }
    if (!jit_compile(cs, tb)) {
        return false;
    }
    if (log_enabled(LOG_IN_ASM)) {
        log_printf(
            "JIT: block pc 0x%016" PRIx64 " phys 0x%" PRIx64 " %s after %u interpreted runs\n",
            tb->pc, tb->phys_pc, tb->jit_code ? "compiled" : "left to the interpreter", hot - 1);
    }
    return true;
}

/* The block at the vCPU's pc, or NULL with the fetch fault in *ex / *tval. */
static TranslationBlock *tb_find(CPUState *cs, int *ex, uint64_t *tval)
{
    uint64_t pc = *tcg_cpu_pc(cs);
    TranslationBlock *tb = tb_lookup_fast(cs->tlb, pc);
    TBJumpCacheEntry *j = tb_jc_entry(cs->tlb, pc);
    const uint8_t *host;
    hwaddr phys;

    if (tb) {
        return tb;
    }
    *tval = pc;
    *ex = tlb_translate_code(cs, pc, &phys, &host);
    if (*ex != TCG_EXCP_NONE) {
        return NULL;
    }
    /* The jump cache had the block and only the code TLB entry was gone (x86boot: 360 k of
     * 650 k lookups): its physical pc validates it as tb_lookup_fast does, no hash walk. */
    if (j->pc == pc && j->tb && __atomic_load_n(&j->tb->phys_pc, __ATOMIC_RELAXED) == phys) {
        return j->tb;
    }
    tb = tb_lookup_phys(phys);
    if (!tb) {
        tb = tb_gen(cs, pc, phys, host, ex, tval);
        if (!tb || (tb->flags & TB_UNCACHED)) {
            return tb;
        }
    }
    /* -d nochain: JIT code finds other blocks through the jump cache (jit_emit_lookup), so
     * an empty cache sends each of its exits back here. */
    if (!log_enabled(LOG_NOCHAIN)) {
        *tb_jc_entry(cs->tlb, pc) = (TBJumpCacheEntry){.pc = pc, .tb = tb};
    }
    return tb;
}

static bool breakpoint_hit(CPUState *cs, uint64_t pc)
{
    for (int i = 0; i < cs->num_breakpoints; i++) {
        if (cs->breakpoints[i] == pc) {
            return true;
        }
    }
    return false;
}

/*
 * Debug mode (breakpoints or single-step): one uncached instruction at a
 * time, the pc checked against the breakpoints before it runs. Returns an
 * EXCP_* code, or 0 to go on.
 */
static int exec_debug_step(CPUState *cs)
{
    const TCGCPUOps *ops = cs->tcg_ops;
    uint64_t pc = *tcg_cpu_pc(cs), tval = pc;
    TranslationBlock *tb = NULL;
    const uint8_t *host;
    hwaddr phys;
    int ex, ret;

    if (breakpoint_hit(cs, pc)) {
        return EXCP_DEBUG;
    }
    ex = tlb_translate_code(cs, pc, &phys, &host);
    if (ex == TCG_EXCP_NONE) {
        tb = ops->gen_tb(cs, pc, phys, host, 1, false, &ex, &tval);
    }
    if (!tb) {
        ops->raise(cs, ex, tval);
        return cs->singlestep_enabled ? EXCP_DEBUG : 0;
    }
    ret = ops->tb_exec(cs, tb, false);
    if (cs->singlestep_enabled) {
        return EXCP_DEBUG;
    }
    return ret == TB_EXIT_HALT && !CPU_GET_CLASS(cs)->has_work(cs) ? EXCP_HLT : 0;
}

/* -d exec/cpu, before each block; jit: it runs as host code (-d nochain keeps the JIT on). */
static void log_block_entry(CPUState *cs, TranslationBlock *tb, bool jit)
{
    CPUClass *cc = CPU_GET_CLASS(cs);

    if (log_enabled(LOG_EXEC)) {
        log_printf("Trace %d: pc 0x%016" PRIx64 " phys 0x%" PRIx64 "%s\n", cs->cpu_index,
                   *tcg_cpu_pc(cs), tb->phys_pc, jit ? " jit" : "");
    }
    if (log_enabled(LOG_CPU) && cc->dump_state) {
        cc->dump_state(cs, stderr);
    }
}

/*
 * Interpret tb; true when the vCPU halts (WFI with nothing pending). A WFI that cannot
 * stall (an interrupt pending and enabled, but masked globally) is a guest polling loop,
 * as OpenSBI 1.1's HSM wait with a stale MSIP: the host core goes to another vCPU thread,
 * so the hart being waited for is not preempted by its pollers when vCPUs outnumber the
 * host's cores (docs/smp-boot-hang.md: that preemption opens a firmware race).
 */
static bool run_interp(CPUState *cs, TranslationBlock *tb, bool chain)
{
    if (cs->tcg_ops->tb_exec(cs, tb, chain) != TB_EXIT_HALT) {
        return false;
    }
    if (!CPU_GET_CLASS(cs)->has_work(cs)) {
        return true;
    }
    if (first_cpu->next_cpu) {
        sched_yield();
    }
    return false;
}

/* After a chainable JIT exit: link it to tb, the block that runs next, if tb is JIT code. */
static void link_exit(CPUState *cs, const JitExit *from, unsigned flushes, TranslationBlock *tb)
{
    if (from->tb && flushes == cs->tlb->tb_flush_count && tb_jit_code(tb) &&
        !(tb->flags & TB_UNCACHED) && !log_enabled(LOG_NOCHAIN)) {
        tb_link(from->tb, from->slot, tb);
    }
}

/*
 * Run tb as host code; returns true when the vCPU halts (WFI with nothing
 * pending). A chainable exit is left in *chain for link_exit.
 */
static bool run_jit(CPUState *cs, TranslationBlock *tb, JitExit *chain)
{
    JitExit e = jit_exec(cs, tb);

    if (e.kind == JIT_EXIT_CHAIN) {
        *chain = e;
    } else if (e.kind == JIT_EXIT_TAIL) {
        return run_interp(cs, e.tb, false);
    }
    return false;
}

int tcg_cpu_exec(CPUState *cs)
{
    const TCGCPUOps *ops = cs->tcg_ops;
    bool logging = log_enabled(LOG_EXEC | LOG_CPU);
    bool nochain = log_enabled(LOG_NOCHAIN);
    bool use_jit;
    JitExit chain = {0};

    /* -icount (system/icount.h): interpreted blocks, one at a time, none past a deadline. */
    bool icount = icount_enabled();
    int64_t budget = INT64_MAX;

    jit_init(cs);
    /* -d exec,cpu trace every block: the interpreter's, or with nochain the JIT's too. */
    use_jit = tcg_jit_enabled && (!logging || nochain) && !icount;
    tcg_sync(cs);
    if (icount) {
        icount_exec_enter(cs);
    }
    for (;;) {
        TranslationBlock *tb;
        int ex;
        uint64_t tval;
        JitExit from = chain;
        unsigned flushes = cs->tlb->tb_flush_count;

        chain.tb = NULL;
        /* A plain load first: the locked exchange cost ~4% of an FP workload's time (perf). */
        if (atomic_load_explicit(&cs->exit_request, memory_order_relaxed) &&
            atomic_exchange(&cs->exit_request, false)) {
            return EXCP_INTERRUPT;
        }
        if (icount) {
            budget = icount_block_budget(cs); /* runs the virtual timers that are due */
        }
        if (ops->exec_interrupt(cs)) {
            from.tb = NULL; /* the next block is the trap handler, not the exit's target */
            tcg_sync(cs);   /* it may have waited in an exclusive section (x86's split lock) */
        }
        /* Privilege and translation only change at block exits, which come back here. */
        ops->update_mmu_idx(cs);
        if (unlikely(cs->tlb->code_mmu_idx != cs->tlb->ras.ctx)) {
            /* another context: a return address may map elsewhere in it (cpu-tlb.h) */
            tlb_ras_clear(cs->tlb);
            cs->tlb->ras.ctx = cs->tlb->code_mmu_idx;
        }
        /* Near an icount deadline: one instruction at a time, so none runs past it. */
        if (unlikely(cs->num_breakpoints > 0 || cs->singlestep_enabled || budget < TB_MAX_INSNS)) {
            int ret = exec_debug_step(cs);
            if (ret) {
                return ret;
            }
            continue;
        }
        tb = tb_find(cs, &ex, &tval);
        if (!tb) {
            ops->raise(cs, ex, tval);
            continue;
        }
        if (use_jit && !tb_jit_code(tb) && !tb_count_run(cs, tb)) {
            tb_flush_exclusive(cs->tlb->tb_flush_count);
            tcg_sync(cs);
            continue;
        }
        link_exit(cs, &from, flushes, tb);
        if (unlikely(logging)) {
            log_block_entry(cs, tb, use_jit && tb_jit_code(tb));
        }
        if (use_jit && tb_jit_code(tb)) {
            if (run_jit(cs, tb, &chain)) {
                return EXCP_HLT;
            }
            continue;
        }
        /* With the JIT on, interpreted blocks return here so JIT blocks after them run as code. */
        if (run_interp(cs, tb, !logging && !use_jit && !icount && !nochain)) {
            return EXCP_HLT;
        }
    }
}
