/*
 * The RISC-V "virt" board (QEMU's -M virt): harts, RAM, the mask ROM with the
 * reset vector, the interrupt controllers (virt-intc.c: CLINT or ACLINT, PLIC,
 * or the AIA's APLIC and IMSICs), 16550 UART, Goldfish RTC and the SiFive test
 * device, at QEMU's addresses and interrupt numbers, described to the guest by
 * a device tree built here (include/system/device_tree.h) and flattened once.
 *
 * The start-up path: virt_machine_init() builds the hardware when the
 * machine is created; virt_machine_done() runs once every device exists and
 * loads firmware, kernel and initrd, writes the device tree and the reset
 * vector (docs/walkthrough.md follows this in gdb). Both return false with an
 * Error for a configuration they cannot build; main reports it and exits.
 * The board keeps its own virtio-mmio transports: -device fills them.
 */
#include "hw/riscv/virt.h"

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>

#include "block/block.h"
#include "hw/block/flash.h"
#include "hw/char/serial.h"
#include "hw/core/sysbus.h"
#include "hw/misc/sifive_test.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/riscv/boot.h"
#include "hw/riscv/numa.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/usb/usb.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/device_tree.h"
#include "system/system.h"
#include "util/guest-random.h"
#include "util/log.h"
#include "virt-internal.h"

const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT] = {
    [VIRT_DEBUG] = {0x0, 0x100},
    [VIRT_MROM] = {0x1000, 0xf000},
    [VIRT_TEST] = {0x100000, 0x1000},
    [VIRT_RTC] = {0x101000, 0x1000},
    [VIRT_CLINT] = {0x2000000, 0x10000},
    [VIRT_ACLINT_SSWI] = {0x2f00000, 0x4000},
    [VIRT_PLIC] = {0xc000000, 0x600000},
    [VIRT_APLIC_M] = {0xc000000, 0}, /* sized for the harts */
    [VIRT_APLIC_S] = {0xd000000, 0},
    [VIRT_IMSIC_M] = {0x24000000, 0}, /* a 4 KiB page per hart */
    [VIRT_IMSIC_S] = {0x28000000, 0},
    [VIRT_UART0] = {0x10000000, 0x100},
    [VIRT_VIRTIO] = {0x10001000, 0x1000},
    [VIRT_FW_CFG] = {0x10100000, 0x18},
    [VIRT_FLASH] = {0x20000000, 0x4000000},
    [VIRT_PCIE_PIO] = {0x3000000, 0x10000},
    [VIRT_PCIE_ECAM] = {0x30000000, 0x10000000},
    [VIRT_PCIE_MMIO] = {0x40000000, 0x40000000},
    [VIRT_DRAM] = {0x80000000, 0x0},
};

/* Remember a placed device so virt_create_fdt() asks it for its node. */
VirtFDTDevice *virt_fdt_add(VirtMachineState *s, DeviceState *dev, int map_index)
{
    VirtFDTDevice *d;

    s->fdt_devices = xrealloc(s->fdt_devices, sizeof(*d) * (s->num_fdt_devices + 1));
    d = &s->fdt_devices[s->num_fdt_devices++];
    *d = (VirtFDTDevice){.dev = dev,
                         .base = virt_memmap[map_index].base,
                         .size = virt_memmap[map_index].size,
                         .num_harts = s->num_harts,
                         .socket = -1};
    return d;
}

static bool virt_create_harts(VirtMachineState *s, MachineState *ms, Error **errp)
{
    Object *soc = container_get(OBJECT(ms), "soc0");

    s->num_harts = ms->smp.cpus;
    s->harts = xnew0(RISCVCPU *, s->num_harts);
    for (int i = 0; i < s->num_harts; i++) {
        DeviceState *dev = qdev_new(ms->cpu_type);
        char name[32];

        snprintf(name, sizeof(name), "harts[%d]", i);
        object_property_add_child(soc, name, OBJECT(dev));
        if (!object_property_set_int(OBJECT(dev), "hartid", i, errp) ||
            !object_property_set_int(OBJECT(dev), "resetvec", virt_memmap[VIRT_MROM].base, errp) ||
            /* the IMSIC's CSRs, as QEMU 7.2's virt turns them on for aia=aplic-imsic */
            (virt_aia_imsic(s) && (!object_property_set_bool(OBJECT(dev), "smaia", true, errp) ||
                                   !object_property_set_bool(OBJECT(dev), "ssaia", true, errp))) ||
            !qdev_realize_and_unref(dev, errp)) {
            return false;
        }
        s->harts[i] = RISCV_CPU(dev);
    }
    return true;
}

