/*
 * The instruction groups of the stream generator and the stream itself (gen.h). Each
 * gen_* appends one unit: an instruction with what it needs before it (address registers,
 * safe divide inputs) and after it (the host-safe flag fixer).
 */
#include <string.h>

#include "gen-internal.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static int imm_bytes(int size)
{
    return size == 8 ? 1 : size == 16 ? 2 : 4;
}

static int size_no8(Gen *g)
{
    return pick_size(g, false);
}

/* ---- mov, movzx/movsx/movsxd, lea, moffs ---- */

static void gen_moffs(Gen *g, int size)
{
    bool store = below(g->r, 2);
    uint64_t a = pick_target(g, size / 8);

    if (size == 16) {
        put1(g, 0x66);
    } else if (size == 64) {
        put1(g, 0x48);
    }
    put1(g, (store ? 0xa2 : 0xa0) + (size != 8));
    put(g, (const uint8_t *)&a, 8);
}

static void gen_movx(Gen *g)
{
    int from = below(g->r, 2) ? 8 : 16, size = below(g->r, 3) == 0 ? 16 : below(g->r, 2) ? 32 : 64;
    Insn in = insn(size, 2, 0x0f, (below(g->r, 2) ? 0xbe : 0xb6) + (from == 16), 0);

    in.hi8 = from == 8 && size != 64 && below(g->r, 3) == 0;
    in.rex8 = from == 8;
    do {
        in.regf = pick_reg(g, in.hi8);
    } while (in.regf == R_SP); /* a 16/32/64-bit destination: 4 is rsp even in hi8 mode */
    if (below(g->r, 2)) {
        in.rm = mem_operand(g, from / 8, ACC_LOAD, in.hi8, in.regf);
    } else {
        in.rm = (Operand){.reg = pick_reg(g, in.hi8)};
    }
    encode(g, &in);
}

static void gen_mov(Gen *g)
{
    int size = pick_size(g, true);
    Insn in;

    switch (below(g->r, 9)) {
    case 0:
    case 8:
        in = insn(size, 1, size == 8 ? 0x88 : 0x89, 0, 0);
        rm_operands(g, &in, 50, ACC_STORE, false);
        break;
    case 1:
        in = insn(size, 1, size == 8 ? 0x8a : 0x8b, 0, 0);
        rm_operands(g, &in, 50, ACC_LOAD, false);
        break;
    case 2:
        in = insn(size, 1, size == 8 ? 0xc6 : 0xc7, 0, 0);
        in.regf = 0;
        rm_operands(g, &in, 50, ACC_STORE, true);
        set_imm(g, &in, imm_bytes(size));
        break;
    case 3: /* b0+r, b8+r, movabs */
        in = insn(size, 1, size == 8 ? 0xb0 : 0xb8, 0, 0);
        in.hi8 = size == 8 && below(g->r, 3) == 0;
        in.opreg = dest_reg(g, &in);
        set_imm(g, &in, size == 64 ? 8 : imm_bytes(size));
        break;
    case 4:
        gen_movx(g);
        return;
    case 5: /* movsxd */
        in = insn(64, 1, 0x63, 0, 0);
        in.regf = pick_reg(g, false);
        in.rm = below(g->r, 2) ? mem_operand(g, 4, ACC_LOAD, false, in.regf)
                               : (Operand){.reg = pick_reg(g, false)};
        break;
    case 6: /* lea: any address, nothing accessed */
        in = insn(size == 8 ? 64 : size, 1, 0x8d, 0, 0);
        in.regf = pick_reg(g, false);
        in.rm = mem_operand(g, 1, ACC_NONE, false, in.regf);
        break;
    default:
        gen_moffs(g, size);
        return;
    }
    encode(g, &in);
}

/* ---- ALU ---- */

