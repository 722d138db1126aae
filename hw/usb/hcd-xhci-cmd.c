/*
 * xHCI commands (xHCI 4.6) and device contexts (6.2).
 *
 * Contexts are 32 bytes (HCCPARAMS1.CSZ = 0). An Input Context holds the
 * Input Control Context (drop flags in dword 0, add flags in dword 1) at 0,
 * the Slot Context at 0x20 and endpoint DCI i at 0x20 * (i + 1); the Output
 * (device) Context, whose address the guest puts in DCBAA[slot], holds the
 * Slot Context at 0 and DCI i at 0x20 * i. The controller keeps each slot's
 * and endpoint's state itself and writes it back into the output context
 * whenever it changes, because drivers read the state and the dequeue
 * pointer from there (Linux after Stop Endpoint).
 *
 * Commands run synchronously when doorbell 0 rings; each one posts a Command
 * Completion Event with its TRB's address, a completion code and the slot.
 */
#include <inttypes.h>

#include "hw/usb/xhci.h"
#include "util/log.h"

#define ICC_SIZE 0x20
#define CTX_SIZE 0x20

static void ctx_decode(const uint8_t *raw, uint32_t *dw, int n)
{
    for (int i = 0; i < n; i++) {
        dw[i] = raw[4 * i] | (raw[4 * i + 1] << 8) | (raw[4 * i + 2] << 16) |
                ((uint32_t)raw[4 * i + 3] << 24);
    }
}

static bool ctx_read(uint64_t addr, uint32_t dw[8])
{
    uint8_t raw[CTX_SIZE];

    if (!xhci_dma_read(addr, raw, sizeof(raw))) {
        return false;
    }
    ctx_decode(raw, dw, 8);
    return true;
}

static bool ctx_write(uint64_t addr, const uint32_t dw[8])
{
    uint8_t raw[CTX_SIZE];

    for (int i = 0; i < 8; i++) {
        for (int b = 0; b < 4; b++) {
            raw[4 * i + b] = dw[i] >> (8 * b);
        }
    }
    return xhci_dma_write(addr, raw, sizeof(raw));
}

static XHCISlot *slot_of(XHCIState *s, int slotid)
{
    return slotid >= 1 && slotid <= XHCI_MAXSLOTS && s->slots[slotid - 1].enabled
               ? &s->slots[slotid - 1]
               : NULL;
}

void xhci_ctx_update_slot(XHCIState *s, int slotid)
{
    XHCISlot *slot = slot_of(s, slotid);
    USBDevice *dev;
    uint32_t dw[8];

    if (!slot || !slot->ctx || !ctx_read(slot->ctx, dw)) {
        return;
    }
    dev = xhci_port_device(s, slot->port);
    dw[3] = ((uint32_t)slot->state << 27) | (dev && slot->state >= SLOT_ADDRESSED ? slotid : 0);
    ctx_write(slot->ctx, dw);
}

void xhci_ctx_update_ep(XHCIState *s, int slotid, int dci)
{
    XHCISlot *slot = slot_of(s, slotid);
    XHCIEndpoint *ep;
    uint32_t dw[8];

    if (!slot || !slot->ctx || !ctx_read(slot->ctx + CTX_SIZE * dci, dw)) {
        return;
    }
    ep = &slot->eps[dci];
    dw[0] = (dw[0] & ~7u) | ep->state;
    dw[2] = (uint32_t)(ep->ring.dequeue) | ep->ring.ccs;
    dw[3] = ep->ring.dequeue >> 32;
    ctx_write(slot->ctx + CTX_SIZE * dci, dw);
}

