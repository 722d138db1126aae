/*
 * qcow2: the header, its extensions, the backing file, open and close
 * (include/block/qcow2.h has the overview; the format is QEMU's
 * docs/interop/qcow2.txt, "Header" and "Header extensions").
 *
 * Everything the header says is checked against the file before it is
 * used: a field out of range fails the open with a message naming the file
 * and the field, never a crash or an access outside the file.
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "block/qcow2.h"

bool qcow2_probe(const uint8_t *buf, size_t len)
{
    return len >= 8 && qcow2_be32(buf) == QCOW2_MAGIC &&
           (qcow2_be32(buf + 4) == 2 || qcow2_be32(buf + 4) == 3);
}

int qcow2_file_pread(Qcow2State *s, uint64_t offset, void *buf, size_t len)
{
    return bdrv_raw.pread(s->file, offset, buf, len);
}

int qcow2_file_pwrite(Qcow2State *s, uint64_t offset, const void *buf, size_t len)
{
    int ret;

    if (s->read_only) {
        return -EROFS;
    }
    ret = bdrv_raw.pwrite(s->file, offset, buf, len);
    if (ret == 0 && offset + len > s->file_size) {
        s->file_size = offset + len;
    }
    return ret;
}

int qcow2_corrupt(Qcow2State *s, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    if (s->corruption_reported) {
        return -EIO;
    }
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = NULL;
    }
    va_end(ap);
    error_report("qcow2 image '%s' is corrupt: %s; the request fails with an I/O error",
                 s->filename, msg ? msg : fmt);
    free(msg);
    s->corruption_reported = true;
    return -EIO;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
    return alen && blen && a < b + blen && b < a + alen;
}

bool qcow2_overlaps_metadata(const Qcow2State *s, uint64_t offset, uint64_t len)
{
    uint64_t reftable_len = (uint64_t)s->refcount_table_clusters << s->cluster_bits;
    uint64_t l1_len = ALIGN_UP((uint64_t)s->l1_size * 8, s->cluster_size);

    return ranges_overlap(offset, len, 0, s->cluster_size) ||
           ranges_overlap(offset, len, s->l1_table_offset, l1_len) ||
           ranges_overlap(offset, len, s->refcount_table_offset, reftable_len) ||
           ranges_overlap(offset, len, s->snapshots_offset,
                          ALIGN_UP(s->snapshots_size, s->cluster_size));
}

/* A table of count 8-byte entries at offset must lie inside the file, after the header. */
static bool check_table(Qcow2State *s, const char *what, uint64_t offset, uint64_t count,
                        uint64_t max_bytes, Error **errp)
{
    if (count > max_bytes / 8) {
        error_setg(errp, "qcow2 image '%s': %s is too large (%" PRIu64 " entries)", s->filename,
                   what, count);
        return false;
    }
    if (count && (offset % s->cluster_size || offset < s->cluster_size || offset > s->file_size ||
                  count * 8 > s->file_size - offset)) {
        error_setg(errp,
                   "qcow2 image '%s': %s at offset %#" PRIx64 " (%" PRIu64
                   " entries) is unaligned, in the header or past the end of the file",
                   s->filename, what, offset, count);
        return false;
    }
    return true;
}

static bool read_u64_table(Qcow2State *s, uint64_t offset, uint64_t count, uint64_t **table,
                           Error **errp)
{
    uint8_t *raw = xmalloc(count * 8 + 1);
    int ret = qcow2_file_pread(s, offset, raw, count * 8);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read '%s'", s->filename);
        free(raw);
        return false;
    }
    *table = xnew0(uint64_t, count + 1);
    for (uint64_t i = 0; i < count; i++) {
        (*table)[i] = qcow2_be64(raw + i * 8);
    }
    free(raw);
    return true;
}

