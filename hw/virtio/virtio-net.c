/*
 * virtio-net-device (Virtual I/O Device (VIRTIO) Version 1.2, 5.1 "Network Device").
 *
 * Queues: 0 receiveq1 (device writes frames), 1 transmitq1 (driver's frames). No control
 * queue, no multiqueue.
 * Features offered: MAC, STATUS (and VERSION_1 from the core). No checksum or segmentation
 * offloads, so every header is flags 0, gso_type NONE; no MRG_RXBUF, so one frame fills one
 * receive chain, which the driver must size for the MTU (5.1.6.3.1: 1526 bytes with header).
 * Config space (little-endian):
 *   0x00 mac[6]   0x06 le16 status (LINK_UP)   0x08 le16 max_virtqueue_pairs (1)
 *
 * Guest buffers are untrusted: the core validates chains and copies only to and from RAM;
 * here a frame that does not fit a receive chain, or a transmit chain shorter than its header
 * or longer than a frame, is dropped with a guest_errors line.
 */
#include "hw/virtio/virtio-net.h"

#include <inttypes.h>

#include "util/log.h"

#define VIRTIO_NET_CONFIG_SIZE 10
#define VIRTIO_NET_QUEUE_SIZE 256
/* Frames sent per TX notification before yielding to the main loop (a BH continues). */
#define VIRTIO_NET_TX_BURST 256

/* ---- receive: netdev -> guest ---- */

static bool virtio_net_driver_ok(VirtIONet *n)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(n);

    return (vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) && !vdev->broken &&
           virtio_queue_ready(n->rx_vq);
}

static bool virtio_net_can_receive(NetClientState *nc)
{
    VirtIONet *n = nc->opaque;

    /* Without a running driver frames are dropped in receive, not queued. */
    return !virtio_net_driver_ok(n) || !virtqueue_empty(n->rx_vq);
}

/*
 * The header in front of every frame: 12 bytes with VERSION_1, 10 for a legacy driver
 * without MRG_RXBUF (5.1.6.1: num_buffers is absent then).
 */
static size_t virtio_net_hdr_len(VirtIONet *n)
{
    return virtio_has_feature(VIRTIO_DEVICE(n), VIRTIO_F_VERSION_1) ? VIRTIO_NET_HDR_LEN
                                                                    : VIRTIO_NET_HDR_LEN - 2;
}

static void virtio_net_fill_rx_hdr(uint8_t hdr[VIRTIO_NET_HDR_LEN])
{
    memset(hdr, 0, VIRTIO_NET_HDR_LEN);
    hdr[1] = VIRTIO_NET_HDR_GSO_NONE;
    hdr[10] = 1; /* num_buffers (le16): always one chain without MRG_RXBUF */
}

static ssize_t virtio_net_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    VirtIONet *n = nc->opaque;
    VirtQueueElement *elem;
    uint8_t hdr[VIRTIO_NET_HDR_LEN];
    size_t hdr_len = virtio_net_hdr_len(n);
    size_t copied;

    if (!virtio_net_driver_ok(n)) {
        return size; /* link not in use: the frame is lost, as on an unplugged wire */
    }
    elem = virtqueue_pop(n->rx_vq);
    if (!elem) {
        return 0; /* no buffers: the net layer keeps the frame until the guest posts some */
    }
    if (elem->in_len < hdr_len + size) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-net: receive buffer of %" PRIu64 " bytes too small for a %zu-byte "
                 "frame: dropped\n",
                 elem->in_len, size);
        virtqueue_unpop(n->rx_vq, elem);
        return size;
    }
    virtio_net_fill_rx_hdr(hdr);
    copied = virtqueue_elem_from_buf(elem, 0, hdr, hdr_len);
    copied += virtqueue_elem_from_buf(elem, hdr_len, buf, size);
    /* A buffer outside RAM (already logged by the core) returns the chain empty. */
    virtqueue_push(n->rx_vq, elem, copied == hdr_len + size ? copied : 0);
    virtio_notify(VIRTIO_DEVICE(n), n->rx_vq);
    return size;
}

