/*
 * Unit tests for the APLIC in direct delivery mode: a machine-level root domain with a
 * supervisor-level child, 2 harts, driven through MMIO and the root's input wires with the
 * four hart outputs recorded. Source modes (edge, level, detached, inverted), delegation,
 * the IDC (priority order, threshold, iforce, claimi), WARL and bad accesses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/intc/riscv_aplic.h"
#include "migration/vmstate.h"

#define NHARTS 2
#define SOURCECFG(i) (APLIC_SOURCECFG_BASE + 4 * ((i)-1))
#define TARGET(i) (APLIC_TARGET_BASE + 4 * ((i)-1))
#define IDC(h, reg) (APLIC_IDC_BASE + APLIC_IDC_SIZE * (h) + (reg))
#define TARGET_VAL(hart, prio) (((uint32_t)(hart) << 18) | (prio))

static int m_out[NHARTS], s_out[NHARTS];
static DeviceState *root, *child;
static MemoryRegion *m_mr, *s_mr;

static void record_m(void *opaque, int n, int level)
{
    m_out[n] = level;
}

static void record_s(void *opaque, int n, int level)
{
    s_out[n] = level;
}

static uint32_t rd(MemoryRegion *mr, hwaddr addr)
{
    uint64_t v = 0xdeadbeef;

    assert_int_equal(memory_region_dispatch_read(mr, addr, &v, 4), MEMTX_OK);
    return v;
}

static void wr(MemoryRegion *mr, hwaddr addr, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, 4), MEMTX_OK);
}

static void wire(int i, int level)
{
    irq_set(qdev_get_gpio_in(root, i), level);
}

static DeviceState *domain(bool mmode, void (*record)(void *, int, int))
{
    DeviceState *dev = qdev_new(TYPE_RISCV_APLIC);

    assert_true(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, &error_abort));
    assert_true(object_property_set_bool(OBJECT(dev), "mmode", mmode, &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    for (int h = 0; h < NHARTS; h++) {
        qdev_connect_gpio_out(dev, h, irq_new(record, NULL, h));
    }
    return dev;
}

static int setup(void **state)
{
    root = domain(true, record_m);
    child = domain(false, record_s);
    aplic_set_child(root, child, 6);
    device_reset(root);
    device_reset(child);
    m_mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(root), 0);
    s_mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(child), 0);
    return 0;
}

/* Configure source i in the root domain: mode, hart 0 target with prio, enabled, IE on. */
static void root_source(int i, uint32_t mode, uint32_t prio)
{
    wr(m_mr, SOURCECFG(i), mode);
    wr(m_mr, TARGET(i), TARGET_VAL(0, prio));
    wr(m_mr, APLIC_SETIENUM, i);
    wr(m_mr, APLIC_DOMAINCFG, 1 << 8);
    wr(m_mr, IDC(0, APLIC_IDC_IDELIVERY), 1);
}

static void test_level_source(void **state)
{
    assert_int_equal(rd(m_mr, APLIC_DOMAINCFG), 0x80000000);
    root_source(10, APLIC_SM_LEVEL1, 3);
    assert_int_equal(m_out[0], 0);
    wire(10, 1);
    assert_int_equal(rd(m_mr, APLIC_SETIP_BASE), 1 << 10);
    assert_int_equal(rd(m_mr, APLIC_IN_CLRIP_BASE), 1 << 10);
    assert_int_equal(m_out[0], 1);
    assert_int_equal(rd(m_mr, IDC(0, APLIC_IDC_TOPI)), (10 << 16) | 3);
    /* A claim does not clear a level source's pending bit, nor does clripnum. */
    assert_int_equal(rd(m_mr, IDC(0, APLIC_IDC_CLAIMI)), (10 << 16) | 3);
    wr(m_mr, APLIC_CLRIPNUM, 10);
    assert_int_equal(rd(m_mr, APLIC_SETIP_BASE), 1 << 10);
    assert_int_equal(m_out[0], 1);
    /* The wire going low withdraws it; setipnum cannot bring it back. */
    wire(10, 0);
    assert_int_equal(m_out[0], 0);
    wr(m_mr, APLIC_SETIPNUM, 10);
    assert_int_equal(rd(m_mr, APLIC_SETIP_BASE), 0);
    /* Level0 is inverted: a low wire asserts. */
    wr(m_mr, SOURCECFG(10), APLIC_SM_LEVEL0);
    assert_int_equal(rd(m_mr, APLIC_SETIP_BASE), 1 << 10);
    assert_int_equal(m_out[0], 1);
}

