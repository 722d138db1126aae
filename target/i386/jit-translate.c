/*
 * x86 blocks -> host code (the x86 JIT, TCGCPUOps.jit_translate; include/accel/tcg/
 * jit-internal.h has the host register convention, accel/tcg/jit.c the stubs).
 *
 * Stage 1, call threading: each decoded instruction of a block becomes a direct call of
 * the handler the interpreter would run (X86TBInsn.fn with its X86Insn), with rip set to
 * the next instruction first, as run_block (tcg-ops.c) does, where the handler may read it
 * (needs_rip). What run_block checks after each instruction follows the call inline, where
 * the handler can need it: an exception (rip back at the instruction,
 * delivered, the instructions before it retired), a change of rip (a branch taken, a rep
 * string step: leave the block) and a store that dropped the block (self-modifying code:
 * leave after the store). The indirect call per instruction and the loop around it are
 * gone, and blocks chain to each other in host code (jit_emit_exit). The commonest forms
 * skip the call (jit-inline.c, jit-alu.c): register mov/lea/ALU/shifts/imul/cmov/setcc
 * and the like, and jcc, need no check after them; mov loads and stores probe the data
 * TLB inline and call the handler on a miss, as do the memory forms of jit-mem.c (ALU with
 * memory, push/pop, call/ret, ...).
 * Measured (the x86boot bench's boot, CPU seconds to "Linux version" / the init marker,
 * the two binaries run one after the other): interpreter 36.1 / 59.4, this JIT 15.0 / 25.7
 * (calls alone, before the inline forms: 38.6 / 63.5 against 36.7 / 59.3); QEMU 3.5 / 6.6.
 *
 * Only 64-bit code: there rip is the linear address the blocks are looked up by (r12),
 * with no segment base or wrap. A block is entered only when the run loop saw 64-bit code
 * with no trap flag, interrupt shadow or wait-for-SIPI (X86CPU.jit_code_size, set by
 * x86_update_mmu_idx); otherwise its prologue hands the whole block to the interpreter.
 * Blocks with hlt stay interpreted (the run loop must see the halt).
 *
 * Interrupts are taken at block boundaries: every exit that may chain first looks at the
 * events and the INTR line as the interpreter's may_chain does, and leaves to the run loop
 * if one is to be taken.
 */
#include <sched.h>

#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

/* A field of CPUX86State through rbp (the env starts JIT_ENV_BIAS bytes before it). */
#define ENV_FIELD(f) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, f) - JIT_ENV_BIAS)
/* A field of X86CPU through rbx. */
#define CPU_FIELD(f) x86_mem(JIT_CPU, (int32_t)offsetof(X86CPU, f))

enum { COLD_EXC, COLD_BRANCH, COLD_SMC, COLD_TAKEN };

#define XJIT_COND_BRANCHES 8

typedef struct XJitCold {
    uint8_t kind;
    uint8_t idx;     /* record index */
    uint8_t *branch; /* rel32 of the jump to the stub */
    /* COLD_TAKEN: the further jumps of an inline jcc's condition to the stub */
    uint8_t *more[XJIT_COND_BRANCHES];
} XJitCold;

typedef struct XJit {
    X86Buf *b;
    TranslationBlock *tb;
    X86TBInfo *info;
    XJitCold cold[3 * TB_MAX_INSNS];
    int n_cold;
    unsigned known; /* the flags record where the next record starts (tb-info.h) */
} XJit;

/* Called from JIT code for a record that returned excp: what run_block does with it. */
static uint64_t x86_jit_fault(CPUX86State *env, int excp, uint64_t start)
{
    if (excp == X86_EXIT_PAUSE) {
        if (first_cpu->next_cpu) {
            sched_yield(); /* as x86_tb_exec: let the hart holding the lock run */
        }
        return 1; /* pause retired; rip is past it */
    }
    env->rip = start;
    x86_finish_insn(env, excp, false);
    return 0;
}

