/*
 * The SDL display (libsdl2): a window per graphical console, showing the console's
 * surface at the guest's resolution. The window follows the guest's mode changes; when the
 * user resizes it, the picture is scaled to fit (aspect ratio kept, SDL's logical size,
 * which also maps mouse positions back to guest pixels).
 *
 * Thread model, chosen so that neither the main loop nor a vCPU ever waits for the viewer:
 * SDL runs in a thread of its own (the "display thread") that owns every SDL object and
 * sleeps in SDL_WaitEvent. SDL offers no file descriptor to put in main_loop_wait's poll
 * set, so driving it from the main loop would mean polling it on a timer (DESIGN.md: no
 * periodic polling) and doing texture uploads and presents (vsync, a slow X server) on the
 * main loop. Instead:
 *   main loop (BQL held)                      display thread (no BQL)
 *   dpy_gfx_update: grow a dirty rectangle    SDL_WaitEvent
 *   dpy_refresh: copy the dirty rows into     wake event: under sdl->lock, upload the
 *     w->pixels under sdl->lock, push a         rows to the texture; then render/present
 *     wake event (SDL_PushEvent is            key/mouse event: bql_lock, input layer,
 *     thread-safe; one queued at a time)        bql_unlock (as a vCPU does for MMIO)
 *   dpy_gfx_switch: new pixel buffer          window closed: bql_lock, shutdown_request
 * Lock order: the BQL, then sdl->lock; the display thread never holds sdl->lock while it
 * takes the BQL. The main loop holds sdl->lock only for a memcpy of the changed rows; the
 * display thread only for the texture upload. Updates coalesce at the console's refresh
 * interval, so a guest drawing at any rate costs at most one copy per interval.
 *
 * Without a usable video device (no $DISPLAY) SDL_Init fails in the display thread, which
 * reports it before sdl_display_init returns: the caller prints it and exits 1, as QEMU.
 */
#include <stdlib.h>
#include <string.h>

#include "sdl2-internal.h"
#include "system/runstate.h"
#include "ui/sdl2.h"
#include "util/main-loop.h"

/* The process's SDL display (one, like QEMU's), for sdl_display_cleanup; NULL until open. */
static SDLDisplay *sdl_display;

/* ---- options ---- */

static bool sdl_parse_opts(const char *opts, bool *close_quits, Error **errp)
{
    *close_quits = true;
    while (opts && *opts) {
        size_t len;
        opts += *opts == ',';
        len = strcspn(opts, ",");
        if (!strncmp(opts, "window-close=on", len) && len == 15) {
            *close_quits = true;
        } else if (!strncmp(opts, "window-close=off", len) && len == 16) {
            *close_quits = false;
        } else if (!strncmp(opts, "gl=off", len) && len == 6) {
            /* no OpenGL: nothing to turn off */
        } else if (len) {
            error_setg(errp,
                       "-display sdl: unsupported option '%.*s' (Kestrel's SDL display "
                       "takes window-close=on|off and gl=off)",
                       (int)len, opts);
            return false;
        }
        opts += len;
    }
    return true;
}

bool sdl_display_check_opts(const char *opts, Error **errp)
{
    bool close_quits;
    return sdl_parse_opts(opts, &close_quits, errp);
}

/* ---- main loop side: the console's listener callbacks (BQL held) ---- */

static SDLWindow *sdl_window_of(DisplayChangeListener *dcl)
{
    return (SDLWindow *)dcl; /* dcl is the first member */
}

/* Tell the display thread there is work; sdl->lock held. */
static void sdl_wake(SDLDisplay *sdl)
{
    if (!sdl->wake_pending && sdl->wake_event) {
        SDL_Event ev = {.type = sdl->wake_event};
        sdl->wake_pending = SDL_PushEvent(&ev) == 1;
    }
}

