/*
 * BlockBackend: an open image behind a format driver, with range checks,
 * read-only enforcement, the snapshot overlay, cache modes and the registry
 * of -drive ids (include/block/block.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <unistd.h>

#include "block/block_int.h"
#include "block/qcow2.h"
#include "util/timer.h"

/* The -drive registry: ids are process-wide, like QEMU's. */
static BlockBackend *blk_list;

static const BlockDriver *const block_drivers[] = {&bdrv_raw, &bdrv_qcow2};

const BlockDriver *bdrv_find_format(const char *format)
{
    for (size_t i = 0; i < ARRAY_SIZE(block_drivers); i++) {
        if (!strcmp(block_drivers[i]->format_name, format)) {
            return block_drivers[i];
        }
    }
    return NULL;
}

/*
 * No format given: qcow2 if the file starts with its magic, else raw with
 * QEMU's warning (a guest could otherwise write a qcow2 header into a raw
 * image and have the host open it as qcow2 next time).
 */
static const char *blk_probe_format(const char *filename, bool *probed_raw)
{
    uint8_t buf[BDRV_SECTOR_SIZE];
    ssize_t n = -1;
    int fd;

    *probed_raw = false;
    if (bdrv_is_blkdebug_filename(filename)) {
        return "raw";
    }
    fd = open(filename, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = pread(fd, buf, sizeof(buf), 0);
        close(fd);
    }
    if (n < 0) {
        return "raw"; /* the open reports why */
    }
    if (qcow2_probe(buf, n)) {
        return "qcow2";
    }
    fprintf(stderr,
            "WARNING: Image format was not specified for '%s' and probing guessed raw.\n"
            "         Automatically detecting the format is dangerous for raw images, write "
            "operations on block 0 will be restricted.\n"
            "         Specify the 'raw' format explicitly to remove the restrictions.\n",
            filename);
    *probed_raw = true;
    return "raw";
}

static bool blk_open_direct(BlockBackend *blk, Error **errp)
{
    if (!blk->drv->set_direct) {
        error_setg(errp, "'%s': cache.direct=on is not supported for the %s format", blk->filename,
                   blk_format_name(blk));
        return false;
    }
    return blk->drv->set_direct(blk->opaque, blk->filename, errp);
}

BlockBackend *blk_open(const char *filename, const char *format, unsigned flags, Error **errp)
{
    bool probed_raw = false;
    const BlockDriver *drv =
        bdrv_find_format(format ? format : blk_probe_format(filename, &probed_raw));
    bool host_read_only = flags & (BLK_OPEN_READONLY | BLK_OPEN_SNAPSHOT);
    BlockBackend *blk;

    if (!drv) {
        error_setg(errp, "format '%s' is not supported yet", format);
        return NULL;
    }
    if (drv == &bdrv_raw && bdrv_is_blkdebug_filename(filename)) {
        drv = &bdrv_blkdebug; /* error injection under the raw format, as QEMU's protocol */
    }
    blk = xzalloc(sizeof(*blk));
    blk->drv = drv;
    blk->opaque = xzalloc(drv->state_size);
    blk->flags = flags;
    blk->probed_raw = probed_raw;
    blk->filename = xstrdup(filename);
    pthread_mutex_init(&blk->lock, NULL);
    if (!drv->open(blk->opaque, filename, host_read_only, errp)) {
        pthread_mutex_destroy(&blk->lock);
        free(blk->opaque);
        free(blk->filename);
        free(blk);
        return NULL;
    }
    blk->length = drv->getlength(blk->opaque);
    if ((flags & BLK_OPEN_DIRECT) && !blk_open_direct(blk, errp)) {
        blk_unref(blk);
        return NULL;
    }
    if (flags & BLK_OPEN_SNAPSHOT) {
        blk->overlay = blk_overlay_new(blk->length, errp);
        if (!blk->overlay) {
            blk_unref(blk);
            return NULL;
        }
    }
    return blk;
}

static void blk_unlink(BlockBackend *blk)
{
    for (BlockBackend **p = &blk_list; *p; p = &(*p)->next) {
        if (*p == blk) {
            *p = blk->next;
            return;
        }
    }
}

void blk_unref(BlockBackend *blk)
{
    if (!blk) {
        return;
    }
    blk_drain(blk);
    blk_unlink(blk);
    blk_flush(blk);
    blk_overlay_free(blk->overlay);
    blk->drv->close(blk->opaque);
    pthread_mutex_destroy(&blk->lock);
    free(blk->opaque);
    free(blk->filename);
    free(blk->name);
    free(blk);
}

bool blk_register(BlockBackend *blk, const char *id, Error **errp)
{
    BlockBackend **tail = &blk_list;

    if (blk_by_name(id)) {
        error_setg(errp, "Duplicate ID '%s' for drive", id);
        return false;
    }
    while (*tail) { /* in creation order, as query-block lists them */
        tail = &(*tail)->next;
    }
    blk->name = xstrdup(id);
    blk->next = NULL;
    *tail = blk;
    return true;
}

