/*
 * Unit tests for the memory API: flattening (priorities, aliases, nesting,
 * enable/disable), lookup, MMIO dispatch rules (splitting, widening,
 * rejection), unassigned accesses, ROM, the RAM write hook and RAM committed by chunks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "system/memory.h"
#include "util/log.h"
#include "util/prefault.h"

/* ---- Fixture: a root container in its own address space ---- */

typedef struct Fixture {
    MemoryRegion root;
    AddressSpace as;
    MemoryRegion regions[8];
    unsigned nr_regions;
} Fixture;

static int fixture_setup(void **state)
{
    Fixture *f = xzalloc(sizeof(*f));

    memory_region_init(&f->root, "root", 1ULL << 32);
    address_space_init(&f->as, &f->root, "test");
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    Fixture *f = *state;

    address_space_destroy(&f->as);
    for (unsigned i = 0; i < f->nr_regions; i++) {
        memory_region_destroy(&f->regions[i]);
    }
    memory_region_destroy(&f->root);
    free(f);
    return 0;
}

static MemoryRegion *new_ram(Fixture *f, const char *name, uint64_t size)
{
    MemoryRegion *mr = &f->regions[f->nr_regions++];

    assert_true(memory_region_init_ram(mr, name, size, NULL));
    return mr;
}

static MemoryRegion *new_rom(Fixture *f, const char *name, uint64_t size)
{
    MemoryRegion *mr = &f->regions[f->nr_regions++];

    assert_true(memory_region_init_rom(mr, name, size, NULL));
    return mr;
}

static MemoryRegion *new_io(Fixture *f, const MemoryRegionOps *ops, const char *name, uint64_t size)
{
    MemoryRegion *mr = &f->regions[f->nr_regions++];

    memory_region_init_io(mr, ops, f, name, size);
    return mr;
}

static MemoryRegion *new_container(Fixture *f, const char *name, uint64_t size)
{
    MemoryRegion *mr = &f->regions[f->nr_regions++];

    memory_region_init(mr, name, size);
    return mr;
}

static void check_view(Fixture *f, const FlatRange *expect, unsigned nr)
{
    const FlatView *view = address_space_get_flatview(&f->as);

    assert_int_equal(view->nr, nr);
    for (unsigned i = 0; i < nr; i++) {
        assert_int_equal(view->ranges[i].addr, expect[i].addr);
        assert_int_equal(view->ranges[i].size, expect[i].size);
        assert_ptr_equal(view->ranges[i].mr, expect[i].mr);
        assert_int_equal(view->ranges[i].offset_in_region, expect[i].offset_in_region);
    }
}

/* ---- A recording device ---- */

typedef struct Access {
    bool write;
    hwaddr addr;
    uint64_t data;
    unsigned size;
} Access;

static Access accesses[16];
static unsigned nr_accesses;

/* Reads return bytes equal to their offset, so the byte at offset n reads as n. */
static uint64_t rec_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t val = 0;

    for (unsigned i = 0; i < size; i++) {
        val |= (uint64_t)((addr + i) & 0xff) << (8 * i);
    }
    accesses[nr_accesses++] = (Access){false, addr, val, size};
    return val;
}

static void rec_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    accesses[nr_accesses++] = (Access){true, addr, data, size};
}

