/*
 * The x86 decoder (contract in include/target/i386/decode.h). Two tables,
 * the one-byte map and the 0f map (SDM Vol. 2 appendix A, tables A-2 and
 * A-3), give each opcode its operation and its operand form: ModRM or not,
 * byte operation, which immediate, and the 64-bit mode rules (default 64-bit
 * operand size for stack and branch instructions, opcodes invalid in 64-bit
 * code). The walk is the format of SDM 2.1: prefixes, REX (64-bit code only,
 * and only as the last prefix), opcode, ModRM, SIB, displacement, immediate.
 */
#include "target/i386/decode.h"

#include "target/i386/cpu.h"

/* Operand form flags of a table entry. */
enum {
    F_M = 1 << 0,   /* ModRM follows */
    F_B = 1 << 1,   /* byte operation */
    F_D64 = 1 << 2, /* 64-bit operand size by default in 64-bit code (push, pop, ...) */
    F_F64 = 1 << 3, /* 64-bit operand size always in 64-bit code (near branches) */
    F_I64 = 1 << 4, /* invalid in 64-bit code */
    F_NR = 1 << 5,  /* the register form, without lock, raises nothing (X86Insn.no_raise) */
    F_IMM_SHIFT = 8,
};
/* Immediate kinds (F_IMM_SHIFT). */
enum {
    I_NONE,
    I_B,  /* imm8, sign-extended */
    I_BU, /* imm8, zero-extended (ports, int n) */
    I_W,  /* imm16 */
    I_Z,  /* imm16 or imm32 by operand size, sign-extended to 64 bits */
    I_V,  /* imm16, imm32 or imm64 by operand size (mov reg, imm) */
    I_P,  /* far pointer: offset (16/32) then selector */
    I_O,  /* moffs: an offset of the address size */
    I_WB, /* enter: imm16 then imm8 */
};
#define IMM(k) ((k) << F_IMM_SHIFT)

typedef struct OpEntry {
    uint8_t op;
    uint16_t flags;
} OpEntry;

#define E(o, f)                                                                                    \
    {                                                                                              \
        o, f                                                                                       \
    }
#define ALU_ROW(base)                                                                              \
    [base] = E(OP_ALU, F_M | F_B | F_NR), [base + 1] = E(OP_ALU, F_M | F_NR),                      \
    [base + 2] = E(OP_ALU, F_M | F_B | F_NR), [base + 3] = E(OP_ALU, F_M | F_NR),                  \
    [base + 4] = E(OP_ALU, F_B | F_NR | IMM(I_B)), [base + 5] = E(OP_ALU, F_NR | IMM(I_Z))

