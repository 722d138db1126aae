/*
 * Zfh 1.0 half precision (with -cpu rv64,Zfh=on, also on QEMU 7.2): flh/fsh,
 * NaN-boxing of halves (upper 48 bits ones, else the canonical NaN 0x7e00),
 * arithmetic and fused multiply-add with exact fflags in several rounding
 * modes (ties, overflow, tininess after rounding), sqrt, min/max, sign
 * injection, compares, fclass, conversions to and from integers, singles and
 * doubles, fmv.x.h sign extension. Expected values from IEEE 754 binary16
 * (1 sign, 5 exponent bits biased by 15, 10 fraction bits).
 */
#include "test_asm.h"
#include "fp_asm.h"

    .option norvc
    .option arch, +zfh

/* f<freg> = the half `bits`, NaN-boxed */
.macro HLOAD freg, bits
    li      t0, \bits
    fmv.h.x \freg, t0
.endm

/* f4 == the boxed half want, fflags == flags, as a new check */
.macro CHECK_H_ want, flags, line
    .set testnum, testnum + 1
    fmv.x.d t0, f4
    CMP_REG_ t0, (0xffffffffffff0000 | (\want)), \line
    csrr    t1, fflags
    CMP_REG_ t1, \flags, \line
.endm

.macro TEST_H2_ inst, rm, a, b, want, flags, line
    HLOAD   f1, \a
    HLOAD   f2, \b
    csrwi   fflags, 0
    .ifb \rm
    \inst   f4, f1, f2
    .else
    \inst   f4, f1, f2, \rm
    .endif
    CHECK_H_ \want, \flags, \line
.endm
#define TEST_H2(inst, rm, a, b, want, flags) TEST_H2_ inst, rm, a, b, want, flags, __LINE__

.macro TEST_H1_ inst, rm, a, want, flags, line
    HLOAD   f1, \a
    csrwi   fflags, 0
    \inst   f4, f1, \rm
    CHECK_H_ \want, \flags, \line
.endm
#define TEST_H1(inst, rm, a, want, flags) TEST_H1_ inst, rm, a, want, flags, __LINE__

/* half operand(s) -> integer register a6 */
.macro TEST_H_INT_ inst, a, b, want, flags, line
    .set testnum, testnum + 1
    HLOAD   f1, \a
    HLOAD   f2, \b
    csrwi   fflags, 0
    \inst   a6, f1, f2
    CHECK_IRES \want, \flags, \line
.endm
#define TEST_H_CMP(inst, a, b, want, flags) TEST_H_INT_ inst, a, b, want, flags, __LINE__

.macro TEST_H_TOINT_ inst, rm, a, want, flags, line
    .set testnum, testnum + 1
    HLOAD   f1, \a
    csrwi   fflags, 0
    .ifb \rm
    \inst   a6, f1
    .else
    \inst   a6, f1, \rm
    .endif
    CHECK_IRES \want, \flags, \line
.endm
#define TEST_H_TOINT(inst, rm, a, want, flags) TEST_H_TOINT_ inst, rm, a, want, flags, __LINE__

    .data
    .balign 8
