/*
 * Google Goldfish real-time clock.
 *
 * Spec: Android emulator "Goldfish virtual hardware platform" document
 * (docs/GOLDFISH-VIRTUAL-HARDWARE.TXT, section "Goldfish real-time clock");
 * Linux drivers/rtc/rtc-goldfish.c is its main user. All registers 32-bit:
 *
 *   0x00 TIME_LOW        R: low 32 bits of the time in ns; latches TIME_HIGH
 *                        W: set the low 32 bits of the time
 *   0x04 TIME_HIGH       R: high 32 bits latched by the last TIME_LOW read
 *                        W: set the high 32 bits of the time
 *   0x08 ALARM_LOW       W: low 32 bits of the alarm time, and arm the alarm
 *   0x0c ALARM_HIGH      W: high 32 bits of the alarm time
 *   0x10 IRQ_ENABLED     W: bit 0 enables the alarm interrupt
 *   0x14 CLEAR_ALARM     W: disarm the alarm
 *   0x18 ALARM_STATUS    R: 1 while an alarm is armed
 *   0x1c CLEAR_INTERRUPT W: acknowledge the alarm interrupt
 *
 * The time is the host's wall clock (CLOCK_REALTIME, ns since the Unix epoch)
 * plus an offset set by guest writes, so it keeps running while the VM is
 * paused, like a battery-backed clock. The offset survives machine resets.
 * With -rtc clock=vm it is CLOCK_VIRTUAL plus the offset instead (it stops with
 * the VM, and under -icount repeats from run to run); clock=rt takes the host's
 * monotonic clock, which no change of the host's date moves.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <time.h>

#include "hw/rtc/goldfish_rtc.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/timer.h"

#define RTC_TIME_LOW 0x00
#define RTC_TIME_HIGH 0x04
#define RTC_ALARM_LOW 0x08
#define RTC_ALARM_HIGH 0x0c
#define RTC_IRQ_ENABLED 0x10
#define RTC_CLEAR_ALARM 0x14
#define RTC_ALARM_STATUS 0x18
#define RTC_CLEAR_INTERRUPT 0x1c

typedef struct GoldfishRTCState {
    SysBusDevice parent_obj;
    MemoryRegion iomem;
    IRQState *irq;
    Timer *timer;     /* on time_clock (CLOCK_HOST for the wall clock, which runs alike) */
    char *clock_name; /* the "clock" property: host (NULL), rt or vm */
    bool wall_clock;  /* time from CLOCK_REALTIME, else from time_clock */
    ClockType time_clock;

    /*
     * guest time = host wall clock + tick_offset (ns), modulo 2^64: the guest may
     * set any 64-bit time, so the sum is kept unsigned where wrapping is defined.
     */
    uint64_t tick_offset;
    /* The "tick-offset" property (-rtc base=): where tick_offset starts (clock=host), or the
     * guest time at the clock's 0 (clock=vm|rt). */
    int64_t initial_offset;
    uint64_t alarm_next;
    bool alarm_running;
    bool irq_pending;
    bool irq_enabled;
    uint32_t time_high; /* latched by TIME_LOW reads */
} GoldfishRTCState;

#define GOLDFISH_RTC(obj) OBJECT_CHECK(GoldfishRTCState, (obj), TYPE_GOLDFISH_RTC)

static int64_t goldfish_rtc_host_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
}

static uint64_t goldfish_rtc_now(GoldfishRTCState *s)
{
    int64_t base = s->wall_clock ? goldfish_rtc_host_ns() : clock_get_ns(s->time_clock);

    return (uint64_t)base + s->tick_offset;
}

/* ---- IRQ and alarm ---- */

static void goldfish_rtc_update_irq(GoldfishRTCState *s)
{
    irq_set(s->irq, s->irq_pending && s->irq_enabled);
}

static void goldfish_rtc_alarm_fire(void *opaque)
{
    GoldfishRTCState *s = opaque;

    s->alarm_running = false;
    s->irq_pending = true;
    goldfish_rtc_update_irq(s);
}

