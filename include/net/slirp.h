/*
 * The "user" netdev: a NAT'ed guest network on libslirp (10.0.2.0/24 by default, the host
 * reachable as 10.0.2.2, DNS at 10.0.2.3, DHCP handing out 10.0.2.15 onwards, as QEMU).
 */
#ifndef NET_SLIRP_H
#define NET_SLIRP_H

#include <netinet/in.h>

#include "common.h"
#include "net/net.h"
#include "util/option.h"

/*
 * Create and register the user netdev `id` from its options (type and id already removed;
 * keys may repeat, as hostfwd does). Unknown keys and bad values fail with errp naming them;
 * a host forwarding rule whose socket cannot be bound fails with
 * "could not set up host forwarding rule '<rule>'".
 */
NetClientState *net_slirp_init(const char *id, const KeyValueList *opts, Error **errp);

/* One hostfwd rule: [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
typedef struct NetHostFwd {
    bool udp;
    struct in_addr host_addr; /* INADDR_ANY when omitted */
    int host_port;
    bool guest_addr_set; /* omitted: the first DHCP address */
    struct in_addr guest_addr;
    int guest_port;
} NetHostFwd;

/* Parse a hostfwd rule; false + errp naming the rule on bad syntax. */
bool net_slirp_parse_hostfwd(const char *rule, NetHostFwd *fwd, Error **errp);

#endif
