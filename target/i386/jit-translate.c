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

enum { COLD_EXC, COLD_BRANCH, COLD_SMC, COLD_TAKEN, COLD_MISS };

#define XJIT_COND_BRANCHES 8

typedef struct XJitCold {
    uint8_t kind;
    uint8_t idx;     /* record index */
    uint8_t *branch; /* rel32 of the jump to the stub */
    /* COLD_TAKEN: the further jumps of an inline jcc's condition to the stub; COLD_MISS:
     * the second miss branch of a memory form */
    uint8_t *more[XJIT_COND_BRANCHES];
    /* COLD_MISS: where the hit path goes on, and the register cache there; a load's
     * page-range probe (x86_jit_hint): where it adds the addend, its slot and size */
    const uint8_t *resume;
    X86JitRegCache regs;
    const uint8_t *hint_add;
    uint16_t hint_slot;
    uint8_t hint_size;
    unsigned host_cc; /* COLD_MISS: the record whose flags the hit path left in the host's */
} XJitCold;

typedef struct XJit {
    X86Buf *b;
    TranslationBlock *tb;
    X86TBInfo *info;
    XJitCold cold[5 * TB_MAX_INSNS]; /* a memory form: its miss and the handler call's 3 */
    int n_cold;
    unsigned known;        /* the flags record where the next record starts (tb-info.h) */
    unsigned known_before; /* where the record being emitted starts */
    /* the last record's exit when its inline fast path emitted it: its slow path joins it,
     * as a second exit with the same slot would leave the first never patched (jit_link) */
    const uint8_t *branch_exit;
    int side_slot; /* the exit slot the next side exit chains through (tb.h TB_NSLOTS) */
    bool hints;    /* loads probe their site's page range (x86_jit_hint, uses_hints) */
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
 * Inline register forms whose host code is moves alone, so the host's flags survive them
 * (jit-inline.c's gen_mov and gen_lea on a base register, jit-alu.c's gen_extend, gen_xchg
 * and cbw, the nop forms), and setcc and cmovcc, which then branch on the host's flags and
 * move. The kernel's bignum loops (mpihelp_submul_1) move between a cmp and its cmovae.
 */
static bool keeps_host_flags(const X86Insn *d)
{
    if (d->mem && d->op != OP_LEA) {
        return false;
    }
    switch (d->op) {
    case OP_MOV:
    case OP_MOV_RI:
    case OP_MOVZX:
    case OP_MOVSX:
    case OP_MOVSXD:
    case OP_XCHG:
    case OP_CBW:
    case OP_NOP:
    case OP_CMOV:
    case OP_SETCC:
        return !d->lock;
    case OP_LEA:
        return d->base != X86_REG_NONE && d->base != X86_REG_RIP;
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

    if (inlined && (before & X86_JIT_CC_HOST) && keeps_host_flags(d)) {
        return before;
    }

    if (inlined && x86_jit_alu_sets_eflags(d)) { /* its flags dead: no reader cares */
        return x86_jit_flags_dead ? 0 : X86_CC_EFLAGS | X86_JIT_CC_IN_EFLAGS;
    }
    if (fixed) {
        return fixed | (inlined && !d->mem && d->opsize >= 4 ? X86_JIT_CC_HOST : 0);
    }
    return keeps_flags(d) ? before & ~X86_JIT_CC_HOST : 0;
}

/* Register forms that leave the flags alone and raise nothing: while they run, nothing can
 * look at the flags. */
static bool flags_unseen(const X86Insn *d)
{
    if (d->lock) {
        return false;
    }
    switch (d->op) {
    case OP_LEA: /* no access: its memory operand is an address */
        return d->mem;
    case OP_MOV:
    case OP_MOV_RI:
    case OP_MOVZX:
    case OP_MOVSX:
    case OP_MOVSXD:
    case OP_BSWAP:
    case OP_CBW:
    case OP_CWD:
        return d->no_raise;
    case OP_GRP3: /* not */
        return (d->reg & 7) == 2 && d->no_raise;
    default:
        return false;
    }
}

/* Register forms that write the whole flags record, reading no flags and raising nothing:
 * x86_jit_static_cc's (add, sub, cmp, the logic group, test), neg, shl/shr/sar by a
 * constant other than 0 (a count of 0 leaves the flags alone), and imul (all of EFLAGS'
 * arithmetic bits, gen_imul). */
static bool flags_overwritten(const X86Insn *d)
{
    int count = d->opc >= 0xd0 ? 1 : (int)d->imm;

    if (d->mem || d->lock || !d->no_raise) {
        return false;
    }
    if (d->op == OP_IMUL2 || d->op == OP_IMUL3) {
        return true;
    }
    if (d->map != 0) {
        return false;
    }
    switch (d->op) {
    case OP_GRP3:
        return (d->reg & 7) == 3 || x86_jit_static_cc(d);
    case OP_SHIFT:
        return (d->reg & 7) >= 4 && d->opc != 0xd2 && d->opc != 0xd3 &&
               (count & (d->opsize == 8 ? 0x3f : 0x1f)) != 0;
    default:
        return x86_jit_static_cc(d) != 0;
    }
}

/*
 * Register forms that raise nothing and write only flags they also read, keeping the others:
 * rol/ror by a constant (CF, OF) and bt/bts/btr/btc (CF). When nothing sees their flags,
 * nothing sees those before them either. The kernel's SHA-256 rotates twice before its xor
 * overwrites the flags (perf of the x86boot bench's boot: x86_get_eflags, cc_compute and
 * add_flags 2.7% of the CPU samples, nearly all from sha256_transform's blocks; 0.9% with
 * this and jit-alu.c's gen_get_eflags).
 */
static bool flags_passed(const X86Insn *d)
{
    if (d->mem || d->lock || !d->no_raise) {
        return false;
    }
    switch (d->op) {
    case OP_SHIFT:
        return (d->opc == 0xc0 || d->opc == 0xc1 || d->opc == 0xd0 || d->opc == 0xd1) &&
               (d->reg & 7) <= 1;
    case OP_BT:
        return d->map == 1;
    case OP_GRP8:
        return (d->reg & 7) >= 4;
    default:
        return false;
    }
}

/*
 * The records (bit idx) whose flags nothing sees (x86_jit_flags_dead): a later one overwrites
 * them with only flags_unseen or flags_passed forms in between. Everything else may look at the
 * flags: a reader, a handler, a memory access (its fault must see the flags as they were), an exit,
 * the block's end. Mostly a rotate's flags (hash loops: rol/ror, then add or xor), which
 * x86_get_eflags computed in full: perf of the x86boot bench's boot, cc_compute, add_flags
 * and x86_get_eflags 3.8% of the CPU before, 1.3% after.
 */
static uint64_t dead_flags(const XJit *c)
{
    uint64_t dead = 0;
    bool seen = true; /* at the block's end */

    _Static_assert(TB_MAX_INSNS <= 64, "one bit a record");
    for (int i = c->tb->n_insns - 1; i >= 0; i--) {
        const X86Insn *d = &c->info->insns[i].d;

        dead |= seen ? 0 : 1ULL << i;
        if (flags_overwritten(d)) {
            seen = false;
        } else if (!flags_unseen(d) && !flags_passed(d)) {
            seen = true;
        }
    }
    return dead;
}

static void add_cold(XJit *c, int kind, int idx, uint8_t *branch)
{
    c->cold[c->n_cold++] = (XJitCold){kind, idx, branch, {0}, NULL, {{0}}, NULL, 0, 0, 0};
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
 * The exit after record idx moved rip (in r12 and env): retire it and go on at rip. To a
 * static target in the block's page (a relative jump, call or jcc), the exit chains: slot 0
 * for the last record, a side-exit slot for a jcc before it while there are any. Any other
 * target is looked up inline rather than in the shared stub, so that each such exit has its
 * own indirect jump for the host's branch predictor.
 * Last records (ret, indirect or far call or jump) first: the shared stub was a fifth of the
 * JIT code's CPU before "Linux version" (perf), the decompressor's calls and returns.
 * Measured (x86boot, CPU seconds to "Linux version" / the init marker, without and with,
 * alternately, load ~6): 10.98 / 21.77, 8.95 / 18.58, 7.70 / 15.14 against 9.72 / 18.58,
 * 7.45 / 15.32, 7.47 / 15.16.
 * Then side exits (a taken jcc inside a superblock), which all went through the shared stub:
 * 531 million per boot to the init marker, against 56 million last-record lookups; now 490
 * million of them chain, 40 million are looked up inline. With x86_jit_step (below): bench
 * x86boot, CPU seconds to "Linux version" / the init marker, medians of 3 alternate runs at
 * load ~9: 6.01 / 13.01 before, 5.37 / 10.84 after (QEMU 3.51 / 6.97).
 */
static void gen_exit_at_pc(XJit *c, int idx, hwaddr target_phys)
{
    X86Buf *b = c->b;
    TranslationBlock *tb = c->tb;
    bool last = idx == tb->n_insns - 1;
    int slot = last ? 0 : c->side_slot;

    x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, idx + 1));
    gen_irq_check(b);
    if (((target_phys ^ tb->phys_pc) & TARGET_PAGE_MASK) || slot >= TB_NSLOTS) {
        x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0); /* as jit_emit_exit */
        x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
        jit_emit_lookup(b);
        return;
    }
    if (!last) {
        c->side_slot++;
    }
    jit_emit_exit(b, tb, slot, target_phys);
}

