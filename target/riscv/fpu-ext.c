/*
 * The newer floating-point extensions: Zfh 1.0 (binary16 arithmetic, on the software path
 * of fpu-soft.c, whose routines take the format as a parameter) and Zfa 1.0 (fli,
 * fminm/fmaxm, fround/froundnx, fleq/fltq, fcvtmod.w.d) for binary16/32/64.
 *
 * Spec: RISC-V Unprivileged ISA, "Zfh" and "Zfa" chapters; IEEE 754-2019 binary16,
 * roundToIntegral (fround: exact, froundnx: roundToIntegralExact), minimum/maximum
 * (fminm/fmaxm: NaN-propagating), compareQuietLessEqual/Less (fleq/fltq).
 */
#include <string.h>

#include "target/riscv/fpu.h"

#include "fpu-internal.h"

#define SIGN_H 0x8000u

/* ---- Zfh ---- */

uint16_t fpu_unbox_h(uint64_t f)
{
    return (f >> 16) == 0xffffffffffffull ? (uint16_t)f : FPU_CANONICAL_NAN_H;
}

uint64_t fpu_box_h(uint16_t h)
{
    return 0xffffffffffff0000ull | h;
}

#define DEFINE_BINARY_H(op)                                                                        \
    uint16_t fpu_##op##_h(uint16_t a, uint16_t b, int rm, uint32_t *fflags)                        \
    {                                                                                              \
        return fpu_soft_##op(&fmt_h, a, b, rm, fflags);                                            \
    }
DEFINE_BINARY_H(add)
DEFINE_BINARY_H(sub)
DEFINE_BINARY_H(mul)
DEFINE_BINARY_H(div)

uint16_t fpu_sqrt_h(uint16_t a, int rm, uint32_t *fflags)
{
    return fpu_soft_sqrt(&fmt_h, a, rm, fflags);
}

/* As the s/d forms: the negated ones flip operand signs, never the result's. */
#define DEFINE_FMA_H(name, neg_a, neg_c)                                                           \
    uint16_t fpu_##name##_h(uint16_t a, uint16_t b, uint16_t c, int rm, uint32_t *fflags)          \
    {                                                                                              \
        return fpu_soft_fma(&fmt_h, a ^ (neg_a ? SIGN_H : 0), b, c ^ (neg_c ? SIGN_H : 0), rm,     \
                            fflags);                                                               \
    }
DEFINE_FMA_H(madd, 0, 0)
DEFINE_FMA_H(msub, 0, 1)
DEFINE_FMA_H(nmsub, 1, 0)
DEFINE_FMA_H(nmadd, 1, 1)

uint16_t fpu_min_h(uint16_t a, uint16_t b, uint32_t *fflags)
{
    return minmax(&fmt_h, a, b, false, fflags);
}

uint16_t fpu_max_h(uint16_t a, uint16_t b, uint32_t *fflags)
{
    return minmax(&fmt_h, a, b, true, fflags);
}

uint16_t fpu_sgnj_h(uint16_t a, uint16_t b)
{
    return (a & ~SIGN_H) | (b & SIGN_H);
}

uint16_t fpu_sgnjn_h(uint16_t a, uint16_t b)
{
    return (a & ~SIGN_H) | (~b & SIGN_H);
}

uint16_t fpu_sgnjx_h(uint16_t a, uint16_t b)
{
    return a ^ (b & SIGN_H);
}

int fpu_eq_h(uint16_t a, uint16_t b, uint32_t *fflags)
{
    return compare_eq(&fmt_h, a, b, fflags);
}

int fpu_lt_h(uint16_t a, uint16_t b, uint32_t *fflags)
{
    return compare_order(&fmt_h, a, b, false, fflags);
}

int fpu_le_h(uint16_t a, uint16_t b, uint32_t *fflags)
{
    return compare_order(&fmt_h, a, b, true, fflags);
}

uint32_t fpu_class_h(uint16_t a)
{
    return classify(&fmt_h, a);
}

#define DEFINE_TO_INT_H(dst, width, is_signed)                                                     \
    uint64_t fpu_cvt_##dst##_h(uint16_t a, int rm, uint32_t *fflags)                               \
    {                                                                                              \
        return fpu_soft_to_int(&fmt_h, a, width, is_signed, rm, fflags);                           \
    }
DEFINE_TO_INT_H(w, 32, true)
DEFINE_TO_INT_H(wu, 32, false)
DEFINE_TO_INT_H(l, 64, true)
DEFINE_TO_INT_H(lu, 64, false)

#define DEFINE_FROM_INT_H(src, type, is_signed)                                                    \
    uint16_t fpu_cvt_h_##src(type a, int rm, uint32_t *fflags)                                     \
    {                                                                                              \
        return fpu_soft_from_int(&fmt_h, (uint64_t)(int64_t)a, is_signed, rm, fflags);             \
    }
DEFINE_FROM_INT_H(w, int32_t, true)
DEFINE_FROM_INT_H(wu, uint32_t, false)
DEFINE_FROM_INT_H(l, int64_t, true)
DEFINE_FROM_INT_H(lu, uint64_t, false)

