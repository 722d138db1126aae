/*
 * The JIT: the second execution engine (DESIGN.md "Execution engine"). The
 * target's translator (TCGCPUOps.jit_translate; RISC-V: target/riscv/jit*.c)
 * turns the instruction records of a translation block into x86-64 code with
 * the encoder (jit-x86.h), the stubs and the helpers of accel/tcg/jit.c
 * (jit-internal.h); the target's threaded interpreter (target/riscv/exec.c)
 * stays the reference and runs whatever the JIT leaves to it.
 *
 * Contract with the run loop (accel/tcg/cpu-exec.c):
 *  - jit_compile() once a cacheable block is hot: the run loop counts the
 *    runs of a published block without code (tb->exec_count) and the vCPU
 *    whose run reaches tcg_jit_threshold compiles it, before that run, while
 *    others may interpret it; with a threshold of 1, right after the block is
 *    made, before it is inserted. A block whose first record the JIT does not
 *    handle keeps jit_code == NULL and is interpreted. Otherwise the code runs
 *    the records up to the first unsupported one and hands the rest to the
 *    interpreter as tb->jit_tail (an uncached block). jit_code is stored
 *    last (release; readers use tb_jit_code), and a block chains (jit_link)
 *    and is unlinked (jit_unlink) only once it has code.
 *  - jit_exec() runs the block and the blocks chained after it (direct
 *    jumps patched in place; a direct jump to another page only after its
 *    target's page is checked against the code TLB at each run, jit.c
 *    emit_cross_page_exit; indirect jumps through the jump cache, looked up in
 *    host code by the shared lookup stub and validated against the code TLB)
 *    until one needs the run loop, with the guest pc and instret exact on return.
 *  - Returns (a target's choice, jit_emit_ras_push/ret in jit-internal.h): a call pushes
 *    its return address with its block's chained exit to it (cpu-tlb.h JitRas), which a
 *    return to that address jumps to; the stack is emptied wherever a mapping may change.
 *  - Chaining and invalidation (accel/tcg/tb-maint.c, under tb_lock):
 *    tb->jmp[slot] records the patched successor, as for the interpreter,
 *    so the page walk that unlinks the interpreter's chains unlinks the
 *    patched jumps too (jit_unlink); a jump from another page is unlinked
 *    through the page's list of incoming cross-page links.
 *  - Code space: one arena, W^X (a memfd mapped read-write for emitting and
 *    patching, read-execute for running; jit.c); when it is full the run
 *    loop flushes the whole block cache (tb_flush_all, which calls
 *    jit_flush) in an exclusive section (system/cpus.h), so no vCPU runs JIT
 *    code meanwhile.
 *  - Patching while other threads run: a rel32 is 4-aligned and rewritten
 *    with one atomic store, so a thread executing it takes the old or the
 *    new target, both valid code (a dropped block's code stays in the arena
 *    until the next flush). Exits test exit_request before their jump (all but direct jumps
 *    forward in the page, jit_emit_exit: a chain still reaches a test within a page).
 *
 * Why: the threaded interpreter pays an indirect-branch mispredict per guest
 * instruction on this host. tests/bench (3.4 billion guest instructions),
 * CPU time: interpreter 32 s, QEMU 7.2 TCG 3.3 s, this JIT 2.7 s (first
 * version with guest registers in memory: 4.1 s wall; the register cache and
 * loop mode in target/riscv/jit-translate.c brought the rest).
 */
#ifndef ACCEL_TCG_JIT_H
#define ACCEL_TCG_JIT_H

#include "accel/tcg/tb.h"

/* Use the JIT (default on x86-64 hosts; -accel tcg,jit=off or KESTREL_JIT=0 turn it off). */
extern bool tcg_jit_enabled;

/*
 * Runs of a block in the interpreter before it is compiled; 1 compiles every block when it
 * is made. 0 until jit_init: then KESTREL_JIT_THRESHOLD, else the target's
 * TCGCPUOps.jit_threshold; a value set before jit_init (the differential tests: 1) stays.
 * Why: most blocks of a Linux boot run a few times, and compiling them cost more than
 * interpreting them (figures at riscv_tcg_ops.jit_threshold).
 */
extern unsigned tcg_jit_threshold;

/*
 * Once, before the first block of any vCPU: take the target of cpu and the threshold (turns
 * the JIT off if the target has no translator). The code arena and the stubs are made by
 * the first jit_compile (if the host refuses the mappings then, blocks are interpreted).
 */
void jit_init(CPUState *cpu);

/* Compile tb; false if the code arena or the block arena is full (flush, retranslate). */
bool jit_compile(CPUState *cpu, TranslationBlock *tb);

/* What jit_exec() returns. */
typedef struct JitExit {
    int kind;
    TranslationBlock *tb; /* JIT_EXIT_CHAIN: the block that left; TAIL: the block to interpret */
    int slot;             /* JIT_EXIT_CHAIN: its exit, for jit_link */
} JitExit;

enum {
    JIT_EXIT_NEXT,  /* env->pc is the next pc, or a trap was entered */
    JIT_EXIT_CHAIN, /* as NEXT, and the exit (tb, slot) may be linked to the next block */
    JIT_EXIT_TAIL,  /* interpret tb (env->pc is its pc) */
};

/* Run tb (tb->jit_code != NULL) with the data TLB of the current data mmu_idx. */
JitExit jit_exec(CPUState *cpu, TranslationBlock *tb);

/* While tb is translated: rel32 (in the code arena's write view, from x86_jmp; NULL after an
 * overflow) is the patchable jmp of exit slot (TranslationBlock.jit_jmp). */
void jit_set_jmp(TranslationBlock *tb, int slot, uint8_t *rel32);
/* With tb_lock held: patch exit slot of tb to jump to next / back to its exit stub. */
void jit_link(TranslationBlock *tb, int slot, TranslationBlock *next);
/*
 * Whether exit slot of tb, a direct jump to another page, can be chained to next (jit_link):
 * both have code, and the exit has no expected page yet or next's (its jump is checked
 * against the TLB at run time, jit.c emit_cross_page_exit).
 */
bool jit_cross_link_ok(TranslationBlock *tb, int slot, TranslationBlock *next);
void jit_unlink(TranslationBlock *tb, int slot);

/* With tb_lock held, from tb_flush_all: forget all code (no JIT code may be running). */
void jit_flush(void);
/* Bytes of the code arena in use and its size (info jit). */
void jit_arena_usage(size_t *used, size_t *size);

#endif
