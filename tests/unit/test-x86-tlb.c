/*
 * The x86 hart's TLB flush rules (target/i386/tlb.c, SDM Vol. 3A 4.10.4): a
 * translation stays cached after its entry changes in memory until a flush
 * the architecture names drops it. mov to CR3 drops non-global pages only
 * (while CR4.PGE is set), invlpg drops a page global or not, clearing
 * CR4.PGE drops global pages, a CR0.WP change re-checks cached write rights;
 * bit 63 of a CR3 write under CR4.PCIDE is not stored. Also the accessed and
 * dirty bits: a read sets A, the first write after it D.
 *
 * The hart is put in long mode with 4-level paging by setting its registers;
 * PML4 0x10000 → PDPT 0x11000 → PD 0x12000 → PT 0x13000 (VA 0..2 MiB in 4 KiB
 * pages, identity below 1 MiB, test pages at VA 0x100000 and 0x101000).
 *
 * Fetches have tables of their own (X86_MMU_CODE): a data access never evicts
 * a code page's entry, and the flushes drop fetch entries too.
 *
 * And the memory side of running without the BQL: two harts on two threads
 * increment one word with lock inc, which must lose no update.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "accel/tcg/cputlb.h"
#include "accel/tcg/tcg-cpu-ops.h"
#include "system/memory.h"
#include "target/i386/cpu.h"

#define RAM_SIZE (4 * MiB)
enum { PG_P = 1, PG_RW = 2, PG_A = 0x20, PG_D = 0x40, PG_G = 0x100 };
#define PT 0x13000
#define VA_A 0x100000 /* PT index 0x100 */
#define VA_B 0x101000 /* PT index 0x101 */

static MemoryRegion ram;
static X86CPU *cpu;

static uint64_t *ram_q(hwaddr a)
{
    return (uint64_t *)(ram.ram_ptr + a);
}

static void set_pte(uint64_t va, uint64_t val)
{
    *ram_q(PT + ((va >> 12) & 511) * 8) = val;
}

static uint64_t pte(uint64_t va)
{
    return *ram_q(PT + ((va >> 12) & 511) * 8);
}

static CPUX86State *long_mode(uint64_t cr4_extra)
{
    CPUX86State *env = &cpu->env;

    memset(ram.ram_ptr, 0, RAM_SIZE);
    x86_cpu_reset(cpu);
    *ram_q(0x10000) = 0x11000 | PG_P | PG_RW;
    *ram_q(0x11000) = 0x12000 | PG_P | PG_RW;
    *ram_q(0x12000) = PT | PG_P | PG_RW;
    for (int i = 0; i < 256; i++) {
        *ram_q(PT + i * 8) = (i << 12) | PG_P | PG_RW;
    }
    *ram_q(0x200000) = 0xaaaa;
    *ram_q(0x201000) = 0xbbbb;
    *ram_q(0x202000) = 0xcccc;
    env->segs[R_CS].flags |= DESC_L_MASK;
    env->efer = EFER_LME | EFER_LMA | EFER_NXE;
    env->cr[3] = 0x10000;
    env->cr[4] = CR4_PAE | cr4_extra;
    env->cr[0] = CR0_PE | CR0_PG | CR0_ET;
    x86_tlb_flush_all(cpu); /* the registers were set behind its back */
    return env;
}

static uint64_t rd(uint64_t va)
{
    uint64_t v = 0;
    assert_int_equal(x86_read_linear(&cpu->env, va, 8, &v), X86_EXCP_NONE);
    return v;
}

