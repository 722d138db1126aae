/*
 * x86 system instructions: segment register moves and loads, the descriptor
 * tables (lgdt/lidt/sgdt/sidt, lldt/ltr/sldt/str), control and debug
 * registers, MSRs, rdtsc, cpuid, hlt, clts, the fences and flushes (no-ops
 * for an interpreter that performs every access in order), cmpxchg8b/16b, and
 * the few x87 control instructions firmware uses to probe for an FPU.
 * Privileged ones raise #GP(0) above CPL 0.
 */
#include "exec-internal.h"
#include <cpuid.h>

#include "util/log.h"

/* ---- segment registers ---- */

/* 06 0e 16 1e push es/cs/ss/ds; 0f a0/a8 push fs/gs: the segment is bits 3..5. */
int x86_exec_seg_push(CPUX86State *env, const X86Insn *d)
{
    return x86_stack_push(env, d->opsize, env->segs[(d->opc >> 3) & 7].selector);
}

int x86_exec_seg_pop(CPUX86State *env, const X86Insn *d)
{
    int seg = (d->opc >> 3) & 7;
    uint64_t v, sp = env->regs[R_ESP];
    int excp = x86_stack_pop(env, d->opsize, &v);

    if (excp == X86_EXCP_NONE) {
        excp = x86_load_seg(env, seg, v);
    }
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
    } else if (seg == R_SS) {
        env->irq_shadow = true;
    }
    return excp;
}

/* 8c mov Ev, Sw; 8e mov Sw, Ew */
int x86_exec_mov_seg(CPUX86State *env, const X86Insn *d)
{
    int seg = d->reg & 7;
    uint64_t v;
    int excp;

    if (seg >= X86_NB_SEGS) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0x8c) {
        return x86_rm_write(env, d, d->mem ? 2 : d->opsize, env->segs[seg].selector);
    }
    if (seg == R_CS) {
        return EXCP06_ILLOP;
    }
    excp = x86_rm_read(env, d, 2, &v);
    if (excp == X86_EXCP_NONE) {
        excp = x86_load_seg(env, seg, v);
    }
    if (excp == X86_EXCP_NONE && seg == R_SS) {
        env->irq_shadow = true;
    }
    return excp;
}

/* c4 les, c5 lds, 0f b2 lss, 0f b4 lfs, 0f b5 lgs: a far pointer from memory. */
int x86_exec_lfp(CPUX86State *env, const X86Insn *d)
{
    static const int8_t seg_of[] = {
        [0xc4] = R_ES, [0xc5] = R_DS, [0xb2] = R_SS, [0xb4] = R_FS, [0xb5] = R_GS};
    int seg = seg_of[d->opc], osz = d->opsize;
    uint64_t ea = x86_ea(env, d), off, sel;
    int excp;

    if (!d->mem) {
        return EXCP06_ILLOP;
    }
    excp = x86_read_mem(env, x86_ea_seg(d), ea, osz, &off);
    if (excp == X86_EXCP_NONE) {
        excp = x86_read_mem(env, x86_ea_seg(d), (ea + osz) & x86_mask(d->addrsize), 2, &sel);
    }
    if (excp == X86_EXCP_NONE) {
        excp = x86_load_seg(env, seg, sel);
    }
    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, d->reg, osz, off);
    }
    return excp;
}

/* ---- descriptor tables ---- */

