/*
 * The JIT's translation of ALU records (RV64I/M computational, Zba, Zbb, Zbc,
 * Zbs, Zicond, Zimop) into x86-64. Semantics follow target/riscv/exec.c, the reference; the
 * operations x86 has no short sequence for (clz/ctz/cpop without assuming LZCNT/POPCNT,
 * orc.b, carry-less multiply) call the functions the interpreter uses (helper.h).
 *
 * Every sequence loads its sources into scratch registers first, so rd may
 * equal rs1 or rs2; except the common two-operand forms (gen_ri, gen_rr, the shifts, mul,
 * lui/auipc), which compute in rd's cache register (in_place).
 */
#include "target/riscv/helper.h"
#include "target/riscv/jit.h"

static RISCVAluHelper alu_helper(int op)
{
    switch (op) {
    case OP_CLZ:
        return riscv_clz;
    case OP_CLZW:
        return riscv_clzw;
    case OP_CTZ:
        return riscv_ctz;
    case OP_CTZW:
        return riscv_ctzw;
    case OP_CPOP:
        return riscv_cpop;
    case OP_CPOPW:
        return riscv_cpopw;
    case OP_ORC_B:
        return riscv_orc_b;
    case OP_CLMUL:
        return riscv_clmul;
    case OP_CLMULH:
        return riscv_clmulh;
    case OP_CLMULR:
        return riscv_clmulr;
    default:
        return NULL;
    }
}

/* rd = rax, sign-extended from 32 bits for the *W forms (unless only the low 32 bits are
 * read: jit_low32_only). */
static void put(JitCtx *c, X86Reg h, bool w32)
{
    w32 = w32 && !jit_low32_only(c);
    if (w32) {
        x86_movsx_rr(jit_buf(c), 32, h, h);
    }
    jit_st(c, jit_rec(c)->rd, h);
    if (w32) {
        jit_note_sext32(c);
    }
}

/*
 * The register an operation rd = rs1 op ... computes in: rd's cache register holding rs1
 * (one reg-reg mov, none if rd == rs1), rather than rax and two more movs through it. rax
 * (loaded with rs1) when rd or rs1 is x0, or when rs2_read and rs2's register, which the
 * operation still reads, is rd's. Measured: smp_bench at -smp 1 (its hot loop is xorshift,
 * shifts, adds and masks), user time 2.02 s -> 1.89 s (median of 3).
 */
static X86Reg in_place(JitCtx *c, int rs1, bool rs2_read)
{
    const InsnRecord *r = jit_rec(c);
    X86Reg s, d;

    if (r->rd == 0 || rs1 == 0 || (rs2_read && r->rd == r->rs2 && r->rd != rs1)) {
        jit_ld(c, X86_RAX, rs1);
        return X86_RAX;
    }
    s = jit_rs(c, rs1);
    d = jit_rd(c, r->rd);
    if (d != s) {
        x86_mov_rr(jit_buf(c), true, d, s);
    }
    return d;
}

/* The result of an in_place operation: sign-extended for the *W forms, then in rd. */
static void put_in_place(JitCtx *c, X86Reg h, bool w32)
{
    if (h == X86_RAX) {
        put(c, h, w32);
    } else if (w32 && !jit_low32_only(c)) {
        x86_movsx_rr(jit_buf(c), 32, h, h);
        jit_note_sext32(c);
    }
}

/*
 * A *W result already sign-extended: srliw by 1..31 (bit 31 clear; x86's 32-bit shift
 * zero-extends) and sext.w (addiw rd, rs, 0) of a value known to be one. The sign extension
 * was a movsx on the dependency chain of xorshift and CRC loops: tests/bench CPU seconds,
 * medians of 6 alternating runs on a loaded host, 0.941 s -> 0.902 s.
 */
static void put_sext_done(JitCtx *c, X86Reg h)
{
    if (h == X86_RAX) {
        jit_st(c, jit_rec(c)->rd, h);
    }
    jit_note_sext32(c);
}

