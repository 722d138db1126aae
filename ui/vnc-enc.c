/*
 * The VNC server's framebuffer updates (RFC 6143 7.6.1, 7.7): dirty tiles
 * become rectangles, encoded Raw or ZRLE in the pixel format the client set.
 *
 * Why ZRLE as the compressing encoding: every common viewer (TigerVNC,
 * gtk-vnc/gvncviewer, vncsnapshot, noVNC, RealVNC) speaks it, while plain
 * "Zlib" (6) is missing from TigerVNC and gtk-vnc, and Tight needs JPEG for
 * its gains. A console screen is mostly one or two colours per 64x64 tile,
 * which ZRLE's solid and packed-palette tiles shrink to a few bits per pixel
 * before zlib runs.
 */
#include "vnc-internal.h"

#define ZRLE_TILE 64
#define ZRLE_MAX_PALETTE 16

/* ---- pixel formats ---- */

static uint16_t be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

bool vnc_pixel_format_parse(const uint8_t *w, VncPixelFormat *pf)
{
    *pf = (VncPixelFormat){w[0],        w[1],        w[2],  w[3],  be16(w + 4),
                           be16(w + 6), be16(w + 8), w[10], w[11], w[12]};
    return (pf->bits_per_pixel == 8 || pf->bits_per_pixel == 16 || pf->bits_per_pixel == 32) &&
           pf->true_colour && pf->red_shift < pf->bits_per_pixel &&
           pf->green_shift < pf->bits_per_pixel && pf->blue_shift < pf->bits_per_pixel;
}

static uint32_t scale_channel(uint32_t c, uint16_t max)
{
    return (c * max + 127) / 255;
}

static uint32_t pixel_value(const VncPixelFormat *pf, uint32_t xrgb)
{
    return scale_channel((xrgb >> 16) & 0xff, pf->red_max) << pf->red_shift |
           scale_channel((xrgb >> 8) & 0xff, pf->green_max) << pf->green_shift |
           scale_channel(xrgb & 0xff, pf->blue_max) << pf->blue_shift;
}

static void store_pixel(uint8_t *out, uint32_t v, unsigned bytes, bool big_endian)
{
    for (unsigned i = 0; i < bytes; i++) {
        out[big_endian ? bytes - 1 - i : i] = v >> (8 * i);
    }
}

void vnc_convert_pixel(const VncPixelFormat *pf, uint32_t xrgb, uint8_t *out)
{
    store_pixel(out, pixel_value(pf, xrgb), pf->bits_per_pixel / 8, pf->big_endian);
}

/* Our own layout (32 bpp little-endian xRGB): rows are copied as they are. */
static bool pf_is_native(const VncPixelFormat *pf)
{
    return pf->bits_per_pixel == 32 && !pf->big_endian && pf->red_max == 255 &&
           pf->green_max == 255 && pf->blue_max == 255 && pf->red_shift == 16 &&
           pf->green_shift == 8 && pf->blue_shift == 0;
}

/*
 * ZRLE's CPIXEL (RFC 6143 7.7.6): a 32 bpp pixel whose colour bits fit in three
 * bytes is sent as those three bytes. Returns the bytes per CPIXEL and the first
 * byte of a pixel to send.
 */
static unsigned cpixel_bytes(const VncPixelFormat *pf, unsigned *skip)
{
    uint32_t mask = (uint32_t)pf->red_max << pf->red_shift |
                    (uint32_t)pf->green_max << pf->green_shift |
                    (uint32_t)pf->blue_max << pf->blue_shift;

    *skip = 0;
    if (pf->bits_per_pixel != 32 || pf->depth > 24) {
        return pf->bits_per_pixel / 8;
    }
    if (mask <= 0xffffff) {
        *skip = pf->big_endian ? 1 : 0; /* the low three bytes */
        return 3;
    }
    if (!(mask & 0xff)) {
        *skip = pf->big_endian ? 0 : 1; /* the high three bytes */
        return 3;
    }
    return 4;
}

/* ---- dirty tiles ---- */

void vnc_reset_dirty(VncState *vs, const DisplaySurface *s)
{
    vs->tiles_w = (s->width + VNC_TILE - 1) / VNC_TILE;
    vs->tiles_h = (s->height + VNC_TILE - 1) / VNC_TILE;
    free(vs->dirty);
    vs->dirty = xmalloc((size_t)vs->tiles_w * vs->tiles_h + 1);
    memset(vs->dirty, 1, (size_t)vs->tiles_w * vs->tiles_h);
}

