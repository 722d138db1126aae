/*
 * The x87 instructions (d8-df escapes, SDM Vol. 1 chapter 8, Vol. 2 per
 * instruction). The register stack, tags, stack faults, pops and the
 * environment live here; the arithmetic itself runs on the host's x87 unit
 * (x87-host.c), so results, condition codes and flags are the hardware's.
 *
 * Exceptions: flags accumulate in FSW; an unmasked one sets ES and B, leaves
 * the destination alone for I/D/Z and for O/U to memory (a register gets the
 * host's result re-biased by 2^24576), and raises #MF at the next waiting x87
 * instruction (CR0.NE; without it the FERR# line is not modelled).
 */
#include "fpu-internal.h"
#include "x87-host.h"

static const X87Reg indefinite = {.mant = 0xc000000000000000ULL, .exp = 0xffff};

/* Merge a host FSW; false if an unmasked I, D or Z leaves destination and stack alone. */
static bool merge(CPUX86State *env, uint16_t sw, uint16_t ccmask)
{
    uint16_t exc = sw & FCW_EXC_MASK, unmasked = exc & ~env->fpuc & FCW_EXC_MASK;

    env->fpus = (env->fpus & ~ccmask) | (sw & ccmask) | exc;
    if (unmasked) {
        env->fpus |= FSW_ES | FSW_B;
    }
    return !(unmasked & (FSW_IE | FSW_DE | FSW_ZE));
}

/* Stack overflow or underflow: IE, SF, C1 = overflow; true if masked (go on, indefinite). */
static bool stack_fault(CPUX86State *env, bool overflow)
{
    env->fpus = (env->fpus & ~FSW_C1) | FSW_IE | FSW_SF | (overflow ? FSW_C1 : 0);
    if (!(env->fpuc & FSW_IE)) {
        env->fpus |= FSW_ES | FSW_B;
        return false;
    }
    return true;
}

static void set_st(CPUX86State *env, int i, const X87Reg *v)
{
    int p = (env->fpstt + i) & 7;

    env->fpregs[p] = *v;
    env->fptag &= ~(1 << p);
}

static bool push(CPUX86State *env, const X87Reg *v)
{
    int t = (env->fpstt - 1) & 7;

    if (!(env->fptag & (1 << t))) {
        if (!stack_fault(env, true)) {
            return false;
        }
        v = &indefinite;
    }
    env->fpstt = t;
    set_st(env, 0, v);
    return true;
}

/* Push after an underflow was already reported: no overflow check on top of it. */
static void push_raw(CPUX86State *env, const X87Reg *v)
{
    env->fpstt = (env->fpstt - 1) & 7;
    set_st(env, 0, v);
}

static void pop(CPUX86State *env)
{
    env->fptag |= 1 << (env->fpstt & 7);
    env->fpstt = (env->fpstt + 1) & 7;
}

static X87Reg from_ld(long double x)
{
    X87Reg r;

    memset(&r, 0, sizeof(r));
    r.d = x;
    return r;
}

/* ST(i) and ST(j) present? Otherwise the underflow; *go says whether to continue masked. */
static bool need(CPUX86State *env, int i, int j, bool *go)
{
    if (x86_st_empty(env, i) || (j >= 0 && x86_st_empty(env, j))) {
        *go = stack_fault(env, false);
        return false;
    }
    return true;
}

/* st(dst) = a op b on the host (op X87H_ADD..DIVR, COM, UCOM), then pops. */
static void arith(CPUX86State *env, int op, int dst, const X87Reg *a, const X87Reg *b, int pops)
{
    int base = op >= X87H_ADD_F64 ? op - X87H_ADD_F64 : op >= X87H_ADD_F32 ? op - X87H_ADD_F32 : op;
    bool cmp = base == X87H_COM || base == X87H_COMP || op == X87H_UCOM;
    X87Reg v[3] = {*a, *b};

    if (merge(env, x87_host_op(op, env->fpuc, env->fpus, &v[0].d), FSW_CC)) {
        if (!cmp) {
            set_st(env, dst, &v[0]);
        }
        while (pops--) {
            pop(env);
        }
    }
}

