/*
 * MMX, SSE, SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 against the host (harness
 * in x86-fp-harness.h): each instruction runs natively and on the
 * interpreter from random and edge-case registers (zeros, infinities,
 * QNaN/SNaN, denormals, integer extremes), MXCSR in all four rounding modes
 * with DAZ/FTZ, and a memory operand; XMM0-15, the MMX registers and the x87
 * tags, MXCSR (flags), the GPRs, RFLAGS and memory must match bit for bit.
 * Then the gates: CR4.OSFXSR, CR0.EM/TS, misaligned m128, unmasked #XM.
 */
#include <signal.h>
#include <ucontext.h>

#include "x86-fp-harness.h"

#define N_INPUTS 500

static uint32_t f32_value(void)
{
    static const uint32_t edges[] = {0,          0x80000000, 0x3f800000, 0xbf800000, 0x7f800000,
                                     0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x7fa00000,
                                     0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0x4f000000,
                                     0xcf000000, 0x3f000000, 0x4b000000};
    uint64_t r = next_rand();

    if ((r & 3) == 0) {
        return edges[(r >> 2) % ARRAY_SIZE(edges)];
    }
    /* exponents around 1.0 and the integer range, random sign and mantissa */
    return (uint32_t)(r >> 32) % 0x800000 | ((uint32_t)(96 + (r >> 8) % 70) << 23) |
           (uint32_t)(r & 0x80000000u);
}

static uint64_t f64_value(void)
{
    static const uint64_t edges[] = {0,
                                     0x8000000000000000ULL,
                                     0x3ff0000000000000ULL,
                                     0x7ff0000000000000ULL,
                                     0xfff0000000000000ULL,
                                     0x7ff8000000000000ULL,
                                     0x7ff0000000000001ULL,
                                     1,
                                     0x0010000000000000ULL,
                                     0x7fefffffffffffffULL,
                                     0x43e0000000000000ULL,
                                     0xc1e0000000000000ULL,
                                     0x3fe0000000000000ULL};
    uint64_t r = next_rand();

    if ((r & 3) == 0) {
        return edges[(r >> 2) % ARRAY_SIZE(edges)];
    }
    return (next_rand() & ((1ULL << 52) - 1)) | ((uint64_t)(0x3c0 + (r >> 8) % 0xa0) << 52) |
           (r & (1ULL << 63));
}

static void vec_value(uint8_t *p, int kind)
{
    uint64_t q[2];

    switch (kind) {
    case 0:
        for (int i = 0; i < 4; i++) {
            uint32_t v = f32_value();
            memcpy(p + 4 * i, &v, 4);
        }
        return;
    case 1:
        q[0] = f64_value();
        q[1] = f64_value();
        break;
    case 2: /* small and extreme integers per lane */
        for (int i = 0; i < 16; i++) {
            static const uint8_t b[] = {0, 1, 0x7f, 0x80, 0xff, 0x7e, 0x81};
            p[i] = (next_rand() & 1) ? b[next_rand() % ARRAY_SIZE(b)] : (uint8_t)next_rand();
        }
        return;
    default:
        q[0] = next_rand();
        q[1] = next_rand();
        break;
    }
    memcpy(p, q, 16);
}

/* kind: 0 single, 1 double, 2 integer-ish; mixed with random lanes. */
static void sse_input(int i, FpState *st, int kind)
{
    uint64_t r = next_rand();
    uint32_t mxcsr = 0x1f80 | ((r & 3) << 13);
    uint16_t fcw = 0x37f;

    memset(st, 0, sizeof(*st));
    if ((r >> 2) % 4 == 0) {
        mxcsr |= 0x8040; /* FTZ and DAZ */
    }
    mxcsr |= (r >> 8) & 0x3f & -(uint32_t)(i % 3 == 0); /* sticky flags already set */
    for (int k = 0; k < 8; k++) {
        st->regs[k] = (i & 1) ? next_rand() : next_rand() % 40 - 20;
    }
    st->flags = (next_rand() & CC_ARITH) | EFLAGS_FIXED;
    memcpy(st->fx, &fcw, 2);
    st->fx[4] = i % 5 ? 0xff : 0x0f; /* MMX instructions make all tags valid */
    memcpy(st->fx + 24, &mxcsr, 4);
    for (int k = 0; k < 8; k++) {
        uint64_t m = next_rand();
        uint16_t e = 0xffff;
        memcpy(st->fx + 32 + 16 * k, &m, 8);
        memcpy(st->fx + 40 + 16 * k, &e, 2);
    }
    for (int k = 0; k < 16; k++) {
        vec_value(st->fx + 160 + 16 * k, (next_rand() & 3) ? kind : 3);
    }
    for (int k = 0; k < 64; k += 16) {
        vec_value(st->mem + k, (next_rand() & 3) ? kind : 3);
    }
}