static void test_cr3_write_keeps_global_pages(void **state)
{
    CPUX86State *env = long_mode(CR4_PGE);

    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    set_pte(VA_B, 0x201000 | PG_P | PG_RW | PG_G);
    assert_int_equal(rd(VA_A), 0xaaaa);
    assert_int_equal(rd(VA_B), 0xbbbb);
    set_pte(VA_A, 0x202000 | PG_P | PG_RW);
    set_pte(VA_B, 0x202000 | PG_P | PG_RW | PG_G);
    assert_int_equal(rd(VA_A), 0xaaaa); /* cached: nothing flushed yet */
    assert_int_equal(rd(VA_B), 0xbbbb);
    assert_int_equal(x86_write_cr(env, 3, 0x10000), X86_EXCP_NONE);
    assert_int_equal(rd(VA_A), 0xcccc); /* dropped */
    assert_int_equal(rd(VA_B), 0xbbbb); /* global: kept */
    x86_tlb_flush_page(cpu, VA_B);      /* invlpg */
    assert_int_equal(rd(VA_B), 0xcccc);
}

/*
 * Pages 2 MiB apart share an entry of the direct-mapped TLB; the one a fill pushes out
 * stays cached as a victim (accel/tcg/cputlb.c), under the same flush rules: a mov to CR3
 * drops it unless global, invlpg drops it. PT2 maps VA 2..4 MiB: 0x300000 and 0x301000
 * share the entries of VA_A and VA_B.
 */
static void test_victim_entries_follow_flush_rules(void **state)
{
    CPUX86State *env = long_mode(CR4_PGE);

    *ram_q(0x12008) = 0x14000 | PG_P | PG_RW;
    *ram_q(0x14000 + 0x100 * 8) = 0x203000 | PG_P | PG_RW;
    *ram_q(0x14000 + 0x101 * 8) = 0x203000 | PG_P | PG_RW;
    *ram_q(0x203000) = 0xdddd;
    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    set_pte(VA_B, 0x201000 | PG_P | PG_RW | PG_G);
    assert_int_equal(rd(VA_A), 0xaaaa);
    assert_int_equal(rd(VA_B), 0xbbbb);
    assert_int_equal(rd(0x300000), 0xdddd); /* VA_A's entry: now a victim */
    assert_int_equal(rd(0x301000), 0xdddd);
    set_pte(VA_A, 0x202000 | PG_P | PG_RW);
    set_pte(VA_B, 0x202000 | PG_P | PG_RW | PG_G);
    assert_int_equal(rd(VA_A), 0xaaaa); /* still cached, as a victim: no walk */
    assert_int_equal(rd(0x301000), 0xdddd);
    assert_int_equal(x86_write_cr(env, 3, 0x10000), X86_EXCP_NONE);
    assert_int_equal(rd(VA_A), 0xcccc); /* dropped */
    assert_int_equal(rd(VA_B), 0xbbbb); /* global: kept, as a victim */
    assert_int_equal(rd(0x301000), 0xdddd);
    x86_tlb_flush_page(cpu, VA_B); /* invlpg, VA_B a victim again */
    assert_int_equal(rd(VA_B), 0xcccc);
}

/*
 * A new hart's TLB is zeroed memory, not TLB_INVALID tags: its first fills must not keep
 * those entries as victims, whose zero tag and addend would map page 0 to host address 0
 * (a read of page 0 then crashed the emulator; found by make fuzz-jit-x86).
 */
static void test_zeroed_entries_are_no_victims(void **state)
{
    X86CPU *shared = cpu;

    cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    cpu->as = address_space_memory();
    long_mode(0);
    *ram_q(0x100) = 0x1234;
    for (uint64_t va = 0x40000; va < 0x50000; va += 4096) {
        assert_int_equal(rd(va), 0); /* fills over zeroed entries */
    }
    assert_int_equal(rd(0x100), 0x1234); /* page 0, identity-mapped: a walk, no victim */
    object_unref(OBJECT(cpu));
    cpu = shared;
}

/* Is VA_A's page in the table of the running context's fetches? */
static bool code_entry_cached(void)
{
    CPUTLB *tlb = &cpu->tlb;

    return tlb_entry(tlb, tlb->code_mmu_idx, VA_A)->addr_code == VA_A;
}

/*
 * Fetches through their own table: data reads of ten pages sharing VA_A's entry (PD entries
 * 1..10 all point at PT2: VA_A + k * 2 MiB), more than the victims hold, leave the code
 * entry of VA_A; a mov to CR3 and invlpg drop it as they drop data entries; a user fetch
 * is checked with user rights.
 */
