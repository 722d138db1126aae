/*
 * The PCI core: configuration space with write masks, BAR sizing and mapping,
 * capability lists, INTx, and the bus that holds the functions.
 * Spec: PCI Local Bus Specification 3.0, 6.1-6.2 (type 0 header, command and
 * status, base address registers) and 6.7 (capabilities); contract in
 * include/hw/pci/pci.h.
 *
 * Modelling choices:
 *  - Every function has PCIe's 4 KiB of configuration space; what a device does
 *    not implement reads 0 and ignores writes (masks are 0 there).
 *  - A BAR is mapped while its decode bit is on, at whatever address the guest
 *    wrote, overlapping or not (the memory core resolves overlaps); a 64-bit BAR
 *    half-written during sizing or pointing past the end of the bus space stays
 *    unmapped, as the guest cannot reach it anyway.
 *  - Bus mastering is not enforced: devices reach guest RAM whatever the
 *    command register's Bus Master bit says (QEMU does the same by default for
 *    the devices we model).
 */
#include "hw/pci/pci.h"
#include "hw/pci/msix.h"

#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "migration/vmstate.h"
#include "util/log.h"

#define PCI_COMMAND_WMASK                                                                          \
    (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |               \
     PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE)

/* ---- INTx ---- */

static bool pci_intx_asserted(PCIDevice *dev)
{
    return dev->irq_level && !(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

/* The pin's line at the host follows the wired OR of every device driving it. */
static void pci_route_irq(PCIDevice *dev, bool was, bool now)
{
    PCIBus *bus = dev->bus;
    int pin = dev->config[PCI_INTERRUPT_PIN];
    int line;

    if (was == now || !bus || pin == 0 || !bus->map_irq) {
        return;
    }
    line = bus->map_irq(dev, pin - 1);
    if (line < 0 || line >= bus->nirq) {
        return;
    }
    bus->irq_count[line] += now ? 1 : -1;
    bus->set_irq(bus->irq_opaque, line, bus->irq_count[line] > 0);
}

/* Recompute the status bit and the routed line after irq_level or INTX_DISABLE moved. */
static void pci_update_irq(PCIDevice *dev, bool was_asserted)
{
    bool now = pci_intx_asserted(dev);
    uint16_t status = pci_get_word(dev->config + PCI_STATUS) & ~PCI_STATUS_INTERRUPT;

    pci_set_word(dev->config + PCI_STATUS, status | (dev->irq_level ? PCI_STATUS_INTERRUPT : 0));
    pci_route_irq(dev, was_asserted, now);
}

void pci_set_irq(PCIDevice *dev, bool level)
{
    bool was = pci_intx_asserted(dev);

    dev->irq_level = level;
    pci_update_irq(dev, was);
}

/* ---- BARs ---- */

static uint32_t pci_bar_offset(int n)
{
    return n == PCI_ROM_SLOT ? PCI_ROM_ADDRESS : PCI_BASE_ADDRESS_0 + 4 * n;
}

static bool pci_bar_is_64(const PCIIORegion *r)
{
    return !(r->type & PCI_BASE_ADDRESS_SPACE_IO) && (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64);
}

void pci_register_bar(PCIDevice *dev, int n, uint8_t type, MemoryRegion *mr)
{
    PCIIORegion *r = &dev->io_regions[n];
    uint64_t mask = ~(mr->size - 1);
    uint32_t off = pci_bar_offset(n);

    assert(n >= 0 && n < PCI_NUM_BARS && mr->size && !(mr->size & (mr->size - 1)));
    *r = (PCIIORegion){.size = mr->size, .type = type, .memory = mr, .addr = PCI_BAR_UNMAPPED};
    if (type & PCI_BASE_ADDRESS_SPACE_IO) {
        mask &= PCI_BASE_ADDRESS_IO_MASK;
    } else {
        mask &= PCI_BASE_ADDRESS_MEM_MASK;
    }
    /* The type bits are read-only; the address bits below the size read 0 (sizing). */
    pci_set_long(dev->config + off, type);
    pci_set_long(dev->wmask + off, (uint32_t)mask);
    if (pci_bar_is_64(r)) {
        assert(n + 1 < PCI_NUM_BARS);
        pci_set_long(dev->config + off + 4, 0);
        pci_set_long(dev->wmask + off + 4, mask >> 32);
    }
}

uint64_t pci_get_bar_addr(PCIDevice *dev, int n)
{
    return dev->io_regions[n].addr;
}

/* Where the guest's BAR value and the command register put region n (or unmapped). */
static uint64_t pci_bar_address(PCIDevice *dev, int n)
{
    PCIIORegion *r = &dev->io_regions[n];
    uint16_t cmd = pci_get_word(dev->config + PCI_COMMAND);
    uint32_t off = pci_bar_offset(n);
    uint64_t addr = pci_get_long(dev->config + off);
    MemoryRegion *space;

    if (n == PCI_ROM_SLOT) {
        /* The ROM decodes only with both Memory Space and its own enable bit. */
        if (!(cmd & PCI_COMMAND_MEMORY) || !(addr & PCI_ROM_ADDRESS_ENABLE)) {
            return PCI_BAR_UNMAPPED;
        }
        addr &= PCI_ROM_ADDRESS_MASK;
        space = dev->bus->mem;
    } else if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
        if (!(cmd & PCI_COMMAND_IO)) {
            return PCI_BAR_UNMAPPED;
        }
        addr &= PCI_BASE_ADDRESS_IO_MASK & 0xffffffff;
        space = dev->bus->io;
    } else {
        if (!(cmd & PCI_COMMAND_MEMORY)) {
            return PCI_BAR_UNMAPPED;
        }
        if (pci_bar_is_64(r)) {
            addr |= (uint64_t)pci_get_long(dev->config + off + 4) << 32;
        }
        addr &= PCI_BASE_ADDRESS_MEM_MASK;
        space = dev->bus->mem;
    }
    /* All-ones (sizing in progress) or beyond the bus space: nothing the guest can reach. */
    if (addr + r->size < addr || addr + r->size > space->size ||
        addr == (~(r->size - 1) & (pci_bar_is_64(r) ? UINT64_MAX : UINT32_MAX))) {
        return PCI_BAR_UNMAPPED;
    }
    return addr;
}

static void pci_update_mappings(PCIDevice *dev)
{
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        uint64_t addr;

        if (!r->size) {
            continue;
        }
        addr = dev->bus ? pci_bar_address(dev, n) : PCI_BAR_UNMAPPED;
        if (addr == r->addr) {
            continue;
        }
        MemoryRegion *space = (r->type & PCI_BASE_ADDRESS_SPACE_IO) ? dev->bus->io : dev->bus->mem;
        if (r->addr != PCI_BAR_UNMAPPED) {
            memory_region_del_subregion(space, r->memory);
        }
        r->addr = addr;
        if (addr != PCI_BAR_UNMAPPED) {
            /* Above the bus's own background (priority 0), one level for every device. */
            memory_region_add_subregion_overlap(space, addr, r->memory, 1);
        }
    }
}

