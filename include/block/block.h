/*
 * The block layer: a BlockBackend is an open disk image that devices read and
 * write by byte offset, behind a format driver (raw, qcow2). Without a format
 * the image is probed: qcow2 by its magic, else raw with QEMU's warning, and
 * then a write may not turn sector 0 into a qcow2 header (-EPERM). Backends created by -drive are
 * registered by id and looked up by devices (virtio-blk-device,drive=ID) with blk_by_name().
 *
 * snapshot=on (or -snapshot): the image is opened read-only and never
 * modified; guest writes go to a copy-on-write overlay in an unlinked
 * temporary file, lost at exit.
 *
 * I/O functions return 0 or a negative errno: -EINVAL for a range beyond the
 * image, -EROFS for a write to a read-only backend, or the host's error.
 * Two ways in, both called with the BQL held:
 *   - blk_pread/blk_pwrite/...: synchronous, for loaders, firmware flash, snapshots;
 *   - blk_aio_*: asynchronous, for devices. The request runs in the block worker
 *     pool (include/block/thread-pool.h) without the BQL, and the completion
 *     callback runs later in the main loop with the BQL held (never from inside
 *     the blk_aio_* call). Requests in flight may complete in any order; a flush
 *     covers every write that completed before it was submitted. blk_drain()
 *     waits for all of a backend's requests (and runs their callbacks): call it
 *     before reset, snapshot, shutdown and removal.
 * Failed requests are logged (at most a line a second per drive) and then obey
 * werror/rerror (blk_set_on_error).
 */
#ifndef BLOCK_BLOCK_H
#define BLOCK_BLOCK_H

#include <sys/uio.h>

#include "common.h"
#include "util/error.h"

#define BDRV_SECTOR_BITS 9
#define BDRV_SECTOR_SIZE (1u << BDRV_SECTOR_BITS)

typedef struct BlockBackend BlockBackend;

/* blk_open flags */
#define BLK_OPEN_READONLY (1u << 0)      /* the guest may not write (readonly=on) */
#define BLK_OPEN_SNAPSHOT (1u << 1)      /* writes go to a temporary overlay */
#define BLK_OPEN_DISCARD_UNMAP (1u << 2) /* discard punches holes (discard=unmap) */
#define BLK_OPEN_WRITETHROUGH (1u << 3)  /* flush after every write (cache=writethrough) */
#define BLK_OPEN_NO_FLUSH (1u << 4)      /* flush does nothing (cache=unsafe) */
#define BLK_OPEN_DIRECT (1u << 5)        /* O_DIRECT, bypassing the host page cache (raw) */

/* Per-request flags (blk_aio_pwritev, blk_aio_pwrite_zeroes, driver pwritev/pwrite_zeroes). */
#define BDRV_REQ_FUA (1u << 0)       /* durable when it completes (as if a flush followed) */
#define BDRV_REQ_MAY_UNMAP (1u << 1) /* zeroes may be written by deallocating (discard=unmap) */

/* detect-zeroes=: a write of all zeroes becomes a write-zeroes request (unmap: may discard). */
typedef enum BlockDetectZeroes {
    BLOCKDEV_DETECT_ZEROES_OFF,
    BLOCKDEV_DETECT_ZEROES_ON,
    BLOCKDEV_DETECT_ZEROES_UNMAP,
} BlockDetectZeroes;

/* One internal snapshot of an image (qcow2), as `qemu-img snapshot -l` lists it. */
typedef struct BlockSnapshotInfo {
    char *id;
    char *name;
    uint64_t vm_state_size;
    uint32_t date_sec, date_nsec;
    uint64_t vm_clock_nsec;
} BlockSnapshotInfo;

/*
 * A format driver. `opaque` is driver_size bytes of per-image state. The block
 * layer calls a driver from worker threads, one call at a time per image unless
 * thread_safe says concurrent calls are fine. Optional vectored and zeroing ops
 * fall back to pread/pwrite through a bounce buffer.
 */
