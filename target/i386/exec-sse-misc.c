/*
 * The 0f-map MMX/SSE forms that are more than "xmm op= xmm/m": conversions
 * between the register files, compares into EFLAGS, masks, shuffles with an
 * immediate, shifts by an immediate, word insert/extract, the non-temporal
 * and masked stores, emms (SDM Vol. 2 per instruction).
 */
#include "sse-internal.h"

/* A table operation by opcode and prefix (for the forms built on them). */
static uint32_t table_op(int opc, int pfx, XMMReg *d, const XMMReg *s, uint32_t mxcsr)
{
    return x86_sse_0f[opc][pfx].fn(d, s, mxcsr);
}

/* 2a: cvtpi2ps, cvtpi2pd (mm/m64), cvtsi2ss, cvtsi2sd (r/m32/64). */
static int cvt_from_int(CPUX86State *env, const X86Insn *d, int pfx)
{
    XMMReg r = env->xmm[d->reg], s = {{0}};
    uint64_t v;
    int excp;

    if (pfx >= 2) {
        excp = x86_rm_read(env, d, (d->rex & 8) ? 8 : 4, &v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        return x86_sse_finish(env, x86_sse_cvt_from_int(pfx == 3, d->rex & 8, &r, v, env->mxcsr),
                              &env->xmm[d->reg], &r);
    }
    excp = x86_mmx_read(env, d, &v);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!d->mem) {
        x86_mmx_enter(env);
    }
    s.q[0] = v;
    if (pfx == 1) { /* cvtpi2pd: exact */
        table_op(0xe6, 2, &r, &s, env->mxcsr);
        env->xmm[d->reg] = r;
        return X86_EXCP_NONE;
    }
    XMMReg t = s;
    uint32_t f = table_op(0x5b, 0, &t, &s, env->mxcsr);
    r.q[0] = t.q[0];
    return x86_sse_finish(env, f, &env->xmm[d->reg], &r);
}

