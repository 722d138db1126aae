/*
 * The PCI core: PCIDevice (a function with its configuration space and BARs)
 * and PCIBus (32 slots x 8 functions behind one host bridge). Target-neutral:
 * a host bridge (hw/pci-host/gpex.c on virt, later Q35 on pc) creates the bus
 * with its memory and I/O spaces and its INTx routing, and forwards the
 * guest's configuration accesses to pci_bus_config_read/write.
 *
 * Configuration space (PCI Local Bus 3.0, ch. 6; PCIe 4.0, 7.5): every
 * function has 4 KiB (256 bytes of the conventional header and capabilities,
 * then the extended space, all zeros unless a device adds extended
 * capabilities). Each byte has a write mask (which bits the guest may change)
 * and a write-1-to-clear mask (status bits), so a device declares what is
 * writable once and the core applies every guest write the same way.
 *
 * BARs follow real hardware: the guest sizes a BAR by writing all-ones and
 * reading back ~(size - 1) | type bits, then writes an address; the region
 * appears in the bus's memory (or I/O) space only while the command
 * register's Memory (or I/O) Space bit is set, and moves whenever the guest
 * rewrites the BAR. The host maps windows of those spaces into the system
 * address space, so what a BAR points at decides what the CPU reaches.
 *
 * Devices: subclass TYPE_PCI_DEVICE, fill the PCIDeviceClass IDs, and in
 * pdc->realize register BARs (pci_register_bar) and capabilities
 * (pci_add_capability). Raise INTx with pci_set_irq(). Properties every PCI
 * device has: addr ("slot[.fn]", hex as in QEMU: addr=2.0, addr=0x2) and bus
 * (the bus name, "pcie.0" on virt). A realized device is placed on a bus by
 * pci_bus_plug (the board's device_plug hook does that for -device).
 *
 * All of this runs under the BQL (MMIO handlers, machine creation).
 */
#ifndef HW_PCI_PCI_H
#define HW_PCI_PCI_H

#include "hw/core/qdev.h"
#include "hw/pci/pci_regs.h"
#include "system/memory.h"

#define TYPE_PCI_DEVICE "pci-device"
#define TYPE_PCI_BUS "PCIE"

#define PCI_SLOT_MAX 32
#define PCI_FUNC_MAX 8
#define PCI_DEVFN_MAX (PCI_SLOT_MAX * PCI_FUNC_MAX)
#define PCI_DEVFN(slot, fn) ((((slot)&0x1f) << 3) | ((fn)&0x07))
#define PCI_SLOT(devfn) (((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn) ((devfn)&0x07)
#define PCI_NUM_PINS 4 /* INTA..INTD */
#define PCI_NUM_BARS 6
#define PCI_ROM_SLOT 6 /* io_regions[6]: the expansion ROM BAR at PCI_ROM_ADDRESS */
#define PCI_NUM_REGIONS 7
#define PCI_BAR_UNMAPPED UINT64_MAX

typedef struct PCIBus PCIBus;
typedef struct PCIDevice PCIDevice;

/* One BAR as the device registered it and where the guest has put it. */
typedef struct PCIIORegion {
    uint64_t size;        /* 0: the BAR is not implemented (reads 0, ignores writes) */
    uint8_t type;         /* PCI_BASE_ADDRESS_SPACE_IO / MEM_TYPE_64 / MEM_PREFETCH bits */
    MemoryRegion *memory; /* the device's region, owned by the device */
    uint64_t addr;        /* bus address it is mapped at, or PCI_BAR_UNMAPPED */
} PCIIORegion;

