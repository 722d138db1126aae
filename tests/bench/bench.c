/*
 * CPU-bound benchmark for the interpreter/JIT: bare metal on the virt board,
 * M-mode, no interrupts.  Phases mix the kinds of code an emulator's hot
 * paths see: bitwise loops (CRC32), loads/stores and data-dependent branches
 * (sort, sieve), multiplies (matrix), indirect jumps (a bytecode
 * interpreter), calls/returns (recursion) and byte copies.
 *
 * Each phase prints its checksum and its duration in mtime ticks (10 MHz);
 * the total checksum must equal EXPECTED_CHECKSUM (computed on QEMU 7.2),
 * otherwise the program exits with a failure status, so a wrong emulator
 * cannot report a fast time.  The per-phase counts are tuned so each phase
 * takes about 0.5 s (3-5 s in all) under qemu-system-riscv64 7.2 with TCG;
 * SCALE multiplies them all, and changing it changes the checksum.
 */
#include "test.h"

#ifndef SCALE
#define SCALE 1
#endif
#define EXPECTED_CHECKSUM 0x0642b0968bdfcba6UL

static uint32_t rng_state = 2463534242u;

static uint32_t xorshift32(void)
{
    uint32_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return rng_state = x;
}

/* --- CRC32 (reflected, polynomial 0xEDB88320), bytewise with a table --- */
static uint8_t buf[64 * 1024];
static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    while (n--)
        c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
    return ~c;
}

static uint64_t phase_crc(void)
{
    uint64_t sum = 0;
    crc_init();
    for (int r = 0; r < 700 * SCALE; r++) {
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = (uint8_t)xorshift32();
        sum = sum * 31 + crc32(buf, sizeof buf);
    }
    return sum;
}

/* --- quicksort of 32-bit keys --- */
static int32_t keys[16384];

static void quicksort(int32_t *a, long lo, long hi)
{
    while (lo < hi) {
        int32_t pivot = a[lo + (hi - lo) / 2];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot)
                i++;
            while (a[j] > pivot)
                j--;
            if (i <= j) {
                int32_t t = a[i];
                a[i++] = a[j];
                a[j--] = t;
            }
        }
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
}

static uint64_t phase_sort(void)
{
    uint64_t sum = 0;
    long n = sizeof keys / sizeof keys[0];
    for (int r = 0; r < 150 * SCALE; r++) {
        for (long i = 0; i < n; i++)
            keys[i] = (int32_t)xorshift32();
        quicksort(keys, 0, n - 1);
        for (long i = 1; i < n; i++)
            if (keys[i - 1] > keys[i])
                return 0xbad; /* sorted wrong: poisons the checksum */
        sum += (uint32_t)keys[n / 3] ^ ((uint64_t)(uint32_t)keys[n / 2] << 32);
    }
    return sum;
}

/* --- integer matrix multiply --- */
#define N 48
static int64_t ma[N][N], mb[N][N], mc[N][N];

static uint64_t phase_matrix(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < 1000 * SCALE; r++) {
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                ma[i][j] = (int32_t)xorshift32() >> 8;
                mb[i][j] = (int32_t)xorshift32() >> 8;
            }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int64_t s = 0;
                for (int k = 0; k < N; k++)
                    s += ma[i][k] * mb[k][j];
                mc[i][j] = s;
            }
        for (int i = 0; i < N; i++)
            sum ^= (uint64_t)mc[i][(i * 7) % N] + (uint64_t)i;
    }
    return sum;
}

/* --- a tiny register-machine interpreter (indirect branches) --- */
enum { OP_LI, OP_ADD, OP_MUL, OP_XOR, OP_DEC, OP_JNZ, OP_HALT };

static const uint8_t program[] = {
    OP_LI,
    0,
    1, /* r0 = 1 */
    OP_LI,
    1,
    200, /* r1 = n */
    OP_LI,
    2,
    3, /* r2 = 3 */
    /* loop at 9: r0 = r0 * 3 ^ n; r3 += r0; while (--n) */
    OP_MUL,
    0,
    2,
    OP_XOR,
    0,
    1,
    OP_ADD,
    3,
    0,
    OP_DEC,
    1,
    OP_JNZ,
    1,
    9,
    OP_HALT,
};

