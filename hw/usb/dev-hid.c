/*
 * USB HID keyboard, mouse and tablet ("usb-kbd", "usb-mouse", "usb-tablet";
 * HID 1.11, Boot Interface in appendix B). They describe themselves as
 * QEMU's do, so a guest sees the same devices: vendor 0627 product 0001,
 * high speed, one configuration with one HID interface and interrupt IN
 * endpoint 1, strings "QEMU", "QEMU USB Keyboard" ..., serial "<n>-<port path>".
 *
 * Reports (the interrupt IN data, also returned by GET_REPORT):
 *   keyboard: modifier bits, reserved, 6 key usages (all 0x01 on rollover);
 *             output report (SET_REPORT): the 5 LED bits
 *   mouse:    buttons (5 bits), dx, dy, wheel (signed bytes)
 *   tablet:   buttons (3 bits), x, y (le16, 0..0x7fff), wheel (signed byte)
 * Input-layer events change the state; the keyboard queues a report per key
 * change, the pointers one per sync (so a press and its release in one batch
 * still reach the guest as two reports). Up to HID_QUEUE_LEN reports wait
 * for the host; beyond that the keyboard keeps only its newest state and the
 * pointers accumulate motion. SET_IDLE is recorded; a nonzero idle rate (a
 * periodic repeat of unchanged reports) is not modelled: Linux sets 0.
 */
#include "hw/usb/hid.h"

typedef enum HIDKind { HID_KEYBOARD, HID_MOUSE, HID_TABLET } HIDKind;

typedef struct USBHIDState {
    USBDevice parent_obj;
    InputHandlerState *input;
    uint8_t protocol; /* 0: boot, 1: report (the default after reset) */
    uint8_t idle;
    uint8_t leds;
    /* keyboard */
    uint8_t modifiers;
    uint8_t keys[HID_KEYS_MAX + 1]; /* pressed usages; HID_KEYS_MAX + 1 means rollover */
    int nkeys;
    /* pointers */
    uint8_t buttons;
    int32_t dx, dy, dz;
    uint16_t x, y;
    bool moved; /* state not yet in a queued report */
    /* reports waiting for the host */
    uint8_t queue[HID_QUEUE_LEN][HID_REPORT_MAX];
    int head, count;
} USBHIDState;

#define USB_HID(obj) ((USBHIDState *)(obj))

/* ---- descriptors ---- */

enum {
    STR_MANUFACTURER = 1,
    STR_PRODUCT_MOUSE,
    STR_PRODUCT_TABLET,
    STR_PRODUCT_KEYBOARD,
    STR_SERIAL_COMPAT,
    STR_CONFIG_MOUSE,
    STR_CONFIG_TABLET,
    STR_CONFIG_KEYBOARD,
    STR_SERIAL_MOUSE,
    STR_SERIAL_TABLET,
    STR_SERIAL_KEYBOARD,
    STR_COUNT,
};

static const char *const hid_strings[STR_COUNT] = {
    [STR_MANUFACTURER] = "QEMU",
    [STR_PRODUCT_MOUSE] = "QEMU USB Mouse",
    [STR_PRODUCT_TABLET] = "QEMU USB Tablet",
    [STR_PRODUCT_KEYBOARD] = "QEMU USB Keyboard",
    [STR_SERIAL_COMPAT] = "42",
    [STR_CONFIG_MOUSE] = "HID Mouse",
    [STR_CONFIG_TABLET] = "HID Tablet",
    [STR_CONFIG_KEYBOARD] = "HID Keyboard",
    [STR_SERIAL_MOUSE] = "89126",
    [STR_SERIAL_TABLET] = "28754",
    [STR_SERIAL_KEYBOARD] = "68284",
};

/* The boot keyboard report descriptor (HID 1.11 appendix B.1). */
static const uint8_t kbd_report_desc[] = {
    0x05, 0x01, 0x09, 0x06, 0xa1, 0x01,       /* Generic Desktop, Keyboard, Application */
    0x75, 0x01, 0x95, 0x08, 0x05, 0x07,       /* 8 x 1 bit, Keyboard page */
    0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, /* usages 0xe0..0xe7 (modifiers), 0..1 */
    0x01, 0x81, 0x02,                         /* Input (Data, Var, Abs) */
    0x95, 0x01, 0x75, 0x08, 0x81, 0x01,       /* 1 x 8 bits reserved: Input (Const) */
    0x95, 0x05, 0x75, 0x01, 0x05, 0x08,       /* 5 x 1 bit, LED page */
    0x19, 0x01, 0x29, 0x05, 0x91, 0x02,       /* LEDs 1..5: Output (Data, Var, Abs) */
    0x95, 0x01, 0x75, 0x03, 0x91, 0x01,       /* 3 bits padding: Output (Const) */
    0x95, 0x06, 0x75, 0x08, 0x15, 0x00, 0x25, /* 6 x 8 bits, 0..255 */
    0xff, 0x05, 0x07, 0x19, 0x00, 0x29, 0xff, /* Keyboard page usages 0..255 */
    0x81, 0x00, 0xc0,                         /* Input (Data, Array); end */
};

