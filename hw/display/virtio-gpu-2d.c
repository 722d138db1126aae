/*
 * virtio-gpu 2D resources (virtio 1.2, 5.7.6.8): create, unref, attach and
 * detach guest backing, transfer to host, flush.
 *
 * A resource keeps host pixels in the display core's format (uint32 xRGB,
 * with the alpha of A formats in the top byte), so a scanout shows them with
 * no copy and the cursor keeps its alpha. TRANSFER_TO_HOST_2D converts from
 * the guest's format row by row; the Linux driver's format (B8G8R8X8 on a
 * little-endian guest) is a plain copy.
 *
 * The guest is untrusted: every id, size, rectangle and backing entry is
 * checked here, and a bad one is answered with a VIRTIO_GPU_RESP_ERR_* and a
 * guest_errors line. Backing entries must lie in guest RAM when attached and
 * are read through virtio_dma_read (which checks again), so a transfer never
 * touches MMIO or host memory outside RAM. The total of resource pixels is
 * capped by max_hostmem (QEMU's property, 256 MiB by default).
 */
#include <inttypes.h>

#include "hw/display/virtio-gpu.h"
#include "util/log.h"

/* Where R, G, B and A sit in a pixel's four bytes in guest memory (-1: no alpha). */
typedef struct GPUFormatLayout {
    uint32_t format;
    int8_t r, g, b, a;
} GPUFormatLayout;

static const GPUFormatLayout gpu_formats[] = {
    {VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 2, 1, 0, 3}, {VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 2, 1, 0, -1},
    {VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, 1, 2, 3, 0}, {VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, 1, 2, 3, -1},
    {VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 0, 1, 2, 3}, {VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, 3, 2, 1, -1},
    {VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, 3, 2, 1, 0}, {VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, 0, 1, 2, -1},
};

static const GPUFormatLayout *gpu_format_layout(uint32_t format)
{
    for (size_t i = 0; i < ARRAY_SIZE(gpu_formats); i++) {
        if (gpu_formats[i].format == format) {
            return &gpu_formats[i];
        }
    }
    return NULL;
}

/* n guest pixels in layout f -> host ARGB (opaque when the format has no alpha). */
static void gpu_convert_row(const GPUFormatLayout *f, const uint8_t *src, uint32_t *dst, size_t n)
{
    for (size_t i = 0; i < n; i++, src += 4) {
        uint32_t a = f->a < 0 ? 0xff : src[f->a];
        dst[i] = a << 24 | (uint32_t)src[f->r] << 16 | (uint32_t)src[f->g] << 8 | src[f->b];
    }
}

bool virtio_gpu_cmd_size_ok(VirtIOGPUCmd *cmd, size_t len, const char *what)
{
    if (cmd->len >= len) {
        return true;
    }
    log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: command size %zu < %zu\n", what, cmd->len, len);
    cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
    return false;
}

VirtIOGPUResource *virtio_gpu_find_resource(VirtIOGPU *g, uint32_t id)
{
    for (VirtIOGPUResource *r = g->resources; r; r = r->next) {
        if (r->id == id) {
            return r;
        }
    }
    return NULL;
}

/* The resource the command names at byte offset off, or NULL with ERR_INVALID_RESOURCE_ID. */
static VirtIOGPUResource *gpu_cmd_resource(VirtIOGPU *g, VirtIOGPUCmd *cmd, size_t off,
                                           const char *what)
{
    uint32_t id = gpu_ld32(cmd->buf + off);
    VirtIOGPUResource *res = virtio_gpu_find_resource(g, id);

    if (!res) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: no resource %" PRIu32 "\n", what, id);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
    return res;
}

/* ---- create and unref ---- */

/* resource_create_2d: hdr, resource_id, format, width, height */
void virtio_gpu_resource_create_2d(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    const char *what = "RESOURCE_CREATE_2D";
    VirtIOGPUResource *res;
    uint32_t id, format, w, h;
    uint64_t bytes;

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 16, what)) {
        return;
    }
    id = gpu_ld32(cmd->buf + 24);
    format = gpu_ld32(cmd->buf + 28);
    w = gpu_ld32(cmd->buf + 32);
    h = gpu_ld32(cmd->buf + 36);
    if (id == 0 || virtio_gpu_find_resource(g, id)) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: resource id %" PRIu32 " %s\n", what, id,
                 id ? "already in use" : "is invalid");
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return;
    }
    if (!gpu_format_layout(format) || w == 0 || h == 0 || w > VIRTIO_GPU_MAX_DIM ||
        h > VIRTIO_GPU_MAX_DIM) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: %s: bad format %" PRIu32 " or size %" PRIu32 "x%" PRIu32 "\n", what,
                 format, w, h);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    bytes = (uint64_t)w * h * 4;
    if (bytes > g->max_hostmem - g->hostmem) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: %s: %" PRIu64 " bytes would pass max_hostmem (%" PRIu64 " in use)\n",
                 what, bytes, g->hostmem);
        cmd->error = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
        return;
    }
    res = xzalloc(sizeof(*res));
    res->pixels = calloc(1, bytes);
    if (!res->pixels) {
        free(res);
        cmd->error = VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
        return;
    }
    res->id = id;
    res->format = format;
    res->width = w;
    res->height = h;
    res->next = g->resources;
    g->resources = res;
    g->hostmem += bytes;
}

