/*
 * The start-up figure of scripts/bench (issue 7: a tiny ELF from process start to exit in
 * <= 4 ms): the smallest bare-metal program there is. It writes FINISHER_PASS to the
 * sifive_test finisher, which ends the emulator with status 0, so what is timed is the
 * emulator's start-up and teardown, not guest work.
 */
    .section .text.init
    .globl _start
_start:
    li t0, 0x100000         /* virt's sifive_test (test finisher) */
    li t1, 0x5555           /* FINISHER_PASS */
    sw t1, 0(t0)
1:  wfi                     /* not reached: the write above ends the run */
    j 1b
