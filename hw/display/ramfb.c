/*
 * ramfb: a framebuffer in guest RAM, configured through fw_cfg (QEMU's "ramfb" device,
 * which firmware such as EDK2 and Linux's simplefb/ramfb drivers use for an early screen).
 *
 * The guest finds the fw_cfg file "etc/ramfb" in the directory and writes its 28 bytes
 * with a DMA write (fw_cfg's FW_CFG_DMA_CTL_WRITE), all fields big-endian:
 *   +0  u64 addr    guest physical address of the first pixel
 *   +8  u32 fourcc  DRM pixel format: 'XR24' / 'AR24' (xRGB/ARGB 8888, little-endian
 *                   words), 'RG24' (RGB 888: bytes B, G, R), the formats QEMU 7.2 maps
 *   +12 u32 flags   (unused)
 *   +16 u32 width   pixels, 16..16000 (the Bochs VBE limits QEMU uses)
 *   +20 u32 height  rows, 16..12000
 *   +24 u32 stride  bytes between rows; 0 means width * bytes per pixel
 *
 * Each write re-reads the whole configuration. A configuration that is not usable (an
 * unknown fourcc, sizes out of range, a stride shorter than a row, a framebuffer that is
 * not entirely inside one RAM range) is a guest error: the console shows the blank
 * placeholder until a good one arrives, and no pixel outside RAM is ever read.
 *
 * Display: nothing tells us when the guest draws, so the console polls (GraphicHwOps.polled,
 * like bochs-display): each refresh compares the visible rows with a shadow copy and
 * converts only the rows that changed. The RAM range is looked up again at every refresh,
 * so a map change cannot leave a stale host pointer behind.
 */
#include <endian.h>
#include <inttypes.h>
#include <string.h>

#include "hw/core/sysbus.h"
#include "hw/display/ramfb.h"
#include "hw/nvram/fw_cfg.h"
#include "ui/console.h"
#include "util/log.h"

#define RAMFB(obj) OBJECT_CHECK(RAMFBState, (obj), TYPE_RAMFB)

#define RAMFB_CFG_SIZE 28
#define RAMFB_MIN_SIZE 16
#define RAMFB_MAX_WIDTH 16000
#define RAMFB_MAX_HEIGHT 12000

#define FOURCC(a, b, c, d)                                                                         \
    ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)
#define DRM_FORMAT_XRGB8888 FOURCC('X', 'R', '2', '4')
#define DRM_FORMAT_ARGB8888 FOURCC('A', 'R', '2', '4')
#define DRM_FORMAT_RGB888 FOURCC('R', 'G', '2', '4')

/* A checked configuration. */
typedef struct RAMFBMode {
    uint64_t addr;
    uint32_t width, height, stride;
    unsigned bytes_pp;
} RAMFBMode;

typedef struct RAMFBState {
    SysBusDevice parent_obj;
    uint8_t *cfg; /* the "etc/ramfb" bytes: fw_cfg owns them, the guest's DMA writes them */
    QemuConsole *con;
    RAMFBMode mode;
    bool enabled;       /* mode is a checked configuration */
    bool full_update;   /* convert every row at the next refresh */
    bool gone_reported; /* the RAM under an enabled mode vanished: logged once */
    uint8_t *shadow;    /* height rows of width * bytes_pp guest bytes, as last converted */
} RAMFBState;

/* ---- configuration ---- */

static uint32_t cfg_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return be32toh(v);
}

/*
 * The host pointer of [addr, addr + len) if it lies inside one RAM range of system memory
 * (what a guest framebuffer must be), else NULL.
 */
static const uint8_t *ramfb_host_ptr(uint64_t addr, uint64_t len)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    const FlatRange *fr = flatview_lookup(view, addr);

    if (!fr || !memory_region_is_ram(fr->mr) || addr + len < addr ||
        addr + len - fr->addr > fr->size) {
        return NULL;
    }
    return (const uint8_t *)memory_region_get_ram_ptr(fr->mr) + fr->offset_in_region +
           (addr - fr->addr);
}

static uint64_t ramfb_span(const RAMFBMode *m)
{
    return (uint64_t)m->stride * (m->height - 1) + (uint64_t)m->width * m->bytes_pp;
}

/* The guest's configuration checked into *m; false (and a guest_errors line) if unusable. */
static bool ramfb_parse(const uint8_t *cfg, RAMFBMode *m)
{
    uint64_t addr;
    uint32_t fourcc = cfg_be32(cfg + 8);

    memcpy(&addr, cfg, 8);
    *m = (RAMFBMode){.addr = be64toh(addr),
                     .width = cfg_be32(cfg + 16),
                     .height = cfg_be32(cfg + 20),
                     .stride = cfg_be32(cfg + 24)};
    if (fourcc == DRM_FORMAT_XRGB8888 || fourcc == DRM_FORMAT_ARGB8888) {
        m->bytes_pp = 4;
    } else if (fourcc == DRM_FORMAT_RGB888) {
        m->bytes_pp = 3;
    } else {
        log_mask(LOG_GUEST_ERROR, "ramfb: unsupported fourcc 0x%08x\n", fourcc);
        return false;
    }
    if (m->width < RAMFB_MIN_SIZE || m->width > RAMFB_MAX_WIDTH || m->height < RAMFB_MIN_SIZE ||
        m->height > RAMFB_MAX_HEIGHT) {
        log_mask(LOG_GUEST_ERROR, "ramfb: size %ux%u outside %ux%u..%ux%u\n", m->width, m->height,
                 RAMFB_MIN_SIZE, RAMFB_MIN_SIZE, RAMFB_MAX_WIDTH, RAMFB_MAX_HEIGHT);
        return false;
    }
    if (m->stride == 0) {
        m->stride = m->width * m->bytes_pp;
    } else if (m->stride < m->width * m->bytes_pp) {
        log_mask(LOG_GUEST_ERROR, "ramfb: stride %u shorter than a row of %u pixels\n", m->stride,
                 m->width);
        return false;
    }
    if (!ramfb_host_ptr(m->addr, ramfb_span(m))) {
        log_mask(LOG_GUEST_ERROR,
                 "ramfb: framebuffer 0x%" PRIx64 "+0x%" PRIx64 " is not inside guest RAM\n",
                 m->addr, ramfb_span(m));
        return false;
    }
    return true;
}