/* Mouse: 5 buttons, X, Y and wheel as relative signed bytes. */
static const uint8_t mouse_report_desc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01,       /* Generic Desktop, Mouse, Application */
    0x09, 0x01, 0xa1, 0x00,                   /* Pointer, Physical */
    0x05, 0x09, 0x19, 0x01, 0x29, 0x05,       /* Buttons 1..5 */
    0x15, 0x00, 0x25, 0x01, 0x95, 0x05, 0x75, /* 0..1, 5 x 1 bit */
    0x01, 0x81, 0x02,                         /* Input (Data, Var, Abs) */
    0x95, 0x01, 0x75, 0x03, 0x81, 0x01,       /* 3 bits padding */
    0x05, 0x01, 0x09, 0x30, 0x09, 0x31,       /* X, Y */
    0x09, 0x38, 0x15, 0x81, 0x25, 0x7f,       /* Wheel, -127..127 */
    0x75, 0x08, 0x95, 0x03, 0x81, 0x06,       /* 3 x 8 bits: Input (Data, Var, Rel) */
    0xc0, 0xc0,
};

/* Tablet: 3 buttons, X and Y absolute 0..0x7fff (16 bits), wheel relative. */
static const uint8_t tablet_report_desc[] = {
    0x05, 0x01, 0x09, 0x02, 0xa1, 0x01,       /* Generic Desktop, Mouse, Application */
    0x09, 0x01, 0xa1, 0x00,                   /* Pointer, Physical */
    0x05, 0x09, 0x19, 0x01, 0x29, 0x03,       /* Buttons 1..3 */
    0x15, 0x00, 0x25, 0x01, 0x95, 0x03, 0x75, /* 0..1, 3 x 1 bit */
    0x01, 0x81, 0x02,                         /* Input (Data, Var, Abs) */
    0x95, 0x01, 0x75, 0x05, 0x81, 0x01,       /* 5 bits padding */
    0x05, 0x01, 0x09, 0x30, 0x09, 0x31,       /* X, Y */
    0x15, 0x00, 0x26, 0xff, 0x7f,             /* logical 0..0x7fff */
    0x35, 0x00, 0x46, 0xff, 0x7f,             /* physical 0..0x7fff */
    0x75, 0x10, 0x95, 0x02, 0x81, 0x02,       /* 2 x 16 bits: Input (Data, Var, Abs) */
    0x05, 0x01, 0x09, 0x38, 0x15, 0x81, 0x25, /* Wheel, -127..127 */
    0x7f, 0x35, 0x00, 0x45, 0x00,             /* physical 0..0 */
    0x75, 0x08, 0x95, 0x01, 0x81, 0x06,       /* 1 x 8 bits: Input (Data, Var, Rel) */
    0xc0, 0xc0,
};

/* HID descriptor (HID 1.11 6.2.1): bcdHID, country 0, one report descriptor. */
#define HID_DESC(bcd, report_len)                                                                  \
    {                                                                                              \
        9, HID_DT_HID, (bcd)&0xff, (bcd) >> 8, 0, 1, HID_DT_REPORT, (report_len)&0xff,             \
            (report_len) >> 8                                                                      \
    }

static const uint8_t kbd_hid_desc[] = HID_DESC(0x0111, sizeof(kbd_report_desc));
static const uint8_t mouse_hid_desc[] = HID_DESC(0x0001, sizeof(mouse_report_desc));
static const uint8_t tablet_hid_desc[] = HID_DESC(0x0001, sizeof(tablet_report_desc));

static const USBDescEndpoint kbd_ep = {USB_DIR_IN | 1, USB_ENDPOINT_XFER_INT, 8, 7};
static const USBDescEndpoint mouse_ep = {USB_DIR_IN | 1, USB_ENDPOINT_XFER_INT, 4, 7};
static const USBDescEndpoint tablet_ep = {USB_DIR_IN | 1, USB_ENDPOINT_XFER_INT, 8, 4};

