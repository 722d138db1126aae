/*
 * vCPU threads and their run control (QEMU's system/cpus.c with the MTTCG
 * thread loop); the contract is in include/system/cpus.h.
 *
 * Each vCPU has a host thread that runs CPUClass.exec without the BQL and
 * sleeps on its halt_cond while stopped or halted in WFI. The flags that
 * decide whether it sleeps (stop, stopped, halted) change under cpus_lock;
 * whoever changes them signals halt_cond under the same lock, so a wakeup
 * cannot slip between the vCPU's check and its wait. Lock order: the BQL
 * before cpus_lock, never the other way round (a vCPU thread does not hold
 * cpus_lock while it runs guest code, and pause_all_vcpus drops the BQL only
 * after taking cpus_lock).
 *
 * Exclusive sections (cpus.h): cpu->running says a vCPU is inside
 * CPUClass.exec; it changes under cpus_lock at the two ends of the exec
 * call, which the thread crosses anyway, so guest code pays nothing for it.
 * A section's owner sets exclusive_active, kicks every running vCPU and
 * waits on exclusive_cond until none other is running; vcpu_wait_runnable
 * keeps them out until the owner clears the flag. Halted and stopped vCPUs
 * are not running, so they cost the owner nothing. A vCPU that asks for a
 * section while another one holds it is inside exec, so it first marks
 * itself not running, or the two would wait for each other. The owner holds
 * no lock during its section (not cpus_lock, not the BQL it may have had),
 * so a vCPU still finishing an MMIO access under the BQL, or the main loop
 * stopping the VM, always makes progress: the section cannot deadlock
 * against pause_all_vcpus (a stop request is honoured before the
 * exclusive wait) or against the BQL (it is released while waiting).
 */
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "system/cpus.h"
#include "system/icount.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "util/main-loop.h"
#include "util/timer.h"

static pthread_mutex_t cpus_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cpus_stopped_cond = PTHREAD_COND_INITIALIZER; /* a vCPU stopped */
static pthread_cond_t exclusive_cond = PTHREAD_COND_INITIALIZER;    /* running or owner changed */
static bool exclusive_active;                                       /* a section is in progress */
static bool cpus_exiting;
static void (*debug_handler)(CPUState *cpu);
static BH *debug_bh;
static CPUState *debug_cpu; /* the vCPU whose debug stop debug_bh reports */
static __thread CPUState *current_cpu;

CPUState *cpu_current(void)
{
    return current_cpu;
}

void cpu_exit(CPUState *cpu)
{
    atomic_store(&cpu->exit_request, true);
    if (kvm_enabled()) {
        kvm_cpu_kick(cpu); /* out of KVM_RUN; TCG checks the flag between blocks */
    }
}

void cpu_kick(CPUState *cpu)
{
    cpu_exit(cpu);
    pthread_mutex_lock(&cpus_lock);
    pthread_cond_broadcast(&cpu->halt_cond);
    pthread_mutex_unlock(&cpus_lock);
}

/* Main loop, BQL held: stop the VM and hand the stopped vCPU to the gdbstub. */
static void debug_bh_cb(void *opaque)
{
    CPUState *cpu;

    pthread_mutex_lock(&cpus_lock);
    cpu = debug_cpu;
    pthread_mutex_unlock(&cpus_lock);
    vm_stop(RUN_STATE_DEBUG);
    if (debug_handler && cpu) {
        debug_handler(cpu);
    }
}

/*
 * With cpus_lock held, halted under -icount: move virtual time on to the next deadline,
 * at once (sleep=off) or as the host clock passes while waiting for a kick (sleep=on),
 * and run the timers due. False when no virtual timer is armed: then only a kick wakes us.
 */
static bool vcpu_icount_idle(CPUState *cpu)
{
    int64_t ns = icount_idle_deadline();

    if (ns < 0) {
        return false;
    }
    if (icount_sleep_on() && ns > 0) {
        int64_t start = clock_get_ns(CLOCK_HOST);
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += (until.tv_nsec + ns) / NANOSECONDS_PER_SECOND;
        until.tv_nsec = (until.tv_nsec + ns) % NANOSECONDS_PER_SECOND;
        pthread_cond_timedwait(&cpu->halt_cond, &cpus_lock, &until);
        ns = MIN(ns, clock_get_ns(CLOCK_HOST) - start);
    }
    pthread_mutex_unlock(&cpus_lock); /* the BQL comes first in the lock order */
    icount_idle_advance(ns);
    pthread_mutex_lock(&cpus_lock);
    return true;
}

