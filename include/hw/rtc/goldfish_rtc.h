/*
 * Google Goldfish RTC (QEMU virt's rtc@101000, Linux rtc-goldfish): a
 * nanosecond wall clock with one alarm and a level interrupt on output 0.
 */
#ifndef HW_RTC_GOLDFISH_RTC_H
#define HW_RTC_GOLDFISH_RTC_H

#include "hw/core/sysbus.h"

#define TYPE_GOLDFISH_RTC "goldfish_rtc"

#define GOLDFISH_RTC_SIZE 0x1000

#endif
