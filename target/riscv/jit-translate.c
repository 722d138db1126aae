/*
 * RISC-V records -> x86-64 (the JIT's translator, TCGCPUOps.jit_translate;
 * include/accel/tcg/jit-internal.h has the host register convention,
 * accel/tcg/jit.c the stubs this code jumps to).
 *
 * Guest registers live in env->gpr and env->fpr between blocks; within a block
 * the register caches (jit-regs.c) keep the ones it uses in host registers (x in
 * general-purpose registers, f in xmm registers). x0 always holds 0 (no writer
 * stores to it) and writes to it are dropped. Each record
 * becomes a few host instructions: semantics as in target/riscv/exec.c,
 * which is the reference; where the rule is more than a host instruction or
 * two, both call the same function (helper.h).
 *
 * Layout of a block: the records in order (the fast paths), then the exits,
 * then the cold stubs (TLB-miss calls, traps), so the hot code is
 * straight-line. Records the JIT does not translate end the host code: the
 * block hands the remaining records to the interpreter (tb->jit_tail).
 */
#include "jit-internal.h"

_Static_assert(sizeof(CPUTLBEntry) == 32, "TLB index scaling below assumes 32-byte entries");

const InsnRecord *jit_rec(JitCtx *c)
{
    return c->r;
}

const InsnRecord *jit_next_rec(JitCtx *c)
{
    return c->idx + 1 < c->tb->n_insns ? c->r + 1 : NULL;
}

void jit_fuse_next(JitCtx *c)
{
    c->idx++;
    c->r++;
    c->sext32 &= ~(1u << c->r->rd);
}

X86Buf *jit_buf(JitCtx *c)
{
    return c->b;
}

bool jit_low32_only(const JitCtx *c)
{
    return c->low32 >> c->idx & 1;
}

bool jit_known_sext32(const JitCtx *c, int g)
{
    return g == 0 || (c->sext32_in >> g & 1);
}

void jit_note_sext32(JitCtx *c)
{
    c->sext32 |= 1u << c->r->rd;
}

/* Remember a cold stub reached through the rel32 at branch, resuming at the current point. */
static JitCold *cold_add(JitCtx *c, int kind, uint8_t *branch, unsigned memop)
{
    JitCold *k = &c->cold[c->n_cold++];
    *k = (JitCold){.kind = kind, .idx = c->idx, .memop = memop, .branch = branch, .regs = c->regs};
    return k;
}

JitFallback jit_fp_fallback(JitCtx *c, X86Cond cc, bool int_rd)
{
    return cold_add(c, COLD_FP, x86_jcc(c->b, cc, NULL), int_rd);
}

void jit_fallback_resume(JitCtx *c, JitFallback *k, int n)
{
    for (int i = 0; i < n; i++) {
        k[i]->resume = c->b->p;
    }
}

bool jit_fp_guard_held(JitCtx *c)
{
    return c->fp_guard_held;
}

void jit_fp_guard_exit(JitCtx *c, X86Cond cc)
{
    cold_add(c, COLD_TAIL, x86_jcc(c->b, cc, NULL), 0);
    c->fp_guard_held = true;
}

static void jit_branch_to_raise(JitCtx *c, X86Cond cc)
{
    cold_add(c, COLD_RAISE, x86_jcc(c->b, cc, NULL), 0);
}

static JitCold *tlb_probe(JitCtx *c, int kind, unsigned memop, int32_t tag_off)
{
    /* the cold stub resumes with the registers of the branch: the add changes none */
    JitCold *k = cold_add(c, kind, NULL, memop);

    k->branch = jit_emit_tlb_probe(c->b, memop & 0xf, tag_off);
    return k;
}

uint8_t *jit_vec_tlb_probe(JitCtx *c, unsigned size, bool store)
{
    return jit_emit_tlb_probe(
        c->b, size, store ? offsetof(CPUTLBEntry, addr_write) : offsetof(CPUTLBEntry, addr_read));
}

void jit_vec_fallback(JitCtx *c, uint8_t *const *guards, int n)
{
    X86Buf *b = c->b;
    uint8_t *done = x86_jmp(b, NULL);

    for (int i = 0; i < n; i++) {
        if (guards[i]) {
            x86_patch_rel32(guards[i], b->p);
        }
    }
    JitCold *k = cold_add(c, COLD_VEC, x86_jmp(b, NULL), 0);
    if (done) {
        x86_patch_rel32(done, b->p);
    }
    k->resume = b->p;
}

/* rsi = x[rs1] + imm, one lea (a mov and an add before: one instruction less on every
 * load and store) */
static void gen_va(JitCtx *c)
{
    if (c->r->rs1 == 0) {
        x86_mov_ri(c->b, X86_RSI, (uint64_t)(int64_t)c->r->imm);
    } else {
        x86_lea(c->b, X86_RSI, x86_mem(jit_rs(c, c->r->rs1), c->r->imm));
    }
}

/* The hint slot of record idx's load or store (CPUTLB.jit_hint[].h, .st): its guest pc
 * hashed. */
