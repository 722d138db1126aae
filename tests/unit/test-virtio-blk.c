/*
 * Unit tests for virtio-blk-device through the virtio-mmio transport, with a
 * temporary raw image: config space, features, IN/OUT/FLUSH/GET_ID/DISCARD/
 * WRITE_ZEROES, and requests the guest got wrong (beyond the capacity,
 * unaligned lengths, bad types, data outside RAM, missing header/status),
 * plus a read-only drive and realize errors.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block_int.h"
#include "hw/virtio/virtio-blk.h"
#include "test-virtio-driver.h"

#define BLK_MMIO 0x10001000
#define RO_MMIO 0x10002000
#define BIG_MMIO 0x10003000
#define SNAP_MMIO 0x10004000
/* A second RAM bank for the >4 GiB request: descriptors may all point at it. */
#define BIG_RAM 0x90000000ULL
#define BIG_RAM_SIZE (32 * MiB)
#define BIG_SECTORS ((4 * GiB + 64 * MiB) / 512)
#define IMG_SECTORS 128
#define HDR BUF
#define STATUS (BUF + 0x100)
#define DATA (BUF + 0x1000)

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define T_DISCARD 11
#define T_WRITE_ZEROES 13
#define T_BOGUS 99

#define S_OK 0
#define S_IOERR 1
#define S_UNSUPP 2

static char img[64], ro_img[64], big_img[64], snap_img[64];
static TestDriver drv = {.base = BLK_MMIO};
static TestDriver ro = {.base = RO_MMIO};
static TestDriver big = {.base = BIG_MMIO};
static TestDriver snap = {.base = SNAP_MMIO};
static MemoryRegion big_ram;

/* Kick the queue, then wait for the block layer as the main loop would (AIO completions). */
static void blk_kick(TestDriver *d, uint16_t head)
{
    td_kick(d, head);
    blk_drain_all();
}

static DeviceState *blk_device(const char *drive, const char *serial, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_BLK);

    assert_true(object_property_set_str(OBJECT(dev), "drive", drive, &error_abort));
    if (serial) {
        assert_true(object_property_set_str(OBJECT(dev), "serial", serial, &error_abort));
    }
    if (!qdev_realize(dev, errp)) {
        object_unref(OBJECT(dev));
        return NULL;
    }
    return dev;
}

/* An image whose sector n is filled with the byte n. */
static void make_image(char *path)
{
    uint8_t sector[512];
    int fd;

    strcpy(path, "/tmp/kestrel-test-vblk-XXXXXX");
    fd = mkstemp(path);
    for (int i = 0; i < IMG_SECTORS; i++) {
        memset(sector, i, sizeof(sector));
        assert_int_equal(write(fd, sector, sizeof(sector)), sizeof(sector));
    }
    close(fd);
}

/* A sparse image larger than 4 GiB (reads of its holes return zeros). */
static void make_big_image(char *path)
{
    int fd;

    strcpy(path, "/tmp/kestrel-test-vblk-big-XXXXXX");
    fd = mkstemp(path);
    assert_int_equal(ftruncate(fd, BIG_SECTORS * 512), 0);
    close(fd);
}

