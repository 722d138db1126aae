/*
 * The hypervisor virtual-machine loads and stores (Privileged ISA 20211203,
 * 8.3.1 "Hypervisor Virtual-Machine Load and Store Instructions"): hlv.b/bu/h/
 * hu/w/wu/d, hlvx.hu/wu and hsv.b/h/w/d access memory as VS or VU mode would
 * (hstatus.SPVP picks which) through both translation stages, from HS, M, or
 * U with hstatus.HU. They use the contexts MMU_IDX_HLV (hlv, hsv) and
 * MMU_IDX_HLVX (hlvx: the page must be executable, not readable), which the
 * page walker never lets the TLB cache, so a change of SPVP needs no flush.
 * A fault reports the guest virtual address with GVA set, as V=1 accesses do.
 */
#include "accel/tcg/cputlb.h"
#include "target/riscv/exec.h"

/* Size in bytes and signedness of each load; the stores follow in size order. */
static const struct {
    uint8_t size;
    bool sign;
    bool hlvx;
} hyp_loads[] = {
    [OP_HLV_B - OP_HLV_B] = {1, true, false},   [OP_HLV_BU - OP_HLV_B] = {1, false, false},
    [OP_HLV_H - OP_HLV_B] = {2, true, false},   [OP_HLV_HU - OP_HLV_B] = {2, false, false},
    [OP_HLVX_HU - OP_HLV_B] = {2, false, true}, [OP_HLV_W - OP_HLV_B] = {4, true, false},
    [OP_HLV_WU - OP_HLV_B] = {4, false, false}, [OP_HLVX_WU - OP_HLV_B] = {4, false, true},
    [OP_HLV_D - OP_HLV_B] = {8, true, false},
};

RISCVException riscv_exec_hyp(RISCVCPU *cpu, const InsnRecord *r, uint64_t *tval)
{
    CPURISCVState *env = &cpu->env;
    CPUState *cs = &cpu->parent_obj;
    uint64_t va = env->gpr[r->rs1];
    RISCVException ex = riscv_helper_hlsv_check(env);
    uint64_t val;

    if (ex != RISCV_EXCP_NONE) {
        return ex;
    }
    if (r->op >= OP_HSV_B) {
        unsigned size = 1u << (r->op - OP_HSV_B);
        return tlb_store_slow(cs, va, size, MMU_IDX_HLV, env->gpr[r->rs2], tval);
    }
    unsigned idx = r->op - OP_HLV_B;
    unsigned size = hyp_loads[idx].size;
    ex = tlb_load_slow(cs, va, size, hyp_loads[idx].hlvx ? MMU_IDX_HLVX : MMU_IDX_HLV, &val, tval);
    if (ex != RISCV_EXCP_NONE) {
        return ex;
    }
    if (hyp_loads[idx].sign && size < 8) {
        val = sextract64(val, 0, size * 8);
    }
    if (r->rd) {
        env->gpr[r->rd] = val;
    }
    return RISCV_EXCP_NONE;
}
