/*
 * The x86 JIT's inline forms (jit-translate.c calls the handler for the rest): on 32- and
 * 64-bit registers, mov, mov of an immediate, lea, add/or/and/sub/xor/cmp/test and shifts
 * by a constant, which a kernel runs most (perf); the condition of a jcc; mov loads and
 * stores through the data TLB. Each does what its handler (exec-fast.c, exec-alu.c) does:
 * the same result in env->regs (a 32-bit write clears the upper half) and the same lazy
 * flags record (x86_cc_record: res, a, b, op, size; a logic op records a = b = 0), so the
 * interpreter and the flags readers (cc_helper.c) cannot tell which engine ran it.
 */
#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

#define ENV_FIELD(f) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, f) - JIT_ENV_BIAS)
#define GREG(r) ENV_FIELD(regs[(r)])

_Static_assert(offsetof(X86LazyFlags, size) == offsetof(X86LazyFlags, op) + 1,
               "op and size of the flags record are stored as one 16-bit word");

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
    case OP_ALU:
        f->op = (d->opc >> 3) & 7;
        if ((d->opc & 7) == 1) {
            *f = (AluForm){f->op, d->rm, d->reg, 0};
        } else if ((d->opc & 7) == 3) {
            *f = (AluForm){f->op, d->reg, d->rm, 0};
        } else {
            return false;
        }
        break;
    case OP_GRP1:
        if (d->opc != 0x81 && d->opc != 0x83) {
            return false;
        }
        *f = (AluForm){d->reg & 7, d->rm, -1, d->imm};
        break;
    case OP_TEST:
        if (d->opc != 0x85) {
            return false;
        }
        *f = (AluForm){8, d->rm, d->reg, 0};
        break;
    default:
        return false;
    }
    return f->op != 2 && f->op != 3; /* adc and sbb read CF: the handler */
}

/* Store the flags record: res in rdx, a in rax, b in rcx (logic: a = b = 0). */
static void record_cc(X86Buf *b, X86CCOp op, int size)
{
    x86_mov_mr(b, true, ENV_FIELD(cc.res), X86_RDX);
    if (op == X86_CC_LOGIC) {
        x86_mov_mi(b, ENV_FIELD(cc.a), 0);
        x86_mov_mi(b, ENV_FIELD(cc.b), 0);
    } else {
        x86_mov_mr(b, true, ENV_FIELD(cc.a), X86_RAX);
        x86_mov_mr(b, true, ENV_FIELD(cc.b), X86_RCX);
    }
    x86_mov_ri(b, X86_RAX, op | size << 8);
    x86_store(b, 2, ENV_FIELD(cc.op), X86_RAX);
}

static void gen_alu(X86Buf *b, const AluForm *f, int size)
{
    static const X86Alu host[] = {X86_ADD, X86_OR,  0,       0,      X86_AND,
                                  X86_SUB, X86_XOR, X86_SUB, X86_AND};
    bool w = size == 8;
    bool logic = f->op == 1 || f->op == 4 || f->op == 6 || f->op == 8;

    x86_mov_rm(b, w, X86_RAX, GREG(f->dst)); /* a 32-bit load zero-extends: get_r */
    if (f->src >= 0) {
        x86_mov_rm(b, w, X86_RCX, GREG(f->src));
    } else {
        x86_mov_ri(b, X86_RCX, w ? (uint64_t)f->imm : (uint32_t)f->imm);
    }
    x86_mov_rr(b, true, X86_RDX, X86_RAX);
    x86_alu_rr(b, host[f->op], w, X86_RDX, X86_RCX);
    record_cc(b, logic ? X86_CC_LOGIC : f->op == 0 ? X86_CC_ADD : X86_CC_SUB, size);
    if (f->op != 7 && f->op != 8) {
        x86_mov_mr(b, true, GREG(f->dst), X86_RDX);
    }
}

/* dst = a 64-bit address: base (or the next rip) + index << scale + disp (rcx: scratch). */
static void gen_address(X86Buf *b, const X86Insn *d, unsigned next, X86Reg dst)
{
    if (d->base == X86_REG_RIP) {
        x86_lea(b, dst, x86_mem(JIT_PC, (int32_t)next));
    } else if (d->base != X86_REG_NONE) {
        x86_mov_rm(b, true, dst, GREG(d->base));
    } else {
        x86_mov_ri(b, dst, 0);
    }
    if (d->index != X86_REG_NONE) {
        x86_mov_rm(b, true, X86_RCX, GREG(d->index));
        x86_lea(b, dst, x86_mem_idx(dst, X86_RCX, 1 << d->scale, d->disp));
    } else if (d->disp) {
        x86_lea(b, dst, x86_mem(dst, d->disp));
    }
}

/* lea with 64-bit addressing. */
static void gen_lea(X86Buf *b, const X86Insn *d, unsigned next)
{
    gen_address(b, d, next, X86_RAX);
    if (d->opsize == 4) {
        x86_mov_rr(b, false, X86_RAX, X86_RAX);
    }
    x86_mov_mr(b, true, GREG(d->reg), X86_RAX);
}

