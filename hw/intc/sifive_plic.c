/*
 * SiFive PLIC: platform-level interrupt controller.
 *
 * Spec: RISC-V Platform-Level Interrupt Controller Specification v1.0.0;
 * SiFive FU540-C000 Manual v1p4, chapter 10. Register map (all 32-bit):
 *
 *   0x000000 + 4*id                 priority of source id (source 0 reads 0)
 *   0x001000 + 4*w                  pending bits of sources 32w..32w+31 (read-only)
 *   0x002000 + 0x80*ctx + 4*w       enable bits of context ctx
 *   0x200000 + 0x1000*ctx           priority threshold of context ctx
 *   0x200004 + 0x1000*ctx           claim (read) / complete (write) of context ctx
 *
 * Each hart has an M-mode context (2*i) and an S-mode context (2*i+1), as
 * QEMU virt's "MS" hart configuration. Sources are level-triggered: the
 * gateway sets a source pending while its line is high, a claim clears the
 * pending bit and holds the source back until the completion, after which a
 * line still high makes it pending again. A line dropping before the claim
 * withdraws the request. A context's output is high when some pending source
 * it enables has a priority above its threshold.
 */
#include <inttypes.h>
#include <libfdt.h>

#include "hw/intc/sifive_plic.h"
#include "migration/vmstate.h"
#include "system/device_tree.h"
#include "target/riscv/cpu_bits.h"
#include "util/log.h"

typedef struct SiFivePLICState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    /* properties */
    uint32_t hartid_base;
    uint32_t num_harts;
    uint32_t num_sources;
    uint32_t num_priorities;
    uint64_t aperture_size;
    /* geometry */
    uint32_t num_words; /* 32-bit words of a source bitmap */
    uint32_t num_contexts;
    /* gateways and core */
    uint32_t *priority;  /* per source */
    uint32_t *level;     /* bitmap: input line high */
    uint32_t *pending;   /* bitmap */
    uint32_t *claimed;   /* bitmap: claimed, not yet completed */
    uint32_t *enable;    /* num_contexts bitmaps */
    uint32_t *threshold; /* per context */
    IRQState **outputs;  /* per context: MEIP/SEIP of its hart */
    bool *output_level;  /* what each output was last driven to */
    uint64_t *irq_count; /* per source: times its line went high ("info irq") */
} SiFivePLICState;

#define SIFIVE_PLIC(obj) OBJECT_CHECK(SiFivePLICState, (obj), TYPE_SIFIVE_PLIC)

static bool bit_test(const uint32_t *map, uint32_t n)
{
    return map[n / 32] & (1u << (n % 32));
}

static void bit_assign(uint32_t *map, uint32_t n, bool v)
{
    if (v) {
        map[n / 32] |= 1u << (n % 32);
    } else {
        map[n / 32] &= ~(1u << (n % 32));
    }
}

static uint32_t *plic_enables(SiFivePLICState *s, uint32_t ctx)
{
    return &s->enable[ctx * s->num_words];
}

/* ---- core: arbitration ---- */

/* The pending enabled source of highest priority above the threshold (lowest id on ties). */
static uint32_t plic_best_source(SiFivePLICState *s, uint32_t ctx)
{
    const uint32_t *en = plic_enables(s, ctx);
    uint32_t best = 0, best_prio = s->threshold[ctx];

    for (uint32_t w = 0; w < s->num_words; w++) {
        uint32_t bits = s->pending[w] & en[w];

        while (bits) {
            uint32_t id = w * 32 + __builtin_ctz(bits);

            if (s->priority[id] > best_prio) {
                best = id;
                best_prio = s->priority[id];
            }
            bits &= bits - 1;
        }
    }
    return best;
}

/* Drive the outputs that changed (all if force): each drive is an atomic update of a mip. */
static void plic_drive_outputs(SiFivePLICState *s, bool force)
{
    for (uint32_t ctx = 0; ctx < s->num_contexts; ctx++) {
        bool level = plic_best_source(s, ctx) != 0;

        if (force || level != s->output_level[ctx]) {
            s->output_level[ctx] = level;
            irq_set(s->outputs[ctx], level);
        }
    }
}

