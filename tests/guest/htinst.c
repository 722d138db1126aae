/*
 * mtinst/htinst on guest-page faults (Privileged ISA 20211203, 8.6.3), on -cpu rv64,h=on:
 * the transformed instruction of an explicit load, store or AMO from VS (immediate cleared,
 * rs1 replaced by the address offset, bit 1 cleared for a compressed instruction after its
 * expansion), and the pseudoinstructions of the VS-stage walk's implicit accesses (0x3000:
 * reading a 64-bit PTE at an unmapped GPA; 0x3020: writing a PTE's A bit in a read-only
 * G-stage page). QEMU 7.2 writes 0 (allowed by the spec): it fails check 3, the first
 * transformed instruction. The VS-stage tables: VA 2 GiB identity (the code), VA 1 GiB through
 * a level-1 table at the unmapped GPA, then at a read-only one.
 *
 * G-stage (Sv39x4): GPA 2 GiB identity-mapped (RAM, RWX), GPA 4 GiB an alias of PA 2 GiB
 * that is read-only, GPA 3 GiB unmapped.
 */
#include "test.h"

#define CSR_VSATP 0x280
#define CSR_HGATP 0x680
#define CSR_HTINST 0x64a
#define CSR_MTINST 0x34a
#define CSR_MTVAL2 0x34b

#define GPA_HOLE 0xc0000000UL
#define GPA_RO_ALIAS 0x100000000UL /* + (pa - 2 GiB): PA 2 GiB.., read-only */
#define PTE_AD (PTE_A | PTE_D)

static uint64_t g_root[2048] __attribute__((aligned(16384)));
static uint64_t vs_root[512] __attribute__((aligned(4096)));
static uint64_t vs_l1[512] __attribute__((aligned(4096)));
static char vs_stack[4096] __attribute__((aligned(16)));
static volatile unsigned long m_mtinst, m_mtval2;
static volatile unsigned long hs_htinst, hs_count;

static int m_hook(struct trap_frame *f)
{
    if (is_exit_ecall(f))
        resume_m_context((long)f->regs[REG_A0]);
    m_mtinst = csr_read(CSR_MTINST);
    m_mtval2 = csr_read(CSR_MTVAL2);
    return 0;
}

static int s_hook(struct trap_frame *f)
{
    if (is_exit_ecall(f))
        forward_exit_to_m((long)f->regs[REG_A0]);
    hs_htinst = csr_read(CSR_HTINST);
    hs_count++;
    return 0;
}

static long run_virt(long (*fn)(long), long arg)
{
    return run_in_virt_mode(PRV_S, fn, arg, vs_stack + sizeof(vs_stack));
}

/* ---- VS: one access each, with known encodings ---- */

static long vs_ld(long addr) /* ld a0, 8(a1): 32 bits */
{
    register long a0 asm("a0");
    register long a1 asm("a1") = addr - 8;
    asm volatile(".option push\n.option norvc\nld a0, 8(a1)\n.option pop"
                 : "=r"(a0)
                 : "r"(a1)
                 : "memory");
    return a0;
}

static long vs_c_ld(long addr) /* c.ld a0, 8(a1) */
{
    register long a0 asm("a0");
    register long a1 asm("a1") = addr - 8;
    asm volatile(".option push\n.option rvc\nc.ld a0, 8(a1)\n.option pop"
                 : "=r"(a0)
                 : "r"(a1)
                 : "memory");
    return a0;
}

static long vs_sw(long addr) /* sw a2, 12(a1) */
{
    register long a1 asm("a1") = addr - 12;
    register long a2 asm("a2") = 5;
    asm volatile(".option push\n.option norvc\nsw a2, 12(a1)\n.option pop" ::"r"(a1), "r"(a2)
                 : "memory");
    return 0;
}

static long vs_amoadd(long addr) /* amoadd.w a0, a2, (a1) */
{
    register long a0 asm("a0");
    register long a1 asm("a1") = addr;
    register long a2 asm("a2") = 1;
    asm volatile("amoadd.w a0, a2, (a1)" : "=r"(a0) : "r"(a1), "r"(a2) : "memory");
    return a0;
}

