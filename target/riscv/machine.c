/*
 * The RISC-V hart's machine state for savevm/loadvm (include/migration/vmstate.h):
 * every architectural register (integer, FP, the CSR state the hart keeps,
 * privilege level and V, the H extension's CSRs, the LR reservation) and whether it sleeps in WFI.
 * What is derived is recomputed after loading: the Sstc timer from stimecmp and the restored time,
 * the Sscofpmf overflow timer from the armed counters, the TLB from satp and PMP (the loader
 * flushes it). Configuration (misa switches, hartid, resetvec) comes from the command line, which
 * must match; misa and mhartid are saved anyway, as the guest sees them.
 */
#include <inttypes.h>

#include "migration/vmstate.h"
#include "target/riscv/cpu.h"

static bool riscv_cpu_post_load(void *opaque, int version_id, Error **errp)
{
    RISCVCPU *cpu = opaque;

    if (cpu->env.priv != PRV_U && cpu->env.priv != PRV_S && cpu->env.priv != PRV_M) {
        error_setg(errp, "VM state of hart %u has privilege level %" PRIu64 ", which is invalid",
                   cpu->hartid, cpu->env.priv);
        return false;
    }
    if (!riscv_vector_state_valid(cpu)) {
        error_setg(errp,
                   "VM state of hart %u has a vector configuration (vtype 0x%" PRIx64
                   ", vl %" PRIu64 ", vstart %" PRIu64 ") this hart cannot hold",
                   cpu->hartid, cpu->env.vtype, cpu->env.vl, cpu->env.vstart);
        return false;
    }
    riscv_vtlb_reset(&cpu->env); /* the slots' tags are not in the stream */
    riscv_sstc_update(&cpu->env);
    riscv_vstc_update(&cpu->env);
    riscv_pmu_check(&cpu->env); /* re-arms the Sscofpmf overflow timer */
    return true;
}

