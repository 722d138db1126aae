/*
 * x86 control transfer and the stack: jcc/jmp/call/ret/loop (near), the far
 * forms through seg_helper.c, push/pop of registers, immediates and flags,
 * pusha/popa, enter/leave, int/int3/into/iret. A near branch target is
 * truncated to the operand size outside 64-bit code (x86_jump).
 */
#include "exec-internal.h"

int x86_exec_jcc(CPUX86State *env, const X86Insn *d)
{
    if (x86_cond(env, d->opc & 0xf)) {
        x86_jump(env, env->rip + d->imm, d->opsize);
    }
    return X86_EXCP_NONE;
}

int x86_exec_jmp(CPUX86State *env, const X86Insn *d)
{
    x86_jump(env, env->rip + d->imm, d->opsize);
    return X86_EXCP_NONE;
}

static int call_near(CPUX86State *env, uint64_t target, int opsize)
{
    int excp = x86_stack_push(env, opsize, env->rip);

    if (excp == X86_EXCP_NONE) {
        x86_jump(env, target, opsize);
    }
    return excp;
}

int x86_exec_call(CPUX86State *env, const X86Insn *d)
{
    return call_near(env, env->rip + d->imm, d->opsize);
}

/* c3 ret, c2 ret imm16 (then release imm16 bytes of arguments) */
int x86_exec_ret(CPUX86State *env, const X86Insn *d)
{
    uint64_t target;
    int excp = x86_stack_pop(env, d->opsize, &target);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (d->opc == 0xc2) {
        uint64_t m = x86_mask(x86_stack_size(env));
        env->regs[R_ESP] = (env->regs[R_ESP] & ~m) | ((env->regs[R_ESP] + d->imm) & m);
    }
    x86_jump(env, target, d->opsize);
    return X86_EXCP_NONE;
}

/* e0 loopne, e1 loope, e2 loop, e3 jcxz: the counter is CX/ECX/RCX by address size. */
int x86_exec_loop(CPUX86State *env, const X86Insn *d)
{
    int asz = d->addrsize;
    uint64_t count = x86_get_reg(env, d, R_ECX, asz);
    bool taken;

    if (d->opc == 0xe3) {
        taken = count == 0;
    } else {
        count = (count - 1) & x86_mask(asz);
        x86_set_reg(env, d, R_ECX, asz, count);
        taken = count != 0;
        if (d->opc == 0xe0) {
            taken = taken && !x86_cond(env, 4); /* ZF */
        } else if (d->opc == 0xe1) {
            taken = taken && x86_cond(env, 4);
        }
    }
    if (taken) {
        x86_jump(env, env->rip + d->imm, d->opsize);
    }
    return X86_EXCP_NONE;
}

int x86_exec_jmpf(CPUX86State *env, const X86Insn *d)
{
    return x86_far_jump(env, d->imm2, d->imm);
}

int x86_exec_callf(CPUX86State *env, const X86Insn *d)
{
    return x86_far_call(env, d->imm2, d->imm, d->opsize, env->rip);
}

int x86_exec_retf(CPUX86State *env, const X86Insn *d)
{
    return x86_far_ret(env, d->opsize, d->opc == 0xca ? d->imm : 0);
}

/* ff /3 and /5: the far pointer in memory, offset then selector. */
static int far_pointer(CPUX86State *env, const X86Insn *d, uint16_t *sel, uint64_t *off)
{
    int osz = d->opsize, seg = x86_ea_seg(d);
    uint64_t ea = x86_ea(env, d), s = 0;
    int excp;

    if (!d->mem) {
        return EXCP06_ILLOP;
    }
    excp = x86_read_mem(env, seg, ea, osz, off);
    if (excp == X86_EXCP_NONE) {
        excp = x86_read_mem(env, seg, (ea + osz) & x86_mask(d->addrsize), 2, &s);
    }
    *sel = s;
    return excp;
}

int x86_exec_grp5(CPUX86State *env, const X86Insn *d)
{
    int op = d->reg & 7;
    /* Near call/jmp and push default to 64 bits in 64-bit code. */
    int nsize = x86_code64(env) && (op == 2 || op == 4 || op == 6)
                    ? (d->opsize_prefix && op == 6 ? 2 : 8)
                    : d->opsize;
    uint64_t v = 0;
    uint16_t sel = 0;
    int excp;

    if (op < 2) {
        return x86_exec_inc_dec_rm(env, d, op == 1);
    }
    if (op == 7) {
        return EXCP06_ILLOP;
    }
    excp = op == 3 || op == 5 ? far_pointer(env, d, &sel, &v) : x86_rm_read(env, d, nsize, &v);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    switch (op) {
    case 2:
        return call_near(env, v, nsize);
    case 3:
        return x86_far_call(env, sel, v, d->opsize, env->rip);
    case 4:
        x86_jump(env, v, nsize);
        return X86_EXCP_NONE;
    case 5:
        return x86_far_jump(env, sel, v);
    default:
        return x86_stack_push(env, nsize, v);
    }
}

/* ---- the stack ---- */

int x86_exec_push_r(CPUX86State *env, const X86Insn *d)
{
    int reg = (d->opc & 7) | ((d->rex & 1) << 3);

    return x86_stack_push(env, d->opsize, x86_get_reg(env, d, reg, d->opsize));
}

int x86_exec_pop_r(CPUX86State *env, const X86Insn *d)
{
    int reg = (d->opc & 7) | ((d->rex & 1) << 3);
    uint64_t v;
    int excp = x86_stack_pop(env, d->opsize, &v);

    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, reg, d->opsize, v);
    }
    return excp;
}