/* lldt/ltr: the descriptor from the GDT (system segment of type 2, or 9/11). */
static int load_system_seg(CPUX86State *env, SegmentCache *sc, uint16_t sel, bool tss)
{
    uint64_t lo = 0, hi = 0;
    int excp;

    if (!(sel & ~3)) {
        if (tss) {
            return x86_gp0(env);
        }
        *sc = (SegmentCache){0};
        return X86_EXCP_NONE;
    }
    if ((sel & 4) || (sel | 7) > env->gdt.limit) {
        env->error_code = sel & ~3;
        return EXCP0D_GPF;
    }
    excp = x86_read_sys(env, env->gdt.base + (sel & ~7), 4, &lo);
    excp = excp != X86_EXCP_NONE ? excp : x86_read_sys(env, env->gdt.base + (sel & ~7) + 4, 4, &hi);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    x86_seg_from_desc(sc, sel, lo, hi);
    if (x86_long_mode(env)) {
        uint64_t upper;
        excp = x86_read_sys(env, env->gdt.base + (sel & ~7) + 8, 4, &upper);
        sc->base |= upper << 32;
    }
    if (tss) {
        /* Mark the TSS busy in the GDT, as ltr does. */
        excp = excp != X86_EXCP_NONE
                   ? excp
                   : x86_write_sys(env, env->gdt.base + (sel & ~7) + 4, 4, hi | 0x200);
        sc->flags |= 0x200;
    }
    return excp;
}

static int verify_seg(CPUX86State *env, const X86Insn *d, bool write);

int x86_exec_grp6(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;
    uint64_t v;
    int excp;

    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        return EXCP06_ILLOP;
    }
    switch (op) {
    case 0: /* sldt */
        return x86_rm_write(env, d, d->mem ? 2 : d->opsize, env->ldt.selector);
    case 1: /* str */
        return x86_rm_write(env, d, d->mem ? 2 : d->opsize, env->tr.selector);
    case 2: /* lldt */
    case 3: /* ltr */
        if (x86_cpl(env) != 0) {
            return x86_gp0(env);
        }
        excp = x86_rm_read(env, d, 2, &v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        return load_system_seg(env, op == 2 ? &env->ldt : &env->tr, v, op == 3);
    case 4: /* verr */
    case 5: /* verw */
        return verify_seg(env, d, op == 5);
    default:
        return EXCP06_ILLOP;
    }
}

/*
 * The descriptor of sel as lar, lsl, verr and verw see it: *ok false (ZF clear) for a null
 * selector, one past its table's limit, or a code/data segment the current privilege may
 * not see (DPL below CPL or RPL, unless conforming code). A fault reading the table is
 * returned.
 */
static int probe_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi, bool *ok)
{
    const SegmentCache *t = (sel & 4) ? &env->ldt : &env->gdt;
    int excp, dpl;

    *ok = false;
    if (!(sel & ~3) || (sel | 7) > t->limit) {
        return X86_EXCP_NONE;
    }
    excp = x86_read_desc(env, sel, lo, hi);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    dpl = (*hi >> DESC_DPL_SHIFT) & 3;
    bool conforming = (*hi & (DESC_S_MASK | DESC_CS_MASK | DESC_C_MASK)) ==
                      (DESC_S_MASK | DESC_CS_MASK | DESC_C_MASK);
    *ok = conforming || (dpl >= x86_cpl(env) && dpl >= (sel & 3));
    return X86_EXCP_NONE;
}

static void set_zf(CPUX86State *env, bool z)
{
    x86_set_cc(env, CC_Z, z ? CC_Z : 0);
}

/* verr/verw: ZF = the segment is readable / writable at this privilege. */
static int verify_seg(CPUX86State *env, const X86Insn *d, bool write)
{
    uint64_t sel;
    uint32_t lo = 0, hi = 0;
    bool ok;
    int excp = x86_rm_read(env, d, 2, &sel);

    excp = excp != X86_EXCP_NONE ? excp : probe_desc(env, sel, &lo, &hi, &ok);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!(hi & DESC_S_MASK)) {
        ok = false;
    } else if (hi & DESC_CS_MASK) {
        ok = ok && !write && (hi & DESC_W_MASK); /* code: readable, never writable */
    } else {
        ok = ok && (!write || (hi & DESC_W_MASK));
    }
    set_zf(env, ok);
    return X86_EXCP_NONE;
}

/*
 * 0f 02 lar, 0f 03 lsl: the access rights or the limit of a segment the current privilege
 * may see, ZF set; ZF clear and the destination unchanged otherwise. System types allowed:
 * LDT and TSS (and call gates for lar); in long mode only their 64-bit forms.
 */
