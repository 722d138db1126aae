/*
 * The JIT's code arena, entry trampoline, shared exit stubs, block
 * chaining and the generic C helpers its code calls (include/accel/tcg/jit.h
 * has the contract; the target's translator, TCGCPUOps.jit_translate, turns
 * the records into code: target/riscv/jit-translate.c for RISC-V).
 *
 * W^X: the arena is one memfd mapped twice, read-write where code is emitted
 * and patched (arena) and read-execute where it runs (arena + arena_exec), so
 * no page is writable and executable at once. Code is laid out and linked in
 * write addresses: a rel32 between two points of the arena is the same in
 * both mappings. Only addresses that leave for C or come from it are exec
 * addresses: tb->jit_code, the enter stub, the perf map.
 */
#include <assert.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/jit-internal.h"
#include "disas/x86.h"
#include "util/log.h"
#include "util/prefault.h"

/* A sparse memfd (pages are allocated as code is written): as big as the block arena, so both
 * fill alike. */
/*
 * A hart that follows a jump another hart patched (jit_link) reaches blocks it never looked
 * up; the only block memory it reads then is the block it leaves by (jit_exec: its tail
 * records). Patch and jump are ordered by the x86 memory model, which ThreadSanitizer does
 * not see through JIT code: tell it, so that real races stay visible without a suppression.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define jit_tsan_acquire(p) __tsan_acquire(p)
#define jit_tsan_release(p) __tsan_release(p)
#endif
#endif
#ifndef jit_tsan_acquire
#define jit_tsan_acquire(p) ((void)(p))
#define jit_tsan_release(p) ((void)(p))
#endif

#define JIT_ARENA_SIZE (256 * MiB)

/* A cross-page exit's expected page (emit_cross_page_exit): not linked yet, and where it is
 * in the code, before its jmp's rel32 (movabs imm64, cmp rax rdi, jne, 4-alignment of the jmp). */
#define JIT_CROSS_UNSET 1
#define JIT_CROSS_EXPECT_BACK 20
/* TranslationBlock.jit_jmp[slot]: the rel32's offset in the arena, which is 4-aligned, with
 * JIT_JMP_CROSS in bit 0 for the jmp of a cross-page exit. */
#define JIT_JMP_CROSS 1u
/* Most a block's code can take: 64 records of at most ~120 bytes, plus exits and stubs. */
#define JIT_BLOCK_MAX (32 * KiB)

#if defined(__x86_64__)
bool tcg_jit_enabled = true;
#else
bool tcg_jit_enabled = false;
#endif

unsigned tcg_jit_threshold;
JitStubs jit_stubs;

static uint8_t *arena;           /* the read-write view (NULL until the first compile maps it) */
static bool arena_failed;        /* the host refused the mappings (jit_lock) */
static ptrdiff_t arena_exec;     /* the read-execute view is at arena + arena_exec */
static const TCGCPUOps *jit_ops; /* the target's (one target per binary) */
static __thread const TCGCPUOps *jit_init_ops; /* jit_init's argument, for jit_init_once */
static FILE *perf_map; /* KESTREL_JIT_PERFMAP=1: /tmp/perf-PID.map names blocks for perf */
static size_t arena_used, arena_stubs_end;
static ArenaPrefault arena_prefaulted; /* both views, ahead of arena_used (jit_lock) */
static size_t arena_trimmed;           /* the write view's [0, this) was last dropped (jit_lock) */
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- trampoline and shared stubs ---- */

/* rbp - cpu: every target's hot state is then a disp8 away from rbp. */
static int32_t env_distance(void)
{
    return (int32_t)jit_ops->jit_env_offset + JIT_ENV_BIAS;
}

X86Mem jit_cpu_mem(size_t off)
{
    return x86_mem(JIT_ENV, (int32_t)off - env_distance());
}

