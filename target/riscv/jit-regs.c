/*
 * Where the RISC-V JIT keeps guest registers within a block (jit-internal.h): the x and f
 * register caches, and loop mode's choice of registers held across a loop's back edge.
 */
#include <limits.h>

#include "jit-internal.h"

_Static_assert(JIT_NCACHE == JIT_LOOP_REGS, "riscv_jit_loop_regs reports every slot");
static const X86Reg cache_regs[JIT_NCACHE] = {X86_RDI, X86_R8,  X86_R9, X86_R10,
                                              X86_R11, X86_R15, X86_RBX};

void jit_regcache_clear(RegCache *rc)
{
    memset(rc->guest, -1, sizeof(rc->guest));
    memset(rc->fguest, -1, sizeof(rc->fguest));
    rc->dirty = 0;
    rc->fdirty = 0;
}

X86Reg jit_cached_reg(const RegCache *rc, int g)
{
    int i = 0;

    while (i < JIT_NCACHE - 1 && rc->guest[i] != g) {
        i++;
    }
    return cache_regs[i];
}

void jit_write_back(X86Buf *b, const RegCache *rc)
{
    for (int i = 0; i < JIT_NCACHE; i++) {
        if (rc->dirty & (1 << i)) {
            x86_mov_mr(b, true, JIT_GPR(rc->guest[i]), cache_regs[i]);
        }
    }
    for (int i = 0; i < JIT_NFCACHE; i++) {
        if (rc->fdirty & (1 << i)) {
            x86_sse_rm(b, X86_MOVSD_STORE, JIT_FCACHE_XMM + i, JIT_FPR(rc->fguest[i]));
        }
    }
}

void jit_reload(X86Buf *b, const RegCache *rc)
{
    for (int i = 0; i < JIT_NCACHE; i++) {
        if (rc->guest[i] >= 0) {
            x86_mov_rm(b, true, cache_regs[i], JIT_GPR(rc->guest[i]));
        }
    }
    for (int i = 0; i < JIT_NFCACHE; i++) {
        if (rc->fguest[i] >= 0) {
            x86_sse_rm(b, X86_MOVSD_LOAD, JIT_FCACHE_XMM + i, JIT_FPR(rc->fguest[i]));
        }
    }
}

void jit_flush_regs(JitCtx *c)
{
    c->loop_failed |= c->loop;
    jit_write_back(c->b, &c->regs);
    jit_regcache_clear(&c->regs);
}

void jit_forget(JitCtx *c, int g)
{
    for (int i = 0; i < JIT_NCACHE; i++) {
        if (c->regs.guest[i] == g) {
            c->loop_failed |= c->loop;
            if (c->regs.dirty & (1 << i)) {
                x86_mov_mr(c->b, true, JIT_GPR(g), cache_regs[i]);
            }
            c->regs.guest[i] = -1;
            c->regs.dirty &= ~(1 << i);
        }
    }
}

static void int_operands(const InsnRecord *r, int x[3]);

/* How far ahead of the current record the block next reads x[g]: INT_MAX if it never does or
 * overwrites it first (its value is dead in the cache). */
static int next_read(const JitCtx *c, int g)
{
    for (int i = c->idx + 1; i < c->tb->n_insns; i++) {
        int x[3];
        int_operands(&c->tb->insns[i], x);
        if (x[1] == g || x[2] == g) {
            return i - c->idx;
        }
        if (x[0] == g) {
            break;
        }
    }
    return INT_MAX;
}

/*
 * The slot to evict for a new guest register: a free one, else the one read furthest ahead
 * (Belady's choice, the block being known), a clean one on a tie (no store). The registers
 * the current record (or a pair being fused) already touched stay. Before, the LRU choice
 * evicted registers read two records later in blocks that name more registers than the cache
 * holds (the partition loop of tests/bench's quicksort names 10): a store and a reload each.
 */
static int pick_victim(JitCtx *c)
{
    int victim = -1, best = -1;

    for (int i = 0; i < JIT_NCACHE; i++) {
        int d;
        if (c->regs.guest[i] < 0) {
            return i;
        }
        if (c->last_use[i] > c->rec_clock) {
            continue;
        }
        d = next_read(c, c->regs.guest[i]);
        if (d > best || (d == best && !(c->regs.dirty & (1 << i)))) {
            victim = i, best = d;
        }
    }
    if (victim < 0) { /* every slot in use by this record: the LRU */
        victim = 0;
        for (int i = 1; i < JIT_NCACHE; i++) {
            victim = c->last_use[i] < c->last_use[victim] ? i : victim;
        }
    }
    return victim;
}