/* Take endpoint dci's context from an input context: its type and transfer ring. */
static uint8_t ep_enable(XHCIState *s, int slotid, int dci, const uint32_t in[8])
{
    XHCISlot *slot = slot_of(s, slotid);
    XHCIEndpoint *ep = &slot->eps[dci];
    uint64_t deq = in[2] | ((uint64_t)in[3] << 32);
    uint32_t out[8];

    ep->type = (in[1] >> 3) & 7;
    if (ep->type == 0 || (dci == 1) != (ep->type == 4)) {
        log_mask(LOG_GUEST_ERROR, "xhci: slot %d endpoint %d: bad type %u\n", slotid, dci,
                 ep->type);
        return CC_PARAMETER_ERROR;
    }
    ep->ring = (XHCIRing){deq & ~0xfull, deq & 1};
    ep->state = EP_RUNNING;
    memcpy(out, in, sizeof(out));
    out[0] = (out[0] & ~7u) | EP_RUNNING;
    return ctx_write(slot->ctx + CTX_SIZE * dci, out) ? CC_SUCCESS : CC_PARAMETER_ERROR;
}

static void ep_disable(XHCIState *s, int slotid, int dci)
{
    s->slots[slotid - 1].eps[dci] = (XHCIEndpoint){0};
    xhci_ctx_update_ep(s, slotid, dci);
}

/* ---- the commands ---- */

static uint8_t cmd_enable_slot(XHCIState *s, int *slotid)
{
    int max = MIN(s->config & 0xff, XHCI_MAXSLOTS);

    for (int i = 0; i < max; i++) {
        if (!s->slots[i].enabled) {
            s->slots[i] = (XHCISlot){.enabled = true, .state = SLOT_ENABLED};
            *slotid = i + 1;
            return CC_SUCCESS;
        }
    }
    return CC_NO_SLOTS;
}

static uint8_t cmd_disable_slot(XHCIState *s, int slotid)
{
    XHCISlot *slot = slot_of(s, slotid);

    if (!slot) {
        return CC_SLOT_NOT_ENABLED;
    }
    for (int dci = 1; dci < XHCI_MAXEPS; dci++) {
        slot->eps[dci].state = EP_DISABLED;
    }
    slot->state = SLOT_ENABLED;
    xhci_ctx_update_slot(s, slotid);
    *slot = (XHCISlot){0};
    return CC_SUCCESS;
}

/* The input context's control, slot and EP0 contexts; false on a bad pointer. */
static bool input_ctx_read(uint64_t ictx, uint32_t icc[8], uint32_t sctx[8], uint32_t ep0[8])
{
    return ctx_read(ictx, icc) && ctx_read(ictx + ICC_SIZE, sctx) &&
           ctx_read(ictx + ICC_SIZE + CTX_SIZE, ep0);
}

static uint8_t cmd_address_device(XHCIState *s, int slotid, const XHCITRB *trb)
{
    XHCISlot *slot = slot_of(s, slotid);
    bool bsr = trb->control & TRB_CMD_BSR;
    uint32_t icc[8], sctx[8], ep0[8];
    uint8_t octx_raw[8];
    USBDevice *dev;
    int port;

    if (!slot) {
        return CC_SLOT_NOT_ENABLED;
    }
    if (slot->state >= SLOT_ADDRESSED || (bsr && slot->state != SLOT_ENABLED)) {
        return CC_CONTEXT_STATE_ERROR;
    }
    if (!input_ctx_read(trb->parameter & ~0xfull, icc, sctx, ep0) ||
        !xhci_dma_read(s->dcbaap + 8ull * slotid, octx_raw, 8)) {
        return CC_TRB_ERROR;
    }
    if (icc[0] != 0 || icc[1] != 3) {
        return CC_PARAMETER_ERROR; /* exactly the slot and EP0 contexts */
    }
    port = (sctx[1] >> 16) & 0xff;
    dev = xhci_port_device(s, port);
    if (!dev) {
        log_mask(LOG_GUEST_ERROR, "xhci: address device on port %d: no device\n", port);
        return CC_TRANSACTION_ERROR;
    }
    ctx_decode(octx_raw, icc, 2); /* icc now holds the output context pointer */
    slot->ctx = (icc[0] | ((uint64_t)icc[1] << 32)) & ~0x3full;
    slot->port = port;
    if (!ctx_write(slot->ctx, sctx)) {
        return CC_TRB_ERROR;
    }
    if (ep_enable(s, slotid, 1, ep0) != CC_SUCCESS) {
        return CC_PARAMETER_ERROR;
    }
    if (!bsr) {
        /* SET_ADDRESS happens here, not on the guest's ring: the slot ID is the address. */
        USBSetup setup = {0, USB_REQ_SET_ADDRESS, slotid, 0, 0};
        usb_device_control(dev, &setup, s->buf);
    }
    slot->state = bsr ? SLOT_DEFAULT : SLOT_ADDRESSED;
    xhci_ctx_update_slot(s, slotid);
    return CC_SUCCESS;
}

