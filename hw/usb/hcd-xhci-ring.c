/*
 * xHCI rings (xHCI 4.9): the consumer side of command and transfer rings,
 * and the producer side of an event ring, over guest memory.
 *
 * A TRB is 16 bytes: parameter (le64), status (le32), control (le32) whose
 * bit 0 is the cycle bit. The consumer owns a TRB when its cycle bit equals
 * the consumer cycle state; a Link TRB points to the next segment and, with
 * Toggle Cycle set, flips that state. Event rings are described by the Event
 * Ring Segment Table (ERST: base le64, size le32 in TRBs, reserved); the
 * producer writes with its cycle state, flipped on each wrap to segment 0,
 * and the ring is full when the next slot is the one at ERDP.
 */
#include <inttypes.h>

#include "hw/usb/xhci.h"
#include "hw/virtio/virtio.h"
#include "util/log.h"

/* ---- guest memory ---- */

/* The RAM-only rule of device DMA is virtio's (virtio_dma_check): one rule, written once. */
bool xhci_dma_read(uint64_t addr, void *buf, uint64_t len)
{
    if (!virtio_dma_check(addr, len, false)) {
        log_mask(LOG_GUEST_ERROR, "xhci: DMA read of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return len == 0 || address_space_read(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

bool xhci_dma_write(uint64_t addr, const void *buf, uint64_t len)
{
    if (!virtio_dma_check(addr, len, true)) {
        log_mask(LOG_GUEST_ERROR, "xhci: DMA write of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return len == 0 || address_space_write(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

static uint32_t le32(const uint8_t *p)
{
    return p[0] | (p[1] << 8) | (p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void st32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = v >> (8 * i);
    }
}

static bool trb_read(uint64_t addr, XHCITRB *trb)
{
    uint8_t raw[16];

    if (!xhci_dma_read(addr, raw, sizeof(raw))) {
        return false;
    }
    trb->parameter = le32(raw) | ((uint64_t)le32(raw + 4) << 32);
    trb->status = le32(raw + 8);
    trb->control = le32(raw + 12);
    trb->addr = addr;
    return true;
}

/* ---- consumer ---- */

XHCIRingResult xhci_ring_fetch(XHCIRing *ring, XHCITRB *trb, unsigned *budget)
{
    for (;;) {
        if (*budget == 0) {
            log_mask(LOG_GUEST_ERROR, "xhci: ring at 0x%" PRIx64 " still going after %u TRBs\n",
                     ring->dequeue, XHCI_TRB_BUDGET);
            return XHCI_RING_ERROR;
        }
        (*budget)--;
        if (!trb_read(ring->dequeue, trb)) {
            return XHCI_RING_ERROR;
        }
        if (!!(trb->control & TRB_C) != ring->ccs) {
            return XHCI_RING_EMPTY;
        }
        if (TRB_TYPE(trb->control) != TRB_LINK) {
            ring->dequeue += 16;
            return XHCI_RING_TRB;
        }
        ring->dequeue = trb->parameter & ~0xfull;
        if (trb->control & TRB_LINK_TC) {
            ring->ccs = !ring->ccs;
        }
    }
}

/* ---- event ring producer ---- */

static bool erst_segment(XHCIInterrupter *intr, uint32_t index)
{
    uint8_t entry[16];

    if (!xhci_dma_read(intr->erstba + 16ull * index, entry, sizeof(entry))) {
        return false;
    }
    intr->seg_base = (le32(entry) | ((uint64_t)le32(entry + 4) << 32)) & ~0x3full;
    intr->seg_size = le32(entry + 8) & 0xffff;
    intr->seg_index = index;
    intr->enqueue = 0;
    if (intr->seg_size < 16 || intr->seg_size > 4096) {
        log_mask(LOG_GUEST_ERROR, "xhci: event ring segment %u has %u TRBs (16..4096)\n", index,
                 intr->seg_size);
        intr->seg_size = 0;
        return false;
    }
    return true;
}

bool xhci_event_ring_init(XHCIInterrupter *intr)
{
    intr->pcs = true;
    intr->seg_size = 0;
    if (intr->erstsz == 0) {
        return true; /* no ring: events are dropped until the guest sets one up */
    }
    return erst_segment(intr, 0);
}

/* Where the producer writes after the current slot (segment, index, cycle). */
static uint64_t event_next_addr(XHCIInterrupter *intr)
{
    uint8_t entry[16];

    if (intr->enqueue + 1 < intr->seg_size) {
        return intr->seg_base + 16ull * (intr->enqueue + 1);
    }
    if (!xhci_dma_read(intr->erstba + 16ull * ((intr->seg_index + 1) % intr->erstsz), entry,
                       sizeof(entry))) {
        return UINT64_MAX;
    }
    return (le32(entry) | ((uint64_t)le32(entry + 4) << 32)) & ~0x3full;
}

bool xhci_event_ring_push(XHCIInterrupter *intr, const XHCITRB *ev)
{
    uint8_t raw[16];
    uint64_t addr = intr->seg_base + 16ull * intr->enqueue;

    if (intr->seg_size == 0) {
        log_mask(LOG_GUEST_ERROR, "xhci: event (type %u) dropped: no event ring\n",
                 TRB_TYPE(ev->control));
        return false;
    }
    if (event_next_addr(intr) == (intr->erdp & ~0xfull)) {
        log_mask(LOG_GUEST_ERROR, "xhci: event ring full, event (type %u) dropped\n",
                 TRB_TYPE(ev->control));
        return false;
    }
    st32(raw, (uint32_t)ev->parameter);
    st32(raw + 4, ev->parameter >> 32);
    st32(raw + 8, ev->status);
    st32(raw + 12, (ev->control & ~TRB_C) | (intr->pcs ? TRB_C : 0));
    if (!xhci_dma_write(addr, raw, sizeof(raw))) {
        return false;
    }
    if (++intr->enqueue == intr->seg_size) {
        uint32_t next = (intr->seg_index + 1) % intr->erstsz;

        if (next == 0) {
            intr->pcs = !intr->pcs;
        }
        if (!erst_segment(intr, next)) {
            return true; /* this event is written; later ones find no ring */
        }
    }
    return true;
}