/* The cache slot of guest g, allocated (and loaded if load) on a miss (pick_victim). */
static int cache_slot(JitCtx *c, int g, bool load)
{
    int victim;

    for (int i = 0; i < JIT_NCACHE; i++) {
        if (c->regs.guest[i] == g) {
            c->last_use[i] = ++c->clock;
            return i;
        }
    }
    victim = pick_victim(c);
    c->loop_failed |= c->loop;
    if (c->regs.dirty & (1 << victim)) {
        x86_mov_mr(c->b, true, JIT_GPR(c->regs.guest[victim]), cache_regs[victim]);
        c->regs.dirty &= ~(1 << victim);
    }
    c->regs.guest[victim] = g;
    c->last_use[victim] = ++c->clock;
    if (load) {
        x86_mov_rm(c->b, true, cache_regs[victim], JIT_GPR(g));
    }
    return victim;
}

/* The FP cache slot of f register g, as cache_slot. */
static int fcache_slot(JitCtx *c, int g, bool load)
{
    RegCache *rc = &c->regs;
    int victim = 0;

    for (int i = 0; i < JIT_NFCACHE; i++) {
        if (rc->fguest[i] == g) {
            c->flast_use[i] = ++c->clock;
            return i;
        }
        if (rc->fguest[victim] >= 0 &&
            (rc->fguest[i] < 0 || c->flast_use[i] < c->flast_use[victim])) {
            victim = i;
        }
    }
    c->loop_failed |= c->loop;
    if (rc->fdirty & (1 << victim)) {
        x86_sse_rm(c->b, X86_MOVSD_STORE, JIT_FCACHE_XMM + victim, JIT_FPR(rc->fguest[victim]));
        rc->fdirty &= ~(1 << victim);
    }
    rc->fguest[victim] = g;
    c->flast_use[victim] = ++c->clock;
    if (load) {
        x86_sse_rm(c->b, X86_MOVSD_LOAD, JIT_FCACHE_XMM + victim, JIT_FPR(g));
    }
    return victim;
}

int jit_frs(JitCtx *c, int g)
{
    return JIT_FCACHE_XMM + fcache_slot(c, g, true);
}

int jit_frd(JitCtx *c, int g)
{
    int i = fcache_slot(c, g, false);

    c->regs.fdirty |= 1 << i;
    return JIT_FCACHE_XMM + i;
}

X86Reg jit_rs(JitCtx *c, int g)
{
    return cache_regs[cache_slot(c, g, true)];
}

void jit_ld(JitCtx *c, X86Reg h, int g)
{
    if (g == 0) {
        x86_mov_ri(c->b, h, 0);
    } else {
        x86_mov_rr(c->b, true, h, jit_rs(c, g));
    }
}

X86Reg jit_rd(JitCtx *c, int g)
{
    int i = cache_slot(c, g, false);

    c->regs.dirty |= 1 << i;
    return cache_regs[i];
}

X86Reg jit_rd_clean(JitCtx *c, int g)
{
    return cache_regs[cache_slot(c, g, false)];
}

void jit_mark_dirty(JitCtx *c, int g)
{
    for (int i = 0; i < JIT_NCACHE; i++) {
        if (c->regs.guest[i] == g) {
            c->regs.dirty |= 1 << i;
        }
    }
}

void jit_st(JitCtx *c, int g, X86Reg h)
{
    if (g != 0) {
        int i = cache_slot(c, g, false);
        x86_mov_rr(c->b, true, cache_regs[i], h);
        c->regs.dirty |= 1 << i;
    }
}

