/*
 * Inside the x86 interpreter: the operand accessors every instruction group
 * uses (exec.c) and the handlers of each group (exec-alu.c, exec-ctrl.c,
 * exec-string.c, exec-system.c), which exec.c's dispatch table names by
 * X86Op.
 *
 * A handler runs with env->rip already at the next instruction; on an
 * exception it returns the vector (the run loop puts rip back at the
 * instruction and delivers it). Operand values travel as uint64_t truncated
 * to the operand size.
 */
#ifndef TARGET_I386_EXEC_INTERNAL_H
#define TARGET_I386_EXEC_INTERNAL_H

#include "target/i386/cpu.h"
#include "target/i386/decode.h"

/* Not an exception: hlt returns it so the run loop sleeps (rip is past the hlt). */
#define X86_EXIT_HLT 256
/* Nor this: pause (f3 90), a spin-wait hint; the run loop lets the other harts run. */
#define X86_EXIT_PAUSE 257

/* An entry of the decoded-instruction cache (exec.c): the bytes it was decoded from. */
#define X86_ICACHE_SIZE 4096
typedef struct X86DecodedInsn {
    hwaddr phys;
    uint8_t code_size;
    uint8_t bytes[15];
    X86Insn d;
} X86DecodedInsn;

typedef int (*X86ExecFn)(CPUX86State *env, const X86Insn *d);

/*
 * The handler that runs d (exec.c): its group's, a faster one for a common form
 * (x86_fast_handler, exec-fast.c, NULL if none), or the wrappers for locked, pause and
 * unimplemented forms. Chosen once per decoded instruction by the block engine.
 */
X86ExecFn x86_insn_handler(const X86Insn *d);
X86ExecFn x86_fast_handler(const X86Insn *d);

/* rip wraps at the code size (2, 4; 8 for 64-bit code). */
static inline uint64_t x86_rip_mask(int code_size)
{
    return code_size == 8 ? ~0ULL : code_size == 4 ? 0xffffffffULL : 0xffffULL;
}

/* The steps of one instruction (exec.c), shared by x86_cpu_step and the block engine. */
int x86_fetch_decode(X86CPU *cpu, int code_size, X86Insn *d);
/* x86_fetch_decode, and the d->len bytes it decoded into bytes (room for 15). */
int x86_fetch_decode_bytes(X86CPU *cpu, int code_size, X86Insn *d, uint8_t *bytes);
int x86_exec_insn(CPUX86State *env, const X86Insn *d, uint64_t start, int code_size);
/* Deliver excp if the instruction raised one, or the TF trap after it. */
void x86_finish_insn(CPUX86State *env, int excp, bool single_step);
void x86_deliver_exception(CPUX86State *env, int excp);
/* Take a pending event or the INTR line's vector, if enabled; true if one was taken. */
bool x86_take_interrupt(X86CPU *cpu);

static inline uint64_t x86_mask(int size)
{
    return size == 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}
static inline int64_t x86_sext(uint64_t v, int size)
{
    return sextract64(v, 0, 8 * size);
}

/* ---- cc_helper.c: lazy arithmetic flags ---- */
static inline uint64_t x86_sign_bit(int size)
{
    return 1ULL << (8 * size - 1);
}

/* SF, ZF and PF of a result (PF: even parity of the low byte). */
static inline uint64_t x86_szp(uint64_t r, int size)
{
    uint64_t cc = 0;

    r &= x86_mask(size);
    cc |= r == 0 ? CC_Z : 0;
    cc |= (r & x86_sign_bit(size)) ? CC_S : 0;
    cc |= __builtin_parity(r & 0xff) ? 0 : CC_P;
    return cc;
}

/* An operation sets the arithmetic flags: record it (res, a, b masked to size). */
static inline void x86_cc_record(CPUX86State *env, X86CCOp op, int size, uint64_t res, uint64_t a,
                                 uint64_t b)
{
    env->cc.res = res;
    env->cc.a = a;
    env->cc.b = b;
    env->cc.op = op;
    env->cc.size = size;
}

/* CF alone (adc, sbb, inc/dec keep it, rcl/rcr), cheaper than all flags. */
bool x86_cc_carry(const CPUX86State *env);
/*
 * Condition pair (o, b, z, be, s, p, l, le; cc >> 1) decided from the recorded operands
 * of a sub/cmp or a logic op: 1 or 0, or -1 where the flags must be computed.
 */
