/*
 * Option parsing for the "user" netdev (net/slirp-opts.c), shared with net/slirp.c only:
 * it needs <libslirp.h>, so it is included by files built with pkg-config's slirp flags.
 */
#ifndef NET_SLIRP_OPTS_H
#define NET_SLIRP_OPTS_H

#include <libslirp.h>

#include "common.h"
#include "util/error.h"
#include "util/option.h"

typedef struct SlirpOptions {
    SlirpConfig cfg;      /* ready for slirp_new; strings point into the parsed option list */
    const char **hostfwd; /* the rules as given, for slirp_add_hostfwd and messages */
    int nhostfwd;
    const char **dnssearch; /* NULL-terminated (cfg.vdnssearch points here) */
    int ndnssearch;
} SlirpOptions;

/*
 * Fill o from opts (which must outlive o). Defaults are QEMU's; host, dhcpstart and dns
 * default to .2, .15 and .3 of the network. False + errp naming the key on unknown keys,
 * bad values or addresses outside the network. Always call net_slirp_options_free.
 */
bool net_slirp_parse_options(const KeyValueList *opts, SlirpOptions *o, Error **errp);
void net_slirp_options_free(SlirpOptions *o);

#endif
