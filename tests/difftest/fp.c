/*
 * F and D in JIT code against the interpreter: mstatus.FS checked once per block, an FP
 * record's f fields in loop mode, the inline SSE2 arithmetic (NaN-boxing, canonical NaN,
 * flags, tininess), dynamic rounding after frm changes, and the FP guard once per path.
 */
#include "difftest.h"

/* ---- directed streams: the JIT checks mstatus.FS once per block (jit_fp_check) ---- */

#define FADD_D(rd, rs1, rs2) (0x02000053u | (rs2) << 20 | (rs1) << 15 | (rd) << 7) /* rm RNE */
#define FMV_X_D(rd, rs1) (0xe2000053u | (rs1) << 15 | (rd) << 7)
#define FSD(rs2, rs1) (0x00003027u | (rs2) << 20 | (rs1) << 15)
#define LUI_X28_FS 0x00006e37u        /* lui x28, 6: the FS field of mstatus */
#define CSRRC_MSTATUS_X28 0x300e3073u /* csrrc x0, mstatus, x28 */

/* Run code from a fixed random state with mstatus.FS = fs on both engines; they must agree. */
static void run_directed(const uint32_t *code, unsigned n, unsigned fs)
{
    load_directed(code, n, 0x5eed);
    h.init.mstatus = (uint64_t)fs << 13;
    run_engines("a directed FS stream");
}

/*
 * FS turned off between two F/D instructions: the CSR write ends the block, so the next
 * block checks FS again and the FP instruction after it traps (illegal, at its pc).
 * From Initial, the first F/D write makes FS Dirty; the second in the block skips that.
 */
