/*
 * Check macros for assembly tests.  Include from a .S file (it is run through
 * the C preprocessor so each check records its source line).
 *
 * Every check gets the next number (assembler symbol testnum); on mismatch it
 * calls asm_check_failed(number, line, got, expected), which prints and exits
 * through sifive_test with that number.  t5 and t6 are scratch for the
 * macros: tests must not keep values in them across a check.
 *
 * A test defines main:, runs its checks and ends with TEST_PASS.
 */
#ifndef GUEST_TEST_ASM_H
#define GUEST_TEST_ASM_H
#include "riscv_defs.h"

.set testnum, 0

/* reg == val (64-bit), reported as the current check number */
.macro CMP_REG_ reg, val, line
    li      t6, \val
    beq     \reg, t6, .Lok\@
    mv      a2, \reg
    mv      a3, t6
    li      a0, testnum
    li      a1, \line
    call    asm_check_failed
.Lok\@:
.endm

/* reg == val (64-bit), as a new check */
.macro CHECK_REG_ reg, val, line
    .set testnum, testnum + 1
    CMP_REG_ \reg, \val, \line
.endm
#define CHECK_REG(reg, val) CHECK_REG_ reg, val, __LINE__

/* reg_a == reg_b, as a new check */
.macro CHECK_REGS_ ra, rb, line
    .set testnum, testnum + 1
    beq     \ra, \rb, .Lok\@
    mv      a2, \ra
    mv      a3, \rb
    li      a0, testnum
    li      a1, \line
    call    asm_check_failed
.Lok\@:
.endm
#define CHECK_REGS(ra, rb) CHECK_REGS_ ra, rb, __LINE__

/* Unconditional failure, for paths that must not be reached */
.macro FAIL_HERE_ line
    .set testnum, testnum + 1
    li      a0, testnum
    li      a1, \line
    li      a2, 0
    li      a3, 0
    call    asm_check_failed
.endm
#define FAIL_HERE() FAIL_HERE_ __LINE__

/* rd = inst(rs1 = a, rs2 = b); one check that also covers rd == rs1 and
 * rd == rs2 (operands must be read before the result is written) */
.macro TEST_RR_ inst, a, b, want, line
    .set testnum, testnum + 1
    li      a4, \a
    li      a5, \b
    \inst   a6, a4, a5
    CMP_REG_ a6, \want, \line
    \inst   a4, a4, a5
    CMP_REG_ a4, \want, \line
    li      a4, \a
    \inst   a5, a4, a5
    CMP_REG_ a5, \want, \line
.endm
#define TEST_RR(inst, a, b, want) TEST_RR_ inst, a, b, want, __LINE__

/* rd = inst(rs1 = a, imm) */
.macro TEST_RI_ inst, a, imm, want, line
    li      a4, \a
    \inst   a6, a4, \imm
    CHECK_REG_ a6, \want, \line
.endm
#define TEST_RI(inst, a, imm, want) TEST_RI_ inst, a, imm, want, __LINE__

/* rd = inst(rs1 = a) */
.macro TEST_R_ inst, a, want, line
    li      a4, \a
    \inst   a6, a4
    CHECK_REG_ a6, \want, \line
.endm
#define TEST_R(inst, a, want) TEST_R_ inst, a, want, __LINE__

/* The next trap is expected; how = EXPECT_*.  Marks last_trap.cause as -1
 * so a missing trap shows. */
.macro EXPECT_TRAP how
    la      t5, last_trap
    li      t6, -1
    sd      t6, 8(t5)
    la      t5, trap_expect
    li      t6, \how
    sw      t6, 0(t5)
.endm

/* Offsets in struct trap_record */
#define TRAP_COUNT   0
#define TRAP_CAUSE   8
#define TRAP_EPC     16
#define TRAP_TVAL    24
#define TRAP_STATUS  32

/* 64-bit word at symbol+off == val */
.macro CHECK_MEM_ sym, off, val, line
    la      t5, \sym
    ld      t5, \off(t5)
    CHECK_REG_ t5, \val, \line
.endm
#define CHECK_MEM(sym, off, val) CHECK_MEM_ sym, off, val, __LINE__
#define CHECK_LAST_TRAP(field, val) CHECK_MEM_ last_trap, field, val, __LINE__

/* last_trap.field == reg */
.macro CHECK_LAST_TRAP_REG_ field, reg, line
    la      t5, last_trap
    ld      t5, \field(t5)
    CHECK_REGS_ t5, \reg, \line
.endm
#define CHECK_LAST_TRAP_REG(field, reg) CHECK_LAST_TRAP_REG_ field, reg, __LINE__

#define TEST_PASS   tail test_pass

/* Put at the end: exit codes must stay distinct and non-zero mod 256 */
.macro END_CHECKS
    .if testnum > MAX_CHECK_CODE
    .error "too many checks in one program: split it"
    .endif
.endm

#endif
