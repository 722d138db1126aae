/*
 * The hart's side of its local APIC: the events the APIC raises (NMI, INIT,
 * the start-up IPI), the wait-for-SIPI state of an application processor, the
 * hooks through which the APIC owns some MSRs and CR8, and the TSC rate the
 * APIC's TSC-deadline timer converts with.
 *
 * Spec: SDM Vol. 3A 9.4 (multiple-processor initialisation: an AP waits for
 * a SIPI after INIT; the SIPI's vector V starts it in real mode at V << 12,
 * i.e. CS selector V << 8, base V << 12, IP 0), 9.1.1 table 9-1 (what INIT
 * leaves alone: the MTRRs, PAT, APIC base, x87/SSE state, the TSC), 10.8.6
 * (CR8 is TPR[7:4]), 6.7 (NMI).
 *
 * Threads: x86_cpu_raise_* run on whatever thread holds the BQL (the main
 * loop for the APIC timer, another hart's thread for an IPI); they only latch
 * bits in pending_events and kick. The hart acts on them itself between
 * instructions (x86_cpu_handle_events), so no other thread writes its state.
 */
#include "target/i386/cpu.h"
#include "util/main-loop.h"

#include "system/cpus.h"
#include "util/timer.h"

void x86_cpu_set_apic_hooks(X86CPU *cpu, const X86APICHooks *hooks, void *opaque)
{
    cpu->apic_hooks = hooks;
    cpu->apic_opaque = opaque;
}

static void raise_event(X86CPU *cpu, int ev)
{
    atomic_fetch_or(&cpu->pending_events, ev);
    cpu_kick(&cpu->parent_obj);
}

void x86_cpu_raise_nmi(X86CPU *cpu)
{
    raise_event(cpu, X86_EVENT_NMI);
}

void x86_cpu_raise_init(X86CPU *cpu)
{
    raise_event(cpu, X86_EVENT_INIT);
}

void x86_cpu_raise_sipi(X86CPU *cpu, uint8_t vector)
{
    atomic_store(&cpu->sipi_vector, vector);
    raise_event(cpu, X86_EVENT_SIPI);
}

bool x86_cpu_events_pending(X86CPU *cpu)
{
    int ev = atomic_load(&cpu->pending_events);

    /* A hart waiting for SIPI ignores NMIs; it still takes INIT and SIPI. */
    return cpu->wait_sipi ? ev & (X86_EVENT_INIT | X86_EVENT_SIPI) : ev;
}

/* INIT: the reset state, keeping what table 9-1 says INIT leaves unchanged. */
static void x86_cpu_do_init(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;
    CPUX86State saved = *env;

    x86_cpu_reset(cpu);
    env->apic_base = saved.apic_base;
    env->pat = saved.pat;
    env->tsc_offset = saved.tsc_offset;
    env->misc_enable = saved.misc_enable;
    env->mtrr_deftype = saved.mtrr_deftype;
    memcpy(env->mtrr_var, saved.mtrr_var, sizeof(env->mtrr_var));
    memcpy(env->mtrr_fixed, saved.mtrr_fixed, sizeof(env->mtrr_fixed));
    env->fpuc = saved.fpuc;
    env->fpus = saved.fpus;
    env->fptag = saved.fptag;
    memcpy(env->fpregs, saved.fpregs, sizeof(env->fpregs));
    env->mxcsr = saved.mxcsr;
    memcpy(env->xmm, saved.xmm, sizeof(env->xmm));
    /* The BSP restarts at the reset vector; an AP waits for its start-up IPI. */
    cpu->wait_sipi = !(env->apic_base & MSR_IA32_APICBASE_BSP);
}

/* SIPI: real mode at vector << 12 (only in wait-for-SIPI; otherwise it is dropped). */
static void x86_cpu_do_sipi(X86CPU *cpu, uint8_t vector)
{
    CPUX86State *env = &cpu->env;

    env->segs[R_CS].selector = vector << 8;
    env->segs[R_CS].base = (uint64_t)vector << 12;
    env->rip = 0;
    cpu->wait_sipi = false;
}

bool x86_cpu_handle_init_sipi(X86CPU *cpu)
{
    int ev = atomic_fetch_and(&cpu->pending_events, ~(X86_EVENT_INIT | X86_EVENT_SIPI));
    bool changed = false;

    if (ev & X86_EVENT_INIT) {
        x86_cpu_do_init(cpu); /* the SIPI that follows it may already be latched too */
        changed = true;
    }
    if (cpu->wait_sipi && (ev & X86_EVENT_SIPI)) {
        x86_cpu_do_sipi(cpu, atomic_load(&cpu->sipi_vector));
        changed = true;
    }
    return changed;
}

bool x86_cpu_take_nmi(X86CPU *cpu)
{
    /* Taken off even while waiting for SIPI: such a hart drops it. */
    return (atomic_fetch_and(&cpu->pending_events, ~X86_EVENT_NMI) & X86_EVENT_NMI) &&
           !cpu->wait_sipi;
}

bool x86_cpu_handle_events(X86CPU *cpu)
{
    CPUX86State *env = &cpu->env;

    if (x86_cpu_handle_init_sipi(cpu)) {
        return true;
    }
    if (x86_cpu_take_nmi(cpu)) {
        if (x86_do_interrupt(env, EXCP02_NMI, false, false, 0, env->rip) != X86_EXCP_NONE) {
            /* No usable IDT entry for the NMI: as the interpreter's other faults, #GP. */
            x86_do_interrupt(env, EXCP0D_GPF, false, true, 0, env->rip);
        }
        return true;
    }
    return false;
}

uint64_t x86_cpu_tsc_hz(X86CPU *cpu)
{
    return NANOSECONDS_PER_SECOND;
}

uint64_t x86_get_cr8(CPUX86State *env)
{
    X86CPU *cpu = x86_env_cpu(env);
    uint64_t v = env->cr8;

    if (cpu->apic_hooks) {
        BQL_LOCK_GUARD();
        v = cpu->apic_hooks->get_cr8(cpu->apic_opaque);
    }
    return v;
}

void x86_set_cr8(CPUX86State *env, uint64_t val)
{
    X86CPU *cpu = x86_env_cpu(env);

    env->cr8 = val;
    if (cpu->apic_hooks) {
        BQL_LOCK_GUARD();
        cpu->apic_hooks->set_cr8(cpu->apic_opaque, val);
    }
}
