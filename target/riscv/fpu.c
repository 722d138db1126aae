/*
 * RISC-V F and D extensions: floating-point arithmetic on raw bit patterns.
 *
 * Spec: RISC-V Unprivileged ISA, chapter "F" Standard Extension for Single-Precision
 * Floating-Point (version 2.2: fcsr, NaN generation, subnormal arithmetic, fmin/fmax,
 * conversion saturation) and chapter "D" (version 2.2: NaN boxing, fcvt.s.d/fcvt.d.s);
 * arithmetic is IEEE 754-2019 binary32/binary64 with tininess detected after rounding.
 *
 * A rounded result comes from one of three places:
 *  - host fast path (x86-64): the operation runs natively in the thread's default
 *    round-to-nearest mode on operands whose range rules out every exception but inexact
 *    and overflow; an error-free transformation gives the sign of the rounding error, from
 *    which inexact and the directed roundings follow. This is the common case.
 *  - host MXCSR path (x86-64): one SSE/FMA instruction run with MXCSR holding the guest
 *    mode and clear flags, for the operands the fast path declines. x86 rounds as IEEE 754
 *    requires and, like RISC-V, detects tininess after rounding, so only NaN results need
 *    fixing (x86 propagates payloads, RISC-V returns the canonical NaN).
 *  - software (soft_*): exact integer arithmetic on unpacked significands and a single
 *    rounding in round_pack(). It serves RMM (MXCSR cannot express it), fused ops with a
 *    NaN operand (RISC-V wants NV for inf*0 even with a quiet-NaN addend) and other hosts.
 * Bit-level operations (sign injection, compares, min/max, fclass, integer conversions)
 * have a single implementation. The host paths need the thread's MXCSR in its C default
 * (nearest, no FTZ/DAZ): never build this file or link the emulator with -ffast-math.
 */
#include "target/riscv/fpu.h"

#include <stdbool.h>
#include <string.h>

typedef unsigned __int128 u128;

typedef struct FloatFormat {
    int frac_bits;  /* explicit significand bits */
    int sign_shift; /* position of the sign bit */
    int exp_max;    /* the all-ones biased exponent (infinities and NaNs) */
    int bias;
    uint64_t canonical_nan;
} FloatFormat;

static const FloatFormat fmt_s = {23, 31, 0xff, 127, FPU_CANONICAL_NAN_S};
static const FloatFormat fmt_d = {52, 63, 0x7ff, 1023, FPU_CANONICAL_NAN_D};

/* ---- Classifying bit patterns ---- */

static inline int fp_sign(const FloatFormat *f, uint64_t x)
{
    return (x >> f->sign_shift) & 1;
}

static inline uint64_t fp_sign_bit(const FloatFormat *f)
{
    return 1ull << f->sign_shift;
}

static inline int fp_exp(const FloatFormat *f, uint64_t x)
{
    return (x >> f->frac_bits) & f->exp_max;
}

static inline uint64_t fp_abs(const FloatFormat *f, uint64_t x)
{
    return x & (fp_sign_bit(f) - 1);
}

static inline uint64_t fp_inf(const FloatFormat *f)
{
    return (uint64_t)f->exp_max << f->frac_bits;
}

static inline uint64_t fp_zero(const FloatFormat *f, int sign)
{
    return (uint64_t)sign << f->sign_shift;
}

static inline bool fp_is_nan(const FloatFormat *f, uint64_t x)
{
    return fp_abs(f, x) > fp_inf(f);
}

static inline bool fp_is_snan(const FloatFormat *f, uint64_t x)
{
    return fp_is_nan(f, x) && !((x >> (f->frac_bits - 1)) & 1);
}

static inline bool fp_is_inf(const FloatFormat *f, uint64_t x)
{
    return fp_abs(f, x) == fp_inf(f);
}

static inline bool fp_is_zero(const FloatFormat *f, uint64_t x)
{
    return fp_abs(f, x) == 0;
}

/* Result of an operation with a NaN operand: NV if any operand is signaling. */
static inline uint64_t nan_result(const FloatFormat *f, uint64_t a, uint64_t b, uint32_t *fflags)
{
    if (fp_is_snan(f, a) || fp_is_snan(f, b)) {
        *fflags |= FPU_NV;
    }
    return f->canonical_nan;
}

static inline uint64_t invalid(const FloatFormat *f, uint32_t *fflags)
{
    *fflags |= FPU_NV;
    return f->canonical_nan;
}

/* ---- Rounding ---- */

/*
 * Drops the low `shift` bits of sig (shift >= 1, possibly beyond 64) and rounds what is left
 * in mode rm for a value of the given sign. The result may carry into a new top bit.
 */
static inline uint64_t shift_round(uint64_t sig, int shift, int sign, int rm, bool *inexact)
{
    uint64_t kept = 0, rest, half = 1ull << 63;
    if (shift < 64) {
        kept = sig >> shift;
        rest = sig & ((1ull << shift) - 1);
        half = 1ull << (shift - 1);
    } else {
        rest = shift == 64 ? sig : (sig != 0); /* beyond 64: nonzero but below half */
    }
    *inexact = rest != 0;
    switch (rm) {
    case FPU_RM_RNE:
        return kept + (rest > half || (rest == half && (kept & 1)));
    case FPU_RM_RMM:
        return kept + (rest >= half);
    case FPU_RM_RDN:
        return kept + (sign && rest);
    case FPU_RM_RUP:
        return kept + (!sign && rest);
    default: /* RTZ */
        return kept;
    }
}

static uint64_t overflow_result(const FloatFormat *f, int sign, int rm, uint32_t *fflags)
{
    bool to_inf = rm == FPU_RM_RNE || rm == FPU_RM_RMM || (rm == FPU_RM_RDN && sign) ||
                  (rm == FPU_RM_RUP && !sign);
    *fflags |= FPU_OF | FPU_NX;
    return fp_zero(f, sign) | (to_inf ? fp_inf(f) : fp_inf(f) - 1);
}

