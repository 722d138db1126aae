/*
 * Unit tests for the ACLINT devices (MTIMER, MSWI, SSWI) and the SiFive CLINT
 * made of them: mtime reads and writes, MTIP against mtimecmp (past, future,
 * 32-bit halves, mtime moved), the deadline timer, software interrupts, the
 * device-tree nodes, and (when the hart type is linked) the wiring into real
 * harts' mip and `time`. CLOCK_VIRTUAL is frozen so tick counts are exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hw/intc/riscv_aclint.h"
#include "target/riscv/cpu.h"
#include "test-fdt.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define MTIME 0x7ff8
#define NHARTS 2

static int lines[NHARTS];

static void record_irq(void *opaque, int n, int level)
{
    lines[n] = level;
}

static MemoryRegion *mr;

/* Realize dev (props already set) and record its per-hart outputs. */
static DeviceState *realize_recorded(DeviceState *dev)
{
    assert_true(qdev_realize(dev, &error_abort));
    for (int i = 0; i < NHARTS; i++) {
        lines[i] = -1;
        qdev_connect_gpio_out(dev, i, irq_new(record_irq, NULL, i));
    }
    device_reset(dev);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0);
    return dev;
}

static DeviceState *mtimer_new(void)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_MTIMER);

    assert_true(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, &error_abort));
    return realize_recorded(dev);
}

static DeviceState *swi_new(bool sswi)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_SWI);

    assert_true(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, &error_abort));
    assert_true(object_property_set_bool(OBJECT(dev), "sswi", sswi, &error_abort));
    return realize_recorded(dev);
}

static uint64_t rd(hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(memory_region_dispatch_read(mr, addr, &v, size), MEMTX_OK);
    return v;
}

static void wr(hwaddr addr, uint64_t v, unsigned size)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, size), MEMTX_OK);
}

static int freeze(void **state)
{
    clock_virtual_stop();
    return 0;
}

static int thaw(void **state)
{
    clock_virtual_start();
    return 0;
}

static void test_mtime(void **state)
{
    mtimer_new();
    /* Reset starts mtime at 0; the clock is frozen. */
    assert_int_equal(rd(MTIME, 8), 0);
    wr(MTIME, 1000, 8);
    assert_int_equal(rd(MTIME, 8), 1000);
    wr(MTIME + 4, 1, 4);
    assert_int_equal(rd(MTIME, 8), 0x1000003e8ULL);
    assert_int_equal(rd(MTIME, 4), 0x3e8);
    assert_int_equal(rd(MTIME + 4, 4), 1);

    /* Running, mtime only moves forward. */
    clock_virtual_start();
    uint64_t before = rd(MTIME, 8), after = before;
    for (int i = 0; i < 10000 && after == before; i++) {
        usleep(10);
        after = rd(MTIME, 8);
    }
    assert_true(after > before);
    clock_virtual_stop();
}

static void test_mtip_past_and_future(void **state)
{
    mtimer_new();
    assert_int_equal(lines[0], 0);
    assert_int_equal(lines[1], 0);
    wr(MTIME, 1000, 8);
    wr(0x0, 500, 8);
    assert_int_equal(lines[0], 1);
    assert_int_equal(lines[1], 0);
    assert_int_equal(rd(0x0, 8), 500);
    wr(0x0, UINT64_MAX, 8);
    assert_int_equal(lines[0], 0);
    wr(0x0, 1000, 8); /* equal counts as reached */
    assert_int_equal(lines[0], 1);
    wr(0x0, 1001, 8);
    assert_int_equal(lines[0], 0);
    /* Moving mtime re-evaluates every hart. */
    wr(MTIME, 5000, 8);
    assert_int_equal(lines[0], 1);
    wr(MTIME, 0, 8);
    assert_int_equal(lines[0], 0);
    wr(0x0, UINT64_MAX, 8); /* leave no deadline armed for the next tests */
}

static void test_mtimecmp_halves(void **state)
{
    mtimer_new();
    wr(MTIME, 0x3000, 8);
    /* The high half still holds all ones from reset: far future. */
    wr(0x8, 0x2000, 4);
    assert_int_equal(lines[1], 0);
    assert_int_equal(rd(0x8, 8), 0xffffffff00002000ULL);
    wr(0xc, 0, 4);
    assert_int_equal(lines[1], 1);
    assert_int_equal(rd(0x8, 4), 0x2000);
    assert_int_equal(rd(0xc, 4), 0);
    assert_int_equal(lines[0], 0);
}

static void test_deadline_timer(void **state)
{
    mtimer_new();
    wr(MTIME, 0, 8);
    wr(0x0, 10, 8);
    assert_int_equal(lines[0], 0);
    /* Frozen virtual time never reaches it. */
    assert_false(timers_run_expired());
    assert_int_equal(lines[0], 0);

    /* 10 ticks at 10 MHz: armed for 1000 ns of virtual time from the write. */
    clock_virtual_start();
    int64_t deadline = timers_deadline_ns();
    assert_true(deadline >= 0 && deadline <= 1000);
    wr(0x0, UINT64_MAX, 8);
    assert_int_equal(timers_deadline_ns(), -1);
    wr(MTIME, 0, 8);
    wr(0x0, 10, 8);
    for (int i = 0; i < 100000 && lines[0] != 1; i++) {
        timers_run_expired();
        usleep(1);
    }
    clock_virtual_stop();
    assert_int_equal(lines[0], 1);
    assert_int_equal(timers_deadline_ns(), -1);
}

