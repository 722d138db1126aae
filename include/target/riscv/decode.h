/*
 * RISC-V instruction decoder: raw instruction bits -> one DecodedInsn.
 *
 * Covers RV64I, M, A, F, D, C (RV64 forms), Zicsr, Zifencei, Zba, Zbb, Zbc,
 * Zbs, Zihintpause and the privileged instructions (Unprivileged ISA
 * 20191213, Privileged ISA 20211203, Bitmanip 1.0.0), and Zicond, Zimop,
 * Zcb, Zcmop, Zawrs, Zicbom/Zicboz (CMO 1.0.1), Svinval, H 1.0 (their ratified
 * 1.0 specs; Zicbop's prefetches and Zihintntl are HINTs). The decoder takes
 * no configuration: riscv_cpu_insn_enabled() drops what a hart lacks. Compressed instructions
 * are expanded to the 32-bit operation they stand for (len = 2). HINTs decode
 * to OP_NOP. Reserved and unknown encodings decode to OP_ILLEGAL.
 *
 * The operation list is an X-macro so the interpreter can build its label
 * table from it: X(NAME, KIND) where KIND says how the interpreter runs it:
 *   ALU  pure register computation: rd = f(rs1, rs2, imm, pc); no trap, so
 *        an instance with rd = x0 is turned into OP_NOP by the translator;
 *   INT  its own interpreter label (memory, control flow, system, CSR);
 *   FP   run by riscv_exec_fp() (target/riscv/exec-fp.c);
 *   AMO  run by riscv_exec_amo() (target/riscv/exec-amo.c);
 *   HYP  run by riscv_exec_hyp() (target/riscv/exec-hyp.c): hlv, hlvx, hsv.
 */
#ifndef TARGET_RISCV_DECODE_H
#define TARGET_RISCV_DECODE_H

#include "common.h"

