/*
 * qcow2 cluster mapping: guest offset -> L1 entry -> L2 table -> host
 * cluster (docs/interop/qcow2.txt, "Cluster mapping"), guest reads and
 * writes, and the small cache of metadata clusters.
 *
 * A write lands in place only on a standard cluster whose COPIED flag says
 * its refcount is 1. Anything else (unallocated, zero, compressed, shared
 * with a snapshot) gets a new cluster holding the old contents (from the
 * backing file, zeros, the decompressed data or the shared cluster) merged
 * with the new bytes; then the L2 entry moves to it and the old cluster's
 * refcount drops. L2 tables shared with a snapshot are copied the same way.
 */
#include <errno.h>
#include <inttypes.h>
#include <zlib.h>

#include "block/qcow2.h"

#define L1E_RESERVED UINT64_C(0x7f000000000001ff)

int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **data)
{
    Qcow2CacheEntry *victim = &c->entries[0];
    int ret;

    for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
        Qcow2CacheEntry *e = &c->entries[i];

        if (e->offset == offset) {
            e->last_use = ++c->clock;
            *data = e->data;
            return 0;
        }
        if (!e->offset ? victim->offset != 0 : victim->offset && e->last_use < victim->last_use) {
            victim = e;
        }
    }
    if (!victim->data) {
        victim->data = xmalloc(s->cluster_size);
    }
    victim->offset = 0;
    ret = qcow2_file_pread(s, offset, victim->data, s->cluster_size);
    if (ret < 0) {
        return ret;
    }
    victim->offset = offset;
    victim->last_use = ++c->clock;
    *data = victim->data;
    return 0;
}

void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset)
{
    for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
        if (c->entries[i].offset == offset) {
            c->entries[i].offset = 0; /* the buffer stays: a caller may still read it */
        }
    }
}

void qcow2_cache_free(Qcow2Cache *c)
{
    for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
        free(c->entries[i].data);
        c->entries[i] = (Qcow2CacheEntry){0};
    }
}

bool qcow2_cache_has(const Qcow2Cache *c, uint64_t offset)
{
    for (int i = 0; i < QCOW2_CACHE_SIZE; i++) {
        if (c->entries[i].offset == offset) {
            return true;
        }
    }
    return false;
}

/* A host cluster an entry names must be whole, aligned, inside the file and not the header. */
static bool host_cluster_ok(const Qcow2State *s, uint64_t off)
{
    return off % s->cluster_size == 0 && off >= s->cluster_size && off <= s->file_size &&
           s->cluster_size <= s->file_size - off;
}

/* The L2 table of L1 entry l1i (*l2 = NULL if unallocated). */
static int load_l2(Qcow2State *s, uint64_t l1i, uint8_t **l2)
{
    uint64_t entry = s->l1_table[l1i], off = entry & QCOW2_OFFSET_MASK;

    *l2 = NULL;
    if (!off) {
        return 0;
    }
    if ((entry & L1E_RESERVED) || !host_cluster_ok(s, off) ||
        qcow2_overlaps_metadata(s, off, s->cluster_size)) {
        return qcow2_corrupt(s, "L1 entry %" PRIu64 " (%#" PRIx64 ") is invalid", l1i, entry);
    }
    return qcow2_cache_get(s, &s->l2_cache, off, l2);
}

static int read_backing(Qcow2State *s, uint64_t offset, uint8_t *buf, size_t len)
{
    size_t n = 0;
    int ret = 0;

    if (s->backing && offset < s->backing_size) {
        n = MIN(len, s->backing_size - offset);
        ret = s->backing_drv->pread(s->backing, offset, buf, n);
    }
    memset(buf + n, 0, len - n);
    return ret;
}

