/*
 * F and D non-arithmetic instructions (Unprivileged ISA, "F"/"D" chapters):
 *  - FEQ/FLT/FLE: quiet compare (NV only for signaling NaNs) vs signaling
 *    compares (NV for any NaN); -0 == +0
 *  - FMIN/FMAX (2.2 semantics): -0 < +0; one NaN operand -> the other
 *    operand; both NaN -> canonical NaN; NV for signaling NaNs
 *  - FSGNJ/FSGNJN/FSGNJX: bit operations, no flags, NaN payloads kept
 *  - FCLASS: the ten classes
 *  - FMV.X.W sign-extends; FMV.W.X NaN-boxes; FLW NaN-boxes; FSW/FMV.X.W
 *    move the low 32 bits as they are; FLD/FSD move 64 bits unchanged
 *  - NaN boxing ("NaN Boxing of Narrower Values"): a single-precision
 *    operand whose upper 32 bits are not all ones reads as the canonical
 *    NaN, for arithmetic, sign injection, compare, class and conversion
 */
#include "test_asm.h"
#include "fp_asm.h"

    .option norvc

#define S_ONE   0x3f800000
#define S_MONE  0xbf800000
#define S_TWO   0x40000000
#define S_MTWO  0xc0000000
#define S_PZ    0x00000000
#define S_NZ    0x80000000
#define S_INF   0x7f800000
#define S_NINF  0xff800000
#define S_QNAN  0x7fc00000
#define S_QNANP 0x7fc12345
#define S_SNAN  0x7f800001
#define D_ONE   0x3ff0000000000000
#define D_MONE  0xbff0000000000000
#define D_TWO   0x4000000000000000
#define D_PZ    0x0000000000000000
#define D_NZ    0x8000000000000000
#define D_QNAN  0x7ff8000000000000
#define D_SNAN  0x7ff0000000000001

/* Load raw 64 bits into f1 (no NaN-boxing applied) */
.macro FRAW freg, bits
    li      t0, \bits
    fmv.d.x \freg, t0