static void plic_update(SiFivePLICState *s)
{
    plic_drive_outputs(s, false);
}

static uint32_t plic_claim(SiFivePLICState *s, uint32_t ctx)
{
    uint32_t id = plic_best_source(s, ctx);

    if (id) {
        bit_assign(s->pending, id, false);
        bit_assign(s->claimed, id, true);
        plic_update(s);
    }
    return id;
}

static void plic_complete(SiFivePLICState *s, uint32_t ctx, uint32_t id)
{
    /* The spec ignores completions for sources the context does not enable. */
    if (id == 0 || id >= s->num_sources || !bit_test(plic_enables(s, ctx), id)) {
        log_mask(LOG_GUEST_ERROR, "plic: context %u completes invalid source %u\n", ctx, id);
        return;
    }
    bit_assign(s->claimed, id, false);
    if (bit_test(s->level, id)) {
        bit_assign(s->pending, id, true);
    }
    plic_update(s);
}

/* ---- gateways: input lines ---- */

static void plic_irq_request(void *opaque, int n, int level)
{
    SiFivePLICState *s = SIFIVE_PLIC(opaque);
    uint32_t id = n;

    /* Devices re-drive their line on every register access: only changes matter. */
    if (id == 0 || id >= s->num_sources || bit_test(s->level, id) == (level != 0)) {
        return;
    }
    bit_assign(s->level, id, level);
    s->irq_count[id] += level != 0;
    if (!bit_test(s->claimed, id)) {
        bit_assign(s->pending, id, level);
    }
    plic_update(s);
}

/* ---- MMIO ---- */

static void plic_bad_access(hwaddr addr, const char *what)
{
    log_mask(LOG_GUEST_ERROR, "plic: %s at bad offset 0x%" PRIx64 "\n", what, addr);
}

/* The enable word index at addr (its context in *ctx), or -1 if addr is not one. */
static int64_t plic_enable_word(SiFivePLICState *s, hwaddr addr, uint32_t *ctx)
{
    hwaddr off = addr - SIFIVE_PLIC_ENABLE_BASE;

    if (addr < SIFIVE_PLIC_ENABLE_BASE ||
        off >= (hwaddr)s->num_contexts * SIFIVE_PLIC_ENABLE_STRIDE ||
        (off % SIFIVE_PLIC_ENABLE_STRIDE) / 4 >= s->num_words) {
        return -1;
    }
    *ctx = off / SIFIVE_PLIC_ENABLE_STRIDE;
    return (off % SIFIVE_PLIC_ENABLE_STRIDE) / 4;
}

/* The register offset (0 threshold, 4 claim) at addr (context in *ctx), or -1. */
static int64_t plic_context_reg(SiFivePLICState *s, hwaddr addr, uint32_t *ctx)
{
    hwaddr off = addr - SIFIVE_PLIC_CONTEXT_BASE;

    if (addr < SIFIVE_PLIC_CONTEXT_BASE ||
        off >= (hwaddr)s->num_contexts * SIFIVE_PLIC_CONTEXT_STRIDE ||
        off % SIFIVE_PLIC_CONTEXT_STRIDE > 4) {
        return -1;
    }
    *ctx = off / SIFIVE_PLIC_CONTEXT_STRIDE;
    return off % SIFIVE_PLIC_CONTEXT_STRIDE;
}

static bool plic_is_priority(SiFivePLICState *s, hwaddr addr)
{
    return addr < SIFIVE_PLIC_PRIORITY_BASE + 4ULL * s->num_sources;
}

static bool plic_is_pending(SiFivePLICState *s, hwaddr addr)
{
    return addr >= SIFIVE_PLIC_PENDING_BASE &&
           addr < SIFIVE_PLIC_PENDING_BASE + 4ULL * s->num_words;
}

