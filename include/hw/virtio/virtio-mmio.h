/*
 * The virtio-mmio transport (virtio 1.2, 4.2), version 1 (legacy, QEMU's default
 * force-legacy=on) or 2 (force-legacy=off): one 0x200-byte
 * register window and one interrupt line per slot. A board creates its empty
 * transports (virtio_mmio_create), keeps them in its own state, and plugs
 * devices from -device into them (virtio_mmio_plug_free, in QEMU's order).
 * Nothing is kept outside the objects: two boards never share a transport.
 */
#ifndef HW_VIRTIO_VIRTIO_MMIO_H
#define HW_VIRTIO_VIRTIO_MMIO_H

#include "hw/core/sysbus.h"
#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_MMIO "virtio-mmio"
#define VIRTIO_MMIO_SIZE 0x200

/* Create, realize, map at base and connect irq (may be NULL) one empty transport. */
DeviceState *virtio_mmio_create(hwaddr base, IRQState *irq, Error **errp);

/* The device plugged into transport, or NULL if it is free. */
VirtIODevice *virtio_mmio_get_device(DeviceState *transport);

/*
 * Attach a realized virtio device to this transport (which takes a reference).
 * Fails if dev is not a virtio device or the transport already holds one.
 */
bool virtio_mmio_plug(DeviceState *transport, DeviceState *dev, Error **errp) WARN_UNUSED_RESULT;

/*
 * Attach a realized virtio device to a free one of a board's n transports,
 * given in creation order. As in QEMU, the transport created last is filled
 * first (so on virt the first -device lands at 0x10008000). Fails with "no free
 * virtio-mmio slot" when all are taken, or if dev is not a virtio device.
 * A device already plugged into one of them stays there.
 */
bool virtio_mmio_plug_free(DeviceState *const *transports, int n, DeviceState *dev,
                           Error **errp) WARN_UNUSED_RESULT;
/*
 * Take dev off whichever of a board's n transports holds it (device_del before the
 * guest ran); the slot reads as empty again. Fails if none of them holds it.
 */
bool virtio_mmio_unplug(DeviceState *const *transports, int n, DeviceState *dev,
                        Error **errp) WARN_UNUSED_RESULT;

#endif
