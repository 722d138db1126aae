/*
 * libslirp, loaded on first use. Linking it would make every start-up map libslirp, glib and
 * pcre2 and run glib's constructors (about 1.5 ms of CPU per process on the bench host, more
 * than a third of issue 7's 4 ms budget for a tiny ELF), although most runs have no user
 * netdev; so net/slirp.c reaches the library through this table, filled from dlopen() when
 * the first user netdev is created.
 */
#ifndef NET_SLIRP_LIB_H
#define NET_SLIRP_LIB_H

#include <libslirp.h>

#include "util/error.h"

/* The libslirp entry points Kestrel calls; typeof keeps each signature the header's. */
typedef struct SlirpLib {
    typeof(slirp_new) *new_slirp;
    typeof(slirp_cleanup) *cleanup;
    typeof(slirp_input) *input;
    typeof(slirp_add_hostfwd) *add_hostfwd;
    typeof(slirp_handle_timer) *handle_timer;
    typeof(slirp_pollfds_fill) *pollfds_fill;
    typeof(slirp_pollfds_poll) *pollfds_poll;
} SlirpLib;

/*
 * The loaded library (loaded once per process, thread-safe, never unloaded), or NULL + errp
 * naming the library and dlerror()'s reason when it or one of its symbols is missing.
 */
const SlirpLib *slirp_lib_get(Error **errp);

#endif
