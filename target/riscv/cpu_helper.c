/*
 * RISC-V traps and interrupts: trap entry with delegation, interrupt
 * selection, the trap-return, wfi and sfence.vma instructions, mip updates
 * from devices, and the mmu_idx of an access.
 *
 * Spec: Volume II (privileged, 20211203) 3.1.6.1 (xIE/xPIE/xPP stacking),
 * 3.1.7 (mtvec modes), 3.1.8 (medeleg/mideleg), 3.1.9 (mip/mie, priority
 * order MEI, MSI, MTI, SEI, SSI, STI), 3.1.6.5 (TVM, TW, TSR), 3.3.2 (xRET),
 * 3.3.3 (WFI), 4.2.1 (SFENCE.VMA).
 */
#include <inttypes.h>

#include "system/cpus.h"
#include "target/riscv/cpu.h"
#include "util/log.h"

static CPUState *env_cs(CPURISCVState *env)
{
    return &env_cpu(env)->parent_obj;
}

/* The privilege changed: counters that filter by mode start or stop (pmu.c). */
static void priv_changed(CPURISCVState *env)
{
    if (env->pmu_events) {
        riscv_pmu_sync(env);
    }
}

/*
 * Take a trap to M or S: save pc, cause and tval in the target mode's CSRs,
 * stack the interrupt enable and the previous privilege, jump to the vector.
 */
static void trap_enter(CPURISCVState *env, uint64_t cause, uint64_t tval, bool to_s)
{
    bool interrupt = cause & CAUSE_INTERRUPT;
    uint64_t s = env->mstatus;
    uint64_t tvec;

    if (to_s) {
        env->scause = cause;
        env->sepc = env->pc;
        env->stval = tval;
        s = deposit64(s, 5, 1, extract64(s, 1, 1)); /* SPIE = SIE */
        s = deposit64(s, 8, 1, env->priv);          /* SPP */
        s &= ~MSTATUS_SIE;
        tvec = env->stvec;
        env->priv = PRV_S;
    } else {
        env->mcause = cause;
        env->mepc = env->pc;
        env->mtval = tval;
        s = deposit64(s, 7, 1, extract64(s, 3, 1));        /* MPIE = MIE */
        s = deposit64(s, MSTATUS_MPP_SHIFT, 2, env->priv); /* MPP */
        s &= ~MSTATUS_MIE;
        tvec = env->mtvec;
        env->priv = PRV_M;
    }
    env->mstatus = s;
    env->pc = tvec & ~3ULL;
    if (interrupt && (tvec & 3) == 1) {
        env->pc += 4 * (cause & ~CAUSE_INTERRUPT);
    }
    /* A trap breaks any LR/SC sequence in progress. */
    env->load_res = -1;
    priv_changed(env);
}

void riscv_cpu_do_exception(CPURISCVState *env, RISCVException cause, uint64_t tval)
{
    bool to_s = env->priv <= PRV_S && ((env->medeleg >> cause) & 1);

    if (cause == RISCV_EXCP_BREAKPOINT && riscv_semihosting_try(env)) {
        return; /* a semihosting call, served (riscv-semi.c): no trap */
    }

    log_mask(LOG_INT,
             "riscv: hart %" PRIu64 " exception %d at pc 0x%" PRIx64 " tval 0x%" PRIx64
             " priv %" PRIu64 " -> %s\n",
             env->mhartid, (int)cause, env->pc, tval, env->priv, to_s ? "S" : "M");
    trap_enter(env, (uint64_t)cause, tval, to_s);
}

/* The highest-priority interrupt in irqs (3.1.9), or -1. */
static int irq_highest(uint64_t irqs)
{
    /* LCOFI last, as the AIA's default priority order places it below these */
    static const int order[] = {IRQ_M_EXT,  IRQ_M_SOFT,  IRQ_M_TIMER, IRQ_S_EXT,
                                IRQ_S_SOFT, IRQ_S_TIMER, IRQ_LCOF};
    for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
        if (irqs & (1ULL << order[i])) {
            return order[i];
        }
    }
    return -1;
}

/*
 * An interrupt for M is enabled below M or with mstatus.MIE; a delegated one
 * below S or in S with SIE, never in M. M-targeted interrupts go first.
 */
static int pending_interrupt(CPURISCVState *env, bool *to_s)
{
    uint64_t pending = atomic_load(&env->mip) & env->mie;
    bool m_on = env->priv < PRV_M || (env->mstatus & MSTATUS_MIE);
    bool s_on = env->priv < PRV_S || (env->priv == PRV_S && (env->mstatus & MSTATUS_SIE));
    int irq = -1;

    if (!pending) {
        return -1;
    }
    if (m_on) {
        irq = irq_highest(pending & ~env->mideleg);
    }
    *to_s = false;
    if (irq < 0 && s_on) {
        irq = irq_highest(pending & env->mideleg);
        *to_s = true;
    }
    return irq;
}

