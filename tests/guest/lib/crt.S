/*
 * Start-up code and trap entry for the guest tests.
 *
 * Entry (QEMU virt with -bios none -kernel): M-mode, pc = 0x80000000,
 * a0 = hartid, a1 = FDT.  Only hart 0 runs the test; any other hart parks.
 *
 * Traps: mtvec points at trap_entry_m and stvec at trap_entry_s (direct
 * mode).  Each entry swaps sp with the mode's scratch CSR to reach its own
 * stack, saves all registers in a struct trap_frame, calls the C handler
 * (lib.c) and reloads epc/status from the frame, so a handler can redirect
 * the return by editing the frame.
 */
#include "riscv_defs.h"

    .section .text.init, "ax"
    .globl _start
_start:
    csrr    t0, mhartid
    bnez    t0, park
    mv      s0, a0
    mv      s1, a1
    la      sp, __stack_top

    /* clear .bss: the loader zero-fills it, but do not depend on that */
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:
    la      t0, trap_entry_m
    csrw    mtvec, t0
    la      t0, __mtrap_stack_top
    csrw    mscratch, t0
    la      t0, trap_entry_s
    csrw    stvec, t0
    la      t0, __strap_stack_top
    csrw    sscratch, t0

    /* FS is Off at reset: turn the FPU on (Initial) for tests that use it */
    li      t0, MSTATUS_FS
    csrc    mstatus, t0
    li      t0, MSTATUS_FS_INITIAL
    csrs    mstatus, t0
    csrwi   fcsr, 0

    mv      a0, s0
    mv      a1, s1
    call    main
    /* main returns 0 for pass, or a failure code */
    beqz    a0, 3f
    call    test_fail
3:  call    test_pass

park:
    wfi
    j       park

/* Trap entry, shared by M and S mode through a macro. */
.macro TRAP_ENTRY mode, scratch, epc, cause, tval, status, ret, handler
    .align  2
    .globl  trap_entry_\mode
trap_entry_\mode:
    csrrw   sp, \scratch, sp
    addi    sp, sp, -FRAME_SIZE
    sd      x1, 1*8(sp)
    sd      x3, 3*8(sp)
    sd      x4, 4*8(sp)
    sd      x5, 5*8(sp)
    sd      x6, 6*8(sp)
    sd      x7, 7*8(sp)
    sd      x8, 8*8(sp)
    sd      x9, 9*8(sp)
    sd      x10, 10*8(sp)
    sd      x11, 11*8(sp)
    sd      x12, 12*8(sp)
    sd      x13, 13*8(sp)
    sd      x14, 14*8(sp)
    sd      x15, 15*8(sp)
    sd      x16, 16*8(sp)
    sd      x17, 17*8(sp)
    sd      x18, 18*8(sp)
    sd      x19, 19*8(sp)
    sd      x20, 20*8(sp)
    sd      x21, 21*8(sp)
    sd      x22, 22*8(sp)
    sd      x23, 23*8(sp)
    sd      x24, 24*8(sp)
    sd      x25, 25*8(sp)
    sd      x26, 26*8(sp)
    sd      x27, 27*8(sp)
    sd      x28, 28*8(sp)
    sd      x29, 29*8(sp)
    sd      x30, 30*8(sp)
    sd      x31, 31*8(sp)
    sd      zero, 0(sp)
    csrr    t0, \scratch
    sd      t0, 2*8(sp)
    csrr    t0, \cause
    sd      t0, FRAME_CAUSE(sp)
    csrr    t0, \epc
    sd      t0, FRAME_EPC(sp)
    csrr    t0, \tval
    sd      t0, FRAME_TVAL(sp)
    csrr    t0, \status
    sd      t0, FRAME_STATUS(sp)
    .ifc \mode, m
    /* a test may have left MPRV set (QEMU keeps it across MRET to S/U):
     * the handler's own accesses must not be translated; the saved status
     * is written back on return */
    li      t0, MSTATUS_MPRV
    csrc    mstatus, t0
    .endif

    mv      a0, sp
    call    \handler

    ld      t0, FRAME_EPC(sp)
    csrw    \epc, t0
    ld      t0, FRAME_STATUS(sp)
    csrw    \status, t0
    addi    t0, sp, FRAME_SIZE
    csrw    \scratch, t0
    ld      x1, 1*8(sp)
    ld      x3, 3*8(sp)
    ld      x4, 4*8(sp)
    ld      x5, 5*8(sp)
    ld      x6, 6*8(sp)
    ld      x7, 7*8(sp)
    ld      x8, 8*8(sp)
    ld      x9, 9*8(sp)
    ld      x10, 10*8(sp)
    ld      x11, 11*8(sp)
    ld      x12, 12*8(sp)
    ld      x13, 13*8(sp)
    ld      x14, 14*8(sp)
    ld      x15, 15*8(sp)
    ld      x16, 16*8(sp)
    ld      x17, 17*8(sp)
    ld      x18, 18*8(sp)
    ld      x19, 19*8(sp)
    ld      x20, 20*8(sp)
    ld      x21, 21*8(sp)
    ld      x22, 22*8(sp)
    ld      x23, 23*8(sp)
    ld      x24, 24*8(sp)
    ld      x25, 25*8(sp)
    ld      x26, 26*8(sp)
    ld      x27, 27*8(sp)
    ld      x28, 28*8(sp)
    ld      x29, 29*8(sp)
    ld      x30, 30*8(sp)
    ld      x31, 31*8(sp)
    ld      sp, 2*8(sp)
    \ret
