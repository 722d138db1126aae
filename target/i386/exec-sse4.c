/*
 * The three-byte maps: 0f 38 (SSSE3 with MMX forms, SSE4.1, SSE4.2's
 * pcmpgtq and crc32, movbe) and 0f 3a (palignr, round, blends, insert/
 * extract, dpps/dppd, mpsadbw, pcmpestri/estrm/istri/istrm), SDM Vol. 2
 * appendix A table. Operations with a host instruction come from
 * sse-host.c; the data movements are done here.
 */
#include "sse-internal.h"

/* 0f 38 10/14/15: pblendvb, blendvps, blendvpd with XMM0 as the mask. */
static int blendv(CPUX86State *env, const X86Insn *d)
{
    int w = d->opc == 0x10 ? 1 : d->opc == 0x14 ? 4 : 8;
    XMMReg s, *r = &env->xmm[d->reg];
    int excp = x86_sse_read(env, d, 16, true, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    for (int i = 0; i < 16; i += w) {
        if (env->xmm[0].b[i + w - 1] & 0x80) {
            memcpy(r->b + i, s.b + i, w);
        }
    }
    return X86_EXCP_NONE;
}

static int ptest(CPUX86State *env, const X86Insn *d)
{
    XMMReg s, *r = &env->xmm[d->reg];
    int excp = x86_sse_read(env, d, 16, true, &s);
    bool z = true, c = true;

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    for (int i = 0; i < 2; i++) {
        z &= !(r->q[i] & s.q[i]);
        c &= !(~r->q[i] & s.q[i]);
    }
    x86_set_cc(env, CC_ARITH, (z ? CC_Z : 0) | (c ? CC_C : 0));
    return X86_EXCP_NONE;
}

/* 0f 38 f0/f1: movbe (no prefix or 66), crc32 (f2). */
static int movbe_crc32(CPUX86State *env, const X86Insn *d, int pfx)
{
    int size = d->opc == 0xf0 && pfx == 3 ? 1 : d->opsize;
    uint64_t v;
    int excp;

    if (pfx == 3) {
        excp = x86_rm_read(env, d, size, &v);
        if (excp == X86_EXCP_NONE) {
            uint32_t crc = x86_sse_crc32(env->regs[d->reg], v, size);
            x86_set_reg(env, d, d->reg, (d->rex & 8) ? 8 : 4, crc);
        }
        return excp;
    }
    if (!d->mem || pfx == 2) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0xf0) {
        excp = x86_rm_read(env, d, size, &v);
        if (excp == X86_EXCP_NONE) {
            v = size == 2   ? __builtin_bswap16(v)
                : size == 4 ? __builtin_bswap32(v)
                            : __builtin_bswap64(v);
            x86_set_reg(env, d, d->reg, size, v);
        }
        return excp;
    }
    v = x86_get_reg(env, d, d->reg, size);
    v = size == 2 ? __builtin_bswap16(v) : size == 4 ? __builtin_bswap32(v) : __builtin_bswap64(v);
    return x86_rm_write(env, d, size, v);
}

/* The CPUID bit each three-byte opcode needs (the model decides; qemu64 has none). */
static uint32_t needed_bit(const X86Insn *d, int pfx)
{
    int o = d->opc;

    if (d->map == 2) {
        if (o == 0xf0 || o == 0xf1) {
            return pfx == 3 ? CPUID_EXT_SSE42 : CPUID_EXT_MOVBE;
        }
        return o <= 0x0b || (o >= 0x1c && o <= 0x1e) ? CPUID_EXT_SSSE3
               : o == 0x37                           ? CPUID_EXT_SSE42
                                                     : CPUID_EXT_SSE41;
    }
    return o == 0x0f ? CPUID_EXT_SSSE3 : o >= 0x60 && o <= 0x63 ? CPUID_EXT_SSE42 : CPUID_EXT_SSE41;
}

int x86_exec_sse38(CPUX86State *env, const X86Insn *d)
{
    int pfx = x86_sse_pfx(d);
    const SseEntry *e = &x86_sse_0f38[d->opc][pfx];
    int excp;

    if (d->lock || !x86_has(env, X86_FEAT_1_ECX, needed_bit(d, pfx))) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0xf0 || d->opc == 0xf1) {
        return movbe_crc32(env, d, pfx);
    }
    excp = pfx == 0 ? x86_fpu_check_mmx(env) : x86_fpu_check_sse(env);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (e->fn) {
        return x86_sse_exec_entry(env, d, e, pfx);
    }
    if (pfx != 1) {
        return EXCP06_ILLOP;
    }
    switch (d->opc) {
    case 0x10:
    case 0x14:
    case 0x15:
        return blendv(env, d);
    case 0x17:
        return ptest(env, d);
    case 0x2a: { /* movntdqa */
        XMMReg v;
        excp = d->mem ? x86_sse_read(env, d, 16, true, &v) : EXCP06_ILLOP;
        if (excp == X86_EXCP_NONE) {
            env->xmm[d->reg] = v;
        }
        return excp;
    }
    default:
        return EXCP06_ILLOP;
    }
}

/* ---- 0f 3a ---- */

/* palignr mm/xmm: (dst:src) >> imm bytes, the low half/whole kept. */
static int palignr(CPUX86State *env, const X86Insn *d, int pfx)
{
    int n = pfx ? 16 : 8, imm = d->imm & 0xff;
    uint8_t cat[32] = {0};
    XMMReg s = {{0}}, r = {{0}};
    int excp;

    if (pfx == 0) {
        excp = x86_mmx_read(env, d, &s.q[0]);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        memcpy(cat, s.b, 8);
        memcpy(cat + 8, &env->fpregs[d->reg & 7].mant, 8);
    } else {
        excp = x86_sse_read(env, d, 16, true, &s);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        memcpy(cat, s.b, 16);
        memcpy(cat + 16, env->xmm[d->reg].b, 16);
    }
    for (int i = 0; i < n; i++) {
        r.b[i] = i + imm < 2 * n ? cat[i + imm] : 0;
    }
    if (pfx == 0) {
        x86_mmx_write(env, d->reg, r.q[0]);
    } else {
        env->xmm[d->reg] = r;
    }
    return X86_EXCP_NONE;
}

