/*
 * virtio entropy device ("virtio-rng-device"): device logic only; queues are
 * in virtio.c and the transport in virtio-mmio.c.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 5.4 "Entropy Device".
 * One queue (requestq) of device-writable buffers, which the device fills with
 * random bytes. No feature bits, no config space.
 *
 * Bytes come from getrandom() (the host's urandom pool, never blocking after
 * boot). A buffer outside guest RAM gets back only the bytes written before it.
 */
#include <sys/random.h>

#include "hw/virtio/virtio-rng.h"
#include "util/log.h"

#define VIRTIO_RNG_QUEUE_SIZE 8
#define VIRTIO_RNG_CHUNK 256
/* Fill at most this much per request, so one huge buffer cannot stall the vCPU. */
#define VIRTIO_RNG_MAX_REQUEST (64 * KiB)

typedef struct VirtIORNG {
    VirtIODevice parent_obj;
    VirtQueue *vq;
} VirtIORNG;

#define VIRTIO_RNG(obj) OBJECT_CHECK(VirtIORNG, (obj), TYPE_VIRTIO_RNG)

/* ---- requests ---- */

static size_t virtio_rng_fill(VirtQueueElement *elem)
{
    uint64_t want = MIN(elem->in_len, VIRTIO_RNG_MAX_REQUEST);
    uint8_t buf[VIRTIO_RNG_CHUNK];
    size_t done = 0;

    while (done < want) {
        size_t n = MIN(want - done, sizeof(buf));
        ssize_t got = getrandom(buf, n, 0);

        if (got <= 0) {
            break;
        }
        n = virtqueue_elem_from_buf(elem, done, buf, got);
        done += n;
        if (n < (size_t)got) {
            break;
        }
    }
    return done;
}

static void virtio_rng_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        if (elem->out_num) {
            log_mask(LOG_GUEST_ERROR, "virtio-rng: request with device-readable buffers\n");
        }
        virtqueue_push(vq, elem, virtio_rng_fill(elem));
    }
    virtio_notify(vdev, vq);
}

/* ---- realize ---- */

static bool virtio_rng_realize(DeviceState *dev, Error **errp)
{
    VirtIORNG *s = VIRTIO_RNG(dev);

    virtio_init(VIRTIO_DEVICE(dev), 0);
    s->vq = virtio_add_queue(VIRTIO_DEVICE(dev), VIRTIO_RNG_QUEUE_SIZE, virtio_rng_handle_output);
    return true;
}

/* ---- type registration ---- */

static void virtio_rng_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio entropy device";
    dc->user_creatable = true;
    dc->realize = virtio_rng_realize;
    vdc->device_id = VIRTIO_ID_RNG;
}

static const TypeInfo virtio_rng_info = {
    .name = TYPE_VIRTIO_RNG,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIORNG),
    .class_init = virtio_rng_class_init,
};

static void virtio_rng_register_types(void)
{
    type_register_static(&virtio_rng_info);
}

type_init(virtio_rng_register_types)
