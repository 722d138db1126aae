/*
 * Fuzzer: every MMIO device of the virt board driven by random register sequences.
 *
 * Input: byte 0 picks the device (16550, PLIC, ACLINT MTIMER, ACLINT MSWI, ACLINT SSWI,
 * sifive_test, goldfish RTC, virtio-mmio version 2 and version 1 with virtio-rng behind each); then
 * operations of 13 bytes:
 *   kind (u8): bit 0 write, bits 1-2 log2 of the size (1, 2, 4, 8), bits 3-5 == 7: instead of
 *              an access, drive input line (offset % lines) to (value & 1)
 *   offset (u32, modulo a little more than the region, so the edge is probed too)
 *   value (u64)
 * Each device exists once per process; every input starts from its reset.
 *
 * Checked: no crash or sanitizer report; the memory core hands the handlers only the access
 * sizes and alignments they declared (FuzzMmioGuard); and each device's own invariants, read
 * back through its registers and output lines after every operation (see the check_* hooks).
 */
#include "fuzz-common.h"
#include "hw/char/serial.h"
#include "hw/core/qdev.h"
#include "hw/core/sysbus.h"
#include "hw/intc/riscv_aclint.h"
#include "hw/intc/sifive_plic.h"
#include "hw/misc/sifive_test.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-rng.h"
#include "util/timer.h"

#define MAX_LINES 8
#define NHARTS 2
#define VIRTIO_MMIO_BASE 0x10001000

typedef struct Target Target;

typedef struct Ctx {
    const Target *t;
    DeviceState *dev;
    MemoryRegion *mr;
    int out[MAX_LINES]; /* output lines as last driven (-1: never) */
    IRQState *out_irq[MAX_LINES];
} Ctx;

struct Target {
    const char *name;
    DeviceState *(*create)(void);
    int nout;        /* output lines recorded */
    bool sysbus_irq; /* outputs are sysbus IRQs, not gpio outs */
    int nin;         /* input lines the fuzzer may drive */
    void (*before)(Ctx *c, hwaddr off, unsigned size, bool write);            /* may be NULL */
    void (*after)(Ctx *c, hwaddr off, unsigned size, bool write, uint64_t v); /* may be NULL */
    void (*check)(Ctx *c);                                                    /* may be NULL */
};

static void record_line(void *opaque, int n, int level)
{
    ((Ctx *)opaque)->out[n] = level;
}

static uint64_t rd(Ctx *c, hwaddr off, unsigned size)
{
    uint64_t v = 0;

    FUZZ_CHECK(memory_region_dispatch_read(c->mr, off, &v, size) == MEMTX_OK,
               "%s: read of 0x%llx refused", c->t->name, (unsigned long long)off);
    return v;
}

static DeviceState *realize(DeviceState *dev)
{
    FUZZ_CHECK(qdev_realize(dev, NULL), "realize failed");
    return dev;
}

/* ---- 16550: IIR names a valid source, and the line is high exactly when it names one ---- */

static DeviceState *serial_create(void)
{
    return realize(qdev_new(TYPE_SERIAL_MM));
}

/* The line before an IIR read, which may clear the source it reports (THRI). */
static int serial_line_before;

static void serial_before(Ctx *c, hwaddr off, unsigned size, bool write)
{
    serial_line_before = c->out[0];
}

static void serial_after(Ctx *c, hwaddr off, unsigned size, bool write, uint64_t v)
{
    static const uint8_t sources[] = {0x01, 0x00, 0x02, 0x04, 0x06, 0x0c};
    bool known = false;

    if (write || off != 2 || size != 1) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        known |= (v & 0x0f) == sources[i];
    }
    FUZZ_CHECK(known, "16550: IIR 0x%02llx names no interrupt source", (unsigned long long)v);
    /* With DLAB set, offset 2 still reads IIR; the line must agree with what it said. */
    FUZZ_CHECK(serial_line_before == -1 ? (v & 1) : serial_line_before == !(v & 1),
               "16550: line %d but IIR 0x%02llx", serial_line_before, (unsigned long long)v);
}

/* ---- PLIC: the line and claim follow pending & enabled & priority > threshold ---- */

#define PLIC_SOURCES 97
#define PLIC_CONTEXTS (2 * NHARTS)
#define PLIC_PENDING 0x1000
#define PLIC_ENABLE(ctx) (0x2000 + 0x80 * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000 + 0x1000 * (ctx))

static DeviceState *plic_create(void)
{
    DeviceState *dev = qdev_new(TYPE_SIFIVE_PLIC);

    FUZZ_CHECK(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, NULL), "num-harts");
    return realize(dev);
}