/* 2c/2d: cvt(t)ps2pi, cvt(t)pd2pi (to mm), cvt(t)ss2si, cvt(t)sd2si (to r32/64). */
static int cvt_to_int(CPUX86State *env, const X86Insn *d, int pfx)
{
    bool trunc = d->opc == 0x2c;
    XMMReg s, t;
    uint64_t v;
    uint32_t f;
    int excp = x86_sse_read(env, d, pfx == 2 ? 4 : pfx == 3 || pfx == 0 ? 8 : 16, pfx == 1, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (pfx >= 2) {
        f = x86_sse_cvt_to_int(trunc, pfx == 3, d->rex & 8, &s, env->mxcsr, &v);
        excp = x86_sse_finish(env, f, NULL, NULL);
        if (excp == X86_EXCP_NONE) {
            x86_set_reg(env, d, d->reg, (d->rex & 8) ? 8 : 4, v);
        }
        return excp;
    }
    excp = x86_fpu_check_mmx(env);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    t = s;
    if (pfx == 0) {
        s.q[1] = t.q[1] = 0; /* two singles only */
        f = table_op(0x5b, trunc ? 2 : 1, &t, &s, env->mxcsr);
    } else {
        f = table_op(0xe6, trunc ? 1 : 3, &t, &s, env->mxcsr);
    }
    excp = x86_sse_finish(env, f, NULL, NULL);
    if (excp == X86_EXCP_NONE) {
        x86_mmx_write(env, d->reg, t.q[0]);
    }
    return excp;
}

/* 2e/2f: ucomiss/comiss (none), ucomisd/comisd (66). */
static int comi(CPUX86State *env, const X86Insn *d, int pfx)
{
    XMMReg s;
    uint64_t fl = x86_get_eflags(env);
    int excp = pfx > 1 ? EXCP06_ILLOP : x86_sse_read(env, d, pfx ? 8 : 4, false, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    excp = x86_sse_finish(
        env, x86_sse_comi((d->opc & 1) * 2 + pfx, &env->xmm[d->reg], &s, env->mxcsr, &fl), NULL,
        NULL);
    if (excp == X86_EXCP_NONE) {
        x86_set_eflags(env, fl);
    }
    return excp;
}

/* 50 movmskps/pd, d7 pmovmskb (mm or xmm): sign bits into r32. */
static int movmsk(CPUX86State *env, const X86Insn *d, int pfx)
{
    uint64_t m = 0;

    if (d->mem || pfx > 1) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0x50) {
        const XMMReg *s = &env->xmm[d->rm];
        for (int i = 0; i < (pfx ? 2 : 4); i++) {
            m |= (uint64_t)(pfx ? s->q[i] >> 63 : s->l[i] >> 31) << i;
        }
    } else if (pfx) {
        for (int i = 0; i < 16; i++) {
            m |= (uint64_t)(env->xmm[d->rm].b[i] >> 7) << i;
        }
    } else {
        uint64_t v = env->fpregs[d->rm & 7].mant;
        x86_mmx_enter(env);
        for (int i = 0; i < 8; i++) {
            m |= ((v >> (8 * i + 7)) & 1) << i;
        }
    }
    env->regs[d->reg] = m;
    return X86_EXCP_NONE;
}

static uint64_t shuffle_words(uint64_t v, int imm)
{
    uint64_t r = 0;

    for (int i = 0; i < 4; i++) {
        r |= ((v >> (16 * ((imm >> (2 * i)) & 3))) & 0xffff) << (16 * i);
    }
    return r;
}

/* 70: pshufw (mm), pshufd, pshufhw, pshuflw. */
static int pshuf(CPUX86State *env, const X86Insn *d, int pfx)
{
    int imm = d->imm & 0xff;
    XMMReg s, r;
    uint64_t v;
    int excp;

    if (pfx == 0) {
        excp = x86_mmx_read(env, d, &v);
        if (excp == X86_EXCP_NONE) {
            x86_mmx_write(env, d->reg, shuffle_words(v, imm));
        }
        return excp;
    }
    excp = x86_sse_read(env, d, 16, true, &s);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    r = s;
    if (pfx == 1) {
        for (int i = 0; i < 4; i++) {
            r.l[i] = s.l[(imm >> (2 * i)) & 3];
        }
    } else {
        r.q[pfx == 2] = shuffle_words(s.q[pfx == 2], imm);
    }
    env->xmm[d->reg] = r;
    return X86_EXCP_NONE;
}

/* 71/72/73 /2 /4 /6: shifts of mm/xmm (rm) by imm8; 73 /3 /7: psrldq/pslldq (xmm). */
static int shift_imm(CPUX86State *env, const X86Insn *d, int pfx)
{
    static const uint8_t by_reg[3][8] = {
        [0] = {[2] = 0xd1, [4] = 0xe1, [6] = 0xf1}, /* w */
        [1] = {[2] = 0xd2, [4] = 0xe2, [6] = 0xf2}, /* d */
        [2] = {[2] = 0xd3, [6] = 0xf3},             /* q */
    };
    int op = d->reg & 7, n = d->imm & 0xff, opc = by_reg[d->opc - 0x71][op];
    XMMReg cnt = {{0}}, r;

    if (d->mem || pfx > 1) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0x73 && (op == 3 || op == 7) && pfx == 1) {
        XMMReg s = env->xmm[d->rm];
        memset(&r, 0, sizeof(r));
        for (int i = 0; i < 16; i++) {
            int from = op == 3 ? i + n : i - n;
            r.b[i] = from >= 0 && from < 16 ? s.b[from] : 0;
        }
        env->xmm[d->rm] = r;
        return X86_EXCP_NONE;
    }
    if (!opc) {
        return EXCP06_ILLOP;
    }
    cnt.q[0] = n;
    if (pfx == 0) {
        memset(&r, 0, sizeof(r));
        r.q[0] = env->fpregs[d->rm & 7].mant;
        table_op(opc, 1, &r, &cnt, 0);
        x86_mmx_write(env, d->rm, r.q[0]);
        return X86_EXCP_NONE;
    }
    table_op(opc, 1, &env->xmm[d->rm], &cnt, 0);
    return X86_EXCP_NONE;
}

/* c2: cmpps/cmppd/cmpss/cmpsd, imm 0..7. */
static int cmp(CPUX86State *env, const X86Insn *d, int pfx)
{
    XMMReg s, r = env->xmm[d->reg];
    int excp = x86_sse_read(env, d, pfx == 2 ? 4 : pfx == 3 ? 8 : 16, true, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    return x86_sse_finish(env, x86_sse_cmp(pfx, &r, &s, d->imm & 0xff, env->mxcsr),
                          &env->xmm[d->reg], &r);
}

/* c4 pinsrw mm/xmm, r32/m16, imm; c5 pextrw r32, mm/xmm, imm. */
static int pinsrw(CPUX86State *env, const X86Insn *d, int pfx)
{
    uint64_t v;
    int excp;

    if (pfx > 1) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0xc5) {
        if (d->mem) {
            return EXCP06_ILLOP;
        }
        if (pfx) {
            v = env->xmm[d->rm].w[d->imm & 7];
        } else {
            v = (env->fpregs[d->rm & 7].mant >> (16 * (d->imm & 3))) & 0xffff;
            x86_mmx_enter(env);
        }
        env->regs[d->reg] = v;
        return X86_EXCP_NONE;
    }
    excp = x86_rm_read(env, d, 2, &v);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (pfx) {
        env->xmm[d->reg].w[d->imm & 7] = v;
    } else {
        x86_mmx_write(env, d->reg,
                      deposit64(env->fpregs[d->reg & 7].mant, 16 * (d->imm & 3), 16, v));
    }
    return X86_EXCP_NONE;
}

