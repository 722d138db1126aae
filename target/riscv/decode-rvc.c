/*
 * RISC-V compressed instruction decoder (Unprivileged ISA 20191213, chapter 16
 * "C" Standard Extension, RVC listings for RV64). Each 16-bit instruction is
 * expanded to the 32-bit operation it stands for, with len = 2. One function
 * per quadrant. Reserved encodings are illegal; HINTs decode to OP_NOP.
 */
#include "target/riscv/decode.h"

#define B(i, pos, len) ((uint32_t)extract64(i, pos, len))
/* The 3-bit register fields name x8..x15 (or f8..f15). */
#define RP(i, pos) ((uint8_t)(8 + B(i, pos, 3)))
#define RFULL(i, pos) ((uint8_t)B(i, pos, 5))

static bool emit(DecodedInsn *d, RISCVOp op, int rd, int rs1, int rs2, int64_t imm)
{
    d->op = op;
    d->rd = rd;
    d->rs1 = rs1;
    d->rs2 = rs2;
    d->imm = imm;
    return true;
}

static bool nop(DecodedInsn *d)
{
    return emit(d, OP_NOP, 0, 0, 0, 0);
}

/* imm[5] = bit 12, imm[4:0] = bits 6:2, sign-extended (c.addi, c.li, c.andi, ...). */
static int64_t imm6(uint16_t i)
{
    return sextract64(B(i, 2, 5) | B(i, 12, 1) << 5, 0, 6);
}

/* Unsigned shift amount shamt[5] = bit 12, shamt[4:0] = bits 6:2. */
static int64_t shamt6(uint16_t i)
{
    return B(i, 2, 5) | B(i, 12, 1) << 5;
}

/* Offsets scaled by 8 (c.ld, c.sd, c.fld, c.fsd): uimm[5:3] = 12:10, uimm[7:6] = 6:5. */
static int64_t uimm_d(uint16_t i)
{
    return B(i, 10, 3) << 3 | B(i, 5, 2) << 6;
}

/* Scaled by 4 (c.lw, c.sw): uimm[5:3] = 12:10, uimm[2] = 6, uimm[6] = 5. */
static int64_t uimm_w(uint16_t i)
{
    return B(i, 10, 3) << 3 | B(i, 6, 1) << 2 | B(i, 5, 1) << 6;
}

/* Zcb byte/halfword loads and stores (quadrant 0, funct3 = 100): uimm[0] = bit 6, [1] = 5. */
static bool dec_q0_zcb(uint16_t i, DecodedInsn *d)
{
    int64_t ub = B(i, 6, 1) | B(i, 5, 1) << 1, uh = B(i, 5, 1) << 1;
    bool ok;

    switch (B(i, 10, 3)) {
    case 0: /* c.lbu */
        ok = emit(d, OP_LBU, RP(i, 2), RP(i, 7), 0, ub);
        break;
    case 1: /* c.lhu, c.lh */
        ok = emit(d, B(i, 6, 1) ? OP_LH : OP_LHU, RP(i, 2), RP(i, 7), 0, uh);
        break;
    case 2: /* c.sb */
        ok = emit(d, OP_SB, 0, RP(i, 7), RP(i, 2), ub);
        break;
    case 3: /* c.sh */
        if (B(i, 6, 1)) {
            return riscv_decode_illegal(d);
        }
        ok = emit(d, OP_SH, 0, RP(i, 7), RP(i, 2), uh);
        break;
    default:
        return riscv_decode_illegal(d);
    }
    d->ext = RISCV_DEC_ZCB;
    return ok;
}

static bool dec_q0(uint16_t i, DecodedInsn *d)
{
    int64_t imm;

    switch (B(i, 13, 3)) {
    case 0: /* c.addi4spn: nzuimm[5:4|9:6|2|3] */
        imm = B(i, 11, 2) << 4 | B(i, 7, 4) << 6 | B(i, 6, 1) << 2 | B(i, 5, 1) << 3;
        if (imm == 0) {
            return riscv_decode_illegal(d); /* also the all-zero instruction */
        }
        return emit(d, OP_ADDI, RP(i, 2), 2, 0, imm);
    case 1:
        return emit(d, OP_FLD, RP(i, 2), RP(i, 7), 0, uimm_d(i));
    case 2:
        return emit(d, OP_LW, RP(i, 2), RP(i, 7), 0, uimm_w(i));
    case 3:
        return emit(d, OP_LD, RP(i, 2), RP(i, 7), 0, uimm_d(i));
    case 5:
        return emit(d, OP_FSD, 0, RP(i, 7), RP(i, 2), uimm_d(i));
    case 6:
        return emit(d, OP_SW, 0, RP(i, 7), RP(i, 2), uimm_w(i));
    case 7:
        return emit(d, OP_SD, 0, RP(i, 7), RP(i, 2), uimm_d(i));
    case 4:
        return dec_q0_zcb(i, d);
    }
    return riscv_decode_illegal(d);
}

