/*
 * V 1.0 integer arithmetic (spec 11 "Vector Integer Arithmetic
 * Instructions"): OPIVV/OPIVX/OPIVI and OPMVV/OPMVX forms of add/sub/rsub,
 * widening and narrowing, extension, add-with-carry, shifts, compares into
 * masks, min/max, multiply, divide, multiply-add, and the integer reductions
 * (14.1-14.2). Fixed point is in vector-fixed.c; merge, moves and the
 * permutations in vector-perm.c.
 *
 * The second operand of element i (v_opnd) is vs1[i], x[rs1] or the 5-bit
 * immediate, truncated to the element width; shifts, gathers and slides read
 * the immediate unsigned, the others sign-extended (spec 10.1).
 */
#include "target/riscv/helper.h"
#include "vector-internal.h"

enum { F_VV = 1, F_VX = 2, F_VI = 4 };

/* Which operand forms a funct6 has (OPI: VV, VX, VI; OPM: VV as F_VV, VX as F_VX). */
static bool form_ok(const VInsn *v, unsigned forms)
{
    unsigned f = v->f3 == 0 || v->f3 == 2 ? F_VV : v->f3 == 3 ? F_VI : F_VX;
    return forms & f;
}

uint64_t v_opnd(const VInsn *v, uint64_t i, unsigned esz, bool uimm);
uint64_t v_opnd(const VInsn *v, uint64_t i, unsigned esz, bool uimm)
{
    switch (v->f3) {
    case 0:
    case 1:
    case 2:
        return v_get(v, v->vs1, i, esz);
    case 3:
        return v_trunc(uimm ? v->vs1 : (uint64_t)sextract64(v->vs1, 0, 5), esz);
    default:
        return v_trunc(v->env->gpr[v->vs1], esz);
    }
}

/* Single-width sources and destination at LMUL (vs1 only for the VV forms). */
static bool check_sss(const VInsn *v, bool mask_dst)
{
    bool vv = v->f3 == 0 || v->f3 == 2;

    if (!v_group_ok(v->vs2, v->lmul) || (vv && !v_group_ok(v->vs1, v->lmul))) {
        return false;
    }
    if (mask_dst) {
        return v_overlap_ok(v->vd, 0, 0, v->vs2, v->lmul, v->sew) &&
               (!vv || v_overlap_ok(v->vd, 0, 0, v->vs1, v->lmul, v->sew));
    }
    return v_group_ok(v->vd, v->lmul) && v_mask_overlap_ok(v, v->vd);
}

static uint64_t mulh_u(uint64_t a, uint64_t b, unsigned esz)
{
    return esz == 8 ? (uint64_t)(((unsigned __int128)a * b) >> 64) : (a * b) >> (8 * esz);
}

static uint64_t mulh_s(int64_t a, int64_t b, unsigned esz)
{
    return esz == 8 ? (uint64_t)(((__int128)a * b) >> 64) : (uint64_t)((a * b) >> (8 * esz));
}

static uint64_t mulh_su(int64_t a, uint64_t b, unsigned esz)
{
    return esz == 8 ? (uint64_t)(((__int128)a * (unsigned __int128)b) >> 64)
                    : (uint64_t)((a * (int64_t)b) >> (8 * esz));
}

static uint64_t div_s(int64_t a, int64_t b, unsigned esz, bool rem)
{
    int64_t min = esz == 8 ? INT64_MIN : -(1LL << (8 * esz - 1));
    if (b == 0) {
        return rem ? (uint64_t)a : ~0ULL;
    }
    if (a == min && b == -1) {
        return rem ? 0 : (uint64_t)a;
    }
    return rem ? (uint64_t)(a % b) : (uint64_t)(a / b);
}

/* OPMVV/OPMVX multiply and divide (funct6 0x20-0x27) of esz-byte a = vs2[i] and b. */
static uint64_t muldiv(unsigned f6, uint64_t a, uint64_t b, unsigned esz)
{
    int64_t sa = v_sext(a, esz), sb = v_sext(b, esz);

    switch (f6) {
    case 0x20:
        return b ? a / b : ~0ULL;
    case 0x21:
        return div_s(sa, sb, esz, false);
    case 0x22:
        return b ? a % b : a;
    case 0x23:
        return div_s(sa, sb, esz, true);
    case 0x24:
        return mulh_u(a, b, esz);
    case 0x25:
        return a * b;
    case 0x26:
        return mulh_su(sa, b, esz);
    default:
        return mulh_s(sa, sb, esz);
    }
}

