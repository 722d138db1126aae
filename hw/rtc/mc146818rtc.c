/*
 * MC146818 RTC and CMOS RAM (contract in include/hw/rtc/mc146818rtc.h).
 *
 * Register map (Motorola MC146818A data sheet; the PC's use in IBM's AT
 * technical reference):
 *   0x00 seconds  0x02 minutes  0x04 hours  0x06 weekday  0x07 day of month
 *   0x08 month    0x09 year     0x32 century (the PC's convention)
 *   0x0a A: bit 7 update in progress, divider and rate (0x26 after reset)
 *   0x0b B: SET, PIE, AIE, UIE, SQWE, DM (binary), 24/12, DSE (0x02: 24h BCD)
 *   0x0c C: interrupt flags (read clears)   0x0d D: bit 7 valid RAM and time
 *   0x0e..0x7f: battery-backed RAM
 * The date and time are a clock plus an offset, in BCD or binary and 12- or
 * 24-hour form as register B says. The clock is the "clock" property as -rtc
 * clock= sets it: host (the wall clock, CLOCK_REALTIME), rt (CLOCK_HOST) or vm
 * (CLOCK_VIRTUAL); the offset starts at "tick-offset" (-rtc base=, through
 * -global as for the virt board's goldfish RTC) and moves when the guest
 * writes a time register. Modelling choices: no interrupt (periodic, alarm
 * and update-ended interrupts are logged as unimplemented when enabled), the
 * update-in-progress bit never reads set.
 */
#include "hw/rtc/mc146818rtc.h"

#include <time.h>

#include "util/log.h"
#include "util/timer.h"

enum {
    RTC_SECONDS = 0x00,
    RTC_MINUTES = 0x02,
    RTC_HOURS = 0x04,
    RTC_DAY_OF_WEEK = 0x06,
    RTC_DAY_OF_MONTH = 0x07,
    RTC_MONTH = 0x08,
    RTC_YEAR = 0x09,
    RTC_REG_A = 0x0a,
    RTC_REG_B = 0x0b,
    RTC_REG_C = 0x0c,
    RTC_REG_D = 0x0d,
    RTC_CENTURY = 0x32,
};
#define REG_B_DM 0x04 /* binary, not BCD */
#define REG_B_24H 0x02
#define REG_B_INTS 0x70 /* PIE AIE UIE */

typedef struct RTCState {
    SysBusDevice parent_obj;
    MemoryRegion io;
    uint8_t cmos[128];
    uint8_t index;
    int64_t offset_ns;      /* guest time = the clock + offset (ns since the Unix epoch) */
    int64_t initial_offset; /* the "tick-offset" property */
    char *clock_name;       /* the "clock" property: host (NULL), rt or vm */
    bool wall_clock;
    ClockType time_clock;
} RTCState;

#define MC146818_RTC(obj) OBJECT_CHECK(RTCState, (obj), TYPE_MC146818_RTC)

static uint8_t to_reg(RTCState *s, int v)
{
    return (s->cmos[RTC_REG_B] & REG_B_DM) ? v : ((v / 10) << 4) | (v % 10);
}

static int from_reg(RTCState *s, uint8_t v)
{
    return (s->cmos[RTC_REG_B] & REG_B_DM) ? v : (v >> 4) * 10 + (v & 0xf);
}

static void rtc_now(RTCState *s, struct tm *tm)
{
    struct timespec ts;
    int64_t ns;
    time_t t;

    if (s->wall_clock) {
        clock_gettime(CLOCK_REALTIME, &ts);
        ns = ts.tv_sec * NANOSECONDS_PER_SECOND + ts.tv_nsec;
    } else {
        ns = clock_get_ns(s->time_clock);
    }
    t = (ns + s->offset_ns) / NANOSECONDS_PER_SECOND;
    gmtime_r(&t, tm);
}

static uint8_t rtc_hours(RTCState *s, int h)
{
    if (s->cmos[RTC_REG_B] & REG_B_24H) {
        return to_reg(s, h);
    }
    return to_reg(s, h % 12 ? h % 12 : 12) | (h >= 12 ? 0x80 : 0);
}

static uint8_t rtc_read_time(RTCState *s, int reg)
{
    struct tm tm;

    rtc_now(s, &tm);
    switch (reg) {
    case RTC_SECONDS:
        return to_reg(s, tm.tm_sec);
    case RTC_MINUTES:
        return to_reg(s, tm.tm_min);
    case RTC_HOURS:
        return rtc_hours(s, tm.tm_hour);
    case RTC_DAY_OF_WEEK:
        return to_reg(s, tm.tm_wday + 1);
    case RTC_DAY_OF_MONTH:
        return to_reg(s, tm.tm_mday);
    case RTC_MONTH:
        return to_reg(s, tm.tm_mon + 1);
    case RTC_YEAR:
        return to_reg(s, tm.tm_year % 100);
    default: /* RTC_CENTURY */
        return to_reg(s, (tm.tm_year + 1900) / 100);
    }
}