/* Copy the rectangle of the surface into w->pixels and mark it dirty; sdl->lock held. */
static void sdl_copy_rect(SDLWindow *w, const DisplaySurface *s, int x0, int y0, int x1, int y1)
{
    for (int y = y0; y < y1; y++) {
        memcpy(w->pixels + (size_t)y * w->width + x0, surface_row(s, y) + x0,
               (size_t)(x1 - x0) * 4);
    }
    if (w->dirty_x1 <= w->dirty_x0) {
        w->dirty_x0 = x0, w->dirty_y0 = y0, w->dirty_x1 = x1, w->dirty_y1 = y1;
    } else {
        w->dirty_x0 = MIN(w->dirty_x0, x0), w->dirty_y0 = MIN(w->dirty_y0, y0);
        w->dirty_x1 = MAX(w->dirty_x1, x1), w->dirty_y1 = MAX(w->dirty_y1, y1);
    }
}

static void sdl_gfx_switch(DisplayChangeListener *dcl, DisplaySurface *surface)
{
    SDLWindow *w = sdl_window_of(dcl);
    SDLDisplay *sdl = w->sdl;

    pthread_mutex_lock(&sdl->lock);
    if (w->width != surface->width || w->height != surface->height) {
        free(w->pixels);
        w->width = surface->width;
        w->height = surface->height;
        w->pixels = xnew0(uint32_t, (size_t)w->width * w->height);
        w->resized = true;
    }
    w->dirty_x1 = w->dirty_x0 = 0;
    sdl_copy_rect(w, surface, 0, 0, w->width, w->height);
    sdl_wake(sdl);
    pthread_mutex_unlock(&sdl->lock);
    w->pend_x1 = w->pend_x0 = 0;
}

static void sdl_gfx_update(DisplayChangeListener *dcl, int x, int y, int width, int height)
{
    SDLWindow *w = sdl_window_of(dcl);

    if (w->pend_x1 <= w->pend_x0) {
        w->pend_x0 = x, w->pend_y0 = y, w->pend_x1 = x + width, w->pend_y1 = y + height;
        return;
    }
    w->pend_x0 = MIN(w->pend_x0, x), w->pend_y0 = MIN(w->pend_y0, y);
    w->pend_x1 = MAX(w->pend_x1, x + width), w->pend_y1 = MAX(w->pend_y1, y + height);
}

static void sdl_refresh(DisplayChangeListener *dcl)
{
    SDLWindow *w = sdl_window_of(dcl);
    DisplaySurface *s = dcl_surface(dcl);

    if (w->pend_x1 <= w->pend_x0) {
        return;
    }
    pthread_mutex_lock(&w->sdl->lock);
    if (s->width == w->width && s->height == w->height) {
        sdl_copy_rect(w, s, w->pend_x0, w->pend_y0, MIN(w->pend_x1, w->width),
                      MIN(w->pend_y1, w->height));
        sdl_wake(w->sdl);
    }
    pthread_mutex_unlock(&w->sdl->lock);
    w->pend_x1 = w->pend_x0 = 0;
}

static const DisplayChangeListenerOps sdl_dcl_ops = {
    .dpy_name = "sdl2",
    .dpy_refresh = sdl_refresh,
    .dpy_gfx_update = sdl_gfx_update,
    .dpy_gfx_switch = sdl_gfx_switch,
};

/* ---- display thread ---- */

static void sdl_render(SDLWindow *w)
{
    SDL_SetRenderDrawColor(w->ren, 0, 0, 0, 255);
    SDL_RenderClear(w->ren);
    if (w->tex) {
        SDL_RenderCopy(w->ren, w->tex, NULL, NULL);
    }
    SDL_RenderPresent(w->ren);
}

