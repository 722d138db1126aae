/*
 * vCPU threads and their run control (QEMU's cpus.c + the MTTCG thread).
 * Called from the main loop thread with the BQL held unless said otherwise.
 */
#ifndef SYSTEM_CPUS_H
#define SYSTEM_CPUS_H

#include "hw/core/cpu.h"

/* Create the host thread of a realized vCPU; it starts paused unless the VM is running. */
bool cpus_start_vcpu(CPUState *cpu, Error **errp) WARN_UNUSED_RESULT;
/* Make the vCPU leave its execution loop soon (any thread, lock-free). */
void cpu_exit(CPUState *cpu);
/* cpu_exit + wake it from WFI (any thread); used after raising an interrupt. */
void cpu_kick(CPUState *cpu);
/* Stop every vCPU and wait until all are stopped (releases the BQL while waiting). */
void pause_all_vcpus(void);
void resume_all_vcpus(void);
bool all_vcpus_paused(void);
/* Ask all vCPU threads to exit and join them (at process exit). */
void cpus_shutdown(void);

/* Debugging (vCPUs paused): breakpoints by guest virtual pc, single-step of one vCPU. */
bool cpu_breakpoint_insert(CPUState *cpu, uint64_t pc);
bool cpu_breakpoint_remove(CPUState *cpu, uint64_t pc);
void cpu_breakpoint_remove_all(CPUState *cpu);
void cpu_single_step(CPUState *cpu, bool enabled);
/*
 * The gdbstub registers here to hear about debug stops. When a vCPU hits a
 * breakpoint or finishes a step, the VM is stopped (vm_stop(RUN_STATE_DEBUG))
 * and handler(cpu) runs in the main loop thread with the BQL held.
 */
void cpus_set_debug_handler(void (*handler)(CPUState *cpu));

#endif
