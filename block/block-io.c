/*
 * The I/O core under both the synchronous API and the AIO workers
 * (include/block/block_int.h): vectored requests to the format driver, with a
 * bounce buffer for drivers (and the snapshot overlay) that only take one flat
 * buffer, write-zeroes by the driver or by writing zeroes, and detect-zeroes.
 */
#include <errno.h>

#include "block/block_int.h"
#include "block/qcow2.h"

/* The bounce buffer's size: a request is split into calls of at most this many bytes. */
#define BLK_BOUNCE_MAX (1 * MiB)

uint64_t iov_size(const struct iovec *iov, int niov)
{
    uint64_t n = 0;

    for (int i = 0; i < niov; i++) {
        n += iov[i].iov_len;
    }
    return n;
}

/* Copy between buf and the iovec's bytes [offset, offset+len); to_iov picks the way. */
static size_t iov_copy(const struct iovec *iov, int niov, uint64_t offset, void *buf, size_t len,
                       bool to_iov)
{
    uint8_t *p = buf;
    size_t done = 0;

    for (int i = 0; i < niov && done < len; i++) {
        size_t n;

        if (offset >= iov[i].iov_len) {
            offset -= iov[i].iov_len;
            continue;
        }
        n = MIN(iov[i].iov_len - offset, len - done);
        if (to_iov) {
            memcpy((uint8_t *)iov[i].iov_base + offset, p + done, n);
        } else {
            memcpy(p + done, (uint8_t *)iov[i].iov_base + offset, n);
        }
        done += n;
        offset = 0;
    }
    return done;
}

size_t iov_to_buf(const struct iovec *iov, int niov, uint64_t offset, void *buf, size_t len)
{
    return iov_copy(iov, niov, offset, buf, len, false);
}

size_t iov_from_buf(const struct iovec *iov, int niov, uint64_t offset, const void *buf, size_t len)
{
    return iov_copy(iov, niov, offset, (void *)buf, len, true);
}

