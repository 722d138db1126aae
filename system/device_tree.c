/*
 * -dtb FILE: the user's flattened device tree (include/system/device_tree.h).
 * The file is untrusted: its header and block layout are checked against what was read
 * before libfdt rewrites it into a buffer with room to grow.
 */
#include "system/device_tree.h"

#include <errno.h>
#include <libfdt.h>
#include <sys/stat.h>

/*
 * fdt_check_header() checks that each block starts inside the tree, not that the blocks keep
 * apart: a memory reservation map running into the structure block makes fdt_open_into()
 * move a negative length (found by tests/fuzz/fuzz-dtb). Accept the layout every dtc output
 * has: version 17, reservation map, structure and strings in that order without overlap, and
 * a structure block that fdt_check_full() walks cleanly.
 */
static bool device_tree_layout_ok(const void *fdt, size_t n)
{
    int nrsv = fdt_num_mem_rsv(fdt);
    uint64_t rsv_end, struct_end, strings_end;

    if (fdt_version(fdt) < 17 || nrsv < 0) {
        return false;
    }
    rsv_end = fdt_off_mem_rsvmap(fdt) + (uint64_t)(nrsv + 1) * sizeof(struct fdt_reserve_entry);
    struct_end = (uint64_t)fdt_off_dt_struct(fdt) + fdt_size_dt_struct(fdt);
    strings_end = (uint64_t)fdt_off_dt_strings(fdt) + fdt_size_dt_strings(fdt);
    return rsv_end <= fdt_off_dt_struct(fdt) && struct_end <= fdt_off_dt_strings(fdt) &&
           strings_end <= fdt_totalsize(fdt) && fdt_check_full(fdt, n) == 0;
}

void *load_device_tree(const char *path, size_t extra, Error **errp)
{
    FILE *f = fopen(path, "rb");
    struct stat st;
    size_t n;
    void *buf, *fdt = NULL;

    if (!f) {
        error_setg_errno(errp, errno, "%s: cannot open device tree", path);
        return NULL;
    }
    if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size > DEVICE_TREE_MAX_FILE) {
        error_setg(errp, "%s: too large for a device tree", path);
        fclose(f);
        return NULL;
    }
    buf = xzalloc(st.st_size + 1);
    n = fread(buf, 1, st.st_size, f);
    fclose(f);
    if (n < sizeof(struct fdt_header) || fdt_check_header(buf) != 0 || fdt_totalsize(buf) > n ||
        !device_tree_layout_ok(buf, n)) {
        error_setg(errp, "%s: not a valid flattened device tree", path);
    } else {
        fdt = xzalloc(fdt_totalsize(buf) + extra);
        if (fdt_open_into(buf, fdt, fdt_totalsize(buf) + extra) != 0) {
            error_setg(errp, "%s: malformed device tree", path);
            free(fdt);
            fdt = NULL;
        }
    }
    free(buf);
    return fdt;
}
