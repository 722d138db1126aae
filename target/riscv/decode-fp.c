/*
 * RISC-V F, D, Zfh and Zfa instruction decoder: the MADD/MSUB/NMSUB/NMADD
 * opcodes and OP-FP (Unprivileged ISA 20191213, chapters 11-12 and the
 * RV32/64G listings; Zfh 1.0; Zfa 1.0). Loads and stores (FLW/FLD/FLH, ...)
 * are decoded with the integer ones.
 *
 * The D and H operations are listed in decode.h in the same order as the S
 * ones, so a D op is its S op plus FP_D_OFFSET, an H op plus FP_H_OFFSET, and
 * the fmt field (0 S, 1 D, 2 H; 3, Q, is not implemented) just selects. Zfa's
 * operations come in S, D, H triples. Zfa's fmvh.x.d and fmvp.d.x exist on
 * RV32 only.
 */
#include "target/riscv/decode.h"

#define FP_D_OFFSET (OP_FMADD_D - OP_FMADD_S)
#define FP_H_OFFSET (OP_FMADD_H - OP_FMADD_S)
#define FMT(i) ((uint32_t)extract64(i, 25, 2))

static bool fp_set(DecodedInsn *d, RISCVOp s_op, uint32_t i, bool has_rm)
{
    static const int offset[3] = {0, FP_D_OFFSET, FP_H_OFFSET};

    d->op = s_op + offset[FMT(i)];
    d->rd = extract64(i, 7, 5);
    d->rs1 = extract64(i, 15, 5);
    d->rs2 = extract64(i, 20, 5);
    d->rm = has_rm ? extract64(i, 12, 3) : RISCV_RM_NONE;
    return true;
}

/* Unary operations: the rs2 field selects or must be zero; it is not a register. */
static bool fp_set_unary(DecodedInsn *d, RISCVOp s_op, uint32_t i, bool has_rm)
{
    fp_set(d, s_op, i, has_rm);
    d->rs2 = 0;
    return true;
}

static bool dec_fma(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[4] = {OP_FMADD_S, OP_FMSUB_S, OP_FNMSUB_S, OP_FNMADD_S};

    fp_set(d, ops[extract64(i, 2, 2)], i, true);
    d->rs3 = extract64(i, 27, 5);
    return true;
}

/* fcvt between an integer register and an f register; rs2 selects w/wu/l/lu. */
static bool dec_fcvt_int(uint32_t i, DecodedInsn *d, bool to_int)
{
    static const RISCVOp to[4] = {OP_FCVT_W_S, OP_FCVT_WU_S, OP_FCVT_L_S, OP_FCVT_LU_S};
    static const RISCVOp from[4] = {OP_FCVT_S_W, OP_FCVT_S_WU, OP_FCVT_S_L, OP_FCVT_S_LU};
    uint32_t sel = extract64(i, 20, 5);

    if (to_int && sel == 8 && FMT(i) == 1 && extract64(i, 12, 3) == 1) {
        fp_set_unary(d, OP_FCVTMOD_W_D, i, true); /* Zfa; the rm field must be RTZ */
        d->op = OP_FCVTMOD_W_D;
        return true;
    }
    if (sel > 3) {
        return riscv_decode_illegal(d);
    }
    return fp_set_unary(d, to_int ? to[sel] : from[sel], i, true);
}

/* A Zfa operation of the instruction's format (the S, D, H triple starting at s_op). */
static bool zfa_set(DecodedInsn *d, RISCVOp s_op, uint32_t i, bool has_rm)
{
    fp_set(d, s_op, i, has_rm);
    d->op = s_op + FMT(i);
    return true;
}

/* fcvt.<fmt>.<src> between formats (rs2 = src's fmt), and Zfa's fround/froundnx
 * (rs2 = 4/5). */
