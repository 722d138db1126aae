/*
 * virtio-net-device: a virtio network card (virtio 1.2, 5.1) joined to a -netdev backend.
 *     -netdev user,id=n0 -device virtio-net-device,netdev=n0[,mac=52:54:00:12:34:56]
 */
#ifndef HW_VIRTIO_VIRTIO_NET_H
#define HW_VIRTIO_VIRTIO_NET_H

#include "hw/virtio/virtio.h"
#include "net/net.h"
#include "util/main-loop.h"

#define TYPE_VIRTIO_NET "virtio-net-device"

/* Feature bits (5.1.3), bit numbers. */
#define VIRTIO_NET_F_MAC 5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS 16

/* Config space status (5.1.4). */
#define VIRTIO_NET_S_LINK_UP 1

/* struct virtio_net_hdr (5.1.6); with VERSION_1 it always includes num_buffers. */
#define VIRTIO_NET_HDR_LEN 12
#define VIRTIO_NET_HDR_GSO_NONE 0

typedef struct VirtIONet {
    VirtIODevice parent_obj;
    char *netdev;  /* property: the -netdev id */
    char *mac_str; /* property: "52:54:00:12:34:56", or NULL for the next default */
    uint8_t mac[ETH_ALEN];
    NetClientState *nic; /* our end of the cable; the netdev is nic->peer */
    VirtQueue *rx_vq, *tx_vq;
    BH *tx_bh;       /* continues a TX burst that hit its limit */
    uint8_t *tx_buf; /* one frame with its header (TX copies out of guest memory) */
} VirtIONet;

#define VIRTIO_NET(obj) OBJECT_CHECK(VirtIONet, (obj), TYPE_VIRTIO_NET)

#endif