static const MemoryRegionOps split_ops = {
    .read = rec_read,
    .write = rec_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

static const MemoryRegionOps wide_ops = {
    .read = rec_read,
    .write = rec_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static const MemoryRegionOps strict_ops = {
    .read = rec_read,
    .write = rec_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

/* Overlapping 16-bit ports (Bochs VBE): an unaligned access reaches the handler whole. */
static const MemoryRegionOps unaligned_ops = {
    .read = rec_read,
    .write = rec_write,
    .valid = {.min_access_size = 1, .max_access_size = 2, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 2, .unaligned = true},
};

static void check_access(unsigned i, bool write, hwaddr addr, uint64_t data, unsigned size)
{
    assert_true(i < nr_accesses);
    assert_int_equal(accesses[i].write, write);
    assert_int_equal(accesses[i].addr, addr);
    assert_int_equal(accesses[i].data, data);
    assert_int_equal(accesses[i].size, size);
}

/* ---- Log capture ---- */

static char log_path[] = "/tmp/kestrel-test-memory-XXXXXX";

static void log_capture_start(void)
{
    int fd = mkstemp(log_path);

    assert_true(fd >= 0);
    close(fd);
    assert_true(log_set_file(log_path, NULL));
    log_mask_enabled = LOG_GUEST_ERROR;
    nr_accesses = 0;
}

/* Whether the captured log contains needle; ends the capture. */
static bool log_capture_contains(const char *needle)
{
    char buf[4096] = "";
    FILE *f = fopen(log_path, "r");

    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    unlink(log_path);
    strcpy(log_path, "/tmp/kestrel-test-memory-XXXXXX");
    return strstr(buf, needle) != NULL;
}

/* ---- Flattening ---- */

static void test_priority_overlap(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x1000);
    MemoryRegion *dev = new_io(f, &split_ops, "dev", 0x1000);
    MemoryRegion *low = new_ram(f, "low", 0x1000);

    memory_region_add_subregion(&f->root, 0, ram);
    memory_region_add_subregion_overlap(&f->root, 0x800, dev, 1);
    /* Added last but at lower priority: only fills what is left. */
    memory_region_add_subregion_overlap(&f->root, 0x1000, low, -1);
    check_view(f,
               (FlatRange[]){
                   {0x0, 0x800, ram, 0x0},
                   {0x800, 0x1000, dev, 0x0},
                   {0x1800, 0x800, low, 0x800},
               },
               3);
}

static void test_equal_priority_later_wins(void **state)
{
    Fixture *f = *state;
    MemoryRegion *a = new_ram(f, "a", 0x2000);
    MemoryRegion *b = new_ram(f, "b", 0x1000);

    memory_region_add_subregion(&f->root, 0x1000, a);
    memory_region_add_subregion(&f->root, 0x2000, b);
    check_view(f,
               (FlatRange[]){
                   {0x1000, 0x1000, a, 0x0},
                   {0x2000, 0x1000, b, 0x0},
               },
               2);
}

static void test_alias_with_offset(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x4000);
    MemoryRegion *alias = &f->regions[f->nr_regions++];

    memory_region_init_alias(alias, "ram-hi", ram, 0x1000, 0x2000);
    memory_region_add_subregion(&f->root, 0x0, ram);
    memory_region_add_subregion(&f->root, 0x10000, alias);
    check_view(f,
               (FlatRange[]){
                   {0x0, 0x4000, ram, 0x0},
                   {0x10000, 0x2000, ram, 0x1000},
               },
               2);

    /* Both windows reach the same bytes. */
    assert_int_equal(address_space_store(&f->as, 0x10010, 4, 0xdeadbeef), MEMTX_OK);
    uint64_t val;
    assert_int_equal(address_space_load(&f->as, 0x1010, 4, &val), MEMTX_OK);
    assert_int_equal(val, 0xdeadbeef);
}

static void test_nested_containers(void **state)
{
    Fixture *f = *state;
    MemoryRegion *bus = new_container(f, "bus", 0x2000);
    MemoryRegion *dev = new_io(f, &split_ops, "dev", 0x10);
    MemoryRegion *big = new_ram(f, "big", 0x4000);

    memory_region_add_subregion(bus, 0x10, dev);
    /* Extends past the end of its container: clipped to it. */
    memory_region_add_subregion(bus, 0x1000, big);
    memory_region_add_subregion(&f->root, 0x100000, bus);
    check_view(f,
               (FlatRange[]){
                   {0x100010, 0x10, dev, 0x0},
                   {0x101000, 0x1000, big, 0x0},
               },
               2);
    assert_null(flatview_lookup(address_space_get_flatview(&f->as), 0x100000));
    assert_ptr_equal(flatview_lookup(address_space_get_flatview(&f->as), 0x10001f)->mr, dev);
}

static void test_alias_of_container(void **state)
{
    Fixture *f = *state;
    MemoryRegion *bus = new_container(f, "bus", 0x1000);
    MemoryRegion *dev = new_io(f, &split_ops, "dev", 0x100);
    MemoryRegion *alias = &f->regions[f->nr_regions++];

    memory_region_add_subregion(bus, 0x200, dev);
    memory_region_init_alias(alias, "window", bus, 0x180, 0x100);
    memory_region_add_subregion(&f->root, 0x5000, alias);
    check_view(f, (FlatRange[]){{0x5080, 0x80, dev, 0x0}}, 1);
}

static void test_disable_enable(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x2000);
    MemoryRegion *rom = new_rom(f, "rom", 0x1000);

    memory_region_add_subregion(&f->root, 0, ram);
    memory_region_add_subregion_overlap(&f->root, 0x800, rom, 1);
    FlatView *before = address_space_get_flatview(&f->as);
    unsigned gen = f->as.generation;

    memory_region_set_enabled(rom, false);
    check_view(f, (FlatRange[]){{0x0, 0x2000, ram, 0x0}}, 1);
    assert_true(f->as.generation > gen);
    /* The old view stays readable for a vCPU that still holds it. */
    assert_int_equal(before->nr, 3);
    assert_ptr_equal(before->ranges[1].mr, rom);

    memory_region_set_enabled(rom, true);
    check_view(f,
               (FlatRange[]){
                   {0x0, 0x800, ram, 0x0},
                   {0x800, 0x1000, rom, 0x0},
                   {0x1800, 0x800, ram, 0x1800},
               },
               3);

    memory_region_del_subregion(&f->root, rom);
    check_view(f, (FlatRange[]){{0x0, 0x2000, ram, 0x0}}, 1);
}