static void test_fetch_entries_apart_from_data(void **state)
{
    CPUX86State *env = long_mode(0);
    CPUState *cs = CPU(cpu);
    const uint8_t *host;
    hwaddr phys;

    for (int k = 1; k <= 10; k++) {
        *ram_q(0x12000 + k * 8) = 0x14000 | PG_P | PG_RW;
    }
    *ram_q(0x14000 + 0x100 * 8) = 0x203000 | PG_P | PG_RW;
    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    cs->tcg_ops->update_mmu_idx(cs);
    assert_int_not_equal(cpu->tlb.code_mmu_idx, cpu->tlb.data_mmu_idx);
    assert_int_equal(tlb_translate_code(cs, VA_A + 8, &phys, &host), X86_EXCP_NONE);
    assert_int_equal(phys, 0x200008);
    for (int k = 1; k <= 10; k++) {
        assert_int_equal(rd(VA_A + k * 2 * MiB), 0);
    }
    assert_true(code_entry_cached());
    assert_int_equal(x86_write_cr(env, 3, 0x10000), X86_EXCP_NONE);
    assert_false(code_entry_cached());
    assert_int_equal(tlb_translate_code(cs, VA_A, &phys, &host), X86_EXCP_NONE);
    assert_true(code_entry_cached());
    x86_tlb_flush_page(cpu, VA_A);
    assert_false(code_entry_cached());
    /* The fetch table of user code carries user rights: a supervisor page faults (U/S). */
    env->segs[R_CS].selector |= 3;
    cs->tcg_ops->update_mmu_idx(cs);
    assert_int_equal(tlb_translate_code(cs, VA_A, &phys, &host), EXCP0E_PAGE);
    assert_int_equal(env->error_code, 0x15); /* present, user, fetch */
}

static void test_pge_clear_drops_global_pages(void **state)
{
    CPUX86State *env = long_mode(CR4_PGE);

    set_pte(VA_B, 0x201000 | PG_P | PG_RW | PG_G);
    assert_int_equal(rd(VA_B), 0xbbbb);
    set_pte(VA_B, 0x202000 | PG_P | PG_RW | PG_G);
    assert_int_equal(x86_write_cr(env, 4, CR4_PAE), X86_EXCP_NONE);
    assert_int_equal(rd(VA_B), 0xcccc);
}

static void test_global_bit_needs_pge(void **state)
{
    CPUX86State *env = long_mode(0);

    set_pte(VA_B, 0x201000 | PG_P | PG_RW | PG_G);
    assert_int_equal(rd(VA_B), 0xbbbb);
    set_pte(VA_B, 0x202000 | PG_P | PG_RW | PG_G);
    assert_int_equal(x86_write_cr(env, 3, 0x10000), X86_EXCP_NONE);
    assert_int_equal(rd(VA_B), 0xcccc); /* G without CR4.PGE means nothing */
}

static void test_pcid_cr3_no_flush_bit(void **state)
{
    CPUX86State *env = long_mode(CR4_PCIDE);

    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    assert_int_equal(rd(VA_A), 0xaaaa);
    set_pte(VA_A, 0x202000 | PG_P | PG_RW);
    assert_int_equal(x86_write_cr(env, 3, 0x10000 | 5 | CR3_NOFLUSH), X86_EXCP_NONE);
    assert_int_equal(env->cr[3], 0x10005); /* bit 63 is not part of CR3 */
    /* The TLB is not tagged by PCID, so PCID 5 must not see PCID 0's entries. */
    assert_int_equal(rd(VA_A), 0xcccc);
    /* Turning PCIDE on needs PCID 0 current: #GP otherwise. */
    env = long_mode(0);
    env->cr[3] = 0x10001;
    assert_int_equal(x86_write_cr(env, 4, CR4_PAE | CR4_PCIDE), EXCP0D_GPF);
}

