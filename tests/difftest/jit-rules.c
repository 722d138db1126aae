/*
 * Directed streams for the JIT's own rules: a load site's page range (tlb_probe_load,
 * CPUTLB.jit_hint) over pages of different addends and across remaps, sext.w as a move only
 * where the value is known sign-extended, a rotated loop's side exit, tiered compilation.
 */
#include "difftest.h"

/*
 * One load site over two pages whose addends differ (window pages 0 and 1 mapped to each
 * other's frames): the site's page range (tlb_probe_load) must not take both in, so the page
 * the loop alternates to reads its own frame.
 */
void test_load_addend_guess(void **state)
{
    const uint32_t loop[] = {0x00053283u /* ld x5, 0(x10) */,     0x00530333u /* add x6, x6, x5 */,
                             0x00b54533u /* xor x10, x10, x11 */, ADDI(7, 7, -1),
                             0xfe0398e3u /* bne x7, x0, .-16 */,  WFI};
    GenRng r = {.s = 0xadd | 1};
    uint64_t w0, w1;

    make_init(&r, &h.init);
    make_paged(&r, &h.init);
    put_pte(&h.init, PT_L0, (WINDOW >> 12) & 511,
            (WINDOW + 0x1000) >> 12 << 10 | PTE_R | PTE_A | PTE_V);
    put_pte(&h.init, PT_L0, ((WINDOW >> 12) + 1) & 511, WINDOW >> 12 << 10 | PTE_R | PTE_A | PTE_V);
    h.init.x[10] = WINDOW;
    h.init.x[11] = WINDOW ^ (WINDOW + 0x1000);
    h.init.x[6] = 0;
    h.init.x[7] = 10000;
    run_both(loop, ARRAY_SIZE(loop));
    memcpy(&w0, &h.init.ram[WINDOW - RAM_BASE], 8);
    memcpy(&w1, &h.init.ram[WINDOW + 0x1000 - RAM_BASE], 8);
    assert_int_not_equal(w0, w1);
    assert_int_equal(h.jit.x[6], 5000 * w0 + 5000 * w1);
    assert_int_equal(h.jit.x[5], w0); /* the last load: virtual page 1, frame 0 */
}

static uint64_t ram_word(uint64_t pa)
{
    uint64_t w;

    memcpy(&w, &h.init.ram[pa - RAM_BASE], 8);
    return w;
}

/* Paged, with the window's two pages mapped to each other's frames, readable. */
static void make_swapped_window(GenRng *r)
{
    make_init(r, &h.init);
    make_paged(r, &h.init);
    put_pte(&h.init, PT_L0, (WINDOW >> 12) & 511,
            (WINDOW + 0x1000) >> 12 << 10 | PTE_R | PTE_A | PTE_V);
    put_pte(&h.init, PT_L0, ((WINDOW >> 12) + 1) & 511, WINDOW >> 12 << 10 | PTE_R | PTE_A | PTE_V);
}

/*
 * A load site's page range (CPUTLB.jit_hint) grows over pages one addend maps and only
 * those: a walk over two identity-mapped pages and the window's two swapped ones (each its
 * own addend), upwards and downwards, reads each word from its own frame; then an ld
 * straddling an identity page and a swapped one takes the slow path's two frames.
 */
