/*
 * RISC-V F and D extensions: floating-point arithmetic on raw bit patterns.
 *
 * Spec: RISC-V Unprivileged ISA, chapter "F" Standard Extension for Single-Precision
 * Floating-Point (version 2.2: fcsr, NaN generation, subnormal arithmetic, fmin/fmax,
 * conversion saturation) and chapter "D" (version 2.2: NaN boxing, fcvt.s.d/fcvt.d.s);
 * arithmetic is IEEE 754-2019 binary32/binary64 with tininess detected after rounding.
 *
 * This file is the public API: it dispatches each rounded operation to one of three paths
 * and implements the bit-level operations itself. A rounded result comes from:
 *  - host fast path (x86-64, fpu-host.c): the operation runs natively in the thread's
 *    default round-to-nearest mode on operands whose range rules out every exception but
 *    inexact and overflow; an error-free transformation gives the sign of the rounding
 *    error, from which inexact and the directed roundings follow. This is the common case.
 *  - host MXCSR path (x86-64, fpu-host.c): one SSE/FMA instruction run with MXCSR holding
 *    the guest mode and clear flags, for the operands the fast path declines. x86 rounds as
 *    IEEE 754 requires and, like RISC-V, detects tininess after rounding, so only NaN
 *    results need fixing (x86 propagates payloads, RISC-V returns the canonical NaN).
 *  - software (fpu-soft.c): exact integer arithmetic on unpacked significands and a single
 *    rounding in round_pack(). It serves RMM (MXCSR cannot express it), fused ops with a
 *    NaN operand (RISC-V wants NV for inf*0 even with a quiet-NaN addend) and other hosts.
 * Bit-level operations (sign injection, compares, min/max, fclass here; integer conversions
 * in fpu-soft.c) have a single implementation. The host paths need the thread's MXCSR in
 * its C default (nearest, no FTZ/DAZ): never build the fpu*.c files or link the emulator
 * with -ffast-math.
 */
#include "target/riscv/fpu.h"

#include "fpu-internal.h"

/* ---- Dispatch between the host and software paths ---- */

#if defined(__x86_64__)

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
        TRY_HOST(rm, fpu_host_##op##_s(a, b, rm, fflags));                                         \
        return fpu_soft_##op(&fmt_s, a, b, rm, fflags);                                            \
    }                                                                                              \
    uint64_t fpu_##op##_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)                        \
    {                                                                                              \
        TRY_HOST(rm, fpu_host_##op##_d(a, b, rm, fflags));                                         \
        return fpu_soft_##op(&fmt_d, a, b, rm, fflags);                                            \
    }

DEFINE_BINARY(add)
DEFINE_BINARY(sub)
DEFINE_BINARY(mul)
DEFINE_BINARY(div)

uint32_t fpu_sqrt_s(uint32_t a, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, fpu_host_sqrt_s(a, rm, fflags));
    return fpu_soft_sqrt(&fmt_s, a, rm, fflags);
}

uint64_t fpu_sqrt_d(uint64_t a, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, fpu_host_sqrt_d(a, rm, fflags));
    return fpu_soft_sqrt(&fmt_d, a, rm, fflags);
}

static uint32_t fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, fpu_host_fma_s(a, b, c, rm, fflags));
    return fpu_soft_fma(&fmt_s, a, b, c, rm, fflags);
}

static uint64_t fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, fpu_host_fma_d(a, b, c, rm, fflags));
    return fpu_soft_fma(&fmt_d, a, b, c, rm, fflags);
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
        return fpu_soft_to_int(&fmt_s, a, width, is_signed, rm, fflags);                           \
    }                                                                                              \
    uint64_t fpu_cvt_##dst##_d(uint64_t a, int rm, uint32_t *fflags)                               \
    {                                                                                              \
        return fpu_soft_to_int(&fmt_d, a, width, is_signed, rm, fflags);                           \
    }

DEFINE_TO_INT(w, 32, true)
DEFINE_TO_INT(wu, 32, false)
DEFINE_TO_INT(l, 64, true)
DEFINE_TO_INT(lu, 64, false)

#define DEFINE_FROM_INT(src, type, is_signed)                                                      \
    uint32_t fpu_cvt_s_##src(type a, int rm, uint32_t *fflags)                                     \
    {                                                                                              \
        return fpu_soft_from_int(&fmt_s, (uint64_t)(int64_t)a, is_signed, rm, fflags);             \
    }                                                                                              \
    uint64_t fpu_cvt_d_##src(type a, int rm, uint32_t *fflags)                                     \
    {                                                                                              \
        return fpu_soft_from_int(&fmt_d, (uint64_t)(int64_t)a, is_signed, rm, fflags);             \
    }

DEFINE_FROM_INT(w, int32_t, true)
DEFINE_FROM_INT(wu, uint32_t, false)
DEFINE_FROM_INT(l, int64_t, true)
DEFINE_FROM_INT(lu, uint64_t, false)

uint32_t fpu_cvt_s_d(uint64_t a, int rm, uint32_t *fflags)
{
    TRY_HOST(rm, fpu_host_cvt_s_d(a, rm, fflags));
    return fpu_soft_convert(&fmt_s, &fmt_d, a, rm, fflags);
}

uint64_t fpu_cvt_d_s(uint32_t a, int rm, uint32_t *fflags)
{
    (void)rm; /* exact */
    TRY_HOST(FPU_RM_RNE, fpu_host_cvt_d_s(a, fflags));
    return fpu_soft_convert(&fmt_d, &fmt_s, a, FPU_RM_RNE, fflags);
}
