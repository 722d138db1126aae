/*
 * x86 data movement and flag instructions: mov (all forms but segment and
 * control registers), movzx/movsx/movsxd, lea, xchg, cbw/cwd and their
 * wider forms, cmovcc, setcc, bswap, xlat, lahf/sahf, clc/stc/cli/sti/cld/
 * std and cmc. None of these touches an arithmetic flag except the last
 * ones, which exist to.
 */
#include "exec-internal.h"

/* 88 Eb,Gb  89 Ev,Gv  8a Gb,Eb  8b Gv,Ev  c6 Eb,Ib  c7 Ev,Iz (/0; the decoder made /1../7 #UD) */
int x86_exec_mov(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp;

    if (d->opc >= 0xc6) {
        return x86_rm_write(env, d, d->opsize, d->imm);
    }
    if (d->opc & 2) {
        excp = x86_rm_read(env, d, d->opsize, &v);
        if (excp == X86_EXCP_NONE) {
            x86_set_reg(env, d, d->reg, d->opsize, v);
        }
        return excp;
    }
    return x86_rm_write(env, d, d->opsize, x86_get_reg(env, d, d->reg, d->opsize));
}

/* b0-b7 mov r8, imm8; b8-bf mov r, imm (imm64 with REX.W) */
int x86_exec_mov_ri(CPUX86State *env, const X86Insn *d)
{
    int reg = (d->opc & 7) | ((d->rex & 1) << 3);

    x86_set_reg(env, d, reg, d->opsize, d->imm);
    return X86_EXCP_NONE;
}

/* a0-a3: AL/rAX to or from [seg:moffs] */
int x86_exec_mov_moffs(CPUX86State *env, const X86Insn *d)
{
    int seg = d->seg >= 0 ? d->seg : R_DS;
    uint64_t off = d->imm & x86_mask(d->addrsize), v;
    int excp;

    if (d->opc & 2) {
        return x86_write_mem(env, seg, off, d->opsize, x86_get_reg(env, d, R_EAX, d->opsize));
    }
    excp = x86_read_mem(env, seg, off, d->opsize, &v);
    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, R_EAX, d->opsize, v);
    }
    return excp;
}

/* movzx/movsx: the source is a byte (b6/be) or a word (b7/bf). */
static int extend(CPUX86State *env, const X86Insn *d, bool sign)
{
    int src_size = (d->opc & 1) ? 2 : 1;
    uint64_t v;
    int excp = x86_rm_read(env, d, src_size, &v);

    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, d->reg, d->opsize, sign ? (uint64_t)x86_sext(v, src_size) : v);
    }
    return excp;
}

int x86_exec_movzx(CPUX86State *env, const X86Insn *d)
{
    return extend(env, d, false);
}

int x86_exec_movsx(CPUX86State *env, const X86Insn *d)
{
    return extend(env, d, true);
}

int x86_exec_movsxd(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp = x86_rm_read(env, d, 4, &v);

    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, d->reg, d->opsize, (uint64_t)x86_sext(v, 4));
    }
    return excp;
}

int x86_exec_lea(CPUX86State *env, const X86Insn *d)
{
    if (!d->mem) {
        return EXCP06_ILLOP;
    }
    x86_set_reg(env, d, d->reg, d->opsize, x86_ea(env, d));
    return X86_EXCP_NONE;
}

/* 86/87 xchg Eb/Ev with Gb/Gv; 90-97 xchg rAX with a register (90 without REX.B: nop) */
int x86_exec_xchg(CPUX86State *env, const X86Insn *d)
{
    int size = d->opsize;
    uint64_t a, b;
    int excp;

    if (!d->has_modrm) {
        int reg = (d->opc & 7) | ((d->rex & 1) << 3);
        if (reg == R_EAX) {
            return X86_EXCP_NONE; /* nop (and pause with f3) */
        }
        a = x86_get_reg(env, d, R_EAX, size);
        x86_set_reg(env, d, R_EAX, size, x86_get_reg(env, d, reg, size));
        x86_set_reg(env, d, reg, size, a);
        return X86_EXCP_NONE;
    }
    excp = x86_rm_read(env, d, size, &a);
    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    b = x86_get_reg(env, d, d->reg, size);
    excp = x86_rm_write(env, d, size, b);
    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, d->reg, size, a);
    }
    return excp;
}

