/*
 * Directed streams for the JIT's own rules: a load site's page range (tlb_probe_load,
 * CPUTLB.jit_hint) over pages of different addends and across remaps, a store site's range
 * and code written through it, sext.w as a move only
 * where the value is known sign-extended, register moves and mul in place, fused slli pairs, a
 * rotated loop's side exit, a loop block's exits (exit_request, unlinked back edge), tiered
 * compilation, return-address prediction.
 */
#include "accel/tcg/cputlb.h"
#include "difftest.h"
#include "kicks.h"

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

/*
 * Two load sites share a page-range slot (their pcs hash alike: RAM_BASE and RAM_BASE +
 * 0x202): the lbu takes the last page of RAM in, then the ld reads 8 bytes from RAM's last
 * byte. Its range check must hold for 8 bytes, not for the size of the site that set the
 * slot's limit: the ld takes an access fault, as on the interpreter.
 */
void test_load_range_shared_slot(void **state)
{
    uint32_t code[0x20c / 4] = {0x00054283u /* lbu x5, 0(x10): twice (the TLB, the range) */,
                                ADDI(7, 7, -1), 0xfe039ce3u /* bne x7, x0, .-8 */,
                                0x1f40006fu /* j .+0x1f4 */};
    GenRng r = {.s = 0x5107 | 1};

    code[0x200 / 4] = 0x33030001u; /* c.nop; at 0x202: ld x6, 0(x10) */
    code[0x204 / 4] = 0x00730005u; /* (ld); at 0x206: wfi */
    code[0x208 / 4] = 0x00001050u; /* (wfi) */
    make_init(&r, &h.init);
    h.init.x[10] = RAM_END - 1;
    h.init.x[7] = 2;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mepc, RAM_BASE + 0x202);
}

/* A paged state with a 2 MiB megapage at mega over all of RAM (which it holds whole). */
static void make_megapage(GenRng *r, uint64_t mega)
{
    make_init(r, &h.init);
    make_paged(r, &h.init);
    put_pte(&h.init, PT_ROOT, mega >> 30, (PT_L1 >> 12) << 10 | PTE_V);
    put_pte(&h.init, PT_L1, (mega >> 21) & 511,
            (RAM_BASE >> 12) << 10 | PTE_R | PTE_W | PTE_A | PTE_D | PTE_V);
}

#define LD(rd, rs1) (0x00003003u | (rs1) << 15 | (rd) << 7) /* ld rd, 0(rs1) */

/*
 * A load site's range takes a superpage's block at once (CPUTLB.jit_hint[].block_pages), but
 * only the part that RAM holds: a 2 MiB megapage at 0x40200000 over all 64 KiB of RAM, the
 * site walks to RAM's end within its range, then one step more, still in the megapage, takes
 * the access fault of the unassigned address, as on the interpreter.
 */
void test_load_range_superpage(void **state)
{
    const uint32_t loop[] = {0x00053283u /* ld x5, 0(x10) */,
                             0x00b50533u /* add x10, x10, x11 */,
                             ADDI(11, 11, 0x400),
                             ADDI(7, 7, -1),
                             0xfe0398e3u /* bne x7, x0, .-16 */,
                             WFI};
    const uint64_t mega = 0x40200000;
    GenRng r = {.s = 0x5e9a | 1};
    uint64_t last;

    make_megapage(&r, mega);
    /* loads at 0xf400 (the fill), 0xf400 (the range), 0xf800 (a hit), then RAM_SIZE */
    h.init.x[10] = mega + 0xf400;
    h.init.x[11] = 0;
    h.init.x[7] = 8;
    run_both(loop, ARRAY_SIZE(loop));
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mtval, mega + RAM_SIZE);
    memcpy(&last, &h.init.ram[0xf800], 8);
    assert_int_equal(h.jit.x[5], last);
}

/* Whether any site of these slots (the data context's loads' or stores') holds a range, by
 * the slots themselves. */
static bool slots_used(const JitLoadHints *slots)
{
    for (int i = 0; i < JIT_HINT_SLOTS; i++) {
        if (slots->lim[i]) {
            return true;
        }
    }
    return false;
}

static bool load_slots_used(void)
{
    return slots_used(&h.cpu->tlb.jit_hint[h.cpu->tlb.data_mmu_idx].h);
}

/*
 * A page's flush asks a summary of the blocks the table took (JitModeHints.seen) before the
 * slots: the load site's range holds the megapage's block (all 64 KiB of RAM) from a fill of
 * page 0xf000, so flushing page 0x3000 of the block, which the table never held, must still
 * empty it; flushing a page of another gigabyte leaves it.
 */
