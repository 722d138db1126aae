/*
 * The q35 PC (QEMU's "-M q35", pc_q35_init), first steps: what SeaBIOS needs
 * to start. The walk is QEMU's: create the CPUs (qemu64), pc_memory_init
 * (RAM below 4 GiB at 0, the rest above 4 GiB; the BIOS at the top of 4 GiB
 * with its last 128 KiB aliased at 0xe0000), the I/O port space, then the
 * chipset devices at their ISA ports; machine-done loads nothing more (the
 * BIOS finds the kernel through fw_cfg, hw/i386/x86-boot.c).
 *
 * Memory map (QEMU's for q35):
 *   0x00000000  RAM below 4 GiB: all of it, or 2 GiB when RAM >= 0xb0000000
 *   0x000c0000  PAM segments: RAM or, at 0xe0000-0xfffff, the isa-bios alias
 *   lowmem..    the PCI memory window (bus addresses = CPU addresses)
 *   4G - size   the BIOS ROM ("pc.bios", 256 KiB for bios-256k.bin)
 *   0x100000000 RAM above 4 GiB
 * I/O ports:
 *   0x20/0xa0 8259 PICs, 0x40 PIT, 0x60/0x64 8042 keyboard controller (IRQ 1),
 *   0x61 port B, 0x70 CMOS/RTC, 0x92 port A
 *   (A20, fast reset), 0x3f8 COM1 (IRQ 4), 0x402 -debugcon, 0xcf8/0xcfc PCI
 *   configuration (Q35 MCH at 00:00.0), 0xcf9 reset control.
 * PCI: the MCH at 00:00.0, the ICH9 LPC bridge at 00:1f.0 and AHCI at 00:1f.2 (the disks of
 * -hda/-drive if=ide, port n = bus ide.n); -device and -nic cards from slot 1.
 *
 * fw_cfg: hw/i386/x86-boot.c puts its I/O-port front end at 0x510 with the
 * e820 map, and -kernel's pieces for the linuxboot option ROM. The CMOS bytes
 * written here are what SeaBIOS sizes RAM from on a board without fw_cfg.
 */
#include "hw/i386/acpi-build.h"
#include "hw/i386/pc-boot.h"
#include "hw/i386/pc.h"
#include "hw/i386/x86-boot.h"

#include <errno.h>
#include <sys/stat.h>

#include "chardev/char.h"
#include "hw/char/debugcon.h"
#include "hw/char/serial.h"
#include "hw/display/ramfb.h"
#include "hw/ide/ahci.h"
#include "hw/input/i8042.h"
#include "hw/intc/i8259.h"
#include "hw/intc/ioapic.h"
#include "hw/isa/ich9_lpc.h"
#include "hw/pci-host/q35.h"
#include "hw/rtc/mc146818rtc.h"
#include "hw/smbios/smbios.h"
#include "hw/timer/hpet.h"
#include "hw/timer/i8254.h"
#include "hw/usb/usb.h"
#include "system/runstate.h"
#include "system/system.h"
#include "target/i386/cpu.h"

#define PC_BIOS_DIRS                                                                               \
    {                                                                                              \
        "/usr/share/seabios/", "/usr/share/qemu/"                                                  \
    }
#define PC_BIOS_DEFAULT "bios-256k.bin"
#define PC_ISA_BIOS_SIZE (128 * KiB)
#define PC_LOWMEM_LIMIT 0xb0000000ULL /* RAM at or above this: only 2 GiB below 4 GiB */
#define PC_PCI_HOLE_END 0xfec00000ULL
#define COM1_PORT 0x3f8
#define COM1_IRQ 4
/* The versioned machine type Kestrel's q35 models: SMBIOS names it as the product version. */
#define PC_Q35_VERSIONED "pc-q35-7.2"
#define PC_Q35_DESC "Standard PC (Q35 + ICH9, 2009)"

/* ---- port 0x92: system control port A (fast A20 and fast reset) ---- */

static uint64_t port92_read(void *opaque, hwaddr addr, unsigned size)
{
    return PC_MACHINE(opaque)->port92;
}

static void port92_write(void *opaque, hwaddr addr, uint64_t data, unsigned size)
{
    PCMachineState *s = PC_MACHINE(opaque);

    s->port92 = data & 0x02; /* A20 is always enabled here: kept for reads only */
    if (data & 0x01) {
        reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
    }
}