static int group_setup(void **state)
{
    char *opt;
    char *devopts;

    make_image(img);
    make_image(ro_img);
    make_image(snap_img);
    make_big_image(big_img);
    td_init_ram();
    assert_true(memory_region_init_ram(&big_ram, "big.ram", BIG_RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), BIG_RAM, &big_ram);
    opt = xasprintf("file=%s,if=none,id=d0", img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);
    opt = xasprintf("file=%s,id=r0,readonly=on", ro_img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);

    assert_true(virtio_mmio_plug(virtio_mmio_create(BLK_MMIO, NULL, &error_abort),
                                 blk_device("d0", "KESTREL-SERIAL-NUMBER-0123", &error_abort),
                                 &error_abort));
    assert_true(virtio_mmio_plug(virtio_mmio_create(RO_MMIO, NULL, &error_abort),
                                 blk_device("r0", NULL, &error_abort), &error_abort));
    opt = xasprintf("file=%s,if=none,id=b0", big_img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);
    assert_true(virtio_mmio_plug(virtio_mmio_create(BIG_MMIO, NULL, &error_abort),
                                 blk_device("b0", NULL, &error_abort), &error_abort));
    opt = xasprintf("file=%s,format=raw,if=none,id=s0,snapshot=on", snap_img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    free(opt);
    assert_true(virtio_mmio_plug(virtio_mmio_create(SNAP_MMIO, NULL, &error_abort),
                                 blk_device("s0", NULL, &error_abort), &error_abort));
    return 0;
}

static int group_teardown(void **state)
{
    blk_unref_all();
    unlink(img);
    unlink(ro_img);
    unlink(big_img);
    unlink(snap_img);
    return 0;
}

static int test_setup(void **state)
{
    td_setup(&drv, 16);
    return 0;
}

/* One request: header, then out data (len_out bytes at DATA) or in data (len_in). */
static uint8_t request(TestDriver *d, uint32_t type, uint64_t sector, uint32_t len_out,
                       uint32_t len_in)
{
    uint16_t used = td_used_idx();
    unsigned n = 0;

    ram_put(HDR, type, 4);
    ram_put(HDR + 4, 0, 4);
    ram_put(HDR + 8, sector, 8);
    ram_put(STATUS, 0xff, 1);
    desc_set(DESC, n, HDR, 16, D_NEXT, n + 1);
    n++;
    if (len_out) {
        desc_set(DESC, n, DATA, len_out, D_NEXT, n + 1);
        n++;
    }
    if (len_in) {
        desc_set(DESC, n, DATA, len_in, D_WRITE | D_NEXT, n + 1);
        n++;
    }
    desc_set(DESC, n, STATUS, 1, D_WRITE, 0);
    blk_kick(d, 0);
    assert_int_equal(td_used_idx(), (uint16_t)(used + 1));
    return ram_get(STATUS, 1);
}

static uint8_t file_byte(off_t off)
{
    uint8_t b = 0xee;
    int fd = open(img, O_RDONLY);

    assert_int_equal(pread(fd, &b, 1, off), 1);
    close(fd);
    return b;
}

static void test_config(void **state)
{
    td_wr(&drv, R_DEV_FEATURES_SEL, 0);
    uint32_t f = td_rd(&drv, R_DEV_FEATURES);

    assert_int_equal(td_rd(&drv, R_DEVICE_ID), VIRTIO_ID_BLOCK);
    assert_true(f & (1u << 9));  /* FLUSH */
    assert_true(f & (1u << 13)); /* DISCARD */
    assert_false(f & (1u << 5)); /* not RO */
    assert_int_equal(td_rd(&drv, R_CONFIG + 0), IMG_SECTORS);
    assert_int_equal(td_rd(&drv, R_CONFIG + 4), 0);
    assert_int_equal(td_rd(&drv, R_CONFIG + 0x14), 512);
    assert_int_equal(td_rd(&drv, R_CONFIG + 0x28), 1);
    td_wr(&ro, R_DEV_FEATURES_SEL, 0);
    assert_true(td_rd(&ro, R_DEV_FEATURES) & (1u << 5));
}

static uint64_t config_byte(hwaddr off)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), BLK_MMIO + R_CONFIG + off, 1, &v),
                     MEMTX_OK);
    return v;
}

/*
 * The write cache: a driver that negotiated neither CONFIG_WCE nor FLUSH cannot flush, so
 * it gets writethrough (as QEMU). With CONFIG_WCE the writeback byte shows the cache and
 * the driver may turn it off. A reset gives the -drive setting (writeback) back.
 */
static void test_config_wce(void **state)
{
    BlockBackend *blk = blk_by_name("d0");

    td_wr(&drv, R_DEV_FEATURES_SEL, 0);
    assert_true(td_rd(&drv, R_DEV_FEATURES) & (1u << 11));
    assert_false(blk_enable_write_cache(blk)); /* test_setup: no FLUSH, no CONFIG_WCE */
    td_wr(&drv, R_STATUS, 0);
    assert_true(blk_enable_write_cache(blk));
    assert_true(td_setup_features(&drv, F_VERSION_1 | (1u << 9) | (1u << 11), 16));
    assert_true(blk_enable_write_cache(blk));
    assert_int_equal(config_byte(0x20), 1);
    assert_int_equal(address_space_store(address_space_memory(), BLK_MMIO + R_CONFIG + 0x20, 1, 0),
                     MEMTX_OK);
    assert_false(blk_enable_write_cache(blk));
    assert_int_equal(config_byte(0x20), 0);
    td_wr(&drv, R_STATUS, 0);
    assert_true(blk_enable_write_cache(blk));
}

