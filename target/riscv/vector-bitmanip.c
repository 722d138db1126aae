/*
 * Zvbb 1.0 (RISC-V Cryptography Extensions Volume II: Vector, "Zvbb - Vector Basic
 * Bit-manipulation"; Zvkb is its subset): vandn, vbrev, vbrev8, vrev8, vclz, vctz, vcpop.v,
 * vrol, vror and vwsll, on the element loop and register-group rules of vector-int.c's
 * single-width and widening forms.
 */
#include "vector-internal.h"

uint64_t v_opnd(const VInsn *v, uint64_t i, unsigned esz, bool uimm);

static uint64_t bitrev(uint64_t x, unsigned bits)
{
    uint64_t r = 0;
    for (unsigned b = 0; b < bits; b++) {
        r |= ((x >> b) & 1) << (bits - 1 - b);
    }
    return r;
}

static uint64_t rotl(uint64_t x, unsigned n, unsigned esz)
{
    unsigned bits = 8 * esz;
    n &= bits - 1;
    return n ? v_trunc(x << n | x >> (bits - n), esz) : x;
}

/* The unary forms of VXUNARY0 (selector vs1): 8 vbrev8, 9 vrev8, 10 vbrev, 12 vclz, 13 vctz,
 * 14 vcpop. */
static uint64_t unary(unsigned sel, uint64_t x, unsigned esz)
{
    unsigned bits = 8 * esz;
    uint64_t r = 0;

    switch (sel) {
    case 8:
        for (unsigned b = 0; b < esz; b++) {
            r |= bitrev((x >> (8 * b)) & 0xff, 8) << (8 * b);
        }
        return r;
    case 9:
        for (unsigned b = 0; b < esz; b++) {
            r |= ((x >> (8 * b)) & 0xff) << (8 * (esz - 1 - b));
        }
        return r;
    case 10:
        return bitrev(x, bits);
    case 12:
        return x ? (uint64_t)__builtin_clzll(x) - (64 - bits) : bits;
    case 13:
        return x ? (uint64_t)__builtin_ctzll(x) : bits;
    default:
        return (uint64_t)__builtin_popcountll(x);
    }
}

static bool is_zvbb(const VInsn *v)
{
    bool opm = v->f3 == 2 || v->f3 == 6, opi = v->f3 == 0 || v->f3 == 3 || v->f3 == 4;
    unsigned sel = v->vs1;

    if (opm) {
        return v->f3 == 2 && v->f6 == 0x12 && sel >= 8 && sel <= 14 && sel != 11;
    }
    if (!opi) {
        return false;
    }
    switch (v->f6) {
    case 0x01: /* vandn.vv/vx */
    case 0x15: /* vrol.vv/vx, or vror.vi with imm[5] = 1 */
        return v->f3 != 3 || v->f6 == 0x15;
    case 0x14: /* vror.vv/vx/vi */
    case 0x35: /* vwsll.vv/vx/vi */
        return true;
    }
    return false;
}

static RISCVException exec_wsll(VInsn *v)
{
    unsigned esz = v->sew, wsz = 2 * esz;
    int wl = v->lmul + 1;
    bool vv = v->f3 == 0;

    if (v->lmul > 2 || wsz * 8 > v->cpu->elen || !v_group_ok(v->vd, wl) ||
        !v_group_ok(v->vs2, v->lmul) || !v_overlap_ok(v->vd, wl, wsz, v->vs2, v->lmul, esz) ||
        (vv &&
         (!v_group_ok(v->vs1, v->lmul) || !v_overlap_ok(v->vd, wl, wsz, v->vs1, v->lmul, esz))) ||
        !v_mask_overlap_ok(v, v->vd)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        if (v_active(v, i)) {
            unsigned sh = v_opnd(v, i, esz, true) & (8 * wsz - 1);
            v_set(v, v->vd, i, wsz, v_trunc(v_get(v, v->vs2, i, esz) << sh, wsz));
        }
    }
    return RISCV_EXCP_NONE;
}

RISCVException v_exec_zvbb(VInsn *v, bool *done)
{
    bool unary_op = v->f3 == 2, vv = v->f3 == 0;

    *done = v->cpu->ext_zvbb && is_zvbb(v);
    if (!*done) {
        return RISCV_EXCP_NONE;
    }
    if (v->f6 == 0x35) {
        return exec_wsll(v);
    }
    if (!v_group_ok(v->vd, v->lmul) || !v_group_ok(v->vs2, v->lmul) ||
        (vv && !v_group_ok(v->vs1, v->lmul)) || !v_mask_overlap_ok(v, v->vd)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t a = v_get(v, v->vs2, i, v->sew), r;
        if (!v_active(v, i)) {
            continue;
        }
        if (unary_op) {
            r = unary(v->vs1, a, v->sew);
        } else if (v->f3 == 3) { /* vror.vi: the 6-bit immediate's top bit is funct6's bit 0 */
            r = rotl(a, 8 * v->sew - ((v->f6 & 1) << 5 | v->vs1), v->sew);
        } else {
            uint64_t b = v_opnd(v, i, v->sew, true);
            r = v->f6 == 0x01   ? a & ~b
                : v->f6 == 0x15 ? rotl(a, b, v->sew)
                                : rotl(a, 8 * v->sew - (b & (8 * v->sew - 1)), v->sew);
        }
        v_set(v, v->vd, i, v->sew, r);
    }
    return RISCV_EXCP_NONE;
}
