/*
 * RV64C compressed instructions (Unprivileged ISA, "C" Standard Extension,
 * RVC instruction set listings for RV64).  Every instruction below is
 * written with its c. mnemonic so the assembler must emit the 16-bit form:
 *  - quadrant 0: c.addi4spn, c.lw, c.ld, c.sw, c.sd, c.fld, c.fsd
 *  - quadrant 1: c.nop, c.addi, c.addiw, c.li, c.addi16sp, c.lui, c.srli,
 *    c.srai, c.andi, c.sub, c.xor, c.or, c.and, c.subw, c.addw, c.j,
 *    c.beqz, c.bnez
 *  - quadrant 2: c.slli, c.lwsp, c.ldsp, c.fldsp, c.jr, c.mv, c.ebreak,
 *    c.jalr (link = pc + 2), c.add, c.swsp, c.sdsp, c.fsdsp
 * plus: 32-bit instructions at addresses that are 2 mod 4 and across a
 * page boundary, and the all-zero parcel and reserved encodings being
 * illegal instructions (mtval = the 16-bit instruction).
 */
#include "test_asm.h"

    .option rvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* c.li: 6-bit sign-extended immediate */
    c.li    a0, 31
    CHECK_REG(a0, 31)
    c.li    a0, -32
    CHECK_REG(a0, -32)
    /* c.lui: nzimm[17:12], sign-extended from bit 17 */
    c.lui   a0, 0x1f
    CHECK_REG(a0, 0x1f000)
    c.lui   a0, 0xfffe0
    CHECK_REG(a0, 0xfffffffffffe0000)
    c.lui   a0, 1
    CHECK_REG(a0, 0x1000)
    /* c.addi */
    li      a0, 100
    c.addi  a0, -32
    CHECK_REG(a0, 68)
    c.addi  a0, 31
    CHECK_REG(a0, 99)
    /* c.addiw: 32-bit add, sign-extended; imm 0 is sext.w */
    li      a0, 0x7fffffff
    c.addiw a0, 1
    CHECK_REG(a0, 0xffffffff80000000)
    li      a0, 0x12345678ffffffff
    c.addiw a0, 0
    CHECK_REG(a0, -1)
    /* c.mv / c.add (full register set) */
    li      t0, 0x0123456789abcdef
    c.mv    t1, t0
    CHECK_REGS(t1, t0)
    li      t1, 0x1111111111111111
    c.add   t1, t0
    CHECK_REG(t1, 0x123456789abcdf00)
    /* c.slli (any register), c.srli/c.srai (x8-x15), 6-bit shamt */
    li      t1, 1
    c.slli  t1, 63
    CHECK_REG(t1, 0x8000000000000000)
    li      a1, 0x8000000000000000
    c.srli  a1, 63
    CHECK_REG(a1, 1)
    li      a1, 0x8000000000000000
    c.srai  a1, 32
    CHECK_REG(a1, 0xffffffff80000000)
    li      a1, 0x00000000ffffffff
    c.srli  a1, 1
    CHECK_REG(a1, 0x7fffffff)
    /* c.andi: sign-extended 6-bit immediate */
    li      a2, 0x123456789abcdeff
    c.andi  a2, -32
    CHECK_REG(a2, 0x123456789abcdee0)
    li      a2, 0x123456789abcdeff
    c.andi  a2, 31
    CHECK_REG(a2, 0x1f)
    /* c.sub / c.xor / c.or / c.and */
    li      s0, 10
    li      s1, 25
    c.sub   s0, s1
    CHECK_REG(s0, -15)
    li      s0, 0xff00ff00ff00ff00
    li      s1, 0x0ff00ff00ff00ff0
    c.xor   s0, s1
    CHECK_REG(s0, 0xf0f0f0f0f0f0f0f0)
    li      s0, 0xff00ff00ff00ff00
    c.or    s0, s1
    CHECK_REG(s0, 0xfff0fff0fff0fff0)
    li      s0, 0xff00ff00ff00ff00
    c.and   s0, s1
    CHECK_REG(s0, 0x0f000f000f000f00)
    /* c.addw / c.subw: 32-bit, sign-extended */
    li      a3, 0x7fffffff
    li      a4, 1
    c.addw  a3, a4
    CHECK_REG(a3, 0xffffffff80000000)
    li      a3, 0x100000000
    li      a4, 1
    c.subw  a3, a4
    CHECK_REG(a3, -1)
    /* c.nop changes nothing */
    li      a5, 77
    c.nop
    CHECK_REG(a5, 77)

    /* Stack-pointer forms.  c.addi16sp: sp += nzimm (multiple of 16) */
    mv      s1, sp
    c.addi16sp sp, -512
    sub     a0, s1, sp
    CHECK_REG(a0, 512)
    c.addi16sp sp, 496
    sub     a0, s1, sp
    CHECK_REG(a0, 16)
    c.addi16sp sp, -240
    sub     a0, s1, sp
    CHECK_REG(a0, 256)
    /* c.addi4spn: rd' = sp + nzuimm (multiple of 4, up to 1020) */
    c.addi4spn a0, sp, 1020
    sub     a0, a0, sp
    CHECK_REG(a0, 1020)
    c.addi4spn a1, sp, 4
    sub     a1, a1, sp
    CHECK_REG(a1, 4)
    /* c.sdsp/c.ldsp (uimm up to 504, multiple of 8), c.swsp/c.lwsp (up to
     * 252, multiple of 4); c.lwsp sign-extends */
    li      t0, 0xfedcba9876543210
    c.sdsp  t0, 248(sp)
    c.ldsp  t1, 248(sp)
    CHECK_REG(t1, 0xfedcba9876543210)
    c.lwsp  t1, 252(sp)
    CHECK_REG(t1, 0xfffffffffedcba98)
    c.lwsp  t1, 248(sp)
    CHECK_REG(t1, 0x76543210)
    li      t0, 0x80000001
    c.swsp  t0, 0(sp)
    c.lwsp  t2, 0(sp)
    CHECK_REG(t2, 0xffffffff80000001)
    c.sdsp  zero, 8(sp)
    ld      t2, 8(sp)
    CHECK_REG(t2, 0)
    /* c.fsdsp / c.fldsp */
    li      t0, 0x400921fb54442d18
    fmv.d.x ft0, t0
    c.fsdsp ft0, 16(sp)
    c.fldsp ft1, 16(sp)
    fmv.x.d t1, ft1
    CHECK_REG(t1, 0x400921fb54442d18)
    /* register-based c.sd/c.ld (uimm up to 248), c.sw/c.lw (up to 124) */
    mv      s0, sp
    li      a0, 0x8877665544332211
    c.sd    a0, 248(s0)
    c.ld    a1, 248(s0)
    CHECK_REG(a1, 0x8877665544332211)
    c.sd    a0, 120(s0)
    c.lw    a2, 124(s0)
    CHECK_REG(a2, 0xffffffff88776655)
    li      a0, 0x12345678
    c.sw    a0, 124(s0)
    c.lw    a3, 124(s0)
    CHECK_REG(a3, 0x12345678)
    /* c.fsd / c.fld (f8-f15) */
    li      t0, 0xc000000000000000
    fmv.d.x fs0, t0
    c.fsd   fs0, 200(s0)
    c.fld   fs1, 200(s0)
    fmv.x.d t1, fs1
    CHECK_REG(t1, 0xc000000000000000)
    c.addi16sp sp, 256
    CHECK_REGS(sp, s1)

    /* Control transfer.  c.j */
    c.j     1f
    FAIL_HERE()