/* The underflow's masked response: the indefinite into st(dst), or "unordered" for compares. */
static void arith_underflow(CPUX86State *env, int op, int dst, int pops, bool go)
{
    bool cmp = op == X87H_COM || op == X87H_COMP || op == X87H_UCOM;

    if (cmp) {
        env->fpus |= FSW_C0 | FSW_C2 | FSW_C3; /* even with IE unmasked (as the hardware) */
    }
    if (!go) {
        return;
    }
    if (!cmp) {
        set_st(env, dst, &indefinite);
    }
    while (pops--) {
        pop(env);
    }
}

/* ---- memory operands ---- */

/*
 * The memory operand of d8/da/dc/de (m32fp, m32int, m64fp, m16int) and of the loads as
 * an extended value; *ok false when an unmasked exception of the conversion stops it.
 */
static void convert_operand(CPUX86State *env, uint64_t v, int size, bool is_int, X87Reg *r,
                            bool *ok)
{
    *ok = true;
    if (is_int) {
        *r = from_ld(size == 2   ? (long double)(int16_t)v
                     : size == 4 ? (long double)(int32_t)v
                                 : (long double)(int64_t)v);
    } else {
        long double x = 0;
        uint16_t sw = x87_host_load(size == 4 ? X87M_F32 : X87M_F64, env->fpuc, env->fpus, &v, &x);
        *r = from_ld(x);
        merge(env, sw, 0);
        *ok = ((sw >> FSW_TOP_SHIFT) & 7) == 7; /* the host pushed it (or an unmasked IE not) */
    }
}

/* d8, da, dc, de with a memory operand: st0 = st0 op m (the stack checked before the operand). */
static int arith_mem(CPUX86State *env, const X86Insn *d)
{
    static const int8_t size[4] = {4, 4, 8, 2};
    int k = (d->opc >> 1) & 3, op = d->reg & 7, pops = op == X87H_COMP;
    bool ok, go;
    uint64_t raw;
    X87Reg m;
    int excp = x86_rm_read(env, d, size[k], &raw);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!need(env, 0, -1, &go)) {
        arith_underflow(env, op, 0, pops, go);
        return X86_EXCP_NONE;
    }
    if (!(k & 1)) { /* m32fp/m64fp: the host instruction takes the memory operand itself */
        memset(&m, 0, sizeof(m));
        m.mant = raw;
        arith(env, op + (k ? X87H_ADD_F64 : X87H_ADD_F32), 0, x86_st(env, 0), &m, pops);
        return X86_EXCP_NONE;
    }
    convert_operand(env, raw, size[k], true, &m, &ok);
    arith(env, op, 0, x86_st(env, 0), &m, pops);
    return X86_EXCP_NONE;
}

/* fst/fist/fisttp/fbstp to memory: kind X87M_*, size bytes; then pop if asked. */
static int store_mem(CPUX86State *env, const X86Insn *d, int kind, int size, bool do_pop)
{
    uint8_t buf[16] = {0};
    bool go = true;
    uint16_t sw;
    uint64_t v;
    void *host;
    /* The store's #PF first, as the host's fstp: no FSW flag (stack fault, PE, C1) or pop
     * before it, and no half of an m80 across a page written. */
    int excp = x86_probe_write(env, x86_ea_seg(d), x86_ea(env, d), size, &host);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (x86_st_empty(env, 0)) {
        if (!stack_fault(env, false)) {
            return X86_EXCP_NONE;
        }
        sw = x87_host_store(kind, env->fpuc | FCW_EXC_MASK, env->fpus, indefinite.d, buf);
        go = true;
    } else {
        sw = x87_host_store(kind, env->fpuc, env->fpus, x86_st(env, 0)->d, buf);
        /* Unmasked overflow/underflow to memory: nothing stored, no pop, no PE, C1 0 (8.5.4). */
        bool ou = sw & ~env->fpuc & (FSW_OE | FSW_UE);
        go = merge(env, ou ? sw & ~(FSW_PE | FSW_C1) : sw, FSW_C1) && !ou;
    }
    if (!go) {
        return X86_EXCP_NONE;
    }
    if (size == 10) {
        X87Reg r;
        memcpy(&r.mant, buf, 8);
        memcpy(&r.exp, buf + 8, 2);
        excp = x87_write_m80(env, d, &r);
    } else {
        memcpy(&v, buf, 8);
        excp = x86_rm_write(env, d, size, v);
    }
    if (excp == X86_EXCP_NONE && do_pop) {
        pop(env);
    }
    return excp;
}