/* Forms whose handler never moves rip (other than by returning an exception). */
static bool keeps_rip(const X86Insn *d)
{
    switch (d->op) {
    case OP_ALU:
    case OP_GRP1:
    case OP_INCDEC_R:
    case OP_PUSH_R:
    case OP_POP_R:
    case OP_MOVSXD:
    case OP_PUSH_I:
    case OP_IMUL3:
    case OP_TEST:
    case OP_MOV:
    case OP_LEA:
    case OP_NOP:
    case OP_CBW:
    case OP_CWD:
    case OP_MOV_RI:
    case OP_SHIFT:
    case OP_CMOV:
    case OP_SETCC:
    case OP_BT:
    case OP_SHLD:
    case OP_SHRD:
    case OP_IMUL2:
    case OP_MOVZX:
    case OP_GRP8:
    case OP_BSF:
    case OP_BSR:
    case OP_MOVSX:
    case OP_BSWAP:
    case OP_GRP3:
    case OP_GRP4:
    case OP_POPCNT:
    case OP_LZCNT:
    case OP_CMPXCHG:
    case OP_XADD:
    case OP_SAHF:
    case OP_LAHF:
    case OP_CMC:
        return true;
    case OP_XCHG:
        return !(d->rep == 0xf3 && d->opc == 0x90); /* pause exits */
    default:
        return false;
    }
}

/*
 * Does the handler of d need env->rip at the next instruction before it runs? Those that
 * may move rip compare against it, and a rip-relative operand reads it; the others leave
 * it stale (what reads it later: an exception's x86_jit_fault sets it to the faulting
 * instruction, the SMC stub and the block's end store it).
 */
static bool needs_rip(const X86Insn *d)
{
    return !keeps_rip(d) || (d->mem && d->base == X86_REG_RIP);
}

/* Forms that write no memory, so they cannot drop the running block. */
static bool stores_nothing(const X86Insn *d)
{
    switch (d->op) {
    case OP_LEA:
    case OP_MOV_RI:
    case OP_CBW:
    case OP_CWD:
    case OP_NOP:
    case OP_JCC:
    case OP_MOVSXD:
    case OP_IMUL3:
    case OP_IMUL2:
    case OP_MOVZX:
    case OP_MOVSX:
    case OP_CMOV:
    case OP_BSF:
    case OP_BSR:
    case OP_POPCNT:
    case OP_LZCNT:
    case OP_TEST:
    case OP_BSWAP:
    case OP_POP_R:
    case OP_SAHF:
    case OP_LAHF:
    case OP_CMC:
    case OP_JMP:
        return true;
    case OP_MOV:
        return !d->mem || d->opc == 0x8a || d->opc == 0x8b;
    case OP_ALU: /* the r/m-destination forms (bit 1 clear) write it, but cmp (38/39) */
        return !d->mem || (d->opc & 2) || (d->opc & 0x38) == 0x38;
    case OP_GRP1:
        return !d->mem || d->reg == 7;
    case OP_SHIFT:
    case OP_SETCC:
    case OP_GRP4:
    case OP_INCDEC_R:
        return !d->mem;
    default:
        return false;
    }
}

/* Forms that leave the arithmetic flags alone, whichever engine runs them. */
static bool keeps_flags(const X86Insn *d)
{
    switch (d->op) {
    case OP_MOV:
    case OP_MOV_RI:
    case OP_LEA:
    case OP_MOVZX:
    case OP_MOVSX:
    case OP_MOVSXD:
    case OP_PUSH_R:
    case OP_POP_R:
    case OP_PUSH_I:
    case OP_CMOV:
    case OP_SETCC:
    case OP_BSWAP:
    case OP_CBW:
    case OP_CWD:
    case OP_XCHG:
    case OP_JCC:
    case OP_NOP:
    case OP_GRP15:
        return true;
    default:
        return false;
    }
}

/*
 * What the translator knows of the flags record after d (tb-info.h), from what it knew
 * before it; inlined: d ran as an inline register form, whose 32- and 64-bit ALU ops leave
 * the guest's flags in the host's (jit-inline.c's gen_alu: nothing after the host op
 * touches them).
 */
static unsigned known_after(const X86Insn *d, unsigned before, bool inlined)
{
    unsigned fixed = x86_jit_static_cc(d);

    if (fixed) {
        return fixed | (inlined && !d->mem && d->opsize >= 4 ? X86_JIT_CC_HOST : 0);
    }
    return keeps_flags(d) ? before & ~X86_JIT_CC_HOST : 0;
}

