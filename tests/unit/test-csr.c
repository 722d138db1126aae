/*
 * Unit tests for the RISC-V privileged state (target/riscv/csr.c, cpu.c,
 * cpu_helper.c): reset values, CSR access rules and WARL fields, counter
 * gating, fcsr and FS, PMP CSRs, Sstc, then trap entry, delegation,
 * interrupt priority, xRET, WFI and SFENCE.VMA rules.
 * Spec: Volume II (privileged, 20211203) chapters 2-4, Sstc.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "target/riscv/cpu.h"
#include "test-csr-access.h"
#include "util/timer.h"

static uint64_t fake_time;

static uint64_t read_fake_time(void *opaque)
{
    return *(uint64_t *)opaque;
}

/* csrrw: old value, or UINT64_MAX if the access raised an exception. */
static uint64_t csr_rw(int csrno, uint64_t val)
{
    uint64_t old;
    return riscv_csrrw(env, csrno, &old, val, ~0ULL) == RISCV_EXCP_NONE ? old : UINT64_MAX;
}

static RISCVException csr_try_read(int csrno)
{
    uint64_t val;
    return riscv_csrrw(env, csrno, &val, 0, 0);
}

/* ---- reset and identification ---- */

static void test_reset_values(void **state)
{
    assert_int_equal(env->pc, 0x1000);
    assert_int_equal(env->priv, PRV_M);
    /* As QEMU 7.2's `info registers` at reset: SXL = UXL = 2, FS off. */
    assert_int_equal(env->mstatus, 0xa00000000ULL);
    assert_int_equal(env->load_res, (uint64_t)-1);
    assert_int_equal(env->mip, 0);
    assert_int_equal(env->mie, 0);
    assert_int_equal(csr_read(CSR_MISA), 0x80000000001411adULL); /* rv64imafdchsu */
    assert_int_equal(csr_read(CSR_MVENDORID), 0);
    assert_int_equal(csr_read(CSR_PMPCFG0), 0);
    assert_string_equal(riscv_isa_string(cpu),
                        "rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc");
}

static void test_properties(void **state)
{
    assert_true(object_property_parse(OBJECT(cpu), "hartid", "3", NULL));
    assert_true(object_property_parse(OBJECT(cpu), "resetvec", "0x80000000", NULL));
    riscv_cpu_reset(cpu);
    assert_int_equal(csr_read(CSR_MHARTID), 3);
    assert_int_equal(env->pc, 0x80000000);
}

static void test_misa_write_ignored(void **state)
{
    uint64_t misa = csr_read(CSR_MISA);
    csr_write(CSR_MISA, 0);
    assert_int_equal(csr_read(CSR_MISA), misa);
}

/* ---- access rules ---- */

