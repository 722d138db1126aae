/*
 * Unit tests for the SiFive test finisher: PASS, FAIL with a code and RESET
 * reach the run-state requests; other values and offsets are ignored; the
 * device-tree nodes (test@, /poweroff, /reboot) point at one phandle.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hw/misc/sifive_test.h"
#include "system/runstate.h"
#include "test-fdt.h"
#include "util/main-loop.h"

static DeviceState *dev;
static MemoryRegion *mr;
static int resets;

static void count_reset(Notifier *n, void *data)
{
    resets++;
}

static Notifier reset_notifier = {.notify = count_reset};

static int setup(void **state)
{
    dev = qdev_new(TYPE_SIFIVE_TEST);
    assert_true(qdev_realize(dev, &error_abort));
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0);
    return 0;
}

static void wr(hwaddr addr, uint64_t v, unsigned size)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, size), MEMTX_OK);
}

static void test_pass(void **state)
{
    int status = -1;

    assert_false(main_loop_should_exit(&status));
    wr(0, FINISHER_PASS, 4);
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 0);
    /* A 16-bit write is enough (no code field). */
    wr(0, FINISHER_PASS, 2);
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 0);
}

static void test_fail_code(void **state)
{
    int status = -1;

    wr(0, (42 << 16) | FINISHER_FAIL, 4);
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 42);
}

static void test_reset(void **state)
{
    int status = -1;

    resets = 0;
    wr(0, FINISHER_RESET, 4);
    assert_false(main_loop_should_exit(&status)); /* reset, keep running */
    assert_int_equal(resets, 1);
    no_reboot = true;
    wr(0, FINISHER_RESET, 4);
    assert_true(main_loop_should_exit(&status)); /* -no-reboot: a reset exits */
    assert_int_equal(status, 0);
    no_reboot = false;
}

static void test_ignored(void **state)
{
    uint64_t v = 1;
    int status = -1;

    wr(0, 0x1234, 4);
    wr(4, FINISHER_PASS, 4);
    wr(0, FINISHER_PASS << 16, 4);
    assert_false(main_loop_should_exit(&status));
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 4), MEMTX_OK);
    assert_int_equal(v, 0);
    assert_int_equal(memory_region_dispatch_write(mr, 0, FINISHER_PASS, 1), MEMTX_DECODE_ERROR);
    assert_false(main_loop_should_exit(&status));
}

static uint32_t cell(void *fdt, const char *path, const char *prop)
{
    const fdt32_t *p = fdt_getprop(fdt, fdt_path_offset(fdt, path), prop, NULL);

    assert_non_null(p);
    return fdt32_to_cpu(*p);
}

static void check_fdt(uint32_t given, uint32_t *used)
{
    static const char compat[] = "sifive,test1\0sifive,test0\0syscon";
    DeviceTree *dt = dt_new();
    char *fdt;
    DeviceFDTContext ctx = {
        .fdt = dt, .parent_path = "/soc", .base = 0x100000, .size = 0x1000, .phandle = given};
    const fdt32_t *reg;
    int node, len;

    assert_true(dt_add_subnode(dt, 0, "soc") >= 0);
    assert_true(DEVICE_GET_CLASS(dev)->fdt_populate(dev, &ctx, &error_abort));
    fdt = test_fdt_flatten(dt);
    node = fdt_path_offset(fdt, "/soc/test@100000");
    assert_true(node >= 0);
    assert_memory_equal(fdt_getprop(fdt, node, "compatible", &len), compat, sizeof(compat));
    assert_int_equal(len, sizeof(compat));
    reg = fdt_getprop(fdt, node, "reg", &len);
    assert_int_equal(len, 16);
    assert_int_equal(fdt32_to_cpu(reg[1]), 0x100000);
    assert_int_equal(fdt32_to_cpu(reg[3]), 0x1000);
    *used = cell(fdt, "/soc/test@100000", "phandle");
    assert_int_equal(cell(fdt, "/poweroff", "regmap"), *used);
    assert_int_equal(cell(fdt, "/poweroff", "offset"), 0);
    assert_int_equal(cell(fdt, "/poweroff", "value"), FINISHER_PASS);
    assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/poweroff"), "compatible", NULL),
                        "syscon-poweroff");
    assert_int_equal(cell(fdt, "/reboot", "regmap"), *used);
    assert_int_equal(cell(fdt, "/reboot", "value"), FINISHER_RESET);
    assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/reboot"), "compatible", NULL),
                        "syscon-reboot");
    free(fdt);
}

static void test_fdt(void **state)
{
    uint32_t used;

    check_fdt(6, &used);
    assert_int_equal(used, 6);
    check_fdt(0, &used); /* none given: a fresh one */
    assert_true(used != 0 && used != (uint32_t)-1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_pass, setup),  cmocka_unit_test_setup(test_fail_code, setup),
        cmocka_unit_test_setup(test_reset, setup), cmocka_unit_test_setup(test_ignored, setup),
        cmocka_unit_test_setup(test_fdt, setup),
    };

    if (!main_loop_init(NULL)) {
        return 1;
    }
    reset_notifier_add(&reset_notifier);
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
