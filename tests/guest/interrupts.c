/*
 * Interrupts (Privileged ISA 1.12 "Machine Interrupt Registers", "Wait for
 * Interrupt"; ACLINT/CLINT as on QEMU virt; Sstc extension):
 *  - CLINT mtime counts; mip.MTIP = (mtime >= mtimecmp); machine timer and
 *    software (msip) interrupts, mcause = interrupt bit | code, mepc = the
 *    interrupted instruction
 *  - enables: M interrupts need mstatus.MIE in M but are always enabled in
 *    S/U; S interrupts (delegated) need SIE in S, always enabled in U, never
 *    taken in M; mie gates each source
 *  - priority among pending ones: MSI before MTI (spec order MEI > MSI >
 *    MTI > SEI > SSI > STI; QEMU 7.2 takes the lowest number first, so only
 *    orders on which both agree are checked)
 *  - WFI resumes when an interrupt is pending and enabled in mie even with
 *    MIE = 0 (no trap); with MIE = 1 the trap's mepc is after the WFI
 *  - vectored mtvec/stvec: interrupt n enters at BASE + 4n
 *  - Sstc: with menvcfg.STCE, mip.STIP = (time >= stimecmp) and S may
 *    program stimecmp (also needs mcounteren.TM on QEMU)
 *  - SSIP set by M (or by S through sip) raises a supervisor software
 *    interrupt; delegation through mideleg picks the handler
 */
#include "test.h"

#define MCAUSE_IRQ(n) (CAUSE_INTERRUPT | (n))
#define CSR_STIMECMP 0x14d
#define CSR_MENVCFG 0x30a

/* Interrupt log filled by the hooks below */
#define LOG_MAX 8
static volatile struct {
    unsigned n;
    unsigned long cause[LOG_MAX];
    unsigned long epc[LOG_MAX];
    unsigned long tval[LOG_MAX];
    unsigned long status[LOG_MAX];
    char handler[LOG_MAX];
} irq_log;

/* Set by every logged interrupt; spin_flag polls it */
static volatile int irq_flag;
/* Without Sstc, S cannot clear STIP: its hook masks STIE instead */
static volatile int s_cannot_quiesce;

static void log_reset(void)
{
    irq_flag = 0;
    irq_log.n = 0;
    for (unsigned i = 0; i < LOG_MAX; i++)
        irq_log.cause[i] = irq_log.epc[i] = irq_log.tval[i] = 0;
}

static int log_irq(struct trap_frame *f, char handler)
{
    if ((long)f->cause >= 0)
        return 0; /* exceptions: default handling */
    unsigned i = irq_log.n;
    if (i < LOG_MAX) {
        irq_log.cause[i] = f->cause;
        irq_log.epc[i] = f->epc;
        irq_log.tval[i] = f->tval;
        irq_log.status[i] = f->status;
        irq_log.handler[i] = handler;
    }
    irq_log.n = i + 1;
    irq_flag = 1;
    if (!(handler == 'S' && s_cannot_quiesce))
        quiesce_interrupt(f->cause & ~CAUSE_INTERRUPT, handler);
    else
        csr_clear(sie, MIP_STIP); /* STIP is M's to clear: mask it instead */
    return 1;
}

/* Set while test_wfi waits in WFI for the machine timer */
static volatile int wfi_awaits_timer;
static int wfi_timer_came_early(struct trap_frame *f);

static int m_hook(struct trap_frame *f)
{
    if (wfi_awaits_timer && wfi_timer_came_early(f))
        return 1;
    return log_irq(f, 'M');
}
static int s_hook(struct trap_frame *f)
{
    return log_irq(f, 'S');
}

/*
 * How long a test waits for a due interrupt before calling it lost. The spec
 * only says a pending, enabled interrupt is taken within "a bounded amount of
 * time" (3.1.9); an emulator's timer is a host thread the host may not run
 * for tens of ms when loaded (80 ms seen), so the bound is generous. Waits
 * end as soon as the interrupt comes.
 */
