/*
 * The display and input layers without a device: surfaces and the listener
 * contract (updates clipped, refreshes coalesced on one deadline), the PNG
 * encoder's container, the VNC server's pixel formats and authentication
 * (vectors computed with OpenSSL's DES, not nettle), and the key tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <zlib.h>

#include "ui/console.h"
#include "ui/input.h"
#include "ui/screendump.h"
#include "ui/vnc.h"
#include "util/timer.h"

/* ---- console ---- */

typedef struct Counter {
    DisplayChangeListener dcl;
    int updates, refreshes, switches;
    int x, y, w, h;
} Counter;

static void count_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    Counter *c = container_of(dcl, Counter, dcl);

    c->updates++;
    c->x = x, c->y = y, c->w = w, c->h = h;
}

static void count_refresh(DisplayChangeListener *dcl)
{
    container_of(dcl, Counter, dcl)->refreshes++;
}

static void count_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    container_of(dcl, Counter, dcl)->switches++;
}

static const DisplayChangeListenerOps count_ops = {
    .dpy_name = "count",
    .dpy_refresh = count_refresh,
    .dpy_gfx_update = count_update,
    .dpy_gfx_switch = count_switch,
};

static void test_listener_contract(void **state)
{
    QemuConsole *con = graphic_console_init(NULL, 0, NULL, NULL);
    Counter c = {.dcl = {.ops = &count_ops, .update_interval_ms = 1}};

    register_displaychangelistener(&c.dcl, con);
    assert_int_equal(c.switches, 1); /* told the current surface at once */
    dpy_gfx_replace_surface(con, qemu_create_displaysurface(100, 50));
    assert_int_equal(c.switches, 2);
    /* Clipped to the surface; empty rectangles are dropped. */
    dpy_gfx_update(con, 90, 40, 50, 50);
    assert_true(c.x == 90 && c.y == 40 && c.w == 10 && c.h == 10);
    dpy_gfx_update(con, 200, 0, 10, 10);
    dpy_gfx_update(con, -5, -5, 10, 10);
    assert_int_equal(c.updates, 2);
    assert_true(c.x == 0 && c.y == 0 && c.w == 5 && c.h == 5);
    /* All of that is one refresh, when the deadline comes. */
    assert_int_equal(c.refreshes, 0);
    while (!c.refreshes) {
        timers_run_expired();
    }
    assert_int_equal(c.refreshes, 1);
    assert_int_equal(timers_deadline_ns(), -1); /* nothing more is armed */
    unregister_displaychangelistener(&c.dcl);
    graphic_console_close(con);
}

/* ---- PNG ---- */

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static void test_png_container(void **state)
{
    DisplaySurface *s = qemu_create_displaysurface(3, 2);
    uint8_t raw[2 * 10], expect[2 * 10] = {0, 0x12, 0x34, 0x56, 0, 0, 0, 0,    0,    0,
                                           0, 0,    0,    0,    0, 0, 0, 0xff, 0xff, 0xff};
    uLongf raw_len = sizeof(raw);
    size_t len, pos = 8;
    uint8_t *png;

    ((uint32_t *)s->data)[0] = 0xff123456; /* the top byte is not a colour */
    ((uint32_t *)(s->data + s->stride))[2] = 0x00ffffff;
    png = png_encode(s, &len);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    while (pos < len) {
        uint32_t n = be32(png + pos);
        const uint8_t *type = png + pos + 4;
        assert_int_equal(be32(png + pos + 8 + n), crc32(crc32(0, type, 4), type + 4, n));
        if (!memcmp(type, "IHDR", 4)) {
            assert_int_equal(be32(type + 4), 3);
            assert_int_equal(be32(type + 8), 2);
            assert_int_equal(type[12], 8); /* bit depth */
            assert_int_equal(type[13], 2); /* RGB */
        } else if (!memcmp(type, "IDAT", 4)) {
            assert_int_equal(uncompress(raw, &raw_len, type + 4, n), Z_OK);
            assert_int_equal(raw_len, sizeof(expect));
            assert_memory_equal(raw, expect, sizeof(expect));
        }
        pos += 12 + n;
    }
    assert_int_equal(pos, len);
    assert_memory_equal(png + len - 8, "IEND", 4);
    free(png);
    qemu_free_displaysurface(s);
}

/* ---- VNC ---- */

