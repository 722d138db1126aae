/*
 * EDID 1.4 base blocks (VESA E-EDID Standard, Release A, Revision 2) for
 * emulated monitors: a display device answers the guest's request for
 * EDID with one, so the guest picks the preferred mode the device was given.
 */
#ifndef HW_DISPLAY_EDID_H
#define HW_DISPLAY_EDID_H

#include "common.h"

#define EDID_BLOCK_SIZE 128

typedef struct EdidInfo {
    const char *name;      /* monitor name descriptor (<= 13 characters used) */
    uint32_t prefx, prefy; /* preferred mode, the first detailed timing (<= 4095x4095) */
    uint32_t serial;       /* ID serial number */
} EdidInfo;

/*
 * Fill blob (EDID_BLOCK_SIZE bytes) with a base block for info: header,
 * vendor "KST", the preferred mode as a reduced-blanking 60 Hz detailed timing,
 * a range-limits and a name descriptor, no extension, valid checksum.
 */
void edid_generate(uint8_t *blob, const EdidInfo *info);

#endif