static const OpEntry one_byte_map[256] = {
    ALU_ROW(0x00),
    ALU_ROW(0x08),
    ALU_ROW(0x10),
    ALU_ROW(0x18),
    ALU_ROW(0x20),
    ALU_ROW(0x28),
    ALU_ROW(0x30),
    ALU_ROW(0x38),
    [0x06] = E(OP_SEG_PUSH, F_I64),
    [0x07] = E(OP_SEG_POP, F_I64),
    [0x0e] = E(OP_SEG_PUSH, F_I64),
    [0x16] = E(OP_SEG_PUSH, F_I64),
    [0x17] = E(OP_SEG_POP, F_I64),
    [0x1e] = E(OP_SEG_PUSH, F_I64),
    [0x1f] = E(OP_SEG_POP, F_I64),
    [0x40 ... 0x4f] = E(OP_INCDEC_R, 0),
    [0x50 ... 0x57] = E(OP_PUSH_R, F_D64),
    [0x58 ... 0x5f] = E(OP_POP_R, F_D64),
    [0x60] = E(OP_PUSHA, F_I64),
    [0x61] = E(OP_POPA, F_I64),
    [0x63] = E(OP_MOVSXD, F_M | F_NR),
    [0x68] = E(OP_PUSH_I, F_D64 | IMM(I_Z)),
    [0x69] = E(OP_IMUL3, F_M | F_NR | IMM(I_Z)),
    [0x6a] = E(OP_PUSH_I, F_D64 | IMM(I_B)),
    [0x6b] = E(OP_IMUL3, F_M | F_NR | IMM(I_B)),
    [0x6c] = E(OP_INS, F_B),
    [0x6d] = E(OP_INS, 0),
    [0x6e] = E(OP_OUTS, F_B),
    [0x6f] = E(OP_OUTS, 0),
    [0x70 ... 0x7f] = E(OP_JCC, F_F64 | IMM(I_B)),
    [0x80] = E(OP_GRP1, F_M | F_B | F_NR | IMM(I_B)),
    [0x81] = E(OP_GRP1, F_M | F_NR | IMM(I_Z)),
    [0x82] = E(OP_GRP1, F_M | F_B | F_I64 | F_NR | IMM(I_B)),
    [0x83] = E(OP_GRP1, F_M | F_NR | IMM(I_B)),
    [0x84] = E(OP_TEST, F_M | F_B | F_NR),
    [0x85] = E(OP_TEST, F_M | F_NR),
    [0x86] = E(OP_XCHG, F_M | F_B),
    [0x87] = E(OP_XCHG, F_M),
    [0x88] = E(OP_MOV, F_M | F_B | F_NR),
    [0x89] = E(OP_MOV, F_M | F_NR),
    [0x8a] = E(OP_MOV, F_M | F_B | F_NR),
    [0x8b] = E(OP_MOV, F_M | F_NR),
    [0x8c] = E(OP_MOV_SEG, F_M),
    [0x8d] = E(OP_LEA, F_M),
    [0x8e] = E(OP_MOV_SEG, F_M),
    [0x8f] = E(OP_POP_EV, F_M | F_D64),
    [0x90] = E(OP_XCHG, 0),
    [0x91 ... 0x97] = E(OP_XCHG, 0),
    [0x98] = E(OP_CBW, F_NR),
    [0x99] = E(OP_CWD, F_NR),
    [0x9a] = E(OP_CALLF, F_I64 | IMM(I_P)),
    [0x9b] = E(OP_FWAIT, 0),
    [0x9c] = E(OP_PUSHF, F_D64),
    [0x9d] = E(OP_POPF, F_D64),
    [0x9e] = E(OP_SAHF, F_NR),
    [0x9f] = E(OP_LAHF, F_NR),
    [0xa0] = E(OP_MOV_MOFFS, F_B | IMM(I_O)),
    [0xa1] = E(OP_MOV_MOFFS, IMM(I_O)),
    [0xa2] = E(OP_MOV_MOFFS, F_B | IMM(I_O)),
    [0xa3] = E(OP_MOV_MOFFS, IMM(I_O)),
    [0xa4] = E(OP_MOVS, F_B),
    [0xa5] = E(OP_MOVS, 0),
    [0xa6] = E(OP_CMPS, F_B),
    [0xa7] = E(OP_CMPS, 0),
    [0xa8] = E(OP_TEST, F_B | F_NR | IMM(I_B)),
    [0xa9] = E(OP_TEST, F_NR | IMM(I_Z)),
    [0xaa] = E(OP_STOS, F_B),
    [0xab] = E(OP_STOS, 0),
    [0xac] = E(OP_LODS, F_B),
    [0xad] = E(OP_LODS, 0),
    [0xae] = E(OP_SCAS, F_B),
    [0xaf] = E(OP_SCAS, 0),
    [0xb0 ... 0xb7] = E(OP_MOV_RI, F_B | F_NR | IMM(I_B)),
    [0xb8 ... 0xbf] = E(OP_MOV_RI, F_NR | IMM(I_V)),
    [0xc0] = E(OP_SHIFT, F_M | F_B | F_NR | IMM(I_BU)),
    [0xc1] = E(OP_SHIFT, F_M | F_NR | IMM(I_BU)),
    [0xc2] = E(OP_RET, F_F64 | IMM(I_W)),
    [0xc3] = E(OP_RET, F_F64),
    [0xc4] = E(OP_LFP, F_M | F_I64),
    [0xc5] = E(OP_LFP, F_M | F_I64),
    [0xc6] = E(OP_MOV, F_M | F_B | F_NR | IMM(I_B)),
    [0xc7] = E(OP_MOV, F_M | F_NR | IMM(I_Z)),
    [0xc8] = E(OP_ENTER, F_D64 | IMM(I_WB)),
    [0xc9] = E(OP_LEAVE, F_D64),
    [0xca] = E(OP_RETF, IMM(I_W)),
    [0xcb] = E(OP_RETF, 0),
    [0xcc] = E(OP_INT3, 0),
    [0xcd] = E(OP_INT, IMM(I_BU)),
    [0xce] = E(OP_INTO, F_I64),
    [0xcf] = E(OP_IRET, 0),
    [0xd0] = E(OP_SHIFT, F_M | F_B | F_NR),
    [0xd1] = E(OP_SHIFT, F_M | F_NR),
    [0xd2] = E(OP_SHIFT, F_M | F_B | F_NR),
    [0xd3] = E(OP_SHIFT, F_M | F_NR),
    [0xd7] = E(OP_XLAT, F_B),
    [0xd8 ... 0xdf] = E(OP_FPU, F_M),
    [0xe0 ... 0xe3] = E(OP_LOOP, F_F64 | IMM(I_B)),
    [0xe4] = E(OP_IN, F_B | IMM(I_BU)),
    [0xe5] = E(OP_IN, IMM(I_BU)),
    [0xe6] = E(OP_OUT, F_B | IMM(I_BU)),
    [0xe7] = E(OP_OUT, IMM(I_BU)),
    [0xe8] = E(OP_CALL, F_F64 | IMM(I_Z)),
    [0xe9] = E(OP_JMP, F_F64 | IMM(I_Z)),
    [0xea] = E(OP_JMPF, F_I64 | IMM(I_P)),
    [0xeb] = E(OP_JMP, F_F64 | IMM(I_B)),
    [0xec] = E(OP_IN, F_B),
    [0xed] = E(OP_IN, 0),
    [0xee] = E(OP_OUT, F_B),
    [0xef] = E(OP_OUT, 0),
    [0xf1] = E(OP_INT, 0), /* int1 (icebp): vector 1 */
    [0xf4] = E(OP_HLT, 0),
    [0xf5] = E(OP_CMC, F_NR),
    [0xf6] = E(OP_GRP3, F_M | F_B | F_NR), /* test Eb, Ib: the immediate is read by decode_grp3 */
    [0xf7] = E(OP_GRP3, F_M | F_NR),
    [0xf8 ... 0xfd] = E(OP_FLAGOP, 0),
    [0xfe] = E(OP_GRP4, F_M | F_B | F_NR),
    [0xff] = E(OP_GRP5, F_M),
};