static void gen_alu(Gen *g)
{
    int op = below(g->r, 8), size = pick_size(g, true), form = below(g->r, 5);
    int acc = op == 7 ? ACC_LOAD : ACC_STORE;
    Insn in;

    switch (form) {
    case 0: /* r/m, r */
        in = insn(size, 1, op * 8 + (size != 8), 0, 0);
        rm_operands(g, &in, 40, acc, false);
        break;
    case 1: /* r, r/m */
        in = insn(size, 1, op * 8 + 2 + (size != 8), 0, 0);
        rm_operands(g, &in, 40, ACC_LOAD, false);
        break;
    case 2: /* al/ax/eax/rax, imm */
        in = insn(size, 1, op * 8 + 4 + (size != 8), 0, 0);
        in.opreg = 0;
        in.hi8 = size == 8;
        set_imm(g, &in, imm_bytes(size));
        break;
    case 3:
        in = insn(size, 1, size == 8 ? 0x80 : 0x81, 0, 0);
        in.regf = op;
        rm_operands(g, &in, 40, acc, true);
        set_imm(g, &in, imm_bytes(size));
        break;
    default:
        in = insn(size == 8 ? 32 : size, 1, 0x83, 0, 0);
        in.regf = op;
        rm_operands(g, &in, 40, acc, true);
        set_imm(g, &in, 1);
    }
    in.lock = op != 7 && form != 1 && maybe_lock(g, &in);
    encode(g, &in);
    if (op == 1 || op == 4 || op == 6) {
        fix_flags(g); /* or, and, xor: AF undefined */
    }
}

/* ---- inc dec not neg test ---- */

static void gen_unary(Gen *g)
{
    int size = pick_size(g, true), k = below(g->r, 6);
    Insn in;

    if (k < 4) {
        in = insn(size, 1, k < 2 ? (size == 8 ? 0xfe : 0xff) : (size == 8 ? 0xf6 : 0xf7), 0, 0);
        in.regf = k; /* 0 inc, 1 dec, 2 not, 3 neg */
        rm_operands(g, &in, 40, ACC_STORE, true);
        in.lock = maybe_lock(g, &in);
    } else if (k == 4) {
        in = insn(size, 1, size == 8 ? 0x84 : 0x85, 0, 0);
        rm_operands(g, &in, 40, ACC_LOAD, false);
    } else if (below(g->r, 2)) {
        in = insn(size, 1, size == 8 ? 0xa8 : 0xa9, 0, 0);
        in.opreg = 0;
        in.hi8 = size == 8;
        set_imm(g, &in, imm_bytes(size));
    } else {
        in = insn(size, 1, size == 8 ? 0xf6 : 0xf7, 0, 0);
        in.regf = 0;
        rm_operands(g, &in, 40, ACC_LOAD, true);
        set_imm(g, &in, imm_bytes(size));
    }
    encode(g, &in);
    if (k >= 4) {
        fix_flags(g);
    }
}

/* ---- shifts and rotates ---- */

static void gen_shift(Gen *g)
{
    int op = below(g->r, 7), size = pick_size(g, true), form = below(g->r, 3);
    Insn in;

    op = op == 6 ? 7 : op; /* /6 is not documented */
    if (form == 2 && below(g->r, 2)) {
        set_reg(g, R_CX, below(g->r, 2) ? below(g->r, size + 2) : xgen_interesting(g->r));
    }
    in = insn(size, 1, (form == 0 ? 0xc0 : form == 1 ? 0xd0 : 0xd2) + (size != 8), 0, 0);
    in.regf = op;
    g->keep = 1u << R_CX;
    rm_operands(g, &in, 35, ACC_STORE, true);
    g->keep = 0;
    if (form == 0) {
        in.imm_size = 1;
        in.imm = below(g->r, 2) ? below(g->r, size + 2) : below(g->r, 256);
    }
    encode(g, &in);
    fix_flags(g);
}

/* ---- mul, imul, div, idiv ---- */

