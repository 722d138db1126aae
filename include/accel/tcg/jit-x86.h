/*
 * A small x86-64 instruction encoder for the JIT (accel/tcg/jit-x86.c),
 * written from the Intel 64 and IA-32 Architectures Software Developer's
 * Manual, volume 2 (chapter 2: REX prefix, ModR/M and SIB bytes; the
 * opcode tables of chapters 3-5).
 *
 * Emitters append to an X86Buf. A buffer that runs out of room sets
 * overflow and stops writing (every emitter checks), so a caller emits a
 * whole block and looks at overflow once at the end.
 *
 * Operand sizes: w = true selects the 64-bit form (REX.W); false the 32-bit
 * one, whose result the CPU zero-extends into the full register.
 */
#ifndef ACCEL_TCG_JIT_X86_H
#define ACCEL_TCG_JIT_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum X86Reg {
    X86_RAX,
    X86_RCX,
    X86_RDX,
    X86_RBX,
    X86_RSP,
    X86_RBP,
    X86_RSI,
    X86_RDI,
    X86_R8,
    X86_R9,
    X86_R10,
    X86_R11,
    X86_R12,
    X86_R13,
    X86_R14,
    X86_R15,
    X86_NOREG = -1,
} X86Reg;

/* Memory operand [base + index * scale + disp]; index X86_NOREG for none, scale 1/2/4/8. */
typedef struct X86Mem {
    X86Reg base, index;
    uint8_t scale;
    int32_t disp;
} X86Mem;

static inline X86Mem x86_mem(X86Reg base, int32_t disp)
{
    return (X86Mem){base, X86_NOREG, 1, disp};
}

static inline X86Mem x86_mem_idx(X86Reg base, X86Reg index, uint8_t scale, int32_t disp)
{
    return (X86Mem){base, index, scale, disp};
}

/* Group-1 arithmetic: the /digit of opcodes 0x81/0x83 and bits 5..3 of the r/m forms. */
typedef enum X86Alu {
    X86_ADD,
    X86_OR,
    X86_ADC,
    X86_SBB,
    X86_AND,
    X86_SUB,
    X86_XOR,
    X86_CMP,
} X86Alu;

/* Group-2 shifts and rotates: the /digit of opcodes 0xC1/0xD3. */
typedef enum X86Shift {
    X86_ROL = 0,
    X86_ROR = 1,
    X86_SHL = 4,
    X86_SHR = 5,
    X86_SAR = 7,
} X86Shift;

/* Condition codes (the low nibble of Jcc/SETcc/CMOVcc). */
typedef enum X86Cond {
    X86_CC_O,
    X86_CC_NO,
    X86_CC_B,
    X86_CC_AE,
    X86_CC_E,
    X86_CC_NE,
    X86_CC_BE,
    X86_CC_A,
    X86_CC_S,
    X86_CC_NS,
    X86_CC_P,
    X86_CC_NP,
    X86_CC_L,
    X86_CC_GE,
    X86_CC_LE,
    X86_CC_G,
} X86Cond;

/* Group-3 unary operations (opcode 0xF7 /digit). */
typedef enum X86Unary {
    X86_NOT = 2,
    X86_NEG = 3,
    X86_MUL = 4,  /* rdx:rax = rax * operand, unsigned */
    X86_IMUL = 5, /* signed */
    X86_DIV = 6,
    X86_IDIV = 7,
} X86Unary;

/* Bit test group (0F A3/AB/B3/BB with a register, 0F BA /digit with an immediate). */
typedef enum X86BitOp {
    X86_BT = 4,
    X86_BTS = 5,
    X86_BTR = 6,
    X86_BTC = 7,
} X86BitOp;

typedef struct X86Buf {
    uint8_t *start, *p, *end;
    bool overflow;
} X86Buf;

static inline void x86_buf_init(X86Buf *b, void *mem, size_t size)
{
    b->start = b->p = mem;
    b->end = b->start + size;
    b->overflow = false;
}

static inline size_t x86_buf_used(const X86Buf *b)
{
    return b->p - b->start;
}

void x86_byte(X86Buf *b, uint8_t v);
void x86_u32(X86Buf *b, uint32_t v);