/* gen_exit_at_pc with rip in env only (a handler or an inline form put it there). */
static void gen_branch_exit(XJit *c, int idx, hwaddr target_phys)
{
    x86_mov_rm(c->b, true, JIT_PC, ENV_FIELD(rip));
    gen_exit_at_pc(c, idx, target_phys);
}

/*
 * The physical address a near relative branch goes to, if static: a jcc anywhere, a jmp or
 * call that ends the block. Only its page is used: the target is on the block's page if its
 * offset from the block's start stays in the page, which holds for the virtual and the
 * physical address alike.
 */
static hwaddr static_target(XJit *c, int idx)
{
    const X86Insn *d = &c->info->insns[idx].d;
    int64_t off = (int64_t)c->tb->insns[idx + 1].pcoff + d->imm;
    bool last = idx == c->tb->n_insns - 1;

    if (d->opsize != 8 || (d->op != OP_JCC && (!last || (d->op != OP_JMP && d->op != OP_CALL)))) {
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
static void gen_not_inline(XJit *c, int idx);

/*
 * Do the block's loads probe page ranges (x86_jit_hint)? In supervisor code of the lower half:
 * boot loaders and the kernel's decompressor, which reach RAM where it is identity-mapped, a
 * few sites walking large buffers. Not in the kernel (the upper half): with the ranges, CPU
 * seconds (user) to the init marker, alternate runs at load ~8: 7.33, 7.34, 7.79 without,
 * 8.09, 8.44, 7.47 with (its sites reach scattered pages, and each new page is a call of
 * the stub); nor in user code, whose pages each have an addend of their own. A block run in
 * another context is still exact: a range holds only translations of the current context.
 */
static bool uses_hints(const XJit *c)
{
    return c->info->supervisor && (int64_t)c->tb->pc >= 0;
}

static void gen_record(XJit *c, int idx)
{
    X86Buf *b = c->b;
    const X86TBInsn *t = &c->info->insns[idx];
    unsigned next = c->tb->insns[idx + 1].pcoff;
    uint64_t pc = c->tb->pc + c->tb->insns[idx].pcoff;

    /* Not for ret (nor the other forms that always jump): its miss path is the handler's
     * call alone (gen_record), which never sets the site's range, so every ret of the
     * decompressor went through x86_exec_ret (1.6% of the boot's CPU samples, perf); the TLB
     * probe finds the stack page. */
    x86_jit_hint.on = c->hints && !always_jumps(&t->d);
    x86_jit_hint.slot = (unsigned)(pc >> 1 ^ pc >> 9);

    unsigned known = c->known;

    c->known_before = known;
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
    gen_not_inline(c, idx);
    x86_jit_cc_stored = 0; /* a handler, or a memory form's miss path through one */
}

/* gen_record's forms other than the inline register forms and jcc. */
static void gen_not_inline(XJit *c, int idx)
{
    X86Buf *b = c->b;
    const X86TBInsn *t = &c->info->insns[idx];
    unsigned next = c->tb->insns[idx + 1].pcoff;
    uint8_t *miss[2];

    if (x86_jit_mem_fast(b, &t->d, next, miss) > 0 ||
        ((idx == c->tb->n_insns - 1 || !always_jumps(&t->d)) &&
         x86_jit_mem_form(b, &t->d, next, c->known_before, miss) > 0)) {
        /* The miss path out of line (gen_cold): a hit falls through, where it jumped over
         * the handler's call, and the hot code is ~60 bytes shorter per access. CPU seconds
         * to "Linux version", 8 alternate runs at load 7-9: median 4.03 before, 3.52 after
         * (the 4 quietest pairs: 3.47/3.38, 3.48/3.35, 3.59/3.58, 3.62/3.46). */
        if (!always_jumps(&t->d)) {
            XJitCold *k = &c->cold[c->n_cold];

            add_cold(c, COLD_MISS, idx, miss[0]);
            k->more[1] = miss[1];
            k->resume = b->p;
            x86_jit_regs_save(&k->regs);
            k->hint_add = x86_jit_hint.add_at;
            k->hint_slot = x86_jit_hint.slot;
            k->hint_size = x86_jit_hint.size;
            if (x86_jit_static_cc(&t->d) && t->d.mem && t->d.opsize >= 4) { /* ALU op, memory */
                c->known |= X86_JIT_CC_HOST;
                k->host_cc = c->known;
            }
            return;
        }
        c->branch_exit = b->p; /* call, ret: rip is in env */
        gen_branch_exit(c, idx, static_target(c, idx));
        for (int i = 0; i < 2; i++) {
            if (miss[i]) {
                x86_patch_rel32(miss[i], b->p);
            }
        }
        gen_call(c, idx);
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
    if (last && always_jumps(&t->d) && c->branch_exit) {
        x86_jmp(b, c->branch_exit);
    } else if (last && always_jumps(&t->d)) {
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

/*
 * The host's flags = the guest's, from the record known (op and size: an add, sub or logic op
 * of 32 or 64 bits) that the handler stored: the miss path of an ALU op with memory, whose hit
 * path leaves the op's flags in the host's (jit-mem.c), rejoins it as it would. Then a cmp with
 * memory and its jcc (the decompressor's loop bounds, the kernel's compares with globals) need
 * no reload and compare of the record.
 */
static void gen_host_flags(X86Buf *b, unsigned known)
{
    int op = known & 0xff;
    bool w = ((known >> 8) & 0xff) == 8;

    if (op == X86_CC_LOGIC) { /* CF = OF = 0; AF is undefined on the host (gen_get_eflags) */
        x86_mov_rm(b, w, X86_RAX, ENV_FIELD(cc.res));
        x86_test_rr(b, w, X86_RAX, X86_RAX);
        return;
    }
    x86_mov_rm(b, w, X86_RAX, ENV_FIELD(cc.a));
    x86_alu_rm(b, op == X86_CC_SUB ? X86_CMP : X86_ADD, w, X86_RAX, ENV_FIELD(cc.b));
}

static void gen_cold(XJit *c, const XJitCold *k)
{
    X86Buf *b = c->b;
    int32_t off;

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
    case COLD_TAKEN: /* rip = the jcc's target, into r12 too (not reloaded from env): with the
                      * loads and mov imm into copies, within the noise of bench x86boot
                      * (3.40 / 6.93 CPU seconds before, 3.45 / 6.99 after, medians of 3) */
        off = (int32_t)(c->tb->insns[k->idx + 1].pcoff + c->info->insns[k->idx].d.imm);
        if (off) { /* 0: a loop back to the block's start */
            x86_lea(b, JIT_PC, x86_mem(JIT_PC, off));
        }
        x86_mov_mr(b, true, ENV_FIELD(rip), JIT_PC);
        gen_exit_at_pc(c, k->idx, static_target(c, k->idx));
        break;
    case COLD_MISS:        /* the handler with the copies of the hit path's end, then back there */
        if (k->hint_add) { /* rsi = va: the page taken in, back to the add if in range now */
            x86_mov_ri(b, X86_RAX,
                       (uint32_t)x86_jit_hint_off(k->hint_slot, offsetof(JitLoadHints, lo)));
            x86_mov_ri(b, X86_RDX, k->hint_size - 1u);
            x86_call(b, jit_stubs.hint_miss); /* rel32 within the arena: rax survives */
            x86_jcc(b, X86_CC_B, k->hint_add);
        }
        x86_jit_regs_restore(&k->regs);
        gen_call(c, k->idx);
        if (k->host_cc) {
            gen_host_flags(b, k->host_cc);
        }
        x86_jmp(b, k->resume);
        break;
    default:
        gen_branch_exit(c, k->idx, static_target(c, k->idx));
        break;
    }
}

/*
 * A page-crossing instruction's block (X86_TB_STEP) in 64-bit code, called from its JIT code:
 * fetch and decode it afresh through the TLB and run it, as x86_cpu_step does. Returns
 * 0 when it retired and the next block may follow, 2 when it raised (delivered: leave to the
 * run loop), 1 when it was not run: an instruction that may change mode or halt, or a fetch
 * fault, is the interpreter's (the block's JIT_EXIT_TAIL).
 */
static int x86_jit_step(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    uint64_t start = env->rip;
    X86Insn d;
    int excp;

    if (x86_fetch_decode(cpu, 8, &d) != X86_EXCP_NONE || !x86_is_near_branch(&d)) {
        return 1;
    }
    excp = x86_exec_insn(env, &d, start, 8);
    if (excp == X86_EXCP_NONE || excp == X86_EXIT_PAUSE) {
        return 0;
    }
    x86_finish_insn(env, excp, false);
    return 2;
}

/*
 * Does the record of an X86_TB_STEP block run in its JIT code (gen_step_inline)? Decoded as
 * 64-bit code, and an instruction after which the next one follows (a jump or jcc across the
 * page, or a rep string op, stays with x86_jit_step).
 */
static bool step_inlinable(const X86TBInfo *info)
{
    const X86Insn *d = &info->insns[0].d;

    return info->cross_size == 8 && !x86_ends_block(d) && d->op != OP_JCC &&
           !(d->rep && d->op >= OP_INS && d->op <= OP_SCAS);
}

/*
 * The record of an X86_TB_STEP block as any block's (gen_record), once its bytes in the next
 * page are checked, then the next block through the inline lookup (not chained: it is on
 * the next page). The decompressor's inner loop has such an instruction (a 2-byte mov), 9.9
 * million runs per boot to the init marker: x86_jit_step's fetch, decode and call were 6.4%
 * of the CPU to "Linux version" (perf). CPU seconds to "Linux version", 5 alternate runs at
 * load ~7: median 3.77 before, 3.45 after.
 */
static void gen_step_inline(XJit *c, uint8_t **slow, int *n_slow)
{
    X86Buf *b = c->b;
    unsigned avail = TARGET_PAGE_SIZE - (c->tb->phys_pc & ~TARGET_PAGE_MASK);
    unsigned len = c->info->insns[0].d.len;

    *n_slow = len > avail ? x86_jit_gen_next_page_check(b, c->info, avail, slow) : 0;
    x86_jit_flags_dead = false;
    gen_record(c, 0);
    x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, 1));
    x86_lea(b, JIT_PC, x86_mem(JIT_PC, (int32_t)len));
    x86_mov_mr(b, true, ENV_FIELD(rip), JIT_PC);
    gen_irq_check(b);
    x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0); /* as jit_emit_exit */
    x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    jit_emit_lookup(b);
}

/*
 * The code of an X86_TB_STEP block: its record inline where it can (above), else
 * x86_jit_step, then the next block through the inline lookup. Interpreted, it cost two
 * run-loop rounds (the exit to it cannot chain to a block without code, and the interpreter
 * returns there): the decompressor's inner loop has a 2-byte mov across a page, 9.9 million
 * of them per boot to the init marker, 20 million of its 48 million run-loop rounds.
 */
static void gen_step_block(XJit *c)
{
    X86Buf *b = c->b;
    TranslationBlock *tb = c->tb;
    uint8_t *tail[2], *raised, *slow[3];
    int n_slow = 0;

    x86_cmp_mi8(b, CPU_FIELD(jit_code_size), 8);
    tail[0] = x86_jcc(b, X86_CC_NE, NULL);
    add_cold(c, -1, 0, NULL); /* cold[0]: the prologue's, taken by tail[0] here */
    if (step_inlinable(c->info)) {
        gen_step_inline(c, slow, &n_slow);
    }
    for (int i = 0; i < n_slow; i++) {
        if (slow[i]) {
            x86_patch_rel32(slow[i], b->p);
        }
    }
    x86_mov_rr(b, true, X86_RDI, JIT_CPU);
    x86_call(b, x86_jit_step);
    x86_alu_ri(b, X86_CMP, false, X86_RAX, 1);
    tail[1] = x86_jcc(b, X86_CC_E, NULL);
    x86_mov_rm(b, true, JIT_PC, ENV_FIELD(rip));
    raised = x86_jcc(b, X86_CC_A, NULL);
    x86_lea(b, JIT_INSTRET, x86_mem(JIT_INSTRET, 1));
    gen_irq_check(b);
    x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0); /* as jit_emit_exit */
    x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    jit_emit_lookup(b);
    for (int i = 0; i < 2; i++) {
        if (tail[i]) {
            x86_patch_rel32(tail[i], b->p);
        }
    }
    x86_mov_ri(b, X86_RAX, jit_exit_code(tb, JIT_EXIT_TAIL, 0));
    x86_jmp(b, jit_stubs.exit_store);
    if (raised) {
        x86_patch_rel32(raised, b->p);
        x86_jmp(b, jit_stubs.exit_plain);
    }
    for (int i = 1; i < c->n_cold && !b->overflow; i++) {
        gen_cold(c, &c->cold[i]);
    }
}