/* div/idiv with a divisor that is never 0 or -1 and a dividend whose quotient fits. */
static void gen_div(Gen *g)
{
    bool sgn = below(g->r, 2), in_mem = below(g->r, 4) == 0;
    int size = pick_size(g, true), d;
    Insn in = insn(size, 1, size == 8 ? 0xf6 : 0xf7, 0, 0);
    static const uint8_t setup[2][4][3] = {
        {{0x0f, 0xb6, 0xc0}, {0x31, 0xd2}, {0x31, 0xd2}, {0x31, 0xd2}}, /* movzx eax, al; xor */
        {{0x66, 0x98}, {0x66, 0x99}, {0x99}, {0x48, 0x99}},             /* cbw, cwd, cdq, cqo */
    };
    static const uint8_t setup_len[2][4] = {{3, 2, 2, 2}, {2, 2, 1, 2}};
    int si = size == 8 ? 0 : size == 16 ? 1 : size == 32 ? 2 : 3;
    uint64_t v = 0;

    in.hi8 = size == 8 && !in_mem && below(g->r, 3) == 0;
    do {
        d = pick_reg(g, in.hi8);
    } while (d == R_AX || d == R_DX || (in.hi8 && (d == R_SP || d == R_SP + R_DX)));
    for (int i = 0; i < 8; i++) {
        v |= (uint64_t)(1 + below(g->r, 126)) << (8 * i);
    }
    set_reg(g, in.hi8 && d >= 4 ? d - 4 : d, v); /* ch..bh: bits 8..15 of rcx..rbx */
    in.regf = sgn ? 7 : 6;
    if (in_mem) {
        Insn st = insn(size, 1, size == 8 ? 0x88 : 0x89, 0, 0);
        g->keep = 1u << R_AX | 1u << R_DX | 1u << d;
        st.regf = d;
        st.rm = mem_operand(g, size / 8, ACC_STORE, false, d);
        g->keep = 0;
        encode(g, &st);
        in.rm = st.rm;
    } else {
        in.rm = (Operand){.reg = d};
    }
    put(g, setup[sgn][si], setup_len[sgn][si]);
    encode(g, &in);
    fix_flags(g);
}

static void gen_muldiv(Gen *g)
{
    int k = below(g->r, 6), size = k == 0 ? pick_size(g, true) : size_no8(g);
    Insn in;

    if (k >= 3) {
        gen_div(g);
        return;
    }
    if (k == 0) {
        in = insn(size, 1, size == 8 ? 0xf6 : 0xf7, 0, 0);
        in.regf = 4 + below(g->r, 2); /* mul, imul */
        rm_operands(g, &in, 30, ACC_LOAD, true);
    } else if (k == 1) {
        in = insn(size, 2, 0x0f, 0xaf, 0);
        rm_operands(g, &in, 30, ACC_LOAD, false);
    } else {
        bool imm8 = below(g->r, 2);
        in = insn(size, 1, imm8 ? 0x6b : 0x69, 0, 0);
        rm_operands(g, &in, 30, ACC_LOAD, false);
        set_imm(g, &in, imm8 ? 1 : imm_bytes(size));
    }
    encode(g, &in);
    fix_flags(g);
}

/* ---- conditions: cmov, setcc, forward jumps, lahf/sahf, stc/clc/cmc ---- */

static void gen_unit(Gen *g);

/* jcc/jmp over a few units (rel8 or rel32). */
static void gen_skip(Gen *g)
{
    bool rel8 = below(g->r, 2), jmp = below(g->r, 6) == 0;
    int cc = below(g->r, 16), n = 1 + below(g->r, 4);
    unsigned start, at;

    if (jmp) {
        put1(g, rel8 ? 0xeb : 0xe9);
    } else if (rel8) {
        put1(g, 0x70 + cc);
    } else {
        put1(g, 0x0f);
        put1(g, 0x80 + cc);
    }
    at = g->s->size;
    if (rel8) {
        put1(g, 0);
    } else {
        put32(g, 0);
    }
    start = g->s->size;
    g->nest++;
    bool no_stack = g->no_stack;
    g->no_stack = true; /* a skipped push would leave rsp unknown */
    for (int i = 0; i < n && (!rel8 || g->s->size - start < 50); i++) {
        gen_unit(g);
    }
    g->no_stack = no_stack;
    g->nest--;
    if (rel8) {
        g->s->code[at] = (uint8_t)(g->s->size - start);
    } else {
        patch32(g, at, g->s->size - start);
    }
}

static void gen_cond(Gen *g)
{
    int cc = below(g->r, 16), k = below(g->r, 8);
    Insn in;

    if (k <= 2) {
        in = insn(size_no8(g), 2, 0x0f, 0x40 + cc, 0);
        rm_operands(g, &in, 40, ACC_LOAD, false);
    } else if (k <= 4) {
        in = insn(8, 2, 0x0f, 0x90 + cc, 0);
        in.regf = 0;
        rm_operands(g, &in, 30, ACC_STORE, true);
    } else if (k == 5 && g->nest == 0) {
        gen_skip(g);
        return;
    } else if (k <= 6) {
        put1(g, below(g->r, 2) ? 0x9f : 0x9e); /* lahf, sahf */
        return;
    } else {
        static const uint8_t carry[] = {0xf9, 0xf8, 0xf5}; /* stc, clc, cmc */
        put1(g, carry[below(g->r, 3)]);
        return;
    }
    encode(g, &in);
}