void test_load_range(void **state)
{
    const uint32_t walk[] = {0x00053283u /* ld x5, 0(x10) */,
                             0x00530333u /* add x6, x6, x5 */,
                             0x00b50533u /* add x10, x10, x11 */,
                             ADDI(7, 7, -1),
                             0xfe0398e3u /* bne x7, x0, .-16 */,
                             0x0004b403u /* ld x8, 0(x9) */,
                             WFI};
    const uint64_t lo = WINDOW - 0x2000, n = 0x4000 / 8;
    GenRng r = {.s = 0x1a9e | 1};
    uint64_t sum = 0;

    make_swapped_window(&r);
    for (uint64_t va = lo; va < lo + 0x2000; va += 8) {
        uint64_t w = gen_rand(&r);
        memcpy(&h.init.ram[va - RAM_BASE], &w, 8);
    }
    for (uint64_t va = lo; va < lo + 0x4000; va += 8) {
        sum += ram_word(va < WINDOW ? va : va ^ 0x1000);
    }
    for (int down = 0; down <= 1; down++) {
        h.init.x[10] = down ? lo + 0x4000 - 8 : lo;
        h.init.x[11] = down ? -8 : 8;
        h.init.x[7] = n;
        h.init.x[6] = 0;
        h.init.x[9] = WINDOW - 4;
        run_both(walk, ARRAY_SIZE(walk));
        assert_int_equal(h.jit.x[6], sum);
    }
    assert_int_equal(h.jit.x[8], (ram_word(WINDOW - 8) >> 32) | ram_word(WINDOW + 0x1000) << 32);
}

/*
 * A load site's page range dies with the page's translation: the loop remaps the window's
 * first page (a store through an alias of the table, then sfence.vma of the page) after
 * each three loads of the site (the second takes the page into the range, the third hits),
 * alternating its frame; and when MPRV flips each iteration, the same
 * site reads the page translated (frame 1) and physical (frame 0) by turns.
 */
void test_load_range_dropped(void **state)
{
    const uint32_t remap[] = {ADDI(9, 0, 3),
                              0x00053283u /* ld x5, 0(x10) */,
                              0x00530333u /* add x6, x6, x5 */,
                              ADDI(9, 9, -1),
                              0xfe049ae3u /* bne x9, x0, .-12 */,
                              0x00c73023u /* sd x12, 0(x14) */,
                              0x12050073u /* sfence.vma x10 */,
                              0x00f64633u /* xor x12, x12, x15 */,
                              ADDI(7, 7, -1),
                              0xfc039ee3u /* bne x7, x0, .-36 */,
                              WFI};
    const uint32_t mode[] = {0x00053283u /* ld x5, 0(x10) */,    0x00530333u /* add x6, x6, x5 */,
                             0x30002473u /* csrr x8, mstatus */, 0x00d44433u /* xor x8, x8, x13 */,
                             0x30041073u /* csrw mstatus, x8 */, ADDI(7, 7, -1),
                             0xfe0394e3u /* bne x7, x0, .-24 */, WFI};
    const uint64_t alias = WINDOW - 0x1000, pte0 = WINDOW >> 12 << 10 | PTE_R | PTE_A | PTE_V;
    const uint64_t pte1 = (WINDOW + 0x1000) >> 12 << 10 | PTE_R | PTE_A | PTE_V;
    GenRng r = {.s = 0xd20b | 1};

    make_swapped_window(&r);
    put_pte(&h.init, PT_L0, (alias >> 12) & 511, PT_L0 >> 12 << 10 | 0xc7 /* DA-WRV */);
    put_pte(&h.init, PT_L0, (WINDOW >> 12) & 511, pte0);
    h.init.x[10] = WINDOW;
    h.init.x[14] = alias + ((WINDOW >> 12) & 511) * 8;
    h.init.x[12] = pte1;
    h.init.x[15] = pte0 ^ pte1;
    h.init.x[7] = 1000;
    h.init.x[6] = 0;
    run_both(remap, ARRAY_SIZE(remap));
    assert_int_equal(h.jit.x[6], 1500 * ram_word(WINDOW) + 1500 * ram_word(WINDOW + 0x1000));

    make_swapped_window(&r);
    h.init.x[10] = WINDOW;
    h.init.x[13] = MSTATUS_MPRV;
    h.init.x[7] = 1000;
    h.init.x[6] = 0;
    run_both(mode, ARRAY_SIZE(mode));
    assert_int_equal(h.jit.x[6], 500 * ram_word(WINDOW) + 500 * ram_word(WINDOW + 0x1000));
}