int x86_exec_lar_lsl(CPUX86State *env, const X86Insn *d)
{
    static const uint16_t lar_types = 0x1a3e, lsl_types = 0x0a0e; /* legacy: bit per type */
    static const uint16_t lar_types64 = 0x1a04, lsl_types64 = 0x0a04;
    bool lsl = d->opc == 0x03, ok;
    uint64_t sel, val;
    uint32_t lo = 0, hi = 0;
    SegmentCache sc;
    int excp;

    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        return EXCP06_ILLOP;
    }
    excp = x86_rm_read(env, d, 2, &sel);
    excp = excp != X86_EXCP_NONE ? excp : probe_desc(env, sel, &lo, &hi, &ok);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!(hi & DESC_S_MASK)) {
        int type = (hi >> DESC_TYPE_SHIFT) & 0xf;
        uint16_t allowed =
            x86_long_mode(env) ? (lsl ? lsl_types64 : lar_types64) : (lsl ? lsl_types : lar_types);
        ok = ok && (allowed >> type) & 1;
    }
    set_zf(env, ok);
    if (!ok) {
        return X86_EXCP_NONE;
    }
    x86_seg_from_desc(&sc, sel, lo, hi);
    val = lsl ? sc.limit : hi & (d->opsize == 2 ? 0xff00 : 0x00f0ff00);
    x86_set_reg(env, d, d->reg, d->opsize, val);
    return X86_EXCP_NONE;
}

/* lgdt/lidt/sgdt/sidt: limit (16 bits) then base (24 bits with a 16-bit operand size,
 * 32, or 64 in 64-bit code). */
static int desc_table(CPUX86State *env, const X86Insn *d, SegmentCache *t, bool load)
{
    int seg = x86_ea_seg(d), bsize = x86_code64(env) ? 8 : 4;
    uint64_t ea = x86_ea(env, d), limit, base;
    int excp;

    if (!d->mem) {
        return EXCP06_ILLOP;
    }
    if (!load) {
        excp = x86_write_mem(env, seg, ea, 2, t->limit);
        return excp != X86_EXCP_NONE ? excp : x86_write_mem(env, seg, ea + 2, bsize, t->base);
    }
    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    excp = x86_read_mem(env, seg, ea, 2, &limit);
    excp = excp != X86_EXCP_NONE ? excp : x86_read_mem(env, seg, ea + 2, bsize, &base);
    if (excp == X86_EXCP_NONE) {
        t->limit = limit;
        t->base = d->opsize == 2 && bsize == 4 ? base & 0xffffff : base;
    }
    return excp;
}

/* 0f 01 with a register operand: clac, stac, swapgs, rdtscp; the rest not implemented. */
static int grp7_reg(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7, rm = d->rm & 7;

    if (op == 7 && rm == 0 && x86_code64(env)) { /* swapgs */
        uint64_t t = env->segs[R_GS].base;
        if (x86_cpl(env) != 0) {
            return x86_gp0(env);
        }
        env->segs[R_GS].base = env->kernelgsbase;
        env->kernelgsbase = t;
        return X86_EXCP_NONE;
    }
    if (op == 1 && (rm == 2 || rm == 3)) { /* clac, stac: AC decides SMAP for CPL 0-2 */
        if (x86_cpl(env) != 0) {
            return EXCP06_ILLOP;
        }
        env->eflags = rm == 2 ? env->eflags & ~(uint64_t)AC_MASK : env->eflags | AC_MASK;
        return X86_EXCP_NONE;
    }
    if (op == 7 && rm == 1) { /* rdtscp */
        uint64_t tsc = x86_rdtsc(env);
        env->regs[R_EAX] = (uint32_t)tsc;
        env->regs[R_EDX] = tsc >> 32;
        env->regs[R_ECX] = (uint32_t)env->tsc_aux;
        return X86_EXCP_NONE;
    }
    log_mask(LOG_UNIMP, "x86: 0f 01 %02x not implemented\n", 0xc0 | (op << 3) | rm);
    return EXCP06_ILLOP;
}