/*
 * Rounds the nonzero value (-1)^sign * sig * 2^(exp-63) to format f and packs it. sig has
 * bit 63 set; nonzero bits that did not fit below bit 0 must have been ORed into bit 0.
 */
static uint64_t round_pack(const FloatFormat *f, int sign, int exp, uint64_t sig, int rm,
                           uint32_t *fflags)
{
    int shift = 63 - f->frac_bits; /* bits below the last place of a normal number */
    int biased = exp + f->bias;
    bool inexact, tiny = false;

    if (biased >= f->exp_max) {
        return overflow_result(f, sign, rm, fflags);
    }
    if (biased < 1) {
        /* Tiny after rounding: rounded to full precision with an unbounded exponent, the
         * value is still below the smallest normal. Only biased == 0 can round up to it. */
        tiny = biased < 0 || shift_round(sig, shift, sign, rm, &inexact) >> (f->frac_bits + 1) == 0;
        shift += 1 - biased;
    }
    uint64_t kept = shift_round(sig, shift, sign, rm, &inexact);
    /* kept carries its leading one into the exponent field (a carry out of the
     * significand, or a subnormal rounding up to the smallest normal, just works). */
    uint64_t bits = biased >= 1 ? ((uint64_t)(biased - 1) << f->frac_bits) + kept : kept;
    if ((bits >> f->frac_bits) >= (uint64_t)f->exp_max) {
        return overflow_result(f, sign, rm, fflags);
    }
    if (inexact) {
        *fflags |= tiny ? FPU_NX | FPU_UF : FPU_NX;
    }
    return bits | fp_zero(f, sign);
}

static inline int clz128(u128 x)
{
    uint64_t hi = x >> 64;
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)x);
}

/* Rounds (-1)^sign * sig * 2^(exp-126) for any nonzero 128-bit sig. */
static uint64_t round_pack_wide(const FloatFormat *f, int sign, int exp, u128 sig, int rm,
                                uint32_t *fflags)
{
    int lz = clz128(sig);
    sig <<= lz;
    uint64_t sig64 = (uint64_t)(sig >> 64) | ((uint64_t)sig != 0);
    return round_pack(f, sign, exp + 1 - lz, sig64, rm, fflags);
}

/* ---- Unpacked operands ---- */

/* (-1)^sign * sig * 2^(exp-63) with bit 63 of sig set: 1.xxx * 2^exp. */
typedef struct Unpacked {
    int sign;
    int exp;
    uint64_t sig;
} Unpacked;

/* (-1)^sign * sig * 2^(exp-126) with bit 126 of sig set, leaving bit 127 for a carry. */
typedef struct Wide {
    int sign;
    int exp;
    u128 sig;
} Wide;

/* x must be finite and nonzero; subnormals come out normalised. */
static inline Unpacked unpack(const FloatFormat *f, uint64_t x)
{
    int e = fp_exp(f, x);
    Unpacked u = {fp_sign(f, x), e - f->bias, x & ((1ull << f->frac_bits) - 1)};
    if (e != 0) {
        u.sig |= 1ull << f->frac_bits;
    } else {
        u.exp = 1 - f->bias;
    }
    int lz = __builtin_clzll(u.sig);
    u.sig <<= lz;
    u.exp -= lz - (63 - f->frac_bits);
    return u;
}

static inline Wide widen(Unpacked u)
{
    return (Wide){u.sign, u.exp, (u128)u.sig << 63};
}

static u128 shift_right_jam128(u128 x, int n)
{
    if (n == 0) {
        return x;
    }
    if (n >= 128) {
        return x != 0;
    }
    return (x >> n) | ((x << (128 - n)) != 0);
}

/*
 * Exact sum of two nonzero values, rounded once. Alignment may fold bits into a sticky
 * bit only when the exponents differ by more than 21, and then the result loses at most
 * one leading bit to cancellation, so 125 bits remain above the sticky bit.
 */
static uint64_t add_wide(const FloatFormat *f, Wide a, Wide b, int rm, uint32_t *fflags)
{
    if (b.exp > a.exp || (b.exp == a.exp && b.sig > a.sig)) {
        Wide t = a;
        a = b;
        b = t;
    }
    b.sig = shift_right_jam128(b.sig, a.exp - b.exp);
    if (a.sign == b.sign) {
        return round_pack_wide(f, a.sign, a.exp, a.sig + b.sig, rm, fflags);
    }
    if (a.sig == b.sig) {
        return fp_zero(f, rm == FPU_RM_RDN); /* exact cancellation: +0 except in RDN */
    }
    return round_pack_wide(f, a.sign, a.exp, a.sig - b.sig, rm, fflags);
}

/* ---- Software arithmetic ---- */

static uint64_t soft_add(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        return nan_result(f, a, b, fflags);
    }
    if (fp_is_inf(f, a)) {
        return fp_is_inf(f, b) && a != b ? invalid(f, fflags) : a;
    }
    if (fp_is_inf(f, b)) {
        return b;
    }
    if (fp_is_zero(f, b)) {
        return fp_is_zero(f, a) && a != b ? fp_zero(f, rm == FPU_RM_RDN) : a;
    }
    if (fp_is_zero(f, a)) {
        return b;
    }
    return add_wide(f, widen(unpack(f, a)), widen(unpack(f, b)), rm, fflags);
}

static uint64_t soft_sub(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    return soft_add(f, a, b ^ fp_sign_bit(f), rm, fflags);
}

static uint64_t soft_mul(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    int sign = fp_sign(f, a) ^ fp_sign(f, b);
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        return nan_result(f, a, b, fflags);
    }
    if (fp_is_inf(f, a) || fp_is_inf(f, b)) {
        bool zero = fp_is_zero(f, a) || fp_is_zero(f, b);
        return zero ? invalid(f, fflags) : fp_zero(f, sign) | fp_inf(f);
    }
    if (fp_is_zero(f, a) || fp_is_zero(f, b)) {
        return fp_zero(f, sign);
    }
    Unpacked ua = unpack(f, a), ub = unpack(f, b);
    return round_pack_wide(f, sign, ua.exp + ub.exp, (u128)ua.sig * ub.sig, rm, fflags);
}

