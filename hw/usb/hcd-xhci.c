/*
 * xHCI host controller: "qemu-xhci" (PCI 1b36:000d) and "nec-usb-xhci"
 * (1033:0194), class 0c0330, one 64-bit memory BAR of 16 KiB (xHCI 1.2, ch. 5):
 *
 *   0x0000 capability registers (CAPLENGTH 0x40, HCIVERSION 1.0)
 *     0x04 HCSPARAMS1  64 slots, 1 interrupter, p2 + p3 ports
 *     0x08 HCSPARAMS2  IST 15, one event ring segment, no scratchpad
 *     0x10 HCCPARAMS1  64-bit addressing, 32-byte contexts, extended caps at 0x20
 *     0x14 DBOFF 0x2000   0x18 RTSOFF 0x1000
 *     0x20 Supported Protocol "USB 2.0", ports 1..p2
 *     0x30 Supported Protocol "USB 3.0", ports p2+1..p2+p3
 *   0x0040 operational registers: USBCMD, USBSTS, PAGESIZE (4 KiB), DNCTRL,
 *          CRCR, DCBAAP, CONFIG; port n at 0x400 + 0x10 * (n - 1): PORTSC ...
 *   0x1000 runtime registers: MFINDEX; interrupter 0 at 0x20: IMAN, IMOD,
 *          ERSTSZ, ERSTBA, ERDP
 *   0x2000 doorbells: 0 = command ring, n = slot n (target: endpoint DCI)
 *
 * Modelling choices: interrupter 0 only, on INTx (there is no MSI controller
 * on virt yet); 32-bit registers (a 64-bit access is split by the memory
 * core); no streams, isochronous transfers, save/restore state or hubs. The
 * HID devices run at high speed, so they attach to the USB 2 ports only. Port
 * status changes post events only while the controller runs; a stopped
 * controller's driver reads the ports when it starts.
 */
#include <inttypes.h>

#include "hw/usb/xhci.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

#define XHCI_BAR_SIZE 0x4000
#define XHCI_OPER 0x40
#define XHCI_PORTS (XHCI_OPER + 0x400)
#define XHCI_RUNTIME 0x1000
#define XHCI_INTR0 (XHCI_RUNTIME + 0x20)
#define XHCI_DOORBELL 0x2000

/* USBCMD / USBSTS */
#define USBCMD_RS (1u << 0)
#define USBCMD_HCRST (1u << 1)
#define USBCMD_INTE (1u << 2)
#define USBCMD_HSEE (1u << 3)
#define USBCMD_EWE (1u << 10)
#define USBSTS_HCH (1u << 0)
#define USBSTS_HSE (1u << 2)
#define USBSTS_EINT (1u << 3)
#define USBSTS_PCD (1u << 4)
#define USBSTS_SRE (1u << 10)
#define USBSTS_HCE (1u << 12)
#define CRCR_RCS (1ull << 0)
#define CRCR_CS (1ull << 1)
#define CRCR_CA (1ull << 2)
#define CRCR_CRR (1ull << 3)
/* PORTSC */
#define PORTSC_CCS (1u << 0)
#define PORTSC_PED (1u << 1)
#define PORTSC_PR (1u << 4)
#define PORTSC_PLS_SHIFT 5
#define PORTSC_PLS_MASK (0xfu << PORTSC_PLS_SHIFT)
#define PORTSC_PP (1u << 9)
#define PORTSC_SPEED_SHIFT 10
#define PORTSC_LWS (1u << 16)
#define PORTSC_CSC (1u << 17)
#define PORTSC_PRC (1u << 21)
#define PORTSC_PLC (1u << 22)
#define PORTSC_CHANGES (0x7fu << 17) /* CSC PEC WRC OCC PRC PLC CEC */
#define PORTSC_WAKE_BITS (7u << 25)  /* WCE WDE WOE */
#define PORTSC_WPR (1u << 31)
#define PLS_U0 0
#define PLS_U3 3
#define PLS_RXDETECT 5
#define PLS_POLLING 7
#define PORT_SPEED_HIGH 3
/* IMAN / ERDP */
#define IMAN_IP (1u << 0)
#define IMAN_IE (1u << 1)
#define ERDP_EHB (1ull << 3)

