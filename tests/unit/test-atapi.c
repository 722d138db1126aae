/*
 * Unit tests for the ATAPI MMC command set (hw/ide/atapi.c), CDB in, reply and sense out:
 * INQUIRY, REQUEST SENSE, TEST UNIT READY, READ CAPACITY, READ(10)/(12) ranges, READ TOC
 * formats 0 and 1 in LBA and MSF, GET CONFIGURATION (profiles, RT), GET EVENT STATUS
 * NOTIFICATION, MODE SENSE(10), READ DISC INFORMATION, MECHANISM STATUS, eject and the
 * medium lock; and the refusals: writes (DATA PROTECT), unknown opcodes, reads past the
 * medium, reserved fields, each with its sense data and a guest_errors line where the guest
 * sent a malformed CDB; an empty drive; a medium changed by the monitor (unit attention, media
 * events, eject requests) and the empty backend it changes. The AHCI transport is tested in
 * test-ahci.c. And -drive media=cdrom: the read-only drive ide<N>-cd0 and the ide-cd device string
 * q35 creates.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "test-guest-log.h"

#include "block/block.h"
#include "hw/ide/atapi.h"

#define MEDIUM_SECTORS 1000

static ATAPIState cd;
static ATAPIRequest req;
static uint8_t cdb[ATAPI_CDB_SIZE];

static int setup(void **state)
{
    memset(&cd, 0, sizeof(cd));
    atapi_insert(&cd, (uint64_t)MEDIUM_SECTORS * ATAPI_SECTOR_SIZE);
    return 0;
}

/* Run the CDB given as bytes (the rest zero). */
static bool run(int n, ...)
{
    va_list ap;

    memset(cdb, 0, sizeof(cdb));
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        cdb[i] = va_arg(ap, int);
    }
    va_end(ap);
    return atapi_execute(&cd, cdb, &req);
}

static void run_cdb(void)
{
    atapi_execute(&cd, cdb, &req);
}

static void assert_sense(uint8_t key, uint8_t asc, uint8_t ascq)
{
    assert_int_equal(cd.sense_key, key);
    assert_int_equal(cd.asc, asc);
    assert_int_equal(cd.ascq, ascq);
    assert_int_equal(req.len, 0);
}

static uint32_t be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (be16(p) << 16) | be16(p + 2);
}

static void test_inquiry_and_sense(void **state)
{
    assert_true(run(5, 0x12, 0, 0, 0, 96));
    assert_int_equal(req.len, 36);
    assert_int_equal(req.data[0], 0x05); /* CD/DVD */
    assert_int_equal(req.data[1], 0x80); /* removable */
    assert_memory_equal(req.data + 8, "QEMU    QEMU DVD-ROM    2.5+", 28);
    /* The allocation length cuts the reply. */
    assert_true(run(5, 0x12, 0, 0, 0, 5));
    assert_int_equal(req.len, 5);
    /* A failure's sense comes back once through REQUEST SENSE, then NO SENSE. */
    assert_false(run(1, 0x2a));
    assert_sense(SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, 0);
    assert_true(run(5, 0x03, 0, 0, 0, 18));
    assert_int_equal(req.len, 18);
    assert_int_equal(req.data[0], 0x70);
    assert_int_equal(req.data[2], SENSE_DATA_PROTECT);
    assert_int_equal(req.data[12], ASC_WRITE_PROTECTED);
    assert_true(run(5, 0x03, 0, 0, 0, 18));
    assert_int_equal(req.data[2], SENSE_NO_SENSE);
}

static void test_capacity_and_read(void **state)
{
    assert_true(run(1, 0x00));
    assert_true(run(1, 0x25));
    assert_int_equal(req.len, 8);
    assert_int_equal(be32(req.data), MEDIUM_SECTORS - 1);
    assert_int_equal(be32(req.data + 4), 2048);
    /* READ(10) of 16 sectors at 984 (the last ones), READ(12) of 3 at 5. */
    assert_true(run(9, 0x28, 0, 0, 0, 984 >> 8, 984 & 0xff, 0, 0, 16));
    assert_int_equal(req.lba, 984);
    assert_int_equal(req.nsectors, 16);
    assert_int_equal(req.len, 0);
    assert_true(run(10, 0xa8, 0, 0, 0, 0, 5, 0, 0, 0, 3));
    assert_int_equal(req.lba, 5);
    assert_int_equal(req.nsectors, 3);
}

