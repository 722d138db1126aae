/*
 * A virtio device whose queues another process serves (vhost-user): the guest's rings stay
 * in guest RAM, which the back-end maps through the memory backend's fd, and Kestrel only
 * sets the queues up and relays notifications through eventfds:
 *   - kick: the guest's queue notify (an MMIO write on a vCPU thread) writes the queue's
 *     kick eventfd at once, no main-loop hop (vhost_dev_kick from handle_output);
 *   - call: the back-end writes the call eventfd when it used buffers; the main loop raises
 *     the transport's queue interrupt;
 *   - err: the back-end reports a queue error; logged.
 *
 * Life cycle: vhost_dev_init at realize connects (SET_OWNER, features, protocol features);
 * the driver's DRIVER_OK starts the queues (SET_FEATURES, SET_MEM_TABLE, SET_VRING_*);
 * a device reset stops them (GET_VRING_BASE). When the back-end dies (hang-up on the socket,
 * a failed or unanswered request) the device stops using it: chains it had in flight, and
 * every chain the guest queues afterwards, are completed by the device's fail_request with
 * an error, so the guest sees I/O errors instead of hanging; the rest of the machine runs on.
 * The device works again once the back-end is back (a socket chardev server that gets a new
 * client, or a client chardev with reconnect=) and the guest resets it.
 *
 * Everything runs under the BQL.
 */
#ifndef HW_VIRTIO_VHOST_H
#define HW_VIRTIO_VHOST_H

#include "chardev/char.h"
#include "hw/virtio/vhost-user.h"
#include "hw/virtio/virtio.h"

typedef struct VhostDev VhostDev;

typedef struct VhostVirtqueue {
    VhostDev *dev;
    unsigned index;
    int kick_fd, call_fd, err_fd; /* eventfds, -1 until the queue is started */
    bool started;
    /* In-flight tracking, to fail what a dead back-end leaves: chains made available minus
     * chains used, counted per head, updated at every kick and call. */
    uint16_t seen_avail, seen_used;
    uint16_t inflight[VIRTQUEUE_MAX_SIZE];
} VhostVirtqueue;

/* Complete elem (popped from vq) with an error the guest driver understands; must push it. */
typedef void VhostFailRequest(VirtIODevice *vdev, VirtQueue *vq, VirtQueueElement *elem);

struct VhostDev {
    VirtIODevice *vdev;
    const char *name; /* for messages: the device type */
    Chardev *chr;
    VhostUserConn conn;
    bool connected;    /* SET_OWNER and the feature exchange succeeded on conn */
    bool started;      /* queues handed to the back-end (DRIVER_OK) */
    uint64_t features; /* the back-end's GET_FEATURES */
    unsigned nvqs;
    VhostVirtqueue vqs[VIRTIO_QUEUE_MAX];
    VhostFailRequest *fail_request;
};

/*
 * Connect to the back-end behind chr (a connected socket chardev) for a device with nvqs
 * queues, and check guest RAM is shareable (a memory backend with share=on and an fd).
 * False + errp if not.
 */
bool vhost_dev_init(VhostDev *d, VirtIODevice *vdev, Chardev *chr, unsigned nvqs,
                    VhostFailRequest *fail_request, Error **errp) WARN_UNUSED_RESULT;
/* The back-end's features among those in mask (for the device's get_features). */
uint64_t vhost_dev_get_features(VhostDev *d, uint64_t mask);
/* From the device's set_status: start on DRIVER_OK. */
void vhost_dev_set_status(VhostDev *d, uint8_t status);
/* From the device's reset: stop the queues. */
void vhost_dev_reset(VhostDev *d);
/* From handle_output: hand the notification to the back-end, or fail the chains if it is gone. */
void vhost_dev_kick(VhostDev *d, VirtQueue *vq);
/* Unrealize/finalize: stop watching fds and close the eventfds. */
void vhost_dev_cleanup(VhostDev *d);

#endif
