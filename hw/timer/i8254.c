/*
 * The 8254 PIT and port B (contract in include/hw/timer/i8254.h).
 *
 * Spec: Intel 82C54 datasheet. Ports 0x40-0x42 are the counters, 0x43 the
 * control word: SC (channel, 3 = read-back), RW (latch, LSB, MSB, LSB then
 * MSB), mode (0-5), BCD (not modelled: binary only, logged). Each counter
 * counts down at PIT_FREQ from the value written; it is computed from the
 * virtual clock since the load, never ticked. Modes 0 (interrupt on
 * terminal count), 2 (rate generator) and 3 (square wave) are the ones PC
 * software uses; 1, 4 and 5 behave as 0. Channel 0's OUT drives IRQ 0
 * through a timer at each rising edge (the 8259 latches edges). Channel 2's
 * gate is port B bit 0 and its OUT reads at port B bit 5 (SeaBIOS
 * calibrates the TSC on it); port B bit 4 toggles every 15 us (refresh).
 */
#include "hw/timer/i8254.h"

#include "util/log.h"
#include "util/timer.h"

typedef struct PITChannel {
    uint32_t count;  /* the reload value, 1..0x10000 */
    int64_t load_ns; /* when counting started */
    uint8_t mode, rw, rw_state, latched_count_state;
    uint16_t latch;
    bool latched, status_latched, gate, loading_msb;
    uint8_t status, write_lsb;
    bool null_count;
} PITChannel;

typedef struct PITState {
    SysBusDevice parent_obj;
    MemoryRegion io, portb_io;
    PITChannel ch[3];
    uint8_t portb; /* bits 0 (gate 2) and 1 (speaker) as written */
    IRQState *irq;
    Timer *timer;
} PITState;

#define PIT(obj) OBJECT_CHECK(PITState, (obj), TYPE_I8254)

static uint64_t pit_ticks(const PITChannel *c, int64_t now)
{
    return muldiv64(now - c->load_ns, PIT_FREQ, NANOSECONDS_PER_SECOND);
}

static uint16_t pit_counter(const PITChannel *c, int64_t now)
{
    uint64_t t = pit_ticks(c, now);

    if (c->mode == 2 || c->mode == 3) {
        uint64_t step = c->mode == 3 ? 2 : 1; /* mode 3 counts down by two, twice per period */
        return c->count - (t * step) % c->count;
    }
    return (c->count - t) & 0xffff; /* mode 0: wraps after the terminal count */
}

static bool pit_out(const PITChannel *c, int64_t now)
{
    uint64_t t = pit_ticks(c, now);

    switch (c->mode) {
    case 2:
        return t % c->count != c->count - 1;
    case 3:
        return t % c->count < (c->count + 1) / 2;
    default:
        return t >= c->count;
    }
}

/* Channel 0: raise IRQ 0 at the next rising edge of OUT. */
static void pit_arm(PITState *s)
{
    PITChannel *c = &s->ch[0];
    uint64_t t = pit_ticks(c, clock_get_ns(CLOCK_VIRTUAL)), next;

    if (c->null_count) {
        timer_del(s->timer);
        return;
    }
    if (c->mode == 2 || c->mode == 3) {
        next = (t / c->count + 1) * c->count;
    } else if (t < c->count) {
        next = c->count;
    } else {
        timer_del(s->timer);
        return;
    }
    timer_mod_ns(s->timer,
                 c->load_ns + (int64_t)muldiv64(next, NANOSECONDS_PER_SECOND, PIT_FREQ) + 1);
}

static void pit_timer_cb(void *opaque)
{
    PITState *s = opaque;

    irq_raise(s->irq);
    irq_lower(s->irq);
    pit_arm(s);
}

static void pit_load(PITState *s, int n, uint32_t value)
{
    PITChannel *c = &s->ch[n];

    c->count = value ? value : 0x10000;
    c->load_ns = clock_get_ns(CLOCK_VIRTUAL);
    c->null_count = false;
    if (n == 0) {
        pit_arm(s);
    }
}

