/*
 * RISC-V disassembler: RV64GC, Zba/Zbb/Zbc/Zbs, Zicsr, Zifencei and H, in GNU
 * objdump 2.40's notation (the contract is in include/disas/riscv.h).
 *
 * One table of {match, mask} patterns is scanned in order and the first match
 * wins, so an alias (li, mv, ret, csrr, seqz, ...) sits before the instruction
 * it specialises. The format string names the operands: x registers d s t
 * (rd rs1 rs2), f registers D S T R (rd rs1 rs2 rs3), j I-immediate, q
 * S-immediate, u U-immediate, p branch target, a jump target, > and < shift
 * amounts (6 and 5 bits), E CSR, Z 5-bit CSR immediate, P Q fence sets, m the
 * rounding mode (printed only when static), ^ the AMO width/ordering suffix.
 * Other characters are copied. Compressed instructions are expanded first
 * (disas/riscv-rvc.c).
 */
#include <inttypes.h>
#include <stdarg.h>

#include "riscv-internal.h"

typedef struct RiscvPattern {
    uint32_t match, mask;
    const char *name;
    const char *fmt;
    bool same_rs; /* matches only if rs1 == rs2 (fmv/fneg/fabs) */
} RiscvPattern;

/* Field positions and masks of the base formats. */
#define F3(x) ((uint32_t)(x) << 12)
#define F7(x) ((uint32_t)(x) << 25)
#define RD(x) ((uint32_t)(x) << 7)
#define RS1(x) ((uint32_t)(x) << 15)
#define RS2(x) ((uint32_t)(x) << 20)
#define IMM(x) ((uint32_t)(x) << 20)
#define F6(x) ((uint32_t)(x) << 26)
#define M_OP 0x7fu
#define M_F3 0x707fu
#define M_R 0xfe00707fu
#define M_F6 0xfc00707fu
#define M_RD 0xf80u
#define M_RS1 0xf8000u
#define M_RS2 0x1f00000u
#define M_IMM 0xfff00000u
#define M_ALL 0xffffffffu

/* An R-type instruction: opcode, funct3, funct7. */
#define R(op, f3, f7, name)                                                                        \
    {                                                                                              \
        (op) | F3(f3) | F7(f7), M_R, name, "d,s,t"                                                 \
    }
/* A whole-register CSR alias ("rdtime a0", "frcsr a0"): csrrs rd, csr, zero. */
#define CSR_READ(csr, name)                                                                        \
    {                                                                                              \
        0x73 | F3(2) | IMM(csr), M_F3 | M_RS1 | M_IMM, name, "d"                                   \
    }
/* fscsr/fsrm/fsflags: csrrw with and without a destination. */
#define CSR_SWAP(csr, name)                                                                        \
    {0x73 | F3(1) | IMM(csr), M_F3 | M_RD | M_IMM, name, "s"},                                     \
    {                                                                                              \
        0x73 | F3(1) | IMM(csr), M_F3 | M_IMM, name, "d,s"                                         \
    }
/* An OP-FP instruction in single and double: funct7 base | 0 and | 1. */
#define FP2(f7, f3, mask, sname, dname, fmt)                                                       \
    {0x53 | F7(f7) | F3(f3), mask, sname, fmt},                                                    \
    {                                                                                              \
        0x53 | F7((f7) | 1) | F3(f3), mask, dname, fmt                                             \
    }
#define M_FP_RM 0xfe00007fu /* funct7 + opcode: rm free */
#define M_FP_1 0xfff0007fu  /* funct7 + rs2 + opcode */
#define M_FP_1F3 0xfff0707fu

static const RiscvPattern upper_jump_branch[] = {
    {0x37, M_OP, "lui", "d,u"},
    {0x17, M_OP, "auipc", "d,u"},
    {0x6f, M_OP | M_RD, "j", "a"},
    {0x6f | RD(1), M_OP | M_RD, "jal", "a"},
    {0x6f, M_OP, "jal", "d,a"},
    {0x67 | RS1(1), M_F3 | M_RD | M_RS1 | M_IMM, "ret", ""},
    {0x67, M_F3 | M_RD | M_IMM, "jr", "s"},
    {0x67, M_F3 | M_RD, "jr", "j(s)"},
    {0x67 | RD(1), M_F3 | M_RD | M_IMM, "jalr", "s"},
    {0x67 | RD(1), M_F3 | M_RD, "jalr", "j(s)"},
    {0x67, M_F3 | M_IMM, "jalr", "d,s"},
    {0x67, M_F3, "jalr", "d,j(s)"},
    {0x63, M_F3 | M_RS2, "beqz", "s,p"},
    {0x63, M_F3, "beq", "s,t,p"},
    {0x63 | F3(1), M_F3 | M_RS2, "bnez", "s,p"},
    {0x63 | F3(1), M_F3, "bne", "s,t,p"},
    {0x63 | F3(4), M_F3 | M_RS2, "bltz", "s,p"},
    {0x63 | F3(4), M_F3 | M_RS1, "bgtz", "t,p"},
    {0x63 | F3(4), M_F3, "blt", "s,t,p"},
    {0x63 | F3(5), M_F3 | M_RS1, "blez", "t,p"}, /* before bgez: bge zero,zero is blez */
    {0x63 | F3(5), M_F3 | M_RS2, "bgez", "s,p"},
    {0x63 | F3(5), M_F3, "bge", "s,t,p"},
    {0x63 | F3(6), M_F3, "bltu", "s,t,p"},
    {0x63 | F3(7), M_F3, "bgeu", "s,t,p"},
};

