/*
 * Unit tests for blkdebug (block/blkdebug.c): rules files in QEMU's .ini form
 * inject errors into reads, writes and flushes at given sectors, once or for
 * good, in states moved by set-state; bad rules files are refused with the
 * file and line; a failing request is reported on stderr.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block.h"

#define IMG_SIZE (64 * KiB)

typedef struct Files {
    char img[64];
    char rules[64];
} Files;

static int setup(void **state)
{
    Files *f = xzalloc(sizeof(*f));
    int fd;

    strcpy(f->img, "/tmp/kestrel-test-blkdebug-img-XXXXXX");
    strcpy(f->rules, "/tmp/kestrel-test-blkdebug-rules-XXXXXX");
    fd = mkstemp(f->img);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, IMG_SIZE), 0);
    close(fd);
    fd = mkstemp(f->rules);
    assert_true(fd >= 0);
    close(fd);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    Files *f = *state;

    unlink(f->img);
    unlink(f->rules);
    free(f);
    return 0;
}

/* Write the rules file and open the image through blkdebug. */
static BlockBackend *open_with_rules(Files *f, const char *rules, Error **errp)
{
    FILE *fp = fopen(f->rules, "w");
    char *name = xasprintf("blkdebug:%s:%s", f->rules, f->img);
    BlockBackend *blk;

    assert_non_null(fp);
    fputs(rules, fp);
    fclose(fp);
    blk = blk_open(name, "raw", 0, errp);
    free(name);
    return blk;
}

static void test_no_rules_passes_through(void **state)
{
    Files *f = *state;
    char *name = xasprintf("blkdebug::%s", f->img);
    BlockBackend *blk = blk_open(name, NULL, 0, &error_abort);
    uint8_t buf[512] = {1, 2, 3}, back[512];

    assert_int_equal(blk_getlength(blk), IMG_SIZE);
    assert_int_equal(blk_pwrite(blk, 4096, buf, sizeof(buf)), 0);
    assert_int_equal(blk_pread(blk, 4096, back, sizeof(back)), 0);
    assert_memory_equal(buf, back, sizeof(buf));
    assert_int_equal(blk_flush(blk), 0);
    blk_unref(blk);
    free(name);
}

static void test_read_error_at_sector(void **state)
{
    BlockBackend *blk = open_with_rules(*state,
                                        "# fail reads of sector 8\n"
                                        "[inject-error]\n"
                                        "event = \"read_aio\"\n"
                                        "errno = \"5\"\n"
                                        "sector = \"8\"\n",
                                        &error_abort);
    uint8_t buf[1024];

    assert_int_equal(blk_pread(blk, 0, buf, 512), 0);        /* sector 0 */
    assert_int_equal(blk_pread(blk, 3584, buf, 1024), -EIO); /* sectors 7-8 */
    assert_int_equal(blk_pread(blk, 4096, buf, 512), -EIO);  /* again: not once */
    assert_int_equal(blk_pread(blk, 4608, buf, 512), 0);     /* sector 9 */
    /* Armed by a read, the rule fails writes of the sector too (QEMU's default: all iotypes). */
    assert_int_equal(blk_pwrite(blk, 4096, buf, 512), -EIO);
    blk_unref(blk);
}

static void test_write_error_once_with_errno(void **state)
{
    BlockBackend *blk = open_with_rules(*state,
                                        "[inject-error]\n"
                                        "event = write_aio\n"
                                        "errno = 28\n"
                                        "once = on\n"
                                        "iotype = write\n",
                                        &error_abort);
    uint8_t buf[512] = {0};

    assert_int_equal(blk_pread(blk, 0, buf, 512), 0);
    assert_int_equal(blk_pwrite(blk, 0, buf, 512), -ENOSPC);
    assert_int_equal(blk_pwrite(blk, 0, buf, 512), 0); /* once: gone */
    blk_unref(blk);
}