static unsigned hint_slot(JitCtx *c, int idx)
{
    uint64_t pc = c->tb->pc + c->tb->insns[idx].pcoff;

    return (pc >> 1 ^ pc >> 9) & (JIT_HINT_SLOTS - 1);
}

/* A field of record idx's slot (field: offsetof(JitLoadHints, x)) in the data context's
 * slots: its offset from r14, the context's table. */
static int32_t hint_off(JitCtx *c, int idx, size_t field)
{
    return (int32_t)(JIT_HINT_BIAS + field + hint_slot(c, idx) * 8);
}

static X86Mem hint_mem(JitCtx *c, int idx, size_t field)
{
    return x86_mem(JIT_DTLB, hint_off(c, idx, field));
}

/*
 * A user site's slot thrashing (linear_data): the site probes the table (COLD_PLAIN, which
 * leaves the entry's addend in rdx as a range hit does), a branch the host predicts. Tested
 * before the range: the range's test and then the cold stub's would cost the table probe
 * seven more instructions.
 */
static JitCold *thrash_check(JitCtx *c, unsigned memop)
{
    x86_alu_mi(c->b, X86_CMP, true, hint_mem(c, c->idx, offsetof(JitLoadHints, thrash)),
               JIT_HINT_THRASH);
    return cold_add(c, COLD_PLAIN, x86_jcc(c->b, X86_CC_AE, NULL), memop);
}

/* The same in the store sites' ranges (JitModeHints.st). */
static int32_t store_hint_off(JitCtx *c, int idx, size_t field)
{
    return (int32_t)(JIT_HINT_BIAS + offsetof(JitModeHints, st) + field + hint_slot(c, idx) * 8);
}

/*
 * A load's probe through its site's page range (CPUTLB.jit_hint): pages [lo, hi) that one
 * addend maps, grown page by page as the site walks contiguous RAM (jit_stubs.hint_miss).
 * A hit is va - lo < lim (lim = hi - lo - 7: the last byte of any access inside too), four
 * instructions and no index arithmetic; the addend is loaded without waiting for the
 * address, so the load addresses x[rs1] + imm + addend (load_mem) as soon as x[rs1] is
 * known (~8 cycles off a chain of dependent loads: a pointer walk, a table lookup feeding
 * the next index). A miss calls hint_miss, which probes the table and takes the page in.
 * Before, the site kept only a guessed addend, checked against the table's entry: the
 * index arithmetic and two compares, ten instructions before each load.
 * Measured, tests/bench CPU seconds, medians of 10 alternating runs on a loaded host:
 * 0.963 s with the guessed addend, 0.886 s with the ranges.
 */
static JitCold *tlb_probe_load(JitCtx *c, unsigned memop, bool may_thrash)
{
    X86Buf *b = c->b;
    JitCold *h, *p = NULL;

    /* va - lo in rsi itself when the load addresses through x[rs1] (load_mem), the miss
     * path adding lo back: one mov less on every load */
    bool in_rsi = c->r->rs1 != 0;
    X86Reg t = in_rsi ? X86_RSI : X86_RAX;

    if (may_thrash) {
        p = thrash_check(c, memop);
    }
    x86_mov_rm(b, true, X86_RDX, hint_mem(c, c->idx, offsetof(JitLoadHints, addend)));
    if (!in_rsi) {
        x86_mov_rr(b, true, X86_RAX, X86_RSI);
    }
    x86_alu_rm(b, X86_SUB, true, t, hint_mem(c, c->idx, offsetof(JitLoadHints, lo)));
    x86_alu_rm(b, X86_CMP, true, t, hint_mem(c, c->idx, offsetof(JitLoadHints, lim)));
    h = cold_add(c, COLD_HINT, x86_jcc(b, X86_CC_AE, NULL), memop | (in_rsi ? COLD_MO_VA_OFF : 0));
    h->resume = b->p;
    if (p) {
        p->resume = b->p;
    }
    /* the slow path: its branch is emitted in h's stub, which gen_cold runs first */
    return cold_add(c, COLD_LOAD, NULL, memop);
}

/* The host address of a load after tlb_probe_load: x[rs1] + imm + addend (rdx). */
static X86Mem load_mem(JitCtx *c)
{
    if (c->r->rs1 == 0) {
        return x86_mem_idx(X86_RSI, X86_RDX, 1, 0);
    }
    return x86_mem_idx(jit_rs(c, c->r->rs1), X86_RDX, 1, c->r->imm);
}

