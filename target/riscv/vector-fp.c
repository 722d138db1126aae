/*
 * V 1.0 floating point (spec 13 "Vector Floating-Point Instructions" and the
 * FP reductions of 14.3): SEW 16, 32 and 64 (binary16 with F, as QEMU 7.2
 * has it: what Zvfh later named), over the scalar IEEE code of
 * target/riscv/fpu*.c, so results and fflags are those of the scalar
 * instructions. frm holds the rounding mode (a reserved value is an illegal
 * instruction, as for the scalar dynamic mode); mstatus.FS off is too.
 * vfrsqrt7/vfrec7 are in vector-fp-est.c. The ordered and unordered sums
 * both add in element order (QEMU 7.2 does the same, so the sums agree).
 */
#include "target/riscv/fpu.h"
#include "vector-internal.h"

RISCVException v_slide(VInsn *v, bool up, bool one, uint64_t off, uint64_t s);
uint64_t v_fp_estimate(unsigned esz, uint64_t a, bool rsqrt, int rm, uint32_t *fl);

/* fpu_<fn>_h/_s/_d by element size (2, 4, 8 bytes) */
#define FMT3(esz, fn, ...)                                                                         \
    ((esz) == 2   ? (uint64_t)fpu_##fn##_h(__VA_ARGS__)                                            \
     : (esz) == 4 ? (uint64_t)fpu_##fn##_s(__VA_ARGS__)                                            \
                  : (uint64_t)fpu_##fn##_d(__VA_ARGS__))

typedef struct VFp {
    VInsn *v;
    int rm;
    uint32_t *fl;
} VFp;

/* f[rs1] as an esz-byte operand: NaN-boxed singles unboxed. */
static uint64_t f_scalar(const VInsn *v, unsigned esz)
{
    uint64_t f = v->env->fpr[v->vs1];
    return esz == 8 ? f : esz == 4 ? fpu_unbox_s(f) : fpu_unbox_h(f);
}

static uint64_t f_opnd(const VInsn *v, uint64_t i, unsigned esz)
{
    return v->f3 == 1 ? v_get(v, v->vs1, i, esz) : f_scalar(v, esz);
}

static uint64_t f_arith(VFp *p, unsigned f6, unsigned esz, uint64_t a, uint64_t b)
{
    int rm = p->rm;
    uint32_t *fl = p->fl;

    switch (f6) {
    case 0x00:
        return FMT3(esz, add, a, b, rm, fl);
    case 0x02:
        return FMT3(esz, sub, a, b, rm, fl);
    case 0x04:
        return FMT3(esz, min, a, b, fl);
    case 0x06:
        return FMT3(esz, max, a, b, fl);
    case 0x08:
        return FMT3(esz, sgnj, a, b);
    case 0x09:
        return FMT3(esz, sgnjn, a, b);
    case 0x0a:
        return FMT3(esz, sgnjx, a, b);
    case 0x20:
        return FMT3(esz, div, a, b, rm, fl);
    case 0x21:
        return FMT3(esz, div, b, a, rm, fl);
    case 0x24:
        return FMT3(esz, mul, a, b, rm, fl);
    default:
        return FMT3(esz, sub, b, a, rm, fl); /* 0x27 vfrsub */
    }
}

/* The fused forms: f6 0x28-0x2f as a scalar fmadd/fmsub/fnmsub/fnmadd of (x, y, z). */
static uint64_t f_fma(VFp *p, unsigned f6, unsigned esz, uint64_t s1, uint64_t s2, uint64_t d)
{
    bool acc = f6 & 4; /* vf*acc/vf*sac: vs1 * vs2 +/- vd; else vs1 * vd +/- vs2 */
    uint64_t x = s1, y = acc ? s2 : d, z = acc ? d : s2;
    int rm = p->rm;
    uint32_t *fl = p->fl;

    switch (f6 & 3) {
    case 0:
        return FMT3(esz, madd, x, y, z, rm, fl);
    case 1:
        return FMT3(esz, nmadd, x, y, z, rm, fl);
    case 2:
        return FMT3(esz, msub, x, y, z, rm, fl);
    default:
        return FMT3(esz, nmsub, x, y, z, rm, fl);
    }
}

static bool f_compare(VFp *p, unsigned f6, unsigned esz, uint64_t a, uint64_t b)
{
    uint32_t *fl = p->fl;

    switch (f6) {
    case 0x18:
        return FMT3(esz, eq, a, b, fl);
    case 0x19:
        return FMT3(esz, le, a, b, fl);
    case 0x1b:
        return FMT3(esz, lt, a, b, fl);
    case 0x1c:
        return !FMT3(esz, eq, a, b, fl);
    case 0x1d:
        return FMT3(esz, lt, b, a, fl);
    default:
        return FMT3(esz, le, b, a, fl); /* 0x1f vmfge */
    }
}

/* A binary16/32 value exactly in the next wider format (esz: the source's size). */
static uint64_t widen_f(VFp *p, unsigned esz, uint64_t a)
{
    return esz == 2 ? fpu_cvt_s_h(a, p->fl) : fpu_cvt_d_s(a, p->rm, p->fl);
}

/* unary: vs1 holds a selector, not a register */
static bool single_ok(const VInsn *v, bool mask_dst, bool unary)
{
    bool vv = v->f3 == 1 && !unary;
    if (!v_group_ok(v->vs2, v->lmul) || (vv && !v_group_ok(v->vs1, v->lmul))) {
        return false;
    }
    if (mask_dst) {
        return v_overlap_ok(v->vd, 0, 0, v->vs2, v->lmul, v->sew) &&
               (!vv || v_overlap_ok(v->vd, 0, 0, v->vs1, v->lmul, v->sew));
    }
    return v_group_ok(v->vd, v->lmul) && v_mask_overlap_ok(v, v->vd);
}

static bool widen_ok(const VInsn *v, bool wide_vs2)
{
    int wl = v->lmul + 1;
    bool vv = v->f3 == 1;

    return v->sew <= 4 && v->sew * 16 <= v->cpu->elen && v->lmul <= 2 && v_group_ok(v->vd, wl) &&
           v_mask_overlap_ok(v, v->vd) &&
           (wide_vs2
                ? v_group_ok(v->vs2, wl)
                : v_group_ok(v->vs2, v->lmul) && v_overlap_ok(v->vd, wl, 8, v->vs2, v->lmul, 4)) &&
           (!vv || (v_group_ok(v->vs1, v->lmul) && v_overlap_ok(v->vd, wl, 8, v->vs1, v->lmul, 4)));
}

/* Element-wise single-width, compare, fused and widening forms. */
static RISCVException f_elementwise(VFp *p)
{
    VInsn *v = p->v;
    unsigned f6 = v->f6, esz = v->sew;
    bool cmp = f6 >= 0x18 && f6 <= 0x1f, fma = f6 >= 0x28 && f6 <= 0x2f, wide = f6 >= 0x30;
    bool wide_vs2 = f6 == 0x34 || f6 == 0x36,
         vf_only = f6 == 0x21 || f6 == 0x27 || f6 == 0x1d || f6 == 0x1f;
    unsigned dsz = wide ? 2 * esz : esz;

    if ((vf_only && v->f3 == 1) || f6 == 0x1a || f6 == 0x1e || f6 == 0x3a || f6 == 0x3b ||
        f6 == 0x39 || f6 == 0x35 || f6 == 0x37 || (wide && f6 > 0x38 && f6 < 0x3c) ||
        !(wide ? widen_ok(v, wide_vs2) : single_ok(v, cmp, false))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, wide_vs2 ? dsz : esz), b = f_opnd(v, i, esz), r;
        if (!v_active(v, i)) {
            continue;
        }
        if (cmp) {
            v_set_mask_bit(v, v->vd, i, f_compare(p, f6, esz, a, b));
            continue;
        }
        if (wide) {
            a = wide_vs2 ? a : widen_f(p, esz, a);
            b = widen_f(p, esz, b);
        }
        if (fma || f6 >= 0x3c) {
            r = f_fma(p, fma ? f6 : 0x2c + (f6 & 3), dsz, b, a, v_get(v, v->vd, i, dsz));
        } else {
            r = f_arith(p, wide ? (f6 == 0x38 ? 0x24 : f6 & 2) : f6, dsz, a, b);
        }
        v_set(v, v->vd, i, dsz, r);
    }
    return RISCV_EXCP_NONE;
}

