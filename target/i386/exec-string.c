/*
 * x86 string instructions (movs, cmps, stos, lods, scas, ins, outs) with the
 * rep/repe/repne prefixes, and in/out. Sources are seg:rSI (DS unless
 * overridden), destinations ES:rDI (never overridden); the address size picks
 * SI/ESI/RSI and CX/ECX/RCX; DF picks the direction. A rep loop runs to its
 * end in one step (no interrupt is taken inside it yet); an exception leaves
 * the registers at the element that faulted, so the restart continues there.
 *
 * Port access needs CPL <= IOPL in protected mode; the TSS I/O bitmap is not
 * consulted yet (an access it would allow raises #GP).
 */
#include "exec-internal.h"

static bool io_allowed(CPUX86State *env)
{
    return !(env->cr[0] & CR0_PE) ||
           ((env->eflags & VM_MASK) == 0 && x86_cpl(env) <= (int)((env->eflags & IOPL_MASK) >> 12));
}

static void advance(CPUX86State *env, const X86Insn *d, int reg)
{
    int64_t step = (env->eflags & DF_MASK) ? -d->opsize : d->opsize;

    x86_set_reg(env, d, reg, d->addrsize, env->regs[reg] + step);
}

/* One element of the string operation; *stop set by cmps/scas when repe/repne ends. */
static int string_element(CPUX86State *env, const X86Insn *d, bool *stop)
{
    int size = d->opsize, src_seg = d->seg >= 0 ? d->seg : R_DS;
    uint64_t am = x86_mask(d->addrsize), si = env->regs[R_ESI] & am, di = env->regs[R_EDI] & am;
    uint64_t a = 0, b = 0;
    int excp = X86_EXCP_NONE;

    switch (d->op) {
    case OP_MOVS:
        excp = x86_read_mem(env, src_seg, si, size, &a);
        excp = excp != X86_EXCP_NONE ? excp : x86_write_mem(env, R_ES, di, size, a);
        break;
    case OP_STOS:
        excp = x86_write_mem(env, R_ES, di, size, x86_get_reg(env, d, R_EAX, size));
        break;
    case OP_LODS:
        excp = x86_read_mem(env, src_seg, si, size, &a);
        if (excp == X86_EXCP_NONE) {
            x86_set_reg(env, d, R_EAX, size, a);
        }
        break;
    case OP_CMPS:
    case OP_SCAS:
        if (d->op == OP_CMPS) {
            excp = x86_read_mem(env, src_seg, si, size, &a);
        } else {
            a = x86_get_reg(env, d, R_EAX, size);
        }
        excp = excp != X86_EXCP_NONE ? excp : x86_read_mem(env, R_ES, di, size, &b);
        if (excp == X86_EXCP_NONE) {
            x86_alu(env, 7, a, b, size);
            *stop = d->rep == 0xf3 ? !x86_cond(env, 4) : x86_cond(env, 4); /* ZF */
        }
        break;
    case OP_INS:
        a = x86_io_read(env, env->regs[R_EDX], size);
        excp = x86_write_mem(env, R_ES, di, size, a);
        break;
    default: /* OP_OUTS */
        excp = x86_read_mem(env, src_seg, si, size, &a);
        if (excp == X86_EXCP_NONE) {
            x86_io_write(env, env->regs[R_EDX], size, a);
        }
        break;
    }
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (d->op == OP_MOVS || d->op == OP_LODS || d->op == OP_CMPS || d->op == OP_OUTS) {
        advance(env, d, R_ESI);
    }
    if (d->op != OP_LODS && d->op != OP_OUTS) {
        advance(env, d, R_EDI);
    }
    return X86_EXCP_NONE;
}

/*
 * A rep loop runs at most this many elements per step; then rip goes back to the
 * instruction, which continues with the registers where they are (the architecture lets an
 * interrupt in between elements the same way). A guest's rep with a count of 2^64 thus never
 * keeps the hart from the run loop, the BQL from the main loop or the user from quitting.
 */
#define X86_REP_BUDGET 4096

int x86_exec_string(CPUX86State *env, const X86Insn *d)
{
    bool rep = d->rep != 0, cond = d->op == OP_CMPS || d->op == OP_SCAS;

    if ((d->op == OP_INS || d->op == OP_OUTS) && !io_allowed(env)) {
        return x86_gp0(env);
    }
    for (int n = 0;; n++) {
        bool stop = false;
        int excp;

        if (rep && x86_get_reg(env, d, R_ECX, d->addrsize) == 0) {
            return X86_EXCP_NONE;
        }
        if (n == X86_REP_BUDGET) {
            env->rip = (env->rip - d->len) & (x86_code64(env) ? ~0ULL : 0xffffffffu);
            return X86_EXCP_NONE;
        }
        excp = string_element(env, d, &stop);
        if (excp != X86_EXCP_NONE) {
            return excp;
        }
        if (!rep) {
            return X86_EXCP_NONE;
        }
        x86_set_reg(env, d, R_ECX, d->addrsize, env->regs[R_ECX] - 1);
        if (cond && stop) {
            return X86_EXCP_NONE;
        }
    }
}

/* e4/e5 in AL/eAX, imm8; ec/ed in AL/eAX, DX */
int x86_exec_in(CPUX86State *env, const X86Insn *d)
{
    uint16_t port = d->opc >= 0xec ? (uint16_t)env->regs[R_EDX] : (uint16_t)d->imm;
    int size = d->opsize == 8 ? 4 : d->opsize;

    if (!io_allowed(env)) {
        return x86_gp0(env);
    }
    x86_set_reg(env, d, R_EAX, size, x86_io_read(env, port, size));
    return X86_EXCP_NONE;
}

int x86_exec_out(CPUX86State *env, const X86Insn *d)
{
    uint16_t port = d->opc >= 0xee ? (uint16_t)env->regs[R_EDX] : (uint16_t)d->imm;
    int size = d->opsize == 8 ? 4 : d->opsize;

    if (!io_allowed(env)) {
        return x86_gp0(env);
    }
    x86_io_write(env, port, size, x86_get_reg(env, d, R_EAX, size));
    return X86_EXCP_NONE;
}
