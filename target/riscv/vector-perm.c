/*
 * V 1.0 mask and permutation instructions: vmerge/vmv.v.* (11.15-11.16),
 * the mask logicals, vcpop.m, vfirst.m, vmsbf/vmsif/vmsof.m, viota.m, vid.v
 * (15), and the permutations of 16: vmv.x.s/vmv.s.x, slides, vrgather
 * (ei16), vcompress and the whole-register moves vmv<nr>r.v. The FP forms
 * (vfmv.f.s, vfslide1up...) reuse v_slide1 and friends from vector-fp.c.
 */
#include "vector-internal.h"

uint64_t v_opnd(const VInsn *v, uint64_t i, unsigned esz, bool uimm);

static bool groups_disjoint(unsigned a, int ea, unsigned b, int eb)
{
    unsigned na = ea > 0 ? 1u << ea : 1, nb = eb > 0 ? 1u << eb : 1;
    return a + na <= b || b + nb <= a;
}

/* vmerge.v{v,x,i}m (vm = 0) and vmv.v.{v,x,i} (vm = 1, vs2 = 0). */
static RISCVException exec_merge(VInsn *v)
{
    bool vv = v->f3 == 0;

    if ((v->vm && v->vs2 != 0) || !v_group_ok(v->vd, v->lmul) ||
        (!v->vm && (v->vd == 0 || !v_group_ok(v->vs2, v->lmul))) ||
        (vv && !v_group_ok(v->vs1, v->lmul))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        bool take_b = v->vm || v_mask_bit(v, 0, i);
        v_set(v, v->vd, i, v->sew,
              take_b ? v_opnd(v, i, v->sew, false) : v_get(v, v->vs2, i, v->sew));
    }
    return RISCV_EXCP_NONE;
}

/* vslideup/vslidedown by off, vslide1up/vslide1down (one = true) inserting scalar s. */
RISCVException v_slide(VInsn *v, bool up, bool one, uint64_t off, uint64_t s);
RISCVException v_slide(VInsn *v, bool up, bool one, uint64_t off, uint64_t s)
{
    unsigned esz = v->sew;

    if (!v_group_ok(v->vd, v->lmul) || !v_group_ok(v->vs2, v->lmul) ||
        !v_mask_overlap_ok(v, v->vd) || (up && !groups_disjoint(v->vd, v->lmul, v->vs2, v->lmul))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    off = one ? 1 : off;
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t x;
        if (!v_active(v, i) || (up && i < off && !(one && i == 0))) {
            continue;
        }
        if (up) {
            x = one && i == 0 ? s : v_get(v, v->vs2, i - off, esz);
        } else if (one && i == v->vl - 1) {
            x = s;
        } else {
            x = i + off < v->vlmax && i + off >= i ? v_get(v, v->vs2, i + off, esz) : 0;
        }
        v_set(v, v->vd, i, esz, x);
    }
    return RISCV_EXCP_NONE;
}

/* vrgather.vv/vx/vi and vrgatherei16.vv. */
static RISCVException exec_gather(VInsn *v, bool ei16)
{
    unsigned esz = v->sew, iesz = ei16 ? 2 : esz;
    int iemul = ei16 ? 1 - __builtin_ctz(esz) + v->lmul : v->lmul;
    bool vv = v->f3 == 0;

    if (iemul < -3 || iemul > 3 || !v_group_ok(v->vd, v->lmul) || !v_group_ok(v->vs2, v->lmul) ||
        !groups_disjoint(v->vd, v->lmul, v->vs2, v->lmul) || !v_mask_overlap_ok(v, v->vd) ||
        (vv && (!v_group_ok(v->vs1, iemul) || !groups_disjoint(v->vd, v->lmul, v->vs1, iemul)))) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = v->vstart; i < v->vl; i++) {
        uint64_t idx = vv ? v_get(v, v->vs1, i, iesz) : v->f3 == 3 ? v->vs1 : v->env->gpr[v->vs1];
        if (v_active(v, i)) {
            v_set(v, v->vd, i, esz, idx < v->vlmax ? v_get(v, v->vs2, idx, esz) : 0);
        }
    }
    return RISCV_EXCP_NONE;
}

static RISCVException exec_compress(VInsn *v)
{
    uint64_t k = 0;

    if (!v->vm || v->vstart || !v_group_ok(v->vd, v->lmul) || !v_group_ok(v->vs2, v->lmul) ||
        !groups_disjoint(v->vd, v->lmul, v->vs2, v->lmul) ||
        !groups_disjoint(v->vd, v->lmul, v->vs1, 0)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = 0; i < v->vl; i++) {
        if (v_mask_bit(v, v->vs1, i)) {
            v_set(v, v->vd, k++, v->sew, v_get(v, v->vs2, i, v->sew));
        }
    }
    return RISCV_EXCP_NONE;
}

/* vmv1r.v .. vmv8r.v: nr whole registers, from element vstart (EEW = SEW). */
static RISCVException exec_move_whole(VInsn *v)
{
    unsigned nr = v->vs1 + 1;
    uint64_t start = v->vstart * v->sew, bytes = (uint64_t)nr * v->vlenb;

    if (!v->vm || (nr & (nr - 1)) || nr > 8 || v->vd % nr || v->vs2 % nr) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (start < bytes && v->vd != v->vs2) {
        memmove(v->env->vreg + v->vd * v->vlenb + start, v->env->vreg + v->vs2 * v->vlenb + start,
                bytes - start);
    }
    return RISCV_EXCP_NONE;
}

