/*
 * Block layer internals shared by the files in block/ (not for devices).
 *
 * BlockOverlay: the copy-on-write store behind snapshot=on. Sectors the guest
 * wrote live in an unlinked temporary file (sparse, as long as the image);
 * a bitmap says which sectors are there. Reads of other sectors go to the
 * image, which is never written.
 */
#ifndef BLOCK_BLOCK_INT_H
#define BLOCK_BLOCK_INT_H

#include <pthread.h>
#include <sys/uio.h>

#include "block/block.h"

typedef struct BlockOverlay BlockOverlay;

/*
 * An open image. Fields above `lock` are set at open and read-only after, except where
 * marked; the driver state (opaque, overlay) is reached only with `lock` held unless the
 * driver is thread_safe and there is no overlay (blk_serialized() says which).
 */
struct BlockBackend {
    char *name; /* registered id, or NULL */
    char *filename;
    const BlockDriver *drv;
    void *opaque; /* drv->state_size bytes */
    uint64_t length;
    unsigned flags;        /* BLK_OPEN_*; WRITETHROUGH may change (BQL) */
    BlockOverlay *overlay; /* snapshot=on */
    bool probed_raw;       /* raw by probing: writes may not make sector 0 look like qcow2 */
    bool file_node;        /* -blockdev driver=file: a format node may take it over */
    BlockDetectZeroes detect_zeroes;
    pthread_mutex_t lock; /* serializes the driver when blk_serialized() */
    /* BQL from here on */
    BlockErrorAction on_read_error, on_write_error;
    void *dev;                  /* the device using it, or NULL */
    const BlockDevOps *dev_ops; /* removable media: the device's side (block-medium.c) */
    void *dev_opaque;
    int64_t error_logged_ns;  /* host time of the last I/O error line */
    unsigned errors_unlogged; /* errors since that line */
    unsigned in_flight;       /* AIO requests whose callback has not run */
    BlockBackend *next;       /* registry */
};

/* Must driver calls on blk be made one at a time (under blk->lock)? */
bool blk_serialized(const BlockBackend *blk);
/* Take/drop blk->lock if blk_serialized(); around every blk_do_* call. */
void blk_io_lock(BlockBackend *blk);
void blk_io_unlock(BlockBackend *blk);
/* 0, -EROFS or -EINVAL: may a write-like request touch [offset, offset+len)? */
int blk_check_write(BlockBackend *blk, uint64_t offset, uint64_t len);
/* BDRV_REQ_FUA when the write cache is off (writethrough), else 0. */
unsigned blk_write_flags(const BlockBackend *blk);
/* Log a failed op ("read", "write", "flush", "discard"), then apply rerror/werror:
 * IGNORE turns the error into 0. BQL held. */
int blk_finish(BlockBackend *blk, const char *op, uint64_t offset, uint64_t len, int ret);
/* The block worker pool, started on first use (a process singleton like the main loop). */
struct ThreadPool *blk_thread_pool(void);

/*
 * The I/O core (block/block-io.c), shared by the synchronous API and the AIO workers.
 * No range or read-only checks, no locking, no error reporting: the callers do those
 * (and call blk_check_format_change before a write).
 * 0 or -errno. qiov-style: iov[0..niov) holds exactly the bytes to transfer.
 */
int blk_do_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov);
int blk_do_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                   unsigned req_flags);
int blk_do_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len, unsigned req_flags);
int blk_do_flush(BlockBackend *blk);
int blk_do_discard(BlockBackend *blk, uint64_t offset, uint64_t len);
/* -EPERM if the write would make sector 0 of a probed raw image look like qcow2. */
int blk_check_format_change(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov);

/* The range check every request gets: [offset, offset+len) inside the image. */
static inline bool blk_range_ok(const BlockBackend *blk, uint64_t offset, uint64_t len)
{
    return offset <= blk->length && len <= blk->length - offset;
}
/* Log a failed request (rate limited; see block-backend.c) and return ret. BQL held. */
int blk_report_error(BlockBackend *blk, const char *op, uint64_t offset, uint64_t len, int ret);

/* iovec helpers (block-io.c). */
uint64_t iov_size(const struct iovec *iov, int niov);
/* Copy len bytes from/to the iovec starting offset bytes in; returns bytes copied. */
size_t iov_to_buf(const struct iovec *iov, int niov, uint64_t offset, void *buf, size_t len);
size_t iov_from_buf(const struct iovec *iov, int niov, uint64_t offset, const void *buf,
                    size_t len);
bool iov_is_zero(const struct iovec *iov, int niov);

/*
 * blkdebug (block/blkdebug.c): a filename "blkdebug:[RULES]:IMAGE" opens IMAGE
 * through the error-injecting driver instead of the raw one.
 */
extern const BlockDriver bdrv_blkdebug;
bool bdrv_is_blkdebug_filename(const char *filename);

/* A new empty overlay for an image of length bytes (temp file in $TMPDIR or /var/tmp). */
BlockOverlay *blk_overlay_new(uint64_t length, Error **errp);
void blk_overlay_free(BlockOverlay *ov);
/* Read [offset, offset+len): overlay sectors from the overlay, the rest from drv/opaque. */
int blk_overlay_pread(BlockOverlay *ov, const BlockDriver *drv, void *opaque, uint64_t offset,
                      void *buf, size_t len);
/* Write into the overlay, first copying partially written sectors from the image. */
int blk_overlay_pwrite(BlockOverlay *ov, const BlockDriver *drv, void *opaque, uint64_t offset,
                       const void *buf, size_t len);

#endif