/* vfred{u,o}sum, vfredmin/max, vfwred{u,o}sum: element order, from vs1[0]. */
static RISCVException f_reduction(VFp *p)
{
    VInsn *v = p->v;
    bool wide = v->f6 >= 0x30;
    unsigned esz = v->sew, dsz = wide ? 8 : esz,
             op = v->f6 == 0x05   ? 0x04
                  : v->f6 == 0x07 ? 0x06
                                  : 0;
    uint64_t acc;

    if (v->f3 != 1 || v->vstart || !v_group_ok(v->vs2, v->lmul) ||
        (wide && (esz > 4 || dsz * 8 > v->cpu->elen))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (v->vl == 0) {
        return RISCV_EXCP_NONE;
    }
    acc = v_get(v, v->vs1, 0, dsz);
    for (uint64_t i = 0; i < v->vl; i++) {
        uint64_t x = v_get(v, v->vs2, i, esz);
        if (v_active(v, i)) {
            acc = f_arith(p, op, dsz, acc, wide ? widen_f(p, esz, x) : x);
        }
    }
    v_set(v, v->vd, 0, dsz, acc);
    return RISCV_EXCP_NONE;
}

/* An integer conversion result clamped to a narrower destination: NV alone when out of range. */
static uint64_t clamp_int(VFp *p, uint64_t r, uint32_t fl, unsigned dsz, bool sign)
{
    if (dsz < 4) {
        int64_t lo = sign ? -(1LL << (8 * dsz - 1)) : 0,
                hi = sign ? (1LL << (8 * dsz - 1)) - 1 : (1LL << (8 * dsz)) - 1;
        int64_t x = sign ? (int64_t)r : (int64_t)(uint32_t)r;
        if (!(fl & FPU_NV) && (x < lo || x > hi)) {
            fl = FPU_NV;
            r = x < lo ? lo : hi;
        } else if (fl & FPU_NV) {
            r = (sign && (int32_t)r < 0) ? lo : (!sign && (uint32_t)r == 0) ? 0 : hi;
        }
    }
    *p->fl |= fl;
    return v_trunc(r, dsz);
}

/* float (fsz) -> integer (dsz), rounding rm. */
static uint64_t f_to_int(VFp *p, uint64_t a, unsigned fsz, unsigned dsz, bool sign, int rm)
{
    uint32_t fl = 0;
    uint64_t r;

    if (dsz == 8) {
        r = sign ? FMT3(fsz, cvt_l, a, rm, &fl) : FMT3(fsz, cvt_lu, a, rm, &fl);
    } else {
        r = sign ? FMT3(fsz, cvt_w, a, rm, &fl) : FMT3(fsz, cvt_wu, a, rm, &fl);
    }
    return clamp_int(p, r, fl, dsz, sign);
}

/* integer (isz bytes) -> float (dsz). */
static uint64_t int_to_f(VFp *p, uint64_t a, unsigned isz, unsigned dsz, bool sign)
{
    int64_t s = v_sext(a, isz);

    switch (dsz) {
    case 2:
        return sign ? fpu_cvt_h_l(s, p->rm, p->fl) : fpu_cvt_h_lu(a, p->rm, p->fl);
    case 4:
        return sign ? fpu_cvt_s_l(s, p->rm, p->fl) : fpu_cvt_s_lu(a, p->rm, p->fl);
    default:
        return sign ? fpu_cvt_d_l(s, p->rm, p->fl) : fpu_cvt_d_lu(a, p->rm, p->fl);
    }
}

/* The narrowing float conversion (fsz -> fsz / 2) in rounding mode rm. */
static uint64_t narrow_f(unsigned fsz, uint64_t a, int rm, uint32_t *fl)
{
    return fsz == 8 ? fpu_cvt_s_d(a, rm, fl) : fpu_cvt_h_s(a, rm, fl);
}

/* Narrowing rounding to odd: truncate, then set the last bit if anything was lost. */
static uint64_t narrow_rod(VFp *p, unsigned fsz, uint64_t a)
{
    uint32_t fl = 0;
    uint64_t r = narrow_f(fsz, a, FPU_RM_RTZ, &fl);
    uint64_t exp = fsz == 8 ? 0x7f800000 : 0x7c00;

    if ((fl & FPU_NX) && (r & exp) != exp) {
        r |= 1;
    }
    *p->fl |= fl;
    return r;
}

/* VFUNARY0: vfcvt, vfwcvt, vfncvt (selector in vs1). */
static RISCVException f_convert(VFp *p)
{
    VInsn *v = p->v;
    unsigned sel = v->vs1, esz = v->sew, kind = sel >> 3, op = sel & 7;
    unsigned ssz = kind == 2 ? 2 * esz : esz, dsz = kind == 1 ? 2 * esz : esz;
    bool to_int = op == 0 || op == 1 || op == 6 || op == 7, sign = op & 1, ff = op == 4 || op == 5;
    unsigned fbytes = to_int ? ssz : dsz;
    int sl = kind == 2 ? v->lmul + 1 : v->lmul, dl = kind == 1 ? v->lmul + 1 : v->lmul;

    if (kind > 2 || (ff && kind == 0) || (op == 5 && kind != 2) || fbytes < 2 || (ff && ssz < 2) ||
        ssz * 8 > v->cpu->elen || dsz * 8 > v->cpu->elen || (kind != 0 && v->lmul > 2) ||
        !v_group_ok(v->vd, dl) || !v_group_ok(v->vs2, sl) || !v_mask_overlap_ok(v, v->vd) ||
        !v_overlap_ok(v->vd, dl, dsz, v->vs2, sl, ssz)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, ssz), r;
        if (!v_active(v, i)) {
            continue;
        }
        if (to_int) {
            r = f_to_int(p, a, ssz, dsz, sign, op >= 6 ? FPU_RM_RTZ : p->rm);
        } else if (op == 2 || op == 3) {
            r = int_to_f(p, a, ssz, dsz, sign);
        } else if (kind == 1) {
            r = widen_f(p, ssz, a);
        } else {
            r = op == 5 ? narrow_rod(p, ssz, a) : narrow_f(ssz, a, p->rm, p->fl);
        }
        v_set(v, v->vd, i, dsz, r);
    }
    return RISCV_EXCP_NONE;
}