#define IRQ_WAIT_SECONDS 2
#define IRQ_WAIT_TICKS ((uint64_t)IRQ_WAIT_SECONDS * VIRT_TIMEBASE_HZ)

/* Spin until n interrupts were logged or IRQ_WAIT_TICKS of mtime passed */
static void wait_irqs(unsigned n)
{
    uint64_t end = clint_mtime() + IRQ_WAIT_TICKS;
    while (irq_log.n < n && clint_mtime() < end)
        ;
}

static void set_mtimecmp(uint64_t v)
{
    mmio_write64(CLINT_MTIMECMP, v);
}

static void test_mtime(void)
{
    uint64_t t0 = clint_mtime();
    for (volatile int i = 0; i < 10000; i++)
        ;
    uint64_t t1 = clint_mtime();
    CHECK(t1 > t0);
    /* the time CSR mirrors mtime */
    uint64_t t = csr_read(time);
    uint64_t t2 = clint_mtime();
    CHECK(t >= t1 && t <= t2);
}

static void test_machine_timer(void)
{
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, 0);
    /* MTIP follows mtime >= mtimecmp, whatever the enables */
    set_mtimecmp(-1UL);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0);
    set_mtimecmp(0);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
    /* pending but MIE = 0 in M: not taken */
    csr_set(mie, MIP_MTIP);
    for (volatile int i = 0; i < 1000; i++)
        ;
    CHECK_EQ(irq_log.n, 0);
    /* MIE = 1: taken at once */
    csr_set(mstatus, MSTATUS_MIE);
    wait_irqs(1);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_EQ(irq_log.handler[0], 'M');
    CHECK_EQ(irq_log.tval[0], 0);
    CHECK_EQ(irq_log.status[0] & MSTATUS_MPIE, MSTATUS_MPIE);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, 0); /* the handler moved mtimecmp */

    /* a timer that expires later, while spinning */
    log_reset();
    set_mtimecmp(clint_mtime() + 2000); /* 200 us */
    csr_set(mstatus, MSTATUS_MIE);
    wait_irqs(1);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_TIMER));

    /* mie.MTIE = 0 masks it even with MIE = 1 */
    log_reset();
    csr_clear(mie, MIP_MTIP);
    set_mtimecmp(0);
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 1000; i++)
        ;
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 0);
    set_mtimecmp(-1UL);
}

static void test_machine_soft(void)
{
    log_reset();
    csr_write(mie, MIP_MSIP);
    mmio_write32(CLINT_MSIP, 1);
    CHECK_EQ(csr_read(mip) & MIP_MSIP, MIP_MSIP);
    CHECK_EQ(mmio_read32(CLINT_MSIP), 1);
    csr_set(mstatus, MSTATUS_MIE);
    wait_irqs(1);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(csr_read(mip) & MIP_MSIP, 0);
    /* only bit 0 of msip is implemented */
    mmio_write32(CLINT_MSIP, 0xfffffffe);
    CHECK_EQ(mmio_read32(CLINT_MSIP), 0);
    csr_write(mie, 0);
}

static void test_priority(void)
{
    /* MSI and MTI both pending: MSI first, then MTI */
    log_reset();
    mmio_write32(CLINT_MSIP, 1);
    set_mtimecmp(0);
    csr_write(mie, MIP_MSIP | MIP_MTIP);
    csr_set(mstatus, MSTATUS_MIE);
    wait_irqs(2);
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 2);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(irq_log.cause[1], MCAUSE_IRQ(IRQ_M_TIMER));

    /* (Not checked: an M timer and a non-delegated S software interrupt
     * pending together.  The spec orders MTI first; QEMU 7.2 without AIA
     * takes the lowest interrupt number first, i.e. SSI.) */
    csr_write(mie, 0);
}

