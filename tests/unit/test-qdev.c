/*
 * Unit tests for the device core (hw/core/qdev.c, sysbus.c, irq.c): the
 * realize/reset lifecycle, /machine/unattached parking, GPIO wiring, reset
 * order, -device help, and system-bus MMIO/IRQ plumbing.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/core/sysbus.h"

#define TYPE_TEST_DEV "test-dev"
#define TYPE_TEST_HIDDEN_DEV "test-hidden-dev"
#define TYPE_TEST_SYSBUS "test-sysbus"

typedef struct TestDev {
    DeviceState parent_obj;
    bool fail;
    int64_t tag; /* PROP_INT stores int64_t: the property macros refuse another type */
    int realize_count;
    int reset_count;
    int last_line, last_level;
    IRQState *out[2];
} TestDev;

typedef struct TestSysBus {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    IRQState *irq;
} TestSysBus;

#define TEST_DEV(obj) OBJECT_CHECK(TestDev, (obj), TYPE_TEST_DEV)
#define TEST_SYSBUS(obj) OBJECT_CHECK(TestSysBus, (obj), TYPE_TEST_SYSBUS)

/* Resets append the device's tag here, to check the order of qdev_reset_all. */
static char reset_log[256];

static bool test_dev_realize(DeviceState *dev, Error **errp)
{
    TestDev *s = TEST_DEV(dev);

    s->realize_count++;
    if (s->fail) {
        error_setg(errp, "test-dev refuses to realize");
        return false;
    }
    return true;
}

static void test_dev_reset(DeviceState *dev)
{
    TestDev *s = TEST_DEV(dev);
    size_t len = strlen(reset_log);

    s->reset_count++;
    snprintf(reset_log + len, sizeof(reset_log) - len, "%s%" PRId64, len ? " " : "", s->tag);
}

static void test_dev_gpio_in(void *opaque, int n, int level)
{
    TestDev *s = TEST_DEV(opaque);

    s->last_line = n;
    s->last_level = level;
}

static void test_dev_init(Object *obj)
{
    TestDev *s = TEST_DEV(obj);

    s->last_line = s->last_level = -1;
    qdev_init_gpio_in(DEVICE(obj), test_dev_gpio_in, 4);
    qdev_init_gpio_out(DEVICE(obj), s->out, ARRAY_SIZE(s->out));
}

static const Property test_dev_props[] = {
    DEFINE_PROP_BOOL("fail", TestDev, fail, false),
    DEFINE_PROP_INT("tag", TestDev, tag, 0),
    DEFINE_PROP_END,
};

static void test_dev_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "a device for unit tests";
    dc->user_creatable = true;
    dc->realize = test_dev_realize;
    dc->reset = test_dev_reset;
    object_class_add_props(oc, test_dev_props);
}

static void test_hidden_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->user_creatable = false;
}

static uint64_t test_sysbus_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void test_sysbus_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
}

static const MemoryRegionOps test_sysbus_ops = {
    .read = test_sysbus_read,
    .write = test_sysbus_write,
};

static void test_sysbus_init(Object *obj)
{
    TestSysBus *s = TEST_SYSBUS(obj);

    memory_region_init_io(&s->mmio, &test_sysbus_ops, s, "test-sysbus", 0x100);
    sysbus_init_mmio(SYS_BUS_DEVICE(obj), &s->mmio);
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_DEV,
        .parent = TYPE_DEVICE,
        .instance_size = sizeof(TestDev),
        .class_init = test_dev_class_init,
        .instance_init = test_dev_init,
    },
    {
        .name = TYPE_TEST_HIDDEN_DEV,
        .parent = TYPE_TEST_DEV,
        .class_init = test_hidden_class_init,
    },
    {
        .name = TYPE_TEST_SYSBUS,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(TestSysBus),
        .instance_init = test_sysbus_init,
    },
};

static void test_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(test_types); i++) {
        type_register_static(&test_types[i]);
    }
}

static TestDev *new_test_dev(const char *type, int tag)
{
    DeviceState *dev = qdev_new(type);
    TestDev *s = TEST_DEV(dev);

    assert_true(object_property_set_int(OBJECT(dev), "tag", tag, &error_abort));
    return s;
}