static void test_lookup_many(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x100000);
    MemoryRegion *windows = xnew0(MemoryRegion, 64);

    /* Windows 0x100 long with holes of 0x100 between them: 64 ranges to search. */
    for (unsigned i = 0; i < 64; i++) {
        memory_region_init_alias(&windows[i], "window", ram, i * 0x1000, 0x100);
        memory_region_add_subregion(&f->root, 0x10000 + i * 0x200, &windows[i]);
    }
    const FlatView *view = address_space_get_flatview(&f->as);
    assert_int_equal(view->nr, 64);
    for (unsigned i = 0; i < 64; i++) {
        const FlatRange *r = flatview_lookup(view, 0x10000 + i * 0x200 + 0xff);
        assert_non_null(r);
        assert_int_equal(r->offset_in_region, i * 0x1000);
        assert_null(flatview_lookup(view, 0x10000 + i * 0x200 + 0x100));
    }
    assert_null(flatview_lookup(view, 0xffff));
    /* Around the range found last (the lookup tries it first): the holes on both sides,
     * its neighbour and itself again, walking down. */
    for (unsigned i = 63; i > 0; i--) {
        hwaddr base = 0x10000 + i * 0x200;
        assert_int_equal(flatview_lookup(view, base)->offset_in_region, i * 0x1000);
        assert_null(flatview_lookup(view, base - 1));
        assert_int_equal(flatview_lookup(view, base + 0xff)->offset_in_region, i * 0x1000);
        assert_null(flatview_lookup(view, base + 0x100));
        assert_int_equal(flatview_lookup(view, base - 0x101)->offset_in_region, (i - 1) * 0x1000);
        assert_null(flatview_lookup(view, UINT64_MAX));
    }
    for (unsigned i = 0; i < 64; i++) {
        memory_region_del_subregion(&f->root, &windows[i]);
        memory_region_destroy(&windows[i]);
    }
    free(windows);
}

/* ---- Dispatch ---- */

static void test_split_8_on_impl_4(void **state)
{
    Fixture *f = *state;
    MemoryRegion *dev = new_io(f, &split_ops, "dev", 0x100);
    uint64_t val;

    memory_region_add_subregion(&f->root, 0x1000, dev);
    nr_accesses = 0;
    assert_int_equal(address_space_load(&f->as, 0x1010, 8, &val), MEMTX_OK);
    assert_int_equal(nr_accesses, 2);
    check_access(0, false, 0x10, 0x13121110, 4);
    check_access(1, false, 0x14, 0x17161514, 4);
    assert_int_equal(val, 0x1716151413121110ULL);

    nr_accesses = 0;
    assert_int_equal(address_space_store(&f->as, 0x1020, 8, 0x1122334455667788ULL), MEMTX_OK);
    assert_int_equal(nr_accesses, 2);
    check_access(0, true, 0x20, 0x55667788, 4);
    check_access(1, true, 0x24, 0x11223344, 4);
}

