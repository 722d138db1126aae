/*
 * Differential test of the x86 engines (issue 11): random valid 64-bit instruction streams
 * (gen.c) run on the interpreter and on the JIT in one long-mode hart over a small memory
 * map; all 16 registers, rip, the arithmetic flags, cr2, the retired-instruction count and
 * all of RAM (the data window, the stack with any exception frame) must come out the same.
 * Every JIT run must have gone through the JIT (the stream's first block has host code).
 * Host-safe streams (half of them) also run natively on the host (host.c), which must agree
 * on the registers, flags and memory: so a bug both engines share is found too. A stream
 * that ends in an exception is compared where it stopped: the host's signal context against
 * the frame the hart pushed (the faulting rip, the registers and flags before that
 * instruction, the error code) and cr2, so an instruction that changes state before it
 * faults is found as well.
 *
 * The hart: CPL 0, 4-level paging mapping the layout of gen.h at XG_BASE onto RAM at
 * physical 0 (the page tables themselves unmapped), CR0.WP set (the read-only window page
 * faults), an IDT whose 32 vectors go to a hlt each at XG_BASE + 16 * vector, so the final
 * rip names the vector, and the error code is in the frame on the stack.
 *
 * `make unit` runs one case per instruction group with fixed seeds; `make fuzz-jit-x86
 * SECONDS=N` (DIFFTEST_SECONDS=N) runs streams of all groups with time-based seeds for N
 * seconds instead. A mismatch prints the seed and the stream minimized (units turned into
 * nops while it still fails). DIFFTEST_SEED=S runs one seed and prints it (all groups, or the mask
 * DIFFTEST_GROUPS).
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

#include "../difftest/kicks.h"
#include "accel/tcg/jit.h"
#include "accel/tcg/tb.h"
#include "accel/tcg/tcg.h"
#include "gen.h"
#include "host.h"
#include "system/memory.h"
#include "system/runstate.h"
#include "target/i386/cpu.h"
#include "util/timer.h"

#define RAM_SIZE 0x40000
#define PA(va) ((va)-XG_BASE) /* the mapped pages: physical = linear - XG_BASE */
#define GDT_VA (XG_BASE + 0x1000)
#define IDT_VA (XG_BASE + 0x2000)
#define PML4 0x38000 /* then PDPT, PD, PT in the next pages */
#define N_VECTORS 32
#define STREAMS 150
#define UNITS 40

enum { PG_P = 1, PG_RW = 2 };

typedef struct ArchState {
    uint64_t regs[16];
    uint64_t rip, flags, cr2, instret;
    bool triple_fault;
    uint8_t ram[RAM_SIZE];
} ArchState;

typedef struct Harness {
    MemoryRegion ram;
    MemoryRegion io; /* an empty I/O space: a stream that rewrote itself may run in/out */
    AddressSpace io_as;
    X86CPU *cpu;
    XGenStream s;
    ArchState init, interp, jit;
    bool host_ok;               /* host_init mapped the pages */
    bool jit_missing;           /* the last JIT run's first block has no host code */
    int jitted;                 /* JIT runs whose first block is there, with host code */
    int host_runs, host_faults; /* streams the host ran, and those at an exception */
} Harness;

static Harness h;

static void put64(uint8_t *ram, uint64_t pa, uint64_t v)
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
static void make_init(XGenRng *r, ArchState *s)
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

static void load_state(const ArchState *s)
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
    memcpy(s->ram, h.ram.ram_ptr, RAM_SIZE);
}

/*
 * A stream that loops (none should: forward jumps only), or whose triple fault reset the hart
 * (then it runs whatever is at the reset vector), is stopped by a kick and that count or
 * the mode; both engines must agree that it did not end.
 */
#define LOOP_INSNS 10000000

/*
 * Run the loaded stream on one engine to its hlt; false if it loops, or if it triple-faulted
 * (a reset request, which with no_reboot becomes the main loop's exit: nothing else would
 * stop the hart, which takes the fault again and again).
 */