/* An int property writes its 8 bytes into its own field, not over the next one. */
static void test_int_property_width(void **state)
{
    TestDev *s = new_test_dev(TYPE_TEST_DEV, -1);

    assert_int_equal(s->tag, -1);
    assert_int_equal(s->realize_count, 0);
    assert_true(object_property_parse(OBJECT(s), "tag", "0x100000007", &error_abort));
    assert_int_equal(s->tag, 0x100000007);
    assert_int_equal(object_property_get_int(OBJECT(s), "tag", &error_abort), 0x100000007);
    assert_int_equal(s->realize_count, 0);
    object_unref(OBJECT(s));
}

static void test_realize_once(void **state)
{
    TestDev *s = new_test_dev(TYPE_TEST_DEV, 1);
    DeviceState *dev = DEVICE(s);

    assert_false(dev->realized);
    assert_int_equal(s->realize_count, 0);
    assert_int_equal(s->reset_count, 0);
    assert_true(qdev_realize(dev, &error_abort));
    assert_true(dev->realized);
    assert_int_equal(s->realize_count, 1);
    assert_int_equal(s->reset_count, 1);
    /* A second realize is a no-op. */
    assert_true(qdev_realize(dev, &error_abort));
    assert_int_equal(s->realize_count, 1);

    /* It was parked in the tree, which now holds its own reference. */
    char *path = object_get_canonical_path(OBJECT(dev));
    assert_non_null(path);
    assert_true(strncmp(path, "/machine/unattached/device[", 27) == 0);
    assert_ptr_equal(object_resolve_path(path), dev);
    free(path);
    assert_int_equal(OBJECT(dev)->refcount, 2);
    object_unref(OBJECT(dev));

    /* Names do not collide. */
    TestDev *t = new_test_dev(TYPE_TEST_DEV, 2);
    assert_true(qdev_realize_and_unref(DEVICE(t), &error_abort));
    assert_string_not_equal(OBJECT(t)->name, OBJECT(dev)->name);

    object_unparent(OBJECT(dev));
    object_unparent(OBJECT(t));
}