static void test_widening(void **state)
{
    Fixture *f = *state;
    MemoryRegion *dev = new_io(f, &wide_ops, "dev", 0x100);
    uint64_t val;

    memory_region_add_subregion(&f->root, 0x1000, dev);
    nr_accesses = 0;
    assert_int_equal(address_space_load(&f->as, 0x1041, 1, &val), MEMTX_OK);
    assert_int_equal(nr_accesses, 1);
    check_access(0, false, 0x40, 0x43424140, 4);
    assert_int_equal(val, 0x41);

    assert_int_equal(address_space_load(&f->as, 0x1042, 2, &val), MEMTX_OK);
    assert_int_equal(val, 0x4342);

    nr_accesses = 0;
    assert_int_equal(address_space_store(&f->as, 0x1052, 1, 0x1ab), MEMTX_OK);
    assert_int_equal(nr_accesses, 1);
    check_access(0, true, 0x50, 0xab0000, 4);
}

static void test_invalid_access_rejected(void **state)
{
    Fixture *f = *state;
    MemoryRegion *dev = new_io(f, &strict_ops, "strict", 0x100);
    uint64_t val = 1;

    memory_region_add_subregion(&f->root, 0x1000, dev);
    log_capture_start();
    assert_int_equal(memory_region_dispatch_read(dev, 0x8, &val, 8), MEMTX_DECODE_ERROR);
    assert_int_equal(val, 0);
    assert_int_equal(address_space_store(&f->as, 0x1009, 1, 0), MEMTX_DECODE_ERROR);
    assert_int_equal(nr_accesses, 0);
    assert_true(log_capture_contains("strict: invalid read size 8 at offset 0x8"));

    log_capture_start();
    assert_int_equal(address_space_load(&f->as, 0x1006, 4, &val), MEMTX_DECODE_ERROR);
    assert_int_equal(nr_accesses, 0);
    assert_true(log_capture_contains("strict: unaligned read of size 4 at offset 0x6"));
}

static void test_unassigned(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x1000);
    uint64_t val = 1;
    uint8_t buf[0x20];

    memory_region_add_subregion(&f->root, 0x1000, ram);
    log_capture_start();
    assert_int_equal(address_space_load(&f->as, 0x2000, 4, &val), MEMTX_DECODE_ERROR);
    assert_int_equal(val, 0);
    assert_true(log_capture_contains("unassigned read of size 4 at 0x2000"));

    log_capture_start();
    assert_int_equal(address_space_store(&f->as, 0x10, 8, 0), MEMTX_DECODE_ERROR);
    assert_true(log_capture_contains("unassigned write of size 8 at 0x10"));

    /* A buffer straddling the end of RAM: the RAM part is done, the rest reads as zero. */
    memset(ram->ram_ptr + 0xff0, 0x5a, 0x10);
    memset(buf, 0xff, sizeof(buf));
    log_capture_start();
    assert_int_equal(address_space_read(&f->as, 0x1ff0, buf, sizeof(buf)), MEMTX_DECODE_ERROR);
    assert_int_equal(buf[0xf], 0x5a);
    assert_int_equal(buf[0x10], 0);
    assert_true(log_capture_contains("unassigned read of size 16 at 0x2000"));
}

static void test_cross_range_buffer(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x1000);
    MemoryRegion *dev = new_io(f, &split_ops, "dev", 0x100);
    uint8_t buf[0x14];

    memory_region_add_subregion(&f->root, 0x0, ram);
    memory_region_add_subregion(&f->root, 0x1000, dev);
    memset(ram->ram_ptr + 0xff8, 0x77, 8);
    nr_accesses = 0;
    assert_int_equal(address_space_read(&f->as, 0xff8, buf, sizeof(buf)), MEMTX_OK);
    assert_int_equal(buf[7], 0x77);
    /* 12 device bytes from offset 0: naturally aligned pieces, each within impl.max 4. */
    assert_int_equal(nr_accesses, 3);
    check_access(0, false, 0x0, 0x03020100, 4);
    check_access(1, false, 0x4, 0x07060504, 4);
    check_access(2, false, 0x8, 0x0b0a0908, 4);
    assert_int_equal(buf[8 + 0xb], 0x0b);

    /* An unaligned load across the RAM/device boundary. */
    uint64_t val;
    nr_accesses = 0;
    assert_int_equal(address_space_load(&f->as, 0xffe, 4, &val), MEMTX_OK);
    assert_int_equal(val, 0x01007777);
}

