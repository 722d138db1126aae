/*
 * qcow2 internal snapshots: create, revert to ("goto"), delete, and the VM
 * state stored with them (docs/interop/qcow2.txt, "Snapshots").
 *
 * A snapshot is a copy of the active L1 table plus an entry in the snapshot
 * table. Sharing is tracked by refcounts, counted as QEMU counts them (and
 * `qemu-img check` checks them): an L2 table once per L1 table that points
 * to it, a data cluster once per L1 table that reaches it through any L2
 * table. Taking a snapshot therefore adds one to every cluster the active
 * L1 reaches; the COPIED flags of the active tables (set exactly when the
 * refcount is 1) then make the next guest write copy the shared cluster or
 * L2 table (qcow2-cluster.c) instead of changing the snapshot.
 *
 * The VM state lives in the guest address space just past the disk, at the
 * first L1 entry the disk does not use, so it is shared and freed like any
 * data. savevm writes it through the active table, copies the table, then
 * drops those L1 entries from the active table again (the snapshot keeps
 * them). loadvm reads it through the snapshot's own L1 table.
 *
 * Metadata is written through as elsewhere: refcounts go up before a table
 * that needs them is written and down after the last reference is gone, so
 * a crash leaks clusters at worst.
 */
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/time.h>

#include "block/qcow2.h"

#define SNAPSHOT_EXTRA_LEN 24 /* vm_state_size_large, disk_size, icount */

static uint64_t l2_span(const Qcow2State *s)
{
    return s->l2_entries << s->cluster_bits;
}

static uint64_t vm_state_offset(const Qcow2State *s)
{
    return ALIGN_UP(s->size, l2_span(s));
}

static uint64_t clusters_for(const Qcow2State *s, uint64_t bytes)
{
    return (bytes + s->cluster_size - 1) >> s->cluster_bits;
}

static int find_snapshot(const Qcow2State *s, const char *name)
{
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].name, name)) {
            return i;
        }
    }
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!strcmp(s->snapshots[i].id, name)) {
            return i;
        }
    }
    return -1;
}

bool qcow2_has_snapshot(Qcow2State *s, const char *name)
{
    return find_snapshot(s, name) >= 0;
}

static bool fail(Qcow2State *s, int ret, const char *what, Error **errp)
{
    error_setg_errno(errp, -ret, "qcow2 image '%s': could not %s", s->filename, what);
    return false;
}

/* ---- Allocation and tables ---- */

static int free_clusters(Qcow2State *s, uint64_t offset, uint64_t n)
{
    int ret = 0;

    for (uint64_t i = 0; i < n && ret == 0; i++) {
        ret = qcow2_update_refcount(s, offset + (i << s->cluster_bits), -1);
    }
    return ret;
}

/* n contiguous clusters with refcount 1 (tables must be contiguous in the file). */
static int alloc_contiguous(Qcow2State *s, uint64_t n, uint64_t *offset)
{
    for (int tries = 0; tries < 8; tries++) {
        uint64_t first, next, got = 1;
        int ret = qcow2_alloc_cluster(s, &first);

        while (ret == 0 && got < n) {
            ret = qcow2_alloc_cluster(s, &next);
            if (ret == 0 && next != first + (got << s->cluster_bits)) {
                /* A hole too small: give the clusters back and start again at the end. */
                ret = free_clusters(s, first, got) ?: free_clusters(s, next, 1);
                s->free_hint =
                    MAX(s->free_hint, ALIGN_UP(s->file_size, s->cluster_size) >> s->cluster_bits);
                break;
            }
            got += ret == 0;
        }
        if (ret < 0) {
            return ret;
        }
        if (got == n) {
            *offset = first;
            return 0;
        }
    }
    return -ENOSPC;
}

static int write_table(Qcow2State *s, uint64_t offset, const uint64_t *table, uint64_t n)
{
    uint8_t *buf = xzalloc(clusters_for(s, n * 8) << s->cluster_bits);
    int ret;

    for (uint64_t i = 0; i < n; i++) {
        qcow2_put_be64(buf + i * 8, table[i]);
    }
    ret = qcow2_file_pwrite(s, offset, buf, clusters_for(s, n * 8) << s->cluster_bits);
    free(buf);
    return ret;
}

static int read_table(Qcow2State *s, uint64_t offset, uint64_t n, uint64_t **table)
{
    uint8_t *buf = xmalloc(n * 8 + 1);
    int ret = qcow2_file_pread(s, offset, buf, n * 8);

    *table = xnew0(uint64_t, n + 1);
    for (uint64_t i = 0; ret == 0 && i < n; i++) {
        (*table)[i] = qcow2_be64(buf + i * 8);
    }
    free(buf);
    return ret;
}

