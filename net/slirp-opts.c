/*
 * Options of -netdev user (QEMU's names and defaults):
 *   ipv4=on|off ipv6=on|off net=ADDR[/LEN|/MASK] host=ADDR dhcpstart=ADDR dns=ADDR
 *   ipv6-net=PREFIX/LEN ipv6-prefix=PREFIX ipv6-prefixlen=LEN ipv6-host=ADDR ipv6-dns=ADDR
 *   restrict=on|off hostname=NAME domainname=NAME dnssearch=DOMAIN (repeatable)
 *   tftp=DIR bootfile=FILE tftp-server-name=NAME hostfwd=RULE (repeatable)
 * Recognised but not implemented: guestfwd, smb, smbserver.
 */
#include <arpa/inet.h>

#include "net/slirp-opts.h"
#include "net/slirp.h"

/* What the user set, so derived defaults fill in only the rest. */
typedef struct SlirpOptsState {
    SlirpOptions *o;
    bool host_set, dhcp_set, dns_set, host6_set, dns6_set;
} SlirpOptsState;

typedef bool SlirpOptHandler(SlirpOptsState *st, const char *key, const char *value, Error **errp);

static bool parse_in4(const char *key, const char *value, struct in_addr *addr, Error **errp)
{
    if (inet_pton(AF_INET, value, addr) != 1) {
        error_setg(errp, "parameter '%s' expects an IPv4 address, not '%s'", key, value);
        return false;
    }
    return true;
}

static bool parse_in6(const char *key, const char *value, struct in6_addr *addr, Error **errp)
{
    if (inet_pton(AF_INET6, value, addr) != 1) {
        error_setg(errp, "parameter '%s' expects an IPv6 address, not '%s'", key, value);
        return false;
    }
    return true;
}

static bool parse_int_range(const char *key, const char *value, int lo, int hi, int *out,
                            Error **errp)
{
    uint64_t v;

    if (!parse_uint(value, &v) || v < (uint64_t)lo || v > (uint64_t)hi) {
        error_setg(errp, "parameter '%s' expects a number from %d to %d, not '%s'", key, lo, hi,
                   value);
        return false;
    }
    *out = (int)v;
    return true;
}

static bool opt_bool(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;
    bool b;

    if (!parse_bool(value, &b)) {
        error_setg(errp, "parameter '%s' expects 'on' or 'off', not '%s'", key, value);
        return false;
    }
    if (!strcmp(key, "ipv4")) {
        cfg->in_enabled = b;
    } else if (!strcmp(key, "ipv6")) {
        cfg->in6_enabled = b;
    } else {
        cfg->restricted = b;
    }
    return true;
}

/* net=10.0.2.0/24, net=10.0.2.0/255.255.255.0 or net=10.0.2.0 (a /24). */
static bool opt_net(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;
    char *addr = xstrdup(value);
    char *slash = strchr(addr, '/');
    int len = 24;
    bool ok = false;

    if (slash) {
        *slash++ = '\0';
    }
    if (!parse_in4(key, addr, &cfg->vnetwork, errp)) {
        goto out;
    }
    if (slash && strchr(slash, '.')) {
        if (!parse_in4(key, slash, &cfg->vnetmask, errp)) {
            goto out;
        }
        /* A mask is ones then zeros: its complement plus one is a power of two. */
        uint32_t inv = ~ntohl(cfg->vnetmask.s_addr);
        if (inv == ~0u || (inv & (inv + 1))) {
            error_setg(errp, "parameter '%s': '%s' is not a valid netmask", key, slash);
            goto out;
        }
    } else {
        if (slash && !parse_int_range(key, slash, 1, 30, &len, errp)) {
            goto out;
        }
        cfg->vnetmask.s_addr = htonl(~0u << (32 - len));
    }
    if (cfg->vnetwork.s_addr & ~cfg->vnetmask.s_addr) {
        error_setg(errp, "parameter '%s': '%s' has host bits set", key, value);
        goto out;
    }
    ok = true;
out:
    free(addr);
    return ok;
}

static bool opt_in4(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;

    if (!strcmp(key, "host")) {
        st->host_set = true;
        return parse_in4(key, value, &cfg->vhost, errp);
    }
    if (!strcmp(key, "dhcpstart")) {
        st->dhcp_set = true;
        return parse_in4(key, value, &cfg->vdhcp_start, errp);
    }
    st->dns_set = true;
    return parse_in4(key, value, &cfg->vnameserver, errp);
}

static bool opt_ipv6_net(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;
    char *addr = xstrdup(value);
    char *slash = strchr(addr, '/');
    int len = cfg->vprefix_len;
    bool ok;

    if (slash) {
        *slash++ = '\0';
    }
    ok = parse_in6(key, addr, &cfg->vprefix_addr6, errp) &&
         (!slash || parse_int_range(key, slash, 1, 126, &len, errp));
    cfg->vprefix_len = (uint8_t)len;
    free(addr);
    return ok;
}