static void test_read_write(void **state)
{
    assert_int_equal(request(&drv, T_IN, 3, 0, 1024), S_OK);
    assert_int_equal(td_used_len(0), 1025);
    assert_int_equal(ram_get(DATA, 1), 3);
    assert_int_equal(ram_get(DATA + 1023, 1), 4);
    for (int i = 0; i < 512; i += 8) {
        ram_put(DATA + i, 0xa5a5a5a5a5a5a5a5ull, 8);
    }
    assert_int_equal(request(&drv, T_OUT, 7, 512, 0), S_OK);
    assert_int_equal(request(&drv, T_FLUSH, 0, 0, 0), S_OK);
    assert_int_equal(file_byte(7 * 512), 0xa5);
    assert_int_equal(file_byte(8 * 512), 8);
    /* The last sector is fine, one past it is not. */
    assert_int_equal(request(&drv, T_IN, IMG_SECTORS - 1, 0, 512), S_OK);
    assert_int_equal(request(&drv, T_IN, IMG_SECTORS - 1, 0, 1024), S_IOERR);
    assert_int_equal(request(&drv, T_OUT, IMG_SECTORS, 512, 0), S_IOERR);
    assert_int_equal(request(&drv, T_IN, UINT64_MAX, 0, 512), S_IOERR);
    assert_int_equal(request(&drv, T_OUT, 1, 100, 0), S_IOERR); /* not whole sectors */
    assert_false(td_needs_reset(&drv));
}

static void test_get_id_and_unsupported(void **state)
{
    assert_int_equal(request(&drv, T_GET_ID, 0, 0, 20), S_OK);
    assert_int_equal(td_used_len(0), 21);
    assert_int_equal(ram_get(DATA, 8), 0x2d4c45525453454bull); /* "KESTREL-" */
    assert_int_equal(ram_get(DATA + 19, 1), 'E');              /* truncated to 20 */
    assert_int_equal(request(&drv, T_BOGUS, 0, 0, 0), S_UNSUPP);
}

static void test_discard_write_zeroes(void **state)
{
    ram_put(DATA, 9, 8);
    ram_put(DATA + 8, 2, 4);
    ram_put(DATA + 12, 0, 4);
    assert_int_equal(request(&drv, T_DISCARD, 0, 16, 0), S_OK);
    ram_put(DATA + 12, 1, 4); /* UNMAP */
    assert_int_equal(request(&drv, T_WRITE_ZEROES, 0, 16, 0), S_OK);
    assert_int_equal(file_byte(9 * 512), 0);
    assert_int_equal(file_byte(10 * 512 + 511), 0);
    assert_int_equal(file_byte(11 * 512), 11);
    ram_put(DATA + 12, 1, 4); /* UNMAP is not a discard flag */
    assert_int_equal(request(&drv, T_DISCARD, 0, 16, 0), S_UNSUPP);
    ram_put(DATA, IMG_SECTORS - 1, 8);
    ram_put(DATA + 12, 0, 4);
    assert_int_equal(request(&drv, T_DISCARD, 0, 16, 0), S_IOERR);
    assert_int_equal(request(&drv, T_DISCARD, 0, 32, 0), S_IOERR); /* 2 segments > max 1 */
    assert_int_equal(request(&drv, T_DISCARD, 0, 15, 0), S_IOERR);
}

static void test_bad_buffers(void **state)
{
    /* Data outside RAM: IOERR for that request, the device goes on. */
    ram_put(HDR, T_IN, 4);
    ram_put(HDR + 8, 0, 8);
    desc_set(DESC, 0, HDR, 16, D_NEXT, 1);
    desc_set(DESC, 1, 0x1000, 512, D_WRITE | D_NEXT, 2);
    desc_set(DESC, 2, STATUS, 1, D_WRITE, 0);
    blk_kick(&drv, 0);
    assert_int_equal(ram_get(STATUS, 1), S_IOERR);
    assert_int_equal(td_used_len(0), 1);
    /* Header outside RAM. */
    desc_set(DESC, 0, 0x2000, 16, D_NEXT, 1);
    desc_set(DESC, 1, STATUS, 1, D_WRITE, 0);
    blk_kick(&drv, 0);
    assert_int_equal(ram_get(STATUS, 1), S_IOERR);
    /* Status byte outside RAM: nothing to report it in, but no crash. */
    desc_set(DESC, 0, HDR, 16, D_NEXT, 1);
    desc_set(DESC, 1, 0x3000, 1, D_WRITE, 0);
    blk_kick(&drv, 0);
    assert_int_equal(td_used_idx(), 3);
    assert_false(td_needs_reset(&drv));
    /* No status byte at all: cannot be answered, the device needs a reset. */
    desc_set(DESC, 0, HDR, 16, 0, 0);
    blk_kick(&drv, 0);
    assert_true(td_needs_reset(&drv));
}

static void test_readonly(void **state)
{
    TestDriver *d = &ro;

    td_setup(d, 16);
    ram_put(DATA, 0x42, 1);
    assert_int_equal(request(d, T_OUT, 0, 512, 0), S_IOERR);
    assert_int_equal(request(d, T_IN, 0, 0, 512), S_OK);
    assert_int_equal(ram_get(DATA, 1), 0);
    td_wr(d, R_STATUS, 0);
}

