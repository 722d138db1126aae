/*
 * The vector figure of scripts/bench (issue 10): a bare-metal program for -M virt with
 * -cpu rv64,v=true that runs three vector loops of the kind compiled code has, REPS times
 * over 16 KiB buffers, then prints a checksum (which must be the same on Kestrel and QEMU)
 * and exits through the test device:
 *   memcpy     vle8.v/vse8.v at e8, m1
 *   saxpy      y[i] += a * x[i] at e32, m1 (vle32.v, vmacc.vx, vse32.v)
 *   reduction  a running vadd.vv of x at e32, m1, then vredsum.vs
 * LMUL = 1 and unmasked: the forms the JIT has inline paths for.
 */
    .option norvc
    .option nopic
    .equ REPS, 4000
    .equ N, 4096             /* 32-bit elements per buffer (16 KiB) */
    .equ BUF_X, 0x80100000
    .equ BUF_Y, 0x80110000
    .equ BUF_D, 0x80120000
    .equ UART, 0x10000000

    .text
    .globl _start
_start:
    li t0, 1 << 9            /* mstatus.VS = Initial */
    csrs mstatus, t0

    /* x[i] = i * 3 + 1, y[i] = i */
    li a0, BUF_X
    li a1, BUF_Y
    li t1, 0
    li t2, N
1:  slli t3, t1, 1
    add t3, t3, t1
    addi t3, t3, 1
    sw t3, 0(a0)
    sw t1, 0(a1)
    addi a0, a0, 4
    addi a1, a1, 4
    addi t1, t1, 1
    bne t1, t2, 1b

    li s0, REPS
    vsetivli zero, 1, e32, m1, ta, ma
    vmv.v.i v24, 0           /* reduction accumulator (element 0) */
outer:
    /* memcpy of x to d, 16 KiB */
    li a0, BUF_X
    li a1, BUF_D
    li a2, 4 * N
2:  vsetvli t0, a2, e8, m1, ta, ma
    vle8.v v1, (a0)
    vse8.v v1, (a1)
    add a0, a0, t0
    add a1, a1, t0
    sub a2, a2, t0
    bnez a2, 2b

    /* saxpy: y += 5 * x */
    li a0, BUF_X
    li a1, BUF_Y
    li a2, N
    li a3, 5
3:  vsetvli t0, a2, e32, m1, ta, ma
    vle32.v v2, (a0)
    vle32.v v3, (a1)
    vmacc.vx v3, a3, v2
    vse32.v v3, (a1)
    slli t1, t0, 2
    add a0, a0, t1
    add a1, a1, t1
    sub a2, a2, t0
    bnez a2, 3b

    /* reduction of d */
    li a0, BUF_D
    li a2, N
    vsetvli t0, a2, e32, m1, ta, ma
    vmv.v.i v4, 0
4:  vsetvli t0, a2, e32, m1, tu, ma
    vle32.v v5, (a0)
    vadd.vv v4, v4, v5
    slli t1, t0, 2
    add a0, a0, t1
    sub a2, a2, t0
    bnez a2, 4b
    vsetvli t0, zero, e32, m1, ta, ma
    vredsum.vs v24, v4, v24

    addi s0, s0, -1
    bnez s0, outer

    /* checksum: the reduction plus a word of y, printed in hex */
    vsetivli zero, 1, e32, m1, ta, ma
    vmv.x.s s1, v24
    li a1, BUF_Y + 4 * 1000
    lwu t1, 0(a1)
    slli t1, t1, 32
    slli s1, s1, 32
    srli s1, s1, 32
    or s1, s1, t1
    li a0, UART
    li t2, 60
5:  srl t1, s1, t2
    andi t1, t1, 15
    addi t1, t1, '0'
    li t3, '9'
    ble t1, t3, 6f
    addi t1, t1, 'a' - '9' - 1
6:  sb t1, 0(a0)
    addi t2, t2, -4
    bgez t2, 5b
    li t1, '\n'
    sb t1, 0(a0)

    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
7:  j 7b
