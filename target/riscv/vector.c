/*
 * The V extension 1.0 in the interpreter: the entry point of the vector
 * records (OP_VSETVL, OP_VLOAD, OP_VSTORE, OP_VARITH), the vsetvl* rules
 * (spec 6 "Configuration-Setting Instructions") and the register-group rules
 * every vector instruction shares (3.4.2, 5.2, 5.3). The instruction groups
 * are in vector-mem.c, vector-int.c, vector-fixed.c, vector-perm.c and
 * vector-fp.c.
 *
 * Where the spec leaves a choice, QEMU 7.2's is taken so guest programs give
 * the same results on both: tail and inactive elements undisturbed whatever
 * vta/vma say; vsetvl sets vl = min(AVL, VLMAX); a vtype it cannot honour sets
 * vill with vtype = vl = 0; every vector instruction marks VS dirty; vstart
 * returns to 0 after any instruction that completes.
 */
#include "vector-internal.h"

bool v_group_ok(unsigned reg, int emul)
{
    unsigned n = emul > 0 ? 1u << emul : 1;
    return reg % n == 0 && reg + n <= 32;
}

static bool regs_overlap(unsigned a, unsigned na, unsigned b, unsigned nb)
{
    return a < b + nb && b < a + na;
}

bool v_overlap_ok(unsigned dst, int dst_emul, unsigned dst_eew, unsigned src, int src_emul,
                  unsigned src_eew)
{
    unsigned nd = dst_emul > 0 ? 1u << dst_emul : 1, ns = src_emul > 0 ? 1u << src_emul : 1;

    if (!regs_overlap(dst, nd, src, ns) || dst_eew == src_eew) {
        return true;
    }
    if (dst_eew < src_eew) { /* narrower destination: only the lowest part of the source */
        return dst == src;
    }
    /* wider destination: a source of EMUL >= 1 in the highest part of the destination */
    return src_emul >= 0 && src + ns == dst + nd;
}

bool v_mask_overlap_ok(const VInsn *v, unsigned vd)
{
    return v->vm || vd != 0;
}

uint64_t v_vlmax(const VInsn *v, unsigned eew, int emul)
{
    uint64_t bytes = emul >= 0 ? (uint64_t)v->vlenb << emul : v->vlenb >> -emul;
    return bytes / eew;
}

void v_set_xreg(const VInsn *v, unsigned rd, uint64_t val)
{
    if (rd) {
        v->env->gpr[rd] = val;
    }
}

/* vtype that this hart honours (QEMU 7.2's rules), or false for vill. */
static bool vtype_ok(RISCVCPU *cpu, uint64_t vtype)
{
    unsigned lmul = VTYPE_LMUL(vtype), sew = 8u << VTYPE_SEW(vtype);

    if (vtype >> 8) {
        return false; /* reserved bits (and vill itself) */
    }
    if (lmul == 4 || sew > cpu->elen) {
        return false;
    }
    /* fractional LMUL: SEW <= ELEN * LMUL */
    return !(lmul & 4) || sew <= cpu->elen >> (8 - lmul);
}

bool riscv_vector_state_valid(RISCVCPU *cpu)
{
    CPURISCVState *env = &cpu->env;
    VInsn v = {.vlenb = cpu->vlen / 8};

    if (env->vstart >= cpu->vlen || env->vxrm > 3 || env->vxsat > 1) {
        return false;
    }
    if (env->vill) {
        return env->vtype == 0 && env->vl == 0;
    }
    return vtype_ok(cpu, env->vtype) &&
           env->vl <= v_vlmax(&v, 1u << VTYPE_SEW(env->vtype), sextract64(env->vtype, 0, 3));
}

