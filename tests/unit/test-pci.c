/*
 * Unit tests for the PCI core, the generic ECAM host and the virtio-pci
 * transport, driven through ECAM and BAR accesses as a guest would make them:
 * header identity and read-only fields, BAR sizing by writing all-ones, BAR
 * mapping and moving under the command register, the capability list, INTx
 * with the host's swizzle and INTX_DISABLE, addr=/bus= placement, a queue
 * brought up through the common configuration, and the guest's mistakes
 * (bad offsets, sizes, queue numbers, ring addresses, notify offsets), which
 * must be logged and dropped without a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "test-guest-log.h"

#include "hw/pci-host/gpex.h"
#include "hw/pci/msix.h"
#include "hw/virtio/virtio-pci.h"
#include "hw/virtio/virtio-rng.h"
#include "test-virtio-driver.h"
#include "util/log.h"

#define ECAM 0x30000000ull
#define MMIO32 0x40000000ull
#define BAR_ADDR 0x40100000ull
#define RNG_SLOT 1 /* the first -device after the host bridge */

static GPEXHost *host;
static PCIDevice *rng_pci;
static int line_level[GPEX_NUM_IRQS];

static void record_line(void *opaque, int n, int level)
{
    line_level[n] = level;
}

/* ---- ECAM and BAR accessors ---- */

static uint64_t ecam_addr(int slot, uint32_t reg)
{
    return ECAM + ((uint64_t)PCI_DEVFN(slot, 0) << 12) + reg;
}

static uint32_t cfg_rd(int slot, uint32_t reg, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), ecam_addr(slot, reg), size, &v),
                     MEMTX_OK);
    return v;
}

static void cfg_wr(int slot, uint32_t reg, uint32_t v, unsigned size)
{
    assert_int_equal(address_space_store(address_space_memory(), ecam_addr(slot, reg), size, v),
                     MEMTX_OK);
}

static uint64_t bar_rd(uint64_t off, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), BAR_ADDR + off, size, &v),
                     MEMTX_OK);
    return v;
}

static void bar_wr(uint64_t off, uint64_t v, unsigned size)
{
    assert_int_equal(address_space_store(address_space_memory(), BAR_ADDR + off, size, v),
                     MEMTX_OK);
}

/* Put BAR4 of the rng at BAR_ADDR and turn on memory decoding. */
static void map_rng_bar(void)
{
    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, (uint32_t)BAR_ADDR, 4);
    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 20, BAR_ADDR >> 32, 4);
    cfg_wr(RNG_SLOT, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
}

/* ---- fixture ---- */

static int group_setup(void **state)
{
    const GPEXConfig cfg = {
        .ecam_base = ECAM,
        .ecam_size = 0x10000000,
        .pio_base = 0x3000000,
        .pio_size = 0x10000,
        .mmio32_base = MMIO32,
        .mmio32_size = 0x40000000,
    };
    IRQState *irqs[GPEX_NUM_IRQS];
    DeviceState *dev;

    td_init_ram();
    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        irqs[i] = irq_new(record_line, NULL, i);
    }
    host = gpex_create(&cfg, irqs, &error_abort);
    assert_non_null(host);
    dev = qdev_new("virtio-rng-pci");
    assert_true(qdev_realize(dev, &error_abort));
    assert_true(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &error_abort));
    rng_pci = PCI_DEVICE(dev);
    return 0;
}

static int test_setup(void **state)
{
    device_reset(DEVICE(VIRTIO_PCI(rng_pci)->vdev));
    device_reset(DEVICE(rng_pci));
    return 0;
}

/* ---- configuration space ---- */

