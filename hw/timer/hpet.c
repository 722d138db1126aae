/*
 * The HPET (contract in include/hw/timer/hpet.h).
 *
 * Spec: IA-PC HPET specification 1.0a. Registers (64-bit, reachable as 32-bit
 * halves): 0x000 capabilities (rev 1, 3 timers, 64-bit counter, legacy route
 * capable, vendor 0x8086, period 10,000,000 fs), 0x010 configuration (bit 0
 * enable, bit 1 legacy replacement), 0x020 interrupt status (level-triggered
 * comparators; write 1 to clear), 0x0f0 main counter (writable while halted),
 * 0x100 + 0x20 * n timer n: configuration (bit 1 level, 2 interrupt enable,
 * 3 periodic, 4 periodic-capable RO, 5 64-bit-capable RO, 6 value-set, 8
 * 32-bit mode, 13:9 route, 14 FSB enable (FSB not offered), 63:32 route
 * capability RO), +0x08 comparator.
 * A comparator interrupts when the counter reaches it (in 32-bit mode, its
 * low 32 bits); a periodic one then adds its period (the last value written
 * to the comparator; value-set lets a write set the comparator itself).
 * Time: the counter is derived from the virtual clock, each comparator has a
 * main-loop timer at its next match.
 */
#include "hw/timer/hpet.h"

#include <inttypes.h>

#include "util/log.h"
#include "util/timer.h"

#define CAP_ID                                                                                     \
    (0x01ULL | ((HPET_NUM_TIMERS - 1ULL) << 8) | (1ULL << 13) | (1ULL << 15) | (0x8086ULL << 16) | \
     ((uint64_t)HPET_CLK_PERIOD_NS * 1000000 << 32))
#define CFG_ENABLE 1
#define CFG_LEGACY 2
#define TN_LEVEL (1ULL << 1)
#define TN_ENABLE (1ULL << 2)
#define TN_PERIODIC (1ULL << 3)
#define TN_PERIODIC_CAP (1ULL << 4)
#define TN_SIZE_CAP (1ULL << 5)
#define TN_SETVAL (1ULL << 6)
#define TN_32BIT (1ULL << 8)
#define TN_ROUTE(c) (((c) >> 9) & 0x1f)
#define TN_WRITABLE (TN_LEVEL | TN_ENABLE | TN_PERIODIC | TN_SETVAL | TN_32BIT | (0x1fULL << 9))
#define TN_RO ((uint64_t)HPET_INTCAP << 32 | TN_PERIODIC_CAP | TN_SIZE_CAP)

typedef struct HPETState HPETState;

typedef struct HPETTimer {
    HPETState *s;
    int n;
    uint64_t config, cmp, period;
    Timer *timer;
} HPETTimer;

struct HPETState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    IRQState *irq[HPET_NUM_IRQ];
    uint64_t config, isr;
    uint64_t counter; /* while halted: its value; while running: its value at start_ns */
    int64_t start_ns;
    int pit_level;
    HPETTimer t[HPET_NUM_TIMERS];
};

#define HPET(obj) OBJECT_CHECK(HPETState, (obj), TYPE_HPET)

static bool running(const HPETState *s)
{
    return s->config & CFG_ENABLE;
}

static uint64_t counter_now(const HPETState *s)
{
    if (!running(s)) {
        return s->counter;
    }
    return s->counter + (uint64_t)(clock_get_ns(CLOCK_VIRTUAL) - s->start_ns) / HPET_CLK_PERIOD_NS;
}

/* The GSI timer t drives: legacy mode fixes 0 → IRQ 0 and 1 → IRQ 8. */
static int timer_gsi(const HPETTimer *t)
{
    if ((t->s->config & CFG_LEGACY) && t->n < 2) {
        return t->n == 0 ? 0 : 8;
    }
    return TN_ROUTE(t->config);
}

static void timer_set_line(HPETTimer *t, int level)
{
    irq_set(t->s->irq[timer_gsi(t)], level);
}

/* The comparator matched: an edge pulse, or a level held until its status bit is cleared. */
static void timer_fire(HPETTimer *t)
{
    HPETState *s = t->s;

    if (t->config & TN_LEVEL) {
        s->isr |= 1ULL << t->n;
        if (t->config & TN_ENABLE) {
            timer_set_line(t, 1);
        }
    } else if (t->config & TN_ENABLE) {
        timer_set_line(t, 1);
        timer_set_line(t, 0);
    }
}

