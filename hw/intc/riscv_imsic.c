/*
 * RISC-V IMSIC: one interrupt file (include/hw/intc/riscv_imsic.h has the contract).
 *
 * Spec: The RISC-V Advanced Interrupt Architecture 1.0, chapter 3. Identities 1..num-ids;
 * identity 0 does not exist. eip/eie are arrays of 64-bit words on RV64 (eip0 covers 0..63,
 * eip2 64..127: odd numbers do not exist). The top interrupt is the pending and enabled
 * identity with the smallest number, counted only below eithreshold when that is nonzero.
 * eidelivery: 0 off, 1 on (the APLIC-direct value 0x40000000 is not supported: WARL keeps
 * bit 0 only).
 *
 * Guest interrupt files (H extension, AIA chapter 3.2 and 5): a file with "guest" g >= 1 is
 * the hart's guest file g, reached by VS-level CSRs while hstatus.VGEIN = g; its output is
 * the hart's guest external interrupt line g (hgeip bit g). It behaves as an S-level file.
 *
 * Threads: MSIs arrive under the BQL (MMIO); the hart's CSR accesses come from its own
 * thread, so the CSR hooks take the BQL for the moment they touch the file.
 */
#include "hw/intc/riscv_imsic.h"

#include <inttypes.h>
#include <libfdt.h>

#include "migration/vmstate.h"
#include "system/device_tree.h"
#include "target/riscv/cpu_bits.h"
#include "util/log.h"
#include "util/main-loop.h"

typedef struct RISCVIMSICState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
    /* properties */
    uint32_t hartid;
    bool mmode;
    uint32_t guest;            /* 0: the M or S file; g >= 1: guest file g */
    uint32_t guest_index_bits; /* for the level's device-tree node: log2 of pages per hart */
    uint32_t num_ids;
    /* the interrupt file */
    uint32_t num_words; /* 64-bit words of eip/eie */
    uint64_t eidelivery;
    uint64_t eithreshold;
    uint64_t *eip;
    uint64_t *eie;
    IRQState *output;
} RISCVIMSICState;

#define RISCV_IMSIC(obj) OBJECT_CHECK(RISCVIMSICState, (obj), TYPE_RISCV_IMSIC)

/* (identity << 16) | identity of the top interrupt, or 0. */
static uint32_t imsic_topei(RISCVIMSICState *s)
{
    uint32_t limit = s->eithreshold ? s->eithreshold : s->num_ids + 1;

    for (uint32_t w = 0; w < s->num_words && w * 64 < limit; w++) {
        uint64_t bits = s->eip[w] & s->eie[w];
        if (bits) {
            uint32_t id = w * 64 + __builtin_ctzll(bits);
            return id < limit ? id << 16 | id : 0;
        }
    }
    return 0;
}

static void imsic_update(RISCVIMSICState *s)
{
    irq_set(s->output, (s->eidelivery & 1) && imsic_topei(s));
}

/* ---- MSIs ---- */

static uint64_t imsic_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0; /* seteipnum_le/be read zero */
}

static void imsic_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    RISCVIMSICState *s = opaque;
    uint32_t id = addr == IMSIC_SETEIPNUM_BE ? __builtin_bswap32(data) : (uint32_t)data;

    if ((addr != IMSIC_SETEIPNUM_LE && addr != IMSIC_SETEIPNUM_BE) || id == 0 || id > s->num_ids) {
        log_mask(LOG_GUEST_ERROR,
                 "imsic: hart %u %s file %u: ignored MSI write of %u at offset 0x%" PRIx64 "\n",
                 s->hartid,
                 s->mmode   ? "M"
                 : s->guest ? "guest"
                            : "S",
                 s->guest, id, (uint64_t)addr);
        return;
    }
    s->eip[id / 64] |= 1ULL << (id % 64);
    imsic_update(s);
}

static const MemoryRegionOps imsic_ops = {
    .read = imsic_read,
    .write = imsic_write,
    .valid = {.min_access_size = 4, .max_access_size = 4},
};

/* ---- the hart's CSRs ---- */

/* The eip/eie word an iselect names, or NULL (odd numbers do not exist on RV64). */
static uint64_t *imsic_word(RISCVIMSICState *s, uint64_t iselect, bool *exists)
{
    uint64_t *array = iselect >= IMSIC_EIE0 ? s->eie : s->eip;
    uint64_t n = iselect - (iselect >= IMSIC_EIE0 ? IMSIC_EIE0 : IMSIC_EIP0);

    *exists = !(n & 1);
    return *exists && n / 2 < s->num_words ? &array[n / 2] : NULL;
}

