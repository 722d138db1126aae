/*
 * The x86 JIT's forms that need no handler at all (jit-translate.c dispatches them): the
 * no-ops (nop, nop Ev and the hint nops of 0f 18..1f, prefetchw, xchg eax, eax and the
 * register forms of 0f ae: lfence, mfence, sfence) emit nothing, and jmp rel sets rip.
 * Census of the handler calls from JIT code over one x86boot boot to the init marker (a
 * counter per form): jmp rel32 30.8 M and rel8 25.0 M (the decompressor's loops), nop Ev
 * 20.7 M, lfence 5.1 M, 66 90 0.7 M, 90 0.25 M; each was a call, a reload of the register
 * cache and a check of rip after it. Measured with jit-mem.c's test [m], imm and inc/dec
 * [m] (scripts/bench x86boot, CPU seconds to "Linux version" / the init marker, medians of
 * 3 runs alternately, load 3-7): 5.50 / 10.71 before, 5.37 / 10.75 after; of 5 more pairs:
 * 5.70 / 11.54 before, 5.57 / 11.51 after. What is left of the calls is mostly rdtsc and
 * pause in the kernel's delay loops, whose CPU time is their wall time whatever they cost.
 */
#include "tb-info.h"

#include "accel/tcg/jit-internal.h"

#define ENV_FIELD(f) x86_mem(JIT_ENV, (int32_t)offsetof(CPUX86State, f) - JIT_ENV_BIAS)

bool x86_jit_nop_form(const X86Insn *d)
{
    X86ExecFn fn;

    if (x86_ends_block(d)) {
        return false; /* wbinvd: the block's end reads the rip its handler's call stores */
    }
    fn = x86_insn_handler(d); /* what the interpreter runs: pause, #UD have their own */
    if (fn == x86_exec_xchg && d->map == 0 && d->opc == 0x90 && !(d->rex & 1)) {
        return true; /* xchg eax, eax (any size: no upper half cleared) */
    }
    if (fn == x86_exec_grp15 && !d->mem && (d->reg & 7) >= 5) {
        return true; /* the fences: one vCPU's accesses are in order already */
    }
    return fn == x86_exec_nop; /* nop Ev and the hints touch no memory */
}

bool x86_jit_gen_jmp(X86Buf *b, const X86Insn *d, unsigned next)
{
    int64_t off = (int64_t)next + d->imm;

    if (d->op != OP_JMP || d->opsize != 8 || off != (int32_t)off) {
        return false;
    }
    x86_lea(b, X86_RAX, x86_mem(JIT_PC, (int32_t)off)); /* x86_exec_jmp: no wrap in 64-bit */
    x86_mov_mr(b, true, ENV_FIELD(rip), X86_RAX);
    return true;
}
