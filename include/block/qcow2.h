/*
 * qcow2 format driver internals, shared by block/qcow2*.c and the unit tests.
 * The on-disk format is QEMU's docs/interop/qcow2.txt (versions 2 and 3);
 * every number there is big-endian.
 *
 * Split by concept:
 *   qcow2.c           header, extensions, open/close, the driver table
 *   qcow2-cluster.c   guest offset -> host offset (L1/L2), reads, cluster allocation for writes
 *   qcow2-refcount.c  refcount table and blocks, allocating and freeing host clusters
 *   qcow2-snapshot.c  the internal snapshot table (parsed and listed)
 *   qcow2-snapshot-write.c  creating, reverting to and deleting snapshots; their VM state
 *
 * Metadata is written through: each updated L1/L2/refcount entry goes to the
 * file when it changes, refcounts before the L2 entry that uses the cluster,
 * so a crash can leak clusters but never leaves an entry pointing at a free
 * one. We never use lazy refcounts, so we never set the dirty bit.
 *
 * The image is untrusted: every offset read from it is checked before use.
 * A bad header fails at open with a message; a bad entry met during I/O
 * fails that request with -EIO (reported once per image on stderr).
 */
#ifndef BLOCK_QCOW2_H
#define BLOCK_QCOW2_H

#include "block/block.h"

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */
#define QCOW2_V2_HEADER_LEN 72
#define QCOW2_V3_HEADER_LEN 104
#define QCOW2_MIN_CLUSTER_BITS 9
#define QCOW2_MAX_CLUSTER_BITS 21 /* 2 MiB, the limit QEMU opens */
#define QCOW2_MAX_L1_BYTES (32 * MiB)
#define QCOW2_MAX_REFTABLE_BYTES (8 * MiB)
#define QCOW2_MAX_SNAPSHOTS 65536
#define QCOW2_MAX_BACKING_NAME 1023
#define QCOW2_MAX_BACKING_DEPTH 16

/* Header extension types */
#define QCOW2_EXT_END 0
#define QCOW2_EXT_BACKING_FORMAT 0xe2792acau
#define QCOW2_EXT_FEATURE_TABLE 0x6803f857u

/* incompatible_features */
#define QCOW2_INCOMPAT_DIRTY (1u << 0)
#define QCOW2_INCOMPAT_CORRUPT (1u << 1)
#define QCOW2_INCOMPAT_DATA_FILE (1u << 2)
#define QCOW2_INCOMPAT_COMPRESSION (1u << 3)
#define QCOW2_INCOMPAT_EXTL2 (1u << 4)

/* L1 / L2 entries */
#define QCOW2_OFLAG_COPIED (UINT64_C(1) << 63)
#define QCOW2_OFLAG_COMPRESSED (UINT64_C(1) << 62)
#define QCOW2_OFLAG_ZERO (UINT64_C(1) << 0)
#define QCOW2_OFFSET_MASK UINT64_C(0x00fffffffffffe00) /* bits 9-55 */
#define QCOW2_L2E_RESERVED UINT64_C(0x3f000000000001fe)

/* A few recently used metadata clusters (L2 tables or refcount blocks), kept as on disk. */
#define QCOW2_CACHE_SIZE 8
typedef struct Qcow2CacheEntry {
    uint64_t offset; /* host offset, 0 = empty slot */
    uint8_t *data;   /* cluster_size bytes, big-endian as in the file */
    uint64_t last_use;
} Qcow2CacheEntry;

typedef struct Qcow2Cache {
    Qcow2CacheEntry entries[QCOW2_CACHE_SIZE];
    uint64_t clock;
} Qcow2Cache;

/* One entry of the snapshot table (qemu-img snapshot -l lists the same). */
typedef struct Qcow2Snapshot {
    uint64_t l1_table_offset;
    uint32_t l1_size;
    char *id;
    char *name;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
    uint64_t vm_state_size;
    uint64_t disk_size; /* 0 if the entry does not say */
} Qcow2Snapshot;

typedef struct Qcow2State {
    /* The image file, through the raw driver (locking, EINTR, short reads). */
    void *file;
    char *filename;
    bool read_only;
    uint64_t file_size; /* bytes; grows as clusters are allocated */

    uint32_t version;
    uint32_t cluster_bits;
    uint64_t cluster_size;
    uint64_t l2_entries; /* cluster_size / 8 */
    uint64_t size;       /* guest-visible bytes */
    uint64_t incompat, compat, autoclear;
    uint32_t header_length;

    uint64_t l1_table_offset;
    uint32_t l1_size;
    uint64_t *l1_table; /* host byte order */

    uint64_t refcount_table_offset;
    uint32_t refcount_table_clusters;
    uint64_t refcount_table_size; /* entries */
    uint64_t *refcount_table;     /* host byte order */
    uint32_t refcount_order;
    uint64_t refcount_max;
    uint64_t refblock_entries;
    uint64_t free_hint; /* no free cluster below this index */

    uint32_t nb_snapshots;
    uint64_t snapshots_offset;
    uint64_t snapshots_size; /* bytes of the table */
    Qcow2Snapshot *snapshots;

    Qcow2Cache l2_cache;
    Qcow2Cache refblock_cache;

    /* Backing file: reads of unallocated clusters go there (then zeros past its end). */
    char *backing_file;
    char *backing_format;
    const BlockDriver *backing_drv;
    void *backing;
    uint64_t backing_size;

    bool corruption_reported; /* one stderr line per image */
} Qcow2State;

