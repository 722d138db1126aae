/*
 * Device trees: the board's tree, built in memory and flattened once (DeviceTree), and the
 * trees the user supplies (-dtb FILE), read and checked here, so the board and the fuzzer
 * (tests/fuzz/fuzz-dtb.c) use one loader.
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

/*
 * A device tree under construction, flattened once by dt_to_fdt(). libfdt's read-write API
 * on a growing blob walks the blob on every call (a duplicate-name check over the parent's
 * whole subtree, a search of the strings block, a move of everything after the insertion):
 * 1.5 of the 2.4 M instructions of the tiny ELF's start-up (issue 7). Here each node and
 * property is added in constant time, or in time linear in the node's own children or
 * properties.
 *
 * The calls mirror libfdt's so the blob comes out as libfdt's would: a node is a
 * non-negative int (the root is 0, and a node keeps its number as others are added),
 * errors are negative libfdt codes (-FDT_ERR_EXISTS, -FDT_ERR_NOTFOUND, -FDT_ERR_BADPATH;
 * fdt_strerror() names them), and, as libfdt's fdt_add_subnode() and fdt_setprop() do, a
 * new subnode goes in front of its siblings and a new property in front of the node's
 * others, so the flattened tree lists both in reverse order of creation. Setting a property
 * that exists replaces its value in place.
 */
typedef struct DeviceTree DeviceTree;

/* A tree with only its root; never fails. dt_free() releases it and every copied value. */
DeviceTree *dt_new(void);
void dt_free(DeviceTree *dt);

/* A new subnode of parent named name (copied); -FDT_ERR_EXISTS if parent has one. */
int dt_add_subnode(DeviceTree *dt, int parent, const char *name);
/* Set node's property name to len bytes at val (copied; len 0 for an empty property). */
int dt_setprop(DeviceTree *dt, int node, const char *name, const void *val, int len);
/* dt_setprop() with one big-endian cell, two cells, a NUL-terminated string, nothing. */
int dt_setprop_u32(DeviceTree *dt, int node, const char *name, uint32_t val);
int dt_setprop_u64(DeviceTree *dt, int node, const char *name, uint64_t val);
int dt_setprop_string(DeviceTree *dt, int node, const char *name, const char *str);
int dt_setprop_empty(DeviceTree *dt, int node, const char *name);

/* The node at an absolute path ("/", "/soc", "/cpus/cpu-map"), or -FDT_ERR_*. */
int dt_path_offset(const DeviceTree *dt, const char *path);
/* A node's name (the root's is ""), or NULL for a node that does not exist. */
const char *dt_get_name(const DeviceTree *dt, int node);
/* The node listed first under node (the one added last), or -FDT_ERR_NOTFOUND. */
int dt_first_subnode(const DeviceTree *dt, int node);
/* Property name of node (NULL, *len = -FDT_ERR_NOTFOUND, if unset); len may be NULL. */
const void *dt_getprop(const DeviceTree *dt, int node, const char *name, int *len);
/* One more than the largest "phandle" set so far, as libfdt's fdt_generate_phandle(). */
int dt_generate_phandle(DeviceTree *dt, uint32_t *phandle);

/*
 * The flattened tree (version 17, empty reservation map) in a new buffer the caller frees,
 * opened for libfdt's read-write calls with extra bytes of free space for later properties
 * (/chosen's initrd, bootargs). NULL + errp if libfdt refuses it (a bug: sizes are exact).
 */
void *dt_to_fdt(const DeviceTree *dt, size_t extra, Error **errp);

#endif
