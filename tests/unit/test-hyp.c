/*
 * Unit tests for the H extension's hart state (target/riscv/csr-hyp.c,
 * cpu_helper.c): the swap of the supervisor registers on a change of V, trap
 * routing to M, HS and VS with the SPV/SPVP/MPV/GVA/htval/mtval2 bookkeeping,
 * virtual-instruction CSR rules, VS-level interrupts and the guest external
 * interrupt lines (hgeip/hgeie/VGEIN), which no board drives yet.
 * Spec: Volume II (privileged, 20211203) chapter 8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "hw/core/irq.h"
#include "target/riscv/cpu.h"
#include "test-csr-access.h"

/* Enter VS (or VU) as an mret with MPV would. */
static void enter_guest(int priv)
{
    env->priv = priv;
    riscv_cpu_set_virt(env, true);
}

static void test_s_registers_swap_with_v(void **state)
{
    csr_write(CSR_SSCRATCH, 0x1111);
    csr_write(CSR_VSSCRATCH, 0x2222);
    csr_write(CSR_SSTATUS, MSTATUS_SUM);
    csr_write(CSR_VSSTATUS, MSTATUS_MXR);
    enter_guest(PRV_S);
    assert_int_equal(csr_read(CSR_SSCRATCH), 0x2222);
    assert_int_equal(csr_read(CSR_SSTATUS) & (MSTATUS_SUM | MSTATUS_MXR), MSTATUS_MXR);
    csr_write(CSR_SSCRATCH, 0x3333);
    riscv_cpu_set_virt(env, false);
    env->priv = PRV_S;
    assert_int_equal(csr_read(CSR_SSCRATCH), 0x1111);
    assert_int_equal(csr_read(CSR_VSSCRATCH), 0x3333);
    assert_int_equal(csr_read(CSR_SSTATUS) & (MSTATUS_SUM | MSTATUS_MXR), MSTATUS_SUM);
}

static void test_guest_fp_dirty_reaches_hs(void **state)
{
    csr_write(CSR_MSTATUS, MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT);
    csr_write(CSR_VSSTATUS, MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT);
    enter_guest(PRV_S);
    riscv_mark_fs_dirty(env);
    riscv_cpu_set_virt(env, false);
    assert_int_equal(env->mstatus & MSTATUS_FS, MSTATUS_FS);
    assert_true(env->mstatus & MSTATUS_SD);
}

/* HS-level FS Off stops the guest's FP even with vsstatus.FS on; the guest still reads its FS. */
static void test_hs_fs_off_traps_guest_fp(void **state)
{
    csr_write(CSR_MSTATUS, 0); /* HS FS Off */
    csr_write(CSR_VSSTATUS, MSTATUS_FS_DIRTY << MSTATUS_FS_SHIFT);
    enter_guest(PRV_S);
    assert_false(riscv_fp_enabled(env));
    assert_int_equal(csr_read(CSR_SSTATUS) & (MSTATUS_FS | MSTATUS_SD), MSTATUS_FS | MSTATUS_SD);
    csr_write(CSR_SSTATUS, MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT);
    assert_false(riscv_fp_enabled(env));
    riscv_cpu_set_virt(env, false);
    env->priv = PRV_M;
    assert_int_equal(env->mstatus & MSTATUS_FS, 0);
    assert_int_equal(csr_read(CSR_VSSTATUS) & MSTATUS_FS, MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT);
    /* with HS FS on, the guest's FP runs */
    csr_write(CSR_MSTATUS, MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT);
    enter_guest(PRV_S);
    assert_true(riscv_fp_enabled(env));
}

