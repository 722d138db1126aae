/*
 * The x86 integer arithmetic: add/or/adc/sbb/and/sub/xor/cmp, test,
 * inc/dec/neg/not, the shifts and rotates (with shld/shrd), mul/imul/div/
 * idiv, the bit tests and scans, cmpxchg and xadd. The ALU group, inc and dec
 * record their flags lazily (cc_helper.c); the others compute them as SDM Vol. 2 defines
 * them per instruction (x86_set_cc); where the SDM
 * leaves a flag undefined we write what is simplest (the unit tests compare
 * only defined flags with the host).
 *
 * A form that writes its r/m operand back reads it with x86_rm_read_for_write, so a store
 * that faults does so before any flag or register changes (as on hardware).
 */
#include "exec-internal.h"

/* All arithmetic flags at once, from an operation computed here (cc_helper.c's are lazy). */
static void set_cc(CPUX86State *env, uint64_t cc)
{
    x86_set_cc(env, CC_ARITH, cc);
}

/* 00-3f: the six forms Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / rAX,Iz. */
int x86_exec_alu(CPUX86State *env, const X86Insn *d)
{
    int op = (d->opc >> 3) & 7, form = d->opc & 7, size = d->opsize;
    uint64_t a, b, r;
    int excp;

    if (form >= 4) {
        a = x86_get_reg(env, d, R_EAX, size);
        r = x86_alu(env, op, a, d->imm, size);
        if (op != 7) {
            x86_set_reg(env, d, R_EAX, size, r);
        }
        return X86_EXCP_NONE;
    }
    if (form & 2) {
        excp = x86_rm_read(env, d, size, &b);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        a = x86_get_reg(env, d, d->reg, size);
        r = x86_alu(env, op, a, b, size);
        if (op != 7) {
            x86_set_reg(env, d, d->reg, size, r);
        }
        return X86_EXCP_NONE;
    }
    excp = op == 7 ? x86_rm_read(env, d, size, &a) : x86_rm_read_for_write(env, d, size, &a);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    b = x86_get_reg(env, d, d->reg, size);
    r = x86_alu(env, op, a, b, size);
    return op == 7 ? X86_EXCP_NONE : x86_rm_write(env, d, size, r);
}

int x86_exec_grp1(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;
    uint64_t a, r;
    int excp =
        op == 7 ? x86_rm_read(env, d, d->opsize, &a) : x86_rm_read_for_write(env, d, d->opsize, &a);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    r = x86_alu(env, op, a, d->imm, d->opsize);
    return op == 7 ? X86_EXCP_NONE : x86_rm_write(env, d, d->opsize, r);
}

int x86_exec_test(CPUX86State *env, const X86Insn *d)
{
    uint64_t a, b;
    int excp;

    if (!d->has_modrm) { /* a8, a9 */
        x86_alu(env, 4, x86_get_reg(env, d, R_EAX, d->opsize), d->imm, d->opsize);
        return X86_EXCP_NONE;
    }
    excp = x86_rm_read(env, d, d->opsize, &a);
    if (excp == X86_EXCP_NONE) {
        b = x86_get_reg(env, d, d->reg, d->opsize);
        x86_alu(env, 4, a, b, d->opsize);
    }
    return excp;
}

/* inc/dec: add/sub 1 with CF kept. */
static uint64_t inc_dec(CPUX86State *env, uint64_t a, bool dec, int size)
{
    uint64_t cf = x86_cc_carry(env) ? CC_C : 0, m = x86_mask(size), r;

    a &= m;
    r = (dec ? a - 1 : a + 1) & m;
    x86_cc_record(env, dec ? X86_CC_DEC : X86_CC_INC, size, r, a, cf);
    return r;
}

int x86_exec_incdec_r(CPUX86State *env, const X86Insn *d)
{
    int reg = d->opc & 7;
    uint64_t r = inc_dec(env, x86_get_reg(env, d, reg, d->opsize), d->opc & 8, d->opsize);

    x86_set_reg(env, d, reg, d->opsize, r);
    return X86_EXCP_NONE;
}

int x86_exec_inc_dec_rm(CPUX86State *env, const X86Insn *d, bool dec)
{
    uint64_t a;
    int excp = x86_rm_read_for_write(env, d, d->opsize, &a);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    return x86_rm_write(env, d, d->opsize, inc_dec(env, a, dec, d->opsize));
}

/* fe /0 inc, /1 dec (the decoder made /2../7 #UD) */
int x86_exec_grp4(CPUX86State *env, const X86Insn *d)
{
    return x86_exec_inc_dec_rm(env, d, d->reg & 1);
}

/* ---- shifts and rotates (SDM Vol. 2 "RCL/RCR/ROL/ROR", "SAL/SAR/SHL/SHR") ---- */

