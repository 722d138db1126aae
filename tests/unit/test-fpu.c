/*
 * Unit tests for the RISC-V F/D arithmetic (target/riscv/fpu.c).
 *
 * Spec: RISC-V Unprivileged ISA, chapters "F" and "D" (version 2.2), IEEE 754-2019.
 * Table rows are {op, a, b, c, rm, expected result, expected fflags}; binary32 values sit
 * in the low 32 bits, integer sources and results are the 64-bit register values. The
 * expectations were cross-checked against qemu-system-riscv64 7.2 running the same
 * instructions. Each row runs twice: with fflags clear, and with NX already accrued (the
 * interpreter passes the accrued flags, which lets the fused ops take their fast path);
 * the result must not change and the flags must only gain bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "target/riscv/fpu.h"

#define RNE FPU_RM_RNE
#define RTZ FPU_RM_RTZ
#define RDN FPU_RM_RDN
#define RUP FPU_RM_RUP
#define RMM FPU_RM_RMM
#define NX FPU_NX
#define UF FPU_UF
#define OF FPU_OF
#define DZ FPU_DZ
#define NV FPU_NV

/* binary32 */
#define S_0 0x00000000
#define S_N0 0x80000000
#define S_1 0x3f800000
#define S_N1 0xbf800000
#define S_HALF 0x3f000000
#define S_2 0x40000000
#define S_3 0x40400000
#define S_INF 0x7f800000
#define S_NINF 0xff800000
#define S_QNAN 0x7fc00000
#define S_SNAN 0x7f800001
#define S_MAX 0x7f7fffff    /* largest finite */
#define S_MIN 0x00800000    /* smallest normal, 2^-126 */
#define S_SUB 0x00000001    /* smallest subnormal, 2^-149 */
#define S_SUBMAX 0x007fffff /* largest subnormal */
#define CNAN_S FPU_CANONICAL_NAN_S

/* binary64 */
#define D_0 0x0000000000000000
#define D_N0 0x8000000000000000
#define D_1 0x3ff0000000000000
#define D_N1 0xbff0000000000000
#define D_HALF 0x3fe0000000000000
#define D_2 0x4000000000000000
#define D_3 0x4008000000000000
#define D_INF 0x7ff0000000000000
#define D_NINF 0xfff0000000000000
#define D_QNAN 0x7ff8000000000000
#define D_SNAN 0x7ff0000000000001
#define D_MAX 0x7fefffffffffffff
#define D_MIN 0x0010000000000000
#define D_SUB 0x0000000000000001
#define D_SUBMAX 0x000fffffffffffff
#define CNAN_D FPU_CANONICAL_NAN_D

typedef enum FpOp {
    ADD_S,
    SUB_S,
    MUL_S,
    DIV_S,
    SQRT_S,
    MADD_S,
    MSUB_S,
    NMSUB_S,
    NMADD_S,
    MIN_S,
    MAX_S,
    SGNJ_S,
    SGNJN_S,
    SGNJX_S,
    EQ_S,
    LT_S,
    LE_S,
    CLASS_S,
    CVT_W_S,
    CVT_WU_S,
    CVT_L_S,
    CVT_LU_S,
    CVT_S_W,
    CVT_S_WU,
    CVT_S_L,
    CVT_S_LU,
    ADD_D,
    SUB_D,
    MUL_D,
    DIV_D,
    SQRT_D,
    MADD_D,
    MSUB_D,
    NMSUB_D,
    NMADD_D,
    MIN_D,
    MAX_D,
    SGNJ_D,
    SGNJN_D,
    SGNJX_D,
    EQ_D,
    LT_D,
    LE_D,
    CLASS_D,
    CVT_W_D,
    CVT_WU_D,
    CVT_L_D,
    CVT_LU_D,
    CVT_D_W,
    CVT_D_WU,
    CVT_D_L,
    CVT_D_LU,
    CVT_S_D,
    CVT_D_S,
} FpOp;

typedef struct FpCase {
    FpOp op;
    uint64_t a, b, c;
    int rm;
    uint64_t want;
    uint32_t flags;
} FpCase;

static uint64_t apply_s(const FpCase *t, uint32_t *fl)
{
    uint32_t a = t->a, b = t->b, c = t->c;
    int rm = t->rm;

    switch (t->op) {
    case ADD_S:
        return fpu_add_s(a, b, rm, fl);
    case SUB_S:
        return fpu_sub_s(a, b, rm, fl);
    case MUL_S:
        return fpu_mul_s(a, b, rm, fl);
    case DIV_S:
        return fpu_div_s(a, b, rm, fl);
    case SQRT_S:
        return fpu_sqrt_s(a, rm, fl);
    case MADD_S:
        return fpu_madd_s(a, b, c, rm, fl);
    case MSUB_S:
        return fpu_msub_s(a, b, c, rm, fl);
    case NMSUB_S:
        return fpu_nmsub_s(a, b, c, rm, fl);
    case NMADD_S:
        return fpu_nmadd_s(a, b, c, rm, fl);
    case MIN_S:
        return fpu_min_s(a, b, fl);
    case MAX_S:
        return fpu_max_s(a, b, fl);
    case SGNJ_S:
        return fpu_sgnj_s(a, b);
    case SGNJN_S:
        return fpu_sgnjn_s(a, b);
    case SGNJX_S:
        return fpu_sgnjx_s(a, b);
    case EQ_S:
        return fpu_eq_s(a, b, fl);
    case LT_S:
        return fpu_lt_s(a, b, fl);
    case LE_S:
        return fpu_le_s(a, b, fl);
    case CLASS_S:
        return fpu_class_s(a);
    case CVT_W_S:
        return fpu_cvt_w_s(a, rm, fl);
    case CVT_WU_S:
        return fpu_cvt_wu_s(a, rm, fl);
    case CVT_L_S:
        return fpu_cvt_l_s(a, rm, fl);
    case CVT_LU_S:
        return fpu_cvt_lu_s(a, rm, fl);
    case CVT_S_W:
        return fpu_cvt_s_w((int32_t)t->a, rm, fl);
    case CVT_S_WU:
        return fpu_cvt_s_wu((uint32_t)t->a, rm, fl);
    case CVT_S_L:
        return fpu_cvt_s_l((int64_t)t->a, rm, fl);
    case CVT_S_LU:
        return fpu_cvt_s_lu(t->a, rm, fl);
    case CVT_S_D:
        return fpu_cvt_s_d(t->a, rm, fl);
    case CVT_D_S:
        return fpu_cvt_d_s(a, rm, fl);
    default:
        fail_msg("op %d is not a binary32 op", t->op);
    }
    return 0;
}

static uint64_t apply_d(const FpCase *t, uint32_t *fl)
{
    uint64_t a = t->a, b = t->b, c = t->c;
    int rm = t->rm;

    switch (t->op) {
    case ADD_D:
        return fpu_add_d(a, b, rm, fl);
    case SUB_D:
        return fpu_sub_d(a, b, rm, fl);
    case MUL_D:
        return fpu_mul_d(a, b, rm, fl);
    case DIV_D:
        return fpu_div_d(a, b, rm, fl);
    case SQRT_D:
        return fpu_sqrt_d(a, rm, fl);
    case MADD_D:
        return fpu_madd_d(a, b, c, rm, fl);
    case MSUB_D:
        return fpu_msub_d(a, b, c, rm, fl);
    case NMSUB_D:
        return fpu_nmsub_d(a, b, c, rm, fl);
    case NMADD_D:
        return fpu_nmadd_d(a, b, c, rm, fl);
    case MIN_D:
        return fpu_min_d(a, b, fl);
    case MAX_D:
        return fpu_max_d(a, b, fl);
    case SGNJ_D:
        return fpu_sgnj_d(a, b);
    case SGNJN_D:
        return fpu_sgnjn_d(a, b);
    case SGNJX_D:
        return fpu_sgnjx_d(a, b);
    case EQ_D:
        return fpu_eq_d(a, b, fl);
    case LT_D:
        return fpu_lt_d(a, b, fl);
    case LE_D:
        return fpu_le_d(a, b, fl);
    case CLASS_D:
        return fpu_class_d(a);
    case CVT_W_D:
        return fpu_cvt_w_d(a, rm, fl);
    case CVT_WU_D:
        return fpu_cvt_wu_d(a, rm, fl);
    case CVT_L_D:
        return fpu_cvt_l_d(a, rm, fl);
    case CVT_LU_D:
        return fpu_cvt_lu_d(a, rm, fl);
    case CVT_D_W:
        return fpu_cvt_d_w((int32_t)a, rm, fl);
    case CVT_D_WU:
        return fpu_cvt_d_wu((uint32_t)a, rm, fl);
    case CVT_D_L:
        return fpu_cvt_d_l((int64_t)a, rm, fl);
    case CVT_D_LU:
        return fpu_cvt_d_lu(a, rm, fl);
    default:
        return apply_s(t, fl);
    }
}

