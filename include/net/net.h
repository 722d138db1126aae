/*
 * The network layer: clients joined in peer pairs, and the -netdev / -nic command line.
 *
 * A NetClientState is one end of a virtual cable. A netdev backend (-netdev user,id=n0:
 * libslirp) and a NIC frontend (-device virtio-net-device,netdev=n0) are peers; each sends
 * Ethernet frames (no FCS) to the other with net_send_packet(). A NIC may have no receive
 * buffers posted: frames for it then wait in a bounded queue on the receiving client (the
 * oldest are kept, new ones dropped when it is full: TCP retransmits, as on a real wire), and
 * the NIC calls net_flush_queued_packets() when the guest posts buffers.
 *
 * Everything here runs with the BQL held (vCPU MMIO paths or the main loop).
 */
#ifndef NET_NET_H
#define NET_NET_H

#include "common.h"
#include "util/error.h"

#define ETH_ALEN 6
/* Largest frame accepted from a peer: a 64 KiB IP packet plus an Ethernet header. */
#define NET_MAX_FRAME_SIZE (65536 + 14)
/* Frames one client may have waiting before new ones are dropped. */
#define NET_QUEUE_MAX_PACKETS 256

typedef struct NetClientState NetClientState;

typedef enum NetClientKind {
    NET_CLIENT_NETDEV, /* a backend: registered by id, found with net_find_netdev() */
    NET_CLIENT_NIC,    /* a guest-visible frontend */
} NetClientKind;

typedef struct NetClientInfo {
    NetClientKind kind;
    const char *type; /* "user", "virtio-net-device", ... for messages */
    /*
     * Take one frame from the peer. Return size when consumed (or deliberately dropped),
     * 0 when it cannot be taken now (the layer queues it and retries on
     * net_flush_queued_packets), or a negative value to drop it.
     */
    ssize_t (*receive)(NetClientState *nc, const uint8_t *buf, size_t size);
    /* Optional: false while receive() would return 0 (no guest buffers). NULL = always. */
    bool (*can_receive)(NetClientState *nc);
    /* Optional: release the owner's resources; called by net_client_free() before freeing. */
    void (*cleanup)(NetClientState *nc);
} NetClientInfo;

typedef struct NetPacket NetPacket;

struct NetClientState {
    const NetClientInfo *info;
    char *name;   /* the netdev id, or the NIC's name for messages */
    void *opaque; /* the owner (backend state or device) */
    NetClientState *peer;
    NetPacket *queue_head, *queue_tail; /* frames waiting for this client */
    int queue_len;
    uint64_t dropped; /* frames lost because the queue was full or too large */
    bool delivering;  /* inside info->receive: nested sends are queued */
    /* What "info network" says after the type: "net=10.0.2.0,restrict=off" for a netdev,
     * "model=virtio-net-device,macaddr=52:54:00:12:34:56" for a NIC (set by the owner). */
    char info_str[128];
};

/*
 * A new client. A NET_CLIENT_NETDEV is registered under name (which must be unused: check
 * with net_find_netdev first). name is copied. The caller owns the client.
 */
NetClientState *net_client_new(const NetClientInfo *info, const char *name, void *opaque);
/* Detach from the peer, drop queued frames, run info->cleanup, unregister and free. */
void net_client_free(NetClientState *nc);
/* Call fn on every registered netdev, in creation order (info network). */
void net_foreach_netdev(void (*fn)(NetClientState *nc, void *opaque), void *opaque);
/* The registered netdev with this id, or NULL. */
NetClientState *net_find_netdev(const char *id);
/* Join a NIC to a netdev; fails if either already has a peer. */
bool net_client_set_peer(NetClientState *nic, NetClientState *netdev, Error **errp);

/* Send a frame to sender's peer (dropped if there is none); buf is copied if queued. */
void net_send_packet(NetClientState *sender, const uint8_t *buf, size_t size);
/* Deliver frames queued for nc while it can receive (a NIC calls it when buffers arrive). */
void net_flush_queued_packets(NetClientState *nc);
/* Drop every frame queued for nc (e.g. on device reset). */
void net_purge_queued_packets(NetClientState *nc);

/* ---- MAC addresses ---- */
/* Parse "52:54:00:12:34:56"; false + errp on bad syntax. */
bool net_parse_macaddr(const char *str, uint8_t mac[ETH_ALEN], Error **errp);
/* The next default NIC address: 52:54:00:12:34:56, then ...:57, ... (as QEMU). */
void net_default_macaddr(uint8_t mac[ETH_ALEN]);

/* ---- Command line ---- */
/*
 * -netdev TYPE,id=ID[,key=value...]: create and register a backend. Only "user" exists;
 * other known types ("tap", ...) fail with "netdev 'tap' is not supported yet". Unknown keys,
 * a missing or duplicate id and bad values are errors that name the culprit.
 */
bool netdev_add(const char *optstr, Error **errp) WARN_UNUSED_RESULT;
/*
 * -nic TYPE[,model=M][,mac=MAC][,backend options]: a netdev with an automatic id plus the NIC
 * that uses it. On success *device_opts is a malloc'd -device string for the caller to
 * create ("virtio-net-device,netdev=ID[,mac=MAC]"), or NULL for "-nic none".
 */
bool net_nic_add(const char *optstr, char **device_opts, Error **errp) WARN_UNUSED_RESULT;
/*
 * Legacy -net nic[,model=M][,macaddr=MAC][,netdev=ID][,name=N] | -net TYPE[,backend
 * options] | -net none: a NIC (its -device string in *device_opts, malloc'd, NULL otherwise)
 * or a backend, joined through hub 0 unless netdev= names a -netdev.
 */
bool net_legacy_add(const char *optstr, char **device_opts, Error **errp) WARN_UNUSED_RESULT;
/* The same with the machine's NIC model for a missing model= (NULL: virtio-net-pci). */
bool net_nic_add_model(const char *optstr, const char *default_model, char **device_opts,
                       Error **errp) WARN_UNUSED_RESULT;
bool net_legacy_add_model(const char *optstr, const char *default_model, char **device_opts,
                          Error **errp) WARN_UNUSED_RESULT;
/* -net nic,model=help and -nic ...,model=help: the NIC models. */
void net_print_nic_models(FILE *out);
/* Warn about netdevs no NIC uses (call once devices are created). */
void net_check_clients(void);
/* Free every netdev (tests; exit). */
void net_cleanup(void);

#endif