static X86Reg rs2_reg(JitCtx *c)
{
    return jit_rs(c, jit_rec(c)->rs2);
}

/* rax = rs1 op imm (logic/arith), rd = rax */
static void gen_ri(JitCtx *c, X86Alu op, bool w)
{
    const InsnRecord *r = jit_rec(c);
    X86Reg d = in_place(c, r->rs1, false);

    if (r->imm || op != X86_ADD) {
        x86_alu_ri(jit_buf(c), op, w, d, r->imm);
    } else if (!w && jit_known_sext32(c, r->rs1)) {
        put_sext_done(c, d); /* sext.w of a sign-extended value: a move */
        return;
    }
    put_in_place(c, d, !w);
    if (op != X86_ADD && jit_known_sext32(c, r->rs1)) {
        jit_note_sext32(c); /* logic with a 12-bit immediate, sign-extended */
    }
}

/*
 * rd = rs2: c.mv is add rd, x0, rs2. One mov into rd's register, where the general form
 * took three (rax = 0, add, mov to rd): 288 such triples among the blocks of the calls phase
 * of tests/bench (its recursion is all register moves between the s registers). Measured,
 * that phase alone (bench.c with one phase), CPU seconds, medians of 7 alternating runs on a
 * host at load 7-8: 0.095 -> 0.072 s in one set, 0.069 -> 0.068 in another (noise).
 */
static void gen_mv(JitCtx *c)
{
    const InsnRecord *r = jit_rec(c);
    X86Reg s;

    if (!r->rs2) {
        x86_mov_ri(jit_buf(c), jit_rd(c, r->rd), 0);
    } else if (r->rd != r->rs2) {
        s = jit_rs(c, r->rs2);
        x86_mov_rr(jit_buf(c), true, jit_rd(c, r->rd), s);
    }
    if (jit_known_sext32(c, r->rs2)) {
        jit_note_sext32(c);
    }
}

static void gen_rr(JitCtx *c, X86Alu op, bool w)
{
    const InsnRecord *r = jit_rec(c);
    bool logic_sext = (op == X86_XOR || op == X86_OR || op == X86_AND) &&
                      jit_known_sext32(c, r->rs1) && jit_known_sext32(c, r->rs2);
    X86Reg s2, d;

    if (!r->rs1 && w && (op == X86_ADD || op == X86_XOR || op == X86_OR)) {
        gen_mv(c);
        return;
    }
    if ((op == X86_ADD || op == X86_XOR || op == X86_OR || op == X86_AND) && r->rd &&
        r->rd == r->rs2 && r->rs1 && r->rs1 != r->rd) {
        /* rd = rs1 op rd, commutative: in rd's register with the operands swapped. */
        d = jit_rs(c, r->rs2);
        s2 = jit_rs(c, r->rs1);
        jit_rd(c, r->rd); /* d again, now dirty */
        x86_alu_rr(jit_buf(c), op, w, d, s2);
        put_in_place(c, d, !w);
    } else {
        s2 = r->rs2 ? jit_rs(c, r->rs2) : X86_RCX;
        if (!r->rs2) {
            x86_mov_ri(jit_buf(c), X86_RCX, 0);
        }
        d = in_place(c, r->rs1, true);
        x86_alu_rr(jit_buf(c), op, w, d, s2);
        put_in_place(c, d, !w);
    }
    if (logic_sext) {
        jit_note_sext32(c);
    }
}

/* rd = (rs1 cmp rs2/imm) ? 1 : 0 */
static void gen_set(JitCtx *c, X86Cond cc, bool imm)
{
    X86Buf *b = jit_buf(c);

    x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
    jit_ld(c, X86_RAX, jit_rec(c)->rs1);
    if (imm) {
        x86_alu_ri(b, X86_CMP, true, X86_RAX, jit_rec(c)->imm);
    } else {
        x86_alu_rr(b, X86_CMP, true, X86_RAX, rs2_reg(c));
    }
    x86_setcc(b, cc, X86_RDX);
    put(c, X86_RDX, false);
}

