/*
 * Physical memory protection (Privileged ISA 1.12, "Physical Memory
 * Protection"):
 *  - address matching: TOR (pmpaddr[i-1] <= a < pmpaddr[i]), NA4 and NAPOT
 *    (trailing ones in pmpaddr give the size); A = OFF disables an entry
 *  - the lowest-numbered entry matching any byte decides; an access that
 *    it matches only partly fails
 *  - S and U accesses need a matching entry with the permission: load
 *    access fault (5), store/AMO access fault (7), instruction access fault
 *    (1), mtval = the address
 *  - M-mode ignores unlocked entries; L makes an entry apply to M and
 *    freezes it (and the pmpaddr below a TOR entry) until reset
 *  - MPRV makes M-mode data accesses use MPP's privilege for PMP too
 *  - implicit page-table reads are checked as S-mode reads: a walk blocked
 *    by PMP is an access fault of the original access type
 *  - with no entry at all, S/U cannot run: QEMU 7.2 makes MRET to S/U an
 *    illegal instruction in that case; the spec gives a fetch access fault
 *
 * Entry 15 is kept as "everything RWX" so code and stacks stay reachable;
 * the entries under test are lower-numbered and so take priority.
 */
#include "vm.h"

static uint8_t region[4][PAGE_SIZE] __attribute__((aligned(8192)));
#define R(i) ((unsigned long)region[i])

asm(".pushsection .text.pmp_probes, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    /* M-mode probes: return a0 */
    "m_ld:  ld a0, 0(a0)\n ret\n"
    "m_sd:  sd a1, 0(a0)\n ret\n"
    "m_mprv_ld: li t0, 0x20000\n csrs mstatus, t0\n"
    "m_mprv_ld_insn: ld a0, 0(a0)\n csrc mstatus, t0\n ret\n"
    ".option pop\n"
    ".popsection\n");
extern char m_ld[], m_sd[], m_mprv_ld_insn[];
unsigned long m_mprv_ld(unsigned long pa);

static void set_pmpaddr(unsigned i, unsigned long v)
{
    switch (i) {
    case 0:
        csr_write(pmpaddr0, v);
        break;
    case 1:
        csr_write(pmpaddr1, v);
        break;
    case 2:
        csr_write(pmpaddr2, v);
        break;
    case 3:
        csr_write(pmpaddr3, v);
        break;
    case 4:
        csr_write(pmpaddr4, v);
        break;
    case 5:
        csr_write(pmpaddr5, v);
        break;
    case 6:
        csr_write(pmpaddr6, v);
        break;
    case 7:
        csr_write(pmpaddr7, v);
        break;
    case 15:
        csr_write(pmpaddr15, v);
        break;
    default:
        test_fail(FAIL_INFRA);
    }
}

static unsigned long get_pmpaddr(unsigned i)
{
    switch (i) {
    case 4:
        return csr_read(pmpaddr4);
    case 5:
        return csr_read(pmpaddr5);
    case 6:
        return csr_read(pmpaddr6);
    default:
        test_fail(FAIL_INFRA);
    }
}

/* RV64: pmpcfg0 holds entries 0..7, pmpcfg2 entries 8..15, 8 bits each */
static void set_pmpcfg(unsigned i, unsigned cfg)
{
    unsigned shift = (i % 8) * 8;
    unsigned long mask = 0xffUL << shift, v = (unsigned long)cfg << shift;
    if (i < 8)
        csr_write(pmpcfg0, (csr_read(pmpcfg0) & ~mask) | v);
    else
        csr_write(pmpcfg2, (csr_read(pmpcfg2) & ~mask) | v);
}

static unsigned get_pmpcfg(unsigned i)
{
    unsigned long r = i < 8 ? csr_read(pmpcfg0) : csr_read(pmpcfg2);
    return (r >> ((i % 8) * 8)) & 0xff;
}

static void pmp_entry(unsigned i, unsigned long addr_field, unsigned cfg)
{
    set_pmpaddr(i, addr_field);
    set_pmpcfg(i, cfg);
}

