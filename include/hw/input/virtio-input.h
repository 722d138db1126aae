/*
 * virtio-input (virtio 1.2, section 5.8 "Input Device"): the device reports
 * Linux evdev events (type, code, value) and describes itself through config
 * space, which the driver reads one (select, subsel) item at a time.
 *
 * virtio-input.c is the transport-facing core (config, the event and status
 * queues, batching events up to SYN_REPORT); virtio-input-hid.c the
 * keyboard, mouse and tablet that take events from the input layer.
 */
#ifndef HW_INPUT_VIRTIO_INPUT_H
#define HW_INPUT_VIRTIO_INPUT_H

#include "hw/virtio/virtio.h"
#include "ui/input.h"

#define TYPE_VIRTIO_INPUT "virtio-input-device"
#define VIRTIO_ID_INPUT 18

/* Config selectors (5.8.4). */
#define VIRTIO_INPUT_CFG_UNSET 0x00
#define VIRTIO_INPUT_CFG_ID_NAME 0x01
#define VIRTIO_INPUT_CFG_ID_SERIAL 0x02
#define VIRTIO_INPUT_CFG_ID_DEVIDS 0x03
#define VIRTIO_INPUT_CFG_PROP_BITS 0x10
#define VIRTIO_INPUT_CFG_EV_BITS 0x11
#define VIRTIO_INPUT_CFG_ABS_INFO 0x12
/* select, subsel, size, reserved[5], then a 128-byte union. */
#define VIRTIO_INPUT_CONFIG_SIZE 136
#define VIRTIO_INPUT_CONFIG_PAYLOAD 128

/* evdev types and codes (linux/input-event-codes.h). */
#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define EV_ABS 0x03
#define EV_LED 0x11
#define EV_REP 0x14
#define SYN_REPORT 0
#define REL_X 0x00
#define REL_Y 0x01
#define REL_WHEEL 0x08
#define ABS_X 0x00
#define ABS_Y 0x01
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112
#define BTN_SIDE 0x113
#define BTN_EXTRA 0x114
#define LED_NUML 0x00
#define LED_CAPSL 0x01
#define LED_SCROLLL 0x02

/* Events held until SYN_REPORT; a longer batch is cut there (a report must fit a queue). */
#define VIRTIO_INPUT_MAX_BATCH 64

typedef struct VirtIOInputEvent {
    uint16_t type, code;
    uint32_t value;
} VirtIOInputEvent;

typedef struct VirtIOInput VirtIOInput;

typedef struct VirtIOInputClass {
    VirtioDeviceClass parent_class;
    /*
     * Fill the union (out, VIRTIO_INPUT_CONFIG_PAYLOAD bytes, zeroed) for select/subsel;
     * return its size (0: the item does not exist).
     */
    uint8_t (*fill_config)(VirtIOInput *vinput, uint8_t select, uint8_t subsel, uint8_t *out);
    /* Registered with the input layer at realize (NULL: none). */
    const InputHandler *input_handler;
} VirtIOInputClass;

struct VirtIOInput {
    VirtIODevice parent_obj;
    VirtQueue *evt_vq, *sts_vq;
    char *serial; /* property "serial" (QEMU's): ID_SERIAL */
    uint8_t select, subsel;
    VirtIOInputEvent batch[VIRTIO_INPUT_MAX_BATCH];
    unsigned nbatch;
    InputHandlerState *handler;
};

#define VIRTIO_INPUT(obj) OBJECT_CHECK(VirtIOInput, (obj), TYPE_VIRTIO_INPUT)
#define VIRTIO_INPUT_CLASS(oc) OBJECT_CLASS_CHECK(VirtIOInputClass, (oc), TYPE_VIRTIO_INPUT)
#define VIRTIO_INPUT_GET_CLASS(obj) OBJECT_GET_CLASS(VirtIOInputClass, (obj), TYPE_VIRTIO_INPUT)

/* Queue one event; SYN_REPORT sends the batch to the driver (dropped whole if the event
 * queue lacks buffers for it, as a report must not arrive in pieces). */
void virtio_input_send(VirtIOInput *vinput, uint16_t type, uint16_t code, uint32_t value);
/* Set bit `bit` of a config bitmap. */
static inline void virtio_input_set_bit(uint8_t *bitmap, unsigned bit)
{
    bitmap[bit / 8] |= 1u << (bit % 8);
}

#endif