/* VFUNARY1: vfsqrt, vfrsqrt7, vfrec7, vfclass. */
static RISCVException f_unary(VFp *p)
{
    VInsn *v = p->v;
    unsigned sel = v->vs1, esz = v->sew;

    if ((sel != 0 && sel != 4 && sel != 5 && sel != 0x10) || !single_ok(v, false, true)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, esz), r;
        if (!v_active(v, i)) {
            continue;
        }
        if (sel == 0) {
            r = FMT3(esz, sqrt, a, p->rm, p->fl);
        } else if (sel == 0x10) {
            r = FMT3(esz, class, a);
        } else {
            r = v_fp_estimate(esz, a, sel == 4, p->rm, p->fl);
        }
        v_set(v, v->vd, i, esz, r);
    }
    return RISCV_EXCP_NONE;
}

/* vfmv.f.s, vfmv.s.f, vfmerge.vfm / vfmv.v.f, vfslide1up/down. */
static RISCVException f_move(VFp *p, bool *done)
{
    VInsn *v = p->v;
    unsigned esz = v->sew;
    bool vv = v->f3 == 1;

    *done = true;
    switch (v->f6) {
    case 0x0e:
    case 0x0f:
        return vv ? RISCV_EXCP_ILLEGAL_INST : v_slide(v, v->f6 == 0x0e, true, 1, f_scalar(v, esz));
    case 0x10:
        if (!v->vm || (vv ? v->vs1 != 0 : v->vs2 != 0)) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        if (vv) {
            uint64_t x = v_get(v, v->vs2, 0, esz);
            v->env->fpr[v->vd] = esz == 8 ? x : esz == 4 ? fpu_box_s(x) : fpu_box_h(x);
            riscv_mark_fs_dirty(v->env);
        } else if (v->vstart < v->vl) {
            v_set(v, v->vd, 0, esz, f_scalar(v, esz));
        }
        return RISCV_EXCP_NONE;
    case 0x17:
        if (vv || (v->vm && v->vs2 != 0) || (!v->vm && v->vd == 0) || !v_group_ok(v->vd, v->lmul) ||
            !v_group_ok(v->vs2, v->lmul)) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        for (uint64_t i = v->vstart; i < v->vl; i++) {
            bool take = v->vm || v_mask_bit(v, 0, i);
            v_set(v, v->vd, i, esz, take ? f_scalar(v, esz) : v_get(v, v->vs2, i, esz));
        }
        return RISCV_EXCP_NONE;
    }
    *done = false;
    return RISCV_EXCP_NONE;
}

