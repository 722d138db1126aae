/*
 * Differential test of the two execution engines: random valid instruction
 * streams (gen.c) run on the interpreter and on the JIT, in this process, on
 * one hart over a small memory map; the whole architectural state must come
 * out the same (x and f registers, fflags/frm, pc, instret, mstatus, the trap
 * CSRs mcause/mtval/mepc, mscratch and all of RAM, the data window included).
 *
 * Memory map: RAM_SIZE of RAM at RAM_BASE holding the stream at RAM_BASE, the
 * trap handler (a WFI) at HANDLER, and the data window in its last
 * WINDOW_SIZE bytes; nothing is mapped above, so accesses past the end of RAM
 * are access faults, and those just below it cross into the fault.
 *
 * Paged streams (test_paged, and every other stream of the long run): data accesses are
 * translated through a small Sv39 table (M-mode with MPRV=1 and MPP=S; fetches stay
 * physical) that maps RAM one to one except the table's own pages, and gives each page of
 * the window a random right (read-write, read-only, A or D clear, or no mapping), so loads,
 * stores and AMOs there take page faults with their tval, and the pages above RAM fault.
 *
 * `make check` runs one case per instruction group with fixed seeds; `make
 * fuzz-jit SECONDS=N` (DIFFTEST_SECONDS=N) adds a case that draws streams
 * from every group with time-based seeds for N seconds. A mismatch prints the
 * seed, the stream and the differing state. DIFFTEST_VERBOSE=1 prints every
 * stream, DIFFTEST_TRAPS=1 the trap that ended each (to tune the generator);
 * DIFFTEST_SEED=S starts the long run at seed S (to reproduce a failure).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

#include <cmocka.h>

#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg.h"
#include "gen.h"
#include "kicks.h"
#include "system/memory.h"
#include "target/riscv/cpu.h"
#include "target/riscv/decode.h"
#include "target/riscv/fpu.h"
#include "target/riscv/jit.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64 * KiB)
#define RAM_END (RAM_BASE + RAM_SIZE)
#define HANDLER (RAM_BASE + 0x4000)
#define WINDOW_SIZE (8 * KiB)
#define WINDOW (RAM_END - WINDOW_SIZE)
#define CODE_MAX 0x4000
#define STREAMS 250
#define STREAM_LEN 160

/* The Sv39 table of paged streams: three pages of RAM, unmapped themselves. */
#define PT_ROOT (RAM_BASE + 0x8000)
#define PT_L1 (PT_ROOT + 0x1000)
#define PT_L0 (PT_ROOT + 0x2000)

typedef struct ArchState {
    uint64_t x[32], f[32];
    uint64_t satp; /* 0: data accesses are physical */
    uint64_t pc, instret, mstatus, mcause, mtval, mepc, mscratch;
    uint32_t fflags, frm;
    uint64_t vstart, vl, vtype; /* and the vector registers: test_vector_in_block */
    uint8_t vreg[32 * RISCV_VLENB_MAX];
    uint8_t ram[RAM_SIZE]; /* zeros but the random window; load_state adds code and handler */
} ArchState;

typedef struct Harness {
    MemoryRegion ram;
    RISCVCPU *cpu;
    uint8_t code[CODE_MAX];
    unsigned code_size;
    ArchState init, interp, jit;
    bool paged; /* the next streams translate data accesses (make_paged) */
} Harness;

static Harness h;

static const char *const rva23_insn_exts[] = {"zicond", "zimop",  "zca",    "zcb", "zcmop",
                                              "zawrs",  "zicbom", "zicboz", "zfh", "zfa"};

