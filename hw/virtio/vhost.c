/*
 * The vhost-user front end of a virtio device (include/hw/virtio/vhost.h): connection,
 * queue start and stop, the eventfds, and what happens when the back-end dies.
 */
#include "hw/virtio/vhost.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "system/memory.h"
#include "util/log.h"
#include "util/main-loop.h"

/* Offsets in the split rings (virtio 1.2, 2.7). */
#define VRING_AVAIL_IDX 2
#define VRING_AVAIL_RING 4
#define VRING_USED_IDX 2
#define VRING_USED_RING 4
#define VRING_USED_ELEM 8

static uint64_t vhost_protocol_bit(unsigned bit)
{
    return UINT64_C(1) << bit;
}

/* ---- guest RAM as the back-end sees it ---- */

/*
 * The back-end's address for [gpa, gpa+len): our host address, which SET_MEM_TABLE maps to
 * its own. False if that is not one shared RAM range.
 */
static bool vhost_gpa_to_uva(hwaddr gpa, uint64_t len, uint64_t *uva)
{
    const FlatRange *r = flatview_lookup(address_space_get_flatview(address_space_memory()), gpa);

    if (!r || r->mr->type != MR_RAM || r->mr->ram_fd < 0 || r->size - (gpa - r->addr) < len) {
        return false;
    }
    *uva = (uintptr_t)(r->mr->ram_ptr + r->offset_in_region + (gpa - r->addr));
    return true;
}

/*
 * The regions of SET_MEM_TABLE: every RAM range of the system address space. A RAM range
 * without an fd cannot be shared: the error tells the user what to use instead.
 */
static int vhost_mem_regions(VhostDev *d, VhostUserMemoryRegion *regions, int *fds, Error **errp)
{
    const FlatView *view = address_space_get_flatview(address_space_memory());
    int n = 0;

    for (unsigned i = 0; i < view->nr; i++) {
        const FlatRange *r = &view->ranges[i];
        if (r->mr->type != MR_RAM) {
            continue; /* ROM (the boot ROM) is nothing a virtqueue may point into */
        }
        if (r->mr->ram_fd < 0) {
            error_setg(errp,
                       "%s: guest RAM '%s' is not shared memory: vhost-user needs "
                       "-object memory-backend-memfd,id=mem,size=SIZE,share=on with "
                       "-machine memory-backend=mem (or -numa node,memdev=mem)",
                       d->name, r->mr->name ? r->mr->name : "?");
            return -1;
        }
        if (n == VHOST_USER_MAX_REGIONS) {
            error_setg(errp, "%s: guest RAM has more than %d regions", d->name,
                       VHOST_USER_MAX_REGIONS);
            return -1;
        }
        regions[n] = (VhostUserMemoryRegion){
            .guest_phys_addr = r->addr,
            .memory_size = r->size,
            .userspace_addr = (uintptr_t)(r->mr->ram_ptr + r->offset_in_region),
            .mmap_offset = r->offset_in_region,
        };
        fds[n++] = r->mr->ram_fd;
    }
    return n;
}

/* ---- connection ---- */

static void vhost_dev_socket_readable(void *opaque);

static bool vhost_dev_handshake(VhostDev *d, Error **errp)
{
    uint64_t proto = 0, ours, queues;
    VhostUserMsg msg;

    vhost_user_msg_init(&msg, VHOST_USER_SET_OWNER);
    if (!vhost_user_send(&d->conn, &msg, NULL, 0, errp) ||
        !vhost_user_get_u64(&d->conn, VHOST_USER_GET_FEATURES, &d->features, errp)) {
        return false;
    }
    if (d->features & VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES)) {
        if (!vhost_user_get_u64(&d->conn, VHOST_USER_GET_PROTOCOL_FEATURES, &proto, errp)) {
            return false;
        }
        ours = proto & (vhost_protocol_bit(VHOST_USER_PROTOCOL_F_REPLY_ACK) |
                        vhost_protocol_bit(VHOST_USER_PROTOCOL_F_MQ));
        vhost_user_msg_u64(&msg, VHOST_USER_SET_PROTOCOL_FEATURES, ours);
        if (!vhost_user_send(&d->conn, &msg, NULL, 0, errp)) {
            return false;
        }
        d->conn.protocol_features = ours;
    }
    if ((d->conn.protocol_features & vhost_protocol_bit(VHOST_USER_PROTOCOL_F_MQ))) {
        if (!vhost_user_get_u64(&d->conn, VHOST_USER_GET_QUEUE_NUM, &queues, errp)) {
            return false;
        }
        if (queues < d->nvqs) {
            error_setg(errp, "%s: the back-end serves %" PRIu64 " queues, the device needs %u",
                       d->name, queues, d->nvqs);
            return false;
        }
    }
    return true;
}