/* fld m32fp/m64fp, fild: a full stack overflows before the operand is converted. */
static int load_mem(CPUX86State *env, const X86Insn *d, int size, bool is_int)
{
    X87Reg r;
    bool ok;
    uint64_t raw;
    int excp = x86_rm_read(env, d, size, &raw);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!x86_st_empty(env, 7)) {
        push(env, &indefinite); /* the overflow */
        return X86_EXCP_NONE;
    }
    env->fpus &= ~FSW_C1;
    convert_operand(env, raw, size, is_int, &r, &ok);
    if (ok) {
        push(env, &r);
    }
    return X86_EXCP_NONE;
}

static int load_m80(CPUX86State *env, const X86Insn *d, bool bcd)
{
    X87Reg r;
    int excp = x87_read_m80(env, d, &r);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (bcd) {
        uint8_t raw[10];
        long double x;
        memcpy(raw, &r.mant, 8);
        memcpy(raw + 8, &r.exp, 2);
        x87_host_load(X87M_BCD, env->fpuc, env->fpus, raw, &x);
        r = from_ld(x);
    }
    env->fpus &= ~FSW_C1;
    push(env, &r);
    return X86_EXCP_NONE;
}

/* fstp m80: the register as it is (no conversion, no exception but the underflow). */
static int store_m80(CPUX86State *env, const X86Insn *d)
{
    bool empty = x86_st_empty(env, 0);
    void *host;
    int excp = x86_probe_write(env, x86_ea_seg(d), x86_ea(env, d), 10, &host); /* store_mem's */

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (empty && !stack_fault(env, false)) {
        return X86_EXCP_NONE;
    }
    excp = x87_write_m80(env, d, empty ? &indefinite : x86_st(env, 0));
    if (excp == X86_EXCP_NONE) {
        env->fpus &= ~FSW_C1;
        pop(env);
    }
    return excp;
}

/* ---- the memory forms of d9, db, dd, df ---- */

