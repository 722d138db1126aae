/*
 * The x86 JIT's inline register forms beyond jit-inline.c's mov/ALU/shift-by-constant (perf
 * of the x86boot bench: x86_exec_shift, imul, cmov, movzx, grp3 among the hottest handlers):
 * shl/shr/sar by cl, imul r, r/m (and r, r/m, imm), cmovcc, setcc, inc/dec, not/neg,
 * movzx/movsx/movsxd, xchg, bt/bts/btr/btc, cbw/cwd forms and bswap, each on 32- and 64-bit
 * registers only. Each does what its handler does (exec-alu.c, exec-muldiv.c, exec-data.c):
 * the same env->regs and the same flags, lazy (x86_cc_record: inc/dec keep CF in b) or
 * computed (x86_set_cc: imul, bt), so the interpreter and the flags readers (cc_helper.c)
 * cannot tell which engine ran an instruction. None of them can fault or move rip.
 * Measured with jit-translate.c's leaner calls (x86boot, CPU seconds to "Linux version" /
 * the init marker, base and this alternately): before 11.97 / 21.28, 11.85 / 24.20; after
 * 9.84 / 18.06, 9.76 / 17.93, 11.14 / 19.43 (QEMU 3.2-3.6 / 6.2-7.0).
 */
#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

#define ENV_FIELD(f) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, f) - JIT_ENV_BIAS)
#define GREG(r) ENV_FIELD(regs[(r)])

/* Guest register reg = all 64 bits of src (env and the cache, jit-regs.c). */
static void put_reg(X86Buf *b, int reg, X86Reg src)
{
    x86_mov_mr(b, true, GREG(reg), src);
    x86_jit_regs_written(b, reg, src);
}

/* dst = guest register reg, 32 bits zero-extended or 64 (not inside a diamond: it may take
 * a copy, jit-regs.c). */
static void get_reg(X86Buf *b, bool w, X86Reg dst, int reg)
{
    x86_mov_rr(b, w, dst, x86_jit_regs_get(b, reg));
}

static void patch_here(X86Buf *b, uint8_t *branch)
{
    if (branch) {
        x86_patch_rel32(branch, b->p);
    }
}

X86Mem x86_jit_reg(const X86Insn *d, int reg, int size)
{
    X86Mem m = GREG(reg);

    if (size == 1 && !d->rex && reg >= 4 && reg < 8) {
        m = GREG(reg - 4);
        m.disp += 1;
    }
    return m;
}

/* After x86_set_cc: the flags are in env->eflags (cc.op = X86_CC_EFLAGS; size kept). */
static void store_eflags_op(X86Buf *b, X86Reg scratch)
{
    x86_alu_rr(b, X86_XOR, false, scratch, scratch);
    x86_store(b, 1, ENV_FIELD(cc.op), scratch);
    x86_jit_cc_stored = 0;
}

/*
 * rax = EFLAGS, as x86_get_eflags. Inline where the translator knows the record (tb-info.h):
 * right after an add, sub or logic op of 32 or 64 bits the host's flags are the guest's
 * (pushf; a logic op's AF is undefined on the host and clear in the record), and after an
 * inline rotate, bt or imul they are in env->eflags already. Else the call, which reloads
 * the cached register copies. The kernel's SHA-256 (rotates between loads and stores, whose
 * flags some access may see) made 105 million x86_get_eflags calls per boot.
 */
static void gen_get_eflags(X86Buf *b, unsigned known)
{
    int op = known & 0xff;

    if (known & X86_JIT_CC_IN_EFLAGS) {
        x86_mov_rm(b, true, X86_RAX, ENV_FIELD(eflags));
        return;
    }
    if (!(known & X86_JIT_CC_HOST) ||
        (op != X86_CC_ADD && op != X86_CC_SUB && op != X86_CC_LOGIC)) {
        x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
        x86_jit_call(b, x86_get_eflags);
        return;
    }
    x86_pushf(b); /* before anything else touches the host's flags */
    x86_pop(b, X86_RCX);
    x86_alu_ri(b, X86_AND, false, X86_RCX, op == X86_CC_LOGIC ? CC_ARITH & ~CC_A : CC_ARITH);
    x86_mov_rm(b, true, X86_RAX, ENV_FIELD(eflags));
    x86_alu_ri(b, X86_AND, true, X86_RAX, ~CC_ARITH);
    x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
}

