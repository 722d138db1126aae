/*
 * RV64I control transfer and memory access (Unprivileged ISA, "Control
 * Transfer Instructions", "Load and Store Instructions", "Memory Ordering"):
 * conditional branches taken / not taken with signed and unsigned compares,
 * forward, backward and far branches; JAL and JALR link values, JALR clearing
 * bit 0 of the target and reading rs1 before writing rd; loads of every width
 * with sign or zero extension; stores of every width touching only their
 * bytes; FENCE variants execute as no-ops here.
 *
 * Assembled without compression so every instruction is the 32-bit form.
 */
#include "test_asm.h"

    .option norvc

/* Branch must be taken */
.macro TEST_BR_TAKEN_ inst, a, b, line
    .set testnum, testnum + 1
    li      a4, \a
    li      a5, \b
    \inst   a4, a5, .Ltaken\@
    li      a0, testnum
    li      a1, \line
    li      a2, 0
    li      a3, 1
    call    asm_check_failed
.Ltaken\@:
.endm
#define TEST_BR_TAKEN(inst, a, b) TEST_BR_TAKEN_ inst, a, b, __LINE__

/* Branch must fall through */
.macro TEST_BR_NOT_TAKEN_ inst, a, b, line
    .set testnum, testnum + 1
    li      a4, \a
    li      a5, \b
    \inst   a4, a5, .Lbad\@
    j       .Lok\@
.Lbad\@:
    li      a0, testnum
    li      a1, \line
    li      a2, 1
    li      a3, 0
    call    asm_check_failed
.Lok\@:
.endm
#define TEST_BR_NOT_TAKEN(inst, a, b) TEST_BR_NOT_TAKEN_ inst, a, b, __LINE__

/* rd = load(base + off) */
.macro TEST_LD_ inst, sym, off, want, line
    la      a4, \sym
    \inst   a6, \off(a4)
    CHECK_REG_ a6, \want, \line