static int exec_mem(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;

    switch ((d->opc & 7) << 3 | op) {
    case 010:
        return load_mem(env, d, 4, false); /* fld m32fp */
    case 012:
    case 013:
        return store_mem(env, d, X87M_F32, 4, op == 3);
    case 014:
        return x87_load_env(env, d);
    case 015: {
        uint64_t v;
        int excp = x86_rm_read(env, d, 2, &v);
        if (excp == X86_EXCP_NONE) {
            env->fpuc = (v & 0x1f3f) | 0x40; /* bit 6 reads as 1, 7 and 13-15 as 0 */
            x87_update_es(env);
        }
        return excp;
    }
    case 016: {
        int excp = x87_store_env(env, d);
        env->fpuc |= excp == X86_EXCP_NONE ? FCW_EXC_MASK : 0;
        return excp;
    }
    case 017:
        return x86_rm_write(env, d, 2, env->fpuc);
    case 030:
        return load_mem(env, d, 4, true); /* fild m32 */
    case 031:
        return store_mem(env, d, X87M_T32, 4, true);
    case 032:
    case 033:
        return store_mem(env, d, X87M_I32, 4, op == 3);
    case 035:
        return load_m80(env, d, false);
    case 037:
        return store_m80(env, d);
    case 050:
        return load_mem(env, d, 8, false);
    case 051:
        return store_mem(env, d, X87M_T64, 8, true);
    case 052:
    case 053:
        return store_mem(env, d, X87M_F64, 8, op == 3);
    case 054:
        return x87_save_restore(env, d, true);
    case 056:
        return x87_save_restore(env, d, false);
    case 057:
        return x86_rm_write(env, d, 2, x86_fsw(env));
    case 070:
        return load_mem(env, d, 2, true);
    case 071:
        return store_mem(env, d, X87M_T16, 2, true);
    case 072:
    case 073:
        return store_mem(env, d, X87M_I16, 2, op == 3);
    case 074:
        return load_m80(env, d, true);
    case 075:
        return load_mem(env, d, 8, true);
    case 076:
        return store_mem(env, d, X87M_BCD, 10, true);
    case 077:
        return store_mem(env, d, X87M_I64, 8, true);
    default:
        return EXCP06_ILLOP;
    }
}

/* ---- register forms ---- */

/* d8 (st0 = st0 op st(i)), dc (st(i) = st(i) op st0, sub/div reversed), de (dc, then pop). */
static void arith_reg(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7, i = d->rm & 7, pops = op == X87H_COMP;
    int dst = 0, a = 0, b = i;
    bool go;

    if (d->opc != 0xd8 && op != X87H_COM && op != X87H_COMP) {
        dst = a = i;
        b = 0;
        op ^= op >= 4; /* dc e0+i is fsubr st(i), st0: st0 - st(i) */
    }
    if (d->opc == 0xde && op != X87H_COMP) {
        pops = 1;
    }
    if (d->opc == 0xde && op == X87H_COMP) {
        if (i != 1) {
            return; /* de d0+i: not an instruction the SDM lists but fcompp's row */
        }
        pops = 2;
    }
    if (!need(env, a, b, &go)) {
        arith_underflow(env, op, dst, pops, go);
        return;
    }
    arith(env, op, dst, x86_st(env, a), x86_st(env, b), pops);
}

/* fcom/fucom st(i) [pops], fcomi/fucomi [pops] (EFLAGS). */
static void compare_reg(CPUX86State *env, int i, bool unordered_ok, bool eflags, int pops)
{
    int op = unordered_ok ? X87H_UCOM : X87H_COM;
    X87Reg v[3];
    uint16_t sw;
    bool go;

    if (!need(env, 0, i, &go)) {
        sw = FSW_C0 | FSW_C2 | FSW_C3; /* unordered; stack_fault cleared C1 */
        if (!eflags) {
            env->fpus = (env->fpus & ~FSW_CC) | sw; /* even with IE unmasked */
        }
    } else {
        v[0] = *x86_st(env, 0);
        v[1] = *x86_st(env, i);
        sw = x87_host_op(op, env->fpuc, env->fpus, &v[0].d);
        go = merge(env, sw, eflags ? 0 : FSW_CC);
    }
    if (eflags) { /* set even when an unmasked IE stops the pops (as the hardware) */
        x86_set_cc(env, CC_ARITH,
                   (sw & FSW_C3 ? CC_Z : 0) | (sw & FSW_C2 ? CC_P : 0) | (sw & FSW_C0 ? CC_C : 0));
    }
    if (!go) {
        return;
    }
    while (pops--) {
        pop(env);
    }
}

