/*
 * The xHCI host controller ("qemu-xhci", PCI 1b36:000d; "nec-usb-xhci",
 * 1033:0194), after the eXtensible Host Controller Interface spec 1.2.
 * Shared by hw/usb/hcd-xhci*.c and the unit tests; see hw/usb/hcd-xhci.c for
 * the register map and the modelling choices.
 *
 * Everything runs under the BQL: MMIO handlers, doorbells and device wakeups
 * process rings synchronously. Guest memory is reached only through
 * xhci_dma_read/write (RAM only, range checked), and every ring walk takes
 * from a budget of TRBs (XHCI_TRB_BUDGET per doorbell), so a malformed ring
 * (loops of Link TRBs, pointers outside RAM) ends in an error completion or a
 * host controller error plus a guest_errors line, never a hang.
 */
#ifndef HW_USB_XHCI_H
#define HW_USB_XHCI_H

#include "hw/pci/pci.h"
#include "hw/usb/usb.h"

#define TYPE_QEMU_XHCI "qemu-xhci"
#define TYPE_NEC_XHCI "nec-usb-xhci"
#define TYPE_XHCI "base-xhci"

#define XHCI_MAXPORTS_2 15 /* p2= and p3= each, as QEMU */
#define XHCI_MAXPORTS (2 * XHCI_MAXPORTS_2)
#define XHCI_MAXSLOTS 64
#define XHCI_MAXEPS 32       /* device context index 1..31 */
#define XHCI_TRB_BUDGET 4096 /* TRBs one doorbell or wakeup may read */
#define XHCI_TD_MAX_TRBS 64  /* TRBs one transfer descriptor may span */
#define XHCI_XFER_MAX 65536  /* bytes one transfer descriptor moves */

/* TRB types (xHCI 6.4.6) */
enum {
    TRB_NORMAL = 1,
    TRB_SETUP = 2,
    TRB_DATA = 3,
    TRB_STATUS = 4,
    TRB_LINK = 6,
    TRB_EVENT_DATA = 7,
    TRB_NOOP = 8,
    TRB_CMD_ENABLE_SLOT = 9,
    TRB_CMD_DISABLE_SLOT = 10,
    TRB_CMD_ADDRESS_DEVICE = 11,
    TRB_CMD_CONFIGURE_EP = 12,
    TRB_CMD_EVALUATE_CTX = 13,
    TRB_CMD_RESET_EP = 14,
    TRB_CMD_STOP_EP = 15,
    TRB_CMD_SET_TR_DEQUEUE = 16,
    TRB_CMD_RESET_DEVICE = 17,
    TRB_CMD_NOOP = 23,
    TRB_EV_TRANSFER = 32,
    TRB_EV_COMMAND_COMPLETE = 33,
    TRB_EV_PORT_STATUS_CHANGE = 34,
    TRB_EV_HOST_CONTROLLER = 37,
};

/* TRB control bits */
#define TRB_C (1u << 0)       /* cycle */
#define TRB_LINK_TC (1u << 1) /* toggle cycle */
#define TRB_TR_ENT (1u << 1)
#define TRB_TR_ISP (1u << 2)
#define TRB_TR_CH (1u << 4)
#define TRB_TR_IOC (1u << 5)
#define TRB_TR_IDT (1u << 6)
#define TRB_TR_DIR_IN (1u << 16) /* Data Stage */
#define TRB_CMD_BSR (1u << 9)    /* Address Device: block SET_ADDRESS */
#define TRB_CMD_DC (1u << 9)     /* Configure Endpoint: deconfigure */
#define TRB_EV_ED (1u << 2)      /* Transfer Event: parameter is Event Data */
#define TRB_TYPE(control) (((control) >> 10) & 0x3f)
#define TRB_SLOT(control) ((control) >> 24)
#define TRB_EP(control) (((control) >> 16) & 0x1f)

/* Completion codes (xHCI 6.4.5) */
enum {
    CC_SUCCESS = 1,
    CC_DATA_BUFFER_ERROR = 2,
    CC_TRANSACTION_ERROR = 4,
    CC_TRB_ERROR = 5,
    CC_STALL = 6,
    CC_NO_SLOTS = 9,
    CC_SLOT_NOT_ENABLED = 11,
    CC_EP_NOT_ENABLED = 12,
    CC_SHORT_PACKET = 13,
    CC_PARAMETER_ERROR = 17,
    CC_CONTEXT_STATE_ERROR = 19,
    CC_EVENT_RING_FULL = 21,
    CC_COMMAND_RING_STOPPED = 24,
};

/* Slot and endpoint states as the contexts hold them (xHCI 6.2.2, 6.2.3) */
enum { SLOT_ENABLED = 0, SLOT_DEFAULT = 1, SLOT_ADDRESSED = 2, SLOT_CONFIGURED = 3 };
enum { EP_DISABLED = 0, EP_RUNNING = 1, EP_HALTED = 2, EP_STOPPED = 3, EP_ERROR = 4 };

