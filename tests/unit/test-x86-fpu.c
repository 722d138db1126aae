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

#define N_INPUTS 200

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_x87_arith),
        cmocka_unit_test(test_x87_loadstore),
        cmocka_unit_test(test_x87_functions),
        cmocka_unit_test(test_x87_compare),
    };
    return cmocka_run_group_tests(tests, harness_setup, NULL);
}