/*
 * Code running at its physical address (bare metal, M-mode firmware) or in the upper half (a
 * kernel), where RAM is mapped linearly: a load site's range grows over the pages it walks.
 * A user page has an addend of its own (Linux gives a process's pages in no order: intmix's
 * node pool, three pages, came as frames 0x882ab, 0x882aa, 0x882dd), so a user site's range
 * is mostly one page: a site that stays on its page (the stack, a walk of one array) hits,
 * a site that hops between pages (a shuffled list) misses nearly every time. Ranges alone
 * there: intmix in Linux 18% of its time in hint_miss and no faster. So a user site probes
 * the table when its slot thrashes (thrash_check, CPUTLB.jit_hint.thrash). Measured, intmix
 * in Linux, CPU seconds of the emulator over the run, alternating with the plain probe:
 * medians of 24 runs at load ~2.3, 1.03 s -> 0.95 s (least 0.98 -> 0.86); of 12-16 runs at
 * load 7-9, 1.105-1.245 s -> 0.975-1.030 s. The block's
 * pc says where it ran when translated; a block run in another context is still exact, as
 * a site reads the slots of the context it runs in (hint_off: from r14, that context's
 * table).
 */
static bool linear_data(JitCtx *c)
{
    return c->tb->pc == c->tb->phys_pc || (int64_t)c->tb->pc < 0;
}

/* The probe of a load, and where the load then reads (the host address). */
static JitCold *load_probe(JitCtx *c, unsigned memop, X86Mem *at)
{
    JitCold *k = tlb_probe_load(c, memop, !linear_data(c));

    *at = load_mem(c);
    return k;
}

static void gen_load(JitCtx *c, unsigned size, bool sign)
{
    unsigned memop = size | (sign ? JIT_MO_SIGN : 0);
    JitCold *k;
    X86Mem at;

    gen_va(c);
    k = load_probe(c, memop, &at);
    x86_load(c->b, size, sign, X86_RAX, at);
    k->resume = c->b->p;
    jit_st(c, c->r->rd, X86_RAX);
    if (size < 4 || (size == 4 && sign)) {
        jit_note_sext32(c);
    }
}

/*
 * A store through its site's page range (CPUTLB.jit_hint[].st), as loads use theirs
 * (tlb_probe_load): va - lo < lim, then the value goes from its cached register straight to
 * x[rs1] + imm + addend. Before, each store took the table probe (eight instructions and a
 * copy of the value to rdx). lim is for 8 bytes whatever the size, as for loads. The ranges hold
 * only pages without TLB_NOTDIRTY and are emptied when a page becomes a code page
 * (tlb_set_notdirty), so a store to code still takes the slow path that drops the blocks; a machine
 * with more harts keeps the table probe (cpu-tlb.h says why). A miss calls hint_miss_store
 * (COLD_STORE_HINT), then if still outside, the slow path (COLD_STORE_VAL). Measured: tests/bench's
 * sieve phase alone (a byte store per iteration), CPU seconds, medians of 9 alternating runs at
 * load 7, 0.233 -> 0.214 s.
 */
static bool store_ranges(JitCtx *c)
{
    return linear_data(c) && c->r->rs1 && !(first_cpu && first_cpu->next_cpu);
}

static void gen_store_range(JitCtx *c, unsigned size)
{
    X86Buf *b = c->b;
    const InsnRecord *r = c->r;
    X86Reg base = jit_rs(c, r->rs1), val = r->rs2 ? jit_rs(c, r->rs2) : X86_RCX;
    JitCold *h;

    x86_lea(b, X86_RSI, x86_mem(base, r->imm));
    x86_mov_rm(b, true, X86_RDX,
               x86_mem(JIT_DTLB, store_hint_off(c, c->idx, offsetof(JitLoadHints, addend))));
    x86_alu_rm(b, X86_SUB, true, X86_RSI,
               x86_mem(JIT_DTLB, store_hint_off(c, c->idx, offsetof(JitLoadHints, lo))));
    x86_alu_rm(b, X86_CMP, true, X86_RSI,
               x86_mem(JIT_DTLB, store_hint_off(c, c->idx, offsetof(JitLoadHints, lim))));
    h = cold_add(c, COLD_STORE_HINT, x86_jcc(b, X86_CC_AE, NULL), size);
    h->resume = b->p;
    if (!r->rs2) { /* after the resume point: hint_miss_store clobbers rcx */
        x86_alu_rr(b, X86_XOR, false, X86_RCX, X86_RCX);
    }
    x86_store(b, size, x86_mem_idx(base, X86_RDX, 1, r->imm), val);
    /* the slow path: its branch is emitted in h's stub, which gen_cold runs first */
    cold_add(c, COLD_STORE_VAL, NULL, size)->resume = b->p;
}

static void gen_store(JitCtx *c, unsigned size)
{
    JitCold *k;

    if (store_ranges(c)) {
        gen_store_range(c, size);
        return;
    }
    gen_va(c);
    jit_ld(c, X86_RDX, c->r->rs2);
    k = tlb_probe(c, COLD_STORE, size, offsetof(CPUTLBEntry, addr_write));
    x86_store(c->b, size, x86_mem(X86_RSI, 0), X86_RDX);
    k->resume = c->b->p;
}

void jit_branch_to_illegal(JitCtx *c, X86Cond cc)
{
    cold_add(c, COLD_ILLEGAL, x86_jcc(c->b, cc, NULL), 0);
}