static uint8_t cmd_configure_endpoint(XHCIState *s, int slotid, const XHCITRB *trb)
{
    XHCISlot *slot = slot_of(s, slotid);
    uint64_t ictx = trb->parameter & ~0xfull;
    uint32_t icc[8], sctx[8], ep[8], out[8];
    bool any = false;

    if (!slot) {
        return CC_SLOT_NOT_ENABLED;
    }
    if (slot->state < SLOT_ADDRESSED) {
        return CC_CONTEXT_STATE_ERROR;
    }
    if (trb->control & TRB_CMD_DC) {
        for (int dci = 2; dci < XHCI_MAXEPS; dci++) {
            ep_disable(s, slotid, dci);
        }
        slot->state = SLOT_ADDRESSED;
        xhci_ctx_update_slot(s, slotid);
        return CC_SUCCESS;
    }
    if (!ctx_read(ictx, icc) || !ctx_read(ictx + ICC_SIZE, sctx) || !ctx_read(slot->ctx, out)) {
        return CC_TRB_ERROR;
    }
    for (int dci = 2; dci < XHCI_MAXEPS; dci++) {
        if (icc[0] & (1u << dci)) {
            ep_disable(s, slotid, dci);
        }
        if (icc[1] & (1u << dci)) {
            uint8_t cc = ctx_read(ictx + ICC_SIZE + CTX_SIZE * dci, ep)
                             ? ep_enable(s, slotid, dci, ep)
                             : CC_TRB_ERROR;
            if (cc != CC_SUCCESS) {
                return cc;
            }
        }
    }
    for (int dci = 2; dci < XHCI_MAXEPS; dci++) {
        any |= slot->eps[dci].state != EP_DISABLED;
    }
    out[0] = (out[0] & ~(0x1fu << 27)) | (sctx[0] & (0x1fu << 27)); /* Context Entries */
    if (!ctx_write(slot->ctx, out)) {
        return CC_TRB_ERROR;
    }
    slot->state = any ? SLOT_CONFIGURED : SLOT_ADDRESSED;
    xhci_ctx_update_slot(s, slotid);
    return CC_SUCCESS;
}

static uint8_t cmd_evaluate_context(XHCIState *s, int slotid, const XHCITRB *trb)
{
    XHCISlot *slot = slot_of(s, slotid);
    uint64_t ictx = trb->parameter & ~0xfull;
    uint32_t icc[8], sctx[8], ep0[8], out[8];

    if (!slot) {
        return CC_SLOT_NOT_ENABLED;
    }
    if (slot->state < SLOT_DEFAULT && !slot->ctx) {
        return CC_CONTEXT_STATE_ERROR;
    }
    if (!input_ctx_read(ictx, icc, sctx, ep0)) {
        return CC_TRB_ERROR;
    }
    if ((icc[1] & 1) && ctx_read(slot->ctx, out)) {
        out[1] = (out[1] & ~0xffffu) | (sctx[1] & 0xffff);                /* Max Exit Latency */
        out[2] = (out[2] & ~(0x3ffu << 22)) | (sctx[2] & (0x3ffu << 22)); /* Interrupter */
        ctx_write(slot->ctx, out);
    }
    if ((icc[1] & 2) && ctx_read(slot->ctx + CTX_SIZE, out)) {
        out[1] = (out[1] & 0xffff) | (ep0[1] & 0xffff0000u); /* Max Packet Size */
        ctx_write(slot->ctx + CTX_SIZE, out);
    }
    return CC_SUCCESS;
}

