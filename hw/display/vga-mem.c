/*
 * VGA memory: the CPU's 0xa0000-0xbffff window onto the four planes, through
 * the sequencer and the graphics controller (IBM VGA Technical Reference,
 * "Graphics Controller Registers"; FreeVGA "VGA Memory Organization").
 *
 *   graphics 6 bits 3:2  which part of the window decodes: 0 all 128 KiB, 1 0xa0000
 *                        (64 KiB), 2 0xb0000 (32 KiB, mono text), 3 0xb8000 (colour text)
 *   sequencer 4          chain 4 (mode 13h: address bits 1:0 pick the plane),
 *                        odd/even off (bit 2 clear: even addresses reach planes 0/2,
 *                        odd ones planes 1/3, as text modes store character/attribute)
 *   sequencer 2          map mask: the planes a write may change
 *   graphics 0-5, 7, 8   set/reset, enable set/reset, colour compare, rotate and logical
 *                        operation, read map select, read/write mode, colour don't care,
 *                        bit mask; reads load the 32-bit latch write mode 1 copies back
 *
 * While VBE is on, the window is a 64 KiB bank of the linear framebuffer instead
 * (the PCI face sets vbe_window and the bank's base). Offsets outside the decoded
 * part are ignored (reads give 0xff), as on the bus the card does not claim them.
 */
#include "hw/display/vga.h"

#include "util/log.h"

#define SEQ_MAP_MASK 2
#define SEQ_MEM_MODE 4
#define GC_SET_RESET 0
#define GC_ENABLE_SET_RESET 1
#define GC_COLOR_COMPARE 2
#define GC_DATA_ROTATE 3
#define GC_READ_MAP 4
#define GC_MODE 5
#define GC_MISC 6
#define GC_DONT_CARE 7
#define GC_BIT_MASK 8

/* Each of the low four bits of v as a whole plane byte (0x00 or 0xff). */
static uint32_t vga_expand4(uint8_t v)
{
    uint32_t r = 0;

    for (int p = 0; p < 4; p++) {
        r |= (v & (1u << p)) ? 0xffu << (8 * p) : 0;
    }
    return r;
}

