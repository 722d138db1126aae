/*
 * The q35 PC's ACPI tables, built when the machine is done and handed to the firmware as
 * QEMU does: fw_cfg files "etc/acpi/tables" (every table but the RSDP), "etc/acpi/rsdp" and
 * "etc/table-loader" (hw/acpi/bios-linker-loader.c), which SeaBIOS runs to place the tables
 * in its memory, fill in their pointers and checksums. Reference: ACPI 6.4, chapter 5.2.
 *
 * etc/acpi/tables, in QEMU's order: FACS (64-byte aligned, first), DSDT, FACP (revision 3),
 * APIC (MADT), HPET, MCFG, RSDT. The RSDP (revision 0, in the F segment) points to the RSDT.
 * What they describe (the devices of hw/i386/pc_q35.c and the ICH9 chipset):
 *   PM block     PM1a_EVT 0x600, PM1a_CNT 0x604, PM_TMR 0x608 (24-bit), GPE0 0x620 (16 bytes)
 *   SCI          IRQ 9, level, active high (a MADT override); reset: 0xf to port 0xcf9
 *   MADT         a local APIC per CPU at 0xfee00000, the I/O APIC (ID 0, 0xfec00000, GSI 0),
 *                IRQ0 -> GSI 2, IRQs 5, 9, 10, 11 level/high, LINT1 = NMI
 *   MCFG         ECAM at 0xb0000000, buses 0-255
 *   DSDT         \_SB.PCI0 (PNP0A08/PNP0A03) with its windows and _PRT: ICH9 routes PIRQ A-H
 *                to GSI 16-23; slots 0-23 use PIRQ E-H rotated by slot, slots 24-31 PIRQ A-D
 *                by pin. Under it the LPC bridge's ISA devices (keyboard, mouse, RTC, COM1),
 *                the HPET, and \_S5 (SLP_TYP 0 on ICH9).
 */
#include "hw/i386/acpi-build.h"

#include "hw/acpi/bios-linker-loader.h"
#include "hw/i386/x86-boot.h"
#include "target/i386/cpu.h"

#define ACPI_TABLES_FILE "etc/acpi/tables"
#define ACPI_RSDP_FILE "etc/acpi/rsdp"
#define ACPI_LOADER_FILE "etc/table-loader"
#define ACPI_TABLES_PAD 0x20000
#define ACPI_CHECKSUM_OFFSET 9
#define ACPI_OEM_ID "BOCHS "
#define ACPI_OEM_TABLE_ID "BXPC    "
#define ACPI_CREATOR_ID "BXPC"

#define PC_PM_BASE 0x600
#define PC_SCI_IRQ 9
#define PC_RESET_PORT 0xcf9
#define PC_RESET_VALUE 0xf /* full reset, as QEMU writes it */
#define PC_LAPIC_BASE 0xfee00000u
#define PC_IOAPIC_BASE 0xfec00000u
#define PC_MCFG_BASE 0xb0000000ULL

/* Generic Address Structure address space IDs */
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1

typedef struct AcpiBuild {
    AcpiBlob tables;
    BIOSLinker linker;
    size_t facs, dsdt, fadt, madt, hpet, mcfg;
} AcpiBuild;

/* ---- table header ---- */

size_t acpi_table_begin(AcpiBlob *b, const char *sig, uint8_t rev)
{
    size_t start = b->len;

    acpi_blob_append(b, sig, 4);
    acpi_blob_append_le(b, 0, 4); /* length: acpi_table_end */
    acpi_blob_append_le(b, rev, 1);
    acpi_blob_append_le(b, 0, 1); /* checksum: the table loader */
    acpi_blob_append(b, ACPI_OEM_ID, 6);
    acpi_blob_append(b, ACPI_OEM_TABLE_ID, 8);
    acpi_blob_append_le(b, 1, 4); /* OEM revision */
    acpi_blob_append(b, ACPI_CREATOR_ID, 4);
    acpi_blob_append_le(b, 1, 4); /* creator revision */
    return start;
}

