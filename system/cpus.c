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
 */
#include <stdatomic.h>

#include "system/cpus.h"
#include "system/runstate.h"
#include "util/main-loop.h"

static pthread_mutex_t cpus_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cpus_stopped_cond = PTHREAD_COND_INITIALIZER; /* a vCPU stopped */
static bool cpus_exiting;
static void (*debug_handler)(CPUState *cpu);
static BH *debug_bh;
static CPUState *debug_cpu; /* the vCPU whose debug stop debug_bh reports */
static __thread CPUState *current_cpu;

void cpu_exit(CPUState *cpu)
{
    atomic_store(&cpu->exit_request, true);
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
        } else if (!cpu->halted) {
            return true;
        } else if (cc->has_work(cpu)) {
            /* Checked under cpus_lock: an interrupt raised after this kicks halt_cond. */
            cpu->halted = false;
            return true;
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
    pthread_mutex_lock(&cpus_lock);
    while (vcpu_wait_runnable(cpu, cc)) {
        pthread_mutex_unlock(&cpus_lock);
        int ret = cc->exec(cpu);
        pthread_mutex_lock(&cpus_lock);
        vcpu_handle_exit(cpu, ret);
    }
    cpu->stopped = true;
    pthread_cond_broadcast(&cpus_stopped_cond);
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
    snprintf(name, sizeof(name), "CPU %d/TCG", cpu->cpu_index);
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

void cpus_set_debug_handler(void (*handler)(CPUState *cpu))
{
    debug_handler = handler;
}