static void test_privilege_and_read_only(void **state)
{
    env->priv = PRV_S;
    assert_int_equal(csr_try_read(CSR_MSTATUS), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(csr_try_read(CSR_SSTATUS), RISCV_EXCP_NONE);
    env->priv = PRV_U;
    assert_int_equal(csr_try_read(CSR_SSTATUS), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_M;
    /* Read-only CSRs: reading (write_mask 0) is fine, any write traps. */
    assert_int_equal(csr_try_read(CSR_MHARTID), RISCV_EXCP_NONE);
    assert_int_equal(riscv_csrrw(env, CSR_MHARTID, NULL, 0, 1), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(riscv_csrrw(env, CSR_CYCLE, NULL, 0, ~0ULL), RISCV_EXCP_ILLEGAL_INST);
    /* Unknown, odd pmpcfg on RV64: no such CSR (hstatus exists: H is on, as on QEMU 7.2). */
    assert_int_equal(csr_try_read(0x7c0), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(csr_try_read(CSR_HSTATUS), RISCV_EXCP_NONE);
    assert_int_equal(csr_try_read(CSR_PMPCFG0 + 1), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(csr_try_read(CSR_PMPCFG0 + 15), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(csr_try_read(CSR_PMPCFG0 + 14), RISCV_EXCP_NONE);
    assert_null(riscv_csr_name(CSR_PMPCFG0 + 3));
    assert_string_equal(riscv_csr_name(CSR_PMPADDR0 + 63), "pmpaddr63");
    assert_string_equal(riscv_csr_name(CSR_HPMCOUNTER3), "hpmcounter3");
}

static void test_mstatus_warl(void **state)
{
    csr_write(CSR_MSTATUS, ~0ULL);
    /* UXL/SXL fixed at 64-bit, FS dirty makes SD, no XS/VS/UBE/MBE. */
    uint64_t expect = MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |
                      MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |
                      MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR | 0xa00000000ULL | MSTATUS_SD |
                      MSTATUS_MPV | MSTATUS_GVA;
    assert_int_equal(csr_read(CSR_MSTATUS), expect);
    /* MPP = 2 is reserved: the field keeps its value. */
    csr_write(CSR_MSTATUS, 2ULL << MSTATUS_MPP_SHIFT);
    assert_int_equal(csr_read(CSR_MSTATUS) & MSTATUS_MPP, MSTATUS_MPP);
    csr_write(CSR_MSTATUS, 1ULL << MSTATUS_MPP_SHIFT);
    assert_int_equal(csr_read(CSR_MSTATUS), (1ULL << MSTATUS_MPP_SHIFT) | 0xa00000000ULL);
}

static void test_sstatus_view(void **state)
{
    csr_write(CSR_MSTATUS, MSTATUS_MIE | MSTATUS_MPP | MSTATUS_TVM);
    env->priv = PRV_S;
    assert_int_equal(csr_read(CSR_SSTATUS), 0x200000000ULL); /* only UXL shows */
    csr_write(CSR_SSTATUS, ~0ULL);
    env->priv = PRV_M;
    uint64_t s = csr_read(CSR_MSTATUS);
    assert_true(s & MSTATUS_MIE);
    assert_true(s & MSTATUS_TVM);
    assert_true(s & MSTATUS_SIE);
    assert_true(s & MSTATUS_SUM);
    assert_true(s & MSTATUS_SD);
    assert_false(s & MSTATUS_TSR); /* not reachable through sstatus */
}

static void test_satp_warl_and_tvm(void **state)
{
    uint64_t sv39 = (8ULL << 60) | (0x1234ULL << 44) | 0x80000;
    csr_write(CSR_SATP, sv39);
    assert_int_equal(csr_read(CSR_SATP), sv39);
    csr_write(CSR_SATP, (1ULL << 60) | 5); /* Sv32 mode on RV64: the write has no effect */
    assert_int_equal(csr_read(CSR_SATP), sv39);
    csr_write(CSR_SATP, 10ULL << 60); /* Sv57 */
    assert_int_equal(csr_read(CSR_SATP), 10ULL << 60);
    env->priv = PRV_S;
    assert_int_equal(csr_try_read(CSR_SATP), RISCV_EXCP_NONE);
    env->mstatus |= MSTATUS_TVM;
    assert_int_equal(csr_try_read(CSR_SATP), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(riscv_helper_sfence_vma(env, 0, true, true), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_M;
    assert_int_equal(csr_try_read(CSR_SATP), RISCV_EXCP_NONE);
}

static void test_tvec_modes(void **state)
{
    csr_write(CSR_MTVEC, 0x80000001);
    assert_int_equal(csr_read(CSR_MTVEC), 0x80000001);
    csr_write(CSR_MTVEC, 0x90000002); /* reserved mode: ignored */
    assert_int_equal(csr_read(CSR_MTVEC), 0x80000001);
    csr_write(CSR_STVEC, 0x80200000);
    assert_int_equal(csr_read(CSR_STVEC), 0x80200000);
    csr_write(CSR_MEPC, 0x80000003);
    assert_int_equal(csr_read(CSR_MEPC), 0x80000002);
}

static void test_delegation_masks(void **state)
{
    csr_write(CSR_MEDELEG, ~0ULL);
    /* no M-ecall, no reserved causes; H adds VS-ecall and 20..23 */
    assert_int_equal(csr_read(CSR_MEDELEG), 0xf0b7ff);
    csr_write(CSR_MIDELEG, ~0ULL);
    assert_int_equal(csr_read(CSR_MIDELEG), 0x1666); /* VS bits and SGEI read-only one */
    csr_write(CSR_MIE, ~0ULL);
    assert_int_equal(csr_read(CSR_MIE), 0x1eee);
    env->priv = PRV_S;
    assert_int_equal(csr_read(CSR_SIE), 0x222);
}

static void test_mip_writable_bits(void **state)
{
    csr_write(CSR_MIP, ~0ULL);
    /* MTIP/MSIP/xEIP are wired; the VS bits are hvip's */
    assert_int_equal(csr_read(CSR_MIP), MIP_SSIP | MIP_STIP | MIP_VS_MASK);
    csr_write(CSR_MIP, 0);
    csr_write(CSR_MIDELEG, MIP_SSIP);
    env->priv = PRV_S;
    csr_write(CSR_SIP, ~0ULL);
    assert_int_equal(csr_read(CSR_SIP), MIP_SSIP);
    riscv_cpu_update_mip(cpu, MIP_MTIP, MIP_MTIP);
    assert_int_equal(csr_read(CSR_SIP), MIP_SSIP); /* not delegated: invisible */
}

/* ---- counters ---- */

static void test_counter_gating(void **state)
{
    /* An instruction's write replaces its own retirement too: of the 10 instructions
     * counted from the csrw on, the csrw is the first, so mcycle shows 9 more. */
    env->instret = 1000;
    csr_write(CSR_MCYCLE, 50);
    env->instret = 1010;
    assert_int_equal(csr_read(CSR_MCYCLE), 59);
    csr_write(CSR_MINSTRET, 7);
    env->instret++; /* the csrw retires */
    assert_int_equal(csr_read(CSR_INSTRET), 7);

    env->priv = PRV_U;
    assert_int_equal(csr_try_read(CSR_CYCLE), RISCV_EXCP_ILLEGAL_INST);
    env->mcounteren = COUNTEREN_CY;
    assert_int_equal(csr_try_read(CSR_CYCLE), RISCV_EXCP_ILLEGAL_INST);
    env->priv = PRV_S;
    assert_int_equal(csr_try_read(CSR_CYCLE), RISCV_EXCP_NONE);
    assert_int_equal(csr_try_read(CSR_INSTRET), RISCV_EXCP_ILLEGAL_INST);
    env->scounteren = COUNTEREN_CY;
    env->priv = PRV_U;
    assert_int_equal(csr_try_read(CSR_CYCLE), RISCV_EXCP_NONE);

    /* time traps without a time source, and follows TM otherwise. */
    env->priv = PRV_M;
    assert_int_equal(csr_try_read(CSR_TIME), RISCV_EXCP_ILLEGAL_INST);
    env->rdtime_fn = read_fake_time;
    env->rdtime_opaque = &fake_time;
    fake_time = 12345;
    assert_int_equal(csr_read(CSR_TIME), 12345);
    env->priv = PRV_S;
    assert_int_equal(csr_try_read(CSR_TIME), RISCV_EXCP_ILLEGAL_INST);
}

/* OpenSBI counts mhpmcounters that keep a written 1: QEMU 7.2 shows 16. */
static void test_hpm_count(void **state)
{
    int count = 0;
    for (int i = 3; i <= 31; i++) {
        if (csr_rw(CSR_MCYCLE + i, 1) == UINT64_MAX) {
            break;
        }
        if (csr_read(CSR_MCYCLE + i) != 1) {
            break;
        }
        count++;
    }
    assert_int_equal(count, 16);
    assert_int_equal(csr_read(CSR_MHPMCOUNTER31), 0);
    csr_write(CSR_MHPMEVENT3, 9);
    assert_int_equal(csr_read(CSR_MHPMEVENT3), 9);
}

/* ---- floating-point CSRs ---- */

static void test_fcsr_and_fs(void **state)
{
    assert_int_equal(csr_try_read(CSR_FCSR), RISCV_EXCP_ILLEGAL_INST);
    assert_false(riscv_fp_enabled(env));
    env->mstatus |= (uint64_t)MSTATUS_FS_INITIAL << MSTATUS_FS_SHIFT;
    csr_write(CSR_FCSR, 0xff);
    assert_int_equal(csr_read(CSR_FFLAGS), 0x1f);
    assert_int_equal(csr_read(CSR_FRM), 0x7);
    assert_int_equal(csr_read(CSR_FCSR), 0xff);
    assert_int_equal(env->mstatus & MSTATUS_FS, MSTATUS_FS);
    assert_true(env->mstatus & MSTATUS_SD);
    csr_write(CSR_FRM, 1);
    assert_int_equal(csr_read(CSR_FCSR), 0x3f);
}

/* ---- PMP CSRs ---- */

static void test_pmp_csrs(void **state)
{
    csr_write(CSR_PMPADDR0, ~0ULL);
    assert_int_equal(csr_read(CSR_PMPADDR0), (1ULL << 54) - 1); /* 54 address bits */
    csr_write(CSR_PMPADDR0 + 16, 5);
    assert_int_equal(csr_read(CSR_PMPADDR0 + 16), 0); /* 16 entries */
    csr_write(CSR_PMPCFG0, 0x62);                     /* W without R, reserved bits */
    assert_int_equal(csr_read(CSR_PMPCFG0), 0);

    /* Entry 1: locked TOR. Its cfg, pmpaddr1 and pmpaddr0 (its base) are frozen. */
    csr_write(CSR_PMPADDR0 + 1, 0x1000);
    csr_write(CSR_PMPCFG0, (uint64_t)(PMP_L | (PMP_A_TOR << PMP_A_SHIFT) | PMP_R) << 8);
    csr_write(CSR_PMPCFG0, 0);
    assert_int_equal(csr_read(CSR_PMPCFG0), 0x8900);
    csr_write(CSR_PMPADDR0 + 1, 0x2000);
    assert_int_equal(csr_read(CSR_PMPADDR0 + 1), 0x1000);
    csr_write(CSR_PMPADDR0, 0x10);
    assert_int_equal(csr_read(CSR_PMPADDR0), (1ULL << 54) - 1);
    csr_write(CSR_PMPCFG0 + 2, 0x1f);
    assert_int_equal(csr_read(CSR_PMPCFG0 + 2), 0x1f);
}

/* ---- Sstc ---- */

static void test_stimecmp(void **state)
{
    env->rdtime_fn = read_fake_time;
    env->rdtime_opaque = &fake_time;
    fake_time = 100;
    csr_write(CSR_STIMECMP, 50); /* STCE off: stored, STIP left to software */
    assert_int_equal(env->mip, 0);
    csr_write(CSR_MENVCFG, ~0ULL);
    assert_int_equal(csr_read(CSR_MENVCFG), MENVCFG_STCE | MENVCFG_FIOM);
    assert_int_equal(env->mip, MIP_STIP);
    csr_write(CSR_STIMECMP, 200);
    assert_int_equal(env->mip, 0);
    csr_write(CSR_MIP, MIP_STIP); /* not software-writable under STCE */
    assert_int_equal(env->mip, 0);

    env->priv = PRV_S;
    assert_int_equal(csr_try_read(CSR_STIMECMP), RISCV_EXCP_ILLEGAL_INST); /* TM = 0 */
    env->mcounteren = COUNTEREN_TM;
    csr_write(CSR_STIMECMP, 99);
    assert_int_equal(env->mip, MIP_STIP);
    env->menvcfg = 0;
    assert_int_equal(csr_try_read(CSR_STIMECMP), RISCV_EXCP_ILLEGAL_INST);
}

/* The timer is armed for the crossing and its callback raises STIP (freed with the hart). */
static void test_stimecmp_timer(void **state)
{
    env->stimer = timer_new_ns(CLOCK_VIRTUAL, riscv_stimer_cb, cpu);
    env->timebase_freq = 10000000;
    env->rdtime_fn = read_fake_time;
    env->rdtime_opaque = &fake_time;
    fake_time = 100;
    csr_write(CSR_MENVCFG, MENVCFG_STCE);
    int64_t before = clock_get_ns(CLOCK_VIRTUAL);
    csr_write(CSR_STIMECMP, 200); /* 100 ticks at 10 MHz: 10 us ahead */
    assert_true(timer_pending(env->stimer));
    int64_t delay = timer_expire_time_ns(env->stimer) - before;
    assert_true(delay >= 10000 && delay < 10000 + 100000000);
    assert_int_equal(env->mip, 0);
    fake_time = 200;
    riscv_stimer_cb(cpu);
    assert_int_equal(env->mip, MIP_STIP);
    assert_false(timer_pending(env->stimer));
    csr_write(CSR_STIMECMP, ~0ULL); /* "no timer": armed centuries ahead, no overflow */
    assert_int_equal(env->mip, 0);
    assert_true(timer_expire_time_ns(env->stimer) > before);
}

static void test_debug_triggers_absent(void **state)
{
    csr_write(CSR_TSELECT, 1);
    assert_int_equal(csr_read(CSR_TSELECT), 0);
    assert_int_equal(csr_read(CSR_TDATA1), 0);
    assert_int_equal(csr_read(CSR_MSECCFG), 0);
    /* gdb's path ignores privilege but not existence. */
    env->priv = PRV_U;
    assert_int_equal(riscv_csrrw_debug(env, CSR_MSTATUS, NULL, 0, 0), RISCV_EXCP_NONE);
    assert_int_equal(riscv_csrrw_debug(env, 0x7c0, NULL, 0, 0), RISCV_EXCP_ILLEGAL_INST);
}

/* ---- traps ---- */

static void test_exception_to_m(void **state)
{
    env->priv = PRV_S;
    env->pc = 0x80200010;
    env->mtvec = 0x80000101; /* vectored: exceptions still go to the base */
    env->mstatus |= MSTATUS_MIE;
    env->load_res = 0x1000;
    riscv_cpu_do_exception(env, RISCV_EXCP_ILLEGAL_INST, 0x1234);
    assert_int_equal(env->priv, PRV_M);
    assert_int_equal(env->pc, 0x80000100);
    assert_int_equal(env->mepc, 0x80200010);
    assert_int_equal(env->mcause, 2);
    assert_int_equal(env->mtval, 0x1234);
    assert_int_equal(extract64(env->mstatus, MSTATUS_MPP_SHIFT, 2), PRV_S);
    assert_true(env->mstatus & MSTATUS_MPIE);
    assert_false(env->mstatus & MSTATUS_MIE);
    assert_int_equal(env->load_res, (uint64_t)-1);
}

static void test_exception_delegated(void **state)
{
    env->medeleg = 1ULL << RISCV_EXCP_U_ECALL;
    env->stvec = 0x80200000;
    env->priv = PRV_U;
    env->pc = 0x10000;
    env->mstatus |= MSTATUS_SIE;
    riscv_cpu_do_exception(env, RISCV_EXCP_U_ECALL, 0);
    assert_int_equal(env->priv, PRV_S);
    assert_int_equal(env->pc, 0x80200000);
    assert_int_equal(env->sepc, 0x10000);
    assert_int_equal(env->scause, 8);
    assert_false(env->mstatus & MSTATUS_SPP);
    assert_true(env->mstatus & MSTATUS_SPIE);
    assert_false(env->mstatus & MSTATUS_SIE);

    /* Delegation never lowers the privilege: M-mode traps stay in M. */
    env->priv = PRV_M;
    env->medeleg = 1ULL << RISCV_EXCP_BREAKPOINT;
    riscv_cpu_do_exception(env, RISCV_EXCP_BREAKPOINT, 0);
    assert_int_equal(env->priv, PRV_M);
    assert_int_equal(env->mcause, 3);
}

static void test_interrupt_priority(void **state)
{
    env->mtvec = 0x80000001; /* vectored */
    env->mie = MIP_ALL_MASK;
    env->mip = MIP_MTIP | MIP_MSIP | MIP_SEIP;
    /* In M with MIE clear nothing is taken, but WFI would wake. */
    assert_true(riscv_cpu_has_work(env));
    assert_false(riscv_cpu_exec_interrupt(env));
    env->mstatus |= MSTATUS_MIE;
    assert_true(riscv_cpu_exec_interrupt(env));
    assert_int_equal(env->mcause, CAUSE_INTERRUPT | IRQ_M_SOFT);
    assert_int_equal(env->pc, 0x80000000 + 4 * IRQ_M_SOFT);

    env->mip = MIP_MTIP | MIP_MEIP;
    env->priv = PRV_U; /* below M: enabled whatever MIE says */
    assert_true(riscv_cpu_exec_interrupt(env));
    assert_int_equal(env->mcause, CAUSE_INTERRUPT | IRQ_M_EXT);
}

static void test_interrupt_delegated(void **state)
{
    env->mideleg = MIP_S_MASK;
    env->mie = MIP_ALL_MASK;
    env->stvec = 0x80200000;
    env->mip = MIP_STIP | MIP_SSIP;
    env->priv = PRV_M;
    env->mstatus |= MSTATUS_MIE | MSTATUS_SIE;
    assert_false(riscv_cpu_exec_interrupt(env)); /* S interrupts never preempt M */
    env->priv = PRV_S;
    env->mstatus &= ~MSTATUS_SIE;
    assert_false(riscv_cpu_exec_interrupt(env));
    env->mstatus |= MSTATUS_SIE;
    assert_true(riscv_cpu_exec_interrupt(env));
    assert_int_equal(env->priv, PRV_S);
    assert_int_equal(env->scause, CAUSE_INTERRUPT | IRQ_S_SOFT);
    assert_int_equal(env->pc, 0x80200000);
    assert_true(env->mstatus & MSTATUS_SPP);

    /* A pending M interrupt beats a delegated one even in U. */
    env->priv = PRV_U;
    env->mip = MIP_SEIP | MIP_MTIP;
    assert_true(riscv_cpu_exec_interrupt(env));
    assert_int_equal(env->priv, PRV_M);
    assert_int_equal(env->mcause, CAUSE_INTERRUPT | IRQ_M_TIMER);
}

static void test_mret_sret(void **state)
{
    /* QEMU 7.2: mret to S with no PMP entry configured is refused. */
    env->mstatus = deposit64(env->mstatus, MSTATUS_MPP_SHIFT, 2, PRV_S);
    assert_int_equal(riscv_helper_mret(env), RISCV_EXCP_ILLEGAL_INST);
    csr_write(CSR_PMPADDR0, ~0ULL);
    csr_write(CSR_PMPCFG0, (PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X);

    env->mepc = 0x80200000;
    env->mstatus |= MSTATUS_MPIE | MSTATUS_MPRV;
    assert_int_equal(riscv_helper_mret(env), RISCV_EXCP_NONE);
    assert_int_equal(env->priv, PRV_S);
    assert_int_equal(env->pc, 0x80200000);
    assert_true(env->mstatus & MSTATUS_MIE);
    assert_true(env->mstatus & MSTATUS_MPIE);
    assert_false(env->mstatus & MSTATUS_MPRV);
    assert_int_equal(env->mstatus & MSTATUS_MPP, 0);
    assert_int_equal(riscv_helper_mret(env), RISCV_EXCP_ILLEGAL_INST);

    env->sepc = 0x10000;
    env->mstatus |= MSTATUS_SPIE;
    env->mstatus &= ~MSTATUS_SPP;
    env->mstatus |= MSTATUS_TSR;
    assert_int_equal(riscv_helper_sret(env), RISCV_EXCP_ILLEGAL_INST);
    env->mstatus &= ~MSTATUS_TSR;
    assert_int_equal(riscv_helper_sret(env), RISCV_EXCP_NONE);
    assert_int_equal(env->priv, PRV_U);
    assert_int_equal(env->pc, 0x10000);
    assert_true(env->mstatus & MSTATUS_SIE);
    assert_int_equal(riscv_helper_sret(env), RISCV_EXCP_ILLEGAL_INST);
}

static void test_wfi_sfence_rules(void **state)
{
    assert_int_equal(riscv_helper_wfi(env), RISCV_EXCP_NONE);
    env->mstatus |= MSTATUS_TW;
    assert_int_equal(riscv_helper_wfi(env), RISCV_EXCP_NONE); /* TW binds below M */
    env->priv = PRV_S;
    assert_int_equal(riscv_helper_wfi(env), RISCV_EXCP_ILLEGAL_INST);
    env->mstatus &= ~MSTATUS_TW;
    assert_int_equal(riscv_helper_wfi(env), RISCV_EXCP_NONE);
    assert_int_equal(riscv_helper_sfence_vma(env, 0x1000, false, true), RISCV_EXCP_NONE);
    env->priv = PRV_U;
    assert_int_equal(riscv_helper_wfi(env), RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(riscv_helper_sfence_vma(env, 0, true, true), RISCV_EXCP_ILLEGAL_INST);
}

static void test_mmu_index(void **state)
{
    assert_int_equal(riscv_cpu_mmu_index(env, false), MMU_IDX_M);
    env->mstatus |= MSTATUS_MPRV | (1ULL << MSTATUS_MPP_SHIFT);
    assert_int_equal(riscv_cpu_mmu_index(env, false), MMU_IDX_S);
    assert_int_equal(riscv_cpu_mmu_index(env, true), MMU_IDX_M);
    env->priv = PRV_S; /* MPRV only acts in M */
    assert_int_equal(riscv_cpu_mmu_index(env, false), MMU_IDX_S);
    env->priv = PRV_U;
    assert_int_equal(riscv_cpu_mmu_index(env, false), MMU_IDX_U);
}

/* ---- gdb view ---- */

static void test_gdb_registers(void **state)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);
    const char *xml = cc->gdb_target_xml(&cpu->parent_obj, "target.xml");
    uint8_t buf[8];

    assert_non_null(strstr(xml, "<architecture>riscv:rv64</architecture>"));
    assert_non_null(
        strstr(xml, "<reg name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"833\"/>"));
    assert_non_null(strstr(xml, "<reg name=\"fcsr\" bitsize=\"32\" type=\"int\" regnum=\"68\"/>"));
    assert_null(cc->gdb_target_xml(&cpu->parent_obj, "other.xml"));

    env->gpr[10] = 0x1122334455667788ULL;
    assert_int_equal(cc->gdb_read_register(&cpu->parent_obj, buf, 10), 8);
    assert_int_equal(buf[0], 0x88);
    assert_int_equal(cc->gdb_read_register(&cpu->parent_obj, buf, 32), 8); /* pc */
    assert_int_equal(buf[1], 0x10);
    /* CSRs at 65 + csrno, through the debug path: mhartid is readable, not writable. */
    assert_int_equal(cc->gdb_read_register(&cpu->parent_obj, buf, 65 + CSR_MHARTID), 8);
    assert_int_equal(cc->gdb_write_register(&cpu->parent_obj, buf, 65 + CSR_MHARTID), 0);
    assert_int_equal(cc->gdb_read_register(&cpu->parent_obj, buf, 65 + 0x7c0), 0);
    memset(buf, 0, sizeof(buf));
    buf[0] = 0x40;
    assert_int_equal(cc->gdb_write_register(&cpu->parent_obj, buf, 65 + CSR_MSCRATCH), 8);
    assert_int_equal(env->mscratch, 0x40);
    buf[0] = 1;
    assert_int_equal(cc->gdb_write_register(&cpu->parent_obj, buf, 65 + 4096), 8); /* priv */
    assert_int_equal(env->priv, PRV_S);
    assert_int_equal(cc->gdb_write_register(&cpu->parent_obj, buf, 0), 8);
    assert_int_equal(env->gpr[0], 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, hart_setup, hart_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_reset_values),
        T(test_properties),
        T(test_misa_write_ignored),
        T(test_privilege_and_read_only),
        T(test_mstatus_warl),
        T(test_sstatus_view),
        T(test_satp_warl_and_tvm),
        T(test_tvec_modes),
        T(test_delegation_masks),
        T(test_mip_writable_bits),
        T(test_counter_gating),
        T(test_hpm_count),
        T(test_fcsr_and_fs),
        T(test_pmp_csrs),
        T(test_stimecmp),
        T(test_stimecmp_timer),
        T(test_debug_triggers_absent),
        T(test_exception_to_m),
        T(test_exception_delegated),
        T(test_interrupt_priority),
        T(test_interrupt_delegated),
        T(test_mret_sret),
        T(test_wfi_sfence_rules),
        T(test_mmu_index),
        T(test_gdb_registers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