/* mov */
void x86_mov_rr(X86Buf *b, bool w, X86Reg dst, X86Reg src);
void x86_mov_rm(X86Buf *b, bool w, X86Reg dst, X86Mem src); /* dst = [src] */
void x86_mov_mr(X86Buf *b, bool w, X86Mem dst, X86Reg src); /* [dst] = src */
void x86_mov_mi(X86Buf *b, X86Mem dst, int32_t imm);        /* qword [dst] = sign-extended imm */
void x86_mov_ri(X86Buf *b, X86Reg dst, uint64_t imm);       /* shortest form for the value */
/* Always REX.W B8+r with all 8 bytes, so the value can be patched later: returns its field
 * (NULL after an overflow). */
uint8_t *x86_movabs(X86Buf *b, X86Reg dst, uint64_t imm);
void x86_lea(X86Buf *b, X86Reg dst, X86Mem src);
/* Loads of 1/2/4/8 bytes into a 64-bit register, zero- or sign-extended. */
void x86_load(X86Buf *b, unsigned size, bool sign, X86Reg dst, X86Mem src);
/* Stores of the low 1/2/4/8 bytes of src. */
void x86_store(X86Buf *b, unsigned size, X86Mem dst, X86Reg src);
/* Stores of zero in 1/2/4/8 bytes (mov $0, an immediate as wide as the store, 4 bytes at most). */
void x86_store_zero(X86Buf *b, unsigned size, X86Mem dst);
/* dst = sign-extension of the low 8/16/32 bits of src. */
void x86_movsx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);
/* dst = zero-extension of the low 8/16 bits of src. */
void x86_movzx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src);

/* Arithmetic */
void x86_alu_rr(X86Buf *b, X86Alu op, bool w, X86Reg dst, X86Reg src);
void x86_alu_rm(X86Buf *b, X86Alu op, bool w, X86Reg dst, X86Mem src);
void x86_alu_ri(X86Buf *b, X86Alu op, bool w, X86Reg dst, int32_t imm);
void x86_alu_mi(X86Buf *b, X86Alu op, bool w, X86Mem dst, int32_t imm);
void x86_cmp_mi8(X86Buf *b, X86Mem dst, int8_t imm); /* byte compare */
void x86_test_rr(X86Buf *b, bool w, X86Reg a, X86Reg c);
void x86_shift_ri(X86Buf *b, X86Shift op, bool w, X86Reg dst, uint8_t imm);
void x86_shift_rcl(X86Buf *b, X86Shift op, bool w, X86Reg dst); /* by cl */
void x86_unary(X86Buf *b, X86Unary op, bool w, X86Reg r);
/* rdx = the sign of rax, each bit (cqo; cdq: edx from eax), before an idiv. */
void x86_cdq(X86Buf *b, bool w);
void x86_imul_rr(X86Buf *b, bool w, X86Reg dst, X86Reg src);
void x86_bitop_rr(X86Buf *b, X86BitOp op, X86Reg dst, X86Reg bit); /* 64-bit, bit mod 64 */
void x86_bitop_ri(X86Buf *b, X86BitOp op, X86Reg dst, uint8_t bit);
void x86_bswap(X86Buf *b, X86Reg r);
void x86_setcc(X86Buf *b, X86Cond cc, X86Reg dst); /* low byte only */
void x86_cmov(X86Buf *b, X86Cond cc, X86Reg dst, X86Reg src);

/*
 * Scalar SSE2 and FMA3 (Intel SDM vol. 2: "ADDSD", "VFMADD231SD", ...). xmm registers are
 * numbered 0..15. The opcode values hold the mandatory prefix and the 0F-map byte:
 * 0xF258 = F2 [REX] 0F 58.
 */