/* One-operand host operations on st0 (fchs .. fcos, ftst, fxam): C1 and the rest from host. */
static void unary(CPUX86State *env, int op)
{
    X87Reg v[3];
    bool go;

    if (op == X87H_XAM && x86_st_empty(env, 0)) {
        uint16_t sign = x86_st(env, 0)->exp & 0x8000 ? FSW_C1 : 0;
        env->fpus = (env->fpus & ~FSW_CC) | FSW_C3 | FSW_C0 | sign;
        return;
    }
    if (!need(env, 0, -1, &go)) {
        if (op == X87H_SIN || op == X87H_COS) {
            env->fpus &= ~FSW_C2;
        }
        arith_underflow(env, op == X87H_TST ? X87H_COM : op, 0, 0, go);
        return;
    }
    v[0] = *x86_st(env, 0);
    if (merge(env, x87_host_op(op, env->fpuc, env->fpus, &v[0].d), FSW_CC) && op != X87H_TST &&
        op != X87H_XAM) {
        set_st(env, 0, &v[0]);
    }
}

/* Two-operand host operations: fprem, fprem1, fscale (st0), fpatan, fyl2x, fyl2xp1 (st1, pop). */
static void binary(CPUX86State *env, int op)
{
    bool one = op == X87H_PATAN || op == X87H_YL2X || op == X87H_YL2XP1, go;
    X87Reg v[3];

    if (!need(env, 0, 1, &go)) {
        if (op == X87H_PREM || op == X87H_PREM1) {
            env->fpus &= ~FSW_C2; /* complete */
        }
        if (go) {
            set_st(env, one ? 1 : 0, &indefinite);
            if (one) {
                pop(env);
            }
        }
        return;
    }
    v[0] = *x86_st(env, 0);
    v[1] = *x86_st(env, 1);
    if (!merge(env, x87_host_op(op, env->fpuc, env->fpus, &v[0].d), FSW_CC)) {
        return;
    }
    if (one) {
        set_st(env, 1, &v[0]);
        pop(env);
    } else {
        set_st(env, 0, &v[0]);
    }
}

/* fptan, fsincos, fxtract: st0 replaced, one more pushed. */
static void unary_push(CPUX86State *env, int op)
{
    X87Reg v[3];
    bool go;

    if (op != X87H_XTRACT) {
        env->fpus &= ~FSW_C2; /* "in range" when the stack faults */
    }
    if (!need(env, 0, -1, &go)) {
        if (go) {
            set_st(env, 0, &indefinite);
            push_raw(env, &indefinite);
        }
        return;
    }
    if (!x86_st_empty(env, 7)) {
        if (stack_fault(env, true)) {
            set_st(env, 0, &indefinite);
            push(env, &indefinite);
        }
        return;
    }
    v[0] = *x86_st(env, 0);
    if (!merge(env, x87_host_op(op, env->fpuc, env->fpus, &v[0].d), FSW_CC)) {
        return;
    }
    if ((env->fpus & FSW_C2) && op != X87H_XTRACT) {
        return; /* out of range: st0 unchanged, nothing pushed */
    }
    set_st(env, 0, &v[1]);
    push(env, &v[0]);
}

static void load_const(CPUX86State *env, int op)
{
    X87Reg v[3];

    memset(v, 0, sizeof(v));
    merge(env, x87_host_op(op, env->fpuc, env->fpus, &v[0].d), FSW_C1);
    push(env, &v[0]);
}

static void fxch(CPUX86State *env, int i)
{
    X87Reg a, b;
    bool go;

    if (!need(env, 0, i, &go)) {
        if (!go) {
            return;
        }
        if (x86_st_empty(env, 0)) {
            set_st(env, 0, &indefinite);
        }
        if (x86_st_empty(env, i)) {
            set_st(env, i, &indefinite);
        }
    }
    a = *x86_st(env, 0);
    b = *x86_st(env, i);
    set_st(env, 0, &b);
    set_st(env, i, &a);
    env->fpus &= ~FSW_C1;
}

