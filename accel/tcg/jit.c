/*
 * The JIT's code arena, entry trampoline, shared exit stubs, block
 * chaining and the C helpers its code calls (include/accel/tcg/jit.h has
 * the contract; jit-riscv.c and jit-alu.c translate the records).
 *
 * The arena is one RWX anonymous mapping: code is written and patched (block
 * chaining) in place, which a W^X scheme would turn into an mprotect or a
 * double mapping per change. Acceptable for an emulator that runs trusted
 * guest-independent host code only: every byte in it is emitted here.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/jit-internal.h"
#include "target/riscv/exec.h"

/* Reserved, not committed (MAP_NORESERVE): as big as the block arena, so both fill alike. */
#define JIT_ARENA_SIZE (256 * MiB)
/* Most a block's code can take: 64 records of at most ~120 bytes, plus exits and stubs. */
#define JIT_BLOCK_MAX (32 * KiB)

#if defined(__x86_64__)
bool tcg_jit_enabled = true;
#else
bool tcg_jit_enabled = false;
#endif

JitStubs jit_stubs;

static uint8_t *arena;
static FILE *perf_map; /* KESTREL_JIT_PERFMAP=1: /tmp/perf-PID.map names blocks for perf */
static size_t arena_used, arena_stubs_end;
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- record -> operation map ---- */

#define OP_MAP_SIZE 512 /* power of two above 2 x OP_COUNT */
static struct {
    const void *handler;
    int op; /* -1: shared by unrelated operations, so unknown */
} op_map[OP_MAP_SIZE];

static unsigned op_map_slot(const void *h)
{
    unsigned i = ((uintptr_t)h >> 2 ^ (uintptr_t)h >> 11) & (OP_MAP_SIZE - 1);

    while (op_map[i].handler && op_map[i].handler != h) {
        i = (i + 1) & (OP_MAP_SIZE - 1);
    }
    return i;
}

/* Labels of FP and AMO operations are shared on purpose (the op is in imm). */
static void op_map_build(void)
{
    const void *const *handlers = riscv_exec_handlers();

    for (int op = 0; op <= OP_COUNT; op++) {
        unsigned i = op_map_slot(handlers[op]);
        if (!op_map[i].handler) {
            op_map[i].handler = handlers[op];
            op_map[i].op = op;
        } else if (op_map[i].op < 0 || op == OP_COUNT ||
                   riscv_op_kind(op) != riscv_op_kind(op_map[i].op) ||
                   riscv_op_kind(op) == OPK_ALU || riscv_op_kind(op) == OPK_INT) {
            op_map[i].op = -1;
        }
    }
}

int jit_record_op(const InsnRecord *r)
{
    unsigned i = op_map_slot(r->handler);
    int op = op_map[i].handler ? op_map[i].op : -1;

    if (op >= 0 && op < OP_COUNT && riscv_op_kind(op) != OPK_ALU && riscv_op_kind(op) != OPK_INT) {
        return riscv_rec_op(r);
    }
    return op;
}

/* ---- trampoline and shared stubs ---- */

static const uint8_t *emit_enter(X86Buf *b)
{
    static const X86Reg saved[] = {X86_RBX, X86_RBP, X86_R12, X86_R13, X86_R14, X86_R15};
    const uint8_t *start = b->p;

    for (unsigned i = 0; i < ARRAY_SIZE(saved); i++) {
        x86_push(b, saved[i]);
    }
    /* return address + 6 pushes + 8 = 64: rsp stays 16-aligned for helper calls */
    x86_alu_ri(b, X86_SUB, true, X86_RSP, 8);
    x86_mov_rr(b, true, JIT_CPU, X86_RDI);
    x86_lea(b, JIT_ENV, x86_mem(X86_RDI, offsetof(RISCVCPU, env) + JIT_ENV_BIAS));
    x86_mov_rm(b, true, JIT_PC, x86_mem(JIT_ENV, JIT_ENV_OFF(pc)));
    x86_mov_rm(b, true, JIT_INSTRET, x86_mem(JIT_ENV, JIT_ENV_OFF(instret)));
    x86_mov_rr(b, true, JIT_DTLB, X86_RDX);
    x86_jmp_r(b, X86_RSI);
    return start;
}

static void emit_leave(X86Buf *b)
{
    static const X86Reg saved[] = {X86_R15, X86_R14, X86_R13, X86_R12, X86_RBP, X86_RBX};

    x86_alu_ri(b, X86_ADD, true, X86_RSP, 8);
    for (unsigned i = 0; i < ARRAY_SIZE(saved); i++) {
        x86_pop(b, saved[i]);
    }
    x86_ret(b);
}