static void gpu_resource_destroy(VirtIOGPU *g, VirtIOGPUResource *res)
{
    VirtIOGPUResource **p = &g->resources;

    for (unsigned i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
        if (res->scanout_bitmask & (1u << i)) {
            virtio_gpu_disable_scanout(g, i);
        }
    }
    while (*p != res) {
        p = &(*p)->next;
    }
    *p = res->next;
    g->hostmem -= (uint64_t)res->width * res->height * 4;
    free(res->pixels);
    free(res->backing);
    free(res);
}

void virtio_gpu_resource_unref(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    VirtIOGPUResource *res;

    if (virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 8, "RESOURCE_UNREF") &&
        (res = gpu_cmd_resource(g, cmd, 24, "RESOURCE_UNREF"))) {
        gpu_resource_destroy(g, res);
    }
}

void virtio_gpu_free_resources(VirtIOGPU *g)
{
    while (g->resources) {
        gpu_resource_destroy(g, g->resources);
    }
}

/* ---- backing ---- */

/* attach_backing: hdr, resource_id, nr_entries, then nr_entries x (addr, length, padding) */
void virtio_gpu_attach_backing(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    const char *what = "RESOURCE_ATTACH_BACKING";
    VirtIOGPUResource *res;
    VirtIOGPUBacking *ents;
    uint32_t n;
    uint64_t total = 0;

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 8, what) ||
        !(res = gpu_cmd_resource(g, cmd, 24, what))) {
        return;
    }
    n = gpu_ld32(cmd->buf + 28);
    if (res->backing || n == 0 || n > VIRTIO_GPU_MAX_BACKING_ENTRIES) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: %s (%" PRIu32 " entries)\n", what,
                 res->backing ? "resource already has backing" : "bad entry count", n);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 8 + (size_t)n * 16, what)) {
        return;
    }
    ents = xnew0(VirtIOGPUBacking, n);
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *e = cmd->buf + VIRTIO_GPU_HDR_SIZE + 8 + (size_t)i * 16;
        ents[i] = (VirtIOGPUBacking){gpu_ld64(e), gpu_ld32(e + 8)};
        if (!virtio_dma_check(ents[i].addr, ents[i].length, false)) {
            log_mask(LOG_GUEST_ERROR,
                     "virtio-gpu: %s: entry %" PRIu32 " (0x%" PRIx64 "+0x%" PRIx32
                     ") is not guest RAM\n",
                     what, i, ents[i].addr, ents[i].length);
            free(ents);
            cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
            return;
        }
        total += ents[i].length;
    }
    res->backing = ents;
    res->nr_backing = n;
    res->backing_size = total;
}

void virtio_gpu_detach_backing(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    const char *what = "RESOURCE_DETACH_BACKING";
    VirtIOGPUResource *res;

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 8, what) ||
        !(res = gpu_cmd_resource(g, cmd, 24, what))) {
        return;
    }
    if (!res->backing) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: resource %" PRIu32 " has no backing\n", what,
                 res->id);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        return;
    }
    free(res->backing);
    res->backing = NULL;
    res->nr_backing = 0;
    res->backing_size = 0;
}

/* A position in the backing list; rows are read in increasing order, so it only moves on. */
typedef struct BackingCursor {
    unsigned entry;
    uint64_t entry_start; /* offset of that entry in the backing */
} BackingCursor;

