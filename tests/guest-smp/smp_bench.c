/*
 * Parallel CPU work for scripts/bench: a fixed total of CHUNKS chunks, dealt
 * round-robin to however many harts the FDT lists (chunk c goes to hart
 * c % n). Each chunk is integer work on its hart's private buffer (xorshift,
 * multiply, loads and stores, branches): no shared writes until the end, so
 * the run time at -smp 1 over that at -smp 2 measures how well the engine
 * runs harts in parallel, not guest lock contention.
 *
 * Each chunk's result depends only on its index, so the printed checksum is
 * the same for any number of harts; hart 0 checks it against CHECKSUM.
 */
#include "smp.h"

#define CHUNKS 64
#define CHUNK_ROUNDS 3000000
#define BUF_WORDS 2048 /* 16 KiB per hart */
#define CHECKSUM 0x45fc46eda60e1a90ull

static uint64_t buffers[SMP_MAX_HARTS][BUF_WORDS] __attribute__((aligned(4096)));
static volatile uint64_t results[CHUNKS];
static volatile unsigned finished;

static uint64_t run_chunk(uint64_t *buf, unsigned chunk)
{
    uint64_t x = 0x9e3779b97f4a7c15ull ^ chunk, acc = chunk;

    for (unsigned i = 0; i < BUF_WORDS; i++)
        buf[i] = i * 0x100000001b3ull + chunk;
    for (unsigned r = 0; r < CHUNK_ROUNDS; r++) {
        unsigned idx;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        idx = (unsigned)x % BUF_WORDS;
        buf[idx] = buf[idx] * 31 + x;
        acc += buf[(idx + r) % BUF_WORDS] >> (r & 15);
        if (acc & 1)
            acc ^= x >> 3;
    }
    return acc;
}

int hart_main(unsigned hartid)
{
    uint64_t sum = 0;

    for (unsigned c = hartid; c < CHUNKS; c += smp_num_harts)
        results[c] = run_chunk(buffers[hartid], c);
    fence();
    asm volatile("amoadd.w.aqrl zero, %1, %0" : "+A"(finished) : "r"(1) : "memory");
    if (hartid != 0)
        return 0;
    while (finished != smp_num_harts)
        ;
    fence();
    for (unsigned c = 0; c < CHUNKS; c++)
        sum += results[c];
    uart_printf("smp_bench: %u harts, checksum %lx\n", smp_num_harts, sum);
    CHECK_EQ(sum, CHECKSUM);
    return 0;
}

TEST_END_CHECKS();