static bool run(bool jit, ArchState *out)
{
    CPUState *cs = &h.cpu->parent_obj;
    int ret, status;

    tcg_jit_enabled = jit;
    tb_flush_all();
    load_state(&h.init);
    do {
        ret = tcg_cpu_exec(cs);
        if (ret == EXCP_INTERRUPT && main_loop_should_exit(&status)) {
            save_state(out);
            out->triple_fault = true;
            return false;
        }
        if (ret == EXCP_INTERRUPT && h.cpu->tb_instret > LOOP_INSNS) {
            return false;
        }
    } while (ret == EXCP_INTERRUPT);
    assert_int_equal(ret, EXCP_HLT);
    save_state(out);
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
static int vector_of(const ArchState *s)
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

/*
 * Where an engine's stream stopped, as the host sees it: at XG_END, or at the exception, from
 * the frame the hart pushed on the stream's stack (error code, rip, cs, rflags, rsp), whose
 * bytes [frame, frame_end) are the hart's and not the stream's. False if the frame is not
 * on the stream's stack (the delivery itself faulted).
 */
typedef struct StopState {
    int vector; /* -1: XG_END */
    uint64_t regs[16], flags, rip, err;
    uint64_t frame, frame_end;
} StopState;

static uint64_t ram64(const ArchState *s, uint64_t va)
{
    uint64_t v;

    memcpy(&v, s->ram + PA(va), 8);
    return v;
}

static bool stop_state(const ArchState *s, StopState *st)
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

enum { OK, ENGINES_DIFFER, HOST_DIFFERS, LOOPS, NOT_JITTED };

/* Run the current stream (h.s from h.init) everywhere; what went wrong. */
static int check_stream(bool host, bool quiet)
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
static bool check_seed(uint64_t seed, unsigned groups)
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

static void run_group(unsigned groups, uint64_t seed0)
{
    int bad = 0, faults = 0;
    uint64_t insns = 0;

    h.host_runs = h.host_faults = h.jitted = 0;
    for (int i = 0; i < STREAMS && bad < 3; i++) {
        bad += !check_seed(seed0 + i, groups);
        faults += vector_of(&h.jit) >= 0;
        insns += h.jit.instret;
    }
    fprintf(stderr,
            "difftest-x86: %d streams, %d ended in an exception, %" PRIu64 " instructions, "
            "%d also on the host (%d of them at an exception), %d with their first block still "
            "there (JIT code)\n",
            STREAMS, faults, insns, h.host_runs, h.host_faults, h.jitted);
    assert_int_equal(bad, 0);
    /* The streams must mostly run to their end, and the host must check many, some of them
     * at an exception. */
    assert_true(insns >= STREAMS * UNITS / 2);
    assert_true(faults < STREAMS / 2);
    assert_true(h.host_runs >= STREAMS / 4);
    assert_true(h.host_faults >= STREAMS / 50);
    assert_true(h.jitted >= STREAMS * 9 / 10);
}

#define GROUP_TEST(name, mask, seed)                                                               \
    static void test_##name(void **state)                                                          \
    {                                                                                              \
        run_group(mask, seed);                                                                     \
    }
#define WITH_BASE (1u << XG_MOV | 1u << XG_ALU)
GROUP_TEST(mov, 1u << XG_MOV, 1000)
GROUP_TEST(alu, 1u << XG_ALU, 2000)
GROUP_TEST(unary, 1u << XG_UNARY | WITH_BASE, 3000)
GROUP_TEST(shift, 1u << XG_SHIFT | WITH_BASE, 4000)
GROUP_TEST(muldiv, 1u << XG_MULDIV | WITH_BASE, 5000)
GROUP_TEST(cond, 1u << XG_COND | WITH_BASE, 6000)
GROUP_TEST(bit, 1u << XG_BIT | WITH_BASE, 7000)
GROUP_TEST(xchg, 1u << XG_XCHG | WITH_BASE, 8000)
GROUP_TEST(stack, 1u << XG_STACK_ | WITH_BASE, 9000)
GROUP_TEST(string, 1u << XG_STRING | WITH_BASE, 12000)
GROUP_TEST(everything, XG_ALL & ~(1u << XG_FAULT), 10000)

/* Loads and stores through arbitrary registers: #PF and #GP with their error code and cr2. */
static void test_faults(void **state)
{
    int pf = 0, gp = 0;

    h.host_runs = h.host_faults = 0;
    for (int i = 0; i < STREAMS; i++) {
        assert_true(check_seed(11000 + i, XG_ALL));
        pf += vector_of(&h.jit) == 14;
        gp += vector_of(&h.jit) == 13;
    }
    fprintf(stderr,
            "difftest-x86: %d streams, %d #PF, %d #GP; %d on the host, %d at an exception\n",
            STREAMS, pf, gp, h.host_runs, h.host_faults);
    assert_true(pf >= STREAMS / 10);
    assert_true(gp >= 1);
    assert_true(h.host_faults >= STREAMS / 50);
}

/* ---- streams found by the fuzzer: each failed on the engines before its fix ---- */

/*
 * Run code (with the jmp to XG_END appended) from a fixed random state: the engines and the
 * host must agree; it ends with vector (-1: at XG_END).
 */
static void load_directed(const uint8_t *code, unsigned len)
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

static void run_directed(const uint8_t *code, unsigned len, int vector)
{
    load_directed(code, len);
    if (check_stream(true, true) != OK) {
        check_stream(true, false);
        fail_msg("the engines or the host disagree on a directed stream");
    }
    assert_int_equal(vector_of(&h.interp), vector);
}

/* xadd [rdx + 0x41], dh: the store went to the address rdx had after dh took the old value. */
static void test_xadd_register_in_address(void **state)
{
    static const uint8_t code[] = {0xba, 0x7b, 0x0b, 0x23, 0x00, 0x0f, 0xc0, 0x72, 0x41};

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.interp.ram[PA(0x230bbc)], (uint8_t)(h.init.ram[PA(0x230bbc)] + 0x0b));
}

/* c7 /1 r14, imm32 (a stream rewrote the ModRM of its mov r14, imm32): #UD, not a mov. */
static void test_c7_reg_field_is_invalid(void **state)
{
    static const uint8_t code[] = {0x49, 0xc7, 0xce, 0x51, 0x18, 0x23, 0x00};

    run_directed(code, sizeof(code), 6);
    assert_int_equal(h.jit.regs[14], h.init.regs[14]);
}

/*
 * ALU ops whose flags the next op overwrites (the JIT's gen_alu_dead: the op on the cached
 * copy in place): 64- and 32-bit (the upper half cleared), register and immediate sources,
 * xor of a register with itself, more registers than the cache holds (a source taking a slot
 * must not evict the destination's); the last cmp's flags are seen.
 */