static uint64_t soft_div(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    int sign = fp_sign(f, a) ^ fp_sign(f, b);
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        return nan_result(f, a, b, fflags);
    }
    if (fp_is_inf(f, a)) {
        return fp_is_inf(f, b) ? invalid(f, fflags) : fp_zero(f, sign) | fp_inf(f);
    }
    if (fp_is_inf(f, b)) {
        return fp_zero(f, sign);
    }
    if (fp_is_zero(f, b)) {
        if (fp_is_zero(f, a)) {
            return invalid(f, fflags);
        }
        *fflags |= FPU_DZ;
        return fp_zero(f, sign) | fp_inf(f);
    }
    if (fp_is_zero(f, a)) {
        return fp_zero(f, sign);
    }
    Unpacked ua = unpack(f, a), ub = unpack(f, b);
    /* Scale the dividend so the quotient lands in [2^63, 2^64); the remainder is sticky. */
    int exp = ua.exp - ub.exp;
    u128 n = (u128)ua.sig << 64;
    if (ua.sig >= ub.sig) {
        n >>= 1;
    } else {
        exp -= 1;
    }
    uint64_t q = (uint64_t)(n / ub.sig);
    bool exact = (uint64_t)(n % ub.sig) == 0;
    return round_pack(f, sign, exp, q | !exact, rm, fflags);
}

/*
 * Integer Newton iteration s' = (s + x/s) / 2 started at or above floor(sqrt(x)) decreases
 * monotonically to it, so iterate until it stops decreasing.
 */
static u128 newton_isqrt(u128 x, u128 s)
{
    for (;;) {
        u128 next = (s + x / s) >> 1;
        if (next >= s) {
            return s;
        }
        s = next;
    }
}

/* floor(sqrt(x)) for x in [2^126, 2^128), without host floating point. */
static uint64_t isqrt128(u128 x, bool *exact)
{
    uint64_t hi = x >> 64;
    /* sqrt(t) <= (t+1)/2 gives a start within 25% above sqrt(hi); refine cheaply in 64 bits,
     * then (s+1) * 2^32 >= sqrt(x) is a close start for the 128-bit iteration. */
    uint64_t s = (uint64_t)newton_isqrt(hi, (hi >> 32) + (1u << 30) + 1);
    uint64_t r = (uint64_t)newton_isqrt(x, (u128)(s + 1) << 32);
    *exact = (u128)r * r == x;
    return r;
}

static uint64_t soft_sqrt(const FloatFormat *f, uint64_t a, int rm, uint32_t *fflags)
{
    if (fp_is_nan(f, a)) {
        return nan_result(f, a, a, fflags);
    }
    if (fp_is_zero(f, a)) {
        return a; /* sqrt(-0) = -0 */
    }
    if (fp_sign(f, a)) {
        return invalid(f, fflags);
    }
    if (fp_is_inf(f, a)) {
        return a;
    }
    Unpacked u = unpack(f, a);
    /* Make the exponent even: sqrt(sig * 2^(exp-63)) with sig shifted to 127 or 128 bits. */
    int odd = u.exp & 1;
    bool exact;
    uint64_t r = isqrt128((u128)u.sig << (63 + odd), &exact);
    return round_pack(f, 0, (u.exp - odd) / 2, r | !exact, rm, fflags);
}

/* a*b + c with one rounding. */
static uint64_t soft_fma(const FloatFormat *f, uint64_t a, uint64_t b, uint64_t c, int rm,
                         uint32_t *fflags)
{
    bool prod_inf = fp_is_inf(f, a) || fp_is_inf(f, b);
    bool prod_zero = fp_is_zero(f, a) || fp_is_zero(f, b);
    int ps = fp_sign(f, a) ^ fp_sign(f, b);

    if (fp_is_nan(f, a) || fp_is_nan(f, b) || fp_is_nan(f, c)) {
        if (prod_inf && prod_zero) { /* invalid even when c is a quiet NaN (F chapter) */
            *fflags |= FPU_NV;
        }
        return nan_result(f, fp_is_snan(f, a) ? a : b, c, fflags);
    }
    if (prod_inf) {
        if (prod_zero || (fp_is_inf(f, c) && fp_sign(f, c) != ps)) {
            return invalid(f, fflags);
        }
        return fp_zero(f, ps) | fp_inf(f);
    }
    if (fp_is_inf(f, c)) {
        return c;
    }
    if (prod_zero) {
        if (!fp_is_zero(f, c) || fp_sign(f, c) == ps) {
            return c;
        }
        return fp_zero(f, rm == FPU_RM_RDN);
    }
    Unpacked ua = unpack(f, a), ub = unpack(f, b);
    Wide p = {ps, ua.exp + ub.exp, (u128)ua.sig * ub.sig};
    if (fp_is_zero(f, c)) {
        return round_pack_wide(f, p.sign, p.exp, p.sig, rm, fflags);
    }
    if (p.sig >> 127) { /* normalise to bit 126; the low 22 bits of a product are zero */
        p.sig >>= 1;
        p.exp++;
    }
    return add_wide(f, p, widen(unpack(f, c)), rm, fflags);
}

/* Format conversion; exact when `to` is the wider format. */
static uint64_t soft_convert(const FloatFormat *to, const FloatFormat *from, uint64_t x, int rm,
                             uint32_t *fflags)
{
    int sign = fp_sign(from, x);
    if (fp_is_nan(from, x)) {
        nan_result(from, x, x, fflags);
        return to->canonical_nan;
    }
    if (fp_is_inf(from, x)) {
        return fp_zero(to, sign) | fp_inf(to);
    }
    if (fp_is_zero(from, x)) {
        return fp_zero(to, sign);
    }
    Unpacked u = unpack(from, x);
    return round_pack(to, sign, u.exp, u.sig, rm, fflags);
}

