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
 * is nonzero exactly while an interrupt is pending. mvien is read-only zero, so mvip
 * holds only aliases of mip's SSIP/STIP/SEIP (csr.c): no virtual supervisor interrupts are
 * injected from M. hvien, hviprio1 and hviprio2 are
 * read-only zero (the minimal implementation 6.3 allows), so VS's software and timer
 * interrupts rank in the default order; hvictl's fields reach vstopi, which with Ssaia
 * decides the interrupt VS takes (cpu_helper.c), so hvictl.VTI injects any interrupt.
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
 * vstopi (6.3.3) picks from two finalists. The first is a supervisor external interrupt
 * (VS's 9) pending in vsip and enabled in vsie, its priority number vstopei's identity when
 * VGEIN names a file with one pending, else hvictl.IPRIO when VGEIN = 0 and hvictl names
 * IID 9 with a nonzero IPRIO, else 256. The second is, with hvictl.VTI = 0, the first other
 * interrupt of vsip & vsie in the default order (hviprio1/2 are zero, so it ranks below any
 * SEI); with VTI = 1 and IID != 9, the interrupt hvictl names, ranked by IPRIO and, for a tie
 * or IPRIO 0, above SEI when DPR = 0. A smaller number wins; 0 is above or below all.
 */
typedef struct {
    unsigned iid;   /* VS's interrupt number, 0: none */
    unsigned prio;  /* priority number: 0 (default rank), 1..2047 */
    bool above_sei; /* default rank against SEI: decides prio 0 and ties with SEI */
} VSCandidate;

/* A key that orders candidates, smallest first: 0 above everything, 0 below after 2047. */
static unsigned vs_rank(const VSCandidate *c)
{
    return c->prio ? c->prio : c->above_sei ? 0 : 0x800;
}

static VSCandidate vs_external(CPURISCVState *env, uint64_t pending)
{
    unsigned vgein = extract64(env->hstatus, HSTATUS_VGEIN_SHIFT, 6);
    unsigned hvi_prio = env->hvictl & HVICTL_IPRIO;
    const RISCVIMSICLink *file = imsic_file(env, AIA_VS);
    VSCandidate c = {0, 256, false};

    if (!(pending & MIP_SEIP)) {
        return c;
    }
    c.iid = IRQ_S_EXT;
    if (file && file->ops->topei(file->opaque)) {
        c.prio = file->ops->topei(file->opaque) & 0x7ff;
    } else if (!vgein && extract64(env->hvictl, HVICTL_IID_SHIFT, 12) == IRQ_S_EXT && hvi_prio) {
        c.prio = hvi_prio;
    }
    return c;
}

static VSCandidate vs_other(CPURISCVState *env, uint64_t pending)
{
    static const uint8_t order[] = {IRQ_S_SOFT, IRQ_S_TIMER, IRQ_LCOF};
    unsigned iid = extract64(env->hvictl, HVICTL_IID_SHIFT, 12);
    VSCandidate c = {0, 0, false};

    if (env->hvictl & HVICTL_VTI) {
        if (iid != IRQ_S_EXT) {
            c = (VSCandidate){iid, env->hvictl & HVICTL_IPRIO, !(env->hvictl & HVICTL_DPR)};
        }
        return c;
    }
    c.iid = topi_of(pending, order, ARRAY_SIZE(order)) >> TOPI_IID_SHIFT;
    return c;
}

uint64_t riscv_cpu_vstopi(CPURISCVState *env)
{
    uint64_t vsip, vsie;
    VSCandidate sei, other, *top;

    riscv_vs_read_sip(env, &vsip);
    riscv_vs_read_sie(env, &vsie);
    sei = vs_external(env, vsip & vsie);
    other = vs_other(env, vsip & vsie);
    if (!sei.iid && !other.iid) {
        return 0;
    }
    top = !other.iid ? &sei
          : !sei.iid ? &other
          : vs_rank(&other) < vs_rank(&sei) || (vs_rank(&other) == vs_rank(&sei) && other.above_sei)
              ? &other
              : &sei;
    if (!(env->hvictl & HVICTL_IPRIOM)) {
        return (uint64_t)top->iid << TOPI_IID_SHIFT | 1;
    }
    /* stopi's rule (5.2.3): 0 for a number 0 ranked above SEI, 255 past the byte */
    return (uint64_t)top->iid << TOPI_IID_SHIFT | MIN(vs_rank(top), 255);
}

/* hvictl (6.3.2): VTI, IID (all 12 bits), DPR, IPRIOM and IPRIO; the rest reads zero. */
RISCVException read_hvictl(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->hvictl;
    return RISCV_EXCP_NONE;
}

RISCVException write_hvictl(CPURISCVState *env, int csrno, uint64_t val)
{
    env->hvictl = val & (HVICTL_VTI | HVICTL_IID | HVICTL_DPR | HVICTL_IPRIOM | HVICTL_IPRIO);
    riscv_csr_check_interrupts(env); /* the interrupt VS takes may have changed */
    return RISCV_EXCP_NONE;
}

/*
 * hvictl.VTI = 1 (6.3.2): VS's explicit accesses to sip and sie, and its writes to any CSR
 * whose write could clear a vsip bit other than SEIP, are virtual-instruction exceptions, so
 * a hypervisor emulating the interrupts it injects sees them. Here that is stimecmp
 * (vstimecmp clears VSTIP); vsip's other bits are sticky or read-only.
 */
RISCVException riscv_csr_vti_check(CPURISCVState *env, int csrno, bool writes)
{
    if (!env->virt || !(env->hvictl & HVICTL_VTI)) {
        return RISCV_EXCP_NONE;
    }
    if (csrno == CSR_SIP || csrno == CSR_SIE || (writes && csrno == CSR_STIMECMP)) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
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
        *val = riscv_cpu_vstopi(env);
        return RISCV_EXCP_NONE;
    }
    pending &= level == AIA_M ? ~env->mideleg : env->mideleg & ~env->hideleg;
    *val = topi_of(pending, default_order, ARRAY_SIZE(default_order));
    return RISCV_EXCP_NONE;
}