static RISCVException exec_vsetvl(VInsn *v)
{
    CPURISCVState *env = v->env;
    uint32_t i = v->insn;
    unsigned rd = v->vd, rs1 = v->vs1;
    uint64_t vtype, avl;

    if (!extract64(i, 31, 1)) { /* vsetvli */
        vtype = extract64(i, 20, 11);
    } else if (extract64(i, 30, 1)) { /* vsetivli */
        vtype = extract64(i, 20, 10);
    } else {
        vtype = env->gpr[v->vs2];
    }
    if (extract64(i, 30, 2) == 3) {
        avl = rs1; /* uimm5 */
    } else if (rs1 != 0) {
        avl = env->gpr[rs1];
    } else {
        avl = rd != 0 ? ~0ULL : env->vl; /* x0, x0: keep vl */
    }
    env->vstart = 0;
    if (!vtype_ok(v->cpu, vtype)) {
        env->vill = true;
        env->vtype = env->vl = 0;
        v_set_xreg(v, rd, 0);
        return RISCV_EXCP_NONE;
    }
    v->sew = 1u << VTYPE_SEW(vtype);
    v->lmul = sextract64(vtype, 0, 3);
    uint64_t vlmax = v_vlmax(v, v->sew, v->lmul);
    env->vill = false;
    env->vtype = vtype;
    env->vl = MIN(avl, vlmax);
    v_set_xreg(v, rd, env->vl);
    return RISCV_EXCP_NONE;
}

static RISCVException exec_arith(VInsn *v)
{
    RISCVException ex;
    bool done = false;

    switch (v->f3) {
    case 1:
    case 5:
        return v_exec_fp(v);
    }
    ex = v_exec_zvbb(v, &done);
    if (done) {
        return ex;
    }
    ex = v_exec_perm(v, &done);
    if (done) {
        return ex;
    }
    ex = v_exec_fixed(v, &done);
    if (done) {
        return ex;
    }
    return v->f3 == 2 || v->f3 == 6 ? v_exec_opm(v) : v_exec_opi(v);
}

static void v_fill(VInsn *v, RISCVCPU *cpu, uint32_t insn, uint64_t *tval)
{
    CPURISCVState *env = &cpu->env;

    v->cpu = cpu;
    v->env = env;
    v->insn = insn;
    v->f6 = extract64(insn, 26, 6);
    v->f3 = extract64(insn, 12, 3);
    v->vd = extract64(insn, 7, 5);
    v->vs1 = extract64(insn, 15, 5);
    v->vs2 = extract64(insn, 20, 5);
    v->vm = extract64(insn, 25, 1);
    v->sew = 1u << VTYPE_SEW(env->vtype);
    v->lmul = sextract64(env->vtype, 0, 3);
    v->vlenb = cpu->vlen / 8;
    v->vl = env->vl;
    v->vstart = env->vstart;
    v->vlmax = v_vlmax(v, v->sew, v->lmul);
    v->tval = tval;
}

/* Whole-register loads/stores and vmv<nr>r.v do not depend on vtype: they run under vill. */
static bool ignores_vtype(const VInsn *v, int op)
{
    if (op == OP_VLOAD || op == OP_VSTORE) {
        return extract64(v->insn, 26, 2) == 0 && v->vs2 == 8;
    }
    return v->f3 == 3 && v->f6 == 0x27;
}

RISCVException riscv_exec_vector(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval)
{
    CPURISCVState *env = &cpu->env;
    RISCVException ex;
    VInsn v;

    if (!(env->mstatus & MSTATUS_VS)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    v_fill(&v, cpu, (uint32_t)r->imm, tval);
    if (r->op == OP_VSETVL) {
        ex = exec_vsetvl(&v);
    } else if (env->vill && !ignores_vtype(&v, r->op)) {
        return RISCV_EXCP_ILLEGAL_INST;
    } else if (r->op == OP_VARITH) {
        ex = exec_arith(&v);
    } else {
        ex = v_exec_mem(&v, r->op == OP_VSTORE);
    }
    if (ex == RISCV_EXCP_ILLEGAL_INST) {
        return ex;
    }
    env->mstatus |= MSTATUS_VS | MSTATUS_SD;
    if (ex == RISCV_EXCP_NONE) {
        env->vstart = 0;
    }
    return ex;
}