/* ---- Integer conversions (software only: a shift and a rounding) ---- */

static inline uint64_t sign_extend(uint64_t v, int width)
{
    return width == 32 ? (uint64_t)(int64_t)(int32_t)(uint32_t)v : v;
}

/* Rounds finite nonzero x to an integer magnitude; false if that exceeds 64 bits. */
static inline bool round_to_integer(const FloatFormat *f, uint64_t x, int rm, uint64_t *mag,
                                    bool *inexact)
{
    Unpacked u = unpack(f, x);
    *inexact = false;
    if (u.exp > 63) {
        return false;
    }
    *mag = u.exp == 63 ? u.sig : shift_round(u.sig, 63 - u.exp, u.sign, rm, inexact);
    return true;
}

/*
 * Float to a width-bit integer. Validity is judged on the rounded value; invalid inputs
 * raise NV alone and saturate (NaN counts as positive), per the F chapter's fcvt table.
 */
static inline uint64_t to_int(const FloatFormat *f, uint64_t x, int width, bool is_signed, int rm,
                              uint32_t *fflags)
{
    uint64_t max = is_signed ? (1ull << (width - 1)) - 1 : ~0ull >> (64 - width);
    uint64_t neg_limit = is_signed ? 1ull << (width - 1) : 0; /* largest negative magnitude */
    bool finite = !fp_is_nan(f, x) && !fp_is_inf(f, x);
    int sign = fp_sign(f, x) && !fp_is_nan(f, x);
    uint64_t mag;
    bool inexact;

    if (fp_is_zero(f, x)) {
        return 0;
    }
    if (!finite || !round_to_integer(f, x, rm, &mag, &inexact) || mag > (sign ? neg_limit : max)) {
        *fflags |= FPU_NV;
        return sign_extend(sign ? 0 - neg_limit : max, width);
    }
    if (inexact) {
        *fflags |= FPU_NX;
    }
    return sign_extend(sign ? 0 - mag : mag, width);
}

/* Integer to float; v arrives sign- or zero-extended to 64 bits as is_signed says. */
static uint64_t from_int(const FloatFormat *f, uint64_t v, bool is_signed, int rm, uint32_t *fflags)
{
    int sign = is_signed && (int64_t)v < 0;
    uint64_t mag = sign ? 0 - v : v;
    if (mag == 0) {
        return 0;
    }
    int lz = __builtin_clzll(mag);
    return round_pack(f, sign, 63 - lz, mag << lz, rm, fflags);
}

/* ---- Comparisons, min/max, classification ---- */

/* a < b for non-NaN values, ordering -0 below +0 as fmin/fmax require. */
static inline bool ordered_less(const FloatFormat *f, uint64_t a, uint64_t b)
{
    if (fp_sign(f, a) != fp_sign(f, b)) {
        return fp_sign(f, a);
    }
    return fp_sign(f, a) ? a > b : a < b;
}

static inline bool both_zero(const FloatFormat *f, uint64_t a, uint64_t b)
{
    return fp_abs(f, a | b) == 0;
}

static inline uint64_t minmax(const FloatFormat *f, uint64_t a, uint64_t b, bool want_max,
                              uint32_t *fflags)
{
    if (fp_is_snan(f, a) || fp_is_snan(f, b)) {
        *fflags |= FPU_NV; /* even when the result is the other, non-NaN operand */
    }
    if (fp_is_nan(f, a)) {
        return fp_is_nan(f, b) ? f->canonical_nan : b;
    }
    if (fp_is_nan(f, b)) {
        return a;
    }
    return ordered_less(f, a, b) != want_max ? a : b;
}

/* Quiet equality: NV only for signaling NaNs. */
static inline int compare_eq(const FloatFormat *f, uint64_t a, uint64_t b, uint32_t *fflags)
{
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        nan_result(f, a, b, fflags);
        return 0;
    }
    return a == b || both_zero(f, a, b);
}

/* Signaling order comparisons: NV for any NaN. */
static inline int compare_order(const FloatFormat *f, uint64_t a, uint64_t b, bool or_equal,
                                uint32_t *fflags)
{
    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        *fflags |= FPU_NV;
        return 0;
    }
    if (both_zero(f, a, b)) {
        return or_equal;
    }
    return or_equal ? !ordered_less(f, b, a) : ordered_less(f, a, b);
}

static inline uint32_t classify(const FloatFormat *f, uint64_t x)
{
    int neg = fp_sign(f, x);
    if (fp_is_nan(f, x)) {
        return fp_is_snan(f, x) ? FPU_CLASS_SNAN : FPU_CLASS_QNAN;
    }
    if (fp_is_inf(f, x)) {
        return neg ? FPU_CLASS_NEG_INF : FPU_CLASS_POS_INF;
    }
    if (fp_is_zero(f, x)) {
        return neg ? FPU_CLASS_NEG_ZERO : FPU_CLASS_POS_ZERO;
    }
    if (fp_exp(f, x) == 0) {
        return neg ? FPU_CLASS_NEG_SUBNORMAL : FPU_CLASS_POS_SUBNORMAL;
    }
    return neg ? FPU_CLASS_NEG_NORMAL : FPU_CLASS_POS_NORMAL;
}

/* ---- Host path (x86-64) ---- */

#if defined(__x86_64__)

/*
 * MXCSR values with all exceptions masked (the process default 0x1f80), DAZ/FTZ off and the
 * rounding control (bits 13-14: 0 nearest, 1 down, 2 up, 3 towards zero) for rm 0..3.
 */
static const uint32_t mxcsr_for_rm[4] = {0x1f80, 0x7f80, 0x3f80, 0x5f80};