/*
 * Each hart takes two phandles (cpu node, then its interrupt controller), from 1 up, handed
 * out from the last hart to the first as QEMU does: with 4 harts cpu@3 is 1 and cpu@0 is 7.
 */
static void virt_alloc_cpu_phandles(VirtMachineState *s)
{
    s->cpu_phandles = xnew0(uint32_t, s->num_harts);
    s->intc_phandles = xnew0(uint32_t, s->num_harts);
    s->next_phandle = 1;
    for (int i = s->num_harts - 1; i >= 0; i--) {
        s->cpu_phandles[i] = s->next_phandle++;
        s->intc_phandles[i] = s->next_phandle++;
    }
}

static bool virt_create_memory(VirtMachineState *s, MachineState *ms, Error **errp)
{
    MemoryRegion *sysmem = get_system_memory();

    if (!memory_region_init_rom(&s->mrom, "riscv_virt_board.mrom", virt_memmap[VIRT_MROM].size,
                                errp)) {
        return false;
    }
    memory_region_add_subregion(sysmem, virt_memmap[VIRT_DRAM].base, &ms->ram);
    memory_region_add_subregion(sysmem, virt_memmap[VIRT_MROM].base, &s->mrom);
    return true;
}

/* A sysbus device at map_index, its irq 0 (if irq > 0) wired to PLIC source irq. */
static VirtFDTDevice *virt_create_sysbus(VirtMachineState *s, DeviceState *dev, int map_index,
                                         int irq, Error **errp)
{
    VirtFDTDevice *d;

    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, virt_memmap[map_index].base);
    d = virt_fdt_add(s, dev, map_index);
    if (irq > 0) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, qdev_get_gpio_in(s->irqchips[0], irq));
        d->irqs[0] = irq;
        d->num_irqs = 1;
    }
    return d;
}

static bool virt_create_devices(VirtMachineState *s, Error **errp)
{
    DeviceState *uart = qdev_new(TYPE_SERIAL_MM);
    VirtFDTDevice *test = virt_create_sysbus(s, qdev_new(TYPE_SIFIVE_TEST), VIRT_TEST, 0, errp);

    if (!test) {
        object_unref(OBJECT(uart));
        return false;
    }
    test->phandle = s->next_phandle++;
    /* The first serial port's backend: "serial0" from vl.c, or the -chardev of chardev:ID. */
    if (serial_hd(0) &&
        !object_property_set_str(OBJECT(uart), "chardev", chardev_label(serial_hd(0)), errp)) {
        object_unref(OBJECT(uart));
        return false;
    }
    return virt_create_sysbus(s, uart, VIRT_UART0, VIRT_UART0_IRQ, errp) &&
           virt_create_sysbus(s, qdev_new(TYPE_GOLDFISH_RTC), VIRT_RTC, VIRT_RTC_IRQ, errp);
}

/* QEMU's eight virtio-mmio transports, always present (empty ones have device ID 0). */
static bool virt_create_virtio_transports(VirtMachineState *s, Error **errp)
{
    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        hwaddr base = virt_memmap[VIRT_VIRTIO].base + i * virt_memmap[VIRT_VIRTIO].size;
        int irq = VIRT_VIRTIO_IRQ + i, chip = virt_irqchip_socket(s, 1);
        DeviceState *dev = virtio_mmio_create(base, qdev_get_gpio_in(s->irqchips[chip], irq), errp);
        VirtFDTDevice *d;

        if (!dev) {
            return false;
        }
        s->virtio_transports[i] = dev;
        d = virt_fdt_add(s, dev, VIRT_VIRTIO);
        d->base = base;
        d->irqs[0] = irq;
        d->num_irqs = 1;
        d->irq_parent = s->irqchip_phandles[chip];
    }
    return true;
}

/* The 64-bit MMIO window: 16 GiB, above RAM, aligned to its size (as QEMU 7.2). */
#define VIRT_PCIE_MMIO_HIGH_SIZE (16 * GiB)

static hwaddr virt_pcie_mmio_high_base(MachineState *ms)
{
    hwaddr end = virt_memmap[VIRT_DRAM].base + ms->ram_size;

    return (end + VIRT_PCIE_MMIO_HIGH_SIZE - 1) & ~(VIRT_PCIE_MMIO_HIGH_SIZE - 1);
}

