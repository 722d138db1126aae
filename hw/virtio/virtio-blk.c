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
 * I/O is asynchronous: the notify handler (a vCPU thread, BQL held) maps each
 * request's guest buffers and hands it to the block layer's worker pool
 * (blk_aio_*), then returns. Requests complete in any order in the main loop,
 * which writes the status, pushes the used ring and interrupts. A reset (or
 * unplug) cancels what no worker has started, waits for the rest and drops
 * them unanswered. Write cache (CONFIG_WCE, offset 0x20): on = writeback (the
 * driver flushes), off = writethrough (every write is FUA), from cache= and
 * the driver's writes. A request the guest got wrong (bad type, range beyond
 * the disk, buffers outside RAM) gets a status of IOERR/UNSUPP and a
 * -d guest_errors line; a chain too short to carry a header and a status
 * cannot be answered and breaks the device.
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
#define VIRTIO_BLK_F_CONFIG_WCE 11
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
#define VIRTIO_BLK_S_INFLIGHT 0xff /* ours: the block layer answers later */

#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_CONFIG_SIZE 0x3c
#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_SEG_MAX (VIRTIO_BLK_QUEUE_SIZE - 2)
#define VIRTIO_BLK_MAX_DISCARD_SECTORS 0x3fffff
#define VIRTIO_BLK_MAX_DISCARD_SEG 1
#define VIRTIO_BLK_HDR_SIZE 16
#define VIRTIO_BLK_SEG_SIZE 16

#define VIRTIO_BLK_WZ_F_UNMAP 1