/* Move the active L1 table to a new place with n entries (n > l1_size). */
static int grow_l1(Qcow2State *s, uint64_t n)
{
    uint64_t off, old_off = s->l1_table_offset, old_size = s->l1_size, *table;
    uint8_t hdr[12];
    int ret;

    if (n * 8 > QCOW2_MAX_L1_BYTES) {
        return -EFBIG;
    }
    if ((ret = alloc_contiguous(s, clusters_for(s, n * 8), &off)) < 0) {
        return ret;
    }
    table = xnew0(uint64_t, n);
    memcpy(table, s->l1_table, old_size * 8);
    ret = write_table(s, off, table, n);
    qcow2_put_be32(hdr, n);
    qcow2_put_be64(hdr + 4, off);
    ret = ret ?: qcow2_file_pwrite(s, 36, hdr, sizeof(hdr)); /* l1_size, l1_table_offset */
    if (ret < 0) {
        free(table);
        return ret;
    }
    free(s->l1_table);
    s->l1_table = table;
    s->l1_size = n;
    s->l1_table_offset = off;
    return free_clusters(s, old_off, clusters_for(s, old_size * 8));
}

/* ---- Refcounts of whole trees ---- */

static bool table_cluster_ok(const Qcow2State *s, uint64_t off)
{
    return off % s->cluster_size == 0 && off >= s->cluster_size && off <= s->file_size &&
           s->cluster_size <= s->file_size - off;
}

/* Add delta to every cluster L1 entries [from, n) of l1 reach: L2 tables and data. */
static int l1_update_refcounts(Qcow2State *s, const uint64_t *l1, uint64_t from, uint64_t n,
                               int delta)
{
    for (uint64_t i = from; i < n; i++) {
        uint64_t l2_off = l1[i] & QCOW2_OFFSET_MASK;
        uint8_t *l2;
        int ret;

        if (!l2_off) {
            continue;
        }
        if (!table_cluster_ok(s, l2_off) || qcow2_overlaps_metadata(s, l2_off, s->cluster_size)) {
            return qcow2_corrupt(s, "L1 entry %" PRIu64 " (%#" PRIx64 ") is invalid", i, l1[i]);
        }
        if ((ret = qcow2_cache_get(s, &s->l2_cache, l2_off, &l2)) < 0) {
            return ret;
        }
        for (uint64_t j = 0; j < s->l2_entries; j++) {
            /* Refcount updates never evict from the L2 cache, so l2 stays valid. */
            if ((ret = qcow2_entry_update_refcount(s, qcow2_be64(l2 + j * 8), delta)) < 0) {
                return ret;
            }
        }
        if ((ret = qcow2_update_refcount(s, l2_off, delta)) < 0) {
            return ret;
        }
    }
    return 0;
}

/* Set the COPIED flag of an entry exactly when what it points to has refcount 1. */
static int copied_flag(Qcow2State *s, uint64_t entry, uint64_t *out)
{
    uint64_t off = entry & QCOW2_OFFSET_MASK, rc = 0;
    int ret = 0;

    *out = entry;
    if ((entry & QCOW2_OFLAG_COMPRESSED) || !off) {
        return 0;
    }
    ret = qcow2_get_refcount(s, off >> s->cluster_bits, &rc);
    *out = rc == 1 ? entry | QCOW2_OFLAG_COPIED : entry & ~QCOW2_OFLAG_COPIED;
    return ret;
}