static XHCIState *xhci_of_port(USBPort *port)
{
    return port->opaque;
}

/* ---- interrupts and events ---- */

static bool xhci_events_pending(XHCIState *s)
{
    XHCIInterrupter *i = &s->intr;

    return i->seg_size && i->seg_base + 16ull * i->enqueue != (i->erdp & ~0xfull);
}

static void xhci_intr_update(XHCIState *s)
{
    XHCIInterrupter *i = &s->intr;
    bool level;

    /* A new interrupt only once the driver has handed back the events (EHB clear). */
    if (!(i->erdp & ERDP_EHB) && xhci_events_pending(s)) {
        i->iman |= IMAN_IP;
        i->erdp |= ERDP_EHB;
        s->usbsts |= USBSTS_EINT;
    }
    level = (i->iman & IMAN_IP) && (i->iman & IMAN_IE) && (s->usbcmd & USBCMD_INTE);
    pci_set_irq(PCI_DEVICE(s), level);
}

void xhci_post_event(XHCIState *s, const XHCITRB *ev)
{
    if (s->usbsts & (USBSTS_HCH | USBSTS_HCE)) {
        return;
    }
    xhci_event_ring_push(&s->intr, ev);
    xhci_intr_update(s);
}

void xhci_host_error(XHCIState *s, const char *why)
{
    log_mask(LOG_GUEST_ERROR, "xhci: host controller error: %s\n", why);
    s->usbsts |= USBSTS_HCE;
    s->cmd_running = false;
}

/* ---- ports ---- */

USBDevice *xhci_port_device(XHCIState *s, int n)
{
    return n >= 1 && n <= s->nports && s->ports[n - 1].uport ? s->ports[n - 1].uport->dev : NULL;
}

static void xhci_port_set_pls(XHCIPort *p, unsigned pls)
{
    p->portsc = (p->portsc & ~PORTSC_PLS_MASK) | (pls << PORTSC_PLS_SHIFT);
}

/* Set change bits; an event when one of them is new and the controller runs. */
static void xhci_port_change(XHCIState *s, int n, uint32_t bits)
{
    XHCIPort *p = &s->ports[n - 1];
    bool news = bits & ~p->portsc;
    XHCITRB ev = {.parameter = (uint64_t)n << 24,
                  .status = CC_SUCCESS << 24,
                  .control = TRB_EV_PORT_STATUS_CHANGE << 10};

    p->portsc |= bits;
    if (news && (s->usbcmd & USBCMD_RS)) {
        s->usbsts |= USBSTS_PCD;
        xhci_post_event(s, &ev);
    }
}

/* The port's state without its change bits, after connect/disconnect or reset. */
static void xhci_port_connect_state(XHCIState *s, int n)
{
    XHCIPort *p = &s->ports[n - 1];

    p->portsc = PORTSC_PP | (p->portsc & (PORTSC_CHANGES | PORTSC_WAKE_BITS));
    if (xhci_port_device(s, n)) {
        p->portsc |= PORTSC_CCS | (PORT_SPEED_HIGH << PORTSC_SPEED_SHIFT);
        xhci_port_set_pls(p, PLS_POLLING);
    } else {
        xhci_port_set_pls(p, PLS_RXDETECT);
    }
}

static void xhci_port_attach(USBPort *port)
{
    XHCIState *s = xhci_of_port(port);

    xhci_port_connect_state(s, port->index);
    xhci_port_change(s, port->index, PORTSC_CSC);
}

static void xhci_port_wakeup(USBPort *port, int ep)
{
    XHCIState *s = xhci_of_port(port);

    /* Only a running endpoint: a stopped one waits for its doorbell (after Set TR Dequeue). */
    for (int i = 0; i < XHCI_MAXSLOTS; i++) {
        if (s->slots[i].enabled && s->slots[i].port == port->index &&
            s->slots[i].eps[ep * 2 + 1].state == EP_RUNNING) {
            xhci_kick_endpoint(s, i + 1, ep * 2 + 1);
        }
    }
}

