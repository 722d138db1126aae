/*
 * screendump: a console's surface as a PPM or PNG file.
 *
 * PPM: "P6\n<w> <h>\n255\n" then rows of R, G, B bytes (netpbm's ppm(5)).
 * PNG (RFC 2083 / ISO 15948): the signature, then chunks (length, type, data,
 * CRC-32 of type+data): IHDR (width, height, bit depth 8, colour type 2 =
 * RGB, deflate, filter method 0, no interlace), one IDAT holding the zlib
 * stream of the rows, each prefixed by filter type 0 (None), and IEND.
 * zlib does the deflate and the CRC; the container is written here.
 */
#include <errno.h>
#include <unistd.h>
#include <zlib.h>

#include "hw/core/qdev.h"
#include "ui/screendump.h"

/* ---- PNG ---- */

typedef struct ByteBuf {
    uint8_t *data;
    size_t len, cap;
} ByteBuf;

static void bb_reserve(ByteBuf *b, size_t more)
{
    if (b->len + more > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + more);
        b->data = xrealloc(b->data, b->cap);
    }
}

static void bb_put(ByteBuf *b, const void *p, size_t n)
{
    bb_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void bb_put_be32(ByteBuf *b, uint32_t v)
{
    uint8_t be[4] = {v >> 24, v >> 16, v >> 8, v};
    bb_put(b, be, 4);
}

static void png_chunk(ByteBuf *b, const char *type, const uint8_t *data, size_t len)
{
    uLong crc = crc32(0, (const Bytef *)type, 4);

    if (len) {
        crc = crc32(crc, data, len); /* not with NULL: crc32(c, NULL, 0) answers 0 */
    }
    bb_put_be32(b, len);
    bb_put(b, type, 4);
    if (len) {
        bb_put(b, data, len);
    }
    bb_put_be32(b, crc);
}

/* The zlib stream of the filtered rows. */
static void png_deflate_rows(const DisplaySurface *s, ByteBuf *out)
{
    size_t row_len = (size_t)s->width * 3 + 1;
    uint8_t *row = xmalloc(row_len);
    z_stream z = {0};

    deflateInit(&z, Z_DEFAULT_COMPRESSION);
    for (int y = 0; y < s->height; y++) {
        row[0] = 0; /* filter type None */
        surface_row_to_rgb24(s, y, row + 1);
        z.next_in = row;
        z.avail_in = row_len;
        do {
            bb_reserve(out, row_len + 64);
            z.next_out = out->data + out->len;
            z.avail_out = out->cap - out->len;
            deflate(&z, y == s->height - 1 ? Z_FINISH : Z_NO_FLUSH);
            out->len = out->cap - z.avail_out;
        } while (z.avail_in || (y == s->height - 1 && z.avail_out == 0));
    }
    deflateEnd(&z);
    free(row);
}

uint8_t *png_encode(const DisplaySurface *s, size_t *len)
{
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t ihdr[13] = {s->width >> 24,
                        s->width >> 16,
                        s->width >> 8,
                        s->width,
                        s->height >> 24,
                        s->height >> 16,
                        s->height >> 8,
                        s->height,
                        8,
                        2,
                        0,
                        0,
                        0};
    ByteBuf out = {0}, idat = {0};

    bb_put(&out, signature, sizeof(signature));
    png_chunk(&out, "IHDR", ihdr, sizeof(ihdr));
    png_deflate_rows(s, &idat);
    png_chunk(&out, "IDAT", idat.data, idat.len);
    png_chunk(&out, "IEND", NULL, 0);
    free(idat.data);
    *len = out.len;
    return out.data;
}

/* ---- files ---- */

static bool ppm_write(FILE *f, const DisplaySurface *s)
{
    uint8_t *row = xmalloc((size_t)s->width * 3 + 1);
    bool ok = fprintf(f, "P6\n%d %d\n255\n", s->width, s->height) > 0;

    for (int y = 0; ok && y < s->height; y++) {
        surface_row_to_rgb24(s, y, row);
        ok = fwrite(row, 3, s->width, f) == (size_t)s->width;
    }
    free(row);
    return ok;
}

bool image_save(const char *filename, const DisplaySurface *surface, ImageFormat format,
                Error **errp)
{
    FILE *f = fopen(filename, "wb");
    bool ok;

    if (!f) {
        error_setg(errp, "failed to open file '%s': %s", filename, strerror(errno));
        return false;
    }
    if (format == IMAGE_FORMAT_PNG) {
        size_t len;
        uint8_t *png = png_encode(surface, &len);
        ok = fwrite(png, 1, len, f) == len;
        free(png);
    } else {
        ok = ppm_write(f, surface);
    }
    if (fclose(f) != 0 || !ok) {
        error_setg(errp, "failed to write file '%s': %s", filename, strerror(errno));
        unlink(filename);
        return false;
    }
    return true;
}

/* ---- screendump ---- */

typedef struct FindById {
    const char *id;
    DeviceState *found;
} FindById;

static void find_by_id(Object *obj, void *opaque)
{
    FindById *f = opaque;
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->id && !strcmp(dev->id, f->id)) {
        f->found = dev;
    }
    if (!f->found) {
        object_child_foreach(obj, find_by_id, f);
    }
}

bool screendump(const char *filename, const char *device, int64_t head, const char *format,
                bool *device_not_found, Error **errp)
{
    ImageFormat fmt = IMAGE_FORMAT_PPM;
    QemuConsole *con = NULL;
    DisplaySurface *blank = NULL;
    FindById f = {device, NULL};
    bool ok;

    *device_not_found = false;
    if (format && !strcmp(format, "png")) {
        fmt = IMAGE_FORMAT_PNG;
    } else if (format && strcmp(format, "ppm")) {
        error_setg(errp, "Parameter 'format' does not accept value '%s'", format);
        return false;
    }
    if (device) {
        object_child_foreach(object_get_root(), find_by_id, &f);
        if (!f.found) {
            *device_not_found = true;
            error_setg(errp, "Device '%s' not found", device);
            return false;
        }
        con = head >= 0 && head <= UINT32_MAX ? qemu_console_lookup_by_device(f.found, head) : NULL;
        if (!con) {
            error_setg(errp, "Device %s (head %lld) is not bound to a QemuConsole", device,
                       (long long)head);
            return false;
        }
    } else {
        con = qemu_console_lookup_by_index(0);
    }
    if (con) {
        graphic_hw_update(con);
    } else {
        blank = qemu_create_placeholder_surface(); /* no graphic device: QEMU's blank screen */
    }
    ok = image_save(filename, con ? qemu_console_surface(con) : blank, fmt, errp);
    qemu_free_displaysurface(blank);
    return ok;
}
