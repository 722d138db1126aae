/*
 * The TCG-like execution engine: entry point of a RISC-V vCPU. The run loop
 * (system/cpus.c) calls it through CPUClass.exec, which target/riscv/cpu.c
 * sets to riscv_tcg_exec.
 *
 * Locking (DESIGN.md "CPUs"): the vCPU thread runs guest code WITHOUT the
 * BQL. The engine takes the BQL itself around MMIO accesses. It calls the
 * privileged-architecture helpers (riscv_csrrw, riscv_cpu_do_exception,
 * riscv_helper_*) without the BQL: a helper that touches devices or timers
 * (e.g. an stimecmp write arming a Timer) takes the BQL itself.
 */
#ifndef ACCEL_TCG_TCG_H
#define ACCEL_TCG_TCG_H

#include "hw/core/cpu.h"

/*
 * Run the RISC-V vCPU cpu until something needs the run loop: returns
 * EXCP_INTERRUPT (exit_request was set; it is cleared here), EXCP_HLT (WFI
 * with nothing pending) or EXCP_DEBUG (breakpoint hit or single step done).
 *
 * Counters: env->instret is exact whenever a helper that can read it is
 * called and when this returns (the interpreter adds a block's count when
 * the block ends and the count of retired instructions when one traps).
 */
int riscv_tcg_exec(CPUState *cpu);

#endif
