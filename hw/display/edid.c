/*
 * An EDID 1.4 base block built from a preferred mode (VESA E-EDID Standard,
 * Release A, Revision 2, section 3). Layout of the 128 bytes:
 *   0-7 header, 8-17 vendor/product/serial/date, 18-19 version 1.4,
 *   20-24 basic display parameters, 25-34 chromaticity (sRGB),
 *   35-37 established timings, 38-53 standard timings (unused),
 *   54-125 four 18-byte descriptors, 126 extension count, 127 checksum.
 * The preferred mode's timing follows CVT reduced blanking (VESA CVT 1.2):
 * 160 pixels of horizontal blanking, a 460 us vertical blanking interval.
 */
#include "hw/display/edid.h"

#define EDID_REFRESH_HZ 60
#define EDID_DPI 96 /* for the physical size, which guests use to pick font sizes */

static void edid_detailed_timing(uint8_t *d, uint32_t xres, uint32_t yres)
{
    uint32_t hblank = 160, hfront = 48, hsync = 32;
    uint32_t vfront = 3, vsync = 6;
    /* Lines in 460 us when a frame lasts 1/60 s: vblank / (yres + vblank) = 460e-6 * 60. */
    uint32_t vblank = (uint64_t)yres * 276 / (10000 - 276) + 1;
    uint64_t clock_10khz = (uint64_t)(xres + hblank) * (yres + vblank) * EDID_REFRESH_HZ / 10000;
    uint32_t wmm = xres * 254 / (EDID_DPI * 10), hmm = yres * 254 / (EDID_DPI * 10);

    vblank = MAX(vblank, vfront + vsync + 1);
    d[0] = clock_10khz;
    d[1] = clock_10khz >> 8;
    d[2] = xres;
    d[3] = hblank;
    d[4] = (xres >> 8) << 4 | hblank >> 8;
    d[5] = yres;
    d[6] = vblank;
    d[7] = (yres >> 8) << 4 | vblank >> 8;
    d[8] = hfront;
    d[9] = hsync;
    d[10] = (vfront & 15) << 4 | (vsync & 15);
    d[11] = (hfront >> 8) << 6 | (hsync >> 8) << 4 | (vfront >> 4) << 2 | vsync >> 4;
    d[12] = wmm;
    d[13] = hmm;
    d[14] = (wmm >> 8) << 4 | (hmm >> 8);
    d[17] = 0x1a; /* digital separate sync, hsync +, vsync - (as CVT-RB asks) */
}

/* A display descriptor: tag, then 13 bytes of text ended by '\n' and padded with spaces. */
static void edid_text_descriptor(uint8_t *d, uint8_t tag, const char *text)
{
    size_t n = MIN(strlen(text), 13);

    d[3] = tag;
    memset(d + 5, ' ', 13);
    memcpy(d + 5, text, n);
    if (n < 13) {
        d[5 + n] = '\n';
    }
}

static void edid_range_limits(uint8_t *d)
{
    static const uint8_t limits[] = {0,  0,    0,    0xfd, 0,   50,  125, 30,  160,
                                     60, 0x01, 0x0a, ' ',  ' ', ' ', ' ', ' ', ' '};
    memcpy(d, limits, sizeof(limits));
}

void edid_generate(uint8_t *blob, const EdidInfo *info)
{
    static const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};
    static const uint8_t srgb[10] = {0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54};
    uint16_t vendor = ('K' - '@') << 10 | ('S' - '@') << 5 | ('T' - '@');
    uint32_t xres = MIN(info->prefx, 4095), yres = MIN(info->prefy, 4095);
    uint8_t sum = 0;

    memset(blob, 0, EDID_BLOCK_SIZE);
    memcpy(blob, header, sizeof(header));
    blob[8] = vendor >> 8; /* the vendor ID is big-endian */
    blob[9] = vendor;
    blob[10] = 0x01; /* product code 0x0001 */
    for (int i = 0; i < 4; i++) {
        blob[12 + i] = info->serial >> (8 * i); /* little-endian */
    }
    blob[16] = 1;           /* week 1 */
    blob[17] = 2024 - 1990; /* year */
    blob[18] = 1;           /* EDID 1.4 */
    blob[19] = 4;
    blob[20] = 0xa5;                          /* digital, 8 bits per colour, DisplayPort */
    blob[21] = xres * 254 / (EDID_DPI * 100); /* size in cm */
    blob[22] = yres * 254 / (EDID_DPI * 100);
    blob[23] = 120;  /* gamma 2.2 */
    blob[24] = 0x06; /* sRGB default, preferred timing is native */
    memcpy(blob + 25, srgb, sizeof(srgb));
    blob[35] = 0x21;             /* 640x480@60, 800x600@60 */
    blob[36] = 0x08;             /* 1024x768@60 */
    memset(blob + 38, 0x01, 16); /* standard timings unused */
    edid_detailed_timing(blob + 54, xres, yres);
    edid_range_limits(blob + 72);
    edid_text_descriptor(blob + 90, 0xfc, info->name ? info->name : "Kestrel");
    edid_text_descriptor(blob + 108, 0xff, "KESTREL0001");
    for (int i = 0; i < EDID_BLOCK_SIZE - 1; i++) {
        sum += blob[i];
    }
    blob[127] = -sum;
}
