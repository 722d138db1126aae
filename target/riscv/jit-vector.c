/*
 * Inline forms of the hottest V records in JIT code (issue 10), with SSE2 on the host:
 * vsetvli/vsetivli (gen_vsetvl), and unit-stride vle<w>.v/vse<w>.v and
 * vadd/vsub/vand/vor/vxor.vv, unmasked, when the record
 * covers exactly one 16-byte vector register: VLEN 128, LMUL 1, SEW = the access's EEW (for
 * the loads and stores), vl = VLMAX, vstart 0, VS already Dirty, and for memory the whole
 * register in one page the data TLB maps for the access. Under those conditions the
 * instruction has no tail, no inactive element and no partial fault, so one 16-byte move
 * (and one packed operation) is all of it; anything else (a guard fails: other vtype or vl,
 * a TLB miss, a code or MMIO page) runs the record through jit_helper_vector, the
 * interpreter's riscv_exec_vector, which stays the reference.
 *
 * Measured with `scripts/bench vector` (memcpy, saxpy and a reduction at e8/e32, m1; CPU
 * seconds, on a loaded 2-core host): every V record through the helper 1.19 s, with the
 * memory and arithmetic forms inline 0.64 s, with vsetvli too 0.39 s (QEMU 7.2: 2.00 s).
 */
#include "target/riscv/jit.h"

#define VEC_GUARDS 16
#define VLENB_FAST 16
#define JIT_VREG(n) x86_mem(JIT_ENV, JIT_ENV_OFF(vreg) + VLENB_FAST * (n))

typedef struct VecGuards {
    uint8_t *jcc[VEC_GUARDS];
    int n;
} VecGuards;

static void guard(VecGuards *g, uint8_t *jcc)
{
    g->jcc[g->n++] = jcc;
}

/* The state every fast form needs: VLEN 128, VS Dirty, vtype valid, vstart 0. */
static void common_guards(JitCtx *c, VecGuards *g)
{
    X86Buf *b = jit_buf(c);

    x86_alu_mi(b, X86_CMP, false, jit_cpu_mem(offsetof(RISCVCPU, vlen)), VLENB_FAST * 8);
    guard(g, x86_jcc(b, X86_CC_NE, NULL));
    x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(mstatus)));
    x86_alu_ri(b, X86_AND, false, X86_RAX, MSTATUS_VS);
    x86_alu_ri(b, X86_CMP, false, X86_RAX, MSTATUS_VS);
    guard(g, x86_jcc(b, X86_CC_NE, NULL));
    x86_cmp_mi8(b, x86_mem(JIT_ENV, JIT_ENV_OFF(vill)), 0);
    guard(g, x86_jcc(b, X86_CC_NE, NULL));
    x86_alu_mi(b, X86_CMP, true, x86_mem(JIT_ENV, JIT_ENV_OFF(vstart)), 0);
    guard(g, x86_jcc(b, X86_CC_NE, NULL));
    x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(vtype)));
    x86_alu_ri(b, X86_AND, false, X86_RAX, 0x3f); /* vsew and vlmul */
}

/* eax = vtype's vsew/vlmul: SEW = 8 << k with LMUL 1, and vl = VLMAX. */
static void sew_guard(JitCtx *c, VecGuards *g, unsigned k)
{
    X86Buf *b = jit_buf(c);

    x86_alu_ri(b, X86_CMP, false, X86_RAX, k << 3);
    guard(g, x86_jcc(b, X86_CC_NE, NULL));
    x86_alu_mi(b, X86_CMP, true, x86_mem(JIT_ENV, JIT_ENV_OFF(vl)), VLENB_FAST >> k);
    guard(g, x86_jcc(b, X86_CC_NE, NULL));
}

