/*
 * The local APIC (one per x86 hart) and the APIC "bus" that carries
 * interrupt messages between them, the I/O APIC and MSI writes.
 *
 * Board wiring: apic_attach(dev, cpu, bus, cpu_mem) before realize, where
 * cpu_mem is the container the hart's address space is built on: the APIC
 * maps its xAPIC page there at APIC_BASE, so each hart reaches its own APIC at
 * the same address. gpio inputs: 0 LINT0 (the 8259's INTR, ExtINT on the BSP
 * at reset as BIOSes expect), 1 LINT1. gpio output 0: the hart's INTR line.
 * apic_set_extint_ack gives the APIC the 8259's acknowledge cycle, which it
 * runs when the hart takes an ExtINT interrupt.
 *
 * All calls with the BQL held.
 */
#ifndef HW_INTC_APIC_H
#define HW_INTC_APIC_H

#include "hw/core/sysbus.h"
#include "target/i386/cpu.h"

#define TYPE_APIC "apic"
#define APIC_DEFAULT_ADDRESS 0xfee00000ULL
#define APIC_MSI_SIZE 0x100000ULL /* 0xfee00000-0xfeefffff: the MSI address window */
#define APIC_BUS_MAX 256

/* Delivery modes (SDM Vol. 3A 10.6.1, also in I/O APIC entries and MSI data). */
enum {
    APIC_DM_FIXED = 0,
    APIC_DM_LOWPRI = 1,
    APIC_DM_SMI = 2,
    APIC_DM_NMI = 4,
    APIC_DM_INIT = 5,
    APIC_DM_SIPI = 6,
    APIC_DM_EXTINT = 7,
};

typedef struct APICState APICState;

typedef struct APICBus {
    APICState *apic[APIC_BUS_MAX];
    int count;
    /* Broadcast EOI of a level-triggered vector: the I/O APIC clears its Remote IRR. */
    void (*eoi)(void *opaque, int vector);
    void *eoi_opaque;
} APICBus;

void apic_attach(DeviceState *dev, X86CPU *cpu, APICBus *bus, MemoryRegion *cpu_mem);
void apic_set_extint_ack(DeviceState *dev, int (*ack)(void *opaque), void *opaque);

/*
 * Deliver an interrupt message: dest is an APIC ID (physical; 0xff or, in x2APIC mode,
 * 0xffffffff is everyone) or a logical destination matched against each LDR.
 */
void apic_bus_deliver(APICBus *bus, uint32_t dest, bool logical, int mode, uint8_t vector,
                      bool level_trig);
/* An MSI write: address bits 19:12 the destination, bit 2 logical; data the vector,
 * delivery mode (10:8) and trigger (15). */
void apic_bus_msi(APICBus *bus, uint64_t addr, uint32_t data);
/* The region devices' MSI writes land in (the board maps it at APIC_DEFAULT_ADDRESS in
 * system memory; the harts' own APIC pages cover its first page for them). */
void apic_msi_region_init(MemoryRegion *mr, APICBus *bus);
/* The calling hart's APIC, if its register page is mapped at page; its register accesses. */
APICState *apic_of_current_cpu(hwaddr page);
uint64_t apic_page_read(APICState *s, hwaddr addr, unsigned size);
void apic_page_write(APICState *s, hwaddr addr, uint64_t val, unsigned size);

#endif
