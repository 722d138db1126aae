/*
 * qcow2 refcounts: the refcount table, refcount blocks of 2^refcount_order-bit
 * entries, and host cluster allocation (docs/interop/qcow2.txt, "Host cluster
 * management").
 *
 * Allocation takes the first cluster whose refcount is 0 (holes left by
 * freed clusters first, then the end of the file), never one that overlaps
 * the header, L1 table, refcount table or snapshot table whatever the
 * refcounts say. A refcount block that does not exist yet is placed inside
 * the range it covers, at or after the end of the file, so it counts itself
 * and nothing else has to be allocated for it. When the refcount table
 * itself is full it is copied, larger, to the end of the file.
 */
#include <errno.h>
#include <inttypes.h>

#include "block/qcow2.h"

#define REFTABLE_RESERVED UINT64_C(0x1ff)

static uint64_t refblock_get(const Qcow2State *s, const uint8_t *block, uint64_t i)
{
    unsigned bits = 1u << s->refcount_order;

    switch (s->refcount_order) {
    case 3:
        return block[i];
    case 4:
        return qcow2_be16(block + i * 2);
    case 5:
        return qcow2_be32(block + i * 4);
    case 6:
        return qcow2_be64(block + i * 8);
    default: /* sub-byte entries: entry 0 is in the least significant bits of byte 0 */
        return block[i * bits / 8] >> (i * bits % 8) & ((1u << bits) - 1);
    }
}

/* Store value; *at and *len receive the bytes of block that changed. */
static void refblock_set(const Qcow2State *s, uint8_t *block, uint64_t i, uint64_t value,
                         uint64_t *at, size_t *len)
{
    unsigned bits = 1u << s->refcount_order;

    if (bits < 8) {
        unsigned shift = i * bits % 8, mask = ((1u << bits) - 1) << shift;

        *at = i * bits / 8, *len = 1;
        block[*at] = (block[*at] & ~mask) | (value << shift & mask);
        return;
    }
    *len = bits / 8, *at = i * *len;
    for (size_t b = 0; b < *len; b++) {
        block[*at + *len - 1 - b] = value >> (8 * b);
    }
}

int qcow2_refcount_init(Qcow2State *s, Error **errp)
{
    uint64_t bytes = (uint64_t)s->refcount_table_clusters << s->cluster_bits;
    uint64_t offset = s->refcount_table_offset;
    uint8_t *raw;
    int ret;

    s->refblock_entries = (s->cluster_size * 8) >> s->refcount_order;
    s->refcount_max =
        s->refcount_order == 6 ? UINT64_MAX : (UINT64_C(1) << (1 << s->refcount_order)) - 1;
    if (!s->refcount_table_clusters || bytes > QCOW2_MAX_REFTABLE_BYTES ||
        offset % s->cluster_size || offset < s->cluster_size || offset > s->file_size ||
        bytes > s->file_size - offset) {
        error_setg(errp,
                   "qcow2 image '%s': refcount table (%u clusters at %#" PRIx64
                   ") is empty, too large, unaligned, in the header or past the end of the file",
                   s->filename, s->refcount_table_clusters, offset);
        return -EINVAL;
    }
    s->refcount_table_size = bytes / 8;
    raw = xmalloc(bytes);
    ret = qcow2_file_pread(s, offset, raw, bytes);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read '%s'", s->filename);
        free(raw);
        return ret;
    }
    s->refcount_table = xnew0(uint64_t, s->refcount_table_size);
    for (uint64_t i = 0; i < s->refcount_table_size; i++) {
        s->refcount_table[i] = qcow2_be64(raw + i * 8);
    }
    free(raw);
    return 0;
}

/* The refcount block of table index ti, or *block = NULL if it does not exist. */
static int load_refblock(Qcow2State *s, uint64_t ti, uint8_t **block)
{
    uint64_t entry = ti < s->refcount_table_size ? s->refcount_table[ti] : 0;
    uint64_t off = entry & ~REFTABLE_RESERVED;

    *block = NULL;
    if (!entry) {
        return 0;
    }
    if ((entry & REFTABLE_RESERVED) || off % s->cluster_size || off > s->file_size ||
        s->cluster_size > s->file_size - off || qcow2_overlaps_metadata(s, off, s->cluster_size)) {
        return qcow2_corrupt(s, "refcount table entry %" PRIu64 " (%#" PRIx64 ") is invalid", ti,
                             entry);
    }
    return qcow2_cache_get(s, &s->refblock_cache, off, block);
}