/* With cpus_lock held: sleep while stopped or halted; false when the thread must exit. */
static bool vcpu_wait_runnable(CPUState *cpu, CPUClass *cc)
{
    for (;;) {
        if (cpus_exiting) {
            return false;
        }
        if (atomic_load(&cpu->stop)) {
            if (!cpu->stopped) {
                cpu->stopped = true;
                pthread_cond_broadcast(&cpus_stopped_cond);
            }
        } else if (exclusive_active) {
            /* Someone's exclusive section: wait for its end (a stop request still wins). */
        } else if (!cpu->halted) {
            return true;
        } else if (cc->has_work(cpu)) {
            /* Checked under cpus_lock: an interrupt raised after this kicks halt_cond. */
            cpu->halted = false;
            return true;
        } else if (icount_enabled() && vcpu_icount_idle(cpu)) {
            continue; /* time moved on: a timer may have given it work */
        }
        pthread_cond_wait(&cpu->halt_cond, &cpus_lock);
    }
}

static void vcpu_handle_exit(CPUState *cpu, int ret)
{
    if (ret == EXCP_HLT) {
        cpu->halted = true;
    } else if (ret == EXCP_DEBUG) {
        /* Stop here at once; the main loop stops the others and reports to gdb. */
        atomic_store(&cpu->stop, true);
        debug_cpu = cpu;
        bh_schedule(debug_bh);
    }
}

static void *vcpu_thread_fn(void *opaque)
{
    CPUState *cpu = opaque;
    CPUClass *cc = CPU_GET_CLASS(cpu);

    current_cpu = cpu;
    cpu->thread_id = gettid();
    pthread_mutex_lock(&cpus_lock);
    while (vcpu_wait_runnable(cpu, cc)) {
        cpu->running = true;
        pthread_mutex_unlock(&cpus_lock);
        int ret = kvm_enabled() ? kvm_cpu_exec(cpu) : cc->exec(cpu);
        pthread_mutex_lock(&cpus_lock);
        cpu->running = false;
        if (exclusive_active) {
            pthread_cond_broadcast(&exclusive_cond);
        }
        vcpu_handle_exit(cpu, ret);
    }
    cpu->stopped = true;
    pthread_cond_broadcast(&cpus_stopped_cond);
    pthread_cond_broadcast(&exclusive_cond);
    pthread_mutex_unlock(&cpus_lock);
    return NULL;
}

bool cpus_start_vcpu(CPUState *cpu, Error **errp)
{
    int err;

    if (!debug_bh) {
        debug_bh = bh_new(debug_bh_cb, NULL);
    }
    pthread_mutex_lock(&cpus_lock);
    atomic_store(&cpu->stop, !runstate_is_running());
    cpu->stopped = false;
    cpu->created = true;
    err = pthread_create(&cpu->thread, NULL, vcpu_thread_fn, cpu);
    if (err) {
        cpu->created = false;
    }
    pthread_mutex_unlock(&cpus_lock);
    if (err) {
        error_setg_errno(errp, err, "cannot create the thread of vCPU %d", cpu->cpu_index);
        return false;
    }
    /* Named as QEMU names its vCPU threads, so `info threads` in gdb and top show them. */
    char name[16];
    snprintf(name, sizeof(name), "CPU %d/%s", cpu->cpu_index, kvm_enabled() ? "KVM" : "TCG");
    pthread_setname_np(cpu->thread, name);
    return true;
}

/* With cpus_lock held. */
static bool all_stopped_locked(void)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        if (cpu->created && !cpu->stopped) {
            return false;
        }
    }
    return true;
}

void pause_all_vcpus(void)
{
    bool had_bql = bql_locked();
    CPUState *cpu;

    pthread_mutex_lock(&cpus_lock);
    CPU_FOREACH (cpu) {
        atomic_store(&cpu->stop, true);
        cpu_exit(cpu);
        pthread_cond_broadcast(&cpu->halt_cond);
    }
    if (current_cpu) {
        /* A vCPU cannot wait for itself: the request is made, the caller returns. */
        pthread_mutex_unlock(&cpus_lock);
        return;
    }
    /* vCPUs may need the BQL (MMIO) to reach their next block boundary. */
    if (had_bql) {
        bql_unlock();
    }
    while (!all_stopped_locked()) {
        pthread_cond_wait(&cpus_stopped_cond, &cpus_lock);
    }
    pthread_mutex_unlock(&cpus_lock);
    if (had_bql) {
        bql_lock();
    }
}

void resume_all_vcpus(void)
{
    CPUState *cpu;

    pthread_mutex_lock(&cpus_lock);
    CPU_FOREACH (cpu) {
        atomic_store(&cpu->stop, false);
        cpu->stopped = false;
        pthread_cond_broadcast(&cpu->halt_cond);
    }
    pthread_mutex_unlock(&cpus_lock);
}

