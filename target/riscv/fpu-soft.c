/*
 * RISC-V F and D extensions: the software floating-point path.
 *
 * Spec: RISC-V Unprivileged ISA, chapter "F" Standard Extension for Single-Precision
 * Floating-Point (version 2.2: NaN generation, subnormal arithmetic, conversion saturation)
 * and chapter "D" (version 2.2: fcvt.s.d/fcvt.d.s); arithmetic is IEEE 754-2019
 * binary32/binary64 with tininess detected after rounding.
 *
 * Exact integer arithmetic on unpacked significands and a single rounding in round_pack().
 * It serves RMM (MXCSR cannot express it), fused ops with a NaN operand (RISC-V wants NV for
 * inf*0 even with a quiet-NaN addend), other hosts, and the integer conversions, which are
 * only a shift and a rounding on every host. No host floating point is used here.
 */
#include "fpu-internal.h"

typedef unsigned __int128 u128;

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

uint64_t fpu_soft_add(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
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

uint64_t fpu_soft_sub(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    return fpu_soft_add(f, a, b ^ fp_sign_bit(f), rm, fflags);
}

uint64_t fpu_soft_mul(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
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

uint64_t fpu_soft_div(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags)
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

uint64_t fpu_soft_sqrt(const FloatFormat *f, uint64_t a, int rm, uint32_t *fflags)
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
uint64_t fpu_soft_fma(const FloatFormat *f, uint64_t a, uint64_t b, uint64_t c, int rm,
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
uint64_t fpu_soft_convert(const FloatFormat *to, const FloatFormat *from, uint64_t x, int rm,
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
uint64_t fpu_soft_to_int(const FloatFormat *f, uint64_t x, int width, bool is_signed, int rm,
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
uint64_t fpu_soft_from_int(const FloatFormat *f, uint64_t v, bool is_signed, int rm,
                           uint32_t *fflags)
{
    int sign = is_signed && (int64_t)v < 0;
    uint64_t mag = sign ? 0 - v : v;
    if (mag == 0) {
        return 0;
    }
    int lz = __builtin_clzll(mag);
    return round_pack(f, sign, 63 - lz, mag << lz, rm, fflags);
}