static bool buf_is_zero(const uint8_t *p, size_t len)
{
    /* Compare the buffer with itself shifted by one: all equal to the first byte, which is 0. */
    return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

bool iov_is_zero(const struct iovec *iov, int niov)
{
    for (int i = 0; i < niov; i++) {
        if (!buf_is_zero(iov[i].iov_base, iov[i].iov_len)) {
            return false;
        }
    }
    return true;
}

/* ---- reads and writes through a flat buffer ---- */

static int blk_flat_pread(BlockBackend *blk, uint64_t offset, void *buf, size_t len)
{
    if (blk->overlay) {
        return blk_overlay_pread(blk->overlay, blk->drv, blk->opaque, offset, buf, len);
    }
    return blk->drv->pread(blk->opaque, offset, buf, len);
}

static int blk_flat_pwrite(BlockBackend *blk, uint64_t offset, const void *buf, size_t len)
{
    if (blk->overlay) {
        return blk_overlay_pwrite(blk->overlay, blk->drv, blk->opaque, offset, buf, len);
    }
    return blk->drv->pwrite(blk->opaque, offset, buf, len);
}

/* One flat call for a single buffer; else BLK_BOUNCE_MAX pieces through a bounce buffer. */
static int blk_bounce_rw(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                         bool write)
{
    uint64_t len = iov_size(iov, niov);
    uint8_t *bounce;
    int ret = 0;

    if (niov == 1) {
        return write ? blk_flat_pwrite(blk, offset, iov[0].iov_base, len)
                     : blk_flat_pread(blk, offset, iov[0].iov_base, len);
    }
    bounce = xmalloc(MIN(len, BLK_BOUNCE_MAX) + 1);
    for (uint64_t done = 0; done < len && ret == 0;) {
        size_t n = MIN(len - done, BLK_BOUNCE_MAX);

        if (write) {
            iov_to_buf(iov, niov, done, bounce, n);
            ret = blk_flat_pwrite(blk, offset + done, bounce, n);
        } else {
            ret = blk_flat_pread(blk, offset + done, bounce, n);
            iov_from_buf(iov, niov, done, bounce, n);
        }
        done += n;
    }
    free(bounce);
    return ret;
}

int blk_do_preadv(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov)
{
    if (!blk->overlay && blk->drv->preadv) {
        return blk->drv->preadv(blk->opaque, offset, iov, niov);
    }
    return blk_bounce_rw(blk, offset, iov, niov, false);
}

int blk_check_format_change(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov)
{
    uint8_t sector[BDRV_SECTOR_SIZE];
    size_t n = MIN(sizeof(sector), blk->length);
    struct iovec one = {sector, n};

    if (!blk->probed_raw || offset >= BDRV_SECTOR_SIZE) {
        return 0;
    }
    if (blk_do_preadv(blk, 0, &one, 1) < 0) {
        return -EPERM;
    }
    iov_to_buf(iov, niov, 0, sector + offset, n - MIN(offset, n));
    return qcow2_probe(sector, n) ? -EPERM : 0; /* QEMU's restriction on block 0 */
}

static int blk_write_data(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                          unsigned req_flags)
{
    int ret;

    if (!blk->overlay && blk->drv->pwritev) {
        return blk->drv->pwritev(blk->opaque, offset, iov, niov, req_flags);
    }
    ret = blk_bounce_rw(blk, offset, iov, niov, true);
    /* The overlay is thrown away at exit: it has nothing to make durable. */
    if (ret == 0 && (req_flags & BDRV_REQ_FUA) && !blk->overlay) {
        ret = blk->drv->flush(blk->opaque);
    }
    return ret;
}

int blk_do_pwritev(BlockBackend *blk, uint64_t offset, const struct iovec *iov, int niov,
                   unsigned req_flags)
{
    if (blk->detect_zeroes != BLOCKDEV_DETECT_ZEROES_OFF && iov_is_zero(iov, niov)) {
        if (blk->detect_zeroes == BLOCKDEV_DETECT_ZEROES_UNMAP &&
            (blk->flags & BLK_OPEN_DISCARD_UNMAP)) {
            req_flags |= BDRV_REQ_MAY_UNMAP;
        }
        return blk_do_pwrite_zeroes(blk, offset, iov_size(iov, niov), req_flags);
    }
    return blk_write_data(blk, offset, iov, niov, req_flags);
}

/* ---- zeroes, flush, discard ---- */

int blk_do_pwrite_zeroes(BlockBackend *blk, uint64_t offset, uint64_t len, unsigned req_flags)
{
    static const uint8_t zeroes[64 * KiB];
    int ret = 0;

    if (!blk->overlay && blk->drv->pwrite_zeroes) {
        ret = blk->drv->pwrite_zeroes(blk->opaque, offset, len, req_flags);
        if (ret == 0 && (req_flags & BDRV_REQ_FUA)) {
            ret = blk->drv->flush(blk->opaque);
        }
        if (ret != -ENOTSUP) {
            return ret;
        }
    }
    /* No cheaper way: write zeroes, then one flush for FUA. */
    ret = 0;
    while (len > 0 && ret == 0) {
        size_t n = MIN(len, sizeof(zeroes));
        struct iovec iov = {(void *)zeroes, n};

        ret = blk_write_data(blk, offset, &iov, 1, 0);
        offset += n;
        len -= n;
    }
    if (ret == 0 && (req_flags & BDRV_REQ_FUA) && !blk->overlay) {
        ret = blk->drv->flush(blk->opaque);
    }
    return ret;
}

int blk_do_flush(BlockBackend *blk)
{
    if (blk->overlay || (blk->flags & (BLK_OPEN_NO_FLUSH | BLK_OPEN_READONLY))) {
        return 0;
    }
    return blk->drv->flush(blk->opaque);
}

int blk_do_discard(BlockBackend *blk, uint64_t offset, uint64_t len)
{
    if (blk->overlay || !(blk->flags & BLK_OPEN_DISCARD_UNMAP) || !blk->drv->discard) {
        return 0;
    }
    return blk->drv->discard(blk->opaque, offset, len);
}