static void test_toc(void **state)
{
    /* Format 0 in LBA: track 1 at 0, lead-out at the medium's end. */
    assert_true(run(9, 0x43, 0, 0, 0, 0, 0, 0, 0, 100));
    assert_int_equal(req.len, 20);
    assert_int_equal(be16(req.data), 18);
    assert_int_equal(req.data[2], 1);
    assert_int_equal(req.data[3], 1);
    assert_int_equal(req.data[4 + 1], 0x14);
    assert_int_equal(req.data[4 + 2], 1);
    assert_int_equal(be32(req.data + 8), 0);
    assert_int_equal(req.data[12 + 2], 0xaa);
    assert_int_equal(be32(req.data + 16), MEDIUM_SECTORS);
    /* The same in MSF: track 1 at 00:02:00, lead-out at (1000 + 150) frames = 00:15:25. */
    assert_true(run(9, 0x43, 2, 0, 0, 0, 0, 0, 0, 100));
    assert_int_equal(be32(req.data + 8), 0x000200);
    assert_int_equal(be32(req.data + 16), 0x000f19);
    /* Starting at the lead-out: only it. */
    assert_true(run(9, 0x43, 0, 0, 0, 0, 0, 0xaa, 0, 100));
    assert_int_equal(req.len, 12);
    /* Format 1, the session: one, starting at LBA 0. */
    assert_true(run(9, 0x43, 0, 1, 0, 0, 0, 0, 0, 100));
    assert_int_equal(req.len, 12);
    assert_int_equal(be16(req.data), 10);
    assert_int_equal(req.data[4 + 2], 1);
    assert_int_equal(be32(req.data + 8), 0);
}

static void test_configuration_and_events(void **state)
{
    /* GET CONFIGURATION, all features: current profile CD-ROM (a 2 MB medium). */
    assert_true(run(9, 0x46, 0, 0, 0, 0, 0, 0, 1, 0));
    assert_int_equal(be16(req.data + 6), 0x0008);
    assert_int_equal(be32(req.data), req.len - 4);
    assert_int_equal(be16(req.data + 8), 0x0000); /* the profile list first */
    /* RT 2, feature 0x0010 only: random readable, 2048-byte blocks. */
    assert_true(run(9, 0x46, 2, 0, 0x10, 0, 0, 0, 1, 0));
    assert_int_equal(req.len, 8 + 12);
    assert_int_equal(be16(req.data + 8), 0x0010);
    assert_int_equal(be32(req.data + 12), 2048);
    /* GET EVENT STATUS: new media once after insertion, then no change. */
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.len, 8);
    assert_int_equal(req.data[2], 4);
    assert_int_equal(req.data[4], 2);
    assert_int_equal(req.data[5], 2); /* medium present */
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 0);
    /* MODE SENSE(10) page 0x2a: tray loader that can eject and lock. */
    assert_true(run(9, 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64));
    assert_int_equal(req.len, 8 + 22);
    assert_int_equal(be16(req.data), 8 + 22 - 2);
    assert_int_equal(req.data[8], 0x2a);
    assert_int_equal(req.data[8 + 6] & 0x29, 0x29);
    assert_true(run(9, 0x5a, 0, 0x3f, 0, 0, 0, 0, 0, 64));
    assert_int_equal(req.len, 8 + 8 + 22);
    assert_true(run(9, 0x51, 0, 0, 0, 0, 0, 0, 0, 34));
    assert_int_equal(req.len, 34);
    assert_int_equal(req.data[2], 0x0e);
    assert_true(run(10, 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8));
    assert_int_equal(req.len, 8);
    assert_true(run(1, 0xbb));
}

static void test_eject_and_lock(void **state)
{
    /* Locked: eject refused. */
    assert_true(run(5, 0x1e, 0, 0, 0, 1));
    assert_false(run(5, 0x1b, 0, 0, 0, 2));
    assert_sense(SENSE_ILLEGAL_REQUEST, ASC_MEDIUM_REMOVAL_PREVENTED, 2);
    assert_true(run(5, 0x1e, 0, 0, 0, 0));
    assert_true(run(5, 0x1b, 0, 0, 0, 2));
    /* No medium: NOT READY for what needs one, a removal event, door open. */
    assert_false(run(1, 0x00));
    assert_sense(SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 2);
    assert_false(run(9, 0x28, 0, 0, 0, 0, 0, 0, 0, 1));
    assert_false(run(1, 0x25));
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 3);
    assert_int_equal(req.data[5], 1);
    assert_true(run(9, 0x46, 0, 0, 0, 0, 0, 0, 1, 0));
    assert_int_equal(be16(req.data + 6), 0); /* no current profile */
    /* Load it again. */
    assert_true(run(5, 0x1b, 0, 0, 0, 3));
    assert_true(run(1, 0x00));
}

