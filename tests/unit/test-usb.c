/*
 * Unit tests for the USB core, the HID devices and the xHCI controller. The
 * controller is driven as a guest driver would, through its registers, with
 * its rings and contexts in fake guest RAM: port reset, Enable Slot, Address
 * Device, control transfers, Configure Endpoint, an interrupt IN transfer
 * that waits (NAK) until a key is pressed, Stop Endpoint and Set TR Dequeue.
 * Then every malformed input a guest can build: Link TRB loops on the
 * command and transfer rings, rings and contexts and data buffers outside
 * RAM, control TDs without a Setup Stage, over-long TDs, a full event ring, a
 * bad segment table, doorbells for nothing. Each must end in an error
 * completion, a halted endpoint or a host controller error, never a hang.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/input-event-codes.h>

#include "hw/usb/hid.h"
#include "hw/usb/xhci.h"
#include "system/memory.h"
#include "util/log.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1 * MiB)
#define DCBAA (RAM_BASE + 0x1000)
#define CMD_RING (RAM_BASE + 0x2000)
#define ERST (RAM_BASE + 0x3000)
#define EV_RING (RAM_BASE + 0x4000)
#define EV_RING_TRBS 16
#define ICTX (RAM_BASE + 0x5000)
#define OCTX (RAM_BASE + 0x6000)
#define EP0_RING (RAM_BASE + 0x7000)
#define EP3_RING (RAM_BASE + 0x8000)
#define DATA (RAM_BASE + 0x9000)
#define NOT_RAM 0x1000ull

/* register offsets */
#define OP 0x40
#define USBCMD (OP + 0x00)
#define USBSTS (OP + 0x04)
#define CRCR (OP + 0x18)
#define DCBAAP (OP + 0x30)
#define CONFIG (OP + 0x38)
#define PORTSC(n) (OP + 0x400 + 0x10 * ((n)-1))
#define IMAN 0x1020
#define ERSTSZ 0x1028
#define ERSTBA 0x1030
#define ERDP 0x1038
#define DOORBELL(n) (0x2000 + 4 * (n))

static MemoryRegion test_ram;
static XHCIState *xhci;
static USBDevice *kbd, *mouse;

/* ---- guest memory and registers ---- */

static void ram_write(uint64_t addr, const void *buf, size_t len)
{
    assert_int_equal(address_space_write(address_space_memory(), addr, buf, len), MEMTX_OK);
}

static void ram_w32(uint64_t addr, uint32_t v)
{
    uint8_t b[4] = {v, v >> 8, v >> 16, v >> 24};
    ram_write(addr, b, 4);
}

static void ram_w64(uint64_t addr, uint64_t v)
{
    ram_w32(addr, v);
    ram_w32(addr + 4, v >> 32);
}

static uint32_t ram_r32(uint64_t addr)
{
    uint8_t b[4];
    assert_int_equal(address_space_read(address_space_memory(), addr, b, 4), MEMTX_OK);
    return b[0] | (b[1] << 8) | (b[2] << 16) | ((uint32_t)b[3] << 24);
}

static void wr(hwaddr off, uint32_t v)
{
    assert_int_equal(memory_region_dispatch_write(&xhci->mmio, off, v, 4), MEMTX_OK);
}

static void wr64(hwaddr off, uint64_t v)
{
    wr(off, (uint32_t)v);
    wr(off + 4, v >> 32);
}

static uint32_t rd(hwaddr off)
{
    uint64_t v;
    assert_int_equal(memory_region_dispatch_read(&xhci->mmio, off, &v, 4), MEMTX_OK);
    return v;
}

/* ---- the driver's side of the rings ---- */

typedef struct ProdRing {
    uint64_t base;
    int idx;
    bool cycle;
} ProdRing;

static ProdRing cmd_ring, ep0_ring, ep3_ring;
static int ev_idx;
static bool ev_ccs;

static uint64_t trb_put(ProdRing *r, uint64_t param, uint32_t status, uint32_t control)
{
    uint64_t addr = r->base + 16ull * r->idx++;

    ram_w64(addr, param);
    ram_w32(addr + 8, status);
    ram_w32(addr + 12, (control & ~TRB_C) | (r->cycle ? TRB_C : 0));
    return addr;
}