/* c.addi16sp (rd = x2) and c.lui. */
static bool dec_q1_lui(uint16_t i, DecodedInsn *d)
{
    int rd = RFULL(i, 7);
    int64_t imm;

    if (rd == 2) {
        /* nzimm[9] = 12, [4] = 6, [6] = 5, [8:7] = 4:3, [5] = 2 */
        imm = B(i, 6, 1) << 4 | B(i, 5, 1) << 6 | B(i, 3, 2) << 7 | B(i, 2, 1) << 5;
        imm |= B(i, 12, 1) ? ~(int64_t)0x1ff : 0;
        return imm ? emit(d, OP_ADDI, 2, 2, 0, imm) : riscv_decode_illegal(d);
    }
    imm = (int64_t)((uint64_t)imm6(i) << 12); /* unsigned: imm6 may be negative */
    if (imm == 0 && (rd & 1) && rd < 16) {
        d->ext = RISCV_DEC_ZCMOP; /* c.mop.N: no effect */
        return nop(d);
    }
    if (imm == 0) {
        return riscv_decode_illegal(d);
    }
    return rd ? emit(d, OP_LUI, rd, 0, 0, imm) : nop(d);
}

/* Zcb, quadrant 1 funct6 = 100111: c.mul, and the unary group selected by bits 4:2
 * (c.zext.b, c.sext.b, c.zext.h, c.sext.h, c.zext.w, c.not). */
static bool dec_q1_zcb(uint16_t i, DecodedInsn *d)
{
    int rd = RP(i, 7);
    bool ok;

    if (B(i, 10, 2) != 3) {
        return riscv_decode_illegal(d);
    }
    if (B(i, 5, 2) == 2) {
        ok = emit(d, OP_MUL, rd, rd, RP(i, 2), 0);
    } else {
        switch (B(i, 2, 3)) {
        case 0:
            ok = emit(d, OP_ANDI, rd, rd, 0, 0xff);
            break;
        case 1:
            ok = emit(d, OP_SEXT_B, rd, rd, 0, 0);
            break;
        case 2:
            ok = emit(d, OP_ZEXT_H, rd, rd, 0, 0);
            break;
        case 3:
            ok = emit(d, OP_SEXT_H, rd, rd, 0, 0);
            break;
        case 4:
            ok = emit(d, OP_ADD_UW, rd, rd, 0, 0);
            break;
        case 5:
            ok = emit(d, OP_XORI, rd, rd, 0, -1);
            break;
        default:
            return riscv_decode_illegal(d);
        }
    }
    d->ext = RISCV_DEC_ZCB;
    return ok;
}

/* Quadrant 1, funct3 = 100: shifts, andi and the register-register group. */
static bool dec_q1_alu(uint16_t i, DecodedInsn *d)
{
    static const RISCVOp rr[8] = {OP_SUB, OP_XOR, OP_OR, OP_AND, OP_SUBW, OP_ADDW};
    int rd = RP(i, 7);
    uint32_t sel;

    switch (B(i, 10, 2)) {
    case 0:
        return emit(d, OP_SRLI, rd, rd, 0, shamt6(i));
    case 1:
        return emit(d, OP_SRAI, rd, rd, 0, shamt6(i));
    case 2:
        return emit(d, OP_ANDI, rd, rd, 0, imm6(i));
    }
    sel = B(i, 12, 1) << 2 | B(i, 5, 2);
    if (sel >= 6) {
        return dec_q1_zcb(i, d);
    }
    return emit(d, rr[sel], rd, rd, RP(i, 2), 0);
}

