/*
 * The JIT's code arena, entry trampoline, shared exit stubs, block
 * chaining and the generic C helpers its code calls (include/accel/tcg/jit.h
 * has the contract; the target's translator, TCGCPUOps.jit_translate, turns
 * the records into code: target/riscv/jit-translate.c for RISC-V).
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
static const TCGCPUOps *jit_ops; /* the target's (one target per binary) */
static FILE *perf_map; /* KESTREL_JIT_PERFMAP=1: /tmp/perf-PID.map names blocks for perf */
static size_t arena_used, arena_stubs_end;
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- trampoline and shared stubs ---- */

/* A uint64_t field of the CPU at offset off from the CPUState (rbx). */
static X86Mem cpu_field(size_t off)
{
    return x86_mem(JIT_CPU, (int32_t)off);
}

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
    x86_lea(b, JIT_ENV, x86_mem(X86_RDI, (int32_t)jit_ops->jit_env_offset + JIT_ENV_BIAS));
    x86_mov_rm(b, true, JIT_PC, cpu_field(jit_ops->pc_offset));
    x86_mov_rm(b, true, JIT_INSTRET, cpu_field(jit_ops->instret_offset));
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
    x86_mov_mr(b, true, cpu_field(jit_ops->pc_offset), JIT_PC);
    x86_mov_mr(b, true, cpu_field(jit_ops->instret_offset), JIT_INSTRET);
    leave = b->p;
    emit_leave(b);

    /* The trap handler sets the pc, so leave without writing r12 back. */
    jit_stubs.raise = b->p;
    x86_mov_mr(b, true, cpu_field(jit_ops->pc_offset), JIT_PC);
    x86_mov_mr(b, true, cpu_field(jit_ops->instret_offset), JIT_INSTRET);
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

    if ((env && !strcmp(env, "0")) || !jit_ops->jit_translate) {
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
    x86_buf_init(&b, arena, JIT_BLOCK_MAX);
    emit_stubs(&b);
    arena_stubs_end = arena_used = ALIGN_UP(x86_buf_used(&b), 64);
}

void jit_init(CPUState *cpu)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    __atomic_store_n(&jit_ops, cpu->tcg_ops, __ATOMIC_RELAXED);
    pthread_once(&once, jit_init_once);
}

/* ---- blocks ---- */

static void jit_reset_block(TranslationBlock *tb)
{
    tb->jit_code = NULL;
    tb->jit_tail = NULL;
    tb->jit_jmp[0] = tb->jit_jmp[1] = NULL;
}

bool jit_compile(CPUState *cpu, TranslationBlock *tb)
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
    if (!cpu->tcg_ops->jit_translate(&b, tb, &n_done)) {
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

JitExit jit_exec(CPUState *cpu, TranslationBlock *tb)
{
    CPUTLBEntry *dtlb = cpu->tlb->table[cpu->tlb->data_mmu_idx];
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

void jit_emit_exit(X86Buf *b, TranslationBlock *tb, int slot, hwaddr target_phys)
{
    x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0);
    x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    if ((target_phys ^ tb->phys_pc) & TARGET_PAGE_MASK) {
        /* Chains stay inside the page (tb.h); other targets go through the jump cache. */
        x86_jmp(b, jit_stubs.lookup);
        return;
    }
    /* The rel32 is patched by jit_link: keep it 4-aligned so one store rewrites it. */
    x86_align(b, 4, 1);
    tb->jit_jmp[slot] = x86_jmp(b, NULL);
    x86_mov_ri(b, X86_RAX, jit_exit_code(tb, JIT_EXIT_CHAIN, slot));
    x86_jmp(b, jit_stubs.exit_store);
}

/* ---- helpers called from JIT code ---- */

JitLoad jit_helper_load(CPUState *cpu, uint64_t va, unsigned memop)
{
    unsigned size = memop & 0xf;
    uint64_t v, tval;
    int ex = tlb_load_slow(cpu, va, size, cpu->tlb->data_mmu_idx, &v, &tval);

    if (ex != TCG_EXCP_NONE) {
        jit_set_trap(cpu, ex, tval);
        return (JitLoad){0, 1};
    }
    if ((memop & JIT_MO_SIGN) && size < 8) {
        unsigned sh = 64 - 8 * size;
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return (JitLoad){v, 0};
}

uint64_t jit_helper_store(CPUState *cpu, uint64_t va, uint64_t val, unsigned size)
{
    uint64_t tval;
    int ex = tlb_store_slow(cpu, va, size, cpu->tlb->data_mmu_idx, val, &tval);

    if (ex != TCG_EXCP_NONE) {
        jit_set_trap(cpu, ex, tval);
        return 1;
    }
    return 0;
}

const void *jit_helper_lookup(CPUState *cpu, uint64_t pc)
{
    TranslationBlock *tb = tb_lookup_fast(cpu->tlb, pc);
    return tb ? tb->jit_code : NULL;
}

void jit_helper_raise(CPUState *cpu)
{
    cpu->tcg_ops->raise(cpu, cpu->tlb->jit_exc, cpu->tlb->jit_tval);
}