/* Compressed descriptor: host offset and byte count of the deflate data. */
static void compressed_range(const Qcow2State *s, uint64_t l2e, uint64_t *off, uint64_t *len)
{
    unsigned x = 62 - (s->cluster_bits - 8);
    uint64_t sectors = extract64(l2e, x, s->cluster_bits - 8) + 1;

    *off = extract64(l2e, 0, x);
    *len = sectors * 512 - (*off & 511);
}

static int read_compressed(Qcow2State *s, uint64_t l2e, uint8_t *cluster)
{
    uint64_t off, len;
    z_stream z = {0};
    uint8_t *in;
    int ret;

    compressed_range(s, l2e, &off, &len);
    if (off < s->cluster_size || off >= s->file_size) {
        return qcow2_corrupt(s, "compressed cluster at %#" PRIx64 " is outside the file", off);
    }
    len = MIN(len, s->file_size - off); /* the last sector may be short at the end of the file */
    in = xmalloc(len);
    ret = qcow2_file_pread(s, off, in, len);
    if (ret == 0) {
        z.next_in = in, z.avail_in = len;
        z.next_out = cluster, z.avail_out = s->cluster_size;
        if (inflateInit2(&z, -15) != Z_OK) {
            ret = -ENOMEM;
        } else {
            int zret = inflate(&z, Z_FINISH);
            bool full = z.avail_out == 0;

            inflateEnd(&z);
            if (!full || (zret != Z_STREAM_END && zret != Z_BUF_ERROR && zret != Z_OK)) {
                ret = qcow2_corrupt(s, "compressed cluster at %#" PRIx64 " does not inflate", off);
            }
        }
    }
    free(in);
    return ret;
}

/* The whole guest cluster at guest offset gofs (cluster aligned), as the entry l2e maps it. */
static int read_cluster(Qcow2State *s, uint64_t gofs, uint64_t l2e, uint8_t *cluster)
{
    uint64_t off = l2e & QCOW2_OFFSET_MASK;

    if (l2e & QCOW2_OFLAG_COMPRESSED) {
        return read_compressed(s, l2e, cluster);
    }
    if ((l2e & QCOW2_L2E_RESERVED) || (s->version < 3 && (l2e & QCOW2_OFLAG_ZERO))) {
        return qcow2_corrupt(s, "L2 entry %#" PRIx64 " has reserved bits set", l2e);
    }
    if (l2e & QCOW2_OFLAG_ZERO) {
        memset(cluster, 0, s->cluster_size);
        return 0;
    }
    if (!off) {
        return read_backing(s, gofs, cluster, s->cluster_size);
    }
    if (!host_cluster_ok(s, off)) {
        return qcow2_corrupt(s, "L2 entry %#" PRIx64 " points outside the image", l2e);
    }
    return qcow2_file_pread(s, off, cluster, s->cluster_size);
}

/* Read [offset, offset+len) inside one guest cluster. */
static int read_in_cluster(Qcow2State *s, uint64_t offset, uint8_t *buf, size_t len,
                           uint8_t *scratch)
{
    uint64_t gc = offset >> s->cluster_bits, in = offset & (s->cluster_size - 1);
    uint64_t l2e = 0, off;
    uint8_t *l2;
    int ret = load_l2(s, gc / s->l2_entries, &l2);

    if (ret < 0) {
        return ret;
    }
    if (l2) {
        l2e = qcow2_be64(l2 + (gc % s->l2_entries) * 8);
    }
    off = l2e & QCOW2_OFFSET_MASK;
    if (!(l2e & (QCOW2_OFLAG_COMPRESSED | QCOW2_L2E_RESERVED | QCOW2_OFLAG_ZERO)) && off) {
        if (!host_cluster_ok(s, off)) {
            return qcow2_corrupt(s, "L2 entry %#" PRIx64 " points outside the image", l2e);
        }
        return qcow2_file_pread(s, off + in, buf, len); /* the common case: no copy */
    }
    if (!l2e) {
        return read_backing(s, offset, buf, len);
    }
    ret = read_cluster(s, offset - in, l2e, scratch);
    if (ret == 0) {
        memcpy(buf, scratch + in, len);
    }
    return ret;
}