/* A drive with no disc: it answers, but what needs a medium is NOT READY (tray closed). */
static void test_empty_drive(void **state)
{
    memset(&cd, 0, sizeof(cd));
    assert_true(run(5, 0x12, 0, 0, 0, 36));
    assert_false(run(1, 0x00));
    assert_sense(SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 1);
    assert_false(run(1, 0x25));
    assert_false(run(9, 0x28, 0, 0, 0, 0, 0, 0, 0, 1));
    assert_false(run(9, 0x43, 0, 0, 0, 0, 0, 0, 0, 100));
    assert_true(run(9, 0x46, 0, 0, 0, 0, 0, 0, 1, 0));
    assert_int_equal(be16(req.data + 6), 0);
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 0);
    assert_int_equal(req.data[5], 0); /* no medium, door closed */
    /* Opening and closing an empty tray brings no media event and no disc. */
    assert_true(run(5, 0x1b, 0, 0, 0, 2));
    assert_true(run(5, 0x1b, 0, 0, 0, 3));
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 0);
    assert_false(run(1, 0x00));
}

/* The monitor takes the disc out and puts another in: the guest learns it once through a
 * unit attention (REQUEST SENSE or the next command that is not exempt) and a media event. */
static void test_media_change(void **state)
{
    atapi_media_changed(&cd, true, false, 0); /* eject: tray open, no disc */
    assert_true(run(5, 0x12, 0, 0, 0, 36));   /* INQUIRY goes through a unit attention */
    assert_false(run(1, 0x00));
    assert_sense(SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
    assert_false(run(1, 0x00));
    assert_sense(SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 2);
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 3); /* media removal */
    assert_int_equal(req.data[5], 1); /* door open, no medium */
    /* change: a bigger disc, tray closed. GET EVENT STATUS is exempt from the attention. */
    atapi_media_changed(&cd, false, true, 2 * MEDIUM_SECTORS * (uint64_t)ATAPI_SECTOR_SIZE);
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 2); /* new media */
    assert_int_equal(req.data[5], 2);
    assert_true(run(5, 0x03, 0, 0, 0, 18)); /* REQUEST SENSE reports it and clears it */
    assert_int_equal(req.data[2], SENSE_UNIT_ATTENTION);
    assert_int_equal(req.data[12], ASC_MEDIUM_MAY_HAVE_CHANGED);
    assert_true(run(1, 0x00));
    assert_true(run(1, 0x25));
    assert_int_equal(be32(req.data), 2 * MEDIUM_SECTORS - 1);
    /* eject of a locked tray: an eject-request event; force also drops the lock */
    assert_true(run(5, 0x1e, 0, 0, 0, 1));
    atapi_eject_request(&cd, false);
    assert_true(cd.locked);
    assert_true(run(9, 0x4a, 1, 0, 0, 0x10, 0, 0, 0, 8));
    assert_int_equal(req.data[4], 1);
    atapi_eject_request(&cd, true);
    assert_false(cd.locked);
}

/* Each refusal: its sense, and a guest_errors line naming it (NULL: none expected). */
static void test_refusals(void **state)
{
    static const struct {
        uint8_t cdb[ATAPI_CDB_SIZE];
        uint8_t key, asc;
        const char *log;
    } cases[] = {
        {{0x2a, 0, 0, 0, 0, 0, 0, 0, 1}, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, NULL},
        {{0xaa, 0, 0, 0, 0, 0, 0, 0, 0, 1}, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, NULL},
        {{0xff}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, "unsupported command 0xff"},
        {{0x1a}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, "unsupported command 0x1a"},
        /* 1 sector past the end; a 2^32-1 sector READ(12); an LBA far past the end */
        {{0x28, 0, 0, 0, 0x03, 0xe8, 0, 0, 1},
         SENSE_ILLEGAL_REQUEST,
         ASC_LBA_OUT_OF_RANGE,
         "READ of 1 sectors at 1000 past the end (1000)"},
        {{0xa8, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff},
         SENSE_ILLEGAL_REQUEST,
         ASC_LBA_OUT_OF_RANGE,
         "READ of 4294967295 sectors at 0"},
        {{0x28, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 1},
         SENSE_ILLEGAL_REQUEST,
         ASC_LBA_OUT_OF_RANGE,
         "past the end"},
        {{0x12, 1}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "vital product data"},
        {{0x43, 0, 2}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "format other than 0 or 1"},
        {{0x43, 0, 0, 0, 0, 0, 5}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "past the last"},
        {{0x4a, 0}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "without Polled"},
        {{0x5a, 0, 0x05}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "unsupported page"},
        {{0x5a, 0, 0xea}, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, "saved values"},
        {{0x46, 3}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "reserved RT"},
        {{0x51, 1}, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, "data type other than 0"},
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *text;

        memcpy(cdb, cases[i].cdb, sizeof(cdb));
        text = logged(run_cdb);
        assert_sense(cases[i].key, cases[i].asc, cd.ascq);
        assert_int_equal(req.nsectors, 0);
        if (cases[i].log) {
            assert_non_null(strstr(text, cases[i].log));
        } else {
            assert_string_equal(text, "");
        }
    }
}