int x86_exec_grp7(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;
    uint64_t v;
    int excp;

    if (!d->mem && op != 4 && op != 6) {
        return grp7_reg(env, d);
    }
    switch (op) {
    case 0:
    case 1:
    case 2:
    case 3:
        return desc_table(env, d, op & 1 ? &env->idt : &env->gdt, op >= 2);
    case 4: /* smsw */
        return x86_rm_write(env, d, d->mem ? 2 : d->opsize, env->cr[0]);
    case 6: /* lmsw: PE MP EM TS only, and PE cannot be cleared */
        if (x86_cpl(env) != 0) {
            return x86_gp0(env);
        }
        excp = x86_rm_read(env, d, 2, &v);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        return x86_write_cr(env, 0, (env->cr[0] & ~0xeULL) | (v & 0xf) | (env->cr[0] & CR0_PE));
    case 7: /* invlpg: the page of the operand's linear address, global or not */
        if (x86_cpl(env)) {
            return x86_gp0(env);
        }
        {
            int seg = x86_ea_seg(d);
            uint64_t off = x86_ea(env, d);
            uint64_t la = x86_code64(env) ? (seg >= R_FS ? env->segs[seg].base : 0) + off
                                          : (env->segs[seg].base + off) & 0xffffffffu;
            x86_tlb_flush_page(x86_env_cpu(env), la);
        }
        return X86_EXCP_NONE;
    default:
        return EXCP06_ILLOP;
    }
}

/* ---- control and debug registers ---- */

/* 0f 20 mov Rd, CRn; 0f 22 mov CRn, Rd: always a register, 32 or 64 bits. */
int x86_exec_mov_cr(CPUX86State *env, const X86Insn *d)
{
    int n = d->reg, size = x86_code64(env) ? 8 : 4;

    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    if (n != 0 && n != 2 && n != 3 && n != 4 && n != 8) {
        return EXCP06_ILLOP;
    }
    if (d->opc == 0x20) {
        env->regs[d->rm] = (n == 8 ? x86_get_cr8(env) : env->cr[n]) & x86_mask(size);
        return X86_EXCP_NONE;
    }
    return x86_write_cr(env, n, env->regs[d->rm] & x86_mask(size));
}

int x86_exec_mov_dr(CPUX86State *env, const X86Insn *d)
{
    int n = d->reg & 7;

    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    if (n == 4 || n == 5) { /* DR6 and DR7 under other names, unless CR4.DE */
        if (env->cr[4] & CR4_DE) {
            return EXCP06_ILLOP;
        }
        n += 2;
    }
    if (d->opc == 0x21) {
        env->regs[d->rm] = env->dr[n];
    } else {
        env->dr[n] = env->regs[d->rm]; /* kept, but no breakpoint is armed by them */
    }
    return X86_EXCP_NONE;
}

/* ---- MSRs, TSC, CPUID ---- */

int x86_exec_rdmsr(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp;

    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    excp = x86_rdmsr(env, env->regs[R_ECX], &v);
    if (excp == X86_EXCP_NONE) {
        env->regs[R_EAX] = (uint32_t)v;
        env->regs[R_EDX] = v >> 32;
    }
    return excp;
}

int x86_exec_wrmsr(CPUX86State *env, const X86Insn *d)
{
    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    return x86_wrmsr(env, env->regs[R_ECX], (uint32_t)env->regs[R_EAX] | (env->regs[R_EDX] << 32));
}

int x86_exec_rdtsc(CPUX86State *env, const X86Insn *d)
{
    uint64_t tsc = x86_rdtsc(env);

    env->regs[R_EAX] = (uint32_t)tsc;
    env->regs[R_EDX] = tsc >> 32;
    return X86_EXCP_NONE;
}

int x86_exec_cpuid(CPUX86State *env, const X86Insn *d)
{
    uint32_t r[4];

    x86_cpuid(x86_env_cpu(env), env->regs[R_EAX], env->regs[R_ECX], r);
    env->regs[R_EAX] = r[0];
    env->regs[R_EBX] = r[1];
    env->regs[R_ECX] = r[2];
    env->regs[R_EDX] = r[3];
    return X86_EXCP_NONE;
}