static void check_sse(const char *hex, int kind)
{
    for (int i = 0; i < N_INPUTS; i++) {
        FpState in;
        sse_input(i, &in, kind);
        check_one(hex, i, &in, CC_ARITH);
    }
}

static void check_list(const char *const *insns, size_t n, int kind)
{
    for (size_t i = 0; i < n; i++) {
        check_sse(insns[i], kind);
    }
}

static void test_sse_fp(void **state)
{
    /* op xmm1, xmm2 / xmm9, [rsi] for ps, pd, ss, sd */
    static const uint8_t ops[] = {0x51, 0x58, 0x59, 0x5c, 0x5d, 0x5e, 0x5f};
    static const char *const pfx[4] = {"", "66 ", "f3 ", "f2 "};
    char buf[64];

    for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
        for (int p = 0; p < 4; p++) {
            snprintf(buf, sizeof(buf), "%s0f %02x ca", pfx[p], ops[o]);
            check_sse(buf, p & 1 ? 1 : 0);
            snprintf(buf, sizeof(buf), "%s44 0f %02x 0e", pfx[p], ops[o]);
            check_sse(buf, p & 1 ? 1 : 0);
        }
    }
    static const char *const more[] = {
        "0f 52 ca",       "f3 0f 52 ca",    "0f 53 ca",       "f3 0f 53 0e",    "0f 54 ca",
        "66 0f 55 ca",    "0f 56 0e",       "66 0f 57 ca",    "0f 5a ca",       "66 0f 5a ca",
        "f3 0f 5a ca",    "f2 0f 5a 0e",    "0f 5b ca",       "66 0f 5b ca",    "f3 0f 5b ca",
        "66 0f e6 ca",    "f3 0f e6 ca",    "f2 0f e6 0e",    "66 0f 7c ca",    "f2 0f 7c ca",
        "66 0f 7d 0e",    "f2 0f 7d ca",    "66 0f d0 ca",    "f2 0f d0 ca",    "0f 2e ca",
        "66 0f 2e ca",    "0f 2f 0e",       "66 0f 2f ca",    "0f c2 ca 00",    "0f c2 ca 01",
        "66 0f c2 ca 02", "f3 0f c2 ca 03", "f2 0f c2 ca 04", "0f c2 0e 05",    "66 0f c2 ca 06",
        "0f c2 ca 07",    "f3 0f 2a c0",    "f3 48 0f 2a c0", "f2 0f 2a 06",    "f2 48 0f 2a c3",
        "f3 0f 2c c1",    "f3 48 0f 2d c1", "f2 0f 2c 06",    "f2 48 0f 2d c1", "0f 2a c1",
        "66 0f 2a 0e",    "0f 2c c1",       "0f 2d c1",       "66 0f 2c c1",    "66 0f 2d 0e",
        "0f 14 ca",       "66 0f 15 ca",    "0f c6 ca 1b",    "66 0f c6 0e 02", "0f 50 c1",
        "66 0f 50 c1",
    };
    check_list(more, ARRAY_SIZE(more), 0);
    check_list(more, ARRAY_SIZE(more), 1);
}