/* SET_OWNER and the feature exchange on the chardev's connection (a new one after a
 * reconnection); a back-end that fails them is hung up on. */
static bool vhost_dev_connect(VhostDev *d, Error **errp)
{
    d->conn.fd = chardev_socket_claim_fd(d->chr, errp);
    d->conn.protocol_features = 0;
    if (d->conn.fd < 0) {
        return false;
    }
    if (!vhost_dev_handshake(d, errp)) {
        chardev_socket_disconnect(d->chr);
        d->conn.fd = -1;
        return false;
    }
    main_loop_set_fd_handler(d->conn.fd, vhost_dev_socket_readable, NULL, d);
    d->connected = true;
    return true;
}

bool vhost_dev_init(VhostDev *d, VirtIODevice *vdev, Chardev *chr, unsigned nvqs,
                    VhostFailRequest *fail_request, Error **errp)
{
    VhostUserMemoryRegion regions[VHOST_USER_MAX_REGIONS];
    int fds[VHOST_USER_MAX_REGIONS];

    d->vdev = vdev;
    d->name = object_get_typename(OBJECT(vdev));
    d->chr = chr;
    d->nvqs = nvqs;
    d->fail_request = fail_request;
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        d->vqs[i].dev = d;
        d->vqs[i].index = i;
        d->vqs[i].kick_fd = d->vqs[i].call_fd = d->vqs[i].err_fd = -1;
    }
    if (vhost_mem_regions(d, regions, fds, errp) < 0) {
        return false;
    }
    if (!vhost_dev_connect(d, errp)) {
        error_prepend(errp, "%s: ", d->name);
        return false;
    }
    return true;
}

uint64_t vhost_dev_get_features(VhostDev *d, uint64_t mask)
{
    return d->features & mask;
}

/* ---- in-flight chains ---- */

static bool vhost_read16(hwaddr addr, uint16_t *v)
{
    uint8_t b[2];

    if (!virtio_dma_read(addr, b, 2)) {
        return false;
    }
    *v = b[0] | b[1] << 8;
    return true;
}

/* Count the chains the guest made available since the last look. */
static void vhost_track_avail(VhostVirtqueue *hv, VirtQueue *vq)
{
    uint16_t idx, head;

    if (!vhost_read16(vq->avail + VRING_AVAIL_IDX, &idx)) {
        return;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if ((uint16_t)(idx - hv->seen_avail) > vq->num) {
        hv->seen_avail = idx - vq->num; /* older entries were overwritten: not knowable */
    }
    for (; hv->seen_avail != idx; hv->seen_avail++) {
        if (vhost_read16(vq->avail + VRING_AVAIL_RING + 2 * (hv->seen_avail & (vq->num - 1)),
                         &head) &&
            head < vq->num) {
            hv->inflight[head]++;
        }
    }
}

/* Uncount the chains the back-end used since the last look. */
static void vhost_track_used(VhostVirtqueue *hv, VirtQueue *vq)
{
    uint16_t idx, id;

    if (!vhost_read16(vq->used + VRING_USED_IDX, &idx)) {
        return;
    }
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if ((uint16_t)(idx - hv->seen_used) > vq->num) {
        hv->seen_used = idx - vq->num;
    }
    for (; hv->seen_used != idx; hv->seen_used++) {
        /* The low 16 bits of the le32 id: heads are below the queue size. */
        if (vhost_read16(vq->used + VRING_USED_RING +
                             VRING_USED_ELEM * (hv->seen_used & (vq->num - 1)),
                         &id) &&
            id < vq->num && hv->inflight[id]) {
            hv->inflight[id]--;
        }
    }
}

/* Complete every chain the guest queued: the device has no back-end. */
static void vhost_fail_queue(VhostDev *d, VirtQueue *vq)
{
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        d->fail_request(d->vdev, vq, elem);
    }
    virtio_notify(d->vdev, vq);
}

