/*
 * RV64A atomics (Unprivileged ISA, "A" Standard Extension):
 *  - LR/SC: a paired SC succeeds (rd = 0) and stores; an SC after the
 *    reservation was consumed by an earlier SC fails (rd != 0) and does not
 *    store; an SC with no reservation fails; an SC to an address outside the
 *    reserved set fails; LR.W sign-extends.
 *  - AMO*.W/.D: rd receives the old memory value (sign-extended for .W),
 *    memory receives op(old, rs2); .W touches only its word; aq/rl bits do
 *    not change the result; rd == rs2 reads rs2 before writing rd.
 *  - Misaligned AMO and LR raise an address-misaligned exception (they are
 *    never emulated, unlike plain loads and stores on QEMU).
 */
#include "test_asm.h"

    .option norvc

/* mem[a4] = init; rd = inst(src, (a4)); check rd and the doubleword at a4 */
.macro TEST_AMO_ inst, init, src, want_rd, want_mem, line
    .set testnum, testnum + 1
    la      a4, amo_buf
    li      a5, \init
    sd      a5, 0(a4)
    li      a5, \src
    \inst   a6, a5, (a4)
    CMP_REG_ a6, \want_rd, \line
    ld      a7, 0(a4)
    CMP_REG_ a7, \want_mem, \line
.endm
#define TEST_AMO(inst, init, src, want_rd, want_mem) \
    TEST_AMO_ inst, init, src, want_rd, want_mem, __LINE__

/* last_trap.cause is 4 or 6 */
.macro CHECK_AMO_MISALIGNED_CAUSE_ line
    .set testnum, testnum + 1
    la      t5, last_trap
    ld      t5, TRAP_CAUSE(t5)
    li      t6, CAUSE_MISALIGNED_LOAD
    beq     t5, t6, .Lok\@
    CMP_REG_ t5, CAUSE_MISALIGNED_STORE, \line
.Lok\@:
.endm
#define CHECK_AMO_MISALIGNED_CAUSE() CHECK_AMO_MISALIGNED_CAUSE_ __LINE__

    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* SC with no reservation ever taken fails and leaves memory alone */
    la      a4, amo_buf
    li      a5, 0x1234
    sd      a5, 0(a4)
    li      a5, 0x5678
    sc.d    a6, a5, (a4)
    CHECK_REG(a6, 1)
    ld      a7, 0(a4)
    CHECK_REG(a7, 0x1234)

    /* LR.D / SC.D success */
    la      a4, amo_buf
    lr.d    a6, (a4)
    CHECK_REG(a6, 0x1234)
    li      a5, 0xabcdef0123456789
    sc.d    a6, a5, (a4)
    CHECK_REG(a6, 0)
    ld      a7, 0(a4)
    CHECK_REG(a7, 0xabcdef0123456789)
    /* a second SC: the reservation was consumed, so it fails */
    li      a5, 0x1111
    sc.d    a6, a5, (a4)
    CHECK_REG(a6, 1)
    ld      a7, 0(a4)
    CHECK_REG(a7, 0xabcdef0123456789)

    /* LR.W sign-extends; SC.W writes only 32 bits */
    li      a5, 0x5555aaaa80000001
    sd      a5, 0(a4)
    lr.w    a6, (a4)
    CHECK_REG(a6, 0xffffffff80000001)
    li      a5, 0xffffffff12345678
    sc.w    a6, a5, (a4)
    CHECK_REG(a6, 0)
    ld      a7, 0(a4)
    CHECK_REG(a7, 0x5555aaaa12345678)
    /* lr.w/sc.w with aq/rl bits */
    lr.w.aq a6, (a4)
    CHECK_REG(a6, 0x12345678)
    li      a5, 7
    sc.w.rl a6, a5, (a4)
    CHECK_REG(a6, 0)
    lw      a7, 0(a4)
    CHECK_REG(a7, 7)

    /* SC to an address other than the reserved one fails (QEMU reserves
     * exactly the LR address; 256 bytes away is outside any sane set) */
    la      a4, amo_buf
    lr.d    a6, (a4)
    addi    a7, a4, 256
    sd      zero, 0(a7)
    li      a5, 99
    sc.d    a6, a5, (a7)
    CHECK_REG(a6, 1)
    ld      a6, 0(a7)
    CHECK_REG(a6, 0)
    /* the failed SC also ended the reservation on amo_buf */
    sc.d    a6, a5, (a4)
    CHECK_REG(a6, 1)

    /* SC with rd == rs2: the stored value is the old rs2 */
    la      a4, amo_buf
    lr.d    a6, (a4)
    li      a5, 0x77
    sc.d    a5, a5, (a4)
    CHECK_REG(a5, 0)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0x77)

    /* LR/SC retry loop as used for an atomic increment */
    la      a4, amo_buf
    li      a5, 41
    sd      a5, 0(a4)
