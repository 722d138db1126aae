/*
 * The JIT's translation of the common double-precision F/D records (chapter
 * 12 of the Unprivileged ISA 20191213). The arithmetic is the interpreter's
 * own: a direct call to the fpu.h function the interpreter's exec-fp.c calls,
 * with the operands taken from env->fpr, the rounding mode resolved here
 * (static, or frm checked for a reserved value) and fflags accumulated in
 * place. Sign injection and moves are a few host instructions. Everything
 * else goes through jit_helper_fp (riscv_exec_fp). The inline SSE paths below
 * take their operands from the FP register cache (jit_frs/jit_frd: f registers
 * in xmm2..xmm15 within a block); the calls write it back first.
 *
 * Why: an FP workload in Linux (tests/bench/linux/fpmix.c) spent 25% of its
 * time in riscv_exec_fp's dispatch and 6% in jit_helper_fp around the
 * arithmetic (perf, after FP loads and stores got the inline TLB path). The
 * register cache and the guard once per path (gen_guard) then took fpmix from
 * 1.10 s to 0.69 s of CPU (median of 5 alternate runs against the previous
 * build, host shared with other jobs).
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "target/riscv/fpu.h"
#include "target/riscv/jit.h"

#define SIGN_D 0x8000000000000000ULL
#define JIT_COLD_FP_MAX 6

/* KESTREL_JIT_NOSSE=1 turns the inline SSE paths off (to compare, or to bisect a miscompile). */
static bool jit_sse_enabled(void)
{
    static int on = -1;
    if (on < 0) {
        const char *e = getenv("KESTREL_JIT_NOSSE");
        on = !(e && *e && strcmp(e, "0"));
    }
    return on;
}

typedef uint64_t (*FpBinary)(uint64_t a, uint64_t b, int rm, uint32_t *fflags);
typedef uint64_t (*FpTernary)(uint64_t a, uint64_t b, uint64_t c, int rm, uint32_t *fflags);

/* fsqrt.d through the binary-call shape (b unused). */
static uint64_t sqrt_d(uint64_t a, uint64_t b, int rm, uint32_t *fflags)
{
    return fpu_sqrt_d(a, rm, fflags);
}

/*
 * Resolve the record's rounding mode into host register r: static modes are constants,
 * rm = dyn reads frm, which must not hold a reserved value (5..7: illegal instruction).
 * False for a reserved static mode (the generic helper raises it).
 */
static bool gen_rm(JitCtx *c, X86Reg r)
{
    X86Buf *b = jit_buf(c);
    unsigned rm = jit_rec(c)->aux;

    if (rm == RISCV_RM_DYN) {
        x86_mov_rm(b, false, r, x86_mem(JIT_ENV, JIT_ENV_OFF(frm)));
        x86_alu_ri(b, X86_CMP, false, r, FPU_RM_RMM);
        jit_branch_to_illegal(c, X86_CC_A);
        return true;
    }
    if (rm > FPU_RM_RMM) {
        return false;
    }
    x86_mov_ri(b, r, rm);
    return true;
}

/* f[rd] = fn(f[rs1], f[rs2] [, f[rs3]], rm, &fflags) */
static bool gen_call(JitCtx *c, const void *fn, bool ternary)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);
    X86Reg rm_reg = ternary ? X86_RCX : X86_RDX;

    if (jit_rec(c)->aux != RISCV_RM_DYN && jit_rec(c)->aux > FPU_RM_RMM) {
        return false;
    }
    jit_fp_check(c);
    jit_flush_regs(c); /* the call clobbers the cached guest registers */
    gen_rm(c, rm_reg);
    x86_mov_rm(b, true, X86_RDI, JIT_FPR(r->rs1));
    x86_mov_rm(b, true, X86_RSI, JIT_FPR(r->rs2));
    if (ternary) {
        x86_mov_rm(b, true, X86_RDX, JIT_FPR(r->rs3));
        x86_lea(b, X86_R8, x86_mem(JIT_ENV, JIT_ENV_OFF(fflags)));
    } else {
        x86_lea(b, X86_RCX, x86_mem(JIT_ENV, JIT_ENV_OFF(fflags)));
    }
    x86_call(b, fn);
    x86_mov_mr(b, true, JIT_FPR(r->rd), X86_RAX);
    jit_fp_dirty(c);
    return true;
}

