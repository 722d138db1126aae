/*
 * Multi-hart guest library: hart counting from the FDT, start-up handshake,
 * barrier and lock. See smp.h.
 */
#include "smp.h"

unsigned smp_num_harts;
volatile int smp_print_lock;

static volatile unsigned barrier_count, barrier_sense;
static volatile unsigned start_ready;

void smp_entry(unsigned hartid, const void *fdt) __attribute__((noreturn));
void smp_trap_failed(unsigned long cause, unsigned long epc, unsigned long hartid)
    __attribute__((noreturn));

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Nodes "cpu@..." directly under "/cpus" of the flattened tree. */
static unsigned fdt_count_cpus(const uint8_t *fdt)
{
    const uint8_t *p = fdt + be32(fdt + 8); /* off_dt_struct */
    int depth = 0, in_cpus = 0;
    unsigned count = 0;

    if (be32(fdt) != FDT_MAGIC)
        return 0;
    for (;;) {
        uint32_t token = be32(p);
        p += 4;
        if (token == FDT_BEGIN_NODE) {
            const char *name = (const char *)p;
            unsigned len = 0;
            while (name[len])
                len++;
            depth++;
            if (depth == 2 && len == 4 && name[0] == 'c' && name[1] == 'p' && name[2] == 'u' &&
                name[3] == 's')
                in_cpus = 1;
            if (in_cpus && depth == 3 && len > 4 && name[0] == 'c' && name[1] == 'p' &&
                name[2] == 'u' && name[3] == '@')
                count++;
            p += (len + 1 + 3) & ~3u;
        } else if (token == FDT_END_NODE) {
            if (depth == 2)
                in_cpus = 0;
            depth--;
        } else if (token == FDT_PROP) {
            p += 8 + ((be32(p) + 3) & ~3u);
        } else if (token != FDT_NOP) {
            return count;
        }
    }
}

void smp_entry(unsigned hartid, const void *fdt)
{
    int rc;

    if (hartid == 0) {
        smp_num_harts = fdt_count_cpus(fdt);
        if (smp_num_harts == 0 || smp_num_harts > SMP_MAX_HARTS) {
            uart_printf("cannot use %u harts (FDT at %p)\n", smp_num_harts, fdt);
            test_fail(FAIL_INFRA);
        }
        fence();
        start_ready = 1;
    } else {
        while (!start_ready)
            ;
        fence();
    }
    rc = hart_main(hartid);
    if (hartid == 0) {
        if (rc)
            test_fail(rc);
        test_pass();
    }
    for (;;)
        asm volatile("wfi");
}

void smp_trap_failed(unsigned long cause, unsigned long epc, unsigned long hartid)
{
    smp_lock(&smp_print_lock);
    uart_printf("hart %lu: unexpected trap, mcause %lx mepc %lx\n", hartid, cause, epc);
    test_fail(FAIL_UNEXPECTED_TRAP);
}

void smp_lock(volatile int *lock)
{
    int old;

    for (;;) {
        asm volatile("amoswap.w.aq %0, %2, %1" : "=r"(old), "+A"(*lock) : "r"(1) : "memory");
        if (!old)
            return;
        while (*lock)
            ;
    }
}

void smp_unlock(volatile int *lock)
{
    asm volatile("amoswap.w.rl zero, zero, %0" : "+A"(*lock)::"memory");
}

void smp_barrier(void)
{
    unsigned sense = barrier_sense, arrived;

    asm volatile("amoadd.w.aqrl %0, %2, %1"
                 : "=r"(arrived), "+A"(barrier_count)
                 : "r"(1)
                 : "memory");
    if (arrived + 1 == smp_num_harts) {
        barrier_count = 0;
        fence();
        barrier_sense = !sense;
    } else {
        while (barrier_sense == sense)
            ;
    }
    fence();
}
