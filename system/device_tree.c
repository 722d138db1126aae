/*
 * Device trees (include/system/device_tree.h): the board's, built in memory and flattened
 * once, and -dtb FILE, the user's flattened tree. The file is untrusted: its header and block
 * layout are checked against what was read before libfdt rewrites it into a buffer with room
 * to grow.
 */
#include "system/device_tree.h"

#include <assert.h>
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

/* ---- DeviceTree: the board's tree in memory, flattened once ---- */

/* A growing byte buffer; the tree refers into it by offset, as realloc moves it. */
typedef struct DTBytes {
    char *p;
    size_t len, cap;
} DTBytes;

typedef struct DTProp {
    uint32_t name_off; /* in the strings block */
    uint32_t val_off;  /* in DeviceTree.data */
    int len;
    int next; /* the next property of the node, -1 at the end */
} DTProp;

typedef struct DTNode {
    uint32_t name_off;                         /* in DeviceTree.data, NUL-terminated */
    int first_child, next_sibling, first_prop; /* -1: none */
} DTNode;

struct DeviceTree {
    DTNode *nodes;
    int num_nodes, cap_nodes;
    DTProp *props;
    int num_props, cap_props;
    DTBytes data;    /* node names and property values */
    DTBytes strings; /* the strings block: each property name once, in order of first use */
    uint32_t *names; /* hash of strings: offset + 1, 0 for a free slot */
    uint32_t names_cap, names_used;
    uint32_t max_phandle;
};

static uint32_t dt_bytes_add(DTBytes *b, const void *src, size_t len)
{
    size_t off = b->len;

    if (b->len + len > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + len + 256);
        b->p = xrealloc(b->p, b->cap);
    }
    if (len) {
        memcpy(b->p + off, src, len);
    }
    b->len += len;
    return off;
}

static uint32_t dt_name_hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    while (*s) {
        h = (h ^ (uint8_t)*s++) * 16777619u;
    }
    return h;
}

/* The slot of name in the hash: its own, or the free one where it goes. */
static uint32_t *dt_name_slot(DeviceTree *dt, const char *name)
{
    uint32_t mask = dt->names_cap - 1;

    for (uint32_t i = dt_name_hash(name) & mask;; i = (i + 1) & mask) {
        if (!dt->names[i] || !strcmp(dt->strings.p + dt->names[i] - 1, name)) {
            return &dt->names[i];
        }
    }
}

/* The offset of name in the strings block, added on first use. */
static uint32_t dt_intern(DeviceTree *dt, const char *name)
{
    uint32_t *slot;

    if (2 * (dt->names_used + 1) > dt->names_cap) {
        uint32_t *old = dt->names, old_cap = dt->names_cap;

        dt->names_cap = MAX(64u, old_cap * 2);
        dt->names = xnew0(uint32_t, dt->names_cap);
        for (uint32_t i = 0; i < old_cap; i++) {
            if (old[i]) {
                *dt_name_slot(dt, dt->strings.p + old[i] - 1) = old[i];
            }
        }
        free(old);
    }
    slot = dt_name_slot(dt, name);
    if (!*slot) {
        *slot = dt_bytes_add(&dt->strings, name, strlen(name) + 1) + 1;
        dt->names_used++;
    }
    return *slot - 1;
}

static int dt_new_node(DeviceTree *dt, const char *name)
{
    DTNode *n;

    if (dt->num_nodes == dt->cap_nodes) {
        dt->cap_nodes = MAX(32, dt->cap_nodes * 2);
        dt->nodes = xrealloc(dt->nodes, sizeof(*dt->nodes) * dt->cap_nodes);
    }
    n = &dt->nodes[dt->num_nodes];
    *n = (DTNode){.first_child = -1, .next_sibling = -1, .first_prop = -1};
    n->name_off = dt_bytes_add(&dt->data, name, strlen(name) + 1);
    return dt->num_nodes++;
}

DeviceTree *dt_new(void)
{
    DeviceTree *dt = xnew0(DeviceTree, 1);

    dt_new_node(dt, "");
    return dt;
}

void dt_free(DeviceTree *dt)
{
    if (dt) {
        free(dt->nodes);
        free(dt->props);
        free(dt->data.p);
        free(dt->strings.p);
        free(dt->names);
        free(dt);
    }
}

static bool dt_node_valid(const DeviceTree *dt, int node)
{
    return node >= 0 && node < dt->num_nodes;
}

/*
 * Whether node's name is name[0..len): exactly, or, for a name without a unit address, the
 * node's name up to its '@' (a path may leave the unit address out, as libfdt's lookups).
 */
