/*
 * Unit test for cross-modifying code in the block cache (accel/tcg/tb-maint.c,
 * docs/memory-model.md "Self- and cross-modifying code"). One thread plays a
 * hart that translates the instruction at a physical address and inserts the
 * block; another, at the same moment, overwrites the instruction, drops the
 * blocks on those bytes (as the store slow path does) and looks the address up
 * again, as its next fetch after fence.i would. The lookup must never return a
 * block made from the bytes it overwrote, whichever thread wins the race.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "accel/tcg/tb.h"

#define ROUNDS 100000
#define CODE_PHYS 0x80001000ULL

static _Alignas(4096) uint8_t code[4096]; /* the guest page, as host memory */
static unsigned long go;                  /* round the translator may start (set by the writer) */
static unsigned long translated;          /* last round the translator finished */
static unsigned long stale;               /* lookups that returned an overwritten block */

static uint32_t addi_a0(unsigned long imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | 10 << 7 | 0x13;
}

/* Spin until *p == value; yield now and then in case the host has fewer cores than threads. */
static void wait_for(unsigned long *p, unsigned long value)
{
    for (unsigned n = 1; __atomic_load_n(p, __ATOMIC_ACQUIRE) != value; n++) {
        if (!(n % 1024)) {
            sched_yield();
        }
    }
}

/* A spin of a few dozen iterations, varied by round, to move the two threads' windows. */
static void skew(unsigned long round)
{
    for (volatile unsigned i = 0; i < (round * 7) % 64; i++) {
    }
}

static void *translator(void *arg)
{
    (void)arg;
    for (unsigned long r = 1; r <= ROUNDS; r++) {
        wait_for(&go, r);
        uint32_t insn = __atomic_load_n((uint32_t *)code, __ATOMIC_RELAXED);
        TranslationBlock *tb = tb_alloc(1, 4);
        assert_non_null(tb);
        memset(tb, 0, tb_alloc_size(1, 4));
        tb->pc = tb->phys_pc = CODE_PHYS;
        tb->size = 4;
        tb->n_insns = 1;
        memcpy(tb_code(tb), &insn, 4);
        assert_true(tb_insert(NULL, tb, code));
        __atomic_store_n(&translated, r, __ATOMIC_RELEASE);
    }
    return NULL;
}

static void *writer(void *arg)
{
    (void)arg;
    for (unsigned long r = 1; r <= ROUNDS; r++) {
        wait_for(&translated, r - 1);
        __atomic_store_n(&go, r, __ATOMIC_RELEASE);
        skew(r);
        __atomic_store_n((uint32_t *)code, addi_a0(r), __ATOMIC_RELAXED);
        tb_invalidate_phys_range(CODE_PHYS, 4);
        /* This thread's own fence.i: its next fetch must see its store. */
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        TranslationBlock *tb = tb_lookup_phys(CODE_PHYS);
        uint32_t seen;
        if (tb) {
            memcpy(&seen, tb_code(tb), 4);
        }
        if (tb && seen != addi_a0(r)) {
            stale++;
        }
    }
    return NULL;
}

static void test_store_races_translation(void **state)
{
    pthread_t t[2];

    (void)state;
    __atomic_store_n((uint32_t *)code, addi_a0(0), __ATOMIC_RELAXED);
    pthread_create(&t[0], NULL, translator, NULL);
    pthread_create(&t[1], NULL, writer, NULL);
    pthread_join(t[0], NULL);
    pthread_join(t[1], NULL);
    assert_int_equal(stale, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_store_races_translation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