static void acpi_table_end(AcpiBuild *ab, size_t start)
{
    size_t len = ab->tables.len - start;

    acpi_blob_put_le(&ab->tables, start + 4, len, 4);
    bios_linker_loader_add_checksum(&ab->linker, ACPI_TABLES_FILE, start, len,
                                    start + ACPI_CHECKSUM_OFFSET);
}

static void acpi_append_gas(AcpiBlob *b, uint8_t space, uint8_t bit_width, uint64_t addr)
{
    acpi_blob_append_le(b, space, 1);
    acpi_blob_append_le(b, bit_width, 1);
    acpi_blob_append_le(b, 0, 1); /* bit offset */
    acpi_blob_append_le(b, 0, 1); /* access size: undefined (legacy reasons, as QEMU) */
    acpi_blob_append_le(b, addr, 8);
}

/* A pointer field in etc/acpi/tables to another table of the same file. */
static void acpi_add_table_pointer(AcpiBuild *ab, size_t field, unsigned size, size_t target)
{
    bios_linker_loader_add_pointer(&ab->linker, ACPI_TABLES_FILE, &ab->tables, field, size,
                                   ACPI_TABLES_FILE, target);
}

/* ---- FACS, FADT ---- */

static void build_facs(AcpiBuild *ab)
{
    ab->facs = ab->tables.len;
    acpi_blob_append(&ab->tables, "FACS", 4);
    acpi_blob_append_le(&ab->tables, 64, 4);
    acpi_blob_append_zeros(&ab->tables, 56); /* no hardware signature, no waking vector */
}

/* FADT flags: WBINVD, PROC_C1, SLP_BUTTON, RTC_S4, RESET_REG_SUP, USE_PLATFORM_CLOCK. */
#define FADT_FLAGS (1u << 0 | 1u << 2 | 1u << 5 | 1u << 7 | 1u << 10 | 1u << 15)
#define FADT_BOOT_ARCH_8042 0x0002

static void build_fadt(AcpiBuild *ab)
{
    AcpiBlob *b = &ab->tables;
    size_t start = ab->fadt = acpi_table_begin(b, "FACP", 3);

    acpi_blob_append_le(b, 0, 4); /* FIRMWARE_CTRL: the FACS */
    acpi_blob_append_le(b, 0, 4); /* DSDT */
    acpi_blob_append_le(b, 1, 1); /* INT_MODEL of ACPI 1.0 (reserved since): APIC, as QEMU */
    acpi_blob_append_le(b, 0, 1); /* preferred PM profile: unspecified */
    acpi_blob_append_le(b, PC_SCI_IRQ, 2);
    /* SMI_CMD 0: the chipset is always in ACPI mode, so the OS has no APM command to
     * send (QEMU names port 0xb2, whose SMI handler sets SCI_EN). */
    acpi_blob_append_le(b, 0, 4 + 4);
    acpi_blob_append_le(b, PC_PM_BASE, 4);                      /* PM1a_EVT_BLK */
    acpi_blob_append_le(b, 0, 4);                               /* PM1b_EVT_BLK */
    acpi_blob_append_le(b, PC_PM_BASE + 0x04, 4);               /* PM1a_CNT_BLK */
    acpi_blob_append_le(b, 0, 4 + 4);                           /* PM1b_CNT_BLK, PM2_CNT_BLK */
    acpi_blob_append_le(b, PC_PM_BASE + 0x08, 4);               /* PM_TMR_BLK */
    acpi_blob_append_le(b, PC_PM_BASE + 0x20, 4);               /* GPE0_BLK */
    acpi_blob_append_le(b, 0, 4);                               /* GPE1_BLK */
    acpi_blob_append(b, "\x04\x02\x00\x04\x10\x00\x00\x00", 8); /* the blocks' lengths... */
    acpi_blob_append_le(b, 0xfff, 2);                           /* P_LVL2_LAT: C2 unsupported */
    acpi_blob_append_le(b, 0xfff, 2);                           /* P_LVL3_LAT: C3 unsupported */
    acpi_blob_append_zeros(b, 8);    /* flush size/stride, duty cycle, alarms */
    acpi_blob_append_le(b, 0x32, 1); /* CENTURY: the CMOS byte */
    acpi_blob_append_le(b, FADT_BOOT_ARCH_8042, 2);
    acpi_blob_append_le(b, 0, 1);
    acpi_blob_append_le(b, FADT_FLAGS, 4);
    acpi_append_gas(b, GAS_SYSTEM_IO, 8, PC_RESET_PORT);
    acpi_blob_append_le(b, PC_RESET_VALUE, 1);
    acpi_blob_append_zeros(b, 3);
    acpi_blob_append_le(b, 0, 8); /* X_FIRMWARE_CTRL: the 32-bit one suffices */
    acpi_blob_append_le(b, 0, 8); /* X_DSDT */
    acpi_append_gas(b, GAS_SYSTEM_IO, 32, PC_PM_BASE);
    acpi_append_gas(b, 0, 0, 0);
    acpi_append_gas(b, GAS_SYSTEM_IO, 16, PC_PM_BASE + 0x04);
    acpi_append_gas(b, 0, 0, 0);
    acpi_append_gas(b, 0, 0, 0);
    acpi_append_gas(b, GAS_SYSTEM_IO, 32, PC_PM_BASE + 0x08);
    acpi_append_gas(b, GAS_SYSTEM_IO, 128, PC_PM_BASE + 0x20);
    acpi_append_gas(b, 0, 0, 0);
    acpi_add_table_pointer(ab, start + 36, 4, ab->facs);
    acpi_add_table_pointer(ab, start + 40, 4, ab->dsdt);
    acpi_add_table_pointer(ab, start + 140, 8, ab->dsdt);
    acpi_table_end(ab, start);
}