/* fsgnj.d, fsgnjn.d, fsgnjx.d: the sign of rs2 (negated, xored) on the rest of rs1. */
static bool gen_sgnj(JitCtx *c, int op)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);

    jit_fp_check(c);
    x86_movq_rx(b, X86_RAX, jit_frs(c, r->rs1));
    x86_movq_rx(b, X86_RCX, jit_frs(c, r->rs2));
    if (op == OP_FSGNJN_D) {
        x86_unary(b, X86_NOT, true, X86_RCX);
    }
    x86_shift_ri(b, X86_SHR, true, X86_RCX, 63);
    x86_shift_ri(b, X86_SHL, true, X86_RCX, 63);
    if (op != OP_FSGNJX_D) {
        x86_bitop_ri(b, X86_BTR, X86_RAX, 63);
    }
    x86_alu_rr(b, op == OP_FSGNJX_D ? X86_XOR : X86_OR, true, X86_RAX, X86_RCX);
    x86_movq_xr(b, jit_frd(c, r->rd), X86_RAX);
    jit_fp_dirty(c);
    return true;
}

/* fmv.d.x (f[rd] = x[rs1]) and fmv.x.d (x[rd] = f[rs1], no FP state change). */
static bool gen_fmv(JitCtx *c, bool to_f)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);

    jit_fp_check(c);
    if (to_f) {
        jit_ld(c, X86_RAX, r->rs1);
        x86_movq_xr(b, jit_frd(c, r->rd), X86_RAX);
        jit_fp_dirty(c);
    } else {
        x86_movq_rx(b, X86_RAX, jit_frs(c, r->rs1));
        jit_st(c, r->rd, X86_RAX);
    }
    return true;
}

/*
 * Inline SSE2/FMA3. The host runs JIT code in the C default MXCSR (nearest, no FTZ/DAZ, all
 * exceptions masked: fpu-host.c relies on it too), so a fast path needs the effective
 * rounding mode to be RNE. Its flags stay exact without reading MXCSR (a read stalls until
 * the operation retires) because it only runs when fflags.NX has already accrued (it stays
 * set in practice) and the result rules out every other flag: a finite sum cannot underflow
 * (an inexact sum is never tiny) nor be invalid, so only an infinite or NaN sum goes to the
 * helper; for products, quotients, roots and fused multiply-adds the result must be normal
 * and at least twice the smallest normal (not tiny after rounding, no OF/DZ/NV). Anything
 * else, and NaN results (x86 keeps payloads, RISC-V returns the canonical NaN), takes the
 * fallback: the generic helper, the reference semantics.
 */
enum { GUARD_RNE = 1, GUARD_NX = 2 };

static bool guard_possible(JitCtx *c, unsigned need)
{
    unsigned rm = jit_rec(c)->aux;
    return rm == RISCV_RM_DYN || (rm <= FPU_RM_RMM && (!(need & GUARD_RNE) || rm == FPU_RM_RNE));
}

/*
 * ZF = (frm == RNE && fflags.NX) from one load: frm and fflags are adjacent (rax = frm |
 * fflags << 32); NX (bit 32) is complemented, then shl 31 keeps frm's 32 bits and NX alone.
 * It replaced two loads and four ALU operations on every dyn-rm fast path (fpmix: glibc
 * and gcc emit dyn everywhere).
 */
_Static_assert(offsetof(CPURISCVState, fflags) == offsetof(CPURISCVState, frm) + 4,
               "the RNE+NX guard loads frm and fflags together");
_Static_assert(FPU_NX == 1, "the RNE+NX guard tests NX as bit 0 of fflags");

static void gen_guard_rne_nx(X86Buf *b)
{
    x86_mov_rm(b, true, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(frm)));
    x86_bitop_ri(b, X86_BTC, X86_RAX, 32);
    x86_shift_ri(b, X86_SHL, true, X86_RAX, 31);
}