static int group_setup(void **state)
{
    /* Every block compiled when made, as the JIT half of each comparison needs. */
    tcg_jit_threshold = 1;
    assert_true(memory_region_init_ram(&h.ram, "difftest.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &h.ram);
    h.cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    /* The instructions of the RVA23 group (rv64's privileged behaviour otherwise: no Svade). */
    for (size_t i = 0; i < ARRAY_SIZE(rva23_insn_exts); i++) {
        assert_true(riscv_cpu_set_ext(h.cpu, rva23_insn_exts[i], true));
    }
    start_kicks(&h.cpu->parent_obj);
    return 0;
}

/* A random starting state: registers, FP state (FS rarely off), the window's bytes. */
static void make_init(GenRng *r, ArchState *s)
{
    static const uint64_t fs[] = {MSTATUS_FS, MSTATUS_FS, (uint64_t)MSTATUS_FS_CLEAN << 13,
                                  (uint64_t)MSTATUS_FS_INITIAL << 13, 0};

    memset(s, 0, sizeof(*s));
    for (int i = 1; i < 32; i++) {
        s->x[i] = gen_interesting(r);
        s->f[i] = gen_fp_value(r);
    }
    s->f[0] = gen_fp_value(r);
    s->x[29] = RAM_END;
    s->x[31] = WINDOW + WINDOW_SIZE / 2;
    s->frm = gen_rand(r) % 32 ? gen_rand(r) % 5 : 5 + gen_rand(r) % 3;
    s->fflags = gen_rand(r) & 0x1f;
    s->mstatus = fs[gen_rand(r) % (gen_rand(r) % 32 ? 4 : 5)];
    for (unsigned i = 0; i < WINDOW_SIZE; i += 8) {
        uint64_t v = gen_rand(r);
        memcpy(&s->ram[WINDOW - RAM_BASE + i], &v, 8);
    }
}

static void put_pte(ArchState *s, uint64_t table, unsigned idx, uint64_t pte)
{
    memcpy(&s->ram[table - RAM_BASE + idx * 8], &pte, 8);
}

/* The Sv39 table (see the top) and M-mode data accesses through it, as S-mode's. */
static void make_paged(GenRng *r, ArchState *s)
{
    static const uint64_t window_rights[] = {
        PTE_R | PTE_W | PTE_A | PTE_D,
        PTE_R | PTE_W | PTE_A | PTE_D,
        PTE_R | PTE_A,
        PTE_R | PTE_W | PTE_A,
        PTE_R | PTE_W,
        0,
    };

    put_pte(s, PT_ROOT, RAM_BASE >> 30, (PT_L1 >> 12) << 10 | PTE_V);
    put_pte(s, PT_L1, (RAM_BASE >> 21) & 511, (PT_L0 >> 12) << 10 | PTE_V);
    for (uint64_t pa = RAM_BASE; pa < RAM_END; pa += 0x1000) {
        uint64_t rights = PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
        if (pa >= PT_ROOT && pa <= PT_L0) {
            continue; /* a random store must not rewrite the table */
        }
        if (pa >= WINDOW) {
            rights = window_rights[gen_rand(r) % ARRAY_SIZE(window_rights)];
        }
        put_pte(s, PT_L0, (pa >> 12) & 511, rights ? (pa >> 12) << 10 | rights | PTE_V : 0);
    }
    s->satp = (uint64_t)SATP_MODE_SV39 << SATP_MODE_SHIFT | PT_ROOT >> 12;
    s->mstatus |= MSTATUS_MPRV | (uint64_t)PRV_S << 11;
}

static void load_state(const ArchState *s)
{
    CPURISCVState *env = &h.cpu->env;

    riscv_cpu_reset(h.cpu);
    memcpy(env->gpr, s->x, sizeof(s->x));
    memcpy(env->fpr, s->f, sizeof(s->f));
    env->frm = s->frm;
    env->fflags = s->fflags;
    env->mstatus = (env->mstatus & ~MSTATUS_FS) | s->mstatus;
    if ((env->mstatus & MSTATUS_FS) == MSTATUS_FS) {
        env->mstatus |= MSTATUS_SD;
    }
    env->mtvec = HANDLER;
    env->pc = RAM_BASE;
    env->satp = s->satp;
    /* S-mode rights for MPRV accesses and the walk: one PMP entry over everything */
    env->pmpaddr[0] = (1ULL << 54) - 1;
    riscv_pmpcfg_write(env, 0, 0x1f); /* NAPOT, RWX */
    tlb_flush(&h.cpu->parent_obj);    /* no translation of the previous stream survives */
    /* all of RAM: a store through a random base may land anywhere in it */
    memcpy(h.ram.ram_ptr, s->ram, RAM_SIZE);
    memcpy(h.ram.ram_ptr, h.code, h.code_size);
    memcpy(h.ram.ram_ptr + (HANDLER - RAM_BASE), &(uint32_t){0x10500073}, 4); /* wfi */
}

static void save_state(ArchState *s)
{
    CPURISCVState *env = &h.cpu->env;

    memcpy(s->x, env->gpr, sizeof(s->x));
    memcpy(s->f, env->fpr, sizeof(s->f));
    s->satp = env->satp;
    s->pc = env->pc;
    s->instret = env->instret;
    s->mstatus = env->mstatus;
    s->mcause = env->mcause;
    s->mtval = env->mtval;
    s->mepc = env->mepc;
    s->mscratch = env->mscratch;
    s->fflags = env->fflags;
    s->frm = env->frm;
    s->vstart = env->vstart;
    s->vl = env->vl;
    s->vtype = env->vtype;
    memcpy(s->vreg, env->vreg, sizeof(s->vreg));
    memcpy(s->ram, h.ram.ram_ptr, RAM_SIZE);
}

/*
 * A rare stream loops forever (on both engines: seed 1883807278493173 jumps back into
 * itself). A periodic signal makes tcg_cpu_exec return at a block boundary; a stream still
 * running after LOOP_INSNS instructions (a count, so the verdict does not depend on time)
 * is a loop, which both engines must agree on.
 */
#define LOOP_INSNS 20000000

/* Run the loaded stream to its WFI (or the handler's) on one engine; false if it loops. */
static bool run(bool jit, ArchState *out)
{
    CPUState *cs = &h.cpu->parent_obj;
    int ret;

    tcg_jit_enabled = jit;
    tb_flush_all(); /* no block of the previous stream or engine survives */
    load_state(&h.init);
    do {
        ret = tcg_cpu_exec(cs);
        if (ret == EXCP_INTERRUPT && h.cpu->env.instret > LOOP_INSNS) {
            return false;
        }
    } while (ret == EXCP_INTERRUPT);
    assert_int_equal(ret, EXCP_HLT);
    save_state(out);
    return true;
}

static void print_stream(void)
{
    for (unsigned off = 0; off < h.code_size;) {
        DecodedInsn d;
        uint32_t bits = 0;
        memcpy(&bits, h.code + off, off + 4 <= h.code_size ? 4 : 2);
        riscv_decode(bits, &d);
        fprintf(stderr, "  %04x: %0*x %-10s rd=%d rs1=%d rs2=%d rs3=%d rm=%d imm=%" PRId64 "\n",
                off, d.len * 2, d.raw, riscv_op_name(d.op), d.rd, d.rs1, d.rs2, d.rs3, d.rm, d.imm);
        off += d.len;
    }
}

#define DIFF(field, name)                                                                          \
    do {                                                                                           \
        if (a->field != b->field) {                                                                \
            fprintf(stderr, "  %s: interpreter 0x%" PRIx64 ", JIT 0x%" PRIx64 "\n", name,          \
                    (uint64_t)a->field, (uint64_t)b->field);                                       \
            n++;                                                                                   \
        }                                                                                          \
    } while (0)

/* Print the differences; returns how many. */
static int report_diff(const ArchState *a, const ArchState *b)
{
    char name[16];
    int n = 0;

    for (int i = 0; i < 32; i++) {
        snprintf(name, sizeof(name), "x%d", i);
        DIFF(x[i], name);
        snprintf(name, sizeof(name), "f%d", i);
        DIFF(f[i], name);
    }
    DIFF(pc, "pc");
    DIFF(instret, "instret");
    DIFF(mstatus, "mstatus");
    DIFF(mcause, "mcause");
    DIFF(mtval, "mtval");
    DIFF(mepc, "mepc");
    DIFF(mscratch, "mscratch");
    DIFF(fflags, "fflags");
    DIFF(frm, "frm");
    DIFF(vstart, "vstart");
    DIFF(vl, "vl");
    DIFF(vtype, "vtype");
    n += memcmp(a->vreg, b->vreg, sizeof(a->vreg)) != 0;
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        if (a->ram[i] != b->ram[i]) {
            fprintf(stderr, "  ram+0x%x: interpreter 0x%02x, JIT 0x%02x\n", i, a->ram[i],
                    b->ram[i]);
            n++;
        }
    }
    return n;
}

/* One stream from seed on both engines; false (after printing why) if they disagree. */
static bool check_seed(uint64_t seed, unsigned groups)
{
    GenRng r = {.s = seed * 0x9e3779b97f4a7c15ULL | 1};

    h.code_size = gen_stream(&r, groups, STREAM_LEN, h.code, sizeof(h.code));
    make_init(&r, &h.init);
    if (h.paged) {
        make_paged(&r, &h.init);
    }
    if (getenv("DIFFTEST_VERBOSE")) {
        fprintf(stderr, "seed %" PRIu64 "\n", seed);
        print_stream();
    }
    bool jit_ends = run(true, &h.jit), interp_ends = run(false, &h.interp);
    if (!jit_ends || !interp_ends) {
        if (jit_ends == interp_ends) {
            return true;
        }
        fprintf(stderr, "difftest: seed %" PRIu64 " loops on the %s only\n", seed,
                jit_ends ? "interpreter" : "JIT");
        print_stream();
        return false;
    }
    if (!memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        return true;
    }
    fprintf(stderr, "difftest: engines disagree, seed %" PRIu64 " groups 0x%x\n", seed, groups);
    report_diff(&h.interp, &h.jit);
    print_stream();
    return false;
}

static void run_group(unsigned groups, uint64_t seed0)
{
    int bad = 0, traps = 0;
    uint64_t insns = 0;

    for (int i = 0; i < STREAMS && bad < 3; i++) {
        bad += !check_seed(seed0 + i, groups);
        traps += h.jit.pc == HANDLER + 4;
        if (getenv("DIFFTEST_TRAPS") && h.jit.pc == HANDLER + 4) {
            DecodedInsn d;
            uint32_t bits;
            memcpy(&bits, h.code + (h.jit.mepc - RAM_BASE), 4);
            riscv_decode(bits, &d);
            fprintf(stderr, "trap cause %" PRIu64 " %s rm %d frm %d\n", h.jit.mcause,
                    riscv_op_name(d.op), d.rm, h.init.frm);
        }
        insns += h.jit.instret;
    }
    /* The streams must mostly run to their end: a generator that traps early tests little. */
    fprintf(stderr, "difftest: %d streams, %d ended in a trap, %" PRIu64 " instructions\n", STREAMS,
            traps, insns);
    assert_true(insns >= STREAMS * 10);
    assert_int_equal(bad, 0);
}

/* Each case: its group alone, plus plain integer code around it (bases, branch sources). */
#define GROUP_TEST(name, mask, seed)                                                               \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        run_group(mask, seed);                                                                     \
    }