static uint32_t vga_plane_word(const VGAState *s, uint32_t off)
{
    const uint8_t *p = &s->vram[4 * off];

    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The plane offset of window offset addr, or -1 where the memory map selects nothing. */
static int64_t vga_window_offset(const VGAState *s, hwaddr addr)
{
    static const hwaddr base[4] = {0, 0, 0x10000, 0x18000};
    static const hwaddr size[4] = {0x20000, 0x10000, 0x8000, 0x8000};
    unsigned map = (s->gc[GC_MISC] >> 2) & 3;

    if (addr < base[map] || addr >= base[map] + size[map]) {
        return -1;
    }
    return addr - base[map];
}

/* The byte behind a VBE bank window offset, or NULL past the bank or the framebuffer. */
static uint8_t *vga_vbe_byte(VGAState *s, hwaddr addr)
{
    uint64_t off = s->vbe_bank_base + addr;

    if (addr >= VGA_PLANE_SIZE || off >= s->vram_size) {
        return NULL;
    }
    return &s->vram[off];
}

static uint8_t vga_read_planar(VGAState *s, uint32_t off)
{
    uint8_t dont_care = s->gc[GC_DONT_CARE] & 0x0f, result = 0xff;
    uint32_t diff;

    s->latch = vga_plane_word(s, off);
    if (!(s->gc[GC_MODE] & VGA_GC_MODE_READ1)) {
        return s->latch >> (8 * (s->gc[GC_READ_MAP] & 3));
    }
    /* Read mode 1: a bit is set where every cared-for plane matches the compare colour. */
    diff = (s->latch ^ vga_expand4(s->gc[GC_COLOR_COMPARE])) & vga_expand4(dont_care);
    for (int p = 0; p < 4; p++) {
        result &= ~(uint8_t)(diff >> (8 * p));
    }
    return result;
}

uint8_t vga_mem_readb(VGAState *s, hwaddr addr)
{
    int64_t off;

    if (s->vbe_window) {
        uint8_t *b = vga_vbe_byte(s, addr);
        return b ? *b : 0xff;
    }
    off = vga_window_offset(s, addr);
    if (off < 0) {
        return 0xff;
    }
    if (s->seq[SEQ_MEM_MODE] & VGA_SEQ_MEM_CHAIN4) {
        return s->vram[off];
    }
    off &= VGA_PLANE_SIZE - 1;
    if (s->gc[GC_MODE] & VGA_GC_MODE_ODD_EVEN) {
        unsigned plane = (s->gc[GC_READ_MAP] & 2) | (off & 1);
        return s->vram[4 * (off & ~1) + plane];
    }
    return vga_read_planar(s, off);
}

/* Write modes 0, 2 and 3: the data for each plane before the logical operation. */
static uint32_t vga_write_data(VGAState *s, uint8_t val, uint8_t *bit_mask)
{
    unsigned rot = s->gc[GC_DATA_ROTATE] & 7;
    uint8_t r = (uint8_t)(val >> rot | val << ((8 - rot) & 7));
    uint32_t set = vga_expand4(s->gc[GC_SET_RESET]), enable;

    *bit_mask = s->gc[GC_BIT_MASK];
    switch (s->gc[GC_MODE] & 3) {
    case 2:
        return vga_expand4(val);
    case 3:
        *bit_mask &= r;
        return set;
    default:
        enable = vga_expand4(s->gc[GC_ENABLE_SET_RESET]);
        return (r * 0x01010101u & ~enable) | (set & enable);
    }
}

static void vga_write_planar(VGAState *s, uint32_t off, uint8_t val)
{
    uint32_t data, mask, planes = vga_expand4(s->seq[SEQ_MAP_MASK]);
    uint8_t bit_mask;
    uint8_t *p = &s->vram[4 * off];

    if ((s->gc[GC_MODE] & 3) == 1) {
        data = s->latch;
    } else {
        data = vga_write_data(s, val, &bit_mask);
        switch ((s->gc[GC_DATA_ROTATE] >> 3) & 3) {
        case 1:
            data &= s->latch;
            break;
        case 2:
            data |= s->latch;
            break;
        case 3:
            data ^= s->latch;
            break;
        default:
            break;
        }
        mask = bit_mask * 0x01010101u;
        data = (data & mask) | (s->latch & ~mask);
    }
    for (int i = 0; i < 4; i++) {
        if (planes & (0xffu << (8 * i))) {
            p[i] = data >> (8 * i);
        }
    }
}

void vga_mem_writeb(VGAState *s, hwaddr addr, uint8_t val)
{
    uint8_t map_mask = s->seq[SEQ_MAP_MASK];
    int64_t off;

    if (s->vbe_window) {
        uint8_t *b = vga_vbe_byte(s, addr);
        if (b) {
            *b = val;
        }
        return;
    }
    off = vga_window_offset(s, addr);
    if (off < 0) {
        return;
    }
    if (s->seq[SEQ_MEM_MODE] & VGA_SEQ_MEM_CHAIN4) {
        if (map_mask & (1u << (off & 3))) {
            s->vram[off] = val;
        }
        return;
    }
    off &= VGA_PLANE_SIZE - 1;
    if (!(s->seq[SEQ_MEM_MODE] & VGA_SEQ_MEM_ODD_EVEN_OFF)) {
        /* Odd/even: an even address reaches planes 0 and 2, an odd one planes 1 and 3. */
        for (unsigned plane = off & 1; plane < 4; plane += 2) {
            if (map_mask & (1u << plane)) {
                s->vram[4 * (off & ~1) + plane] = val;
            }
        }
        return;
    }
    vga_write_planar(s, off, val);
}

static uint64_t vga_mem_mr_read(void *opaque, hwaddr addr, unsigned size)
{
    return vga_mem_readb(opaque, addr);
}

static void vga_mem_mr_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    vga_mem_writeb(opaque, addr, val);
}

/* Wider CPU accesses reach the planes byte by byte, each through the latches. */
const MemoryRegionOps vga_mem_ops = {
    .read = vga_mem_mr_read,
    .write = vga_mem_mr_write,
    .valid = {.min_access_size = 1, .max_access_size = 8, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 1},
};
