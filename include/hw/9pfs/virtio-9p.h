/*
 * virtio 9p transport device: "-fsdev local,id=fs0,path=DIR,security_model=none
 * -device virtio-9p-device,fsdev=fs0,mount_tag=host0" (virtio-mmio), or virtio-9p-pci
 * (PCI, what -virtfs creates). The guest mounts it with
 * "mount -t 9p -o trans=virtio,version=9p2000.L host0 /mnt".
 */
#ifndef HW_9PFS_VIRTIO_9P_H
#define HW_9PFS_VIRTIO_9P_H

#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_9P "virtio-9p-device"
#define VIRTIO_9P_MAX_TAG_LEN 31 /* QEMU's limit (MAX_TAG_LEN - 1) */

#endif