RISCVException v_exec_fp(VInsn *v)
{
    CPURISCVState *env = v->env;
    unsigned f6 = v->f6;
    uint32_t fl = env->fflags;
    VFp p = {.v = v, .rm = env->frm, .fl = &fl};
    RISCVException ex;
    bool done;

    /* the conversions check their own widths (vfwcvt.f.x.v from 16-bit integers...) */
    if (!(env->mstatus & MSTATUS_FS) || (v->sew == 1 && f6 != 0x12) || env->frm > FPU_RM_RMM) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    ex = f_move(&p, &done);
    if (!done) {
        if (f6 == 0x01 || f6 == 0x03 || f6 == 0x05 || f6 == 0x07 || f6 == 0x31 || f6 == 0x33) {
            ex = f_reduction(&p);
        } else if (f6 == 0x12) {
            ex = v->f3 == 1 ? f_convert(&p) : RISCV_EXCP_ILLEGAL_INST;
        } else if (f6 == 0x13) {
            ex = v->f3 == 1 ? f_unary(&p) : RISCV_EXCP_ILLEGAL_INST;
        } else if ((f6 >= 0x0b && f6 <= 0x0d) || (f6 >= 0x11 && f6 <= 0x16) || f6 == 0x22 ||
                   f6 == 0x23 || f6 == 0x25 || f6 == 0x26) {
            ex = RISCV_EXCP_ILLEGAL_INST;
        } else {
            ex = f_elementwise(&p);
        }
    }
    if (ex == RISCV_EXCP_NONE && fl != env->fflags) {
        env->fflags = fl;
        riscv_mark_fs_dirty(env);
    }
    return ex;
}