/* r8 = CF from a record the translator knows (tb-info.h); false if not one of these. */
static bool gen_carry_known(X86Buf *b, unsigned known)
{
    int op = known & 0xff;

    if (op != X86_CC_ADD && op != X86_CC_SUB && op != X86_CC_LOGIC) {
        return false;
    }
    if (op != X86_CC_LOGIC && (known & X86_JIT_CC_HOST)) {
        x86_setcc(b, X86_CC_B, X86_R8);
        x86_movzx_rr(b, 8, X86_R8, X86_R8);
        return true;
    }
    x86_alu_rr(b, X86_XOR, false, X86_R8, X86_R8);
    if (op == X86_CC_ADD) { /* res < a */
        x86_mov_rm(b, true, X86_RAX, ENV_FIELD(cc.res));
        x86_alu_rm(b, X86_CMP, true, X86_RAX, ENV_FIELD(cc.a));
        x86_setcc(b, X86_CC_B, X86_R8);
    } else if (op == X86_CC_SUB) { /* a < b */
        x86_mov_rm(b, true, X86_RAX, ENV_FIELD(cc.a));
        x86_alu_rm(b, X86_CMP, true, X86_RAX, ENV_FIELD(cc.b));
        x86_setcc(b, X86_CC_B, X86_R8);
    }
    return true;
}

/*
 * r8 = CF of the lazy flags, 0 or 1, as x86_cc_carry: straight from the record for add,
 * sub, logic, inc and dec, through x86_cc_carry otherwise. Clobbers the caller-saved
 * registers.
 */
void x86_jit_gen_carry(X86Buf *b, unsigned known)
{
    static const struct {
        uint8_t op;
        uint16_t lo, hi; /* CF = lo < hi */
    } cmp[] = {{X86_CC_ADD, offsetof(CPUX86State, cc.res), offsetof(CPUX86State, cc.a)},
               {X86_CC_SUB, offsetof(CPUX86State, cc.a), offsetof(CPUX86State, cc.b)}};
    uint8_t *done[6] = {0}, *other, *slow;
    int n = 0;

    if (gen_carry_known(b, known)) {
        return;
    }
    x86_alu_rr(b, X86_XOR, false, X86_R8, X86_R8);
    x86_load(b, 1, false, X86_RDX, ENV_FIELD(cc.op));
    for (unsigned i = 0; i < ARRAY_SIZE(cmp); i++) {
        x86_alu_ri(b, X86_CMP, false, X86_RDX, cmp[i].op);
        other = x86_jcc(b, X86_CC_NE, NULL);
        x86_mov_rm(b, true, X86_RAX, x86_mem(JIT_ENV, cmp[i].lo - JIT_ENV_BIAS));
        x86_alu_rm(b, X86_CMP, true, X86_RAX, x86_mem(JIT_ENV, cmp[i].hi - JIT_ENV_BIAS));
        x86_setcc(b, X86_CC_B, X86_R8);
        done[n++] = x86_jmp(b, NULL);
        patch_here(b, other);
    }
    x86_alu_ri(b, X86_CMP, false, X86_RDX, X86_CC_LOGIC);
    done[n++] = x86_jcc(b, X86_CC_E, NULL); /* CF = 0 */
    x86_alu_ri(b, X86_CMP, false, X86_RDX, X86_CC_INC);
    other = x86_jcc(b, X86_CC_E, NULL);
    x86_alu_ri(b, X86_CMP, false, X86_RDX, X86_CC_DEC);
    slow = x86_jcc(b, X86_CC_NE, NULL);
    patch_here(b, other);
    x86_mov_rm(b, true, X86_R8, ENV_FIELD(cc.b)); /* inc/dec: the CF kept, 0 or CC_C */
    done[n++] = x86_jmp(b, NULL);
    patch_here(b, slow);
    x86_lea(b, X86_RDI, x86_mem(JIT_ENV, -JIT_ENV_BIAS));
    x86_jit_call(b, x86_cc_carry);
    x86_movzx_rr(b, 8, X86_R8, X86_RAX); /* a bool return is al only */
    for (int i = 0; i < n; i++) {
        patch_here(b, done[i]);
    }
}

