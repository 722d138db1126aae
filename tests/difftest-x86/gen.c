/*
 * The stream generator (gen.h has the layout and the conventions). Encodings from the SDM
 * Vol. 2 (ModRM/SIB tables 2-2/2-3, REX 2.2.1, the opcode map of appendix A).
 */
#include <assert.h>
#include <string.h>

#include "gen-internal.h"

uint64_t xgen_rand(XGenRng *r)
{
    /* splitmix64 */
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

unsigned below(XGenRng *r, unsigned n)
{
    return (unsigned)(xgen_rand(r) % n);
}

uint64_t xgen_interesting(XGenRng *r)
{
    static const uint64_t edges[] = {0,          1,          2,        0x7f,       0x80,
                                     0xff,       0x7fff,     0x8000,   0xffff,     0x7fffffff,
                                     0x80000000, 0xffffffff, ~0ULL,    1ULL << 63, ~0ULL >> 1,
                                     0x100,      0xffffff80, ~0ULL - 1};
    switch (below(r, 6)) {
    case 0:
        return edges[below(r, sizeof(edges) / sizeof(edges[0]))];
    case 1:
        return xgen_rand(r) & 0xff;
    case 2:
        return (uint64_t)(int64_t)(int8_t)xgen_rand(r);
    case 3:
        return xgen_rand(r) & 0xffffffff;
    default:
        return xgen_rand(r);
    }
}

void put(Gen *g, const uint8_t *b, unsigned n)
{
    assert(g->s->size + n <= XG_CODE_MAX);
    memcpy(g->s->code + g->s->size, b, n);
    g->s->size += n;
}

void put1(Gen *g, uint8_t b)
{
    put(g, &b, 1);
}

void put32(Gen *g, uint32_t v)
{
    put(g, (const uint8_t *)&v, 4);
}

void patch32(Gen *g, unsigned at, uint32_t v)
{
    memcpy(g->s->code + at, &v, 4);
}

void encode(Gen *g, const Insn *in)
{
    uint8_t b[24];
    int n = 0, rex = 0;
    const Operand *m = &in->rm;
    int rip_at = -1;

    if (in->lock) {
        b[n++] = 0xf0;
    }
    if (in->size == 16) {
        b[n++] = 0x66;
    }
    rex |= in->size == 64 ? 8 : 0;
    if (in->opreg >= 0) {
        rex |= in->opreg & 8 ? 1 : 0;
    } else if (!in->no_modrm) {
        rex |= in->regf & 8 ? 4 : 0;
        if (m->mem) {
            rex |= m->index >= 0 && (m->index & 8) ? 2 : 0;
            rex |= m->base >= 0 && (m->base & 8) ? 1 : 0;
        } else {
            rex |= m->reg & 8 ? 1 : 0;
        }
    }
    assert(!(in->hi8 && rex));
    /* byte registers 4..7 without hi8 are spl..dil: they need a REX, even an empty one */
    if (rex || ((in->size == 8 || in->rex8) && !in->hi8)) {
        b[n++] = 0x40 | rex;
    }
    memcpy(b + n, in->opc, in->nopc);
    n += in->nopc;
    if (in->opreg >= 0) {
        b[n - 1] += in->opreg & 7;
    } else if (in->no_modrm) {
        /* the opcode and its immediate */
    } else if (!m->mem) {
        b[n++] = 0xc0 | (in->regf & 7) << 3 | (m->reg & 7);
    } else if (m->base == BASE_RIP) {
        b[n++] = (in->regf & 7) << 3 | 5;
        rip_at = n;
        n += 4;
    } else {
        bool sib = m->index >= 0 || m->base == BASE_NONE || (m->base & 7) == R_SP;
        int mod = m->base == BASE_NONE ? 0 : m->disp_size == 1 ? 1 : m->disp_size == 4 ? 2 : 0;
        if (mod == 0 && m->base != BASE_NONE && (m->base & 7) == 5) {
            mod = 1; /* mod 00 with rbp/r13 means rip or disp32: [rbp] is [rbp + 0] */
        }
        b[n++] = mod << 6 | (in->regf & 7) << 3 | (sib ? 4 : m->base & 7);
        if (sib) {
            b[n++] = m->scale << 6 | (m->index >= 0 ? m->index & 7 : 4) << 3 |
                     (m->base == BASE_NONE ? 5 : m->base & 7);
        }
        if (m->base == BASE_NONE || mod == 2) {
            memcpy(b + n, &m->disp, 4);
            n += 4;
        } else if (mod == 1) {
            b[n++] = (uint8_t)m->disp;
        }
    }
    memcpy(b + n, &in->imm, in->imm_size);
    n += in->imm_size;
    if (rip_at >= 0) {
        int32_t d = (int32_t)(m->target - (XG_CODE + g->s->size + n));
        memcpy(b + rip_at, &d, 4);
    }
    assert(n <= 15);
    put(g, b, n);
}

Insn insn(int size, int nopc, uint8_t o0, uint8_t o1, uint8_t o2)
{
    return (Insn){.size = size, .nopc = nopc, .opc = {o0, o1, o2}, .opreg = -1};
}

/* ---- registers ---- */

/* Any register but rsp; in hi8 mode one of the eight legacy ones (4..7 being ah..bh). */
int pick_reg(Gen *g, bool hi8)
{
    if (hi8) {
        return below(g->r, 8);
    }
    int r = below(g->r, 15);
    return r >= R_SP ? r + 1 : r;
}

/* A register to hold an address (not rsp; in hi8 mode below 8). */
static int pick_addr_reg(Gen *g, bool hi8, int not )
{
    int r;
    do {
        r = hi8 ? (int)below(g->r, 8) : pick_reg(g, false);
    } while (r == R_SP || r == not || (g->keep & 1u << r));
    return r;
}

/* mov r64, v: the shortest of mov r32, imm32 / mov r/m64, simm32 / movabs. */
void set_reg(Gen *g, int reg, uint64_t v)
{
    Insn in;

    if (v <= 0xffffffffu && below(g->r, 4)) {
        in = insn(32, 1, 0xb8, 0, 0);
        in.opreg = reg;
        in.imm_size = 4;
    } else if ((int64_t)v == (int32_t)v) {
        in = insn(64, 1, 0xc7, 0, 0);
        in.rm = (Operand){.reg = reg};
        in.imm_size = 4;
    } else {
        in = insn(64, 1, 0xb8, 0, 0);
        in.opreg = reg;
        in.imm_size = 8;
    }
    in.imm = v;
    encode(g, &in);
}

/* ---- memory operands ---- */

/* An address for an access of size bytes: mostly the read-write pages, sometimes across. */
uint64_t pick_target(Gen *g, int size)
{
    unsigned k = below(g->r, 1000);
    uint64_t w = XG_WINDOW;

    if (k < 700) {
        return w + below(g->r, 0x2000 - size + 1);
    }
    if (k < 850) { /* across the boundary of the two read-write pages */
        return w + 0x1000 - below(g->r, size + 2) + 1;
    }
    if (k < 975) {
        return w + (below(g->r, 0x2000 / size) * size);
    }
    if (k < 990) { /* the read-only page: stores fault */
        return w + 0x2000 + below(g->r, 0x1000 - size + 1);
    }
    if (k < 997) { /* into the read-only page, or the unmapped one */
        return w + (below(g->r, 2) ? 0x2000 : 0x3000) - 1 - below(g->r, size);
    }
    return w + 0x3000 + below(g->r, 0x1000);
}

static void pick_disp(Gen *g, Operand *m)
{
    switch (below(g->r, 4)) {
    case 0:
        m->disp = 0;
        m->disp_size = 0;
        break;
    case 1:
    case 2:
        m->disp = (int8_t)xgen_rand(g->r);
        m->disp_size = 1;
        break;
    default:
        m->disp = (int32_t)(below(g->r, 0x10000) - 0x8000);
        m->disp_size = 4;
    }
}

/*
 * A memory operand for an access of size bytes (store: the access writes), emitting the
 * movs that set its registers. hi8: the instruction has no REX (registers below 8).
 * not_reg: a register the instruction needs afterwards (not to be used as base or index).
 */
Operand mem_operand(Gen *g, int size, int acc, bool hi8, int not_reg)
{
    Operand m = {.mem = true, .base = BASE_NONE, .index = -1};
    uint64_t target = pick_target(g, size);
    unsigned k = below(g->r, 100);

    /* Whatever a register holds (not in host-safe streams: that may be a page the host
     * does not map as the guest does, the GDT say). */
    if ((g->groups & 1u << XG_FAULT) && !g->host && k < 4) {
        m.base = pick_addr_reg(g, hi8, not_reg);
        pick_disp(g, &m);
        if (below(g->r, 2)) {
            m.index = pick_addr_reg(g, hi8, not_reg);
            m.scale = below(g->r, 4);
        }
        return m;
    }
    if (k < 14) {
        m.base = BASE_RIP;
        m.target = target;
        return m;
    }
    if (k < 22) {
        m.disp = (int32_t)target;
        return m;
    }
    if (k < 30 && acc == ACC_LOAD && !hi8 && !(g->keep & 1u << R_SP)) { /* the stack, around rsp */
        uint64_t lo = XG_STACK, hi = XG_STACK + XG_STACK_SIZE - size;
        uint64_t t = g->rsp - 64 + below(g->r, 192);
        m.base = R_SP;
        if (t < lo || t > hi) {
            t = g->rsp;
        }
        m.disp = (int32_t)(t - g->rsp);
        m.disp_size = m.disp == 0 && below(g->r, 2) ? 0 : m.disp == (int8_t)m.disp ? 1 : 4;
        return m;
    }
    m.base = pick_addr_reg(g, hi8, not_reg);
    pick_disp(g, &m);
    uint64_t base = target - (int64_t)m.disp;
    if (below(g->r, 3) == 0) {
        do {
            m.index = pick_addr_reg(g, hi8, not_reg);
        } while (m.index == m.base);
        m.scale = below(g->r, 4);
        uint64_t iv = below(g->r, 16);
        base -= iv << m.scale;
        set_reg(g, m.index, iv);
    }
    set_reg(g, m.base, base);
    return m;
}

/* ---- operand choice for the r/m forms ---- */

int pick_size(Gen *g, bool with8)
{
    static const int sizes[] = {32, 64, 64, 16, 8, 8};
    int s;
    do {
        s = sizes[below(g->r, 6)];
    } while (!with8 && s == 8);
    return s;
}

/* A destination register for the current size (in hi8 mode ah..bh are fine, spl is not). */
int dest_reg(Gen *g, const Insn *in)
{
    return pick_reg(g, in->hi8);
}

/*
 * Fill in->regf (a register unless regf_fixed) and in->rm (memory with probability
 * mem_pct). Register 4 is ah in hi8 mode and never used otherwise.
 */
void rm_operands(Gen *g, Insn *in, int mem_pct, int acc, bool regf_fixed)
{
    in->hi8 = in->size == 8 && below(g->r, 3) == 0;
    if (!regf_fixed) {
        in->regf = dest_reg(g, in);
    }
    if ((int)below(g->r, 100) < mem_pct) {
        in->rm = mem_operand(g, in->size / 8, acc, in->hi8, regf_fixed ? -1 : in->regf);
    } else {
        in->rm = (Operand){.reg = dest_reg(g, in)};
    }
}

void set_imm(Gen *g, Insn *in, int bytes)
{
    in->imm_size = bytes;
    in->imm =
        bytes == 8 ? xgen_interesting(g->r) : xgen_interesting(g->r) & ((1ULL << (8 * bytes)) - 1);
}

/* After an instruction that leaves flags undefined, in host-safe streams: define them all. */
void fix_flags(Gen *g)
{
    if (g->host) {
        Insn in = insn(64, 1, 0x39, 0, 0); /* cmp r/m64, r64 */
        in.regf = pick_reg(g, false);
        in.rm = (Operand){.reg = pick_reg(g, false)};
        encode(g, &in);
    }
}

bool maybe_lock(Gen *g, const Insn *in)
{
    return in->rm.mem && below(g->r, 4) == 0;
}
