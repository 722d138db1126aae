/*
 * Hubs: the legacy "-net" wiring (QEMU's vlan 0, later hub 0). Every -net nic and every
 * -net backend is a port of hub 0, and a frame entering one port leaves through all the
 * others, so "-net nic -net user" joins the NIC to the backend as a peer pair would.
 * Ports are clients of the net layer (include/net/net.h); like the netdev registry, the
 * hubs are a process singleton. Everything runs under the BQL.
 */
#ifndef NET_HUB_H
#define NET_HUB_H

#include "net/net.h"

/* A new port of hub hub_id for a NIC: a netdev named "hub<id>port<n>" for the NIC to use. */
NetClientState *net_hub_add_nic_port(int hub_id);
/* A new port of hub hub_id joined to backend (a netdev without a peer). */
bool net_hub_connect_backend(int hub_id, NetClientState *backend, Error **errp) WARN_UNUSED_RESULT;
/* The number of ports of hub hub_id (0 if it does not exist). */
int net_hub_port_count(int hub_id);

#endif
