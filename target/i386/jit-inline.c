/*
 * The x86 JIT's inline forms (jit-translate.c calls the handler for the rest): on 32- and
 * 64-bit registers, mov, mov of an immediate, lea, the ALU group (adc/sbb with CF from
 * x86_jit_gen_carry), test and shifts by a constant, which a kernel runs most (perf); the
 * condition of a jcc; mov loads and stores through the data TLB. jit-alu.c has the other
 * register forms. Each does what its handler (exec-fast.c, exec-alu.c) does:
 * the same result in env->regs (a 32-bit write clears the upper half) and the same lazy
 * flags record (x86_cc_record: res, a, b, op, size; a logic op's a and b, which the
 * interpreter zeroes and no reader looks at, are left as they were), so the flags readers
 * (cc_helper.c) cannot tell which engine ran it.
 */
#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

#define ENV_FIELD(f) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, f) - JIT_ENV_BIAS)
#define GREG(r) ENV_FIELD(regs[(r)])

_Static_assert(offsetof(X86LazyFlags, size) == offsetof(X86LazyFlags, op) + 1,
               "op and size of the flags record are stored as one 16-bit word");
_Static_assert(offsetof(X86LazyFlags, op) + 8 <= sizeof(X86LazyFlags),
               "an 8-byte store of op and size stays in the flags record (its padding)");

/* The guest register of an operand of an ALU form, or -1 for the immediate. */
typedef struct AluForm {
    int op; /* 0 add .. 7 cmp; 8 test */
    int dst, src;
    int64_t imm;
} AluForm;

static bool alu_form(const X86Insn *d, AluForm *f)
{
    if (d->mem || d->lock || d->map != 0) {
        return false;
    }
    switch (d->op) {
    case OP_ALU: /* Eb,Gb Ev,Gv Gb,Eb Gv,Ev AL,Ib rAX,Iz */
        f->op = (d->opc >> 3) & 7;
        if ((d->opc & 7) < 2) {
            *f = (AluForm){f->op, d->rm, d->reg, 0};
        } else if ((d->opc & 7) < 4) {
            *f = (AluForm){f->op, d->reg, d->rm, 0};
        } else if ((d->opc & 7) < 6) {
            *f = (AluForm){f->op, R_EAX, -1, d->imm};
        } else {
            return false;
        }
        break;
    case OP_GRP1:
        if (d->opc != 0x80 && d->opc != 0x81 && d->opc != 0x83) {
            return false;
        }
        *f = (AluForm){d->reg & 7, d->rm, -1, d->imm};
        break;
    case OP_TEST: /* 84 85; a8 a9: al/ax/eax/rax, imm */
        if (d->opc == 0xa8 || d->opc == 0xa9) {
            *f = (AluForm){8, R_EAX, -1, d->imm};
        } else if (d->opc == 0x84 || d->opc == 0x85) {
            *f = (AluForm){8, d->rm, d->reg, 0};
        } else {
            return false;
        }
        break;
    case OP_GRP3: /* test r, imm (f6, f7 /0, /1) */
        if ((d->reg & 7) > 1) {
            return false;
        }
        *f = (AluForm){8, d->rm, -1, d->imm};
        break;
    default:
        return false;
    }
    return true;
}

__thread bool x86_jit_flags_dead;
__thread unsigned x86_jit_cc_stored;

/* The record's a and b, unless a logic op's: no reader of those looks at them (cc_helper.c). */
static void record_operands(X86Buf *b, X86CCOp op, X86Reg a, X86Reg bv)
{
    if (op != X86_CC_LOGIC) {
        x86_mov_mr(b, true, ENV_FIELD(cc.a), a);
        x86_mov_mr(b, true, ENV_FIELD(cc.b), bv);
    }
}

