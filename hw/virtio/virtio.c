/*
 * The virtio device core and split virtqueues (include/hw/virtio/virtio.h).
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, sections 2.1 (status),
 * 2.2 (feature bits), 2.5 (config space), 2.7 (split virtqueues), 2.7.10
 * (notification suppression) and 6 (reserved feature bits).
 *
 * Split virtqueue layout in guest memory (all fields little-endian):
 *   descriptor table (align 16)  struct { le64 addr; le32 len; le16 flags; le16 next; } [num]
 *   avail ring (align 2)         le16 flags; le16 idx; le16 ring[num]; le16 used_event;
 *   used ring (align 4)          le16 flags; le16 idx; struct { le32 id; le32 len; } ring[num];
 *                                le16 avail_event;
 *
 * The driver (another thread: a vCPU) writes the avail ring while we read it,
 * so every read of guest memory is a fresh copy that is validated before use:
 * indices are bounded by the table size, chains by a count, and guest
 * addresses are only ever dereferenced through virtio_dma_*, which accept
 * guest RAM only.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "hw/virtio/virtio.h"
#include "migration/vmstate.h"
#include "system/memory.h"
#include "util/log.h"

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

#define VRING_DESC_SIZE 16
#define VRING_AVAIL_IDX 2  /* offset of avail->idx */
#define VRING_AVAIL_RING 4 /* offset of avail->ring[0] */
#define VRING_USED_IDX 2   /* offset of used->idx */
#define VRING_USED_RING 4  /* offset of used->ring[0] */
#define VRING_USED_ELEM 8  /* size of a used ring entry */

typedef struct VRingDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VRingDesc;

/* Barriers against the driver's vCPU thread (2.7.7, 2.7.13). */
#define virtio_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtio_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtio_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

static uint16_t ld16(const uint8_t *p)
{
    return p[0] | (uint16_t)p[1] << 8;
}

static uint32_t ld32(const uint8_t *p)
{
    return ld16(p) | (uint32_t)ld16(p + 2) << 16;
}

static uint64_t ld64(const uint8_t *p)
{
    return ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

static void st16(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, v);
    st16(p + 2, v >> 16);
}

static const char *virtio_name(VirtIODevice *vdev)
{
    return object_get_typename(OBJECT(vdev));
}

/* ---- guest memory (DMA): RAM only ---- */

bool virtio_dma_check(hwaddr addr, uint64_t len, bool is_write)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    hwaddr last = addr + len - 1;

    if (len == 0) {
        return true;
    }
    if (last < addr) {
        return false; /* wraps around the address space */
    }
    for (;;) {
        const FlatRange *fr = flatview_lookup(view, addr);
        hwaddr range_last;

        if (!fr || !memory_region_is_ram(fr->mr) || (is_write && memory_region_is_rom(fr->mr))) {
            return false;
        }
        range_last = fr->addr + fr->size - 1;
        if (range_last >= last) {
            return true;
        }
        addr = range_last + 1;
    }
}