/* The next event, if one is there; hands the slot back through ERDP. */
static bool ev_get(XHCITRB *ev)
{
    uint64_t addr = EV_RING + 16ull * ev_idx;
    uint32_t control = ram_r32(addr + 12);

    if (!!(control & TRB_C) != ev_ccs) {
        return false;
    }
    ev->parameter = ram_r32(addr) | ((uint64_t)ram_r32(addr + 4) << 32);
    ev->status = ram_r32(addr + 8);
    ev->control = control;
    if (++ev_idx == EV_RING_TRBS) {
        ev_idx = 0;
        ev_ccs = !ev_ccs;
    }
    wr(IMAN, 3); /* clear IP, keep IE */
    wr64(ERDP, (EV_RING + 16ull * ev_idx) | (1u << 3));
    return true;
}

static XHCITRB ev_expect(unsigned type)
{
    XHCITRB ev;

    assert_true(ev_get(&ev));
    assert_int_equal(TRB_TYPE(ev.control), type);
    return ev;
}

static void no_event(void)
{
    XHCITRB ev;
    assert_false(ev_get(&ev));
}

/* Run one command; returns its completion code (the slot ID in *slot if asked). */
static uint8_t command(uint64_t param, uint32_t control, int *slot)
{
    uint64_t addr = trb_put(&cmd_ring, param, 0, control);
    XHCITRB ev;

    wr(DOORBELL(0), 0);
    ev = ev_expect(TRB_EV_COMMAND_COMPLETE);
    assert_int_equal(ev.parameter, addr);
    if (slot) {
        *slot = TRB_SLOT(ev.control);
    }
    no_event();
    return ev.status >> 24;
}

#define CMD(type, slot) (((uint32_t)(type) << 10) | ((uint32_t)(slot) << 24))

static void xhci_start(void)
{
    static uint8_t zero[0x10000];

    ram_write(RAM_BASE, zero, sizeof(zero));
    wr(USBCMD, 2); /* HCRST */
    wr(CONFIG, 8);
    wr64(DCBAAP, DCBAA);
    wr64(CRCR, CMD_RING | 1);
    ram_w64(ERST, EV_RING);
    ram_w32(ERST + 8, EV_RING_TRBS);
    wr(ERSTSZ, 1);
    wr64(ERSTBA, ERST);
    wr64(ERDP, EV_RING);
    wr(IMAN, 2);
    wr(USBCMD, 1 | 4); /* RS, INTE */
    cmd_ring = (ProdRing){CMD_RING, 0, true};
    ep0_ring = (ProdRing){EP0_RING, 0, true};
    ep3_ring = (ProdRing){EP3_RING, 0, true};
    ev_idx = 0;
    ev_ccs = true;
}

/* Port reset, Enable Slot, Address Device: the keyboard is slot 1, address 1. */
static void address_keyboard(void)
{
    int slot;

    wr(PORTSC(1), (1u << 9) | (1u << 4)); /* PP, PR */
    assert_int_equal(ev_expect(TRB_EV_PORT_STATUS_CHANGE).parameter >> 24, 1);
    assert_int_equal(rd(PORTSC(1)) & 0x3, 3); /* connected, enabled */
    assert_int_equal(command(0, CMD(TRB_CMD_ENABLE_SLOT, 0), &slot), CC_SUCCESS);
    assert_int_equal(slot, 1);
    ram_w64(DCBAA + 8, OCTX);
    ram_w32(ICTX + 4, 3);                          /* add slot, EP0 */
    ram_w32(ICTX + 0x20, (1u << 27) | (3u << 20)); /* 1 context entry, high speed */
    ram_w32(ICTX + 0x24, 1u << 16);                /* root hub port 1 */
    ram_w32(ICTX + 0x44, (4u << 3) | (64u << 16)); /* control, max packet 64 */
    ram_w64(ICTX + 0x48, EP0_RING | 1);
    assert_int_equal(command(ICTX, CMD(TRB_CMD_ADDRESS_DEVICE, 1), NULL), CC_SUCCESS);
    assert_int_equal(ram_r32(OCTX + 12), (SLOT_ADDRESSED << 27) | 1);
    assert_int_equal(ram_r32(OCTX + 0x20) & 7, EP_RUNNING);
}

/* A control transfer on EP0; in: the data stage is IN. Returns nothing: callers read events. */
static void control(uint8_t type, uint8_t req, uint16_t value, uint16_t len, uint64_t buf,
                    uint32_t buf_len)
{
    uint64_t setup = type | (req << 8) | ((uint64_t)value << 16) | ((uint64_t)len << 48);
    bool in = type & USB_DIR_IN;

    trb_put(&ep0_ring, setup, 8, (TRB_SETUP << 10) | TRB_TR_IDT | ((in ? 3u : 2u) << 16));
    if (buf_len) {
        trb_put(&ep0_ring, buf, buf_len, (TRB_DATA << 10) | TRB_TR_ISP | (in ? TRB_TR_DIR_IN : 0));
    }
    trb_put(&ep0_ring, 0, 0, (TRB_STATUS << 10) | TRB_TR_IOC | (in && buf_len ? 0 : TRB_TR_DIR_IN));
    wr(DOORBELL(1), 1);
}

