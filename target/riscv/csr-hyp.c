/*
 * The H extension's CSRs (Privileged ISA 20211203, chapter 8 "Hypervisor
 * Extension, Version 1.0"): the hypervisor CSRs (8.2: hstatus, hedeleg,
 * hideleg, hvip, hip, hie, hgeip, hgeie, henvcfg, hcounteren, htimedelta,
 * htval, htinst, hgatp), the virtual-supervisor CSRs (8.3: vsstatus, vsip,
 * vsie, vstvec, vsscratch, vsepc, vscause, vstval, vsatp), the machine
 * additions (8.4: mtval2, mtinst), Sstc's vstimecmp, and the switch of V.
 *
 * Modelling choices:
 * - The running side's supervisor registers live in the ordinary fields
 *   (env->stvec, the S bits of env->mstatus...); the other side's in
 *   env->s_other. riscv_cpu_set_virt swaps them, so with V=1 every S-CSR
 *   access, trap to VS, sret and the VS-stage walk use the vs* values with no
 *   test of V on those paths (8.2: "when V=1, the VS CSRs substitute for the
 *   corresponding supervisor CSRs").
 * - GEILEN is 0 unless the board sets it (riscv_cpu_set_geilen: IMSIC guest
 *   files, aia-guests=N makes it N): then hgeie/hgeip and hstatus.VGEIN read
 *   zero. hgeip bits are input lines of the hart (guest file g drives bit g).
 * - hvip's bits are kept in mip (bits 2, 6, 10), which the hart already reads
 *   atomically; vstimecmp's comparison is a separate flag ORed into VSTIP.
 * - VSXL and the VS-mode UXL are read-only 64-bit; hstatus.VSBE is zero.
 * - htinst and mtinst are plain storage here; a trap writes them (tinst.c: the
 *   transformed instruction of a guest-page fault, else 0; QEMU 7.2 writes 0).
 */
#include <inttypes.h>

#include "accel/tcg/cputlb.h"
#include "csr-internal.h"
#include "system/cpus.h"
#include "util/log.h"

/* ---- V and the swapped supervisor state ---- */

/* The S fields of mstatus that are vsstatus while V=1. */
#define VS_SWAP_STATUS SSTATUS_READ_MASK

static void swap64(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;
    *a = *b;
    *b = t;
}

void riscv_cpu_set_virt(CPURISCVState *env, bool virt)
{
    uint64_t live;

    if (env->virt == virt) {
        return;
    }
    if (env->fs_masked) {
        env->mstatus |= env->guest_fs;
        env->fs_masked = false;
    }
    live = env->mstatus & VS_SWAP_STATUS;
    /*
     * 8.2.1: FP/vector state the guest dirtied is the hypervisor's state too, so
     * HS-level FS/VS become Dirty when the guest's did (the JIT marks only the live
     * mstatus; catching it here, on the way out, is what HS can ever observe).
     */
    if (!virt && (live & MSTATUS_FS) == MSTATUS_FS) {
        env->s_other.status |= MSTATUS_FS | MSTATUS_SD;
    }
    if (!virt && (live & MSTATUS_VS) == MSTATUS_VS) {
        env->s_other.status |= MSTATUS_VS | MSTATUS_SD;
    }
    env->mstatus = (env->mstatus & ~VS_SWAP_STATUS) | (env->s_other.status & VS_SWAP_STATUS);
    env->s_other.status = live;
    swap64(&env->stvec, &env->s_other.stvec);
    swap64(&env->sscratch, &env->s_other.sscratch);
    swap64(&env->sepc, &env->s_other.sepc);
    swap64(&env->scause, &env->s_other.scause);
    swap64(&env->stval, &env->s_other.stval);
    swap64(&env->satp, &env->s_other.satp);
    env->virt = virt;
    if (virt && !(env->s_other.status & MSTATUS_FS) && (env->mstatus & MSTATUS_FS)) {
        env->guest_fs = env->mstatus & MSTATUS_FS;
        env->mstatus &= ~MSTATUS_FS;
        env->fs_masked = true;
    }
}