asm(".pushsection .text.probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    /* wfi then return; wfi_next labels the instruction after it */
    "do_wfi:   wfi\n"
    "wfi_next: ret\n"
    /* spin until *a0 != 0 (set by a handler) or a bounded count runs out */
    "spin_flag: li t1, 2000000\n"
    "1: lw t0, 0(a0)\n bnez t0, 2f\n addi t1, t1, -1\n bnez t1, 1b\n"
    "2: mv a0, t0\n ret\n"
    /* the same for an interrupt that is due: bounded by IRQ_WAIT_TICKS of
     * the time CSR rather than by a count, which a fast engine runs through
     * before a host timer thread gets to run */
    "spin_flag_due: rdtime t2\n"
    "  li t1, " CSR_STR(IRQ_WAIT_SECONDS) " * " CSR_STR(VIRT_TIMEBASE_HZ) "\n"
    "  add t2, t2, t1\n"
    "1: lw t0, 0(a0)\n bnez t0, 2f\n rdtime t1\n bltu t1, t2, 1b\n"
    "2: mv a0, t0\n ret\n"
    /* Vector tables: entry n writes n to xtval so the log can tell which
     * entry ran, then joins the common entry (exceptions use entry 0). */
    ".balign 256\n"
    "mvec_table:\n"
    "  j trap_entry_m\n"
    "  csrwi mtval, 1\n"
    "  csrwi mtval, 2\n"
    "  j mvec3\n"
    "  csrwi mtval, 4\n"
    "  j mvec5\n"
    "  csrwi mtval, 6\n"
    "  j mvec7\n"
    "mvec3: csrwi mtval, 3\n j trap_entry_m\n"
    "mvec5: csrwi mtval, 5\n j trap_entry_m\n"
    "mvec7: csrwi mtval, 7\n j trap_entry_m\n"
    ".balign 256\n"
    "svec_table:\n"
    "  j trap_entry_s\n"
    "  j svec1\n"
    "  csrwi stval, 2\n"
    "  csrwi stval, 3\n"
    "  csrwi stval, 4\n"
    "  j svec5\n"
    "svec1: csrwi stval, 1\n j trap_entry_s\n"
    "svec5: csrwi stval, 5\n j trap_entry_s\n"
    ".option pop\n"
    ".popsection\n");
extern char do_wfi[], wfi_next[], spin_flag[], spin_flag_due[], mvec_table[], svec_table[],
    trap_entry_m[], trap_entry_s[];

#define WFI_TIMER_TICKS 5000 /* 0.5 ms */

/*
 * A timer armed WFI_TIMER_TICKS ahead may expire before the hart reaches the
 * WFI (the host can stall the hart that long); taken there, it would leave the
 * WFI nothing to wait for. So an M timer interrupt not taken at wfi_next is
 * not logged: the timer is re-armed and the hart goes on to its WFI.
 */
static int wfi_timer_came_early(struct trap_frame *f)
{
    if (f->cause != MCAUSE_IRQ(IRQ_M_TIMER) || f->epc == (unsigned long)wfi_next)
        return 0;
    set_mtimecmp(clint_mtime() + WFI_TIMER_TICKS);
    return 1;
}

static void test_wfi(void)
{
    /* MIE = 0, MTIE = 1: WFI returns once the timer is pending, no trap */
    log_reset();
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mie, MIP_MTIP);
    uint64_t when = clint_mtime() + WFI_TIMER_TICKS;
    set_mtimecmp(when);
    ((void (*)(void))(uintptr_t)do_wfi)();
    CHECK(clint_mtime() >= when);
    CHECK_EQ(csr_read(mip) & MIP_MTIP, MIP_MTIP);
    CHECK_EQ(irq_log.n, 0);
    /* MIE = 1: the interrupt is taken after the WFI completes */
    wfi_awaits_timer = 1;
    set_mtimecmp(clint_mtime() + WFI_TIMER_TICKS);
    csr_set(mstatus, MSTATUS_MIE);
    ((void (*)(void))(uintptr_t)do_wfi)();
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_EQ(irq_log.epc[0], (unsigned long)wfi_next);
    /* WFI in S (TW = 0) waits too; the M timer interrupts S even though
     * MIE = 0, because M interrupts are always enabled below M */
    log_reset();
    set_mtimecmp(clint_mtime() + WFI_TIMER_TICKS);
    run_in_mode(PRV_S, (long (*)(long))(uintptr_t)do_wfi, 0, 0);
    wfi_awaits_timer = 0;
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_EQ(irq_log.epc[0], (unsigned long)wfi_next);
    CHECK_EQ((irq_log.status[0] & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRV_S);
    csr_write(mie, 0);
}