1:  lr.d.aqrl a6, (a4)
    addi    a6, a6, 1
    sc.d.aqrl a7, a6, (a4)
    bnez    a7, 1b
    ld      a6, 0(a4)
    CHECK_REG(a6, 42)

    /* .W forms: 32-bit operation on the word at 0(a4); rd = old word, sign-extended;
     * the upper word of the doubleword (guard 0x5555aaaa) must not change */
    TEST_AMO(amoswap.w, 0x5555aaaa22222222, 0x80000000ffffffff, 0x22222222, 0x5555aaaaffffffff)
    TEST_AMO(amoadd.w, 0x5555aaaafffffffe, 0x3, 0xfffffffffffffffe, 0x5555aaaa00000001)
    TEST_AMO(amoadd.w, 0x5555aaaa7fffffff, 0x1, 0x7fffffff, 0x5555aaaa80000000)
    TEST_AMO(amoxor.w, 0x5555aaaaf0f0f0f0, 0xff00ff0000ff00ff, 0xfffffffff0f0f0f0, 0x5555aaaaf00ff00f)
    TEST_AMO(amoand.w, 0x5555aaaaf0f0f0f0, 0xff00ff0ffff0000, 0xfffffffff0f0f0f0, 0x5555aaaaf0f00000)
    TEST_AMO(amoor.w, 0x5555aaaa80000000, 0x1, 0xffffffff80000000, 0x5555aaaa80000001)
    TEST_AMO(amomin.w, 0x5555aaaa80000000, 0x1, 0xffffffff80000000, 0x5555aaaa80000000)
    TEST_AMO(amomin.w, 0x5555aaaa00000005, 0xfffffffb, 0x5, 0x5555aaaafffffffb)
    TEST_AMO(amomax.w, 0x5555aaaa80000000, 0x1, 0xffffffff80000000, 0x5555aaaa00000001)
    TEST_AMO(amomax.w, 0x5555aaaa7fffffff, 0x80000000, 0x7fffffff, 0x5555aaaa7fffffff)
    TEST_AMO(amominu.w, 0x5555aaaaffffffff, 0x1, 0xffffffffffffffff, 0x5555aaaa00000001)
    TEST_AMO(amominu.w, 0x5555aaaa00000003, 0xfffffff0, 0x3, 0x5555aaaa00000003)
    TEST_AMO(amomaxu.w, 0x5555aaaa80000000, 0x1, 0xffffffff80000000, 0x5555aaaa80000000)
    TEST_AMO(amomaxu.w, 0x5555aaaa0000007f, 0x80, 0x7f, 0x5555aaaa00000080)

    /* .D forms: rd = old doubleword */
    TEST_AMO(amoswap.d, 0x1111111122222222, 0x8000000000000000, 0x1111111122222222, 0x8000000000000000)
    TEST_AMO(amoadd.d, 0xffffffffffffffff, 0x2, 0xffffffffffffffff, 0x1)
    TEST_AMO(amoadd.d, 0xffffffff, 0x1, 0xffffffff, 0x100000000)
    TEST_AMO(amoxor.d, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff00, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff0)
    TEST_AMO(amoand.d, 0xf0f0f0f0f0f0f0f0, 0xff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0, 0xf000f000f000f0)
    TEST_AMO(amoor.d, 0x8000000000000000, 0x1, 0x8000000000000000, 0x8000000000000001)
    TEST_AMO(amomin.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
    TEST_AMO(amomin.d, 0xffffffffffffffff, 0x1, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_AMO(amomax.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_AMO(amomax.d, 0xfffffffffffffffe, 0xffffffffffffffff, 0xfffffffffffffffe, 0xffffffffffffffff)
    TEST_AMO(amominu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_AMO(amominu.d, 0x0, 0xffffffffffffffff, 0x0, 0x0)
    TEST_AMO(amomaxu.d, 0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000000)
    TEST_AMO(amomaxu.d, 0xffffffff, 0x100000000, 0xffffffff, 0x100000000)


    /* aq/rl variants decode to the same operation */
    TEST_AMO(amoadd.w.aq, 0x0000000100000001, 2, 1, 0x0000000100000003)
    TEST_AMO(amoadd.d.rl, 10, 5, 10, 15)
    TEST_AMO(amoor.d.aqrl, 0xf0, 0x0f, 0xf0, 0xff)

    /* rd == rs2: memory gets the old rs2 */
    la      a4, amo_buf
    li      a5, 100
    sd      a5, 0(a4)
    li      a5, 5
    amoadd.d a5, a5, (a4)
    CHECK_REG(a5, 100)
    ld      a6, 0(a4)
    CHECK_REG(a6, 105)
    /* rd == x0: memory is still updated */
    li      a5, 0x1000
    amoswap.d x0, a5, (a4)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0x1000)
    /* .W on the upper word of a doubleword */
    li      a5, 0x0000000500000009
    sd      a5, 0(a4)
    li      a5, -1
    addi    a7, a4, 4
    amoadd.w a6, a5, (a7)
    CHECK_REG(a6, 5)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0x0000000400000009)

    /* Misaligned AMO: the spec says store/AMO address misaligned (cause 6);
     * QEMU 7.2 reports load address misaligned (cause 4) because its atomic
     * helpers check alignment as a load.  Accept either, require mtval = the
     * address and memory untouched. */
    la      a4, amo_buf
    li      a5, 0x0123456789abcdef
    sd      a5, 0(a4)
    addi    a4, a4, 2
    EXPECT_TRAP(EXPECT_SKIP)
    amoadd.w a6, a5, (a4)
    CHECK_AMO_MISALIGNED_CAUSE()
    la      a7, amo_buf + 2
    CHECK_LAST_TRAP_REG(TRAP_TVAL, a7)
    la      a4, amo_buf + 4
    EXPECT_TRAP(EXPECT_SKIP)
    amoswap.d a6, a5, (a4)
    CHECK_AMO_MISALIGNED_CAUSE()
    la      a4, amo_buf
    ld      a6, 0(a4)
    CHECK_REG(a6, 0x0123456789abcdef)
    /* Misaligned LR: load address misaligned */
    la      a4, amo_buf + 4
    EXPECT_TRAP(EXPECT_SKIP)
    lr.d    a6, (a4)
    CHECK_LAST_TRAP(TRAP_CAUSE, CAUSE_MISALIGNED_LOAD)
    CHECK_LAST_TRAP_REG(TRAP_TVAL, a4)
    la      a4, amo_buf + 1
    EXPECT_TRAP(EXPECT_SKIP)
    lr.w    a6, (a4)
    CHECK_LAST_TRAP(TRAP_CAUSE, CAUSE_MISALIGNED_LOAD)
    /* (A misaligned SC is not checked: QEMU tests the reservation first
     * and, with none, fails the SC without any exception.) */

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

    .data
    .align  3
amo_buf:
    .space  512

END_CHECKS