static void test_identity(void **state)
{
    uint64_t v = 0;

    assert_int_equal(cfg_rd(0, PCI_VENDOR_ID, 4), 0x00081b36); /* gpex-root */
    assert_int_equal(cfg_rd(0, PCI_CLASS_DEVICE, 2), 0x0600);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_VENDOR_ID, 2), 0x1af4);
    /* Transitional by default, as QEMU 7.2 on pcie.0: the legacy ID, revision 0, subsystem
     * 1af4:<virtio ID>. */
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_DEVICE_ID, 2), 0x1005);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_REVISION_ID, 1), 0);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_SUBSYSTEM_VENDOR_ID, 4), (VIRTIO_ID_RNG << 16) | 0x1af4);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_INTERRUPT_PIN, 1), 1);
    /* An empty slot and a bus that does not exist read all-ones. */
    assert_int_equal(cfg_rd(5, PCI_VENDOR_ID, 4), 0xffffffff);
    assert_int_equal(cfg_rd(5, PCI_VENDOR_ID, 2), 0xffff);
    assert_int_equal(address_space_load(address_space_memory(), ECAM + (1 << 20), 4, &v), MEMTX_OK);
    assert_int_equal(v, 0xffffffff); /* bus 1 */
    /* IDs are read-only; the interrupt line register is the driver's scratch byte. */
    cfg_wr(RNG_SLOT, PCI_VENDOR_ID, 0x12345678, 4);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_VENDOR_ID, 2), 0x1af4);
    cfg_wr(RNG_SLOT, PCI_INTERRUPT_LINE, 0x2a, 1);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_INTERRUPT_LINE, 1), 0x2a);
    /* The extended space exists and is empty. */
    assert_int_equal(cfg_rd(RNG_SLOT, 0x100, 4), 0);
}

static void test_bar_sizing(void **state)
{
    /* BAR0: the legacy interface, 32 bytes of I/O; BAR1: the MSI-X table and PBA, 4 KiB of
     * 32-bit memory; BAR4/5: a 16 KiB 64-bit prefetchable memory BAR. */
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 4 * n, 0xffffffff, 4);
    }
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_BASE_ADDRESS_0, 4), 0xffffffe1);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_BASE_ADDRESS_0 + 4, 4), 0xfffff000);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, 4), 0xffffc00c);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_BASE_ADDRESS_0 + 20, 4), 0xffffffff);
    /* No option ROM. */
    cfg_wr(RNG_SLOT, PCI_ROM_ADDRESS, 0xfffff800, 4);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_ROM_ADDRESS, 4), 0);
    /* An address keeps only the bits above the size. */
    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, 0x40001234, 4);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, 4), 0x4000000c);
}

static void test_bar_mapping(void **state)
{
    uint64_t v;

    map_rng_bar();
    assert_int_equal(pci_get_bar_addr(rng_pci, 4), BAR_ADDR);
    assert_int_equal(bar_rd(0x12, 2), 1); /* common cfg num_queues */
    /* Decoding off: the BAR is gone (an access fault for the CPU). */
    cfg_wr(RNG_SLOT, PCI_COMMAND, 0, 2);
    assert_int_equal(pci_get_bar_addr(rng_pci, 4), PCI_BAR_UNMAPPED);
    assert_int_equal(address_space_load(address_space_memory(), BAR_ADDR + 0x12, 2, &v),
                     MEMTX_DECODE_ERROR);
    /* Moved while decoding: the old place empties, the new one answers. */
    map_rng_bar();
    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, (uint32_t)BAR_ADDR + 0x10000, 4);
    assert_int_equal(address_space_load(address_space_memory(), BAR_ADDR + 0x12, 2, &v),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_load(address_space_memory(), BAR_ADDR + 0x10012, 2, &v),
                     MEMTX_OK);
    assert_int_equal(v, 1);
    /* Sizing with decoding on maps nothing at the all-ones address. */
    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, 0xffffffff, 4);
    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0 + 20, 0xffffffff, 4);
    assert_int_equal(pci_get_bar_addr(rng_pci, 4), PCI_BAR_UNMAPPED);
    /* Reset turns decoding off and clears the BAR. */
    map_rng_bar();
    device_reset(DEVICE(rng_pci));
    assert_int_equal(pci_get_bar_addr(rng_pci, 4), PCI_BAR_UNMAPPED);
    assert_int_equal(cfg_rd(RNG_SLOT, PCI_BASE_ADDRESS_0 + 16, 4), 0xc);
}