void jit_emit_cpu_ptr(X86Buf *b, X86Reg reg)
{
    x86_lea(b, reg, x86_mem(JIT_ENV, -env_distance()));
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
    x86_lea(b, JIT_ENV, x86_mem(X86_RDI, env_distance()));
    x86_mov_rm(b, true, JIT_PC, jit_cpu_mem(jit_ops->pc_offset));
    x86_mov_rm(b, true, JIT_INSTRET, jit_cpu_mem(jit_ops->instret_offset));
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

/*
 * With rsi = the vCPU's CPUTLB and r12 = a guest pc: rax = the physical page that the current
 * code TLB entry maps r12's page to, rcx = that entry's index in table[][] and paddr[][].
 * Returns the jne taken when the entry does not map r12's page. Clobbers rdi.
 */
static uint8_t *emit_code_tlb_probe(X86Buf *b)
{
    uint8_t *miss;

    /* rcx = code_mmu_idx * CPU_TLB_SIZE + page index */
    x86_mov_rm(b, false, X86_RCX, x86_mem(X86_RSI, offsetof(CPUTLB, code_mmu_idx)));
    x86_shift_ri(b, X86_SHL, false, X86_RCX, CPU_TLB_BITS);
    x86_mov_rr(b, true, X86_RAX, JIT_PC);
    x86_shift_ri(b, X86_SHR, true, X86_RAX, TARGET_PAGE_BITS);
    x86_alu_ri(b, X86_AND, false, X86_RAX, CPU_TLB_SIZE - 1);
    x86_alu_rr(b, X86_ADD, false, X86_RCX, X86_RAX);
    x86_mov_rr(b, true, X86_RAX, X86_RCX);
    x86_shift_ri(b, X86_SHL, true, X86_RAX, 5); /* sizeof(CPUTLBEntry) */
    x86_mov_rr(b, true, X86_RDI, JIT_PC);
    x86_alu_ri(b, X86_AND, true, X86_RDI, (int32_t)TARGET_PAGE_MASK);
    x86_alu_rm(b, X86_CMP, true, X86_RDI,
               x86_mem_idx(X86_RSI, X86_RAX, 1,
                           offsetof(CPUTLB, table) + offsetof(CPUTLBEntry, addr_code)));
    miss = x86_jcc(b, X86_CC_NE, NULL);
    x86_mov_rm(b, true, X86_RAX, x86_mem_idx(X86_RSI, X86_RCX, 8, offsetof(CPUTLB, paddr)));
    return miss;
}

/*
 * The lookup stub: tb_lookup_fast() (tb.h) in host code, for indirect jumps and jumps to
 * another page. With r12 = the next pc: the jump-cache entry must hold that pc and a
 * block, the current code TLB entry must map its page, and the block's physical pc must be
 * that page's (so a remapped page never runs stale code); then jump to the block's code,
 * else leave through exit_plain (the run loop's tb_find fills the jump cache). It replaced
 * a call to a C helper that did the same (jit_helper_lookup, 1.8% of fpmix in Linux).
 * All guest registers are written back before any jump here, so every scratch is free.
 * A target may also emit it inline at a block's exit (jit_emit_lookup): the jump to the
 * block found is then that exit's own, which the host's predictor keeps apart.
 */
_Static_assert(sizeof(TBJumpCacheEntry) == 16 && sizeof(CPUTLBEntry) == 32,
               "the lookup stub scales indices by these sizes");

void jit_emit_lookup(X86Buf *b)
{
    uint8_t *miss[4];

    x86_mov_rm(b, true, X86_RSI, JIT_CPUSTATE_FIELD(tlb));
    /* rdx = &jc[(pc >> 1 ^ pc >> (TB_JMP_CACHE_BITS + 1)) & (TB_JMP_CACHE_SIZE - 1)] */
    x86_mov_rr(b, true, X86_RAX, JIT_PC);
    x86_shift_ri(b, X86_SHR, true, X86_RAX, 1);
    x86_mov_rr(b, true, X86_RCX, JIT_PC);
    x86_shift_ri(b, X86_SHR, true, X86_RCX, TB_JMP_CACHE_BITS + 1);
    x86_alu_rr(b, X86_XOR, true, X86_RAX, X86_RCX);
    x86_alu_ri(b, X86_AND, false, X86_RAX, TB_JMP_CACHE_SIZE - 1);
    x86_shift_ri(b, X86_SHL, false, X86_RAX, 4);
    x86_lea(b, X86_RDX, x86_mem_idx(X86_RSI, X86_RAX, 1, offsetof(CPUTLB, jc)));
    x86_alu_rm(b, X86_CMP, true, JIT_PC, x86_mem(X86_RDX, offsetof(TBJumpCacheEntry, pc)));
    miss[0] = x86_jcc(b, X86_CC_NE, NULL);
    x86_mov_rm(b, true, X86_RDX, x86_mem(X86_RDX, offsetof(TBJumpCacheEntry, tb)));
    x86_test_rr(b, true, X86_RDX, X86_RDX);
    miss[1] = x86_jcc(b, X86_CC_E, NULL);
    miss[2] = emit_code_tlb_probe(b);
    x86_mov_rr(b, true, X86_RDI, JIT_PC);
    x86_alu_ri(b, X86_AND, false, X86_RDI, ~TARGET_PAGE_MASK);
    x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RDI);
    x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem(X86_RDX, offsetof(TranslationBlock, phys_pc)));
    miss[3] = x86_jcc(b, X86_CC_NE, NULL);
    x86_mov_rm(b, true, X86_RAX, x86_mem(X86_RDX, offsetof(TranslationBlock, jit_code)));
    x86_test_rr(b, true, X86_RAX, X86_RAX);
    x86_jcc(b, X86_CC_E, jit_stubs.exit_plain);
    x86_jmp_r(b, X86_RAX);
    for (int i = 0; i < 4; i++) {
        if (miss[i]) { /* NULL only if the buffer overflowed */
            x86_patch_rel32(miss[i], b->p);
        }
    }
    x86_jmp(b, jit_stubs.exit_plain);
}

/*
 * jit_stubs.code_page, called by a cross-page exit (jit_emit_exit) with r12 = the next pc:
 * returns with rax = the physical page the code TLB maps it to. When the TLB does not map it,
 * leaves for the run loop instead (exit_plain, without returning: the lookup would miss too),
 * which fills the entry.
 */
