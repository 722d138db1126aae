/*
 * RISC-V traps and interrupts: trap entry with delegation, interrupt
 * selection, the trap-return, wfi and sfence.vma instructions, mip updates
 * from devices, and the mmu_idx of an access.
 *
 * Spec: Volume II (privileged, 20211203) 3.1.6.1 (xIE/xPIE/xPP stacking),
 * 3.1.7 (mtvec modes), 3.1.8 (medeleg/mideleg), 3.1.9 (mip/mie, priority
 * order MEI, MSI, MTI, SEI, SSI, STI), 3.1.6.5 (TVM, TW, TSR), 3.3.2 (xRET),
 * 3.3.3 (WFI), 4.2.1 (SFENCE.VMA); with the H extension (chapter 8): 8.2.1-8.2.3
 * (hstatus, hedeleg/hideleg), 8.5 (trap routing M / HS / VS, the SPV/SPVP/
 * MPV/GVA bits, htval/mtval2, htinst/mtinst), 8.6 (virtual-instruction
 * exceptions), 8.3.x (hfence), and the VS-level interrupt priorities.
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

/* Where a trap goes. */
typedef enum TrapTarget { TRAP_M, TRAP_HS, TRAP_VS } TrapTarget;

/* Causes whose tval is a memory address (GVA says whether it is a guest virtual one). */
static bool cause_has_address(uint64_t cause)
{
    const uint64_t mask = (1ULL << 0) | (1ULL << 1) | (1ULL << 4) | (1ULL << 5) | (1ULL << 6) |
                          (1ULL << 7) | (1ULL << 12) | (1ULL << 13) | (1ULL << 15) | (1ULL << 20) |
                          (1ULL << 21) | (1ULL << 23);
    return cause < 64 && ((mask >> cause) & 1);
}

static bool cause_is_guest_page_fault(uint64_t cause)
{
    return cause == RISCV_EXCP_INST_GUEST_PAGE_FAULT ||
           cause == RISCV_EXCP_LOAD_GUEST_ACCESS_FAULT ||
           cause == RISCV_EXCP_STORE_GUEST_AMO_ACCESS_FAULT;
}

/*
 * The H extension's part of a trap to M or HS (8.5.2): record V (MPV, or SPV and SPVP),
 * GVA, the guest physical address (mtval2/htval = GPA >> 2) and the instruction
 * (mtinst/htinst, tinst.c), and leave V=1. A trap to VS has none of this: it is an ordinary
 * S-mode trap of the guest.
 */
static void trap_enter_hyp(CPURISCVState *env, uint64_t cause, uint64_t tval, TrapTarget target)
{
    bool interrupt = cause & CAUSE_INTERRUPT;
    bool gva = !interrupt && env->fault_gva && cause_has_address(cause);
    uint64_t gpa = !interrupt && cause_is_guest_page_fault(cause) ? env->fault_gpa >> 2 : 0;
    bool was_virt = env->virt;
    uint64_t tinst = interrupt ? 0 : riscv_fault_tinst(env, cause, tval);

    riscv_cpu_set_virt(env, false);
    if (target == TRAP_M) {
        env->mstatus = deposit64(env->mstatus, 39, 1, was_virt); /* MPV */
        env->mstatus = deposit64(env->mstatus, 38, 1, gva);      /* GVA */
        env->mtval2 = gpa;
        env->mtinst = tinst;
    } else {
        env->hstatus = deposit64(env->hstatus, 7, 1, was_virt); /* SPV */
        if (was_virt) {
            env->hstatus = deposit64(env->hstatus, 8, 1, env->priv); /* SPVP */
        }
        env->hstatus = deposit64(env->hstatus, 6, 1, gva); /* GVA */
        env->htval = gpa;
        env->htinst = tinst;
    }
}

static TrapTarget exception_target(CPURISCVState *env, RISCVException cause)
{
    if (env->priv > PRV_S || !((env->medeleg >> cause) & 1)) {
        return TRAP_M;
    }
    return env->virt && ((env->hedeleg >> cause) & 1) ? TRAP_VS : TRAP_HS;
}

static const char *const target_names[] = {"M", "HS", "VS"};

/* Enter the trap: the hypervisor bookkeeping if it leaves the guest, then the stacking. */
static void trap_take(CPURISCVState *env, uint64_t cause, uint64_t tval, TrapTarget target)
{
    if (env_cpu(env)->ext_h && target != TRAP_VS) {
        trap_enter_hyp(env, cause, tval, target);
    }
    env->fault_gva = false;
    env->fault_tinst = 0;
    trap_enter(env, cause, tval, target != TRAP_M);
}

