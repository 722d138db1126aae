/*
 * Inside the F/D/Zfh/Zfa interpreter (exec-fp.c, exec-fp-ext.c): the operands
 * of one FP record, and the entry of the newer extensions.
 */
#ifndef TARGET_RISCV_EXEC_FP_H
#define TARGET_RISCV_EXEC_FP_H

#include "target/riscv/exec.h"

/* The operands of one FP record, fetched once. */
typedef struct FPArgs {
    RISCVOp op;
    int rm;           /* resolved: FPU_RM_RNE..FPU_RM_RMM (or unused) */
    uint64_t a, b, c; /* raw f registers rs1, rs2, rs3 */
    uint64_t xa;      /* integer register rs1 */
    unsigned rs1;     /* the rs1 field itself (fli's constant index) */
} FPArgs;

/* A Zfh or Zfa operation (op >= OP_FMADD_H): the value for rd, boxed if an f register. */
uint64_t riscv_fp_ext_compute(CPURISCVState *env, const FPArgs *o);
/* Does this Zfh/Zfa operation write an integer register? */
bool riscv_fp_ext_writes_x(RISCVOp op);

#endif