static void test_wp_change_rechecks_write_rights(void **state)
{
    CPUX86State *env = long_mode(0);

    set_pte(VA_A, 0x200000 | PG_P | PG_A | PG_D);                            /* read-only */
    assert_int_equal(x86_write_linear(env, VA_A, 8, 0x1111), X86_EXCP_NONE); /* WP clear */
    assert_int_equal(x86_write_cr(env, 0, env->cr[0] | CR0_WP), X86_EXCP_NONE);
    assert_int_equal(x86_write_linear(env, VA_A, 8, 0x2222), EXCP0E_PAGE);
    assert_int_equal(env->error_code, 3); /* present, write, supervisor */
    assert_int_equal(env->cr[2], VA_A);
    assert_int_equal(rd(VA_A), 0x1111);
}

static void test_accessed_then_dirty(void **state)
{
    CPUX86State *env = long_mode(0);

    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    assert_int_equal(rd(VA_A), 0xaaaa);
    assert_int_equal(pte(VA_A) & (PG_A | PG_D), PG_A);
    assert_int_equal(*ram_q(0x12000) & PG_A, PG_A); /* the walk sets A above the leaf too */
    /* The read's entry grants no write: the first store comes back to set D. */
    assert_int_equal(x86_write_linear(env, VA_A, 8, 0x5555), X86_EXCP_NONE);
    assert_int_equal(pte(VA_A) & (PG_A | PG_D), PG_A | PG_D);
    assert_int_equal(*ram_q(0x200000), 0x5555);
}

static void test_reserved_and_nx(void **state)
{
    CPUX86State *env = long_mode(0);
    uint64_t v;
    hwaddr pa;

    set_pte(VA_A, 0x200000 | PG_P | PG_RW | (1ULL << 51)); /* above 40 physical bits */
    assert_int_equal(x86_read_linear(env, VA_A, 8, &v), EXCP0E_PAGE);
    assert_int_equal(env->error_code, 9); /* present + RSVD */
    set_pte(VA_B, 0x201000 | PG_P | PG_RW | (1ULL << 63));
    assert_int_equal(rd(VA_B), 0xbbbb);
    assert_int_equal(x86_translate(env, VA_B, MMU_INST_FETCH, &pa), EXCP0E_PAGE);
    assert_int_equal(env->error_code, 0x11); /* present + I/D */
    env->efer &= ~(uint64_t)EFER_NXE;        /* the XD bit is now reserved */
    assert_int_equal(x86_translate(env, VA_B, MMU_DATA_LOAD, &pa), EXCP0E_PAGE);
    assert_int_equal(env->error_code, 9);
}

/*
 * x86_probe_mem, the one probe of string instructions and stores that must not fault
 * halfway: an access across two pages is checked on both (the second one's fault, with A and
 * D set on the first as the store would), and each page's host and physical address given.
 */
static void test_probe_both_pages(void **state)
{
    CPUX86State *env = long_mode(0);
    X86MemProbe p;

    env->cr[0] |= CR0_WP;
    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    set_pte(VA_B, 0x201000 | PG_P | PG_A | PG_D); /* read-only */
    assert_int_equal(x86_probe_mem(env, R_DS, VA_B - 4, 8, false, &p), X86_EXCP_NONE);
    assert_int_equal(p.pages, 2);
    assert_ptr_equal(p.page[0].host, ram.ram_ptr + 0x200ffc);
    assert_int_equal(p.page[1].la, VA_B);
    assert_ptr_equal(p.page[1].host, ram.ram_ptr + 0x201000);
    assert_int_equal(p.page[1].pa, 0x201000);
    assert_int_equal(x86_probe_mem(env, R_DS, VA_B - 4, 8, true, &p), EXCP0E_PAGE);
    assert_int_equal(env->cr[2], VA_B);
    assert_int_equal(env->error_code, 3); /* present, write */
    assert_int_equal(pte(VA_A) & PG_D, PG_D);
    assert_int_equal(x86_probe_mem(env, R_DS, VA_A + 8, 8, true, &p), X86_EXCP_NONE);
    assert_int_equal(p.pages, 1);
    assert_int_equal(p.page[0].pa, 0x200008);
    assert_int_equal(x86_probe_mem(env, R_DS, 1ULL << 47, 8, false, &p), EXCP0D_GPF);
    assert_int_equal(p.pages, 0);
}