static uint64_t plic_read(void *opaque, hwaddr addr, unsigned size)
{
    SiFivePLICState *s = opaque;
    uint32_t ctx;
    int64_t i;

    if (plic_is_priority(s, addr)) {
        return s->priority[(addr - SIFIVE_PLIC_PRIORITY_BASE) / 4];
    }
    if (plic_is_pending(s, addr)) {
        return s->pending[(addr - SIFIVE_PLIC_PENDING_BASE) / 4];
    }
    if ((i = plic_enable_word(s, addr, &ctx)) >= 0) {
        return plic_enables(s, ctx)[i];
    }
    if ((i = plic_context_reg(s, addr, &ctx)) >= 0) {
        return i == 0 ? s->threshold[ctx] : plic_claim(s, ctx);
    }
    plic_bad_access(addr, "read");
    return 0;
}

/* Priority and threshold registers are WARL: keep the implemented bits, clamp. */
static uint32_t plic_legal_priority(SiFivePLICState *s, uint64_t v)
{
    uint32_t bits = 32 - __builtin_clz(s->num_priorities | 1);

    return MIN((uint32_t)v & ((1u << bits) - 1), s->num_priorities);
}

static void plic_write_enable(SiFivePLICState *s, uint32_t ctx, uint32_t w, uint32_t v)
{
    /* Source 0 and ids past the last source are hardwired to zero. */
    if (w == 0) {
        v &= ~1u;
    }
    if (w == s->num_words - 1 && s->num_sources % 32) {
        v &= (1u << (s->num_sources % 32)) - 1;
    }
    plic_enables(s, ctx)[w] = v;
    plic_update(s);
}

static void plic_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    SiFivePLICState *s = opaque;
    uint32_t ctx;
    int64_t i;

    if (plic_is_priority(s, addr)) {
        i = (addr - SIFIVE_PLIC_PRIORITY_BASE) / 4;
        s->priority[i] = i ? plic_legal_priority(s, data) : 0;
        plic_update(s);
    } else if (plic_is_pending(s, addr)) {
        log_mask(LOG_GUEST_ERROR, "plic: write to read-only pending bits 0x%" PRIx64 "\n", addr);
    } else if ((i = plic_enable_word(s, addr, &ctx)) >= 0) {
        plic_write_enable(s, ctx, i, data);
    } else if ((i = plic_context_reg(s, addr, &ctx)) == 0) {
        s->threshold[ctx] = plic_legal_priority(s, data);
        plic_update(s);
    } else if (i > 0) {
        plic_complete(s, ctx, data);
    } else {
        plic_bad_access(addr, "write");
    }
}