void resume_vcpu(CPUState *cpu)
{
    pthread_mutex_lock(&cpus_lock);
    atomic_store(&cpu->stop, false);
    cpu->stopped = false;
    pthread_cond_broadcast(&cpu->halt_cond);
    pthread_mutex_unlock(&cpus_lock);
}

void vm_start_vcpu(CPUState *cpu)
{
    if (!runstate_is_running()) {
        clock_virtual_start();
        /* Running, as vm_start() says it; the vCPUs not resumed here stay stopped. */
        runstate_set(RUN_STATE_RUNNING);
    }
    resume_vcpu(cpu);
}

/* With cpus_lock held: is a vCPU other than self inside its execution loop? */
static bool others_running_locked(CPUState *self)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        if (cpu != self && cpu->running) {
            return true;
        }
    }
    return false;
}

void cpus_exclusive_begin(void)
{
    CPUState *self = current_cpu, *cpu;
    bool had_bql = bql_locked();

    /* The vCPUs we wait for may need the BQL to finish an MMIO access. */
    if (had_bql) {
        bql_unlock();
    }
    pthread_mutex_lock(&cpus_lock);
    if (self) {
        /* Quiescent while waiting for another owner, who may be waiting for us. */
        self->running = false;
        pthread_cond_broadcast(&exclusive_cond);
    }
    while (exclusive_active) {
        pthread_cond_wait(&exclusive_cond, &cpus_lock);
    }
    exclusive_active = true;
    CPU_FOREACH (cpu) {
        if (cpu != self && cpu->running) {
            cpu_exit(cpu);
        }
    }
    while (others_running_locked(self)) {
        pthread_cond_wait(&exclusive_cond, &cpus_lock);
    }
    if (self) {
        self->running = true;
    }
    pthread_mutex_unlock(&cpus_lock);
    if (had_bql) {
        bql_lock();
    }
}

void cpus_exclusive_end(void)
{
    CPUState *cpu;

    pthread_mutex_lock(&cpus_lock);
    exclusive_active = false;
    pthread_cond_broadcast(&exclusive_cond);
    CPU_FOREACH (cpu) {
        pthread_cond_broadcast(&cpu->halt_cond);
    }
    pthread_mutex_unlock(&cpus_lock);
}

bool cpus_others_running(void)
{
    bool running;

    pthread_mutex_lock(&cpus_lock);
    running = others_running_locked(current_cpu);
    pthread_mutex_unlock(&cpus_lock);
    return running;
}

bool all_vcpus_paused(void)
{
    bool paused;

    pthread_mutex_lock(&cpus_lock);
    paused = all_stopped_locked();
    pthread_mutex_unlock(&cpus_lock);
    return paused;
}

void cpus_shutdown(void)
{
    bool had_bql = bql_locked();
    CPUState *cpu;

    pthread_mutex_lock(&cpus_lock);
    cpus_exiting = true;
    CPU_FOREACH (cpu) {
        cpu_exit(cpu);
        pthread_cond_broadcast(&cpu->halt_cond);
    }
    pthread_mutex_unlock(&cpus_lock);
    if (had_bql) {
        bql_unlock();
    }
    CPU_FOREACH (cpu) {
        if (cpu->created && cpu != current_cpu) {
            pthread_join(cpu->thread, NULL);
            cpu->created = false;
        }
    }
    if (had_bql) {
        bql_lock();
    }
}

bool cpu_breakpoint_insert(CPUState *cpu, uint64_t pc)
{
    for (int i = 0; i < cpu->num_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            return true;
        }
    }
    if (cpu->num_breakpoints >= CPU_MAX_BREAKPOINTS) {
        return false;
    }
    cpu->breakpoints[cpu->num_breakpoints++] = pc;
    return true;
}

bool cpu_breakpoint_remove(CPUState *cpu, uint64_t pc)
{
    for (int i = 0; i < cpu->num_breakpoints; i++) {
        if (cpu->breakpoints[i] == pc) {
            cpu->breakpoints[i] = cpu->breakpoints[--cpu->num_breakpoints];
            return true;
        }
    }
    return false;
}

void cpu_breakpoint_remove_all(CPUState *cpu)
{
    cpu->num_breakpoints = 0;
}

void cpu_single_step(CPUState *cpu, bool enabled)
{
    cpu->singlestep_enabled = enabled;
}

void cpu_request_debug_stop(CPUState *cpu)
{
    pthread_mutex_lock(&cpus_lock);
    atomic_store(&cpu->stop, true); /* before the exit, so the thread sleeps, not re-enters */
    debug_cpu = cpu;
    pthread_mutex_unlock(&cpus_lock);
    cpu_exit(cpu);
    bh_schedule(debug_bh);
}

void cpus_set_debug_handler(void (*handler)(CPUState *cpu))
{
    debug_handler = handler;
}