/* clang-format off */
#define RISCV_OPS(X)                                                                              \
    /* RV64I */                                                                                   \
    X(LUI, ALU) X(AUIPC, ALU) X(JAL, INT) X(JALR, INT) X(BEQ, INT) X(BNE, INT) X(BLT, INT)        \
    X(BGE, INT) X(BLTU, INT) X(BGEU, INT) X(LB, INT) X(LH, INT) X(LW, INT) X(LD, INT)             \
    X(LBU, INT) X(LHU, INT) X(LWU, INT) X(SB, INT) X(SH, INT) X(SW, INT) X(SD, INT)               \
    X(ADDI, ALU) X(SLTI, ALU) X(SLTIU, ALU) X(XORI, ALU) X(ORI, ALU) X(ANDI, ALU) X(SLLI, ALU)    \
    X(SRLI, ALU) X(SRAI, ALU) X(ADD, ALU) X(SUB, ALU) X(SLL, ALU) X(SLT, ALU) X(SLTU, ALU)        \
    X(XOR, ALU) X(SRL, ALU) X(SRA, ALU) X(OR, ALU) X(AND, ALU) X(ADDIW, ALU) X(SLLIW, ALU)        \
    X(SRLIW, ALU) X(SRAIW, ALU) X(ADDW, ALU) X(SUBW, ALU) X(SLLW, ALU) X(SRLW, ALU)               \
    X(SRAW, ALU)                                                                                  \
    /* system, Zifencei, Zicsr */                                                                 \
    X(FENCE, INT) X(FENCE_I, INT) X(ECALL, INT) X(EBREAK, INT) X(MRET, INT) X(SRET, INT)          \
    X(WFI, INT) X(SFENCE_VMA, INT) X(CSRRW, INT) X(CSRRS, INT) X(CSRRC, INT) X(CSRRWI, INT)       \
    X(CSRRSI, INT) X(CSRRCI, INT) X(NOP, INT) X(ILLEGAL, INT)                                     \
    /* M */                                                                                       \
    X(MUL, ALU) X(MULH, ALU) X(MULHSU, ALU) X(MULHU, ALU) X(DIV, ALU) X(DIVU, ALU) X(REM, ALU)    \
    X(REMU, ALU) X(MULW, ALU) X(DIVW, ALU) X(DIVUW, ALU) X(REMW, ALU) X(REMUW, ALU)               \
    /* Zba */                                                                                     \
    X(SH1ADD, ALU) X(SH2ADD, ALU) X(SH3ADD, ALU) X(ADD_UW, ALU) X(SH1ADD_UW, ALU)                 \
    X(SH2ADD_UW, ALU) X(SH3ADD_UW, ALU) X(SLLI_UW, ALU)                                           \
    /* Zbb */                                                                                     \
    X(ANDN, ALU) X(ORN, ALU) X(XNOR, ALU) X(CLZ, ALU) X(CLZW, ALU) X(CTZ, ALU) X(CTZW, ALU)       \
    X(CPOP, ALU) X(CPOPW, ALU) X(MAX, ALU) X(MAXU, ALU) X(MIN, ALU) X(MINU, ALU) X(SEXT_B, ALU)   \
    X(SEXT_H, ALU) X(ZEXT_H, ALU) X(ROL, ALU) X(ROLW, ALU) X(ROR, ALU) X(RORI, ALU)               \
    X(RORIW, ALU) X(RORW, ALU) X(ORC_B, ALU) X(REV8, ALU)                                         \
    /* Zbc, Zbs */                                                                                \
    X(CLMUL, ALU) X(CLMULH, ALU) X(CLMULR, ALU) X(BCLR, ALU) X(BCLRI, ALU) X(BEXT, ALU)           \
    X(BEXTI, ALU) X(BINV, ALU) X(BINVI, ALU) X(BSET, ALU) X(BSETI, ALU)                           \
    /* A */                                                                                       \
    X(LR_W, AMO) X(SC_W, AMO) X(AMOSWAP_W, AMO) X(AMOADD_W, AMO) X(AMOXOR_W, AMO)                 \
    X(AMOAND_W, AMO) X(AMOOR_W, AMO) X(AMOMIN_W, AMO) X(AMOMAX_W, AMO) X(AMOMINU_W, AMO)          \
    X(AMOMAXU_W, AMO) X(LR_D, AMO) X(SC_D, AMO) X(AMOSWAP_D, AMO) X(AMOADD_D, AMO)                \
    X(AMOXOR_D, AMO) X(AMOAND_D, AMO) X(AMOOR_D, AMO) X(AMOMIN_D, AMO) X(AMOMAX_D, AMO)           \
    X(AMOMINU_D, AMO) X(AMOMAXU_D, AMO)                                                           \
    /* F, D: loads and stores */                                                                  \
    X(FLW, INT) X(FLD, INT) X(FSW, INT) X(FSD, INT)                                               \
    /* F */                                                                                       \
    X(FMADD_S, FP) X(FMSUB_S, FP) X(FNMSUB_S, FP) X(FNMADD_S, FP) X(FADD_S, FP) X(FSUB_S, FP)     \
    X(FMUL_S, FP) X(FDIV_S, FP) X(FSQRT_S, FP) X(FSGNJ_S, FP) X(FSGNJN_S, FP) X(FSGNJX_S, FP)     \
    X(FMIN_S, FP) X(FMAX_S, FP) X(FCVT_W_S, FP) X(FCVT_WU_S, FP) X(FCVT_L_S, FP)                  \
    X(FCVT_LU_S, FP) X(FMV_X_W, FP) X(FEQ_S, FP) X(FLT_S, FP) X(FLE_S, FP) X(FCLASS_S, FP)        \
    X(FCVT_S_W, FP) X(FCVT_S_WU, FP) X(FCVT_S_L, FP) X(FCVT_S_LU, FP) X(FMV_W_X, FP)              \
    /* D */                                                                                       \
    X(FMADD_D, FP) X(FMSUB_D, FP) X(FNMSUB_D, FP) X(FNMADD_D, FP) X(FADD_D, FP) X(FSUB_D, FP)     \
    X(FMUL_D, FP) X(FDIV_D, FP) X(FSQRT_D, FP) X(FSGNJ_D, FP) X(FSGNJN_D, FP) X(FSGNJX_D, FP)     \
    X(FMIN_D, FP) X(FMAX_D, FP) X(FCVT_W_D, FP) X(FCVT_WU_D, FP) X(FCVT_L_D, FP)                  \
    X(FCVT_LU_D, FP) X(FMV_X_D, FP) X(FEQ_D, FP) X(FLT_D, FP) X(FLE_D, FP) X(FCLASS_D, FP)        \
    X(FCVT_D_W, FP) X(FCVT_D_WU, FP) X(FCVT_D_L, FP) X(FCVT_D_LU, FP) X(FMV_D_X, FP)              \
    X(FCVT_S_D, FP) X(FCVT_D_S, FP)                                                               \
    /* Zicond, Zimop (mop.r.N, mop.rr.N: rd = 0), Zawrs */                                        \
    X(CZERO_EQZ, ALU) X(CZERO_NEZ, ALU) X(MOP, ALU) X(WRS_NTO, INT) X(WRS_STO, INT)               \
    /* Zicbom, Zicboz (exec-cbo.c), Svinval */                                                    \
    X(CBO_INVAL, INT) X(CBO_CLEAN, INT) X(CBO_FLUSH, INT) X(CBO_ZERO, INT) X(SINVAL_VMA, INT)     \
    X(SFENCE_W_INVAL, INT) X(SFENCE_INVAL_IR, INT)                                                \
    /* Zfh (in the F order, so an H op is its S op plus FP_H_OFFSET), Zfhmin */                   \
    X(FLH, INT) X(FSH, INT)                                                                       \
    X(FMADD_H, FP) X(FMSUB_H, FP) X(FNMSUB_H, FP) X(FNMADD_H, FP) X(FADD_H, FP) X(FSUB_H, FP)     \
    X(FMUL_H, FP) X(FDIV_H, FP) X(FSQRT_H, FP) X(FSGNJ_H, FP) X(FSGNJN_H, FP) X(FSGNJX_H, FP)     \
    X(FMIN_H, FP) X(FMAX_H, FP) X(FCVT_W_H, FP) X(FCVT_WU_H, FP) X(FCVT_L_H, FP)                  \
    X(FCVT_LU_H, FP) X(FMV_X_H, FP) X(FEQ_H, FP) X(FLT_H, FP) X(FLE_H, FP) X(FCLASS_H, FP)        \
    X(FCVT_H_W, FP) X(FCVT_H_WU, FP) X(FCVT_H_L, FP) X(FCVT_H_LU, FP) X(FMV_H_X, FP)              \
    X(FCVT_S_H, FP) X(FCVT_H_S, FP) X(FCVT_D_H, FP) X(FCVT_H_D, FP)                               \
    /* Zfa, each in S, D, H order */                                                              \
    X(FLI_S, FP) X(FLI_D, FP) X(FLI_H, FP) X(FMINM_S, FP) X(FMINM_D, FP) X(FMINM_H, FP)           \
    X(FMAXM_S, FP) X(FMAXM_D, FP) X(FMAXM_H, FP) X(FROUND_S, FP) X(FROUND_D, FP) X(FROUND_H, FP)  \
    X(FROUNDNX_S, FP) X(FROUNDNX_D, FP) X(FROUNDNX_H, FP) X(FLEQ_S, FP) X(FLEQ_D, FP)             \
    X(FLEQ_H, FP) X(FLTQ_S, FP) X(FLTQ_D, FP) X(FLTQ_H, FP) X(FCVTMOD_W_D, FP)                  \
    /* H: hypervisor loads and stores (exec-hyp.c), fences */                                     \
    X(HLV_B, HYP) X(HLV_BU, HYP) X(HLV_H, HYP) X(HLV_HU, HYP) X(HLVX_HU, HYP) X(HLV_W, HYP)        \
    X(HLV_WU, HYP) X(HLVX_WU, HYP) X(HLV_D, HYP) X(HSV_B, HYP) X(HSV_H, HYP) X(HSV_W, HYP)        \
    X(HSV_D, HYP) X(HFENCE_VVMA, INT) X(HFENCE_GVMA, INT)                                        \
    /* V (vector*.c: imm holds the instruction bits, decoded again when run) */                  \
    X(VSETVL, INT) X(VLOAD, INT) X(VSTORE, INT) X(VARITH, INT)
