/*
 * virtio block device: "-drive file=disk.img,if=none,id=d0
 * -device virtio-blk-device,drive=d0[,serial=S]". Properties: drive (a -drive
 * id, resolved at realize: "drive 'x' not found" otherwise), serial.
 */
#ifndef HW_VIRTIO_VIRTIO_BLK_H
#define HW_VIRTIO_VIRTIO_BLK_H

#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_BLK "virtio-blk-device"

#endif