static const RiscvPattern load_store[] = {
    {0x03 | F3(0), M_F3, "lb", "d,j(s)"},  {0x03 | F3(1), M_F3, "lh", "d,j(s)"},
    {0x03 | F3(2), M_F3, "lw", "d,j(s)"},  {0x03 | F3(3), M_F3, "ld", "d,j(s)"},
    {0x03 | F3(4), M_F3, "lbu", "d,j(s)"}, {0x03 | F3(5), M_F3, "lhu", "d,j(s)"},
    {0x03 | F3(6), M_F3, "lwu", "d,j(s)"}, {0x23 | F3(0), M_F3, "sb", "t,q(s)"},
    {0x23 | F3(1), M_F3, "sh", "t,q(s)"},  {0x23 | F3(2), M_F3, "sw", "t,q(s)"},
    {0x23 | F3(3), M_F3, "sd", "t,q(s)"},  {0x07 | F3(2), M_F3, "flw", "D,j(s)"},
    {0x07 | F3(3), M_F3, "fld", "D,j(s)"}, {0x27 | F3(2), M_F3, "fsw", "T,q(s)"},
    {0x27 | F3(3), M_F3, "fsd", "T,q(s)"},
};

/* OP-IMM and OP-IMM-32, with the Zba/Zbb/Zbs immediate forms. objdump 2.40 prints addi as
 * "add", xori as "xor", slli as "sll" and so on: the register and immediate forms share a
 * name. */
static const RiscvPattern op_imm[] = {
    {0x13, M_F3 | M_RD | M_RS1 | M_IMM, "nop", ""},
    {0x13, M_F3 | M_RS1, "li", "d,j"},
    {0x13, M_F3 | M_IMM, "mv", "d,s"},
    {0x13, M_F3, "add", "d,s,j"},
    {0x13 | F3(2), M_F3, "slti", "d,s,j"},
    {0x13 | F3(3) | IMM(1), M_F3 | M_IMM, "seqz", "d,s"},
    {0x13 | F3(3), M_F3, "sltiu", "d,s,j"},
    {0x13 | F3(4) | IMM(0xfff), M_F3 | M_IMM, "not", "d,s"},
    {0x13 | F3(4), M_F3, "xor", "d,s,j"},
    {0x13 | F3(6), M_F3, "or", "d,s,j"},
    {0x13 | F3(7) | IMM(0xff), M_F3 | M_IMM, "zext.b", "d,s"},
    {0x13 | F3(7), M_F3, "and", "d,s,j"},
    {0x13 | F3(1) | IMM(0x600), M_F3 | M_IMM, "clz", "d,s"},
    {0x13 | F3(1) | IMM(0x601), M_F3 | M_IMM, "ctz", "d,s"},
    {0x13 | F3(1) | IMM(0x602), M_F3 | M_IMM, "cpop", "d,s"},
    {0x13 | F3(1) | IMM(0x604), M_F3 | M_IMM, "sext.b", "d,s"},
    {0x13 | F3(1) | IMM(0x605), M_F3 | M_IMM, "sext.h", "d,s"},
    {0x13 | F3(1), M_F6, "sll", "d,s,>"},
    {0x13 | F3(1) | F6(0x12), M_F6, "bclr", "d,s,>"},
    {0x13 | F3(1) | F6(0x1a), M_F6, "binv", "d,s,>"},
    {0x13 | F3(1) | F6(0x0a), M_F6, "bset", "d,s,>"},
    {0x13 | F3(5) | IMM(0x287), M_F3 | M_IMM, "orc.b", "d,s"},
    {0x13 | F3(5) | IMM(0x6b8), M_F3 | M_IMM, "rev8", "d,s"},
    {0x13 | F3(5), M_F6, "srl", "d,s,>"},
    {0x13 | F3(5) | F6(0x10), M_F6, "sra", "d,s,>"},
    {0x13 | F3(5) | F6(0x18), M_F6, "ror", "d,s,>"},
    {0x13 | F3(5) | F6(0x12), M_F6, "bext", "d,s,>"},
    {0x1b, M_F3 | M_IMM, "sext.w", "d,s"},
    {0x1b, M_F3, "addw", "d,s,j"},
    {0x1b | F3(1) | IMM(0x600), M_F3 | M_IMM, "clzw", "d,s"},
    {0x1b | F3(1) | IMM(0x601), M_F3 | M_IMM, "ctzw", "d,s"},
    {0x1b | F3(1) | IMM(0x602), M_F3 | M_IMM, "cpopw", "d,s"},
    {0x1b | F3(1), M_R, "sllw", "d,s,<"},
    {0x1b | F3(1) | F6(0x02), M_F6, "slli.uw", "d,s,>"},
    {0x1b | F3(5), M_R, "srlw", "d,s,<"},
    {0x1b | F3(5) | F7(0x20), M_R, "sraw", "d,s,<"},
    {0x1b | F3(5) | F7(0x30), M_R, "rorw", "d,s,<"},
};

