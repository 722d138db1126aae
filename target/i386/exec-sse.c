/*
 * MMX and SSE..SSE3 in the 0f map (SDM Vol. 2 appendix A table A-3; the
 * mandatory prefix 66/f3/f2 picks the form, none the MMX or ps one). The
 * arithmetic comes from sse-host.c's tables; this file fetches operands
 * (registers, memory with the legacy alignment rule: #GP on a misaligned
 * m128 but for the unaligned moves), checks availability (CR0.EM/TS,
 * CR4.OSFXSR) and MXCSR exceptions (#XM with CR4.OSXMMEXCPT, else #UD), and
 * does the moves, shuffles and conversions itself.
 */
#include "fpu-internal.h"
#include "sse-host.h"
#include "sse-internal.h"

int x86_sse_pfx(const X86Insn *d)
{
    return d->rep == 0xf3 ? 2 : d->rep == 0xf2 ? 3 : d->opsize_prefix ? 1 : 0;
}

int x86_sse_read(CPUX86State *env, const X86Insn *d, int size, bool align, XMMReg *v)
{
    uint64_t ea = x86_ea(env, d), q;
    int seg = x86_ea_seg(d), excp;

    memset(v, 0, sizeof(*v));
    if (!d->mem) {
        *v = env->xmm[d->rm];
        return X86_EXCP_NONE;
    }
    if (align && size == 16 && (ea & 15)) {
        return x86_gp0(env);
    }
    excp = x86_read_mem(env, seg, ea, size > 8 ? 8 : size, &q);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    v->q[0] = q;
    if (size == 16) {
        excp = x86_read_mem(env, seg, (ea + 8) & x86_mask(d->addrsize), 8, &q);
        v->q[1] = q;
    }
    return excp;
}

int x86_sse_write_mem(CPUX86State *env, const X86Insn *d, int size, bool align, const XMMReg *v)
{
    uint64_t ea = x86_ea(env, d);
    int seg = x86_ea_seg(d), excp;

    if (align && size == 16 && (ea & 15)) {
        return x86_gp0(env);
    }
    if (size == 16) { /* the high half first: a fault on it leaves memory unchanged */
        excp = x86_write_mem(env, seg, (ea + 8) & x86_mask(d->addrsize), 8, v->q[1]);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
    }
    return x86_write_mem(env, seg, ea, size > 8 ? 8 : size, v->q[0]);
}

/* The MMX source: mm register (REX.B ignored) or m64. */
int x86_mmx_read(CPUX86State *env, const X86Insn *d, uint64_t *v)
{
    if (!d->mem) {
        *v = env->fpregs[d->rm & 7].mant;
        return X86_EXCP_NONE;
    }
    return x86_read_mem(env, x86_ea_seg(d), x86_ea(env, d), 8, v);
}

void x86_mmx_write(CPUX86State *env, int reg, uint64_t v)
{
    x86_mmx_enter(env);
    env->fpregs[reg & 7].mant = v;
    env->fpregs[reg & 7].exp = 0xffff;
}

int x86_sse_finish(CPUX86State *env, uint32_t flags, XMMReg *to, const XMMReg *res)
{
    uint32_t unmasked = flags & ~(env->mxcsr >> MXCSR_EXC_MASK_SHIFT) & 0x3f;

    if (unmasked & (FSW_IE | FSW_DE | FSW_ZE)) {
        flags &= FSW_IE | FSW_DE | FSW_ZE; /* a pre-computation fault: O/U/P never evaluated */
        unmasked &= flags;
    } else if (unmasked & (FSW_OE | FSW_UE)) {
        /* The overflowing lane does not report PE (a scalar op: exact; a packed one loses
         * the PE of the other lanes: docs/x86-fpu.md) */
        flags &= ~FSW_PE;
        unmasked &= flags;
    }
    env->mxcsr |= flags;
    if (unmasked) {
        return (env->cr[4] & CR4_OSXMMEXCPT) ? EXCP13_XMM : EXCP06_ILLOP;
    }
    if (to) {
        *to = *res;
    }
    return X86_EXCP_NONE;
}

/* An MMX operation through its 128-bit SSE2 form (sse-host.h's SSE_PACK/HIGH/DUP). */
static int exec_mmx_generic(CPUX86State *env, const X86Insn *d, const SseEntry *e)
{
    XMMReg a = {{0}}, b = {{0}};
    uint64_t dv = env->fpregs[d->reg & 7].mant, sv;
    int excp = x86_fpu_check_mmx(env);

    excp = excp != X86_EXCP_NONE ? excp : x86_mmx_read(env, d, &sv);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (e->flags & SSE_HIGH) {
        a.q[1] = dv;
        b.q[1] = sv;
    } else {
        a.q[0] = dv;
        b.q[0] = sv;
        a.q[1] = (e->flags & SSE_PACK) ? sv : (e->flags & SSE_DUP) ? dv : 0;
    }
    e->fn(&a, &b, env->mxcsr);
    x86_mmx_write(env, d->reg, (e->flags & SSE_HIGH) ? a.q[1] : a.q[0]);
    return X86_EXCP_NONE;
}

