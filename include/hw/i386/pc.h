/*
 * The PC machine state (hw/i386/pc_q35.c): its memory layout, I/O port space,
 * chipset devices and CPUs. Board-internal; devices never see it.
 */
#ifndef HW_I386_PC_H
#define HW_I386_PC_H

#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "hw/intc/apic.h"
#include "system/loader.h"

#define PC_NUM_GSI 24 /* ISA IRQs 0-15 (8259 and I/O APIC), PCI PIRQ A-H 16-23 (I/O APIC) */
#define PC_NUM_ISA_IRQS 16
#define PC_MAX_CPUS 255 /* QEMU q35's limit without an IOMMU's interrupt remapping: 8-bit IDs */

typedef struct Q35Host Q35Host;
typedef struct FWCfgState FWCfgState;

typedef struct PCMachineState {
    MachineState parent_obj;
    uint64_t below_4g, above_4g; /* RAM below and above 4 GiB */
    MemoryRegion ram_below_4g, ram_above_4g;
    MemoryRegion bios, isa_bios;
    MemoryRegion pci_mem, pci_hole;
    MemoryRegion vga_window; /* PCI memory's 0xa0000-0xbffff over RAM (legacy VGA) */
    MemoryRegion io;         /* the I/O port space (0..0xffff) and its address space */
    AddressSpace io_as;
    MemoryRegion com1, port92_io;
    uint8_t port92;
    IRQState **gsi; /* the GSI fan-out (pc_gsi_handler) */
    IRQState *pic_in[PC_NUM_ISA_IRQS], *ioapic_in[PC_NUM_GSI];
    DeviceState *pic, *ioapic, *hpet, *lpc;
    CPUState *cpus[PC_MAX_CPUS];
    /* Per hart: its view of memory (system memory + its own local APIC page) and APIC. */
    MemoryRegion cpu_mem[PC_MAX_CPUS], cpu_sysmem[PC_MAX_CPUS];
    AddressSpace cpu_as[PC_MAX_CPUS];
    DeviceState *apic[PC_MAX_CPUS];
    APICBus apic_bus;
    MemoryRegion apic_msi;
    DeviceState *rtc, *pit, *kbc;
    Q35Host *host;
    FWCfgState *fw_cfg;                   /* /machine/fw_cfg (hw/i386/x86-boot.c) */
    MachineInitDoneNotifier machine_done; /* pc_machine_done: the ACPI tables */
    char *boot_order;    /* -boot order= (default "cad"), for the resets after a once= boot */
    Notifier boot_reset; /* with once=: order= back in the CMOS (hw/i386/pc-boot.c) */
    bool boot_started;   /* the start-up reset has run */
} PCMachineState;

#define PC_MACHINE(obj) OBJECT_CHECK(PCMachineState, (obj), MACHINE_TYPE_NAME("q35"))

#endif