BlockBackend *blk_by_name(const char *id)
{
    for (BlockBackend *blk = blk_list; blk; blk = blk->next) {
        if (!strcmp(blk->name, id)) {
            return blk;
        }
    }
    return NULL;
}

const char *blk_filename(const BlockBackend *blk)
{
    return blk->filename;
}

const char *blk_format_name(const BlockBackend *blk)
{
    return blk->drv == &bdrv_blkdebug ? "raw" : blk->drv->format_name;
}

void blk_set_file_node(BlockBackend *blk)
{
    blk->file_node = true;
}

bool blk_is_file_node(const BlockBackend *blk)
{
    return blk->file_node;
}

void blk_set_on_error(BlockBackend *blk, BlockErrorAction on_read, BlockErrorAction on_write)
{
    blk->on_read_error = on_read;
    blk->on_write_error = on_write;
}

const char *blk_name(const BlockBackend *blk)
{
    return blk->name ? blk->name : "";
}

void blk_unref_all(void)
{
    while (blk_list) {
        blk_unref(blk_list);
    }
}

bool blk_attach_dev(BlockBackend *blk, void *dev, Error **errp)
{
    if (blk->dev && blk->dev != dev) {
        error_setg(errp, "drive '%s' is already in use by another device", blk_name(blk));
        return false;
    }
    blk->dev = dev;
    return true;
}

void *blk_get_attached_dev(const BlockBackend *blk)
{
    return blk->dev;
}

void blk_detach_dev(BlockBackend *blk, void *dev)
{
    if (blk->dev == dev) {
        blk->dev = NULL;
    }
}

uint64_t blk_getlength(const BlockBackend *blk)
{
    return blk->length;
}

bool blk_is_read_only(const BlockBackend *blk)
{
    return blk->flags & BLK_OPEN_READONLY;
}

/*
 * The host failed a request (EIO, ENOSPC, ...): the device reports an I/O
 * error to the guest and the machine runs on, so say here what happened. At
 * most one line a second per drive, so a guest retrying in a loop cannot
 * flood the log; the line counts what it left out.
 */
int blk_report_error(BlockBackend *blk, const char *op, uint64_t offset, uint64_t len, int ret)
{
    int64_t now = clock_get_ns(CLOCK_HOST);
    char what[96], more[48] = "";

    if (ret >= 0) {
        return ret;
    }
    if (blk->error_logged_ns && now - blk->error_logged_ns < NANOSECONDS_PER_SECOND) {
        blk->errors_unlogged++;
        return ret;
    }
    if (!strcmp(op, "flush")) {
        snprintf(what, sizeof(what), "flush");
    } else {
        snprintf(what, sizeof(what), "%s of %" PRIu64 " bytes at offset %" PRIu64, op, len, offset);
    }
    if (blk->errors_unlogged) {
        snprintf(more, sizeof(more), " (and %u errors not shown)", blk->errors_unlogged);
    }
    error_report("drive '%s' (%s): %s failed: %s; the guest sees an I/O error%s", blk_name(blk),
                 blk->filename, what, strerror(-ret), more);
    blk->error_logged_ns = now;
    blk->errors_unlogged = 0;
    return ret;
}

bool blk_serialized(const BlockBackend *blk)
{
    return blk->overlay || !blk->drv->thread_safe;
}

void blk_io_lock(BlockBackend *blk)
{
    if (blk_serialized(blk)) {
        pthread_mutex_lock(&blk->lock);
    }
}

void blk_io_unlock(BlockBackend *blk)
{
    if (blk_serialized(blk)) {
        pthread_mutex_unlock(&blk->lock);
    }
}

int blk_finish(BlockBackend *blk, const char *op, uint64_t offset, uint64_t len, int ret)
{
    BlockErrorAction action = !strcmp(op, "read") ? blk->on_read_error : blk->on_write_error;

    ret = blk_report_error(blk, op, offset, len, ret);
    return ret < 0 && action == BLOCK_ERROR_IGNORE ? 0 : ret;
}

int blk_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len)
{
    struct iovec iov = {buf, len};
    int ret;

    if (!blk_range_ok(blk, offset, len)) {
        return -EINVAL;
    }
    blk_io_lock(blk);
    ret = blk_do_preadv(blk, offset, &iov, 1);
    blk_io_unlock(blk);
    return blk_finish(blk, "read", offset, len, ret);
}

int blk_check_write(BlockBackend *blk, uint64_t offset, uint64_t len)
{
    if (blk_is_read_only(blk)) {
        return -EROFS;
    }
    return blk_range_ok(blk, offset, len) ? 0 : -EINVAL;
}

unsigned blk_write_flags(const BlockBackend *blk)
{
    return blk_enable_write_cache(blk) ? 0 : BDRV_REQ_FUA;
}

int blk_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len)
{
    struct iovec iov = {(void *)buf, len};
    int ret = blk_check_write(blk, offset, len);

    if (ret < 0) {
        return ret;
    }
    blk_io_lock(blk);
    ret = blk_check_format_change(blk, offset, &iov, 1);
    if (ret == 0) {
        ret = blk_do_pwritev(blk, offset, &iov, 1, blk_write_flags(blk));
    } else {
        len = 0; /* the -EPERM is QEMU's restriction, not an I/O error: no log line */
    }
    blk_io_unlock(blk);
    return len ? blk_finish(blk, "write", offset, len, ret) : ret;
}

