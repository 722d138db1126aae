/*
 * Unit tests for the block layer on temporary files: read/write/flush/discard,
 * range checks, read-only backends, snapshot overlays that never touch the
 * image (partial sectors included), the registry, and -drive parsing and its
 * error messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block.h"

#define IMG_SIZE (64 * KiB)

static char img[64];

static int make_image(void **state)
{
    uint8_t buf[IMG_SIZE];
    int fd;

    strcpy(img, "/tmp/kestrel-test-block-XXXXXX");
    fd = mkstemp(img);
    assert_true(fd >= 0);
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = i / BDRV_SECTOR_SIZE; /* each sector holds its number */
    }
    assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
    close(fd);
    return 0;
}

static int remove_image(void **state)
{
    blk_unref_all();
    unlink(img);
    return 0;
}

static uint8_t file_byte(off_t off)
{
    uint8_t b = 0xee;
    int fd = open(img, O_RDONLY);

    assert_int_equal(pread(fd, &b, 1, off), 1);
    close(fd);
    return b;
}

static void test_read_write(void **state)
{
    BlockBackend *blk = blk_open(img, "raw", 0, &error_abort);
    uint8_t buf[1024];

    assert_int_equal(blk_getlength(blk), IMG_SIZE);
    assert_int_equal(blk_pread(blk, 3 * 512, buf, 1024), 0);
    assert_int_equal(buf[0], 3);
    assert_int_equal(buf[1023], 4);
    memset(buf, 0xab, sizeof(buf));
    assert_int_equal(blk_pwrite(blk, 10 * 512, buf, 512), 0);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(file_byte(10 * 512), 0xab);
    assert_int_equal(file_byte(11 * 512), 11);
    /* Ranges beyond the end, including ones that overflow. */
    assert_int_equal(blk_pread(blk, IMG_SIZE - 512, buf, 1024), -EINVAL);
    assert_int_equal(blk_pwrite(blk, UINT64_MAX - 10, buf, 512), -EINVAL);
    assert_int_equal(blk_pread(blk, IMG_SIZE, buf, 0), 0);
    assert_int_equal(blk_pwrite_zeroes(blk, 10 * 512, 512), 0);
    assert_int_equal(file_byte(10 * 512), 0);
    blk_unref(blk);
}

static void test_discard(void **state)
{
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_DISCARD_UNMAP, &error_abort);
    uint8_t buf[4096];

    assert_int_equal(blk_discard(blk, 0, 4096), 0);
    assert_int_equal(blk_pread(blk, 0, buf, sizeof(buf)), 0);
    /* A punched hole reads as zeros where the host supports it; else the data stays. */
    assert_true(buf[4095] == 0 || buf[4095] == 7);
    assert_int_equal(blk_getlength(blk), IMG_SIZE);
    assert_int_equal(blk_discard(blk, IMG_SIZE, 1), -EINVAL);
    blk_unref(blk);
    /* discard=ignore (the default): nothing happens. */
    blk = blk_open(img, NULL, 0, &error_abort);
    assert_int_equal(blk_discard(blk, 8192, 512), 0);
    assert_int_equal(file_byte(8192), 16);
    blk_unref(blk);
}

static void test_readonly(void **state)
{
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_READONLY, &error_abort);
    uint8_t buf[512] = {1};

    assert_true(blk_is_read_only(blk));
    assert_int_equal(blk_pwrite(blk, 0, buf, sizeof(buf)), -EROFS);
    assert_int_equal(blk_pwrite_zeroes(blk, 0, 512), -EROFS);
    assert_int_equal(blk_discard(blk, 0, 512), -EROFS);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_pread(blk, 512, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 1);
    blk_unref(blk);
}

static void test_snapshot(void **state)
{
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_SNAPSHOT, &error_abort);
    uint8_t buf[2048], before[IMG_SIZE], after[IMG_SIZE];
    int fd = open(img, O_RDONLY);

    assert_int_equal(pread(fd, before, IMG_SIZE, 0), IMG_SIZE);
    assert_false(blk_is_read_only(blk));
    memset(buf, 0x77, sizeof(buf));
    /* Unaligned: the partial sectors around it must keep their old bytes. */
    assert_int_equal(blk_pwrite(blk, 5 * 512 + 100, buf, 1000), 0);
    assert_int_equal(blk_pwrite(blk, 20 * 512, buf, 512), 0);
    assert_int_equal(blk_flush(blk), 0);
    assert_int_equal(blk_pread(blk, 5 * 512, buf, 2048), 0);
    assert_int_equal(buf[99], 5);
    assert_int_equal(buf[100], 0x77);
    assert_int_equal(buf[1099], 0x77);
    assert_int_equal(buf[1100], 7);
    assert_int_equal(buf[2047], 8);
    assert_int_equal(blk_pread(blk, 19 * 512, buf, 1536), 0);
    assert_int_equal(buf[0], 19);
    assert_int_equal(buf[512], 0x77);
    assert_int_equal(buf[1024], 21);
    assert_int_equal(blk_discard(blk, 0, 512), 0);
    blk_unref(blk);
    assert_int_equal(pread(fd, after, IMG_SIZE, 0), IMG_SIZE);
    assert_memory_equal(before, after, IMG_SIZE);
    close(fd);
}