const VMStateDescription vmstate_riscv_cpu = {
    .name = "riscv-cpu",
    .version_id = 4,
    .minimum_version_id = 2,
    .post_load = riscv_cpu_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT64_ARRAY(env.gpr, RISCVCPU, 32),
            VMSTATE_UINT64(env.pc, RISCVCPU),
            VMSTATE_UINT64_ARRAY(env.fpr, RISCVCPU, 32),
            VMSTATE_UINT64(env.priv, RISCVCPU),
            VMSTATE_UINT64(env.instret, RISCVCPU),
            VMSTATE_UINT64(env.mstatus, RISCVCPU),
            VMSTATE_UINT32(env.frm, RISCVCPU),
            VMSTATE_UINT32(env.fflags, RISCVCPU),
            VMSTATE_UINT64(env.load_res, RISCVCPU),
            VMSTATE_UINT64(env.load_val, RISCVCPU),
            VMSTATE_UINT64(env.mip, RISCVCPU),
            VMSTATE_UINT64(env.mie, RISCVCPU),
            VMSTATE_UINT64(env.misa, RISCVCPU),
            VMSTATE_UINT64(env.mhartid, RISCVCPU),
            VMSTATE_UINT64(env.medeleg, RISCVCPU),
            VMSTATE_UINT64(env.mideleg, RISCVCPU),
            VMSTATE_UINT64(env.mtvec, RISCVCPU),
            VMSTATE_UINT64(env.mscratch, RISCVCPU),
            VMSTATE_UINT64(env.mepc, RISCVCPU),
            VMSTATE_UINT64(env.mcause, RISCVCPU),
            VMSTATE_UINT64(env.mtval, RISCVCPU),
            VMSTATE_UINT64(env.stvec, RISCVCPU),
            VMSTATE_UINT64(env.sscratch, RISCVCPU),
            VMSTATE_UINT64(env.sepc, RISCVCPU),
            VMSTATE_UINT64(env.scause, RISCVCPU),
            VMSTATE_UINT64(env.stval, RISCVCPU),
            VMSTATE_UINT64(env.satp, RISCVCPU),
            VMSTATE_UINT64(env.mcounteren, RISCVCPU),
            VMSTATE_UINT64(env.scounteren, RISCVCPU),
            VMSTATE_UINT64(env.mcountinhibit, RISCVCPU),
            VMSTATE_UINT64(env.menvcfg, RISCVCPU),
            VMSTATE_UINT64(env.senvcfg, RISCVCPU),
            VMSTATE_UINT64(env.stimecmp, RISCVCPU),
            VMSTATE_UINT64(env.mcycle_offset, RISCVCPU),
            VMSTATE_UINT64(env.minstret_offset, RISCVCPU),
            VMSTATE_UINT64(env.mseccfg, RISCVCPU),
            VMSTATE_UINT64_ARRAY(env.mhpmcounter, RISCVCPU, RISCV_HPM_COUNTERS),
            VMSTATE_UINT64_ARRAY(env.mhpmevent, RISCVCPU, RISCV_HPM_COUNTERS),
            VMSTATE_UINT32(env.pmu_events, RISCVCPU),
            VMSTATE_UINT32(env.pmu_counting, RISCVCPU),
            VMSTATE_UINT32(env.pmu_armed, RISCVCPU),
            VMSTATE_UINT64_ARRAY(env.pmu_wrap, RISCVCPU, RISCV_HPM_COUNTERS),
            VMSTATE_UINT64_ARRAY(env.mstateen, RISCVCPU, 4),
            VMSTATE_UINT64_ARRAY(env.sstateen, RISCVCPU, 4),
            VMSTATE_UINT8_ARRAY(env.pmpcfg, RISCVCPU, RISCV_PMP_ENTRIES),
            VMSTATE_UINT64_ARRAY(env.pmpaddr, RISCVCPU, RISCV_PMP_ENTRIES),
            /* H extension: V, the other side's supervisor state, the hypervisor CSRs */
            VMSTATE_BOOL(env.virt, RISCVCPU),
            VMSTATE_BOOL(env.fs_masked, RISCVCPU),
            VMSTATE_UINT64(env.guest_fs, RISCVCPU),
            VMSTATE_UINT64(env.s_other.status, RISCVCPU),
            VMSTATE_UINT64(env.s_other.stvec, RISCVCPU),
            VMSTATE_UINT64(env.s_other.sscratch, RISCVCPU),
            VMSTATE_UINT64(env.s_other.sepc, RISCVCPU),
            VMSTATE_UINT64(env.s_other.scause, RISCVCPU),
            VMSTATE_UINT64(env.s_other.stval, RISCVCPU),
            VMSTATE_UINT64(env.s_other.satp, RISCVCPU),
            VMSTATE_UINT64(env.hstatus, RISCVCPU),
            VMSTATE_UINT64(env.hedeleg, RISCVCPU),
            VMSTATE_UINT64(env.hideleg, RISCVCPU),
            VMSTATE_UINT64(env.hcounteren, RISCVCPU),
            VMSTATE_UINT64(env.hgeie, RISCVCPU),
            VMSTATE_UINT64(env.hgeip, RISCVCPU),
            VMSTATE_UINT64(env.htval, RISCVCPU),
            VMSTATE_UINT64(env.htinst, RISCVCPU),
            VMSTATE_UINT64(env.hgatp, RISCVCPU),
            VMSTATE_UINT64(env.henvcfg, RISCVCPU),
            VMSTATE_UINT64(env.htimedelta, RISCVCPU),
            VMSTATE_UINT64(env.vstimecmp, RISCVCPU),
            VMSTATE_UINT64(env.mtval2, RISCVCPU),
            VMSTATE_UINT64(env.mtinst, RISCVCPU),
            VMSTATE_UINT64(env.vstart, RISCVCPU),
            VMSTATE_UINT64(env.vl, RISCVCPU),
            VMSTATE_UINT64(env.vtype, RISCVCPU),
            VMSTATE_UINT32(env.vxrm, RISCVCPU),
            VMSTATE_UINT32(env.vxsat, RISCVCPU),
            VMSTATE_BOOL(env.vill, RISCVCPU),
            VMSTATE_UINT8_ARRAY(env.vreg, RISCVCPU, 32 * RISCV_VLENB_MAX),
            VMSTATE_BOOL(parent_obj.halted, RISCVCPU),
            /* version 3: the AIA CSRs' selectors and hvictl */
            VMSTATE_UINT64_V(env.miselect, RISCVCPU, 3),
            VMSTATE_UINT64_V(env.siselect, RISCVCPU, 3),
            VMSTATE_UINT64_V(env.vsiselect, RISCVCPU, 3),
            VMSTATE_UINT64_V(env.hvictl, RISCVCPU, 3),
            /* version 4: hstateen */
            VMSTATE_UINT64_ARRAY_V(env.hstateen, RISCVCPU, 4, 4),
            VMSTATE_END_OF_LIST(),
        },
};