/* The generic ECAM host with QEMU 7.2's windows, INTx on PLIC sources 32..35. */
static bool virt_create_pcie(VirtMachineState *s, MachineState *ms, Error **errp)
{
    const GPEXConfig cfg = {
        .ecam_base = virt_memmap[VIRT_PCIE_ECAM].base,
        .ecam_size = virt_memmap[VIRT_PCIE_ECAM].size,
        .pio_base = virt_memmap[VIRT_PCIE_PIO].base,
        .pio_size = virt_memmap[VIRT_PCIE_PIO].size,
        .mmio32_base = virt_memmap[VIRT_PCIE_MMIO].base,
        .mmio32_size = virt_memmap[VIRT_PCIE_MMIO].size,
        .mmio64_base = virt_pcie_mmio_high_base(ms),
        .mmio64_size = VIRT_PCIE_MMIO_HIGH_SIZE,
    };
    IRQState *irqs[GPEX_NUM_IRQS];
    int chip = virt_irqchip_socket(s, 2);
    VirtFDTDevice *d;

    for (int i = 0; i < GPEX_NUM_IRQS; i++) {
        irqs[i] = qdev_get_gpio_in(s->irqchips[chip], VIRT_PCIE_IRQ + i);
    }
    s->pcie = gpex_create(&cfg, irqs, errp);
    if (!s->pcie) {
        return false;
    }
    d = virt_fdt_add(s, DEVICE(s->pcie), VIRT_PCIE_ECAM);
    d->msi_parent = virt_aia_imsic(s) ? s->imsic_phandles[1] : 0;
    d->irqs[0] = VIRT_PCIE_IRQ;
    d->num_irqs = 1;
    d->irq_parent = s->irqchip_phandles[chip];
    return true;
}

/* -device: a PCI device goes on pcie.0, a virtio device takes a free virtio-mmio transport. */
static bool virt_device_plug(MachineState *ms, DeviceState *dev, Error **errp)
{
    VirtMachineState *s = VIRT_MACHINE(ms);

    if (object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE)) {
        return pci_bus_plug(s->pcie->bus, PCI_DEVICE(dev), 0, errp);
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE)) {
        return virtio_mmio_plug_free(s->virtio_transports, VIRT_VIRTIO_COUNT, dev, errp);
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_USB_DEVICE)) {
        return usb_device_plug(USB_DEVICE(dev), errp);
    }
    return true;
}

static bool virt_device_unplug(MachineState *ms, DeviceState *dev, Error **errp)
{
    VirtMachineState *s = VIRT_MACHINE(ms);

    if (object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE)) {
        return virtio_mmio_unplug(s->virtio_transports, VIRT_VIRTIO_COUNT, dev, errp);
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE)) {
        /* pcie.0 is a root bus without hotplug, as on QEMU's virt. */
        error_setg(errp, "Bus '%s' does not support hotplugging", pci_bus_name(s->pcie->bus));
        return false;
    }
    error_setg(errp, "Device '%s' does not support hotplugging", dev->id ? dev->id : "");
    return false;
}

/* QEMU's flash geometry: 256 KiB sectors, two 16-bit chips on a 32-bit bank. */
#define VIRT_FLASH_SECTOR_SIZE (256 * KiB)

/*
 * The two flash banks, each half of VIRT_FLASH, on -drive if=pflash,unit=0|1 ("pflash0",
 * "pflash1") or empty (zeroed, as QEMU's). QEMU's virt has no unit 2 or above.
 */
static bool virt_create_flash(VirtMachineState *s, Error **errp)
{
    uint64_t bank_size = virt_memmap[VIRT_FLASH].size / VIRT_FLASH_BANKS;

    for (int unit = VIRT_FLASH_BANKS; unit < MAX_DEVICE_OPTS; unit++) {
        char id[32];

        snprintf(id, sizeof(id), "pflash%d", unit);
        if (blk_by_name(id)) {
            error_setg(errp, "machine type does not support if=pflash,bus=0,unit=%d", unit);
            return false;
        }
    }
    for (int i = 0; i < VIRT_FLASH_BANKS; i++) {
        char id[32], name[32];

        snprintf(id, sizeof(id), "pflash%d", i);
        snprintf(name, sizeof(name), "virt.flash%d", i);
        s->has_flash_image[i] = blk_by_name(id) != NULL;
        s->flash[i] = pflash_cfi01_create(
            name, virt_memmap[VIRT_FLASH].base + i * bank_size, bank_size / VIRT_FLASH_SECTOR_SIZE,
            VIRT_FLASH_SECTOR_SIZE, 4, 2, s->has_flash_image[i] ? id : NULL, errp);
        if (!s->flash[i]) {
            error_prepend(errp, "%s: ", name);
            return false;
        }
    }
    return true;
}

