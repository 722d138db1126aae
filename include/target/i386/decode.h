/*
 * The x86 instruction decoder (table-driven): prefixes, REX, the opcode maps
 * (one-byte and 0F), ModRM/SIB, displacement and immediate, and the operand
 * and address sizes of 16-, 32- and 64-bit code. Decoding records an
 * operation number (X86Op) that the interpreter dispatches on; the
 * effective address is computed at execution from the recorded parts.
 *
 * Spec: SDM Vol. 2 chapter 2 (instruction format), appendix A (opcode maps).
 */
#ifndef TARGET_I386_DECODE_H
#define TARGET_I386_DECODE_H

#include "common.h"

/* The operations: one per opcode (or opcode group) of appendix A the interpreter knows. */
typedef enum X86Op {
    OP_INVALID = 0,
    OP_ALU,       /* 00-3f: add or adc sbb and sub xor cmp, six forms */
    OP_GRP1,      /* 80-83: alu Eb/Ev, imm */
    OP_INCDEC_R,  /* 40-4f outside 64-bit code */
    OP_PUSH_R,    /* 50-57 */
    OP_POP_R,     /* 58-5f */
    OP_PUSHA,     /* 60 */
    OP_POPA,      /* 61 */
    OP_MOVSXD,    /* 63 in 64-bit code */
    OP_PUSH_I,    /* 68, 6a */
    OP_IMUL3,     /* 69, 6b */
    OP_INS,       /* 6c, 6d */
    OP_OUTS,      /* 6e, 6f */
    OP_JCC,       /* 70-7f, 0f 80-8f */
    OP_TEST,      /* 84, 85, a8, a9 */
    OP_XCHG,      /* 86, 87, 91-97 */
    OP_MOV,       /* 88-8b, c6, c7 */
    OP_MOV_SEG,   /* 8c, 8e */
    OP_LEA,       /* 8d */
    OP_POP_EV,    /* 8f */
    OP_NOP,       /* 90, 0f 1f, pause, hints */
    OP_CBW,       /* 98 cbw/cwde/cdqe */
    OP_CWD,       /* 99 cwd/cdq/cqo */
    OP_CALLF,     /* 9a */
    OP_PUSHF,     /* 9c */
    OP_POPF,      /* 9d */
    OP_SAHF,      /* 9e */
    OP_LAHF,      /* 9f */
    OP_MOV_MOFFS, /* a0-a3 */
    OP_MOVS,      /* a4, a5 */
    OP_CMPS,      /* a6, a7 */
    OP_STOS,      /* aa, ab */
    OP_LODS,      /* ac, ad */
    OP_SCAS,      /* ae, af */
    OP_MOV_RI,    /* b0-bf */
    OP_SHIFT,     /* c0, c1, d0-d3 */
    OP_RET,       /* c2, c3 */
    OP_LFP,       /* c4 les, c5 lds, 0f b2 lss, 0f b4 lfs, 0f b5 lgs */
    OP_ENTER,     /* c8 */
    OP_LEAVE,     /* c9 */
    OP_RETF,      /* ca, cb */
    OP_INT3,      /* cc */
    OP_INT,       /* cd */
    OP_INTO,      /* ce */
    OP_IRET,      /* cf */
    OP_XLAT,      /* d7 */
    OP_FPU,       /* d8-df */
    OP_LOOP,      /* e0-e3: loopne, loope, loop, jcxz */
    OP_IN,        /* e4, e5, ec, ed */
    OP_OUT,       /* e6, e7, ee, ef */
    OP_CALL,      /* e8 */
    OP_JMP,       /* e9, eb */
    OP_JMPF,      /* ea */
    OP_HLT,       /* f4 */
    OP_CMC,       /* f5 */
    OP_GRP3,      /* f6, f7: test not neg mul imul div idiv */
    OP_FLAGOP,    /* f8-fd: clc stc cli sti cld std */
    OP_GRP4,      /* fe: inc/dec Eb */
    OP_GRP5,      /* ff: inc dec call callf jmp jmpf push */
    OP_SEG_PUSH,  /* 06 0e 16 1e, 0f a0 0f a8 */
    OP_SEG_POP,   /* 07 17 1f, 0f a1 0f a9 */
    OP_GRP6,      /* 0f 00: sldt str lldt ltr verr verw */
    OP_GRP7,      /* 0f 01: sgdt sidt lgdt lidt smsw lmsw invlpg swapgs rdtscp */
    OP_CLTS,      /* 0f 06 */
    OP_WBINVD,    /* 0f 08, 0f 09 invd/wbinvd */
    OP_UD,        /* 0f 0b ud2, 0f b9 ud1, 0f ff ud0 */
    OP_MOV_CR,    /* 0f 20, 0f 22 */
    OP_MOV_DR,    /* 0f 21, 0f 23 */
    OP_WRMSR,     /* 0f 30 */
    OP_RDTSC,     /* 0f 31 */
    OP_RDMSR,     /* 0f 32 */
    OP_CMOV,      /* 0f 40-4f */
    OP_SETCC,     /* 0f 90-9f */
    OP_CPUID,     /* 0f a2 */
    OP_BT,        /* 0f a3 bt, ab bts, b3 btr, bb btc */
    OP_SHLD,      /* 0f a4, a5 */
    OP_SHRD,      /* 0f ac, ad */
    OP_IMUL2,     /* 0f af */
    OP_CMPXCHG,   /* 0f b0, b1 */
    OP_MOVZX,     /* 0f b6, b7 */
    OP_GRP8,      /* 0f ba: bt bts btr btc Ev, Ib */
    OP_BSF,       /* 0f bc */
    OP_BSR,       /* 0f bd */
    OP_MOVSX,     /* 0f be, bf */
    OP_XADD,      /* 0f c0, c1 */
    OP_GRP9,      /* 0f c7: cmpxchg8b/16b */
    OP_BSWAP,     /* 0f c8-cf */
    OP_GRP15,     /* 0f ae: fences (and the FPU state saves, not yet) */
    OP_SALC,      /* d6 (undocumented, SeaBIOS does not use it; kept as #UD) */
    /* x87, MMX, SSE (x86cpu) */
    OP_FWAIT,    /* 9b */
    OP_SSE,      /* 0f 10-17, 28-2f, 50-7f, c2-c6, d0-fe: MMX and SSE by mandatory prefix */
    OP_SSE38,    /* 0f 38 xx */
    OP_SSE3A,    /* 0f 3a xx ib */
    OP_FXSAVE,   /* 0f ae /0-/6 (memory: fxsave .. xsaveopt), f3 0f ae /0-/3 (rd/wrfs/gsbase) */
    OP_XCR,      /* 0f 01 d0 xgetbv, d1 xsetbv */
    OP_GRP9X,    /* 0f c7 /6 rdrand, /7 rdseed, rdpid; REX.W /1 cmpxchg16b */
    OP_POPCNT,   /* f3 0f b8 */
    OP_LZCNT,    /* f3 0f bd (ABM) */
    OP_SYSCALL,  /* 0f 05 */
    OP_SYSRET,   /* 0f 07 */
    OP_SYSENTER, /* 0f 34 */
    OP_SYSEXIT,  /* 0f 35 */
    OP_LAR_LSL,  /* 0f 02, 0f 03 */
    OP__COUNT
} X86Op;