void riscv_cpu_do_exception(CPURISCVState *env, RISCVException cause, uint64_t tval)
{
    TrapTarget target = exception_target(env, cause);

    if (cause == RISCV_EXCP_BREAKPOINT && riscv_semihosting_try(env)) {
        return; /* a semihosting call, served (riscv-semi.c): no trap */
    }

    log_mask(LOG_INT,
             "riscv: hart %" PRIu64 " exception %d at pc 0x%" PRIx64 " tval 0x%" PRIx64
             " priv %" PRIu64 " V %d -> %s\n",
             env->mhartid, (int)cause, env->pc, tval, env->priv, env->virt, target_names[target]);
    trap_take(env, (uint64_t)cause, tval, target);
}

/* The highest-priority interrupt in irqs (3.1.9, 8.4.3), or -1. */
static int irq_highest(uint64_t irqs)
{
    /* LCOFI last, as the AIA's default priority order places it below these */
    static const int order[] = {IRQ_M_EXT,   IRQ_M_SOFT,   IRQ_M_TIMER, IRQ_S_EXT,
                                IRQ_S_SOFT,  IRQ_S_TIMER,  IRQ_S_GEXT,  IRQ_VS_EXT,
                                IRQ_VS_SOFT, IRQ_VS_TIMER, IRQ_LCOF};
    for (unsigned i = 0; i < ARRAY_SIZE(order); i++) {
        if (irqs & (1ULL << order[i])) {
            return order[i];
        }
    }
    return -1;
}

/*
 * The interrupt VS takes, as VS numbers it, or -1. With Ssaia it is vstopi's (AIA 6.3.3:
 * hvictl.VTI may name any); else VS sees its interrupts at the S positions: VSSI 2 -> 1,
 * VSTI 6 -> 5, VSEI 10 -> 9.
 */
static int vs_interrupt(CPURISCVState *env, uint64_t pending)
{
    int irq;

    if (env_cpu(env)->ext_ssaia) {
        return (int)(riscv_cpu_vstopi(env) >> TOPI_IID_SHIFT) ?: -1;
    }
    irq = irq_highest(pending & env->mideleg & env->hideleg);
    return irq < 0 ? -1 : irq - 1;
}

/*
 * An interrupt for M is enabled below M or with mstatus.MIE; a delegated one
 * below S or in S with SIE, never in M; with V=1 (HS being more privileged)
 * always. One for VS (delegated by hideleg, or injected by hvictl) only with V=1,
 * in VU or in VS with vsstatus.SIE (the live SIE while V=1). M-targeted go first,
 * then HS. Returns the cause number as the target sees it, or -1.
 */
static int pending_interrupt(CPURISCVState *env, TrapTarget *target)
{
    uint64_t pending = riscv_cpu_mip_effective(env) & env->mie;
    bool m_on = env->priv < PRV_M || (env->mstatus & MSTATUS_MIE);
    bool sie = env->mstatus & MSTATUS_SIE;
    bool hs_on = env->virt || env->priv < PRV_S || (env->priv == PRV_S && sie);
    bool vs_on = env->virt && (env->priv == PRV_U || sie);
    int irq = -1;

    if (m_on && pending) {
        irq = irq_highest(pending & ~env->mideleg);
        *target = TRAP_M;
    }
    if (irq < 0 && hs_on && pending) {
        irq = irq_highest(pending & env->mideleg & ~env->hideleg);
        *target = TRAP_HS;
    }
    if (irq < 0 && vs_on) {
        irq = vs_interrupt(env, pending);
        *target = TRAP_VS;
    }
    return irq;
}

int riscv_cpu_pending_interrupt(CPURISCVState *env)
{
    TrapTarget target;
    return pending_interrupt(env, &target);
}