/* "Fail the third write": a chain of states, as QEMU's set-state rules express it. */
static void test_set_state_counts_requests(void **state)
{
    BlockBackend *blk = open_with_rules(*state,
                                        "[set-state]\nevent = \"write_aio\"\nstate = \"1\"\n"
                                        "new_state = \"2\"\n"
                                        "[set-state]\nevent = \"write_aio\"\nstate = \"2\"\n"
                                        "new_state = \"3\"\n"
                                        "[inject-error]\nevent = \"write_aio\"\nstate = \"3\"\n"
                                        "iotype = \"write\"\n",
                                        &error_abort);
    uint8_t buf[512] = {0};

    assert_int_equal(blk_pwrite(blk, 0, buf, 512), 0);
    assert_int_equal(blk_pwrite(blk, 0, buf, 512), 0);
    assert_int_equal(blk_pwrite(blk, 0, buf, 512), -EIO);
    assert_int_equal(blk_pwrite(blk, 512, buf, 512), -EIO); /* state 3 stays */
    assert_int_equal(blk_pread(blk, 0, buf, 512), 0);       /* iotype=write */
    blk_unref(blk);
}

static void test_flush_error(void **state)
{
    BlockBackend *blk =
        open_with_rules(*state, "[inject-error]\nevent = \"flush_to_disk\"\n", &error_abort);

    assert_int_equal(blk_flush(blk), -EIO);
    blk_unref(blk);
}

static void expect_open_error(Files *f, const char *rules, const char *msg)
{
    Error *err = NULL;

    assert_null(open_with_rules(f, rules, &err));
    assert_non_null(err);
    if (!strstr(error_get_pretty(err), msg)) {
        fail_msg("error '%s' lacks '%s'", error_get_pretty(err), msg);
    }
    error_free(err);
}

static void test_bad_rules_are_refused(void **state)
{
    Files *f = *state;

    expect_open_error(f, "[inject-error]\nevent = \"no_such_event\"\n", ":2: invalid event");
    expect_open_error(f, "[frobnicate]\n", ":1: unknown section [frobnicate]");
    expect_open_error(f, "event = \"read_aio\"\n", ":1: expected [section]");
    expect_open_error(f, "[inject-error]\nerrno = \"5\"\n", "lacks event");
    expect_open_error(f, "[set-state]\nevent = \"read_aio\"\n", "lacks new_state");
    expect_open_error(f, "[inject-error]\nevent = read_aio\nsector = -3\n", "invalid sector");
    expect_open_error(f, "[inject-error]\nevent = read_aio\niotype = sideways\n", "invalid iotype");
}

static void test_bad_filenames_are_refused(void **state)
{
    Files *f = *state;
    Error *err = NULL;
    char *missing = xasprintf("blkdebug:/nonexistent/rules:%s", f->img);

    assert_null(blk_open("blkdebug:nocolon", NULL, 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "expected blkdebug:[RULES-FILE]:IMAGE"));
    error_free(err);
    err = NULL;
    assert_null(blk_open(missing, NULL, 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "cannot open rules file '/nonexistent/rules'"));
    error_free(err);
    free(missing);
}

/* The host error reaches stderr once, with the drive, the request and the errno's text. */
static void test_error_is_logged(void **state)
{
    BlockBackend *blk =
        open_with_rules(*state, "[inject-error]\nevent = \"read_aio\"\n", &error_abort);
    char path[] = "/tmp/kestrel-test-blkdebug-log-XXXXXX";
    int fd = mkstemp(path), saved = dup(STDERR_FILENO);
    uint8_t buf[512];
    char log[1024] = {0};

    assert_true(blk_register(blk, "hd7", &error_abort));
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    assert_int_equal(blk_pread(blk, 1024, buf, 512), -EIO);
    assert_int_equal(blk_pread(blk, 1024, buf, 512), -EIO); /* within the second: counted */
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    assert_true(pread(fd, log, sizeof(log) - 1, 0) > 0);
    close(fd);
    unlink(path);
    if (!strstr(log, "drive 'hd7'") || !strstr(log, "read of 512 bytes at offset 1024 failed") ||
        !strstr(log, "Input/output error") || strstr(strchr(log, '\n') + 1, "drive")) {
        fail_msg("unexpected log: %s", log);
    }
    blk_unref(blk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_no_rules_passes_through, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_error_at_sector, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error_once_with_errno, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_state_counts_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_flush_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rules_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_filenames_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_is_logged, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