/* ---- RAM and ROM ---- */

static hwaddr hook_addr;
static uint64_t hook_len;
static unsigned hook_calls;

static void ram_hook(hwaddr addr, uint64_t len)
{
    hook_addr = addr;
    hook_len = len;
    hook_calls++;
}

static void test_rom(void **state)
{
    Fixture *f = *state;
    MemoryRegion *rom = new_rom(f, "mrom", 0x1000);
    uint32_t word = 0x12345678;
    uint64_t val;

    memory_region_add_subregion(&f->root, 0x1000, rom);
    log_capture_start();
    assert_int_equal(address_space_store(&f->as, 0x1000, 4, 0xffffffff), MEMTX_OK);
    assert_int_equal(address_space_write(&f->as, 0x1004, &word, 4), MEMTX_OK);
    assert_int_equal(address_space_load(&f->as, 0x1000, 8, &val), MEMTX_OK);
    assert_int_equal(val, 0);
    assert_true(log_capture_contains("mrom"));

    hook_calls = 0;
    memory_ram_write_hook = ram_hook;
    assert_int_equal(address_space_write_rom(&f->as, 0x1004, &word, 4), MEMTX_OK);
    memory_ram_write_hook = NULL;
    assert_int_equal(address_space_load(&f->as, 0x1004, 4, &val), MEMTX_OK);
    assert_int_equal(val, 0x12345678);
    assert_int_equal(hook_calls, 1);
}

static void test_write_rom_skips_devices(void **state)
{
    Fixture *f = *state;
    MemoryRegion *dev = new_io(f, &split_ops, "dev", 0x100);
    uint8_t byte = 1;

    memory_region_add_subregion(&f->root, 0x1000, dev);
    nr_accesses = 0;
    assert_int_not_equal(address_space_write_rom(&f->as, 0x1000, &byte, 1), MEMTX_OK);
    assert_int_equal(nr_accesses, 0);
}

static void test_ram_write_hook(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "ram", 0x2000);
    uint8_t buf[0x30] = {1, 2, 3};

    memory_region_add_subregion(&f->root, 0x80000000, ram);
    hook_calls = 0;
    memory_ram_write_hook = ram_hook;
    assert_int_equal(address_space_write(&f->as, 0x80000100, buf, sizeof(buf)), MEMTX_OK);
    memory_ram_write_hook = NULL;
    assert_int_equal(hook_calls, 1);
    assert_int_equal(hook_addr, 0x80000100);
    assert_int_equal(hook_len, sizeof(buf));
    assert_memory_equal(ram->ram_ptr + 0x100, buf, sizeof(buf));
}

static void test_large_ram_is_lazy(void **state)
{
    Fixture *f = *state;
    /* 8 GiB reserved, not committed: this must not fail on a small host. */
    MemoryRegion *ram = new_ram(f, "big", 8 * GiB);
    uint64_t val;

    memory_region_add_subregion(&f->root, 0, ram);
    assert_int_equal(address_space_store(&f->as, 0xfffffff8, 8, 42), MEMTX_OK);
    assert_int_equal(address_space_load(&f->as, 0xfffffff8, 8, &val), MEMTX_OK);
    assert_int_equal(val, 42);
}

/* Whether the host page at p is resident (mincore). */
static bool resident(const uint8_t *p)
{
    uintptr_t page = (uintptr_t)p & ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
    unsigned char vec;

    assert_int_equal(mincore((void *)page, 1, &vec), 0);
    return vec & 1;
}