GROUP_TEST(integer, 1u << GEN_INT, 1000)
GROUP_TEST(m, 1u << GEN_M | 1u << GEN_INT, 2000)
GROUP_TEST(bitmanip, 1u << GEN_B | 1u << GEN_INT, 3000)
GROUP_TEST(memory, 1u << GEN_MEM | 1u << GEN_INT, 4000)
GROUP_TEST(atomics, 1u << GEN_AMO | 1u << GEN_INT, 5000)
GROUP_TEST(fp, 1u << GEN_FP | 1u << GEN_INT, 6000)
GROUP_TEST(compressed, 1u << GEN_C | 1u << GEN_INT, 7000)
GROUP_TEST(csr, 1u << GEN_CSR | 1u << GEN_INT | 1u << GEN_FP, 8000)
GROUP_TEST(branches, 1u << GEN_BRANCH | 1u << GEN_INT | 1u << GEN_C, 9000)
GROUP_TEST(rva23, 1u << GEN_RVA23 | 1u << GEN_INT, 12000)
GROUP_TEST(fp_half_zfa, 1u << GEN_FPX | 1u << GEN_FP | 1u << GEN_INT, 13000)
GROUP_TEST(everything, GEN_ALL, 10000)

/* Memory and atomics through the Sv39 table: page faults (load, store/AMO) with their tval. */
static void test_paged(void **state)
{
    int faults = 0;

    h.paged = true;
    for (int i = 0; i < STREAMS; i++) {
        assert_true(check_seed(11000 + i, 1u << GEN_MEM | 1u << GEN_AMO | 1u << GEN_INT));
        faults += h.jit.pc == HANDLER + 4 && (h.jit.mcause == RISCV_EXCP_LOAD_PAGE_FAULT ||
                                              h.jit.mcause == RISCV_EXCP_STORE_PAGE_FAULT);
    }
    h.paged = false;
    fprintf(stderr, "difftest: %d paged streams, %d ended in a page fault\n", STREAMS, faults);
    assert_true(faults >= STREAMS / 10); /* the table is doing something */
}