static void pit_control(PITState *s, uint8_t val)
{
    int n = val >> 6, rw = (val >> 4) & 3;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);

    if (n == 3) { /* read-back: bit 5 clear latches counts, bit 4 clear latches status */
        for (int i = 0; i < 3; i++) {
            PITChannel *c = &s->ch[i];
            if (!(val & (2 << i))) {
                continue;
            }
            if (!(val & 0x20) && !c->latched) {
                c->latch = pit_counter(c, now);
                c->latched = true;
                c->latched_count_state = c->rw;
            }
            if (!(val & 0x10) && !c->status_latched) {
                c->status =
                    (pit_out(c, now) << 7) | (c->null_count << 6) | (c->rw << 4) | (c->mode << 1);
                c->status_latched = true;
            }
        }
        return;
    }
    PITChannel *c = &s->ch[n];
    if (rw == 0) { /* counter latch */
        if (!c->latched) {
            c->latch = pit_counter(c, now);
            c->latched = true;
            c->latched_count_state = c->rw;
        }
        return;
    }
    if (val & 1) {
        log_mask(LOG_UNIMP, "i8254: BCD counting\n");
    }
    c->rw = rw;
    c->rw_state = 0;
    c->mode = (val >> 1) & 7;
    c->mode = c->mode >= 6 ? c->mode - 4 : c->mode; /* 6 and 7 are aliases of 2 and 3 */
    c->null_count = true;
}

static uint8_t pit_read_counter(PITChannel *c)
{
    uint16_t v;

    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    v = c->latched ? c->latch : pit_counter(c, clock_get_ns(CLOCK_VIRTUAL));
    if (c->rw == 1 || (c->rw == 3 && c->rw_state == 0)) {
        c->rw_state = c->rw == 3;
        if (c->rw == 1) {
            c->latched = false;
        }
        return v & 0xff;
    }
    c->rw_state = 0;
    c->latched = false;
    return v >> 8;
}

static uint64_t pit_io_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;

    return addr == 3 ? 0xff : pit_read_counter(&s->ch[addr]);
}

static void pit_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PITState *s = opaque;
    PITChannel *c;

    if (addr == 3) {
        pit_control(s, data);
        return;
    }
    c = &s->ch[addr];
    switch (c->rw) {
    case 1:
        pit_load(s, addr, data & 0xff);
        break;
    case 2:
        pit_load(s, addr, (data & 0xff) << 8);
        break;
    default: /* LSB then MSB */
        if (!c->loading_msb) {
            c->write_lsb = data;
            c->loading_msb = true;
        } else {
            c->loading_msb = false;
            pit_load(s, addr, c->write_lsb | ((data & 0xff) << 8));
        }
        break;
    }
}

static const MemoryRegionOps pit_io_ops = {
    .read = pit_io_read,
    .write = pit_io_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- port B (0x61) ---- */

static uint64_t portb_read(void *opaque, hwaddr addr, unsigned size)
{
    PITState *s = opaque;
    int64_t now = clock_get_ns(CLOCK_VIRTUAL);
    bool refresh = (now / 15000) & 1;
    bool out2 = !s->ch[2].null_count && pit_out(&s->ch[2], now);

    return (s->portb & 3) | (refresh << 4) | (out2 << 5);
}

static void portb_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PITState *s = opaque;

    if ((data & 1) && !(s->portb & 1) && s->ch[2].mode != 0) {
        s->ch[2].load_ns = clock_get_ns(CLOCK_VIRTUAL); /* a gate edge restarts modes 1-5 */
    }
    s->portb = data & 3;
}

static const MemoryRegionOps portb_ops = {
    .read = portb_read,
    .write = portb_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- lifecycle ---- */

static void pit_instance_init(Object *obj)
{
    sysbus_init_irq(SYS_BUS_DEVICE(obj), &PIT(obj)->irq);
}

static bool pit_realize(DeviceState *dev, Error **errp)
{
    PITState *s = PIT(dev);

    memory_region_init_io(&s->io, &pit_io_ops, s, "pit", 4);
    memory_region_init_io(&s->portb_io, &portb_ops, s, "port-b", 1);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->io);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->portb_io);
    s->timer = timer_new_ns(CLOCK_VIRTUAL, pit_timer_cb, s);
    return true;
}

static void pit_reset(DeviceState *dev)
{
    PITState *s = PIT(dev);

    for (int i = 0; i < 3; i++) {
        s->ch[i] = (PITChannel){.count = 0x10000, .rw = 3, .null_count = true};
    }
    s->portb = 0;
    timer_del(s->timer);
}

static void pit_finalize(Object *obj)
{
    timer_free(PIT(obj)->timer);
}

static void pit_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "8254 interval timer and port B";
    dc->realize = pit_realize;
    dc->reset = pit_reset;
}

static const TypeInfo pit_info = {
    .name = TYPE_I8254,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(PITState),
    .instance_init = pit_instance_init,
    .instance_finalize = pit_finalize,
    .class_init = pit_class_init,
};

static void pit_register_types(void)
{
    type_register_static(&pit_info);
}

type_init(pit_register_types)
