/*
 * x86 segmentation and interrupt delivery: segment register loads in real,
 * virtual-8086 and protected mode, far jmp/call/ret and iret, and the
 * delivery of interrupts and exceptions through the real-mode IVT, the
 * protected-mode IDT (16/32-bit interrupt and trap gates, with the stack
 * switch from the TSS on a privilege change) and the long-mode IDT (16-byte
 * gates, IST).
 *
 * Not modelled yet (each logs under -d guest_errors and raises #GP): call
 * gates, task gates and task switches, returns to virtual-8086 mode.
 *
 * Spec: SDM Vol. 3A 3.4.5 (descriptors), 5.8 (control transfers), 6.10-6.14
 * (IDT, gates, stack switching, 64-bit mode), Vol. 2 "IRET", "RET", "CALL".
 */
#include "exec-internal.h"

#include "util/log.h"

void x86_seg_from_desc(SegmentCache *sc, uint16_t selector, uint32_t lo, uint32_t hi)
{
    uint32_t limit = (lo & 0xffff) | (hi & 0x000f0000);

    sc->selector = selector;
    sc->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000);
    sc->limit = (hi & DESC_G_MASK) ? (limit << 12) | 0xfff : limit;
    sc->flags = hi & 0x00f0ff00;
}

bool x86_excp_has_error_code(int vec)
{
    return vec == EXCP08_DBLE || (vec >= EXCP0A_TSS && vec <= EXCP0E_PAGE) || vec == EXCP11_ALGN;
}

static int fault_sel(CPUX86State *env, int vec, uint16_t sel)
{
    env->error_code = sel & 0xfffc;
    return vec;
}

/* Read the 8-byte descriptor of sel from the GDT or the LDT; #GP(sel) past the limit. */
int x86_read_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi)
{
    const SegmentCache *t = (sel & 4) ? &env->ldt : &env->gdt;
    uint64_t a = 0, b = 0;
    int excp;

    if ((sel | 7) > t->limit) {
        return fault_sel(env, EXCP0D_GPF, sel);
    }
    excp = x86_read_sys(env, t->base + (sel & ~7), 4, &a);
    excp = excp != X86_EXCP_NONE ? excp : x86_read_sys(env, t->base + (sel & ~7) + 4, 4, &b);
    *lo = a;
    *hi = b;
    return excp;
}

static void load_real(SegmentCache *sc, uint16_t sel)
{
    sc->selector = sel;
    sc->base = (uint64_t)sel << 4;
}

/* mov/pop/lds... to seg (not CS). */
int x86_load_seg(CPUX86State *env, int seg, uint16_t sel)
{
    SegmentCache *sc = &env->segs[seg];
    int cpl = x86_cpl(env), dpl, excp;
    uint32_t lo, hi;

    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        load_real(sc, sel);
        return X86_EXCP_NONE;
    }
    if (!(sel & ~3)) {
        if (seg == R_SS && !(x86_code64(env) && cpl < 3)) {
            return fault_sel(env, EXCP0D_GPF, 0);
        }
        *sc = (SegmentCache){.selector = sel}; /* a null selector: unusable */
        return X86_EXCP_NONE;
    }
    excp = x86_read_desc(env, sel, &lo, &hi);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if (!(hi & DESC_S_MASK)) {
        return fault_sel(env, EXCP0D_GPF, sel);
    }
    if (seg == R_SS) {
        if ((hi & DESC_CS_MASK) || !(hi & DESC_W_MASK) || (sel & 3) != cpl || dpl != cpl) {
            return fault_sel(env, EXCP0D_GPF, sel);
        }
    } else if ((hi & DESC_CS_MASK) && !(hi & DESC_W_MASK)) {
        return fault_sel(env, EXCP0D_GPF, sel); /* execute-only code */
    }
    if (!(hi & DESC_P_MASK)) {
        return fault_sel(env, seg == R_SS ? EXCP0C_STACK : EXCP0B_NOSEG, sel);
    }
    x86_seg_from_desc(sc, sel, lo, hi);
    return X86_EXCP_NONE;
}