extern const BlockDriver bdrv_qcow2;

/*
 * Open filename as qcow2; chain lists the files above it (for backing-file
 * loop detection), depth its length. The raw driver does the file I/O.
 */
bool qcow2_open_chain(Qcow2State *s, const char *filename, bool read_only, const char *const *chain,
                      int depth, Error **errp);
void qcow2_close(void *opaque);
/* True if the first bytes of a file look like qcow2 (format probing). */
bool qcow2_probe(const uint8_t *buf, size_t len);

/* File I/O (qcow2.c): 0 or -errno. */
int qcow2_file_pread(Qcow2State *s, uint64_t offset, void *buf, size_t len);
int qcow2_file_pwrite(Qcow2State *s, uint64_t offset, const void *buf, size_t len);
/* Log (once per image) that the metadata is corrupt, and return -EIO. */
int qcow2_corrupt(Qcow2State *s, const char *fmt, ...) PRINTF_FMT(2, 3);
/* Does [offset, offset+len) touch the header, L1 table, refcount table or snapshot table? */
bool qcow2_overlaps_metadata(const Qcow2State *s, uint64_t offset, uint64_t len);

/* Metadata cache (qcow2-cluster.c): load a cluster at offset, *data points into the cache. */
int qcow2_cache_get(Qcow2State *s, Qcow2Cache *c, uint64_t offset, uint8_t **data);
void qcow2_cache_drop(Qcow2Cache *c, uint64_t offset);
bool qcow2_cache_has(const Qcow2Cache *c, uint64_t offset);
void qcow2_cache_free(Qcow2Cache *c);

/* Guest I/O (qcow2-cluster.c). */
int qcow2_pread(void *opaque, uint64_t offset, void *buf, size_t len);
int qcow2_pwrite(void *opaque, uint64_t offset, const void *buf, size_t len);
/* Deallocate the whole clusters inside the range (reads then give zeros). */
int qcow2_discard(void *opaque, uint64_t offset, uint64_t len);
/* Make [offset, offset+len) read as zeroes (zero/unallocated clusters where whole). */
int qcow2_pwrite_zeroes(void *opaque, uint64_t offset, uint64_t len, unsigned flags);
/*
 * The same anywhere the L1 table maps, past the disk's end too (the VM state area of
 * internal snapshots); the caller checks the range. Discard treats limit as the end.
 */
int qcow2_pread_mapped(Qcow2State *s, uint64_t offset, void *buf, size_t len);
int qcow2_pwrite_mapped(Qcow2State *s, uint64_t offset, const void *buf, size_t len);
int qcow2_discard_mapped(Qcow2State *s, uint64_t offset, uint64_t len, uint64_t limit);

/* Refcounts (qcow2-refcount.c): 0 or -errno. */
int qcow2_refcount_init(Qcow2State *s, Error **errp);
int qcow2_get_refcount(Qcow2State *s, uint64_t cluster_index, uint64_t *refcount);
/* Add delta (+1 or -1) to the refcount of the host cluster at offset. */
int qcow2_update_refcount(Qcow2State *s, uint64_t offset, int delta);
/* A free host cluster, its refcount set to 1; *offset receives it. */
int qcow2_alloc_cluster(Qcow2State *s, uint64_t *offset);

/* Add delta to the refcount of what an L2 entry points to (every cluster of a compressed one). */
int qcow2_entry_update_refcount(Qcow2State *s, uint64_t l2e, int delta);

/* Snapshot table (qcow2-snapshot.c). */
bool qcow2_read_snapshots(Qcow2State *s, Error **errp);
void qcow2_free_snapshots(Qcow2State *s);
int qcow2_snapshot_list(void *opaque, BlockSnapshotInfo **list);
/* Internal snapshots (qcow2-snapshot-write.c): the BlockDriver hooks of include/block/block.h.
 * A snapshot is found by name, then by id, as QEMU does. */
bool qcow2_has_snapshot(Qcow2State *s, const char *name);
bool qcow2_snapshot_create(void *opaque, const char *name, const void *vmstate, size_t vmstate_len,
                           uint64_t vm_clock_ns, Error **errp);
bool qcow2_snapshot_goto(void *opaque, const char *name, Error **errp);
bool qcow2_snapshot_delete(void *opaque, const char *name, Error **errp);
bool qcow2_snapshot_load_vmstate(void *opaque, const char *name, uint8_t **buf, size_t *len,
                                 Error **errp);

static inline uint64_t qcow2_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) {
        v = v << 8 | p[i];
    }
    return v;
}

static inline uint32_t qcow2_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static inline uint16_t qcow2_be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static inline void qcow2_put_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8) {
        p[i] = v;
    }
}

static inline void qcow2_put_be32(uint8_t *p, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8) {
        p[i] = v;
    }
}

#endif
