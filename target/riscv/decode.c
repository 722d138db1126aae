/*
 * RISC-V 32-bit instruction decoder (Unprivileged ISA 20191213 chapter 24
 * "RV32/64G Instruction Set Listings", Bitmanip 1.0.0 chapter 2, Privileged
 * ISA 20211203 chapter 9). One function per major opcode (bits 6:2); each
 * either fills a DecodedInsn or reports the encoding as illegal.
 */
#include "target/riscv/decode.h"

#define F3(i) extract64(i, 12, 3)
#define F7(i) extract64(i, 25, 7)
#define RD(i) ((uint8_t)extract64(i, 7, 5))
#define RS1(i) ((uint8_t)extract64(i, 15, 5))
#define RS2(i) ((uint8_t)extract64(i, 20, 5))

/* v << n for a signed immediate: shifted as unsigned, as a negative value may not be in C. */
static int64_t shl_signed(int64_t v, unsigned n)
{
    return (int64_t)((uint64_t)v << n);
}

static int64_t imm_i(uint32_t i)
{
    return sextract64(i, 20, 12);
}

static int64_t imm_s(uint32_t i)
{
    return shl_signed(sextract64(i, 25, 7), 5) | extract64(i, 7, 5);
}

static int64_t imm_b(uint32_t i)
{
    return shl_signed(sextract64(i, 31, 1), 12) | (extract64(i, 7, 1) << 11) |
           (extract64(i, 25, 6) << 5) | (extract64(i, 8, 4) << 1);
}

static int64_t imm_j(uint32_t i)
{
    return shl_signed(sextract64(i, 31, 1), 20) | (extract64(i, 12, 8) << 12) |
           (extract64(i, 20, 1) << 11) | (extract64(i, 21, 10) << 1);
}

/* Fill the usual fields; the op is chosen by the group function. */
static bool set(DecodedInsn *d, RISCVOp op, uint32_t i, int64_t imm)
{
    d->op = op;
    d->rd = RD(i);
    d->rs1 = RS1(i);
    d->rs2 = RS2(i);
    d->imm = imm;
    return true;
}

static bool set_rr(DecodedInsn *d, RISCVOp op, uint32_t i)
{
    return set(d, op, i, 0);
}

/* U-type and J-type: only rd and the immediate. */
static bool set_u(DecodedInsn *d, RISCVOp op, uint32_t i, int64_t imm)
{
    set(d, op, i, imm);
    d->rs1 = d->rs2 = 0;
    return true;
}

bool riscv_decode_illegal(DecodedInsn *d)
{
    d->op = OP_ILLEGAL;
    d->rd = d->rs1 = d->rs2 = d->rs3 = 0;
    d->imm = 0;
    d->rm = RISCV_RM_NONE;
    return false;
}

static bool illegal(DecodedInsn *d)
{
    return riscv_decode_illegal(d);
}

static bool dec_load(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[8] = {OP_LB, OP_LH, OP_LW, OP_LD, OP_LBU, OP_LHU, OP_LWU};
    if (F3(i) == 7) {
        return illegal(d);
    }
    set(d, ops[F3(i)], i, imm_i(i));
    d->rs2 = 0;
    return true;
}

static bool dec_store(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[4] = {OP_SB, OP_SH, OP_SW, OP_SD};
    if (F3(i) > 3) {
        return illegal(d);
    }
    set(d, ops[F3(i)], i, imm_s(i));
    d->rd = 0;
    return true;
}

static bool dec_load_fp(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[4] = {0, OP_FLH, OP_FLW, OP_FLD};
    if (F3(i) == 0 || F3(i) >= 5) {
        return riscv_decode_vector(i, d);
    }
    if (F3(i) > 3) {
        return illegal(d);
    }
    set(d, ops[F3(i)], i, imm_i(i));
    d->rs2 = 0;
    return true;
}

static bool dec_store_fp(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[4] = {0, OP_FSH, OP_FSW, OP_FSD};
    if (F3(i) == 0 || F3(i) >= 5) {
        return riscv_decode_vector(i, d);
    }
    if (F3(i) > 3) {
        return illegal(d);
    }
    set(d, ops[F3(i)], i, imm_s(i));
    d->rd = 0;
    return true;
}

