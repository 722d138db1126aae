/*
 * The AIA CSRs of the hart (Smaia and Ssaia, The RISC-V Advanced Interrupt Architecture 1.0
 * chapters 2, 5 and 6): miselect/mireg and siselect/sireg reach the major interrupt priorities
 * (iselect 0x30..0x3f) and the hart's IMSIC interrupt file (0x70..0xff); mtopei/stopei
 * read and claim the file's top interrupt; mtopi/stopi name the top pending major interrupt.
 * With H, vsiselect/vsireg/vstopei/vstopi are the VS level's, and under V=1 they substitute
 * for siselect/sireg/stopei/stopi: 0x70..0xff and vstopei reach the guest interrupt file that
 * hstatus.VGEIN names (-machine aia-guests), and while VGEIN names none (0, or above GEILEN)
 * those registers and 0x30..0x3f are "inaccessible" (2.3): an illegal-instruction exception
 * from M/HS, a virtual-instruction exception from VS, so a hypervisor can emulate them.
 *
 * The priority array is read-only zero (the spec allows it), so major interrupts rank in the
 * default order of section 6.1, and a zero priority number reports as IPRIO 1 so that *topi
 * is nonzero exactly while an interrupt is pending. mvien/mvip are read-only zero: no
 * virtual supervisor interrupts are injected from M. hvien, hviprio1 and hviprio2 are
 * read-only zero (the minimal implementation 6.3 allows) and hvictl.VTI reads zero, so VS
 * interrupts rank in the default order; hvictl's IPRIO/IPRIOM reach vstopi.
 */
#include "csr-internal.h"

/* Section 6.1's default order of the major interrupts this hart has, highest first. */
static const uint8_t default_order[] = {IRQ_M_EXT,   IRQ_M_SOFT,   IRQ_M_TIMER, IRQ_S_EXT,
                                        IRQ_S_SOFT,  IRQ_S_TIMER,  IRQ_S_GEXT,  IRQ_VS_EXT,
                                        IRQ_VS_SOFT, IRQ_VS_TIMER, IRQ_LCOF};

/* The level a CSR reaches: the vs* CSRs and, under V=1, the s* ones are VS's. */
typedef enum { AIA_M, AIA_S, AIA_VS } AIALevel;

