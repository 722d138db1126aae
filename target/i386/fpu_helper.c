/*
 * x87/MMX/SSE state shared by the instruction groups: the availability checks
 * (CR0.EM/TS/MP, CR4.OSFXSR, SDM Vol. 3A 2.5 and table 13-1), the x87 status
 * and tag words, MXCSR loads, and the state images: FXSAVE/FXRSTOR (SDM Vol.
 * 1 10.5.1, the 32- and 64-bit layouts) and the XSAVE family with the x87 and
 * SSE components (Vol. 1 13), with XGETBV/XSETBV.
 */
#include "fpu-internal.h"

/* ---- availability ---- */

int x86_fpu_check_x87(CPUX86State *env)
{
    if (env->cr[0] & (CR0_EM | CR0_TS)) {
        return EXCP07_PREX;
    }
    return X86_EXCP_NONE;
}

/* A waiting x87 instruction with an unmasked exception pending: #MF (CR0.NE; else ignored). */
int x86_fpu_check_pending(CPUX86State *env)
{
    if ((env->fpus & FSW_ES) && (env->cr[0] & CR0_NE)) {
        return EXCP10_COPR;
    }
    return X86_EXCP_NONE;
}

int x86_fpu_check_sse(CPUX86State *env)
{
    if ((env->cr[0] & CR0_EM) || !(env->cr[4] & CR4_OSFXSR)) {
        return EXCP06_ILLOP;
    }
    if (env->cr[0] & CR0_TS) {
        return EXCP07_PREX;
    }
    return X86_EXCP_NONE;
}

int x86_fpu_check_mmx(CPUX86State *env)
{
    if (env->cr[0] & CR0_EM) {
        return EXCP06_ILLOP;
    }
    if (env->cr[0] & CR0_TS) {
        return EXCP07_PREX;
    }
    return x86_fpu_check_pending(env);
}

/* MMX instructions (but emms) make the x87 stack all valid with TOP 0 (SDM Vol. 1 9.5.1). */
void x86_mmx_enter(CPUX86State *env)
{
    env->fpstt = 0;
    env->fptag = 0;
}

/* ---- x87 words ---- */

uint16_t x86_fsw(const CPUX86State *env)
{
    return (env->fpus & ~(7 << FSW_TOP_SHIFT)) | ((env->fpstt & 7) << FSW_TOP_SHIFT);
}

void x86_set_fsw(CPUX86State *env, uint16_t fsw)
{
    env->fpstt = (fsw >> FSW_TOP_SHIFT) & 7;
    env->fpus = fsw & ~(7 << FSW_TOP_SHIFT);
}

/* The two-bit tag of physical register i from its contents (Vol. 1 8.1.7). */
static int full_tag(const CPUX86State *env, int i)
{
    const X87Reg *r = &env->fpregs[i];
    int e = r->exp & 0x7fff;

    if (env->fptag & (1 << i)) {
        return 3;
    }
    if (e == 0x7fff || (e != 0 && !(r->mant >> 63)) || (e == 0 && r->mant)) {
        return 2; /* NaN, infinity, unnormal, denormal */
    }
    return e == 0 && !r->mant ? 1 : 0;
}

uint16_t x86_ftw_full(const CPUX86State *env)
{
    uint16_t t = 0;

    for (int i = 0; i < 8; i++) {
        t |= full_tag(env, i) << (2 * i);
    }
    return t;
}

void x86_set_ftw_full(CPUX86State *env, uint16_t ftw)
{
    env->fptag = 0;
    for (int i = 0; i < 8; i++) {
        if (((ftw >> (2 * i)) & 3) == 3) {
            env->fptag |= 1 << i;
        }
    }
}

void x86_fninit(CPUX86State *env)
{
    env->fpuc = 0x37f;
    env->fpus = 0;
    env->fpstt = 0;
    env->fptag = 0xff;
    env->fpop = 0;
    env->fpip = env->fpdp = 0;
    env->fpcs = env->fpds = 0;
}

/* ---- MXCSR ---- */