static const MemoryRegionOps port92_ops = {
    .read = port92_read,
    .write = port92_write,
    .valid = {.min_access_size = 1, .max_access_size = 1},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- memory ---- */

static bool pc_find_bios(const char *name, char **path, Error **errp)
{
    static const char *const dirs[] = PC_BIOS_DIRS;
    struct stat st;

    if (!name || !strcmp(name, "default")) {
        name = PC_BIOS_DEFAULT;
    }
    if (strchr(name, '/')) {
        *path = xstrdup(name);
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        *path = xasprintf("%s%s", dirs[i], name);
        if (stat(*path, &st) == 0) {
            return true;
        }
        free(*path);
    }
    error_setg(errp, "could not find BIOS '%s' (install Debian's seabios package)", name);
    return false;
}

/* The BIOS image at the top of 4 GiB and its last 128 KiB at 0xe0000 (as QEMU's pc.bios). */
static bool pc_system_firmware_init(PCMachineState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);
    char *path;
    int64_t size;
    bool ok;

    if (!pc_find_bios(ms->firmware, &path, errp)) {
        return false;
    }
    size = get_image_size(path);
    if (size <= 0 || size % (64 * KiB) || size > (int64_t)(16 * MiB)) {
        error_setg(errp, "could not load PC BIOS '%s'%s", path,
                   size < 0 ? ": cannot read it"
                            : ": its size must be a non-zero multiple of 64 KiB up to 16 MiB");
        free(path);
        return false;
    }
    ok = memory_region_init_rom(&s->bios, "pc.bios", size, errp);
    if (ok) {
        memory_region_add_subregion(get_system_memory(), (4 * GiB) - size, &s->bios);
        uint64_t loaded;
        ok = load_image_targphys(path, (4 * GiB) - size, size, address_space_memory(), &loaded,
                                 errp);
    }
    free(path);
    if (!ok) {
        return false;
    }
    uint64_t isa_size = MIN((uint64_t)size, PC_ISA_BIOS_SIZE);
    memory_region_init_alias(&s->isa_bios, "isa-bios", &s->bios, size - isa_size, isa_size);
    memory_region_add_subregion_overlap(get_system_memory(), 1 * MiB - isa_size, &s->isa_bios, 1);
    return true;
}

static void pc_memory_init(PCMachineState *s)
{
    MachineState *ms = MACHINE(s);
    MemoryRegion *sysmem = get_system_memory();
    uint64_t lowmem = ms->ram_size >= PC_LOWMEM_LIMIT ? 2 * GiB : PC_LOWMEM_LIMIT;

    s->below_4g = MIN(ms->ram_size, lowmem);
    s->above_4g = ms->ram_size - s->below_4g;
    memory_region_init_alias(&s->ram_below_4g, "ram-below-4g", &ms->ram, 0, s->below_4g);
    memory_region_add_subregion(sysmem, 0, &s->ram_below_4g);
    if (s->above_4g) {
        memory_region_init_alias(&s->ram_above_4g, "ram-above-4g", &ms->ram, s->below_4g,
                                 s->above_4g);
        memory_region_add_subregion(sysmem, 4 * GiB, &s->ram_above_4g);
    }
    /* The PCI memory space: bus addresses = CPU addresses in the hole below 4 GiB. */
    memory_region_init(&s->pci_mem, "pci-memory", UINT64_MAX);
    memory_region_init_alias(&s->pci_hole, "pci-hole", &s->pci_mem, s->below_4g,
                             PC_PCI_HOLE_END - s->below_4g);
    memory_region_add_subregion_overlap(sysmem, s->below_4g, &s->pci_hole, -1);
    /* The legacy VGA window goes to PCI, over RAM (the MCH's SMRAM closed, as SeaBIOS leaves
     * it): whatever VGA card is on the bus answers there. */
    memory_region_init_alias(&s->vga_window, "vga-window", &s->pci_mem, 0xa0000, 0x20000);
    memory_region_add_subregion_overlap(sysmem, 0xa0000, &s->vga_window, 1);
}

