/*
 * Check macros for the F/D tests (include after test_asm.h).
 *
 * Operands are given as bit patterns: p = s loads them with fmv.w.x (which
 * NaN-boxes), p = d with fmv.d.x.  A single-precision result is read back
 * with fmv.x.d, so the check also verifies that the result was NaN-boxed
 * (upper 32 bits all ones).  fflags is cleared before the operation and
 * compared exactly after it.  rm may be empty for instructions without a
 * rounding mode.  Uses f1-f4, t0, t1 (and t5/t6 like every check).
 */
#ifndef GUEST_FP_ASM_H
#define GUEST_FP_ASM_H

#define NX FFLAG_NX
#define UF FFLAG_UF
#define OF FFLAG_OF
#define DZ FFLAG_DZ
#define NV FFLAG_NV

.macro FLOAD p, freg, bits
    li      t0, \bits
    .ifc \p, s
    fmv.w.x \freg, t0
    .else
    fmv.d.x \freg, t0
    .endif
.endm

/* f4 holds the expected result and fflags the expected flags */
.macro CHECK_FRES p, want, flags, line
    fmv.x.d t0, f4
    .ifc \p, s
    CMP_REG_ t0, (0xffffffff00000000 | (\want)), \line
    .else
    CMP_REG_ t0, \want, \line
    .endif
    csrr    t1, fflags
    CMP_REG_ t1, \flags, \line
.endm

/* f4 == want and fflags == flags, as a new check */
.macro CHECK_F_ p, want, flags, line
    .set testnum, testnum + 1
    CHECK_FRES \p, \want, \flags, \line
.endm
#define CHECK_F(p, want, flags) CHECK_F_ p, want, flags, __LINE__

/* integer result in a6, and the flags */
.macro CHECK_IRES want, flags, line
    CMP_REG_ a6, \want, \line
    csrr    t1, fflags
    CMP_REG_ t1, \flags, \line
.endm

.macro TEST_FP1_ p, inst, rm, a, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    csrwi   fflags, 0
    .ifb \rm
    \inst   f4, f1
    .else
    \inst   f4, f1, \rm
    .endif
    CHECK_FRES \p, \want, \flags, \line
.endm
#define TEST_FP1(p, inst, rm, a, want, flags) TEST_FP1_ p, inst, rm, a, want, flags, __LINE__

.macro TEST_FP2_ p, inst, rm, a, b, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    FLOAD   \p, f2, \b
    csrwi   fflags, 0
    .ifb \rm
    \inst   f4, f1, f2
    .else
    \inst   f4, f1, f2, \rm
    .endif
    CHECK_FRES \p, \want, \flags, \line
.endm
#define TEST_FP2(p, inst, rm, a, b, want, flags) TEST_FP2_ p, inst, rm, a, b, want, flags, __LINE__

.macro TEST_FP3_ p, inst, rm, a, b, c, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    FLOAD   \p, f2, \b
    FLOAD   \p, f3, \c
    csrwi   fflags, 0
    \inst   f4, f1, f2, f3, \rm
    CHECK_FRES \p, \want, \flags, \line
.endm
#define TEST_FP3(p, inst, rm, a, b, c, want, flags) TEST_FP3_ p, inst, rm, a, b, c, want, flags, __LINE__

/* Dynamic rounding: frm = mode, instruction uses rm = dyn */
#define TEST_FP1_DYN(p, inst, mode, a, want, flags) \
    csrwi frm, mode; TEST_FP1_ p, inst, dyn, a, want, flags, __LINE__
#define TEST_FP2_DYN(p, inst, mode, a, b, want, flags) \
    csrwi frm, mode; TEST_FP2_ p, inst, dyn, a, b, want, flags, __LINE__
#define TEST_FP3_DYN(p, inst, mode, a, b, c, want, flags) \
    csrwi frm, mode; TEST_FP3_ p, inst, dyn, a, b, c, want, flags, __LINE__

/* FP source(s) -> integer register a6 (compares, fclass, fcvt to int, fmv.x) */
.macro TEST_FP_INT1_ p, inst, rm, a, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    csrwi   fflags, 0
    .ifb \rm
    \inst   a6, f1
    .else
    \inst   a6, f1, \rm
    .endif
    CHECK_IRES \want, \flags, \line
.endm
#define TEST_FP_INT1(p, inst, rm, a, want, flags) TEST_FP_INT1_ p, inst, rm, a, want, flags, __LINE__

.macro TEST_FP_CMP_ p, inst, a, b, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \p, f1, \a
    FLOAD   \p, f2, \b
    csrwi   fflags, 0
    \inst   a6, f1, f2
    CHECK_IRES \want, \flags, \line
.endm
#define TEST_FP_CMP(p, inst, a, b, want, flags) TEST_FP_CMP_ p, inst, a, b, want, flags, __LINE__

/* integer a -> FP result (fcvt from integer, fmv.w.x/fmv.d.x) */
.macro TEST_INT_FP_ p, inst, rm, a, want, flags, line
    .set testnum, testnum + 1
    li      a4, \a
    csrwi   fflags, 0
    .ifb \rm
    \inst   f4, a4
    .else
    \inst   f4, a4, \rm
    .endif
    CHECK_FRES \p, \want, \flags, \line
.endm
#define TEST_INT_FP(p, inst, rm, a, want, flags) TEST_INT_FP_ p, inst, rm, a, want, flags, __LINE__

/* FP -> FP of the other precision: operand loaded as pa, result checked as pr */
.macro TEST_FCVT_FP_ pa, pr, inst, rm, a, want, flags, line
    .set testnum, testnum + 1
    FLOAD   \pa, f1, \a
    csrwi   fflags, 0
    .ifb \rm
    \inst   f4, f1
    .else
    \inst   f4, f1, \rm
    .endif
    CHECK_FRES \pr, \want, \flags, \line
.endm
#define TEST_FCVT_FP(pa, pr, inst, rm, a, want, flags) TEST_FCVT_FP_ pa, pr, inst, rm, a, want, flags, __LINE__

#endif
