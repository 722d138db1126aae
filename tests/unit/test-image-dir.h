/*
 * A scratch directory for unit tests that build disk images (often with qemu-img): the
 * group setup makes it, the teardown closes every BlockBackend and removes it; and a check
 * of what an image reads back. Define
 * IMAGE_DIR_TEMPLATE ("/tmp/kestrel-test-NAME-XXXXXX") before including this file.
 */
#ifndef TESTS_UNIT_TEST_IMAGE_DIR_H
#define TESTS_UNIT_TEST_IMAGE_DIR_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block/block.h"

static char dir[64];

static inline int make_dir(void **state)
{
    strcpy(dir, IMAGE_DIR_TEMPLATE);
    assert_non_null(mkdtemp(dir));
    return 0;
}

static inline int remove_dir(void **state)
{
    char *cmd = xasprintf("rm -rf %s", dir);

    blk_unref_all();
    assert_int_equal(system(cmd), 0);
    free(cmd);
    return 0;
}

/* dir/name, in one of four rotating buffers (enough for the calls of one statement). */
static inline char *path(const char *name)
{
    static char buf[4][128];
    static int next;
    char *p = buf[next++ % 4];

    snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
    return p;
}

/* Run a shell command in the test directory; it must succeed. */
static inline void PRINTF_FMT(1, 2) sh(const char *fmt, ...)
{
    char *cmd, *full;
    va_list ap;

    va_start(ap, fmt);
    assert_true(vasprintf(&cmd, fmt, ap) >= 0);
    va_end(ap);
    full = xasprintf("cd %s && (%s) >/dev/null", dir, cmd);
    if (system(full) != 0) {
        fail_msg("command failed: %s", cmd);
    }
    free(full);
    free(cmd);
}

/* len bytes at off of blk must all read as pattern. */
static inline void assert_read(BlockBackend *blk, uint64_t off, size_t len, int pattern)
{
    uint8_t *buf = xmalloc(len);

    assert_int_equal(blk_pread(blk, off, buf, len), 0);
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != pattern) {
            fail_msg("byte %zu at %#llx: %#x, want %#x", i, (unsigned long long)off, buf[i],
                     pattern);
        }
    }
    free(buf);
}

#endif