int qcow2_pread(void *opaque, uint64_t offset, void *buf, size_t len)
{
    Qcow2State *s = opaque;

    if (offset > s->size || len > s->size - offset) {
        return -EINVAL;
    }
    return qcow2_pread_mapped(s, offset, buf, len);
}

/* The range must be inside what the L1 table maps (the caller checked). */
int qcow2_pread_mapped(Qcow2State *s, uint64_t offset, void *buf, size_t len)
{
    uint8_t *p = buf, *scratch = NULL;
    int ret = 0;

    while (len > 0 && ret == 0) {
        size_t n = MIN(len, s->cluster_size - (offset & (s->cluster_size - 1)));

        if (!scratch) {
            scratch = xmalloc(s->cluster_size);
        }
        ret = read_in_cluster(s, offset, p, n, scratch);
        p += n, offset += n, len -= n;
    }
    free(scratch);
    return ret;
}

static int write_l1_entry(Qcow2State *s, uint64_t l1i)
{
    uint8_t be[8];

    qcow2_put_be64(be, s->l1_table[l1i]);
    return qcow2_file_pwrite(s, s->l1_table_offset + l1i * 8, be, 8);
}

/* A new L2 table for L1 entry l1i: zeroed, or a copy of the shared one (old != NULL). */
static int new_l2(Qcow2State *s, uint64_t l1i, const uint8_t *old, uint8_t **l2)
{
    uint64_t off, old_entry = s->l1_table[l1i];
    uint8_t *table = old ? xmalloc(s->cluster_size) : xzalloc(s->cluster_size);
    int ret;

    if (old) {
        memcpy(table, old, s->cluster_size);
    }
    ret = qcow2_alloc_cluster(s, &off);
    ret = ret ?: qcow2_file_pwrite(s, off, table, s->cluster_size);
    free(table);
    if (ret < 0) {
        return ret;
    }
    s->l1_table[l1i] = off | QCOW2_OFLAG_COPIED;
    ret = write_l1_entry(s, l1i);
    if (ret == 0 && old) {
        ret = qcow2_update_refcount(s, old_entry & QCOW2_OFFSET_MASK, -1);
    }
    return ret ?: qcow2_cache_get(s, &s->l2_cache, off, l2);
}

/* The L2 table of l1i, writable in place (allocated or copied if needed). */
static int load_l2_for_write(Qcow2State *s, uint64_t l1i, uint8_t **l2)
{
    int ret = load_l2(s, l1i, l2);

    if (ret < 0) {
        return ret;
    }
    if (!*l2) {
        return new_l2(s, l1i, NULL, l2);
    }
    if (!(s->l1_table[l1i] & QCOW2_OFLAG_COPIED)) {
        return new_l2(s, l1i, *l2, l2);
    }
    return 0;
}

int qcow2_entry_update_refcount(Qcow2State *s, uint64_t l2e, int delta)
{
    uint64_t off = l2e & QCOW2_OFFSET_MASK, len;
    int ret = 0;

    if (l2e & QCOW2_OFLAG_COMPRESSED) {
        compressed_range(s, l2e, &off, &len);
        len = MIN(len, s->file_size - MIN(off, s->file_size));
        for (uint64_t c = off >> s->cluster_bits; len && c <= (off + len - 1) >> s->cluster_bits;
             c++) {
            ret = ret ?: qcow2_update_refcount(s, c << s->cluster_bits, delta);
        }
        return ret;
    }
    return off ? qcow2_update_refcount(s, off, delta) : 0;
}

/* Drop the reference an L2 entry held (after the entry moved to a new cluster). */
static int release_entry(Qcow2State *s, uint64_t l2e)
{
    return qcow2_entry_update_refcount(s, l2e, -1);
}