static void emit_code_page(X86Buf *b)
{
    uint8_t *miss;

    x86_mov_rm(b, true, X86_RSI, JIT_CPUSTATE_FIELD(tlb));
    miss = emit_code_tlb_probe(b);
    x86_ret(b);
    if (miss) {
        x86_patch_rel32(miss, b->p);
    }
    x86_alu_ri(b, X86_ADD, true, X86_RSP, 8); /* the call's return address */
    x86_jmp(b, jit_stubs.exit_plain);
}

/* A field of the slot whose lo is at [r14 + rdi] */
static X86Mem hint_field(size_t field)
{
    return x86_mem_idx(JIT_DTLB, X86_RDI, 1, (int32_t)(field - offsetof(JitLoadHints, lo)));
}

/* A range replaced by another page counts in the slot's window of JIT_HINT_WINDOW retired
 * instructions (r13: the block's instret), a new window starting where the last one ended. */
static void emit_hint_thrash(X86Buf *b)
{
    uint8_t *same;

    x86_mov_rr(b, true, X86_RCX, JIT_INSTRET);
    x86_alu_rm(b, X86_SUB, true, X86_RCX, hint_field(offsetof(JitLoadHints, since)));
    x86_alu_ri(b, X86_CMP, true, X86_RCX, JIT_HINT_WINDOW);
    same = x86_jcc(b, X86_CC_B, NULL);
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, since)), JIT_INSTRET);
    x86_mov_mi(b, hint_field(offsetof(JitLoadHints, thrash)), 0);
    x86_patch_rel32(same, b->p);
    x86_alu_mi(b, X86_ADD, true, hint_field(offsetof(JitLoadHints, thrash)), 1);
}

/*
 * hint_miss's update of the slot at [r14 + rdi] with the block [rax, rax + r9) of addend rdx:
 * a range of that addend which the block touches or overlaps grows to hold both, else the
 * block replaces it. (Both ranges map alike, so their union does.)
 */
static void emit_hint_range(X86Buf *b)
{
    uint8_t *empty, *other, *above, *below, *lo_ok, *hi_ok, *done;

    x86_alu_mi(b, X86_CMP, true, hint_field(offsetof(JitLoadHints, lim)), 0);
    empty = x86_jcc(b, X86_CC_E, NULL);
    x86_alu_rm(b, X86_CMP, true, X86_RDX, hint_field(offsetof(JitLoadHints, addend)));
    other = x86_jcc(b, X86_CC_NE, NULL);
    x86_lea(b, X86_RCX, x86_mem_idx(X86_RAX, X86_R9, 1, 0));
    x86_alu_rm(b, X86_CMP, true, X86_RAX, hint_field(offsetof(JitLoadHints, hi)));
    above = x86_jcc(b, X86_CC_A, NULL);
    x86_alu_rm(b, X86_CMP, true, X86_RCX, hint_field(offsetof(JitLoadHints, lo)));
    below = x86_jcc(b, X86_CC_B, NULL);
    x86_alu_rm(b, X86_CMP, true, X86_RAX, hint_field(offsetof(JitLoadHints, lo)));
    lo_ok = x86_jcc(b, X86_CC_AE, NULL);
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, lo)), X86_RAX);
    x86_patch_rel32(lo_ok, b->p);
    x86_alu_rm(b, X86_CMP, true, X86_RCX, hint_field(offsetof(JitLoadHints, hi)));
    hi_ok = x86_jcc(b, X86_CC_BE, NULL);
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, hi)), X86_RCX);
    x86_patch_rel32(hi_ok, b->p);
    done = x86_jmp(b, NULL);
    x86_patch_rel32(other, b->p);
    x86_patch_rel32(above, b->p);
    x86_patch_rel32(below, b->p);
    emit_hint_thrash(b);
    x86_patch_rel32(empty, b->p);
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, lo)), X86_RAX);
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, addend)), X86_RDX);
    x86_lea(b, X86_RCX, x86_mem_idx(X86_RAX, X86_R9, 1, 0));
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, hi)), X86_RCX);
    x86_patch_rel32(done, b->p);
}

/*
 * The block a load site takes (rcx = the table entry's offset in its table, rsi = va): r9 =
 * its size (JitModeHints.block_pages), rax = its base. A store site takes the page (rax)
 * alone: a block's other pages may hold code.
 */
static void emit_hint_block(X86Buf *b, bool store)
{
    if (store) {
        x86_mov_ri(b, X86_R9, TARGET_PAGE_SIZE);
        return;
    }
    x86_shift_ri(b, X86_SHR, false, X86_RCX, 3); /* from 32-byte entries to 4-byte counts */
    x86_mov_rm(b, false, X86_R9,
               x86_mem_idx(JIT_DTLB, X86_RCX, 1,
                           (int32_t)(JIT_HINT_BIAS + offsetof(JitModeHints, block_pages))));
    x86_alu_ri(b, X86_ADD, true, X86_R9, 1);
    x86_shift_ri(b, X86_SHL, true, X86_R9, TARGET_PAGE_BITS);
    x86_mov_rr(b, true, X86_RAX, X86_R9);
    x86_unary(b, X86_NEG, true, X86_RAX);
    x86_alu_rr(b, X86_AND, true, X86_RAX, X86_RSI);
}

