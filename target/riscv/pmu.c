/*
 * The programmable counters mhpmcounter3..18 / mhpmevent3..18 and Sscofpmf
 * (Privileged ISA 20211203 3.1.10-3.1.12; Sscofpmf 1.0): with Sscofpmf a
 * counter whose event is 1 (cycles) or 2 (instructions retired; SBI PMU's
 * hardware event numbers, which OpenSBI writes) counts retired instructions,
 * as mcycle does here, unless mcountinhibit or the xINH bit of the current
 * mode stops it. Going from all ones to zero sets mhpmevent.OF and raises the
 * local counter overflow interrupt (mip.LCOFIP, 13) if OF was clear; the OF
 * bits show in scountovf. Without Sscofpmf the counters keep what is written
 * (QEMU 7.2's rv64: mhpmcounter3 reads 0).
 *
 * A counting counter holds value - instret, so it costs nothing while the
 * hart runs; its representation changes when it starts or stops (privilege
 * change, CSR write: riscv_pmu_sync). Overflow is noticed on the hart's thread
 * between blocks (riscv_pmu_check from the interrupt check): env->pmu_timer,
 * armed for a nominal 4 instructions per nanosecond, only kicks the hart out
 * of chained blocks so that check runs; early, it re-arms for the rest. So
 * LCOFI comes a few blocks after the overflowing instruction, not on it:
 * sampling profilers (perf) need no more.
 */
#include "system/cpus.h"
#include "target/riscv/cpu.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define PMU_INSNS_PER_NS 4

static bool pmu_on(CPURISCVState *env)
{
    return env_cpu(env)->ext_sscofpmf;
}

/* Does counter idx count in the current mode? */
static bool counts(CPURISCVState *env, unsigned idx)
{
    uint64_t ev = env->mhpmevent[idx];
    uint64_t inh = env->priv == PRV_M   ? MHPMEVENT_MINH
                   : env->priv == PRV_S ? MHPMEVENT_SINH
                                        : MHPMEVENT_UINH;
    uint64_t sel = ev & MHPMEVENT_EVENT;

    return pmu_on(env) && (sel == 1 || sel == 2) && !(ev & inh) &&
           !(env->mcountinhibit & (1ULL << (idx + 3)));
}

uint64_t riscv_pmu_read(CPURISCVState *env, unsigned idx)
{
    uint64_t v = env->mhpmcounter[idx];
    return (env->pmu_counting >> idx) & 1 ? v + env->instret : v;
}

static void store(CPURISCVState *env, unsigned idx, uint64_t val)
{
    env->mhpmcounter[idx] = (env->pmu_counting >> idx) & 1 ? val - env->instret : val;
}

static void timer_arm(CPURISCVState *env, uint64_t insns)
{
    if (!env->pmu_timer) {
        return;
    }
    BQL_LOCK_GUARD();
    if (env->pmu_armed) {
        int64_t ns = insns / PMU_INSNS_PER_NS + 1;
        timer_mod_ns(env->pmu_timer, clock_get_ns(CLOCK_VIRTUAL) + MIN(ns, INT64_MAX / 4));
    } else {
        timer_del(env->pmu_timer);
    }
}

/* Arm the counting counters with OF clear and a nonzero value (zero wraps in 2^64). */
static void rearm(CPURISCVState *env)
{
    uint64_t nearest = UINT64_MAX;
    uint32_t old = env->pmu_armed;

    env->pmu_armed = 0;
    for (unsigned i = 0; i < RISCV_HPM_COUNTERS; i++) {
        uint64_t v = riscv_pmu_read(env, i);
        if (!((env->pmu_counting >> i) & 1) || (env->mhpmevent[i] & MHPMEVENT_OF) || !v) {
            continue;
        }
        env->pmu_armed |= 1u << i;
        /* saturated: a small value is 2^64 - v instructions from wrapping, never reached */
        env->pmu_wrap[i] = -v > UINT64_MAX - env->instret ? UINT64_MAX : env->instret + -v;
        nearest = MIN(nearest, -v);
    }
    if (env->pmu_armed || old) {
        timer_arm(env, nearest);
    }
}

void riscv_pmu_sync(CPURISCVState *env)
{
    uint32_t now = 0;

    for (unsigned i = 0; i < RISCV_HPM_COUNTERS; i++) {
        now |= counts(env, i) ? 1u << i : 0;
    }
    for (unsigned i = 0; i < RISCV_HPM_COUNTERS; i++) {
        if ((now ^ env->pmu_counting) & (1u << i)) {
            uint64_t v = riscv_pmu_read(env, i);
            env->pmu_counting ^= 1u << i;
            store(env, i, v);
        }
    }
    if (env->pmu_counting || env->pmu_armed) {
        rearm(env);
    }
}

void riscv_pmu_check(CPURISCVState *env)
{
    uint64_t nearest = UINT64_MAX;

    for (unsigned i = 0; i < RISCV_HPM_COUNTERS; i++) {
        if (!((env->pmu_armed >> i) & 1)) {
            continue;
        }
        if (env->instret >= env->pmu_wrap[i]) {
            env->mhpmevent[i] |= MHPMEVENT_OF;
            env->pmu_armed &= ~(1u << i);
            riscv_cpu_update_mip(env_cpu(env), MIP_LCOFIP, MIP_LCOFIP);
        } else {
            nearest = MIN(nearest, env->pmu_wrap[i] - env->instret);
        }
    }
    timer_arm(env, nearest);
}

void riscv_pmu_write(CPURISCVState *env, unsigned idx, uint64_t val)
{
    store(env, idx, val);
    if (env->pmu_counting) {
        rearm(env);
    }
}

uint64_t riscv_pmu_read_event(CPURISCVState *env, unsigned idx)
{
    if (env->pmu_armed) {
        riscv_pmu_check(env); /* OF exact at the read */
    }
    return env->mhpmevent[idx];
}

/* With Sscofpmf, VSINH and VUINH are read-only zero (no H); the rest is kept. */
void riscv_pmu_write_event(CPURISCVState *env, unsigned idx, uint64_t val)
{
    uint64_t sel = val & MHPMEVENT_EVENT;

    env->mhpmevent[idx] = pmu_on(env) ? val & ~(3ULL << 58) : val;
    env->pmu_events &= ~(1u << idx);
    env->pmu_events |= pmu_on(env) && (sel == 1 || sel == 2) ? 1u << idx : 0;
    riscv_pmu_sync(env);
}

uint64_t riscv_pmu_scountovf(CPURISCVState *env)
{
    uint64_t ovf = 0;

    if (env->pmu_armed) {
        riscv_pmu_check(env);
    }
    for (unsigned i = 0; i < RISCV_HPM_COUNTERS; i++) {
        ovf |= (env->mhpmevent[i] & MHPMEVENT_OF) ? 1ULL << (i + 3) : 0;
    }
    return env->priv == PRV_M ? ovf : ovf & env->mcounteren;
}

/* Main loop, BQL held: only make the hart come out and look (riscv_pmu_check). */
void riscv_pmu_timer_cb(void *opaque)
{
    RISCVCPU *cpu = opaque;
    cpu_exit(&cpu->parent_obj);
}
