/*
 * -icount: virtual time driven by the instruction count (QEMU's icount).
 *
 * CLOCK_VIRTUAL = bias + executed << shift: every instruction the hart
 * retires is 2^shift ns, and bias collects the jumps taken while the hart is
 * idle. With a fixed shift and sleep=off nothing depends on the host's
 * timing: mtime, rdtime, the Sstc timer, the timer interrupts and the RTC
 * with -rtc clock=vm come out the same on every run of the same guest.
 *
 * How deadlines are met: CLOCK_VIRTUAL timers leave the main loop
 * (util/timer.h, VirtualClockSource). Before each block the run loop asks
 * icount_block_budget(), which counts what the last block retired, runs the
 * timers that are due (in the vCPU thread, BQL taken) and returns how many
 * instructions may run before the next deadline; the run loop runs no more.
 * A timer armed while a block runs (a store to mtimecmp) kicks the vCPU, so
 * the budget is recomputed at the end of that block. Within a block an MMIO
 * read of mtime sees the count at the block's start (a CSR read of time is
 * exact): the answer is still the same on every run.
 *
 * Idle (WFI with nothing pending): sleep=off jumps the clock to the next
 * deadline at once; sleep=on lets it follow the host clock while the hart
 * waits, up to that deadline. align=on (with a fixed shift) makes the host
 * wait when the guest runs ahead of real time; shift=auto retunes the shift
 * every 100 ms of host time so virtual time tracks real time.
 *
 * Limits: one hart (Kestrel runs each hart in its own host thread, with no
 * round-robin mode), and the interpreter (the JIT chains blocks past
 * deadlines). Both are refused with a message rather than run imprecisely.
 * The state is a process singleton, like the virtual clock it drives.
 */
#ifndef SYSTEM_ICOUNT_H
#define SYSTEM_ICOUNT_H

#include "common.h"
#include "hw/core/cpu.h"
#include "util/error.h"

/* Parse the -icount argument ([shift=]N|auto[,align=on|off][,sleep=on|off]) and enable it. */
bool icount_configure(const char *arg, Error **errp);
/* Was -icount given with a shift (QEMU enables nothing without one)? */
bool icount_enabled(void);

/* The run loop (accel/tcg/cpu-exec.c): at the start of CPUClass.exec, and before each block. */
void icount_exec_enter(CPUState *cpu);
int64_t icount_block_budget(CPUState *cpu);

/* The vCPU thread, halted (system/cpus.c): ns of virtual time to the next deadline, or -1. */
int64_t icount_idle_deadline(void);
/* sleep=on: the halted hart waits in host time; sleep=off: it does not. */
bool icount_sleep_on(void);
/* Move virtual time on by ns (at most to the next deadline) and run the timers due; no BQL held. */
void icount_idle_advance(int64_t ns);

#endif