/* ---- MADT, HPET, MCFG ---- */

static void madt_iso(AcpiBlob *b, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = {2, 10, 0, irq};

    memcpy(e + 4, &gsi, 4);
    memcpy(e + 8, &flags, 2);
    acpi_blob_append(b, e, sizeof(e));
}

static void build_madt(AcpiBuild *ab, PCMachineState *s)
{
    AcpiBlob *b = &ab->tables;
    size_t start = ab->madt = acpi_table_begin(b, "APIC", 1);
    /* Flags of the PCI IRQs' overrides: active high (1), level triggered (3 << 2). */
    static const uint8_t level_irqs[] = {5, 9, 10, 11};

    acpi_blob_append_le(b, PC_LAPIC_BASE, 4);
    acpi_blob_append_le(b, 1, 4); /* PCAT_COMPAT: there are 8259s too */
    for (unsigned i = 0; i < MACHINE(s)->smp.cpus; i++) {
        uint8_t e[8] = {0, 8, (uint8_t)i, (uint8_t)X86_CPU(s->cpus[i])->apic_id, 1, 0, 0, 0};
        acpi_blob_append(b, e, sizeof(e));
    }
    acpi_blob_append(b, "\x01\x0c\x00\x00", 4); /* I/O APIC, ID 0 */
    acpi_blob_append_le(b, PC_IOAPIC_BASE, 4);
    acpi_blob_append_le(b, 0, 4); /* GSI base */
    madt_iso(b, 0, 2, 0);
    for (size_t i = 0; i < ARRAY_SIZE(level_irqs); i++) {
        madt_iso(b, level_irqs[i], level_irqs[i], 0xd);
    }
    acpi_blob_append(b, "\x04\x06\xff\x00\x00\x01", 6); /* all CPUs: LINT1 is NMI */
    acpi_table_end(ab, start);
}

static void build_hpet(AcpiBuild *ab)
{
    AcpiBlob *b = &ab->tables;
    size_t start = ab->hpet = acpi_table_begin(b, "HPET", 1);

    acpi_blob_append_le(b, PC_HPET_BLOCK_ID, 4);
    acpi_append_gas(b, GAS_SYSTEM_MEMORY, 0, PC_HPET_BASE);
    acpi_blob_append_le(b, 0, 1); /* HPET number */
    acpi_blob_append_le(b, 0, 2); /* minimum periodic tick */
    acpi_blob_append_le(b, 0, 1); /* page protection: none */
    acpi_table_end(ab, start);
}