/* The record's op and size, where the block's code did not store them last. */
static void record_op(X86Buf *b, X86CCOp op, int size)
{
    if (x86_jit_cc_stored != (unsigned)(op | size << 8)) {
        /* one store of 8 bytes, op, size and the padding after them (zeroed) */
        x86_mov_mi(b, ENV_FIELD(cc.op), op | size << 8);
        x86_jit_cc_stored = op | size << 8;
    }
}

/* The lazy flags record (tb-info.h); clobbers rax. */
void x86_jit_record_cc(X86Buf *b, X86CCOp op, int size, X86Reg carry)
{
    if (x86_jit_flags_dead) {
        return;
    }
    x86_mov_mr(b, true, ENV_FIELD(cc.res), X86_RDX);
    record_operands(b, op, X86_RAX, X86_RCX);
    if (carry != X86_NOREG) {
        x86_lea(b, X86_RAX, x86_mem(carry, op | size << 8));
        x86_store(b, 2, ENV_FIELD(cc.op), X86_RAX);
        x86_jit_cc_stored = 0;
    } else {
        record_op(b, op, size);
    }
}

/* AH, CH, DH, BH: byte 1 of a register, not cached. */
static bool high_byte(const X86Insn *d, int reg, int size)
{
    return size == 1 && !d->rex && reg >= 4 && reg < 8;
}

void x86_jit_get_reg(X86Buf *b, const X86Insn *d, int reg, int size, X86Reg dst)
{
    X86Reg h;

    if (high_byte(d, reg, size)) {
        x86_load(b, size, false, dst, x86_jit_reg(d, reg, size));
        return;
    }
    h = x86_jit_regs_get(b, reg);
    if (size >= 4) {
        x86_mov_rr(b, size == 8, dst, h);
    } else {
        x86_movzx_rr(b, 8 * size, dst, h);
    }
}

void x86_jit_set_reg(X86Buf *b, const X86Insn *d, int reg, int size, X86Reg src)
{
    if (size == 4) {
        x86_mov_rr(b, false, src, src); /* the upper half cleared */
    }
    x86_store(b, size == 4 ? 8 : size, x86_jit_reg(d, reg, size), src);
    if (size >= 4) {
        x86_jit_regs_written(b, reg, src);
    } else {
        x86_jit_regs_forget(high_byte(d, reg, size) ? reg - 4 : reg);
    }
}

void x86_jit_gen_alu_op(X86Buf *b, int op, int size)
{
    static const X86Alu host[] = {X86_ADD, X86_OR,  X86_ADC, X86_SBB, X86_AND,
                                  X86_SUB, X86_XOR, X86_SUB, X86_AND};
    static const X86CCOp ccop[] = {X86_CC_ADD, X86_CC_LOGIC, X86_CC_ADD, X86_CC_SUB,  X86_CC_LOGIC,
                                   X86_CC_SUB, X86_CC_LOGIC, X86_CC_SUB, X86_CC_LOGIC};
    bool carry = op == 2 || op == 3;

    x86_mov_rr(b, true, X86_RDX, X86_RAX);
    if (carry) {
        x86_bitop_ri(b, X86_BT, X86_R8, 0); /* the host's CF = the guest's */
    }
    x86_alu_rr(b, host[op], size == 8, X86_RDX, X86_RCX);
    if (size < 4 && ccop[op] != X86_CC_LOGIC) {
        x86_alu_ri(b, X86_AND, false, X86_RDX, (int32_t)x86_mask(size));
    }
    x86_jit_record_cc(b, ccop[op], size, carry ? X86_R8 : X86_NOREG);
}

/*
 * add, or, and, sub, xor of 32 or 64 bits whose flags nothing sees (x86_jit_flags_dead): on the
 * destination's cached copy in place, then its store to env (the copy stays equal to it), as
 * x86_jit_regs_written's contract asks. The host's flags are still the op's, as after gen_alu.
 * Two instructions where gen_alu took six to eight (the copies into rax, rcx, rdx and back):
 * the decompressor's loops (add $1 to a pointer, a xor before a shift) are full of them.
 * Alone within the noise (bench x86boot, medians of 4 alternate runs: 3.69 / 7.50 CPU seconds
 * to "Linux version" / the init marker without, 3.74 / 7.51 with); with the copies below
 * (gen_lea, gen_mov, the record's op in one store) 3.87 / 8.00 -> 3.74 / 7.47.
 */
