/*
 * F and D computational instructions (Unprivileged ISA 20191213, chapters 11
 * and 12): operand fetch, NaN-boxing, rounding-mode resolution and fcsr
 * bookkeeping around the IEEE arithmetic of target/riscv/fpu.c. Loads and
 * stores are in the interpreter (exec.c); Zfh and Zfa in exec-fp-ext.c. One
 * function per group of operations with the same operand shape.
 */
#include "exec-fp.h"
#include "target/riscv/fpu.h"

static uint32_t s_(uint64_t f)
{
    return fpu_unbox_s(f);
}

/* add/sub/mul/div/sqrt/sgnj/min/max: f[rd] = op(f[rs1], f[rs2]). */
static uint64_t fp_arith_s(CPURISCVState *env, const FPArgs *o)
{
    uint32_t a = s_(o->a), b = s_(o->b), *fl = &env->fflags;

    switch (o->op) {
    case OP_FADD_S:
        return fpu_box_s(fpu_add_s(a, b, o->rm, fl));
    case OP_FSUB_S:
        return fpu_box_s(fpu_sub_s(a, b, o->rm, fl));
    case OP_FMUL_S:
        return fpu_box_s(fpu_mul_s(a, b, o->rm, fl));
    case OP_FDIV_S:
        return fpu_box_s(fpu_div_s(a, b, o->rm, fl));
    case OP_FSQRT_S:
        return fpu_box_s(fpu_sqrt_s(a, o->rm, fl));
    case OP_FSGNJ_S:
        return fpu_box_s(fpu_sgnj_s(a, b));
    case OP_FSGNJN_S:
        return fpu_box_s(fpu_sgnjn_s(a, b));
    case OP_FSGNJX_S:
        return fpu_box_s(fpu_sgnjx_s(a, b));
    case OP_FMIN_S:
        return fpu_box_s(fpu_min_s(a, b, fl));
    default:
        return fpu_box_s(fpu_max_s(a, b, fl));
    }
}

static uint64_t fp_arith_d(CPURISCVState *env, const FPArgs *o)
{
    uint64_t a = o->a, b = o->b;
    uint32_t *fl = &env->fflags;

    switch (o->op) {
    case OP_FADD_D:
        return fpu_add_d(a, b, o->rm, fl);
    case OP_FSUB_D:
        return fpu_sub_d(a, b, o->rm, fl);
    case OP_FMUL_D:
        return fpu_mul_d(a, b, o->rm, fl);
    case OP_FDIV_D:
        return fpu_div_d(a, b, o->rm, fl);
    case OP_FSQRT_D:
        return fpu_sqrt_d(a, o->rm, fl);
    case OP_FSGNJ_D:
        return fpu_sgnj_d(a, b);
    case OP_FSGNJN_D:
        return fpu_sgnjn_d(a, b);
    case OP_FSGNJX_D:
        return fpu_sgnjx_d(a, b);
    case OP_FMIN_D:
        return fpu_min_d(a, b, fl);
    default:
        return fpu_max_d(a, b, fl);
    }
}

static uint64_t fp_fma(CPURISCVState *env, const FPArgs *o)
{
    uint32_t as = s_(o->a), bs = s_(o->b), cs = s_(o->c), *fl = &env->fflags;

    switch (o->op) {
    case OP_FMADD_S:
        return fpu_box_s(fpu_madd_s(as, bs, cs, o->rm, fl));
    case OP_FMSUB_S:
        return fpu_box_s(fpu_msub_s(as, bs, cs, o->rm, fl));
    case OP_FNMSUB_S:
        return fpu_box_s(fpu_nmsub_s(as, bs, cs, o->rm, fl));
    case OP_FNMADD_S:
        return fpu_box_s(fpu_nmadd_s(as, bs, cs, o->rm, fl));
    case OP_FMADD_D:
        return fpu_madd_d(o->a, o->b, o->c, o->rm, fl);
    case OP_FMSUB_D:
        return fpu_msub_d(o->a, o->b, o->c, o->rm, fl);
    case OP_FNMSUB_D:
        return fpu_nmsub_d(o->a, o->b, o->c, o->rm, fl);
    default:
        return fpu_nmadd_d(o->a, o->b, o->c, o->rm, fl);
    }
}

/* Results that go to an integer register: comparisons, fclass, fcvt to int, fmv.x. */
static uint64_t fp_to_x(CPURISCVState *env, const FPArgs *o)
{
    uint32_t a = s_(o->a), b = s_(o->b), *fl = &env->fflags;

    switch (o->op) {
    case OP_FEQ_S:
        return fpu_eq_s(a, b, fl);
    case OP_FLT_S:
        return fpu_lt_s(a, b, fl);
    case OP_FLE_S:
        return fpu_le_s(a, b, fl);
    case OP_FEQ_D:
        return fpu_eq_d(o->a, o->b, fl);
    case OP_FLT_D:
        return fpu_lt_d(o->a, o->b, fl);
    case OP_FLE_D:
        return fpu_le_d(o->a, o->b, fl);
    case OP_FCLASS_S:
        return fpu_class_s(a);
    case OP_FCLASS_D:
        return fpu_class_d(o->a);
    case OP_FCVT_W_S:
        return fpu_cvt_w_s(a, o->rm, fl);
    case OP_FCVT_WU_S:
        return fpu_cvt_wu_s(a, o->rm, fl);
    case OP_FCVT_L_S:
        return fpu_cvt_l_s(a, o->rm, fl);
    case OP_FCVT_LU_S:
        return fpu_cvt_lu_s(a, o->rm, fl);
    case OP_FCVT_W_D:
        return fpu_cvt_w_d(o->a, o->rm, fl);
    case OP_FCVT_WU_D:
        return fpu_cvt_wu_d(o->a, o->rm, fl);
    case OP_FCVT_L_D:
        return fpu_cvt_l_d(o->a, o->rm, fl);
    case OP_FCVT_LU_D:
        return fpu_cvt_lu_d(o->a, o->rm, fl);
    case OP_FMV_X_W:
        return (uint64_t)(int64_t)(int32_t)o->a; /* raw bits, no unboxing */
    default:
        return o->a; /* fmv.x.d */
    }
}

