/*
 * The virtio device core: TYPE_VIRTIO_DEVICE, feature negotiation, device
 * status, config space and split virtqueues (virtio 1.2, sections 2 and 2.7).
 *
 * A virtio device (virtio-blk-device, virtio-net-device, ...) is a plain
 * TYPE_DEVICE subclass. It knows nothing of the transport: a transport
 * (virtio-mmio) adopts it with virtio_bind_transport() and then drives it
 * through the virtio_* calls below (status, features, queue addresses,
 * notifications, config accesses). The device raises interrupts with
 * virtio_notify()/virtio_notify_config(); the transport turns vdev->isr into
 * its interrupt line.
 *
 * Writing a device:
 *   class_init: set dc->realize, vdc->device_id, vdc->get_features,
 *               vdc->get_config (and set_config/set_status/reset if needed).
 *               Do not override dc->reset: TYPE_VIRTIO_DEVICE's runs virtio_reset().
 *   realize:    virtio_init(vdev, config_size); virtio_add_queue(...) per queue.
 *   handler:    while ((elem = virtqueue_pop(vq))) {
 *                   virtqueue_elem_to_buf(...)   read the driver's buffers
 *                   virtqueue_elem_from_buf(...) fill the device-writable ones
 *                   virtqueue_push(vq, elem, bytes_written);  (frees elem)
 *               }
 *               virtio_notify(vdev, vq);
 *
 * Trust: everything in guest memory is untrusted. virtqueue_pop() validates
 * the ring and every chain (indices, loops, chain length, indirect tables);
 * a malformed ring makes the device "broken" (virtio_error: a guest_errors
 * line, DEVICE_NEEDS_RESET and a config interrupt) and pop returns NULL until
 * the driver resets the device. Buffer addresses are checked when copied:
 * the copy helpers only touch guest RAM and return a short count (logged)
 * for anything else, so a device can fail that one request.
 *
 * All calls run under the BQL (MMIO handlers, main-loop handlers).
 */
#ifndef HW_VIRTIO_VIRTIO_H
#define HW_VIRTIO_VIRTIO_H

#include <sys/uio.h>

#include "common.h"
#include "hw/core/qdev.h"

#define TYPE_VIRTIO_DEVICE "virtio-device"

/* Device IDs (5 "Device Types"). */
#define VIRTIO_ID_NET 1
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_ID_9P 9

/* Device status bits (2.1). */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 0x01
#define VIRTIO_CONFIG_S_DRIVER 0x02
#define VIRTIO_CONFIG_S_DRIVER_OK 0x04
#define VIRTIO_CONFIG_S_FEATURES_OK 0x08
#define VIRTIO_CONFIG_S_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED 0x80

/* Reserved (transport/ring) feature bits (6). Bit numbers, not masks. */
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_BIT(n) (UINT64_C(1) << (n))

/* Interrupt status bits (4.2.2 InterruptStatus). */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

#define VIRTIO_QUEUE_MAX 16      /* queues per device */
#define VIRTQUEUE_MAX_SIZE 1024  /* largest QueueNumMax a device may offer */
#define VIRTIO_INDIRECT_MAX 1024 /* largest indirect table we accept (entries) */

typedef struct VirtIODevice VirtIODevice;
typedef struct VirtQueue VirtQueue;

/* Called when the driver notifies queue vq (QueueNotify), under the BQL. */
typedef void VirtIOHandleOutput(VirtIODevice *vdev, VirtQueue *vq);

/* One guest-physical buffer of a descriptor chain. Not yet checked to be RAM. */
typedef struct VirtQueueSg {
    hwaddr addr;
    uint32_t len;
} VirtQueueSg;

/*
 * A descriptor chain taken from the avail ring. out_sg are the device-readable
 * buffers (driver -> device), in_sg the device-writable ones, in chain order.
 * Owned by the device between virtqueue_pop and virtqueue_push/unpop, which free it.
 */
typedef struct VirtQueueElement {
    uint16_t index; /* head descriptor, reported back in the used ring */
    unsigned out_num, in_num;
    uint64_t out_len, in_len; /* byte totals */
    VirtQueueSg *out_sg;
    VirtQueueSg *in_sg;
} VirtQueueElement;

/*
 * Split virtqueue state. The transport writes num/desc/avail/used through the
 * setters below; devices use only the functions.
 */
struct VirtQueue {
    VirtIODevice *vdev;
    unsigned index;
    uint16_t num_max; /* 0: the queue does not exist */
    uint16_t num;     /* size chosen by the driver (power of two, <= num_max) */
    bool ready;
    hwaddr desc, avail, used; /* guest-physical ring addresses */
    uint16_t last_avail_idx;  /* next avail ring slot the device consumes */
    uint16_t used_idx;        /* the device's copy of used->idx */
    uint16_t signalled_used;  /* used_idx at the last interrupt (EVENT_IDX) */
    bool signalled_used_valid;
    bool notification; /* driver notifications wanted (virtio_queue_set_notification) */
    unsigned inuse;    /* popped but not yet pushed */
    VirtIOHandleOutput *handle_output;
};