struct PCIDevice {
    DeviceState parent_obj;
    uint8_t config[PCIE_CONFIG_SPACE_SIZE];
    uint8_t wmask[PCIE_CONFIG_SPACE_SIZE];   /* bits the guest may write */
    uint8_t w1cmask[PCIE_CONFIG_SPACE_SIZE]; /* bits a guest 1 clears */
    PCIIORegion io_regions[PCI_NUM_REGIONS]; /* BARs 0-5, then the ROM BAR */
    MemoryRegion rom;                        /* the option ROM image, if romfile names one */
    MemoryRegion *vga_mem, *vga_io, *vbe_io; /* pci_register_vga's legacy windows, or NULL */
    PCIBus *bus;                             /* set by pci_bus_plug */
    int devfn;                               /* where it sits on bus (-1 until plugged) */
    uint8_t next_cap;                        /* the next free offset for pci_add_capability */
    bool irq_level;                          /* the device's INTx line (before INTX_DISABLE) */
    /* MSI-X (hw/pci/msix.c): capability offset (0: none), vectors, table and PBA */
    uint8_t msix_cap;
    unsigned msix_entries;
    uint8_t *msix_table, *msix_pba;
    uint32_t msix_table_bytes, msix_pba_bytes; /* their sizes (0 without MSI-X), for savevm */
    MemoryRegion msix_table_mmio, msix_pba_mmio;
    /* properties */
    char *addr;          /* "slot[.fn]" as given, NULL: the first free slot */
    char *bus_name;      /* "bus", NULL: the board's first bus */
    char *romfile;       /* option ROM image (NULL: the class default, "": none) */
    int requested_devfn; /* parsed from addr, -1 for any */
};

typedef struct PCIDeviceClass {
    DeviceClass parent_class;
    uint16_t vendor_id, device_id;
    uint8_t revision;
    uint32_t class_id;                          /* 24-bit: class, subclass, programming interface */
    uint16_t subsystem_vendor_id, subsystem_id; /* 0: QEMU's 1af4:1100 */
    const char *romfile; /* default option ROM file (searched in the firmware dirs), or NULL */
    /* Device setup after the common header is written: BARs, capabilities. */
    bool (*realize)(PCIDevice *dev, Error **errp);
    /* Optional: the device's own reset, after the core's (decoding off, BARs cleared). */
    void (*reset)(PCIDevice *dev);
    /* Optional: a device that reacts to config writes past the header (e.g. a window
     * capability) sees each guest write after the core stored it. */
    void (*config_written)(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len);
    /* Optional: a device whose config bytes are computed on read (after the core's value). */
    uint32_t (*config_read)(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len);
} PCIDeviceClass;

#define PCI_DEVICE(obj) OBJECT_CHECK(PCIDevice, (obj), TYPE_PCI_DEVICE)
#define PCI_DEVICE_CLASS(oc) OBJECT_CLASS_CHECK(PCIDeviceClass, (oc), TYPE_PCI_DEVICE)
#define PCI_DEVICE_GET_CLASS(obj) OBJECT_GET_CLASS(PCIDeviceClass, (obj), TYPE_PCI_DEVICE)
#define PCI_BUS(obj) OBJECT_CHECK(PCIBus, (obj), TYPE_PCI_BUS)

/* The host's INTx wiring: which of its nirq lines a device's pin (0 = INTA) drives. */
typedef int PCIMapIRQFn(PCIDevice *dev, int pin);
typedef void PCISetIRQFn(void *opaque, int line, bool level);

struct PCIBus {
    Object parent_obj;
    PCIDevice *devices[PCI_DEVFN_MAX];
    MemoryRegion *mem; /* the bus's memory space (bus addresses) */
    MemoryRegion *io;  /* the bus's I/O space */
    PCIMapIRQFn *map_irq;
    PCISetIRQFn *set_irq;
    void *irq_opaque;
    int nirq;
    int *irq_count; /* [line]: how many pins assert it (a line is a wired OR) */
};

/*
 * A new bus named name (e.g. "pcie.0"), a child of parent in the composition tree, whose
 * devices decode in mem and io (containers owned by the host). Lines: nirq INTx outputs.
 */
/*
 * Machine state (savevm): vmstate_pci_device holds a function's configuration space and
 * INTx level, for a device's own description to embed (VMSTATE_STRUCT of parent_obj);
 * that description's post_load calls pci_device_post_load, which maps the BARs the loaded
 * configuration names. pci_bus_reroute_irqs recomputes the bus's INTx lines from its
 * devices (the host bridge calls it after loading). A PCI device without a description of
 * its own gets one holding just this.
 */