.endm
#define TEST_LD(inst, sym, off, want) TEST_LD_ inst, sym, off, want, __LINE__

    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* BEQ/BNE */
    TEST_BR_TAKEN(beq, 0, 0)
    TEST_BR_TAKEN(beq, -1, -1)
    TEST_BR_NOT_TAKEN(beq, 1, 0)
    TEST_BR_NOT_TAKEN(beq, 0x100000000, 0)   /* all 64 bits compared */
    TEST_BR_TAKEN(bne, 0x100000000, 0)
    TEST_BR_TAKEN(bne, 1, -1)
    TEST_BR_NOT_TAKEN(bne, 7, 7)
    /* BLT/BGE: signed */
    TEST_BR_TAKEN(blt, -1, 0)
    TEST_BR_TAKEN(blt, 0x8000000000000000, 0x7fffffffffffffff)
    TEST_BR_NOT_TAKEN(blt, 0, -1)
    TEST_BR_NOT_TAKEN(blt, 5, 5)
    TEST_BR_TAKEN(bge, 5, 5)
    TEST_BR_TAKEN(bge, 0, -1)
    TEST_BR_TAKEN(bge, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_BR_NOT_TAKEN(bge, -2, -1)
    /* BLTU/BGEU: unsigned */
    TEST_BR_TAKEN(bltu, 0, -1)
    TEST_BR_TAKEN(bltu, 0x7fffffffffffffff, 0x8000000000000000)
    TEST_BR_NOT_TAKEN(bltu, -1, 0)
    TEST_BR_NOT_TAKEN(bltu, 3, 3)
    TEST_BR_TAKEN(bgeu, 3, 3)
    TEST_BR_TAKEN(bgeu, -1, 0)
    TEST_BR_NOT_TAKEN(bgeu, 0, 0x8000000000000000)

    /* Backward branch: loop summing 1..100 */
    li      a4, 100
    li      a6, 0
1:  add     a6, a6, a4
    addi    a4, a4, -1
    bnez    a4, 1b
    CHECK_REG(a6, 5050)

    /* Branch with a large forward offset (about 4000 bytes; limit +-4 KiB) */
    beq     x0, x0, 2f
    FAIL_HERE()
    .rept   990
    nop
    .endr
2:
    /* and backward over the same distance */
    j       4f
3:  j       5f
    .rept   990
    nop
    .endr
4:  beq     x0, x0, 3b
    FAIL_HERE()
5:

    /* JAL: rd = pc + 4, target pc-relative */
6:  jal     a6, 7f
    FAIL_HERE()
7:  la      a7, 6b
    addi    a7, a7, 4
    CHECK_REGS(a6, a7)
    /* JAL with rd = x0 is a plain jump */
    jal     x0, 8f
    FAIL_HERE()
8:
    /* JAL far (more than 1 MiB away is out of range; use ~8 KiB) */
    jal     a6, far_target
far_return:

    /* JALR: target = (rs1 + imm) & ~1, rd = pc + 4 */
    la      a4, jalr_t1
9:  jalr    a6, 0(a4)
    FAIL_HERE()
jalr_t1:
    la      a7, 9b
    addi    a7, a7, 4
    CHECK_REGS(a6, a7)
    /* bit 0 of the sum is cleared */
    la      a4, jalr_t2
    addi    a4, a4, 1
    jalr    a6, 0(a4)
    FAIL_HERE()
jalr_t2:
    .set testnum, testnum + 1       /* reaching here is the check */
    /* negative immediate, and odd sum from an odd immediate */
    la      a4, jalr_t3 + 8
    jalr    a6, -8(a4)
    FAIL_HERE()
jalr_t3:
    la      a4, jalr_t4 - 1
    jalr    x0, 2(a4)               /* (t4 + 1) & ~1 = t4 */
    FAIL_HERE()
jalr_t4:
    /* rd == rs1: the target uses the old rs1 value */
    la      a4, jalr_t5
10: jalr    a4, 0(a4)
    FAIL_HERE()
jalr_t5:
    la      a7, 10b
    addi    a7, a7, 4
    CHECK_REGS(a4, a7)
    /* call / ret through ra */
    call    leaf_function
    CHECK_REG(a0, 0x5a5a)

    /* Loads: lb/lh/lw sign-extend, lbu/lhu/lwu zero-extend.
     * load_data bytes: fe 7f 01 80 7f ff 00 80 | 10 32 54 76 98 ba dc fe */
    TEST_LD(lb, load_data, 0, 0xfffffffffffffffe)
    TEST_LD(lb, load_data, 1, 0x7f)
    TEST_LD(lbu, load_data, 0, 0xfe)
    TEST_LD(lbu, load_data, 3, 0x80)
    TEST_LD(lh, load_data, 0, 0x7ffe)
    TEST_LD(lh, load_data, 2, 0xffffffffffff8001)
    TEST_LD(lh, load_data, 6, 0xffffffffffff8000)
    TEST_LD(lhu, load_data, 2, 0x8001)
    TEST_LD(lhu, load_data, 4, 0xff7f)
    TEST_LD(lw, load_data, 0, 0xffffffff80017ffe)
    TEST_LD(lw, load_data, 4, 0xffffffff8000ff7f)
    TEST_LD(lw, load_data, 8, 0x76543210)
    TEST_LD(lwu, load_data, 0, 0x80017ffe)
    TEST_LD(lwu, load_data, 12, 0xfedcba98)
    TEST_LD(ld, load_data, 0, 0x8000ff7f80017ffe)
    TEST_LD(ld, load_data, 8, 0xfedcba9876543210)
    /* negative offsets */
    TEST_LD(ld, load_data + 16, -8, 0xfedcba9876543210)
    TEST_LD(lbu, load_data + 16, -1, 0xfe)
    TEST_LD(lw, load_data + 2048, -2048, 0xffffffff80017ffe)
    /* rd == rs1 */
    la      a4, load_data + 8
    ld      a4, 0(a4)
    CHECK_REG(a4, 0xfedcba9876543210)
    /* load into x0 is discarded */
    la      a4, load_data
    ld      x0, 0(a4)
    mv      a6, x0
    CHECK_REG(a6, 0)

    /* Stores write only their own bytes (buffer starts all ones) */
    la      a4, store_buf
    li      a5, -1
    sd      a5, 0(a4)
    sd      a5, 8(a4)
    li      a5, 0x1122334455667788
    sb      a5, 1(a4)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0xffffffffffff88ff)
    sh      a5, 4(a4)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0xffff7788ffff88ff)
    sw      a5, 8(a4)
    ld      a6, 8(a4)
    CHECK_REG(a6, 0xffffffff55667788)
    sd      a5, 0(a4)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0x1122334455667788)
    sw      zero, 12(a4)           /* store of x0 writes zeros */
    ld      a6, 8(a4)
    CHECK_REG(a6, 0x0000000055667788)
    /* store, then load back narrower: little-endian byte order */
    li      a5, 0x0102030405060708
    sd      a5, 0(a4)
    lbu     a6, 0(a4)
    CHECK_REG(a6, 0x08)
    lhu     a6, 6(a4)
    CHECK_REG(a6, 0x0102)
    /* negative store offset */
    addi    a7, a4, 16
    li      a5, 0xabcd
    sh      a5, -16(a7)
    ld      a6, 0(a4)
    CHECK_REG(a6, 0x010203040506abcd)

    /* FENCE family: ordering only; on one hart they just execute */
    fence
    fence   rw, rw
    fence   iorw, iorw
    fence.tso
    .word   0x0100000f              /* PAUSE (Zihintpause hint encoding of FENCE) */
    fence   r, r

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

leaf_function:
    li      a0, 0x5a5a
    ret

    /* target of the far JAL, placed after ~8 KiB of padding */
    .rept   2048
    nop
    .endr
far_target:
    la      a7, far_return
    CHECK_REGS(a6, a7)
    j       far_return

    .data
    .align  3
load_data:
    .dword  0x8000ff7f80017ffe
    .dword  0xfedcba9876543210
    .space  2048
store_buf:
    .dword  0, 0

END_CHECKS