static void configure_keyboard(void)
{
    control(0, USB_REQ_SET_CONFIGURATION, 1, 0, 0, 0);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status >> 24, CC_SUCCESS);
    ram_w32(ICTX, 0);
    ram_w32(ICTX + 4, 1 | (1u << 3));              /* add slot, EP1 IN (DCI 3) */
    ram_w32(ICTX + 0x20, (3u << 27) | (3u << 20)); /* 3 context entries */
    ram_w32(ICTX + 0x84, (7u << 3) | (8u << 16));  /* interrupt IN, max packet 8 */
    ram_w64(ICTX + 0x88, EP3_RING | 1);
    assert_int_equal(command(ICTX, CMD(TRB_CMD_CONFIGURE_EP, 1), NULL), CC_SUCCESS);
    assert_int_equal(ram_r32(OCTX + 12) >> 27, SLOT_CONFIGURED);
    assert_int_equal(ram_r32(OCTX + 0x60) & 7, EP_RUNNING);
}

/* ---- setup ---- */

static int group_setup(void **state)
{
    DeviceState *dev;

    assert_true(memory_region_init_ram(&test_ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &test_ram);
    dev = qdev_new(TYPE_QEMU_XHCI);
    assert_true(qdev_realize_and_unref(dev, NULL));
    xhci = XHCI(dev);
    kbd = USB_DEVICE(qdev_new(TYPE_USB_KBD));
    assert_true(qdev_realize(DEVICE(kbd), NULL));
    assert_true(usb_device_plug(kbd, NULL));
    mouse = USB_DEVICE(qdev_new(TYPE_USB_MOUSE));
    assert_true(qdev_realize(DEVICE(mouse), NULL));
    assert_true(usb_device_plug(mouse, NULL));
    return 0;
}

static int test_setup(void **state)
{
    xhci_start();
    return 0;
}

/* ---- descriptors and HID requests ---- */

static void test_descriptors(void **state)
{
    const USBDesc *d = USB_DEVICE_GET_CLASS(kbd)->desc;
    static const uint8_t device[] = {0x12, 0x01, 0x00, 0x02, 0, 0, 0, 0x40, 0x27,
                                     0x06, 0x01, 0x00, 0,    0, 1, 4, 0x0b, 1};
    static const uint8_t config[] = {0x09, 0x02, 0x22, 0x00, 0x01, 0x01, 0x08, 0xa0, 0x32,
                                     0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00,
                                     0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
                                     0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x07}; /* as QEMU 7.2's */
    uint8_t buf[256];

    assert_int_equal(usb_desc_get(d, USB_DT_DEVICE, 0, NULL, buf, sizeof(buf)), 18);
    assert_memory_equal(buf, device, sizeof(device));
    assert_int_equal(usb_desc_get(d, USB_DT_CONFIG, 0, NULL, buf, sizeof(buf)), sizeof(config));
    assert_memory_equal(buf, config, sizeof(config));
    assert_int_equal(usb_desc_get(d, USB_DT_CONFIG, 0, NULL, buf, 9), 9); /* wLength 9 first */
    assert_int_equal(usb_desc_get(d, USB_DT_CONFIG, 1, NULL, buf, 9), -1);
    assert_int_equal(usb_desc_get(d, USB_DT_STRING, 0, NULL, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, ((uint8_t[]){4, 3, 0x09, 0x04}), 4);
    assert_int_equal(usb_desc_get(d, USB_DT_STRING, 1, NULL, buf, sizeof(buf)), 10);
    assert_memory_equal(buf, ((uint8_t[]){10, 3, 'Q', 0, 'E', 0, 'M', 0, 'U', 0}), 10);
    assert_int_equal(usb_desc_get(d, USB_DT_STRING, 0x0b, "7-x", buf, sizeof(buf)), 8);
    assert_int_equal(buf[2], '7');
    assert_int_equal(usb_desc_get(d, USB_DT_STRING, 200, NULL, buf, sizeof(buf)), -1);
    assert_int_equal(usb_desc_get(d, USB_DT_DEVICE_QUALIFIER, 0, NULL, buf, sizeof(buf)), -1);
    assert_int_equal(usb_desc_get(d, 0x0f, 0, NULL, buf, sizeof(buf)), -1); /* no BOS */
}

static int req(USBDevice *dev, uint8_t type, uint8_t request, uint16_t value, uint16_t length,
               uint8_t *data)
{
    USBSetup s = {type, request, value, 0, length};
    return usb_device_control(dev, &s, data);
}

#define HID_IN_REQ (USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_INTERFACE)
#define HID_OUT_REQ (USB_TYPE_CLASS | USB_RECIP_INTERFACE)

static void test_hid_requests(void **state)
{
    uint8_t buf[256] = {0};

    usb_device_reset(kbd);
    assert_int_equal(req(kbd, USB_DIR_IN | USB_RECIP_INTERFACE, USB_REQ_GET_DESCRIPTOR,
                         HID_DT_REPORT << 8, 255, buf),
                     63);
    assert_memory_equal(buf, ((uint8_t[]){0x05, 0x01, 0x09, 0x06, 0xa1, 0x01}), 6);
    assert_int_equal(req(kbd, USB_DIR_IN | USB_RECIP_INTERFACE, USB_REQ_GET_DESCRIPTOR,
                         HID_DT_HID << 8, 255, buf),
                     9);
    assert_int_equal(req(kbd, HID_OUT_REQ, HID_REQ_SET_IDLE, 0x0400, 0, buf), 0);
    assert_int_equal(req(kbd, HID_IN_REQ, HID_REQ_GET_IDLE, 0, 1, buf), 1);
    assert_int_equal(buf[0], 4);
    assert_int_equal(req(kbd, HID_IN_REQ, HID_REQ_GET_PROTOCOL, 0, 1, buf), 1);
    assert_int_equal(buf[0], 1); /* report protocol after reset */
    assert_int_equal(req(kbd, HID_OUT_REQ, HID_REQ_SET_PROTOCOL, 0, 0, buf), 0);
    assert_int_equal(req(kbd, HID_IN_REQ, HID_REQ_GET_PROTOCOL, 0, 1, buf), 1);
    assert_int_equal(buf[0], 0);
    assert_int_equal(req(kbd, HID_OUT_REQ, HID_REQ_SET_PROTOCOL, 2, 0, buf), USB_RET_STALL);
    buf[0] = 0x03; /* num and caps lock */
    assert_int_equal(req(kbd, HID_OUT_REQ, HID_REQ_SET_REPORT, 0x0200, 1, buf), 0);
    assert_int_equal(req(kbd, HID_IN_REQ, HID_REQ_GET_REPORT, 0x0100, 8, buf), 8);
    assert_int_equal(req(kbd, HID_IN_REQ, 0x55, 0, 8, buf), USB_RET_STALL);
    /* standard requests */
    assert_int_equal(req(kbd, 0, USB_REQ_SET_ADDRESS, 200, 0, buf), USB_RET_STALL);
    assert_int_equal(req(kbd, 0, USB_REQ_SET_CONFIGURATION, 2, 0, buf), USB_RET_STALL);
    assert_int_equal(req(kbd, USB_DIR_IN, USB_REQ_GET_STATUS, 0, 2, buf), 2);
    assert_int_equal(req(kbd, 0, USB_REQ_SET_FEATURE, USB_FEATURE_REMOTE_WAKEUP, 0, buf), 0);
    assert_int_equal(req(kbd, USB_DIR_IN, USB_REQ_GET_STATUS, 0, 2, buf), 2);
    assert_int_equal(buf[0], 2);
    /* Interrupt data only once configured. */
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), USB_RET_STALL);
    assert_int_equal(req(kbd, 0, USB_REQ_SET_CONFIGURATION, 1, 0, buf), 0);
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), USB_RET_NAK);
    assert_int_equal(usb_device_data(kbd, 2, true, buf, 8), USB_RET_STALL);
    assert_int_equal(usb_device_data(kbd, 1, false, buf, 8), USB_RET_STALL);
}

