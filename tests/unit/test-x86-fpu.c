/*
 * The x87 instructions against the host (harness in x86-fp-harness.h): each
 * instruction runs natively and on the interpreter from random and edge-case
 * stacks (zeros, infinities, QNaN/SNaN, the indefinite, denormals, unnormals,
 * empty registers, a full stack), all four rounding modes and three
 * precisions, and memory operands of each format; the FXSAVE images (FSW with
 * TOP and condition codes, tags, registers), memory, AX and the flags must
 * match bit for bit. Then the state instructions: fxsave/fxrstor, xsave/
 * xrstor/xgetbv, fnsave/frstor, and the #NM/#UD/#MF/#GP gates.
 */
#include "x86-fp-harness.h"

#define N_INPUTS 2000

/* An 80-bit value from the edge set or random. */
static void x87_value(uint8_t *p)
{
    static const struct {
        uint64_t m;
        uint16_t e;
    } edges[] = {
        {0, 0},                          /* +0 */
        {0, 0x8000},                     /* -0 */
        {1ULL << 63, 0x3fff},            /* 1 */
        {1ULL << 63, 0xbfff},            /* -1 */
        {1ULL << 63, 0x7fff},            /* +inf */
        {1ULL << 63, 0xffff},            /* -inf */
        {0xc000000000000000ULL, 0xffff}, /* indefinite */
        {0xc000000000000123ULL, 0x7fff}, /* QNaN */
        {0x8000000000000123ULL, 0x7fff}, /* SNaN */
        {0x0000000000000001ULL, 0},      /* smallest denormal */
        {0x8000000000000000ULL, 0},      /* pseudo-denormal */
        {0x4000000000000000ULL, 0x3fff}, /* unnormal */
        {~0ULL, 0x7ffe},                 /* max */
        {1ULL << 63, 1},                 /* min normal */
        {0xc90fdaa22168c235ULL, 0x4000}, /* pi */
        {0xa000000000000000ULL, 0x4002}, /* 10 */
    };
    uint64_t r = next_rand();
    uint64_t m;
    uint16_t e;

    if ((r & 3) == 0) {
        int i = (r >> 2) % ARRAY_SIZE(edges);
        m = edges[i].m;
        e = edges[i].e;
    } else {
        m = next_rand() | (1ULL << 63);
        e = (0x3fff + (int)((r >> 8) % 140) - 70) | (r & 0x8000);
        if ((r & 0x30000) == 0) {
            m &= ~((1ULL << 40) - 1); /* short mantissas: exact results, ties */
        }
    }
    memcpy(p, &m, 8);
    memcpy(p + 8, &e, 2);
}

/* A memory operand: float/double/80-bit edge or random, or small integers, or raw bytes. */
static void mem_value(uint8_t *mem)
{
    static const uint32_t f32[] = {0,          0x80000000, 0x3f800000, 0x7f800000, 0xff800000,
                                   0x7fc00000, 0x7f800001, 0x00000001, 0x00800000, 0x7f7fffff};
    static const uint64_t f64[] = {0,
                                   0x8000000000000000ULL,
                                   0x3ff0000000000000ULL,
                                   0x7ff0000000000000ULL,
                                   0x7ff8000000000000ULL,
                                   0x7ff0000000000001ULL,
                                   1,
                                   0x7fefffffffffffffULL};
    uint64_t r = next_rand(), v;

    for (int i = 0; i < 64; i += 8) {
        v = next_rand();
        memcpy(mem + i, &v, 8);
    }
    switch (r & 7) {
    case 0:
        memcpy(mem, &f32[(r >> 3) % ARRAY_SIZE(f32)], 4);
        break;
    case 1:
        memcpy(mem, &f64[(r >> 3) % ARRAY_SIZE(f64)], 8);
        break;
    case 2:
        x87_value(mem);
        break;
    case 3:
        v = (int64_t)(int8_t)(r >> 8);
        memcpy(mem, &v, 8);
        break;
    case 4: { /* a valid packed BCD */
        for (int i = 0; i < 9; i++) {
            mem[i] = ((next_rand() % 10) << 4) | (next_rand() % 10);
        }
        mem[9] = r & 0x80;
        break;
    }
    default:
        break;
    }
}

