/*
 * Group 3 (f6/f7: test, not, neg, mul, imul, div, idiv) and the two- and
 * three-operand imul. The double-width products and dividends sit in
 * AH:AL, DX:AX, EDX:EAX or RDX:RAX; 128-bit arithmetic serves every size.
 * After mul/imul CF = OF = "the high half is significant"; SF/ZF/PF are
 * undefined (we take them from the low half, and clear AF); div/idiv leave all flags
 * undefined (we leave them alone). A zero divisor or a quotient that does
 * not fit raises #DE.
 */
#include "exec-internal.h"

static void set_mul_flags(CPUX86State *env, bool high, uint64_t low, int size)
{
    uint64_t cc = 0; /* AF: undefined, cleared */

    low &= x86_mask(size);
    cc |= high ? CC_C | CC_O : 0;
    cc |= low == 0 ? CC_Z : 0;
    cc |= (low >> (8 * size - 1)) & 1 ? CC_S : 0;
    cc |= __builtin_parity(low & 0xff) ? 0 : CC_P;
    x86_set_cc(env, CC_ARITH, cc);
}

/* The accumulator pair: low in AL/AX/EAX/RAX, high in AH/DX/EDX/RDX. */
static void set_pair(CPUX86State *env, const X86Insn *d, int size, uint64_t lo, uint64_t hi)
{
    if (size == 1) {
        x86_set_reg(env, d, R_EAX, 2, (lo & 0xff) | ((hi & 0xff) << 8));
        return;
    }
    x86_set_reg(env, d, R_EAX, size, lo);
    x86_set_reg(env, d, R_EDX, size, hi);
}

static unsigned __int128 get_pair(CPUX86State *env, const X86Insn *d, int size)
{
    if (size == 1) {
        return x86_get_reg(env, d, R_EAX, 2);
    }
    return ((unsigned __int128)x86_get_reg(env, d, R_EDX, size) << (8 * size)) |
           x86_get_reg(env, d, R_EAX, size);
}

static void mul(CPUX86State *env, const X86Insn *d, uint64_t src, bool is_signed)
{
    int size = d->opsize, bits = 8 * size;
    uint64_t a = x86_get_reg(env, d, R_EAX, size), lo, hi;
    bool high;

    if (is_signed) {
        __int128 p = (__int128)x86_sext(a, size) * x86_sext(src, size);
        lo = (uint64_t)p & x86_mask(size);
        hi = (uint64_t)(p >> bits) & x86_mask(size);
        high = p != x86_sext(lo, size);
    } else {
        unsigned __int128 p = (unsigned __int128)a * src;
        lo = (uint64_t)p & x86_mask(size);
        hi = (uint64_t)(p >> bits) & x86_mask(size);
        high = hi != 0;
    }
    set_pair(env, d, size, lo, hi);
    set_mul_flags(env, high, lo, size);
}

static int divide(CPUX86State *env, const X86Insn *d, uint64_t src, bool is_signed)
{
    int size = d->opsize, bits = 8 * size;
    unsigned __int128 n = get_pair(env, d, size);

    if (src == 0) {
        return EXCP00_DIVZ;
    }
    if (!is_signed) {
        unsigned __int128 q = n / src;
        if (q >> bits) {
            return EXCP00_DIVZ;
        }
        set_pair(env, d, size, (uint64_t)q, (uint64_t)(n % src));
        return X86_EXCP_NONE;
    }
    /* The dividend is 2*bits wide: sign-extend it from there (128 bits for 64-bit idiv). */
    __int128 sn = bits == 64 ? (__int128)n : (__int128)(n << (128 - 2 * bits)) >> (128 - 2 * bits);
    __int128 sd = x86_sext(src, size), q, r;
    if (sd == -1 && sn == (__int128)((unsigned __int128)1 << 127)) {
        return EXCP00_DIVZ; /* the one quotient C's division cannot represent either */
    }
    q = sn / sd;
    r = sn % sd;
    if (q != x86_sext((uint64_t)q, size)) {
        return EXCP00_DIVZ;
    }
    set_pair(env, d, size, (uint64_t)q, (uint64_t)r);
    return X86_EXCP_NONE;
}

int x86_exec_grp3(CPUX86State *env, const X86Insn *d)
{
    int size = d->opsize, op = d->reg & 7;
    uint64_t v;
    /* not and neg write it back: no flag changes before their store's fault */
    int excp = op == 2 || op == 3 ? x86_rm_read_for_write(env, d, size, &v)
                                  : x86_rm_read(env, d, size, &v);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    switch (op) {
    case 0:
    case 1: /* test Ev, Iz */
        x86_alu(env, 4, v, d->imm, size);
        return X86_EXCP_NONE;
    case 2: /* not: no flags */
        return x86_rm_write(env, d, size, ~v & x86_mask(size));
    case 3: { /* neg: 0 - v, CF = (v != 0) */
        uint64_t r = x86_alu(env, 5, 0, v, size);
        return x86_rm_write(env, d, size, r);
    }
    case 4:
    case 5:
        mul(env, d, v, op == 5);
        return X86_EXCP_NONE;
    default:
        return divide(env, d, v, op == 7);
    }
}

static void imul_to_reg(CPUX86State *env, const X86Insn *d, uint64_t a, uint64_t b)
{
    int size = d->opsize;
    __int128 p = (__int128)x86_sext(a, size) * x86_sext(b, size);
    uint64_t lo = (uint64_t)p & x86_mask(size);

    x86_set_reg(env, d, d->reg, size, lo);
    set_mul_flags(env, p != x86_sext(lo, size), lo, size);
}

int x86_exec_imul2(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp = x86_rm_read(env, d, d->opsize, &v);

    if (excp == X86_EXCP_NONE) {
        imul_to_reg(env, d, x86_get_reg(env, d, d->reg, d->opsize), v);
    }
    return excp;
}

int x86_exec_imul3(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp = x86_rm_read(env, d, d->opsize, &v);

    if (excp == X86_EXCP_NONE) {
        imul_to_reg(env, d, v, d->imm);
    }
    return excp;
}