static void test_sse_int(void **state)
{
    static const uint8_t ops[] = {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,
                                  0x6b, 0x74, 0x75, 0x76, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd8, 0xd9,
                                  0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xe1, 0xe2, 0xe3, 0xe4,
                                  0xe5, 0xe8, 0xe9, 0xea, 0xeb, 0xec, 0xed, 0xee, 0xef, 0xf1, 0xf2,
                                  0xf3, 0xf4, 0xf5, 0xf6, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe};
    char buf[64];

    for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
        snprintf(buf, sizeof(buf), "0f %02x ca", ops[o]); /* MMX */
        check_sse(buf, 2);
        snprintf(buf, sizeof(buf), "0f %02x 0e", ops[o]);
        check_sse(buf, 2);
        snprintf(buf, sizeof(buf), "66 45 0f %02x c7", ops[o]);
        check_sse(buf, 2);
        snprintf(buf, sizeof(buf), "66 0f %02x 0e", ops[o]);
        check_sse(buf, 2);
    }
    static const char *const more[] = {
        "66 0f 6c ca",    "66 0f 6d 0e",    "0f 70 ca 1b",       "66 0f 70 ca 4e", "f3 0f 70 0e 93",
        "f2 0f 70 ca 27", "0f 71 d1 03",    "0f 72 e1 1f",       "0f 73 f1 3f",    "66 0f 71 d1 05",
        "66 0f 71 e1 10", "66 0f 72 f1 07", "66 41 0f 73 d1 40", "66 0f 73 d9 05", "66 0f 73 f9 11",
        "0f c4 c8 02",    "66 0f c4 0e 07", "0f c5 c1 03",       "66 0f c5 c1 06", "0f d7 c1",
        "66 41 0f d7 c1", "0f 77",
    };
    check_list(more, ARRAY_SIZE(more), 2);
}

static void test_sse_moves(void **state)
{
    static const char *const insns[] = {
        "0f 10 ca",       "0f 10 0e",    "66 0f 10 0e", "f3 0f 10 ca", "f3 0f 10 0e",
        "f2 0f 10 ca",    "f2 0f 10 0e", "0f 11 0e",    "f3 0f 11 0e", "f2 0f 11 ca",
        "0f 28 ca",       "66 0f 29 0e", "0f 12 ca",    "0f 12 0e",    "66 0f 12 0e",
        "f3 0f 12 ca",    "f2 0f 12 0e", "0f 13 0e",    "0f 16 ca",    "0f 16 0e",
        "66 0f 17 0e",    "f3 0f 16 0e", "0f 6e c8",    "48 0f 6e 0e", "66 0f 6e c8",
        "66 48 0f 6e 0e", "0f 7e c8",    "48 0f 7e 0e", "66 0f 7e c8", "66 48 0f 7e 0e",
        "f3 0f 7e ca",    "f3 0f 7e 0e", "0f 6f ca",    "0f 6f 0e",    "66 0f 6f 0e",
        "f3 0f 6f 0e",    "0f 7f 0e",    "0f 7f ca",    "66 0f 7f 0e", "f3 0f 7f ca",
        "66 0f d6 ca",    "66 0f d6 0e", "f3 0f d6 ca", "f2 0f d6 ca", "0f e7 0e",
        "66 0f e7 0e",    "0f 2b 0e",    "0f c3 06",    "48 0f c3 06", "f2 0f f0 0e",
    };
    check_list(insns, ARRAY_SIZE(insns), 3);
}