bool virtio_dma_read(hwaddr addr, void *buf, uint64_t len)
{
    if (!virtio_dma_check(addr, len, false)) {
        log_mask(LOG_GUEST_ERROR, "virtio: DMA read of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return len == 0 || address_space_read(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

bool virtio_dma_write(hwaddr addr, const void *buf, uint64_t len)
{
    if (!virtio_dma_check(addr, len, true)) {
        log_mask(LOG_GUEST_ERROR, "virtio: DMA write of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return len == 0 || address_space_write(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

/* ---- errors and interrupts ---- */

static void virtio_update_irq(VirtIODevice *vdev)
{
    if (vdev->transport_update_irq) {
        vdev->transport_update_irq(vdev->transport);
    }
}

void virtio_error(VirtIODevice *vdev, const char *fmt, ...)
{
    va_list ap;
    char *msg;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = NULL;
    }
    va_end(ap);
    log_mask(LOG_GUEST_ERROR, "%s: %s; device needs reset\n", virtio_name(vdev),
             msg ? msg : "error");
    free(msg);
    vdev->broken = true;
    /* 2.1.2: tell the driver through the status and a configuration change interrupt. */
    vdev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    virtio_notify_config(vdev);
}

void virtio_signal(VirtIODevice *vdev, int queue)
{
    vdev->isr |= queue < 0 ? VIRTIO_ISR_CONFIG : VIRTIO_ISR_QUEUE;
    if (vdev->transport_signal) {
        vdev->transport_signal(vdev->transport, queue);
    } else {
        virtio_update_irq(vdev);
    }
}

void virtio_notify_config(VirtIODevice *vdev)
{
    vdev->config_generation++;
    virtio_signal(vdev, -1);
}

/* 2.7.10: has the driver asked for an interrupt for what we pushed since the last one? */
static bool virtqueue_should_notify(VirtQueue *vq)
{
    uint16_t old = vq->signalled_used, new = vq->used_idx;
    bool valid = vq->signalled_used_valid;
    uint8_t buf[2];

    virtio_mb(); /* our used->idx store before reading the driver's suppression field */
    vq->signalled_used = new;
    vq->signalled_used_valid = true;
    if (valid && old == new) {
        return false;
    }
    if (virtio_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        if (!virtio_dma_read(vq->avail + VRING_AVAIL_RING + 2 * vq->num, buf, 2)) {
            return true;
        }
        /* Notify if used_event lies in [old, new): the driver wants to hear about it. */
        return !valid || (uint16_t)(new - ld16(buf) - 1) < (uint16_t)(new - old);
    }
    if (!virtio_dma_read(vq->avail, buf, 2)) {
        return true;
    }
    return !(ld16(buf) & VRING_AVAIL_F_NO_INTERRUPT);
}

void virtio_notify(VirtIODevice *vdev, VirtQueue *vq)
{
    if (vdev->broken || !vq->ready || !virtqueue_should_notify(vq)) {
        return;
    }
    virtio_signal(vdev, vq->index);
}

/* ---- avail ring ---- */

static bool vring_avail_idx(VirtQueue *vq, uint16_t *idx)
{
    uint8_t buf[2];

    if (!virtio_dma_read(vq->avail + VRING_AVAIL_IDX, buf, 2)) {
        return false;
    }
    *idx = ld16(buf);
    return true;
}

bool virtio_queue_ready(const VirtQueue *vq)
{
    return vq->ready;
}

bool virtqueue_empty(VirtQueue *vq)
{
    uint16_t idx;

    if (!vq->ready || vq->vdev->broken || !vring_avail_idx(vq, &idx)) {
        return true;
    }
    return idx == vq->last_avail_idx;
}

static void vring_set_avail_event(VirtQueue *vq, uint16_t val)
{
    uint8_t buf[2];

    st16(buf, val);
    virtio_dma_write(vq->used + VRING_USED_RING + VRING_USED_ELEM * vq->num, buf, 2);
}

void virtio_queue_set_notification(VirtQueue *vq, bool enable)
{
    uint8_t buf[2];

    vq->notification = enable;
    if (!vq->ready || vq->vdev->broken) {
        return;
    }
    if (virtio_has_feature(vq->vdev, VIRTIO_RING_F_EVENT_IDX)) {
        if (enable) {
            vring_set_avail_event(vq, vq->last_avail_idx);
        }
    } else {
        st16(buf, enable ? 0 : VRING_USED_F_NO_NOTIFY);
        virtio_dma_write(vq->used, buf, 2);
    }
    if (enable) {
        virtio_mb(); /* the flag is visible before the caller re-checks the avail ring */
    }
}

/* ---- descriptor chains ---- */

static bool vring_read_desc(hwaddr table, unsigned i, VRingDesc *d)
{
    uint8_t buf[VRING_DESC_SIZE];

    if (!virtio_dma_read(table + (hwaddr)i * VRING_DESC_SIZE, buf, sizeof(buf))) {
        return false;
    }
    d->addr = ld64(buf);
    d->len = ld32(buf + 8);
    d->flags = ld16(buf + 12);
    d->next = ld16(buf + 14);
    return true;
}

static void elem_append(VirtQueueSg **sg, unsigned *num, const VRingDesc *d)
{
    /* Grow at powers of two: chains are bounded (queue size + one indirect table). */
    if ((*num & (*num - 1)) == 0) {
        *sg = xrealloc(*sg, sizeof(**sg) * (*num ? *num * 2 : 4));
    }
    (*sg)[*num].addr = d->addr;
    (*sg)[*num].len = d->len;
    (*num)++;
}

static bool elem_add_desc(VirtQueue *vq, VirtQueueElement *elem, const VRingDesc *d)
{
    if (d->len == 0) {
        /* No driver has a reason to post one; QEMU refuses them too. */
        virtio_error(vq->vdev, "queue %u: zero-length descriptor", vq->index);
        return false;
    }
    if (d->flags & VRING_DESC_F_WRITE) {
        elem_append(&elem->in_sg, &elem->in_num, d);
        elem->in_len += d->len;
        return true;
    }
    if (elem->in_num) {
        /* 2.7.4.2: device-readable descriptors come before device-writable ones. */
        virtio_error(vq->vdev, "queue %u: readable descriptor after a writable one", vq->index);
        return false;
    }
    elem_append(&elem->out_sg, &elem->out_num, d);
    elem->out_len += d->len;
    return true;
}

/* Switch to the indirect table d describes (2.7.5.3), or fail with virtio_error. */
static bool vring_enter_indirect(VirtQueue *vq, const VRingDesc *d, bool nested, hwaddr *table,
                                 unsigned *size)
{
    VirtIODevice *vdev = vq->vdev;
    unsigned n = d->len / VRING_DESC_SIZE;

    if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC)) {
        virtio_error(vdev, "queue %u: indirect descriptor not negotiated", vq->index);
    } else if (nested) {
        virtio_error(vdev, "queue %u: nested indirect descriptor", vq->index);
    } else if (d->flags & VRING_DESC_F_NEXT) {
        virtio_error(vdev, "queue %u: indirect descriptor with NEXT set", vq->index);
    } else if (d->len % VRING_DESC_SIZE || n == 0 || n > VIRTIO_INDIRECT_MAX) {
        virtio_error(vdev, "queue %u: bad indirect table length %" PRIu32, vq->index, d->len);
    } else if (!virtio_dma_check(d->addr, d->len, false)) {
        virtio_error(vdev, "queue %u: indirect table 0x%" PRIx64 " outside RAM", vq->index,
                     d->addr);
    } else {
        *table = d->addr;
        *size = n;
        return true;
    }
    return false;
}

/* Walk the chain starting at head. Counting descriptors per table bounds the walk (loops). */
static VirtQueueElement *vring_read_chain(VirtQueue *vq, uint16_t head)
{
    VirtQueueElement *elem = xzalloc(sizeof(*elem));
    hwaddr table = vq->desc;
    unsigned size = vq->num, i = head, count = 0;
    bool indirect = false;
    VRingDesc d;

    elem->index = head;
    for (;;) {
        if (i >= size) {
            virtio_error(vq->vdev, "queue %u: descriptor index %u out of range (%u)", vq->index, i,
                         size);
            goto fail;
        }
        if (!vring_read_desc(table, i, &d)) {
            virtio_error(vq->vdev, "queue %u: descriptor table unreadable", vq->index);
            goto fail;
        }
        if (d.flags & VRING_DESC_F_INDIRECT) {
            if (!vring_enter_indirect(vq, &d, indirect, &table, &size)) {
                goto fail;
            }
            indirect = true;
            i = 0;
            count = 0;
            continue;
        }
        if (++count > size) {
            virtio_error(vq->vdev, "queue %u: descriptor chain loops or exceeds %u", vq->index,
                         size);
            goto fail;
        }
        if (!elem_add_desc(vq, elem, &d)) {
            goto fail;
        }
        if (!(d.flags & VRING_DESC_F_NEXT)) {
            return elem;
        }
        i = d.next;
    }
fail:
    virtqueue_elem_free(elem);
    return NULL;
}

VirtQueueElement *virtqueue_pop(VirtQueue *vq)
{
    VirtIODevice *vdev = vq->vdev;
    uint16_t avail_idx, pending;
    VirtQueueElement *elem;
    uint8_t buf[2];

    if (!vq->ready || vdev->broken) {
        return NULL;
    }
    if (!vring_avail_idx(vq, &avail_idx)) {
        virtio_error(vdev, "queue %u: avail ring unreadable", vq->index);
        return NULL;
    }
    pending = avail_idx - vq->last_avail_idx;
    if (pending > vq->num) {
        virtio_error(vdev, "queue %u: avail idx %u is %u ahead of %u (queue size %u)", vq->index,
                     avail_idx, pending, vq->last_avail_idx, vq->num);
        return NULL;
    }
    if (pending == 0) {
        return NULL;
    }
    virtio_rmb(); /* read the ring entry only after seeing the idx that published it */
    if (!virtio_dma_read(vq->avail + VRING_AVAIL_RING + 2 * (vq->last_avail_idx & (vq->num - 1)),
                         buf, 2)) {
        virtio_error(vdev, "queue %u: avail ring unreadable", vq->index);
        return NULL;
    }
    elem = vring_read_chain(vq, ld16(buf));
    if (!elem) {
        return NULL;
    }
    vq->last_avail_idx++;
    vq->inuse++;
    if (vq->notification && virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX)) {
        vring_set_avail_event(vq, vq->last_avail_idx);
    }
    return elem;
}

VirtQueueElement *virtqueue_pop_head(VirtQueue *vq, uint16_t head)
{
    VirtQueueElement *elem;

    if (!vq->ready || vq->vdev->broken || head >= vq->num) {
        return NULL;
    }
    elem = vring_read_chain(vq, head);
    if (elem) {
        vq->inuse++;
    }
    return elem;
}

void virtqueue_elem_free(VirtQueueElement *elem)
{
    if (elem) {
        free(elem->out_sg);
        free(elem->in_sg);
        free(elem);
    }
}

void virtqueue_unpop(VirtQueue *vq, VirtQueueElement *elem)
{
    vq->last_avail_idx--;
    vq->inuse--;
    virtqueue_elem_free(elem);
}

void virtqueue_push(VirtQueue *vq, VirtQueueElement *elem, uint32_t len)
{
    uint8_t entry[VRING_USED_ELEM], idx[2];
    hwaddr slot = vq->used + VRING_USED_RING + VRING_USED_ELEM * (vq->used_idx & (vq->num - 1));

    vq->inuse--;
    if (vq->ready && !vq->vdev->broken) {
        st32(entry, elem->index);
        st32(entry + 4, MIN(len, elem->in_len));
        virtio_dma_write(slot, entry, sizeof(entry));
        virtio_wmb(); /* the entry is visible before the idx that publishes it */
        vq->used_idx++;
        st16(idx, vq->used_idx);
        virtio_dma_write(vq->used + VRING_USED_IDX, idx, 2);
    }
    virtqueue_elem_free(elem);
}

/* ---- copying to and from an element's buffers ---- */

static size_t elem_copy(const VirtQueueSg *sg, unsigned num, uint64_t offset, uint8_t *buf,
                        size_t len, bool to_guest)
{
    size_t done = 0;

    for (unsigned i = 0; i < num && done < len; i++) {
        uint64_t n;
        bool ok;

        if (offset >= sg[i].len) {
            offset -= sg[i].len;
            continue;
        }
        n = MIN(sg[i].len - offset, len - done);
        ok = to_guest ? virtio_dma_write(sg[i].addr + offset, buf + done, n)
                      : virtio_dma_read(sg[i].addr + offset, buf + done, n);
        if (!ok) {
            break;
        }
        done += n;
        offset = 0;
    }
    return done;
}

size_t virtqueue_elem_to_buf(const VirtQueueElement *elem, uint64_t offset, void *buf, size_t len)
{
    return elem_copy(elem->out_sg, elem->out_num, offset, buf, len, false);
}

size_t virtqueue_elem_from_buf(const VirtQueueElement *elem, uint64_t offset, const void *buf,
                               size_t len)
{
    return elem_copy(elem->in_sg, elem->in_num, offset, (uint8_t *)buf, len, true);
}

/* ---- queues: set up by the device, configured by the transport ---- */

VirtQueue *virtio_add_queue(VirtIODevice *vdev, unsigned max_size, VirtIOHandleOutput *handler)
{
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        VirtQueue *vq = &vdev->vq[i];

        if (vq->num_max == 0) {
            if (max_size == 0 || max_size > VIRTQUEUE_MAX_SIZE || (max_size & (max_size - 1))) {
                fprintf(stderr, "kestrel: %s: bad queue size %u\n", virtio_name(vdev), max_size);
                abort();
            }
            vq->num_max = max_size;
            vq->num = max_size;
            vq->handle_output = handler;
            return vq;
        }
    }
    fprintf(stderr, "kestrel: %s: more than %d queues\n", virtio_name(vdev), VIRTIO_QUEUE_MAX);
    abort();
}

VirtQueue *virtio_get_queue(VirtIODevice *vdev, unsigned n)
{
    return n < VIRTIO_QUEUE_MAX && vdev->vq[n].num_max ? &vdev->vq[n] : NULL;
}

bool virtio_queue_set_num(VirtQueue *vq, unsigned num)
{
    if (num == 0 || num > vq->num_max || (num & (num - 1))) {
        virtio_error(vq->vdev, "queue %u: bad size %u (max %u, a power of two)", vq->index, num,
                     vq->num_max);
        return false;
    }
    vq->num = num;
    return true;
}

void virtio_write_guest_features(VirtIODevice *vdev, unsigned sel, uint32_t val)
{
    if (vdev->status & VIRTIO_CONFIG_S_FEATURES_OK) {
        log_mask(LOG_GUEST_ERROR, "%s: driver features written after FEATURES_OK\n",
                 virtio_name(vdev));
    } else if (sel > 1) {
        log_mask(LOG_GUEST_ERROR, "%s: driver feature word %u out of range\n", virtio_name(vdev),
                 sel);
    } else {
        vdev->guest_features = deposit64(vdev->guest_features, 32 * sel, 32, val);
    }
}

void virtio_queue_set_ready(VirtQueue *vq, bool ready)
{
    VirtIODevice *vdev = vq->vdev;
    uint64_t n = vq->num;

    if (!ready) {
        vq->ready = false;
        return;
    }
    if (vq->desc % 16 || vq->avail % 2 || vq->used % 4) {
        virtio_error(vdev, "queue %u: misaligned rings", vq->index);
    } else if (!virtio_dma_check(vq->desc, VRING_DESC_SIZE * n, false) ||
               !virtio_dma_check(vq->avail, VRING_AVAIL_RING + 2 * n + 2, false) ||
               !virtio_dma_check(vq->used, VRING_USED_RING + VRING_USED_ELEM * n + 2, true)) {
        virtio_error(vdev,
                     "queue %u: rings outside RAM (desc 0x%" PRIx64 " avail 0x%" PRIx64
                     " used 0x%" PRIx64 ")",
                     vq->index, vq->desc, vq->avail, vq->used);
    } else {
        vq->ready = true;
    }
}

void virtio_queue_notify(VirtIODevice *vdev, unsigned n)
{
    VirtQueue *vq = virtio_get_queue(vdev, n);

    if (!vq) {
        log_mask(LOG_GUEST_ERROR, "%s: notify of missing queue %u\n", virtio_name(vdev), n);
        return;
    }
    if (vq->ready && !vdev->broken && vq->handle_output) {
        vq->handle_output(vdev, vq);
    }
}

static void virtio_queue_reset(VirtQueue *vq)
{
    vq->num = vq->num_max;
    vq->ready = false;
    vq->desc = vq->avail = vq->used = 0;
    vq->last_avail_idx = vq->used_idx = 0;
    vq->signalled_used = 0;
    vq->signalled_used_valid = false;
    vq->notification = true;
    vq->inuse = 0;
}

/* ---- status, features, config ---- */

void virtio_bind_transport(VirtIODevice *vdev, DeviceState *transport,
                           void (*update_irq)(DeviceState *transport))
{
    vdev->transport = transport;
    vdev->transport_update_irq = update_irq;
}

void virtio_set_legacy(VirtIODevice *vdev, bool legacy)
{
    vdev->legacy = legacy;
}

uint16_t virtio_device_id(VirtIODevice *vdev)
{
    return VIRTIO_DEVICE_GET_CLASS(vdev)->device_id;
}

uint64_t virtio_host_features(VirtIODevice *vdev)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint64_t f = VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) | VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC);

    if (!vdev->legacy) {
        f |= VIRTIO_BIT(VIRTIO_F_VERSION_1);
    }
    return f | (vdc->get_features ? vdc->get_features(vdev) : 0);
}