/* ---- legacy VGA windows ---- */

#define PCI_VGA_MEM_BASE 0xa0000
#define PCI_VGA_IO_BASE 0x3b0
#define PCI_VBE_IO_BASE 0x1ce

void pci_register_vga(PCIDevice *dev, MemoryRegion *mem, MemoryRegion *io, MemoryRegion *vbe_io)
{
    dev->vga_mem = mem;
    dev->vga_io = io;
    dev->vbe_io = vbe_io;
}

void pci_map_vga(PCIDevice *dev, bool map)
{
    if (!dev->bus || !dev->vga_mem) {
        return;
    }
    if (map) {
        /* Above the bus's background, like a BAR: the card claims these cycles. */
        memory_region_add_subregion_overlap(dev->bus->mem, PCI_VGA_MEM_BASE, dev->vga_mem, 1);
        memory_region_add_subregion_overlap(dev->bus->io, PCI_VGA_IO_BASE, dev->vga_io, 1);
        memory_region_add_subregion_overlap(dev->bus->io, PCI_VBE_IO_BASE, dev->vbe_io, 1);
    } else {
        memory_region_del_subregion(dev->bus->mem, dev->vga_mem);
        memory_region_del_subregion(dev->bus->io, dev->vga_io);
        memory_region_del_subregion(dev->bus->io, dev->vbe_io);
    }
}