int x86_exec_push_i(CPUX86State *env, const X86Insn *d)
{
    return x86_stack_push(env, d->opsize, d->imm);
}

/* 8f /0: pop into r/m; an rSP-based address is computed after the increment. */
int x86_exec_pop_ev(CPUX86State *env, const X86Insn *d)
{
    uint64_t v, sp = env->regs[R_ESP];
    int excp = x86_stack_pop(env, d->opsize, &v);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    excp = x86_rm_write(env, d, d->opsize, v);
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
    }
    return excp;
}

/* 60 pusha: AX CX DX BX (the SP before) BP SI DI */
int x86_exec_pusha(CPUX86State *env, const X86Insn *d)
{
    uint64_t sp = env->regs[R_ESP];
    int excp = X86_EXCP_NONE;

    for (int r = R_EAX; r <= R_EDI && excp == X86_EXCP_NONE; r++) {
        excp = x86_stack_push(env, d->opsize, r == R_ESP ? sp : env->regs[r]);
    }
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
    }
    return excp;
}

/* 61 popa: the reverse, SP's slot skipped */
int x86_exec_popa(CPUX86State *env, const X86Insn *d)
{
    uint64_t sp = env->regs[R_ESP], vals[8];
    int excp = X86_EXCP_NONE;

    for (int r = R_EDI; r >= R_EAX && excp == X86_EXCP_NONE; r--) {
        excp = x86_stack_pop(env, d->opsize, &vals[r]);
    }
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
        return excp;
    }
    for (int r = R_EAX; r <= R_EDI; r++) {
        if (r != R_ESP) {
            x86_set_reg(env, d, r, d->opsize, vals[r]);
        }
    }
    return X86_EXCP_NONE;
}

int x86_exec_pushf(CPUX86State *env, const X86Insn *d)
{
    return x86_stack_push(env, d->opsize,
                          (x86_get_eflags(env) & ~(uint64_t)(VM_MASK | RF_MASK)) | EFLAGS_FIXED);
}

/* popf: IOPL changes only at CPL 0, IF only when CPL <= IOPL; VM and RF never. */
int x86_exec_popf(CPUX86State *env, const X86Insn *d)
{
    uint64_t v, mask = CC_ARITH | TF_MASK | DF_MASK | NT_MASK | AC_MASK | ID_MASK;
    int cpl = x86_cpl(env), iopl = (env->eflags & IOPL_MASK) >> 12;
    int excp = x86_stack_pop(env, d->opsize, &v);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (cpl == 0) {
        mask |= IOPL_MASK;
    }
    if (cpl <= iopl) {
        mask |= IF_MASK;
    }
    if (d->opsize == 2) {
        mask &= 0xffff;
    }
    x86_set_eflags(env, (x86_get_eflags(env) & ~mask) | (v & mask) | EFLAGS_FIXED);
    return X86_EXCP_NONE;
}

/* c8 enter imm16, imm8: a frame of imm16 bytes at nesting level imm8 (mod 32). */
int x86_exec_enter(CPUX86State *env, const X86Insn *d)
{
    int osz = d->opsize, level = d->imm2 & 31, ssz = x86_stack_size(env);
    uint64_t sm = x86_mask(ssz), bp = env->regs[R_EBP], sp = env->regs[R_ESP], frame, v;
    int excp = x86_stack_push(env, osz, bp);

    frame = env->regs[R_ESP] & sm;
    for (int i = 1; i < level && excp == X86_EXCP_NONE; i++) {
        bp = (bp - osz) & sm;
        excp = x86_read_mem(env, R_SS, bp, osz, &v);
        if (excp == X86_EXCP_NONE) {
            excp = x86_stack_push(env, osz, v);
        }
    }
    if (level && excp == X86_EXCP_NONE) {
        excp = x86_stack_push(env, osz, frame);
    }
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp; /* a fault changes nothing: the pushes before it neither */
        return excp;
    }
    x86_set_reg(env, d, R_EBP, osz == 2 ? 2 : ssz, frame);
    env->regs[R_ESP] = (env->regs[R_ESP] & ~sm) | ((env->regs[R_ESP] - d->imm) & sm);
    return X86_EXCP_NONE;
}

int x86_exec_leave(CPUX86State *env, const X86Insn *d)
{
    uint64_t sm = x86_mask(x86_stack_size(env)), v, sp = env->regs[R_ESP];
    int excp;

    env->regs[R_ESP] = (env->regs[R_ESP] & ~sm) | (env->regs[R_EBP] & sm);
    excp = x86_stack_pop(env, d->opsize, &v);
    if (excp != X86_EXCP_NONE) {
        env->regs[R_ESP] = sp;
        return excp;
    }
    x86_set_reg(env, d, R_EBP, d->opsize, v);
    return X86_EXCP_NONE;
}

/* ---- software interrupts ---- */

int x86_exec_int(CPUX86State *env, const X86Insn *d)
{
    return x86_do_interrupt(env, d->opc == 0xf1 ? EXCP01_DB : (int)d->imm, true, false, 0,
                            env->rip);
}

int x86_exec_int3(CPUX86State *env, const X86Insn *d)
{
    return x86_do_interrupt(env, EXCP03_INT3, true, false, 0, env->rip);
}

int x86_exec_into(CPUX86State *env, const X86Insn *d)
{
    if (!x86_cond(env, 0)) { /* OF */
        return X86_EXCP_NONE;
    }
    return x86_do_interrupt(env, EXCP04_INTO, true, false, 0, env->rip);
}

int x86_exec_iret(CPUX86State *env, const X86Insn *d)
{
    return x86_iret(env, d->opsize);
}