static void add_cold(XJit *c, int kind, int idx, uint8_t *branch)
{
    c->cold[c->n_cold++] = (XJitCold){kind, idx, branch, {0}};
}

/* Leave to the run loop if an event or an enabled INTR waits (tcg-ops.c may_chain). */
static void gen_irq_check(X86Buf *b)
{
    uint8_t *no_intr;

    x86_alu_mi(b, X86_CMP, false, CPU_FIELD(pending_events), 0);
    x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    x86_alu_mi(b, X86_CMP, false, CPU_FIELD(intr_level), 0);
    no_intr = x86_jcc(b, X86_CC_E, NULL);
    x86_mov_rm(b, true, X86_RAX, ENV_FIELD(eflags));
    x86_bitop_ri(b, X86_BT, X86_RAX, 9); /* IF */
    x86_jcc(b, X86_CC_B, jit_stubs.exit_plain);
    if (no_intr) {
        x86_patch_rel32(no_intr, b->p);
    }
}

/*
 * The exit after record idx moved rip: retire it and go on at rip (slot 0 when known). The
 * block's last record (ret, an indirect or far call or jump) looks its target up inline
 * rather than in the shared stub, so that each such exit has its own indirect jump for the
 * host's branch predictor: the shared stub was a fifth of the JIT code's CPU before "Linux
 * version" (perf), the decompressor's calls and returns. Measured (x86boot, CPU seconds to
 * "Linux version" / the init marker, without and with, alternately, load ~6): 10.98 / 21.77,
 * 8.95 / 18.58, 7.70 / 15.14 against 9.72 / 18.58, 7.45 / 15.32, 7.47 / 15.16.
 */
static void gen_branch_exit(XJit *c, int idx, hwaddr target_phys)
{
    X86Buf *b = c->b;

    x86_mov_rm(b, true, JIT_PC, ENV_FIELD(rip));
    x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, idx + 1));
    gen_irq_check(b);
    if (idx == c->tb->n_insns - 1 && ((target_phys ^ c->tb->phys_pc) & TARGET_PAGE_MASK)) {
        x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0); /* as jit_emit_exit */
        x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
        jit_emit_lookup(b);
        return;
    }
    jit_emit_exit(b, c->tb, 0, target_phys);
}

/* The physical address a near relative branch of the last record goes to, if static. */
static hwaddr static_target(XJit *c, int idx)
{
    const X86Insn *d = &c->info->insns[idx].d;
    int64_t off = (int64_t)c->tb->insns[idx + 1].pcoff + d->imm;

    if (idx != c->tb->n_insns - 1 || d->opsize != 8 ||
        (d->op != OP_JCC && d->op != OP_JMP && d->op != OP_CALL)) {
        return TB_PHYS_INVALID;
    }
    return c->tb->phys_pc + off;
}

/* Always a jump: ret, jmp/call near (relative or indirect). */
static bool always_jumps(const X86Insn *d)
{
    return d->op == OP_JMP || d->op == OP_CALL || d->op == OP_RET ||
           (d->op == OP_GRP5 && (d->reg == 2 || d->reg == 4));
}

/* jcc rel in 64-bit code: the condition inline, the taken side in a cold stub. */
static void gen_jcc(XJit *c, int idx)
{
    uint8_t *taken[2 * XJIT_COND_BRANCHES]; /* x86_jit_gen_cond's scratch too */
    int n = x86_jit_gen_cond(c->b, c->info->insns[idx].d.opc & 0xf, c->known, taken);
    XJitCold *k = &c->cold[c->n_cold];

    add_cold(c, COLD_TAKEN, idx, taken[0]);
    for (int i = 1; i < n; i++) {
        k->more[i] = taken[i];
    }
}

static void gen_call(XJit *c, int idx);