/* A random x87 state: TOP, tags (some registers empty, sometimes all full), FCW, CCs. */
static void x87_input(int i, FpState *st)
{
    uint64_t r = next_rand();
    uint16_t fcw = 0x037f & ~0x0f00, fsw;
    uint8_t tag = (r & 0x300) ? 0xff : (uint8_t)(next_rand() | next_rand());

    memset(st, 0, sizeof(*st));
    for (int k = 0; k < 8; k++) {
        st->regs[k] = next_rand();
    }
    st->flags = (next_rand() & CC_ARITH) | EFLAGS_FIXED;
    fcw |= ((r >> 2) & 3) << 10;                        /* rounding */
    fcw |= (((r >> 4) % 3) + ((r >> 4) % 3 != 0)) << 8; /* precision 0, 2, 3 */
    fsw = (next_rand() & FSW_CC & ~(7 << FSW_TOP_SHIFT)) | ((r >> 12) & 7) << FSW_TOP_SHIFT;
    if (i % 7 == 0) {
        tag = (r >> 16) & 1 ? 0xff : 0x00; /* a full stack, or an empty one */
    }
    memcpy(st->fx, &fcw, 2);
    memcpy(st->fx + 2, &fsw, 2);
    st->fx[4] = tag;
    for (int k = 0; k < 8; k++) {
        x87_value(st->fx + 32 + 16 * k);
    }
    uint32_t mxcsr = 0x1f80;
    memcpy(st->fx + 24, &mxcsr, 4);
    mem_value(st->mem);
}

static void check_x87(const char *hex)
{
    for (int i = 0; i < N_INPUTS; i++) {
        FpState in;
        x87_input(i, &in);
        check_one(hex, i, &in, CC_ARITH);
    }
}

static void test_x87_arith(void **state)
{
    static const char *const insns[] = {
        "d8 c1", "d8 c9", "d8 d1", "d8 d9", "d8 e1", "d8 e9", "d8 f1", "d8 f9", "d8 c0",
        "dc c1", "dc c9", "dc d2", "dc e1", "dc e9", "dc f1", "dc f9", "de c1", "de c9",
        "de e1", "de e9", "de f1", "de f9", "de d9", "d8 06", "d8 0e", "d8 16", "d8 1e",
        "d8 26", "d8 2e", "d8 36", "d8 3e", "dc 06", "dc 0e", "dc 1e", "dc 26", "dc 36",
        "dc 3e", "da 06", "da 0e", "da 16", "da 26", "da 3e", "de 06", "de 2e", "de 36",
    };
    for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
        check_x87(insns[i]);
    }
}

static void test_x87_loadstore(void **state)
{
    static const char *const insns[] = {
        "d9 06", "dd 06", "db 2e", "df 06", "db 06", "df 2e", "d9 16", "d9 1e", "dd 16",
        "dd 1e", "db 3e", "df 16", "df 1e", "db 16", "db 1e", "df 3e", "db 0e", "dd 0e",
        "df 0e", "df 26", "df 36", "d9 c2", "d9 c0", "d9 ca", "dd d2", "dd da", "dd c3",
        "df c1", "d9 f6", "d9 f7", "d9 e8", "d9 e9", "d9 ea", "d9 eb", "d9 ec", "d9 ed",
        "d9 ee", "d9 3e", "dd 3e", "df e0", "db e2", "db e3", "d9 2e", "d9 d0",
    };
    for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
        check_x87(insns[i]);
    }
}

static void test_x87_functions(void **state)
{
    static const char *const insns[] = {
        "d9 e0", "d9 e1", "d9 e4", "d9 e5", "d9 f0", "d9 f1", "d9 f2", "d9 f3", "d9 f4",
        "d9 f5", "d9 f8", "d9 f9", "d9 fa", "d9 fb", "d9 fc", "d9 fd", "d9 fe", "d9 ff",
    };
    for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
        check_x87(insns[i]);
    }
}

static void test_x87_compare(void **state)
{
    static const char *const insns[] = {
        "da c1", "da c9", "da d1", "da d9", "db c1", "db c9", "db d1", "db d9", "da e9",
        "db e9", "db f1", "df e9", "df f1", "dd e1", "dd e9", "d8 d3", "de d9",
    };
    for (size_t i = 0; i < ARRAY_SIZE(insns); i++) {
        check_x87(insns[i]);
    }
}

/*
 * Unmasked exceptions the host can run in user mode (x87 #MF waits for the next waiting
 * instruction, and the stub's fxsave does not wait): O/U on stores to memory (no store, no
 * pop), and any mix of unmasked exceptions on arithmetic (operands kept for I/D/Z, results
 * re-biased by 2^24576 for O/U, ES and B set).
 */
