/*
 * Delivery of interrupts and exceptions (SDM Vol. 3A 6.10-6.14, 20.1.4):
 *   real mode     the IVT at idt.base: 4-byte entries (offset, segment); push
 *                 FLAGS, CS, IP; clear IF, TF, AC.
 *   protected     8-byte IDT gates (16/32-bit interrupt and trap gates); a
 *                 handler at an inner level runs on the stack the TSS names
 *                 for it, with the old SS:ESP pushed first.
 *   long mode     16-byte gates; SS:RSP always pushed, RSP aligned to 16,
 *                 the IST stack when the gate names one.
 * A software interrupt (int n, int3, into) checks the gate's DPL against CPL
 * and pushes the address after the instruction; exceptions push their own.
 * Task gates are not modelled (#GP, logged).
 */
#include <inttypes.h>

#include "exec-internal.h"

#include "util/log.h"

typedef struct Gate {
    uint16_t sel;
    uint64_t offset;
    int type; /* 6/7: 16-bit interrupt/trap, 14/15: 32- or 64-bit interrupt/trap */
    int dpl;
    int ist;
    bool present;
} Gate;

static int idt_fault(CPUX86State *env, int vec)
{
    env->error_code = vec * 8 + 2; /* IDT bit set */
    return EXCP0D_GPF;
}

static int read_gate(CPUX86State *env, int vec, Gate *g)
{
    int entry = x86_long_mode(env) ? 16 : 8;
    uint64_t lo = 0, hi = 0, upper = 0;
    int excp;

    if ((uint32_t)vec * entry + entry - 1 > env->idt.limit) {
        return idt_fault(env, vec);
    }
    excp = x86_read_sys(env, env->idt.base + vec * entry, 4, &lo);
    excp =
        excp != X86_EXCP_NONE ? excp : x86_read_sys(env, env->idt.base + vec * entry + 4, 4, &hi);
    if (excp == X86_EXCP_NONE && entry == 16) {
        excp = x86_read_sys(env, env->idt.base + vec * entry + 8, 4, &upper);
    }
    g->sel = lo >> 16;
    g->offset = (lo & 0xffff) | (hi & 0xffff0000) | (upper << 32);
    g->type = (hi >> 8) & 0x1f;
    g->dpl = (hi >> DESC_DPL_SHIFT) & 3;
    g->present = hi & DESC_P_MASK;
    g->ist = hi & 7;
    return excp;
}

static int real_mode_interrupt(CPUX86State *env, int vec, uint64_t next_rip)
{
    uint64_t entry;
    int excp;

    if ((uint32_t)vec * 4 + 3 > env->idt.limit) {
        return idt_fault(env, vec);
    }
    excp = x86_read_sys(env, env->idt.base + vec * 4, 4, &entry);
    excp = excp != X86_EXCP_NONE ? excp : x86_stack_push(env, 2, x86_get_eflags(env));
    excp = excp != X86_EXCP_NONE ? excp : x86_stack_push(env, 2, env->segs[R_CS].selector);
    excp = excp != X86_EXCP_NONE ? excp : x86_stack_push(env, 2, next_rip);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    env->eflags &= ~(uint64_t)(IF_MASK | TF_MASK | AC_MASK);
    env->segs[R_CS].selector = entry >> 16;
    env->segs[R_CS].base = (entry >> 16) << 4;
    env->rip = entry & 0xffff;
    return X86_EXCP_NONE;
}

/* The inner stack for privilege level dpl (or IST n): from the 32- or 64-bit TSS. */
static int tss_stack(CPUX86State *env, int dpl, int ist, uint64_t *sp, uint16_t *ss)
{
    uint64_t v, s = 0;
    int excp;

    if (x86_long_mode(env)) {
        uint32_t off = ist ? 0x24 + 8 * (ist - 1) : 4 + 8 * dpl;
        excp = x86_read_sys(env, env->tr.base + off, 8, &v);
        *sp = v;
        *ss = dpl;
        return excp;
    }
    excp = x86_read_sys(env, env->tr.base + 4 + 8 * dpl, 4, &v);
    excp = excp != X86_EXCP_NONE ? excp : x86_read_sys(env, env->tr.base + 8 + 8 * dpl, 2, &s);
    *sp = v;
    *ss = s;
    return excp;
}

