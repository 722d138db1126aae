/*
 * Unit tests for the RISC-V decoder (target/riscv/decode*.c): a table of
 * encodings covering every operation of RV64IMAFDC, Zicsr, Zifencei, Zba,
 * Zbb, Zbc, Zbs, the privileged instructions and the RVA23 additions
 * (Zicond, Zimop, Zcb, Zcmop, Zawrs, Zicbom/Zicboz, Svinval), checked field by field
 * (operation, registers, sign-extended immediate, rounding mode, length);
 * reserved and unknown encodings rejected; HINTs decoded as no-ops.
 * The encodings were produced by the GNU assembler from the text beside
 * them, so the table checks the decoder against an independent encoder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "target/riscv/decode.h"

typedef struct Vector {
    const char *text;
    uint32_t bits;
    RISCVOp op;
    uint8_t rd, rs1, rs2, rs3, rm;
    int64_t imm;
} Vector;

static const Vector vectors[] = {
    {"lui a0, 0xfffff", 0xfffff537, OP_LUI, 10, 0, 0, 0, RISCV_RM_NONE, -4096},
    {"auipc t0, 0x80000", 0x80000297, OP_AUIPC, 5, 0, 0, 0, RISCV_RM_NONE, -2147483648},
    {"jal ra, .+0xffffe", 0x7ffff0ef, OP_JAL, 1, 0, 0, 0, RISCV_RM_NONE, 1048574},
    {"jal x0, .-0x100000", 0x8000006f, OP_JAL, 0, 0, 0, 0, RISCV_RM_NONE, -1048576},
    {"jalr ra, -2048(a5)", 0x800780e7, OP_JALR, 1, 15, 0, 0, RISCV_RM_NONE, -2048},
    {"beq a0, a1, .-4096", 0x80b50063, OP_BEQ, 0, 10, 11, 0, RISCV_RM_NONE, -4096},
    {"bne a0, a1, .+4094", 0x7eb51fe3, OP_BNE, 0, 10, 11, 0, RISCV_RM_NONE, 4094},
    {"blt t0, t1, .+8", 0x0062c463, OP_BLT, 0, 5, 6, 0, RISCV_RM_NONE, 8},
    {"bge t0, t1, .-2", 0xfe62dfe3, OP_BGE, 0, 5, 6, 0, RISCV_RM_NONE, -2},
    {"bltu s0, s1, .+16", 0x00946863, OP_BLTU, 0, 8, 9, 0, RISCV_RM_NONE, 16},
    {"bgeu s0, s1, .+16", 0x00947863, OP_BGEU, 0, 8, 9, 0, RISCV_RM_NONE, 16},
    {"lb a0, -1(sp)", 0xfff10503, OP_LB, 10, 2, 0, 0, RISCV_RM_NONE, -1},
    {"lh a0, 2047(sp)", 0x7ff11503, OP_LH, 10, 2, 0, 0, RISCV_RM_NONE, 2047},
    {"lw a0, -2048(sp)", 0x80012503, OP_LW, 10, 2, 0, 0, RISCV_RM_NONE, -2048},
    {"ld a0, 8(sp)", 0x00813503, OP_LD, 10, 2, 0, 0, RISCV_RM_NONE, 8},
    {"lbu a0, 1(a1)", 0x0015c503, OP_LBU, 10, 11, 0, 0, RISCV_RM_NONE, 1},
    {"lhu a0, 2(a1)", 0x0025d503, OP_LHU, 10, 11, 0, 0, RISCV_RM_NONE, 2},
    {"lwu a0, 4(a1)", 0x0045e503, OP_LWU, 10, 11, 0, 0, RISCV_RM_NONE, 4},
    {"sb a0, -1(sp)", 0xfea10fa3, OP_SB, 0, 2, 10, 0, RISCV_RM_NONE, -1},
    {"sh a0, 2047(sp)", 0x7ea11fa3, OP_SH, 0, 2, 10, 0, RISCV_RM_NONE, 2047},
    {"sw a0, -2048(sp)", 0x80a12023, OP_SW, 0, 2, 10, 0, RISCV_RM_NONE, -2048},
    {"sd ra, 24(sp)", 0x00113c23, OP_SD, 0, 2, 1, 0, RISCV_RM_NONE, 24},
    {"addi a0, a1, -1", 0xfff58513, OP_ADDI, 10, 11, 0, 0, RISCV_RM_NONE, -1},
    {"slti a0, a1, 5", 0x0055a513, OP_SLTI, 10, 11, 0, 0, RISCV_RM_NONE, 5},
    {"sltiu a0, a1, -5", 0xffb5b513, OP_SLTIU, 10, 11, 0, 0, RISCV_RM_NONE, -5},
    {"xori a0, a1, 0x7ff", 0x7ff5c513, OP_XORI, 10, 11, 0, 0, RISCV_RM_NONE, 2047},
    {"ori a0, a1, -0x800", 0x8005e513, OP_ORI, 10, 11, 0, 0, RISCV_RM_NONE, -2048},
    {"andi a0, a1, 0xff", 0x0ff5f513, OP_ANDI, 10, 11, 0, 0, RISCV_RM_NONE, 255},
    {"slli a0, a1, 63", 0x03f59513, OP_SLLI, 10, 11, 0, 0, RISCV_RM_NONE, 63},
    {"srli a0, a1, 32", 0x0205d513, OP_SRLI, 10, 11, 0, 0, RISCV_RM_NONE, 32},
    {"srai a0, a1, 1", 0x4015d513, OP_SRAI, 10, 11, 0, 0, RISCV_RM_NONE, 1},
    {"add a0, a1, a2", 0x00c58533, OP_ADD, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sub a0, a1, a2", 0x40c58533, OP_SUB, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sll a0, a1, a2", 0x00c59533, OP_SLL, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"slt a0, a1, a2", 0x00c5a533, OP_SLT, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sltu a0, a1, a2", 0x00c5b533, OP_SLTU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"xor a0, a1, a2", 0x00c5c533, OP_XOR, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"srl a0, a1, a2", 0x00c5d533, OP_SRL, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sra a0, a1, a2", 0x40c5d533, OP_SRA, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"or a0, a1, a2", 0x00c5e533, OP_OR, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"and a0, a1, a2", 0x00c5f533, OP_AND, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"addiw a0, a1, -3", 0xffd5851b, OP_ADDIW, 10, 11, 0, 0, RISCV_RM_NONE, -3},
    {"slliw a0, a1, 31", 0x01f5951b, OP_SLLIW, 10, 11, 0, 0, RISCV_RM_NONE, 31},
    {"srliw a0, a1, 3", 0x0035d51b, OP_SRLIW, 10, 11, 0, 0, RISCV_RM_NONE, 3},
    {"sraiw a0, a1, 3", 0x4035d51b, OP_SRAIW, 10, 11, 0, 0, RISCV_RM_NONE, 3},
    {"addw a0, a1, a2", 0x00c5853b, OP_ADDW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"subw a0, a1, a2", 0x40c5853b, OP_SUBW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sllw a0, a1, a2", 0x00c5953b, OP_SLLW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"srlw a0, a1, a2", 0x00c5d53b, OP_SRLW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sraw a0, a1, a2", 0x40c5d53b, OP_SRAW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fence rw, rw", 0x0330000f, OP_FENCE, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"fence.tso", 0x8330000f, OP_FENCE, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"pause", 0x0100000f, OP_FENCE, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"fence.i", 0x0000100f, OP_FENCE_I, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"ecall", 0x00000073, OP_ECALL, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"ebreak", 0x00100073, OP_EBREAK, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"mret", 0x30200073, OP_MRET, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"sret", 0x10200073, OP_SRET, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"wfi", 0x10500073, OP_WFI, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"sfence.vma a0, a1", 0x12b50073, OP_SFENCE_VMA, 0, 10, 11, 0, RISCV_RM_NONE, 0},
    {"csrrw a0, mstatus, a1", 0x30059573, OP_CSRRW, 10, 11, 0, 0, RISCV_RM_NONE, 768},
    {"csrrs a0, cycle, x0", 0xc0002573, OP_CSRRS, 10, 0, 0, 0, RISCV_RM_NONE, 3072},
    {"csrrc a0, 0xfff, a1", 0xfff5b573, OP_CSRRC, 10, 11, 0, 0, RISCV_RM_NONE, 4095},
    {"csrrwi a0, satp, 31", 0x180fd573, OP_CSRRWI, 10, 31, 0, 0, RISCV_RM_NONE, 384},
    {"csrrsi a0, sip, 1", 0x1440e573, OP_CSRRSI, 10, 1, 0, 0, RISCV_RM_NONE, 324},
    {"csrrci x0, sie, 2", 0x10417073, OP_CSRRCI, 0, 2, 0, 0, RISCV_RM_NONE, 260},
    {"mul a0, a1, a2", 0x02c58533, OP_MUL, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"mulh a0, a1, a2", 0x02c59533, OP_MULH, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"mulhsu a0, a1, a2", 0x02c5a533, OP_MULHSU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"mulhu a0, a1, a2", 0x02c5b533, OP_MULHU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"div a0, a1, a2", 0x02c5c533, OP_DIV, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"divu a0, a1, a2", 0x02c5d533, OP_DIVU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"rem a0, a1, a2", 0x02c5e533, OP_REM, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"remu a0, a1, a2", 0x02c5f533, OP_REMU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"mulw a0, a1, a2", 0x02c5853b, OP_MULW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"divw a0, a1, a2", 0x02c5c53b, OP_DIVW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"divuw a0, a1, a2", 0x02c5d53b, OP_DIVUW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"remw a0, a1, a2", 0x02c5e53b, OP_REMW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"remuw a0, a1, a2", 0x02c5f53b, OP_REMUW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sh1add a0, a1, a2", 0x20c5a533, OP_SH1ADD, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sh2add a0, a1, a2", 0x20c5c533, OP_SH2ADD, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sh3add a0, a1, a2", 0x20c5e533, OP_SH3ADD, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"add.uw a0, a1, a2", 0x08c5853b, OP_ADD_UW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sh1add.uw a0, a1, a2", 0x20c5a53b, OP_SH1ADD_UW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sh2add.uw a0, a1, a2", 0x20c5c53b, OP_SH2ADD_UW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sh3add.uw a0, a1, a2", 0x20c5e53b, OP_SH3ADD_UW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"slli.uw a0, a1, 40", 0x0a85951b, OP_SLLI_UW, 10, 11, 0, 0, RISCV_RM_NONE, 40},
    {"andn a0, a1, a2", 0x40c5f533, OP_ANDN, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"orn a0, a1, a2", 0x40c5e533, OP_ORN, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"xnor a0, a1, a2", 0x40c5c533, OP_XNOR, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"clz a0, a1", 0x60059513, OP_CLZ, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"clzw a0, a1", 0x6005951b, OP_CLZW, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"ctz a0, a1", 0x60159513, OP_CTZ, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"ctzw a0, a1", 0x6015951b, OP_CTZW, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"cpop a0, a1", 0x60259513, OP_CPOP, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"cpopw a0, a1", 0x6025951b, OP_CPOPW, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"max a0, a1, a2", 0x0ac5e533, OP_MAX, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"maxu a0, a1, a2", 0x0ac5f533, OP_MAXU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"min a0, a1, a2", 0x0ac5c533, OP_MIN, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"minu a0, a1, a2", 0x0ac5d533, OP_MINU, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"sext.b a0, a1", 0x60459513, OP_SEXT_B, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"sext.h a0, a1", 0x60559513, OP_SEXT_H, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"zext.h a0, a1", 0x0805c53b, OP_ZEXT_H, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"rol a0, a1, a2", 0x60c59533, OP_ROL, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"rolw a0, a1, a2", 0x60c5953b, OP_ROLW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"ror a0, a1, a2", 0x60c5d533, OP_ROR, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"rori a0, a1, 33", 0x6215d513, OP_RORI, 10, 11, 0, 0, RISCV_RM_NONE, 33},
    {"roriw a0, a1, 7", 0x6075d51b, OP_RORIW, 10, 11, 0, 0, RISCV_RM_NONE, 7},
    {"rorw a0, a1, a2", 0x60c5d53b, OP_RORW, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"orc.b a0, a1", 0x2875d513, OP_ORC_B, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"rev8 a0, a1", 0x6b85d513, OP_REV8, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"clmul a0, a1, a2", 0x0ac59533, OP_CLMUL, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"clmulh a0, a1, a2", 0x0ac5b533, OP_CLMULH, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"clmulr a0, a1, a2", 0x0ac5a533, OP_CLMULR, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"bclr a0, a1, a2", 0x48c59533, OP_BCLR, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"bclri a0, a1, 63", 0x4bf59513, OP_BCLRI, 10, 11, 0, 0, RISCV_RM_NONE, 63},
    {"bext a0, a1, a2", 0x48c5d533, OP_BEXT, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"bexti a0, a1, 5", 0x4855d513, OP_BEXTI, 10, 11, 0, 0, RISCV_RM_NONE, 5},
    {"binv a0, a1, a2", 0x68c59533, OP_BINV, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"binvi a0, a1, 40", 0x6a859513, OP_BINVI, 10, 11, 0, 0, RISCV_RM_NONE, 40},
    {"bset a0, a1, a2", 0x28c59533, OP_BSET, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"bseti a0, a1, 0", 0x28059513, OP_BSETI, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"lr.w a0, (a1)", 0x1005a52f, OP_LR_W, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"sc.w a0, a2, (a1)", 0x18c5a52f, OP_SC_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoswap.w.aq a0, a2, (a1)", 0x0cc5a52f, OP_AMOSWAP_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoadd.w a0, a2, (a1)", 0x00c5a52f, OP_AMOADD_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoxor.w a0, a2, (a1)", 0x20c5a52f, OP_AMOXOR_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoand.w a0, a2, (a1)", 0x60c5a52f, OP_AMOAND_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoor.w a0, a2, (a1)", 0x40c5a52f, OP_AMOOR_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amomin.w a0, a2, (a1)", 0x80c5a52f, OP_AMOMIN_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amomax.w a0, a2, (a1)", 0xa0c5a52f, OP_AMOMAX_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amominu.w a0, a2, (a1)", 0xc0c5a52f, OP_AMOMINU_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amomaxu.w a0, a2, (a1)", 0xe0c5a52f, OP_AMOMAXU_W, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"lr.d.aqrl a0, (a1)", 0x1605b52f, OP_LR_D, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"sc.d.rl a0, a2, (a1)", 0x1ac5b52f, OP_SC_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoswap.d a0, a2, (a1)", 0x08c5b52f, OP_AMOSWAP_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoadd.d a0, a2, (a1)", 0x00c5b52f, OP_AMOADD_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoxor.d a0, a2, (a1)", 0x20c5b52f, OP_AMOXOR_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoand.d a0, a2, (a1)", 0x60c5b52f, OP_AMOAND_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amoor.d a0, a2, (a1)", 0x40c5b52f, OP_AMOOR_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amomin.d a0, a2, (a1)", 0x80c5b52f, OP_AMOMIN_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amomax.d a0, a2, (a1)", 0xa0c5b52f, OP_AMOMAX_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amominu.d a0, a2, (a1)", 0xc0c5b52f, OP_AMOMINU_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"amomaxu.d a0, a2, (a1)", 0xe0c5b52f, OP_AMOMAXU_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"flw fa0, -4(a1)", 0xffc5a507, OP_FLW, 10, 11, 0, 0, RISCV_RM_NONE, -4},
    {"fld fa0, 8(a1)", 0x0085b507, OP_FLD, 10, 11, 0, 0, RISCV_RM_NONE, 8},
    {"fsw fa2, -4(a1)", 0xfec5ae27, OP_FSW, 0, 11, 12, 0, RISCV_RM_NONE, -4},
    {"fsd fa2, 8(a1)", 0x00c5b427, OP_FSD, 0, 11, 12, 0, RISCV_RM_NONE, 8},
    {"fmadd.s fa0, fa1, fa2, fa3, rne", 0x68c58543, OP_FMADD_S, 10, 11, 12, 13, 0, 0},
    {"fmsub.s fa0, fa1, fa2, fa3, rtz", 0x68c59547, OP_FMSUB_S, 10, 11, 12, 13, 1, 0},
    {"fnmsub.s fa0, fa1, fa2, fa3, rdn", 0x68c5a54b, OP_FNMSUB_S, 10, 11, 12, 13, 2, 0},
    {"fnmadd.s fa0, fa1, fa2, fa3, rup", 0x68c5b54f, OP_FNMADD_S, 10, 11, 12, 13, 3, 0},
    {"fmadd.d fa0, fa1, fa2, fa3, rmm", 0x6ac5c543, OP_FMADD_D, 10, 11, 12, 13, 4, 0},
    {"fmsub.d fa0, fa1, fa2, fa3", 0x6ac5f547, OP_FMSUB_D, 10, 11, 12, 13, 7, 0},
    {"fnmsub.d fa0, fa1, fa2, fa3", 0x6ac5f54b, OP_FNMSUB_D, 10, 11, 12, 13, 7, 0},
    {"fnmadd.d ft0, ft1, ft2, ft3", 0x1a20f04f, OP_FNMADD_D, 0, 1, 2, 3, 7, 0},
    {"fadd.s fa0, fa1, fa2", 0x00c5f553, OP_FADD_S, 10, 11, 12, 0, 7, 0},
    {"fsub.s fa0, fa1, fa2, rtz", 0x08c59553, OP_FSUB_S, 10, 11, 12, 0, 1, 0},
    {"fmul.s fa0, fa1, fa2", 0x10c5f553, OP_FMUL_S, 10, 11, 12, 0, 7, 0},
    {"fdiv.s fa0, fa1, fa2", 0x18c5f553, OP_FDIV_S, 10, 11, 12, 0, 7, 0},
    {"fsqrt.s fa0, fa1", 0x5805f553, OP_FSQRT_S, 10, 11, 0, 0, 7, 0},
    {"fsgnj.s fa0, fa1, fa2", 0x20c58553, OP_FSGNJ_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fsgnjn.s fa0, fa1, fa2", 0x20c59553, OP_FSGNJN_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fsgnjx.s fa0, fa1, fa2", 0x20c5a553, OP_FSGNJX_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmin.s fa0, fa1, fa2", 0x28c58553, OP_FMIN_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmax.s fa0, fa1, fa2", 0x28c59553, OP_FMAX_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fcvt.w.s a0, fa1, rtz", 0xc0059553, OP_FCVT_W_S, 10, 11, 0, 0, 1, 0},
    {"fcvt.wu.s a0, fa1", 0xc015f553, OP_FCVT_WU_S, 10, 11, 0, 0, 7, 0},
    {"fcvt.l.s a0, fa1", 0xc025f553, OP_FCVT_L_S, 10, 11, 0, 0, 7, 0},
    {"fcvt.lu.s a0, fa1", 0xc035f553, OP_FCVT_LU_S, 10, 11, 0, 0, 7, 0},
    {"fmv.x.w a0, fa1", 0xe0058553, OP_FMV_X_W, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"feq.s a0, fa1, fa2", 0xa0c5a553, OP_FEQ_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"flt.s a0, fa1, fa2", 0xa0c59553, OP_FLT_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fle.s a0, fa1, fa2", 0xa0c58553, OP_FLE_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fclass.s a0, fa1", 0xe0059553, OP_FCLASS_S, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"fcvt.s.w fa0, a1", 0xd005f553, OP_FCVT_S_W, 10, 11, 0, 0, 7, 0},
    {"fcvt.s.wu fa0, a1", 0xd015f553, OP_FCVT_S_WU, 10, 11, 0, 0, 7, 0},
    {"fcvt.s.l fa0, a1", 0xd025f553, OP_FCVT_S_L, 10, 11, 0, 0, 7, 0},
    {"fcvt.s.lu fa0, a1", 0xd035f553, OP_FCVT_S_LU, 10, 11, 0, 0, 7, 0},
    {"fmv.w.x fa0, a1", 0xf0058553, OP_FMV_W_X, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"fadd.d fa0, fa1, fa2", 0x02c5f553, OP_FADD_D, 10, 11, 12, 0, 7, 0},
    {"fsub.d fa0, fa1, fa2", 0x0ac5f553, OP_FSUB_D, 10, 11, 12, 0, 7, 0},
    {"fmul.d fa0, fa1, fa2", 0x12c5f553, OP_FMUL_D, 10, 11, 12, 0, 7, 0},
    {"fdiv.d fa0, fa1, fa2", 0x1ac5f553, OP_FDIV_D, 10, 11, 12, 0, 7, 0},
    {"fsqrt.d fa0, fa1", 0x5a05f553, OP_FSQRT_D, 10, 11, 0, 0, 7, 0},
    {"fsgnj.d fa0, fa1, fa2", 0x22c58553, OP_FSGNJ_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fsgnjn.d fa0, fa1, fa2", 0x22c59553, OP_FSGNJN_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fsgnjx.d fa0, fa1, fa2", 0x22c5a553, OP_FSGNJX_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmin.d fa0, fa1, fa2", 0x2ac58553, OP_FMIN_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmax.d fa0, fa1, fa2", 0x2ac59553, OP_FMAX_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fcvt.w.d a0, fa1", 0xc205f553, OP_FCVT_W_D, 10, 11, 0, 0, 7, 0},
    {"fcvt.wu.d a0, fa1", 0xc215f553, OP_FCVT_WU_D, 10, 11, 0, 0, 7, 0},
    {"fcvt.l.d a0, fa1", 0xc225f553, OP_FCVT_L_D, 10, 11, 0, 0, 7, 0},
    {"fcvt.lu.d a0, fa1", 0xc235f553, OP_FCVT_LU_D, 10, 11, 0, 0, 7, 0},
    {"fmv.x.d a0, fa1", 0xe2058553, OP_FMV_X_D, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"feq.d a0, fa1, fa2", 0xa2c5a553, OP_FEQ_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"flt.d a0, fa1, fa2", 0xa2c59553, OP_FLT_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fle.d a0, fa1, fa2", 0xa2c58553, OP_FLE_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fclass.d a0, fa1", 0xe2059553, OP_FCLASS_D, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"fcvt.d.w fa0, a1", 0xd2058553, OP_FCVT_D_W, 10, 11, 0, 0, 0, 0},
    {"fcvt.d.wu fa0, a1", 0xd2158553, OP_FCVT_D_WU, 10, 11, 0, 0, 0, 0},
    {"fcvt.d.l fa0, a1", 0xd225f553, OP_FCVT_D_L, 10, 11, 0, 0, 7, 0},
    {"fcvt.d.lu fa0, a1", 0xd235f553, OP_FCVT_D_LU, 10, 11, 0, 0, 7, 0},
    {"fmv.d.x fa0, a1", 0xf2058553, OP_FMV_D_X, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"fcvt.s.d fa0, fa1", 0x4015f553, OP_FCVT_S_D, 10, 11, 0, 0, 7, 0},
    {"fcvt.d.s fa0, fa1", 0x42058553, OP_FCVT_D_S, 10, 11, 0, 0, 0, 0},
    {"c.addi4spn a0, sp, 1020", 0x1fe8, OP_ADDI, 10, 2, 0, 0, RISCV_RM_NONE, 1020},
    {"c.fld fa0, 248(a1)", 0x3de8, OP_FLD, 10, 11, 0, 0, RISCV_RM_NONE, 248},
    {"c.lw a0, 124(a1)", 0x5de8, OP_LW, 10, 11, 0, 0, RISCV_RM_NONE, 124},
    {"c.ld a5, 248(s0)", 0x7c7c, OP_LD, 15, 8, 0, 0, RISCV_RM_NONE, 248},
    {"c.fsd fa0, 8(a1)", 0xa588, OP_FSD, 0, 11, 10, 0, RISCV_RM_NONE, 8},
    {"c.sw a0, 64(a1)", 0xc1a8, OP_SW, 0, 11, 10, 0, RISCV_RM_NONE, 64},
    {"c.sd a0, 128(a1)", 0xe1c8, OP_SD, 0, 11, 10, 0, RISCV_RM_NONE, 128},
    {"c.nop", 0x0001, OP_NOP, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"c.addi a0, -32", 0x1501, OP_ADDI, 10, 10, 0, 0, RISCV_RM_NONE, -32},
    {"c.addiw a0, 31", 0x257d, OP_ADDIW, 10, 10, 0, 0, RISCV_RM_NONE, 31},
    {"c.li a0, -1", 0x557d, OP_ADDI, 10, 0, 0, 0, RISCV_RM_NONE, -1},
    {"c.addi16sp sp, -512", 0x7101, OP_ADDI, 2, 2, 0, 0, RISCV_RM_NONE, -512},
    {"c.addi16sp sp, 496", 0x617d, OP_ADDI, 2, 2, 0, 0, RISCV_RM_NONE, 496},
    {"c.lui a0, 0xfffe0", 0x7501, OP_LUI, 10, 0, 0, 0, RISCV_RM_NONE, -131072},
    {"c.lui a0, 0x1f", 0x657d, OP_LUI, 10, 0, 0, 0, RISCV_RM_NONE, 126976},
    {"c.srli a0, 63", 0x917d, OP_SRLI, 10, 10, 0, 0, RISCV_RM_NONE, 63},
    {"c.srai a1, 1", 0x8585, OP_SRAI, 11, 11, 0, 0, RISCV_RM_NONE, 1},
    {"c.andi a2, -1", 0x9a7d, OP_ANDI, 12, 12, 0, 0, RISCV_RM_NONE, -1},
    {"c.sub a0, a1", 0x8d0d, OP_SUB, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.xor a0, a1", 0x8d2d, OP_XOR, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.or a0, a1", 0x8d4d, OP_OR, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.and a0, a1", 0x8d6d, OP_AND, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.subw a0, a1", 0x9d0d, OP_SUBW, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.addw a0, a1", 0x9d2d, OP_ADDW, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.j .-2048", 0xb001, OP_JAL, 0, 0, 0, 0, RISCV_RM_NONE, -2048},
    {"c.j .+2046", 0xaffd, OP_JAL, 0, 0, 0, 0, RISCV_RM_NONE, 2046},
    {"c.beqz a0, .-256", 0xd101, OP_BEQ, 0, 10, 0, 0, RISCV_RM_NONE, -256},
    {"c.bnez s1, .+254", 0xecfd, OP_BNE, 0, 9, 0, 0, RISCV_RM_NONE, 254},
    {"c.slli a0, 63", 0x157e, OP_SLLI, 10, 10, 0, 0, RISCV_RM_NONE, 63},
    {"c.fldsp fa0, 504(sp)", 0x357e, OP_FLD, 10, 2, 0, 0, RISCV_RM_NONE, 504},
    {"c.lwsp a0, 252(sp)", 0x557e, OP_LW, 10, 2, 0, 0, RISCV_RM_NONE, 252},
    {"c.ldsp ra, 504(sp)", 0x70fe, OP_LD, 1, 2, 0, 0, RISCV_RM_NONE, 504},
    {"c.jr ra", 0x8082, OP_JALR, 0, 1, 0, 0, RISCV_RM_NONE, 0},
    {"c.mv a0, a1", 0x852e, OP_ADD, 10, 0, 11, 0, RISCV_RM_NONE, 0},
    {"c.ebreak", 0x9002, OP_EBREAK, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"c.jalr a5", 0x9782, OP_JALR, 1, 15, 0, 0, RISCV_RM_NONE, 0},
    {"c.add a0, a1", 0x952e, OP_ADD, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    {"c.fsdsp fa0, 504(sp)", 0xbfaa, OP_FSD, 0, 2, 10, 0, RISCV_RM_NONE, 504},
    {"c.swsp a0, 252(sp)", 0xdfaa, OP_SW, 0, 2, 10, 0, RISCV_RM_NONE, 252},
    {"c.sdsp ra, 504(sp)", 0xff86, OP_SD, 0, 2, 1, 0, RISCV_RM_NONE, 504},
    /* binutils 2.40: Zawrs, Zicbom, Zicboz, Zicbop (a HINT: ori with rd = x0), Svinval */
    {"wrs.nto", 0x00d00073, OP_WRS_NTO, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"wrs.sto", 0x01d00073, OP_WRS_STO, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"cbo.inval (a0)", 0x0005200f, OP_CBO_INVAL, 0, 10, 0, 0, RISCV_RM_NONE, 0},
    {"cbo.clean (a1)", 0x0015a00f, OP_CBO_CLEAN, 0, 11, 0, 0, RISCV_RM_NONE, 0},
    {"cbo.flush (a2)", 0x0026200f, OP_CBO_FLUSH, 0, 12, 0, 0, RISCV_RM_NONE, 0},
    {"cbo.zero (a3)", 0x0046a00f, OP_CBO_ZERO, 0, 13, 0, 0, RISCV_RM_NONE, 0},
    {"prefetch.r 64(a0)", 0x04156013, OP_ORI, 0, 10, 0, 0, RISCV_RM_NONE, 65},
    {"sinval.vma a0, a1", 0x16b50073, OP_SINVAL_VMA, 0, 10, 11, 0, RISCV_RM_NONE, 0},
    {"sfence.w.inval", 0x18000073, OP_SFENCE_W_INVAL, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"sfence.inval.ir", 0x18100073, OP_SFENCE_INVAL_IR, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    /* binutils 2.40 (-march=rv64gc_h): the H extension's loads, stores and fences */
    {"hlv.b a0, (a1)", 0x6005c573, OP_HLV_B, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlv.bu a0, (a1)", 0x6015c573, OP_HLV_BU, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlv.h a0, (a1)", 0x6405c573, OP_HLV_H, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlv.hu a0, (a1)", 0x6415c573, OP_HLV_HU, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlvx.hu a0, (a1)", 0x6435c573, OP_HLVX_HU, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlv.w a0, (a1)", 0x6805c573, OP_HLV_W, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlv.wu a0, (a1)", 0x6815c573, OP_HLV_WU, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlvx.wu a0, (a1)", 0x6835c573, OP_HLVX_WU, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hlv.d a0, (a1)", 0x6c05c573, OP_HLV_D, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"hsv.b a2, (a3)", 0x62c6c073, OP_HSV_B, 0, 13, 12, 0, RISCV_RM_NONE, 0},
    {"hsv.h a2, (a3)", 0x66c6c073, OP_HSV_H, 0, 13, 12, 0, RISCV_RM_NONE, 0},
    {"hsv.w a2, (a3)", 0x6ac6c073, OP_HSV_W, 0, 13, 12, 0, RISCV_RM_NONE, 0},
    {"hsv.d a2, (a3)", 0x6ec6c073, OP_HSV_D, 0, 13, 12, 0, RISCV_RM_NONE, 0},
    {"hfence.vvma a0, a1", 0x22b50073, OP_HFENCE_VVMA, 0, 10, 11, 0, RISCV_RM_NONE, 0},
    {"hfence.gvma a0, a1", 0x62b50073, OP_HFENCE_GVMA, 0, 10, 11, 0, RISCV_RM_NONE, 0},
    /* Encoded by hand from the ratified specs (binutils 2.40 lacks them): Zicond, Zimop,
     * Zcmop, Zcb (checked against the published encodings of c.lbu, czero.eqz, mop.r.0). */
    {"czero.eqz a0, a1, a2", 0x0ec5d533, OP_CZERO_EQZ, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"czero.nez a0, a1, a2", 0x0ec5f533, OP_CZERO_NEZ, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"mop.r.0 a0, a1", 0x81c5c573, OP_MOP, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"mop.r.31 a0, a1", 0xcdf5c573, OP_MOP, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"mop.rr.7 a0, a1, a2", 0xcec5c573, OP_MOP, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"c.mop.1", 0x6081, OP_NOP, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"c.mop.15", 0x6781, OP_NOP, 0, 0, 0, 0, RISCV_RM_NONE, 0},
    {"c.lbu a0, 3(a1)", 0x81e8, OP_LBU, 10, 11, 0, 0, RISCV_RM_NONE, 3},
    {"c.lhu a0, 2(a1)", 0x85a8, OP_LHU, 10, 11, 0, 0, RISCV_RM_NONE, 2},
    {"c.lh a0, 2(a1)", 0x85e8, OP_LH, 10, 11, 0, 0, RISCV_RM_NONE, 2},
    {"c.sb a0, 1(a1)", 0x89c8, OP_SB, 0, 11, 10, 0, RISCV_RM_NONE, 1},
    {"c.sh a0, 2(a1)", 0x8da8, OP_SH, 0, 11, 10, 0, RISCV_RM_NONE, 2},
    {"c.zext.b a0", 0x9d61, OP_ANDI, 10, 10, 0, 0, RISCV_RM_NONE, 255},
    {"c.sext.b a0", 0x9d65, OP_SEXT_B, 10, 10, 0, 0, RISCV_RM_NONE, 0},
    {"c.zext.h a0", 0x9d69, OP_ZEXT_H, 10, 10, 0, 0, RISCV_RM_NONE, 0},
    {"c.sext.h a0", 0x9d6d, OP_SEXT_H, 10, 10, 0, 0, RISCV_RM_NONE, 0},
    {"c.zext.w a0", 0x9d71, OP_ADD_UW, 10, 10, 0, 0, RISCV_RM_NONE, 0},
    {"c.not a0", 0x9d75, OP_XORI, 10, 10, 0, 0, RISCV_RM_NONE, -1},
    {"c.mul a0, a1", 0x9d4d, OP_MUL, 10, 10, 11, 0, RISCV_RM_NONE, 0},
    /* binutils 2.40: Zfh (fcvt.s.h/fcvt.d.h encoded with rm = rne, as binutils writes them) */
    {"flh fa0, -2(a1)", 0xffe59507, OP_FLH, 10, 11, 0, 0, RISCV_RM_NONE, -2},
    {"fsh fa0, 6(a1)", 0x00a59327, OP_FSH, 0, 11, 10, 0, RISCV_RM_NONE, 6},
    {"fmadd.h fa0, fa1, fa2, fa3, rne", 0x6cc58543, OP_FMADD_H, 10, 11, 12, 13, 0, 0},
    {"fmsub.h fa0, fa1, fa2, fa3, rtz", 0x6cc59547, OP_FMSUB_H, 10, 11, 12, 13, 1, 0},
    {"fnmsub.h fa0, fa1, fa2, fa3, rdn", 0x6cc5a54b, OP_FNMSUB_H, 10, 11, 12, 13, 2, 0},
    {"fnmadd.h fa0, fa1, fa2, fa3, rup", 0x6cc5b54f, OP_FNMADD_H, 10, 11, 12, 13, 3, 0},
    {"fadd.h fa0, fa1, fa2, rmm", 0x04c5c553, OP_FADD_H, 10, 11, 12, 0, 4, 0},
    {"fsub.h fa0, fa1, fa2, dyn", 0x0cc5f553, OP_FSUB_H, 10, 11, 12, 0, 7, 0},
    {"fmul.h fa0, fa1, fa2, rne", 0x14c58553, OP_FMUL_H, 10, 11, 12, 0, 0, 0},
    {"fdiv.h fa0, fa1, fa2, rne", 0x1cc58553, OP_FDIV_H, 10, 11, 12, 0, 0, 0},
    {"fsqrt.h fa0, fa1, rne", 0x5c058553, OP_FSQRT_H, 10, 11, 0, 0, 0, 0},
    {"fsgnj.h fa0, fa1, fa2", 0x24c58553, OP_FSGNJ_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fsgnjn.h fa0, fa1, fa2", 0x24c59553, OP_FSGNJN_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fsgnjx.h fa0, fa1, fa2", 0x24c5a553, OP_FSGNJX_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmin.h fa0, fa1, fa2", 0x2cc58553, OP_FMIN_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmax.h fa0, fa1, fa2", 0x2cc59553, OP_FMAX_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fcvt.w.h a0, fa1, rtz", 0xc4059553, OP_FCVT_W_H, 10, 11, 0, 0, 1, 0},
    {"fcvt.wu.h a0, fa1, rtz", 0xc4159553, OP_FCVT_WU_H, 10, 11, 0, 0, 1, 0},
    {"fcvt.l.h a0, fa1, rtz", 0xc4259553, OP_FCVT_L_H, 10, 11, 0, 0, 1, 0},
    {"fcvt.lu.h a0, fa1, rtz", 0xc4359553, OP_FCVT_LU_H, 10, 11, 0, 0, 1, 0},
    {"fmv.x.h a0, fa1", 0xe4058553, OP_FMV_X_H, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"feq.h a0, fa1, fa2", 0xa4c5a553, OP_FEQ_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"flt.h a0, fa1, fa2", 0xa4c59553, OP_FLT_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fle.h a0, fa1, fa2", 0xa4c58553, OP_FLE_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fclass.h a0, fa1", 0xe4059553, OP_FCLASS_H, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"fcvt.h.w fa0, a1, rne", 0xd4058553, OP_FCVT_H_W, 10, 11, 0, 0, 0, 0},
    {"fcvt.h.wu fa0, a1, rne", 0xd4158553, OP_FCVT_H_WU, 10, 11, 0, 0, 0, 0},
    {"fcvt.h.l fa0, a1, rne", 0xd4258553, OP_FCVT_H_L, 10, 11, 0, 0, 0, 0},
    {"fcvt.h.lu fa0, a1, rne", 0xd4358553, OP_FCVT_H_LU, 10, 11, 0, 0, 0, 0},
    {"fmv.h.x fa0, a1", 0xf4058553, OP_FMV_H_X, 10, 11, 0, 0, RISCV_RM_NONE, 0},
    {"fcvt.s.h fa0, fa1, rne", 0x40258553, OP_FCVT_S_H, 10, 11, 0, 0, 0, 0},
    {"fcvt.h.s fa0, fa1, rne", 0x44058553, OP_FCVT_H_S, 10, 11, 0, 0, 0, 0},
    {"fcvt.d.h fa0, fa1, rne", 0x42258553, OP_FCVT_D_H, 10, 11, 0, 0, 0, 0},
    {"fcvt.h.d fa0, fa1, rne", 0x44158553, OP_FCVT_H_D, 10, 11, 0, 0, 0, 0},
    /* Zfa, encoded by hand from the spec (binutils 2.40 lacks it) */
    {"fli.s fa0, 16", 0xf0180553, OP_FLI_S, 10, 16, 0, 0, RISCV_RM_NONE, 0},
    {"fminm.s fa0, fa1, fa2", 0x28c5a553, OP_FMINM_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmaxm.s fa0, fa1, fa2", 0x28c5b553, OP_FMAXM_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fround.s fa0, fa1, rtz", 0x40459553, OP_FROUND_S, 10, 11, 0, 0, 1, 0},
    {"froundnx.s fa0, fa1, dyn", 0x4055f553, OP_FROUNDNX_S, 10, 11, 0, 0, 7, 0},
    {"fleq.s a0, fa1, fa2", 0xa0c5c553, OP_FLEQ_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fltq.s a0, fa1, fa2", 0xa0c5d553, OP_FLTQ_S, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fli.d fa0, 0", 0xf2100553, OP_FLI_D, 10, 0, 0, 0, RISCV_RM_NONE, 0},
    {"fminm.d fa0, fa1, fa2", 0x2ac5a553, OP_FMINM_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmaxm.d fa0, fa1, fa2", 0x2ac5b553, OP_FMAXM_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fround.d fa0, fa1, rtz", 0x42459553, OP_FROUND_D, 10, 11, 0, 0, 1, 0},
    {"froundnx.d fa0, fa1, dyn", 0x4255f553, OP_FROUNDNX_D, 10, 11, 0, 0, 7, 0},
    {"fleq.d a0, fa1, fa2", 0xa2c5c553, OP_FLEQ_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fltq.d a0, fa1, fa2", 0xa2c5d553, OP_FLTQ_D, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fli.h fa0, 31", 0xf41f8553, OP_FLI_H, 10, 31, 0, 0, RISCV_RM_NONE, 0},
    {"fminm.h fa0, fa1, fa2", 0x2cc5a553, OP_FMINM_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fmaxm.h fa0, fa1, fa2", 0x2cc5b553, OP_FMAXM_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fround.h fa0, fa1, rtz", 0x44459553, OP_FROUND_H, 10, 11, 0, 0, 1, 0},
    {"froundnx.h fa0, fa1, dyn", 0x4455f553, OP_FROUNDNX_H, 10, 11, 0, 0, 7, 0},
    {"fleq.h a0, fa1, fa2", 0xa4c5c553, OP_FLEQ_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fltq.h a0, fa1, fa2", 0xa4c5d553, OP_FLTQ_H, 10, 11, 12, 0, RISCV_RM_NONE, 0},
    {"fcvtmod.w.d a0, fa1, rtz", 0xc2859553, OP_FCVTMOD_W_D, 10, 11, 0, 0, 1, 0},
    /* V: the instruction bits travel in imm (vector*.c decodes them when run) */
    {"vsetvli a0, a1, e32, m2, ta, ma", 0x0d15f557, OP_VSETVL, 10, 11, 17, 0, RISCV_RM_NONE,
     219542871},
    {"vsetvl a0, a1, a2", 0x80c5f557, OP_VSETVL, 10, 11, 12, 0, RISCV_RM_NONE, -2134510249},
    {"vle32.v v8, (a0)", 0x02056407, OP_VLOAD, 8, 10, 0, 0, RISCV_RM_NONE, 33907719},
    {"vse32.v v8, (a0), v0.t", 0x00056427, OP_VSTORE, 8, 10, 0, 0, RISCV_RM_NONE, 353319},
    {"vadd.vv v1, v2, v3", 0x022180d7, OP_VARITH, 1, 3, 2, 0, RISCV_RM_NONE, 35750103},
    {"vfadd.vf v4, v8, fa0", 0x02855257, OP_VARITH, 4, 10, 8, 0, RISCV_RM_NONE, 42291799},
    {"vle32.v with mew = 1 (EEW > 64, reserved)", 0x12056407, OP_ILLEGAL, 0, 0, 0, 0, RISCV_RM_NONE,
     0},
};

static void test_vectors(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
        const Vector *v = &vectors[i];
        DecodedInsn d;
        bool compressed = (v->bits & 3) != 3;

        if (!riscv_decode(v->bits, &d) && v->op != OP_ILLEGAL) {
            fail_msg("%s (0x%08x): decoded as illegal", v->text, v->bits);
        }
        if (d.op != v->op || d.rd != v->rd || d.rs1 != v->rs1 || d.rs2 != v->rs2 ||
            d.rs3 != v->rs3 || d.rm != v->rm || d.imm != v->imm) {
            fail_msg("%s (0x%08x): got %s rd=%d rs1=%d rs2=%d rs3=%d rm=%d imm=%lld", v->text,
                     v->bits, riscv_op_name(d.op), d.rd, d.rs1, d.rs2, d.rs3, d.rm,
                     (long long)d.imm);
        }
        assert_int_equal(d.len, compressed ? 2 : 4);
        assert_int_equal(d.raw, compressed ? v->bits & 0xffff : v->bits);
    }
}

/* Every operation but the pseudo ones appears in the table at least once. */
static void test_coverage(void **state)
{
    bool seen[OP_COUNT] = {false};

    for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
        seen[vectors[i].op] = true;
    }
    for (int op = 0; op < OP_COUNT; op++) {
        if (op != OP_ILLEGAL && !seen[op]) {
            fail_msg("no test vector for %s", riscv_op_name(op));
        }
    }
}