/*
 * jit_stubs.hint_miss: a load site's access fell outside its page range (CPUTLB.jit_hint).
 * The table's probe of va's page (tag_off: addr_read; hint_miss_store's addr_write, for a
 * store site's range in CPUTLB.jit_hint[].st: only a page without flags, so not a code
 * page); a hit takes the entry's block (emit_hint_block) into the range (emit_hint_range) and
 * sets lim for the site's size; then the access is checked against the range again (it can
 * still miss: a page crossing into a page not in the range). One shared stub keeps each
 * load's cold code to a call (an inline copy per load made the Linux boot's JIT code bigger
 * and slower).
 */
static void emit_hint_miss(X86Buf *b, int32_t tag_off)
{
    bool store = tag_off == offsetof(CPUTLBEntry, addr_write);
    uint8_t *miss;

    x86_push(b, X86_RDI);
    x86_push(b, X86_R8);
    x86_push(b, X86_R9);
    x86_mov_rr(b, true, X86_RDI, X86_RAX);
    x86_mov_rr(b, true, X86_R8, X86_RDX);
    x86_mov_rr(b, true, X86_RAX, X86_RSI);
    x86_alu_ri(b, X86_AND, true, X86_RAX, (int32_t)TARGET_PAGE_MASK);
    x86_mov_rr(b, false, X86_RCX, X86_RSI);
    x86_shift_ri(b, X86_SHR, false, X86_RCX, TARGET_PAGE_BITS - 5);
    x86_alu_ri(b, X86_AND, false, X86_RCX, (CPU_TLB_SIZE - 1) << 5);
    x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem_idx(JIT_DTLB, X86_RCX, 1, tag_off));
    miss = x86_jcc(b, X86_CC_NE, NULL);
    if (store) { /* the context's st_filled, first */
        x86_mov_mi(
            b, x86_mem(JIT_DTLB, (int32_t)(JIT_HINT_BIAS + offsetof(JitModeHints, st_filled))), 1);
    }
    x86_mov_rm(b, true, X86_RDX, x86_mem_idx(JIT_DTLB, X86_RCX, 1, offsetof(CPUTLBEntry, addend)));
    emit_hint_block(b, store);
    emit_hint_range(b);
    x86_mov_rm(b, true, X86_RCX, hint_field(offsetof(JitLoadHints, hi)));
    x86_alu_rm(b, X86_SUB, true, X86_RCX, hint_field(offsetof(JitLoadHints, lo)));
    x86_alu_rr(b, X86_SUB, true, X86_RCX, X86_R8);
    x86_mov_mr(b, true, hint_field(offsetof(JitLoadHints, lim)), X86_RCX);
    x86_mov_rr(b, true, X86_RAX, X86_RSI);
    x86_alu_rm(b, X86_SUB, true, X86_RAX, hint_field(offsetof(JitLoadHints, lo)));
    x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RCX); /* CF: the access hits now */
    x86_pop(b, X86_R9);
    x86_pop(b, X86_R8);
    x86_pop(b, X86_RDI);
    x86_ret(b);
    x86_patch_rel32(miss, b->p);
    x86_alu_rr(b, X86_XOR, false, X86_RCX, X86_RCX); /* CF = 0 */
    x86_pop(b, X86_R9);
    x86_pop(b, X86_R8);
    x86_pop(b, X86_RDI);
    x86_ret(b);
}

static void emit_stubs(X86Buf *b)
{
    const uint8_t *leave;

    jit_stubs.enter = (void *)(emit_enter(b) + arena_exec);

    jit_stubs.exit_plain = b->p;
    x86_mov_ri(b, X86_RAX, 0);
    jit_stubs.exit_store = b->p;
    x86_mov_mr(b, true, jit_cpu_mem(jit_ops->pc_offset), JIT_PC);
    x86_mov_mr(b, true, jit_cpu_mem(jit_ops->instret_offset), JIT_INSTRET);
    leave = b->p;
    emit_leave(b);

    /* The trap handler sets the pc, so leave without writing r12 back. */
    jit_stubs.raise = b->p;
    x86_mov_mr(b, true, jit_cpu_mem(jit_ops->pc_offset), JIT_PC);
    x86_mov_mr(b, true, jit_cpu_mem(jit_ops->instret_offset), JIT_INSTRET);
    jit_emit_cpu_ptr(b, X86_RDI);
    x86_call(b, jit_helper_raise);
    x86_mov_ri(b, X86_RAX, 0);
    x86_jmp(b, leave);

    jit_stubs.lookup = b->p;
    jit_emit_lookup(b);
    jit_stubs.code_page = b->p;
    emit_code_page(b);

    jit_stubs.hint_miss = b->p;
    emit_hint_miss(b, offsetof(CPUTLBEntry, addr_read));
    jit_stubs.hint_miss_store = b->p;
    emit_hint_miss(b, offsetof(CPUTLBEntry, addr_write));
}

/* KESTREL_JIT_PERFMAP: the stubs by name too (emitted in this order by emit_stubs; end is
 * where the last ends), so a profile tells the lookup and the hint misses from the blocks. */
