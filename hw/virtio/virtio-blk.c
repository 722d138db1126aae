/*
 * virtio block device ("virtio-blk-device"): device logic only; queues are in
 * virtio.c and the transport in virtio-mmio.c.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 5.2 "Block Device".
 * One request queue. A request is a descriptor chain:
 *   out: struct { le32 type; le32 reserved; le64 sector; }   then, for OUT, the data;
 *        for DISCARD / WRITE_ZEROES, segments { le64 sector; le32 num_sectors; le32 flags; }
 *   in:  for IN the data, for GET_ID 20 bytes of serial; last, one status byte
 *        (0 OK, 1 IOERR, 2 UNSUPP).
 * Config space (little-endian):
 *   0x00 capacity (512-byte sectors)  0x08 size_max  0x0c seg_max  0x10 geometry
 *   0x14 blk_size  0x18 topology  0x20 writeback  0x22 num_queues
 *   0x24 max_discard_sectors  0x28 max_discard_seg  0x2c discard_sector_alignment
 *   0x30 max_write_zeroes_sectors  0x34 max_write_zeroes_seg  0x38 write_zeroes_may_unmap
 *
 * I/O is synchronous, in the notify handler under the BQL. A request the
 * guest got wrong (bad type, range beyond the disk, buffers outside RAM) gets
 * a status of IOERR/UNSUPP and a -d guest_errors line; a chain too short to
 * carry a header and a status cannot be answered and breaks the device.
 */
#include <errno.h>
#include <inttypes.h>

#include "block/block.h"
#include "hw/virtio/virtio-blk.h"
#include "util/log.h"

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_CONFIG_SIZE 0x3c
#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_SEG_MAX (VIRTIO_BLK_QUEUE_SIZE - 2)
#define VIRTIO_BLK_MAX_DISCARD_SECTORS 0x3fffff
#define VIRTIO_BLK_MAX_DISCARD_SEG 1
#define VIRTIO_BLK_HDR_SIZE 16
#define VIRTIO_BLK_SEG_SIZE 16
#define VIRTIO_BLK_BOUNCE (64 * KiB)

#define VIRTIO_BLK_WZ_F_UNMAP 1

typedef struct VirtIOBlock {
    VirtIODevice parent_obj;
    char *drive; /* property: the -drive id */
    char *serial;
    BlockBackend *blk;
    VirtQueue *vq;
    uint8_t *bounce; /* VIRTIO_BLK_BOUNCE bytes for data transfers */
} VirtIOBlock;

#define VIRTIO_BLK(obj) OBJECT_CHECK(VirtIOBlock, (obj), TYPE_VIRTIO_BLK)

static void put_le16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    put_le16(p, v);
    put_le16(p + 2, v >> 16);
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

static uint64_t virtio_blk_capacity(VirtIOBlock *s)
{
    return blk_getlength(s->blk) >> BDRV_SECTOR_BITS;
}

/* sector + nsectors within the disk, without overflow. */
static bool virtio_blk_range_ok(VirtIOBlock *s, uint64_t sector, uint64_t nsectors)
{
    uint64_t cap = virtio_blk_capacity(s);

    if (sector > cap || nsectors > cap - sector) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-blk: sectors %" PRIu64 "+%" PRIu64 " beyond capacity %" PRIu64 "\n",
                 sector, nsectors, cap);
        return false;
    }
    return true;
}

/* ---- requests ---- */

typedef struct VirtIOBlockReq {
    VirtQueueElement *elem;
    uint32_t type;
    uint64_t sector;
    uint64_t data_out; /* bytes of driver data after the header */
    uint64_t data_in;  /* device-writable bytes before the status byte */
    uint64_t written;  /* bytes written into the in buffers (for the used ring) */
} VirtIOBlockReq;

/* IN: disk -> guest buffers. */
static uint8_t virtio_blk_read(VirtIOBlock *s, VirtIOBlockReq *req)
{
    uint64_t offset = req->sector << BDRV_SECTOR_BITS;

    if (req->data_in % BDRV_SECTOR_SIZE ||
        !virtio_blk_range_ok(s, req->sector, req->data_in >> BDRV_SECTOR_BITS)) {
        return VIRTIO_BLK_S_IOERR;
    }
    for (uint64_t done = 0; done < req->data_in;) {
        size_t n = MIN(req->data_in - done, VIRTIO_BLK_BOUNCE);

        if (blk_pread(s->blk, offset + done, s->bounce, n) < 0 ||
            virtqueue_elem_from_buf(req->elem, done, s->bounce, n) != n) {
            return VIRTIO_BLK_S_IOERR;
        }
        done += n;
        req->written = done;
    }
    return VIRTIO_BLK_S_OK;
}

