/*
 * Unit tests for the SiFive PLIC, driven through its MMIO region and input
 * lines with its four context outputs (2 harts x M/S) recorded: priority and
 * threshold arbitration, claim/complete with level-triggered gateways,
 * per-context enables, WARL and bad accesses, reset and the device-tree node.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <libfdt.h>

#include "hw/intc/sifive_plic.h"
#include "test-fdt.h"

#define NHARTS 2
#define NCTX (2 * NHARTS)
#define PRIO(id) (4 * (id))
#define PENDING(w) (0x1000 + 4 * (w))
#define ENABLE(ctx, w) (0x2000 + 0x80 * (ctx) + 4 * (w))
#define THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (0x200004 + 0x1000 * (ctx))

static int outputs[NCTX];
static DeviceState *plic;
static MemoryRegion *mr;

static void record_irq(void *opaque, int n, int level)
{
    outputs[n] = level;
}

static uint32_t rd(hwaddr addr)
{
    uint64_t v = 0xdeadbeef;

    assert_int_equal(memory_region_dispatch_read(mr, addr, &v, 4), MEMTX_OK);
    return v;
}

static void wr(hwaddr addr, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, 4), MEMTX_OK);
}

static void line(int id, int level)
{
    irq_set(qdev_get_gpio_in(plic, id), level);
}

static int setup(void **state)
{
    plic = qdev_new(TYPE_SIFIVE_PLIC);
    assert_true(object_property_set_int(OBJECT(plic), "num-harts", NHARTS, &error_abort));
    assert_true(qdev_realize(plic, &error_abort));
    for (int i = 0; i < NCTX; i++) {
        outputs[i] = -1;
        qdev_connect_gpio_out(plic, i, irq_new(record_irq, NULL, i));
    }
    device_reset(plic);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(plic), 0);
    return 0;
}

static void test_priority_threshold_claim(void **state)
{
    for (int i = 0; i < NCTX; i++) {
        assert_int_equal(outputs[i], 0);
    }
    wr(PRIO(5), 3);
    wr(PRIO(7), 5);
    wr(PRIO(9), 5);
    wr(ENABLE(0, 0), (1 << 5) | (1 << 7) | (1 << 9));
    line(5, 1);
    line(7, 1);
    line(9, 1);
    assert_int_equal(rd(PENDING(0)), (1 << 5) | (1 << 7) | (1 << 9));
    assert_int_equal(outputs[0], 1);
    assert_int_equal(outputs[1], 0); /* S-mode context of hart 0 enables nothing */

    /* Only priorities above the threshold interrupt (and are claimed). */
    wr(THRESHOLD(0), 5);
    assert_int_equal(rd(THRESHOLD(0)), 5);
    assert_int_equal(outputs[0], 0);
    assert_int_equal(rd(CLAIM(0)), 0);
    wr(THRESHOLD(0), 4);
    assert_int_equal(outputs[0], 1);
    /* Equal priorities: the lowest id wins. */
    assert_int_equal(rd(CLAIM(0)), 7);
    assert_int_equal(rd(PENDING(0)), (1 << 5) | (1 << 9));
    assert_int_equal(rd(CLAIM(0)), 9);
    assert_int_equal(outputs[0], 0);
    assert_int_equal(rd(CLAIM(0)), 0);
    wr(THRESHOLD(0), 0);
    assert_int_equal(outputs[0], 1);
    assert_int_equal(rd(CLAIM(0)), 5);
    assert_int_equal(outputs[0], 0);

    /* Completing a source whose line is still high makes it pending again. */
    wr(CLAIM(0), 7);
    assert_int_equal(outputs[0], 1);
    assert_int_equal(rd(CLAIM(0)), 7);
    line(7, 0);
    wr(CLAIM(0), 7);
    assert_int_equal(outputs[0], 0);
    assert_int_equal(rd(PENDING(0)), 0);

    /* While claimed, the gateway holds new requests back until completion. */
    line(9, 0);
    line(9, 1);
    assert_int_equal(rd(PENDING(0)), 0);
    wr(CLAIM(0), 9);
    assert_int_equal(rd(PENDING(0)), 1 << 9);
    assert_int_equal(rd(CLAIM(0)), 9);
}

static void test_line_dropped_before_claim(void **state)
{
    wr(PRIO(3), 1);
    wr(ENABLE(1, 0), 1 << 3);
    line(3, 1);
    assert_int_equal(outputs[1], 1);
    line(3, 0);
    assert_int_equal(outputs[1], 0);
    assert_int_equal(rd(CLAIM(1)), 0);
}

static void test_enables_per_context(void **state)
{
    wr(PRIO(40), 2);
    wr(ENABLE(3, 1), 1 << (40 - 32));
    assert_int_equal(rd(ENABLE(3, 1)), 1 << 8);
    line(40, 1);
    assert_int_equal(rd(PENDING(1)), 1 << 8);
    assert_int_equal(outputs[0], 0);
    assert_int_equal(outputs[1], 0);
    assert_int_equal(outputs[2], 0);
    assert_int_equal(outputs[3], 1);
    assert_int_equal(rd(CLAIM(2)), 0);
    /* A completion from a context that does not enable the source is ignored. */
    assert_int_equal(rd(CLAIM(3)), 40);
    wr(CLAIM(2), 40);
    assert_int_equal(rd(PENDING(1)), 0);
    wr(CLAIM(3), 40);
    assert_int_equal(rd(PENDING(1)), 1 << 8);
    /* Two contexts enabling one source both see it; one claim takes it. */
    wr(ENABLE(0, 1), 1 << 8);
    assert_int_equal(outputs[0], 1);
    assert_int_equal(rd(CLAIM(0)), 40);
    assert_int_equal(outputs[0], 0);
    assert_int_equal(outputs[3], 0);
    assert_int_equal(rd(CLAIM(3)), 0);
}