static void test_dead_flags_alu_on_cached_registers(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x83, 0xc0, 0x01,                   /* add rax, 1 */
        0x31, 0xd1,                               /* xor ecx, edx */
        0x4d, 0x29, 0xc8,                         /* sub r8, r9 */
        0x41, 0x81, 0xe2, 0xff, 0x00, 0xff, 0x80, /* and r10d, 0x80ff00ff */
        0x48, 0x09, 0xf3,                         /* or rbx, rsi */
        0x31, 0xf6,                               /* xor esi, esi */
        0x4d, 0x01, 0xe3,                         /* add r11, r12 */
        0x81, 0xef, 0x78, 0x56, 0x34, 0x12,       /* sub edi, 0x12345678 */
        0x48, 0x01, 0xc8,                         /* add rax, rcx */
        0x48, 0x39, 0xd8,                         /* cmp rax, rbx */
    };

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX],
                     h.init.regs[R_EAX] + 1 + (uint32_t)(h.init.regs[R_ECX] ^ h.init.regs[R_EDX]));
    assert_int_equal(h.jit.regs[R_ESI], 0);
    assert_int_equal(h.jit.regs[R_EDI], (uint32_t)(h.init.regs[R_EDI] - 0x12345678));
}

/*
 * imul whose flags the next imul overwrites (the JIT's gen_imul leaves them out): 64-bit,
 * 32-bit with an immediate; the last imul's CF is read by setc, then cmp defines all flags.
 */
static void test_dead_flags_imul(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x0f, 0xaf, 0xc1,             /* imul rax, rcx */
        0x48, 0x0f, 0xaf, 0xd3,             /* imul rdx, rbx */
        0x69, 0xf7, 0x45, 0x23, 0x01, 0x00, /* imul esi, edi, 0x12345 */
        0x4d, 0x0f, 0xaf, 0xc1,             /* imul r8, r9 */
        0x0f, 0x92, 0xc1,                   /* setc cl */
        0x48, 0x39, 0xd8,                   /* cmp rax, rbx */
    };

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX], h.init.regs[R_EAX] * h.init.regs[R_ECX]);
    assert_int_equal(h.jit.regs[R_ESI], (uint32_t)(h.init.regs[R_EDI] * 0x12345));
}

static uint64_t rol64(uint64_t v, unsigned c)
{
    return v << c | v >> (64 - c);
}

static uint32_t rol32(uint32_t v, unsigned c)
{
    return v << c | v >> (32 - c);
}

/*
 * Rotates and bt* between flag writers (the JIT's flags_passed: when nothing sees their flags,
 * nothing sees the add's either, so neither is computed): two rotates in a row as SHA-256 has
 * them, bt (then a nop), bts by a constant and btr by a register; xor and cmp overwrite all.
 */
static void test_dead_flags_through_rotates_and_bt(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x01, 0xc8,             /* add rax, rcx */
        0xc1, 0xc1, 0x0f,             /* rol ecx, 15 */
        0xc1, 0xc0, 0x0d,             /* rol eax, 13 */
        0x89, 0xd6,                   /* mov esi, edx */
        0xc1, 0xce, 0x07,             /* ror esi, 7 */
        0x48, 0x0f, 0xba, 0xe7, 0x05, /* bt rdi, 5 */
        0x49, 0x0f, 0xba, 0xe8, 0x03, /* bts r8, 3 */
        0x4d, 0x0f, 0xb3, 0xd1,       /* btr r9, r10 */
        0x48, 0xc1, 0xc3, 0x21,       /* rol rbx, 33 */
        0x31, 0xc8,                   /* xor eax, ecx */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    uint32_t eax = rol32((uint32_t)(r[R_EAX] + r[R_ECX]), 13) ^ rol32((uint32_t)r[R_ECX], 15);

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX], eax);
    assert_int_equal(h.jit.regs[R_ESI], rol32((uint32_t)r[R_EDX], 25));
    assert_int_equal(h.jit.regs[8], r[8] | 8);
    assert_int_equal(h.jit.regs[9], r[9] & ~(1ULL << (r[10] & 63)));
    assert_int_equal(h.jit.regs[R_EBX], rol64(r[R_EBX], 33));
}

/*
 * Rotates and bt* whose flags are seen, right after the flag writers whose flags the JIT
 * knows without a call (gen_get_eflags): a sub (the host's flags, kept by the rol and read
 * back by lahf), a logic op (its AF clear, not the host's undefined one), a rotate, a bt
 * and an imul (env->eflags); setcc, lahf, sbb and adc read them.
 */
