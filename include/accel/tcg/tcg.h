/*
 * The TCG-like execution engine: entry point of a vCPU. The run loop
 * (system/cpus.c) calls it through CPUClass.exec, which the target sets to
 * tcg_cpu_exec; everything target-specific comes through CPUState.tcg_ops
 * (include/accel/tcg/tcg-cpu-ops.h).
 *
 * Locking (DESIGN.md "CPUs"): the vCPU thread runs guest code WITHOUT the
 * BQL. The engine takes the BQL itself around MMIO accesses. The target's
 * helpers run without the BQL: one that touches devices or timers takes the
 * BQL itself.
 */
#ifndef ACCEL_TCG_TCG_H
#define ACCEL_TCG_TCG_H

#include "hw/core/cpu.h"

/*
 * Run the vCPU until something needs the run loop: returns EXCP_INTERRUPT
 * (exit_request was set; it is cleared here), EXCP_HLT (WFI with nothing
 * pending) or EXCP_DEBUG (breakpoint hit or single step done).
 *
 * Counters: the target's instret is exact whenever a helper that can read it
 * is called and when this returns.
 */
int tcg_cpu_exec(CPUState *cpu);

#endif