uint16_t fpu_cvt_h_s(uint32_t a, int rm, uint32_t *fflags)
{
    return fpu_soft_convert(&fmt_h, &fmt_s, a, rm, fflags);
}

uint16_t fpu_cvt_h_d(uint64_t a, int rm, uint32_t *fflags)
{
    return fpu_soft_convert(&fmt_h, &fmt_d, a, rm, fflags);
}

uint32_t fpu_cvt_s_h(uint16_t a, uint32_t *fflags)
{
    return fpu_soft_convert(&fmt_s, &fmt_h, a, FPU_RM_RNE, fflags);
}

uint64_t fpu_cvt_d_h(uint16_t a, uint32_t *fflags)
{
    return fpu_soft_convert(&fmt_d, &fmt_h, a, FPU_RM_RNE, fflags);
}

/* ---- Zfa ---- */

static const FloatFormat *format(int fmt)
{
    return fmt == FPU_FMT_S ? &fmt_s : fmt == FPU_FMT_D ? &fmt_d : &fmt_h;
}

uint64_t fpu_fli(int fmt, unsigned index)
{
    /* Zfa's table; entry 1 is the format's smallest normal, 30 +inf, 31 the canonical NaN */
    static const double table[32] = {-1.0, 0.0,    0x1p-16, 0x1p-15, 0x1p-8, 0x1p-7, 0.0625, 0.125,
                                     0.25, 0.3125, 0.375,   0.4375,  0.5,    0.625,  0.75,   0.875,
                                     1.0,  1.25,   1.5,     1.75,    2.0,    2.5,    3.0,    4.0,
                                     8.0,  16.0,   128.0,   256.0,   0x1p15, 0x1p16, 0.0,    0.0};
    const FloatFormat *f = format(fmt);
    uint32_t ignored = 0;
    uint64_t bits;

    switch (index & 31) {
    case 1:
        return 1ull << f->frac_bits;
    case 30:
        return fp_inf(f);
    case 31:
        return f->canonical_nan;
    default:
        memcpy(&bits, &table[index & 31], sizeof(bits));
        return fpu_soft_convert(f, &fmt_d, bits, FPU_RM_RNE, &ignored);
    }
}

uint64_t fpu_minmaxm(int fmt, uint64_t a, uint64_t b, bool want_max, uint32_t *fflags)
{
    const FloatFormat *f = format(fmt);

    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        return nan_result(f, a, b, fflags);
    }
    return minmax(f, a, b, want_max, fflags);
}

int fpu_cmpq(int fmt, uint64_t a, uint64_t b, bool or_equal, uint32_t *fflags)
{
    const FloatFormat *f = format(fmt);

    if (fp_is_nan(f, a) || fp_is_nan(f, b)) {
        nan_result(f, a, b, fflags);
        return 0;
    }
    return compare_order(f, a, b, or_equal, fflags);
}

uint64_t fpu_round(int fmt, uint64_t a, int rm, bool nx, uint32_t *fflags)
{
    const FloatFormat *f = format(fmt);
    uint32_t flags = 0;
    uint64_t v;

    if (fp_is_nan(f, a)) {
        return nan_result(f, a, a, fflags);
    }
    /* Infinities, zeros and anything of 2^frac_bits or more are integral already. */
    if (fp_exp(f, a) >= f->bias + f->frac_bits || fp_is_zero(f, a)) {
        return a;
    }
    v = fpu_soft_to_int(f, a, 64, true, rm, &flags); /* |a| < 2^52: fits, only NX */
    v = fpu_soft_from_int(f, v, true, rm, &flags);   /* exact */
    if (nx) {
        *fflags |= flags & FPU_NX;
    }
    return fp_abs(f, v) | (a & fp_sign_bit(f)); /* a zero result keeps a's sign */
}

uint64_t fpu_cvtmod_w_d(uint64_t a, uint32_t *fflags)
{
    int exp = fp_exp(&fmt_d, a) - fmt_d.bias;
    uint64_t sig = (a & ((1ull << 52) - 1)) | 1ull << 52, low;
    bool inexact, fits;

    if (fp_is_nan(&fmt_d, a) || fp_is_inf(&fmt_d, a)) {
        *fflags |= FPU_NV;
        return 0;
    }
    if (exp < 0) {
        *fflags |= fp_is_zero(&fmt_d, a) ? 0 : FPU_NX;
        return 0;
    }
    /* The integer part is sig * 2^(exp - 52); only its low 32 bits matter. */
    if (exp <= 52) {
        low = sig >> (52 - exp);
        inexact = sig & ((1ull << (52 - exp)) - 1);
        fits = low <= 0x7fffffffull || (fp_sign(&fmt_d, a) && low == 0x80000000ull);
    } else {
        low = exp - 52 < 32 ? sig << (exp - 52) : 0;
        inexact = false;
        fits = false;
    }
    low = (uint32_t)(fp_sign(&fmt_d, a) ? -low : low);
    *fflags |= !fits ? FPU_NV : inexact ? FPU_NX : 0;
    return (uint64_t)(int64_t)(int32_t)low;
}