static const OpEntry two_byte_map[256] = {
    [0x00] = E(OP_GRP6, F_M),
    [0x01] = E(OP_GRP7, F_M),
    [0x02] = E(OP_LAR_LSL, F_M),
    [0x03] = E(OP_LAR_LSL, F_M),
    [0x05] = E(OP_SYSCALL, 0),
    [0x06] = E(OP_CLTS, 0),
    [0x07] = E(OP_SYSRET, 0),
    [0x08] = E(OP_WBINVD, 0),
    [0x09] = E(OP_WBINVD, 0),
    [0x0b] = E(OP_UD, 0),
    [0x18 ... 0x1f] = E(OP_NOP, F_M), /* prefetch hints, nop Ev */
    [0x20] = E(OP_MOV_CR, F_M | F_F64),
    [0x21] = E(OP_MOV_DR, F_M | F_F64),
    [0x22] = E(OP_MOV_CR, F_M | F_F64),
    [0x23] = E(OP_MOV_DR, F_M | F_F64),
    [0x30] = E(OP_WRMSR, 0),
    [0x31] = E(OP_RDTSC, 0),
    [0x32] = E(OP_RDMSR, 0),
    [0x34] = E(OP_SYSENTER, 0),
    [0x35] = E(OP_SYSEXIT, 0),
    [0x40 ... 0x4f] = E(OP_CMOV, F_M | F_NR),
    [0x80 ... 0x8f] = E(OP_JCC, F_F64 | IMM(I_Z)),
    [0x90 ... 0x9f] = E(OP_SETCC, F_M | F_B | F_NR),
    [0xa0] = E(OP_SEG_PUSH, F_D64),
    [0xa1] = E(OP_SEG_POP, F_D64),
    [0xa2] = E(OP_CPUID, 0),
    [0xa3] = E(OP_BT, F_M | F_NR),
    [0xa4] = E(OP_SHLD, F_M | F_NR | IMM(I_BU)),
    [0xa5] = E(OP_SHLD, F_M | F_NR),
    [0xa8] = E(OP_SEG_PUSH, F_D64),
    [0xa9] = E(OP_SEG_POP, F_D64),
    [0xab] = E(OP_BT, F_M | F_NR),
    [0xac] = E(OP_SHRD, F_M | F_NR | IMM(I_BU)),
    [0xad] = E(OP_SHRD, F_M | F_NR),
    [0xae] = E(OP_GRP15, F_M),
    [0xaf] = E(OP_IMUL2, F_M | F_NR),
    [0xb0] = E(OP_CMPXCHG, F_M | F_B),
    [0xb1] = E(OP_CMPXCHG, F_M),
    [0xb2] = E(OP_LFP, F_M),
    [0xb3] = E(OP_BT, F_M | F_NR),
    [0xb4] = E(OP_LFP, F_M),
    [0xb5] = E(OP_LFP, F_M),
    [0xb6] = E(OP_MOVZX, F_M | F_NR),
    [0xb7] = E(OP_MOVZX, F_M | F_NR),
    [0xb9] = E(OP_UD, F_M),
    [0xba] = E(OP_GRP8, F_M | F_NR | IMM(I_BU)),
    [0xbb] = E(OP_BT, F_M | F_NR),
    [0xbc] = E(OP_BSF, F_M | F_NR),
    [0xbd] = E(OP_BSR, F_M | F_NR),
    [0xbe] = E(OP_MOVSX, F_M | F_NR),
    [0xbf] = E(OP_MOVSX, F_M | F_NR),
    [0xc0] = E(OP_XADD, F_M | F_B),
    [0xc1] = E(OP_XADD, F_M),
    [0xc7] = E(OP_GRP9, F_M),
    [0xc8 ... 0xcf] = E(OP_BSWAP, F_NR),
    [0xff] = E(OP_UD, F_M),
    /* MMX and SSE (x86cpu) */
    [0x0d] = E(OP_NOP, F_M), /* prefetchw */
    [0x10 ... 0x17] = E(OP_SSE, F_M),
    [0x28 ... 0x2f] = E(OP_SSE, F_M),
    [0x50 ... 0x6f] = E(OP_SSE, F_M),
    [0x70 ... 0x73] = E(OP_SSE, F_M | IMM(I_BU)),
    [0x74 ... 0x76] = E(OP_SSE, F_M),
    [0x77] = E(OP_SSE, 0),
    [0x7c ... 0x7f] = E(OP_SSE, F_M),
    [0xb8] = E(OP_POPCNT, F_M),
    [0xc2] = E(OP_SSE, F_M | IMM(I_BU)),
    [0xc3] = E(OP_SSE, F_M),
    [0xc4 ... 0xc6] = E(OP_SSE, F_M | IMM(I_BU)),
    [0xd0 ... 0xfe] = E(OP_SSE, F_M),
};