/* ---- directed streams: the JIT checks mstatus.FS once per block (jit_fp_check) ---- */

#define FADD_D(rd, rs1, rs2) (0x02000053u | (rs2) << 20 | (rs1) << 15 | (rd) << 7) /* rm RNE */
#define FMV_X_D(rd, rs1) (0xe2000053u | (rs1) << 15 | (rd) << 7)
#define FSD(rs2, rs1) (0x00003027u | (rs2) << 20 | (rs1) << 15)
#define ADDI(rd, rs1, imm) (0x00000013u | (uint32_t)(imm) << 20 | (rs1) << 15 | (rd) << 7)
#define LUI_X28_FS 0x00006e37u        /* lui x28, 6: the FS field of mstatus */
#define CSRRC_MSTATUS_X28 0x300e3073u /* csrrc x0, mstatus, x28 */
#define WFI 0x10500073u

/* Run code from a fixed random state with mstatus.FS = fs on both engines; they must agree. */
static void run_directed(const uint32_t *code, unsigned n, unsigned fs)
{
    GenRng r = {.s = 0x5eed | 1};

    memcpy(h.code, code, n * 4);
    h.code_size = n * 4;
    make_init(&r, &h.init);
    h.init.mstatus = (uint64_t)fs << 13;
    assert_true(run(true, &h.jit));
    assert_true(run(false, &h.interp));
    if (memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        report_diff(&h.interp, &h.jit);
        print_stream();
        fail_msg("engines disagree on a directed FS stream");
    }
}