/*
 * slli rd, rs, 32; srli rd, rd, 32 (zext.w without Zba): one 32-bit mov, which zero-extends.
 * slli rd, rs, 1..3; add rd, rd, rt (or rt, rd): one lea rd = rt + rs << k, where the pair was
 * a dependent shift and add (the table index of CRC32's loop in tests/bench: one cycle off
 * its dependency chain). The slli's value is overwritten by the second record, and neither
 * can trap, so nothing sees it. Measured on tests/bench's phases alone, CPU seconds, medians
 * of 7/5 alternating runs: crc32 0.272 -> 0.259 s, sieve (zext.w) 0.155 -> 0.139 s. False, with
 * nothing emitted, when the pair is not one of these.
 */
static bool gen_slli_pair(JitCtx *c)
{
    const InsnRecord *r = jit_rec(c), *n = jit_next_rec(c);
    X86Reg s, t;

    if (!n || n->rd != r->rd) {
        return false;
    }
    if (r->imm == 32 && n->op == OP_SRLI && n->imm == 32 && n->rs1 == r->rd) {
        s = jit_rs(c, r->rs1);
        x86_mov_rr(jit_buf(c), false, jit_rd(c, r->rd), s);
        jit_fuse_next(c);
        return true;
    }
    if (r->imm >= 1 && r->imm <= 3 && n->op == OP_ADD && (n->rs1 == r->rd) != (n->rs2 == r->rd)) {
        int rt = n->rs1 == r->rd ? n->rs2 : n->rs1;
        if (rt == 0 || r->rs1 == 0) {
            return false;
        }
        s = jit_rs(c, r->rs1);
        t = jit_rs(c, rt);
        x86_lea(jit_buf(c), jit_rd(c, r->rd), x86_mem_idx(t, s, 1 << r->imm, 0));
        jit_fuse_next(c);
        return true;
    }
    return false;
}

static void gen_shift_i(JitCtx *c, X86Shift op, bool w)
{
    X86Reg d = in_place(c, jit_rec(c)->rs1, false);

    x86_shift_ri(jit_buf(c), op, w, d, jit_rec(c)->imm);
    if (!w && op == X86_SHR && (jit_rec(c)->imm & 31)) {
        put_sext_done(c, d);
        return;
    }
    put_in_place(c, d, !w);
}

/* Shift/rotate by rs2: x86 masks the count by 63 (or 31), as RISC-V does. */
static void gen_shift_r(JitCtx *c, X86Shift op, bool w)
{
    X86Reg d;

    jit_ld(c, X86_RCX, jit_rec(c)->rs2);
    d = in_place(c, jit_rec(c)->rs1, false); /* rs2 is in rcx already */
    x86_shift_rcl(jit_buf(c), op, w, d);
    put_in_place(c, d, !w);
}

/* rax = rs1, rcx = rs2 */
static void ld_both(JitCtx *c)
{
    jit_ld(c, X86_RAX, jit_rec(c)->rs1);
    jit_ld(c, X86_RCX, jit_rec(c)->rs2);
}

static void gen_mulh(JitCtx *c, X86Unary op)
{
    ld_both(c);
    x86_unary(jit_buf(c), op, true, X86_RCX);
    put(c, X86_RDX, false);
}

static void patch_here(X86Buf *b, uint8_t *rel32)
{
    if (rel32) { /* NULL after an overflow */
        x86_patch_rel32(rel32, b->p);
    }
}

/*
 * div[u][w] and rem[u][w] inline (they called riscv_div & co., which wrote every cached
 * register back and reloaded it). x86 faults on a zero divisor and on signed INT_MIN / -1,
 * where RISC-V defines the results (unprivileged ISA, M, "Division Operations"): x / 0 is
 * all ones and x % 0 is x; the signed overflow's quotient is the dividend and its remainder 0.
 * A divisor of -1 takes neg (which wraps INT_MIN to itself) and a remainder of 0, so the
 * overflow needs no test of its own. The *W forms divide the low 32 bits (x86's 32-bit
 * forms) and sign-extend the 32-bit result, also for divuw/remuw.
 */