static void test_seen_flags_of_rotates_and_bt(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x29, 0xc8,             /* sub rax, rcx */
        0x48, 0xd1, 0xc2,             /* rol rdx, 1 */
        0x0f, 0x94, 0xc3,             /* sete bl: the sub's ZF */
        0x0f, 0x92, 0xc7,             /* setc bh: the rol's CF */
        0x9f,                         /* lahf: SF ZF AF PF CF into ah */
        0x41, 0x89, 0xc3,             /* mov r11d, eax */
        0x29, 0xc9,                   /* sub ecx, ecx: ZF and PF set */
        0xd1, 0xc0,                   /* rol eax, 1 */
        0x9f,                         /* lahf */
        0x31, 0xfe,                   /* xor esi, edi */
        0xd1, 0xce,                   /* ror esi, 1 */
        0x0f, 0x98, 0xc1,             /* sets cl: the xor's SF */
        0x0f, 0x90, 0xc5,             /* seto ch: the ror's OF */
        0x0f, 0xba, 0xe6, 0x03,       /* bt esi, 3 */
        0x4d, 0x19, 0xc0,             /* sbb r8, r8 */
        0x41, 0x0f, 0xba, 0xef, 0x1f, /* bts r15d, 31 */
        0x49, 0x0f, 0xba, 0xf6, 0x02, /* btr r14, 2 */
        0x49, 0x83, 0xd1, 0x00,       /* adc r9, 0 */
        0x4d, 0x0f, 0xaf, 0xd4,       /* imul r10, r12 */
        0x49, 0xc1, 0xcd, 0x01,       /* ror r13, 1 */
        0x0f, 0x91, 0xc2,             /* setno dl */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    uint32_t esi = (uint32_t)(r[R_ESI] ^ r[R_EDI]);

    run_directed(code, sizeof(code), -1);
    esi = esi >> 1 | esi << 31;
    assert_int_equal(h.jit.regs[8], (esi >> 3) & 1 ? ~0ULL : 0);
    assert_int_equal(h.jit.regs[9], r[9] + (r[14] >> 2 & 1));
    assert_int_equal(h.jit.regs[15], (uint32_t)r[15] | 0x80000000u);
    assert_int_equal(h.jit.regs[11] >> 8 & CC_C, r[R_EDX] >> 63);
    assert_int_equal(h.jit.regs[11] >> 8 & CC_Z, r[R_EAX] == r[R_ECX] ? CC_Z : 0);
    assert_int_equal(h.jit.regs[R_EAX] >> 8 & (CC_Z | CC_P | CC_S), CC_Z | CC_P);
}

/*
 * A cmp's flags read after register moves, lea, movzx, movsxd and xchg (the JIT keeps them in
 * the host's flags through those: keeps_host_flags): cmovae, setb, adc, a rol (EFLAGS by
 * pushf) and lahf, then sete on the flags in env->eflags.
 */
static void test_host_flags_kept_through_moves(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x39, 0xd1,             /* cmp rcx, rdx */
        0x49, 0x89, 0xc8,             /* mov r8, rcx */
        0x4c, 0x8d, 0x4c, 0x51, 0x08, /* lea r9, [rcx + rdx * 2 + 8] */
        0x44, 0x0f, 0xb6, 0xd1,       /* movzx r10d, cl */
        0xbe, 0x45, 0x23, 0x01, 0x00, /* mov esi, 0x12345 */
        0x48, 0x0f, 0x43, 0xfb,       /* cmovae rdi, rbx */
        0x0f, 0x92, 0xc0,             /* setb al */
        0x4c, 0x63, 0xd9,             /* movsxd r11, ecx */
        0x49, 0x83, 0xd4, 0x00,       /* adc r12, 0 */
        0x4d, 0x87, 0xf5,             /* xchg r13, r14 */
        0x49, 0xd1, 0xc7,             /* rol r15, 1 */
        0x9f,                         /* lahf */
        0x0f, 0x94, 0xc3,             /* sete bl */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    bool below = r[R_ECX] < r[R_EDX];

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EDI], below ? r[R_EDI] : r[R_EBX]);
    assert_int_equal(h.jit.regs[R_EAX] & 0xff, below);
    assert_int_equal(h.jit.regs[12], r[12] + below);
    assert_int_equal(h.jit.regs[R_EAX] >> 8 & (CC_Z | CC_C),
                     (r[R_ECX] == r[R_EDX] ? CC_Z : 0) | r[15] >> 63);
    assert_int_equal(h.jit.regs[R_EBX] & 0xff, r[R_ECX] == r[R_EDX]);
    assert_int_equal(h.jit.regs[9], r[R_ECX] + r[R_EDX] * 2 + 8);
}

/*
 * ALU ops with memory whose flags are read next, in a loop: the first round misses the data
 * TLB (the handler, then the host's flags redone from its record: gen_host_flags), the others
 * hit (the op's own host flags): cmp, add and test of 64 and 32 bits, read by setcc, cmovae
 * and a rol (EFLAGS by pushf; a logic op's AF clear).
 */
static void test_host_flags_after_alu_with_memory(void **state)
{
    static const uint8_t code[] = {
        0xb9, 0x03, 0x00, 0x00, 0x00, /* mov ecx, 3 */
        0x48, 0x39, 0x14, 0x24,       /* l: cmp [rsp], rdx */
        0x0f, 0x92, 0xc0,             /* setb al */
        0x49, 0x0f, 0x43, 0xfa,       /* cmovae rdi, r10 */
        0x4c, 0x03, 0x44, 0x24, 0x08, /* add r8, [rsp + 8] */
        0x0f, 0x92, 0xc3,             /* setc bl */
        0x85, 0x34, 0x24,             /* test [rsp], esi */
        0x0f, 0x94, 0xc7,             /* sete bh */
        0x49, 0xd1, 0xc1,             /* rol r9, 1 */
        0x9f,                         /* lahf */
        0xff, 0xc9,                   /* dec ecx */
        0x75, 0xdf,                   /* jnz l */
        0x48, 0x39, 0xd8,             /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;
    uint64_t m0, m1, r8 = r[8];
    bool carry = false;

    memcpy(&m0, &h.init.ram[PA(r[R_ESP])], 8);
    memcpy(&m1, &h.init.ram[PA(r[R_ESP] + 8)], 8);
    for (int i = 0; i < 3; i++) {
        carry = r8 + m1 < r8;
        r8 += m1;
    }
    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX] & 0xff, m0 < r[R_EDX]);
    assert_int_equal(h.jit.regs[R_EDI], m0 < r[R_EDX] ? r[R_EDI] : r[10]);
    assert_int_equal(h.jit.regs[8], r8);
    assert_int_equal(h.jit.regs[R_EBX] & 0xffff, carry | ((uint32_t)(m0 & r[R_ESI]) == 0) << 8);
    assert_int_equal(h.jit.regs[R_EAX] >> 8 & (CC_Z | CC_C | CC_A),
                     ((uint32_t)(m0 & r[R_ESI]) == 0 ? CC_Z : 0) | (rol64(r[9], 2) & 1));
}