/*
 * FS turned off between two F/D instructions: the CSR write ends the block, so the next
 * block checks FS again and the FP instruction after it traps (illegal, at its pc).
 * From Initial, the first F/D write makes FS Dirty; the second in the block skips that.
 */
static void test_fs_per_block(void **state)
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
 * V records inside a JIT block (issue 10): the block runs them through the interpreter's
 * helper without leaving JIT code (its host code ends only at the WFI), a vsetivli's vl/vtype
 * reach the next record, scalar records around them stay in the block, and a vle64.v faulting
 * at element 1 (at RAM_END) traps at its own pc with vstart = 1 and VS Dirty.
 */
static void test_vector_in_block(void **state)
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
    GenRng r = {.s = 0x5eed | 1};
    TranslationBlock *tb;

    h.cpu->ext_v = true;
    memcpy(h.code, code, sizeof(code));
    h.code_size = sizeof(code);
    make_init(&r, &h.init);
    h.init.mstatus = MSTATUS_FS | (1ULL << 9); /* VS Initial */
    assert_true(run(true, &h.jit));
    tb = tb_lookup_phys(RAM_BASE);
    assert_non_null(tb);
    assert_non_null(tb->jit_code);
    assert_true(!tb->jit_tail || tb->jit_tail->pc == RAM_BASE + 4 * (ARRAY_SIZE(code) - 1));
    assert_true(run(false, &h.interp));
    h.cpu->ext_v = false;
    if (memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        report_diff(&h.interp, &h.jit);
        fail_msg("engines disagree on the vector block");
    }
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

