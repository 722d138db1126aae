/*
 * Bit-manipulation extensions Zba, Zbb, Zbc and Zbs (RISC-V Bit-Manipulation
 * ISA-extensions, version 1.0.0): every RV64 instruction of the four
 * extensions, with edge cases (zero inputs, bit 63, shift/rotate amounts
 * taken modulo the width, W forms sign-extending bit 31).  Register-register
 * checks also run with rd == rs1 and rd == rs2.  Expected values were
 * computed from the specification's pseudo-code.
 */
#include "test_asm.h"

    .option norvc
    .text
    .globl main
main:
    addi    sp, sp, -16
    sd      ra, 8(sp)

    /* ===== Zba: address generation ===== */
    /* add.uw: rd = zext(rs1[31:0]) + rs2 (zext.w is add.uw rd, rs, x0) */
    TEST_RR(add.uw, 0xffffffff80000000, 0x1, 0x80000001)
    TEST_RR(add.uw, 0x12345678ffffffff, 0x100000000, 0x1ffffffff)
    TEST_RR(add.uw, 0x0, 0xffffffffffffffff, 0xffffffffffffffff)
    TEST_R(zext.w, 0xffffffffffffffff, 0xffffffff)
    TEST_R(zext.w, 0x80000000, 0x80000000)
    /* shNadd: rd = (rs1 << N) + rs2 */
    TEST_RR(sh1add, 0x3, 0x4, 0xa)
    TEST_RR(sh1add, 0x8000000000000001, 0x1, 0x3)
    TEST_RR(sh2add, 0x3, 0x4, 0x10)
    TEST_RR(sh2add, 0x4000000000000001, 0xffffffffffffffff, 0x3)
    TEST_RR(sh3add, 0x3, 0x4, 0x1c)
    TEST_RR(sh3add, 0x2000000000000001, 0x0, 0x8)
    /* shNadd.uw: rd = (zext(rs1[31:0]) << N) + rs2 */
    TEST_RR(sh1add.uw, 0xffffffff00000003, 0x4, 0xa)
    TEST_RR(sh1add.uw, 0x80000000, 0x0, 0x100000000)
    TEST_RR(sh2add.uw, 0xffffffff00000003, 0x4, 0x10)
    TEST_RR(sh2add.uw, 0xffffffff, 0x1, 0x3fffffffd)
    TEST_RR(sh3add.uw, 0x1ffffffff, 0x0, 0x7fffffff8)
    TEST_RR(sh3add.uw, 0xffffffff80000000, 0x10, 0x400000010)
    /* slli.uw: rd = zext(rs1[31:0]) << shamt (6-bit shamt) */
    TEST_RI(slli.uw, 0xffffffff80000001, 1, 0x100000002)
    TEST_RI(slli.uw, 0xffffffff, 32, 0xffffffff00000000)
    TEST_RI(slli.uw, 0x1ffffffff, 63, 0x8000000000000000)

    /* ===== Zbb: basic bit manipulation ===== */
    /* andn/orn/xnor: logical with inverted rs2 */
    TEST_RR(andn, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdef)
    TEST_RR(andn, 0xffffffffffffffff, 0xff00ff00ff00ff, 0xff00ff00ff00ff00)
    TEST_RR(orn, 0x123456789abcdef, 0xfedcba9876543210, 0x123456789abcdef)
    TEST_RR(orn, 0x0, 0xff00ff00ff00ff, 0xff00ff00ff00ff00)
    TEST_RR(xnor, 0x123456789abcdef, 0xfedcba9876543210, 0x0)
    TEST_RR(xnor, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff)
    /* clz/ctz count leading/trailing zeros over 64 bits (64 for 0); the W forms over rs1[31:0] (32 for 0) */
    TEST_R(clz, 0x0, 0x40)
    TEST_R(clz, 0x1, 0x3f)
    TEST_R(clz, 0x8000000000000000, 0x0)
    TEST_R(clz, 0xffffffff, 0x20)
    TEST_R(clzw, 0x0, 0x20)
    TEST_R(clzw, 0x1, 0x1f)
    TEST_R(clzw, 0x80000000, 0x0)
    TEST_R(clzw, 0xffffffff00010000, 0xf)
    TEST_R(ctz, 0x0, 0x40)
    TEST_R(ctz, 0x1, 0x0)
    TEST_R(ctz, 0x8000000000000000, 0x3f)
    TEST_R(ctz, 0x100, 0x8)
    TEST_R(ctzw, 0x0, 0x20)
    TEST_R(ctzw, 0x100000000, 0x20)
    TEST_R(ctzw, 0x80000000, 0x1f)
    TEST_R(ctzw, 0xffffffff00000010, 0x4)
    /* cpop/cpopw: population count */
    TEST_R(cpop, 0x0, 0x0)
    TEST_R(cpop, 0xffffffffffffffff, 0x40)
    TEST_R(cpop, 0x123456789abcdef, 0x20)
    TEST_R(cpopw, 0xffffffff00000000, 0x0)
    TEST_R(cpopw, 0xffffffff, 0x20)
    TEST_R(cpopw, 0x123456789abcdef, 0x14)
    /* max/min signed, maxu/minu unsigned */
    TEST_RR(max, 0x8000000000000000, 0x1, 0x1)
    TEST_RR(max, 0xffffffffffffffff, 0x0, 0x0)
    TEST_RR(max, 0x5, 0x7, 0x7)
    TEST_RR(min, 0x8000000000000000, 0x1, 0x8000000000000000)
    TEST_RR(min, 0xffffffffffffffff, 0x0, 0xffffffffffffffff)
    TEST_RR(maxu, 0x8000000000000000, 0x1, 0x8000000000000000)
    TEST_RR(maxu, 0xffffffffffffffff, 0x0, 0xffffffffffffffff)
    TEST_RR(minu, 0x8000000000000000, 0x1, 0x1)
    TEST_RR(minu, 0xffffffffffffffff, 0x0, 0x0)
    /* sext.b/sext.h sign-extend the low byte/halfword; zext.h zero-extends */
    TEST_R(sext.b, 0x80, 0xffffffffffffff80)
    TEST_R(sext.b, 0x7f, 0x7f)
    TEST_R(sext.b, 0x12345678abcdef80, 0xffffffffffffff80)
    TEST_R(sext.h, 0x8000, 0xffffffffffff8000)
    TEST_R(sext.h, 0x7fff, 0x7fff)
    TEST_R(sext.h, 0xffffffffffff1234, 0x1234)
    TEST_R(zext.h, 0xffffffffffffffff, 0xffff)
    TEST_R(zext.h, 0x12348765, 0x8765)
    /* rol/ror: rotate by rs2[5:0]; rolw/rorw rotate rs1[31:0] by rs2[4:0] and sign-extend */
    TEST_RR(rol, 0x123456789abcdef, 0x4, 0x123456789abcdef0)
    TEST_RR(rol, 0x123456789abcdef, 0x48, 0x23456789abcdef01)
    TEST_RR(rol, 0x8000000000000000, 0x1, 0x1)
    TEST_RR(rol, 0x123456789abcdef, 0x0, 0x123456789abcdef)
    TEST_RR(ror, 0x123456789abcdef, 0x4, 0xf0123456789abcde)
    TEST_RR(ror, 0x123456789abcdef, 0x7f, 0x2468acf13579bde)
    TEST_RR(ror, 0x1, 0x1, 0x8000000000000000)
    TEST_RR(rolw, 0x80000001, 0x1, 0x3)
    TEST_RR(rolw, 0xffffffff12345678, 0x24, 0x23456781)
    TEST_RR(rolw, 0x123456789abcdef, 0x0, 0xffffffff89abcdef)
    TEST_RR(rorw, 0x1, 0x1, 0xffffffff80000000)
    TEST_RR(rorw, 0x12345678, 0x8, 0x78123456)
    TEST_RR(rorw, 0xffffffff00000000, 0x5, 0x0)
    /* rori: 6-bit immediate rotate; roriw: 5-bit, result sign-extended */
    TEST_RI(rori, 0x123456789abcdef, 4, 0xf0123456789abcde)
    TEST_RI(rori, 0x123456789abcdef, 63, 0x2468acf13579bde)
    TEST_RI(rori, 0x123456789abcdef, 0, 0x123456789abcdef)
    TEST_RI(roriw, 0x12345678, 8, 0x78123456)
    TEST_RI(roriw, 0x80000001, 31, 0x3)
    TEST_RI(roriw, 0xffffffff00000001, 1, 0xffffffff80000000)
    /* orc.b: each byte becomes 0xff if any bit set, else 0x00 */
    TEST_R(orc.b, 0x0, 0x0)
    TEST_R(orc.b, 0x123456789abcdef, 0xffffffffffffffff)
    TEST_R(orc.b, 0x100000000008000, 0xff0000000000ff00)
    TEST_R(orc.b, 0xffffffffffffffff, 0xffffffffffffffff)
    /* rev8: byte reverse of the 64-bit register */
    TEST_R(rev8, 0x123456789abcdef, 0xefcdab8967452301)
    TEST_R(rev8, 0xff, 0xff00000000000000)
    TEST_R(rev8, 0x0, 0x0)

    /* ===== Zbc: carry-less multiplication ===== */
    /* clmul: low 64 bits of the carry-less product; clmulh: high 64 bits;
     * clmulr: bits 126..63 (the reversed product) */
    TEST_RR(clmul, 0x123456789abcdef, 0xfedcba9876543210, 0x40a0789828c810f0)
    TEST_RR(clmul, 0xffffffffffffffff, 0xffffffffffffffff, 0x5555555555555555)
    TEST_RR(clmul, 0x3, 0x3, 0x5)
    TEST_RR(clmul, 0x8000000000000000, 0x2, 0x0)
    TEST_RR(clmulh, 0x123456789abcdef, 0xfedcba9876543210, 0xe038d8688850b0)
    TEST_RR(clmulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x5555555555555555)
    TEST_RR(clmulh, 0x8000000000000000, 0x2, 0x1)
    TEST_RR(clmulh, 0x3, 0x3, 0x0)
    TEST_RR(clmulr, 0x123456789abcdef, 0xfedcba9876543210, 0x1c071b0d110a160)
    TEST_RR(clmulr, 0xffffffffffffffff, 0xffffffffffffffff, 0xaaaaaaaaaaaaaaaa)
    TEST_RR(clmulr, 0x8000000000000000, 0x2, 0x2)
    TEST_RR(clmulr, 0x1, 0x1, 0x0)

    /* ===== Zbs: single-bit instructions ===== */
    /* bclr/bset/binv/bext: bit index is rs2[5:0] */
    TEST_RR(bclr, 0xffffffffffffffff, 0x0, 0xfffffffffffffffe)
    TEST_RR(bclr, 0xffffffffffffffff, 0x3f, 0x7fffffffffffffff)
    TEST_RR(bclr, 0xffffffffffffffff, 0x45, 0xffffffffffffffdf)
    TEST_RR(bset, 0x0, 0x3f, 0x8000000000000000)
    TEST_RR(bset, 0x0, 0x41, 0x2)
    TEST_RR(binv, 0x123456789abcdef, 0x0, 0x123456789abcdee)
    TEST_RR(binv, 0x123456789abcdef, 0x3f, 0x8123456789abcdef)
    TEST_RR(bext, 0x123456789abcdef, 0x0, 0x1)
    TEST_RR(bext, 0x123456789abcdef, 0x4, 0x0)
    TEST_RR(bext, 0x8000000000000000, 0x3f, 0x1)
    TEST_RR(bext, 0x8000000000000000, 0x7f, 0x1)
    TEST_RR(bext, 0x123456789abcdef, 0x41, 0x1)
    /* immediate forms take a 6-bit index */
    TEST_RI(bclri, 0xffffffffffffffff, 0, 0xfffffffffffffffe)
    TEST_RI(bclri, 0xffffffffffffffff, 63, 0x7fffffffffffffff)
    TEST_RI(bseti, 0x0, 31, 0x80000000)
    TEST_RI(bseti, 0x0, 63, 0x8000000000000000)
    TEST_RI(binvi, 0x123456789abcdef, 1, 0x123456789abcded)
    TEST_RI(binvi, 0x123456789abcdef, 62, 0x4123456789abcdef)
    TEST_RI(bexti, 0x123456789abcdef, 0, 0x1)
    TEST_RI(bexti, 0x123456789abcdef, 5, 0x1)
    TEST_RI(bexti, 0x8000000000000000, 63, 0x1)

    ld      ra, 8(sp)
    addi    sp, sp, 16
    TEST_PASS

END_CHECKS
