/*
 * MSI-X vectors of a PCI function (include/hw/pci/msix.h has the contract).
 *
 * Table entry (16 bytes): Message Address (low, high), Message Data, Vector Control (bit 0
 * mask; reset value masked). The guest writes the table with 32-bit accesses (64-bit ones
 * are split by the memory core); the PBA is read-only. Messages go out under the BQL, as
 * the device code that signals them runs there.
 */
#include "hw/pci/msix.h"

#include <inttypes.h>

#include "hw/pci/pci_regs.h"
#include "util/log.h"

#define MSIX_CONTROL 2 /* Message Control, in the capability */
#define MSIX_TABLE 4
#define MSIX_PBA 8
#define MSIX_CAP_SIZE 12
#define MSIX_ENABLE 0x8000
#define MSIX_FUNCTION_MASK 0x4000
#define MSIX_ENTRY_SIZE 16
#define MSIX_ENTRY_DATA 8
#define MSIX_ENTRY_CTRL 12
#define MSIX_CTRL_MASKED 1

static uint16_t msix_control(PCIDevice *dev)
{
    return pci_get_word(dev->config + dev->msix_cap + MSIX_CONTROL);
}

bool msix_enabled(PCIDevice *dev)
{
    return dev->msix_cap && (msix_control(dev) & MSIX_ENABLE);
}

static bool msix_masked(PCIDevice *dev, unsigned vector)
{
    return (msix_control(dev) & MSIX_FUNCTION_MASK) ||
           (pci_get_long(dev->msix_table + vector * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL) &
            MSIX_CTRL_MASKED);
}

static void msix_send(PCIDevice *dev, unsigned vector)
{
    const uint8_t *e = dev->msix_table + vector * MSIX_ENTRY_SIZE;
    uint64_t addr = pci_get_long(e) | (uint64_t)pci_get_long(e + 4) << 32;

    if (!(pci_get_word(dev->config + PCI_COMMAND) & PCI_COMMAND_MASTER)) {
        log_mask(LOG_GUEST_ERROR, "msix: %s vector %u with bus mastering off: dropped\n",
                 object_get_typename(OBJECT(dev)), vector);
        return;
    }
    if (address_space_store(address_space_memory(), addr, 4, pci_get_long(e + MSIX_ENTRY_DATA)) !=
        MEMTX_OK) {
        log_mask(LOG_GUEST_ERROR, "msix: %s vector %u to 0x%" PRIx64 ": nothing there\n",
                 object_get_typename(OBJECT(dev)), vector, addr);
    }
}

static void msix_set_pending(PCIDevice *dev, unsigned vector, bool on)
{
    uint8_t bit = 1u << (vector % 8);

    dev->msix_pba[vector / 8] =
        on ? dev->msix_pba[vector / 8] | bit : dev->msix_pba[vector / 8] & ~bit;
}

void msix_notify(PCIDevice *dev, unsigned vector)
{
    if (!msix_enabled(dev) || vector >= dev->msix_entries) {
        return;
    }
    if (msix_masked(dev, vector)) {
        msix_set_pending(dev, vector, true);
        return;
    }
    msix_send(dev, vector);
}

/* Send what became unmasked while pending (after a table or Message Control write). */
static void msix_flush_pending(PCIDevice *dev)
{
    if (!msix_enabled(dev)) {
        return;
    }
    for (unsigned v = 0; v < dev->msix_entries; v++) {
        if ((dev->msix_pba[v / 8] >> (v % 8) & 1) && !msix_masked(dev, v)) {
            msix_set_pending(dev, v, false);
            msix_send(dev, v);
        }
    }
}

void msix_config_written(PCIDevice *dev, uint32_t addr, unsigned len)
{
    uint32_t ctl = dev->msix_cap + MSIX_CONTROL;

    if (dev->msix_cap && addr < ctl + 2 && ctl < addr + len) {
        msix_flush_pending(dev);
    }
}

/* ---- the table and the PBA ---- */

static uint64_t msix_table_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;

    return addr + 4 <= dev->msix_entries * MSIX_ENTRY_SIZE ? pci_get_long(dev->msix_table + addr)
                                                           : 0;
}