static void build_tables(void)
{
    /* Sv39x4 root: 2048 entries of 1 GiB; U pages (G-stage accesses are user ones) */
    g_root[2] = (0x80000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_AD;
    g_root[4] = (0x80000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_U | PTE_AD;
    /* VS-stage Sv39: VA 2 GiB identity (this code); VA 1 GiB below a table main() picks */
    vs_root[2] = (0x80000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_AD;
    vs_l1[0] = (0x80000000UL >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X; /* A = 0 */
}

static void hfences(void)
{
    asm volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory"); /* hfence.gvma */
    asm volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory"); /* hfence.vvma */
}

static unsigned long ro_alias(void *p)
{
    return GPA_RO_ALIAS + ((unsigned long)p - 0x80000000UL);
}

int main(void)
{
    pmp_allow_all();
    CHECK(csr_read(misa) & (1UL << ('H' - 'A')));
    m_trap_hook = m_hook;
    s_trap_hook = s_hook;
    build_tables();
    csr_write(CSR_HGATP, (8UL << 60) | ((unsigned long)g_root >> 12));
    hfences();
    /* explicit accesses to the unmapped GPA: the transformed instruction in mtinst */
    expect_trap(EXPECT_SKIP);
    run_virt(vs_ld, GPA_HOLE);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtinst, 0x00003503UL); /* ld a0, 0(x0-as-offset-0) */
    expect_trap(EXPECT_SKIP);
    run_virt(vs_c_ld, GPA_HOLE + 0x40);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtinst, 0x00003501UL); /* the expansion, bit 1 clear */
    expect_trap(EXPECT_SKIP);
    run_virt(vs_sw, GPA_HOLE + 0x80);
    CHECK_EQ(last_trap.cause, CAUSE_STORE_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtinst, 0x00c02023UL); /* sw a2, 0: immediate and rs1 cleared */
    expect_trap(EXPECT_SKIP);
    run_virt(vs_amoadd, GPA_HOLE + 0xc0);
    CHECK_EQ(last_trap.cause, CAUSE_STORE_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtinst, 0x00c0252fUL);
    /* delegated to HS: the same in htinst */
    csr_write(medeleg, 1UL << CAUSE_LOAD_GUEST_PAGE_FAULT);
    hs_count = 0;
    expect_trap(EXPECT_SKIP);
    run_virt(vs_ld, GPA_HOLE + 0x100);
    csr_write(medeleg, 0);
    CHECK_EQ(hs_count, 1);
    CHECK_EQ(hs_htinst, 0x00003503UL);
    /* VA 1 GiB's level-1 table at an unmapped GPA: the implicit 64-bit PTE read, 0x3000 */
    vs_root[1] = (GPA_HOLE >> 12) << 10 | PTE_V;
    csr_write(CSR_VSATP, (8UL << 60) | ((unsigned long)vs_root >> 12));
    hfences();
    expect_trap(EXPECT_SKIP);
    run_virt(vs_ld, 0x40000000UL);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtval2, GPA_HOLE >> 2);
    CHECK_EQ(m_mtinst, 0x3000UL);
    /* ... in the read-only alias, its leaf with A = 0: the A write faults, 0x3020 */
    vs_root[1] = (ro_alias(vs_l1) >> 12) << 10 | PTE_V;
    hfences();
    expect_trap(EXPECT_SKIP);
    run_virt(vs_ld, 0x40000000UL);
    CHECK_EQ(last_trap.cause, CAUSE_LOAD_GUEST_PAGE_FAULT);
    CHECK_EQ(m_mtval2, ro_alias(&vs_l1[0]) >> 2);
    CHECK_EQ(m_mtinst, 0x3020UL);
    csr_write(CSR_VSATP, 0);
    csr_write(CSR_HGATP, 0);
    return 0;
}

TEST_END_CHECKS();
