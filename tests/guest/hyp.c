/*
 * The H extension (Privileged ISA 20211203, chapter 8), run on -cpu rv64,h=on
 * (and QEMU 7.2's default rv64, which has it): the hypervisor CSRs' WARL
 * values, VS/VU modes entered by MRET with MPV, S-CSR redirection to the vs*
 * registers, virtual-instruction exceptions, trap routing with medeleg/hedeleg
 * (ecall from VS = 10, SPV/SPVP, GVA), two-stage translation with guest-page
 * faults (htval/mtval2 = GPA >> 2, implicit VS-stage PTE reads), hlv/hlvx/hsv,
 * hfence.gvma, and VS-level interrupts through hvip/hideleg/vsie.
 *
 * Hypervisor instructions and CSRs are hand-encoded (.insn, CSR numbers) so
 * the test does not depend on the assembler knowing H.
 */
#include "test.h"

#define CSR_VSSTATUS 0x200
#define CSR_VSIE 0x204
#define CSR_VSTVEC 0x205
#define CSR_VSSCRATCH 0x240
#define CSR_VSEPC 0x241
#define CSR_VSCAUSE 0x242
#define CSR_VSIP 0x244
#define CSR_VSATP 0x280
#define CSR_HSTATUS 0x600
#define CSR_HEDELEG 0x602
#define CSR_HIDELEG 0x603
#define CSR_HIE 0x604
#define CSR_HCOUNTEREN 0x606
#define CSR_HTVAL 0x643
#define CSR_HIP 0x644
#define CSR_HVIP 0x645
#define CSR_HTINST 0x64a
#define CSR_HGATP 0x680
#define CSR_MTVAL2 0x34b
#define CSR_MENVCFG 0x30a
#define CSR_HENVCFG 0x60a
#define CSR_HTIMEDELTA 0x605
#define CSR_VSTIMECMP 0x24d
#define MENVCFG_STCE (1UL << 63)
#define MIP_VSTIP (1UL << 6)

#define HSTATUS_GVA (1UL << 6)
#define HSTATUS_SPV (1UL << 7)
#define HSTATUS_SPVP (1UL << 8)
#define HSTATUS_VTVM (1UL << 20)
#define HSTATUS_VTW (1UL << 21)
#define HSTATUS_VTSR (1UL << 22)
#define MSTATUS_GVA (1UL << 38)


#define MIP_VSSIP (1UL << 2)
#define MIP_VSEIP (1UL << 10)

#define PTE_RWX_AD (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* Guest-physical layout of the G-stage (Sv39x4): 0-1 GiB devices and 2-3 GiB RAM
 * identity-mapped; 4 GiB + 0/1/2 pages: data (RW), read-only, execute-only; 3 GiB unmapped. */
#define GPA_DATA 0x100000000UL
#define GPA_RO (GPA_DATA + 0x1000)
#define GPA_XO (GPA_DATA + 0x2000)
#define GPA_HOLE 0xc0000000UL
/* VS-stage (Sv39): VA 1 GiB -> GPA 4 GiB (gigapage), VA 5 GiB -> table in the hole. */
#define VA_DATA 0x40000000UL
#define VA_BAD_TABLE 0x140000000UL
#define VA_XO 0xc0000000UL /* -> GPA 4 GiB, execute-only in the VS stage */

static uint64_t g_root[2048] __attribute__((aligned(16384)));
static uint64_t g_l1[512] __attribute__((aligned(4096)));
static uint64_t g_l0[512] __attribute__((aligned(4096)));
static uint64_t vs_root[512] __attribute__((aligned(4096)));
static volatile uint64_t data_page[512] __attribute__((aligned(4096)));
static volatile uint64_t data_page2[512] __attribute__((aligned(4096)));
static volatile uint64_t ro_page[512] __attribute__((aligned(4096)));
static volatile uint64_t xo_page[512] __attribute__((aligned(4096)));
static char vs_stack[4096] __attribute__((aligned(16)));