/* xmm = xmm op xmm/m (size by the scalar flags; m128 aligned unless SSE_UNALIGNED). */
int x86_sse_exec_entry(CPUX86State *env, const X86Insn *d, const SseEntry *e, int pfx)
{
    int size = (e->flags & SSE_S4) ? 4 : (e->flags & SSE_S8) ? 8 : (e->flags & SSE_S2) ? 2 : 16;
    XMMReg s, r = env->xmm[d->reg];
    int excp;

    if (pfx == 0 && (e->flags & SSE_MMX)) {
        return exec_mmx_generic(env, d, e);
    }
    excp = x86_fpu_check_sse(env);
    excp =
        excp != X86_EXCP_NONE ? excp : x86_sse_read(env, d, size, !(e->flags & SSE_UNALIGNED), &s);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    return x86_sse_finish(env, e->fn(&r, &s, env->mxcsr), &env->xmm[d->reg], &r);
}

/* ---- moves ---- */

/* 10/11 movups movupd movss movsd, 28/29 movaps movapd, 2b movntps/pd, e7 movntdq (66). */
static int exec_mov(CPUX86State *env, const X86Insn *d, int pfx, bool store, bool align)
{
    int size = pfx == 2 ? 4 : pfx == 3 ? 8 : 16;
    XMMReg v;
    int excp;

    if (store) {
        v = env->xmm[d->reg];
        if (d->mem) {
            return x86_sse_write_mem(env, d, size, align, &v);
        }
        if (size == 16) {
            env->xmm[d->rm] = v;
        } else {
            memcpy(env->xmm[d->rm].b, v.b, size); /* reg-reg movss/movsd: the low element */
        }
        return X86_EXCP_NONE;
    }
    if (!d->mem && size < 16) {
        memcpy(env->xmm[d->reg].b, env->xmm[d->rm].b, size);
        return X86_EXCP_NONE;
    }
    excp = x86_sse_read(env, d, size, align, &v);
    if (excp == X86_EXCP_NONE) {
        env->xmm[d->reg] = v; /* a scalar load zeroes the rest */
    }
    return excp;
}

/* 12/13/16/17: movlps/movlpd/movhlps/movhps/movhpd/movlhps, movsldup/movshdup/movddup. */
static int exec_mov_half(CPUX86State *env, const X86Insn *d, int pfx)
{
    XMMReg *r = &env->xmm[d->reg], s;
    bool high = d->opc & 4, store = d->opc & 1;
    int excp;

    if (store) {
        if (!d->mem || pfx > 1) {
            return EXCP06_ILLOP;
        }
        return x86_write_mem(env, x86_ea_seg(d), x86_ea(env, d), 8, r->q[high]);
    }
    if (pfx == 2 || pfx == 3) { /* movsldup/movshdup (16 bytes), movddup (8) */
        excp = x86_sse_read(env, d, pfx == 3 ? 8 : 16, pfx == 2, &s);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (pfx == 3) {
            r->q[0] = r->q[1] = s.q[0];
        } else if (high) {
            r->l[0] = r->l[1] = s.l[1];
            r->l[2] = r->l[3] = s.l[3];
        } else {
            r->l[0] = r->l[1] = s.l[0];
            r->l[2] = r->l[3] = s.l[2];
        }
        return X86_EXCP_NONE;
    }
    if (!d->mem) {
        if (pfx == 1) {
            return EXCP06_ILLOP;
        }
        r->q[high] = env->xmm[d->rm].q[!high]; /* movhlps: high → low; movlhps: low → high */
        return X86_EXCP_NONE;
    }
    excp = x86_sse_read(env, d, 8, false, &s);
    if (excp == X86_EXCP_NONE) {
        r->q[high] = s.q[0];
    }
    return excp;
}

/* 6e movd/movq mm|xmm, r/m; 7e movd/movq r/m, mm|xmm, f3 7e movq xmm, xmm/m64. */
static int exec_movd(CPUX86State *env, const X86Insn *d, int pfx)
{
    int size = (d->rex & 8) ? 8 : 4;
    uint64_t v;
    int excp;

    if (pfx == 2 && d->opc == 0x7e) {
        XMMReg s;
        excp = x86_sse_read(env, d, 8, false, &s);
        if (excp == X86_EXCP_NONE) {
            env->xmm[d->reg].q[0] = s.q[0];
            env->xmm[d->reg].q[1] = 0;
        }
        return excp;
    }
    if (pfx > 1) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0x6e) {
        excp = x86_rm_read(env, d, size, &v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (pfx) {
            memset(&env->xmm[d->reg], 0, 16);
            env->xmm[d->reg].q[0] = v;
        } else {
            x86_mmx_write(env, d->reg, v);
        }
        return X86_EXCP_NONE;
    }
    v = pfx ? env->xmm[d->reg].q[0] : env->fpregs[d->reg & 7].mant;
    if (!pfx) {
        x86_mmx_enter(env);
    }
    return x86_rm_write(env, d, size, v);
}