static bool dec_misc_mem(uint32_t i, DecodedInsn *d)
{
    /* FENCE's fm/pred/succ and the reserved rd/rs1 fields do not change what
     * one hart must do, and pause (Zihintpause) is a FENCE hint. */
    if (F3(i) == 0) {
        return set(d, OP_FENCE, 0, 0);
    }
    if (F3(i) == 1) {
        return set(d, OP_FENCE_I, 0, 0);
    }
    if (F3(i) == 2 && RD(i) == 0) {
        /* cbo.inval/clean/flush (Zicbom), cbo.zero (Zicboz): rs1 holds the address */
        static const RISCVOp cbo[5] = {OP_CBO_INVAL, OP_CBO_CLEAN, OP_CBO_FLUSH, 0, OP_CBO_ZERO};
        uint32_t f12 = extract64(i, 20, 12);
        if (f12 < 5 && cbo[f12]) {
            set(d, cbo[f12], i, 0);
            d->rs2 = 0;
            return true;
        }
    }
    return illegal(d);
}

/* OP-IMM funct3 = 1: slli and the Zbb/Zbs unary/bit forms. */
static bool dec_op_imm_f1(uint32_t i, DecodedInsn *d)
{
    uint32_t f6 = extract64(i, 26, 6), imm12 = extract64(i, 20, 12);
    int64_t shamt = extract64(i, 20, 6);

    switch (f6) {
    case 0x00:
        return set(d, OP_SLLI, i, shamt);
    case 0x0a:
        return set(d, OP_BSETI, i, shamt);
    case 0x12:
        return set(d, OP_BCLRI, i, shamt);
    case 0x1a:
        return set(d, OP_BINVI, i, shamt);
    }
    switch (imm12) {
    case 0x600:
        return set(d, OP_CLZ, i, 0);
    case 0x601:
        return set(d, OP_CTZ, i, 0);
    case 0x602:
        return set(d, OP_CPOP, i, 0);
    case 0x604:
        return set(d, OP_SEXT_B, i, 0);
    case 0x605:
        return set(d, OP_SEXT_H, i, 0);
    }
    return illegal(d);
}

/* OP-IMM funct3 = 5: right shifts, rori, bexti, orc.b, rev8. */
static bool dec_op_imm_f5(uint32_t i, DecodedInsn *d)
{
    uint32_t f6 = extract64(i, 26, 6), imm12 = extract64(i, 20, 12);
    int64_t shamt = extract64(i, 20, 6);

    switch (f6) {
    case 0x00:
        return set(d, OP_SRLI, i, shamt);
    case 0x10:
        return set(d, OP_SRAI, i, shamt);
    case 0x12:
        return set(d, OP_BEXTI, i, shamt);
    case 0x18:
        return set(d, OP_RORI, i, shamt);
    }
    if (imm12 == 0x287) {
        return set(d, OP_ORC_B, i, 0);
    }
    if (imm12 == 0x6b8) {
        return set(d, OP_REV8, i, 0);
    }
    return illegal(d);
}

static bool dec_op_imm(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[8] = {OP_ADDI, 0, OP_SLTI, OP_SLTIU, OP_XORI, 0, OP_ORI, OP_ANDI};
    bool ok;

    if (F3(i) == 1) {
        ok = dec_op_imm_f1(i, d);
    } else if (F3(i) == 5) {
        ok = dec_op_imm_f5(i, d);
    } else {
        ok = set(d, ops[F3(i)], i, imm_i(i));
    }
    d->rs2 = 0;
    return ok;
}

static bool dec_op_imm_32(uint32_t i, DecodedInsn *d)
{
    uint32_t f7 = F7(i), imm12 = extract64(i, 20, 12);
    int64_t sh5 = extract64(i, 20, 5);
    bool ok = false;

    switch (F3(i)) {
    case 0:
        ok = set(d, OP_ADDIW, i, imm_i(i));
        break;
    case 1:
        if (f7 == 0) {
            ok = set(d, OP_SLLIW, i, sh5);
        } else if (extract64(i, 26, 6) == 0x02) {
            ok = set(d, OP_SLLI_UW, i, extract64(i, 20, 6));
        } else if (imm12 >= 0x600 && imm12 <= 0x602) {
            static const RISCVOp w[3] = {OP_CLZW, OP_CTZW, OP_CPOPW};
            ok = set(d, w[imm12 - 0x600], i, 0);
        }
        break;
    case 5:
        if (f7 == 0x00 || f7 == 0x20 || f7 == 0x30) {
            ok = set(d, f7 == 0 ? OP_SRLIW : f7 == 0x20 ? OP_SRAIW : OP_RORIW, i, sh5);
        }
        break;
    }
    if (!ok) {
        return illegal(d);
    }
    d->rs2 = 0;
    return true;
}

