/*
 * The copy-on-write overlay behind snapshot=on (include/block/block_int.h).
 * Granularity is one 512-byte sector; a write that covers part of a sector
 * first copies that sector from the image, so the overlay always holds whole
 * sectors.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "block/block_int.h"

struct BlockOverlay {
    int fd; /* unlinked temporary file */
    uint64_t nsectors;
    uint64_t *bitmap; /* bit set: the sector is in fd */
};

static bool ov_test(const BlockOverlay *ov, uint64_t sector)
{
    return ov->bitmap[sector / 64] >> (sector % 64) & 1;
}

static void ov_set(BlockOverlay *ov, uint64_t sector)
{
    ov->bitmap[sector / 64] |= UINT64_C(1) << (sector % 64);
}

BlockOverlay *blk_overlay_new(uint64_t length, Error **errp)
{
    const char *dir = getenv("TMPDIR");
    BlockOverlay *ov = xzalloc(sizeof(*ov));
    char *path = xasprintf("%s/kestrel-snapshot-XXXXXX", dir && *dir ? dir : "/var/tmp");

    ov->fd = mkostemp(path, O_CLOEXEC);
    if (ov->fd < 0) {
        error_setg_errno(errp, errno, "Could not create snapshot overlay '%s'", path);
        free(path);
        free(ov);
        return NULL;
    }
    unlink(path); /* gone at exit, however we exit */
    free(path);
    ov->nsectors = (length + BDRV_SECTOR_SIZE - 1) >> BDRV_SECTOR_BITS;
    ov->bitmap = xzalloc((ov->nsectors + 63) / 64 * sizeof(uint64_t) + sizeof(uint64_t));
    return ov;
}

void blk_overlay_free(BlockOverlay *ov)
{
    if (ov) {
        close(ov->fd);
        free(ov->bitmap);
        free(ov);
    }
}

static int ov_io(int fd, uint64_t offset, void *buf, size_t len, bool write)
{
    uint8_t *p = buf;

    while (len > 0) {
        ssize_t n = write ? pwrite(fd, p, len, offset) : pread(fd, p, len, offset);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -errno;
        }
        if (n == 0) {
            if (write) {
                return -EIO;
            }
            memset(p, 0, len); /* a hole past the end of the sparse file */
            return 0;
        }
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

int blk_overlay_pread(BlockOverlay *ov, const BlockDriver *drv, void *opaque, uint64_t offset,
                      void *buf, size_t len)
{
    uint8_t *p = buf;

    while (len > 0) {
        uint64_t sector = offset >> BDRV_SECTOR_BITS;
        bool in_overlay = ov_test(ov, sector);
        uint64_t end = (sector + 1) << BDRV_SECTOR_BITS;
        size_t n;
        int ret;

        /* One run of sectors that all come from the same place. */
        while (end - offset < len && ov_test(ov, end >> BDRV_SECTOR_BITS) == in_overlay) {
            end += BDRV_SECTOR_SIZE;
        }
        n = MIN(end - offset, len);
        ret = in_overlay ? ov_io(ov->fd, offset, p, n, false) : drv->pread(opaque, offset, p, n);
        if (ret < 0) {
            return ret;
        }
        p += n;
        offset += n;
        len -= n;
    }
    return 0;
}

/* Bring a sector the guest writes only part of into the overlay. */
static int ov_copy_sector(BlockOverlay *ov, const BlockDriver *drv, void *opaque, uint64_t sector)
{
    uint8_t buf[BDRV_SECTOR_SIZE];
    int ret;

    if (ov_test(ov, sector)) {
        return 0;
    }
    ret = drv->pread(opaque, sector << BDRV_SECTOR_BITS, buf, sizeof(buf));
    ret = ret ?: ov_io(ov->fd, sector << BDRV_SECTOR_BITS, buf, sizeof(buf), true);
    if (ret == 0) {
        ov_set(ov, sector);
    }
    return ret;
}

int blk_overlay_pwrite(BlockOverlay *ov, const BlockDriver *drv, void *opaque, uint64_t offset,
                       const void *buf, size_t len)
{
    uint64_t first = offset >> BDRV_SECTOR_BITS;
    uint64_t last = (offset + len - 1) >> BDRV_SECTOR_BITS;
    int ret = 0;

    if (len == 0) {
        return 0;
    }
    if (offset % BDRV_SECTOR_SIZE) {
        ret = ov_copy_sector(ov, drv, opaque, first);
    }
    if (ret == 0 && (offset + len) % BDRV_SECTOR_SIZE) {
        ret = ov_copy_sector(ov, drv, opaque, last);
    }
    ret = ret ?: ov_io(ov->fd, offset, (void *)buf, len, true);
    if (ret < 0) {
        return ret;
    }
    for (uint64_t s = first; s <= last; s++) {
        ov_set(ov, s);
    }
    return 0;
}
