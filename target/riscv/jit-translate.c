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
JitCold *jit_cold_add(JitCtx *c, int kind, uint8_t *branch, unsigned memop)
{
    JitCold *k = &c->cold[c->n_cold++];
    *k = (JitCold){
        .kind = kind, .idx = c->idx, .memop = memop, .dst = -1, .branch = branch, .regs = c->regs};
    return k;
}

JitFallback jit_fp_fallback(JitCtx *c, X86Cond cc, bool int_rd)
{
    return jit_cold_add(c, COLD_FP, x86_jcc(c->b, cc, NULL), int_rd);
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
    jit_cold_add(c, COLD_TAIL, x86_jcc(c->b, cc, NULL), 0);
    c->fp_guard_held = true;
}

void jit_branch_to_raise(JitCtx *c, X86Cond cc)
{
    jit_cold_add(c, COLD_RAISE, x86_jcc(c->b, cc, NULL), 0);
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
    JitCold *k = jit_cold_add(c, COLD_VEC, x86_jmp(b, NULL), 0);
    if (done) {
        x86_patch_rel32(done, b->p);
    }
    k->resume = b->p;
}

void jit_branch_to_illegal(JitCtx *c, X86Cond cc)
{
    jit_cold_add(c, COLD_ILLEGAL, x86_jcc(c->b, cc, NULL), 0);
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
    k = jit_cold_add(c, COLD_FS_DIRTY, x86_jcc(b, X86_CC_NE, NULL), 0);
    k->resume = b->p;
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

    if (c->copy == 1) { /* taken: on into the second copy; else out through its exit */
        c->first_exit = x86_jcc(b, cc ^ 1, NULL);
        return;
    }
    x86_align(b, 4, 2);
    jit_set_jmp(c->tb, 0, x86_jcc(b, cc, c->loop_entry));
    jit_cold_add(c, COLD_LOOP_EXIT, x86_jcc(b, cc, NULL), 0);
    if (c->first_exit) {
        x86_patch_rel32(c->first_exit, b->p);
    }
    jit_write_back(b, &c->regs);
    gen_exit(c, 1, c->tb->size);
}

static void gen_branch(JitCtx *c, X86Cond cc)
{
    const InsnRecord *r = c->r;
    uint8_t *taken;

    gen_compare(c);
    if (r->aux) { /* a side exit (translate.c): out of line, the registers stay cached */
        jit_cold_add(c, COLD_SIDE_EXIT, x86_jcc(c->b, cc, NULL), 0);
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

/*
 * Return-address prediction (accel/tcg: jit_emit_ras_push/ret). x1 and x5 are the link
 * registers: a jal/jalr that writes one is a call and pushes, a jalr to one of them that
 * writes x0 is a return and pops (the ISA's hints, Unprivileged ISA 2.5). The call's
 * continuation is its block's exit slot 1 (a block ending with a jump has no fall-through)
 * to the next instruction.
 */
static bool is_link(int r)
{
    return r == 1 || r == 5;
}

static uint8_t *gen_call_push(JitCtx *c)
{
    return is_link(c->r->rd) ? jit_emit_ras_push(c->b, c->tb->size) : NULL;
}

static void gen_call_continuation(JitCtx *c, uint8_t *code)
{
    if (code) {
        x86_patch_rel32(code, c->b->p);
        jit_emit_exit(c->b, c->tb, 1, c->tb->phys_pc + c->tb->size);
    }
}

static void gen_jal(JitCtx *c)
{
    uint8_t *cont;

    if (c->loop && c->r->rd == 0 && c->r->pcoff + c->r->imm == 0) {
        add_instret(c, c->tb->n_insns);
        if (c->copy != 1) { /* the first copy falls into the second */
            gen_loop_jump(c);
        }
        return;
    }
    if (c->r->rd) {
        x86_lea(c->b, X86_RAX, x86_mem(JIT_PC, c->tb->size));
        jit_st(c, c->r->rd, X86_RAX);
    }
    jit_write_back(c->b, &c->regs);
    cont = gen_call_push(c);
    add_instret(c, c->tb->n_insns);
    gen_exit(c, 0, (int64_t)c->r->pcoff + c->r->imm);
    gen_call_continuation(c, cont);
}

static void gen_jalr(JitCtx *c)
{
    X86Buf *b = c->b;
    bool ret = c->r->rd == 0 && is_link(c->r->rs1);
    uint8_t *cont;

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
    x86_mov_rr(b, true, X86_RDI, X86_RAX); /* the target, while the push uses rax */
    cont = gen_call_push(c);
    x86_mov_rr(b, true, JIT_PC, X86_RDI);
    add_instret(c, c->tb->n_insns);
    x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0);
    x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    if (ret) {
        jit_emit_ras_ret(b);
    } else {
        x86_jmp(b, jit_stubs.lookup);
    }
    gen_call_continuation(c, cont);
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
    jit_emit_cpu_ptr(b, X86_RDI);
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
        bool sign;
        unsigned size = jit_load_size(op, &sign);
        jit_gen_load(c, size, sign);
        return true;
    }
    case OP_SB ... OP_SD:
        jit_gen_store(c, 1 << (op - OP_SB));
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
        jit_gen_fp_load(c, op == OP_FLW ? 4 : 8);
        return true;
    case OP_FSW:
    case OP_FSD:
        jit_gen_fp_store(c, op == OP_FSW ? 4 : 8);
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
    jit_emit_cpu_ptr(b, X86_RDI);
    jit_emit_rec_args(b, r);
    x86_mov_ri(b, X86_RCX, riscv_tb_insn_bits(c->tb, k->idx));
    x86_call(b, fn);
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    jit_branch_to_raise(c, X86_CC_NE);
    jit_reload(b, &k->regs);
}