static unsigned long napot(unsigned long base, unsigned long size)
{
    return (base >> 2) | ((size >> 3) - 1);
}

/* Reset to "entry 15 allows everything", entries 0..7 off (unlocked ones) */
static void pmp_reset(void)
{
    for (unsigned i = 0; i < 8; i++)
        if (!(get_pmpcfg(i) & PMP_L))
            set_pmpcfg(i, 0);
    pmp_entry(15, -1UL, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X);
    sfence_vma(); /* QEMU caches PMP results in its TLB: flush on change */
}

static void access_check(unsigned n, int line, int mode, char *probe, unsigned long addr,
                         unsigned long want_cause)
{
    unsigned long r = vm_access(mode, probe, addr);
    int ok = want_cause
                 ? (r == VM_FAULTED && last_trap.cause == want_cause && last_trap.tval == addr)
                 : r != VM_FAULTED;
    if (!ok) {
        uart_printf("mode %d access to %lx: r %lx cause %lx (want %lx) tval %lx\n", mode, addr, r,
                    last_trap.cause, want_cause, last_trap.tval);
        check_failed(n, __FILE__, line, "pmp access", 0, 0, 0);
    }
}
#define LOAD_OK(mode, a) access_check(__COUNTER__ + 1, __LINE__, mode, vm_probe_ld, a, 0)
#define STORE_OK(mode, a) access_check(__COUNTER__ + 1, __LINE__, mode, vm_probe_sd, a, 0)
#define LOAD_DENIED(mode, a)                                                                       \
    access_check(__COUNTER__ + 1, __LINE__, mode, vm_probe_ld, a, CAUSE_LOAD_ACCESS)
#define STORE_DENIED(mode, a)                                                                      \
    access_check(__COUNTER__ + 1, __LINE__, mode, vm_probe_sd, a, CAUSE_STORE_ACCESS)
#define AMO_DENIED(mode, a)                                                                        \
    access_check(__COUNTER__ + 1, __LINE__, mode, vm_probe_amo, a, CAUSE_STORE_ACCESS)

static void exec_check(unsigned n, int line, int mode, unsigned long addr, int denied)
{
    unsigned long r = vm_exec(mode, addr);
    int ok = denied ? (r == VM_FAULTED && last_trap.cause == CAUSE_FETCH_ACCESS &&
                       last_trap.epc == addr && last_trap.tval == addr)
                    : r == 0x77;
    if (!ok) {
        uart_printf("mode %d fetch at %lx: r %lx cause %lx epc %lx tval %lx\n", mode, addr, r,
                    last_trap.cause, last_trap.epc, last_trap.tval);
        check_failed(n, __FILE__, line, "pmp fetch", 0, 0, 0);
    }
}
#define EXEC_OK(mode, a) exec_check(__COUNTER__ + 1, __LINE__, mode, a, 0)
#define EXEC_DENIED(mode, a) exec_check(__COUNTER__ + 1, __LINE__, mode, a, 1)

static long s_nop(long x)
{
    return x + 1;
}

/* M hook: record the trap and abandon the run_in_mode that caused it */
static int abandon_run(struct trap_frame *f)
{
    last_trap.cause = f->cause;
    last_trap.epc = f->epc;
    last_trap.handler = 'M';
    m_trap_hook = NULL;
    resume_m_context(-1);
}

static void test_no_entries(void)
{
    /* nothing configured: S cannot execute anything */
    csr_write(pmpcfg0, 0);
    csr_write(pmpcfg2, 0);
    clear_last_trap();
    m_trap_hook = abandon_run;
    CHECK_EQ(run_in_mode(PRV_S, s_nop, 1, 0), -1);
    CHECK_EQ(last_trap.handler, 'M');
    CHECK(last_trap.cause == CAUSE_ILLEGAL_INSTRUCTION || last_trap.cause == CAUSE_FETCH_ACCESS);
    pmp_reset();
    CHECK_EQ(run_in_mode(PRV_S, s_nop, 1, 0), 2);
}