static void test_hid_keyboard_reports(void **state)
{
    static const int keys[] = {KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G};
    uint8_t buf[8];

    usb_device_reset(kbd);
    assert_int_equal(req(kbd, 0, USB_REQ_SET_CONFIGURATION, 1, 0, buf), 0);
    input_event_send_key(KEY_Z, false); /* not held: no report */
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), USB_RET_NAK);
    input_event_send_key(KEY_LEFTSHIFT, true);
    input_event_send_key(KEY_A, true);
    input_event_send_key(KEY_A, false);
    input_event_sync();
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), 8);
    assert_memory_equal(buf, ((uint8_t[]){0x02, 0, 0, 0, 0, 0, 0, 0}), 8);
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), 8);
    assert_memory_equal(buf, ((uint8_t[]){0x02, 0, 0x04, 0, 0, 0, 0, 0}), 8);
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), 8);
    assert_memory_equal(buf, ((uint8_t[]){0x02, 0, 0, 0, 0, 0, 0, 0}), 8);
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), USB_RET_NAK);
    /* Seven keys held: the six slots report rollover. 18 reports while nobody polls: the
     * queue keeps 15, and the newest state in its last slot. */
    for (int i = 0; i < 7; i++) {
        input_event_send_key(keys[i], true);
    }
    for (int i = 0; i < 6; i++) {
        input_event_send_key(keys[i], false);
    }
    input_event_send_key(KEY_LEFTSHIFT, false);
    input_event_send_key(KEY_H, true);
    input_event_send_key(KEY_J, true);
    input_event_send_key(KEY_H, false);
    input_event_send_key(KEY_J, false);
    for (int i = 0; i < HID_QUEUE_LEN - 1; i++) {
        assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), 8);
        if (i == 6) {
            assert_memory_equal(buf, ((uint8_t[]){0x02, 0, 1, 1, 1, 1, 1, 1}), 8);
        }
    }
    /* The last slot holds the newest state: only G, no shift. */
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), 8);
    assert_memory_equal(buf, ((uint8_t[]){0, 0, 0x0a, 0, 0, 0, 0, 0}), 8);
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), USB_RET_NAK);
    input_event_send_key(KEY_G, false);
    assert_int_equal(usb_device_data(kbd, 1, true, buf, 8), 8);
}