static void test_ssse3_sse4(void **state)
{
    static const uint8_t ops38[] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                    0x08, 0x09, 0x0a, 0x0b, 0x1c, 0x1d, 0x1e};
    static const uint8_t ops41[] = {0x10, 0x14, 0x15, 0x17, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
                                    0x28, 0x29, 0x2b, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37,
                                    0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x41};
    char buf[64];

    for (size_t o = 0; o < ARRAY_SIZE(ops38); o++) {
        snprintf(buf, sizeof(buf), "0f 38 %02x ca", ops38[o]);
        check_sse(buf, 2);
        snprintf(buf, sizeof(buf), "66 0f 38 %02x 0e", ops38[o]);
        check_sse(buf, 2);
    }
    for (size_t o = 0; o < ARRAY_SIZE(ops41); o++) {
        snprintf(buf, sizeof(buf), "66 0f 38 %02x ca", ops41[o]);
        check_sse(buf, 2);
        snprintf(buf, sizeof(buf), "66 44 0f 38 %02x 0e", ops41[o]);
        check_sse(buf, 2);
    }
    static const char *const more[] = {
        "66 0f 38 2a 0e",       "0f 3a 0f ca 03",       "66 0f 3a 0f ca 07", "66 0f 3a 0f 0e 13",
        "66 0f 3a 08 ca 00",    "66 0f 3a 08 ca 0d",    "66 0f 3a 09 ca 04", "66 0f 3a 0a 0e 03",
        "66 0f 3a 0b ca 0a",    "66 0f 3a 0c ca 05",    "66 0f 3a 0d 0e 02", "66 0f 3a 0e ca a5",
        "66 0f 3a 14 c8 0d",    "66 0f 3a 15 0e 05",    "66 0f 3a 16 c8 02", "66 48 0f 3a 16 0e 01",
        "66 0f 3a 17 c8 03",    "66 0f 3a 20 c8 0e",    "66 0f 3a 21 ca 9c", "66 0f 3a 21 0e 31",
        "66 0f 3a 22 c8 01",    "66 48 0f 3a 22 0e 01", "66 0f 3a 40 ca f1", "66 0f 3a 40 0e 7a",
        "66 0f 3a 41 ca 31",    "66 0f 3a 42 ca 05",    "66 0f 3a 60 ca 0c", "66 0f 3a 61 ca 08",
        "66 48 0f 3a 61 0e 44", "66 0f 3a 62 ca 1a",    "66 0f 3a 63 ca 00", "66 0f 3a 63 0e 7c",
        "f2 0f 38 f0 c1",       "f2 0f 38 f1 c1",       "66 f2 0f 38 f1 06", "f2 48 0f 38 f1 c1",
        "0f 38 f0 06",          "66 0f 38 f1 06",       "48 0f 38 f0 06",
    };
    check_list(more, ARRAY_SIZE(more), 2);
    check_list(more, ARRAY_SIZE(more), 0);
}

/* run_emulated, or in 32-bit protected mode with a flat 4 GiB CS (B set) when pm32. */
static int run_emulated_mode(const char *hex, FpState *st, bool pm32)
{
    CPUX86State *env = &cpu->env;
    uint8_t insn[16];
    size_t len = parse_hex(hex, insn);
    int excp;

    x86_cpu_reset(cpu);
    set_mode64(env);
    if (pm32) {
        env->efer = 0;
        env->segs[R_CS].flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_B_MASK;
        for (int s = 0; s < X86_NB_SEGS; s++) {
            env->segs[s].base = 0;
            env->segs[s].limit = 0xffffffff;
        }
    }
    memcpy(ram.ram_ptr + CODE_ADDR, insn, len);
    memcpy(ram.ram_ptr + MEM_ADDR, st->mem, sizeof(st->mem));
    for (int r = 0; r < 8; r++) {
        env->regs[r] = r == R_ESP ? 0x8000 : r == R_ESI ? MEM_ADDR : (uint32_t)st->regs[r];
    }
    x86_set_eflags(env, st->flags);
    env->rip = CODE_ADDR;
    assert_int_equal(x86_fxrstor_image(env, st->fx, false), X86_EXCP_NONE);
    excp = x86_cpu_step(cpu);
    for (int r = 0; r < 8; r++) {
        st->regs[r] = env->regs[r];
    }
    x86_fxsave_image(env, st->fx, false);
    memcpy(st->mem, ram.ram_ptr + MEM_ADDR, sizeof(st->mem));
    return excp;
}

/* Step one instruction on the interpreter from a zeroed 64-bit state; the vector it raised. */
static int step(const char *hex)
{
    CPUX86State *env = &cpu->env;
    uint8_t insn[16];
    size_t len = parse_hex(hex, insn);

    memcpy(ram.ram_ptr + CODE_ADDR, insn, len);
    env->rip = CODE_ADDR;
    return x86_cpu_step(cpu);
}

static void fresh_state(void)
{
    CPUX86State *env = &cpu->env;

    x86_cpu_reset(cpu);
    set_mode64(env);
    env->regs[R_ESP] = 0x8000;
    env->regs[R_ESI] = MEM_ADDR;
}