static void test_csr_rules_in_guest(void **state)
{
    uint64_t val;

    enter_guest(PRV_S);
    assert_int_equal(riscv_csrrw(env, CSR_HSTATUS, &val, 0, 0), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    assert_int_equal(riscv_csrrw(env, CSR_VSATP, &val, 0, 0), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
    assert_int_equal(riscv_csrrw(env, CSR_MSTATUS, &val, 0, 0), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(riscv_csrrw(env, CSR_SSTATUS, &val, 0, 0), RISCV_EXCP_NONE);
    env->priv = PRV_U;
    assert_int_equal(riscv_csrrw(env, CSR_SSTATUS, &val, 0, 0), RISCV_EXCP_VIRT_INSTRUCTION_FAULT);
}

static void test_exception_routing(void **state)
{
    /* (mret to a lower mode needs an active PMP entry, as on QEMU 7.2) */
    csr_write(CSR_PMPADDR0, ~0ULL);
    csr_write(CSR_PMPCFG0, (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X);
    env->medeleg = 1ULL << RISCV_EXCP_LOAD_GUEST_ACCESS_FAULT | 1ULL << RISCV_EXCP_ILLEGAL_INST;
    env->hedeleg = 1ULL << RISCV_EXCP_ILLEGAL_INST;
    env->stvec = 0x1000;
    env->s_other.stvec = 0x2000; /* vstvec */
    enter_guest(PRV_S);
    env->pc = 0x80000000;
    /* hedeleg: to VS, V stays 1 */
    riscv_cpu_do_exception(env, RISCV_EXCP_ILLEGAL_INST, 0x12);
    assert_true(env->virt);
    assert_int_equal(env->pc, 0x2000);
    assert_int_equal(env->scause, RISCV_EXCP_ILLEGAL_INST);
    /* guest-page fault to HS: V = 0, SPV, SPVP, GVA, htval = GPA >> 2 */
    env->pc = 0x80000004;
    env->fault_gva = true;
    env->fault_gpa = 0x123450;
    riscv_cpu_do_exception(env, RISCV_EXCP_LOAD_GUEST_ACCESS_FAULT, 0x4000);
    assert_false(env->virt);
    assert_int_equal(env->priv, PRV_S);
    assert_int_equal(env->pc, 0x1000);
    assert_int_equal(env->stval, 0x4000);
    assert_int_equal(env->htval, 0x123450 >> 2);
    assert_int_equal(env->hstatus & (HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA),
                     HSTATUS_SPV | HSTATUS_SPVP | HSTATUS_GVA);
    assert_int_equal(env->s_other.sepc, 0x80000000); /* vsepc of the first trap */
    /* sret with SPV goes back into the guest, at HS's sepc */
    assert_int_equal(riscv_helper_sret(env), RISCV_EXCP_NONE);
    assert_true(env->virt);
    assert_int_equal(env->pc, 0x80000004);
    /* not delegated: to M with MPV and mtval2 */
    env->fault_gva = true;
    env->fault_gpa = 0x8000;
    riscv_cpu_do_exception(env, RISCV_EXCP_STORE_GUEST_AMO_ACCESS_FAULT, 0x5000);
    assert_false(env->virt);
    assert_int_equal(env->priv, PRV_M);
    assert_int_equal(env->mtval2, 0x2000);
    assert_true(env->mstatus & MSTATUS_MPV);
    assert_true(env->mstatus & MSTATUS_GVA);
    /* mret with MPV re-enters the guest */
    assert_int_equal(riscv_helper_mret(env), RISCV_EXCP_NONE);
    assert_true(env->virt);
    assert_false(env->mstatus & MSTATUS_MPV);
}

static void test_vs_interrupts(void **state)
{
    env->stvec = 0x1000;
    env->s_other.stvec = 0x2000;
    csr_write(CSR_HIDELEG, MIP_VSSIP);
    csr_write(CSR_MIE, MIP_VSSIP | MIP_VSTIP);
    csr_write(CSR_HVIP, MIP_VSSIP | MIP_VSTIP);
    /* V=0: VS-level interrupts wait for the guest */
    env->priv = PRV_S;
    env->mstatus |= MSTATUS_SIE;
    assert_int_equal(riscv_cpu_pending_interrupt(env), IRQ_VS_TIMER); /* not delegated: HS's */
    env->priv = PRV_M;
    csr_write(CSR_MIE, MIP_VSSIP);
    env->priv = PRV_S;
    assert_int_equal(riscv_cpu_pending_interrupt(env), -1);
    /* V=1 with vsstatus.SIE: taken in VS as a supervisor software interrupt */
    enter_guest(PRV_S);
    env->mstatus |= MSTATUS_SIE;
    env->pc = 0x80000000;
    assert_true(riscv_cpu_exec_interrupt(env));
    assert_true(env->virt);
    assert_int_equal(env->scause, CAUSE_INTERRUPT | IRQ_S_SOFT);
    assert_int_equal(env->pc, 0x2000);
}

static void test_guest_external_lines(void **state)
{
    IRQState *line2 = qdev_get_gpio_in(DEVICE(cpu), RISCV_CPU_GEI_LINE(2));

    /* GEILEN 0: the lines change nothing, hgeie and VGEIN stay zero */
    irq_raise(line2);
    assert_int_equal(csr_read(CSR_HGEIP), 0);
    csr_write(CSR_HGEIE, ~0ULL);
    assert_int_equal(csr_read(CSR_HGEIE), 0);
    riscv_cpu_set_geilen(cpu, 4);
    irq_raise(line2);
    assert_int_equal(csr_read(CSR_HGEIP), 1ULL << 2);
    csr_write(CSR_HGEIE, ~0ULL);
    assert_int_equal(csr_read(CSR_HGEIE), 0x1e); /* bits 1..GEILEN */
    assert_int_equal(csr_read(CSR_HIP) & MIP_SGEIP, MIP_SGEIP);
    /* VGEIN selects which line is the guest's VSEIP; 5 > GEILEN is not taken */
    csr_write(CSR_HSTATUS, 5ULL << HSTATUS_VGEIN_SHIFT);
    assert_int_equal(csr_read(CSR_HSTATUS) & HSTATUS_VGEIN, 0);
    assert_int_equal(csr_read(CSR_HIP) & MIP_VSEIP, 0);
    csr_write(CSR_HSTATUS, 2ULL << HSTATUS_VGEIN_SHIFT);
    assert_int_equal(csr_read(CSR_HIP) & MIP_VSEIP, MIP_VSEIP);
    irq_lower(line2);
    assert_int_equal(csr_read(CSR_HIP) & (MIP_VSEIP | MIP_SGEIP), 0);
}

static void test_h_off(void **state)
{
    uint64_t val;

    assert_true(object_property_parse(OBJECT(cpu), "h", "false", NULL));
    riscv_cpu_reset(cpu);
    assert_int_equal(riscv_csrrw(env, CSR_HSTATUS, &val, 0, 0), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(env->misa & (1ULL << ('H' - 'A')), 0);
    assert_int_equal(csr_read(CSR_MIDELEG), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, hart_setup, hart_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_s_registers_swap_with_v),  T(test_guest_fp_dirty_reaches_hs),
        T(test_hs_fs_off_traps_guest_fp), T(test_csr_rules_in_guest),
        T(test_exception_routing),        T(test_vs_interrupts),
        T(test_guest_external_lines),     T(test_h_off),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
