/*
 * RISC-V ACLINT: MSWI, SSWI and MTIMER devices; the SiFive CLINT is an MSWI
 * and an MTIMER side by side.
 *
 * Spec: RISC-V Advanced Core Local Interruptor Specification v1.0-rc4;
 * SiFive FU540-C000 Manual v1p4, chapter 9 (CLINT).
 *
 * MSWI (machine software interrupts), 0x4000 bytes:
 *   0x0000 + 4*i  msip[i]     bit 0 = MIP.MSIP of hart hartid_base+i (read/write)
 * SSWI (supervisor software interrupts), 0x4000 bytes:
 *   0x0000 + 4*i  setssip[i]  writing 1 sets MIP.SSIP of hart i; reads 0
 * MTIMER (machine timer), aperture-size bytes (0x8000 on virt):
 *   timecmp-base + 8*i  mtimecmp[i]   MIP.MTIP of hart i = (mtime >= mtimecmp[i])
 *   time-base           mtime         64-bit counter at timebase-freq
 * All registers take naturally aligned 32-bit accesses, the MTIMER's also
 * 64-bit ones.
 *
 * mtime is derived from CLOCK_VIRTUAL (so it stops while the VM is paused)
 * plus an offset that guest writes to mtime adjust. Each hart's MTIP is
 * re-evaluated when its mtimecmp or mtime is written, and a Timer armed for the
 * deadline raises it on time, with no polling.
 */
#include <inttypes.h>
#include <libfdt.h>
#include <stdatomic.h>

#include "hw/intc/riscv_aclint.h"
#include "migration/vmstate.h"
#include "system/device_tree.h"
#include "target/riscv/cpu_bits.h" /* the interrupt numbers of the device-tree nodes */
#include "util/log.h"
#include "util/timer.h"

/* A 4- or 8-byte access at byte offset off (0 or 4) within a 64-bit register. */
static uint64_t reg64_read(uint64_t reg, unsigned off, unsigned size)
{
    return size == 8 ? reg : extract64(reg, off * 8, 32);
}

static uint64_t reg64_write(uint64_t reg, unsigned off, unsigned size, uint64_t data)
{
    return size == 8 ? data : deposit64(reg, off * 8, 32, data);
}

/* ======================= MSWI / SSWI ======================= */

typedef struct RISCVAclintSwiState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    /* properties */
    uint32_t hartid_base;
    uint32_t num_harts;
    bool sswi;
    bool sifive_clint;
    /* state */
    uint8_t *msip;        /* MSWI: bit 0 of each msip register */
    IRQState **soft_irqs; /* out: MSIP (or SSIP) of each hart */
} RISCVAclintSwiState;

#define RISCV_ACLINT_SWI(obj) OBJECT_CHECK(RISCVAclintSwiState, (obj), TYPE_RISCV_ACLINT_SWI)

static int aclint_swi_hart(RISCVAclintSwiState *s, hwaddr addr, const char *what)
{
    if (addr / 4 >= s->num_harts) {
        log_mask(LOG_GUEST_ERROR, "aclint-%s: %s at bad offset 0x%" PRIx64 "\n",
                 s->sswi ? "sswi" : "mswi", what, addr);
        return -1;
    }
    return addr / 4;
}

static uint64_t aclint_swi_read(void *opaque, hwaddr addr, unsigned size)
{
    RISCVAclintSwiState *s = opaque;
    int i = aclint_swi_hart(s, addr, "read");

    /* setssip registers always read as zero. */
    return (i < 0 || s->sswi) ? 0 : s->msip[i];
}

static void aclint_swi_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RISCVAclintSwiState *s = opaque;
    int i = aclint_swi_hart(s, addr, "write");

    if (i < 0) {
        return;
    }
    if (s->sswi) {
        /* Edge semantics: writing 1 sets SSIP, which the hart then clears itself. */
        if (data & 1) {
            irq_raise(s->soft_irqs[i]);
        }
        return;
    }
    s->msip[i] = data & 1;
    irq_set(s->soft_irqs[i], s->msip[i]);
}