typedef struct VirtIOBlock {
    VirtIODevice parent_obj;
    char *drive; /* property: the -drive id */
    char *serial;
    BlockBackend *blk;
    VirtQueue *vq;
    bool original_wce;               /* the drive's write cache setting, restored on reset */
    unsigned generation;             /* bumped by reset: older requests are dropped */
    struct VirtIOBlockReq *inflight; /* requests the block layer has */
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

typedef struct VirtIOBlockReq VirtIOBlockReq;
struct VirtIOBlockReq {
    VirtIOBlock *s;
    VirtQueueElement *elem;
    uint32_t type;
    uint64_t sector;
    uint64_t data_out;   /* bytes of driver data after the header */
    uint64_t data_in;    /* device-writable bytes before the status byte */
    uint64_t written;    /* bytes written into the in buffers (for the used ring) */
    unsigned generation; /* s->generation when it was taken from the ring */
    struct iovec *iov;   /* the guest's data buffers, mapped (IN, OUT) */
    int niov;
    BlockAIOCB *acb;      /* while in flight */
    VirtIOBlockReq *next; /* s->inflight */
};

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

static void virtio_blk_req_free(VirtIOBlockReq *req)
{
    free(req->iov);
    free(req);
}

/*
 * Answer the driver: status byte, used ring. A request from before a reset is dropped:
 * its queue is gone and the driver forgot it.
 */
static void virtio_blk_req_done(VirtIOBlockReq *req, uint8_t status)
{
    VirtIOBlock *s = req->s;

    if (req->generation != s->generation) {
        virtqueue_elem_free(req->elem);
        virtio_blk_req_free(req);
        return;
    }
    if (virtqueue_elem_from_buf(req->elem, req->data_in, &status, 1) != 1) {
        log_mask(LOG_GUEST_ERROR, "virtio-blk: status byte not writable\n");
    }
    virtqueue_push(s->vq, req->elem, virtio_blk_used_len(req));
    virtio_blk_req_free(req);
}

static void virtio_blk_inflight_remove(VirtIOBlock *s, VirtIOBlockReq *req)
{
    for (VirtIOBlockReq **p = &s->inflight; *p; p = &(*p)->next) {
        if (*p == req) {
            *p = req->next;
            return;
        }
    }
}

/* An AIO request finished: in the main loop, with the BQL. */
static void virtio_blk_aio_complete(void *opaque, int ret)
{
    VirtIOBlockReq *req = opaque;
    VirtIOBlock *s = req->s;
    bool current = req->generation == s->generation;

    virtio_blk_inflight_remove(s, req);
    if (req->type == VIRTIO_BLK_T_IN && ret == 0) {
        req->written = req->data_in;
        virtqueue_elem_written(req->elem, 0, req->data_in);
    }
    virtio_blk_req_done(req, ret == 0 ? VIRTIO_BLK_S_OK : VIRTIO_BLK_S_IOERR);
    if (current) {
        virtio_notify(VIRTIO_DEVICE(s), s->vq);
    }
}

/* Hand req to the block layer; it completes in virtio_blk_aio_complete. */
static void virtio_blk_submit(VirtIOBlock *s, VirtIOBlockReq *req, uint64_t offset, uint64_t len,
                              unsigned flags)
{
    switch (req->type) {
    case VIRTIO_BLK_T_IN:
        req->acb =
            blk_aio_preadv(s->blk, offset, req->iov, req->niov, virtio_blk_aio_complete, req);
        break;
    case VIRTIO_BLK_T_OUT:
        req->acb =
            blk_aio_pwritev(s->blk, offset, req->iov, req->niov, 0, virtio_blk_aio_complete, req);
        break;
    case VIRTIO_BLK_T_FLUSH:
        req->acb = blk_aio_flush(s->blk, virtio_blk_aio_complete, req);
        break;
    case VIRTIO_BLK_T_DISCARD:
        req->acb = blk_aio_pdiscard(s->blk, offset, len, virtio_blk_aio_complete, req);
        break;
    default: /* WRITE_ZEROES */
        req->acb = blk_aio_pwrite_zeroes(s->blk, offset, len, flags, virtio_blk_aio_complete, req);
        break;
    }
    req->next = s->inflight;
    s->inflight = req;
}

/* IN and OUT: map the guest's data buffers and start the transfer. */
static uint8_t virtio_blk_rw(VirtIOBlock *s, VirtIOBlockReq *req)
{
    bool in = req->type == VIRTIO_BLK_T_IN;
    uint64_t len = in ? req->data_in : req->data_out;

    if (!in && blk_is_read_only(s->blk)) {
        log_mask(LOG_GUEST_ERROR, "virtio-blk: write to a read-only drive\n");
        return VIRTIO_BLK_S_IOERR;
    }
    if (len % BDRV_SECTOR_SIZE || !virtio_blk_range_ok(s, req->sector, len >> BDRV_SECTOR_BITS)) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (!virtqueue_elem_map(req->elem, in, in ? 0 : VIRTIO_BLK_HDR_SIZE, len, &req->iov,
                            &req->niov)) {
        return VIRTIO_BLK_S_IOERR;
    }
    virtio_blk_submit(s, req, req->sector << BDRV_SECTOR_BITS, len, 0);
    return VIRTIO_BLK_S_INFLIGHT;
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

/* DISCARD and WRITE_ZEROES: one segment { le64 sector; le32 num_sectors; le32 flags; }. */
static uint8_t virtio_blk_segment(VirtIOBlock *s, VirtIOBlockReq *req)
{
    bool zeroes = req->type == VIRTIO_BLK_T_WRITE_ZEROES;
    uint8_t seg[VIRTIO_BLK_SEG_SIZE];
    uint64_t sector, num;
    uint32_t flags;

    if (blk_is_read_only(s->blk) ||
        req->data_out != VIRTIO_BLK_SEG_SIZE * VIRTIO_BLK_MAX_DISCARD_SEG) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-blk: bad discard/write-zeroes request (%" PRIu64 " bytes of segments)\n",
                 req->data_out);
        return VIRTIO_BLK_S_IOERR;
    }
    if (virtqueue_elem_to_buf(req->elem, VIRTIO_BLK_HDR_SIZE, seg, sizeof(seg)) != sizeof(seg)) {
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
    virtio_blk_submit(s, req, sector << BDRV_SECTOR_BITS, num << BDRV_SECTOR_BITS,
                      flags & VIRTIO_BLK_WZ_F_UNMAP ? BDRV_REQ_MAY_UNMAP : 0);
    return VIRTIO_BLK_S_INFLIGHT;
}

/* Start req: VIRTIO_BLK_S_INFLIGHT if the block layer has it, else its status now. */
static uint8_t virtio_blk_execute(VirtIOBlock *s, VirtIOBlockReq *req)
{
    switch (req->type) {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
        return virtio_blk_rw(s, req);
    case VIRTIO_BLK_T_FLUSH:
        virtio_blk_submit(s, req, 0, 0, 0);
        return VIRTIO_BLK_S_INFLIGHT;
    case VIRTIO_BLK_T_GET_ID:
        return virtio_blk_get_id(s, req);
    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
        return virtio_blk_segment(s, req);
    default:
        log_mask(LOG_GUEST_ERROR, "virtio-blk: unsupported request type %" PRIu32 "\n", req->type);
        return VIRTIO_BLK_S_UNSUPP;
    }
}

/* Parse and start one chain; true if it was answered at once (so the driver needs an irq). */
static bool virtio_blk_handle_request(VirtIOBlock *s, VirtQueueElement *elem)
{
    VirtIOBlockReq *req;
    uint8_t hdr[VIRTIO_BLK_HDR_SIZE];
    uint8_t status;

    if (elem->out_len < VIRTIO_BLK_HDR_SIZE || elem->in_len < 1) {
        virtio_error(VIRTIO_DEVICE(s), "request without header or status byte");
        virtqueue_elem_free(elem);
        return false;
    }
    req = xzalloc(sizeof(*req));
    req->s = s;
    req->elem = elem;
    req->generation = s->generation;
    req->data_out = elem->out_len - VIRTIO_BLK_HDR_SIZE;
    req->data_in = elem->in_len - 1;
    if (virtqueue_elem_to_buf(elem, 0, hdr, sizeof(hdr)) != sizeof(hdr)) {
        status = VIRTIO_BLK_S_IOERR;
    } else {
        req->type = get_le(hdr, 4);
        req->sector = get_le(hdr + 8, 8);
        status = virtio_blk_execute(s, req);
    }
    if (status == VIRTIO_BLK_S_INFLIGHT) {
        return false;
    }
    virtio_blk_req_done(req, status);
    return true;
}

/*
 * The driver kicked the queue (a vCPU thread, BQL held): take every chain and start it.
 * Reads and writes go to the block worker pool, so this returns without waiting for them.
 */
static void virtio_blk_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    VirtQueueElement *elem;
    bool answered = false;

    /* Suppress the driver's notifications while we drain; re-check after re-enabling. */
    do {
        virtio_queue_set_notification(vq, false);
        while ((elem = virtqueue_pop(vq))) {
            answered |= virtio_blk_handle_request(s, elem);
        }
        virtio_queue_set_notification(vq, true);
    } while (!virtqueue_empty(vq));
    if (answered) {
        virtio_notify(vdev, vq);
    }
}

