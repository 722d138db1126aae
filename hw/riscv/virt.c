/*
 * The RISC-V "virt" board (QEMU's -M virt): harts, RAM, the mask ROM with the
 * reset vector, CLINT or ACLINT, PLIC, 16550 UART, Goldfish RTC and the
 * SiFive test device, at QEMU's addresses and interrupt numbers, described to
 * the guest by a device tree built here with libfdt.
 *
 * The start-up path: virt_machine_init() builds the hardware when the
 * machine is created; virt_machine_done() runs once every device exists and
 * loads firmware, kernel and initrd, writes the device tree and the reset
 * vector (docs/walkthrough.md follows this in gdb).
 */
#include "hw/riscv/virt.h"

#include <errno.h>
#include <inttypes.h>
#include <libfdt.h>
#include <sys/random.h>

#include "hw/char/serial.h"
#include "hw/core/sysbus.h"
#include "hw/intc/riscv_aclint.h"
#include "hw/intc/sifive_plic.h"
#include "hw/misc/sifive_test.h"
#include "hw/riscv/boot.h"
#include "hw/rtc/goldfish_rtc.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/system.h"
#include "util/log.h"

const MemMapEntry virt_memmap[VIRT_MEMMAP_COUNT] = {
    [VIRT_DEBUG] = {0x0, 0x100},          [VIRT_MROM] = {0x1000, 0xf000},
    [VIRT_TEST] = {0x100000, 0x1000},     [VIRT_RTC] = {0x101000, 0x1000},
    [VIRT_CLINT] = {0x2000000, 0x10000},  [VIRT_ACLINT_SSWI] = {0x2f00000, 0x4000},
    [VIRT_PLIC] = {0xc000000, 0x600000},  [VIRT_UART0] = {0x10000000, 0x100},
    [VIRT_VIRTIO] = {0x10001000, 0x1000}, [VIRT_DRAM] = {0x80000000, 0x0},
};

#define VIRT_TIMEBASE_FREQ 10000000

/* Remember a placed device so virt_create_fdt() asks it for its node. */
static VirtFDTDevice *virt_fdt_add(VirtMachineState *s, DeviceState *dev, int map_index)
{
    VirtFDTDevice *d;

    if (s->num_fdt_devices == VIRT_MAX_FDT_DEVICES) {
        error_report("virt: too many devices");
        exit(1);
    }
    d = &s->fdt_devices[s->num_fdt_devices++];
    *d = (VirtFDTDevice){
        .dev = dev, .base = virt_memmap[map_index].base, .size = virt_memmap[map_index].size};
    return d;
}

