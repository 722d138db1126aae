/*
 * xHCI transfer rings (xHCI 4.11): transfer descriptors on control and
 * interrupt/bulk endpoints, handed whole to the USB device.
 *
 * A TD on a control endpoint is a Setup Stage TRB (the 8-byte request in its
 * parameter, IDT set), an optional Data Stage TRB with Normal TRBs chained to
 * it, and a Status Stage TRB. On other endpoints a TD is the Normal TRBs up
 * to the first one without the Chain bit. Event Data TRBs may sit in either;
 * No-Op TRBs are TDs of their own.
 *
 * The whole TD is read before anything happens, so a TD the guest is still
 * writing (its end not yet owned by us) waits for the next doorbell, and the
 * ring's dequeue pointer moves only past completed TDs: a device answering
 * NAK (nothing to report) leaves the TD at the dequeue pointer until it
 * wakes the endpoint. Events: one per TRB with IOC, and on a short IN
 * transfer one on the TRB where it ended if that TRB has ISP or IOC (the
 * rest of the TD is skipped). A STALL halts the endpoint with the dequeue
 * pointer on the TD, as the driver's Reset Endpoint / Set TR Dequeue expect.
 */
#include <inttypes.h>

#include "hw/usb/xhci.h"
#include "util/log.h"

typedef struct XHCITD {
    XHCITRB trbs[XHCI_TD_MAX_TRBS];
    int n;
} XHCITD;

static void xfer_event(XHCIState *s, int slotid, int dci, const XHCITRB *trb, uint8_t cc,
                       uint32_t residual, bool event_data)
{
    XHCITRB ev = {.parameter = event_data ? trb->parameter : trb->addr,
                  .status = ((uint32_t)cc << 24) | (residual & 0xffffff),
                  .control = (TRB_EV_TRANSFER << 10) | ((uint32_t)dci << 16) |
                             ((uint32_t)slotid << 24) | (event_data ? TRB_EV_ED : 0)};

    xhci_post_event(s, &ev);
}

/* Read the next TD into td; false if there is none yet (*r says why). */
static bool td_read(XHCIRing *ring, bool control, XHCITD *td, unsigned *budget, XHCIRingResult *r)
{
    td->n = 0;
    for (;;) {
        XHCITRB *trb = &td->trbs[td->n];
        unsigned type;

        *r = xhci_ring_fetch(ring, trb, budget);
        if (*r != XHCI_RING_TRB) {
            return false;
        }
        td->n++;
        type = TRB_TYPE(trb->control);
        if (type == TRB_NOOP || (control ? type == TRB_STATUS : !(trb->control & TRB_TR_CH))) {
            return true;
        }
        if (td->n == XHCI_TD_MAX_TRBS) {
            log_mask(LOG_GUEST_ERROR, "xhci: TD at 0x%" PRIx64 " longer than %d TRBs\n",
                     td->trbs[0].addr, XHCI_TD_MAX_TRBS);
            *r = XHCI_RING_ERROR;
            return false;
        }
    }
}

static bool trb_has_data(const XHCITRB *trb)
{
    unsigned type = TRB_TYPE(trb->control);
    return type == TRB_NORMAL || type == TRB_DATA;
}

/* Copy the OUT data of the TD's data TRBs into s->buf; the byte count, -1 on a bad buffer. */
static int td_gather(XHCIState *s, const XHCITD *td, int first)
{
    int total = 0;

    for (int i = first; i < td->n; i++) {
        const XHCITRB *trb = &td->trbs[i];
        int len = MIN((int)(trb->status & 0x1ffff), XHCI_XFER_MAX - total);

        if (!trb_has_data(trb)) {
            continue;
        }
        if (trb->control & TRB_TR_IDT) {
            uint8_t imm[8];
            for (int b = 0; b < 8; b++) {
                imm[b] = trb->parameter >> (8 * b);
            }
            memcpy(s->buf + total, imm, MIN(len, 8));
        } else if (!xhci_dma_read(trb->parameter, s->buf + total, len)) {
            return -1;
        }
        total += len;
    }
    return total;
}