static void gen_record(XJit *c, int idx)
{
    X86Buf *b = c->b;
    const X86TBInsn *t = &c->info->insns[idx];
    unsigned next = c->tb->insns[idx + 1].pcoff;
    uint8_t *miss[2];

    unsigned known = c->known;

    if (t->d.op == OP_JCC && t->d.opsize == 8 && t->d.imm + next == (int32_t)(t->d.imm + next)) {
        gen_jcc(c, idx); /* the flags, even the host's, are the same after it */
        return;
    }
    if (idx == c->tb->n_insns - 1 && x86_jit_gen_jmp(b, &t->d, next)) {
        gen_branch_exit(c, idx, static_target(c, idx));
        return;
    }
    if (x86_jit_inline(b, &t->d, next, known)) {
        c->known = known_after(&t->d, known, true);
        return;
    }
    c->known = known_after(&t->d, known, false);
    if (x86_jit_mem_fast(b, &t->d, next, miss) > 0 ||
        ((idx == c->tb->n_insns - 1 || !always_jumps(&t->d)) &&
         x86_jit_mem_form(b, &t->d, next, known, miss) > 0)) {
        uint8_t *done = NULL;

        if (always_jumps(&t->d)) { /* call, ret: rip is in env */
            gen_branch_exit(c, idx, static_target(c, idx));
        } else {
            done = x86_jmp(b, NULL);
        }

        for (int i = 0; i < 2; i++) {
            if (miss[i]) {
                x86_patch_rel32(miss[i], b->p);
            }
        }
        gen_call(c, idx);
        if (done) {
            x86_patch_rel32(done, b->p);
        }
        return;
    }
    gen_call(c, idx);
}

/* The record through its handler, with run_block's checks after it. */
static void gen_call(XJit *c, int idx)
{
    X86Buf *b = c->b;
    const X86TBInsn *t = &c->info->insns[idx];
    unsigned next = c->tb->insns[idx + 1].pcoff;
    bool last = idx == c->tb->n_insns - 1;

    if (needs_rip(&t->d)) {
        x86_lea(b, X86_RAX, x86_mem(JIT_PC, (int32_t)next));
        x86_mov_mr(b, true, ENV_FIELD(rip), X86_RAX);
    }
    x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
    x86_mov_ri(b, X86_RSI, (uintptr_t)&t->d);
    x86_jit_call(b, t->fn);
    if (!t->d.no_raise) { /* the decoder knows the register forms that raise nothing */
        x86_alu_ri(b, X86_CMP, false, X86_RAX, -1);
        add_cold(c, COLD_EXC, idx, x86_jcc(b, X86_CC_NE, NULL));
    }
    if (!stores_nothing(&t->d)) {
        x86_mov_ri(b, X86_RAX, (uintptr_t)&c->tb->phys_pc);
        x86_alu_mi(b, X86_CMP, true, x86_mem(X86_RAX, 0), -1);
        add_cold(c, COLD_SMC, idx, x86_jcc(b, X86_CC_E, NULL));
    }
    if (last && always_jumps(&t->d)) {
        gen_branch_exit(c, idx, static_target(c, idx));
    } else if (!keeps_rip(&t->d)) {
        x86_lea(b, X86_RCX, x86_mem(JIT_PC, (int32_t)next));
        x86_alu_rm(b, X86_CMP, true, X86_RCX, ENV_FIELD(rip));
        add_cold(c, COLD_BRANCH, idx, x86_jcc(b, X86_CC_NE, NULL));
    }
}

/* After the last record, when it did not jump: fall through, or leave after a block end. */
static void gen_end(XJit *c)
{
    X86Buf *b = c->b;
    TranslationBlock *tb = c->tb;
    const X86Insn *d = &c->info->insns[tb->n_insns - 1].d;

    if (always_jumps(d)) {
        return; /* its exit is emitted */
    }
    x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, tb->n_insns));
    if (!x86_is_near_branch(d)) {
        /* mode, paging, segments or IF may have changed: the run loop has a look */
        if (needs_rip(d)) {
            x86_mov_rm(b, true, JIT_PC, ENV_FIELD(rip));
        } else {
            x86_lea(b, JIT_PC, x86_mem(JIT_PC, tb->size));
            x86_mov_mr(b, true, ENV_FIELD(rip), JIT_PC);
        }
        x86_jmp(b, jit_stubs.exit_plain);
        return;
    }
    x86_lea(b, JIT_PC, x86_mem(JIT_PC, tb->size));
    x86_mov_mr(b, true, ENV_FIELD(rip), JIT_PC); /* an inline last record left it */
    gen_irq_check(b);
    jit_emit_exit(b, tb, 1, tb->phys_pc + tb->size);
}

