/*
 * The x86 JIT's memory forms (jit-translate.c's gen_record tries them after jit-inline.c's
 * register forms): the ALU group with a memory operand (op r, [m]; op [m], r and op [m], imm
 * read-modify-write; cmp and test, test [m], imm), inc/dec [m], mov of 8 and 16 bits and of an
 * immediate to memory, movzx/movsx/movsxd from memory, push/pop of a register, push of an
 * immediate, call rel32 and ret near. In the perf profile of the x86boot bench's boot these were
 * the handlers after the JIT code itself (x86_rm_read, alu_r_m, x86_stack_push/pop, ...).
 *
 * Each computes the linear address (64-bit addressing; in 64-bit mode only FS and GS have a
 * base, the stack through SS is a data access like any other) and probes the data TLB inline
 * (x86_jit_gen_probe; the TLB holds no non-canonical page, so a hit is canonical; a load of
 * lower-half supervisor code probes its site's page range instead, gen_hint_probe); a hit does
 * the access on the host page and what the handler does around it, the same registers, memory
 * and lazy flags record (x86_cc_record: res, a, b, op, size; a logic op records a = b = 0). A
 * read-modify-write probes for the store: the TLB grants write only on a dirty page that holds
 * no translated code and is no MMIO, and x86 has no write-only page, so a hit can read it too.
 * Anything else (another page, a page crossing, a fault, a code page written, a non-canonical
 * address, MMIO) branches to the miss path, where the caller runs the handler: it raises the
 * fault with the rip and retired count of the instruction and drops a block a store hit, as
 * for any call.
 */
#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

#define ENV_FIELD(f) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, f) - JIT_ENV_BIAS)
#define GREG(r) ENV_FIELD(regs[(r)])

typedef enum MemKind {
    MK_NONE,
    MK_ALU,     /* ALU op with a memory operand; writes it back unless cmp/test or reg_dst */
    MK_LOAD,    /* mov/movzx/movsx/movsxd: a register from memory */
    MK_STORE,   /* mov [m], r */
    MK_STORE_I, /* mov [m], imm */
    MK_PUSH,    /* push r */
    MK_PUSH_I,  /* push imm */
    MK_POP,     /* pop r */
    MK_CALL,    /* call rel32 */
    MK_RET,     /* ret, ret imm16 */
    MK_INCDEC,  /* inc/dec [m] (alu: 0 inc, 1 dec) */
} MemKind;

typedef struct MemForm {
    MemKind kind;
    int alu;      /* MK_ALU: 0 add, 1 or, 4 and, 5 sub, 6 xor, 7 cmp; 8 test */
    int size;     /* the operation's size in bytes (the destination's for a load) */
    int mem_size; /* the bytes accessed */
    bool sign;    /* MK_LOAD: sign-extend */
    bool reg_dst; /* MK_ALU: op r, [m] (the register is a and takes the result) */
    bool has_imm; /* MK_ALU: the second operand is d->imm */
    int reg;      /* the register operand (guest number) */
} MemForm;

/* ALU forms of the one-byte map with a memory operand; adc and sbb read CF: the handler. */
static bool alu_mem_form(const X86Insn *d, MemForm *f)
{
    int op;

    switch (d->op) {
    case OP_ALU: /* forms 0-3: Eb,Gb Ev,Gv Gb,Eb Gv,Ev */
        if ((d->opc & 7) > 3) {
            return false;
        }
        op = (d->opc >> 3) & 7;
        f->reg_dst = d->opc & 2;
        break;
    case OP_GRP1: /* 80 Eb,Ib  81 Ev,Iz  83 Ev,Ib */
        if (d->opc != 0x80 && d->opc != 0x81 && d->opc != 0x83) {
            return false;
        }
        op = d->reg & 7;
        f->has_imm = true;
        break;
    case OP_TEST: /* 84 Eb,Gb  85 Ev,Gv */
        if (d->opc != 0x84 && d->opc != 0x85) {
            return false;
        }
        op = 8;
        break;
    case OP_GRP3: /* f6 /0 /1 test Eb,Ib  f7 /0 /1 test Ev,Iz */
        if ((d->reg & 7) > 1) {
            return false;
        }
        op = 8;
        f->has_imm = true;
        break;
    default:
        return false;
    }
    f->kind = MK_ALU;
    f->alu = op;
    return op != 2 && op != 3;
}