.endm

    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* ===== compares ===== */
    TEST_FP_CMP(s, feq.s, S_ONE, S_ONE, 1, 0)
    TEST_FP_CMP(s, feq.s, S_ONE, S_TWO, 0, 0)
    TEST_FP_CMP(s, feq.s, S_NZ, S_PZ, 1, 0)
    TEST_FP_CMP(s, feq.s, S_QNAN, S_QNAN, 0, 0)       /* quiet: no NV */
    TEST_FP_CMP(s, feq.s, S_ONE, S_SNAN, 0, NV)
    TEST_FP_CMP(s, flt.s, S_ONE, S_TWO, 1, 0)
    TEST_FP_CMP(s, flt.s, S_TWO, S_ONE, 0, 0)
    TEST_FP_CMP(s, flt.s, S_NZ, S_PZ, 0, 0)
    TEST_FP_CMP(s, flt.s, S_NINF, S_MTWO, 1, 0)
    TEST_FP_CMP(s, flt.s, S_QNAN, S_ONE, 0, NV)       /* signaling: NV for qNaN */
    TEST_FP_CMP(s, fle.s, S_NZ, S_PZ, 1, 0)
    TEST_FP_CMP(s, fle.s, S_TWO, S_ONE, 0, 0)
    TEST_FP_CMP(s, fle.s, S_ONE, S_QNAN, 0, NV)
    TEST_FP_CMP(s, fle.s, S_INF, S_INF, 1, 0)
    TEST_FP_CMP(d, feq.d, D_ONE, D_ONE, 1, 0)
    TEST_FP_CMP(d, feq.d, D_NZ, D_PZ, 1, 0)
    TEST_FP_CMP(d, feq.d, D_QNAN, D_ONE, 0, 0)
    TEST_FP_CMP(d, feq.d, D_SNAN, D_ONE, 0, NV)
    TEST_FP_CMP(d, flt.d, D_MONE, D_ONE, 1, 0)
    TEST_FP_CMP(d, flt.d, D_ONE, D_QNAN, 0, NV)
    TEST_FP_CMP(d, fle.d, D_ONE, D_ONE, 1, 0)
    TEST_FP_CMP(d, fle.d, D_QNAN, D_QNAN, 0, NV)

    /* ===== FMIN / FMAX ===== */
    TEST_FP2(s, fmin.s, , S_ONE, S_TWO, S_ONE, 0)
    TEST_FP2(s, fmax.s, , S_ONE, S_TWO, S_TWO, 0)
    TEST_FP2(s, fmin.s, , S_PZ, S_NZ, S_NZ, 0)         /* -0 is less than +0 */
    TEST_FP2(s, fmin.s, , S_NZ, S_PZ, S_NZ, 0)
    TEST_FP2(s, fmax.s, , S_NZ, S_PZ, S_PZ, 0)
    TEST_FP2(s, fmax.s, , S_PZ, S_NZ, S_PZ, 0)
    TEST_FP2(s, fmin.s, , S_QNAN, S_MTWO, S_MTWO, 0)   /* one NaN: the other operand */
    TEST_FP2(s, fmax.s, , S_MONE, S_QNANP, S_MONE, 0)
    TEST_FP2(s, fmin.s, , S_ONE, S_SNAN, S_ONE, NV)    /* ... NV if signaling */
    TEST_FP2(s, fmax.s, , S_QNANP, S_QNAN, S_QNAN, 0)  /* both NaN: canonical */
    TEST_FP2(s, fmin.s, , S_SNAN, S_QNANP, S_QNAN, NV)
    TEST_FP2(s, fmin.s, , S_NINF, S_ONE, S_NINF, 0)
    TEST_FP2(d, fmin.d, , D_PZ, D_NZ, D_NZ, 0)
    TEST_FP2(d, fmax.d, , D_NZ, D_PZ, D_PZ, 0)
    TEST_FP2(d, fmax.d, , D_QNAN, D_MONE, D_MONE, 0)
    TEST_FP2(d, fmin.d, , D_SNAN, D_ONE, D_ONE, NV)
    TEST_FP2(d, fmax.d, , D_SNAN, D_SNAN, D_QNAN, NV)
    TEST_FP2(d, fmin.d, , D_ONE, D_TWO, D_ONE, 0)

    /* ===== sign injection: rs1's magnitude, sign from rs2 (J), its inverse
     * (JN) or the xor of both signs (JX); NaNs are not canonicalized ===== */
    TEST_FP2(s, fsgnj.s, , S_ONE, S_MTWO, S_MONE, 0)
    TEST_FP2(s, fsgnj.s, , S_MONE, S_TWO, S_ONE, 0)
    TEST_FP2(s, fsgnjn.s, , S_ONE, S_MTWO, S_ONE, 0)
    TEST_FP2(s, fsgnjn.s, , S_ONE, S_TWO, S_MONE, 0)
    TEST_FP2(s, fsgnjx.s, , S_MONE, S_MTWO, S_ONE, 0)
    TEST_FP2(s, fsgnjx.s, , S_MONE, S_TWO, S_MONE, 0)
    TEST_FP2(s, fsgnj.s, , S_SNAN, S_MONE, 0xff800001, 0)
    TEST_FP2(s, fsgnjx.s, , S_QNANP, S_MONE, 0xffc12345, 0)
    TEST_FP2(d, fsgnj.d, , D_ONE, D_MONE, D_MONE, 0)
    TEST_FP2(d, fsgnjn.d, , D_SNAN, D_ONE, 0xfff0000000000001, 0)
    TEST_FP2(d, fsgnjx.d, , D_MONE, D_MONE, D_ONE, 0)
    /* fneg/fabs/fmv pseudo-instructions with rs1 == rs2 */
    FLOAD   s, f1, S_MTWO
    fabs.s  f4, f1
    CHECK_F(s, 0x40000000, 0)
    fneg.s  f4, f4
    CHECK_F(s, 0xc0000000, 0)
    FLOAD   d, f1, D_ONE
    fneg.d  f4, f1
    CHECK_F(d, D_MONE, 0)

    /* ===== FCLASS: one bit per class ===== */
    TEST_FP_INT1(s, fclass.s, , S_NINF, (1<<0), 0)
    TEST_FP_INT1(s, fclass.s, , S_MONE, (1<<1), 0)
    TEST_FP_INT1(s, fclass.s, , 0x807fffff, (1<<2), 0)   /* negative subnormal */
    TEST_FP_INT1(s, fclass.s, , S_NZ, (1<<3), 0)
    TEST_FP_INT1(s, fclass.s, , S_PZ, (1<<4), 0)
    TEST_FP_INT1(s, fclass.s, , 0x00000001, (1<<5), 0)   /* positive subnormal */
    TEST_FP_INT1(s, fclass.s, , 0x7f7fffff, (1<<6), 0)
    TEST_FP_INT1(s, fclass.s, , S_INF, (1<<7), 0)
    TEST_FP_INT1(s, fclass.s, , S_SNAN, (1<<8), 0)
    TEST_FP_INT1(s, fclass.s, , 0xffc00000, (1<<9), 0)   /* negative quiet NaN */
    TEST_FP_INT1(d, fclass.d, , 0xfff0000000000000, (1<<0), 0)
    TEST_FP_INT1(d, fclass.d, , 0xc000000000000000, (1<<1), 0)
    TEST_FP_INT1(d, fclass.d, , 0x800fffffffffffff, (1<<2), 0)
    TEST_FP_INT1(d, fclass.d, , D_NZ, (1<<3), 0)
    TEST_FP_INT1(d, fclass.d, , D_PZ, (1<<4), 0)
    TEST_FP_INT1(d, fclass.d, , 0x0000000000000001, (1<<5), 0)
    TEST_FP_INT1(d, fclass.d, , D_ONE, (1<<6), 0)
    TEST_FP_INT1(d, fclass.d, , 0x7ff0000000000000, (1<<7), 0)
    TEST_FP_INT1(d, fclass.d, , 0x7ff4000000000000, (1<<8), 0)
    TEST_FP_INT1(d, fclass.d, , D_QNAN, (1<<9), 0)

    /* ===== moves ===== */
    /* FMV.X.W: bit 31 copied into rd[63:32] */
    TEST_FP_INT1(s, fmv.x.w, , 0x80000000, 0xffffffff80000000, 0)
    TEST_FP_INT1(s, fmv.x.w, , 0x7fc00000, 0x7fc00000, 0)
    TEST_FP_INT1(d, fmv.x.d, , 0x7ff0000000000001, 0x7ff0000000000001, 0)
    /* FMV.W.X takes rs1[31:0] and NaN-boxes it */
    TEST_INT_FP(s, fmv.w.x, , 0x123456783f800000, 0x3f800000, 0)
    TEST_INT_FP(d, fmv.d.x, , 0x123456783f800000, 0x123456783f800000, 0)
    /* FLW NaN-boxes; FSW stores the low word as is */
    la      a4, fp_buf
    li      t0, 0xaaaaaaaa7f800001
    sd      t0, 0(a4)
    flw     f4, 0(a4)
    CHECK_F(s, 0x7f800001, 0)           /* sNaN loaded unchanged, no NV */
    FRAW    f1, 0x123456789abcdef0          /* not NaN-boxed */
    fsw     f1, 8(a4)
    lwu     a6, 8(a4)
    CHECK_REG(a6, 0x9abcdef0)
    fsd     f1, 16(a4)
    ld      a6, 16(a4)
    CHECK_REG(a6, 0x123456789abcdef0)
    fld     f4, 16(a4)
    CHECK_F(d, 0x123456789abcdef0, 0)

    /* ===== NaN boxing: f1 holds a single whose upper half is not all ones ===== */
    FRAW    f1, 0x000000003f800000          /* "1.0f" without the box */
    FLOAD   s, f2, S_ONE
    csrwi   fflags, 0
    fadd.s  f4, f1, f2
    CHECK_F(s, 0x7fc00000, 0)           /* canonical NaN, quiet: no NV */
    fsgnj.s f4, f1, f2
    CHECK_F(s, 0x7fc00000, 0)            /* the operand reads as +qNaN */
    fsgnjn.s f4, f1, f2
    CHECK_F(s, 0xffc00000, 0)
    fclass.s a6, f1
    CHECK_REG(a6, (1<<9))
    feq.s   a6, f1, f1
    CHECK_REG(a6, 0)
    fcvt.d.s f4, f1
    CHECK_F(d, 0x7ff8000000000000, 0)
    fcvt.w.s a6, f1, rtz                    /* NaN -> 2^31-1, NV */
    CHECK_REG(a6, 0x7fffffff)
    csrr    a6, fflags
    CHECK_REG(a6, NV)
    /* one bit short of a box is still not a box */
    FRAW    f1, 0xfffffffe3f800000
    fmv.s   f4, f1                          /* fsgnj.s: canonical NaN */
    CHECK_F(s, 0x7fc00000, NV)           /* NV left from the fcvt above */
    /* FMV.X.W and FSW ignore the box and move the low word */
    FRAW    f1, 0x00000000bf800000
    fmv.x.w a6, f1
    CHECK_REG(a6, 0xffffffffbf800000)
    la      a4, fp_buf
    fsw     f1, 0(a4)
    lwu     a6, 0(a4)
    CHECK_REG(a6, 0xbf800000)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

    .data
    .align  3
fp_buf:
    .space  32

END_CHECKS