/* c6: shufps, shufpd. */
static int shufp(CPUX86State *env, const X86Insn *d, int pfx)
{
    XMMReg s, r, *dst = &env->xmm[d->reg];
    int imm = d->imm & 0xff;
    int excp = pfx > 1 ? EXCP06_ILLOP : x86_sse_read(env, d, 16, true, &s);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (pfx) {
        r.q[0] = dst->q[imm & 1];
        r.q[1] = s.q[(imm >> 1) & 1];
    } else {
        r.l[0] = dst->l[imm & 3];
        r.l[1] = dst->l[(imm >> 2) & 3];
        r.l[2] = s.l[(imm >> 4) & 3];
        r.l[3] = s.l[(imm >> 6) & 3];
    }
    *dst = r;
    return X86_EXCP_NONE;
}

/* f7: maskmovq mm, mm / maskmovdqu xmm, xmm: bytes with the mask's top bit to DS:rDI. */
static int maskmov(CPUX86State *env, const X86Insn *d, int pfx)
{
    int n = pfx ? 16 : 8, seg = d->seg >= 0 ? d->seg : R_DS;
    uint64_t di = env->regs[R_EDI] & x86_mask(d->addrsize);

    if (d->mem || pfx > 1) {
        return EXCP06_ILLOP;
    }
    for (int i = 0; i < n; i++) {
        uint8_t m = pfx ? env->xmm[d->rm].b[i] : env->fpregs[d->rm & 7].mant >> (8 * i);
        uint8_t v = pfx ? env->xmm[d->reg].b[i] : env->fpregs[d->reg & 7].mant >> (8 * i);
        if (m & 0x80) {
            int excp = x86_write_mem(env, seg, (di + i) & x86_mask(d->addrsize), 1, v);
            if (excp != X86_EXCP_NONE) {
                return excp;
            }
        }
    }
    if (!pfx) {
        x86_mmx_enter(env);
    }
    return X86_EXCP_NONE;
}

int x86_sse_exec_special(CPUX86State *env, const X86Insn *d, int pfx)
{
    switch (d->opc) {
    case 0x2a:
        return cvt_from_int(env, d, pfx);
    case 0x2c:
    case 0x2d:
        return cvt_to_int(env, d, pfx);
    case 0x2e:
    case 0x2f:
        return comi(env, d, pfx);
    case 0x50:
    case 0xd7:
        return movmsk(env, d, pfx);
    case 0x70:
        return pshuf(env, d, pfx);
    case 0x71:
    case 0x72:
    case 0x73:
        return shift_imm(env, d, pfx);
    case 0x77:
        if (pfx) {
            return EXCP06_ILLOP;
        }
        env->fptag = 0xff; /* emms */
        return X86_EXCP_NONE;
    case 0xc2:
        return cmp(env, d, pfx);
    case 0xc3: /* movnti m32/64, r */
        if (pfx || !d->mem) {
            return EXCP06_ILLOP;
        }
        return x86_rm_write(env, d, (d->rex & 8) ? 8 : 4,
                            x86_get_reg(env, d, d->reg, (d->rex & 8) ? 8 : 4));
    case 0xc4:
    case 0xc5:
        return pinsrw(env, d, pfx);
    case 0xc6:
        return shufp(env, d, pfx);
    case 0xe7: /* movntq, movntdq */
        if (!d->mem || pfx > 1) {
            return EXCP06_ILLOP;
        }
        if (pfx == 0) {
            x86_mmx_enter(env);
            return x86_write_mem(env, x86_ea_seg(d), x86_ea(env, d), 8,
                                 env->fpregs[d->reg & 7].mant);
        }
        return x86_sse_write_mem(env, d, 16, true, &env->xmm[d->reg]);
    case 0xf7:
        return maskmov(env, d, pfx);
    default:
        return EXCP06_ILLOP;
    }
}
