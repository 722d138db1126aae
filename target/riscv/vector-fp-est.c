/*
 * vfrsqrt7.v and vfrec7.v (V 1.0 spec 13.9 and 13.10): 7-bit estimates of
 * 1/sqrt(x) and 1/x for binary16/32/64.
 *
 * The spec gives the 7 output significand bits by two 128-entry tables,
 * indexed by the top 7 bits of the normalized input (for the square root the
 * exponent's parity and 6 significand bits). Each entry is the estimate at
 * the middle of its input interval, written as 1.f x 2^k and rounded to 7
 * bits of f: 128 * (2 / m - 1) for 1/m, m in [1, 2), and 128 * (2 / sqrt(m)
 * - 1) for m in [1, 4). They are computed here from that rule (which
 * reproduces the spec's tables entry for entry) instead of being listed.
 */
#include <math.h>

#include "target/riscv/fpu.h"
#include "vector-internal.h"

uint64_t v_fp_estimate(unsigned esz, uint64_t a, bool rsqrt, int rm, uint32_t *fl);

typedef struct FpFmt {
    unsigned ebits, mbits;
} FpFmt;

static unsigned rec7_entry(unsigned i)
{
    double m = 1.0 + (i + 0.5) / 128.0;
    return (unsigned)lround(128.0 * (2.0 / m - 1.0));
}

/* i: the exponent's parity (bit 6: 1 for m in [1, 2)) and 6 significand bits */
static unsigned rsqrt7_entry(unsigned i)
{
    bool low = i >> 6;
    double m = low ? 1.0 + ((i & 63) + 0.5) / 64.0 : 2.0 + ((i & 63) + 0.5) / 32.0;
    return MIN((unsigned)lround(128.0 * (2.0 / sqrt(m) - 1.0)), 127u);
}

/* The result of a 1/x overflowing: infinity or the largest finite number by rounding mode. */
static uint64_t rec_overflow(const FpFmt *f, bool sign, int rm, uint32_t *fl)
{
    uint64_t inf = ((1ULL << f->ebits) - 1) << f->mbits, max = inf - 1;
    bool to_inf = rm == FPU_RM_RNE || rm == FPU_RM_RMM || (rm == FPU_RM_RUP && !sign) ||
                  (rm == FPU_RM_RDN && sign);

    *fl |= FPU_OF | FPU_NX;
    return (uint64_t)sign << (f->ebits + f->mbits) | (to_inf ? inf : max);
}

uint64_t v_fp_estimate(unsigned esz, uint64_t a, bool rsqrt, int rm, uint32_t *fl)
{
    const FpFmt f = esz == 2 ? (FpFmt){5, 10} : esz == 4 ? (FpFmt){8, 23} : (FpFmt){11, 52};
    const int64_t bias = (1 << (f.ebits - 1)) - 1;
    const uint64_t mmask = (1ULL << f.mbits) - 1, emax = (1ULL << f.ebits) - 1;
    const uint64_t cnan = esz == 2   ? FPU_CANONICAL_NAN_H
                          : esz == 4 ? FPU_CANONICAL_NAN_S
                                     : FPU_CANONICAL_NAN_D;
    bool sign = (a >> (f.ebits + f.mbits)) & 1;
    uint64_t sig = a & mmask, e = (a >> f.mbits) & emax,
             sbit = (uint64_t)sign << (f.ebits + f.mbits);
    int64_t exp = (int64_t)e, oexp;
    unsigned osig;

    if (e == emax) {
        if (sig) { /* NaN: signaling ones are invalid */
            *fl |= (sig >> (f.mbits - 1)) & 1 ? 0 : FPU_NV;
            return cnan;
        }
        if (rsqrt && sign) {
            *fl |= FPU_NV;
            return cnan;
        }
        return sbit; /* 1/inf = 0 */
    }
    if (e == 0 && sig == 0) {
        *fl |= FPU_DZ;
        return sbit | emax << f.mbits;
    }
    if (rsqrt && sign) {
        *fl |= FPU_NV;
        return cnan;
    }
    if (e == 0) { /* subnormal: normalize, the exponent going to 0 or below */
        while (!(sig >> (f.mbits - 1) & 1)) {
            sig <<= 1;
            exp--;
        }
        sig = (sig << 1) & mmask;
    }
    if (rsqrt) {
        osig = rsqrt7_entry((unsigned)(exp & 1) << 6 | (unsigned)(sig >> (f.mbits - 6)));
        oexp = (3 * bias - 1 - exp) / 2;
        return sbit | (uint64_t)oexp << f.mbits | (uint64_t)osig << (f.mbits - 7);
    }
    osig = rec7_entry((unsigned)(sig >> (f.mbits - 7)));
    oexp = 2 * bias - 1 - exp;
    if (oexp > 2 * bias) {
        return rec_overflow(&f, sign, rm, fl);
    }
    if (oexp <= 0) { /* subnormal result: the implicit 1 shifted in */
        return sbit | ((1ULL << 7 | osig) << (f.mbits - 7)) >> (1 - oexp);
    }
    return sbit | (uint64_t)oexp << f.mbits | (uint64_t)osig << (f.mbits - 7);
}
