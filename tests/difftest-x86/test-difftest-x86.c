/*
 * Differential test of the x86 engines (issue 11): random valid 64-bit instruction streams
 * (gen.c) run on the interpreter and on the JIT in one long-mode hart over a small memory
 * map; all 16 registers, rip, the arithmetic flags, cr2, the retired-instruction count and
 * all of RAM (the data window, the stack with any exception frame) must come out the same.
 * Every JIT run must have gone through the JIT (the stream's first block has host code).
 * Host-safe streams (half of them) also run natively on the host (host.c), which must agree
 * on the registers, flags and memory: so a bug both engines share is found too. A stream
 * that ends in an exception is compared where it stopped: the host's signal context against
 * the frame the hart pushed (the faulting rip, the registers and flags before that
 * instruction, the error code) and cr2, so an instruction that changes state before it
 * faults is found as well.
 *
 * This file is the driver: the random-stream tests per group and the fuzzer. The hart and
 * the comparison are in harness.c (harness.h), the hand-written cases in directed-*.c.
 *
 * `make unit` runs one case per instruction group with fixed seeds; `make fuzz-jit-x86
 * SECONDS=N` (DIFFTEST_SECONDS=N) runs streams of all groups with time-based seeds for N
 * seconds instead. A mismatch prints the seed and the stream minimized (units turned into
 * nops while it still fails). DIFFTEST_SEED=S runs one seed and prints it (all groups, or the mask
 * DIFFTEST_GROUPS).
 */
#include <time.h>

#include "../difftest/kicks.h"
#include "harness.h"

static void run_group(unsigned groups, uint64_t seed0)
{
    int bad = 0, faults = 0;
    uint64_t insns = 0;

    h.host_runs = h.host_faults = h.jitted = 0;
    for (int i = 0; i < STREAMS && bad < 3; i++) {
        bad += !check_seed(seed0 + i, groups);
        faults += vector_of(&h.jit) >= 0;
        insns += h.jit.instret;
    }
    fprintf(stderr,
            "difftest-x86: %d streams, %d ended in an exception, %" PRIu64 " instructions, "
            "%d also on the host (%d of them at an exception), %d with their first block still "
            "there (JIT code)\n",
            STREAMS, faults, insns, h.host_runs, h.host_faults, h.jitted);
    assert_int_equal(bad, 0);
    /* The streams must mostly run to their end, and the host must check many, some of them
     * at an exception. */
    assert_true(insns >= STREAMS * UNITS / 2);
    assert_true(faults < STREAMS / 2);
    assert_true(h.host_runs >= STREAMS / 4);
    assert_true(h.host_faults >= STREAMS / 50);
    assert_true(h.jitted >= STREAMS * 9 / 10);
}

#define GROUP_TEST(name, mask, seed)                                                               \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        run_group(mask, seed);                                                                     \
    }
#define WITH_BASE (1u << XG_MOV | 1u << XG_ALU)
GROUP_TEST(mov, 1u << XG_MOV, 1000)
GROUP_TEST(alu, 1u << XG_ALU, 2000)
GROUP_TEST(unary, 1u << XG_UNARY | WITH_BASE, 3000)
GROUP_TEST(shift, 1u << XG_SHIFT | WITH_BASE, 4000)
GROUP_TEST(muldiv, 1u << XG_MULDIV | WITH_BASE, 5000)
GROUP_TEST(cond, 1u << XG_COND | WITH_BASE, 6000)
GROUP_TEST(bit, 1u << XG_BIT | WITH_BASE, 7000)
GROUP_TEST(xchg, 1u << XG_XCHG | WITH_BASE, 8000)
GROUP_TEST(stack, 1u << XG_STACK_ | WITH_BASE, 9000)
GROUP_TEST(string, 1u << XG_STRING | WITH_BASE, 12000)
GROUP_TEST(everything, XG_ALL & ~(1u << XG_FAULT), 10000)