/* OP (R-type), indexed by funct7 then funct3; 0 = reserved. */
static bool dec_op(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp base[8] = {OP_ADD, OP_SLL, OP_SLT, OP_SLTU, OP_XOR, OP_SRL, OP_OR, OP_AND};
    static const RISCVOp muldiv[8] = {OP_MUL, OP_MULH, OP_MULHSU, OP_MULHU,
                                      OP_DIV, OP_DIVU, OP_REM,    OP_REMU};
    static const RISCVOp alt[8] = {OP_SUB, 0, 0, 0, OP_XNOR, OP_SRA, OP_ORN, OP_ANDN};
    static const RISCVOp sh[8] = {0, 0, OP_SH1ADD, 0, OP_SH2ADD, 0, OP_SH3ADD, 0};
    static const RISCVOp minmax[8] = {0,      OP_CLMUL, OP_CLMULR, OP_CLMULH,
                                      OP_MIN, OP_MINU,  OP_MAX,    OP_MAXU};
    const RISCVOp *row;
    RISCVOp op = 0;

    switch (F7(i)) {
    case 0x00:
        row = base;
        break;
    case 0x01:
        row = muldiv;
        break;
    case 0x20:
        row = alt;
        break;
    case 0x10:
        row = sh;
        break;
    case 0x05:
        row = minmax;
        break;
    case 0x30:
        op = F3(i) == 1 ? OP_ROL : F3(i) == 5 ? OP_ROR : 0;
        row = NULL;
        break;
    case 0x24:
        op = F3(i) == 1 ? OP_BCLR : F3(i) == 5 ? OP_BEXT : 0;
        row = NULL;
        break;
    case 0x34:
        op = F3(i) == 1 ? OP_BINV : 0;
        row = NULL;
        break;
    case 0x14:
        op = F3(i) == 1 ? OP_BSET : 0;
        row = NULL;
        break;
    case 0x07: /* Zicond */
        op = F3(i) == 5 ? OP_CZERO_EQZ : F3(i) == 7 ? OP_CZERO_NEZ : 0;
        row = NULL;
        break;
    default:
        return illegal(d);
    }
    if (row) {
        op = row[F3(i)];
    }
    /* OP_LUI is 0: no R-type operation has that number, so 0 marks a hole. */
    return op ? set_rr(d, op, i) : illegal(d);
}

static bool dec_op_32(uint32_t i, DecodedInsn *d)
{
    uint32_t key = F7(i) << 3 | F3(i);
    RISCVOp op;

    switch (key) {
    case 0x00 << 3 | 0:
        op = OP_ADDW;
        break;
    case 0x00 << 3 | 1:
        op = OP_SLLW;
        break;
    case 0x00 << 3 | 5:
        op = OP_SRLW;
        break;
    case 0x20 << 3 | 0:
        op = OP_SUBW;
        break;
    case 0x20 << 3 | 5:
        op = OP_SRAW;
        break;
    case 0x01 << 3 | 0:
        op = OP_MULW;
        break;
    case 0x01 << 3 | 4:
        op = OP_DIVW;
        break;
    case 0x01 << 3 | 5:
        op = OP_DIVUW;
        break;
    case 0x01 << 3 | 6:
        op = OP_REMW;
        break;
    case 0x01 << 3 | 7:
        op = OP_REMUW;
        break;
    case 0x04 << 3 | 0:
        op = OP_ADD_UW;
        break;
    case 0x10 << 3 | 2:
        op = OP_SH1ADD_UW;
        break;
    case 0x10 << 3 | 4:
        op = OP_SH2ADD_UW;
        break;
    case 0x10 << 3 | 6:
        op = OP_SH3ADD_UW;
        break;
    case 0x30 << 3 | 1:
        op = OP_ROLW;
        break;
    case 0x30 << 3 | 5:
        op = OP_RORW;
        break;
    case 0x04 << 3 | 4:
        /* zext.h (RV64 encoding: pack with rs2 = x0) */
        if (RS2(i) != 0) {
            return illegal(d);
        }
        op = OP_ZEXT_H;
        break;
    default:
        return illegal(d);
    }
    return set_rr(d, op, i);
}