/* fw_cfg with DMA, at /machine/fw_cfg; the board's own item is the hart count. */
static bool virt_create_fw_cfg(VirtMachineState *s, MachineState *ms, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_FW_CFG_MEM);

    object_property_add_child(OBJECT(ms), TYPE_FW_CFG, OBJECT(dev));
    if (!qdev_realize_and_unref(dev, errp)) {
        return false;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, virt_memmap[VIRT_FW_CFG].base);
    fw_cfg_add_i16(FW_CFG(dev), FW_CFG_NB_CPUS, (uint16_t)ms->smp.cpus);
    s->fw_cfg = dev;
    return true;
}

static bool virt_machine_done(MachineInitDoneNotifier *n, MachineState *ms, Error **errp);

static bool virt_machine_init(MachineState *ms, Error **errp)
{
    VirtMachineState *s = VIRT_MACHINE(ms);

    if (!virt_check_aia(s, errp) || !virt_create_harts(s, ms, errp)) {
        return false;
    }
    virt_alloc_cpu_phandles(s);
    if (!virt_create_memory(s, ms, errp) || !virt_create_sockets(s, ms, errp) ||
        !virt_create_virtio_transports(s, errp) || !virt_create_pcie(s, ms, errp) ||
        !virt_create_devices(s, errp) || !virt_create_fw_cfg(s, ms, errp) ||
        !virt_create_flash(s, errp)) {
        return false;
    }
    s->machine_done.notify = virt_machine_done;
    machine_add_init_done_notifier(ms, &s->machine_done);
    return true;
}

/* ---- the device tree ---- */

/*
 * The tree being built. Its calls go through fdt_check(), which keeps the first error, so
 * the builders below read straight through (a call after a failure fails too, harmlessly) and
 * virt_create_fdt() reports once. An error here is a bug (a duplicate node name), but it
 * still reaches main as an Error, not an exit.
 */
typedef struct VirtFdt {
    DeviceTree *fdt;
    int err;          /* the first error (a libfdt code), 0 if none */
    const char *what; /* what was being written then */
} VirtFdt;

static int fdt_check(VirtFdt *f, int ret, const char *what)
{
    if (ret < 0 && !f->err) {
        f->err = ret;
        f->what = what;
    }
    return ret;
}

static int fdt_node(VirtFdt *f, int parent, const char *name)
{
    return fdt_check(f, dt_add_subnode(f->fdt, parent, name), name);
}

static void fdt_str(VirtFdt *f, int node, const char *name, const char *value)
{
    fdt_check(f, dt_setprop_string(f->fdt, node, name, value), name);
}

static void fdt_u32(VirtFdt *f, int node, const char *name, uint32_t value)
{
    fdt_check(f, dt_setprop_u32(f->fdt, node, name, value), name);
}

static void fdt_empty(VirtFdt *f, int node, const char *name)
{
    fdt_check(f, dt_setprop_empty(f->fdt, node, name), name);
}

static void fdt_reg64(VirtFdt *f, int node, hwaddr base, uint64_t size)
{
    fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

    fdt_check(f, dt_setprop(f->fdt, node, "reg", reg, sizeof(reg)), "reg");
}

/*
 * What the 6.x kernels read instead of riscv,isa, and the cache-block sizes, as QEMU 9.x
 * writes them; only on a hart with extensions QEMU 7.2 lacks, so rv64's node stays 7.2's.
 */
static void virt_fdt_cpu_isa(VirtFdt *f, int node, RISCVCPU *cpu)
{
    char exts[1024];
    size_t len;

    if (!riscv_cpu_has_new_exts(cpu)) {
        return;
    }
    if (cpu->ext_zicbop) {
        fdt_u32(f, node, "riscv,cbop-block-size", cpu->cbop_blocksize);
    }
    if (cpu->ext_zicboz) {
        fdt_u32(f, node, "riscv,cboz-block-size", cpu->cboz_blocksize);
    }
    if (cpu->ext_zicbom) {
        fdt_u32(f, node, "riscv,cbom-block-size", cpu->cbom_blocksize);
    }
    len = riscv_isa_extensions(cpu, exts, sizeof(exts));
    fdt_check(f, dt_setprop(f->fdt, node, "riscv,isa-extensions", exts, len),
              "riscv,isa-extensions");
    fdt_str(f, node, "riscv,isa-base", "rv64i");
}

