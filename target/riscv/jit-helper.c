/*
 * C helpers the RISC-V JIT code calls for what it does not emit inline
 * (include/target/riscv/jit.h): A, F/D computational and V instructions run
 * through the interpreter's own functions (exec-amo.c, exec-fp.c, vector.c),
 * so both engines share one implementation. A nonzero return means the helper left
 * a trap in cpu->tlb->jit_exc for the raise stub.
 */
#include "target/riscv/helper.h"
#include "target/riscv/jit.h"

_Static_assert(sizeof(InsnRecord) == 12, "jit_emit_rec_args passes a record in two registers");

void jit_emit_rec_args(X86Buf *b, const InsnRecord *r)
{
    uint64_t lo;
    uint32_t hi;

    memcpy(&lo, r, 8);
    memcpy(&hi, (const uint8_t *)r + 8, 4);
    x86_mov_ri(b, X86_RSI, lo);
    x86_mov_ri(b, X86_RDX, hi);
}

uint64_t jit_helper_amo(CPUState *cs, InsnRecord r)
{
    uint64_t tval;
    RISCVException ex = riscv_exec_amo(container_of(cs, RISCVCPU, parent_obj), &r, &tval);

    if (ex != RISCV_EXCP_NONE) {
        jit_set_trap(cs, ex, tval);
        return 1;
    }
    return 0;
}

uint64_t jit_helper_fp(CPUState *cs, InsnRecord r, uint32_t raw)
{
    CPURISCVState *env = &container_of(cs, RISCVCPU, parent_obj)->env;

    if (!(env->mstatus & MSTATUS_FS) || riscv_exec_fp(env, &r) != RISCV_EXCP_NONE) {
        jit_set_trap(cs, RISCV_EXCP_ILLEGAL_INST, raw);
        return 1;
    }
    return 0;
}

/*
 * A V record: riscv_exec_vector checks VS, marks it dirty, sets vl/vtype (vsetvl*) in env,
 * where the next record's call reads them, and on a fault mid-way leaves vstart at the
 * element to restart from; the trap is then taken at this record's pc, as the interpreter's.
 */
uint64_t jit_helper_vector(CPUState *cs, InsnRecord r, uint32_t raw)
{
    uint64_t tval = 0;
    RISCVException ex = riscv_exec_vector(container_of(cs, RISCVCPU, parent_obj), &r, &tval);

    if (ex == RISCV_EXCP_NONE) {
        return 0;
    }
    jit_set_trap(cs, ex, ex == RISCV_EXCP_ILLEGAL_INST ? raw : tval);
    return 1;
}

void riscv_helper_fence(void)
{
    riscv_fence_host();
}