static void virt_create_harts(VirtMachineState *s, MachineState *ms)
{
    Object *soc = container_get(OBJECT(ms), "soc0");

    s->num_harts = ms->smp.cpus;
    s->harts = xnew0(RISCVCPU *, s->num_harts);
    for (int i = 0; i < s->num_harts; i++) {
        DeviceState *dev = qdev_new(ms->cpu_type);
        char name[32];

        object_property_set_int(OBJECT(dev), "hartid", i, &error_fatal);
        object_property_set_int(OBJECT(dev), "resetvec", virt_memmap[VIRT_MROM].base, &error_fatal);
        snprintf(name, sizeof(name), "harts[%d]", i);
        object_property_add_child(soc, name, OBJECT(dev));
        if (!qdev_realize_and_unref(dev, &error_fatal)) {
            exit(1);
        }
        s->harts[i] = RISCV_CPU(dev);
    }
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

static void virt_create_memory(VirtMachineState *s, MachineState *ms)
{
    MemoryRegion *sysmem = get_system_memory();

    memory_region_add_subregion(sysmem, virt_memmap[VIRT_DRAM].base, &ms->ram);
    if (!memory_region_init_rom(&s->mrom, "riscv_virt_board.mrom", virt_memmap[VIRT_MROM].size,
                                &error_fatal)) {
        exit(1);
    }
    memory_region_add_subregion(sysmem, virt_memmap[VIRT_MROM].base, &s->mrom);
}

/* The timer and software interrupts: SiFive CLINT (QEMU's default) or ACLINT (aclint=on). */
static void virt_create_clint(VirtMachineState *s)
{
    hwaddr base = virt_memmap[VIRT_CLINT].base;
    VirtFDTDevice *d;

    if (!s->aclint) {
        /* One "clint@2000000" node, written by the MSWI half. */
        virt_fdt_add(s, riscv_aclint_create_clint(base, 0, s->num_harts), VIRT_CLINT);
        return;
    }
    d = virt_fdt_add(s, riscv_aclint_swi_create(base, 0, s->num_harts, false), VIRT_CLINT);
    d->size = RISCV_ACLINT_SWI_SIZE;
    d = virt_fdt_add(
        s,
        riscv_aclint_mtimer_create(base + RISCV_ACLINT_SWI_SIZE, RISCV_ACLINT_DEFAULT_MTIMER_SIZE,
                                   0, s->num_harts, RISCV_ACLINT_DEFAULT_MTIMECMP,
                                   RISCV_ACLINT_DEFAULT_MTIME, VIRT_TIMEBASE_FREQ, true),
        VIRT_CLINT);
    d->base += RISCV_ACLINT_SWI_SIZE;
    d->size = RISCV_ACLINT_DEFAULT_MTIMER_SIZE;
    virt_fdt_add(s,
                 riscv_aclint_swi_create(virt_memmap[VIRT_ACLINT_SSWI].base, 0, s->num_harts, true),
                 VIRT_ACLINT_SSWI);
}

static void virt_create_plic(VirtMachineState *s)
{
    VirtFDTDevice *d;

    s->plic =
        sifive_plic_create(virt_memmap[VIRT_PLIC].base, 0, s->num_harts, VIRT_IRQCHIP_NUM_SOURCES,
                           VIRT_IRQCHIP_NUM_PRIORITIES, virt_memmap[VIRT_PLIC].size);
    s->plic_phandle = s->next_phandle++;
    d = virt_fdt_add(s, s->plic, VIRT_PLIC);
    d->phandle = s->plic_phandle;
}

/* A sysbus device at map_index, its irq 0 (if irq > 0) wired to PLIC source irq. */
static VirtFDTDevice *virt_create_sysbus(VirtMachineState *s, DeviceState *dev, int map_index,
                                         int irq)
{
    VirtFDTDevice *d;

    if (!qdev_realize_and_unref(dev, &error_fatal)) {
        exit(1);
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, virt_memmap[map_index].base);
    d = virt_fdt_add(s, dev, map_index);
    if (irq > 0) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), 0, qdev_get_gpio_in(s->plic, irq));
        d->irqs[0] = irq;
        d->num_irqs = 1;
    }
    return d;
}

static void virt_create_devices(VirtMachineState *s)
{
    DeviceState *uart = qdev_new(TYPE_SERIAL_MM);

    virt_create_sysbus(s, qdev_new(TYPE_SIFIVE_TEST), VIRT_TEST, 0)->phandle = s->next_phandle++;
    /* vl.c names the first serial port's backend "serial0". */
    if (serial_hd(0)) {
        object_property_set_str(OBJECT(uart), "chardev", "serial0", &error_fatal);
    }
    virt_create_sysbus(s, uart, VIRT_UART0, VIRT_UART0_IRQ);
    virt_create_sysbus(s, qdev_new(TYPE_GOLDFISH_RTC), VIRT_RTC, VIRT_RTC_IRQ);
}

/* QEMU's eight virtio-mmio transports, always present (empty ones have device ID 0). */
static void virt_create_virtio_transports(VirtMachineState *s)
{
    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        hwaddr base = virt_memmap[VIRT_VIRTIO].base + i * virt_memmap[VIRT_VIRTIO].size;
        int irq = VIRT_VIRTIO_IRQ + i;
        DeviceState *dev = virtio_mmio_create(base, qdev_get_gpio_in(s->plic, irq));
        VirtFDTDevice *d = virt_fdt_add(s, dev, VIRT_VIRTIO);

        d->base = base;
        d->irqs[0] = irq;
        d->num_irqs = 1;
    }
}

/* -device: virtio devices take the next free transport. */
static bool virt_device_plug(MachineState *ms, DeviceState *dev, Error **errp)
{
    if (object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE)) {
        return virtio_mmio_plug(dev, errp);
    }
    return true;
}

static bool virt_device_unplug(MachineState *ms, DeviceState *dev, Error **errp)
{
    if (object_dynamic_cast(OBJECT(dev), TYPE_VIRTIO_DEVICE)) {
        return virtio_mmio_unplug(dev, errp);
    }
    error_setg(errp, "Device '%s' does not support hotplugging", dev->id ? dev->id : "");
    return false;
}

static void virt_machine_done(Notifier *n, void *data);