uint64_t riscv_sstatus_view(CPURISCVState *env, uint64_t s)
{
    if (!env->fs_masked) {
        return s;
    }
    s = (s & ~(MSTATUS_FS | MSTATUS_SD)) | env->guest_fs;
    if ((s & MSTATUS_FS) == MSTATUS_FS || (s & MSTATUS_VS) == MSTATUS_VS) {
        s |= MSTATUS_SD;
    }
    return s;
}

uint64_t riscv_cpu_mip_effective(CPURISCVState *env)
{
    uint64_t mip = atomic_load_explicit(&env->mip, memory_order_relaxed);
    uint64_t hgeip = atomic_load_explicit(&env->hgeip, memory_order_relaxed);

    if (__atomic_load_n(&env->vstime_irq, __ATOMIC_RELAXED)) {
        mip |= MIP_VSTIP;
    }
    if (unlikely(hgeip)) {
        unsigned vgein = extract64(env->hstatus, HSTATUS_VGEIN_SHIFT, 6);
        mip |= (hgeip & env->hgeie) ? MIP_SGEIP : 0;
        mip |= (vgein && ((hgeip >> vgein) & 1)) ? MIP_VSEIP : 0;
    }
    return mip;
}

void riscv_cpu_set_geilen(RISCVCPU *cpu, unsigned geilen)
{
    cpu->geilen = MIN(geilen, RISCV_CPU_GEI_MAX);
}

void riscv_cpu_set_gei(RISCVCPU *cpu, unsigned n, int level)
{
    CPURISCVState *env = &cpu->env;
    uint64_t bit = 1ULL << n, old;

    if (n == 0 || n > cpu->geilen) {
        return; /* no such guest external interrupt on this hart */
    }
    old = level ? atomic_fetch_or(&env->hgeip, bit) : atomic_fetch_and(&env->hgeip, ~bit);
    if (level && !(old & bit)) {
        cpu_kick(&cpu->parent_obj);
    }
}

static CPUState *env_cs(CPURISCVState *env)
{
    return &env_cpu(env)->parent_obj;
}

/* The vs* register: live while V=1, in s_other while V=0 (the gdbstub reads either). */
#define VS_REG(env, field) ((env)->virt ? &(env)->field : &(env)->s_other.field)

/* ---- predicates and gates ---- */

