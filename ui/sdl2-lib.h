/*
 * libSDL2, loaded when a window is asked for: linking it would make every Kestrel process map
 * some fifty libraries at start-up (X11, Wayland, audio...), although most runs have no
 * window (include/util/dynlib.h). ui/sdl2*.c include this after SDL.h and call SDL as usual:
 * each function they use is a member of SDLLib and its name a macro for the loaded pointer.
 * A new SDL call in ui/ needs its name in SDL_LIB_FUNCS and a #define below.
 */
#ifndef UI_SDL2_LIB_H
#define UI_SDL2_LIB_H

#include <SDL2/SDL.h>

#include "util/error.h"

#define SDL_LIB_FUNCS(F)                                                                          \
    F(SDL_CreateRenderer) F(SDL_CreateTexture) F(SDL_CreateWindow) F(SDL_DestroyTexture)          \
    F(SDL_DestroyWindow) F(SDL_GetError) F(SDL_GetModState) F(SDL_GetWindowFlags)                 \
    F(SDL_GetWindowID) F(SDL_Init) F(SDL_PushEvent) F(SDL_Quit) F(SDL_RegisterEvents)             \
    F(SDL_RenderClear) F(SDL_RenderCopy) F(SDL_RenderPresent) F(SDL_RenderSetLogicalSize)         \
    F(SDL_SetError) F(SDL_SetHint) F(SDL_SetRelativeMouseMode) F(SDL_SetRenderDrawColor)          \
    F(SDL_SetWindowGrab) F(SDL_SetWindowKeyboardGrab) F(SDL_SetWindowSize) F(SDL_SetWindowTitle)  \
    F(SDL_UpdateTexture) F(SDL_WaitEvent)

typedef struct SDLLib {
#define SDL_LIB_FIELD(name) typeof(name) *name;
    SDL_LIB_FUNCS(SDL_LIB_FIELD)
#undef SDL_LIB_FIELD
} SDLLib;

/* The loaded library; set by sdl_lib_load before the first SDL call. */
extern const SDLLib *sdl_lib;

/* Load libSDL2 once per process; false + errp naming the library and the reason. */
bool sdl_lib_load(Error **errp);

#ifndef SDL_LIB_NO_REDIRECT /* defined by ui/sdl2-lib.c, which fills the table */
#define SDL_CreateRenderer sdl_lib->SDL_CreateRenderer
#define SDL_CreateTexture sdl_lib->SDL_CreateTexture
#define SDL_CreateWindow sdl_lib->SDL_CreateWindow
#define SDL_DestroyTexture sdl_lib->SDL_DestroyTexture
#define SDL_DestroyWindow sdl_lib->SDL_DestroyWindow
#define SDL_GetError sdl_lib->SDL_GetError
#define SDL_GetModState sdl_lib->SDL_GetModState
#define SDL_GetWindowFlags sdl_lib->SDL_GetWindowFlags
#define SDL_GetWindowID sdl_lib->SDL_GetWindowID
#define SDL_Init sdl_lib->SDL_Init
#define SDL_PushEvent sdl_lib->SDL_PushEvent
#define SDL_Quit sdl_lib->SDL_Quit
#define SDL_RegisterEvents sdl_lib->SDL_RegisterEvents
#define SDL_RenderClear sdl_lib->SDL_RenderClear
#define SDL_RenderCopy sdl_lib->SDL_RenderCopy
#define SDL_RenderPresent sdl_lib->SDL_RenderPresent
#define SDL_RenderSetLogicalSize sdl_lib->SDL_RenderSetLogicalSize
#define SDL_SetError sdl_lib->SDL_SetError
#define SDL_SetHint sdl_lib->SDL_SetHint
#define SDL_SetRelativeMouseMode sdl_lib->SDL_SetRelativeMouseMode
#define SDL_SetRenderDrawColor sdl_lib->SDL_SetRenderDrawColor
#define SDL_SetWindowGrab sdl_lib->SDL_SetWindowGrab
#define SDL_SetWindowKeyboardGrab sdl_lib->SDL_SetWindowKeyboardGrab
#define SDL_SetWindowSize sdl_lib->SDL_SetWindowSize
#define SDL_SetWindowTitle sdl_lib->SDL_SetWindowTitle
#define SDL_UpdateTexture sdl_lib->SDL_UpdateTexture
#define SDL_WaitEvent sdl_lib->SDL_WaitEvent
#endif

#endif
