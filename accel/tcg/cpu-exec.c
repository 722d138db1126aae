/*
 * The execution loop of a RISC-V vCPU (QEMU's cpu-exec.c): between blocks it
 * takes pending interrupts (RISC-V Privileged ISA 20211203, section 3.1.9),
 * finds the next block (jump cache, then the physical block cache, then the
 * translator), and runs it with the interpreter, which chains further
 * blocks by itself until something needs this loop again.
 */
#include <inttypes.h>
#include <stdatomic.h>

#include "accel/tcg/cputlb.h"
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

/* Translate a cacheable block at pc, flushing the cache once if the arena is full. */
static TranslationBlock *tb_gen(RISCVCPU *cpu, uint64_t pc, hwaddr phys, const uint8_t *host,
                                RISCVException *ex, uint64_t *tval)
{
    int exc;
    TranslationBlock *tb = riscv_gen_tb(cpu, pc, phys, host, TB_MAX_INSNS, true, &exc, tval);

    if (!tb && exc == RISCV_EXCP_NONE) {
        tb_flush_all();
        tcg_sync(cpu);
        tb = riscv_gen_tb(cpu, pc, phys, host, TB_MAX_INSNS, true, &exc, tval);
    }
    *ex = exc;
    if (tb && !(tb->flags & TB_UNCACHED)) {
        tb_insert(tb);
    }
    return tb;
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
static void check_interrupts(CPURISCVState *env)
{
    uint64_t pending = atomic_load_explicit(&env->mip, memory_order_relaxed) & env->mie;

    if (pending && riscv_cpu_exec_interrupt(env)) {
        env->load_res = ~0ULL;
    }
}

int riscv_tcg_exec(CPUState *cs)
{
    RISCVCPU *cpu = container_of(cs, RISCVCPU, parent_obj);
    CPURISCVState *env = &cpu->env;
    bool logging = log_enabled(LOG_EXEC | LOG_CPU);

    tcg_sync(cpu);
    for (;;) {
        TranslationBlock *tb;
        RISCVException ex;
        uint64_t tval;

        if (atomic_exchange(&cs->exit_request, false)) {
            return EXCP_INTERRUPT;
        }
        check_interrupts(env);
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
        if (unlikely(logging)) {
            log_block_entry(cpu, tb);
        }
        if (riscv_tb_exec(cpu, tb, !logging) == TB_EXIT_HALT && !riscv_cpu_has_work(env)) {
            return EXCP_HLT;
        }
    }
}