/* Guest RAM is committed a chunk (64 KiB, physmem.c) at a time, once, until forgotten. */
static void test_ram_populate_chunks(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "dram", 1 * MiB);
    const uint64_t chunk = 64 * KiB;
    uint8_t *p = ram->ram_ptr;
    long page = sysconf(_SC_PAGESIZE);

    if (madvise(p, page, MADV_POPULATE_WRITE) != 0) {
        print_message("skipped: this kernel has no MADV_POPULATE_WRITE (before 5.14)\n");
        skip();
    }
    madvise(p, page, MADV_DONTNEED);
    prefault_warm_start_now(); /* not only after many chunks (the commit ahead, below) */
    assert_false(resident(p + chunk + 100));
    /* a few bytes of chunk 1: all of chunk 1, nothing of chunks 0 and 2 */
    memory_region_ram_populate(ram, chunk + 100, 8);
    assert_true(resident(p + chunk));
    assert_true(resident(p + 2 * chunk - page));
    assert_false(resident(p));
    assert_false(resident(p + 2 * chunk));
    /* a range across a boundary takes both chunks; past the end is ignored */
    memory_region_ram_populate(ram, 2 * chunk - 8, 16);
    assert_true(resident(p + 3 * chunk - page));
    memory_region_ram_populate(ram, 1 * MiB, 4 * KiB);
    assert_false(resident(p + 1 * MiB - page));
    /* chunk 2 after chunk 1: chunk 3 is committed ahead by the warming thread, not marked, so
     * a vCPU mapping it commits it itself (here after the ahead commit was dropped) */
    prefault_warm_drain();
    assert_true(resident(p + 3 * chunk));
    assert_false(resident(p + 4 * chunk));
    madvise(p + 3 * chunk, chunk, MADV_DONTNEED);
    memory_region_ram_populate(ram, 3 * chunk + 8, 8);
    assert_true(resident(p + 3 * chunk + 8));
    /* a chunk once committed is not again, until the region forgets (loadvm's clear) */
    madvise(p + chunk, chunk, MADV_DONTNEED);
    memory_region_ram_populate(ram, chunk + 100, 8);
    assert_false(resident(p + chunk + 100));
    memory_region_ram_forget_populated(ram);
    memory_region_ram_populate(ram, chunk + 100, 8);
    assert_true(resident(p + chunk + 100));
    assert_false(resident(p));
}

static void test_dump(void **state)
{
    Fixture *f = *state;
    MemoryRegion *ram = new_ram(f, "dram", 0x1000);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);

    memory_region_add_subregion(&f->root, 0x80000000, ram);
    address_space_dump(&f->as, out);
    fclose(out);
    assert_non_null(strstr(text, "0000000080000000-0000000080000fff (ram) dram"));
    free(text);
}

static void test_system_memory_singleton(void **state)
{
    AddressSpace *as = address_space_memory();

    assert_ptr_equal(as->root, get_system_memory());
    assert_ptr_equal(address_space_memory(), as);
    assert_int_equal(address_space_get_flatview(as)->nr, 0);
}

#define FIXTURE_TEST(fn) cmocka_unit_test_setup_teardown(fn, fixture_setup, fixture_teardown)

static void test_unaligned_impl(void **state)
{
    Fixture *f = *state;
    MemoryRegion *dev = new_io(f, &unaligned_ops, "dev", 3);
    uint64_t val;

    memory_region_add_subregion(&f->root, 0x1000, dev);
    nr_accesses = 0;
    assert_int_equal(address_space_load(&f->as, 0x1001, 2, &val), MEMTX_OK);
    assert_int_equal(nr_accesses, 1);
    check_access(0, false, 1, 0x0201, 2);
    assert_int_equal(val, 0x0201);
    nr_accesses = 0;
    assert_int_equal(address_space_store(&f->as, 0x1001, 2, 0xb0c5), MEMTX_OK);
    assert_int_equal(nr_accesses, 1);
    check_access(0, true, 1, 0xb0c5, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FIXTURE_TEST(test_priority_overlap),
        FIXTURE_TEST(test_equal_priority_later_wins),
        FIXTURE_TEST(test_alias_with_offset),
        FIXTURE_TEST(test_nested_containers),
        FIXTURE_TEST(test_alias_of_container),
        FIXTURE_TEST(test_disable_enable),
        FIXTURE_TEST(test_lookup_many),
        FIXTURE_TEST(test_split_8_on_impl_4),
        FIXTURE_TEST(test_widening),
        FIXTURE_TEST(test_unaligned_impl),
        FIXTURE_TEST(test_invalid_access_rejected),
        FIXTURE_TEST(test_unassigned),
        FIXTURE_TEST(test_cross_range_buffer),
        FIXTURE_TEST(test_rom),
        FIXTURE_TEST(test_write_rom_skips_devices),
        FIXTURE_TEST(test_ram_write_hook),
        FIXTURE_TEST(test_large_ram_is_lazy),
        FIXTURE_TEST(test_ram_populate_chunks),
        FIXTURE_TEST(test_dump),
        cmocka_unit_test(test_system_memory_singleton),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