/* mov between registers (89, 8b) or of an immediate (b8+r, c7 /0). */
static bool gen_mov(X86Buf *b, const X86Insn *d)
{
    bool w = d->opsize == 8;
    int dst;

    if (d->op == OP_MOV_RI) {
        dst = (d->opc & 7) | ((d->rex & 1) << 3);
        x86_mov_ri(b, X86_RAX, w ? (uint64_t)d->imm : (uint32_t)d->imm);
        x86_mov_mr(b, true, GREG(dst), X86_RAX);
        return true;
    }
    if (d->mem || d->lock) {
        return false;
    }
    if (d->opc == 0xc7 && (d->reg & 7) == 0) { /* c7 /1../7: #UD, from the handler */
        x86_mov_ri(b, X86_RAX, w ? (uint64_t)d->imm : (uint32_t)d->imm);
        x86_mov_mr(b, true, GREG(d->rm), X86_RAX);
        return true;
    }
    if (d->opc != 0x89 && d->opc != 0x8b) {
        return false;
    }
    x86_mov_rm(b, w, X86_RAX, GREG(d->opc == 0x89 ? d->reg : d->rm));
    x86_mov_mr(b, true, GREG(d->opc == 0x89 ? d->rm : d->reg), X86_RAX);
    return true;
}

/* shl/sal/shr/sar of a register by an immediate or 1 (c1, d1), as x86_exec_shift. */
static bool gen_shift(X86Buf *b, const X86Insn *d)
{
    static const X86Shift host[] = {X86_SHL, X86_SHR, X86_SHL, X86_SAR};
    static const X86CCOp ccop[] = {X86_CC_SHL, X86_CC_SHR, X86_CC_SHL, X86_CC_SAR};
    int op = d->reg & 7;
    bool w = d->opsize == 8;
    unsigned c = d->opc == 0xd1 ? 1 : (unsigned)d->imm;

    if (d->mem || d->lock || op < 4 || (d->opc != 0xc1 && d->opc != 0xd1)) {
        return false;
    }
    c &= w ? 0x3f : 0x1f;
    x86_mov_rm(b, w, X86_RAX, GREG(d->rm));
    if (c == 0) { /* no flags; a 32-bit register's upper half is cleared */
        x86_mov_mr(b, true, GREG(d->rm), X86_RAX);
        return true;
    }
    x86_mov_rr(b, true, X86_RDX, X86_RAX);
    x86_shift_ri(b, host[op - 4], w, X86_RDX, c);
    x86_mov_ri(b, X86_RCX, c);
    record_cc(b, ccop[op - 4], d->opsize);
    x86_mov_mr(b, true, GREG(d->rm), X86_RDX);
    return true;
}

bool x86_jit_inline(X86Buf *b, const X86Insn *d, unsigned next)
{
    AluForm f;

    if (d->map != 0 || (d->opsize != 4 && d->opsize != 8)) {
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
    case OP_SHIFT:
        return gen_shift(b, d);
    default:
        if (!alu_form(d, &f)) {
            return false;
        }
        gen_alu(b, &f, d->opsize);
        return true;
    }
}

/* Condition cc of the flags in env, for the general case (from JIT code). */
static uint64_t x86_jit_cond(const CPUX86State *env, int cc)
{
    return x86_cond(env, cc);
}

/*
 * Emit a branch to where taken[] point (patched by the caller) when condition cc of the
 * lazy flags holds; falls through otherwise. A sub/cmp, add or logic record of 32 or 64
 * bits is redone on the host (cmp, add or test), whose flags are then the guest's for
 * every condition; other records ask x86_cond. Returns the number of taken branches.
 */
int x86_jit_gen_cond(X86Buf *b, int cc, uint8_t **taken)
{
    static const struct {
        uint8_t op, size;
    } fast[] = {{X86_CC_SUB, 8},   {X86_CC_SUB, 4}, {X86_CC_LOGIC, 8},
                {X86_CC_LOGIC, 4}, {X86_CC_ADD, 8}, {X86_CC_ADD, 4}};
    int n = 0;

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
    x86_call(b, x86_jit_cond);
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
 * base: the address, a 48-bit canonical check and the data TLB probe inline (as load()/store() in
 * mem_helper.c, with r14 the table of the current data context); a miss (another page, a
 * page crossing, MMIO, a code page for a store, a 57-bit address) jumps to miss[], where
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
    int32_t tag = store ? offsetof(CPUTLBEntry, addr_write) : offsetof(CPUTLBEntry, addr_read);

    if (!size) {
        return 0;
    }
    gen_address(b, d, next, X86_RSI); /* the linear address */
    /* canonical at 48 bits (so at 57 too) */
    x86_mov_rr(b, true, X86_RAX, X86_RSI);
    x86_shift_ri(b, X86_SHL, true, X86_RAX, 16);
    x86_shift_ri(b, X86_SAR, true, X86_RAX, 16);
    x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RSI);
    miss[0] = x86_jcc(b, X86_CC_NE, NULL);
    miss[1] = jit_emit_tlb_probe(b, size, tag);
    if (store) {
        x86_mov_rm(b, true, X86_RAX, GREG(d->reg));
        x86_store(b, d->opsize, x86_mem(X86_RSI, 0), X86_RAX);
    } else {
        x86_load(b, size, false, X86_RAX, x86_mem(X86_RSI, 0)); /* zero-extended */
        x86_mov_mr(b, true, GREG(d->reg), X86_RAX);
    }
    return 2;
}
