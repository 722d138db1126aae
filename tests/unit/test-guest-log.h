/*
 * What a device logged under -d guest_errors while a test step ran, for unit tests that
 * check a bad guest access is reported (include after <cmocka.h>).
 */
#ifndef TESTS_UNIT_TEST_GUEST_LOG_H
#define TESTS_UNIT_TEST_GUEST_LOG_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/error.h"
#include "util/log.h"

/* The guest_errors lines logged while fn ran (a static buffer, valid until the next call). */
static char *logged(void (*fn)(void))
{
    static char text[4096];
    char path[] = "/tmp/kestrel-unit-log-XXXXXX";
    int fd = mkstemp(path);
    FILE *f;
    size_t n;

    assert_true(fd >= 0);
    close(fd);
    assert_true(log_set_file(path, &error_abort));
    log_mask_enabled |= LOG_GUEST_ERROR;
    fn();
    log_mask_enabled &= ~LOG_GUEST_ERROR;
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(path);
    return text;
}

#endif