/* Run code (vsetivli, a loop back to LOOP, WFI) from state init on both engines; compare. */
static void run_vector_loop(const uint32_t *code, size_t n, const ArchState *init)
{
    h.cpu->ext_v = true;
    memcpy(h.code, code, n * 4);
    h.code_size = n * 4;
    h.init = *init;
    assert_true(run(true, &h.jit));
    assert_true(run(false, &h.interp));
    h.cpu->ext_v = false;
    if (memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        report_diff(&h.interp, &h.jit);
        fail_msg("engines disagree on the vector loop");
    }
}

/* The loop-mode registers of the block at LOOP, as a mask, and the mask of their dirty ones. */
#define LOOP (RAM_BASE + 4)
static bool loop_mask(uint32_t *regs, uint32_t *dirty)
{
    TranslationBlock *tb = tb_lookup_phys(LOOP);
    int8_t guest[JIT_LOOP_REGS];
    uint8_t d;
    bool loop;

    assert_non_null(tb);
    loop = riscv_jit_loop_regs(tb, guest, &d);
    *regs = *dirty = 0;
    for (int i = 0; i < JIT_LOOP_REGS; i++) {
        *regs |= guest[i] >= 0 ? 1u << guest[i] : 0;
        *dirty |= guest[i] >= 0 && (d >> i & 1) ? 1u << guest[i] : 0;
    }
    return loop;
}

/*
 * An FP record's f fields are not x registers either: this loop names f20..f22 besides
 * a0..a2 and a4 (feq.d's rd), which counted as x registers would be eight and refuse loop mode.
 */
static void test_fp_loop_regs(void **state)
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

/*
 * The JIT's loop mode preloads the x registers a loop block names: a V record's vector
 * fields (vd/vs3, vs1, vs2) are not x registers. The first loop's inline vle8/vadd/vxor/vse8
 * name v20..v24, which counted as x registers would be eight with a0..a2 and refuse loop
 * mode; the second's strided load reads x[rs2] (a3) and vmv.x.s writes x[rd] (a4).
 */
static void test_vector_loop_regs(void **state)
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

/*
 * The inline SSE forms of jit-vector.c against the interpreter: vle8.v (its page in the TLB
 * from a scalar load), vadd.vv at e8, vsub/vxor/vand/vor.vv at e64, vse64.v back to the
 * window; then forms their guards send to the helper: vadd.vv with vl < VLMAX (tail kept)
 * and a vle16.v crossing RAM_END, which faults at element 4 (vstart 4, at its pc).
 */
static void test_vector_inline(void **state)
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
    GenRng r = {.s = 0x5eed | 1};
    uint8_t v1[16], v2[16];

    h.cpu->ext_v = true;
    memcpy(h.code, code, sizeof(code));
    h.code_size = sizeof(code);
    make_init(&r, &h.init);
    h.init.mstatus = MSTATUS_FS | MSTATUS_VS; /* VS Dirty: the inline forms' condition */
    assert_true(run(true, &h.jit));
    assert_true(run(false, &h.interp));
    h.cpu->ext_v = false;
    if (memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        report_diff(&h.interp, &h.jit);
        fail_msg("engines disagree on the inline vector forms");
    }
    assert_int_equal(h.jit.mcause, RISCV_EXCP_LOAD_ACCESS_FAULT);
    assert_int_equal(h.jit.mepc, RAM_BASE + 4 * 14);
    assert_int_equal(h.jit.vstart, 4);
    memcpy(v1, &h.init.ram[h.init.x[31] - RAM_BASE], 16);
    memcpy(v2, &h.jit.vreg[2 * 16], 16); /* VLEN 128 */
    for (int i = 0; i < 16; i++) {
        assert_int_equal(v2[i], (uint8_t)(2 * v1[i]));
    }
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

/* One FP record op f1 = f2 op f3 from frm = RNE and fflags = NX (the inline SSE path's
 * precondition), run by both engines (they must agree); returns the JIT's fflags.
 * run_fp_from starts from the fflags given. */
