/*
 * The JIT's translation of the common double-precision F/D records (chapter
 * 12 of the Unprivileged ISA 20191213). The arithmetic is the interpreter's
 * own: a direct call to the fpu.h function the interpreter's exec-fp.c calls,
 * with the operands taken from env->fpr, the rounding mode resolved here
 * (static, or frm checked for a reserved value) and fflags accumulated in
 * place. Sign injection and moves are a few host instructions. Everything
 * else goes through jit_helper_fp (riscv_exec_fp).
 *
 * Why: an FP workload in Linux (tests/bench/linux/fpmix.c) spent 25% of its
 * time in riscv_exec_fp's dispatch and 6% in jit_helper_fp around the
 * arithmetic (perf, after FP loads and stores got the inline TLB path).
 */
#include "target/riscv/fpu.h"
#include "target/riscv/jit.h"

#define SIGN_D 0x8000000000000000ULL

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
    x86_mov_rm(b, true, X86_RAX, JIT_FPR(r->rs1));
    x86_mov_rm(b, true, X86_RCX, JIT_FPR(r->rs2));
    if (op == OP_FSGNJN_D) {
        x86_unary(b, X86_NOT, true, X86_RCX);
    }
    x86_shift_ri(b, X86_SHR, true, X86_RCX, 63);
    x86_shift_ri(b, X86_SHL, true, X86_RCX, 63);
    if (op != OP_FSGNJX_D) {
        x86_bitop_ri(b, X86_BTR, X86_RAX, 63);
    }
    x86_alu_rr(b, op == OP_FSGNJX_D ? X86_XOR : X86_OR, true, X86_RAX, X86_RCX);
    x86_mov_mr(b, true, JIT_FPR(r->rd), X86_RAX);
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
        x86_mov_mr(b, true, JIT_FPR(r->rd), X86_RAX);
        jit_fp_dirty(c);
    } else {
        x86_mov_rm(b, true, X86_RAX, JIT_FPR(r->rs1));
        jit_st(c, r->rd, X86_RAX);
    }
    return true;
}

bool jit_gen_fp(JitCtx *c, int op)
{
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
