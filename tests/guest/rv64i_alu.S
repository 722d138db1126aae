/*
 * RV64I integer computation (Unprivileged ISA, chapter "RV64I Base Integer
 * Instruction Set" and RV32I "Integer Computational Instructions"):
 * register-register and register-immediate ALU operations, shifts, the *W
 * forms that operate on the low 32 bits and sign-extend the result, LUI and
 * AUIPC, and writes to x0 being discarded.
 *
 * Assembled without compression so every instruction is the 32-bit form.
 */
#include "test_asm.h"

    .option norvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* ADD/SUB: 64-bit wrap-around, no overflow trap */
    TEST_RR(add, 0, 0, 0)
    TEST_RR(add, 1, 1, 2)
    TEST_RR(add, 3, -7, -4)
    TEST_RR(add, 0x7fffffffffffffff, 1, 0x8000000000000000)
    TEST_RR(add, 0xffffffffffffffff, 1, 0)
    TEST_RR(add, 0x00000000ffffffff, 1, 0x0000000100000000)
    TEST_RR(sub, 0, 0, 0)
    TEST_RR(sub, 5, 7, -2)
    TEST_RR(sub, 0x8000000000000000, 1, 0x7fffffffffffffff)
    TEST_RR(sub, 0, 0x8000000000000000, 0x8000000000000000)

    /* SLT/SLTU: signed and unsigned compare, result 0/1 */
    TEST_RR(slt, 1, 2, 1)
    TEST_RR(slt, 2, 1, 0)
    TEST_RR(slt, -1, 0, 1)
    TEST_RR(slt, 0x8000000000000000, 0x7fffffffffffffff, 1)
    TEST_RR(slt, 5, 5, 0)
    TEST_RR(sltu, 1, 2, 1)
    TEST_RR(sltu, -1, 0, 0)
    TEST_RR(sltu, 0, -1, 1)
    TEST_RR(sltu, 0x8000000000000000, 0x7fffffffffffffff, 0)

    /* logical */
    TEST_RR(and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00)
    TEST_RR(or,  0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0)
    TEST_RR(xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0)

    /* SLL/SRL/SRA: shift amount is rs2[5:0] in RV64 */
    TEST_RR(sll, 1, 0, 1)
    TEST_RR(sll, 1, 63, 0x8000000000000000)
    TEST_RR(sll, 0x0123456789abcdef, 4, 0x123456789abcdef0)
    TEST_RR(sll, 1, 64 + 3, 8)
    TEST_RR(sll, 1, -1, 0x8000000000000000)
    TEST_RR(srl, 0x8000000000000000, 63, 1)
    TEST_RR(srl, 0x8000000000000000, 1, 0x4000000000000000)
    TEST_RR(srl, 0xffffffffffffffff, 0xc0 + 32, 0x00000000ffffffff)
    TEST_RR(sra, 0x8000000000000000, 63, -1)
    TEST_RR(sra, 0x8000000000000000, 1, 0xc000000000000000)
    TEST_RR(sra, 0x7fffffffffffffff, 62, 1)
    TEST_RR(sra, 0xf000000000000000, 64 + 4, 0xff00000000000000)

    /* ADDI/SLTI/SLTIU/XORI/ORI/ANDI: 12-bit immediate, sign-extended even
     * for the unsigned compare and the logical operations */
    TEST_RI(addi, 0, 0, 0)
    TEST_RI(addi, 1, 2047, 2048)
    TEST_RI(addi, 1, -2048, -2047)
    TEST_RI(addi, 0x7fffffffffffffff, 1, 0x8000000000000000)
    TEST_RI(slti, -5, -4, 1)
    TEST_RI(slti, -4, -5, 0)
    TEST_RI(slti, 0x7fffffffffffffff, -1, 0)
    TEST_RI(sltiu, 0, 1, 1)
    TEST_RI(sltiu, 5, -1, 1)                /* -1 -> 0xffff...ffff unsigned */
    TEST_RI(sltiu, -1, -1, 0)
    TEST_RI(sltiu, 1, 0, 0)
    TEST_RI(xori, 0x00ff00ff00ff00ff, -1, 0xff00ff00ff00ff00)  /* = not */
    TEST_RI(xori, 0x1234, 0x0f0, 0x12c4)
    TEST_RI(ori, 0x1200000000000000, -2048, 0xfffffffffffff800)
    TEST_RI(ori, 0x10, 0x0f, 0x1f)
    TEST_RI(andi, 0x123456789abcdef0, -256, 0x123456789abcde00)
    TEST_RI(andi, 0x123456789abcdef0, 0x7ff, 0x6f0)

    /* SLLI/SRLI/SRAI: 6-bit shamt */
    TEST_RI(slli, 1, 63, 0x8000000000000000)
    TEST_RI(slli, 0xffffffff, 32, 0xffffffff00000000)
    TEST_RI(slli, 0x0123456789abcdef, 0, 0x0123456789abcdef)
    TEST_RI(srli, 0x8000000000000000, 63, 1)
    TEST_RI(srli, -1, 32, 0xffffffff)
    TEST_RI(srli, -1, 0, -1)
    TEST_RI(srai, 0x8000000000000000, 63, -1)
    TEST_RI(srai, 0x8000000000000000, 32, 0xffffffff80000000)
    TEST_RI(srai, 0x4000000000000000, 62, 1)

    /* ADDW/SUBW: 32-bit result, sign-extended to 64 bits; upper input bits
     * are ignored */
    TEST_RR(addw, 0x7fffffff, 1, 0xffffffff80000000)
    TEST_RR(addw, 0xffffffff, 1, 0)
    TEST_RR(addw, 0x1234567800000005, 0xabcdef0000000003, 8)
    TEST_RR(addw, 0x0000000080000000, 0, 0xffffffff80000000)
    TEST_RR(subw, 0, 1, -1)
    TEST_RR(subw, 0x80000000, 1, 0x7fffffff)
    TEST_RR(subw, 0xffffffff00000000, 0, 0)

    /* SLLW/SRLW/SRAW: shift amount rs2[4:0], operate on rs1[31:0] */
    TEST_RR(sllw, 1, 31, 0xffffffff80000000)
    TEST_RR(sllw, 1, 32, 1)                 /* shamt 32 -> 0 */
    TEST_RR(sllw, 0xffffffff00000003, 1, 6)
    TEST_RR(srlw, 0xffffffff80000000, 31, 1)
    TEST_RR(srlw, 0xffffffff80000000, 0, 0xffffffff80000000)
    TEST_RR(srlw, 0x00000000ffffffff, 4, 0x0fffffff)
    TEST_RR(srlw, 0x12345678ffffffff, 33, 0x7fffffff)
    TEST_RR(sraw, 0x80000000, 31, -1)
    TEST_RR(sraw, 0x80000000, 4, 0xfffffffff8000000)
    TEST_RR(sraw, 0xffffffff7fffffff, 30, 1)

    /* ADDIW/SLLIW/SRLIW/SRAIW; "addiw rd, rs, 0" is sext.w */
    TEST_RI(addiw, 0x7fffffff, 1, 0xffffffff80000000)
    TEST_RI(addiw, 0x00000001ffffffff, 0, -1)
    TEST_RI(addiw, 0x0000000000000000, -2048, -2048)
    TEST_RI(addiw, 0xffffffff80000000, -1, 0x7fffffff)
    TEST_RI(slliw, 1, 31, 0xffffffff80000000)
    TEST_RI(slliw, 0x00000000ffffffff, 16, 0xffffffffffff0000)
    TEST_RI(slliw, 0x0000000100000001, 0, 1)
    TEST_RI(srliw, 0xffffffff80000000, 31, 1)
    TEST_RI(srliw, 0xffffffff80000000, 0, 0xffffffff80000000)
    TEST_RI(srliw, 0x00000000ffffffff, 1, 0x7fffffff)
    TEST_RI(sraiw, 0x0000000080000000, 31, -1)
    TEST_RI(sraiw, 0x0000000080000000, 0, 0xffffffff80000000)
    TEST_RI(sraiw, 0x123456787fffffff, 16, 0x7fff)

    /* LUI: imm << 12, sign-extended from bit 31 */
    lui     a6, 0x12345
    CHECK_REG(a6, 0x12345000)
    lui     a6, 0x80000
    CHECK_REG(a6, 0xffffffff80000000)
    lui     a6, 0xfffff
    CHECK_REG(a6, 0xfffffffffffff000)
    lui     a6, 0
    CHECK_REG(a6, 0)

    /* AUIPC: pc of the auipc + sign-extended (imm << 12) */
1:  auipc   a6, 0
    la      a7, 1b
    CHECK_REGS(a6, a7)
2:  auipc   a6, 0x7ffff
    la      a7, 2b
    sub     a6, a6, a7
    CHECK_REG(a6, 0x7ffff000)
3:  auipc   a6, 0x80000
    la      a7, 3b
    sub     a6, a6, a7
    CHECK_REG(a6, 0xffffffff80000000)

    /* Writes to x0 are discarded; x0 reads as zero */
    li      a4, 123
    add     x0, a4, a4
    addi    x0, x0, 5
    lui     x0, 0x12345
    auipc   x0, 1
    addw    x0, a4, a4
    mv      a6, x0
    CHECK_REG(a6, 0)
    add     a6, x0, x0
    CHECK_REG(a6, 0)
    sub     a6, x0, a4
    CHECK_REG(a6, -123)

    /* Long dependency chain through one register */
    li      a6, 1
    .rept 40
    add     a6, a6, a6
    .endr
    CHECK_REG(a6, 0x10000000000)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

END_CHECKS
