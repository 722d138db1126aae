/*
 * The 8259A pair (contract in include/hw/intc/i8259.h).
 *
 * Spec: Intel 8259A datasheet (ICW1-ICW4, OCW1-OCW3, fully nested mode,
 * rotation, automatic EOI), ICH9 datasheet 5.9 (ELCR at 0x4d0/0x4d1, the
 * cascade on master IRQ 2). Per chip: IRR (requests), ISR (in service), IMR
 * (mask); a request is edge-triggered (latched on a rising edge) unless its
 * ELCR bit makes it level-triggered. Priority is fixed (IRQ 0 highest) unless
 * rotated; a request interrupts only if it outranks everything in service.
 * Not modelled: special mask mode, special fully nested mode, poll mode
 * (each logged under -d unimp when the guest asks for it), 8080 mode.
 */
#include "hw/intc/i8259.h"

#include "util/log.h"

typedef struct PICChip {
    uint8_t irr, isr, imr, last_level, elcr, elcr_mask;
    uint8_t vector_base, priority_add;
    uint8_t init_state; /* 0: ready; 1..3: expecting ICW2..ICW4 */
    bool init4, single, auto_eoi, rotate_on_auto_eoi, read_isr;
} PICChip;

typedef struct I8259State {
    SysBusDevice parent_obj;
    PICChip chip[2]; /* 0 master, 1 slave */
    MemoryRegion io[2], elcr_io;
    IRQState *intr;
} I8259State;

#define I8259(obj) OBJECT_CHECK(I8259State, (obj), TYPE_I8259)

/* The highest priority (0 = highest) among the bits of mask, 8 if none. */
static int priority(const PICChip *c, uint8_t mask)
{
    for (int i = 0; i < 8; i++) {
        if (mask & (1 << ((i + c->priority_add) & 7))) {
            return i;
        }
    }
    return 8;
}

/* The IRQ this chip would signal now, or -1. */
static int chip_pending(const PICChip *c)
{
    int pri = priority(c, c->irr & ~c->imr);

    if (pri == 8 || priority(c, c->isr) <= pri) {
        return -1;
    }
    return (pri + c->priority_add) & 7;
}

static void chip_set_level(PICChip *c, int irq, int level)
{
    uint8_t bit = 1 << irq;

    if (c->elcr & bit) {
        c->irr = level ? c->irr | bit : c->irr & ~bit;
    } else if (level && !(c->last_level & bit)) {
        c->irr |= bit;
    }
    c->last_level = level ? c->last_level | bit : c->last_level & ~bit;
}

/* The slave's output is the master's IRQ 2; the master's is INTR. */
static void pic_update(I8259State *s)
{
    chip_set_level(&s->chip[0], 2, chip_pending(&s->chip[1]) >= 0);
    irq_set(s->intr, chip_pending(&s->chip[0]) >= 0);
}

static void pic_set_irq(void *opaque, int n, int level)
{
    I8259State *s = opaque;

    chip_set_level(&s->chip[n >> 3], n & 7, level);
    pic_update(s);
}

static void chip_ack(PICChip *c, int irq)
{
    if (c->auto_eoi) {
        if (c->rotate_on_auto_eoi) {
            c->priority_add = (irq + 1) & 7;
        }
    } else {
        c->isr |= 1 << irq;
    }
    if (!(c->elcr & (1 << irq))) {
        c->irr &= ~(1 << irq); /* an edge request is consumed by its acknowledge */
    }
}

int i8259_intr_ack(void *opaque)
{
    I8259State *s = I8259(opaque);
    int irq = chip_pending(&s->chip[0]), vec;

    if (irq < 0) {
        vec = s->chip[0].vector_base + 7; /* spurious */
    } else if (irq == 2) {
        int irq2 = chip_pending(&s->chip[1]);
        if (irq2 < 0) {
            irq2 = 7;
        } else {
            chip_ack(&s->chip[1], irq2);
        }
        chip_ack(&s->chip[0], 2);
        vec = s->chip[1].vector_base + irq2;
    } else {
        chip_ack(&s->chip[0], irq);
        vec = s->chip[0].vector_base + irq;
    }
    pic_update(s);
    return vec;
}

/* ---- command and data ports ---- */

static void pic_ocw2(PICChip *c, uint8_t val)
{
    int cmd = val >> 5, pri, irq;

    switch (cmd) {
    case 0: /* rotate in automatic EOI mode: clear */
    case 4: /* ... set */
        c->rotate_on_auto_eoi = cmd == 4;
        break;
    case 1: /* non-specific EOI */
    case 5: /* rotate on non-specific EOI */
        pri = priority(c, c->isr);
        if (pri != 8) {
            irq = (pri + c->priority_add) & 7;
            c->isr &= ~(1 << irq);
            if (cmd == 5) {
                c->priority_add = (irq + 1) & 7;
            }
        }
        break;
    case 3: /* specific EOI */
        c->isr &= ~(1 << (val & 7));
        break;
    case 6: /* set priority: val & 7 becomes the lowest */
        c->priority_add = (val + 1) & 7;
        break;
    case 7: /* rotate on specific EOI */
        c->isr &= ~(1 << (val & 7));
        c->priority_add = ((val & 7) + 1) & 7;
        break;
    default: /* 2: no operation */
        break;
    }
}

