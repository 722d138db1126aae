/*
 * Private to target/riscv/fpu*.c: the binary32/binary64 format descriptions, bit-pattern
 * helpers every path needs, and the entry points of the software path (fpu-soft.c) and the
 * x86-64 host path (fpu-host.c) that the public API in fpu.c dispatches between.
 *
 * Spec: IEEE 754-2019 binary32/binary64 encodings; RISC-V Unprivileged ISA, chapter "F"
 * (version 2.2) for the canonical NaN and the NV rules of nan_result().
 */
#ifndef TARGET_RISCV_FPU_INTERNAL_H
#define TARGET_RISCV_FPU_INTERNAL_H

#include "target/riscv/fpu.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct FloatFormat {
    int frac_bits;  /* explicit significand bits */
    int sign_shift; /* position of the sign bit */
    int exp_max;    /* the all-ones biased exponent (infinities and NaNs) */
    int bias;
    uint64_t canonical_nan;
} FloatFormat;

/* Static in every file that includes this, so field loads after inlining fold to constants. */
static const FloatFormat fmt_s = {23, 31, 0xff, 127, FPU_CANONICAL_NAN_S};
static const FloatFormat fmt_d = {52, 63, 0x7ff, 1023, FPU_CANONICAL_NAN_D};
static const FloatFormat fmt_h = {10, 15, 0x1f, 15, FPU_CANONICAL_NAN_H};

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

/* ---- Software path (fpu-soft.c): exact, one rounding, any rm including RMM ---- */

uint64_t fpu_soft_add(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_sub(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_mul(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_div(const FloatFormat *f, uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_soft_sqrt(const FloatFormat *f, uint64_t a, int rm, uint32_t *fflags);
/* a*b + c with one rounding. */
uint64_t fpu_soft_fma(const FloatFormat *f, uint64_t a, uint64_t b, uint64_t c, int rm,
                      uint32_t *fflags);
/* Format conversion; exact when `to` is the wider format. */
uint64_t fpu_soft_convert(const FloatFormat *to, const FloatFormat *from, uint64_t x, int rm,
                          uint32_t *fflags);
/* Float to a width-bit integer, sign-extended to 64 bits; saturates and raises NV alone. */
uint64_t fpu_soft_to_int(const FloatFormat *f, uint64_t x, int width, bool is_signed, int rm,
                         uint32_t *fflags);
/* Integer to float; v arrives sign- or zero-extended to 64 bits as is_signed says. */
uint64_t fpu_soft_from_int(const FloatFormat *f, uint64_t v, bool is_signed, int rm,
                           uint32_t *fflags);

/*
 * ---- Host path (fpu-host.c, x86-64 only) ----
 * Any operands; rm must be RNE..RUP (MXCSR cannot express RMM), which the caller checks.
 */
#if defined(__x86_64__)

uint32_t fpu_host_add_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_host_sub_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_host_mul_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_host_div_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags);
uint32_t fpu_host_sqrt_s(uint32_t a, int rm, uint32_t *fflags);
uint32_t fpu_host_fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags);
uint64_t fpu_host_add_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_host_sub_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_host_mul_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_host_div_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
uint64_t fpu_host_sqrt_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_host_fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);
uint32_t fpu_host_cvt_s_d(uint64_t a, int rm, uint32_t *fflags);
uint64_t fpu_host_cvt_d_s(uint32_t a, uint32_t *fflags);

#endif

#endif /* TARGET_RISCV_FPU_INTERNAL_H */
