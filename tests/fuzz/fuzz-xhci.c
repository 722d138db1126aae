/*
 * Fuzzer: the xHCI controller (hw/usb/hcd-xhci*.c) with a usb-kbd on port 1 and a usb-tablet
 * on port 2, driven through its registers as a driver would, with guest RAM the input fills
 * (command ring, contexts, transfer rings, buffers). The harness resets the devices and
 * starts the controller the usual way (DCBAA at RAM+0, command ring at RAM+0x100, one event
 * ring segment of 16 TRBs at RAM+0x300 described at RAM+0x200), then applies the operations.
 *
 * Input (fields read little-endian, missing bytes are zero):
 *   u8  number of operations (at most 32)
 *   per operation: u8 kind, u16 a, u32 v
 *     kind % 5 == 0: write v to register a & 0x3ffc
 *     kind % 5 == 1: doorbell a % 70 with target v & 0xff
 *     kind % 5 == 2: key v % 256 pressed (a & 1) or released, then a sync
 *     kind % 5 == 3: tablet move to (a, v) and a button change, then a sync
 *     kind % 5 == 4: the driver's event handling: read the ring at ERDP, hand it back
 *   the rest: guest RAM from its first byte
 *
 * Checked: no crash, hang (every ring walk is bounded), leak or sanitizer report; INTx is
 * asserted exactly when interrupter 0 has IP and IE set and USBCMD.INTE is on; the devices
 * stay attached.
 */
#include "fuzz-common.h"
#include "hw/usb/hid.h"
#include "hw/usb/xhci.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64 * KiB)

static MemoryRegion ram;
static XHCIState *xhci;

static void plug(const char *type)
{
    DeviceState *dev = qdev_new(type);

    FUZZ_CHECK(qdev_realize(dev, NULL) && usb_device_plug(USB_DEVICE(dev), NULL), "%s", type);
    object_unref(OBJECT(dev));
}

static void setup_once(void)
{
    DeviceState *dev;

    FUZZ_CHECK(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL), "ram");
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    dev = qdev_new(TYPE_QEMU_XHCI);
    FUZZ_CHECK(qdev_realize_and_unref(dev, NULL), "realize xhci");
    xhci = XHCI(dev);
    plug(TYPE_USB_KBD);
    plug(TYPE_USB_TABLET);
}

static void wr(hwaddr off, uint32_t v)
{
    memory_region_dispatch_write(&xhci->mmio, off, v, 4);
}

static uint32_t rd(hwaddr off)
{
    uint64_t v = 0;

    memory_region_dispatch_read(&xhci->mmio, off, &v, 4);
    return v;
}

static void start(void)
{
    uint8_t *p = memory_region_get_ram_ptr(&ram);

    usb_device_reset(xhci_port_device(xhci, 1));
    usb_device_reset(xhci_port_device(xhci, 2));
    wr(0x40, 2); /* HCRST */
    wr(0x78, 8);
    wr(0x70, (uint32_t)RAM_BASE);
    wr(0x74, RAM_BASE >> 32);
    wr(0x58, (uint32_t)(RAM_BASE + 0x100) | 1);
    wr(0x5c, RAM_BASE >> 32);
    memset(p + 0x200, 0, 16);
    p[0x200 + 1] = 0x03; /* ERST[0]: base RAM+0x300, 16 TRBs */
    p[0x200 + 3] = RAM_BASE >> 24;
    p[0x200 + 8] = 16;
    wr(0x1028, 1);
    wr(0x1030, (uint32_t)(RAM_BASE + 0x200));
    wr(0x1034, RAM_BASE >> 32);
    wr(0x1038, (uint32_t)(RAM_BASE + 0x300));
    wr(0x103c, RAM_BASE >> 32);
    wr(0x1020, 2);
    wr(0x40, 5); /* RS, INTE */
}

/* What a driver's interrupt handler does: clear IP, skip to the producer, clear EHB. */
static void handle_events(void)
{
    XHCIInterrupter *i = &xhci->intr;

    wr(0x1020, rd(0x1020) | 1);
    if (i->seg_size) {
        uint64_t deq = i->seg_base + 16ull * i->enqueue;
        wr(0x1038, (uint32_t)deq | 8);
        wr(0x103c, deq >> 32);
    }
}

static void check_irq(void)
{
    uint32_t iman = rd(0x1020), usbcmd = rd(0x40);
    bool want = (iman & 1) && (iman & 2) && (usbcmd & 4);

    FUZZ_CHECK(PCI_DEVICE(xhci)->irq_level == want, "INTx %d with IMAN 0x%x USBCMD 0x%x",
               PCI_DEVICE(xhci)->irq_level, iman, usbcmd);
}

static void operation(FuzzIn *in)
{
    uint8_t kind = fuzz_u8(in);
    uint16_t a = fuzz_u16(in);
    uint32_t v = fuzz_u32(in);

    switch (kind % 5) {
    case 0:
        wr(a & 0x3ffc, v);
        break;
    case 1:
        wr(0x2000 + 4 * (a % 70), v & 0xff);
        break;
    case 2:
        input_event_send_key(v % 256, a & 1);
        input_event_sync();
        break;
    case 3:
        input_queue_abs(INPUT_AXIS_X, a, 0x10000);
        input_queue_abs(INPUT_AXIS_Y, v & 0xffff, 0x10000);
        input_queue_btn(INPUT_BUTTON_LEFT, v >> 31);
        input_event_sync();
        break;
    default:
        handle_events();
        break;
    }
    check_irq();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    FuzzIn in = {data, size};
    unsigned n;

    if (!ready) {
        setup_once();
        ready = true;
    }
    n = fuzz_u8(&in);
    n = MIN(n, 32u); /* (MIN evaluates its arguments twice) */
    {
        FuzzIn ops = in;
        size_t skip = MIN(ops.left, (size_t)n * 7);

        memset(memory_region_get_ram_ptr(&ram), 0, RAM_SIZE);
        memcpy(memory_region_get_ram_ptr(&ram), ops.p + skip,
               MIN(ops.left - skip, (size_t)RAM_SIZE));
    }
    start();
    for (unsigned i = 0; i < n; i++) {
        operation(&in);
    }
    FUZZ_CHECK(rd(0x440) & 1, "port 1 lost its keyboard");
    /* Release whatever the input pressed, so the next input starts from no keys held. */
    for (int code = 0; code < 256; code++) {
        input_event_send_key(code, false);
    }
    input_queue_btn(INPUT_BUTTON_LEFT, false);
    input_event_sync();
    return 0;
}