static void goldfish_rtc_alarm_arm(GoldfishRTCState *s)
{
    uint64_t now = goldfish_rtc_now(s);

    s->alarm_running = true;
    if (s->alarm_next <= now) {
        timer_del(s->timer);
        goldfish_rtc_alarm_fire(s);
        return;
    }
    timer_mod_ns(s->timer, clock_get_ns(s->time_clock) +
                               (int64_t)MIN(s->alarm_next - now, (uint64_t)INT64_MAX / 2));
}

static void goldfish_rtc_alarm_clear(GoldfishRTCState *s)
{
    timer_del(s->timer);
    s->alarm_running = false;
}

/* ---- MMIO ---- */

static uint64_t goldfish_rtc_read(void *opaque, hwaddr addr, unsigned size)
{
    GoldfishRTCState *s = opaque;
    uint64_t now;

    switch (addr) {
    case RTC_TIME_LOW:
        /* The two halves of one reading: a later TIME_HIGH read returns this one's. */
        now = goldfish_rtc_now(s);
        s->time_high = now >> 32;
        return (uint32_t)now;
    case RTC_TIME_HIGH:
        return s->time_high;
    case RTC_ALARM_LOW:
        return (uint32_t)s->alarm_next;
    case RTC_ALARM_HIGH:
        return s->alarm_next >> 32;
    case RTC_IRQ_ENABLED:
        return s->irq_enabled;
    case RTC_ALARM_STATUS:
        return s->alarm_running;
    default:
        log_mask(LOG_GUEST_ERROR, "goldfish_rtc: read at bad offset 0x%" PRIx64 "\n", addr);
        return 0;
    }
}

/* Replace 32 bits of the current time at bit start: moves the offset. */
static void goldfish_rtc_set_time(GoldfishRTCState *s, int start, uint32_t value)
{
    uint64_t now = goldfish_rtc_now(s);

    s->tick_offset += deposit64(now, start, 32, value) - now;
}

static void goldfish_rtc_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    GoldfishRTCState *s = opaque;

    switch (addr) {
    case RTC_TIME_LOW:
        goldfish_rtc_set_time(s, 0, data);
        break;
    case RTC_TIME_HIGH:
        goldfish_rtc_set_time(s, 32, data);
        break;
    case RTC_ALARM_LOW:
        s->alarm_next = deposit64(s->alarm_next, 0, 32, data);
        goldfish_rtc_alarm_arm(s);
        break;
    case RTC_ALARM_HIGH:
        s->alarm_next = deposit64(s->alarm_next, 32, 32, data);
        break;
    case RTC_IRQ_ENABLED:
        s->irq_enabled = data & 1;
        goldfish_rtc_update_irq(s);
        break;
    case RTC_CLEAR_ALARM:
        goldfish_rtc_alarm_clear(s);
        break;
    case RTC_CLEAR_INTERRUPT:
        s->irq_pending = false;
        goldfish_rtc_update_irq(s);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "goldfish_rtc: write at bad offset 0x%" PRIx64 "\n", addr);
        break;
    }
}

