/*
 * The instruction-stream generator of the engine differential test
 * (gen.h). Encodings from the Unprivileged ISA 20191213 (base, M, A, F, D,
 * C: chapters 2, 5, 7, 8, 11, 12, 16) and Bitmanip 1.0.0. Branch and jump
 * targets are resolved in a second pass, once every instruction's size is
 * known.
 */
#include "gen.h"

#include <assert.h>
#include <string.h>

#include "target/riscv/decode.h"

enum { K_FIXED, K_BRANCH, K_JAL, K_JALR, K_CJ, K_CBZ };

typedef struct Slot {
    uint32_t bits;
    uint8_t len;
    uint8_t kind;
    int target; /* slot index of the branch target; K_JALR: of the auipc is slot - 1 */
} Slot;

typedef struct Gen {
    GenRng *r;
    Slot s[GEN_MAX_INSNS + 8];
    int n, max;
} Gen;

uint64_t gen_rand(GenRng *r)
{
    /* xorshift64* */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dULL;
}

static unsigned rnd(Gen *g, unsigned n)
{
    return gen_rand(g->r) % n;
}

static int64_t rnd_range(Gen *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(gen_rand(g->r) % (uint64_t)(hi - lo + 1));
}

uint64_t gen_interesting(GenRng *r)
{
    static const uint64_t special[] = {0,
                                       1,
                                       ~0ULL,
                                       0x8000000000000000ULL,
                                       0x7fffffffffffffffULL,
                                       0x80000000ULL,
                                       0xffffffff80000000ULL,
                                       0x7fffffffULL,
                                       0xffffffffULL,
                                       2,
                                       0xff,
                                       0x100000000ULL};
    uint64_t v = gen_rand(r);

    switch (v % 4) {
    case 0:
        return special[(v >> 8) % (sizeof(special) / sizeof(special[0]))];
    case 1:
        return (int64_t)(int16_t)(v >> 16);
    default:
        return gen_rand(r);
    }
}

uint64_t gen_fp_value(GenRng *r)
{
    static const uint64_t d[] = {0,
                                 0x8000000000000000ULL,
                                 0x3ff0000000000000ULL,
                                 0xbff0000000000000ULL,
                                 0x7ff0000000000000ULL,
                                 0xfff0000000000000ULL,
                                 0x7ff8000000000000ULL,
                                 0x7ff0000000000001ULL,
                                 0x0000000000000001ULL,
                                 0x41dfffffffc00000ULL,
                                 0x43e0000000000000ULL,
                                 0xc3e0000000000000ULL,
                                 0x3fe0000000000000ULL,
                                 0x4330000000000001ULL};
    static const uint32_t s[] = {0,          0x80000000, 0x3f800000, 0xbf800000, 0x7f800000,
                                 0xff800000, 0x7fc00000, 0x7f800001, 0x00000001, 0x4f000000,
                                 0xcf000000, 0x5f000000, 0x3f000000, 0x4b000001};
    uint64_t v = gen_rand(r);
    uint64_t box = 0xffffffff00000000ULL;

    static const uint16_t edge_d[] = {0, 1, 2, 3, 0x7fc, 0x7fd, 0x7fe};
    static const uint8_t edge_s[] = {0, 1, 2, 3, 0xfc, 0xfd, 0xfe};
    uint64_t m = gen_rand(r);

    switch (v % 12) {
    case 8: /* ordinary doubles: inexact, normal results (the JIT's inline SSE path) */
        return (v & 0x8000000000000000ULL) | (uint64_t)(0x3f8 + (v >> 8) % 16) << 52 |
               (m & 0xfffffffffffffULL);
    case 9: /* ordinary singles */
        return box | (v & 0x80000000) | (uint32_t)(0x78 + (v >> 8) % 16) << 23 | (m & 0x7fffff);
    case 10: /* subnormal, tiny-boundary and near-overflow doubles */
        return (v & 0x8000000000000000ULL) | (uint64_t)edge_d[(v >> 8) % 7] << 52 |
               (m & 0xfffffffffffffULL);
    case 11:
        return box | (v & 0x80000000) | (uint32_t)edge_s[(v >> 8) % 7] << 23 | (m & 0x7fffff);
    case 0:
    case 1:
        return d[(v >> 8) % (sizeof(d) / sizeof(d[0]))];
    case 2:
    case 3:
        return box | s[(v >> 8) % (sizeof(s) / sizeof(s[0]))];
    case 4:
        return box | (uint32_t)gen_rand(r); /* a random single */
    case 5:
        return (uint32_t)gen_rand(r); /* not NaN-boxed: reads as the canonical NaN */
    default:
        return gen_rand(r);
    }
}