static void virt_machine_init(MachineState *ms)
{
    VirtMachineState *s = VIRT_MACHINE(ms);

    if (s->aia && strcmp(s->aia, "none") != 0) {
        error_report("-machine aia=%s: only aia=none is supported", s->aia);
        exit(1);
    }
    virt_create_harts(s, ms);
    virt_alloc_cpu_phandles(s);
    virt_create_memory(s, ms);
    virt_create_clint(s);
    virt_create_plic(s);
    virt_create_virtio_transports(s);
    virt_create_devices(s);
    s->machine_done.notify = virt_machine_done;
    machine_add_init_done_notifier(&s->machine_done);
}

/* ---- the device tree ---- */

/* libfdt calls return a negative error code; building our own tree cannot fail but for bugs. */
static void fdt_ok(int err, const char *what)
{
    if (err < 0) {
        error_report("virt: device tree %s: %s", what, fdt_strerror(err));
        exit(1);
    }
}

static int fdt_node(void *fdt, int parent, const char *name)
{
    int node = fdt_add_subnode(fdt, parent, name);

    fdt_ok(node, name);
    return node;
}

static void fdt_reg64(void *fdt, int node, hwaddr base, uint64_t size)
{
    fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};

    fdt_ok(fdt_setprop(fdt, node, "reg", reg, sizeof(reg)), "reg");
}

/*
 * libfdt inserts each new property and subnode in front of the existing ones, so properties
 * are written here in the reverse of the order a dump shows, and nodes last to first: the
 * dump then reads like QEMU's (cpu@0 .. cpu@N-1, then cpu-map; phandle first in a cpu node).
 */
static void virt_fdt_cpu(VirtMachineState *s, void *fdt, int cpus, int i)
{
    RISCVCPU *cpu = s->harts[i];
    char name[32];
    int node, intc;

    snprintf(name, sizeof(name), "cpu@%u", cpu->hartid);
    node = fdt_node(fdt, cpus, name);
    fdt_ok(fdt_setprop_string(fdt, node, "mmu-type", "riscv,sv48"), "cpu mmu");
    fdt_ok(fdt_setprop_string(fdt, node, "riscv,isa", riscv_isa_string(cpu)), "cpu isa");
    fdt_ok(fdt_setprop_string(fdt, node, "compatible", "riscv"), "cpu");
    fdt_ok(fdt_setprop_string(fdt, node, "status", "okay"), "cpu");
    fdt_ok(fdt_setprop_u32(fdt, node, "reg", cpu->hartid), "cpu reg");
    fdt_ok(fdt_setprop_string(fdt, node, "device_type", "cpu"), "cpu");
    fdt_ok(fdt_setprop_u32(fdt, node, "phandle", s->cpu_phandles[i]), "cpu phandle");

    intc = fdt_node(fdt, node, "interrupt-controller");
    fdt_ok(fdt_setprop_u32(fdt, intc, "phandle", s->intc_phandles[i]), "intc phandle");
    fdt_ok(fdt_setprop_string(fdt, intc, "compatible", "riscv,cpu-intc"), "intc");
    fdt_ok(fdt_setprop(fdt, intc, "interrupt-controller", NULL, 0), "intc");
    fdt_ok(fdt_setprop_u32(fdt, intc, "#interrupt-cells", 1), "intc");
}

/*
 * /cpus: one node per hart and the cpu-map. QEMU's virt makes one socket per NUMA node (one
 * cluster, one CLINT and one PLIC each); without -numa, which we do not implement, that is a
 * single socket whatever -smp sockets= says, so the map is one cluster of all harts.
 */
static void virt_fdt_cpus(VirtMachineState *s, void *fdt)
{
    int cpus = fdt_node(fdt, 0, "cpus");
    int map, cluster;

    fdt_ok(fdt_setprop_u32(fdt, cpus, "timebase-frequency", VIRT_TIMEBASE_FREQ), "cpus");
    fdt_ok(fdt_setprop_u32(fdt, cpus, "#size-cells", 0), "cpus");
    fdt_ok(fdt_setprop_u32(fdt, cpus, "#address-cells", 1), "cpus");
    map = fdt_node(fdt, cpus, "cpu-map");
    fdt_node(fdt, map, "cluster0");
    for (int i = s->num_harts - 1; i >= 0; i--) {
        virt_fdt_cpu(s, fdt, cpus, i);
    }
    /* Adding nodes moved everything after them: find the cluster again. */
    cluster = fdt_path_offset(fdt, "/cpus/cpu-map/cluster0");
    fdt_ok(cluster, "cluster0");
    for (int i = s->num_harts - 1; i >= 0; i--) {
        char name[32];
        int core;

        snprintf(name, sizeof(name), "core%d", i);
        core = fdt_node(fdt, cluster, name);
        fdt_ok(fdt_setprop_u32(fdt, core, "cpu", s->cpu_phandles[i]), "cpu-map");
    }
}