/* Interface class 3 (HID); subclass 1 = boot interface, protocol 1 keyboard, 2 mouse. */
static const USBDescInterface kbd_iface = {3, 1, 1, kbd_hid_desc, 9, &kbd_ep, 1};
static const USBDescInterface mouse_iface = {3, 1, 2, mouse_hid_desc, 9, &mouse_ep, 1};
static const USBDescInterface tablet_iface = {3, 0, 0, tablet_hid_desc, 9, &tablet_ep, 1};

#define HID_USB_DESC(iface_, product_, serial_, config_)                                           \
    {                                                                                              \
        .bcd_usb = 0x0200, .vendor = 0x0627, .product = 0x0001, .max_packet0 = 64,                 \
        .i_manufacturer = STR_MANUFACTURER, .i_product = (product_), .i_serial = (serial_),        \
        .i_config = (config_), .config_attributes = USB_CFG_ATT_ONE | USB_CFG_ATT_WAKEUP,          \
        .max_power = 50, .ifaces = &(iface_), .num_ifaces = 1, .strings = hid_strings,             \
        .num_strings = STR_COUNT,                                                                  \
    }

static const USBDesc hid_descs[] = {
    [HID_KEYBOARD] =
        HID_USB_DESC(kbd_iface, STR_PRODUCT_KEYBOARD, STR_SERIAL_KEYBOARD, STR_CONFIG_KEYBOARD),
    [HID_MOUSE] = HID_USB_DESC(mouse_iface, STR_PRODUCT_MOUSE, STR_SERIAL_MOUSE, STR_CONFIG_MOUSE),
    [HID_TABLET] =
        HID_USB_DESC(tablet_iface, STR_PRODUCT_TABLET, STR_SERIAL_TABLET, STR_CONFIG_TABLET),
};

static HIDKind hid_kind(USBHIDState *s)
{
    return (HIDKind)(USB_DEVICE_GET_CLASS(s)->desc - hid_descs);
}

/* ---- reports ---- */

static int8_t take_delta(int32_t *acc)
{
    int32_t d = MAX(-127, MIN(127, *acc));

    *acc -= d;
    return d;
}

/* The current report in out; consumes pointer motion if consume. Returns its length. */
static int hid_build_report(USBHIDState *s, uint8_t *out, bool consume)
{
    int32_t dx = s->dx, dy = s->dy, dz = s->dz;

    memset(out, 0, HID_REPORT_MAX);
    switch (hid_kind(s)) {
    case HID_KEYBOARD:
        out[0] = s->modifiers;
        for (int i = 0; i < HID_KEYS_MAX; i++) {
            out[2 + i] = s->nkeys > HID_KEYS_MAX ? 0x01 : i < s->nkeys ? s->keys[i] : 0;
        }
        return 8;
    case HID_MOUSE:
        out[0] = s->buttons & 0x1f;
        out[1] = take_delta(&dx);
        out[2] = take_delta(&dy);
        out[3] = take_delta(&dz);
        break;
    case HID_TABLET:
        out[0] = s->buttons & 0x07;
        out[1] = s->x & 0xff;
        out[2] = s->x >> 8;
        out[3] = s->y & 0xff;
        out[4] = s->y >> 8;
        out[5] = take_delta(&dz);
        break;
    }
    if (consume) {
        s->dx = dx;
        s->dy = dy;
        s->dz = dz;
        s->moved = dx || dy || dz;
    }
    return hid_kind(s) == HID_MOUSE ? 4 : 6;
}

/* Queue the current state; false if the queue is full. */
static bool hid_queue_report(USBHIDState *s)
{
    if (s->count == HID_QUEUE_LEN) {
        return false;
    }
    hid_build_report(s, s->queue[(s->head + s->count) % HID_QUEUE_LEN], true);
    s->count++;
    usb_device_wakeup(USB_DEVICE(s), 1);
    return true;
}

