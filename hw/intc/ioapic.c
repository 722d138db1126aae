/*
 * The I/O APIC (contract in include/hw/intc/ioapic.h).
 *
 * Spec: Intel 82093AA I/O APIC datasheet; ICH9 datasheet 13.5 (version 0x20,
 * the EOI register at offset 0x40). Indirect access: IOREGSEL (0x00) selects,
 * IOWIN (0x10) reads/writes: 0x00 ID (bits 27:24), 0x01 version (max
 * redirection entry 23 in bits 23:16), 0x02 arbitration ID, 0x10 + 2n / +1
 * the low/high halves of redirection entry n: vector (7:0), delivery mode
 * (10:8), logical destination (11), delivery status (12, RO), polarity (13),
 * Remote IRR (14, RO), level trigger (15), mask (16), destination (63:56).
 * An edge pin sends a message on each rising edge while unmasked; a level pin
 * sends one while asserted and Remote IRR is clear, sets Remote IRR, and
 * sends again after the local APIC's EOI of that vector if still asserted.
 * Polarity is recorded but not applied: the board's lines are active-high,
 * as in QEMU's model.
 */
#include "hw/intc/ioapic.h"

#include <inttypes.h>

#include "util/log.h"

#define IOAPIC_VERSION 0x20
#define RTE_VECTOR(e) ((e)&0xff)
#define RTE_MODE(e) (((e) >> 8) & 7)
#define RTE_LOGICAL (1ULL << 11)
#define RTE_REMOTE_IRR (1ULL << 14)
#define RTE_LEVEL (1ULL << 15)
#define RTE_MASKED (1ULL << 16)
#define RTE_RO_BITS ((1ULL << 12) | RTE_REMOTE_IRR)
#define RTE_WRITABLE (0xff00000000000000ULL | 0x1afffULL)

typedef struct IOAPICState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    APICBus *bus;
    uint8_t id, regsel;
    uint32_t level; /* the pins' input levels */
    uint64_t rte[IOAPIC_NUM_PINS];
} IOAPICState;

#define IOAPIC(obj) OBJECT_CHECK(IOAPICState, (obj), TYPE_IOAPIC)

static void ioapic_send(IOAPICState *s, int pin)
{
    uint64_t e = s->rte[pin];
    bool level = e & RTE_LEVEL;

    if (level) {
        s->rte[pin] |= RTE_REMOTE_IRR;
    }
    apic_bus_deliver(s->bus, e >> 56, e & RTE_LOGICAL, RTE_MODE(e), RTE_VECTOR(e), level);
}

/* A level pin that is asserted, unmasked and not awaiting EOI: deliver it. */
static void ioapic_service_level(IOAPICState *s, int pin)
{
    uint64_t e = s->rte[pin];

    if ((e & RTE_LEVEL) && !(e & (RTE_MASKED | RTE_REMOTE_IRR)) && (s->level & (1u << pin))) {
        ioapic_send(s, pin);
    }
}

static void ioapic_set_irq(void *opaque, int pin, int level)
{
    IOAPICState *s = opaque;
    uint32_t bit = 1u << pin;
    bool rising = level && !(s->level & bit);

    s->level = level ? s->level | bit : s->level & ~bit;
    if (s->rte[pin] & RTE_LEVEL) {
        ioapic_service_level(s, pin);
    } else if (rising && !(s->rte[pin] & RTE_MASKED)) {
        ioapic_send(s, pin);
    }
}

/* The local APICs' broadcast EOI of vector: Remote IRR clears, a held line fires again. */
static void ioapic_eoi(void *opaque, int vector)
{
    IOAPICState *s = opaque;

    for (int pin = 0; pin < IOAPIC_NUM_PINS; pin++) {
        if ((s->rte[pin] & RTE_REMOTE_IRR) && (int)RTE_VECTOR(s->rte[pin]) == vector) {
            s->rte[pin] &= ~RTE_REMOTE_IRR;
            ioapic_service_level(s, pin);
        }
    }
}

