/*
 * The ICH9 LPC bridge (contract in include/hw/isa/ich9_lpc.h).
 *
 * Spec: ICH9 datasheet 13.1 (LPC configuration registers: PMBASE bits 15:7,
 * ACPI_CNTL bit 7 ACPI_EN and bits 2:0 SCI_IRQ_SEL = IRQ 9, 10, 11, -, 20,
 * 21, 22, 23; PIRQx_ROUT bit 7 IRQEN# and bits 3:0 the IRQ, valid 3-7, 9-12,
 * 14, 15; RCBA bits 31:14 and enable bit 0), 10.1 (the chipset configuration
 * registers behind RCBA, which this model stores for the firmware to read
 * back). As QEMU's, a routed PIRQ drives the board's GSI line of that ISA IRQ
 * (which reaches both the 8259 and the I/O APIC pin of that number).
 */
#include "hw/isa/ich9_lpc.h"

#include <inttypes.h>

#include "util/log.h"

#define PCI_DEVICE_ID_INTEL_ICH9_LPC 0x2918
#define PIRQ_ROUT_DISABLE 0x80
#define ISA_PIRQ_VALID 0xdef8 /* IRQs 3-7, 9-12, 14, 15 */

typedef struct ICH9LPCState {
    PCIDevice parent_obj;
    ICH9PM pm;
    IRQState *gsi[ICH9_LPC_NUM_GSI];
    uint8_t pirq_level; /* bit n: PIRQ n asserted */
    int sci_level, sci_gsi;
    hwaddr pm_base; /* where pm.io is mapped, or 0 */
    MemoryRegion rcba_mr;
    hwaddr rcba_base; /* where rcba_mr is mapped, or 0 */
    uint32_t rcba[ICH9_LPC_RCBA_SIZE / 4];
} ICH9LPCState;

#define ICH9_LPC(obj) OBJECT_CHECK(ICH9LPCState, (obj), TYPE_ICH9_LPC)

ICH9PM *ich9_lpc_pm(DeviceState *dev)
{
    return &ICH9_LPC(dev)->pm;
}

/* ---- PCI interrupt routing ---- */

static uint8_t pirq_route(ICH9LPCState *s, int n)
{
    uint8_t *conf = PCI_DEVICE(s)->config;

    return conf[n < 4 ? ICH9_LPC_PIRQA_ROUT + n : ICH9_LPC_PIRQE_ROUT + n - 4];
}

/* The ISA IRQ PIRQ n is routed to, or -1. */
static int pirq_isa_irq(ICH9LPCState *s, int n)
{
    uint8_t r = pirq_route(s, n);
    int irq = r & 0xf;

    return !(r & PIRQ_ROUT_DISABLE) && (ISA_PIRQ_VALID & (1 << irq)) ? irq : -1;
}

/* Drive ISA IRQ irq with the OR of the PIRQs routed to it. */
static void update_isa_irq(ICH9LPCState *s, int irq)
{
    bool level = false;

    if (irq < 0) {
        return;
    }
    for (int n = 0; n < ICH9_LPC_NUM_PIRQS; n++) {
        level |= pirq_isa_irq(s, n) == irq && (s->pirq_level & (1 << n));
    }
    irq_set(s->gsi[irq], level);
}

static void lpc_set_pirq(void *opaque, int n, int level)
{
    ICH9LPCState *s = opaque;

    s->pirq_level = level ? s->pirq_level | (1 << n) : s->pirq_level & ~(1 << n);
    irq_set(s->gsi[16 + n], level);
    update_isa_irq(s, pirq_isa_irq(s, n));
}

/* ---- ACPI: PMBASE, ACPI_CNTL, the SCI ---- */

static int sci_gsi(ICH9LPCState *s)
{
    static const int irqs[8] = {9, 10, 11, 9, 20, 21, 22, 23};

    return irqs[PCI_DEVICE(s)->config[ICH9_LPC_ACPI_CNTL] & 7];
}

static void lpc_set_sci(void *opaque, int n, int level)
{
    ICH9LPCState *s = opaque;

    s->sci_level = level;
    irq_set(s->gsi[s->sci_gsi], level);
}

static void update_pm(ICH9LPCState *s)
{
    PCIDevice *dev = PCI_DEVICE(s);
    hwaddr base = pci_get_long(dev->config + ICH9_LPC_PMBASE) & 0xff80;
    bool on = dev->config[ICH9_LPC_ACPI_CNTL] & ICH9_LPC_ACPI_CNTL_ACPI_EN;
    int gsi = sci_gsi(s);

    if (gsi != s->sci_gsi) {
        irq_set(s->gsi[s->sci_gsi], 0);
        s->sci_gsi = gsi;
        irq_set(s->gsi[gsi], s->sci_level);
    }
    if (s->pm_base) {
        memory_region_del_subregion(dev->bus->io, &s->pm.io);
        s->pm_base = 0;
    }
    if (on && base && dev->bus) {
        memory_region_add_subregion_overlap(dev->bus->io, base, &s->pm.io, 1);
        s->pm_base = base;
    }
}

/* ---- RCBA ---- */