static void hid_key_event(USBHIDState *s, int code, bool down)
{
    uint8_t usage = hid_usage_from_key(code);
    int i;

    if (!usage) {
        return;
    }
    if (usage >= 0xe0) {
        uint8_t bit = 1 << (usage - 0xe0), was = s->modifiers;
        s->modifiers = down ? s->modifiers | bit : s->modifiers & ~bit;
        if (s->modifiers == was) {
            return; /* a repeat (or a release of a key not held): no new report */
        }
    } else {
        for (i = 0; i < s->nkeys && s->keys[i] != usage; i++) {
        }
        if (down && i == s->nkeys && s->nkeys < (int)sizeof(s->keys)) {
            s->keys[s->nkeys++] = usage;
        } else if (!down && i < s->nkeys) {
            memmove(&s->keys[i], &s->keys[i + 1], s->nkeys - i - 1);
            s->nkeys--;
        } else {
            return;
        }
    }
    if (!hid_queue_report(s)) {
        /* The host is not polling: keep the newest state in the last slot. */
        hid_build_report(s, s->queue[(s->head + s->count - 1) % HID_QUEUE_LEN], true);
    }
}

static const uint8_t hid_button_bits[INPUT_BUTTON_MAX] = {
    [INPUT_BUTTON_LEFT] = 0x01, [INPUT_BUTTON_RIGHT] = 0x02, [INPUT_BUTTON_MIDDLE] = 0x04,
    [INPUT_BUTTON_SIDE] = 0x08, [INPUT_BUTTON_EXTRA] = 0x10,
};

static void hid_input_event(DeviceState *dev, const InputEvent *evt)
{
    USBHIDState *s = USB_HID(dev);

    switch (evt->kind) {
    case INPUT_EVENT_KIND_KEY:
        hid_key_event(s, evt->key.code, evt->key.down);
        return;
    case INPUT_EVENT_KIND_BTN:
        if (evt->btn.button == INPUT_BUTTON_WHEEL_UP ||
            evt->btn.button == INPUT_BUTTON_WHEEL_DOWN) {
            s->dz += evt->btn.down ? (evt->btn.button == INPUT_BUTTON_WHEEL_UP ? 1 : -1) : 0;
        } else if (evt->btn.down) {
            s->buttons |= hid_button_bits[evt->btn.button];
        } else {
            s->buttons &= ~hid_button_bits[evt->btn.button];
        }
        break;
    case INPUT_EVENT_KIND_REL:
        *(evt->move.axis == INPUT_AXIS_X ? &s->dx : &s->dy) += (int32_t)evt->move.value;
        break;
    case INPUT_EVENT_KIND_ABS:
        *(evt->move.axis == INPUT_AXIS_X ? &s->x : &s->y) =
            MAX(INPUT_EVENT_ABS_MIN, MIN(INPUT_EVENT_ABS_MAX, evt->move.value));
        break;
    default:
        return;
    }
    s->moved = true;
}

static void hid_input_sync(DeviceState *dev)
{
    USBHIDState *s = USB_HID(dev);

    if (hid_kind(s) != HID_KEYBOARD && s->moved) {
        hid_queue_report(s);
    }
}

static const InputHandler hid_input_handlers[] = {
    [HID_KEYBOARD] = {"QEMU HID Keyboard", INPUT_EVENT_MASK_KEY, hid_input_event, hid_input_sync},
    [HID_MOUSE] = {"QEMU HID Mouse", INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_REL, hid_input_event,
                   hid_input_sync},
    [HID_TABLET] = {"QEMU HID Tablet", INPUT_EVENT_MASK_BTN | INPUT_EVENT_MASK_ABS, hid_input_event,
                    hid_input_sync},
};

/* ---- USB ---- */

static int hid_handle_data(USBDevice *dev, int ep, bool in, uint8_t *data, int len)
{
    USBHIDState *s = USB_HID(dev);
    uint8_t report[HID_REPORT_MAX];
    int n;

    if (!in) {
        return USB_RET_STALL;
    }
    if (s->count) {
        n = hid_kind(s) == HID_KEYBOARD ? 8 : hid_kind(s) == HID_MOUSE ? 4 : 6;
        memcpy(report, s->queue[s->head], n);
        s->head = (s->head + 1) % HID_QUEUE_LEN;
        s->count--;
    } else if (s->moved) {
        n = hid_build_report(s, report, true);
    } else {
        return USB_RET_NAK;
    }
    n = MIN(n, len);
    memcpy(data, report, n);
    return n;
}

static int hid_get_descriptor(USBHIDState *s, const USBSetup *setup, uint8_t *data)
{
    const USBDescInterface *iface = USB_DEVICE_GET_CLASS(s)->desc->ifaces;
    static const struct {
        const uint8_t *p;
        int len;
    } reports[] = {
        [HID_KEYBOARD] = {kbd_report_desc, sizeof(kbd_report_desc)},
        [HID_MOUSE] = {mouse_report_desc, sizeof(mouse_report_desc)},
        [HID_TABLET] = {tablet_report_desc, sizeof(tablet_report_desc)},
    };
    int n;

    if (setup->index != 0) {
        return USB_RET_STALL;
    }
    switch (setup->value >> 8) {
    case HID_DT_REPORT:
        n = MIN(setup->length, reports[hid_kind(s)].len);
        memcpy(data, reports[hid_kind(s)].p, n);
        return n;
    case HID_DT_HID:
        n = MIN(setup->length, iface->class_desc_len);
        memcpy(data, iface->class_desc, n);
        return n;
    default:
        return USB_RET_STALL;
    }
}