static uint64_t apply(const FpCase *t, uint32_t *fl)
{
    return t->op < ADD_D || t->op >= CVT_S_D ? apply_s(t, fl) : apply_d(t, fl);
}

static void run_table(const FpCase *cases, size_t n)
{
    int failures = 0;

    for (size_t i = 0; i < n; i++) {
        const FpCase *t = &cases[i];
        for (uint32_t pre = 0; pre <= FPU_NX; pre += FPU_NX) {
            uint32_t fl = pre;
            uint64_t got = apply(t, &fl);
            if (got != t->want || fl != (t->flags | pre)) {
                print_error("row %zu (op %d, a=%#llx b=%#llx c=%#llx rm=%d, fflags in %#x): "
                            "got %#llx fflags %#x, want %#llx fflags %#x\n",
                            i, t->op, (unsigned long long)t->a, (unsigned long long)t->b,
                            (unsigned long long)t->c, t->rm, pre, (unsigned long long)got, fl,
                            (unsigned long long)t->want, t->flags | pre);
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

#define RUN(table) run_table(table, sizeof(table) / sizeof(table[0]))

/* ---- Addition and subtraction ---- */

static const FpCase add_cases[] = {
    {ADD_S, S_1, S_1, 0, RNE, S_2, 0},
    /* 1 + 2^-24 is halfway between 1 and its successor */
    {ADD_S, S_1, 0x33800000, 0, RNE, S_1, NX},
    {ADD_S, S_1, 0x33800000, 0, RMM, 0x3f800001, NX},
    {ADD_S, S_1, 0x33800000, 0, RUP, 0x3f800001, NX},
    {ADD_S, S_1, 0x33800000, 0, RDN, S_1, NX},
    {ADD_S, S_1, 0x33800000, 0, RTZ, S_1, NX},
    {ADD_S, 0x3f800001, 0x33800000, 0, RNE, 0x3f800002, NX}, /* tie from odd: up to even */
    {ADD_S, 0x3f800001, 0x33800000, 0, RTZ, 0x3f800001, NX},
    {ADD_S, S_N1, 0xb3800000, 0, RNE, S_N1, NX},
    {ADD_S, S_N1, 0xb3800000, 0, RMM, 0xbf800001, NX},
    {ADD_S, S_N1, 0xb3800000, 0, RDN, 0xbf800001, NX},
    {ADD_S, S_N1, 0xb3800000, 0, RUP, S_N1, NX},
    {ADD_S, S_1, 0x33c00000, 0, RNE, 0x3f800001, NX}, /* above halfway */
    {ADD_S, S_1, 0x33c00000, 0, RTZ, S_1, NX},
    {ADD_S, S_1, S_SUB, 0, RUP, 0x3f800001, NX}, /* far apart: sticky bit only */
    {ADD_S, S_1, S_SUB, 0, RNE, S_1, NX},
    {SUB_S, 0x3f800001, S_1, 0, RNE, 0x34000000, 0}, /* cancellation is exact */
    {SUB_S, S_3, S_1, 0, RNE, S_2, 0},
    /* signed zeros: x + (-x) is +0 except in RDN; -0 + -0 stays -0 */
    {ADD_S, S_0, S_N0, 0, RNE, S_0, 0},
    {ADD_S, S_0, S_N0, 0, RDN, S_N0, 0},
    {ADD_S, S_N0, S_N0, 0, RNE, S_N0, 0},
    {ADD_S, S_N0, S_N0, 0, RUP, S_N0, 0},
    {ADD_S, S_1, S_N1, 0, RNE, S_0, 0},
    {ADD_S, S_1, S_N1, 0, RMM, S_0, 0},
    {ADD_S, S_1, S_N1, 0, RDN, S_N0, 0},
    {SUB_S, S_3, S_3, 0, RDN, S_N0, 0},
    {SUB_S, S_N0, S_0, 0, RNE, S_N0, 0},
    /* infinities and NaNs: every NaN result is canonical */
    {ADD_S, S_INF, S_NINF, 0, RNE, CNAN_S, NV},
    {SUB_S, S_INF, S_INF, 0, RNE, CNAN_S, NV},
    {ADD_S, S_INF, S_MAX, 0, RNE, S_INF, 0},
    {ADD_S, S_NINF, S_NINF, 0, RTZ, S_NINF, 0},
    {ADD_S, S_QNAN, S_1, 0, RNE, CNAN_S, 0},
    {ADD_S, 0x7fc12345, S_1, 0, RNE, CNAN_S, 0}, /* payload dropped */
    {ADD_S, 0xffc00000, S_1, 0, RNE, CNAN_S, 0}, /* sign dropped */
    {ADD_S, S_1, S_SNAN, 0, RNE, CNAN_S, NV},
    {ADD_S, S_QNAN, S_SNAN, 0, RNE, CNAN_S, NV},
    {ADD_S, S_SNAN, S_1, 0, RMM, CNAN_S, NV},
    /* overflow: to infinity or to the largest finite value, as the mode says */
    {ADD_S, S_MAX, S_MAX, 0, RNE, S_INF, OF | NX},
    {ADD_S, S_MAX, S_MAX, 0, RTZ, S_MAX, OF | NX},
    {ADD_S, S_MAX, S_MAX, 0, RDN, S_MAX, OF | NX},
    {ADD_S, S_MAX, S_MAX, 0, RUP, S_INF, OF | NX},
    {ADD_S, S_MAX, S_MAX, 0, RMM, S_INF, OF | NX},
    {ADD_S, 0xff7fffff, 0xff7fffff, 0, RDN, S_NINF, OF | NX},
    {ADD_S, 0xff7fffff, 0xff7fffff, 0, RUP, 0xff7fffff, OF | NX},
    {ADD_S, 0xff7fffff, 0xff7fffff, 0, RTZ, 0xff7fffff, OF | NX},
    /* max + half an ulp: a tie that rounds to 2^128 (overflow) unless the mode keeps max */
    {ADD_S, S_MAX, 0x73000000, 0, RNE, S_INF, OF | NX},
    {ADD_S, S_MAX, 0x73000000, 0, RMM, S_INF, OF | NX},
    {ADD_S, S_MAX, 0x73000000, 0, RTZ, S_MAX, NX},
    {ADD_S, S_MAX, 0x73000000, 0, RDN, S_MAX, NX},
    {ADD_S, S_MAX, 0x72800000, 0, RNE, S_MAX, NX}, /* a quarter ulp */
    {ADD_S, S_MAX, 0x72800000, 0, RUP, S_INF, OF | NX},
    /* subnormal sums are exact, so they never underflow */
    {ADD_S, S_SUB, S_SUB, 0, RNE, 0x00000002, 0},
    {SUB_S, S_MIN, S_SUB, 0, RNE, S_SUBMAX, 0},
    {ADD_S, S_SUBMAX, S_SUB, 0, RNE, S_MIN, 0},
    {SUB_S, S_SUB, S_SUB, 0, RDN, S_N0, 0},
    /* binary64 */
    {ADD_D, D_1, 0x3ca0000000000000, 0, RNE, D_1, NX}, /* 1 + 2^-53: tie */
    {ADD_D, D_1, 0x3ca0000000000000, 0, RMM, 0x3ff0000000000001, NX},
    {ADD_D, D_1, 0x3ca0000000000000, 0, RUP, 0x3ff0000000000001, NX},
    {ADD_D, D_1, 0x3ca0000000000000, 0, RTZ, D_1, NX},
    {ADD_D, D_N1, 0xbca0000000000000, 0, RDN, 0xbff0000000000001, NX},
    {ADD_D, D_1, D_N1, 0, RNE, D_0, 0},
    {ADD_D, D_1, D_N1, 0, RDN, D_N0, 0},
    {SUB_D, D_2, D_1, 0, RNE, D_1, 0},
    {ADD_D, D_INF, D_NINF, 0, RNE, CNAN_D, NV},
    {ADD_D, 0x7ff8000000012345, D_1, 0, RNE, CNAN_D, 0},
    {ADD_D, D_SNAN, D_1, 0, RUP, CNAN_D, NV},
    {ADD_D, D_MAX, D_MAX, 0, RNE, D_INF, OF | NX},
    {ADD_D, D_MAX, D_MAX, 0, RTZ, D_MAX, OF | NX},
    {ADD_D, D_MAX, 0x7c90000000000000, 0, RNE, D_INF, OF | NX}, /* max + half ulp */
    {ADD_D, D_MAX, 0x7c90000000000000, 0, RTZ, D_MAX, NX},
    {ADD_D, D_SUB, D_SUB, 0, RNE, 0x0000000000000002, 0},
    {SUB_D, D_MIN, D_SUB, 0, RNE, D_SUBMAX, 0},
};

static void test_add(void **state)
{
    (void)state;
    RUN(add_cases);
}

/* ---- Multiplication, including tininess after rounding ---- */

static const FpCase mul_cases[] = {
    {MUL_S, S_3, 0x40a00000, 0, RNE, 0x41700000, 0},
    {MUL_S, 0x3f800001, 0x3f800001, 0, RNE, 0x3f800002, NX}, /* 1 + 2^-22 + 2^-46 */
    {MUL_S, 0x3f800001, 0x3f800001, 0, RUP, 0x3f800003, NX},
    {MUL_S, 0x3f800001, 0x3f800001, 0, RTZ, 0x3f800002, NX},
    {MUL_S, 0xbf800001, 0x3f800001, 0, RDN, 0xbf800003, NX},
    {MUL_S, 0xbf800001, 0x3f800001, 0, RUP, 0xbf800002, NX},
    {MUL_S, S_N0, 0x40a00000, 0, RNE, S_N0, 0},
    {MUL_S, S_N0, S_N0, 0, RDN, S_0, 0},
    {MUL_S, S_INF, S_0, 0, RNE, CNAN_S, NV},
    {MUL_S, S_N0, S_NINF, 0, RNE, CNAN_S, NV},
    {MUL_S, S_INF, 0xc0000000, 0, RNE, S_NINF, 0},
    {MUL_S, S_QNAN, S_0, 0, RNE, CNAN_S, 0},
    {MUL_S, S_SNAN, S_0, 0, RNE, CNAN_S, NV},
    {MUL_S, 0x7f000000, S_2, 0, RNE, S_INF, OF | NX},
    {MUL_S, 0x7f000000, S_2, 0, RTZ, S_MAX, OF | NX},
    {MUL_S, 0xff000000, S_2, 0, RUP, 0xff7fffff, OF | NX},
    {MUL_S, 0xff000000, S_2, 0, RDN, S_NINF, OF | NX},
    /* an exact subnormal result is tiny but not inexact: no UF */
    {MUL_S, S_MIN, S_HALF, 0, RNE, 0x00400000, 0},
    /* 2^-150 is halfway between 0 and the smallest subnormal */
    {MUL_S, S_SUB, S_HALF, 0, RNE, S_0, UF | NX},
    {MUL_S, S_SUB, S_HALF, 0, RMM, S_SUB, UF | NX},
    {MUL_S, S_SUB, S_HALF, 0, RUP, S_SUB, UF | NX},
    {MUL_S, 0x80000001, S_HALF, 0, RNE, S_N0, UF | NX},
    {MUL_S, 0x80000001, S_HALF, 0, RDN, 0x80000001, UF | NX},
    {MUL_S, S_MIN, S_MIN, 0, RNE, S_0, UF | NX},
    {MUL_S, S_MIN, S_MIN, 0, RUP, S_SUB, UF | NX},
    /*
     * Tininess after rounding (F chapter: "tininess is detected after rounding"). The
     * exact 2^-126 - 2^-150 is below 2^-126 even rounded to 24 bits, so it is tiny: UF
     * although the result is the smallest normal. The exact 2^-126 - 2^-172 rounds to
     * 2^-126 with an unbounded exponent: not tiny, no UF (tininess before rounding would
     * say UF), except in the modes that round it down.
     */
    {MUL_S, 0x3f7fffff, S_MIN, 0, RNE, S_MIN, UF | NX},
    {MUL_S, 0x3f7fffff, S_MIN, 0, RTZ, S_SUBMAX, UF | NX},
    {MUL_S, 0x3f800001, S_SUBMAX, 0, RNE, S_MIN, NX},
    {MUL_S, 0x3f800001, S_SUBMAX, 0, RUP, S_MIN, NX},
    {MUL_S, 0x3f800001, S_SUBMAX, 0, RMM, S_MIN, NX},
    {MUL_S, 0x3f800001, S_SUBMAX, 0, RTZ, S_SUBMAX, UF | NX},
    {MUL_S, 0x3f800001, S_SUBMAX, 0, RDN, S_SUBMAX, UF | NX},
    /* binary64 */
    {MUL_D, D_3, 0x4014000000000000, 0, RNE, 0x402e000000000000, 0},
    {MUL_D, 0x3ff0000000000001, 0x3ff0000000000001, 0, RNE, 0x3ff0000000000002, NX},
    {MUL_D, 0x3ff0000000000001, 0x3ff0000000000001, 0, RUP, 0x3ff0000000000003, NX},
    {MUL_D, 0x7fe0000000000000, D_2, 0, RNE, D_INF, OF | NX},
    {MUL_D, 0x7fe0000000000000, D_2, 0, RTZ, D_MAX, OF | NX},
    {MUL_D, D_INF, D_N0, 0, RNE, CNAN_D, NV},
    {MUL_D, D_SUB, D_HALF, 0, RNE, D_0, UF | NX},
    {MUL_D, D_SUB, D_HALF, 0, RMM, D_SUB, UF | NX},
    {MUL_D, 0x3fefffffffffffff, D_MIN, 0, RNE, D_MIN, UF | NX},
    {MUL_D, 0x3ff0000000000001, D_SUBMAX, 0, RNE, D_MIN, NX},
    {MUL_D, 0x3ff0000000000001, D_SUBMAX, 0, RTZ, D_SUBMAX, UF | NX},
};

static void test_mul(void **state)
{
    (void)state;
    RUN(mul_cases);
}

/* ---- Division and square root ---- */

static const FpCase div_sqrt_cases[] = {
    {DIV_S, S_1, S_3, 0, RNE, 0x3eaaaaab, NX},
    {DIV_S, S_1, S_3, 0, RTZ, 0x3eaaaaaa, NX},
    {DIV_S, S_1, S_3, 0, RDN, 0x3eaaaaaa, NX},
    {DIV_S, S_1, S_3, 0, RUP, 0x3eaaaaab, NX},
    {DIV_S, S_1, S_3, 0, RMM, 0x3eaaaaab, NX},
    {DIV_S, S_N1, S_3, 0, RDN, 0xbeaaaaab, NX},
    {DIV_S, S_N1, S_3, 0, RUP, 0xbeaaaaaa, NX},
    {DIV_S, 0x40c00000, S_3, 0, RNE, S_2, 0},
    {DIV_S, S_1, S_0, 0, RNE, S_INF, DZ},
    {DIV_S, S_N1, S_0, 0, RNE, S_NINF, DZ},
    {DIV_S, S_1, S_N0, 0, RNE, S_NINF, DZ},
    {DIV_S, S_INF, S_0, 0, RNE, S_INF, 0}, /* DZ is for finite dividends only */
    {DIV_S, S_0, S_0, 0, RNE, CNAN_S, NV},
    {DIV_S, S_INF, S_NINF, 0, RNE, CNAN_S, NV},
    {DIV_S, S_0, 0x40a00000, 0, RNE, S_0, 0},
    {DIV_S, 0xc0a00000, S_INF, 0, RNE, S_N0, 0},
    {DIV_S, S_QNAN, S_0, 0, RNE, CNAN_S, 0},
    {DIV_S, S_SNAN, S_1, 0, RNE, CNAN_S, NV},
    {DIV_S, S_MAX, S_HALF, 0, RNE, S_INF, OF | NX},
    {DIV_S, S_MAX, S_HALF, 0, RTZ, S_MAX, OF | NX},
    {DIV_S, S_MIN, S_3, 0, RNE, 0x002aaaab, UF | NX},
    {DIV_S, S_MIN, S_3, 0, RTZ, 0x002aaaaa, UF | NX},
    {DIV_S, S_MIN, S_2, 0, RNE, 0x00400000, 0},
    {DIV_D, D_1, D_3, 0, RNE, 0x3fd5555555555555, NX},
    {DIV_D, D_1, D_3, 0, RUP, 0x3fd5555555555556, NX},
    {DIV_D, D_1, D_3, 0, RMM, 0x3fd5555555555555, NX},
    {DIV_D, D_N1, D_3, 0, RDN, 0xbfd5555555555556, NX},
    {DIV_D, D_1, D_0, 0, RNE, D_INF, DZ},
    {DIV_D, D_0, D_N0, 0, RNE, CNAN_D, NV},
    {DIV_D, D_MIN, D_3, 0, RNE, 0x0005555555555555, UF | NX},
    {DIV_D, D_MAX, D_HALF, 0, RNE, D_INF, OF | NX},
    {SQRT_S, 0x40800000, 0, 0, RNE, S_2, 0},
    {SQRT_S, S_2, 0, 0, RNE, 0x3fb504f3, NX},
    {SQRT_S, S_2, 0, 0, RUP, 0x3fb504f4, NX},
    {SQRT_S, S_2, 0, 0, RTZ, 0x3fb504f3, NX},
    {SQRT_S, S_2, 0, 0, RMM, 0x3fb504f3, NX},
    {SQRT_S, S_SUB, 0, 0, RNE, 0x1a3504f3, NX},
    {SQRT_S, S_0, 0, 0, RNE, S_0, 0},
    {SQRT_S, S_N0, 0, 0, RNE, S_N0, 0},
    {SQRT_S, S_N1, 0, 0, RNE, CNAN_S, NV},
    {SQRT_S, 0x80000001, 0, 0, RNE, CNAN_S, NV},
    {SQRT_S, S_NINF, 0, 0, RNE, CNAN_S, NV},
    {SQRT_S, S_INF, 0, 0, RNE, S_INF, 0},
    {SQRT_S, 0xffc00000, 0, 0, RNE, CNAN_S, 0}, /* a negative quiet NaN is not invalid */
    {SQRT_S, S_SNAN, 0, 0, RNE, CNAN_S, NV},
    {SQRT_D, D_2, 0, 0, RNE, 0x3ff6a09e667f3bcd, NX},
    {SQRT_D, D_2, 0, 0, RTZ, 0x3ff6a09e667f3bcc, NX},
    {SQRT_D, D_2, 0, 0, RMM, 0x3ff6a09e667f3bcd, NX},
    {SQRT_D, 0x4010000000000000, 0, 0, RNE, D_2, 0},
    {SQRT_D, D_SUB, 0, 0, RNE, 0x1e60000000000000, 0}, /* 2^-537, exact */
    {SQRT_D, D_N0, 0, 0, RNE, D_N0, 0},
    {SQRT_D, D_N1, 0, 0, RNE, CNAN_D, NV},
};

static void test_div_sqrt(void **state)
{
    (void)state;
    RUN(div_sqrt_cases);
}

/* ---- Fused multiply-add ---- */

static const FpCase fma_cases[] = {
    /* (1 + 2^-12)^2 - (1 + 2^-11) = 2^-24 exactly; rounding the product first loses it */
    {MADD_S, 0x3f800800, 0x3f800800, 0xbf801000, RNE, 0x33800000, 0},
    {MSUB_S, 0x3f800800, 0x3f800800, 0x3f801000, RNE, 0x33800000, 0},
    {NMSUB_S, 0x3f800800, 0x3f800800, 0x3f801000, RNE, 0xb3800000, 0},
    {NMADD_S, 0x3f800800, 0x3f800800, 0xbf801000, RNE, 0xb3800000, 0},
    {MADD_D, 0x3ff0000002000000, 0x3ff0000002000000, 0xbff0000004000000, RNE, 0x3c90000000000000,
     0},
    {MADD_S, S_MAX, S_2, 0xff7fffff, RNE, S_MAX, 0}, /* no intermediate overflow */
    {MADD_S, S_1, S_1, S_SUB, RNE, S_1, NX},
    {MADD_S, S_1, S_1, S_SUB, RUP, 0x3f800001, NX},
    {MADD_S, S_N1, S_1, 0x80000001, RDN, 0xbf800001, NX},
    {NMADD_S, S_1, S_1, S_SUB, RDN, 0xbf800001, NX}, /* rounds -(1 + tiny), not -(round) */
    {NMADD_S, S_1, S_1, S_SUB, RUP, S_N1, NX},
    /* inf * 0 is invalid even when the addend is a quiet NaN */
    {MADD_S, S_INF, S_0, S_QNAN, RNE, CNAN_S, NV},
    {MADD_S, S_0, S_NINF, S_QNAN, RNE, CNAN_S, NV},
    {MADD_S, S_INF, S_0, S_1, RNE, CNAN_S, NV},
    {MADD_S, S_QNAN, S_0, S_1, RNE, CNAN_S, 0},
    {MADD_S, S_QNAN, S_1, S_1, RNE, CNAN_S, 0},
    {MADD_S, S_1, S_1, S_SNAN, RNE, CNAN_S, NV},
    {MADD_S, S_INF, S_1, S_NINF, RNE, CNAN_S, NV},
    {MADD_S, S_INF, S_1, S_INF, RNE, S_INF, 0},
    {MADD_S, S_1, S_1, S_NINF, RNE, S_NINF, 0},
    {MADD_D, D_INF, D_0, D_QNAN, RNE, CNAN_D, NV},
    {MADD_D, D_SNAN, D_1, D_1, RNE, CNAN_D, NV},
    /* exact zeros take the IEEE sum-of-zeros sign; the negated forms negate operands */
    {MADD_S, S_1, S_1, S_N1, RNE, S_0, 0},
    {MADD_S, S_1, S_1, S_N1, RDN, S_N0, 0},
    {NMADD_S, S_1, S_1, S_N1, RNE, S_0, 0},
    {NMADD_S, S_1, S_1, S_N1, RDN, S_N0, 0},
    {MADD_S, S_0, S_1, S_N0, RNE, S_0, 0},
    {MADD_S, S_0, S_1, S_N0, RDN, S_N0, 0},
    {MADD_S, S_N0, S_1, S_N0, RNE, S_N0, 0},
    {NMSUB_S, S_0, S_1, S_0, RNE, S_0, 0},
    {NMADD_S, S_0, S_1, S_0, RNE, S_N0, 0},
    {MSUB_D, D_1, D_1, D_1, RNE, D_0, 0},
    {MSUB_D, D_1, D_1, D_1, RDN, D_N0, 0},
    /* overflow and underflow */
    {MADD_S, S_MAX, S_2, S_0, RNE, S_INF, OF | NX},
    {MADD_S, S_MAX, S_2, S_0, RTZ, S_MAX, OF | NX},
    {MADD_S, S_MIN, S_HALF, S_0, RNE, 0x00400000, 0},
    {MADD_S, S_SUB, S_HALF, S_0, RNE, S_0, UF | NX},
    {MADD_S, S_SUB, S_HALF, S_SUB, RNE, 0x00000002, UF | NX}, /* 1.5 quanta: tie to even */
    {MADD_S, S_SUB, S_HALF, S_SUB, RTZ, S_SUB, UF | NX},
    {MADD_D, D_MAX, D_2, D_0, RMM, D_INF, OF | NX},
    {MADD_D, D_SUB, D_HALF, D_0, RUP, D_SUB, UF | NX},
};

static void test_fma(void **state)
{
    (void)state;
    RUN(fma_cases);
}

/* The host FMA probe (fpu-host.c) agrees with GCC's: the fast paths and the JIT's vfmadd
 * depend on it, and a probe that said yes without FMA3 would crash the emulator (#UD). */
static void test_host_fma_probe(void **state)
{
    (void)state;
#if defined(__x86_64__)
    assert_int_equal(fpu_host_has_fma(), !!__builtin_cpu_supports("fma"));
    assert_int_equal(fpu_host_fma, !!__builtin_cpu_supports("fma")); /* cached */
#endif
}

/* ---- min/max, sign injection, comparisons, classification ---- */

static const FpCase minmax_cases[] = {
    {MIN_S, S_1, S_2, 0, RNE, S_1, 0},
    {MAX_S, S_1, S_2, 0, RNE, S_2, 0},
    {MIN_S, S_N1, 0xc0000000, 0, RNE, 0xc0000000, 0},
    /* -0.0 < +0.0 here, whatever the operand order */
    {MIN_S, S_N0, S_0, 0, RNE, S_N0, 0},
    {MIN_S, S_0, S_N0, 0, RNE, S_N0, 0},
    {MAX_S, S_N0, S_0, 0, RNE, S_0, 0},
    {MAX_S, S_0, S_N0, 0, RNE, S_0, 0},
    /* one NaN: the other operand; NV only for a signaling NaN, even then */
    {MIN_S, S_QNAN, S_1, 0, RNE, S_1, 0},
    {MIN_S, S_1, S_QNAN, 0, RNE, S_1, 0},
    {MAX_S, 0x7fc12345, S_N1, 0, RNE, S_N1, 0},
    {MIN_S, S_SNAN, S_1, 0, RNE, S_1, NV},
    {MAX_S, S_1, S_SNAN, 0, RNE, S_1, NV},
    {MAX_S, S_INF, S_QNAN, 0, RNE, S_INF, 0},
    {MIN_S, S_NINF, S_1, 0, RNE, S_NINF, 0},
    /* two NaNs: canonical NaN */
    {MIN_S, S_QNAN, S_QNAN, 0, RNE, CNAN_S, 0},
    {MAX_S, 0xffc00001, 0x7fc12345, 0, RNE, CNAN_S, 0},
    {MIN_S, S_SNAN, S_QNAN, 0, RNE, CNAN_S, NV},
    {MIN_D, D_N0, D_0, 0, RNE, D_N0, 0},
    {MAX_D, D_N0, D_0, 0, RNE, D_0, 0},
    {MAX_D, D_QNAN, D_N1, 0, RNE, D_N1, 0},
    {MIN_D, D_SNAN, D_1, 0, RNE, D_1, NV},
    {MAX_D, D_SNAN, D_QNAN, 0, RNE, CNAN_D, NV},
    {MIN_D, D_MAX, D_INF, 0, RNE, D_MAX, 0},
    /* sign injection passes NaNs through untouched and raises nothing */
    {SGNJ_S, S_1, S_N1, 0, RNE, S_N1, 0},
    {SGNJ_S, S_N1, S_1, 0, RNE, S_1, 0},
    {SGNJN_S, S_1, S_N1, 0, RNE, S_1, 0},
    {SGNJN_S, S_1, S_1, 0, RNE, S_N1, 0},
    {SGNJX_S, S_N1, S_N1, 0, RNE, S_1, 0},
    {SGNJX_S, S_N1, S_1, 0, RNE, S_N1, 0},
    {SGNJ_S, S_QNAN, S_N1, 0, RNE, 0xffc00000, 0},
    {SGNJN_S, S_SNAN, S_SNAN, 0, RNE, 0xff800001, 0},
    {SGNJ_D, D_1, D_N0, 0, RNE, D_N1, 0},
    {SGNJN_D, D_N1, D_N1, 0, RNE, D_1, 0},
    {SGNJX_D, D_N1, D_N0, 0, RNE, D_1, 0},
    {SGNJX_D, D_SNAN, D_N1, 0, RNE, 0xfff0000000000001, 0},
};

static const FpCase compare_cases[] = {
    {EQ_S, S_1, S_1, 0, RNE, 1, 0},
    {EQ_S, S_N0, S_0, 0, RNE, 1, 0},
    {LT_S, S_N0, S_0, 0, RNE, 0, 0},
    {LE_S, S_N0, S_0, 0, RNE, 1, 0},
    {LE_S, S_0, S_N0, 0, RNE, 1, 0},
    {LT_S, S_1, S_2, 0, RNE, 1, 0},
    {LT_S, S_2, S_1, 0, RNE, 0, 0},
    {LE_S, S_2, S_2, 0, RNE, 1, 0},
    {LT_S, 0xc0000000, S_N1, 0, RNE, 1, 0},
    {LT_S, S_N1, 0xc0000000, 0, RNE, 0, 0},
    {LT_S, S_NINF, S_INF, 0, RNE, 1, 0},
    {EQ_S, S_INF, S_INF, 0, RNE, 1, 0},
    {LT_S, S_SUB, S_MIN, 0, RNE, 1, 0},
    /* feq is quiet: NV only for signaling NaNs; flt/fle signal on any NaN */
    {EQ_S, S_QNAN, S_1, 0, RNE, 0, 0},
    {EQ_S, S_QNAN, S_QNAN, 0, RNE, 0, 0},
    {EQ_S, S_SNAN, S_1, 0, RNE, 0, NV},
    {EQ_S, S_1, S_SNAN, 0, RNE, 0, NV},
    {LT_S, S_QNAN, S_1, 0, RNE, 0, NV},
    {LE_S, S_1, S_QNAN, 0, RNE, 0, NV},
    {LT_S, S_SNAN, S_1, 0, RNE, 0, NV},
    {EQ_D, D_N0, D_0, 0, RNE, 1, 0},
    {LT_D, D_N1, D_1, 0, RNE, 1, 0},
    {LE_D, D_1, D_N1, 0, RNE, 0, 0},
    {LT_D, 0xbff0000000000001, D_N1, 0, RNE, 1, 0},
    {EQ_D, D_QNAN, D_QNAN, 0, RNE, 0, 0},
    {EQ_D, D_SNAN, D_1, 0, RNE, 0, NV},
    {LE_D, D_QNAN, D_1, 0, RNE, 0, NV},
};

static const FpCase class_cases[] = {
    {CLASS_S, S_NINF, 0, 0, RNE, FPU_CLASS_NEG_INF, 0},
    {CLASS_S, S_N1, 0, 0, RNE, FPU_CLASS_NEG_NORMAL, 0},
    {CLASS_S, 0x80000001, 0, 0, RNE, FPU_CLASS_NEG_SUBNORMAL, 0},
    {CLASS_S, S_N0, 0, 0, RNE, FPU_CLASS_NEG_ZERO, 0},
    {CLASS_S, S_0, 0, 0, RNE, FPU_CLASS_POS_ZERO, 0},
    {CLASS_S, S_SUBMAX, 0, 0, RNE, FPU_CLASS_POS_SUBNORMAL, 0},
    {CLASS_S, S_MIN, 0, 0, RNE, FPU_CLASS_POS_NORMAL, 0},
    {CLASS_S, S_MAX, 0, 0, RNE, FPU_CLASS_POS_NORMAL, 0},
    {CLASS_S, S_INF, 0, 0, RNE, FPU_CLASS_POS_INF, 0},
    {CLASS_S, S_SNAN, 0, 0, RNE, FPU_CLASS_SNAN, 0},
    {CLASS_S, 0xff800001, 0, 0, RNE, FPU_CLASS_SNAN, 0},
    {CLASS_S, S_QNAN, 0, 0, RNE, FPU_CLASS_QNAN, 0},
    {CLASS_S, 0xffc00000, 0, 0, RNE, FPU_CLASS_QNAN, 0},
    {CLASS_D, D_NINF, 0, 0, RNE, FPU_CLASS_NEG_INF, 0},
    {CLASS_D, D_N1, 0, 0, RNE, FPU_CLASS_NEG_NORMAL, 0},
    {CLASS_D, 0x8000000000000001, 0, 0, RNE, FPU_CLASS_NEG_SUBNORMAL, 0},
    {CLASS_D, D_N0, 0, 0, RNE, FPU_CLASS_NEG_ZERO, 0},
    {CLASS_D, D_0, 0, 0, RNE, FPU_CLASS_POS_ZERO, 0},
    {CLASS_D, D_SUBMAX, 0, 0, RNE, FPU_CLASS_POS_SUBNORMAL, 0},
    {CLASS_D, D_MIN, 0, 0, RNE, FPU_CLASS_POS_NORMAL, 0},
    {CLASS_D, D_INF, 0, 0, RNE, FPU_CLASS_POS_INF, 0},
    {CLASS_D, D_SNAN, 0, 0, RNE, FPU_CLASS_SNAN, 0},
    {CLASS_D, D_QNAN, 0, 0, RNE, FPU_CLASS_QNAN, 0},
};

static void test_minmax_sgnj(void **state)
{
    (void)state;
    RUN(minmax_cases);
}

static void test_compare(void **state)
{
    (void)state;
    RUN(compare_cases);
}

static void test_class(void **state)
{
    (void)state;
    RUN(class_cases);
}

/* ---- Conversions to integers: rounding, saturation, sign extension ---- */

static const FpCase to_int_cases[] = {
    {CVT_W_S, 0x4f000000, 0, 0, RTZ, 0x7fffffff, NV},        /* 2^31 */
    {CVT_W_S, 0xcf000000, 0, 0, RTZ, 0xffffffff80000000, 0}, /* -2^31 fits */
    {CVT_W_S, 0xcf000001, 0, 0, RTZ, 0xffffffff80000000, NV},
    {CVT_W_S, 0x4effffff, 0, 0, RNE, 0x7fffff80, 0},
    {CVT_W_S, S_QNAN, 0, 0, RTZ, 0x7fffffff, NV},
    {CVT_W_S, 0xffc00000, 0, 0, RTZ, 0x7fffffff, NV}, /* NaN saturates high, whatever its sign */
    {CVT_W_S, S_INF, 0, 0, RNE, 0x7fffffff, NV},
    {CVT_W_S, S_NINF, 0, 0, RNE, 0xffffffff80000000, NV},
    {CVT_W_S, S_N0, 0, 0, RDN, 0, 0},
    /* -0.5 in each mode */
    {CVT_W_S, 0xbf000000, 0, 0, RNE, 0, NX},
    {CVT_W_S, 0xbf000000, 0, 0, RTZ, 0, NX},
    {CVT_W_S, 0xbf000000, 0, 0, RDN, 0xffffffffffffffff, NX},
    {CVT_W_S, 0xbf000000, 0, 0, RUP, 0, NX},
    {CVT_W_S, 0xbf000000, 0, 0, RMM, 0xffffffffffffffff, NX},
    /* 0.5, 1.5, 2.5: ties to even, or away from zero */
    {CVT_W_S, S_HALF, 0, 0, RNE, 0, NX},
    {CVT_W_S, 0x3fc00000, 0, 0, RNE, 2, NX},
    {CVT_W_S, 0x40200000, 0, 0, RNE, 2, NX},
    {CVT_W_S, S_HALF, 0, 0, RMM, 1, NX},
    {CVT_W_S, 0x3fc00000, 0, 0, RMM, 2, NX},
    {CVT_W_S, 0x40200000, 0, 0, RMM, 3, NX},
    {CVT_W_S, 0xc0200000, 0, 0, RMM, 0xfffffffffffffffd, NX},
    {CVT_W_S, S_SUB, 0, 0, RUP, 1, NX},
    {CVT_W_S, 0x80000001, 0, 0, RDN, 0xffffffffffffffff, NX},
    /* unsigned: validity is decided after rounding */
    {CVT_WU_S, 0xbf000000, 0, 0, RTZ, 0, NX},
    {CVT_WU_S, 0xbf000000, 0, 0, RNE, 0, NX},
    {CVT_WU_S, 0xbf000000, 0, 0, RDN, 0, NV},
    {CVT_WU_S, 0xbf000000, 0, 0, RMM, 0, NV},
    {CVT_WU_S, S_N1, 0, 0, RTZ, 0, NV},
    {CVT_WU_S, S_NINF, 0, 0, RTZ, 0, NV},
    {CVT_WU_S, 0x4f000000, 0, 0, RTZ, 0xffffffff80000000, 0}, /* 2^31, sign-extended */
    {CVT_WU_S, 0x4f7fffff, 0, 0, RNE, 0xffffffffffffff00, 0},
    {CVT_WU_S, 0x4f800000, 0, 0, RTZ, 0xffffffffffffffff, NV}, /* 2^32 */
    {CVT_WU_S, S_QNAN, 0, 0, RTZ, 0xffffffffffffffff, NV},
    {CVT_L_S, 0x5f000000, 0, 0, RTZ, 0x7fffffffffffffff, NV}, /* 2^63 */
    {CVT_L_S, 0xdf000000, 0, 0, RTZ, 0x8000000000000000, 0},
    {CVT_L_S, S_QNAN, 0, 0, RTZ, 0x7fffffffffffffff, NV},
    {CVT_L_S, S_NINF, 0, 0, RTZ, 0x8000000000000000, NV},
    {CVT_L_S, 0xc0200000, 0, 0, RNE, 0xfffffffffffffffe, NX},
    {CVT_LU_S, 0x5f800000, 0, 0, RTZ, 0xffffffffffffffff, NV}, /* 2^64 */
    {CVT_LU_S, 0x5f000000, 0, 0, RTZ, 0x8000000000000000, 0},
    {CVT_LU_S, S_N1, 0, 0, RTZ, 0, NV},
    {CVT_LU_S, 0xbe800000, 0, 0, RNE, 0, NX},
    /* binary64: -2^31-1, -2^31-0.5, 2^31-0.5, 2^32-0.5 */
    {CVT_W_D, 0xc1e0000000200000, 0, 0, RTZ, 0xffffffff80000000, NV},
    {CVT_W_D, 0xc1e0000000100000, 0, 0, RTZ, 0xffffffff80000000, NX},
    {CVT_W_D, 0xc1e0000000100000, 0, 0, RNE, 0xffffffff80000000, NX},
    {CVT_W_D, 0xc1e0000000100000, 0, 0, RDN, 0xffffffff80000000, NV},
    {CVT_W_D, 0xc1e0000000100000, 0, 0, RMM, 0xffffffff80000000, NV},
    {CVT_W_D, 0x41dfffffffe00000, 0, 0, RTZ, 0x7fffffff, NX},
    {CVT_W_D, 0x41dfffffffe00000, 0, 0, RNE, 0x7fffffff, NV},
    {CVT_W_D, 0x41e0000000000000, 0, 0, RTZ, 0x7fffffff, NV},
    {CVT_W_D, D_QNAN, 0, 0, RTZ, 0x7fffffff, NV},
    {CVT_W_D, 0x4004000000000000, 0, 0, RNE, 2, NX},
    {CVT_W_D, 0x4004000000000000, 0, 0, RMM, 3, NX},
    {CVT_W_D, 0xbfe0000000000000, 0, 0, RDN, 0xffffffffffffffff, NX},
    {CVT_W_D, 0xbfe0000000000000, 0, 0, RUP, 0, NX},
    {CVT_WU_D, 0x41effffffff00000, 0, 0, RTZ, 0xffffffffffffffff, NX},
    {CVT_WU_D, 0x41effffffff00000, 0, 0, RNE, 0xffffffffffffffff, NV},
    {CVT_WU_D, 0x81a56e1fc2f8f359, 0, 0, RTZ, 0, NX}, /* -1e-300 */
    {CVT_WU_D, 0x81a56e1fc2f8f359, 0, 0, RDN, 0, NV},
    {CVT_L_D, 0xc3e0000000000000, 0, 0, RTZ, 0x8000000000000000, 0}, /* -2^63 */
    {CVT_L_D, 0xc3e0000000000001, 0, 0, RTZ, 0x8000000000000000, NV},
    {CVT_L_D, 0x43e0000000000000, 0, 0, RTZ, 0x7fffffffffffffff, NV},
    {CVT_L_D, 0x43dfffffffffffff, 0, 0, RNE, 0x7ffffffffffffc00, 0},
    {CVT_L_D, 0x7e37e43c8800759c, 0, 0, RNE, 0x7fffffffffffffff, NV}, /* 1e300 */
    {CVT_L_D, D_SUB, 0, 0, RUP, 1, NX},
    {CVT_L_D, D_SUB, 0, 0, RNE, 0, NX},
    {CVT_LU_D, 0x43f0000000000000, 0, 0, RTZ, 0xffffffffffffffff, NV}, /* 2^64 */
    {CVT_LU_D, 0x43efffffffffffff, 0, 0, RTZ, 0xfffffffffffff800, 0},
    {CVT_LU_D, D_N0, 0, 0, RTZ, 0, 0},
    {CVT_LU_D, D_NINF, 0, 0, RTZ, 0, NV},
    {CVT_LU_D, D_QNAN, 0, 0, RTZ, 0xffffffffffffffff, NV},
};

static void test_cvt_to_int(void **state)
{
    (void)state;
    RUN(to_int_cases);
}

/* ---- Conversions from integers and between formats ---- */

static const FpCase from_int_cases[] = {
    {CVT_S_W, 16777217, 0, 0, RNE, 0x4b800000, NX}, /* 2^24 + 1 */
    {CVT_S_W, 16777217, 0, 0, RTZ, 0x4b800000, NX},
    {CVT_S_W, 16777217, 0, 0, RUP, 0x4b800001, NX},
    {CVT_S_W, 16777217, 0, 0, RMM, 0x4b800001, NX},
    {CVT_S_W, 16777219, 0, 0, RNE, 0x4b800002, NX},
    {CVT_S_W, 0xfffffffffeffffff, 0, 0, RNE, 0xcb800000, NX},
    {CVT_S_W, 0xfffffffffeffffff, 0, 0, RDN, 0xcb800001, NX},
    {CVT_S_W, 0xffffffff80000000, 0, 0, RNE, 0xcf000000, 0},
    {CVT_S_W, 0xffffffffffffffff, 0, 0, RNE, S_N1, 0},
    {CVT_S_W, 0, 0, 0, RDN, S_0, 0}, /* +0 in every mode */
    {CVT_S_WU, 0xffffffff, 0, 0, RNE, 0x4f800000, NX},
    {CVT_S_WU, 0xffffffff, 0, 0, RTZ, 0x4f7fffff, NX},
    {CVT_S_L, 0x8000000000000000, 0, 0, RNE, 0xdf000000, 0},
    {CVT_S_L, 0x7fffffffffffffff, 0, 0, RNE, 0x5f000000, NX},
    {CVT_S_L, 0x7fffffffffffffff, 0, 0, RTZ, 0x5effffff, NX},
    {CVT_S_LU, 0xffffffffffffffff, 0, 0, RNE, 0x5f800000, NX},
    {CVT_S_LU, 0xffffffffffffffff, 0, 0, RTZ, 0x5f7fffff, NX},
    {CVT_D_W, 0xffffffff80000000, 0, 0, RNE, 0xc1e0000000000000, 0},
    {CVT_D_W, 0xffffffffffffffff, 0, 0, RNE, D_N1, 0},
    {CVT_D_WU, 0x80000000, 0, 0, RNE, 0x41e0000000000000, 0},
    {CVT_D_WU, 0xffffffff, 0, 0, RNE, 0x41efffffffe00000, 0},
    {CVT_D_L, 0x0020000000000001, 0, 0, RNE, 0x4340000000000000, NX}, /* 2^53 + 1 */
    {CVT_D_L, 0x0020000000000001, 0, 0, RUP, 0x4340000000000001, NX},
    {CVT_D_L, 0x0020000000000001, 0, 0, RMM, 0x4340000000000001, NX},
    {CVT_D_L, 0xffdfffffffffffff, 0, 0, RDN, 0xc340000000000001, NX},
    {CVT_D_L, 0x8000000000000000, 0, 0, RNE, 0xc3e0000000000000, 0},
    {CVT_D_LU, 0xffffffffffffffff, 0, 0, RNE, 0x43f0000000000000, NX},
    {CVT_D_LU, 0xffffffffffffffff, 0, 0, RTZ, 0x43efffffffffffff, NX},
    {CVT_D_LU, 0, 0, 0, RNE, D_0, 0},
};

static const FpCase convert_cases[] = {
    {CVT_S_D, D_1, 0, 0, RNE, S_1, 0},
    {CVT_S_D, 0x3ff0000010000000, 0, 0, RNE, S_1, NX}, /* 1 + 2^-24: tie */
    {CVT_S_D, 0x3ff0000010000000, 0, 0, RMM, 0x3f800001, NX},
    {CVT_S_D, 0x3ff0000010000000, 0, 0, RUP, 0x3f800001, NX},
    {CVT_S_D, 0xbff0000010000000, 0, 0, RDN, 0xbf800001, NX},
    {CVT_S_D, D_QNAN, 0, 0, RNE, CNAN_S, 0},
    {CVT_S_D, 0xfff8000000000001, 0, 0, RNE, CNAN_S, 0},
    {CVT_S_D, D_SNAN, 0, 0, RNE, CNAN_S, NV},
    {CVT_S_D, D_NINF, 0, 0, RNE, S_NINF, 0},
    {CVT_S_D, D_N0, 0, 0, RNE, S_N0, 0},
    {CVT_S_D, 0x7e37e43c8800759c, 0, 0, RNE, S_INF, OF | NX}, /* 1e300 */
    {CVT_S_D, 0x7e37e43c8800759c, 0, 0, RTZ, S_MAX, OF | NX},
    /* max + 2^100 (under half an ulp): stays max unless rounding up overflows */
    {CVT_S_D, 0x47efffffe2000000, 0, 0, RNE, S_MAX, NX},
    {CVT_S_D, 0x47efffffe2000000, 0, 0, RTZ, S_MAX, NX},
    {CVT_S_D, 0x47efffffe2000000, 0, 0, RUP, S_INF, OF | NX},
    {CVT_S_D, 0xc7efffffe2000000, 0, 0, RDN, S_NINF, OF | NX},
    /* 2^-126 - 2^-151 rounds to 2^-126 at 24 bits: not tiny after rounding, no UF */
    {CVT_S_D, 0x380ffffff0000000, 0, 0, RNE, S_MIN, NX},
    {CVT_S_D, 0x380ffffff0000000, 0, 0, RMM, S_MIN, NX},
    {CVT_S_D, 0x380ffffff0000000, 0, 0, RUP, S_MIN, NX},
    {CVT_S_D, 0x380ffffff0000000, 0, 0, RTZ, S_SUBMAX, UF | NX},
    {CVT_S_D, 0x380ffffff0000000, 0, 0, RDN, S_SUBMAX, UF | NX},
    /* 2^-126 - 2^-150 is exact at 24 bits, hence tiny, though it rounds to 2^-126 */
    {CVT_S_D, 0x380fffffe0000000, 0, 0, RNE, S_MIN, UF | NX},
    {CVT_S_D, 0x380fffffe0000000, 0, 0, RUP, S_MIN, UF | NX},
    {CVT_S_D, 0x36a0000000000000, 0, 0, RNE, S_SUB, 0}, /* 2^-149: exact subnormal */
    {CVT_S_D, D_MIN, 0, 0, RNE, S_0, UF | NX},
    {CVT_S_D, D_MIN, 0, 0, RUP, S_SUB, UF | NX},
    {CVT_D_S, S_1, 0, 0, RNE, D_1, 0},
    {CVT_D_S, S_SUB, 0, 0, RNE, 0x36a0000000000000, 0},
    {CVT_D_S, 0x80000001, 0, 0, RNE, 0xb6a0000000000000, 0},
    {CVT_D_S, S_MAX, 0, 0, RNE, 0x47efffffe0000000, 0},
    {CVT_D_S, S_NINF, 0, 0, RNE, D_NINF, 0},
    {CVT_D_S, S_N0, 0, 0, RNE, D_N0, 0},
    {CVT_D_S, 0x7fc12345, 0, 0, RNE, CNAN_D, 0},
    {CVT_D_S, S_SNAN, 0, 0, RNE, CNAN_D, NV},
};

static void test_cvt_from_int(void **state)
{
    (void)state;
    RUN(from_int_cases);
}

static void test_cvt_formats(void **state)
{
    (void)state;
    RUN(convert_cases);
}

/* ---- NaN boxing ---- */

static void test_nan_boxing(void **state)
{
    uint32_t fl = 0;
    (void)state;

    assert_int_equal(fpu_box_s(S_1), 0xffffffff3f800000);
    assert_int_equal(fpu_unbox_s(0xffffffff3f800000), S_1);
    assert_int_equal(fpu_unbox_s(0xffffffff7f800001), S_SNAN);
    /* anything not boxed reads as the canonical NaN, including a double's bits */
    assert_int_equal(fpu_unbox_s(0x000000003f800000), CNAN_S);
    assert_int_equal(fpu_unbox_s(0xfffffffe3f800000), CNAN_S);
    assert_int_equal(fpu_unbox_s(D_1), CNAN_S);
    /* ... which is quiet: no NV when it reaches an arithmetic operation */
    assert_int_equal(fpu_add_s(fpu_unbox_s(S_1), S_1, RNE, &fl), CNAN_S);
    assert_int_equal(fl, 0);
}

/* ---- RMM (software) against the directed modes (host), on random operands ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Operands biased to where rounding is delicate: near 1, near each other, near the
 * subnormal and overflow thresholds, with few or many trailing ones. */
static uint64_t random_operand(int is_double, uint64_t near)
{
    int frac_bits = is_double ? 52 : 23, exp_max = is_double ? 0x7ff : 0xff;
    uint64_t frac = rng() & ((1ull << frac_bits) - 1);
    uint64_t sign = (rng() & 1) << (is_double ? 63 : 31);
    int exp;

    if (rng() & 1) {
        frac &= ~0ull << (rng() % frac_bits);
    }
    switch (rng() % 6) {
    case 0:
        exp = rng() % 3;
        break;
    case 1:
        exp = exp_max - 1 - rng() % 3;
        break;
    case 2:
        exp = exp_max / 2 - 30 + rng() % 60;
        break;
    case 3:
        exp = exp_max / 4 + rng() % 8;
        break;
    case 4:
        return near + rng() % 5 - 2;
    default:
        exp = rng() % exp_max;
        break;
    }
    return sign | (uint64_t)exp << frac_bits | frac;
}

/* Result of an op in one mode, with its flags. */
typedef struct Rounded {
    uint64_t value;
    uint32_t flags;
} Rounded;

static Rounded round_in(FpCase t, int rm)
{
    Rounded r = {0, 0};
    t.rm = rm;
    r.value = apply(&t, &r.flags);
    return r;
}

/*
 * An RMM result equals the RNE one except at a tie, where RNE is even and towards zero and
 * RMM is the neighbour away from zero; either way it is the RTZ result or the one rounded
 * away from zero (RUP for positive values, RDN for negative).
 */
static int check_rmm(const FpCase *t, int sign_shift)
{
    Rounded rne = round_in(*t, RNE), rtz = round_in(*t, RTZ), rmm = round_in(*t, RMM);
    Rounded away = round_in(*t, (rtz.value >> sign_shift) & 1 ? RDN : RUP);
    uint32_t same = NV | DZ | NX | OF;
    int tie = rmm.value != rne.value;

    if ((rmm.flags & same) != (rne.flags & same) ||
        (rmm.value != rtz.value && rmm.value != away.value) ||
        (tie && (rmm.value != away.value || rne.value != rtz.value || (rne.value & 1)))) {
        print_error(
            "op %d a=%#llx b=%#llx c=%#llx: rmm %#llx/%#x rne %#llx/%#x rtz %#llx away %#llx\n",
            t->op, (unsigned long long)t->a, (unsigned long long)t->b, (unsigned long long)t->c,
            (unsigned long long)rmm.value, rmm.flags, (unsigned long long)rne.value, rne.flags,
            (unsigned long long)rtz.value, (unsigned long long)away.value);
        return 1;
    }
    return 0;
}

static void test_rmm_matches_directed_modes(void **state)
{
    static const FpOp ops[] = {ADD_S,   SUB_S,   MUL_S,   DIV_S,   SQRT_S,  MADD_S,
                               NMSUB_S, ADD_D,   SUB_D,   MUL_D,   DIV_D,   SQRT_D,
                               MADD_D,  NMADD_D, CVT_S_D, CVT_S_L, CVT_D_LU};
    int failures = 0;
    (void)state;

    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        int is_double = ops[i] >= ADD_D && ops[i] != CVT_S_L;
        for (int n = 0; n < 20000 && failures < 10; n++) {
            FpCase t = {ops[i], 0, 0, 0, RNE, 0, 0};
            t.a = random_operand(is_double || ops[i] == CVT_S_D, 0);
            t.b = random_operand(is_double, t.a);
            t.c = random_operand(is_double, t.a);
            if (ops[i] == CVT_S_L || ops[i] == CVT_D_LU) {
                t.a = rng() >> (rng() % 64);
            }
            failures += check_rmm(&t, is_double && ops[i] != CVT_S_D ? 63 : 31);
        }
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add),
        cmocka_unit_test(test_mul),
        cmocka_unit_test(test_div_sqrt),
        cmocka_unit_test(test_fma),
        cmocka_unit_test(test_minmax_sgnj),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_class),
        cmocka_unit_test(test_cvt_to_int),
        cmocka_unit_test(test_cvt_from_int),
        cmocka_unit_test(test_cvt_formats),
        cmocka_unit_test(test_nan_boxing),
        cmocka_unit_test(test_rmm_matches_directed_modes),
        cmocka_unit_test(test_host_fma_probe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