typedef struct XHCITRB {
    uint64_t parameter;
    uint32_t status;
    uint32_t control;
    uint64_t addr; /* where it was read (not part of the TRB) */
} XHCITRB;

/* A consumer's view of a ring: the next TRB to read and the cycle state it must carry. */
typedef struct XHCIRing {
    uint64_t dequeue;
    bool ccs;
} XHCIRing;

typedef enum XHCIRingResult {
    XHCI_RING_TRB,   /* *trb holds the next TRB, the ring advanced past it */
    XHCI_RING_EMPTY, /* the next TRB still belongs to the producer */
    XHCI_RING_ERROR, /* a TRB outside RAM, or the budget ran out (a Link loop) */
} XHCIRingResult;

typedef struct XHCIEndpoint {
    uint8_t state; /* EP_* */
    uint8_t type;  /* EP Type field of the context: 4 control, 7 interrupt IN, ... */
    XHCIRing ring;
} XHCIEndpoint;

typedef struct XHCISlot {
    bool enabled;
    uint8_t state; /* SLOT_* */
    uint8_t port;  /* root hub port (1-based), 0: none yet */
    uint64_t ctx;  /* the output device context (from the DCBAA) */
    XHCIEndpoint eps[XHCI_MAXEPS];
} XHCISlot;

typedef struct XHCIPort {
    uint32_t portsc;
    USBPort *uport; /* the USB core's port, NULL for a SuperSpeed port (no device of ours
                     * runs at 5 Gb/s, so the bus has only the USB 2 ports) */
} XHCIPort;

typedef struct XHCIInterrupter {
    uint32_t iman, imod, erstsz;
    uint64_t erstba, erdp;
    /* producer state of the event ring */
    uint64_t seg_base;
    uint32_t seg_size, seg_index, enqueue;
    bool pcs;
} XHCIInterrupter;

typedef struct XHCIState {
    PCIDevice parent_obj;
    MemoryRegion mmio;
    USBBus *bus;
    uint32_t usbcmd, usbsts, dnctrl, config;
    uint64_t crcr, dcbaap;
    XHCIRing cmd_ring;
    bool cmd_running;
    XHCIInterrupter intr;
    XHCIPort ports[XHCI_MAXPORTS]; /* [n - 1]: port n; USB 2 ports first, as QEMU */
    USBPort uports[XHCI_MAXPORTS_2];
    int nports;
    XHCISlot slots[XHCI_MAXSLOTS];
    int64_t mfindex_start;      /* CLOCK_VIRTUAL ns when the controller started running */
    uint8_t buf[XHCI_XFER_MAX]; /* the data of the transfer in progress */
    /* properties */
    uint32_t p2, p3; /* USB 2 and USB 3 ports */
} XHCIState;

#define XHCI(obj) OBJECT_CHECK(XHCIState, (obj), TYPE_XHCI)

/* ---- hw/usb/hcd-xhci-ring.c ---- */

/* Guest memory, RAM only; false (and a guest_errors line) if any byte is outside. */
bool xhci_dma_read(uint64_t addr, void *buf, uint64_t len);
bool xhci_dma_write(uint64_t addr, const void *buf, uint64_t len);
/*
 * The next TRB of ring, following Link TRBs (toggling the cycle state when they say so).
 * Each TRB read (Links included) costs one unit of *budget.
 */
XHCIRingResult xhci_ring_fetch(XHCIRing *ring, XHCITRB *trb, unsigned *budget);
/* Write ev to the interrupter's event ring; false if the ring is full or unusable. */
bool xhci_event_ring_push(XHCIInterrupter *intr, const XHCITRB *ev);
/* ERSTBA/ERSTSZ were written: read the first segment (false: a bad table). */
bool xhci_event_ring_init(XHCIInterrupter *intr);

/* ---- hw/usb/hcd-xhci.c ---- */

/* Post an event on interrupter 0 and update the interrupt line. */
void xhci_post_event(XHCIState *s, const XHCITRB *ev);
/* A host controller error (USBSTS.HCE): the controller stops until reset. */
void xhci_host_error(XHCIState *s, const char *why);
/* The device on root hub port n (1-based), NULL if none. */
USBDevice *xhci_port_device(XHCIState *s, int n);

/* ---- hw/usb/hcd-xhci-cmd.c ---- */

/* Doorbell 0: run the command ring. */
void xhci_run_commands(XHCIState *s);
/* Write the slot's and an endpoint's state (and dequeue pointer) to the output context. */
void xhci_ctx_update_slot(XHCIState *s, int slotid);
void xhci_ctx_update_ep(XHCIState *s, int slotid, int dci);

/* ---- hw/usb/hcd-xhci-xfer.c ---- */

/* A doorbell for endpoint dci of slot slotid (or a device wakeup): run its transfer ring. */
void xhci_kick_endpoint(XHCIState *s, int slotid, int dci);

#endif
