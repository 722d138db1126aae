/*
 * Removable media (include/block/block.h): a BlockBackend whose image comes and goes while the
 * backend itself (its id, the device holding it) stays, as a CD-ROM drive's does under
 * `change` and `eject`.
 *
 * An empty backend runs the "no medium" driver below: every request fails with -ENOMEDIUM and
 * its length is 0, so no code path needs to test for a missing driver. Changing the medium
 * opens the new image as a backend of its own and swaps the image half of the two structs
 * (driver, state, file name, length, overlay), then closes the other half; the id, the
 * device, the error policy and the lock stay where they were.
 */
#include <errno.h>

#include "block/block_int.h"

static bool empty_open(void *opaque, const char *filename, bool read_only, Error **errp)
{
    return true;
}

static void empty_close(void *opaque)
{
}

static uint64_t empty_getlength(void *opaque)
{
    return 0;
}

static int empty_pread(void *opaque, uint64_t offset, void *buf, size_t len)
{
    return -ENOMEDIUM;
}

static int empty_pwrite(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    return -ENOMEDIUM;
}

static int empty_flush(void *opaque)
{
    return 0; /* nothing to make durable */
}

static const BlockDriver bdrv_empty = {
    .format_name = "",
    .state_size = 1,
    .thread_safe = true,
    .open = empty_open,
    .close = empty_close,
    .getlength = empty_getlength,
    .pread = empty_pread,
    .pwrite = empty_pwrite,
    .flush = empty_flush,
};

BlockBackend *blk_new_empty(unsigned flags)
{
    BlockBackend *blk = xzalloc(sizeof(*blk));

    blk->drv = &bdrv_empty;
    blk->opaque = xzalloc(bdrv_empty.state_size);
    blk->flags = flags & ~BLK_OPEN_SNAPSHOT;
    blk->filename = xstrdup("");
    pthread_mutex_init(&blk->lock, NULL);
    return blk;
}

bool blk_is_inserted(const BlockBackend *blk)
{
    return blk->drv != &bdrv_empty;
}

/* Exchange what a medium is between a and b (not the id, device, policy or lock). */
static void blk_swap_medium(BlockBackend *a, BlockBackend *b)
{
    BlockBackend t = *a;

    a->drv = b->drv;
    a->opaque = b->opaque;
    a->filename = b->filename;
    a->length = b->length;
    a->overlay = b->overlay;
    a->probed_raw = b->probed_raw;
    b->drv = t.drv;
    b->opaque = t.opaque;
    b->filename = t.filename;
    b->length = t.length;
    b->overlay = t.overlay;
    b->probed_raw = t.probed_raw;
}

/* Put other's medium in blk and close what blk held (other is freed). */
static void blk_take_medium(BlockBackend *blk, BlockBackend *other)
{
    blk_drain(blk);
    blk_flush(blk);
    blk_swap_medium(blk, other);
    blk_unref(other);
}

void blk_insert_medium(BlockBackend *blk, BlockBackend *img)
{
    blk_take_medium(blk, img);
}

void blk_remove_medium(BlockBackend *blk)
{
    if (blk_is_inserted(blk)) {
        blk_take_medium(blk, blk_new_empty(blk->flags));
    }
}

void blk_set_dev_ops(BlockBackend *blk, const BlockDevOps *ops, void *opaque)
{
    blk->dev_ops = ops;
    blk->dev_opaque = opaque;
}

const BlockDevOps *blk_dev_ops(const BlockBackend *blk, void **opaque)
{
    *opaque = blk->dev_opaque;
    return blk->dev_ops;
}