static inline int x86_cond_direct(const X86LazyFlags *cc, int pair)
{
    int size = cc->size;

    if (cc->op == X86_CC_SUB) {
        switch (pair) {
        case 1:
            return cc->a < cc->b;
        case 2:
            return cc->a == cc->b;
        case 3:
            return cc->a <= cc->b;
        case 4:
            return !!(cc->res & x86_sign_bit(size));
        case 6:
            return x86_sext(cc->a, size) < x86_sext(cc->b, size);
        case 7:
            return x86_sext(cc->a, size) <= x86_sext(cc->b, size);
        default:
            return -1;
        }
    }
    if (cc->op == X86_CC_LOGIC) {
        bool neg = cc->res & x86_sign_bit(size);
        switch (pair) {
        case 0: /* OF */
        case 1: /* CF */
            return 0;
        case 2: /* ZF */
        case 3: /* CF or ZF */
            return cc->res == 0;
        case 4: /* SF */
        case 6: /* SF != OF */
            return neg;
        case 7:
            return cc->res == 0 || neg;
        default:
            return -1;
        }
    }
    return -1;
}

/* Condition cc from the computed flags (cc_helper.c). */
bool x86_cond_from_flags(const CPUX86State *env, int cc);

/* Is condition cc (the low nibble of jcc/setcc/cmovcc) true? Inline: every jcc asks. */
static inline bool x86_cond(const CPUX86State *env, int cc)
{
    int direct = x86_cond_direct(&env->cc, (cc >> 1) & 7);

    if (direct >= 0) {
        return (cc & 1) ? !direct : direct;
    }
    return x86_cond_from_flags(env, cc);
}

/*
 * The arithmetic group (0 add, 1 or, 2 adc, 3 sbb, 4 and, 5 sub, 6 xor, 7 cmp): the result
 * (cmp: a). The flags are recorded, not computed (cc_helper.c); adc and sbb read CF first.
 * Inline: the fast handlers (exec-fast.c) run it for most of a kernel's ALU instructions.
 */
static inline uint64_t x86_alu(CPUX86State *env, int op, uint64_t a, uint64_t b, int size)
{
    uint64_t m = x86_mask(size), r;
    bool cin;

    a &= m;
    b &= m;
    switch (op) {
    case 0: /* add */
        r = (a + b) & m;
        x86_cc_record(env, X86_CC_ADD, size, r, a, b);
        return r;
    case 2: /* adc */
        cin = x86_cc_carry(env);
        r = (a + b + cin) & m;
        x86_cc_record(env, cin ? X86_CC_ADC1 : X86_CC_ADD, size, r, a, b);
        return r;
    case 3: /* sbb */
        cin = x86_cc_carry(env);
        r = (a - b - cin) & m;
        x86_cc_record(env, cin ? X86_CC_SBB1 : X86_CC_SUB, size, r, a, b);
        return r;
    case 5: /* sub */
    case 7: /* cmp */
        r = (a - b) & m;
        x86_cc_record(env, X86_CC_SUB, size, r, a, b);
        return op == 7 ? a : r;
    case 1:
        r = a | b;
        break;
    case 4:
        r = a & b;
        break;
    default:
        r = a ^ b;
        break;
    }
    x86_cc_record(env, X86_CC_LOGIC, size, r, 0, 0);
    return r;
}

/* The ModRM memory operand's offset (address-size masked) and its segment (inline: every
 * memory operand). */
static inline uint64_t x86_ea(const CPUX86State *env, const X86Insn *d)
{
    uint64_t ea = d->disp;

    if (d->base == X86_REG_RIP) {
        ea += env->rip; /* rip is already the next instruction's */
    } else if (d->base != X86_REG_NONE) {
        ea += env->regs[d->base];
    }
    if (d->index != X86_REG_NONE) {
        ea += env->regs[d->index] << d->scale;
    }
    return ea & x86_mask(d->addrsize);
}

static inline int x86_ea_seg(const X86Insn *d)
{
    if (d->seg >= 0) {
        return d->seg;
    }
    return d->base == R_ESP || d->base == R_EBP ? R_SS : R_DS;
}

/* ---- exec.c: operands ---- */
uint64_t x86_get_reg(CPUX86State *env, const X86Insn *d, int reg, int size);
void x86_set_reg(CPUX86State *env, const X86Insn *d, int reg, int size, uint64_t val);
/* The r/m operand, register or memory. */
int x86_rm_read(CPUX86State *env, const X86Insn *d, int size, uint64_t *val);
int x86_rm_write(CPUX86State *env, const X86Insn *d, int size, uint64_t val);
/*
 * The r/m operand of an instruction that writes it back (read-modify-write): a memory one
 * is first checked writable (x86_probe_write), so the store's fault is raised here, before
 * the handler changes a flag or a register; on hardware a faulting instruction changes
 * nothing. The x86_rm_write that follows cannot fault, but for what the page walk cannot
 * see ahead (a device refusing the write).
 */