/* ---- encodings ---- */

static uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1, unsigned f3, unsigned rd,
                      unsigned op)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3, unsigned rd, unsigned op)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1, unsigned f3, unsigned op)
{
    uint32_t u = (uint32_t)imm;
    return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | op;
}

static uint32_t enc_b(int32_t off, unsigned rs2, unsigned rs1, unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}

static uint32_t enc_j(int32_t off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 | (u >> 11 & 1) << 20 |
           (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

static uint16_t enc_cj(int32_t off)
{
    uint32_t u = (uint32_t)off;
    return 0xa001 | (u >> 11 & 1) << 12 | (u >> 4 & 1) << 11 | (u >> 8 & 3) << 9 |
           (u >> 10 & 1) << 8 | (u >> 6 & 1) << 7 | (u >> 7 & 1) << 6 | (u >> 1 & 7) << 3 |
           (u >> 5 & 1) << 2;
}

static uint16_t enc_cbz(int32_t off, unsigned rs1c, bool bnez)
{
    uint32_t u = (uint32_t)off;
    return (bnez ? 0xe001 : 0xc001) | (u >> 8 & 1) << 12 | (u >> 3 & 3) << 10 | rs1c << 7 |
           (u >> 6 & 3) << 5 | (u >> 1 & 3) << 3 | (u >> 5 & 1) << 2;
}

/* ---- emission ---- */

static void put(Gen *g, uint32_t bits, unsigned len)
{
    if (g->n < g->max) {
        g->s[g->n++] = (Slot){.bits = bits, .len = len, .kind = K_FIXED};
    }
}

static void put32(Gen *g, uint32_t bits)
{
    put(g, bits, 4);
}

static void put_jump(Gen *g, uint32_t bits, unsigned len, int kind, int reach)
{
    if (g->n < g->max) {
        int t = g->n + 1 + rnd(g, reach);
        g->s[g->n++] = (Slot){.bits = bits, .len = len, .kind = kind, .target = t};
    }
}

static unsigned rd_any(Gen *g)
{
    return 1 + rnd(g, 28); /* x1..x28: never the window bases or the jalr scratch */
}

static unsigned rs_any(Gen *g)
{
    return rnd(g, 32);
}

/* ---- groups ---- */

static void gen_int(Gen *g)
{
    static const uint8_t r_f3[] = {0, 0, 1, 2, 3, 4, 5, 5, 6, 7};
    static const uint8_t r_f7[] = {0, 0x20, 0, 0, 0, 0, 0, 0x20, 0, 0};
    static const uint8_t i_f3[] = {0, 2, 3, 4, 6, 7};
    unsigned rd = rd_any(g), rs1 = rs_any(g), rs2 = rs_any(g), k;

    switch (rnd(g, 8)) {
    case 0:
        k = rnd(g, 10);
        put32(g, enc_r(r_f7[k], rs2, rs1, r_f3[k], rd, 0x33));
        break;
    case 1: /* addw subw sllw srlw sraw */
        k = rnd(g, 5);
        put32(g, enc_r(k == 1 || k == 4 ? 0x20 : 0, rs2, rs1, (uint8_t[]){0, 0, 1, 5, 5}[k], rd,
                       0x3b));
        break;
    case 2:
        put32(g, enc_i(rnd_range(g, -2048, 2047), rs1, i_f3[rnd(g, 6)], rd, 0x13));
        break;
    case 3: /* slli srli srai */
        k = rnd(g, 3);
        put32(g, enc_i((k == 2 ? 0x400 : 0) | rnd(g, 64), rs1, k ? 5 : 1, rd, 0x13));
        break;
    case 4: /* addiw slliw srliw sraiw */
        k = rnd(g, 4);
        if (k == 0) {
            put32(g, enc_i(rnd_range(g, -2048, 2047), rs1, 0, rd, 0x1b));
        } else {
            put32(g, enc_i((k == 3 ? 0x400 : 0) | rnd(g, 32), rs1, k == 1 ? 1 : 5, rd, 0x1b));
        }
        break;
    case 5:
        put32(g, ((uint32_t)gen_rand(g->r) & 0xfffff000) | rd << 7 | 0x37); /* lui */
        break;
    case 6:
        put32(g, ((uint32_t)gen_rand(g->r) & 0xfffff000) | rd << 7 | 0x17); /* auipc */
        break;
    default: /* x0 destinations: HINTs, no effect */
        put32(g, enc_r(0, rs2, rs1, 0, 0, 0x33));
        break;
    }
}

static void gen_m(Gen *g)
{
    unsigned rd = rd_any(g), rs1 = rs_any(g), rs2 = rs_any(g);

    if (rnd(g, 3)) {
        put32(g, enc_r(1, rs2, rs1, rnd(g, 8), rd, 0x33));
    } else {
        put32(g, enc_r(1, rs2, rs1, (uint8_t[]){0, 4, 5, 6, 7}[rnd(g, 5)], rd, 0x3b));
    }
}

static void gen_b(Gen *g)
{
    /* {funct7, funct3, opcode} of register-register Zba/Zbb/Zbc/Zbs operations */
    static const uint8_t rr[][3] = {
        {0x10, 2, 0x33}, {0x10, 4, 0x33}, {0x10, 6, 0x33}, {0x04, 0, 0x3b}, {0x10, 2, 0x3b},
        {0x10, 4, 0x3b}, {0x10, 6, 0x3b}, {0x20, 7, 0x33}, {0x20, 6, 0x33}, {0x20, 4, 0x33},
        {0x05, 6, 0x33}, {0x05, 7, 0x33}, {0x05, 4, 0x33}, {0x05, 5, 0x33}, {0x30, 1, 0x33},
        {0x30, 5, 0x33}, {0x30, 1, 0x3b}, {0x30, 5, 0x3b}, {0x05, 1, 0x33}, {0x05, 2, 0x33},
        {0x05, 3, 0x33}, {0x24, 1, 0x33}, {0x24, 5, 0x33}, {0x34, 1, 0x33}, {0x14, 1, 0x33}};
    /* {imm[11:0], funct3, opcode} of the unary ones (clz ctz cpop [w], sext, orc.b, rev8) */
    static const uint16_t un[][3] = {
        {0x600, 1, 0x13}, {0x601, 1, 0x13}, {0x602, 1, 0x13}, {0x600, 1, 0x1b}, {0x601, 1, 0x1b},
        {0x602, 1, 0x1b}, {0x604, 1, 0x13}, {0x605, 1, 0x13}, {0x287, 5, 0x13}, {0x6b8, 5, 0x13}};
    /* {imm[11:6], funct3} of the shift-immediate ones: slli.uw rori bclri bexti binvi bseti */
    static const uint8_t sh[][2] = {{0x02, 1}, {0x18, 5}, {0x12, 1},
                                    {0x12, 5}, {0x1a, 1}, {0x0a, 1}};
    unsigned rd = rd_any(g), rs1 = rs_any(g), k;

    switch (rnd(g, 5)) {
    case 0:
    case 1:
        k = rnd(g, sizeof(rr) / sizeof(rr[0]));
        put32(g, enc_r(rr[k][0], rs_any(g), rs1, rr[k][1], rd, rr[k][2]));
        break;
    case 2:
        k = rnd(g, sizeof(un) / sizeof(un[0]));
        put32(g, enc_i(un[k][0], rs1, un[k][1], rd, un[k][2]));
        break;
    case 3:
        k = rnd(g, sizeof(sh) / sizeof(sh[0]));
        put32(g, enc_i(sh[k][0] << 6 | rnd(g, 64), rs1, sh[k][1], rd, k ? 0x13 : 0x1b));
        break;
    default: /* zext.h, roriw */
        if (rnd(g, 2)) {
            put32(g, enc_r(0x04, 0, rs1, 4, rd, 0x3b));
        } else {
            put32(g, enc_r(0x30, rnd(g, 32), rs1, 5, rd, 0x1b));
        }
        break;
    }
}

/*
 * rB = a window address for an access of size bytes; returns rB. Mostly well inside the
 * window, sometimes across its middle page boundary, across the end of RAM into the fault,
 * past it, or at a random address (an access fault, tval random).
 */
static unsigned gen_base(Gen *g, unsigned size, bool aligned)
{
    unsigned rb = rd_any(g);
    int64_t off;

    switch (rnd(g, 64)) {
    case 0: /* across the page boundary in the middle of the window */
    case 3:
    case 4:
    case 5:
        off = rnd_range(g, -8, 8) & (aligned ? ~(int64_t)(size - 1) : ~0);
        put32(g, enc_i(off, 31, 0, rb, 0x13));
        break;
    case 1: /* at the end of RAM: crossing into, or entirely in, the unmapped page */
        off = rnd_range(g, -10, 2);
        put32(g, enc_i(off, 29, 0, rb, 0x13));
        break;
    case 2:
        if (!rnd(g, 4)) {
            return rs_any(g); /* whatever the register holds */
        }
        /* fall through */
    default:
        off = rnd_range(g, -2040, 2040);
        if (aligned && rnd(g, 100)) {
            off &= ~(int64_t)(size - 1);
        }
        put32(g, enc_i(off, 31, 0, rb, 0x13));
        break;
    }
    return rb;
}

static void gen_mem(Gen *g)
{
    static const uint8_t load_f3[] = {0, 1, 2, 3, 4, 5, 6};
    unsigned f3, rb;
    int32_t imm = rnd(g, 4) ? 0 : rnd_range(g, -8, 8);

    if (rnd(g, 2)) {
        f3 = load_f3[rnd(g, 7)];
        rb = gen_base(g, 1 << (f3 & 3), false);
        put32(g, enc_i(imm, rb, f3, rd_any(g), 0x03));
    } else {
        f3 = rnd(g, 4);
        rb = gen_base(g, 1 << f3, false);
        put32(g, enc_s(imm, rs_any(g), rb, f3, 0x23));
    }
}

static void gen_amo(Gen *g)
{
    static const uint8_t f5[] = {0x01, 0x00, 0x04, 0x0c, 0x08, 0x10, 0x14, 0x18, 0x1c};
    bool dw = rnd(g, 2);
    unsigned rb = gen_base(g, dw ? 8 : 4, true), aqrl = rnd(g, 4), f3 = dw ? 3 : 2;

    switch (rnd(g, 3)) {
    case 0: /* lr ... sc on the same address */
        put32(g, enc_r(0x02 << 2 | aqrl, 0, rb, f3, rd_any(g), 0x2f));
        if (rnd(g, 2)) {
            gen_int(g);
        }
        /* fall through */
    case 1:
        put32(g, enc_r(0x03 << 2 | rnd(g, 4), rs_any(g), rb, f3, rd_any(g), 0x2f));
        break;
    default:
        put32(g, enc_r(f5[rnd(g, 9)] << 2 | aqrl, rs_any(g), rb, f3, rd_any(g), 0x2f));
        break;
    }
}

/* A rounding mode: usually a valid one or dynamic, sometimes reserved (illegal). */
static unsigned gen_rm(Gen *g)
{
    static const uint8_t rm[] = {0, 1, 2, 3, 4, 7, 7, 7, 0, 5, 6};
    return rm[rnd(g, rnd(g, 60) ? 9 : 11)];
}

/* An F/D/Zfh operation of format fmt (0 S, 1 D, 2 H). */
static void gen_fp_fmt(Gen *g, unsigned fmt)
{
    unsigned rd = rnd(g, 32), rs1 = rnd(g, 32), rs2 = rnd(g, 32);
    unsigned xd = rd_any(g), xs = rs_any(g), size = fmt == 2 ? 2 : fmt ? 8 : 4;
    unsigned f3 = fmt == 2 ? 1 : 2 + fmt;

    switch (rnd(g, 12)) {
    case 0: /* fadd fsub fmul fdiv */
    case 1:
        put32(g, enc_r(rnd(g, 4) << 2 | fmt, rs2, rs1, gen_rm(g), rd, 0x53));
        break;
    case 2: /* fsqrt */
        put32(g, enc_r(0x0b << 2 | fmt, 0, rs1, gen_rm(g), rd, 0x53));
        break;
    case 3: /* fsgnj[n|x], fmin, fmax */
        if (rnd(g, 2)) {
            put32(g, enc_r(0x04 << 2 | fmt, rs2, rs1, rnd(g, 3), rd, 0x53));
        } else {
            put32(g, enc_r(0x05 << 2 | fmt, rs2, rs1, rnd(g, 2), rd, 0x53));
        }
        break;
    case 4: /* fmadd fmsub fnmsub fnmadd */
        put32(g, rnd(g, 32) << 27 | fmt << 25 | rs2 << 20 | rs1 << 15 | gen_rm(g) << 12 | rd << 7 |
                     (0x43 + 4 * rnd(g, 4)));
        break;
    case 5: /* fcvt between formats: s.d, d.s; h.s, h.d, s.h, d.h */
        if (fmt == 2) {
            put32(g, enc_r(0x20 | rnd(g, 2), 2, rs1, gen_rm(g), rd, 0x53));
            put32(g, enc_r(0x20 | 2, rnd(g, 2), rs1, gen_rm(g), rd, 0x53));
        } else {
            put32(g, enc_r(0x20 | fmt, !fmt, rs1, gen_rm(g), rd, 0x53));
        }
        break;
    case 6: /* fcvt.{w,wu,l,lu}.fmt */
        put32(g, enc_r(0x18 << 2 | fmt, rnd(g, 4), rs1, gen_rm(g), xd, 0x53));
        break;
    case 7: /* fcvt.fmt.{w,wu,l,lu} */
        put32(g, enc_r(0x1a << 2 | fmt, rnd(g, 4), xs, gen_rm(g), rd, 0x53));
        break;
    case 8: /* feq flt fle */
        put32(g, enc_r(0x14 << 2 | fmt, rs2, rs1, rnd(g, 3), xd, 0x53));
        break;
    case 9: /* fclass, fmv.x.{w,d} */
        put32(g, enc_r(0x1c << 2 | fmt, 0, rs1, rnd(g, 2), xd, 0x53));
        break;
    case 10: /* fmv.{w,d}.x */
        put32(g, enc_r(0x1e << 2 | fmt, 0, xs, 0, rd, 0x53));
        break;
    default: /* flh flw fld fsh fsw fsd */
        if (rnd(g, 2)) {
            put32(g, enc_i(0, gen_base(g, size, false), f3, rd, 0x07));
        } else {
            put32(g, enc_s(0, rs2, gen_base(g, size, false), f3, 0x27));
        }
        break;
    }
}

static void gen_fp_op(Gen *g)
{
    gen_fp_fmt(g, rnd(g, 2));
}

/* Zfa: fli, fminm/fmaxm, fround/froundnx, fleq/fltq (S, D, H), fcvtmod.w.d. */
static void gen_zfa(Gen *g)
{
    unsigned fmt = rnd(g, 3), rd = rnd(g, 32), rs1 = rnd(g, 32), rs2 = rnd(g, 32);

    switch (rnd(g, 5)) {
    case 0:
        put32(g, enc_r(0x78 | fmt, 1, rnd(g, 32), 0, rd, 0x53));
        break;
    case 1:
        put32(g, enc_r(0x14 | fmt, rs2, rs1, 2 + rnd(g, 2), rd, 0x53));
        break;
    case 2:
        put32(g, enc_r(0x20 | fmt, 4 + rnd(g, 2), rs1, gen_rm(g), rd, 0x53));
        break;
    case 3:
        put32(g, enc_r(0x50 | fmt, rs2, rs1, 4 + rnd(g, 2), rd_any(g), 0x53));
        break;
    default:
        put32(g, enc_r(0x61, 8, rs1, 1, rd_any(g), 0x53));
        break;
    }
}

/* The half-precision and Zfa group. */
static void gen_fpx(Gen *g)
{
    if (rnd(g, 2)) {
        gen_fp_fmt(g, 2);
    } else {
        gen_zfa(g);
    }
}

static void gen_csr(Gen *g)
{
    static const uint16_t rd_csrs[] = {0x001, 0x002, 0x003, 0x340, 0xb02, 0xc02, 0xb00, 0xc00};
    static const uint16_t wr_csrs[] = {0x001, 0x002, 0x003, 0x340};
    unsigned rd = rd_any(g);

    switch (rnd(g, 6)) {
    case 0:
    case 1: /* csrr */
        put32(g, enc_i(rd_csrs[rnd(g, 8)], 0, 2, rd, 0x73));
        break;
    case 2: /* csrrw/csrrs/csrrc with a register: rarely, as frm gets a reserved value */
        if (!rnd(g, 8)) {
            put32(g, enc_i(wr_csrs[rnd(g, 4)], rs_any(g), 1 + rnd(g, 3), rnd(g, 2) ? rd : 0, 0x73));
        } else {
            put32(g, enc_i(0x002, rnd(g, 5), 5, rd, 0x73)); /* csrrwi frm, valid mode */
        }
        break;
    case 3: /* csrrwi/csrrsi/csrrci */
        put32(g, enc_i(wr_csrs[rnd(g, 4)], rnd(g, 32), 5 + rnd(g, 3), rd, 0x73));
        break;
    case 4: /* FS dirty through mstatus, or rarely off: the next FP instruction traps */
        put32(g, 0x6000 | 28 << 7 | 0x37); /* lui x28, 6: the FS field */
        put32(g, enc_i(0x300, 28, rnd(g, 30) ? 2 : 3, 0, 0x73));
        break;
    default: /* minstret written: that instruction's own increment is suppressed */
        put32(g, enc_i(0xb02, rs_any(g), 1, rd, 0x73));
        break;
    }
}

static void gen_c(Gen *g)
{
    unsigned rd = rd_any(g), rc = rnd(g, 8), rs2c = rnd(g, 8);
    unsigned imm = rnd(g, 64), rb, k;

    switch (rnd(g, 9)) {
    case 0: /* c.addi c.addiw c.li */
        put(g,
            (uint16_t[]){0x0001, 0x2001, 0x4001}[rnd(g, 3)] | (imm >> 5) << 12 | rd << 7 |
                (imm & 31) << 2,
            2);
        break;
    case 1: /* c.lui */
        put(g, 0x6001 | 1 << 12 | (rd == 2 ? 3 : rd) << 7 | (imm & 31) << 2, 2);
        break;
    case 2: /* c.srli c.srai c.andi */
        put(g, 0x8001 | (imm >> 5) << 12 | rnd(g, 3) << 10 | rc << 7 | (imm & 31) << 2, 2);
        break;
    case 3:            /* c.sub c.xor c.or c.and c.subw c.addw */
        k = rnd(g, 2); /* subw/addw (bit 12) have two of the four funct2 values */
        put(g, 0x8c01 | k << 12 | rc << 7 | rnd(g, k ? 2 : 4) << 5 | rs2c << 2, 2);
        break;
    case 4: /* c.slli */
        put(g, 0x0002 | (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2, 2);
        break;
    case 5: /* c.mv c.add */
        put(g, 0x8002 | rnd(g, 2) << 12 | rd << 7 | (1 + rnd(g, 31)) << 2, 2);
        break;
    case 6: /* c.lw c.ld c.fld / c.sw c.sd c.fsd with a base in x8..x15 */
        rb = 8 + rc;
        put32(g, enc_i(rnd_range(g, -2040, 1800) & ~7, 31, 0, rb, 0x13));
        put(g,
            (uint16_t[]){0x4000, 0x6000, 0x2000, 0xc000, 0xe000, 0xa000}[rnd(g, 6)] |
                rnd(g, 8) << 10 | rc << 7 | rnd(g, 4) << 5 | rs2c << 2,
            2);
        break;
    case 7: /* c.ldsp c.sdsp (sp in the window) */
        put32(g, enc_i(rnd_range(g, -2040, 1500) & ~7, 31, 0, 2, 0x13));
        if (rnd(g, 2)) {
            put(g, 0x6002 | rnd(g, 2) << 12 | (rd == 2 ? 1 : rd) << 7 | rnd(g, 32) << 2, 2);
        } else {
            put(g, 0xe002 | rnd(g, 64) << 7 | rs_any(g) << 2, 2);
        }
        break;
    default: /* c.j, c.beqz, c.bnez (forward) */
        if (rnd(g, 2)) {
            put_jump(g, 0, 2, K_CJ, 40);
        } else {
            put_jump(g, rnd(g, 2) << 13 | rc << 7, 2, K_CBZ, 20);
        }
        break;
    }
}

/* Zcb loads/stores (c.lbu c.lhu c.lh c.sb c.sh) with a base in x8..x15 in the window. */
static void gen_zcb_mem(Gen *g, unsigned rc)
{
    static const uint16_t ops[] = {0x8000, 0x8400, 0x8440, 0x8800, 0x8c00};
    unsigned k = rnd(g, 5);

    put32(g, enc_i(rnd_range(g, -2040, 2040), 31, 0, 8 + rc, 0x13));
    /* bit 5 is uimm[1]; bit 6 uimm[0] for the byte forms (it selects c.lh in c.lhu's slot) */
    put(g,
        ops[k] | rc << 7 | (k == 0 || k == 3 ? rnd(g, 2) << 6 : 0) | rnd(g, 2) << 5 |
            rnd(g, 8) << 2,
        2);
}

static void gen_rva23(Gen *g)
{
    unsigned rd = rd_any(g), rc = rnd(g, 8), n = rnd(g, 32);

    switch (rnd(g, 7)) {
    case 0: /* czero.eqz, czero.nez */
        put32(g, enc_r(0x07, rs_any(g), rs_any(g), rnd(g, 2) ? 5 : 7, rd, 0x33));
        break;
    case 1: /* mop.r.N, mop.rr.N */
        if (rnd(g, 2)) {
            put32(g, 1u << 31 | (n >> 4) << 30 | (n >> 2 & 3) << 26 | 0x7 << 22 | (n & 3) << 20 |
                         rs_any(g) << 15 | 4 << 12 | rd << 7 | 0x73);
        } else {
            put32(g, 1u << 31 | (n >> 2 & 1) << 30 | (n & 3) << 26 | 1 << 25 | rs_any(g) << 20 |
                         rs_any(g) << 15 | 4 << 12 | rd << 7 | 0x73);
        }
        break;
    case 2: /* Zcb unary group (zext.b sext.b zext.h sext.h zext.w not) and c.mul */
        if (rnd(g, 4)) {
            put(g, 0x9c61 | rc << 7 | rnd(g, 6) << 2, 2);
        } else {
            put(g, 0x9c41 | rc << 7 | rnd(g, 8) << 2, 2);
        }
        break;
    case 3:
        gen_zcb_mem(g, rc);
        break;
    case 4: /* c.mop.N, wrs.nto, wrs.sto */
        if (rnd(g, 2)) {
            put(g, 0x6081 | (2 * rnd(g, 8)) << 7, 2);
        } else {
            put32(g, rnd(g, 2) ? 0x00d00073 : 0x01d00073);
        }
        break;
    default: /* cbo.inval/clean/flush/zero on a window address (or past the end of RAM) */
        put32(g, enc_i((int32_t[]){0, 1, 2, 4, 4}[rnd(g, 5)], gen_base(g, 64, false), 2, 0, 0x0f));
        break;
    }
}

static void gen_branch(Gen *g)
{
    static const uint8_t f3[] = {0, 1, 4, 5, 6, 7};

    switch (rnd(g, 4)) {
    case 0:
    case 1:
        put_jump(g, enc_r(0, rs_any(g), rs_any(g), f3[rnd(g, 6)], 0, 0), 4, K_BRANCH, 30);
        break;
    case 2:
        put_jump(g, rnd(g, 3) ? 0 : rd_any(g), 4, K_JAL, 30);
        break;
    default: /* auipc x30, 0; jalr rd, off(x30) */
        put32(g, 30 << 7 | 0x17);
        put_jump(g, enc_i(0, 30, 0, rnd(g, 3) ? 0 : rd_any(g), 0x67), 4, K_JALR, 30);
        break;
    }
}

/* ---- the stream ---- */

static void resolve(Gen *g, const uint32_t *addr)
{
    for (int i = 0; i < g->n; i++) {
        Slot *s = &g->s[i];
        int t = s->target < g->n ? s->target : g->n - 1; /* at worst the final wfi */
        int32_t off;

        if (g->s[t].kind == K_JALR) {
            t--; /* never skip the auipc that sets the jalr's base: it would jump back */
        }
        off = addr[t] - addr[i];

        switch (s->kind) {
        case K_BRANCH:
            s->bits = enc_b(off, s->bits >> 20 & 31, s->bits >> 15 & 31, s->bits >> 12 & 7);
            break;
        case K_JAL:
            s->bits = enc_j(off, s->bits);
            break;
        case K_JALR:
            s->bits = s->bits | ((uint32_t)(addr[t] - addr[i - 1]) & 0xfff) << 20;
            break;
        case K_CJ:
            s->bits = enc_cj(off);
            break;
        case K_CBZ:
            s->bits = enc_cbz(off, s->bits >> 7 & 7, s->bits >> 13 & 1);
            break;
        }
    }
}

unsigned gen_stream(GenRng *r, unsigned groups, int n, uint8_t *code, unsigned max)
{
    static void (*const group_fn[GEN_NGROUPS])(Gen *) = {
        [GEN_INT] = gen_int,       [GEN_M] = gen_m,         [GEN_B] = gen_b,    [GEN_MEM] = gen_mem,
        [GEN_AMO] = gen_amo,       [GEN_FP] = gen_fp_op,    [GEN_C] = gen_c,    [GEN_CSR] = gen_csr,
        [GEN_BRANCH] = gen_branch, [GEN_RVA23] = gen_rva23, [GEN_FPX] = gen_fpx};
    static Gen gen;
    Gen *g = &gen;
    uint32_t addr[GEN_MAX_INSNS + 8];
    unsigned size = 0;

    g->r = r;
    g->n = 0;
    g->max = (n < GEN_MAX_INSNS ? n : GEN_MAX_INSNS) - 1;
    while (g->n < g->max) {
        unsigned k = rnd(g, GEN_NGROUPS);
        if (groups & (1u << k)) {
            group_fn[k](g);
        }
    }
    g->max++;
    put32(g, 0x10500073); /* wfi */
    for (int i = 0; i < g->n; i++) {
        addr[i] = size;
        size += g->s[i].len;
    }
    assert(size <= max);
    resolve(g, addr);
    for (int i = 0; i < g->n; i++) {
        DecodedInsn d;
        uint32_t bits = g->s[i].bits;
        memcpy(code + addr[i], &bits, g->s[i].len);
        assert(riscv_insn_len(bits) == g->s[i].len);
        assert(riscv_decode(bits, &d)); /* the generator emits only valid encodings */
    }
    return size;
}