/* ---- the rest ---- */

int x86_exec_hlt(CPUX86State *env, const X86Insn *d)
{
    return x86_cpl(env) ? x86_gp0(env) : X86_EXIT_HLT;
}

int x86_exec_clts(CPUX86State *env, const X86Insn *d)
{
    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    env->cr[0] &= ~(uint64_t)CR0_TS;
    return X86_EXCP_NONE;
}

int x86_exec_nop(CPUX86State *env, const X86Insn *d)
{
    return X86_EXCP_NONE;
}

int x86_exec_ud(CPUX86State *env, const X86Insn *d)
{
    return EXCP06_ILLOP;
}

/*
 * x87: only the control instructions an FPU probe uses (fninit, fnstsw, fnstcw, fldcw);
 * CR0.EM or TS give #NM first, as for every x87 instruction.
 */
/* ---- cmpxchg8b, cmpxchg16b ---- */

/* Does the host have cmpxchg16b (CPUID.1:ECX.CX16)? Asked once. */
static bool host_has_cx16(void)
{
    static int known; /* 0: not asked yet, 1: no, 2: yes */
    unsigned a, b, c, d;

    if (!__atomic_load_n(&known, __ATOMIC_RELAXED)) {
        bool cx16 = __get_cpuid(1, &a, &b, &c, &d) && (c & bit_CMPXCHG16B);
        __atomic_store_n(&known, cx16 ? 2 : 1, __ATOMIC_RELAXED);
    }
    return __atomic_load_n(&known, __ATOMIC_RELAXED) == 2;
}

/* Host lock cmpxchg16b; gcc's __atomic builtins on 16 bytes would call libatomic. */
static bool host_cas16(void *host, uint64_t *lo, uint64_t *hi, uint64_t new_lo, uint64_t new_hi)
{
    bool eq;

    __asm__ volatile("lock cmpxchg16b %0"
                     : "+m"(*(unsigned __int128 *)host), "=@ccz"(eq), "+a"(*lo), "+d"(*hi)
                     : "b"(new_lo), "c"(new_hi)
                     : "memory");
    return eq;
}

/* One host compare-and-swap of the 2 * half bytes at t->host (half: 4 or 8). */
static int pair_atomic(CPUX86State *env, const X86Insn *d, const X86LockedTarget *t, int half)
{
    uint64_t m = x86_mask(half), lo = env->regs[R_EAX] & m, hi = env->regs[R_EDX] & m;
    uint64_t new_lo = env->regs[R_EBX] & m, new_hi = env->regs[R_ECX] & m;
    bool eq;

    if (half == 8) {
        eq = host_cas16(t->host, &lo, &hi, new_lo, new_hi);
    } else {
        uint64_t old = lo | hi << 32;
        eq = __atomic_compare_exchange_n((uint64_t *)t->host, &old, new_lo | new_hi << 32, false,
                                         __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
        lo = (uint32_t)old;
        hi = old >> 32;
    }
    if (eq) {
        x86_locked_written(t, 2 * half);
    } else { /* the host wrote the old value back, as the guest's locked cycle does */
        x86_set_reg(env, d, R_EAX, half, lo);
        x86_set_reg(env, d, R_EDX, half, hi);
    }
    x86_set_cc(env, CC_Z, eq ? CC_Z : 0);
    return X86_EXCP_NONE;
}

/* Alone (a split lock), or on a device: plain accesses. */
static int pair_plain(CPUX86State *env, const X86Insn *d, int half)
{
    int seg = x86_ea_seg(d);
    uint64_t ea = x86_ea(env, d), lo, hi;
    void *host;
    int excp;

    /* Written back even when unequal (a locked cycle), so a page it may not write faults
     * either way, and before any half is written or ZF changes. */
    excp = x86_probe_write(env, seg, ea, 2 * half, &host);
    excp = excp != X86_EXCP_NONE ? excp : x86_read_mem(env, seg, ea, half, &lo);
    excp = excp != X86_EXCP_NONE ? excp : x86_read_mem(env, seg, ea + half, half, &hi);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (lo == (env->regs[R_EAX] & x86_mask(half)) && hi == (env->regs[R_EDX] & x86_mask(half))) {
        excp = x86_write_mem(env, seg, ea, half, env->regs[R_EBX]);
        excp = excp != X86_EXCP_NONE ? excp
                                     : x86_write_mem(env, seg, ea + half, half, env->regs[R_ECX]);
        x86_set_cc(env, CC_Z, CC_Z);
        return excp;
    }
    x86_set_reg(env, d, R_EAX, half, lo);
    x86_set_reg(env, d, R_EDX, half, hi);
    x86_set_cc(env, CC_Z, 0);
    return X86_EXCP_NONE;
}

/*
 * cmpxchg8b (half 4) / cmpxchg16b (half 8) of the memory operand against EDX:EAX. Atomic
 * with or without lock (Linux's per-CPU cmpxchg16b has none but needs no more): one host
 * compare-and-swap on RAM, alone for a split lock (exec.c's comment on locked accesses).
 */
int x86_cmpxchg_pair(CPUX86State *env, const X86Insn *d, int half)
{
    X86LockedTarget t;
    int excp = x86_locked_target(env, x86_ea_seg(d), x86_ea(env, d), 2 * half, &t);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!t.host) {
        return pair_plain(env, d, half);
    }
    if (half == 8 && !host_has_cx16()) {
        x86_env_cpu(env)->rmw.split = true; /* no host atomic for it: alone */
        return X86_EXCP_RETRY;
    }
    return pair_atomic(env, d, &t, half);
}

