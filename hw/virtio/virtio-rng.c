/*
 * virtio entropy device ("virtio-rng-device"): device logic only; queues are
 * in virtio.c and the transport in virtio-mmio.c.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 5.4 "Entropy Device".
 * One queue (requestq) of device-writable buffers, which the device fills with
 * random bytes. No feature bits, no config space.
 *
 * Bytes come from an RNG backend: the one named by the rng property
 * (-object rng-random,id=rng0 ... -device virtio-rng-device,rng=rng0), or a
 * private rng-builtin (the host's getrandom pool). A backend with nothing ready
 * gives a short (possibly empty) answer; the guest driver asks again. A buffer
 * outside guest RAM gets back only the bytes written before it.
 */
#include "hw/virtio/virtio-rng.h"
#include "system/rng.h"
#include "util/log.h"

#define VIRTIO_RNG_QUEUE_SIZE 8
#define VIRTIO_RNG_CHUNK 256
/* Fill at most this much per request, so one huge buffer cannot stall the vCPU. */
#define VIRTIO_RNG_MAX_REQUEST (64 * KiB)

typedef struct VirtIORNG {
    VirtIODevice parent_obj;
    VirtQueue *vq;
    char *rng_id;    /* property "rng": the -object id of the backend */
    RngBackend *rng; /* that backend, or own_rng */
    Object *own_rng; /* a private rng-builtin when no backend is named */
} VirtIORNG;

#define VIRTIO_RNG(obj) OBJECT_CHECK(VirtIORNG, (obj), TYPE_VIRTIO_RNG)

/* ---- requests ---- */

static size_t virtio_rng_fill(VirtIORNG *s, VirtQueueElement *elem)
{
    uint64_t want = MIN(elem->in_len, VIRTIO_RNG_MAX_REQUEST);
    uint8_t buf[VIRTIO_RNG_CHUNK];
    size_t done = 0;

    while (done < want) {
        size_t n = MIN(want - done, sizeof(buf));
        size_t got = rng_backend_read(s->rng, buf, n);

        if (got == 0) {
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
        virtqueue_push(vq, elem, virtio_rng_fill(VIRTIO_RNG(vdev), elem));
    }
    virtio_notify(vdev, vq);
}

/* ---- realize ---- */

static bool virtio_rng_connect_backend(VirtIORNG *s, Error **errp)
{
    Object *obj;

    if (!s->rng_id || !*s->rng_id) {
        s->own_rng = object_new(TYPE_RNG_BUILTIN);
        s->rng = RNG_BACKEND(s->own_rng);
        return true;
    }
    obj = user_creatable_find(s->rng_id);
    if (!obj || !object_dynamic_cast(obj, TYPE_RNG_BACKEND)) {
        error_setg(errp, "rng=%s: no RNG backend with that id (-object rng-random,id=%s,...)",
                   s->rng_id, s->rng_id);
        return false;
    }
    s->rng = RNG_BACKEND(obj);
    object_ref(obj); /* dropped at finalize, so the backend outlives the device */
    return true;
}

static bool virtio_rng_realize(DeviceState *dev, Error **errp)
{
    VirtIORNG *s = VIRTIO_RNG(dev);

    if (!virtio_rng_connect_backend(s, errp)) {
        return false;
    }
    virtio_init(VIRTIO_DEVICE(dev), 0);
    s->vq = virtio_add_queue(VIRTIO_DEVICE(dev), VIRTIO_RNG_QUEUE_SIZE, virtio_rng_handle_output);
    return true;
}

static void virtio_rng_finalize(Object *obj)
{
    VirtIORNG *s = VIRTIO_RNG(obj);

    if (s->own_rng) {
        object_unref(s->own_rng);
    } else if (s->rng) {
        object_unref(OBJECT(s->rng));
    }
}

/* ---- properties and type registration ---- */

static const Property virtio_rng_props[] = {
    DEFINE_PROP("rng", PROP_STRING, VirtIORNG, rng_id,
                .description = "the id of the RNG backend (-object rng-random/rng-builtin)"),
    DEFINE_PROP_END,
};

static void virtio_rng_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio entropy device";
    dc->user_creatable = true;
    dc->realize = virtio_rng_realize;
    vdc->device_id = VIRTIO_ID_RNG;
    object_class_add_props(oc, virtio_rng_props);
}

static const TypeInfo virtio_rng_info = {
    .name = TYPE_VIRTIO_RNG,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIORNG),
    .class_init = virtio_rng_class_init,
    .instance_finalize = virtio_rng_finalize,
};

static void virtio_rng_register_types(void)
{
    type_register_static(&virtio_rng_info);
}

type_init(virtio_rng_register_types)
