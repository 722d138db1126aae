/*
 * The virtio-mmio transport, version 2 (virtio 1.2, 4.2): one 0x200-byte
 * register window and one interrupt line per slot. The virt board creates 8
 * empty slots (virtio_mmio_create); devices from -device are plugged into them
 * afterwards (virtio_mmio_plug), in QEMU's order.
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include "hw/core/sysbus.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_MMIO "virtio-mmio"
#define VIRTIO_MMIO_SIZE 0x200

/* Create, realize, map at base and connect irq (may be NULL) one empty transport. */
DeviceState *virtio_mmio_create(hwaddr base, IRQState *irq);

/*
 * Attach a realized virtio device to a free transport. As in QEMU, the
 * transport created last is filled first (so on virt the first -device lands
 * at 0x10008000). Fails with "no free virtio-mmio slot" when all are taken,
 * or if vdev is not a virtio device. Plugging a device twice is a no-op.
 */
bool virtio_mmio_plug(DeviceState *vdev, Error **errp) WARN_UNUSED_RESULT;
/* Take a plugged virtio device off its transport (device_del before the guest ran). */
bool virtio_mmio_unplug(DeviceState *vdev, Error **errp) WARN_UNUSED_RESULT;

#endif