/* popcnt against the host; lzcnt (the host may lack it) against its definition. */
static void test_bit_counts(void **state)
{
    static const char *const insns[] = {"f3 0f b8 c1", "66 f3 0f b8 c1", "f3 48 0f b8 06"};
    static const struct {
        uint64_t in;
        int size;
        uint64_t out;
        bool cf, zf;
    } lz[] = {{0, 4, 32, true, false}, {1, 4, 31, false, false},    {0x80000000, 4, 0, false, true},
              {0, 8, 64, true, false}, {0x100, 2, 7, false, false}, {~0ULL, 8, 0, false, true}};
    CPUX86State *env = &cpu->env;

    check_list(insns, ARRAY_SIZE(insns), 2);
    /* cmpxchg16b [rsi] against the host: equal and unequal (rdx:rax from memory or not) */
    for (int i = 0; i < N_INPUTS; i++) {
        FpState in;
        sse_input(i, &in, 3);
        if (i & 1) {
            memcpy(&in.regs[R_EAX], in.mem, 8);
            memcpy(&in.regs[R_EDX], in.mem + 8, 8);
        }
        check_one("f0 48 0f c7 0e", i, &in, CC_Z);
    }
    for (size_t i = 0; i < ARRAY_SIZE(lz); i++) {
        fresh_state();
        env->regs[R_ECX] = lz[i].in;
        assert_int_equal(step(lz[i].size == 8   ? "f3 48 0f bd c1"
                              : lz[i].size == 2 ? "66 f3 0f bd c1"
                                                : "f3 0f bd c1"),
                         X86_EXCP_NONE);
        assert_int_equal(env->regs[R_EAX] & x86_mask(lz[i].size), lz[i].out);
        assert_int_equal(!!(x86_get_eflags(env) & CC_C), lz[i].cf);
        assert_int_equal(!!(x86_get_eflags(env) & CC_Z), lz[i].zf);
    }
}

/* What the model lacks is #UD; f3 0f bd without ABM is bsr. */
static void test_cpuid_gates(void **state)
{
    CPUX86State *env = &cpu->env;
    uint32_t saved = cpu->cpuid_ext_features, saved3 = cpu->cpuid_ext3_features;

    cpu->cpuid_ext_features &=
        ~(CPUID_EXT_SSE3 | CPUID_EXT_SSSE3 | CPUID_EXT_SSE41 | CPUID_EXT_SSE42 | CPUID_EXT_POPCNT |
          CPUID_EXT_MOVBE | CPUID_EXT_RDRAND);
    cpu->cpuid_ext3_features &= ~CPUID_EXT3_ABM;
    static const char *const lacking[] = {"66 0f 38 00 ca",    "66 0f 38 10 ca", "66 0f 38 37 ca",
                                          "66 0f 3a 63 ca 00", "0f 3a 0f ca 01", "f3 0f b8 c1",
                                          "0f 38 f0 06",       "f2 0f 38 f0 c1", "0f c7 f0"};
    for (size_t i = 0; i < ARRAY_SIZE(lacking); i++) {
        fresh_state();
        if (step(lacking[i]) != EXCP06_ILLOP) {
            fail_msg("%s: ran without its CPUID bit", lacking[i]);
        }
    }
    fresh_state();
    env->regs[R_ECX] = 0x100;
    assert_int_equal(step("f3 0f bd c1"), X86_EXCP_NONE);
    assert_int_equal(env->regs[R_EAX], 8); /* bsr's answer */
    cpu->cpuid_ext_features = saved | CPUID_EXT_RDRAND;
    cpu->cpuid_ext3_features = saved3;
    fresh_state();
    assert_int_equal(step("48 0f c7 f0"), X86_EXCP_NONE); /* rdrand rax */
    assert_true(x86_get_eflags(env) & CC_C);
    uint64_t first = env->regs[R_EAX];
    assert_int_equal(step("48 0f c7 f0"), X86_EXCP_NONE);
    assert_true(env->regs[R_EAX] != first || env->regs[R_EAX] != 0);
    /* fsgsbase: #UD without CR4.FSGSBASE, then a round trip; non-canonical is #GP */
    cpu->cpuid_7_0_ebx |= CPUID_7_0_EBX_FSGSBASE;
    fresh_state();
    env->regs[R_EAX] = 0x123456789000ULL;
    assert_int_equal(step("f3 48 0f ae d0"), EXCP06_ILLOP);
    fresh_state();
    env->cr[4] |= CR4_FSGSBASE;
    env->regs[R_EAX] = 0x123456789000ULL;
    assert_int_equal(step("f3 48 0f ae d0"), X86_EXCP_NONE); /* wrfsbase rax */
    assert_int_equal(env->segs[R_FS].base, 0x123456789000ULL);
    assert_int_equal(step("f3 48 0f ae c1"), X86_EXCP_NONE); /* rdfsbase rcx */
    assert_int_equal(env->regs[R_ECX], 0x123456789000ULL);
    env->regs[R_EAX] = 0x0000800000000000ULL;
    assert_int_equal(step("f3 48 0f ae d8"), EXCP0D_GPF); /* wrgsbase, non-canonical */
    fresh_state();
    env->regs[R_ESI] = MEM_ADDR + 8;
    assert_int_equal(step("f0 48 0f c7 0e"), EXCP0D_GPF); /* cmpxchg16b misaligned */
    fresh_state();
    assert_int_equal(step("f0 0f 58 ca"), EXCP06_ILLOP);       /* lock addps */
    assert_int_equal(step("f0 66 0f 38 00 ca"), EXCP06_ILLOP); /* lock pshufb */
    assert_int_equal(step("f0 d8 c1"), EXCP06_ILLOP);          /* lock fadd */
}