/* FS off: the F/D instruction is illegal (a cold stub raises it with the instruction bits). */
void jit_fp_check(JitCtx *c)
{
    if (c->fs_checked) {
        return;
    }
    c->fs_checked = true;
    x86_mov_rm(c->b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(mstatus)));
    x86_alu_ri(c->b, X86_AND, false, X86_RAX, MSTATUS_FS);
    jit_branch_to_illegal(c, X86_CC_E);
}

/* After a write to f or fcsr: FS = Dirty unless it is already (riscv_mark_fs_dirty, cold). */
void jit_fp_dirty(JitCtx *c)
{
    X86Buf *b = c->b;
    JitCold *k;

    if (c->fs_dirty) {
        return;
    }
    c->fs_dirty = true;
    x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(mstatus)));
    x86_alu_ri(b, X86_AND, false, X86_RAX, MSTATUS_FS);
    x86_alu_ri(b, X86_CMP, false, X86_RAX, MSTATUS_FS);
    k = cold_add(c, COLD_FS_DIRTY, x86_jcc(b, X86_CC_NE, NULL), 0);
    k->resume = b->p;
}

/*
 * FLW/FLD with the inline TLB probe of integer loads (they took the slow path through a
 * C helper on every access: 26% of an FP workload's time in tlb_load_slow). The result
 * goes to f[rd] (NaN-boxed for FLW, riscv_fp_load_done), then FS is marked dirty unless
 * it is already (a cold call to riscv_mark_fs_dirty, as helper.h does it).
 */
static void gen_fp_load(JitCtx *c, unsigned size)
{
    X86Buf *b = c->b;
    JitCold *k;
    X86Mem at;

    jit_fp_check(c);
    gen_va(c);
    if (size == 8) { /* straight to xmm0; the miss path moves its rax there */
        k = load_probe(c, size | COLD_MO_XMM0, &at);
        x86_sse_rm(b, X86_MOVSD_LOAD, 0, at);
        k->resume = b->p;
        x86_sse_rr(b, X86_MOVAPS, jit_frd(c, c->r->rd), 0);
    } else {
        k = load_probe(c, size, &at);
        x86_load(b, size, false, X86_RAX, at);
        k->resume = b->p;
        x86_mov_ri(b, X86_RCX, 0xffffffff00000000ULL);
        x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
        x86_movq_xr(b, jit_frd(c, c->r->rd), X86_RAX);
    }
    jit_fp_dirty(c);
}

/* FSW/FSD: as integer stores, the value from f[rs2]. */
static void gen_fp_store(JitCtx *c, unsigned size)
{
    JitCold *k;

    jit_fp_check(c);
    gen_va(c);
    x86_movq_rx(c->b, X86_RDX, jit_frs(c, c->r->rs2));
    k = tlb_probe(c, COLD_STORE, size, offsetof(CPUTLBEntry, addr_write));
    x86_store(c->b, size, x86_mem(X86_RSI, 0), X86_RDX);
    k->resume = c->b->p;
}

/* Continue at pc + delta (r12 already holds pc): chain, look up, or return. */
static void gen_exit(JitCtx *c, int slot, int64_t delta)
{
    if (delta) {
        x86_alu_ri(c->b, X86_ADD, true, JIT_PC, (int32_t)delta);
    }
    jit_emit_exit(c->b, c->tb, slot, c->tb->phys_pc + delta);
}

static void add_instret(JitCtx *c, int n)
{
    x86_lea(c->b, JIT_INSTRET, x86_mem(JIT_INSTRET, n));
}

/* Compare rs1 with rs2 for a branch (against zero without caching x0). */
static void gen_compare(JitCtx *c)
{
    X86Reg a = jit_rs(c, c->r->rs1);

    if (c->r->rs2 == 0) {
        x86_test_rr(c->b, true, a, a);
    } else {
        x86_alu_rr(c->b, X86_CMP, true, a, jit_rs(c, c->r->rs2));
    }
}

/*
 * The back edges of a loop-mode block: straight to loop_entry with the registers still
 * live, where the loop tests exit_request (translate_records), so a loop of one block
 * still leaves within an iteration. The jump is tb's slot 0, so invalidating the block
 * unlinks it (tb-maint.c: the rel32 then points at the next instruction); the unlinked
 * path writes the registers back and leaves at the block's start (never chained: the exit
 * is not JIT_EXIT_CHAIN). A conditional back edge is the branch itself: taken, it loops;
 * unlinked, the next jcc sees the same flags and leaves. Before, the test and an
 * unconditional jmp followed a jcc out of the loop: a taken jump more per iteration, and
 * the test on a loop by a jal. Measured: tests/bench's matrix phase alone, CPU seconds,
 * medians of 9 alternating runs, 0.216 -> 0.215 s (no gain above the noise of a loaded host;
 * kept as the simpler layout).
 */
static void gen_loop_jump(JitCtx *c)
{
    X86Buf *b = c->b;

    x86_align(b, 4, 1);
    jit_set_jmp(c->tb, 0, x86_jmp(b, c->loop_entry));
    jit_write_back(b, &c->regs);
    x86_jmp(b, jit_stubs.exit_plain);
}