/* fe, ff /0 /1: inc/dec [m], CF kept (inc_dec in exec-alu.c). */
static bool incdec_mem_form(const X86Insn *d, MemForm *f)
{
    if ((d->op != OP_GRP4 && d->op != OP_GRP5) || (d->reg & 7) > 1) {
        return false;
    }
    f->kind = MK_INCDEC;
    f->alu = d->reg & 1;
    return true;
}

/* mov 88-8b, c6/c7 /0 and the extending loads (0f b6 b7 be bf, 63) with a memory operand. */
static bool mov_mem_form(const X86Insn *d, MemForm *f)
{
    if (d->op == OP_MOV && d->map == 0 && d->opc >= 0x88 && d->opc <= 0x8b) {
        f->kind = d->opc & 2 ? MK_LOAD : MK_STORE;
        return true;
    }
    if (d->op == OP_MOV && d->map == 0 && (d->opc == 0xc6 || d->opc == 0xc7)) {
        f->kind = MK_STORE_I;
        return (d->reg & 7) == 0; /* else #UD */
    }
    if ((d->op == OP_MOVZX || d->op == OP_MOVSX) && d->map == 1) {
        f->kind = MK_LOAD;
        f->mem_size = d->opc & 1 ? 2 : 1;
        f->sign = d->op == OP_MOVSX;
        return true;
    }
    if (d->op == OP_MOVSXD && d->map == 0 && d->opsize != 2) {
        f->kind = MK_LOAD;
        f->mem_size = 4;
        f->sign = true;
        return true;
    }
    return false;
}

/* push/pop r, push imm, call rel32, ret: only at the 64-bit stack width and operand size. */
static bool stack_form(const X86Insn *d, MemForm *f)
{
    if (d->opsize != 8 || d->map != 0) {
        return false;
    }
    switch (d->op) {
    case OP_PUSH_R:
        f->kind = MK_PUSH;
        break;
    case OP_POP_R:
        f->kind = MK_POP;
        break;
    case OP_PUSH_I:
        f->kind = MK_PUSH_I;
        break;
    case OP_CALL:
        f->kind = MK_CALL;
        break;
    case OP_RET:
        f->kind = MK_RET;
        break;
    default:
        return false;
    }
    f->reg = (d->opc & 7) | ((d->rex & 1) << 3);
    return true;
}

static bool mem_form(const X86Insn *d, MemForm *f)
{
    *f = (MemForm){MK_NONE, 0, d->opsize, d->opsize, false, false, false, d->reg};
    if (d->lock || d->rep) {
        return false;
    }
    if (stack_form(d, f)) {
        return true;
    }
    if (!d->mem || d->addrsize != 8) {
        return false;
    }
    return (d->map == 0 && (alu_mem_form(d, f) || incdec_mem_form(d, f))) || mov_mem_form(d, f);
}

__thread X86JitHint x86_jit_hint;

/* The offset from r14 (the data context's table) of field (offsetof(JitLoadHints, x)) of
 * slot, in that context's slots (CPUTLB.jit_hint[]). */
int32_t x86_jit_hint_off(unsigned slot, size_t field)
{
    return (int32_t)(JIT_HINT_BIAS + field + slot * 8);
}

/*
 * A load's probe through its site's page range (CPUTLB.jit_hint, as target/riscv's loads):
 * va - lo < lim, and the addend loaded without waiting for the address, so the host address
 * is one add after the guest's (the table's probe put its index arithmetic and the entry's
 * load, ~8 cycles, between them: the decompressor's table lookups and dependent loads wait
 * on that). A miss (jit-translate.c's COLD_MISS) calls jit_stubs.hint_miss, which takes the
 * page in from the table, and comes back to the add, or else runs the handler.
 * Measured on a host at load ~8 (too noisy for a small effect): user CPU seconds to "Linux
 * version", medians of 6 alternate runs, 3.24 without, 3.20 with; perf put the CRC loop's
 * block (a table lookup feeding the next) at 5.6% of the samples with it, 7.4% without.
 */
