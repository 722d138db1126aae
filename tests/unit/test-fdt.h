/*
 * For device tests of fdt_populate: the tree the device filled, flattened as the board
 * flattens it (dt_to_fdt), checked whole by libfdt, so the test reads it back with libfdt's
 * calls as the guest's firmware would. The caller frees the blob.
 */
#ifndef TEST_FDT_H
#define TEST_FDT_H

#include <libfdt.h>

#include "system/device_tree.h"

static inline char *test_fdt_flatten(DeviceTree *dt)
{
    char *fdt = dt_to_fdt(dt, 0, &error_abort);

    dt_free(dt);
    assert_int_equal(fdt_check_full(fdt, fdt_totalsize(fdt)), 0);
    return fdt;
}

#endif