/* vle<w>.v / vse<w>.v vd, (rs1): unit stride, one field, unmasked. */
static bool gen_unit_stride(JitCtx *c, uint32_t insn, bool store)
{
    static const int8_t eew_log2[8] = {0, -1, -1, -1, -1, 1, 2, 3};
    X86Buf *b = jit_buf(c);
    unsigned vd = (uint32_t)extract64(insn, 7, 5), width = (uint32_t)extract64(insn, 12, 3);
    VecGuards g = {.n = 0};

    if ((uint32_t)extract64(insn, 20, 12) != 0x020 || eew_log2[width] < 0) {
        return false; /* nf, mew, mop, lumop 0 and vm 1 only */
    }
    jit_ld(c, X86_RSI,
           (uint32_t)extract64(insn, 15, 5)); /* before the guards: no cache change after */
    common_guards(c, &g);
    sew_guard(c, &g, eew_log2[width]);
    guard(&g, jit_vec_tlb_probe(c, VLENB_FAST, store));
    if (store) {
        x86_sse_rm(b, X86_MOVDQU_LOAD, 0, JIT_VREG(vd));
        x86_sse_rm(b, X86_MOVDQU_STORE, 0, x86_mem(X86_RSI, 0));
    } else {
        x86_sse_rm(b, X86_MOVDQU_LOAD, 0, x86_mem(X86_RSI, 0));
        x86_sse_rm(b, X86_MOVDQU_STORE, 0, JIT_VREG(vd));
    }
    jit_vec_fallback(c, g.jcc, g.n);
    return true;
}

/* The packed operation of an OPIVV funct6 at SEW 8 << k, or 0 if not inline. */
static X86SseOp opivv_op(unsigned f6, unsigned k)
{
    static const X86SseOp add[] = {X86_PADDB, X86_PADDW, X86_PADDD, X86_PADDQ};
    static const X86SseOp sub[] = {X86_PSUBB, X86_PSUBW, X86_PSUBD, X86_PSUBQ};

    switch (f6) {
    case 0x00:
        return add[k];
    case 0x02:
        return sub[k];
    case 0x09:
        return X86_PAND;
    case 0x0a:
        return X86_POR;
    case 0x0b:
        return X86_PXOR;
    default:
        return 0;
    }
}

/* vadd/vsub/vand/vor/vxor.vv vd, vs2, vs1, unmasked: one path per SEW. */
static bool gen_opivv(JitCtx *c, uint32_t insn)
{
    X86Buf *b = jit_buf(c);
    unsigned f6 = (uint32_t)extract64(insn, 26, 6), vd = (uint32_t)extract64(insn, 7, 5);
    unsigned vs1 = (uint32_t)extract64(insn, 15, 5), vs2 = (uint32_t)extract64(insn, 20, 5);
    VecGuards g = {.n = 0};
    uint8_t *done[4];

    if ((uint32_t)extract64(insn, 12, 3) != 0 || !(uint32_t)extract64(insn, 25, 1) ||
        !opivv_op(f6, 0)) {
        return false;
    }
    common_guards(c, &g);
    for (unsigned k = 0; k < 4; k++) {
        uint8_t *next;
        x86_alu_ri(b, X86_CMP, false, X86_RAX, k << 3);
        next = x86_jcc(b, X86_CC_NE, NULL);
        x86_alu_mi(b, X86_CMP, true, x86_mem(JIT_ENV, JIT_ENV_OFF(vl)), VLENB_FAST >> k);
        guard(&g, x86_jcc(b, X86_CC_NE, NULL));
        x86_sse_rm(b, X86_MOVDQU_LOAD, 0, JIT_VREG(vs2));
        x86_sse_rm(b, X86_MOVDQU_LOAD, 1, JIT_VREG(vs1));
        x86_sse_rr(b, opivv_op(f6, k), 0, 1);
        x86_sse_rm(b, X86_MOVDQU_STORE, 0, JIT_VREG(vd));
        done[k] = x86_jmp(b, NULL);
        if (next) {
            x86_patch_rel32(next, b->p);
        }
    }
    guard(&g, x86_jmp(b, NULL)); /* another vtype */
    jit_vec_fallback(c, g.jcc, g.n);
    for (unsigned k = 0; k < 4; k++) {
        if (done[k]) {
            x86_patch_rel32(done[k], b->p);
        }
    }
    return true;
}