static uint8_t *gen_hint_probe(X86Buf *b)
{
    X86JitHint *h = &x86_jit_hint;
    uint8_t *miss;

    x86_mov_rr(b, true, X86_RAX, X86_RSI);
    x86_alu_rm(b, X86_SUB, true, X86_RAX,
               x86_mem(JIT_DTLB, x86_jit_hint_off(h->slot, offsetof(JitLoadHints, lo))));
    x86_alu_rm(b, X86_CMP, true, X86_RAX,
               x86_mem(JIT_DTLB, x86_jit_hint_off(h->slot, offsetof(JitLoadHints, lim))));
    miss = x86_jcc(b, X86_CC_AE, NULL);
    h->add_at = b->p;
    x86_alu_rm(b, X86_ADD, true, X86_RSI,
               x86_mem(JIT_DTLB, x86_jit_hint_off(h->slot, offsetof(JitLoadHints, addend))));
    return miss;
}

int x86_jit_gen_probe(X86Buf *b, unsigned size, bool store, uint8_t **miss)
{
    int32_t tag = store ? offsetof(CPUTLBEntry, addr_write) : offsetof(CPUTLBEntry, addr_read);
    unsigned cls = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

    x86_jit_hint.add_at = NULL;
    if (!store && x86_jit_hint.on && size == 1u << cls) {
        /* a slot's sites have one size: the range's lim is for that size */
        x86_jit_hint.slot =
            (x86_jit_hint.slot & (JIT_HINT_SLOTS / 4 - 1)) + cls * (JIT_HINT_SLOTS / 4);
        x86_jit_hint.size = size;
        miss[0] = gen_hint_probe(b);
        miss[1] = NULL;
        return 2;
    }

    /* No canonical check of its own: x86_tlb_fill never caches a non-canonical page, so a
     * non-canonical address misses (the tag of its page, or of the page of its last byte
     * when it crosses, matches no entry) and the handler raises the #GP/#SS. Dropping the
     * check (mov, shl, sar, cmp, jne per access) bought, bench x86boot, CPU seconds to
     * "Linux version" / the init marker, medians of 4 alternate runs at load ~3: 4.00 / 7.96
     * before, 3.69 / 7.50 after. */
    miss[0] = jit_emit_tlb_probe(b, size, tag);
    miss[1] = NULL;
    return 2;
}

/*
 * An X86_TB_STEP block's check (jit-translate.c gen_step_inline): jump to slow[] (returned
 * count) unless the next page, through the fetch entry of the code
 * context, holds the bytes the step block's record was decoded from (what x86_jit_step's
 * fetch would read: the entry matches only a RAM page the context may execute, and its tag
 * no canonical page but its own). A store to those bytes or a remap of that page is seen
 * here, as the block itself is kept only for its first page (tb.h).
 */