static void test_capabilities(void **state)
{
    unsigned types = 0, msix = 0;
    uint8_t off;

    assert_true(cfg_rd(RNG_SLOT, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
    for (off = cfg_rd(RNG_SLOT, PCI_CAPABILITY_LIST, 1); off; off = cfg_rd(RNG_SLOT, off + 1, 1)) {
        uint8_t type = cfg_rd(RNG_SLOT, off + 3, 1);

        assert_true(off >= 0x40 && !(off & 3));
        if (cfg_rd(RNG_SLOT, off, 1) == PCI_CAP_ID_MSIX) {
            /* one queue + config: 2 vectors; table at BAR1+0, PBA at BAR1+0x800 */
            assert_int_equal(cfg_rd(RNG_SLOT, off + 2, 2), 1);
            assert_int_equal(cfg_rd(RNG_SLOT, off + 4, 4), 1);
            assert_int_equal(cfg_rd(RNG_SLOT, off + 8, 4), 0x801);
            msix++;
            continue;
        }
        assert_int_equal(cfg_rd(RNG_SLOT, off, 1), PCI_CAP_ID_VNDR);
        if (type != 5) {
            assert_int_equal(cfg_rd(RNG_SLOT, off + 4, 1), 4); /* BAR4 */
        }
        types |= 1u << type;
        if (type == 2) {
            assert_int_equal(cfg_rd(RNG_SLOT, off + 2, 1), 20);
            assert_int_equal(cfg_rd(RNG_SLOT, off + 8, 4), 0x3000);
            assert_int_equal(cfg_rd(RNG_SLOT, off + 16, 4), 4); /* notify_off_multiplier */
        }
    }
    /* common, notify, ISR, PCI config access; virtio-rng has no device configuration. */
    assert_int_equal(types, (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5));
    assert_int_equal(msix, 1);
}

static uint8_t find_cap(uint8_t cfg_type)
{
    for (uint8_t off = cfg_rd(RNG_SLOT, PCI_CAPABILITY_LIST, 1); off;
         off = cfg_rd(RNG_SLOT, off + 1, 1)) {
        if (cfg_rd(RNG_SLOT, off, 1) == PCI_CAP_ID_VNDR &&
            cfg_rd(RNG_SLOT, off + 3, 1) == cfg_type) {
            return off;
        }
    }
    fail();
    return 0;
}

static void cfg_window_bad_length(void)
{
    uint8_t cap = find_cap(5);

    cfg_wr(RNG_SLOT, cap + 12, 3, 4);
    (void)cfg_rd(RNG_SLOT, cap + 16, 4);
}

/* 4.1.4.9: the BAR through configuration space, with no BAR mapped. */
static void test_cfg_window(void **state)
{
    uint8_t cap = find_cap(5);

    assert_int_equal(cfg_rd(RNG_SLOT, cap + 2, 1), 20);
    cfg_wr(RNG_SLOT, cap + 4, 4, 1);    /* bar */
    cfg_wr(RNG_SLOT, cap + 8, 0x12, 4); /* offset: num_queues */
    cfg_wr(RNG_SLOT, cap + 12, 2, 4);   /* length */
    assert_int_equal(cfg_rd(RNG_SLOT, cap + 16, 2), 1);
    cfg_wr(RNG_SLOT, cap + 8, 0x16, 4);  /* queue_select ... */
    cfg_wr(RNG_SLOT, cap + 16, 0x33, 4); /* ... written through the window */
    assert_int_equal(VIRTIO_PCI(rng_pci)->queue_sel, 0x33);
    assert_non_null(strstr(logged(cfg_window_bad_length), "config window onto BAR4"));
}

static void test_intx(void **state)
{
    VirtIODevice *vdev = VIRTIO_PCI(rng_pci)->vdev;
    int line = (RNG_SLOT + 0) % GPEX_NUM_IRQS; /* pin A of slot 1, swizzled */

    map_rng_bar();
    virtio_notify_config(vdev);
    assert_int_equal(line_level[line], 1);
    assert_true(cfg_rd(RNG_SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    /* INTX_DISABLE masks the line, the status bit still shows the request. */
    cfg_wr(RNG_SLOT, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_INTX_DISABLE, 2);
    assert_int_equal(line_level[line], 0);
    assert_true(cfg_rd(RNG_SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
    cfg_wr(RNG_SLOT, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    assert_int_equal(line_level[line], 1);
    /* Reading the ISR acknowledges it. */
    assert_int_equal(bar_rd(0x1000, 1), VIRTIO_ISR_CONFIG);
    assert_int_equal(line_level[line], 0);
    assert_int_equal(bar_rd(0x1000, 1), 0);
    assert_false(cfg_rd(RNG_SLOT, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT);
}

/* ---- virtio-pci common configuration ---- */

static void common_setup_queue(uint16_t size)
{
    bar_wr(0x14, 0, 1); /* reset */
    bar_wr(0x14, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    bar_wr(0x08, 1, 4);
    bar_wr(0x0c, 1, 4); /* VERSION_1 */
    bar_wr(0x14, 0x0b, 1);
    assert_int_equal(bar_rd(0x14, 1), 0x0b); /* FEATURES_OK stuck */
    bar_wr(0x16, 0, 2);
    bar_wr(0x18, size, 2);
    bar_wr(0x20, (uint32_t)DESC, 4);
    bar_wr(0x24, DESC >> 32, 4);
    bar_wr(0x28, (uint32_t)AVAIL, 4);
    bar_wr(0x2c, AVAIL >> 32, 4);
    bar_wr(0x30, (uint32_t)USED, 4);
    bar_wr(0x34, USED >> 32, 4);
}

static void test_queue(void **state)
{
    map_rng_bar();
    bar_wr(0x00, 1, 4);
    assert_int_equal(bar_rd(0x04, 4), 1); /* VERSION_1 offered */
    bar_wr(0x16, 0, 2);
    /* queue_size starts at the maximum */
    assert_int_equal(bar_rd(0x18, 2), VIRTIO_PCI(rng_pci)->vdev->vq[0].num_max);
    assert_int_equal(bar_rd(0x10, 2), 0xffff); /* no MSI-X vector */
    common_setup_queue(8);
    bar_wr(0x1c, 1, 2);
    assert_int_equal(bar_rd(0x1c, 2), 1);
    bar_wr(0x14, 0x0f, 1); /* DRIVER_OK */
    desc_set(DESC, 0, BUF, 32, D_WRITE, 0);
    ram_put(AVAIL + 4, 0, 2);
    ram_put(AVAIL + 2, 1, 2);
    bar_wr(0x3000 + 4 * bar_rd(0x1e, 2), 0, 2);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(td_used_len(0), 32);
    assert_int_equal(bar_rd(0x1000, 1), VIRTIO_ISR_QUEUE);
}

static void guest_mistakes(void)
{
    bar_wr(0x12, 7, 2);    /* num_queues is read-only */
    bar_wr(0x16, 0x99, 2); /* a queue that does not exist ... */
    bar_wr(0x18, 8, 2);    /* ... gets no size */
    bar_wr(0x1c, 1, 2);    /* ... and is not enabled */
    bar_wr(0x16, 0, 2);
    bar_wr(0x1c, 0, 2);           /* queue_enable 0 is not for the driver to write */
    bar_wr(0x3000 + 4 * 7, 0, 2); /* notify of a missing queue */
    bar_wr(0x3002, 0, 2);         /* unaligned notify */
    bar_wr(0x02, 0, 2);           /* inside a field */
    bar_wr(0x1000, 1, 1);         /* ISR is read-only */
    (void)bar_rd(0x40, 4);        /* past the common structure */
    bar_wr(0x18, 3, 2);           /* not a power of two: the device needs a reset */
}

static void test_guest_errors(void **state)
{
    char *text;

    map_rng_bar();
    common_setup_queue(8);
    text = logged(guest_mistakes);
    assert_non_null(strstr(text, "common cfg write at 0x12"));
    assert_non_null(strstr(text, "queue field 0x18 of missing queue 153"));
    assert_non_null(strstr(text, "queue_enable written with 0"));
    assert_non_null(strstr(text, "notify of missing queue 7"));
    assert_non_null(strstr(text, "notify at unaligned offset 0x2"));
    assert_non_null(strstr(text, "read-only ISR"));
    assert_non_null(strstr(text, "read past the end"));
    assert_true(bar_rd(0x14, 1) & VIRTIO_CONFIG_S_NEEDS_RESET);
    /* Rings outside RAM: enabling fails, the device asks for a reset. */
    common_setup_queue(8);
    bar_wr(0x20, 0x1000, 4); /* not RAM */
    bar_wr(0x24, 0, 4);
    bar_wr(0x1c, 1, 2);
    assert_int_equal(bar_rd(0x1c, 2), 0);
    assert_true(bar_rd(0x14, 1) & VIRTIO_CONFIG_S_NEEDS_RESET);
    /* A 64-bit config access and an ECAM access past the alignment are refused. */
    assert_int_equal(address_space_load(address_space_memory(), ecam_addr(1, 0), 8, &(uint64_t){0}),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_load(address_space_memory(), ecam_addr(1, 1), 2, &(uint64_t){0}),
                     MEMTX_DECODE_ERROR);
}

/* ---- the legacy interface (I/O BAR0) ---- */

#define PIO_BASE 0x3000000ull
#define LEGACY_IO 0x100 /* where the test puts BAR0 in I/O space */
/* The legacy layout of an 8-entry queue at a page: desc, avail, used on the next page. */
#define LDESC (RAM_BASE + 0x20000)
#define LUSED (LDESC + 0x1000)

static uint64_t io_rd(uint64_t off, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(
        address_space_load(address_space_memory(), PIO_BASE + LEGACY_IO + off, size, &v), MEMTX_OK);
    return v;
}

static void io_wr(uint64_t off, uint64_t v, unsigned size)
{
    assert_int_equal(
        address_space_store(address_space_memory(), PIO_BASE + LEGACY_IO + off, size, v), MEMTX_OK);
}

static void legacy_mistakes(void)
{
    io_wr(0x00, 1, 4); /* host features are read-only */
    io_wr(0x0c, 8, 2); /* so is the queue size */
    io_wr(0x10, 0, 4); /* queue notify is two bytes */
    (void)io_rd(0x08, 2);
}

/* A legacy driver: features, a queue by PFN, a request, the ISR; mistakes logged. */
static void test_legacy_queue(void **state)
{
    VirtQueue *vq = &VIRTIO_PCI(rng_pci)->vdev->vq[0];
    char *text;

    cfg_wr(RNG_SLOT, PCI_BASE_ADDRESS_0, LEGACY_IO, 4);
    cfg_wr(RNG_SLOT, PCI_COMMAND, PCI_COMMAND_IO | PCI_COMMAND_MASTER, 2);
    io_wr(0x12, 0, 1);
    io_wr(0x12, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER, 1);
    assert_int_equal(io_rd(0x00, 4), (uint32_t)virtio_host_features(VIRTIO_PCI(rng_pci)->vdev));
    io_wr(0x04, 0, 4);
    io_wr(0x0e, 0, 2);
    assert_int_equal(io_rd(0x0c, 2), vq->num_max); /* the driver cannot choose it */
    vq->num = 8; /* a small ring keeps the layout on two pages (the size is the device's) */
    io_wr(0x08, LDESC >> 12, 4);
    assert_int_equal(io_rd(0x08, 4), LDESC >> 12);
    assert_true(vq->ready);
    assert_int_equal(vq->avail, LDESC + 16 * 8);
    assert_int_equal(vq->used, LUSED);
    io_wr(0x12, 0x07, 1); /* DRIVER_OK, no FEATURES_OK in legacy */
    desc_set(LDESC, 0, BUF, 32, D_WRITE, 0);
    ram_put(vq->avail + 4, 0, 2);
    ram_put(vq->avail + 2, 1, 2);
    io_wr(0x10, 0, 2); /* notify queue 0 */
    assert_int_equal(ram_get(LUSED + 2, 2), 1);
    assert_int_equal(ram_get(LUSED + 8, 4), 32);
    assert_int_equal(io_rd(0x13, 1), VIRTIO_ISR_QUEUE);
    assert_int_equal(io_rd(0x13, 1), 0); /* the read acknowledged it */
    text = logged(legacy_mistakes);
    assert_non_null(strstr(text, "read-only legacy register 0x0"));
    assert_non_null(strstr(text, "read-only legacy register 0xc"));
    assert_non_null(strstr(text, "4-byte legacy write at 0x10"));
    assert_non_null(strstr(text, "2-byte legacy read at 0x8"));
    io_wr(0x08, 0, 4); /* PFN 0 stops the queue */
    assert_false(vq->ready);
    io_wr(0x12, 0, 1);
}

/* ---- placement ---- */

static void test_addr_property(void **state)
{
    static const struct {
        const char *addr;
        int devfn;
    } good[] = {{"2.0", 0x10}, {"0x3", 0x18}, {"1f.7", 0xff}, {"4", 0x20}};
    static const char *const bad[] = {"20", "x", "2.8", "", "2.", "0x3.1.2"};
    DeviceState *dev = qdev_new("virtio-rng-pci");
    Error *err = NULL;

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        assert_true(object_property_parse(OBJECT(dev), "addr", good[i].addr, &error_abort));
        assert_int_equal(PCI_DEVICE(dev)->requested_devfn, good[i].devfn);
    }
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(object_property_parse(OBJECT(dev), "addr", bad[i], &err));
        assert_non_null(strstr(error_get_pretty(err), "doesn't take value"));
        error_free(err);
        err = NULL;
    }
    /* Slot 1 is the rng's; bus= must name this bus. */
    assert_true(object_property_parse(OBJECT(dev), "addr", "1", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_false(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "slot 1 function 0 not available"));
    error_free(err);
    err = NULL;
    assert_true(object_property_parse(OBJECT(dev), "bus", "pcie.1", &error_abort));
    assert_false(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "Bus 'pcie.1' not found"));
    error_free(err);
    err = NULL;
    assert_true(object_property_parse(OBJECT(dev), "bus", "pcie.0", &error_abort));
    assert_true(object_property_parse(OBJECT(dev), "addr", "1f.7", &error_abort));
    assert_true(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &error_abort));
    assert_int_equal(cfg_rd(0x1f, PCI_VENDOR_ID + (7 << 12), 2), 0x1af4);
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    assert_int_equal(cfg_rd(0x1f, PCI_VENDOR_ID + (7 << 12), 2), 0xffff);
}

/* romfile=: the image behind the ROM BAR (PCI 3.0, 6.2.5.2), sized to a power of two, decoded
 * only with Memory Space and the enable bit; a missing file refuses the device. */
static void test_option_rom(void **state)
{
    char path[] = "/tmp/kestrel-unit-rom-XXXXXX";
    int fd = mkstemp(path);
    uint8_t image[3000];
    DeviceState *dev = qdev_new("virtio-rng-pci");
    Error *err = NULL;
    uint64_t v = 0, rom = MMIO32 + 0x200000;

    for (size_t i = 0; i < sizeof(image); i++) {
        image[i] = i * 7;
    }
    image[0] = 0x55, image[1] = 0xaa;
    assert_true(fd >= 0 && write(fd, image, sizeof(image)) == sizeof(image));
    close(fd);
    assert_true(object_property_parse(OBJECT(dev), "romfile", path, &error_abort));
    assert_true(object_property_parse(OBJECT(dev), "addr", "2", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    unlink(path);
    assert_true(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &error_abort));
    cfg_wr(2, PCI_ROM_ADDRESS, 0xffffffff, 4);
    assert_int_equal(cfg_rd(2, PCI_ROM_ADDRESS, 4), 0xfffff001); /* 4 KiB, enable bit */
    cfg_wr(2, PCI_ROM_ADDRESS, (uint32_t)rom, 4);
    cfg_wr(2, PCI_COMMAND, PCI_COMMAND_MEMORY, 2);
    assert_int_equal(address_space_load(address_space_memory(), rom, 2, &v), MEMTX_DECODE_ERROR);
    cfg_wr(2, PCI_ROM_ADDRESS, (uint32_t)rom | PCI_ROM_ADDRESS_ENABLE, 4);
    assert_int_equal(address_space_load(address_space_memory(), rom, 2, &v), MEMTX_OK);
    assert_int_equal(v, 0xaa55);
    assert_int_equal(address_space_load(address_space_memory(), rom + 2999, 1, &v), MEMTX_OK);
    assert_int_equal(v, (uint8_t)(2999 * 7));
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    dev = qdev_new("virtio-rng-pci");
    assert_true(object_property_parse(OBJECT(dev), "romfile", "no-such.rom", &error_abort));
    assert_false(qdev_realize(dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "failed to find romfile \"no-such.rom\""));
    error_free(err);
    err = NULL;
    object_unref(OBJECT(dev));
    dev = qdev_new("virtio-rng-pci");
    assert_true(object_property_parse(OBJECT(dev), "romfile", "/dev/null", &error_abort));
    assert_false(qdev_realize(dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "or empty"));
    error_free(err);
    object_unref(OBJECT(dev));
}

/* A VGA card answers at the legacy ports in the bus's I/O space once plugged. */
static void test_vga_legacy_ports(void **state)
{
    DeviceState *dev = qdev_new("VGA");
    uint64_t pio = 0x3000000, v = 0;

    assert_true(object_property_parse(OBJECT(dev), "romfile", "", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_true(pci_bus_plug(host->bus, PCI_DEVICE(dev), 0, &error_abort));
    assert_int_equal(address_space_store(address_space_memory(), pio + 0x3c2, 1, 0x67), MEMTX_OK);
    assert_int_equal(address_space_load(address_space_memory(), pio + 0x3cc, 1, &v), MEMTX_OK);
    assert_int_equal(v, 0x67);
    /* VBE: index 0 (ID) at 0x1ce, the data port at 0x1cf reads 0xb0c5. */
    assert_int_equal(address_space_store(address_space_memory(), pio + 0x1ce, 2, 0), MEMTX_OK);
    assert_int_equal(address_space_load(address_space_memory(), pio + 0x1cf, 2, &v), MEMTX_OK);
    assert_int_equal(v, 0xb0c5);
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
    assert_int_equal(address_space_load(address_space_memory(), pio + 0x3cc, 1, &v),
                     MEMTX_DECODE_ERROR);
}

/* disable-legacy=on: modern only, with the 1.0 identity; both off: refused. */
static void test_legacy_options(void **state)
{
    DeviceState *dev = qdev_new("virtio-rng-pci");
    Error *err = NULL;

    assert_true(object_property_parse(OBJECT(dev), "disable-legacy", "on", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_int_equal(pci_get_word(PCI_DEVICE(dev)->config + PCI_DEVICE_ID), 0x1040 + VIRTIO_ID_RNG);
    assert_int_equal(PCI_DEVICE(dev)->config[PCI_REVISION_ID], 1);
    assert_int_equal(pci_get_word(PCI_DEVICE(dev)->config + PCI_SUBSYSTEM_ID), 0x1100);
    object_unref(OBJECT(dev));
    dev = qdev_new("virtio-rng-pci");
    assert_true(object_property_parse(OBJECT(dev), "disable-legacy", "on", &error_abort));
    assert_true(object_property_parse(OBJECT(dev), "disable-modern", "on", &error_abort));
    assert_false(qdev_realize(dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "neither modern nor legacy"));
    error_free(err);
    object_unref(OBJECT(dev));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identity, test_setup),
        cmocka_unit_test_setup(test_bar_sizing, test_setup),
        cmocka_unit_test_setup(test_bar_mapping, test_setup),
        cmocka_unit_test_setup(test_capabilities, test_setup),
        cmocka_unit_test_setup(test_cfg_window, test_setup),
        cmocka_unit_test_setup(test_intx, test_setup),
        cmocka_unit_test_setup(test_queue, test_setup),
        cmocka_unit_test_setup(test_guest_errors, test_setup),
        cmocka_unit_test_setup(test_addr_property, test_setup),
        cmocka_unit_test_setup(test_legacy_queue, test_setup),
        cmocka_unit_test(test_legacy_options),
        cmocka_unit_test(test_option_rom),
        cmocka_unit_test(test_vga_legacy_ports),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