/* ModRM memory operand: base/index register or none. */
#define X86_REG_NONE (-1)
#define X86_REG_RIP (-2)

/*
 * 32 bytes: the block engine keeps one per instruction next to its handler, and loading
 * them was hot (56 bytes each with the handler before; perf, x86boot).
 */
typedef struct X86Insn {
    uint8_t op;  /* X86Op */
    uint8_t opc; /* the last opcode byte */
    uint8_t map; /* 0: one-byte map, 1: 0f map */
    uint8_t len; /* bytes, prefixes included */
    uint8_t rep; /* 0, 0xf3 (rep/repe) or 0xf2 (repne) */
    bool lock : 1;
    bool opsize_prefix : 1; /* 66 seen (SSE decoding needs it) */
    bool has_modrm : 1;
    bool mem : 1;         /* ModRM: rm names memory */
    bool no_raise : 1;    /* a register form whose handler returns no exception (the JIT's) */
    int8_t seg;           /* segment override, or -1 */
    uint8_t opsize;       /* operand size in bytes: 1, 2, 4, 8 */
    uint8_t addrsize;     /* 2, 4, 8 */
    uint8_t rex;          /* the REX byte, 0 if none */
    uint8_t mod, reg, rm; /* ModRM: reg and rm with REX.R/REX.B */
    int8_t base, index;   /* registers of the address, X86_REG_NONE/RIP */
    uint8_t scale;        /* 0..3 */
    uint16_t imm2;        /* enter's level, the far pointer's selector */
    int32_t disp;         /* at most 32 bits in every addressing form */
    int64_t imm;          /* the immediate (moffs too), sign-extended where the form says so */
} X86Insn;

_Static_assert(OP__COUNT <= 256, "X86Insn.op is 8-bit");
_Static_assert(sizeof(X86Insn) == 32, "X86Insn packs into 32 bytes");

/*
 * Decode the instruction in bytes[0..avail) of code whose default size is code_size (2, 4
 * or 8 for 64-bit code). Returns true with *d filled; false if the bytes do not form an
 * instruction (#UD) or it would be longer than avail or 15 bytes (*need_more then true).
 */
bool x86_decode(const uint8_t *bytes, int avail, int code_size, X86Insn *d, bool *need_more);

/* The operation's mnemonic-ish name (logs, tests). */
const char *x86_op_name(int op);

#endif
