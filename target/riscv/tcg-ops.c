/*
 * The RISC-V CPU's hooks for the execution engine (TCGCPUOps,
 * include/accel/tcg/tcg-cpu-ops.h): accel/tcg reaches the translator, the
 * interpreter, the JIT translator, trap entry and the page walker of this
 * target only through riscv_tcg_ops.
 */
#include "target/riscv/exec.h"
#include "target/riscv/jit.h"

_Static_assert(NB_MMU_MODES == CPU_TLB_NB_MODES, "CPUTLB sized for another target");
_Static_assert((int)RISCV_EXCP_NONE == TCG_EXCP_NONE, "exception numbering");

static RISCVCPU *riscv_cpu_of(CPUState *cs)
{
    return container_of(cs, RISCVCPU, parent_obj);
}

/* Take an enabled pending interrupt; the cheap mip & mie test filters the common case. */
static bool riscv_tcg_exec_interrupt(CPUState *cs)
{
    CPURISCVState *env = &riscv_cpu_of(cs)->env;
    uint64_t pending;

    if (unlikely(env->pmu_armed)) {
        riscv_pmu_check(env); /* a counter may have overflowed in the blocks just run */
    }
    /* an interrupt hvictl.VTI injects into VS has no mip bit */
    pending = (riscv_cpu_mip_effective(env) & env->mie) | (env->hvictl & HVICTL_VTI);
    if (pending && riscv_cpu_exec_interrupt(env)) {
        env->load_res = ~0ULL; /* a trap breaks the LR/SC pair */
        return true;
    }
    return false;
}

static void riscv_tcg_raise(CPUState *cs, int excp, uint64_t tval)
{
    CPURISCVState *env = &riscv_cpu_of(cs)->env;

    env->load_res = ~0ULL; /* a trap breaks the LR/SC pair */
    riscv_cpu_do_exception(env, excp, tval);
}

/* Privilege, MPRV and satp only change at block exits, which come back to the run loop. */
static void riscv_tcg_update_mmu_idx(CPUState *cs)
{
    RISCVCPU *cpu = riscv_cpu_of(cs);
    int data_idx = riscv_cpu_mmu_index(&cpu->env, false);

    /* the JIT's load sites read the slots of this context (CPUTLB.jit_hint): none to empty */
    if (data_idx != cpu->tlb.data_mmu_idx) {
        tlb_jit_hints_age(&cpu->tlb, cpu->env.instret);
    }
    cpu->tlb.data_mmu_idx = data_idx;
    cpu->tlb.code_mmu_idx = riscv_cpu_mmu_index(&cpu->env, true);
}

/*
 * Page walk + PMP (mmu.c). A translation finer than a page (a PMP boundary inside it) is
 * used for this access only: PMP was checked for its address, not its size, so an access
 * that straddles the boundary must fail here. (mmu_idx_priv: the privilege of an mmu_idx.)
 */
static int riscv_tcg_tlb_fill(CPUState *cs, uint64_t va, unsigned size, MMUAccessType access,
                              int mmu_idx, hwaddr *paddr, int *prot, int *lg_page_size)
{
    CPURISCVState *env = &riscv_cpu_of(cs)->env;
    RISCVException ex = riscv_cpu_tlb_fill(env, va, access, mmu_idx, paddr, prot, lg_page_size);

    if (ex == RISCV_EXCP_NONE && *lg_page_size < TARGET_PAGE_BITS &&
        !riscv_pmp_check(env, *paddr, size, access, riscv_mmu_idx_priv(env, mmu_idx))) {
        return access == MMU_DATA_LOAD    ? RISCV_EXCP_LOAD_ACCESS_FAULT
               : access == MMU_DATA_STORE ? RISCV_EXCP_STORE_AMO_ACCESS_FAULT
                                          : RISCV_EXCP_INST_ACCESS_FAULT;
    }
    return ex;
}

const TCGCPUOps riscv_tcg_ops = {
    .pc_offset = offsetof(RISCVCPU, env.pc),
    .instret_offset = offsetof(RISCVCPU, env.instret),
    .jit_env_offset = offsetof(RISCVCPU, env),
    .gen_tb = riscv_gen_tb,
    .tb_exec = riscv_tb_exec,
#if defined(__x86_64__)
    .jit_translate = riscv_jit_translate,
    /*
     * Linux boot (scripts/bench boot), median CPU s of 9 alternating runs at load ~9 / peak
     * RSS / blocks compiled: every block compiled 0.439 / 73.9 MiB / 28,181; after 10 runs
     * 0.386 / 57.5 / 12,105; 50: 0.363 / 50.4 / 6,032; 200: 0.373 / 46.1 / 3,011; 1000:
     * 0.425 / 43.9. Again, 13 runs each: 50: 0.313 / 50.1; 100: 0.337 / 48.0; 200: 0.357 /
     * 45.9. Letting the interpreter chain through blocks without code, counting them, moved
     * the run loop's 3% of the boot into the interpreter and saved nothing (perf).
     */
    .jit_threshold = 50,
#endif
    .exec_interrupt = riscv_tcg_exec_interrupt,
    .raise = riscv_tcg_raise,
    .update_mmu_idx = riscv_tcg_update_mmu_idx,
    .tlb_fill = riscv_tcg_tlb_fill,
    .access_fault =
        {
            [MMU_DATA_LOAD] = RISCV_EXCP_LOAD_ACCESS_FAULT,
            [MMU_DATA_STORE] = RISCV_EXCP_STORE_AMO_ACCESS_FAULT,
            [MMU_INST_FETCH] = RISCV_EXCP_INST_ACCESS_FAULT,
        },
};