/* ---- bt*, bsf/bsr, bswap, cbw..cqo ---- */

static void gen_bt(Gen *g)
{
    int op = below(g->r, 4), size = size_no8(g), k = below(g->r, 3);
    int acc = op == 0 ? ACC_LOAD : ACC_STORE;
    Insn in;

    if (k == 0) { /* bt r/m, imm8 */
        in = insn(size, 2, 0x0f, 0xba, 0);
        in.regf = 4 + op;
        rm_operands(g, &in, 35, acc, true);
        in.imm_size = 1;
        in.imm = below(g->r, 256);
    } else {
        in = insn(size, 2, 0x0f, 0xa3 + 8 * op, 0);
        in.regf = pick_reg(g, false);
        if (k == 1) { /* memory with a register bit offset: keep it small */
            set_reg(g, in.regf, (uint64_t)((int64_t)below(g->r, 320) - 64));
            in.rm = mem_operand(g, size / 8, acc, false, in.regf);
        } else {
            in.rm = (Operand){.reg = pick_reg(g, false)};
        }
    }
    in.lock = op != 0 && maybe_lock(g, &in);
    encode(g, &in);
    fix_flags(g);
}

static void gen_bit(Gen *g)
{
    int size = size_no8(g);
    Insn in;

    switch (below(g->r, 5)) {
    case 0:
    case 1:
        gen_bt(g);
        return;
    case 2: /* bsf, bsr: the destination is undefined for a zero source */
        in = insn(size, 2, 0x0f, below(g->r, 2) ? 0xbc : 0xbd, 0);
        in.regf = pick_reg(g, false);
        if (!g->host && below(g->r, 3) == 0) {
            in.rm = mem_operand(g, size / 8, ACC_LOAD, false, in.regf);
        } else {
            in.rm = (Operand){.reg = pick_reg(g, false)};
            if (g->host) {
                Insn nz = insn(size == 16 ? 16 : 64, 1, 0x83, 0, 0); /* or r, imm8 */
                nz.regf = 1;
                nz.rm = in.rm;
                nz.imm_size = 1;
                nz.imm = 1u << below(g->r, 7);
                encode(g, &nz);
            }
        }
        encode(g, &in);
        fix_flags(g);
        return;
    case 3:
        in = insn(below(g->r, 2) ? 32 : 64, 2, 0x0f, 0xc8, 0);
        in.opreg = pick_reg(g, false);
        break;
    default: /* cbw/cwde/cdqe, cwd/cdq/cqo */
        in = insn(size, 1, 0x98 + below(g->r, 2), 0, 0);
        in.opreg = 0;
    }
    encode(g, &in);
}

/* ---- xchg, cmpxchg, xadd; the no-ops ---- */

/* nop and xchg eax, eax (66, REX.W), the fences, endbr64, nop Ev, the hints and prefetchw. */
static void gen_nop(Gen *g)
{
    static const uint8_t fixed[][5] = {
        {1, 0x90},
        {2, 0x66, 0x90},
        {2, 0x48, 0x90},
        {3, 0x0f, 0xae, 0xe8},
        {3, 0x0f, 0xae, 0xf0},
        {3, 0x0f, 0xae, 0xf8},
        {4, 0xf3, 0x0f, 0x1e, 0xfa},
    };
    static const uint8_t hint[][2] = {{0x1f, 0}, {0x18, 0}, {0x18, 1}, {0x18, 2},
                                      {0x18, 3}, {0x0d, 1}, {0x1e, 0}};
    unsigned k = below(g->r, N_OF(fixed) + N_OF(hint));
    Insn in;

    if (k < N_OF(fixed)) {
        put(g, fixed[k] + 1, fixed[k][0]);
        return;
    }
    k -= N_OF(fixed);
    in = insn(size_no8(g), 2, 0x0f, hint[k][0], 0);
    in.regf = hint[k][1];
    /* the hints with a register (0f 18, 0d): reserved forms, not every host's nop */
    rm_operands(g, &in, hint[k][0] == 0x1f || hint[k][0] == 0x1e ? 60 : 100, ACC_NONE, true);
    encode(g, &in);
}