/*
 * A user site (code not at its physical address nor in the upper half: linear_data) whose
 * slot thrashes probes the table (COLD_PLAIN): mret to S-mode at a virtual alias of the code,
 * then a site alternating between the window's swapped pages (their own addends) and one
 * that stays on its page. Every load must read its own frame, and the JIT's run must have
 * seen the alternating site's slot thrash.
 */
void test_load_thrash(void **state)
{
    const uint64_t alias = RAM_BASE + 0x100000;
    const uint32_t code[] = {0x00100297u /* auipc x5, 0x100: the alias of this page */,
                             ADDI(5, 5, 16),
                             0x34129073u /* csrw mepc, x5 */,
                             0x30200073u /* mret: to S, MPRV off */,
                             0x00053283u /* ld x5, 0(x10) */,
                             0x00530333u /* add x6, x6, x5 */,
                             0x00b54533u /* xor x10, x10, x11 */,
                             0x00063403u /* ld x8, 0(x12) */,
                             0x008484b3u /* add x9, x9, x8 */,
                             ADDI(7, 7, -1),
                             0xfe0394e3u /* bne x7, x0, .-24 */,
                             WFI};
    GenRng r = {.s = 0x7a5 | 1};
    uint64_t most = 0;

    make_swapped_window(&r);
    put_pte(&h.init, PT_L0, (alias >> 12) & 511,
            RAM_BASE >> 12 << 10 | PTE_R | PTE_X | PTE_A | PTE_V);
    h.init.x[10] = WINDOW;
    h.init.x[11] = WINDOW ^ (WINDOW + 0x1000);
    h.init.x[12] = WINDOW - 0x1000;
    h.init.x[6] = h.init.x[9] = 0;
    h.init.x[7] = 10000;
    memcpy(h.code, code, sizeof(code));
    h.code_size = sizeof(code);
    assert_true(run(true, &h.jit));
    for (int i = 0; i < JIT_HINT_SLOTS; i++) {
        most = MAX(most, h.cpu->tlb.jit_hint[h.cpu->tlb.data_mmu_idx].h.thrash[i]);
    }
    assert_true(most >= JIT_HINT_THRASH);
    assert_true(run(false, &h.interp));
    assert_memory_equal(&h.interp, &h.jit, sizeof(ArchState));
    assert_int_equal(h.jit.x[6], 5000 * ram_word(WINDOW) + 5000 * ram_word(WINDOW + 0x1000));
    assert_int_equal(h.jit.x[9], 10000 * ram_word(WINDOW - 0x1000));
    assert_int_equal(h.jit.x[5], ram_word(WINDOW)); /* the last load: virtual page 1, frame 0 */
}

/*
 * sext.w (addiw rd, rs, 0) is a move only where rs is known to hold a sign-extended 32-bit
 * value (JitCtx.sext32): after lw, srliw by 1..31, logic of two such values; not after an
 * ld into the same register, srliw by 0, or logic with a full 64-bit value.
 */
void test_sext32_known(void **state)
{
    const uint32_t code[] = {0x00052283u /* lw x5, 0(x10) */,
                             0x00053283u /* ld x5, 0(x10) */,
                             0x0002831bu /* sext.w x6, x5 */,
                             0x0014539bu /* srliw x7, x8, 1 */,
                             0x0004549bu /* srliw x9, x8, 0 */,
                             0x0004881bu /* sext.w x16, x9 */,
                             0x00052283u /* lw x5, 0(x10) */,
                             0x00c2c5b3u /* xor x11, x5, x12 */,
                             0x0005869bu /* sext.w x13, x11 */,
                             0xfff2f713u /* andi x14, x5, -1 */,
                             0x0007079bu /* sext.w x15, x14 */,
                             0x0036589bu /* srliw x17, x12, 3 */,
                             0x0058c933u /* xor x18, x17, x5 */,
                             0x0009091bu /* sext.w x18, x18 */,
                             WFI};
    const uint64_t word = 0x123456789abcdef0ULL, x12 = 0x0123456789abcdefULL;
    GenRng r = {.s = 0x5e37 | 1};

    make_init(&r, &h.init);
    memcpy(&h.init.ram[WINDOW - RAM_BASE], &word, 8);
    h.init.x[10] = WINDOW;
    h.init.x[8] = ~0ULL;
    h.init.x[12] = x12;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[6], (uint64_t)(int32_t)word);
    assert_int_equal(h.jit.x[7], 0x7fffffffu);
    assert_int_equal(h.jit.x[9], ~0ULL);
    assert_int_equal(h.jit.x[13], (uint64_t)(int32_t)(word ^ x12));
    assert_int_equal(h.jit.x[15], (uint64_t)(int32_t)word);
    assert_int_equal(h.jit.x[18], (uint64_t)(int32_t)((uint32_t)x12 >> 3 ^ (uint32_t)word));
}