/*
 * The x registers a record names, {rd (written), rs1, rs2}, 0 where a field is not one: a V
 * record's fields are mostly vector registers (or immediates), told apart by its bits in
 * imm (V 1.0, chapter 10): vsetivli's rs1 is the AVL and vset{i}vli's rs2 part of vtype;
 * a load/store's vd/vs3 is a vector and its rs2 an x register only as the stride; an
 * arithmetic record reads x[rs1] in OPIVX/OPMVX and writes x[rd] only in OPMVV's
 * VWXUNARY0 (vmv.x.s, vcpop.m, vfirst.m). An FP record names x registers only where
 * riscv_fp_x_operands says (comparisons, fclass, conversions and moves); an FP load's rd and an
 * FP store's rs2 are f registers. Counting f fields would only waste slots, but enough of them
 * refused loop mode to fpmix's inner loops.
 */
static void int_operands(const InsnRecord *r, int x[3])
{
    uint32_t insn = (uint32_t)r->imm;
    unsigned f3 = extract64(insn, 12, 3);

    x[0] = r->rd, x[1] = r->rs1, x[2] = r->rs2;
    if (riscv_op_kind(r->op) == OPK_FP) {
        bool rd_is_x, rs1_is_x;
        riscv_fp_x_operands(r->op, &rd_is_x, &rs1_is_x);
        x[0] = rd_is_x ? x[0] : 0;
        x[1] = rs1_is_x ? x[1] : 0;
        x[2] = 0;
        return;
    }
    switch (r->op) {
    case OP_FLW:
    case OP_FLD:
    case OP_FLH:
        x[0] = 0; /* f[rd] */
        break;
    case OP_FSW:
    case OP_FSD:
    case OP_FSH:
        x[2] = 0; /* f[rs2] */
        break;
    case OP_VSETVL:
        x[1] = extract64(insn, 30, 2) == 3 ? 0 : x[1];
        x[2] = extract64(insn, 30, 2) == 2 ? x[2] : 0;
        break;
    case OP_VLOAD:
    case OP_VSTORE:
        x[0] = 0;
        x[2] = extract64(insn, 26, 2) == 2 ? x[2] : 0;
        break;
    case OP_VARITH:
        x[0] = f3 == 2 && extract64(insn, 26, 6) == 0x10 ? x[0] : 0;
        x[1] = f3 == 4 || f3 == 6 ? x[1] : 0;
        x[2] = 0;
        break;
    default:
        break;
    }
}

/*
 * The f registers a record names, {rd (written), rs1, rs2, rs3}, -1 where a field is not one
 * (f0 is a register). A unary FP record's rs2 field reads as f0 here: one slot wasted at most.
 */
void jit_fp_operands(const InsnRecord *r, int f[4])
{
    bool rd_is_x, rs1_is_x;
    int op = r->op;

    f[0] = f[1] = f[2] = f[3] = -1;
    if (op == OP_FLW || op == OP_FLD || op == OP_FLH) {
        f[0] = r->rd;
    } else if (op == OP_FSW || op == OP_FSD || op == OP_FSH) {
        f[2] = r->rs2;
    } else if (riscv_op_kind(op) == OPK_FP) {
        riscv_fp_x_operands(op, &rd_is_x, &rs1_is_x);
        f[0] = rd_is_x ? -1 : r->rd;
        f[1] = rs1_is_x ? -1 : r->rs1;
        f[2] = r->rs2;
        f[3] = (op >= OP_FMADD_S && op <= OP_FNMADD_S) || (op >= OP_FMADD_D && op <= OP_FNMADD_D) ||
                       r->rs3
                   ? r->rs3
                   : -1;
    }
}

/* Loop mode's f registers: all those the block names (false if more than the cache holds). */
static bool loop_fregs(const TranslationBlock *tb, RegCache *rc)
{
    int n = 0;

    for (int i = 0; i < tb->n_insns; i++) {
        int f[4], j;
        jit_fp_operands(&tb->insns[i], f);
        for (int k = 0; k < 4; k++) {
            for (j = 0; j < n && rc->fguest[j] != f[k]; j++) {
            }
            if (f[k] < 0 || j < n) {
                rc->fdirty |= k == 0 && f[k] >= 0 ? 1 << j : 0;
                continue;
            }
            if (n == JIT_NFCACHE) {
                return false;
            }
            rc->fdirty |= k == 0 ? 1 << n : 0;
            rc->fguest[n++] = f[k];
        }
    }
    return true;
}

