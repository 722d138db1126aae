/*
 * Directed V-extension checks (issue 10), bare-metal M mode on virt with 128 MiB of RAM
 * (0x80000000-0x88000000): mstatus.VS off and dirty tracking, vill, the restart of a load and
 * a store from vstart after an access fault, and fault-only-first. Each check prints
 * "name value" lines; tests/functional/test_vector.py runs the program on QEMU and Kestrel,
 * compares the lines and checks the values the V spec fixes.
 */
    .option norvc
    .option nopic
    .equ RAM_END, 0x88000000
    .equ MSTATUS_VS, 3 << 9

    .macro say name, reg
    la a0, 9f
    mv a1, \reg
    call print
    .section .rodata
9:  .asciz "\name"
    .text
    .endm

    .text
    .globl _start
_start:
    la t0, trap
    csrw mtvec, t0
    li t0, (1 << 13)
    csrs mstatus, t0

    /* reset: vill until the first vsetvl */
    li t0, 1 << 9
    csrs mstatus, t0
    csrr t1, vtype
    say reset_vtype, t1

    csrr t1, misa
    srli t1, t1, 21
    andi t1, t1, 1
    say misa_v, t1

    /* VS off: vector instructions and CSRs are illegal */
    li t0, MSTATUS_VS
    csrc mstatus, t0
    call clear
    vsetivli t0, 4, e32, m1, ta, ma
    ld t1, cause
    say vs_off_vsetvl_cause, t1
    call clear
    csrr t2, vl
    ld t1, cause
    say vs_off_csr_cause, t1

    /* VS Initial, then a vector instruction makes it Dirty (and SD) */
    li t0, 1 << 9
    csrs mstatus, t0
    csrr t1, mstatus
    srli t1, t1, 9
    andi t1, t1, 3
    say vs_initial, t1
    vsetivli t0, 4, e32, m1, ta, ma
    csrr t1, mstatus
    srli t2, t1, 9
    andi t2, t2, 3
    say vs_after_vsetvl, t2
    srli t1, t1, 63
    say sd, t1

    /* vill: SEW 64 at LMUL 1/8 with ELEN 64 is not supported */
    vsetvli t0, zero, e64, mf8, ta, ma
    csrr t1, vtype
    say vill_vtype, t1
    csrr t1, vl
    say vill_vl, t1
    call clear
    vadd.vv v1, v2, v3
    ld t1, cause
    say vill_vadd_cause, t1
    call clear
    vmv1r.v v1, v2
    ld t1, cause
    say vill_vmv1r_cause, t1

    /* vle32 across the end of RAM: element 2 faults, elements 0-1 are loaded, vstart = 2 */
    vsetivli zero, 4, e32, m1, tu, mu
    la t0, zeros
    vle32.v v1, (t0)
    li t0, RAM_END - 8
    li t1, 0x11111111
    sw t1, 0(t0)
    li t1, 0x22222222
    sw t1, 4(t0)
    call clear
    vle32.v v1, (t0)
    ld t1, cause
    say load_fault_cause, t1
    ld t1, tval
    say load_fault_tval, t1
    ld t1, vst
    say load_fault_vstart, t1
    /* restart from vstart = 2 with a good address: elements 2-3 come from there */
    csrwi vstart, 2
    la t0, words
    vle32.v v1, (t0)
    csrr t1, vstart
    say restart_vstart, t1
    la t0, out
    vse32.v v1, (t0)
    ld t1, 0(t0)
    say restart_lo, t1
    ld t1, 8(t0)
    say restart_hi, t1

    /* vse32 across the end of RAM: elements 0-1 are stored before the fault */
    li t0, RAM_END - 8
    sd zero, 0(t0)
    call clear
    vse32.v v1, (t0)
    ld t1, cause
    say store_fault_cause, t1
    ld t1, vst
    say store_fault_vstart, t1
    li t0, RAM_END - 8
    ld t1, 0(t0)
    say store_fault_mem, t1
    csrwi vstart, 0

    /* fault-only-first: a fault past element 0 trims vl, no trap */
    vsetivli zero, 4, e32, m1, tu, mu
    li t0, RAM_END - 12
    call clear
    vle32ff.v v2, (t0)
    ld t1, cause
    say fof_cause, t1
    csrr t1, vl
    say fof_vl, t1
    /* ... a fault at element 0 traps and leaves vl */
    vsetivli zero, 4, e32, m1, tu, mu
    li t0, RAM_END
    call clear
    vle32ff.v v2, (t0)
    ld t1, cause
    say fof0_cause, t1
    csrr t1, vl
    say fof0_vl, t1

    /* vstart restart of an arithmetic instruction: elements below vstart are kept */
    vsetivli zero, 4, e32, m1, tu, mu
    vmv.v.i v4, 1
    vmv.v.i v5, 2
    csrwi vstart, 3
    vadd.vv v4, v4, v5
    la t0, out
    vse32.v v4, (t0)
    ld t1, 8(t0)
    say vadd_vstart3_hi, t1

    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
1:  j 1b

/* clear the trap record (a2 clobbered) */
clear:
    la a2, cause
    sd zero, 0(a2)
    sd zero, 8(a2)
    sd zero, 16(a2)
    ret

    .align 2
trap:
    csrw mscratch, t0
    la t0, cause
    sd t1, 24(t0)
    csrr t1, mcause
    sd t1, 0(t0)
    csrr t1, mtval
    sd t1, 8(t0)
    csrr t1, mstatus
    srli t1, t1, 9
    andi t1, t1, 3
    beqz t1, 1f
    csrr t1, vstart
    sd t1, 16(t0)
1:  csrr t1, mepc
    addi t1, t1, 4
    csrw mepc, t1
    ld t1, 24(t0)
    csrr t0, mscratch
    mret

/* print: the string at a0, a space, a1 in hex, a newline (t3-t6 clobbered) */
print:
    li t3, 0x10000000
1:  lbu t4, 0(a0)
    beqz t4, 2f
    sb t4, 0(t3)
    addi a0, a0, 1
    j 1b
2:  li t4, 32
    sb t4, 0(t3)
    li t5, 60
3:  srl t4, a1, t5
    andi t4, t4, 15
    addi t4, t4, 48
    li t6, 58
    blt t4, t6, 4f
    addi t4, t4, 39
4:  sb t4, 0(t3)
    addi t5, t5, -4
    bgez t5, 3b
    li t4, 10
    sb t4, 0(t3)
    ret

    .data
    .align 4
cause: .dword 0
tval:  .dword 0
vst:   .dword 0
save:  .dword 0
zeros: .dword 0, 0
words: .word 0x33333333, 0x44444444, 0x55555555, 0x66666666
out:   .dword 0, 0