static bool dec_q1(uint16_t i, DecodedInsn *d)
{
    int rd = RFULL(i, 7);
    int64_t imm;

    switch (B(i, 13, 3)) {
    case 0: /* c.addi; c.nop and rd = x0 / imm = 0 hints */
        return rd ? emit(d, OP_ADDI, rd, rd, 0, imm6(i)) : nop(d);
    case 1: /* c.addiw */
        return rd ? emit(d, OP_ADDIW, rd, rd, 0, imm6(i)) : riscv_decode_illegal(d);
    case 2: /* c.li */
        return rd ? emit(d, OP_ADDI, rd, 0, 0, imm6(i)) : nop(d);
    case 3:
        return dec_q1_lui(i, d);
    case 4:
        return dec_q1_alu(i, d);
    case 5: /* c.j: imm[11|4|9:8|10|6|7|3:1|5] */
        imm = B(i, 3, 3) << 1 | B(i, 11, 1) << 4 | B(i, 2, 1) << 5 | B(i, 7, 1) << 6 |
              B(i, 6, 1) << 7 | B(i, 9, 2) << 8 | B(i, 8, 1) << 10;
        imm |= B(i, 12, 1) ? ~(int64_t)0x7ff : 0;
        return emit(d, OP_JAL, 0, 0, 0, imm);
    default: /* c.beqz, c.bnez: imm[8|4:3] = 12:10, imm[7:6|2:1|5] = 6:2 */
        imm = B(i, 3, 2) << 1 | B(i, 10, 2) << 3 | B(i, 2, 1) << 5 | B(i, 5, 2) << 6;
        imm |= B(i, 12, 1) ? ~(int64_t)0xff : 0;
        return emit(d, B(i, 13, 3) == 6 ? OP_BEQ : OP_BNE, 0, RP(i, 7), 0, imm);
    }
}

/* Quadrant 2, funct3 = 100: c.jr, c.mv, c.ebreak, c.jalr, c.add. */
static bool dec_q2_jr(uint16_t i, DecodedInsn *d)
{
    int rs1 = RFULL(i, 7), rs2 = RFULL(i, 2);

    if (!B(i, 12, 1)) {
        if (rs2 == 0) {
            return rs1 ? emit(d, OP_JALR, 0, rs1, 0, 0) : riscv_decode_illegal(d);
        }
        return rs1 ? emit(d, OP_ADD, rs1, 0, rs2, 0) : nop(d);
    }
    if (rs2 == 0) {
        return rs1 ? emit(d, OP_JALR, 1, rs1, 0, 0) : emit(d, OP_EBREAK, 0, 0, 0, 0);
    }
    return rs1 ? emit(d, OP_ADD, rs1, rs1, rs2, 0) : nop(d);
}

static bool dec_q2(uint16_t i, DecodedInsn *d)
{
    int rd = RFULL(i, 7), rs2 = RFULL(i, 2);
    /* sp-relative offsets: ldsp uimm[5] = 12, [4:3] = 6:5, [8:6] = 4:2; lwsp [4:2] = 6:4,
     * [7:6] = 3:2; sdsp [5:3] = 12:10, [8:6] = 9:7; swsp [5:2] = 12:9, [7:6] = 8:7 */
    int64_t ldsp = B(i, 12, 1) << 5 | B(i, 5, 2) << 3 | B(i, 2, 3) << 6;
    int64_t lwsp = B(i, 12, 1) << 5 | B(i, 4, 3) << 2 | B(i, 2, 2) << 6;
    int64_t sdsp = B(i, 10, 3) << 3 | B(i, 7, 3) << 6;
    int64_t swsp = B(i, 9, 4) << 2 | B(i, 7, 2) << 6;

    switch (B(i, 13, 3)) {
    case 0: /* c.slli; rd = x0 is a hint */
        return rd ? emit(d, OP_SLLI, rd, rd, 0, shamt6(i)) : nop(d);
    case 1:
        return emit(d, OP_FLD, rd, 2, 0, ldsp);
    case 2:
        return rd ? emit(d, OP_LW, rd, 2, 0, lwsp) : riscv_decode_illegal(d);
    case 3:
        return rd ? emit(d, OP_LD, rd, 2, 0, ldsp) : riscv_decode_illegal(d);
    case 4:
        return dec_q2_jr(i, d);
    case 5:
        return emit(d, OP_FSD, 0, 2, rs2, sdsp);
    case 6:
        return emit(d, OP_SW, 0, 2, rs2, swsp);
    default:
        return emit(d, OP_SD, 0, 2, rs2, sdsp);
    }
}

bool riscv_decode_rvc(uint16_t insn, DecodedInsn *d)
{
    switch (insn & 3) {
    case 0:
        return dec_q0(insn, d);
    case 1:
        return dec_q1(insn, d);
    default:
        return dec_q2(insn, d);
    }
}
