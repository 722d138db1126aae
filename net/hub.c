/*
 * Hubs for the legacy -net options (include/net/hub.h). A port is a net client whose
 * peer is a NIC (the port is then a registered netdev the NIC names) or a backend (the
 * port then acts as that backend's NIC). What a port receives from its peer it sends out
 * of every other port, to their peers; the net layer queues for peers that cannot take
 * a frame yet.
 */
#include "net/hub.h"

#include <assert.h>

#define NET_HUB_MAX 16

typedef struct NetHub {
    int id;
    NetClientState **ports;
    int nports;
} NetHub;

static struct {
    NetHub *hubs[NET_HUB_MAX];
} net_hubs;

static ssize_t net_hub_port_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    NetHub *hub = nc->opaque;

    for (int i = 0; i < hub->nports; i++) {
        if (hub->ports[i] != nc) {
            net_send_packet(hub->ports[i], buf, size);
        }
    }
    return size;
}

static const NetClientInfo net_hub_nic_port_info = {
    .kind = NET_CLIENT_NETDEV,
    .type = "hubport",
    .receive = net_hub_port_receive,
};

static const NetClientInfo net_hub_backend_port_info = {
    .kind = NET_CLIENT_NIC,
    .type = "hubport",
    .receive = net_hub_port_receive,
};

static NetHub *net_hub_get(int hub_id)
{
    NetHub **slot = &net_hubs.hubs[hub_id];

    assert(hub_id >= 0 && hub_id < NET_HUB_MAX);
    if (!*slot) {
        *slot = xzalloc(sizeof(NetHub));
        (*slot)->id = hub_id;
    }
    return *slot;
}

static NetClientState *net_hub_new_port(int hub_id, const NetClientInfo *info)
{
    NetHub *hub = net_hub_get(hub_id);
    char *name = xasprintf("hub%dport%d", hub_id, hub->nports);
    NetClientState *nc = net_client_new(info, name, hub);

    free(name);
    snprintf(nc->info_str, sizeof(nc->info_str), "hub=%d", hub_id);
    hub->ports = xrealloc(hub->ports, sizeof(*hub->ports) * (hub->nports + 1));
    hub->ports[hub->nports++] = nc;
    return nc;
}

NetClientState *net_hub_add_nic_port(int hub_id)
{
    return net_hub_new_port(hub_id, &net_hub_nic_port_info);
}

bool net_hub_connect_backend(int hub_id, NetClientState *backend, Error **errp)
{
    NetClientState *port = net_hub_new_port(hub_id, &net_hub_backend_port_info);

    return net_client_set_peer(port, backend, errp);
}

int net_hub_port_count(int hub_id)
{
    return hub_id >= 0 && hub_id < NET_HUB_MAX && net_hubs.hubs[hub_id]
               ? net_hubs.hubs[hub_id]->nports
               : 0;
}