/* 14-17: pextrb/w/d/q, extractps to r/m. */
static int pextr(CPUX86State *env, const X86Insn *d)
{
    static const int8_t sizes[4] = {1, 2, 4, 4};
    int size = d->opc == 0x16 && (d->rex & 8) ? 8 : sizes[d->opc - 0x14];
    int idx = (d->imm & 0xff) & (16 / size - 1);
    uint64_t v = 0;

    memcpy(&v, env->xmm[d->reg].b + idx * size, size);
    if (!d->mem) {
        x86_set_reg(env, d, d->rm, size == 8 ? 8 : 4, v); /* zero-extended into r32/r64 */
        return X86_EXCP_NONE;
    }
    return x86_rm_write(env, d, size, v);
}

/* 20 pinsrb, 21 insertps, 22 pinsrd/q. */
static int pinsr(CPUX86State *env, const X86Insn *d)
{
    int imm = d->imm & 0xff, size = d->opc == 0x20 ? 1 : d->opc == 0x21 || !(d->rex & 8) ? 4 : 8;
    XMMReg *r = &env->xmm[d->reg];
    uint64_t v;
    int excp;

    if (d->opc == 0x21) {
        XMMReg s;
        excp = x86_sse_read(env, d, 4, false, &s);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        r->l[(imm >> 4) & 3] = d->mem ? s.l[0] : s.l[(imm >> 6) & 3];
        for (int i = 0; i < 4; i++) {
            if (imm & (1 << i)) {
                r->l[i] = 0;
            }
        }
        return X86_EXCP_NONE;
    }
    excp = x86_rm_read(env, d, size, &v);
    if (excp == X86_EXCP_NONE) {
        memcpy(r->b + (imm & (16 / size - 1)) * size, &v, size);
    }
    return excp;
}

static int blend_imm(CPUX86State *env, const X86Insn *d)
{
    int w = d->opc == 0x0c ? 4 : d->opc == 0x0d ? 8 : 2, imm = d->imm & 0xff;
    XMMReg s, *r = &env->xmm[d->reg];
    int excp = x86_sse_read(env, d, 16, true, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    for (int i = 0; i < 16 / w; i++) {
        if (imm & (1 << i)) {
            memcpy(r->b + i * w, s.b + i * w, w);
        }
    }
    return X86_EXCP_NONE;
}

static int pcmpstr(CPUX86State *env, const X86Insn *d)
{
    XMMReg s;
    int64_t la, ld;
    uint32_t ecx = 0;
    uint64_t fl;
    int excp = x86_sse_read(env, d, 16, false, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    la = (d->rex & 8) ? (int64_t)env->regs[R_EAX] : (int32_t)env->regs[R_EAX];
    ld = (d->rex & 8) ? (int64_t)env->regs[R_EDX] : (int32_t)env->regs[R_EDX];
    fl = x86_get_eflags(env);
    x86_sse_pcmpstr(d->opc, &env->xmm[d->reg], &s, d->imm & 0xff, la, ld, &ecx, &env->xmm[0], &fl);
    x86_set_eflags(env, fl);
    if (d->opc & 1) {
        env->regs[R_ECX] = ecx; /* the index, zero-extended */
    }
    return X86_EXCP_NONE;
}

/* 08-0b round, 40/41 dp, 42 mpsadbw. */
static int host_imm(CPUX86State *env, const X86Insn *d)
{
    int size = d->opc == 0x0a ? 4 : d->opc == 0x0b ? 8 : 16, imm = d->imm & 0xff;
    XMMReg s, r = env->xmm[d->reg];
    uint32_t f = 0;
    int excp = x86_sse_read(env, d, size, true, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (d->opc <= 0x0b) {
        f = x86_sse_round(d->opc - 0x08, &r, &s, imm, env->mxcsr);
    } else if (d->opc == 0x42) {
        x86_sse_mpsadbw(&r, &s, imm);
    } else {
        f = x86_sse_dp(d->opc == 0x41, &r, &s, imm, env->mxcsr);
    }
    return x86_sse_finish(env, f, &env->xmm[d->reg], &r);
}

int x86_exec_sse3a(CPUX86State *env, const X86Insn *d)
{
    int pfx = x86_sse_pfx(d);
    int excp = pfx == 0 ? x86_fpu_check_mmx(env) : x86_fpu_check_sse(env);

    if (d->lock || !x86_has(env, X86_FEAT_1_ECX, needed_bit(d, pfx))) {
        return EXCP06_ILLOP;
    }
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (d->opc == 0x0f && pfx <= 1) {
        return palignr(env, d, pfx);
    }
    if (pfx != 1) {
        return EXCP06_ILLOP;
    }
    switch (d->opc) {
    case 0x08 ... 0x0b:
    case 0x40 ... 0x42:
        return host_imm(env, d);
    case 0x0c ... 0x0e:
        return blend_imm(env, d);
    case 0x14 ... 0x17:
        return pextr(env, d);
    case 0x20 ... 0x22:
        return pinsr(env, d);
    case 0x60 ... 0x63:
        return pcmpstr(env, d);
    default:
        return EXCP06_ILLOP;
    }
}
