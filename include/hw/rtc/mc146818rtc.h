/*
 * The MC146818 real-time clock and its 128 bytes of CMOS RAM (QEMU's
 * "mc146818rtc"), as on the PC: index port at +0 (bit 7 masks NMI), data port
 * at +1. The board maps region 0 (2 ports) at 0x70 and fills the CMOS bytes
 * the firmware reads (memory sizes, CPU count) with mc146818rtc_set_cmos.
 */
#ifndef HW_RTC_MC146818RTC_H
#define HW_RTC_MC146818RTC_H

#include "hw/core/sysbus.h"

#define TYPE_MC146818_RTC "mc146818rtc"

/* CMOS bytes SeaBIOS reads when fw_cfg does not answer (its src/hw/rtc.h names). */
#define CMOS_MEM_EXTMEM_LOW 0x30 /* KiB above 1 MiB, up to 64 MiB */
#define CMOS_MEM_EXTMEM_HIGH 0x31
#define CMOS_MEM_EXTMEM2_LOW 0x34 /* 64 KiB units above 16 MiB, below 4 GiB */
#define CMOS_MEM_EXTMEM2_HIGH 0x35
#define CMOS_MEM_BASE_LOW 0x15 /* KiB of base memory (640) */
#define CMOS_MEM_BASE_HIGH 0x16
#define CMOS_MEM_HIGHMEM_LOW 0x5b /* 64 KiB units above 4 GiB */
#define CMOS_MEM_HIGHMEM_MID 0x5c
#define CMOS_MEM_HIGHMEM_HIGH 0x5d
#define CMOS_BIOS_SMP_COUNT 0x5f /* CPUs - 1 */

void mc146818rtc_set_cmos(DeviceState *dev, int addr, uint8_t val);

#endif