/* Take over what the main loop handed over (sdl->lock held). */
static void sdl_window_sync(SDLWindow *w)
{
    if (w->resized || !w->tex) {
        if (w->tex) {
            SDL_DestroyTexture(w->tex);
        }
        w->tex = SDL_CreateTexture(w->ren, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING,
                                   w->width, w->height);
        w->tex_w = w->width, w->tex_h = w->height;
        SDL_RenderSetLogicalSize(w->ren, w->width, w->height);
        /* The guest changed mode: the window takes the guest's size again. */
        SDL_SetWindowSize(w->win, w->width, w->height);
        w->resized = false;
        w->dirty_x0 = w->dirty_y0 = 0, w->dirty_x1 = w->width, w->dirty_y1 = w->height;
    }
    if (w->tex && w->dirty_x1 > w->dirty_x0 && w->dirty_y1 > w->dirty_y0) {
        SDL_Rect r = {w->dirty_x0, w->dirty_y0, w->dirty_x1 - w->dirty_x0,
                      w->dirty_y1 - w->dirty_y0};
        SDL_UpdateTexture(w->tex, &r, w->pixels + (size_t)r.y * w->width + r.x, w->width * 4);
    }
    w->dirty_x1 = w->dirty_x0 = 0;
}

static void sdl_sync_all(SDLDisplay *sdl)
{
    pthread_mutex_lock(&sdl->lock);
    sdl->wake_pending = false;
    for (int i = 0; i < sdl->nwindows; i++) {
        sdl_window_sync(&sdl->windows[i]);
    }
    pthread_mutex_unlock(&sdl->lock);
    for (int i = 0; i < sdl->nwindows; i++) {
        sdl_render(&sdl->windows[i]);
    }
}

SDLWindow *sdl_window_by_id(SDLDisplay *sdl, uint32_t id)
{
    for (int i = 0; i < sdl->nwindows; i++) {
        if (SDL_GetWindowID(sdl->windows[i].win) == id) {
            return &sdl->windows[i];
        }
    }
    return NULL;
}

static void sdl_quit_requested(SDLDisplay *sdl)
{
    if (sdl->close_quits) {
        bql_lock();
        shutdown_request(SHUTDOWN_CAUSE_HOST_UI, 0);
        bql_unlock();
    }
}

static void sdl_window_event(SDLDisplay *sdl, const SDL_Event *ev)
{
    SDLWindow *w = sdl_window_by_id(sdl, ev->window.windowID);

    if (!w) {
        return;
    }
    switch (ev->window.event) {
    case SDL_WINDOWEVENT_CLOSE:
        sdl_quit_requested(sdl);
        break;
    case SDL_WINDOWEVENT_EXPOSED:
    case SDL_WINDOWEVENT_SIZE_CHANGED:
        sdl_render(w);
        break;
    case SDL_WINDOWEVENT_FOCUS_LOST:
        sdl_set_grab(sdl, false);
        break;
    default:
        break;
    }
}

static bool sdl_open_windows(SDLDisplay *sdl)
{
    for (int i = 0; i < sdl->nwindows; i++) {
        SDLWindow *w = &sdl->windows[i];
        int width, height;

        pthread_mutex_lock(&sdl->lock);
        width = w->width, height = w->height;
        pthread_mutex_unlock(&sdl->lock);
        w->win = SDL_CreateWindow("Kestrel", SDL_WINDOWPOS_UNDEFINED, SDL_WINDOWPOS_UNDEFINED,
                                  width, height, SDL_WINDOW_RESIZABLE);
        w->ren = w->win ? SDL_CreateRenderer(w->win, -1, 0) : NULL;
        if (!w->ren) {
            return false;
        }
        sdl_update_title(sdl, w);
    }
    return true;
}

static void sdl_report_start(SDLDisplay *sdl, int state)
{
    pthread_mutex_lock(&sdl->lock);
    if (state < 0) {
        snprintf(sdl->start_error, sizeof(sdl->start_error), "%s", SDL_GetError());
    }
    sdl->start_state = state;
    pthread_cond_signal(&sdl->started);
    pthread_mutex_unlock(&sdl->lock);
}

