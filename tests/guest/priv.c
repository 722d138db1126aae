/*
 * Privilege modes and their control bits (Privileged ISA 1.12):
 *  - MRET/SRET: privilege <- xPP, xIE <- xPIE, xPIE <- 1, xPP <- U
 *    ("Machine Status Registers")
 *  - trap entry: xPP <- previous mode, xPIE <- xIE, xIE <- 0
 *  - medeleg / mideleg: delegated exceptions from S/U go to the S handler
 *    (scause/sepc/stval), never those from M; M-level interrupt bits of
 *    mideleg are read-only zero
 *  - mstatus.TSR (SRET in S traps), TVM (satp and SFENCE.VMA in S trap),
 *    TW (WFI in S/U traps); WFI in U traps whenever S exists (QEMU)
 *  - sstatus, sie, sip are restricted views of mstatus, mie, mip
 */
#include "test.h"

asm(".pushsection .text.probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    "probe_custom0:   .word 0x0000000b\n ret\n"
    "probe_ecall:     ecall\n ret\n"
    "probe_sret:      sret\n ret\n"
    "probe_wfi:       wfi\n ret\n"
    "probe_csrr_satp: csrr a0, satp\n ret\n"
    "probe_csrw_satp: csrw satp, zero\n ret\n"
    "probe_sfence:    sfence.vma\n ret\n"
    "probe_sfence_a0: sfence.vma a0, zero\n ret\n"
    "probe_csrr_sstatus: csrr a0, sstatus\n ret\n"
    /* mret to the next instruction, keeping the mode in MPP */
    "mret_here:       la t0, 1f\n csrw mepc, t0\n mret\n1: ret\n"
    /* in S: sret to the next instruction (SPP must be S), return sstatus */
    "sret_here:       la t0, 1f\n csrw sepc, t0\n sret\n1: csrr a0, sstatus\n ret\n"
    /* in S: sret with SPP = U into u_code */
    "sret_to_user:    li t0, 0x100\n csrc sstatus, t0\n la t0, u_code\n csrw sepc, t0\n sret\n"
    /* in U: try an S CSR (must trap), then leave with a0 = 42 */
    "u_code:          csrr a0, sstatus\n li a0, 42\n j mode_exit\n"
    ".option pop\n"
    ".popsection\n");

extern char probe_custom0[], probe_ecall[], probe_sret[], probe_wfi[], probe_csrr_satp[],
    probe_csrw_satp[], probe_sfence[], probe_sfence_a0[], probe_csrr_sstatus[], mret_here[],
    sret_here[], sret_to_user[], u_code[];

static long in_mode(int mode, char *fn, long arg)
{
    return run_in_mode(mode, (long (*)(long))(uintptr_t)fn, arg, 0);
}

static uint32_t insn_at(const char *p)
{
    return *(const volatile uint32_t *)p;
}

static unsigned long mpp_of(unsigned long status)
{
    return (status & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;
}

static void test_mret(void)
{
    /* mret with MPP = M, MPIE = 1, MIE = 0 (mie = 0, so no interrupt can
     * be taken): MIE <- 1, MPIE <- 1, MPP <- U */
    csr_write(mie, 0);
    csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPIE);
    csr_clear(mstatus, MSTATUS_MIE);
    ((void (*)(void))(uintptr_t)mret_here)();
    unsigned long s = csr_read(mstatus);
    CHECK_EQ(s & MSTATUS_MIE, MSTATUS_MIE);
    CHECK_EQ(s & MSTATUS_MPIE, MSTATUS_MPIE);
    CHECK_EQ(mpp_of(s), PRV_U);
    /* with MPIE = 0: MIE <- 0 */
    csr_set(mstatus, MSTATUS_MPP);
    csr_clear(mstatus, MSTATUS_MPIE);
    ((void (*)(void))(uintptr_t)mret_here)();
    s = csr_read(mstatus);
    CHECK_EQ(s & MSTATUS_MIE, 0);
    CHECK_EQ(s & MSTATUS_MPIE, MSTATUS_MPIE);
    /* MRET back to M keeps MPRV */
    csr_set(mstatus, MSTATUS_MPP | MSTATUS_MPRV);
    ((void (*)(void))(uintptr_t)mret_here)();
    CHECK_EQ(csr_read(mstatus) & MSTATUS_MPRV, MSTATUS_MPRV);
    csr_clear(mstatus, MSTATUS_MPRV);

    /* The trap back from S records MPP = S.  MIE in S comes from MPIE; the
     * trap saves it in MPIE and clears MIE.  (Priv 1.12 also has MRET to S
     * clear MPRV; QEMU 7.2 keeps it, so that is not checked.) */
    csr_set(mstatus, MSTATUS_MPIE);
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_S, probe_ecall, 0);
    s = last_trap.status;
    CHECK_EQ(last_trap.cause, CAUSE_SUPERVISOR_ECALL);
    CHECK_EQ(mpp_of(s), PRV_S);
    CHECK_EQ(s & MSTATUS_MPIE, MSTATUS_MPIE); /* MIE was 1 in S */
    CHECK_EQ(s & MSTATUS_MIE, 0);
    csr_clear(mstatus, MSTATUS_MPIE);
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_U, probe_ecall, 0);
    CHECK_EQ(last_trap.status & MSTATUS_MPIE, 0); /* MIE was 0 in U */
    CHECK_EQ(mpp_of(last_trap.status), PRV_U);
}