/*
 * vsetvli / vsetivli with an immediate vtype of LMUL >= 1 that this hart honours (SEW 64
 * needs ELEN 64: a guard): vl = min(AVL, VLMAX) for VLEN 128, vtype set, vill and vstart
 * cleared, x[rd] = vl, as exec_vsetvl (vector.c). The form keeping vl (rs1 = rd = x0) and
 * vsetvl go to the helper. x[rd] is written in env->gpr, as the helper writes it, so both
 * paths leave the register cache alike (rd is dropped from it first).
 */
static bool gen_vsetvl(JitCtx *c, uint32_t insn)
{
    X86Buf *b = jit_buf(c);
    unsigned rd = (uint32_t)extract64(insn, 7, 5), rs1 = (uint32_t)extract64(insn, 15, 5);
    bool uimm = extract64(insn, 30, 2) == 3;
    uint64_t vtype = uimm ? extract64(insn, 20, 10) : extract64(insn, 20, 11);
    unsigned lmul = vtype & 7, sew_log2 = (vtype >> 3) & 7;
    uint32_t vlmax = (VLENB_FAST << lmul) >> sew_log2;
    VecGuards g = {.n = 0};

    if ((extract64(insn, 31, 1) && !uimm) || vtype >> 8 || lmul > 3 || sew_log2 > 3 ||
        (!uimm && rs1 == 0 && rd == 0)) {
        return false;
    }
    if (!uimm && rs1 != 0) {
        jit_ld(c, X86_RDX, rs1);
    }
    jit_forget(c, rd);
    x86_alu_mi(b, X86_CMP, false, jit_cpu_mem(offsetof(RISCVCPU, vlen)), VLENB_FAST * 8);
    guard(&g, x86_jcc(b, X86_CC_NE, NULL));
    if (sew_log2 == 3) {
        x86_alu_mi(b, X86_CMP, false, jit_cpu_mem(offsetof(RISCVCPU, elen)), 64);
        guard(&g, x86_jcc(b, X86_CC_NE, NULL));
    }
    x86_mov_rm(b, false, X86_RAX, x86_mem(JIT_ENV, JIT_ENV_OFF(mstatus)));
    x86_alu_ri(b, X86_AND, false, X86_RAX, MSTATUS_VS);
    x86_alu_ri(b, X86_CMP, false, X86_RAX, MSTATUS_VS);
    guard(&g, x86_jcc(b, X86_CC_NE, NULL));
    x86_mov_ri(b, X86_RAX, uimm ? MIN(rs1, vlmax) : vlmax);
    if (!uimm && rs1 != 0) { /* rax = min(x[rs1], VLMAX), unsigned */
        x86_alu_rr(b, X86_CMP, true, X86_RDX, X86_RAX);
        x86_cmov(b, X86_CC_B, X86_RAX, X86_RDX);
    }
    x86_mov_mr(b, true, x86_mem(JIT_ENV, JIT_ENV_OFF(vl)), X86_RAX);
    if (rd) {
        x86_mov_mr(b, true, JIT_GPR(rd), X86_RAX);
    }
    x86_mov_mi(b, x86_mem(JIT_ENV, JIT_ENV_OFF(vtype)), (int32_t)vtype);
    x86_mov_mi(b, x86_mem(JIT_ENV, JIT_ENV_OFF(vstart)), 0);
    x86_mov_ri(b, X86_RAX, 0);
    x86_store(b, 1, x86_mem(JIT_ENV, JIT_ENV_OFF(vill)), X86_RAX);
    jit_vec_fallback(c, g.jcc, g.n);
    return true;
}

bool jit_gen_vector(JitCtx *c, int op)
{
    uint32_t insn = (uint32_t)jit_rec(c)->imm;

    switch (op) {
    case OP_VSETVL:
        return gen_vsetvl(c, insn);
    case OP_VLOAD:
    case OP_VSTORE:
        return gen_unit_stride(c, insn, op == OP_VSTORE);
    case OP_VARITH:
        return gen_opivv(c, insn);
    default:
        return false;
    }
}
