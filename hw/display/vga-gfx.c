/*
 * VGA graphics modes and the display refresh that picks text or graphics
 * (IBM VGA Technical Reference, "Graphics Modes"; FreeVGA "VGA Memory").
 *
 *   graphics 6 bit 0   graphics (else text, hw/display/vga-text.c)
 *   graphics 5 bit 6   256-colour shift: one byte per pixel (mode 13h, with chain 4,
 *                      the pixel at x is plane x & 3), else 16-colour planar: bit
 *                      7 - (x & 7) of the four planes' bytes forms the colour
 *   CRTC 0x01 / 0x12   display end: width (x 8 dots, halved in 256-colour mode) and
 *                      height - 1 (bits 8-9 in overflow 0x07)
 *   CRTC 0x09          bit 7 double scan, bits 4:0 scan lines per row - 1
 *   CRTC 0x13          offset: words per line (planar), x 8 bytes (chained)
 *   attr 0x12          colour plane enable
 *
 * Addresses wrap within the planes (64 KiB each; 256 KiB chained), as the CRTC's
 * counter does, so no register value reads outside VGA memory. Blanked screens
 * (attribute "video enabled" clear, or sequencer screen off) show black.
 */
#include "hw/display/vga.h"

#include <string.h>

#define CRTC_OVERFLOW 0x07
#define CRTC_MAX_SCAN 0x09
#define CRTC_VDISP_END 0x12
#define CRTC_OFFSET 0x13
#define AR_PLANE_ENABLE 0x12

DisplaySurface *vga_surface(VGAState *s, QemuConsole *con, int w, int h)
{
    DisplaySurface *surf = qemu_console_surface(con);

    if (!surf || surf->width != w || surf->height != h) {
        surf = qemu_create_displaysurface(w, h);
        dpy_gfx_replace_surface(con, surf);
    }
    return surf;
}

void vga_put_row(DisplaySurface *surf, int y, const uint32_t *row, int w, int *first, int *last)
{
    uint32_t *dst = (uint32_t *)(surf->data + (size_t)y * surf->stride);

    if (memcmp(dst, row, sizeof(uint32_t) * w)) {
        memcpy(dst, row, sizeof(uint32_t) * w);
        *first = *first < 0 ? y : *first;
        *last = y;
    }
}

static void vga_blank(VGAState *s, QemuConsole *con)
{
    DisplaySurface *surf = qemu_console_surface(con);
    int w = surf ? surf->width : 640, h = surf ? surf->height : 480;
    uint32_t *row = xzalloc(sizeof(uint32_t) * w);
    int first = -1, last = -1;

    surf = vga_surface(s, con, w, h);
    for (int y = 0; y < h; y++) {
        vga_put_row(surf, y, row, w, &first, &last);
    }
    free(row);
    if (first >= 0) {
        dpy_gfx_update(con, 0, first, w, last - first + 1);
    }
}

/* One 16-colour planar line from plane offset off. */
static void vga_planar_line(const VGAState *s, unsigned off, int w, uint32_t *out)
{
    uint8_t enable = s->ar[AR_PLANE_ENABLE] & 0x0f;

    for (int x = 0; x < w; x++) {
        const uint8_t *p = &s->vram[4 * ((off + x / 8) & (VGA_PLANE_SIZE - 1))];
        unsigned bit = 7 - (x & 7);
        uint8_t colour = 0;
        for (int plane = 0; plane < 4; plane++) {
            colour |= ((p[plane] >> bit) & 1) << plane;
        }
        out[x] = vga_dac_rgb(s, vga_attr_to_dac(s, colour & enable), false);
    }
}

/* One 256-colour chained line from byte offset off. */
static void vga_chained_line(const VGAState *s, unsigned off, int w, uint32_t *out)
{
    for (int x = 0; x < w; x++) {
        out[x] = vga_dac_rgb(s, s->vram[(off + x) & (4 * VGA_PLANE_SIZE - 1)], false);
    }
}

void vga_gfx_update(VGAState *s, QemuConsole *con)
{
    bool chained = s->gc[5] & VGA_GC_MODE_256;
    const uint8_t *c = s->crtc;
    int w = (c[1] + 1) * 8 / (chained ? 2 : 1);
    int h =
        (c[CRTC_VDISP_END] | (c[CRTC_OVERFLOW] & 0x02) << 7 | (c[CRTC_OVERFLOW] & 0x40) << 3) + 1;
    int scan = ((c[CRTC_MAX_SCAN] & 0x1f) + 1) * ((c[CRTC_MAX_SCAN] & 0x80) ? 2 : 1);
    unsigned start = c[0x0c] << 8 | c[0x0d];
    unsigned line = chained ? c[CRTC_OFFSET] * 8 : c[CRTC_OFFSET] * 2;
    DisplaySurface *surf;
    uint32_t *row;
    int first = -1, last = -1;

    h = MAX(1, h / scan); /* at most 2048x1024: the registers cannot say more */
    surf = vga_surface(s, con, w, h);
    row = xzalloc(sizeof(uint32_t) * w);
    for (int y = 0; y < h; y++) {
        if (chained) {
            vga_chained_line(s, 4 * start + y * line, w, row);
        } else {
            vga_planar_line(s, start + y * line, w, row);
        }
        vga_put_row(surf, y, row, w, &first, &last);
    }
    free(row);
    if (first >= 0) {
        dpy_gfx_update(con, 0, first, w, last - first + 1);
    }
}

void vga_update_display(VGAState *s, QemuConsole *con)
{
    if (!(s->ar_index & VGA_AR_VIDEO_ENABLED) || (s->seq[1] & VGA_SEQ_SCREEN_OFF)) {
        vga_blank(s, con);
    } else if (s->gc[6] & VGA_GC_MISC_GRAPHICS) {
        vga_gfx_update(s, con);
    } else {
        vga_text_update(s, con);
    }
    s->dirty = false;
}