static bool opt_ipv6_prefixlen(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    int len;

    if (!parse_int_range(key, value, 1, 126, &len, errp)) {
        return false;
    }
    st->o->cfg.vprefix_len = (uint8_t)len;
    return true;
}

static bool opt_in6(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;

    if (!strcmp(key, "ipv6-host")) {
        st->host6_set = true;
        return parse_in6(key, value, &cfg->vhost6, errp);
    }
    st->dns6_set = true;
    return parse_in6(key, value, &cfg->vnameserver6, errp);
}

static bool opt_string(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;

    if (!strcmp(key, "hostname")) {
        cfg->vhostname = value;
    } else if (!strcmp(key, "domainname")) {
        cfg->vdomainname = value;
    } else if (!strcmp(key, "tftp")) {
        cfg->tftp_path = value;
    } else if (!strcmp(key, "bootfile")) {
        cfg->bootfile = value;
    } else {
        cfg->tftp_server_name = value;
    }
    return true;
}

static bool opt_dnssearch(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpOptions *o = st->o;

    o->dnssearch = xrealloc(o->dnssearch, sizeof(*o->dnssearch) * (o->ndnssearch + 2));
    o->dnssearch[o->ndnssearch++] = value;
    o->dnssearch[o->ndnssearch] = NULL;
    o->cfg.vdnssearch = o->dnssearch;
    return true;
}

static bool opt_hostfwd(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    SlirpOptions *o = st->o;
    NetHostFwd fwd;

    /* Check the syntax now so a typo is reported before anything is bound. */
    if (!net_slirp_parse_hostfwd(value, &fwd, errp)) {
        return false;
    }
    o->hostfwd = xrealloc(o->hostfwd, sizeof(*o->hostfwd) * (o->nhostfwd + 1));
    o->hostfwd[o->nhostfwd++] = value;
    return true;
}

static bool opt_unsupported(SlirpOptsState *st, const char *key, const char *value, Error **errp)
{
    error_setg(errp, "parameter '%s' of netdev 'user' is not supported yet", key);
    return false;
}

static const struct {
    const char *key;
    SlirpOptHandler *handler;
    bool repeatable;
} slirp_opts[] = {
    {"ipv4", opt_bool},
    {"ipv6", opt_bool},
    {"restrict", opt_bool},
    {"net", opt_net},
    {"host", opt_in4},
    {"dhcpstart", opt_in4},
    {"dns", opt_in4},
    {"ipv6-net", opt_ipv6_net},
    {"ipv6-prefix", opt_ipv6_net},
    {"ipv6-prefixlen", opt_ipv6_prefixlen},
    {"ipv6-host", opt_in6},
    {"ipv6-dns", opt_in6},
    {"hostname", opt_string},
    {"domainname", opt_string},
    {"tftp", opt_string},
    {"bootfile", opt_string},
    {"tftp-server-name", opt_string},
    {"dnssearch", opt_dnssearch, true},
    {"hostfwd", opt_hostfwd, true},
    {"guestfwd", opt_unsupported, true},
    {"smb", opt_unsupported},
    {"smbserver", opt_unsupported},
};

static void slirp_options_defaults(SlirpOptions *o)
{
    SlirpConfig *cfg = &o->cfg;

    *o = (SlirpOptions){0};
    cfg->version = 4; /* timer_new_opaque, init_completed */
    cfg->in_enabled = true;
    cfg->in6_enabled = true;
    inet_pton(AF_INET, "10.0.2.0", &cfg->vnetwork);
    inet_pton(AF_INET, "255.255.255.0", &cfg->vnetmask);
    inet_pton(AF_INET6, "fec0::", &cfg->vprefix_addr6);
    cfg->vprefix_len = 64;
}

/* addr = network | host_part (IPv4), for the .2/.3/.15 defaults. */
static struct in_addr in4_in_net(struct in_addr net, uint32_t host_part)
{
    return (struct in_addr){.s_addr = net.s_addr | htonl(host_part)};
}

static struct in6_addr in6_in_prefix(struct in6_addr prefix, uint8_t last)
{
    prefix.s6_addr[15] = last;
    return prefix;
}

static bool check_in_net(const SlirpConfig *cfg, const char *key, struct in_addr a, Error **errp)
{
    uint32_t mask = cfg->vnetmask.s_addr;

    if ((a.s_addr & mask) != cfg->vnetwork.s_addr || a.s_addr == cfg->vnetwork.s_addr ||
        (a.s_addr | mask) == 0xffffffffu) {
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &a, addr, sizeof(addr));
        error_setg(errp, "%s address %s is not a host address of the guest network", key, addr);
        return false;
    }
    return true;
}