static void fcmov(CPUX86State *env, const X86Insn *d)
{
    static const uint8_t cc[4] = {0x2, 0x4, 0x6, 0xa}; /* b, e, be, p (jcc numbering) */
    int i = d->rm & 7;
    bool go, t = x86_cond(env, cc[d->reg & 3]);

    if (d->opc == 0xdb) {
        t = !t;
    }
    if (!need(env, 0, i, &go)) {
        if (go) {
            set_st(env, 0, &indefinite);
        }
        return;
    }
    if (t) {
        X87Reg v = *x86_st(env, i);
        set_st(env, 0, &v);
    }
}

/* fst/fstp st(i) (dd d0/d8, and the d9 d8, df d0/d8 aliases). */
static void fst_reg(CPUX86State *env, int i, bool do_pop)
{
    bool go = true;
    X87Reg v = need(env, 0, -1, &go) ? *x86_st(env, 0) : indefinite;

    if (go) {
        env->fpus &= ~FSW_C1;
        set_st(env, i, &v);
        if (do_pop) {
            pop(env);
        }
    }
}

static void exec_d9_reg(CPUX86State *env, const X86Insn *d)
{
    static const int8_t e0[16] = {
        X87H_CHS, X87H_ABS,   -1,         -1,        X87H_TST,   X87H_XAM,   -1,       -1,
        X87H_LD1, X87H_LDL2T, X87H_LDL2E, X87H_LDPI, X87H_LDLG2, X87H_LDLN2, X87H_LDZ, -1};
    int i = d->rm & 7, row = d->reg & 7;

    switch (row) {
    case 0: { /* fld st(i) */
        bool go = true;
        if (!need(env, i, -1, &go)) {
            if (go) {
                push_raw(env, &indefinite);
            }
            return;
        }
        X87Reg v = *x86_st(env, i);
        env->fpus &= ~FSW_C1;
        push(env, &v);
        return;
    }
    case 1:
        fxch(env, i);
        return;
    case 2: /* fnop */
        return;
    case 3:
        fst_reg(env, i, true);
        return;
    case 4:
    case 5: {
        int op = e0[(row - 4) * 8 + i];
        if (op >= X87H_LD1) {
            load_const(env, op);
        } else if (op >= 0) {
            unary(env, op);
        }
        return;
    }
    case 6:
        switch (i) {
        case 0:
            unary(env, X87H_F2XM1);
            return;
        case 1:
            binary(env, X87H_YL2X);
            return;
        case 2:
            unary_push(env, X87H_PTAN);
            return;
        case 3:
            binary(env, X87H_PATAN);
            return;
        case 4:
            unary_push(env, X87H_XTRACT);
            return;
        case 5:
            binary(env, X87H_PREM1);
            return;
        default: /* fdecstp, fincstp */
            env->fpstt = (env->fpstt + (i == 6 ? -1 : 1)) & 7;
            env->fpus &= ~FSW_C1;
            return;
        }
    default: {
        static const int8_t f8[8] = {X87H_PREM,   X87H_YL2XP1, X87H_SQRT, X87H_SINCOS,
                                     X87H_RNDINT, X87H_SCALE,  X87H_SIN,  X87H_COS};
        int op = f8[i];
        if (op == X87H_PREM || op == X87H_YL2XP1 || op == X87H_SCALE) {
            binary(env, op);
        } else if (op == X87H_SINCOS) {
            unary_push(env, op);
        } else {
            unary(env, op);
        }
        return;
    }
    }
}