/* The CMOS bytes SeaBIOS sizes memory from without fw_cfg (its qemu_preinit's rtc reads). */
static void pc_cmos_init(PCMachineState *s)
{
    uint64_t ext = s->below_4g > 1 * MiB ? (s->below_4g - 1 * MiB) / KiB : 0;
    uint64_t ext2 = s->below_4g > 16 * MiB ? (s->below_4g - 16 * MiB) / (64 * KiB) : 0;
    uint64_t high = s->above_4g / (64 * KiB);

    ext = MIN(ext, 0xfc00);
    ext2 = MIN(ext2, 0xffff);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_BASE_LOW, 640 & 0xff);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_BASE_HIGH, 640 >> 8);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_EXTMEM_LOW, ext);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_EXTMEM_HIGH, ext >> 8);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_EXTMEM2_LOW, ext2);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_EXTMEM2_HIGH, ext2 >> 8);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_HIGHMEM_LOW, high);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_HIGHMEM_MID, high >> 8);
    mc146818rtc_set_cmos(s->rtc, CMOS_MEM_HIGHMEM_HIGH, high >> 16);
    mc146818rtc_set_cmos(s->rtc, CMOS_BIOS_SMP_COUNT, MACHINE(s)->smp.cpus - 1);
}

/* ---- ISA devices: a sysbus device whose region n sits at an I/O port ---- */

static DeviceState *pc_isa_create(PCMachineState *s, DeviceState *dev, const hwaddr *ports,
                                  int nports, Error **errp)
{
    char name[32];

    snprintf(name, sizeof(name), "%s", object_class_get_name(OBJECT(dev)->klass));
    object_property_add_child(OBJECT(s), name, OBJECT(dev));
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    for (int i = 0; i < nports; i++) {
        memory_region_add_subregion(&s->io, ports[i],
                                    sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), i));
    }
    return dev;
}

/* COM1: the 16550 with its 8 registers at 0x3f8 (an alias of its window's first 8 bytes). */
static bool pc_serial_init(PCMachineState *s, Error **errp)
{
    DeviceState *uart = qdev_new(TYPE_SERIAL_MM);

    if (serial_hd(0) &&
        !object_property_set_str(OBJECT(uart), "chardev", chardev_label(serial_hd(0)), errp)) {
        object_unref(OBJECT(uart));
        return false;
    }
    object_property_add_child(OBJECT(s), "serial0", OBJECT(uart));
    if (!qdev_realize_and_unref(uart, errp)) {
        return false;
    }
    memory_region_init_alias(&s->com1, "serial", sysbus_mmio_get_region(SYS_BUS_DEVICE(uart), 0), 0,
                             8);
    memory_region_add_subregion(&s->io, COM1_PORT, &s->com1);
    sysbus_connect_irq(SYS_BUS_DEVICE(uart), 0, s->gsi[COM1_IRQ]);
    return true;
}

/*
 * The GSI fan-out (QEMU's gsi_handler): ISA IRQ n reaches the 8259 input n and the I/O
 * APIC pin n, except IRQ 0, which is I/O APIC pin 2 (the MADT's interrupt source override);
 * GSIs 16-23 reach only the I/O APIC.
 */
static void pc_gsi_handler(void *opaque, int n, int level)
{
    PCMachineState *s = opaque;

    if (n < PC_NUM_ISA_IRQS) {
        irq_set(s->pic_in[n], level);
    }
    irq_set(s->ioapic_in[n == 0 ? 2 : n], level);
}

static DeviceState *pc_sysbus_create(PCMachineState *s, DeviceState *dev, const char *name,
                                     hwaddr addr, Error **errp)
{
    object_property_add_child(OBJECT(s), name, OBJECT(dev));
    if (!qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    memory_region_add_subregion(get_system_memory(), addr,
                                sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0));
    return dev;
}

/* The interrupt controllers: the 8259 pair (INTR to the BSP's LINT0), the I/O APIC. */
static bool pc_intc_init(PCMachineState *s, Error **errp)
{
    static const hwaddr pic_ports[] = {0x20, 0xa0, 0x4d0};
    DeviceState *ioapic;

    s->pic = pc_isa_create(s, qdev_new(TYPE_I8259), pic_ports, 3, errp);
    if (!s->pic) {
        return false;
    }
    /* INTR reaches the BSP through its local APIC's LINT0 (virtual wire, ExtINT). */
    qdev_connect_gpio_out(s->pic, 0, qdev_get_gpio_in(s->apic[0], 0));
    apic_set_extint_ack(s->apic[0], i8259_intr_ack, s->pic);
    ioapic = qdev_new(TYPE_IOAPIC);
    ioapic_attach(ioapic, &s->apic_bus);
    s->ioapic = pc_sysbus_create(s, ioapic, "ioapic", IOAPIC_DEFAULT_ADDRESS, errp);
    if (!s->ioapic) {
        return false;
    }
    for (int i = 0; i < PC_NUM_GSI; i++) {
        s->ioapic_in[i] = qdev_get_gpio_in(s->ioapic, i);
        if (i < PC_NUM_ISA_IRQS) {
            s->pic_in[i] = qdev_get_gpio_in(s->pic, i);
        }
    }
    s->gsi = irq_new_array(pc_gsi_handler, s, PC_NUM_GSI);
    return true;
}

