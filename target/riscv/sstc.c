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
    BQL_LOCK_GUARD();

    sstc_update_locked(env);
}

/* The deadline passed (or the clock drifted): recompute, which re-arms if still early. */
void riscv_stimer_cb(void *opaque)
{
    RISCVCPU *cpu = opaque;
    riscv_sstc_update(&cpu->env);
}

/*
 * Sstc with H (8.2.8 htimedelta, Sstc's vstimecmp): hip.VSTIP follows
 * time + htimedelta >= vstimecmp while henvcfg.STCE (and menvcfg.STCE) is set.
 * The comparison is kept in env->vstime_irq, ORed into the VSTIP bit that hvip
 * also drives (riscv_cpu_mip_effective). Called with the BQL held.
 */
static void vstc_set_irq(RISCVCPU *cpu, bool level)
{
    bool old = __atomic_exchange_n(&cpu->env.vstime_irq, level, __ATOMIC_SEQ_CST);

    if (level && !old) {
        cpu_kick(&cpu->parent_obj);
    }
}

static void vstc_update_locked(CPURISCVState *env)
{
    RISCVCPU *cpu = env_cpu(env);
    uint64_t now;

    if (!cpu->ext_h || !(env->menvcfg & MENVCFG_STCE) || !(env->henvcfg & MENVCFG_STCE) ||
        !env->rdtime_fn) {
        vstc_set_irq(cpu, false);
        if (env->vstimer) {
            timer_del(env->vstimer);
        }
        return;
    }
    now = env->rdtime_fn(env->rdtime_opaque) + env->htimedelta;
    if (now >= env->vstimecmp) {
        vstc_set_irq(cpu, true);
        if (env->vstimer) {
            timer_del(env->vstimer);
        }
        return;
    }
    vstc_set_irq(cpu, false);
    if (env->vstimer && env->timebase_freq) {
        int64_t delay = ticks_to_ns(env->vstimecmp - now, env->timebase_freq);
        timer_mod_ns(env->vstimer, clock_get_ns(CLOCK_VIRTUAL) + delay);
    }
}

void riscv_vstc_update(CPURISCVState *env)
{
    BQL_LOCK_GUARD();

    vstc_update_locked(env);
}

void riscv_vstimer_cb(void *opaque)
{
    RISCVCPU *cpu = opaque;
    riscv_vstc_update(&cpu->env);
}