/* ---- configuration space ---- */

uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, unsigned len)
{
    uint32_t val = 0;

    for (unsigned i = 0; i < len; i++) {
        val |= (uint32_t)dev->config[addr + i] << (8 * i);
    }
    return val;
}

static bool ranges_overlap(uint32_t a, unsigned alen, uint32_t b, unsigned blen)
{
    return a < b + blen && b < a + alen;
}

void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    bool was_asserted = pci_intx_asserted(dev);

    for (unsigned i = 0; i < len; i++) {
        uint8_t b = val >> (8 * i);
        uint8_t wm = dev->wmask[addr + i], w1c = dev->w1cmask[addr + i];

        dev->config[addr + i] = (dev->config[addr + i] & ~wm) | (b & wm);
        dev->config[addr + i] &= ~(b & w1c);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2) ||
        ranges_overlap(addr, len, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS) ||
        ranges_overlap(addr, len, PCI_ROM_ADDRESS, 4)) {
        pci_update_mappings(dev);
    }
    if (ranges_overlap(addr, len, PCI_COMMAND, 2)) {
        pci_update_irq(dev, was_asserted);
    }
    msix_config_written(dev, addr, len);
}

static bool pci_config_access_ok(uint32_t addr, unsigned len)
{
    return (len == 1 || len == 2 || len == 4) && !(addr & (len - 1)) &&
           addr + len <= PCIE_CONFIG_SPACE_SIZE;
}

PCIDevice *pci_bus_find_device(PCIBus *bus, int devfn)
{
    return devfn >= 0 && devfn < PCI_DEVFN_MAX ? bus->devices[devfn] : NULL;
}

uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, unsigned len)
{
    PCIDevice *dev = pci_bus_find_device(bus, devfn);
    PCIDeviceClass *pdc;
    uint32_t val;

    if (!pci_config_access_ok(addr, len)) {
        log_mask(LOG_GUEST_ERROR, "pci: bad config read of %u bytes at 0x%" PRIx32 "\n", len, addr);
        return UINT32_MAX;
    }
    if (!dev) {
        /* No function there: the host sees a master abort, all-ones. */
        return len == 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
    }
    val = pci_default_read_config(dev, addr, len);
    pdc = PCI_DEVICE_GET_CLASS(dev);
    return pdc->config_read ? pdc->config_read(dev, addr, val, len) : val;
}

void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val, unsigned len)
{
    PCIDevice *dev = pci_bus_find_device(bus, devfn);
    PCIDeviceClass *pdc;

    if (!pci_config_access_ok(addr, len)) {
        log_mask(LOG_GUEST_ERROR, "pci: bad config write of %u bytes at 0x%" PRIx32 "\n", len,
                 addr);
        return;
    }
    if (!dev) {
        return;
    }
    pci_default_write_config(dev, addr, val, len);
    pdc = PCI_DEVICE_GET_CLASS(dev);
    if (pdc->config_written) {
        pdc->config_written(dev, addr, val, len);
    }
}

uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size, Error **errp)
{
    uint8_t off = dev->next_cap;
    uint8_t *link = dev->config + PCI_CAPABILITY_LIST;

    if (off < PCI_CONFIG_HEADER_END || off + size > PCI_CONFIG_SPACE_SIZE || size < 2) {
        error_setg(errp, "%s: no room for a %u-byte PCI capability",
                   object_get_typename(OBJECT(dev)), size);
        return 0;
    }
    while (*link) {
        link = dev->config + *link + PCI_CAP_LIST_NEXT;
    }
    *link = off;
    dev->config[off] = cap_id;
    dev->config[off + PCI_CAP_LIST_NEXT] = 0;
    dev->next_cap = (off + size + 3) & ~3; /* capabilities are dword aligned */
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) | PCI_STATUS_CAP_LIST);
    return off;
}

/* ---- the expansion ROM (PCI 3.0, 6.2.5.2) ---- */

/* The firmware directories QEMU's Debian packages install option ROMs into. */
static const char *const pci_rom_dirs[] = {"/usr/share/seabios/", "/usr/share/qemu/"};

static FILE *pci_rom_open(const char *name, Error **errp)
{
    FILE *f = NULL;

    if (strchr(name, '/')) {
        f = fopen(name, "rb");
    }
    for (size_t i = 0; !f && !strchr(name, '/') && i < ARRAY_SIZE(pci_rom_dirs); i++) {
        char *path = xasprintf("%s%s", pci_rom_dirs[i], name);
        f = fopen(path, "rb");
        free(path);
    }
    if (!f) {
        error_setg(errp, "failed to find romfile \"%s\"", name);
    }
    return f;
}

/* The ROM BAR: read-only address bits above the size, and the enable bit (bit 0). */
static bool pci_load_rom(PCIDevice *dev, const char *name, Error **errp)
{
    FILE *f = pci_rom_open(name, errp);
    long size = 0;
    uint64_t bar_size = 2 * KiB; /* the smallest ROM BAR (address bits start at 11) */
    bool read_ok;

    if (!f) {
        return false;
    }
    read_ok = !fseek(f, 0, SEEK_END) && (size = ftell(f)) > 0 && size <= (long)(16 * MiB) &&
              !fseek(f, 0, SEEK_SET);
    while (read_ok && bar_size < (uint64_t)size) {
        bar_size *= 2;
    }
    if (!read_ok) {
        fclose(f);
        error_setg(errp, "romfile \"%s\": cannot read it, or empty, or over 16 MiB", name);
        return false;
    }
    if (!memory_region_init_rom(&dev->rom, "pci.rom", bar_size, errp)) {
        fclose(f);
        return false;
    }
    read_ok = fread(memory_region_get_ram_ptr(&dev->rom), 1, size, f) == (size_t)size;
    fclose(f);
    if (!read_ok) {
        memory_region_destroy(&dev->rom);
        error_setg(errp, "romfile \"%s\": cannot read it", name);
        return false;
    }
    dev->io_regions[PCI_ROM_SLOT] =
        (PCIIORegion){.size = bar_size, .memory = &dev->rom, .addr = PCI_BAR_UNMAPPED};
    pci_set_long(dev->wmask + PCI_ROM_ADDRESS,
                 (uint32_t)(~(bar_size - 1) & PCI_ROM_ADDRESS_MASK) | PCI_ROM_ADDRESS_ENABLE);
    return true;
}

/* ---- realize / reset ---- */

/* The type 0 header: IDs from the class, what the guest may write. */
static void pci_init_header(PCIDevice *dev)
{
    PCIDeviceClass *pdc = PCI_DEVICE_GET_CLASS(dev);
    uint8_t *c = dev->config;

    memset(dev->config, 0, sizeof(dev->config));
    memset(dev->wmask, 0, sizeof(dev->wmask));
    memset(dev->w1cmask, 0, sizeof(dev->w1cmask));
    pci_set_word(c + PCI_VENDOR_ID, pdc->vendor_id);
    pci_set_word(c + PCI_DEVICE_ID, pdc->device_id);
    c[PCI_REVISION_ID] = pdc->revision;
    c[PCI_CLASS_PROG] = pdc->class_id & 0xff;
    pci_set_word(c + PCI_CLASS_DEVICE, pdc->class_id >> 8);
    /* Like QEMU, a device that names no subsystem reports Red Hat's "QEMU" one. */
    pci_set_word(c + PCI_SUBSYSTEM_VENDOR_ID,
                 pdc->subsystem_vendor_id ?: PCI_VENDOR_ID_REDHAT_QUMRANET);
    pci_set_word(c + PCI_SUBSYSTEM_ID, pdc->subsystem_id ?: PCI_SUBDEVICE_ID_QEMU);
    pci_set_word(dev->wmask + PCI_COMMAND, PCI_COMMAND_WMASK);
    pci_set_word(dev->w1cmask + PCI_STATUS, PCI_STATUS_W1C);
    dev->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
    dev->wmask[PCI_LATENCY_TIMER] = 0xff;
    dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
    dev->next_cap = PCI_CONFIG_HEADER_END;
}

