/*
 * libslirp through dlopen() (why: include/net/slirp-lib.h). The soname is the one the
 * libslirp-dev headers we compile against belong to (libslirp0, ABI 0).
 */
#include "net/slirp-lib.h"

#include <pthread.h>

#include "util/dynlib.h"

#define SLIRP_SONAME "libslirp.so.0"

/* The process's one copy of the library: a true singleton, as the dynamic linker's. */
static struct {
    pthread_once_t once;
    SlirpLib lib;
    bool loaded;
    char error[256];
} slirp_lib = {.once = PTHREAD_ONCE_INIT};

static bool sym(void *h, const char *name, void **fn)
{
    return dynlib_sym(h, SLIRP_SONAME, name, fn, slirp_lib.error, sizeof(slirp_lib.error));
}

static void slirp_lib_load(void)
{
    SlirpLib *l = &slirp_lib.lib;
    void *h = dynlib_open(SLIRP_SONAME, slirp_lib.error, sizeof(slirp_lib.error));

    if (!h) {
        return;
    }
    slirp_lib.loaded = sym(h, "slirp_new", (void **)&l->new_slirp) &&
                       sym(h, "slirp_cleanup", (void **)&l->cleanup) &&
                       sym(h, "slirp_input", (void **)&l->input) &&
                       sym(h, "slirp_add_hostfwd", (void **)&l->add_hostfwd) &&
                       sym(h, "slirp_handle_timer", (void **)&l->handle_timer) &&
                       sym(h, "slirp_pollfds_fill", (void **)&l->pollfds_fill) &&
                       sym(h, "slirp_pollfds_poll", (void **)&l->pollfds_poll);
}

const SlirpLib *slirp_lib_get(Error **errp)
{
    pthread_once(&slirp_lib.once, slirp_lib_load);
    if (!slirp_lib.loaded) {
        error_setg(errp, "user networking needs libslirp: %s", slirp_lib.error);
        return NULL;
    }
    return &slirp_lib.lib;
}