static bool gen_alu_dead(X86Buf *b, const AluForm *f, int size)
{
    static const X86Alu host[] = {X86_ADD, X86_OR, 0, 0, X86_AND, X86_SUB, X86_XOR};
    X86Reg dst;

    if (!x86_jit_flags_dead || size < 4 || f->op > 6 || f->op == 2 || f->op == 3) {
        return false;
    }
    dst = x86_jit_regs_get(b, f->dst);
    if (f->src >= 0) { /* dst's slot is the last taken: the source's copy does not evict it */
        x86_alu_rr(b, host[f->op], size == 8, dst, x86_jit_regs_get(b, f->src));
    } else {
        x86_alu_ri(b, host[f->op], size == 8, dst, (int32_t)f->imm);
    }
    x86_mov_mr(b, true, GREG(f->dst), dst); /* a 32-bit op cleared the upper half */
    return true;
}

/*
 * add, or, and, sub, xor, cmp and test of 64 bits whose flags may be seen: the record's a and
 * b stored from the cached copies, the op on the destination's copy in place (cmp and test on
 * a copy in rdx), then its res and the destination's store to env, as gen_alu_dead does; the
 * host's flags stay the op's. gen_alu took three to five more moves (the copies into rax, rcx,
 * rdx and back). Only 64 bits: the record holds a 32-bit op's operands zero-extended.
 */
static bool gen_alu_64(X86Buf *b, const AluForm *f, int size)
{
    static const X86Alu host[] = {X86_ADD, X86_OR,  0,       0,      X86_AND,
                                  X86_SUB, X86_XOR, X86_SUB, X86_AND};
    static const X86CCOp ccop[] = {X86_CC_ADD, X86_CC_LOGIC, 0,          0,           X86_CC_LOGIC,
                                   X86_CC_SUB, X86_CC_LOGIC, X86_CC_SUB, X86_CC_LOGIC};
    bool writes = f->op != 7 && f->op != 8;
    X86Reg dst, src = X86_RCX, res = X86_RDX;

    if (size != 8 || f->op == 2 || f->op == 3 || x86_jit_flags_dead) {
        return false;
    }
    dst = x86_jit_regs_get(b, f->dst);
    if (f->src >= 0) { /* dst's slot is the last taken: the source's copy does not evict it */
        src = x86_jit_regs_get(b, f->src);
    } else {
        x86_mov_ri(b, X86_RCX, (uint64_t)f->imm);
    }
    record_operands(b, ccop[f->op], dst, src);
    if (writes) {
        res = dst;
    } else {
        x86_mov_rr(b, true, X86_RDX, dst);
    }
    x86_alu_rr(b, host[f->op], true, res, src);
    x86_mov_mr(b, true, ENV_FIELD(cc.res), res);
    record_op(b, ccop[f->op], size);
    if (writes) {
        x86_mov_mr(b, true, GREG(f->dst), dst);
    }
    return true;
}

/* A register ALU form; adc and sbb read CF first (x86_jit_gen_carry clobbers rax..r11). */
static void gen_alu(X86Buf *b, const X86Insn *d, const AluForm *f, int size, unsigned known)
{
    if (gen_alu_dead(b, f, size) || gen_alu_64(b, f, size)) {
        return;
    }
    if (f->op == 2 || f->op == 3) {
        x86_jit_gen_carry(b, known);
    }
    x86_jit_get_reg(b, d, f->dst, size, X86_RAX);
    if (f->src >= 0) {
        x86_jit_get_reg(b, d, f->src, size, X86_RCX);
    } else {
        x86_mov_ri(b, X86_RCX, (uint64_t)f->imm & x86_mask(size));
    }
    x86_jit_gen_alu_op(b, f->op, size);
    if (f->op != 7 && f->op != 8) {
        x86_jit_set_reg(b, d, f->dst, size, X86_RDX);
    }
}