void test_load_range_flush_block(void **state)
{
    const uint32_t loop[] = {0x00053283u /* ld x5, 0(x10) */, ADDI(7, 7, -1),
                             0xfe039ce3u /* bne x7, x0, .-8 */, WFI};
    const uint64_t mega = 0x40200000;
    CPUState *cs = &h.cpu->parent_obj;
    GenRng r = {.s = 0xb10c | 1};

    make_megapage(&r, mega);
    h.init.x[10] = mega + 0xf400;
    h.init.x[7] = 8;
    load_code(loop, ARRAY_SIZE(loop));
    run_to_wfi(true, "the load loop");
    assert_true(load_slots_used());
    tlb_flush_page(cs, mega + (2ull << 30));
    assert_true(load_slots_used());
    tlb_flush_page(cs, mega + 0x3000);
    assert_false(load_slots_used());
}

/*
 * A load writes straight to rd's cache register (jit-mem.c jit_gen_load), which is allocated
 * before the probe and left clean until the load: a load that faults keeps the old x[rd]
 * (rd not cached before, with six dirty registers to evict for it; rd cached and dirty), and
 * a load through the slow path (a page crossing outside the site's range) puts its value in
 * rd, also when rd is rs1.
 */
void test_load_into_rd(void **state)
{
    const uint32_t evict[] = {ADDI(1, 1, 1), ADDI(2, 2, 2), ADDI(3, 3, 3), ADDI(4, 4, 4),
                              ADDI(5, 5, 5), ADDI(6, 6, 6), LD(7, 10),     WFI};
    const uint32_t dirty[] = {ADDI(5, 5, 7), LD(5, 10), WFI};
    const uint32_t slow[] = {LD(11, 10), LD(10, 10), WFI};
    const uint64_t cross = RAM_BASE + 0x7000 - 4;
    GenRng r = {.s = 0x10ad | 1};
    uint64_t w;

    make_init(&r, &h.init);
    h.init.x[10] = RAM_END;
    run_both(evict, ARRAY_SIZE(evict));
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mepc, RAM_BASE + 24);
    assert_int_equal(h.jit.x[7], h.init.x[7]);
    for (int i = 1; i <= 6; i++) {
        assert_int_equal(h.jit.x[i], h.init.x[i] + i);
    }
    run_both(dirty, ARRAY_SIZE(dirty));
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.x[5], h.init.x[5] + 7);
    h.init.x[10] = cross;
    run_both(slow, ARRAY_SIZE(slow));
    memcpy(&w, &h.init.ram[cross - RAM_BASE], 8);
    assert_int_equal(h.jit.x[11], w);
    assert_int_equal(h.jit.x[10], w);
}

/*
 * A load that faults in a loop-mode block's sixth iteration: the registers the loop keeps in
 * host registers across its back edge (the sum, the pointer, the count: dirty since the first
 * iteration) reach env at the trap, at the faulting record's pc and instret, and the load's
 * rd keeps the fifth iteration's value.
 */
void test_loop_load_fault(void **state)
{
    const uint32_t code[] = {ADDI(6, 0, 0),
                             LD(5, 10),
                             0x00530333u /* add x6, x6, x5 */,
                             ADDI(10, 10, 8),
                             ADDI(7, 7, 1),
                             0xfeb518e3u /* bne x10, x11, LOOP */,
                             WFI};
    const uint64_t start = RAM_END - 5 * 8;
    GenRng r = {.s = 0x100f | 1};
    uint32_t regs, dirty;
    uint64_t sum = 0, w = 0;

    make_init(&r, &h.init);
    h.init.x[10] = start;
    h.init.x[11] = 0;
    for (int i = 0; i < 5; i++) {
        memcpy(&w, &h.init.ram[start + 8 * i - RAM_BASE], 8);
        sum += w;
    }
    run_both(code, ARRAY_SIZE(code));
    assert_true(loop_mask(&regs, &dirty));
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mepc, LOOP);
    assert_int_equal(h.jit.pc, HANDLER + 4);
    assert_int_equal(h.jit.instret, h.init.instret + 1 + 5 * 5 + 1); /* and the handler's wfi */
    assert_int_equal(h.jit.x[6], sum);
    assert_int_equal(h.jit.x[5], w);
    assert_int_equal(h.jit.x[7], h.init.x[7] + 5);
    assert_int_equal(h.jit.x[10], RAM_END);
}

/* An M division: f3 4 div, 5 divu, 6 rem, 7 remu; w for the *W forms (OP-32). */
#define MDIV(f3, w, rd, rs1, rs2)                                                                  \
    (0x02000033u | (w) << 3 | (rs2) << 20 | (rs1) << 15 | (f3) << 12 | (rd) << 7)

/*
 * Division inline (jit-alu.c gen_div): the zero divisor and the signed overflow, where x86
 * would fault and RISC-V defines the result, for the 64-bit and the *W forms (whose sources
 * carry other upper bits, and whose 32-bit results are sign-extended also when unsigned), with
 * rd the same register as a source.
 */