static void test_bad_accesses(void **state)
{
    uint64_t v = 1;

    mtimer_new();
    assert_int_equal(rd(0x10, 8), 0); /* past the last hart's mtimecmp */
    wr(0x4000, 1, 4);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 2), MEMTX_DECODE_ERROR);
    assert_int_equal(memory_region_dispatch_read(mr, 4, &v, 8), MEMTX_DECODE_ERROR);
}

static void test_mswi(void **state)
{
    DeviceState *dev = swi_new(false);
    uint64_t v;

    assert_int_equal(lines[0], 0);
    assert_int_equal(lines[1], 0);
    wr(0x4, 1, 4);
    assert_int_equal(lines[1], 1);
    assert_int_equal(lines[0], 0);
    assert_int_equal(rd(0x4, 4), 1);
    wr(0x4, 0xfffffffe, 4); /* only bit 0 exists */
    assert_int_equal(lines[1], 0);
    assert_int_equal(rd(0x4, 4), 0);
    wr(0x0, 3, 4);
    assert_int_equal(rd(0x0, 4), 1);
    assert_int_equal(lines[0], 1);
    /* Harts past num-harts: read as zero, writes ignored; 8-byte accesses rejected. */
    assert_int_equal(rd(0x8, 4), 0);
    wr(0x8, 1, 4);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 8), MEMTX_DECODE_ERROR);
    device_reset(dev);
    assert_int_equal(lines[0], 0);
}

static void test_sswi(void **state)
{
    swi_new(true);
    wr(0x0, 0, 4);
    assert_int_equal(lines[0], -1); /* untouched: SSWI reset leaves SSIP to the hart */
    wr(0x0, 1, 4);
    assert_int_equal(lines[0], 1);
    assert_int_equal(rd(0x0, 4), 0);
    assert_int_equal(lines[1], -1);
}

/* ---- device tree ---- */

static const uint32_t intc[NHARTS] = {4, 2};

static void populate(DeviceState *dev, DeviceTree *dt, hwaddr base)
{
    DeviceFDTContext ctx = {.fdt = dt,
                            .parent_path = "/soc",
                            .base = base,
                            .hart_intc_phandles = intc,
                            .num_harts = NHARTS};

    assert_true(DEVICE_GET_CLASS(dev)->fdt_populate(dev, &ctx, &error_abort));
}

static void check_cells(void *fdt, const char *path, const char *prop, const uint32_t *want, int n)
{
    int node = fdt_path_offset(fdt, path), len;
    const fdt32_t *p;

    assert_true(node >= 0);
    p = fdt_getprop(fdt, node, prop, &len);
    assert_non_null(p);
    assert_int_equal(len, n * 4);
    for (int i = 0; i < n; i++) {
        assert_int_equal(fdt32_to_cpu(p[i]), want[i]);
    }
}

static void test_fdt_clint(void **state)
{
    static const uint32_t reg[] = {0, 0x2000000, 0, 0x10000};
    static const uint32_t irqs[] = {4, 3, 4, 7, 2, 3, 2, 7};
    static const char compat[] = "sifive,clint0\0riscv,clint0";
    DeviceState *swi = qdev_new(TYPE_RISCV_ACLINT_SWI);
    DeviceState *mtimer = qdev_new(TYPE_RISCV_ACLINT_MTIMER);
    DeviceTree *dt = dt_new();
    char *fdt;
    const void *p;
    int len;

    object_property_set_int(OBJECT(swi), "num-harts", NHARTS, &error_abort);
    object_property_set_bool(OBJECT(swi), "sifive-clint", true, &error_abort);
    object_property_set_int(OBJECT(mtimer), "num-harts", NHARTS, &error_abort);
    object_property_set_bool(OBJECT(mtimer), "sifive-clint", true, &error_abort);
    realize_recorded(swi);
    realize_recorded(mtimer);
    assert_true(dt_add_subnode(dt, 0, "soc") >= 0);
    populate(mtimer, dt, 0x2004000);
    populate(swi, dt, 0x2000000);
    fdt = test_fdt_flatten(dt);
    check_cells(fdt, "/soc/clint@2000000", "reg", reg, 4);
    check_cells(fdt, "/soc/clint@2000000", "interrupts-extended", irqs, 8);
    p = fdt_getprop(fdt, fdt_path_offset(fdt, "/soc/clint@2000000"), "compatible", &len);
    assert_int_equal(len, sizeof(compat));
    assert_memory_equal(p, compat, sizeof(compat));
    /* The MTIMER half has no node of its own. */
    assert_true(fdt_path_offset(fdt, "/soc/mtimer@2004000") < 0);
    free(fdt);
}