typedef struct BlockDriver {
    const char *format_name;
    size_t state_size;
    bool thread_safe;
    /* Open filename for reading (and writing unless read_only); errors name the file. */
    bool (*open)(void *opaque, const char *filename, bool read_only, Error **errp);
    void (*close)(void *opaque);
    uint64_t (*getlength)(void *opaque);
    int (*pread)(void *opaque, uint64_t offset, void *buf, size_t len);
    int (*pwrite)(void *opaque, uint64_t offset, const void *buf, size_t len);
    int (*flush)(void *opaque);
    /* Deallocate the range (reads may then return anything); optional. */
    int (*discard)(void *opaque, uint64_t offset, uint64_t len);
    /* Vectored I/O (optional); pwritev honours BDRV_REQ_FUA. */
    int (*preadv)(void *opaque, uint64_t offset, const struct iovec *iov, int niov);
    int (*pwritev)(void *opaque, uint64_t offset, const struct iovec *iov, int niov,
                   unsigned flags);
    /* Make the range read as zeroes (optional); BDRV_REQ_MAY_UNMAP allows deallocating. */
    int (*pwrite_zeroes)(void *opaque, uint64_t offset, uint64_t len, unsigned flags);
    /* Switch to O_DIRECT (cache.direct=on); optional: without it direct I/O is refused. */
    bool (*set_direct)(void *opaque, const char *filename, Error **errp);
    /* The image's internal snapshots (malloc'd); the count. Optional: none without it. */
    int (*snapshot_list)(void *opaque, BlockSnapshotInfo **list);
    /* Internal snapshots (savevm); optional: a format without them cannot hold snapshots.
     * Create fails if the name is in use; the others find a snapshot by name, then id. */
    bool (*snapshot_create)(void *opaque, const char *name, const void *vmstate, size_t vmstate_len,
                            uint64_t vm_clock_ns, Error **errp);
    bool (*snapshot_goto)(void *opaque, const char *name, Error **errp);
    bool (*snapshot_delete)(void *opaque, const char *name, Error **errp);
    /* The VM state saved with a snapshot: *buf malloc'd, *len bytes (0: none saved). */
    bool (*snapshot_load_vmstate)(void *opaque, const char *name, uint8_t **buf, size_t *len,
                                  Error **errp);
} BlockDriver;

extern const BlockDriver bdrv_raw;
extern const BlockDriver bdrv_qcow2;

/* The driver for a format name ("raw"), or NULL. */
const BlockDriver *bdrv_find_format(const char *format);

/*
 * Open filename with the named format (NULL = raw) and BLK_OPEN_* flags.
 * The caller owns the result (blk_unref). Fails with a message naming the file
 * when it is missing, unreadable, not a regular file or block device, or locked
 * by another process.
 */
BlockBackend *blk_open(const char *filename, const char *format, unsigned flags, Error **errp);
/* Close and free (after a flush); unregisters it if registered. NULL is ignored. */
void blk_unref(BlockBackend *blk);

/*
 * werror=/rerror=: what a failed request does. REPORT (the default) gives the
 * guest an I/O error; IGNORE completes it as if it had worked (the error is
 * still logged). QEMU's stop and enospc pause the VM and retry on `cont`; we
 * accept them and report instead (no request retry yet).
 */
typedef enum BlockErrorAction {
    BLOCK_ERROR_REPORT,
    BLOCK_ERROR_IGNORE,
} BlockErrorAction;
void blk_set_on_error(BlockBackend *blk, BlockErrorAction on_read, BlockErrorAction on_write);

/* The image file name and the format driver's name ("raw", "qcow2"). */
const char *blk_filename(const BlockBackend *blk);
const char *blk_format_name(const BlockBackend *blk);
/* A -blockdev driver=file node (a format node over it may take it over). */
void blk_set_file_node(BlockBackend *blk);
bool blk_is_file_node(const BlockBackend *blk);

/*
 * -blockdev OPTSTR (dotted keys or JSON): driver=file|raw|qcow2, node-name
 * (required), file= (a file node's name, or file.driver=file,file.filename=..),
 * read-only, discard, cache.no-flush; QEMU's messages for missing and
 * unexpected parameters. Registers the node under its node-name.
 */
bool blockdev_add(const char *optstr, Error **errp) WARN_UNUSED_RESULT;