void x86_jit_gen_address(X86Buf *b, const X86Insn *d, unsigned next, X86Reg dst)
{
    if (d->base != X86_REG_NONE && d->base != X86_REG_RIP) { /* one lea from the copies */
        X86Reg base = x86_jit_regs_get(b, d->base);

        if (d->index != X86_REG_NONE) {
            x86_lea(b, dst,
                    x86_mem_idx(base, x86_jit_regs_get(b, d->index), 1 << d->scale, d->disp));
        } else {
            x86_lea(b, dst, x86_mem(base, d->disp));
        }
        return;
    }
    if (d->base == X86_REG_RIP) {
        x86_lea(b, dst, x86_mem(JIT_PC, (int32_t)next));
    } else {
        x86_mov_ri(b, dst, 0);
    }
    if (d->index != X86_REG_NONE) {
        x86_lea(b, dst, x86_mem_idx(dst, x86_jit_regs_get(b, d->index), 1 << d->scale, d->disp));
    } else if (d->disp) {
        x86_lea(b, dst, x86_mem(dst, d->disp));
    }
}

/* lea with 64-bit addressing. */
static void gen_lea(X86Buf *b, const X86Insn *d, unsigned next)
{
    if (d->base != X86_REG_NONE && d->base != X86_REG_RIP) { /* one lea into the copy */
        X86Reg base = x86_jit_regs_get(b, d->base);
        X86Reg index = d->index != X86_REG_NONE ? x86_jit_regs_get(b, d->index) : X86_NOREG;
        X86Reg dst = x86_jit_regs_def(d->reg);

        x86_lea(b, dst,
                index != X86_NOREG ? x86_mem_idx(base, index, 1 << d->scale, d->disp)
                                   : x86_mem(base, d->disp));
        if (d->opsize == 4) {
            x86_mov_rr(b, false, dst, dst);
        }
        x86_mov_mr(b, true, GREG(d->reg), dst);
        return;
    }
    x86_jit_gen_address(b, d, next, X86_RAX);
    if (d->opsize == 4) {
        x86_mov_rr(b, false, X86_RAX, X86_RAX);
    }
    x86_mov_mr(b, true, GREG(d->reg), X86_RAX);
    x86_jit_regs_written(b, d->reg, X86_RAX);
}

/* mov between registers (89, 8b) or of an immediate (b8+r, c7 /0). */
static bool gen_mov(X86Buf *b, const X86Insn *d)
{
    bool w = d->opsize == 8;
    X86Reg src, h;
    int dst;

    if (d->op == OP_MOV_RI) {
        dst = (d->opc & 7) | ((d->rex & 1) << 3);
        h = x86_jit_regs_def(dst);
        x86_mov_ri(b, h, w ? (uint64_t)d->imm : (uint32_t)d->imm);
        x86_mov_mr(b, true, GREG(dst), h);
        return true;
    }
    if (d->mem || d->lock) {
        return false;
    }
    if (d->opc == 0xc7) {
        if ((d->reg & 7) != 0) {
            return false; /* c7 /1../7: #UD by the handler */
        }
        x86_mov_ri(b, X86_RAX, w ? (uint64_t)d->imm : (uint32_t)d->imm);
        x86_mov_mr(b, true, GREG(d->rm), X86_RAX);
        x86_jit_regs_written(b, d->rm, X86_RAX);
        return true;
    }
    if (d->opc != 0x89 && d->opc != 0x8b) {
        return false;
    }
    src = x86_jit_regs_get(b, d->opc == 0x89 ? d->reg : d->rm);
    dst = d->opc == 0x89 ? d->rm : d->reg;
    h = x86_jit_regs_def(dst);
    x86_mov_rr(b, w, h, src); /* into the destination's copy: none through rax */
    x86_mov_mr(b, true, GREG(dst), h);
    return true;
}

