/*
 * IPIs through the CLINT's msip registers and WFI wake-ups across harts.
 *
 * Part 1, token ring: every hart sleeps in WFI (mie.MSIE set, mstatus.MIE
 * clear: the pending interrupt wakes it without a trap) until its msip is
 * raised; it clears msip, checks the token names it, and passes the token to
 * the next hart with that hart's msip. An IPI reaching the wrong hart shows as
 * a token mismatch; a lost one hangs (the functional test's guard catches it).
 *
 * Part 2, trapped IPIs: hart 0 sends each other hart a burst of IPIs, one at a
 * time; each is taken as a machine software interrupt (mcause
 * 0x8000000000000003), when the receiver sets mstatus.MIE after a WFI, and the
 * handler clears msip and counts it.
 */
#include "smp.h"

#define RING_ROUNDS 100
#define TRAPPED_IPIS 50

static volatile unsigned token;
static volatile unsigned long ring_laps;
static volatile unsigned long wrong_token, msip_stuck;
static volatile unsigned long taken[SMP_MAX_HARTS], bad_cause[SMP_MAX_HARTS];
static volatile unsigned part2_ready;

static void wait_for_ipi(unsigned hartid)
{
    while (!(csr_read(mip) & MIP_MSIP))
        asm volatile("wfi");
    smp_clear_ipi(hartid);
    if (mmio_read32(CLINT_MSIP + 4 * hartid) != 0)
        msip_stuck++;
    while (csr_read(mip) & MIP_MSIP)
        ;
    fence();
}

static void token_ring(unsigned hartid)
{
    unsigned n = smp_num_harts;

    for (unsigned long lap = 0; lap < RING_ROUNDS; lap++) {
        if (hartid == 0 && lap == 0) {
            token = 1 % n;
            fence();
            smp_send_ipi(1 % n);
        }
        wait_for_ipi(hartid);
        if (token != hartid)
            wrong_token++;
        if (hartid == 0)
            ring_laps++;
        if (hartid == 0 && lap == RING_ROUNDS - 1)
            break;
        token = (hartid + 1) % n;
        fence();
        smp_send_ipi((hartid + 1) % n);
    }
}

/* mtvec direct mode: the handler must be 4-byte aligned (bits 1:0 are the mode). */
static void __attribute__((interrupt("machine"), aligned(4))) msi_handler(void)
{
    unsigned h = smp_hartid();

    /* Quiet the line before counting: the count lets the sender raise the next IPI. */
    smp_clear_ipi(h);
    while (csr_read(mip) & MIP_MSIP)
        ;
    fence();
    if (csr_read(mcause) == (CAUSE_INTERRUPT | IRQ_M_SOFT))
        taken[h]++;
    else
        bad_cause[h]++;
}

static void trapped_receiver(unsigned hartid)
{
    csr_write(mtvec, (uintptr_t)msi_handler);
    asm volatile("amoadd.w zero, %1, %0" : "+A"(part2_ready) : "r"(1) : "memory");
    /*
     * Check and sleep with mstatus.MIE clear, and take the IPI only between two WFIs. With
     * MIE set throughout, the last IPI could be taken between the check and the WFI: its
     * handler counts it, returns to the WFI, and the hart sleeps with nothing left to wake
     * it (a real race, hit about once in 150 runs). With MIE clear the IPI stays pending,
     * WFI returns at once (it wakes on mip & mie whatever MIE says), and the trap is taken
     * as soon as MIE is set.
     */
    while (taken[hartid] < TRAPPED_IPIS) {
        asm volatile("wfi");
        csr_set(mstatus, MSTATUS_MIE);
        csr_clear(mstatus, MSTATUS_MIE);
    }
}

static void trapped_sender(void)
{
    while (part2_ready != smp_num_harts - 1)
        ;
    for (unsigned i = 0; i < TRAPPED_IPIS; i++) {
        for (unsigned h = 1; h < smp_num_harts; h++) {
            unsigned long before = taken[h];
            smp_send_ipi(h);
            while (taken[h] == before)
                ;
        }
    }
}

int hart_main(unsigned hartid)
{
    csr_set(mie, MIP_MSIP);
    smp_barrier();
    token_ring(hartid);
    smp_barrier();
    if (hartid != 0) {
        trapped_receiver(hartid);
        smp_barrier();
        return 0;
    }
    trapped_sender();
    smp_barrier();
    CHECK(smp_num_harts >= 2);
    CHECK_EQ(ring_laps, RING_ROUNDS);
    CHECK_EQ(wrong_token, 0);
    CHECK_EQ(msip_stuck, 0);
    for (unsigned h = 1; h < smp_num_harts; h++) {
        CHECK_EQ(taken[h], TRAPPED_IPIS);
        CHECK_EQ(bad_cause[h], 0);
    }
    CHECK_EQ(taken[0], 0);
    uart_printf("%u harts: %u ring laps, %u trapped IPIs per hart\n", smp_num_harts, RING_ROUNDS,
                TRAPPED_IPIS);
    uart_printf("all checks passed\n");
    return 0;
}

TEST_END_CHECKS();