static const USBPortOps xhci_port_ops = {
    .attach = xhci_port_attach,
    .detach = xhci_port_attach, /* the same: the port reports what is (not) there */
    .wakeup = xhci_port_wakeup,
};

static void xhci_port_reset(XHCIState *s, int n, bool warm)
{
    XHCIPort *p = &s->ports[n - 1];
    USBDevice *dev = xhci_port_device(s, n);

    if (dev) {
        usb_device_reset(dev);
        p->portsc |= PORTSC_PED;
        xhci_port_set_pls(p, PLS_U0);
    }
    p->portsc &= ~PORTSC_PR;
    xhci_port_change(s, n, PORTSC_PRC | (warm ? 1u << 19 : 0));
}

static void xhci_portsc_write(XHCIState *s, int n, uint32_t val)
{
    XHCIPort *p = &s->ports[n - 1];
    unsigned pls = (val & PORTSC_PLS_MASK) >> PORTSC_PLS_SHIFT;

    p->portsc &= ~(val & PORTSC_CHANGES);
    p->portsc = (p->portsc & ~PORTSC_WAKE_BITS) | (val & PORTSC_WAKE_BITS);
    if (val & PORTSC_PED) {
        p->portsc &= ~PORTSC_PED;
    }
    if (val & (PORTSC_PR | PORTSC_WPR)) {
        xhci_port_reset(s, n, val & PORTSC_WPR);
        return;
    }
    if ((val & PORTSC_LWS) && (p->portsc & PORTSC_PED) && (pls == PLS_U0 || pls == PLS_U3)) {
        bool resume =
            pls == PLS_U0 && ((p->portsc & PORTSC_PLS_MASK) >> PORTSC_PLS_SHIFT) == PLS_U3;
        xhci_port_set_pls(p, pls);
        if (resume) {
            xhci_port_change(s, n, PORTSC_PLC);
        }
    }
}

/* ---- reset ---- */

static void xhci_reset_state(XHCIState *s)
{
    s->usbcmd = 0;
    s->usbsts = USBSTS_HCH;
    s->dnctrl = s->config = 0;
    s->crcr = s->dcbaap = 0;
    s->cmd_ring = (XHCIRing){0, false};
    s->cmd_running = false;
    memset(&s->intr, 0, sizeof(s->intr));
    memset(s->slots, 0, sizeof(s->slots));
    for (int n = 1; n <= s->nports; n++) {
        s->ports[n - 1].portsc = 0;
        xhci_port_connect_state(s, n);
        if (xhci_port_device(s, n)) {
            s->ports[n - 1].portsc |= PORTSC_CSC;
        }
    }
    pci_set_irq(PCI_DEVICE(s), false);
}

static void xhci_pci_reset(PCIDevice *dev)
{
    xhci_reset_state(XHCI(dev));
}

/* ---- capability and operational registers ---- */

static uint32_t xhci_cap_read(XHCIState *s, hwaddr addr)
{
    int p2 = s->p2, p3 = s->p3;

    switch (addr) {
    case 0x00:
        return XHCI_OPER | (0x0100 << 16);
    case 0x04:
        return XHCI_MAXSLOTS | (1 << 8) | ((uint32_t)s->nports << 24);
    case 0x08:
        return 0x0000000f;
    case 0x10:
        /* AC64, MaxPSASize 7, xECP at dword 8 (0x20) */
        return 0x1 | (7 << 12) | ((0x20 >> 2) << 16);
    case 0x14:
        return XHCI_DOORBELL;
    case 0x18:
        return XHCI_RUNTIME;
    case 0x20: /* Supported Protocol: ID 2, next 4 dwords, USB 2.0 */
        return 0x02000402;
    case 0x24:
    case 0x34:
        return 0x20425355; /* "USB " */
    case 0x28:
        return 1 | (p2 << 8);
    case 0x30: /* Supported Protocol: ID 2, last, USB 3.0 */
        return 0x03000002;
    case 0x38:
        return (p2 + 1) | (p3 << 8);
    default:
        return 0;
    }
}

