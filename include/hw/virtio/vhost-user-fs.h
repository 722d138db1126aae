/*
 * vhost-user-fs-device: a virtio file system device (virtio 1.2, 5.11, device ID 26) whose
 * queues a separate virtiofsd process serves over vhost-user (include/hw/virtio/vhost.h).
 * vhost-user-fs-pci carries it on PCI. Properties as QEMU's: chardev= (a socket chardev
 * connected to virtiofsd), tag= (the name the guest mounts, up to 36 bytes), queue-size=
 * (a power of two up to 1024, default 128) and num-request-queues= (default 1).
 */
#ifndef HW_VIRTIO_VHOST_USER_FS_H
#define HW_VIRTIO_VHOST_USER_FS_H

#include "hw/virtio/vhost.h"

#define TYPE_VHOST_USER_FS "vhost-user-fs-device"
#define VIRTIO_ID_FS 26
#define VIRTIO_FS_TAG_SIZE 36

typedef struct VHostUserFS {
    VirtIODevice parent_obj;
    /* properties */
    char *chardev_id;
    char *tag;
    uint32_t queue_size;
    uint32_t num_request_queues;
    /* state */
    VhostDev vhost;
} VHostUserFS;

#define VHOST_USER_FS(obj) OBJECT_CHECK(VHostUserFS, (obj), TYPE_VHOST_USER_FS)

#endif