/* The names the image gives its feature bits (feature name table), for error messages. */
static void describe_features(const uint8_t *table, uint32_t len, uint64_t bits, char *out,
                              size_t outlen)
{
    size_t used = 0;

    out[0] = 0;
    for (int bit = 0; bit < 64; bit++) {
        char name[47] = "";

        if (!(bits >> bit & 1)) {
            continue;
        }
        for (uint32_t i = 0; table && i + 48 <= len; i += 48) {
            if (table[i] == 0 && table[i + 1] == bit) {
                memcpy(name, table + i + 2, 46);
            }
        }
        used += snprintf(out + used, outlen - MIN(used, outlen), "%s%s", used ? ", " : "",
                         name[0] ? name : "");
        if (!name[0]) {
            used += snprintf(out + used, outlen - MIN(used, outlen), "bit %d", bit);
        }
        if (used >= outlen) {
            return;
        }
    }
}

/* Incompatible features: refuse what we do not implement, with the image's own names. */
static bool check_features(Qcow2State *s, const uint8_t *ftable, uint32_t flen, Error **errp)
{
    uint64_t known = QCOW2_INCOMPAT_DIRTY | QCOW2_INCOMPAT_CORRUPT;
    char names[256];

    if (s->incompat & QCOW2_INCOMPAT_EXTL2) {
        error_setg(errp,
                   "qcow2 image '%s' uses extended L2 entries (subclusters), which are not "
                   "supported; convert it with 'qemu-img convert -O qcow2'",
                   s->filename);
        return false;
    }
    if (s->incompat & ~known) {
        describe_features(ftable, flen, s->incompat & ~known, names, sizeof(names));
        error_setg(errp, "qcow2 image '%s' uses unsupported incompatible features: %s", s->filename,
                   names);
        return false;
    }
    if (!s->read_only && (s->incompat & QCOW2_INCOMPAT_CORRUPT)) {
        error_setg(errp,
                   "qcow2 image '%s' is marked corrupt and cannot be opened read/write; "
                   "repair it with 'qemu-img check -r all' or open it read-only",
                   s->filename);
        return false;
    }
    if (!s->read_only && (s->incompat & QCOW2_INCOMPAT_DIRTY)) {
        error_setg(errp,
                   "qcow2 image '%s' is dirty (lazy refcounts, not closed cleanly) and "
                   "cannot be opened read/write; repair it with 'qemu-img check -r all' "
                   "or open it read-only",
                   s->filename);
        return false;
    }
    return true;
}

/* Header extensions, between the header and the end of the first cluster. */
static bool read_extensions(Qcow2State *s, const uint8_t *hdr, uint64_t end, Error **errp)
{
    const uint8_t *ftable = NULL;
    uint32_t flen = 0;

    for (uint64_t off = s->header_length; off + 8 <= end;) {
        uint32_t type = qcow2_be32(hdr + off), len = qcow2_be32(hdr + off + 4);

        if (type == QCOW2_EXT_END) {
            break;
        }
        if (len > end - off - 8) {
            error_setg(errp, "qcow2 image '%s': header extension %#x overruns the header cluster",
                       s->filename, type);
            return false;
        }
        if (type == QCOW2_EXT_BACKING_FORMAT) {
            free(s->backing_format);
            s->backing_format = strndup((const char *)hdr + off + 8, MIN(len, 15));
        } else if (type == QCOW2_EXT_FEATURE_TABLE) {
            ftable = hdr + off + 8, flen = len;
        }
        off += 8 + ALIGN_UP((uint64_t)len, 8);
    }
    return check_features(s, ftable, flen, errp);
}

