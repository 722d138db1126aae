/*
 * The input layer (QEMU's ui/input.c idea): front ends (VNC, HMP sendkey,
 * QMP send-key/input-send-event, later SDL) send events; input devices
 * (virtio-keyboard/mouse/tablet, later USB HID) register as handlers and
 * receive them.
 *
 * Events of one kind go to the most recently activated handler that accepts
 * that kind (a handler is activated when it registers, so the newest device
 * wins, as in QEMU). A front end sends a batch of events, then
 * input_event_sync(), which lets each device that got events emit its
 * report (virtio-input's SYN_REPORT).
 *
 * Keys are Linux input key codes (KEY_A = 30, linux/input-event-codes.h):
 * virtio-input passes them through, other devices translate. Absolute
 * positions are scaled to INPUT_EVENT_ABS_MIN..MAX, as QEMU's.
 *
 * Everything runs under the BQL; the handler list is a process singleton.
 */
#ifndef UI_INPUT_H
#define UI_INPUT_H

#include "common.h"
#include "hw/core/qdev.h"

typedef enum InputEventKind {
    INPUT_EVENT_KIND_KEY,
    INPUT_EVENT_KIND_BTN,
    INPUT_EVENT_KIND_REL,
    INPUT_EVENT_KIND_ABS,
    INPUT_EVENT_KIND_MAX,
} InputEventKind;

#define INPUT_EVENT_MASK_KEY (1u << INPUT_EVENT_KIND_KEY)
#define INPUT_EVENT_MASK_BTN (1u << INPUT_EVENT_KIND_BTN)
#define INPUT_EVENT_MASK_REL (1u << INPUT_EVENT_KIND_REL)
#define INPUT_EVENT_MASK_ABS (1u << INPUT_EVENT_KIND_ABS)

typedef enum InputButton {
    INPUT_BUTTON_LEFT,
    INPUT_BUTTON_MIDDLE,
    INPUT_BUTTON_RIGHT,
    INPUT_BUTTON_WHEEL_UP,
    INPUT_BUTTON_WHEEL_DOWN,
    INPUT_BUTTON_SIDE,
    INPUT_BUTTON_EXTRA,
    INPUT_BUTTON_MAX,
} InputButton;

typedef enum InputAxis { INPUT_AXIS_X, INPUT_AXIS_Y, INPUT_AXIS_MAX } InputAxis;

#define INPUT_EVENT_ABS_MIN 0x0000
#define INPUT_EVENT_ABS_MAX 0x7fff

typedef struct InputEvent {
    InputEventKind kind;
    union {
        struct {
            int code; /* Linux KEY_* */
            bool down;
        } key;
        struct {
            InputButton button;
            bool down;
        } btn;
        struct {
            InputAxis axis;
            int64_t value;
        } move; /* REL: a delta; ABS: INPUT_EVENT_ABS_MIN..MAX */
    };
} InputEvent;

typedef struct InputHandler {
    const char *name;
    uint32_t mask; /* INPUT_EVENT_MASK_* it accepts */
    void (*event)(DeviceState *dev, const InputEvent *evt);
    void (*sync)(DeviceState *dev);
} InputHandler;

typedef struct InputHandlerState InputHandlerState;

/* Register dev's handler and make it the active one for its kinds. */
InputHandlerState *input_handler_register(DeviceState *dev, const InputHandler *handler);
void input_handler_activate(InputHandlerState *s);
void input_handler_unregister(InputHandlerState *s);
/* Is there a handler for kind? */
bool input_has_handler(InputEventKind kind);

/* Deliver one event; false if no handler takes its kind (the event is dropped). */
bool input_event_send(const InputEvent *evt);
/* End of a batch: the handlers that received events report them. */
void input_event_sync(void);

void input_event_send_key(int code, bool down);
void input_queue_btn(InputButton btn, bool down);
void input_queue_rel(InputAxis axis, int64_t delta);
/* value in 0..size-1 (a pixel position), scaled to INPUT_EVENT_ABS_MIN..MAX. */
void input_queue_abs(InputAxis axis, int64_t value, int64_t size);

/*
 * Press keys[0..n-1] in order now, release them in reverse order hold_ms later
 * (a main-loop timer; QEMU's sendkey/send-key semantics).
 */
void input_send_keys_held(const int *keys, int n, int64_t hold_ms);

/* ---- key tables (ui/input-keymap.c) ---- */

/* QEMU's QKeyCode name ("a", "ret", "ctrl", "kp_5", ...) -> Linux code, or -1. */
int input_key_from_qcode(const char *name, size_t len);
/* A "number" key (QEMU's qnum: XT scancode set 1, 0x80 | code after an 0xe0 prefix). */
int input_key_from_qnum(int qnum);
/* An X11/RFB keysym -> Linux code (US layout; the client sends Shift itself), or -1. */
int input_key_from_keysym(uint32_t keysym);
/*
 * A USB HID usage of the Keyboard/Keypad page (what SDL's scancodes are) -> Linux code, or
 * -1: the inverse of the USB keyboard's table (hw/usb/hid-keymap.c), so both agree.
 */
int input_key_from_hid_usage(unsigned usage);
/* Button/axis names of QMP input-send-event ("left", "x", ...), -1 if unknown. */
int input_button_from_name(const char *name);
int input_axis_from_name(const char *name);

#endif