/* The back-end is gone: the queue is ours again, and what it held fails. */
static void vhost_fail_inflight(VhostDev *d, unsigned i)
{
    VhostVirtqueue *hv = &d->vqs[i];
    VirtQueue *vq = virtio_get_queue(d->vdev, i);

    vhost_track_avail(hv, vq);
    vhost_track_used(hv, vq);
    vq->last_avail_idx = hv->seen_avail;
    vq->used_idx = hv->seen_used;
    vq->signalled_used_valid = false;
    vq->inuse = 0;
    for (unsigned head = 0; head < vq->num; head++) {
        VirtQueueElement *elem = hv->inflight[head] ? virtqueue_pop_head(vq, head) : NULL;
        hv->inflight[head] = 0;
        if (elem) {
            d->fail_request(d->vdev, vq, elem);
        }
    }
    /*
     * The driver kicks again only when its avail idx crosses the avail_event the back-end
     * last wrote (EVENT_IDX), possibly long ago while it was busy: ask for every kick from
     * here, then take what came in meanwhile.
     */
    virtio_queue_set_notification(vq, true);
    vhost_fail_queue(d, vq);
}

/* ---- eventfds ---- */

static void vhost_eventfd_drain(int fd)
{
    uint64_t v;

    while (read(fd, &v, sizeof(v)) == sizeof(v)) {
    }
}

/* The back-end used buffers: the guest gets its queue interrupt. */
static void vhost_call_ready(void *opaque)
{
    VhostVirtqueue *hv = opaque;
    VirtIODevice *vdev = hv->dev->vdev;

    vhost_eventfd_drain(hv->call_fd);
    vhost_track_used(hv, virtio_get_queue(vdev, hv->index));
    /* The back-end already applied the driver's suppression (EVENT_IDX) before calling. */
    virtio_signal(vdev, hv->index);
}

static void vhost_err_ready(void *opaque)
{
    VhostVirtqueue *hv = opaque;

    vhost_eventfd_drain(hv->err_fd);
    error_report("%s: vhost-user back-end reported an error on queue %u", hv->dev->name, hv->index);
}

static void vhost_close_fd(int *fd)
{
    if (*fd >= 0) {
        main_loop_set_fd_handler(*fd, NULL, NULL, NULL);
        close(*fd);
        *fd = -1;
    }
}

static void vhost_queue_close(VhostVirtqueue *hv)
{
    vhost_close_fd(&hv->kick_fd);
    vhost_close_fd(&hv->call_fd);
    vhost_close_fd(&hv->err_fd);
    hv->started = false;
}

/* ---- the back-end's death ---- */

static void vhost_dev_backend_gone(VhostDev *d, const char *why)
{
    if (!d->connected) {
        return;
    }
    error_report("%s: vhost-user back-end lost (%s): the device stops, its requests fail", d->name,
                 why);
    main_loop_set_fd_handler(d->conn.fd, NULL, NULL, NULL);
    chardev_socket_disconnect(d->chr);
    d->connected = false;
    d->conn.fd = -1;
    for (unsigned i = 0; i < d->nvqs; i++) {
        bool started = d->vqs[i].started;
        vhost_queue_close(&d->vqs[i]);
        if (started) {
            vhost_fail_inflight(d, i);
        }
    }
}

static void vhost_dev_fail(VhostDev *d, Error *err)
{
    vhost_dev_backend_gone(d, error_get_pretty(err));
    error_free(err);
}