bool x86_jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done)
{
    static __thread XJit ctx;
    XJit *c = &ctx;
    X86TBInfo *info = x86_tb_info(tb);
    uint64_t dead;

    *n_done = 0;
    c->b = b;
    c->tb = tb;
    c->info = info;
    c->n_cold = 0;
    c->known = 0;
    c->branch_exit = NULL;
    c->side_slot = 2;
    c->hints = uses_hints(c);
    x86_jit_regs_reset();
    x86_jit_cc_stored = 0;
    if (info->code_size == X86_TB_STEP) {
        gen_step_block(c);
        *n_done = tb->n_insns;
        return true;
    }
    if (info->code_size != 8) {
        return false;
    }
    for (int i = 0; i < tb->n_insns; i++) {
        if (info->insns[i].d.op == OP_HLT) {
            return false;
        }
    }
    /* Not in plain 64-bit code now (see above): the interpreter runs the block. */
    x86_cmp_mi8(b, CPU_FIELD(jit_code_size), 8);
    add_cold(c, -1, 0, x86_jcc(b, X86_CC_NE, NULL));
    dead = dead_flags(c);
    for (int i = 0; i < tb->n_insns; i++) {
        x86_jit_flags_dead = (dead >> i) & 1;
        gen_record(c, i);
    }
    x86_jit_flags_dead = false;
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
