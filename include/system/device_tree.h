/*
 * Device trees the user supplies (-dtb FILE): read and checked here, so the board and the
 * fuzzer (tests/fuzz/fuzz-dtb.c) use one loader.
 */
#ifndef SYSTEM_DEVICE_TREE_H
#define SYSTEM_DEVICE_TREE_H

#include "common.h"
#include "util/error.h"

/* Largest -dtb file accepted. */
#define DEVICE_TREE_MAX_FILE (1 * MiB)

/*
 * Read the flattened device tree in path into a new buffer (the caller frees it) with extra
 * bytes of free space for the properties the board adds. Fails, with a message naming path,
 * on a missing or oversize file and on anything libfdt does not accept as a tree.
 */
void *load_device_tree(const char *path, size_t extra, Error **errp);

#endif