static const uint32_t illegal_encodings[] = {
    0x00000000,               /* all-zero parcel: c.addi4spn with nzuimm = 0 */
    0x0004,                   /* c.addi4spn a1, sp, 0 */
    0x6501,                   /* c.lui a0, 0 */
    0x6101,                   /* c.addi16sp sp, 0 */
    0x2005,                   /* c.addiw x0, 1 */
    0x4002,                   /* c.lwsp x0, 0(sp) */
    0x6002,                   /* c.ldsp x0, 0(sp) */
    0x8002,                   /* c.jr x0 */
    0x8de8,                   /* quadrant 0, funct3 = 100: c.sh with bit 6 set, reserved */
    0x9d79,                   /* Zcb unary group, slot 6: reserved */
    0x9c7d,                   /* Zcb unary group, slot 7: reserved */
    0x6025c573,               /* hlv.b with rs2 = 2: no such load */
    0x6c15c573,               /* hlv.d with rs2 = 1: no hlv.du on RV64 */
    0x6ac6c573,               /* hsv.w with rd != 0 */
    0xffffffff,               /* a >32-bit encoding */
    0x0000001f,               /* 48-bit prefix */
    0x00007003,               /* LOAD funct3 = 7 */
    0x00004023,               /* STORE funct3 = 4 */
    0x00004007,               /* LOAD-FP funct3 = 4 */
    0x04000033,               /* OP funct7 = 0x02 */
    0x04001013,               /* slli with imm[11:6] = 1 */
    0x8002d513,               /* OP-IMM funct3 = 5, funct6 = 0x20: no such shift */
    0x00004073,               /* SYSTEM funct3 = 4 */
    0x000000f3,               /* ecall with rd != 0 */
    0x00100873,               /* ebreak with rd != 0 */
    0x30200073 | 1 << 15,     /* mret with rs1 != 0 */
    0xf800202f,               /* AMO funct5 = 0x1f */
    0x1015a52f,               /* lr.w with rs2 != 0 */
    0x0000402f,               /* AMO funct3 = 4 */
    0xc2858553,               /* fcvtmod.w.d with rm = rne: reserved */
    0xf0181553,               /* fli.s with funct3 = 1 */
    0xe2158553,               /* fmvh.x.d: RV32 only */
    0x40658553,               /* fcvt group, rs2 = 6: no such fround */
    0x06c58553,               /* fadd.q: Q is not implemented */
    0x58158553,               /* fsqrt.s with rs2 = 1 */
    0x40058553,               /* fcvt.s.s */
    0x42158553,               /* fcvt.d.d */
    0xe005a553,               /* OP-FP 0x1c with funct3 = 2 */
    0xc0558553,               /* fcvt.w.s with rs2 = 5 */
    0x06c58543,               /* fmadd.q */
    0x000010e7,               /* jalr funct3 = 1 */
    0x00002063,               /* branch funct3 = 2 */
    0x00001013 | 0x603 << 20, /* OP-IMM funct3 = 1, imm 0x603: no such unary op */
    0x0030200f,               /* MISC-MEM funct3 = 2 with imm 3: no such cbo */
    0x0000228f,               /* cbo.inval with rd != 0 */
    0x0000c073 | 3 << 28,     /* SYSTEM funct3 = 4 with bits 29:28 set: no mop */
    0x80000073 | 4 << 12,     /* SYSTEM funct3 = 4, bit 25 clear, bits 25:22 != 0111 */
    0x0600503b,               /* OP-32 funct7 = 3 */
};