static void test_hid_mouse_reports(void **state)
{
    uint8_t buf[8];

    usb_device_reset(mouse);
    assert_int_equal(req(mouse, 0, USB_REQ_SET_CONFIGURATION, 1, 0, buf), 0);
    input_queue_rel(INPUT_AXIS_X, 300); /* more than one report's worth */
    input_queue_rel(INPUT_AXIS_Y, -5);
    input_queue_btn(INPUT_BUTTON_RIGHT, true);
    input_queue_btn(INPUT_BUTTON_WHEEL_UP, true);
    input_event_sync();
    assert_int_equal(usb_device_data(mouse, 1, true, buf, 8), 4);
    assert_memory_equal(buf, ((uint8_t[]){0x02, 127, (uint8_t)-5, 1}), 4);
    assert_int_equal(usb_device_data(mouse, 1, true, buf, 8), 4);
    assert_memory_equal(buf, ((uint8_t[]){0x02, 127, 0, 0}), 4);
    assert_int_equal(usb_device_data(mouse, 1, true, buf, 8), 4);
    assert_memory_equal(buf, ((uint8_t[]){0x02, 46, 0, 0}), 4);
    assert_int_equal(usb_device_data(mouse, 1, true, buf, 8), USB_RET_NAK);
    input_queue_btn(INPUT_BUTTON_RIGHT, false);
    input_event_sync();
}

/* ---- the controller ---- */

static void test_capabilities(void **state)
{
    assert_int_equal(rd(0x00), 0x01000040);
    assert_int_equal(rd(0x04), 64 | (1 << 8) | (8u << 24));
    assert_int_equal(rd(0x10), 0x00087001); /* as QEMU 7.2's, seen by Linux */
    assert_int_equal(rd(0x20) & 0xff, 2);   /* Supported Protocol */
    assert_int_equal(rd(0x28), 1 | (4 << 8));
    assert_int_equal(rd(0x38), 5 | (4 << 8));
    assert_int_equal(rd(USBSTS) & 1, 0); /* running */
    assert_int_equal(rd(PORTSC(1)) & ((1u << 17) | 1 | (0xf << 10)), (1u << 17) | 1 | (3 << 10));
    assert_int_equal(rd(PORTSC(3)) & 1, 0);
}

