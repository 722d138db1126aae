/*
 * VGA text modes: characters and attributes from planes 0 and 1, glyphs from
 * plane 2, where the VGA BIOS loads its font (there is no font table here), and
 * the cursor. IBM VGA Technical Reference, "Alphanumeric Modes"; FreeVGA.
 *
 *   CRTC 0x01  horizontal display end: columns - 1
 *   CRTC 0x12  vertical display end (bits 8 and 9 in overflow 0x07 bits 1 and 6)
 *   CRTC 0x09  bits 4:0 scan lines per character row - 1
 *   CRTC 0x0a/0x0b cursor start (bit 5: off) / end scan line
 *   CRTC 0x0c/0x0d start address, 0x0e/0x0f cursor location (in character cells)
 *   CRTC 0x13  offset: words per character row (cells = 2 x offset)
 *   seq 0x01   bit 0: 8-dot characters (else 9)    seq 0x03 character map select
 *   attr 0x10  bit 2: line graphics (9th column of 0xc0-0xdf repeats the 8th)
 *
 * A cell is two bytes in odd/even memory: the character in plane 0 and its
 * attribute in plane 1 at the same even plane offset. Glyph c of map m is 32
 * bytes at plane-2 offset map_base(m) + 32c. Cell addresses wrap at the plane's
 * 64 KiB as the CRTC's address counter does, so no register value reaches past
 * the planes. Modelling choices: the cursor and blinking attributes do not blink
 * (a screendump sees the cursor on, and blinking text as normal text).
 */
#include "hw/display/vga.h"

#include "util/log.h"

#define CRTC_HDISP_END 0x01
#define CRTC_OVERFLOW 0x07
#define CRTC_MAX_SCAN 0x09
#define CRTC_CURSOR_START 0x0a
#define CRTC_CURSOR_END 0x0b
#define CRTC_START_HI 0x0c
#define CRTC_START_LO 0x0d
#define CRTC_CURSOR_HI 0x0e
#define CRTC_CURSOR_LO 0x0f
#define CRTC_VDISP_END 0x12
#define CRTC_OFFSET 0x13
#define CURSOR_OFF 0x20
#define SEQ_CHAR_MAP 3
#define VGA_MAX_WIDTH 2048
#define VGA_MAX_HEIGHT 2048
#define GLYPH_BYTES 32

typedef struct VGATextMode {
    int cols, rows, cw, ch;
    unsigned start, offset, cursor;
} VGATextMode;

/* Plane-2 offset of character map n (0-7): maps 0-3 at 16 KiB steps, 4-7 8 KiB above. */
static unsigned vga_char_map_base(unsigned n)
{
    return (n & 3) * 0x4000 + (n & 4) * 0x800;
}

static unsigned vga_vdisp_end(const VGAState *s)
{
    const uint8_t *c = s->crtc;

    return c[CRTC_VDISP_END] | (c[CRTC_OVERFLOW] & 0x02) << 7 | (c[CRTC_OVERFLOW] & 0x40) << 3;
}

static void vga_text_mode(VGAState *s, VGATextMode *m)
{
    m->cw = (s->seq[1] & VGA_SEQ_CLOCK_8DOT) ? 8 : 9;
    m->ch = (s->crtc[CRTC_MAX_SCAN] & 0x1f) + 1;
    m->cols = s->crtc[CRTC_HDISP_END] + 1;
    m->rows = (vga_vdisp_end(s) + 1) / m->ch;
    if (m->cols * m->cw > VGA_MAX_WIDTH || m->rows * m->ch > VGA_MAX_HEIGHT || !m->rows) {
        if (!s->bad_mode_logged) {
            log_mask(LOG_GUEST_ERROR, "vga: text mode %dx%d of %dx%d cells clamped\n", m->cols,
                     m->rows, m->cw, m->ch);
            s->bad_mode_logged = true;
        }
        m->cols = MIN(m->cols, VGA_MAX_WIDTH / m->cw);
        m->rows = MAX(1, MIN(m->rows, VGA_MAX_HEIGHT / m->ch));
    }
    m->start = s->crtc[CRTC_START_HI] << 8 | s->crtc[CRTC_START_LO];
    m->cursor = s->crtc[CRTC_CURSOR_HI] << 8 | s->crtc[CRTC_CURSOR_LO];
    m->offset = 2 * s->crtc[CRTC_OFFSET];
}

/* One scan line (line) of a cell, cw pixels at out. */
static void vga_draw_cell_line(const VGAState *s, const VGATextMode *m, unsigned cell,
                               unsigned line, bool cursor, uint32_t *out)
{
    unsigned plane_off = 4 * ((2 * cell) & (VGA_PLANE_SIZE - 1));
    uint8_t c = s->vram[plane_off], attr = s->vram[plane_off + 1];
    uint8_t maps = s->seq[SEQ_CHAR_MAP];
    /* Map A (attribute bit 3 set): bits 5,3:2; map B: bits 4,1:0. */
    unsigned map =
        (attr & 0x08) ? ((maps >> 2) & 3) | ((maps >> 3) & 4) : (maps & 3) | ((maps >> 2) & 4);
    unsigned glyph_off = vga_char_map_base(map) + c * GLYPH_BYTES + line;
    uint8_t bits = s->vram[4 * glyph_off + 2];
    uint8_t bg_colour = (s->ar[VGA_AR_MODE] & 0x08) ? (attr >> 4) & 7 : attr >> 4;
    uint32_t fg = vga_dac_rgb(s, vga_attr_to_dac(s, attr & 0x0f), false);
    uint32_t bg = vga_dac_rgb(s, vga_attr_to_dac(s, bg_colour), false);

    if (cursor) {
        bits = 0xff;
    }
    for (int x = 0; x < 8; x++) {
        out[x] = (bits & (0x80 >> x)) ? fg : bg;
    }
    if (m->cw == 9) {
        bool repeat = (s->ar[VGA_AR_MODE] & VGA_AR_MODE_LINE_GFX) && c >= 0xc0 && c <= 0xdf;
        out[8] = (cursor || (repeat && (bits & 1))) ? fg : bg;
    }
}

static bool vga_cursor_line(const VGAState *s, const VGATextMode *m, unsigned cell, int line)
{
    int start = s->crtc[CRTC_CURSOR_START] & 0x1f, end = s->crtc[CRTC_CURSOR_END] & 0x1f;

    return cell == m->cursor && !(s->crtc[CRTC_CURSOR_START] & CURSOR_OFF) && line >= start &&
           line <= end;
}

void vga_text_update(VGAState *s, QemuConsole *con)
{
    VGATextMode m;
    DisplaySurface *surf;
    uint32_t *row;
    int first = -1, last = -1;

    vga_text_mode(s, &m);
    surf = vga_surface(s, con, m.cols * m.cw, m.rows * m.ch);
    row = xzalloc(sizeof(uint32_t) * m.cols * m.cw);
    for (int r = 0; r < m.rows; r++) {
        unsigned base = (m.start + r * m.offset) & 0xffff;
        for (int line = 0; line < m.ch; line++) {
            for (int col = 0; col < m.cols; col++) {
                unsigned cell = (base + col) & 0xffff;
                vga_draw_cell_line(s, &m, cell, line, vga_cursor_line(s, &m, cell, line),
                                   row + col * m.cw);
            }
            vga_put_row(surf, r * m.ch + line, row, m.cols * m.cw, &first, &last);
        }
    }
    free(row);
    if (first >= 0) {
        dpy_gfx_update(con, 0, first, m.cols * m.cw, last - first + 1);
    }
}