1:  /* c.beqz / c.bnez taken and not taken */
    li      a0, 0
    c.beqz  a0, 2f
    FAIL_HERE()
2:  c.bnez  a0, 3f
    j       4f
3:  FAIL_HERE()
4:  li      a0, -1
    c.bnez  a0, 5f
    FAIL_HERE()
5:  c.beqz  a0, 6f
    j       7f
6:  FAIL_HERE()
7:  /* backward c.bnez loop */
    li      a0, 10
    li      a1, 0
8:  c.addi  a1, 3
    c.addi  a0, -1
    c.bnez  a0, 8b
    CHECK_REG(a1, 30)
    /* c.jr */
    la      t0, 9f
    c.jr    t0
    FAIL_HERE()
9:  /* c.jalr: ra = address of the c.jalr + 2 */
    la      t0, c_jalr_target
10: c.jalr  t0
c_jalr_return:
    la      t1, 10b
    addi    t1, t1, 2
    CHECK_REGS(s2, t1)
    la      t1, c_jalr_return
    CHECK_REGS(s2, t1)

    /* A 32-bit instruction at an address that is 2 mod 4 */
    .balign 4
    c.nop
    .option push
    .option norvc
    li      a0, 0                  /* addi a0, x0, 0: 32-bit */
    addi    a0, a0, 0x123
    .option pop
    CHECK_REG(a0, 0x123)

    /* A 32-bit instruction straddling a page boundary: the fetch must
     * combine the last parcel of one page with the first of the next */
    j       cross_start
    .balign 4096
    .skip   4096 - 6
cross_start:
    c.li    a0, 0                  /* at page_end - 6 */
    c.nop                          /* at page_end - 4 */
    .option push
    .option norvc
    addi    a0, a0, 0x456          /* at page_end - 2 .. page_end + 1 */
    .option pop
    CHECK_REG(a0, 0x456)

    /* c.ebreak: breakpoint exception, mepc = the c.ebreak */
    EXPECT_TRAP(EXPECT_SKIP)
11: c.ebreak
    CHECK_LAST_TRAP(TRAP_CAUSE, CAUSE_BREAKPOINT)
    la      a0, 11b
    CHECK_LAST_TRAP_REG(TRAP_EPC, a0)
    CHECK_LAST_TRAP(TRAP_TVAL, 0)           /* QEMU writes 0 for breakpoints */

    /* The all-zero parcel is illegal (c.addi4spn with nzuimm = 0) */
    EXPECT_TRAP(EXPECT_SKIP)
12: .half   0x0000
    CHECK_LAST_TRAP(TRAP_CAUSE, CAUSE_ILLEGAL_INSTRUCTION)
    la      a0, 12b
    CHECK_LAST_TRAP_REG(TRAP_EPC, a0)
    CHECK_LAST_TRAP(TRAP_TVAL, 0)
    /* Reserved: c.addi16sp with nzimm = 0 */
    EXPECT_TRAP(EXPECT_SKIP)
    .half   0x6101
    CHECK_LAST_TRAP(TRAP_CAUSE, CAUSE_ILLEGAL_INSTRUCTION)
    CHECK_LAST_TRAP(TRAP_TVAL, 0x6101)
    /* Reserved: c.lui with nzimm = 0 */
    EXPECT_TRAP(EXPECT_SKIP)
    .half   0x6501
    CHECK_LAST_TRAP(TRAP_CAUSE, CAUSE_ILLEGAL_INSTRUCTION)
    CHECK_LAST_TRAP(TRAP_TVAL, 0x6501)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

c_jalr_target:
    c.mv    s2, ra
    c.jr    ra

END_CHECKS