int qcow2_get_refcount(Qcow2State *s, uint64_t ci, uint64_t *refcount)
{
    uint8_t *block;
    int ret = load_refblock(s, ci / s->refblock_entries, &block);

    *refcount = ret == 0 && block ? refblock_get(s, block, ci % s->refblock_entries) : 0;
    return ret;
}

static int set_refcount(Qcow2State *s, uint64_t ci, uint64_t value)
{
    uint64_t ti = ci / s->refblock_entries, at;
    uint8_t *block;
    size_t len;
    int ret = load_refblock(s, ti, &block);

    if (ret < 0) {
        return ret;
    }
    if (!block) {
        return qcow2_corrupt(s, "no refcount block for cluster %" PRIu64, ci);
    }
    refblock_set(s, block, ci % s->refblock_entries, value, &at, &len);
    return qcow2_file_pwrite(s, s->refcount_table[ti] + at, block + at, len);
}

static int write_reftable_entry(Qcow2State *s, uint64_t ti)
{
    uint8_t be[8];

    qcow2_put_be64(be, s->refcount_table[ti]);
    return qcow2_file_pwrite(s, s->refcount_table_offset + ti * 8, be, 8);
}

static uint64_t eof_cluster(const Qcow2State *s)
{
    return ALIGN_UP(s->file_size, s->cluster_size) >> s->cluster_bits;
}

/*
 * Where a larger refcount table (entries) goes: *pos is its first cluster;
 * *new_block is true if range *range needs a new refcount block, placed at
 * *pos - 1. Everything lies in one refcount range, at or after first.
 */
static bool plan_reftable(Qcow2State *s, uint64_t first, uint64_t entries, uint64_t *pos,
                          uint64_t *range, bool *new_block)
{
    uint64_t nt = entries * 8 / s->cluster_size, p = first;

    for (int tries = 0; tries < 4; tries++) {
        uint64_t r = p / s->refblock_entries;
        uint64_t start = p;

        *new_block = r >= s->refcount_table_size || !s->refcount_table[r];
        start += *new_block;
        if ((start + nt - 1) / s->refblock_entries == r && r < entries) {
            *pos = start, *range = r;
            return true;
        }
        p = (r + 1) * s->refblock_entries;
    }
    return false;
}

/* Write the new table and its refcounts, switch the header to it, free the old one. */
static int commit_reftable(Qcow2State *s, uint64_t *table, uint64_t entries, uint64_t pos,
                           uint64_t range, bool new_block)
{
    uint64_t nt = entries * 8 / s->cluster_size, old_off = s->refcount_table_offset;
    uint32_t old_clusters = s->refcount_table_clusters;
    uint8_t *buf = xzalloc(entries * 8), hdr[12];
    int ret;

    if (new_block) {
        uint64_t at;
        size_t len;

        for (uint64_t c = pos - 1; c < pos + nt; c++) {
            refblock_set(s, buf, c % s->refblock_entries, 1, &at, &len);
        }
        table[range] = (pos - 1) << s->cluster_bits;
        ret = qcow2_file_pwrite(s, table[range], buf, s->cluster_size);
        memset(buf, 0, s->cluster_size);
        if (ret < 0) {
            goto out;
        }
    }
    for (uint64_t i = 0; i < entries; i++) {
        qcow2_put_be64(buf + i * 8, table[i]);
    }
    ret = qcow2_file_pwrite(s, pos << s->cluster_bits, buf, entries * 8);
    qcow2_put_be64(hdr, pos << s->cluster_bits);
    qcow2_put_be32(hdr + 8, nt);
    ret = ret ?: qcow2_file_pwrite(s, 48, hdr, sizeof(hdr));
    if (ret < 0) {
        goto out;
    }
    free(s->refcount_table);
    s->refcount_table = table, table = NULL;
    s->refcount_table_size = entries;
    s->refcount_table_offset = pos << s->cluster_bits;
    s->refcount_table_clusters = nt;
    for (uint64_t c = 0; c < nt && !new_block; c++) {
        ret = ret ?: set_refcount(s, pos + c, 1);
    }
    for (uint64_t c = 0; c < old_clusters; c++) {
        ret = ret ?: qcow2_update_refcount(s, old_off + (c << s->cluster_bits), -1);
    }
out:
    free(table);
    free(buf);
    return ret;
}

