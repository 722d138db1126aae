/*
 * The ICH9's ACPI power-management I/O block (PMIO, 128 bytes at PMBASE),
 * part of the LPC bridge (hw/isa/lpc_ich9.c), which maps pm->io at PMBASE
 * while ACPI_CNTL.ACPI_EN is set and routes pm's SCI to its IRQ.
 *
 * QEMU's offsets: PM1a_EVT (status, enable) 0x00, PM1a_CNT 0x04, PM_TMR 0x08,
 * GPE0 (8 status + 8 enable bytes) 0x20, SMI_EN 0x30, SMI_STS 0x34.
 */
#ifndef HW_ACPI_ICH9_H
#define HW_ACPI_ICH9_H

#include "hw/core/irq.h"
#include "system/memory.h"
#include "util/timer.h"

#define ICH9_PMIO_SIZE 128
#define ICH9_PMIO_PM1_STS 0x00
#define ICH9_PMIO_PM1_EN 0x02
#define ICH9_PMIO_PM1_CNT 0x04
#define ICH9_PMIO_PM_TMR 0x08
#define ICH9_PMIO_GPE0_STS 0x20
#define ICH9_PMIO_GPE0_EN 0x28
#define ICH9_PMIO_GPE0_LEN 8
#define ICH9_PMIO_SMI_EN 0x30
#define ICH9_PMIO_SMI_STS 0x34
#define ICH9_SMI_EN_APMC_EN (1u << 5)
#define ACPI_PM_TIMER_HZ 3579545

#define ACPI_PM1_TMR_STS (1u << 0)
#define ACPI_PM1_GBL_STS (1u << 5)
#define ACPI_PM1_PWRBTN_STS (1u << 8)
#define ACPI_PM1_WAK_STS (1u << 15)
#define ACPI_PM1_CNT_SCI_EN (1u << 0)
#define ACPI_PM1_CNT_SLP_EN (1u << 13)

typedef struct ICH9PM {
    MemoryRegion io;
    IRQState *sci; /* set by the LPC bridge */
    uint16_t pm1_sts, pm1_en;
    uint32_t pm1_cnt, smi_en, smi_sts;
    uint8_t gpe0_sts[ICH9_PMIO_GPE0_LEN], gpe0_en[ICH9_PMIO_GPE0_LEN];
    Timer *overflow; /* PM timer bit 23 toggles: TMR_STS */
} ICH9PM;

void ich9_pm_init(ICH9PM *pm);
void ich9_pm_reset(ICH9PM *pm);
/* The PM timer's value now (24 bits at 3.579545 MHz from the virtual clock). */
uint32_t ich9_pm_timer(void);
/* The power button (QMP system_powerdown): PWRBTN_STS and an SCI if enabled. */
void ich9_pm_powerbutton(ICH9PM *pm);

#endif
