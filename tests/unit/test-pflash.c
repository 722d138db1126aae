/*
 * Unit tests for the CFI flash (hw/block/pflash_cfi01.c) on a small image (4 blocks of
 * 4 KiB, a 4-byte bank of two 16-bit chips): read array, CFI query and identifier answers,
 * program / erase / buffered write and their status, the image on disk following, bad
 * command sequences, a read-only drive, size and geometry errors, and the ROM-device
 * split (harts fetch the memory, data reads see the command state).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block.h"
#include "hw/block/flash.h"
#include "system/memory.h"

#define SECTOR 4096
#define BLOCKS 4
#define FLASH_SIZE (SECTOR * BLOCKS)
#define BASE 0x21000000ULL
#define CMD(c) ((uint32_t)(c) | (uint32_t)(c) << 16)

static char img[64];
static DeviceState *dev;
static MemoryRegion *mr;
static int next_unit;

static void make_image(char *path, size_t size, uint8_t fill)
{
    uint8_t *data = xmalloc(size);
    int fd;

    strcpy(path, "/tmp/kestrel-test-pflash-XXXXXX");
    fd = mkstemp(path);
    memset(data, fill, size);
    for (size_t i = 0; i < size; i += 4) {
        memcpy(data + i, &(uint32_t){(uint32_t)i}, 4); /* word i/4 holds its offset */
    }
    assert_int_equal(write(fd, data, size), (ssize_t)size);
    close(fd);
    free(data);
}

/* A flash on path (readonly or not) as drive pflashN; NULL + errp if it cannot be made. */
static DeviceState *flash_on(const char *path, bool ro, Error **errp)
{
    char *opt = xasprintf("file=%s,if=pflash,unit=%d,format=raw%s", path, next_unit,
                          ro ? ",readonly=on" : "");
    char id[16], *devopts;
    DeviceState *d;

    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);
    snprintf(id, sizeof(id), "pflash%d", next_unit++);
    d = pflash_cfi01_create("test.flash", BASE, BLOCKS, SECTOR, 4, 2, id, errp);
    if (d) {
        device_reset(d);
    }
    return d;
}

static uint32_t disk_word(const char *path, uint64_t offset)
{
    uint32_t v;
    int fd = open(path, O_RDONLY);

    assert_int_equal(pread(fd, &v, 4, offset), 4);
    close(fd);
    return v;
}

static int setup(void **state)
{
    make_image(img, FLASH_SIZE, 0);
    dev = flash_on(img, false, &error_abort);
    mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0);
    return 0;
}

static int teardown(void **state)
{
    memory_region_del_subregion(get_system_memory(), mr);
    unlink(img);
    return 0;
}

static uint64_t rd(hwaddr addr, unsigned size)
{
    uint64_t v = 0xdead;

    assert_int_equal(memory_region_dispatch_read(mr, addr, &v, size), MEMTX_OK);
    return v;
}

static void wr(hwaddr addr, uint64_t v)
{
    assert_int_equal(memory_region_dispatch_write(mr, addr, v, 4), MEMTX_OK);
}

static void test_read_array_and_query(void **state)
{
    assert_int_equal(rd(8, 4), 8);
    assert_int_equal(rd(0x1000, 2), 0x1000);
    wr(0x55 * 4, CMD(0x98));
    assert_int_equal(rd(0x10 * 4, 4), CMD('Q'));
    assert_int_equal(rd(0x12 * 4, 4), CMD('Y'));
    assert_int_equal(rd(0x13 * 4, 4), CMD(0x01));       /* Intel command set */
    assert_int_equal(rd(0x27 * 4, 4), CMD(13));         /* 8 KiB per chip */
    assert_int_equal(rd(0x2d * 4, 4), CMD(BLOCKS - 1)); /* erase blocks - 1 */
    assert_int_equal(rd(0x2f * 4, 4), CMD(SECTOR / 2 / 256));
    assert_int_equal(rd(0x31 * 4, 4), CMD('P'));
    assert_int_equal(rd(0x10 * 4 + 2, 2), 'Q'); /* the second chip's lane */
    assert_int_equal(rd(0x60 * 4, 4), 0);       /* past the table */
    wr(0, CMD(0x90));
    assert_int_equal(rd(0, 4), CMD(0x89));
    assert_int_equal(rd(4, 4), CMD(0x18));
    assert_int_equal(rd(8, 4), 0); /* unlocked */
    wr(0, CMD(0xff));
    assert_int_equal(rd(8, 4), 8);
}

static void test_program_and_erase(void **state)
{
    wr(0x20, CMD(0x40));
    wr(0x20, 0xcafef00d);
    assert_int_equal(rd(0x800, 4), CMD(0x80)); /* status, anywhere */
    assert_int_equal(rd(0x800, 1), 0x80);
    wr(0, CMD(0xff));
    assert_int_equal(rd(0x20, 4), 0xcafef00d);
    assert_int_equal(disk_word(img, 0x20), 0xcafef00d);
    /* Erase block 1: all ones in memory and on disk; block 0 and 2 keep their data. */
    wr(SECTOR + 4, CMD(0x20));
    wr(SECTOR + 4, CMD(0xd0));
    assert_int_equal(rd(0, 4), CMD(0x80));
    wr(0, CMD(0xff));
    assert_int_equal(rd(SECTOR, 4), 0xffffffff);
    assert_int_equal(rd(2 * SECTOR - 4, 4), 0xffffffff);
    assert_int_equal(rd(2 * SECTOR, 4), 2 * SECTOR);
    assert_int_equal(disk_word(img, 2 * SECTOR - 4), 0xffffffff);
    assert_int_equal(rd(0x20, 4), 0xcafef00d);
}