/* OP and OP-32: RV64I, M, Zba, Zbb, Zbc, Zbs. */
static const RiscvPattern op_reg[] = {
    {0x33 | F7(0x20), M_R | M_RS1, "neg", "d,t"},
    {0x33 | F3(2), M_R | M_RS2, "sltz", "d,s"},
    {0x33 | F3(2), M_R | M_RS1, "sgtz", "d,t"},
    {0x33 | F3(3), M_R | M_RS1, "snez", "d,t"},
    R(0x33, 0, 0, "add"),
    R(0x33, 0, 0x20, "sub"),
    R(0x33, 1, 0, "sll"),
    R(0x33, 2, 0, "slt"),
    R(0x33, 3, 0, "sltu"),
    R(0x33, 4, 0, "xor"),
    R(0x33, 5, 0, "srl"),
    R(0x33, 5, 0x20, "sra"),
    R(0x33, 6, 0, "or"),
    R(0x33, 7, 0, "and"),
    R(0x33, 0, 1, "mul"),
    R(0x33, 1, 1, "mulh"),
    R(0x33, 2, 1, "mulhsu"),
    R(0x33, 3, 1, "mulhu"),
    R(0x33, 4, 1, "div"),
    R(0x33, 5, 1, "divu"),
    R(0x33, 6, 1, "rem"),
    R(0x33, 7, 1, "remu"),
    R(0x33, 2, 0x10, "sh1add"),
    R(0x33, 4, 0x10, "sh2add"),
    R(0x33, 6, 0x10, "sh3add"),
    R(0x33, 7, 0x20, "andn"),
    R(0x33, 6, 0x20, "orn"),
    R(0x33, 4, 0x20, "xnor"),
    R(0x33, 6, 5, "max"),
    R(0x33, 7, 5, "maxu"),
    R(0x33, 4, 5, "min"),
    R(0x33, 5, 5, "minu"),
    R(0x33, 1, 0x30, "rol"),
    R(0x33, 5, 0x30, "ror"),
    R(0x33, 1, 5, "clmul"),
    R(0x33, 2, 5, "clmulr"),
    R(0x33, 3, 5, "clmulh"),
    R(0x33, 1, 0x24, "bclr"),
    R(0x33, 5, 0x24, "bext"),
    R(0x33, 1, 0x34, "binv"),
    R(0x33, 1, 0x14, "bset"),
    {0x3b | F7(0x20), M_R | M_RS1, "negw", "d,t"},
    {0x3b | F7(4), M_R | M_RS2, "zext.w", "d,s"},
    {0x3b | F7(4) | F3(4), M_R | M_RS2, "zext.h", "d,s"},
    R(0x3b, 0, 0, "addw"),
    R(0x3b, 0, 0x20, "subw"),
    R(0x3b, 1, 0, "sllw"),
    R(0x3b, 5, 0, "srlw"),
    R(0x3b, 5, 0x20, "sraw"),
    R(0x3b, 0, 1, "mulw"),
    R(0x3b, 4, 1, "divw"),
    R(0x3b, 5, 1, "divuw"),
    R(0x3b, 6, 1, "remw"),
    R(0x3b, 7, 1, "remuw"),
    R(0x3b, 0, 4, "add.uw"),
    R(0x3b, 2, 0x10, "sh1add.uw"),
    R(0x3b, 4, 0x10, "sh2add.uw"),
    R(0x3b, 6, 0x10, "sh3add.uw"),
    R(0x3b, 1, 0x30, "rolw"),
    R(0x3b, 5, 0x30, "rorw"),
};