void virtio_set_status(VirtIODevice *vdev, uint8_t status)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint64_t offered = virtio_host_features(vdev);

    if (status == 0) {
        virtio_reset(vdev);
        return;
    }
    if ((status & VIRTIO_CONFIG_S_FEATURES_OK) && !(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK)) {
        /* 3.1.1: the driver re-reads status and gives up if FEATURES_OK did not stick. */
        if ((vdev->guest_features & ~offered) || !virtio_has_feature(vdev, VIRTIO_F_VERSION_1)) {
            log_mask(LOG_GUEST_ERROR,
                     "%s: features 0x%" PRIx64 " refused (offered 0x%" PRIx64 ", VERSION_1 "
                     "required)\n",
                     virtio_name(vdev), vdev->guest_features, offered);
            status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
        }
    }
    if (vdev->broken) {
        status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    }
    vdev->status = status;
    if (vdc->set_status) {
        vdc->set_status(vdev, status);
    }
}

void virtio_reset(VirtIODevice *vdev)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    vdev->status = 0;
    vdev->isr = 0;
    vdev->guest_features = 0;
    vdev->broken = false;
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        virtio_queue_reset(&vdev->vq[i]);
    }
    if (vdc->reset) {
        vdc->reset(vdev);
    }
    virtio_update_irq(vdev);
}