hmem:
    .8byte 0x5555666677771234

    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    li      t0, MSTATUS_FS_INITIAL
    csrs    mstatus, t0
    csrwi   frm, FRM_RNE

    /* 1 + 2^-11 is a tie between 1 and 1 + ulp */
    TEST_H2(fadd.h, rne, 0x3c00, 0x1000, 0x3c00, NX)
    TEST_H2(fadd.h, rup, 0x3c00, 0x1000, 0x3c01, NX)
    TEST_H2(fadd.h, rmm, 0x3c00, 0x1000, 0x3c01, NX)
    TEST_H2(fsub.h, rne, 0x3c00, 0x3c00, 0x0000, 0)
    TEST_H2(fsub.h, rdn, 0x3c00, 0x3c00, 0x8000, 0)
    /* overflow: 65504 * 2 */
    TEST_H2(fmul.h, rne, 0x7bff, 0x4000, 0x7c00, OF|NX)
    TEST_H2(fmul.h, rtz, 0x7bff, 0x4000, 0x7bff, OF|NX)
    /* the smallest subnormal halved: a tie to 0 (even), tiny and inexact */
    TEST_H2(fmul.h, rne, 0x0001, 0x3800, 0x0000, UF|NX)
    TEST_H2(fmul.h, rup, 0x0001, 0x3800, 0x0001, UF|NX)
    TEST_H2(fdiv.h, rne, 0x3c00, 0x0000, 0x7c00, DZ)
    TEST_H2(fdiv.h, rne, 0x0000, 0x0000, 0x7e00, NV)
    TEST_H2(fdiv.h, rne, 0x3c00, 0x4200, 0x3555, NX)
    TEST_H1(fsqrt.h, rne, 0x4000, 0x3da8, NX)
    TEST_H1(fsqrt.h, rne, 0xbc00, 0x7e00, NV)
    /* dynamic rounding through frm */
    csrwi   frm, FRM_RUP
    TEST_H2(fadd.h, dyn, 0x3c00, 0x1000, 0x3c01, NX)
    csrwi   frm, FRM_RNE

    /* fused: 1*1+1 exact; (1+2^-10)^2 - 1 = 2^-9 + 2^-20 is a tie (to even: 2^-9) */
    HLOAD   f1, 0x3c00
    HLOAD   f2, 0x3c00
    HLOAD   f3, 0x3c00
    csrwi   fflags, 0
    fmadd.h f4, f1, f2, f3, rne
    CHECK_H_ 0x4000, 0, __LINE__
    HLOAD   f1, 0x3c01
    HLOAD   f2, 0x3c01
    HLOAD   f3, 0x3c00
    csrwi   fflags, 0
    fmsub.h f4, f1, f2, f3, rne
    CHECK_H_ 0x1800, NX, __LINE__
    csrwi   fflags, 0
    fnmadd.h f4, f1, f2, f3, rne
    CHECK_H_ 0xc001, NX, __LINE__

    /* min/max with NaNs, sign injection */
    TEST_H2(fmin.h, , 0x7c01, 0x3c00, 0x3c00, NV)
    TEST_H2(fmax.h, , 0x7e00, 0x7e00, 0x7e00, 0)
    TEST_H2(fmin.h, , 0x8000, 0x0000, 0x8000, 0)
    TEST_H2(fsgnjn.h, , 0x3c00, 0x3c00, 0xbc00, 0)
    TEST_H2(fsgnjx.h, , 0xbc00, 0x8000, 0x3c00, 0)

    /* compares and fclass */
    TEST_H_CMP(feq.h, 0x7c01, 0x3c00, 0, NV)
    TEST_H_CMP(feq.h, 0x7e00, 0x3c00, 0, 0)
    TEST_H_CMP(flt.h, 0x7e00, 0x3c00, 0, NV)
    TEST_H_CMP(fle.h, 0x8000, 0x0000, 1, 0)
    TEST_H_CMP(flt.h, 0xbc00, 0x3c00, 1, 0)
    TEST_H_TOINT(fclass.h, , 0x0001, 0x20, 0)
    TEST_H_TOINT(fclass.h, , 0xfc00, 0x01, 0)
    TEST_H_TOINT(fclass.h, , 0x7c01, 0x100, 0)

    /* to and from integers */
    TEST_H_TOINT(fcvt.w.h, rtz, 0xfc00, 0xffffffff80000000, NV)
    TEST_H_TOINT(fcvt.wu.h, rtz, 0xbc00, 0, NV)
    TEST_H_TOINT(fcvt.l.h, rtz, 0x7bff, 65504, 0)
    TEST_H_TOINT(fcvt.lu.h, rne, 0x3e00, 2, NX)
    TEST_H_TOINT(fcvt.w.h, rdn, 0xbe00, 0xfffffffffffffffe, NX)
    li      a4, 65520
    csrwi   fflags, 0
    fcvt.h.w f4, a4, rne
    CHECK_H_ 0x7c00, OF|NX, __LINE__
    li      a4, -3
    csrwi   fflags, 0
    fcvt.h.l f4, a4, rne
    CHECK_H_ 0xc200, 0, __LINE__
    li      a4, 2049
    csrwi   fflags, 0
    fcvt.h.wu f4, a4, rup
    CHECK_H_ 0x6801, NX, __LINE__

    /* between formats */
    HLOAD   f1, 0x3c00
    csrwi   fflags, 0
    fcvt.s.h f4, f1
    CHECK_F(s, 0x3f800000, 0)
    HLOAD   f1, 0x7c01
    csrwi   fflags, 0
    fcvt.s.h f4, f1
    CHECK_F(s, 0x7fc00000, NV)
    HLOAD   f1, 0x0001
    csrwi   fflags, 0
    fcvt.d.h f4, f1
    CHECK_F(d, 0x3e70000000000000, 0)
    FLOAD   s, f1, 0x3eaaaaab
    csrwi   fflags, 0
    fcvt.h.s f4, f1, rne
    CHECK_H_ 0x3555, NX, __LINE__
    FLOAD   d, f1, 0x3ddb7cdfd9d7bdbb            /* 1e-10 */
    csrwi   fflags, 0
    fcvt.h.d f4, f1, rne
    CHECK_H_ 0x0000, UF|NX, __LINE__

    /* NaN-boxing: a single-boxed value is not a half; fmv.x.h sign-extends */
    li      t0, 0x3c00
    fmv.w.x f1, t0
    csrwi   fflags, 0
    fadd.h  f4, f1, f1
    CHECK_H_ 0x7e00, 0, __LINE__
    HLOAD   f1, 0x8001
    fmv.x.h a6, f1
    CHECK_REG(a6, 0xffffffffffff8001)

    /* flh boxes, fsh stores 16 bits */
    la      a0, hmem
    flh     f1, 0(a0)
    fmv.x.d t0, f1
    CHECK_REG(t0, 0xffffffffffff1234)
    HLOAD   f2, 0xabcd
    fsh     f2, 6(a0)
    ld      t0, 0(a0)
    CHECK_REG(t0, 0xabcd666677771234)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

    END_CHECKS