/* The best claimable source of ctx by the register file (0 if none). */
static uint32_t plic_expected_claim(Ctx *c, unsigned ctx)
{
    uint32_t best = 0, best_prio = rd(c, PLIC_THRESHOLD(ctx), 4);

    for (uint32_t id = 1; id < PLIC_SOURCES; id++) {
        uint32_t w = id / 32, bit = 1u << (id % 32);
        uint32_t prio;

        if (!(rd(c, PLIC_PENDING + 4 * w, 4) & bit) ||
            !(rd(c, PLIC_ENABLE(ctx) + 4 * w, 4) & bit)) {
            continue;
        }
        prio = rd(c, 4 * id, 4);
        if (prio > best_prio) {
            best = id;
            best_prio = prio;
        }
    }
    return best;
}

static uint32_t plic_claim_expected;

static void plic_before(Ctx *c, hwaddr off, unsigned size, bool write)
{
    if (!write && off >= 0x200000 && (off & 0xfff) == 4 &&
        (off - 0x200000) / 0x1000 < PLIC_CONTEXTS) {
        plic_claim_expected = plic_expected_claim(c, (off - 0x200000) / 0x1000);
    }
}

static void plic_after(Ctx *c, hwaddr off, unsigned size, bool write, uint64_t v)
{
    if (!write && size == 4 && off >= 0x200000 && (off & 0xfff) == 4 &&
        (off - 0x200000) / 0x1000 < PLIC_CONTEXTS) {
        FUZZ_CHECK(v == plic_claim_expected, "PLIC: claim returned %llu, expected %u",
                   (unsigned long long)v, plic_claim_expected);
    }
}

static void plic_check(Ctx *c)
{
    for (unsigned ctx = 0; ctx < PLIC_CONTEXTS; ctx++) {
        bool want = plic_expected_claim(c, ctx) != 0;

        FUZZ_CHECK(c->out[ctx] == -1 ? !want : c->out[ctx] == want,
                   "PLIC: context %u line %d, expected %d", ctx, c->out[ctx], want);
    }
}

/* ---- ACLINT: MTIP = (mtime >= mtimecmp) with the clock stopped; MSIP = msip bit 0 ---- */

static DeviceState *mtimer_create(void)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_MTIMER);

    FUZZ_CHECK(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, NULL), "num-harts");
    return realize(dev);
}

static void mtimer_check(Ctx *c)
{
    uint64_t mtime = rd(c, 0x7ff8, 8);

    for (int i = 0; i < NHARTS; i++) {
        bool want = mtime >= rd(c, 8 * i, 8);

        FUZZ_CHECK(c->out[i] == -1 ? !want : c->out[i] == want, "MTIMER: hart %d MTIP %d", i,
                   c->out[i]);
    }
}

static DeviceState *swi_create_kind(bool sswi)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_SWI);

    FUZZ_CHECK(object_property_set_int(OBJECT(dev), "num-harts", NHARTS, NULL), "num-harts");
    FUZZ_CHECK(object_property_set_bool(OBJECT(dev), "sswi", sswi, NULL), "sswi");
    return realize(dev);
}

static DeviceState *mswi_create(void)
{
    return swi_create_kind(false);
}

static DeviceState *sswi_create(void)
{
    return swi_create_kind(true);
}

static void mswi_check(Ctx *c)
{
    for (int i = 0; i < NHARTS; i++) {
        uint64_t msip = rd(c, 4 * i, 4);

        FUZZ_CHECK(msip <= 1, "MSWI: msip[%d] reads 0x%llx", i, (unsigned long long)msip);
        FUZZ_CHECK(c->out[i] == -1 ? !msip : c->out[i] == (int)msip, "MSWI: line %d, msip %d", i,
                   (int)msip);
    }
}

static void sswi_check(Ctx *c)
{
    for (int i = 0; i < NHARTS; i++) {
        FUZZ_CHECK(rd(c, 4 * i, 4) == 0, "SSWI: setssip[%d] does not read 0", i);
    }
}

/* ---- sifive_test, goldfish RTC: no crash, guarded sizes; the RTC alarm status is a bit ---- */

static DeviceState *sifive_test_create(void)
{
    return realize(qdev_new(TYPE_SIFIVE_TEST));
}

static DeviceState *rtc_create(void)
{
    return realize(qdev_new(TYPE_GOLDFISH_RTC));
}

static void rtc_check(Ctx *c)
{
    FUZZ_CHECK(rd(c, 0x18, 4) <= 1, "goldfish RTC: ALARM_STATUS is not 0/1");
}

/* ---- virtio-mmio, version 2 and legacy version 1: identity registers never change ---- */

static DeviceState *virtio_transports[2]; /* [0] version 1, [1] version 2 */

static DeviceState *virtio_create_version(int version)
{
    DeviceState **slot = &virtio_transports[version - 1];

    if (!*slot) {
        DeviceState *rng = realize(qdev_new(TYPE_VIRTIO_RNG));
        DeviceState *t = qdev_new(TYPE_VIRTIO_MMIO);

        FUZZ_CHECK(object_property_set_bool(OBJECT(t), "force-legacy", version == 1, NULL),
                   "force-legacy");
        *slot = realize(t);
        sysbus_mmio_map(SYS_BUS_DEVICE(t), 0, VIRTIO_MMIO_BASE + 0x1000 * (version - 1));
        FUZZ_CHECK(virtio_mmio_plug(t, rng, NULL), "virtio-rng plug");
    }
    return *slot;
}