/* The driver posted receive buffers. */
static void virtio_net_handle_rx(VirtIODevice *vdev, VirtQueue *vq)
{
    net_flush_queued_packets(VIRTIO_NET(vdev)->nic);
}

/* ---- transmit: guest -> netdev ---- */

/* Copy one frame out of a transmit chain; its length, or 0 to drop it (logged). */
static size_t virtio_net_tx_frame(VirtIONet *n, const VirtQueueElement *elem)
{
    uint64_t frame_len;
    size_t hdr_len = virtio_net_hdr_len(n);

    if (elem->out_len <= hdr_len) {
        log_mask(LOG_GUEST_ERROR, "virtio-net: transmit chain of %" PRIu64 " bytes has no frame\n",
                 elem->out_len);
        return 0;
    }
    frame_len = elem->out_len - hdr_len;
    if (frame_len > NET_MAX_FRAME_SIZE) {
        log_mask(LOG_GUEST_ERROR, "virtio-net: %" PRIu64 "-byte transmit frame dropped\n",
                 frame_len);
        return 0;
    }
    if (virtqueue_elem_to_buf(elem, 0, n->tx_buf, elem->out_len) != elem->out_len) {
        return 0; /* not RAM: logged by the core */
    }
    /* We offered no offloads, so a GSO header is a driver bug. */
    if (n->tx_buf[1] != VIRTIO_NET_HDR_GSO_NONE) {
        log_mask(LOG_GUEST_ERROR, "virtio-net: GSO type %u without GSO features: dropped\n",
                 n->tx_buf[1]);
        return 0;
    }
    return frame_len;
}

/* Send up to a burst of frames; true if the queue may hold more. */
static bool virtio_net_flush_tx(VirtIONet *n)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(n);
    int sent = 0;

    if (!(vdev->status & VIRTIO_CONFIG_S_DRIVER_OK)) {
        return false;
    }
    for (; sent < VIRTIO_NET_TX_BURST; sent++) {
        VirtQueueElement *elem = virtqueue_pop(n->tx_vq);
        size_t len;

        if (!elem) {
            break;
        }
        len = virtio_net_tx_frame(n, elem);
        if (len) {
            net_send_packet(n->nic, n->tx_buf + virtio_net_hdr_len(n), len);
        }
        virtqueue_push(n->tx_vq, elem, 0);
    }
    if (sent) {
        virtio_notify(vdev, n->tx_vq);
    }
    return sent == VIRTIO_NET_TX_BURST;
}

static void virtio_net_handle_tx(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    if (virtio_net_flush_tx(n)) {
        bh_schedule(n->tx_bh);
    }
}

static void virtio_net_tx_bh(void *opaque)
{
    VirtIONet *n = opaque;

    if (virtio_net_flush_tx(n)) {
        bh_schedule(n->tx_bh);
    }
}

/* ---- virtio device hooks ---- */

static uint64_t virtio_net_get_features(VirtIODevice *vdev)
{
    return VIRTIO_BIT(VIRTIO_NET_F_MAC) | VIRTIO_BIT(VIRTIO_NET_F_STATUS);
}

static void virtio_net_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    memcpy(config, n->mac, ETH_ALEN);
    config[6] = VIRTIO_NET_S_LINK_UP; /* le16 status */
    config[7] = 0;
    config[8] = 1; /* le16 max_virtqueue_pairs */
    config[9] = 0;
}

/* Before VERSION_1 the driver could write the MAC through config; now it is read-only. */
static void virtio_net_set_config(VirtIODevice *vdev, const uint8_t *config)
{
}

static void virtio_net_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    if (status & VIRTIO_CONFIG_S_DRIVER_OK) {
        net_flush_queued_packets(n->nic);
    }
}