/* Register forms of da..df; false: not an instruction (#UD). */
static bool exec_other_reg(CPUX86State *env, const X86Insn *d)
{
    int i = d->rm & 7, row = d->reg & 7;

    switch (d->opc) {
    case 0xda:
        if (row < 4) {
            fcmov(env, d);
        } else if (row == 5 && i == 1) {
            compare_reg(env, 1, true, false, 2); /* fucompp */
        } else {
            return false;
        }
        return true;
    case 0xdb:
        if (row < 4) {
            fcmov(env, d);
        } else if (row == 4 && i == 2) {
            env->fpus &= ~(FCW_EXC_MASK | FSW_SF | FSW_ES | FSW_B); /* fnclex */
        } else if (row == 4 && i == 3) {
            x86_fninit(env);
        } else if (row == 4) {
            return i < 5; /* fneni, fndisi, fsetpm, frstpm: no-ops since the 287 */
        } else if (row == 5 || row == 6) {
            compare_reg(env, i, row == 5, true, 0); /* fucomi, fcomi */
        } else {
            return false;
        }
        return true;
    case 0xdd:
        if (row == 0) {
            env->fptag |= 1 << ((env->fpstt + i) & 7); /* ffree */
            env->fpus &= ~FSW_C1;
        } else if (row == 1) {
            fxch(env, i);
        } else if (row == 2 || row == 3) {
            fst_reg(env, i, row == 3);
        } else if (row == 4 || row == 5) {
            compare_reg(env, i, true, false, row - 4); /* fucom, fucomp */
        } else {
            return false;
        }
        return true;
    case 0xdf:
        if (row == 0) { /* ffreep */
            env->fptag |= 1 << ((env->fpstt + i) & 7);
            env->fpus &= ~FSW_C1;
            pop(env);
        } else if (row == 1) {
            fxch(env, i);
        } else if (row == 4 && i == 0) {
            env->regs[R_EAX] = deposit64(env->regs[R_EAX], 0, 16, x86_fsw(env));
        } else if (row == 5 || row == 6) {
            compare_reg(env, i, row == 5, true, 1); /* fucomip, fcomip */
        } else if (row == 2 || row == 3) {
            fst_reg(env, i, true);
        } else {
            return false;
        }
        return true;
    default: /* dc, de */
        arith_reg(env, d);
        return true;
    }
}

/* The non-waiting control instructions: no pending-exception check, FIP/FOP kept. */
static bool is_control(const X86Insn *d)
{
    int row = d->reg & 7;

    if (d->mem) {
        return (d->opc == 0xd9 && row >= 4) || (d->opc == 0xdd && row >= 4);
    }
    return (d->opc == 0xdb && row == 4) || (d->opc == 0xdf && row == 4);
}

int x86_exec_x87(CPUX86State *env, const X86Insn *d)
{
    int excp = d->lock ? EXCP06_ILLOP : x86_fpu_check_x87(env);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!is_control(d)) {
        excp = x86_fpu_check_pending(env);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        env->fpop = ((d->opc & 7) << 8) | (d->mod << 6) | ((d->reg & 7) << 3) | (d->rm & 7);
        env->fpip = env->rip - d->len;
        env->fpcs = env->segs[R_CS].selector;
        if (d->mem) {
            env->fpdp = x86_ea(env, d);
            env->fpds = env->segs[x86_ea_seg(d)].selector;
        }
    }
    if (d->mem) {
        if ((d->reg & 7) == 1 && (d->opc == 0xdb || d->opc == 0xdd || d->opc == 0xdf) &&
            !x86_has(env, X86_FEAT_1_ECX, CPUID_EXT_SSE3)) {
            return EXCP06_ILLOP; /* fisttp is SSE3's */
        }
        if (d->opc == 0xd8 || d->opc == 0xda || d->opc == 0xdc || d->opc == 0xde) {
            return arith_mem(env, d);
        }
        return exec_mem(env, d);
    }
    if (d->opc == 0xd8) {
        arith_reg(env, d);
    } else if (d->opc == 0xd9) {
        exec_d9_reg(env, d);
    } else if (!exec_other_reg(env, d)) {
        return EXCP06_ILLOP;
    }
    return X86_EXCP_NONE;
}

/* 9b fwait: #NM with CR0.MP and TS, then a pending unmasked exception. */
int x86_exec_fwait(CPUX86State *env, const X86Insn *d)
{
    if ((env->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS)) {
        return EXCP07_PREX;
    }
    return x86_fpu_check_pending(env);
}
