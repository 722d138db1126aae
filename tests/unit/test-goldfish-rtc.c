/*
 * Unit tests for the Goldfish RTC: time reads move forward, TIME_HIGH is
 * latched by TIME_LOW reads, writes set the time, the alarm fires (at once
 * when already due, later through its timer), interrupt enable and clear,
 * bad accesses and the device-tree node. No assertion depends on how fast
 * the host runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hw/rtc/goldfish_rtc.h"
#include "test-fdt.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define TIME_LOW 0x00
#define TIME_HIGH 0x04
#define ALARM_LOW 0x08
#define ALARM_HIGH 0x0c
#define IRQ_ENABLED 0x10
#define CLEAR_ALARM 0x14
#define ALARM_STATUS 0x18
#define CLEAR_INTERRUPT 0x1c

static DeviceState *rtc;
static MemoryRegion *mr;
static int irq_level;

static void record_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static int setup(void **state)
{
    rtc = qdev_new(TYPE_GOLDFISH_RTC);
    assert_true(qdev_realize(rtc, &error_abort));
    irq_level = -1;
    sysbus_connect_irq(SYS_BUS_DEVICE(rtc), 0, irq_new(record_irq, NULL, 0));
    device_reset(rtc);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(rtc), 0);
    return 0;
}

static uint32_t rd(hwaddr addr)
{
    uint64_t v = 0xdead;

    assert_int_equal(memory_region_dispatch_read(mr, addr, &v, 4), MEMTX_OK);
    return v;
}

static void wr(hwaddr addr, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, 4), MEMTX_OK);
}

static uint64_t read_time(void)
{
    uint32_t low = rd(TIME_LOW);

    return (uint64_t)rd(TIME_HIGH) << 32 | low;
}

static void test_time_moves_forward(void **state)
{
    uint64_t a = read_time(), b;

    /* The wall clock: well past 2020 in ns since the epoch. */
    assert_true(a > 1577836800ULL * 1000000000ULL);
    b = read_time();
    assert_true(b >= a);
    assert_int_equal(irq_level, 0);
}

static void test_time_high_latched(void **state)
{
    uint32_t high;

    wr(TIME_HIGH, 5);
    wr(TIME_LOW, 0);
    /* TIME_HIGH still holds the half latched before the write... */
    high = rd(TIME_HIGH);
    assert_true(high != 5);
    /* ...until TIME_LOW is read again. */
    rd(TIME_LOW);
    assert_int_equal(rd(TIME_HIGH), 5);
    assert_int_equal(rd(TIME_HIGH), 5);
    assert_true(read_time() >= 5ULL << 32);
}

/*
 * The guest may set any 64-bit time, including ones whose sum with the host
 * clock leaves int64_t: the time wraps modulo 2^64 (no undefined behaviour,
 * which the UBSan build of this test checks) and reads back what was set.
 */
static void test_time_extreme_values(void **state)
{
    static const uint32_t highs[] = {0x7fffffff, 0x80000000, 0xffffffff, 0};
    uint64_t t;

    for (unsigned i = 0; i < sizeof(highs) / sizeof(highs[0]); i++) {
        wr(TIME_LOW, 0);
        wr(TIME_HIGH, highs[i]);
        t = read_time();
        /* At most the time the test has run since the write (alarm(60) bounds it). */
        assert_true(t - ((uint64_t)highs[i] << 32) < 1ULL << 40);
    }
    /* Just below the wrap: the next reads go through 2^64 back to 0. */
    wr(TIME_HIGH, 0xffffffff);
    wr(TIME_LOW, 0xffffffff);
    t = read_time();
    assert_true(t + 1 < 1ULL << 40);
    read_time();
    wr(ALARM_HIGH, 0xffffffff);
    wr(ALARM_LOW, 0xffffffff);
    wr(CLEAR_ALARM, 1);
}