/* OPI single-width a op b (add..max, logic, shifts; funct6 as in opi_forms), esz bytes. */
static uint64_t alu(unsigned f6, uint64_t a, uint64_t b, unsigned esz)
{
    int64_t sa = v_sext(a, esz), sb = v_sext(b, esz);
    unsigned sh = b & (8 * esz - 1);

    switch (f6) {
    case 0x00:
        return a + b;
    case 0x02:
        return a - b;
    case 0x03:
        return b - a;
    case 0x04:
        return a < b ? a : b;
    case 0x05:
        return sa < sb ? a : b;
    case 0x06:
        return a > b ? a : b;
    case 0x07:
        return sa > sb ? a : b;
    case 0x09:
        return a & b;
    case 0x0a:
        return a | b;
    case 0x0b:
        return a ^ b;
    case 0x25:
        return a << sh;
    case 0x28:
        return a >> sh;
    default: /* 0x29 */
        return (uint64_t)(sa >> sh);
    }
}

static uint64_t binop(bool opm, unsigned f6, uint64_t a, uint64_t b, unsigned esz)
{
    return v_trunc(opm ? muldiv(f6, a, b, esz) : alu(f6, a, b, esz), esz);
}

static const uint8_t opi_forms[64] = {
    [0x00] = 7, [0x02] = 3, [0x03] = 6, [0x04] = 3, [0x05] = 3, [0x06] = 3, [0x07] = 3,
    [0x09] = 7, [0x0a] = 7, [0x0b] = 7, [0x25] = 7, [0x28] = 7, [0x29] = 7,
};
static const uint8_t opm_forms[64] = {
    [0x20] = 3, [0x21] = 3, [0x22] = 3, [0x23] = 3, [0x24] = 3, [0x25] = 3, [0x26] = 3, [0x27] = 3,
};

static RISCVException exec_binop(VInsn *v, bool opm)
{
    bool uimm = v->f6 >= 0x25;

    if (!form_ok(v, (opm ? opm_forms : opi_forms)[v->f6]) || !check_sss(v, false)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        if (v_active(v, i)) {
            uint64_t a = v_get(v, v->vs2, i, v->sew), b = v_opnd(v, i, v->sew, uimm);
            v_set(v, v->vd, i, v->sew, binop(opm, v->f6, a, b, v->sew));
        }
    }
    return RISCV_EXCP_NONE;
}

/* vadc/vsbc (vd = vs2 +/- b +/- v0[i]) and vmadc/vmsbc (the carry/borrow out into a mask). */
static RISCVException exec_carry(VInsn *v)
{
    bool sub = v->f6 & 2, mask_out = v->f6 & 1;
    unsigned esz = v->sew;

    if (!form_ok(v, sub ? 3 : 7) || !check_sss(v, mask_out) || (!mask_out && v->vm) ||
        (!mask_out && v->vd == 0)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, esz), b = v_opnd(v, i, esz, false);
        unsigned c = v->vm ? 0 : v_mask_bit(v, 0, i);
        unsigned __int128 wide = sub ? (unsigned __int128)a - b - c : (unsigned __int128)a + b + c;
        if (mask_out) {
            bool out = esz == 8 ? (bool)(wide >> 64) : (bool)((uint64_t)wide >> (8 * esz));
            v_set_mask_bit(v, v->vd, i, out);
        } else {
            v_set(v, v->vd, i, esz, v_trunc((uint64_t)wide, esz));
        }
    }
    return RISCV_EXCP_NONE;
}

static bool compare(unsigned f6, uint64_t a, uint64_t b, unsigned esz)
{
    int64_t sa = v_sext(a, esz), sb = v_sext(b, esz);

    switch (f6) {
    case 0x18:
        return a == b;
    case 0x19:
        return a != b;
    case 0x1a:
        return a < b;
    case 0x1b:
        return sa < sb;
    case 0x1c:
        return a <= b;
    case 0x1d:
        return sa <= sb;
    case 0x1e:
        return a > b;
    default:
        return sa > sb;
    }
}

