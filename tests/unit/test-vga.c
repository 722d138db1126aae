/*
 * The legacy VGA core without a PCI card (include/hw/display/vga.h): the register file
 * (index/data pairs, the attribute flip-flop, the DAC's auto-increment, mono/colour port
 * selection, CRTC protection), the memory window (odd/even text, the font in plane 2,
 * chain 4, write modes through the latches, read mode 1, the memory map) and the text and
 * graphics renderers, including register values that would reach past the planes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/display/vga.h"
#include "test-guest-log.h"

#define VRAM_SIZE (1 << 20)
#define PLANE(s, p, off) ((s)->vram[4 * (off) + (p)])

static VGAState *vga_new(void)
{
    VGAState *s = xzalloc(sizeof(*s));

    s->vram = xzalloc(VRAM_SIZE);
    s->vram_size = VRAM_SIZE;
    vga_regs_reset(s);
    return s;
}

static void vga_free(VGAState *s)
{
    free(s->vram);
    free(s);
}

static void seq(VGAState *s, uint8_t i, uint8_t v)
{
    vga_ioport_write(s, 0x3c4, i);
    vga_ioport_write(s, 0x3c5, v);
}

static void gc(VGAState *s, uint8_t i, uint8_t v)
{
    vga_ioport_write(s, 0x3ce, i);
    vga_ioport_write(s, 0x3cf, v);
}

static void crtc(VGAState *s, uint8_t i, uint8_t v)
{
    vga_ioport_write(s, 0x3d4, i);
    vga_ioport_write(s, 0x3d5, v);
}

static void attr(VGAState *s, uint8_t i, uint8_t v)
{
    vga_ioport_read(s, 0x3da); /* the flip-flop to "index" */
    vga_ioport_write(s, 0x3c0, i);
    vga_ioport_write(s, 0x3c0, v);
}

/* ---- registers ---- */

static void test_crtc_ports_follow_misc_output(void **state)
{
    VGAState *s = vga_new();

    vga_ioport_write(s, 0x3b4, 0x0e); /* mono: live while misc bit 0 is clear */
    vga_ioport_write(s, 0x3b5, 0x12);
    assert_int_equal(vga_ioport_read(s, 0x3b5), 0x12);
    assert_int_equal(vga_ioport_read(s, 0x3d5), 0xff); /* the colour ports float */
    vga_ioport_write(s, 0x3c2, 0x67);
    assert_int_equal(vga_ioport_read(s, 0x3cc), 0x67);
    assert_int_equal(vga_ioport_read(s, 0x3b5), 0xff);
    crtc(s, 0x0f, 0x34);
    assert_int_equal(vga_ioport_read(s, 0x3d5), 0x34);
    assert_int_equal(s->crtc[0x0e], 0x12);
    /* Protect (0x11 bit 7): registers 0-7 keep their values, except the line compare bit. */
    crtc(s, 0x11, 0x80);
    crtc(s, 0x01, 0x4f);
    crtc(s, 0x07, 0xff);
    assert_int_equal(s->crtc[0x01], 0);
    assert_int_equal(s->crtc[0x07], 0x10);
    vga_free(s);
}

static void test_attribute_flip_flop_and_dac(void **state)
{
    VGAState *s = vga_new();

    attr(s, 0x21, 0x3f); /* index 1 with "video enabled", then the data */
    assert_int_equal(s->ar[1], 0x3f);
    assert_int_equal(vga_ioport_read(s, 0x3c0), 0x21);
    assert_int_equal(vga_ioport_read(s, 0x3c1), 0x3f);
    vga_ioport_write(s, 0x3c0, 0x02); /* flip-flop at "index" again */
    assert_int_equal(s->ar_index, 0x02);
    vga_ioport_write(s, 0x3c0, 0xff); /* palette registers are 6 bits */
    assert_int_equal(s->ar[2], 0x3f);
    /* DAC: three bytes per entry, the index advancing after blue. */
    vga_ioport_write(s, 0x3c8, 7);
    for (int i = 0; i < 6; i++) {
        vga_ioport_write(s, 0x3c9, 10 + i);
    }
    assert_int_equal(vga_ioport_read(s, 0x3c8), 9);
    vga_ioport_write(s, 0x3c7, 8);
    assert_int_equal(vga_ioport_read(s, 0x3c9), 13);
    assert_int_equal(vga_ioport_read(s, 0x3c9), 14);
    assert_int_equal(vga_ioport_read(s, 0x3c9), 15);
    assert_int_equal(vga_ioport_read(s, 0x3c7), 3);
    /* 6-bit levels widen to 8 bits as QEMU 7.2's screendump shows them: 0x2a (the BIOS's
     * grey) is 0xa8, 0x3f is 0xff, 0x15 is 0x57. */
    memcpy(&s->palette[3 * 5], (uint8_t[]){0x2a, 0x3f, 0x15}, 3);
    assert_int_equal(vga_dac_rgb(s, 5, false), 0xa8ff57);
    vga_free(s);
}