/*
 * A linear access that skips x86_linear's canonical check (x86_read_linear: descriptor tables,
 * the page walk's callers) still translates, as the walk ignores bits 63:48, but its page is
 * never cached: the x86 JIT's inline probe takes a tag match as proof the address is
 * canonical (jit-mem.c, x86_jit_gen_probe), so a cached non-canonical tag would let a JIT
 * load of that address skip its #GP. Seen by changing the PTE behind the TLB's back: the
 * canonical address reads the cached frame, the non-canonical one walks again.
 */
static void test_noncanonical_never_cached(void **state)
{
    uint64_t bad = VA_A | 0x1000000000000000ULL; /* bits 63:48 not a copy of bit 47 */

    long_mode(0);
    set_pte(VA_A, 0x200000 | PG_P | PG_RW);
    assert_int_equal(rd(bad), 0xaaaa);
    assert_int_equal(rd(VA_A), 0xaaaa);
    set_pte(VA_A, 0x201000 | PG_P | PG_RW);
    assert_int_equal(rd(VA_A), 0xaaaa); /* cached */
    assert_int_equal(rd(bad), 0xbbbb);  /* not: walked again */
}

/* Real mode at 0:0x1000: mov ecx, 2000000; l: lock inc dword [0x5000]; dec ecx; jnz l; hlt */
#define LOCK_LOOPS 2000000
static const uint8_t lock_loop[] = {0x66, 0xb9, 0x80, 0x84, 0x1e, 0x00, 0xf0, 0x66, 0xff,
                                    0x06, 0x00, 0x50, 0x66, 0x49, 0x75, 0xf6, 0xf4};

static pthread_barrier_t lock_start;

static void *run_lock_loop(void *opaque)
{
    X86CPU *c = opaque;
    CPUX86State *env = &c->env;

    x86_cpu_reset(c);
    env->segs[R_CS].selector = 0;
    env->segs[R_CS].base = 0;
    env->rip = 0x1000;
    pthread_barrier_wait(&lock_start); /* both run at once */
    while (ram.ram_ptr[env->rip] != 0xf4) {
        x86_cpu_step(c);
    }
    return NULL;
}

static void test_locked_increments_from_two_harts(void **state)
{
    X86CPU *other = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    pthread_t t1, t2;

    other->as = address_space_memory();
    memset(ram.ram_ptr, 0, RAM_SIZE);
    memcpy(ram.ram_ptr + 0x1000, lock_loop, sizeof(lock_loop));
    pthread_barrier_init(&lock_start, NULL, 2);
    assert_int_equal(pthread_create(&t1, NULL, run_lock_loop, cpu), 0);
    assert_int_equal(pthread_create(&t2, NULL, run_lock_loop, other), 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    pthread_barrier_destroy(&lock_start);
    assert_int_equal(*(uint32_t *)(ram.ram_ptr + 0x5000), 2 * LOCK_LOOPS);
}

static int group_setup(void **state)
{
    assert_true(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), 0, &ram);
    cpu = X86_CPU(object_new(X86_CPU_TYPE_NAME("qemu64")));
    cpu->as = address_space_memory();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cr3_write_keeps_global_pages),
        cmocka_unit_test(test_victim_entries_follow_flush_rules),
        cmocka_unit_test(test_zeroed_entries_are_no_victims),
        cmocka_unit_test(test_fetch_entries_apart_from_data),
        cmocka_unit_test(test_pge_clear_drops_global_pages),
        cmocka_unit_test(test_global_bit_needs_pge),
        cmocka_unit_test(test_pcid_cr3_no_flush_bit),
        cmocka_unit_test(test_wp_change_rechecks_write_rights),
        cmocka_unit_test(test_accessed_then_dirty),
        cmocka_unit_test(test_reserved_and_nx),
        cmocka_unit_test(test_probe_both_pages),
        cmocka_unit_test(test_noncanonical_never_cached),
        cmocka_unit_test(test_locked_increments_from_two_harts),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