static void test_edge_and_detached_sources(void **state)
{
    root_source(5, APLIC_SM_EDGE1, 1);
    wire(5, 1);
    assert_int_equal(m_out[0], 1);
    assert_int_equal(rd(m_mr, IDC(0, APLIC_IDC_CLAIMI)) >> 16, 5);
    assert_int_equal(m_out[0], 0); /* the claim cleared it though the wire stays high */
    wire(5, 0);
    assert_int_equal(m_out[0], 0);
    wr(m_mr, APLIC_SETIPNUM, 5); /* software may set an edge source pending */
    assert_int_equal(m_out[0], 1);
    wr(m_mr, APLIC_IN_CLRIP_BASE, 1 << 5);
    assert_int_equal(m_out[0], 0);
    /* Edge0: the falling edge counts. */
    wr(m_mr, SOURCECFG(5), APLIC_SM_EDGE0);
    wire(5, 1);
    assert_int_equal(m_out[0], 0);
    wire(5, 0);
    assert_int_equal(m_out[0], 1);
    /* Detached: the wire is ignored, setip works. */
    wr(m_mr, SOURCECFG(5), APLIC_SM_DETACHED);
    wr(m_mr, APLIC_CLRIPNUM, 5);
    wire(5, 1);
    assert_int_equal(m_out[0], 0);
    wr(m_mr, APLIC_SETIP_BASE, 1 << 5);
    assert_int_equal(m_out[0], 1);
}

static void test_priority_threshold_and_targets(void **state)
{
    root_source(3, APLIC_SM_LEVEL1, 7);
    root_source(4, APLIC_SM_LEVEL1, 2);
    root_source(6, APLIC_SM_LEVEL1, 2);
    wr(m_mr, TARGET(9), TARGET_VAL(1, 1)); /* inactive: read-only zero */
    assert_int_equal(rd(m_mr, TARGET(9)), 0);
    wire(3, 1);
    wire(4, 1);
    wire(6, 1);
    /* Smaller priority number first; equal numbers: the lower id. */
    assert_int_equal(rd(m_mr, IDC(0, APLIC_IDC_TOPI)), (4 << 16) | 2);
    wr(m_mr, IDC(0, APLIC_IDC_ITHRESHOLD), 2); /* only priority numbers below 2 */
    assert_int_equal(rd(m_mr, IDC(0, APLIC_IDC_TOPI)), 0);
    assert_int_equal(m_out[0], 0);
    wr(m_mr, IDC(0, APLIC_IDC_ITHRESHOLD), 3);
    assert_int_equal(rd(m_mr, IDC(0, APLIC_IDC_TOPI)) >> 16, 4);
    /* Retarget 4 to hart 1, whose delivery is still off. */
    wr(m_mr, TARGET(4), TARGET_VAL(1, 0)); /* priority 0 is stored as 1 */
    assert_int_equal(rd(m_mr, TARGET(4)), TARGET_VAL(1, 1));
    assert_int_equal(rd(m_mr, IDC(1, APLIC_IDC_TOPI)), (4 << 16) | 1);
    assert_int_equal(m_out[1], 0);
    wr(m_mr, IDC(1, APLIC_IDC_IDELIVERY), 1);
    assert_int_equal(m_out[1], 1);
    /* IE off holds every output low. */
    wr(m_mr, APLIC_DOMAINCFG, 0);
    assert_int_equal(m_out[0], 0);
    assert_int_equal(m_out[1], 0);
}

static void test_iforce_spurious(void **state)
{
    wr(m_mr, APLIC_DOMAINCFG, 1 << 8);
    wr(m_mr, IDC(1, APLIC_IDC_IDELIVERY), 1);
    wr(m_mr, IDC(1, APLIC_IDC_IFORCE), 3);
    assert_int_equal(rd(m_mr, IDC(1, APLIC_IDC_IFORCE)), 1);
    assert_int_equal(m_out[1], 1);
    assert_int_equal(rd(m_mr, IDC(1, APLIC_IDC_CLAIMI)), 0);
    assert_int_equal(rd(m_mr, IDC(1, APLIC_IDC_IFORCE)), 0);
    assert_int_equal(m_out[1], 0);
}