static bool mask_logical(unsigned f6, bool a, bool b)
{
    switch (f6) {
    case 0x18:
        return a & !b; /* vmandn: vs2 & ~vs1 */
    case 0x19:
        return a & b;
    case 0x1a:
        return a | b;
    case 0x1b:
        return a ^ b;
    case 0x1c:
        return a | !b; /* vmorn */
    case 0x1d:
        return !(a & b);
    case 0x1e:
        return !(a | b);
    default:
        return !(a ^ b);
    }
}

/* vmsbf (1), vmsof (2), vmsif (3): set before / only / including the first set bit. */
static RISCVException exec_set_first(VInsn *v, unsigned kind)
{
    bool seen = false;

    if (v->vstart || v->vd == v->vs2 || !v_mask_overlap_ok(v, v->vd)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = 0; i < v->vl; i++) {
        bool bit, b;
        if (!v_active(v, i)) {
            continue;
        }
        bit = v_mask_bit(v, v->vs2, i);
        b = kind == 1 ? !seen && !bit : kind == 2 ? !seen && bit : !seen;
        seen |= bit;
        v_set_mask_bit(v, v->vd, i, b);
    }
    return RISCV_EXCP_NONE;
}

/* viota.m (vid.v when iota is false). */
static RISCVException exec_iota(VInsn *v, bool iota)
{
    uint64_t n = 0;

    if (v->vstart || !v_group_ok(v->vd, v->lmul) || !v_mask_overlap_ok(v, v->vd) ||
        (iota ? !groups_disjoint(v->vd, v->lmul, v->vs2, 0) : v->vs2 != 0)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    for (uint64_t i = 0; i < v->vl; i++) {
        if (!v_active(v, i)) {
            continue;
        }
        v_set(v, v->vd, i, v->sew, v_trunc(iota ? n : i, v->sew));
        n += iota && v_mask_bit(v, v->vs2, i);
    }
    return RISCV_EXCP_NONE;
}

/* OPMVV funct6 0x10: vmv.x.s, vcpop.m, vfirst.m (rd an x register). */
static RISCVException exec_wxunary(VInsn *v)
{
    int64_t r = 0;

    if (v->vs1 == 0) {
        if (!v->vm) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        v_set_xreg(v, v->vd, (uint64_t)v_sext(v_get(v, v->vs2, 0, v->sew), v->sew));
        return RISCV_EXCP_NONE;
    }
    if ((v->vs1 != 0x10 && v->vs1 != 0x11) || v->vstart) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    r = v->vs1 == 0x11 ? -1 : 0;
    for (uint64_t i = 0; i < v->vl; i++) {
        if (v_active(v, i) && v_mask_bit(v, v->vs2, i)) {
            if (v->vs1 == 0x11) {
                r = (int64_t)i;
                break;
            }
            r++;
        }
    }
    v_set_xreg(v, v->vd, (uint64_t)r);
    return RISCV_EXCP_NONE;
}

static RISCVException exec_opm_perm(VInsn *v, bool *done)
{
    bool vv = v->f3 == 2;

    switch (v->f6) {
    case 0x0e:
    case 0x0f:
        return vv ? RISCV_EXCP_ILLEGAL_INST
                  : v_slide(v, v->f6 == 0x0e, true, 1, v_trunc(v->env->gpr[v->vs1], v->sew));
    case 0x10:
        if (vv) {
            return exec_wxunary(v);
        }
        if (v->vs2 != 0 || !v->vm) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        if (v->vstart < v->vl) { /* vmv.s.x */
            v_set(v, v->vd, 0, v->sew, v_trunc(v->env->gpr[v->vs1], v->sew));
        }
        return RISCV_EXCP_NONE;
    case 0x14:
        if (!vv) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        if (v->vs1 >= 1 && v->vs1 <= 3) {
            return exec_set_first(v, v->vs1);
        }
        return v->vs1 == 0x10 || v->vs1 == 0x11 ? exec_iota(v, v->vs1 == 0x10)
                                                : RISCV_EXCP_ILLEGAL_INST;
    case 0x17:
        return vv ? exec_compress(v) : RISCV_EXCP_ILLEGAL_INST;
    case 0x18 ... 0x1f:
        if (!vv || !v->vm) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        for (uint64_t i = v->vstart; i < v->vl; i++) {
            bool a = v_mask_bit(v, v->vs2, i), b = v_mask_bit(v, v->vs1, i);
            v_set_mask_bit(v, v->vd, i, mask_logical(v->f6, a, b));
        }
        return RISCV_EXCP_NONE;
    }
    *done = false;
    return RISCV_EXCP_NONE;
}

RISCVException v_exec_perm(VInsn *v, bool *done)
{
    *done = true;
    if (v->f3 == 2 || v->f3 == 6) {
        return exec_opm_perm(v, done);
    }
    switch (v->f6) {
    case 0x0c:
        return exec_gather(v, false);
    case 0x0e:
        if (v->f3 == 0) {
            return exec_gather(v, true);
        }
        return v_slide(v, true, false, v->f3 == 3 ? v->vs1 : v->env->gpr[v->vs1], 0);
    case 0x0f:
        if (v->f3 == 0) {
            return RISCV_EXCP_ILLEGAL_INST;
        }
        return v_slide(v, false, false, v->f3 == 3 ? v->vs1 : v->env->gpr[v->vs1], 0);
    case 0x17:
        return exec_merge(v);
    case 0x27:
        if (v->f3 == 3) {
            return exec_move_whole(v);
        }
        break;
    }
    *done = false;
    return RISCV_EXCP_NONE;
}