static bool imsic_rmw_locked(RISCVIMSICState *s, uint64_t iselect, uint64_t *old, uint64_t val,
                             uint64_t mask)
{
    uint64_t *reg, ignored = 0, legal = ~0ULL;
    bool exists = true;

    if (iselect == IMSIC_EIDELIVERY) {
        reg = &s->eidelivery, legal = 1;
    } else if (iselect == IMSIC_EITHRESHOLD) {
        reg = &s->eithreshold, legal = (1ULL << (64 - __builtin_clzll(s->num_ids))) - 1;
    } else if (iselect >= IMSIC_EIP0 && iselect <= IMSIC_EIE63) {
        reg = imsic_word(s, iselect, &exists);
        if (reg == &s->eip[0] || reg == &s->eie[0]) {
            legal = ~1ULL; /* identity 0 does not exist */
        }
        reg = reg ? reg : &ignored; /* words past num-ids: read-only zero */
        legal = reg == &ignored ? 0 : legal;
    } else {
        return false; /* 0x71, 0x73..0x7f: reserved */
    }
    if (!exists) {
        return false;
    }
    *old = *reg;
    *reg = (*reg & ~(mask & legal)) | (val & mask & legal);
    imsic_update(s);
    return true;
}

static bool imsic_csr_rmw(void *opaque, uint64_t iselect, uint64_t *old, uint64_t val,
                          uint64_t mask)
{
    BQL_LOCK_GUARD();

    return imsic_rmw_locked(opaque, iselect, old, val, mask);
}

static uint32_t imsic_csr_topei(void *opaque)
{
    BQL_LOCK_GUARD();

    return imsic_topei(opaque);
}

static void imsic_csr_claim(void *opaque, uint32_t topei)
{
    RISCVIMSICState *s = opaque;
    uint32_t id = topei >> 16;
    BQL_LOCK_GUARD();

    if (id && id <= s->num_ids) {
        s->eip[id / 64] &= ~(1ULL << (id % 64));
        imsic_update(s);
    }
}

const RISCVIMSICOps riscv_imsic_csr_ops = {
    .rmw = imsic_csr_rmw,
    .topei = imsic_csr_topei,
    .claim = imsic_csr_claim,
};

static bool imsic_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp);

/* ---- lifecycle ---- */

static bool imsic_realize(DeviceState *dev, Error **errp)
{
    RISCVIMSICState *s = RISCV_IMSIC(dev);

    if (s->num_ids < 63 || s->num_ids > 2047 || ((s->num_ids + 1) & s->num_ids)) {
        error_setg(errp, "imsic: num-ids %u must be 2^k - 1 in 63..2047", s->num_ids);
        return false;
    }
    if (s->guest && (s->mmode || s->guest > RISCV_CPU_GEI_MAX)) {
        error_setg(errp, "imsic: guest file %u must be an S-level file numbered 1..%d", s->guest,
                   RISCV_CPU_GEI_MAX);
        return false;
    }
    s->num_words = (s->num_ids + 1) / 64;
    s->eip = xnew0(uint64_t, s->num_words);
    s->eie = xnew0(uint64_t, s->num_words);
    qdev_init_gpio_out(dev, &s->output, 1);
    memory_region_init_io(&s->mmio, &imsic_ops, s, TYPE_RISCV_IMSIC, IMSIC_PAGE_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

static void imsic_reset(DeviceState *dev)
{
    RISCVIMSICState *s = RISCV_IMSIC(dev);

    s->eidelivery = s->eithreshold = 0;
    memset(s->eip, 0, s->num_words * sizeof(uint64_t));
    memset(s->eie, 0, s->num_words * sizeof(uint64_t));
    imsic_update(s);
}

static void imsic_finalize(Object *obj)
{
    RISCVIMSICState *s = RISCV_IMSIC(obj);

    free(s->eip);
    free(s->eie);
}

static bool imsic_post_load(void *opaque, int version_id, Error **errp)
{
    imsic_update(opaque);
    return true;
}

static const VMStateDescription vmstate_imsic = {
    .name = "riscv-imsic",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = imsic_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT64(eidelivery, RISCVIMSICState),
            VMSTATE_UINT64(eithreshold, RISCVIMSICState),
            VMSTATE_UINT64_VARRAY_PTR(eip, RISCVIMSICState, num_words),
            VMSTATE_UINT64_VARRAY_PTR(eie, RISCVIMSICState, num_words),
            VMSTATE_END_OF_LIST(),
        },
};

static const Property imsic_properties[] = {
    DEFINE_PROP_UINT32("hartid", RISCVIMSICState, hartid, 0),
    DEFINE_PROP_BOOL("mmode", RISCVIMSICState, mmode, true),
    DEFINE_PROP_UINT32("guest", RISCVIMSICState, guest, 0),
    DEFINE_PROP_UINT32("guest-index-bits", RISCVIMSICState, guest_index_bits, 0),
    DEFINE_PROP_UINT32("num-ids", RISCVIMSICState, num_ids, IMSIC_VIRT_NUM_IDS),
    DEFINE_PROP_END,
};

static void imsic_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "RISC-V incoming MSI controller (one hart's interrupt file)";
    dc->realize = imsic_realize;
    dc->reset = imsic_reset;
    dc->fdt_populate = imsic_fdt_populate;
    dc->vmsd = &vmstate_imsic;
    object_class_add_props(oc, imsic_properties);
}