.endm

    .text
    TRAP_ENTRY m, mscratch, mepc, mcause, mtval, mstatus, mret, trap_handler_m
    TRAP_ENTRY s, sscratch, sepc, scause, stval, sstatus, sret, trap_handler_s

/*
 * long run_in_mode(int mode, long (*fn)(long), long arg, void *stack)
 *
 * Runs fn(arg) in U-mode (mode 0) or S-mode (mode 1) by mret, and returns
 * its result in M-mode.  fn returns into mode_exit_stub, whose ecall (a7 =
 * ECALL_EXIT_MODE) reaches trap_handler_m, which calls resume_m_context.
 * stack = 0 keeps the current stack pointer.
 */
    .globl run_in_mode
run_in_mode:
    la      t0, mode_ctx
    sd      ra, 0*8(t0)
    sd      sp, 1*8(t0)
    sd      s0, 2*8(t0)
    sd      s1, 3*8(t0)
    sd      s2, 4*8(t0)
    sd      s3, 5*8(t0)
    sd      s4, 6*8(t0)
    sd      s5, 7*8(t0)
    sd      s6, 8*8(t0)
    sd      s7, 9*8(t0)
    sd      s8, 10*8(t0)
    sd      s9, 11*8(t0)
    sd      s10, 12*8(t0)
    sd      s11, 13*8(t0)
    li      t1, MSTATUS_MPP
    csrc    mstatus, t1
    slli    t1, a0, MSTATUS_MPP_SHIFT
    csrs    mstatus, t1
    csrw    mepc, a1
    mv      a0, a2
    li      a7, 0                   /* a stale exit marker must not end fn early */
    beqz    a3, 1f
    mv      sp, a3
1:  la      ra, mode_exit_stub
    mret

/* Also usable directly: void mode_exit(long value) */
    .globl mode_exit_stub
    .globl mode_exit
mode_exit:
mode_exit_stub:
    li      a7, ECALL_EXIT_MODE
    ecall
1:  j       1b

/* void resume_m_context(long value): back into run_in_mode's caller. */
    .globl resume_m_context
resume_m_context:
    la      t0, mode_ctx
    ld      ra, 0*8(t0)
    ld      sp, 1*8(t0)
    ld      s0, 2*8(t0)
    ld      s1, 3*8(t0)
    ld      s2, 4*8(t0)
    ld      s3, 5*8(t0)
    ld      s4, 6*8(t0)
    ld      s5, 7*8(t0)
    ld      s6, 8*8(t0)
    ld      s7, 9*8(t0)
    ld      s8, 10*8(t0)
    ld      s9, 11*8(t0)
    ld      s10, 12*8(t0)
    ld      s11, 13*8(t0)
    /* the trap frames we were called from (M, and S when a delegated U-mode
     * exit was forwarded) are abandoned */
    la      t1, __mtrap_stack_top
    csrw    mscratch, t1
    la      t1, __strap_stack_top
    csrw    sscratch, t1
    ret

/*
 * unsigned read_insn_parcel_m(unsigned long epc): the 16-bit parcel at epc as
 * the trapped mode fetched it: with MPRV the load uses the privilege in
 * mstatus.MPP (and its translation); MXR lets it read execute-only pages.
 */
    .globl read_insn_parcel_m
read_insn_parcel_m:
    li      t0, MSTATUS_MPRV | MSTATUS_MXR
    csrr    t1, mstatus
    csrs    mstatus, t0
    lhu     a0, 0(a0)
    csrw    mstatus, t1
    ret

/* Same from the S-mode handler: SUM for U pages, MXR for execute-only ones. */
    .globl read_insn_parcel_s
read_insn_parcel_s:
    li      t0, MSTATUS_SUM | MSTATUS_MXR
    csrr    t1, sstatus
    csrs    sstatus, t0
    lhu     a0, 0(a0)
    csrw    sstatus, t1
    ret

/*
 * Landing pad for an expected fault of an M-mode access made with MPRV set
 * (use EXPECT_GOTO): MRET back to M leaves MPP = U, so MPRV must go before
 * any further load or store.  Returns TRAP_RET_VALUE to the probe's caller.
 */
    .globl mprv_fault_return
mprv_fault_return:
    li      t0, MSTATUS_MPRV
    csrc    mstatus, t0
    li      a0, TRAP_RET_VALUE
    ret

/* The S handler forwards a U-mode exit ecall to M-mode with this. */
    .globl forward_exit_to_m
forward_exit_to_m:
    li      a7, ECALL_EXIT_MODE
    ecall
1:  j       1b

    .bss
    .align  3
mode_ctx:
    .space  14*8