#define REQ(type, req) (((type) << 8) | (req))
#define HID_IN (USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_INTERFACE)
#define HID_OUT (USB_TYPE_CLASS | USB_RECIP_INTERFACE)

static int hid_handle_control(USBDevice *dev, const USBSetup *setup, uint8_t *data)
{
    USBHIDState *s = USB_HID(dev);
    uint8_t report[HID_REPORT_MAX];
    int n;

    switch (REQ(setup->request_type, setup->request)) {
    case REQ(USB_DIR_IN | USB_RECIP_INTERFACE, USB_REQ_GET_DESCRIPTOR):
        return hid_get_descriptor(s, setup, data);
    case REQ(HID_IN, HID_REQ_GET_REPORT):
        n = MIN(hid_build_report(s, report, false), setup->length);
        memcpy(data, report, n);
        return n;
    case REQ(HID_OUT, HID_REQ_SET_REPORT):
        if (hid_kind(s) == HID_KEYBOARD && setup->length >= 1) {
            s->leds = data[0] & 0x1f;
        }
        return 0;
    case REQ(HID_IN, HID_REQ_GET_IDLE):
        data[0] = s->idle;
        return MIN(setup->length, 1);
    case REQ(HID_OUT, HID_REQ_SET_IDLE):
        s->idle = setup->value >> 8;
        return 0;
    case REQ(HID_IN, HID_REQ_GET_PROTOCOL):
        data[0] = s->protocol;
        return MIN(setup->length, 1);
    case REQ(HID_OUT, HID_REQ_SET_PROTOCOL):
        if (setup->value > 1) {
            return USB_RET_STALL;
        }
        s->protocol = setup->value;
        return 0;
    default:
        return USB_RET_STALL;
    }
}

static void hid_handle_reset(USBDevice *dev)
{
    USBHIDState *s = USB_HID(dev);

    s->protocol = 1;
    s->idle = 0;
    s->head = s->count = 0;
    s->dx = s->dy = s->dz = 0;
    s->moved = false;
}

/* ---- type registration ---- */

static bool hid_realize(DeviceState *dev, Error **errp)
{
    USBHIDState *s = USB_HID(dev);

    s->input = input_handler_register(dev, &hid_input_handlers[hid_kind(s)]);
    return true;
}

static void hid_finalize(Object *obj)
{
    USBHIDState *s = USB_HID(obj);

    if (s->input) {
        input_handler_unregister(s->input);
    }
}

static const char *const hid_type_names[] = {
    [HID_KEYBOARD] = TYPE_USB_KBD,
    [HID_MOUSE] = TYPE_USB_MOUSE,
    [HID_TABLET] = TYPE_USB_TABLET,
};

static const char *const hid_type_descs[] = {
    [HID_KEYBOARD] = "QEMU USB Keyboard",
    [HID_MOUSE] = "QEMU USB Mouse",
    [HID_TABLET] = "QEMU USB Tablet",
};

static void hid_class_init(ObjectClass *oc, void *data)
{
    const USBDesc *desc = data;
    USBDeviceClass *udc = USB_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = hid_type_descs[desc - hid_descs];
    DEVICE_CLASS(oc)->user_creatable = true;
    DEVICE_CLASS(oc)->realize = hid_realize;
    udc->desc = desc;
    udc->handle_control = hid_handle_control;
    udc->handle_data = hid_handle_data;
    udc->handle_reset = hid_handle_reset;
}

static TypeInfo hid_type_infos[ARRAY_SIZE(hid_descs)];

static void usb_hid_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(hid_descs); i++) {
        hid_type_infos[i] = (TypeInfo){
            .name = hid_type_names[i],
            .parent = TYPE_USB_DEVICE,
            .instance_size = sizeof(USBHIDState),
            .instance_finalize = hid_finalize,
            .class_init = hid_class_init,
            .class_data = (void *)&hid_descs[i],
        };
        type_register_static(&hid_type_infos[i]);
    }
}

type_init(usb_hid_register_types)