int x86_jit_gen_next_page_check(X86Buf *b, const X86TBInfo *info, unsigned avail, uint8_t **slow)
{
    unsigned len = info->insns[0].d.len;
    int n = 0;

    x86_mov_rm(b, true, X86_RSI, JIT_CPUSTATE_FIELD(tlb));
    x86_lea(b, X86_RDI, x86_mem(JIT_PC, (int32_t)avail)); /* the next page's address */
    /* rax = (code_mmu_idx * CPU_TLB_SIZE + page index) * sizeof(CPUTLBEntry) */
    x86_mov_rm(b, false, X86_RAX, x86_mem(X86_RSI, offsetof(CPUTLB, code_mmu_idx)));
    x86_shift_ri(b, X86_SHL, false, X86_RAX, CPU_TLB_BITS + 5);
    x86_mov_rr(b, false, X86_RCX, X86_RDI);
    x86_shift_ri(b, X86_SHR, false, X86_RCX, TARGET_PAGE_BITS - 5);
    x86_alu_ri(b, X86_AND, false, X86_RCX, (CPU_TLB_SIZE - 1) << 5);
    x86_alu_rr(b, X86_ADD, true, X86_RAX, X86_RCX);
    x86_alu_rm(b, X86_CMP, true, X86_RDI,
               x86_mem_idx(X86_RSI, X86_RAX, 1,
                           offsetof(CPUTLB, table) + offsetof(CPUTLBEntry, addr_code)));
    slow[n++] = x86_jcc(b, X86_CC_NE, NULL);
    x86_alu_rm(
        b, X86_ADD, true, X86_RDI,
        x86_mem_idx(X86_RSI, X86_RAX, 1, offsetof(CPUTLB, table) + offsetof(CPUTLBEntry, addend)));
    for (unsigned off = avail; off < len; off += 8) { /* 8 bytes at a time, the last shifted */
        unsigned k = MIN(len - off, 8u), sh = 64 - 8 * k;
        uint64_t want = 0;

        memcpy(&want, info->cross_bytes + off, k);
        x86_mov_rm(b, true, X86_RAX, x86_mem(X86_RDI, (int32_t)(off - avail)));
        if (sh) {
            x86_shift_ri(b, X86_SHL, true, X86_RAX, sh);
        }
        x86_mov_ri(b, X86_RCX, sh ? want << sh : want);
        x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RCX);
        slow[n++] = x86_jcc(b, X86_CC_NE, NULL);
    }
    return n;
}

/* rsi = the host address of the memory operand. */
static void gen_alu(X86Buf *b, const X86Insn *d, const MemForm *f)
{
    int size = f->size;
    bool writes_mem = !f->reg_dst && f->alu != 7 && f->alu != 8;

    x86_load(b, size, false, f->reg_dst ? X86_RCX : X86_RAX, x86_mem(X86_RSI, 0));
    if (f->has_imm) {
        x86_mov_ri(b, X86_RCX, (uint64_t)d->imm & x86_mask(size));
    } else {
        x86_jit_get_reg(b, d, f->reg, size, f->reg_dst ? X86_RAX : X86_RCX);
    }
    x86_jit_gen_alu_op(b, f->alu, size);
    if (writes_mem) {
        x86_store(b, size, x86_mem(X86_RSI, 0), X86_RDX);
    } else if (f->reg_dst && f->alu != 7) {
        x86_jit_set_reg(b, d, f->reg, size, X86_RDX);
    }
}

/* The forms with a ModRM memory operand, rsi = its host address. */
static void gen_modrm(X86Buf *b, const X86Insn *d, const MemForm *f)
{
    switch (f->kind) {
    case MK_ALU:
        gen_alu(b, d, f);
        break;
    case MK_LOAD:
        x86_load(b, f->mem_size, f->sign, X86_RAX, x86_mem(X86_RSI, 0));
        x86_jit_set_reg(b, d, f->reg, f->size, X86_RAX);
        break;
    case MK_STORE:
        x86_jit_get_reg(b, d, f->reg, f->size, X86_RAX);
        x86_store(b, f->size, x86_mem(X86_RSI, 0), X86_RAX);
        break;
    case MK_INCDEC: /* r8 = CF from x86_jit_gen_carry, taken before the address */
        x86_load(b, f->size, false, X86_RAX, x86_mem(X86_RSI, 0));
        x86_mov_rr(b, true, X86_RDX, X86_RAX);
        x86_alu_ri(b, f->alu ? X86_SUB : X86_ADD, f->size == 8, X86_RDX, 1);
        if (f->size < 4) {
            x86_alu_ri(b, X86_AND, false, X86_RDX, (int32_t)x86_mask(f->size));
        }
        x86_mov_rr(b, true, X86_RCX, X86_R8);
        x86_jit_record_cc(b, f->alu ? X86_CC_DEC : X86_CC_INC, f->size, X86_NOREG);
        x86_store(b, f->size, x86_mem(X86_RSI, 0), X86_RDX);
        break;
    default: /* MK_STORE_I */
        x86_mov_ri(b, X86_RAX, (uint64_t)d->imm & x86_mask(f->size));
        x86_store(b, f->size, x86_mem(X86_RSI, 0), X86_RAX);
        break;
    }
}