/*
 * Each new property and subnode goes in front of the existing ones (as with libfdt), so
 * properties are written here in the reverse of the order a dump shows, and nodes last to
 * first: the dump then reads like QEMU's (cpu@0 .. cpu@N-1, then cpu-map; phandle first in a cpu
 * node).
 */
static void virt_fdt_cpu(VirtMachineState *s, VirtFdt *f, int cpus, int i)
{
    RISCVCPU *cpu = s->harts[i];
    char name[32];
    int node, intc;

    snprintf(name, sizeof(name), "cpu@%u", cpu->hartid);
    node = fdt_node(f, cpus, name);
    fdt_str(f, node, "mmu-type", riscv_mmu_type(cpu));
    fdt_str(f, node, "riscv,isa", riscv_isa_string(cpu));
    virt_fdt_cpu_isa(f, node, cpu);
    fdt_str(f, node, "compatible", "riscv");
    fdt_str(f, node, "status", "okay");
    fdt_u32(f, node, "reg", cpu->hartid);
    fdt_str(f, node, "device_type", "cpu");
    fdt_check(
        f, riscv_socket_fdt_write_id(MACHINE(s), f->fdt, node, riscv_socket_of_hart(MACHINE(s), i)),
        "numa-node-id");
    fdt_u32(f, node, "phandle", s->cpu_phandles[i]);

    intc = fdt_node(f, node, "interrupt-controller");
    fdt_u32(f, intc, "phandle", s->intc_phandles[i]);
    fdt_str(f, intc, "compatible", "riscv,cpu-intc");
    fdt_empty(f, intc, "interrupt-controller");
    fdt_u32(f, intc, "#interrupt-cells", 1);
}

/*
 * /cpus: one node per hart and the cpu-map, one cluster per socket (QEMU's virt makes one
 * socket per NUMA node; without -numa that is a single socket whatever -smp sockets= says).
 */
static void virt_fdt_cpus(VirtMachineState *s, VirtFdt *f)
{
    MachineState *ms = MACHINE(s);
    int cpus = fdt_node(f, 0, "cpus");
    int map;

    fdt_u32(f, cpus, "timebase-frequency", VIRT_TIMEBASE_FREQ);
    fdt_u32(f, cpus, "#size-cells", 0);
    fdt_u32(f, cpus, "#address-cells", 1);
    map = fdt_node(f, cpus, "cpu-map");
    for (int c = s->num_sockets - 1; c >= 0; c--) {
        char name[32];

        snprintf(name, sizeof(name), "cluster%d", c);
        fdt_node(f, map, name);
    }
    for (int i = s->num_harts - 1; i >= 0; i--) {
        virt_fdt_cpu(s, f, cpus, i);
    }
    for (int c = s->num_sockets - 1; c >= 0; c--) {
        int first = riscv_socket_first_hartid(ms, c), n = riscv_socket_hart_count(ms, c);
        char path[64];
        int cluster;

        /* Adding nodes moved everything after them: find the cluster again. */
        snprintf(path, sizeof(path), "/cpus/cpu-map/cluster%d", c);
        cluster = fdt_check(f, dt_path_offset(f->fdt, path), "cluster");
        for (int k = n - 1; k >= 0; k--) {
            char name[32];
            int core;

            snprintf(name, sizeof(name), "core%d", k);
            core = fdt_node(f, cluster, name);
            fdt_u32(f, core, "cpu", s->cpu_phandles[first + k]);
        }
    }
}

static void virt_fdt_chosen(VirtFdt *f)
{
    int chosen = fdt_node(f, 0, "chosen");
    uint8_t seed[32];
    char stdout_path[64];

    snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%" PRIx64,
             virt_memmap[VIRT_UART0].base);
    fdt_str(f, chosen, "stdout-path", stdout_path);
    /* Linux seeds its entropy pool from this before any driver runs (-seed fixes it). */
    if (guest_getrandom(seed, sizeof(seed), false) == sizeof(seed)) {
        fdt_check(f, dt_setprop(f->fdt, chosen, "rng-seed", seed, sizeof(seed)), "rng-seed");
    }
}