/* The fixed header fields, checked. */
static bool parse_header(Qcow2State *s, const uint8_t *h, size_t got, Error **errp)
{
    if (got < QCOW2_V2_HEADER_LEN || qcow2_be32(h) != QCOW2_MAGIC) {
        error_setg(errp, "Image is not in qcow2 format: '%s'", s->filename);
        return false;
    }
    s->version = qcow2_be32(h + 4);
    if (s->version != 2 && s->version != 3) {
        error_setg(errp, "qcow2 image '%s': unsupported version %u", s->filename, s->version);
        return false;
    }
    s->cluster_bits = qcow2_be32(h + 20);
    if (s->cluster_bits < QCOW2_MIN_CLUSTER_BITS || s->cluster_bits > QCOW2_MAX_CLUSTER_BITS) {
        error_setg(errp, "qcow2 image '%s': cluster_bits %u out of range (%d..%d)", s->filename,
                   s->cluster_bits, QCOW2_MIN_CLUSTER_BITS, QCOW2_MAX_CLUSTER_BITS);
        return false;
    }
    s->cluster_size = UINT64_C(1) << s->cluster_bits;
    s->l2_entries = s->cluster_size / 8;
    s->size = qcow2_be64(h + 24);
    if (qcow2_be32(h + 32) != 0) {
        error_setg(errp, "qcow2 image '%s' is encrypted, which is not supported", s->filename);
        return false;
    }
    s->l1_size = qcow2_be32(h + 36);
    s->l1_table_offset = qcow2_be64(h + 40);
    s->refcount_table_offset = qcow2_be64(h + 48);
    s->refcount_table_clusters = qcow2_be32(h + 56);
    s->nb_snapshots = qcow2_be32(h + 60);
    s->snapshots_offset = qcow2_be64(h + 64);
    s->refcount_order = 4;
    s->header_length = QCOW2_V2_HEADER_LEN;
    if (s->version == 3) {
        if (got < QCOW2_V3_HEADER_LEN) {
            error_setg(errp, "qcow2 image '%s': truncated header", s->filename);
            return false;
        }
        s->incompat = qcow2_be64(h + 72);
        s->compat = qcow2_be64(h + 80);
        s->autoclear = qcow2_be64(h + 88);
        s->refcount_order = qcow2_be32(h + 96);
        s->header_length = qcow2_be32(h + 100);
        if (s->header_length < QCOW2_V3_HEADER_LEN || s->header_length % 8 ||
            s->header_length > MIN(got, s->cluster_size)) {
            error_setg(errp, "qcow2 image '%s': bad header_length %u", s->filename,
                       s->header_length);
            return false;
        }
    }
    if (s->refcount_order > 6) {
        error_setg(errp, "qcow2 image '%s': refcount_order %u out of range (0..6)", s->filename,
                   s->refcount_order);
        return false;
    }
    return true;
}

/* The guest size must be mapped by the L1 table (and fit the format's 56-bit offsets). */
static bool check_geometry(Qcow2State *s, Error **errp)
{
    uint64_t l2_span = s->l2_entries << s->cluster_bits;

    if (s->size > (UINT64_C(1) << 56) || s->size > (uint64_t)INT64_MAX - l2_span ||
        (s->size + l2_span - 1) / l2_span > s->l1_size) {
        error_setg(errp,
                   "qcow2 image '%s': L1 table (%u entries) too small for the disk size %" PRIu64,
                   s->filename, s->l1_size, s->size);
        return false;
    }
    return check_table(s, "the L1 table", s->l1_table_offset, s->l1_size, QCOW2_MAX_L1_BYTES, errp);
}

static bool read_backing_name(Qcow2State *s, const uint8_t *hdr, uint64_t hdr_len, Error **errp)
{
    uint64_t off = qcow2_be64(hdr + 8);
    uint32_t len = qcow2_be32(hdr + 16);

    if (!off) {
        return true;
    }
    if (len == 0 || len > QCOW2_MAX_BACKING_NAME || off > hdr_len || len > hdr_len - off) {
        error_setg(errp, "qcow2 image '%s': backing file name out of the header cluster",
                   s->filename);
        return false;
    }
    s->backing_file = strndup((const char *)hdr + off, len);
    if (strlen(s->backing_file) != len) {
        error_setg(errp, "qcow2 image '%s': backing file name contains a NUL byte", s->filename);
        return false;
    }
    return true;
}