/* Move guest cluster gofs to a new host cluster holding its old data with buf written at in. */
static int write_new_cluster(Qcow2State *s, uint8_t *l2, uint64_t l2i, uint64_t gofs, uint64_t in,
                             const uint8_t *buf, size_t len)
{
    uint64_t l2_off = s->l1_table[gofs / (s->l2_entries << s->cluster_bits)] & QCOW2_OFFSET_MASK;
    uint64_t l2e = qcow2_be64(l2 + l2i * 8), off;
    uint8_t *cluster = xmalloc(s->cluster_size);
    int ret = 0;

    if (len < s->cluster_size) {
        ret = read_cluster(s, gofs, l2e, cluster);
    }
    memcpy(cluster + in, buf, len);
    ret = ret ?: qcow2_alloc_cluster(s, &off);
    ret = ret ?: qcow2_file_pwrite(s, off, cluster, s->cluster_size);
    free(cluster);
    if (ret < 0) {
        return ret;
    }
    qcow2_put_be64(l2 + l2i * 8, off | QCOW2_OFLAG_COPIED);
    ret = qcow2_file_pwrite(s, l2_off + l2i * 8, l2 + l2i * 8, 8);
    return ret ?: release_entry(s, l2e);
}

static int write_in_cluster(Qcow2State *s, uint64_t offset, const uint8_t *buf, size_t len)
{
    uint64_t gc = offset >> s->cluster_bits, in = offset & (s->cluster_size - 1);
    uint64_t l2i = gc % s->l2_entries, l2e, off;
    uint8_t *l2;
    int ret = load_l2_for_write(s, gc / s->l2_entries, &l2);

    if (ret < 0) {
        return ret;
    }
    l2e = qcow2_be64(l2 + l2i * 8);
    off = l2e & QCOW2_OFFSET_MASK;
    if ((l2e & ~(QCOW2_OFFSET_MASK | QCOW2_OFLAG_COPIED)) || !(l2e & QCOW2_OFLAG_COPIED) || !off) {
        return write_new_cluster(s, l2, l2i, offset - in, in, buf, len);
    }
    if (!host_cluster_ok(s, off) || qcow2_overlaps_metadata(s, off, s->cluster_size) ||
        qcow2_cache_has(&s->l2_cache, off) || qcow2_cache_has(&s->refblock_cache, off)) {
        return qcow2_corrupt(s, "L2 entry %#" PRIx64 " points at metadata or outside the image",
                             l2e);
    }
    return qcow2_file_pwrite(s, off + in, buf, len);
}

/*
 * Point guest cluster gc's L2 entry at nothing (next: 0, unallocated, or the v3 zero flag),
 * release its host cluster and, once free, punch it out of the file.
 */
static int set_cluster_empty(Qcow2State *s, uint64_t gc, uint64_t next)
{
    uint64_t l1i = gc / s->l2_entries, l2i = gc % s->l2_entries, l2e, host, rc;
    uint8_t *l2;
    int ret = load_l2_for_write(s, l1i, &l2);

    if (ret < 0) {
        return ret;
    }
    l2e = qcow2_be64(l2 + l2i * 8);
    if (l2e == next) {
        return 0;
    }
    qcow2_put_be64(l2 + l2i * 8, next);
    ret = qcow2_file_pwrite(s, (s->l1_table[l1i] & QCOW2_OFFSET_MASK) + l2i * 8, l2 + l2i * 8, 8);
    ret = ret ?: release_entry(s, l2e);
    host = l2e & QCOW2_OFFSET_MASK;
    if (ret == 0 && !(l2e & QCOW2_OFLAG_COMPRESSED) && host &&
        qcow2_get_refcount(s, host >> s->cluster_bits, &rc) == 0 && rc == 0) {
        ret = bdrv_raw.discard(s->file, host, s->cluster_size);
    }
    return ret;
}

/*
 * Discard one whole guest cluster: its entry becomes unallocated (zero, if a backing file
 * would otherwise show through; a v2 image cannot say that, so it keeps the data).
 */