static const TypeInfo imsic_info = {
    .name = TYPE_RISCV_IMSIC,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RISCVIMSICState),
    .class_init = imsic_class_init,
    .instance_finalize = imsic_finalize,
};

static void imsic_register_types(void)
{
    type_register_static(&imsic_info);
}

type_init(imsic_register_types)

DeviceState *riscv_imsic_create(hwaddr addr, RISCVCPU *cpu, bool mmode, uint32_t guest,
                                uint32_t num_ids, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_RISCV_IMSIC);
    Object *obj = OBJECT(dev);

    if (!object_property_set_int(obj, "hartid", cpu->hartid, errp) ||
        !object_property_set_bool(obj, "mmode", mmode, errp) ||
        !object_property_set_int(obj, "guest", guest, errp) ||
        !object_property_set_int(obj, "num-ids", num_ids, errp)) {
        object_unref(obj);
        return NULL;
    }
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
    if (guest) {
        riscv_cpu_set_imsic_guest(cpu, guest, &riscv_imsic_csr_ops, dev);
    } else {
        riscv_cpu_set_imsic(cpu, mmode, &riscv_imsic_csr_ops, dev);
    }
    return dev;
}

/* ---- device tree (QEMU virt: /soc/imsics@24000000 and /soc/imsics@28000000) ---- */

/*
 * The node of a whole level, written by hart 0's file (the board registers only that one):
 * ctx->base/size cover every hart's pages and ctx->hart_intc_phandles lists the harts. With
 * guest files each hart has 2^guest-index-bits pages (its S file, then guest files 1..N).
 */
static bool imsic_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    RISCVIMSICState *s = RISCV_IMSIC(dev);
    const uint32_t reg[4] = {cpu_to_fdt32(ctx->base >> 32), cpu_to_fdt32(ctx->base),
                             cpu_to_fdt32(ctx->size >> 32), cpu_to_fdt32(ctx->size)};
    uint32_t *irqs = xnew0(uint32_t, 2 * ctx->num_harts + 1);
    DeviceTree *fdt = ctx->fdt;
    char name[32];
    int node, err;

    for (int h = 0; h < ctx->num_harts; h++) {
        irqs[2 * h] = cpu_to_fdt32(ctx->hart_intc_phandles[h]);
        irqs[2 * h + 1] = cpu_to_fdt32(s->mmode ? IRQ_M_EXT : IRQ_S_EXT);
    }
    snprintf(name, sizeof(name), "imsics@%" PRIx64, (uint64_t)ctx->base);
    node = sysbus_fdt_parent(ctx);
    node = node < 0 ? node : dt_add_subnode(fdt, node, name);
    err = node < 0 ? node : 0;
    err = err ?: dt_setprop_string(fdt, node, "compatible", "riscv,imsics");
    err = err ?: dt_setprop_u32(fdt, node, "#interrupt-cells", 0);
    err = err ?: dt_setprop_empty(fdt, node, "interrupt-controller");
    err = err ?: dt_setprop_empty(fdt, node, "msi-controller");
    err = err ?: dt_setprop(fdt, node, "interrupts-extended", irqs, 8 * ctx->num_harts);
    err = err ?: dt_setprop(fdt, node, "reg", reg, sizeof(reg));
    err = err ?: dt_setprop_u32(fdt, node, "riscv,num-ids", s->num_ids);
    err = err ?: dt_setprop_u32(fdt, node, "riscv,ipi-id", 1);
    if (s->guest_index_bits) {
        err = err ?: dt_setprop_u32(fdt, node, "riscv,guest-index-bits", s->guest_index_bits);
    }
    err = err ?: dt_setprop_u32(fdt, node, "phandle", ctx->phandle);
    free(irqs);
    if (err) {
        error_setg(errp, "imsic: device tree node %s: %s", name, fdt_strerror(err));
        return false;
    }
    return true;
}