static void gen_xchg(Gen *g)
{
    int size = pick_size(g, true), k = below(g->r, 5);
    Insn in;

    if (k == 4) {
        gen_nop(g);
        return;
    }

    if (k == 1 && size != 8) { /* xchg eax, r: 90+r (r not 0: 90 is nop) */
        in = insn(size, 1, 0x90, 0, 0);
        do {
            in.opreg = pick_reg(g, false);
        } while (in.opreg == R_AX);
        encode(g, &in);
        return;
    }
    in = insn(size, k == 0 || k == 1 ? 1 : 2, 0, 0, 0);
    if (k <= 1) {
        in.opc[0] = size == 8 ? 0x86 : 0x87;
    } else {
        in.opc[0] = 0x0f;
        in.opc[1] = (k == 2 ? 0xb0 : 0xc0) + (size != 8);
    }
    rm_operands(g, &in, 50, ACC_STORE, false);
    if (k == 2 && !in.rm.mem && below(g->r, 3) == 0) {
        Insn eq = insn(64, 1, 0x89, 0, 0); /* mov rax, r: the comparison succeeds */
        eq.regf = in.hi8 && in.rm.reg >= 4 ? in.rm.reg - 4 : in.rm.reg;
        eq.rm = (Operand){.reg = R_AX};
        if (!in.hi8 || in.rm.reg < 4) {
            encode(g, &eq);
        }
    }
    in.lock = k >= 2 && maybe_lock(g, &in);
    encode(g, &in);
}

/* ---- push, pop, call, ret ---- */

#define STACK_LOW (XG_STACK + 0x200) /* room below for a call and an exception frame */

static void gen_call(Gen *g)
{
    int k = below(g->r, 3), r = pick_reg(g, false), n = 1 + below(g->r, 3);
    unsigned fix_at, fix_end, jmp_at;

    if (k == 0) {
        put1(g, 0xe8);
        fix_at = g->s->size;
        put32(g, 0);
        fix_end = g->s->size;
    } else {
        Insn lea = insn(64, 1, 0x8d, 0, 0), call = insn(32, 1, 0xff, 0, 0);
        lea.regf = r;
        lea.rm = (Operand){.mem = true, .base = BASE_RIP};
        encode(g, &lea);
        fix_at = g->s->size - 4;
        fix_end = g->s->size;
        call.regf = 2;
        call.rm = (Operand){.reg = r};
        if (k == 2) { /* through memory */
            Insn st = insn(64, 1, 0x89, 0, 0);
            st.regf = r;
            g->keep = 1u << R_SP;
            st.rm = mem_operand(g, 8, ACC_STORE, false, r);
            g->keep = 0;
            encode(g, &st);
            call.rm = st.rm;
        }
        encode(g, &call);
    }
    put1(g, 0xe9);
    jmp_at = g->s->size;
    put32(g, 0);
    patch32(g, fix_at, g->s->size - fix_end);
    g->rsp -= 8;
    g->no_stack = true;
    g->nest++;
    for (int i = 0; i < n; i++) {
        gen_unit(g);
    }
    g->nest--;
    g->no_stack = false;
    put1(g, 0xc3);
    g->rsp += 8;
    patch32(g, jmp_at, g->s->size - (jmp_at + 4));
}

static void gen_stack(Gen *g)
{
    int k = below(g->r, 6);
    bool pushed = g->rsp < g->s->rsp0;
    Insn in;

    if (g->no_stack || g->rsp < STACK_LOW) {
        gen_alu(g);
        return;
    }
    if (k == 5 && g->nest == 0) {
        gen_call(g);
        return;
    }
    if ((k == 1 || k == 4) && !pushed) {
        k = 0;
    }
    switch (k) {
    case 0:
    case 1:
        in = insn(32, 1, k == 0 ? 0x50 : 0x58, 0, 0);
        in.opreg = pick_reg(g, false);
        break;
    case 2:
        in = insn(32, 1, below(g->r, 2) ? 0x6a : 0x68, 0, 0);
        in.no_modrm = true;
        set_imm(g, &in, in.opc[0] == 0x6a ? 1 : 4);
        break;
    case 3: /* push r/m64: the address before rsp moves */
        in = insn(32, 1, 0xff, 0, 0);
        in.regf = 6;
        in.rm = mem_operand(g, 8, ACC_LOAD, false, -1);
        break;
    default: /* pop r/m64 */
        in = insn(32, 1, 0x8f, 0, 0);
        in.regf = 0;
        in.rm = mem_operand(g, 8, ACC_STORE, false, -1);
    }
    encode(g, &in);
    g->rsp += k == 1 || k == 4 ? 8 : -8;
}