static const MemoryRegionOps plic_ops = {
    .read = plic_read,
    .write = plic_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
    .impl = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- realize / reset ---- */

static bool plic_check_props(SiFivePLICState *s, Error **errp)
{
    uint64_t contexts = 2ULL * s->num_harts;

    if (s->num_sources < 2 || s->num_sources > SIFIVE_PLIC_MAX_SOURCES) {
        error_setg(errp, "plic: num-sources %u is out of range (2..%u)", s->num_sources,
                   SIFIVE_PLIC_MAX_SOURCES);
        return false;
    }
    if (s->num_priorities == 0) {
        error_setg(errp, "plic: num-priorities must not be 0");
        return false;
    }
    if (s->num_harts == 0 ||
        SIFIVE_PLIC_ENABLE_BASE + contexts * SIFIVE_PLIC_ENABLE_STRIDE > SIFIVE_PLIC_CONTEXT_BASE ||
        SIFIVE_PLIC_CONTEXT_BASE + contexts * SIFIVE_PLIC_CONTEXT_STRIDE > s->aperture_size) {
        error_setg(errp, "plic: %u harts do not fit a 0x%" PRIx64 " aperture", s->num_harts,
                   s->aperture_size);
        return false;
    }
    return true;
}

static bool plic_realize(DeviceState *dev, Error **errp)
{
    SiFivePLICState *s = SIFIVE_PLIC(dev);

    if (!plic_check_props(s, errp)) {
        return false;
    }
    s->num_words = (s->num_sources + 31) / 32;
    s->num_contexts = 2 * s->num_harts;
    s->priority = xnew0(uint32_t, s->num_sources);
    s->level = xnew0(uint32_t, s->num_words);
    s->pending = xnew0(uint32_t, s->num_words);
    s->claimed = xnew0(uint32_t, s->num_words);
    s->enable = xnew0(uint32_t, s->num_words * s->num_contexts);
    s->threshold = xnew0(uint32_t, s->num_contexts);
    s->outputs = xnew0(IRQState *, s->num_contexts);
    s->output_level = xnew0(bool, s->num_contexts);
    s->irq_count = xnew0(uint64_t, s->num_sources);
    qdev_init_gpio_out(dev, s->outputs, s->num_contexts); /* the board connects them */
    qdev_init_gpio_in(dev, plic_irq_request, s->num_sources);
    memory_region_init_io(&s->mmio, &plic_ops, s, TYPE_SIFIVE_PLIC, s->aperture_size);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

/* Configuration clears; the input lines keep their levels and request again. */
static void plic_reset(DeviceState *dev)
{
    SiFivePLICState *s = SIFIVE_PLIC(dev);

    memset(s->priority, 0, s->num_sources * sizeof(uint32_t));
    memset(s->enable, 0, s->num_words * s->num_contexts * sizeof(uint32_t));
    memset(s->threshold, 0, s->num_contexts * sizeof(uint32_t));
    memset(s->claimed, 0, s->num_words * sizeof(uint32_t));
    memcpy(s->pending, s->level, s->num_words * sizeof(uint32_t));
    plic_drive_outputs(s, true);
}

static void plic_finalize(Object *obj)
{
    SiFivePLICState *s = SIFIVE_PLIC(obj);

    free(s->output_level);
    free(s->outputs);
    free(s->threshold);
    free(s->enable);
    free(s->claimed);
    free(s->pending);
    free(s->level);
    free(s->priority);
    free(s->irq_count);
}

/* ---- device tree (QEMU virt: /soc/plic@c000000) ---- */

static int plic_fdt_irqs(const DeviceFDTContext *ctx, int node)
{
    size_t ncells = (size_t)ctx->num_harts * 4;
    uint32_t *cells = xnew0(uint32_t, ncells ? ncells : 1);
    int err;

    for (int h = 0; h < ctx->num_harts; h++) {
        cells[4 * h] = cpu_to_fdt32(ctx->hart_intc_phandles[h]);
        cells[4 * h + 1] = cpu_to_fdt32(IRQ_M_EXT);
        cells[4 * h + 2] = cpu_to_fdt32(ctx->hart_intc_phandles[h]);
        cells[4 * h + 3] = cpu_to_fdt32(IRQ_S_EXT);
    }
    err = dt_setprop(ctx->fdt, node, "interrupts-extended", cells, ncells * sizeof(uint32_t));
    free(cells);
    return err;
}

static bool plic_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "sifive,plic-1.0.0\0riscv,plic0";
    SiFivePLICState *s = SIFIVE_PLIC(dev);
    const uint32_t reg[4] = {cpu_to_fdt32(ctx->base >> 32), cpu_to_fdt32(ctx->base),
                             cpu_to_fdt32(ctx->size >> 32), cpu_to_fdt32(ctx->size)};
    DeviceTree *fdt = ctx->fdt;
    char name[32];
    int node, err;

    snprintf(name, sizeof(name), "plic@%" PRIx64, ctx->base);
    node = sysbus_fdt_parent(ctx);
    node = node < 0 ? node : dt_add_subnode(fdt, node, name);
    err = node < 0 ? node : 0;
    err = err ?: dt_setprop_u32(fdt, node, "#interrupt-cells", 1);
    err = err ?: dt_setprop_u32(fdt, node, "#address-cells", 0);
    err = err ?: dt_setprop(fdt, node, "compatible", compat, sizeof(compat));
    err = err ?: dt_setprop_empty(fdt, node, "interrupt-controller");
    err = err ?: plic_fdt_irqs(ctx, node);
    err = err ?: dt_setprop(fdt, node, "reg", reg, sizeof(reg));
    /* riscv,ndev is the highest source id (num_sources counts the reserved source 0 too). */
    err = err ?: dt_setprop_u32(fdt, node, "riscv,ndev", s->num_sources - 1);
    if (ctx->phandle) {
        err = err ?: dt_setprop_u32(fdt, node, "phandle", ctx->phandle);
    }
    if (err) {
        error_setg(errp, "plic: device tree node %s: %s", name, fdt_strerror(err));
        return false;
    }
    return true;
}

/* ---- properties and type registration ---- */

static const Property plic_properties[] = {
    DEFINE_PROP_UINT32("hartid-base", SiFivePLICState, hartid_base, 0),
    DEFINE_PROP_UINT32("num-harts", SiFivePLICState, num_harts, 1),
    DEFINE_PROP_UINT32("num-sources", SiFivePLICState, num_sources, SIFIVE_PLIC_VIRT_NUM_SOURCES),
    DEFINE_PROP_UINT32("num-priorities", SiFivePLICState, num_priorities,
                       SIFIVE_PLIC_VIRT_NUM_PRIORITIES),
    DEFINE_PROP_SIZE("aperture-size", SiFivePLICState, aperture_size, SIFIVE_PLIC_VIRT_SIZE),
    DEFINE_PROP_END,
};

static void plic_get_irq_stats(DeviceState *dev, const uint64_t **counts, unsigned *n)
{
    SiFivePLICState *s = SIFIVE_PLIC(dev);

    *counts = s->irq_count;
    *n = s->irq_count ? s->num_sources : 0;
}

/* ---- machine state (savevm) ---- */

static bool plic_post_load(void *opaque, int version_id, Error **errp)
{
    plic_drive_outputs(opaque, true);
    return true;
}

static const VMStateDescription vmstate_plic = {
    .name = "sifive-plic",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = plic_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT32_VARRAY_PTR(priority, SiFivePLICState, num_sources),
            VMSTATE_UINT32_VARRAY_PTR(level, SiFivePLICState, num_words),
            VMSTATE_UINT32_VARRAY_PTR(pending, SiFivePLICState, num_words),
            VMSTATE_UINT32_VARRAY_PTR(claimed, SiFivePLICState, num_words),
            VMSTATE_UINT32_VARRAY2_PTR(enable, SiFivePLICState, num_words, num_contexts),
            VMSTATE_UINT32_VARRAY_PTR(threshold, SiFivePLICState, num_contexts),
            VMSTATE_BOOL_VARRAY_PTR(output_level, SiFivePLICState, num_contexts),
            VMSTATE_END_OF_LIST(),
        },
};