static const MemoryRegionOps goldfish_rtc_ops = {
    .read = goldfish_rtc_read,
    .write = goldfish_rtc_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- realize / reset ---- */

static void goldfish_rtc_instance_init(Object *obj)
{
    GoldfishRTCState *s = GOLDFISH_RTC(obj);

    sysbus_init_irq(SYS_BUS_DEVICE(obj), &s->irq);
}

static bool goldfish_rtc_realize(DeviceState *dev, Error **errp)
{
    GoldfishRTCState *s = GOLDFISH_RTC(dev);
    const char *clock = s->clock_name ? s->clock_name : "host";

    s->wall_clock = !strcmp(clock, "host");
    s->time_clock = !strcmp(clock, "vm") ? CLOCK_VIRTUAL : CLOCK_HOST;
    if (!s->wall_clock && strcmp(clock, "rt") && strcmp(clock, "vm")) {
        error_setg(errp, "goldfish_rtc: clock '%s' is not host, rt or vm", clock);
        return false;
    }
    s->tick_offset = (uint64_t)s->initial_offset;
    s->timer = timer_new_ns(s->time_clock, goldfish_rtc_alarm_fire, s);
    memory_region_init_io(&s->iomem, &goldfish_rtc_ops, s, TYPE_GOLDFISH_RTC, GOLDFISH_RTC_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->iomem);
    return true;
}

/* The alarm and interrupt state reset; the time, like a battery-backed clock, does not. */
static void goldfish_rtc_reset(DeviceState *dev)
{
    GoldfishRTCState *s = GOLDFISH_RTC(dev);

    goldfish_rtc_alarm_clear(s);
    s->alarm_next = 0;
    s->irq_pending = false;
    s->irq_enabled = false;
    s->time_high = 0;
    goldfish_rtc_update_irq(s);
}

static void goldfish_rtc_finalize(Object *obj)
{
    GoldfishRTCState *s = GOLDFISH_RTC(obj);

    if (s->timer) {
        timer_free(s->timer);
    }
}

/* ---- device tree (QEMU virt: /soc/rtc@101000) ---- */

static bool goldfish_rtc_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "google,goldfish-rtc";

    return sysbus_fdt_add_node(ctx, "rtc", compat, sizeof(compat), NULL, 0, errp) >= 0;
}

/* ---- properties and type registration ---- */

static const Property goldfish_rtc_props[] = {
    /* -rtc base=DATE|localtime sets it through -global's path (system/vl.c). */
    DEFINE_PROP("tick-offset", PROP_INT, GoldfishRTCState, initial_offset,
                .description = "initial guest time minus host wall clock, in ns (clock=host), "
                               "or guest time at the clock's 0 (rt, vm)"),
    /* -rtc clock= sets it the same way. */
    DEFINE_PROP_STRING("clock", GoldfishRTCState, clock_name),
    DEFINE_PROP_END,
};

/* ---- machine state (savevm) ---- */

/* The alarm is kept as a guest time; re-arm it against this process's clock. */
static bool goldfish_rtc_post_load(void *opaque, int version_id, Error **errp)
{
    GoldfishRTCState *s = opaque;

    if (s->alarm_running) {
        goldfish_rtc_alarm_arm(s);
    } else {
        goldfish_rtc_alarm_clear(s);
    }
    goldfish_rtc_update_irq(s);
    return true;
}

static const VMStateDescription vmstate_goldfish_rtc = {
    .name = "goldfish-rtc",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = goldfish_rtc_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT64(tick_offset, GoldfishRTCState),
            VMSTATE_UINT64(alarm_next, GoldfishRTCState),
            VMSTATE_BOOL(alarm_running, GoldfishRTCState),
            VMSTATE_BOOL(irq_pending, GoldfishRTCState),
            VMSTATE_BOOL(irq_enabled, GoldfishRTCState),
            VMSTATE_UINT32(time_high, GoldfishRTCState),
            VMSTATE_END_OF_LIST(),
        },
};

static void goldfish_rtc_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    object_class_add_props(oc, goldfish_rtc_props);
    dc->desc = "Google Goldfish RTC";
    dc->realize = goldfish_rtc_realize;
    dc->reset = goldfish_rtc_reset;
    dc->fdt_populate = goldfish_rtc_fdt_populate;
    dc->vmsd = &vmstate_goldfish_rtc;
}

static const TypeInfo goldfish_rtc_info = {
    .name = TYPE_GOLDFISH_RTC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(GoldfishRTCState),
    .instance_init = goldfish_rtc_instance_init,
    .instance_finalize = goldfish_rtc_finalize,
    .class_init = goldfish_rtc_class_init,
};

static void goldfish_rtc_register_types(void)
{
    type_register_static(&goldfish_rtc_info);
}

type_init(goldfish_rtc_register_types)