static uint64_t rcba_read(void *opaque, hwaddr addr, unsigned size)
{
    return ICH9_LPC(opaque)->rcba[addr / 4];
}

static void rcba_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    ICH9_LPC(opaque)->rcba[addr / 4] = val;
}

static const MemoryRegionOps rcba_ops = {
    .read = rcba_read,
    .write = rcba_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static void update_rcba(ICH9LPCState *s)
{
    uint32_t rcba = pci_get_long(PCI_DEVICE(s)->config + ICH9_LPC_RCBA);

    if (s->rcba_base) {
        memory_region_del_subregion(get_system_memory(), &s->rcba_mr);
        s->rcba_base = 0;
    }
    if (rcba & 1) {
        s->rcba_base = rcba & ~(ICH9_LPC_RCBA_SIZE - 1);
        memory_region_add_subregion_overlap(get_system_memory(), s->rcba_base, &s->rcba_mr, 1);
    }
}

/* ---- configuration space ---- */

static bool touches(uint32_t addr, unsigned len, uint32_t reg, unsigned n)
{
    return addr < reg + n && addr + len > reg;
}

static void lpc_config_written(PCIDevice *dev, uint32_t addr, uint32_t val, unsigned len)
{
    ICH9LPCState *s = ICH9_LPC(dev);

    if (touches(addr, len, ICH9_LPC_PMBASE, 8)) {
        update_pm(s);
    }
    if (touches(addr, len, ICH9_LPC_PIRQA_ROUT, 12)) {
        /* A route changed: every ISA IRQ may have gained or lost a PIRQ. */
        for (int irq = 0; irq < 16; irq++) {
            if (ISA_PIRQ_VALID & (1 << irq)) {
                update_isa_irq(s, irq);
            }
        }
    }
    if (touches(addr, len, ICH9_LPC_RCBA, 4)) {
        update_rcba(s);
    }
}

static bool lpc_realize(PCIDevice *dev, Error **errp)
{
    ICH9LPCState *s = ICH9_LPC(dev);

    dev->config[PCI_HEADER_TYPE] |= 0x80; /* multi-function, as the ICH9's 1f.x functions */
    pci_set_long(dev->wmask + ICH9_LPC_PMBASE, 0xff80);
    dev->wmask[ICH9_LPC_ACPI_CNTL] = ICH9_LPC_ACPI_CNTL_ACPI_EN | 7;
    for (int i = 0; i < 4; i++) {
        dev->wmask[ICH9_LPC_PIRQA_ROUT + i] = 0x8f;
        dev->wmask[ICH9_LPC_PIRQE_ROUT + i] = 0x8f;
    }
    pci_set_long(dev->wmask + ICH9_LPC_RCBA, 0xffffc001);
    ich9_pm_init(&s->pm);
    s->pm.sci = irq_new(lpc_set_sci, s, 0);
    memory_region_init_io(&s->rcba_mr, &rcba_ops, s, "lpc-rcrb-mmio", ICH9_LPC_RCBA_SIZE);
    return true;
}

static void lpc_reset(PCIDevice *dev)
{
    ICH9LPCState *s = ICH9_LPC(dev);

    pci_set_long(dev->config + ICH9_LPC_PMBASE, 1); /* bit 0: an I/O space base */
    dev->config[ICH9_LPC_ACPI_CNTL] = 0;
    for (int i = 0; i < 4; i++) {
        dev->config[ICH9_LPC_PIRQA_ROUT + i] = PIRQ_ROUT_DISABLE;
        dev->config[ICH9_LPC_PIRQE_ROUT + i] = PIRQ_ROUT_DISABLE;
    }
    pci_set_long(dev->config + ICH9_LPC_RCBA, 0);
    memset(s->rcba, 0, sizeof(s->rcba));
    s->sci_gsi = 9;
    ich9_pm_reset(&s->pm);
    update_pm(s);
    update_rcba(s);
}

static void lpc_instance_init(Object *obj)
{
    ICH9LPCState *s = ICH9_LPC(obj);

    qdev_init_gpio_in(DEVICE(obj), lpc_set_pirq, ICH9_LPC_NUM_PIRQS);
    qdev_init_gpio_out(DEVICE(obj), s->gsi, ICH9_LPC_NUM_GSI);
}

static void lpc_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->desc = "ICH9 LPC bridge (00:1f.0) with the ACPI PM block";
    pdc->vendor_id = 0x8086;
    pdc->device_id = PCI_DEVICE_ID_INTEL_ICH9_LPC;
    pdc->revision = 2;
    pdc->class_id = 0x060100; /* ISA bridge */
    pdc->realize = lpc_realize;
    pdc->reset = lpc_reset;
    pdc->config_written = lpc_config_written;
}

static const TypeInfo lpc_info = {
    .name = TYPE_ICH9_LPC,
    .parent = TYPE_PCI_DEVICE,
    .instance_size = sizeof(ICH9LPCState),
    .instance_init = lpc_instance_init,
    .class_init = lpc_class_init,
};

static void lpc_register_types(void)
{
    type_register_static(&lpc_info);
}

type_init(lpc_register_types)
