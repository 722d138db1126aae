/*
 * The environment-configuration and state-enable CSRs: menvcfg/senvcfg
 * (Privileged ISA 20211203 3.1.18 and 4.1.4, with the fields of Zicbom/Zicboz
 * (CMO 1.0.1 2.5), Svpbmt, Svadu 1.0 and Sstc), and mstateen0..3/sstateen0..3
 * (Smstateen/Ssstateen 1.0).
 *
 * State-enable bits exist only for state the hart has. Of mstateen0's bits
 * that leaves SE0 (bit 63: S-mode access to sstateen0 and hstateen0), ENVCFG
 * (62: senvcfg) and, with Ssaia, CSRIND, AIA and IMSIC (60, 59, 58: the AIA
 * CSRs below M); of mstateen1..3 only SE. With H, hstateen0..3 hold the same
 * bits for VS-mode: a bit M cleared is read-only zero there, and an access
 * M allows but hstateen forbids raises a virtual-instruction exception.
 * sstateen0..3 control U-mode state (C, FCSR, JVT) that this hart lacks (no
 * custom state, F not Zfinx, no Zcmt), so they read zero.
 */
#include "csr-internal.h"

RISCVException read_menvcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->menvcfg;
    return RISCV_EXCP_NONE;
}

/* The fields of the envcfg registers the hart's extensions give it (S and M share them). */
static uint64_t envcfg_mask(RISCVCPU *cpu)
{
    return MENVCFG_FIOM | (cpu->ext_zicbom ? MENVCFG_CBIE | MENVCFG_CBCFE : 0) |
           (cpu->ext_zicboz ? MENVCFG_CBZE : 0);
}

/* CBIE = 10 is reserved: WARL, kept at 00 (cbo.inval illegal) rather than stored. */
static uint64_t envcfg_legal(uint64_t val)
{
    if (((val & MENVCFG_CBIE) >> MENVCFG_CBIE_SHIFT) == 2) {
        val &= ~MENVCFG_CBIE;
    }
    return val;
}

RISCVException write_menvcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    RISCVCPU *cpu = env_cpu(env);
    uint64_t mask = envcfg_mask(cpu) | (cpu->ext_sstc ? MENVCFG_STCE : 0) |
                    (cpu->ext_svpbmt ? MENVCFG_PBMTE : 0) | (cpu->ext_svadu ? MENVCFG_ADUE : 0);
    uint64_t old = env->menvcfg;

    env->menvcfg = envcfg_legal(val & mask);
    if ((old ^ env->menvcfg) & MENVCFG_STCE) {
        riscv_sstc_update(env);
        riscv_vstc_update(env); /* vstimecmp needs both STCE bits */
    }
    if ((old ^ env->menvcfg) & (MENVCFG_PBMTE | MENVCFG_ADUE)) {
        tlb_flush(
            &env_cpu(env)->parent_obj); /* cached translations were checked under the old rules */
    }
    return RISCV_EXCP_NONE;
}

/*
 * May the running mode reach the state behind bit of the xstateenN registers? M always;
 * below M only if mstateenN has it (else illegal instruction); under V=1 also hstateenN
 * (else virtual instruction).
 */
RISCVException riscv_stateen_check(CPURISCVState *env, unsigned n, uint64_t bit)
{
    if (!env_cpu(env)->ext_smstateen || env->priv == PRV_M) {
        return RISCV_EXCP_NONE;
    }
    if (!(env->mstateen[n] & bit)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (env->virt && !(env->hstateen[n] & bit)) {
        return RISCV_EXCP_VIRT_INSTRUCTION_FAULT;
    }
    return RISCV_EXCP_NONE;
}

RISCVException gate_senvcfg(CPURISCVState *env, int csrno)
{
    return riscv_stateen_check(env, 0, STATEEN0_ENVCFG);
}

RISCVException read_senvcfg(CPURISCVState *env, int csrno, uint64_t *val)
{
    *val = env->senvcfg;
    return RISCV_EXCP_NONE;
}

RISCVException write_senvcfg(CPURISCVState *env, int csrno, uint64_t val)
{
    env->senvcfg = envcfg_legal(val & envcfg_mask(env_cpu(env)));
    return RISCV_EXCP_NONE;
}

/* ---- Smstateen / Ssstateen ---- */

RISCVException pred_smstateen(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_smstateen ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException pred_ssstateen(CPURISCVState *env, int csrno)
{
    RISCVCPU *cpu = env_cpu(env);
    return cpu->ext_smstateen && cpu->ext_ssstateen ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException pred_hstateen(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_h ? pred_smstateen(env, csrno) : RISCV_EXCP_ILLEGAL_INST;
}

/* sstateenN and hstateenN: reached below M only through mstateenN.SE (and hstateenN.SE). */
RISCVException gate_sstateen(CPURISCVState *env, int csrno)
{
    return riscv_stateen_check(env, (csrno - CSR_SSTATEEN0) & 3, STATEEN_SE);
}

/* The bits of mstateenN the hart has state behind (IMSIC: an S-level interrupt file). */
static uint64_t mstateen_bits(RISCVCPU *cpu, unsigned n)
{
    uint64_t aia = cpu->ext_ssaia ? STATEEN0_CSRIND | STATEEN0_AIA : 0;

    if (cpu->ext_ssaia && cpu->imsic_s.ops) {
        aia |= STATEEN0_IMSIC;
    }

    return STATEEN_SE | (n == 0 ? STATEEN0_ENVCFG | aia : 0);
}

static uint64_t *stateen_reg(CPURISCVState *env, int csrno, uint64_t *mask)
{
    unsigned n = csrno & 3;

    switch (csrno & ~3) {
    case CSR_MSTATEEN0:
        *mask = mstateen_bits(env_cpu(env), n);
        return &env->mstateen[n];
    case CSR_HSTATEEN0:
        *mask = env->mstateen[n]; /* what M withholds from HS is read-only zero for VS */
        return &env->hstateen[n];
    default:
        *mask = 0; /* sstateenN: no U-mode state to gate */
        return &env->sstateen[n];
    }
}

RISCVException read_stateen(CPURISCVState *env, int csrno, uint64_t *val)
{
    uint64_t mask;
    uint64_t *reg = stateen_reg(env, csrno, &mask);

    *val = *reg & mask;
    return RISCV_EXCP_NONE;
}

RISCVException write_stateen(CPURISCVState *env, int csrno, uint64_t val)
{
    uint64_t mask;
    uint64_t *reg = stateen_reg(env, csrno, &mask);

    *reg = val & mask;
    return RISCV_EXCP_NONE;
}
