/*
 * Compressed (C extension) instructions for the disassembler: each one is
 * rewritten as the 32-bit instruction it expands to (RISC-V unprivileged spec,
 * chapter 16 "C" Standard Extension, tables 16.5-16.7), which disas/riscv.c then
 * prints. objdump prints compressed instructions under their expanded names
 * (c.addi4spn as "add a0,sp,16", c.jr ra as "ret"), so one printer serves both.
 */
#include "riscv-internal.h"

/* Bits hi..lo of x, shifted down. */
static uint32_t field(uint32_t x, int hi, int lo)
{
    return (x >> lo) & ((1u << (hi - lo + 1)) - 1);
}

/* Sign-extend the low n bits of x. */
static int32_t sext(uint32_t x, int n)
{
    return (int32_t)(x << (32 - n)) >> (32 - n);
}

static uint32_t enc_i(uint32_t op, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm)
{
    return op | rd << 7 | f3 << 12 | rs1 << 15 | ((uint32_t)imm & 0xfff) << 20;
}

static uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return op | (u & 0x1f) << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | field(u, 11, 5) << 25;
}

static uint32_t enc_r(uint32_t op, uint32_t f3, uint32_t f7, uint32_t rd, uint32_t rs1,
                      uint32_t rs2)
{
    return op | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20 | f7 << 25;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 0x63 | field(u, 11, 11) << 7 | field(u, 4, 1) << 8 | f3 << 12 | rs1 << 15 |
           field(u, 10, 5) << 25 | field(u, 12, 12) << 31;
}

static uint32_t enc_j(uint32_t rd, int32_t imm)
{
    uint32_t u = (uint32_t)imm;
    return 0x6f | rd << 7 | field(u, 19, 12) << 12 | field(u, 11, 11) << 20 |
           field(u, 10, 1) << 21 | field(u, 20, 20) << 31;
}

/* The registers x8..x15 that the 3-bit fields name. */
static uint32_t creg(uint32_t c, int lo)
{
    return 8 + field(c, lo + 2, lo);
}

/* Quadrant 0: stack-pointer based add and the loads/stores with 3-bit registers. */
static uint32_t expand_q0(uint32_t c)
{
    uint32_t rd = creg(c, 2), rs1 = creg(c, 7);
    uint32_t off_w = field(c, 12, 10) << 3 | field(c, 6, 6) << 2 | field(c, 5, 5) << 6;
    uint32_t off_d = field(c, 12, 10) << 3 | field(c, 6, 5) << 6;

    switch (field(c, 15, 13)) {
    case 0: {
        uint32_t imm = field(c, 12, 11) << 4 | field(c, 10, 7) << 6 | field(c, 6, 6) << 2 |
                       field(c, 5, 5) << 3;
        return imm ? enc_i(0x13, 0, rd, 2, (int32_t)imm) : 0;
    }
    case 1:
        return enc_i(0x07, 3, rd, rs1, (int32_t)off_d);
    case 2:
        return enc_i(0x03, 2, rd, rs1, (int32_t)off_w);
    case 3:
        return enc_i(0x03, 3, rd, rs1, (int32_t)off_d);
    case 5:
        return enc_s(0x27, 3, rs1, rd, (int32_t)off_d);
    case 6:
        return enc_s(0x23, 2, rs1, rd, (int32_t)off_w);
    case 7:
        return enc_s(0x23, 3, rs1, rd, (int32_t)off_d);
    default:
        return 0;
    }
}

/* Quadrant 1, funct3 = 100: shifts, andi and the register-register ALU group. */
static uint32_t expand_q1_alu(uint32_t c)
{
    static const uint8_t alu_f3[4] = {0, 4, 6, 7}; /* sub xor or and */
    static const uint8_t alu_f7[4] = {0x20, 0, 0, 0};
    uint32_t rd = creg(c, 7), rs2 = creg(c, 2);
    uint32_t shamt = field(c, 12, 12) << 5 | field(c, 6, 2);
    uint32_t sel = field(c, 6, 5);

    switch (field(c, 11, 10)) {
    case 0:
        return enc_i(0x13, 5, rd, rd, (int32_t)shamt);
    case 1:
        return enc_i(0x13, 5, rd, rd, (int32_t)(shamt | 0x400));
    case 2:
        return enc_i(0x13, 7, rd, rd, sext(shamt, 6));
    default:
        if (!field(c, 12, 12)) {
            return enc_r(0x33, alu_f3[sel], alu_f7[sel], rd, rd, rs2);
        }
        if (sel > 1) {
            return 0;
        }
        return enc_r(0x3b, 0, sel ? 0 : 0x20, rd, rd, rs2); /* subw, addw */
    }
}