static void test_tor(void)
{
    pmp_reset();
    vm_put_code(R(1));
    /* [R(0), R(2)) read-only for S/U: entry 0 = start (A = OFF), entry 1 TOR */
    pmp_entry(0, R(0) >> 2, PMP_A_OFF);
    pmp_entry(1, R(2) >> 2, PMP_A_TOR | PMP_R);
    sfence_vma();
    LOAD_OK(PRV_S, R(0));
    LOAD_OK(PRV_U, R(1) + PAGE_SIZE - 8);
    STORE_DENIED(PRV_S, R(0) + 8);
    STORE_DENIED(PRV_U, R(1) + 16);
    AMO_DENIED(PRV_S, R(1));
    EXEC_DENIED(PRV_S, R(1));
    STORE_OK(PRV_S, R(2)); /* first byte past the top: entry 15 */
    STORE_OK(PRV_S, R(0) - 8);
    /* M ignores the unlocked entry */
    CHECK_EQ(((long (*)(long, long))(uintptr_t)m_sd)((long)R(0) + 8, 7), R(0) + 8);
    CHECK_EQ(*(volatile uint64_t *)(R(0) + 8), 7);
    /* with entry 0 as TOR the range starts at address 0: [0, R(1)) would
     * cover this code, so only check that the bound is read back */
    set_pmpcfg(1, 0);
    pmp_entry(0, R(1) >> 2, PMP_A_OFF);
    CHECK_EQ(csr_read(pmpaddr0), R(1) >> 2);
}

static void test_na4_napot(void)
{
    pmp_reset();
    vm_put_code(R(0));
    vm_put_code(R(1));
    /* NA4: one read-only word */
    pmp_entry(0, (R(2) + 0x40) >> 2, PMP_A_NA4 | PMP_R);
    /* NAPOT 4 KiB execute-only */
    pmp_entry(1, napot(R(0), PAGE_SIZE), PMP_A_NAPOT | PMP_X);
    sfence_vma();
    LOAD_OK(PRV_S, R(2) + 0x3c - 4);
    STORE_OK(PRV_S, R(2) + 0x48);
    /* 8-byte accesses overlapping the 4-byte region only partly fail even
     * though R would allow the load */
    LOAD_DENIED(PRV_S, R(2) + 0x40);
    LOAD_DENIED(PRV_S, R(2) + 0x3c); /* misaligned: partial match */
    STORE_DENIED(PRV_S, R(2) + 0x40);
    /* 4-byte load exactly on it works */
    {
        unsigned long r = vm_access(PRV_S, vm_probe_lw, R(2) + 0x40);
        CHECK(r != VM_FAULTED);
    }
    EXEC_OK(PRV_U, R(0));
    LOAD_DENIED(PRV_S, R(0) + 0x10);
    STORE_DENIED(PRV_U, R(0) + PAGE_SIZE - 8);
    EXEC_OK(PRV_S, R(1)); /* outside the NAPOT region */

    /* priority: entry 0 (4 KiB, nothing) inside entry 1 (8 KiB, RW) */
    pmp_entry(0, napot(R(1), PAGE_SIZE), PMP_A_NAPOT);
    pmp_entry(1, napot(R(0), 2 * PAGE_SIZE), PMP_A_NAPOT | PMP_R | PMP_W);
    sfence_vma();
    LOAD_OK(PRV_S, R(0) + 8);
    LOAD_DENIED(PRV_S, R(1) + 8);
    EXEC_DENIED(PRV_S, R(0));
    /* A = OFF turns entry 0 off: entry 1 now decides */
    set_pmpcfg(0, PMP_A_OFF | PMP_R);
    sfence_vma();
    LOAD_OK(PRV_S, R(1) + 8);
}