/*
 * Runs "insn src, dst" with the guest rounding mode and clear flags, stores the resulting
 * MXCSR in csr_out and restores round-to-nearest. Load, operation and restore sit in one asm
 * statement so the compiler can neither constant-fold the operation nor schedule other
 * floating-point code inside the guest-mode window.
 */
#define SSE_OP(insn, dst, src, rm, csr_out)                                                        \
    asm volatile("ldmxcsr %[in]\n\t" insn " %[s], %[d]\n\tstmxcsr %[out]\n\tldmxcsr %[def]"        \
                 : [d] "+x"(dst), [out] "=m"(csr_out)                                              \
                 : [s] "x"(src), [in] "m"(mxcsr_for_rm[rm]), [def] "m"(mxcsr_for_rm[0]))

/* The same for the FMA3 form "insn src3, src2, dst": dst = src2 * src3 + dst. */
#define FMA_OP(insn, a, b, c, rm, csr_out)                                                         \
    asm volatile("ldmxcsr %[in]\n\t" insn " %[y], %[x], %[z]\n\tstmxcsr %[out]\n\t"                \
                 "ldmxcsr %[def]"                                                                  \
                 : [z] "+x"(c), [out] "=m"(csr_out)                                                \
                 : [x] "x"(a), [y] "x"(b), [in] "m"(mxcsr_for_rm[rm]), [def] "m"(mxcsr_for_rm[0]))

static inline uint32_t mxcsr_to_fflags(uint32_t csr)
{
    /* IE->NV, ZE->DZ, OE->OF, UE->UF, PE->NX; DE (denormal operand) has no RISC-V flag. */
    return ((csr & 0x01) << 4) | ((csr & 0x04) << 1) | ((csr & 0x08) >> 1) | ((csr & 0x10) >> 3) |
           ((csr & 0x20) >> 5);
}

static inline double u2d(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof(d));
    return d;
}

static inline uint64_t d2u(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof(u));
    return u;
}

static inline float u2f(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof(f));
    return f;
}

static inline uint32_t f2u(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof(u));
    return u;
}

static inline uint64_t host_finish_d(double r, uint32_t csr, uint32_t *fflags)
{
    uint64_t bits = d2u(r);
    *fflags |= mxcsr_to_fflags(csr);
    return fp_is_nan(&fmt_d, bits) ? FPU_CANONICAL_NAN_D : bits;
}

static inline uint32_t host_finish_s(float r, uint32_t csr, uint32_t *fflags)
{
    uint32_t bits = f2u(r);
    *fflags |= mxcsr_to_fflags(csr);
    return fp_is_nan(&fmt_s, bits) ? FPU_CANONICAL_NAN_S : bits;
}

/* sse_<op>_<fmt>(a, b, rm, fflags): any operands, rm 0..3. */
#define SSE_BINARY(op, insn_s, insn_d)                                                             \
    static uint32_t sse_##op##_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)                 \
    {                                                                                              \
        float x = u2f(a);                                                                          \
        uint32_t csr;                                                                              \
        SSE_OP(insn_s, x, u2f(b), rm, csr);                                                        \
        return host_finish_s(x, csr, fflags);                                                      \
    }                                                                                              \
    static uint64_t sse_##op##_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)                 \
    {                                                                                              \
        double x = u2d(a);                                                                         \
        uint32_t csr;                                                                              \
        SSE_OP(insn_d, x, u2d(b), rm, csr);                                                        \
        return host_finish_d(x, csr, fflags);                                                      \
    }

SSE_BINARY(add, "addss", "addsd")
SSE_BINARY(sub, "subss", "subsd")
SSE_BINARY(mul, "mulss", "mulsd")
SSE_BINARY(div, "divss", "divsd")
SSE_BINARY(sqrt, "sqrtss", "sqrtsd") /* unary: called with b == a */

/*
 * Fast paths. Reading MXCSR back after an operation stalls until the operation retires
 * (about 35 cycles on the Cascade Lake we measured, against 4 for an add), so the common
 * case runs natively in the thread's default mode (the C default: nearest, no FTZ/DAZ, which
 * the MXCSR path restores) on operands whose range leaves inexact and overflow as the only
 * possible exceptions. An error-free transformation gives the sign of the rounding error:
 * TwoSum for sums, one FMA for the error of a product or the remainder of a quotient or a
 * root; for binary32 plain double arithmetic, where products of two floats are exact.
 * From the nearest result and that sign, from_nearest() derives the directed roundings.
 */
static inline bool host_has_fma(void)
{
    return __builtin_cpu_supports("fma");
}

/* a*b - c rounded once (FMA3, run in the default mode). */
static inline double fms_d(double a, double b, double c)
{
    asm("vfmsub231sd %[b], %[a], %[c]" : [c] "+x"(c) : [a] "x"(a), [b] "x"(b));
    return c;
}

static inline double sqrt_d(double x)
{
    asm("sqrtsd %[x], %[x]" : [x] "+x"(x));
    return x;
}

static inline float sqrt_s(float x)
{
    asm("sqrtss %[x], %[x]" : [x] "+x"(x));
    return x;
}

static inline int sign_of(double v)
{
    return (v > 0) - (v < 0);
}

/* Sign of the exact a + b - s for s = RN(a+b) (Knuth's TwoSum; valid without overflow). */
static inline int two_sum_err_d(double a, double b, double s)
{
    double bb = s - a;
    return sign_of((a - (s - bb)) + (b - bb));
}

static inline int two_sum_err_s(float a, float b, float s)
{
    float bb = s - a;
    return sign_of((a - (s - bb)) + (b - bb));
}

/*
 * s = RN(x) and err = sign(x - s); returns x rounded in rm (RNE..RUP). A directed result is
 * s or its neighbour towards x, one step of the bit pattern. s must be finite and normal
 * with any inexact x at least the smallest normal (so no underflow); stepping from the
 * largest finite value to infinity is an overflow.
 */