static int td_capacity(const XHCITD *td, int first)
{
    int total = 0;

    for (int i = first; i < td->n; i++) {
        if (trb_has_data(&td->trbs[i])) {
            total += td->trbs[i].status & 0x1ffff;
        }
    }
    return MIN(total, XHCI_XFER_MAX);
}

/*
 * Finish a TD's data TRBs from first: scatter count IN bytes (in: true) and post the events.
 * Returns false if a buffer was outside RAM (a Data Buffer Error was reported).
 */
static bool td_complete(XHCIState *s, int slotid, int dci, const XHCITD *td, int first, bool in,
                        int count)
{
    int done = 0, capacity = td_capacity(td, first);
    bool short_packet = count < capacity;

    for (int i = first; i < td->n; i++) {
        const XHCITRB *trb = &td->trbs[i];
        int len = trb_has_data(trb) ? (int)(trb->status & 0x1ffff) : 0;
        int moved = MIN(len, count - done);
        unsigned type = TRB_TYPE(trb->control);

        if (type == TRB_STATUS || type == TRB_SETUP) {
            continue; /* the caller reports the stages */
        }
        if (type == TRB_EVENT_DATA) {
            if (trb->control & TRB_TR_IOC) {
                xfer_event(s, slotid, dci, trb, short_packet ? CC_SHORT_PACKET : CC_SUCCESS, done,
                           true);
            }
            continue;
        }
        if (in && moved > 0 && !xhci_dma_write(trb->parameter, s->buf + done, moved)) {
            xfer_event(s, slotid, dci, trb, CC_DATA_BUFFER_ERROR, len, false);
            return false;
        }
        done += moved;
        if (moved < len) {
            if (trb->control & (TRB_TR_ISP | TRB_TR_IOC)) {
                xfer_event(s, slotid, dci, trb, CC_SHORT_PACKET, len - moved, false);
            }
            return true; /* the rest of the TD is skipped */
        }
        if (trb->control & TRB_TR_IOC) {
            xfer_event(s, slotid, dci, trb, CC_SUCCESS, 0, false);
        }
    }
    return true;
}

static void ep_halt(XHCIState *s, int slotid, int dci, const XHCITRB *trb, uint8_t cc)
{
    s->slots[slotid - 1].eps[dci].state = EP_HALTED;
    xhci_ctx_update_ep(s, slotid, dci);
    xfer_event(s, slotid, dci, trb, cc, trb->status & 0x1ffff, false);
}

/* A control TD. Returns false if the TD stays on the ring (the endpoint halted). */
static bool td_control(XHCIState *s, int slotid, USBDevice *dev, const XHCITD *td)
{
    const XHCITRB *setup_trb = &td->trbs[0], *status_trb = &td->trbs[td->n - 1];
    USBSetup setup;
    uint8_t raw[8];
    int count;
    bool in;

    if (TRB_TYPE(setup_trb->control) != TRB_SETUP || !(setup_trb->control & TRB_TR_IDT) ||
        (setup_trb->status & 0x1ffff) != 8 || td->n < 2) {
        log_mask(LOG_GUEST_ERROR,
                 "xhci: control TD at 0x%" PRIx64 " does not start with a "
                 "Setup Stage TRB with 8 immediate bytes\n",
                 setup_trb->addr);
        ep_halt(s, slotid, 1, setup_trb, CC_TRB_ERROR);
        return false;
    }
    for (int b = 0; b < 8; b++) {
        raw[b] = setup_trb->parameter >> (8 * b);
    }
    usb_setup_decode(&setup, raw);
    in = setup.request_type & USB_DIR_IN;
    setup.length = MIN(setup.length, td_capacity(td, 1));
    if (!in && td_gather(s, td, 1) < 0) {
        ep_halt(s, slotid, 1, &td->trbs[1], CC_DATA_BUFFER_ERROR);
        return false;
    }
    if (in) {
        memset(s->buf, 0, setup.length);
    }
    count = usb_device_control(dev, &setup, s->buf);
    if (count == USB_RET_STALL || count == USB_RET_NAK) {
        ep_halt(s, slotid, 1, td->n > 2 ? &td->trbs[1] : status_trb, CC_STALL);
        return false;
    }
    if (setup_trb->control & TRB_TR_IOC) {
        xfer_event(s, slotid, 1, setup_trb, CC_SUCCESS, 0, false);
    }
    if (!td_complete(s, slotid, 1, td, 1, in, in ? MIN(count, setup.length) : setup.length)) {
        return true;
    }
    if (status_trb->control & TRB_TR_IOC) {
        xfer_event(s, slotid, 1, status_trb, CC_SUCCESS, 0, false);
    }
    return true;
}