static void test_mprv(void)
{
    pmp_reset();
    pmp_entry(0, napot(R(3), PAGE_SIZE), PMP_A_NAPOT);
    sfence_vma();
    /* plain M access: allowed (entry not locked) */
    CHECK_EQ(((long (*)(long))(uintptr_t)m_ld)((long)R(3)), *(volatile uint64_t *)R(3));
    /* MPRV with MPP = S: checked as S */
    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, (unsigned long)PRV_S << MSTATUS_MPP_SHIFT);
    expect_trap(EXPECT_GOTO);
    trap_goto_pc = (unsigned long)mprv_fault_return;
    CHECK_EQ(m_mprv_ld(R(3)), TRAP_RET_VALUE);
    CHECK_TRAP('M', CAUSE_LOAD_ACCESS, (unsigned long)m_mprv_ld_insn, R(3));
    csr_set(mstatus, MSTATUS_MPP);
}

static void test_page_walk(void)
{
    const unsigned long va = 0x200000000UL;
    pmp_reset();
    vm_init(SATP_MODE_SV39);
    vm_map(va, R(2), 0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
    /* find the last-level table of va (root -> level 1 -> level 0); only
     * this VA uses it, while our code is mapped by a gigapage in the root */
    uint64_t *root = (uint64_t *)((vm_satp() & ((1UL << 44) - 1)) << 12);
    uint64_t *l1 = (uint64_t *)((root[(va >> 30) & 511] >> PTE_PPN_SHIFT) << 12);
    unsigned long l0 = (l1[(va >> 21) & 511] >> PTE_PPN_SHIFT) << 12;
    vm_enable();
    LOAD_OK(PRV_S, va);
    /* that table unreadable for S: the walk fails with an access fault of
     * the access's own type, mtval = the VA */
    pmp_entry(0, napot(l0, PAGE_SIZE), PMP_A_NAPOT);
    sfence_vma();
    LOAD_DENIED(PRV_S, va);
    STORE_DENIED(PRV_S, va + 8);
    csr_write(satp, 0);
    sfence_vma();
}

static void test_locked(void)
{
    pmp_reset();
    /* TOR entry 5 over [R(3), R(3) + 4 KiB) read-only and locked: M too */
    pmp_entry(4, R(3) >> 2, PMP_A_OFF);
    pmp_entry(5, (R(3) + PAGE_SIZE) >> 2, PMP_A_TOR | PMP_R | PMP_L);
    sfence_vma();
    CHECK_EQ(((long (*)(long))(uintptr_t)m_ld)((long)R(3) + 8), *(volatile uint64_t *)(R(3) + 8));
    expect_trap(EXPECT_SKIP);
    ((long (*)(long, long))(uintptr_t)m_sd)((long)R(3) + 8, 1);
    CHECK_TRAP('M', CAUSE_STORE_ACCESS, (unsigned long)m_sd, R(3) + 8);
    STORE_DENIED(PRV_S, R(3) + 16);
    /* the locked entry and the pmpaddr below its TOR range ignore writes */
    set_pmpcfg(5, PMP_A_NAPOT | PMP_R | PMP_W | PMP_X);
    CHECK_EQ(get_pmpcfg(5), PMP_A_TOR | PMP_R | PMP_L);
    unsigned long a5 = get_pmpaddr(5), a4 = get_pmpaddr(4);
    set_pmpaddr(5, a5 + 0x100);
    set_pmpaddr(4, a4 - 0x100);
    CHECK_EQ(get_pmpaddr(5), a5);
    CHECK_EQ(get_pmpaddr(4), a4);
    /* an unlocked neighbour stays writable */
    set_pmpaddr(6, 0x1234);
    CHECK_EQ(get_pmpaddr(6), 0x1234);
    /* still enforced after the attempts */
    expect_trap(EXPECT_SKIP);
    ((long (*)(long, long))(uintptr_t)m_sd)((long)R(3), 1);
    CHECK_EQ(last_trap.cause, CAUSE_STORE_ACCESS);
}

int main(void)
{
    test_no_entries();
    test_tor();
    test_na4_napot();
    test_mprv();
    test_page_walk();
    test_locked(); /* last: the lock holds until reset */
    return 0;
}

TEST_END_CHECKS();