/* OUT: guest buffers -> disk. */
static uint8_t virtio_blk_write(VirtIOBlock *s, VirtIOBlockReq *req)
{
    uint64_t offset = req->sector << BDRV_SECTOR_BITS;

    if (blk_is_read_only(s->blk)) {
        log_mask(LOG_GUEST_ERROR, "virtio-blk: write to a read-only drive\n");
        return VIRTIO_BLK_S_IOERR;
    }
    if (req->data_out % BDRV_SECTOR_SIZE ||
        !virtio_blk_range_ok(s, req->sector, req->data_out >> BDRV_SECTOR_BITS)) {
        return VIRTIO_BLK_S_IOERR;
    }
    for (uint64_t done = 0; done < req->data_out;) {
        size_t n = MIN(req->data_out - done, VIRTIO_BLK_BOUNCE);

        if (virtqueue_elem_to_buf(req->elem, VIRTIO_BLK_HDR_SIZE + done, s->bounce, n) != n ||
            blk_pwrite(s->blk, offset + done, s->bounce, n) < 0) {
            return VIRTIO_BLK_S_IOERR;
        }
        done += n;
    }
    return VIRTIO_BLK_S_OK;
}

static uint8_t virtio_blk_get_id(VirtIOBlock *s, VirtIOBlockReq *req)
{
    uint8_t id[VIRTIO_BLK_ID_BYTES] = {0};
    size_t n = MIN(req->data_in, sizeof(id));

    /* 20 bytes, NUL-padded, not terminated when the serial fills them. */
    if (s->serial) {
        memcpy(id, s->serial, MIN(strlen(s->serial), sizeof(id)));
    }
    if (virtqueue_elem_from_buf(req->elem, 0, id, n) != n) {
        return VIRTIO_BLK_S_IOERR;
    }
    req->written = n;
    return VIRTIO_BLK_S_OK;
}

/* DISCARD and WRITE_ZEROES: a list of segments. */
static uint8_t virtio_blk_segments(VirtIOBlock *s, VirtIOBlockReq *req)
{
    uint64_t nseg = req->data_out / VIRTIO_BLK_SEG_SIZE;
    bool zeroes = req->type == VIRTIO_BLK_T_WRITE_ZEROES;
    uint8_t seg[VIRTIO_BLK_SEG_SIZE];

    if (blk_is_read_only(s->blk) || req->data_out % VIRTIO_BLK_SEG_SIZE || nseg == 0 ||
        nseg > VIRTIO_BLK_MAX_DISCARD_SEG) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-blk: bad discard/write-zeroes request (%" PRIu64 " bytes of segments)\n",
                 req->data_out);
        return VIRTIO_BLK_S_IOERR;
    }
    for (uint64_t i = 0; i < nseg; i++) {
        uint64_t sector, num;
        uint32_t flags;
        int ret;

        if (virtqueue_elem_to_buf(req->elem, VIRTIO_BLK_HDR_SIZE + i * sizeof(seg), seg,
                                  sizeof(seg)) != sizeof(seg)) {
            return VIRTIO_BLK_S_IOERR;
        }
        sector = get_le(seg, 8);
        num = get_le(seg + 8, 4);
        flags = get_le(seg + 12, 4);
        if (flags & ~(zeroes ? VIRTIO_BLK_WZ_F_UNMAP : 0)) {
            return VIRTIO_BLK_S_UNSUPP; /* 5.2.6.2: unknown flags */
        }
        if (num > VIRTIO_BLK_MAX_DISCARD_SECTORS || !virtio_blk_range_ok(s, sector, num)) {
            return VIRTIO_BLK_S_IOERR;
        }
        ret = zeroes
                  ? blk_pwrite_zeroes(s->blk, sector << BDRV_SECTOR_BITS, num << BDRV_SECTOR_BITS)
                  : blk_discard(s->blk, sector << BDRV_SECTOR_BITS, num << BDRV_SECTOR_BITS);
        if (ret < 0) {
            return VIRTIO_BLK_S_IOERR;
        }
    }
    return VIRTIO_BLK_S_OK;
}

static uint8_t virtio_blk_execute(VirtIOBlock *s, VirtIOBlockReq *req)
{
    switch (req->type) {
    case VIRTIO_BLK_T_IN:
        return virtio_blk_read(s, req);
    case VIRTIO_BLK_T_OUT:
        return virtio_blk_write(s, req);
    case VIRTIO_BLK_T_FLUSH:
        return blk_flush(s->blk) < 0 ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
    case VIRTIO_BLK_T_GET_ID:
        return virtio_blk_get_id(s, req);
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        return virtio_blk_segments(s, req);
    default:
        log_mask(LOG_GUEST_ERROR, "virtio-blk: unsupported request type %" PRIu32 "\n", req->type);
        return VIRTIO_BLK_S_UNSUPP;
    }
}

/*
 * The used ring's len (le32) counts the bytes written, status byte included. A chain may
 * carry more than 4 GiB (a descriptor holds up to 4 GiB - 1 and a chain has up to 256), so
 * the count is kept in 64 bits and capped: virtio 1.2 section 2.7.8.2 lets the device write
 * more than len bytes but never report more than it wrote, and a wrapped count would tell
 * the driver that a 4 GiB + 32 MiB read returned 32 MiB.
 */
static uint32_t virtio_blk_used_len(const VirtIOBlockReq *req)
{
    return MIN(req->written + 1, (uint64_t)UINT32_MAX);
}

