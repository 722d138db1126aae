/*
 * Interpreter internals shared by target/riscv/translate.c (which builds the
 * instruction records) and the files that execute them: exec.c (the
 * threaded interpreter), exec-fp.c (F/D) and exec-amo.c (A).
 */
#ifndef TARGET_RISCV_EXEC_H
#define TARGET_RISCV_EXEC_H

#include "accel/tcg/tb.h"
#include "target/riscv/cpu.h"
#include "target/riscv/decode.h"

/* FP and AMO records share one interpreter label each; imm carries op, rm and rs3. */
static inline int32_t riscv_rec_pack(RISCVOp op, unsigned rm, unsigned rs3)
{
    return (int32_t)(op | (rm & 0xff) << 16 | rs3 << 24);
}
static inline RISCVOp riscv_rec_op(const InsnRecord *r)
{
    return r->imm & 0xffff;
}
static inline unsigned riscv_rec_rm(const InsnRecord *r)
{
    return (r->imm >> 16) & 0xff;
}
static inline unsigned riscv_rec_rs3(const InsnRecord *r)
{
    return (uint32_t)r->imm >> 24;
}

/*
 * Execute one F/D computational instruction (FS already checked enabled).
 * Returns RISCV_EXCP_ILLEGAL_INST for a reserved rounding mode; marks FS
 * dirty when it changes FP state.
 */
RISCVException riscv_exec_fp(CPURISCVState *env, const InsnRecord *r);

/*
 * Execute one LR/SC/AMO at virtual address va = x[rs1]. On a fault returns
 * the exception and sets *tval.
 */
RISCVException riscv_exec_amo(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval);

#endif
