/*
 * V 1.0 fixed-point arithmetic (spec 12 "Vector Fixed-Point Arithmetic
 * Instructions"): saturating add/subtract (vsaddu/vsadd/vssubu/vssub),
 * averaging add/subtract (vaaddu/vaadd/vasubu/vasub), vsmul, the scaling
 * shifts vssrl/vssra and the narrowing clips vnclipu/vnclip. Rounding follows
 * vxrm (12.1: rnu, rne, rdn, rod); saturation sets vxsat.
 */
#include "vector-internal.h"

uint64_t v_opnd(const VInsn *v, uint64_t i, unsigned esz, bool uimm);

/* The rounding increment of shifting x right by d bits under vxrm (spec 12.1). */
static unsigned __int128 round_inc(unsigned vxrm, unsigned __int128 x, unsigned d)
{
    if (d == 0) {
        return 0;
    }
    unsigned __int128 one = 1;
    bool half = (x >> (d - 1)) & 1, below = d > 1 && (x & ((one << (d - 1)) - 1)) != 0;
    bool lsb = (x >> d) & 1;

    switch (vxrm) {
    case 0: /* rnu */
        return half;
    case 1: /* rne */
        return half && (below || lsb);
    case 2: /* rdn */
        return 0;
    default: /* rod: jam */
        return !lsb && (half || below);
    }
}

static __int128 shr_round_s(unsigned vxrm, __int128 x, unsigned d)
{
    return (x >> d) + (__int128)round_inc(vxrm, (unsigned __int128)x, d);
}

static unsigned __int128 shr_round_u(unsigned vxrm, unsigned __int128 x, unsigned d)
{
    return (x >> d) + round_inc(vxrm, x, d);
}

/* Clamp x to the signed or unsigned range of esz bytes; vxsat on saturation. */
static uint64_t sat(const VInsn *v, __int128 x, unsigned esz, bool sign)
{
    unsigned bits = 8 * esz;
    __int128 lo = sign ? -((__int128)1 << (bits - 1)) : 0;
    __int128 hi = sign ? ((__int128)1 << (bits - 1)) - 1 : ((__int128)1 << bits) - 1;

    if (x < lo || x > hi) {
        v->env->vxsat = 1;
        x = x < lo ? lo : hi;
    }
    return v_trunc((uint64_t)x, esz);
}

static uint64_t fixed_op(const VInsn *v, bool opm, uint64_t a, uint64_t b)
{
    unsigned esz = v->sew, vxrm = v->env->vxrm, bits = 8 * esz;
    __int128 sa = v_sext(a, esz), sb = v_sext(b, esz);
    unsigned __int128 ua = a, ub = b;

    if (opm) { /* vaaddu, vaadd, vasubu, vasub: (a +/- b) >> 1, rounded */
        switch (v->f6) {
        case 0x08:
            return v_trunc((uint64_t)shr_round_u(vxrm, ua + ub, 1), esz);
        case 0x09:
            return v_trunc((uint64_t)shr_round_s(vxrm, sa + sb, 1), esz);
        case 0x0a:
            return v_trunc((uint64_t)shr_round_s(vxrm, (__int128)ua - (__int128)ub, 1), esz);
        default:
            return v_trunc((uint64_t)shr_round_s(vxrm, sa - sb, 1), esz);
        }
    }
    switch (v->f6) {
    case 0x20:
        return sat(v, (__int128)(ua + ub), esz, false);
    case 0x21:
        return sat(v, sa + sb, esz, true);
    case 0x22:
        return sat(v, (__int128)ua - (__int128)ub, esz, false);
    case 0x23:
        return sat(v, sa - sb, esz, true);
    case 0x27: /* vsmul: (a * b) >> (SEW - 1), rounded, saturated */
        return sat(v, shr_round_s(vxrm, sa * sb, bits - 1), esz, true);
    case 0x2a:
        return v_trunc((uint64_t)shr_round_u(vxrm, ua, b & (bits - 1)), esz);
    default: /* 0x2b vssra */
        return v_trunc((uint64_t)shr_round_s(vxrm, sa, b & (bits - 1)), esz);
    }
}

static bool single_width_ok(const VInsn *v, bool has_vs1)
{
    return v_group_ok(v->vd, v->lmul) && v_group_ok(v->vs2, v->lmul) &&
           (!has_vs1 || v_group_ok(v->vs1, v->lmul)) && v_mask_overlap_ok(v, v->vd);
}

/* vnclipu/vnclip: vd[i] = clip(round(vs2[i] (2*SEW) >> (b mod 2*SEW))). */
static RISCVException exec_clip(const VInsn *v)
{
    unsigned esz = v->sew, wsz = 2 * esz;
    int wl = v->lmul + 1;
    bool sign = v->f6 & 1;

    if (v->lmul > 2 || wsz * 8 > v->cpu->elen || !v_group_ok(v->vs2, wl) ||
        !v_group_ok(v->vd, v->lmul) || !v_overlap_ok(v->vd, v->lmul, esz, v->vs2, wl, wsz) ||
        (v->f3 == 0 && !v_group_ok(v->vs1, v->lmul)) || !v_mask_overlap_ok(v, v->vd)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, wsz);
        unsigned sh = v_opnd(v, i, esz, true) & (8 * wsz - 1);
        __int128 r;
        if (!v_active(v, i)) {
            continue;
        }
        r = sign ? shr_round_s(v->env->vxrm, v_sext(a, wsz), sh)
                 : (__int128)shr_round_u(v->env->vxrm, a, sh);
        v_set(v, v->vd, i, esz, sat(v, r, esz, sign));
    }
    return RISCV_EXCP_NONE;
}

RISCVException v_exec_fixed(VInsn *v, bool *done)
{
    bool opm = v->f3 == 2 || v->f3 == 6, vv = v->f3 == 0 || v->f3 == 2;
    unsigned f6 = v->f6;

    *done = true;
    if (opm ? f6 < 0x08 || f6 > 0x0b
            : !(f6 >= 0x20 && f6 <= 0x23) && f6 != 0x27 && f6 != 0x2a && f6 != 0x2b && f6 != 0x2e &&
                  f6 != 0x2f) {
        *done = false;
        return RISCV_EXCP_NONE;
    }
    if (!opm && f6 == 0x27 && v->f3 == 3) {
        *done = false; /* vmv<nr>r.v (vector-perm.c) */
        return RISCV_EXCP_NONE;
    }
    if (f6 == 0x2e || f6 == 0x2f) {
        return exec_clip(v);
    }
    if (v->f3 == 3 && (f6 == 0x22 || f6 == 0x23)) {
        return RISCV_EXCP_ILLEGAL_INST; /* vssub(u) has no immediate form */
    }
    if (!single_width_ok(v, vv)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        if (v_active(v, i)) {
            uint64_t a = v_get(v, v->vs2, i, v->sew);
            uint64_t b = v_opnd(v, i, v->sew, f6 == 0x2a || f6 == 0x2b);
            v_set(v, v->vd, i, v->sew, fixed_op(v, opm, a, b));
        }
    }
    return RISCV_EXCP_NONE;
}