static uint32_t xhci_oper_read(XHCIState *s, hwaddr addr)
{
    if (addr >= 0x400) {
        int n = (addr - 0x400) / 0x10 + 1;
        return n <= s->nports && (addr & 0xf) == 0 ? s->ports[n - 1].portsc : 0;
    }
    switch (addr) {
    case 0x00:
        return s->usbcmd;
    case 0x04:
        return s->usbsts;
    case 0x08:
        return 1; /* 4 KiB pages */
    case 0x14:
        return s->dnctrl;
    case 0x18:
        return s->cmd_running ? CRCR_CRR : 0; /* the pointer reads as zero */
    case 0x30:
        return (uint32_t)s->dcbaap;
    case 0x34:
        return s->dcbaap >> 32;
    case 0x38:
        return s->config;
    default:
        return 0;
    }
}

static void xhci_usbcmd_write(XHCIState *s, uint32_t val)
{
    if (val & USBCMD_HCRST) {
        xhci_reset_state(s);
        return;
    }
    if ((val & USBCMD_RS) && !(s->usbcmd & USBCMD_RS)) {
        s->usbsts &= ~USBSTS_HCH;
        s->mfindex_start = clock_get_ns(CLOCK_VIRTUAL);
    } else if (!(val & USBCMD_RS) && (s->usbcmd & USBCMD_RS)) {
        s->usbsts |= USBSTS_HCH;
        s->cmd_running = false;
    }
    s->usbcmd = val & (USBCMD_RS | USBCMD_INTE | USBCMD_HSEE | USBCMD_EWE);
    xhci_intr_update(s);
}

static void xhci_crcr_write(XHCIState *s, bool high, uint32_t val)
{
    if (s->cmd_running) {
        if (!high && (val & (CRCR_CS | CRCR_CA))) {
            XHCITRB ev = {.parameter = s->cmd_ring.dequeue,
                          .status = CC_COMMAND_RING_STOPPED << 24,
                          .control = TRB_EV_COMMAND_COMPLETE << 10};
            s->cmd_running = false;
            xhci_post_event(s, &ev);
        }
        return; /* the pointer is read-only while the ring runs */
    }
    s->crcr = high ? deposit64(s->crcr, 32, 32, val) : deposit64(s->crcr, 0, 32, val);
    s->cmd_ring.dequeue = s->crcr & ~0x3full;
    s->cmd_ring.ccs = s->crcr & CRCR_RCS;
}

static void xhci_oper_write(XHCIState *s, hwaddr addr, uint32_t val)
{
    if (addr >= 0x400) {
        int n = (addr - 0x400) / 0x10 + 1;
        if (n <= s->nports && (addr & 0xf) == 0) {
            xhci_portsc_write(s, n, val);
        }
        return;
    }
    switch (addr) {
    case 0x00:
        xhci_usbcmd_write(s, val);
        break;
    case 0x04:
        s->usbsts &= ~(val & (USBSTS_HSE | USBSTS_EINT | USBSTS_PCD | USBSTS_SRE));
        xhci_intr_update(s);
        break;
    case 0x14:
        s->dnctrl = val & 0xffff;
        break;
    case 0x18:
    case 0x1c:
        xhci_crcr_write(s, addr == 0x1c, val);
        break;
    case 0x30:
        s->dcbaap = deposit64(s->dcbaap, 0, 32, val & ~0x3fu);
        break;
    case 0x34:
        s->dcbaap = deposit64(s->dcbaap, 32, 32, val);
        break;
    case 0x38:
        s->config = MIN(val & 0xff, XHCI_MAXSLOTS) | (val & 0x300);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "xhci: write 0x%x to read-only register 0x%" PRIx64 "\n", val,
                 addr + XHCI_OPER);
        break;
    }
}