static bool virt_fdt_devices(VirtMachineState *s, DeviceTree *fdt, Error **errp)
{
    int soc = dt_path_offset(fdt, "/soc");

    /* In creation order: each new node goes first, so the tree lists them in reverse,
     * as QEMU's does (rtc, serial, test, virtio_mmio@10008000 ... @10001000, plic, clint). */
    for (int i = 0; i < s->num_fdt_devices; i++) {
        VirtFDTDevice *d = &s->fdt_devices[i];
        DeviceClass *dc = DEVICE_GET_CLASS(d->dev);
        DeviceFDTContext ctx;

        ctx = (DeviceFDTContext){
            .fdt = fdt,
            .parent_path = "/soc",
            .parent = soc,
            .base = d->base,
            .size = d->size,
            .irq_parent = !d->num_irqs    ? 0
                          : d->irq_parent ? d->irq_parent
                                          : s->irqchip_phandles[0],
            .irq_type = s->irq_type,
            .irqs = d->irqs,
            .num_irqs = d->num_irqs,
            .hart_intc_phandles = s->intc_phandles + d->first_hart,
            .num_harts = d->num_harts,
            .phandle = d->phandle,
            .msi_parent = d->msi_parent,
        };

        if (dc->fdt_populate && !dc->fdt_populate(d->dev, &ctx, errp)) {
            return false;
        }
        /* A socket's CLINT or PLIC: the node just written is the first under /soc. */
        if (d->socket >= 0 && dc->fdt_populate) {
            int node;

            node = soc < 0 ? soc : dt_first_subnode(fdt, soc);
            int ret = node < 0 ? node : riscv_socket_fdt_write_id(MACHINE(s), fdt, node, d->socket);
            if (ret < 0) {
                error_setg(errp, "virt: device tree numa-node-id: %s", fdt_strerror(ret));
                return false;
            }
        }
    }
    return true;
}

/* One node for both flash banks, as QEMU's: reg lists each bank. */
static void virt_fdt_flash(VirtFdt *f)
{
    hwaddr base = virt_memmap[VIRT_FLASH].base;
    uint64_t bank = virt_memmap[VIRT_FLASH].size / VIRT_FLASH_BANKS;
    fdt64_t reg[2 * VIRT_FLASH_BANKS];
    char name[32];
    int node;

    for (int i = 0; i < VIRT_FLASH_BANKS; i++) {
        reg[2 * i] = cpu_to_fdt64(base + i * bank);
        reg[2 * i + 1] = cpu_to_fdt64(bank);
    }
    snprintf(name, sizeof(name), "flash@%" PRIx64, base);
    node = fdt_node(f, 0, name);
    fdt_str(f, node, "compatible", "cfi-flash");
    fdt_check(f, dt_setprop(f->fdt, node, "reg", reg, sizeof(reg)), "reg");
    fdt_u32(f, node, "bank-width", 4);
}

/* The nodes QEMU puts at the root, not under /soc: listed first (fw-cfg, flash, chosen). */
static bool virt_fdt_root_devices(VirtMachineState *s, VirtFdt *f, Error **errp)
{
    DeviceFDTContext ctx = {
        .fdt = f->fdt,
        .parent_path = "/",
        .base = virt_memmap[VIRT_FW_CFG].base,
        .size = virt_memmap[VIRT_FW_CFG].size,
    };
    DeviceClass *dc = DEVICE_GET_CLASS(s->fw_cfg);

    virt_fdt_flash(f);
    return f->err || dc->fdt_populate(s->fw_cfg, &ctx, errp);
}

/* Free space in the flattened tree for /chosen's bootargs (-append) and initrd bounds. */
static size_t virt_fdt_chosen_room(MachineState *ms)
{
    return 4 * KiB + (ms->kernel_cmdline ? strlen(ms->kernel_cmdline) : 0);
}

/*
 * With Sscofpmf, /pmu tells the SBI PMU of the firmware which counters count which SBI
 * hardware event, as QEMU writes it: cycles (1) on mcycle or mhpmcounter3..18, instructions
 * (2) on minstret or those (target/riscv/pmu.c counts no other event).
 */
static void virt_fdt_pmu(VirtMachineState *s, VirtFdt *f)
{
    static const uint32_t map[] = {0x01, 0x01, 0x7fff9, 0x02, 0x02, 0x7fffc};
    fdt32_t cells[ARRAY_SIZE(map)];
    int node;

    if (!s->num_harts || !s->harts[0]->ext_sscofpmf) {
        return;
    }
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        cells[i] = cpu_to_fdt32(map[i]);
    }
    node = fdt_node(f, 0, "pmu");
    fdt_check(f, dt_setprop(f->fdt, node, "riscv,event-to-mhpmcounters", cells, sizeof(cells)),
              "riscv,event-to-mhpmcounters");
    fdt_str(f, node, "compatible", "riscv,pmu");
}