static void virtio_blk_handle_request(VirtIOBlock *s, VirtQueueElement *elem)
{
    VirtIOBlockReq req = {.elem = elem};
    uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
    uint8_t status;

    if (elem->out_len < VIRTIO_BLK_HDR_SIZE || elem->in_len < 1) {
        virtio_error(VIRTIO_DEVICE(s), "request without header or status byte");
        virtqueue_elem_free(elem);
        return;
    }
    req.data_out = elem->out_len - VIRTIO_BLK_HDR_SIZE;
    req.data_in = elem->in_len - 1;
    if (virtqueue_elem_to_buf(elem, 0, hdr, sizeof(hdr)) != sizeof(hdr)) {
        status = VIRTIO_BLK_S_IOERR;
    } else {
        req.type = get_le(hdr, 4);
        req.sector = get_le(hdr + 8, 8);
        status = virtio_blk_execute(s, &req);
    }
    if (virtqueue_elem_from_buf(elem, req.data_in, &status, 1) != 1) {
        log_mask(LOG_GUEST_ERROR, "virtio-blk: status byte not writable\n");
    }
    virtqueue_push(s->vq, elem, virtio_blk_used_len(&req));
}

static void virtio_blk_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    VirtQueueElement *elem;

    /* Suppress the driver's notifications while we drain; re-check after re-enabling. */
    do {
        virtio_queue_set_notification(vq, false);
        while ((elem = virtqueue_pop(vq))) {
            virtio_blk_handle_request(s, elem);
        }
        virtio_queue_set_notification(vq, true);
    } while (!virtqueue_empty(vq));
    virtio_notify(vdev, vq);
}

/* ---- features and config ---- */

static uint64_t virtio_blk_get_features(VirtIODevice *vdev)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH);

    if (blk_is_read_only(s->blk)) {
        return f | VIRTIO_BIT(VIRTIO_BLK_F_RO);
    }
    return f | VIRTIO_BIT(VIRTIO_BLK_F_DISCARD) | VIRTIO_BIT(VIRTIO_BLK_F_WRITE_ZEROES);
}

static void virtio_blk_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    uint64_t cap = virtio_blk_capacity(s);

    memset(config, 0, VIRTIO_BLK_CONFIG_SIZE);
    put_le32(config + 0x00, cap);
    put_le32(config + 0x04, cap >> 32);
    put_le32(config + 0x0c, VIRTIO_BLK_SEG_MAX);
    put_le32(config + 0x14, BDRV_SECTOR_SIZE);
    put_le16(config + 0x22, 1);
    put_le32(config + 0x24, VIRTIO_BLK_MAX_DISCARD_SECTORS);
    put_le32(config + 0x28, VIRTIO_BLK_MAX_DISCARD_SEG);
    put_le32(config + 0x2c, 1);
    put_le32(config + 0x30, VIRTIO_BLK_MAX_DISCARD_SECTORS);
    put_le32(config + 0x34, VIRTIO_BLK_MAX_DISCARD_SEG);
    config[0x38] = 0;
}

/* ---- realize ---- */

static bool virtio_blk_realize(DeviceState *dev, Error **errp)
{
    VirtIOBlock *s = VIRTIO_BLK(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (!s->drive || !*s->drive) {
        error_setg(errp, "drive property not set");
        return false;
    }
    s->blk = blk_by_name(s->drive);
    if (!s->blk) {
        error_setg(errp, "drive '%s' not found", s->drive);
        return false;
    }
    if (!blk_attach_dev(s->blk, s, errp)) {
        s->blk = NULL;
        return false;
    }
    s->bounce = xmalloc(VIRTIO_BLK_BOUNCE);
    virtio_init(vdev, VIRTIO_BLK_CONFIG_SIZE);
    s->vq = virtio_add_queue(vdev, VIRTIO_BLK_QUEUE_SIZE, virtio_blk_handle_output);
    return true;
}

static void virtio_blk_finalize(Object *obj)
{
    VirtIOBlock *s = VIRTIO_BLK(obj);

    if (s->blk) {
        blk_detach_dev(s->blk, s);
    }
    free(s->bounce);
}

/* ---- properties and type registration ---- */

static const Property virtio_blk_props[] = {
    DEFINE_PROP("drive", PROP_STRING, VirtIOBlock, drive,
                .description = "the -drive id of the disk image"),
    DEFINE_PROP("serial", PROP_STRING, VirtIOBlock, serial,
                .description = "serial number (GET_ID, up to 20 characters)"),
    DEFINE_PROP_END,
};

static void virtio_blk_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio block device";
    dc->user_creatable = true;
    dc->realize = virtio_blk_realize;
    vdc->device_id = VIRTIO_ID_BLOCK;
    vdc->get_features = virtio_blk_get_features;
    vdc->get_config = virtio_blk_get_config;
    object_class_add_props(oc, virtio_blk_props);
}

static const TypeInfo virtio_blk_info = {
    .name = TYPE_VIRTIO_BLK,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOBlock),
    .instance_finalize = virtio_blk_finalize,
    .class_init = virtio_blk_class_init,
};

static void virtio_blk_register_types(void)
{
    type_register_static(&virtio_blk_info);
}

type_init(virtio_blk_register_types)
