/*
 * The PCI bus: 256 device/function slots behind a host bridge, placement of
 * devices (addr=, bus=, first free slot) and the monitor's `info pci`.
 * The bus is a QOM object, a child of its host bridge named as QEMU names it
 * ("pcie.0"), so bus=pcie.0 on the command line and the composition tree agree.
 */
#include <inttypes.h>

#include "hw/pci/pci.h"

PCIBus *pci_root_bus_new(Object *parent, const char *name, MemoryRegion *mem, MemoryRegion *io,
                         PCIMapIRQFn *map_irq, PCISetIRQFn *set_irq, void *irq_opaque, int nirq)
{
    PCIBus *bus = PCI_BUS(object_new(TYPE_PCI_BUS));

    bus->mem = mem;
    bus->io = io;
    bus->map_irq = map_irq;
    bus->set_irq = set_irq;
    bus->irq_opaque = irq_opaque;
    bus->nirq = nirq;
    bus->irq_count = xnew0(int, nirq);
    object_property_add_child(parent, name, OBJECT(bus));
    object_unref(OBJECT(bus));
    return bus;
}

void pci_bus_reroute_irqs(PCIBus *bus)
{
    memset(bus->irq_count, 0, bus->nirq * sizeof(int));
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *dev = bus->devices[devfn];
        int pin = dev ? dev->config[PCI_INTERRUPT_PIN] : 0;
        int line = pin && bus->map_irq ? bus->map_irq(dev, pin - 1) : -1;

        if (line >= 0 && line < bus->nirq && dev->irq_level &&
            !(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE)) {
            bus->irq_count[line]++;
        }
    }
    for (int line = 0; line < bus->nirq; line++) {
        bus->set_irq(bus->irq_opaque, line, bus->irq_count[line] > 0);
    }
}

const char *pci_bus_name(PCIBus *bus)
{
    return OBJECT(bus)->name;
}

static int pci_bus_free_slot(PCIBus *bus, int first_slot)
{
    for (int slot = first_slot; slot < PCI_SLOT_MAX; slot++) {
        bool used = false;

        for (int fn = 0; fn < PCI_FUNC_MAX; fn++) {
            used |= bus->devices[PCI_DEVFN(slot, fn)] != NULL;
        }
        if (!used) {
            return PCI_DEVFN(slot, 0);
        }
    }
    return -1;
}

bool pci_bus_plug(PCIBus *bus, PCIDevice *dev, int first_slot, Error **errp)
{
    int devfn = dev->requested_devfn;
    const char *type = object_get_typename(OBJECT(dev));

    if (dev->bus_name && strcmp(dev->bus_name, pci_bus_name(bus)) != 0) {
        error_setg(errp, "Bus '%s' not found", dev->bus_name);
        return false;
    }
    if (devfn < 0) {
        devfn = pci_bus_free_slot(bus, first_slot);
        if (devfn < 0) {
            error_setg(errp, "PCI: no slot/function available for %s, all in use", type);
            return false;
        }
    } else if (bus->devices[devfn]) {
        error_setg(errp, "PCI: slot %d function %d not available for %s, in use by %s",
                   PCI_SLOT(devfn), PCI_FUNC(devfn), type,
                   object_get_typename(OBJECT(bus->devices[devfn])));
        return false;
    }
    bus->devices[devfn] = dev;
    dev->bus = bus;
    dev->devfn = devfn;
    /* addr now reads where the device is, as QEMU's qtree shows it ("02.0"). */
    free(dev->addr);
    dev->addr = xasprintf("%02x.%x", PCI_SLOT(devfn), PCI_FUNC(devfn));
    return true;
}

/* ---- info pci ---- */

static const char *pci_class_name(uint16_t class)
{
    switch (class) {
    case 0x0100:
        return "SCSI controller";
    case 0x0106:
        return "SATA controller";
    case 0x0200:
        return "Ethernet controller";
    case 0x0600:
        return "Host bridge";
    case 0x0601:
        return "ISA bridge";
    default:
        return NULL;
    }
}

/* An unmapped BAR shows as address -1, its end wrapping to size - 2, as QEMU prints it. */
static void pci_info_bars(PCIDevice *dev, FILE *out)
{
    for (int n = 0; n < PCI_NUM_BARS; n++) {
        PCIIORegion *r = &dev->io_regions[n];
        uint64_t last = r->addr + r->size - 1;

        if (!r->size) {
            continue;
        }
        if (r->type & PCI_BASE_ADDRESS_SPACE_IO) {
            fprintf(out, "      BAR%d: I/O at 0x%04" PRIx64 " [0x%04" PRIx64 "].\n", n, r->addr,
                    last);
        } else {
            fprintf(out, "      BAR%d: %s bit%s memory at 0x%08" PRIx64 " [0x%08" PRIx64 "].\n", n,
                    (r->type & PCI_BASE_ADDRESS_MEM_TYPE_64) ? "64" : "32",
                    (r->type & PCI_BASE_ADDRESS_MEM_PREFETCH) ? " prefetchable" : "", r->addr,
                    last);
        }
    }
}

/* The format of QEMU's HMP `info pci` (one block per function; unknown classes in decimal). */
void pci_info_print(PCIBus *bus, FILE *out)
{
    for (int devfn = 0; devfn < PCI_DEVFN_MAX; devfn++) {
        PCIDevice *dev = bus->devices[devfn];
        const uint8_t *c;
        const char *name;

        if (!dev) {
            continue;
        }
        c = dev->config;
        name = pci_class_name(pci_get_word(c + PCI_CLASS_DEVICE));
        fprintf(out, "  Bus %2d, device %3d, function %d:\n", 0, PCI_SLOT(devfn), PCI_FUNC(devfn));
        if (name) {
            fprintf(out, "    %s", name);
        } else {
            fprintf(out, "    Class %04d", pci_get_word(c + PCI_CLASS_DEVICE));
        }
        fprintf(out, ": PCI device %04x:%04x\n", pci_get_word(c + PCI_VENDOR_ID),
                pci_get_word(c + PCI_DEVICE_ID));
        fprintf(out, "      PCI subsystem %04x:%04x\n", pci_get_word(c + PCI_SUBSYSTEM_VENDOR_ID),
                pci_get_word(c + PCI_SUBSYSTEM_ID));
        if (c[PCI_INTERRUPT_PIN]) {
            fprintf(out, "      IRQ %d, pin %c\n", c[PCI_INTERRUPT_LINE],
                    'A' + c[PCI_INTERRUPT_PIN] - 1);
        }
        pci_info_bars(dev, out);
        fprintf(out, "      id \"%s\"\n", DEVICE(dev)->id ? DEVICE(dev)->id : "");
    }
}

static void pci_info_walk(Object *obj, void *opaque)
{
    if (object_dynamic_cast(obj, TYPE_PCI_BUS)) {
        pci_info_print(PCI_BUS(obj), opaque);
    }
    object_child_foreach(obj, pci_info_walk, opaque);
}

void pci_info_print_all(FILE *out)
{
    /* From the root: q35's host bridge sits beside /machine, as QEMU's does. */
    pci_info_walk(object_get_root(), out);
}

static void pci_bus_finalize(Object *obj)
{
    free(PCI_BUS(obj)->irq_count);
}

static const TypeInfo pci_bus_info = {
    .name = TYPE_PCI_BUS,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(PCIBus),
    .instance_finalize = pci_bus_finalize,
};

static void pci_bus_register_types(void)
{
    type_register_static(&pci_bus_info);
}

type_init(pci_bus_register_types)
