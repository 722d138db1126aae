/*
 * Keyboard and mouse of the SDL display, in the display thread (see ui/sdl2.c): each
 * event takes the BQL for the input layer, as a vCPU does for MMIO.
 *  - keys: SDL scancodes are USB HID usages, mapped to Linux codes by the USB keyboard's
 *    table (input_key_from_hid_usage); SDL's auto-repeat is dropped (the guest repeats).
 *  - Ctrl-Alt-G grabs or releases the pointer and keyboard (the G is not sent); the title
 *    says "Press Ctrl-Alt-G to exit grab" while grabbed, as QEMU's.
 *  - pointer: with an absolute device (a tablet) positions go as absolute events scaled
 *    from guest pixels (SDL's logical size already undid the window scaling); otherwise a
 *    click grabs the pointer and motion goes as relative deltas while grabbed.
 */
#include "sdl2-internal.h"
#include "system/runstate.h"
#include "ui/input.h"
#include "util/main-loop.h"

void sdl_update_title(SDLDisplay *sdl, SDLWindow *w)
{
    char title[256];
    const char *status = sdl->grab ? " - Press Ctrl-Alt-G to exit grab" : "";

    if (vm_name) {
        snprintf(title, sizeof(title), "Kestrel (%s-%u)%s", vm_name, w->index, status);
    } else if (w->index) {
        snprintf(title, sizeof(title), "Kestrel (%u)%s", w->index, status);
    } else {
        snprintf(title, sizeof(title), "Kestrel%s", status);
    }
    SDL_SetWindowTitle(w->win, title);
}

/* Whether the pointer goes as absolute positions (reads the input layer: BQL). */
static bool sdl_pointer_absolute(void)
{
    bool abs;

    bql_lock();
    abs = input_has_handler(INPUT_EVENT_KIND_ABS);
    bql_unlock();
    return abs;
}

void sdl_set_grab(SDLDisplay *sdl, bool grab)
{
    if (sdl->grab == grab) {
        return;
    }
    sdl->grab = grab;
    for (int i = 0; i < sdl->nwindows; i++) {
        SDLWindow *w = &sdl->windows[i];
        if (grab && !(SDL_GetWindowFlags(w->win) & SDL_WINDOW_INPUT_FOCUS)) {
            continue;
        }
        SDL_SetWindowGrab(w->win, grab);
        SDL_SetWindowKeyboardGrab(w->win, grab);
        sdl_update_title(sdl, w);
    }
    /* A relative mouse needs the host pointer hidden and unbounded while grabbed. */
    SDL_SetRelativeMouseMode(grab && !sdl_pointer_absolute());
}

static void sdl_key(SDLDisplay *sdl, const SDL_KeyboardEvent *ev)
{
    bool down = ev->type == SDL_KEYDOWN;
    SDL_Keymod mod = SDL_GetModState();
    int code;

    if (ev->keysym.scancode == SDL_SCANCODE_G && (mod & KMOD_CTRL) && (mod & KMOD_ALT)) {
        if (down && !ev->repeat) {
            sdl_set_grab(sdl, !sdl->grab);
        }
        return;
    }
    code = input_key_from_hid_usage(ev->keysym.scancode);
    if (code < 0 || ev->repeat) {
        return;
    }
    bql_lock();
    input_event_send_key(code, down);
    input_event_sync();
    bql_unlock();
}

static void sdl_motion(SDLDisplay *sdl, const SDL_MouseMotionEvent *ev)
{
    SDLWindow *w = sdl_window_by_id(sdl, ev->windowID);

    bql_lock();
    if (input_has_handler(INPUT_EVENT_KIND_ABS)) {
        if (w && w->tex) {
            input_queue_abs(INPUT_AXIS_X, MAX(0, MIN(ev->x, w->tex_w - 1)), w->tex_w);
            input_queue_abs(INPUT_AXIS_Y, MAX(0, MIN(ev->y, w->tex_h - 1)), w->tex_h);
        }
    } else if (sdl->grab) {
        input_queue_rel(INPUT_AXIS_X, ev->xrel);
        input_queue_rel(INPUT_AXIS_Y, ev->yrel);
    }
    input_event_sync();
    bql_unlock();
}

static int sdl_button_of(uint8_t button)
{
    switch (button) {
    case SDL_BUTTON_LEFT:
        return INPUT_BUTTON_LEFT;
    case SDL_BUTTON_MIDDLE:
        return INPUT_BUTTON_MIDDLE;
    case SDL_BUTTON_RIGHT:
        return INPUT_BUTTON_RIGHT;
    case SDL_BUTTON_X1:
        return INPUT_BUTTON_SIDE;
    case SDL_BUTTON_X2:
        return INPUT_BUTTON_EXTRA;
    default:
        return -1;
    }
}

static void sdl_button(SDLDisplay *sdl, const SDL_MouseButtonEvent *ev)
{
    int button = sdl_button_of(ev->button);
    bool down = ev->type == SDL_MOUSEBUTTONDOWN;

    if (button < 0) {
        return;
    }
    if (down && !sdl->grab && !sdl_pointer_absolute()) {
        sdl_set_grab(sdl, true); /* the click that grabs a relative mouse is not sent */
        return;
    }
    bql_lock();
    input_queue_btn(button, down);
    input_event_sync();
    bql_unlock();
}

static void sdl_wheel(const SDL_MouseWheelEvent *ev)
{
    InputButton b = ev->y > 0 ? INPUT_BUTTON_WHEEL_UP : INPUT_BUTTON_WHEEL_DOWN;

    if (!ev->y) {
        return;
    }
    bql_lock();
    input_queue_btn(b, true);
    input_event_sync();
    input_queue_btn(b, false);
    input_event_sync();
    bql_unlock();
}

void sdl_handle_input(SDLDisplay *sdl, const SDL_Event *ev)
{
    switch (ev->type) {
    case SDL_KEYDOWN:
    case SDL_KEYUP:
        sdl_key(sdl, &ev->key);
        break;
    case SDL_MOUSEMOTION:
        sdl_motion(sdl, &ev->motion);
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        sdl_button(sdl, &ev->button);
        break;
    case SDL_MOUSEWHEEL:
        sdl_wheel(&ev->wheel);
        break;
    default:
        break;
    }
}
