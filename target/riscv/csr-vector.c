/*
 * The V extension's CSRs (V 1.0 spec 3 "Vector Extension Programmer's
 * Model"): vstart, vxsat, vxrm, vcsr (read-write, gated by mstatus.VS like
 * fcsr by FS) and vl, vtype, vlenb (read-only). Writes mark VS dirty.
 */
#include "csr-internal.h"

RISCVException pred_vector(CPURISCVState *env, int csrno)
{
    return env_cpu(env)->ext_v ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

RISCVException gate_vs(CPURISCVState *env, int csrno)
{
    return (env->mstatus & MSTATUS_VS) ? RISCV_EXCP_NONE : RISCV_EXCP_ILLEGAL_INST;
}

static void mark_vs_dirty(CPURISCVState *env)
{
    env->mstatus |= MSTATUS_VS | MSTATUS_SD;
}

RISCVException read_vcsr_field(CPURISCVState *env, int csrno, uint64_t *val)
{
    switch (csrno) {
    case CSR_VSTART:
        *val = env->vstart;
        break;
    case CSR_VXSAT:
        *val = env->vxsat;
        break;
    case CSR_VXRM:
        *val = env->vxrm;
        break;
    case CSR_VCSR:
        *val = env->vxrm << 1 | env->vxsat;
        break;
    case CSR_VL:
        *val = env->vl;
        break;
    case CSR_VTYPE:
        *val = env->vtype | (uint64_t)env->vill << 63;
        break;
    default: /* CSR_VLENB */
        *val = env_cpu(env)->vlen / 8;
        break;
    }
    return RISCV_EXCP_NONE;
}

RISCVException write_vcsr_field(CPURISCVState *env, int csrno, uint64_t val)
{
    switch (csrno) {
    case CSR_VSTART:
        /* WARL: enough bits for any element index (VLEN elements of SEW 8 at LMUL 8) */
        env->vstart = val & (env_cpu(env)->vlen - 1);
        break;
    case CSR_VXSAT:
        env->vxsat = val & 1;
        break;
    case CSR_VXRM:
        env->vxrm = val & 3;
        break;
    default: /* CSR_VCSR */
        env->vxsat = val & 1;
        env->vxrm = (val >> 1) & 3;
        break;
    }
    mark_vs_dirty(env);
    return RISCV_EXCP_NONE;
}