static inline uint64_t from_nearest(const FloatFormat *f, uint64_t s, int err, int rm,
                                    uint32_t *fflags)
{
    if (err == 0) {
        return s;
    }
    *fflags |= FPU_NX;
    bool towards_zero = (err < 0) != fp_sign(f, s); /* x lies between 0 and s */
    bool step = rm == FPU_RM_RTZ   ? towards_zero
                : rm == FPU_RM_RDN ? err < 0
                : rm == FPU_RM_RUP ? err > 0
                                   : false;
    if (!step) {
        return s;
    }
    uint64_t r = towards_zero ? s - 1 : s + 1;
    if (fp_is_inf(f, r)) {
        *fflags |= FPU_OF;
    }
    return r;
}

static inline int exp_s(uint32_t x)
{
    return (x >> 23) & 0xff;
}

static inline int exp_d(uint64_t x)
{
    return (x >> 52) & 0x7ff;
}

/*
 * Operands below 2^emax cannot overflow, and an inexact sum is never below 2^emin. An exact
 * zero sum is -0 in RDN (native nearest gives +0), which the MXCSR path handles.
 */
#define ZERO_SUM_IN_RDN(s_bits, rm) ((rm) == FPU_RM_RDN && ((s_bits) << 1) == 0)

static uint32_t host_add_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
    if (exp_s(a) < 0xfe && exp_s(b) < 0xfe) {
        float x = u2f(a), y = u2f(b), s = x + y;
        if (!ZERO_SUM_IN_RDN(f2u(s), rm)) {
            return from_nearest(&fmt_s, f2u(s), two_sum_err_s(x, y, s), rm, fflags);
        }
    }
    return sse_add_s(a, b, rm, fflags);
}

static uint32_t host_sub_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
    if (exp_s(a) < 0xfe && exp_s(b) < 0xfe) {
        float x = u2f(a), y = u2f(b), s = x - y;
        if (!ZERO_SUM_IN_RDN(f2u(s), rm)) {
            return from_nearest(&fmt_s, f2u(s), two_sum_err_s(x, -y, s), rm, fflags);
        }
    }
    return sse_sub_s(a, b, rm, fflags);
}

static uint64_t host_add_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    if (exp_d(a) < 0x7fe && exp_d(b) < 0x7fe) {
        double x = u2d(a), y = u2d(b), s = x + y;
        if (!ZERO_SUM_IN_RDN(d2u(s), rm)) {
            return from_nearest(&fmt_d, d2u(s), two_sum_err_d(x, y, s), rm, fflags);
        }
    }
    return sse_add_d(a, b, rm, fflags);
}

static uint64_t host_sub_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    if (exp_d(a) < 0x7fe && exp_d(b) < 0x7fe) {
        double x = u2d(a), y = u2d(b), s = x - y;
        if (!ZERO_SUM_IN_RDN(d2u(s), rm)) {
            return from_nearest(&fmt_d, d2u(s), two_sum_err_d(x, -y, s), rm, fflags);
        }
    }
    return sse_sub_d(a, b, rm, fflags);
}

/* Zero times a finite value: exact, no flags (an underflow to zero is not this case). */
static inline bool exact_zero_product(uint64_t p, uint64_t a, uint64_t b, int sign_shift)
{
    return (p << (64 - sign_shift)) == 0 &&
           ((a << (64 - sign_shift)) == 0 || (b << (64 - sign_shift)) == 0);
}

/* A product of at least 2^(emin+1) is not tiny, and the exponent check excludes NaN and
 * infinity; binary32 products are exact in double. */
static uint32_t host_mul_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
    float x = u2f(a), y = u2f(b), p = x * y;
    int e = exp_s(f2u(p));
    if (e >= 2 && e < 0xff) {
        double exact = (double)x * (double)y;
        return from_nearest(&fmt_s, f2u(p), sign_of(exact - (double)p), rm, fflags);
    }
    if (exact_zero_product(f2u(p), a, b, 31)) {
        return f2u(p);
    }
    return sse_mul_s(a, b, rm, fflags);
}

/* For binary64 the error of p is representable (so one FMA gives it exactly) when
 * p >= 2^-968 keeps it above the subnormal quantum. */
static uint64_t host_mul_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    if (host_has_fma()) {
        double x = u2d(a), y = u2d(b), p = x * y;
        int e = exp_d(d2u(p));
        if (e >= 55 && e < 0x7ff) {
            return from_nearest(&fmt_d, d2u(p), sign_of(fms_d(x, y, p)), rm, fflags);
        }
        if (exact_zero_product(d2u(p), a, b, 63)) {
            return d2u(p);
        }
    }
    return sse_mul_d(a, b, rm, fflags);
}

/* A normal, non-tiny quotient q: a/b - q has the sign of (a - q*b) * b. */
static uint32_t host_div_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
    float x = u2f(a), y = u2f(b), q = x / y;
    int e = exp_s(f2u(q));
    if (e >= 2 && e < 0xff) {
        int rem = sign_of((double)x - (double)q * (double)y);
        return from_nearest(&fmt_s, f2u(q), y < 0 ? -rem : rem, rm, fflags);
    }
    return sse_div_s(a, b, rm, fflags);
}

/* With a >= 2^-968, b normal and q >= 2^-968, the remainder a - q*b is a multiple of
 * ulp(q)*ulp(b) >= 2^-1073 below 2^52 of those quanta: representable, so FMA gives it. */
static uint64_t host_div_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    int ea = exp_d(a), eb = exp_d(b);
    if (ea >= 55 && ea < 0x7fe && eb >= 1 && eb < 0x7fe && host_has_fma()) {
        double x = u2d(a), y = u2d(b), q = x / y;
        int e = exp_d(d2u(q));
        if (e >= 55 && e < 0x7ff) {
            int rem = -sign_of(fms_d(q, y, x));
            return from_nearest(&fmt_d, d2u(q), y < 0 ? -rem : rem, rm, fflags);
        }
    }
    return sse_div_d(a, b, rm, fflags);
}