/* The HPET at 0xfed00000: its comparators on the GSIs, the PIT's IRQ 0 through it. */
static bool pc_hpet_init(PCMachineState *s, Error **errp)
{
    s->hpet = pc_sysbus_create(s, qdev_new(TYPE_HPET), "hpet", HPET_DEFAULT_ADDRESS, errp);
    if (!s->hpet) {
        return false;
    }
    for (int i = 0; i < HPET_NUM_IRQ; i++) {
        qdev_connect_gpio_out(s->hpet, i, s->gsi[i]);
    }
    return true;
}

/* The ICH9 LPC bridge at 00:1f.0: ACPI PM, the PIRQ routing of the bus's INTx lines. */
static bool pc_lpc_init(PCMachineState *s, Error **errp)
{
    DeviceState *lpc = qdev_new(TYPE_ICH9_LPC);

    if (!object_property_set_str(OBJECT(lpc), "addr", "1f.0", errp)) {
        object_unref(OBJECT(lpc));
        return false;
    }
    object_property_add_child(OBJECT(s), "lpc", OBJECT(lpc));
    if (!qdev_realize_and_unref(lpc, errp) ||
        !pci_bus_plug(q35_host_bus(s->host), PCI_DEVICE(lpc), 0, errp)) {
        return false;
    }
    for (int i = 0; i < ICH9_LPC_NUM_GSI; i++) {
        qdev_connect_gpio_out(lpc, i, s->gsi[i]);
    }
    for (int i = 0; i < Q35_NUM_PIRQS; i++) {
        q35_host_connect_pirq(s->host, i, qdev_get_gpio_in(lpc, i));
    }
    s->lpc = lpc;
    return true;
}

/* The ICH9's SATA controller at 00:1f.2, always there (QEMU's q35): -hda/-drive if=ide use it. */
static bool pc_ahci_init(PCMachineState *s, Error **errp)
{
    DeviceState *ahci = qdev_new(TYPE_ICH9_AHCI);

    if (!object_property_set_str(OBJECT(ahci), "addr", "1f.2", errp)) {
        object_unref(OBJECT(ahci));
        return false;
    }
    object_property_add_child(OBJECT(s), "ich9-ahci", OBJECT(ahci));
    return qdev_realize_and_unref(ahci, errp) &&
           pci_bus_plug(q35_host_bus(s->host), PCI_DEVICE(ahci), 0, errp);
}

/* The chipset's ISA devices: interrupt controllers, HPET, PIT, port B, CMOS/RTC, 8042, port A. */
static bool pc_isa_devices_init(PCMachineState *s, Error **errp)
{
    static const hwaddr pit_ports[] = {0x40, 0x61};
    static const hwaddr rtc_ports[] = {0x70};
    static const hwaddr kbc_ports[] = {0x60, 0x64};

    if (!pc_intc_init(s, errp) || !pc_hpet_init(s, errp)) {
        return false;
    }
    s->pit = pc_isa_create(s, qdev_new(TYPE_I8254), pit_ports, 2, errp);
    if (!s->pit) {
        return false;
    }
    sysbus_connect_irq(SYS_BUS_DEVICE(s->pit), 0, qdev_get_gpio_in(s->hpet, 0));
    s->rtc = pc_isa_create(s, qdev_new(TYPE_MC146818_RTC), rtc_ports, 1, errp);
    if (!s->rtc) {
        return false;
    }
    s->kbc = pc_isa_create(s, qdev_new(TYPE_I8042), kbc_ports, 2, errp);
    if (!s->kbc) {
        return false;
    }
    sysbus_connect_irq(SYS_BUS_DEVICE(s->kbc), 0, s->gsi[1]);
    sysbus_connect_irq(SYS_BUS_DEVICE(s->kbc), 1, s->gsi[12]);
    memory_region_init_io(&s->port92_io, &port92_ops, s, "port92", 1);
    memory_region_add_subregion(&s->io, 0x92, &s->port92_io);
    return true;
}