static void virt_fdt_root(VirtMachineState *s, MachineState *ms, VirtFdt *f)
{
    int mem, soc;
    char name[32];

    /* Properties in reverse of the dumped order, as in virt_fdt_cpu. */
    fdt_str(f, 0, "model", "riscv-virtio,qemu");
    fdt_str(f, 0, "compatible", "riscv-virtio");
    fdt_u32(f, 0, "#size-cells", 2);
    fdt_u32(f, 0, "#address-cells", 2);

    soc = fdt_node(f, 0, "soc");
    fdt_empty(f, soc, "ranges");
    fdt_str(f, soc, "compatible", "simple-bus");
    fdt_u32(f, soc, "#size-cells", 2);
    fdt_u32(f, soc, "#address-cells", 2);

    virt_fdt_pmu(s, f);
    virt_fdt_cpus(s, f);
    /* One memory node per socket, its RAM in node order from the start of DRAM. */
    for (int i = s->num_sockets - 1; i >= 0; i--) {
        hwaddr base = virt_memmap[VIRT_DRAM].base + riscv_socket_mem_offset(ms, i);

        snprintf(name, sizeof(name), "memory@%" PRIx64, base);
        mem = fdt_node(f, 0, name);
        fdt_reg64(f, mem, base, riscv_socket_mem_size(ms, i));
        fdt_str(f, mem, "device_type", "memory");
        fdt_check(f, riscv_socket_fdt_write_id(ms, f->fdt, mem, i), "numa-node-id");
    }
    fdt_check(f, riscv_socket_fdt_write_distance_matrix(ms, f->fdt), "distance-map");
}

static void *virt_create_fdt(VirtMachineState *s, MachineState *ms, Error **errp)
{
    VirtFdt f = {.fdt = dt_new()};
    void *blob = NULL;

    virt_fdt_root(s, ms, &f);
    if (!f.err && !virt_fdt_devices(s, f.fdt, errp)) {
        goto out;
    }
    virt_fdt_chosen(&f); /* after the test device's poweroff/reboot: listed before them */
    if (!f.err && !virt_fdt_root_devices(s, &f, errp)) {
        goto out;
    }
    if (f.err) {
        error_setg(errp, "virt: device tree %s: %s", f.what, fdt_strerror(f.err));
        goto out;
    }
    blob = dt_to_fdt(f.fdt, virt_fdt_chosen_room(ms), errp);
out:
    dt_free(f.fdt);
    return blob;
}

/* On the flattened tree, the board's or -dtb's: libfdt's read-write calls. */
static bool virt_fdt_bootargs(MachineState *ms, Error **errp)
{
    int chosen = fdt_path_offset(ms->fdt, "/chosen");
    int err = 0;

    if (chosen < 0) {
        chosen = fdt_add_subnode(ms->fdt, 0, "chosen");
    }
    if (chosen < 0) {
        err = chosen;
    } else if (ms->kernel_cmdline && *ms->kernel_cmdline) {
        err = fdt_setprop_string(ms->fdt, chosen, "bootargs", ms->kernel_cmdline);
    }
    if (err < 0) {
        error_setg(errp, "device tree %s: %s", chosen < 0 ? "chosen" : "bootargs",
                   fdt_strerror(err));
        return false;
    }
    return true;
}

/*
 * Firmware at the start of DRAM, then the kernel (if load_kernel); *images_end = the end of
 * what was loaded.
 */
static bool virt_load_images(MachineState *ms, bool load_kernel, uint64_t *kernel_entry,
                             hwaddr *kernel_end, hwaddr *images_end, Error **errp)
{
    hwaddr dram = virt_memmap[VIRT_DRAM].base;
    hwaddr firmware_end = dram;
    char *firmware;
    bool ok;

    if (!riscv_find_firmware(ms->firmware, &firmware, errp)) {
        return false;
    }
    ok = !firmware || riscv_load_firmware(firmware, dram, ms->ram_size, &firmware_end, errp);
    free(firmware);
    *kernel_entry = 0;
    *kernel_end = *images_end = firmware_end;
    if (ok && load_kernel && ms->kernel_filename) {
        ok = riscv_load_kernel(ms, dram, riscv_calc_kernel_start_addr(firmware_end), kernel_entry,
                               kernel_end, errp);
        *images_end = MAX(firmware_end, *kernel_end);
    }
    return ok;
}