static void build_mcfg(AcpiBuild *ab)
{
    AcpiBlob *b = &ab->tables;
    size_t start = ab->mcfg = acpi_table_begin(b, "MCFG", 1);

    acpi_blob_append_zeros(b, 8);
    acpi_blob_append_le(b, PC_MCFG_BASE, 8);
    acpi_blob_append_le(b, 0, 2);   /* segment */
    acpi_blob_append_le(b, 0, 1);   /* first bus */
    acpi_blob_append_le(b, 255, 1); /* last bus */
    acpi_blob_append_le(b, 0, 4);
    acpi_table_end(ab, start);
}

static void build_rsdt(AcpiBuild *ab, size_t *rsdt)
{
    const size_t tables[] = {ab->fadt, ab->madt, ab->hpet, ab->mcfg};
    size_t start = *rsdt = acpi_table_begin(&ab->tables, "RSDT", 1);

    for (size_t i = 0; i < ARRAY_SIZE(tables); i++) {
        size_t field = ab->tables.len;
        acpi_blob_append_le(&ab->tables, 0, 4);
        acpi_add_table_pointer(ab, field, 4, tables[i]);
    }
    acpi_table_end(ab, start);
}

/* RSDP revision 0 (20 bytes, checksum over all of it) in its own file, in the F segment. */
static AcpiBlob build_rsdp(AcpiBuild *ab, size_t rsdt)
{
    AcpiBlob r = {0};

    acpi_blob_append(&r, "RSD PTR ", 8);
    acpi_blob_append_le(&r, 0, 1);
    acpi_blob_append(&r, ACPI_OEM_ID, 6);
    acpi_blob_append_le(&r, 0, 1);
    acpi_blob_append_le(&r, 0, 4);
    bios_linker_loader_add_pointer(&ab->linker, ACPI_RSDP_FILE, &r, 16, 4, ACPI_TABLES_FILE, rsdt);
    bios_linker_loader_add_checksum(&ab->linker, ACPI_RSDP_FILE, 0, r.len, 8);
    return r;
}

bool acpi_setup(PCMachineState *s, FWCfgState *fw_cfg, Error **errp)
{
    AcpiBuild ab = {0};
    AcpiBlob rsdp;
    size_t rsdt;

    bios_linker_loader_alloc(&ab.linker, ACPI_TABLES_FILE, 64, false);
    build_facs(&ab);
    ab.dsdt = ab.tables.len;
    acpi_build_dsdt(&ab.tables);
    acpi_table_end(&ab, ab.dsdt);
    build_fadt(&ab);
    build_madt(&ab, s);
    build_hpet(&ab);
    build_mcfg(&ab);
    build_rsdt(&ab, &rsdt);
    /* QEMU pads the file to 128 KiB (so that its size survives migration across versions);
     * the firmware's allocation, and so the e820 map the OS sees, are then the same. */
    acpi_blob_append_zeros(&ab.tables, ACPI_TABLES_PAD - ab.tables.len % ACPI_TABLES_PAD);
    bios_linker_loader_alloc(&ab.linker, ACPI_RSDP_FILE, 16, true);
    rsdp = build_rsdp(&ab, rsdt);
    /* fw_cfg takes each buffer over, also when adding fails: so all three are handed over,
     * and the first error is the one reported. */
    bool ok = fw_cfg_add_file(fw_cfg, ACPI_TABLES_FILE, ab.tables.data, ab.tables.len, errp);
    ok = fw_cfg_add_file(fw_cfg, ACPI_RSDP_FILE, rsdp.data, rsdp.len, ok ? errp : NULL) && ok;
    ok = fw_cfg_add_file(fw_cfg, ACPI_LOADER_FILE, ab.linker.cmds.data, ab.linker.cmds.len,
                         ok ? errp : NULL) &&
         ok;
    return ok;
}
