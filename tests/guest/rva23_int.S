/*
 * The RVA23 integer additions, run in M-mode with -cpu max (QEMU 7.2 has
 * none of them, so the expected values come from the ratified specs):
 *  - Zicond 1.0: czero.eqz/czero.nez, also with rd == rs1 / rd == rs2
 *  - Zimop 1.0: mop.r.N and mop.rr.N write 0 to rd
 *  - Zcmop 1.0: c.mop.N changes no register (not even x[N])
 *  - Zcb 1.0: c.lbu c.lhu c.lh c.sb c.sh c.zext.b c.sext.b c.zext.h
 *    c.sext.h c.zext.w c.not c.mul
 *  - Zihintntl (ntl.*, c.ntl.*), Zicbop (prefetch.*), Zihintpause (pause):
 *    HINTs that run as no-ops
 *  - Zawrs: wrs.nto / wrs.sto complete in M-mode (the TW rule: rva23_priv.c)
 * binutils 2.40 lacks Zicond, Zimop, Zcmop and Zcb: those are encoded by
 * hand from the specs' encoding tables (.insn / .2byte; the decoder's unit
 * test checks the same words).
 */
#include "test_asm.h"

    .option norvc
    .option arch, +zicbop, +zawrs, +zihintpause

/* czero.eqz/nez rd, rs1, rs2: OP, funct7 = 0000111, funct3 = 101 / 111 */
.macro czero_eqz rd, rs1, rs2
    .insn r 0x33, 5, 7, \rd, \rs1, \rs2
.endm
.macro czero_nez rd, rs1, rs2
    .insn r 0x33, 7, 7, \rd, \rs1, \rs2
.endm

    .data
    .balign 8
bytes:
    .8byte 0x8877665544332211
    .8byte 0

    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* ===== Zicond: rd = rs2 == 0 ? 0 : rs1 (eqz); rs2 != 0 ? 0 : rs1 (nez) ===== */
    TEST_RR(czero_eqz, 0x123456789abcdef0, 0x0, 0x0)
    TEST_RR(czero_eqz, 0x123456789abcdef0, 0x1, 0x123456789abcdef0)
    TEST_RR(czero_eqz, 0xffffffffffffffff, 0x8000000000000000, 0xffffffffffffffff)
    TEST_RR(czero_nez, 0x123456789abcdef0, 0x0, 0x123456789abcdef0)
    TEST_RR(czero_nez, 0x123456789abcdef0, 0x100000000, 0x0)
    TEST_RR(czero_nez, 0x7, 0xffffffffffffffff, 0x0)

    /* ===== Zimop: mop.r.0, mop.r.31, mop.rr.7 (SYSTEM funct3 = 100) set rd to 0 ===== */
    li      a4, 0x1234
    li      a6, -1
    .insn i 0x73, 4, a6, a4, -2020          /* mop.r.0 a6, a4 */
    CHECK_REG(a6, 0)
    li      a6, -1
    .insn i 0x73, 4, a6, a4, -801           /* mop.r.31 a6, a4 */
    CHECK_REG(a6, 0)
    li      a5, 5
    li      a6, -1
    .insn r 0x73, 4, 0x67, a6, a4, a5       /* mop.rr.7 a6, a4, a5 */
    CHECK_REG(a6, 0)
    CHECK_REG(a4, 0x1234)

    /* ===== Zcmop: c.mop.1 and c.mop.15 leave ra and a5 alone ===== */
    mv      t0, ra
    li      a5, 0x55
    .option push
    .option rvc
    .2byte  0x6081                          /* c.mop.1 */
    .2byte  0x6781                          /* c.mop.15 */
    .option pop
    CHECK_REGS(ra, t0)
    CHECK_REG(a5, 0x55)

    /* ===== Zcb loads/stores on `bytes` (a1 = x11, rd/rs2 = a0 = x10) ===== */
    la      a1, bytes
    .2byte  0x81e8                          /* c.lbu a0, 3(a1) */
    CHECK_REG(a0, 0x44)
    .2byte  0x85a8                          /* c.lhu a0, 2(a1) */
    CHECK_REG(a0, 0x4433)
    li      t0, 0x8000
    sh      t0, 2(a1)
    .2byte  0x85e8                          /* c.lh a0, 2(a1): sign-extended */
    CHECK_REG(a0, 0xffffffffffff8000)
    .2byte  0x85a8                          /* c.lhu a0, 2(a1): zero-extended */
    CHECK_REG(a0, 0x8000)
    li      a0, 0x1aa
    .2byte  0x89c8                          /* c.sb a0, 1(a1): low byte only */
    li      a0, 0xbeef
    .2byte  0x8da8                          /* c.sh a0, 2(a1) */
    ld      t0, 0(a1)
    CHECK_REG(t0, 0x88776655beefaa11)

    /* ===== Zcb unary forms and c.mul on a0 ===== */
    li      a0, 0xfedcba9876548281
    .2byte  0x9d61                          /* c.zext.b a0 */
    CHECK_REG(a0, 0x81)
    li      a0, 0xfedcba9876548281
    .2byte  0x9d65                          /* c.sext.b a0 */
    CHECK_REG(a0, 0xffffffffffffff81)
    li      a0, 0xfedcba9876548281
    .2byte  0x9d69                          /* c.zext.h a0 */
    CHECK_REG(a0, 0x8281)
    li      a0, 0xfedcba9876548281
    .2byte  0x9d6d                          /* c.sext.h a0 */
    CHECK_REG(a0, 0xffffffffffff8281)
    li      a0, 0xfedcba9886548281
    .2byte  0x9d71                          /* c.zext.w a0 */
    CHECK_REG(a0, 0x86548281)
    li      a0, 0x00ff00ff00ff00ff
    .2byte  0x9d75                          /* c.not a0 */
    CHECK_REG(a0, 0xff00ff00ff00ff00)
    li      a0, 0x100000003
    li      a1, -7
    .2byte  0x9d4d                          /* c.mul a0, a1 */
    CHECK_REG(a0, 0xfffffff8ffffffeb)
    CHECK_REG(a1, -7)

    /* ===== HINTs: ntl.*, c.ntl.*, prefetch.*, pause change nothing ===== */
    li      a0, 0x77
    mv      t0, sp
    add     x0, x0, x2                      /* ntl.p1 */
    add     x0, x0, x3                      /* ntl.pall */
    add     x0, x0, x4                      /* ntl.s1 */
    add     x0, x0, x5                      /* ntl.all */
    .option push
    .option rvc
    .2byte  0x900a                          /* c.ntl.p1 (c.add x0, x2) */
    .2byte  0x9016                          /* c.ntl.all (c.add x0, x5) */
    .option pop
    prefetch.i 64(a0)
    prefetch.r 0(sp)
    prefetch.w -32(sp)
    pause
    CHECK_REG(a0, 0x77)
    CHECK_REGS(sp, t0)

    /* ===== Zawrs in M-mode: both complete, nothing traps ===== */
    wrs.nto
    wrs.sto
    CHECK_REG(a0, 0x77)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

    END_CHECKS