void jit_fp_guard_rne_nx(JitCtx *c)
{
    gen_guard_rne_nx(jit_buf(c));
    jit_fp_guard_exit(c, X86_CC_NE);
}

/*
 * Branch to fb[*n] unless the guard holds; false (nothing emitted) if it never can. With the
 * dynamic rounding mode the whole RNE+NX check runs once per path (jit_fp_guard_exit: when it
 * fails, the interpreter takes the rest of the block); later records need no check. Measured
 * on fpmix in Linux (glibc and gcc use dyn everywhere): four instructions less per FP record.
 */
static bool gen_guard(JitCtx *c, unsigned need, bool int_rd, JitFallback *fb, int *n)
{
    X86Buf *b = jit_buf(c);
    unsigned rm = jit_rec(c)->aux;

    if (!guard_possible(c, need)) {
        return false;
    }
    jit_fp_check(c);
    if (jit_fp_guard_held(c)) {
        return true;
    }
    if (rm == RISCV_RM_DYN && need == (GUARD_RNE | GUARD_NX)) {
        jit_fp_guard_rne_nx(c);
        return true;
    }
    if (rm == RISCV_RM_DYN && (need & GUARD_RNE)) { /* RNE alone (with NX: just above) */
        x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(frm)));
        x86_test_rr(b, false, X86_RAX, X86_RAX);
        fb[(*n)++] = jit_fp_fallback(c, X86_CC_NE, int_rd);
        return true;
    }
    if (rm == RISCV_RM_DYN) { /* only a reserved frm matters: the helper raises it */
        x86_alu_mi(b, X86_CMP, false, x86_mem(JIT_ENV, JIT_ENV_OFF(frm)), FPU_RM_RMM);
        fb[(*n)++] = jit_fp_fallback(c, X86_CC_A, int_rd);
    }
    if (need & GUARD_NX) {
        x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(fflags)));
        x86_alu_ri(b, X86_AND, false, X86_RAX, FPU_NX);
        fb[(*n)++] = jit_fp_fallback(c, X86_CC_E, int_rd);
    }
    return true;
}

/*
 * Singles must be NaN-boxed (else they read as the canonical NaN: the helper's case); xregs
 * are the cached operands' xmm registers.
 */
static void gen_boxed(JitCtx *c, const int *xregs, int nregs, bool int_rd, JitFallback *fb, int *n)
{
    X86Buf *b = jit_buf(c);

    x86_movq_rx(b, X86_RAX, xregs[0]);
    for (int i = 1; i < nregs; i++) {
        x86_movq_rx(b, X86_RCX, xregs[i]);
        x86_alu_rr(b, X86_AND, true, X86_RAX, X86_RCX);
    }
    x86_shift_ri(b, X86_SHR, true, X86_RAX, 32);
    x86_alu_ri(b, X86_CMP, false, X86_RAX, -1);
    fb[(*n)++] = jit_fp_fallback(c, X86_CC_NE, int_rd);
}

/*
 * To the fallback unless the exponent of xmm0's result is below all-ones (finite_ok) or in
 * [2, max - 1]. A single result is NaN-boxed already: the scalar single operations keep
 * bits 32..127 of their destination, a copy of a first operand gen_boxed checked.
 */
static void gen_result_check(JitCtx *c, bool dbl, bool finite_ok, JitFallback *fb, int *n)
{
    X86Buf *b = jit_buf(c);
    int emax = dbl ? 0x7ff : 0xff;

    /* the exponent alone: shl drops the sign (and a single's box), shr the mantissa */
    x86_movq_rx(b, X86_RAX, 0);
    x86_shift_ri(b, X86_SHL, true, X86_RAX, dbl ? 1 : 33);
    x86_shift_ri(b, X86_SHR, true, X86_RAX, dbl ? 53 : 56);
    if (finite_ok) {
        x86_alu_ri(b, X86_CMP, false, X86_RAX, emax);
        fb[(*n)++] = jit_fp_fallback(c, X86_CC_E, false);
    } else {
        x86_alu_ri(b, X86_SUB, false, X86_RAX, 2);
        x86_alu_ri(b, X86_CMP, false, X86_RAX, emax - 2);
        fb[(*n)++] = jit_fp_fallback(c, X86_CC_AE, false);
    }
}