/*
 * Hart i's view of memory: the system memory under its own local APIC's page, so every
 * hart reaches its APIC at APIC_BASE (QEMU does it with the current CPU; here each hart
 * has an address space of its own).
 */
static void pc_cpu_memory_init(PCMachineState *s, unsigned i, X86CPU *cpu)
{
    char name[32];

    snprintf(name, sizeof(name), "cpu-memory-%u", i);
    memory_region_init(&s->cpu_mem[i], name, UINT64_MAX);
    memory_region_init_alias(&s->cpu_sysmem[i], "system", get_system_memory(), 0, UINT64_MAX);
    memory_region_add_subregion_overlap(&s->cpu_mem[i], 0, &s->cpu_sysmem[i], 0);
    address_space_init(&s->cpu_as[i], &s->cpu_mem[i], name);
    cpu->as = &s->cpu_as[i];
}

/* Hart i's local APIC: its INTR line, its place on the APIC bus, its page. */
static bool pc_apic_init(PCMachineState *s, unsigned i, X86CPU *cpu, Error **errp)
{
    char name[16];
    DeviceState *apic = qdev_new(TYPE_APIC);

    apic_attach(apic, cpu, &s->apic_bus, &s->cpu_mem[i]);
    snprintf(name, sizeof(name), "apic%u", i);
    object_property_add_child(OBJECT(s), name, OBJECT(apic));
    if (!qdev_realize_and_unref(apic, errp)) {
        return false;
    }
    qdev_connect_gpio_out(apic, 0, irq_new(x86_cpu_set_intr, cpu, 0));
    s->apic[i] = apic;
    return true;
}

static bool pc_cpus_init(PCMachineState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);

    for (unsigned i = 0; i < ms->smp.cpus; i++) {
        DeviceState *dev = qdev_new(ms->cpu_type);
        X86CPU *cpu = X86_CPU(dev);
        char name[16];

        cpu->apic_id = i;
        cpu->io_as = &s->io_as;
        pc_cpu_memory_init(s, i, cpu);
        snprintf(name, sizeof(name), "cpu%u", i);
        object_property_add_child(OBJECT(s), name, OBJECT(dev));
        if (!qdev_realize_and_unref(dev, errp) || !pc_apic_init(s, i, cpu, errp)) {
            return false;
        }
        s->cpus[i] = CPU(dev);
    }
    /* Devices' MSI writes (the harts' APIC pages lie over its first page for them). */
    apic_msi_region_init(&s->apic_msi, &s->apic_bus);
    memory_region_add_subregion(get_system_memory(), APIC_DEFAULT_ADDRESS, &s->apic_msi);
    return true;
}

/* -vga std (the default): QEMU's std VGA at 00:01.0 with its VGA BIOS option ROM. */
static bool pc_vga_init(PCMachineState *s, Error **errp)
{
    DeviceState *vga;

    if (!MACHINE(s)->vga) {
        return true;
    }
    vga = qdev_new("VGA");
    if (!object_property_set_str(OBJECT(vga), "addr", "01.0", errp)) {
        object_unref(OBJECT(vga));
        return false;
    }
    object_property_add_child(OBJECT(s), "vga", OBJECT(vga));
    return qdev_realize_and_unref(vga, errp) &&
           pci_bus_plug(q35_host_bus(s->host), PCI_DEVICE(vga), 0, errp);
}

/* fw_cfg and what it hands over: the PC's items, the e820 map, -kernel/-initrd/-append. */
static bool pc_q35_fw_cfg_init(PCMachineState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);

    if (ms->dtb) {
        error_setg(errp, "q35: -dtb: the PC has no device tree");
        return false;
    }
    if (!ms->kernel_filename && (ms->initrd_filename || ms->kernel_cmdline)) {
        error_setg(errp, ms->initrd_filename ? "-initrd only allowed with -kernel option"
                                             : "-append only allowed with -kernel option");
        return false;
    }
    return x86_fw_cfg_init(s, errp) && x86_load_linux(s, s->fw_cfg, errp);
}

