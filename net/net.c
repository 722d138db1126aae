/*
 * Net clients, peer pairs and the frame queues between them. See include/net/net.h.
 *
 * The netdev registry is a process singleton (as the set of -netdev options is): ids are
 * global on the command line and a device's "netdev" property names one.
 */
#include "net/net.h"

#include <ctype.h>

#include "util/log.h"

struct NetPacket {
    NetPacket *next;
    size_t size;
    uint8_t data[];
};

static struct {
    NetClientState **netdevs;
    int nnetdevs;
    int next_default_mac; /* last byte offset of the next default MAC */
} net;

/* ---- clients and peers ---- */

NetClientState *net_client_new(const NetClientInfo *info, const char *name, void *opaque)
{
    NetClientState *nc = xzalloc(sizeof(*nc));

    nc->info = info;
    nc->name = xstrdup(name);
    nc->opaque = opaque;
    if (info->kind == NET_CLIENT_NETDEV) {
        net.netdevs = xrealloc(net.netdevs, sizeof(*net.netdevs) * (net.nnetdevs + 1));
        net.netdevs[net.nnetdevs++] = nc;
    }
    return nc;
}

static void net_unregister(NetClientState *nc)
{
    for (int i = 0; i < net.nnetdevs; i++) {
        if (net.netdevs[i] == nc) {
            memmove(&net.netdevs[i], &net.netdevs[i + 1],
                    sizeof(*net.netdevs) * (net.nnetdevs - i - 1));
            net.nnetdevs--;
            return;
        }
    }
}

void net_client_free(NetClientState *nc)
{
    if (!nc) {
        return;
    }
    if (nc->peer) {
        net_purge_queued_packets(nc->peer);
        nc->peer->peer = NULL;
    }
    net_purge_queued_packets(nc);
    if (nc->info->cleanup) {
        nc->info->cleanup(nc);
    }
    net_unregister(nc);
    free(nc->name);
    free(nc);
}

void net_foreach_netdev(void (*fn)(NetClientState *nc, void *opaque), void *opaque)
{
    for (int i = 0; i < net.nnetdevs; i++) {
        fn(net.netdevs[i], opaque);
    }
}

NetClientState *net_find_netdev(const char *id)
{
    for (int i = 0; i < net.nnetdevs; i++) {
        if (!strcmp(net.netdevs[i]->name, id)) {
            return net.netdevs[i];
        }
    }
    return NULL;
}

bool net_client_set_peer(NetClientState *nic, NetClientState *netdev, Error **errp)
{
    if (netdev->peer) {
        error_setg(errp, "netdev '%s' is already in use by another NIC", netdev->name);
        return false;
    }
    if (nic->peer) {
        error_setg(errp, "NIC '%s' is already connected to netdev '%s'", nic->name,
                   nic->peer->name);
        return false;
    }
    nic->peer = netdev;
    netdev->peer = nic;
    return true;
}

/* ---- frame queues ---- */

static bool net_client_can_receive(NetClientState *nc)
{
    return !nc->delivering && (!nc->info->can_receive || nc->info->can_receive(nc));
}

static void net_queue_append(NetClientState *nc, const uint8_t *buf, size_t size)
{
    NetPacket *p;

    if (nc->queue_len >= NET_QUEUE_MAX_PACKETS) {
        nc->dropped++;
        return;
    }
    p = xmalloc(sizeof(*p) + size);
    p->next = NULL;
    p->size = size;
    memcpy(p->data, buf, size);
    if (nc->queue_tail) {
        nc->queue_tail->next = p;
    } else {
        nc->queue_head = p;
    }
    nc->queue_tail = p;
    nc->queue_len++;
}

/* Hand one frame to nc; false if nc asked to have it queued (receive returned 0). */
static bool net_deliver(NetClientState *nc, const uint8_t *buf, size_t size)
{
    ssize_t ret;

    nc->delivering = true;
    ret = nc->info->receive(nc, buf, size);
    nc->delivering = false;
    return ret != 0;
}

void net_send_packet(NetClientState *sender, const uint8_t *buf, size_t size)
{
    NetClientState *to = sender->peer;

    if (!to) {
        return; /* an unplugged cable */
    }
    if (size > NET_MAX_FRAME_SIZE) {
        to->dropped++;
        return;
    }
    /* Keep order: while frames wait, a new one goes behind them. */
    if (to->queue_head || !net_client_can_receive(to) || !net_deliver(to, buf, size)) {
        net_queue_append(to, buf, size);
    }
    /* Frames may wait that `to` can take now, e.g. ones sent to it re-entrantly from its own
     * receive (a backend answering an ARP request while the NIC transmits). */
    net_flush_queued_packets(to);
}

void net_flush_queued_packets(NetClientState *nc)
{
    while (nc->queue_head && net_client_can_receive(nc)) {
        NetPacket *p = nc->queue_head;

        if (!net_deliver(nc, p->data, p->size)) {
            return; /* still at the head: retried on the next flush */
        }
        nc->queue_head = p->next;
        if (!nc->queue_head) {
            nc->queue_tail = NULL;
        }
        nc->queue_len--;
        free(p);
    }
}

void net_purge_queued_packets(NetClientState *nc)
{
    while (nc->queue_head) {
        NetPacket *p = nc->queue_head;
        nc->queue_head = p->next;
        free(p);
    }
    nc->queue_tail = NULL;
    nc->queue_len = 0;
}

/* ---- MAC addresses ---- */

bool net_parse_macaddr(const char *str, uint8_t mac[ETH_ALEN], Error **errp)
{
    const char *p = str;

    for (int i = 0; i < ETH_ALEN; i++) {
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
            p[2] != (i == ETH_ALEN - 1 ? '\0' : ':')) {
            error_setg(errp, "invalid MAC address '%s' (expected xx:xx:xx:xx:xx:xx)", str);
            return false;
        }
        mac[i] = (uint8_t)strtoul((char[3]){p[0], p[1], '\0'}, NULL, 16);
        p += 3;
    }
    if (mac[0] & 1) {
        error_setg(errp, "MAC address '%s' is a multicast address", str);
        return false;
    }
    return true;
}

void net_default_macaddr(uint8_t mac[ETH_ALEN])
{
    static const uint8_t base[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

    memcpy(mac, base, ETH_ALEN);
    mac[ETH_ALEN - 1] = (uint8_t)(base[ETH_ALEN - 1] + net.next_default_mac++);
}

/* ---- whole-layer helpers ---- */

void net_check_clients(void)
{
    for (int i = 0; i < net.nnetdevs; i++) {
        if (!net.netdevs[i]->peer) {
            warn_report("netdev '%s' has no NIC connected to it", net.netdevs[i]->name);
        }
    }
}

void net_cleanup(void)
{
    while (net.nnetdevs) {
        net_client_free(net.netdevs[net.nnetdevs - 1]);
    }
    free(net.netdevs);
    net.netdevs = NULL;
    net.next_default_mac = 0;
}