/* 6f/7f: movq mm, movdqa (66), movdqu (f3); d6: movq xmm/m64 (66), movq2dq, movdq2q. */
static int exec_movdq(CPUX86State *env, const X86Insn *d, int pfx)
{
    XMMReg v;
    uint64_t q;
    int excp;

    if (d->opc == 0xd6) {
        if (pfx == 1) {
            if (d->mem) {
                return x86_write_mem(env, x86_ea_seg(d), x86_ea(env, d), 8, env->xmm[d->reg].q[0]);
            }
            env->xmm[d->rm].q[0] = env->xmm[d->reg].q[0];
            env->xmm[d->rm].q[1] = 0;
            return X86_EXCP_NONE;
        }
        if (d->mem || pfx == 0) {
            return EXCP06_ILLOP;
        }
        excp = x86_fpu_check_mmx(env);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (pfx == 2) { /* movq2dq xmm, mm */
            env->xmm[d->reg].q[0] = env->fpregs[d->rm & 7].mant;
            env->xmm[d->reg].q[1] = 0;
            x86_mmx_enter(env);
        } else { /* movdq2q mm, xmm */
            x86_mmx_write(env, d->reg, env->xmm[d->rm].q[0]);
        }
        return X86_EXCP_NONE;
    }
    if (pfx == 0) {
        excp = x86_fpu_check_mmx(env);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (d->opc == 0x6f) {
            excp = x86_mmx_read(env, d, &q);
            if (excp == X86_EXCP_NONE) {
                x86_mmx_write(env, d->reg, q);
            }
            return excp;
        }
        q = env->fpregs[d->reg & 7].mant;
        x86_mmx_enter(env);
        if (d->mem) {
            return x86_write_mem(env, x86_ea_seg(d), x86_ea(env, d), 8, q);
        }
        x86_mmx_write(env, d->rm, q);
        return X86_EXCP_NONE;
    }
    if (pfx == 3) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0x7f) {
        return exec_mov(env, d, 0, true, pfx == 1);
    }
    excp = x86_sse_read(env, d, 16, pfx == 1, &v);
    if (excp == X86_EXCP_NONE) {
        env->xmm[d->reg] = v;
    }
    return excp;
}

/* Which availability rule: the no-prefix integer forms are MMX, movnti none, the rest SSE. */
static int check_avail(CPUX86State *env, const X86Insn *d, int pfx)
{
    int o = d->opc;
    bool mmx = pfx == 0 && ((o >= 0x60 && o <= 0x7f) || o == 0xc4 || o == 0xc5 ||
                            (o >= 0xd1 && o != 0xd6 && o != 0xe6));

    if (d->lock) {
        return EXCP06_ILLOP; /* no MMX/SSE instruction takes lock */
    }
    if (o == 0xc3) {
        return X86_EXCP_NONE;
    }
    if (o == 0x77) { /* emms */
        return (env->cr[0] & CR0_EM) ? EXCP06_ILLOP : x86_fpu_check_mmx(env);
    }
    return mmx ? x86_fpu_check_mmx(env) : x86_fpu_check_sse(env);
}

/* The SSE3 forms of the 0f map (movddup, movs[hl]dup, the horizontal ops, addsub, lddqu). */
static bool is_sse3(const X86Insn *d, int pfx)
{
    switch (d->opc) {
    case 0x12:
        return pfx >= 2;
    case 0x16:
        return pfx == 2;
    case 0x7c:
    case 0x7d:
    case 0xd0:
        return pfx == 1 || pfx == 3;
    case 0xf0:
        return pfx == 3;
    default:
        return false;
    }
}

int x86_exec_sse(CPUX86State *env, const X86Insn *d)
{
    int pfx = x86_sse_pfx(d);
    const SseEntry *e = &x86_sse_0f[d->opc][pfx];
    int excp = check_avail(env, d, pfx);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (is_sse3(d, pfx) && !x86_has(env, X86_FEAT_1_ECX, CPUID_EXT_SSE3)) {
        return EXCP06_ILLOP;
    }
    if (e->fn) {
        return x86_sse_exec_entry(env, d, e, pfx);
    }
    switch (d->opc) {
    case 0x10:
    case 0x11:
        return exec_mov(env, d, pfx, d->opc & 1, false);
    case 0x28:
    case 0x29:
        return pfx > 1 ? EXCP06_ILLOP : exec_mov(env, d, 0, d->opc & 1, true);
    case 0x2b:
        return pfx > 1 || !d->mem ? EXCP06_ILLOP : exec_mov(env, d, 0, true, true);
    case 0x12:
    case 0x13:
    case 0x16:
    case 0x17:
        return exec_mov_half(env, d, pfx);
    case 0x6e:
    case 0x7e:
        return exec_movd(env, d, pfx);
    case 0x6f:
    case 0x7f:
    case 0xd6:
        return exec_movdq(env, d, pfx);
    case 0xf0: /* lddqu */
        if (pfx != 3 || !d->mem) {
            return EXCP06_ILLOP;
        }
        return exec_mov(env, d, 0, false, false);
    default:
        return x86_sse_exec_special(env, d, pfx);
    }
}