static void test_vnc_pixel_formats(void **state)
{
    /* bpp, depth, big-endian, true-colour, rmax, gmax, bmax (BE16), shifts r, g, b, pad */
    static const uint8_t rgb565_be[16] = {16, 16, 1, 1, 0, 31, 0, 63, 0, 31, 11, 5, 0};
    static const uint8_t bgr233[16] = {8, 8, 0, 1, 0, 7, 0, 7, 0, 3, 0, 3, 6};
    static const uint8_t bgrx_be[16] = {32, 24, 1, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16};
    static const uint8_t depth24[16] = {24, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0};
    static const uint8_t colour_map[16] = {8, 8, 0, 0};
    static const uint8_t bad_shift[16] = {16, 16, 0, 1, 0, 31, 0, 63, 0, 31, 16, 5, 0};
    VncPixelFormat pf;
    uint8_t out[4];

    assert_true(vnc_pixel_format_parse(rgb565_be, &pf));
    vnc_convert_pixel(&pf, 0x00ff8000, out); /* r 31, g (128 * 63 + 127) / 255 = 32, b 0 */
    assert_int_equal(out[0], 0xfc);
    assert_int_equal(out[1], 0x00);
    assert_true(vnc_pixel_format_parse(bgr233, &pf));
    vnc_convert_pixel(&pf, 0x0000ffff, out); /* g 7 << 3, b 3 << 6 */
    assert_int_equal(out[0], 0xf8);
    assert_true(vnc_pixel_format_parse(bgrx_be, &pf));
    vnc_convert_pixel(&pf, 0x00112233, out);
    assert_memory_equal(out, "\x00\x33\x22\x11", 4);
    assert_false(vnc_pixel_format_parse(depth24, &pf));
    assert_false(vnc_pixel_format_parse(colour_map, &pf));
    assert_false(vnc_pixel_format_parse(bad_shift, &pf));
}

static void test_vnc_auth(void **state)
{
    static const uint8_t resp1[16] = {0xfc, 0x9a, 0x2b, 0xb8, 0x54, 0x6a, 0x63, 0x38,
                                      0x8e, 0xb4, 0x5b, 0x53, 0x0d, 0x3a, 0x63, 0x37};
    static const uint8_t resp2[16] = {0xbb, 0x6b, 0x35, 0x02, 0xa3, 0xe8, 0xc5, 0x55,
                                      0x43, 0x85, 0xc8, 0x99, 0x18, 0xf2, 0x4e, 0x0b};
    uint8_t challenge[16], out[16];

    for (int i = 0; i < 16; i++) {
        challenge[i] = i;
    }
    vnc_auth_response("s3cret", challenge, out);
    assert_memory_equal(out, resp1, 16);
    for (int i = 0; i < 16; i++) {
        challenge[i] = 16 + i;
    }
    vnc_auth_response("longpassword", challenge, out); /* only 8 characters count */
    assert_memory_equal(out, resp2, 16);
}

/* ---- key tables ---- */

static void test_keys(void **state)
{
    assert_int_equal(input_key_from_keysym('a'), 30);
    assert_int_equal(input_key_from_keysym('A'), 30);
    assert_int_equal(input_key_from_keysym('!'), 2);
    assert_int_equal(input_key_from_keysym('0'), 11);
    assert_int_equal(input_key_from_keysym(' '), 57);
    assert_int_equal(input_key_from_keysym(0xff0d), 28); /* Return */
    assert_int_equal(input_key_from_keysym(0xffbe), 59); /* F1 */
    assert_int_equal(input_key_from_keysym(0xffc9), 88); /* F12 */
    assert_int_equal(input_key_from_keysym(0xffb5), 76); /* KP_5 */
    assert_int_equal(input_key_from_keysym(0xffe3), 29); /* Control_L */
    assert_int_equal(input_key_from_keysym(0x12345), -1);
    assert_int_equal(input_key_from_qcode("ret", 3), 28);
    assert_int_equal(input_key_from_qcode("ctrl-alt", 4), 29); /* a prefix of a key list */
    assert_int_equal(input_key_from_qcode("f24", 3), 194);
    assert_int_equal(input_key_from_qcode("f25", 3), -1);
    assert_int_equal(input_key_from_qcode("kp_0", 4), 82);
    assert_int_equal(input_key_from_qcode("nokey", 5), -1);
    assert_int_equal(input_key_from_qnum(0x1e), 30);
    assert_int_equal(input_key_from_qnum(0xc8), 103); /* up */
    assert_int_equal(input_key_from_qnum(0x80), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listener_contract),
        cmocka_unit_test(test_png_container),
        cmocka_unit_test(test_vnc_pixel_formats),
        cmocka_unit_test(test_vnc_auth),
        cmocka_unit_test(test_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