RISCVException pred_smaia(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_smaia ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException pred_ssaia(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_ssaia ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException pred_h_ssaia(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_h ? pred_ssaia(env, csrno) : RISCV_EXCP_ILLEGAL_INST;
}

static AIALevel aia_level(CPURISCVState *env, int csrno)
{
    switch (csrno) {
    case CSR_MISELECT:
    case CSR_MIREG:
    case CSR_MTOPEI:
    case CSR_MTOPI:
        return AIA_M;
    case CSR_VSISELECT:
    case CSR_VSIREG:
    case CSR_VSTOPEI:
    case CSR_VSTOPI:
        return AIA_VS;
    default:
        return env->virt ? AIA_VS : AIA_S;
    }
}

/* The interrupt file a level reaches; for VS the guest file VGEIN names, or NULL. */
static const RISCVIMSICLink *imsic_file(CPURISCVState *env, AIALevel level)
{
    RISCVCPU *cpu = env_cpu(env);
    unsigned vgein = extract64(env->hstatus, HSTATUS_VGEIN_SHIFT, 6);

    if (level != AIA_VS) {
        return level == AIA_M ? &cpu->imsic_m : &cpu->imsic_s;
    }
    if (vgein == 0 || vgein > cpu->geilen || !cpu->imsic_guest[vgein].ops) {
        return NULL;
    }
    return &cpu->imsic_guest[vgein];
}

/* Smstateen (AIA 1.0, 2.5): the xstateen0 bit behind each S-, VS- and H-level AIA CSR. */
static uint64_t aia_stateen_bit(int csrno)
{
    switch (csrno) {
    case CSR_SISELECT:
    case CSR_SIREG:
    case CSR_VSISELECT:
    case CSR_VSIREG:
        return STATEEN0_CSRIND;
    case CSR_STOPEI:
    case CSR_VSTOPEI:
        return STATEEN0_IMSIC;
    default: /* stopi, vstopi, hvictl, hvien, hviprio1/2 */
        return STATEEN0_AIA;
    }
}

RISCVException gate_aia(CPURISCVState *env, int csrno)
{
    return riscv_stateen_check(env, 0, aia_stateen_bit(csrno));
}

/* 2.3: an inaccessible VS register is illegal from M/HS (vs* CSRs), virtual from VS. */
static RISCVException vs_inaccessible(CPURISCVState *env)
{
    return env->virt ? RISCV_EXCP_VIRT_INSTRUCTION_FAULT : RISCV_EXCP_ILLEGAL_INST;
}

static uint64_t *iselect_reg(CPURISCVState *env, int csrno)
{
    AIALevel level = aia_level(env, csrno);

    return level == AIA_M ? &env->miselect : level == AIA_S ? &env->siselect : &env->vsiselect;
}

RISCVException read_iselect(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = *iselect_reg(env, csrno);
    return RISCV_EXCP_NONE;
}

RISCVException write_iselect(CPURISCVState *env, int csrno, uint64_t val)
{
    /* WARL: 0..0xfff holds every defined value (implementations may have fewer bits). */
    *iselect_reg(env, csrno) = val & 0xfff;
    return RISCV_EXCP_NONE;
}

/*
 * mireg/sireg: csr.c reads, then writes the merged value, so a csrrs/csrrc on eipN could
 * overwrite an MSI that lands between the two; software claims through *topei instead,
 * which is atomic in the device.
 */
static RISCVException ireg_access(CPURISCVState *env, int csrno, uint64_t *old, uint64_t val,
                                  uint64_t mask)
{
    AIALevel level = aia_level(env, csrno);
    uint64_t sel = *iselect_reg(env, csrno);
    const RISCVIMSICLink *file = imsic_file(env, level);
    bool iprio = sel >= ISELECT_IPRIO0 && sel <= ISELECT_IPRIO15;

    if (level == AIA_VS &&
        (iprio || (!file && sel >= ISELECT_IMSIC_FIRST && sel <= ISELECT_IMSIC_LAST))) {
        return vs_inaccessible(env); /* VS has no priority array; no guest file selected */
    }
    if (iprio) {
        *old = 0; /* read-only zero priorities; odd ones do not exist on RV64 */
        return (sel & 1) ? RISCV_EXCP_ILLEGAL_INST : RISCV_EXCP_NONE;
    }
    if (sel < ISELECT_IMSIC_FIRST || sel > ISELECT_IMSIC_LAST || !file || !file->ops ||
        !file->ops->rmw(file->opaque, sel, old, val, mask)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    return RISCV_EXCP_NONE;
}

RISCVException read_ireg(CPURISCVState *env, int csrno, uint64_t *val)
{
    return ireg_access(env, csrno, val, 0, 0);
}

RISCVException write_ireg(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t old;

    return ireg_access(env, csrno, &old, val, ~0ULL);
}

RISCVException read_topei(CPURISCVState *env, int csrno, uint64_t *val)
{
    AIALevel level = aia_level(env, csrno);
    const RISCVIMSICLink *file = imsic_file(env, level);

    if (level == AIA_VS && !file) {
        return vs_inaccessible(env);
    }
    *val = env->topei_read = file->ops ? file->ops->topei(file->opaque) : 0;
    return RISCV_EXCP_NONE;
}

/*
 * Any write claims the interrupt the register named when the same instruction read it
 * (csr.c reads before it writes): an MSI of a higher priority landing in between stays
 * pending instead of being claimed unseen. The value written is ignored.
 */
RISCVException write_topei(CPURISCVState *env, int csrno, uint64_t val)
{
    const RISCVIMSICLink *file = imsic_file(env, aia_level(env, csrno));

    if (file && file->ops) {
        file->ops->claim(file->opaque, env->topei_read);
    }
    return RISCV_EXCP_NONE;
}

/* The first of order[] pending in pending, as a *topi value (IPRIO 1), or 0. */
static uint64_t topi_of(uint64_t pending, const uint8_t *order, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (pending & (1ULL << order[i])) {
            return (uint64_t)order[i] << TOPI_IID_SHIFT | 1;
        }
    }
    return 0;
}

/*
 * vstopi (6.3.3): the VS interrupts pending in vsip and enabled in vsie, as VS numbers them
 * (SEI 9, SSI 1, STI 5). SEI's priority number is vstopei's identity when VGEIN names a file
 * with one pending, else hvictl.IPRIO when VGEIN = 0 and hvictl names IID 9 with a nonzero
 * IPRIO, else 256; hviprio1/2 are zero, which ranks SSI and STI (below SEI by default) after
 * any SEI. IPRIO reads 1 unless hvictl.IPRIOM asks for the number (255 for 0 or > 255).
 */
static uint64_t vstopi(CPURISCVState *env)
{
    unsigned vgein = extract64(env->hstatus, HSTATUS_VGEIN_SHIFT, 6);
    bool ipriom = env->hvictl & HVICTL_IPRIOM;
    const RISCVIMSICLink *file;
    uint64_t vsip, vsie, top;
    unsigned prio = 256;

    riscv_vs_read_sip(env, &vsip);
    riscv_vs_read_sie(env, &vsie);
    top = topi_of(vsip & vsie, (const uint8_t[]){IRQ_S_EXT, IRQ_S_SOFT, IRQ_S_TIMER}, 3);
    if (!top || !ipriom) {
        return top;
    }
    if (top >> TOPI_IID_SHIFT != IRQ_S_EXT) {
        return top | 0xff;
    }
    file = imsic_file(env, AIA_VS);
    if (file && file->ops->topei(file->opaque)) {
        prio = file->ops->topei(file->opaque) & 0x7ff;
    } else if (!vgein && extract64(env->hvictl, HVICTL_IID_SHIFT, 12) == IRQ_S_EXT &&
               (env->hvictl & HVICTL_IPRIO)) {
        prio = env->hvictl & HVICTL_IPRIO;
    }
    return (top & ~0xffULL) | MIN(prio, 255);
}

/*
 * hvictl (6.3.2): IID, DPR, IPRIOM and IPRIO are kept; VTI (injecting an arbitrary interrupt
 * and trapping VS's sip/sie writes) is not implemented and reads zero.
 */
RISCVException read_hvictl(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->hvictl;
    return RISCV_EXCP_NONE;
}

RISCVException write_hvictl(CPURISCVState *env, int csrno, uint64_t val)
{
    env->hvictl = val & (HVICTL_IID | HVICTL_DPR | HVICTL_IPRIOM | HVICTL_IPRIO);
    return RISCV_EXCP_NONE;
}

/*
 * mtopi: interrupts pending and enabled for M (not delegated); stopi: those for HS
 * (delegated to S, not on to VS by hideleg); vstopi (stopi under V=1): VS's.
 */
RISCVException read_topi(CPURISCVState *env, int csrno, uint64_t *val)
{
    uint64_t pending = riscv_cpu_mip_effective(env) & env->mie;
    AIALevel level = aia_level(env, csrno);

    if (level == AIA_VS) {
        *val = vstopi(env);
        return RISCV_EXCP_NONE;
    }
    pending &= level == AIA_M ? ~env->mideleg : env->mideleg & ~env->hideleg;
    *val = topi_of(pending, default_order, ARRAY_SIZE(default_order));
    return RISCV_EXCP_NONE;
}