static const MemoryRegionOps aclint_swi_ops = {
    .read = aclint_swi_read,
    .write = aclint_swi_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

static bool aclint_check_harts(uint32_t hartid_base, uint32_t num_harts, Error **errp)
{
    if (num_harts == 0 || num_harts > RISCV_ACLINT_MAX_HARTS) {
        error_setg(errp, "aclint: num-harts %u is out of range (1..%u)", num_harts,
                   RISCV_ACLINT_MAX_HARTS);
        return false;
    }
    if (hartid_base + (uint64_t)num_harts > UINT32_MAX) {
        error_setg(errp, "aclint: hartid-base %u is out of range", hartid_base);
        return false;
    }
    return true;
}

static bool aclint_swi_realize(DeviceState *dev, Error **errp)
{
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(dev);

    if (!aclint_check_harts(s->hartid_base, s->num_harts, errp)) {
        return false;
    }
    s->msip = xnew0(uint8_t, s->num_harts);
    s->soft_irqs = xnew0(IRQState *, s->num_harts);
    qdev_init_gpio_out(dev, s->soft_irqs, s->num_harts);
    memory_region_init_io(&s->mmio, &aclint_swi_ops, s,
                          s->sswi ? "riscv.aclint.sswi" : "riscv.aclint.mswi",
                          RISCV_ACLINT_SWI_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

static void aclint_swi_reset(DeviceState *dev)
{
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(dev);

    /* SSIP belongs to the hart once set; only the MSWI owns a level to drop. */
    if (s->sswi) {
        return;
    }
    for (uint32_t i = 0; i < s->num_harts; i++) {
        s->msip[i] = 0;
        irq_lower(s->soft_irqs[i]);
    }
}

static void aclint_swi_finalize(Object *obj)
{
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(obj);

    free(s->soft_irqs);
    free(s->msip);
}

/* ======================= MTIMER ======================= */

typedef struct RISCVAclintMTimerState RISCVAclintMTimerState;

typedef struct MTimerHart {
    RISCVAclintMTimerState *s;
    uint32_t index;
    uint64_t timecmp;
    Timer *timer; /* armed for the moment mtime reaches timecmp */
} MTimerHart;

struct RISCVAclintMTimerState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    /* properties */
    uint32_t hartid_base;
    uint32_t num_harts;
    uint64_t aperture_size;
    uint32_t timecmp_base;
    uint32_t time_base;
    uint32_t timebase_freq;
    bool provide_rdtime;
    bool sifive_clint;
    /* state: mtime = ticks of CLOCK_VIRTUAL + time_delta (read by vCPU threads) */
    _Atomic uint64_t time_delta;
    MTimerHart *harts;
    IRQState **timer_irqs; /* out: MTIP of each hart */
};

#define RISCV_ACLINT_MTIMER(obj)                                                                   \
    OBJECT_CHECK(RISCVAclintMTimerState, (obj), TYPE_RISCV_ACLINT_MTIMER)

/* CLOCK_VIRTUAL, never negative (its very first reading may be, by a few ns). */
static int64_t mtimer_now_ns(void)
{
    return MAX(clock_get_ns(CLOCK_VIRTUAL), 0);
}

static uint64_t mtimer_ticks(RISCVAclintMTimerState *s, int64_t ns)
{
    return muldiv64(ns, s->timebase_freq, NANOSECONDS_PER_SECOND);
}

static uint64_t mtimer_time(RISCVAclintMTimerState *s)
{
    return mtimer_ticks(s, mtimer_now_ns()) + atomic_load(&s->time_delta);
}

/* The harts' time source (the board sets it): vCPU threads, no BQL, hence the atomic. */
uint64_t riscv_aclint_mtimer_time(void *mtimer)
{
    return mtimer_time(mtimer); /* the board passes the MTIMER itself: no type check here */
}

/* Set MTIP of one hart from mtime vs mtimecmp; if not yet due, arm its timer. */
static void mtimer_update_hart(RISCVAclintMTimerState *s, MTimerHart *h)
{
    int64_t now_ns = mtimer_now_ns();
    uint64_t mtime = mtimer_ticks(s, now_ns) + atomic_load(&s->time_delta);
    unsigned __int128 wait_ns;

    if (mtime >= h->timecmp) {
        timer_del(h->timer);
        irq_raise(s->timer_irqs[h->index]);
        return;
    }
    irq_lower(s->timer_irqs[h->index]);
    /* Round up so mtime has reached timecmp when the timer fires. */
    wait_ns =
        ((unsigned __int128)(h->timecmp - mtime) * NANOSECONDS_PER_SECOND + s->timebase_freq - 1) /
        s->timebase_freq;
    if (wait_ns > (unsigned __int128)(INT64_MAX - now_ns)) {
        /* Beyond the end of our clock (e.g. mtimecmp = -1 to disable): never fires. */
        timer_del(h->timer);
        return;
    }
    timer_mod_ns(h->timer, now_ns + (int64_t)wait_ns);
}

static void mtimer_timer_cb(void *opaque)
{
    MTimerHart *h = opaque;

    mtimer_update_hart(h->s, h);
}

static void mtimer_update_all(RISCVAclintMTimerState *s)
{
    for (uint32_t i = 0; i < s->num_harts; i++) {
        mtimer_update_hart(s, &s->harts[i]);
    }
}

static void mtimer_set_time(RISCVAclintMTimerState *s, uint64_t mtime)
{
    atomic_store(&s->time_delta, mtime - mtimer_ticks(s, mtimer_now_ns()));
    mtimer_update_all(s);
}

/* The hart whose mtimecmp covers addr, or NULL. */
static MTimerHart *mtimer_cmp_hart(RISCVAclintMTimerState *s, hwaddr addr)
{
    if (addr < s->timecmp_base || addr - s->timecmp_base >= 8ULL * s->num_harts) {
        return NULL;
    }
    return &s->harts[(addr - s->timecmp_base) / 8];
}

static bool mtimer_is_time(RISCVAclintMTimerState *s, hwaddr addr)
{
    return addr >= s->time_base && addr - s->time_base < 8;
}

static uint64_t mtimer_read(void *opaque, hwaddr addr, unsigned size)
{
    RISCVAclintMTimerState *s = opaque;
    MTimerHart *h = mtimer_cmp_hart(s, addr);

    if (h) {
        return reg64_read(h->timecmp, addr & 7, size);
    }
    if (mtimer_is_time(s, addr)) {
        return reg64_read(mtimer_time(s), addr & 7, size);
    }
    log_mask(LOG_GUEST_ERROR, "aclint-mtimer: read at bad offset 0x%" PRIx64 "\n", addr);
    return 0;
}

static void mtimer_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RISCVAclintMTimerState *s = opaque;
    MTimerHart *h = mtimer_cmp_hart(s, addr);

    if (h) {
        h->timecmp = reg64_write(h->timecmp, addr & 7, size, data);
        mtimer_update_hart(s, h);
    } else if (mtimer_is_time(s, addr)) {
        mtimer_set_time(s, reg64_write(mtimer_time(s), addr & 7, size, data));
    } else {
        log_mask(LOG_GUEST_ERROR, "aclint-mtimer: write at bad offset 0x%" PRIx64 "\n", addr);
    }
}

static const MemoryRegionOps aclint_mtimer_ops = {
    .read = mtimer_read,
    .write = mtimer_write,
    .valid = {.min_access_size = 4, .max_access_size = 8},
    .impl = {.min_access_size = 4, .max_access_size = 8},
};

static bool mtimer_check_props(RISCVAclintMTimerState *s, Error **errp)
{
    if (!aclint_check_harts(s->hartid_base, s->num_harts, errp)) {
        return false;
    }
    if (s->timebase_freq == 0) {
        error_setg(errp, "aclint-mtimer: timebase-freq must not be 0");
        return false;
    }
    if ((s->timecmp_base | s->time_base) & 7 ||
        s->timecmp_base + 8ULL * s->num_harts > s->aperture_size ||
        s->time_base + 8ULL > s->aperture_size) {
        error_setg(errp, "aclint-mtimer: registers do not fit the 0x%" PRIx64 " aperture",
                   s->aperture_size);
        return false;
    }
    return true;
}

static bool aclint_mtimer_realize(DeviceState *dev, Error **errp)
{
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(dev);

    if (!mtimer_check_props(s, errp)) {
        return false;
    }
    s->harts = xnew0(MTimerHart, s->num_harts);
    for (uint32_t i = 0; i < s->num_harts; i++) {
        s->harts[i].s = s;
        s->harts[i].index = i;
        s->harts[i].timecmp = UINT64_MAX;
        s->harts[i].timer = timer_new_ns(CLOCK_VIRTUAL, mtimer_timer_cb, &s->harts[i]);
    }
    s->timer_irqs = xnew0(IRQState *, s->num_harts);
    qdev_init_gpio_out(dev, s->timer_irqs, s->num_harts);
    memory_region_init_io(&s->mmio, &aclint_mtimer_ops, s, "riscv.aclint.mtimer", s->aperture_size);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

/* On reset mtime restarts from 0 and no compare is armed (spec: mtimecmp is undefined). */
static void aclint_mtimer_reset(DeviceState *dev)
{
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(dev);

    for (uint32_t i = 0; i < s->num_harts; i++) {
        s->harts[i].timecmp = UINT64_MAX;
    }
    mtimer_set_time(s, 0);
}

static void aclint_mtimer_finalize(Object *obj)
{
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(obj);

    for (uint32_t i = 0; s->harts && i < s->num_harts; i++) {
        timer_free(s->harts[i].timer);
    }
    free(s->timer_irqs);
    free(s->harts);
}

/* ======================= device tree ======================= */

/* Add "<prefix>@<addr>" under the parent with its compatible list. Returns the node or -err. */
static int aclint_fdt_node(const DeviceFDTContext *ctx, const char *prefix, hwaddr addr,
                           const char *compat, size_t compat_len, char *name, size_t name_len)
{
    int node = sysbus_fdt_parent(ctx);
    int err;

    snprintf(name, name_len, "%s@%" PRIx64, prefix, addr);
    if (node < 0) {
        return node;
    }
    node = dt_add_subnode(ctx->fdt, node, name);
    if (node < 0) {
        return node;
    }
    err = dt_setprop(ctx->fdt, node, "compatible", compat, compat_len);
    return err ? err : node;
}

/* "reg" made of (address, size) pairs, two cells each. */
static int aclint_fdt_reg(const DeviceFDTContext *ctx, int node, const uint64_t *pairs, int n)
{
    uint32_t cells[8];

    for (int i = 0; i < n * 2; i++) {
        cells[2 * i] = cpu_to_fdt32(pairs[i] >> 32);
        cells[2 * i + 1] = cpu_to_fdt32(pairs[i]);
    }
    return dt_setprop(ctx->fdt, node, "reg", cells, n * 4 * sizeof(uint32_t));
}

/* "interrupts-extended": for each hart, <&cpuN-intc irq> for each irq in order. */
static int aclint_fdt_irqs(const DeviceFDTContext *ctx, int node, const uint32_t *irqs, int nirqs)
{
    size_t ncells = (size_t)ctx->num_harts * nirqs * 2;
    uint32_t *cells = xnew0(uint32_t, ncells ? ncells : 1);
    size_t c = 0;
    int err;

    for (int h = 0; h < ctx->num_harts; h++) {
        for (int k = 0; k < nirqs; k++) {
            cells[c++] = cpu_to_fdt32(ctx->hart_intc_phandles[h]);
            cells[c++] = cpu_to_fdt32(irqs[k]);
        }
    }
    err = dt_setprop(ctx->fdt, node, "interrupts-extended", cells, ncells * sizeof(uint32_t));
    free(cells);
    return err;
}

static bool aclint_fdt_result(int err, const char *name, Error **errp)
{
    if (err < 0) {
        error_setg(errp, "aclint: device tree node %s: %s", name, fdt_strerror(err));
        return false;
    }
    return true;
}

static bool aclint_swi_fdt_clint(const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "sifive,clint0\0riscv,clint0";
    static const uint32_t irqs[] = {IRQ_M_SOFT, IRQ_M_TIMER};
    const uint64_t reg[] = {ctx->base, RISCV_SIFIVE_CLINT_SIZE};
    char name[40];
    int node = aclint_fdt_node(ctx, "clint", ctx->base, compat, sizeof(compat), name, sizeof(name));
    int err = node < 0 ? node : 0;

    err = err ?: aclint_fdt_reg(ctx, node, reg, 1);
    err = err ?: aclint_fdt_irqs(ctx, node, irqs, 2);
    return aclint_fdt_result(err, name, errp);
}

static bool aclint_swi_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char mswi_compat[] = "riscv,aclint-mswi";
    static const char sswi_compat[] = "riscv,aclint-sswi";
    RISCVAclintSwiState *s = RISCV_ACLINT_SWI(dev);
    const uint32_t irq = s->sswi ? IRQ_S_SOFT : IRQ_M_SOFT;
    const uint64_t reg[] = {ctx->base, RISCV_ACLINT_SWI_SIZE};
    char name[40];
    int node, err;

    if (s->sifive_clint) {
        return aclint_swi_fdt_clint(ctx, errp);
    }
    node = aclint_fdt_node(ctx, s->sswi ? "sswi" : "mswi", ctx->base,
                           s->sswi ? sswi_compat : mswi_compat,
                           s->sswi ? sizeof(sswi_compat) : sizeof(mswi_compat), name, sizeof(name));
    err = node < 0 ? node : 0;
    err = err ?: aclint_fdt_reg(ctx, node, reg, 1);
    err = err ?: aclint_fdt_irqs(ctx, node, &irq, 1);
    err = err ?: dt_setprop_empty(ctx->fdt, node, "interrupt-controller");
    err = err ?: dt_setprop_u32(ctx->fdt, node, "#interrupt-cells", 0);
    return aclint_fdt_result(err, name, errp);
}

/*
 * QEMU's virt describes the mtime range as running to the end of the window
 * left for the MTIMER after the MSWI in a CLINT-sized slot (0xc000 bytes).
 */
static uint64_t mtimer_fdt_window(RISCVAclintMTimerState *s)
{
    return MAX(s->aperture_size, RISCV_SIFIVE_CLINT_SIZE - RISCV_ACLINT_SWI_SIZE);
}

static bool aclint_mtimer_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "riscv,aclint-mtimer";
    static const uint32_t irq = IRQ_M_TIMER;
    RISCVAclintMTimerState *s = RISCV_ACLINT_MTIMER(dev);
    const uint64_t reg[] = {ctx->base + s->time_base, mtimer_fdt_window(s) - s->time_base,
                            ctx->base + s->timecmp_base, s->time_base};
    char name[40];
    int node, err;

    /* Part of a SiFive CLINT: the MSWI's clint node already describes us. */
    if (s->sifive_clint) {
        return true;
    }
    node = aclint_fdt_node(ctx, "mtimer", ctx->base, compat, sizeof(compat), name, sizeof(name));
    err = node < 0 ? node : 0;
    err = err ?: aclint_fdt_reg(ctx, node, reg, 2);
    err = err ?: aclint_fdt_irqs(ctx, node, &irq, 1);
    return aclint_fdt_result(err, name, errp);
}

