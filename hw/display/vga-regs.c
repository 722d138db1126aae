/*
 * VGA register file: the I/O ports 0x3b0-0x3df (IBM VGA Technical Reference;
 * FreeVGA's register pages).
 *
 *   0x3b4/0x3b5  CRTC index/data        (monochrome: misc output bit 0 clear)
 *   0x3ba        input status 1 (read), feature control (write), monochrome
 *   0x3c0        attribute index / data (one port: a flip-flop picks which; reading
 *                input status 1 resets it to "index")
 *   0x3c1        attribute data (read)
 *   0x3c2        misc output (write), input status 0 (read)
 *   0x3c4/0x3c5  sequencer index/data    0x3c6 DAC pixel mask
 *   0x3c7        DAC read index (write), DAC state (read)
 *   0x3c8        DAC write index         0x3c9 DAC data (three bytes R, G, B per entry)
 *   0x3ca        feature control (read)  0x3cc misc output (read)
 *   0x3ce/0x3cf  graphics controller index/data
 *   0x3d4/0x3d5  CRTC index/data        (colour: misc output bit 0 set)
 *   0x3da        input status 1 (read), feature control (write), colour
 *
 * Modelling choices: indexes past a register group read 0 and ignore writes with
 * a guest_errors line; CRTC registers 0-7 obey the protect bit (0x11 bit 7) as
 * the VGA BIOS expects; input status 1 flips its display-enable and vertical
 * retrace bits on every read, so BIOS loops that wait for either edge end.
 */
#include "hw/display/vga.h"

#include <string.h>

#include "util/log.h"

#define ST01_DISP_ENABLE 0x01
#define ST01_V_RETRACE 0x08
#define CRTC_PROTECT_REG 0x11
#define CRTC_PROTECT 0x80
#define CRTC_OVERFLOW 0x07
#define CRTC_OVERFLOW_LINE_COMPARE 0x10

/* Writable bits of the attribute registers (palette 0-15 are 6 bits). */
static const uint8_t ar_wmask[VGA_AR_NREGS] = {
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0x3f,
    0x3f, 0x3f, 0x3f, 0x3f, 0x3f, 0xef, 0xff, 0x0f, 0x0f, 0x0f,
};

void vga_regs_reset(VGAState *s)
{
    s->misc = 0;
    s->seq_index = s->gc_index = s->ar_index = s->crtc_index = 0;
    memset(s->seq, 0, sizeof(s->seq));
    memset(s->gc, 0, sizeof(s->gc));
    memset(s->ar, 0, sizeof(s->ar));
    memset(s->crtc, 0, sizeof(s->crtc));
    s->ar_flip_flop = false;
    s->dac_read_index = s->dac_write_index = s->dac_sub = s->dac_state = 0;
    s->pel_mask = 0xff;
    s->st01 = 0;
    s->latch = 0;
    s->dirty = true;
    s->bad_mode_logged = false;
}

/* Ports 0x3bx are live in monochrome emulation, 0x3dx in colour; the other set floats. */
static bool vga_port_unselected(const VGAState *s, unsigned port)
{
    bool color = s->misc & VGA_MISC_COLOR;

    return (port >= 0x3b0 && port <= 0x3bf && color) || (port >= 0x3d0 && port <= 0x3df && !color);
}

static uint8_t vga_indexed_read(const char *what, const uint8_t *regs, unsigned n, uint8_t index)
{
    if (index >= n) {
        log_mask(LOG_GUEST_ERROR, "vga: read of %s register 0x%x\n", what, index);
        return 0;
    }
    return regs[index];
}

static void vga_indexed_write(VGAState *s, const char *what, uint8_t *regs, unsigned n,
                              uint8_t index, uint8_t val)
{
    if (index >= n) {
        log_mask(LOG_GUEST_ERROR, "vga: write of 0x%x to %s register 0x%x\n", val, what, index);
        return;
    }
    regs[index] = val;
    s->dirty = true;
}

static uint8_t vga_dac_read(VGAState *s)
{
    uint8_t v = s->palette[s->dac_read_index * 3 + s->dac_sub];

    if (++s->dac_sub == 3) {
        s->dac_sub = 0;
        s->dac_read_index++;
    }
    return v;
}

static void vga_dac_write(VGAState *s, uint8_t val)
{
    s->palette[s->dac_write_index * 3 + s->dac_sub] = val;
    if (++s->dac_sub == 3) {
        s->dac_sub = 0;
        s->dac_write_index++;
    }
    s->dirty = true;
}

uint8_t vga_ioport_read(VGAState *s, unsigned port)
{
    if (vga_port_unselected(s, port)) {
        return 0xff;
    }
    switch (port) {
    case 0x3c0:
        return s->ar_index;
    case 0x3c1:
        return vga_indexed_read("attribute", s->ar, VGA_AR_NREGS, s->ar_index & 0x1f);
    case 0x3c2:
        return 0; /* input status 0: no switch sense, no CRT interrupt */
    case 0x3c4:
        return s->seq_index;
    case 0x3c5:
        return vga_indexed_read("sequencer", s->seq, VGA_SEQ_NREGS, s->seq_index);
    case 0x3c6:
        return s->pel_mask;
    case 0x3c7:
        return s->dac_state;
    case 0x3c8:
        return s->dac_write_index;
    case 0x3c9:
        return vga_dac_read(s);
    case 0x3ca:
        return 0;
    case 0x3cc:
        return s->misc;
    case 0x3ce:
        return s->gc_index;
    case 0x3cf:
        return vga_indexed_read("graphics", s->gc, VGA_GC_NREGS, s->gc_index);
    case 0x3b4:
    case 0x3d4:
        return s->crtc_index;
    case 0x3b5:
    case 0x3d5:
        return vga_indexed_read("CRTC", s->crtc, VGA_CRTC_NREGS, s->crtc_index);
    case 0x3ba:
    case 0x3da:
        s->ar_flip_flop = false;
        s->st01 ^= ST01_DISP_ENABLE | ST01_V_RETRACE;
        return s->st01;
    default:
        return 0xff;
    }
}

