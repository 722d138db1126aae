/*
 * The KVM accelerator's pure parts (no /dev/kvm needed): the memory slots a flat view calls
 * for (RAM and ROM become slots, MMIO does not, neighbours of one mapping merge, ROM is
 * read-only, partial pages and host memory off the page grid are left to MMIO exits) and the
 * cached-descriptor conversion to KVM's struct kvm_segment and back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "system/kvm.h"
#include "target/i386/kvm.h"

static uint8_t ram_host[64 * 4096] __attribute__((aligned(4096)));
static uint8_t rom_host[16 * 4096] __attribute__((aligned(4096)));

static void slots_of_a_pc_like_map(void **state)
{
    MemoryRegion ram = {.type = MR_RAM, .size = sizeof(ram_host), .ram_ptr = ram_host};
    MemoryRegion rom = {.type = MR_ROM, .size = sizeof(rom_host), .ram_ptr = rom_host};
    MemoryRegion io = {.type = MR_IO, .size = 0x1000};
    FlatRange ranges[] = {
        /* RAM split around a hole, then an MMIO page, then the rest of RAM contiguous */
        {.addr = 0, .size = 8 * 4096, .mr = &ram, .offset_in_region = 0},
        {.addr = 8 * 4096, .size = 8 * 4096, .mr = &ram, .offset_in_region = 8 * 4096},
        {.addr = 16 * 4096, .size = 0x1000, .mr = &io},
        {.addr = 17 * 4096, .size = 4 * 4096, .mr = &ram, .offset_in_region = 17 * 4096},
        /* a ROM that starts mid-page: only its whole pages become a slot */
        {.addr = 0x100000 + 0x800, .size = 4 * 4096, .mr = &rom, .offset_in_region = 0x800},
        /* the same pages seen off the host's page grid: no slot */
        {.addr = 0x200000, .size = 4 * 4096, .mr = &rom, .offset_in_region = 0x800},
    };
    FlatView view = {.ranges = ranges, .nr = 6};
    KVMSlotDesc s[8];

    int n = kvm_slots_from_flatview(&view, s, 8);
    assert_int_equal(n, 3);
    /* the first two RAM ranges are one mapping: merged */
    assert_int_equal(s[0].gpa, 0);
    assert_int_equal(s[0].size, 16 * 4096);
    assert_ptr_equal(s[0].host, ram_host);
    assert_false(s[0].readonly);
    assert_int_equal(s[1].gpa, 17 * 4096);
    assert_ptr_equal(s[1].host, ram_host + 17 * 4096);
    assert_int_equal(s[2].gpa, 0x101000);
    assert_int_equal(s[2].size, 3 * 4096);
    assert_ptr_equal(s[2].host, rom_host + 0x1000);
    assert_true(s[2].readonly);
    /* too few slots: -1, never a write past the end */
    assert_int_equal(kvm_slots_from_flatview(&view, s, 2), -1);
}

static void segments_round_trip(void **state)
{
    /* a 64-bit ring-0 code segment and a 32-bit ring-3 data segment */
    SegmentCache in[] = {
        {.selector = 0x10,
         .base = 0,
         .limit = 0xffffffff,
         .flags = DESC_P_MASK | DESC_S_MASK | DESC_CS_MASK | DESC_W_MASK | DESC_A_MASK |
                  DESC_L_MASK | DESC_G_MASK},
        {.selector = 0x2b,
         .base = 0x12345000,
         .limit = 0xfffff,
         .flags = DESC_P_MASK | DESC_S_MASK | DESC_W_MASK | (3 << DESC_DPL_SHIFT) | DESC_B_MASK},
        {.selector = 0, .base = 0, .limit = 0, .flags = 0}, /* null: unusable */
    };
    struct kvm_segment k;

    x86_kvm_seg_from_cache(&k, &in[0]);
    assert_int_equal(k.type, 0xb);
    assert_true(k.s && k.present && k.l && k.g);
    assert_false(k.db || k.unusable);
    assert_int_equal(k.dpl, 0);
    x86_kvm_seg_from_cache(&k, &in[1]);
    assert_int_equal(k.type, 0x2);
    assert_int_equal(k.dpl, 3);
    assert_true(k.db);
    x86_kvm_seg_from_cache(&k, &in[2]);
    assert_true(k.unusable);
    for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
        SegmentCache out;
        x86_kvm_seg_from_cache(&k, &in[i]);
        x86_kvm_seg_to_cache(&out, &k);
        assert_int_equal(out.selector, in[i].selector);
        assert_int_equal(out.base, in[i].base);
        assert_int_equal(out.limit, in[i].limit);
        assert_int_equal(out.flags, in[i].flags);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slots_of_a_pc_like_map),
        cmocka_unit_test(segments_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
