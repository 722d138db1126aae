/*
 * Shared by ui/sdl2.c (windows, the display thread, pixels) and ui/sdl2-input.c (keys,
 * mouse, grab). See ui/sdl2.c for the thread model.
 */
#ifndef UI_SDL2_INTERNAL_H
#define UI_SDL2_INTERNAL_H

#include <pthread.h>
#include <SDL2/SDL.h>

#include "sdl2-lib.h"
#include "ui/console.h"

typedef struct SDLDisplay SDLDisplay;

/* One window, watching one console. */
typedef struct SDLWindow {
    DisplayChangeListener dcl; /* first: the listener callbacks get the window from it */
    SDLDisplay *sdl;
    unsigned index;
    /* Main thread (BQL): the dirty rectangle not yet handed over. */
    int pend_x0, pend_y0, pend_x1, pend_y1;
    /* Under sdl->lock: the guest's pixels handed to the display thread. */
    uint32_t *pixels; /* width * height xRGB, packed */
    int width, height;
    bool resized; /* new size: resize the window, new texture */
    int dirty_x0, dirty_y0, dirty_x1, dirty_y1;
    /* Display thread only. */
    SDL_Window *win;
    SDL_Renderer *ren;
    SDL_Texture *tex;
    int tex_w, tex_h;
} SDLWindow;

struct SDLDisplay {
    pthread_t thread;
    pthread_mutex_t lock; /* the handed-over pixels; never held while taking the BQL */
    pthread_cond_t started;
    int start_state; /* under lock: 0 starting, 1 running, -1 failed (start_error says why) */
    char start_error[256];
    uint32_t wake_event; /* SDL user event that tells the thread new pixels wait */
    bool wake_pending;   /* under lock: one is queued already */
    bool close_quits;    /* window-close=on */
    bool grab;           /* display thread only: pointer and keyboard grabbed */
    int nwindows;
    SDLWindow *windows;
};

/* The window with SDL's window id, or NULL (display thread). */
SDLWindow *sdl_window_by_id(SDLDisplay *sdl, uint32_t id);
/* ui/sdl2-input.c: a keyboard or mouse event (display thread; others are ignored). */
void sdl_handle_input(SDLDisplay *sdl, const SDL_Event *ev);
/* Grab or release pointer and keyboard, with the title saying so (display thread). */
void sdl_set_grab(SDLDisplay *sdl, bool grab);
/* The window title: "Kestrel", the -name, and how to leave a grab. */
void sdl_update_title(SDLDisplay *sdl, SDLWindow *w);

#endif