/* The back-end sends nothing unasked on this socket: readable means it hung up. */
static void vhost_dev_socket_readable(void *opaque)
{
    VhostDev *d = opaque;
    uint8_t byte;
    ssize_t n = recv(d->conn.fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return; /* a reply a request already took */
    }
    if (n <= 0) {
        vhost_dev_backend_gone(d, n ? strerror(errno) : "connection closed");
        return;
    }
    VhostUserMsg msg;
    Error *err = NULL;
    if (!vhost_user_recv(&d->conn, &msg, &err)) {
        vhost_dev_fail(d, err);
        return;
    }
    warn_report("%s: ignored unsolicited vhost-user message %u", d->name, msg.request);
}

/* ---- start and stop ---- */

static bool vhost_new_eventfd(VhostDev *d, int *fd, Error **errp)
{
    *fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (*fd < 0) {
        error_setg_errno(errp, errno, "%s: cannot create an eventfd", d->name);
        return false;
    }
    return true;
}

/* Send a SET_VRING_KICK/CALL/ERR with its eventfd. */
static bool vhost_set_vring_fd(VhostDev *d, VhostUserRequest req, unsigned i, int fd, Error **errp)
{
    VhostUserMsg msg;

    vhost_user_msg_u64(&msg, req, i);
    return vhost_user_request(&d->conn, &msg, &fd, 1, errp);
}

static bool vhost_queue_start(VhostDev *d, unsigned i, Error **errp)
{
    VhostVirtqueue *hv = &d->vqs[i];
    VirtQueue *vq = virtio_get_queue(d->vdev, i);
    uint64_t desc, avail, used;
    VhostUserMsg msg;

    if (!vhost_gpa_to_uva(vq->desc, 16 * vq->num, &desc) ||
        !vhost_gpa_to_uva(vq->avail, 6 + 2 * vq->num, &avail) ||
        !vhost_gpa_to_uva(vq->used, 6 + VRING_USED_ELEM * vq->num, &used)) {
        error_setg(errp, "%s: queue %u rings are not in shared guest RAM", d->name, i);
        return false;
    }
    hv->seen_avail = hv->seen_used = vq->last_avail_idx;
    memset(hv->inflight, 0, sizeof(hv->inflight));
    vhost_user_msg_state(&msg, VHOST_USER_SET_VRING_NUM, i, vq->num);
    if (!vhost_user_request(&d->conn, &msg, NULL, 0, errp)) {
        return false;
    }
    vhost_user_msg_state(&msg, VHOST_USER_SET_VRING_BASE, i, vq->last_avail_idx);
    if (!vhost_user_request(&d->conn, &msg, NULL, 0, errp)) {
        return false;
    }
    vhost_user_msg_vring_addr(&msg, i, desc, used, avail);
    if (!vhost_user_request(&d->conn, &msg, NULL, 0, errp) ||
        !vhost_new_eventfd(d, &hv->kick_fd, errp) || !vhost_new_eventfd(d, &hv->call_fd, errp) ||
        !vhost_new_eventfd(d, &hv->err_fd, errp)) {
        return false;
    }
    main_loop_set_fd_handler(hv->call_fd, vhost_call_ready, NULL, hv);
    main_loop_set_fd_handler(hv->err_fd, vhost_err_ready, NULL, hv);
    /* Call and err before kick: the back-end starts serving the ring on SET_VRING_KICK. */
    if (!vhost_set_vring_fd(d, VHOST_USER_SET_VRING_CALL, i, hv->call_fd, errp) ||
        !vhost_set_vring_fd(d, VHOST_USER_SET_VRING_ERR, i, hv->err_fd, errp) ||
        !vhost_set_vring_fd(d, VHOST_USER_SET_VRING_KICK, i, hv->kick_fd, errp)) {
        return false;
    }
    hv->started = true;
    /* With protocol features the rings start disabled (vhost-user.rst, "Ring states"). */
    if (d->features & VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES)) {
        vhost_user_msg_state(&msg, VHOST_USER_SET_VRING_ENABLE, i, 1);
        if (!vhost_user_request(&d->conn, &msg, NULL, 0, errp)) {
            return false;
        }
    }
    /* Chains the guest queued before DRIVER_OK wait for a kick. */
    vhost_track_avail(hv, vq);
    eventfd_write(hv->kick_fd, 1); /* cannot fail: a fresh counter is far from overflow */
    return true;
}