static bool read_header(Qcow2State *s, Error **errp)
{
    uint64_t hdr_len = MIN(s->file_size, (uint64_t)1 << QCOW2_MAX_CLUSTER_BITS);
    uint8_t *hdr = xzalloc(hdr_len + QCOW2_V3_HEADER_LEN);
    bool ok = false;
    int ret = qcow2_file_pread(s, 0, hdr, hdr_len);

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not read '%s'", s->filename);
        goto out;
    }
    if (!parse_header(s, hdr, hdr_len, errp)) {
        goto out;
    }
    hdr_len = MIN(hdr_len, s->cluster_size);
    if (s->file_size < s->cluster_size) {
        error_setg(errp, "qcow2 image '%s' is truncated (%" PRIu64 " bytes, less than a cluster)",
                   s->filename, s->file_size);
        goto out;
    }
    ok = read_extensions(s, hdr, hdr_len, errp) && read_backing_name(s, hdr, hdr_len, errp) &&
         check_geometry(s, errp);
out:
    free(hdr);
    return ok;
}

/* An auto-clear bit we do not maintain (bitmaps) must be cleared before we write. */
static bool clear_autoclear(Qcow2State *s, Error **errp)
{
    uint8_t zero[8] = {0};
    int ret;

    if (s->read_only || s->version < 3 || !s->autoclear) {
        return true;
    }
    ret = qcow2_file_pwrite(s, 88, zero, 8);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "Could not update the header of '%s'", s->filename);
        return false;
    }
    s->autoclear = 0;
    return true;
}

/* Relative backing names are relative to the image's directory, as in QEMU. */
static char *backing_path(const Qcow2State *s)
{
    char *copy, *path;

    if (s->backing_file[0] == '/') {
        return xstrdup(s->backing_file);
    }
    copy = xstrdup(s->filename);
    path = xasprintf("%s/%s", dirname(copy), s->backing_file);
    free(copy);
    return path;
}

