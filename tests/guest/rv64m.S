/*
 * RV64M multiply and divide (Unprivileged ISA, "M" Standard Extension):
 * MUL/MULH/MULHSU/MULHU, DIV/DIVU/REM/REMU and the RV64 *W forms, including
 * the specified results of division by zero and of signed overflow
 * (table "Semantics for division by zero and division overflow"): no trap.
 * Each check also runs with rd == rs1 and rd == rs2 (see TEST_RR).
 */
#include "test_asm.h"

    .option norvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* MUL: low 64 bits of the product (same for signed and unsigned) */
    TEST_RR(mul, 3, 7, 0x15)
    TEST_RR(mul, 0xfffffffffffffffd, 7, 0xffffffffffffffeb)
    TEST_RR(mul, 0xfffffffffffffffd, 0xfffffffffffffff9, 0x15)
    TEST_RR(mul, 0x7fffffffffffffff, 2, 0xfffffffffffffffe)
    TEST_RR(mul, 0x123456789abcdef, 0xfedcba9876543210, 0x2236d88fe5618cf0)
    TEST_RR(mul, 0x100000000, 0x100000000, 0x0)
    TEST_RR(mul, 0, 0xffffffffffffffff, 0x0)

    /* MULH: high 64 bits of signed x signed */
    TEST_RR(mulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x0)
    TEST_RR(mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000)
    TEST_RR(mulh, 0xffffffffffffffff, 1, 0xffffffffffffffff)
    TEST_RR(mulh, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff)
    TEST_RR(mulh, 0x123456789abcdef, 0xfedcba9876543210, 0xfffeb49923cc0953)
    TEST_RR(mulh, 0x100000000, 0x100000000, 0x1)
    TEST_RR(mulh, 0x8000000000000000, 0x7fffffffffffffff, 0xc000000000000000)

    /* MULHU: high 64 bits of unsigned x unsigned */
    TEST_RR(mulhu, 0xffffffffffffffff, 0xffffffffffffffff, 0xfffffffffffffffe)
    TEST_RR(mulhu, 0x8000000000000000, 2, 0x1)
    TEST_RR(mulhu, 0x123456789abcdef, 0xfedcba9876543210, 0x121fa00ad77d742)
    TEST_RR(mulhu, 0x100000000, 0x100000000, 0x1)
    TEST_RR(mulhu, 0xffffffffffffffff, 1, 0x0)

    /* MULHSU: high 64 bits of signed rs1 x unsigned rs2 */
    TEST_RR(mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_RR(mulhsu, 0xfffffffffffffffe, 1, 0xffffffffffffffff)
    TEST_RR(mulhsu, 2, 0xffffffffffffffff, 0x1)
    TEST_RR(mulhsu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)
    TEST_RR(mulhsu, 0x123456789abcdef, 0xfedcba9876543210, 0x121fa00ad77d742)
    TEST_RR(mulhsu, 0xfedcba9876543210, 0x123456789abcdef, 0xfffeb49923cc0953)

    /* MULW: low 32 bits of the product, sign-extended; upper input bits ignored */
    TEST_RR(mulw, 0x7fffffff, 2, 0xfffffffffffffffe)
    TEST_RR(mulw, 0x100000003, 5, 0xf)
    TEST_RR(mulw, 0xffffffffffffffff, 0xffffffffffffffff, 0x1)
    TEST_RR(mulw, 0x80000000, 0x80000000, 0x0)
    TEST_RR(mulw, 0x12345678, 0x9abcdef0, 0x242d2080)

    /* DIV: signed, rounds toward zero; x/0 = -1; INT64_MIN/-1 = INT64_MIN (no trap) */
    TEST_RR(div, 0x14, 6, 0x3)
    TEST_RR(div, 0xffffffffffffffec, 6, 0xfffffffffffffffd)
    TEST_RR(div, 0x14, 0xfffffffffffffffa, 0xfffffffffffffffd)
    TEST_RR(div, 0xffffffffffffffec, 0xfffffffffffffffa, 0x3)
    TEST_RR(div, 0, 5, 0x0)
    TEST_RR(div, 7, 0, 0xffffffffffffffff)
    TEST_RR(div, 0xfffffffffffffff9, 0, 0xffffffffffffffff)
    TEST_RR(div, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)
    TEST_RR(div, 0x8000000000000000, 1, 0x8000000000000000)
    TEST_RR(div, 0x8000000000000000, 2, 0xc000000000000000)

    /* DIVU: unsigned; x/0 = 2^64-1 */
    TEST_RR(divu, 0x14, 6, 0x3)
    TEST_RR(divu, 0xffffffffffffffff, 2, 0x7fffffffffffffff)
    TEST_RR(divu, 7, 0, 0xffffffffffffffff)
    TEST_RR(divu, 0, 0, 0xffffffffffffffff)
    TEST_RR(divu, 0x8000000000000000, 0xffffffffffffffff, 0x0)
    TEST_RR(divu, 0xffffffffffffffec, 6, 0x2aaaaaaaaaaaaaa7)

    /* REM: sign follows the dividend; x%0 = x; INT64_MIN%-1 = 0 */
    TEST_RR(rem, 0x14, 6, 0x2)
    TEST_RR(rem, 0xffffffffffffffec, 6, 0xfffffffffffffffe)
    TEST_RR(rem, 0x14, 0xfffffffffffffffa, 0x2)
    TEST_RR(rem, 0xffffffffffffffec, 0xfffffffffffffffa, 0xfffffffffffffffe)
    TEST_RR(rem, 7, 0, 0x7)
    TEST_RR(rem, 0xfffffffffffffff9, 0, 0xfffffffffffffff9)
    TEST_RR(rem, 0x8000000000000000, 0xffffffffffffffff, 0x0)
    TEST_RR(rem, 0x8000000000000000, 3, 0xfffffffffffffffe)

    /* REMU: unsigned; x%0 = x */
    TEST_RR(remu, 0x14, 6, 0x2)
    TEST_RR(remu, 0xffffffffffffffec, 6, 0x2)
    TEST_RR(remu, 7, 0, 0x7)
    TEST_RR(remu, 0xffffffffffffffff, 0, 0xffffffffffffffff)
    TEST_RR(remu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000)

    /* DIVW: 32-bit signed on rs[31:0], result sign-extended; x/0 = -1; INT32_MIN/-1 = INT32_MIN */
    TEST_RR(divw, 0x14, 6, 0x3)
    TEST_RR(divw, 0xffffffffffffffec, 6, 0xfffffffffffffffd)
    TEST_RR(divw, 0x100000014, 6, 0x3)
    TEST_RR(divw, 0x80000000, 0xffffffffffffffff, 0xffffffff80000000)
    TEST_RR(divw, 7, 0, 0xffffffffffffffff)
    TEST_RR(divw, 0x80000000, 1, 0xffffffff80000000)
    TEST_RR(divw, 0xffffffff, 0xffffffffffffffff, 0x1)

    /* DIVUW: 32-bit unsigned, result sign-extended (bit 31 of the quotient); x/0 = -1 */
    TEST_RR(divuw, 0x14, 6, 0x3)
    TEST_RR(divuw, 0x80000000, 1, 0xffffffff80000000)
    TEST_RR(divuw, 7, 0, 0xffffffffffffffff)
    TEST_RR(divuw, 0xffffffff, 2, 0x7fffffff)
    TEST_RR(divuw, 0x1ffffffff, 0x100000001, 0xffffffffffffffff)
    TEST_RR(divuw, 0xffffffffffffffec, 6, 0x2aaaaaa7)

    /* REMW: 32-bit signed remainder, sign-extended; x%0 = sext(x[31:0]); INT32_MIN%-1 = 0 */
    TEST_RR(remw, 0x14, 6, 0x2)
    TEST_RR(remw, 0xffffffffffffffec, 6, 0xfffffffffffffffe)
    TEST_RR(remw, 0x14, 0xfffffffffffffffa, 0x2)
    TEST_RR(remw, 0x80000000, 0xffffffffffffffff, 0x0)
    TEST_RR(remw, 7, 0, 0x7)
    TEST_RR(remw, 0x80000000, 0, 0xffffffff80000000)
    TEST_RR(remw, 0x1fffffff9, 4, 0xfffffffffffffffd)

    /* REMUW: 32-bit unsigned remainder, sign-extended; x%0 = sext(x[31:0]) */
    TEST_RR(remuw, 0x14, 6, 0x2)
    TEST_RR(remuw, 0xffffffff, 0, 0xffffffffffffffff)
    TEST_RR(remuw, 7, 0, 0x7)
    TEST_RR(remuw, 0x80000009, 0x10, 0x9)
    TEST_RR(remuw, 0xffffffffffffffec, 6, 0x2)
    TEST_RR(remuw, 0xfffffffe, 0xffffffff, 0xfffffffffffffffe)

    /* Dividing x0 and writing x0: still no trap, result discarded */
    div     x0, x0, x0
    rem     x0, x0, x0
    mv      a6, x0
    CHECK_REG(a6, 0)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

END_CHECKS