int x86_rm_read_for_write(CPUX86State *env, const X86Insn *d, int size, uint64_t *val);
/* The same pair for a memory operand at seg:off (bts/btr/btc's register bit offset). */
int x86_mem_read_for_write(CPUX86State *env, int seg, uint64_t off, int size, uint64_t *val);
int x86_mem_write_back(CPUX86State *env, int seg, uint64_t off, int size, uint64_t val);
/*
 * A locked access of size bytes at seg:off (exec.c's comment): X86_EXCP_NONE with t->host the
 * host bytes to access atomically, or NULL for plain accesses (a device, ROM, a non-canonical
 * address, or running alone already); the store's fault; or X86_EXCP_RETRY when it splits a
 * cache line, to run again alone. After an atomic write, x86_locked_written(t, size).
 */
int x86_locked_target(CPUX86State *env, int seg, uint64_t off, int size, X86LockedTarget *t);
void x86_locked_written(const X86LockedTarget *t, int size);
/* cmpxchg8b (half 4) and cmpxchg16b (half 8) on the memory operand (exec-system.c). */
int x86_cmpxchg_pair(CPUX86State *env, const X86Insn *d, int half);
/*
 * Could size bytes at seg:off be stored? X86_EXCP_NONE, or the fault the store would raise:
 * #PF with W set, on the first page that refuses (both pages of an access across one).
 * A non-canonical address is left to the access (#GP/#SS). *host: the bytes, when they lie in
 * one RAM page without translated code (NULL otherwise). x86_probe_mem's, for a store.
 */
int x86_probe_write(CPUX86State *env, int seg, uint64_t off, int size, void **host);
/* Write rip, truncated to the operand size of the branch (16/32-bit code). */
void x86_jump(CPUX86State *env, uint64_t target, int opsize);

/* ---- exec-alu.c ---- */
int x86_exec_alu(CPUX86State *env, const X86Insn *d);
int x86_exec_grp1(CPUX86State *env, const X86Insn *d);
int x86_exec_test(CPUX86State *env, const X86Insn *d);
int x86_exec_incdec_r(CPUX86State *env, const X86Insn *d);
int x86_exec_grp4(CPUX86State *env, const X86Insn *d);
int x86_exec_shift(CPUX86State *env, const X86Insn *d);
/* shl/sal (op 4, 6), shr (5), sar (7) of a (masked to size) by c (1..63); flags lazily. */
uint64_t x86_shift(CPUX86State *env, int op, uint64_t a, unsigned c, int size);
int x86_exec_shld(CPUX86State *env, const X86Insn *d);
int x86_exec_shrd(CPUX86State *env, const X86Insn *d);
int x86_exec_grp3(CPUX86State *env, const X86Insn *d);
int x86_exec_imul2(CPUX86State *env, const X86Insn *d);
int x86_exec_imul3(CPUX86State *env, const X86Insn *d);
int x86_exec_bt(CPUX86State *env, const X86Insn *d);
int x86_exec_grp8(CPUX86State *env, const X86Insn *d);
int x86_exec_bsf(CPUX86State *env, const X86Insn *d);
int x86_exec_bsr(CPUX86State *env, const X86Insn *d);
int x86_exec_cmpxchg(CPUX86State *env, const X86Insn *d);
int x86_exec_xadd(CPUX86State *env, const X86Insn *d);
int x86_exec_inc_dec_rm(CPUX86State *env, const X86Insn *d, bool dec);

/* ---- exec-data.c: moves ---- */
int x86_exec_mov(CPUX86State *env, const X86Insn *d);
int x86_exec_mov_ri(CPUX86State *env, const X86Insn *d);
int x86_exec_mov_moffs(CPUX86State *env, const X86Insn *d);
int x86_exec_movzx(CPUX86State *env, const X86Insn *d);
int x86_exec_movsx(CPUX86State *env, const X86Insn *d);
int x86_exec_movsxd(CPUX86State *env, const X86Insn *d);
int x86_exec_lea(CPUX86State *env, const X86Insn *d);
int x86_exec_xchg(CPUX86State *env, const X86Insn *d);
int x86_exec_cbw(CPUX86State *env, const X86Insn *d);
int x86_exec_cwd(CPUX86State *env, const X86Insn *d);
int x86_exec_cmov(CPUX86State *env, const X86Insn *d);
int x86_exec_setcc(CPUX86State *env, const X86Insn *d);
int x86_exec_bswap(CPUX86State *env, const X86Insn *d);
int x86_exec_xlat(CPUX86State *env, const X86Insn *d);
int x86_exec_lahf(CPUX86State *env, const X86Insn *d);
int x86_exec_sahf(CPUX86State *env, const X86Insn *d);
int x86_exec_flagop(CPUX86State *env, const X86Insn *d);
int x86_exec_cmc(CPUX86State *env, const X86Insn *d);

