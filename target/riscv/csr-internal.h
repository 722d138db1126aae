/*
 * Inside the CSR implementation: the accessor types of csr.c's table and the
 * accessors that live in the files beside it (csr-envcfg.c).
 */
#ifndef TARGET_RISCV_CSR_INTERNAL_H
#define TARGET_RISCV_CSR_INTERNAL_H

#include <pthread.h>

#include "target/riscv/cpu.h"

typedef RISCVException (*CSRPredFn)(CPURISCVState *env, int csrno);
typedef RISCVException (*CSRReadFn)(CPURISCVState *env, int csrno, uint64_t *val);
typedef RISCVException (*CSRWriteFn)(CPURISCVState *env, int csrno, uint64_t val);

typedef struct RISCVCSR {
    const char *name;
    CSRPredFn exists; /* is it implemented with this configuration? NULL: always */
    CSRPredFn gate;   /* access rules beyond the number's privilege bits; skipped by debug */
    CSRReadFn read;
    CSRWriteFn write; /* NULL: writes are ignored (read-only-zero WARL) */
    int index_base;   /* numbered families (pmpaddr0..63): name is name + (csrno - index_base) */
} RISCVCSR;

/*
 * A CSR table kept dense: rows for the CSRs (or numbered families first..last) that exist,
 * and a byte per CSR number naming its row, filled at the first lookup. A 4096-entry array of
 * RISCVCSR would spread its pointers over 48 pages that the dynamic loader writes (relocates)
 * at every process start (issue 7: the tiny ELF's run went from 219 to 196 page faults).
 */
typedef struct RISCVCSRRow {
    uint16_t first, last;
    RISCVCSR csr;
} RISCVCSRRow;

/* A row for one CSR: CSR_ROW(number, name, exists, gate, read, write). */
#define CSR_ROW(num, ...) {.first = (num), .last = (num), .csr = {__VA_ARGS__}}

typedef struct RISCVCSRTable {
    const RISCVCSRRow *rows;
    size_t num_rows;     /* < 255 */
    uint8_t *row_of;     /* [4096]: row + 1, 0 for no CSR */
    void (*index)(void); /* calls riscv_csr_table_index() on this table, once */
    pthread_once_t once;
} RISCVCSRTable;

/* Fill t->row_of from t->rows (t->index does it at the first lookup). */
void riscv_csr_table_index(RISCVCSRTable *t);
/* The table's row for csrno, or NULL. */
const RISCVCSR *riscv_csr_table_find(RISCVCSRTable *t, int csrno);

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
RISCVException pred_hstateen(CPURISCVState *env, int csrno);
RISCVException riscv_stateen_check(CPURISCVState *env, unsigned n, uint64_t bit);
RISCVException read_stateen(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_stateen(CPURISCVState *env, int csrno, uint64_t val);

/* Smaia/Ssaia (csr-aia.c) */
RISCVException pred_smaia(CPURISCVState *env, int csrno);
RISCVException pred_ssaia(CPURISCVState *env, int csrno);
RISCVException pred_h_ssaia(CPURISCVState *env, int csrno); /* vsiselect, vsireg, vstopei, vstopi */
RISCVException gate_aia(CPURISCVState *env, int csrno); /* Smstateen: mstateen0/hstateen0 bits 58-60 */
RISCVException read_iselect(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_iselect(CPURISCVState *env, int csrno, uint64_t val);
RISCVException read_ireg(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_ireg(CPURISCVState *env, int csrno, uint64_t val);
RISCVException read_topei(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_topei(CPURISCVState *env, int csrno, uint64_t val);
RISCVException read_topi(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException read_hvictl(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_hvictl(CPURISCVState *env, int csrno, uint64_t val);
/* csr-hyp.c: sie, sip and stimecmp as VS-mode sees them (V=1: vsie, vsip, vstimecmp) */
RISCVException riscv_vs_read_sie(CPURISCVState *env, uint64_t *val);
RISCVException riscv_vs_write_sie(CPURISCVState *env, uint64_t val);
RISCVException riscv_vs_read_sip(CPURISCVState *env, uint64_t *val);
RISCVException riscv_vs_write_sip(CPURISCVState *env, uint64_t val);
/* csr.c: leave the block if a CSR write made an interrupt deliverable */
void riscv_csr_check_interrupts(CPURISCVState *env);
/* csr-aia.c: the virtual-instruction exception hvictl.VTI raises for this access, or NONE. */
RISCVException riscv_csr_vti_check(CPURISCVState *env, int csrno, bool writes);
/* vstart, vxsat, vxrm, vcsr, vl, vtype, vlenb (csr-vector.c): exist with V, gated by VS */
RISCVException pred_vector(CPURISCVState *env, int csrno);
RISCVException gate_vs(CPURISCVState *env, int csrno);
RISCVException read_vcsr_field(CPURISCVState *env, int csrno, uint64_t *val);
RISCVException write_vcsr_field(CPURISCVState *env, int csrno, uint64_t val);

#endif