/* A TD on an interrupt or bulk endpoint. false: it stays (NAK or halt). */
static bool td_normal(XHCIState *s, int slotid, int dci, USBDevice *dev, const XHCITD *td)
{
    bool in = dci & 1;
    int len = td_capacity(td, 0), count;

    for (int i = 0; i < td->n; i++) {
        unsigned type = TRB_TYPE(td->trbs[i].control);
        if (type != TRB_NORMAL && type != TRB_EVENT_DATA && type != TRB_NOOP) {
            log_mask(LOG_GUEST_ERROR, "xhci: TRB type %u on a non-control endpoint\n", type);
            ep_halt(s, slotid, dci, &td->trbs[i], CC_TRB_ERROR);
            return false;
        }
    }
    if (!in && (len = td_gather(s, td, 0)) < 0) {
        ep_halt(s, slotid, dci, &td->trbs[0], CC_DATA_BUFFER_ERROR);
        return false;
    }
    count = usb_device_data(dev, dci / 2, in, s->buf, len);
    if (count == USB_RET_NAK) {
        return false;
    }
    if (count == USB_RET_STALL) {
        ep_halt(s, slotid, dci, &td->trbs[0], CC_STALL);
        return false;
    }
    td_complete(s, slotid, dci, td, 0, in, in ? count : len);
    return true;
}

void xhci_kick_endpoint(XHCIState *s, int slotid, int dci)
{
    XHCISlot *slot = &s->slots[slotid - 1];
    XHCIEndpoint *ep = &slot->eps[dci];
    USBDevice *dev = xhci_port_device(s, slot->port);
    unsigned budget = XHCI_TRB_BUDGET;
    XHCITD *td = xnew0(XHCITD, 1);

    if (!slot->enabled || ep->state == EP_DISABLED || ep->state == EP_HALTED || !dev) {
        goto out;
    }
    ep->state = EP_RUNNING; /* a doorbell restarts a stopped endpoint */
    for (;;) {
        XHCIRing ring = ep->ring;
        XHCIRingResult r;

        if (!td_read(&ring, dci == 1, td, &budget, &r)) {
            if (r == XHCI_RING_ERROR) {
                XHCITRB where = {.addr = ep->ring.dequeue};
                ep_halt(s, slotid, dci, &where, CC_TRB_ERROR);
            }
            break;
        }
        if (TRB_TYPE(td->trbs[td->n - 1].control) == TRB_NOOP) {
            if (td->trbs[td->n - 1].control & TRB_TR_IOC) {
                xfer_event(s, slotid, dci, &td->trbs[td->n - 1], CC_SUCCESS, 0, false);
            }
        } else if (!(dci == 1 ? td_control(s, slotid, dev, td)
                              : td_normal(s, slotid, dci, dev, td))) {
            break;
        }
        ep->ring = ring;
        if (ep->state != EP_RUNNING) {
            break;
        }
    }
out:
    free(td);
}
