/*
 * The legacy VGA core of the std VGA card (hw/display/vga-*.c): the register
 * file behind ports 0x3b0-0x3df, the planar memory behind 0xa0000-0xbffff, and
 * the text and graphics renderers. The PCI face (hw/display/bochs-display.c)
 * embeds a VGAState, points it at its framebuffer and maps the windows.
 *
 * Memory layout (the model's choice, used by every file): VGA memory is four
 * planes of 64 KiB; byte a of plane p lives at vram[4 * a + p], so the four
 * planes of one address form one 32-bit word (what the latches hold), and a
 * chain-4 (mode 13h) CPU address a is simply vram[a].
 *
 * All of this runs under the BQL (port and memory handlers, console refresh).
 */
#ifndef HW_DISPLAY_VGA_H
#define HW_DISPLAY_VGA_H

#include "system/memory.h"
#include "ui/console.h"

#define VGA_PLANE_SIZE (64 * KiB)
#define VGA_LEGACY_MEM_BASE 0xa0000
#define VGA_LEGACY_MEM_SIZE 0x20000
#define VGA_IO_BASE 0x3b0
#define VGA_IO_SIZE 0x30

#define VGA_SEQ_NREGS 5
#define VGA_GC_NREGS 9
#define VGA_AR_NREGS 21
#define VGA_CRTC_NREGS 25

/* Register bits the files share (IBM VGA Technical Reference names). */
#define VGA_MISC_COLOR 0x01     /* CRTC and input status at 0x3dx, not 0x3bx */
#define VGA_SEQ_CLOCK_8DOT 0x01 /* sequencer 1: 8-dot characters (else 9) */
#define VGA_SEQ_SCREEN_OFF 0x20
#define VGA_SEQ_MEM_ODD_EVEN_OFF 0x04 /* sequencer 4 */
#define VGA_SEQ_MEM_CHAIN4 0x08
#define VGA_GC_MODE_READ1 0x08 /* graphics controller 5 */
#define VGA_GC_MODE_ODD_EVEN 0x10
#define VGA_GC_MODE_256 0x40
#define VGA_GC_MISC_GRAPHICS 0x01 /* graphics controller 6 */
#define VGA_AR_VIDEO_ENABLED 0x20 /* attribute index bit 5 (palette address source) */
#define VGA_AR_MODE_LINE_GFX 0x04 /* attribute 0x10 */
#define VGA_AR_MODE_P54S 0x80
#define VGA_AR_MODE 0x10
#define VGA_AR_COLOR_SELECT 0x14

typedef struct VGAState {
    uint8_t *vram;      /* the card's framebuffer (owned by the PCI face) */
    uint64_t vram_size; /* at least 4 * VGA_PLANE_SIZE */
    uint8_t misc;       /* miscellaneous output (0x3c2 write, 0x3cc read) */
    uint8_t seq_index, seq[VGA_SEQ_NREGS];
    uint8_t gc_index, gc[VGA_GC_NREGS];
    uint8_t ar_index, ar[VGA_AR_NREGS];
    bool ar_flip_flop; /* false: the next 0x3c0 write is an index */
    uint8_t crtc_index, crtc[VGA_CRTC_NREGS];
    uint8_t dac_read_index, dac_write_index, dac_sub, dac_state, pel_mask;
    uint8_t palette[256 * 3]; /* DAC entries as written (6 bits, or 8 with the VBE 8-bit DAC) */
    uint8_t st01;             /* input status 1: the retrace bits flip on every read */
    uint32_t latch;           /* the four planes' bytes of the last read */
    /* Set by the PCI face while VBE is on: the window shows vram at bank_base linearly. */
    bool vbe_window;
    uint64_t vbe_bank_base;
    bool dirty; /* a register the picture depends on changed: redraw everything */
    bool bad_mode_logged;
} VGAState;

/* Power-on state of the registers (the VGA BIOS programs a mode). */
void vga_regs_reset(VGAState *s);
/* One byte at port 0x3b0..0x3df; ports of the unselected CRTC address (mono/colour) read 0xff. */
uint8_t vga_ioport_read(VGAState *s, unsigned port);
void vga_ioport_write(VGAState *s, unsigned port, uint8_t val);
/* The 0x3b0-0x3df window (opaque: the VGAState), 8- and 16-bit accesses. */
extern const MemoryRegionOps vga_ioport_ops;

/* One byte at offset addr of the 0xa0000-0xbffff window, through the graphics controller. */
uint8_t vga_mem_readb(VGAState *s, hwaddr addr);
void vga_mem_writeb(VGAState *s, hwaddr addr, uint8_t val);
extern const MemoryRegionOps vga_mem_ops;

/* The 0x00RRGGBB colour of DAC entry i (6-bit entries widened as the DAC does). */
uint32_t vga_dac_rgb(const VGAState *s, uint8_t i, bool dac_8bit);
/* The DAC entry a 4-bit attribute colour selects (palette registers, colour select). */
uint8_t vga_attr_to_dac(const VGAState *s, uint8_t colour);

/*
 * Render the current VGA mode into con's surface (resizing it to the mode), reporting
 * changed rows as dirty rectangles. Text modes: hw/display/vga-text.c; graphics modes
 * (16-colour planar, 256-colour chained): hw/display/vga-gfx.c.
 */
void vga_update_display(VGAState *s, QemuConsole *con);
void vga_text_update(VGAState *s, QemuConsole *con);
void vga_gfx_update(VGAState *s, QemuConsole *con);

/* Shared by the renderers: a surface of w x h on con (new if the size changed). */
DisplaySurface *vga_surface(VGAState *s, QemuConsole *con, int w, int h);
/* Copy row y of w pixels into the surface if it differs; extend the dirty band. */
void vga_put_row(DisplaySurface *surf, int y, const uint32_t *row, int w, int *first, int *last);

#endif