static void gen_loop_branch(JitCtx *c, X86Cond cc)
{
    X86Buf *b = c->b;

    x86_align(b, 4, 2);
    jit_set_jmp(c->tb, 0, x86_jcc(b, cc, c->loop_entry));
    cold_add(c, COLD_LOOP_EXIT, x86_jcc(b, cc, NULL), 0);
    jit_write_back(b, &c->regs);
    gen_exit(c, 1, c->tb->size);
}

static void gen_branch(JitCtx *c, X86Cond cc)
{
    const InsnRecord *r = c->r;
    uint8_t *taken;

    gen_compare(c);
    if (r->aux) { /* a side exit (translate.c): out of line, the registers stay cached */
        cold_add(c, COLD_SIDE_EXIT, x86_jcc(c->b, cc, NULL), 0);
        return;
    }
    add_instret(c, c->tb->n_insns); /* lea: keeps the flags */
    if (c->loop && r->pcoff + r->imm == 0) {
        gen_loop_branch(c, cc);
        return;
    }
    jit_write_back(c->b, &c->regs);
    taken = x86_jcc(c->b, cc, NULL);
    gen_exit(c, 1, c->tb->size);
    if (taken) {
        x86_patch_rel32(taken, c->b->p);
    }
    gen_exit(c, 0, (int64_t)r->pcoff + r->imm);
}

static void gen_jal(JitCtx *c)
{
    if (c->loop && c->r->rd == 0 && c->r->pcoff + c->r->imm == 0) {
        add_instret(c, c->tb->n_insns);
        gen_loop_jump(c);
        return;
    }
    if (c->r->rd) {
        x86_lea(c->b, X86_RAX, x86_mem(JIT_PC, c->tb->size));
        jit_st(c, c->r->rd, X86_RAX);
    }
    jit_write_back(c->b, &c->regs);
    add_instret(c, c->tb->n_insns);
    gen_exit(c, 0, (int64_t)c->r->pcoff + c->r->imm);
}

static void gen_jalr(JitCtx *c)
{
    X86Buf *b = c->b;

    if (c->r->rs1 == 0) {
        x86_mov_ri(b, X86_RAX, (uint64_t)(int64_t)c->r->imm);
    } else {
        x86_lea(b, X86_RAX, x86_mem(jit_rs(c, c->r->rs1), c->r->imm));
    }
    x86_alu_ri(b, X86_AND, true, X86_RAX, -2);
    if (c->r->rd) { /* after reading rs1, which may be rd */
        x86_lea(b, X86_RCX, x86_mem(JIT_PC, c->tb->size));
        jit_st(c, c->r->rd, X86_RCX);
    }
    jit_write_back(b, &c->regs);
    x86_mov_rr(b, true, JIT_PC, X86_RAX);
    add_instret(c, c->tb->n_insns);
    x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0);
    x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    x86_jmp(b, jit_stubs.lookup);
}

/* Hand records idx.. to the interpreter: r12/r13 at record idx, then exit with the tail. */
static void gen_tail(JitCtx *c, const RegCache *regs, int idx, TranslationBlock *tail)
{
    X86Buf *b = c->b;

    jit_write_back(b, regs);
    if (c->tb->insns[idx].pcoff) {
        x86_alu_ri(b, X86_ADD, true, JIT_PC, c->tb->insns[idx].pcoff);
    }
    if (idx) {
        add_instret(c, idx);
    }
    x86_mov_ri(b, X86_RAX, jit_exit_code(tail, JIT_EXIT_TAIL, 0));
    x86_jmp(b, jit_stubs.exit_store);
}

/* A call to a C helper(cpu, record[, raw]) that returns nonzero when it trapped. */
static void gen_helper_call(JitCtx *c, const void *fn)
{
    X86Buf *b = c->b;

    jit_flush_regs(c); /* the helper reads and writes env->gpr */
    c->fp_guard_held = false;
    x86_mov_rr(b, true, X86_RDI, JIT_CPU);
    jit_emit_rec_args(b, c->r);
    x86_mov_ri(b, X86_RCX, riscv_tb_insn_bits(c->tb, c->idx));
    x86_call(b, fn);
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    jit_branch_to_raise(c, X86_CC_NE);
}