void test_div_inline(void **state)
{
    const uint32_t code[] = {MDIV(4, 0, 12, 5, 6),
                             MDIV(6, 0, 13, 5, 6),
                             MDIV(4, 0, 14, 8, 7),
                             MDIV(5, 0, 15, 8, 7),
                             MDIV(6, 0, 16, 8, 7),
                             MDIV(7, 0, 17, 5, 7),
                             MDIV(4, 1, 18, 9, 10),
                             MDIV(6, 1, 19, 9, 10),
                             MDIV(4, 1, 20, 8, 11),
                             MDIV(5, 1, 21, 9, 11),
                             MDIV(7, 1, 22, 9, 11),
                             MDIV(6, 1, 23, 10, 11),
                             MDIV(5, 1, 24, 9, 8),
                             MDIV(4, 0, 25, 5, 8),
                             MDIV(6, 0, 26, 5, 8),
                             MDIV(7, 1, 27, 10, 8),
                             MDIV(4, 1, 28, 28, 28),
                             MDIV(4, 0, 8, 8, 6),
                             WFI};
    GenRng r = {.s = 0xd1f | 1};

    make_init(&r, &h.init);
    h.init.x[5] = INT64_MIN;
    h.init.x[6] = -1;
    h.init.x[7] = 0;
    h.init.x[8] = 7;
    h.init.x[9] = 0xdeadbeef80000000ULL;  /* low 32 bits INT32_MIN */
    h.init.x[10] = 0x12345678ffffffffULL; /* -1 */
    h.init.x[11] = 0xffffffff00000000ULL; /* 0 */
    h.init.x[28] = 0;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[12], INT64_MIN);
    assert_int_equal(h.jit.x[13], 0);
    assert_int_equal(h.jit.x[14], UINT64_MAX);
    assert_int_equal(h.jit.x[15], UINT64_MAX);
    assert_int_equal(h.jit.x[16], 7);
    assert_int_equal(h.jit.x[17], INT64_MIN);
    assert_int_equal(h.jit.x[18], 0xffffffff80000000ULL);
    assert_int_equal(h.jit.x[19], 0);
    assert_int_equal(h.jit.x[20], UINT64_MAX);
    assert_int_equal(h.jit.x[21], UINT64_MAX);
    assert_int_equal(h.jit.x[22], 0xffffffff80000000ULL);
    assert_int_equal(h.jit.x[23], UINT64_MAX);
    assert_int_equal(h.jit.x[24], 0x12492492);
    assert_int_equal(h.jit.x[25], 0xedb6db6db6db6db7ULL);
    assert_int_equal(h.jit.x[26], UINT64_MAX);
    assert_int_equal(h.jit.x[27], 3);
    assert_int_equal(h.jit.x[28], UINT64_MAX);
    assert_int_equal(h.jit.x[8], -7);
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
 * Store sites' page ranges (CPUTLB.jit_hint[].st) never skip the invalidation of code: a
 * loop writes a function (addi x10, x10, k; ret) to a page twice through its store sites
 * (the second time through ranges that took the page in while it held no code), calls it,
 * then rewrites it with k + 99 and calls it again. Translating the function made the page a code
 * page, which must empty the ranges (tlb_set_notdirty), so the second round's stores take the slow
 * path that drops the stale block.
 */
void test_store_range_smc(void **state)
{
    const uint32_t code[] = {ADDI(5, 0, 3),
                             0x0063a023u /* LOOP: sw x6, 0(x7) */,
                             0x0083a223u /* sw x8, 4(x7) */,
                             ADDI(5, 5, -1),
                             0xfeb29ae3u /* bne x5, x11, LOOP: twice the first time */,
                             0x0000100fu /* fence.i */,
                             0x000380e7u /* jalr x1, 0(x7) */,
                             0x00930333u /* add x6, x6, x9 */,
                             ADDI(11, 0, 0),
                             0xfe0290e3u /* bne x5, x0, LOOP */,
                             WFI};
    GenRng r = {.s = 0x5c3 | 1};

    make_init(&r, &h.init);
    h.init.x[6] = ADDI(10, 10, 1);
    h.init.x[7] = RAM_BASE + 0x1000;
    h.init.x[8] = 0x00008067u; /* ret */
    h.init.x[9] = 99u << 20;
    h.init.x[11] = 1;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[10], h.init.x[10] + 1 + 100);
}

static bool store_slots_used(void)
{
    return slots_used(&h.cpu->tlb.jit_hint[h.cpu->tlb.data_mmu_idx].st);
}

/*
 * JitModeHints.st_filled, which tlb_page_fast_writable_elsewhere asks instead of every slot,
 * is set while a store site holds a range and cleared with the last one: when the page is
 * flushed, when a page becomes code (tlb_set_notdirty) and when the TLB is flushed. The
 * answer for a page nothing maps (0x1000) is the store ranges' alone. The harness's hart,
 * never realized, is put in the vCPU list for the test (one vCPU: the JIT's choices stay).
 */