/* Reset Endpoint, Stop Endpoint, Set TR Dequeue Pointer: one endpoint's state machine. */
static uint8_t cmd_endpoint(XHCIState *s, int slotid, const XHCITRB *trb)
{
    XHCISlot *slot = slot_of(s, slotid);
    int dci = TRB_EP(trb->control);
    XHCIEndpoint *ep;

    if (!slot) {
        return CC_SLOT_NOT_ENABLED;
    }
    if (dci < 1 || dci >= XHCI_MAXEPS || slot->eps[dci].state == EP_DISABLED) {
        return CC_EP_NOT_ENABLED;
    }
    ep = &slot->eps[dci];
    switch (TRB_TYPE(trb->control)) {
    case TRB_CMD_RESET_EP:
        if (ep->state != EP_HALTED) {
            return CC_CONTEXT_STATE_ERROR;
        }
        ep->state = EP_STOPPED;
        break;
    case TRB_CMD_STOP_EP:
        if (ep->state != EP_RUNNING) {
            return CC_CONTEXT_STATE_ERROR;
        }
        ep->state = EP_STOPPED;
        break;
    default: /* TRB_CMD_SET_TR_DEQUEUE */
        if (ep->state != EP_STOPPED && ep->state != EP_ERROR) {
            return CC_CONTEXT_STATE_ERROR;
        }
        ep->ring = (XHCIRing){trb->parameter & ~0xfull, trb->parameter & 1};
        break;
    }
    xhci_ctx_update_ep(s, slotid, dci);
    return CC_SUCCESS;
}

static uint8_t cmd_reset_device(XHCIState *s, int slotid)
{
    XHCISlot *slot = slot_of(s, slotid);

    if (!slot) {
        return CC_SLOT_NOT_ENABLED;
    }
    if (slot->state < SLOT_ADDRESSED) {
        return CC_CONTEXT_STATE_ERROR;
    }
    for (int dci = 2; dci < XHCI_MAXEPS; dci++) {
        ep_disable(s, slotid, dci);
    }
    slot->state = SLOT_DEFAULT;
    xhci_ctx_update_slot(s, slotid);
    return CC_SUCCESS;
}

static uint8_t xhci_command(XHCIState *s, const XHCITRB *trb, int *slotid)
{
    *slotid = TRB_SLOT(trb->control);
    switch (TRB_TYPE(trb->control)) {
    case TRB_CMD_ENABLE_SLOT:
        *slotid = 0;
        return cmd_enable_slot(s, slotid);
    case TRB_CMD_DISABLE_SLOT:
        return cmd_disable_slot(s, *slotid);
    case TRB_CMD_ADDRESS_DEVICE:
        return cmd_address_device(s, *slotid, trb);
    case TRB_CMD_CONFIGURE_EP:
        return cmd_configure_endpoint(s, *slotid, trb);
    case TRB_CMD_EVALUATE_CTX:
        return cmd_evaluate_context(s, *slotid, trb);
    case TRB_CMD_RESET_EP:
    case TRB_CMD_STOP_EP:
    case TRB_CMD_SET_TR_DEQUEUE:
        return cmd_endpoint(s, *slotid, trb);
    case TRB_CMD_RESET_DEVICE:
        return cmd_reset_device(s, *slotid);
    case TRB_CMD_NOOP:
        *slotid = 0;
        return CC_SUCCESS;
    default:
        log_mask(LOG_GUEST_ERROR, "xhci: command TRB at 0x%" PRIx64 " has type %u\n", trb->addr,
                 TRB_TYPE(trb->control));
        return CC_TRB_ERROR;
    }
}

void xhci_run_commands(XHCIState *s)
{
    unsigned budget = XHCI_TRB_BUDGET;
    XHCITRB trb;

    s->cmd_running = true;
    for (;;) {
        XHCIRingResult r = xhci_ring_fetch(&s->cmd_ring, &trb, &budget);
        XHCITRB ev = {.parameter = trb.addr, .control = TRB_EV_COMMAND_COMPLETE << 10};
        int slotid;

        if (r == XHCI_RING_EMPTY) {
            return;
        }
        if (r == XHCI_RING_ERROR) {
            xhci_host_error(s, "command ring unreadable or looping");
            return;
        }
        ev.status = (uint32_t)xhci_command(s, &trb, &slotid) << 24;
        ev.control |= (uint32_t)slotid << 24;
        xhci_post_event(s, &ev);
    }
}