static void gen_div(JitCtx *c, bool sign, bool rem, bool w64)
{
    X86Buf *b = jit_buf(c);
    uint8_t *zero, *minus1 = NULL, *done, *done_minus1 = NULL;

    ld_both(c);
    x86_test_rr(b, w64, X86_RCX, X86_RCX);
    zero = x86_jcc(b, X86_CC_E, NULL);
    if (sign) {
        x86_alu_ri(b, X86_CMP, w64, X86_RCX, -1);
        minus1 = x86_jcc(b, X86_CC_E, NULL);
        x86_cdq(b, w64);
    } else {
        x86_alu_rr(b, X86_XOR, false, X86_RDX, X86_RDX);
    }
    x86_unary(b, sign ? X86_IDIV : X86_DIV, w64, X86_RCX);
    if (rem) {
        x86_mov_rr(b, true, X86_RAX, X86_RDX);
    }
    done = x86_jmp(b, NULL);
    if (sign) {
        patch_here(b, minus1);
        if (rem) {
            x86_alu_rr(b, X86_XOR, false, X86_RAX, X86_RAX);
        } else {
            x86_unary(b, X86_NEG, w64, X86_RAX);
        }
        done_minus1 = x86_jmp(b, NULL);
    }
    patch_here(b, zero);
    if (!rem) { /* x % 0: the dividend, still in rax */
        x86_mov_ri(b, X86_RAX, UINT64_MAX);
    }
    patch_here(b, done);
    patch_here(b, done_minus1);
    put(c, X86_RAX, !w64);
}

/* mulhsu = mulhu(a, b) - (a < 0 ? b : 0) */
static void gen_mulhsu(JitCtx *c)
{
    X86Buf *b = jit_buf(c);

    jit_ld(c, X86_RAX, jit_rec(c)->rs1);
    jit_ld(c, X86_RSI, jit_rec(c)->rs2);
    x86_mov_rr(b, true, X86_RCX, X86_RAX);
    x86_shift_ri(b, X86_SAR, true, X86_RCX, 63);
    x86_alu_rr(b, X86_AND, true, X86_RCX, X86_RSI);
    x86_unary(b, X86_MUL, true, X86_RSI);
    x86_alu_rr(b, X86_SUB, true, X86_RDX, X86_RCX);
    put(c, X86_RDX, false);
}

/* rd = rs2 + (rs1 [zero-extended from 32 bits]) << sh */
static void gen_shadd(JitCtx *c, int sh, bool uw)
{
    X86Buf *b = jit_buf(c);

    jit_ld(c, X86_RAX, jit_rec(c)->rs2);
    x86_mov_rr(b, !uw, X86_RCX, jit_rs(c, jit_rec(c)->rs1));
    x86_lea(b, X86_RAX, x86_mem_idx(X86_RAX, X86_RCX, 1 << sh, 0));
    put(c, X86_RAX, false);
}

static void gen_minmax(JitCtx *c, X86Cond cc)
{
    ld_both(c);
    x86_alu_rr(jit_buf(c), X86_CMP, true, X86_RAX, X86_RCX);
    x86_cmov(jit_buf(c), cc, X86_RAX, X86_RCX);
    put(c, X86_RAX, false);
}

/* Zicond: rax = rs1, replaced by 0 (edx) when rs2 tests cc (E: czero.eqz, NE: czero.nez). */
static void gen_czero(JitCtx *c, X86Cond cc)
{
    ld_both(c);
    x86_alu_rr(jit_buf(c), X86_XOR, false, X86_RDX, X86_RDX);
    x86_test_rr(jit_buf(c), true, X86_RCX, X86_RCX);
    x86_cmov(jit_buf(c), cc, X86_RAX, X86_RDX);
    put(c, X86_RAX, false);
}

