/*
 * RISC-V control and status registers: a table from CSR number to an
 * existence predicate, an access gate and read/write functions, plus the
 * generic csrrw path (Zicsr) that applies the access rules every CSR shares.
 *
 * Specs: Volume II (privileged, 20211203) 2.1 "CSR Address Mapping
 * Conventions" (bits [11:10] read-only, [9:8] lowest privilege), 2.2 "CSR
 * Listing", 3.1 (machine CSRs), 3.1.11 (counter enables), 3.1.18 (menvcfg),
 * 3.7 (PMP CSRs), 4.1 (supervisor CSRs); Volume I chapter 10 "Counters" and
 * 13.2 (fcsr); Sstc 0.5.4 (stimecmp).
 *
 * Values follow QEMU 7.2's virt hart where the spec leaves a choice (WARL
 * fields, which counters exist), since firmware probes them: OpenSBI counts
 * the mhpmcounters that hold a written value and the PMP address bits.
 */
#include <inttypes.h>
#include <pthread.h>

#include "csr-internal.h"
#include "system/cpus.h"
#include "target/riscv/cpu.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/timer.h"

/* ---- predicates and gates ---- */

static RISCVException pred_sstc(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_sstc ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

static RISCVException pred_sscofpmf(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_sscofpmf ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

static RISCVException read_scountovf(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_pmu_scountovf(env);
    return RISCV_EXCP_NONE;
}

static RISCVException pred_pmp(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->pmp ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

/* On RV64 only the even pmpcfg registers exist (each holds eight entries). */
static RISCVException pred_pmpcfg(CPURISCVState *env, int csrno)
{
    return (csrno & 1) ? RISCV_EXCP_ILLEGAL_INST : pred_pmp(env, csrno);
}

static RISCVException gate_fs(CPURISCVState *env, int csrno)
{
    return riscv_fp_enabled(env) ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

/*
 * 3.1.11: a counter is visible to S if mcounteren allows it, to U if scounteren does too.
 * With V=1 (8.2.6) mcounteren still gives an illegal instruction, then hcounteren (and in VU
 * scounteren) a virtual-instruction exception.
 */
static RISCVException gate_counter(CPURISCVState *env, int csrno)
{
    uint64_t bit = 1ULL << (csrno & 0x1f);

    if (env->priv < PRV_M && !(env->mcounteren & bit)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (env->virt) {
        if (!(env->hcounteren & bit) || (env->priv == PRV_U && !(env->scounteren & bit))) {
            return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
        }
        return RISCV_EXCP_NONE;
    }
    return env->priv != PRV_U || (env->scounteren & bit) ? RISCV_EXCP_NONE
                                                         : RISCV_EXCP_ILLEGAL_INST;
}

/* TVM traps HS-mode's satp accesses; hstatus.VTVM traps VS-mode's (8.2.1). */
static RISCVException gate_satp(CPURISCVState *env, int csrno)
{
    if (env->virt) {
        return (env->hstatus & HSTATUS_VTVM) ? RISCV_EXCP_VIRT_INSTRUCTION_FAULT : RISCV_EXCP_NONE;
    }
    bool trapped = env->priv == PRV_S && (env->mstatus & MSTATUS_TVM);
    return trapped ? RISCV_EXCP_ILLEGAL_INST : RISCV_EXCP_NONE;
}

/*
 * Sstc: S-mode reaches stimecmp only if M enabled both the time counter and STCE; VS-mode
 * (where it is vstimecmp) also needs hcounteren.TM and henvcfg.STCE, else a virtual
 * instruction exception.
 */
static RISCVException gate_stimecmp(CPURISCVState *env, int csrno)
{
    if (!env->rdtime_fn) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (env->priv == PRV_M) {
        return RISCV_EXCP_NONE;
    }
    bool ok = (env->mcounteren & COUNTEREN_TM) && (env->menvcfg & MENVCFG_STCE);
    if (!ok) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (env->virt && !((env->hcounteren & COUNTEREN_TM) && (env->henvcfg & MENVCFG_STCE))) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    return RISCV_EXCP_NONE;
}

/* ---- side effects shared by several CSRs ---- */

static CPUState *env_cs(CPURISCVState *env)
{
    return &env_cpu(env)->parent_obj;
}

/* A CSR write may have enabled a pending interrupt: leave the block so the loop takes it. */
void riscv_csr_check_interrupts(CPURISCVState *env)
{
    if (riscv_cpu_pending_interrupt(env) >= 0) {
        cpu_exit(env_cs(env));
    }
}

static uint64_t mstatus_with_sd(uint64_t mstatus)
{
    uint64_t fs = mstatus & MSTATUS_FS, xs = mstatus & MSTATUS_XS, vs = mstatus & MSTATUS_VS;
    mstatus &= ~MSTATUS_SD;
    if (fs == MSTATUS_FS || xs == MSTATUS_XS || vs == MSTATUS_VS) {
        mstatus |= MSTATUS_SD;
    }
    return mstatus;
}

/*
 * The rights cached in the TLB depend on SUM and MXR. MPRV and MPP only pick
 * the mmu_idx, whose entries stay valid (the TLB is tagged by mmu_idx), so
 * changing them flushes nothing: OpenSBI toggles MPRV for every emulated
 * misaligned access. SUM only matters to S-mode accesses (Linux toggles it
 * around every user copy): with V=0 it picks the mmu_idx too (S or S_SUM,
 * cpu.h), with V=1 it drops the VS contexts. MXR of HS also governs the
 * G-stage: with V=0 it drops everything.
 */
static void mstatus_commit(CPURISCVState *env, uint64_t val)
{
    uint64_t old = env->mstatus;
    uint64_t changed;

    env->mstatus = mstatus_with_sd(val);
    changed = old ^ env->mstatus;
    if (changed & MSTATUS_MXR) {
        /* With V=1 these are vsstatus's: only the guest's translations used them. */
        if (env->virt) {
            tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_V_MASK);
        } else {
            tlb_flush(env_cs(env));
        }
    } else if ((changed & MSTATUS_SUM) && env->virt) {
        tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_VS_MASK);
    }
    riscv_csr_check_interrupts(env);
}

/* ---- floating point (Volume I 13.2) ---- */

static RISCVException read_fflags(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->fflags;
    return RISCV_EXCP_NONE;
}

static RISCVException write_fflags(CPURISCVState *env, int csrno, uint64_t val)
{
    env->fflags = val & 0x1f;
    riscv_mark_fs_dirty(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_frm(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->frm;
    return RISCV_EXCP_NONE;
}

/* Reserved rounding modes are stored: they trap when an instruction uses the dynamic mode. */
static RISCVException write_frm(CPURISCVState *env, int csrno, uint64_t val)
{
    env->frm = val & 0x7;
    riscv_mark_fs_dirty(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_fcsr(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = (env->frm << 5) | env->fflags;
    return RISCV_EXCP_NONE;
}

static RISCVException write_fcsr(CPURISCVState *env, int csrno, uint64_t val)
{
    env->fflags = val & 0x1f;
    env->frm = (val >> 5) & 0x7;
    riscv_mark_fs_dirty(env);
    return RISCV_EXCP_NONE;
}

/* ---- counters (Volume I chapter 10, Volume II 3.1.10) ---- */

/*
 * mcycle and minstret count retired instructions. Each keeps an offset from
 * env->instret; while its mcountinhibit bit is set the "offset" holds the frozen
 * value itself, so inhibiting and resuming only convert between the two forms.
 */
static uint64_t *counter_offset(CPURISCVState *env, unsigned index)
{
    return index == 0 ? &env->mcycle_offset : &env->minstret_offset;
}

static bool counter_inhibited(CPURISCVState *env, unsigned index)
{
    return env->mcountinhibit & (1ULL << index);
}

/* Value of counter index (0 cycle, 2 instret, 3..31 hpm); time is read separately. */
static uint64_t counter_value(CPURISCVState *env, unsigned index)
{
    if (index == 0 || index == 2) {
        uint64_t off = *counter_offset(env, index);
        return counter_inhibited(env, index) ? off : env->instret + off;
    }
    return index - 3 < RISCV_HPM_COUNTERS ? riscv_pmu_read(env, index - 3) : 0;
}

/*
 * "A CSR write takes effect after the writing instruction has otherwise completed": an
 * instruction that writes mcycle or minstret overwrites its own retirement, which the
 * engines count after it (the interpreter per instruction, the JIT per block). Debug
 * writes (gdb, the monitor) retire nothing and are stored as given.
 */
static void counter_skip_own_retirement(CPURISCVState *env, int csrno)
{
    unsigned index = csrno & 0x1f;

    if ((csrno == CSR_MCYCLE || csrno == CSR_MINSTRET) && !counter_inhibited(env, index)) {
        (*counter_offset(env, index))--;
    }
}

static RISCVException read_counter(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = counter_value(env, csrno & 0x1f);
    return RISCV_EXCP_NONE;
}

static RISCVException read_time(CPURISCVState *env, int csrno, uint64_t *val)
{
    if (!env->rdtime_fn) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    *val = env->rdtime_fn(env->rdtime_opaque);
    return RISCV_EXCP_NONE;
}

static RISCVException write_mcounter(CPURISCVState *env, int csrno, uint64_t val)
{
    unsigned index = csrno & 0x1f;

    if (index == 0 || index == 2) {
        *counter_offset(env, index) = counter_inhibited(env, index) ? val : val - env->instret;
    } else if (index - 3 < RISCV_HPM_COUNTERS) {
        riscv_pmu_write(env, index - 3, val);
    }
    return RISCV_EXCP_NONE;
}

static RISCVException read_mhpmevent(CPURISCVState *env, int csrno, uint64_t *val)
{
    unsigned index = csrno - CSR_MHPMEVENT3;
    *val = index < RISCV_HPM_COUNTERS ? riscv_pmu_read_event(env, index) : 0;
    return RISCV_EXCP_NONE;
}

static RISCVException write_mhpmevent(CPURISCVState *env, int csrno, uint64_t val)
{
    unsigned index = csrno - CSR_MHPMEVENT3;
    if (index < RISCV_HPM_COUNTERS) {
        riscv_pmu_write_event(env, index, val);
    }
    return RISCV_EXCP_NONE;
}

/* ---- plain storage CSRs: one accessor pair per field ---- */

#define CSR_FIELD(field, wmask)                                                                    \
    static RISCVException read_##field(CPURISCVState *env, int csrno, uint64_t *val)               \
    {                                                                                              \
        *val = env->field;                                                                         \
        return RISCV_EXCP_NONE;                                                                    \
    }                                                                                              \
    static RISCVException write_##field(CPURISCVState *env, int csrno, uint64_t val)               \
    {                                                                                              \
        env->field = val & (wmask);                                                                \
        return RISCV_EXCP_NONE;                                                                    \
    }

/* medeleg: every synchronous cause S can handle, but M-ecall (bit 11 is read-only zero);
 * with H also VS-ecall and the guest-page, virtual-instruction faults (20..23). */
#define MEDELEG_MASK 0xb3ffULL
#define MEDELEG_H_MASK ((1ULL << RISCV_EXCP_VS_ECALL) | (0xfULL << 20))
/* mcountinhibit: bit 1 (time) is read-only zero. */
#define MCOUNTINHIBIT_MASK 0xfffffffdULL

CSR_FIELD(mscratch, ~0ULL)
CSR_FIELD(sscratch, ~0ULL)
CSR_FIELD(mcause, ~0ULL)
CSR_FIELD(scause, ~0ULL)
CSR_FIELD(mtval, ~0ULL)
CSR_FIELD(stval, ~0ULL)
CSR_FIELD(mepc, ~1ULL) /* IALIGN=16 with C: bit 0 is always zero */
CSR_FIELD(sepc, ~1ULL)
CSR_FIELD(medeleg, MEDELEG_MASK | (env_cpu(env)->ext_h ? MEDELEG_H_MASK : 0))
CSR_FIELD(mcounteren, 0xffffffffULL)
CSR_FIELD(scounteren, 0xffffffffULL)

static RISCVException read_mcountinhibit(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mcountinhibit;
    return RISCV_EXCP_NONE;
}

static RISCVException write_mcountinhibit(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t cycle = counter_value(env, 0), instret = counter_value(env, 2);

    env->mcountinhibit = val & MCOUNTINHIBIT_MASK;
    /* Re-store both counters in the form their new inhibit bit calls for. */
    write_mcounter(env, CSR_MCYCLE, cycle);
    write_mcounter(env, CSR_MINSTRET, instret);
    riscv_pmu_sync(env);
    return RISCV_EXCP_NONE;
}
/* The ids the -cpu properties set (mvendorid, marchid, mimpid; 0 by default). */
static RISCVException read_mvendorid(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env_cpu(env)->mvendorid;
    return RISCV_EXCP_NONE;
}

static RISCVException read_marchid(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env_cpu(env)->marchid;
    return RISCV_EXCP_NONE;
}

static RISCVException read_mimpid(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env_cpu(env)->mimpid;
    return RISCV_EXCP_NONE;
}

/* misa is not writable here (QEMU 7.2 default): writes keep the value. */
static RISCVException read_misa(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->misa;
    return RISCV_EXCP_NONE;
}

static RISCVException read_zero(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = 0;
    return RISCV_EXCP_NONE;
}

static RISCVException write_ignore(CPURISCVState *env, int csrno, uint64_t val)
{
    return RISCV_EXCP_NONE; /* read-only-zero WARL fields */
}

static RISCVException read_mhartid(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mhartid;
    return RISCV_EXCP_NONE;
}

/* ---- status ---- */

static RISCVException read_mstatus(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mstatus;
    return RISCV_EXCP_NONE;
}

static RISCVException write_mstatus(CPURISCVState *env, int csrno, uint64_t val)
{
    const uint64_t mask = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
                          MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |
                          MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR |
                          (env_cpu(env)->ext_h ? MSTATUS_MPV | MSTATUS_GVA : 0) |
                          (env_cpu(env)->ext_v ? MSTATUS_VS : 0);

    /* MPP is WARL over {U, S, M}: the reserved value 2 leaves the field unchanged. */
    if (extract64(val, MSTATUS_MPP_SHIFT, 2) == 2) {
        val = (val & ~MSTATUS_MPP) | (env->mstatus & MSTATUS_MPP);
    }
    mstatus_commit(env, (env->mstatus & ~mask) | (val & mask));
    return RISCV_EXCP_NONE;
}

static RISCVException read_sstatus(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_sstatus_view(env, env->mstatus) & SSTATUS_READ_MASK;
    return RISCV_EXCP_NONE;
}

static RISCVException write_sstatus(CPURISCVState *env, int csrno, uint64_t val)
{
    const uint64_t mask = MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM |
                          MSTATUS_MXR | (env_cpu(env)->ext_v ? MSTATUS_VS : 0);

    if (env->fs_masked) {
        /* the guest's FS, while HS's is Off: kept aside, the live one stays Off */
        env->guest_fs = val & MSTATUS_FS;
        val &= ~MSTATUS_FS;
    }
    mstatus_commit(env, (env->mstatus & ~mask) | (val & mask));
    return RISCV_EXCP_NONE;
}

/* ---- interrupts (3.1.9) ---- */

/* The supervisor-level interrupts: SSI, STI, SEI, and Sscofpmf's LCOFI. */
static uint64_t s_irq_mask(CPURISCVState *env)
{
    return MIP_S_MASK | (env_cpu(env)->ext_sscofpmf ? MIP_LCOFIP : 0);
}

static RISCVException read_mideleg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mideleg;
    return RISCV_EXCP_NONE;
}

/* Only supervisor interrupts can be delegated: M-level ones always trap to M. With H the
 * VS-level ones and SGEI are read-only one (8.4.2). */
static RISCVException write_mideleg(CPURISCVState *env, int csrno, uint64_t val)
{
    env->mideleg = (val & s_irq_mask(env)) | (env_cpu(env)->ext_h ? MIP_HS_MASK : 0);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_mie(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mie;
    return RISCV_EXCP_NONE;
}

static RISCVException write_mie(CPURISCVState *env, int csrno, uint64_t val)
{
    /* Read by riscv_cpu_update_mip on other threads. */
    uint64_t mask = MIP_ALL_MASK | s_irq_mask(env) | (env_cpu(env)->ext_h ? MIP_HS_MASK : 0);
    __atomic_store_n(&env->mie, val & mask, __ATOMIC_RELAXED);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_sie(CPURISCVState *env, int csrno, uint64_t *val)
{
    if (env->virt) {
        return riscv_vs_read_sie(env, val);
    }
    *val = env->mie & env->mideleg & s_irq_mask(env);
    return RISCV_EXCP_NONE;
}

static RISCVException write_sie(CPURISCVState *env, int csrno, uint64_t val)
{
    if (env->virt) {
        return riscv_vs_write_sie(env, val);
    }
    uint64_t mask = env->mideleg & s_irq_mask(env);
    __atomic_store_n(&env->mie, (env->mie & ~mask) | (val & mask), __ATOMIC_RELAXED);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_mip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_cpu_mip_effective(env);
    return RISCV_EXCP_NONE;
}

/*
 * Software may set SSIP, and STIP unless Sstc drives it from stimecmp. SEIP
 * belongs to the PLIC (as in QEMU, which lets the interrupt controller claim
 * it); MSIP, MTIP and MEIP come from the ACLINT and the PLIC.
 */
static uint64_t mip_writable(CPURISCVState *env)
{
    uint64_t mask = MIP_SSIP | (s_irq_mask(env) & MIP_LCOFIP);
    if (!(env->menvcfg & MENVCFG_STCE)) {
        mask |= MIP_STIP;
    }
    if (env_cpu(env)->ext_h) {
        mask |= MIP_VS_MASK; /* the hvip bits (8.4.3: writable in mip too) */
    }
    return mask;
}

static RISCVException write_mip(CPURISCVState *env, int csrno, uint64_t val)
{
    riscv_cpu_update_mip(env_cpu(env), mip_writable(env), val);
    return RISCV_EXCP_NONE;
}

/*
 * mvip (AIA 5.3) with mvien read-only zero: its SSIP, STIP and SEIP bits are mip's, each
 * writable exactly where mip's is; the others read zero.
 */
#define MVIP_MIP_ALIASES (MIP_SSIP | MIP_STIP | MIP_SEIP)

static RISCVException read_mvip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_cpu_mip_effective(env) & MVIP_MIP_ALIASES;
    return RISCV_EXCP_NONE;
}

static RISCVException write_mvip(CPURISCVState *env, int csrno, uint64_t val)
{
    riscv_cpu_update_mip(env_cpu(env), mip_writable(env) & MVIP_MIP_ALIASES, val);
    return RISCV_EXCP_NONE;
}

static RISCVException read_sip(CPURISCVState *env, int csrno, uint64_t *val)
{
    if (env->virt) {
        return riscv_vs_read_sip(env, val);
    }
    *val = atomic_load(&env->mip) & env->mideleg & s_irq_mask(env);
    return RISCV_EXCP_NONE;
}

static RISCVException write_sip(CPURISCVState *env, int csrno, uint64_t val)
{
    if (env->virt) {
        return riscv_vs_write_sip(env, val);
    }
    riscv_cpu_update_mip(env_cpu(env), env->mideleg & (MIP_SSIP | MIP_LCOFIP), val);
    return RISCV_EXCP_NONE;
}

/* ---- trap vectors (3.1.7): modes 0 direct and 1 vectored; reserved modes keep the CSR ---- */

static RISCVException read_mtvec(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = csrno == CSR_MTVEC ? env->mtvec : env->stvec;
    return RISCV_EXCP_NONE;
}

static RISCVException write_mtvec(CPURISCVState *env, int csrno, uint64_t val)
{
    if ((val & 3) >= 2) {
        log_mask(LOG_GUEST_ERROR, "riscv: %s write 0x%" PRIx64 " with a reserved mode ignored\n",
                 riscv_csr_name(csrno), val);
        return RISCV_EXCP_NONE;
    }
    *(csrno == CSR_MTVEC ? &env->mtvec : &env->stvec) = val;
    return RISCV_EXCP_NONE;
}

/* ---- address translation (4.1.11) ---- */

static RISCVException read_satp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->satp;
    return RISCV_EXCP_NONE;
}

/* An unsupported MODE makes the whole write have no effect (WARL as the spec describes). */
static RISCVException write_satp(CPURISCVState *env, int csrno, uint64_t val)
{
    if (!env_cpu(env)->mmu) {
        return RISCV_EXCP_NONE; /* -cpu ...,mmu=off: read-only zero, as QEMU 7.2 */
    }
    switch (val >> SATP_MODE_SHIFT) {
    case SATP_MODE_BARE:
    case SATP_MODE_SV39:
    case SATP_MODE_SV48:
    case SATP_MODE_SV57:
        break;
    default:
        return RISCV_EXCP_NONE;
    }
    /*
     * No ASID-tagged TLB: any change of root or ASID drops every translation of its side
     * but the global ones (G, 4.3.1: in every address space, so valid under the new ASID),
     * a change of mode all of them; with V=1 this is vsatp, the guest's: it selects the slot
     * of the new pair. Linux marks its kernel's mappings global: keeping them across its
     * switches of ASID (and its ASID-specific fences, riscv_helper_sfence_vma) halved the
     * boot's TLB fills, 45,500 to 22,500.
     */
    if (val != env->satp) {
        bool same_mode = (val ^ env->satp) >> SATP_MODE_SHIFT == 0;
        env->satp = val;
        if (env->virt) {
            riscv_vtlb_select(env);
        } else if (same_mode) {
            tlb_flush_nonglobal_by_mmuidx(env_cs(env), MMU_IDX_HS_MASK);
        } else {
            tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_HS_MASK);
        }
    }
    return RISCV_EXCP_NONE;
}

/* ---- environment configuration and Sstc ---- */

static RISCVException read_stimecmp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->virt ? env->vstimecmp : env->stimecmp;
    return RISCV_EXCP_NONE;
}

static RISCVException write_stimecmp(CPURISCVState *env, int csrno, uint64_t val)
{
    if (env->virt) {
        env->vstimecmp = val;
        riscv_vstc_update(env);
        return RISCV_EXCP_NONE;
    }
    env->stimecmp = val;
    riscv_sstc_update(env);
    return RISCV_EXCP_NONE;
}

/* ---- PMP (3.7): the entry logic lives in pmp.c ---- */

static RISCVException read_pmpcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_pmpcfg_read(env, csrno - CSR_PMPCFG0);
    return RISCV_EXCP_NONE;
}

static RISCVException write_pmpcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    riscv_pmpcfg_write(env, csrno - CSR_PMPCFG0, val);
    return RISCV_EXCP_NONE;
}

static RISCVException read_pmpaddr(CPURISCVState *env, int csrno, uint64_t *val)
{
    unsigned index = csrno - CSR_PMPADDR0;
    *val = index < RISCV_PMP_ENTRIES ? env->pmpaddr[index] : 0;
    return RISCV_EXCP_NONE;
}

static RISCVException write_pmpaddr(CPURISCVState *env, int csrno, uint64_t val)
{
    riscv_pmpaddr_write(env, csrno - CSR_PMPADDR0, val);
    return RISCV_EXCP_NONE;
}

/* ---- the table ---- */

#define FIELD_CSR(num, field) CSR_ROW(num, #field, NULL, NULL, read_##field, write_##field)
#define RO_CSR(num, name, fn) CSR_ROW(num, name, NULL, NULL, fn, NULL)
/* A numbered family: the name is the prefix followed by csrno - base. */
#define CSR_RANGE(first, last, prefix, base, ...)                                                  \
    {                                                                                              \
        (first), (last),                                                                           \
        {                                                                                          \
            prefix, __VA_ARGS__, .index_base = (base)                                              \
        }                                                                                          \
    }

static const RISCVCSRRow csr_rows[] = {
    CSR_ROW(CSR_FFLAGS, "fflags", NULL, gate_fs, read_fflags, write_fflags),
    CSR_ROW(CSR_FRM, "frm", NULL, gate_fs, read_frm, write_frm),
    CSR_ROW(CSR_FCSR, "fcsr", NULL, gate_fs, read_fcsr, write_fcsr),
    CSR_ROW(CSR_VSTART, "vstart", pred_vector, gate_vs, read_vcsr_field, write_vcsr_field),
    CSR_ROW(CSR_VXSAT, "vxsat", pred_vector, gate_vs, read_vcsr_field, write_vcsr_field),
    CSR_ROW(CSR_VXRM, "vxrm", pred_vector, gate_vs, read_vcsr_field, write_vcsr_field),
    CSR_ROW(CSR_VCSR, "vcsr", pred_vector, gate_vs, read_vcsr_field, write_vcsr_field),
    CSR_ROW(CSR_VL, "vl", pred_vector, gate_vs, read_vcsr_field, NULL),
    CSR_ROW(CSR_VTYPE, "vtype", pred_vector, gate_vs, read_vcsr_field, NULL),
    CSR_ROW(CSR_VLENB, "vlenb", pred_vector, gate_vs, read_vcsr_field, NULL),

    CSR_ROW(CSR_CYCLE, "cycle", NULL, gate_counter, read_counter, NULL),
    CSR_ROW(CSR_TIME, "time", NULL, gate_counter, read_time, NULL),
    CSR_ROW(CSR_INSTRET, "instret", NULL, gate_counter, read_counter, NULL),
    CSR_ROW(CSR_MCYCLE, "mcycle", NULL, NULL, read_counter, write_mcounter),
    CSR_ROW(CSR_MINSTRET, "minstret", NULL, NULL, read_counter, write_mcounter),
    CSR_RANGE(CSR_HPMCOUNTER3, CSR_HPMCOUNTER31, "hpmcounter", CSR_CYCLE, NULL, gate_counter,
              read_counter, NULL),
    CSR_RANGE(CSR_MHPMCOUNTER3, CSR_MHPMCOUNTER31, "mhpmcounter", CSR_MCYCLE, NULL, NULL,
              read_counter, write_mcounter),
    CSR_RANGE(CSR_MHPMEVENT3, CSR_MHPMEVENT31, "mhpmevent", CSR_MHPMEVENT3 - 3, NULL, NULL,
              read_mhpmevent, write_mhpmevent),

    CSR_ROW(CSR_SSTATUS, "sstatus", NULL, NULL, read_sstatus, write_sstatus),
    CSR_ROW(CSR_SIE, "sie", NULL, NULL, read_sie, write_sie),
    CSR_ROW(CSR_STVEC, "stvec", NULL, NULL, read_mtvec, write_mtvec),
    FIELD_CSR(CSR_SCOUNTEREN, scounteren),
    CSR_ROW(CSR_SENVCFG, "senvcfg", NULL, gate_senvcfg, read_senvcfg, write_senvcfg),
    CSR_RANGE(CSR_SSTATEEN0, CSR_SSTATEEN3, "sstateen", CSR_SSTATEEN0, pred_ssstateen,
              gate_sstateen, read_stateen, write_stateen),
    FIELD_CSR(CSR_SSCRATCH, sscratch),
    FIELD_CSR(CSR_SEPC, sepc),
    FIELD_CSR(CSR_SCAUSE, scause),
    FIELD_CSR(CSR_STVAL, stval),
    CSR_ROW(CSR_SIP, "sip", NULL, NULL, read_sip, write_sip),
    CSR_ROW(CSR_STIMECMP, "stimecmp", pred_sstc, gate_stimecmp, read_stimecmp, write_stimecmp),
    CSR_ROW(CSR_SCOUNTOVF, "scountovf", pred_sscofpmf, NULL, read_scountovf, NULL),
    CSR_ROW(CSR_SATP, "satp", NULL, gate_satp, read_satp, write_satp),
    CSR_ROW(CSR_SISELECT, "siselect", pred_ssaia, gate_aia, read_iselect, write_iselect),
    CSR_ROW(CSR_SIREG, "sireg", pred_ssaia, gate_aia, read_ireg, write_ireg),
    CSR_ROW(CSR_STOPEI, "stopei", pred_ssaia, gate_aia, read_topei, write_topei),
    CSR_ROW(CSR_STOPI, "stopi", pred_ssaia, gate_aia, read_topi, NULL),

    RO_CSR(CSR_MVENDORID, "mvendorid", read_mvendorid),
    RO_CSR(CSR_MARCHID, "marchid", read_marchid),
    RO_CSR(CSR_MIMPID, "mimpid", read_mimpid),
    RO_CSR(CSR_MHARTID, "mhartid", read_mhartid),
    RO_CSR(CSR_MCONFIGPTR, "mconfigptr", read_zero),

    FIELD_CSR(CSR_MSTATUS, mstatus),
    CSR_ROW(CSR_MISA, "misa", NULL, NULL, read_misa, NULL),
    FIELD_CSR(CSR_MEDELEG, medeleg),
    FIELD_CSR(CSR_MIDELEG, mideleg),
    FIELD_CSR(CSR_MIE, mie),
    CSR_ROW(CSR_MTVEC, "mtvec", NULL, NULL, read_mtvec, write_mtvec),
    FIELD_CSR(CSR_MCOUNTEREN, mcounteren),
    FIELD_CSR(CSR_MENVCFG, menvcfg),
    CSR_RANGE(CSR_MSTATEEN0, CSR_MSTATEEN3, "mstateen", CSR_MSTATEEN0, pred_smstateen, NULL,
              read_stateen, write_stateen),
    FIELD_CSR(CSR_MCOUNTINHIBIT, mcountinhibit),
    FIELD_CSR(CSR_MSCRATCH, mscratch),
    FIELD_CSR(CSR_MEPC, mepc),
    FIELD_CSR(CSR_MCAUSE, mcause),
    FIELD_CSR(CSR_MTVAL, mtval),
    FIELD_CSR(CSR_MIP, mip),
    CSR_RANGE(CSR_PMPCFG0, CSR_PMPCFG15, "pmpcfg", CSR_PMPCFG0, pred_pmpcfg, NULL, read_pmpcfg,
              write_pmpcfg),
    CSR_RANGE(CSR_PMPADDR0, CSR_PMPADDR63, "pmpaddr", CSR_PMPADDR0, pred_pmp, NULL, read_pmpaddr,
              write_pmpaddr),
    /* Smepmp is not implemented: mseccfg reads zero (QEMU's value without ePMP). */
    CSR_ROW(CSR_MSECCFG, "mseccfg", NULL, NULL, read_zero, NULL),
    CSR_ROW(CSR_MISELECT, "miselect", pred_smaia, NULL, read_iselect, write_iselect),
    CSR_ROW(CSR_MIREG, "mireg", pred_smaia, NULL, read_ireg, write_ireg),
    CSR_ROW(CSR_MTOPEI, "mtopei", pred_smaia, NULL, read_topei, write_topei),
    CSR_ROW(CSR_MTOPI, "mtopi", pred_smaia, NULL, read_topi, NULL),
    CSR_ROW(CSR_MVIEN, "mvien", pred_smaia, NULL, read_zero, write_ignore),
    CSR_ROW(CSR_MVIP, "mvip", pred_smaia, NULL, read_mvip, write_mvip),

    /* No debug triggers: tselect accepts only 0, tdata* read zero (Sdtrig "no triggers"). */
    CSR_ROW(CSR_TSELECT, "tselect", NULL, NULL, read_zero, NULL),
    CSR_ROW(CSR_TDATA1, "tdata1", NULL, NULL, read_zero, NULL),
    CSR_ROW(CSR_TDATA2, "tdata2", NULL, NULL, read_zero, NULL),
    CSR_ROW(CSR_TDATA3, "tdata3", NULL, NULL, read_zero, NULL),
};

static void csr_main_index(void);
static uint8_t csr_row_of[4096];
static RISCVCSRTable csr_table = {csr_rows, ARRAY_SIZE(csr_rows), csr_row_of, csr_main_index,
                                  PTHREAD_ONCE_INIT};
_Static_assert(ARRAY_SIZE(csr_rows) < 255, "a row number must fit in row_of's bytes");

static void csr_main_index(void)
{
    riscv_csr_table_index(&csr_table);
}

void riscv_csr_table_index(RISCVCSRTable *t)
{
    for (size_t r = 0; r < t->num_rows; r++) {
        for (int csrno = t->rows[r].first; csrno <= t->rows[r].last; csrno++) {
            t->row_of[csrno] = r + 1;
        }
    }
}

const RISCVCSR *riscv_csr_table_find(RISCVCSRTable *t, int csrno)
{
    if (csrno < 0 || csrno >= 4096) {
        return NULL;
    }
    pthread_once(&t->once, t->index);
    return t->row_of[csrno] ? &t->rows[t->row_of[csrno] - 1].csr : NULL;
}

/* The main table's row for csrno (not the hypervisor's), or NULL. */
static const RISCVCSR *csr_main(int csrno)
{
    return riscv_csr_table_find(&csr_table, csrno);
}

/* ---- the csrrw path ---- */

static const RISCVCSR *csr_entry(int csrno)
{
    const RISCVCSR *csr = csr_main(csrno);

    return csr ? csr : riscv_csr_hyp_lookup(csrno);
}

static const RISCVCSR *csr_lookup(CPURISCVState *env, int csrno)
{
    const RISCVCSR *csr = csr_entry(csrno);

    if (!csr) {
        return NULL;
    }
    if (csr->exists && csr->exists(env, csrno) != RISCV_EXCP_NONE) {
        return NULL;
    }
    return csr;
}

/*
 * 2.1 bits [9:8]: the lowest privilege (0b10: hypervisor CSRs, reached from HS). With V=1
 * (8.6.1) a hypervisor or VS CSR, or an S CSR from VU-mode, raises a virtual-instruction
 * exception where HS-mode would have been allowed; an M CSR stays illegal.
 */
static RISCVException csr_priv_check(CPURISCVState *env, int csrno)
{
    unsigned need = extract64(csrno, 8, 2);

    if (env->virt) {
        if (need == PRV_M) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        if (need == 2 || env->priv < need) {
            return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
        }
        return RISCV_EXCP_NONE;
    }
    if (need == 2) {
        need = PRV_S;
    }
    return env->priv < need ? RISCV_EXCP_ILLEGAL_INST : RISCV_EXCP_NONE;
}

static RISCVException csr_access(CPURISCVState *env, int csrno, uint64_t *ret_value,
                                 uint64_t new_value, uint64_t write_mask, bool debug)
{
    const RISCVCSR *csr = csr_lookup(env, csrno);
    bool writes = write_mask != 0;
    RISCVException r;
    uint64_t old;

    if (!csr) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    /* 2.1: bits [11:10] == 3 mark read-only CSRs, bits [9:8] the lowest privilege. */
    if (writes && extract64(csrno, 10, 2) == 3) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (!debug) {
        r = csr_priv_check(env, csrno);
        if (r != RISCV_EXCP_NONE) {
            return r;
        }
        if (csr->gate && (r = csr->gate(env, csrno)) != RISCV_EXCP_NONE) {
            return r;
        }
        if ((r = riscv_csr_vti_check(env, csrno, writes)) != RISCV_EXCP_NONE) {
            return r;
        }
    }
    r = csr->read(env, csrno, &old);
    if (r != RISCV_EXCP_NONE) {
        return r;
    }
    if (writes && csr->write) {
        r = csr->write(env, csrno, (old & ~write_mask) | (new_value & write_mask));
        if (r != RISCV_EXCP_NONE) {
            return r;
        }
        if (!debug) {
            counter_skip_own_retirement(env, csrno);
        }
    }
    if (ret_value) {
        *ret_value = old;
    }
    return RISCV_EXCP_NONE;
}

RISCVException riscv_csrrw(CPURISCVState *env, int csrno, uint64_t *ret_value, uint64_t new_value,
                           uint64_t write_mask)
{
    return csr_access(env, csrno, ret_value, new_value, write_mask, false);
}

RISCVException riscv_csrrw_debug(CPURISCVState *env, int csrno, uint64_t *ret_value,
                                 uint64_t new_value, uint64_t write_mask)
{
    return csr_access(env, csrno, ret_value, new_value, write_mask, true);
}

/* Names of numbered families, spelled out once ("pmpaddr12"); each slot is written once. */
static char csr_range_names[4096][16];
static pthread_once_t csr_range_names_once = PTHREAD_ONCE_INIT;

static void csr_range_names_init(void)
{
    for (int csrno = 0; csrno < 4096; csrno++) {
        const RISCVCSR *csr = csr_main(csrno);
        if (csr && csr->index_base) {
            snprintf(csr_range_names[csrno], sizeof(csr_range_names[csrno]), "%s%d", csr->name,
                     csrno - csr->index_base);
        }
    }
}

const char *riscv_csr_name(int csrno)
{
    const RISCVCSR *csr = csr_main(csrno);

    if (!csr) {
        const RISCVCSR *h = riscv_csr_hyp_lookup(csrno);
        return h ? h->name : NULL;
    }
    /* Odd pmpcfg registers do not exist on RV64. */
    if (csr->exists == pred_pmpcfg && (csrno & 1)) {
        return NULL;
    }
    if (!csr->index_base) {
        return csr->name;
    }
    pthread_once(&csr_range_names_once, csr_range_names_init);
    return csr_range_names[csrno];
}