/* The SMBIOS entry point and structures in fw_cfg, where SeaBIOS takes them from. */
static bool pc_smbios_setup(PCMachineState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);
    X86CPU *cpu = X86_CPU(s->cpus[0]);
    unsigned per_socket = ms->smp.cores * ms->smp.threads;
    SMBIOSMachineInfo info = {
        .manufacturer = "QEMU",
        .product = PC_Q35_DESC,
        .version = PC_Q35_VERSIONED,
        .sockets = (ms->smp.cpus + per_socket - 1) / per_socket,
        .cores = ms->smp.cores,
        /* QEMU 7.2 counts the threads of a socket, not of a core. */
        .threads = per_socket,
        .cpuid_version = cpu->cpuid_version,
        .cpuid_features = cpu->cpuid_features,
        .ram_size = ms->ram_size,
        .ram = {{0, s->below_4g}, {4 * GiB, s->above_4g}},
    };
    SMBIOSTables t;

    smbios_build(&info, ms->smbios, &t);
    if (!fw_cfg_add_file(s->fw_cfg, SMBIOS_TABLES_FILE, t.tables, t.len, errp)) {
        free(t.anchor);
        return false;
    }
    return fw_cfg_add_file(s->fw_cfg, SMBIOS_ANCHOR_FILE, t.anchor, SMBIOS_ENTRY_POINT_LEN, errp);
}

/* Once every device exists (-device too), the ACPI tables can describe them (QEMU's
 * pc_machine_done -> acpi_setup); the SMBIOS tables come with them, as in QEMU, and the boot
 * order, which names -device's drives. */
static bool pc_machine_done(MachineInitDoneNotifier *n, MachineState *ms, Error **errp)
{
    PCMachineState *s = PC_MACHINE(ms);

    return pc_smbios_setup(s, errp) && acpi_setup(s, s->fw_cfg, errp) && pc_boot_setup(s, errp);
}

static bool pc_q35_init(MachineState *ms, Error **errp)
{
    PCMachineState *s = PC_MACHINE(ms);

    memory_region_init(&s->io, "io", 0x10000);
    address_space_init(&s->io_as, &s->io, "I/O");
    pc_memory_init(s);
    if (!pc_cpus_init(s, errp) || !pc_system_firmware_init(s, errp) ||
        !pc_isa_devices_init(s, errp)) {
        return false;
    }
    pc_cmos_init(s);
    s->machine_done.notify = pc_machine_done;
    machine_add_init_done_notifier(ms, &s->machine_done);
    s->host = q35_host_create(get_system_memory(), &ms->ram, &s->io, &s->pci_mem, errp);
    return s->host && pc_vga_init(s, errp) && pc_lpc_init(s, errp) && pc_ahci_init(s, errp) &&
           pc_serial_init(s, errp) && pc_q35_fw_cfg_init(s, errp);
}

/* -device: PCI devices on pcie.0; an ISA debug console at its iobase. */
static bool pc_q35_device_plug(MachineState *ms, DeviceState *dev, Error **errp)
{
    PCMachineState *s = PC_MACHINE(ms);

    if (object_dynamic_cast(OBJECT(dev), TYPE_PCI_DEVICE)) {
        return pci_bus_plug(q35_host_bus(s->host), PCI_DEVICE(dev), 1, errp);
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_USB_DEVICE)) {
        return usb_device_plug(USB_DEVICE(dev), errp);
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_IDE_DEVICE)) {
        return true; /* realize put it on its AHCI port */
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_ISA_DEBUGCON)) {
        memory_region_add_subregion(&s->io, debugcon_iobase(dev),
                                    sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0));
        return true;
    }
    if (object_dynamic_cast(OBJECT(dev), TYPE_RAMFB)) {
        return true; /* no MMIO: it lives in fw_cfg */
    }
    error_setg(errp, "q35: no place for a '%s' device on this board yet",
               object_class_get_name(OBJECT(dev)->klass));
    return false;
}

static void pc_q35_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->name = "q35";
    mc->desc = PC_Q35_DESC;
    mc->is_default = true;
    mc->init = pc_q35_init;
    mc->max_cpus = PC_MAX_CPUS;
    mc->default_cpu_type = X86_CPU_TYPE_NAME("qemu64");
    mc->default_ram_size = 128 * MiB;
    mc->default_ram_id = "pc.ram";
    mc->default_bios = PC_BIOS_DEFAULT;
    mc->default_display = "std";
    mc->device_plug = pc_q35_device_plug;
    mc->default_nic = "e1000e";
    mc->block_default_if = "ide";
    mc->ide_buses = AHCI_NUM_PORTS;
}

static const TypeInfo pc_q35_info = {
    .name = MACHINE_TYPE_NAME("q35"),
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(PCMachineState),
    .class_init = pc_q35_class_init,
};

static void pc_q35_register_types(void)
{
    type_register_static(&pc_q35_info);
}

type_init(pc_q35_register_types)
