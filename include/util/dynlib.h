/*
 * Shared libraries loaded at first use instead of linked. Every linked library costs each
 * process the dynamic loader's mapping and relocation at start-up (issue 7's budget for a
 * tiny ELF is 4 ms), so a library only some runs need (libslirp for a user netdev, libSDL2
 * for a window) is opened when it is needed and reached through a table of function
 * pointers (net/slirp-lib.h, ui/sdl2-lib.h).
 */
#ifndef UTIL_DYNLIB_H
#define UTIL_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Open soname (RTLD_NOW, so a missing symbol fails here with a message rather than at the
 * first call; RTLD_LOCAL). NULL on failure, with dlerror()'s reason in err.
 */
void *dynlib_open(const char *soname, char *err, size_t errlen);
/* Resolve name in handle into *fn; false with "SONAME has no NAME: reason" in err. */
bool dynlib_sym(void *handle, const char *soname, const char *name, void **fn, char *err,
                size_t errlen);

#endif