static void virt_fdt_chosen(MachineState *ms, void *fdt)
{
    int chosen = fdt_node(fdt, 0, "chosen");
    uint8_t seed[32];
    char stdout_path[64];

    snprintf(stdout_path, sizeof(stdout_path), "/soc/serial@%" PRIx64,
             virt_memmap[VIRT_UART0].base);
    fdt_ok(fdt_setprop_string(fdt, chosen, "stdout-path", stdout_path), "chosen");
    /* Linux seeds its entropy pool from this before any driver runs. */
    if (getrandom(seed, sizeof(seed), 0) == sizeof(seed)) {
        fdt_ok(fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof(seed)), "rng-seed");
    }
}

static void virt_fdt_devices(VirtMachineState *s, void *fdt)
{
    /* In creation order: libfdt puts each new node first, so the tree lists them in reverse,
     * as QEMU's does (rtc, serial, test, virtio_mmio@10008000 ... @10001000, plic, clint). */
    for (int i = 0; i < s->num_fdt_devices; i++) {
        VirtFDTDevice *d = &s->fdt_devices[i];
        DeviceClass *dc = DEVICE_GET_CLASS(d->dev);
        DeviceFDTContext ctx = {
            .fdt = fdt,
            .parent_path = "/soc",
            .base = d->base,
            .size = d->size,
            .irq_parent = d->num_irqs ? s->plic_phandle : 0,
            .irqs = d->irqs,
            .num_irqs = d->num_irqs,
            .hart_intc_phandles = s->intc_phandles,
            .num_harts = s->num_harts,
            .phandle = d->phandle,
        };

        if (dc->fdt_populate && !dc->fdt_populate(d->dev, &ctx, &error_fatal)) {
            exit(1);
        }
    }
}

static void *virt_create_fdt(VirtMachineState *s, MachineState *ms)
{
    size_t size = 64 * KiB;
    void *fdt = xzalloc(size);
    int mem, soc;
    char name[32];

    /* Properties in reverse of the dumped order, as in virt_fdt_cpu. */
    fdt_ok(fdt_create_empty_tree(fdt, size), "create");
    fdt_ok(fdt_setprop_string(fdt, 0, "model", "riscv-virtio,qemu"), "root");
    fdt_ok(fdt_setprop_string(fdt, 0, "compatible", "riscv-virtio"), "root");
    fdt_ok(fdt_setprop_u32(fdt, 0, "#size-cells", 2), "root");
    fdt_ok(fdt_setprop_u32(fdt, 0, "#address-cells", 2), "root");

    soc = fdt_node(fdt, 0, "soc");
    fdt_ok(fdt_setprop(fdt, soc, "ranges", NULL, 0), "soc");
    fdt_ok(fdt_setprop_string(fdt, soc, "compatible", "simple-bus"), "soc");
    fdt_ok(fdt_setprop_u32(fdt, soc, "#size-cells", 2), "soc");
    fdt_ok(fdt_setprop_u32(fdt, soc, "#address-cells", 2), "soc");

    virt_fdt_cpus(s, fdt);
    snprintf(name, sizeof(name), "memory@%" PRIx64, virt_memmap[VIRT_DRAM].base);
    mem = fdt_node(fdt, 0, name);
    fdt_reg64(fdt, mem, virt_memmap[VIRT_DRAM].base, ms->ram_size);
    fdt_ok(fdt_setprop_string(fdt, mem, "device_type", "memory"), "memory");
    virt_fdt_devices(s, fdt);
    virt_fdt_chosen(ms, fdt); /* after the test device's poweroff/reboot: listed before them */
    return fdt;
}