static VGAState *bad_index_vga;

static void write_bad_indexes(void)
{
    seq(bad_index_vga, 9, 1);
    gc(bad_index_vga, 0x20, 1);
    vga_ioport_write(bad_index_vga, 0x3b4, 0x40);
    vga_ioport_write(bad_index_vga, 0x3b5, 1);
    assert_int_equal(vga_ioport_read(bad_index_vga, 0x3b5), 0);
}

static void test_bad_indexes_are_guest_errors(void **state)
{
    bad_index_vga = vga_new();
    char *log = logged(write_bad_indexes);
    assert_non_null(strstr(log, "sequencer register 0x9"));
    assert_non_null(strstr(log, "graphics register 0x20"));
    assert_non_null(strstr(log, "CRTC register 0x40"));
    vga_free(bad_index_vga);
}

/* ---- memory ---- */

/* Mode 3's memory set-up: odd/even, window at 0xb8000, planes 0 and 1 written. */
static void text_memory(VGAState *s)
{
    seq(s, 2, 0x03);
    seq(s, 4, 0x02);
    gc(s, 5, 0x10);
    gc(s, 6, 0x0e);
    gc(s, 8, 0xff);
}

/* The VGA BIOS's font access: plane 2 only, sequential, window at 0xa0000. */
static void font_memory(VGAState *s)
{
    seq(s, 2, 0x04);
    seq(s, 4, 0x06);
    gc(s, 4, 0x02);
    gc(s, 5, 0x00);
    gc(s, 6, 0x04);
    gc(s, 8, 0xff);
}

static void test_odd_even_text_and_font_planes(void **state)
{
    VGAState *s = vga_new();

    text_memory(s);
    vga_mem_writeb(s, 0x18000, 'A');
    vga_mem_writeb(s, 0x18001, 0x1f);
    vga_mem_writeb(s, 0x0000, 'X'); /* 0xa0000: outside the 0xb8000 window */
    assert_int_equal(PLANE(s, 0, 0), 'A');
    assert_int_equal(PLANE(s, 1, 0), 0x1f);
    assert_int_equal(PLANE(s, 2, 0), 0);
    assert_int_equal(vga_mem_readb(s, 0x18001), 0x1f);
    assert_int_equal(vga_mem_readb(s, 0x0000), 0xff);
    font_memory(s);
    vga_mem_writeb(s, 'A' * 32 + 3, 0x81);
    assert_int_equal(PLANE(s, 2, 'A' * 32 + 3), 0x81);
    assert_int_equal(PLANE(s, 0, 'A' * 32 + 3), 0);
    assert_int_equal(vga_mem_readb(s, 'A' * 32 + 3), 0x81); /* read map 2 */
    vga_free(s);
}

static void test_planar_write_modes_and_read_mode_1(void **state)
{
    VGAState *s = vga_new();

    seq(s, 2, 0x0f);
    seq(s, 4, 0x06);
    gc(s, 6, 0x05); /* graphics, 0xa0000 64 KiB */
    /* Write mode 0 with set/reset on planes 0 and 2 (colour 5), bit mask 0xf0. */
    gc(s, 0, 0x05);
    gc(s, 1, 0x0f);
    gc(s, 8, 0xf0);
    vga_mem_writeb(s, 10, 0x00);
    for (int p = 0; p < 4; p++) {
        assert_int_equal(PLANE(s, p, 10), (p == 0 || p == 2) ? 0xf0 : 0x00);
    }
    /* Read mode 1: pixels of colour 5 read as 1s. */
    gc(s, 2, 0x05);
    gc(s, 7, 0x0f);
    gc(s, 5, 0x08);
    assert_int_equal(vga_mem_readb(s, 10), 0xf0);
    /* Write mode 1: the latches (loaded by that read) copied to another address. */
    gc(s, 5, 0x01);
    vga_mem_writeb(s, 20, 0x00);
    assert_int_equal(PLANE(s, 0, 20), 0xf0);
    assert_int_equal(PLANE(s, 2, 20), 0xf0);
    assert_int_equal(PLANE(s, 1, 20), 0x00);
    /* Write mode 2: the CPU byte's low bits as colour, through the bit mask, XOR latch. */
    gc(s, 5, 0x02);
    gc(s, 3, 0x18);
    gc(s, 8, 0x0f);
    vga_mem_readb(s, 20);
    vga_mem_writeb(s, 20, 0x03);
    assert_int_equal(PLANE(s, 0, 20), 0xff); /* 0xf0 ^ 0x0f in the masked bits */
    assert_int_equal(PLANE(s, 1, 20), 0x0f);
    assert_int_equal(PLANE(s, 2, 20), 0xf0);
    vga_free(s);
}

