/*
 * hfence.vvma (Privileged ISA 20211203, 8.3.1), on -cpu rv64,h=on (and QEMU 7.2's rv64): a
 * guest of VMID 1 (Sv39x4 G-stage, identity) with an Sv39 VS stage reads a page through a
 * VS-stage PTE; the hypervisor (M here, V = 0) changes that PTE and fences it with
 * hfence.vvma, which orders VS-stage table updates for the VMID hgatp holds: by guest
 * virtual address, all addresses, by ASID, and by both; VS's own sfence.vma is the same
 * fence. After each fence the guest must see the new page; what a guest sees before a fence
 * is left open by the spec and only printed ("vvma: unfenced read saw the old page").
 *
 * CSRs and instructions are named by number: the assembler need not know H.
 */
#include "test.h"

#define CSR_VSATP 0x280
#define CSR_HGATP 0x680
#define SATP_SV39 (8UL << 60)
#define HGATP_SV39X4 (8UL << 60)
#define ASID_SHIFT 44
#define VMID_SHIFT 44
#define PTE_LEAF (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

/* The test page's guest virtual address: 4 GiB + 1 MiB (VPN2 4, VPN1 0, VPN0 0x100). */
#define GVA 0x100100000UL
#define GVA_L0 0x100
#define ASID 5

static uint64_t groot[2048] __attribute__((aligned(16384)));
static uint64_t vs_root[512] __attribute__((aligned(4096)));
static uint64_t vs_l1[512] __attribute__((aligned(4096)));
static volatile uint64_t vs_l0[512] __attribute__((aligned(4096)));
static volatile uint64_t pages[4][512] __attribute__((aligned(4096)));
static char vs_stack[4096] __attribute__((aligned(16)));

static uint64_t pte(unsigned long pa, uint64_t flags)
{
    return ((pa >> 12) << 10) | flags;
}

static long vs_load(long addr)
{
    return (long)*(volatile uint64_t *)addr;
}

/* VS's own fence of one address (8.3.1: sfence.vma in VS is hfence.vvma of its VMID) */
static long vs_sfence_load(long addr)
{
    asm volatile("sfence.vma %0, zero" ::"r"(addr) : "memory");
    return (long)*(volatile uint64_t *)addr;
}

static unsigned long guest(long (*fn)(long))
{
    return (unsigned long)run_in_virt_mode(PRV_S, fn, (long)GVA, vs_stack + sizeof(vs_stack));
}

/* Point the test page's VS-stage PTE at pages[n] (no fence). */
static void remap(int n)
{
    vs_l0[GVA_L0] = pte((unsigned long)pages[n], PTE_LEAF);
    asm volatile("fence" ::: "memory");
}

static void hfence_vvma(unsigned long vaddr, unsigned long asid)
{
    asm volatile(".insn r 0x73, 0, 0x11, x0, %0, %1" ::"r"(vaddr), "r"(asid) : "memory");
}

static void hfence_vvma_all(void)
{
    asm volatile(".insn r 0x73, 0, 0x11, x0, x0, x0" ::: "memory");
}

static void hfence_vvma_asid(unsigned long asid)
{
    asm volatile(".insn r 0x73, 0, 0x11, x0, x0, %0" ::"r"(asid) : "memory");
}

static void hfence_vvma_addr(unsigned long vaddr)
{
    asm volatile(".insn r 0x73, 0, 0x11, x0, %0, x0" ::"r"(vaddr) : "memory");
}

static void hfence_gvma_all(void)
{
    asm volatile(".insn r 0x73, 0, 0x31, x0, x0, x0" ::: "memory");
}

int main(void)
{
    unsigned long unfenced;

    pmp_allow_all();
    for (int i = 0; i < 4; i++)
        pages[i][0] = 0x1111 * (i + 1);

    /* G-stage of VMID 1: devices and RAM identity. VS stage: RAM identity (supervisor),
     * GVA -> pages[0]. */
    groot[0] = pte(0, PTE_LEAF | PTE_U);
    groot[2] = pte(0x80000000UL, PTE_LEAF | PTE_U);
    vs_root[2] = pte(0x80000000UL, PTE_LEAF);
    vs_root[4] = pte((unsigned long)vs_l1, PTE_V);
    vs_l1[0] = pte((unsigned long)vs_l0, PTE_V);
    remap(0);
    csr_write(CSR_HGATP, HGATP_SV39X4 | 1UL << VMID_SHIFT | (unsigned long)groot >> 12);
    csr_write(CSR_VSATP, SATP_SV39 | (unsigned long)ASID << ASID_SHIFT |
                             (unsigned long)vs_root >> 12);
    hfence_gvma_all();
    hfence_vvma_all();
    CHECK_EQ(guest(vs_load), 0x1111);

    /* by address */
    remap(1);
    unfenced = guest(vs_load);
    CHECK(unfenced == 0x1111 || unfenced == 0x2222);
    uart_printf("vvma: unfenced read saw the %s page\n", unfenced == 0x1111 ? "old" : "new");
    hfence_vvma_addr(GVA);
    CHECK_EQ(guest(vs_load), 0x2222);
    /* everything */
    remap(2);
    guest(vs_load);
    hfence_vvma_all();
    CHECK_EQ(guest(vs_load), 0x3333);
    /* by the guest's ASID */
    remap(3);
    guest(vs_load);
    hfence_vvma_asid(ASID);
    CHECK_EQ(guest(vs_load), 0x4444);
    /* by address and ASID */
    remap(0);
    guest(vs_load);
    hfence_vvma(GVA, ASID);
    CHECK_EQ(guest(vs_load), 0x1111);
    /* the guest's own sfence.vma */
    remap(1);
    guest(vs_load);
    CHECK_EQ(guest(vs_sfence_load), 0x2222);

    csr_write(CSR_VSATP, 0);
    csr_write(CSR_HGATP, 0);
    return 0;
}

TEST_END_CHECKS();