static bool pci_device_realize(DeviceState *ds, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(ds);
    PCIDeviceClass *pdc = PCI_DEVICE_GET_CLASS(dev);

    pci_init_header(dev);
    if (!pdc->realize || pdc->realize(dev, errp)) {
        const char *rom = dev->romfile ? dev->romfile : pdc->romfile;
        return !rom || !*rom || pci_load_rom(dev, rom, errp);
    }
    return false;
}

/*
 * Power-on state (PCI 3.0, 6.2.2): decoding off, BARs 0, interrupt line cleared. The IDs,
 * masks and capabilities stay: realize wrote them once.
 */
static void pci_device_reset(DeviceState *ds)
{
    PCIDevice *dev = PCI_DEVICE(ds);

    pci_set_irq(dev, false);
    pci_set_word(dev->config + PCI_COMMAND, 0);
    pci_set_word(dev->config + PCI_STATUS,
                 pci_get_word(dev->config + PCI_STATUS) & ~PCI_STATUS_W1C);
    dev->config[PCI_CACHE_LINE_SIZE] = dev->config[PCI_LATENCY_TIMER] = 0;
    dev->config[PCI_INTERRUPT_LINE] = 0;
    for (int n = 0; n < PCI_NUM_REGIONS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        uint32_t off = pci_bar_offset(n);

        if (r->size) {
            pci_set_long(dev->config + off, r->type);
            if (pci_bar_is_64(r)) {
                pci_set_long(dev->config + off + 4, 0);
            }
        }
    }
    pci_update_mappings(dev);
    if (PCI_DEVICE_GET_CLASS(dev)->reset) {
        PCI_DEVICE_GET_CLASS(dev)->reset(dev);
    }
}

static void pci_device_instance_init(Object *obj)
{
    PCIDevice *dev = PCI_DEVICE(obj);

    dev->devfn = -1;
    dev->requested_devfn = -1;
}

static void pci_device_finalize(Object *obj)
{
    PCIDevice *dev = PCI_DEVICE(obj);

    if (dev->bus && dev->devfn >= 0 && dev->bus->devices[dev->devfn] == dev) {
        pci_set_irq(dev, false);
        pci_set_word(dev->config + PCI_COMMAND, 0);
        pci_update_mappings(dev); /* the BARs leave the bus spaces */
        pci_map_vga(dev, false);
        dev->bus->devices[dev->devfn] = NULL;
    }
    /* The BARs' regions, out of the bus spaces now: their names and subregion links (a
     * device's RAM stays with its owner). Then MSI-X's regions, which were in one of them. */
    for (int i = 0; i < PCI_ROM_SLOT; i++) {
        MemoryRegion *mr = dev->io_regions[i].memory;
        if (mr && !memory_region_is_ram(mr)) {
            memory_region_destroy(mr);
        }
    }
    msix_uninit(dev);
    if (dev->io_regions[PCI_ROM_SLOT].size) {
        memory_region_destroy(&dev->rom);
    }
}

/* ---- properties ---- */