static void test_enumerate_and_interrupt_in(void **state)
{
    uint64_t pending;
    XHCITRB ev;

    address_keyboard();
    /* GET_DESCRIPTOR(device) into a 64-byte buffer: a short packet, then the status stage. */
    control(USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_DEVICE << 8, 64, DATA, 64);
    ev = ev_expect(TRB_EV_TRANSFER);
    assert_int_equal(ev.status, (CC_SHORT_PACKET << 24) | (64 - 18));
    assert_int_equal(ev.parameter, EP0_RING + 16);
    assert_int_equal(TRB_EP(ev.control), 1);
    assert_int_equal(TRB_SLOT(ev.control), 1);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status, CC_SUCCESS << 24);
    assert_int_equal(ram_r32(DATA), 0x02000112);
    assert_int_equal(ram_r32(DATA + 8), 0x00010627);
    assert_true(PCI_DEVICE(xhci)->irq_level == false); /* handed back through ERDP */
    /* An OUT data stage: the LED report (SET_REPORT), then one whose buffer is not RAM. */
    ram_w32(DATA + 0x200, 0x02);
    control(HID_OUT_REQ, HID_REQ_SET_REPORT, 0x0200, 1, DATA + 0x200, 1);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status, CC_SUCCESS << 24);
    control(HID_OUT_REQ, HID_REQ_SET_REPORT, 0x0200, 1, NOT_RAM, 1);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status >> 24, CC_DATA_BUFFER_ERROR);
    assert_int_equal(ram_r32(OCTX + 0x20) & 7, EP_HALTED);
    assert_int_equal(command(0, CMD(TRB_CMD_RESET_EP, 1) | (1u << 16), NULL), CC_SUCCESS);
    ep0_ring.idx = 16;
    assert_int_equal(
        command((EP0_RING + 256) | 1, CMD(TRB_CMD_SET_TR_DEQUEUE, 1) | (1u << 16), NULL),
        CC_SUCCESS);
    configure_keyboard();
    /* The keyboard has nothing to say: the TD waits. */
    trb_put(&ep3_ring, DATA + 0x100, 8, (TRB_NORMAL << 10) | TRB_TR_ISP | TRB_TR_IOC);
    wr(DOORBELL(1), 3);
    no_event();
    input_event_send_key(KEY_A, true);
    input_event_sync();
    assert_true(PCI_DEVICE(xhci)->irq_level);
    ev = ev_expect(TRB_EV_TRANSFER);
    assert_int_equal(ev.status, CC_SUCCESS << 24);
    assert_int_equal(ev.parameter, EP3_RING);
    assert_int_equal(TRB_EP(ev.control), 3);
    assert_int_equal(ram_r32(DATA + 0x100), 0x00040000);
    /* Stop with a TD pending: the context's dequeue pointer names it. */
    pending = trb_put(&ep3_ring, DATA + 0x100, 8, (TRB_NORMAL << 10) | TRB_TR_ISP | TRB_TR_IOC);
    wr(DOORBELL(1), 3);
    assert_int_equal(command(0, CMD(TRB_CMD_STOP_EP, 1) | (3u << 16), NULL), CC_SUCCESS);
    assert_int_equal(ram_r32(OCTX + 0x60) & 7, EP_STOPPED);
    assert_int_equal(ram_r32(OCTX + 0x68), (uint32_t)pending | 1);
    input_event_send_key(KEY_A, false); /* a report for a stopped endpoint waits */
    no_event();
    assert_int_equal(ram_r32(OCTX + 0x60) & 7, EP_STOPPED);
    assert_int_equal(command(0, CMD(TRB_CMD_STOP_EP, 1) | (3u << 16), NULL),
                     CC_CONTEXT_STATE_ERROR);
    assert_int_equal(
        command((EP3_RING + 0x20) | 1, CMD(TRB_CMD_SET_TR_DEQUEUE, 1) | (3u << 16), NULL),
        CC_SUCCESS);
    assert_int_equal(ram_r32(OCTX + 0x68), (uint32_t)(EP3_RING + 0x20) | 1);
    assert_int_equal(command(0, CMD(TRB_CMD_RESET_EP, 1) | (3u << 16), NULL),
                     CC_CONTEXT_STATE_ERROR);
    /* The doorbell restarts it: the waiting report fills the TD at the new dequeue. */
    trb_put(&ep3_ring, DATA + 0x100, 8, (TRB_NORMAL << 10) | TRB_TR_ISP | TRB_TR_IOC);
    trb_put(&ep3_ring, DATA + 0x100, 8, (TRB_NORMAL << 10) | TRB_TR_ISP | TRB_TR_IOC);
    ram_w32(DATA + 0x100, 0xffffffff);
    wr(DOORBELL(1), 3);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).parameter, EP3_RING + 0x20);
    assert_int_equal(ram_r32(DATA + 0x100), 0);
    no_event();
    assert_int_equal(command(0, CMD(TRB_CMD_NOOP, 0), NULL), CC_SUCCESS);
}

/* ---- malformed input from the guest ---- */

static char log_path[] = "/tmp/kestrel-usb-log-XXXXXX";

static void logging(bool on)
{
    if (on) {
        int fd;

        strcpy(log_path, "/tmp/kestrel-usb-log-XXXXXX");
        fd = mkstemp(log_path);
        assert_true(fd >= 0);
        close(fd);
        assert_true(log_set_file(log_path, NULL));
        log_mask_enabled |= LOG_GUEST_ERROR;
    } else {
        log_mask_enabled &= ~LOG_GUEST_ERROR;
        unlink(log_path);
    }
}

