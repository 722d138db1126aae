/*
 * Zfa 1.0 (with -cpu max; QEMU 7.2 lacks it and binutils 2.40 too, so the
 * instructions are .insn words from the spec's encoding table and the expected
 * values come from the spec): fli.s/d/h (table entries, the format's smallest
 * normal, +inf and the canonical NaN, 2^16 as +inf in binary16), fminm/fmaxm
 * (NaN-propagating), fround/froundnx (integral values; NX only for
 * froundnx; a zero keeps its sign), fleq/fltq (quiet: NV only for signaling
 * NaNs), fcvtmod.w.d (modular conversion; NV out of int32 range, else NX if
 * inexact). fmvh.x.d and fmvp.d.x are RV32-only.
 */
#include "test_asm.h"
#include "fp_asm.h"

    .option norvc
    .option arch, +zfh

/* OP-FP funct7 values: funct5 << 2 | fmt (0 S, 1 D, 2 H) */
#define FLI(fmt) (0x78 | (fmt))
#define MINMAX(fmt) (0x14 | (fmt))
#define ROUND(fmt) (0x20 | (fmt))
#define CMPQ(fmt) (0x50 | (fmt))

/* fli: rs1 names the table index, rs2 = 1 */
.macro TEST_FLI_ fmt, p, idx, want, line
    .set testnum, testnum + 1
    csrwi   fflags, 0
    .insn r 0x53, 0, FLI(\fmt), f4, x\idx, x1
    .ifc \p, h
    fmv.x.d t0, f4
    CMP_REG_ t0, (0xffffffffffff0000 | (\want)), \line
    csrr    t1, fflags
    CMP_REG_ t1, 0, \line
    .else
    CHECK_FRES \p, \want, 0, \line
    .endif
.endm
#define TEST_FLI(fmt, p, idx, want) TEST_FLI_ fmt, p, idx, want, __LINE__

/* f4 = op(f1 = a, f2 = b) with funct7 f7, funct3 f3 (the rm field) and rs2 field given */
.macro TEST_ZFA2_ p, f7, f3, a, b, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    FLOAD   \p, f2, \b
    csrwi   fflags, 0
    .insn r 0x53, \f3, \f7, f4, f1, f2
    CHECK_FRES \p, \want, \flags, \line
.endm
#define TEST_ZFA2(p, f7, f3, a, b, want, flags) TEST_ZFA2_ p, f7, f3, a, b, want, flags, __LINE__

/* fround (rs2 = 4 -> x4) / froundnx (rs2 = 5 -> x5) of a in rounding mode rm */
.macro TEST_ROUND_ p, f7, rs2, rm, a, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    csrwi   fflags, 0
    .insn r 0x53, \rm, \f7, f4, f1, \rs2
    CHECK_FRES \p, \want, \flags, \line
.endm
#define TEST_ROUND(p, f7, rs2, rm, a, want, flags) \
    TEST_ROUND_ p, f7, rs2, rm, a, want, flags, __LINE__

/* integer results in a6: fleq/fltq and fcvtmod.w.d */
.macro TEST_ZFA_X_ p, f7, f3, a, b, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    FLOAD   \p, f2, \b
    csrwi   fflags, 0
    .insn r 0x53, \f3, \f7, a6, f1, f2
    CHECK_IRES \want, \flags, \line
.endm
#define TEST_ZFA_X(p, f7, f3, a, b, want, flags) TEST_ZFA_X_ p, f7, f3, a, b, want, flags, __LINE__

.macro TEST_CVTMOD_ a, want, flags, line
    .set testnum, testnum + 1
    FLOAD   d, f1, \a
    csrwi   fflags, 0
    .insn r 0x53, 1, 0x61, a6, f1, x8
    CHECK_IRES \want, \flags, \line