static void emit_stubs(X86Buf *b)
{
    const uint8_t *leave;

    jit_stubs.enter = (void *)emit_enter(b);

    jit_stubs.exit_plain = b->p;
    x86_mov_ri(b, X86_RAX, 0);
    jit_stubs.exit_store = b->p;
    x86_mov_mr(b, true, x86_mem(JIT_ENV, JIT_ENV_OFF(pc)), JIT_PC);
    x86_mov_mr(b, true, x86_mem(JIT_ENV, JIT_ENV_OFF(instret)), JIT_INSTRET);
    leave = b->p;
    emit_leave(b);

    /* The trap handler sets env->pc, so leave without writing r12 back. */
    jit_stubs.raise = b->p;
    x86_mov_mr(b, true, x86_mem(JIT_ENV, JIT_ENV_OFF(pc)), JIT_PC);
    x86_mov_mr(b, true, x86_mem(JIT_ENV, JIT_ENV_OFF(instret)), JIT_INSTRET);
    x86_mov_rr(b, true, X86_RDI, JIT_CPU);
    x86_call(b, jit_helper_raise);
    x86_mov_ri(b, X86_RAX, 0);
    x86_jmp(b, leave);

    jit_stubs.lookup = b->p;
    x86_mov_rr(b, true, X86_RDI, JIT_CPU);
    x86_mov_rr(b, true, X86_RSI, JIT_PC);
    x86_call(b, jit_helper_lookup);
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    x86_jcc(b, X86_CC_E, jit_stubs.exit_plain);
    x86_jmp_r(b, X86_RAX);
}

static void jit_init_once(void)
{
    const char *env = getenv("KESTREL_JIT");
    X86Buf b;

    if (env && !strcmp(env, "0")) {
        tcg_jit_enabled = false;
    }
    if (!tcg_jit_enabled) {
        return;
    }
    arena = mmap(NULL, JIT_ARENA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (arena == MAP_FAILED) {
        fprintf(stderr, "kestrel: cannot map JIT code space; using the interpreter\n");
        arena = NULL;
        tcg_jit_enabled = false;
        return;
    }
    if (getenv("KESTREL_JIT_PERFMAP")) {
        char name[64];
        snprintf(name, sizeof(name), "/tmp/perf-%d.map", (int)getpid());
        perf_map = fopen(name, "w");
    }
    op_map_build();
    x86_buf_init(&b, arena, JIT_BLOCK_MAX);
    emit_stubs(&b);
    arena_stubs_end = arena_used = ALIGN_UP(x86_buf_used(&b), 64);
}

void jit_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, jit_init_once);
}

/* ---- blocks ---- */

static void jit_reset_block(TranslationBlock *tb)
{
    tb->jit_code = NULL;
    tb->jit_tail = NULL;
    tb->jit_jmp[0] = tb->jit_jmp[1] = NULL;
}

bool jit_compile(TranslationBlock *tb)
{
    X86Buf b;
    int n_done;
    bool ok = true;

    if (!arena) {
        return true;
    }
    pthread_mutex_lock(&jit_lock);
    if (JIT_ARENA_SIZE - arena_used < JIT_BLOCK_MAX) {
        /* Full: the run loop flushes both arenas in an exclusive section and retries. */
        ok = false;
        jit_reset_block(tb);
        goto out;
    }
    x86_buf_init(&b, arena + arena_used, JIT_BLOCK_MAX);
    jit_reset_block(tb);
    if (!jit_translate(&b, tb, &n_done)) {
        jit_reset_block(tb); /* the first record is the interpreter's */
        goto out;
    }
    if (b.overflow) {
        jit_reset_block(tb);
        ok = false;
        goto out;
    }
    tb->jit_code = b.start;
    if (perf_map) {
        fprintf(perf_map, "%lx %zx guest_%" PRIx64 "\n", (unsigned long)(uintptr_t)b.start,
                x86_buf_used(&b), tb->pc);
        fflush(perf_map);
    }
    arena_used += ALIGN_UP(x86_buf_used(&b), 16);
out:
    pthread_mutex_unlock(&jit_lock);
    return ok;
}

JitExit jit_exec(RISCVCPU *cpu, TranslationBlock *tb)
{
    CPUTLBEntry *dtlb = cpu->tlb.table[cpu->tlb.data_mmu_idx];
    uintptr_t v = jit_stubs.enter(cpu, tb->jit_code, dtlb);
    TranslationBlock *last = (TranslationBlock *)(v & ~(uintptr_t)3);

    switch (v & 3) {
    case 0:
        return (JitExit){.kind = JIT_EXIT_NEXT};
    case 3:
        return (JitExit){.kind = JIT_EXIT_TAIL, .tb = last};
    default:
        return (JitExit){.kind = JIT_EXIT_CHAIN, .tb = last, .slot = (v & 3) - 1};
    }
}