/* The same bytes in 32-bit protected mode (no REX: XMM0-7, fxsave's 8 registers) as in 64-bit. */
static void test_protected_mode(void **state)
{
    static const char *const insns[] = {
        "0f 58 ca",       "66 0f 5e 0e",       "f3 0f 51 ca", "66 0f fc ca", "0f fc 0e",
        "66 0f 38 00 ca", "66 0f 3a 0f 0e 05", "66 0f 6f 0e", "f3 0f 7f 0e", "d9 06",
        "de c1",          "0f ae 06",          "f2 0f 2d c1", "66 0f d7 c1"};

    for (size_t k = 0; k < ARRAY_SIZE(insns); k++) {
        for (int i = 0; i < 50; i++) {
            FpState in, out64, out32;
            sse_input(i, &in, i % 3);
            memset(in.fx + 160 + 8 * 16, 0, 8 * 16); /* XMM8-15: out of reach in 32-bit code */
            out64 = in;
            assert_int_equal(run_emulated_mode(insns[k], &out64, false), X86_EXCP_NONE);
            out32 = in;
            assert_int_equal(run_emulated_mode(insns[k], &out32, true), X86_EXCP_NONE);
            out64.regs[R_ESI] = out32.regs[R_ESI];
            if (memcmp(out64.fx, out32.fx, 464) || memcmp(out64.mem, out32.mem, 1024) ||
                memcmp(out64.regs, out32.regs, sizeof(out64.regs))) {
                fail_msg("%s input %d: 32-bit protected mode differs from 64-bit", insns[k], i);
            }
        }
    }
}

/*
 * Untrusted bytes: random prefixes, the three maps, ModRM, immediates, from random register
 * and x87/SSE state (MXCSR exceptions unmasked at random) — every one either completes or
 * raises an exception, none crashes the interpreter.
 */
static void test_random_bytes(void **state)
{
    static const uint8_t prefixes[] = {0x66, 0xf2, 0xf3, 0xf0, 0x48, 0x44, 0x41, 0x2e, 0x67};
    CPUX86State *env = &cpu->env;

    for (int i = 0; i < 20000; i++) {
        uint8_t insn[15];
        int n = 0, np = next_rand() % 3;

        for (int k = 0; k < np; k++) {
            insn[n++] = prefixes[next_rand() % ARRAY_SIZE(prefixes)];
        }
        uint64_t r = next_rand();
        if (r & 1) {
            insn[n++] = 0x0f;
            if (r & 2) {
                insn[n++] = (r & 4) ? 0x38 : 0x3a;
            }
        } else {
            insn[n++] = 0xd8 + ((r >> 3) & 7);
        }
        while (n < 15) {
            insn[n++] = next_rand();
        }
        insn[n - 11] = (insn[n - 11] & 0xc7) | 0x06; /* often [rsi]: inside RAM */
        fresh_state();
        for (int k = 0; k < 16; k++) {
            env->xmm[k].q[0] = next_rand();
            env->xmm[k].q[1] = next_rand();
        }
        env->mxcsr = 0x1f80 & ~(next_rand() & 0x1f80);
        env->fptag = next_rand();
        env->fpuc = 0x37f & ~(next_rand() & 0x3f);
        memcpy(ram.ram_ptr + CODE_ADDR, insn, sizeof(insn));
        env->rip = CODE_ADDR;
        int excp = x86_cpu_step(cpu);
        assert_true(excp == X86_EXCP_NONE || (excp >= 0 && excp < 32));
    }
}