/* "slot[.fn]", both hexadecimal as in QEMU (addr=0x1f, addr=1f.7, addr=2.0). */
static bool pci_parse_devfn(const char *s, int *devfn)
{
    char *end;
    unsigned long slot, fn = 0;

    if (!s || !*s) {
        return false;
    }
    slot = strtoul(s, &end, 16);
    if (end == s) {
        return false;
    }
    if (*end == '.') {
        const char *f = end + 1;
        fn = strtoul(f, &end, 16);
        if (end == f) {
            return false;
        }
    }
    if (*end || slot >= PCI_SLOT_MAX || fn >= PCI_FUNC_MAX) {
        return false;
    }
    *devfn = PCI_DEVFN(slot, fn);
    return true;
}

static bool pci_check_addr(Object *obj, Error **errp)
{
    PCIDevice *dev = PCI_DEVICE(obj);

    if (!dev->addr) {
        dev->requested_devfn = -1;
        return true;
    }
    if (!pci_parse_devfn(dev->addr, &dev->requested_devfn)) {
        error_setg(errp,
                   "Property '%s.addr' doesn't take value '%s' (slot[.function], hexadecimal, "
                   "slot < 0x20, function < 8)",
                   object_get_typename(obj), dev->addr);
        return false;
    }
    return true;
}

static const Property pci_device_props[] = {
    DEFINE_PROP("addr", PROP_STRING, PCIDevice, addr, .check = pci_check_addr,
                .description = "slot and function on the bus, e.g. 2.0 or 0x3"),
    DEFINE_PROP("bus", PROP_STRING, PCIDevice, bus_name,
                .description = "the PCI bus to plug into (pcie.0 on virt)"),
    DEFINE_PROP("romfile", PROP_STRING, PCIDevice, romfile,
                .description = "option ROM image (a file name in the firmware directories, "
                               "a path, or empty for none)"),
    DEFINE_PROP_END,
};

/* ---- machine state (savevm) ---- */

/* Configuration space (BARs, command, capabilities) and the INTx pin's level. */
static const VMStateField pci_device_fields[] = {
    VMSTATE_BUFFER(config, PCIDevice),
    VMSTATE_BOOL(irq_level, PCIDevice),
    VMSTATE_UINT8_VARRAY_PTR(msix_table, PCIDevice, msix_table_bytes),
    VMSTATE_UINT8_VARRAY_PTR(msix_pba, PCIDevice, msix_pba_bytes),
    VMSTATE_END_OF_LIST(),
};

/* Version 2: the MSI-X table and pending bits. */
const VMStateDescription vmstate_pci_device = {
    .name = "pci-device",
    .version_id = 2,
    .minimum_version_id = 2,
    .fields = pci_device_fields,
};

bool pci_device_post_load(PCIDevice *dev, Error **errp)
{
    pci_update_mappings(dev);
    return true;
}

static bool pci_device_vmstate_post_load(void *opaque, int version_id, Error **errp)
{
    return pci_device_post_load(opaque, errp);
}

/* For PCI devices with no state of their own (the host bridge's function 0). */
static const VMStateDescription vmstate_pci_device_only = {
    .name = "pci-device",
    .version_id = 2,
    .minimum_version_id = 2,
    .post_load = pci_device_vmstate_post_load,
    .fields = pci_device_fields,
};

static void pci_device_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    object_class_add_props(oc, pci_device_props);
    dc->realize = pci_device_realize;
    dc->reset = pci_device_reset;
    dc->vmsd = &vmstate_pci_device_only;
}

static const TypeInfo pci_device_info = {
    .name = TYPE_PCI_DEVICE,
    .parent = TYPE_DEVICE,
    .abstract = true,
    .instance_size = sizeof(PCIDevice),
    .class_size = sizeof(PCIDeviceClass),
    .instance_init = pci_device_instance_init,
    .instance_finalize = pci_device_finalize,
    .class_init = pci_device_class_init,
};

static void pci_register_types(void)
{
    type_register_static(&pci_device_info);
}

type_init(pci_register_types)