void test_fs_per_block(void **state)
{
    const uint32_t off_between[] = {FADD_D(1, 2, 3),   FADD_D(4, 1, 2), LUI_X28_FS,
                                    CSRRC_MSTATUS_X28, FADD_D(5, 1, 1), WFI};
    const uint32_t clean_to_dirty[] = {FSD(1, 31), FADD_D(2, 1, 1), FADD_D(3, 2, 2), WFI};
    const uint32_t off_mid_block[] = {ADDI(1, 1, 1), FMV_X_D(5, 1), FADD_D(6, 1, 1), WFI};

    run_directed(off_between, ARRAY_SIZE(off_between), MSTATUS_FS_INITIAL);
    assert_int_equal(h.jit.mcause, RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(h.jit.mepc, RAM_BASE + 16);
    assert_int_equal(h.jit.mstatus & MSTATUS_FS, 0);
    assert_int_equal(h.jit.f[5], h.init.f[5]);
    assert_int_not_equal(h.jit.f[4], h.init.f[4]);

    run_directed(clean_to_dirty, ARRAY_SIZE(clean_to_dirty), MSTATUS_FS_CLEAN);
    assert_int_equal(h.jit.pc, RAM_BASE + 16); /* past the WFI: no trap */
    assert_int_equal(h.jit.mstatus & MSTATUS_FS, MSTATUS_FS);
    assert_true(h.jit.mstatus & MSTATUS_SD);

    run_directed(off_mid_block, ARRAY_SIZE(off_mid_block), 0);
    assert_int_equal(h.jit.mcause, RISCV_EXCP_ILLEGAL_INST);
    assert_int_equal(h.jit.mepc, RAM_BASE + 4);
    assert_int_equal(h.jit.x[1], h.init.x[1] + 1);
    assert_int_equal(h.jit.x[5], h.init.x[5]);
}

/*
 * An FP record's f fields are not x registers either: this loop names f20..f22 besides
 * a0..a2 and a4 (feq.d's rd), which counted as x registers would be eight and refuse loop mode.
 */
void test_fp_loop_regs(void **state)
{
    const uint32_t fp_loop[] = {
        0x00000013u, /* nop */
        0x00053a07u, /* LOOP: fld fs4, 0(a0) */
        0x035a7ad3u, /* fadd.d fs5, fs4, fs5 */
        0x134afb53u, /* fmul.d fs6, fs5, fs4 */
        0xa35a2753u, /* feq.d a4, fs4, fs5 */
        0x0165b027u, /* fsd fs6, 0(a1) */
        ADDI(10, 10, 8),
        ADDI(11, 11, 8),
        ADDI(12, 12, -1),
        0xfe0610e3u, /* bnez a2, the fld */
        WFI,
    };
    GenRng r = {.s = 0x2f0f | 1};
    ArchState init;
    uint32_t regs, dirty;

    make_init(&r, &init);
    init.mstatus = MSTATUS_FS;
    init.x[10] = WINDOW, init.x[11] = WINDOW + 256, init.x[12] = 5;
    run_vector_loop(fp_loop, ARRAY_SIZE(fp_loop), &init);
    assert_true(loop_mask(&regs, &dirty));
    assert_int_equal(regs, 1u << 10 | 1u << 11 | 1u << 12 | 1u << 14);
    assert_int_equal(dirty, regs);
    assert_int_equal(h.jit.x[12], 0);
}

/* An OP-FP record: funct7, registers, rounding mode (7 = dyn). */
#define FOP(f7, rd, rs1, rs2, rm)                                                                  \
    ((uint32_t)(f7) << 25 | (rs2) << 20 | (rs1) << 15 | (rm) << 12 | (rd) << 7 | 0x53u)
#define RM_DYN 7
#define CSRRWI_FRM_RDN 0x00215073u /* csrrwi x0, frm, 2 */
#define BNE_X7_X0_P20 0x00039a63u  /* bne x7, x0, .+20 */
#define J_M20 0xfedff06fu          /* jal x0, .-20 */
#define CANON_D 0x7ff8000000000000ULL
#define ONE_D 0x3ff0000000000000ULL

/* Code from the random state of seed with FS Dirty, frm = RNE and fflags as given. */
static void load_fp_code(const uint32_t *code, size_t n, uint64_t seed, unsigned fflags)
{
    load_directed(code, n, seed);
    h.init.mstatus = MSTATUS_FS;
    h.init.frm = 0;
    h.init.fflags = fflags;
}

/* One FP record op f1 = f2 op f3 from frm = RNE and fflags = NX (the inline SSE path's
 * precondition), run by both engines (they must agree); returns the JIT's fflags.
 * run_fp_from starts from the fflags given. */
static unsigned run_fp_from(uint32_t insn, uint64_t a, uint64_t b, unsigned fflags)
{
    const uint32_t code[] = {insn, WFI};
    char what[16];

    load_fp_code(code, ARRAY_SIZE(code), 0x5eed, fflags);
    h.init.f[2] = a;
    h.init.f[3] = b;
    snprintf(what, sizeof(what), "%08x", insn);
    run_engines(what);
    assert_int_equal(h.jit.pc, RAM_BASE + 8); /* no trap */
    return h.jit.fflags;
}

#define run_fp_op(insn, a, b) run_fp_from(insn, a, b, FPU_NX)

/*
 * The JIT's inline SSE2 arithmetic (target/riscv/jit-fp.c) against RISC-V's rules where x86
 * differs: NaN-boxing of singles, the canonical NaN (x86 keeps payloads), every flag, and
 * tininess after rounding (x86 detects it before rounding).
 */
void test_sse_fp(void **state)
{
    const uint64_t two_m1022 = 0x0010000000000000ULL, max_sub = 0x000fffffffffffffULL;

    /* a single that is not NaN-boxed reads as the canonical NaN: quiet, no NV */
    assert_int_equal(run_fp_op(FOP(0x00, 1, 2, 3, 0), 0x3f800000ULL, 0xffffffff3f800000ULL),
                     FPU_NX);
    assert_int_equal(h.jit.f[1], 0xffffffff7fc00000ULL);
    assert_int_equal(run_fp_op(FOP(0x00, 1, 2, 3, 0), 0xffffffff3f800000ULL, 0xffffffff40000000ULL),
                     FPU_NX);
    assert_int_equal(h.jit.f[1], 0xffffffff40400000ULL); /* 1 + 2 = 3, boxed */
    /* a quiet NaN with a payload gives the canonical NaN, no flag; a signaling one NV */
    assert_int_equal(run_fp_op(FOP(0x01, 1, 2, 3, 0), 0x7ff8000000000123ULL, ONE_D), FPU_NX);
    assert_int_equal(h.jit.f[1], CANON_D);
    assert_int_equal(run_fp_op(FOP(0x09, 1, 2, 3, 0), 0x7ff0000000000001ULL, ONE_D),
                     FPU_NX | FPU_NV);
    assert_int_equal(h.jit.f[1], CANON_D);
    /* inf - inf: NV; 1 / 0: DZ; 1e300 * 1e300: OF; sqrt(-1): NV */
    assert_int_equal(run_fp_op(FOP(0x05, 1, 2, 3, 0), 0x7ff0000000000000ULL, 0x7ff0000000000000ULL),
                     FPU_NX | FPU_NV);
    assert_int_equal(h.jit.f[1], CANON_D);
    assert_int_equal(run_fp_op(FOP(0x0d, 1, 2, 3, 0), ONE_D, 0), FPU_NX | FPU_DZ);
    assert_int_equal(h.jit.f[1], 0x7ff0000000000000ULL);
    assert_int_equal(run_fp_op(FOP(0x09, 1, 2, 3, 0), 0x7e37e43c8800759cULL, 0x7e37e43c8800759cULL),
                     FPU_NX | FPU_OF);
    assert_int_equal(run_fp_op(FOP(0x2d, 1, 2, 0, 0), 0xbff0000000000000ULL, 0), FPU_NX | FPU_NV);
    assert_int_equal(h.jit.f[1], CANON_D);
    /* (1 + 2^-52) * (2^-1022 - 2^-1074) = 2^-1022 - 2^-1126 rounds to 2^-1022: tiny before
     * rounding only, so no UF */
    assert_int_equal(run_fp_op(FOP(0x09, 1, 2, 3, 0), ONE_D + 1, max_sub), FPU_NX);
    assert_int_equal(h.jit.f[1], two_m1022);
    /* 2^-1022 * 2^-60 is tiny and inexact: UF */
    assert_int_equal(run_fp_op(FOP(0x09, 1, 2, 3, 0), two_m1022, 0x3c30000000000000ULL),
                     FPU_NX | FPU_UF);
    assert_int_equal(h.jit.f[1], 0);
    /* fflags start without NX (the helper's case): an inexact result sets it */
    assert_int_equal(run_fp_from(FOP(0x01, 1, 2, 3, 0), ONE_D, 0x3ca8000000000000ULL, 0), FPU_NX);
    assert_int_equal(h.jit.f[1], ONE_D + 1);
    assert_int_equal(run_fp_from(FOP(0x01, 1, 2, 3, RM_DYN), ONE_D, 0x3ca8000000000000ULL, 0),
                     FPU_NX);
    assert_int_equal(h.jit.f[1], ONE_D + 1);
}

/*
 * The same block run twice, frm changed from RNE to RDN in between: its dyn-rm fadd.d must
 * round the second time by the new frm. 1 + 0.75 ulp: RNE rounds up, RDN down.
 */
void test_sse_dyn_frm(void **state)
{
    const uint32_t code[] = {FOP(0x01, 1, 2, 3, RM_DYN),
                             BNE_X7_X0_P20,
                             FMV_X_D(6, 1),
                             CSRRWI_FRM_RDN,
                             ADDI(7, 0, 1),
                             J_M20,
                             WFI};

    load_fp_code(code, ARRAY_SIZE(code), 0x5eed, FPU_NX);
    h.init.x[7] = 0;
    h.init.f[2] = ONE_D;
    h.init.f[3] = 0x3ca8000000000000ULL; /* 3 * 2^-54 */
    run_engines("the frm change");
    assert_int_equal(h.jit.pc, RAM_BASE + 28);
    assert_int_equal(h.jit.x[6], ONE_D + 1);
    assert_int_equal(h.jit.f[1], ONE_D);
    assert_int_equal(h.jit.frm, 2);
}

/*
 * The FP guard (frm = RNE, NX) runs once per path: an fcsr write in the block must make the
 * next dyn-rm record check again (1 + 0.75 ulp: RNE rounds up, RDN down), and a loop-mode
 * block's guard, hoisted before its loop entry with the FS checks, must hand the loop to the
 * interpreter when frm is not RNE or FS not Dirty, and keep the fast path when they are.
 */
void test_fp_guard_once(void **state)
{
    const uint32_t block[] = {FOP(0x01, 1, 2, 3, RM_DYN), CSRRWI_FRM_RDN,
                              FOP(0x01, 4, 2, 3, RM_DYN), WFI};
    const uint32_t loop[] = {ADDI(0, 0, 0), FOP(0x01, 1, 1, 3, RM_DYN), ADDI(7, 7, -1),
                             0xfe039ce3u /* bne x7, x0, .-8 */, WFI};
    uint32_t regs, dirty;

    load_fp_code(block, ARRAY_SIZE(block), 0x6a7d, FPU_NX);
    h.init.f[1] = h.init.f[2] = ONE_D;
    h.init.f[3] = 0x3ca8000000000000ULL; /* 3 * 2^-54 */
    h.init.x[7] = 3;
    run_both(block, ARRAY_SIZE(block));
    assert_int_equal(h.jit.f[1], ONE_D + 1);
    assert_int_equal(h.jit.f[4], ONE_D);
    for (unsigned frm = 0; frm <= 2; frm += 2) {
        h.init.frm = frm;
        run_both(loop, ARRAY_SIZE(loop));
        assert_true(loop_mask(&regs, &dirty));
        assert_int_equal(h.jit.f[1], frm ? ONE_D : ONE_D + 3);
    }
    /* the FS checks hoisted with it (the loop as the first block): Initial must become Dirty,
     * Off must trap at the fadd */
    h.init.frm = 0;
    h.init.mstatus = MSTATUS_FS & (MSTATUS_FS >> 1);
    run_both(loop + 1, ARRAY_SIZE(loop) - 1);
    assert_int_equal(h.jit.mstatus & MSTATUS_FS, MSTATUS_FS);
    assert_int_equal(h.jit.f[1], ONE_D + 3);
    h.init.mstatus = 0;
    run_both(loop + 1, ARRAY_SIZE(loop) - 1);
    assert_int_equal(h.jit.f[1], ONE_D);
}
