/*
 * What accel/tcg/jit.c (code arena, trampoline, shared stubs, chaining,
 * generic run-time helpers) gives a target's JIT translator
 * (TCGCPUOps.jit_translate; RISC-V: target/riscv/jit-translate.c).
 *
 * Host register convention inside JIT code (all callee-saved in the SysV
 * ABI, so they survive calls to C helpers):
 *   rbx  CPUState *cpu on entry (the target CPU object starts with it); a target may take
 *        it for its own use (RISC-V: a 7th cached guest register), so the shared stubs and
 *        jit_cpu_mem reach the CPU through rbp
 *   rbp  cpu + TCGCPUOps.jit_env_offset + JIT_ENV_BIAS: the target's hot
 *        state (RISC-V: the register file) is a disp8 away
 *   r12  virtual pc of the running block (the CPU's pc field is stale inside a block)
 *   r13  instret (written back at every exit to C)
 *   r14  data TLB table of the current data mmu_idx
 *   rdi, r8-r11, r15 (and rbx): free for the target (RISC-V: its register cache),
 *        written back by the target before it calls C or leaves
 * rax, rcx, rdx, rsi are scratch. rsp is 16-byte aligned, so helpers are
 * called directly. r12/r13 are written back by the shared exit stubs; a
 * block needs no epilogue of its own.
 */
#ifndef ACCEL_TCG_JIT_INTERNAL_H
#define ACCEL_TCG_JIT_INTERNAL_H

#include <stddef.h>

#include "accel/tcg/jit-x86.h"
#include "accel/tcg/jit.h"
#include "accel/tcg/tcg-cpu-ops.h"

#define JIT_CPU X86_RBX
#define JIT_ENV X86_RBP
#define JIT_PC X86_R12
#define JIT_INSTRET X86_R13
#define JIT_DTLB X86_R14

#define JIT_ENV_BIAS 128
/* The byte at offset off of the CPU object, through rbp (which holds cpu + this distance). */
X86Mem jit_cpu_mem(size_t off);
/* reg = the CPUState pointer (a helper's first argument), from rbp. */
void jit_emit_cpu_ptr(X86Buf *b, X86Reg reg);
/* A field of the generic CPUState. */
#define JIT_CPUSTATE_FIELD(field) jit_cpu_mem(offsetof(CPUState, field))

/* Shared stubs, emitted once at the start of the arena (jit.c). */
typedef struct JitStubs {
    /* uintptr_t enter(CPUState *cpu, const void *code, CPUTLBEntry *dtlb) */
    uintptr_t (*enter)(CPUState *cpu, const void *code, CPUTLBEntry *dtlb);
    const uint8_t *exit_plain; /* return JIT_EXIT_NEXT; writes r12/r13 back */
    const uint8_t *exit_store; /* return rax; writes r12/r13 back */
    const uint8_t *raise;      /* r12/r13 at the faulting record: take cpu->tlb->jit_exc */
    const uint8_t *lookup;     /* r12 = next pc: continue through the jump cache or exit */
    /* called with r12 = next pc: rax = the physical page its code TLB entry maps (cross-page
     * exits, jit_emit_exit); leaves for the run loop instead when the TLB does not map it */
    const uint8_t *code_page;
    /* called by a load whose access fell outside its site's page range, with rsi = va,
     * rax = the offset from r14 of the site's slot of lo (JIT_HINT_BIAS + ...), rdx = size - 1:
     * returns rdx = the range's addend and CF = 1 when the access is now inside the range
     * (CF = 0: the load takes the slow path); rsi and the cached registers survive */
    const uint8_t *hint_miss;
    /* the same for a store site (CPUTLB.jit_hint[].st): takes a page in only if its
     * addr_write tag has no flag */
    const uint8_t *hint_miss_store;
} JitStubs;

extern JitStubs jit_stubs;

/*
 * The value rax carries to exit_store: a block pointer (16-aligned) and in its low bits
 * JIT_EXIT_CHAIN's slot + 1, or all ones for JIT_EXIT_TAIL.
 */
#define JIT_EXIT_CODE_MASK 15
_Static_assert(TB_NSLOTS < JIT_EXIT_CODE_MASK, "exit slots must fit the exit code");
static inline uintptr_t jit_exit_code(TranslationBlock *tb, int kind, int slot)
{
    return (uintptr_t)tb | (uintptr_t)(kind == JIT_EXIT_TAIL ? JIT_EXIT_CODE_MASK : slot + 1);
}

/*
 * Emit the exit of a block to the guest pc in r12, a static target (the same pc at every run
 * of the exit, the block's pc plus a constant; an indirect jump takes the lookup instead):
 * the exit_request test, then a patchable jmp for exit slot of tb (chained later by
 * jit_link). target_phys is the successor's physical pc if it is on tb's page; else the jump
 * is chained only after a check of the code TLB at each run (emit_cross_page_exit).
 */
void jit_emit_exit(X86Buf *b, TranslationBlock *tb, int slot, hwaddr target_phys);

/*
 * Return-address prediction (cpu-tlb.h: JitRas), for a target's calls and returns, with the
 * guest registers written back. jit_emit_ras_push: push r12 + ret_off, the return address,
 * with the code at the returned rel32 (x86_patch_rel32 it to an exit of the calling block to
 * that address, which expects r12 = it). jit_emit_ras_ret: r12 = the return's target; jump to
 * the popped code if the popped address is r12, else to the lookup stub.
 */
uint8_t *jit_emit_ras_push(X86Buf *b, int32_t ret_off);
void jit_emit_ras_ret(X86Buf *b);

/*
 * The jump-cache lookup of the lookup stub, emitted at b (inline in a block: its final jump
 * to the block found is predicted per site): r12 = the next pc; every scratch and the target's
 * free registers are clobbered; a miss leaves through exit_plain.
 */
void jit_emit_lookup(X86Buf *b);

/*
 * Inline softmmu TLB probe for an access of size bytes at the guest address in rsi (every
 * target's JIT): the entry of the first byte's page, at tag_off (addr_read or addr_write),
 * must hold the last byte's page with no flag. On a hit rsi becomes the host address; a
 * miss takes the returned jcc (to be patched by the caller) with rsi still the guest address.
 * rax and rcx are scratch.
 */
uint8_t *jit_emit_tlb_probe(X86Buf *b, unsigned size, int32_t tag_off);
/* The same probe leaving rsi the guest address and the entry's addend in rdx on a hit. */
uint8_t *jit_emit_tlb_addend(X86Buf *b, unsigned size, int32_t tag_off);

/* ---- run-time helpers called from JIT code (jit.c) ---- */
typedef struct JitLoad {
    uint64_t val;   /* rax */
    uint64_t fault; /* rdx: nonzero if cpu->tlb->jit_exc/jit_tval hold a trap */
} JitLoad;

/* Loads and stores that missed the inline TLB probe, in the current data context. */
JitLoad jit_helper_load(CPUState *cpu, uint64_t va, unsigned memop); /* size | JIT_MO_SIGN */
uint64_t jit_helper_store(CPUState *cpu, uint64_t va, uint64_t val, unsigned size); /* fault */
/* Take the trap a helper left in cpu->tlb->jit_exc (TCGCPUOps.raise). */
void jit_helper_raise(CPUState *cpu);
/* Record a trap for the raise stub (from a target's helper that returns nonzero). */
static inline void jit_set_trap(CPUState *cpu, int excp, uint64_t tval)
{
    cpu->tlb->jit_exc = excp;
    cpu->tlb->jit_tval = tval;
}

#define JIT_MO_SIGN 0x10

#endif
