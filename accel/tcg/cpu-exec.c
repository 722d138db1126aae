/*
 * The execution loop of a RISC-V vCPU (QEMU's cpu-exec.c): between blocks it
 * takes pending interrupts (RISC-V Privileged ISA 20211203, section 3.1.9),
 * finds the next block (jump cache, then the physical block cache, then the
 * translator), and runs it: as host code when the JIT translated it
 * (include/accel/tcg/jit.h), otherwise with the interpreter. Both chain
 * further blocks by themselves until something needs this loop again; a JIT
 * exit that may be chained comes back here once, and the loop links it to
 * the block it finds next.
 */
#include <inttypes.h>
#include <stdatomic.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg.h"
#include "system/memory.h"
#include "util/log.h"

/* Bring the TLB and jump cache in line with the memory map and the block cache. */
static void tcg_sync(RISCVCPU *cpu)
{
    CPUTLB *tlb = &cpu->tlb;
    unsigned gen = __atomic_load_n(&address_space_memory()->generation, __ATOMIC_ACQUIRE);
    unsigned flushes = __atomic_load_n(&tb_flush_count, __ATOMIC_ACQUIRE);

    if (!tlb->initialized || tlb->as_generation != gen) {
        tlb_flush(&cpu->parent_obj);
        tlb->as_generation = gen;
    }
    if (tlb->tb_flush_count != flushes) {
        memset(tlb->jc, 0, sizeof(tlb->jc));
        tlb->tb_flush_count = flushes;
    }
}

/* A fresh cacheable block that the JIT must compile before it is published. */
static bool tb_wants_jit(TranslationBlock *tb)
{
    return tcg_jit_enabled && tb && !(tb->flags & TB_UNCACHED);
}

/*
 * Translate and publish a cacheable block at pc. A full arena is flushed in an
 * exclusive section (tb_flush_exclusive); a block that another vCPU's flush took away
 * before it was published is made again. After a flush, a block the JIT cannot fit is
 * interpreted.
 */
static TranslationBlock *tb_gen(RISCVCPU *cpu, uint64_t pc, hwaddr phys, const uint8_t *host,
                                RISCVException *ex, uint64_t *tval)
{
    bool flushed = false;

    for (;;) {
        unsigned flushes = cpu->tlb.tb_flush_count;
        int exc;
        TranslationBlock *tb = riscv_gen_tb(cpu, pc, phys, host, TB_MAX_INSNS, true, &exc, tval);

        *ex = exc;
        if (!tb && exc != RISCV_EXCP_NONE) {
            return NULL;
        }
        if (!tb || (tb_wants_jit(tb) && !jit_compile(tb) && !flushed)) {
            tb_flush_exclusive(flushes);
            tcg_sync(cpu);
            flushed = true;
            continue;
        }
        if ((tb->flags & TB_UNCACHED) || tb_insert(&cpu->parent_obj, tb, host)) {
            return tb;
        }
        tcg_sync(cpu); /* another vCPU flushed while we waited to mark the page */
    }
}

