/*
 * SiFive test finisher.
 *
 * Spec: there is no public datasheet; this follows the behaviour OpenSBI's
 * sifive_test driver and QEMU's virt board rely on (FU540 "test" device).
 * Register map:
 *   0x0  finisher (write): bits 15:0 command, bits 31:16 exit code
 *        0x5555 PASS (exit 0), 0x3333 FAIL (exit code), 0x7777 RESET
 * Everything else reads as zero and ignores writes.
 */
#include <inttypes.h>
#include <libfdt.h>

#include "hw/misc/sifive_test.h"
#include "migration/vmstate.h"
#include "system/device_tree.h"
#include "system/runstate.h"
#include "util/log.h"

typedef struct SiFiveTestState {
    SysBusDevice parent_obj;
    MemoryRegion mmio;
} SiFiveTestState;

#define SIFIVE_TEST(obj) OBJECT_CHECK(SiFiveTestState, (obj), TYPE_SIFIVE_TEST)

/* ---- MMIO ---- */

static uint64_t sifive_test_read(void *opaque, hwaddr addr, unsigned size)
{
    return 0;
}

static void sifive_test_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    uint32_t status = data & 0xffff;
    uint32_t code = (data >> 16) & 0xffff;

    if (addr != 0) {
        log_mask(LOG_GUEST_ERROR, "sifive_test: write at bad offset 0x%" PRIx64 "\n", addr);
        return;
    }
    switch (status) {
    case FINISHER_PASS:
        shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, 0);
        break;
    case FINISHER_FAIL:
        shutdown_request(SHUTDOWN_CAUSE_GUEST_SHUTDOWN, code);
        break;
    case FINISHER_RESET:
        reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "sifive_test: unknown command 0x%04x\n", status);
        break;
    }
}

static const MemoryRegionOps sifive_test_ops = {
    .read = sifive_test_read,
    .write = sifive_test_write,
    .valid = {.min_access_size = 2, .max_access_size = 4},
    .impl = {.min_access_size = 2, .max_access_size = 4},
};

/* ---- realize ---- */

static bool sifive_test_realize(DeviceState *dev, Error **errp)
{
    SiFiveTestState *s = SIFIVE_TEST(dev);

    memory_region_init_io(&s->mmio, &sifive_test_ops, s, TYPE_SIFIVE_TEST, SIFIVE_TEST_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mmio);
    return true;
}

/* ---- device tree (QEMU virt: /soc/test@100000, /reboot, /poweroff) ---- */

/* A root "syscon-poweroff"/"syscon-reboot" node writing value to the finisher. */
static int sifive_test_fdt_syscon(DeviceTree *fdt, const char *name, const char *compat,
                                  uint32_t phandle, uint32_t value)
{
    int node = dt_add_subnode(fdt, 0, name);
    int err = node < 0 ? node : 0;

    err = err ?: dt_setprop_string(fdt, node, "compatible", compat);
    err = err ?: dt_setprop_u32(fdt, node, "regmap", phandle);
    err = err ?: dt_setprop_u32(fdt, node, "offset", 0);
    err = err ?: dt_setprop_u32(fdt, node, "value", value);
    return err;
}

static bool sifive_test_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "sifive,test1\0sifive,test0\0syscon";
    const uint32_t reg[4] = {cpu_to_fdt32(ctx->base >> 32), cpu_to_fdt32(ctx->base),
                             cpu_to_fdt32(ctx->size >> 32), cpu_to_fdt32(ctx->size)};
    DeviceTree *fdt = ctx->fdt;
    uint32_t phandle = ctx->phandle;
    char name[32];
    int node, err = 0;

    snprintf(name, sizeof(name), "test@%" PRIx64, ctx->base);
    if (!phandle) {
        err = dt_generate_phandle(fdt, &phandle);
    }
    node = err ?: dt_path_offset(fdt, ctx->parent_path);
    node = node < 0 ? node : dt_add_subnode(fdt, node, name);
    err = node < 0 ? node : 0;
    err = err ?: dt_setprop(fdt, node, "compatible", compat, sizeof(compat));
    err = err ?: dt_setprop(fdt, node, "reg", reg, sizeof(reg));
    err = err ?: dt_setprop_u32(fdt, node, "phandle", phandle);
    /* Added reboot first: a new node goes first, so the blob lists poweroff first. */
    err = err ?: sifive_test_fdt_syscon(fdt, "reboot", "syscon-reboot", phandle, FINISHER_RESET);
    err = err ?: sifive_test_fdt_syscon(fdt, "poweroff", "syscon-poweroff", phandle, FINISHER_PASS);
    if (err) {
        error_setg(errp, "sifive_test: device tree node %s: %s", name, fdt_strerror(err));
        return false;
    }
    return true;
}

/* ---- type registration ---- */

/* A write acts at once: there is no state to save, but the machine's list names it. */
static const VMStateDescription vmstate_sifive_test = {
    .name = "sifive_test",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]){VMSTATE_END_OF_LIST()},
};

static void sifive_test_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "SiFive test finisher (poweroff, reboot, test exit codes)";
    dc->realize = sifive_test_realize;
    dc->fdt_populate = sifive_test_fdt_populate;
    dc->vmsd = &vmstate_sifive_test;
}

static const TypeInfo sifive_test_info = {
    .name = TYPE_SIFIVE_TEST,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(SiFiveTestState),
    .class_init = sifive_test_class_init,
};

static void sifive_test_register_types(void)
{
    type_register_static(&sifive_test_info);
}

type_init(sifive_test_register_types)