/* ---- runtime registers and doorbells ---- */

static uint32_t xhci_runtime_read(XHCIState *s, hwaddr addr)
{
    XHCIInterrupter *i = &s->intr;

    switch (addr) {
    case 0x00: /* MFINDEX: 125 us microframes */
        return s->usbcmd & USBCMD_RS
                   ? ((clock_get_ns(CLOCK_VIRTUAL) - s->mfindex_start) / 125000) & 0x3fff
                   : 0;
    case 0x20:
        return i->iman;
    case 0x24:
        return i->imod;
    case 0x28:
        return i->erstsz;
    case 0x30:
        return (uint32_t)i->erstba;
    case 0x34:
        return i->erstba >> 32;
    case 0x38:
        return (uint32_t)i->erdp;
    case 0x3c:
        return i->erdp >> 32;
    default:
        return 0; /* interrupters 1.. do not exist (MaxIntrs 1) */
    }
}

static void xhci_runtime_write(XHCIState *s, hwaddr addr, uint32_t val)
{
    XHCIInterrupter *i = &s->intr;

    switch (addr) {
    case 0x20:
        i->iman = (i->iman & ~IMAN_IE & ~(val & IMAN_IP)) | (val & IMAN_IE);
        break;
    case 0x24:
        i->imod = val;
        break;
    case 0x28:
        i->erstsz = val & 0xffff;
        break;
    case 0x30:
    case 0x34:
        i->erstba =
            deposit64(i->erstba, addr == 0x34 ? 32 : 0, 32, addr == 0x34 ? val : val & ~0x3fu);
        xhci_event_ring_init(i);
        break;
    case 0x38: {
        /* EHB is write-1-to-clear; DESI and the pointer are plain. */
        bool ehb = (i->erdp & ERDP_EHB) && !(val & ERDP_EHB);
        i->erdp = deposit64(i->erdp, 0, 32, val & ~(uint32_t)ERDP_EHB) | (ehb ? ERDP_EHB : 0);
        break;
    }
    case 0x3c:
        i->erdp = deposit64(i->erdp, 32, 32, val);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "xhci: write 0x%x to runtime register 0x%" PRIx64 "\n", val,
                 addr + XHCI_RUNTIME);
        return;
    }
    xhci_intr_update(s);
}

static void xhci_doorbell_write(XHCIState *s, unsigned n, uint32_t val)
{
    unsigned target = val & 0xff;

    if (!(s->usbcmd & USBCMD_RS) || (s->usbsts & USBSTS_HCE)) {
        log_mask(LOG_GUEST_ERROR, "xhci: doorbell %u rung while the controller is stopped\n", n);
        return;
    }
    if (n == 0 && target == 0) {
        xhci_run_commands(s);
    } else if (n >= 1 && n <= XHCI_MAXSLOTS && target >= 1 && target < XHCI_MAXEPS) {
        xhci_kick_endpoint(s, n, target);
    } else {
        log_mask(LOG_GUEST_ERROR, "xhci: doorbell %u with bad target %u\n", n, target);
    }
}

static uint64_t xhci_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    XHCIState *s = opaque;

    if (addr < XHCI_OPER) {
        return xhci_cap_read(s, addr);
    } else if (addr < XHCI_RUNTIME) {
        return xhci_oper_read(s, addr - XHCI_OPER);
    } else if (addr < XHCI_DOORBELL) {
        return xhci_runtime_read(s, addr - XHCI_RUNTIME);
    }
    return 0; /* doorbells read as zero */
}

static void xhci_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    XHCIState *s = opaque;

    if (addr < XHCI_OPER) {
        log_mask(LOG_GUEST_ERROR, "xhci: write to capability register 0x%" PRIx64 "\n", addr);
    } else if (addr < XHCI_RUNTIME) {
        xhci_oper_write(s, addr - XHCI_OPER, val);
    } else if (addr < XHCI_DOORBELL) {
        xhci_runtime_write(s, addr - XHCI_RUNTIME, val);
    } else {
        xhci_doorbell_write(s, (addr - XHCI_DOORBELL) / 4, val);
    }
}