void jit_link(TranslationBlock *tb, int slot, TranslationBlock *next)
{
    if (tb->jit_jmp[slot] && next->jit_code) {
        x86_patch_rel32(tb->jit_jmp[slot], next->jit_code);
    }
}

void jit_unlink(TranslationBlock *tb, int slot)
{
    if (tb->jit_jmp[slot]) {
        x86_patch_rel32(tb->jit_jmp[slot], tb->jit_jmp[slot] + 4);
    }
}

void jit_flush(void)
{
    arena_used = arena_stubs_end;
}

/* ---- helpers called from JIT code ---- */

static void jit_trap(RISCVCPU *cpu, RISCVException ex, uint64_t tval)
{
    cpu->tlb.jit_exc = ex;
    cpu->tlb.jit_tval = tval;
}

JitLoad jit_helper_load(RISCVCPU *cpu, uint64_t va, unsigned memop)
{
    unsigned size = memop & 0xf;
    uint64_t v, tval;
    RISCVException ex = tlb_load_slow(cpu, va, size, cpu->tlb.data_mmu_idx, &v, &tval);

    if (ex != RISCV_EXCP_NONE) {
        jit_trap(cpu, ex, tval);
        return (JitLoad){0, 1};
    }
    if ((memop & JIT_MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return (JitLoad){v, 0};
}

uint64_t jit_helper_store(RISCVCPU *cpu, uint64_t va, uint64_t val, unsigned size)
{
    uint64_t tval;
    RISCVException ex = tlb_store_slow(cpu, va, size, cpu->tlb.data_mmu_idx, val, &tval);

    if (ex != RISCV_EXCP_NONE) {
        jit_trap(cpu, ex, tval);
        return 1;
    }
    return 0;
}

const void *jit_helper_lookup(RISCVCPU *cpu, uint64_t pc)
{
    TranslationBlock *tb = tb_lookup_fast(&cpu->tlb, pc);
    return tb ? tb->jit_code : NULL;
}

void jit_helper_raise(RISCVCPU *cpu)
{
    cpu->env.load_res = ~0ULL; /* a trap breaks the LR/SC pair */
    riscv_cpu_do_exception(&cpu->env, cpu->tlb.jit_exc, cpu->tlb.jit_tval);
}

uint64_t jit_helper_amo(RISCVCPU *cpu, const InsnRecord *r)
{
    uint64_t tval;
    RISCVException ex = riscv_exec_amo(cpu, r, &tval);

    if (ex != RISCV_EXCP_NONE) {
        jit_trap(cpu, ex, tval);
        return 1;
    }
    return 0;
}

uint64_t jit_helper_fp(RISCVCPU *cpu, const InsnRecord *r, uint32_t raw)
{
    if (!(cpu->env.mstatus & MSTATUS_FS) || riscv_exec_fp(&cpu->env, r) != RISCV_EXCP_NONE) {
        jit_trap(cpu, RISCV_EXCP_ILLEGAL_INST, raw);
        return 1;
    }
    return 0;
}

/* FLW/FLD/FSW/FSD as exec.c runs them (through the slow path: rare in hot code). */
uint64_t jit_helper_fp_mem(RISCVCPU *cpu, const InsnRecord *r, uint32_t raw)
{
    CPURISCVState *env = &cpu->env;
    int op = jit_record_op(r);
    unsigned size = op == OP_FLW || op == OP_FSW ? 4 : 8;
    uint64_t va = env->gpr[r->rs1] + (int64_t)r->imm, v, tval;
    RISCVException ex;

    if (!(env->mstatus & MSTATUS_FS)) {
        jit_trap(cpu, RISCV_EXCP_ILLEGAL_INST, raw);
        return 1;
    }
    if (op == OP_FSW || op == OP_FSD) {
        ex = tlb_store_slow(cpu, va, size, cpu->tlb.data_mmu_idx, env->fpr[r->rs2], &tval);
    } else {
        ex = tlb_load_slow(cpu, va, size, cpu->tlb.data_mmu_idx, &v, &tval);
        if (ex == RISCV_EXCP_NONE) {
            env->fpr[r->rd] = size == 4 ? v | 0xffffffff00000000ULL : v; /* NaN-boxed */
            if ((env->mstatus & MSTATUS_FS) != MSTATUS_FS) {
                riscv_mark_fs_dirty(env);
            }
        }
    }
    if (ex != RISCV_EXCP_NONE) {
        jit_trap(cpu, ex, tval);
        return 1;
    }
    return 0;
}

/* FENCE: a host barrier only matters when other harts run in parallel. */
void jit_helper_fence(void)
{
    if (first_cpu && first_cpu->next_cpu) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
}