static const char *const op_names[OP__COUNT] = {
    [OP_INVALID] = "invalid", [OP_ALU] = "alu",   [OP_GRP1] = "grp1",   [OP_MOV] = "mov",
    [OP_JCC] = "jcc",         [OP_JMP] = "jmp",   [OP_CALL] = "call",   [OP_RET] = "ret",
    [OP_IN] = "in",           [OP_OUT] = "out",   [OP_GRP7] = "grp7",   [OP_MOV_CR] = "mov cr",
    [OP_JMPF] = "ljmp",       [OP_FPU] = "fpu",   [OP_GRP15] = "grp15", [OP_SHIFT] = "shift",
    [OP_GRP3] = "grp3",       [OP_GRP5] = "grp5",
};

const char *x86_op_name(int op)
{
    return op >= 0 && op < OP__COUNT && op_names[op] ? op_names[op] : "?";
}

/* A cursor over the instruction bytes: reads past avail (or 15 bytes) set the flag. */
typedef struct Cursor {
    const uint8_t *p;
    int pos, avail;
    bool short_read;
} Cursor;

static uint64_t take(Cursor *c, int n)
{
    uint64_t v = 0;

    if (c->pos + n > c->avail || c->pos + n > 15) {
        c->short_read = true;
        c->pos += n;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        v |= (uint64_t)c->p[c->pos + i] << (8 * i);
    }
    c->pos += n;
    return v;
}