static int64_t run_bytecode(int64_t seed)
{
    int64_t r[4] = {0, 0, 0, seed};
    unsigned pc = 0;
    for (;;) {
        const uint8_t *i = &program[pc];
        switch (i[0]) {
        case OP_LI:
            r[i[1]] = i[2];
            pc += 3;
            break;
        case OP_ADD:
            r[i[1]] += r[i[2]];
            pc += 3;
            break;
        case OP_MUL:
            r[i[1]] *= r[i[2]];
            pc += 3;
            break;
        case OP_XOR:
            r[i[1]] ^= r[i[2]];
            pc += 3;
            break;
        case OP_DEC:
            r[i[1]]--;
            pc += 2;
            break;
        case OP_JNZ:
            pc = r[i[1]] ? i[2] : pc + 3;
            break;
        case OP_HALT:
            return r[0] ^ r[3];
        default:
            return -1;
        }
    }
}

static uint64_t phase_interp(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < 7000 * SCALE; r++)
        sum = sum * 1099511628211u + (uint64_t)run_bytecode(r & 7);
    return sum;
}

/* --- sieve of Eratosthenes --- */
static uint8_t sieve[1 << 18];

static uint64_t phase_sieve(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < 140 * SCALE; r++) {
        unsigned n = sizeof sieve - (unsigned)r;
        for (unsigned i = 0; i < n; i++)
            sieve[i] = 1;
        sieve[0] = sieve[1] = 0;
        for (unsigned i = 2; i * i < n; i++)
            if (sieve[i])
                for (unsigned j = i * i; j < n; j += i)
                    sieve[j] = 0;
        unsigned count = 0;
        for (unsigned i = 0; i < n; i++)
            count += sieve[i];
        sum = sum * 7 + count;
    }
    return sum;
}

/* --- calls: naive recursion --- */
static long fib(long n)
{
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t phase_calls(void)
{
    uint64_t sum = 0;
    for (int r = 0; r < 56 * SCALE; r++)
        sum += (uint64_t)fib(25 + (r & 1));
    return sum;
}

/* --- byte copies and compares --- */
static uint8_t src[32 * 1024], dst[32 * 1024];

static uint64_t phase_memory(void)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < sizeof src; i++)
        src[i] = (uint8_t)(i * 131 + 7);
    for (int r = 0; r < 110 * SCALE; r++) {
        size_t off = (size_t)r % 61, len = sizeof src - 64;
        for (size_t i = 0; i < len; i++)
            dst[i] = src[i + off];
        size_t diff = 0;
        for (size_t i = 0; i + 1 < len; i++)
            diff += dst[i] != src[i + 1];
        sum += diff ^ dst[(size_t)r * 97 % len];
    }
    return sum;
}

struct phase {
    const char *name;
    uint64_t (*run)(void);
};

static const struct phase phases[] = {
    {"crc32", phase_crc},     {"sort", phase_sort},   {"matrix", phase_matrix},
    {"interp", phase_interp}, {"sieve", phase_sieve}, {"calls", phase_calls},
    {"memory", phase_memory},
};

int main(void)
{
    uint64_t total = 0, t_all = clint_mtime();
    for (unsigned i = 0; i < sizeof phases / sizeof phases[0]; i++) {
        uint64_t t0 = clint_mtime();
        uint64_t c = phases[i].run();
        uint64_t t1 = clint_mtime();
        uart_printf("bench %s: checksum %lx, %lu ticks\n", phases[i].name, c, t1 - t0);
        total = total * 0x100000001b3UL ^ c;
    }
    uart_printf("bench total: checksum %lx, %lu ticks (10 MHz)\n", total, clint_mtime() - t_all);
    if (total != EXPECTED_CHECKSUM) {
        uart_printf("bench: wrong checksum, expected %lx\n", EXPECTED_CHECKSUM);
        return 1;
    }
    return 0;
}
