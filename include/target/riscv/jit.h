/*
 * The RISC-V JIT translator (target/riscv/jit-translate.c: blocks, memory,
 * control flow; jit-alu.c: computational records; jit-helper.c: the C
 * helpers its code calls). It implements TCGCPUOps.jit_translate with the
 * encoder, stubs and register convention of accel/tcg
 * (include/accel/tcg/jit-internal.h); rbp points JIT_ENV_BIAS bytes into
 * CPURISCVState, so every guest register is a disp8 away.
 */
#ifndef TARGET_RISCV_JIT_H
#define TARGET_RISCV_JIT_H

#include "accel/tcg/jit-internal.h"
#include "target/riscv/exec.h"

#define JIT_ENV_OFF(field) ((int32_t)offsetof(CPURISCVState, field) - JIT_ENV_BIAS)
#define JIT_GPR(i) x86_mem(JIT_ENV, JIT_ENV_OFF(gpr) + 8 * (i))
#define JIT_FPR(i) x86_mem(JIT_ENV, JIT_ENV_OFF(fpr) + 8 * (i))

/* TCGCPUOps.jit_translate. */
bool riscv_jit_translate(X86Buf *b, TranslationBlock *tb, int *n_done);
/*
 * Whether tb qualifies for loop mode, with the x registers it preloads (JIT_LOOP_REGS of them,
 * -1 for an unused slot) and the mask of those the block writes; for tests.
 */
#define JIT_LOOP_REGS 7
bool riscv_jit_loop_regs(const TranslationBlock *tb, int8_t *guest, uint8_t *dirty);

/* Translation state of one block (jit-translate.c), shared with the ALU translator (jit-alu.c). */
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
/*
 * The host register of guest g (not x0) for an operation to write in place: allocated without
 * loading g, and marked dirty. The two registers jit_rs returned last stay valid.
 */
X86Reg jit_rd(JitCtx *c, int g);
void jit_flush_regs(JitCtx *c);
/*
 * f registers through the FP register cache (xmm2..xmm15, jit-regs.c): jit_frs returns
 * the xmm register holding f[g] (loaded on a miss), jit_frd the one to write f[g] to (marked
 * dirty, not loaded). The three registers named last stay valid; xmm0 and xmm1 are scratch.
 * jit_flush_regs writes them back and empties this cache too.
 */
int jit_frs(JitCtx *c, int g);
int jit_frd(JitCtx *c, int g);
/* Write guest g back if dirty and drop it from the cache (its next use reads env->gpr). */
void jit_forget(JitCtx *c, int g);
/* Translate an ALU record (kind OPK_ALU); false, with nothing emitted, if unsupported. */
bool jit_gen_alu(JitCtx *c, int op);
/* Translate an F/D computational record inline or with a direct call to its fpu.h
 * function (jit-fp.c); false, with nothing emitted, to leave it to jit_helper_fp. */
bool jit_gen_fp(JitCtx *c, int op);
/* A CSR record on fflags/frm/fcsr that reads, or writes a whole value (jit-fp.c); false,
 * with nothing emitted, for any other. */
bool jit_gen_fcsr(JitCtx *c, int op);
/* FS off: raise illegal instruction (emitted before any F/D effect). */
void jit_fp_check(JitCtx *c);
/* After an F/D write: mark FS dirty unless it is (a cold call to riscv_mark_fs_dirty). */
void jit_fp_dirty(JitCtx *c);
/*
 * The FP fast paths' guard (frm = RNE and fflags.NX) once per path instead of once per record:
 * jit_fp_guard_held says it holds here; jit_fp_guard_exit, after a check that sets cc when it
 * fails, hands the block from the current record on to the interpreter when cc holds and
 * marks the guard held from here on. A loop-mode block emits it once before its loop entry
 * when its FP records use it and nothing in the block writes frm or fflags.
 */
bool jit_fp_guard_held(JitCtx *c);
void jit_fp_guard_exit(JitCtx *c, X86Cond cc);
/* The check and its exit (jit-fp.c), for the hoisted form. */
void jit_fp_guard_rne_nx(JitCtx *c);
/* Raise illegal instruction (with the record's bits) when cc holds. */
void jit_branch_to_illegal(JitCtx *c, X86Cond cc);
/*
 * The fallback of an inline fast path: when cc holds, a cold stub runs the record through
 * jit_helper_fp, loads rax with its result (x[rd] if int_rd, else f[rd]) and jumps back to
 * the point jit_fallback_resume marks, where the fast path has its result in rax too. No
 * register-cache change may come between the branch and that point.
 */
typedef struct JitCold *JitFallback;
JitFallback jit_fp_fallback(JitCtx *c, X86Cond cc, bool int_rd);
void jit_fallback_resume(JitCtx *c, JitFallback *k, int n);
/*
 * V inline paths (jit-vector.c): jit_gen_vector emits the fast form of a V record or returns
 * false with nothing emitted. Its guards are jcc rel32 fields (NULL: none) that
 * jit_vec_fallback sends to one cold stub running the record through jit_helper_vector,
 * which resumes after the fast form; the register cache may not change between the first
 * guard and that call. jit_vec_tlb_probe: the inline probe of size bytes at rsi (rsi
 * becomes the host address), returning its miss branch as such a guard.
 */
bool jit_gen_vector(JitCtx *c, int op);
uint8_t *jit_vec_tlb_probe(JitCtx *c, unsigned size, bool store);
void jit_vec_fallback(JitCtx *c, uint8_t *const *guards, int n);
/* The record being translated, and its buffer. */
const InsnRecord *jit_rec(JitCtx *c);
/*
 * Pair fusion: the record after the current one in the block (NULL at the last), and
 * jit_fuse_next, which makes it translated by the current record's code (an ALU record
 * only: it has no cold path needing its own index).
 */
const InsnRecord *jit_next_rec(JitCtx *c);
void jit_fuse_next(JitCtx *c);
X86Buf *jit_buf(JitCtx *c);
/* x[g] is known to hold a sign-extended 32-bit value here (JitCtx.sext32); x0 always is. */
bool jit_known_sext32(const JitCtx *c, int g);
/* The current record's *W result is read only through its low 32 bits (jit_low32_results):
 * its sign extension may be left out, and then it is not known sign-extended. */
bool jit_low32_only(const JitCtx *c);
/* The current record's rd now holds a sign-extended 32-bit value. */
void jit_note_sext32(JitCtx *c);

/*
 * ---- run-time helpers called from JIT code (jit-helper.c); nonzero: trapped ----
 * They take the record by value (12 bytes of integers: rsi and rdx in the SysV ABI,
 * jit_emit_rec_args), never a pointer into the block: code reached through a jump that
 * another hart patched must not read block memory that hart wrote, because nothing orders
 * that read after the write for a checker (ThreadSanitizer saw such pairs, issue 7).
 */
uint64_t jit_helper_amo(CPUState *cpu, InsnRecord r);
uint64_t jit_helper_fp(CPUState *cpu, InsnRecord r, uint32_t raw);
uint64_t jit_helper_vector(CPUState *cpu, InsnRecord r, uint32_t raw); /* OP_VSETVL..VARITH */
/* Load r into rsi:rdx as the helpers above take it. */
void jit_emit_rec_args(X86Buf *b, const InsnRecord *r);

#endif