/*
 * Records whose op the JIT stores only when it changes (x86_jit_cc_stored): sub then cmp of 64
 * bits (one op store), a shl by cl whose count is 0 at run time (its record, op included, on
 * the other path only), then a shl by 1 whose op must still be stored; setcc reads each.
 */
static void test_record_op_stored_when_it_changes(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x29, 0xcf,                         /* sub rdi, rcx */
        0x48, 0x39, 0xd8,                         /* cmp rax, rbx */
        0x0f, 0x92, 0xc5,                         /* setc ch */
        0xb9, 0x40, 0x00, 0x00, 0x00,             /* mov ecx, 0x40 */
        0x48, 0xd3, 0xe2,                         /* shl rdx, cl: a count of 0 */
        0x0f, 0x94, 0xc3,                         /* setz bl: the cmp's */
        0x48, 0xc7, 0xc6, 0xfe, 0xff, 0xff, 0xff, /* mov rsi, -2 */
        0x48, 0xd1, 0xe6,                         /* shl rsi, 1: CF set, a sub's clear */
        0x0f, 0x92, 0xc0,                         /* setc al: the shl's */
        0x48, 0x39, 0xd8,                         /* cmp rax, rbx */
    };
    const uint64_t *r = h.init.regs;

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX] & 0xff, 1);
    assert_int_equal(h.jit.regs[R_EBX] & 0xff, r[R_EAX] == r[R_EBX]);
    assert_int_equal(h.jit.regs[R_EDI], r[R_EDI] - r[R_ECX]);
}

/*
 * lea and mov between registers straight into the destination's cached copy (the JIT's
 * gen_lea, gen_mov): 64- and 32-bit (the upper half cleared), base and index, over more
 * registers than the cache holds, each result read again by a later instruction.
 */
static void test_lea_mov_into_cached_copies(void **state)
{
    static const uint8_t code[] = {
        0x48, 0x8d, 0x54, 0x88, 0x10, /* lea rdx, [rax + rcx * 4 + 0x10] */
        0x44, 0x8d, 0x44, 0x1a, 0xff, /* lea r8d, [rdx + rbx - 1] */
        0x49, 0x89, 0xd1,             /* mov r9, rdx */
        0x44, 0x89, 0xc6,             /* mov esi, r8d */
        0x48, 0x8d, 0x3c, 0x76,       /* lea rdi, [rsi + rsi * 2] */
        0x45, 0x89, 0xca,             /* mov r10d, r9d */
        0x48, 0x8d, 0x49, 0x08,       /* lea rcx, [rcx + 8] */
        0x48, 0x01, 0xf9,             /* add rcx, rdi */
    };
    uint64_t rdx = h.init.regs[R_EAX] + h.init.regs[R_ECX] * 4 + 0x10;
    uint64_t r8 = (uint32_t)(rdx + h.init.regs[R_EBX] - 1);

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EDX], rdx);
    assert_int_equal(h.jit.regs[8], r8);
    assert_int_equal(h.jit.regs[R_EDI], r8 * 3);
    assert_int_equal(h.jit.regs[10], (uint32_t)rdx);
}

/*
 * A loop of a taken jcc back into its block and then to its own block's start (the JIT's
 * COLD_TAKEN exit, rip put in r12 and env without a reload), with mov of an immediate and a
 * load straight into the cached copies.
 */
static void test_taken_jcc_loop_and_copies(void **state)
{
    static const uint8_t code[] = {
        0xb9, 0x05, 0x00, 0x00, 0x00,                               /* mov ecx, 5 */
        0x48, 0xba, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, /* mov rdx, imm64 */
        0x48, 0x01, 0xc8,                                           /* l: add rax, rcx */
        0x8b, 0x1c, 0x24,                                           /* mov ebx, [rsp] */
        0x48, 0x01, 0xd8,                                           /* add rax, rbx */
        0xff, 0xc9,                                                 /* dec ecx */
        0x75, 0xf3,                                                 /* jnz l */
    };

    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_ECX], 0);
    assert_int_equal(h.jit.regs[R_EDX], 0x1122334455667788ULL);
    assert_int_equal(h.jit.regs[R_EAX],
                     h.init.regs[R_EAX] + 15 + 5 * (uint64_t)(uint32_t)h.jit.regs[R_EBX]);
}

/*
 * Read-modify-writes whose store faults (the read-only window page, a crossing into it, into
 * the unmapped one), from all six arithmetic flags set: the #PF (a write, W set) leaves the
 * flags, the registers and memory as they were, on both engines and the host.
 */