static bool dec_fcvt_fp(uint32_t i, DecodedInsn *d)
{
    /* [fmt][src]: 0 for the same format or Q */
    static const RISCVOp cvt[3][3] = {{0, OP_FCVT_S_D, OP_FCVT_S_H},
                                      {OP_FCVT_D_S, 0, OP_FCVT_D_H},
                                      {OP_FCVT_H_S, OP_FCVT_H_D, 0}};
    uint32_t fmt = FMT(i), src = extract64(i, 20, 5);

    if (src == 4 || src == 5) {
        zfa_set(d, src == 4 ? OP_FROUND_S : OP_FROUNDNX_S, i, true);
        d->rs2 = 0;
        return true;
    }
    if (src > 2 || !cvt[fmt][src]) {
        return riscv_decode_illegal(d);
    }
    fp_set_unary(d, OP_FCVT_S_D, i, true);
    d->op = cvt[fmt][src]; /* conversions are not S/D/H families */
    return true;
}

/* funct3-selected groups: sign injection, min/max, comparisons, fmv/fclass. */
static bool dec_fp_f3(uint32_t i, DecodedInsn *d, uint32_t f5)
{
    static const RISCVOp sgnj[3] = {OP_FSGNJ_S, OP_FSGNJN_S, OP_FSGNJX_S};
    static const RISCVOp minmax[2] = {OP_FMIN_S, OP_FMAX_S};
    static const RISCVOp cmp[3] = {OP_FLE_S, OP_FLT_S, OP_FEQ_S};
    uint32_t f3 = extract64(i, 12, 3), rs2 = extract64(i, 20, 5);

    switch (f5) {
    case 0x04:
        return f3 < 3 ? fp_set(d, sgnj[f3], i, false) : riscv_decode_illegal(d);
    case 0x05:
        if (f3 == 2 || f3 == 3) { /* Zfa fminm, fmaxm */
            return zfa_set(d, f3 == 2 ? OP_FMINM_S : OP_FMAXM_S, i, false);
        }
        return f3 < 2 ? fp_set(d, minmax[f3], i, false) : riscv_decode_illegal(d);
    case 0x14:
        if (f3 == 4 || f3 == 5) { /* Zfa fleq, fltq */
            return zfa_set(d, f3 == 4 ? OP_FLEQ_S : OP_FLTQ_S, i, false);
        }
        return f3 < 3 ? fp_set(d, cmp[f3], i, false) : riscv_decode_illegal(d);
    case 0x1c:
        if (rs2 != 0 || f3 > 1) {
            return riscv_decode_illegal(d);
        }
        return fp_set_unary(d, f3 ? OP_FCLASS_S : OP_FMV_X_W, i, false);
    case 0x1e:
        if (rs2 == 1 && f3 == 0) { /* Zfa fli: rs1 is the constant's index */
            zfa_set(d, OP_FLI_S, i, false);
            d->rs2 = 0;
            return true;
        }
        if (rs2 != 0 || f3 != 0) {
            return riscv_decode_illegal(d);
        }
        return fp_set_unary(d, OP_FMV_W_X, i, false);
    }
    return riscv_decode_illegal(d);
}

static bool dec_op_fp(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp arith[4] = {OP_FADD_S, OP_FSUB_S, OP_FMUL_S, OP_FDIV_S};
    uint32_t f5 = extract64(i, 27, 5);

    if (FMT(i) == 3) {
        return riscv_decode_illegal(d); /* the Q format is not implemented */
    }
    switch (f5) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03:
        return fp_set(d, arith[f5], i, true);
    case 0x0b:
        if (extract64(i, 20, 5) != 0) {
            return riscv_decode_illegal(d);
        }
        return fp_set_unary(d, OP_FSQRT_S, i, true);
    case 0x08:
        return dec_fcvt_fp(i, d);
    case 0x18:
        return dec_fcvt_int(i, d, true);
    case 0x1a:
        return dec_fcvt_int(i, d, false);
    }
    return dec_fp_f3(i, d, f5);
}

bool riscv_decode_fp(uint32_t insn, DecodedInsn *d)
{
    uint32_t opcode = extract64(insn, 2, 5);

    if (opcode == 0x14) {
        return dec_op_fp(insn, d);
    }
    if (FMT(insn) == 3) {
        return riscv_decode_illegal(d);
    }
    return dec_fma(insn, d);
}
