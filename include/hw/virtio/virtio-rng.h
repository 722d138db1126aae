/*
 * virtio entropy device: "-device virtio-rng-device". Fills the driver's
 * buffers from the host's getrandom().
 */
#ifndef HW_VIRTIO_VIRTIO_RNG_H
#define HW_VIRTIO_VIRTIO_RNG_H

#include "hw/virtio/virtio.h"

#define TYPE_VIRTIO_RNG "virtio-rng-device"

#endif