/* Make blk findable as id (takes ownership). Fails on a duplicate id. */
bool blk_register(BlockBackend *blk, const char *id, Error **errp) WARN_UNUSED_RESULT;
BlockBackend *blk_by_name(const char *id);
const char *blk_name(const BlockBackend *blk); /* "" if unregistered */
/* query-block / info block: each registered backend in turn. */
typedef void BlkInfoFunc(BlockBackend *blk, void *opaque);
void blk_foreach(BlkInfoFunc *fn, void *opaque);
/* Close every registered backend (tests, exit). */
void blk_unref_all(void);

/*
 * Removable media (block/block-medium.c). An empty backend (blk_new_empty: flags as for
 * blk_open) has no image: it is not inserted, its length is 0 and every request fails with
 * -ENOMEDIUM. blk_insert_medium puts the image of img (a blk_open result, which it frees) in
 * blk in place of what was there; blk_remove_medium leaves blk empty. Both keep blk's id
 * and device. BQL held; the device is told nothing (the monitor's eject/change do that through
 * the device's BlockDevOps).
 */
BlockBackend *blk_new_empty(unsigned flags);
bool blk_is_inserted(const BlockBackend *blk);
void blk_insert_medium(BlockBackend *blk, BlockBackend *img);
void blk_remove_medium(BlockBackend *blk);

/* What a device with removable media (a CD-ROM drive) tells the block layer's users. */
typedef struct BlockDevOps {
    /* The monitor loaded a medium and closed the tray (load), or opened the tray (!load). */
    void (*change_media_cb)(void *opaque, bool load);
    bool (*is_tray_open)(void *opaque);
    bool (*is_medium_locked)(void *opaque);
    /* The monitor asks for the tray (eject): the guest hears of it; force unlocks it. */
    void (*eject_request_cb)(void *opaque, bool force);
} BlockDevOps;

/* A device with removable media registers its ops (NULL: not removable). */
void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque);
const BlockDevOps *blk_dev_ops(const BlockBackend *blk, void **opaque);

/* Claim blk for one device (a second claim fails: "drive 'x' is already in use"). */
bool blk_attach_dev(BlockBackend *blk, void *dev, Error **errp) WARN_UNUSED_RESULT;
void blk_detach_dev(BlockBackend *blk, void *dev);
void *blk_get_attached_dev(const BlockBackend *blk); /* NULL: none */

uint64_t blk_getlength(const BlockBackend *blk); /* bytes */
bool blk_is_read_only(const BlockBackend *blk);
int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len);
int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len);
int blk_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len);
/* Make everything written durable (fdatasync); no-op for snapshot and cache=unsafe. */
int blk_flush(BlockBackend *blk);
/* Discard a range: punches a hole with discard=unmap, else nothing (QEMU's discard=ignore). */
int blk_discard(BlockBackend *blk, uint64_t offset, uint64_t len);
/*
 * The internal snapshots of blk's image (for `info snapshots`): a malloc'd array of *count
 * entries (NULL and 0 for formats without snapshots); free it with blk_snapshot_list_free.
 */
BlockSnapshotInfo *blk_snapshot_list(BlockBackend *blk, int *count);
void blk_snapshot_list_free(BlockSnapshotInfo *list, int count);
/*
 * Internal snapshots of a backend (migration/snapshot.c). blk_can_snapshot: the
 * format has them and the image is writable and not under snapshot=on. The others
 * call the driver's hooks (see BlockDriver) after blk_can_snapshot; false + errp.
 */
bool blk_can_snapshot(const BlockBackend *blk);
/* Does savevm take blk along (QEMU: every writable root node)? Not a driver=file node
 * a format node sits on, not read-only, not under snapshot=on. */
bool blk_in_snapshots(const BlockBackend *blk);
bool blk_has_snapshot(BlockBackend *blk, const char *name);
bool blk_snapshot_create(BlockBackend *blk, const char *name, const void *vmstate,
                         size_t vmstate_len, uint64_t vm_clock_ns, Error **errp);
bool blk_snapshot_goto(BlockBackend *blk, const char *name, Error **errp);
bool blk_snapshot_delete(BlockBackend *blk, const char *name, Error **errp);
bool blk_snapshot_load_vmstate(BlockBackend *blk, const char *name, uint8_t **buf, size_t *len,
                               Error **errp);