static bool dec_branch(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp ops[8] = {OP_BEQ, OP_BNE, 0, 0, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
    if (F3(i) == 2 || F3(i) == 3) {
        return illegal(d);
    }
    set(d, ops[F3(i)], i, imm_b(i));
    d->rd = 0;
    return true;
}

static bool dec_jalr(uint32_t i, DecodedInsn *d)
{
    if (F3(i) != 0) {
        return illegal(d);
    }
    set(d, OP_JALR, i, imm_i(i));
    d->rs2 = 0;
    return true;
}

static bool dec_amo(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp w[32] = {
        [0x00] = OP_AMOADD_W, [0x01] = OP_AMOSWAP_W, [0x02] = OP_LR_W,     [0x03] = OP_SC_W,
        [0x04] = OP_AMOXOR_W, [0x0c] = OP_AMOAND_W,  [0x08] = OP_AMOOR_W,  [0x10] = OP_AMOMIN_W,
        [0x14] = OP_AMOMAX_W, [0x18] = OP_AMOMINU_W, [0x1c] = OP_AMOMAXU_W};
    uint32_t f5 = extract64(i, 27, 5);
    RISCVOp op;

    if ((F3(i) != 2 && F3(i) != 3) || w[f5] == 0) {
        return illegal(d);
    }
    if (f5 == 0x02 && RS2(i) != 0) {
        return illegal(d);
    }
    /* The .D operations follow the .W ones in the same order. */
    op = w[f5] + (F3(i) == 3 ? OP_LR_D - OP_LR_W : 0);
    return set_rr(d, op, i);
}

static bool dec_system_priv(uint32_t i, DecodedInsn *d)
{
    if (RD(i) != 0) {
        return illegal(d);
    }
    if (F7(i) == 0x09) {
        return set_rr(d, OP_SFENCE_VMA, i);
    }
    if (F7(i) == 0x0b) {
        return set_rr(d, OP_SINVAL_VMA, i);
    }
    if (F7(i) == 0x11) {
        return set_rr(d, OP_HFENCE_VVMA, i);
    }
    if (F7(i) == 0x31) {
        return set_rr(d, OP_HFENCE_GVMA, i);
    }
    if (RS1(i) != 0) {
        return illegal(d);
    }
    /* These have no operands: the rs2 field is part of the encoding. */
    switch (extract64(i, 20, 12)) {
    case 0x000:
        return set(d, OP_ECALL, 0, 0);
    case 0x001:
        return set(d, OP_EBREAK, 0, 0);
    case 0x102:
        return set(d, OP_SRET, 0, 0);
    case 0x302:
        return set(d, OP_MRET, 0, 0);
    case 0x105:
        return set(d, OP_WFI, 0, 0);
    case 0x00d:
        return set(d, OP_WRS_NTO, 0, 0);
    case 0x01d:
        return set(d, OP_WRS_STO, 0, 0);
    case 0x180:
        return set(d, OP_SFENCE_W_INVAL, 0, 0);
    case 0x181:
        return set(d, OP_SFENCE_INVAL_IR, 0, 0);
    }
    return illegal(d);
}

/* Zimop, funct3 = 4 of SYSTEM: mop.r.N (bits 25:22 = 0111) and mop.rr.N (bit 25 set), with
 * bit 31 set and bits 29:28 clear; the N bits (30, 27:26, 21:20) do not change what runs. */
static bool dec_mop(uint32_t i, DecodedInsn *d)
{
    if (extract64(i, 31, 1) != 1 || extract64(i, 28, 2) != 0) {
        return illegal(d);
    }
    if (extract64(i, 25, 1)) {
        return set_rr(d, OP_MOP, i);
    }
    if (extract64(i, 22, 4) == 0x7) {
        set(d, OP_MOP, i, 0);
        d->rs2 = 0;
        return true;
    }
    return illegal(d);
}

/*
 * H (8.3.1), funct3 = 4 of SYSTEM with bit 31 clear: funct7 0110ss0 are the loads hlv
 * (rs2 = 0 signed, 1 unsigned, 3 hlvx from execute-only pages, for H and W), funct7 0110ss1
 * the stores hsv (rd = 0, rs2 the data); ss is log2 of the size.
 */
static bool dec_hyp_ls(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp load[4][4] = {
        {OP_HLV_B, OP_HLV_BU, 0, 0},
        {OP_HLV_H, OP_HLV_HU, 0, OP_HLVX_HU},
        {OP_HLV_W, OP_HLV_WU, 0, OP_HLVX_WU},
        {OP_HLV_D, 0, 0, 0},
    };
    static const RISCVOp store[4] = {OP_HSV_B, OP_HSV_H, OP_HSV_W, OP_HSV_D};
    unsigned f7 = F7(i), size = extract64(f7, 1, 2);

    if ((f7 & 0x78) != 0x30) {
        return illegal(d);
    }
    if (f7 & 1) {
        if (RD(i) != 0) {
            return illegal(d);
        }
        return set_rr(d, store[size], i);
    }
    if (RS2(i) > 3 || load[size][RS2(i)] == 0) {
        return illegal(d);
    }
    set_rr(d, load[size][RS2(i)], i);
    d->rs2 = 0;
    return true;
}

static bool dec_system(uint32_t i, DecodedInsn *d)
{
    static const RISCVOp csr[8] = {0, OP_CSRRW,  OP_CSRRS,  OP_CSRRC,
                                   0, OP_CSRRWI, OP_CSRRSI, OP_CSRRCI};
    if (F3(i) == 0) {
        return dec_system_priv(i, d);
    }
    if (F3(i) == 4) {
        return extract64(i, 31, 1) ? dec_mop(i, d) : dec_hyp_ls(i, d);
    }
    set(d, csr[F3(i)], i, extract64(i, 20, 12));
    d->rs2 = 0;
    return true;
}

static bool dec_32(uint32_t i, DecodedInsn *d)
{
    switch (extract64(i, 2, 5)) {
    case 0x00:
        return dec_load(i, d);
    case 0x01:
        return dec_load_fp(i, d);
    case 0x03:
        return dec_misc_mem(i, d);
    case 0x04:
        return dec_op_imm(i, d);
    case 0x05:
        return set_u(d, OP_AUIPC, i, shl_signed(sextract64(i, 12, 20), 12));
    case 0x06:
        return dec_op_imm_32(i, d);
    case 0x08:
        return dec_store(i, d);
    case 0x09:
        return dec_store_fp(i, d);
    case 0x0b:
        return dec_amo(i, d);
    case 0x0c:
        return dec_op(i, d);
    case 0x0d:
        return set_u(d, OP_LUI, i, shl_signed(sextract64(i, 12, 20), 12));
    case 0x0e:
        return dec_op_32(i, d);
    case 0x10:
    case 0x11:
    case 0x12:
    case 0x13:
    case 0x14:
        return riscv_decode_fp(i, d);
    case 0x15:
        return riscv_decode_vector(i, d);
    case 0x18:
        return dec_branch(i, d);
    case 0x19:
        return dec_jalr(i, d);
    case 0x1b:
        return set_u(d, OP_JAL, i, imm_j(i));
    case 0x1c:
        return dec_system(i, d);
    }
    return illegal(d);
}

bool riscv_decode(uint32_t insn, DecodedInsn *d)
{
    memset(d, 0, sizeof(*d));
    d->rm = RISCV_RM_NONE;
    if ((insn & 3) != 3) {
        d->len = 2;
        d->raw = insn & 0xffff;
        return riscv_decode_rvc(insn & 0xffff, d);
    }
    d->len = 4;
    d->raw = insn;
    if ((insn & 0x1c) == 0x1c) {
        /* 48-bit and longer encodings: none is defined. */
        return illegal(d);
    }
    return dec_32(insn, d);
}

static const uint8_t op_kinds[OP_COUNT] = {
#define RISCV_OP_KIND(name, kind) [OP_##name] = OPK_##kind,
    RISCV_OPS(RISCV_OP_KIND)
#undef RISCV_OP_KIND
};

static const char *const op_names[OP_COUNT] = {
#define RISCV_OP_NAME(name, kind) [OP_##name] = #name,
    RISCV_OPS(RISCV_OP_NAME)
#undef RISCV_OP_NAME
};

RISCVOpKind riscv_op_kind(RISCVOp op)
{
    return op < OP_COUNT ? op_kinds[op] : OPK_INT;
}

const char *riscv_op_name(RISCVOp op)
{
    return op < OP_COUNT ? op_names[op] : "?";
}

bool riscv_insn_ends_block(const DecodedInsn *d)
{
    switch (d->op) {
    case OP_JAL:
    case OP_JALR:
    case OP_BEQ:
    case OP_BNE:
    case OP_BLT:
    case OP_BGE:
    case OP_BLTU:
    case OP_BGEU:
    case OP_FENCE_I:
    case OP_ECALL:
    case OP_EBREAK:
    case OP_MRET:
    case OP_SRET:
    case OP_WFI:
    case OP_SFENCE_VMA:
    case OP_SINVAL_VMA:
    case OP_HFENCE_VVMA:
    case OP_HFENCE_GVMA:
    case OP_ILLEGAL:
    case OP_CSRRW:
    case OP_CSRRWI:
        return true;
    case OP_CSRRS:
    case OP_CSRRC:
    case OP_CSRRSI:
    case OP_CSRRCI:
        /* A pure read (rs1/uimm = 0) changes no state: the block goes on. */
        return d->rs1 != 0;
    default:
        return false;
    }
}