static void perf_map_stubs(const uint8_t *end)
{
    const struct {
        const uint8_t *at;
        const char *name;
    } stubs[] = {
        {(const uint8_t *)jit_stubs.enter - arena_exec, "jit_stub_enter"},
        {jit_stubs.exit_plain, "jit_stub_exit"},
        {jit_stubs.raise, "jit_stub_raise"},
        {jit_stubs.lookup, "jit_stub_lookup"},
        {jit_stubs.code_page, "jit_stub_code_page"},
        {jit_stubs.hint_miss, "jit_stub_hint_miss"},
        {jit_stubs.hint_miss_store, "jit_stub_hint_miss_store"},
        {end, NULL},
    };

    if (!perf_map) {
        return;
    }
    for (int i = 0; stubs[i].name; i++) {
        fprintf(perf_map, "%lx %zx %s\n", (unsigned long)(uintptr_t)(stubs[i].at + arena_exec),
                (size_t)(stubs[i + 1].at - stubs[i].at), stubs[i].name);
    }
    fflush(perf_map);
}

/* The two views of one memfd (W^X); false if the host refuses. */
static bool arena_map(void)
{
    int fd = memfd_create("kestrel-jit", MFD_CLOEXEC);
    uint8_t *w = MAP_FAILED, *x = MAP_FAILED;

    if (fd >= 0 && ftruncate(fd, JIT_ARENA_SIZE) == 0) {
        w = mmap(NULL, JIT_ARENA_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        x = mmap(NULL, JIT_ARENA_SIZE, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
    }
    if (fd >= 0) {
        close(fd); /* the mappings keep the memory */
    }
    if (w == MAP_FAILED || x == MAP_FAILED) {
        if (w != MAP_FAILED) {
            munmap(w, JIT_ARENA_SIZE);
        }
        if (x != MAP_FAILED) {
            munmap(x, JIT_ARENA_SIZE);
        }
        return false;
    }
    arena_exec = x - w;
    __atomic_store_n(&arena, w, __ATOMIC_RELEASE); /* jit_arena_usage reads it unlocked */
    return true;
}

/*
 * The code arena and the stubs are made by the first compile, not at start-up: a run that
 * compiles nothing (a short one, once blocks are compiled only when hot) skips the memfd, its
 * two mappings, the stubs and their prefault (issue 7: ~0.07 ms of the tiny ELF's ~4 ms of
 * CPU, and 7 syscalls). Other threads see the stubs through the block they look up: it is
 * published (tb_insert, release) after its code and the stubs were written. With jit_lock
 * held; false if the host refused the mappings (every block is then interpreted).
 */
static bool arena_ready(void)
{
    X86Buf b;

    if (arena || arena_failed) {
        return arena != NULL;
    }
    if (!arena_map()) {
        fprintf(stderr, "kestrel: cannot map JIT code space; using the interpreter\n");
        __atomic_store_n(&arena_failed, true, __ATOMIC_RELAXED);
        return false;
    }
    x86_buf_init(&b, arena, JIT_BLOCK_MAX);
    emit_stubs(&b);
    perf_map_stubs(b.p);
    arena_stubs_end = arena_used = ALIGN_UP(x86_buf_used(&b), 64);
    return true;
}

/* tcg_jit_threshold (jit.h), clamped to what TranslationBlock.exec_count counts. */
static void jit_init_threshold(void)
{
    const char *env = getenv("KESTREL_JIT_THRESHOLD");

    if (!tcg_jit_threshold && env && *env) {
        tcg_jit_threshold = (unsigned)strtoul(env, NULL, 0);
    }
    if (!tcg_jit_threshold) {
        tcg_jit_threshold = jit_ops->jit_threshold;
    }
    tcg_jit_threshold = MIN(MAX(tcg_jit_threshold, 1u), (unsigned)UINT16_MAX);
}

static void jit_init_once(void)
{
    const char *env = getenv("KESTREL_JIT");

    jit_ops = jit_init_ops;
    jit_init_threshold();
    if ((env && !strcmp(env, "0")) || !jit_ops->jit_translate) {
        tcg_jit_enabled = false;
    }
    if (!tcg_jit_enabled) {
        return;
    }
    if (getenv("KESTREL_JIT_PERFMAP")) {
        char name[64];
        snprintf(name, sizeof(name), "/tmp/perf-%d.map", (int)getpid());
        perf_map = fopen(name, "w");
    }
}

void jit_init(CPUState *cpu)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    /* jit_ops is written once, by the thread that runs jit_init_once, so the vCPU threads
     * starting together do not race on it (ThreadSanitizer saw a store of every thread
     * against the once routine's reads); pthread_once orders that write before any
     * caller's return. */
    jit_init_ops = cpu->tcg_ops;
    pthread_once(&once, jit_init_once);
}

/* ---- blocks ---- */

/* jit_code stays NULL: a block is compiled once, and others may be reading it. */
static void jit_reset_block(TranslationBlock *tb)
{
    tb->jit_tail = NULL;
    memset(tb->jit_jmp, 0, sizeof(tb->jit_jmp));
}

/* -d out_asm: the block's host code, listed at the addresses it runs from (the exec view). */
static void log_out_asm(const TranslationBlock *tb, const uint8_t *code, size_t len, int n_done)
{
    log_lock();
    log_printf("OUT: pc 0x%016" PRIx64 " phys 0x%" PRIx64 " (%d of %d insns, %zu bytes)\n", tb->pc,
               tb->phys_pc, n_done, tb->n_insns, len);
    log_disas_x86(code, len, (uintptr_t)(code + arena_exec), 64);
    log_unlock();
}

/*
 * The write view keeps its pages only near where code is being written. A process's RSS
 * counts a page of the memfd once per view that maps it, so every code page counted twice;
 * madvise(MADV_DONTNEED) on a shared mapping only unmaps (the memfd keeps the code, the exec
 * view goes on running it). A later patch of old code (jit_link) maps its page back with a
 * minor fault, until the next trim. Every JIT_WRITE_WINDOW of new code drops all but the
 * last two windows. Linux boot (scripts/bench boot, threshold 50: ~4 MB of code), peak RSS
 * 49.8-50.0 -> 46.5-46.7 MiB (512 KiB windows: 47.1-47.3; QEMU 7.2: 94), CPU unchanged
 * within noise (0.29-0.30 s). With jit_lock held.
 * Later, with the boot's page faults gone elsewhere, the trims and the patches' faults back
 * showed: 12 alternating boots, wall medians / low halves / peak RSS, 256 KiB windows 0.260 /
 * 0.253 s / 39.7 MiB, 1 MiB 0.250 / 0.247 / 40.2, 2 MiB 0.250 / 0.242 / 41.7, never 0.240 /
 * 0.235 / 43.0. 4 MiB windows: the boot's code is never trimmed, a long run's write view
 * stays within 8 MiB.
 */
#define JIT_WRITE_WINDOW (4 * MiB)

static void arena_trim_write_view(void)
{
    size_t upto = ALIGN_DOWN(arena_used, JIT_WRITE_WINDOW);

    if (upto >= JIT_WRITE_WINDOW && upto - JIT_WRITE_WINDOW > arena_trimmed) {
        arena_trimmed = upto - JIT_WRITE_WINDOW;
        madvise(arena, arena_trimmed, MADV_DONTNEED); /* best effort: RSS only */
    }
}

bool jit_compile(CPUState *cpu, TranslationBlock *tb)
{
    X86Buf b;
    int n_done;
    bool ok = true;

    pthread_mutex_lock(&jit_lock);
    if (tb_jit_code(tb)) {
        goto out; /* another vCPU's run reached the threshold too (tb_count_run) */
    }
    if (!arena_ready()) {
        jit_reset_block(tb); /* interpreted */
        goto out;
    }
    if (JIT_ARENA_SIZE - arena_used < JIT_BLOCK_MAX) {
        /* Full: the run loop flushes both arenas in an exclusive section and retries. */
        ok = false;
        jit_reset_block(tb);
        goto out;
    }
    arena_prefault(&arena_prefaulted, arena, arena + arena_exec, JIT_ARENA_SIZE,
                   arena_used + JIT_BLOCK_MAX);
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
    if (log_enabled(LOG_OUT_ASM)) {
        log_out_asm(tb, b.start, x86_buf_used(&b), n_done);
    }
    if (perf_map) {
        fprintf(perf_map, "%lx %zx guest_%" PRIx64 "\n",
                (unsigned long)(uintptr_t)(b.start + arena_exec), x86_buf_used(&b), tb->pc);
        fflush(perf_map);
    }
    /* Last: vCPUs interpreting tb may see it now (tb_jit_code). */
    tb_set_jit_code(tb, b.start + arena_exec);
    arena_used += ALIGN_UP(x86_buf_used(&b), 16);
    arena_trim_write_view();
out:
    pthread_mutex_unlock(&jit_lock);
    return ok;
}

JitExit jit_exec(CPUState *cpu, TranslationBlock *tb)
{
    CPUTLBEntry *dtlb = cpu->tlb->table[cpu->tlb->data_mmu_idx];
    uintptr_t v = jit_stubs.enter(cpu, tb->jit_code, dtlb);
    TranslationBlock *last = (TranslationBlock *)(v & ~(uintptr_t)JIT_EXIT_CODE_MASK);

    if (last && last != tb) {
        jit_tsan_acquire(last);
    }
    switch (v & JIT_EXIT_CODE_MASK) {
    case 0:
        return (JitExit){.kind = JIT_EXIT_NEXT};
    case JIT_EXIT_CODE_MASK:
        return (JitExit){.kind = JIT_EXIT_TAIL, .tb = last};
    default:
        return (JitExit){.kind = JIT_EXIT_CHAIN, .tb = last, .slot = (v & JIT_EXIT_CODE_MASK) - 1};
    }
}

void jit_set_jmp(TranslationBlock *tb, int slot, uint8_t *rel32)
{
    /* NULL after an overflow; offset 0 is the enter stub, never a jmp's rel32 */
    tb->jit_jmp[slot] = rel32 ? (uint32_t)(rel32 - arena) : 0;
}

static uint8_t *jit_jmp_rel32(TranslationBlock *tb, int slot)
{
    return arena + (tb->jit_jmp[slot] & ~JIT_JMP_CROSS);
}

/*
 * A cross-page exit takes the page of the first block it is linked to for good (its expected
 * page, written before the jmp): a later link must be to a block on that page. Changing it
 * would let a thread that read the new page jump to the old block.
 */
static uint64_t *cross_page_expect(TranslationBlock *tb, int slot)
{
    return (uint64_t *)(jit_jmp_rel32(tb, slot) - JIT_CROSS_EXPECT_BACK);
}

bool jit_cross_link_ok(TranslationBlock *tb, int slot, TranslationBlock *next)
{
    uint64_t expect;

    if (!tb_jit_code(tb) || !(tb->jit_jmp[slot] & JIT_JMP_CROSS) || !tb_jit_code(next)) {
        return false;
    }
    expect = __atomic_load_n(cross_page_expect(tb, slot), __ATOMIC_RELAXED);
    return expect == JIT_CROSS_UNSET || expect == (next->phys_pc & TARGET_PAGE_MASK);
}

void jit_link(TranslationBlock *tb, int slot, TranslationBlock *next)
{
    uint8_t *code = tb_jit_code(next);

    if (tb_jit_code(tb) && tb->jit_jmp[slot] && code) {
        if (tb->jit_jmp[slot] & JIT_JMP_CROSS) {
            /* x86 keeps store order: a thread that sees the jmp patched sees the page too */
            __atomic_store_n(cross_page_expect(tb, slot), next->phys_pc & TARGET_PAGE_MASK,
                             __ATOMIC_RELAXED);
        }
        jit_tsan_release(next);
        x86_patch_rel32(jit_jmp_rel32(tb, slot), code - arena_exec);
    }
}

void jit_unlink(TranslationBlock *tb, int slot)
{
    /* A block being compiled is writing its jit_jmp[] (and has no links yet). */
    if (tb_jit_code(tb) && tb->jit_jmp[slot]) {
        uint8_t *rel32 = jit_jmp_rel32(tb, slot);
        x86_patch_rel32(rel32, rel32 + 4);
    }
}

void jit_flush(void)
{
    arena_used = arena_stubs_end;
    arena_trimmed = 0;
}

void jit_arena_usage(size_t *used, size_t *size)
{
    /* A statistic: a value a compile is just changing is good enough, no lock needed. */
    bool mapped = __atomic_load_n(&arena, __ATOMIC_ACQUIRE);

    /* Before the first compile the arena is not mapped yet: empty, but the engine is the JIT. */
    *used = mapped ? __atomic_load_n(&arena_used, __ATOMIC_RELAXED) : 0;
    *size = __atomic_load_n(&arena_failed, __ATOMIC_RELAXED) ? 0 : JIT_ARENA_SIZE;
}

/* The probe's tag compare, leaving rcx = the entry's offset in the table: the miss jcc. */
static uint8_t *tlb_probe_tag(X86Buf *b, unsigned size, int32_t tag_off)
{
    x86_lea(b, X86_RAX, x86_mem(X86_RSI, size - 1));
    x86_alu_ri(b, X86_AND, true, X86_RAX, (int32_t)TARGET_PAGE_MASK);
    /* ((va >> 12) & (CPU_TLB_SIZE - 1)) * 32 == (va >> 7) & ((CPU_TLB_SIZE - 1) << 5) */
    x86_mov_rr(b, false, X86_RCX, X86_RSI);
    x86_shift_ri(b, X86_SHR, false, X86_RCX, TARGET_PAGE_BITS - 5);
    x86_alu_ri(b, X86_AND, false, X86_RCX, (CPU_TLB_SIZE - 1) << 5);
    x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem_idx(JIT_DTLB, X86_RCX, 1, tag_off));
    return x86_jcc(b, X86_CC_NE, NULL);
}