/* A guest write to a time register moves the clock by the difference. */
static void rtc_write_time(RTCState *s, int reg, uint8_t val)
{
    struct tm tm;
    int v = from_reg(s, val & (reg == RTC_HOURS ? 0x7f : 0xff));

    rtc_now(s, &tm);
    switch (reg) {
    case RTC_SECONDS:
        s->offset_ns += (int64_t)(v - tm.tm_sec) * NANOSECONDS_PER_SECOND;
        break;
    case RTC_MINUTES:
        s->offset_ns += (int64_t)(v - tm.tm_min) * 60 * NANOSECONDS_PER_SECOND;
        break;
    case RTC_HOURS:
        if (!(s->cmos[RTC_REG_B] & REG_B_24H)) {
            v = (v % 12) + ((val & 0x80) ? 12 : 0);
        }
        s->offset_ns += (int64_t)(v - tm.tm_hour) * 3600 * NANOSECONDS_PER_SECOND;
        break;
    case RTC_DAY_OF_MONTH:
        s->offset_ns += (int64_t)(v - tm.tm_mday) * 86400 * NANOSECONDS_PER_SECOND;
        break;
    default: /* month, year, century, weekday: derived from the day count, not moved */
        log_mask(LOG_UNIMP, "mc146818rtc: writing time register 0x%x is ignored\n", reg);
        break;
    }
}

static bool is_time_reg(int reg)
{
    return reg == RTC_SECONDS || reg == RTC_MINUTES || reg == RTC_HOURS ||
           (reg >= RTC_DAY_OF_WEEK && reg <= RTC_YEAR) || reg == RTC_CENTURY;
}

static uint64_t rtc_io_read(void *opaque, hwaddr addr, unsigned size)
{
    RTCState *s = opaque;
    uint8_t v;

    if (addr == 0) {
        return 0xff; /* the index port is write-only */
    }
    if (is_time_reg(s->index)) {
        return rtc_read_time(s, s->index);
    }
    v = s->cmos[s->index];
    if (s->index == RTC_REG_C) {
        s->cmos[RTC_REG_C] = 0;
    }
    return v;
}

static void rtc_io_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RTCState *s = opaque;
    int reg = s->index;

    if (addr == 0) {
        s->index = data & 0x7f;
        return;
    }
    if (is_time_reg(reg)) {
        rtc_write_time(s, reg, data);
        return;
    }
    if (reg == RTC_REG_C || reg == RTC_REG_D) {
        return; /* read-only */
    }
    if (reg == RTC_REG_B && (data & REG_B_INTS)) {
        log_mask(LOG_UNIMP, "mc146818rtc: interrupts (register B 0x%02x) not implemented\n",
                 (unsigned)data);
    }
    s->cmos[reg] = data;
}

static const MemoryRegionOps rtc_io_ops = {
    .read = rtc_io_read,
    .write = rtc_io_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

void mc146818rtc_set_cmos(DeviceState *dev, int addr, uint8_t val)
{
    MC146818_RTC(dev)->cmos[addr & 0x7f] = val;
}

static bool rtc_realize(DeviceState *dev, Error **errp)
{
    RTCState *s = MC146818_RTC(dev);
    const char *clock = s->clock_name ? s->clock_name : "host";

    if (strcmp(clock, "host") && strcmp(clock, "rt") && strcmp(clock, "vm")) {
        error_setg(errp, "mc146818rtc: clock '%s' is not host, rt or vm", clock);
        return false;
    }
    s->wall_clock = !strcmp(clock, "host");
    s->time_clock = !strcmp(clock, "vm") ? CLOCK_VIRTUAL : CLOCK_HOST;
    s->offset_ns = s->initial_offset;

    memory_region_init_io(&s->io, &rtc_io_ops, s, TYPE_MC146818_RTC, 2);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->io);
    return true;
}

/* Reset keeps the CMOS RAM (it is battery-backed) and the clock. */
static void rtc_reset(DeviceState *dev)
{
    RTCState *s = MC146818_RTC(dev);

    s->cmos[RTC_REG_A] = 0x26;
    s->cmos[RTC_REG_B] = REG_B_24H;
    s->cmos[RTC_REG_C] = 0;
    s->cmos[RTC_REG_D] = 0x80;
}

static const Property rtc_props[] = {
    /* -rtc base= and clock= set them through -global (system/vl.c). */
    DEFINE_PROP("tick-offset", PROP_INT, RTCState, initial_offset,
                .description = "initial guest time minus host wall clock, in ns (clock=host), "
                               "or guest time at the clock's 0 (rt, vm)"),
    DEFINE_PROP_STRING("clock", RTCState, clock_name),
    DEFINE_PROP_END,
};

static void rtc_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    object_class_add_props(oc, rtc_props);
    dc->desc = "MC146818 RTC and CMOS RAM";
    dc->realize = rtc_realize;
    dc->reset = rtc_reset;
}

static const TypeInfo rtc_info = {
    .name = TYPE_MC146818_RTC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RTCState),
    .class_init = rtc_class_init,
};

static void rtc_register_types(void)
{
    type_register_static(&rtc_info);
}

type_init(rtc_register_types)