int riscv_cpu_pending_interrupt(CPURISCVState *env)
{
    bool to_s;
    return pending_interrupt(env, &to_s);
}

bool riscv_cpu_exec_interrupt(CPURISCVState *env)
{
    bool to_s;
    int irq = pending_interrupt(env, &to_s);

    if (irq < 0) {
        return false;
    }
    log_mask(LOG_INT, "riscv: hart %" PRIu64 " interrupt %d at pc 0x%" PRIx64 " -> %s\n",
             env->mhartid, irq, env->pc, to_s ? "S" : "M");
    trap_enter(env, CAUSE_INTERRUPT | irq, 0, to_s);
    return true;
}

/* xRET may re-enable interrupts: have the run loop look before the next block. */
static void xret_check_interrupts(CPURISCVState *env)
{
    if (riscv_cpu_pending_interrupt(env) >= 0) {
        cpu_exit(env_cs(env));
    }
}

bool riscv_cpu_has_work(CPURISCVState *env)
{
    return (atomic_load(&env->mip) & env->mie) != 0;
}

void riscv_cpu_update_mip(RISCVCPU *cpu, uint64_t mask, uint64_t value)
{
    CPURISCVState *env = &cpu->env;
    uint64_t old = atomic_load(&env->mip), new;

    do {
        new = (old & ~mask) | (value & mask);
    } while (!atomic_compare_exchange_weak(&env->mip, &old, new));
    /* Raising a bit may end a WFI or need a trap; lowering one never does. mie belongs to
     * the hart's thread: a relaxed read is enough, the kick makes it look again. */
    if ((new & ~old) || (new &__atomic_load_n(&env->mie, __ATOMIC_RELAXED))) {
        cpu_kick(&cpu->parent_obj);
    }
}

/*
 * QEMU 7.2 refuses mret to S/U while PMP has no active entry (S/U could reach
 * no memory at all): we follow it so guests behave alike on both.
 */
static bool mret_blocked_by_pmp(CPURISCVState *env, uint64_t prev)
{
    return env_cpu(env)->pmp && prev != PRV_M && riscv_pmp_active_entries(env) == 0;
}

RISCVException riscv_helper_mret(CPURISCVState *env)
{
    uint64_t s = env->mstatus;
    uint64_t prev = extract64(s, MSTATUS_MPP_SHIFT, 2);

    if (env->priv < PRV_M || mret_blocked_by_pmp(env, prev)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    s = deposit64(s, 3, 1, extract64(s, 7, 1)); /* MIE = MPIE */
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP; /* MPP = U, the least-privileged mode */
    if (prev != PRV_M) {
        s &= ~MSTATUS_MPRV;
    }
    env->mstatus = s;
    env->priv = prev;
    env->pc = env->mepc & ~1ULL;
    env->load_res = -1;
    priv_changed(env);
    xret_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

RISCVException riscv_helper_sret(CPURISCVState *env)
{
    uint64_t s = env->mstatus;
    uint64_t prev = extract64(s, 8, 1) ? PRV_S : PRV_U;

    if (env->priv < PRV_S || (env->priv == PRV_S && (s & MSTATUS_TSR))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    s = deposit64(s, 1, 1, extract64(s, 5, 1)); /* SIE = SPIE */
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV; /* sret never returns to M */
    env->mstatus = s;
    env->priv = prev;
    env->pc = env->sepc & ~1ULL;
    env->load_res = -1;
    priv_changed(env);
    xret_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

/* U-mode never waits; TW forbids waiting below M (QEMU traps at once, the bound being 0). */
RISCVException riscv_helper_wfi(CPURISCVState *env)
{
    if (env->priv == PRV_U || (env->priv < PRV_M && (env->mstatus & MSTATUS_TW))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    return RISCV_EXCP_NONE;
}

RISCVException riscv_helper_sfence_vma(CPURISCVState *env, uint64_t vaddr, bool all_addr)
{
    if (env->priv == PRV_U || (env->priv == PRV_S && (env->mstatus & MSTATUS_TVM))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    /* No ASID tags in the TLB: an ASID-specific fence flushes as much as a global one. */
    if (all_addr) {
        tlb_flush(env_cs(env));
    } else {
        tlb_flush_page(env_cs(env), vaddr);
    }
    return RISCV_EXCP_NONE;
}

bool riscv_fp_enabled(CPURISCVState *env)
{
    return (env->mstatus & MSTATUS_FS) != 0;
}

void riscv_mark_fs_dirty(CPURISCVState *env)
{
    env->mstatus |= MSTATUS_FS | MSTATUS_SD;
}

int riscv_cpu_mmu_index(CPURISCVState *env, bool ifetch)
{
    if (!ifetch && env->priv == PRV_M && (env->mstatus & MSTATUS_MPRV)) {
        return extract64(env->mstatus, MSTATUS_MPP_SHIFT, 2);
    }
    return env->priv;
}
