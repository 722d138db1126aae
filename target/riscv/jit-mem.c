/*
 * The RISC-V JIT's loads and stores (jit-translate.c calls them for the records of the
 * integer and F/D loads and stores): the virtual address, the probe (the TLB table, or the
 * site's page range: CPUTLB.jit_hint), the access from the host address, and the cold stubs
 * of the misses. Semantics as in target/riscv/exec.c; the slow paths are jit_helper_load and
 * jit_helper_store (jit-helper.c).
 */
#include <assert.h>

#include "jit-internal.h"

static JitCold *tlb_probe(JitCtx *c, int kind, unsigned memop, int32_t tag_off)
{
    /* the cold stub resumes with the registers of the branch: the add changes none */
    JitCold *k = jit_cold_add(c, kind, NULL, memop);

    k->branch = jit_emit_tlb_probe(c->b, memop & 0xf, tag_off);
    return k;
}

uint8_t *jit_vec_tlb_probe(JitCtx *c, unsigned size, bool store)
{
    return jit_emit_tlb_probe(
        c->b, size, store ? offsetof(CPUTLBEntry, addr_write) : offsetof(CPUTLBEntry, addr_read));
}

/* dst = base + imm: a mov when imm is 0, which the host renames away (a lea with no
 * displacement still takes an ALU port and a cycle; most sites address at offset 0) */
static void gen_base_plus(X86Buf *b, X86Reg dst, X86Reg base, int32_t imm)
{
    if (imm == 0) {
        x86_mov_rr(b, true, dst, base);
    } else {
        x86_lea(b, dst, x86_mem(base, imm));
    }
}

/* rsi = x[rs1] + imm, one lea (a mov and an add before: one instruction less on every
 * load and store) */