static int64_t take_signed(Cursor *c, int n)
{
    uint64_t v = take(c, n);
    return sextract64(v, 0, 8 * n);
}

/* 16-bit addressing (SDM Vol. 2 table 2-1): rm picks a base/index pair. */
static void decode_modrm16(Cursor *c, X86Insn *d)
{
    static const int8_t base16[8] = {R_EBX, R_EBX, R_EBP, R_EBP, R_ESI, R_EDI, R_EBP, R_EBX};
    static const int8_t index16[8] = {R_ESI, R_EDI, R_ESI, R_EDI, -1, -1, -1, -1};
    int rm = d->rm & 7;

    d->base = base16[rm];
    d->index = index16[rm];
    if (d->mod == 0 && rm == 6) {
        d->base = X86_REG_NONE;
        d->disp = take_signed(c, 2);
    } else if (d->mod == 1) {
        d->disp = take_signed(c, 1);
    } else if (d->mod == 2) {
        d->disp = take_signed(c, 2);
    }
}

/* 32/64-bit addressing (SDM Vol. 2 tables 2-2, 2-3): SIB, disp32-only and RIP-relative. */
static void decode_modrm32(Cursor *c, X86Insn *d, int code_size)
{
    int rm = d->rm & 7;

    d->base = d->rm;
    d->index = X86_REG_NONE;
    if (rm == 4) {
        uint8_t sib = take(c, 1);
        int index = ((sib >> 3) & 7) | ((d->rex & 2) << 2);

        d->scale = sib >> 6;
        d->index = index == R_ESP ? X86_REG_NONE : index;
        d->base = (sib & 7) | ((d->rex & 1) << 3);
        if ((sib & 7) == 5 && d->mod == 0) {
            d->base = X86_REG_NONE;
            d->disp = take_signed(c, 4);
        }
    } else if (rm == 5 && d->mod == 0) {
        d->base = code_size == 8 ? X86_REG_RIP : X86_REG_NONE;
        d->disp = take_signed(c, 4);
    }
    if (d->mod == 1) {
        d->disp = take_signed(c, 1);
    } else if (d->mod == 2) {
        d->disp = take_signed(c, 4);
    }
}

