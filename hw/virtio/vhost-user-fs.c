/*
 * vhost-user-fs-device (include/hw/virtio/vhost-user-fs.h).
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, 5.11 "File System Device".
 *
 * Queues: 0 is the high-priority queue (FUSE_INTERRUPT, FUSE_FORGET), 1..N the request
 * queues. Configuration space (read-only):
 *   0x00 tag[36]                  UTF-8, zero-padded, not necessarily NUL-terminated
 *   0x24 le32 num_request_queues
 * Requests are FUSE messages: the driver-readable buffers start with a struct fuse_in_header
 * (le32 len, le32 opcode, le64 unique, ...), the device-writable ones with a struct
 * fuse_out_header (le32 len, le32 error, le64 unique). virtiofsd answers them; when it is
 * gone the device answers every request itself with error -EIO, so the guest's file
 * operations fail instead of waiting forever.
 */
#include "hw/virtio/vhost-user-fs.h"
#include "migration/vmstate.h"

#include <errno.h>

#define VIRTIO_FS_CONFIG_SIZE 40
#define FUSE_IN_UNIQUE 8 /* offset of fuse_in_header.unique */
#define FUSE_OUT_HEADER_SIZE 16

static void vuf_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    vhost_dev_kick(&VHOST_USER_FS(vdev)->vhost, vq);
}

/* A request the back-end cannot answer: a FUSE reply with -EIO (nothing, if it wants none). */
static void vuf_fail_request(VirtIODevice *vdev, VirtQueue *vq, VirtQueueElement *elem)
{
    uint8_t out[FUSE_OUT_HEADER_SIZE] = {FUSE_OUT_HEADER_SIZE};
    int32_t error = -EIO;
    uint32_t written = 0;

    if (elem->in_len >= FUSE_OUT_HEADER_SIZE) {
        memcpy(out + 4, &error, 4); /* little-endian host, as the guest */
        virtqueue_elem_to_buf(elem, FUSE_IN_UNIQUE, out + 8, 8);
        written = virtqueue_elem_from_buf(elem, 0, out, sizeof(out));
    }
    virtqueue_push(vq, elem, written);
}

static uint64_t vuf_get_features(VirtIODevice *vdev)
{
    /* virtio-fs has no device feature bits in 1.2; the ring ones the back-end has. */
    return vhost_dev_get_features(&VHOST_USER_FS(vdev)->vhost,
                                  VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) |
                                      VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX));
}

static void vuf_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VHostUserFS *s = VHOST_USER_FS(vdev);
    uint32_t n = s->num_request_queues;

    memset(config, 0, VIRTIO_FS_CONFIG_SIZE);
    memcpy(config, s->tag, strlen(s->tag));
    memcpy(config + VIRTIO_FS_TAG_SIZE, &n, 4);
}

static void vuf_set_status(VirtIODevice *vdev, uint8_t status)
{
    vhost_dev_set_status(&VHOST_USER_FS(vdev)->vhost, status);
}

static void vuf_reset(VirtIODevice *vdev)
{
    vhost_dev_reset(&VHOST_USER_FS(vdev)->vhost);
}

static bool vuf_check_props(VHostUserFS *s, Chardev **chr, Error **errp)
{
    *chr = s->chardev_id ? chardev_find(s->chardev_id) : NULL;
    if (!*chr) {
        error_setg(errp,
                   s->chardev_id ? "Property 'chardev' can't find value '%s'" : "missing chardev",
                   s->chardev_id);
        return false;
    }
    if (!s->tag) {
        error_setg(errp, "missing tag property");
        return false;
    }
    if (!*s->tag) {
        error_setg(errp, "tag property cannot be empty");
        return false;
    }
    if (strlen(s->tag) > VIRTIO_FS_TAG_SIZE) {
        error_setg(errp, "tag property must be %d bytes or less", VIRTIO_FS_TAG_SIZE);
        return false;
    }
    if (s->num_request_queues == 0) {
        error_setg(errp, "num-request-queues property must be larger than 0");
        return false;
    }
    if (s->num_request_queues >= VIRTIO_QUEUE_MAX) {
        error_setg(errp, "num-request-queues property must be %d or smaller", VIRTIO_QUEUE_MAX - 1);
        return false;
    }
    if (s->queue_size == 0 || (s->queue_size & (s->queue_size - 1))) {
        error_setg(errp, "queue-size property must be a power of 2");
        return false;
    }
    if (s->queue_size > VIRTQUEUE_MAX_SIZE) {
        error_setg(errp, "queue-size property must be %d or smaller", VIRTQUEUE_MAX_SIZE);
        return false;
    }
    return true;
}

static bool vuf_realize(DeviceState *dev, Error **errp)
{
    VHostUserFS *s = VHOST_USER_FS(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    unsigned nvqs = 1 + s->num_request_queues;
    Chardev *chr;

    if (!vuf_check_props(s, &chr, errp)) {
        return false;
    }
    virtio_init(vdev, VIRTIO_FS_CONFIG_SIZE);
    for (unsigned i = 0; i < nvqs; i++) {
        virtio_add_queue(vdev, s->queue_size, vuf_handle_output);
    }
    return vhost_dev_init(&s->vhost, vdev, chr, nvqs, vuf_fail_request, errp);
}

static void vuf_finalize(Object *obj)
{
    vhost_dev_cleanup(&VHOST_USER_FS(obj)->vhost);
}

static const Property vuf_props[] = {
    DEFINE_PROP("chardev", PROP_STRING, VHostUserFS, chardev_id,
                .description = "socket chardev connected to virtiofsd"),
    DEFINE_PROP("tag", PROP_STRING, VHostUserFS, tag,
                .description = "the name the guest mounts (mount -t virtiofs TAG DIR)"),
    DEFINE_PROP("num-request-queues", PROP_UINT32, VHostUserFS, num_request_queues, .defval.u = 1,
                .description = "request queues (default 1)"),
    DEFINE_PROP("queue-size", PROP_UINT32, VHostUserFS, queue_size, .defval.u = 128,
                .description = "entries per queue, a power of 2 up to 1024 (default 128)"),
    DEFINE_PROP_END,
};

/* The back-end (virtiofsd) holds the file system state: not saved, as QEMU. */
static const VMStateDescription vmstate_vhost_user_fs = {.name = "vhost-user-fs",
                                                         .unmigratable = true};

static void vuf_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->realize = vuf_realize;
    dc->desc = "virtio file system served by a vhost-user back-end (virtiofsd)";
    dc->user_creatable = true;
    vdc->device_id = VIRTIO_ID_FS;
    vdc->get_features = vuf_get_features;
    vdc->get_config = vuf_get_config;
    vdc->set_status = vuf_set_status;
    vdc->reset = vuf_reset;
    object_class_add_props(oc, vuf_props);
    DEVICE_CLASS(oc)->vmsd = &vmstate_vhost_user_fs;
}

static const TypeInfo vuf_info = {
    .name = TYPE_VHOST_USER_FS,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VHostUserFS),
    .instance_finalize = vuf_finalize,
    .class_init = vuf_class_init,
};

static void vuf_register_types(void)
{
    type_register_static(&vuf_info);
}

type_init(vuf_register_types)