static void test_illegal(void **state)
{
    for (size_t i = 0; i < ARRAY_SIZE(illegal_encodings); i++) {
        uint32_t bits = illegal_encodings[i];
        DecodedInsn d;
        bool compressed = (bits & 3) != 3;

        if (riscv_decode(bits, &d)) {
            fail_msg("0x%08x decoded as %s", bits, riscv_op_name(d.op));
        }
        assert_int_equal(d.op, OP_ILLEGAL);
        assert_int_equal(d.raw, compressed ? bits & 0xffff : bits);
        assert_true(riscv_insn_ends_block(&d));
    }
}

/* HINTs execute as no-ops: compressed ones become OP_NOP, 32-bit ones keep rd = x0. */
static void test_hints(void **state)
{
    static const uint16_t c_hints[] = {
        0x0001, /* c.nop */
        0x0005, /* c.addi x0, 1 */
        0x4005, /* c.li x0, 1 */
        0x6005, /* c.lui x0, 1 */
        0x0006, /* c.slli x0, 1 */
        0x802e, /* c.mv x0, a1 */
        0x902e, /* c.add x0, a1 */
    };
    DecodedInsn d;

    for (size_t i = 0; i < ARRAY_SIZE(c_hints); i++) {
        assert_true(riscv_decode(c_hints[i], &d));
        assert_int_equal(d.op, OP_NOP);
    }
    assert_true(riscv_decode(0x00100013, &d)); /* addi x0, x0, 1 */
    assert_int_equal(d.op, OP_ADDI);
    assert_int_equal(d.rd, 0);
    assert_int_equal(riscv_op_kind(d.op), OPK_ALU); /* the translator drops it */
}