/* What the VS trap handler (vs_trap_entry, below) saw: t1 save, cause, tval, epc, count. */
volatile unsigned long vs_trap_save[5];
/* mtval2 of the last trap into M other than an exit */
static volatile unsigned long m_mtval2;
/* What the HS hook saw. */
static volatile unsigned long hs_hstatus, hs_htval, hs_htinst, hs_cause, hs_count;

/*
 * VS-mode's trap handler: record scause/stval/sepc (the vs* registers), skip the
 * instruction for exceptions, clear vsip.SSIP for interrupts, sret (staying in VS).
 */
asm(".text\n"
    ".align 2\n"
    ".globl vs_trap_entry\n"
    "vs_trap_entry:\n"
    "  csrw sscratch, t0\n"
    "  la t0, vs_trap_save\n"
    "  sd t1, 0(t0)\n"
    "  csrr t1, scause\n"
    "  sd t1, 8(t0)\n"
    "  csrr t1, stval\n"
    "  sd t1, 16(t0)\n"
    "  csrr t1, sepc\n"
    "  sd t1, 24(t0)\n"
    "  ld t1, 32(t0)\n"
    "  addi t1, t1, 1\n"
    "  sd t1, 32(t0)\n"
    "  csrr t1, scause\n"
    "  bltz t1, 1f\n"
    "  csrr t1, sepc\n"
    "  addi t1, t1, 4\n"
    "  csrw sepc, t1\n"
    "  j 2f\n"
    "1: csrci sip, 2\n"
    "  csrci sie, 0x2\n"
    "  li t1, 0x200\n"
    "  csrc sie, t1\n"
    "2: ld t1, 0(t0)\n"
    "  csrr t0, sscratch\n"
    "  sret\n");
extern char vs_trap_entry[];

/* The exit ecall from VS-mode has cause 10, which the library does not know. */
static int m_hook(struct trap_frame *f)
{
    if (is_exit_ecall(f))
        resume_m_context((long)f->regs[REG_A0]);
    m_mtval2 = csr_read(CSR_MTVAL2); /* before the exit ecall's trap rewrites it */
    return 0;
}

/* Record the hypervisor state of a trap into HS, then let the library skip/record it. */
static int s_hook(struct trap_frame *f)
{
    /* the exit ecall of VS code, delegated here: pass it on to M */
    if (is_exit_ecall(f))
        forward_exit_to_m((long)f->regs[REG_A0]);
    hs_hstatus = csr_read(CSR_HSTATUS);
    hs_htval = csr_read(CSR_HTVAL);
    hs_htinst = csr_read(CSR_HTINST);
    hs_cause = f->cause;
    hs_count++;
    if (f->cause == (CAUSE_INTERRUPT | 2)) {
        csr_clear(CSR_HVIP, MIP_VSSIP);
        return 1;
    }
    return 0;
}

/* Run fn(arg) in VS (mode PRV_S) or VU (PRV_U) and come back to M. */
static long run_virt(int mode, long (*fn)(long), long arg)
{
    return run_in_virt_mode(mode, fn, arg, vs_stack + sizeof(vs_stack));
}

/* ---- code run in VS / VU ---- */

CSR_READER(vs_read_sstatus, sstatus)
CSR_READER(vs_read_hstatus, CSR_HSTATUS)
CSR_READER(vs_read_mstatus, mstatus)

static long vs_ecall(long arg)
{
    register long a7 asm("a7") = 0;
    asm volatile("ecall" : "+r"(a7)::"memory");
    return arg;
}

static long vs_sret(long arg)
{
    asm volatile("sret" ::: "memory");
    return arg;
}

static long vs_wfi(long arg)
{
    asm volatile("wfi" ::: "memory");
    return arg;
}

static long vs_sfence(long arg)
{
    asm volatile("sfence.vma" ::: "memory");
    return arg;
}

CSR_READER(vs_read_satp, satp)