static void test_delegation_to_child(void **state)
{
    /* Not delegated: the child does not have the source. */
    wr(s_mr, SOURCECFG(10), APLIC_SM_LEVEL1);
    assert_int_equal(rd(s_mr, SOURCECFG(10)), 0);
    wr(m_mr, SOURCECFG(10), APLIC_SOURCECFG_D);
    assert_int_equal(rd(m_mr, SOURCECFG(10)), APLIC_SOURCECFG_D);
    assert_int_equal(rd(s_mr, SOURCECFG(10)), 0); /* stays zero until written */
    wr(s_mr, SOURCECFG(10), APLIC_SM_LEVEL1);
    wr(s_mr, TARGET(10), TARGET_VAL(1, 5));
    wr(s_mr, APLIC_SETIE_BASE, 1 << 10);
    wr(s_mr, APLIC_DOMAINCFG, 1 << 8);
    wr(s_mr, IDC(1, APLIC_IDC_IDELIVERY), 1);
    wire(10, 1);
    assert_int_equal(s_out[1], 1);
    assert_int_equal(m_out[1], 0);
    assert_int_equal(rd(m_mr, APLIC_SETIP_BASE), 0); /* inactive in the root */
    assert_int_equal(rd(s_mr, IDC(1, APLIC_IDC_CLAIMI)), (10 << 16) | 5);
    /* The child is a leaf: D cannot be set there, the register becomes zero. */
    wr(s_mr, SOURCECFG(10), APLIC_SOURCECFG_D | APLIC_SM_LEVEL1);
    assert_int_equal(rd(s_mr, SOURCECFG(10)), 0);
    assert_int_equal(s_out[1], 0);
    /* Taking the delegation back empties the child's copy. */
    wr(s_mr, SOURCECFG(10), APLIC_SM_LEVEL1);
    wr(s_mr, TARGET(10), TARGET_VAL(1, 5));
    wr(s_mr, APLIC_SETIENUM, 10);
    assert_int_equal(s_out[1], 1);
    wr(m_mr, SOURCECFG(10), APLIC_SM_LEVEL1);
    assert_int_equal(rd(s_mr, SOURCECFG(10)), 0);
    assert_int_equal(s_out[1], 0);
}

static void test_warl_and_bad_accesses(void **state)
{
    uint64_t v;

    wr(m_mr, SOURCECFG(1), 2); /* reserved mode: inactive */
    assert_int_equal(rd(m_mr, SOURCECFG(1)), 0);
    wr(m_mr, APLIC_DOMAINCFG, 0xffffffff); /* only IE is writable */
    assert_int_equal(rd(m_mr, APLIC_DOMAINCFG), 0x80000100);
    wr(m_mr, SOURCECFG(97), APLIC_SM_LEVEL1); /* past the last source */
    assert_int_equal(rd(m_mr, SOURCECFG(97)), 0);
    wr(m_mr, APLIC_SETIENUM, 0);
    wr(m_mr, APLIC_SETIENUM, 5000);
    assert_int_equal(rd(m_mr, APLIC_SETIE_BASE), 0);
    wr(m_mr, IDC(NHARTS, APLIC_IDC_IDELIVERY), 1); /* no such hart: read-only zero */
    assert_int_equal(rd(m_mr, IDC(NHARTS, APLIC_IDC_IDELIVERY)), 0);
    wire(0, 1);
    assert_int_equal(memory_region_dispatch_read(m_mr, 0, &v, 2), MEMTX_DECODE_ERROR);
    assert_int_equal(memory_region_dispatch_read(m_mr, 0, &v, 8), MEMTX_DECODE_ERROR);
    assert_int_equal(m_mr->size, 0x8000);
}

/* savevm/loadvm: a configured, asserting child domain comes back the same after a reset. */
static void test_state_round_trip(void **state)
{
    const VMStateDescription *vmsd = DEVICE_GET_CLASS(child)->vmsd;
    VMStateOut out = {0};
    VMStateIn in;
    Error *err = NULL;

    wr(m_mr, SOURCECFG(10), APLIC_SOURCECFG_D);
    wr(s_mr, SOURCECFG(10), APLIC_SM_LEVEL1);
    wr(s_mr, TARGET(10), TARGET_VAL(1, 5));
    wr(s_mr, APLIC_SETIENUM, 10);
    wr(s_mr, APLIC_DOMAINCFG, 1 << 8);
    wr(s_mr, IDC(1, APLIC_IDC_IDELIVERY), 1);
    wire(10, 1);
    assert_int_equal(s_out[1], 1);
    assert_non_null(vmsd);
    vmstate_save_state(&out, vmsd, child);
    device_reset(child);
    assert_int_equal(s_out[1], 0);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_true(vmstate_load_state(&in, vmsd, child, vmsd->version_id, &err));
    assert_int_equal(s_out[1], 1);
    assert_int_equal(rd(s_mr, IDC(1, APLIC_IDC_TOPI)), (10 << 16) | 5);
    assert_int_equal(rd(s_mr, SOURCECFG(10)), APLIC_SM_LEVEL1);
    free(out.data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_level_source, setup),
        cmocka_unit_test_setup(test_edge_and_detached_sources, setup),
        cmocka_unit_test_setup(test_priority_threshold_and_targets, setup),
        cmocka_unit_test_setup(test_iforce_spurious, setup),
        cmocka_unit_test_setup(test_delegation_to_child, setup),
        cmocka_unit_test_setup(test_warl_and_bad_accesses, setup),
        cmocka_unit_test_setup(test_state_round_trip, setup),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
