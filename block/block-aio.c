/*
 * Asynchronous block requests (blk_aio_*, include/block/block.h): each one is
 * a job for the block worker pool. The checks a request can fail without
 * touching the image (range, read-only) are made at submission; the job then
 * takes the backend's lock if its driver needs one (qcow2, the snapshot
 * overlay: their metadata is not thread safe; raw is) and runs the same I/O
 * core as the synchronous API. The completion, in the main loop with the BQL,
 * logs a failure, applies rerror/werror and calls the device back.
 */
#include <errno.h>

#include "block/block_int.h"
#include "block/thread-pool.h"

typedef enum BlockAIOOp {
    BLK_AIO_READ,
    BLK_AIO_WRITE,
    BLK_AIO_WRITE_ZEROES,
    BLK_AIO_FLUSH,
    BLK_AIO_DISCARD,
} BlockAIOOp;

static const char *const blk_aio_op_names[] = {
    [BLK_AIO_READ] = "read",   [BLK_AIO_WRITE] = "write",     [BLK_AIO_WRITE_ZEROES] = "write",
    [BLK_AIO_FLUSH] = "flush", [BLK_AIO_DISCARD] = "discard",
};

struct BlockAIOCB {
    BlockBackend *blk;
    BlockAIOOp op;
    uint64_t offset, len;
    const struct iovec *iov;
    int niov;
    unsigned flags; /* BDRV_REQ_* */
    int early_ret;  /* failed at submission (the job only reports it) */
    BlockCompletionFunc *cb;
    void *opaque;
    ThreadPoolRequest *req;
};

/* The process's block worker pool (a singleton like the main loop, QEMU's main-context pool). */
static ThreadPool *blk_pool;

ThreadPool *blk_thread_pool(void)
{
    if (!blk_pool) {
        blk_pool = thread_pool_new(THREAD_POOL_MAX_WORKERS);
    }
    return blk_pool;
}

static int blk_aio_run(BlockAIOCB *acb)
{
    BlockBackend *blk = acb->blk;
    int ret;

    switch (acb->op) {
    case BLK_AIO_READ:
        return blk_do_preadv(blk, acb->offset, acb->iov, acb->niov);
    case BLK_AIO_WRITE:
        ret = blk_check_format_change(blk, acb->offset, acb->iov, acb->niov);
        return ret ?: blk_do_pwritev(blk, acb->offset, acb->iov, acb->niov, acb->flags);
    case BLK_AIO_WRITE_ZEROES:
        return blk_do_pwrite_zeroes(blk, acb->offset, acb->len, acb->flags);
    case BLK_AIO_FLUSH:
        return blk_do_flush(blk);
    case BLK_AIO_DISCARD:
        return blk_do_discard(blk, acb->offset, acb->len);
    }
    return -EINVAL;
}

/* In a worker thread, without the BQL. */
static int blk_aio_work(void *opaque)
{
    BlockAIOCB *acb = opaque;
    int ret;

    if (acb->early_ret) {
        return acb->early_ret;
    }
    blk_io_lock(acb->blk);
    ret = blk_aio_run(acb);
    blk_io_unlock(acb->blk);
    return ret;
}

/* In the main loop (or a drain), with the BQL. */
static void blk_aio_complete(void *opaque, int ret)
{
    BlockAIOCB *acb = opaque;
    BlockBackend *blk = acb->blk;

    if (ret != -ECANCELED && !acb->early_ret) {
        ret = blk_finish(blk, blk_aio_op_names[acb->op], acb->offset, acb->len, ret);
    }
    blk->in_flight--;
    acb->cb(acb->opaque, ret);
    free(acb);
}

static BlockAIOCB *blk_aio_new(BlockBackend *blk, BlockAIOOp op, uint64_t offset, uint64_t len,
                               int early_ret, BlockCompletionFunc *cb, void *opaque)
{
    BlockAIOCB *acb = xzalloc(sizeof(*acb));

    acb->blk = blk;
    acb->op = op;
    acb->offset = offset;
    acb->len = len;
    acb->early_ret = early_ret;
    acb->cb = cb;
    acb->opaque = opaque;
    return acb;
}

static BlockAIOCB *blk_aio_start(BlockAIOCB *acb)
{
    acb->blk->in_flight++;
    acb->req = thread_pool_submit(blk_thread_pool(), blk_aio_work, acb, blk_aio_complete, acb);
    return acb;
}

BlockAIOCB *blk_aio_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                           BlockCompletionFunc *cb, void *opaque)
{
    uint64_t len = iov_size(iov, niov);
    BlockAIOCB *acb = blk_aio_new(blk, BLK_AIO_READ, offset, len,
                                  blk_range_ok(blk, offset, len) ? 0 : -EINVAL, cb, opaque);

    acb->iov = iov;
    acb->niov = niov;
    return blk_aio_start(acb);
}

BlockAIOCB *blk_aio_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                            unsigned flags, BlockCompletionFunc *cb, void *opaque)
{
    uint64_t len = iov_size(iov, niov);
    BlockAIOCB *acb =
        blk_aio_new(blk, BLK_AIO_WRITE, offset, len, blk_check_write(blk, offset, len), cb, opaque);

    acb->iov = iov;
    acb->niov = niov;
    acb->flags = flags | blk_write_flags(blk);
    return blk_aio_start(acb);
}

BlockAIOCB *blk_aio_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len, unsigned flags,
                                  BlockCompletionFunc *cb, void *opaque)
{
    BlockAIOCB *acb = blk_aio_new(blk, BLK_AIO_WRITE_ZEROES, offset, len,
                                  blk_check_write(blk, offset, len), cb, opaque);

    if (!blk_discard_unmaps(blk)) {
        flags &= ~BDRV_REQ_MAY_UNMAP; /* discard=ignore: zeroes stay allocated */
    }
    acb->flags = flags | blk_write_flags(blk);
    return blk_aio_start(acb);
}

BlockAIOCB *blk_aio_flush(BlockBackend *blk, BlockCompletionFunc *cb, void *opaque)
{
    return blk_aio_start(blk_aio_new(blk, BLK_AIO_FLUSH, 0, 0, 0, cb, opaque));
}

BlockAIOCB *blk_aio_pdiscard(BlockBackend *blk, uint64_t offset, uint64_t len,
                             BlockCompletionFunc *cb, void *opaque)
{
    return blk_aio_start(blk_aio_new(blk, BLK_AIO_DISCARD, offset, len,
                                     blk_check_write(blk, offset, len), cb, opaque));
}

bool blk_aio_cancel_async(BlockAIOCB *acb)
{
    return thread_pool_cancel(blk_thread_pool(), acb->req);
}

void blk_drain(BlockBackend *blk)
{
    while (blk->in_flight) {
        if (!thread_pool_run_completions(blk_pool)) {
            thread_pool_wait(blk_pool);
        }
    }
}

void blk_drain_all(void)
{
    while (blk_pool && thread_pool_pending(blk_pool)) {
        if (!thread_pool_run_completions(blk_pool)) {
            thread_pool_wait(blk_pool);
        }
    }
}
