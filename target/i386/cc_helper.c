/*
 * Lazy arithmetic flags: the one place that says how CF PF AF ZF SF OF follow from an
 * operation (SDM Vol. 1 3.4.3.1, Vol. 2 per instruction).
 *
 * The ALU operations a kernel runs most (add, sub, cmp, adc, sbb, the logic group, test,
 * inc, dec, neg, shl, shr, sar) only record their kind, operands and result in env->cc
 * (x86_cc_record); the flags are computed when something reads them. A conditional branch,
 * setcc or cmovcc evaluates just its condition, straight from the recorded operands where
 * that is cheaper than the flags (x86_cond, inline in exec-internal.h: an unsigned compare
 * for b/be, a signed one for l/le). Everything else reading EFLAGS goes through
 * x86_get_eflags; everything writing arithmetic bits through x86_set_eflags or x86_set_cc,
 * which end the lazy state.
 */
#include "exec-internal.h"

static uint64_t add_flags(uint64_t a, uint64_t b, uint64_t r, bool carry, int size)
{
    uint64_t cc = x86_szp(r, size) | ((a ^ b ^ r) & CC_A);

    cc |= carry ? CC_C : 0;
    cc |= ((a ^ r) & (b ^ r) & x86_sign_bit(size)) ? CC_O : 0;
    return cc;
}

static uint64_t sub_flags(uint64_t a, uint64_t b, uint64_t r, bool borrow, int size)
{
    uint64_t cc = x86_szp(r, size) | ((a ^ b ^ r) & CC_A);

    cc |= borrow ? CC_C : 0;
    cc |= ((a ^ b) & (a ^ r) & x86_sign_bit(size)) ? CC_O : 0;
    return cc;
}

/* After shl/shr/sar by 1..63 (the SDM's OF is for a count of 1; we define it for any). */
static uint64_t shift_flags(const X86LazyFlags *cc)
{
    unsigned bits = 8 * cc->size, c = cc->b;
    uint64_t a = cc->a, r = cc->res, top = x86_sign_bit(cc->size), cf;

    switch (cc->op) {
    case X86_CC_SHL:
        cf = c <= bits ? (a >> (bits - c)) & 1 : 0;
        return x86_szp(r, cc->size) | cf | ((!!(r & top) ^ cf) ? CC_O : 0);
    case X86_CC_SHR:
        cf = (a >> (c - 1)) & 1;
        return x86_szp(r, cc->size) | cf | ((a & top) ? CC_O : 0);
    default: /* sar: the last bit shifted out of the sign-extended value */
        cf = ((uint64_t)x86_sext(a, cc->size) >> (c - 1)) & 1;
        return x86_szp(r, cc->size) | cf;
    }
}

/* The arithmetic bits of EFLAGS (CC_ARITH only). Operands are recorded masked to size. */
static uint64_t cc_compute(const CPUX86State *env)
{
    const X86LazyFlags *cc = &env->cc;
    uint64_t a = cc->a, b = cc->b, r = cc->res;

    switch (cc->op) {
    case X86_CC_ADD:
        return add_flags(a, b, r, r < a, cc->size);
    case X86_CC_ADC1:
        return add_flags(a, b, r, r <= a, cc->size);
    case X86_CC_SUB:
        return sub_flags(a, b, r, a < b, cc->size);
    case X86_CC_SBB1:
        return sub_flags(a, b, r, a <= b, cc->size);
    case X86_CC_LOGIC:
        return x86_szp(r, cc->size);
    case X86_CC_INC:
        return (add_flags(a, 1, r, false, cc->size) & ~(uint64_t)CC_C) | b;
    case X86_CC_DEC:
        return (sub_flags(a, 1, r, false, cc->size) & ~(uint64_t)CC_C) | b;
    case X86_CC_SHL:
    case X86_CC_SHR:
    case X86_CC_SAR:
        return shift_flags(cc);
    default:
        return env->eflags & CC_ARITH;
    }
}

uint64_t x86_get_eflags(const CPUX86State *env)
{
    return (env->eflags & ~(uint64_t)CC_ARITH) | cc_compute(env);
}

void x86_set_eflags(CPUX86State *env, uint64_t eflags)
{
    env->eflags = eflags;
    env->cc.op = X86_CC_EFLAGS;
}

void x86_set_cc(CPUX86State *env, uint64_t mask, uint64_t bits)
{
    uint64_t f = mask == CC_ARITH ? env->eflags : x86_get_eflags(env);

    x86_set_eflags(env, (f & ~mask) | (bits & mask));
}

bool x86_cc_carry(const CPUX86State *env)
{
    const X86LazyFlags *cc = &env->cc;

    switch (cc->op) {
    case X86_CC_ADD:
        return cc->res < cc->a;
    case X86_CC_SUB:
        return cc->a < cc->b;
    case X86_CC_LOGIC:
        return false;
    case X86_CC_INC:
    case X86_CC_DEC:
        return cc->b;
    default:
        return cc_compute(env) & CC_C;
    }
}

/* SDM Vol. 1 appendix B: the sixteen conditions, in pairs (odd = negation). */
bool x86_cond_from_flags(const CPUX86State *env, int cc)
{
    uint64_t f = cc_compute(env);
    bool r;

    switch ((cc >> 1) & 7) {
    case 0:
        r = f & CC_O;
        break;
    case 1:
        r = f & CC_C;
        break;
    case 2:
        r = f & CC_Z;
        break;
    case 3:
        r = (f & CC_C) || (f & CC_Z);
        break;
    case 4:
        r = f & CC_S;
        break;
    case 5:
        r = f & CC_P;
        break;
    case 6:
        r = !!(f & CC_S) != !!(f & CC_O);
        break;
    default:
        r = (f & CC_Z) || (!!(f & CC_S) != !!(f & CC_O));
        break;
    }
    return (cc & 1) ? !r : r;
}