void test_store_range_flag(void **state)
{
    const uint32_t code[] = {ADDI(5, 0, 10), 0x0063a023u /* LOOP: sw x6, 0(x7) */, ADDI(5, 5, -1),
                             0xfe029ce3u /* bne x5, x0, LOOP */, WFI};
    const uint64_t *filled;
    CPUState *cs = &h.cpu->parent_obj;

    load_directed(code, ARRAY_SIZE(code), 0x5f1a);
    h.init.x[7] = WINDOW;
    assert_null(first_cpu);
    first_cpu = cs;
    for (int how = 0; how < 3; how++) {
        run_to_wfi(true, "the store loop");
        filled = &h.cpu->tlb.jit_hint[h.cpu->tlb.data_mmu_idx].st_filled;
        assert_true(store_slots_used());
        assert_true(*filled);
        assert_true(tlb_page_fast_writable_elsewhere(NULL, 0x1000));
        if (how == 0) {
            tlb_flush_page(cs, WINDOW);
        } else if (how == 1) {
            tlb_set_notdirty(cs, 0x1000);
        } else {
            tlb_flush(cs);
        }
        assert_false(store_slots_used());
        assert_false(*filled);
        assert_false(tlb_page_fast_writable_elsewhere(NULL, 0x1000));
    }
    first_cpu = NULL;
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
    load_code(code, ARRAY_SIZE(code));
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
 * Register moves written as add/xor/or rd, x0, rs2 (c.mv) become one mov (jit-alu.c gen_mv),
 * carrying rs2's known sign extension to rd and no more: sext.w of a moved lw result is a
 * move, of a moved full 64-bit value a real sign extension. mul takes rs2 from its own
 * register, also when rd is rs2, or all three are one register, or rs2 is x0.
 */
void test_mv_mul(void **state)
{
    const uint32_t code[] = {
        0x00500333u /* add x6, x0, x5 */,     0x007003b3u /* add x7, x0, x7 */,
        0x00000433u /* add x8, x0, x0 */,     0x005044b3u /* xor x9, x0, x5 */,
        0x00506533u /* or x10, x0, x5 */,     0x005005bbu /* addw x11, x0, x5 */,
        0x0003061bu /* sext.w x12, x6 */,     0x00072683u /* lw x13, 0(x14) */,
        0x00d007b3u /* add x15, x0, x13 */,   0x0007881bu /* sext.w x16, x15 */,
        0x033908b3u /* mul x17, x18, x19 */,  0x033909b3u /* mul x19, x18, x19 */,
        0x034a0a33u /* mul x20, x20, x20 */,  0x02090ab3u /* mul x21, x18, x0 */,
        0x03690b3bu /* mulw x22, x18, x22 */, WFI};
    const uint64_t word = 0xfedcba9887654321ULL;
    GenRng r = {.s = 0x3f1 | 1};
    ArchState *in = &h.init;

    make_init(&r, in);
    memcpy(&in->ram[WINDOW - RAM_BASE], &word, 8);
    in->x[5] = 0x0123456789abcdefULL;
    in->x[14] = WINDOW;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[6], in->x[5]);
    assert_int_equal(h.jit.x[7], in->x[7]);
    assert_int_equal(h.jit.x[8], 0);
    assert_int_equal(h.jit.x[9], in->x[5]);
    assert_int_equal(h.jit.x[10], in->x[5]);
    assert_int_equal(h.jit.x[11], (uint64_t)(int32_t)in->x[5]);
    assert_int_equal(h.jit.x[12], (uint64_t)(int32_t)in->x[5]);
    assert_int_equal(h.jit.x[15], (uint64_t)(int32_t)word);
    assert_int_equal(h.jit.x[16], (uint64_t)(int32_t)word);
    assert_int_equal(h.jit.x[17], in->x[18] * in->x[19]);
    assert_int_equal(h.jit.x[19], in->x[18] * in->x[19]);
    assert_int_equal(h.jit.x[20], in->x[20] * in->x[20]);
    assert_int_equal(h.jit.x[21], 0);
    assert_int_equal(h.jit.x[22], (uint64_t)(int32_t)(uint32_t)(in->x[18] * in->x[22]));
}

/*
 * Pair fusion of slli (jit-alu.c gen_slli_pair): slli 32 + srli 32 of the same rd is a 32-bit
 * mov (in place too), not known sign-extended after it; slli 1..3 + add into the same rd is
 * one lea, with the shifted operand either side. Not fused: srli of another register, add of
 * rd to itself or of x0, an add into another rd (the slli's value stays visible).
 */