static void test_sret(void)
{
    /* In S: SPP = S, SPIE = 1, SIE = 0, then sret: SIE <- 1, SPIE <- 1,
     * SPP <- U, still in S (mideleg = 0 so SIE enables nothing) */
    csr_write(mideleg, 0);
    csr_set(sstatus, MSTATUS_SPP | MSTATUS_SPIE);
    csr_clear(sstatus, MSTATUS_SIE);
    unsigned long s = (unsigned long)in_mode(PRV_S, sret_here, 0);
    CHECK_EQ(s & MSTATUS_SIE, MSTATUS_SIE);
    CHECK_EQ(s & MSTATUS_SPIE, MSTATUS_SPIE);
    CHECK_EQ(s & MSTATUS_SPP, 0);
    csr_clear(sstatus, MSTATUS_SIE);

    /* S -> U through sret; U cannot read sstatus (trap records MPP = U) */
    expect_trap(EXPECT_SKIP);
    CHECK_EQ(in_mode(PRV_S, sret_to_user, 0), 42);
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)u_code, insn_at(u_code));
    CHECK_EQ(mpp_of(last_trap.status), PRV_U);
}

static void test_delegation(void)
{
    /* M-level interrupts cannot be delegated */
    csr_write(mideleg, -1UL);
    unsigned long md = csr_read(mideleg);
    CHECK_EQ(md & (MIP_MSIP | MIP_MTIP | MIP_MEIP), 0);
    CHECK_EQ(md & (MIP_SSIP | MIP_STIP | MIP_SEIP), MIP_SSIP | MIP_STIP | MIP_SEIP);
    csr_write(mideleg, 0);

    csr_write(medeleg, (1UL << CAUSE_ILLEGAL_INSTRUCTION) | (1UL << CAUSE_USER_ECALL));
    CHECK_EQ(csr_read(medeleg), (1UL << CAUSE_ILLEGAL_INSTRUCTION) | (1UL << CAUSE_USER_ECALL));
    /* illegal instruction in U -> S handler; SPP = U */
    csr_set(sstatus, MSTATUS_SIE);
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_U, probe_custom0, 0);
    CHECK_TRAP('S', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_custom0,
               insn_at(probe_custom0));
    CHECK_EQ(last_trap.status & MSTATUS_SPP, 0);
    CHECK_EQ(last_trap.status & MSTATUS_SPIE, MSTATUS_SPIE); /* SIE was 1 */
    CHECK_EQ(last_trap.status & MSTATUS_SIE, 0);
    csr_clear(sstatus, MSTATUS_SIE);
    /* the S CSRs hold the trap.  With only illegal instructions delegated
     * the U-mode exit ecall goes straight to M, so mcause shows just that. */
    csr_write(medeleg, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_U, probe_custom0, 0);
    CHECK_EQ(csr_read(scause), CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ(csr_read(stval), insn_at(probe_custom0));
    CHECK_EQ(csr_read(sepc), (unsigned long)probe_custom0 + 4); /* advanced by the handler */
    CHECK_EQ(csr_read(mcause), CAUSE_USER_ECALL);
    csr_write(medeleg, (1UL << CAUSE_ILLEGAL_INSTRUCTION) | (1UL << CAUSE_USER_ECALL));
    /* illegal in S -> S handler, SPP = S */
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_S, probe_custom0, 0);
    CHECK_TRAP('S', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_custom0,
               insn_at(probe_custom0));
    CHECK_EQ(last_trap.status & MSTATUS_SPP, MSTATUS_SPP);
    /* ecall from U delegated -> S, cause 8 */
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_U, probe_ecall, 0);
    CHECK_TRAP('S', CAUSE_USER_ECALL, (unsigned long)probe_ecall, 0);
    /* ecall from S is not delegated here -> M */
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_S, probe_ecall, 0);
    CHECK_TRAP('M', CAUSE_SUPERVISOR_ECALL, (unsigned long)probe_ecall, 0);
    /* traps in M are never delegated */
    expect_trap(EXPECT_SKIP);
    ((void (*)(void))(uintptr_t)probe_custom0)();
    CHECK_TRAP('M', CAUSE_ILLEGAL_INSTRUCTION, (unsigned long)probe_custom0,
               insn_at(probe_custom0));
    csr_write(medeleg, 0);
    /* not delegated any more: U illegal -> M */
    expect_trap(EXPECT_SKIP);
    in_mode(PRV_U, probe_custom0, 0);
    CHECK_EQ(last_trap.handler, 'M');
}

