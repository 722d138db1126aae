/*
 * What hw/riscv/virt.c and hw/riscv/virt-intc.c (the interrupt controllers) share; the
 * board's public interface is include/hw/riscv/virt.h.
 */
#ifndef HW_RISCV_VIRT_INTERNAL_H
#define HW_RISCV_VIRT_INTERNAL_H

#include <string.h>

#include "hw/riscv/virt.h"

#define VIRT_TIMEBASE_FREQ 10000000

/* aia=aplic or aplic-imsic: the APLIC domains instead of the PLIC. */
static inline bool virt_aia_aplic(VirtMachineState *s)
{
    return s->aia && strncmp(s->aia, "aplic", 5) == 0;
}

/* aia=aplic-imsic: the harts' IMSICs, and the APLIC delivering MSIs to them. */
static inline bool virt_aia_imsic(VirtMachineState *s)
{
    return s->aia && strcmp(s->aia, "aplic-imsic") == 0;
}

/* Remember a placed device so virt_create_fdt() asks it for its node (virt.c). */
VirtFDTDevice *virt_fdt_add(VirtMachineState *s, DeviceState *dev, int map_index);

/* ---- virt-intc.c ---- */
/* -machine aia=none|aplic|aplic-imsic and aia-guests: false + errp for a bad value. */
bool virt_check_aia(VirtMachineState *s, Error **errp);
/* Per socket its CLINT/ACLINT and its PLIC, or the APLIC domains (and IMSICs) with aia=. */
bool virt_create_sockets(VirtMachineState *s, MachineState *ms, Error **errp);
/* The socket whose interrupt controller a group of devices interrupts on. */
int virt_irqchip_socket(VirtMachineState *s, int wanted);

#endif