/* The registered backends in registration order: blk_next(NULL) is the first. */
BlockBackend *blk_next(BlockBackend *blk);

/* Flush every registered backend; called at exit so no guest write is lost. */
void blk_flush_all(void);

/* detect-zeroes= for writes through blk (default off). */
void blk_set_detect_zeroes(BlockBackend *blk, BlockDetectZeroes mode);
/* Write cache on (writeback: the guest flushes) or off (writethrough: every write is FUA). */
bool blk_enable_write_cache(const BlockBackend *blk);
void blk_set_enable_write_cache(BlockBackend *blk, bool enable);
/* Does discard reach the image (discard=unmap)? Then write-zeroes may unmap too. */
bool blk_discard_unmaps(const BlockBackend *blk);

/* ---- asynchronous I/O (see the top of this file) ---- */
typedef void BlockCompletionFunc(void *opaque, int ret);
typedef struct BlockAIOCB BlockAIOCB;
/*
 * Read/write len = the iovec's total bytes at offset. The iovec (host memory the caller
 * owns) must stay valid until cb runs. The returned handle is valid until then too.
 * Writes add BDRV_REQ_FUA themselves when the write cache is off.
 */
BlockAIOCB *blk_aio_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                           BlockCompletionFunc *cb, void *opaque);
BlockAIOCB *blk_aio_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                            unsigned flags, BlockCompletionFunc *cb, void *opaque);
BlockAIOCB *blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque);
BlockAIOCB *blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t len,
                             BlockCompletionFunc *cb, void *opaque);
BlockAIOCB *blk_aio_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len, unsigned flags,
                                  BlockCompletionFunc *cb, void *opaque);
/* Take back a request no worker has started: true, and its cb gets -ECANCELED. */
bool blk_aio_cancel_async(BlockAIOCB *acb);
/* Wait until every AIO request of blk has completed and its callback has run. */
void blk_drain(BlockBackend *blk);
/* blk_drain for every backend (before shutdown, snapshot, machine reset). */
void blk_drain_all(void);

/*
 * -drive OPTSTR, QEMU's syntax: file=, format=raw|qcow2, if=none|virtio|pflash|ide (default
 * none, as QEMU's riscv virt), id= (default "<if><n>": none0, virtio0...),
 * index=, unit=, bus= (if=ide only), readonly=on|off, snapshot=on|off (default global_snapshot),
 * cache=writeback|none|writethrough|directsync|unsafe, discard=ignore|unmap,
 * media=disk|cdrom (cdrom: read-only), werror=enospc|report|stop|ignore, rerror=report|stop|ignore
 * (see BlockErrorAction), detect-zeroes=off|on|unmap (unmap needs discard=unmap, as
 * QEMU); aio= is accepted and ignored (requests always go to the worker pool).
 * Opens and registers the image. For if=virtio, *device_opts receives a
 * malloc'd "-device" string ("virtio-blk-device,drive=virtio0") for the caller
 * to create; otherwise it is set to NULL.
 */
bool drive_new(const char *optstr, bool global_snapshot, char **device_opts,
               Error **errp) WARN_UNUSED_RESULT;

/*
 * What the machine offers -drive: its default interface (NULL: none) and its if=ide buses
 * (one unit each; 0: if=ide is refused). ide_used is the caller's record of the buses
 * earlier -drive options took (start it at 0).
 */
typedef struct DriveBoard {
    const char *default_if;
    unsigned ide_buses;
    uint32_t ide_used;
} DriveBoard;

/*
 * drive_new on a machine (board NULL: drive_new's defaults). if=ide takes the bus index= or
 * bus= names (else the first free one) and gives the id "ide<bus>-hd0" and the -device string
 * "ide-hd,drive=ID,bus=ide.<bus>" (media=cdrom: "ide<bus>-cd0", "ide-cd,..."), QEMU's q35 names.
 */
bool drive_new_on(const char *optstr, bool global_snapshot, DriveBoard *board, char **device_opts,
                  Error **errp) WARN_UNUSED_RESULT;

#endif