/* Positive finite operands: the root is normal; sqrt(a) - r has the sign of a - r*r. */
static uint32_t host_sqrt_s(uint32_t a, int rm, uint32_t *fflags)
{
    if (a != 0 && a < 0x7f800000) {
        float x = u2f(a), r = sqrt_s(x);
        int err = sign_of((double)x - (double)r * (double)r);
        return from_nearest(&fmt_s, f2u(r), err, rm, fflags);
    }
    return sse_sqrt_s(a, a, rm, fflags);
}

static uint64_t host_sqrt_d(uint64_t a, int rm, uint32_t *fflags)
{
    if (exp_d(a) >= 55 && a < 0x7ff0000000000000ull && host_has_fma()) {
        double x = u2d(a), r = sqrt_d(x);
        return from_nearest(&fmt_d, d2u(r), -sign_of(fms_d(r, r, x)), rm, fflags);
    }
    return sse_sqrt_d(a, a, rm, fflags);
}

static uint32_t host_cvt_s_d(uint64_t a, int rm, uint32_t *fflags)
{
    double x = u2d(a);
    float r = (float)x;
    int e = exp_s(f2u(r));
    if (e >= 2 && e < 0xff) {
        return from_nearest(&fmt_s, f2u(r), sign_of(x - (double)r), rm, fflags);
    }
    r = 0;
    uint32_t csr;
    SSE_OP("cvtsd2ss", r, x, rm, csr);
    return host_finish_s(r, csr, fflags);
}

/* Widening is exact; only NaNs need the software rules. */
static uint64_t host_cvt_d_s(uint32_t a, uint32_t *fflags)
{
    if (fp_is_nan(&fmt_s, a)) {
        return soft_convert(&fmt_d, &fmt_s, a, FPU_RM_RNE, fflags);
    }
    return d2u((double)u2f(a));
}

/*
 * Fused multiply-add. Detecting inexactness of a*b+c would need a costly error-free
 * transformation, so the native fast path only runs once NX has accrued (it stays set in
 * practice); a normal, non-tiny result then raises nothing new. NaN operands go to the
 * software path: RISC-V wants NV for inf*0 even with a quiet-NaN addend.
 */
static uint32_t host_fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags)
{
    if (!host_has_fma() || fp_is_nan(&fmt_s, a) || fp_is_nan(&fmt_s, b) || fp_is_nan(&fmt_s, c)) {
        return soft_fma(&fmt_s, a, b, c, rm, fflags);
    }
    float x = u2f(a), y = u2f(b), z = u2f(c);
    if (rm == FPU_RM_RNE && (*fflags & FPU_NX)) {
        asm("vfmadd231ss %[y], %[x], %[z]" : [z] "+x"(z) : [x] "x"(x), [y] "x"(y));
        int e = exp_s(f2u(z));
        if (e >= 2 && e < 0xff) {
            return f2u(z);
        }
        z = u2f(c);
    }
    uint32_t csr;
    FMA_OP("vfmadd231ss", x, y, z, rm, csr);
    return host_finish_s(z, csr, fflags);
}

static uint64_t host_fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
    if (!host_has_fma() || fp_is_nan(&fmt_d, a) || fp_is_nan(&fmt_d, b) || fp_is_nan(&fmt_d, c)) {
        return soft_fma(&fmt_d, a, b, c, rm, fflags);
    }
    double x = u2d(a), y = u2d(b), z = u2d(c);
    if (rm == FPU_RM_RNE && (*fflags & FPU_NX)) {
        asm("vfmadd231sd %[y], %[x], %[z]" : [z] "+x"(z) : [x] "x"(x), [y] "x"(y));
        int e = exp_d(d2u(z));
        if (e >= 2 && e < 0x7ff) {
            return d2u(z);
        }
        z = u2d(c);
    }
    uint32_t csr;
    FMA_OP("vfmadd231sd", x, y, z, rm, csr);
    return host_finish_d(z, csr, fflags);
}

/* Returns the host result unless rm is RMM, which MXCSR cannot express. */
#define TRY_HOST(rm, call)                                                                         \
    do {                                                                                           \
        if ((rm) != FPU_RM_RMM) {                                                                  \
            return call;                                                                           \
        }                                                                                          \
    } while (0)

#else /* other hosts: software only */

#define TRY_HOST(rm, call)                                                                         \
    do {                                                                                           \
    } while (0)

#endif

/* ---- Public API ---- */

#define SIGN_S 0x80000000u
#define SIGN_D 0x8000000000000000ull

uint32_t fpu_unbox_s(uint64_t f)
{
    return (f >> 32) == 0xffffffffu ? (uint32_t)f : FPU_CANONICAL_NAN_S;
}

uint64_t fpu_box_s(uint32_t s)
{
    return 0xffffffff00000000ull | s;
}

/* The s and d entry points of each operation, generated in pairs. */
#define DEFINE_BINARY(op)                                                                          \
    uint32_t fpu_##op##_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)                        \
    {                                                                                              \
        TRY_HOST(rm, host_##op##_s(a, b, rm, fflags));                                             \
        return soft_##op(&fmt_s, a, b, rm, fflags);                                                \
    }                                                                                              \
    uint64_t fpu_##op##_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)                        \
    {                                                                                              \
        TRY_HOST(rm, host_##op##_d(a, b, rm, fflags));                                             \
        return soft_##op(&fmt_d, a, b, rm, fflags);                                                \
    }

DEFINE_BINARY(add)
DEFINE_BINARY(sub)
DEFINE_BINARY(mul)
DEFINE_BINARY(div)

uint32_t fpu_sqrt_s(uint32_t a, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, host_sqrt_s(a, rm, fflags));
    return soft_sqrt(&fmt_s, a, rm, fflags);
}

uint64_t fpu_sqrt_d(uint64_t a, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, host_sqrt_d(a, rm, fflags));
    return soft_sqrt(&fmt_d, a, rm, fflags);
}