/* Switch to the handler's stack if it runs at an inner level (or the gate has an IST). */
static int switch_stack(CPUX86State *env, int new_cpl, const Gate *g, uint64_t *old_sp,
                        uint16_t *old_ss, bool *switched)
{
    int cpl = x86_cpl(env), excp;
    uint64_t sp;
    uint16_t ss;

    *old_sp = env->regs[R_ESP];
    *old_ss = env->segs[R_SS].selector;
    *switched = new_cpl < cpl || (x86_long_mode(env) && g->ist);
    if (!*switched) {
        return X86_EXCP_NONE;
    }
    excp = tss_stack(env, new_cpl, x86_long_mode(env) ? g->ist : 0, &sp, &ss);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (x86_long_mode(env)) {
        env->segs[R_SS] = (SegmentCache){.selector = new_cpl < cpl ? new_cpl : *old_ss,
                                         .flags = env->segs[R_SS].flags};
    } else {
        /* SS must be loadable at the new CPL: pretend CS is already there for the check. */
        uint16_t cs_sel = env->segs[R_CS].selector;
        env->segs[R_CS].selector = (cs_sel & ~3) | new_cpl;
        excp = x86_load_seg(env, R_SS, ss);
        env->segs[R_CS].selector = cs_sel;
        if (excp != X86_EXCP_NONE) {
            return EXCP0A_TSS;
        }
    }
    env->regs[R_ESP] = sp;
    return X86_EXCP_NONE;
}

/* The interrupt frame: [SS, rSP,] FLAGS, CS, rIP[, error code] (frame[] in that order). */
static int push_frame(CPUX86State *env, int size, const uint64_t frame[6], bool with_stack,
                      bool with_error)
{
    int excp = X86_EXCP_NONE;

    for (int i = with_stack ? 0 : 2; i < (with_error ? 6 : 5) && excp == X86_EXCP_NONE; i++) {
        excp = x86_stack_push(env, size, frame[i]);
    }
    return excp;
}

static int protected_interrupt(CPUX86State *env, int vec, bool is_sw, bool has_error,
                               int error_code, uint64_t next_rip)
{
    Gate g;
    SegmentCache old_cs = env->segs[R_CS], old_ss_cache = env->segs[R_SS];
    uint64_t old_sp, old_flags = x86_get_eflags(env);
    uint16_t old_ss;
    uint32_t lo, hi;
    bool lm = x86_long_mode(env), switched;
    int excp = read_gate(env, vec, &g), size, new_cpl;

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (g.type != 6 && g.type != 7 && g.type != 14 && g.type != 15) {
        log_mask(LOG_GUEST_ERROR, "x86: IDT entry %d has type %d (task gates not modelled)\n", vec,
                 g.type);
        return idt_fault(env, vec);
    }
    if (is_sw && g.dpl < x86_cpl(env)) {
        return idt_fault(env, vec);
    }
    if (!g.present) {
        env->error_code = vec * 8 + 2;
        return EXCP0B_NOSEG;
    }
    /* The handler runs at its code segment's DPL (a conforming one: at the current CPL). */
    if (!(g.sel & ~3)) {
        return x86_gp0(env);
    }
    excp = x86_read_desc(env, g.sel, &lo, &hi);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    new_cpl = (hi & DESC_C_MASK) ? x86_cpl(env) : (int)((hi >> DESC_DPL_SHIFT) & 3);
    excp = switch_stack(env, new_cpl, &g, &old_sp, &old_ss, &switched);
    if (excp != X86_EXCP_NONE) {
        env->segs[R_SS] = old_ss_cache;
        env->regs[R_ESP] = old_sp;
        return excp;
    }
    x86_seg_from_desc(&env->segs[R_CS], (g.sel & ~3) | new_cpl, lo, hi);
    if (lm) {
        env->regs[R_ESP] &= ~0xfULL;
    }
    size = lm ? 8 : (g.type & 8) ? 4 : 2;
    {
        const uint64_t frame[] = {old_ss,          old_sp,   old_flags,
                                  old_cs.selector, next_rip, (uint64_t)error_code};
        excp = push_frame(env, size, frame, switched || lm, has_error);
    }
    if (excp != X86_EXCP_NONE) {
        env->segs[R_CS] = old_cs;
        env->segs[R_SS] = old_ss_cache;
        env->regs[R_ESP] = old_sp;
        return excp;
    }
    env->rip = size == 2 ? g.offset & 0xffff : lm ? g.offset : g.offset & 0xffffffffu;
    env->eflags &= ~(uint64_t)(TF_MASK | NT_MASK | VM_MASK | RF_MASK);
    if (!(g.type & 1)) {
        env->eflags &= ~(uint64_t)IF_MASK; /* an interrupt gate, not a trap gate */
    }
    return X86_EXCP_NONE;
}

int x86_do_interrupt(CPUX86State *env, int vec, bool is_sw, bool has_error, int error_code,
                     uint64_t next_rip)
{
    if (log_enabled(LOG_INT)) {
        log_mask(LOG_INT, "x86: %s %d at %04x:%08" PRIx64 " error %x\n",
                 is_sw ? "int" : "exception", vec, env->segs[R_CS].selector, env->rip,
                 has_error ? error_code : 0);
    }
    if (!(env->cr[0] & CR0_PE)) {
        return real_mode_interrupt(env, vec, next_rip);
    }
    if (env->eflags & VM_MASK) {
        log_mask(LOG_GUEST_ERROR, "x86: interrupt in virtual-8086 mode not modelled\n");
        return idt_fault(env, vec);
    }
    return protected_interrupt(env, vec, is_sw, has_error, error_code, next_rip);
}