/* Recompute the COPIED flags of the active L1 table and its L2 tables. */
static int fix_copied_flags(Qcow2State *s)
{
    bool l1_dirty = false;
    int ret = 0;

    for (uint64_t i = 0; i < s->l1_size && ret == 0; i++) {
        uint64_t l2_off = s->l1_table[i] & QCOW2_OFFSET_MASK, e, ne;
        bool dirty = false;
        uint8_t *l2;

        if (!l2_off) {
            continue;
        }
        /* It is written back below: never over the header or another table. */
        if (!table_cluster_ok(s, l2_off) || qcow2_overlaps_metadata(s, l2_off, s->cluster_size)) {
            return qcow2_corrupt(s, "L1 entry %" PRIu64 " (%#" PRIx64 ") is invalid", i,
                                 s->l1_table[i]);
        }
        if ((ret = qcow2_cache_get(s, &s->l2_cache, l2_off, &l2)) < 0) {
            return ret;
        }
        for (uint64_t j = 0; j < s->l2_entries && ret == 0; j++) {
            e = qcow2_be64(l2 + j * 8);
            ret = copied_flag(s, e, &ne);
            if (ne != e) {
                qcow2_put_be64(l2 + j * 8, ne);
                dirty = true;
            }
        }
        if (ret == 0 && dirty) {
            ret = qcow2_file_pwrite(s, l2_off, l2, s->cluster_size);
        }
        ret = ret ?: copied_flag(s, s->l1_table[i], &ne);
        l1_dirty |= ne != s->l1_table[i];
        s->l1_table[i] = ne;
    }
    if (ret == 0 && l1_dirty) {
        ret = write_table(s, s->l1_table_offset, s->l1_table, s->l1_size);
    }
    return ret;
}

/* ---- The snapshot table ---- */

static size_t entry_len(const Qcow2Snapshot *sn)
{
    return ALIGN_UP(40 + SNAPSHOT_EXTRA_LEN + strlen(sn->id) + strlen(sn->name), 8);
}

static void put_entry(uint8_t *p, const Qcow2Snapshot *sn)
{
    size_t id_len = strlen(sn->id), name_len = strlen(sn->name);

    qcow2_put_be64(p, sn->l1_table_offset);
    qcow2_put_be32(p + 8, sn->l1_size);
    p[12] = id_len >> 8, p[13] = id_len;
    p[14] = name_len >> 8, p[15] = name_len;
    qcow2_put_be32(p + 16, sn->date_sec);
    qcow2_put_be32(p + 20, sn->date_nsec);
    qcow2_put_be64(p + 24, sn->vm_clock_nsec);
    qcow2_put_be32(p + 32, sn->vm_state_size > UINT32_MAX ? 0 : sn->vm_state_size);
    qcow2_put_be32(p + 36, SNAPSHOT_EXTRA_LEN);
    qcow2_put_be64(p + 40, sn->vm_state_size);
    qcow2_put_be64(p + 48, sn->disk_size);
    qcow2_put_be64(p + 56, UINT64_MAX); /* icount: not recorded */
    memcpy(p + 40 + SNAPSHOT_EXTRA_LEN, sn->id, id_len);
    memcpy(p + 40 + SNAPSHOT_EXTRA_LEN + id_len, sn->name, name_len);
}

/* Write s->snapshots to new clusters, point the header at them, free the old table. */
static int write_snapshot_table(Qcow2State *s)
{
    uint64_t size = 0, off = 0, old_off = s->snapshots_offset, old_size = s->snapshots_size;
    uint8_t *buf, hdr[12];
    int ret = 0;

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        size += entry_len(&s->snapshots[i]);
    }
    buf = xzalloc(clusters_for(s, size) << s->cluster_bits | 1);
    for (uint64_t i = 0, pos = 0; i < s->nb_snapshots; pos += entry_len(&s->snapshots[i]), i++) {
        put_entry(buf + pos, &s->snapshots[i]);
    }
    if (size) {
        ret = alloc_contiguous(s, clusters_for(s, size), &off);
        ret = ret ?: qcow2_file_pwrite(s, off, buf, clusters_for(s, size) << s->cluster_bits);
    }
    free(buf);
    qcow2_put_be32(hdr, s->nb_snapshots);
    qcow2_put_be64(hdr + 4, off);
    ret = ret ?: qcow2_file_pwrite(s, 60, hdr, sizeof(hdr)); /* nb_snapshots, snapshots_offset */
    if (ret < 0) {
        return ret;
    }
    s->snapshots_offset = off;
    s->snapshots_size = size;
    return old_size ? free_clusters(s, old_off, clusters_for(s, old_size)) : 0;
}

/* QEMU's ids: one more than the largest numeric id in the table. */
static char *new_snapshot_id(const Qcow2State *s)
{
    unsigned long max = 0;

    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        max = MAX(max, strtoul(s->snapshots[i].id, NULL, 10));
    }
    return xasprintf("%lu", max + 1);
}

/* ---- Operations ---- */

/* Drop active L1 entries from `from` on (the VM state area after savevm). */
static int drop_l1_tail(Qcow2State *s, uint64_t from)
{
    int ret = l1_update_refcounts(s, s->l1_table, from, s->l1_size, -1);

    for (uint64_t i = from; i < s->l1_size; i++) {
        s->l1_table[i] = 0;
    }
    return ret ?: write_table(s, s->l1_table_offset, s->l1_table, s->l1_size);
}