/* MISC-MEM and SYSTEM: fences, traps, returns, CSR accesses and their aliases. */
static const RiscvPattern system_csr[] = {
    {0x0000100f, M_ALL, "fence.i", ""},
    {0x8330000f, M_ALL, "fence.tso", ""},
    {0x0ff0000f, M_ALL, "fence", ""},
    {0x0000000f, 0xf00fffffu, "fence", "P,Q"},
    {0x00000073, M_ALL, "ecall", ""},
    {0x00100073, M_ALL, "ebreak", ""},
    {0x10200073, M_ALL, "sret", ""},
    {0x30200073, M_ALL, "mret", ""},
    {0x10500073, M_ALL, "wfi", ""},
    {0xc0001073, M_ALL, "unimp", ""},
    {0x12000073, M_ALL, "sfence.vma", ""},
    {0x12000073, M_R | M_RD | M_RS2, "sfence.vma", "s"},
    {0x12000073, M_R | M_RD, "sfence.vma", "s,t"},
    /* H: the hypervisor fences, loads (rs2 selects the form) and stores */
    {0x22000073, M_ALL, "hfence.vvma", ""},
    {0x22000073, M_R | M_RD | M_RS2, "hfence.vvma", "s"},
    {0x22000073, M_R | M_RD, "hfence.vvma", "s,t"},
    {0x62000073, M_ALL, "hfence.gvma", ""},
    {0x62000073, M_R | M_RD | M_RS2, "hfence.gvma", "s"},
    {0x62000073, M_R | M_RD, "hfence.gvma", "s,t"},
    {0x73 | F3(4) | F7(0x30), M_R | M_RS2, "hlv.b", "d,(s)"},
    {0x73 | F3(4) | F7(0x30) | RS2(1), M_R | M_RS2, "hlv.bu", "d,(s)"},
    {0x73 | F3(4) | F7(0x32), M_R | M_RS2, "hlv.h", "d,(s)"},
    {0x73 | F3(4) | F7(0x32) | RS2(1), M_R | M_RS2, "hlv.hu", "d,(s)"},
    {0x73 | F3(4) | F7(0x32) | RS2(3), M_R | M_RS2, "hlvx.hu", "d,(s)"},
    {0x73 | F3(4) | F7(0x34), M_R | M_RS2, "hlv.w", "d,(s)"},
    {0x73 | F3(4) | F7(0x34) | RS2(1), M_R | M_RS2, "hlv.wu", "d,(s)"},
    {0x73 | F3(4) | F7(0x34) | RS2(3), M_R | M_RS2, "hlvx.wu", "d,(s)"},
    {0x73 | F3(4) | F7(0x36), M_R | M_RS2, "hlv.d", "d,(s)"},
    {0x73 | F3(4) | F7(0x31), M_R | M_RD, "hsv.b", "t,(s)"},
    {0x73 | F3(4) | F7(0x33), M_R | M_RD, "hsv.h", "t,(s)"},
    {0x73 | F3(4) | F7(0x35), M_R | M_RD, "hsv.w", "t,(s)"},
    {0x73 | F3(4) | F7(0x37), M_R | M_RD, "hsv.d", "t,(s)"},
    CSR_READ(0xc00, "rdcycle"),
    CSR_READ(0xc01, "rdtime"),
    CSR_READ(0xc02, "rdinstret"),
    CSR_READ(0x001, "frflags"),
    CSR_READ(0x002, "frrm"),
    CSR_READ(0x003, "frcsr"),
    {0x73 | F3(2), M_F3 | M_RS1, "csrr", "d,E"},
    {0x73 | F3(2), M_F3 | M_RD, "csrs", "E,s"},
    {0x73 | F3(2), M_F3, "csrrs", "d,E,s"},
    CSR_SWAP(0x003, "fscsr"),
    CSR_SWAP(0x002, "fsrm"),
    CSR_SWAP(0x001, "fsflags"),
    {0x73 | F3(1), M_F3 | M_RD, "csrw", "E,s"},
    {0x73 | F3(1), M_F3, "csrrw", "d,E,s"},
    {0x73 | F3(3), M_F3 | M_RD, "csrc", "E,s"},
    {0x73 | F3(3), M_F3, "csrrc", "d,E,s"},
    /* objdump 2.40 prints the immediate CSR forms under the register names */
    {0x73 | F3(5) | IMM(0x002), M_F3 | M_IMM, "fsrmi", "d,Z"},
    {0x73 | F3(5) | IMM(0x001), M_F3 | M_IMM, "fsflagsi", "d,Z"},
    {0x73 | F3(5), M_F3 | M_RD, "csrw", "E,Z"},
    {0x73 | F3(5), M_F3, "csrrw", "d,E,Z"},
    {0x73 | F3(6), M_F3 | M_RD, "csrs", "E,Z"},
    {0x73 | F3(6), M_F3, "csrrs", "d,E,Z"},
    {0x73 | F3(7), M_F3 | M_RD, "csrc", "E,Z"},
    {0x73 | F3(7), M_F3, "csrrc", "d,E,Z"},
};

/* A: funct5 in bits 31:27, width .w (funct3 2) or .d (3) added by ^ with aq/rl. */
#define M_AMO 0xf800607fu
static const RiscvPattern amo[] = {
    {0x2f | F3(2) | 0x02u << 27, M_AMO | M_RS2, "lr", "^d,(s)"},
    {0x2f | F3(2) | 0x03u << 27, M_AMO, "sc", "^d,t,(s)"},
    {0x2f | F3(2) | 0x01u << 27, M_AMO, "amoswap", "^d,t,(s)"},
    {0x2f | F3(2) | 0x00u << 27, M_AMO, "amoadd", "^d,t,(s)"},
    {0x2f | F3(2) | 0x04u << 27, M_AMO, "amoxor", "^d,t,(s)"},
    {0x2f | F3(2) | 0x0cu << 27, M_AMO, "amoand", "^d,t,(s)"},
    {0x2f | F3(2) | 0x08u << 27, M_AMO, "amoor", "^d,t,(s)"},
    {0x2f | F3(2) | 0x10u << 27, M_AMO, "amomin", "^d,t,(s)"},
    {0x2f | F3(2) | 0x14u << 27, M_AMO, "amomax", "^d,t,(s)"},
    {0x2f | F3(2) | 0x18u << 27, M_AMO, "amominu", "^d,t,(s)"},
    {0x2f | F3(2) | 0x1cu << 27, M_AMO, "amomaxu", "^d,t,(s)"},
};

/* F and D arithmetic. fcvt.d.s/.d.w/.d.wu are exact: objdump 2.40 takes them only with rm 0
 * and shows none. */
