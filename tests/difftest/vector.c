/*
 * V records in JIT code against the interpreter: through the helper inside a block, the
 * inline SSE forms of jit-vector.c and their guards, and loop mode's registers (a V record's
 * vector fields are not x registers).
 */
#include "difftest.h"

/*
 * V records inside a JIT block (issue 10): the block runs them through the interpreter's
 * helper without leaving JIT code (its host code ends only at the WFI), a vsetivli's vl/vtype
 * reach the next record, scalar records around them stay in the block, and a vle64.v faulting
 * at element 1 (at RAM_END) traps at its own pc with vstart = 1 and VS Dirty.
 */
void test_vector_in_block(void **state)
{
    const uint32_t code[] = {
        0xcd027057u,      /* vsetivli x0, 4, e32, m1, ta, ma */
        0x020fe087u,      /* vle32.v v1, (x31) */
        0x02108157u,      /* vadd.vv v2, v1, v1 */
        0x020fe127u,      /* vse32.v v2, (x31) */
        ADDI(5, 5, 1),    /* */
        0xc1817357u,      /* vsetivli x6, 2, e64, m1, tu, mu */
        0x02108257u,      /* vadd.vv v4, v1, v1 (e64 now) */
        ADDI(28, 29, -8), /* x28 = RAM_END - 8 */
        0x020e7187u,      /* vle64.v v3, (x28): element 1 faults */
        WFI,
    };
    TranslationBlock *tb;

    h.cpu->ext_v = true;
    load_directed(code, ARRAY_SIZE(code), 0x5eed);
    h.init.mstatus = MSTATUS_FS | (1ULL << 9); /* VS Initial */
    run_to_wfi(true, "the vector block");
    tb = tb_lookup_phys(RAM_BASE);
    assert_non_null(tb);
    assert_non_null(tb->jit_code);
    assert_true(!tb->jit_tail || tb->jit_tail->pc == RAM_BASE + 4 * (ARRAY_SIZE(code) - 1));
    run_to_wfi(false, "the vector block");
    h.cpu->ext_v = false;
    compare_engines("the vector block");
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mepc, RAM_BASE + 32);
    assert_int_equal(h.jit.mtval, RAM_END);
    assert_int_equal(h.jit.vstart, 1);
    assert_int_equal(h.jit.x[6], 2);
    assert_int_equal(h.jit.x[5], h.init.x[5] + 1);
    assert_int_equal(h.jit.mstatus & MSTATUS_VS, MSTATUS_VS);
    for (int i = 0; i < 4; i++) { /* v2 = 2 * v1 at e32, as stored back */
        uint32_t w, v2;
        memcpy(&w, &h.init.ram[h.init.x[31] - RAM_BASE + 4 * i], 4);
        memcpy(&v2, &h.jit.vreg[2 * 16 + 4 * i], 4); /* VLEN 128: v2 at byte 32 */
        assert_int_equal(v2, 2 * w);
    }
}

/*
 * The inline SSE forms of jit-vector.c against the interpreter: vle8.v (its page in the TLB
 * from a scalar load), vadd.vv at e8, vsub/vxor/vand/vor.vv at e64, vse64.v back to the
 * window; then forms their guards send to the helper: vadd.vv with vl < VLMAX (tail kept)
 * and a vle16.v crossing RAM_END, which faults at element 4 (vstart 4, at its pc).
 */