static void gen_va(JitCtx *c)
{
    if (c->r->rs1 == 0) {
        x86_mov_ri(c->b, X86_RSI, (uint64_t)(int64_t)c->r->imm);
    } else {
        gen_base_plus(c->b, X86_RSI, jit_rs(c, c->r->rs1), c->r->imm);
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
    return jit_cold_add(c, COLD_PLAIN, x86_jcc(c->b, X86_CC_AE, NULL), memop);
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
    h = jit_cold_add(c, COLD_HINT, x86_jcc(b, X86_CC_AE, NULL),
                     memop | (in_rsi ? COLD_MO_VA_OFF : 0));
    h->resume = b->p;
    if (p) {
        p->resume = b->p;
    }
    /* the slow path: its branch is emitted in h's stub, which gen_cold runs first */
    return jit_cold_add(c, COLD_LOAD, NULL, memop);
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

/*
 * The value goes straight to rd's cache register, allocated before the probe and left clean
 * until the load (jit_rd_clean), so a trap on the way keeps the old x[rd]; the slow path
 * (COLD_LOAD) moves its rax there. Before, every load went to rax and then a mov to rd.
 */
static void gen_load_one(JitCtx *c, unsigned size, bool sign)
{
    unsigned memop = size | (sign ? JIT_MO_SIGN : 0);
    int rd = c->r->rd;
    X86Reg d = X86_RAX;
    JitCold *k;
    X86Mem at;

    gen_va(c);
    if (rd) {
        d = jit_rd_clean(c, rd);
    }
    k = load_probe(c, memop, &at);
    x86_load(c->b, size, sign, d, at);
    k->resume = c->b->p;
    k->dst = rd ? (int8_t)d : -1;
    if (rd) {
        jit_mark_dirty(c, rd);
    }
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
    X86Reg base = jit_rs(c, r->rs1), val = r->rs2 ? jit_rs(c, r->rs2) : X86_NOREG;
    JitCold *h;

    gen_base_plus(b, X86_RSI, base, r->imm);
    x86_mov_rm(b, true, X86_RDX,
               x86_mem(JIT_DTLB, store_hint_off(c, c->idx, offsetof(JitLoadHints, addend))));
    x86_alu_rm(b, X86_SUB, true, X86_RSI,
               x86_mem(JIT_DTLB, store_hint_off(c, c->idx, offsetof(JitLoadHints, lo))));
    x86_alu_rm(b, X86_CMP, true, X86_RSI,
               x86_mem(JIT_DTLB, store_hint_off(c, c->idx, offsetof(JitLoadHints, lim))));
    h = jit_cold_add(c, COLD_STORE_HINT, x86_jcc(b, X86_CC_AE, NULL), size);
    h->resume = b->p;
    if (r->rs2) {
        x86_store(b, size, x86_mem_idx(base, X86_RDX, 1, r->imm), val);
    } else { /* an immediate: no register to zero first (sieve's inner loop stores x0) */
        x86_store_zero(b, size, x86_mem_idx(base, X86_RDX, 1, r->imm));
    }
    /* the slow path: its branch is emitted in h's stub, which gen_cold runs first */
    jit_cold_add(c, COLD_STORE_VAL, NULL, size)->resume = b->p;
}

/* The size and signedness of a load record (OP_LB .. OP_LWU). */
unsigned jit_load_size(int op, bool *sign)
{
    static const uint8_t size[] = {1, 2, 4, 8, 1, 2, 4};

    *sign = op <= OP_LD;
    return size[op - OP_LB];
}

/* A member of a run after its first record: a load or store (as the first) through the same
 * base register; a load must write a register other than x0 and the base. */
static bool run_member(const InsnRecord *first, const InsnRecord *r)
{
    if (r->rs1 != first->rs1) {
        return false;
    }
    if (first->op >= OP_SB && first->op <= OP_SD) {
        return r->op >= OP_SB && r->op <= OP_SD;
    }
    return r->op >= OP_LB && r->op <= OP_LWU && r->rd && r->rd != r->rs1;
}

/* The records from the current one on in its run, up to what the cold stubs left for the
 * block allow (a load or store adds at most three). */
static int mem_run(JitCtx *c)
{
    const TranslationBlock *tb = c->tb;
    int n = 1, room = (JIT_MAX_COLD - JIT_COLD_PER_REC - c->n_cold) / 3 - 1;

    if (c->r->op >= OP_LB && c->r->op <= OP_LWU && (!c->r->rd || c->r->rd == c->r->rs1)) {
        return 1;
    }
    while (c->idx + n < tb->n_insns && n < room && run_member(c->r, &tb->insns[c->idx + n])) {
        n++;
    }
    return n;
}

/* Make record i the current one (a run's member), as translate_records does. */
static void set_record(JitCtx *c, int i)
{
    c->idx = i;
    c->r = &c->tb->insns[i];
    c->rec_clock = c->clock;
    c->sext32_in = c->sext32;
    c->sext32 &= ~(1u << c->r->rd);
}

/* The fast path of a run's member: x[rs1] + imm + rdx (the addend) is its host address. The
 * cache calls are those of gen_store_range and gen_load_one, in their order. */
static void gen_run_member_fast(JitCtx *c)
{
    const InsnRecord *r = c->r;
    X86Reg base = jit_rs(c, r->rs1), val;
    unsigned size;
    bool sign;

    if (r->op >= OP_SB && r->op <= OP_SD) {
        size = 1 << (r->op - OP_SB);
        val = r->rs2 ? jit_rs(c, r->rs2) : X86_NOREG;
        if (r->rs2) {
            x86_store(c->b, size, x86_mem_idx(base, X86_RDX, 1, r->imm), val);
        } else {
            x86_store_zero(c->b, size, x86_mem_idx(base, X86_RDX, 1, r->imm));
        }
        return;
    }
    size = jit_load_size(r->op, &sign);
    val = jit_rd_clean(c, r->rd);
    x86_load(c->b, size, sign, val, x86_mem_idx(jit_rs(c, r->rs1), X86_RDX, 1, r->imm));
    jit_mark_dirty(c, r->rd);
    if (size < 4 || (size == 4 && sign)) {
        jit_note_sext32(c);
    }
}

/* A run's member alone, as a record outside a run. */
static void gen_run_member_slow(JitCtx *c)
{
    bool sign;

    if (c->r->op >= OP_SB && c->r->op <= OP_SD) {
        gen_store_range(c, 1 << (c->r->op - OP_SB));
    } else {
        unsigned size = jit_load_size(c->r->op, &sign);
        gen_load_one(c, size, sign);
    }
}

/* The first record's range (a load's or a store's) holds x[rs1] + [lo_imm, hi_imm + 8):
 * rdx = its addend; else the returned jccs are taken. */
static void gen_run_check(JitCtx *c, int32_t lo_imm, int32_t hi_imm, uint8_t *slow[2])
{
    X86Buf *b = c->b;
    bool st = c->r->op >= OP_SB && c->r->op <= OP_SD;
    int32_t (*off)(JitCtx *, int, size_t) = st ? store_hint_off : hint_off;

    gen_base_plus(b, X86_RSI, jit_rs(c, c->r->rs1), hi_imm);
    x86_alu_rm(b, X86_SUB, true, X86_RSI,
               x86_mem(JIT_DTLB, off(c, c->idx, offsetof(JitLoadHints, lo))));
    x86_alu_rm(b, X86_CMP, true, X86_RSI,
               x86_mem(JIT_DTLB, off(c, c->idx, offsetof(JitLoadHints, lim))));
    slow[0] = x86_jcc(b, X86_CC_AE, NULL);
    x86_alu_ri(b, X86_CMP, true, X86_RSI, hi_imm - lo_imm); /* x[rs1] + lo_imm below lo */
    slow[1] = x86_jcc(b, X86_CC_B, NULL);
    x86_mov_rm(b, true, X86_RDX, x86_mem(JIT_DTLB, off(c, c->idx, offsetof(JitLoadHints, addend))));
}

/*
 * A run of n loads or n stores through one base register (a prologue spilling registers to
 * the stack, an epilogue restoring them): one range test for all of them, with the first
 * record's range (from x[rs1] + the least imm to the greatest imm + 8 inside [lo, hi)), then
 * the accesses with its addend. Otherwise each access with its own range, as outside a run,
 * so a trap is taken at its record. Both paths make the same register-cache calls in the
 * same order, so they end with the same cache (checked). Measured: tests/bench's calls phase
 * alone (fib's frames: 13 sd, then 13 ld), CPU ms, least of 7 alternating runs, 48.3 -> 36.4.
 * Only where data is linear (as the store ranges): a user site takes the table when its slot
 * thrashes, which a run's shared test would skip.
 */
static void gen_mem_run(JitCtx *c, int n)
{
    X86Buf *b = c->b;
    int first = c->idx;
    int32_t lo_imm = c->r->imm, hi_imm = c->r->imm;
    unsigned last_use[JIT_NCACHE], clock, rec_clock = c->rec_clock;
    uint32_t sext32 = c->sext32, sext32_in = c->sext32_in;
    RegCache regs, fast_regs;
    uint8_t *slow[2], *done;

    for (int i = first + 1; i < first + n; i++) {
        lo_imm = MIN(lo_imm, (int32_t)c->tb->insns[i].imm);
        hi_imm = MAX(hi_imm, (int32_t)c->tb->insns[i].imm);
    }
    gen_run_check(c, lo_imm, hi_imm, slow);
    regs = c->regs, clock = c->clock;
    memcpy(last_use, c->last_use, sizeof(last_use));
    for (int i = first; i < first + n; i++) {
        if (i > first) {
            set_record(c, i);
        }
        gen_run_member_fast(c);
    }
    fast_regs = c->regs;
    done = x86_jmp(b, NULL);
    for (int i = 0; i < 2; i++) {
        if (slow[i]) {
            x86_patch_rel32(slow[i], b->p);
        }
    }
    c->regs = regs, c->clock = clock, c->sext32 = sext32, c->sext32_in = sext32_in;
    memcpy(c->last_use, last_use, sizeof(last_use));
    c->idx = first, c->r = &c->tb->insns[first], c->rec_clock = rec_clock;
    for (int i = first; i < first + n; i++) {
        if (i > first) {
            set_record(c, i);
        }
        gen_run_member_slow(c);
    }
    if (done) {
        x86_patch_rel32(done, b->p);
    }
    assert(!memcmp(&fast_regs, &c->regs, sizeof(regs)));
}

void jit_gen_load(JitCtx *c, unsigned size, bool sign)
{
    int n = linear_data(c) && c->r->rs1 ? mem_run(c) : 1;

    if (n > 1) {
        gen_mem_run(c, n);
    } else {
        gen_load_one(c, size, sign);
    }
}

void jit_gen_store(JitCtx *c, unsigned size)
{
    JitCold *k;
    int n;

    if (store_ranges(c)) {
        n = mem_run(c);
        if (n > 1) {
            gen_mem_run(c, n);
        } else {
            gen_store_range(c, size);
        }
        return;
    }
    gen_va(c);
    jit_ld(c, X86_RDX, c->r->rs2);
    k = tlb_probe(c, COLD_STORE, size, offsetof(CPUTLBEntry, addr_write));
    x86_store(c->b, size, x86_mem(X86_RSI, 0), X86_RDX);
    k->resume = c->b->p;
}

/*
 * FLW/FLD with the inline TLB probe of integer loads (they took the slow path through a
 * C helper on every access: 26% of an FP workload's time in tlb_load_slow). The result
 * goes to f[rd] (NaN-boxed for FLW, riscv_fp_load_done), then FS is marked dirty unless
 * it is already (a cold call to riscv_mark_fs_dirty, as helper.h does it).
 */
void jit_gen_fp_load(JitCtx *c, unsigned size)
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
void jit_gen_fp_store(JitCtx *c, unsigned size)
{
    JitCold *k;

    jit_fp_check(c);
    gen_va(c);
    x86_movq_rx(c->b, X86_RDX, jit_frs(c, c->r->rs2));
    k = tlb_probe(c, COLD_STORE, size, offsetof(CPUTLBEntry, addr_write));
    x86_store(c->b, size, x86_mem(X86_RSI, 0), X86_RDX);
    k->resume = c->b->p;
}

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

/* A store's slow path (rsi = va, rdx = the value; the cache written back): jit_helper_store,
 * a trap if it reports one, else back to the fast path's end. */
static void gen_cold_store(JitCtx *c, JitCold *k)
{
    X86Buf *b = c->b;

    jit_emit_cpu_ptr(b, X86_RDI);
    x86_mov_ri(b, X86_RCX, k->memop);
    x86_call(b, jit_helper_store);
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    jit_branch_to_raise(c, X86_CC_NE);
    jit_reload(b, &k->regs);
    x86_jmp(b, k->resume);
}

/* A store outside its site's range after hint_miss_store (rsi = va): the value from its
 * cached register (k->regs is the cache at the store) to rdx, then the slow path. */
static void gen_cold_store_val(JitCtx *c, JitCold *k)
{
    const InsnRecord *r = &c->tb->insns[k->idx];

    jit_write_back(c->b, &k->regs);
    if (r->rs2) {
        x86_mov_rr(c->b, true, X86_RDX, jit_cached_reg(&k->regs, r->rs2));
    } else {
        x86_alu_rr(c->b, X86_XOR, false, X86_RDX, X86_RDX);
    }
    gen_cold_store(c, k);
}

/* The cold stubs of loads and stores (JitCold kinds COLD_LOAD .. COLD_STORE_VAL). */
void jit_gen_cold_mem(JitCtx *c, JitCold *k)
{
    X86Buf *b = c->b;

    switch (k->kind) {
    case COLD_LOAD: /* rsi = va */
        jit_write_back(b, &k->regs);
        jit_emit_cpu_ptr(b, X86_RDI);
        x86_mov_ri(b, X86_RDX, k->memop & ~COLD_MO_XMM0);
        x86_call(b, jit_helper_load);
        x86_test_rr(b, true, X86_RDX, X86_RDX);
        jit_branch_to_raise(c, X86_CC_NE);
        jit_reload(b, &k->regs);
        if (k->memop & COLD_MO_XMM0) {
            x86_movq_xr(b, 0, X86_RAX);
        } else if (k->dst >= 0) {
            x86_mov_rr(b, true, (X86Reg)k->dst, X86_RAX);
        }
        x86_jmp(b, k->resume);
        break;
    case COLD_STORE: /* rsi = va, rdx = value */
        jit_write_back(b, &k->regs);
        gen_cold_store(c, k);
        break;
    case COLD_HINT:
    case COLD_STORE_HINT:
        gen_cold_hint(c, k);
        break;
    case COLD_STORE_VAL:
        gen_cold_store_val(c, k);
        break;
    case COLD_PLAIN: /* rsi = va; k[1] is the site's COLD_HINT, k[2] its COLD_LOAD */
        k[2].branch2 = jit_emit_tlb_addend(b, k->memop & 0xf, offsetof(CPUTLBEntry, addr_read));
        x86_jmp(b, k->resume);
        break;
    }
}