/* d3 /4../7: shl/sal/shr/sar r, cl (the count masked; 0 leaves the flags alone). */
static bool gen_shift_cl(X86Buf *b, const X86Insn *d)
{
    static const X86Shift host[] = {X86_SHL, X86_SHR, X86_SHL, X86_SAR};
    static const X86CCOp ccop[] = {X86_CC_SHL, X86_CC_SHR, X86_CC_SHL, X86_CC_SAR};
    int op = d->reg & 7;
    bool w = d->opsize == 8;
    uint8_t *zero;

    if (d->opc != 0xd3 || op < 4) {
        return false;
    }
    get_reg(b, false, X86_RCX, R_ECX);
    x86_alu_ri(b, X86_AND, false, X86_RCX, w ? 0x3f : 0x1f);
    get_reg(b, w, X86_RAX, d->rm); /* keeps the and's ZF */
    zero = x86_jcc(b, X86_CC_E, NULL);
    x86_mov_rr(b, true, X86_RDX, X86_RAX);
    x86_shift_rcl(b, host[op - 4], w, X86_RDX);
    x86_jit_record_cc(b, ccop[op - 4], d->opsize, X86_NOREG);
    x86_mov_rr(b, true, X86_RAX, X86_RDX);
    patch_here(b, zero);   /* count 0: the value written back (upper half cleared) */
    x86_jit_cc_stored = 0; /* the record is stored on one path only */
    put_reg(b, d->rm, X86_RAX);
    return true;
}

/*
 * rol/ror r, imm and by 1 (c1, d1 /0 /1), as rotate() in exec-alu.c: CF and OF computed (OF
 * for any count: rol the top bit ^ CF, ror the top two bits' xor) into all the flags, which
 * x86_get_eflags materializes first. perf of the x86boot bench's boot: 105 million handler
 * calls of rol/ror r32, imm (x86_exec_shift was the hottest handler, 4% of the CPU).
 */
static bool gen_rotate(X86Buf *b, const X86Insn *d, unsigned known)
{
    int op = d->reg & 7, bits = 8 * d->opsize;
    bool w = d->opsize == 8;
    unsigned c = (d->opc >= 0xd0 ? 1 : (unsigned)d->imm) & (w ? 0x3f : 0x1f);

    if ((d->opc != 0xc1 && d->opc != 0xd1) || op > 1) {
        return false;
    }
    if (c == 0 || x86_jit_flags_dead) { /* no flags (to keep); the upper half cleared */
        get_reg(b, w, X86_RAX, d->rm);
        if (c != 0) {
            x86_shift_ri(b, op == 0 ? X86_ROL : X86_ROR, w, X86_RAX, c);
        }
        put_reg(b, d->rm, X86_RAX);
        return true;
    }
    gen_get_eflags(b, known);
    get_reg(b, w, X86_RDX, d->rm);
    x86_shift_ri(b, op == 0 ? X86_ROL : X86_ROR, w, X86_RDX, c);
    x86_mov_rr(b, true, X86_RCX, X86_RDX); /* rcx = CF: rol the low bit, ror the top one */
    x86_mov_rr(b, true, X86_RSI, X86_RDX); /* rsi = the bit OF is CF's xor with */
    if (op == 0) {
        x86_alu_ri(b, X86_AND, false, X86_RCX, 1);
        x86_shift_ri(b, X86_SHR, w, X86_RSI, bits - 1);
    } else {
        x86_shift_ri(b, X86_SHR, w, X86_RCX, bits - 1);
        x86_shift_ri(b, X86_SHR, w, X86_RSI, bits - 2);
        x86_alu_ri(b, X86_AND, false, X86_RSI, 1);
    }
    x86_alu_rr(b, X86_XOR, false, X86_RSI, X86_RCX);
    x86_shift_ri(b, X86_SHL, false, X86_RSI, 11); /* CC_O */
    x86_alu_rr(b, X86_OR, false, X86_RCX, X86_RSI);
    x86_alu_ri(b, X86_AND, true, X86_RAX, ~(CC_C | CC_O));
    x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
    x86_mov_mr(b, true, ENV_FIELD(eflags), X86_RAX);
    store_eflags_op(b, X86_RCX);
    put_reg(b, d->rm, X86_RDX);
    return true;
}

/*
 * imul r, r (0f af) and r, r, imm (69, 6b), as imul_to_reg: CF = OF = the product does not
 * fit, SF ZF PF of the result, AF clear, all in env->eflags (set_mul_flags). Nothing of that
 * when a later record overwrites the flags unseen (x86_jit_flags_dead): the flags took 15
 * host instructions (pushf among them) of the 20 an imul cost, and the kernel's bignum
 * loops (mpihelp_submul_1, mpihelp_addmul_1: 16% of the x86boot kernel phase's CPU
 * samples, module signatures) run four imuls in a row, then add. scripts/bench x86boot, CPU
 * seconds to "Linux version" / the init marker, medians of 3 runs alternately (load 3-4):
 * 3.91 / 7.91 before, 3.67 / 7.30 after.
 */