static long vs_hfence(long arg)
{
    asm volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory"); /* hfence.vvma */
    return arg;
}

static long vs_hlv(long arg)
{
    long v;
    asm volatile(".insn r 0x73, 4, 0x36, %0, %1, x0" : "=r"(v) : "r"(arg) : "memory"); /* hlv.d */
    return v;
}

CSR_READER(vs_read_time, time)

static long vs_fp(long arg)
{
    asm volatile("fmv.d.x ft0, %0" ::"r"(arg) : "ft0");
    return arg;
}

static long vs_load(long addr)
{
    return (long)*(volatile uint64_t *)addr;
}

static long vs_store(long addr)
{
    *(volatile uint64_t *)addr = 0x5a5a;
    return 0;
}

static long vs_spin(long n)
{
    for (volatile long i = 0; i < n; i++) {
    }
    return n;
}

/* ---- hypervisor loads and stores from M ---- */

static unsigned long hlv_d(unsigned long va)
{
    unsigned long v;
    asm volatile(".insn r 0x73, 4, 0x36, %0, %1, x0" : "=r"(v) : "r"(va) : "memory");
    return v;
}

static unsigned long hlv_w(unsigned long va)
{
    unsigned long v;
    asm volatile(".insn r 0x73, 4, 0x34, %0, %1, x0" : "=r"(v) : "r"(va) : "memory");
    return v;
}

static unsigned long hlvx_wu(unsigned long va)
{
    unsigned long v;
    asm volatile(".insn r 0x73, 4, 0x34, %0, %1, x3" : "=r"(v) : "r"(va) : "memory");
    return v;
}

static void hsv_d(unsigned long va, unsigned long v)
{
    asm volatile(".insn r 0x73, 4, 0x37, x0, %0, %1" ::"r"(va), "r"(v) : "memory");
}