void vnc_mark_dirty(VncState *vs, int x, int y, int w, int h)
{
    int tx1 = MIN((x + w + VNC_TILE - 1) / VNC_TILE, vs->tiles_w);
    int ty1 = MIN((y + h + VNC_TILE - 1) / VNC_TILE, vs->tiles_h);

    for (int ty = y / VNC_TILE; ty < ty1; ty++) {
        for (int tx = x / VNC_TILE; tx < tx1; tx++) {
            vs->dirty[ty * vs->tiles_w + tx] = 1;
        }
    }
}

typedef struct VncRect {
    int x, y, w, h;
} VncRect;

/*
 * Take one rectangle of dirty tiles (a run in a row, grown down while the rows below have
 * it all dirty), clear it, and clip it to the framebuffer; false if none is left. *pos is the
 * tile to scan from: everything before it is clean, so one update scans the map once.
 */
static bool vnc_take_dirty_rect(VncState *vs, int fb_w, int fb_h, VncRect *r, size_t *pos)
{
    uint8_t *d = vs->dirty;
    size_t tw = vs->tiles_w, n = tw * vs->tiles_h;

    for (; *pos < n; (*pos)++) {
        size_t ty = *pos / tw, tx = *pos % tw, tx1 = tx, ty1 = ty + 1;
        bool full = true;

        if (!d[*pos]) {
            continue;
        }
        while (tx1 < tw && d[ty * tw + tx1]) {
            tx1++;
        }
        while (ty1 < (size_t)vs->tiles_h && full) {
            full = !memchr(d + ty1 * tw + tx, 0, tx1 - tx);
            ty1 += full;
        }
        for (size_t y = ty; y < ty1; y++) {
            memset(d + y * tw + tx, 0, tx1 - tx);
        }
        *pos = ty * tw + tx1;
        r->x = tx * VNC_TILE;
        r->y = ty * VNC_TILE;
        r->w = MIN((int)tx1 * VNC_TILE, fb_w) - r->x;
        r->h = MIN((int)ty1 * VNC_TILE, fb_h) - r->y;
        if (r->w > 0 && r->h > 0) {
            return true;
        }
    }
    return false;
}

/* ---- Raw ---- */

static void vnc_encode_raw(VncState *vs, const DisplaySurface *s, const VncRect *r)
{
    unsigned bpp = vs->pf.bits_per_pixel / 8;
    uint8_t *row = xmalloc((size_t)r->w * bpp);

    for (int y = r->y; y < r->y + r->h; y++) {
        const uint32_t *src = surface_row(s, y) + r->x;
        if (pf_is_native(&vs->pf)) {
            vnc_write(vs, src, (size_t)r->w * 4);
            continue;
        }
        for (int x = 0; x < r->w; x++) {
            vnc_convert_pixel(&vs->pf, src[x], row + x * bpp);
        }
        vnc_write(vs, row, (size_t)r->w * bpp);
    }
    free(row);
}

/* ---- ZRLE ---- */

typedef struct ZrleTile {
    VncBuffer *out;
    const VncPixelFormat *pf;
    unsigned cbytes, skip;
} ZrleTile;

static void zrle_put_cpixel(ZrleTile *t, uint32_t xrgb)
{
    uint8_t px[4];

    vnc_convert_pixel(t->pf, xrgb, px);
    vnc_buffer_append(t->out, px + t->skip, t->cbytes);
}

/* The tile's distinct colours, up to ZRLE_MAX_PALETTE + 1 (more: use raw). */
static int zrle_palette(const DisplaySurface *s, const VncRect *t, uint32_t *pal)
{
    int n = 0;

    for (int y = t->y; y < t->y + t->h; y++) {
        const uint32_t *row = surface_row(s, y);
        for (int x = t->x; x < t->x + t->w; x++) {
            uint32_t p = row[x] & 0xffffff;
            int i = 0;
            while (i < n && pal[i] != p) {
                i++;
            }
            if (i == n) {
                if (n == ZRLE_MAX_PALETTE) {
                    return n + 1;
                }
                pal[n++] = p;
            }
        }
    }
    return n;
}

static void zrle_packed_tile(ZrleTile *z, const DisplaySurface *s, const VncRect *t,
                             const uint32_t *pal, int n)
{
    int bits = n == 2 ? 1 : n <= 4 ? 2 : 4;
    uint8_t sub = n;

    vnc_buffer_append(z->out, &sub, 1);
    for (int i = 0; i < n; i++) {
        zrle_put_cpixel(z, pal[i]);
    }
    for (int y = t->y; y < t->y + t->h; y++) {
        const uint32_t *row = surface_row(s, y);
        uint8_t byte = 0;
        int used = 0;
        for (int x = t->x; x < t->x + t->w; x++) {
            int i = 0;
            while (pal[i] != (row[x] & 0xffffff)) {
                i++;
            }
            byte |= i << (8 - bits - used);
            used += bits;
            if (used == 8) {
                vnc_buffer_append(z->out, &byte, 1);
                byte = 0;
                used = 0;
            }
        }
        if (used) {
            vnc_buffer_append(z->out, &byte, 1); /* rows end on a byte boundary */
        }
    }
}