static void gen_imul(X86Buf *b, const X86Insn *d)
{
    bool w = d->opsize == 8;

    if (d->op == OP_IMUL2) {
        get_reg(b, w, X86_RAX, d->reg);
        get_reg(b, w, X86_RCX, d->rm);
    } else {
        get_reg(b, w, X86_RAX, d->rm);
        x86_mov_ri(b, X86_RCX, w ? (uint64_t)d->imm : (uint32_t)d->imm);
    }
    x86_imul_rr(b, w, X86_RAX, X86_RCX);
    if (x86_jit_flags_dead) {
        put_reg(b, d->reg, X86_RAX);
        return;
    }
    x86_setcc(b, X86_CC_O, X86_RDX); /* the host's CF = OF: the same test */
    put_reg(b, d->reg, X86_RAX);
    x86_test_rr(b, w, X86_RAX, X86_RAX);
    x86_pushf(b);
    x86_pop(b, X86_RCX);
    x86_alu_ri(b, X86_AND, false, X86_RCX, CC_Z | CC_S | CC_P);
    x86_movzx_rr(b, 8, X86_RDX, X86_RDX);
    x86_alu_rr(b, X86_OR, false, X86_RCX, X86_RDX); /* CC_C */
    x86_shift_ri(b, X86_SHL, false, X86_RDX, 11);
    x86_alu_rr(b, X86_OR, false, X86_RCX, X86_RDX); /* CC_O */
    x86_mov_rm(b, true, X86_RAX, ENV_FIELD(eflags));
    x86_alu_ri(b, X86_AND, true, X86_RAX, ~CC_ARITH);
    x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RCX);
    x86_mov_mr(b, true, ENV_FIELD(eflags), X86_RAX);
    store_eflags_op(b, X86_RCX);
}

/* rax = 1 if condition cc holds, else 0 (x86_jit_gen_cond on the lazy flags). */
static void gen_cond_value(X86Buf *b, int cc, unsigned known)
{
    uint8_t *taken[16], *join;
    int n = x86_jit_gen_cond(b, cc, known, taken);

    x86_mov_ri(b, X86_RAX, 0);
    join = x86_jmp(b, NULL);
    for (int i = 0; i < n; i++) {
        patch_here(b, taken[i]);
    }
    x86_mov_ri(b, X86_RAX, 1);
    patch_here(b, join);
}

/* cmovcc r, r: the destination written either way (a 32-bit one has its upper half cleared). */
static void gen_cmov(X86Buf *b, const X86Insn *d, unsigned known)
{
    bool w = d->opsize == 8;
    uint8_t *taken[16], *join;
    X86Reg keep = x86_jit_regs_get(b, d->reg), take = x86_jit_regs_get(b, d->rm); /* no flags */
    int n = x86_jit_gen_cond(b, d->opc & 0xf, known, taken); /* a call in it reloads both */

    x86_mov_rr(b, w, X86_RAX, keep);
    join = x86_jmp(b, NULL);
    for (int i = 0; i < n; i++) {
        patch_here(b, taken[i]);
    }
    x86_mov_rr(b, w, X86_RAX, take);
    patch_here(b, join);
    put_reg(b, d->reg, X86_RAX);
}

/* inc/dec r (ff /0, /1): CF kept in the record's b (inc_dec). */
static void gen_incdec(X86Buf *b, const X86Insn *d, bool dec, unsigned known)
{
    bool w = d->opsize == 8;

    x86_jit_gen_carry(b, known);
    get_reg(b, w, X86_RAX, d->rm);
    x86_mov_rr(b, true, X86_RDX, X86_RAX);
    x86_alu_ri(b, dec ? X86_SUB : X86_ADD, w, X86_RDX, 1);
    x86_mov_rr(b, true, X86_RCX, X86_R8);
    x86_jit_record_cc(b, dec ? X86_CC_DEC : X86_CC_INC, d->opsize, X86_NOREG);
    put_reg(b, d->rm, X86_RDX);
}

/* not r (no flags) and neg r (a sub from 0: a = 0, b = the operand). */
static void gen_not_neg(X86Buf *b, const X86Insn *d, bool neg)
{
    bool w = d->opsize == 8;

    if (!neg) {
        x86_mov_rm(b, w, X86_RAX, GREG(d->rm));
        x86_unary(b, X86_NOT, w, X86_RAX);
        put_reg(b, d->rm, X86_RAX);
        return;
    }
    x86_mov_rm(b, w, X86_RCX, GREG(d->rm));
    x86_mov_ri(b, X86_RAX, 0);
    x86_mov_rr(b, true, X86_RDX, X86_RCX);
    x86_unary(b, X86_NEG, w, X86_RDX);
    x86_jit_record_cc(b, X86_CC_SUB, d->opsize, X86_NOREG);
    put_reg(b, d->rm, X86_RDX);
}

