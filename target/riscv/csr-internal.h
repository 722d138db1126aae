/*
 * Inside the CSR implementation: the accessor types of csr.c's table and the
 * accessors that live in the files beside it (csr-envcfg.c).
 */
#ifndef TARGET_RISCV_CSR_INTERNAL_H
#define TARGET_RISCV_CSR_INTERNAL_H

#include "target/riscv/cpu.h"

typedef RISCVException (*CSRPredFn)(CPURISCVState *env, int csrno);
typedef RISCVException (*CSRReadFn)(CPURISCVState *env, int csrno, uint64_t *val);
typedef RISCVException (*CSRWriteFn)(CPURISCVState *env, int csrno, uint64_t val);

/* menvcfg, senvcfg (gated by mstateen0.ENVCFG below M) */
RISCVException read_menvcfg(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_menvcfg(CPURISCVState *env, int csrno, uint64_t val);
RISCVException gate_senvcfg(CPURISCVState *env, int csrno);
RISCVException read_senvcfg(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_senvcfg(CPURISCVState *env, int csrno, uint64_t val);
/* mstateen0..3 (Smstateen), sstateen0..3 (Ssstateen; gated by mstateenN.SE below M) */
RISCVException pred_smstateen(CPURISCVState *env, int csrno);
RISCVException pred_ssstateen(CPURISCVState *env, int csrno);
RISCVException gate_sstateen(CPURISCVState *env, int csrno);
RISCVException read_stateen(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_stateen(CPURISCVState *env, int csrno, uint64_t val);

/* vstart, vxsat, vxrm, vcsr, vl, vtype, vlenb (csr-vector.c): exist with V, gated by VS */
RISCVException pred_vector(CPURISCVState *env, int csrno);
RISCVException gate_vs(CPURISCVState *env, int csrno);
RISCVException read_vcsr_field(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_vcsr_field(CPURISCVState *env, int csrno, uint64_t val);

#endif