static void test_block_end(void **state)
{
    DecodedInsn d;

    riscv_decode(0x00b50533, &d); /* add */
    assert_false(riscv_insn_ends_block(&d));
    riscv_decode(0xc0002573, &d); /* csrrs a0, cycle, x0: a pure read */
    assert_false(riscv_insn_ends_block(&d));
    riscv_decode(0x3005a573, &d); /* csrrs a0, mstatus, a1 */
    assert_true(riscv_insn_ends_block(&d));
    riscv_decode(0x30059573, &d); /* csrrw a0, mstatus, a1 */
    assert_true(riscv_insn_ends_block(&d));
    riscv_decode(0x0000100f, &d); /* fence.i */
    assert_true(riscv_insn_ends_block(&d));
    riscv_decode(0x0ff0000f, &d); /* fence */
    assert_false(riscv_insn_ends_block(&d));
    riscv_decode(0x8082, &d); /* c.jr ra */
    assert_true(riscv_insn_ends_block(&d));
    assert_int_equal(riscv_insn_len(0x8082), 2);
    assert_int_equal(riscv_insn_len(0x0533), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),   cmocka_unit_test(test_coverage),
        cmocka_unit_test(test_illegal),   cmocka_unit_test(test_hints),
        cmocka_unit_test(test_block_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