/* Make the refcount table long enough to hold index ti; nothing goes at cluster avoid or below. */
static int grow_reftable(Qcow2State *s, uint64_t ti, uint64_t avoid)
{
    uint64_t per_cluster = s->cluster_size / 8;
    uint64_t entries = ALIGN_UP(MAX(ti + 1, s->refcount_table_size * 2), per_cluster);
    uint64_t first = MAX(eof_cluster(s), avoid + 1), pos, range, *table;
    bool new_block;

    if (entries * 8 > QCOW2_MAX_REFTABLE_BYTES ||
        entries * 8 / s->cluster_size + 1 > s->refblock_entries ||
        !plan_reftable(s, first, entries, &pos, &range, &new_block)) {
        error_report("qcow2 image '%s': the refcount table cannot grow further", s->filename);
        return -EFBIG;
    }
    table = xnew0(uint64_t, entries);
    memcpy(table, s->refcount_table, s->refcount_table_size * 8);
    return commit_reftable(s, table, entries, pos, range, new_block);
}

/* Cluster ci's refcount block must exist before its refcount can change. */
static int ensure_refblock(Qcow2State *s, uint64_t ci)
{
    uint64_t ti = ci / s->refblock_entries, b, at;
    uint8_t *block;
    size_t len;
    int ret;

    if (ti >= s->refcount_table_size && (ret = grow_reftable(s, ti, ci)) < 0) {
        return ret;
    }
    if (s->refcount_table[ti]) {
        return 0;
    }
    b = MAX(ti * s->refblock_entries, eof_cluster(s));
    b += b == ci;
    if (b / s->refblock_entries != ti) {
        return qcow2_corrupt(s,
                             "clusters in use before the end of the file have no refcount block");
    }
    block = xzalloc(s->cluster_size);
    refblock_set(s, block, b % s->refblock_entries, 1, &at, &len);
    ret = qcow2_file_pwrite(s, b << s->cluster_bits, block, s->cluster_size);
    free(block);
    if (ret < 0) {
        return ret;
    }
    s->refcount_table[ti] = b << s->cluster_bits;
    return write_reftable_entry(s, ti);
}

int qcow2_update_refcount(Qcow2State *s, uint64_t offset, int delta)
{
    uint64_t ci = offset >> s->cluster_bits, rc;
    int ret = qcow2_get_refcount(s, ci, &rc);

    if (ret < 0) {
        return ret;
    }
    if ((delta < 0 && rc == 0) || (delta > 0 && rc == s->refcount_max)) {
        return qcow2_corrupt(s, "refcount of cluster %" PRIu64 " would leave its range", ci);
    }
    if (delta > 0 && (ret = ensure_refblock(s, ci)) < 0) {
        return ret;
    }
    rc += delta;
    if (rc == 0) {
        s->free_hint = MIN(s->free_hint, ci);
        qcow2_cache_drop(&s->l2_cache, ci << s->cluster_bits);
        qcow2_cache_drop(&s->refblock_cache, ci << s->cluster_bits);
    }
    return set_refcount(s, ci, rc);
}

int qcow2_alloc_cluster(Qcow2State *s, uint64_t *offset)
{
    uint64_t ci = MAX(s->free_hint, 1), rc;
    int ret;

    for (;; ci++) {
        if (ci >> (56 - s->cluster_bits)) {
            return -EFBIG;
        }
        /* A cluster in use as metadata is never handed out, whatever a corrupt refcount says. */
        if (qcow2_overlaps_metadata(s, ci << s->cluster_bits, s->cluster_size) ||
            qcow2_cache_has(&s->l2_cache, ci << s->cluster_bits) ||
            qcow2_cache_has(&s->refblock_cache, ci << s->cluster_bits)) {
            continue;
        }
        if ((ret = qcow2_get_refcount(s, ci, &rc)) < 0) {
            return ret;
        }
        if (rc == 0) {
            break;
        }
    }
    s->free_hint = ci;
    ret = ensure_refblock(s, ci);
    if (ret == 0 && (ret = qcow2_get_refcount(s, ci, &rc)) == 0 && rc != 0) {
        return qcow2_alloc_cluster(s, offset); /* the new refcount block took it */
    }
    ret = ret ?: set_refcount(s, ci, 1);
    if (ret < 0) {
        return ret;
    }
    s->free_hint = ci + 1;
    *offset = ci << s->cluster_bits;
    return 0;
}