/* shl/sal/shr/sar of a register by an immediate or 1 (c1, d1), as x86_exec_shift. */
static bool gen_shift(X86Buf *b, const X86Insn *d)
{
    static const X86Shift host[] = {X86_SHL, X86_SHR, X86_SHL, X86_SAR};
    static const X86CCOp ccop[] = {X86_CC_SHL, X86_CC_SHR, X86_CC_SHL, X86_CC_SAR};
    int op = d->reg & 7, size = d->opsize;
    bool w = size == 8;
    unsigned c = d->opc >= 0xd0 ? 1 : (unsigned)d->imm;

    if (d->mem || d->lock || op < 4 || d->opc == 0xd2 || d->opc == 0xd3) {
        return false;
    }
    c &= w ? 0x3f : 0x1f;
    x86_jit_get_reg(b, d, d->rm, size, X86_RAX);
    if (c == 0) { /* no flags; a 32-bit register's upper half is cleared */
        x86_jit_set_reg(b, d, d->rm, size, X86_RAX);
        return true;
    }
    if (size < 4 && op == 7) { /* sar of 8/16 bits: from the sign-extended value */
        x86_movsx_rr(b, 8 * size, X86_RDX, X86_RAX);
    } else {
        x86_mov_rr(b, true, X86_RDX, X86_RAX);
    }
    x86_shift_ri(b, host[op - 4], w, X86_RDX, c);
    if (size < 4) {
        x86_alu_ri(b, X86_AND, false, X86_RDX, (int32_t)x86_mask(size));
    }
    x86_mov_ri(b, X86_RCX, c);
    x86_jit_record_cc(b, ccop[op - 4], size, X86_NOREG);
    x86_jit_set_reg(b, d, d->rm, size, X86_RDX);
    return true;
}

unsigned x86_jit_static_cc(const X86Insn *d)
{
    /* by the ALU group's op (0 add .. 7 cmp, 8 test); adc and sbb: ADC1/SBB1 by CF */
    static const uint8_t ccop[] = {X86_CC_ADD, X86_CC_LOGIC, 0,          0,           X86_CC_LOGIC,
                                   X86_CC_SUB, X86_CC_LOGIC, X86_CC_SUB, X86_CC_LOGIC};
    int op;

    if (d->map != 0) {
        return 0;
    }
    switch (d->op) {
    case OP_ALU: /* 00-3d, but the segment pushes and the like in between */
        if ((d->opc & 7) > 5) {
            return 0;
        }
        op = (d->opc >> 3) & 7;
        break;
    case OP_GRP1:
        op = d->reg & 7;
        break;
    case OP_TEST:
        op = 8;
        break;
    case OP_GRP3:
        if ((d->reg & 7) > 1) {
            return 0;
        }
        op = 8;
        break;
    default:
        return 0;
    }
    return ccop[op] ? ccop[op] | (unsigned)d->opsize << 8 : 0;
}

bool x86_jit_inline(X86Buf *b, const X86Insn *d, unsigned next, unsigned known)
{
    AluForm f;

    if (x86_jit_nop_form(d)) {
        return true;
    }
    if (x86_jit_alu(b, d, known)) {
        return true;
    }
    if (d->map != 0) {
        return false;
    }
    if (d->op == OP_SHIFT) { /* every size */
        return gen_shift(b, d);
    }
    if (alu_form(d, &f)) {
        gen_alu(b, d, &f, d->opsize, known);
        return true;
    }
    if (d->opsize != 4 && d->opsize != 8) {
        return false;
    }
    switch (d->op) {
    case OP_MOV:
    case OP_MOV_RI:
        return gen_mov(b, d);
    case OP_LEA:
        if (!d->mem || d->addrsize != 8) {
            return false;
        }
        gen_lea(b, d, next);
        return true;
    default:
        return false;
    }
}