/* Results that go to an f register from an integer register, and fcvt between formats. */
static uint64_t fp_from_x(CPURISCVState *env, const FPArgs *o)
{
    uint64_t x = o->xa;
    uint32_t *fl = &env->fflags;

    switch (o->op) {
    case OP_FCVT_S_W:
        return fpu_box_s(fpu_cvt_s_w(x, o->rm, fl));
    case OP_FCVT_S_WU:
        return fpu_box_s(fpu_cvt_s_wu(x, o->rm, fl));
    case OP_FCVT_S_L:
        return fpu_box_s(fpu_cvt_s_l(x, o->rm, fl));
    case OP_FCVT_S_LU:
        return fpu_box_s(fpu_cvt_s_lu(x, o->rm, fl));
    case OP_FCVT_D_W:
        return fpu_cvt_d_w(x, o->rm, fl);
    case OP_FCVT_D_WU:
        return fpu_cvt_d_wu(x, o->rm, fl);
    case OP_FCVT_D_L:
        return fpu_cvt_d_l(x, o->rm, fl);
    case OP_FCVT_D_LU:
        return fpu_cvt_d_lu(x, o->rm, fl);
    case OP_FMV_W_X:
        return fpu_box_s(x);
    case OP_FMV_D_X:
        return x;
    case OP_FCVT_S_D:
        return fpu_box_s(fpu_cvt_s_d(o->a, o->rm, fl));
    default:
        return fpu_cvt_d_s(s_(o->a), o->rm, fl); /* fcvt.d.s */
    }
}

static bool op_in(RISCVOp op, RISCVOp first, RISCVOp last)
{
    return op >= first && op <= last;
}

static bool writes_x(RISCVOp op)
{
    return op_in(op, OP_FCVT_W_S, OP_FCLASS_S) || op_in(op, OP_FCVT_W_D, OP_FCLASS_D) ||
           (op >= OP_FMADD_H && riscv_fp_ext_writes_x(op));
}

/* Conversions and moves from an integer register (fp_from_x, half_from_x: o->xa). */
static bool reads_x(RISCVOp op)
{
    return op_in(op, OP_FCVT_S_W, OP_FMV_W_X) || op_in(op, OP_FCVT_D_W, OP_FMV_D_X) ||
           op_in(op, OP_FCVT_H_W, OP_FMV_H_X);
}

void riscv_fp_x_operands(RISCVOp op, bool *rd_is_x, bool *rs1_is_x)
{
    *rd_is_x = writes_x(op);
    *rs1_is_x = reads_x(op);
}

static uint64_t fp_compute(CPURISCVState *env, const FPArgs *o)
{
    RISCVOp op = o->op;

    if (op >= OP_FMADD_H) {
        return riscv_fp_ext_compute(env, o);
    }
    if (op_in(op, OP_FMADD_S, OP_FNMADD_S) || op_in(op, OP_FMADD_D, OP_FNMADD_D)) {
        return fp_fma(env, o);
    }
    if (op_in(op, OP_FADD_S, OP_FMAX_S)) {
        return fp_arith_s(env, o);
    }
    if (op_in(op, OP_FADD_D, OP_FMAX_D)) {
        return fp_arith_d(env, o);
    }
    if (writes_x(op)) {
        return fp_to_x(env, o);
    }
    return fp_from_x(env, o);
}

RISCVException riscv_exec_fp(CPURISCVState *env, const InsnRecord *r)
{
    FPArgs o;
    unsigned rm = r->aux;
    uint32_t old_flags = env->fflags;
    uint64_t v;

    o.op = r->op;
    if (rm != RISCV_RM_NONE) {
        rm = rm == RISCV_RM_DYN ? env->frm : rm;
        if (rm > FPU_RM_RMM) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
    }
    o.rm = rm;
    o.a = env->fpr[r->rs1];
    o.b = env->fpr[r->rs2];
    o.c = env->fpr[r->rs3];
    o.xa = env->gpr[r->rs1];
    o.rs1 = r->rs1;
    v = fp_compute(env, &o);
    if (writes_x(o.op)) {
        env->gpr[r->rd] = v;
        env->gpr[0] = 0;
        if (env->fflags == old_flags) {
            return RISCV_EXCP_NONE; /* no FP state changed */
        }
    } else {
        env->fpr[r->rd] = v;
    }
    if ((env->mstatus & MSTATUS_FS) != MSTATUS_FS) {
        riscv_mark_fs_dirty(env);
    }
    return RISCV_EXCP_NONE;
}