static const RiscvPattern fp[] = {
    {0x43, 0x0600007f, "fmadd.s", "D,S,T,Rm"},
    {0x43 | F7(1), 0x0600007f, "fmadd.d", "D,S,T,Rm"},
    {0x47, 0x0600007f, "fmsub.s", "D,S,T,Rm"},
    {0x47 | F7(1), 0x0600007f, "fmsub.d", "D,S,T,Rm"},
    {0x4b, 0x0600007f, "fnmsub.s", "D,S,T,Rm"},
    {0x4b | F7(1), 0x0600007f, "fnmsub.d", "D,S,T,Rm"},
    {0x4f, 0x0600007f, "fnmadd.s", "D,S,T,Rm"},
    {0x4f | F7(1), 0x0600007f, "fnmadd.d", "D,S,T,Rm"},
    FP2(0x00, 0, M_FP_RM, "fadd.s", "fadd.d", "D,S,Tm"),
    FP2(0x04, 0, M_FP_RM, "fsub.s", "fsub.d", "D,S,Tm"),
    FP2(0x08, 0, M_FP_RM, "fmul.s", "fmul.d", "D,S,Tm"),
    FP2(0x0c, 0, M_FP_RM, "fdiv.s", "fdiv.d", "D,S,Tm"),
    FP2(0x2c, 0, M_FP_1, "fsqrt.s", "fsqrt.d", "D,Sm"),
    {0x53 | F7(0x10) | F3(0), M_R, "fmv.s", "D,S", true},
    {0x53 | F7(0x10) | F3(1), M_R, "fneg.s", "D,S", true},
    {0x53 | F7(0x10) | F3(2), M_R, "fabs.s", "D,S", true},
    {0x53 | F7(0x11) | F3(0), M_R, "fmv.d", "D,S", true},
    {0x53 | F7(0x11) | F3(1), M_R, "fneg.d", "D,S", true},
    {0x53 | F7(0x11) | F3(2), M_R, "fabs.d", "D,S", true},
    FP2(0x10, 0, M_R, "fsgnj.s", "fsgnj.d", "D,S,T"),
    FP2(0x10, 1, M_R, "fsgnjn.s", "fsgnjn.d", "D,S,T"),
    FP2(0x10, 2, M_R, "fsgnjx.s", "fsgnjx.d", "D,S,T"),
    FP2(0x14, 0, M_R, "fmin.s", "fmin.d", "D,S,T"),
    FP2(0x14, 1, M_R, "fmax.s", "fmax.d", "D,S,T"),
    {0x53 | F7(0x20) | RS2(1), M_FP_1, "fcvt.s.d", "D,Sm"},
    {0x53 | F7(0x21) | RS2(0), M_FP_1F3, "fcvt.d.s", "D,S"},
    FP2(0x60, 0, M_FP_1 | RS2(0), "fcvt.w.s", "fcvt.w.d", "d,Sm"),
    {0x53 | F7(0x60) | RS2(1), M_FP_1, "fcvt.wu.s", "d,Sm"},
    {0x53 | F7(0x61) | RS2(1), M_FP_1, "fcvt.wu.d", "d,Sm"},
    {0x53 | F7(0x60) | RS2(2), M_FP_1, "fcvt.l.s", "d,Sm"},
    {0x53 | F7(0x61) | RS2(2), M_FP_1, "fcvt.l.d", "d,Sm"},
    {0x53 | F7(0x60) | RS2(3), M_FP_1, "fcvt.lu.s", "d,Sm"},
    {0x53 | F7(0x61) | RS2(3), M_FP_1, "fcvt.lu.d", "d,Sm"},
    {0x53 | F7(0x68) | RS2(0), M_FP_1, "fcvt.s.w", "D,sm"},
    {0x53 | F7(0x68) | RS2(1), M_FP_1, "fcvt.s.wu", "D,sm"},
    {0x53 | F7(0x68) | RS2(2), M_FP_1, "fcvt.s.l", "D,sm"},
    {0x53 | F7(0x68) | RS2(3), M_FP_1, "fcvt.s.lu", "D,sm"},
    {0x53 | F7(0x69) | RS2(0), M_FP_1F3, "fcvt.d.w", "D,s"},
    {0x53 | F7(0x69) | RS2(1), M_FP_1F3, "fcvt.d.wu", "D,s"},
    {0x53 | F7(0x69) | RS2(2), M_FP_1, "fcvt.d.l", "D,sm"},
    {0x53 | F7(0x69) | RS2(3), M_FP_1, "fcvt.d.lu", "D,sm"},
    FP2(0x70, 0, M_FP_1F3, "fmv.x.w", "fmv.x.d", "d,S"),
    FP2(0x70, 1, M_FP_1F3, "fclass.s", "fclass.d", "d,S"),
    FP2(0x78, 0, M_FP_1F3, "fmv.w.x", "fmv.d.x", "D,s"),
    FP2(0x50, 2, M_R, "feq.s", "feq.d", "d,S,T"),
    FP2(0x50, 1, M_R, "flt.s", "flt.d", "d,S,T"),
    FP2(0x50, 0, M_R, "fle.s", "fle.d", "d,S,T"),
};

static const struct {
    const RiscvPattern *p;
    size_t n;
} pattern_groups[] = {
    {upper_jump_branch, ARRAY_SIZE(upper_jump_branch)},
    {load_store, ARRAY_SIZE(load_store)},
    {op_imm, ARRAY_SIZE(op_imm)},
    {op_reg, ARRAY_SIZE(op_reg)},
    {system_csr, ARRAY_SIZE(system_csr)},
    {amo, ARRAY_SIZE(amo)},
    {fp, ARRAY_SIZE(fp)},
};

