/*
 * Unit tests for the in-memory device tree (system/device_tree.c): the same calls made on
 * a DeviceTree and through libfdt's read-write API on a blob give the same tree (nodes,
 * properties, their order), the flattened blob passes fdt_check_full() and stays writable
 * by libfdt, properties are replaced in place, lookups by path (with or without the unit
 * address), duplicate names and bad nodes fail with libfdt's codes, and phandles are
 * generated past the largest one set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "test-fdt.h"

/* One step of a build script, applied to both trees. */
typedef struct Step {
    const char *parent; /* path of the node to add to */
    const char *node;   /* subnode to add, or NULL to set a property */
    const char *prop;
    const char *value;
} Step;

static const Step script[] = {
    {"/", NULL, "#address-cells", "2"},
    {"/", NULL, "compatible", "riscv-virtio"},
    {"/", "soc", NULL, NULL},
    {"/soc", NULL, "ranges", ""},
    {"/", "cpus", NULL, NULL},
    {"/cpus", "cpu@0", NULL, NULL},
    {"/cpus", "cpu@1", NULL, NULL},
    {"/cpus/cpu@1", NULL, "reg", "1"},
    {"/cpus/cpu@0", NULL, "reg", "0"},
    {"/soc", "serial@10000000", NULL, NULL},
    {"/soc/serial@10000000", NULL, "compatible", "ns16550a"},
    {"/", "chosen", NULL, NULL},
    {"/soc", "rtc@101000", NULL, NULL},
    {"/chosen", NULL, "stdout-path", "/soc/serial@10000000"},
    {"/soc/serial@10000000", NULL, "compatible", "replaced, same place"},
    {"/", NULL, "#address-cells", "a longer value than before"},
};

static void build_dt(DeviceTree *dt, const Step *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int parent = dt_path_offset(dt, s[i].parent);

        assert_true(parent >= 0);
        if (s[i].node) {
            assert_true(dt_add_subnode(dt, parent, s[i].node) >= 0);
        } else {
            assert_int_equal(dt_setprop(dt, parent, s[i].prop, s[i].value, strlen(s[i].value)), 0);
        }
    }
}

static void build_libfdt(void *fdt, int size, const Step *s, size_t n)
{
    assert_int_equal(fdt_create_empty_tree(fdt, size), 0);
    for (size_t i = 0; i < n; i++) {
        int parent = fdt_path_offset(fdt, s[i].parent);

        assert_true(parent >= 0);
        if (s[i].node) {
            assert_true(fdt_add_subnode(fdt, parent, s[i].node) >= 0);
        } else {
            assert_int_equal(fdt_setprop(fdt, parent, s[i].prop, s[i].value, strlen(s[i].value)),
                             0);
        }
    }
}

/* The subtrees at a and b list the same nodes and properties in the same order. */
static void assert_same_tree(const void *a, int na, const void *b, int nb)
{
    int pa, pb, ca, cb;

    assert_string_equal(fdt_get_name(a, na, NULL), fdt_get_name(b, nb, NULL));
    pa = fdt_first_property_offset(a, na);
    pb = fdt_first_property_offset(b, nb);
    while (pa >= 0 && pb >= 0) {
        const char *name_a, *name_b;
        int len_a, len_b;
        const void *va = fdt_getprop_by_offset(a, pa, &name_a, &len_a);
        const void *vb = fdt_getprop_by_offset(b, pb, &name_b, &len_b);

        assert_string_equal(name_a, name_b);
        assert_int_equal(len_a, len_b);
        assert_memory_equal(va, vb, len_a ? len_a : 1);
        pa = fdt_next_property_offset(a, pa);
        pb = fdt_next_property_offset(b, pb);
    }
    assert_int_equal(pa, -FDT_ERR_NOTFOUND);
    assert_int_equal(pb, -FDT_ERR_NOTFOUND);
    ca = fdt_first_subnode(a, na);
    cb = fdt_first_subnode(b, nb);
    while (ca >= 0 && cb >= 0) {
        assert_same_tree(a, ca, b, cb);
        ca = fdt_next_subnode(a, ca);
        cb = fdt_next_subnode(b, cb);
    }
    assert_int_equal(ca, -FDT_ERR_NOTFOUND);
    assert_int_equal(cb, -FDT_ERR_NOTFOUND);
}

static void test_same_tree_as_libfdt(void **state)
{
    static char ref[8192];
    DeviceTree *dt = dt_new();
    char *fdt;

    build_dt(dt, script, ARRAY_SIZE(script));
    build_libfdt(ref, sizeof(ref), script, ARRAY_SIZE(script));
    fdt = test_fdt_flatten(dt);
    assert_same_tree(ref, 0, fdt, 0);
    assert_string_equal(
        fdt_getprop(fdt, fdt_path_offset(fdt, "/soc/serial@10000000"), "compatible", NULL),
        "replaced, same place");
    free(fdt);
}

/* Past the first sizes of every array and of the property-name hash. */
static void test_large_tree_as_libfdt(void **state)
{
    enum { NODES = 300, PROPS = 3 };
    static Step steps[NODES * (PROPS + 1)];
    static char names[NODES][24], props[NODES * PROPS][24], paths[NODES][32];
    static char ref[256 * 1024];
    DeviceTree *dt = dt_new();
    size_t n = 0;
    char *fdt;

    for (int i = 0; i < NODES; i++) {
        snprintf(names[i], sizeof(names[i]), "node@%x", i);
        snprintf(paths[i], sizeof(paths[i]), "/node@%x", i);
        steps[n++] = (Step){"/", names[i], NULL, NULL};
        for (int j = 0; j < PROPS; j++) {
            char *p = props[i * PROPS + j];

            snprintf(p, sizeof(props[0]), "prop-%d", (i * PROPS + j) % 200);
            steps[n++] = (Step){paths[i], NULL, p, names[(i + j) % NODES]};
        }
    }
    build_dt(dt, steps, n);
    build_libfdt(ref, sizeof(ref), steps, n);
    fdt = test_fdt_flatten(dt);
    assert_same_tree(ref, 0, fdt, 0);
    free(fdt);
}