static void zrle_tile(ZrleTile *z, const DisplaySurface *s, const VncRect *t)
{
    uint32_t pal[ZRLE_MAX_PALETTE];
    int n = zrle_palette(s, t, pal);
    uint8_t sub;

    if (n == 1) {
        sub = 1; /* solid */
        vnc_buffer_append(z->out, &sub, 1);
        zrle_put_cpixel(z, pal[0]);
    } else if (n <= ZRLE_MAX_PALETTE) {
        zrle_packed_tile(z, s, t, pal, n);
    } else {
        sub = 0; /* raw */
        vnc_buffer_append(z->out, &sub, 1);
        for (int y = t->y; y < t->y + t->h; y++) {
            const uint32_t *row = surface_row(s, y);
            for (int x = t->x; x < t->x + t->w; x++) {
                zrle_put_cpixel(z, row[x]);
            }
        }
    }
}

static void vnc_encode_zrle(VncState *vs, const DisplaySurface *s, const VncRect *r)
{
    VncBuffer tiles = {0}, packed = {0};
    ZrleTile z = {&tiles, &vs->pf, 0, 0};
    uint8_t chunk[16384];

    z.cbytes = cpixel_bytes(&vs->pf, &z.skip);
    for (int ty = r->y; ty < r->y + r->h; ty += ZRLE_TILE) {
        for (int tx = r->x; tx < r->x + r->w; tx += ZRLE_TILE) {
            VncRect t = {tx, ty, MIN(ZRLE_TILE, r->x + r->w - tx),
                         MIN(ZRLE_TILE, r->y + r->h - ty)};
            zrle_tile(&z, s, &t);
        }
    }
    if (!vs->zrle_init) {
        deflateInit(&vs->zrle, Z_DEFAULT_COMPRESSION);
        vs->zrle_init = true;
    }
    vs->zrle.next_in = tiles.data;
    vs->zrle.avail_in = tiles.len;
    do {
        vs->zrle.next_out = chunk;
        vs->zrle.avail_out = sizeof(chunk);
        deflate(&vs->zrle, Z_SYNC_FLUSH);
        vnc_buffer_append(&packed, chunk, sizeof(chunk) - vs->zrle.avail_out);
    } while (vs->zrle.avail_out == 0);
    vnc_write_u32(vs, packed.len);
    vnc_write(vs, packed.data, packed.len);
    free(tiles.data);
    free(packed.data);
}

void vnc_encoder_free(VncState *vs)
{
    if (vs->zrle_init) {
        deflateEnd(&vs->zrle);
        vs->zrle_init = false;
    }
    free(vs->dirty);
    vs->dirty = NULL;
}

/* ---- FramebufferUpdate ---- */

static void vnc_rect_header(VncState *vs, int x, int y, int w, int h, int32_t encoding)
{
    vnc_write_u16(vs, x);
    vnc_write_u16(vs, y);
    vnc_write_u16(vs, w);
    vnc_write_u16(vs, h);
    vnc_write_u32(vs, (uint32_t)encoding);
}

void vnc_send_update(VncState *vs, const DisplaySurface *s)
{
    size_t count_at, pos = 0;
    unsigned nrects = 0;
    VncRect r;

    if (!vs->update_requested || vs->out.len - vs->out.offset > VNC_OUTPUT_HIGH_WATER ||
        !(vs->size_changed || memchr(vs->dirty, 1, (size_t)vs->tiles_w * vs->tiles_h))) {
        return;
    }
    vnc_write_u8(vs, 0); /* FramebufferUpdate */
    vnc_write_u8(vs, 0);
    count_at = vs->out.len;
    vnc_write_u16(vs, 0); /* number of rectangles, patched below */
    if (vs->size_changed) {
        vs->fb_width = s->width;
        vs->fb_height = s->height;
        vnc_rect_header(vs, 0, 0, s->width, s->height, VNC_ENCODING_DESKTOPSIZE);
        nrects++;
        vs->size_changed = false;
    }
    while (nrects < 0xffff && vnc_take_dirty_rect(vs, MIN(vs->fb_width, s->width),
                                                  MIN(vs->fb_height, s->height), &r, &pos)) {
        vnc_rect_header(vs, r.x, r.y, r.w, r.h,
                        vs->has_zrle ? VNC_ENCODING_ZRLE : VNC_ENCODING_RAW);
        if (vs->has_zrle) {
            vnc_encode_zrle(vs, s, &r);
        } else {
            vnc_encode_raw(vs, s, &r);
        }
        nrects++;
    }
    vs->out.data[count_at] = nrects >> 8;
    vs->out.data[count_at + 1] = nrects;
    vs->update_requested = false;
}
