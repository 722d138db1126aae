/*
 * The input layer: routes events from front ends to input devices. Routing
 * rules and the event model are described in include/ui/input.h.
 */
#include "ui/input.h"
#include "util/timer.h"

struct InputHandlerState {
    DeviceState *dev;
    const InputHandler *handler;
    bool events_since_sync;
    InputHandlerState *next;
};

/* Process singleton (see input.h): handlers, most recently activated first. */
static InputHandlerState *handlers;

InputHandlerState *input_handler_register(DeviceState *dev, const InputHandler *handler)
{
    InputHandlerState *s = xzalloc(sizeof(*s));

    s->dev = dev;
    s->handler = handler;
    s->next = handlers;
    handlers = s;
    return s;
}

static void input_handler_unlink(InputHandlerState *s)
{
    InputHandlerState **p = &handlers;

    while (*p && *p != s) {
        p = &(*p)->next;
    }
    if (*p) {
        *p = s->next;
    }
}

void input_handler_activate(InputHandlerState *s)
{
    input_handler_unlink(s);
    s->next = handlers;
    handlers = s;
}

void input_handler_unregister(InputHandlerState *s)
{
    if (s) {
        input_handler_unlink(s);
        free(s);
    }
}

static InputHandlerState *input_find_handler(InputEventKind kind)
{
    for (InputHandlerState *s = handlers; s; s = s->next) {
        if (s->handler->mask & (1u << kind)) {
            return s;
        }
    }
    return NULL;
}

bool input_has_handler(InputEventKind kind)
{
    return input_find_handler(kind) != NULL;
}

bool input_event_send(const InputEvent *evt)
{
    InputHandlerState *s = input_find_handler(evt->kind);

    if (!s) {
        return false;
    }
    s->handler->event(s->dev, evt);
    s->events_since_sync = true;
    return true;
}

void input_event_sync(void)
{
    for (InputHandlerState *s = handlers; s; s = s->next) {
        if (s->events_since_sync && s->handler->sync) {
            s->handler->sync(s->dev);
        }
        s->events_since_sync = false;
    }
}

void input_event_send_key(int code, bool down)
{
    input_event_send(&(InputEvent){.kind = INPUT_EVENT_KIND_KEY, .key = {code, down}});
}

void input_queue_btn(InputButton btn, bool down)
{
    input_event_send(&(InputEvent){.kind = INPUT_EVENT_KIND_BTN, .btn = {btn, down}});
}

void input_queue_rel(InputAxis axis, int64_t delta)
{
    input_event_send(&(InputEvent){.kind = INPUT_EVENT_KIND_REL, .move = {axis, delta}});
}

void input_queue_abs(InputAxis axis, int64_t value, int64_t size)
{
    int64_t range = INPUT_EVENT_ABS_MAX - INPUT_EVENT_ABS_MIN;
    int64_t scaled = size > 1 ? INPUT_EVENT_ABS_MIN + value * range / (size - 1) : 0;

    scaled = MAX(INPUT_EVENT_ABS_MIN, MIN(scaled, INPUT_EVENT_ABS_MAX));
    input_event_send(&(InputEvent){.kind = INPUT_EVENT_KIND_ABS, .move = {axis, scaled}});
}

/* ---- held keys (sendkey) ---- */

typedef struct HeldKeys {
    Timer *timer;
    int n;
    int keys[];
} HeldKeys;

static void input_release_held(void *opaque)
{
    HeldKeys *h = opaque;

    for (int i = h->n - 1; i >= 0; i--) {
        input_event_send_key(h->keys[i], false);
        input_event_sync();
    }
    timer_free(h->timer);
    free(h);
}

void input_send_keys_held(const int *keys, int n, int64_t hold_ms)
{
    HeldKeys *h = xzalloc(sizeof(*h) + n * sizeof(int));

    h->n = n;
    memcpy(h->keys, keys, n * sizeof(int));
    for (int i = 0; i < n; i++) {
        input_event_send_key(keys[i], true);
        input_event_sync();
    }
    h->timer = timer_new_ns(CLOCK_HOST, input_release_held, h);
    timer_mod_ns(h->timer, clock_get_ns(CLOCK_HOST) + MAX(hold_ms, 0) * 1000000);
}