/* Memory, control flow and system records. Returns false if not translated. */
static bool gen_int(JitCtx *c, int op)
{
    static const X86Cond br[] = {X86_CC_E, X86_CC_NE, X86_CC_L, X86_CC_GE, X86_CC_B, X86_CC_AE};

    switch (op) {
    case OP_BEQ ... OP_BGEU:
        gen_branch(c, br[op - OP_BEQ]);
        c->ended = !c->r->aux;
        return true;
    case OP_JAL:
        gen_jal(c);
        c->ended = true;
        return true;
    case OP_JALR:
        gen_jalr(c);
        c->ended = true;
        return true;
    case OP_LB ... OP_LWU: {
        static const uint8_t size[] = {1, 2, 4, 8, 1, 2, 4};
        gen_load(c, size[op - OP_LB], op <= OP_LD);
        return true;
    }
    case OP_SB ... OP_SD:
        gen_store(c, 1 << (op - OP_SB));
        return true;
    case OP_NOP:
        return true;
    case OP_FENCE:
        /* imm: a host barrier is needed (translate.c); x86 keeps every other order */
        if (c->r->imm) {
            jit_flush_regs(c);
            x86_call(c->b, riscv_helper_fence);
        }
        return true;
    case OP_CSRRW ... OP_CSRRCI:
        c->fp_guard_held = false; /* a write of frm/fflags (it ends the block today) */
        return jit_gen_fcsr(c, op);
    case OP_FLW:
    case OP_FLD:
        gen_fp_load(c, op == OP_FLW ? 4 : 8);
        return true;
    case OP_FSW:
    case OP_FSD:
        gen_fp_store(c, op == OP_FSW ? 4 : 8);
        return true;
    case OP_VSETVL ... OP_VARITH:
        if (!jit_gen_vector(c, op)) {
            gen_helper_call(c, jit_helper_vector);
        }
        return true;
    default:
        if (riscv_op_kind(op) == OPK_AMO) {
            gen_helper_call(c, jit_helper_amo);
            return true;
        }
        if (riscv_op_kind(op) == OPK_FP) {
            if (!jit_gen_fp(c, op)) {
                gen_helper_call(c, jit_helper_fp);
            }
            return true;
        }
        return false;
    }
}

/* A cold path that runs record r through a C helper(cpu, record args, insn bits), taking
 * the trap it reports; the cached registers are written back before and reloaded after. */
static void gen_cold_helper(JitCtx *c, JitCold *k, const InsnRecord *r, const void *fn)
{
    X86Buf *b = c->b;

    jit_write_back(b, &k->regs);
    x86_mov_rr(b, true, X86_RDI, JIT_CPU);
    jit_emit_rec_args(b, r);
    x86_mov_ri(b, X86_RCX, riscv_tb_insn_bits(c->tb, k->idx));
    x86_call(b, fn);
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    jit_branch_to_raise(c, X86_CC_NE);
    jit_reload(b, &k->regs);
}

static TranslationBlock *make_tail(TranslationBlock *tb, int idx);

/* A load outside its site's page range (rsi = va): the shared stub takes its page in; still
 * outside, the load's COLD_LOAD stub (the cold entry added right after k) does it. A store's
 * (COLD_STORE_HINT, rsi = va - lo) the same with its own ranges and stub. */
static void gen_cold_hint(JitCtx *c, JitCold *k)
{
    X86Buf *b = c->b;
    bool store = k->kind == COLD_STORE_HINT;
    int32_t lo = store ? store_hint_off(c, k->idx, offsetof(JitLoadHints, lo))
                       : hint_off(c, k->idx, offsetof(JitLoadHints, lo));

    if (store || (k->memop & COLD_MO_VA_OFF)) { /* rsi = va - lo: va again */
        x86_alu_rm(b, X86_ADD, true, X86_RSI, x86_mem(JIT_DTLB, lo));
    }
    x86_mov_ri(b, X86_RAX, (uint32_t)lo);
    /* lim for 8 bytes whatever this site's size: sites share slots (hint_slot hashes pcs), and
     * a lim set by a byte load let an ld sharing its slot read past the range (and past the
     * end of RAM: test_load_range_shared_slot) */
    x86_mov_ri(b, X86_RDX, 7);
    /* a rel32 call within the arena: rax survives */
    x86_call(b, store ? jit_stubs.hint_miss_store : jit_stubs.hint_miss);
    k[1].branch = x86_jcc(b, X86_CC_AE, NULL);
    x86_jmp(b, k->resume);
}

/* A store outside its site's range after hint_miss_store (rsi = va): the value from its
 * cached register (k->regs is the cache at the store) to rdx, then the slow path. */
static void gen_cold_store_val(JitCtx *c, JitCold *k, const InsnRecord *r)
{
    X86Buf *b = c->b;

    jit_write_back(b, &k->regs);
    if (r->rs2) {
        x86_mov_rr(b, true, X86_RDX, jit_cached_reg(&k->regs, r->rs2));
    } else {
        x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
    }
    x86_mov_rr(b, true, X86_RDI, JIT_CPU);
    x86_mov_ri(b, X86_RCX, k->memop);
    x86_call(b, jit_helper_store);
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    jit_branch_to_raise(c, X86_CC_NE);
    jit_reload(b, &k->regs);
    x86_jmp(b, k->resume);
}

