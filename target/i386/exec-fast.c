/*
 * Faster handlers for the commonest instruction forms (x86_fast_handler): chosen once
 * when a block is decoded, they skip their group handler's form, size and
 * register-or-memory tests and the byte-register cases for what a kernel runs most:
 * 32- and 64-bit mov, ALU, test and lea with register operands or a memory source.
 * Each does exactly what the group handler does for that form (same flags helper,
 * same memory accessors).
 */
#include "exec-internal.h"

/* A 32-bit write clears the upper half (size is 4 or 8 here). */
static inline void set_r(CPUX86State *env, int reg, int size, uint64_t v)
{
    env->regs[reg] = size == 8 ? v : (uint32_t)v;
}

static inline uint64_t get_r(const CPUX86State *env, int reg, int size)
{
    return size == 8 ? env->regs[reg] : (uint32_t)env->regs[reg];
}

/* 89 /r and 8b /r between registers */
static int mov_store_rr(CPUX86State *env, const X86Insn *d)
{
    set_r(env, d->rm, d->opsize, env->regs[d->reg]);
    return X86_EXCP_NONE;
}

static int mov_load_rr(CPUX86State *env, const X86Insn *d)
{
    set_r(env, d->reg, d->opsize, env->regs[d->rm]);
    return X86_EXCP_NONE;
}

/* 8b /r from memory, 89 /r to memory */
static int mov_load_m(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp = x86_read_mem(env, x86_ea_seg(d), x86_ea(env, d), d->opsize, &v);

    if (excp == X86_EXCP_NONE) {
        set_r(env, d->reg, d->opsize, v);
    }
    return excp;
}

static int mov_store_m(CPUX86State *env, const X86Insn *d)
{
    return x86_write_mem(env, x86_ea_seg(d), x86_ea(env, d), d->opsize,
                         get_r(env, d->reg, d->opsize));
}

/* b8+r: mov r32/r64, imm */
static int mov_ri(CPUX86State *env, const X86Insn *d)
{
    set_r(env, (d->opc & 7) | ((d->rex & 1) << 3), d->opsize, d->imm);
    return X86_EXCP_NONE;
}

/* 00-3f forms 1 (Ev,Gv) and 3 (Gv,Ev) between registers; cmp (op 7) writes nothing */
static int alu_rm_r(CPUX86State *env, const X86Insn *d)
{
    int op = (d->opc >> 3) & 7;
    uint64_t r =
        x86_alu(env, op, get_r(env, d->rm, d->opsize), get_r(env, d->reg, d->opsize), d->opsize);

    if (op != 7) {
        set_r(env, d->rm, d->opsize, r);
    }
    return X86_EXCP_NONE;
}

static int alu_r_rm(CPUX86State *env, const X86Insn *d)
{
    int op = (d->opc >> 3) & 7;
    uint64_t r =
        x86_alu(env, op, get_r(env, d->reg, d->opsize), get_r(env, d->rm, d->opsize), d->opsize);

    if (op != 7) {
        set_r(env, d->reg, d->opsize, r);
    }
    return X86_EXCP_NONE;
}

/* form 3 with a memory source */
static int alu_r_m(CPUX86State *env, const X86Insn *d)
{
    int op = (d->opc >> 3) & 7;
    uint64_t b, r;
    int excp = x86_read_mem(env, x86_ea_seg(d), x86_ea(env, d), d->opsize, &b);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    r = x86_alu(env, op, get_r(env, d->reg, d->opsize), b, d->opsize);
    if (op != 7) {
        set_r(env, d->reg, d->opsize, r);
    }
    return X86_EXCP_NONE;
}

/* 81/83 /op on a register */
static int grp1_r(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;
    uint64_t r = x86_alu(env, op, get_r(env, d->rm, d->opsize), d->imm, d->opsize);

    if (op != 7) {
        set_r(env, d->rm, d->opsize, r);
    }
    return X86_EXCP_NONE;
}

/* 85 /r between registers */
static int test_rr(CPUX86State *env, const X86Insn *d)
{
    x86_alu(env, 4, get_r(env, d->rm, d->opsize), get_r(env, d->reg, d->opsize), d->opsize);
    return X86_EXCP_NONE;
}

/* c1 /4../7 Ib, d1 (by 1), d3 (by CL) on a register: shl shr sal sar */
static int shift_r(CPUX86State *env, const X86Insn *d)
{
    unsigned c = d->opc == 0xd3   ? (unsigned)env->regs[R_ECX]
                 : d->opc == 0xd1 ? 1
                                  : (unsigned)d->imm;
    uint64_t a = get_r(env, d->rm, d->opsize);

    c &= d->opsize == 8 ? 0x3f : 0x1f;
    if (c) { /* no flag change for 0, but the 32-bit register's upper half is cleared */
        a = x86_shift(env, d->reg & 7, a, c, d->opsize);
    }
    set_r(env, d->rm, d->opsize, a);
    return X86_EXCP_NONE;
}

/* 8d /r */
static int lea(CPUX86State *env, const X86Insn *d)
{
    set_r(env, d->reg, d->opsize, x86_ea(env, d));
    return X86_EXCP_NONE;
}

X86ExecFn x86_fast_handler(const X86Insn *d)
{
    bool wide = d->opsize == 4 || d->opsize == 8;

    if (!wide || d->map != 0) {
        return NULL;
    }
    switch (d->op) {
    case OP_MOV:
        if (d->opc == 0x89) {
            return d->mem ? mov_store_m : mov_store_rr;
        }
        return d->opc == 0x8b ? (d->mem ? mov_load_m : mov_load_rr) : NULL;
    case OP_MOV_RI:
        return mov_ri;
    case OP_ALU:
        if ((d->opc & 7) == 1 && !d->mem) {
            return alu_rm_r;
        }
        if ((d->opc & 7) == 3) {
            return d->mem ? alu_r_m : alu_r_rm;
        }
        return NULL;
    case OP_GRP1:
        return !d->mem && d->opc != 0x80 && d->opc != 0x82 ? grp1_r : NULL;
    case OP_TEST:
        return d->opc == 0x85 && !d->mem ? test_rr : NULL;
    case OP_LEA:
        return d->mem ? lea : NULL;
    case OP_SHIFT:
        return !d->mem && (d->opc & 1) && (d->reg & 7) >= 4 ? shift_r : NULL; /* c1 d1 d3 */
    default:
        return NULL;
    }
}
