/*
 * libslirp through dlopen() (why: include/net/slirp-lib.h). The soname is the one the
 * libslirp-dev headers we compile against belong to (libslirp0, ABI 0); RTLD_NOW so a
 * missing symbol fails here, with a message, rather than at the first packet.
 */
#include "net/slirp-lib.h"

#include <dlfcn.h>
#include <pthread.h>

#define SLIRP_SONAME "libslirp.so.0"

/* The process's one copy of the library: a true singleton, as the dynamic linker's. */
static struct {
    pthread_once_t once;
    SlirpLib lib;
    bool loaded;
    char error[256];
} slirp_lib = {.once = PTHREAD_ONCE_INIT};

static bool slirp_lib_sym(void *handle, const char *name, void **fn)
{
    *fn = dlsym(handle, name);
    if (!*fn) {
        snprintf(slirp_lib.error, sizeof(slirp_lib.error), "%s has no %s: %s", SLIRP_SONAME, name,
                 dlerror());
    }
    return *fn != NULL;
}

static void slirp_lib_load(void)
{
    SlirpLib *l = &slirp_lib.lib;
    void *h = dlopen(SLIRP_SONAME, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        snprintf(slirp_lib.error, sizeof(slirp_lib.error), "%s", dlerror());
        return;
    }
    slirp_lib.loaded = slirp_lib_sym(h, "slirp_new", (void **)&l->new_slirp) &&
                       slirp_lib_sym(h, "slirp_cleanup", (void **)&l->cleanup) &&
                       slirp_lib_sym(h, "slirp_input", (void **)&l->input) &&
                       slirp_lib_sym(h, "slirp_add_hostfwd", (void **)&l->add_hostfwd) &&
                       slirp_lib_sym(h, "slirp_handle_timer", (void **)&l->handle_timer) &&
                       slirp_lib_sym(h, "slirp_pollfds_fill", (void **)&l->pollfds_fill) &&
                       slirp_lib_sym(h, "slirp_pollfds_poll", (void **)&l->pollfds_poll);
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