static uint32_t ioapic_reg_read(IOAPICState *s)
{
    int n = (s->regsel - 0x10) >> 1;

    switch (s->regsel) {
    case 0x00:
        return (uint32_t)s->id << 24;
    case 0x01:
        return IOAPIC_VERSION | ((IOAPIC_NUM_PINS - 1) << 16);
    case 0x02:
        return 0;
    default:
        if (s->regsel >= 0x10 && n < IOAPIC_NUM_PINS) {
            return s->regsel & 1 ? s->rte[n] >> 32 : (uint32_t)s->rte[n];
        }
        log_mask(LOG_GUEST_ERROR, "ioapic: read of no register 0x%02x\n", s->regsel);
        return 0;
    }
}

static void ioapic_reg_write(IOAPICState *s, uint32_t val)
{
    int n = (s->regsel - 0x10) >> 1;
    uint64_t e;

    if (s->regsel == 0x00) {
        s->id = (val >> 24) & 0xf;
        return;
    }
    if (s->regsel < 0x10 || n >= IOAPIC_NUM_PINS) {
        log_mask(LOG_GUEST_ERROR, "ioapic: write of 0x%x to no register 0x%02x\n", val, s->regsel);
        return;
    }
    e = s->rte[n];
    e = s->regsel & 1 ? deposit64(e, 32, 32, val) : deposit64(e, 0, 32, val);
    s->rte[n] = (s->rte[n] & RTE_RO_BITS) | (e & RTE_WRITABLE);
    if (!(s->rte[n] & RTE_LEVEL)) {
        s->rte[n] &= ~RTE_REMOTE_IRR; /* only level entries wait for EOI */
    }
    ioapic_service_level(s, n);
}

static uint64_t ioapic_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case 0x00:
        return s->regsel;
    case 0x10:
        return ioapic_reg_read(s);
    default:
        return 0;
    }
}

static void ioapic_mmio_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    IOAPICState *s = opaque;

    switch (addr) {
    case 0x00:
        s->regsel = data;
        break;
    case 0x10:
        ioapic_reg_write(s, data);
        break;
    case 0x40: /* the EOI register (version 0x20): as a local APIC's EOI of this vector */
        ioapic_eoi(s, data & 0xff);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "ioapic: write to offset 0x%" PRIx64 "\n", addr);
        break;
    }
}

static const MemoryRegionOps ioapic_ops = {
    .read = ioapic_mmio_read,
    .write = ioapic_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

void ioapic_attach(DeviceState *dev, APICBus *bus)
{
    IOAPIC(dev)->bus = bus;
}

static void ioapic_instance_init(Object *obj)
{
    qdev_init_gpio_in(DEVICE(obj), ioapic_set_irq, IOAPIC_NUM_PINS);
}

static bool ioapic_realize(DeviceState *dev, Error **errp)
{
    IOAPICState *s = IOAPIC(dev);

    if (!s->bus) {
        error_setg(errp, "ioapic: not attached to an APIC bus (ioapic_attach)");
        return false;
    }
    s->bus->eoi = ioapic_eoi;
    s->bus->eoi_opaque = s;
    memory_region_init_io(&s->mmio, &ioapic_ops, s, "ioapic", 0x1000);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

static void ioapic_reset(DeviceState *dev)
{
    IOAPICState *s = IOAPIC(dev);

    s->id = s->regsel = 0;
    for (int i = 0; i < IOAPIC_NUM_PINS; i++) {
        s->rte[i] = RTE_MASKED;
    }
}

static void ioapic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "I/O APIC (ICH9, 24 pins)";
    dc->realize = ioapic_realize;
    dc->reset = ioapic_reset;
}

static const TypeInfo ioapic_info = {
    .name = TYPE_IOAPIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(IOAPICState),
    .instance_init = ioapic_instance_init,
    .class_init = ioapic_class_init,
};

static void ioapic_register_types(void)
{
    type_register_static(&ioapic_info);
}

type_init(ioapic_register_types)
