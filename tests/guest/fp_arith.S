/*
 * F and D arithmetic (Unprivileged ISA, "F" and "D" Standard Extensions;
 * IEEE 754-2008): FADD/FSUB/FMUL/FDIV/FSQRT and the fused multiply-add
 * family in single and double precision, under every static rounding mode
 * and under dynamic rounding through frm, with exact fflags (NX UF OF DZ NV),
 * tininess detected after rounding, canonical NaN results, signed zeros and
 * NaN-boxed single results.  Expected values come from an exact rational
 * model of IEEE rounding (see the values; each group says which rule).
 */
#include "test_asm.h"
#include "fp_asm.h"

    .option norvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    csrwi   frm, FRM_RNE

    /* Rounding of an exact tie, single: 1 + 2^-24 lies halfway between 1 and 1+ulp.
     * RNE -> even (1), RTZ/RDN -> 1, RUP/RMM -> 1+ulp; NX in every mode */
    TEST_FP2(s, fadd.s, rne, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2(s, fadd.s, rtz, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2(s, fadd.s, rdn, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2(s, fadd.s, rup, 0x3f800000, 0x33800000, 0x3f800001, NX)
    TEST_FP2(s, fadd.s, rmm, 0x3f800000, 0x33800000, 0x3f800001, NX)

    /* same tie below zero: RDN now rounds away from zero, RUP toward it */
    TEST_FP2(s, fadd.s, rne, 0xbf800000, 0xb3800000, 0xbf800000, NX)
    TEST_FP2(s, fadd.s, rtz, 0xbf800000, 0xb3800000, 0xbf800000, NX)
    TEST_FP2(s, fadd.s, rdn, 0xbf800000, 0xb3800000, 0xbf800001, NX)
    TEST_FP2(s, fadd.s, rup, 0xbf800000, 0xb3800000, 0xbf800000, NX)
    TEST_FP2(s, fadd.s, rmm, 0xbf800000, 0xb3800000, 0xbf800001, NX)

    /* tie with an odd lower neighbour: RNE rounds up to the even one */
    TEST_FP2(s, fadd.s, rne, 0x3f800001, 0x33800000, 0x3f800002, NX)
    TEST_FP2(s, fadd.s, rtz, 0x3f800001, 0x33800000, 0x3f800001, NX)
    TEST_FP2(s, fadd.s, rmm, 0x3f800001, 0x33800000, 0x3f800002, NX)

    /* not a tie: 1/3 (RMM = nearest, same as RNE here) */
    TEST_FP2(s, fdiv.s, rne, 0x3f800000, 0x40400000, 0x3eaaaaab, NX)
    TEST_FP2(s, fdiv.s, rtz, 0x3f800000, 0x40400000, 0x3eaaaaaa, NX)
    TEST_FP2(s, fdiv.s, rdn, 0x3f800000, 0x40400000, 0x3eaaaaaa, NX)
    TEST_FP2(s, fdiv.s, rup, 0x3f800000, 0x40400000, 0x3eaaaaab, NX)
    TEST_FP2(s, fdiv.s, rmm, 0x3f800000, 0x40400000, 0x3eaaaaab, NX)

    /* exact results raise no flags */
    TEST_FP2(s, fadd.s, rne, 0x3f800000, 0x40000000, 0x40400000, 0)
    TEST_FP2(s, fmul.s, rne, 0x40400000, 0x3f000000, 0x3fc00000, 0)
    TEST_FP2(s, fdiv.s, rne, 0x40400000, 0x40000000, 0x3fc00000, 0)
    TEST_FP2(s, fsub.s, rne, 0x3f800000, 0x40400000, 0xc0000000, 0)

    /* exact zero sums: +0 in every mode except RDN, which gives -0;
     * (-0) + (-0) = -0 in every mode */
    TEST_FP2(s, fsub.s, rne, 0x3f800000, 0x3f800000, 0x0, 0)
    TEST_FP2(s, fsub.s, rdn, 0x3f800000, 0x3f800000, 0x80000000, 0)
    TEST_FP2(s, fadd.s, rup, 0x0, 0x80000000, 0x0, 0)
    TEST_FP2(s, fadd.s, rdn, 0x0, 0x80000000, 0x80000000, 0)
    TEST_FP2(s, fadd.s, rne, 0x80000000, 0x80000000, 0x80000000, 0)

    /* overflow: OF|NX; to infinity or to the largest finite value depending on the mode and sign */
    TEST_FP2(s, fmul.s, rne, 0x7f7fffff, 0x40000000, 0x7f800000, NX|OF)
    TEST_FP2(s, fmul.s, rtz, 0x7f7fffff, 0x40000000, 0x7f7fffff, NX|OF)
    TEST_FP2(s, fmul.s, rdn, 0x7f7fffff, 0x40000000, 0x7f7fffff, NX|OF)
    TEST_FP2(s, fmul.s, rup, 0x7f7fffff, 0x40000000, 0x7f800000, NX|OF)
    TEST_FP2(s, fmul.s, rmm, 0x7f7fffff, 0x40000000, 0x7f800000, NX|OF)
    TEST_FP2(s, fmul.s, rdn, 0xff7fffff, 0x40000000, 0xff800000, NX|OF)
    TEST_FP2(s, fmul.s, rup, 0xff7fffff, 0x40000000, 0xff7fffff, NX|OF)
    TEST_FP2(s, fadd.s, rne, 0x7f7fffff, 0x7f7fffff, 0x7f800000, NX|OF)

    /* underflow: UF only when the tiny result is also inexact; exact subnormals raise nothing */
    TEST_FP2(s, fmul.s, rne, 0x800000, 0x3f000000, 0x400000, 0)
    TEST_FP2(s, fmul.s, rne, 0x1, 0x3f000000, 0x0, NX|UF)
    TEST_FP2(s, fmul.s, rup, 0x1, 0x3f000000, 0x1, NX|UF)
    TEST_FP2(s, fmul.s, rmm, 0x1, 0x3f000000, 0x1, NX|UF)
    TEST_FP2(s, fmul.s, rdn, 0x1, 0x3f000000, 0x0, NX|UF)
    TEST_FP2(s, fmul.s, rne, 0x3, 0x3f000000, 0x2, NX|UF)
    TEST_FP2(s, fdiv.s, rne, 0x800000, 0x40400000, 0x2aaaab, NX|UF)

    /* subnormal operands are used as is (no flush to zero) */
    TEST_FP2(s, fadd.s, rne, 0x1, 0x1, 0x2, 0)
    TEST_FP2(s, fmul.s, rne, 0x1, 0x4b000000, 0x800000, 0)

    /* invalid operations -> canonical NaN 0x7fc00000 with NV */
    TEST_FP2(s, fsub.s, rne, 0x7f800000, 0x7f800000, 0x7fc00000, NV)
    TEST_FP2(s, fadd.s, rne, 0xff800000, 0x7f800000, 0x7fc00000, NV)
    TEST_FP2(s, fmul.s, rne, 0x0, 0x7f800000, 0x7fc00000, NV)
    TEST_FP2(s, fdiv.s, rne, 0x0, 0x0, 0x7fc00000, NV)
    TEST_FP2(s, fdiv.s, rne, 0x7f800000, 0xff800000, 0x7fc00000, NV)

    /* division by zero: DZ, correctly signed infinity; infinity arithmetic is exact */
    TEST_FP2(s, fdiv.s, rne, 0x3f800000, 0x0, 0x7f800000, DZ)
    TEST_FP2(s, fdiv.s, rne, 0xbf800000, 0x0, 0xff800000, DZ)
    TEST_FP2(s, fdiv.s, rne, 0x3f800000, 0x80000000, 0xff800000, DZ)
    TEST_FP2(s, fdiv.s, rne, 0x7f800000, 0x0, 0x7f800000, 0)
    TEST_FP2(s, fadd.s, rne, 0x7f800000, 0x7f7fffff, 0x7f800000, 0)
    TEST_FP2(s, fdiv.s, rne, 0x3f800000, 0xff800000, 0x80000000, 0)

    /* NaN operands: the result is always the canonical NaN (payload and sign dropped);
     * quiet NaNs raise nothing, signaling NaNs raise NV */
    TEST_FP2(s, fadd.s, rne, 0x7fc12345, 0x3f800000, 0x7fc00000, 0)
    TEST_FP2(s, fmul.s, rne, 0xffc00000, 0x3f800000, 0x7fc00000, 0)
    TEST_FP2(s, fadd.s, rne, 0x7f800001, 0x3f800000, 0x7fc00000, NV)
    TEST_FP2(s, fdiv.s, rne, 0x3f800000, 0x7fa00000, 0x7fc00000, NV)
    TEST_FP2(s, fsub.s, rne, 0x7fc00000, 0x7f800001, 0x7fc00000, NV)

    /* FSQRT.S: correctly rounded; sqrt(-0) = -0; sqrt(<0) is invalid */
    TEST_FP1(s, fsqrt.s, rne, 0x40800000, 0x40000000, 0)
    TEST_FP1(s, fsqrt.s, rne, 0x40000000, 0x3fb504f3, NX)
    TEST_FP1(s, fsqrt.s, rtz, 0x40000000, 0x3fb504f3, NX)
    TEST_FP1(s, fsqrt.s, rup, 0x40000000, 0x3fb504f4, NX)
    TEST_FP1(s, fsqrt.s, rmm, 0x40000000, 0x3fb504f3, NX)
    TEST_FP1(s, fsqrt.s, rne, 0x80000000, 0x80000000, 0)
    TEST_FP1(s, fsqrt.s, rne, 0xbf800000, 0x7fc00000, NV)
    TEST_FP1(s, fsqrt.s, rne, 0x7f800000, 0x7f800000, 0)
    TEST_FP1(s, fsqrt.s, rne, 0x7f800001, 0x7fc00000, NV)
    TEST_FP1(s, fsqrt.s, rne, 0x1, 0x1a3504f3, NX)

    /* Fused multiply-add family (one rounding): (1+2^-23)^2 = 1 + 2^-22 + 2^-46; subtracting
     * 1 + 2^-22 leaves exactly 2^-46, which a separately rounded product would lose.
     * fmadd = a*b+c, fmsub = a*b-c, fnmsub = -(a*b)+c, fnmadd = -(a*b)-c */
    TEST_FP3(s, fmadd.s, rne, 0x3f800001, 0x3f800001, 0xbf800002, 0x28800000, 0)
    TEST_FP3(s, fmsub.s, rne, 0x3f800001, 0x3f800001, 0x3f800002, 0x28800000, 0)
    TEST_FP3(s, fnmsub.s, rne, 0x3f800001, 0x3f800001, 0x3f800002, 0xa8800000, 0)
    TEST_FP3(s, fnmadd.s, rne, 0x3f800001, 0x3f800001, 0xbf800002, 0xa8800000, 0)
    TEST_FP3(s, fmadd.s, rne, 0x40000000, 0x40400000, 0x3f800000, 0x40e00000, 0)
    TEST_FP3(s, fmsub.s, rne, 0x40000000, 0x40400000, 0x3f800000, 0x40a00000, 0)
    TEST_FP3(s, fnmsub.s, rne, 0x40000000, 0x40400000, 0x3f800000, 0xc0a00000, 0)
    TEST_FP3(s, fnmadd.s, rne, 0x40000000, 0x40400000, 0x3f800000, 0xc0e00000, 0)

    /* FMA rounding modes, overflow, and signed zero results */
    TEST_FP3(s, fmadd.s, rup, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800001, NX)
    TEST_FP3(s, fmadd.s, rne, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP3(s, fmadd.s, rne, 0x7f7fffff, 0x40000000, 0xff7fffff, 0x7f7fffff, 0)
    TEST_FP3(s, fmadd.s, rne, 0x7f7fffff, 0x7f7fffff, 0x0, 0x7f800000, NX|OF)
    TEST_FP3(s, fmadd.s, rdn, 0x3f800000, 0x3f800000, 0xbf800000, 0x80000000, 0)
    TEST_FP3(s, fnmadd.s, rne, 0x0, 0x3f800000, 0x0, 0x80000000, 0)

    /* FMA invalid: inf*0 is NV even when the addend is a quiet NaN; inf - inf;
     * a quiet NaN addend alone raises nothing */
    TEST_FP3(s, fmadd.s, rne, 0x7f800000, 0x0, 0x7fc00000, 0x7fc00000, NV)
    TEST_FP3(s, fmadd.s, rne, 0x0, 0xff800000, 0x3f800000, 0x7fc00000, NV)
    TEST_FP3(s, fmadd.s, rne, 0x7f800000, 0x3f800000, 0xff800000, 0x7fc00000, NV)
    TEST_FP3(s, fmadd.s, rne, 0x3f800000, 0x3f800000, 0x7fc12345, 0x7fc00000, 0)
    TEST_FP3(s, fmadd.s, rne, 0x3f800000, 0x7f800001, 0x3f800000, 0x7fc00000, NV)

    /* Double precision: the same rules at 53 bits. Tie: 1 + 2^-53 */
    TEST_FP2(d, fadd.d, rne, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000, NX)
    TEST_FP2(d, fadd.d, rtz, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000, NX)
    TEST_FP2(d, fadd.d, rdn, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000000, NX)
    TEST_FP2(d, fadd.d, rup, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001, NX)
    TEST_FP2(d, fadd.d, rmm, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001, NX)
    TEST_FP2(d, fadd.d, rne, 0x3ff0000000000001, 0x3ca0000000000000, 0x3ff0000000000002, NX)

    /* 1/3 in double */
    TEST_FP2(d, fdiv.d, rne, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555555, NX)
    TEST_FP2(d, fdiv.d, rtz, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555555, NX)
    TEST_FP2(d, fdiv.d, rup, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555556, NX)

    /* exact, signed zero, overflow, underflow */
    TEST_FP2(d, fmul.d, rne, 0x4008000000000000, 0x3fe0000000000000, 0x3ff8000000000000, 0)
    TEST_FP2(d, fsub.d, rdn, 0x3ff0000000000000, 0x3ff0000000000000, 0x8000000000000000, 0)
    TEST_FP2(d, fsub.d, rne, 0x3ff0000000000000, 0x3ff0000000000000, 0x0, 0)
    TEST_FP2(d, fmul.d, rne, 0x7fefffffffffffff, 0x4000000000000000, 0x7ff0000000000000, NX|OF)
    TEST_FP2(d, fmul.d, rtz, 0x7fefffffffffffff, 0x4000000000000000, 0x7fefffffffffffff, NX|OF)
    TEST_FP2(d, fmul.d, rdn, 0x7fefffffffffffff, 0x4000000000000000, 0x7fefffffffffffff, NX|OF)
    TEST_FP2(d, fmul.d, rup, 0x7fefffffffffffff, 0x4000000000000000, 0x7ff0000000000000, NX|OF)
    TEST_FP2(d, fmul.d, rne, 0x10000000000000, 0x3fe0000000000000, 0x8000000000000, 0)
    TEST_FP2(d, fmul.d, rne, 0x1, 0x3fe0000000000000, 0x0, NX|UF)
    TEST_FP2(d, fmul.d, rup, 0x1, 0x3fe0000000000000, 0x1, NX|UF)

    /* invalid, divide by zero, NaN operands */
    TEST_FP2(d, fsub.d, rne, 0x7ff0000000000000, 0x7ff0000000000000, 0x7ff8000000000000, NV)
    TEST_FP2(d, fmul.d, rne, 0x7ff0000000000000, 0x8000000000000000, 0x7ff8000000000000, NV)
    TEST_FP2(d, fdiv.d, rne, 0x8000000000000000, 0x0, 0x7ff8000000000000, NV)
    TEST_FP2(d, fdiv.d, rne, 0xbff0000000000000, 0x0, 0xfff0000000000000, DZ)
    TEST_FP2(d, fadd.d, rne, 0x7ff8000012345678, 0x3ff0000000000000, 0x7ff8000000000000, 0)
    TEST_FP2(d, fadd.d, rne, 0x7ff0000000000001, 0x3ff0000000000000, 0x7ff8000000000000, NV)
    TEST_FP2(d, fmul.d, rne, 0x7ff8000000000000, 0x7ff0000000000001, 0x7ff8000000000000, NV)

    /* FSQRT.D */
    TEST_FP1(d, fsqrt.d, rne, 0x4000000000000000, 0x3ff6a09e667f3bcd, NX)
    TEST_FP1(d, fsqrt.d, rtz, 0x4000000000000000, 0x3ff6a09e667f3bcc, NX)
    TEST_FP1(d, fsqrt.d, rup, 0x4000000000000000, 0x3ff6a09e667f3bcd, NX)
    TEST_FP1(d, fsqrt.d, rne, 0x4010000000000000, 0x4000000000000000, 0)
    TEST_FP1(d, fsqrt.d, rne, 0x8000000000000000, 0x8000000000000000, 0)
    TEST_FP1(d, fsqrt.d, rne, 0xbff0000000000000, 0x7ff8000000000000, NV)
    TEST_FP1(d, fsqrt.d, rne, 0x7ff8000012345678, 0x7ff8000000000000, 0)

    /* FMA.D: (1+2^-52)^2 - (1+2^-51) = 2^-104 exactly */
    TEST_FP3(d, fmadd.d, rne, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, 0x3970000000000000, 0)
    TEST_FP3(d, fmsub.d, rne, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002, 0x3970000000000000, 0)
    TEST_FP3(d, fnmsub.d, rne, 0x3ff0000000000001, 0x3ff0000000000001, 0x3ff0000000000002, 0xb970000000000000, 0)
    TEST_FP3(d, fnmadd.d, rne, 0x3ff0000000000001, 0x3ff0000000000001, 0xbff0000000000002, 0xb970000000000000, 0)
    TEST_FP3(d, fmadd.d, rne, 0x7ff0000000000000, 0x0, 0x7ff8000000000000, 0x7ff8000000000000, NV)
    TEST_FP3(d, fmadd.d, rup, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ca0000000000000, 0x3ff0000000000001, NX)
    TEST_FP3(d, fnmadd.d, rne, 0x4000000000000000, 0x4008000000000000, 0x3ff0000000000000, 0xc01c000000000000, 0)

    /* Dynamic rounding mode (rm = dyn) takes the mode from frm */
    TEST_FP2_DYN(s, fadd.s, FRM_RNE, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RNE, 0xbf800000, 0xb3800000, 0xbf800000, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RTZ, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RTZ, 0xbf800000, 0xb3800000, 0xbf800000, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RDN, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RDN, 0xbf800000, 0xb3800000, 0xbf800001, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RUP, 0x3f800000, 0x33800000, 0x3f800001, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RUP, 0xbf800000, 0xb3800000, 0xbf800000, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RMM, 0x3f800000, 0x33800000, 0x3f800001, NX)
    TEST_FP2_DYN(s, fadd.s, FRM_RMM, 0xbf800000, 0xb3800000, 0xbf800001, NX)
    TEST_FP2_DYN(d, fdiv.d, FRM_RTZ, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555555, NX)
    TEST_FP1_DYN(s, fsqrt.s, FRM_RTZ, 0x40000000, 0x3fb504f3, NX)
    TEST_FP3_DYN(s, fmadd.s, FRM_RTZ, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2_DYN(d, fdiv.d, FRM_RUP, 0x3ff0000000000000, 0x4008000000000000, 0x3fd5555555555556, NX)
    TEST_FP1_DYN(s, fsqrt.s, FRM_RUP, 0x40000000, 0x3fb504f4, NX)
    TEST_FP3_DYN(s, fmadd.s, FRM_RUP, 0x3f800000, 0x3f800000, 0x33800000, 0x3f800001, NX)

    /* A static rounding mode overrides frm */
    csrwi   frm, FRM_RUP
    TEST_FP2(s, fadd.s, rne, 0x3f800000, 0x33800000, 0x3f800000, NX)
    TEST_FP2(s, fadd.s, rdn, 0x3f800000, 0x33800000, 0x3f800000, NX)
    csrwi   frm, FRM_RNE

    /* fflags accumulate (sticky) until cleared: NX then DZ -> NX|DZ */
    li      t0, 0x3f800000
    fmv.w.x f1, t0
    li      t0, 0x40400000
    fmv.w.x f2, t0
    fmv.w.x f3, zero
    csrwi   fflags, 0
    fdiv.s  f4, f1, f2
    fdiv.s  f4, f1, f3
    fadd.s  f4, f1, f1
    csrr    a6, fflags
    CHECK_REG(a6, NX | DZ)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

END_CHECKS