static void test_supervisor_soft(void)
{
    /* M sets SSIP, delegated: taken by the S handler in S when SIE = 1 */
    log_reset();
    csr_write(mideleg, MIP_SSIP);
    csr_write(mie, MIP_SSIP);
    csr_set(sstatus, MSTATUS_SIE);
    csr_set(mip, MIP_SSIP);
    /* ...but never in M */
    csr_set(mstatus, MSTATUS_MIE);
    for (volatile int i = 0; i < 1000; i++)
        ;
    csr_clear(mstatus, MSTATUS_MIE);
    CHECK_EQ(irq_log.n, 0);
    run_in_mode(PRV_S, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_S_SOFT));
    CHECK_EQ(irq_log.handler[0], 'S');
    CHECK_EQ(irq_log.status[0] & MSTATUS_SPP, MSTATUS_SPP);
    CHECK_EQ(irq_log.status[0] & MSTATUS_SPIE, MSTATUS_SPIE);
    CHECK_EQ(csr_read(mip) & MIP_SSIP, 0);

    /* SIE = 0 in S: stays pending */
    log_reset();
    csr_clear(sstatus, MSTATUS_SIE);
    csr_set(mip, MIP_SSIP);
    run_in_mode(PRV_S, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    CHECK_EQ(irq_log.n, 0);
    CHECK_EQ(csr_read(mip) & MIP_SSIP, MIP_SSIP);
    /* ...but in U it is taken whatever SIE says; SPP = U */
    run_in_mode(PRV_U, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.handler[0], 'S');
    CHECK_EQ(irq_log.status[0] & MSTATUS_SPP, 0);

    /* not delegated: an S-level interrupt pending in S goes to M */
    log_reset();
    csr_write(mideleg, 0);
    csr_set(mip, MIP_SSIP);
    run_in_mode(PRV_S, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    CHECK(irq_log.n >= 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_S_SOFT));
    CHECK_EQ(irq_log.handler[0], 'M');
    csr_write(mie, 0);
}

static void test_vectored(void)
{
    /* mtvec MODE = 1: the machine timer enters at BASE + 4 * 7 */
    log_reset();
    csr_write(mtvec, (unsigned long)mvec_table | 1);
    csr_write(mie, MIP_MTIP | MIP_MSIP);
    set_mtimecmp(0);
    csr_set(mstatus, MSTATUS_MIE);
    wait_irqs(1);
    csr_clear(mstatus, MSTATUS_MIE);
    mmio_write32(CLINT_MSIP, 1);
    csr_set(mstatus, MSTATUS_MIE);
    wait_irqs(2);
    csr_clear(mstatus, MSTATUS_MIE);
    csr_write(mtvec, (unsigned long)trap_entry_m);
    CHECK_EQ(irq_log.n, 2);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_M_TIMER));
    CHECK_EQ(irq_log.tval[0], 7);
    CHECK_EQ(irq_log.cause[1], MCAUSE_IRQ(IRQ_M_SOFT));
    CHECK_EQ(irq_log.tval[1], 3);

    /* stvec MODE = 1: delegated SSI enters at BASE + 4 */
    log_reset();
    csr_write(stvec, (unsigned long)svec_table | 1);
    csr_write(mideleg, MIP_SSIP);
    csr_write(mie, MIP_SSIP);
    csr_set(mip, MIP_SSIP);
    run_in_mode(PRV_U, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    csr_write(stvec, (unsigned long)trap_entry_s);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_S_SOFT));
    CHECK_EQ(irq_log.tval[0], 1);
    csr_write(mideleg, 0);
    csr_write(mie, 0);
}