static void test_realize_failure(void **state)
{
    TestDev *s = new_test_dev(TYPE_TEST_DEV, 1);
    DeviceState *dev = DEVICE(s);
    Error *err = NULL;

    assert_true(object_property_parse(OBJECT(dev), "fail", "on", &error_abort));
    assert_false(qdev_realize(dev, &err));
    assert_non_null(err);
    assert_string_equal(error_get_pretty(err), "test-dev refuses to realize");
    error_free(err);
    assert_false(dev->realized);
    assert_int_equal(s->reset_count, 0);
    assert_null(OBJECT(dev)->parent);
    assert_int_equal(OBJECT(dev)->refcount, 1);

    /* Fixing the property makes the next attempt succeed. */
    assert_true(object_property_parse(OBJECT(dev), "fail", "off", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_int_equal(s->realize_count, 2);
    object_unref(OBJECT(dev));
    object_unparent(OBJECT(dev));
}

static void test_realize_keeps_parent(void **state)
{
    TestDev *s = new_test_dev(TYPE_TEST_DEV, 1);
    Object *soc = container_get(object_get_root(), "/machine/soc");

    object_property_add_child(soc, "dev", OBJECT(s));
    assert_true(qdev_realize_and_unref(DEVICE(s), &error_abort));
    assert_ptr_equal(object_resolve_path("/machine/soc/dev"), s);
    assert_string_equal(OBJECT(s)->name, "dev");
    object_unparent(soc);
}

static void test_gpio_wiring(void **state)
{
    TestDev *src = new_test_dev(TYPE_TEST_DEV, 1);
    TestDev *dst = new_test_dev(TYPE_TEST_DEV, 2);

    assert_int_equal(DEVICE(dst)->num_gpio_in, 4);
    assert_int_equal(DEVICE(src)->num_gpio_out, 2);
    /* Unconnected outputs are NULL and driving them does nothing. */
    assert_null(src->out[1]);
    irq_raise(src->out[1]);

    qdev_connect_gpio_out(DEVICE(src), 1, qdev_get_gpio_in(DEVICE(dst), 3));
    assert_ptr_equal(src->out[1], qdev_get_gpio_in(DEVICE(dst), 3));
    irq_raise(src->out[1]);
    assert_int_equal(dst->last_line, 3);
    assert_int_equal(dst->last_level, 1);
    irq_lower(src->out[1]);
    assert_int_equal(dst->last_level, 0);
    assert_null(src->out[0]);

    object_unref(OBJECT(src));
    object_unref(OBJECT(dst));
}

static void record_irq(void *opaque, int n, int level)
{
    int *seen = opaque;
    seen[n] = level;
}

static void test_irq_lines(void **state)
{
    int seen[3] = {-1, -1, -1};
    IRQState **irqs = irq_new_array(record_irq, seen, 3);
    IRQState *one = irq_new(record_irq, seen, 0);

    irq_set(irqs[2], 5);
    irq_raise(one);
    assert_int_equal(seen[0], 1);
    assert_int_equal(seen[1], -1);
    assert_int_equal(seen[2], 5);
    irq_set(NULL, 1);
    irq_raise(NULL);
    irq_lower(NULL);
    irq_free(one);
    irq_free_array(irqs, 3);
}

static void test_reset_children_first(void **state)
{
    Object *board = container_get(object_get_root(), "/machine/board");
    TestDev *parent = new_test_dev(TYPE_TEST_DEV, 1);
    TestDev *child_a = new_test_dev(TYPE_TEST_DEV, 2);
    TestDev *child_b = new_test_dev(TYPE_TEST_DEV, 3);
    TestDev *unrealized = new_test_dev(TYPE_TEST_DEV, 4);

    object_property_add_child(board, "parent", OBJECT(parent));
    object_property_add_child(OBJECT(parent), "a", OBJECT(child_a));
    object_property_add_child(OBJECT(parent), "b", OBJECT(child_b));
    object_property_add_child(OBJECT(child_a), "late", OBJECT(unrealized));
    assert_true(qdev_realize_and_unref(DEVICE(child_a), &error_abort));
    assert_true(qdev_realize_and_unref(DEVICE(child_b), &error_abort));
    assert_true(qdev_realize_and_unref(DEVICE(parent), &error_abort));
    object_unref(OBJECT(unrealized));

    reset_log[0] = '\0';
    qdev_reset_all(board);
    assert_string_equal(reset_log, "2 3 1");
    assert_int_equal(unrealized->reset_count, 0);
    object_unparent(board);
}

static void test_device_help(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    qdev_print_device_help(out);
    fclose(out);
    assert_non_null(strstr(text, "test-dev  (a device for unit tests)\n"));
    assert_null(strstr(text, "test-hidden-dev"));
    assert_null(strstr(text, "sys-bus-device"));
    free(text);
}

static void test_id_property(void **state)
{
    DeviceState *dev = qdev_new(TYPE_TEST_DEV);

    assert_null(dev->id);
    assert_true(object_property_parse(OBJECT(dev), "id", "d0", &error_abort));
    assert_string_equal(dev->id, "d0");
    object_unref(OBJECT(dev));
}

static void irq_counter(void *opaque, int n, int level)
{
    *(int *)opaque = level;
}

static void test_sysbus_mapping(void **state)
{
    int level = -1;
    IRQState *line = irq_new(irq_counter, &level, 0);
    DeviceState *dev = sysbus_create_simple(TYPE_TEST_SYSBUS, 0x10000000, line, &error_abort);
    SysBusDevice *sbd = SYS_BUS_DEVICE(dev);
    TestSysBus *s = TEST_SYSBUS(dev);

    assert_true(dev->realized);
    assert_int_equal(sbd->num_mmio, 1);
    assert_int_equal(sbd->num_irq, 1);
    assert_ptr_equal(sysbus_mmio_get_region(sbd, 0), &s->mmio);
    assert_int_equal(sbd->mmio[0].addr, 0x10000000);
    assert_ptr_equal(s->mmio.container, get_system_memory());
    assert_int_equal(s->mmio.addr, 0x10000000);

    assert_ptr_equal(s->irq, line);
    irq_raise(s->irq);
    assert_int_equal(level, 1);
    sysbus_connect_irq(sbd, 0, NULL);
    irq_lower(s->irq);
    assert_int_equal(level, 1);

    /* Moving the region replaces the old mapping. */
    sysbus_mmio_map(sbd, 0, 0x20000000);
    assert_int_equal(s->mmio.addr, 0x20000000);
    assert_ptr_equal(s->mmio.container, get_system_memory());
    memory_region_del_subregion(get_system_memory(), &s->mmio);
    irq_free(line);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_realize_once),
        cmocka_unit_test(test_realize_failure),
        cmocka_unit_test(test_realize_keeps_parent),
        cmocka_unit_test(test_gpio_wiring),
        cmocka_unit_test(test_irq_lines),
        cmocka_unit_test(test_reset_children_first),
        cmocka_unit_test(test_device_help),
        cmocka_unit_test(test_id_property),
        cmocka_unit_test(test_int_property_width),
        cmocka_unit_test(test_sysbus_mapping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Last in the file: clang-format would indent whatever followed the macro. */
type_init(test_register_types)
