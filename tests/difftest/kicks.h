/*
 * How both differential tests (tests/difftest, tests/difftest-x86) stop a stream that
 * loops: a periodic SIGALRM asks the harness's vCPU to leave tcg_cpu_exec at a block
 * boundary, and the harness counts the instructions run (a count, so the verdict does not
 * depend on time). start_kicks(cpu) starts the signal for that vCPU.
 */
#ifndef TESTS_DIFFTEST_KICKS_H
#define TESTS_DIFFTEST_KICKS_H

#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>

#include "hw/core/cpu.h"

static CPUState *_Atomic kicked_cpu;

static void kick(int sig)
{
    CPUState *cs = atomic_load(&kicked_cpu);

    (void)sig;
    if (cs) {
        atomic_store(&cs->exit_request, true);
    }
}

static inline void start_kicks(CPUState *cs)
{
    struct sigaction sa = {.sa_handler = kick, .sa_flags = SA_RESTART};
    struct itimerval every = {{0, 100000}, {0, 100000}};

    atomic_store(&kicked_cpu, cs);
    sigaction(SIGALRM, &sa, NULL);
    setitimer(ITIMER_REAL, &every, NULL);
}

/*
 * ThreadSanitizer holds a signal until the thread next calls into its runtime, which JIT code
 * looping in place never does: the kick would never arrive. A test whose stream only a kick
 * stops skips under it, printing why (the plain unit tier runs it). A cmocka test only.
 */
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KICKS_DEFERRED 1
#endif
#endif
#ifdef KICKS_DEFERRED
#define skip_if_kicks_deferred()                                                                   \
    do {                                                                                           \
        fprintf(stderr, "%s: skipped under ThreadSanitizer (signals deferred)\n", __func__);       \
        skip();                                                                                    \
    } while (0)
#else
#define skip_if_kicks_deferred() ((void)0)
#endif

#endif