/* Read len bytes at offset (which the caller checked lies inside the backing). */
static bool gpu_backing_read(const VirtIOGPUResource *res, BackingCursor *c, uint64_t offset,
                             uint8_t *buf, size_t len)
{
    if (offset < c->entry_start) {
        *c = (BackingCursor){0, 0};
    }
    while (len) {
        const VirtIOGPUBacking *e = &res->backing[c->entry];
        uint64_t in_entry = offset - c->entry_start;
        size_t n;

        if (in_entry >= e->length) {
            c->entry_start += e->length;
            c->entry++;
            continue;
        }
        n = MIN(len, e->length - in_entry);
        if (!virtio_dma_read(e->addr + in_entry, buf, n)) {
            return false;
        }
        buf += n;
        offset += n;
        len -= n;
    }
    return true;
}

/* ---- transfer and flush ---- */

static bool gpu_transfer_rows(VirtIOGPUResource *res, const VirtIOGPURect *r, uint64_t offset)
{
    const GPUFormatLayout *f = gpu_format_layout(res->format);
    uint64_t stride = (uint64_t)res->width * 4;
    uint8_t *row = xmalloc((size_t)r->width * 4 + 1);
    BackingCursor cur = {0, 0};
    bool ok = true;

    for (uint32_t y = 0; ok && y < r->height; y++) {
        uint32_t *dst = res->pixels + (size_t)(r->y + y) * res->width + r->x;
        if (f->format == VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM ||
            f->format == VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM) {
            /* Our pixels are these bytes read as a little-endian uint32 (x86-64 hosts). */
            ok = gpu_backing_read(res, &cur, offset + stride * y, (uint8_t *)dst, r->width * 4);
        } else if ((ok = gpu_backing_read(res, &cur, offset + stride * y, row, r->width * 4))) {
            gpu_convert_row(f, row, dst, r->width);
        }
    }
    free(row);
    return ok;
}

/* transfer_to_host_2d: hdr, rect, offset(8), resource_id, padding */
void virtio_gpu_transfer_to_host_2d(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    const char *what = "TRANSFER_TO_HOST_2D";
    VirtIOGPUResource *res;
    VirtIOGPURect r;
    uint64_t offset, need;

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 32, what) ||
        !(res = gpu_cmd_resource(g, cmd, 48, what))) {
        return;
    }
    r = gpu_ld_rect(cmd->buf + 24);
    offset = gpu_ld64(cmd->buf + 40);
    if (!res->backing || !gpu_rect_inside(&r, res->width, res->height)) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: %s: %s (rect %" PRIu32 ",%" PRIu32 " %" PRIu32 "x%" PRIu32
                 ", resource %" PRIu32 "x%" PRIu32 ")\n",
                 what, res->backing ? "rectangle outside the resource" : "no backing", r.x, r.y,
                 r.width, r.height, res->width, res->height);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (r.width == 0 || r.height == 0) {
        return;
    }
    /* The last row ends at offset + stride * (height - 1) + width * 4 (all < 2^40). */
    need = (uint64_t)res->width * 4 * (r.height - 1) + (uint64_t)r.width * 4;
    if (offset > res->backing_size || need > res->backing_size - offset) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: %s: offset 0x%" PRIx64 " + 0x%" PRIx64
                 " passes the backing (0x%" PRIx64 " bytes)\n",
                 what, offset, need, res->backing_size);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (!gpu_transfer_rows(res, &r, offset)) {
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
}

/* resource_flush: hdr, rect, resource_id, padding */
void virtio_gpu_resource_flush(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    const char *what = "RESOURCE_FLUSH";
    VirtIOGPUResource *res;
    VirtIOGPURect r;

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 24, what) ||
        !(res = gpu_cmd_resource(g, cmd, 40, what))) {
        return;
    }
    r = gpu_ld_rect(cmd->buf + 24);
    if (!gpu_rect_inside(&r, res->width, res->height)) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: %s: rect %" PRIu32 ",%" PRIu32 " %" PRIu32 "x%" PRIu32
                 " outside resource %" PRIu32 " (%" PRIu32 "x%" PRIu32 ")\n",
                 what, r.x, r.y, r.width, r.height, res->id, res->width, res->height);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    for (unsigned i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
        const VirtIOGPURect *s = &g->scanout[i].rect;
        int64_t x0, y0, x1, y1;

        if (!(res->scanout_bitmask & (1u << i))) {
            continue;
        }
        x0 = MAX(r.x, s->x);
        y0 = MAX(r.y, s->y);
        x1 = MIN((int64_t)r.x + r.width, (int64_t)s->x + s->width);
        y1 = MIN((int64_t)r.y + r.height, (int64_t)s->y + s->height);
        if (x0 < x1 && y0 < y1) {
            dpy_gfx_update(g->scanout[i].con, x0 - s->x, y0 - s->y, x1 - x0, y1 - y0);
        }
    }
}
