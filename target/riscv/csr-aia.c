/*
 * The AIA CSRs of the hart (Smaia and Ssaia, The RISC-V Advanced Interrupt Architecture 1.0
 * chapters 2 and 6): miselect/mireg and siselect/sireg reach the major interrupt priorities
 * (iselect 0x30..0x3f) and the hart's IMSIC interrupt file (0x70..0xff); mtopei/stopei
 * read and claim the file's top interrupt; mtopi/stopi name the top pending major interrupt.
 *
 * The priority array is read-only zero (the spec allows it), so major interrupts rank in the
 * default order of section 6.1, and a zero priority number reports as IPRIO 1 so that *topi
 * is nonzero exactly while an interrupt is pending. mvien/mvip are read-only zero: no
 * virtual supervisor interrupts are injected from M. With H, VS mode has no interrupt file
 * of its own yet (aia-guests=0): its siselect/sireg/stopei/stopi accesses take a virtual
 * instruction exception, which lets a hypervisor emulate them.
 */
#include "csr-internal.h"

/* Section 6.1's default order of the major interrupts this hart has, highest first. */
static const uint8_t default_order[] = {IRQ_M_EXT,  IRQ_M_SOFT,  IRQ_M_TIMER, IRQ_S_EXT,
                                        IRQ_S_SOFT, IRQ_S_TIMER, IRQ_LCOF};

RISCVException pred_smaia(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_smaia ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException pred_ssaia(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_ssaia ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException gate_ssaia(CPURISCVState *env, int csrno)
{
    return env->virt ? RISCV_EXCP_VIRT_INSTRUCTION_FAULT : RISCV_EXCP_NONE;
}

static bool is_m(int csrno)
{
    return csrno == CSR_MISELECT || csrno == CSR_MIREG || csrno == CSR_MTOPEI || csrno == CSR_MTOPI;
}

static const RISCVIMSICLink *imsic_file(CPURISCVState *env, int csrno)
{
    RISCVCPU *cpu = env_cpu(env);

    return is_m(csrno) ? &cpu->imsic_m : &cpu->imsic_s;
}

RISCVException read_iselect(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = csrno == CSR_MISELECT ? env->miselect : env->siselect;
    return RISCV_EXCP_NONE;
}

RISCVException write_iselect(CPURISCVState *env, int csrno, uint64_t val)
{
    /* WARL: 0..0xfff holds every defined value (implementations may have fewer bits). */
    *(csrno == CSR_MISELECT ? &env->miselect : &env->siselect) = val & 0xfff;
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
    uint64_t sel = csrno == CSR_MIREG ? env->miselect : env->siselect;
    const RISCVIMSICLink *file = imsic_file(env, csrno);

    if (sel >= ISELECT_IPRIO0 && sel <= ISELECT_IPRIO15) {
        *old = 0; /* read-only zero priorities; odd ones do not exist on RV64 */
        return (sel & 1) ? RISCV_EXCP_ILLEGAL_INST : RISCV_EXCP_NONE;
    }
    if (sel < ISELECT_IMSIC_FIRST || sel > ISELECT_IMSIC_LAST || !file->ops ||
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
    const RISCVIMSICLink *file = imsic_file(env, csrno);

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
    const RISCVIMSICLink *file = imsic_file(env, csrno);

    if (file->ops) {
        file->ops->claim(file->opaque, env->topei_read);
    }
    return RISCV_EXCP_NONE;
}

/* mtopi: interrupts pending and enabled for M (not delegated); stopi: delegated ones. */
RISCVException read_topi(CPURISCVState *env, int csrno, uint64_t *val)
{
    uint64_t pending = atomic_load(&env->mip) & env->mie;

    pending &= csrno == CSR_MTOPI ? ~env->mideleg : env->mideleg;
    *val = 0;
    for (size_t i = 0; i < ARRAY_SIZE(default_order); i++) {
        if (pending & (1ULL << default_order[i])) {
            *val = (uint64_t)default_order[i] << TOPI_IID_SHIFT | 1;
            break;
        }
    }
    return RISCV_EXCP_NONE;
}