static void decode_modrm(Cursor *c, X86Insn *d, int code_size)
{
    uint8_t modrm = take(c, 1);

    d->has_modrm = true;
    d->mod = modrm >> 6;
    d->reg = ((modrm >> 3) & 7) | ((d->rex & 4) << 1);
    d->rm = (modrm & 7) | ((d->rex & 1) << 3);
    d->mem = d->mod != 3;
    if (!d->mem) {
        return;
    }
    if (d->addrsize == 2) {
        decode_modrm16(c, d);
    } else {
        decode_modrm32(c, d, code_size);
    }
}

static void decode_imm(Cursor *c, X86Insn *d, int kind)
{
    int osz = d->opsize;

    switch (kind) {
    case I_B:
        d->imm = take_signed(c, 1);
        break;
    case I_BU:
        d->imm = take(c, 1);
        break;
    case I_W:
        d->imm = take(c, 2);
        break;
    case I_Z:
        d->imm = take_signed(c, osz == 2 ? 2 : 4);
        break;
    case I_V:
        d->imm = take_signed(c, osz);
        break;
    case I_P:
        d->imm = take(c, osz == 2 ? 2 : 4);
        d->imm2 = take(c, 2);
        break;
    case I_O:
        d->imm = take(c, d->addrsize);
        break;
    case I_WB:
        d->imm = take(c, 2);
        d->imm2 = take(c, 1);
        break;
    }
}

/* Legacy prefixes and REX; returns the first opcode byte. */
static uint8_t decode_prefixes(Cursor *c, X86Insn *d, int code_size, bool *addr_prefix)
{
    static const int8_t seg_of[] = {
        [0x26] = R_ES, [0x2e] = R_CS, [0x36] = R_SS, [0x3e] = R_DS, [0x64] = R_FS, [0x65] = R_GS};
    uint8_t b;

    for (;;) {
        b = take(c, 1);
        if (c->short_read) {
            return 0;
        }
        if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65) {
            d->seg = seg_of[b];
        } else if (b == 0x66) {
            d->opsize_prefix = true;
        } else if (b == 0x67) {
            *addr_prefix = true;
        } else if (b == 0xf0) {
            d->lock = true;
        } else if (b == 0xf2 || b == 0xf3) {
            d->rep = b;
        } else if (code_size == 8 && (b & 0xf0) == 0x40) {
            d->rex = b; /* only the last prefix counts: a legacy one after it cancels it */
            b = take(c, 1);
            if ((b & 0xf0) == 0x40 || b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 ||
                b == 0xf3 || b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 ||
                b == 0x65) {
                d->rex = 0;
                c->pos--;
                continue;
            }
            return b;
        } else {
            return b;
        }
    }
}

/* Operand size from the prefixes, REX.W and the entry's 64-bit rules. */
static int operand_size(const X86Insn *d, int code_size, uint16_t flags)
{
    if (flags & F_B) {
        return 1;
    }
    if (code_size == 8) {
        if (d->rex & 8) {
            return 8;
        }
        if (flags & F_F64) {
            return 8;
        }
        if (flags & F_D64) {
            return d->opsize_prefix ? 2 : 8;
        }
        return d->opsize_prefix ? 2 : 4;
    }
    return (code_size == 4) != d->opsize_prefix ? 4 : 2;
}

/* Forms inside groups the tables give one operation (x86cpu's): the FPU state saves, ldmxcsr and
 * fsgsbase in 0f ae, xgetbv/xsetbv in 0f 01, rdrand/rdseed/rdpid in 0f c7, lzcnt. */
static void x86_decode_fixup_ext(X86Insn *d)
{
    int r = d->reg & 7;

    if (d->map != 1) {
        return;
    }
    if (d->opc == 0xae &&
        ((d->mem && !d->rep && r <= 6) || (!d->mem && d->rep == 0xf3 && r <= 3))) {
        d->op = OP_FXSAVE;
    } else if (d->opc == 0x01 && !d->mem && r == 2 && (d->rm & 7) <= 1) {
        d->op = OP_XCR;
    } else if (d->opc == 0xc7 && (r >= 6 || (r == 1 && (d->rex & 8)))) {
        d->op = OP_GRP9X; /* with cmpxchg16b */
    } else if (d->opc == 0xbd && d->rep == 0xf3) {
        d->op = OP_LZCNT;
    }
}