/* Load CS for a transfer to code at privilege cpl (protected mode); checks the descriptor. */
static int load_cs(CPUX86State *env, uint16_t sel, int cpl, bool allow_outer)
{
    uint32_t lo, hi;
    int dpl, excp;

    if (!(sel & ~3)) {
        return fault_sel(env, EXCP0D_GPF, 0);
    }
    excp = x86_read_desc(env, sel, &lo, &hi);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    dpl = (hi >> DESC_DPL_SHIFT) & 3;
    if ((hi & (DESC_S_MASK | DESC_CS_MASK)) != (DESC_S_MASK | DESC_CS_MASK)) {
        log_mask(LOG_GUEST_ERROR,
                 "x86: far transfer to selector %04x: not a code segment "
                 "(call and task gates are not modelled)\n",
                 sel);
        return fault_sel(env, EXCP0D_GPF, sel);
    }
    if ((hi & DESC_C_MASK) ? dpl > cpl : (dpl != cpl && !allow_outer)) {
        return fault_sel(env, EXCP0D_GPF, sel);
    }
    if (!(hi & DESC_P_MASK)) {
        return fault_sel(env, EXCP0B_NOSEG, sel);
    }
    x86_seg_from_desc(&env->segs[R_CS], (sel & ~3) | cpl, lo, hi);
    return X86_EXCP_NONE;
}

int x86_far_jump(CPUX86State *env, uint16_t sel, uint64_t offset)
{
    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        load_real(&env->segs[R_CS], sel);
        env->rip = offset;
        return X86_EXCP_NONE;
    }
    int excp = load_cs(env, sel, x86_cpl(env), false);
    if (excp == X86_EXCP_NONE) {
        env->rip = x86_code64(env) ? offset : offset & 0xffffffffu;
    }
    return excp;
}

int x86_far_call(CPUX86State *env, uint16_t sel, uint64_t offset, int opsize, uint64_t next_rip)
{
    uint64_t sp = env->regs[R_ESP];
    int excp = x86_stack_push(env, opsize, env->segs[R_CS].selector);

    excp = excp != X86_EXCP_NONE ? excp : x86_stack_push(env, opsize, next_rip);
    excp = excp != X86_EXCP_NONE ? excp : x86_far_jump(env, sel, offset);
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
    }
    return excp;
}

static void add_sp(CPUX86State *env, uint64_t n)
{
    uint64_t m = x86_mask(x86_stack_size(env));
    env->regs[R_ESP] = (env->regs[R_ESP] & ~m) | ((env->regs[R_ESP] + n) & m);
}

/*
 * After a return to an outer level: data segments the new CPL may not use become null. A
 * selector that is already null stays as it is, hidden base included: 64-bit code keeps its
 * FS/GS base (set through the MSRs) behind a null selector, and every return to user mode
 * (iretq after an interrupt) must leave it there, as the CPUs and QEMU do.
 */
static void clear_inner_segs(CPUX86State *env)
{
    int cpl = x86_cpl(env);
    static const int segs[] = {R_ES, R_DS, R_FS, R_GS};

    for (unsigned i = 0; i < ARRAY_SIZE(segs); i++) {
        SegmentCache *sc = &env->segs[segs[i]];
        int dpl = (sc->flags >> DESC_DPL_SHIFT) & 3;
        bool conforming =
            (sc->flags & (DESC_CS_MASK | DESC_C_MASK)) == (DESC_CS_MASK | DESC_C_MASK);
        if (!(sc->selector & ~3) && (segs[i] == R_FS || segs[i] == R_GS)) {
            continue;
        }
        if (!conforming && dpl < cpl) {
            *sc = (SegmentCache){0};
        }
    }
}

/* The protected-mode return: CS (and SS:rSP when going outward) from the stack. */
static int return_to(CPUX86State *env, uint64_t ip, uint16_t cs, int opsize, uint16_t extra,
                     bool always_ss)
{
    int cpl = x86_cpl(env), rpl = cs & 3, excp;
    uint64_t sp = 0, ss = 0;

    if (rpl < cpl) {
        return fault_sel(env, EXCP0D_GPF, cs);
    }
    if (rpl > cpl || always_ss) {
        add_sp(env, extra);
        excp = x86_stack_pop(env, opsize, &sp);
        excp = excp != X86_EXCP_NONE ? excp : x86_stack_pop(env, opsize, &ss);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
    }
    excp = load_cs(env, cs, rpl, false);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    env->rip = x86_code64(env) ? ip : ip & 0xffffffffu;
    if (rpl > cpl || always_ss) {
        excp = x86_load_seg(env, R_SS, ss);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        env->regs[R_ESP] = opsize == 2 ? (env->regs[R_ESP] & ~0xffffULL) | (sp & 0xffff) : sp;
        if (rpl > cpl) {
            clear_inner_segs(env);
        }
    }
    return X86_EXCP_NONE;
}

