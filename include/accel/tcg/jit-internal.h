/*
 * JIT internals shared by accel/tcg/jit.c (code arena, trampoline, chaining,
 * run-time helpers) and accel/tcg/jit-riscv.c (records -> x86-64).
 *
 * Host register convention inside JIT code (all callee-saved in the SysV
 * ABI, so they survive calls to C helpers):
 *   rbx  RISCVCPU *cpu
 *   rbp  &env->gpr[16]: every guest register is a disp8 away (JIT_GPR)
 *   r12  virtual pc of the running block (env->pc is stale inside a block)
 *   r13  env->instret (written back at every exit to C)
 *   r14  data TLB table of the current data mmu_idx
 *   rdi, r8-r11, r15: the register cache: guest registers a block uses,
 *        loaded on first use, written back at exits and before C calls
 * rax, rcx, rdx, rsi are scratch. rsp is 16-byte aligned, so helpers are
 * called directly. r12/r13 are written back by the shared exit
 * stubs; a block needs no epilogue of its own.
 */
#ifndef ACCEL_TCG_JIT_INTERNAL_H
#define ACCEL_TCG_JIT_INTERNAL_H

#include <stddef.h>

#include "accel/tcg/jit-x86.h"
#include "accel/tcg/jit.h"
#include "target/riscv/cpu.h"

#define JIT_CPU X86_RBX
#define JIT_ENV X86_RBP
#define JIT_PC X86_R12
#define JIT_INSTRET X86_R13
#define JIT_DTLB X86_R14

#define JIT_ENV_BIAS 128
#define JIT_ENV_OFF(field) ((int32_t)offsetof(CPURISCVState, field) - JIT_ENV_BIAS)
#define JIT_GPR(i) x86_mem(JIT_ENV, JIT_ENV_OFF(gpr) + 8 * (i))
#define JIT_CPU_FIELD(field) x86_mem(JIT_CPU, (int32_t)offsetof(RISCVCPU, field))

/* Shared stubs, emitted once at the start of the arena (jit.c). */
typedef struct JitStubs {
    /* uintptr_t enter(RISCVCPU *cpu, const void *code, CPUTLBEntry *dtlb) */
    uintptr_t (*enter)(RISCVCPU *cpu, const void *code, CPUTLBEntry *dtlb);
    const uint8_t *exit_plain; /* return JIT_EXIT_NEXT; writes r12/r13 back */
    const uint8_t *exit_store; /* return rax; writes r12/r13 back */
    const uint8_t *raise;      /* r12/r13 at the faulting record: take cpu->tlb.jit_exc */
    const uint8_t *lookup;     /* r12 = next pc: continue through the jump cache or exit */
} JitStubs;

extern JitStubs jit_stubs;

/* The value rax carries to exit_store: a block pointer (16-aligned) and a JIT_EXIT_* kind. */
static inline uintptr_t jit_exit_code(TranslationBlock *tb, int kind, int slot)
{
    return (uintptr_t)tb | (uintptr_t)(kind == JIT_EXIT_TAIL ? 3 : slot + 1);
}

/* The operation of a record (OP_COUNT for the end record), or -1 if unknown. */
int jit_record_op(const InsnRecord *r);

/*
 * Translate tb into b. Returns false if nothing could be translated (the
 * first record is unsupported); *n_done is the number of records translated.
 * The caller checks b->overflow.
 */
bool jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done);

/* Translation state of one block (jit-riscv.c), shared with the ALU translator (jit-alu.c). */
typedef struct JitCtx JitCtx;
/*
 * Guest registers through the register cache: jit_rs() is the host register
 * holding guest g (valid until the next jit_rs/jit_st/jit_flush_regs call
 * beyond one more jit_rs: the two most recent stay); jit_ld copies it to h;
 * jit_st sets guest g = h (dropped for x0). jit_flush_regs writes the dirty
 * ones back and empties the cache, before a call to C that may clobber or
 * read them.
 */
X86Reg jit_rs(JitCtx *c, int g);
void jit_ld(JitCtx *c, X86Reg h, int g);
void jit_st(JitCtx *c, int g, X86Reg h);
void jit_flush_regs(JitCtx *c);
/* Translate an ALU record (kind OPK_ALU); false, with nothing emitted, if unsupported. */
bool jit_gen_alu(JitCtx *c, int op);
/* The record being translated, and its buffer. */
const InsnRecord *jit_rec(JitCtx *c);
X86Buf *jit_buf(JitCtx *c);

/* ---- run-time helpers called from JIT code (jit.c) ---- */
typedef struct JitLoad {
    uint64_t val;   /* rax */
    uint64_t fault; /* rdx: nonzero if cpu->tlb.jit_exc/jit_tval hold a trap */
} JitLoad;

JitLoad jit_helper_load(RISCVCPU *cpu, uint64_t va, unsigned memop); /* size | JIT_MO_SIGN */
uint64_t jit_helper_store(RISCVCPU *cpu, uint64_t va, uint64_t val, unsigned size); /* fault */
const void *jit_helper_lookup(RISCVCPU *cpu, uint64_t pc);
void jit_helper_raise(RISCVCPU *cpu);
uint64_t jit_helper_amo(RISCVCPU *cpu, const InsnRecord *r);
uint64_t jit_helper_fp(RISCVCPU *cpu, const InsnRecord *r, uint32_t raw);
uint64_t jit_helper_fp_mem(RISCVCPU *cpu, const InsnRecord *r, uint32_t raw);
void jit_helper_fence(void);

#define JIT_MO_SIGN 0x10

#endif