/* Run probe in mode expecting an illegal-instruction trap at its start */
static void expect_illegal_in(int mode, char *probe, int line)
{
    expect_trap(EXPECT_SKIP);
    in_mode(mode, probe, 0);
    if (last_trap.handler != 'M' || last_trap.cause != CAUSE_ILLEGAL_INSTRUCTION ||
        last_trap.epc != (unsigned long)probe || mpp_of(last_trap.status) != (unsigned)mode) {
        uart_printf("line %d: no illegal-instruction trap (cause %lx epc %lx)\n", line,
                    last_trap.cause, last_trap.epc);
        CHECK(0);
    }
}

static void test_tsr_tvm_tw(void)
{
    /* TSR: sret in S is illegal */
    csr_set(mstatus, MSTATUS_TSR);
    expect_illegal_in(PRV_S, probe_sret, __LINE__);
    csr_clear(mstatus, MSTATUS_TSR);

    /* TVM = 0: S may access satp and run sfence.vma */
    CHECK_EQ(in_mode(PRV_S, probe_csrr_satp, 0x99), 0);
    unsigned long count = last_trap.count;
    in_mode(PRV_S, probe_sfence, 0);
    CHECK_EQ(last_trap.count, count);
    /* TVM = 1: satp reads/writes and sfence.vma in S are illegal */
    csr_set(mstatus, MSTATUS_TVM);
    expect_illegal_in(PRV_S, probe_csrr_satp, __LINE__);
    expect_illegal_in(PRV_S, probe_csrw_satp, __LINE__);
    expect_illegal_in(PRV_S, probe_sfence, __LINE__);
    expect_illegal_in(PRV_S, probe_sfence_a0, __LINE__);
    /* M is not affected */
    CHECK_EQ(csr_read(satp), 0);
    sfence_vma();
    csr_clear(mstatus, MSTATUS_TVM);
    /* sfence.vma in U is always illegal */
    expect_illegal_in(PRV_U, probe_sfence, __LINE__);

    /* TW: wfi in S traps; in U wfi traps even with TW = 0 (QEMU: S-mode
     * exists, so U-mode WFI never waits) */
    csr_set(mstatus, MSTATUS_TW);
    expect_illegal_in(PRV_S, probe_wfi, __LINE__);
    expect_illegal_in(PRV_U, probe_wfi, __LINE__);
    csr_clear(mstatus, MSTATUS_TW);
    expect_illegal_in(PRV_U, probe_wfi, __LINE__);
}

static void test_views(void)
{
    /* sstatus: writing M-only bits through it changes nothing */
    unsigned long before = csr_read(mstatus);
    csr_set(sstatus, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP | MSTATUS_TVM | MSTATUS_MPRV);
    CHECK_EQ(csr_read(mstatus), before);
    /* ... S bits are shared */
    csr_set(sstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPIE);
    CHECK_EQ(csr_read(mstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPIE),
             MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPIE);
    csr_clear(mstatus, MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPIE);
    CHECK_EQ(csr_read(sstatus) & (MSTATUS_SUM | MSTATUS_MXR | MSTATUS_SPIE), 0);

    /* sie = mie restricted to delegated S-level interrupts */
    csr_write(mideleg, 0);
    csr_write(mie, MIP_SSIP | MIP_STIP | MIP_SEIP | MIP_MTIP);
    CHECK_EQ(csr_read(sie), 0);
    csr_write(mideleg, MIP_SSIP | MIP_STIP);
    CHECK_EQ(csr_read(sie), MIP_SSIP | MIP_STIP);
    csr_write(sie, 0); /* clears only delegated bits */
    CHECK_EQ(csr_read(mie), MIP_SEIP | MIP_MTIP);
    csr_write(mie, 0);
    /* sip.SSIP: set by M in mip, seen (delegated) and cleared through sip */
    csr_set(mip, MIP_SSIP);
    CHECK_EQ(csr_read(sip) & MIP_SSIP, MIP_SSIP);
    csr_clear(sip, MIP_SSIP);
    CHECK_EQ(csr_read(mip) & MIP_SSIP, 0);
    csr_write(mideleg, 0);
    csr_set(mip, MIP_SSIP);
    CHECK_EQ(csr_read(sip) & MIP_SSIP, 0); /* not delegated: hidden */
    csr_clear(mip, MIP_SSIP);
    /* mip.MTIP is read-only (driven by the CLINT) */
    unsigned long mtip = csr_read(mip) & MIP_MTIP;
    csr_write(mip, mtip ^ MIP_MTIP);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, mtip);
}

int main(void)
{
    pmp_allow_all();
    test_mret();
    test_sret();
    test_delegation();
    test_tsr_tvm_tw();
    test_views();
    return 0;
}

TEST_END_CHECKS();