int x86_far_ret(CPUX86State *env, int opsize, uint16_t pop_extra)
{
    uint64_t ip, cs, sp = env->regs[R_ESP];
    int excp = x86_stack_pop(env, opsize, &ip);

    excp = excp != X86_EXCP_NONE ? excp : x86_stack_pop(env, opsize, &cs);
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
        return excp;
    }
    if (!(env->cr[0] & CR0_PE) || (env->eflags & VM_MASK)) {
        load_real(&env->segs[R_CS], cs);
        env->rip = ip & x86_mask(opsize);
        add_sp(env, pop_extra);
        return X86_EXCP_NONE;
    }
    excp = return_to(env, ip, cs, opsize, pop_extra, false);
    if (excp == X86_EXCP_NONE) {
        add_sp(env, pop_extra);
    } else {
        env->regs[R_ESP] = sp;
    }
    return excp;
}

/* The flags iret may restore at the current CPL (those popf may change, plus VIF/VIP/RF). */
static void iret_flags(CPUX86State *env, uint64_t v, int opsize, int cpl)
{
    uint64_t mask = CC_ARITH | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK | RF_MASK;
    int iopl = (env->eflags & IOPL_MASK) >> 12;

    if (cpl == 0) {
        mask |= IOPL_MASK | VIF_MASK | VIP_MASK;
    }
    if (cpl <= iopl) {
        mask |= IF_MASK;
    }
    if (opsize == 2) {
        mask &= 0xffff;
    }
    x86_set_eflags(env, (x86_get_eflags(env) & ~mask) | (v & mask) | EFLAGS_FIXED);
}

int x86_iret(CPUX86State *env, int opsize)
{
    uint64_t ip, cs, fl, sp = env->regs[R_ESP];
    int cpl = x86_cpl(env), excp;

    excp = x86_stack_pop(env, opsize, &ip);
    excp = excp != X86_EXCP_NONE ? excp : x86_stack_pop(env, opsize, &cs);
    excp = excp != X86_EXCP_NONE ? excp : x86_stack_pop(env, opsize, &fl);
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
        return excp;
    }
    if (!(env->cr[0] & CR0_PE)) {
        load_real(&env->segs[R_CS], cs);
        env->rip = ip & x86_mask(opsize);
        iret_flags(env, fl, opsize, 0);
        return X86_EXCP_NONE;
    }
    if ((env->eflags & (NT_MASK | VM_MASK)) || (cpl == 0 && (fl & VM_MASK) && opsize == 4)) {
        log_mask(LOG_GUEST_ERROR, "x86: iret to a task or to virtual-8086 mode not modelled\n");
        env->regs[R_ESP] = sp;
        return x86_gp0(env);
    }
    excp = return_to(env, ip, cs, opsize, 0, x86_code64(env));
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
        return excp;
    }
    iret_flags(env, fl, opsize, cpl);
    return X86_EXCP_NONE;
}

/* ---- fast system calls (SDM Vol. 2 SYSCALL, SYSRET, SYSENTER, SYSEXIT) ---- */

/* The flat segments these instructions load without reading the GDT. */
static void flat_code(SegmentCache *sc, uint16_t sel, int dpl, bool code64)
{
    *sc = (SegmentCache){.selector = sel,
                         .limit = 0xffffffff,
                         .flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_W_MASK |
                                  DESC_A_MASK | DESC_G_MASK | (dpl << DESC_DPL_SHIFT) |
                                  (code64 ? DESC_L_MASK : DESC_B_MASK)};
}

static void flat_stack(SegmentCache *sc, uint16_t sel, int dpl)
{
    *sc = (SegmentCache){.selector = sel,
                         .limit = 0xffffffff,
                         .flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | DESC_A_MASK |
                                  DESC_G_MASK | DESC_B_MASK | (dpl << DESC_DPL_SHIFT)};
}