bool riscv_cpu_exec_interrupt(CPURISCVState *env)
{
    TrapTarget target;
    int irq = pending_interrupt(env, &target);

    if (irq < 0) {
        return false;
    }
    log_mask(LOG_INT, "riscv: hart %" PRIu64 " interrupt %d at pc 0x%" PRIx64 " -> %s\n",
             env->mhartid, irq, env->pc, target_names[target]);
    trap_take(env, CAUSE_INTERRUPT | irq, 0, target);
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
    if (riscv_cpu_mip_effective(env) & env->mie) {
        return true;
    }
    /* an interrupt hvictl injects into VS has no mip bit */
    return env_cpu(env)->ext_ssaia && (env->hvictl & HVICTL_VTI) && riscv_cpu_vstopi(env);
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
    bool mpv = s & MSTATUS_MPV;

    if (env->priv < PRV_M || mret_blocked_by_pmp(env, prev)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    s = deposit64(s, 3, 1, extract64(s, 7, 1)); /* MIE = MPIE */
    s |= MSTATUS_MPIE;
    s &= ~MSTATUS_MPP; /* MPP = U, the least-privileged mode */
    if (prev != PRV_M) {
        s &= ~MSTATUS_MPRV;
    }
    s &= ~MSTATUS_MPV;
    env->mstatus = s;
    env->priv = prev;
    /* MPV: return into the guest (8.5.3) */
    riscv_cpu_set_virt(env, prev != PRV_M && mpv);
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
    /* From HS, hstatus.SPV says the trap came from the guest: return into it (8.5.3). */
    bool to_virt = !env->virt && env->priv == PRV_S && (env->hstatus & HSTATUS_SPV);

    if (env->priv < PRV_S) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    /* TSR applies to HS only; VS has hstatus.VTSR (8.2.1). */
    if (env->virt && (env->hstatus & HSTATUS_VTSR)) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    if (!env->virt && env->priv == PRV_S && (s & MSTATUS_TSR)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    s = deposit64(s, 1, 1, extract64(s, 5, 1)); /* SIE = SPIE */
    s |= MSTATUS_SPIE;
    s &= ~MSTATUS_SPP;
    s &= ~MSTATUS_MPRV; /* sret never returns to M */
    env->mstatus = s;
    env->priv = prev;
    env->pc = env->sepc & ~1ULL; /* HS's sepc: read before the swap to the guest's */
    if (to_virt) {
        env->hstatus &= ~HSTATUS_SPV;
        riscv_cpu_set_virt(env, true);
    }
    env->load_res = -1;
    priv_changed(env);
    xret_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

/*
 * U-mode never waits; TW forbids waiting below M (QEMU traps at once, the bound being 0).
 * With V=1 and TW clear (8.6.1): VU-mode, or VS-mode under hstatus.VTW, raise a
 * virtual-instruction exception.
 */
RISCVException riscv_helper_wfi(CPURISCVState *env)
{
    if (env->priv < PRV_M && (env->mstatus & MSTATUS_TW)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (env->virt && (env->priv == PRV_U || (env->hstatus & HSTATUS_VTW))) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    if (env->priv == PRV_U) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    return RISCV_EXCP_NONE;
}

/*
 * U: illegal; VU, and VS under hstatus.VTVM: virtual instruction; HS under TVM: illegal.
 * A fence from VS covers the guest's translations only (with V=1 satp is vsatp).
 */
RISCVException riscv_helper_sfence_vma(CPURISCVState *env, uint64_t vaddr, bool all_addr,
                                       bool all_asid)
{
    if (env->virt && (env->priv == PRV_U || (env->hstatus & HSTATUS_VTVM))) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    if (env->priv == PRV_U || (!env->virt && env->priv == PRV_S && (env->mstatus & MSTATUS_TVM))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    /* No ASID tags in the TLB: an ASID-specific fence (rs2 != x0) drops every ASID's
     * translations but the global ones, which it spares (4.2.1). From VS it covers the
     * guest's (its VMID's) translations only. */
    if (all_addr && env->virt) {
        riscv_vtlb_flush_current_vmid(env);
    } else if (all_addr && all_asid) {
        tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_HS_MASK);
    } else if (all_addr) {
        tlb_flush_nonglobal_by_mmuidx(env_cs(env), MMU_IDX_HS_MASK);
    } else {
        tlb_flush_page(env_cs(env), vaddr);
    }
    return RISCV_EXCP_NONE;
}

/* ---- V=1 TLB slots (cpu.h): one per guest address space, tagged (hgatp, vsatp) ---- */

static uint64_t vmid_of(uint64_t hgatp)
{
    return (hgatp & HGATP_VMID_MASK) >> HGATP_VMID_SHIFT;
}

static unsigned slot_mask(unsigned s)
{
    return 3u << riscv_vtlb_base(s);
}

/* The guest's satp: live with V=1, else kept in s_other (csr-hyp.c). */
static uint64_t current_vsatp(CPURISCVState *env)
{
    return env->virt ? env->satp : env->s_other.satp;
}

void riscv_vtlb_select(CPURISCVState *env)
{
    uint64_t vsatp = current_vsatp(env);
    unsigned victim = 0;

    for (unsigned s = 0; s < RISCV_VTLB_SLOTS; s++) {
        if (env->vtlb.stamp[s] && env->vtlb.hgatp[s] == env->hgatp && env->vtlb.vsatp[s] == vsatp) {
            env->vtlb.cur = s;
            env->vtlb.stamp[s] = ++env->vtlb.clock;
            return;
        }
        if (env->vtlb.stamp[s] < env->vtlb.stamp[victim]) {
            victim = s;
        }
    }
    tlb_flush_by_mmuidx(env_cs(env), slot_mask(victim));
    env->vtlb.hgatp[victim] = env->hgatp;
    env->vtlb.vsatp[victim] = vsatp;
    env->vtlb.stamp[victim] = ++env->vtlb.clock;
    env->vtlb.cur = victim;
}

void riscv_vtlb_reset(CPURISCVState *env)
{
    memset(&env->vtlb, 0, sizeof(env->vtlb));
    tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_V_MASK);
    riscv_vtlb_select(env);
}

/* Drop the translations of every slot of VMID vmid (of every slot if all). */
static void flush_vmid(CPURISCVState *env, uint64_t vmid, bool all)
{
    unsigned mask = 0;

    for (unsigned s = 0; s < RISCV_VTLB_SLOTS; s++) {
        if (env->vtlb.stamp[s] && (all || vmid_of(env->vtlb.hgatp[s]) == vmid)) {
            mask |= slot_mask(s);
        }
    }
    tlb_flush_by_mmuidx(env_cs(env), mask);
}

void riscv_vtlb_flush_current_vmid(CPURISCVState *env)
{
    flush_vmid(env, vmid_of(env->hgatp), false);
}

/*
 * hfence.vvma and hfence.gvma (8.3.2): from V=1 a virtual-instruction exception, from U
 * illegal, gvma also under mstatus.TVM. The TLB caches combined two-stage translations
 * by guest virtual address, so a guest-physical address does not find them: gvma drops
 * the whole slots of its VMID (all slots for rs2 = x0), vvma those of the current VMID
 * (one page of them for rs1 != x0). HS entries stay.
 */
RISCVException riscv_helper_hfence(CPURISCVState *env, bool gvma, uint64_t addr, bool has_addr,
                                   uint64_t vmid, bool has_vmid)
{
    if (env->virt) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    if (env->priv == PRV_U || (gvma && env->priv == PRV_S && (env->mstatus & MSTATUS_TVM))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (gvma) {
        flush_vmid(env, vmid & (HGATP_VMID_MASK >> HGATP_VMID_SHIFT), !has_vmid);
    } else if (has_addr) {
        tlb_flush_page(env_cs(env), addr); /* every context's entry of that page */
    } else {
        riscv_vtlb_flush_current_vmid(env);
    }
    return RISCV_EXCP_NONE;
}

/* hlv/hlvx/hsv (8.3.1): HS and M, and U with hstatus.HU. */
RISCVException riscv_helper_hlsv_check(CPURISCVState *env)
{
    if (env->virt) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    if (env->priv == PRV_U && !(env->hstatus & HSTATUS_HU)) {
        return RISCV_EXCP_ILLEGAL_INST;
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

/*
 * MPRV with MPV (8.4.1): M's loads and stores translate as the guest's, two-stage. With
 * V=0, S-mode (or MPRV's MPP = S) data accesses under mstatus.SUM use MMU_IDX_S_SUM (cpu.h).
 */
int riscv_cpu_mmu_index(CPURISCVState *env, bool ifetch)
{
    int priv = env->priv;

    if (!ifetch && env->priv == PRV_M && (env->mstatus & MSTATUS_MPRV)) {
        int mpp = extract64(env->mstatus, MSTATUS_MPP_SHIFT, 2);
        bool mpv = mpp != PRV_M && (env->mstatus & MSTATUS_MPV);
        if (mpv) {
            return riscv_vtlb_base(env->vtlb.cur) + (mpp & 1);
        }
        priv = mpp;
    } else if (env->virt) {
        return riscv_vtlb_base(env->vtlb.cur) + (env->priv & 1);
    }
    return !ifetch && priv == PRV_S && (env->mstatus & MSTATUS_SUM) ? MMU_IDX_S_SUM : priv;
}