struct VirtIODevice {
    DeviceState parent_obj;
    uint8_t status;
    uint8_t isr; /* VIRTIO_ISR_* pending, cleared by the driver's InterruptACK */
    uint64_t guest_features;
    uint32_t config_generation;
    bool broken; /* a guest error made us stop processing until reset */
    size_t config_len;
    uint8_t *config; /* config_len bytes, refreshed by vdc->get_config before reads */
    VirtQueue vq[VIRTIO_QUEUE_MAX];
    /* Set by the transport (virtio_bind_transport, virtio_set_legacy). */
    bool legacy; /* a legacy (pre-1.0) interface: VERSION_1 is not offered */
    DeviceState *transport;
    void (*transport_update_irq)(DeviceState *transport);
    /* Optional: signal queue n (or the configuration, -1) by its own message (MSI-X);
     * without it the transport's one interrupt follows the ISR (transport_update_irq). */
    void (*transport_signal)(DeviceState *transport, int queue);
};

typedef struct VirtioDeviceClass {
    DeviceClass parent_class;
    uint16_t device_id;
    /* Device-specific feature bits offered (the core adds VERSION_1, EVENT_IDX, INDIRECT). */
    uint64_t (*get_features)(VirtIODevice *vdev);
    /* Fill config (vdev->config_len bytes, little-endian fields) from the device state. */
    void (*get_config)(VirtIODevice *vdev, uint8_t *config);
    /* The driver wrote config (already stored in vdev->config); optional. */
    void (*set_config)(VirtIODevice *vdev, const uint8_t *config);
    /* After a status change (not called for reset); optional. */
    void (*set_status)(VirtIODevice *vdev, uint8_t status);
    /* Device-specific reset, after the core reset queues and status; optional. */
    void (*reset)(VirtIODevice *vdev);
} VirtioDeviceClass;

#define VIRTIO_DEVICE(obj) OBJECT_CHECK(VirtIODevice, (obj), TYPE_VIRTIO_DEVICE)
#define VIRTIO_DEVICE_CLASS(oc) OBJECT_CLASS_CHECK(VirtioDeviceClass, (oc), TYPE_VIRTIO_DEVICE)
#define VIRTIO_DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(VirtioDeviceClass, (obj), TYPE_VIRTIO_DEVICE)

/*
 * Machine state (savevm): vmstate_virtio_device holds the core's state (status, ISR,
 * features, every queue's addresses and indices), for a device's own description to
 * embed; that description's post_load calls virtio_device_post_load, which checks the
 * queues, re-raises the transport's interrupt and runs queues that hold work. A device
 * without a description of its own gets one holding just this.
 */
extern const struct VMStateDescription vmstate_virtio_device;
bool virtio_device_post_load(VirtIODevice *vdev, Error **errp);

/* ---- for devices ---- */

/* From realize: allocate config space (config_size bytes, may be 0). */
void virtio_init(VirtIODevice *vdev, size_t config_size);
/* From realize: add the next queue, offering max_size (a power of two <= VIRTQUEUE_MAX_SIZE). */
VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned max_size, VirtIOHandleOutput *handler);
VirtQueue *virtio_get_queue(VirtIODevice *vdev, unsigned n);

/* Has the driver negotiated feature bit `bit` (bit number)? */
static inline bool virtio_has_feature(const VirtIODevice *vdev, unsigned bit)
{
    return vdev->guest_features & VIRTIO_BIT(bit);
}

/*
 * The next available chain, or NULL if there is none, the queue is not ready
 * or the device is broken (a malformed ring marks it broken; see top).
 */
VirtQueueElement *virtqueue_pop(VirtQueue *vq);
/*
 * The chain at descriptor head, read as virtqueue_pop would, without consuming an avail
 * entry: for a device that takes a queue over from another processor of it (a vhost-user
 * back-end that died with chains in flight). NULL if the chain is malformed (see top).
 */
VirtQueueElement *virtqueue_pop_head(VirtQueue *vq, uint16_t head);
/* Return elem to the driver with len bytes written into its in buffers; frees elem. */
void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len);
/* Give elem back to the avail ring unconsumed (e.g. a packet did not fit); frees elem. */
void virtqueue_unpop(VirtQueue *vq, VirtQueueElement *elem);
/* Free an element without returning it (only when the device is broken). */
void virtqueue_elem_free(VirtQueueElement *elem);
/* True if the queue is not ready or the driver has made no new chain available. */
bool virtqueue_empty(VirtQueue *vq);
bool virtio_queue_ready(const VirtQueue *vq);
/* Ask the driver to (not) notify us of new buffers (flags or avail_event, 2.7.10). */
void virtio_queue_set_notification(VirtQueue *vq, bool enable);