void virtio_init(VirtIODevice *vdev, size_t config_size)
{
    free(vdev->config);
    vdev->config_len = config_size;
    vdev->config = xzalloc(config_size ? config_size : 1);
}

static bool virtio_config_range_ok(VirtIODevice *vdev, uint64_t offset, unsigned size)
{
    if (offset >= vdev->config_len || size > vdev->config_len - offset) {
        log_mask(LOG_GUEST_ERROR, "%s: config access 0x%" PRIx64 "/%u beyond %zu bytes\n",
                 virtio_name(vdev), offset, size, vdev->config_len);
        return false;
    }
    return true;
}

uint64_t virtio_config_read(VirtIODevice *vdev, uint64_t offset, unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);
    uint64_t v = 0;

    if (!virtio_config_range_ok(vdev, offset, size)) {
        return 0;
    }
    if (vdc->get_config) {
        vdc->get_config(vdev, vdev->config);
    }
    for (unsigned i = 0; i < size; i++) {
        v |= (uint64_t)vdev->config[offset + i] << (8 * i);
    }
    return v;
}

void virtio_config_write(VirtIODevice *vdev, uint64_t offset, uint64_t value, unsigned size)
{
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_GET_CLASS(vdev);

    if (!virtio_config_range_ok(vdev, offset, size)) {
        return;
    }
    if (vdc->get_config) {
        vdc->get_config(vdev, vdev->config);
    }
    for (unsigned i = 0; i < size; i++) {
        vdev->config[offset + i] = value >> (8 * i);
    }
    if (vdc->set_config) {
        vdc->set_config(vdev, vdev->config);
    }
}