static void hfence_gvma(void)
{
    asm volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

static uint64_t gpte(unsigned long pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}

static void build_tables(void)
{
    /* G-stage: every leaf is a U page */
    g_root[0] = gpte(0, PTE_RWX_AD | PTE_U);
    g_root[2] = gpte(0x80000000UL, PTE_RWX_AD | PTE_U);
    g_root[4] = gpte((unsigned long)g_l1, PTE_V);
    g_l1[0] = gpte((unsigned long)g_l0, PTE_V);
    g_l0[0] = gpte((unsigned long)data_page, PTE_RWX_AD | PTE_U);
    g_l0[1] = gpte((unsigned long)ro_page, PTE_V | PTE_R | PTE_A | PTE_U);
    g_l0[2] = gpte((unsigned long)xo_page, PTE_V | PTE_X | PTE_A | PTE_U);
    /* VS-stage: RAM and devices identity (supervisor), VA 1 GiB -> GPA 4 GiB,
     * VA 5 GiB -> a table at an unmapped guest-physical address */
    vs_root[0] = gpte(0, PTE_RWX_AD);
    vs_root[2] = gpte(0x80000000UL, PTE_RWX_AD);
    vs_root[1] = gpte(GPA_DATA, PTE_RWX_AD);
    vs_root[5] = gpte(GPA_HOLE, PTE_V);
    vs_root[3] = gpte(GPA_DATA, PTE_V | PTE_X | PTE_A);
}

static void check_csrs(void)
{
    CHECK_EQ((csr_read(CSR_HSTATUS) >> 32) & 3, 2); /* VSXL = 64 */
    csr_write(mideleg, 0);
    CHECK_EQ(csr_read(mideleg), 0x1444); /* VSSI, VSTI, VSEI, SGEI read-only one */
    csr_write(CSR_HEDELEG, -1UL);
    CHECK_EQ(csr_read(CSR_HEDELEG), 0xb1ff);
    csr_write(CSR_HEDELEG, 0);
    csr_write(CSR_HIDELEG, -1UL);
    CHECK_EQ(csr_read(CSR_HIDELEG), 0x444);
    csr_write(CSR_HIDELEG, 0);
    csr_write(CSR_HGATP, (8UL << 60) | 0x80007UL);
    /* PPN[1:0] read zero (16 KiB root); QEMU 7.2 keeps them: both accepted */
    CHECK_EQ(csr_read(CSR_HGATP) & ~(0x3fffUL << 44) & ~3UL, (8UL << 60) | 0x80004UL);
    csr_write(CSR_HGATP, 0);
    csr_write(CSR_HVIP, MIP_VSSIP);
    CHECK_EQ(csr_read(mip) & MIP_VSSIP, MIP_VSSIP);
    CHECK_EQ(csr_read(CSR_HIP) & MIP_VSSIP, MIP_VSSIP);
    csr_write(CSR_HVIP, 0);
    CHECK_EQ(csr_read(mip) & MIP_VSSIP, 0);
    /* vsstatus is its own register: sstatus does not see it */
    csr_clear(sstatus, MSTATUS_SUM);
    csr_write(CSR_VSSTATUS, MSTATUS_SUM | MSTATUS_FS_INITIAL);
    CHECK_EQ(csr_read(CSR_VSSTATUS) & MSTATUS_SUM, MSTATUS_SUM);
    CHECK_EQ(csr_read(sstatus) & MSTATUS_SUM, 0);
}

/* Sstc with H: hip.VSTIP follows time + htimedelta >= vstimecmp under both STCE bits. */
static void check_vstimecmp(void)
{
    unsigned long now = csr_read(time);

    csr_set(CSR_MENVCFG, MENVCFG_STCE);
    csr_set(CSR_HENVCFG, MENVCFG_STCE);
    csr_write(CSR_HTIMEDELTA, 0);
    csr_write(CSR_VSTIMECMP, now + 1000000000UL);
    CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, 0);
    /* the guest's time (time + htimedelta) past vstimecmp; QEMU 7.2 compares again only when
     * vstimecmp is written, so it is written after htimedelta */
    csr_write(CSR_HTIMEDELTA, 2000000000UL);
    csr_write(CSR_VSTIMECMP, now + 1000000000UL);
    CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, MIP_VSTIP);
    CHECK_EQ(csr_read(mip) & MIP_VSTIP, MIP_VSTIP);
    csr_write(CSR_VSTIMECMP, -1UL);
    CHECK_EQ(csr_read(CSR_HIP) & MIP_VSTIP, 0);
    csr_write(CSR_HTIMEDELTA, 0);
    csr_clear(CSR_HENVCFG, MENVCFG_STCE);
}