static unsigned run_fp_from(uint32_t insn, uint64_t a, uint64_t b, unsigned fflags)
{
    const uint32_t code[] = {insn, WFI};
    GenRng r = {.s = 0x5eed | 1};

    memcpy(h.code, code, sizeof(code));
    h.code_size = sizeof(code);
    make_init(&r, &h.init);
    h.init.mstatus = MSTATUS_FS;
    h.init.frm = 0;
    h.init.fflags = fflags;
    h.init.f[2] = a;
    h.init.f[3] = b;
    assert_true(run(true, &h.jit));
    assert_true(run(false, &h.interp));
    if (memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        report_diff(&h.interp, &h.jit);
        fail_msg("engines disagree on %08x", insn);
    }
    assert_int_equal(h.jit.pc, RAM_BASE + 8); /* no trap */
    return h.jit.fflags;
}

#define run_fp_op(insn, a, b) run_fp_from(insn, a, b, FPU_NX)

/*
 * The JIT's inline SSE2 arithmetic (target/riscv/jit-fp.c) against RISC-V's rules where x86
 * differs: NaN-boxing of singles, the canonical NaN (x86 keeps payloads), every flag, and
 * tininess after rounding (x86 detects it before rounding).
 */
static void test_sse_fp(void **state)
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
static void test_sse_dyn_frm(void **state)
{
    const uint32_t code[] = {FOP(0x01, 1, 2, 3, RM_DYN),
                             BNE_X7_X0_P20,
                             FMV_X_D(6, 1),
                             CSRRWI_FRM_RDN,
                             ADDI(7, 0, 1),
                             J_M20,
                             WFI};
    GenRng r = {.s = 0x5eed | 1};

    memcpy(h.code, code, sizeof(code));
    h.code_size = sizeof(code);
    make_init(&r, &h.init);
    h.init.mstatus = MSTATUS_FS;
    h.init.frm = 0;
    h.init.fflags = FPU_NX;
    h.init.x[7] = 0;
    h.init.f[2] = ONE_D;
    h.init.f[3] = 0x3ca8000000000000ULL; /* 3 * 2^-54 */
    assert_true(run(true, &h.jit));
    assert_true(run(false, &h.interp));
    assert_memory_equal(&h.interp, &h.jit, sizeof(ArchState));
    assert_int_equal(h.jit.pc, RAM_BASE + 28);
    assert_int_equal(h.jit.x[6], ONE_D + 1);
    assert_int_equal(h.jit.f[1], ONE_D);
    assert_int_equal(h.jit.frm, 2);
}

/* Both engines from h.init; they must agree. */
static void run_both(const uint32_t *code, size_t n)
{
    memcpy(h.code, code, n * 4);
    h.code_size = n * 4;
    assert_true(run(true, &h.jit));
    assert_true(run(false, &h.interp));
    assert_memory_equal(&h.interp, &h.jit, sizeof(ArchState));
}

/*
 * The FP guard (frm = RNE, NX) runs once per path: an fcsr write in the block must make the
 * next dyn-rm record check again (1 + 0.75 ulp: RNE rounds up, RDN down), and a loop-mode
 * block's guard, hoisted before its loop entry with the FS checks, must hand the loop to the
 * interpreter when frm is not RNE or FS not Dirty, and keep the fast path when they are.
 */