int blk_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len)
{
    int ret = blk_check_write(blk, offset, len);

    if (ret < 0) {
        return ret;
    }
    blk_io_lock(blk);
    ret = blk_do_pwrite_zeroes(blk, offset, len, blk_write_flags(blk));
    blk_io_unlock(blk);
    return blk_finish(blk, "write", offset, len, ret);
}

int blk_flush(BlockBackend *blk)
{
    int ret;

    blk_io_lock(blk);
    ret = blk_do_flush(blk);
    blk_io_unlock(blk);
    return blk_report_error(blk, "flush", 0, 0, ret);
}

int blk_discard(BlockBackend *blk, uint64_t offset, uint64_t len)
{
    int ret = blk_check_write(blk, offset, len);

    if (ret < 0) {
        return ret;
    }
    blk_io_lock(blk);
    ret = blk_do_discard(blk, offset, len);
    blk_io_unlock(blk);
    return blk_report_error(blk, "discard", offset, len, ret);
}

void blk_set_detect_zeroes(BlockBackend *blk, BlockDetectZeroes mode)
{
    blk->detect_zeroes = mode;
}

bool blk_enable_write_cache(const BlockBackend *blk)
{
    return !(blk->flags & BLK_OPEN_WRITETHROUGH);
}

void blk_set_enable_write_cache(BlockBackend *blk, bool enable)
{
    blk->flags = enable ? blk->flags & ~BLK_OPEN_WRITETHROUGH : blk->flags | BLK_OPEN_WRITETHROUGH;
}

bool blk_discard_unmaps(const BlockBackend *blk)
{
    return blk->flags & BLK_OPEN_DISCARD_UNMAP;
}

BlockSnapshotInfo *blk_snapshot_list(BlockBackend *blk, int *count)
{
    BlockSnapshotInfo *list = NULL;

    *count = blk->drv->snapshot_list ? blk->drv->snapshot_list(blk->opaque, &list) : 0;
    return list;
}

void blk_snapshot_list_free(BlockSnapshotInfo *list, int count)
{
    for (int i = 0; i < count; i++) {
        free(list[i].id);
        free(list[i].name);
    }
    free(list);
}

bool blk_can_snapshot(const BlockBackend *blk)
{
    return blk->drv->snapshot_create && !blk_is_read_only(blk) && !blk->overlay;
}

bool blk_in_snapshots(const BlockBackend *blk)
{
    return !blk->file_node && !blk_is_read_only(blk) && !blk->overlay;
}

bool blk_has_snapshot(BlockBackend *blk, const char *name)
{
    BlockSnapshotInfo *list;
    int n;
    bool found = false;

    list = blk_snapshot_list(blk, &n);
    for (int i = 0; i < n; i++) {
        found |= !strcmp(list[i].name, name) || !strcmp(list[i].id, name);
    }
    blk_snapshot_list_free(list, n);
    return found;
}

static bool blk_check_snapshots(const BlockBackend *blk, Error **errp)
{
    if (!blk_can_snapshot(blk)) {
        error_setg(errp, "Device '%s' is writable but does not support snapshots",
                   blk->name ? blk->name : blk->filename);
        return false;
    }
    return true;
}

bool blk_snapshot_create(BlockBackend *blk, const char *name, const void *vmstate,
                         size_t vmstate_len, uint64_t vm_clock_ns, Error **errp)
{
    return blk_check_snapshots(blk, errp) &&
           blk->drv->snapshot_create(blk->opaque, name, vmstate, vmstate_len, vm_clock_ns, errp);
}

bool blk_snapshot_goto(BlockBackend *blk, const char *name, Error **errp)
{
    return blk_check_snapshots(blk, errp) && blk->drv->snapshot_goto(blk->opaque, name, errp);
}

bool blk_snapshot_delete(BlockBackend *blk, const char *name, Error **errp)
{
    return blk_check_snapshots(blk, errp) && blk->drv->snapshot_delete(blk->opaque, name, errp);
}

bool blk_snapshot_load_vmstate(BlockBackend *blk, const char *name, uint8_t **buf, size_t *len,
                               Error **errp)
{
    return blk_check_snapshots(blk, errp) &&
           blk->drv->snapshot_load_vmstate(blk->opaque, name, buf, len, errp);
}

BlockBackend *blk_next(BlockBackend *blk)
{
    return blk ? blk->next : blk_list;
}

void blk_flush_all(void)
{
    blk_drain_all();
    for (BlockBackend *blk = blk_list; blk; blk = blk->next) {
        blk_flush(blk); /* a failure is reported by blk_flush */
    }
}

void blk_foreach(BlkInfoFunc *fn, void *opaque)
{
    for (BlockBackend *blk = blk_list; blk; blk = blk->next) {
        fn(blk, opaque);
    }
}