uint8_t *jit_emit_tlb_probe(X86Buf *b, unsigned size, int32_t tag_off)
{
    uint8_t *miss = tlb_probe_tag(b, size, tag_off);

    x86_alu_rm(b, X86_ADD, true, X86_RSI,
               x86_mem_idx(JIT_DTLB, X86_RCX, 1, offsetof(CPUTLBEntry, addend)));
    return miss;
}

uint8_t *jit_emit_tlb_addend(X86Buf *b, unsigned size, int32_t tag_off)
{
    uint8_t *miss = tlb_probe_tag(b, size, tag_off);

    x86_mov_rm(b, true, X86_RDX, x86_mem_idx(JIT_DTLB, X86_RCX, 1, offsetof(CPUTLBEntry, addend)));
    return miss;
}

/*
 * Return-address prediction (cpu-tlb.h: JitRas). A guest call pushes its return address,
 * r12 + ret_off, with the code at the returned rel32 (patch it to the call's continuation,
 * jit_emit_exit to the next instruction with r12 = that address). Scratch registers only;
 * the guest's are written back. Measured: see the RISC-V translator's gen_call_push.
 */
uint8_t *jit_emit_ras_push(X86Buf *b, int32_t ret_off)
{
    X86Mem top = x86_mem(X86_RSI, offsetof(CPUTLB, ras.top));
    uint8_t *code;

    x86_mov_rm(b, true, X86_RSI, JIT_CPUSTATE_FIELD(tlb));
    x86_mov_rm(b, false, X86_RCX, top);
    x86_alu_ri(b, X86_ADD, false, X86_RCX, 1);
    x86_alu_ri(b, X86_AND, false, X86_RCX, JIT_RAS_SIZE - 1);
    x86_mov_mr(b, false, top, X86_RCX);
    x86_lea(b, X86_RAX, x86_mem(JIT_PC, ret_off));
    x86_mov_mr(b, true, x86_mem_idx(X86_RSI, X86_RCX, 8, offsetof(CPUTLB, ras.pc)), X86_RAX);
    code = x86_lea_rip(b, X86_RAX);
    x86_mov_mr(b, true, x86_mem_idx(X86_RSI, X86_RCX, 8, offsetof(CPUTLB, ras.code)), X86_RAX);
    return code;
}

