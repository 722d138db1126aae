/*
 * The harness of the x86 differential test (harness.h): the hart over its small memory map,
 * one stream run on an engine, the comparison of the engines with each other and with the
 * host, and the minimizer that prints a failing stream.
 */
#include <signal.h>
#include <string.h>

#include "../difftest/kicks.h"
#include "harness.h"
#include "host.h"
#include "system/runstate.h"
#include "util/timer.h"

Harness h;

void put64(uint8_t *ram, uint64_t pa, uint64_t v)
{
    memcpy(ram + pa, &v, 8);
}

/* Page tables, GDT, IDT and handlers into s->ram (gen.h and the top of this file). */
static void make_system(ArchState *s)
{
    static const uint16_t rw_pages[] = {0x20, 0x21, 0x30, 0x31};

    put64(s->ram, PML4, (PML4 + 0x1000) | PG_P | PG_RW);
    put64(s->ram, PML4 + 0x1000, (PML4 + 0x2000) | PG_P | PG_RW);
    put64(s->ram, PML4 + 0x2000 + 8 * (XG_BASE >> 21), (PML4 + 0x3000) | PG_P | PG_RW);
    for (int i = 0; i < 3; i++) { /* handlers and the end, GDT, IDT */
        put64(s->ram, PML4 + 0x3000 + 8 * i, (uint64_t)i << 12 | PG_P);
    }
    for (int i = 0; i < XG_CODE_MAX >> 12; i++) {
        uint64_t pa = PA(XG_CODE) + ((uint64_t)i << 12);
        put64(s->ram, PML4 + 0x3000 + 8 * (pa >> 12), pa | PG_P | PG_RW);
    }
    for (size_t i = 0; i < ARRAY_SIZE(rw_pages); i++) {
        put64(s->ram, PML4 + 0x3000 + 8 * rw_pages[i], (uint64_t)rw_pages[i] << 12 | PG_P | PG_RW);
    }
    put64(s->ram, PML4 + 0x3000 + 8 * 0x32, 0x32000 | PG_P); /* read-only; 0x33: none */
    put64(s->ram, PA(GDT_VA) + 8, 0x00209a0000000000ULL);    /* 0x08: 64-bit code, DPL 0 */
    put64(s->ram, PA(GDT_VA) + 16, 0x0000920000000000ULL);   /* 0x10: data */
    for (int v = 0; v < N_VECTORS; v++) {
        uint64_t handler = XG_BASE + 16 * v;
        uint64_t lo =
            (handler & 0xffff) | 0x08 << 16 | (uint64_t)0x8e00 << 32 | (handler & 0xffff0000) << 32;
        put64(s->ram, PA(IDT_VA) + 16 * v, lo);
        put64(s->ram, PA(IDT_VA) + 16 * v + 8, handler >> 32);
        s->ram[PA(handler)] = 0xf4; /* hlt */
    }
    s->ram[PA(XG_END)] = 0xf4;
}

/* A random starting state: registers, flags, the window's and the stack's bytes. */
void make_init(XGenRng *r, ArchState *s)
{
    static const uint64_t rsp_offsets[] = {0, 0, 0x10, 4, 2, 0x808};

    memset(s, 0, sizeof(*s));
    make_system(s);
    for (int i = 0; i < 16; i++) {
        s->regs[i] = xgen_interesting(r);
    }
    s->regs[4] = XG_STACK + 0x1000 + rsp_offsets[xgen_rand(r) % ARRAY_SIZE(rsp_offsets)];
    s->flags = (xgen_rand(r) & CC_ARITH) | 2;
    for (uint64_t a = 0; a < XG_WINDOW_SIZE; a += 8) {
        put64(s->ram, PA(XG_WINDOW) + a, xgen_interesting(r));
    }
    for (uint64_t a = 0; a < XG_STACK_SIZE; a += 8) {
        put64(s->ram, PA(XG_STACK) + a, xgen_rand(r));
    }
}