static RISCVException exec_compare(VInsn *v)
{
    static const uint8_t forms[8] = {7, 7, 3, 3, 7, 7, 6, 6};

    if (!form_ok(v, forms[v->f6 - 0x18]) || !check_sss(v, true)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        if (v_active(v, i)) {
            bool r =
                compare(v->f6, v_get(v, v->vs2, i, v->sew), v_opnd(v, i, v->sew, false), v->sew);
            v_set_mask_bit(v, v->vd, i, r);
        }
    }
    return RISCV_EXCP_NONE;
}

/* vmacc, vnmsac, vmadd, vnmsub: b = vs1[i] or x[rs1]. */
static RISCVException exec_madd(VInsn *v)
{
    if (!check_sss(v, false)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t b = v_opnd(v, i, v->sew, false), d = v_get(v, v->vd, i, v->sew);
        uint64_t s2 = v_get(v, v->vs2, i, v->sew), r;
        if (!v_active(v, i)) {
            continue;
        }
        switch (v->f6) {
        case 0x2d:
            r = b * s2 + d;
            break;
        case 0x2f:
            r = d - b * s2;
            break;
        case 0x29:
            r = b * d + s2;
            break;
        default:
            r = s2 - b * d;
            break;
        }
        v_set(v, v->vd, i, v->sew, v_trunc(r, v->sew));
    }
    return RISCV_EXCP_NONE;
}

/* Widening: 2*SEW <= ELEN, LMUL <= 4, the group rules for a 2*LMUL destination. */
static bool check_widen(const VInsn *v, bool wide_vs2, bool has_vs1)
{
    int wl = v->lmul + 1;

    if (v->lmul > 2 || v->sew * 16 > v->cpu->elen || !v_group_ok(v->vd, wl) ||
        !v_mask_overlap_ok(v, v->vd)) {
        return false;
    }
    if (wide_vs2 ? !v_group_ok(v->vs2, wl)
                 : !v_group_ok(v->vs2, v->lmul) ||
                       !v_overlap_ok(v->vd, wl, 2 * v->sew, v->vs2, v->lmul, v->sew)) {
        return false;
    }
    return !has_vs1 || (v_group_ok(v->vs1, v->lmul) &&
                        v_overlap_ok(v->vd, wl, 2 * v->sew, v->vs1, v->lmul, v->sew));
}

static uint64_t ext(uint64_t x, unsigned esz, bool sign)
{
    return sign ? (uint64_t)v_sext(x, esz) : x;
}

/* vwaddu..vwsub.w, vwmulu/su/mul, vwmaccu/macc/maccus/maccsu (OPM 0x30-0x3f). */
static RISCVException exec_widen(VInsn *v)
{
    unsigned f6 = v->f6, esz = v->sew, wsz = 2 * esz;
    bool wide_vs2 = f6 >= 0x34 && f6 <= 0x37, vv = v->f3 == 2;

    if (f6 == 0x39 || (f6 == 0x3e && vv) || !check_widen(v, wide_vs2, vv)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, wide_vs2 ? wsz : esz), b = v_opnd(v, i, esz, false);
        uint64_t d = v_get(v, v->vd, i, wsz), r;
        bool sa = f6 & 1, sb = f6 & 1;
        if (!v_active(v, i)) {
            continue;
        }
        if (f6 >= 0x38) { /* multiplies: u*u, s*u (vwmulsu: vs2 signed), s*s */
            sa = f6 == 0x3a || f6 == 0x3b || f6 == 0x3d || f6 == 0x3e;
            sb = f6 == 0x3b || f6 == 0x3d || f6 == 0x3f;
            if (f6 == 0x3f) { /* vwmaccsu: vs1/rs1 signed, vs2 unsigned */
                sa = false;
            }
            r = ext(a, esz, sa) * ext(b, esz, sb);
            r = f6 >= 0x3c ? r + d : r;
        } else {
            a = wide_vs2 ? a : ext(a, esz, sa);
            r = f6 & 2 ? a - ext(b, esz, sb) : a + ext(b, esz, sb);
        }
        v_set(v, v->vd, i, wsz, v_trunc(r, wsz));
    }
    return RISCV_EXCP_NONE;
}