/*
 * Before the queue goes away (reset) or the device does (finalize): requests no worker
 * has started are cancelled, the rest run to completion, and all are dropped unanswered.
 */
static void virtio_blk_drain(VirtIOBlock *s)
{
    s->generation++;
    for (VirtIOBlockReq *req = s->inflight; req; req = req->next) {
        blk_aio_cancel_async(req->acb);
    }
    if (s->blk) {
        blk_drain(s->blk);
    }
}

/* ---- features and config ---- */

static uint64_t virtio_blk_get_features(VirtIODevice *vdev)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);
    uint64_t f = VIRTIO_BIT(VIRTIO_BLK_F_SEG_MAX) | VIRTIO_BIT(VIRTIO_BLK_F_BLK_SIZE) |
                 VIRTIO_BIT(VIRTIO_BLK_F_FLUSH) | VIRTIO_BIT(VIRTIO_BLK_F_CONFIG_WCE);

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
    config[0x20] = blk_enable_write_cache(s->blk);
    put_le16(config + 0x22, 1);
    put_le32(config + 0x24, VIRTIO_BLK_MAX_DISCARD_SECTORS);
    put_le32(config + 0x28, VIRTIO_BLK_MAX_DISCARD_SEG);
    put_le32(config + 0x2c, 1);
    put_le32(config + 0x30, VIRTIO_BLK_MAX_DISCARD_SECTORS);
    put_le32(config + 0x34, VIRTIO_BLK_MAX_DISCARD_SEG);
    config[0x38] = 1; /* WRITE_ZEROES may unmap (as QEMU; only discard=unmap does) */
}

/* CONFIG_WCE: the driver turns the write cache on (writeback) or off (writethrough). */
static void virtio_blk_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    blk_set_enable_write_cache(s->blk, config[0x20] != 0);
}

/*
 * A driver without CONFIG_WCE cannot see the cache mode, so (as QEMU, and the legacy
 * spec's WCE bit) it gets a write cache exactly when it negotiated FLUSH.
 */
static void virtio_blk_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
        !virtio_has_feature(vdev, VIRTIO_BLK_F_CONFIG_WCE)) {
        blk_set_enable_write_cache(s->blk, virtio_has_feature(vdev, VIRTIO_BLK_F_FLUSH));
    }
}

static void virtio_blk_reset(VirtIODevice *vdev)
{
    VirtIOBlock *s = VIRTIO_BLK(vdev);

    virtio_blk_drain(s);
    if (s->blk) {
        blk_set_enable_write_cache(s->blk, s->original_wce);
    }
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
    s->original_wce = blk_enable_write_cache(s->blk);
    virtio_init(vdev, VIRTIO_BLK_CONFIG_SIZE);
    s->vq = virtio_add_queue(vdev, VIRTIO_BLK_QUEUE_SIZE, virtio_blk_handle_output);
    return true;
}

static void virtio_blk_finalize(Object *obj)
{
    VirtIOBlock *s = VIRTIO_BLK(obj);

    virtio_blk_drain(s);
    if (s->blk) {
        blk_detach_dev(s->blk, s);
    }
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
    vdc->set_config = virtio_blk_set_config;
    vdc->set_status = virtio_blk_set_status;
    vdc->reset = virtio_blk_reset;
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