static void test_alarm_already_due(void **state)
{
    wr(IRQ_ENABLED, 1);
    assert_int_equal(rd(IRQ_ENABLED), 1);
    wr(ALARM_HIGH, 0);
    wr(ALARM_LOW, 1); /* long past */
    assert_int_equal(irq_level, 1);
    assert_int_equal(rd(ALARM_STATUS), 0);
    assert_int_equal(rd(ALARM_LOW), 1);
    assert_int_equal(rd(ALARM_HIGH), 0);
    wr(CLEAR_INTERRUPT, 1);
    assert_int_equal(irq_level, 0);

    /* Masked: the interrupt waits for IRQ_ENABLED. */
    wr(IRQ_ENABLED, 0);
    wr(ALARM_LOW, 2);
    assert_int_equal(irq_level, 0);
    wr(IRQ_ENABLED, 1);
    assert_int_equal(irq_level, 1);
    wr(CLEAR_INTERRUPT, 1);
    assert_int_equal(irq_level, 0);
}

static void test_alarm_in_future(void **state)
{
    uint64_t now = read_time();
    uint64_t far = now + 3600 * 1000000000ULL;
    uint64_t soon = now + 1000;

    wr(IRQ_ENABLED, 1);
    wr(ALARM_HIGH, far >> 32);
    wr(ALARM_LOW, (uint32_t)far);
    assert_int_equal(rd(ALARM_STATUS), 1);
    assert_int_equal(irq_level, 0);
    assert_true(timers_deadline_ns() > 0);
    wr(CLEAR_ALARM, 1);
    assert_int_equal(rd(ALARM_STATUS), 0);
    assert_int_equal(timers_deadline_ns(), -1);

    wr(ALARM_HIGH, soon >> 32);
    wr(ALARM_LOW, (uint32_t)soon);
    for (int i = 0; i < 100000 && irq_level != 1; i++) {
        timers_run_expired();
        usleep(1);
    }
    assert_int_equal(irq_level, 1);
    assert_int_equal(rd(ALARM_STATUS), 0);
    device_reset(rtc);
    assert_int_equal(irq_level, 0);
    assert_int_equal(rd(IRQ_ENABLED), 0);
}

static void test_bad_accesses(void **state)
{
    uint64_t v = 1;

    assert_int_equal(rd(0x20), 0);
    wr(0x24, 1);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 8), MEMTX_DECODE_ERROR);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 1), MEMTX_DECODE_ERROR);
}

static void test_fdt_node(void **state)
{
    static const uint32_t irqs[] = {11};
    DeviceTree *dt = dt_new();
    char *fdt;
    DeviceFDTContext ctx = {.fdt = dt,
                            .parent_path = "/soc",
                            .base = 0x101000,
                            .size = 0x1000,
                            .irq_parent = 3,
                            .irqs = irqs,
                            .num_irqs = 1};
    const fdt32_t *p;
    int node, len;

    assert_true(dt_add_subnode(dt, 0, "soc") >= 0);
    assert_true(DEVICE_GET_CLASS(rtc)->fdt_populate(rtc, &ctx, &error_abort));
    fdt = test_fdt_flatten(dt);
    node = fdt_path_offset(fdt, "/soc/rtc@101000");
    assert_true(node >= 0);
    assert_string_equal(fdt_getprop(fdt, node, "compatible", NULL), "google,goldfish-rtc");
    p = fdt_getprop(fdt, node, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(p[1]), 0x101000);
    assert_int_equal(fdt32_to_cpu(p[3]), 0x1000);
    assert_int_equal(fdt32_to_cpu(*(fdt32_t *)fdt_getprop(fdt, node, "interrupts", NULL)), 11);
    assert_int_equal(fdt32_to_cpu(*(fdt32_t *)fdt_getprop(fdt, node, "interrupt-parent", NULL)), 3);
    free(fdt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_time_moves_forward, setup),
        cmocka_unit_test_setup(test_time_high_latched, setup),
        cmocka_unit_test_setup(test_time_extreme_values, setup),
        cmocka_unit_test_setup(test_alarm_already_due, setup),
        cmocka_unit_test_setup(test_alarm_in_future, setup),
        cmocka_unit_test_setup(test_bad_accesses, setup),
        cmocka_unit_test_setup(test_fdt_node, setup),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
