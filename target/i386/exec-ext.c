/*
 * The user-level extensions a distribution probes, each behind its CPUID
 * bit: popcnt, lzcnt (ABM), rdrand/rdseed (host random bytes), rdpid,
 * rd/wr fs/gs base (CR4.FSGSBASE), and the 0f ae state saves (fxsave,
 * fxrstor, xsave, xrstor, xsaveopt).
 */
#include "util/guest-random.h"

#include "fpu-internal.h"

bool x86_has(CPUX86State *env, int word, uint32_t bit)
{
    X86CPU *cpu = x86_env_cpu(env);
    uint32_t w;

    switch (word) {
    case X86_FEAT_1_EDX:
        w = cpu->cpuid_features;
        break;
    case X86_FEAT_1_ECX:
        w = cpu->cpuid_ext_features;
        break;
    case X86_FEAT_7_EBX:
        w = cpu->cpuid_7_0_ebx;
        break;
    case X86_FEAT_7_ECX:
        w = cpu->cpuid_7_0_ecx;
        break;
    case X86_FEAT_X1_ECX:
        w = cpu->cpuid_ext3_features;
        break;
    default:
        w = cpu->cpuid_xsave_features;
        break;
    }
    return w & bit;
}

/* Flags of popcnt/lzcnt: ZF (result / source zero), CF (lzcnt: source zero), the rest 0. */
int x86_exec_popcnt(CPUX86State *env, const X86Insn *d)
{
    int size = d->opsize;
    uint64_t v;
    int excp;

    if (d->rep != 0xf3 || !x86_has(env, X86_FEAT_1_ECX, CPUID_EXT_POPCNT)) {
        return EXCP06_ILLOP;
    }
    excp = x86_rm_read(env, d, size, &v);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    x86_set_reg(env, d, d->reg, size, __builtin_popcountll(v));
    x86_set_cc(env, CC_ARITH, (v ? 0 : CC_Z));
    return X86_EXCP_NONE;
}

int x86_exec_lzcnt(CPUX86State *env, const X86Insn *d)
{
    int size = d->opsize, bits = 8 * size, n;
    uint64_t v;
    int excp;

    if (!x86_has(env, X86_FEAT_X1_ECX, CPUID_EXT3_ABM)) {
        return x86_exec_bsr(env, d); /* without ABM, f3 0f bd is bsr */
    }
    excp = x86_rm_read(env, d, size, &v);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    n = v ? __builtin_clzll(v) - (64 - bits) : bits;
    x86_set_reg(env, d, d->reg, size, n);
    x86_set_cc(env, CC_ARITH, (n == 0 ? CC_Z : 0) | (v ? 0 : CC_C));
    return X86_EXCP_NONE;
}

/* cmpxchg16b m128 (CPUID CX16; 16-byte aligned or #GP(0)): exec-system.c's, made atomic. */
static int cmpxchg16b(CPUX86State *env, const X86Insn *d)
{
    if (!d->mem || !x86_has(env, X86_FEAT_1_ECX, CPUID_EXT_CX16)) {
        return EXCP06_ILLOP;
    }
    int seg = x86_ea_seg(d);
    uint64_t base = x86_code64(env) && seg < R_FS ? 0 : env->segs[seg].base;

    /* The linear address (an fs/gs base counts): the host's cmpxchg16b needs it too. */
    if ((base + x86_ea(env, d)) & 15) {
        return x86_gp0(env);
    }
    return x86_cmpxchg_pair(env, d, 8);
}

/* 0f c7 /6 rdrand, /7 rdseed (register forms), f3 0f c7 /7 rdpid; REX.W /1 cmpxchg16b. */
int x86_exec_grp9x(CPUX86State *env, const X86Insn *d)
{
    bool seed = (d->reg & 7) == 7;
    uint64_t v = 0;

    if ((d->reg & 7) == 1) {
        return cmpxchg16b(env, d);
    }
    if (d->mem) {
        return EXCP06_ILLOP;
    }
    if (seed && d->rep == 0xf3) {
        if (!x86_has(env, X86_FEAT_7_ECX, CPUID_7_0_ECX_RDPID)) {
            return EXCP06_ILLOP;
        }
        x86_set_reg(env, d, d->rm, x86_code64(env) ? 8 : 4, env->tsc_aux);
        return X86_EXCP_NONE;
    }
    if (seed ? !x86_has(env, X86_FEAT_7_EBX, CPUID_7_0_EBX_RDSEED)
             : !x86_has(env, X86_FEAT_1_ECX, CPUID_EXT_RDRAND)) {
        return EXCP06_ILLOP;
    }
    /* The host pool (or -seed's stream): CF=1 says the value is valid. */
    bool ok = guest_getrandom(&v, d->opsize, true) == (size_t)d->opsize;
    x86_set_reg(env, d, d->rm, d->opsize, ok ? v : 0);
    x86_set_cc(env, CC_ARITH, (ok ? CC_C : 0));
    return X86_EXCP_NONE;
}

/* f3 0f ae /0-/3: rdfsbase, rdgsbase, wrfsbase, wrgsbase (64-bit code, CR4.FSGSBASE). */
static int fsgsbase(CPUX86State *env, const X86Insn *d)
{
    int r = d->reg & 7, seg = (r & 1) ? R_GS : R_FS, size = (d->rex & 8) ? 8 : 4;

    if (!x86_code64(env) || !x86_has(env, X86_FEAT_7_EBX, CPUID_7_0_EBX_FSGSBASE) ||
        !(env->cr[4] & CR4_FSGSBASE)) {
        return EXCP06_ILLOP;
    }
    if (r < 2) {
        x86_set_reg(env, d, d->rm, size, env->segs[seg].base);
        return X86_EXCP_NONE;
    }
    uint64_t v = x86_get_reg(env, d, d->rm, size);
    if (size == 8 && (uint64_t)sextract64(v, 0, 48) != v) {
        return x86_gp0(env); /* not canonical (48-bit) */
    }
    env->segs[seg].base = v;
    return X86_EXCP_NONE;
}

/* 0f ae /0 fxsave, /1 fxrstor, /2 ldmxcsr, /3 stmxcsr, /4 xsave, /5 xrstor, /6 xsaveopt;
 * f3 0f ae /0-/3: fsgsbase. */
int x86_exec_fxsave(CPUX86State *env, const X86Insn *d)
{
    int r = d->reg & 7, excp;

    if (!d->mem) {
        return fsgsbase(env, d);
    }
    if (r == 2 || r == 3) { /* ldmxcsr, stmxcsr */
        uint64_t v;
        excp = x86_fpu_check_sse(env);
        if (excp != X86_EXCP_NONE || r == 3) {
            return excp != X86_EXCP_NONE ? excp : x86_rm_write(env, d, 4, env->mxcsr);
        }
        excp = x86_rm_read(env, d, 4, &v);
        return excp != X86_EXCP_NONE ? excp : x86_load_mxcsr(env, v);
    }
    if (r <= 1) {
        /* fxsave/fxrstor: #NM for CR0.TS and for CR0.EM too (SDM "FXSAVE" exceptions) */
        if (env->cr[0] & (CR0_EM | CR0_TS)) {
            return EXCP07_PREX;
        }
        return x86_fxsave(env, d, r == 1);
    }
    if (!x86_has(env, X86_FEAT_1_ECX, CPUID_EXT_XSAVE) ||
        (r == 6 && !x86_has(env, X86_FEAT_XSAVE, CPUID_XSAVE_XSAVEOPT))) {
        return EXCP06_ILLOP;
    }
    return x86_xsave(env, d, r == 5);
}