/* movzx/movsx r, r8/r16 (0f b6 b7 be bf) and movsxd r, r32 (63), as extend(). */
static void gen_extend(X86Buf *b, const X86Insn *d)
{
    int src = d->op == OP_MOVSXD ? 4 : (d->opc & 1) ? 2 : 1;
    bool sign = d->op != OP_MOVZX;

    if (src == 1 && !d->rex && d->rm >= 4 && d->rm < 8) { /* AH..BH */
        x86_load(b, src, sign, X86_RAX, x86_jit_reg(d, d->rm, 1));
    } else if (sign) {
        x86_movsx_rr(b, 8 * src, X86_RAX, x86_jit_regs_get(b, d->rm));
    } else {
        x86_movzx_rr(b, 8 * src, X86_RAX, x86_jit_regs_get(b, d->rm));
    }
    if (d->opsize == 4) {
        x86_mov_rr(b, false, X86_RAX, X86_RAX);
    }
    put_reg(b, d->reg, X86_RAX);
}

/* xchg r, r (87 with a register, 91-97): both written at the operand size. */
static bool gen_xchg(X86Buf *b, const X86Insn *d)
{
    bool w = d->opsize == 8;
    int r1 = d->reg, r2 = d->rm;

    if (!d->has_modrm) {
        r1 = R_EAX;
        r2 = (d->opc & 7) | ((d->rex & 1) << 3);
        if (r2 == R_EAX) {
            return false; /* nop, pause: the handler */
        }
    } else if (d->opc != 0x87) {
        return false;
    }
    get_reg(b, w, X86_RAX, r1);
    get_reg(b, w, X86_RCX, r2);
    put_reg(b, r1, X86_RCX);
    put_reg(b, r2, X86_RAX);
    return true;
}

/* rdx = the bit op's register operand, rcx = its bit number modulo the operand width. */
static void gen_bitop_operands(X86Buf *b, const X86Insn *d)
{
    bool w = d->opsize == 8;

    get_reg(b, w, X86_RDX, d->rm);
    if (d->op == OP_BT) {
        get_reg(b, false, X86_RCX, d->reg);
        x86_alu_ri(b, X86_AND, false, X86_RCX, w ? 63 : 31);
    } else {
        x86_mov_ri(b, X86_RCX, (uint64_t)d->imm & (w ? 63 : 31));
    }
}

/* bts/btr/btc (host, or -1 for bt: nothing) whose flags nothing sees. */
static void gen_bitop_dead(X86Buf *b, const X86Insn *d, int host)
{
    if (host < 0) {
        return;
    }
    gen_bitop_operands(b, d);
    x86_bitop_rr(b, (X86BitOp)host, X86_RDX, X86_RCX);
    put_reg(b, d->rm, X86_RDX);
}

/*
 * bt/bts/btr/btc r, r (0f a3 ab b3 bb) or r, imm (0f ba /4../7), as bit_op on a register:
 * the bit number modulo the operand width; CF = the bit, the other flags computed and kept
 * (x86_set_cc of CC_C alone).
 */
static bool gen_bitop(X86Buf *b, const X86Insn *d, unsigned known)
{
    static const X86BitOp host[] = {X86_BT, X86_BTS, X86_BTR, X86_BTC};
    int op = d->op == OP_BT ? (d->opc >> 3) & 3 : (d->reg & 7) - 4;

    if (op < 0) {
        return false; /* 0f ba /0../3: #UD by the handler */
    }
    if (x86_jit_flags_dead) { /* bt is then a nop; the others only write the register */
        gen_bitop_dead(b, d, op == 0 ? -1 : (int)host[op]);
        return true;
    }
    gen_get_eflags(b, known);
    gen_bitop_operands(b, d);
    x86_mov_rr(b, true, X86_RSI, X86_RDX);
    x86_shift_rcl(b, X86_SHR, true, X86_RSI);
    x86_alu_ri(b, X86_AND, false, X86_RSI, CC_C);
    x86_alu_ri(b, X86_AND, true, X86_RAX, ~CC_C);
    x86_alu_rr(b, X86_OR, true, X86_RAX, X86_RSI);
    x86_mov_mr(b, true, ENV_FIELD(eflags), X86_RAX);
    store_eflags_op(b, X86_RSI);
    if (op != 0) { /* the 32-bit value is zero-extended and its bit below 32 */
        x86_bitop_rr(b, host[op], X86_RDX, X86_RCX);
        put_reg(b, d->rm, X86_RDX);
    }
    return true;
}