/*
 * A loop the compiler rotated (translate.c): its head's backward branch out of the loop is a
 * side exit, so the block at LOOP runs to the j back to it, and that block is a loop-mode one.
 */
void test_rotated_loop(void **state)
{
    const uint32_t code[] = {0x00038a63u /* beq x7, x0, .+20 */,
                             0xfe038ee3u /* LOOP: beq x7, x0, .-4 */,
                             ADDI(7, 7, -1),
                             0x00530333u /* add x6, x6, x5 */,
                             0xff5ff06fu /* j LOOP */,
                             WFI};
    GenRng r = {.s = 0x7074 | 1};
    uint32_t regs, dirty;

    make_init(&r, &h.init);
    h.init.x[6] = 0;
    h.init.x[7] = 5;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[6], 5 * h.init.x[5]);
    assert_int_equal(h.jit.pc, RAM_BASE + 24); /* past the WFI */
    assert_int_equal(h.jit.instret, 1 + 5 * 4 + 2 + 1);
    assert_true(loop_mask(&regs, &dirty));
    assert_int_equal(regs, 1u << 5 | 1u << 6 | 1u << 7);
}

/*
 * The loop block of "x5 = k; j LOOP; LOOP: x5 -= 1; bnez x5, LOOP; wfi" runs k times; run it
 * on the JIT and return that block.
 */
static TranslationBlock *run_counted_loop(unsigned k)
{
    const uint32_t code[] = {ADDI(5, 0, k), 0x0040006fu /* j LOOP */, ADDI(5, 5, -1),
                             0xfe029ee3u /* bne x5, x0, LOOP */, WFI};
    GenRng r = {.s = 0x71e4 | 1};
    TranslationBlock *tb;

    memcpy(h.code, code, sizeof(code));
    h.code_size = sizeof(code);
    make_init(&r, &h.init);
    assert_true(run(true, &h.jit));
    assert_int_equal(h.jit.x[5], 0);
    assert_int_equal(h.jit.instret, h.init.instret + 2 + 2 * k + 1);
    tb = tb_lookup_phys(RAM_BASE + 8);
    assert_non_null(tb);
    return tb;
}

/*
 * Tiered compilation (jit.h): a block is interpreted threshold - 1 times, compiled for its
 * threshold-th run, and not counted once it has code.
 */
void test_compile_when_hot(void **state)
{
    const unsigned hot = 5;
    TranslationBlock *tb;

    tcg_jit_threshold = hot;
    tb = run_counted_loop(hot - 1);
    assert_null(tb->jit_code);
    assert_int_equal(tb->exec_count, hot - 1);
    tb = run_counted_loop(hot);
    assert_non_null(tb->jit_code);
    assert_int_equal(tb->exec_count, hot);
    assert_null(tb_lookup_phys(RAM_BASE)->jit_code); /* the entry block ran once */
    tb = run_counted_loop(3 * hot);
    assert_non_null(tb->jit_code);
    assert_int_equal(tb->exec_count, hot);
}

int compile_at_once(void **state)
{
    tcg_jit_threshold = 1;
    return 0;
}