/* Copy the active L1 table (flags as they are) into new clusters. */
static int copy_active_l1(Qcow2State *s, uint64_t *offset)
{
    int ret = alloc_contiguous(s, clusters_for(s, (uint64_t)s->l1_size * 8), offset);

    return ret ?: write_table(s, *offset, s->l1_table, s->l1_size);
}

static int take_snapshot(Qcow2State *s, const void *vmstate, size_t vmstate_len, Qcow2Snapshot *sn)
{
    uint64_t vm_off = vm_state_offset(s), vm_l1 = vm_off / l2_span(s);
    uint64_t need = (vm_off + vmstate_len + l2_span(s) - 1) / l2_span(s);
    int ret = 0;

    if (need > s->l1_size) {
        ret = grow_l1(s, need);
    }
    if (ret == 0 && vmstate_len) {
        ret = qcow2_pwrite_mapped(s, vm_off, vmstate, vmstate_len);
    }
    ret = ret ?: l1_update_refcounts(s, s->l1_table, 0, s->l1_size, +1);
    ret = ret ?: fix_copied_flags(s);
    ret = ret ?: copy_active_l1(s, &sn->l1_table_offset);
    sn->l1_size = s->l1_size;
    if (ret == 0 && vm_l1 < s->l1_size) {
        ret = drop_l1_tail(s, vm_l1);
        ret = ret ?: fix_copied_flags(s);
    }
    return ret;
}

bool qcow2_snapshot_create(void *opaque, const char *name, const void *vmstate, size_t vmstate_len,
                           uint64_t vm_clock_ns, Error **errp)
{
    Qcow2State *s = opaque;
    Qcow2Snapshot sn = {.vm_state_size = vmstate_len, .vm_clock_nsec = vm_clock_ns};
    struct timeval tv;
    int ret;

    if (s->read_only) {
        return fail(s, -EROFS, "create a snapshot", errp);
    }
    if (find_snapshot(s, name) >= 0 || s->nb_snapshots >= QCOW2_MAX_SNAPSHOTS ||
        strlen(name) > UINT16_MAX) {
        error_setg(errp, "qcow2 image '%s': cannot add snapshot '%s' (name in use or table full)",
                   s->filename, name);
        return false;
    }
    gettimeofday(&tv, NULL);
    sn.date_sec = tv.tv_sec, sn.date_nsec = tv.tv_usec * 1000;
    sn.disk_size = s->size;
    if ((ret = take_snapshot(s, vmstate, vmstate_len, &sn)) < 0) {
        return fail(s, ret, "create the snapshot", errp);
    }
    sn.id = new_snapshot_id(s);
    sn.name = xstrdup(name);
    s->snapshots = xrealloc(s->snapshots, (s->nb_snapshots + 1) * sizeof(sn));
    s->snapshots[s->nb_snapshots++] = sn;
    ret = write_snapshot_table(s);
    ret = ret ?: bdrv_raw.flush(s->file);
    return ret < 0 ? fail(s, ret, "write the snapshot table", errp) : true;
}

/* The L1 table of snapshot sn, checked to lie in the file (the parser did that at open). */
static int snapshot_l1(Qcow2State *s, const Qcow2Snapshot *sn, uint64_t **table)
{
    return read_table(s, sn->l1_table_offset, sn->l1_size, table);
}

bool qcow2_snapshot_goto(void *opaque, const char *name, Error **errp)
{
    Qcow2State *s = opaque;
    int i = find_snapshot(s, name);
    uint64_t *snap_l1 = NULL, *old;
    uint32_t old_size;
    int ret;

    if (i < 0) {
        error_setg(errp, "qcow2 image '%s' has no snapshot '%s'", s->filename, name);
        return false;
    }
    if (s->read_only) {
        return fail(s, -EROFS, "revert to a snapshot", errp);
    }
    ret = snapshot_l1(s, &s->snapshots[i], &snap_l1);
    if (ret == 0 && s->snapshots[i].l1_size > s->l1_size) {
        ret = grow_l1(s, s->snapshots[i].l1_size);
    }
    /* The snapshot's clusters gain the active table's reference before the old ones lose it. */
    ret = ret ?: l1_update_refcounts(s, snap_l1, 0, s->snapshots[i].l1_size, +1);
    if (ret < 0) {
        free(snap_l1);
        return fail(s, ret, "revert to the snapshot", errp);
    }
    old_size = s->l1_size;
    old = s->l1_table;
    s->l1_table = xnew0(uint64_t, old_size);
    memcpy(s->l1_table, snap_l1, (uint64_t)s->snapshots[i].l1_size * 8);
    free(snap_l1);
    ret = write_table(s, s->l1_table_offset, s->l1_table, s->l1_size);
    ret = ret ?: l1_update_refcounts(s, old, 0, old_size, -1);
    ret = ret ?: fix_copied_flags(s);
    ret = ret ?: bdrv_raw.flush(s->file);
    free(old);
    return ret < 0 ? fail(s, ret, "revert to the snapshot", errp) : true;
}