/* On the big drive: read sector 0 into nbuf descriptors that all cover BIG_RAM. */
static uint8_t big_read(unsigned nbuf)
{
    unsigned n = 0;

    td_setup(&big, 256);
    ram_put(HDR, T_IN, 4);
    ram_put(HDR + 4, 0, 4);
    ram_put(HDR + 8, 0, 8);
    ram_put(STATUS, 0xff, 1);
    ram_put(BIG_RAM + BIG_RAM_SIZE - 1, 0xee, 1);
    desc_set(DESC, n, HDR, 16, D_NEXT, n + 1);
    for (n = 1; n <= nbuf; n++) {
        desc_set(DESC, n, BIG_RAM, BIG_RAM_SIZE, D_WRITE | D_NEXT, n + 1);
    }
    desc_set(DESC, n, STATUS, 1, D_WRITE, 0);
    blk_kick(&big, 0);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(ram_get(BIG_RAM + BIG_RAM_SIZE - 1, 1), 0);
    return ram_get(STATUS, 1);
}

/*
 * A read of 129 * 32 MiB = 4 GiB + 32 MiB: the used length (le32) is capped at 4 GiB - 1, not
 * wrapped to 32 MiB + 1 (virtio 1.2 2.7.8.2: never more than was written).
 */
static void test_used_len_over_4g(void **state)
{
    assert_int_equal(big_read(129), S_OK);
    assert_int_equal(td_used_len(0), UINT32_MAX);
    /* Below 4 GiB the length is exact: the data and the status byte. */
    assert_int_equal(big_read(2), S_OK);
    assert_int_equal(td_used_len(0), 2 * BIG_RAM_SIZE + 1);
}

/* Chain 0: read sector 3 into DATA (512 bytes), status at STATUS. */
static void read_chain(void)
{
    ram_put(HDR, T_IN, 4);
    ram_put(HDR + 4, 0, 4);
    ram_put(HDR + 8, 3, 8);
    ram_put(STATUS, 0xff, 1);
    ram_put(DATA, 0xcc, 1);
    desc_set(DESC, 0, HDR, 16, D_NEXT, 1);
    desc_set(DESC, 1, DATA, 512, D_WRITE | D_NEXT, 2);
    desc_set(DESC, 2, STATUS, 1, D_WRITE, 0);
}

/*
 * The kick returns while the image is busy (here: its lock held, as a long qcow2 or
 * overlay request holds it): the vCPU is not held up. The answer comes from the main
 * loop once the I/O is done.
 */
static void test_kick_returns_before_io(void **state)
{
    BlockBackend *blk = blk_by_name("s0");

    td_setup(&snap, 16);
    read_chain();
    pthread_mutex_lock(&blk->lock);
    td_kick(&snap, 0);
    assert_int_equal(td_used_idx(), 0);
    assert_int_equal(ram_get(STATUS, 1), 0xff);
    pthread_mutex_unlock(&blk->lock);
    blk_drain_all();
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(ram_get(STATUS, 1), S_OK);
    assert_int_equal(ram_get(DATA, 1), 3);
}

/* A reset with a request in flight waits for it and drops it: nothing reaches the ring. */
static void test_reset_drops_inflight(void **state)
{
    BlockBackend *blk = blk_by_name("s0");

    td_setup(&snap, 16);
    read_chain();
    pthread_mutex_lock(&blk->lock);
    td_kick(&snap, 0);
    pthread_mutex_unlock(&blk->lock);
    td_wr(&snap, R_STATUS, 0); /* drains inside */
    assert_int_equal(blk->in_flight, 0);
    blk_drain_all();
    assert_int_equal(td_used_idx(), 0);
    assert_int_equal(ram_get(STATUS, 1), 0xff);
    /* The device works on after the reset. */
    td_setup(&snap, 16);
    read_chain();
    blk_kick(&snap, 0);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(ram_get(STATUS, 1), S_OK);
}

static void test_realize_errors(void **state)
{
    Error *err = NULL;

    assert_null(blk_device("nope", NULL, &err));
    assert_string_equal(error_get_pretty(err), "drive 'nope' not found");
    error_free(err);
    err = NULL;
    assert_null(blk_device("d0", NULL, &err));
    assert_non_null(strstr(error_get_pretty(err), "already in use"));
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_config, test_setup),
        cmocka_unit_test_setup(test_config_wce, test_setup),
        cmocka_unit_test_setup(test_read_write, test_setup),
        cmocka_unit_test_setup(test_get_id_and_unsupported, test_setup),
        cmocka_unit_test_setup(test_discard_write_zeroes, test_setup),
        cmocka_unit_test_setup(test_bad_buffers, test_setup),
        cmocka_unit_test(test_readonly),
        cmocka_unit_test(test_kick_returns_before_io),
        cmocka_unit_test(test_reset_drops_inflight),
        cmocka_unit_test(test_realize_errors),
        cmocka_unit_test(test_used_len_over_4g),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