static TranslationBlock *make_tail(TranslationBlock *tb, int idx);

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
    case COLD_LOAD:
    case COLD_HINT:
    case COLD_PLAIN:
    case COLD_STORE:
    case COLD_STORE_HINT:
    case COLD_STORE_VAL:
        jit_gen_cold_mem(c, k);
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
        x86_mov_mr(b, false, jit_cpu_mem(offsetof(RISCVCPU, tlb.jit_exc)), X86_RAX);
        x86_mov_ri(b, X86_RAX, riscv_tb_insn_bits(c->tb, k->idx));
        x86_mov_mr(b, true, jit_cpu_mem(offsetof(RISCVCPU, tlb.jit_tval)), X86_RAX);
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
    jit_cold_add(c, COLD_TAIL, x86_jcc(b, writes ? X86_CC_NE : X86_CC_E, NULL), 0);
    c->fs_checked = true;
    c->fs_dirty = writes;
    if (dyn) {
        jit_fp_guard_rne_nx(c);
    }
}

/*
 * Whether loop mode translates the block's body twice: the first copy's back edge falls into
 * the second (a jcc out of the loop where there was a taken jcc back, nothing after a jal),
 * whose back edge goes to the loop entry, so exit_request is tested every other iteration.
 * Not with side exits (each has one chain slot) nor past JIT_UNROLL_MAX records (the cold
 * stubs double). Measured: tests/bench CPU ms, 20 rotating runs on a loaded host, least
 * 949 -> 873, median 1027 -> 1001 (the byte loops of sieve and memory gain most; crc32's
 * loops are bound by their dependency chains and do not move).
 */
#define JIT_UNROLL_MAX 12
static bool unrollable(const TranslationBlock *tb)
{
    if (tb->n_insns > JIT_UNROLL_MAX) {
        return false;
    }
    for (int i = 0; i < tb->n_insns - 1; i++) {
        int op = tb->insns[i].op;
        if (op >= OP_BEQ && op <= OP_BGEU && tb->insns[i].aux) {
            return false;
        }
    }
    return true;
}

/* The records once (one copy of a loop's body), from the current state. */
static void translate_body(JitCtx *c)
{
    c->ended = false;
    c->sext32 = 0;
    for (c->idx = 0; c->idx <= c->tb->n_insns && !c->ended; c->idx++) {
        c->r = &c->tb->insns[c->idx];
        c->rec_clock = c->clock;
        c->sext32_in = c->sext32;
        c->sext32 &= ~(1u << c->r->rd);
        if (c->n_cold > JIT_MAX_COLD - JIT_COLD_PER_REC || !gen_record(c)) {
            c->loop_failed |= c->loop;
            break;
        }
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
        /* The loop's body on as few 64-byte lines as its length allows: where the arena
         * happened to put the sieve's 81-byte inner loop across three lines, tests/bench's
         * sieve phase took 123 ms instead of 92 (its ticks, 4 alternating runs). */
        x86_align_nops(c->b, 32);
        c->loop_entry = c->b->p;
        c->idx = 0;
        x86_cmp_mi8(c->b, JIT_CPUSTATE_FIELD(exit_request), 0);
        jit_cold_add(c, COLD_LOOP_EXIT, x86_jcc(c->b, X86_CC_NE, NULL), 0);
    }
    c->first_exit = NULL;
    c->copy = c->loop && unrollable(c->tb) ? 1 : 0;
    translate_body(c);
    if (c->copy && c->ended && !c->loop_failed) {
        c->copy = 2;
        translate_body(c);
    }
}

bool riscv_jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done)
{
    /* Static, not __thread: one translation at a time (jit_lock, accel/tcg/jit.c), and a
     * __thread context's 14 KiB were zeroed in every thread at its creation (4 pages each,
     * the main thread's too, though it never translates). */
    static JitCtx ctx;
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