static void virtio_net_reset(VirtIODevice *vdev)
{
    VirtIONet *n = VIRTIO_NET(vdev);

    bh_cancel(n->tx_bh);
    if (n->nic) {
        net_purge_queued_packets(n->nic);
    }
}

static const NetClientInfo virtio_net_info = {
    .kind = NET_CLIENT_NIC,
    .type = TYPE_VIRTIO_NET,
    .receive = virtio_net_receive,
    .can_receive = virtio_net_can_receive,
};

/* ---- realize, properties, type ---- */

static bool virtio_net_connect(VirtIONet *n, Error **errp)
{
    DeviceState *dev = DEVICE(n);
    NetClientState *netdev;

    if (!n->netdev) {
        error_setg(errp, "property 'netdev' is required "
                         "(e.g. -netdev user,id=n0 -device virtio-net-device,netdev=n0)");
        return false;
    }
    netdev = net_find_netdev(n->netdev);
    if (!netdev) {
        error_setg(errp, "netdev '%s' not found", n->netdev);
        return false;
    }
    n->nic = net_client_new(&virtio_net_info, dev->id ? dev->id : TYPE_VIRTIO_NET, n);
    snprintf(n->nic->info_str, sizeof(n->nic->info_str),
             "model=%s,macaddr=%02x:%02x:%02x:%02x:%02x:%02x", object_get_typename(OBJECT(dev)),
             n->mac[0], n->mac[1], n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
    if (!net_client_set_peer(n->nic, netdev, errp)) {
        net_client_free(n->nic);
        n->nic = NULL;
        return false;
    }
    return true;
}

static bool virtio_net_realize(DeviceState *dev, Error **errp)
{
    VirtIONet *n = VIRTIO_NET(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (n->mac_str) {
        if (!net_parse_macaddr(n->mac_str, n->mac, errp)) {
            return false;
        }
    } else {
        net_default_macaddr(n->mac);
    }
    if (!virtio_net_connect(n, errp)) {
        return false;
    }
    virtio_init(vdev, VIRTIO_NET_CONFIG_SIZE);
    n->rx_vq = virtio_add_queue(vdev, VIRTIO_NET_QUEUE_SIZE, virtio_net_handle_rx);
    n->tx_vq = virtio_add_queue(vdev, VIRTIO_NET_QUEUE_SIZE, virtio_net_handle_tx);
    n->tx_bh = bh_new(virtio_net_tx_bh, n);
    n->tx_buf = xmalloc(VIRTIO_NET_HDR_LEN + NET_MAX_FRAME_SIZE);
    return true;
}

static void virtio_net_finalize(Object *obj)
{
    VirtIONet *n = VIRTIO_NET(obj);

    net_client_free(n->nic);
    bh_delete(n->tx_bh);
    free(n->tx_buf);
}

static const Property virtio_net_props[] = {
    DEFINE_PROP("netdev", PROP_STRING, VirtIONet, netdev,
                .description = "id of the -netdev backend"),
    DEFINE_PROP("mac", PROP_STRING, VirtIONet, mac_str,
                .description = "MAC address (default 52:54:00:12:34:56, then ...:57)"),
    DEFINE_PROP_END,
};

static void virtio_net_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio net device";
    dc->user_creatable = true;
    dc->realize = virtio_net_realize;
    vdc->device_id = VIRTIO_ID_NET;
    vdc->get_features = virtio_net_get_features;
    vdc->get_config = virtio_net_get_config;
    vdc->set_config = virtio_net_set_config;
    vdc->set_status = virtio_net_set_status;
    vdc->reset = virtio_net_reset;
    object_class_add_props(oc, virtio_net_props);
}

static const TypeInfo virtio_net_type = {
    .name = TYPE_VIRTIO_NET,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIONet),
    .class_init = virtio_net_class_init,
    .instance_finalize = virtio_net_finalize,
};

static void virtio_net_register_types(void)
{
    type_register_static(&virtio_net_type);
}

type_init(virtio_net_register_types);
