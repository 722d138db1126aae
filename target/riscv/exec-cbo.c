/*
 * Zicbom and Zicboz: the cache-block operations (RISC-V Base Cache Management
 * Operation ISA Extensions 1.0.1, chapters 2.5-2.6 and 3).
 *
 * Memory here has no cache between the harts and RAM, and devices see every
 * access, so cbo.clean/flush/inval change nothing; what remains is whether
 * the instruction may run (menvcfg/senvcfg CBIE, CBCFE, CBZE below M) and
 * whether the block may be accessed: a management operation is allowed when
 * a load or a store to it would be, and otherwise raises a *store* page fault
 * or store access fault. cbo.zero writes cboz_blocksize zero bytes at the
 * block's aligned start, as stores. The faulting address reported in tval is
 * the block's aligned start (QEMU does the same).
 */
#include "accel/tcg/cputlb.h"
#include "target/riscv/exec.h"

/* The envcfg field a cbo needs below M, from menvcfg (S) or both registers (U). */
static uint64_t cbo_envcfg(CPURISCVState *env, uint64_t mask)
{
    uint64_t m = env->menvcfg & mask, s = env->senvcfg & mask;

    return env->priv == PRV_U ? MIN(m, s) : m;
}

static bool cbo_allowed(CPURISCVState *env, int op)
{
    if (env->priv == PRV_M) {
        return true;
    }
    switch (op) {
    case OP_CBO_ZERO:
        return cbo_envcfg(env, MENVCFG_CBZE);
    case OP_CBO_INVAL:
        return cbo_envcfg(env, MENVCFG_CBIE);
    default:
        return cbo_envcfg(env, MENVCFG_CBCFE);
    }
}

/* Load or store permission on the block, else the store fault a CMO raises. */
static RISCVException cbo_probe(RISCVCPU *cpu, uint64_t block, uint64_t *tval)
{
    CPUState *cs = &cpu->parent_obj;
    int idx = riscv_cpu_mmu_index(&cpu->env, false);
    void *host;
    hwaddr pa;
    bool code;
    int ex = tlb_probe(cs, block, 1, MMU_DATA_LOAD, idx, &host, &pa, &code);

    if (ex == RISCV_EXCP_NONE) {
        return RISCV_EXCP_NONE;
    }
    ex = tlb_probe(cs, block, 1, MMU_DATA_STORE, idx, &host, &pa, &code);
    if (ex == RISCV_EXCP_NONE) {
        return RISCV_EXCP_NONE;
    }
    *tval = block;
    return ex == RISCV_EXCP_LOAD_PAGE_FAULT || ex == RISCV_EXCP_STORE_PAGE_FAULT
               ? RISCV_EXCP_STORE_PAGE_FAULT
               : RISCV_EXCP_STORE_AMO_ACCESS_FAULT;
}

/* The block lies in one page (blocksize <= 4096, aligned), so only the first store can
 * fault, and none of it is written then. */
static RISCVException cbo_zero(RISCVCPU *cpu, uint64_t block, uint64_t *tval)
{
    int idx = riscv_cpu_mmu_index(&cpu->env, false);

    for (uint32_t off = 0; off < cpu->cboz_blocksize; off += 8) {
        int ex = tlb_store_slow(&cpu->parent_obj, block + off, 8, idx, 0, tval);
        if (ex != RISCV_EXCP_NONE) {
            return ex;
        }
    }
    return RISCV_EXCP_NONE;
}

RISCVException riscv_exec_cbo(RISCVCPU *cpu, int op, uint64_t va, uint64_t *tval)
{
    if (!cbo_allowed(&cpu->env, op)) {
        return RISCV_EXCP_ILLEGAL_INST;
    }
    if (op == OP_CBO_ZERO) {
        return cbo_zero(cpu, va & ~(uint64_t)(cpu->cboz_blocksize - 1), tval);
    }
    return cbo_probe(cpu, va & ~(uint64_t)(cpu->cbom_blocksize - 1), tval);
}