/* The block at env->pc, or NULL with the fetch fault in *ex / *tval. */
static TranslationBlock *tb_find(RISCVCPU *cpu, RISCVException *ex, uint64_t *tval)
{
    uint64_t pc = cpu->env.pc;
    TranslationBlock *tb = tb_lookup_fast(&cpu->tlb, pc);
    const uint8_t *host;
    hwaddr phys;

    if (tb) {
        return tb;
    }
    *tval = pc;
    *ex = tlb_translate_code(cpu, pc, &phys, &host);
    if (*ex != RISCV_EXCP_NONE) {
        return NULL;
    }
    tb = tb_lookup_phys(phys);
    if (!tb) {
        tb = tb_gen(cpu, pc, phys, host, ex, tval);
        if (!tb || (tb->flags & TB_UNCACHED)) {
            return tb;
        }
    }
    *tb_jc_entry(&cpu->tlb, pc) = (TBJumpCacheEntry){.pc = pc, .tb = tb};
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
static int exec_debug_step(RISCVCPU *cpu)
{
    CPUState *cs = &cpu->parent_obj;
    CPURISCVState *env = &cpu->env;
    TranslationBlock *tb;
    const uint8_t *host;
    hwaddr phys;
    uint64_t tval = env->pc;
    RISCVException ex;
    int exc, ret;

    if (breakpoint_hit(cs, env->pc)) {
        return EXCP_DEBUG;
    }
    ex = tlb_translate_code(cpu, env->pc, &phys, &host);
    tb = NULL;
    if (ex == RISCV_EXCP_NONE) {
        tb = riscv_gen_tb(cpu, env->pc, phys, host, 1, false, &exc, &tval);
        ex = exc;
    }
    if (!tb) {
        env->load_res = ~0ULL;
        riscv_cpu_do_exception(env, ex, tval);
        return cs->singlestep_enabled ? EXCP_DEBUG : 0;
    }
    ret = riscv_tb_exec(cpu, tb, false);
    if (cs->singlestep_enabled) {
        return EXCP_DEBUG;
    }
    return ret == TB_EXIT_HALT && !riscv_cpu_has_work(env) ? EXCP_HLT : 0;
}

static void log_block_entry(RISCVCPU *cpu, TranslationBlock *tb)
{
    CPUState *cs = &cpu->parent_obj;
    CPUClass *cc = CPU_GET_CLASS(cs);

    if (log_enabled(LOG_EXEC)) {
        log_printf("Trace %d: pc 0x%016" PRIx64 " phys 0x%" PRIx64 "\n", cs->cpu_index, cpu->env.pc,
                   tb->phys_pc);
    }
    if (log_enabled(LOG_CPU) && cc->dump_state) {
        cc->dump_state(cs, stderr);
    }
}

/* Take an enabled pending interrupt; the cheap mip & mie test filters the common case. */
static bool check_interrupts(CPURISCVState *env)
{
    uint64_t pending = atomic_load_explicit(&env->mip, memory_order_relaxed) & env->mie;

    if (pending && riscv_cpu_exec_interrupt(env)) {
        env->load_res = ~0ULL;
        return true;
    }
    return false;
}

/* After a chainable JIT exit: link it to tb, the block that runs next, if tb is JIT code. */
static void link_exit(RISCVCPU *cpu, const JitExit *from, unsigned flushes, TranslationBlock *tb)
{
    if (from->tb && flushes == cpu->tlb.tb_flush_count && tb->jit_code &&
        !(tb->flags & TB_UNCACHED)) {
        tb_link(from->tb, from->slot, tb);
    }
}

/*
 * Run tb as host code; returns true when the vCPU halts (WFI with nothing
 * pending). A chainable exit is left in *chain for link_exit.
 */
static bool run_jit(RISCVCPU *cpu, TranslationBlock *tb, JitExit *chain)
{
    JitExit e = jit_exec(cpu, tb);

    if (e.kind == JIT_EXIT_CHAIN) {
        *chain = e;
    } else if (e.kind == JIT_EXIT_TAIL) {
        return riscv_tb_exec(cpu, e.tb, false) == TB_EXIT_HALT && !riscv_cpu_has_work(&cpu->env);
    }
    return false;
}

int riscv_tcg_exec(CPUState *cs)
{
    RISCVCPU *cpu = container_of(cs, RISCVCPU, parent_obj);
    CPURISCVState *env = &cpu->env;
    bool logging = log_enabled(LOG_EXEC | LOG_CPU);
    bool use_jit;
    JitExit chain = {0};

    jit_init();
    use_jit = tcg_jit_enabled && !logging; /* -d exec,cpu trace every block: interpret */
    tcg_sync(cpu);
    for (;;) {
        TranslationBlock *tb;
        RISCVException ex;
        uint64_t tval;
        JitExit from = chain;
        unsigned flushes = cpu->tlb.tb_flush_count;

        chain.tb = NULL;
        if (atomic_exchange(&cs->exit_request, false)) {
            return EXCP_INTERRUPT;
        }
        if (check_interrupts(env)) {
            from.tb = NULL; /* the next block is the trap handler, not the exit's target */
        }
        /* Privilege, MPRV and satp only change at block exits, which come back here. */
        cpu->tlb.data_mmu_idx = riscv_cpu_mmu_index(env, false);
        cpu->tlb.code_mmu_idx = riscv_cpu_mmu_index(env, true);
        if (unlikely(cs->num_breakpoints > 0 || cs->singlestep_enabled)) {
            int ret = exec_debug_step(cpu);
            if (ret) {
                return ret;
            }
            continue;
        }
        tb = tb_find(cpu, &ex, &tval);
        if (!tb) {
            env->load_res = ~0ULL;
            riscv_cpu_do_exception(env, ex, tval);
            continue;
        }
        link_exit(cpu, &from, flushes, tb);
        if (unlikely(logging)) {
            log_block_entry(cpu, tb);
        }
        if (use_jit && tb->jit_code) {
            if (run_jit(cpu, tb, &chain)) {
                return EXCP_HLT;
            }
            continue;
        }
        /* With the JIT on, interpreted blocks return here so JIT blocks after them run as code. */
        if (riscv_tb_exec(cpu, tb, !logging && !use_jit) == TB_EXIT_HALT &&
            !riscv_cpu_has_work(env)) {
            return EXCP_HLT;
        }
    }
}