static uint64_t rotate(CPUX86State *env, int op, uint64_t a, unsigned c, int size)
{
    unsigned bits = 8 * size;
    uint64_t m = x86_mask(size), r, cf,
             cc = x86_get_eflags(env) & CC_ARITH & ~(uint64_t)(CC_C | CC_O);

    if (op < 2) { /* rol, ror */
        unsigned n = c % bits;
        r = n ? ((op == 0 ? (a << n) | (a >> (bits - n)) : (a >> n) | (a << (bits - n))) & m) : a;
        cf = op == 0 ? r & 1 : !!(r & x86_sign_bit(size));
    } else { /* rcl, rcr: through CF, over bits + 1 */
        unsigned n = c % (bits + 1);
        r = a;
        cf = x86_cc_carry(env);
        for (unsigned i = 0; i < n; i++) {
            uint64_t out = op == 2 ? !!(r & x86_sign_bit(size)) : r & 1;
            r = op == 2 ? ((r << 1) | cf) & m : (r >> 1) | (cf << (bits - 1));
            cf = out;
        }
    }
    /* OF (defined for 1-bit rotates): the top bit's change. */
    if (op == 0 || op == 2) {
        cc |= (!!(r & x86_sign_bit(size)) ^ cf) ? CC_O : 0;
    } else {
        cc |= (!!(r & x86_sign_bit(size)) ^ !!(r & (x86_sign_bit(size) >> 1))) ? CC_O : 0;
    }
    set_cc(env, cc | (cf ? CC_C : 0));
    return r;
}

uint64_t x86_shift(CPUX86State *env, int op, uint64_t a, unsigned c, int size)
{
    uint64_t r;

    if (op == 4 || op == 6) { /* shl, sal */
        r = (a << c) & x86_mask(size);
        x86_cc_record(env, X86_CC_SHL, size, r, a, c);
    } else if (op == 5) { /* shr */
        r = a >> c;
        x86_cc_record(env, X86_CC_SHR, size, r, a, c);
    } else { /* sar */
        r = (uint64_t)(x86_sext(a, size) >> c) & x86_mask(size);
        x86_cc_record(env, X86_CC_SAR, size, r, a, c);
    }
    return r;
}

/* c0/c1 Ib, d0/d1 by 1, d2/d3 by CL; the count is masked to 5 bits (6 with REX.W). */
int x86_exec_shift(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7, size = d->opsize;
    unsigned c = d->opc >= 0xd2   ? (unsigned)env->regs[R_ECX]
                 : d->opc >= 0xd0 ? 1
                                  : (unsigned)d->imm;
    uint64_t a, r;
    int excp;

    c &= size == 8 ? 0x3f : 0x1f;
    excp = x86_rm_read_for_write(env, d, size, &a);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (c == 0) {
        /* No flag changes, but the destination is still written (a 32-bit register's upper
         * half is cleared, as on the host). */
        return x86_rm_write(env, d, size, a);
    }
    r = op < 4 ? rotate(env, op, a, c, size) : x86_shift(env, op, a, c, size);
    return x86_rm_write(env, d, size, r);
}

/* shld/shrd Ev, Gv, Ib|CL: the double shift, computed on a 128-bit pair. */
static int double_shift(CPUX86State *env, const X86Insn *d, bool left)
{
    int size = d->opsize, bits = 8 * size;
    unsigned c =
        (d->opc & 1 ? (unsigned)env->regs[R_ECX] : (unsigned)d->imm) & (size == 8 ? 0x3f : 0x1f);
    uint64_t a, b = x86_get_reg(env, d, d->reg, size), r, cf;
    unsigned __int128 pair;
    int excp = x86_rm_read_for_write(env, d, size, &a);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (c == 0) {
        return x86_rm_write(env, d, size, a);
    }
    if (left) {
        pair = ((unsigned __int128)a << bits) | b;
        r = (uint64_t)((pair << c) >> bits) & x86_mask(size);
        cf = (uint64_t)(pair >> (2 * bits - c)) & 1;
    } else {
        pair = ((unsigned __int128)b << bits) | a;
        r = (uint64_t)(pair >> c) & x86_mask(size);
        cf = (uint64_t)(pair >> (c - 1)) & 1;
    }
    set_cc(env, x86_szp(r, size) | (cf ? CC_C : 0) | (((a ^ r) & x86_sign_bit(size)) ? CC_O : 0));
    return x86_rm_write(env, d, size, r);
}

int x86_exec_shld(CPUX86State *env, const X86Insn *d)
{
    return double_shift(env, d, true);
}

int x86_exec_shrd(CPUX86State *env, const X86Insn *d)
{
    return double_shift(env, d, false);
}

/* ---- bit tests and scans ---- */

