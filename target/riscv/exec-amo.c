/*
 * The A extension: LR/SC and AMOs (Unprivileged ISA 20191213, chapter 8).
 *
 * On RAM every operation is one host atomic on the host address, so it stays
 * correct when several harts run in parallel (docs/memory-model.md maps
 * RVWMO onto the host's x86-64 TSO): an AMO is a compare-and-swap loop, a
 * locked instruction and so a full host barrier, which gives every .aq/.rl
 * combination. SC is a compare-and-swap against the value LR saw; LR is a
 * plain load, preceded by a full barrier when it has .rl (LR.aqrl must not
 * pass earlier stores, which TSO lets a load do). On MMIO the
 * read-modify-write is done under the BQL. Alignment: AMOs and SC must be
 * naturally aligned (store/AMO address-misaligned), LR too (load
 * address-misaligned); SC checks its reservation first and fails without
 * touching memory when it has none, as QEMU does.
 *
 * Why a value-compared SC is a valid reservation (section 8.2 lets an SC
 * succeed only if no store from another hart to the reservation set "can be
 * observed to have occurred" between LR and SC): if another hart stored to
 * the location and the value is the same again at the SC (ABA), take the
 * LR to have read that last store instead -- same value, so same register
 * result -- placed in the global memory order just before the SC. Inside a
 * constrained LR/SC loop (8.3: no loads, stores or other memory accesses in
 * between) nothing else this hart did can tell the two executions apart, so
 * SC succeeding is an outcome the reservation semantics allow. Only an
 * unconstrained sequence that loads a flag written after the ABA stores could
 * notice; the spec promises such sequences nothing about progress, Linux and
 * OpenSBI never write them, and QEMU makes the same choice. A store-counter
 * scheme would instead cost every fast-path store an atomic.
 */
#include "accel/tcg/cputlb.h"
#include "accel/tcg/tb.h"
#include "target/riscv/exec.h"
#include "util/main-loop.h"

/* The aq/rl bits translate.c keeps in the record's rm field. */
#define AQRL_RL 1

/* Position of an operation in the LR..AMOMAXU order shared by the .W and .D lists. */
enum {
    AMO_LR,
    AMO_SC,
    AMO_SWAP,
    AMO_ADD,
    AMO_XOR,
    AMO_AND,
    AMO_OR,
    AMO_MIN,
    AMO_MAX,
    AMO_MINU,
    AMO_MAXU
};

static uint64_t amo_compute(int kind, uint64_t old, uint64_t src, bool dw)
{
    int64_t so = dw ? (int64_t)old : (int32_t)old, ss = dw ? (int64_t)src : (int32_t)src;
    uint64_t uo = dw ? old : (uint32_t)old, us = dw ? src : (uint32_t)src;

    switch (kind) {
    case AMO_SWAP:
        return src;
    case AMO_ADD:
        return old + src;
    case AMO_XOR:
        return old ^ src;
    case AMO_AND:
        return old & src;
    case AMO_OR:
        return old | src;
    case AMO_MIN:
        return so < ss ? old : src;
    case AMO_MAX:
        return so > ss ? old : src;
    case AMO_MINU:
        return uo < us ? old : src;
    default:
        return uo > us ? old : src;
    }
}

/* The value a .W result writes into rd: the 32-bit value sign-extended. */
static uint64_t amo_result(uint64_t v, bool dw)
{
    return dw ? v : (uint64_t)(int64_t)(int32_t)v;
}

static void set_rd(CPURISCVState *env, int rd, uint64_t v)
{
    env->gpr[rd] = v;
    env->gpr[0] = 0;
}