static const MemoryRegionOps xhci_mmio_ops = {
    .read = xhci_mmio_read,
    .write = xhci_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- realize, properties, types ---- */

/* Where serial numbers say the device is: the controller's PCI address, as Linux names it. */
static char *xhci_location(USBBus *bus)
{
    PCIDevice *dev = PCI_DEVICE(OBJECT(bus)->parent);
    int devfn = dev->devfn < 0 ? 0 : dev->devfn;

    return xasprintf("0000:00:%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
}

static bool xhci_realize(PCIDevice *dev, Error **errp)
{
    XHCIState *s = XHCI(dev);
    char *name;

    if (s->p2 > XHCI_MAXPORTS_2 || s->p3 > XHCI_MAXPORTS_2) {
        error_setg(errp, "%s: p2 and p3 must be at most %d", object_get_typename(OBJECT(s)),
                   XHCI_MAXPORTS_2);
        return false;
    }
    s->nports = s->p2 + s->p3;
    for (uint32_t i = 0; i < s->p2; i++) {
        s->uports[i] =
            (USBPort){.index = i + 1, .speed = USB_SPEED_HIGH, .ops = &xhci_port_ops, .opaque = s};
        s->ports[i].uport = &s->uports[i];
    }
    dev->config[PCI_INTERRUPT_PIN] = 1;
    dev->config[0x60] = 0x30; /* SBRN: USB 3.0 */
    dev->config[0x61] = 0x20; /* FLADJ: the default 60000 bit times */
    memory_region_init_io(&s->mmio, &xhci_mmio_ops, s, "xhci", XHCI_BAR_SIZE);
    pci_register_bar(dev, 0, PCI_BASE_ADDRESS_MEM_TYPE_64, &s->mmio);
    name = usb_bus_next_name(DEVICE(s)->id);
    s->bus = usb_bus_new(OBJECT(s), name, s->uports, s->p2, xhci_location);
    free(name);
    return true;
}

static const Property xhci_props[] = {
    DEFINE_PROP_UINT32("p2", XHCIState, p2, 4),
    DEFINE_PROP_UINT32("p3", XHCIState, p3, 4),
    DEFINE_PROP_END,
};

/* Slots, rings and the devices' report queues are not described yet: savevm refuses. */
static const VMStateDescription vmstate_xhci = {.name = "xhci", .unmigratable = true};

static void xhci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->vmsd = &vmstate_xhci;
    pdc->realize = xhci_realize;
    pdc->reset = xhci_pci_reset;
    pdc->class_id = 0x0c0330; /* serial bus, USB, xHCI */
    object_class_add_props(oc, xhci_props);
}

static void qemu_xhci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "QEMU XHCI Host Controller";
    DEVICE_CLASS(oc)->user_creatable = true;
    pdc->vendor_id = 0x1b36;
    pdc->device_id = 0x000d;
    pdc->revision = 0x01;
}

static void nec_xhci_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "NEC uPD720200 USB 3.0 Host Controller (the xHCI model)";
    DEVICE_CLASS(oc)->user_creatable = true;
    pdc->vendor_id = 0x1033;
    pdc->device_id = 0x0194;
    pdc->revision = 0x03;
}

static const TypeInfo xhci_infos[] = {
    {
        .name = TYPE_XHCI,
        .parent = TYPE_PCI_DEVICE,
        .abstract = true,
        .instance_size = sizeof(XHCIState),
        .class_size = sizeof(PCIDeviceClass),
        .class_init = xhci_class_init,
    },
    {.name = TYPE_QEMU_XHCI, .parent = TYPE_XHCI, .class_init = qemu_xhci_class_init},
    {.name = TYPE_NEC_XHCI, .parent = TYPE_XHCI, .class_init = nec_xhci_class_init},
};

static void xhci_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(xhci_infos); i++) {
        type_register_static(&xhci_infos[i]);
    }
}

type_init(xhci_register_types)
