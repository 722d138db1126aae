/*
 * The Sstc supervisor timer (Sstc 1.0): mip.STIP follows time >= stimecmp
 * while menvcfg.STCE is set, and env->stimer, a CLOCK_VIRTUAL timer, fires at
 * the next crossing so a sleeping hart wakes. The CSRs that feed it (stimecmp,
 * menvcfg) are in csr.c; the time source is the board's (env->rdtime_fn).
 */
#include "system/cpus.h"
#include "target/riscv/cpu.h"
#include "util/main-loop.h"
#include "util/timer.h"

/*
 * Nanoseconds of CLOCK_VIRTUAL until `ticks` of the time counter elapse,
 * rounded up so time has reached stimecmp when the timer fires; saturated
 * (stimecmp = -1, "no timer", lies centuries ahead).
 */
static int64_t ticks_to_ns(uint64_t ticks, uint32_t freq)
{
    unsigned __int128 ns = ((unsigned __int128)ticks * NANOSECONDS_PER_SECOND + freq - 1) / freq;
    return ns > INT64_MAX / 2 ? INT64_MAX / 2 : (int64_t)ns;
}

/* Called with the BQL held: the vCPU and the timer callback may both run it. */
static void sstc_update_locked(CPURISCVState *env)
{
    RISCVCPU *cpu = env_cpu(env);
    uint64_t now;

    if (!(env->menvcfg & MENVCFG_STCE) || !env->rdtime_fn) {
        if (env->stimer) {
            timer_del(env->stimer);
        }
        return;
    }
    now = env->rdtime_fn(env->rdtime_opaque);
    if (now >= env->stimecmp) {
        riscv_cpu_update_mip(cpu, MIP_STIP, MIP_STIP);
        if (env->stimer) {
            timer_del(env->stimer);
        }
        return;
    }
    riscv_cpu_update_mip(cpu, MIP_STIP, 0);
    if (env->stimer && env->timebase_freq) {
        int64_t delay = ticks_to_ns(env->stimecmp - now, env->timebase_freq);
        timer_mod_ns(env->stimer, clock_get_ns(CLOCK_VIRTUAL) + delay);
    }
}

void riscv_sstc_update(CPURISCVState *env)
{
    bool take = !bql_locked();

    if (take) {
        bql_lock();
    }
    sstc_update_locked(env);
    if (take) {
        bql_unlock();
    }
}

/* The deadline passed (or the clock drifted): recompute, which re-arms if still early. */
void riscv_stimer_cb(void *opaque)
{
    RISCVCPU *cpu = opaque;
    riscv_sstc_update(&cpu->env);
}