/*
 * f[rd] = xmm0 at the merge point of the fast path and its fallbacks (a register move, which
 * the host renames away: the result stays in a register for the next record).
 */
static void gen_fp_result(JitCtx *c, JitFallback *fb, int n)
{
    jit_fallback_resume(c, fb, n);
    x86_sse_rr(jit_buf(c), X86_MOVAPS, jit_frd(c, jit_rec(c)->rd), 0);
    jit_fp_dirty(c);
}

/*
 * The xmm registers of a record's FP sources, loaded into the cache before the first guard:
 * a fallback resumes with the cache as it was at its branch, so no guard may come before a
 * cache change.
 */
static void fp_sources(JitCtx *c, const int *regs, int nregs, int *xregs)
{
    jit_fp_check(c);
    for (int i = 0; i < nregs; i++) {
        xregs[i] = jit_frs(c, regs[i]);
    }
}

/* fadd/fsub/fmul/fdiv/fsqrt and the fused multiply-adds, .s (dbl false) and .d. */
static bool gen_sse_arith(JitCtx *c, int k, bool dbl)
{
    static const X86SseOp sd[] = {X86_ADDSD, X86_SUBSD, X86_MULSD, X86_DIVSD, X86_SQRTSD};
    static const X86SseOp ss[] = {X86_ADDSS, X86_SUBSS, X86_MULSS, X86_DIVSS, X86_SQRTSS};
    static const X86FmaOp fma[] = {X86_VFMADD231, X86_VFMSUB231, X86_VFNMADD231, X86_VFNMSUB231};
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);
    bool is_fma = k >= 5, unary = k == 4;
    int regs[3] = {r->rs1, r->rs2, r->rs3}, nregs = is_fma ? 3 : unary ? 1 : 2, x[3];
    JitFallback fb[JIT_COLD_FP_MAX];
    int n = 0;

    if ((is_fma && !fpu_host_has_fma()) || !guard_possible(c, GUARD_RNE | GUARD_NX)) {
        return false;
    }
    fp_sources(c, regs, nregs, x);
    gen_guard(c, GUARD_RNE | GUARD_NX, false, fb, &n);
    if (!dbl) {
        gen_boxed(c, x, nregs, false, fb, &n);
    }
    /* xmm0 starts as a full copy of an operand: the scalar op then merges into nothing older */
    if (is_fma) { /* xmm0 = rs3 (+-) rs1 * rs2 */
        x86_sse_rr(b, X86_MOVAPS, 0, x[2]);
        x86_vfma231_rr(b, fma[k - 5], dbl, 0, x[0], x[1]);
    } else if (unary) {
        x86_sse_rr(b, X86_MOVAPS, 0, x[0]);
        x86_sse_rr(b, (dbl ? sd : ss)[k], 0, 0);
    } else {
        x86_sse_rr(b, X86_MOVAPS, 0, x[0]);
        x86_sse_rr(b, (dbl ? sd : ss)[k], 0, x[1]);
    }
    gen_result_check(c, dbl, k <= 1, fb, &n);
    gen_fp_result(c, fb, n);
    return true;
}

/* feq/flt/fle: ordered operands compare without flags; unordered ones go to the helper. */
static bool gen_sse_cmp(JitCtx *c, X86Cond cc, bool dbl)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);
    int regs[2] = {r->rs1, r->rs2}, x[2];
    JitFallback fb[JIT_COLD_FP_MAX];
    int n = 0;

    fp_sources(c, regs, 2, x);
    if (!dbl) {
        gen_boxed(c, x, 2, true, fb, &n);
    }
    x86_mov_ri(b, X86_RAX, 0); /* before the compare: mov leaves the flags alone */
    x86_sse_rr(b, dbl ? X86_UCOMISD : X86_UCOMISS, x[0], x[1]);
    fb[n++] = jit_fp_fallback(c, X86_CC_P, true);
    x86_setcc(b, cc, X86_RAX);
    jit_fallback_resume(c, fb, n);
    jit_st(c, r->rd, X86_RAX);
    return true;
}