static void ramfb_disable(RAMFBState *s)
{
    if (s->enabled || s->shadow) {
        s->enabled = false;
        free(s->shadow);
        s->shadow = NULL;
        dpy_gfx_replace_surface(s->con, NULL);
    }
}

/* fw_cfg: the guest wrote (part of) "etc/ramfb". */
static void ramfb_cfg_written(void *opaque, uint32_t offset, uint32_t len)
{
    RAMFBState *s = opaque;
    RAMFBMode m;

    if (!ramfb_parse(s->cfg, &m)) {
        ramfb_disable(s);
        return;
    }
    free(s->shadow);
    s->mode = m;
    s->enabled = true;
    s->gone_reported = false;
    s->shadow = xzalloc((size_t)m.width * m.bytes_pp * m.height);
    dpy_gfx_replace_surface(s->con, qemu_create_displaysurface(m.width, m.height));
    s->full_update = true;
}

/* ---- display ---- */

static uint32_t ramfb_pixel(const uint8_t *p, unsigned bytes_pp)
{
    if (bytes_pp == 3) {
        return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    }
    return ((uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0]) & 0xffffff;
}

static void ramfb_gfx_update(void *opaque)
{
    RAMFBState *s = opaque;
    const RAMFBMode *m = &s->mode;
    DisplaySurface *surf = qemu_console_surface(s->con);
    size_t row_bytes = (size_t)m->width * m->bytes_pp;
    const uint8_t *fb;
    int first = -1;

    if (!s->enabled) {
        return;
    }
    fb = ramfb_host_ptr(m->addr, ramfb_span(m));
    if (!fb) {
        if (!s->gone_reported) {
            log_mask(LOG_GUEST_ERROR, "ramfb: framebuffer 0x%" PRIx64 " no longer in RAM\n",
                     m->addr);
            s->gone_reported = true;
        }
        return;
    }
    for (uint32_t y = 0; y <= m->height; y++) {
        const uint8_t *src = y < m->height ? fb + (uint64_t)y * m->stride : NULL;
        uint8_t *old = s->shadow + y * row_bytes;
        if (src && (s->full_update || memcmp(src, old, row_bytes))) {
            uint32_t *dst = (uint32_t *)(surf->data + (size_t)y * surf->stride);
            memcpy(old, src, row_bytes);
            for (uint32_t x = 0; x < m->width; x++) {
                dst[x] = ramfb_pixel(old + x * m->bytes_pp, m->bytes_pp);
            }
            first = first < 0 ? (int)y : first;
        } else if (first >= 0) {
            dpy_gfx_update(s->con, 0, first, m->width, y - first);
            first = -1;
        }
    }
    s->full_update = false;
}

static const GraphicHwOps ramfb_console_ops = {.gfx_update = ramfb_gfx_update, .polled = true};

/* ---- realize, reset, types ---- */

static bool ramfb_realize(DeviceState *dev, Error **errp)
{
    RAMFBState *s = RAMFB(dev);
    FWCfgState *fw_cfg = fw_cfg_find();

    if (!fw_cfg) {
        error_setg(errp, "ramfb device requires fw_cfg with DMA (this machine has no fw_cfg)");
        return false;
    }
    s->cfg = xzalloc(RAMFB_CFG_SIZE);
    if (!fw_cfg_add_file_writable(fw_cfg, "etc/ramfb", s->cfg, RAMFB_CFG_SIZE, ramfb_cfg_written, s,
                                  errp)) {
        s->cfg = NULL; /* fw_cfg freed it */
        return false;
    }
    s->con = graphic_console_init(dev, 0, &ramfb_console_ops, s);
    return true;
}

/* A reset forgets the guest's configuration: firmware sets it up again. */
static void ramfb_reset(DeviceState *dev)
{
    RAMFBState *s = RAMFB(dev);

    if (s->cfg) {
        memset(s->cfg, 0, RAMFB_CFG_SIZE);
    }
    if (s->con) {
        ramfb_disable(s);
    }
}

static void ramfb_finalize(Object *obj)
{
    RAMFBState *s = RAMFB(obj);

    if (s->con) {
        graphic_console_close(s->con);
    }
    free(s->shadow);
}

static void ramfb_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "ram framebuffer standalone device";
    dc->user_creatable = true;
    dc->realize = ramfb_realize;
    dc->reset = ramfb_reset;
}

static const TypeInfo ramfb_info = {
    .name = TYPE_RAMFB,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(RAMFBState),
    .class_init = ramfb_class_init,
    .instance_finalize = ramfb_finalize,
};

static void ramfb_register_types(void)
{
    type_register_static(&ramfb_info);
}

type_init(ramfb_register_types)
