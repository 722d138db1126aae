/*
 * virtio-input keyboard, mouse and tablet ("virtio-keyboard-device",
 * "virtio-mouse-device", "virtio-tablet-device"; the -pci forms are the same
 * devices behind the PCI proxy). They describe themselves as QEMU's do (names,
 * BUS_VIRTUAL ids 0627:0001..0003, the event codes below) and turn input-layer
 * events into evdev events:
 *   keyboard: EV_KEY (key codes 1..255), EV_REP, EV_LED (num/caps/scroll lock)
 *   mouse:    EV_KEY (left, right, middle, side, extra), EV_REL (X, Y, wheel)
 *   tablet:   EV_KEY (buttons), EV_ABS (X, Y in 0..0x7fff), EV_REL (wheel)
 * The wheel buttons of the input layer become REL_WHEEL +1 / -1 on press.
 */
#include "hw/input/virtio-input.h"

#define VIRTIO_INPUT_BUS_VIRTUAL 0x06
#define VIRTIO_INPUT_VENDOR 0x0627 /* QEMU's */
#define VIRTIO_INPUT_VERSION 0x0001

typedef struct VirtIOInputHIDKind {
    const char *type;
    const char *name; /* ID_NAME */
    uint16_t product;
    uint32_t events; /* INPUT_EVENT_MASK_* taken from the input layer */
    const char *desc;
} VirtIOInputHIDKind;

static const VirtIOInputHIDKind hid_kinds[] = {
    {"virtio-keyboard-device", "QEMU Virtio Keyboard", 1, INPUT_EVENT_MASK_KEY, "virtio keyboard"},
    {"virtio-mouse-device", "QEMU Virtio Mouse", 2, INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL,
     "virtio mouse (relative pointer)"},
    {"virtio-tablet-device", "QEMU Virtio Tablet", 3, INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_ABS,
     "virtio tablet (absolute pointer)"},
};

static const uint16_t hid_buttons[INPUT_BUTTON_MAX] = {
    [INPUT_BUTTON_LEFT] = BTN_LEFT,   [INPUT_BUTTON_MIDDLE] = BTN_MIDDLE,
    [INPUT_BUTTON_RIGHT] = BTN_RIGHT, [INPUT_BUTTON_SIDE] = BTN_SIDE,
    [INPUT_BUTTON_EXTRA] = BTN_EXTRA,
};

static const VirtIOInputHIDKind *hid_kind(VirtIOInput *vinput)
{
    const char *type = object_get_typename(OBJECT(vinput));

    for (size_t i = 0; i < ARRAY_SIZE(hid_kinds); i++) {
        if (!strcmp(hid_kinds[i].type, type)) {
            return &hid_kinds[i];
        }
    }
    return &hid_kinds[0];
}

/* ---- events from the input layer ---- */

static void hid_event(DeviceState *dev, const InputEvent *evt)
{
    VirtIOInput *vinput = VIRTIO_INPUT(dev);
    const VirtIOInputHIDKind *kind = hid_kind(vinput);

    switch (evt->kind) {
    case INPUT_EVENT_KIND_KEY:
        virtio_input_send(vinput, EV_KEY, evt->key.code, evt->key.down);
        break;
    case INPUT_EVENT_KIND_BTN:
        if (evt->btn.button == INPUT_BUTTON_WHEEL_UP ||
            evt->btn.button == INPUT_BUTTON_WHEEL_DOWN) {
            if (evt->btn.down) {
                virtio_input_send(vinput, EV_REL, REL_WHEEL,
                                  evt->btn.button == INPUT_BUTTON_WHEEL_UP ? 1 : -1);
            }
        } else if (hid_buttons[evt->btn.button]) {
            virtio_input_send(vinput, EV_KEY, hid_buttons[evt->btn.button], evt->btn.down);
        }
        break;
    case INPUT_EVENT_KIND_REL:
        virtio_input_send(vinput, EV_REL, evt->move.axis == INPUT_AXIS_X ? REL_X : REL_Y,
                          (uint32_t)evt->move.value);
        break;
    case INPUT_EVENT_KIND_ABS:
        if (kind->events & INPUT_EVENT_MASK_ABS) {
            virtio_input_send(vinput, EV_ABS, evt->move.axis == INPUT_AXIS_X ? ABS_X : ABS_Y,
                              (uint32_t)evt->move.value);
        }
        break;
    default:
        break;
    }
}

static void hid_sync(DeviceState *dev)
{
    virtio_input_send(VIRTIO_INPUT(dev), EV_SYN, SYN_REPORT, 0);
}