/* fcvt.{s,d}.{w,wu,l} (int to float): w/wu are exact; l rounds (RNE, NX guard). */
static bool gen_cvt_from_int(JitCtx *c, int k, bool dbl)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);
    bool exact = dbl && k < 2;
    JitFallback fb[JIT_COLD_FP_MAX];
    int n = 0;

    unsigned need = exact ? 0 : GUARD_RNE | GUARD_NX;

    if (k == 3 || !guard_possible(c, need)) {
        return false;
    }
    jit_ld(c, X86_RDX, r->rs1); /* before the guard's fallbacks: they keep this cache state */
    gen_guard(c, need, false, fb, &n);
    if (k == 1) {
        x86_mov_rr(b, false, X86_RDX, X86_RDX);
    }
    x86_sse_rr(b, X86_XORPS, 0, 0); /* cvtsi2sd merges into xmm0: no wait for its last writer */
    x86_cvtsi2f(b, dbl, k != 0, 0, X86_RDX);
    if (!dbl) {
        x86_movq_rx(b, X86_RAX, 0);
        x86_mov_ri(b, X86_RCX, 0xffffffff00000000ULL);
        x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
        x86_movq_xr(b, 0, X86_RAX);
    }
    gen_fp_result(c, fb, n);
    return true;
}

/* fcvt.w.d / fcvt.l.d (and .s): RTZ by cvtt, RNE by cvt; the x86 "indefinite" result
 * (NaN, out of range, or the one value that equals it) and no NX yet go to the helper. */
static bool gen_cvt_to_int(JitCtx *c, bool w64, bool dbl)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);
    bool rtz = r->aux == FPU_RM_RTZ;
    unsigned need = rtz ? GUARD_NX : GUARD_RNE | GUARD_NX;
    int regs[1] = {r->rs1}, x[1];
    JitFallback fb[JIT_COLD_FP_MAX];
    int n = 0;

    if (!guard_possible(c, need)) {
        return false;
    }
    fp_sources(c, regs, 1, x);
    gen_guard(c, need, true, fb, &n);
    if (!dbl) {
        gen_boxed(c, x, 1, true, fb, &n);
    }
    x86_cvtf2si(b, dbl, rtz, w64, X86_RAX, x[0]);
    x86_mov_ri(b, X86_RCX, w64 ? 1ULL << 63 : 1ULL << 31);
    x86_alu_rr(b, X86_CMP, w64, X86_RAX, X86_RCX);
    fb[n++] = jit_fp_fallback(c, X86_CC_E, true);
    if (!w64) {
        x86_movsx_rr(b, 32, X86_RAX, X86_RAX);
    }
    jit_fallback_resume(c, fb, n);
    jit_st(c, r->rd, X86_RAX);
    return true;
}

static bool gen_sse(JitCtx *c, int op)
{
    switch (op) {
    case OP_FADD_D ... OP_FSQRT_D:
        return gen_sse_arith(c, op - OP_FADD_D, true);
    case OP_FMADD_D ... OP_FNMADD_D:
        return gen_sse_arith(c, 5 + op - OP_FMADD_D, true);
    case OP_FADD_S ... OP_FSQRT_S:
        return gen_sse_arith(c, op - OP_FADD_S, false);
    case OP_FMADD_S ... OP_FNMADD_S:
        return gen_sse_arith(c, 5 + op - OP_FMADD_S, false);
    case OP_FEQ_D ... OP_FLE_D:
        return gen_sse_cmp(c, (X86Cond[]){X86_CC_E, X86_CC_B, X86_CC_BE}[op - OP_FEQ_D], true);
    case OP_FEQ_S ... OP_FLE_S:
        return gen_sse_cmp(c, (X86Cond[]){X86_CC_E, X86_CC_B, X86_CC_BE}[op - OP_FEQ_S], false);
    case OP_FCVT_D_W ... OP_FCVT_D_LU:
        return gen_cvt_from_int(c, op - OP_FCVT_D_W, true);
    case OP_FCVT_S_W ... OP_FCVT_S_LU:
        return gen_cvt_from_int(c, op - OP_FCVT_S_W, false);
    case OP_FCVT_W_D:
    case OP_FCVT_L_D:
        return gen_cvt_to_int(c, op == OP_FCVT_L_D, true);
    case OP_FCVT_W_S:
    case OP_FCVT_L_S:
        return gen_cvt_to_int(c, op == OP_FCVT_L_S, false);
    default:
        return false;
    }
}