static void vga_ar_write(VGAState *s, uint8_t val)
{
    if (!s->ar_flip_flop) {
        s->ar_index = val & 0x3f;
        s->dirty = true;
    } else if ((s->ar_index & 0x1f) < VGA_AR_NREGS) {
        s->ar[s->ar_index & 0x1f] = val & ar_wmask[s->ar_index & 0x1f];
        s->dirty = true;
    } else {
        log_mask(LOG_GUEST_ERROR, "vga: write of 0x%x to attribute register 0x%x\n", val,
                 s->ar_index & 0x1f);
    }
    s->ar_flip_flop = !s->ar_flip_flop;
}

static void vga_crtc_write(VGAState *s, uint8_t val)
{
    uint8_t i = s->crtc_index;

    if (i <= CRTC_OVERFLOW && (s->crtc[CRTC_PROTECT_REG] & CRTC_PROTECT)) {
        /* Protected: only the overflow register's line compare bit stays writable. */
        if (i == CRTC_OVERFLOW) {
            s->crtc[i] =
                (s->crtc[i] & ~CRTC_OVERFLOW_LINE_COMPARE) | (val & CRTC_OVERFLOW_LINE_COMPARE);
        }
        return;
    }
    vga_indexed_write(s, "CRTC", s->crtc, VGA_CRTC_NREGS, i, val);
}

void vga_ioport_write(VGAState *s, unsigned port, uint8_t val)
{
    if (vga_port_unselected(s, port)) {
        return;
    }
    switch (port) {
    case 0x3c0:
        vga_ar_write(s, val);
        break;
    case 0x3c2:
        s->misc = val;
        s->dirty = true;
        break;
    case 0x3c4:
        s->seq_index = val;
        break;
    case 0x3c5:
        vga_indexed_write(s, "sequencer", s->seq, VGA_SEQ_NREGS, s->seq_index, val);
        break;
    case 0x3c6:
        s->pel_mask = val;
        s->dirty = true;
        break;
    case 0x3c7:
        s->dac_read_index = val;
        s->dac_sub = 0;
        s->dac_state = 3;
        break;
    case 0x3c8:
        s->dac_write_index = val;
        s->dac_sub = 0;
        s->dac_state = 0;
        break;
    case 0x3c9:
        vga_dac_write(s, val);
        break;
    case 0x3ce:
        s->gc_index = val;
        break;
    case 0x3cf:
        vga_indexed_write(s, "graphics", s->gc, VGA_GC_NREGS, s->gc_index, val);
        break;
    case 0x3b4:
    case 0x3d4:
        s->crtc_index = val;
        break;
    case 0x3b5:
    case 0x3d5:
        vga_crtc_write(s, val);
        break;
    default:
        break; /* feature control and the unused ports: no effect */
    }
}

static uint64_t vga_ioport_mr_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_ioport_read(opaque, VGA_IO_BASE + addr);
}

static void vga_ioport_mr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vga_ioport_write(opaque, VGA_IO_BASE + addr, val);
}

/* 16-bit accesses (outw index+data, as the VGA BIOS writes) reach the handlers as two bytes. */
const MemoryRegionOps vga_ioport_ops = {
    .read = vga_ioport_mr_read,
    .write = vga_ioport_mr_write,
    .valid = {.min_access_size = 1, .max_access_size = 2, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};

/* ---- colours ---- */

/* A 6-bit DAC level widened to 8 bits, its low bit copied into the two new ones. */
static uint8_t vga_dac_level(uint8_t v)
{
    v &= 0x3f;
    return (uint8_t)(v << 2 | (v & 1) << 1 | (v & 1));
}

uint32_t vga_dac_rgb(const VGAState *s, uint8_t i, bool dac_8bit)
{
    const uint8_t *p = &s->palette[(i & s->pel_mask) * 3];

    if (dac_8bit) {
        return (uint32_t)p[0] << 16 | p[1] << 8 | p[2];
    }
    return (uint32_t)vga_dac_level(p[0]) << 16 | vga_dac_level(p[1]) << 8 | vga_dac_level(p[2]);
}

uint8_t vga_attr_to_dac(const VGAState *s, uint8_t colour)
{
    uint8_t pal = s->ar[colour & 0x0f];
    uint8_t sel = s->ar[VGA_AR_COLOR_SELECT];

    if (s->ar[VGA_AR_MODE] & VGA_AR_MODE_P54S) {
        return (pal & 0x0f) | (sel & 0x0f) << 4;
    }
    return (pal & 0x3f) | (sel & 0x0c) << 4;
}