static bool vhost_dev_start(VhostDev *d, Error **errp)
{
    VhostUserMemoryRegion regions[VHOST_USER_MAX_REGIONS];
    int fds[VHOST_USER_MAX_REGIONS], n;
    uint64_t features = d->vdev->guest_features & d->features;
    VhostUserMsg msg;

    /* The back-end keeps speaking the protocol-feature messages we agreed on. */
    features |= d->features & VIRTIO_BIT(VHOST_USER_F_PROTOCOL_FEATURES);
    vhost_user_msg_u64(&msg, VHOST_USER_SET_FEATURES, features);
    if (!vhost_user_request(&d->conn, &msg, NULL, 0, errp)) {
        return false;
    }
    n = vhost_mem_regions(d, regions, fds, errp);
    if (n < 0) {
        return false;
    }
    vhost_user_msg_mem_table(&msg, regions, n);
    if (!vhost_user_request(&d->conn, &msg, fds, n, errp)) {
        return false;
    }
    d->started = true;
    for (unsigned i = 0; i < d->nvqs; i++) {
        if (virtio_queue_ready(virtio_get_queue(d->vdev, i)) && !vhost_queue_start(d, i, errp)) {
            return false;
        }
    }
    return true;
}

void vhost_dev_set_status(VhostDev *d, uint8_t status)
{
    Error *err = NULL;

    if (!(status & VIRTIO_CONFIG_S_DRIVER_OK) || d->started) {
        return;
    }
    if (!d->connected && !vhost_dev_connect(d, &err)) {
        /* Gone before the driver was ready: it runs without a back-end, every request fails. */
        error_free(err);
        d->started = true;
        return;
    }
    if (!vhost_dev_start(d, &err)) {
        vhost_dev_fail(d, err);
    }
}

void vhost_dev_reset(VhostDev *d)
{
    Error *err = NULL;

    for (unsigned i = 0; d->connected && i < d->nvqs; i++) {
        VhostUserMsg msg;

        if (!d->vqs[i].started) {
            continue;
        }
        /* The back-end stops the ring and answers where it was. */
        vhost_user_msg_state(&msg, VHOST_USER_GET_VRING_BASE, i, 0);
        if (!vhost_user_send(&d->conn, &msg, NULL, 0, &err) ||
            !vhost_user_recv(&d->conn, &msg, &err) ||
            !vhost_user_check_reply(&msg, VHOST_USER_GET_VRING_BASE, sizeof(msg.payload.state),
                                    &err)) {
            vhost_dev_fail(d, err);
            err = NULL;
            break;
        }
        vhost_queue_close(&d->vqs[i]);
    }
    for (unsigned i = 0; i < d->nvqs; i++) {
        vhost_queue_close(&d->vqs[i]);
    }
    d->started = false;
    /* A back-end that came back (a new client on a server socket) serves the next start. */
    if (!d->connected && d->chr && !vhost_dev_connect(d, &err)) {
        error_free(err);
    }
}

void vhost_dev_kick(VhostDev *d, VirtQueue *vq)
{
    VhostVirtqueue *hv = &d->vqs[vq->index];

    if (!hv->started) {
        if (d->started && !d->connected) {
            vhost_fail_queue(d, vq);
        }
        return;
    }
    vhost_track_avail(hv, vq);
    if (eventfd_write(hv->kick_fd, 1) < 0) {
        log_mask(LOG_GUEST_ERROR, "%s: kick of queue %u lost: %s\n", d->name, vq->index,
                 strerror(errno));
    }
}

void vhost_dev_cleanup(VhostDev *d)
{
    if (!d->vdev) {
        return; /* realize failed before vhost_dev_init: nothing is open */
    }
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vhost_queue_close(&d->vqs[i]);
    }
    if (d->connected) {
        main_loop_set_fd_handler(d->conn.fd, NULL, NULL, NULL);
        d->connected = false;
    }
}