/* ---- rep movs, rep stos ---- */

/*
 * rep movs/stos of 1-8 byte elements, up or down (std, then cld after), counts from 0 to
 * past a page, starting anywhere in the window (across into the read-only and unmapped
 * pages: faults at an element), sources overlapping their destination now and then.
 */
/* The first element's address for n elements of size bytes within [lo, lo + room). */
static uint64_t string_start(Gen *g, uint64_t lo, uint64_t room, uint64_t n, int size, bool down)
{
    uint64_t len = n * size, at = lo + below(g->r, room - len + 1);

    return down && n ? at + len - size : at;
}

static void gen_string(Gen *g)
{
    static const int sizes[4] = {1, 2, 4, 8};
    int size = sizes[below(g->r, 4)];
    bool movs = below(g->r, 2), down = below(g->r, 4) == 0, wild = below(g->r, 10) == 0;
    uint64_t n = below(g->r, 4) ? below(g->r, 40) : below(g->r, 0x1400 / size);
    uint64_t di, si;

    /* Mostly within the read-write pages; now and then anywhere, so into the others. */
    di = wild ? XG_WINDOW + below(g->r, 0x2000 - size + 1)
              : string_start(g, XG_WINDOW, 0x2000, n, size, down);
    if (movs && below(g->r, 3) == 0) { /* overlapping */
        si = di + below(g->r, 4 * size + 1) - 2 * size;
    } else {
        si = wild ? XG_WINDOW + below(g->r, 0x3000 - size + 1)
                  : string_start(g, XG_WINDOW, 0x3000, n, size, down);
    }
    set_reg(g, 7, di);
    set_reg(g, 6, si);
    set_reg(g, R_CX, n);
    if (down) {
        put1(g, 0xfd);
    }
    put1(g, 0xf3);
    if (size == 2) {
        put1(g, 0x66);
    } else if (size == 8) {
        put1(g, 0x48);
    }
    put1(g, (movs ? 0xa4 : 0xaa) + (size > 1));
    if (down) {
        put1(g, 0xfc);
    }
}

/* ---- the stream ---- */

typedef void (*GroupFn)(Gen *g);

static const GroupFn groups[XG_NGROUPS] = {
    [XG_MOV] = gen_mov,       [XG_ALU] = gen_alu,       [XG_UNARY] = gen_unary,
    [XG_SHIFT] = gen_shift,   [XG_MULDIV] = gen_muldiv, [XG_COND] = gen_cond,
    [XG_BIT] = gen_bit,       [XG_XCHG] = gen_xchg,     [XG_STACK_] = gen_stack,
    [XG_STRING] = gen_string,
};

static void gen_unit(Gen *g)
{
    int grp;

    do {
        grp = below(g->r, XG_NGROUPS);
    } while (!(g->groups & 1u << grp) || !groups[grp]);
    groups[grp](g);
}

void xgen_stream(XGenRng *r, unsigned grp, int n, bool host, uint64_t rsp0, XGenStream *s)
{
    Gen g = {.r = r, .s = s, .groups = grp, .host = host, .rsp = rsp0};

    if (!(grp & (XG_ALL & ~(1u << XG_FAULT)))) {
        g.groups |= 1u << XG_ALU;
    }
    memset(s->code, 0, sizeof(s->code));
    s->size = 0;
    s->rsp0 = rsp0;
    s->n_units = 0;
    while (s->n_units < n && s->n_units < XG_MAX_UNITS && s->size < XG_CODE_MAX - 1024) {
        s->unit_start[s->n_units++] = s->size;
        gen_unit(&g);
    }
    s->unit_start[s->n_units] = s->size;
    put1(&g, 0xe9);
    put32(&g, (uint32_t)(XG_END - (XG_CODE + s->size + 4)));
}