static void test_unmasked(void **state)
{
    static const char *const stores[] = {"d9 16", "d9 1e", "dd 16", "dd 1e", "db 16", "df 1e",
                                         "db 0e", "df 3e", "df 36", "d9 06", "dd 06", "db 2e",
                                         "df 06", "db 3e", "d9 c2", "dd da"};
    static const char *const arith[] = {"d8 c1", "d8 f1", "dc 0e", "d9 fa", "de c9", "dc f9",
                                        "d8 26", "d9 fd", "d9 f1", "d9 f2", "d9 f4", "d9 f8",
                                        "d8 d1", "db f1", "de d9", "d9 e8", "d9 c1", "da e9",
                                        "dd e1", "df e9", "d9 e4", "d9 e5"};

    for (int i = 0; i < N_INPUTS; i++) {
        FpState in;
        uint16_t fcw;

        for (size_t k = 0; k < ARRAY_SIZE(stores); k++) {
            x87_input(i, &in);
            fcw = 0x37f & ~(FSW_OE | FSW_UE | (i & 1 ? FSW_PE : 0) | (next_rand() & 0x7));
            memcpy(in.fx, &fcw, 2);
            if (i & 2) { /* st0 huge or tiny, for single and double */
                uint16_t e = (i & 4 ? 0x4000 + 1100 : 0x3fff - 1100) | (i & 8 ? 0x8000 : 0);
                memcpy(in.fx + 40, &e, 2); /* the image holds ST0 first */
            }
            check_one(stores[k], i, &in, CC_ARITH);
        }
        for (size_t k = 0; k < ARRAY_SIZE(arith); k++) {
            x87_input(i, &in);
            memcpy(&fcw, in.fx, 2);
            fcw &= ~(next_rand() & FCW_EXC_MASK); /* any mix: results kept, re-biased.. */
            memcpy(in.fx, &fcw, 2);
            check_one(arith[k], i, &in, CC_ARITH);
        }
    }
}

/*
 * Saved images hold what differs between processors by design, skipped in the comparison:
 * the FXSAVE/XSAVE layout's FOP, FIP and FDP (host addresses) and MXCSR_MASK (AMD adds bit
 * 17); the FNSAVE/FNSTENV layout's FIP, FCS/FOP, FDP and FDS (bytes 12..27: FDS is whatever
 * data selector the host's last x87 memory access used, or 0 where the CPU deprecates it).
 */
static void skip_fxsave_addresses(uint8_t *mem)
{
    memset(mem + 6, 0, 18);
    memset(mem + 28, 0, 4);
}

static void skip_fnsave_addresses(uint8_t *mem)
{
    memset(mem + 12, 0, 16);
}

/*
 * An x87 state for the save instructions that no processor may report as initial: XSAVE's
 * XSTATE_BV bit i is XINUSE[i], which a processor may leave set for a component in its
 * initial configuration (SDM Vol. 1 13.6), so an initial component's bit is the host's
 * choice. XMM0 nonzero and a condition code set make both components non-initial.
 */
static void save_input(int i, FpState *st)
{
    x87_input(i, st);
    st->fx[160] |= 1;
    st->fx[3] |= FSW_C3 >> 8;
}

/* A valid state image in memory for fxrstor/xrstor: random registers, all exceptions masked. */
static void image_input(int i, FpState *st)
{
    x87_input(i, st);
    memcpy(st->mem, st->fx, 512);
    for (int k = 0; k < 16; k++) {
        for (int b = 0; b < 16; b++) {
            st->mem[160 + 16 * k + b] = next_rand();
        }
    }
    uint32_t mxcsr = 0x1f80 | (next_rand() & 0x603f);
    memcpy(st->mem + 24, &mxcsr, 4);
    memset(st->mem + 512, 0, 64);
    uint64_t bv = next_rand() & 3; /* XSTATE_BV: which components xrstor takes from memory */
    memcpy(st->mem + 512, &bv, 8);
}