static void gen_bitop(JitCtx *c, X86BitOp op, bool imm)
{
    if (imm) {
        jit_ld(c, X86_RAX, jit_rec(c)->rs1);
        x86_bitop_ri(jit_buf(c), op, X86_RAX, jit_rec(c)->imm);
    } else {
        ld_both(c);
        x86_bitop_rr(jit_buf(c), op, X86_RAX, X86_RCX);
    }
    put(c, X86_RAX, false);
}

static void gen_bext(JitCtx *c, bool imm)
{
    X86Buf *b = jit_buf(c);

    if (imm) {
        jit_ld(c, X86_RAX, jit_rec(c)->rs1);
        x86_shift_ri(b, X86_SHR, true, X86_RAX, jit_rec(c)->imm);
    } else {
        ld_both(c);
        x86_shift_rcl(b, X86_SHR, true, X86_RAX);
    }
    x86_alu_ri(b, X86_AND, false, X86_RAX, 1);
    put(c, X86_RAX, false);
}

/* andn/orn: rs1 op ~rs2; xnor: ~(rs1 ^ rs2) */
static void gen_not_op(JitCtx *c, X86Alu op)
{
    X86Buf *b = jit_buf(c);

    if (op == X86_XOR) {
        jit_ld(c, X86_RAX, jit_rec(c)->rs1);
        x86_alu_rr(b, X86_XOR, true, X86_RAX, rs2_reg(c));
    } else {
        jit_ld(c, X86_RAX, jit_rec(c)->rs2);
        x86_unary(b, X86_NOT, true, X86_RAX);
        x86_alu_rr(b, op, true, X86_RAX, jit_rs(c, jit_rec(c)->rs1));
    }
    if (op == X86_XOR) {
        x86_unary(b, X86_NOT, true, X86_RAX);
    }
    put(c, X86_RAX, false);
}

/* A C call clobbers the cache registers: write them back and take the operands from env. */
static void gen_call(JitCtx *c, RISCVAluHelper fn)
{
    jit_flush_regs(c);
    x86_mov_rm(jit_buf(c), true, X86_RDI, JIT_GPR(jit_rec(c)->rs1));
    x86_mov_rm(jit_buf(c), true, X86_RSI, JIT_GPR(jit_rec(c)->rs2));
    x86_call(jit_buf(c), (const void *)fn);
    put(c, X86_RAX, false);
}

/* The register a result with no source register goes to: rd's, or rax to be dropped (x0). */
static X86Reg rd_reg(JitCtx *c)
{
    return jit_rec(c)->rd ? jit_rd(c, jit_rec(c)->rd) : X86_RAX;
}

static void gen_auipc(JitCtx *c)
{
    int64_t v = (int64_t)jit_rec(c)->pcoff + jit_rec(c)->imm;
    X86Reg d = rd_reg(c);

    if (v >= INT32_MIN && v <= INT32_MAX) {
        x86_lea(jit_buf(c), d, x86_mem(JIT_PC, (int32_t)v));
    } else {
        x86_mov_ri(jit_buf(c), d, (uint64_t)v);
        x86_alu_rr(jit_buf(c), X86_ADD, true, d, JIT_PC);
    }
}

/* sext.b, sext.h, zext.h */
static void gen_extend(JitCtx *c, unsigned bits, bool sign)
{
    X86Reg a = jit_rs(c, jit_rec(c)->rs1);

    if (sign) {
        x86_movsx_rr(jit_buf(c), bits, X86_RAX, a);
    } else {
        x86_movzx_rr(jit_buf(c), bits, X86_RAX, a);
    }
    put(c, X86_RAX, false);
}

static void gen_rev8(JitCtx *c)
{
    jit_ld(c, X86_RAX, jit_rec(c)->rs1);
    x86_bswap(jit_buf(c), X86_RAX);
    put(c, X86_RAX, false);
}

static void gen_slli_uw(JitCtx *c)
{
    x86_mov_rr(jit_buf(c), false, X86_RAX, jit_rs(c, jit_rec(c)->rs1));
    x86_shift_ri(jit_buf(c), X86_SHL, true, X86_RAX, jit_rec(c)->imm);
    put(c, X86_RAX, false);
}