/* 98: cbw/cwde/cdqe: sign-extend the lower half of rAX into it. */
int x86_exec_cbw(CPUX86State *env, const X86Insn *d)
{
    int half = d->opsize / 2;

    x86_set_reg(env, d, R_EAX, d->opsize, x86_sext(x86_get_reg(env, d, R_EAX, half), half));
    return X86_EXCP_NONE;
}

/* 99: cwd/cdq/cqo: rDX = the sign of rAX. */
int x86_exec_cwd(CPUX86State *env, const X86Insn *d)
{
    int64_t a = x86_sext(x86_get_reg(env, d, R_EAX, d->opsize), d->opsize);

    x86_set_reg(env, d, R_EDX, d->opsize, a < 0 ? ~0ULL : 0);
    return X86_EXCP_NONE;
}

/* cmovcc: the source is read (and may fault) whatever the condition; a 32-bit destination
 * has its upper half cleared even when the condition is false. */
int x86_exec_cmov(CPUX86State *env, const X86Insn *d)
{
    uint64_t v;
    int excp = x86_rm_read(env, d, d->opsize, &v);

    if (excp != X86_EXCP_NONE) {
        return excp;
    }
    if (!x86_cond(env, d->opc & 0xf)) {
        v = x86_get_reg(env, d, d->reg, d->opsize);
    }
    x86_set_reg(env, d, d->reg, d->opsize, v);
    return X86_EXCP_NONE;
}

int x86_exec_setcc(CPUX86State *env, const X86Insn *d)
{
    return x86_rm_write(env, d, 1, x86_cond(env, d->opc & 0xf));
}

int x86_exec_bswap(CPUX86State *env, const X86Insn *d)
{
    int reg = (d->opc & 7) | ((d->rex & 1) << 3);
    uint64_t v = env->regs[reg];

    if (d->opsize == 8) {
        env->regs[reg] = __builtin_bswap64(v);
    } else if (d->opsize == 4) {
        env->regs[reg] = __builtin_bswap32((uint32_t)v);
    } else {
        x86_set_reg(env, d, reg, 2, 0); /* 16-bit bswap is undefined: zero, as hardware */
    }
    return X86_EXCP_NONE;
}

/* d7: AL = [seg:rBX + AL] */
int x86_exec_xlat(CPUX86State *env, const X86Insn *d)
{
    uint64_t off = (env->regs[R_EBX] + (env->regs[R_EAX] & 0xff)) & x86_mask(d->addrsize), v;
    int excp = x86_read_mem(env, d->seg >= 0 ? d->seg : R_DS, off, 1, &v);

    if (excp == X86_EXCP_NONE) {
        x86_set_reg(env, d, R_EAX, 1, v);
    }
    return excp;
}

#define LAHF_FLAGS (CC_S | CC_Z | CC_A | CC_P | CC_C)

int x86_exec_lahf(CPUX86State *env, const X86Insn *d)
{
    x86_set_reg(env, d, 4, 1, (x86_get_eflags(env) & LAHF_FLAGS) | EFLAGS_FIXED);
    return X86_EXCP_NONE;
}

int x86_exec_sahf(CPUX86State *env, const X86Insn *d)
{
    uint64_t ah = (env->regs[R_EAX] >> 8) & LAHF_FLAGS;

    x86_set_cc(env, LAHF_FLAGS, ah);
    return X86_EXCP_NONE;
}

/* f8 clc, f9 stc, fa cli, fb sti, fc cld, fd std. cli/sti need IOPL >= CPL (no VME). */
int x86_exec_flagop(CPUX86State *env, const X86Insn *d)
{
    static const uint32_t bit[] = {CC_C, CC_C, IF_MASK, IF_MASK, DF_MASK, DF_MASK};
    int i = d->opc - 0xf8;

    if (bit[i] == IF_MASK && (env->cr[0] & CR0_PE) &&
        x86_cpl(env) > (int)((env->eflags & IOPL_MASK) >> 12)) {
        return x86_gp0(env);
    }
    if (i == 3 && !(env->eflags & IF_MASK)) {
        env->irq_shadow = true; /* sti: interrupts are taken after the next instruction */
    }
    if (bit[i] == CC_C) {
        x86_set_cc(env, CC_C, i & 1);
    } else if (i & 1) {
        env->eflags |= bit[i];
    } else {
        env->eflags &= ~(uint64_t)bit[i];
    }
    return X86_EXCP_NONE;
}

int x86_exec_cmc(CPUX86State *env, const X86Insn *d)
{
    x86_set_cc(env, CC_C, !x86_cc_carry(env));
    return X86_EXCP_NONE;
}