static void check_vs_basics(void)
{
    /* S-CSRs in VS are the vs* ones */
    CHECK_EQ(run_virt(PRV_S, vs_read_sstatus, 0) & MSTATUS_SUM, MSTATUS_SUM);
    /* hypervisor CSR from VS: virtual instruction, to M with MPV set */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_read_hstatus, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    CHECK_EQ(last_trap.tval, 0x60002573UL | 0); /* csrr a0, hstatus */
    CHECK(last_trap.status & MSTATUS_MPV);
    CHECK_EQ((last_trap.status >> MSTATUS_MPP_SHIFT) & 3, PRV_S);
    /* machine CSR from VS: illegal */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_read_mstatus, 0);
    CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
    /* supervisor CSR from VU: virtual instruction (8.6.1; QEMU 7.2 raises illegal
     * instruction: both accepted) */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_U, vs_read_sstatus, 0);
    CHECK(last_trap.cause == CAUSE_VIRTUAL_INSTRUCTION ||
          last_trap.cause == CAUSE_ILLEGAL_INSTRUCTION);
    CHECK_EQ((last_trap.status >> MSTATUS_MPP_SHIFT) & 3, PRV_U);
    /* ecall from VS is cause 10 */
    expect_trap(EXPECT_SKIP);
    CHECK_EQ(run_virt(PRV_S, vs_ecall, 7), 7);
    CHECK_EQ(last_trap.cause, CAUSE_VS_ECALL);
    /* VTSR, VTW, VTVM */
    csr_write(CSR_HSTATUS, HSTATUS_VTSR | HSTATUS_VTW | HSTATUS_VTVM);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_sret, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_wfi, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_sfence, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    /* satp under VTVM (8.2.1): virtual instruction; QEMU 7.2 lets VS read it: both accepted */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_read_satp, 0);
    CHECK(last_trap.cause == 0 || last_trap.cause == CAUSE_VIRTUAL_INSTRUCTION);
    expect_trap(EXPECT_NONE);
    csr_write(CSR_HSTATUS, 0);
    CHECK_EQ(run_virt(PRV_S, vs_read_satp, 0), 0); /* allowed again */
    /* hfence and hlv in VS: virtual instruction */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_hfence, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_hlv, (long)data_page);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    /* FP with HS-level FS Off traps even though vsstatus.FS is on (8.2.1) */
    csr_set(CSR_VSSTATUS, MSTATUS_FS_INITIAL);
    csr_clear(mstatus, MSTATUS_FS);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_fp, 1);
    csr_set(mstatus, MSTATUS_FS_INITIAL);
    CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
    expect_trap(EXPECT_NONE);
    CHECK_EQ(run_virt(PRV_S, vs_fp, 5), 5);
    CHECK_EQ(last_trap.cause, 0);
    /* counters: mcounteren clear -> illegal, hcounteren clear -> virtual */
    csr_write(mcounteren, 0);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_read_time, 0);
    CHECK_EQ(last_trap.cause, CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(mcounteren, 2);
    csr_write(CSR_HCOUNTEREN, 0);
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_read_time, 0);
    CHECK_EQ(last_trap.cause, CAUSE_VIRTUAL_INSTRUCTION);
    csr_write(CSR_HCOUNTEREN, 2);
    expect_trap(EXPECT_NONE);
    CHECK(run_virt(PRV_S, vs_read_time, 0) != 0);
}