/*
 * Group forms whose reg field names no instruction (#UD): c6/c7 /1../7 (xabort, xbegin: no
 * RTM), fe /2../7, 0f ba /0../3. Decided here, so neither their handlers nor the JIT
 * (X86Insn.no_raise) restate them.
 */
static bool reg_field_invalid(const X86Insn *d)
{
    int r = d->reg & 7;

    switch (d->op) {
    case OP_MOV:
        return d->opc >= 0xc6 && r != 0;
    case OP_GRP4:
        return r > 1;
    case OP_GRP8:
        return r < 4;
    default:
        return false;
    }
}

/* F_NR for this form: no memory operand, no lock, the entry's operation (not one a fixup
 * chose), and not div/idiv (#DE). */
static bool form_raises_nothing(const X86Insn *d, const OpEntry *e)
{
    if (!(e->flags & F_NR) || d->op != e->op || d->mem || d->lock) {
        return false;
    }
    return d->op != OP_GRP3 || (d->reg & 7) < 6;
}

bool x86_decode(const uint8_t *bytes, int avail, int code_size, X86Insn *d, bool *need_more)
{
    Cursor c = {bytes, 0, avail, false};
    bool addr_prefix = false;
    const OpEntry *e;
    uint8_t b;

    memset(d, 0, sizeof(*d));
    d->seg = -1;
    d->base = d->index = X86_REG_NONE;
    *need_more = false;
    b = decode_prefixes(&c, d, code_size, &addr_prefix);
    if (b == 0x0f) {
        d->map = 1;
        b = take(&c, 1);
        e = &two_byte_map[b];
        if (b == 0x38 || b == 0x3a) { /* the three-byte maps (x86cpu): all ModRM, 3a with ib */
            static const OpEntry map38 = E(OP_SSE38, F_M), map3a = E(OP_SSE3A, F_M | IMM(I_BU));
            d->map = b == 0x38 ? 2 : 3;
            e = b == 0x38 ? &map38 : &map3a;
            b = take(&c, 1);
        }
    } else {
        e = &one_byte_map[b];
    }
    d->opc = b;
    d->op = e->op;
    if (code_size == 8) {
        d->addrsize = addr_prefix ? 4 : 8;
    } else {
        d->addrsize = (code_size == 4) != addr_prefix ? 4 : 2;
    }
    d->opsize = operand_size(d, code_size, e->flags);
    /* B8+r takes a 64-bit immediate only with REX.W; the other I_V users do not exist. */
    if (e->flags & F_M) {
        decode_modrm(&c, d, code_size);
    }
    decode_imm(&c, d, e->flags >> F_IMM_SHIFT);
    /* f6/f7 /0 and /1 (test) carry an immediate the table cannot express. */
    if (d->op == OP_GRP3 && (d->reg & 7) < 2) {
        d->imm = take_signed(&c, d->opsize == 8 ? 4 : d->opsize);
    }
    d->len = c.pos;
    if (c.short_read) {
        *need_more = true;
        return false;
    }
    if ((e->flags & F_I64) && code_size == 8) {
        d->op = OP_INVALID;
    }
    if (code_size == 8 && d->map == 0 && b >= 0x40 && b <= 0x4f) {
        d->op = OP_INVALID; /* consumed as REX: only reached as a lone trailing byte */
    }
    x86_decode_fixup_ext(d);
    if (code_size == 8 && d->map == 0 && b == 0x63) {
        d->op = OP_MOVSXD;
    } else if (d->map == 0 && b == 0x63) {
        d->op = OP_INVALID; /* arpl: not modelled */
    }
    if (reg_field_invalid(d)) {
        d->op = OP_INVALID;
    }
    d->no_raise = form_raises_nothing(d, e);
    return d->op != OP_INVALID;
}