static RISCVException pred_h(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_h ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

static RISCVException pred_h_sstc(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_h && env_cpu(env)->ext_sstc ? RISCV_EXCP_NONE
                                                         : RISCV_EXCP_ILLEGAL_INST;
}

/* 8.2.10: HS-mode reaches hgatp only while mstatus.TVM is clear. */
static RISCVException gate_hgatp(CPURISCVState *env, int csrno)
{
    bool trapped = env->priv == PRV_S && (env->mstatus & MSTATUS_TVM);
    return trapped ? RISCV_EXCP_ILLEGAL_INST : RISCV_EXCP_NONE;
}

/* vstimecmp from HS: as stimecmp, M must enable the time counter and STCE. */
static RISCVException gate_vstimecmp(CPURISCVState *env, int csrno)
{
    if (!env->rdtime_fn) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (env->priv == PRV_M) {
        return RISCV_EXCP_NONE;
    }
    bool ok = (env->mcounteren & COUNTEREN_TM) && (env->menvcfg & MENVCFG_STCE);
    return ok ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

/* ---- plain storage ---- */

#define HYP_FIELD(field, wmask)                                                                    \
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

/* AIA's hvien, hviprio1, hviprio2: read-only zero (the minimal implementation, AIA 6.3). */
static RISCVException read_zero_hyp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = 0;
    return RISCV_EXCP_NONE;
}

/* hedeleg (8.2.2): the causes VS can handle; ecalls from HS/VS/M and 20..23 stay zero. */
#define HEDELEG_MASK 0xb1ffULL

HYP_FIELD(hedeleg, HEDELEG_MASK)
HYP_FIELD(hcounteren, 0xffffffffULL)
HYP_FIELD(htval, ~0ULL)
HYP_FIELD(htinst, ~0ULL)
HYP_FIELD(mtval2, ~0ULL)
HYP_FIELD(mtinst, ~0ULL)

/* ---- hstatus (8.2.1) ---- */

static RISCVException read_hstatus(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->hstatus | (MSTATUS_XL_64 << HSTATUS_VSXL_SHIFT);
    return RISCV_EXCP_NONE;
}

/* VGEIN is WARL over 0..GEILEN: another value keeps the field as it was. */
static RISCVException write_hstatus(CPURISCVState *env, int csrno, uint64_t val)
{
    const uint64_t mask = HSTATUS_GVA | HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_HU | HSTATUS_VTVM |
                          HSTATUS_VTW | HSTATUS_VTSR | HSTATUS_VGEIN;

    if (extract64(val, HSTATUS_VGEIN_SHIFT, 6) > env_cpu(env)->geilen) {
        val = (val & ~HSTATUS_VGEIN) | (env->hstatus & HSTATUS_VGEIN);
    }
    env->hstatus = val & mask;
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

/* hgeie: bits 1..GEILEN */
static RISCVException read_hgeie(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->hgeie;
    return RISCV_EXCP_NONE;
}

static RISCVException write_hgeie(CPURISCVState *env, int csrno, uint64_t val)
{
    unsigned geilen = env_cpu(env)->geilen;

    env->hgeie = val & (((1ULL << geilen) - 1) << 1);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_hgeip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = atomic_load(&env->hgeip);
    return RISCV_EXCP_NONE;
}

/* ---- interrupts (8.2.3, 8.2.4) ---- */

static RISCVException read_hideleg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->hideleg;
    return RISCV_EXCP_NONE;
}

static RISCVException write_hideleg(CPURISCVState *env, int csrno, uint64_t val)
{
    env->hideleg = val & MIP_VS_MASK;
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_hie(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->mie & MIP_HS_MASK;
    return RISCV_EXCP_NONE;
}

static RISCVException write_hie(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mie = (env->mie & ~MIP_HS_MASK) | (val & MIP_HS_MASK);
    __atomic_store_n(&env->mie, mie, __ATOMIC_RELAXED);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_hip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = riscv_cpu_mip_effective(env) & MIP_HS_MASK;
    return RISCV_EXCP_NONE;
}

/* hip.VSSIP is an alias of hvip.VSSIP; the other bits are read-only here. */
static RISCVException write_hip(CPURISCVState *env, int csrno, uint64_t val)
{
    riscv_cpu_update_mip(env_cpu(env), MIP_VSSIP, val);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_hvip(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = atomic_load(&env->mip) & MIP_VS_MASK;
    return RISCV_EXCP_NONE;
}

static RISCVException write_hvip(CPURISCVState *env, int csrno, uint64_t val)
{
    riscv_cpu_update_mip(env_cpu(env), MIP_VS_MASK, val);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

/* VS-mode's sie/sip are the hideleg-delegated VS bits, one position lower (8.3.3). */
RISCVException riscv_vs_read_sie(CPURISCVState *env, uint64_t *val)
{
    *val = (env->mie & env->hideleg & MIP_VS_MASK) >> 1;
    return RISCV_EXCP_NONE;
}

RISCVException riscv_vs_write_sie(CPURISCVState *env, uint64_t val)
{
    uint64_t mask = env->hideleg & MIP_VS_MASK;
    uint64_t mie = (env->mie & ~mask) | ((val << 1) & mask);
    __atomic_store_n(&env->mie, mie, __ATOMIC_RELAXED);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

RISCVException riscv_vs_read_sip(CPURISCVState *env, uint64_t *val)
{
    *val = (riscv_cpu_mip_effective(env) & env->hideleg & MIP_VS_MASK) >> 1;
    return RISCV_EXCP_NONE;
}

/* Only SSIP is writable through vsip (it is hvip.VSSIP when delegated). */
RISCVException riscv_vs_write_sip(CPURISCVState *env, uint64_t val)
{
    riscv_cpu_update_mip(env_cpu(env), env->hideleg & MIP_VSSIP, val << 1);
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_vsie(CPURISCVState *env, int csrno, uint64_t *val)
{
    return riscv_vs_read_sie(env, val);
}

static RISCVException write_vsie(CPURISCVState *env, int csrno, uint64_t val)
{
    return riscv_vs_write_sie(env, val);
}

static RISCVException read_vsip(CPURISCVState *env, int csrno, uint64_t *val)
{
    return riscv_vs_read_sip(env, val);
}

static RISCVException write_vsip(CPURISCVState *env, int csrno, uint64_t val)
{
    return riscv_vs_write_sip(env, val);
}

/* ---- translation (8.2.10, 8.3.10) ---- */

static RISCVException read_hgatp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->hgatp;
    return RISCV_EXCP_NONE;
}

/*
 * Bare, Sv39x4, Sv48x4, Sv57x4; another MODE makes the write have no effect. The root
 * is 16 KiB aligned, so PPN[1:0] read zero. VMID keeps all 14 bits (VMIDLEN 14, as
 * QEMU 7.2). Changing guests selects the TLB slot of the new one: nothing is flushed
 * unless a slot has to be reused.
 */
static RISCVException write_hgatp(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mode = val >> HGATP_MODE_SHIFT;

    if (mode != SATP_MODE_BARE && (mode < SATP_MODE_SV39 || mode > SATP_MODE_SV57)) {
        return RISCV_EXCP_NONE;
    }
    val &= ~3ULL;
    if (val != env->hgatp) {
        env->hgatp = val;
        riscv_vtlb_select(env);
    }
    return RISCV_EXCP_NONE;
}

static RISCVException read_vsatp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = *VS_REG(env, satp);
    return RISCV_EXCP_NONE;
}

static RISCVException write_vsatp(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mode = val >> SATP_MODE_SHIFT;
    uint64_t *reg = VS_REG(env, satp);

    if (mode != SATP_MODE_BARE && (mode < SATP_MODE_SV39 || mode > SATP_MODE_SV57)) {
        return RISCV_EXCP_NONE;
    }
    if (val != *reg) {
        *reg = val;
        riscv_vtlb_select(env);
    }
    return RISCV_EXCP_NONE;
}

/* ---- the other VS registers ---- */

static RISCVException read_vsstatus(CPURISCVState *env, int csrno, uint64_t *val)
{
    uint64_t s = env->virt ? riscv_sstatus_view(env, env->mstatus) : env->s_other.status;
    *val = (s & SSTATUS_READ_MASK & ~MSTATUS_UXL) | (MSTATUS_XL_64 << MSTATUS_UXL_SHIFT);
    return RISCV_EXCP_NONE;
}

static RISCVException write_vsstatus(CPURISCVState *env, int csrno, uint64_t val)
{
    const uint64_t mask =
        MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM | MSTATUS_MXR;
    uint64_t *reg = env->virt ? &env->mstatus : &env->s_other.status;
    uint64_t old = *reg;
    uint64_t s;

    if (env->virt && env->fs_masked) {
        env->guest_fs = val & MSTATUS_FS; /* (a debugger's write: HS's FS is Off) */
        val &= ~MSTATUS_FS;
    }
    s = (old & ~mask) | (val & mask);

    s &= ~MSTATUS_SD;
    if ((s & MSTATUS_FS) == MSTATUS_FS || (s & MSTATUS_VS) == MSTATUS_VS) {
        s |= MSTATUS_SD;
    }
    *reg = s;
    if ((old ^ s) & (MSTATUS_SUM | MSTATUS_MXR)) {
        tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_V_MASK);
    }
    riscv_csr_check_interrupts(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_vstvec(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = *VS_REG(env, stvec);
    return RISCV_EXCP_NONE;
}

/* Modes 0 and 1; a reserved mode leaves the register as it was (as mtvec, stvec). */
static RISCVException write_vstvec(CPURISCVState *env, int csrno, uint64_t val)
{
    if ((val & 3) >= 2) {
        log_mask(LOG_GUEST_ERROR,
                 "riscv: vstvec write 0x%" PRIx64 " with a reserved mode ignored\n", val);
        return RISCV_EXCP_NONE;
    }
    *VS_REG(env, stvec) = val;
    return RISCV_EXCP_NONE;
}

#define VS_FIELD(name, field, wmask)                                                               \
    static RISCVException read_##name(CPURISCVState *env, int csrno, uint64_t *val)                \
    {                                                                                              \
        *val = *VS_REG(env, field);                                                                \
        return RISCV_EXCP_NONE;                                                                    \
    }                                                                                              \
    static RISCVException write_##name(CPURISCVState *env, int csrno, uint64_t val)                \
    {                                                                                              \
        *VS_REG(env, field) = val & (wmask);                                                       \
        return RISCV_EXCP_NONE;                                                                    \
    }

VS_FIELD(vsscratch, sscratch, ~0ULL)
VS_FIELD(vsepc, sepc, ~1ULL)
VS_FIELD(vscause, scause, ~0ULL)
VS_FIELD(vstval, stval, ~0ULL)

/* ---- environment and time ---- */

static RISCVException read_henvcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    /* STCE and PBMTE read zero while menvcfg clears them (8.2.5). */
    *val = env->henvcfg & (env->menvcfg | ~(MENVCFG_STCE | MENVCFG_PBMTE | MENVCFG_ADUE));
    return RISCV_EXCP_NONE;
}

static RISCVException write_henvcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    RISCVCPU *cpu = env_cpu(env);
    uint64_t mask = MENVCFG_FIOM | (cpu->ext_zicbom ? MENVCFG_CBIE | MENVCFG_CBCFE : 0) |
                    (cpu->ext_zicboz ? MENVCFG_CBZE : 0) | (cpu->ext_sstc ? MENVCFG_STCE : 0) |
                    (cpu->ext_svpbmt ? MENVCFG_PBMTE : 0) | (cpu->ext_svadu ? MENVCFG_ADUE : 0);
    uint64_t old = env->henvcfg;

    if (((val & MENVCFG_CBIE) >> MENVCFG_CBIE_SHIFT) == 2) {
        val &= ~MENVCFG_CBIE; /* reserved value: kept at 00, as menvcfg */
    }
    env->henvcfg = val & mask;
    if ((old ^ env->henvcfg) & (MENVCFG_PBMTE | MENVCFG_ADUE)) {
        tlb_flush_by_mmuidx(env_cs(env), MMU_IDX_V_MASK);
    }
    if ((old ^ env->henvcfg) & MENVCFG_STCE) {
        riscv_vstc_update(env);
    }
    return RISCV_EXCP_NONE;
}

static RISCVException read_htimedelta(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->htimedelta;
    return RISCV_EXCP_NONE;
}

static RISCVException write_htimedelta(CPURISCVState *env, int csrno, uint64_t val)
{
    env->htimedelta = val;
    riscv_vstc_update(env);
    return RISCV_EXCP_NONE;
}

static RISCVException read_vstimecmp(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->vstimecmp;
    return RISCV_EXCP_NONE;
}

static RISCVException write_vstimecmp(CPURISCVState *env, int csrno, uint64_t val)
{
    env->vstimecmp = val;
    riscv_vstc_update(env);
    return RISCV_EXCP_NONE;
}

/* ---- the table ---- */

#define H_CSR(num, field) CSR_ROW(num, #field, pred_h, NULL, read_##field, write_##field)

static const RISCVCSRRow csr_hyp_rows[] = {
    H_CSR(CSR_HSTATUS, hstatus),
    H_CSR(CSR_HEDELEG, hedeleg),
    H_CSR(CSR_HIDELEG, hideleg),
    H_CSR(CSR_HIE, hie),
    H_CSR(CSR_HTIMEDELTA, htimedelta),
    H_CSR(CSR_HCOUNTEREN, hcounteren),
    H_CSR(CSR_HGEIE, hgeie),
    H_CSR(CSR_HENVCFG, henvcfg),
    /* Smstateen (csr-envcfg.c) */
    CSR_ROW(CSR_HSTATEEN0, "hstateen0", pred_hstateen, gate_sstateen, read_stateen, write_stateen),
    CSR_ROW(CSR_HSTATEEN0 + 1, "hstateen1", pred_hstateen, gate_sstateen, read_stateen,
            write_stateen),
    CSR_ROW(CSR_HSTATEEN0 + 2, "hstateen2", pred_hstateen, gate_sstateen, read_stateen,
            write_stateen),
    CSR_ROW(CSR_HSTATEEN3, "hstateen3", pred_hstateen, gate_sstateen, read_stateen, write_stateen),
    H_CSR(CSR_HTVAL, htval),
    H_CSR(CSR_HIP, hip),
    H_CSR(CSR_HVIP, hvip),
    H_CSR(CSR_HTINST, htinst),
    CSR_ROW(CSR_HGATP, "hgatp", pred_h, gate_hgatp, read_hgatp, write_hgatp),
    CSR_ROW(CSR_HGEIP, "hgeip", pred_h, NULL, read_hgeip, NULL),
    H_CSR(CSR_VSSTATUS, vsstatus),
    H_CSR(CSR_VSIE, vsie),
    H_CSR(CSR_VSTVEC, vstvec),
    H_CSR(CSR_VSSCRATCH, vsscratch),
    H_CSR(CSR_VSEPC, vsepc),
    H_CSR(CSR_VSCAUSE, vscause),
    H_CSR(CSR_VSTVAL, vstval),
    H_CSR(CSR_VSIP, vsip),
    CSR_ROW(CSR_VSTIMECMP, "vstimecmp", pred_h_sstc, gate_vstimecmp, read_vstimecmp,
            write_vstimecmp),
    H_CSR(CSR_VSATP, vsatp),
    /* AIA (csr-aia.c): the VS level's indirect window and top interrupts */
    CSR_ROW(CSR_VSISELECT, "vsiselect", pred_h_ssaia, gate_aia, read_iselect, write_iselect),
    CSR_ROW(CSR_VSIREG, "vsireg", pred_h_ssaia, gate_aia, read_ireg, write_ireg),
    CSR_ROW(CSR_VSTOPEI, "vstopei", pred_h_ssaia, gate_aia, read_topei, write_topei),
    CSR_ROW(CSR_VSTOPI, "vstopi", pred_h_ssaia, gate_aia, read_topi, NULL),
    CSR_ROW(CSR_HVICTL, "hvictl", pred_h_ssaia, gate_aia, read_hvictl, write_hvictl),
    CSR_ROW(CSR_HVIEN, "hvien", pred_h_ssaia, gate_aia, read_zero_hyp, NULL),
    CSR_ROW(CSR_HVIPRIO1, "hviprio1", pred_h_ssaia, gate_aia, read_zero_hyp, NULL),
    CSR_ROW(CSR_HVIPRIO2, "hviprio2", pred_h_ssaia, gate_aia, read_zero_hyp, NULL),
    H_CSR(CSR_MTVAL2, mtval2),
    H_CSR(CSR_MTINST, mtinst),
};

static void csr_hyp_index(void);
static uint8_t csr_hyp_row_of[4096];
static RISCVCSRTable csr_hyp_table = {csr_hyp_rows, ARRAY_SIZE(csr_hyp_rows), csr_hyp_row_of,
                                      csr_hyp_index, PTHREAD_ONCE_INIT};
_Static_assert(ARRAY_SIZE(csr_hyp_rows) < 255, "a row number must fit in row_of's bytes");

static void csr_hyp_index(void)
{
    riscv_csr_table_index(&csr_hyp_table);
}

const RISCVCSR *riscv_csr_hyp_lookup(int csrno)
{
    return riscv_csr_table_find(&csr_hyp_table, csrno);
}