static bool logged(const char *text)
{
    char buf[8192] = {0};
    FILE *f = fopen(log_path, "r");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = 0;
    return strstr(buf, text) != NULL;
}

static void test_command_ring_link_loop(void **state)
{
    logging(true);
    trb_put(&cmd_ring, CMD_RING + 16, 0, TRB_LINK << 10);
    trb_put(&cmd_ring, CMD_RING, 0, TRB_LINK << 10);
    wr(DOORBELL(0), 0);
    assert_true(rd(USBSTS) & (1u << 12)); /* HCE */
    assert_true(logged("still going after 4096 TRBs"));
    assert_true(logged("host controller error"));
    no_event();
    wr(DOORBELL(0), 0); /* ignored now */
    logging(false);
}

static void test_command_ring_outside_ram(void **state)
{
    wr(USBCMD, 0);
    wr64(CRCR, NOT_RAM | 1);
    wr(USBCMD, 1 | 4);
    logging(true);
    wr(DOORBELL(0), 0);
    assert_true(rd(USBSTS) & (1u << 12));
    assert_true(logged("outside RAM"));
    logging(false);
}

static void test_bad_commands(void **state)
{
    int slot;

    logging(true);
    assert_int_equal(command(0, CMD(40, 0), NULL), CC_TRB_ERROR);
    assert_int_equal(command(ICTX, CMD(TRB_CMD_ADDRESS_DEVICE, 5), NULL), CC_SLOT_NOT_ENABLED);
    assert_int_equal(command(0, CMD(TRB_CMD_STOP_EP, 70) | (3u << 16), NULL), CC_SLOT_NOT_ENABLED);
    assert_int_equal(command(0, CMD(TRB_CMD_ENABLE_SLOT, 0), &slot), CC_SUCCESS);
    assert_int_equal(command(NOT_RAM, CMD(TRB_CMD_ADDRESS_DEVICE, slot), NULL), CC_TRB_ERROR);
    ram_w64(DCBAA + 8 * slot, OCTX);
    ram_w32(ICTX + 4, 1); /* EP0 missing */
    assert_int_equal(command(ICTX, CMD(TRB_CMD_ADDRESS_DEVICE, slot), NULL), CC_PARAMETER_ERROR);
    ram_w32(ICTX + 4, 3);
    ram_w32(ICTX + 0x24, 9u << 16); /* no such port */
    assert_int_equal(command(ICTX, CMD(TRB_CMD_ADDRESS_DEVICE, slot), NULL), CC_TRANSACTION_ERROR);
    ram_w32(ICTX + 0x24, 1u << 16);
    ram_w32(ICTX + 0x44, 7u << 3); /* EP0 not a control endpoint */
    assert_int_equal(command(ICTX, CMD(TRB_CMD_ADDRESS_DEVICE, slot), NULL), CC_PARAMETER_ERROR);
    assert_int_equal(command(ICTX, CMD(TRB_CMD_CONFIGURE_EP, slot), NULL), CC_CONTEXT_STATE_ERROR);
    assert_int_equal(command(0, CMD(TRB_CMD_STOP_EP, slot) | (1u << 16), NULL), CC_EP_NOT_ENABLED);
    assert_int_equal(command(0, CMD(TRB_CMD_DISABLE_SLOT, slot), NULL), CC_SUCCESS);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(command(0, CMD(TRB_CMD_ENABLE_SLOT, 0), NULL), CC_SUCCESS);
    }
    assert_int_equal(command(0, CMD(TRB_CMD_ENABLE_SLOT, 0), NULL), CC_NO_SLOTS);
    logging(false);
}

static void test_transfer_ring_link_loop(void **state)
{
    XHCITRB ev;

    address_keyboard();
    logging(true);
    trb_put(&ep0_ring, EP0_RING + 16, 0, TRB_LINK << 10);
    trb_put(&ep0_ring, EP0_RING, 0, TRB_LINK << 10);
    wr(DOORBELL(1), 1);
    ev = ev_expect(TRB_EV_TRANSFER);
    assert_int_equal(ev.status >> 24, CC_TRB_ERROR);
    assert_int_equal(ram_r32(OCTX + 0x20) & 7, EP_HALTED);
    wr(DOORBELL(1), 1); /* a halted endpoint ignores its doorbell */
    no_event();
    assert_true(logged("still going"));
    logging(false);
}