extern const struct VMStateDescription vmstate_pci_device;
bool pci_device_post_load(PCIDevice *dev, Error **errp);
void pci_bus_reroute_irqs(PCIBus *bus);

PCIBus *pci_root_bus_new(Object *parent, const char *name, MemoryRegion *mem, MemoryRegion *io,
                         PCIMapIRQFn *map_irq, PCISetIRQFn *set_irq, void *irq_opaque, int nirq);
/* The bus's name as the command line's bus= gives it. */
const char *pci_bus_name(PCIBus *bus);

/*
 * Put a realized device on bus at its addr= (or the first free slot from first_slot, function
 * 0). Fails if bus= names another bus, the slot is taken or out of range.
 */
bool pci_bus_plug(PCIBus *bus, PCIDevice *dev, int first_slot, Error **errp) WARN_UNUSED_RESULT;
PCIDevice *pci_bus_find_device(PCIBus *bus, int devfn);

/*
 * Configuration access from the host to function devfn at offset addr (len 1, 2 or 4,
 * naturally aligned, little-endian). No device there: reads are all-ones, writes dropped.
 */
uint32_t pci_bus_config_read(PCIBus *bus, int devfn, uint32_t addr, unsigned len);
void pci_bus_config_write(PCIBus *bus, int devfn, uint32_t addr, uint32_t val, unsigned len);

/* ---- for devices ---- */

/*
 * From realize, for a VGA-compatible function: its legacy windows at their fixed bus
 * addresses, mapped once the device is plugged (memory 0xa0000-0xbffff, ports 0x3b0-0x3df,
 * the Bochs VBE ports at 0x1ce). The device owns the regions.
 */
void pci_register_vga(PCIDevice *dev, MemoryRegion *mem, MemoryRegion *io, MemoryRegion *vbe_io);
/* From pci_bus_plug / finalize: put those windows in (or take them out of) the bus spaces. */
void pci_map_vga(PCIDevice *dev, bool map);
/* From realize: BAR n (0..5; a 64-bit one uses n and n+1) of size (a power of two). */
void pci_register_bar(PCIDevice *dev, int n, uint8_t type, MemoryRegion *mr);
/*
 * From realize: add a capability of size bytes (ID and next pointer included), linked at
 * the end of the list. Returns its offset; 0 + errp if the 256-byte space is full.
 */
uint8_t pci_add_capability(PCIDevice *dev, uint8_t cap_id, uint8_t size, Error **errp);
/* Drive the device's INTx pin (the pin in PCI_INTERRUPT_PIN). */
void pci_set_irq(PCIDevice *dev, bool level);
/* The bus address BAR n is mapped at, or PCI_BAR_UNMAPPED. */
uint64_t pci_get_bar_addr(PCIDevice *dev, int n);
/* Direct config space default access for a device's own code (no masks applied). */
uint32_t pci_default_read_config(PCIDevice *dev, uint32_t addr, unsigned len);
void pci_default_write_config(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len);

/* Little-endian config field helpers. */
static inline void pci_set_byte(uint8_t *p, uint8_t v)
{
    p[0] = v;
}
static inline void pci_set_word(uint8_t *p, uint16_t v)
{
    p[0] = v;
    p[1] = v >> 8;
}
static inline void pci_set_long(uint8_t *p, uint32_t v)
{
    pci_set_word(p, v);
    pci_set_word(p + 2, v >> 16);
}
static inline uint16_t pci_get_word(const uint8_t *p)
{
    return p[0] | (p[1] << 8);
}
static inline uint32_t pci_get_long(const uint8_t *p)
{
    return pci_get_word(p) | ((uint32_t)pci_get_word(p + 2) << 16);
}

/* Print QEMU's `info pci` for bus (bus number 0) to out. */
void pci_info_print(PCIBus *bus, FILE *out);
/* The same for every PCI bus of the machine (nothing if it has none). */
void pci_info_print_all(FILE *out);

#endif
