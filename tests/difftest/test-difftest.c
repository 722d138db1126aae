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
 *
 * This file is the harness and main; the cases are in streams.c (a random stream per
 * instruction group, paged streams, the long run), fp.c (FS, the inline SSE arithmetic, the
 * FP guard), vector.c (V records in and around JIT blocks) and jit-rules.c (load sites' page
 * ranges, sext.w, rotated loops, tiered compilation); difftest.h declares what they share.
 */
#include <signal.h>
#include <sys/time.h>

#include "difftest.h"
#include "kicks.h"

Harness h;

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
void make_init(GenRng *r, ArchState *s)
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

void put_pte(ArchState *s, uint64_t table, unsigned idx, uint64_t pte)
{
    memcpy(&s->ram[table - RAM_BASE + idx * 8], &pte, 8);
}

/* The Sv39 table (see the top) and M-mode data accesses through it, as S-mode's. */
void make_paged(GenRng *r, ArchState *s)
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
    memcpy(h.ram.ram_ptr + (HANDLER - RAM_BASE), &(uint32_t){WFI}, 4);
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

/*
 * The handler traps on its own first instruction: a stream stored over its WFI (seed
 * 1883947395104463, paged: an SC.D through x2 = x7 with bit 14 flipped). Each trap enters it
 * again and retires nothing, so the instruction count never ends the run; the state repeats
 * itself exactly from the first such trap on, and is the end state compared.
 */
static bool handler_traps_on_itself(const CPURISCVState *env)
{
    uint32_t insn;

    memcpy(&insn, h.ram.ram_ptr + (HANDLER - RAM_BASE), 4);
    return insn != WFI && env->pc == HANDLER && env->mepc == HANDLER;
}

/* Run the loaded stream to its WFI (or the handler's) on one engine; false if it loops. */
bool run(bool jit, ArchState *out)
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
        if (ret == EXCP_INTERRUPT && handler_traps_on_itself(&h.cpu->env)) {
            save_state(out);
            return true;
        }
    } while (ret == EXCP_INTERRUPT);
    assert_int_equal(ret, EXCP_HLT);
    save_state(out);
    return true;
}

void print_stream(void)
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
int report_diff(const ArchState *a, const ArchState *b)
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
bool check_seed(uint64_t seed, unsigned groups)
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

void load_code(const uint32_t *code, size_t n)
{
    memcpy(h.code, code, n * 4);
    h.code_size = n * 4;
}

void load_directed(const uint32_t *code, size_t n, uint64_t seed)
{
    GenRng r = {.s = seed | 1};

    load_code(code, n);
    make_init(&r, &h.init);
}

void compare_engines(const char *what)
{
    if (memcmp(&h.interp, &h.jit, sizeof(ArchState))) {
        report_diff(&h.interp, &h.jit);
        print_stream();
        fail_msg("engines disagree on %s", what);
    }
}

void run_to_wfi(bool jit, const char *what)
{
    if (!run(jit, jit ? &h.jit : &h.interp)) {
        fail_msg("%s: the %s did not reach its WFI in %d instructions", what,
                 jit ? "JIT" : "interpreter", LOOP_INSNS);
    }
}

void run_engines(const char *what)
{
    run_to_wfi(true, what);
    run_to_wfi(false, what);
    compare_engines(what);
}

void run_both(const uint32_t *code, size_t n)
{
    load_code(code, n);
    run_engines("the stream");
}

/* Run code (vsetivli, a loop back to LOOP, WFI) from state init on both engines; compare. */
void run_vector_loop(const uint32_t *code, size_t n, const ArchState *init)
{
    h.cpu->ext_v = true;
    load_code(code, n);
    h.init = *init;
    run_to_wfi(true, "the vector loop");
    run_to_wfi(false, "the vector loop");
    h.cpu->ext_v = false;
    compare_engines("the vector loop");
}

/* The loop-mode registers of the block at LOOP, as a mask, and the mask of their dirty ones. */
bool loop_mask(uint32_t *regs, uint32_t *dirty)
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
        cmocka_unit_test(test_handler_overwritten),
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
        cmocka_unit_test(test_load_range_shared_slot),
        cmocka_unit_test(test_load_range_superpage),
        cmocka_unit_test(test_load_range_flush_block),
        cmocka_unit_test(test_load_into_rd),
        cmocka_unit_test(test_div_inline),
        cmocka_unit_test(test_loop_load_fault),
        cmocka_unit_test(test_load_range_dropped),
        cmocka_unit_test(test_mem_runs),
        cmocka_unit_test(test_return_prediction),
        cmocka_unit_test(test_return_prediction_context),
        cmocka_unit_test(test_cross_page_chain),
        cmocka_unit_test(test_store_range_smc),
        cmocka_unit_test(test_store_range_flag),
        cmocka_unit_test(test_load_thrash),
        cmocka_unit_test(test_sext32_known),
        cmocka_unit_test(test_mv_mul),
        cmocka_unit_test(test_slli_pairs),
        cmocka_unit_test(test_low32_results),
        cmocka_unit_test(test_rotated_loop),
        cmocka_unit_test(test_loop_exit_request),
        cmocka_unit_test(test_loop_unlinked),
        cmocka_unit_test_teardown(test_compile_when_hot, compile_at_once),
        cmocka_unit_test(test_long),
    };
    size_t n = ARRAY_SIZE(tests) - (getenv("DIFFTEST_SECONDS") ? 0 : 1);

    return _cmocka_run_group_tests("difftest", tests, n, group_setup, NULL);
}