static void test_open_errors(void **state)
{
    Error *err = NULL;

    assert_null(blk_open("/nonexistent/disk.img", "raw", 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "Could not open '/nonexistent/disk.img'"));
    assert_non_null(strstr(error_get_pretty(err), "No such file"));
    error_free(err);
    err = NULL;
    assert_null(blk_open("/tmp", "raw", 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "'/tmp'"));
    error_free(err);
    err = NULL;
    assert_null(blk_open(img, "vmdk", 0, &err));
    assert_string_equal(error_get_pretty(err), "format 'vmdk' is not supported yet");
    error_free(err);
}

static void test_lock(void **state)
{
    BlockBackend *a = blk_open(img, "raw", 0, &error_abort);
    Error *err = NULL;

    assert_null(blk_open(img, "raw", BLK_OPEN_READONLY, &err));
    assert_non_null(strstr(error_get_pretty(err), "lock"));
    error_free(err);
    blk_unref(a);
}

static void test_drive_new(void **state)
{
    char *dev = (char *)1, *opt;
    Error *err = NULL;

    opt = xasprintf("file=%s,format=raw,if=none,id=d0,cache=none,aio=threads,discard=unmap", img);
    assert_true(drive_new(opt, false, &dev, &error_abort));
    assert_null(dev);
    assert_non_null(blk_by_name("d0"));
    assert_string_equal(blk_name(blk_by_name("d0")), "d0");
    assert_false(drive_new(opt, false, &dev, &err));
    assert_string_equal(error_get_pretty(err), "Duplicate ID 'd0' for drive");
    error_free(err);
    free(opt);
    blk_unref_all();

    /* Defaults as QEMU's virt: if=none with the id none0, then none1. */
    opt = xasprintf("file=%s,readonly=on", img);
    assert_true(drive_new(opt, false, &dev, &error_abort));
    assert_true(drive_new(opt, false, &dev, &error_abort));
    assert_true(blk_is_read_only(blk_by_name("none0")));
    assert_non_null(blk_by_name("none1"));
    free(opt);
    blk_unref_all();

    opt = xasprintf("file=%s,if=virtio,snapshot=on", img);
    assert_true(drive_new(opt, false, &dev, &error_abort));
    assert_string_equal(dev, "virtio-blk-pci,drive=virtio0"); /* on PCI, as QEMU's virt */
    free(dev);
    free(opt);
    blk_unref_all();
}

static void test_drive_errors(void **state)
{
    static const char *const bad[][2] = {
        {"file=%s,format=vmdk", "format 'vmdk' is not supported yet"},
        {"file=%s,if=ide", "if=ide"},
        {"file=%s,bogus=1", "Invalid parameter 'bogus'"},
        {"file=%s,readonly=maybe", "readonly"},
        {"file=%s,cache=sometimes", "cache"},
        {"if=none,id=x%.0s", "file="}, /* %.0s: this one names no image */
        {"file=/nonexistent%.0s", "Could not open '/nonexistent"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        char *opt = xasprintf(bad[i][0], img);
        char *dev = NULL;
        Error *err = NULL;

        assert_false(drive_new(opt, false, &dev, &err));
        assert_non_null(err);
        if (!strstr(error_get_pretty(err), bad[i][1])) {
            fail_msg("'%s': '%s' lacks '%s'", opt, error_get_pretty(err), bad[i][1]);
        }
        assert_null(dev);
        error_free(err);
        free(opt);
    }
    assert_null(blk_by_name("none0"));
}

static void test_global_snapshot(void **state)
{
    char *dev, *opt = xasprintf("file=%s,id=s", img);
    uint8_t buf[512] = {0x55};

    assert_true(drive_new(opt, true, &dev, &error_abort));
    assert_int_equal(blk_pwrite(blk_by_name("s"), 0, buf, 512), 0);
    blk_flush_all();
    blk_unref_all();
    assert_int_equal(file_byte(0), 0);
    free(opt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_write, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_discard, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_readonly, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_snapshot, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_open_errors, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_lock, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_drive_new, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_drive_errors, make_image, remove_image),
        cmocka_unit_test_setup_teardown(test_global_snapshot, make_image, remove_image),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
