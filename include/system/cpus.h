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
/* The vCPU this thread runs, or NULL (the main loop, I/O threads). */
CPUState *cpu_current(void);
/* Stop every vCPU and wait until all are stopped (releases the BQL while waiting). */
void pause_all_vcpus(void);
void resume_all_vcpus(void);
/* Let one stopped vCPU run again; the others keep their state (gdbstub per-thread resume). */
void resume_vcpu(CPUState *cpu);
/*
 * Start the VM with only this vCPU running (gdb's "vCont;s:2" with scheduler-locking): the
 * run state becomes RUNNING as with vm_start(), so the next debug stop or vm_stop() stops
 * the VM as usual; the vCPUs that were stopped stay stopped.
 */
void vm_start_vcpu(CPUState *cpu);
bool all_vcpus_paused(void);
/*
 * Exclusive sections (any thread; QEMU calls them start/end_exclusive): begin returns
 * once every other vCPU is outside its execution loop -- at a block boundary, halted in
 * WFI or stopped -- and keeps them there until end. While waiting it holds no lock (the
 * BQL, if the caller had it, is dropped and taken back), and a vCPU waiting to begin
 * counts as outside for a section already in progress. Sections do not nest; the owner
 * must not wait inside for anything a vCPU does. Used to reuse the block and JIT arenas
 * and to write other vCPUs' TLBs (accel/tcg).
 */
void cpus_exclusive_begin(void);
void cpus_exclusive_end(void);
/* Is a vCPU other than the caller's inside its execution loop right now? (a hint) */
bool cpus_others_running(void);
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
/*
 * From cpu's own thread, inside exec (a semihosting call for gdb): stop this vCPU at the
 * next block boundary, then stop the VM and call the debug handler, as for a breakpoint.
 */
void cpu_request_debug_stop(CPUState *cpu);

#endif
