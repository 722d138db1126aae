/*
 * Entry of the multi-hart guest programs (virt board, -bios none): every hart
 * starts here in M-mode with a0 = hartid, a1 = FDT.
 *
 * Hart 0 clears .bss and opens the gate; the others wait at the gate (a word
 * in .data, so the ELF loader, not .bss clearing, gives it its 0). Each hart
 * takes the stack __smp_stacks_top - hartid * SMP_STACK_SIZE and a trap vector
 * that fails the test, then calls smp_entry(hartid, fdt) (smp.c). Harts with
 * an id of SMP_MAX_HARTS or more park at once.
 */
/* Keep in step with lib/smp.ld and SMP_MAX_HARTS in smp.h. */
#define SMP_MAX_HARTS 8
#define SMP_STACK_SIZE 16384

    .section .text.smp_init, "ax"
    .globl _smp_start
_smp_start:
    csrr    t0, mhartid
    li      t1, SMP_MAX_HARTS
    bgeu    t0, t1, smp_park
    la      sp, __smp_stacks_top
    li      t1, SMP_STACK_SIZE
    mul     t1, t1, t0
    sub     sp, sp, t1
    la      t1, smp_unexpected_trap
    csrw    mtvec, t1
    la      t2, smp_gate
    bnez    t0, 3f

    la      t3, __bss_start
    la      t4, __bss_end
1:  bgeu    t3, t4, 2f
    sd      zero, 0(t3)
    addi    t3, t3, 8
    j       1b
2:  fence   rw, rw
    li      t1, 1
    sw      t1, 0(t2)
    j       4f

3:  lw      t1, 0(t2)
    beqz    t1, 3b
    fence   r, rw

4:  mv      a0, t0
    call    smp_entry
smp_park:
    wfi
    j       smp_park

/* Any trap nobody asked for: fail with the cause in the message. */
    .align  2
smp_unexpected_trap:
    csrr    a0, mcause
    csrr    a1, mepc
    csrr    a2, mhartid
    call    smp_trap_failed
1:  j       1b

    .data
    .align  2
smp_gate:
    .word   0