int x86_load_mxcsr(CPUX86State *env, uint32_t val)
{
    if (val & ~MXCSR_MASK) {
        return x86_gp0(env);
    }
    env->mxcsr = val;
    return X86_EXCP_NONE;
}

/* ---- memory in 8-byte pieces ---- */

static int read_block(CPUX86State *env, int seg, uint64_t ea, int amask_size, uint8_t *buf, int len)
{
    for (int i = 0; i < len; i += 8) {
        uint64_t v;
        int excp = x86_read_mem(env, seg, (ea + i) & x86_mask(amask_size), 8, &v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        memcpy(buf + i, &v, 8);
    }
    return X86_EXCP_NONE;
}

/*
 * Could the len bytes (at most a page) at ea be stored? Checked before a state save reads or
 * writes any of them, so a fault leaves memory as it was and is the store's (the host's fxsave
 * across a read-only page writes nothing). The last byte's page first, then the first byte's,
 * as the host (AMD) does: cr2 is the last byte when both pages would fault.
 */
static int probe_block(CPUX86State *env, int seg, uint64_t ea, int amask_size, int len)
{
    void *host;
    int excp = x86_probe_write(env, seg, (ea + len - 1) & x86_mask(amask_size), 1, &host);

    return excp != X86_EXCP_NONE ? excp : x86_probe_write(env, seg, ea, 1, &host);
}

/* After probe_block: only a device refusing the write can fail it. */
static int write_block(CPUX86State *env, int seg, uint64_t ea, int amask_size, const uint8_t *buf,
                       int len)
{
    for (int i = 0; i < len; i += 8) {
        uint64_t v;
        memcpy(&v, buf + i, 8);
        int excp = x86_write_mem(env, seg, (ea + i) & x86_mask(amask_size), 8, v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
    }
    return X86_EXCP_NONE;
}

/* ---- the FXSAVE image (Vol. 1 tables 10-2, 10-3) ---- */

static void put16(uint8_t *b, int off, uint16_t v)
{
    memcpy(b + off, &v, 2);
}
static void put32(uint8_t *b, int off, uint32_t v)
{
    memcpy(b + off, &v, 4);
}
static void put64(uint8_t *b, int off, uint64_t v)
{
    memcpy(b + off, &v, 8);
}
static uint16_t get16(const uint8_t *b, int off)
{
    uint16_t v;
    memcpy(&v, b + off, 2);
    return v;
}
static uint32_t get32(const uint8_t *b, int off)
{
    uint32_t v;
    memcpy(&v, b + off, 4);
    return v;
}
static uint64_t get64(const uint8_t *b, int off)
{
    uint64_t v;
    memcpy(&v, b + off, 8);
    return v;
}

/* The x87 part: bytes 0..159 but MXCSR (24..31); rex_w picks the 64-bit FIP/FDP layout. */
static void fx_store_x87(CPUX86State *env, uint8_t *b, bool rex_w)
{
    uint8_t abridged = ~env->fptag;

    put16(b, 0, env->fpuc);
    put16(b, 2, x86_fsw(env));
    b[4] = abridged;
    put16(b, 6, env->fpop);
    if (rex_w) {
        put64(b, 8, env->fpip);
        put64(b, 16, env->fpdp);
    } else {
        put32(b, 8, env->fpip);
        put16(b, 12, env->fpcs);
        put32(b, 16, env->fpdp);
        put16(b, 20, env->fpds);
    }
    for (int i = 0; i < 8; i++) {
        const X87Reg *r = &env->fpregs[(env->fpstt + i) & 7];
        put64(b, 32 + 16 * i, r->mant);
        put16(b, 40 + 16 * i, r->exp);
    }
}

static void fx_load_x87(CPUX86State *env, const uint8_t *b, bool rex_w)
{
    env->fpuc = get16(b, 0);
    x86_set_fsw(env, get16(b, 2));
    env->fptag = ~b[4];
    env->fpop = get16(b, 6) & 0x7ff;
    if (rex_w) {
        env->fpip = get64(b, 8);
        env->fpdp = get64(b, 16);
    } else {
        env->fpip = get32(b, 8);
        env->fpcs = get16(b, 12);
        env->fpdp = get32(b, 16);
        env->fpds = get16(b, 20);
    }
    for (int i = 0; i < 8; i++) {
        X87Reg *r = &env->fpregs[(env->fpstt + i) & 7];
        memset(r, 0, sizeof(*r));
        r->mant = get64(b, 32 + 16 * i);
        r->exp = get16(b, 40 + 16 * i);
    }
}

/* XMM registers saved: 8 outside 64-bit code (Vol. 1 10.5.1.1). */
static int nb_xmm(CPUX86State *env)
{
    return x86_code64(env) ? 16 : 8;
}

void x86_fxsave_image(CPUX86State *env, uint8_t *b, bool rex_w)
{
    fx_store_x87(env, b, rex_w);
    put32(b, 24, env->mxcsr);
    put32(b, 28, MXCSR_MASK);
    for (int i = 0; i < nb_xmm(env); i++) {
        memcpy(b + 160 + 16 * i, env->xmm[i].b, 16);
    }
}

int x86_fxrstor_image(CPUX86State *env, const uint8_t *b, bool rex_w)
{
    if (get32(b, 24) & ~MXCSR_MASK) {
        return x86_gp0(env);
    }
    fx_load_x87(env, b, rex_w);
    env->mxcsr = get32(b, 24);
    for (int i = 0; i < nb_xmm(env); i++) {
        memcpy(env->xmm[i].b, b + 160 + 16 * i, 16);
    }
    return X86_EXCP_NONE;
}

/* fxsave/fxrstor m512: 16-byte aligned or #GP(0). */
int x86_fxsave(CPUX86State *env, const X86Insn *d, bool restore)
{
    uint64_t ea = x86_ea(env, d);
    uint8_t b[512];
    bool w = d->rex & 8;
    int excp;

    if (ea & 15) {
        return x86_gp0(env);
    }
    if (restore) {
        excp = read_block(env, x86_ea_seg(d), ea, d->addrsize, b, 512);
        return excp != X86_EXCP_NONE ? excp : x86_fxrstor_image(env, b, w);
    }
    excp = probe_block(env, x86_ea_seg(d), ea, d->addrsize, 512);
    excp = excp != X86_EXCP_NONE ? excp : read_block(env, x86_ea_seg(d), ea, d->addrsize, b, 512);
    if (excp != X86_EXCP_NONE) { /* 464.. are software's: kept */
        return excp;
    }
    memset(b, 0, 464); /* the reserved bytes below read as 0, as the hardware writes them */
    x86_fxsave_image(env, b, w);
    return write_block(env, x86_ea_seg(d), ea, d->addrsize, b, 512);
}

/* ---- XSAVE (Vol. 1 13.7, 13.8): the legacy region and the header, standard form ---- */

#define XSAVE_HDR 512
#define XSAVE_SIZE 576

/* XINUSE, judged by value: is the component in its initial configuration (Vol. 1 13.6)? */
static bool component_in_init(CPUX86State *env, int c)
{
    static const XMMReg zero;

    if (c == 1) {
        for (int i = 0; i < 16; i++) {
            if (memcmp(&env->xmm[i], &zero, sizeof(zero))) {
                return false;
            }
        }
        return true;
    }
    if (env->fpuc != 0x37f || x86_fsw(env) || env->fptag != 0xff || env->fpop || env->fpip ||
        env->fpdp) {
        return false;
    }
    for (int i = 0; i < 8; i++) {
        if (env->fpregs[i].mant || env->fpregs[i].exp) {
            return false;
        }
    }
    return true;
}

/* xsave/xsaveopt (the same here: both write every requested component) and xrstor. */
int x86_xsave(CPUX86State *env, const X86Insn *d, bool restore)
{
    uint64_t ea = x86_ea(env, d);
    uint64_t rfbm =
        env->xcr0 & (((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX]);
    bool w = d->rex & 8;
    uint8_t b[XSAVE_SIZE], img[512];
    int excp;

    if (!(env->cr[4] & CR4_OSXSAVE)) {
        return EXCP06_ILLOP;
    }
    if (env->cr[0] & CR0_TS) {
        return EXCP07_PREX;
    }
    if (ea & 63) {
        return x86_gp0(env);
    }
    excp = restore ? X86_EXCP_NONE : probe_block(env, x86_ea_seg(d), ea, d->addrsize, XSAVE_SIZE);
    excp = excp != X86_EXCP_NONE ? excp
                                 : read_block(env, x86_ea_seg(d), ea, d->addrsize, b, XSAVE_SIZE);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (restore) {
        return x86_xrstor_image(env, b, rfbm, w);
    }
    memset(img, 0, sizeof(img));
    x86_fxsave_image(env, img, w);
    if (rfbm & XCR0_X87) {
        memcpy(b, img, 24);
        memcpy(b + 32, img + 32, 128);
    }
    if (rfbm & XCR0_SSE) {
        memcpy(b + 160, img + 160, 256);
    }
    if (rfbm & (XCR0_SSE)) {
        memcpy(b + 24, img + 24, 8); /* MXCSR and its mask go with the SSE component */
    }
    uint64_t bv = get64(b, XSAVE_HDR);
    for (int c = 0; c < 2; c++) {
        if (rfbm & (1u << c)) {
            bv = component_in_init(env, c) ? bv & ~(1ull << c) : bv | (1ull << c);
        }
    }
    put64(b, XSAVE_HDR, bv);
    return write_block(env, x86_ea_seg(d), ea, d->addrsize, b, XSAVE_SIZE);
}

int x86_xrstor_image(CPUX86State *env, const uint8_t *b, uint64_t rfbm, bool rex_w)
{
    uint64_t xstate_bv = get64(b, XSAVE_HDR), xcomp_bv = get64(b, XSAVE_HDR + 8);
    uint8_t img[512];

    /* The header: no component the processor lacks, the standard form, reserved bytes 0. */
    if ((xstate_bv & ~env->xcr0) || xcomp_bv || get64(b, XSAVE_HDR + 16)) {
        return x86_gp0(env);
    }
    for (int i = XSAVE_HDR + 24; i < XSAVE_HDR + 64; i++) {
        if (b[i]) {
            return x86_gp0(env);
        }
    }
    if ((rfbm & XCR0_SSE) && (get32(b, 24) & ~MXCSR_MASK)) {
        return x86_gp0(env);
    }
    x86_fxsave_image(env, img, rex_w);
    if (rfbm & XCR0_X87) {
        if (xstate_bv & XCR0_X87) {
            memcpy(img, b, 24);
            memcpy(img + 32, b + 32, 128);
        } else { /* the initial state: FCW 0x37f, all else 0, all registers empty */
            memset(img, 0, 24);
            memset(img + 32, 0, 128);
            put16(img, 0, 0x37f);
        }
    }
    if (rfbm & XCR0_SSE) {
        if (xstate_bv & XCR0_SSE) {
            memcpy(img + 160, b + 160, 256);
        } else {
            memset(img + 160, 0, 256);
        }
        memcpy(img + 24, b + 24, 4);
    }
    return x86_fxrstor_image(env, img, rex_w);
}

/* 0f 01 d0 xgetbv, d1 xsetbv (ECX 0 only; XCR0 bit 0 set, no bit but x87 and SSE). */
int x86_exec_xcr(CPUX86State *env, const X86Insn *d)
{
    if (!(env->cr[4] & CR4_OSXSAVE)) {
        return EXCP06_ILLOP;
    }
    if ((uint32_t)env->regs[R_ECX] != 0) {
        return x86_gp0(env);
    }
    if (d->rm == 0) { /* xgetbv */
        env->regs[R_EAX] = (uint32_t)env->xcr0;
        env->regs[R_EDX] = env->xcr0 >> 32;
        return X86_EXCP_NONE;
    }
    uint64_t v = ((uint64_t)(uint32_t)env->regs[R_EDX] << 32) | (uint32_t)env->regs[R_EAX];
    if (x86_cpl(env) != 0 || !(v & XCR0_X87) || (v & ~(uint64_t)(XCR0_X87 | XCR0_SSE))) {
        return x86_gp0(env);
    }
    env->xcr0 = v;
    return X86_EXCP_NONE;
}