static void test_drive_media_cdrom(void **state)
{
    char path[] = "/tmp/kestrel-test-atapi-XXXXXX";
    int fd = mkstemp(path);
    DriveBoard q35 = {.default_if = "ide", .ide_buses = 6};
    char *opt, *dev;
    Error *err = NULL;

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4 * ATAPI_SECTOR_SIZE), 0);
    close(fd);
    opt = xasprintf("index=2,media=cdrom,format=raw,file=%s", path);
    assert_true(drive_new_on(opt, false, &q35, &dev, &error_abort));
    assert_string_equal(dev, "ide-cd,drive=ide2-cd0,bus=ide.2");
    assert_true(blk_is_read_only(blk_by_name("ide2-cd0")));
    free(dev);
    /* -cdrom and -hdc both want index 2, as QEMU says. */
    assert_false(drive_new_on(opt, false, &q35, &dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "(index=2) exists"));
    error_free(err);
    err = NULL;
    free(opt);
    opt = xasprintf("media=floppy,file=%s", path);
    assert_false(drive_new_on(opt, false, &q35, &dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "Invalid value 'floppy' for parameter 'media'"));
    error_free(err);
    free(opt);
    unlink(path);
}

/* media=cdrom without file=: an empty backend that change and eject fill and empty. */
static void test_empty_cdrom_backend(void **state)
{
    char path[] = "/tmp/kestrel-test-atapi-XXXXXX";
    int fd = mkstemp(path);
    DriveBoard q35 = {.default_if = "ide", .ide_buses = 6};
    BlockBackend *blk, *img;
    char *dev, buf[16];
    Error *err = NULL;

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 4 * ATAPI_SECTOR_SIZE), 0);
    close(fd);
    assert_true(drive_new_on("index=3,media=cdrom", false, &q35, &dev, &error_abort));
    assert_string_equal(dev, "ide-cd,drive=ide3-cd0,bus=ide.3");
    free(dev);
    blk = blk_by_name("ide3-cd0");
    assert_false(blk_is_inserted(blk));
    assert_int_equal(blk_getlength(blk), 0);
    assert_true(blk_pread(blk, 0, buf, sizeof(buf)) < 0); /* nothing to read */
    img = blk_open(path, "raw", BLK_OPEN_READONLY, &error_abort);
    blk_insert_medium(blk, img);
    assert_true(blk_is_inserted(blk));
    assert_int_equal(blk_getlength(blk), 4 * ATAPI_SECTOR_SIZE);
    assert_string_equal(blk_filename(blk), path);
    assert_int_equal(blk_pread(blk, 0, buf, sizeof(buf)), 0);
    assert_true(blk_by_name("ide3-cd0") == blk); /* same backend, same id */
    blk_remove_medium(blk);
    assert_false(blk_is_inserted(blk));
    /* Only a CD-ROM drive may be empty. */
    assert_false(drive_new_on("if=none,id=nofile", false, &q35, &dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "only media=cdrom drives may be empty"));
    error_free(err);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_inquiry_and_sense, setup),
        cmocka_unit_test_setup(test_capacity_and_read, setup),
        cmocka_unit_test_setup(test_toc, setup),
        cmocka_unit_test_setup(test_configuration_and_events, setup),
        cmocka_unit_test_setup(test_eject_and_lock, setup),
        cmocka_unit_test_setup(test_refusals, setup),
        cmocka_unit_test(test_empty_drive),
        cmocka_unit_test(test_drive_media_cdrom),
        cmocka_unit_test_setup(test_media_change, setup),
        cmocka_unit_test(test_empty_cdrom_backend),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