bool qcow2_snapshot_delete(void *opaque, const char *name, Error **errp)
{
    Qcow2State *s = opaque;
    int i = find_snapshot(s, name);
    Qcow2Snapshot sn;
    uint64_t *l1 = NULL;
    int ret;

    if (i < 0) {
        error_setg(errp, "qcow2 image '%s' has no snapshot '%s'", s->filename, name);
        return false;
    }
    if (s->read_only) {
        return fail(s, -EROFS, "delete a snapshot", errp);
    }
    sn = s->snapshots[i];
    if ((ret = snapshot_l1(s, &sn, &l1)) < 0) {
        free(l1);
        return fail(s, ret, "read the snapshot's L1 table", errp);
    }
    memmove(&s->snapshots[i], &s->snapshots[i + 1], (s->nb_snapshots - i - 1) * sizeof(sn));
    s->nb_snapshots--;
    ret = write_snapshot_table(s);
    ret = ret ?: l1_update_refcounts(s, l1, 0, sn.l1_size, -1);
    ret = ret ?: free_clusters(s, sn.l1_table_offset, clusters_for(s, (uint64_t)sn.l1_size * 8));
    ret = ret ?: fix_copied_flags(s);
    ret = ret ?: bdrv_raw.flush(s->file);
    free(l1);
    free(sn.id);
    free(sn.name);
    return ret < 0 ? fail(s, ret, "delete the snapshot", errp) : true;
}

bool qcow2_snapshot_load_vmstate(void *opaque, const char *name, uint8_t **buf, size_t *len,
                                 Error **errp)
{
    Qcow2State *s = opaque;
    int i = find_snapshot(s, name);
    const Qcow2Snapshot *sn;
    uint64_t *l1 = NULL, *active_l1 = s->l1_table, vm_off = vm_state_offset(s);
    uint32_t active_size = s->l1_size;
    int ret;

    *buf = NULL, *len = 0;
    if (i < 0) {
        error_setg(errp, "qcow2 image '%s' has no snapshot '%s'", s->filename, name);
        return false;
    }
    sn = &s->snapshots[i];
    /* The state cannot be larger than the file that holds it, nor lie outside its L1 table. */
    if (sn->vm_state_size > s->file_size ||
        sn->vm_state_size >
            (uint64_t)sn->l1_size * l2_span(s) - MIN(vm_off, (uint64_t)sn->l1_size * l2_span(s))) {
        error_setg(errp,
                   "qcow2 image '%s': snapshot '%s' has a VM state size (%" PRIu64
                   ") that does not fit the image",
                   s->filename, name, sn->vm_state_size);
        return false;
    }
    if ((ret = snapshot_l1(s, sn, &l1)) < 0) {
        free(l1);
        return fail(s, ret, "read the snapshot's L1 table", errp);
    }
    *len = sn->vm_state_size;
    *buf = xmalloc(*len + 1);
    /* Written once, then read: huge pages spare a page fault per 4 KiB (see ram_block_alloc). */
    madvise(
        (void *)ALIGN_UP((uintptr_t)*buf, 2 * MiB),
        ALIGN_DOWN((uintptr_t)*buf + *len, 2 * MiB) -
            MIN(ALIGN_UP((uintptr_t)*buf, 2 * MiB), ALIGN_DOWN((uintptr_t)*buf + *len, 2 * MiB)),
        MADV_HUGEPAGE);
    /* Read through the snapshot's table: the active one no longer maps the state. */
    s->l1_table = l1, s->l1_size = sn->l1_size;
    ret = qcow2_pread_mapped(s, vm_off, *buf, *len);
    s->l1_table = active_l1, s->l1_size = active_size;
    free(l1);
    if (ret < 0) {
        free(*buf);
        *buf = NULL, *len = 0;
        return fail(s, ret, "read the snapshot's VM state", errp);
    }
    return true;
}