void load_state(const ArchState *s)
{
    CPUX86State *env = &h.cpu->env;
    uint64_t gdt_code = 0x00209a0000000000ULL;

    x86_cpu_reset(h.cpu);
    memcpy(h.ram.ram_ptr, s->ram, RAM_SIZE);
    memcpy(h.ram.ram_ptr + PA(XG_CODE), h.s.code, h.s.size);
    memcpy(env->regs, s->regs, sizeof(s->regs));
    env->efer = EFER_LME | EFER_LMA | EFER_NXE;
    env->cr[3] = PML4;
    env->cr[4] = CR4_PAE;
    env->cr[0] = CR0_PE | CR0_PG | CR0_ET | CR0_WP;
    env->gdt.base = GDT_VA;
    env->gdt.limit = 23;
    env->idt.base = IDT_VA;
    env->idt.limit = N_VECTORS * 16 - 1;
    x86_seg_from_desc(&env->segs[R_CS], 0x08, (uint32_t)gdt_code, gdt_code >> 32);
    x86_set_eflags(env, s->flags);
    env->rip = XG_CODE;
    h.cpu->tb_instret = 0;
    h.cpu->wait_sipi = false; /* the one hart is the BSP */
    x86_tlb_flush_all(h.cpu); /* the registers were set behind its back */
}

static void save_state(ArchState *s)
{
    CPUX86State *env = &h.cpu->env;

    memcpy(s->regs, env->regs, sizeof(s->regs));
    s->rip = env->rip;
    s->flags = x86_get_eflags(env);
    s->cr2 = env->cr[2];
    s->instret = h.cpu->tb_instret;
    s->triple_fault = false;
    s->ended = true;
    memcpy(s->ram, h.ram.ram_ptr, RAM_SIZE);
}

/*
 * A stream that loops (none should: forward jumps only), or whose triple fault reset the hart
 * (then it runs whatever is at the reset vector), is stopped by a kick and that count or
 * the mode; both engines must agree that it did not end. No directed case comes near it.
 */
#define LOOP_INSNS 10000000

bool run_to_hlt(ArchState *out)
{
    CPUState *cs = &h.cpu->parent_obj;
    int ret, status;

    do {
        ret = tcg_cpu_exec(cs);
        if (ret == EXCP_INTERRUPT && main_loop_should_exit(&status)) {
            save_state(out);
            out->triple_fault = true;
            out->ended = false;
            return false;
        }
        if (ret == EXCP_INTERRUPT && h.cpu->tb_instret > LOOP_INSNS) {
            out->triple_fault = out->ended = false;
            return false;
        }
    } while (ret == EXCP_INTERRUPT);
    assert_int_equal(ret, EXCP_HLT);
    save_state(out);
    return true;
}

/*
 * Run the loaded stream on one engine to its hlt; false if it loops, or if it triple-faulted
 * (a reset request, which with no_reboot becomes the main loop's exit: nothing else would
 * stop the hart, which takes the fault again and again).
 */
bool run(bool jit, ArchState *out)
{
    tcg_jit_enabled = jit;
    tb_flush_all();
    load_state(&h.init);
    if (!run_to_hlt(out)) {
        return false;
    }
    if (jit) {
        /* The stream really went through x86_jit_translate: its first block has host code,
         * or is gone (a store to the code page dropped it; run_group counts those). */
        TranslationBlock *tb = tb_lookup_phys(PA(XG_CODE));
        h.jit_missing = tb && !tb->jit_code;
        h.jitted += tb != NULL;
    }
    return true;
}

/* The vector of the exception a final state took, or -1 (it reached XG_END). */
int vector_of(const ArchState *s)
{
    return s->rip == XG_END + 1 ? -1 : (int)((s->rip - XG_BASE - 1) / 16);
}

