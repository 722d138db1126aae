/*
 * libSDL2 through dlopen() (why: ui/sdl2-lib.h). The soname is the one the libsdl2-dev
 * headers we compile against belong to (libsdl2-2.0-0). Loaded from the main thread,
 * before the display thread starts, so no lock is needed.
 */
#define SDL_LIB_NO_REDIRECT
#include "sdl2-lib.h"

#include "util/dynlib.h"

#define SDL_SONAME "libSDL2-2.0.so.0"

static SDLLib sdl_lib_loaded;
const SDLLib *sdl_lib;

bool sdl_lib_load(Error **errp)
{
    char err[256];
    void *h;
    bool ok;

    if (sdl_lib) {
        return true;
    }
    h = dynlib_open(SDL_SONAME, err, sizeof(err));
    ok = h != NULL;
#define SDL_LIB_SYM(name)                                                                          \
    ok = ok && dynlib_sym(h, SDL_SONAME, #name, (void **)&sdl_lib_loaded.name, err, sizeof(err));
    SDL_LIB_FUNCS(SDL_LIB_SYM)
#undef SDL_LIB_SYM
    if (!ok) {
        error_setg(errp, "-display sdl needs libSDL2: %s", err);
        return false;
    }
    sdl_lib = &sdl_lib_loaded;
    return true;
}