static void gen_cold(JitCtx *c, JitCold *k)
{
    X86Buf *b = c->b;
    const InsnRecord *r = &c->tb->insns[k->idx];

    x86_patch_rel32(k->branch, b->p);
    if (k->branch2) {
        x86_patch_rel32(k->branch2, b->p);
    }
    c->idx = k->idx;
    switch (k->kind) {
    case COLD_LOAD: /* rsi = va */
        jit_write_back(b, &k->regs);
        x86_mov_rr(b, true, X86_RDI, JIT_CPU);
        x86_mov_ri(b, X86_RDX, k->memop & ~COLD_MO_XMM0);
        x86_call(b, jit_helper_load);
        x86_test_rr(b, true, X86_RDX, X86_RDX);
        jit_branch_to_raise(c, X86_CC_NE);
        jit_reload(b, &k->regs);
        if (k->memop & COLD_MO_XMM0) {
            x86_movq_xr(b, 0, X86_RAX);
        }
        x86_jmp(b, k->resume);
        break;
    case COLD_STORE: /* rsi = va, rdx = value */
        jit_write_back(b, &k->regs);
        x86_mov_rr(b, true, X86_RDI, JIT_CPU);
        x86_mov_ri(b, X86_RCX, k->memop);
        x86_call(b, jit_helper_store);
        x86_test_rr(b, true, X86_RAX, X86_RAX);
        jit_branch_to_raise(c, X86_CC_NE);
        jit_reload(b, &k->regs);
        x86_jmp(b, k->resume);
        break;
    case COLD_HINT:
    case COLD_STORE_HINT:
        gen_cold_hint(c, k);
        break;
    case COLD_STORE_VAL:
        gen_cold_store_val(c, k, r);
        break;
    case COLD_PLAIN: /* rsi = va; k[1] is the site's COLD_HINT, k[2] its COLD_LOAD */
        k[2].branch2 = jit_emit_tlb_addend(b, k->memop & 0xf, offsetof(CPUTLBEntry, addr_read));
        x86_jmp(b, k->resume);
        break;
    case COLD_FS_DIRTY:
        jit_write_back(b, &k->regs);
        x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
        x86_call(b, riscv_mark_fs_dirty);
        jit_reload(b, &k->regs);
        x86_jmp(b, k->resume);
        break;
    case COLD_FP: /* the record through the generic helper; rax = its result */
        gen_cold_helper(c, k, r, jit_helper_fp);
        if (k->memop) {
            x86_mov_rm(b, true, X86_RAX, JIT_GPR(r->rd));
        } else {
            x86_sse_rm(b, X86_MOVSD_LOAD, 0, JIT_FPR(r->rd));
        }
        x86_jmp(b, k->resume);
        break;
    case COLD_VEC: /* an inline V path's guard failed: the record through its helper */
        gen_cold_helper(c, k, r, jit_helper_vector);
        x86_jmp(b, k->resume);
        break;
    case COLD_TAIL: { /* an FP guard failed: the interpreter runs the records from idx */
        TranslationBlock *tail = make_tail(c->tb, k->idx);
        if (!tail) {
            b->overflow = true;
            break;
        }
        gen_tail(c, &k->regs, k->idx, tail);
        break;
    }
    case COLD_LOOP_EXIT: /* loop mode: exit_request, or an unlinked back edge (at the start) */
        jit_write_back(b, &k->regs);
        x86_jmp(b, jit_stubs.exit_plain);
        break;
    case COLD_SIDE_EXIT: /* a taken mid-block branch: the records up to it retired */
        jit_write_back(b, &k->regs);
        add_instret(c, k->idx + 1);
        gen_exit(c, r->aux, (int64_t)r->pcoff + r->imm);
        break;
    case COLD_ILLEGAL: /* the raise stub takes the trap from cpu->tlb */
        jit_write_back(b, &k->regs);
        x86_mov_ri(b, X86_RAX, RISCV_EXCP_ILLEGAL_INST);
        x86_mov_mr(b, false, x86_mem(JIT_CPU, offsetof(RISCVCPU, tlb.jit_exc)), X86_RAX);
        x86_mov_ri(b, X86_RAX, riscv_tb_insn_bits(c->tb, k->idx));
        x86_mov_mr(b, true, x86_mem(JIT_CPU, offsetof(RISCVCPU, tlb.jit_tval)), X86_RAX);
        /* fall through */
    default: /* trap at record idx: pc and instret of that record */
        if (r->pcoff) {
            x86_alu_ri(b, X86_ADD, true, JIT_PC, r->pcoff);
        }
        if (k->idx) {
            add_instret(c, k->idx);
        }
        x86_jmp(b, jit_stubs.raise);
        break;
    }
}

/* A copy of records idx.. of tb as an uncached block for the interpreter. */
static TranslationBlock *make_tail(TranslationBlock *tb, int idx)
{
    int n = tb->n_insns - idx;
    unsigned off = tb->insns[idx].pcoff;
    TranslationBlock *t = tb_alloc(n, tb->size - off);

    if (!t) {
        return NULL;
    }
    memset(t, 0, sizeof(*t));
    t->pc = tb->pc + off;
    t->phys_pc = tb->phys_pc + off;
    t->size = tb->size - off;
    t->n_insns = n;
    t->flags = TB_UNCACHED;
    for (int i = 0; i <= n; i++) { /* with the end record */
        t->insns[i] = tb->insns[idx + i];
        t->insns[i].pcoff -= i < n ? off : 0;
    }
    memcpy(tb_code(t), tb_code(tb) + off, t->size);
    return t;
}