static uint32_t fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, host_fma_s(a, b, c, rm, fflags));
    return soft_fma(&fmt_s, a, b, c, rm, fflags);
}

static uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, host_fma_d(a, b, c, rm, fflags));
    return soft_fma(&fmt_d, a, b, c, rm, fflags);
}

/*
 * The negated forms flip operand signs, never the result's: -(a*b)-c must round the exact
 * value -(a*b)-c in rm (directed modes are not symmetric) and gives +0 for an exact zero.
 */
#define DEFINE_FMA(name, neg_a, neg_c)                                                             \
    uint32_t fpu_##name##_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags)          \
    {                                                                                              \
        return fma_s(a ^ (neg_a ? SIGN_S : 0), b, c ^ (neg_c ? SIGN_S : 0), rm, fflags);           \
    }                                                                                              \
    uint64_t fpu_##name##_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)          \
    {                                                                                              \
        return fma_d(a ^ (neg_a ? SIGN_D : 0), b, c ^ (neg_c ? SIGN_D : 0), rm, fflags);           \
    }

DEFINE_FMA(madd, 0, 0)
DEFINE_FMA(msub, 0, 1)
DEFINE_FMA(nmsub, 1, 0)
DEFINE_FMA(nmadd, 1, 1)

#define DEFINE_MINMAX(name, want_max)                                                              \
    uint32_t fpu_##name##_s(uint32_t a, uint32_t b, uint32_t *fflags)                              \
    {                                                                                              \
        return minmax(&fmt_s, a, b, want_max, fflags);                                             \
    }                                                                                              \
    uint64_t fpu_##name##_d(uint64_t a, uint64_t b, uint32_t *fflags)                              \
    {                                                                                              \
        return minmax(&fmt_d, a, b, want_max, fflags);                                             \
    }

DEFINE_MINMAX(min, false)
DEFINE_MINMAX(max, true)

/* Sign injection from the sign of b, its complement, or the xor of both signs. */
#define DEFINE_SGNJ(name, sign_expr)                                                               \
    uint32_t fpu_##name##_s(uint32_t a, uint32_t b)                                                \
    {                                                                                              \
        return (a & ~SIGN_S) | ((sign_expr)&SIGN_S);                                               \
    }                                                                                              \
    uint64_t fpu_##name##_d(uint64_t a, uint64_t b)                                                \
    {                                                                                              \
        return (a & ~SIGN_D) | ((sign_expr)&SIGN_D);                                               \
    }

DEFINE_SGNJ(sgnj, b)
DEFINE_SGNJ(sgnjn, ~b)
DEFINE_SGNJ(sgnjx, a ^ b)

#define DEFINE_COMPARE(name, call)                                                                 \
    int fpu_##name##_s(uint32_t a, uint32_t b, uint32_t *fflags)                                   \
    {                                                                                              \
        const FloatFormat *f = &fmt_s;                                                             \
        return call;                                                                               \
    }                                                                                              \
    int fpu_##name##_d(uint64_t a, uint64_t b, uint32_t *fflags)                                   \
    {                                                                                              \
        const FloatFormat *f = &fmt_d;                                                             \
        return call;                                                                               \
    }

DEFINE_COMPARE(eq, compare_eq(f, a, b, fflags))
DEFINE_COMPARE(lt, compare_order(f, a, b, false, fflags))
DEFINE_COMPARE(le, compare_order(f, a, b, true, fflags))

uint32_t fpu_class_s(uint32_t a)
{
    return classify(&fmt_s, a);
}

uint32_t fpu_class_d(uint64_t a)
{
    return classify(&fmt_d, a);
}

#define DEFINE_TO_INT(dst, width, is_signed)                                                       \
    uint64_t fpu_cvt_##dst##_s(uint32_t a, int rm, uint32_t *fflags)                               \
    {                                                                                              \
        return to_int(&fmt_s, a, width, is_signed, rm, fflags);                                    \
    }                                                                                              \
    uint64_t fpu_cvt_##dst##_d(uint64_t a, int rm, uint32_t *fflags)                               \
    {                                                                                              \
        return to_int(&fmt_d, a, width, is_signed, rm, fflags);                                    \
    }

DEFINE_TO_INT(w, 32, true)
DEFINE_TO_INT(wu, 32, false)
DEFINE_TO_INT(l, 64, true)
DEFINE_TO_INT(lu, 64, false)

#define DEFINE_FROM_INT(src, type, is_signed)                                                      \
    uint32_t fpu_cvt_s_##src(type a, int rm, uint32_t *fflags)                                     \
    {                                                                                              \
        return from_int(&fmt_s, (uint64_t)(int64_t)a, is_signed, rm, fflags);                      \
    }                                                                                              \
    uint64_t fpu_cvt_d_##src(type a, int rm, uint32_t *fflags)                                     \
    {                                                                                              \
        return from_int(&fmt_d, (uint64_t)(int64_t)a, is_signed, rm, fflags);                      \
    }

DEFINE_FROM_INT(w, int32_t, true)
DEFINE_FROM_INT(wu, uint32_t, false)
DEFINE_FROM_INT(l, int64_t, true)
DEFINE_FROM_INT(lu, uint64_t, false)

uint32_t fpu_cvt_s_d(uint64_t a, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, host_cvt_s_d(a, rm, fflags));
    return soft_convert(&fmt_s, &fmt_d, a, rm, fflags);
}

uint64_t fpu_cvt_d_s(uint32_t a, int rm, uint32_t *fflags)
{
    (void)rm; /* exact */
    TRY_HOST(FPU_RM_RNE, host_cvt_d_s(a, fflags));
    return soft_convert(&fmt_d, &fmt_s, a, FPU_RM_RNE, fflags);
}