static void test_sstc(void)
{
    /* menvcfg.STCE = 1: STIP is (time >= stimecmp) and read-only in mip */
    csr_set(CSR_MENVCFG, MENVCFG_STCE);
    CHECK_EQ(csr_read(CSR_MENVCFG) & MENVCFG_STCE, MENVCFG_STCE);
    csr_set(mcounteren, 2); /* TM: S may use time/stimecmp */
    csr_write(CSR_STIMECMP, -1UL);
    CHECK_EQ(csr_read(CSR_STIMECMP), -1UL);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_write(CSR_STIMECMP, 0);
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    csr_clear(mip, MIP_STIP); /* no effect under Sstc */
    CHECK_EQ(csr_read(mip) & MIP_STIP, MIP_STIP);
    csr_write(CSR_STIMECMP, -1UL);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);

    /* delegated S timer: armed from M, fires in S, handled by S (whose
     * handler writes stimecmp, legal with STCE and TM) */
    log_reset();
    csr_write(mideleg, MIP_STIP);
    csr_write(mie, MIP_STIP);
    csr_set(sstatus, MSTATUS_SIE);
    csr_write(CSR_STIMECMP, csr_read(time) + 2000);
    run_in_mode(PRV_S, (long (*)(long))(uintptr_t)spin_flag_due, (long)&irq_flag, 0);
    CHECK_EQ(irq_log.n, 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_S_TIMER));
    CHECK_EQ(irq_log.handler[0], 'S');
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);

    /* not delegated: the S timer goes to M, even from U */
    log_reset();
    csr_write(mideleg, 0);
    csr_write(CSR_STIMECMP, 0);
    run_in_mode(PRV_U, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    CHECK(irq_log.n >= 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_S_TIMER));
    CHECK_EQ(irq_log.handler[0], 'M');
    csr_clear(sstatus, MSTATUS_SIE);
    csr_write(mie, 0);
    csr_write(CSR_STIMECMP, -1UL);
}

static void test_stip_without_sstc(void)
{
    /* STCE = 0: M-mode owns mip.STIP and can raise it by hand */
    csr_clear(CSR_MENVCFG, MENVCFG_STCE);
    csr_write(CSR_STIMECMP, 0); /* ignored for STIP now */
    csr_clear(mip, MIP_STIP);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    log_reset();
    csr_write(mideleg, MIP_STIP);
    csr_write(mie, MIP_STIP);
    csr_set(mip, MIP_STIP);
    CHECK_EQ(csr_read(sip) & MIP_STIP, MIP_STIP);
    /* taken in U by S; S cannot clear STIP (read-only in sip): its hook
     * masks sie.STIE and M clears mip.STIP afterwards */
    s_cannot_quiesce = 1;
    run_in_mode(PRV_U, (long (*)(long))(uintptr_t)spin_flag, (long)&irq_flag, 0);
    CHECK(irq_log.n >= 1);
    CHECK_EQ(irq_log.cause[0], MCAUSE_IRQ(IRQ_S_TIMER));
    CHECK_EQ(irq_log.handler[0], 'S');
    CHECK_EQ(csr_read(mie) & MIP_STIP, 0); /* masked by S through sie */
    s_cannot_quiesce = 0;
    csr_clear(mip, MIP_STIP);
    CHECK_EQ(csr_read(mip) & MIP_STIP, 0);
    csr_write(mie, 0);
    csr_write(mideleg, 0);
}

int main(void)
{
    pmp_allow_all();
    set_mtimecmp(-1UL);
    m_trap_hook = m_hook;
    s_trap_hook = s_hook;
    test_mtime();
    test_machine_timer();
    test_machine_soft();
    test_priority();
    test_wfi();
    test_supervisor_soft();
    test_vectored();
    test_sstc();
    test_stip_without_sstc();
    return 0;
}

TEST_END_CHECKS();