/* ======================= properties and types ======================= */

static const Property aclint_swi_properties[] = {
    DEFINE_PROP_UINT32("hartid-base", RISCVAclintSwiState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-harts", RISCVAclintSwiState, num_harts, 1),
    DEFINE_PROP_BOOL("sswi", RISCVAclintSwiState, sswi, false),
    DEFINE_PROP_BOOL("sifive-clint", RISCVAclintSwiState, sifive_clint, false),
    DEFINE_PROP_END,
};

static const Property aclint_mtimer_properties[] = {
    DEFINE_PROP_UINT32("hartid-base", RISCVAclintMTimerState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-harts", RISCVAclintMTimerState, num_harts, 1),
    DEFINE_PROP_SIZE("aperture-size", RISCVAclintMTimerState, aperture_size,
                     RISCV_ACLINT_DEFAULT_MTIMER_SIZE),
    DEFINE_PROP_UINT32("timecmp-base", RISCVAclintMTimerState, timecmp_base,
                       RISCV_ACLINT_DEFAULT_MTIMECMP),
    DEFINE_PROP_UINT32("time-base", RISCVAclintMTimerState, time_base, RISCV_ACLINT_DEFAULT_MTIME),
    DEFINE_PROP_UINT32("timebase-freq", RISCVAclintMTimerState, timebase_freq,
                       RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ),
    DEFINE_PROP_BOOL("provide-rdtime", RISCVAclintMTimerState, provide_rdtime, true),
    DEFINE_PROP_BOOL("sifive-clint", RISCVAclintMTimerState, sifive_clint, false),
    DEFINE_PROP_END,
};

/* ---- machine state (savevm) ---- */

static const VMStateDescription vmstate_aclint_swi = {
    .name = "riscv-aclint-swi",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]){VMSTATE_UINT8_VARRAY_PTR(msip, RISCVAclintSwiState, num_harts),
                                     VMSTATE_END_OF_LIST()},
};