static bool slirp_options_finish(SlirpOptsState *st, Error **errp)
{
    SlirpConfig *cfg = &st->o->cfg;

    if (!cfg->in_enabled && !cfg->in6_enabled) {
        error_setg(errp, "ipv4 and ipv6 cannot both be disabled");
        return false;
    }
    if (!st->host_set) {
        cfg->vhost = in4_in_net(cfg->vnetwork, 2);
    }
    if (!st->dhcp_set) {
        cfg->vdhcp_start = in4_in_net(cfg->vnetwork, 15);
    }
    if (!st->dns_set) {
        cfg->vnameserver = in4_in_net(cfg->vnetwork, 3);
    }
    if (!st->host6_set) {
        cfg->vhost6 = in6_in_prefix(cfg->vprefix_addr6, 2);
    }
    if (!st->dns6_set) {
        cfg->vnameserver6 = in6_in_prefix(cfg->vprefix_addr6, 3);
    }
    return !cfg->in_enabled || (check_in_net(cfg, "host", cfg->vhost, errp) &&
                                check_in_net(cfg, "dhcpstart", cfg->vdhcp_start, errp) &&
                                check_in_net(cfg, "dns", cfg->vnameserver, errp));
}

static int slirp_opt_find(const char *key)
{
    for (size_t i = 0; i < ARRAY_SIZE(slirp_opts); i++) {
        if (!strcmp(slirp_opts[i].key, key)) {
            return (int)i;
        }
    }
    return -1;
}

bool net_slirp_parse_options(const KeyValueList *opts, SlirpOptions *o, Error **errp)
{
    SlirpOptsState st = {.o = o};
    bool seen[ARRAY_SIZE(slirp_opts)] = {false};

    slirp_options_defaults(o);
    for (int i = 0; i < opts->count; i++) {
        const char *key = opts->items[i].key;
        int idx = slirp_opt_find(key);

        if (idx < 0) {
            error_setg(errp, "invalid parameter '%s' for netdev 'user'", key);
            return false;
        }
        if (seen[idx] && !slirp_opts[idx].repeatable) {
            error_setg(errp, "parameter '%s' given twice", key);
            return false;
        }
        seen[idx] = true;
        if (!slirp_opts[idx].handler(&st, key, opts->items[i].value, errp)) {
            return false;
        }
    }
    return slirp_options_finish(&st, errp);
}

void net_slirp_options_free(SlirpOptions *o)
{
    free(o->hostfwd);
    free(o->dnssearch);
    o->hostfwd = NULL;
    o->dnssearch = NULL;
}

/* ---- hostfwd rules ---- */

/* Split at the first sep: *rest points after it; false if sep is absent. */
static bool split_at(char *s, char sep, char **rest)
{
    char *p = strchr(s, sep);

    if (!p) {
        return false;
    }
    *p = '\0';
    *rest = p + 1;
    return true;
}

static bool parse_port(const char *s, int *port)
{
    uint64_t v;

    if (!parse_uint(s, &v) || v < 1 || v > 65535 || s[0] < '1' || s[0] > '9') {
        return false;
    }
    *port = (int)v;
    return true;
}

/* [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport */
bool net_slirp_parse_hostfwd(const char *rule, NetHostFwd *fwd, Error **errp)
{
    char *buf = xstrdup(rule);
    char *proto = buf, *haddr, *hport, *gaddr, *gport;
    bool ok = false;

    *fwd = (NetHostFwd){.host_addr.s_addr = htonl(INADDR_ANY)};
    if (!split_at(proto, ':', &haddr) || !split_at(haddr, ':', &hport) ||
        !split_at(hport, '-', &gaddr) || !split_at(gaddr, ':', &gport)) {
        goto bad;
    }
    if (!strcmp(proto, "udp")) {
        fwd->udp = true;
    } else if (*proto && strcmp(proto, "tcp")) {
        goto bad;
    }
    if ((*haddr && inet_pton(AF_INET, haddr, &fwd->host_addr) != 1) ||
        (*gaddr && inet_pton(AF_INET, gaddr, &fwd->guest_addr) != 1)) {
        goto bad;
    }
    fwd->guest_addr_set = *gaddr != '\0';
    if (!parse_port(hport, &fwd->host_port) || !parse_port(gport, &fwd->guest_port)) {
        goto bad;
    }
    ok = true;
    goto out;
bad:
    error_setg(errp,
               "invalid host forwarding rule '%s' "
               "(expected [tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport)",
               rule);
out:
    free(buf);
    return ok;
}