static void msix_table_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    PCIDevice *dev = opaque;

    if (addr + 4 > dev->msix_entries * MSIX_ENTRY_SIZE) {
        log_mask(LOG_GUEST_ERROR, "msix: %s: write past the table at 0x%" PRIx64 "\n",
                 object_get_typename(OBJECT(dev)), (uint64_t)addr);
        return;
    }
    if (addr % MSIX_ENTRY_SIZE == MSIX_ENTRY_CTRL) {
        val &= MSIX_CTRL_MASKED; /* the rest of Vector Control is reserved */
    }
    pci_set_long(dev->msix_table + addr, val);
    msix_flush_pending(dev);
}

static uint64_t msix_pba_read(void *opaque, hwaddr addr, unsigned size)
{
    PCIDevice *dev = opaque;

    return addr + 4 <= ALIGN_UP(dev->msix_entries, 32) / 8 ? pci_get_long(dev->msix_pba + addr) : 0;
}

static void msix_pba_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    log_mask(LOG_GUEST_ERROR, "msix: write to the read-only pending bit array\n");
}

static const MemoryRegionOps msix_table_ops = {
    .read = msix_table_read,
    .write = msix_table_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static const MemoryRegionOps msix_pba_ops = {
    .read = msix_pba_read,
    .write = msix_pba_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

bool msix_init(PCIDevice *dev, unsigned nentries, MemoryRegion *bar, uint8_t bar_nr, Error **errp)
{
    uint8_t off;

    if (nentries < 1 || nentries > MSIX_MAX_ENTRIES) {
        error_setg(errp, "MSI-X: %u vectors (1..%d)", nentries, MSIX_MAX_ENTRIES);
        return false;
    }
    if (!(off = pci_add_capability(dev, PCI_CAP_ID_MSIX, MSIX_CAP_SIZE, errp))) {
        return false;
    }
    dev->msix_cap = off;
    dev->msix_entries = nentries;
    dev->msix_table_bytes = nentries * MSIX_ENTRY_SIZE;
    dev->msix_pba_bytes = ALIGN_UP(nentries, 32) / 8;
    dev->msix_table = xnew0(uint8_t, dev->msix_table_bytes);
    dev->msix_pba = xnew0(uint8_t, dev->msix_pba_bytes);
    pci_set_word(dev->config + off + MSIX_CONTROL, nentries - 1);
    pci_set_long(dev->config + off + MSIX_TABLE, MSIX_TABLE_OFFSET | bar_nr);
    pci_set_long(dev->config + off + MSIX_PBA, MSIX_PBA_OFFSET | bar_nr);
    pci_set_word(dev->wmask + off + MSIX_CONTROL, MSIX_ENABLE | MSIX_FUNCTION_MASK);
    memory_region_init_io(&dev->msix_table_mmio, &msix_table_ops, dev, "msix-table",
                          MSIX_PBA_OFFSET);
    memory_region_init_io(&dev->msix_pba_mmio, &msix_pba_ops, dev, "msix-pba",
                          MSIX_BAR_SIZE - MSIX_PBA_OFFSET);
    memory_region_add_subregion(bar, MSIX_TABLE_OFFSET, &dev->msix_table_mmio);
    memory_region_add_subregion(bar, MSIX_PBA_OFFSET, &dev->msix_pba_mmio);
    msix_reset(dev);
    return true;
}

void msix_uninit(PCIDevice *dev)
{
    memory_region_destroy(&dev->msix_table_mmio);
    memory_region_destroy(&dev->msix_pba_mmio);
    free(dev->msix_table);
    free(dev->msix_pba);
    dev->msix_table = dev->msix_pba = NULL;
    dev->msix_table_bytes = dev->msix_pba_bytes = 0;
    dev->msix_cap = 0;
}

void msix_reset(PCIDevice *dev)
{
    if (!dev->msix_cap) {
        return;
    }
    pci_set_word(dev->config + dev->msix_cap + MSIX_CONTROL, dev->msix_entries - 1);
    memset(dev->msix_table, 0, dev->msix_entries * MSIX_ENTRY_SIZE);
    for (unsigned v = 0; v < dev->msix_entries; v++) {
        pci_set_long(dev->msix_table + v * MSIX_ENTRY_SIZE + MSIX_ENTRY_CTRL, MSIX_CTRL_MASKED);
    }
    memset(dev->msix_pba, 0, ALIGN_UP(dev->msix_entries, 32) / 8);
}