/* Each compare is armed as an absolute CLOCK_VIRTUAL deadline, which loadvm restores too. */
static const VMStateDescription vmstate_mtimer_hart = {
    .name = "riscv-aclint-mtimer-hart",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]){VMSTATE_UINT64(timecmp, MTimerHart),
                                     VMSTATE_TIMER_PTR(timer, MTimerHart), VMSTATE_END_OF_LIST()},
};

static const VMStateDescription vmstate_aclint_mtimer = {
    .name = "riscv-aclint-mtimer",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT64(time_delta, RISCVAclintMTimerState),
            VMSTATE_STRUCT_VARRAY_PTR(harts, RISCVAclintMTimerState, num_harts, vmstate_mtimer_hart,
                                      MTimerHart),
            VMSTATE_END_OF_LIST(),
        },
};

static void aclint_swi_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "RISC-V ACLINT software interrupt device (MSWI/SSWI)";
    dc->realize = aclint_swi_realize;
    dc->reset = aclint_swi_reset;
    dc->fdt_populate = aclint_swi_fdt_populate;
    dc->vmsd = &vmstate_aclint_swi;
    object_class_add_props(oc, aclint_swi_properties);
}

static void aclint_mtimer_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "RISC-V ACLINT machine timer (MTIMER)";
    dc->realize = aclint_mtimer_realize;
    dc->reset = aclint_mtimer_reset;
    dc->fdt_populate = aclint_mtimer_fdt_populate;
    dc->vmsd = &vmstate_aclint_mtimer;
    object_class_add_props(oc, aclint_mtimer_properties);
}