/*
 * Loop mode, for a block whose last record branches (or jumps: j) back to its start and
 * that names at most JIT_NCACHE registers: load them all on entry, keep them
 * in host registers across the back edge (dirty if the block writes them),
 * and write them back only when leaving. The hot loops of tests/bench are
 * such blocks; each iteration otherwise stores and reloads its registers.
 * Measured: whole benchmark 2.93 s -> 2.73 s of CPU time (CRC32 phase -14%,
 * the byte-copy phase -40%).
 * Returns false if the block does not qualify; else fills the cache state.
 */
bool jit_loop_regs(const TranslationBlock *tb, RegCache *rc)
{
    const InsnRecord *last = &tb->insns[tb->n_insns - 1];
    int op = last->op, n = 0;
    bool jump = op == OP_JAL && last->rd == 0;

    jit_regcache_clear(rc);
    if ((!jump && (op < OP_BEQ || op > OP_BGEU)) || last->pcoff + last->imm != 0 ||
        !loop_fregs(tb, rc)) {
        return false;
    }
    for (int i = 0; i < tb->n_insns; i++) {
        int regs[3], j;
        int_operands(&tb->insns[i], regs);
        for (int k = 0; k < 3; k++) {
            for (j = 0; j < n && rc->guest[j] != regs[k]; j++) {
            }
            if (regs[k] == 0 || j < n) {
                continue;
            }
            if (n == JIT_NCACHE) {
                return false;
            }
            rc->guest[n++] = regs[k];
        }
    }
    for (int i = 0; i < tb->n_insns; i++) {
        int regs[3];
        int_operands(&tb->insns[i], regs);
        for (int j = 0; j < n; j++) {
            rc->dirty |= regs[0] && rc->guest[j] == regs[0] ? 1 << j : 0;
        }
    }
    return true;
}

bool riscv_jit_loop_regs(const TranslationBlock *tb, int8_t *guest, uint8_t *dirty)
{
    RegCache rc;
    bool loop = jit_loop_regs(tb, &rc);

    memcpy(guest, rc.guest, sizeof(rc.guest));
    *dirty = rc.dirty;
    return loop;
}

/* How a record's result demand reaches its sources (jit_low32_results). */
enum { SRC_LOW32, SRC_AS_RESULT, SRC_FULL, SRC_EXIT };

static int low32_class(int op)
{
    switch (op) {
    case OP_ADDIW:
    case OP_SLLIW:
    case OP_SRLIW:
    case OP_SRAIW:
    case OP_ADDW:
    case OP_SUBW:
    case OP_SLLW:
    case OP_SRLW:
    case OP_SRAW:
    case OP_MULW:
    case OP_DIVW ... OP_REMUW:
        return SRC_LOW32;
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_AND:
    case OP_OR:
    case OP_XOR:
    case OP_ADDI:
    case OP_ANDI:
    case OP_ORI:
    case OP_XORI:
    case OP_SLLI:
    case OP_LUI:
    case OP_AUIPC:
        return SRC_AS_RESULT; /* the low 32 result bits need only the sources' low 32 */
    case OP_CLZ ... OP_CPOPW:
    case OP_ORC_B:
    case OP_CLMUL ... OP_CLMULR:
        return SRC_EXIT; /* a call to C (jit-alu.c alu_helper): the registers go to env */
    default:
        return riscv_op_kind(op) == OPK_ALU ? SRC_FULL : SRC_EXIT;
    }
}

uint64_t jit_low32_results(const TranslationBlock *tb)
{
    enum { NONE, LOW, FULL };
    uint8_t dem[32];
    uint64_t low = 0;

    memset(dem, FULL, sizeof(dem)); /* the block's end: every register */
    for (int i = tb->n_insns - 1; i >= 0; i--) {
        const InsnRecord *r = &tb->insns[i];
        int k = low32_class(r->op), x[3], d, src;
        if (k == SRC_EXIT) { /* it may trap or leave (or call C, which reads env) */
            memset(dem, FULL, sizeof(dem));
            continue;
        }
        int_operands(r, x);
        d = x[0] ? dem[x[0]] : NONE;
        low |= k == SRC_LOW32 && d != FULL ? 1ULL << i : 0;
        dem[x[0]] = NONE;
        src = k == SRC_LOW32 ? LOW : k == SRC_AS_RESULT ? d : FULL;
        for (int j = 1; j < 3; j++) {
            dem[x[j]] = MAX(dem[x[j]], src);
        }
    }
    return low;
}