typedef enum X86SseOp {
    X86_MOVSD_LOAD = 0xf210, /* xmm = m64 */
    X86_SQRTSD = 0xf251,
    X86_ADDSD = 0xf258,
    X86_MULSD = 0xf259,
    X86_SUBSD = 0xf25c,
    X86_DIVSD = 0xf25e,
    X86_MOVSS_LOAD = 0xf310, /* xmm = m32 */
    X86_SQRTSS = 0xf351,
    X86_ADDSS = 0xf358,
    X86_MULSS = 0xf359,
    X86_SUBSS = 0xf35c,
    X86_DIVSS = 0xf35e,
    X86_UCOMISD = 0x662e, /* flags: ZF/PF/CF as an unsigned compare, PF = unordered */
    X86_UCOMISS = 0x002e,
    /* packed integer (SSE2), for the V extension's inline paths (target/riscv/jit-vector.c) */
    X86_MOVDQU_LOAD = 0xf36f,  /* xmm = m128 */
    X86_MOVDQU_STORE = 0xf37f, /* m128 = xmm */
    X86_PADDB = 0x66fc,
    X86_PADDW = 0x66fd,
    X86_PADDD = 0x66fe,
    X86_PADDQ = 0x66d4,
    X86_PSUBB = 0x66f8,
    X86_PSUBW = 0x66f9,
    X86_PSUBD = 0x66fa,
    X86_PSUBQ = 0x66fb,
    X86_PAND = 0x66db,
    X86_POR = 0x66eb,
    X86_PXOR = 0x66ef,
    /* register copies for the RISC-V JIT's FP register cache (target/riscv/jit-fp.c) */
    X86_MOVSD_STORE = 0xf211, /* m64 = xmm */
    X86_MOVAPS = 0x0028,      /* xmm = xmm, all 128 bits (no merge: no false dependency) */
    X86_XORPS = 0x0057,       /* xorps x, x zeroes x without depending on it */
} X86SseOp;

/* VEX.66.0F38.W1 (double) / W0 (single) FMA3 opcodes, 231 form: xmm1 = +-(xmm2 * m) +- xmm1. */
typedef enum X86FmaOp {
    X86_VFMADD231 = 0xb9,  /* a*b + c */
    X86_VFMSUB231 = 0xbb,  /* a*b - c */
    X86_VFNMADD231 = 0xbd, /* -(a*b) + c */
    X86_VFNMSUB231 = 0xbf, /* -(a*b) - c */
} X86FmaOp;

void x86_sse_rm(X86Buf *b, X86SseOp op, int xmm, X86Mem src);
void x86_sse_rr(X86Buf *b, X86SseOp op, int xmm, int src); /* xmm op= src */
void x86_movq_rx(X86Buf *b, X86Reg dst, int xmm);          /* dst = low 64 bits of xmm */
void x86_movq_xr(X86Buf *b, int xmm, X86Reg src);          /* xmm = src, upper bits zero */
/* xmm = (double or float) of the signed 32/64-bit src, rounded as MXCSR says. */
void x86_cvtsi2f(X86Buf *b, bool dbl, bool w, int xmm, X86Reg src);
/* dst = the 32/64-bit signed integer of xmm (double or float): truncated (cvtt) or rounded
 * as MXCSR says; out of range or NaN gives the "integer indefinite" 1 << (w ? 63 : 31). */
void x86_cvtf2si(X86Buf *b, bool dbl, bool trunc, bool w, X86Reg dst, int xmm);
/* xmm_dst = fma(xmm_a, [src], xmm_dst) as op says, double (dbl) or single. */
void x86_vfma231(X86Buf *b, X86FmaOp op, bool dbl, int xmm_dst, int xmm_a, X86Mem src);
/* The same with a register third operand: xmm_dst = fma(xmm_a, xmm_b, xmm_dst). */
void x86_vfma231_rr(X86Buf *b, X86FmaOp op, bool dbl, int xmm_dst, int xmm_a, int xmm_b);

/* Control flow. Branches return the address of their rel32 field for x86_patch_rel32. */
uint8_t *x86_jcc(X86Buf *b, X86Cond cc, const void *target);
uint8_t *x86_jmp(X86Buf *b, const void *target);
void x86_jmp_r(X86Buf *b, X86Reg r);
/* lea dst, [rip + rel32]: returns the rel32 (NULL after an overflow), for x86_patch_rel32
 * with the address wanted */
uint8_t *x86_lea_rip(X86Buf *b, X86Reg dst);
void x86_call(X86Buf *b, const void *fn); /* through rax: clobbers it */
void x86_push(X86Buf *b, X86Reg r);
void x86_pop(X86Buf *b, X86Reg r);
void x86_ret(X86Buf *b);
void x86_pushf(X86Buf *b); /* pushfq: the host flags onto the stack */
/* Point a rel32 field (from x86_jcc/x86_jmp) at target. */
void x86_patch_rel32(uint8_t *field, const void *target);
/* Pad with NOPs until the address p + offset is a multiple of align. */
void x86_align(X86Buf *b, unsigned align, unsigned offset);
/* Pad to a multiple of align (a power of two) with as few multi-byte NOPs as can do it. */
void x86_align_nops(X86Buf *b, unsigned align);

#endif