/* Loads and stores through arbitrary registers: #PF and #GP with their error code and cr2. */
static void test_faults(void **state)
{
    int pf = 0, gp = 0;

    h.host_runs = h.host_faults = 0;
    for (int i = 0; i < STREAMS; i++) {
        assert_true(check_seed(11000 + i, XG_ALL));
        pf += vector_of(&h.jit) == 14;
        gp += vector_of(&h.jit) == 13;
    }
    fprintf(stderr,
            "difftest-x86: %d streams, %d #PF, %d #GP; %d on the host, %d at an exception\n",
            STREAMS, pf, gp, h.host_runs, h.host_faults);
    assert_true(pf >= STREAMS / 10);
    assert_true(gp >= 1);
    assert_true(h.host_faults >= STREAMS / 50);
}

/*
 * The harness's loop limit: a stream that jumps to itself (as a miscompile might) stops on
 * both engines, not ended, so check_directed fails on it instead of hanging.
 */
static void test_loop_is_stopped(void **state)
{
    static const uint8_t jmp_self[] = {0xeb, 0xfe};

    skip_if_kicks_deferred();
    load_directed(jmp_self, sizeof(jmp_self));
    assert_false(run(true, &h.jit));
    assert_false(run(false, &h.interp));
    assert_false(h.jit.ended || h.jit.triple_fault);
    assert_false(h.interp.ended || h.interp.triple_fault);
}

/* `make fuzz-jit-x86`: all groups, time-based seeds, DIFFTEST_SECONDS seconds. */
static int fuzz(long seconds, uint64_t seed)
{
    time_t end = time(NULL) + seconds;
    uint64_t n = 0;
    int bad = 0;

    fprintf(stderr, "difftest-x86: random streams for %ld s from seed %" PRIu64 "\n", seconds,
            seed);
    for (; time(NULL) < end && bad < 10; seed++, n++) {
        if (getenv("DIFFTEST_TRACE")) {
            fprintf(stderr, "difftest-x86: seed %" PRIu64 "\n", seed);
        }
        bad += !check_seed(seed, XG_ALL);
    }
    fprintf(stderr,
            "difftest-x86: %" PRIu64 " streams (%d on the host, %d of them at an exception), "
            "%d failed\n",
            n, h.host_runs, h.host_faults, bad);
    return bad != 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mov),
        cmocka_unit_test(test_alu),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_muldiv),
        cmocka_unit_test(test_cond),
        cmocka_unit_test(test_bit),
        cmocka_unit_test(test_xchg),
        cmocka_unit_test(test_stack),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_everything),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_xadd_register_in_address),
        cmocka_unit_test(test_c7_reg_field_is_invalid),
        cmocka_unit_test(test_dead_flags_alu_on_cached_registers),
        cmocka_unit_test(test_dead_flags_imul),
        cmocka_unit_test(test_dead_flags_through_rotates_and_bt),
        cmocka_unit_test(test_seen_flags_of_rotates_and_bt),
        cmocka_unit_test(test_host_flags_kept_through_moves),
        cmocka_unit_test(test_host_flags_after_alu_with_memory),
        cmocka_unit_test(test_record_op_stored_when_it_changes),
        cmocka_unit_test(test_lea_mov_into_cached_copies),
        cmocka_unit_test(test_taken_jcc_loop_and_copies),
        cmocka_unit_test(test_rmw_store_fault_changes_nothing),
        cmocka_unit_test(test_x87_store_faults_on_its_first_page),
        cmocka_unit_test(test_fxsave_faults_before_writing),
        cmocka_unit_test(test_fxsave_faults_as_a_store),
        cmocka_unit_test(test_lock_prefix_needs_a_lockable_form),
        cmocka_unit_test(test_cross_page_insn_sees_next_page_stores),
        cmocka_unit_test(test_cross_page_insn_sees_a_remap),
        cmocka_unit_test(test_load_range_sees_a_remap),
        cmocka_unit_test(test_loop_is_stopped),
    };
    const char *secs = getenv("DIFFTEST_SECONDS"), *seed = getenv("DIFFTEST_SEED");

    if (secs || seed) {
        group_setup(NULL);
        if (seed && !secs) {
            setenv("DIFFTEST_VERBOSE", "1", 1);
            const char *grp = getenv("DIFFTEST_GROUPS");
            return !check_seed(strtoull(seed, NULL, 0), grp ? strtoul(grp, NULL, 0) : XG_ALL);
        }
        return fuzz(atol(secs), seed ? strtoull(seed, NULL, 0) : (uint64_t)time(NULL) * 10000000);
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