/* ---- exec-ctrl.c: branches, stack, interrupts ---- */
int x86_exec_jcc(CPUX86State *env, const X86Insn *d);
int x86_exec_jmp(CPUX86State *env, const X86Insn *d);
int x86_exec_call(CPUX86State *env, const X86Insn *d);
int x86_exec_ret(CPUX86State *env, const X86Insn *d);
int x86_exec_loop(CPUX86State *env, const X86Insn *d);
int x86_exec_jmpf(CPUX86State *env, const X86Insn *d);
int x86_exec_callf(CPUX86State *env, const X86Insn *d);
int x86_exec_retf(CPUX86State *env, const X86Insn *d);
int x86_exec_grp5(CPUX86State *env, const X86Insn *d);
int x86_exec_push_r(CPUX86State *env, const X86Insn *d);
int x86_exec_pop_r(CPUX86State *env, const X86Insn *d);
int x86_exec_push_i(CPUX86State *env, const X86Insn *d);
int x86_exec_pop_ev(CPUX86State *env, const X86Insn *d);
int x86_exec_pusha(CPUX86State *env, const X86Insn *d);
int x86_exec_popa(CPUX86State *env, const X86Insn *d);
int x86_exec_pushf(CPUX86State *env, const X86Insn *d);
int x86_exec_popf(CPUX86State *env, const X86Insn *d);
int x86_exec_enter(CPUX86State *env, const X86Insn *d);
int x86_exec_leave(CPUX86State *env, const X86Insn *d);
int x86_exec_int(CPUX86State *env, const X86Insn *d);
int x86_exec_int3(CPUX86State *env, const X86Insn *d);
int x86_exec_into(CPUX86State *env, const X86Insn *d);
int x86_exec_iret(CPUX86State *env, const X86Insn *d);

/* ---- exec-string.c: string instructions and port I/O ---- */
int x86_exec_string(CPUX86State *env, const X86Insn *d);
int x86_exec_in(CPUX86State *env, const X86Insn *d);
int x86_exec_out(CPUX86State *env, const X86Insn *d);

/* ---- exec-system.c ---- */
int x86_exec_seg_push(CPUX86State *env, const X86Insn *d);
int x86_exec_seg_pop(CPUX86State *env, const X86Insn *d);
int x86_exec_mov_seg(CPUX86State *env, const X86Insn *d);
int x86_exec_lfp(CPUX86State *env, const X86Insn *d);
int x86_exec_grp6(CPUX86State *env, const X86Insn *d);
int x86_exec_grp7(CPUX86State *env, const X86Insn *d);
int x86_exec_mov_cr(CPUX86State *env, const X86Insn *d);
int x86_exec_mov_dr(CPUX86State *env, const X86Insn *d);
int x86_exec_rdmsr(CPUX86State *env, const X86Insn *d);
int x86_exec_wrmsr(CPUX86State *env, const X86Insn *d);
int x86_exec_rdtsc(CPUX86State *env, const X86Insn *d);
int x86_exec_cpuid(CPUX86State *env, const X86Insn *d);
int x86_exec_hlt(CPUX86State *env, const X86Insn *d);
int x86_exec_clts(CPUX86State *env, const X86Insn *d);
int x86_exec_nop(CPUX86State *env, const X86Insn *d);
int x86_exec_ud(CPUX86State *env, const X86Insn *d);
int x86_exec_grp9(CPUX86State *env, const X86Insn *d);
int x86_exec_grp15(CPUX86State *env, const X86Insn *d);
int x86_exec_syscall(CPUX86State *env, const X86Insn *d);
int x86_exec_sysret(CPUX86State *env, const X86Insn *d);
int x86_exec_sysenter(CPUX86State *env, const X86Insn *d);
int x86_exec_sysexit(CPUX86State *env, const X86Insn *d);
int x86_exec_lar_lsl(CPUX86State *env, const X86Insn *d);

/* ---- exec-x87.c, exec-sse*.c, fpu_helper.c ---- */
int x86_exec_x87(CPUX86State *env, const X86Insn *d);
int x86_exec_fwait(CPUX86State *env, const X86Insn *d);
int x86_exec_xcr(CPUX86State *env, const X86Insn *d);

/* seg_helper.c: the descriptor of sel from the GDT or LDT; #GP(sel) past the limit. */
int x86_read_desc(CPUX86State *env, uint16_t sel, uint32_t *lo, uint32_t *hi);

/* A privileged instruction at CPL > 0: #GP(0). */
static inline int x86_gp0(CPUX86State *env)
{
    env->error_code = 0;
    return EXCP0D_GPF;
}

#endif