static const TypeInfo aclint_swi_info = {
    .name = TYPE_RISCV_ACLINT_SWI,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RISCVAclintSwiState),
    .class_init = aclint_swi_class_init,
    .instance_finalize = aclint_swi_finalize,
};

static const TypeInfo aclint_mtimer_info = {
    .name = TYPE_RISCV_ACLINT_MTIMER,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RISCVAclintMTimerState),
    .class_init = aclint_mtimer_class_init,
    .instance_finalize = aclint_mtimer_finalize,
};

static void aclint_register_types(void)
{
    type_register_static(&aclint_swi_info);
    type_register_static(&aclint_mtimer_info);
}

type_init(aclint_register_types)

/* ======================= board helpers ======================= */

static DeviceState *aclint_swi_new(uint32_t hartid_base, uint32_t num_harts, bool sswi,
                                   bool sifive_clint, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_SWI);
    Object *obj = OBJECT(dev);

    if (!object_property_set_int(obj, "hartid-base", hartid_base, errp) ||
        !object_property_set_int(obj, "num-harts", num_harts, errp) ||
        !object_property_set_bool(obj, "sswi", sswi, errp) ||
        !object_property_set_bool(obj, "sifive-clint", sifive_clint, errp)) {
        object_unref(obj);
        return NULL;
    }
    return dev;
}

