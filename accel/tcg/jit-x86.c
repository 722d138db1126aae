/*
 * x86-64 instruction encoder (include/accel/tcg/jit-x86.h), from the Intel
 * SDM volume 2, section 2.1-2.2: an instruction is [legacy prefix] [REX]
 * opcode ModR/M [SIB] [displacement] [immediate].
 *
 *  REX    0100WRXB: W = 64-bit operand, R/X/B = bit 3 of ModR/M.reg, SIB.index,
 *         ModR/M.rm or SIB.base. Any REX makes byte registers 4-7 mean
 *         spl/bpl/sil/dil instead of ah/ch/dh/bh.
 *  ModR/M mod(2) reg(3) rm(3). mod 11: register; rm 100: a SIB follows;
 *         mod 00 rm 101: RIP-relative, so rbp/r13 as a base need mod 01 with
 *         a zero disp8.
 *  SIB    scale(2) index(3) base(3); index 100 = none, so rsp is never an index.
 */
#include <string.h>

#include "accel/tcg/jit-x86.h"

enum {
    F_W = 1,    /* REX.W */
    F_BYTE = 2, /* 8-bit register operands: emit REX so 4-7 are spl..dil */
    F_66 = 4,   /* operand-size prefix: 16-bit */
};

void x86_byte(X86Buf *b, uint8_t v)
{
    if (b->p >= b->end) {
        b->overflow = true;
        return;
    }
    *b->p++ = v;
}

void x86_u32(X86Buf *b, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        x86_byte(b, v >> (8 * i));
    }
}

static bool fits_i8(int64_t v)
{
    return v >= -128 && v <= 127;
}

static bool fits_i32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/* Opcodes of one to three bytes, written big-endian in an integer (0x0FAF = 0F AF). */
static void emit_opcode(X86Buf *b, uint32_t opc)
{
    if (opc > 0xffff) {
        x86_byte(b, opc >> 16);
    }
    if (opc > 0xff) {
        x86_byte(b, opc >> 8);
    }
    x86_byte(b, opc);
}

static void emit_prefix_rex(X86Buf *b, unsigned f, int reg, int index, int base, bool byte_regs)
{
    uint8_t rex =
        0x40 | (f & F_W ? 8 : 0) | (reg & 8 ? 4 : 0) | (index & 8 ? 2 : 0) | (base & 8 ? 1 : 0);

    if (f & F_66) {
        x86_byte(b, 0x66);
    }
    if (rex != 0x40 || byte_regs) {
        x86_byte(b, rex);
    }
}

static void emit_modrm_mem(X86Buf *b, int reg, X86Mem m)
{
    int base = m.base & 7;
    bool sib = m.index != X86_NOREG || base == X86_RSP;
    int mod = m.disp == 0 && base != X86_RBP ? 0 : fits_i8(m.disp) ? 1 : 2;

    x86_byte(b, mod << 6 | (reg & 7) << 3 | (sib ? 4 : base));
    if (sib) {
        int index = m.index == X86_NOREG ? 4 : m.index & 7;
        int ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
        x86_byte(b, ss << 6 | index << 3 | base);
    }
    if (mod == 1) {
        x86_byte(b, (uint8_t)m.disp);
    } else if (mod == 2) {
        x86_u32(b, (uint32_t)m.disp);
    }
}

/* opcode with a memory operand; reg is a register or a /digit. */
static void op_m(X86Buf *b, unsigned f, uint32_t opc, int reg, X86Mem m)
{
    int index = m.index == X86_NOREG ? 0 : m.index;
    emit_prefix_rex(b, f, reg, index, m.base, (f & F_BYTE) && reg >= 4 && reg < 8);
    emit_opcode(b, opc);
    emit_modrm_mem(b, reg, m);
}