static void check_delegation(void)
{
    /* ecall from VS delegated to HS: SPV = 1, SPVP = 1 */
    csr_write(medeleg, 1UL << CAUSE_VS_ECALL);
    hs_count = 0;
    expect_trap(EXPECT_SKIP);
    CHECK_EQ(run_virt(PRV_S, vs_ecall, 3), 3);
    CHECK_EQ(hs_count, 1);
    CHECK_EQ(last_trap.handler, 'S');
    CHECK_EQ(hs_cause, CAUSE_VS_ECALL);
    CHECK_EQ(hs_hstatus & (HSTATUS_SPV | HSTATUS_SPVP), HSTATUS_SPV | HSTATUS_SPVP);
    /* illegal instruction from VS delegated further to VS by hedeleg */
    csr_write(medeleg, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
    csr_write(CSR_HEDELEG, 1UL << CAUSE_ILLEGAL_INSTRUCTION);
    vs_trap_save[4] = 0;
    hs_count = 0;
    run_virt(PRV_S, vs_read_mstatus, 0);
    CHECK_EQ(vs_trap_save[4], 1);
    /* QEMU 7.2 turns exception causes 2, 6 and 10 into 1, 5, 9 on their way to VS as
     * it does for the VS interrupts (its bug): 1 accepted too */
    CHECK(vs_trap_save[1] == CAUSE_ILLEGAL_INSTRUCTION || vs_trap_save[1] == 1);
    CHECK_EQ(vs_trap_save[2], 0x30002573UL); /* csrr a0, mstatus */
    CHECK_EQ(hs_count, 0);
    CHECK_EQ(csr_read(CSR_VSCAUSE), vs_trap_save[1]);
    csr_write(CSR_HEDELEG, 0);
    csr_write(medeleg, 0);
}

static void check_two_stage(void)
{
    data_page[0] = 0x1111;
    data_page2[0] = 0x2222;
    csr_write(CSR_HGATP, (8UL << 60) | ((unsigned long)g_root >> 12));
    hfence_gvma();
    /* G-stage only (vsatp Bare) */
    CHECK_EQ(run_virt(PRV_S, vs_load, GPA_DATA), 0x1111);
    /* store to a read-only G-stage page: store guest-page fault to M */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_store, GPA_RO);
    CHECK_EQ(last_trap.cause, CAUSE_STORE_GUEST_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, GPA_RO);
    CHECK_EQ(m_mtval2, GPA_RO >> 2);
    CHECK(last_trap.status & MSTATUS_GVA);
    CHECK(last_trap.status & MSTATUS_MPV);
    /* load from an unmapped GPA, delegated to HS: htval, hstatus.GVA */
    csr_write(medeleg, 1UL << CAUSE_LOAD_GUEST_PAGE_FAULT);
    csr_write(CSR_HTINST, 0x5555); /* a stale value the trap must overwrite */
    hs_count = 0;
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_load, GPA_HOLE + 0x18);
    CHECK_EQ(hs_count, 1);
    CHECK_EQ(hs_cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, GPA_HOLE + 0x18);
    CHECK_EQ(hs_htval, (GPA_HOLE + 0x18) >> 2);
    /* overwritten: QEMU 7.2 writes 0, Kestrel the transformed instruction (htinst.c) */
    CHECK(hs_htinst != 0x5555);
    CHECK_EQ(hs_hstatus & (HSTATUS_GVA | HSTATUS_SPV), HSTATUS_GVA | HSTATUS_SPV);
    csr_write(medeleg, 0);
    /* VS-stage Sv39 on top */
    csr_write(CSR_VSATP, (8UL << 60) | ((unsigned long)vs_root >> 12));
    CHECK_EQ(run_virt(PRV_S, vs_load, VA_DATA), 0x1111);
    /* a VS-stage PTE at an unmapped GPA: guest-page fault of the implicit read */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_load, VA_BAD_TABLE);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(last_trap.tval, VA_BAD_TABLE);
    CHECK_EQ(m_mtval2, GPA_HOLE >> 2);
    /* a VS-stage page fault is an ordinary page fault (with GVA) */
    expect_trap(EXPECT_SKIP);
    run_virt(PRV_S, vs_load, 0x200000000UL);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_PAGE_FAULT);
    CHECK(last_trap.status & MSTATUS_GVA);
    /* hlv/hsv from M through both stages (SPVP = 1: as VS) */
    csr_write(CSR_HSTATUS, HSTATUS_SPVP);
    CHECK_EQ(hlv_d(VA_DATA), 0x1111);
    hsv_d(VA_DATA + 8, 0xabcd);
    CHECK_EQ(data_page[1], 0xabcd);
    /* hlvx reads an execute-only (VS-stage) page, hlv does not */
    data_page[2] = 0x12345678;
    /* QEMU 7.2 raises a load access fault here (its hlvx is broken): accepted, so that the
     * rest is still compared */
    expect_trap(EXPECT_SKIP);
    unsigned long x = hlvx_wu(VA_XO + 16);
    CHECK(last_trap.cause == 0 ? x == 0x12345678 : last_trap.cause == CAUSE_LOAD_ACCESS);
    expect_trap(EXPECT_NONE);
    expect_trap(EXPECT_SKIP);
    hlv_w(VA_XO + 16);
    /* (QEMU 7.2: load access fault, as for hlvx above) */
    CHECK(last_trap.cause == CAUSE_LOAD_PAGE_FAULT || last_trap.cause == CAUSE_LOAD_ACCESS);
    CHECK(last_trap.status & MSTATUS_GVA);
    /* an execute-only G-stage page: hlv faults with a guest-page fault (QEMU 7.2 also
     * refuses hlvx there, against 8.3.1, so hlvx is checked on the VS-stage page only) */
    csr_write(CSR_VSATP, 0);
    expect_trap(EXPECT_SKIP);
    hlv_w(GPA_XO);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtval2, GPA_XO >> 2);
    CHECK(last_trap.status & MSTATUS_GVA);
    CHECK_EQ(last_trap.status & MSTATUS_MPV, 0);
    csr_write(CSR_HSTATUS, 0);
    /* hfence.gvma makes a changed G-stage leaf visible */
    CHECK_EQ(run_virt(PRV_S, vs_load, GPA_DATA), 0x1111);
    g_l0[0] = gpte((unsigned long)data_page2, PTE_RWX_AD | PTE_U);
    hfence_gvma();
    CHECK_EQ(run_virt(PRV_S, vs_load, GPA_DATA), 0x2222);
    g_l0[0] = gpte((unsigned long)data_page, PTE_RWX_AD | PTE_U);
    hfence_gvma();
    csr_write(CSR_HGATP, 0);
    hfence_gvma();
}