/* Condition cc of the flags in env, for the general case (from JIT code). */
static uint64_t x86_jit_cond(const CPUX86State *env, int cc)
{
    return x86_cond(env, cc);
}

/*
 * The host flags for condition cc from a record whose op and size the translator knows:
 * a sub/cmp, add or logic record of 32 or 64 bits redone on the host (cmp, add or test); of
 * 8 or 16 bits (operands and result zero-extended), the equality of any of them from the
 * result, and the unsigned comparisons of a sub/cmp from its operands. Returns the host
 * condition to branch on, or -1 (nothing emitted).
 */
static int gen_cond_known(X86Buf *b, int cc, int op, int size)
{
    int pair = (cc >> 1) & 7;
    bool w = size == 8;

    if (op != X86_CC_SUB && op != X86_CC_ADD && op != X86_CC_LOGIC) {
        return -1;
    }
    if (size >= 4 && op == X86_CC_LOGIC) {
        x86_mov_rm(b, w, X86_RAX, ENV_FIELD(cc.res));
        x86_test_rr(b, w, X86_RAX, X86_RAX);
    } else if (size >= 4 || (op == X86_CC_SUB && pair >= 1 && pair <= 3)) {
        x86_mov_rm(b, w || size < 4, X86_RAX, ENV_FIELD(cc.a));
        x86_alu_rm(b, op == X86_CC_SUB ? X86_CMP : X86_ADD, w || size < 4, X86_RAX,
                   ENV_FIELD(cc.b));
    } else if (pair == 2) {
        x86_mov_rm(b, true, X86_RAX, ENV_FIELD(cc.res));
        x86_test_rr(b, true, X86_RAX, X86_RAX);
    } else {
        return -1;
    }
    return cc;
}

/*
 * Emit a branch to where taken[] point (patched by the caller) when condition cc of the
 * lazy flags holds; falls through otherwise. Where the translator knows the record
 * (known, tb-info.h), the host flags or gen_cond_known's test alone; else a sub/cmp, add or
 * logic record of 32 or 64 bits is redone on the host (cmp, add or test), whose flags are
 * then the guest's for every condition; other records ask x86_cond. Returns the number of
 * taken branches.
 * Measured (the x86boot bench's boot, CPU seconds to "Linux version" / the init marker, base
 * and this alternately, load ~6): before 7.68 / 15.90, 7.92 / 16.41; after 7.69 / 14.47,
 * 7.76 / 15.90 (the decompressor hardly branches on flags it could not know).
 */