int x86_syscall(CPUX86State *env, uint64_t next_rip)
{
    uint16_t sel = (env->star >> 32) & 0xfffc;

    if (!(env->efer & EFER_SCE) || !(env->cr[0] & CR0_PE)) {
        return EXCP06_ILLOP;
    }
    if (x86_long_mode(env)) {
        bool from64 = x86_code64(env);
        uint64_t fl = x86_get_eflags(env); /* FMASK may clear arithmetic flags */
        env->regs[R_ECX] = next_rip;
        env->regs[11] = fl & ~(uint64_t)RF_MASK;
        x86_set_eflags(env, (fl & ~(env->fmask | RF_MASK)) | EFLAGS_FIXED);
        flat_code(&env->segs[R_CS], sel, 0, true);
        flat_stack(&env->segs[R_SS], sel + 8, 0);
        env->rip = from64 ? env->lstar : env->cstar;
        return X86_EXCP_NONE;
    }
    /* Legacy mode (as AMD defines it): to STAR's EIP with IF, VM and RF cleared. */
    env->regs[R_ECX] = (uint32_t)next_rip;
    env->eflags &= ~(uint64_t)(IF_MASK | VM_MASK | RF_MASK);
    flat_code(&env->segs[R_CS], sel, 0, false);
    flat_stack(&env->segs[R_SS], sel + 8, 0);
    env->rip = (uint32_t)env->star;
    return X86_EXCP_NONE;
}

int x86_sysret(CPUX86State *env, int opsize)
{
    uint16_t sel = (env->star >> 48) & 0xffff;

    if (!(env->efer & EFER_SCE) || !(env->cr[0] & CR0_PE)) {
        return EXCP06_ILLOP;
    }
    if (x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    if (x86_long_mode(env)) {
        if (opsize == 8 && !x86_canonical(env, env->regs[R_ECX])) {
            return x86_gp0(env); /* Intel faults here, at CPL 0 */
        }
        x86_set_eflags(env, (env->regs[11] & ~(uint64_t)(RF_MASK | VM_MASK)) | EFLAGS_FIXED);
        if (opsize == 8) {
            flat_code(&env->segs[R_CS], (sel + 16) | 3, 3, true);
            env->rip = env->regs[R_ECX];
        } else {
            flat_code(&env->segs[R_CS], sel | 3, 3, false);
            env->rip = (uint32_t)env->regs[R_ECX];
        }
    } else {
        env->eflags |= IF_MASK;
        flat_code(&env->segs[R_CS], sel | 3, 3, false);
        env->rip = (uint32_t)env->regs[R_ECX];
    }
    /* SS's selector and DPL change; its descriptor is not read (the flags stay as set). */
    flat_stack(&env->segs[R_SS], (sel + 8) | 3, 3);
    return X86_EXCP_NONE;
}

int x86_sysenter(CPUX86State *env)
{
    uint16_t sel = env->sysenter_cs & 0xfffc;
    bool lm = x86_long_mode(env);

    if (!(env->cr[0] & CR0_PE) || !sel) {
        return x86_gp0(env);
    }
    env->eflags &= ~(uint64_t)(VM_MASK | IF_MASK | RF_MASK);
    flat_code(&env->segs[R_CS], sel, 0, lm);
    flat_stack(&env->segs[R_SS], sel + 8, 0);
    env->regs[R_ESP] = lm ? env->sysenter_esp : (uint32_t)env->sysenter_esp;
    env->rip = lm ? env->sysenter_eip : (uint32_t)env->sysenter_eip;
    return X86_EXCP_NONE;
}

int x86_sysexit(CPUX86State *env, int opsize)
{
    uint16_t sel = env->sysenter_cs & 0xfffc;

    if (!(env->cr[0] & CR0_PE) || !sel || x86_cpl(env) != 0) {
        return x86_gp0(env);
    }
    if (opsize == 8) {
        flat_code(&env->segs[R_CS], (sel + 32) | 3, 3, true);
        flat_stack(&env->segs[R_SS], (sel + 40) | 3, 3);
        env->regs[R_ESP] = env->regs[R_ECX];
        env->rip = env->regs[R_EDX];
    } else {
        flat_code(&env->segs[R_CS], (sel + 16) | 3, 3, false);
        flat_stack(&env->segs[R_SS], (sel + 24) | 3, 3);
        env->regs[R_ESP] = (uint32_t)env->regs[R_ECX];
        env->rip = (uint32_t)env->regs[R_EDX];
    }
    return X86_EXCP_NONE;
}