static bool same_file(const char *a, const char *b)
{
    struct stat sa, sb;

    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

static bool backing_format_of(Qcow2State *s, const char *path, const BlockDriver **drv,
                              Error **errp)
{
    uint8_t magic[8] = {0};
    FILE *f;

    if (s->backing_format) {
        *drv = bdrv_find_format(s->backing_format);
        if (!*drv || (*drv != &bdrv_raw && *drv != &bdrv_qcow2)) {
            error_setg(errp, "qcow2 image '%s': backing format '%s' is not supported", s->filename,
                       s->backing_format);
            return false;
        }
        return true;
    }
    f = fopen(path, "rb"); /* no backing_fmt: probe, as QEMU does */
    if (f) {
        size_t n = fread(magic, 1, sizeof(magic), f);
        *drv = qcow2_probe(magic, n) ? &bdrv_qcow2 : &bdrv_raw;
        fclose(f);
    } else {
        *drv = &bdrv_raw; /* the open below reports the error */
    }
    return true;
}

static bool open_backing(Qcow2State *s, const char *const *chain, int depth, Error **errp)
{
    const char *links[QCOW2_MAX_BACKING_DEPTH + 1];
    char *path;
    bool ok = false;

    if (!s->backing_file) {
        return true;
    }
    path = backing_path(s);
    for (int i = 0; i < depth; i++) {
        links[i] = chain[i];
        if (same_file(chain[i], path)) {
            error_setg(errp, "qcow2 image '%s': backing file loop through '%s'", s->filename, path);
            goto out;
        }
    }
    if (same_file(s->filename, path) || depth >= QCOW2_MAX_BACKING_DEPTH) {
        error_setg(errp, "qcow2 image '%s': backing file loop or chain deeper than %d through '%s'",
                   s->filename, QCOW2_MAX_BACKING_DEPTH, path);
        goto out;
    }
    links[depth] = s->filename;
    if (!backing_format_of(s, path, &s->backing_drv, errp)) {
        goto out;
    }
    s->backing = xzalloc(s->backing_drv->state_size);
    if (s->backing_drv == &bdrv_qcow2) {
        ok = qcow2_open_chain(s->backing, path, true, links, depth + 1, errp);
    } else {
        ok = s->backing_drv->open(s->backing, path, true, errp);
    }
    if (!ok) {
        free(s->backing);
        s->backing = NULL;
        error_prepend(errp, "backing file of '%s': ", s->filename);
        goto out;
    }
    s->backing_size = s->backing_drv->getlength(s->backing);
out:
    free(path);
    return ok;
}

bool qcow2_open_chain(Qcow2State *s, const char *filename, bool read_only, const char *const *chain,
                      int depth, Error **errp)
{
    s->filename = xstrdup(filename);
    s->file = xzalloc(bdrv_raw.state_size);
    if (!bdrv_raw.open(s->file, filename, read_only, errp)) {
        free(s->file);
        s->file = NULL;
        qcow2_close(s);
        return false;
    }
    s->read_only = read_only;
    s->file_size = bdrv_raw.getlength(s->file);
    if (!read_header(s, errp) ||
        !read_u64_table(s, s->l1_table_offset, s->l1_size, &s->l1_table, errp)) {
        goto fail;
    }
    if (qcow2_refcount_init(s, errp) < 0 || !qcow2_read_snapshots(s, errp) ||
        !clear_autoclear(s, errp) || !open_backing(s, chain, depth, errp)) {
        goto fail;
    }
    return true;
fail:
    qcow2_close(s);
    return false;
}

static bool qcow2_open(void *opaque, const char *filename, bool read_only, Error **errp)
{
    return qcow2_open_chain(opaque, filename, read_only, NULL, 0, errp);
}

void qcow2_close(void *opaque)
{
    Qcow2State *s = opaque;

    if (s->backing) {
        s->backing_drv->close(s->backing);
        free(s->backing);
    }
    if (s->file) {
        bdrv_raw.close(s->file);
        free(s->file);
    }
    qcow2_cache_free(&s->l2_cache);
    qcow2_cache_free(&s->refblock_cache);
    qcow2_free_snapshots(s);
    free(s->l1_table);
    free(s->refcount_table);
    free(s->backing_file);
    free(s->backing_format);
    free(s->filename);
    memset(s, 0, sizeof(*s));
}

static uint64_t qcow2_getlength(void *opaque)
{
    return ((Qcow2State *)opaque)->size;
}

static int qcow2_flush(void *opaque)
{
    Qcow2State *s = opaque;

    return s->read_only ? 0 : bdrv_raw.flush(s->file);
}

/* cache.direct=on: the image file goes O_DIRECT (the raw driver aligns metadata updates). */
static bool qcow2_set_direct(void *opaque, const char *filename, Error **errp)
{
    return bdrv_raw.set_direct(((Qcow2State *)opaque)->file, filename, errp);
}

const BlockDriver bdrv_qcow2 = {
    .format_name = "qcow2",
    .state_size = sizeof(Qcow2State),
    .open = qcow2_open,
    .close = qcow2_close,
    .getlength = qcow2_getlength,
    .pread = qcow2_pread,
    .pwrite = qcow2_pwrite,
    .flush = qcow2_flush,
    .discard = qcow2_discard,
    .pwrite_zeroes = qcow2_pwrite_zeroes,
    .set_direct = qcow2_set_direct,
    .snapshot_list = qcow2_snapshot_list,
    .snapshot_create = qcow2_snapshot_create,
    .snapshot_goto = qcow2_snapshot_goto,
    .snapshot_delete = qcow2_snapshot_delete,
    .snapshot_load_vmstate = qcow2_snapshot_load_vmstate,
};