static void print_units(const XGenStream *s, bool all)
{
    fprintf(stderr,
            "  stream at 0x%llx, rsp 0x%llx (objdump -D -b binary -mi386:x86-64 "
            "--adjust-vma=0x%llx on these bytes):\n",
            (unsigned long long)XG_CODE, (unsigned long long)s->rsp0, (unsigned long long)XG_CODE);
    for (int u = 0; u < s->n_units; u++) {
        unsigned a = s->unit_start[u], b = s->unit_start[u + 1];
        bool nops = true;
        for (unsigned i = a; i < b; i++) {
            nops &= s->code[i] == 0x90;
        }
        if (nops && !all) {
            continue;
        }
        fprintf(stderr, "  %04x:", a);
        for (unsigned i = a; i < b; i++) {
            fprintf(stderr, " %02x", s->code[i]);
        }
        fprintf(stderr, "\n");
    }
}

#define DIFF(field, name)                                                                          \
    do {                                                                                           \
        if (a->field != b->field) {                                                                \
            fprintf(stderr, "  %s: %s 0x%" PRIx64 ", %s 0x%" PRIx64 "\n", name, an,                \
                    (uint64_t)a->field, bn, (uint64_t)b->field);                                   \
            n++;                                                                                   \
        }                                                                                          \
    } while (0)

static const char *const reg_names[16] = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                                          "r8",  "r9",  "r10", "r11", "r12", "r13", "r14", "r15"};

/* Print the differences of two engines' states (quiet: count only); returns how many. */
static int diff_states(const ArchState *a, const char *an, const ArchState *b, const char *bn,
                       bool quiet)
{
    int n = 0;

    if (quiet) {
        return memcmp(a, b, sizeof(*a)) != 0;
    }
    for (int i = 0; i < 16; i++) {
        DIFF(regs[i], reg_names[i]);
    }
    DIFF(rip, "rip");
    DIFF(flags, "rflags");
    DIFF(cr2, "cr2");
    DIFF(instret, "instret");
    DIFF(triple_fault, "triple fault");
    for (unsigned i = 0; i < RAM_SIZE; i++) {
        if (a->ram[i] != b->ram[i] && n < 40) {
            fprintf(stderr, "  va 0x%llx: %s 0x%02x, %s 0x%02x\n",
                    (unsigned long long)(XG_BASE + i), an, a->ram[i], bn, b->ram[i]);
            n++;
        }
    }
    return n;
}

/* Vectors that push an error code (SDM Vol. 3A 6.13: 8, 10-14, 17). */
#define ERROR_CODE_VECTORS 0x27d00u
#define PF_USER 4 /* the #PF error code's user-mode bit: the host's accesses have it */

static uint64_t ram64(const ArchState *s, uint64_t va)
{
    uint64_t v;

    memcpy(&v, s->ram + PA(va), 8);
    return v;
}

bool stop_state(const ArchState *s, StopState *st)
{
    uint64_t sp = s->regs[4];
    bool has_err;

    memset(st, 0, sizeof(*st));
    memcpy(st->regs, s->regs, sizeof(st->regs));
    st->flags = s->flags & CC_ARITH;
    st->vector = vector_of(s);
    if (st->vector < 0) {
        return true;
    }
    has_err = ERROR_CODE_VECTORS >> st->vector & 1;
    if (sp < XG_STACK || sp + 48 > XG_STACK + XG_STACK_SIZE) {
        return false;
    }
    st->err = has_err ? ram64(s, sp) : 0;
    st->frame = sp;
    sp += has_err ? 8 : 0;
    st->rip = ram64(s, sp);
    st->flags = ram64(s, sp + 16) & CC_ARITH;
    st->regs[4] = ram64(s, sp + 24);
    st->frame_end = sp + 40;
    return true;
}

/* Bytes at va where the host's memory and the engines' differ, outside [skip, skip_end). */
static int diff_bytes(const uint8_t *host, const ArchState *out, uint64_t va, unsigned len,
                      uint64_t skip, uint64_t skip_end, bool quiet)
{
    int n = 0;

    for (unsigned i = 0; i < len; i++) {
        if (host[i] != out->ram[PA(va + i)] && (va + i < skip || va + i >= skip_end)) {
            if (!quiet && n < 40) {
                fprintf(stderr, "  va 0x%llx: host 0x%02x, engines 0x%02x\n",
                        (unsigned long long)(va + i), host[i], out->ram[PA(va + i)]);
            }
            n++;
        }
    }
    return n != 0;
}