static void *sdl_thread(void *opaque)
{
    SDLDisplay *sdl = opaque;
    SDL_Event ev;

    /* Our own SIGINT/SIGTERM handling stays (os_setup_signal_handling). */
    SDL_SetHint(SDL_HINT_NO_SIGNAL_HANDLERS, "1");
    /* Without a window system SDL falls back to its invisible "offscreen" driver: refuse,
     * as QEMU does, unless SDL_VIDEODRIVER asks for a driver by name. */
    if (!getenv("DISPLAY") && !getenv("WAYLAND_DISPLAY") && !getenv("SDL_VIDEODRIVER")) {
        SDL_SetError("no window system: $DISPLAY is not set");
        sdl_report_start(sdl, -1);
        return NULL;
    }
    if (SDL_Init(SDL_INIT_VIDEO) != 0 || !sdl_open_windows(sdl)) {
        sdl_report_start(sdl, -1);
        return NULL;
    }
    pthread_mutex_lock(&sdl->lock);
    sdl->wake_event = SDL_RegisterEvents(2); /* wake, then stop */
    pthread_mutex_unlock(&sdl->lock);
    sdl_report_start(sdl, 1);
    sdl_sync_all(sdl);
    while (SDL_WaitEvent(&ev)) {
        if (ev.type == sdl->wake_event + 1) {
            break; /* sdl_display_cleanup */
        } else if (ev.type == sdl->wake_event) {
            sdl_sync_all(sdl);
        } else if (ev.type == SDL_WINDOWEVENT) {
            sdl_window_event(sdl, &ev);
        } else if (ev.type == SDL_QUIT) {
            sdl_quit_requested(sdl);
        } else {
            sdl_handle_input(sdl, &ev);
        }
    }
    for (int i = 0; i < sdl->nwindows; i++) {
        SDL_DestroyWindow(sdl->windows[i].win); /* its renderer and texture with it */
    }
    SDL_Quit();
    return NULL;
}

/* ---- start ---- */

/* One window per graphic console; with none, one on the blank surface (as QEMU's). */
static void sdl_create_windows(SDLDisplay *sdl)
{
    unsigned n = 0;

    while (qemu_console_lookup_by_index(n)) {
        n++;
    }
    sdl->nwindows = n ? (int)n : 1;
    sdl->windows = xnew0(SDLWindow, sdl->nwindows);
    for (int i = 0; i < sdl->nwindows; i++) {
        SDLWindow *w = &sdl->windows[i];
        w->sdl = sdl;
        w->index = i;
        w->dcl.ops = &sdl_dcl_ops;
        register_displaychangelistener(&w->dcl, n ? qemu_console_lookup_by_index(i) : NULL);
    }
}

bool sdl_display_init(const char *opts, Error **errp)
{
    SDLDisplay *sdl = xnew0(SDLDisplay, 1); /* lives as long as the process */
    int state;

    if (!sdl_parse_opts(opts, &sdl->close_quits, errp) || !sdl_lib_load(errp)) {
        free(sdl);
        return false;
    }
    pthread_mutex_init(&sdl->lock, NULL);
    pthread_cond_init(&sdl->started, NULL);
    sdl_create_windows(sdl);
    if (pthread_create(&sdl->thread, NULL, sdl_thread, sdl) != 0) {
        error_setg(errp, "-display sdl: cannot start the display thread");
        return false;
    }
    pthread_mutex_lock(&sdl->lock);
    while (!sdl->start_state) {
        pthread_cond_wait(&sdl->started, &sdl->lock);
    }
    state = sdl->start_state;
    pthread_mutex_unlock(&sdl->lock);
    if (state < 0) {
        pthread_join(sdl->thread, NULL);
        error_setg(errp, "Could not initialize SDL(%s) - exiting", sdl->start_error);
        return false;
    }
    sdl_display = sdl;
    return true;
}

void sdl_display_cleanup(void)
{
    SDLDisplay *sdl = sdl_display;
    SDL_Event ev;

    if (!sdl) {
        return;
    }
    for (int i = 0; i < sdl->nwindows; i++) {
        unregister_displaychangelistener(&sdl->windows[i].dcl);
    }
    ev = (SDL_Event){.type = sdl->wake_event + 1};
    SDL_PushEvent(&ev);
    /* The display thread may be waiting for the BQL to deliver an input event. */
    bql_unlock();
    pthread_join(sdl->thread, NULL);
    bql_lock();
    sdl_display = NULL;
}