/*
 * frflags/fsflags/frrm/fsrm/frcsr/fscsr and their immediate forms, as csr.c's fflags, frm
 * and fcsr: FS off is illegal; a write stores the masked fields and marks FS dirty. glibc's
 * sqrt brackets a compare with frflags/fsflags: an n-body loop ran those through the
 * interpreter, and every block holding one returned to the run loop.
 */
bool jit_gen_fcsr(JitCtx *c, int op)
{
    X86Buf *b = jit_buf(c);
    const InsnRecord *r = jit_rec(c);
    unsigned csr = r->imm & 0xfff;
    bool write = op == OP_CSRRW || op == OP_CSRRWI;
    X86Mem fflags = x86_mem(JIT_ENV, JIT_ENV_OFF(fflags)), frm = x86_mem(JIT_ENV, JIT_ENV_OFF(frm));

    if (csr < CSR_FFLAGS || csr > CSR_FCSR || (!write && r->rs1 != 0)) {
        return false; /* a set/clear that may write: the interpreter */
    }
    jit_fp_check(c);
    if (csr == CSR_FCSR) {
        x86_mov_rm(b, false, X86_RAX, frm);
        x86_shift_ri(b, X86_SHL, false, X86_RAX, 5);
        x86_alu_rm(b, X86_OR, false, X86_RAX, fflags);
    } else {
        x86_mov_rm(b, false, X86_RAX, csr == CSR_FFLAGS ? fflags : frm);
    }
    if (write) {
        if (op == OP_CSRRW) {
            jit_ld(c, X86_RDX, r->rs1);
        } else {
            x86_mov_ri(b, X86_RDX, r->rs1);
        }
        x86_mov_rr(b, false, X86_RCX, X86_RDX);
        if (csr != CSR_FRM) {
            x86_alu_ri(b, X86_AND, false, X86_RCX, 0x1f);
            x86_mov_mr(b, false, fflags, X86_RCX);
            x86_shift_ri(b, X86_SHR, false, X86_RDX, 5);
        }
        if (csr != CSR_FFLAGS) {
            x86_alu_ri(b, X86_AND, false, X86_RDX, 7);
            x86_mov_mr(b, false, frm, X86_RDX);
        }
    }
    jit_st(c, r->rd, X86_RAX);
    if (write) {
        jit_fp_dirty(c);
    }
    return true;
}

bool jit_gen_fp(JitCtx *c, int op)
{
    if (jit_sse_enabled() && gen_sse(c, op)) {
        return true;
    }

    static const FpBinary binary[] = {fpu_add_d, fpu_sub_d, fpu_mul_d, fpu_div_d, sqrt_d};
    static const FpTernary ternary[] = {fpu_madd_d, fpu_msub_d, fpu_nmsub_d, fpu_nmadd_d};

    switch (op) {
    case OP_FADD_D ... OP_FSQRT_D:
        return gen_call(c, (const void *)binary[op - OP_FADD_D], false);
    case OP_FMADD_D ... OP_FNMADD_D:
        return gen_call(c, (const void *)ternary[op - OP_FMADD_D], true);
    case OP_FSGNJ_D ... OP_FSGNJX_D:
        return gen_sgnj(c, op);
    case OP_FMV_D_X:
        return gen_fmv(c, true);
    case OP_FMV_X_D:
        return gen_fmv(c, false);
    default:
        return false;
    }
}