/* Realize and map a device from the *_new helpers (NULL passes through). */
static DeviceState *aclint_realize_map(DeviceState *dev, hwaddr addr, Error **errp)
{
    if (!dev || !qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
    return dev;
}

DeviceState *riscv_aclint_swi_create(hwaddr addr, uint32_t hartid_base, uint32_t num_harts,
                                     bool sswi, Error **errp)
{
    return aclint_realize_map(aclint_swi_new(hartid_base, num_harts, sswi, false, errp), addr,
                              errp);
}

static DeviceState *aclint_mtimer_new(hwaddr size, uint32_t hartid_base, uint32_t num_harts,
                                      uint32_t timecmp_base, uint32_t time_base,
                                      uint32_t timebase_freq, bool provide_rdtime,
                                      bool sifive_clint, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_ACLINT_MTIMER);
    Object *obj = OBJECT(dev);

    if (!object_property_set_int(obj, "hartid-base", hartid_base, errp) ||
        !object_property_set_int(obj, "num-harts", num_harts, errp) ||
        !object_property_set_int(obj, "aperture-size", size, errp) ||
        !object_property_set_int(obj, "timecmp-base", timecmp_base, errp) ||
        !object_property_set_int(obj, "time-base", time_base, errp) ||
        !object_property_set_int(obj, "timebase-freq", timebase_freq, errp) ||
        !object_property_set_bool(obj, "provide-rdtime", provide_rdtime, errp) ||
        !object_property_set_bool(obj, "sifive-clint", sifive_clint, errp)) {
        object_unref(obj);
        return NULL;
    }
    return dev;
}

