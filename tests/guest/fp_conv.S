/*
 * F and D conversions (Unprivileged ISA, "Single-Precision Floating-Point
 * Conversion and Move Instructions" and the D equivalents): float to
 * integer with every rounding mode and the saturation table ("Domains of
 * float-to-integer conversions and behavior for invalid inputs": NaN -> the
 * largest positive value, out of range -> the nearest bound, NV, no NX),
 * integer to float rounding, and single <-> double conversion with canonical
 * NaNs and after-rounding tininess.  Expected values come from an exact
 * rational model of IEEE rounding.
 */
#include "test_asm.h"
#include "fp_asm.h"

/* fcvt.w.s with rm = dyn under frm = mode; NX expected (inputs are inexact) */
#define TEST_FP_INT1_DYN(mode, a, want) \
    csrwi frm, mode; TEST_FP_INT1_ s, fcvt.w.s, dyn, a, want, NX, __LINE__

    .option norvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    csrwi   frm, FRM_RNE

    /* FCVT.W.S: round per rm; NaN and +overflow -> 2^31-1, -overflow -> -2^31, with NV
     * (and no NX); in-range inexact -> NX; 32-bit results are sign-extended */
    TEST_FP_INT1(s, fcvt.w.s, rne, 0x3fc00000, 0x2, NX)
    TEST_FP_INT1(s, fcvt.w.s, rne, 0x40200000, 0x2, NX)
    TEST_FP_INT1(s, fcvt.w.s, rmm, 0xc0200000, 0xfffffffffffffffd, NX)
    TEST_FP_INT1(s, fcvt.w.s, rne, 0xc0200000, 0xfffffffffffffffe, NX)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0xc02ccccd, 0xfffffffffffffffe, NX)
    TEST_FP_INT1(s, fcvt.w.s, rdn, 0xc00ccccd, 0xfffffffffffffffd, NX)
    TEST_FP_INT1(s, fcvt.w.s, rup, 0x40066666, 0x3, NX)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x3f000000, 0x0, NX)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x7fc00000, 0x7fffffff, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0xffc00000, 0x7fffffff, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x7f800001, 0x7fffffff, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x7f800000, 0x7fffffff, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0xff800000, 0xffffffff80000000, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x4f32d05e, 0x7fffffff, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0xcf32d05e, 0xffffffff80000000, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0xcf000000, 0xffffffff80000000, 0)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x4f000000, 0x7fffffff, NV)
    TEST_FP_INT1(s, fcvt.w.s, rtz, 0x80000000, 0x0, 0)

    /* FCVT.WU.S: negative values that round to 0 are only inexact; below that NV -> 0;
     * NaN and +overflow -> 2^32-1 (sign-extended: all ones) */
    TEST_FP_INT1(s, fcvt.wu.s, rtz, 0xbf000000, 0x0, NX)
    TEST_FP_INT1(s, fcvt.wu.s, rne, 0xbf000000, 0x0, NX)
    TEST_FP_INT1(s, fcvt.wu.s, rtz, 0xbf800000, 0x0, NV)
    TEST_FP_INT1(s, fcvt.wu.s, rtz, 0x7fc00000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(s, fcvt.wu.s, rtz, 0x4f800000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(s, fcvt.wu.s, rtz, 0x4f7fffff, 0xffffffffffffff00, 0)
    TEST_FP_INT1(s, fcvt.wu.s, rtz, 0xff800000, 0x0, NV)
    TEST_FP_INT1(s, fcvt.wu.s, rup, 0x3f000001, 0x1, NX)

    /* FCVT.L.S / FCVT.LU.S: 64-bit saturation */
    TEST_FP_INT1(s, fcvt.l.s, rtz, 0x7fc00000, 0x7fffffffffffffff, NV)
    TEST_FP_INT1(s, fcvt.l.s, rtz, 0xff800000, 0x8000000000000000, NV)
    TEST_FP_INT1(s, fcvt.l.s, rtz, 0x5f000000, 0x7fffffffffffffff, NV)
    TEST_FP_INT1(s, fcvt.l.s, rtz, 0xdf000000, 0x8000000000000000, 0)
    TEST_FP_INT1(s, fcvt.l.s, rtz, 0x501502f9, 0x2540be400, 0)
    TEST_FP_INT1(s, fcvt.l.s, rtz, 0xbfc00000, 0xffffffffffffffff, NX)
    TEST_FP_INT1(s, fcvt.lu.s, rtz, 0x7fc00000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(s, fcvt.lu.s, rtz, 0xbf800000, 0x0, NV)
    TEST_FP_INT1(s, fcvt.lu.s, rtz, 0x5f800000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(s, fcvt.lu.s, rtz, 0x5f7fffff, 0xffffff0000000000, 0)
    TEST_FP_INT1(s, fcvt.lu.s, rtz, 0xff800000, 0x0, NV)

    /* FCVT.W.D: 2147483647.5 rounds (RNE) to 2^31, out of range -> NV, but RTZ fits -> NX */
    TEST_FP_INT1(d, fcvt.w.d, rne, 0x41dfffffffe00000, 0x7fffffff, NV)
    TEST_FP_INT1(d, fcvt.w.d, rtz, 0x41dfffffffe00000, 0x7fffffff, NX)
    TEST_FP_INT1(d, fcvt.w.d, rne, 0xc1e0000000000000, 0xffffffff80000000, 0)
    TEST_FP_INT1(d, fcvt.w.d, rne, 0xc1e0000000200000, 0xffffffff80000000, NV)
    TEST_FP_INT1(d, fcvt.w.d, rtz, 0x7ff8000000000000, 0x7fffffff, NV)
    TEST_FP_INT1(d, fcvt.w.d, rmm, 0x4004000000000000, 0x3, NX)

    /* FCVT.WU.D / FCVT.L.D / FCVT.LU.D */
    TEST_FP_INT1(d, fcvt.wu.d, rtz, 0x41efffffffe00000, 0xffffffffffffffff, 0)
    TEST_FP_INT1(d, fcvt.wu.d, rtz, 0x41f0000000000000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(d, fcvt.wu.d, rtz, 0x8000000000000000, 0x0, 0)
    TEST_FP_INT1(d, fcvt.wu.d, rtz, 0xfff0000000000000, 0x0, NV)
    TEST_FP_INT1(d, fcvt.l.d, rtz, 0x7ff8000000000000, 0x7fffffffffffffff, NV)
    TEST_FP_INT1(d, fcvt.l.d, rtz, 0x43e0000000000000, 0x7fffffffffffffff, NV)
    TEST_FP_INT1(d, fcvt.l.d, rtz, 0xc3e0000000000000, 0x8000000000000000, 0)
    TEST_FP_INT1(d, fcvt.l.d, rdn, 0xbff8000000000000, 0xfffffffffffffffe, NX)
    TEST_FP_INT1(d, fcvt.l.d, rtz, 0x7ff0000000000001, 0x7fffffffffffffff, NV)
    TEST_FP_INT1(d, fcvt.lu.d, rtz, 0x7ff8000000000000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(d, fcvt.lu.d, rtz, 0xbff0000000000000, 0x0, NV)
    TEST_FP_INT1(d, fcvt.lu.d, rtz, 0x43f0000000000000, 0xffffffffffffffff, NV)
    TEST_FP_INT1(d, fcvt.lu.d, rtz, 0x43efffffffffffff, 0xfffffffffffff800, 0)
    TEST_FP_INT1(d, fcvt.lu.d, rup, 0x3fb999999999999a, 0x1, NX)

    /* Integer to float: FCVT.S.W/WU/L/LU and FCVT.D.*; rounding when the integer has more
     * significant bits than the format; the W forms ignore rs1[63:32] */
    TEST_INT_FP(s, fcvt.s.w, rne, 0x7fffffff, 0x4f000000, NX)
    TEST_INT_FP(s, fcvt.s.w, rtz, 0x7fffffff, 0x4effffff, NX)
    TEST_INT_FP(s, fcvt.s.w, rne, 0xffffffffffffffff, 0xbf800000, 0)
    TEST_INT_FP(s, fcvt.s.w, rne, 0x1000001, 0x4b800000, NX)
    TEST_INT_FP(s, fcvt.s.w, rup, 0x1000001, 0x4b800001, NX)
    TEST_INT_FP(s, fcvt.s.w, rne, 0xffffffff80000000, 0xcf000000, 0)
    TEST_INT_FP(s, fcvt.s.w, rne, 0x1234567800000003, 0x40400000, 0)
    TEST_INT_FP(s, fcvt.s.wu, rne, 0xffffffff, 0x4f800000, NX)
    TEST_INT_FP(s, fcvt.s.wu, rtz, 0xffffffff, 0x4f7fffff, NX)
    TEST_INT_FP(s, fcvt.s.wu, rne, 0xffffffff00000001, 0x3f800000, 0)
    TEST_INT_FP(s, fcvt.s.wu, rne, 0x0, 0x0, 0)
    TEST_INT_FP(s, fcvt.s.l, rne, 0x8000000000000000, 0xdf000000, 0)
    TEST_INT_FP(s, fcvt.s.l, rne, 0x7fffffffffffffff, 0x5f000000, NX)
    TEST_INT_FP(s, fcvt.s.lu, rne, 0xffffffffffffffff, 0x5f800000, NX)
    TEST_INT_FP(s, fcvt.s.lu, rtz, 0xffffffffffffffff, 0x5f7fffff, NX)
    TEST_INT_FP(d, fcvt.d.l, rne, 0x7fffffffffffffff, 0x43e0000000000000, NX)
    TEST_INT_FP(d, fcvt.d.l, rne, 0x20000000000001, 0x4340000000000000, NX)
    TEST_INT_FP(d, fcvt.d.l, rup, 0x20000000000001, 0x4340000000000001, NX)
    TEST_INT_FP(d, fcvt.d.l, rne, 0xfffffffffffffffb, 0xc014000000000000, 0)
    TEST_INT_FP(d, fcvt.d.w, , 0xffffffff80000000, 0xc1e0000000000000, 0)
    TEST_INT_FP(d, fcvt.d.wu, , 0xffffffff, 0x41efffffffe00000, 0)
    TEST_INT_FP(d, fcvt.d.lu, rne, 0xffffffffffffffff, 0x43f0000000000000, NX)
    TEST_INT_FP(d, fcvt.d.w, , 0xffffffff, 0xbff0000000000000, 0)

    /* FCVT.S.D rounds (overflow, underflow, tininess after rounding: a value just below
     * 2^-126 that rounds to the smallest normal raises NX but not UF); FCVT.D.S is exact;
     * NaNs become the canonical NaN of the destination, signaling ones raise NV */
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x3fd5555555555555, 0x3eaaaaab, NX)
    TEST_FCVT_FP(d, s, fcvt.s.d, rtz, 0x3fd5555555555555, 0x3eaaaaaa, NX)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x7fefffffffffffff, 0x7f800000, NX|OF)
    TEST_FCVT_FP(d, s, fcvt.s.d, rtz, 0x7fefffffffffffff, 0x7f7fffff, NX|OF)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x380ffffff8000000, 0x800000, NX)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x3690000000000000, 0x0, NX|UF)
    TEST_FCVT_FP(d, s, fcvt.s.d, rup, 0x3690000000000000, 0x1, NX|UF)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x7ff8000012345678, 0x7fc00000, 0)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x7ff0000000000001, 0x7fc00000, NV)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0xfff0000000000000, 0xff800000, 0)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x8000000000000000, 0x80000000, 0)
    TEST_FCVT_FP(d, s, fcvt.s.d, rne, 0x36a0000000000000, 0x1, 0)
    TEST_FCVT_FP(s, d, fcvt.d.s, , 0x3f800000, 0x3ff0000000000000, 0)
    TEST_FCVT_FP(s, d, fcvt.d.s, , 0x7f800001, 0x7ff8000000000000, NV)
    TEST_FCVT_FP(s, d, fcvt.d.s, , 0x7fc12345, 0x7ff8000000000000, 0)
    TEST_FCVT_FP(s, d, fcvt.d.s, , 0x1, 0x36a0000000000000, 0)
    TEST_FCVT_FP(s, d, fcvt.d.s, , 0xff800000, 0xfff0000000000000, 0)
    TEST_FCVT_FP(s, d, fcvt.d.s, , 0x80000000, 0x8000000000000000, 0)

    /* Dynamic rounding for a conversion */
    TEST_FP_INT1_DYN(FRM_RUP, 0x3fc00000, 2)
    TEST_FP_INT1_DYN(FRM_RDN, 0x3fc00000, 1)
    TEST_FP_INT1_DYN(FRM_RMM, 0x40200000, 3)
    csrwi   frm, FRM_RNE

    /* Writing x0: the conversion still raises its flags */
    li      t0, 0x7fc00000
    fmv.w.x f1, t0
    csrwi   fflags, 0
    fcvt.w.s x0, f1, rtz
    csrr    a6, fflags
    CHECK_REG(a6, NV)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

END_CHECKS