static void test_fp_guard_once(void **state)
{
    const uint32_t block[] = {FOP(0x01, 1, 2, 3, RM_DYN), CSRRWI_FRM_RDN,
                              FOP(0x01, 4, 2, 3, RM_DYN), WFI};
    const uint32_t loop[] = {ADDI(0, 0, 0), FOP(0x01, 1, 1, 3, RM_DYN), ADDI(7, 7, -1),
                             0xfe039ce3u /* bne x7, x0, .-8 */, WFI};
    GenRng r = {.s = 0x6a7d | 1};
    uint32_t regs, dirty;

    make_init(&r, &h.init);
    h.init.mstatus = MSTATUS_FS;
    h.init.frm = 0;
    h.init.fflags = FPU_NX;
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

/*
 * One load site over two pages whose addends differ (window pages 0 and 1 mapped to each
 * other's frames): the site's page range (tlb_probe_load) must not take both in, so the page
 * the loop alternates to reads its own frame.
 */
static void test_load_addend_guess(void **state)
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
static void test_load_range(void **state)
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
static void test_load_range_dropped(void **state)
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
 * sext.w (addiw rd, rs, 0) is a move only where rs is known to hold a sign-extended 32-bit
 * value (JitCtx.sext32): after lw, srliw by 1..31, logic of two such values; not after an
 * ld into the same register, srliw by 0, or logic with a full 64-bit value.
 */
static void test_sext32_known(void **state)
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
static void test_rotated_loop(void **state)
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
static void test_compile_when_hot(void **state)
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

static int compile_at_once(void **state)
{
    tcg_jit_threshold = 1;
    return 0;
}

/* W^X: with JIT code made and run, no mapping of the process is writable and executable. */
static void test_code_arena_wx(void **state)
{
    char line[512];
    FILE *maps;
    int rwx = 0;

    assert_true(check_seed(1, 1u << GEN_INT));
    maps = fopen("/proc/self/maps", "r");
    assert_non_null(maps);
    while (fgets(line, sizeof(line), maps)) {
        char perms[8] = "";
        if (sscanf(line, "%*s %7s", perms) == 1 && perms[1] == 'w' && perms[2] == 'x') {
            fprintf(stderr, "writable and executable: %s", line);
            rwx++;
        }
    }
    fclose(maps);
    assert_int_equal(rwx, 0);
}

/* make fuzz-jit: every group, time-based seeds, for DIFFTEST_SECONDS seconds. */
static void test_long(void **state)
{
    long seconds = atol(getenv("DIFFTEST_SECONDS"));
    const char *from = getenv("DIFFTEST_SEED"); /* reproduce a failure: its seed */
    uint64_t seed = from ? strtoull(from, NULL, 0) : (uint64_t)time(NULL) << 20, n = 0;
    time_t end = time(NULL) + seconds;

    fprintf(stderr, "difftest: %ld s from seed %" PRIu64 "\n", seconds, seed);
    while (time(NULL) < end) {
        h.paged = n & 1;
        assert_true(check_seed(seed + n, GEN_ALL));
        n++;
    }
    h.paged = false;
    fprintf(stderr, "difftest: %" PRIu64 " streams, engines agree\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integer),
        cmocka_unit_test(test_m),
        cmocka_unit_test(test_bitmanip),
        cmocka_unit_test(test_memory),
        cmocka_unit_test(test_atomics),
        cmocka_unit_test(test_fp),
        cmocka_unit_test(test_compressed),
        cmocka_unit_test(test_csr),
        cmocka_unit_test(test_branches),
        cmocka_unit_test(test_rva23),
        cmocka_unit_test(test_fp_half_zfa),
        cmocka_unit_test(test_everything),
        cmocka_unit_test(test_paged),
        cmocka_unit_test(test_fs_per_block),
        cmocka_unit_test(test_code_arena_wx),
        cmocka_unit_test(test_sse_fp),
        cmocka_unit_test(test_sse_dyn_frm),
        cmocka_unit_test(test_fp_guard_once),
        cmocka_unit_test(test_vector_in_block),
        cmocka_unit_test(test_vector_inline),
        cmocka_unit_test(test_vector_loop_regs),
        cmocka_unit_test(test_fp_loop_regs),
        cmocka_unit_test(test_load_addend_guess),
        cmocka_unit_test(test_load_range),
        cmocka_unit_test(test_load_range_dropped),
        cmocka_unit_test(test_sext32_known),
        cmocka_unit_test(test_rotated_loop),
        cmocka_unit_test_teardown(test_compile_when_hot, compile_at_once),
        cmocka_unit_test(test_long),
    };
    size_t n = ARRAY_SIZE(tests) - (getenv("DIFFTEST_SECONDS") ? 0 : 1);

    return _cmocka_run_group_tests("difftest", tests, n, group_setup, NULL);
}