/* ---- type registration ---- */

static void virtio_device_instance_init(Object *obj)
{
    VirtIODevice *vdev = VIRTIO_DEVICE(obj);

    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        vdev->vq[i].vdev = vdev;
        vdev->vq[i].index = i;
        vdev->vq[i].notification = true;
    }
}

static void virtio_device_finalize(Object *obj)
{
    free(VIRTIO_DEVICE(obj)->config);
}

static void virtio_device_reset(DeviceState *dev)
{
    virtio_reset(VIRTIO_DEVICE(dev));
}

/* ---- machine state (savevm) ---- */

static const VMStateDescription vmstate_virtqueue = {
    .name = "virtqueue",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT16(num, VirtQueue),
            VMSTATE_BOOL(ready, VirtQueue),
            VMSTATE_UINT64(desc, VirtQueue),
            VMSTATE_UINT64(avail, VirtQueue),
            VMSTATE_UINT64(used, VirtQueue),
            VMSTATE_UINT16(last_avail_idx, VirtQueue),
            VMSTATE_UINT16(used_idx, VirtQueue),
            VMSTATE_UINT16(signalled_used, VirtQueue),
            VMSTATE_BOOL(signalled_used_valid, VirtQueue),
            VMSTATE_BOOL(notification, VirtQueue),
            VMSTATE_END_OF_LIST(),
        },
};