int x86_jit_gen_cond(X86Buf *b, int cc, unsigned known, uint8_t **taken)
{
    static const struct {
        uint8_t op, size;
    } fast[] = {{X86_CC_SUB, 8},   {X86_CC_SUB, 4}, {X86_CC_LOGIC, 8},
                {X86_CC_LOGIC, 4}, {X86_CC_ADD, 8}, {X86_CC_ADD, 4}};
    int n = 0, host = known & X86_JIT_CC_HOST ? cc : -1;

    if (known && host < 0) {
        host = gen_cond_known(b, cc, known & 0xff, (known >> 8) & 0xff);
    }
    if (host >= 0) {
        taken[0] = x86_jcc(b, (X86Cond)host, NULL);
        return 1;
    }
    if (known) { /* no need to look for the fast records */
        x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
        x86_mov_ri(b, X86_RSI, cc);
        x86_jit_call(b, x86_jit_cond);
        x86_test_rr(b, false, X86_RAX, X86_RAX);
        taken[0] = x86_jcc(b, X86_CC_NE, NULL);
        return 1;
    }

    x86_load(b, 2, false, X86_RDX, ENV_FIELD(cc.op));
    for (unsigned i = 0; i < ARRAY_SIZE(fast); i++) {
        bool w = fast[i].size == 8;
        uint8_t *other;

        x86_alu_ri(b, X86_CMP, false, X86_RDX, fast[i].op | fast[i].size << 8);
        other = x86_jcc(b, X86_CC_NE, NULL);
        if (fast[i].op == X86_CC_LOGIC) {
            x86_mov_rm(b, w, X86_RAX, ENV_FIELD(cc.res));
            x86_test_rr(b, w, X86_RAX, X86_RAX);
        } else {
            x86_mov_rm(b, w, X86_RAX, ENV_FIELD(cc.a));
            x86_alu_rm(b, fast[i].op == X86_CC_SUB ? X86_CMP : X86_ADD, w, X86_RAX,
                       ENV_FIELD(cc.b));
        }
        taken[n++] = x86_jcc(b, (X86Cond)cc, NULL);
        taken[n++] = x86_jmp(b, NULL); /* not taken: patched to the end below */
        if (other) {
            x86_patch_rel32(other, b->p);
        }
    }
    x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
    x86_mov_ri(b, X86_RSI, cc);
    x86_jit_call(b, x86_jit_cond);
    x86_test_rr(b, false, X86_RAX, X86_RAX);
    taken[n++] = x86_jcc(b, X86_CC_NE, NULL);
    /* the fall-through jumps of the fast paths land here */
    for (int i = 1; i < n - 1; i += 2) {
        if (taken[i]) {
            x86_patch_rel32(taken[i], b->p);
        }
    }
    /* compact: only the taken branches go back */
    for (int i = 0, j = 0; i < n; i++) {
        if (i % 2 == 0 || i == n - 1) {
            taken[j++] = taken[i];
        }
    }
    return (int)ARRAY_SIZE(fast) + 1;
}

/*
 * mov r32/r64 from or to memory (8b, 89) and movzx from memory, with 64-bit addressing and no FS/GS
 * base: the address and the data TLB probe inline (as load()/store() in mem_helper.c, with r14
 * the table of the current data context); a miss (another page, a page crossing, MMIO, a code
 * page for a store, a non-canonical address: the TLB holds none) jumps to miss[], where
 * the caller runs the handler. Returns the number of miss branches, 0 if d is not such a
 * form (nothing emitted).
 */
/* The bytes a mov (89, 8b) or movzx (0f b6, b7) to a 32/64-bit register accesses, or 0. */
static unsigned mem_fast_size(const X86Insn *d)
{
    if (!d->mem || d->lock || d->addrsize != 8 || (d->opsize != 4 && d->opsize != 8) ||
        d->seg >= R_FS) {
        return 0;
    }
    if (d->op == OP_MOV && d->map == 0 && (d->opc == 0x89 || d->opc == 0x8b)) {
        return d->opsize;
    }
    if (d->op == OP_MOVZX && d->map == 1 && (d->opc == 0xb6 || d->opc == 0xb7)) {
        return d->opc == 0xb6 ? 1 : 2;
    }
    return 0;
}

int x86_jit_mem_fast(X86Buf *b, const X86Insn *d, unsigned next, uint8_t **miss)
{
    bool store = d->op == OP_MOV && d->opc == 0x89;
    unsigned size = mem_fast_size(d);

    if (!size) {
        return 0;
    }
    x86_jit_gen_address(b, d, next, X86_RSI); /* the linear address */
    x86_jit_gen_probe(b, size, store, miss);
    if (store) {
        x86_store(b, d->opsize, x86_mem(X86_RSI, 0), x86_jit_regs_get(b, d->reg));
    } else {
        X86Reg h = x86_jit_regs_def(d->reg); /* loaded straight into its copy */

        x86_load(b, size, false, h, x86_mem(X86_RSI, 0)); /* zero-extended */
        x86_mov_mr(b, true, GREG(d->reg), h);
    }
    return 2;
}