/* rsp += delta, in env and in its copy sp (jit-regs.c). */
static void add_rsp(X86Buf *b, X86Reg sp, int32_t delta)
{
    x86_lea(b, sp, x86_mem(sp, delta));
    x86_mov_mr(b, true, GREG(R_ESP), sp);
}

/*
 * The stack forms, rsi = the host address of the slot (rsp - 8 for a push, rsp for a pop).
 * As x86_stack_push/pop: rsp moves only once the access is done (it is, on a hit); pop
 * writes rsp before the register, so pop rsp loads rsp. call and ret leave rip in env.
 */
static void gen_stack(X86Buf *b, const X86Insn *d, const MemForm *f, unsigned next)
{
    X86Reg sp = x86_jit_regs_get(b, R_ESP); /* taken before the probe: no new copy here */

    switch (f->kind) {
    case MK_PUSH: /* push rsp pushes the old value */
        x86_mov_mr(b, true, x86_mem(X86_RSI, 0), x86_jit_regs_get(b, f->reg));
        add_rsp(b, sp, -8);
        break;
    case MK_PUSH_I:
        x86_mov_mi(b, x86_mem(X86_RSI, 0), (int32_t)d->imm);
        add_rsp(b, sp, -8);
        break;
    case MK_POP:
        x86_mov_rm(b, true, X86_RAX, x86_mem(X86_RSI, 0));
        add_rsp(b, sp, 8);
        x86_mov_mr(b, true, GREG(f->reg), X86_RAX);
        x86_jit_regs_written(b, f->reg, X86_RAX);
        break;
    case MK_CALL:
        x86_lea(b, X86_RAX, x86_mem(JIT_PC, (int32_t)next));
        x86_mov_mr(b, true, x86_mem(X86_RSI, 0), X86_RAX);
        add_rsp(b, sp, -8);
        x86_alu_ri(b, X86_ADD, true, X86_RAX, (int32_t)d->imm);
        x86_mov_mr(b, true, ENV_FIELD(rip), X86_RAX);
        break;
    default: /* MK_RET; c2's imm16 is zero-extended */
        x86_mov_rm(b, true, X86_RAX, x86_mem(X86_RSI, 0));
        add_rsp(b, sp, 8 + (d->opc == 0xc2 ? (int32_t)d->imm : 0));
        x86_mov_mr(b, true, ENV_FIELD(rip), X86_RAX);
        break;
    }
}

int x86_jit_mem_form(X86Buf *b, const X86Insn *d, unsigned next, unsigned known, uint8_t **miss)
{
    MemForm f;
    bool push;

    if (!mem_form(d, &f)) {
        return 0;
    }
    switch (f.kind) {
    case MK_PUSH:
    case MK_PUSH_I:
    case MK_POP:
    case MK_CALL:
    case MK_RET:
        push = f.kind == MK_PUSH || f.kind == MK_PUSH_I || f.kind == MK_CALL;
        x86_mov_rr(b, true, X86_RSI, x86_jit_regs_get(b, R_ESP));
        if (push) {
            x86_lea(b, X86_RSI, x86_mem(X86_RSI, -8));
        }
        x86_jit_gen_probe(b, 8, push, miss);
        gen_stack(b, d, &f, next);
        return 2;
    default:
        if (f.kind == MK_INCDEC) { /* CF first: it may call C, which keeps no rsi */
            x86_jit_gen_carry(b, known);
        }
        x86_jit_gen_address(b, d, next, X86_RSI);
        if (d->seg >= R_FS) { /* a kernel's per-CPU data, a process's TLS */
            x86_alu_rm(b, X86_ADD, true, X86_RSI,
                       x86_mem(JIT_ENV, (int32_t)(offsetof(CPUX86State, segs) +
                                                  d->seg * sizeof(SegmentCache) +
                                                  offsetof(SegmentCache, base)) -
                                            JIT_ENV_BIAS));
        }
        x86_jit_gen_probe(b, f.mem_size,
                          f.kind == MK_STORE || f.kind == MK_STORE_I || f.kind == MK_INCDEC ||
                              (f.kind == MK_ALU && !f.reg_dst && f.alu != 7 && f.alu != 8),
                          miss);
        gen_modrm(b, d, &f);
        return 2;
    }
}