/* -dtb FILE: the user's tree, with room to add /chosen properties. */
static void *virt_load_user_fdt(const char *path, Error **errp)
{
    FILE *f = fopen(path, "rb");
    size_t cap = 1 * MiB, n;
    void *buf = xzalloc(cap), *fdt = NULL;

    if (!f) {
        error_setg_errno(errp, errno, "%s: cannot open device tree", path);
        free(buf);
        return NULL;
    }
    n = fread(buf, 1, cap, f);
    fclose(f);
    if (n < sizeof(struct fdt_header) || fdt_check_header(buf) != 0 || fdt_totalsize(buf) > n) {
        error_setg(errp, "%s: not a valid flattened device tree", path);
    } else {
        fdt = xzalloc(fdt_totalsize(buf) + 64 * KiB);
        if (fdt_open_into(buf, fdt, fdt_totalsize(buf) + 64 * KiB) != 0) {
            error_setg(errp, "%s: malformed device tree", path);
            free(fdt);
            fdt = NULL;
        }
    }
    free(buf);
    return fdt;
}

static void virt_fdt_bootargs(MachineState *ms)
{
    int chosen = fdt_path_offset(ms->fdt, "/chosen");

    if (chosen < 0) {
        chosen = fdt_node(ms->fdt, 0, "chosen");
    }
    if (ms->kernel_cmdline && *ms->kernel_cmdline) {
        fdt_ok(fdt_setprop_string(ms->fdt, chosen, "bootargs", ms->kernel_cmdline), "bootargs");
    }
}

static void virt_dump_fdt(MachineState *ms)
{
    FILE *f = fopen(ms->dumpdtb, "wb");

    fdt_ok(fdt_pack(ms->fdt), "pack");
    if (!f || fwrite(ms->fdt, 1, fdt_totalsize(ms->fdt), f) != fdt_totalsize(ms->fdt) ||
        fclose(f) != 0) {
        error_report("dumpdtb=%s: cannot write: %s", ms->dumpdtb, strerror(errno));
        exit(1);
    }
    exit(0);
}

/* Runs once every device exists: images, device tree, reset vector. */
static void virt_machine_done(Notifier *n, void *data)
{
    VirtMachineState *s = container_of(n, VirtMachineState, machine_done);
    MachineState *ms = MACHINE(s);
    hwaddr dram = virt_memmap[VIRT_DRAM].base;
    hwaddr firmware_end = dram, fdt_addr;
    uint64_t kernel_entry = 0;
    char *firmware;

    if (!riscv_find_firmware(ms->firmware, &firmware, &error_fatal)) {
        exit(1);
    }
    if (firmware &&
        !riscv_load_firmware(firmware, dram, ms->ram_size, &firmware_end, &error_fatal)) {
        exit(1);
    }
    free(firmware);
    if (ms->kernel_filename && !riscv_load_kernel(ms, riscv_calc_kernel_start_addr(firmware_end),
                                                  &kernel_entry, &error_fatal)) {
        exit(1);
    }
    ms->fdt = ms->dtb ? virt_load_user_fdt(ms->dtb, &error_fatal) : virt_create_fdt(s, ms);
    virt_fdt_bootargs(ms);
    if (ms->initrd_filename) {
        if (!ms->kernel_filename) {
            error_report("-initrd requires -kernel");
            exit(1);
        }
        if (!riscv_load_initrd(ms, dram, kernel_entry, &error_fatal)) {
            exit(1);
        }
    }
    if (ms->dumpdtb) {
        virt_dump_fdt(ms);
    }
    fdt_addr = riscv_compute_fdt_addr(dram, ms->ram_size, ms->fdt);
    if (!riscv_load_fdt(ms->fdt, fdt_addr, &error_fatal)) {
        exit(1);
    }
    ms->fdt_size = fdt_totalsize(ms->fdt);
    /* Every hart starts in the ROM and jumps to DRAM: the firmware, or with -bios none the
     * program itself. OpenSBI then enters the kernel at kernel_entry in S-mode. */
    riscv_setup_rom_reset_vec(virt_memmap[VIRT_MROM].base, dram, kernel_entry, fdt_addr);
}

/* ---- the machine type ---- */

static const Property virt_props[] = {
    DEFINE_PROP_BOOL("aclint", VirtMachineState, aclint, false),
    DEFINE_PROP_STRING("aia", VirtMachineState, aia),
    DEFINE_PROP_END,
};

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
    mc->device_plug = virt_device_plug;
    mc->device_unplug = virt_device_unplug;
    object_class_add_props(oc, virt_props);
}

static const TypeInfo virt_machine_info = {
    .name = TYPE_VIRT_MACHINE,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(VirtMachineState),
    .class_init = virt_machine_class_init,
};

static void virt_machine_register_types(void)
{
    type_register_static(&virt_machine_info);
}

type_init(virt_machine_register_types)