/* opcode with a register operand in ModR/M.rm. */
static void op_r(X86Buf *b, unsigned f, uint32_t opc, int reg, int rm)
{
    bool byte_regs = (f & F_BYTE) && ((reg >= 4 && reg < 8) || (rm >= 4 && rm < 8));
    emit_prefix_rex(b, f, reg, 0, rm, byte_regs);
    emit_opcode(b, opc);
    x86_byte(b, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

static unsigned wf(bool w)
{
    return w ? F_W : 0;
}

void x86_mov_rr(X86Buf *b, bool w, X86Reg dst, X86Reg src)
{
    op_r(b, wf(w), 0x89, src, dst);
}

void x86_mov_rm(X86Buf *b, bool w, X86Reg dst, X86Mem src)
{
    op_m(b, wf(w), 0x8b, dst, src);
}

void x86_mov_mr(X86Buf *b, bool w, X86Mem dst, X86Reg src)
{
    op_m(b, wf(w), 0x89, src, dst);
}

void x86_mov_mi(X86Buf *b, X86Mem dst, int32_t imm)
{
    op_m(b, F_W, 0xc7, 0, dst);
    x86_u32(b, imm);
}

void x86_mov_ri(X86Buf *b, X86Reg dst, uint64_t imm)
{
    if (imm <= UINT32_MAX) { /* B8+r id: writes 32 bits, zero-extends */
        emit_prefix_rex(b, 0, 0, 0, dst, false);
        x86_byte(b, 0xb8 + (dst & 7));
        x86_u32(b, imm);
    } else if (fits_i32((int64_t)imm)) { /* REX.W C7 /0 id: sign-extends */
        op_r(b, F_W, 0xc7, 0, dst);
        x86_u32(b, imm);
    } else { /* REX.W B8+r io */
        emit_prefix_rex(b, F_W, 0, 0, dst, false);
        x86_byte(b, 0xb8 + (dst & 7));
        x86_u32(b, imm);
        x86_u32(b, imm >> 32);
    }
}

uint8_t *x86_movabs(X86Buf *b, X86Reg dst, uint64_t imm)
{
    uint8_t *field;

    emit_prefix_rex(b, F_W, 0, 0, dst, false);
    x86_byte(b, 0xb8 + (dst & 7));
    field = b->p;
    x86_u32(b, imm);
    x86_u32(b, imm >> 32);
    return b->overflow ? NULL : field;
}

void x86_lea(X86Buf *b, X86Reg dst, X86Mem src)
{
    op_m(b, F_W, 0x8d, dst, src);
}

void x86_load(X86Buf *b, unsigned size, bool sign, X86Reg dst, X86Mem src)
{
    switch (size) {
    case 1: /* movsx r64, m8 / movzx r32, m8 */
        op_m(b, sign ? F_W : 0, sign ? 0x0fbe : 0x0fb6, dst, src);
        break;
    case 2:
        op_m(b, sign ? F_W : 0, sign ? 0x0fbf : 0x0fb7, dst, src);
        break;
    case 4: /* movsxd r64, m32 / mov r32, m32 */
        op_m(b, sign ? F_W : 0, sign ? 0x63 : 0x8b, dst, src);
        break;
    default:
        op_m(b, F_W, 0x8b, dst, src);
        break;
    }
}

void x86_store(X86Buf *b, unsigned size, X86Mem dst, X86Reg src)
{
    switch (size) {
    case 1:
        op_m(b, F_BYTE, 0x88, src, dst);
        break;
    case 2:
        op_m(b, F_66, 0x89, src, dst);
        break;
    case 4:
        op_m(b, 0, 0x89, src, dst);
        break;
    default:
        op_m(b, F_W, 0x89, src, dst);
        break;
    }
}

void x86_store_zero(X86Buf *b, unsigned size, X86Mem dst)
{
    static const unsigned flags[] = {[1] = 0, [2] = F_66, [4] = 0, [8] = F_W};

    op_m(b, flags[size], size == 1 ? 0xc6 : 0xc7, 0, dst);
    for (unsigned i = 0; i < (size < 4 ? size : 4); i++) {
        x86_byte(b, 0);
    }
}

void x86_movsx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    uint32_t opc = size == 8 ? 0x0fbe : size == 16 ? 0x0fbf : 0x63;
    op_r(b, F_W | (size == 8 ? F_BYTE : 0), opc, dst, src);
}

void x86_movzx_rr(X86Buf *b, unsigned size, X86Reg dst, X86Reg src)
{
    op_r(b, size == 8 ? F_BYTE : 0, size == 8 ? 0x0fb6 : 0x0fb7, dst, src);
}

void x86_alu_rr(X86Buf *b, X86Alu op, bool w, X86Reg dst, X86Reg src)
{
    op_r(b, wf(w), op << 3 | 1, src, dst);
}

void x86_alu_rm(X86Buf *b, X86Alu op, bool w, X86Reg dst, X86Mem src)
{
    op_m(b, wf(w), op << 3 | 3, dst, src);
}

void x86_alu_ri(X86Buf *b, X86Alu op, bool w, X86Reg dst, int32_t imm)
{
    if (fits_i8(imm)) {
        op_r(b, wf(w), 0x83, op, dst);
        x86_byte(b, imm);
    } else {
        op_r(b, wf(w), 0x81, op, dst);
        x86_u32(b, imm);
    }
}

void x86_alu_mi(X86Buf *b, X86Alu op, bool w, X86Mem dst, int32_t imm)
{
    if (fits_i8(imm)) {
        op_m(b, wf(w), 0x83, op, dst);
        x86_byte(b, imm);
    } else {
        op_m(b, wf(w), 0x81, op, dst);
        x86_u32(b, imm);
    }
}

void x86_cmp_mi8(X86Buf *b, X86Mem dst, int8_t imm)
{
    op_m(b, 0, 0x80, X86_CMP, dst);
    x86_byte(b, imm);
}

void x86_test_rr(X86Buf *b, bool w, X86Reg a, X86Reg c)
{
    op_r(b, wf(w), 0x85, c, a);
}

void x86_shift_ri(X86Buf *b, X86Shift op, bool w, X86Reg dst, uint8_t imm)
{
    op_r(b, wf(w), 0xc1, op, dst);
    x86_byte(b, imm);
}

void x86_shift_rcl(X86Buf *b, X86Shift op, bool w, X86Reg dst)
{
    op_r(b, wf(w), 0xd3, op, dst);
}

void x86_unary(X86Buf *b, X86Unary op, bool w, X86Reg r)
{
    op_r(b, wf(w), 0xf7, op, r);
}

void x86_cdq(X86Buf *b, bool w)
{
    if (w) {
        x86_byte(b, 0x48);
    }
    x86_byte(b, 0x99);
}

void x86_imul_rr(X86Buf *b, bool w, X86Reg dst, X86Reg src)
{
    op_r(b, wf(w), 0x0faf, dst, src);
}

void x86_bitop_rr(X86Buf *b, X86BitOp op, X86Reg dst, X86Reg bit)
{
    op_r(b, F_W, 0x0fa3 + 8 * (op - X86_BT), bit, dst);
}

void x86_bitop_ri(X86Buf *b, X86BitOp op, X86Reg dst, uint8_t bit)
{
    op_r(b, F_W, 0x0fba, op, dst);
    x86_byte(b, bit);
}

void x86_bswap(X86Buf *b, X86Reg r)
{
    emit_prefix_rex(b, F_W, 0, 0, r, false);
    x86_byte(b, 0x0f);
    x86_byte(b, 0xc8 + (r & 7));
}

void x86_setcc(X86Buf *b, X86Cond cc, X86Reg dst)
{
    op_r(b, F_BYTE, 0x0f90 + cc, 0, dst);
}

void x86_cmov(X86Buf *b, X86Cond cc, X86Reg dst, X86Reg src)
{
    op_r(b, F_W, 0x0f40 + cc, dst, src);
}

static void put_rel32(uint8_t *field, const void *target)
{
    int32_t rel = target ? (int32_t)((const uint8_t *)target - (field + 4)) : 0;
    memcpy(field, &rel, 4);
}

/* rel32 branch: target NULL leaves it pointing at the next instruction. */
static uint8_t *emit_rel32(X86Buf *b, const void *target)
{
    uint8_t *field = b->p;

    x86_u32(b, 0);
    if (b->overflow) {
        return NULL;
    }
    put_rel32(field, target);
    return field;
}

uint8_t *x86_jcc(X86Buf *b, X86Cond cc, const void *target)
{
    emit_opcode(b, 0x0f80 + cc);
    return emit_rel32(b, target);
}

uint8_t *x86_jmp(X86Buf *b, const void *target)
{
    x86_byte(b, 0xe9);
    return emit_rel32(b, target);
}

uint8_t *x86_lea_rip(X86Buf *b, X86Reg dst)
{
    uint8_t *field;

    emit_prefix_rex(b, F_W, dst, 0, 0, false);
    x86_byte(b, 0x8d);
    x86_byte(b, (dst & 7) << 3 | 5); /* mod 00 rm 101: [rip + disp32] */
    field = b->p;
    x86_u32(b, 0);
    return b->overflow ? NULL : field;
}

void x86_jmp_r(X86Buf *b, X86Reg r)
{
    op_r(b, 0, 0xff, 4, r);
}

void x86_call(X86Buf *b, const void *fn)
{
    int64_t rel = (const uint8_t *)fn - (b->p + 5);

    if (fits_i32(rel)) {
        x86_byte(b, 0xe8);
        x86_u32(b, (uint32_t)rel);
        return;
    }
    x86_mov_ri(b, X86_RAX, (uintptr_t)fn);
    op_r(b, 0, 0xff, 2, X86_RAX);
}

void x86_push(X86Buf *b, X86Reg r)
{
    emit_prefix_rex(b, 0, 0, 0, r, false);
    x86_byte(b, 0x50 + (r & 7));
}

void x86_pop(X86Buf *b, X86Reg r)
{
    emit_prefix_rex(b, 0, 0, 0, r, false);
    x86_byte(b, 0x58 + (r & 7));
}

void x86_ret(X86Buf *b)
{
    x86_byte(b, 0xc3);
}

void x86_patch_rel32(uint8_t *field, const void *target)
{
    int32_t rel = (int32_t)((const uint8_t *)target - (field + 4));

    if (((uintptr_t)field & 3) == 0) {
        /* Aligned: one atomic store, so a thread running this code sees old or new. */
        __atomic_store_n((int32_t *)field, rel, __ATOMIC_RELEASE);
    } else {
        memcpy(field, &rel, 4);
    }
}

void x86_align(X86Buf *b, unsigned align, unsigned offset)
{
    while (!b->overflow && ((uintptr_t)(b->p + offset) & (align - 1))) {
        x86_byte(b, 0x90);
    }
}

void x86_align_nops(X86Buf *b, unsigned align)
{
    /* the multi-byte NOPs of the Intel SDM (NOP r/m, 0F 1F /0), 1 to 8 bytes */
    static const uint8_t nops[8][8] = {
        {0x90},
        {0x66, 0x90},
        {0x0f, 0x1f, 0x00},
        {0x0f, 0x1f, 0x40, 0x00},
        {0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
        {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
        {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
    };

    while (!b->overflow && ((uintptr_t)b->p & (align - 1))) {
        unsigned n = align - ((uintptr_t)b->p & (align - 1));
        n = n < 8 ? n : 8;
        for (unsigned i = 0; i < n; i++) {
            x86_byte(b, nops[n - 1][i]);
        }
    }
}

/* Legacy SSE: [prefix] [REX] 0F opc ModR/M; prefix 0 for none. */
static void sse_prefix(X86Buf *b, uint8_t prefix)
{
    if (prefix) {
        x86_byte(b, prefix);
    }
}

void x86_sse_rm(X86Buf *b, X86SseOp op, int xmm, X86Mem src)
{
    sse_prefix(b, op >> 8);
    op_m(b, 0, 0x0f00 | (op & 0xff), xmm, src);
}

void x86_sse_rr(X86Buf *b, X86SseOp op, int xmm, int src)
{
    sse_prefix(b, op >> 8);
    op_r(b, 0, 0x0f00 | (op & 0xff), xmm, src);
}

void x86_movq_rx(X86Buf *b, X86Reg dst, int xmm)
{
    x86_byte(b, 0x66);
    op_r(b, F_W, 0x0f7e, xmm, dst);
}

void x86_movq_xr(X86Buf *b, int xmm, X86Reg src)
{
    x86_byte(b, 0x66);
    op_r(b, F_W, 0x0f6e, xmm, src);
}

void x86_cvtsi2f(X86Buf *b, bool dbl, bool w, int xmm, X86Reg src)
{
    x86_byte(b, dbl ? 0xf2 : 0xf3);
    op_r(b, wf(w), 0x0f2a, xmm, src);
}

void x86_cvtf2si(X86Buf *b, bool dbl, bool trunc, bool w, X86Reg dst, int xmm)
{
    x86_byte(b, dbl ? 0xf2 : 0xf3);
    op_r(b, wf(w), trunc ? 0x0f2c : 0x0f2d, dst, xmm);
}

/* VEX three-byte form: C4, ~R ~X ~B m-mmmm (0F38 = 2), W ~vvvv L pp (66 = 1). */
void x86_vfma231(X86Buf *b, X86FmaOp op, bool dbl, int xmm_dst, int xmm_a, X86Mem src)
{
    int index = src.index == X86_NOREG ? 0 : src.index;

    x86_byte(b, 0xc4);
    x86_byte(b,
             (xmm_dst & 8 ? 0 : 0x80) | (index & 8 ? 0 : 0x40) | (src.base & 8 ? 0 : 0x20) | 0x02);
    x86_byte(b, (dbl ? 0x80 : 0) | (~xmm_a & 0xf) << 3 | 0x01);
    x86_byte(b, op);
    emit_modrm_mem(b, xmm_dst, src);
}

/* x86_vfma231's VEX form with ModR/M.rm a register (mod 11): ~B extends xmm_b. */
void x86_vfma231_rr(X86Buf *b, X86FmaOp op, bool dbl, int xmm_dst, int xmm_a, int xmm_b)
{
    x86_byte(b, 0xc4);
    x86_byte(b, (xmm_dst & 8 ? 0 : 0x80) | 0x40 | (xmm_b & 8 ? 0 : 0x20) | 0x02);
    x86_byte(b, (dbl ? 0x80 : 0) | (~xmm_a & 0xf) << 3 | 0x01);
    x86_byte(b, op);
    x86_byte(b, 0xc0 | (xmm_dst & 7) << 3 | (xmm_b & 7));
}

void x86_pushf(X86Buf *b)
{
    x86_byte(b, 0x9c);
}