/* vnsrl/vnsra: vd[i] = vs2[i] (2*SEW) >> (b mod 2*SEW), truncated. */
static RISCVException exec_narrow_shift(VInsn *v)
{
    unsigned esz = v->sew, wsz = 2 * esz;
    int wl = v->lmul + 1;

    if (v->lmul > 2 || wsz * 8 > v->cpu->elen || !v_group_ok(v->vs2, wl) ||
        !v_group_ok(v->vd, v->lmul) || !v_overlap_ok(v->vd, v->lmul, esz, v->vs2, wl, wsz) ||
        (v->f3 == 0 && !v_group_ok(v->vs1, v->lmul)) || !v_mask_overlap_ok(v, v->vd)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, wsz);
        unsigned sh = v_opnd(v, i, esz, true) & (8 * wsz - 1);
        if (v_active(v, i)) {
            uint64_t r = v->f6 == 0x2d ? (uint64_t)(v_sext(a, wsz) >> sh) : a >> sh;
            v_set(v, v->vd, i, esz, v_trunc(r, esz));
        }
    }
    return RISCV_EXCP_NONE;
}

/* vzext/vsext.vf2/4/8 (VXUNARY0): EEW of the source SEW/factor. */
static RISCVException exec_extend(VInsn *v)
{
    unsigned sel = v->vs1, factor = 1u << (4 - sel / 2), sesz = v->sew / factor;
    int sl = v->lmul - (4 - (int)sel / 2);

    if (sel < 2 || sel > 7 || sesz == 0 || sl < -3 || !v_group_ok(v->vd, v->lmul) ||
        !v_group_ok(v->vs2, sl) || !v_overlap_ok(v->vd, v->lmul, v->sew, v->vs2, sl, sesz) ||
        !v_mask_overlap_ok(v, v->vd)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        if (v_active(v, i)) {
            v_set(v, v->vd, i, v->sew,
                  v_trunc(ext(v_get(v, v->vs2, i, sesz), sesz, sel & 1), v->sew));
        }
    }
    return RISCV_EXCP_NONE;
}

/* vred* (OPM 0-7) and vwredsum(u) (OPI 0x30-0x31): vd[0] = vs1[0] op active vs2[i]. */
static RISCVException exec_reduction(VInsn *v, bool widen)
{
    unsigned esz = v->sew, dsz = widen ? 2 * esz : esz;
    uint64_t acc;

    if ((widen && dsz * 8 > v->cpu->elen) || !v_group_ok(v->vs2, v->lmul) || v->vstart) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (v->vl == 0) {
        return RISCV_EXCP_NONE;
    }
    acc = v_get(v, v->vs1, 0, dsz);
    for (uint64_t i = 0; i < v->vl; i++) {
        uint64_t x = v_get(v, v->vs2, i, esz);
        if (!v_active(v, i)) {
            continue;
        }
        if (widen) {
            acc += ext(x, esz, v->f6 & 1);
            continue;
        }
        static const uint8_t f6s[8] = {0x00, 0x09, 0x0a, 0x0b, 0x04, 0x05, 0x06, 0x07};
        acc = binop(false, f6s[v->f6], acc, x, esz);
    }
    v_set(v, v->vd, 0, dsz, v_trunc(acc, dsz));
    return RISCV_EXCP_NONE;
}

RISCVException v_exec_opi(VInsn *v)
{
    unsigned f6 = v->f6;

    if (f6 >= 0x10 && f6 <= 0x13) {
        return exec_carry(v);
    }
    if (f6 >= 0x18 && f6 <= 0x1f) {
        return exec_compare(v);
    }
    if (f6 == 0x2c || f6 == 0x2d) {
        return form_ok(v, 7) ? exec_narrow_shift(v) : RISCV_EXCP_ILLEGAL_INST;
    }
    if (f6 == 0x30 || f6 == 0x31) {
        return v->f3 == 0 ? exec_reduction(v, true) : RISCV_EXCP_ILLEGAL_INST;
    }
    return exec_binop(v, false);
}

RISCVException v_exec_opm(VInsn *v)
{
    unsigned f6 = v->f6;
    bool vv = v->f3 == 2;

    if (f6 <= 0x07) {
        return vv ? exec_reduction(v, false) : RISCV_EXCP_ILLEGAL_INST;
    }
    if (f6 == 0x12) {
        return vv ? exec_extend(v) : RISCV_EXCP_ILLEGAL_INST;
    }
    if (f6 == 0x29 || f6 == 0x2b || f6 == 0x2d || f6 == 0x2f) {
        return exec_madd(v);
    }
    if (f6 >= 0x30) {
        return exec_widen(v);
    }
    return exec_binop(v, true);
}