static void check_interrupts(void)
{
    /* VSSIP delegated to VS by hideleg: taken in VS with scause = S-soft */
    csr_write(CSR_HIDELEG, MIP_VSSIP);
    csr_write(CSR_VSIE, MIP_SSIP); /* vsie.SSIE = hie.VSSIE */
    CHECK_EQ(csr_read(CSR_HIE) & MIP_VSSIP, MIP_VSSIP);
    csr_set(CSR_VSSTATUS, MSTATUS_SIE);
    csr_write(CSR_HVIP, MIP_VSSIP);
    CHECK_EQ(csr_read(CSR_VSIP), MIP_SSIP);
    vs_trap_save[4] = 0;
    run_virt(PRV_S, vs_spin, 10);
    CHECK_EQ(vs_trap_save[4], 1);
    CHECK_EQ(vs_trap_save[1], CAUSE_INTERRUPT | 1);
    CHECK_EQ(csr_read(mip) & MIP_VSSIP, 0); /* the handler cleared vsip.SSIP */
    /* VSEIP through hvip, taken as S-external in VS */
    csr_write(CSR_HIDELEG, MIP_VSEIP);
    csr_write(CSR_VSIE, MIP_SEIP);
    csr_set(CSR_VSSTATUS, MSTATUS_SIE);
    csr_write(CSR_HVIP, MIP_VSEIP);
    vs_trap_save[4] = 0;
    run_virt(PRV_S, vs_spin, 10);
    CHECK_EQ(vs_trap_save[1], CAUSE_INTERRUPT | 9);
    CHECK(vs_trap_save[4] >= 1);
    csr_write(CSR_HVIP, 0);
    /* not delegated by hideleg: VSSI goes to HS (enabled whatever HS's SIE while V=1) */
    csr_write(CSR_HIDELEG, 0);
    csr_write(CSR_HIE, MIP_VSSIP);
    csr_clear(sstatus, MSTATUS_SIE);
    hs_count = 0;
    csr_write(CSR_HVIP, MIP_VSSIP);
    run_virt(PRV_S, vs_spin, 10);
    CHECK_EQ(hs_count, 1);
    CHECK_EQ(hs_cause, CAUSE_INTERRUPT | 2);
    csr_write(CSR_HIE, 0);
    csr_write(CSR_HVIP, 0);
}

int main(void)
{
    pmp_allow_all();
    /* first, so that a hart without H fails here rather than in the hooks' CSR reads */
    CHECK(csr_read(misa) & (1UL << ('H' - 'A')));
    m_trap_hook = m_hook;
    s_trap_hook = s_hook;
    build_tables();
    csr_write(CSR_VSTVEC, (unsigned long)vs_trap_entry);
    csr_write(mcounteren, 2);
    csr_write(CSR_HCOUNTEREN, 2);
    check_csrs();
    check_vstimecmp();
    check_vs_basics();
    check_delegation();
    check_two_stage();
    check_interrupts();
    return 0;
}

TEST_END_CHECKS();