static void test_warl_and_bad_accesses(void **state)
{
    uint64_t v;

    wr(PRIO(1), 0xffffffff);
    assert_int_equal(rd(PRIO(1)), 7);
    wr(PRIO(0), 5); /* source 0 does not exist */
    assert_int_equal(rd(PRIO(0)), 0);
    wr(THRESHOLD(1), 0x1f);
    assert_int_equal(rd(THRESHOLD(1)), 7);
    wr(ENABLE(0, 0), 0xffffffff);
    assert_int_equal(rd(ENABLE(0, 0)), 0xfffffffe);
    wr(ENABLE(0, 2), 0xffffffff); /* sources 64..95 all exist */
    assert_int_equal(rd(ENABLE(0, 2)), 0xffffffff);
    /* Source 96 exists (riscv,ndev = 96); past it: read zero, writes ignored. */
    wr(PRIO(96), 1);
    assert_int_equal(rd(PRIO(96)), 1);
    wr(ENABLE(0, 3), 0xffffffff);
    assert_int_equal(rd(ENABLE(0, 3)), 1);
    assert_int_equal(rd(PRIO(97)), 0);
    wr(PRIO(97), 1);
    assert_int_equal(rd(ENABLE(0, 4)), 0);
    wr(ENABLE(NCTX, 0), 1);
    assert_int_equal(rd(THRESHOLD(NCTX)), 0);
    assert_int_equal(rd(THRESHOLD(0) + 8), 0);
    wr(PENDING(0), 0xffffffff); /* read-only */
    assert_int_equal(rd(PENDING(0)), 0);
    wr(CLAIM(0), 0);
    wr(CLAIM(0), 1000);
    line(0, 1);
    assert_int_equal(rd(PENDING(0)), 0);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 2), MEMTX_DECODE_ERROR);
    assert_int_equal(memory_region_dispatch_read(mr, 0, &v, 8), MEMTX_DECODE_ERROR);
}

static void test_reset(void **state)
{
    wr(PRIO(2), 1);
    wr(ENABLE(0, 0), 1 << 2);
    wr(THRESHOLD(0), 0);
    line(2, 1);
    assert_int_equal(rd(CLAIM(0)), 2);
    device_reset(plic);
    assert_int_equal(rd(PRIO(2)), 0);
    assert_int_equal(rd(ENABLE(0, 0)), 0);
    /* The line is still high: its request stands again, nothing is claimed. */
    assert_int_equal(rd(PENDING(0)), 1 << 2);
    assert_int_equal(outputs[0], 0);
}

static void test_fdt_node(void **state)
{
    static const uint32_t intc[NHARTS] = {4, 2};
    static const uint32_t irqs[] = {4, 11, 4, 9, 2, 11, 2, 9};
    static const uint32_t reg[] = {0, 0xc000000, 0, 0x600000};
    static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    DeviceTree *dt = dt_new();
    char *fdt;
    DeviceFDTContext ctx = {.fdt = dt,
                            .parent_path = "/soc",
                            .base = 0xc000000,
                            .size = 0x600000,
                            .hart_intc_phandles = intc,
                            .num_harts = NHARTS,
                            .phandle = 5};
    const fdt32_t *p;
    int node, len;

    assert_true(dt_add_subnode(dt, 0, "soc") >= 0);
    assert_true(DEVICE_GET_CLASS(plic)->fdt_populate(plic, &ctx, &error_abort));
    fdt = test_fdt_flatten(dt);
    node = fdt_path_offset(fdt, "/soc/plic@c000000");
    assert_true(node >= 0);
    p = fdt_getprop(fdt, node, "interrupts-extended", &len);
    assert_int_equal(len, sizeof(irqs));
    for (int i = 0; i < 8; i++) {
        assert_int_equal(fdt32_to_cpu(p[i]), irqs[i]);
    }
    p = fdt_getprop(fdt, node, "reg", &len);
    assert_int_equal(len, sizeof(reg));
    for (int i = 0; i < 4; i++) {
        assert_int_equal(fdt32_to_cpu(p[i]), reg[i]);
    }
    assert_memory_equal(fdt_getprop(fdt, node, "compatible", &len), compat, sizeof(compat));
    assert_int_equal(len, sizeof(compat));
    assert_int_equal(fdt32_to_cpu(*(fdt32_t *)fdt_getprop(fdt, node, "riscv,ndev", NULL)), 96);
    assert_int_equal(fdt32_to_cpu(*(fdt32_t *)fdt_getprop(fdt, node, "phandle", NULL)), 5);
    assert_int_equal(fdt32_to_cpu(*(fdt32_t *)fdt_getprop(fdt, node, "#interrupt-cells", NULL)), 1);
    assert_int_equal(fdt32_to_cpu(*(fdt32_t *)fdt_getprop(fdt, node, "#address-cells", NULL)), 0);
    assert_non_null(fdt_getprop(fdt, node, "interrupt-controller", NULL));
    free(fdt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_priority_threshold_claim, setup),
        cmocka_unit_test_setup(test_line_dropped_before_claim, setup),
        cmocka_unit_test_setup(test_enables_per_context, setup),
        cmocka_unit_test_setup(test_warl_and_bad_accesses, setup),
        cmocka_unit_test_setup(test_reset, setup),
        cmocka_unit_test_setup(test_fdt_node, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