#define HOST_DIFF(host, engines, what)                                                             \
    do {                                                                                           \
        if ((host) != (engines)) {                                                                 \
            if (!quiet) {                                                                          \
                fprintf(stderr, "  %s: host 0x%" PRIx64 ", engines 0x%" PRIx64 "\n", what,         \
                        (uint64_t)(host), (uint64_t)(engines));                                    \
            }                                                                                      \
            n++;                                                                                   \
        }                                                                                          \
    } while (0)

/* The host's verdict on the exception the engines stopped at. */
static int diff_fault(const HostFault *hf, const StopState *st, const ArchState *out, bool quiet)
{
    int n = 0;

    HOST_DIFF(hf->rip, st->rip, "faulting rip");
    if (st->vector == 14) {
        HOST_DIFF(hf->err & ~(uint64_t)PF_USER, st->err, "#PF error code");
        HOST_DIFF(hf->cr2, out->cr2, "cr2");
    } else if (ERROR_CODE_VECTORS >> st->vector & 1) {
        HOST_DIFF(hf->err, st->err, "error code");
    }
    return n;
}

/* The host's verdict on the interpreter's final state: differences (printed unless quiet). */
static int diff_host(const ArchState *in, const ArchState *out, bool quiet)
{
    HostRegs hr;
    HostFault hf;
    StopState st;
    int n = 0, sig;

    memcpy(hr.r, in->regs, sizeof(hr.r));
    hr.flags = in->flags;
    sig = host_run(h.s.code, in->ram + PA(XG_STACK), in->ram + PA(XG_WINDOW), &hr, &hf);
    if (!stop_state(out, &st)) {
        if (!quiet) {
            fprintf(stderr, "  the engines' exception frame is off the stream's stack\n");
        }
        return 1;
    }
    if (!sig != (st.vector < 0) || (sig && hf.vector != st.vector)) {
        if (!quiet) {
            fprintf(stderr, "  host: signal %d (vector %d), the engines: vector %d\n", sig,
                    sig ? hf.vector : -1, st.vector);
        }
        return 1;
    }
    if (sig) {
        n += diff_fault(&hf, &st, out, quiet);
    }
    for (int i = 0; i < 16; i++) {
        HOST_DIFF(hr.r[i], st.regs[i], reg_names[i]);
    }
    HOST_DIFF(hr.flags, st.flags, "flags");
    n += diff_bytes(host_window(), out, XG_WINDOW, 3 * 0x1000, 0, 0, quiet);
    n += diff_bytes(host_stack(), out, XG_STACK, XG_STACK_SIZE, st.frame, st.frame_end, quiet);
    n += diff_bytes(host_code(), out, XG_CODE, XG_CODE_MAX, 0, 0, quiet);
    return n;
}

/* Run the current stream (h.s from h.init) everywhere; what went wrong. */
int check_stream(bool host, bool quiet)
{
    bool jit_ends = run(true, &h.jit), interp_ends = run(false, &h.interp);

    if (!jit_ends || !interp_ends) {
        if (jit_ends != interp_ends || h.jit.triple_fault != h.interp.triple_fault) {
            return LOOPS;
        }
        if (!h.jit.triple_fault) {
            return OK;
        }
        return diff_states(&h.interp, "interpreter", &h.jit, "JIT", quiet) ? ENGINES_DIFFER : OK;
    }
    if (h.jit_missing) {
        return NOT_JITTED;
    }
    if (diff_states(&h.interp, "interpreter", &h.jit, "JIT", quiet)) {
        return ENGINES_DIFFER;
    }
    if (host && h.host_ok) {
        h.host_runs++;
        h.host_faults += vector_of(&h.interp) >= 0;
        return diff_host(&h.init, &h.interp, quiet) ? HOST_DIFFERS : OK;
    }
    return OK;
}