/* bt/bts/btr/btc on r/m with bit number off (a register's may reach past the operand). */
static int bit_op(CPUX86State *env, const X86Insn *d, int op, int64_t off, bool reg_off)
{
    int size = d->opsize, bits = 8 * size;
    uint64_t v, bit;
    int excp;

    if (d->mem && reg_off) {
        /* The register's bit offset is signed and addresses memory beyond the operand; a
         * locked one is atomic there (x86_mem_read_for_write). */
        int64_t unit = off >= 0 ? off / bits : -((-off + bits - 1) / bits);
        uint64_t ea = (x86_ea(env, d) + unit * size) & x86_mask(d->addrsize);
        int seg = x86_ea_seg(d);

        bit = off - unit * bits;
        excp = op == 0 ? x86_read_mem(env, seg, ea, size, &v)
                       : x86_mem_read_for_write(env, seg, ea, size, &v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        x86_set_cc(env, CC_C, (v >> bit) & 1);
        if (op == 0) {
            return X86_EXCP_NONE;
        }
        v = op == 1 ? v | (1ULL << bit) : op == 2 ? v & ~(1ULL << bit) : v ^ (1ULL << bit);
        return x86_mem_write_back(env, seg, ea, size, v);
    }
    bit = off & (bits - 1);
    excp = op == 0 ? x86_rm_read(env, d, size, &v) : x86_rm_read_for_write(env, d, size, &v);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    x86_set_cc(env, CC_C, (v >> bit) & 1);
    if (op == 0) {
        return X86_EXCP_NONE;
    }
    v = op == 1 ? v | (1ULL << bit) : op == 2 ? v & ~(1ULL << bit) : v ^ (1ULL << bit);
    return x86_rm_write(env, d, size, v);
}

/* 0f a3 bt, ab bts, b3 btr, bb btc: Ev, Gv. */
int x86_exec_bt(CPUX86State *env, const X86Insn *d)
{
    int op = (d->opc >> 3) & 3; /* a3→0 (bt), ab→1 (bts), b3→2 (btr), bb→3 (btc) */
    int64_t off = x86_sext(x86_get_reg(env, d, d->reg, d->opsize), d->opsize);

    return bit_op(env, d, op, off, true);
}

/* 0f ba /4../7: bt bts btr btc Ev, Ib (the decoder made /0../3 #UD). */
int x86_exec_grp8(CPUX86State *env, const X86Insn *d)
{
    return bit_op(env, d, (d->reg & 7) - 4, d->imm, false);
}

/* bsf/bsr: ZF set and the destination kept when the source is zero (as AMD documents). */
static int bit_scan(CPUX86State *env, const X86Insn *d, bool reverse)
{
    uint64_t v;
    int excp = x86_rm_read(env, d, d->opsize, &v);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!v) {
        x86_set_cc(env, CC_Z, CC_Z);
        return X86_EXCP_NONE;
    }
    x86_set_cc(env, CC_Z, 0);
    x86_set_reg(env, d, d->reg, d->opsize, reverse ? 63 - __builtin_clzll(v) : __builtin_ctzll(v));
    return X86_EXCP_NONE;
}

int x86_exec_bsf(CPUX86State *env, const X86Insn *d)
{
    return bit_scan(env, d, false);
}

int x86_exec_bsr(CPUX86State *env, const X86Insn *d)
{
    return bit_scan(env, d, true);
}

/* ---- cmpxchg, xadd ---- */

int x86_exec_cmpxchg(CPUX86State *env, const X86Insn *d)
{
    int size = d->opsize;
    uint64_t dest, acc = x86_get_reg(env, d, R_EAX, size);
    int excp = x86_rm_read_for_write(env, d, size, &dest);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    x86_alu(env, 7, acc, dest, size);
    if (acc == dest) { /* ZF */
        return x86_rm_write(env, d, size, x86_get_reg(env, d, d->reg, size));
    }
    /* Unequal: a memory destination is written back unchanged (the locked cycle). */
    excp = d->mem ? x86_rm_write(env, d, size, dest) : X86_EXCP_NONE;
    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, R_EAX, size, dest);
    }
    return excp;
}

int x86_exec_xadd(CPUX86State *env, const X86Insn *d)
{
    int size = d->opsize;
    uint64_t dest, src = x86_get_reg(env, d, d->reg, size), sum;
    int excp = x86_rm_read_for_write(env, d, size, &dest);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    sum = x86_alu(env, 0, dest, src, size);
    if (d->mem) {
        /* The store first: the register may be part of the address (xadd [rdx], dh), and a
         * store that faults must leave the register as it was. */
        excp = x86_rm_write(env, d, size, sum);
        if (excp == X86_EXCP_NONE) {
            x86_set_reg(env, d, d->reg, size, dest);
        }
        return excp;
    }
    /* xadd r, r with one register: the sum, written last, wins. */
    x86_set_reg(env, d, d->reg, size, dest);
    return x86_rm_write(env, d, size, sum);
}