static bool dt_name_eq(const DeviceTree *dt, int node, const char *name, size_t len)
{
    const char *n = dt->data.p + dt->nodes[node].name_off;

    return !strncmp(n, name, len) && (n[len] == '\0' || (n[len] == '@' && !memchr(name, '@', len)));
}

static int dt_subnode_namelen(const DeviceTree *dt, int parent, const char *name, size_t len)
{
    for (int c = dt->nodes[parent].first_child; c >= 0; c = dt->nodes[c].next_sibling) {
        if (dt_name_eq(dt, c, name, len)) {
            return c;
        }
    }
    return -FDT_ERR_NOTFOUND;
}

int dt_add_subnode(DeviceTree *dt, int parent, const char *name)
{
    int node;

    if (!dt_node_valid(dt, parent)) {
        return parent < 0 ? parent : -FDT_ERR_BADOFFSET;
    }
    if (dt_subnode_namelen(dt, parent, name, strlen(name)) >= 0) {
        return -FDT_ERR_EXISTS;
    }
    node = dt_new_node(dt, name);
    dt->nodes[node].next_sibling = dt->nodes[parent].first_child;
    dt->nodes[parent].first_child = node;
    return node;
}

static DTProp *dt_find_prop(const DeviceTree *dt, int node, const char *name)
{
    for (int p = dt->nodes[node].first_prop; p >= 0; p = dt->props[p].next) {
        if (!strcmp(dt->strings.p + dt->props[p].name_off, name)) {
            return &dt->props[p];
        }
    }
    return NULL;
}

static DTProp *dt_new_prop(DeviceTree *dt, int node, const char *name)
{
    DTProp *p;

    if (dt->num_props == dt->cap_props) {
        dt->cap_props = MAX(128, dt->cap_props * 2);
        dt->props = xrealloc(dt->props, sizeof(*dt->props) * dt->cap_props);
    }
    p = &dt->props[dt->num_props];
    p->name_off = dt_intern(dt, name);
    p->next = dt->nodes[node].first_prop;
    dt->nodes[node].first_prop = dt->num_props++;
    return p;
}

int dt_setprop(DeviceTree *dt, int node, const char *name, const void *val, int len)
{
    DTProp *p;

    if (!dt_node_valid(dt, node)) {
        return node < 0 ? node : -FDT_ERR_BADOFFSET;
    }
    if (len < 0) {
        return -FDT_ERR_BADVALUE;
    }
    p = dt_find_prop(dt, node, name);
    if (!p) {
        p = dt_new_prop(dt, node, name);
    }
    /* A replaced value stays in data unused: the board replaces a handful at most. */
    p->val_off = dt_bytes_add(&dt->data, val, len);
    p->len = len;
    if (!strcmp(name, "phandle") && len == sizeof(fdt32_t)) {
        dt->max_phandle = MAX(dt->max_phandle, fdt32_ld(val));
    }
    return 0;
}

int dt_setprop_u32(DeviceTree *dt, int node, const char *name, uint32_t val)
{
    fdt32_t cell = cpu_to_fdt32(val);

    return dt_setprop(dt, node, name, &cell, sizeof(cell));
}

int dt_setprop_u64(DeviceTree *dt, int node, const char *name, uint64_t val)
{
    fdt64_t cells = cpu_to_fdt64(val);

    return dt_setprop(dt, node, name, &cells, sizeof(cells));
}

int dt_setprop_string(DeviceTree *dt, int node, const char *name, const char *str)
{
    return dt_setprop(dt, node, name, str, (int)strlen(str) + 1);
}

int dt_setprop_empty(DeviceTree *dt, int node, const char *name)
{
    return dt_setprop(dt, node, name, NULL, 0);
}

int dt_path_offset(const DeviceTree *dt, const char *path)
{
    int node = 0;

    if (path[0] != '/') {
        return -FDT_ERR_BADPATH;
    }
    while (*path) {
        size_t len;

        while (*path == '/') {
            path++;
        }
        len = strcspn(path, "/");
        if (len) {
            node = dt_subnode_namelen(dt, node, path, len);
            if (node < 0) {
                return node;
            }
        }
        path += len;
    }
    return node;
}

const char *dt_get_name(const DeviceTree *dt, int node)
{
    return dt_node_valid(dt, node) ? dt->data.p + dt->nodes[node].name_off : NULL;
}

int dt_first_subnode(const DeviceTree *dt, int node)
{
    if (!dt_node_valid(dt, node)) {
        return -FDT_ERR_BADOFFSET;
    }
    return dt->nodes[node].first_child >= 0 ? dt->nodes[node].first_child : -FDT_ERR_NOTFOUND;
}