/* Arm t's main-loop timer for the next time the counter reaches its comparator. */
static void timer_arm(HPETTimer *t)
{
    HPETState *s = t->s;
    uint64_t now = counter_now(s), diff;

    if (!running(s)) {
        timer_del(t->timer);
        return;
    }
    diff = t->cmp - now;
    if (t->config & TN_32BIT) {
        diff = (uint32_t)diff;
    }
    if ((t->config & TN_32BIT) ? (int32_t)diff < 0 : (int64_t)diff < 0) {
        /* A comparator behind the counter fires now, as QEMU's (Linux's periodic set-up
         * writes counter + 1/HZ; a vCPU descheduled longer than that would otherwise
         * wait for the 32-bit wrap, 43 s, and fail the kernel's timer check). */
        diff = 0;
    } else if (diff > (1ULL << 58)) {
        timer_del(t->timer); /* centuries away */
        return;
    }
    timer_mod_ns(t->timer, clock_get_ns(CLOCK_VIRTUAL) + (int64_t)(diff * HPET_CLK_PERIOD_NS));
}

static void hpet_timer_cb(void *opaque)
{
    HPETTimer *t = opaque;

    timer_fire(t);
    if ((t->config & TN_PERIODIC) && t->period) {
        uint64_t now = counter_now(t->s);
        do {
            t->cmp += t->period; /* catch up if the host was late */
        } while ((int64_t)(t->cmp - now) <= 0 && !(t->config & TN_32BIT));
        if (t->config & TN_32BIT) {
            t->cmp = (uint32_t)t->cmp;
        }
        timer_arm(t);
    }
}

/* ---- registers ---- */

static uint64_t timer_read(HPETTimer *t, hwaddr reg)
{
    switch (reg) {
    case 0x00:
        return t->config;
    case 0x08:
        return t->config & TN_32BIT ? (uint32_t)t->cmp : t->cmp;
    default:
        return 0; /* FSB route: FSB delivery is not offered */
    }
}

static uint64_t hpet_reg_read(HPETState *s, hwaddr reg)
{
    if (reg >= 0x100 && reg < 0x100 + 0x20 * HPET_NUM_TIMERS) {
        return timer_read(&s->t[(reg - 0x100) / 0x20], reg & 0x18);
    }
    switch (reg) {
    case 0x000:
        return CAP_ID;
    case 0x010:
        return s->config;
    case 0x020:
        return s->isr;
    case 0x0f0:
        return counter_now(s);
    default:
        return 0;
    }
}

static uint64_t merge(uint64_t old, uint64_t val, uint64_t mask)
{
    return (old & ~mask) | (val & mask);
}

static void timer_write(HPETTimer *t, hwaddr reg, uint64_t val, uint64_t mask)
{
    if (reg == 0x00) {
        int old_gsi = timer_gsi(t);
        uint64_t c = merge(t->config, val, mask);
        if (c & (1ULL << 14)) {
            log_mask(LOG_GUEST_ERROR, "hpet: timer %d FSB delivery is not offered\n", t->n);
        }
        if ((c & TN_ENABLE) && !((HPET_INTCAP >> TN_ROUTE(c)) & 1) &&
            !((t->s->config & CFG_LEGACY) && t->n < 2)) {
            log_mask(LOG_GUEST_ERROR, "hpet: timer %d routed to GSI %d outside its capability\n",
                     t->n, (int)TN_ROUTE(c));
        }
        t->config = (c & TN_WRITABLE) | TN_RO;
        if (old_gsi != timer_gsi(t) || !(t->config & TN_ENABLE) || !(t->config & TN_LEVEL)) {
            irq_set(t->s->irq[old_gsi], 0);
        }
        if ((t->config & TN_LEVEL) && (t->config & TN_ENABLE) && (t->s->isr & (1ULL << t->n))) {
            timer_set_line(t, 1);
        }
    } else if (reg == 0x08) {
        if (!(t->config & TN_PERIODIC) || (t->config & TN_SETVAL)) {
            t->cmp = merge(t->cmp, val, mask);
        }
        t->period = merge(t->period, val, mask);
        if (t->config & TN_32BIT) {
            t->cmp = (uint32_t)t->cmp;
            t->period = (uint32_t)t->period;
        }
        t->config &= ~TN_SETVAL;
    }
    timer_arm(t);
}