static void test_bad_sequences_and_status(void **state)
{
    /* An erase without 0xd0: back to read array, nothing erased. */
    wr(SECTOR, CMD(0x20));
    wr(SECTOR, CMD(0x55));
    assert_int_equal(rd(SECTOR, 4), SECTOR);
    /* An unknown command: read array. */
    wr(0, CMD(0x42));
    assert_int_equal(rd(4, 4), 4);
    /* Clear status: 0 until the next command sets ready. */
    wr(0, CMD(0x50));
    assert_int_equal(rd(4, 4), 4);
    wr(0, CMD(0x70));
    assert_int_equal(rd(0, 4), 0);
    /* Lock and unlock are accepted; nothing locks. */
    wr(0, CMD(0x60));
    wr(0, CMD(0x01));
    assert_int_equal(rd(0, 4), CMD(0x80));
    wr(0, CMD(0x40));
    wr(0, 0x12345678);
    wr(0, CMD(0xff));
    assert_int_equal(rd(0, 4), 0x12345678);
    /* Reset: read array, status ready. */
    wr(0, CMD(0x70));
    device_reset(dev);
    assert_int_equal(rd(4, 4), 4);
    wr(0, CMD(0x70));
    assert_int_equal(rd(0, 4), CMD(0x80));
}

static void test_buffered_write(void **state)
{
    wr(3 * SECTOR, CMD(0xe8));
    assert_int_equal(rd(3 * SECTOR, 4), CMD(0x80)); /* the buffer is free */
    wr(3 * SECTOR, CMD(2));                         /* three words */
    for (int i = 0; i < 3; i++) {
        wr(3 * SECTOR + 16 + 4 * i, 0x01010101u * (i + 1));
    }
    wr(3 * SECTOR, CMD(0xd0));
    assert_int_equal(rd(3 * SECTOR, 4), CMD(0x80));
    wr(0, CMD(0xff));
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rd(3 * SECTOR + 16 + 4 * i, 4), 0x01010101u * (i + 1));
        assert_int_equal(disk_word(img, 3 * SECTOR + 16 + 4 * i), 0x01010101u * (i + 1));
    }
    assert_int_equal(rd(3 * SECTOR + 28, 4), 3 * SECTOR + 28); /* the fourth is untouched */
    /* A wrong confirmation: read array. */
    wr(0, CMD(0xe8));
    wr(0, CMD(0));
    wr(0, 0x55555555);
    wr(0, CMD(0x42));
    assert_int_equal(rd(4, 4), 4);
}

static void test_read_only_drive(void **state)
{
    char ro[64];
    DeviceState *d;
    MemoryRegion *m;
    uint64_t v;

    make_image(ro, FLASH_SIZE, 0);
    d = flash_on(ro, true, &error_abort);
    m = sysbus_mmio_get_region(SYS_BUS_DEVICE(d), 0);
    assert_int_equal(memory_region_dispatch_write(m, 0, CMD(0x40), 4), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_write(m, 0, 0, 4), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(m, 0, &v, 4), MEMTX_OK);
    assert_int_equal(v, CMD(0x90)); /* ready + program error */
    assert_int_equal(memory_region_dispatch_write(m, 0, CMD(0x20), 4), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_write(m, 0, CMD(0xd0), 4), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(m, 0, &v, 4), MEMTX_OK);
    assert_int_equal(v, CMD(0xb0)); /* and erase error */
    assert_int_equal(memory_region_dispatch_write(m, 0, CMD(0xff), 4), MEMTX_OK);
    assert_int_equal(memory_region_dispatch_read(m, 8, &v, 4), MEMTX_OK);
    assert_int_equal(v, 8);
    assert_int_equal(disk_word(ro, 0), 0);
    memory_region_del_subregion(get_system_memory(), m);
    unlink(ro);
}

static void test_size_and_geometry_errors(void **state)
{
    char small[64];
    Error *err = NULL;

    make_image(small, FLASH_SIZE / 2, 0);
    assert_null(flash_on(small, false, &err));
    assert_string_equal(error_get_pretty(err),
                        "device requires 16384 bytes, block backend provides 8192 bytes");
    error_free(err), err = NULL;
    unlink(small);
    assert_null(pflash_cfi01_create("bad", BASE, BLOCKS, 3000, 4, 2, NULL, &err));
    assert_non_null(strstr(error_get_pretty(err), "is not a flash size"));
    error_free(err), err = NULL;
    assert_null(pflash_cfi01_create("bad", BASE, BLOCKS, SECTOR, 4, 3, NULL, &err));
    assert_non_null(strstr(error_get_pretty(err), "device-width 3 is not supported"));
    error_free(err);
}

/* Harts fetch the memory; data loads through the address space see the command state. */
static void test_rom_device(void **state)
{
    uint64_t v;

    assert_true(memory_region_is_romd(mr));
    assert_int_equal(address_space_load(address_space_memory(), BASE + 8, 4, &v), MEMTX_OK);
    assert_int_equal(v, 8);
    assert_int_equal(address_space_store(address_space_memory(), BASE, 4, CMD(0x70)), MEMTX_OK);
    assert_int_equal(address_space_load(address_space_memory(), BASE + 8, 4, &v), MEMTX_OK);
    assert_int_equal(v, CMD(0x80));
    assert_int_equal(*(uint32_t *)((uint8_t *)memory_region_get_ram_ptr(mr) + 8), 8);
    wr(0, CMD(0xff));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_array_and_query, setup, teardown),
        cmocka_unit_test_setup_teardown(test_program_and_erase, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_sequences_and_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffered_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_only_drive, setup, teardown),
        cmocka_unit_test_setup_teardown(test_size_and_geometry_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rom_device, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