static void test_chain4_and_vbe_bank_window(void **state)
{
    VGAState *s = vga_new();

    seq(s, 2, 0x0f);
    seq(s, 4, 0x0e);
    gc(s, 6, 0x05);
    vga_mem_writeb(s, 0x1234, 0x42);
    assert_int_equal(s->vram[0x1234], 0x42);
    assert_int_equal(vga_mem_readb(s, 0x1234), 0x42);
    /* VBE banks: the window shows the framebuffer linearly; a bank past it floats. */
    s->vbe_window = true;
    s->vbe_bank_base = 2 * VGA_PLANE_SIZE;
    vga_mem_writeb(s, 5, 0x77);
    assert_int_equal(s->vram[2 * VGA_PLANE_SIZE + 5], 0x77);
    s->vbe_bank_base = VRAM_SIZE;
    vga_mem_writeb(s, 5, 0x99);
    assert_int_equal(vga_mem_readb(s, 5), 0xff);
    vga_free(s);
}

/* ---- rendering ---- */

/* Mode 3's display registers: 80x25 cells of 9x16, grey on black for attribute 0x07. */
static void text_mode_3(VGAState *s)
{
    vga_ioport_write(s, 0x3c2, 0x67);
    crtc(s, 0x01, 79);
    crtc(s, 0x07, 0x1f); /* vertical display end bit 8 */
    crtc(s, 0x09, 0x0f);
    crtc(s, 0x0a, 0x20); /* cursor off */
    crtc(s, 0x12, 0x8f);
    crtc(s, 0x13, 40);
    for (int i = 0; i < 16; i++) {
        attr(s, i, i);
    }
    attr(s, 0x10, 0x0c);
    vga_ioport_write(s, 0x3c0, 0x20); /* video enabled */
    vga_ioport_write(s, 0x3c8, 7);
    for (int i = 0; i < 3; i++) {
        vga_ioport_write(s, 0x3c9, 0x2a);
    }
}

static void test_text_mode_draws_the_plane_2_font(void **state)
{
    VGAState *s = vga_new();
    QemuConsole *con = graphic_console_init(NULL, 0, NULL, NULL);
    DisplaySurface *surf;

    font_memory(s);
    vga_mem_writeb(s, 'A' * 32 + 0, 0x81);
    text_memory(s);
    vga_mem_writeb(s, 0x18000 + 2 * 81, 'A'); /* row 1, column 1 */
    vga_mem_writeb(s, 0x18000 + 2 * 81 + 1, 0x07);
    text_mode_3(s);
    vga_update_display(s, con);
    surf = qemu_console_surface(con);
    assert_int_equal(surf->width, 720);
    assert_int_equal(surf->height, 400);
    assert_int_equal(surface_row(surf, 16)[9] & 0xffffff, 0xa8a8a8);
    assert_int_equal(surface_row(surf, 16)[10] & 0xffffff, 0);
    assert_int_equal(surface_row(surf, 16)[16] & 0xffffff, 0xa8a8a8);
    assert_int_equal(surface_row(surf, 16)[17] & 0xffffff, 0); /* the 9th dot: background */
    assert_int_equal(surface_row(surf, 17)[9] & 0xffffff, 0);
    /* The cursor (cell 81, scan lines 14-15) in the cell's foreground, all 9 dots wide. */
    crtc(s, 0x0a, 14);
    crtc(s, 0x0b, 15);
    crtc(s, 0x0e, 0);
    crtc(s, 0x0f, 81);
    vga_update_display(s, con);
    surf = qemu_console_surface(con);
    assert_int_equal(surface_row(surf, 16 + 13)[12] & 0xffffff, 0);
    assert_int_equal(surface_row(surf, 16 + 14)[12] & 0xffffff, 0xa8a8a8);
    assert_int_equal(surface_row(surf, 16 + 15)[17] & 0xffffff, 0xa8a8a8);
    assert_int_equal(surface_row(surf, 16 + 15)[18] & 0xffffff, 0);
    /* 8-dot characters: 640 wide. */
    seq(s, 1, 0x01);
    vga_update_display(s, con);
    assert_int_equal(qemu_console_surface(con)->width, 640);
    graphic_console_close(con);
    vga_free(s);
}