static int discard_cluster(Qcow2State *s, uint64_t gc)
{
    uint64_t l2i = gc % s->l2_entries, l2e;
    uint8_t *l2;
    int ret = load_l2(s, gc / s->l2_entries, &l2);

    if (ret < 0 || !l2 || !(l2e = qcow2_be64(l2 + l2i * 8))) {
        return ret; /* nothing allocated: nothing to give back */
    }
    if (s->backing && s->version < 3) {
        return 0;
    }
    return set_cluster_empty(s, gc, s->backing ? QCOW2_OFLAG_ZERO : 0);
}

int qcow2_discard(void *opaque, uint64_t offset, uint64_t len)
{
    Qcow2State *s = opaque;

    if (s->read_only) {
        return -EROFS;
    }
    return qcow2_discard_mapped(s, offset, len, s->size);
}

int qcow2_discard_mapped(Qcow2State *s, uint64_t offset, uint64_t len, uint64_t limit)
{
    uint64_t first = ALIGN_UP(offset, s->cluster_size) >> s->cluster_bits;
    uint64_t end = MIN(offset + len, limit);
    int ret = 0;

    /* Whole clusters only; a partial one keeps its data (discard is advisory). A last
     * cluster cut short by the limit (the disk size) counts as whole. */
    end = end == limit ? ALIGN_UP(end, s->cluster_size) : ALIGN_DOWN(end, s->cluster_size);
    for (uint64_t gc = first; gc < end >> s->cluster_bits && ret == 0; gc++) {
        ret = discard_cluster(s, gc);
    }
    return ret;
}

int qcow2_pwrite(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    Qcow2State *s = opaque;

    if (s->read_only) {
        return -EROFS;
    }
    if (offset > s->size || len > s->size - offset) {
        return -EINVAL;
    }
    return qcow2_pwrite_mapped(s, offset, buf, len);
}

int qcow2_pwrite_mapped(Qcow2State *s, uint64_t offset, const void *buf, size_t len)
{
    const uint8_t *p = buf;
    int ret = 0;

    while (len > 0 && ret == 0) {
        size_t n = MIN(len, s->cluster_size - (offset & (s->cluster_size - 1)));

        ret = write_in_cluster(s, offset, p, n);
        p += n, offset += n, len -= n;
    }
    return ret;
}

/*
 * Write zeroes: whole clusters become zero (unallocated when no backing file shows
 * through, else the v3 zero flag) and their host clusters are freed; a v2 image with a
 * backing file cannot say "zero", and partial clusters keep their allocation, so those
 * get zeroes written.
 */
int qcow2_pwrite_zeroes(void *opaque, uint64_t offset, uint64_t len, unsigned flags)
{
    static const uint8_t zeroes[4096];
    Qcow2State *s = opaque;
    uint64_t end = offset + len;
    int ret = 0;

    if (s->read_only) {
        return -EROFS;
    }
    if (offset > s->size || len > s->size - offset) {
        return -EINVAL;
    }
    while (offset < end && ret == 0) {
        uint64_t in = offset & (s->cluster_size - 1);
        uint64_t n = MIN(end - offset, s->cluster_size - in);
        bool whole = in == 0 && (n == s->cluster_size || offset + n == s->size);

        if (whole && !s->backing) {
            ret = discard_cluster(s, offset >> s->cluster_bits); /* unallocated reads zero */
            offset += n;
            continue;
        }
        if (whole && s->version >= 3) {
            ret = set_cluster_empty(s, offset >> s->cluster_bits, QCOW2_OFLAG_ZERO);
            offset += n;
            continue;
        }
        for (uint64_t done = 0; done < n && ret == 0; done += MIN(n - done, sizeof(zeroes))) {
            ret = qcow2_pwrite(s, offset + done, zeroes, MIN(n - done, sizeof(zeroes)));
        }
        offset += n;
    }
    return ret;
}
