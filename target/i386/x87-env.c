/*
 * The x87 environment in memory (SDM Vol. 1 8.1.10, figures 8-9 to 8-12):
 * fnstenv/fldenv in the 14- and 28-byte layouts, protected mode and real
 * mode (linear FIP/FDP), fnsave/frstor with the eight registers after it, and
 * the 80-bit memory operands they and fld/fstp m80 use.
 */
#include "fpu-internal.h"

int x87_read_m80(CPUX86State *env, const X86Insn *d, X87Reg *r)
{
    uint64_t lo, hi;
    int excp = x86_read_mem(env, x86_ea_seg(d), x86_ea(env, d), 8, &lo);

    if (excp == X86_EXCP_NONE) {
        excp =
            x86_read_mem(env, x86_ea_seg(d), (x86_ea(env, d) + 8) & x86_mask(d->addrsize), 2, &hi);
    }
    memset(r, 0, sizeof(*r));
    r->mant = lo;
    r->exp = hi;
    return excp;
}

int x87_write_m80(CPUX86State *env, const X86Insn *d, const X87Reg *r)
{
    uint64_t ea = x86_ea(env, d);
    int excp = x86_write_mem(env, x86_ea_seg(d), (ea + 8) & x86_mask(d->addrsize), 2, r->exp);

    return excp != X86_EXCP_NONE ? excp : x86_write_mem(env, x86_ea_seg(d), ea, 8, r->mant);
}

/* ES and B follow the flags and masks after a load of FCW or FSW. */
void x87_update_es(CPUX86State *env)
{
    if (env->fpus & ~env->fpuc & FCW_EXC_MASK) {
        env->fpus |= FSW_ES | FSW_B;
    } else {
        env->fpus &= ~(FSW_ES | FSW_B);
    }
}

/* ---- environment: fnstenv/fldenv (14 or 28 bytes, protected-mode layout) and fnsave ---- */

static int env_size(const X86Insn *d)
{
    return d->opsize == 2 ? 14 : 28;
}

/* Real mode and virtual-8086 mode use the real-mode layout (SDM Vol. 1 figures 8-10, 8-12). */
static bool real_format(const CPUX86State *env)
{
    return !(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK);
}

/* Words 3..6 of the environment: FIP, FCS/FOP, FDP, FDS, or their real-mode form. */
static void env_pointers(const CPUX86State *env, int w, uint32_t f[7])
{
    if (real_format(env)) { /* linear addresses, split 16 + 16 (or 4) bits around FOP */
        uint32_t ip = ((uint32_t)env->fpcs << 4) + (uint32_t)env->fpip;
        uint32_t dp = ((uint32_t)env->fpds << 4) + (uint32_t)env->fpdp;
        uint32_t hi_mask = w == 4 ? 0xffff : 0xf;
        f[3] = ip & 0xffff;
        f[4] = (((ip >> 16) & hi_mask) << 12) | env->fpop;
        f[5] = dp & 0xffff;
        f[6] = ((dp >> 16) & hi_mask) << 12;
        return;
    }
    f[3] = env->fpip;
    f[4] = w == 4 ? env->fpcs | ((uint32_t)env->fpop << 16) : env->fpcs;
    f[5] = env->fpdp;
    f[6] = env->fpds;
}

int x87_store_env(CPUX86State *env, const X86Insn *d)
{
    uint64_t ea = x86_ea(env, d);
    int seg = x86_ea_seg(d), w = d->opsize == 2 ? 2 : 4, excp = X86_EXCP_NONE;
    uint32_t f[7] = {env->fpuc, x86_fsw(env), x86_ftw_full(env)};

    env_pointers(env, w, f);
    for (int i = 0; i < 7 && excp == X86_EXCP_NONE; i++) {
        uint64_t v = f[i];
        if (w == 4 && (i <= 2 || (i == 6 && !real_format(env)))) {
            v |= 0xffff0000u; /* the reserved upper halves store as ones */
        }
        excp = x86_write_mem(env, seg, (ea + i * w) & x86_mask(d->addrsize), w, v);
    }
    return excp;
}

int x87_load_env(CPUX86State *env, const X86Insn *d)
{
    uint64_t ea = x86_ea(env, d), f[7];
    int seg = x86_ea_seg(d), w = d->opsize == 2 ? 2 : 4;

    for (int i = 0; i < 7; i++) {
        int excp = x86_read_mem(env, seg, (ea + i * w) & x86_mask(d->addrsize), w, &f[i]);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
    }
    env->fpuc = (f[0] & 0x1f3f) | 0x40;
    x86_set_fsw(env, f[1]);
    x86_set_ftw_full(env, f[2]);
    if (real_format(env)) {
        uint32_t hi_mask = w == 4 ? 0xffff : 0xf;
        env->fpip = (f[3] & 0xffff) | (((f[4] >> 12) & hi_mask) << 16);
        env->fpdp = (f[5] & 0xffff) | (((f[6] >> 12) & hi_mask) << 16);
        env->fpop = f[4] & 0x7ff;
        env->fpcs = env->fpds = 0; /* the pointers are linear now */
    } else {
        env->fpip = (uint32_t)f[3];
        env->fpcs = f[4];
        env->fpop = w == 4 ? (f[4] >> 16) & 0x7ff : env->fpop;
        env->fpdp = (uint32_t)f[5];
        env->fpds = f[6];
    }
    x87_update_es(env);
    return X86_EXCP_NONE;
}

/* fnsave/frstor: the environment, then ST0..ST7 as 10-byte values. */
int x87_save_restore(CPUX86State *env, const X86Insn *d, bool restore)
{
    X86Insn r = *d;
    int excp = restore ? X86_EXCP_NONE : x87_store_env(env, d);
    X87Reg regs[8];

    if (restore) {
        for (int i = 0; i < 8 && excp == X86_EXCP_NONE; i++) {
            r.disp = (int32_t)((uint32_t)d->disp + env_size(d) + 10 * i);
            excp = x87_read_m80(env, &r, &regs[i]);
        }
        excp = excp != X86_EXCP_NONE ? excp : x87_load_env(env, d);
        for (int i = 0; i < 8 && excp == X86_EXCP_NONE; i++) {
            *x86_st(env, i) = regs[i];
        }
        return excp;
    }
    for (int i = 0; i < 8 && excp == X86_EXCP_NONE; i++) {
        r.disp = (int32_t)((uint32_t)d->disp + env_size(d) + 10 * i);
        excp = x87_write_m80(env, &r, x86_st(env, i));
    }
    if (excp == X86_EXCP_NONE) {
        x86_fninit(env);
    }
    return excp;
}