/* rd = rs1 * rs2 in rd's register, multiplied by rs2's own (no copy to rcx first) */
static void gen_mul(JitCtx *c, bool w)
{
    X86Reg s2 = X86_RCX, d;

    if (jit_rec(c)->rs2) {
        s2 = jit_rs(c, jit_rec(c)->rs2);
    } else {
        x86_mov_ri(jit_buf(c), X86_RCX, 0);
    }
    d = in_place(c, jit_rec(c)->rs1, true);
    x86_imul_rr(jit_buf(c), w, d, s2);
    put_in_place(c, d, !w);
}

/* RV64I computational records. */
static bool gen_base(JitCtx *c, int op)
{
    switch (op) {
    case OP_LUI:
        x86_mov_ri(jit_buf(c), rd_reg(c), (uint64_t)(int64_t)jit_rec(c)->imm);
        return true;
    case OP_AUIPC:
        gen_auipc(c);
        return true;
    case OP_ADDI:
        gen_ri(c, X86_ADD, true);
        return true;
    case OP_SLTI:
        gen_set(c, X86_CC_L, true);
        return true;
    case OP_SLTIU:
        gen_set(c, X86_CC_B, true);
        return true;
    case OP_XORI:
        gen_ri(c, X86_XOR, true);
        return true;
    case OP_ORI:
        gen_ri(c, X86_OR, true);
        return true;
    case OP_ANDI:
        gen_ri(c, X86_AND, true);
        return true;
    case OP_SLLI:
        if (!gen_slli_pair(c)) {
            gen_shift_i(c, X86_SHL, true);
        }
        return true;
    case OP_SRLI:
        gen_shift_i(c, X86_SHR, true);
        return true;
    case OP_SRAI:
        gen_shift_i(c, X86_SAR, true);
        return true;
    case OP_ADD:
        gen_rr(c, X86_ADD, true);
        return true;
    case OP_SUB:
        gen_rr(c, X86_SUB, true);
        return true;
    case OP_SLL:
        gen_shift_r(c, X86_SHL, true);
        return true;
    case OP_SLT:
        gen_set(c, X86_CC_L, false);
        return true;
    case OP_SLTU:
        gen_set(c, X86_CC_B, false);
        return true;
    case OP_XOR:
        gen_rr(c, X86_XOR, true);
        return true;
    case OP_SRL:
        gen_shift_r(c, X86_SHR, true);
        return true;
    case OP_SRA:
        gen_shift_r(c, X86_SAR, true);
        return true;
    case OP_OR:
        gen_rr(c, X86_OR, true);
        return true;
    case OP_AND:
        gen_rr(c, X86_AND, true);
        return true;
    default:
        return false;
    }
}

/* The *W forms and M. */
static bool gen_word_mul(JitCtx *c, int op)
{
    switch (op) {
    case OP_ADDIW:
        gen_ri(c, X86_ADD, false);
        return true;
    case OP_SLLIW:
        gen_shift_i(c, X86_SHL, false);
        return true;
    case OP_SRLIW:
        gen_shift_i(c, X86_SHR, false);
        return true;
    case OP_SRAIW:
        gen_shift_i(c, X86_SAR, false);
        return true;
    case OP_ADDW:
        gen_rr(c, X86_ADD, false);
        return true;
    case OP_SUBW:
        gen_rr(c, X86_SUB, false);
        return true;
    case OP_SLLW:
        gen_shift_r(c, X86_SHL, false);
        return true;
    case OP_SRLW:
        gen_shift_r(c, X86_SHR, false);
        return true;
    case OP_SRAW:
        gen_shift_r(c, X86_SAR, false);
        return true;
    case OP_MUL:
        gen_mul(c, true);
        return true;
    case OP_MULW:
        gen_mul(c, false);
        return true;
    case OP_MULH:
        gen_mulh(c, X86_IMUL);
        return true;
    case OP_MULHU:
        gen_mulh(c, X86_MUL);
        return true;
    case OP_MULHSU:
        gen_mulhsu(c);
        return true;
    case OP_DIV ... OP_REMU:
        gen_div(c, op == OP_DIV || op == OP_REM, op >= OP_REM, true);
        return true;
    case OP_DIVW ... OP_REMUW:
        gen_div(c, op == OP_DIVW || op == OP_REMW, op >= OP_REMW, false);
        return true;
    default:
        return false;
    }
}