/* A guest return, with r12 = its target: pop; to the popped code if its address is r12's,
 * else through the lookup stub. */
void jit_emit_ras_ret(X86Buf *b)
{
    X86Mem top = x86_mem(X86_RSI, offsetof(CPUTLB, ras.top));

    x86_mov_rm(b, true, X86_RSI, JIT_CPUSTATE_FIELD(tlb));
    x86_mov_rm(b, false, X86_RCX, top);
    x86_lea(b, X86_RDX, x86_mem(X86_RCX, -1));
    x86_alu_ri(b, X86_AND, false, X86_RDX, JIT_RAS_SIZE - 1);
    x86_mov_mr(b, false, top, X86_RDX);
    x86_alu_rm(b, X86_CMP, true, JIT_PC,
               x86_mem_idx(X86_RSI, X86_RCX, 8, offsetof(CPUTLB, ras.pc)));
    x86_jcc(b, X86_CC_NE, jit_stubs.lookup);
    x86_mov_rm(b, true, X86_RAX, x86_mem_idx(X86_RSI, X86_RCX, 8, offsetof(CPUTLB, ras.code)));
    x86_jmp_r(b, X86_RAX);
}

/*
 * A direct jump to another page (r12 = its pc), chained to the block there only while the
 * code TLB maps r12's page to the page the block is on: the page may be remapped, and the
 * same code runs at other virtual addresses (one block serves each physical pc), so the
 * check is made at run time, against the vCPU's TLB in its current context. The expected
 * page is an 8-byte immediate, written once by jit_link (cross_page_expect); until then it is
 * JIT_CROSS_UNSET, never a page, and a mismatch leaves to be linked. After, a mismatch (the
 * page maps elsewhere now) takes the lookup stub. A dropped block is unlinked through its
 * page's list of incoming cross-page links (tb-maint.c), so the jmp never runs stale code.
 */