DeviceState *riscv_aclint_mtimer_create(hwaddr addr, hwaddr size, uint32_t hartid_base,
                                        uint32_t num_harts, uint32_t timecmp_base,
                                        uint32_t time_base, uint32_t timebase_freq,
                                        bool provide_rdtime, Error **errp)
{
    return aclint_realize_map(aclint_mtimer_new(size, hartid_base, num_harts, timecmp_base,
                                                time_base, timebase_freq, provide_rdtime, false,
                                                errp),
                              addr, errp);
}

DeviceState *riscv_aclint_create_clint(hwaddr base, uint32_t hartid_base, uint32_t num_harts,
                                       DeviceState **mtimer_out, Error **errp)
{
    DeviceState *mtimer = aclint_mtimer_new(
        RISCV_ACLINT_DEFAULT_MTIMER_SIZE, hartid_base, num_harts, RISCV_ACLINT_DEFAULT_MTIMECMP,
        RISCV_ACLINT_DEFAULT_MTIME, RISCV_ACLINT_DEFAULT_TIMEBASE_FREQ, true, true, errp);

    if (!aclint_realize_map(mtimer, base + RISCV_ACLINT_SWI_SIZE, errp)) {
        return NULL;
    }
    *mtimer_out = mtimer;
    return aclint_realize_map(aclint_swi_new(hartid_base, num_harts, false, true, errp), base,
                              errp);
}