/* Host atomic compare-and-swap of a 4- or 8-byte value; *expected gets the current value. */
static bool host_cas(void *host, uint64_t *expected, uint64_t desired, bool dw)
{
    if (dw) {
        return __atomic_compare_exchange_n((uint64_t *)host, expected, desired, false,
                                           __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    uint32_t e32 = *expected;
    bool ok = __atomic_compare_exchange_n((uint32_t *)host, &e32, (uint32_t)desired, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    *expected = e32;
    return ok;
}

static uint64_t host_load(void *host, bool dw)
{
    return dw ? __atomic_load_n((uint64_t *)host, __ATOMIC_SEQ_CST)
              : __atomic_load_n((uint32_t *)host, __ATOMIC_SEQ_CST);
}

static RISCVException do_lr(RISCVCPU *cpu, const InsnRecord *r, uint64_t va, bool dw)
{
    CPURISCVState *env = &cpu->env;
    unsigned size = dw ? 8 : 4;
    void *host;
    hwaddr pa;
    uint64_t v = 0;
    bool code;
    RISCVException ex;

    if (va & (size - 1)) {
        return RISCV_EXCP_LOAD_ADDR_MIS;
    }
    ex = tlb_probe(&cpu->parent_obj, va, size, MMU_DATA_LOAD, cpu->tlb.data_mmu_idx, &host, &pa,
                   &code);
    if (ex != RISCV_EXCP_NONE) {
        return ex;
    }
    if (r->aux & AQRL_RL) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST); /* earlier stores before this load */
    }
    if (host) {
        v = host_load(host, dw);
    } else if (tlb_mmio_load(pa, size, &v) != MEMTX_OK) {
        return RISCV_EXCP_LOAD_ACCESS_FAULT;
    }
    env->load_res = va;
    env->load_val = v;
    set_rd(env, r->rd, amo_result(v, dw));
    return RISCV_EXCP_NONE;
}

/* SC on MMIO: compare and store under the BQL (devices only change under it). */
static MemTxResult mmio_sc(hwaddr pa, unsigned size, uint64_t expected, uint64_t v, bool *ok)
{
    uint64_t cur = 0;
    MemTxResult res;
    BQL_LOCK_GUARD();

    res = address_space_load(address_space_memory(), pa, size, &cur);
    *ok = res == MEMTX_OK && cur == expected;
    if (*ok) {
        res = address_space_store(address_space_memory(), pa, size, v);
    }
    return res;
}

static RISCVException do_sc(RISCVCPU *cpu, const InsnRecord *r, uint64_t va, bool dw)
{
    CPURISCVState *env = &cpu->env;
    unsigned size = dw ? 8 : 4;
    uint64_t expected = env->load_val;
    bool reserved = env->load_res == va, ok, code;
    void *host;
    hwaddr pa;
    RISCVException ex;

    env->load_res = ~0ULL;
    if (!reserved) {
        set_rd(env, r->rd, 1);
        return RISCV_EXCP_NONE;
    }
    if (va & (size - 1)) {
        return RISCV_EXCP_STORE_AMO_ADDR_MIS;
    }
    ex = tlb_probe(&cpu->parent_obj, va, size, MMU_DATA_STORE, cpu->tlb.data_mmu_idx, &host, &pa,
                   &code);
    if (ex != RISCV_EXCP_NONE) {
        return ex;
    }
    if (host) {
        ok = host_cas(host, &expected, env->gpr[r->rs2], dw);
        if (ok && code) {
            tb_invalidate_phys_range(pa, size);
        }
    } else if (mmio_sc(pa, size, expected, env->gpr[r->rs2], &ok) != MEMTX_OK) {
        return RISCV_EXCP_STORE_AMO_ACCESS_FAULT;
    }
    set_rd(env, r->rd, !ok);
    return RISCV_EXCP_NONE;
}

static MemTxResult mmio_amo(hwaddr pa, int kind, uint64_t src, bool dw, uint64_t *old)
{
    unsigned size = dw ? 8 : 4;
    MemTxResult res;
    BQL_LOCK_GUARD();

    *old = 0;
    res = address_space_load(address_space_memory(), pa, size, old);
    if (res == MEMTX_OK) {
        res =
            address_space_store(address_space_memory(), pa, size, amo_compute(kind, *old, src, dw));
    }
    return res;
}

static RISCVException do_amo(RISCVCPU *cpu, const InsnRecord *r, int kind, uint64_t va, bool dw)
{
    CPURISCVState *env = &cpu->env;
    unsigned size = dw ? 8 : 4;
    uint64_t src = env->gpr[r->rs2], old;
    void *host;
    hwaddr pa;
    bool code;
    RISCVException ex;

    if (va & (size - 1)) {
        return RISCV_EXCP_STORE_AMO_ADDR_MIS;
    }
    ex = tlb_probe(&cpu->parent_obj, va, size, MMU_DATA_STORE, cpu->tlb.data_mmu_idx, &host, &pa,
                   &code);
    if (ex != RISCV_EXCP_NONE) {
        return ex;
    }
    if (host) {
        old = host_load(host, dw);
        while (!host_cas(host, &old, amo_compute(kind, old, src, dw), dw)) {
            /* old now holds the current value: retry with it */
        }
        if (code) {
            tb_invalidate_phys_range(pa, size); /* written first: see accel/tcg/tb-maint.c */
        }
    } else if (mmio_amo(pa, kind, src, dw, &old) != MEMTX_OK) {
        return RISCV_EXCP_STORE_AMO_ACCESS_FAULT;
    }
    set_rd(env, r->rd, amo_result(old, dw));
    return RISCV_EXCP_NONE;
}

RISCVException riscv_exec_amo(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval)
{
    RISCVOp op = r->op;
    bool dw = op >= OP_LR_D;
    int kind = op - (dw ? OP_LR_D : OP_LR_W);
    uint64_t va = cpu->env.gpr[r->rs1];

    *tval = va;
    switch (kind) {
    case AMO_LR:
        return do_lr(cpu, r, va, dw);
    case AMO_SC:
        return do_sc(cpu, r, va, dw);
    default:
        return do_amo(cpu, r, kind, va, dw);
    }
}
