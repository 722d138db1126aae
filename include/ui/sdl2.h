/*
 * The SDL display (-display sdl, ui/sdl2*.c): one window per graphical console at the
 * guest's resolution, keyboard and mouse into the input layer, Ctrl-Alt-G to grab and
 * release the pointer and keyboard, closing a window quits (QEMU's window-close=on).
 */
#ifndef UI_SDL2_H
#define UI_SDL2_H

#include "common.h"
#include "util/error.h"

/*
 * Check the options after "sdl" ("" or ",window-close=on|off"); false + errp naming the
 * bad one. Called while parsing the command line.
 */
bool sdl_display_check_opts(const char *opts, Error **errp);

/*
 * Open the windows, once the devices (and their consoles) exist; under the BQL. False +
 * errp when SDL cannot start (no $DISPLAY, no X server): the caller exits.
 */
bool sdl_display_init(const char *opts, Error **errp);

/* At exit, under the BQL: close the windows and stop the display thread (no-op without). */
void sdl_display_cleanup(void);

#endif