static void test_rmw_store_fault_changes_nothing(void **state)
{
    static const struct {
        uint8_t len, code[15];
    } rmw[] = {
        {7, {0x01, 0x04, 0x25, 0x00, 0x20, 0x23, 0x00}},                    /* add [ro], eax */
        {9, {0xf0, 0x48, 0x01, 0x1c, 0x25, 0x00, 0x20, 0x23, 0x00}},        /* lock add */
        {10, {0x66, 0x81, 0x14, 0x25, 0x02, 0x20, 0x23, 0x00, 0x34, 0x12}}, /* adc word, imm */
        {7, {0xfe, 0x04, 0x25, 0x03, 0x20, 0x23, 0x00}},                    /* inc byte */
        {7, {0xf7, 0x1c, 0x25, 0x04, 0x20, 0x23, 0x00}},                    /* neg dword */
        {8, {0x48, 0xf7, 0x14, 0x25, 0x00, 0x20, 0x23, 0x00}},              /* not qword */
        {8, {0x66, 0xd3, 0x24, 0x25, 0x06, 0x20, 0x23, 0x00}},              /* shl word, cl */
        {9, {0x48, 0xc1, 0x04, 0x25, 0x00, 0x20, 0x23, 0x00, 0x07}},        /* rol qword, 7 */
        {7, {0xd1, 0x1c, 0x25, 0x00, 0x20, 0x23, 0x00}},                    /* rcr dword, 1 */
        {9, {0x0f, 0xa4, 0x14, 0x25, 0x00, 0x20, 0x23, 0x00, 0x03}},        /* shld [ro], edx, 3 */
        {10, {0x48, 0x0f, 0xba, 0x2c, 0x25, 0x00, 0x20, 0x23, 0x00, 0x09}}, /* bts qword, 9 */
        {14,
         {0xb9, 0x03, 0x80, 0x00, 0x00, /* mov ecx, 0x8003; btc [rw page 1], rcx: [ro] */
          0x48, 0x0f, 0xbb, 0x0c, 0x25, 0x00, 0x10, 0x23, 0x00}},
        {9, {0x48, 0x0f, 0xc1, 0x34, 0x25, 0x00, 0x20, 0x23, 0x00}}, /* xadd [ro], rsi */
        {9, {0x48, 0x0f, 0xb1, 0x3c, 0x25, 0x00, 0x20, 0x23, 0x00}}, /* cmpxchg [ro], rdi */
        {8, {0x4c, 0x87, 0x04, 0x25, 0x00, 0x20, 0x23, 0x00}},       /* xchg [ro], r8 */
        {7, {0x01, 0x1c, 0x25, 0xfe, 0x1f, 0x23, 0x00}},             /* add [rw|ro], ebx */
        {8, {0xf0, 0x29, 0x1c, 0x25, 0xfd, 0x1f, 0x23, 0x00}},       /* lock sub [rw|ro] */
        {7, {0x19, 0x1c, 0x25, 0xfe, 0x2f, 0x23, 0x00}},             /* sbb [ro|none], ebx */
        {7, {0xf7, 0x1c, 0x25, 0x00, 0x30, 0x23, 0x00}},             /* neg [none] */
        {8, {0x48, 0xff, 0x04, 0x25, 0xfc, 0x2f, 0x23, 0x00}},       /* inc qword [ro|none] */
        {8, {0x0f, 0xc7, 0x0c, 0x25, 0x00, 0x20, 0x23, 0x00}},       /* cmpxchg8b [ro] */
        {8, {0x0f, 0xc7, 0x0c, 0x25, 0xfc, 0x1f, 0x23, 0x00}},       /* cmpxchg8b [rw|ro] */
    };
    static const uint8_t all_flags[] = {0x68, 0xd7, 0x08, 0x00, 0x00, 0x9d}; /* push; popfq */

    for (size_t i = 0; i < ARRAY_SIZE(rmw); i++) {
        uint8_t code[32];
        StopState st;

        memcpy(code, all_flags, sizeof(all_flags));
        memcpy(code + sizeof(all_flags), rmw[i].code, rmw[i].len);
        run_directed(code, sizeof(all_flags) + rmw[i].len, 14);
        assert_true(stop_state(&h.jit, &st));
        assert_int_equal(st.flags, CC_ARITH);
        assert_int_equal(st.rip, XG_CODE + sizeof(all_flags) + (rmw[i].len == 14 ? 5 : 0));
        assert_true(st.err & 2); /* a write */
        for (int r = 0; r < 16; r++) {
            assert_int_equal(st.regs[r], r == R_ECX && rmw[i].len == 14 ? 0x8003 : h.init.regs[r]);
        }
        assert_memory_equal(h.jit.ram + PA(XG_WINDOW), h.init.ram + PA(XG_WINDOW), XG_WINDOW_SIZE);
    }
}

/*
 * fstp m80 from the read-only page into the unmapped one: the host faults the first page
 * (cr2 the operand's address, P and W), before any byte is written.
 */
static void test_x87_store_faults_on_its_first_page(void **state)
{
    static const uint8_t code[] = {0xd9, 0xe8, /* fld1; fstp tbyte [0x232ff8] */
                                   0xdb, 0x3c, 0x25, 0xf8, 0x2f, 0x23, 0x00};

    run_directed(code, sizeof(code), 14);
    assert_int_equal(h.interp.cr2, XG_WINDOW + 0x2ff8);
}

/*
 * fxsave [0x231f00]: 512 bytes whose second half is on the read-only page. The host (AMD)
 * faults with nothing written, the first half included, and cr2 at the last byte: the whole
 * destination is checked first. The engines wrote the first half, then faulted at 0x232000.
 */
static void test_fxsave_faults_before_writing(void **state)
{
    static const uint8_t code[] = {0x0f, 0xae, 0x04, 0x25, 0x00, 0x1f, 0x23, 0x00};

    run_directed(code, sizeof(code), 14);
    assert_int_equal(h.interp.cr2, XG_WINDOW + 0x20ff);
}