static const InputHandler hid_handlers[] = {
    {"QEMU Virtio Keyboard", INPUT_EVENT_MASK_KEY, hid_event, hid_sync},
    {"QEMU Virtio Mouse", INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL, hid_event, hid_sync},
    {"QEMU Virtio Tablet", INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_ABS, hid_event, hid_sync},
};

/* ---- config ---- */

/* Bytes of a bitmap up to its last set bit (the config's size for bitmaps). */
static uint8_t bitmap_size(const uint8_t *bitmap)
{
    int n = VIRTIO_INPUT_CONFIG_PAYLOAD;

    while (n > 0 && !bitmap[n - 1]) {
        n--;
    }
    return n;
}

static uint8_t hid_ev_bits(const VirtIOInputHIDKind *kind, uint8_t type, uint8_t *out)
{
    bool keyboard = kind->events & INPUT_EVENT_MASK_KEY;
    bool pointer = kind->events & INPUT_EVENT_MASK_BTN;

    if (type == EV_KEY && keyboard) {
        for (unsigned code = 1; code < 256; code++) {
            virtio_input_set_bit(out, code);
        }
    } else if (type == EV_KEY && pointer) {
        for (unsigned b = BTN_LEFT; b <= BTN_EXTRA; b++) {
            virtio_input_set_bit(out, b);
        }
    } else if (type == EV_REL && pointer) {
        if (kind->events & INPUT_EVENT_MASK_REL) {
            virtio_input_set_bit(out, REL_X);
            virtio_input_set_bit(out, REL_Y);
        }
        virtio_input_set_bit(out, REL_WHEEL);
    } else if (type == EV_ABS && (kind->events & INPUT_EVENT_MASK_ABS)) {
        virtio_input_set_bit(out, ABS_X);
        virtio_input_set_bit(out, ABS_Y);
    } else if (type == EV_LED && keyboard) {
        virtio_input_set_bit(out, LED_NUML);
        virtio_input_set_bit(out, LED_CAPSL);
        virtio_input_set_bit(out, LED_SCROLLL);
    } else if (type == EV_REP && keyboard) {
        return 1; /* present, with no codes: the guest does autorepeat itself */
    }
    return bitmap_size(out);
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static uint8_t hid_fill_config(VirtIOInput *vinput, uint8_t select, uint8_t subsel, uint8_t *out)
{
    const VirtIOInputHIDKind *kind = hid_kind(vinput);

    switch (select) {
    case VIRTIO_INPUT_CFG_ID_NAME:
        if (subsel) {
            return 0;
        }
        memcpy(out, kind->name, strlen(kind->name));
        return strlen(kind->name);
    case VIRTIO_INPUT_CFG_ID_DEVIDS:
        st16(out, VIRTIO_INPUT_BUS_VIRTUAL);
        st16(out + 2, VIRTIO_INPUT_VENDOR);
        st16(out + 4, kind->product);
        st16(out + 6, VIRTIO_INPUT_VERSION);
        return subsel ? 0 : 8;
    case VIRTIO_INPUT_CFG_EV_BITS:
        return hid_ev_bits(kind, subsel, out);
    case VIRTIO_INPUT_CFG_ABS_INFO:
        if (!(kind->events & INPUT_EVENT_MASK_ABS) || (subsel != ABS_X && subsel != ABS_Y)) {
            return 0;
        }
        /* min, max, fuzz, flat, res (le32 each) */
        out[4] = INPUT_EVENT_ABS_MAX & 0xff;
        out[5] = INPUT_EVENT_ABS_MAX >> 8;
        return 20;
    default:
        return 0; /* PROP_BITS: none */
    }
}

/* ---- type registration ---- */

static void hid_class_init(ObjectClass *oc, void *data)
{
    const VirtIOInputHIDKind *kind = data;
    VirtIOInputClass *vic = VIRTIO_INPUT_CLASS(oc);

    DEVICE_CLASS(oc)->desc = kind->desc;
    DEVICE_CLASS(oc)->user_creatable = true;
    vic->fill_config = hid_fill_config;
    vic->input_handler = &hid_handlers[kind - hid_kinds];
}

static TypeInfo hid_type_infos[ARRAY_SIZE(hid_kinds)];

static void virtio_input_hid_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(hid_kinds); i++) {
        hid_type_infos[i] = (TypeInfo){
            .name = hid_kinds[i].type,
            .parent = TYPE_VIRTIO_INPUT,
            .class_init = hid_class_init,
            .class_data = (void *)&hid_kinds[i],
        };
        type_register_static(&hid_type_infos[i]);
    }
}

type_init(virtio_input_hid_register_types)