/* cwde/cdqe (98) and cdq/cqo (99). */
static void gen_cbw_cwd(X86Buf *b, const X86Insn *d)
{
    bool w = d->opsize == 8;

    if (d->op == OP_CBW) {
        x86_load(b, d->opsize / 2, true, X86_RAX, GREG(R_EAX));
        if (!w) {
            x86_mov_rr(b, false, X86_RAX, X86_RAX);
        }
        put_reg(b, R_EAX, X86_RAX);
        return;
    }
    get_reg(b, w, X86_RAX, R_EAX);
    x86_shift_ri(b, X86_SAR, w, X86_RAX, w ? 63 : 31);
    put_reg(b, R_EDX, X86_RAX);
}

/* bswap r32/r64 (0f c8+r): the 32-bit form zero-extends. */
static void gen_bswap(X86Buf *b, const X86Insn *d)
{
    int reg = (d->opc & 7) | ((d->rex & 1) << 3);

    get_reg(b, d->opsize == 8, X86_RAX, reg);
    x86_bswap(b, X86_RAX);
    if (d->opsize == 4) {
        x86_shift_ri(b, X86_SHR, true, X86_RAX, 32);
    }
    put_reg(b, reg, X86_RAX);
}

/* setcc r8 (0f 90..9f): the byte register 0 or 1, the rest of it kept. */
static void gen_setcc(X86Buf *b, const X86Insn *d, unsigned known)
{
    gen_cond_value(b, d->opc & 0xf, known);
    x86_store(b, 1, x86_jit_reg(d, d->rm, 1), X86_RAX);
    x86_jit_regs_forget(!d->rex && d->rm >= 4 && d->rm < 8 ? d->rm - 4 : d->rm);
}

bool x86_jit_alu_sets_eflags(const X86Insn *d)
{
    unsigned c = d->opc >= 0xd0 ? 1 : (unsigned)d->imm;

    if (d->mem || d->lock || (d->opsize != 4 && d->opsize != 8)) {
        return false;
    }
    switch (d->op) {
    case OP_SHIFT: /* gen_rotate: a count of 0 leaves the flags alone */
        return (d->opc == 0xc1 || d->opc == 0xd1) && (d->reg & 7) <= 1 &&
               (c & (d->opsize == 8 ? 0x3f : 0x1f)) != 0;
    case OP_IMUL2:
    case OP_IMUL3:
        return true;
    case OP_BT:
        return true;
    case OP_GRP8:
        return (d->reg & 7) >= 4;
    default:
        return false;
    }
}

bool x86_jit_alu(X86Buf *b, const X86Insn *d, unsigned known)
{
    bool wide = d->opsize == 4 || d->opsize == 8;

    if (d->mem || d->lock) {
        return false;
    }
    if (d->op == OP_SETCC && d->map == 1) {
        gen_setcc(b, d, known);
        return true;
    }
    if (!wide) {
        return false;
    }
    switch (d->op) {
    case OP_SHIFT:
        return gen_shift_cl(b, d) || gen_rotate(b, d, known);
    case OP_IMUL2:
    case OP_IMUL3:
        gen_imul(b, d);
        return true;
    case OP_CMOV:
        gen_cmov(b, d, known);
        return true;
    case OP_GRP5:
        if ((d->reg & 7) > 1) {
            return false;
        }
        gen_incdec(b, d, d->reg & 1, known);
        return true;
    case OP_GRP3:
        if (d->opc != 0xf7 || ((d->reg & 7) != 2 && (d->reg & 7) != 3)) {
            return false;
        }
        gen_not_neg(b, d, (d->reg & 7) == 3);
        return true;
    case OP_MOVZX:
    case OP_MOVSX:
    case OP_MOVSXD:
        gen_extend(b, d);
        return true;
    case OP_XCHG:
        return gen_xchg(b, d);
    case OP_BT:
    case OP_GRP8:
        return gen_bitop(b, d, known);
    case OP_CBW:
    case OP_CWD:
        gen_cbw_cwd(b, d);
        return true;
    case OP_BSWAP:
        gen_bswap(b, d);
        return true;
    default:
        return false;
    }
}