static void test_state_images(void **state)
{
    static const struct {
        const char *hex;
        void (*skip)(uint8_t *mem);
    } saves[] = {
        {"0f ae 06", skip_fxsave_addresses},    /* fxsave */
        {"48 0f ae 06", skip_fxsave_addresses}, /* fxsave64 */
        {"dd 36", skip_fnsave_addresses},       /* fnsave */
        {"d9 36", skip_fnsave_addresses},       /* fnstenv */
        {"0f ae 26", skip_fxsave_addresses},    /* xsave */
        {"48 0f ae 26", skip_fxsave_addresses}, /* xsave64 */
        {"0f ae 36", skip_fxsave_addresses},    /* xsaveopt */
    };
    static const char *const restores[] = {"0f ae 0e", "48 0f ae 0e", "dd 26",
                                           "d9 26",    "0f ae 2e",    "48 0f ae 2e"};

    for (int i = 0; i < 60; i++) {
        FpState in;
        for (size_t k = 0; k < ARRAY_SIZE(saves); k++) {
            save_input(i, &in);
            in.regs[R_EAX] = 3; /* xsave: the x87 and SSE components */
            in.regs[R_EDX] = 0;
            mem_fixup = saves[k].skip;
            check_one(saves[k].hex, i, &in, CC_ARITH);
        }
        mem_fixup = skip_fxsave_addresses;
        for (size_t k = 0; k < ARRAY_SIZE(restores); k++) {
            image_input(i, &in);
            in.regs[R_EAX] = 3;
            in.regs[R_EDX] = 0;
            check_one(restores[k], i, &in, CC_ARITH);
        }
    }
    mem_fixup = NULL;
}

/* Step one instruction from a prepared 64-bit state; the vector it raised. */
static int step_gate(const char *hex, void (*prep)(CPUX86State *env))
{
    CPUX86State *env = &cpu->env;
    uint8_t insn[16];
    size_t len = parse_hex(hex, insn);

    x86_cpu_reset(cpu);
    set_mode64(env);
    env->xcr0 = XCR0_X87 | XCR0_SSE;
    memcpy(ram.ram_ptr + CODE_ADDR, insn, len);
    for (int r = 0; r < 8; r++) {
        env->regs[r] = 0;
    }
    env->regs[R_ESP] = 0x8000;
    env->regs[R_ESI] = MEM_ADDR;
    env->rip = CODE_ADDR;
    if (prep) {
        prep(env);
    }
    return x86_cpu_step(cpu);
}

static void prep_ts(CPUX86State *env)
{
    env->cr[0] |= CR0_TS;
}
static void prep_em(CPUX86State *env)
{
    env->cr[0] |= CR0_EM;
}
static void prep_no_osfxsr(CPUX86State *env)
{
    env->cr[4] &= ~(uint64_t)CR4_OSFXSR;
}
static void prep_misaligned(CPUX86State *env)
{
    env->regs[R_ESI] = MEM_ADDR + 8;
}
static void prep_zm_unmasked(CPUX86State *env)
{
    env->mxcsr = 0x1f80 & ~(FSW_ZE << MXCSR_EXC_MASK_SHIFT);
    env->xmm[1].l[0] = 0x3f800000; /* 1.0 / 0.0 */
    env->xmm[2].l[0] = 0;
}
static void prep_zm_no_osxmmexcpt(CPUX86State *env)
{
    prep_zm_unmasked(env);
    env->cr[4] &= ~(uint64_t)CR4_OSXMMEXCPT;
}
static void prep_pending_x87(CPUX86State *env)
{
    env->fpuc = 0x37f & ~FSW_ZE;
    env->fpus = FSW_ZE | FSW_ES | FSW_B;
}
static void prep_bad_mxcsr(CPUX86State *env)
{
    uint32_t v = 0x10000;
    memcpy(ram.ram_ptr + MEM_ADDR, &v, 4);
}
static void prep_xcr0_bad(CPUX86State *env)
{
    env->regs[R_EAX] = 7; /* AVX: not in the model */
}
static void prep_xcr0_good(CPUX86State *env)
{
    env->regs[R_EAX] = 3;
}