static void pic_command(PICChip *c, uint8_t val)
{
    if (val & 0x10) { /* ICW1: start initialisation */
        c->imr = c->isr = c->irr = 0;
        c->last_level = 0;
        c->priority_add = 0;
        c->read_isr = false;
        c->auto_eoi = c->rotate_on_auto_eoi = false;
        c->init4 = val & 1;
        c->single = val & 2;
        c->init_state = 1;
    } else if (val & 0x08) { /* OCW3 */
        if (val & 0x02) {
            c->read_isr = val & 1;
        }
        if (val & 0x44) {
            log_mask(LOG_UNIMP, "i8259: poll or special mask mode (OCW3 0x%02x)\n", val);
        }
    } else {
        pic_ocw2(c, val);
    }
}

static void pic_data(PICChip *c, uint8_t val)
{
    switch (c->init_state) {
    case 0: /* OCW1: the mask */
        c->imr = val;
        break;
    case 1: /* ICW2: the vector base */
        c->vector_base = val & 0xf8;
        c->init_state = c->single ? (c->init4 ? 3 : 0) : 2;
        break;
    case 2: /* ICW3: the cascade wiring, fixed on a PC */
        c->init_state = c->init4 ? 3 : 0;
        break;
    default: /* ICW4 */
        c->auto_eoi = val & 2;
        if (val & 0x10) {
            log_mask(LOG_UNIMP, "i8259: special fully nested mode\n");
        }
        c->init_state = 0;
        break;
    }
}

static uint64_t pic_read(I8259State *s, PICChip *c, hwaddr addr)
{
    if (addr == 1) {
        return c->imr;
    }
    return c->read_isr ? c->isr : c->irr;
}

static void pic_write(I8259State *s, PICChip *c, hwaddr addr, uint64_t data)
{
    if (addr == 0) {
        pic_command(c, data);
    } else {
        pic_data(c, data);
    }
    pic_update(s);
}

static uint64_t master_read(void *opaque, hwaddr addr, unsigned size)
{
    return pic_read(opaque, &I8259(opaque)->chip[0], addr);
}

static void master_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    pic_write(opaque, &I8259(opaque)->chip[0], addr, data);
}

static uint64_t slave_read(void *opaque, hwaddr addr, unsigned size)
{
    return pic_read(opaque, &I8259(opaque)->chip[1], addr);
}

static void slave_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    pic_write(opaque, &I8259(opaque)->chip[1], addr, data);
}

static uint64_t elcr_read(void *opaque, hwaddr addr, unsigned size)
{
    return I8259(opaque)->chip[addr].elcr;
}

static void elcr_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    I8259State *s = opaque;
    PICChip *c = &s->chip[addr];

    c->elcr = data & c->elcr_mask;
    pic_update(s);
}

#define PIC_OPS(r, w)                                                                              \
    {                                                                                              \
        .read = r, .write = w, .valid = {.min_access_size = 1, .max_access_size = 1},              \
        .impl = {.min_access_size = 1, .max_access_size = 1},                                      \
    }

static const MemoryRegionOps master_ops = PIC_OPS(master_read, master_write);
static const MemoryRegionOps slave_ops = PIC_OPS(slave_read, slave_write);
static const MemoryRegionOps elcr_ops = PIC_OPS(elcr_read, elcr_write);

/* ---- lifecycle ---- */

static void i8259_instance_init(Object *obj)
{
    I8259State *s = I8259(obj);

    qdev_init_gpio_in(DEVICE(obj), pic_set_irq, 16);
    qdev_init_gpio_out(DEVICE(obj), &s->intr, 1);
}

static bool i8259_realize(DeviceState *dev, Error **errp)
{
    I8259State *s = I8259(dev);

    memory_region_init_io(&s->io[0], &master_ops, s, "pic-master", 2);
    memory_region_init_io(&s->io[1], &slave_ops, s, "pic-slave", 2);
    memory_region_init_io(&s->elcr_io, &elcr_ops, s, "elcr", 2);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->io[0]);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->io[1]);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->elcr_io);
    return true;
}

static void i8259_reset(DeviceState *dev)
{
    I8259State *s = I8259(dev);

    for (int i = 0; i < 2; i++) {
        s->chip[i] = (PICChip){.elcr_mask = i ? 0xde : 0xf8}; /* IRQ 0-2, 8 and 13: edge only */
    }
    pic_update(s);
}

static void i8259_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "cascaded 8259A interrupt controllers with ELCR";
    dc->realize = i8259_realize;
    dc->reset = i8259_reset;
}

static const TypeInfo i8259_info = {
    .name = TYPE_I8259,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(I8259State),
    .instance_init = i8259_instance_init,
    .class_init = i8259_class_init,
};

static void i8259_register_types(void)
{
    type_register_static(&i8259_info);
}

type_init(i8259_register_types)
