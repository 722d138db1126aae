/*
 * CPUID of the models against QEMU 7.2: the expected leaves below are what
 * qemu-system-x86_64 7.2 (TCG, -M q35) answered to a multiboot program that
 * ran cpuid for each (leaf, subleaf) and printed EAX EBX ECX EDX, for
 * "-cpu qemu64", "-cpu Nehalem" and "-cpu qemu64,+popcnt,-sse3,+xsave,
 * +xsaveopt,+fsgsbase,+rdrand,+movbe" (the last through the same feature
 * properties "-cpu" sets). Then the gates those bits control.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "system/memory.h"
#include "target/i386/cpu.h"

typedef struct Leaf {
    uint32_t leaf, sub, r[4];
} Leaf;

static const Leaf qemu64[] = {
    {0, 0, {0x0000000d, 0x68747541, 0x444d4163, 0x69746e65}},
    {1, 0, {0x00060fb1, 0x00000800, 0x80002001, 0x078bfbfd}},
    {2, 0, {0}},
    {4, 0, {0}},
    {5, 0, {0, 0, 3, 0}},
    {6, 0, {0}},
    {7, 0, {0}},
    {7, 1, {0}},
    {0xa, 0, {0}},
    {0xb, 0, {0, 1, 0x100, 0}},
    {0xd, 0, {0}},
    {0xd, 1, {0}},
    {0x40000000, 0, {0x40000001, 0x54474354, 0x43544743, 0x47435447}},
    {0x80000000, 0, {0x8000000a, 0x68747541, 0x444d4163, 0x69746e65}},
    {0x80000001, 0, {0x00060fb1, 0, 0x00000005, 0x2193fbfd}},
    {0x80000005, 0, {0x01ff01ff, 0x01ff01ff, 0x40020140, 0x40020140}},
    {0x80000006, 0, {0, 0x42004200, 0x02008140, 0x00808140}},
    {0x80000007, 0, {0}},
    {0x80000008, 0, {0x3028, 0, 0, 0}},
    {0x8000000a, 0, {1, 0x10, 0, 0}},
    {0x14, 0, {0}},
};

static const Leaf nehalem[] = {
    {0, 0, {0x0000000b, 0x756e6547, 0x6c65746e, 0x49656e69}},
    {1, 0, {0x000106a3, 0x00000800, 0x80982201, 0x078bfbfd}},
    {2, 0, {0x00000001, 0, 0x0000004d, 0x002c307d}},
    {4, 0, {0x00000121, 0x01c0003f, 0x0000003f, 0x00000001}},
    {5, 0, {0, 0, 3, 0}},
    {7, 0, {0}},
    {0xb, 0, {0, 1, 0x100, 0}},
    {0xd, 0, {0, 1, 0x100, 0}}, /* past the last leaf: leaf 0xb's answer */
    {0x80000000, 0, {0x80000008, 0x756e6547, 0x6c65746e, 0x49656e69}},
    {0x80000001, 0, {0x000106a3, 0, 0x00000001, 0x20100800}},
    {0x80000008, 0, {0x3028, 0, 0, 0}},
    {0x8000000a, 0, {0, 1, 0x100, 0}},
};

static const Leaf edited[] = {
    {1, 0, {0x00060fb1, 0x00000800, 0xc4c02000, 0x078bfbfd}},
    {7, 0, {0, 1, 0, 0}},
    {0xd, 0, {3, 0x240, 0x240, 0}},
    {0xd, 1, {1, 0x240, 0, 0}},
    {0xd, 2, {0}},
    {0x80000001, 0, {0x00060fb1, 0, 0x00000005, 0x2193fbfd}},
};

static void check_leaves(X86CPU *cpu, const Leaf *l, size_t n, const char *model)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t out[4];
        x86_cpuid(cpu, l[i].leaf, l[i].sub, out);
        if (memcmp(out, l[i].r, sizeof(out))) {
            fail_msg("%s leaf %x.%x: %08x %08x %08x %08x, QEMU %08x %08x %08x %08x", model,
                     l[i].leaf, l[i].sub, out[0], out[1], out[2], out[3], l[i].r[0], l[i].r[1],
                     l[i].r[2], l[i].r[3]);
        }
    }
}

static void test_qemu64(void **state)
{
    X86CPU *cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    check_leaves(cpu, qemu64, ARRAY_SIZE(qemu64), "qemu64");
}

static void test_nehalem(void **state)
{
    X86CPU *cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("Nehalem")));
    check_leaves(cpu, nehalem, ARRAY_SIZE(nehalem), "Nehalem");
}

static void test_feature_edits(void **state)
{
    static const char *const on[] = {"popcnt", "xsave", "xsaveopt", "fsgsbase", "rdrand", "movbe"};
    X86CPU *cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    Error *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
        assert_true(object_property_parse(OBJECT(cpu), on[i], "on", &err));
    }
    assert_true(object_property_parse(OBJECT(cpu), "sse3", "off", &err));
    check_leaves(cpu, edited, ARRAY_SIZE(edited), "qemu64+edits");
    /* the alias follows its twin */
    assert_true(object_property_parse(OBJECT(cpu), "sse4.2", "on", &err));
    assert_true(object_property_get_bool(OBJECT(cpu), "sse4_2", &err));
    assert_false(object_property_parse(OBJECT(cpu), "sse4.2", "maybe", &err));
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu64),
        cmocka_unit_test(test_nehalem),
        cmocka_unit_test(test_feature_edits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