static void test_gates(void **state)
{
    CPUX86State *env = &cpu->env;

    assert_int_equal(step_gate("d8 c1", prep_ts), EXCP07_PREX);
    assert_int_equal(step_gate("d8 c1", prep_em), EXCP07_PREX);
    assert_int_equal(step_gate("0f 58 ca", prep_ts), EXCP07_PREX);
    assert_int_equal(step_gate("0f 58 ca", prep_em), EXCP06_ILLOP);
    assert_int_equal(step_gate("0f fc ca", prep_em), EXCP06_ILLOP); /* MMX */
    assert_int_equal(step_gate("0f 58 ca", prep_no_osfxsr), EXCP06_ILLOP);
    assert_int_equal(step_gate("0f 28 0e", prep_misaligned), EXCP0D_GPF);
    assert_int_equal(step_gate("0f 10 0e", prep_misaligned), X86_EXCP_NONE); /* movups */
    assert_int_equal(step_gate("0f 5e ca", prep_zm_unmasked), EXCP13_XMM);
    assert_int_equal(env->xmm[1].l[0], 0x3f800000); /* the destination kept */
    assert_true(env->mxcsr & FSW_ZE);               /* the flag set */
    assert_int_equal(step_gate("0f 5e ca", prep_zm_no_osxmmexcpt), EXCP06_ILLOP);
    assert_int_equal(step_gate("d8 c1", prep_pending_x87), EXCP10_COPR);
    assert_int_equal(step_gate("9b", prep_pending_x87), EXCP10_COPR);
    assert_int_equal(step_gate("db e2", prep_pending_x87), X86_EXCP_NONE); /* fnclex */
    assert_int_equal(step_gate("0f ae 16", prep_bad_mxcsr), EXCP0D_GPF);   /* ldmxcsr */
    assert_int_equal(step_gate("0f ae 06", prep_misaligned), EXCP0D_GPF);  /* fxsave */
    /* xsetbv/xgetbv: XCR0 bit 0 required, nothing past SSE */
    assert_int_equal(step_gate("0f 01 d1", prep_xcr0_bad), EXCP0D_GPF);
    assert_int_equal(step_gate("0f 01 d1", prep_xcr0_good), X86_EXCP_NONE);
    assert_int_equal(env->xcr0, 3);
    assert_int_equal(step_gate("0f 01 d0", NULL), X86_EXCP_NONE);
    assert_int_equal(env->regs[R_EAX], 3);
}

static int setup(void **state)
{
    harness_setup(state);
    cpu->cpuid_ext_features |= CPUID_EXT_XSAVE; /* qemu64 with +xsave,+xsaveopt */
    cpu->cpuid_xsave_features |= CPUID_XSAVE_XSAVEOPT;
    return 0;
}

/* fnstenv in real mode (16- and 32-bit forms): linear FIP/FDP around FOP; fldenv reads it back. */
static void test_real_mode_env(void **state)
{
    CPUX86State *env = &cpu->env;
    uint16_t w[14];

    for (int osz = 2; osz <= 4; osz += 2) {
        x86_cpu_reset(cpu); /* real mode, CS 0xf000 base 0xffff0000: run from CS base 0 */
        env->segs[R_CS].selector = 0x100;
        env->segs[R_CS].base = 0x1000;
        env->rip = 0;
        env->segs[R_DS].base = 0;
        env->cr[0] &= ~(uint64_t)CR0_PE;
        /* fld1 at 0100:0000, then fnstenv [0x3000] (66 for the 32-bit form) */
        static const uint8_t fld1[] = {0xd9, 0xe8};
        memcpy(ram.ram_ptr + 0x1000, fld1, 2);
        assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
        const uint8_t st16[] = {0xd9, 0x36, 0x00, 0x30};
        const uint8_t st32[] = {0x66, 0xd9, 0x36, 0x00, 0x30};
        memcpy(ram.ram_ptr + 0x1002, osz == 2 ? st16 : st32, osz == 2 ? 4 : 5);
        assert_int_equal(x86_cpu_step(cpu), X86_EXCP_NONE);
        memcpy(w, ram.ram_ptr + 0x3000, sizeof(w));
        if (osz == 2) {
            assert_int_equal(w[3], 0x1000); /* FIP 15..0: linear 0x1000 */
            assert_int_equal(w[4], 0x01e8); /* FIP 19..16 = 0, FOP d9 e8 */
        } else {
            assert_int_equal(w[6], 0x1000); /* FIP 15..0 */
            assert_int_equal(w[8], 0x01e8); /* FOP */
        }
        assert_int_equal(env->fpuc, 0x37f | FCW_EXC_MASK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x87_arith),     cmocka_unit_test(test_x87_loadstore),
        cmocka_unit_test(test_x87_functions), cmocka_unit_test(test_x87_compare),
        cmocka_unit_test(test_state_images),  cmocka_unit_test(test_gates),
        cmocka_unit_test(test_real_mode_env), cmocka_unit_test(test_unmasked),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
