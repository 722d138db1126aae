/*
 * RISC-V F and D extensions: the x86-64 host floating-point path.
 *
 * Spec: RISC-V Unprivileged ISA, chapters "F" and "D" (version 2.2: fcsr flags, canonical
 * NaN); IEEE 754-2019 binary32/binary64 with tininess detected after rounding; Intel SDM
 * vol. 1 section 10.2.3 (MXCSR) and the FMA3 instructions.
 *
 * A rounded result comes from one of two places here:
 *  - fast path: the operation runs natively in the thread's default round-to-nearest mode
 *    on operands whose range rules out every exception but inexact and overflow; an
 *    error-free transformation gives the sign of the rounding error, from which inexact and
 *    the directed roundings follow. This is the common case.
 *  - MXCSR path: one SSE/FMA instruction run with MXCSR holding the guest mode and clear
 *    flags, for the operands the fast path declines. x86 rounds as IEEE 754 requires and,
 *    like RISC-V, detects tininess after rounding, so only NaN results need fixing (x86
 *    propagates payloads, RISC-V returns the canonical NaN).
 * Both need the thread's MXCSR in its C default (nearest, no FTZ/DAZ): never build this
 * file or link the emulator with -ffast-math. The Makefile builds it with -frounding-math.
 */
#include "fpu-internal.h"

#if defined(__x86_64__)

#include <cpuid.h>
#include <string.h>

int fpu_host_fma = -1;

bool fpu_host_probe_fma(void)
{
    unsigned int a, b, c, d, xcr0_lo, xcr0_hi;
    bool fma = false;

    if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_FMA) && (c & bit_AVX) && (c & bit_OSXSAVE)) {
        asm volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
        fma = (xcr0_lo & 6) == 6; /* the OS saves the SSE and AVX registers */
    }
    __atomic_store_n(&fpu_host_fma, fma, __ATOMIC_RELAXED);
    return fma;
}

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

uint32_t fpu_host_add_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
    if (exp_s(a) < 0xfe && exp_s(b) < 0xfe) {
        float x = u2f(a), y = u2f(b), s = x + y;
        if (!ZERO_SUM_IN_RDN(f2u(s), rm)) {
            return from_nearest(&fmt_s, f2u(s), two_sum_err_s(x, y, s), rm, fflags);
        }
    }
    return sse_add_s(a, b, rm, fflags);
}

uint32_t fpu_host_sub_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
{
    if (exp_s(a) < 0xfe && exp_s(b) < 0xfe) {
        float x = u2f(a), y = u2f(b), s = x - y;
        if (!ZERO_SUM_IN_RDN(f2u(s), rm)) {
            return from_nearest(&fmt_s, f2u(s), two_sum_err_s(x, -y, s), rm, fflags);
        }
    }
    return sse_sub_s(a, b, rm, fflags);
}

uint64_t fpu_host_add_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    if (exp_d(a) < 0x7fe && exp_d(b) < 0x7fe) {
        double x = u2d(a), y = u2d(b), s = x + y;
        if (!ZERO_SUM_IN_RDN(d2u(s), rm)) {
            return from_nearest(&fmt_d, d2u(s), two_sum_err_d(x, y, s), rm, fflags);
        }
    }
    return sse_add_d(a, b, rm, fflags);
}

uint64_t fpu_host_sub_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
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
uint32_t fpu_host_mul_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
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
uint64_t fpu_host_mul_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    if (fpu_host_has_fma()) {
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
uint32_t fpu_host_div_s(uint32_t a, uint32_t b, int rm, uint32_t *fflags)
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
uint64_t fpu_host_div_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    int ea = exp_d(a), eb = exp_d(b);
    if (ea >= 55 && ea < 0x7fe && eb >= 1 && eb < 0x7fe && fpu_host_has_fma()) {
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
uint32_t fpu_host_sqrt_s(uint32_t a, int rm, uint32_t *fflags)
{
    if (a != 0 && a < 0x7f800000) {
        float x = u2f(a), r = sqrt_s(x);
        int err = sign_of((double)x - (double)r * (double)r);
        return from_nearest(&fmt_s, f2u(r), err, rm, fflags);
    }
    return sse_sqrt_s(a, a, rm, fflags);
}

uint64_t fpu_host_sqrt_d(uint64_t a, int rm, uint32_t *fflags)
{
    if (exp_d(a) >= 55 && a < 0x7ff0000000000000ull && fpu_host_has_fma()) {
        double x = u2d(a), r = sqrt_d(x);
        return from_nearest(&fmt_d, d2u(r), -sign_of(fms_d(r, r, x)), rm, fflags);
    }
    return sse_sqrt_d(a, a, rm, fflags);
}

uint32_t fpu_host_cvt_s_d(uint64_t a, int rm, uint32_t *fflags)
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
uint64_t fpu_host_cvt_d_s(uint32_t a, uint32_t *fflags)
{
    if (fp_is_nan(&fmt_s, a)) {
        return fpu_soft_convert(&fmt_d, &fmt_s, a, FPU_RM_RNE, fflags);
    }
    return d2u((double)u2f(a));
}

/*
 * Fused multiply-add. Detecting inexactness of a*b+c would need a costly error-free
 * transformation, so the native fast path only runs once NX has accrued (it stays set in
 * practice); a normal, non-tiny result then raises nothing new. NaN operands go to the
 * software path: RISC-V wants NV for inf*0 even with a quiet-NaN addend.
 */
uint32_t fpu_host_fma_s(uint32_t a, uint32_t b, uint32_t c, int rm, uint32_t *fflags)
{
    if (!fpu_host_has_fma() || fp_is_nan(&fmt_s, a) || fp_is_nan(&fmt_s, b) ||
        fp_is_nan(&fmt_s, c)) {
        return fpu_soft_fma(&fmt_s, a, b, c, rm, fflags);
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

uint64_t fpu_host_fma_d(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags)
{
    if (!fpu_host_has_fma() || fp_is_nan(&fmt_d, a) || fp_is_nan(&fmt_d, b) ||
        fp_is_nan(&fmt_d, c)) {
        return fpu_soft_fma(&fmt_d, a, b, c, rm, fflags);
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

#endif /* __x86_64__ */