void test_vector_inline(void **state)
{
    const uint32_t code[] = {
        0x000fb283u, /* ld x5, 0(x31) */
        0xcc087057u, /* vsetivli x0, 16, e8, m1, ta, ma */
        0x020f8087u, /* vle8.v v1, (x31) */
        0x02108157u, /* vadd.vv v2, v1, v1 */
        0xcd817057u, /* vsetivli x0, 2, e64, m1, ta, ma */
        0x0a2081d7u, /* vsub.vv v3, v2, v1 */
        0x2e308257u, /* vxor.vv v4, v3, v1 */
        0x264102d7u, /* vand.vv v5, v4, v2 */
        0x2a508357u, /* vor.vv v6, v5, v1 */
        0x020ff327u, /* vse64.v v6, (x31) */
        0xc101f057u, /* vsetivli x0, 3, e32, m1, tu, mu */
        0x021103d7u, /* vadd.vv v7, v1, v2 */
        0xcc847057u, /* vsetivli x0, 8, e16, m1, ta, ma */
        ADDI(28, 29, -8),
        0x020e5407u, /* vle16.v v8, (x28): element 4 faults */
        WFI,
    };
    uint8_t v1[16], v2[16];

    h.cpu->ext_v = true;
    load_directed(code, ARRAY_SIZE(code), 0x5eed);
    h.init.mstatus = MSTATUS_FS | MSTATUS_VS; /* VS Dirty: the inline forms' condition */
    run_to_wfi(true, "the inline vector forms");
    run_to_wfi(false, "the inline vector forms");
    h.cpu->ext_v = false;
    compare_engines("the inline vector forms");
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mepc, RAM_BASE + 4 * 14);
    assert_int_equal(h.jit.vstart, 4);
    memcpy(v1, &h.init.ram[h.init.x[31] - RAM_BASE], 16);
    memcpy(v2, &h.jit.vreg[2 * 16], 16); /* VLEN 128 */
    for (int i = 0; i < 16; i++) {
        assert_int_equal(v2[i], (uint8_t)(2 * v1[i]));
    }
}

/*
 * The JIT's loop mode preloads the x registers a loop block names: a V record's vector
 * fields (vd/vs3, vs1, vs2) are not x registers. The first loop's inline vle8/vadd/vxor/vse8
 * name v20..v24, which counted as x registers would be eight with a0..a2 and refuse loop
 * mode; the second's strided load reads x[rs2] (a3) and vmv.x.s writes x[rd] (a4).
 */
void test_vector_loop_regs(void **state)
{
    const uint32_t inline_loop[] = {
        0xcc087057u, /* vsetivli x0, 16, e8, m1, ta, ma */
        0x02050a07u, /* LOOP: vle8.v v20, (a0) */
        0x034b8ad7u, /* vadd.vv v21, v20, v23 */
        0x2f5b0c57u, /* vxor.vv v24, v21, v22 */
        0x02058c27u, /* vse8.v v24, (a1) */
        ADDI(10, 10, 16),
        ADDI(11, 11, 16),
        ADDI(12, 12, -1),
        0xfe0612e3u, /* bnez a2, the vle8.v */
        WFI,
    };
    const uint32_t helper_loop[] = {
        0xcc087057u, /* vsetivli x0, 16, e8, m1, ta, ma */
        0x0ad50a07u, /* LOOP: vlse8.v v20, (a0), a3 */
        0x43402757u, /* vmv.x.s a4, v20 */
        0x00e787b3u, /* add a5, a5, a4 */
        ADDI(10, 10, 1),
        ADDI(12, 12, -1),
        0xfe0616e3u, /* bnez a2, the vlse8.v */
        WFI,
    };
    GenRng r = {.s = 0x100f | 1};
    ArchState init;
    uint32_t regs, dirty;

    make_init(&r, &init);
    init.mstatus = MSTATUS_FS | MSTATUS_VS; /* VS Dirty: the inline forms' condition */
    init.x[10] = WINDOW, init.x[11] = WINDOW + 256, init.x[12] = 4;
    run_vector_loop(inline_loop, ARRAY_SIZE(inline_loop), &init);
    assert_true(loop_mask(&regs, &dirty));
    assert_int_equal(regs, 1u << 10 | 1u << 11 | 1u << 12);
    assert_int_equal(dirty, regs);
    assert_int_equal(h.jit.x[12], 0);
    assert_int_equal(h.jit.x[11], WINDOW + 256 + 64);

    init.x[13] = 3, init.x[15] = 0;
    run_vector_loop(helper_loop, ARRAY_SIZE(helper_loop), &init);
    assert_true(loop_mask(&regs, &dirty));
    assert_int_equal(regs, 1u << 10 | 1u << 12 | 1u << 13 | 1u << 14 | 1u << 15);
    assert_int_equal(dirty, 1u << 10 | 1u << 12 | 1u << 14 | 1u << 15);
}