static void emit_cross_page_exit(X86Buf *b, TranslationBlock *tb, int slot)
{
    uint8_t *expect, *mismatch, *rel32;
    const uint8_t *chain_exit;

    x86_call(b, jit_stubs.code_page);
    x86_align(b, 8, 2); /* the immediate 8-aligned, so one store rewrites it */
    expect = x86_movabs(b, X86_RDI, JIT_CROSS_UNSET);
    x86_alu_rr(b, X86_CMP, true, X86_RAX, X86_RDI);
    mismatch = x86_jcc(b, X86_CC_NE, NULL);
    x86_align(b, 4, 1);
    rel32 = x86_jmp(b, NULL);
    if (!expect || !rel32) {
        return; /* the buffer overflowed: the block is not used */
    }
    assert(rel32 - expect == JIT_CROSS_EXPECT_BACK);
    tb->jit_jmp[slot] = (uint32_t)(rel32 - arena) | JIT_JMP_CROSS;
    chain_exit = b->p;
    x86_mov_ri(b, X86_RAX, jit_exit_code(tb, JIT_EXIT_CHAIN, slot));
    x86_jmp(b, jit_stubs.exit_store);
    x86_patch_rel32(mismatch, b->p);
    x86_alu_ri(b, X86_CMP, true, X86_RDI, JIT_CROSS_UNSET);
    x86_jcc(b, X86_CC_E, chain_exit);
    x86_jmp(b, jit_stubs.lookup);
}

void jit_emit_exit(X86Buf *b, TranslationBlock *tb, int slot, hwaddr target_phys)
{
    bool same_page = !((target_phys ^ tb->phys_pc) & TARGET_PAGE_MASK);

    /*
     * exit_request is tested where a chain can come back: on every exit except a direct jump
     * forward in the page. A run of chained blocks without a tested exit stays inside one
     * page, and its starts only grow, so it ends within a page's worth of blocks at a tested
     * exit (a cycle needs a jump to a start at or before its own), and an interrupt or exclusive
     * section still waits a bounded number of instructions. Measured on the integer mix of
     * tests/bench/linux built bare-metal (3000 iterations), least CPU time of 7 runs: 0.77 s ->
     * 0.73 s.
     */
    if (!same_page || target_phys <= tb->phys_pc) {
        x86_cmp_mi8(b, JIT_CPUSTATE_FIELD(exit_request), 0);
        x86_jcc(b, X86_CC_NE, jit_stubs.exit_plain);
    }
    if (!same_page) {
        emit_cross_page_exit(b, tb, slot);
        return;
    }
    /* The rel32 is patched by jit_link: keep it 4-aligned so one store rewrites it. */
    x86_align(b, 4, 1);
    jit_set_jmp(tb, slot, x86_jmp(b, NULL));
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

void jit_helper_raise(CPUState *cpu)
{
    cpu->tcg_ops->raise(cpu, cpu->tlb->jit_exc, cpu->tlb->jit_tval);
}