static const VMStateField virtio_device_fields[] = {
    VMSTATE_UINT8(status, VirtIODevice),
    VMSTATE_UINT8(isr, VirtIODevice),
    VMSTATE_UINT64(guest_features, VirtIODevice),
    VMSTATE_UINT32(config_generation, VirtIODevice),
    VMSTATE_BOOL(broken, VirtIODevice),
    VMSTATE_STRUCT_ARRAY(vq, VirtIODevice, VIRTIO_QUEUE_MAX, vmstate_virtqueue, VirtQueue),
    VMSTATE_END_OF_LIST(),
};

const VMStateDescription vmstate_virtio_device = {
    .name = "virtio",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = virtio_device_fields,
};

/*
 * Chains popped but not pushed belonged to the process that saved: they are handed out
 * again (the devices complete requests in order, so they are the last ones popped). Then
 * the queues that hold work are run, as if the driver had just notified them.
 */
bool virtio_device_post_load(VirtIODevice *vdev, Error **errp)
{
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        VirtQueue *vq = &vdev->vq[i];

        if (vq->num > vq->num_max || (vq->num & (vq->num - 1)) ||
            (uint16_t)(vq->last_avail_idx - vq->used_idx) > vq->num) {
            error_setg(errp, "VM state of virtio device '%s': queue %u is inconsistent",
                       object_get_typename(OBJECT(vdev)), i);
            return false;
        }
        vq->last_avail_idx = vq->used_idx;
        vq->inuse = 0;
    }
    if (vdev->transport_update_irq) {
        vdev->transport_update_irq(vdev->transport);
    }
    for (unsigned i = 0; i < VIRTIO_QUEUE_MAX; i++) {
        VirtQueue *vq = &vdev->vq[i];

        if ((vdev->status & VIRTIO_CONFIG_S_DRIVER_OK) && vq->handle_output &&
            !virtqueue_empty(vq)) {
            vq->handle_output(vdev, vq);
        }
    }
    return true;
}

static bool virtio_device_vmstate_post_load(void *opaque, int version_id, Error **errp)
{
    return virtio_device_post_load(opaque, errp);
}

/* What a virtio device without state of its own saves (virtio-blk, -net, -rng). */
static const VMStateDescription vmstate_virtio_device_only = {
    .name = "virtio",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = virtio_device_vmstate_post_load,
    .fields = virtio_device_fields,
};

static void virtio_device_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->reset = virtio_device_reset;
    DEVICE_CLASS(oc)->vmsd = &vmstate_virtio_device_only;
}

static const TypeInfo virtio_device_info = {
    .name = TYPE_VIRTIO_DEVICE,
    .parent = TYPE_DEVICE,
    .abstract = true,
    .instance_size = sizeof(VirtIODevice),
    .class_size = sizeof(VirtioDeviceClass),
    .instance_init = virtio_device_instance_init,
    .instance_finalize = virtio_device_finalize,
    .class_init = virtio_device_class_init,
};

static void virtio_register_types(void)
{
    type_register_static(&virtio_device_info);
}

type_init(virtio_register_types)