/* 0f c7 /1: cmpxchg8b m64 (cmpxchg16b, REX.W, is exec-ext.c's). */
int x86_exec_grp9(CPUX86State *env, const X86Insn *d)
{
    if ((d->reg & 7) != 1 || !d->mem) {
        return EXCP06_ILLOP;
    }
    return x86_cmpxchg_pair(env, d, 4);
}

/* 0f ae: lfence/mfence/sfence and clflush are no-ops here; ldmxcsr/stmxcsr. */
int x86_exec_grp15(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;
    uint64_t v;
    int excp;

    if (!d->mem) {
        return op >= 5 ? X86_EXCP_NONE : EXCP06_ILLOP;
    }
    switch (op) {
    case 2:
        excp = x86_rm_read(env, d, 4, &v);
        env->mxcsr = excp == X86_EXCP_NONE ? v : env->mxcsr;
        return excp;
    case 3:
        return x86_rm_write(env, d, 4, env->mxcsr);
    case 7:
        return X86_EXCP_NONE;
    default:
        log_mask(LOG_UNIMP, "x86: 0f ae /%d (fxsave/xsave family) not implemented\n", op);
        return EXCP06_ILLOP;
    }
}

/* ---- fast system calls (seg_helper.c does the work) ---- */

int x86_exec_syscall(CPUX86State *env, const X86Insn *d)
{
    (void)d;
    return x86_syscall(env, env->rip);
}

int x86_exec_sysret(CPUX86State *env, const X86Insn *d)
{
    return x86_sysret(env, (d->rex & 8) ? 8 : 4);
}

/* sysenter and sysexit are Intel's in 64-bit mode; an AMD CPU (qemu64) raises #UD there. */
static bool sysenter_valid(CPUX86State *env)
{
    return !x86_code64(env) || !strcmp(x86_env_cpu(env)->vendor, "GenuineIntel");
}

int x86_exec_sysenter(CPUX86State *env, const X86Insn *d)
{
    (void)d;
    return sysenter_valid(env) ? x86_sysenter(env) : EXCP06_ILLOP;
}

int x86_exec_sysexit(CPUX86State *env, const X86Insn *d)
{
    return sysenter_valid(env) ? x86_sysexit(env, (d->rex & 8) ? 8 : 4) : EXCP06_ILLOP;
}