/*
 * fxsave [0x232f00]: the read-only page, then the unmapped one. The host reports the store's
 * #PF (W, not present: the stream check compares the code) at the last byte, on the unmapped
 * page; the engines read the whole area first and faulted there as a read.
 */
static void test_fxsave_faults_as_a_store(void **state)
{
    static const uint8_t code[] = {0x0f, 0xae, 0x04, 0x25, 0x00, 0x2f, 0x23, 0x00};

    run_directed(code, sizeof(code), 14);
    assert_int_equal(h.interp.cr2, XG_WINDOW + 0x30ff);
}

/* The lock prefix: #UD unless the form is a lockable read-modify-write of memory. */
static void test_lock_prefix_needs_a_lockable_form(void **state)
{
    static const uint8_t mov[] = {0xf0, 0x89, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};
    static const uint8_t cmp[] = {0xf0, 0x39, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};
    static const uint8_t add_reg[] = {0xf0, 0x01, 0xd8};
    static const uint8_t bt[] = {0xf0, 0x0f, 0xa3, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};
    static const uint8_t add[] = {0xf0, 0x01, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00};

    run_directed(mov, sizeof(mov), 6);         /* lock mov [0x230000], eax */
    run_directed(cmp, sizeof(cmp), 6);         /* lock cmp [0x230000], eax */
    run_directed(add_reg, sizeof(add_reg), 6); /* lock add eax, ebx */
    run_directed(bt, sizeof(bt), 6);           /* lock bt [0x230000], eax */
    run_directed(add, sizeof(add), -1);        /* lock add [0x230000], eax */
}

/*
 * mov eax, imm32 across the code's first page boundary (bytes 0xffd..0x1001), run from
 * the JIT code of its X86_TB_STEP block, which holds its record while the next page holds
 * the bytes it was decoded from (jit-mem.c x86_jit_gen_next_page_check). Here a loop stores
 * into the immediate's byte in that page each time round: each run must see the store.
 */
static void test_cross_page_insn_sees_next_page_stores(void **state)
{
    static const uint8_t head[] = {
        0xb9, 0x03, 0x00, 0x00, 0x00, /* mov ecx, 3 */
        0x31, 0xd2,                   /* xor edx, edx */
        0xe9, 0xf1, 0x0f, 0x00, 0x00, /* jmp 0xffd */
    };
    static const uint8_t loop[] = {
        0xb8, 0x44, 0x33, 0x22, 0x11,             /* 0xffd: mov eax, 0x11223344 */
        0x48, 0x01, 0xc2,                         /* add rdx, rax */
        0x88, 0x0c, 0x25, 0x00, 0x10, 0x21, 0x00, /* mov [XG_CODE + 0x1000], cl */
        0xff, 0xc9,                               /* dec ecx */
        0x75, 0xed,                               /* jnz 0xffd */
    };
    uint8_t code[0xffd + sizeof(loop)];

    memset(code, 0x90, sizeof(code));
    memcpy(code, head, sizeof(head));
    memcpy(code + 0xffd, loop, sizeof(loop));
    run_directed(code, sizeof(code), -1);
    assert_int_equal(h.jit.regs[R_EAX], 0x11023344);
    assert_int_equal(h.jit.regs[R_EDX], 0x11223344ULL + 0x11033344 + 0x11023344);
}

/*
 * The same instruction after its second page is mapped to another physical page holding
 * another immediate, its blocks kept from a first run: the first page's block (keyed by
 * that page alone) must read the new mapping's bytes.
 */
static void test_cross_page_insn_sees_a_remap(void **state)
{
    static const uint8_t tail[] = {0xb8, 0x44, 0x33, 0x22, 0x11}; /* mov eax, 0x11223344 */
    CPUState *cs = &h.cpu->parent_obj;
    XGenRng r = {.s = 0x5eed};
    uint64_t page2 = PA(XG_CODE) + 0x1000, other = 0x18000;
    TranslationBlock *tb;
    uint8_t *ram;

    make_init(&r, &h.init);
    memset(&h.s, 0, sizeof(h.s));
    memset(h.s.code, 0x90, 0xffd);
    memcpy(h.s.code, (const uint8_t[]){0xe9, 0xf8, 0x0f, 0x00, 0x00}, 5); /* jmp 0xffd */
    memcpy(h.s.code + 0xffd, tail, sizeof(tail));
    h.s.code[0x1002] = 0xe9; /* jmp XG_END */
    uint32_t rel = (uint32_t)(XG_END - (XG_CODE + 0x1007));
    memcpy(h.s.code + 0x1003, &rel, 4);
    h.s.size = 0x1007;
    assert_true(run(true, &h.jit));
    assert_int_equal(h.jit.regs[R_EAX], 0x11223344);
    tb = tb_lookup_phys(PA(XG_CODE) + 0xffd);
    assert_non_null(tb);
    assert_non_null(tb->jit_code);

    load_state(&h.init); /* the blocks stay */
    ram = h.ram.ram_ptr;
    memcpy(ram + other, ram + page2, 0x1000);
    ram[other] = 0x55; /* the immediate's third byte */
    put64(ram, PML4 + 0x3000 + 8 * (page2 >> 12), other | PG_P | PG_RW);
    x86_tlb_flush_all(h.cpu);
    int ret;
    do {
        ret = tcg_cpu_exec(cs);
    } while (ret == EXCP_INTERRUPT);
    assert_int_equal(ret, EXCP_HLT);
    assert_int_equal(h.cpu->env.regs[R_EAX], 0x11553344);
    assert_ptr_equal(tb_lookup_phys(PA(XG_CODE) + 0xffd), tb); /* the same block ran */
}