void test_slli_pairs(void **state)
{
    const uint32_t code[] = {
        0x02031293u /* slli x5, x6, 32 */,   0x0202d293u /* srli x5, x5, 32 */,
        0x02039393u /* slli x7, x7, 32 */,   0x0203d393u /* srli x7, x7, 32 */,
        0x02049413u /* slli x8, x9, 32 */,   0x0204d413u /* srli x8, x9, 32 */,
        0x00259513u /* slli x10, x11, 2 */,  0x00c50533u /* add x10, x10, x12 */,
        0x00369693u /* slli x13, x13, 3 */,  0x00d706b3u /* add x13, x14, x13 */,
        0x00281793u /* slli x15, x16, 2 */,  0x00f787b3u /* add x15, x15, x15 */,
        0x00191893u /* slli x17, x18, 1 */,  0x000888b3u /* add x17, x17, x0 */,
        0x002a1993u /* slli x19, x20, 2 */,  0x01698ab3u /* add x21, x19, x22 */,
        0x020c1b93u /* slli x23, x24, 32 */, 0x020bdb93u /* srli x23, x23, 32 */,
        0x000b8c9bu /* sext.w x25, x23 */,   WFI};
    GenRng r = {.s = 0x5a1 | 1};
    const uint64_t *x;

    make_init(&r, &h.init);
    h.init.x[24] = 0x1234567887654321ULL;
    x = h.init.x;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[5], (uint32_t)x[6]);
    assert_int_equal(h.jit.x[7], (uint32_t)x[7]);
    assert_int_equal(h.jit.x[8], x[9] >> 32);
    assert_int_equal(h.jit.x[10], (x[11] << 2) + x[12]);
    assert_int_equal(h.jit.x[13], x[14] + (x[13] << 3));
    assert_int_equal(h.jit.x[15], x[16] << 3);
    assert_int_equal(h.jit.x[17], x[18] << 1);
    assert_int_equal(h.jit.x[19], x[20] << 2);
    assert_int_equal(h.jit.x[21], (x[20] << 2) + x[22]);
    assert_int_equal(h.jit.x[23], 0x87654321ULL);
    assert_int_equal(h.jit.x[25], 0xffffffff87654321ULL);
}

/*
 * A *W result read only through its low 32 bits before it is overwritten keeps no sign
 * extension (jit_low32_results): slliw into x5, read by xor whose result only sext.w reads.
 * Not when the low bits reach a full 64-bit result (add x11), a full read (srli x13 of the
 * upper half) or a record that may trap (the lw faults with x14 live: its value at the trap
 * must be sign-extended).
 */
void test_low32_results(void **state)
{
    const uint32_t code[] = {0x00d3129bu /* slliw x5, x6, 13 */,
                             0x0054c4b3u /* xor x9, x9, x5 */,
                             0x0004849bu /* sext.w x9, x9 */,
                             ADDI(5, 0, 1),
                             0x00d3151bu /* slliw x10, x6, 13 */,
                             0x00a585b3u /* add x11, x11, x10 */,
                             ADDI(10, 0, 2),
                             0x00d3161bu /* slliw x12, x6, 13 */,
                             0x02065693u /* srli x13, x12, 32 */,
                             ADDI(12, 0, 3),
                             0x00d3171bu /* slliw x14, x6, 13 */,
                             0x00082783u /* lw x15, 0(x16): faults */,
                             0x00e8c8b3u /* xor x17, x17, x14 */,
                             0x0008889bu /* sext.w x17, x17 */,
                             ADDI(14, 0, 4),
                             WFI};
    const uint64_t v = 0xffffffff80002000ULL; /* x6 << 13, sign-extended from bit 31 */
    GenRng r = {.s = 0x10e2 | 1};
    const uint64_t *x = h.init.x;

    make_init(&r, &h.init);
    h.init.x[6] = 0x40001;
    h.init.x[16] = RAM_END;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[5], 1);
    assert_int_equal(h.jit.x[9], (uint64_t)(int32_t)(uint32_t)(x[9] ^ v));
    assert_int_equal(h.jit.x[11], x[11] + v);
    assert_int_equal(h.jit.x[13], 0xffffffffu);
    assert_int_equal(h.jit.x[14], v);
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
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
 * A loop-mode block that never ends leaves when exit_request is set: it tests the flag at
 * its loop entry (jit-translate.c), as its back edge goes straight there. Without the test
 * the run never returns.
 */
void test_loop_exit_request(void **state)
{
    const uint32_t code[] = {ADDI(6, 0, 0), ADDI(5, 5, 1), 0xfe029ee3u /* bne x5, x0, LOOP */, WFI};
    GenRng r = {.s = 0x1e4e | 1};
    uint32_t regs, dirty;

    skip_if_kicks_deferred();
    make_init(&r, &h.init);
    h.init.x[5] = 1;
    load_code(code, ARRAY_SIZE(code));
    assert_false(run(true, &h.jit)); /* stopped by a kick after LOOP_INSNS */
    assert_true(loop_mask(&regs, &dirty));
    assert_int_equal(h.cpu->env.pc, LOOP);
    assert_int_equal(h.cpu->env.gpr[5], 1 + (h.cpu->env.instret - h.init.instret - 1) / 2);
}