/* clang-format on */

typedef enum RISCVOp {
#define RISCV_OP_ENUM(name, kind) OP_##name,
    RISCV_OPS(RISCV_OP_ENUM)
#undef RISCV_OP_ENUM
        OP_COUNT
} RISCVOp;

typedef enum RISCVOpKind { OPK_ALU, OPK_INT, OPK_FP, OPK_AMO, OPK_HYP } RISCVOpKind;

/* No rounding-mode field (rm) in this instruction. */
#define RISCV_RM_NONE 0xff
/* rm = 7: use frm. */
#define RISCV_RM_DYN 7

/* The extension a compressed encoding belongs to when its operation does not say it. */
enum { RISCV_DEC_BASE, RISCV_DEC_ZCB, RISCV_DEC_ZCMOP };

/* One decoded instruction. Fields an operation does not use are zero. */
typedef struct DecodedInsn {
    uint16_t op; /* RISCVOp */
    uint8_t rd;  /* x or f register number, as the operation implies */
    uint8_t rs1; /* for CSRRxI: the 5-bit uimm */
    uint8_t rs2;
    uint8_t rs3;  /* fused multiply-add only */
    uint8_t rm;   /* FP rounding mode field, or RISCV_RM_NONE */
    uint8_t len;  /* 2 (compressed) or 4 */
    uint8_t ext;  /* RISCV_DEC_*: Zcb forms of base operations, c.mop.N */
    int64_t imm;  /* sign-extended immediate; shift amount; CSR number (CSRRx) */
    uint32_t raw; /* the instruction bits (16 of them when compressed) */
} DecodedInsn;

/* Length in bytes of the instruction whose first 16-bit parcel is `parcel`. */
static inline unsigned riscv_insn_len(uint16_t parcel)
{
    return (parcel & 3) == 3 ? 4 : 2;
}

/*
 * Decode one instruction. `insn` holds the raw bits: a compressed instruction
 * in the low 16 bits (upper bits ignored), else all 32. Returns false for an
 * illegal instruction (d->op = OP_ILLEGAL, d->raw set), true otherwise.
 */
bool riscv_decode(uint32_t insn, DecodedInsn *d);
/* Decoder internals, one file per encoding family (called by riscv_decode). */
bool riscv_decode_rvc(uint16_t insn, DecodedInsn *d);
bool riscv_decode_fp(uint32_t insn, DecodedInsn *d); /* MADD..NMADD and OP-FP */
bool riscv_decode_illegal(DecodedInsn *d);           /* mark d illegal, return false */
/* V: OP-V (vsetvl* and arithmetic) and the vector loads/stores of LOAD-FP/STORE-FP. */
bool riscv_decode_vector(uint32_t insn, DecodedInsn *d);

/* Does this decoded instruction always end a translation block? */
bool riscv_insn_ends_block(const DecodedInsn *d);
RISCVOpKind riscv_op_kind(RISCVOp op);
const char *riscv_op_name(RISCVOp op);

#endif /* TARGET_RISCV_DECODE_H */