static void test_lookups_and_errors(void **state)
{
    DeviceTree *dt = dt_new();
    int soc = dt_add_subnode(dt, 0, "soc");
    int test = dt_add_subnode(dt, soc, "test@100000");
    int other = dt_add_subnode(dt, 0, "other");
    int len;

    assert_int_equal(dt_path_offset(dt, "/"), 0);
    assert_string_equal(dt_get_name(dt, 0), "");
    assert_int_equal(dt_path_offset(dt, "/soc/test@100000"), test);
    assert_int_equal(dt_path_offset(dt, "/soc/test"), test); /* without the unit address */
    assert_int_equal(dt_path_offset(dt, "//soc//test@100000/"), test);
    assert_int_equal(dt_path_offset(dt, "/soc/test@200000"), -FDT_ERR_NOTFOUND);
    assert_int_equal(dt_path_offset(dt, "/soc/tes"), -FDT_ERR_NOTFOUND);
    assert_int_equal(dt_path_offset(dt, "soc"), -FDT_ERR_BADPATH);
    assert_int_equal(dt_add_subnode(dt, soc, "test@100000"), -FDT_ERR_EXISTS);
    assert_int_equal(dt_add_subnode(dt, 99, "x"), -FDT_ERR_BADOFFSET);
    assert_int_equal(dt_add_subnode(dt, -FDT_ERR_NOTFOUND, "x"), -FDT_ERR_NOTFOUND);
    assert_int_equal(dt_setprop_u32(dt, 99, "x", 1), -FDT_ERR_BADOFFSET);
    assert_null(dt_get_name(dt, 99));
    /* Nodes keep their numbers as others are added in front of them. */
    assert_string_equal(dt_get_name(dt, soc), "soc");
    assert_int_equal(dt_first_subnode(dt, 0), other);
    assert_int_equal(dt_first_subnode(dt, test), -FDT_ERR_NOTFOUND);
    assert_null(dt_getprop(dt, test, "reg", &len));
    assert_int_equal(len, -FDT_ERR_NOTFOUND);
    assert_int_equal(dt_setprop_empty(dt, test, "interrupt-controller"), 0);
    assert_non_null(dt_getprop(dt, test, "interrupt-controller", &len));
    assert_int_equal(len, 0);
    assert_int_equal(dt_setprop_u64(dt, test, "reg", 0x1122334455667788ull), 0);
    assert_int_equal(fdt64_ld(dt_getprop(dt, test, "reg", &len)), 0x1122334455667788ull);
    assert_int_equal(len, 8);
    dt_free(dt);
}

static void test_phandles(void **state)
{
    DeviceTree *dt = dt_new();
    int a = dt_add_subnode(dt, 0, "a"), b = dt_add_subnode(dt, 0, "b");
    uint32_t phandle;

    assert_int_equal(dt_generate_phandle(dt, &phandle), 0);
    assert_int_equal(phandle, 1);
    assert_int_equal(dt_setprop_u32(dt, a, "phandle", 7), 0);
    assert_int_equal(dt_setprop_u32(dt, b, "phandle", 3), 0);
    assert_int_equal(dt_setprop_u32(dt, b, "not-a-phandle", 100), 0);
    assert_int_equal(dt_generate_phandle(dt, &phandle), 0);
    assert_int_equal(phandle, 8);
    assert_int_equal(dt_setprop_u32(dt, b, "phandle", FDT_MAX_PHANDLE), 0);
    assert_int_equal(dt_generate_phandle(dt, &phandle), -FDT_ERR_NOPHANDLES);
    dt_free(dt);
}

/* The room asked for is free space libfdt can write into; fdt_pack() gives it back. */
static void test_flattened_is_writable(void **state)
{
    DeviceTree *dt = dt_new();
    int chosen = dt_add_subnode(dt, 0, "chosen");
    size_t exact;
    char *fdt;

    assert_int_equal(dt_setprop_string(dt, chosen, "stdout-path", "/soc/serial"), 0);
    fdt = dt_to_fdt(dt, 0, &error_abort);
    exact = fdt_totalsize(fdt);
    free(fdt);
    fdt = dt_to_fdt(dt, 512, &error_abort);
    dt_free(dt);
    assert_int_equal(fdt_totalsize(fdt), exact + 512);
    assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
    assert_int_equal(fdt_version(fdt), 17);
    assert_int_equal(fdt_num_mem_rsv(fdt), 0);
    chosen = fdt_path_offset(fdt, "/chosen");
    assert_int_equal(fdt_setprop_string(fdt, chosen, "bootargs", "console=ttyS0"), 0);
    assert_int_equal(fdt_pack(fdt), 0);
    assert_true(fdt_totalsize(fdt) < exact + 512);
    assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
    assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", NULL),
                        "console=ttyS0");
    assert_string_equal(fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "stdout-path", NULL),
                        "/soc/serial");
    free(fdt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_tree_as_libfdt),   cmocka_unit_test(test_large_tree_as_libfdt),
        cmocka_unit_test(test_lookups_and_errors),    cmocka_unit_test(test_phandles),
        cmocka_unit_test(test_flattened_is_writable),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