static DeviceState *virtio_create(void)
{
    return virtio_create_version(2);
}

static DeviceState *virtio_legacy_create(void)
{
    return virtio_create_version(1);
}

static void virtio_check(Ctx *c)
{
    uint64_t version = c->dev == virtio_transports[0] ? 1 : 2;

    FUZZ_CHECK(rd(c, 0x000, 4) == 0x74726976, "virtio-mmio: magic changed");
    FUZZ_CHECK(rd(c, 0x004, 4) == version, "virtio-mmio: version changed");
    FUZZ_CHECK(rd(c, 0x008, 4) == 4, "virtio-mmio: device id changed");
}

static const Target targets[] = {
    {"16550", serial_create, 1, true, 0, serial_before, serial_after, NULL},
    {"plic", plic_create, PLIC_CONTEXTS, false, MAX_LINES, plic_before, plic_after, plic_check},
    {"aclint-mtimer", mtimer_create, NHARTS, false, 0, NULL, NULL, mtimer_check},
    {"aclint-mswi", mswi_create, NHARTS, false, 0, NULL, NULL, mswi_check},
    {"aclint-sswi", sswi_create, NHARTS, false, 0, NULL, NULL, sswi_check},
    {"sifive_test", sifive_test_create, 0, false, 0, NULL, NULL, NULL},
    {"goldfish_rtc", rtc_create, 1, true, 0, NULL, NULL, rtc_check},
    {"virtio-mmio", virtio_create, 0, false, 0, NULL, NULL, virtio_check},
    {"virtio-mmio-legacy", virtio_legacy_create, 0, false, 0, NULL, NULL, virtio_check},
};

static void run_op(Ctx *c, uint8_t kind, uint32_t off32, uint64_t v)
{
    unsigned size = 1u << ((kind >> 1) & 3);
    bool write = kind & 1;
    hwaddr off = off32 % (c->mr->size + 16);

    if (((kind >> 3) & 7) == 7) {
        if (c->t->nin) {
            irq_set(qdev_get_gpio_in(c->dev, 1 + off32 % c->t->nin), v & 1);
        }
        return;
    }
    if (c->t->before) {
        c->t->before(c, off, size, write);
    }
    if (write) {
        memory_region_dispatch_write(c->mr, off, v, size);
    } else {
        uint64_t got = 0;

        if (memory_region_dispatch_read(c->mr, off, &got, size) == MEMTX_OK) {
            FUZZ_CHECK(size == 8 || got >> (8 * size) == 0, "%s: read wider than its size",
                       c->t->name);
            if (c->t->after) {
                c->t->after(c, off, size, write, got);
            }
        }
    }
}

/* Each device is created once, its lines recorded into a Ctx of its own; inputs start from
 * device_reset (for virtio-mmio, a driver reset: status 0), so an input is replayable alone. */
static Ctx *ctx_for(const Target *t)
{
    static Ctx *ctxs[ARRAY_SIZE(targets)];
    Ctx **slot = &ctxs[t - targets];
    Ctx *c = *slot;

    if (c) {
        return c;
    }
    c = *slot = calloc(1, sizeof(*c));
    c->t = t;
    c->dev = t->create();
    for (int i = 0; i < t->nout; i++) {
        c->out_irq[i] = irq_new(record_line, c, i);
        if (t->sysbus_irq) {
            sysbus_connect_irq(SYS_BUS_DEVICE(c->dev), i, c->out_irq[i]);
        } else {
            qdev_connect_gpio_out(c->dev, i, c->out_irq[i]);
        }
    }
    c->mr = sysbus_mmio_get_region(SYS_BUS_DEVICE(c->dev), 0);
    fuzz_guard_install(c->mr);
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzIn in = {data, size};
    Ctx *c;

    clock_virtual_stop(); /* mtime stands still, so every check is deterministic */
    c = ctx_for(&targets[fuzz_u8(&in) % ARRAY_SIZE(targets)]);
    for (int i = 0; i < MAX_LINES; i++) {
        c->out[i] = -1;
    }
    for (int i = 1; i <= c->t->nin; i++) {
        irq_set(qdev_get_gpio_in(c->dev, i), 0);
    }
    device_reset(c->dev);
    if (c->dev == virtio_transports[0] || c->dev == virtio_transports[1]) {
        memory_region_dispatch_write(c->mr, 0x70, 0, 4);
    }
    while (in.left) {
        uint8_t kind = fuzz_u8(&in);
        uint32_t off = fuzz_u32(&in);

        run_op(c, kind, off, fuzz_u64(&in));
        if (c->t->check) {
            c->t->check(c);
        }
    }
    return 0;
}
