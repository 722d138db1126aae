/*
 * Page-table walks that read a device (Privileged ISA 4.3.2: a PTE is read
 * from wherever satp and the tables point, memory or not).
 *
 * Hart 0 points satp at the CLINT's mtimecmp page, so the Sv39 root PTE of
 * VA_T (vpn[2] = 1) is hart 1's mtimecmp register. It loads through VA_T in
 * M-mode with MPRV (MPP = S), so only its data accesses are translated, with
 * an sfence.vma before each so that each load walks:
 *  - mtimecmp[1] = a valid 1 GiB leaf onto RAM: the load reads RAM;
 *  - mtimecmp[1] = 0 (not valid): load page fault;
 *  - a leaf without A: the walk cannot set A in a device, so page fault (as
 *    QEMU 7.2) and the register keeps its value;
 *  - then hart 1 rewrites mtimecmp[1] between the two values while hart 0
 *    walks: every load either faults or reads RAM. On an emulator this is a
 *    device read from one hart's walk concurrent with another hart's device
 *    write (issue 13 item 1: the walk must take the same lock as loads; the
 *    ThreadSanitizer build shows it).
 */
#include "smp.h"

#define VA_T 0x40000000UL
#define LEAF_GIGA ((((unsigned long)VIRT_DRAM_BASE >> 12) << PTE_PPN_SHIFT) | PTE_V | PTE_R | PTE_W | PTE_X)
#define LEAF_AD (LEAF_GIGA | PTE_A | PTE_D)
#define NO_VALUE 0xdeadbeefdeadbeefUL
#define HAMMER_WRITES 20000
#define MIN_WALKS 2000

static volatile uint64_t magic = 0x600dcafe0badf00dUL;
static volatile unsigned long faults, bad_cause;
static volatile int hammer_go, hammer_done;

#define MTIMECMP1 (CLINT_MTIMECMP + 8)

/* mtvec direct mode: the handler must be 4-byte aligned. Skips the faulting 4-byte load. */
static void __attribute__((interrupt("machine"), aligned(4))) fault_handler(void)
{
    if (csr_read(mcause) == CAUSE_LOAD_PAGE_FAULT)
        faults++;
    else
        bad_cause = csr_read(mcause);
    csr_write(mepc, csr_read(mepc) + 4);
}

/* One load of va translated as S-mode (MPRV), after dropping every cached translation. */
static unsigned long load_as_s(unsigned long va)
{
    unsigned long v = NO_VALUE;

    csr_clear(mstatus, MSTATUS_MPP);
    csr_set(mstatus, (unsigned long)PRV_S << MSTATUS_MPP_SHIFT);
    asm volatile(".option push\n"
                 ".option norvc\n"
                 "sfence.vma\n"
                 "csrs mstatus, %[mprv]\n"
                 "ld %[v], 0(%[va])\n"
                 "csrc mstatus, %[mprv]\n"
                 ".option pop\n"
                 : [v] "+r"(v)
                 : [va] "r"(va), [mprv] "r"(MSTATUS_MPRV)
                 : "memory");
    return v;
}

static unsigned long magic_va(void)
{
    return VA_T + ((uintptr_t)&magic - VIRT_DRAM_BASE);
}

static void deterministic_walks(void)
{
    mmio_write64(MTIMECMP1, LEAF_AD);
    CHECK_EQ(load_as_s(magic_va()), magic);
    CHECK_EQ(faults, 0);
    mmio_write64(MTIMECMP1, 0);
    CHECK_EQ(load_as_s(magic_va()), NO_VALUE);
    CHECK_EQ(faults, 1);
    mmio_write64(MTIMECMP1, LEAF_GIGA);
    CHECK_EQ(load_as_s(magic_va()), NO_VALUE);
    CHECK_EQ(faults, 2);
    CHECK_EQ(mmio_read64(MTIMECMP1), LEAF_GIGA);
}

static void concurrent_walks(void)
{
    unsigned long ok = 0, wrong = 0, walks = 0;

    faults = 0;
    hammer_go = 1;
    fence();
    while (!hammer_done || walks < MIN_WALKS) {
        unsigned long v = load_as_s(magic_va());
        if (v == magic)
            ok++;
        else if (v != NO_VALUE)
            wrong++;
        walks++;
    }
    CHECK_EQ(wrong, 0);
    CHECK_EQ(ok + faults, walks);
    uart_printf("%lu walks through mtimecmp: %lu mapped, %lu faulted\n", walks, ok, faults);
}

static void hammer_mtimecmp(void)
{
    while (!hammer_go)
        ;
    for (unsigned i = 0; i < HAMMER_WRITES; i++)
        mmio_write64(MTIMECMP1, (i & 1) ? 0 : LEAF_AD);
    fence();
    hammer_done = 1;
}

int hart_main(unsigned hartid)
{
    if (hartid == 1)
        hammer_mtimecmp();
    if (hartid != 0)
        return 0;
    CHECK(smp_num_harts >= 2);
    pmp_allow_all();
    csr_write(mtvec, (uintptr_t)fault_handler);
    csr_write(satp, (SATP_MODE_SV39 << SATP_MODE_SHIFT) | (CLINT_MTIMECMP >> 12));
    deterministic_walks();
    concurrent_walks();
    csr_write(satp, 0);
    mmio_write64(MTIMECMP1, ~0UL);
    CHECK_EQ(bad_cause, 0);
    uart_printf("all checks passed\n");
    return 0;
}

TEST_END_CHECKS();
