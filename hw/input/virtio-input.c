/*
 * virtio-input core ("virtio-input-device", abstract): device logic shared by
 * the keyboard, mouse and tablet.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 5.8 "Input Device".
 *   queue 0 eventq:  device-writable 8-byte events (le16 type, le16 code, le32 value)
 *   queue 1 statusq: driver-to-device events (keyboard LEDs); consumed and ignored
 *   config: select (rw), subsel (rw), size (ro), reserved[5], union u[128] (ro)
 *   no feature bits
 * The driver writes select/subsel and reads size and the union; the subclass
 * fills them (VirtIOInputClass.fill_config).
 *
 * Events are batched up to SYN_REPORT and then written into eventq buffers.
 * A batch that does not find enough buffers is dropped whole, as QEMU does: a
 * report cut in two would leave the guest with half a key press.
 */
#include "hw/input/virtio-input.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define VIRTIO_INPUT_QUEUE_SIZE 64

/* ---- events ---- */

static void virtio_input_flush(VirtIOInput *vinput)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(vinput);
    VirtQueueElement *elems[VIRTIO_INPUT_MAX_BATCH];
    unsigned n = 0;

    while (n < vinput->nbatch && (elems[n] = virtqueue_pop(vinput->evt_vq))) {
        n++;
    }
    if (n < vinput->nbatch) {
        /* Not enough buffers: the driver is not keeping up; drop the report. */
        while (n) {
            virtqueue_unpop(vinput->evt_vq, elems[--n]);
        }
        vinput->nbatch = 0;
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        const VirtIOInputEvent *e = &vinput->batch[i];
        uint8_t buf[8] = {e->type,  e->type >> 8,  e->code,        e->code >> 8,
                          e->value, e->value >> 8, e->value >> 16, e->value >> 24};
        virtqueue_push(vinput->evt_vq, elems[i], virtqueue_elem_from_buf(elems[i], 0, buf, 8));
    }
    vinput->nbatch = 0;
    virtio_notify(vdev, vinput->evt_vq);
}

void virtio_input_send(VirtIOInput *vinput, uint16_t type, uint16_t code, uint32_t value)
{
    if (!(VIRTIO_DEVICE(vinput)->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return; /* nobody listens yet */
    }
    if (vinput->nbatch == VIRTIO_INPUT_MAX_BATCH - 1 && type != EV_SYN) {
        virtio_input_send(vinput, EV_SYN, SYN_REPORT, 0); /* cut an overlong report */
    }
    vinput->batch[vinput->nbatch++] = (VirtIOInputEvent){type, code, value};
    if (type == EV_SYN && code == SYN_REPORT) {
        virtio_input_flush(vinput);
    }
}

/* The driver made buffers available: nothing to do, events wait for them. */
static void virtio_input_handle_evt(VirtIODevice *vdev, VirtQueue *vq)
{
}

static void virtio_input_handle_sts(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        virtqueue_push(vq, elem, 0); /* LED state: we have no LEDs to show it on */
    }
    virtio_notify(vdev, vq);
}

/* ---- config ---- */

static void virtio_input_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOInput *vinput = VIRTIO_INPUT(vdev);
    VirtIOInputClass *vic = VIRTIO_INPUT_GET_CLASS(vinput);
    uint8_t size = 0;

    memset(config, 0, VIRTIO_INPUT_CONFIG_SIZE);
    config[0] = vinput->select;
    config[1] = vinput->subsel;
    if (vinput->select == VIRTIO_INPUT_CFG_ID_SERIAL) {
        if (vinput->subsel == 0 && vinput->serial) {
            size = MIN(strlen(vinput->serial), VIRTIO_INPUT_CONFIG_PAYLOAD);
            memcpy(config + 8, vinput->serial, size);
        }
    } else if (vinput->select != VIRTIO_INPUT_CFG_UNSET) {
        size = vic->fill_config(vinput, vinput->select, vinput->subsel, config + 8);
    }
    config[2] = size;
}

static void virtio_input_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOInput *vinput = VIRTIO_INPUT(vdev);

    vinput->select = config[0];
    vinput->subsel = config[1];
}

static void virtio_input_reset(VirtIODevice *vdev)
{
    VirtIOInput *vinput = VIRTIO_INPUT(vdev);

    vinput->select = vinput->subsel = 0;
    vinput->nbatch = 0;
}

/* ---- realize ---- */

static bool virtio_input_realize(DeviceState *dev, Error **errp)
{
    VirtIOInput *vinput = VIRTIO_INPUT(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    virtio_init(vdev, VIRTIO_INPUT_CONFIG_SIZE);
    vinput->evt_vq = virtio_add_queue(vdev, VIRTIO_INPUT_QUEUE_SIZE, virtio_input_handle_evt);
    vinput->sts_vq = virtio_add_queue(vdev, VIRTIO_INPUT_QUEUE_SIZE, virtio_input_handle_sts);
    if (VIRTIO_INPUT_GET_CLASS(vinput)->input_handler) {
        vinput->handler =
            input_handler_register(dev, VIRTIO_INPUT_GET_CLASS(vinput)->input_handler);
    }
    return true;
}

static void virtio_input_finalize(Object *obj)
{
    input_handler_unregister(VIRTIO_INPUT(obj)->handler);
}

static const Property virtio_input_props[] = {
    DEFINE_PROP("serial", PROP_STRING, VirtIOInput, serial,
                .description = "the device's serial (config ID_SERIAL)"),
    DEFINE_PROP_END,
};

/* The event queue and config selection are not described yet: savevm refuses. */
static const VMStateDescription vmstate_virtio_input = {.name = "virtio-input",
                                                        .unmigratable = true};

static void virtio_input_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->realize = virtio_input_realize;
    vdc->device_id = VIRTIO_ID_INPUT;
    vdc->get_config = virtio_input_get_config;
    vdc->set_config = virtio_input_set_config;
    vdc->reset = virtio_input_reset;
    object_class_add_props(oc, virtio_input_props);
    dc->vmsd = &vmstate_virtio_input;
}

static const TypeInfo virtio_input_info = {
    .name = TYPE_VIRTIO_INPUT,
    .parent = TYPE_VIRTIO_DEVICE,
    .abstract = true,
    .instance_size = sizeof(VirtIOInput),
    .class_size = sizeof(VirtIOInputClass),
    .class_init = virtio_input_class_init,
    .instance_finalize = virtio_input_finalize,
};

static void virtio_input_register_types(void)
{
    type_register_static(&virtio_input_info);
}

type_init(virtio_input_register_types)
