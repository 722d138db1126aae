/*
 * The APIC bus (contract in include/hw/intc/apic.h): which local APICs an
 * interrupt message reaches and how it is handed to them, for IPIs, the I/O
 * APIC and MSI writes.
 *
 * Spec: SDM Vol. 3A 10.6.2 (physical destination: an APIC ID, 0xff all;
 * logical: the flat model ANDs the 8-bit destination with LDR[31:24], the
 * cluster model compares the high nibble and ANDs the low one), 10.12.10
 * (x2APIC: 32-bit IDs, logical ID = cluster (ID >> 4) << 16 | 1 << (ID & 15)),
 * 10.6.2.4 (lowest priority: one APIC of the set; here the one with the
 * lowest TPR), 10.11 (MSI address and data).
 */
#include "apic-internal.h"

/* Does this APIC match a logical destination (10.6.2.2; x2APIC: 10.12.10.2)? */
static bool match_logical(const APICState *s, uint32_t dest)
{
    if (x2apic_mode(s)) {
        uint32_t ldr = ((s->id >> 4) << 16) | (1u << (s->id & 0xf));
        return dest == 0xffffffff || ((dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff) != 0);
    }
    uint8_t logical = s->ldr >> 24, d = dest;
    if (d == 0xff) {
        return true;
    }
    if ((s->dfr >> 28) == 0xf) { /* flat model */
        return (logical & d) != 0;
    }
    /* cluster model: high nibble the cluster (15 = all), low nibble a bitmap */
    return ((d >> 4) == (logical >> 4) || (d >> 4) == 0xf) && (d & logical & 0xf);
}

static bool match_physical(const APICState *s, uint32_t dest)
{
    if (x2apic_mode(s)) {
        return dest == 0xffffffff || dest == s->id;
    }
    return (dest & 0xff) == 0xff || (dest & 0xff) == (s->id & 0xff);
}

bool apic_match(const APICState *s, uint32_t dest, bool logical)
{
    return logical ? match_logical(s, dest) : match_physical(s, dest);
}

void apic_bus_deliver_set(APICBus *bus, const bool *hit, int mode, uint8_t vector, bool level)
{
    if (mode == APIC_DM_LOWPRI) {
        /* Lowest priority: the matching APIC with the lowest TPR takes it alone. */
        int best = -1;
        for (int i = 0; i < bus->count; i++) {
            if (hit[i] && (best < 0 || bus->apic[i]->tpr < bus->apic[best]->tpr)) {
                best = i;
            }
        }
        if (best >= 0) {
            apic_accept(bus->apic[best], mode, vector, level);
        }
        return;
    }
    for (int i = 0; i < bus->count; i++) {
        if (hit[i]) {
            apic_accept(bus->apic[i], mode, vector, level);
        }
    }
}

void apic_bus_deliver(APICBus *bus, uint32_t dest, bool logical, int mode, uint8_t vector,
                      bool level_trig)
{
    bool hit[APIC_BUS_MAX];

    for (int i = 0; i < bus->count; i++) {
        APICState *s = bus->apic[i];
        hit[i] = apic_match(s, dest, logical);
    }
    apic_bus_deliver_set(bus, hit, mode, vector, level_trig);
}

void apic_bus_msi(APICBus *bus, uint64_t addr, uint32_t data)
{
    apic_bus_deliver(bus, (addr >> 12) & 0xff, addr & 4, (data >> 8) & 7, data & 0xff,
                     data & 0x8000);
}

/*
 * ---- the MSI window (devices' writes to 0xfee00000-0xfeefffff) ----
 * A hart's own accesses to its register page arrive here too when they come through system
 * memory (the softmmu TLB's MMIO path): those go to that hart's APIC, as QEMU dispatches its
 * APIC page on the current CPU.
 */

static uint64_t apic_msi_read(void *opaque, hwaddr addr, unsigned size)
{
    APICState *s = addr < 0x1000 ? apic_of_current_cpu(APIC_DEFAULT_ADDRESS) : NULL;

    return s ? apic_page_read(s, addr, size) : 0;
}

static void apic_msi_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    APICState *s = addr < 0x1000 ? apic_of_current_cpu(APIC_DEFAULT_ADDRESS) : NULL;

    if (s) {
        apic_page_write(s, addr, data, size);
        return;
    }
    apic_bus_msi(opaque, APIC_DEFAULT_ADDRESS + addr, data);
}

static const MemoryRegionOps apic_msi_ops = {
    .read = apic_msi_read,
    .write = apic_msi_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

void apic_msi_region_init(MemoryRegion *mr, APICBus *bus)
{
    memory_region_init_io(mr, &apic_msi_ops, bus, "apic-msi", APIC_MSI_SIZE);
}