static VGAState *huge_vga;
static QemuConsole *huge_con;

static void draw_huge_modes(void)
{
    /* 256 columns of 9 dots, 1024 lines, start and cursor at the end of the plane. */
    crtc(huge_vga, 0x01, 0xff);
    crtc(huge_vga, 0x07, 0x42);
    crtc(huge_vga, 0x12, 0xff);
    crtc(huge_vga, 0x09, 0x00);
    crtc(huge_vga, 0x13, 0xff);
    crtc(huge_vga, 0x0c, 0xff);
    crtc(huge_vga, 0x0d, 0xff);
    vga_update_display(huge_vga, huge_con);
    assert_int_equal(qemu_console_surface(huge_con)->width, 227 * 9);
    /* The same CRTC in the graphics modes: every address wraps inside the planes. */
    gc(huge_vga, 6, 0x05);
    vga_update_display(huge_vga, huge_con);
    assert_int_equal(qemu_console_surface(huge_con)->width, 2048);
    assert_int_equal(qemu_console_surface(huge_con)->height, 1024);
    gc(huge_vga, 5, 0x40);
    vga_update_display(huge_vga, huge_con);
    assert_int_equal(qemu_console_surface(huge_con)->width, 1024);
}

static void test_huge_crtc_values_are_clamped(void **state)
{
    huge_vga = vga_new();
    huge_con = graphic_console_init(NULL, 0, NULL, NULL);
    text_mode_3(huge_vga);
    char *log = logged(draw_huge_modes);
    assert_non_null(strstr(log, "vga: text mode 256x1024 of 9x1 cells clamped"));
    graphic_console_close(huge_con);
    vga_free(huge_vga);
}

static void test_mode_13h_chained_pixels(void **state)
{
    VGAState *s = vga_new();
    QemuConsole *con = graphic_console_init(NULL, 0, NULL, NULL);
    DisplaySurface *surf;

    vga_ioport_write(s, 0x3c2, 0x63);
    seq(s, 2, 0x0f);
    seq(s, 4, 0x0e);
    gc(s, 5, 0x40);
    gc(s, 6, 0x05);
    crtc(s, 0x01, 79);
    crtc(s, 0x07, 0x1f);
    crtc(s, 0x09, 0x01); /* two scan lines per pixel row, as mode 13h */
    crtc(s, 0x12, 0x8f);
    crtc(s, 0x13, 40);
    vga_ioport_write(s, 0x3c0, 0x20);
    vga_ioport_write(s, 0x3c8, 0x42);
    vga_ioport_write(s, 0x3c9, 0x3f);
    vga_ioport_write(s, 0x3c9, 0);
    vga_ioport_write(s, 0x3c9, 0);
    vga_mem_writeb(s, 320 * 3 + 7, 0x42);
    vga_update_display(s, con);
    surf = qemu_console_surface(con);
    assert_int_equal(surf->width, 320);
    assert_int_equal(surf->height, 200);
    assert_int_equal(surface_row(surf, 3)[7] & 0xffffff, 0xff0000);
    assert_int_equal(surface_row(surf, 3)[6] & 0xffffff, 0);
    graphic_console_close(con);
    vga_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crtc_ports_follow_misc_output),
        cmocka_unit_test(test_attribute_flip_flop_and_dac),
        cmocka_unit_test(test_bad_indexes_are_guest_errors),
        cmocka_unit_test(test_odd_even_text_and_font_planes),
        cmocka_unit_test(test_planar_write_modes_and_read_mode_1),
        cmocka_unit_test(test_chain4_and_vbe_bank_window),
        cmocka_unit_test(test_text_mode_draws_the_plane_2_font),
        cmocka_unit_test(test_huge_crtc_values_are_clamped),
        cmocka_unit_test(test_mode_13h_chained_pixels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