/* Turn units into nops while the stream still fails the same way; print what is left. */
static void minimize(bool host, int how)
{
    for (int u = 0; u < h.s.n_units; u++) {
        uint8_t saved[XG_CODE_MAX];
        unsigned a = h.s.unit_start[u], b = h.s.unit_start[u + 1];
        memcpy(saved, h.s.code + a, b - a);
        memset(h.s.code + a, 0x90, b - a);
        if (check_stream(host, true) != how) {
            memcpy(h.s.code + a, saved, b - a);
        }
    }
    fprintf(stderr, "difftest-x86: minimized:\n");
    check_stream(host, false);
    print_units(&h.s, false);
}

/* One stream from seed; false (after printing why) if anything disagrees. */
bool check_seed(uint64_t seed, unsigned groups)
{
    XGenRng r = {.s = seed};

    r.s = xgen_rand(&r); /* not seed * constant: neighbouring seeds would share streams */
    bool host = seed & 1;
    int how;

    make_init(&r, &h.init);
    xgen_stream(&r, groups, UNITS, host, h.init.regs[4], &h.s);
    if (getenv("DIFFTEST_VERBOSE")) {
        fprintf(stderr, "seed %" PRIu64 "\n", seed);
        print_units(&h.s, true);
    }
    how = check_stream(host, true);
    if (getenv("DIFFTEST_VERBOSE")) {
        fprintf(stderr, "end rip 0x%" PRIx64 " vector %d instret %" PRIu64 " cr2 0x%" PRIx64 "\n",
                h.jit.rip, vector_of(&h.jit), h.jit.instret, h.jit.cr2);
    }
    if (how == OK) {
        return true;
    }
    static const char *const what[] = {"", "the engines disagree", "the host disagrees",
                                       "one engine loops or triple-faults",
                                       "the JIT did not translate it"};
    fprintf(stderr, "difftest-x86: %s, seed %" PRIu64 " groups 0x%x\n", what[how], seed, groups);
    check_stream(host, false);
    print_units(&h.s, true);
    minimize(host, how);
    return false;
}

/* Code (with the jmp to XG_END appended) into h.s, and a fixed random state into h.init. */
void load_directed(const uint8_t *code, unsigned len)
{
    XGenRng r = {.s = 0x5eed};

    make_init(&r, &h.init);
    memset(&h.s, 0, sizeof(h.s));
    memcpy(h.s.code, code, len);
    h.s.code[len] = 0xe9; /* jmp XG_END */
    uint32_t rel = (uint32_t)(XG_END - (XG_CODE + len + 5));
    memcpy(h.s.code + len + 1, &rel, 4);
    h.s.size = len + 5;
    h.s.n_units = 1;
    h.s.unit_start[1] = len;
    h.s.rsp0 = h.init.regs[4];
}

void check_directed_in(const char *test, bool host)
{
    int how = check_stream(host, true);

    if (!h.jit.ended || !h.interp.ended) {
        fail_msg("%s: the %s did not reach a hlt (looped past %d instructions, or triple-faulted)",
                 test, h.jit.ended ? "interpreter" : "JIT", LOOP_INSNS);
    }
    if (how != OK) {
        check_stream(host, false);
        fail_msg("%s: the engines%s disagree on a directed stream", test,
                 host ? " or the host" : "");
    }
}

void run_directed_in(const char *test, const uint8_t *code, unsigned len, int vector)
{
    load_directed(code, len);
    check_directed_in(test, true);
    assert_int_equal(vector_of(&h.interp), vector);
}

int group_setup(void **state)
{
    /* Every block compiled when made, as the JIT half of each comparison needs. */
    tcg_jit_threshold = 1;
    assert_true(memory_region_init_ram(&h.ram, "difftest.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), 0, &h.ram);
    h.cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    h.cpu->as = address_space_memory();
    memory_region_init(&h.io, "difftest.io", 0x10000);
    address_space_init(&h.io_as, &h.io, "difftest.io");
    h.cpu->io_as = &h.io_as;
    no_reboot = true;     /* a triple fault's reset request ends the run (see run) */
    clock_virtual_stop(); /* rdtsc (a stream that rewrote itself may run one) reads the same */
    h.host_ok = host_init();
    assert_true(h.host_ok);
    start_kicks(&h.cpu->parent_obj);
    return 0;
}
