/*
 * Unit tests for the vCPU run control that MTTCG needs (system/cpus.c):
 * exclusive sections asked for by the main thread and by several vCPUs at
 * once, a VM stop while vCPUs ask for sections, and resuming one vCPU while
 * the others stay stopped. The vCPUs are a stand-in CPU type whose exec()
 * spins until exit_request, recording whether it is inside exec(), so a
 * section that starts while another vCPU is still inside is caught.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/core/cpu.h"
#include "system/cpus.h"
#include "system/runstate.h"
#include "util/main-loop.h"

#define TYPE_TEST_CPU "test-exclusive-cpu"
#define N_CPUS 3

typedef struct TestCPU {
    CPUState parent_obj;
    atomic_bool inside;         /* in exec() */
    atomic_ulong spins;         /* progress */
    atomic_int sections_wanted; /* exclusive sections to run from exec() */
    atomic_ulong sections_done;
} TestCPU;

static atomic_int in_section;   /* owners inside a section (must never exceed 1) */
static atomic_ulong violations; /* a vCPU inside exec() during someone else's section */
static CPUState *cpus[N_CPUS];

static TestCPU *test_cpu(CPUState *cs)
{
    return container_of(cs, TestCPU, parent_obj);
}

/* Inside a section: nobody else owns one, and no other vCPU is in exec(). */
static void section_body(CPUState *self)
{
    CPUState *cs;

    if (atomic_fetch_add(&in_section, 1) != 0) {
        atomic_fetch_add(&violations, 1);
    }
    for (int i = 0; i < 50; i++) {
        CPU_FOREACH (cs) {
            if (cs != self && atomic_load(&test_cpu(cs)->inside)) {
                atomic_fetch_add(&violations, 1);
            }
        }
    }
    atomic_fetch_sub(&in_section, 1);
}

static int test_cpu_exec(CPUState *cs)
{
    TestCPU *t = test_cpu(cs);

    atomic_store(&t->inside, true);
    while (!atomic_exchange(&cs->exit_request, false)) {
        unsigned long n = atomic_fetch_add(&t->spins, 1);
        if (n % 64 == 0 && atomic_load(&t->sections_wanted) > 0) {
            atomic_fetch_sub(&t->sections_wanted, 1);
            /* Waiting to begin is quiescent by contract, though still in exec(). */
            atomic_store(&t->inside, false);
            cpus_exclusive_begin();
            atomic_store(&t->inside, true);
            section_body(cs);
            cpus_exclusive_end();
            atomic_fetch_add(&t->sections_done, 1);
        }
    }
    atomic_store(&t->inside, false);
    return EXCP_INTERRUPT;
}

static bool test_cpu_has_work(CPUState *cs)
{
    return true;
}

static void test_cpu_class_init(ObjectClass *oc, void *data)
{
    CPUClass *cc = CPU_CLASS(oc);

    cc->exec = test_cpu_exec;
    cc->has_work = test_cpu_has_work;
}

static const TypeInfo test_cpu_info = {
    .name = TYPE_TEST_CPU,
    .parent = TYPE_CPU,
    .instance_size = sizeof(TestCPU),
    .class_init = test_cpu_class_init,
};

static void wait_progress(CPUState *cs)
{
    unsigned long start = atomic_load(&test_cpu(cs)->spins);

    while (atomic_load(&test_cpu(cs)->spins) < start + 1000) {
        usleep(100);
    }
}

static void test_main_thread_sections(void **state)
{
    for (int i = 0; i < 200; i++) {
        cpus_exclusive_begin();
        section_body(NULL);
        cpus_exclusive_end();
    }
    /* The vCPUs run again after the sections. */
    for (int i = 0; i < N_CPUS; i++) {
        wait_progress(cpus[i]);
    }
    assert_int_equal(atomic_load(&violations), 0);
}

/* Every vCPU asks for sections at once: no deadlock, never two owners. */
static void test_vcpu_sections_race(void **state)
{
    for (int i = 0; i < N_CPUS; i++) {
        atomic_store(&test_cpu(cpus[i])->sections_done, 0);
        atomic_store(&test_cpu(cpus[i])->sections_wanted, 100);
    }
    for (int i = 0; i < N_CPUS; i++) {
        while (atomic_load(&test_cpu(cpus[i])->sections_done) < 100) {
            usleep(200);
        }
    }
    assert_int_equal(atomic_load(&violations), 0);
}

/* Stopping the VM while vCPUs want sections completes, and so do the sections after. */
static void test_pause_while_sections(void **state)
{
    for (int i = 0; i < N_CPUS; i++) {
        atomic_store(&test_cpu(cpus[i])->sections_done, 0);
        atomic_store(&test_cpu(cpus[i])->sections_wanted, 50);
    }
    for (int round = 0; round < 20; round++) {
        pause_all_vcpus();
        assert_true(all_vcpus_paused());
        for (int i = 0; i < N_CPUS; i++) {
            assert_false(atomic_load(&test_cpu(cpus[i])->inside));
        }
        /* Stopped vCPUs are quiescent: a section starts at once. */
        cpus_exclusive_begin();
        section_body(NULL);
        cpus_exclusive_end();
        resume_all_vcpus();
        usleep(500);
    }
    for (int i = 0; i < N_CPUS; i++) {
        while (atomic_load(&test_cpu(cpus[i])->sections_done) < 50) {
            usleep(200);
        }
    }
    assert_int_equal(atomic_load(&violations), 0);
}

/* resume_vcpu runs that vCPU only. */
static void test_resume_one(void **state)
{
    unsigned long before[N_CPUS];

    pause_all_vcpus();
    for (int i = 0; i < N_CPUS; i++) {
        before[i] = atomic_load(&test_cpu(cpus[i])->spins);
    }
    resume_vcpu(cpus[1]);
    wait_progress(cpus[1]);
    usleep(2000);
    assert_int_equal(atomic_load(&test_cpu(cpus[0])->spins), before[0]);
    assert_int_equal(atomic_load(&test_cpu(cpus[2])->spins), before[2]);
    assert_false(all_vcpus_paused());
    pause_all_vcpus();
    assert_true(all_vcpus_paused());
    resume_all_vcpus();
    for (int i = 0; i < N_CPUS; i++) {
        wait_progress(cpus[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_main_thread_sections),
        cmocka_unit_test(test_vcpu_sections_race),
        cmocka_unit_test(test_pause_while_sections),
        cmocka_unit_test(test_resume_one),
    };
    int ret;

    alarm(60);
    type_register_static(&test_cpu_info);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    runstate_set(RUN_STATE_RUNNING);
    for (int i = 0; i < N_CPUS; i++) {
        DeviceState *dev = qdev_new(TYPE_TEST_CPU);
        assert_true(qdev_realize(dev, &error_abort));
        cpus[i] = CPU(dev);
        if (!cpus_start_vcpu(cpus[i], &error_abort)) {
            return 1;
        }
    }
    ret = cmocka_run_group_tests(tests, NULL, NULL);
    cpus_shutdown();
    return ret;
}
