/*
 * The q35 PC's DSDT (ACPI 6.4, chapter 6 "Device Configuration" and 19 "ASL Reference" for
 * what each object means). Revision 1: integers are 32-bit, as in QEMU's DSDT.
 *
 *   \_SB.PCI0       PCI Express root (PNP0A08, compatible PNP0A03), bus 0-255; its _CRS gives
 *                   the config ports 0xcf8-0xcff, the I/O ranges around them, the VGA window
 *                   0xa0000-0xbffff and the 32-bit hole above the MCFG window; its _PRT the
 *                   ICH9 routing of INTA-D to GSIs 16-23 (no link devices: the I/O APIC's
 *                   GSIs directly, so this needs the I/O APIC, as Linux uses it)
 *   \_SB.PCI0.ISA   the LPC bridge (00:1f.0): KBD (PNP0303, 0x60/0x64, IRQ 1), MOU (PNP0F13,
 *                   IRQ 12), RTC (PNP0B00, 0x70, IRQ 8), COM1 (PNP0501, 0x3f8, IRQ 4)
 *   \_SB.HPET       PNP0103 at 0xfed00000
 *   \_S5            Package {SLP_TYP 0, 0, 0, 0}: ICH9's soft-off type
 */
#include "hw/i386/acpi-build.h"

#include "hw/i386/x86-boot.h"

#define PCI_SLOTS 32
#define ICH9_PIRQ_GSI_BASE 16
#define ICH9_FIRST_CHIPSET_SLOT 0x18  /* slots 24-31: the chipset's own functions */
#define PC_PCI_HOLE_START 0xc0000000u /* above the MCFG window 0xb0000000-0xbfffffff */
#define PC_PCI_HOLE_END 0xfebfffffu

/* The GSI of a slot's INTx: ICH9's default D<n>IR routing of PIRQ A-H to GSI 16-23. */
static unsigned q35_slot_gsi(unsigned slot, unsigned pin)
{
    if (slot >= ICH9_FIRST_CHIPSET_SLOT) {
        return ICH9_PIRQ_GSI_BASE + pin; /* INTA-D -> PIRQ A-D */
    }
    return ICH9_PIRQ_GSI_BASE + 4 + ((slot + pin) & 3); /* PIRQ E-H, rotated by slot */
}

static Aml *build_prt(void)
{
    Aml *prt = aml_package();

    for (unsigned slot = 0; slot < PCI_SLOTS; slot++) {
        for (unsigned pin = 0; pin < 4; pin++) {
            Aml *entry = aml_package();
            aml_append(entry, aml_int(slot << 16 | 0xffff)); /* any function of the slot */
            aml_append(entry, aml_int(pin));
            aml_append(entry, aml_int(0)); /* no link device: the GSI follows */
            aml_append(entry, aml_int(q35_slot_gsi(slot, pin)));
            aml_append(prt, entry);
        }
    }
    return prt;
}

static Aml *build_pci0_crs(void)
{
    Aml *crs = aml_resource_template();

    aml_append(crs, aml_word_bus_number(0x00, 0xff));
    aml_append(crs, aml_io(0x0cf8, 0x0cf8, 0x01, 0x08));
    aml_append(crs, aml_word_io(0x0000, 0x0cf7));
    aml_append(crs, aml_word_io(0x0d00, 0xffff));
    aml_append(crs, aml_dword_memory(0x000a0000, 0x000bffff, true));
    aml_append(crs, aml_dword_memory(PC_PCI_HOLE_START, PC_PCI_HOLE_END, false));
    return crs;
}

/* An ISA device: _HID, always present, its ports and IRQ. */
static Aml *isa_device(const char *name, const char *hid, uint16_t port, uint8_t len,
                       uint16_t port2, int irq)
{
    Aml *dev = aml_device(name);
    Aml *crs = aml_resource_template();

    aml_append(dev, aml_name_decl("_HID", aml_eisaid(hid)));
    aml_append(dev, aml_name_decl("_STA", aml_int(0xf)));
    if (port) {
        aml_append(crs, aml_io(port, port, 0x01, len));
    }
    if (port2) {
        aml_append(crs, aml_io(port2, port2, 0x01, 1));
    }
    aml_append(crs, aml_irq_no_flags((uint8_t)irq));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

static Aml *build_isa(void)
{
    Aml *isa = aml_device("ISA");
    Aml *com1 = isa_device("COM1", "PNP0501", 0x3f8, 8, 0, 4);

    aml_append(isa, aml_name_decl("_ADR", aml_int(0x001f0000)));
    aml_append(isa, isa_device("KBD", "PNP0303", 0x60, 1, 0x64, 1));
    aml_append(isa, isa_device("MOU", "PNP0F13", 0, 0, 0, 12));
    aml_append(isa, isa_device("RTC", "PNP0B00", 0x70, 8, 0, 8));
    aml_append(com1, aml_name_decl("_UID", aml_int(1)));
    aml_append(isa, com1);
    return isa;
}

static Aml *build_hpet_device(void)
{
    Aml *dev = aml_device("HPET");
    Aml *crs = aml_resource_template();

    aml_append(dev, aml_name_decl("_HID", aml_eisaid("PNP0103")));
    aml_append(dev, aml_name_decl("_UID", aml_int(0)));
    aml_append(dev, aml_name_decl("_STA", aml_int(0xf)));
    aml_append(crs, aml_memory32_fixed(PC_HPET_BASE, 0x400, false));
    aml_append(dev, aml_name_decl("_CRS", crs));
    return dev;
}

void acpi_build_dsdt(AcpiBlob *b)
{
    Aml *top = aml_scope(""); /* only its body is used */
    Aml *sb = aml_scope("\\_SB");
    Aml *pci0 = aml_device("PCI0");
    Aml *s5 = aml_package();

    acpi_table_begin(b, "DSDT", 1);
    aml_append(pci0, aml_name_decl("_HID", aml_eisaid("PNP0A08")));
    aml_append(pci0, aml_name_decl("_CID", aml_eisaid("PNP0A03")));
    aml_append(pci0, aml_name_decl("_ADR", aml_int(0)));
    aml_append(pci0, aml_name_decl("_UID", aml_int(0)));
    aml_append(pci0, aml_name_decl("_SEG", aml_int(0)));
    aml_append(pci0, aml_name_decl("_BBN", aml_int(0)));
    aml_append(pci0, aml_name_decl("_CRS", build_pci0_crs()));
    aml_append(pci0, aml_name_decl("_PRT", build_prt()));
    aml_append(pci0, build_isa());
    aml_append(sb, pci0);
    aml_append(sb, build_hpet_device());
    aml_append(top, sb);
    for (int i = 0; i < 4; i++) {
        aml_append(s5, aml_int(0));
    }
    aml_append(top, aml_name_decl("\\_S5", s5));
    acpi_append_aml(b, top);
}
