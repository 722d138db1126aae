/*
 * fw_cfg on the PC and the e820 map (QEMU's fw_cfg_arch_create for x86; the interface is
 * QEMU's docs/specs/fw_cfg.rst, the items are what SeaBIOS's src/fw/paravirt.c reads).
 *
 * Ports: 0x510 selector (16-bit), 0x511 data (8-bit), 0x514 DMA address (64-bit big-endian).
 * Items besides fw_cfg's common ones (signature, ID, UUID, bootorder, boot-fail-wait):
 *   FW_CFG_NB_CPUS, FW_CFG_MAX_CPUS  CPUs at start-up and the APIC ID limit (16-bit)
 *   FW_CFG_RAM_SIZE                  all of RAM (64-bit)
 *   FW_CFG_NUMA                      node count, each CPU's node, each node's size (64-bit
 *                                    words): zeros without -numa
 *   arch-local 0  ACPI_TABLES        -acpitable tables (none: a zero count)
 *   arch-local 2  IRQ0_OVERRIDE      1: the PIT's IRQ 0 reaches I/O APIC pin 2
 *   arch-local 3  E820_TABLE         the legacy list of reserved ranges (count + 16 slots)
 *   arch-local 4  HPET               the HPET block (count + 8 slots)
 *   etc/e820                         the memory map, 20-byte entries {addr, len, type}
 *
 * The e820 map is QEMU's for q35: RAM below 4 GiB, RAM above 4 GiB, and on an AMD CPU model
 * (qemu64 is one) with 40 or more physical address bits the HyperTransport range
 * 0xfd00000000-0xffffffffff as reserved. SeaBIOS adds its own ranges (the EBDA, the BIOS,
 * the MMCONFIG window) before handing the map to the OS.
 */
#include "hw/i386/x86-boot.h"

#include "target/i386/cpu.h"

#define E820_NR_ENTRIES 16 /* slots of the legacy reserved-range item */
#define HPET_FW_SLOTS 8
#define AMD_HT_START 0xfd00000000ULL
#define AMD_HT_END 0x10000000000ULL

typedef struct __attribute__((packed)) E820Entry {
    uint64_t addr, len; /* little-endian, as the host is */
    uint32_t type;
} E820Entry;

/* The legacy reserved-range item: a count and a fixed array. */
typedef struct __attribute__((packed)) E820Legacy {
    uint32_t count;
    E820Entry entry[E820_NR_ENTRIES];
} E820Legacy;

/* The HPET item (SeaBIOS ignores it; the layout is QEMU's hpet_fw_config). */
typedef struct __attribute__((packed)) HPETFwEntry {
    uint32_t event_timer_block_id;
    uint64_t address;
    uint16_t min_tick;
    uint8_t page_prot;
} HPETFwEntry;

typedef struct __attribute__((packed)) HPETFwConfig {
    uint8_t count;
    HPETFwEntry hpet[HPET_FW_SLOTS];
} HPETFwConfig;

/* The e820 map of the board: entries in address order; *n_out of them. */
static E820Entry *x86_e820_table(PCMachineState *s, size_t *n_out)
{
    X86CPU *cpu = X86_CPU(s->cpus[0]);
    E820Entry *t = xnew0(E820Entry, 3);
    size_t n = 0;

    t[n++] = (E820Entry){0, s->below_4g, E820_RAM};
    if (s->above_4g) {
        t[n++] = (E820Entry){4 * GiB, s->above_4g, E820_RAM};
    }
    /* AMD reserves the HyperTransport range below 1 TiB; QEMU 7.1+ says so on AMD models. */
    if (!strcmp(cpu->vendor, "AuthenticAMD")) {
        t[n++] = (E820Entry){AMD_HT_START, AMD_HT_END - AMD_HT_START, E820_RESERVED};
    }
    *n_out = n;
    return t;
}

static bool x86_fw_cfg_add_e820(FWCfgState *fw_cfg, PCMachineState *s, Error **errp)
{
    size_t n;
    E820Entry *t = x86_e820_table(s, &n);
    E820Legacy *legacy = xzalloc(sizeof(*legacy));

    for (size_t i = 0; i < n; i++) {
        if (t[i].type != E820_RAM) {
            legacy->entry[legacy->count++] = t[i];
        }
    }
    fw_cfg_add_bytes(fw_cfg, FW_CFG_E820_TABLE, legacy, sizeof(*legacy));
    return fw_cfg_add_file(fw_cfg, "etc/e820", t, n * sizeof(*t), errp);
}

/* FW_CFG_NUMA: node count, then the node of each APIC ID, then each node's size. */
static void x86_fw_cfg_add_numa(FWCfgState *fw_cfg, unsigned apic_id_limit)
{
    size_t len = (1 + apic_id_limit) * sizeof(uint64_t);

    fw_cfg_add_bytes(fw_cfg, FW_CFG_NUMA, xzalloc(len), len);
}

static void x86_fw_cfg_add_hpet(FWCfgState *fw_cfg)
{
    HPETFwConfig *cfg = xzalloc(sizeof(*cfg));

    cfg->count = 1;
    cfg->hpet[0].event_timer_block_id = PC_HPET_BLOCK_ID;
    cfg->hpet[0].address = PC_HPET_BASE;
    fw_cfg_add_bytes(fw_cfg, FW_CFG_HPET, cfg, sizeof(*cfg));
}

bool x86_fw_cfg_init(PCMachineState *s, Error **errp)
{
    MachineState *ms = MACHINE(s);
    DeviceState *dev = qdev_new(TYPE_FW_CFG_IO);
    FWCfgState *fw_cfg = FW_CFG(dev);
    /* APIC IDs are the CPU indexes here, so the limit is the CPU count. */
    unsigned apic_id_limit = ms->smp.max_cpus ? ms->smp.max_cpus : ms->smp.cpus;

    object_property_add_child(OBJECT(s), TYPE_FW_CFG, OBJECT(dev));
    if (!qdev_realize_and_unref(dev, errp)) {
        return false;
    }
    memory_region_add_subregion(&s->io, FW_CFG_IO_BASE,
                                sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 0));
    memory_region_add_subregion(&s->io, FW_CFG_IO_DMA_BASE,
                                sysbus_mmio_get_region(SYS_BUS_DEVICE(dev), 1));
    s->fw_cfg = fw_cfg;
    fw_cfg_add_i16(fw_cfg, FW_CFG_NB_CPUS, (uint16_t)ms->smp.cpus);
    fw_cfg_add_i16(fw_cfg, FW_CFG_MAX_CPUS, (uint16_t)apic_id_limit);
    fw_cfg_add_i64(fw_cfg, FW_CFG_RAM_SIZE, ms->ram_size);
    /* No -acpitable: the legacy table list is just its 16-bit count, 0. */
    fw_cfg_add_bytes(fw_cfg, FW_CFG_ACPI_TABLES, xzalloc(2), 2);
    fw_cfg_add_i32(fw_cfg, FW_CFG_IRQ0_OVERRIDE, 1);
    x86_fw_cfg_add_hpet(fw_cfg);
    x86_fw_cfg_add_numa(fw_cfg, apic_id_limit);
    return x86_fw_cfg_add_e820(fw_cfg, s, errp);
}
