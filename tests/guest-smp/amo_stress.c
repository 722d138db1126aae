/*
 * AMO and LR/SC under contention: every hart hammers the same counters, then
 * hart 0 checks the exact totals. Lost updates show up as a short count.
 *
 *   amoadd.w / amoadd.d     on shared 32- and 64-bit counters (hart h adds h + 1)
 *   amoor.d / amomax.d      every hart's bit set, the largest value kept
 *   amoswap.w.aq spinlock   guards plain ld/add/sd increments of two counters
 *                           that must stay equal inside the lock
 *   lr.w/sc.w, lr.d/sc.d    retry loops incrementing their own counters
 *
 * A fast engine can finish one hart's loop before the next hart starts, which
 * would test nothing: each hart runs at least ITERATIONS rounds and goes on
 * until some hart has seen another make progress during its own loop. (Not
 * each hart: one the host starts after all the others have finished would
 * wait for that forever.) The totals are then checked against the rounds each
 * hart reports.
 */
#include "smp.h"

#define ITERATIONS 20000

/* Each on its own 64-byte line: contended, but without false sharing between kinds. */
struct counter {
    volatile uint64_t value;
    uint64_t pad[7];
};

static struct counter add_w, add_d, or_mask, max_d, locked_a, locked_b, lrsc_w, lrsc_d;
static volatile int lock;
static volatile unsigned long torn_reads; /* locked_a != locked_b seen inside the lock */
static volatile unsigned done;
static struct counter progress[SMP_MAX_HARTS]; /* rounds done, per hart */
static volatile int overlapped;                 /* two harts were seen in their loops at once */

static void amo_round(unsigned hartid, unsigned long i)
{
    uint32_t w = hartid + 1;
    uint64_t d = hartid + 1, bit = 1UL << hartid, val = (i << 8) | hartid;

    asm volatile("amoadd.w zero, %1, %0" : "+A"(add_w.value) : "r"(w) : "memory");
    asm volatile("amoadd.d zero, %1, %0" : "+A"(add_d.value) : "r"(d) : "memory");
    asm volatile("amoor.d zero, %1, %0" : "+A"(or_mask.value) : "r"(bit) : "memory");
    asm volatile("amomax.d zero, %1, %0" : "+A"(max_d.value) : "r"(val) : "memory");
}

static void locked_round(void)
{
    smp_lock(&lock);
    if (locked_a.value != locked_b.value)
        torn_reads++;
    locked_a.value++;
    locked_b.value++;
    smp_unlock(&lock);
}

static void lrsc_round(void)
{
    uint32_t w;
    uint64_t d;
    int fail;

    asm volatile("1: lr.w %0, %2\n"
                 "   addiw %0, %0, 1\n"
                 "   sc.w %1, %0, %2\n"
                 "   bnez %1, 1b\n"
                 : "=&r"(w), "=&r"(fail), "+A"(lrsc_w.value)
                 :
                 : "memory");
    asm volatile("1: lr.d.aq %0, %2\n"
                 "   addi %0, %0, 1\n"
                 "   sc.d.rl %1, %0, %2\n"
                 "   bnez %1, 1b\n"
                 : "=&r"(d), "=&r"(fail), "+A"(lrsc_d.value)
                 :
                 : "memory");
}

/* Rounds until ITERATIONS are done and some hart has seen another running meanwhile. */
static unsigned long run_rounds(unsigned hartid)
{
    unsigned long i = 0, others = 0, last_others = 0;

    for (; i < ITERATIONS || !overlapped; i++) {
        amo_round(hartid, i);
        locked_round();
        lrsc_round();
        progress[hartid].value = i + 1;
        if (i % 64 != 0)
            continue;
        others = 0;
        for (unsigned h = 0; h < smp_num_harts; h++)
            others += h == hartid ? 0 : progress[h].value;
        if (i > 0 && others != last_others)
            overlapped = 1;
        last_others = others;
    }
    return i;
}

int hart_main(unsigned hartid)
{
    unsigned n = smp_num_harts;
    uint64_t add = 0, max = 0, rounds = 0;

    smp_barrier();
    run_rounds(hartid);
    asm volatile("amoadd.w.aqrl zero, %1, %0" : "+A"(done) : "r"(1) : "memory");
    if (hartid != 0)
        return 0;
    while (done != n)
        ;
    fence();
    for (unsigned h = 0; h < n; h++) {
        uint64_t r = progress[h].value, top = ((r - 1) << 8) | h;

        CHECK(r >= ITERATIONS);
        add += r * (h + 1);
        rounds += r;
        max = top > max ? top : max;
    }
    uart_printf("%u harts, %lu rounds in all (at least %u each)\n", n, rounds, ITERATIONS);
    CHECK(n >= 2);
    CHECK_EQ((uint32_t)add_w.value, (uint32_t)add);
    CHECK_EQ(add_d.value, add);
    CHECK_EQ(or_mask.value, (1UL << n) - 1);
    CHECK_EQ(max_d.value, max);
    CHECK_EQ(torn_reads, 0);
    CHECK_EQ(locked_a.value, rounds);
    CHECK_EQ(locked_b.value, rounds);
    CHECK_EQ((uint32_t)lrsc_w.value, (uint32_t)rounds);
    CHECK_EQ(lrsc_d.value, rounds);
    uart_printf("all checks passed\n");
    return 0;
}

TEST_END_CHECKS();
