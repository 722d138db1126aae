/*
 * Cross-hart code patching: hart 1 runs patched_fn() in a loop (so its
 * translation is cached) while hart 0 rewrites the immediate of the function's
 * first instruction (addi a0, zero, imm), then tells hart 1 through memory and
 * an IPI (CLINT msip). After fence.i, hart 1 must run the new code (Zifencei:
 * fence.i orders the hart's fetches after the stores it has observed), and so
 * must hart 0 after its own store and fence.i.
 *
 * Built twice. code_patch.elf: hart 1 steps out of patched_fn while the store
 * happens (hart 0 asks it to hold first). code_patch_live.elf (LIVE_PATCHING):
 * hart 1 keeps calling it throughout, seeing the old or the new result until
 * its fence.i. QEMU 7.2 fails the live variant: it can keep a translation made
 * from the old bytes by one vCPU while another stores (it invalidates before
 * it writes), which the architecture does not allow; Kestrel must pass both.
 * Harts other than 0 and 1 park.
 */
#include "smp.h"

#ifdef LIVE_PATCHING
#define LIVE 1
#else
#define LIVE 0
#endif

#define ROUNDS 200
#define CALLS_BEFORE_PATCH 50

/* Not compressed, so the patch is one aligned 32-bit store. */
asm(".section .text.patched_fn, \"ax\"\n"
    ".option push\n"
    ".option norvc\n"
    ".balign 8\n"
    ".globl patched_fn\n"
    "patched_fn:\n"
    "    addi a0, zero, 1\n"
    "    ret\n"
    ".option pop\n");
long patched_fn(void);

static volatile unsigned long generation; /* patch number hart 0 published */
static volatile unsigned long acked;      /* generation hart 1 has checked */
static volatile unsigned long calls;      /* hart 1's calls since the last patch */
static volatile int hold_request, holding;
static volatile long seen_after[ROUNDS + 1];
static volatile long bad_value; /* a result other than the current version's */

static uint32_t addi_a0(long imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | 10 << 7 | 0x13; /* addi a0, x0, imm */
}

static long value_of(unsigned long gen)
{
    return 1 + (long)gen * 7 % 2000; /* fits the 12-bit immediate, changes each round */
}

static void wait_for_ipi(void)
{
    while (!(csr_read(mip) & MIP_MSIP))
        asm volatile("wfi");
    smp_clear_ipi(1);
    while (csr_read(mip) & MIP_MSIP)
        ;
    fence(); /* the IPI was sent after the patch and generation stores */
}

static int runner(void)
{
    unsigned long gen = 0;

    csr_set(mie, MIP_MSIP); /* wake-up source only: mstatus.MIE stays 0, no trap */
    while (gen < ROUNDS) {
        long v = patched_fn();

        calls++;
        if (v != value_of(gen) && !(LIVE && v == value_of(gen + 1)))
            bad_value = v;
        if (LIVE ? !(csr_read(mip) & MIP_MSIP) : !hold_request)
            continue;
        holding = 1;
        wait_for_ipi();
        gen = generation;
        fence_i();
        seen_after[gen] = patched_fn();
        calls = 0;
        fence();
        acked = gen;
    }
    return 0;
}

static int patcher(void)
{
    volatile uint32_t *insn = (volatile uint32_t *)(uintptr_t)patched_fn;

    CHECK_EQ(*insn, addi_a0(value_of(0)));
    for (unsigned long gen = 1; gen <= ROUNDS; gen++) {
        while (calls < CALLS_BEFORE_PATCH)
            ;
        if (!LIVE) {
            holding = 0;
            fence();
            hold_request = 1;
            while (!holding)
                ;
            hold_request = 0;
        }
        *insn = addi_a0(value_of(gen));
        fence();
        generation = gen;
        fence();
        smp_send_ipi(1);
        fence_i();
        CHECK_EQ(patched_fn(), value_of(gen));
        while (acked != gen)
            ;
        fence();
        CHECK_EQ(seen_after[gen], value_of(gen));
        CHECK_EQ(bad_value, 0);
    }
    uart_printf("%u %s patches, each seen by both harts after fence.i\n", ROUNDS,
                LIVE ? "live" : "held");
    uart_printf("all checks passed\n");
    return 0;
}

int hart_main(unsigned hartid)
{
    if (hartid == 0) {
        CHECK(smp_num_harts >= 2);
        return patcher();
    }
    if (hartid == 1)
        return runner();
    return 0;
}

TEST_END_CHECKS();