/* Runs once every device exists: images, device tree, reset vector. */
static bool virt_machine_done(MachineInitDoneNotifier *n, MachineState *ms, Error **errp)
{
    VirtMachineState *s = container_of(n, VirtMachineState, machine_done);
    hwaddr dram = virt_memmap[VIRT_DRAM].base;
    hwaddr flash = virt_memmap[VIRT_FLASH].base;
    hwaddr kernel_end, images_end, initrd_end, fdt_addr;
    uint64_t kernel_entry;
    /* QEMU 7.2's rule for an S-mode firmware in flash 1 (EDK2): the firmware in DRAM enters
     * it, and the kernel, initrd and command line wait in fw_cfg for it to load them. */
    bool kernel_in_fw_cfg = s->has_flash_image[1];

    if (ms->initrd_filename && !ms->kernel_filename) {
        error_setg(errp, "-initrd requires -kernel");
        return false;
    }
    if (!virt_load_images(ms, !kernel_in_fw_cfg, &kernel_entry, &kernel_end, &images_end, errp)) {
        return false;
    }
    if (kernel_in_fw_cfg) {
        kernel_entry = flash + virt_memmap[VIRT_FLASH].size / VIRT_FLASH_BANKS;
        if (!fw_cfg_add_kernel_images(FW_CFG(s->fw_cfg), ms->kernel_filename, ms->initrd_filename,
                                      ms->kernel_cmdline, errp)) {
            return false;
        }
    }
    /* A -dtb tree gets room for the /chosen properties added below. */
    ms->fdt = ms->dtb ? load_device_tree(
                            ms->dtb,
                            64 * KiB + (ms->kernel_cmdline ? strlen(ms->kernel_cmdline) : 0), errp)
                      : virt_create_fdt(s, ms, errp);
    if (!ms->fdt || !virt_fdt_bootargs(ms, errp)) {
        return false;
    }
    if (ms->initrd_filename && !kernel_in_fw_cfg) {
        if (!riscv_load_initrd(ms, dram, kernel_entry, kernel_end, &initrd_end, errp)) {
            return false;
        }
        images_end = MAX(images_end, initrd_end);
    }
    if (!riscv_load_fdt(ms->fdt, dram, ms->ram_size, images_end, &fdt_addr, errp)) {
        return false;
    }
    ms->fdt_size = fdt_totalsize(ms->fdt);
    /* Every hart starts in the ROM and jumps to DRAM: the firmware, or with -bios none the
     * program itself. OpenSBI then enters the kernel at kernel_entry in S-mode. As QEMU
     * 7.2, an image in flash 0 is M-mode firmware: the harts jump there instead (the
     * firmware in DRAM stays loaded). */
    riscv_setup_rom_reset_vec(virt_memmap[VIRT_MROM].base, s->has_flash_image[0] ? flash : dram,
                              kernel_entry, fdt_addr);
    return true;
}

/* ---- the machine type ---- */

static const Property virt_props[] = {
    DEFINE_PROP_BOOL("aclint", VirtMachineState, aclint, false),
    DEFINE_PROP_STRING("aia", VirtMachineState, aia),
    DEFINE_PROP_UINT32("aia-guests", VirtMachineState, aia_guests, 0),
    DEFINE_PROP_END,
};

static void virt_machine_finalize(Object *obj)
{
    VirtMachineState *s = VIRT_MACHINE(obj);

    free(s->harts);
    free(s->cpu_phandles);
    free(s->intc_phandles);
    free(s->fdt_devices);
}

static void virt_machine_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "virt";
    mc->desc = "RISC-V VirtIO board";
    mc->is_default = true;
    mc->init = virt_machine_init;
    mc->max_cpus = VIRT_CPUS_MAX;
    mc->default_cpu_type = TYPE_RISCV_CPU_RV64;
    mc->default_ram_size = 128 * MiB;
    mc->default_ram_id = "riscv.dram";
    mc->device_plug = virt_device_plug;
    mc->device_unplug = virt_device_unplug;
    object_class_add_props(oc, virt_props);
}

static const TypeInfo virt_machine_info = {
    .name = TYPE_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(VirtMachineState),
    .class_init = virt_machine_class_init,
    .instance_finalize = virt_machine_finalize,
};

static void virt_machine_register_types(void)
{
    type_register_static(&virt_machine_info);
}

type_init(virt_machine_register_types)