static bool gen_record(JitCtx *c)
{
    int op = c->r->op;

    if (op == RISCV_OP_END) { /* end record: fall through to the next block */
        jit_write_back(c->b, &c->regs);
        add_instret(c, c->tb->n_insns);
        gen_exit(c, 1, c->tb->size);
        return true;
    }
    if (riscv_op_kind(op) == OPK_ALU) {
        return jit_gen_alu(c, op);
    }
    return gen_int(c, op);
}

/*
 * Loop mode: the FS checks and the FP guard once before the loop entry, not in every
 * iteration. A block whose records write f registers needs FS = Dirty there, one that only
 * reads them FS != Off; when that fails the interpreter runs the block (it raises or marks FS
 * Dirty at the exact record; Linux leaves FS Clean after a context switch, so that is one
 * interpreted pass). The guard goes there if a record with the dynamic rounding mode may use
 * it and no record can write frm or fflags (an fcsr write inside the loop would leave it stale
 * at the back edge). Measured: matmul's inner loop of fpmix (two loads, fmul, fadd) ran two
 * guards and two FS checks of four instructions each per iteration.
 */
static void fp_loop_preamble(JitCtx *c)
{
    bool fp = false, writes = false, dyn = false, csr = false;
    X86Buf *b = c->b;

    for (int i = 0; i < c->tb->n_insns; i++) {
        const InsnRecord *r = &c->tb->insns[i];
        int f[4];
        jit_fp_operands(r, f);
        csr |= r->op >= OP_CSRRW && r->op <= OP_CSRRCI;
        fp |= riscv_op_kind(r->op) == OPK_FP || f[0] >= 0 || f[2] >= 0;
        writes |= f[0] >= 0;
        dyn |= riscv_op_kind(r->op) == OPK_FP && r->aux == RISCV_RM_DYN;
    }
    if (!fp || csr) {
        return;
    }
    c->idx = 0;
    c->r = &c->tb->insns[0];
    x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(mstatus)));
    x86_alu_ri(b, X86_AND, false, X86_RAX, MSTATUS_FS);
    if (writes) {
        x86_alu_ri(b, X86_CMP, false, X86_RAX, MSTATUS_FS);
    }
    cold_add(c, COLD_TAIL, x86_jcc(b, writes ? X86_CC_NE : X86_CC_E, NULL), 0);
    c->fs_checked = true;
    c->fs_dirty = writes;
    if (dyn) {
        jit_fp_guard_rne_nx(c);
    }
}

static void translate_records(JitCtx *c, bool loop)
{
    RegCache pre;

    c->n_cold = 0;
    c->ended = false;
    c->fs_checked = c->fs_dirty = false;
    c->fp_guard_held = false;
    c->loop = loop && jit_loop_regs(c->tb, &pre);
    c->loop_failed = false;
    jit_regcache_clear(&c->regs);
    if (c->loop) {
        jit_reload(c->b, &pre);
        c->regs = pre;
        fp_loop_preamble(c);
        c->loop_entry = c->b->p;
        c->idx = 0;
        x86_cmp_mi8(c->b, JIT_CPUSTATE_FIELD(exit_request), 0);
        cold_add(c, COLD_LOOP_EXIT, x86_jcc(c->b, X86_CC_NE, NULL), 0);
    }
    c->sext32 = 0;
    for (c->idx = 0; c->idx <= c->tb->n_insns && !c->ended; c->idx++) {
        c->r = &c->tb->insns[c->idx];
        c->sext32_in = c->sext32;
        c->sext32 &= ~(1u << c->r->rd);
        if (c->n_cold > JIT_MAX_COLD - JIT_COLD_PER_REC || !gen_record(c)) {
            c->loop_failed |= c->loop;
            break;
        }
    }
}

bool riscv_jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done)
{
    static __thread JitCtx ctx;
    JitCtx *c = &ctx;

    c->b = b;
    c->tb = tb;
    c->low32 = jit_low32_results(tb);
    translate_records(c, true);
    if (c->loop_failed) {
        b->p = b->start;
        memset(tb->jit_jmp, 0, sizeof(tb->jit_jmp));
        translate_records(c, false);
    }
    *n_done = c->idx;
    if (c->idx == 0) {
        return false;
    }
    if (!c->ended && c->idx <= tb->n_insns) {
        TranslationBlock *tail = make_tail(tb, c->idx);
        if (!tail) {
            b->overflow = true;
            return true;
        }
        tb->jit_tail = tail;
        gen_tail(c, &c->regs, c->idx, tail);
    }
    for (int i = 0; i < c->n_cold && !b->overflow; i++) {
        gen_cold(c, &c->cold[i]);
    }
    return true;
}
