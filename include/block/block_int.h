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

#include "block/block.h"

typedef struct BlockOverlay BlockOverlay;

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
