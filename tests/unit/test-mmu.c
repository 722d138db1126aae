/*
 * Unit tests for RISC-V address translation and PMP (target/riscv/mmu.c,
 * pmp.c): Sv39/Sv48/Sv57 walks over page tables built in a RAM region of the
 * system address space, leaves at each level, A/D updates, U/SUM/MXR rules,
 * misaligned superpages, canonical addresses, reserved bits, faults on the
 * walk itself, then PMP TOR/NA4/NAPOT decisions, locking and granularity.
 * Spec: Volume II (privileged, 20211203) 3.7, 4.3-4.6.
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
#define RAM_SIZE (4 * MiB)
#define ROM_BASE 0x1000ULL
#define ROM_SIZE (64 * KiB)

static MemoryRegion ram, rom;
static RISCVCPU *cpu;
static CPURISCVState *env;
static hwaddr next_table; /* bump allocator for page-table pages in RAM */

static uint64_t *ram_ptr(hwaddr pa)
{
    return (uint64_t *)(ram.ram_ptr + (pa - RAM_BASE));
}

static int group_setup(void **state)
{
    assert_true(memory_region_init_ram(&ram, "test.ram", RAM_SIZE, NULL));
    assert_true(memory_region_init_rom(&rom, "test.rom", ROM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    memory_region_add_subregion(get_system_memory(), ROM_BASE, &rom);
    return 0;
}

/* A hart in S-mode with one PMP entry granting everything, as firmware leaves it. */
static int setup(void **state)
{
    memset(ram.ram_ptr, 0, RAM_SIZE);
    next_table = RAM_BASE;
    cpu = RISCV_CPU(object_new(TYPE_RISCV_CPU_RV64));
    env = &cpu->env;
    riscv_cpu_reset(cpu);
    riscv_pmpaddr_write(env, 15, ~0ULL);
    riscv_pmpcfg_write(env, 2,
                       (uint64_t)((PMP_A_NAPOT << PMP_A_SHIFT) | PMP_R | PMP_W | PMP_X) << 56);
    env->priv = PRV_S;
    return 0;
}

static int teardown(void **state)
{
    object_unref(OBJECT(cpu));
    return 0;
}

static hwaddr alloc_table(void)
{
    hwaddr pa = next_table;
    next_table += 4096;
    return pa;
}

static void set_satp(uint64_t mode, hwaddr root)
{
    env->satp = (mode << SATP_MODE_SHIFT) | (root >> 12);
}

static uint64_t make_pte(hwaddr pa, uint64_t flags)
{
    return ((pa >> 12) << PTE_PPN_SHIFT) | flags;
}

/* Map va to pa with a leaf at level (0 = 4 KiB) under root; returns the leaf's PTE address. */
static hwaddr map(hwaddr root, int levels, uint64_t va, hwaddr pa, int level, uint64_t flags)
{
    hwaddr table = root;
    for (int l = levels - 1; l > level; l--) {
        uint64_t *pte = ram_ptr(table + extract64(va, 12 + 9 * l, 9) * 8);
        if (!(*pte & PTE_V)) {
            *pte = make_pte(alloc_table(), PTE_V);
        }
        table = ((*pte & PTE_PPN_MASK) >> PTE_PPN_SHIFT) << 12;
    }
    hwaddr leaf = table + extract64(va, 12 + 9 * level, 9) * 8;
    *ram_ptr(leaf) = make_pte(pa, flags);
    return leaf;
}

typedef struct Fill {
    RISCVException r;
    hwaddr pa;
    int prot, lg;
} Fill;

static Fill fill(uint64_t va, MMUAccessType access)
{
    Fill f = {0};
    f.r = riscv_cpu_tlb_fill(env, va, access, riscv_cpu_mmu_index(env, access == MMU_INST_FETCH),
                             &f.pa, &f.prot, &f.lg);
    return f;
}

#define RWX (PTE_R | PTE_W | PTE_X)
#define LEAF_AD (PTE_V | PTE_A | PTE_D)

/* ---- walks ---- */

static void test_bare_and_m_mode(void **state)
{
    Fill f = fill(0x80001234, MMU_DATA_STORE);
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_int_equal(f.pa, 0x80001234);
    assert_int_equal(f.lg, 21); /* no translation: a 2 MiB block maps alike (PMP allows all) */
    /* M-mode ignores satp, even a tree that maps nothing. */
    set_satp(SATP_MODE_SV39, alloc_table());
    env->priv = PRV_M;
    f = fill(0x12345678, MMU_INST_FETCH);
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_int_equal(f.pa, 0x12345678);
    assert_int_equal(f.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
}

static void test_sv39_leaf_each_level(void **state)
{
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV39, root);
    map(root, 3, 0x10000000, 0x80300000, 0, LEAF_AD | RWX);   /* 4 KiB */
    map(root, 3, 0x20000000, 0x80400000, 1, LEAF_AD | PTE_R); /* 2 MiB */
    map(root, 3, 0x40000000, 0xc0000000, 2, LEAF_AD | PTE_X); /* 1 GiB */

    Fill f = fill(0x10000abc, MMU_DATA_STORE);
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_int_equal(f.pa, 0x80300abc);
    assert_int_equal(f.prot, PAGE_READ | PAGE_WRITE | PAGE_EXEC);
    assert_int_equal(f.lg, 12);
    f = fill(0x20123456, MMU_DATA_LOAD);
    assert_int_equal(f.pa, 0x80523456);
    assert_int_equal(f.prot, PAGE_READ);
    assert_int_equal(f.lg, 21); /* the superpage's size: the JIT's load ranges take it whole */
    assert_int_equal(fill(0x20123456, MMU_DATA_STORE).r, RISCV_EXCP_STORE_PAGE_FAULT);
    f = fill(0x7fedcba8, MMU_INST_FETCH);
    assert_int_equal(f.pa, 0xffedcba8);
    assert_int_equal(f.lg, 30);
    assert_int_equal(fill(0x30000000, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);
}

static void test_sv48_sv57(void **state)
{
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV48, root);
    map(root, 4, 0x00007f0000001000ULL, 0x80500000, 0, LEAF_AD | PTE_R);
    map(root, 4, 0x0000008000000000ULL, 0, 3, LEAF_AD | PTE_R); /* 512 GiB */
    assert_int_equal(fill(0x00007f0000001010ULL, MMU_DATA_LOAD).pa, 0x80500010);
    assert_int_equal(fill(0x0000008012345678ULL, MMU_DATA_LOAD).pa, 0x12345678);
    /* Sv48 keeps 48 bits: bit 47 set needs the sign extension. */
    assert_int_equal(fill(0x0000800000000000ULL, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);

    root = alloc_table();
    set_satp(SATP_MODE_SV57, root);
    map(root, 5, 0x00ff000000002000ULL, 0x80600000, 0, LEAF_AD | PTE_R);
    assert_int_equal(fill(0x00ff000000002008ULL, MMU_DATA_LOAD).pa, 0x80600008);
}

static void test_non_canonical(void **state)
{
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV39, root);
    map(root, 3, 0xffffffffc0000000ULL, 0x80000000, 2, LEAF_AD | RWX);
    assert_int_equal(fill(0xffffffffc0001000ULL, MMU_DATA_LOAD).r, RISCV_EXCP_NONE);
    /* Same low 39 bits, but bits 63:39 do not copy bit 38. */
    assert_int_equal(fill(0x0000007fc0001000ULL, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);
    assert_int_equal(fill(0x7fffffffc0001000ULL, MMU_INST_FETCH).r, RISCV_EXCP_INST_PAGE_FAULT);
}

static void test_accessed_dirty_updates(void **state)
{
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV39, root);
    hwaddr leaf = map(root, 3, 0x10000000, 0x80300000, 0, PTE_V | PTE_R | PTE_W);

    Fill f = fill(0x10000000, MMU_DATA_LOAD);
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_int_equal(*ram_ptr(leaf) & (PTE_A | PTE_D), PTE_A);
    assert_int_equal(f.prot, PAGE_READ); /* no D yet: a store must come back to set it */
    f = fill(0x10000000, MMU_DATA_STORE);
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_int_equal(*ram_ptr(leaf) & (PTE_A | PTE_D), PTE_A | PTE_D);
    assert_int_equal(f.prot, PAGE_READ | PAGE_WRITE);

    /* The debugger's walk has no side effects. */
    hwaddr leaf2 = map(root, 3, 0x10001000, 0x80301000, 0, PTE_V | PTE_R);
    assert_int_equal(riscv_cpu_get_phys_page_debug(env, 0x10001123), 0x80301123);
    assert_int_equal(*ram_ptr(leaf2) & PTE_A, 0);
    assert_int_equal(riscv_cpu_get_phys_page_debug(env, 0x10002000), (hwaddr)-1);
}

static void test_user_pages_sum_mxr(void **state)
{
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV39, root);
    map(root, 3, 0x1000, 0x80300000, 0, LEAF_AD | RWX | PTE_U);
    map(root, 3, 0x2000, 0x80301000, 0, LEAF_AD | PTE_X); /* execute-only, S page */

    /* S on a U page: never fetch, load/store only with SUM. */
    assert_int_equal(fill(0x1000, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);
    env->mstatus |= MSTATUS_SUM;
    Fill f = fill(0x1000, MMU_DATA_STORE);
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_int_equal(f.prot, PAGE_READ | PAGE_WRITE);
    assert_int_equal(fill(0x1000, MMU_INST_FETCH).r, RISCV_EXCP_INST_PAGE_FAULT);

    /* U on an S page fails, SUM or not; on its own page all is allowed. */
    env->priv = PRV_U;
    assert_int_equal(fill(0x2000, MMU_INST_FETCH).r, RISCV_EXCP_INST_PAGE_FAULT);
    assert_int_equal(fill(0x1000, MMU_INST_FETCH).r, RISCV_EXCP_NONE);

    /* MXR makes execute-only pages readable. */
    env->priv = PRV_S;
    assert_int_equal(fill(0x2000, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);
    env->mstatus |= MSTATUS_MXR;
    assert_int_equal(fill(0x2000, MMU_DATA_LOAD).r, RISCV_EXCP_NONE);

    /* MPRV in M uses MPP's privilege (and its translation) for data only. */
    env->priv = PRV_M;
    env->mstatus |= MSTATUS_MPRV | (1ULL << MSTATUS_MPP_SHIFT);
    assert_int_equal(fill(0x2000, MMU_DATA_LOAD).pa, 0x80301000);
    assert_int_equal(fill(0x2000, MMU_INST_FETCH).pa, 0x2000);
}

static void test_invalid_ptes(void **state)
{
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV39, root);
    map(root, 3, 0x1000, 0x80300000, 0, LEAF_AD | PTE_W);                /* W without R */
    map(root, 3, 0x2000, 0x80300000, 0, LEAF_AD | PTE_R | (1ULL << 60)); /* reserved bit */
    map(root, 3, 0x3000, 0x80300000, 0, (LEAF_AD | PTE_R) & ~PTE_V);
    map(root, 3, 0x4000, 0x80300000, 0, PTE_V);               /* pointer at level 0 */
    map(root, 3, 0x40000000, 0x80300000, 1, LEAF_AD | PTE_R); /* 2 MiB not aligned */
    map(root, 3, 0x80000000, 0x80200000, 2, LEAF_AD | PTE_R); /* 1 GiB not aligned */

    static const uint64_t vas[] = {0x1000, 0x2000, 0x3000, 0x4000, 0x40000000, 0x80000000};
    for (unsigned i = 0; i < ARRAY_SIZE(vas); i++) {
        assert_int_equal(fill(vas[i], MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);
    }
}

static void test_walk_access_faults(void **state)
{
    /* Root table in unassigned memory: the PTE read itself fails. */
    set_satp(SATP_MODE_SV39, 0x40000000);
    assert_int_equal(fill(0x1000, MMU_INST_FETCH).r, RISCV_EXCP_INST_ACCESS_FAULT);
    assert_int_equal(fill(0x1000, MMU_DATA_STORE).r, RISCV_EXCP_STORE_AMO_ACCESS_FAULT);

    /* PMP forbids S to read the table (page-table reads are S-mode accesses). */
    hwaddr root = alloc_table();
    set_satp(SATP_MODE_SV39, root);
    map(root, 3, 0x1000, 0x80300000, 0, LEAF_AD | PTE_R);
    riscv_pmpaddr_write(env, 0, (RAM_BASE >> 2) | 0x1ff); /* NAPOT 4 KiB over the root */
    riscv_pmpcfg_write(env, 0, PMP_A_NAPOT << PMP_A_SHIFT);
    assert_int_equal(fill(0x1000, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_ACCESS_FAULT);

    /* A PTE in ROM can be used, but not updated: one that needs A set page-faults. */
    riscv_pmpcfg_write(env, 0, 0);
    uint64_t ptes[2] = {make_pte(0, PTE_V | PTE_R), make_pte(0, PTE_V | PTE_R | PTE_A)};
    assert_int_equal(address_space_write_rom(address_space_memory(), ROM_BASE, ptes, 16), MEMTX_OK);
    set_satp(SATP_MODE_SV39, ROM_BASE);
    assert_int_equal(fill(0x0, MMU_DATA_LOAD).r, RISCV_EXCP_LOAD_PAGE_FAULT);
    assert_int_equal(fill(0x40000010, MMU_DATA_LOAD).pa, 0x10);
}

/* ---- PMP ---- */

static void test_pmp_modes(void **state)
{
    riscv_pmpcfg_write(env, 2, 0); /* drop the setup's allow-all entry */
    /* 0: NA4 at 0x80000000 R; 1: TOR up to 0x80002000 RW; 2: NAPOT 64 KiB at 0x80010000 X */
    riscv_pmpaddr_write(env, 0, 0x80000000 >> 2);
    riscv_pmpaddr_write(env, 1, 0x80002000 >> 2);
    riscv_pmpaddr_write(env, 2, (0x80010000 >> 2) | 0x1fff);
    riscv_pmpcfg_write(env, 0,
                       (PMP_A_NA4 << PMP_A_SHIFT | PMP_R) |
                           (uint64_t)(PMP_A_TOR << PMP_A_SHIFT | PMP_R | PMP_W) << 8 |
                           (uint64_t)(PMP_A_NAPOT << PMP_A_SHIFT | PMP_X) << 16);

    assert_true(riscv_pmp_check(env, 0x80000000, 4, MMU_DATA_LOAD, PRV_S));
    assert_false(riscv_pmp_check(env, 0x80000000, 4, MMU_DATA_STORE, PRV_S)); /* entry 0 wins */
    assert_false(riscv_pmp_check(env, 0x80000000, 8, MMU_DATA_LOAD, PRV_S));  /* partial match */
    assert_true(riscv_pmp_check(env, 0x80000004, 8, MMU_DATA_STORE, PRV_U));
    assert_false(riscv_pmp_check(env, 0x80001ffc, 8, MMU_DATA_LOAD, PRV_S)); /* crosses TOR top */
    assert_true(riscv_pmp_check(env, 0x8001fffc, 4, MMU_INST_FETCH, PRV_S));
    assert_false(riscv_pmp_check(env, 0x80020000, 4, MMU_INST_FETCH, PRV_S)); /* no match */
    assert_true(riscv_pmp_check(env, 0x80020000, 4, MMU_DATA_STORE, PRV_M));  /* M: allowed */
    assert_true(riscv_pmp_check(env, 0x80000000, 4, MMU_DATA_STORE, PRV_M));  /* unlocked */

    /* A boundary inside the page must keep it out of the TLB. */
    int lg;
    assert_int_equal(riscv_pmp_get_prot(env, 0x80000000, PRV_S, 12, &lg), PAGE_READ);
    assert_int_equal(lg, 2);
    assert_int_equal(riscv_pmp_get_prot(env, 0x80000010, PRV_S, 12, &lg), PAGE_READ | PAGE_WRITE);
    assert_int_equal(lg, 3);
    assert_int_equal(riscv_pmp_get_prot(env, 0x80011000, PRV_S, 12, &lg), PAGE_EXEC);
    assert_int_equal(lg, 12);
    /* A superpage's block: whole where one entry covers it, else the page. */
    assert_int_equal(riscv_pmp_get_prot(env, 0x80011000, PRV_S, 16, &lg), PAGE_EXEC);
    assert_int_equal(lg, 16);
    assert_int_equal(riscv_pmp_get_prot(env, 0x80011000, PRV_S, 21, &lg), PAGE_EXEC);
    assert_int_equal(lg, 12);
    Fill f = fill(0x80000008, MMU_DATA_STORE); /* bare S-mode */
    assert_int_equal(f.r, RISCV_EXCP_NONE);
    assert_true(f.lg < 12);
    assert_int_equal(fill(0x80000000, MMU_DATA_STORE).r, RISCV_EXCP_STORE_AMO_ACCESS_FAULT);
}

static void test_pmp_lock_and_default(void **state)
{
    riscv_pmpcfg_write(env, 2, 0);
    env->priv = PRV_S;
    /* No entry at all: S/U fail (QEMU 7.2 too), M succeeds. */
    assert_false(riscv_pmp_check(env, 0x80000000, 4, MMU_DATA_LOAD, PRV_S));
    assert_true(riscv_pmp_check(env, 0x80000000, 4, MMU_DATA_LOAD, PRV_M));
    assert_int_equal(fill(0x80000000, MMU_INST_FETCH).r, RISCV_EXCP_INST_ACCESS_FAULT);

    /* A locked entry binds M too, and ignores later writes. */
    riscv_pmpaddr_write(env, 0, (0x80000000 >> 2) | 0x1ff);
    riscv_pmpcfg_write(env, 0, PMP_L | PMP_A_NAPOT << PMP_A_SHIFT | PMP_R);
    assert_false(riscv_pmp_check(env, 0x80000100, 4, MMU_DATA_STORE, PRV_M));
    assert_true(riscv_pmp_check(env, 0x80000100, 4, MMU_DATA_LOAD, PRV_M));
    riscv_pmpcfg_write(env, 0, PMP_A_NAPOT << PMP_A_SHIFT | PMP_R | PMP_W | PMP_X);
    riscv_pmpaddr_write(env, 0, 0);
    assert_false(riscv_pmp_check(env, 0x80000100, 4, MMU_DATA_STORE, PRV_M));

    /* The pmp=off model has no PMP: everything is allowed. */
    cpu->pmp = false;
    assert_true(riscv_pmp_check(env, 0x80000100, 4, MMU_DATA_STORE, PRV_U));
}

/* ---- global mappings across changes of ASID ---- */

/* Whether the S-mode TLB holds a read translation of va's page. */
static bool tlb_holds(uint64_t va)
{
    return tlb_entry(&cpu->tlb, MMU_IDX_S, va)->addr_read == (va & TARGET_PAGE_MASK);
}

static void tlb_take(uint64_t va)
{
    void *host;
    hwaddr pa;
    bool code;

    assert_int_equal(
        tlb_probe(&cpu->parent_obj, va, 8, MMU_DATA_LOAD, MMU_IDX_S, &host, &pa, &code),
        RISCV_EXCP_NONE);
    assert_true(tlb_holds(va));
}

/*
 * G on a leaf or on a pointer above it makes the translation global (4.3.1), which a change
 * of ASID or root in satp (same mode) and an ASID-specific sfence.vma keep cached; a change
 * of mode and a fence for all ASIDs drop it. A page without G goes at each.
 */
static void test_global_mappings(void **state)
{
    hwaddr root = alloc_table(), ptr;
    uint64_t asid1 = 1ULL << SATP_ASID_SHIFT, cur;
    const uint64_t leaf_g = 0x10000000, under_g = 0x40002000, local = 0x10001000;

    set_satp(SATP_MODE_SV39, root);
    map(root, 3, leaf_g, 0x80300000, 0, LEAF_AD | PTE_R | PTE_G);
    map(root, 3, local, 0x80301000, 0, LEAF_AD | PTE_R);
    ptr = alloc_table();
    *ram_ptr(root + (under_g >> 30) * 8) = make_pte(ptr, PTE_V | PTE_G);
    map(root, 3, under_g, 0x80302000, 0, LEAF_AD | PTE_R);
    assert_true(fill(leaf_g, MMU_DATA_LOAD).prot & PAGE_GLOBAL);
    assert_true(fill(under_g, MMU_DATA_LOAD).prot & PAGE_GLOBAL);
    assert_false(fill(local, MMU_DATA_LOAD).prot & PAGE_GLOBAL);

    tlb_flush(&cpu->parent_obj);
    for (int how = 0; how < 4; how++) {
        tlb_take(leaf_g);
        tlb_take(under_g);
        tlb_take(local);
        if (how == 0) { /* another ASID */
            assert_int_equal(riscv_csrrw(env, CSR_SATP, &cur, env->satp ^ asid1, ~0ULL),
                             RISCV_EXCP_NONE);
        } else if (how == 1) {
            assert_int_equal(riscv_helper_sfence_vma(env, 0, true, false), RISCV_EXCP_NONE);
        } else if (how == 2) { /* Sv48 over the same root: another mode */
            assert_int_equal(riscv_csrrw(env, CSR_SATP, &cur,
                                         (uint64_t)SATP_MODE_SV48 << SATP_MODE_SHIFT, ~0ULL),
                             RISCV_EXCP_NONE);
            set_satp(SATP_MODE_SV39, root);
        } else {
            assert_int_equal(riscv_helper_sfence_vma(env, 0, true, true), RISCV_EXCP_NONE);
        }
        assert_false(tlb_holds(local));
        assert_int_equal(tlb_holds(leaf_g), how < 2);
        assert_int_equal(tlb_holds(under_g), how < 2);
    }
}

/* ---- debugger memory access ---- */

static void test_memory_rw_debug(void **state)
{
    CPUClass *cc = CPU_GET_CLASS(cpu);
    hwaddr root = alloc_table();
    char buf[16] = {0};

    set_satp(SATP_MODE_SV39, root);
    /* Two virtually adjacent pages backed by physically distant ones. */
    map(root, 3, 0x10000000, 0x80305000, 0, LEAF_AD | PTE_R);
    map(root, 3, 0x10001000, 0x80302000, 0, LEAF_AD | PTE_R);
    memcpy((char *)ram_ptr(0x80305ffc), "abcd", 4);
    memcpy((char *)ram_ptr(0x80302000), "efgh", 4);
    assert_int_equal(cc->memory_rw_debug(&cpu->parent_obj, 0x10000ffc, buf, 8, false), 0);
    assert_string_equal(buf, "abcdefgh");
    assert_int_equal(cc->memory_rw_debug(&cpu->parent_obj, 0x10001ffe, buf, 4, false), -1);
    assert_int_equal(cc->memory_rw_debug(&cpu->parent_obj, 0x10000000, "xy", 2, true), 0);
    assert_memory_equal(ram_ptr(0x80305000), "xy", 2);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_bare_and_m_mode),      T(test_sv39_leaf_each_level),   T(test_sv48_sv57),
        T(test_non_canonical),        T(test_accessed_dirty_updates), T(test_user_pages_sum_mxr),
        T(test_invalid_ptes),         T(test_walk_access_faults),     T(test_pmp_modes),
        T(test_pmp_lock_and_default), T(test_memory_rw_debug),        T(test_global_mappings),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