const char *const riscv_xreg_names[32] = {
    "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
    "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
    "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

const char *const riscv_freg_names[32] = {
    "ft0", "ft1", "ft2", "ft3", "ft4",  "ft5",  "ft6", "ft7", "fs0",  "fs1",  "fa0",
    "fa1", "fa2", "fa3", "fa4", "fa5",  "fa6",  "fa7", "fs2", "fs3",  "fs4",  "fs5",
    "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
};

/* Rounding modes 5 and 6 are reserved: objdump prints them as "unknown". */
static const char *const rm_names[8] = {"rne", "rtz",     "rdn",     "rup",
                                        "rmm", "unknown", "unknown", "dyn"};

static const RiscvPattern *find_pattern(uint32_t insn)
{
    for (size_t g = 0; g < ARRAY_SIZE(pattern_groups); g++) {
        for (size_t i = 0; i < pattern_groups[g].n; i++) {
            const RiscvPattern *p = &pattern_groups[g].p[i];
            if ((insn & p->mask) == p->match &&
                (!p->same_rs || ((insn >> 15) & 31) == ((insn >> 20) & 31))) {
                return p;
            }
        }
    }
    return NULL;
}

/*
 * CSR names objdump 2.40 prints for code without a privileged-spec attribute (raw memory, as
 * the monitor disassembles): privileged spec 1.12 with H, Sstc, Smstateen, AIA, the vector
 * and debug CSRs. Numbered families are in csr_families; other numbers print as hex.
 */
static const struct {
    uint16_t num;
    const char *name;
} csr_names[] = {
    {0x001, "fflags"},     {0x002, "frm"},       {0x003, "fcsr"},          {0x008, "vstart"},
    {0x009, "vxsat"},      {0x00a, "vxrm"},      {0x00f, "vcsr"},          {0x015, "seed"},
    {0x100, "sstatus"},    {0x104, "sie"},       {0x105, "stvec"},         {0x106, "scounteren"},
    {0x10a, "senvcfg"},    {0x114, "sieh"},      {0x140, "sscratch"},      {0x141, "sepc"},
    {0x142, "scause"},     {0x143, "stval"},     {0x144, "sip"},           {0x14d, "stimecmp"},
    {0x150, "siselect"},   {0x151, "sireg"},     {0x154, "siph"},          {0x15c, "stopei"},
    {0x15d, "stimecmph"},  {0x180, "satp"},      {0x200, "vsstatus"},      {0x204, "vsie"},
    {0x205, "vstvec"},     {0x214, "vsieh"},     {0x240, "vsscratch"},     {0x241, "vsepc"},
    {0x242, "vscause"},    {0x243, "vstval"},    {0x244, "vsip"},          {0x24d, "vstimecmp"},
    {0x250, "vsiselect"},  {0x251, "vsireg"},    {0x254, "vsiph"},         {0x25c, "vstopei"},
    {0x25d, "vstimecmph"}, {0x280, "vsatp"},     {0x300, "mstatus"},       {0x301, "misa"},
    {0x302, "medeleg"},    {0x303, "mideleg"},   {0x304, "mie"},           {0x305, "mtvec"},
    {0x306, "mcounteren"}, {0x308, "mvien"},     {0x309, "mvip"},          {0x30a, "menvcfg"},
    {0x310, "mstatush"},   {0x313, "midelegh"},  {0x314, "mieh"},          {0x318, "mvienh"},
    {0x319, "mviph"},      {0x31a, "menvcfgh"},  {0x320, "mcountinhibit"}, {0x340, "mscratch"},
    {0x341, "mepc"},       {0x342, "mcause"},    {0x343, "mtval"},         {0x344, "mip"},
    {0x34a, "mtinst"},     {0x34b, "mtval2"},    {0x350, "miselect"},      {0x351, "mireg"},
    {0x354, "miph"},       {0x35c, "mtopei"},    {0x5a8, "scontext"},      {0x600, "hstatus"},
    {0x602, "hedeleg"},    {0x603, "hideleg"},   {0x604, "hie"},           {0x605, "htimedelta"},
    {0x606, "hcounteren"}, {0x607, "hgeie"},     {0x608, "hvien"},         {0x609, "hvictl"},
    {0x60a, "henvcfg"},    {0x613, "hidelegh"},  {0x615, "htimedeltah"},   {0x618, "hvienh"},
    {0x61a, "henvcfgh"},   {0x643, "htval"},     {0x644, "hip"},           {0x645, "hvip"},
    {0x646, "hviprio1"},   {0x647, "hviprio2"},  {0x64a, "htinst"},        {0x655, "hviph"},
    {0x656, "hviprio1h"},  {0x657, "hviprio2h"}, {0x680, "hgatp"},         {0x6a8, "hcontext"},
    {0x747, "mseccfg"},    {0x757, "mseccfgh"},  {0x7a0, "tselect"},       {0x7a1, "tdata1"},
    {0x7a2, "tdata2"},     {0x7a3, "tdata3"},    {0x7a4, "tinfo"},         {0x7a5, "tcontrol"},
    {0x7a8, "mcontext"},   {0x7aa, "mscontext"}, {0x7b0, "dcsr"},          {0x7b1, "dpc"},
    {0x7b2, "dscratch0"},  {0x7b3, "dscratch1"}, {0xb00, "mcycle"},        {0xb02, "minstret"},
    {0xb80, "mcycleh"},    {0xb82, "minstreth"}, {0xc00, "cycle"},         {0xc01, "time"},
    {0xc02, "instret"},    {0xc20, "vl"},        {0xc21, "vtype"},         {0xc22, "vlenb"},
    {0xc80, "cycleh"},     {0xc81, "timeh"},     {0xc82, "instreth"},      {0xda0, "scountovf"},
    {0xdb0, "stopi"},      {0xe12, "hgeip"},     {0xeb0, "vstopi"},        {0xf11, "mvendorid"},
    {0xf12, "marchid"},    {0xf13, "mimpid"},    {0xf14, "mhartid"},       {0xf15, "mconfigptr"},
    {0xfb0, "mtopi"},
};

/* Numbered CSRs: prefix, the number (first + index), suffix. */
static const struct {
    uint16_t lo, hi, first;
    const char *prefix, *suffix;
} csr_families[] = {
    {0xc03, 0xc1f, 3, "hpmcounter", ""},  {0xc83, 0xc9f, 3, "hpmcounter", "h"},
    {0xb03, 0xb1f, 3, "mhpmcounter", ""}, {0xb83, 0xb9f, 3, "mhpmcounter", "h"},
    {0x323, 0x33f, 3, "mhpmevent", ""},   {0x723, 0x73f, 3, "mhpmevent", "h"},
    {0x3a0, 0x3af, 0, "pmpcfg", ""},      {0x3b0, 0x3ef, 0, "pmpaddr", ""},
    {0x10c, 0x10f, 0, "sstateen", ""},    {0x30c, 0x30f, 0, "mstateen", ""},
    {0x31c, 0x31f, 0, "mstateen", "h"},   {0x60c, 0x60f, 0, "hstateen", ""},
    {0x61c, 0x61f, 0, "hstateen", "h"},
};

static void csr_name(uint32_t csr, char *buf, size_t size)
{
    for (size_t i = 0; i < ARRAY_SIZE(csr_names); i++) {
        if (csr_names[i].num == csr) {
            snprintf(buf, size, "%s", csr_names[i].name);
            return;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(csr_families); i++) {
        if (csr >= csr_families[i].lo && csr <= csr_families[i].hi) {
            snprintf(buf, size, "%s%u%s", csr_families[i].prefix,
                     csr - csr_families[i].lo + csr_families[i].first, csr_families[i].suffix);
            return;
        }
    }
    snprintf(buf, size, "0x%x", csr);
}

/* A fence's predecessor or successor set: "iorw" letters, "unknown" for the empty set. */
static void fence_set(uint32_t set, char *buf)
{
    char *p = buf;

    for (int i = 3; i >= 0; i--) {
        if (set & (1u << i)) {
            *p++ = "wroi"[i];
        }
    }
    *p = 0;
    if (!set) {
        strcpy(buf, "unknown");
    }
}

static int32_t imm_i(uint32_t insn)
{
    return (int32_t)insn >> 20;
}

static int32_t imm_s(uint32_t insn)
{
    return ((int32_t)insn >> 25) * 32 + (int32_t)((insn >> 7) & 31);
}

static int64_t imm_b(uint32_t insn)
{
    return (int64_t)((int32_t)insn >> 31) * 4096 + ((insn >> 7) & 1) * 2048 +
           ((insn >> 25) & 0x3f) * 32 + ((insn >> 8) & 0xf) * 2;
}

static int64_t imm_j(uint32_t insn)
{
    return (int64_t)((int32_t)insn >> 31) * (1 << 20) + ((insn >> 12) & 0xff) * 4096 +
           ((insn >> 20) & 1) * 2048 + ((insn >> 21) & 0x3ff) * 2;
}

/* Append to a bounded buffer (the output never exceeds the fields; truncation is safe). */
static void append(char *buf, size_t size, const char *fmt, ...) PRINTF_FMT(3, 4);
static void append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* A register operand letter (d s t: x registers; D S T R: f registers); false if c is not. */
static bool print_register(char c, uint32_t insn, char *ops, size_t size)
{
    static const char letters[] = "dstDSTR";
    static const uint8_t shifts[] = {7, 15, 20, 7, 15, 20, 27};
    const char *p = c ? strchr(letters, c) : NULL;
    unsigned idx, reg;

    if (!p) {
        return false;
    }
    idx = (unsigned)(p - letters);
    reg = (insn >> shifts[idx]) & 31;
    append(ops, size, "%s", idx < 3 ? riscv_xreg_names[reg] : riscv_freg_names[reg]);
    return true;
}

/* Append the text of one operand letter. */
static void print_operand(char c, uint32_t insn, uint64_t pc, char *ops, size_t size)
{
    char tmp[24];

    if (print_register(c, insn, ops, size)) {
        return;
    }
    switch (c) {
    case 'j':
        append(ops, size, "%d", imm_i(insn));
        break;
    case 'q':
        append(ops, size, "%d", imm_s(insn));
        break;
    case 'u':
        append(ops, size, "0x%x", insn >> 12);
        break;
    case 'p':
        append(ops, size, "%" PRIx64, pc + (uint64_t)imm_b(insn));
        break;
    case 'a':
        append(ops, size, "%" PRIx64, pc + (uint64_t)imm_j(insn));
        break;
    case '>':
        append(ops, size, "0x%x", (insn >> 20) & 63);
        break;
    case '<':
        append(ops, size, "0x%x", (insn >> 20) & 31);
        break;
    case 'Z':
        append(ops, size, "%u", (insn >> 15) & 31);
        break;
    case 'E':
        csr_name(insn >> 20, tmp, sizeof(tmp));
        append(ops, size, "%s", tmp);
        break;
    case 'P':
    case 'Q':
        fence_set((insn >> (c == 'P' ? 24 : 20)) & 15, tmp);
        append(ops, size, "%s", tmp);
        break;
    case 'm':
        if (((insn >> 12) & 7) != 7) {
            append(ops, size, ",%s", rm_names[(insn >> 12) & 7]);
        }
        break;
    default:
        append(ops, size, "%c", c);
        break;
    }
}

/* Print a 32-bit instruction (compressed ones arrive expanded); false if it is unknown. */
static bool print_insn32(uint32_t insn, uint64_t pc, DisasLine *out)
{
    const RiscvPattern *p = find_pattern(insn);
    const char *f;

    if (!p) {
        return false;
    }
    snprintf(out->mnemonic, sizeof(out->mnemonic), "%s", p->name);
    out->operands[0] = 0;
    f = p->fmt;
    if (*f == '^') {
        static const char *const order[4] = {"", ".rl", ".aq", ".aqrl"};
        append(out->mnemonic, sizeof(out->mnemonic), "%s%s", (insn >> 12) & 1 ? ".d" : ".w",
               order[(insn >> 25) & 3]);
        f++;
    }
    for (; *f; f++) {
        print_operand(*f, insn, pc, out->operands, sizeof(out->operands));
    }
    return true;
}

/*
 * HINT encodings of C (spec 16.7: rd = x0, or a zero immediate or shift) have no 32-bit
 * twin to print under; objdump names them by their compressed mnemonic. True if insn is one
 * (and is printed).
 */
static bool print_rvc_hint(uint32_t c, DisasLine *out)
{
    unsigned q = c & 3, f3 = c >> 13, rd = (c >> 7) & 31, rs2 = (c >> 2) & 31;
    int32_t imm6 = (int32_t)(((c >> 12) & 1) << 5 | rs2) << 26 >> 26;
    unsigned shamt = ((c >> 12) & 1) << 5 | rs2;
    const char *m = NULL;

    if (q == 1 && f3 == 0 && rd == 0 && imm6) {
        m = "c.nop", snprintf(out->operands, sizeof(out->operands), "%d", imm6);
    } else if (q == 1 && f3 == 0 && rd && !imm6) {
        m = "add", snprintf(out->operands, sizeof(out->operands), "%s,%s,0", riscv_xreg_names[rd],
                            riscv_xreg_names[rd]);
    } else if (q == 1 && f3 == 2 && rd == 0) {
        m = "c.li", snprintf(out->operands, sizeof(out->operands), "zero,%d", imm6);
    } else if (q == 1 && f3 == 3 && rd == 0 && imm6) {
        m = "c.lui", snprintf(out->operands, sizeof(out->operands), "zero,0x%x", imm6 & 0xfffff);
    } else if (q == 1 && f3 == 4 && ((c >> 10) & 3) < 2 && !shamt) {
        m = (c >> 10) & 1 ? "c.srai64" : "c.srli64";
        snprintf(out->operands, sizeof(out->operands), "%s", riscv_xreg_names[8 + ((c >> 7) & 7)]);
    } else if (q == 2 && f3 == 0 && !shamt) {
        m = "c.slli64", snprintf(out->operands, sizeof(out->operands), "%s", riscv_xreg_names[rd]);
    } else if (q == 2 && f3 == 0 && rd == 0) {
        m = "c.slli", snprintf(out->operands, sizeof(out->operands), "zero,0x%x", shamt);
    } else if (q == 2 && f3 == 4 && rd == 0 && rs2) {
        m = (c >> 12) & 1 ? "c.add" : "c.mv";
        snprintf(out->operands, sizeof(out->operands), "zero,%s", riscv_xreg_names[rs2]);
    }
    if (m) {
        snprintf(out->mnemonic, sizeof(out->mnemonic), "%s", m);
    }
    return m != NULL;
}

int riscv_disas(uint64_t pc, const uint8_t *buf, size_t avail, DisasLine *out)
{
    uint32_t insn;

    memset(out, 0, sizeof(*out));
    if (avail < 2) {
        return 0;
    }
    insn = buf[0] | (uint32_t)buf[1] << 8;
    if ((insn & 3) != 3) {
        out->len = 2;
        out->raw = insn;
        if (insn == 0) {
            snprintf(out->mnemonic, sizeof(out->mnemonic), "unimp");
        } else if (!print_rvc_hint(insn, out) &&
                   !print_insn32(riscv_rvc_expand((uint16_t)insn), pc, out)) {
            snprintf(out->mnemonic, sizeof(out->mnemonic), ".2byte");
            snprintf(out->operands, sizeof(out->operands), "0x%x", insn);
        }
        return 2;
    }
    if (avail < 4) {
        return 0;
    }
    insn |= (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    out->len = 4;
    out->raw = insn;
    if (!print_insn32(insn, pc, out)) {
        snprintf(out->mnemonic, sizeof(out->mnemonic), ".4byte");
        snprintf(out->operands, sizeof(out->operands), "0x%x", insn);
    }
    return 4;
}