static void test_fdt_aclint(void **state)
{
    static const uint32_t mswi_irqs[] = {4, 3, 2, 3};
    static const uint32_t sswi_irqs[] = {4, 1, 2, 1};
    static const uint32_t mtimer_irqs[] = {4, 7, 2, 7};
    static const uint32_t mtimer_reg[] = {0, 0x200bff8, 0, 0x4008, 0, 0x2004000, 0, 0x7ff8};
    static const uint32_t sswi_reg[] = {0, 0x2f00000, 0, 0x4000};
    static const uint32_t zero = 0;
    DeviceTree *dt = dt_new();
    char *fdt;
    int node;

    assert_true(dt_add_subnode(dt, 0, "soc") >= 0);
    populate(swi_new(false), dt, 0x2000000);
    populate(mtimer_new(), dt, 0x2004000);
    populate(swi_new(true), dt, 0x2f00000);
    fdt = test_fdt_flatten(dt);
    check_cells(fdt, "/soc/mswi@2000000", "interrupts-extended", mswi_irqs, 4);
    check_cells(fdt, "/soc/mswi@2000000", "#interrupt-cells", &zero, 1);
    check_cells(fdt, "/soc/mtimer@2004000", "reg", mtimer_reg, 8);
    check_cells(fdt, "/soc/mtimer@2004000", "interrupts-extended", mtimer_irqs, 4);
    check_cells(fdt, "/soc/sswi@2f00000", "reg", sswi_reg, 4);
    check_cells(fdt, "/soc/sswi@2f00000", "interrupts-extended", sswi_irqs, 4);
    node = fdt_path_offset(fdt, "/soc/sswi@2f00000");
    assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL), "riscv,aclint-sswi");
    assert_non_null(fdt_getprop(fdt, node, "interrupt-controller", NULL));
    node = fdt_path_offset(fdt, "/soc/mtimer@2004000");
    assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL), "riscv,aclint-mtimer");
    free(fdt);
}

/* ---- real harts, wired as a board does: mip bits and the time CSR source ---- */

static void test_real_harts(void **state)
{
    DeviceState *hart, *mtimer, *swi;
    RISCVCPU *cpu;

    if (!object_class_by_name(TYPE_CPU)) {
        skip(); /* the generic CPU core is not linked into this build */
    }
    hart = qdev_new(TYPE_RISCV_CPU_RV64);
    object_property_set_int(OBJECT(hart), "hartid", 7, &error_abort);
    assert_true(qdev_realize(hart, &error_abort));
    cpu = RISCV_CPU(hart);

    mtimer = qdev_new(TYPE_RISCV_ACLINT_MTIMER);
    object_property_set_int(OBJECT(mtimer), "hartid-base", 7, &error_abort);
    assert_true(qdev_realize(mtimer, &error_abort));
    device_reset(mtimer);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(mtimer), 0);
    /* The device leaves the hart alone; the board connects its line and time source. */
    assert_true(cpu->env.rdtime_fn == NULL);
    wr(0x0, 0, 8);
    assert_false(atomic_load(&cpu->env.mip) & MIP_MTIP);
    wr(0x0, UINT64_MAX, 8);
    qdev_connect_gpio_out(mtimer, 0, qdev_get_gpio_in(hart, IRQ_M_TIMER));
    riscv_cpu_set_time_source(cpu, riscv_aclint_mtimer_time, mtimer,
                              RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ);
    assert_int_equal(cpu->env.timebase_freq, RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ);
    wr(MTIME, 12345, 8);
    assert_int_equal(cpu->env.rdtime_fn(cpu->env.rdtime_opaque), 12345);
    wr(0x0, 0, 8);
    assert_true(atomic_load(&cpu->env.mip) & MIP_MTIP);
    wr(0x0, UINT64_MAX, 8);
    assert_false(atomic_load(&cpu->env.mip) & MIP_MTIP);

    swi = qdev_new(TYPE_RISCV_ACLINT_SWI);
    object_property_set_int(OBJECT(swi), "hartid-base", 7, &error_abort);
    assert_true(qdev_realize(swi, &error_abort));
    qdev_connect_gpio_out(swi, 0, qdev_get_gpio_in(hart, IRQ_M_SOFT));
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(swi), 0);
    wr(0x0, 1, 4);
    assert_true(atomic_load(&cpu->env.mip) & MIP_MSIP);
    wr(0x0, 0, 4);
    assert_false(atomic_load(&cpu->env.mip) & MIP_MSIP);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_mtime, freeze, thaw),
        cmocka_unit_test_setup_teardown(test_mtip_past_and_future, freeze, thaw),
        cmocka_unit_test_setup_teardown(test_mtimecmp_halves, freeze, thaw),
        cmocka_unit_test_setup_teardown(test_deadline_timer, freeze, thaw),
        cmocka_unit_test_setup_teardown(test_bad_accesses, freeze, thaw),
        cmocka_unit_test(test_mswi),
        cmocka_unit_test(test_sswi),
        cmocka_unit_test(test_fdt_clint),
        cmocka_unit_test(test_fdt_aclint),
        cmocka_unit_test_setup_teardown(test_real_harts, freeze, thaw),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
