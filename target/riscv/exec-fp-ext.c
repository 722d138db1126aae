/*
 * Zfh and Zfa computational instructions (RISC-V Unprivileged ISA, the Zfh 1.0
 * and Zfa 1.0 chapters): operand unboxing and result boxing around fpu-ext.c.
 * exec-fp.c fetches the operands, resolves the rounding mode and keeps fcsr and
 * mstatus.FS, as for F and D.
 */
#include "exec-fp.h"
#include "target/riscv/fpu.h"

static uint16_t h_(uint64_t f)
{
    return fpu_unbox_h(f);
}

/* Arithmetic into an f register: f[rd] = op(f[rs1], f[rs2], f[rs3]). */
static uint64_t half_arith(CPURISCVState *env, const FPArgs *o)
{
    uint16_t a = h_(o->a), b = h_(o->b), c = h_(o->c);
    uint32_t *fl = &env->fflags;

    switch (o->op) {
    case OP_FMADD_H:
        return fpu_box_h(fpu_madd_h(a, b, c, o->rm, fl));
    case OP_FMSUB_H:
        return fpu_box_h(fpu_msub_h(a, b, c, o->rm, fl));
    case OP_FNMSUB_H:
        return fpu_box_h(fpu_nmsub_h(a, b, c, o->rm, fl));
    case OP_FNMADD_H:
        return fpu_box_h(fpu_nmadd_h(a, b, c, o->rm, fl));
    case OP_FADD_H:
        return fpu_box_h(fpu_add_h(a, b, o->rm, fl));
    case OP_FSUB_H:
        return fpu_box_h(fpu_sub_h(a, b, o->rm, fl));
    case OP_FMUL_H:
        return fpu_box_h(fpu_mul_h(a, b, o->rm, fl));
    case OP_FDIV_H:
        return fpu_box_h(fpu_div_h(a, b, o->rm, fl));
    case OP_FSQRT_H:
        return fpu_box_h(fpu_sqrt_h(a, o->rm, fl));
    case OP_FSGNJ_H:
        return fpu_box_h(fpu_sgnj_h(a, b));
    case OP_FSGNJN_H:
        return fpu_box_h(fpu_sgnjn_h(a, b));
    case OP_FSGNJX_H:
        return fpu_box_h(fpu_sgnjx_h(a, b));
    case OP_FMIN_H:
        return fpu_box_h(fpu_min_h(a, b, fl));
    default:
        return fpu_box_h(fpu_max_h(a, b, fl));
    }
}

/* Into an integer register: conversions, moves, comparisons, fclass. */
static uint64_t half_to_x(CPURISCVState *env, const FPArgs *o)
{
    uint16_t a = h_(o->a), b = h_(o->b);
    uint32_t *fl = &env->fflags;

    switch (o->op) {
    case OP_FCVT_W_H:
        return fpu_cvt_w_h(a, o->rm, fl);
    case OP_FCVT_WU_H:
        return fpu_cvt_wu_h(a, o->rm, fl);
    case OP_FCVT_L_H:
        return fpu_cvt_l_h(a, o->rm, fl);
    case OP_FCVT_LU_H:
        return fpu_cvt_lu_h(a, o->rm, fl);
    case OP_FMV_X_H:
        return (uint64_t)(int64_t)(int16_t)o->a; /* raw bits, no unboxing */
    case OP_FEQ_H:
        return fpu_eq_h(a, b, fl);
    case OP_FLT_H:
        return fpu_lt_h(a, b, fl);
    case OP_FLE_H:
        return fpu_le_h(a, b, fl);
    default:
        return fpu_class_h(a);
    }
}

/* From an integer register, and the conversions between formats. */
static uint64_t half_from_x(CPURISCVState *env, const FPArgs *o)
{
    uint64_t x = o->xa;
    uint32_t *fl = &env->fflags;

    switch (o->op) {
    case OP_FCVT_H_W:
        return fpu_box_h(fpu_cvt_h_w(x, o->rm, fl));
    case OP_FCVT_H_WU:
        return fpu_box_h(fpu_cvt_h_wu(x, o->rm, fl));
    case OP_FCVT_H_L:
        return fpu_box_h(fpu_cvt_h_l(x, o->rm, fl));
    case OP_FCVT_H_LU:
        return fpu_box_h(fpu_cvt_h_lu(x, o->rm, fl));
    case OP_FMV_H_X:
        return fpu_box_h(x);
    case OP_FCVT_S_H:
        return fpu_box_s(fpu_cvt_s_h(h_(o->a), fl));
    case OP_FCVT_H_S:
        return fpu_box_h(fpu_cvt_h_s(fpu_unbox_s(o->a), o->rm, fl));
    case OP_FCVT_D_H:
        return fpu_cvt_d_h(h_(o->a), fl);
    default:
        return fpu_box_h(fpu_cvt_h_d(o->a, o->rm, fl)); /* fcvt.h.d */
    }
}

static uint64_t unbox(int fmt, uint64_t f)
{
    return fmt == FPU_FMT_S ? fpu_unbox_s(f) : fmt == FPU_FMT_H ? h_(f) : f;
}

static uint64_t box(int fmt, uint64_t v)
{
    return fmt == FPU_FMT_S ? fpu_box_s(v) : fmt == FPU_FMT_H ? fpu_box_h(v) : v;
}

/* Zfa: each operation is a triple S, D, H, so op - first is the fmt field. */
static uint64_t zfa(CPURISCVState *env, const FPArgs *o)
{
    static const RISCVOp firsts[] = {OP_FLI_S,      OP_FMINM_S, OP_FMAXM_S, OP_FROUND_S,
                                     OP_FROUNDNX_S, OP_FLEQ_S,  OP_FLTQ_S};
    RISCVOp first = OP_FLI_S;
    uint32_t *fl = &env->fflags;
    uint64_t a, b;
    int fmt;

    if (o->op == OP_FCVTMOD_W_D) {
        return fpu_cvtmod_w_d(o->a, fl);
    }
    for (size_t i = 0; i < ARRAY_SIZE(firsts); i++) {
        first = o->op >= firsts[i] ? firsts[i] : first;
    }
    fmt = o->op - first;
    a = unbox(fmt, o->a);
    b = unbox(fmt, o->b);
    switch (first) {
    case OP_FLI_S:
        return box(fmt, fpu_fli(fmt, o->rs1));
    case OP_FMINM_S:
    case OP_FMAXM_S:
        return box(fmt, fpu_minmaxm(fmt, a, b, first == OP_FMAXM_S, fl));
    case OP_FROUND_S:
    case OP_FROUNDNX_S:
        return box(fmt, fpu_round(fmt, a, o->rm, first == OP_FROUNDNX_S, fl));
    default:
        return fpu_cmpq(fmt, a, b, first == OP_FLEQ_S, fl);
    }
}

bool riscv_fp_ext_writes_x(RISCVOp op)
{
    return (op >= OP_FCVT_W_H && op <= OP_FCLASS_H) || (op >= OP_FLEQ_S && op <= OP_FLTQ_H) ||
           op == OP_FCVTMOD_W_D;
}

uint64_t riscv_fp_ext_compute(CPURISCVState *env, const FPArgs *o)
{
    RISCVOp op = o->op;

    if (op >= OP_FLI_S) {
        return zfa(env, o);
    }
    if (op >= OP_FCVT_H_W) {
        return half_from_x(env, o);
    }
    if (op >= OP_FCVT_W_H) {
        return half_to_x(env, o);
    }
    return half_arith(env, o);
}