/*
 * A load site's page range (the JIT's x86_jit_hint, CPUTLB.jit_hint) over a page the stream
 * then maps elsewhere (its page table mapped at 0x222000 for it) and invlpg's: the load's
 * next run must read the new page. The first run of the site fills the table, the second
 * takes the page into the range, the third comes after the remap. Not on the host: the
 * stream writes its own page tables.
 */
static void test_load_range_sees_a_remap(void **state)
{
    static const uint8_t code[] = {
        0xbb, 0x03, 0x00, 0x00, 0x00,                         /* mov ebx, 3 */
        0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x23, 0x00,       /* l: mov rax, [0x230000] */
        0x83, 0xfb, 0x02,                                     /* cmp ebx, 2 */
        0x75, 0x14,                                           /* jne s */
        0x48, 0xc7, 0x04, 0x25, 0x80, 0x21, 0x22, 0x00, 0x03, /* mov qword [0x222180], */
        0x20, 0x02, 0x00,                                     /*   0x22003: the remap */
        0x0f, 0x01, 0x3c, 0x25, 0x00, 0x00, 0x23, 0x00,       /* invlpg [0x230000] */
        0xff, 0xcb,                                           /* s: dec ebx */
        0x75, 0xdb,                                           /* jnz l */
    };

    load_directed(code, sizeof(code));
    put64(h.init.ram, PML4 + 0x3000 + 8 * 0x22, (PML4 + 0x3000) | PG_P | PG_RW);
    put64(h.init.ram, 0x22000, 0x1122334455667788ULL);
    if (check_stream(false, true) != OK) {
        check_stream(false, false);
        fail_msg("the engines disagree on a remap under a load's page range");
    }
    assert_int_equal(h.jit.regs[R_EAX], 0x1122334455667788ULL);
}

static int group_setup(void **state)
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

/* `make fuzz-jit-x86`: all groups, time-based seeds, DIFFTEST_SECONDS seconds. */
static int fuzz(long seconds, uint64_t seed)
{
    time_t end = time(NULL) + seconds;
    uint64_t n = 0;
    int bad = 0;

    fprintf(stderr, "difftest-x86: random streams for %ld s from seed %" PRIu64 "\n", seconds,
            seed);
    for (; time(NULL) < end && bad < 10; seed++, n++) {
        if (getenv("DIFFTEST_TRACE")) {
            fprintf(stderr, "difftest-x86: seed %" PRIu64 "\n", seed);
        }
        bad += !check_seed(seed, XG_ALL);
    }
    fprintf(stderr,
            "difftest-x86: %" PRIu64 " streams (%d on the host, %d of them at an exception), "
            "%d failed\n",
            n, h.host_runs, h.host_faults, bad);
    return bad != 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mov),
        cmocka_unit_test(test_alu),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_shift),
        cmocka_unit_test(test_muldiv),
        cmocka_unit_test(test_cond),
        cmocka_unit_test(test_bit),
        cmocka_unit_test(test_xchg),
        cmocka_unit_test(test_stack),
        cmocka_unit_test(test_string),
        cmocka_unit_test(test_everything),
        cmocka_unit_test(test_faults),
        cmocka_unit_test(test_xadd_register_in_address),
        cmocka_unit_test(test_c7_reg_field_is_invalid),
        cmocka_unit_test(test_dead_flags_alu_on_cached_registers),
        cmocka_unit_test(test_dead_flags_imul),
        cmocka_unit_test(test_dead_flags_through_rotates_and_bt),
        cmocka_unit_test(test_seen_flags_of_rotates_and_bt),
        cmocka_unit_test(test_host_flags_kept_through_moves),
        cmocka_unit_test(test_host_flags_after_alu_with_memory),
        cmocka_unit_test(test_record_op_stored_when_it_changes),
        cmocka_unit_test(test_lea_mov_into_cached_copies),
        cmocka_unit_test(test_taken_jcc_loop_and_copies),
        cmocka_unit_test(test_rmw_store_fault_changes_nothing),
        cmocka_unit_test(test_x87_store_faults_on_its_first_page),
        cmocka_unit_test(test_fxsave_faults_before_writing),
        cmocka_unit_test(test_fxsave_faults_as_a_store),
        cmocka_unit_test(test_lock_prefix_needs_a_lockable_form),
        cmocka_unit_test(test_cross_page_insn_sees_next_page_stores),
        cmocka_unit_test(test_cross_page_insn_sees_a_remap),
        cmocka_unit_test(test_load_range_sees_a_remap),
    };
    const char *secs = getenv("DIFFTEST_SECONDS"), *seed = getenv("DIFFTEST_SEED");

    if (secs || seed) {
        group_setup(NULL);
        if (seed && !secs) {
            setenv("DIFFTEST_VERBOSE", "1", 1);
            const char *grp = getenv("DIFFTEST_GROUPS");
            return !check_seed(strtoull(seed, NULL, 0), grp ? strtoul(grp, NULL, 0) : XG_ALL);
        }
        return fuzz(atol(secs), seed ? strtoull(seed, NULL, 0) : (uint64_t)time(NULL) * 10000000);
    }
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
