/*
 * The vector state across savevm/loadvm (tests/functional/test_vector.py): prints "R" once
 * set up, then for each byte received on the UART prints a hash of v0-v31, vl, vtype, vxrm,
 * vxsat and vstart as 16 hex digits and a newline, and changes all of them, so the line after
 * a loadvm repeats the one that followed the savevm only if the vector state came back.
 */
    .option norvc
    .option nopic
    .equ UART, 0x10000000

    .text
    .globl _start
_start:
    li t0, (1 << 9) | (1 << 13)
    csrs mstatus, t0
    vsetvli t0, zero, e8, m8, ta, ma
    vid.v v0
    vid.v v8
    vadd.vi v8, v8, 3
    vid.v v16
    vadd.vi v16, v16, 7
    vid.v v24
    vadd.vi v24, v24, -5
    li s1, 5                      /* the AVL of the next step */
    vsetvli zero, s1, e16, m2, tu, mu
    csrwi vxrm, 1
    li t1, UART
    li t2, 'R'
    sb t2, 0(t1)
loop:
    li t1, UART
1:  lbu t2, 5(t1)                 /* LSR: data ready */
    andi t2, t2, 1
    beqz t2, 1b
    lbu t2, 0(t1)
    /* hash the vector state (read the CSRs before the vsetvli of the dump) */
    csrr s2, vl
    csrr s3, vtype
    csrr s4, vcsr
    csrr s5, vstart
    vsetvli t0, zero, e8, m8, ta, ma
    csrr t4, vlenb
    slli t4, t4, 3
    la t5, dump
    vse8.v v0, (t5)
    add t5, t5, t4
    vse8.v v8, (t5)
    add t5, t5, t4
    vse8.v v16, (t5)
    add t5, t5, t4
    vse8.v v24, (t5)
    slli t4, t4, 2
    la t5, dump
    li a0, 0xcbf29ce484222325
    li t1, 0x100000001b3
    add t2, t5, t4
2:  ld t3, 0(t5)
    xor a0, a0, t3
    mul a0, a0, t1
    addi t5, t5, 8
    bltu t5, t2, 2b
    .irp r, s2, s3, s4, s5
    xor a0, a0, \r
    mul a0, a0, t1
    .endr
    /* print it */
    li t1, UART
    li t2, 60
3:  srl t3, a0, t2
    andi t3, t3, 15
    addi t3, t3, 48
    li t4, 58
    blt t3, t4, 4f
    addi t3, t3, 39
4:  sb t3, 0(t1)
    addi t2, t2, -4
    bgez t2, 3b
    li t3, 10
    sb t3, 0(t1)
    /* the next state: registers, vl, vtype, vxrm, vxsat */
    vadd.vi v0, v0, 1
    vadd.vi v8, v8, 2
    vadd.vi v16, v16, 3
    vadd.vi v24, v24, 4
    addi s1, s1, 3
    andi t0, s1, 1
    beqz t0, 5f
    vsetvli zero, s1, e32, m4, tu, mu
    j 6f
5:  vsetvli zero, s1, e16, m2, tu, mu
6:  csrr t0, vxrm
    addi t0, t0, 1
    csrw vxrm, t0
    csrr t0, vxsat
    xori t0, t0, 1
    csrw vxsat, t0
    j loop

    .data
    .align 4
dump: .zero 32 * 128
