/*
 * Unit tests for the softmmu TLB's flushes (accel/tcg/cputlb.c): the first flush of a
 * zeroed table leaves it as allocated (issue 7: no 128 KiB memset at start-up) yet no
 * access hits it, page 0 and accesses wrapping around the address space included, a
 * flush after a fill drops the entry, and a full flush leaves the modes never filled alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "accel/tcg/cputlb.h"
#include "system/memory.h"
#include "target/riscv/cpu.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (64 * KiB)

static MemoryRegion ram;
static RISCVCPU *cpu;

static int group_setup(void **state)
{
    assert_true(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    return 0;
}

static int setup(void **state)
{
    cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    riscv_cpu_reset(cpu); /* M-mode, and the first tlb_flush */
    return 0;
}

static int teardown(void **state)
{
    object_unref(OBJECT(cpu));
    return 0;
}

/* True if an access of size bytes at va would take a fast path of mode mmu_idx. */
static bool hits(int mmu_idx, uint64_t va, unsigned size)
{
    CPUTLBEntry *e = tlb_entry(&cpu->tlb, mmu_idx, va);
    uint64_t page = (va + size - 1) & TARGET_PAGE_MASK;

    return e->addr_read == page || e->addr_write == page || e->addr_code == page;
}

static void test_first_flush_keeps_zeroed_table(void **state)
{
    for (int m = 0; m < CPU_TLB_NB_MODES; m++) {
        /* Untouched: the pages of a fresh table are never faulted in by the flush. */
        for (int i = 1; i < CPU_TLB_SIZE - 1; i++) {
            assert_int_equal(cpu->tlb.table[m][i].addr_read, 0);
            assert_int_equal(cpu->tlb.table[m][i].addr_write, 0);
        }
        /* ... and still empty: no page, no size, no wrap-around hits. */
        for (int i = 0; i < CPU_TLB_SIZE; i++) {
            for (unsigned size = 1; size <= 8; size *= 2) {
                assert_false(hits(m, (uint64_t)i << TARGET_PAGE_BITS, size));
                assert_false(hits(m, ((uint64_t)i << TARGET_PAGE_BITS) + 4096 - size, size));
            }
        }
        assert_false(hits(m, 0, 1));
        assert_false(hits(m, ~0ULL - 3, 8)); /* last byte in page 0 */
        assert_false(hits(m, ~0ULL, 2));
    }
}

static void test_flush_drops_filled_entry(void **state)
{
    CPUState *cs = &cpu->parent_obj;
    int mmu_idx = riscv_cpu_mmu_index(&cpu->env, false);
    uint64_t val, tval;

    memcpy(ram.ram_ptr + 0x1000, "\x11\x22\x33\x44", 4);
    assert_int_equal(tlb_load_slow(cs, RAM_BASE + 0x1000, 4, mmu_idx, &val, &tval), TCG_EXCP_NONE);
    assert_int_equal(val, 0x44332211);
    assert_true(hits(mmu_idx, RAM_BASE + 0x1000, 4));

    tlb_flush(cs);
    assert_false(hits(mmu_idx, RAM_BASE + 0x1000, 4));
    tlb_flush(cs); /* nothing filled since: nothing to do, still empty */
    assert_false(hits(mmu_idx, RAM_BASE + 0x1000, 4));

    assert_int_equal(tlb_load_slow(cs, RAM_BASE + 0x1000, 4, mmu_idx, &val, &tval), TCG_EXCP_NONE);
    tlb_flush_by_mmuidx(cs, 1u << mmu_idx);
    assert_false(hits(mmu_idx, RAM_BASE + 0x1000, 4));
    riscv_cpu_reset(cpu); /* a reset after a fill empties the TLB too */
    assert_int_equal(tlb_load_slow(cs, RAM_BASE + 0x1000, 4, mmu_idx, &val, &tval), TCG_EXCP_NONE);
    riscv_cpu_reset(cpu);
    assert_false(hits(mmu_idx, RAM_BASE + 0x1000, 4));
}

/* A full flush clears the modes filled since their last flush only: the others' table pages
 * stay as allocated (a RISC-V boot fills 4 of the 14), and no access hits them either. */
static void test_flush_spares_unfilled_modes(void **state)
{
    CPUState *cs = &cpu->parent_obj;
    int mmu_idx = riscv_cpu_mmu_index(&cpu->env, false);
    int other = MMU_IDX_VS;
    uint64_t val, tval;

    assert_int_not_equal(mmu_idx, other);
    assert_int_equal(tlb_load_slow(cs, RAM_BASE + 0x2000, 4, mmu_idx, &val, &tval), TCG_EXCP_NONE);
    tlb_flush(cs);
    assert_false(hits(mmu_idx, RAM_BASE + 0x2000, 4));
    assert_int_equal(cpu->tlb.table[mmu_idx][CPU_TLB_SIZE / 2].addr_read, TLB_INVALID);
    for (int i = 1; i < CPU_TLB_SIZE - 1; i++) {
        assert_int_equal(cpu->tlb.table[other][i].addr_read, 0);
        assert_int_equal(cpu->tlb.table[other][i].addr_code, 0);
    }
    assert_false(hits(other, 0, 1));
    assert_false(hits(other, ~0ULL, 2));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_first_flush_keeps_zeroed_table),
        T(test_flush_drops_filled_entry),
        T(test_flush_spares_unfilled_modes),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