const void *dt_getprop(const DeviceTree *dt, int node, const char *name, int *len)
{
    const DTProp *p = dt_node_valid(dt, node) ? dt_find_prop(dt, node, name) : NULL;

    if (len) {
        *len = p ? p->len : -FDT_ERR_NOTFOUND;
    }
    return p ? dt->data.p + p->val_off : NULL;
}

int dt_generate_phandle(DeviceTree *dt, uint32_t *phandle)
{
    if (dt->max_phandle >= FDT_MAX_PHANDLE) {
        return -FDT_ERR_NOPHANDLES;
    }
    *phandle = dt->max_phandle + 1;
    return 0;
}

/* ---- flattening (the Devicetree Specification, v0.4, chapter 5) ---- */

#define DT_VERSION 17           /* the header fields written below */
#define DT_LAST_COMP_VERSION 16 /* readers of version 16 can read it */
#define DT_ALIGN4(n) (((n) + 3) & ~(size_t)3)

static size_t dt_struct_size(const DeviceTree *dt)
{
    size_t size = sizeof(fdt32_t); /* FDT_END */

    for (int i = 0; i < dt->num_nodes; i++) {
        size += 2 * sizeof(fdt32_t) + DT_ALIGN4(strlen(dt->data.p + dt->nodes[i].name_off) + 1);
    }
    for (int i = 0; i < dt->num_props; i++) {
        size += sizeof(struct fdt_property) + DT_ALIGN4(dt->props[i].len);
    }
    return size;
}

/* Append len bytes at src and zeros up to the next 4-byte boundary; return the new end. */
static char *dt_put(char *out, const void *src, size_t len)
{
    size_t padded = DT_ALIGN4(len);

    if (len) {
        memcpy(out, src, len);
    }
    memset(out + len, 0, padded - len);
    return out + padded;
}

static char *dt_put_tag(char *out, uint32_t tag)
{
    fdt32_t cell = cpu_to_fdt32(tag);

    return dt_put(out, &cell, sizeof(cell));
}

/* Node and its subtree; the depth is the board's tree's (a handful of levels). */
static char *dt_put_node(const DeviceTree *dt, int node, char *out)
{
    const char *name = dt->data.p + dt->nodes[node].name_off;

    out = dt_put_tag(out, FDT_BEGIN_NODE);
    out = dt_put(out, name, strlen(name) + 1);
    for (int i = dt->nodes[node].first_prop; i >= 0; i = dt->props[i].next) {
        const DTProp *p = &dt->props[i];
        struct fdt_property head = {
            .tag = cpu_to_fdt32(FDT_PROP),
            .len = cpu_to_fdt32(p->len),
            .nameoff = cpu_to_fdt32(p->name_off),
        };

        out = dt_put(out, &head, sizeof(head));
        out = dt_put(out, dt->data.p + p->val_off, p->len);
    }
    for (int c = dt->nodes[node].first_child; c >= 0; c = dt->nodes[c].next_sibling) {
        out = dt_put_node(dt, c, out);
    }
    return dt_put_tag(out, FDT_END_NODE);
}

void *dt_to_fdt(const DeviceTree *dt, size_t extra, Error **errp)
{
    size_t off_rsvmap = sizeof(struct fdt_header); /* 40: 8-byte aligned, as the map must be */
    size_t off_struct = off_rsvmap + sizeof(struct fdt_reserve_entry);
    size_t size_struct = dt_struct_size(dt);
    size_t off_strings = off_struct + size_struct;
    size_t total = off_strings + dt->strings.len + extra;
    char *fdt, *end;

    if (total > INT32_MAX) {
        error_setg(errp, "device tree: %zu bytes is too large", total);
        return NULL;
    }
    fdt = xmalloc(total);
    memset(fdt, 0, off_struct);
    end = dt_put_tag(dt_put_node(dt, 0, fdt + off_struct), FDT_END);
    assert((size_t)(end - fdt) == off_strings);
    memcpy(end, dt->strings.p, dt->strings.len);
    fdt_set_magic(fdt, FDT_MAGIC);
    fdt_set_totalsize(fdt, total);
    fdt_set_off_dt_struct(fdt, off_struct);
    fdt_set_off_dt_strings(fdt, off_strings);
    fdt_set_off_mem_rsvmap(fdt, off_rsvmap);
    fdt_set_version(fdt, DT_VERSION);
    fdt_set_last_comp_version(fdt, DT_LAST_COMP_VERSION);
    fdt_set_size_dt_strings(fdt, dt->strings.len);
    fdt_set_size_dt_struct(fdt, size_struct);
    if (fdt_check_header(fdt) != 0) {
        error_setg(errp, "device tree: the flattened tree fails libfdt's header check");
        free(fdt);
        return NULL;
    }
    return fdt;
}