/*
 * Copy between a host buffer and the element's out (to_buf) or in (from_buf)
 * buffers, starting offset bytes into them. Returns bytes copied: short when
 * the buffers end, or when one is not guest RAM (logged under guest_errors).
 */
size_t virtqueue_elem_to_buf(const VirtQueueElement *elem, uint64_t offset, void *buf, size_t len);
size_t virtqueue_elem_from_buf(const VirtQueueElement *elem, uint64_t offset, const void *buf,
                               size_t len);

/*
 * Host views of bytes [offset, offset+len) of the element's in (device-writable) or out
 * buffers, for I/O that runs outside the BQL (hw/virtio/virtqueue-map.c). False (logged
 * under guest_errors) if the buffers end early or any part is not guest RAM (writable RAM
 * for in). *iov is malloc'd (the caller frees it), *niov its entries. After writing
 * through the in buffers, call virtqueue_elem_written so translated code there is dropped.
 */
bool virtqueue_elem_map(const VirtQueueElement *elem, bool in, uint64_t offset, uint64_t len,
                        struct iovec **iov, int *niov);
void virtqueue_elem_written(const VirtQueueElement *elem, uint64_t offset, uint64_t len);

/* Interrupt the driver for vq if it has not suppressed it (flags or used_event). */
void virtio_notify(VirtIODevice *vdev, VirtQueue *vq);
/* Config space changed: bump the generation and raise a config interrupt. */
void virtio_notify_config(VirtIODevice *vdev);
/* Interrupt the driver now for queue n, or for the configuration (-1): the ISR bit, then the
 * transport's vector or its interrupt line. */
void virtio_signal(VirtIODevice *vdev, int queue);
/* A guest error we cannot recover from: log, stop processing, NEEDS_RESET + config irq. */
void virtio_error(VirtIODevice *vdev, const char *fmt, ...) PRINTF_FMT(2, 3);

/*
 * Guest RAM for device DMA: true if [addr, addr+len) is entirely guest RAM
 * (writable RAM when is_write). The read/write helpers fail (false, logged)
 * otherwise and never touch MMIO, so a device cannot be re-entered through DMA.
 */
bool virtio_dma_check(hwaddr addr, uint64_t len, bool is_write);
bool virtio_dma_read(hwaddr addr, void *buf, uint64_t len);
bool virtio_dma_write(hwaddr addr, const void *buf, uint64_t len);

/* ---- for transports ---- */

void virtio_bind_transport(VirtIODevice *vdev, DeviceState *transport,
                           void (*update_irq)(DeviceState *transport));
uint16_t virtio_device_id(VirtIODevice *vdev);
/*
 * A legacy transport (virtio-mmio version 1) carries the device: VERSION_1 is no longer
 * offered and the device uses the legacy formats (virtio 1.2, 2.7.2 and 5.1.6.1).
 */
void virtio_set_legacy(VirtIODevice *vdev, bool legacy);
/* All feature bits offered: the device's plus VERSION_1 (not when legacy), EVENT_IDX,
 * INDIRECT_DESC. */
uint64_t virtio_host_features(VirtIODevice *vdev);
/* The driver writes status: 0 resets; FEATURES_OK is refused (left clear) if the
 * accepted features are not a subset of the offered ones or lack VERSION_1. */
void virtio_set_status(VirtIODevice *vdev, uint8_t status);
/* Reset status, features, isr and every queue, then the device's own state. */
void virtio_reset(VirtIODevice *vdev);
/* Set the queue size; false (nothing changed, virtio_error reported) if 0, not a power of
 * two or > num_max. */
bool virtio_queue_set_num(VirtQueue *vq, unsigned num);
/* The driver writes 32 bits of its accepted features (word sel, 0 or 1), as every transport
 * offers it; out of turn (after FEATURES_OK) or out of range: a guest_errors line, no change. */
void virtio_write_guest_features(VirtIODevice *vdev, unsigned sel, uint32_t val);
/* Make the queue live: checks the three rings lie in guest RAM, aligned; else virtio_error. */
void virtio_queue_set_ready(VirtQueue *vq, bool ready);
/* The driver notified queue n (QueueNotify): run its handler. */
void virtio_queue_notify(VirtIODevice *vdev, unsigned n);
/* Config space access at offset (size 1, 2, 4 or 8, little-endian); out of range reads 0. */
uint64_t virtio_config_read(VirtIODevice *vdev, uint64_t offset, unsigned size);
void virtio_config_write(VirtIODevice *vdev, uint64_t offset, uint64_t value, unsigned size);

#endif