/* ---- unmasked SIMD exceptions: the host's #XM arrives as SIGFPE with its MXCSR ---- */

static sigjmp_buf fpe_jmp;
static volatile uint32_t fpe_mxcsr;

static void on_sigfpe(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;

    fpe_mxcsr = uc->uc_mcontext.fpregs->mxcsr;
    siglongjmp(fpe_jmp, 1);
}

/* One input: where the host faults, the interpreter raises #XM with the same MXCSR and the
 * registers untouched; where it does not, the states match as usual. */
static void check_unmasked_one(const char *hex, int i, const FpState *in)
{
    CPUX86State *env = &cpu->env;
    uint8_t insn[16];
    volatile size_t len = parse_hex(hex, insn);
    FpState nat = *in, emu = *in;

    if (sigsetjmp(fpe_jmp, 1) == 0) {
        run_native(insn, len, &nat);
        check_one(hex, i, in, CC_ARITH);
        return;
    }
    int excp = run_emulated(insn, len, &emu);
    if (excp != EXCP13_XMM || env->mxcsr != fpe_mxcsr || memcmp(emu.fx + 160, in->fx + 160, 256)) {
        fail_msg("%s input %d: host #XM with MXCSR %04x; interpreter %d, MXCSR %04x", hex, i,
                 fpe_mxcsr, excp, env->mxcsr);
    }
}

static void test_unmasked_simd(void **state)
{
    static const char *const insns[] = {
        "0f 58 ca",          "66 0f 59 ca", "f3 0f 5e ca", "f2 0f 5c 0e", "0f 51 ca",
        "66 0f 5d ca",       "0f 5a ca",    "66 0f 5a ca", "66 0f 5b ca", "f2 0f 2d c1",
        "f3 48 0f 2c c1",    "0f c2 ca 01", "0f 2f ca",    "66 0f 2e ca", "66 0f 7c ca",
        "66 0f 3a 0b ca 04", "f3 0f 2a c0", /* not dpps/dppd: docs/x86-fpu.md */
    };
    struct sigaction sa = {0}, old;

    sa.sa_sigaction = on_sigfpe;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGFPE, &sa, &old);
    for (size_t k = 0; k < ARRAY_SIZE(insns); k++) {
        for (int i = 0; i < N_INPUTS; i++) {
            FpState in;
            uint32_t mxcsr;

            sse_input(i, &in, i & 1);
            memcpy(&mxcsr, in.fx + 24, 4);
            mxcsr &= ~0x3fu; /* no flag pending: each one seen comes from this instruction */
            /* OM and UM stay masked: docs/x86-fpu.md (what other lanes report then) */
            mxcsr &=
                ~((uint32_t)next_rand() & 0x1f80 & ~((FSW_OE | FSW_UE) << MXCSR_EXC_MASK_SHIFT));
            memcpy(in.fx + 24, &mxcsr, 4);
            check_unmasked_one(insns[k], i, &in);
        }
    }
    sigaction(SIGFPE, &old, NULL);
}

static void enable_all_features(void)
{
    cpu->cpuid_ext_features |= CPUID_EXT_SSSE3 | CPUID_EXT_SSE41 | CPUID_EXT_SSE42 |
                               CPUID_EXT_MOVBE | CPUID_EXT_POPCNT | CPUID_EXT_XSAVE;
    cpu->cpuid_ext3_features |= CPUID_EXT3_ABM;
}

static int setup(void **state)
{
    harness_setup(state);
    enable_all_features();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sse_fp),         cmocka_unit_test(test_sse_int),
        cmocka_unit_test(test_sse_moves),      cmocka_unit_test(test_ssse3_sse4),
        cmocka_unit_test(test_bit_counts),     cmocka_unit_test(test_cpuid_gates),
        cmocka_unit_test(test_protected_mode), cmocka_unit_test(test_random_bytes),
        cmocka_unit_test(test_unmasked_simd),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