static void hpet_set_config(HPETState *s, uint64_t val)
{
    uint64_t old = s->config;

    s->config = val & (CFG_ENABLE | CFG_LEGACY);
    if ((old ^ s->config) & CFG_ENABLE) {
        if (running(s)) {
            s->start_ns = clock_get_ns(CLOCK_VIRTUAL);
        } else {
            s->counter +=
                (uint64_t)(clock_get_ns(CLOCK_VIRTUAL) - s->start_ns) / HPET_CLK_PERIOD_NS;
        }
    }
    if ((old ^ s->config) & CFG_LEGACY) {
        /* Legacy mode takes IRQ 0 from the PIT (and gives it back). */
        irq_set(s->irq[0], (s->config & CFG_LEGACY) ? 0 : s->pit_level);
    }
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        timer_arm(&s->t[i]);
    }
}

static void hpet_reg_write(HPETState *s, hwaddr reg, uint64_t val, uint64_t mask)
{
    if (reg >= 0x100 && reg < 0x100 + 0x20 * HPET_NUM_TIMERS) {
        timer_write(&s->t[(reg - 0x100) / 0x20], reg & 0x18, val, mask);
        return;
    }
    switch (reg) {
    case 0x010:
        hpet_set_config(s, merge(s->config, val, mask));
        break;
    case 0x020:
        for (int i = 0; i < HPET_NUM_TIMERS; i++) {
            if (val & mask & s->isr & (1ULL << i)) {
                s->isr &= ~(1ULL << i);
                timer_set_line(&s->t[i], 0);
            }
        }
        break;
    case 0x0f0:
        if (running(s)) {
            log_mask(LOG_GUEST_ERROR, "hpet: main counter written while running\n");
        } else {
            s->counter = merge(s->counter, val, mask);
        }
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "hpet: write to read-only or reserved 0x%03" PRIx64 "\n", reg);
        break;
    }
}

static uint64_t hpet_read(void *opaque, hwaddr addr, unsigned size)
{
    uint64_t v = hpet_reg_read(opaque, addr & ~7ULL);

    return size == 8 ? v : (uint32_t)(v >> (8 * (addr & 4)));
}

static void hpet_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    int shift = 8 * (addr & 4);
    uint64_t mask = size == 8 ? ~0ULL : 0xffffffffULL << shift;

    hpet_reg_write(opaque, addr & ~7ULL, data << shift, mask);
}

static const MemoryRegionOps hpet_ops = {
    .read = hpet_read,
    .write = hpet_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 8},
};

/* The PIT's channel 0 passes through unless legacy replacement owns IRQ 0. */
static void hpet_pit_in(void *opaque, int n, int level)
{
    HPETState *s = opaque;

    s->pit_level = level;
    if (!(s->config & CFG_LEGACY)) {
        irq_set(s->irq[0], level);
    }
}

/* ---- lifecycle ---- */

static void hpet_instance_init(Object *obj)
{
    HPETState *s = HPET(obj);

    qdev_init_gpio_in(DEVICE(obj), hpet_pit_in, 1);
    qdev_init_gpio_out(DEVICE(obj), s->irq, HPET_NUM_IRQ);
}

static bool hpet_realize(DeviceState *dev, Error **errp)
{
    HPETState *s = HPET(dev);

    memory_region_init_io(&s->mmio, &hpet_ops, s, "hpet", 0x400);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        s->t[i].s = s;
        s->t[i].n = i;
        s->t[i].timer = timer_new_ns(CLOCK_VIRTUAL, hpet_timer_cb, &s->t[i]);
    }
    return true;
}

static void hpet_reset(DeviceState *dev)
{
    HPETState *s = HPET(dev);

    s->config = s->isr = s->counter = 0;
    for (int i = 0; i < HPET_NUM_TIMERS; i++) {
        HPETTimer *t = &s->t[i];
        t->config = TN_RO;
        t->cmp = t->period = ~0ULL;
        timer_del(t->timer);
    }
}

static void hpet_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "HPET (3 comparators, legacy replacement)";
    dc->realize = hpet_realize;
    dc->reset = hpet_reset;
}

static const TypeInfo hpet_info = {
    .name = TYPE_HPET,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(HPETState),
    .instance_init = hpet_instance_init,
    .class_init = hpet_class_init,
};

static void hpet_register_types(void)
{
    type_register_static(&hpet_info);
}

type_init(hpet_register_types)