.endm
#define TEST_CVTMOD(a, want, flags) TEST_CVTMOD_ a, want, flags, __LINE__

    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)
    li      t0, MSTATUS_FS_INITIAL
    csrs    mstatus, t0
    csrwi   frm, FRM_RNE

    /* ===== fli ===== */
    TEST_FLI(0, s, 16, 0x3f800000)                  /* 1.0 */
    TEST_FLI(1, d, 0, 0xbff0000000000000)           /* -1.0 */
    TEST_FLI(0, s, 1, 0x00800000)                   /* smallest normal */
    TEST_FLI(1, d, 1, 0x0010000000000000)
    TEST_FLI(0, s, 9, 0x3ea00000)                   /* 0.3125 */
    TEST_FLI(1, d, 28, 0x40e0000000000000)          /* 2^15 */
    TEST_FLI(1, d, 30, 0x7ff0000000000000)          /* +inf */
    TEST_FLI(0, s, 31, 0x7fc00000)                  /* canonical NaN */
    TEST_FLI(2, h, 2, 0x0100)                       /* 2^-16: a binary16 subnormal */
    TEST_FLI(2, h, 1, 0x0400)
    TEST_FLI(2, h, 29, 0x7c00)                      /* 2^16 overflows binary16: +inf */
    TEST_FLI(2, h, 22, 0x4200)                      /* 3.0 */

    /* ===== fminm / fmaxm (funct3 2 / 3) ===== */
    TEST_ZFA2(s, MINMAX(0), 2, 0x7fc00000, 0x3f800000, 0x7fc00000, 0)
    TEST_ZFA2(d, MINMAX(1), 2, 0x7ff0000000000001, 0x3ff0000000000000, 0x7ff8000000000000, NV)
    TEST_ZFA2(s, MINMAX(0), 3, 0x80000000, 0x00000000, 0x00000000, 0)
    TEST_ZFA2(s, MINMAX(0), 2, 0x3f800000, 0x40000000, 0x3f800000, 0)
    TEST_ZFA2(d, MINMAX(1), 3, 0x3ff0000000000000, 0x4000000000000000, 0x4000000000000000, 0)

    /* ===== fround (x4) / froundnx (x5) ===== */
    TEST_ROUND(s, ROUND(0), x4, 0, 0x40200000, 0x40000000, 0)           /* 2.5 rne -> 2 */
    TEST_ROUND(s, ROUND(0), x5, 0, 0x40200000, 0x40000000, NX)
    TEST_ROUND(s, ROUND(0), x4, 4, 0x40200000, 0x40400000, 0)           /* rmm -> 3 */
    TEST_ROUND(d, ROUND(1), x4, 3, 0xbfe0000000000000, 0x8000000000000000, 0) /* -0.5 rup */
    TEST_ROUND(d, ROUND(1), x5, 2, 0xbfe0000000000000, 0xbff0000000000000, NX) /* rdn -> -1 */
    TEST_ROUND(d, ROUND(1), x5, 0, 0x7e37e43c8800759c, 0x7e37e43c8800759c, 0) /* 1e300 */
    TEST_ROUND(s, ROUND(0), x4, 0, 0x7f800001, 0x7fc00000, NV)           /* sNaN */
    TEST_ROUND(s, ROUND(0), x5, 1, 0xff800000, 0xff800000, 0)            /* -inf */
    csrwi   frm, FRM_RUP
    TEST_ROUND(s, ROUND(0), x5, 7, 0x3fc00000, 0x40000000, NX)           /* 1.5 dyn=rup */
    csrwi   frm, FRM_RNE

    /* ===== fleq (funct3 4) / fltq (5): quiet ===== */
    TEST_ZFA_X(s, CMPQ(0), 4, 0x7fc00000, 0x3f800000, 0, 0)
    TEST_ZFA_X(d, CMPQ(1), 4, 0x7ff0000000000001, 0x3ff0000000000000, 0, NV)
    TEST_ZFA_X(s, CMPQ(0), 5, 0x3f800000, 0x40000000, 1, 0)
    TEST_ZFA_X(s, CMPQ(0), 5, 0x80000000, 0x00000000, 0, 0)
    TEST_ZFA_X(s, CMPQ(0), 4, 0x80000000, 0x00000000, 1, 0)

    /* ===== fcvtmod.w.d ===== */
    TEST_CVTMOD(0x400d99999999999a, 3, NX)                      /* 3.7 */
    TEST_CVTMOD(0xc00d99999999999a, 0xfffffffffffffffd, NX)     /* -3.7 */
    TEST_CVTMOD(0x41f0000000500000, 5, NV)                      /* 2^32 + 5 */
    TEST_CVTMOD(0x41e0000000000000, 0xffffffff80000000, NV)     /* 2^31 */
    TEST_CVTMOD(0xc1e0000000000000, 0xffffffff80000000, 0)      /* -2^31 */
    TEST_CVTMOD(0x4415af1d78b58c40, 0x63100000, NV)             /* 1e20 */
    TEST_CVTMOD(0x7ff8000000000000, 0, NV)
    TEST_CVTMOD(0xfff0000000000000, 0, NV)
    TEST_CVTMOD(0x8000000000000000, 0, 0)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

    END_CHECKS