static void gen_cold(XJit *c, const XJitCold *k)
{
    X86Buf *b = c->b;

    if (!k->branch) {
        return; /* the buffer overflowed */
    }
    x86_patch_rel32(k->branch, b->p);
    for (int i = 1; i < XJIT_COND_BRANCHES; i++) {
        if (k->more[i]) {
            x86_patch_rel32(k->more[i], b->p);
        }
    }
    switch (k->kind) {
    case COLD_EXC: /* eax = the handler's result */
        x86_mov_rr(b, false, X86_RSI, X86_RAX);
        x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
        x86_lea(b, X86_RDX, x86_mem(JIT_PC, c->tb->insns[k->idx].pcoff));
        x86_call(b, x86_jit_fault);
        x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, k->idx));
        x86_alu_rr(b, X86_ADD, true, JIT_INSTRET, X86_RAX);
        x86_mov_rm(b, true, JIT_PC, ENV_FIELD(rip));
        x86_jmp(b, jit_stubs.exit_plain);
        break;
    case COLD_SMC: /* the block is gone: what follows must be decoded afresh */
        if (needs_rip(&c->info->insns[k->idx].d)) {
            x86_mov_rm(b, true, JIT_PC, ENV_FIELD(rip));
        } else { /* the call left rip stale */
            x86_lea(b, JIT_PC, x86_mem(JIT_PC, c->tb->insns[k->idx + 1].pcoff));
            x86_mov_mr(b, true, ENV_FIELD(rip), JIT_PC);
        }
        x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, k->idx + 1));
        x86_jmp(b, jit_stubs.exit_plain);
        break;
    case COLD_TAKEN: /* rip = the jcc's target */
        x86_lea(b, X86_RAX,
                x86_mem(JIT_PC,
                        (int32_t)(c->tb->insns[k->idx + 1].pcoff + c->info->insns[k->idx].d.imm)));
        x86_mov_mr(b, true, ENV_FIELD(rip), X86_RAX);
        gen_branch_exit(c, k->idx, static_target(c, k->idx));
        break;
    default:
        gen_branch_exit(c, k->idx, static_target(c, k->idx));
        break;
    }
}

bool x86_jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done)
{
    static __thread XJit ctx;
    XJit *c = &ctx;
    X86TBInfo *info = x86_tb_info(tb);

    *n_done = 0;
    if (info->code_size != 8) {
        return false;
    }
    for (int i = 0; i < tb->n_insns; i++) {
        if (info->insns[i].d.op == OP_HLT) {
            return false;
        }
    }
    c->b = b;
    c->tb = tb;
    c->info = info;
    c->n_cold = 0;
    c->known = 0;
    x86_jit_regs_reset();
    /* Not in plain 64-bit code now (see above): the interpreter runs the block. */
    x86_cmp_mi8(b, CPU_FIELD(jit_code_size), 8);
    add_cold(c, -1, 0, x86_jcc(b, X86_CC_NE, NULL));
    for (int i = 0; i < tb->n_insns; i++) {
        gen_record(c, i);
    }
    gen_end(c);
    /* the prologue's cold path: the interpreter runs the block (JIT_EXIT_TAIL of tb) */
    if (c->cold[0].branch) {
        x86_patch_rel32(c->cold[0].branch, b->p);
    }
    x86_mov_ri(b, X86_RAX, jit_exit_code(tb, JIT_EXIT_TAIL, 0));
    x86_jmp(b, jit_stubs.exit_store);
    for (int i = 1; i < c->n_cold && !b->overflow; i++) {
        gen_cold(c, &c->cold[i]);
    }
    *n_done = tb->n_insns;
    return true;
}

bool x86_jit_wanted(void)
{
    const char *env = getenv("KESTREL_X86_JIT");

    return !env || strcmp(env, "0") != 0;
}
