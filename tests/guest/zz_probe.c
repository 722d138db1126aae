#include "test.h"
static long probe_load(unsigned long a) { expect_trap(EXPECT_SKIP); volatile uint32_t *p = (void*)a; uint32_t v = *p; (void)v; long c = trap_expect == EXPECT_NONE ? (long)last_trap.cause : -1; trap_expect = EXPECT_NONE; return c; }
static long probe_store(unsigned long a) { expect_trap(EXPECT_SKIP); volatile uint32_t *p = (void*)a; *p = 0; long c = trap_expect == EXPECT_NONE ? (long)last_trap.cause : -1; trap_expect = EXPECT_NONE; return c; }
static long ufn(long x) { return x + 1; }
int main(void)
{
    uart_printf("misa %lx mstatus %lx mvendorid %lx marchid %lx mimpid %lx\n", csr_read(misa), csr_read(mstatus), csr_read(mvendorid), csr_read(marchid), csr_read(mimpid));
    unsigned long addrs[] = {0x0, 0x100, 0x1000, 0x11000, 0x102000, 0x1000000, 0x3000000, 0x4000000, 0x8000000, 0x10009000, 0x10003000, 0x20000000, 0x24000000, 0x30000000, 0x40000000, 0x88000000, 0x90000000, 0x100000000UL};
    for (unsigned i = 0; i < sizeof addrs / sizeof addrs[0]; i++)
        uart_printf("load %lx -> %ld  store -> %ld\n", addrs[i], probe_load(addrs[i]), addrs[i] >= 0x1000 && addrs[i] < 0x12000 ? -2 : probe_store(addrs[i]));
    static uint64_t buf[4];
    uart_printf("misaligned lw %ld\n", probe_load((unsigned long)buf + 1));
    uart_printf("misaligned sw %ld\n", probe_store((unsigned long)buf + 2));
    uart_printf("menvcfg %lx\n", csr_read(0x30a));
    csr_write(0x30a, MENVCFG_STCE);
    uart_printf("menvcfg after %lx\n", csr_read(0x30a));
    uart_printf("stimecmp %lx\n", csr_read(0x14d));
    for (unsigned long m = 8; m <= 10; m++) { csr_write(satp, m << 60); uart_printf("satp mode %lu -> %lx\n", m, csr_read(satp)); csr_write(satp, 0); }
    uart_printf("mcountinhibit %lx\n", csr_read(mcountinhibit));
    uart_printf("pmpaddr0 write all ones\n"); csr_write(pmpaddr0, -1UL); uart_printf(" -> %lx\n", csr_read(pmpaddr0));
    csr_write(pmpaddr0, 0);
    uart_printf("S-mode without PMP:\n");
    expect_trap(EXPECT_GOTO); trap_goto_pc = (unsigned long)mode_exit;
    long r = run_in_mode(PRV_S, ufn, 41, 0);
    uart_printf("  r=%ld cause %lx epc %lx tval %lx\n", r, last_trap.cause, last_trap.epc, last_trap.tval);
    return 0;
}