/*
 * A loop whose store rewrites its own first instruction (with the same bits): the store drops
 * the block while it runs, which unlinks its back edge (tb-maint.c), so each iteration leaves
 * at the loop's start and runs in a new copy. The unlinked conditional back edge must leave
 * at the start, not fall through past the loop.
 */
void test_loop_unlinked(void **state)
{
    const uint32_t code[] = {ADDI(5, 0, 10), 0x0063a023u /* LOOP: sw x6, 0(x7) */, ADDI(5, 5, -1),
                             0xfe029ce3u /* bne x5, x0, LOOP */, WFI};
    GenRng r = {.s = 0x5e1f | 1};

    make_init(&r, &h.init);
    h.init.x[6] = code[1];
    h.init.x[7] = LOOP;
    run_both(code, ARRAY_SIZE(code));
    assert_int_equal(h.jit.x[5], 0);
    assert_int_equal(h.jit.pc, RAM_BASE + 20); /* past the WFI */
    assert_int_equal(h.jit.instret, h.init.instret + 1 + 10 * 3 + 1);
}

/*
 * The loop block of "x5 = k; j LOOP; LOOP: x5 -= 1; bnez x5, LOOP; wfi" runs k times; run it
 * on the JIT and return that block.
 */
static TranslationBlock *run_counted_loop(unsigned k)
{
    const uint32_t code[] = {ADDI(5, 0, k), 0x0040006fu /* j LOOP */, ADDI(5, 5, -1),
                             0xfe029ee3u /* bne x5, x0, LOOP */, WFI};
    TranslationBlock *tb;

    load_directed(code, ARRAY_SIZE(code), 0x71e4);
    run_to_wfi(true, "the counted loop");
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

#define SDI(rs2, rs1, imm)                                                                         \
    (0x00003023u | ((uint32_t)(imm) >> 5 & 0x7f) << 25 | (rs2) << 20 | (rs1) << 15 |               \
     ((uint32_t)(imm)&0x1f) << 7)
#define LDI(rd, rs1, imm) (0x00003003u | ((uint32_t)(imm)&0xfff) << 20 | (rs1) << 15 | (rd) << 7)
#define BNE(rs1, rs2, off)                                                                         \
    (0x00001063u | ((uint32_t)(off) >> 12 & 1) << 31 | ((uint32_t)(off) >> 5 & 0x3f) << 25 |       \
     (rs2) << 20 | (rs1) << 15 | ((uint32_t)(off) >> 1 & 0xf) << 8 |                               \
     ((uint32_t)(off) >> 11 & 1) << 7)

/*
 * Runs of loads and of stores through one base register (jit-mem.c gen_mem_run: one range
 * test for the run): the base walks the window up across its page boundary to the end of
 * RAM, where the run's last store (then, in the second loop, its middle load) faults after
 * the accesses before it in the run took effect.
 */
void test_mem_runs(void **state)
{
    const uint32_t stores[] = {ADDI(15, 0, 0),
                               SDI(5, 10, -8),
                               SDI(6, 10, 0),
                               SDI(7, 10, 8),
                               LDI(12, 10, -8),
                               LDI(13, 10, 8),
                               LDI(14, 10, 0),
                               0x00d787b3u /* add x15, x15, x13 */,
                               ADDI(10, 10, 8),
                               BNE(10, 11, -32),
                               WFI};
    const uint32_t loads[] = {ADDI(15, 0, 0),
                              LDI(12, 10, -8),
                              LDI(13, 10, 8),
                              LDI(14, 10, 0),
                              0x00d787b3u /* add x15, x15, x13 */,
                              ADDI(10, 10, 8),
                              BNE(10, 11, -20),
                              WFI};
    GenRng r = {.s = 0x7e57 | 1};

    for (int i = 0; i < 2; i++) {
        make_init(&r, &h.init);
        h.init.x[10] = WINDOW + 8;
        h.init.x[11] = RAM_END + 64;
        if (i == 0) {
            run_both(stores, ARRAY_SIZE(stores));
        } else {
            run_both(loads, ARRAY_SIZE(loads));
        }
        assert_int_equal(h.jit.mcause,
                         i ? RISCV_EXCP_LOAD_ACCESS_FAULT : RISCV_EXCP_STORE_AMO_ACCESS_FAULT);
        assert_int_equal(h.jit.mepc, LOOP + (i ? 4 : 8));
        assert_int_equal(h.jit.x[10], RAM_END - 8);
    }
}

/*
 * Return-address prediction (cpu-tlb.h JitRas): calls through x1 and x5 and their returns,
 * 41 deep (the stack holds 16), a return whose continuation was rewritten after the call
 * (its chained exit must be unlinked with the dropped block: the new addi runs), and a
 * return to another address than the one pushed (ra += 4 at x7 == 5: the lookup runs, not
 * the pushed code). x6 = 10 * 1 + 9 * 100 + 1000 + 7 + 3 * (40 + 39 + ... + 1).
 */
void test_return_prediction(void **state)
{
    const uint32_t code[] = {
        0x01400393u, /*   0: li t2,20 */
        0x034000efu, /*   4: jal f */
        0x00130313u, /*   8: addi t1,t1,1 (rewritten to addi t1,t1,100 at x7 == 10) */
        0xfff38393u, /*   c: addi t2,t2,-1 */
        0xfe039ae3u, /*  10: bnez t2,4 */
        0x044002efu, /*  14: jal t0,g */
        0x00730313u, /*  18: addi t1,t1,7 */
        0x00300413u, /*  1c: li s0,3 */
        0x02800513u, /*  20: li a0,40 */
        0x03c000efu, /*  24: jal sum */
        0x00a30333u, /*  28: add t1,t1,a0 */
        0xfff40413u, /*  2c: addi s0,s0,-1 */
        0xfe0418e3u, /*  30: bnez s0,20 */
        WFI,         /*  34 */
        0xff638493u, /*  38: f: addi s1,t2,-10 */
        0x00049663u, /*  3c: bnez s1,48 */
        0x00c6a023u, /*  40: sw a2,0(a3) */
        0x0000100fu, /*  44: fence.i */
        0xffb38493u, /*  48: addi s1,t2,-5 */
        0x00049463u, /*  4c: bnez s1,54 */
        0x00408093u, /*  50: addi ra,ra,4 */
        0x00008067u, /*  54: ret */
        0x3e830313u, /*  58: g: addi t1,t1,1000 */
        0x00028067u, /*  5c: jr t0 */
        0xff010113u, /*  60: sum: addi sp,sp,-16 */
        0x00113423u, /*  64: sd ra,8(sp) */
        0x00a13023u, /*  68: sd a0,0(sp) */
        0x00050c63u, /*  6c: beqz a0,84 */
        0xfff50513u, /*  70: addi a0,a0,-1 */
        0xfedff0efu, /*  74: jal sum */
        0x00013583u, /*  78: ld a1,0(sp) */
        0x00b50533u, /*  7c: add a0,a0,a1 */
        0x0080006fu, /*  80: j 88 */
        0x00000513u, /*  84: li a0,0 */
        0x00813083u, /*  88: ld ra,8(sp) */
        0x01010113u, /*  8c: addi sp,sp,16 */
        0x00008067u, /*  90: ret */
    };
    GenRng r = {.s = 0x4a5 | 1};
    bool pushed = false;

    make_init(&r, &h.init);
    h.init.x[6] = 0;
    h.init.x[12] = ADDI(6, 6, 100);
    h.init.x[13] = RAM_BASE + 8;
    h.init.x[2] = RAM_BASE + 0x7000;
    load_code(code, ARRAY_SIZE(code));
    run_to_wfi(true, "the calls");
    for (int i = 0; i < JIT_RAS_SIZE; i++) {
        pushed |= h.cpu->tlb.ras.pc[i] == RAM_BASE + 0x78; /* sum's own calls pushed */
    }
    assert_true(pushed);
    run_to_wfi(false, "the calls");
    compare_engines("the calls");
    assert_int_equal(h.jit.x[6], 10 + 900 + 1007 + 3 * 820);
}

/*
 * The return-address stack is emptied at a change of context: a call in M-mode (its return
 * once through the stack, which links the calling block's continuation), then again, but
 * the callee mrets to U-mode, where the same virtual addresses map the page after: a return
 * there to the pushed address must run U-mode's code (x6 += 50, ecall), not the M-mode
 * continuation the stack's code is linked to (x6 += 1).
 */
void test_return_prediction_context(void **state)
{
    uint32_t code[0x1024 / 4] = {
        0x010000efu /* 0x00: jal ra, f */,
        ADDI(6, 6, 1) /* 0x04 */,
        ADDI(7, 7, 1) /* 0x08 */,
        0xff5ff06fu /* 0x0c: j 0x00 */,
        0x00039463u /* 0x10: f: bnez x7, 0x18 */,
        0x00008067u /* 0x14: ret */,
        0x34161073u /* 0x18: csrw mepc, x12 */,
        0x30069073u /* 0x1c: csrw mstatus, x13 */,
        0x30200073u /* 0x20: mret (U-mode's page: ret) */,
    };
    GenRng r = {.s = 0xc7c | 1};

    code[0x1004 / 4] = ADDI(6, 6, 50);
    code[0x1008 / 4] = 0x00000073u; /* ecall */
    code[0x1020 / 4] = 0x00008067u; /* ret, at U-mode's 0x20 */
    make_init(&r, &h.init);
    make_paged(&r, &h.init);
    put_pte(&h.init, PT_L0, (RAM_BASE >> 12) & 511,
            (RAM_BASE + 0x1000) >> 12 << 10 | PTE_R | PTE_X | PTE_U | PTE_A | PTE_V);
    h.init.x[6] = 0;
    h.init.x[7] = 0;
    h.init.x[12] = RAM_BASE + 0x20;
    h.init.x[13] = 0; /* MPP = U */
    load_code(code, ARRAY_SIZE(code));
    run_engines("the calls across modes");
    assert_int_equal(h.jit.mcause, RISCV_EXCP_U_ECALL);
    assert_int_equal(h.jit.x[6], 1 + 50);
}

/*
 * Direct jumps to another page chained in host code (jit.c emit_cross_page_exit): a loop in
 * S-mode jumps from page 0 to virtual page 1 and back, 10 times per phase; between phases,
 * M-mode rewrites page 1's first instruction (x6 += 100: the linked jump into the dropped
 * block must be unlinked through the page's incoming list), then maps virtual page 1 to the
 * frame after it (x6 += 1000: the jump, linked to the first frame, must see the TLB map
 * another). x6 = 10 * 1 + 10 * 100 + 10 * 1000.
 */
void test_cross_page_chain(void **state)
{
    uint32_t code[0x2008 / 4] = {
        0x30571073u, /*   0: csrw mtvec, x14 */
        0x34161073u, /*   4: csrw mepc, x12 */
        0x30069073u, /*   8: csrw mstatus, x13 */
        0x30200073u, /*   c: mret */
    };
    static const uint32_t loop[] = {
        0x7e10006fu, /*  20: j 0x1000 */
        0xfff38393u, /*  24: addi x7, x7, -1 */
        0xfe039ce3u, /*  28: bnez x7, 0x20 */
        0x00000073u, /*  2c: ecall */
    };
    static const uint32_t handler[] = {
        0x00140413u, /*  40: addi x8, x8, 1 */
        0xfff40493u, /*  44: addi x9, x8, -1 */
        0x00049863u, /*  48: bnez x9, 0x58 */
        0x01192023u, /*  4c: sw x17, 0(x18): page 1 rewritten */
        0x0000100fu, /*  50: fence.i */
        0x0140006fu, /*  54: j 0x68 */
        0xffe40493u, /*  58: addi x9, x8, -2 */
        0x00049e63u, /*  5c: bnez x9, 0x78 */
        0x00f83023u, /*  60: sd x15, 0(x16): page 1 remapped */
        0x12000073u, /*  64: sfence.vma */
        0x00a00393u, /*  68: li x7, 10 */
        0x34161073u, /*  6c: csrw mepc, x12 */
        0x30069073u, /*  70: csrw mstatus, x13 */
        0x30200073u, /*  74: mret */
        WFI,         /*  78 */
    };
    const uint64_t page1 = RAM_BASE + 0x1000, frame2 = RAM_BASE + 0x2000;
    GenRng r = {.s = 0xc505 | 1};
    TranslationBlock *jump, *linked;

    memcpy(&code[0x20 / 4], loop, sizeof(loop));
    memcpy(&code[0x40 / 4], handler, sizeof(handler));
    code[0x1000 / 4] = ADDI(6, 6, 1);
    code[0x1004 / 4] = 0x820ff06fu; /* j 0x24 */
    code[0x2000 / 4] = ADDI(6, 6, 1000);
    code[0x2004 / 4] = 0x820ff06fu; /* j 0x24, from virtual page 1 */
    make_init(&r, &h.init);
    make_paged(&r, &h.init);
    h.init.x[6] = 0;
    h.init.x[7] = 10;
    h.init.x[8] = 0;
    h.init.x[12] = RAM_BASE + 0x20;
    h.init.x[13] = (uint64_t)PRV_S << 11; /* MPP = S, MPRV = 0 */
    h.init.x[14] = RAM_BASE + 0x40;
    h.init.x[15] = frame2 >> 12 << 10 | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_V;
    h.init.x[16] = PT_L0 + 8 * ((page1 >> 12) & 511);
    h.init.x[17] = ADDI(6, 6, 100);
    h.init.x[18] = page1;
    load_code(code, ARRAY_SIZE(code));
    run_to_wfi(true, "the jumps across pages");
    /* the jump was chained, and again after the rewrite, to the new block on page 1 */
    jump = tb_lookup_phys(RAM_BASE + 0x20);
    assert_non_null(jump);
    linked = jump->jmp[0];
    assert_non_null(linked);
    assert_int_equal(linked->phys_pc, page1);
    assert_int_equal(tb_code(linked)[0], ADDI(6, 6, 100) & 0xff);
    run_to_wfi(false, "the jumps across pages");
    compare_engines("the jumps across pages");
    assert_int_equal(h.jit.x[6], 10 + 10 * 100 + 10 * 1000);
}