/* Zba, Zbs. */
static bool gen_zba_zbs(JitCtx *c, int op)
{
    switch (op) {
    case OP_SH1ADD ... OP_SH3ADD:
        gen_shadd(c, op - OP_SH1ADD + 1, false);
        return true;
    case OP_ADD_UW:
        gen_shadd(c, 0, true);
        return true;
    case OP_SH1ADD_UW ... OP_SH3ADD_UW:
        gen_shadd(c, op - OP_SH1ADD_UW + 1, true);
        return true;
    case OP_SLLI_UW:
        gen_slli_uw(c);
        return true;
    case OP_BCLR:
    case OP_BCLRI:
        gen_bitop(c, X86_BTR, op == OP_BCLRI);
        return true;
    case OP_BINV:
    case OP_BINVI:
        gen_bitop(c, X86_BTC, op == OP_BINVI);
        return true;
    case OP_BSET:
    case OP_BSETI:
        gen_bitop(c, X86_BTS, op == OP_BSETI);
        return true;
    case OP_BEXT:
    case OP_BEXTI:
        gen_bext(c, op == OP_BEXTI);
        return true;
    default:
        return false;
    }
}

/* Zbb, Zicond, Zimop. */
static bool gen_zbb(JitCtx *c, int op)
{
    switch (op) {
    case OP_ANDN:
        gen_not_op(c, X86_AND);
        return true;
    case OP_ORN:
        gen_not_op(c, X86_OR);
        return true;
    case OP_XNOR:
        gen_not_op(c, X86_XOR);
        return true;
    case OP_MAX:
        gen_minmax(c, X86_CC_L);
        return true;
    case OP_MAXU:
        gen_minmax(c, X86_CC_B);
        return true;
    case OP_MIN:
        gen_minmax(c, X86_CC_G);
        return true;
    case OP_MINU:
        gen_minmax(c, X86_CC_A);
        return true;
    case OP_SEXT_B:
        gen_extend(c, 8, true);
        return true;
    case OP_SEXT_H:
        gen_extend(c, 16, true);
        return true;
    case OP_ZEXT_H:
        gen_extend(c, 16, false);
        return true;
    case OP_ROL:
    case OP_ROLW:
        gen_shift_r(c, X86_ROL, op == OP_ROL);
        return true;
    case OP_ROR:
    case OP_RORW:
        gen_shift_r(c, X86_ROR, op == OP_ROR);
        return true;
    case OP_RORI:
    case OP_RORIW:
        gen_shift_i(c, X86_ROR, op == OP_RORI);
        return true;
    case OP_REV8:
        gen_rev8(c);
        return true;
    case OP_CZERO_EQZ:
    case OP_CZERO_NEZ:
        gen_czero(c, op == OP_CZERO_EQZ ? X86_CC_E : X86_CC_NE);
        return true;
    case OP_MOP:
        x86_alu_rr(jit_buf(c), X86_XOR, false, X86_RAX, X86_RAX);
        put(c, X86_RAX, false);
        return true;
    default:
        return false;
    }
}

bool jit_gen_alu(JitCtx *c, int op)
{
    RISCVAluHelper fn = alu_helper(op);

    if (jit_rec(c)->rd == 0) {
        return true; /* no effect (the translator already makes these NOPs) */
    }
    if (fn) {
        gen_call(c, fn);
        return true;
    }
    return gen_base(c, op) || gen_word_mul(c, op) || gen_zba_zbs(c, op) || gen_zbb(c, op);
}