static void test_control_td_errors(void **state)
{
    address_keyboard();
    logging(true);
    /* No Setup Stage: TRB Error, halted; Reset Endpoint and Set TR Dequeue recover. */
    trb_put(&ep0_ring, 0, 0, (TRB_STATUS << 10) | TRB_TR_IOC);
    wr(DOORBELL(1), 1);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status >> 24, CC_TRB_ERROR);
    assert_true(logged("does not start with a Setup Stage"));
    assert_int_equal(command(0, CMD(TRB_CMD_RESET_EP, 1) | (1u << 16), NULL), CC_SUCCESS);
    assert_int_equal(
        command((EP0_RING + 16) | 1, CMD(TRB_CMD_SET_TR_DEQUEUE, 1) | (1u << 16), NULL),
        CC_SUCCESS);
    /* A data buffer outside RAM. */
    control(USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_DEVICE << 8, 18, NOT_RAM, 18);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status >> 24, CC_DATA_BUFFER_ERROR);
    no_event();
    /* An unsupported request stalls and halts EP0. */
    assert_int_equal(command(0, CMD(TRB_CMD_STOP_EP, 1) | (1u << 16), NULL), CC_SUCCESS);
    ep0_ring.idx = 8;
    assert_int_equal(
        command((EP0_RING + 128) | 1, CMD(TRB_CMD_SET_TR_DEQUEUE, 1) | (1u << 16), NULL),
        CC_SUCCESS);
    control(USB_DIR_IN, USB_REQ_GET_DESCRIPTOR, 0x0f00, 5, DATA, 5);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status >> 24, CC_STALL);
    assert_int_equal(ram_r32(OCTX + 0x20) & 7, EP_HALTED);
    logging(false);
}

static void test_long_td(void **state)
{
    address_keyboard();
    configure_keyboard();
    logging(true);
    for (int i = 0; i < XHCI_TD_MAX_TRBS + 2; i++) {
        trb_put(&ep3_ring, DATA, 1, (TRB_NORMAL << 10) | TRB_TR_CH);
    }
    wr(DOORBELL(1), 3);
    assert_int_equal(ev_expect(TRB_EV_TRANSFER).status >> 24, CC_TRB_ERROR);
    assert_true(logged("longer than"));
    /* Doorbells for nothing. */
    wr(DOORBELL(5), 3);
    wr(DOORBELL(1), 0);
    wr(DOORBELL(1), 9);
    wr(DOORBELL(200), 1);
    no_event();
    assert_true(logged("bad target"));
    logging(false);
}

static void test_event_ring_full(void **state)
{
    XHCITRB ev;
    int n = 0;

    logging(true);
    for (int i = 0; i < EV_RING_TRBS + 4; i++) {
        trb_put(&cmd_ring, 0, 0, CMD(TRB_CMD_NOOP, 0));
    }
    wr(DOORBELL(0), 0);
    while (ev_get(&ev)) {
        n++;
    }
    assert_int_equal(n, EV_RING_TRBS - 1); /* one slot stays free: full is next == dequeue */
    assert_true(logged("event ring full"));
    logging(false);
}

static void test_bad_event_ring_segment(void **state)
{
    logging(true);
    ram_w32(ERST + 8, 3); /* fewer than 16 TRBs */
    wr64(ERSTBA, ERST);
    assert_true(logged("has 3 TRBs"));
    trb_put(&cmd_ring, 0, 0, CMD(TRB_CMD_NOOP, 0));
    wr(DOORBELL(0), 0);
    no_event();
    assert_true(logged("no event ring"));
    wr64(ERSTBA, NOT_RAM);
    logging(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_descriptors, test_setup),
        cmocka_unit_test_setup(test_hid_requests, test_setup),
        cmocka_unit_test_setup(test_hid_keyboard_reports, test_setup),
        cmocka_unit_test_setup(test_hid_mouse_reports, test_setup),
        cmocka_unit_test_setup(test_capabilities, test_setup),
        cmocka_unit_test_setup(test_enumerate_and_interrupt_in, test_setup),
        cmocka_unit_test_setup(test_command_ring_link_loop, test_setup),
        cmocka_unit_test_setup(test_command_ring_outside_ram, test_setup),
        cmocka_unit_test_setup(test_bad_commands, test_setup),
        cmocka_unit_test_setup(test_transfer_ring_link_loop, test_setup),
        cmocka_unit_test_setup(test_control_td_errors, test_setup),
        cmocka_unit_test_setup(test_long_td, test_setup),
        cmocka_unit_test_setup(test_event_ring_full, test_setup),
        cmocka_unit_test_setup(test_bad_event_ring_segment, test_setup),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