static void plic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "SiFive platform-level interrupt controller";
    dc->realize = plic_realize;
    dc->reset = plic_reset;
    dc->fdt_populate = plic_fdt_populate;
    dc->get_irq_stats = plic_get_irq_stats;
    dc->vmsd = &vmstate_plic;
    object_class_add_props(oc, plic_properties);
}

static const TypeInfo plic_info = {
    .name = TYPE_SIFIVE_PLIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SiFivePLICState),
    .class_init = plic_class_init,
    .instance_finalize = plic_finalize,
};

static void plic_register_types(void)
{
    type_register_static(&plic_info);
}

type_init(plic_register_types)

DeviceState *sifive_plic_create(hwaddr addr, uint32_t hartid_base, uint32_t num_harts,
                                uint32_t num_sources, uint32_t num_priorities, hwaddr aperture_size,
                                Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_SIFIVE_PLIC);
    Object *obj = OBJECT(dev);

    if (!object_property_set_int(obj, "hartid-base", hartid_base, errp) ||
        !object_property_set_int(obj, "num-harts", num_harts, errp) ||
        !object_property_set_int(obj, "num-sources", num_sources, errp) ||
        !object_property_set_int(obj, "num-priorities", num_priorities, errp) ||
        !object_property_set_int(obj, "aperture-size", aperture_size, errp)) {
        object_unref(obj);
        return NULL;
    }
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
    return dev;
}