static uint32_t expand_q1(uint32_t c)
{
    uint32_t rd = field(c, 11, 7), rs1 = creg(c, 7);
    int32_t imm6 = sext(field(c, 12, 12) << 5 | field(c, 6, 2), 6);
    int32_t joff = sext(field(c, 12, 12) << 11 | field(c, 11, 11) << 4 | field(c, 10, 9) << 8 |
                            field(c, 8, 8) << 10 | field(c, 7, 7) << 6 | field(c, 6, 6) << 7 |
                            field(c, 5, 3) << 1 | field(c, 2, 2) << 5,
                        12);
    int32_t boff = sext(field(c, 12, 12) << 8 | field(c, 11, 10) << 3 | field(c, 6, 5) << 6 |
                            field(c, 4, 3) << 1 | field(c, 2, 2) << 5,
                        9);

    switch (field(c, 15, 13)) {
    case 0:
        return enc_i(0x13, 0, rd, rd, imm6);
    case 1:
        return rd ? enc_i(0x1b, 0, rd, rd, imm6) : 0;
    case 2:
        return enc_i(0x13, 0, rd, 0, imm6);
    case 3:
        if (rd == 2) {
            int32_t imm = sext(field(c, 12, 12) << 9 | field(c, 6, 6) << 4 | field(c, 5, 5) << 6 |
                                   field(c, 4, 3) << 7 | field(c, 2, 2) << 5,
                               10);
            return imm ? enc_i(0x13, 0, 2, 2, imm) : 0;
        }
        return imm6 ? 0x37 | rd << 7 | ((uint32_t)imm6 & 0xfffff) << 12 : 0;
    case 4:
        return expand_q1_alu(c);
    case 5:
        return enc_j(0, joff);
    case 6:
        return enc_b(0, rs1, boff);
    default:
        return enc_b(1, rs1, boff);
    }
}

/* Quadrant 2, funct3 = 100: jr, mv, ebreak, jalr, add. */
static uint32_t expand_q2_jr(uint32_t c)
{
    uint32_t rd = field(c, 11, 7), rs2 = field(c, 6, 2);

    if (!field(c, 12, 12)) {
        if (rs2) {
            return enc_i(0x13, 0, rd, rs2, 0); /* mv */
        }
        return rd ? enc_i(0x67, 0, 0, rd, 0) : 0;
    }
    if (!rd && !rs2) {
        return 0x00100073; /* ebreak */
    }
    return rs2 ? enc_r(0x33, 0, 0, rd, rd, rs2) : enc_i(0x67, 0, 1, rd, 0);
}

static uint32_t expand_q2(uint32_t c)
{
    uint32_t rd = field(c, 11, 7), rs2 = field(c, 6, 2);
    uint32_t shamt = field(c, 12, 12) << 5 | field(c, 6, 2);
    uint32_t ld_w = field(c, 12, 12) << 5 | field(c, 6, 4) << 2 | field(c, 3, 2) << 6;
    uint32_t ld_d = field(c, 12, 12) << 5 | field(c, 6, 5) << 3 | field(c, 4, 2) << 6;
    uint32_t st_w = field(c, 12, 9) << 2 | field(c, 8, 7) << 6;
    uint32_t st_d = field(c, 12, 10) << 3 | field(c, 9, 7) << 6;

    switch (field(c, 15, 13)) {
    case 0:
        return enc_i(0x13, 1, rd, rd, (int32_t)shamt);
    case 1:
        return enc_i(0x07, 3, rd, 2, (int32_t)ld_d);
    case 2:
        return rd ? enc_i(0x03, 2, rd, 2, (int32_t)ld_w) : 0;
    case 3:
        return rd ? enc_i(0x03, 3, rd, 2, (int32_t)ld_d) : 0;
    case 4:
        return expand_q2_jr(c);
    case 5:
        return enc_s(0x27, 3, 2, rs2, (int32_t)st_d);
    case 6:
        return enc_s(0x23, 2, 2, rs2, (int32_t)st_w);
    default:
        return enc_s(0x23, 3, 2, rs2, (int32_t)st_d);
    }
}

uint32_t riscv_rvc_expand(uint16_t insn)
{
    switch (insn & 3) {
    case 0:
        return expand_q0(insn);
    case 1:
        return expand_q1(insn);
    case 2:
        return expand_q2(insn);
    default:
        return 0;
    }
}
