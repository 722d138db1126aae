/*
 * The Bochs/QEMU std VGA's PCI face: "VGA" (1234:1111, class 0x0300) and
 * "bochs-display" (the same without VGA registers, class 0x0380).
 *
 * BAR0: the framebuffer (vgamem, 16 MiB), RAM the guest draws into.
 * BAR2 (4 KiB MMIO), as QEMU lays it out and Linux's bochs-drm reads it:
 *   0x000-0x3ff  EDID blob (preferred mode xres x yres, 1280x800 by default)
 *   0x400-0x41f  VGA ports 0x3c0-0x3df, byte wide (VGA only: the attribute
 *                index's bit 5 "video enabled" blanks or shows the screen)
 *   0x500-0x515  VBE DISPI registers 0..10, 16 bit (Bochs VBE: id, xres, yres,
 *                bpp, enable, bank, virt_width, virt_height, x/y offset, 64K count)
 *   0x600-0x607  QEMU extension: size (8, read only), framebuffer endianness
 *                (0xbebebebe big, 0x1e1e1e1e little)
 *
 * "VGA" also has the legacy VGA (include/hw/display/vga.h, hw/display/vga-*.c):
 * ports 0x3b0-0x3df, the 0xa0000-0xbffff window onto its planes (the first
 * 256 KiB of the framebuffer), and the VBE ports 0x1ce (index) / 0x1cf (data)
 * onto the same DISPI registers, all at fixed bus addresses (pci_register_vga).
 * While VBE is off the console shows the VGA's text or graphics mode.
 *
 * Display: nothing marks the framebuffer dirty when the guest writes it, so
 * the console polls (GraphicHwOps.polled): each refresh compares the visible
 * rows with a shadow copy of the guest's bytes and converts only changed
 * rows, reported as dirty rectangles. A mode that does not fit the
 * framebuffer is a guest error and shows the blank placeholder.
 */
#include <string.h>

#include "hw/display/edid.h"
#include "hw/display/vga.h"
#include "hw/pci/pci.h"
#include "ui/console.h"
#include "util/log.h"

#define TYPE_BOCHS_VGA_BASE "bochs-vga-base"
#define BOCHS_VGA(obj) OBJECT_CHECK(BochsVGAState, (obj), TYPE_BOCHS_VGA_BASE)

#define PCI_VENDOR_ID_QEMU 0x1234
#define PCI_DEVICE_ID_QEMU_VGA 0x1111
#define PCI_CLASS_DISPLAY_VGA 0x030000

#define MMIO_SIZE 0x1000
#define MMIO_EDID 0x000
#define MMIO_VGA 0x400
#define MMIO_VGA_END 0x420
#define MMIO_DISPI 0x500
#define MMIO_QEXT 0x600
#define QEXT_SIZE 8
#define QEXT_BIG_ENDIAN 0xbebebebe
#define QEXT_LITTLE_ENDIAN 0x1e1e1e1e

enum {
    DISPI_ID,
    DISPI_XRES,
    DISPI_YRES,
    DISPI_BPP,
    DISPI_ENABLE,
    DISPI_BANK,
    DISPI_VIRT_WIDTH,
    DISPI_VIRT_HEIGHT,
    DISPI_X_OFFSET,
    DISPI_Y_OFFSET,
    DISPI_VIDEO_MEMORY_64K,
    DISPI_NREGS
};
#define DISPI_ID0 0xb0c0
#define DISPI_ID5 0xb0c5
#define DISPI_ENABLED 0x01
#define DISPI_GETCAPS 0x02
#define DISPI_8BIT_DAC 0x20
#define DISPI_NOCLEARMEM 0x80
#define DISPI_MAX_XRES 16000
#define DISPI_MAX_YRES 12000
#define DISPI_MAX_BPP 32

#define VBE_IO_BASE 0x1ce
#define VBE_IO_SIZE 3 /* index at 0x1ce, data at 0x1cf (and 0x1d0, as Bochs decodes it) */

typedef struct BochsVGAState {
    PCIDevice parent_obj;
    MemoryRegion vram, mmio;
    uint8_t *vram_ptr;
    uint16_t dispi[DISPI_NREGS];
    bool big_endian;
    uint16_t dispi_index; /* VBE port 0x1ce */
    VGAState vga;         /* the register file also behind BAR2's 0x400 window */
    MemoryRegion vga_mem, vga_io, vbe_io;
    uint8_t edid[EDID_BLOCK_SIZE];
    /* display */
    QemuConsole *con;
    uint8_t *shadow; /* the guest bytes of the visible rows at the last refresh */
    size_t shadow_size;
    bool full_update; /* the mode or palette changed: convert everything */
    bool mode_reported_bad;
    /* properties */
    uint64_t vgamem;
    uint32_t xres, yres;
    bool edid_enabled;
    bool has_vga;
} BochsVGAState;

/* ---- VBE DISPI ---- */

static unsigned dispi_bytes_pp(BochsVGAState *s)
{
    return (s->dispi[DISPI_BPP] + 7) / 8;
}

static uint16_t dispi_read(BochsVGAState *s, unsigned reg)
{
    if (reg >= DISPI_NREGS) {
        return 0;
    }
    if ((s->dispi[DISPI_ENABLE] & DISPI_GETCAPS) && reg >= DISPI_XRES && reg <= DISPI_BPP) {
        static const uint16_t caps[] = {0, DISPI_MAX_XRES, DISPI_MAX_YRES, DISPI_MAX_BPP};
        return caps[reg];
    }
    if (reg == DISPI_VIDEO_MEMORY_64K) {
        return s->vgamem >> 16;
    }
    return s->dispi[reg];
}

/* Virtual height follows from the line length: as many lines as the framebuffer holds. */
static void dispi_update_virt_height(BochsVGAState *s)
{
    uint64_t line = (uint64_t)s->dispi[DISPI_VIRT_WIDTH] * dispi_bytes_pp(s);

    s->dispi[DISPI_VIRT_HEIGHT] = line ? MIN(s->vgamem / line, 0xffff) : 0;
}

/* The legacy window shows a 64 KiB bank of the framebuffer while VBE is on. */
static void dispi_update_vga_window(BochsVGAState *s)
{
    s->vga.vbe_window = s->dispi[DISPI_ENABLE] & DISPI_ENABLED;
    s->vga.vbe_bank_base = (uint64_t)s->dispi[DISPI_BANK] * VGA_PLANE_SIZE;
    if (s->vga.vbe_window && s->vga.vbe_bank_base >= s->vgamem) {
        log_mask(LOG_GUEST_ERROR, "bochs-vga: bank %u past the framebuffer\n",
                 s->dispi[DISPI_BANK]);
    }
}

static void dispi_enable(BochsVGAState *s, uint16_t val)
{
    bool was = s->dispi[DISPI_ENABLE] & DISPI_ENABLED;

    s->dispi[DISPI_ENABLE] = val;
    if ((val & DISPI_ENABLED) && !was) {
        s->dispi[DISPI_VIRT_WIDTH] = s->dispi[DISPI_XRES];
        s->dispi[DISPI_X_OFFSET] = s->dispi[DISPI_Y_OFFSET] = 0;
        dispi_update_virt_height(s);
        if (!(val & DISPI_NOCLEARMEM)) {
            memset(s->vram_ptr, 0, s->vgamem);
        }
    }
    dispi_update_vga_window(s);
    s->full_update = true;
    s->mode_reported_bad = false;
}

static void dispi_write(BochsVGAState *s, unsigned reg, uint16_t val)
{
    switch (reg) {
    case DISPI_ID:
        if (val >= DISPI_ID0 && val <= DISPI_ID5) {
            s->dispi[reg] = val;
        }
        return;
    case DISPI_BPP:
        val = val ? val : 8;
        if (val != 8 && val != 15 && val != 16 && val != 24 && val != 32) {
            log_mask(LOG_GUEST_ERROR, "bochs-vga: unsupported bpp %u\n", val);
            return;
        }
        break;
    case DISPI_ENABLE:
        dispi_enable(s, val);
        return;
    case DISPI_VIDEO_MEMORY_64K:
        return;
    default:
        if (reg >= DISPI_NREGS) {
            log_mask(LOG_GUEST_ERROR, "bochs-vga: write to DISPI register %u\n", reg);
            return;
        }
    }
    s->dispi[reg] = val;
    if (reg == DISPI_VIRT_WIDTH || reg == DISPI_BPP) {
        dispi_update_virt_height(s);
    }
    if (reg == DISPI_BANK) {
        dispi_update_vga_window(s);
    }
    s->full_update = true;
    s->mode_reported_bad = false;
}

/* ---- VBE ports 0x1ce/0x1cf (the legacy face of the DISPI registers) ---- */

static uint64_t vbe_io_read(void *opaque, hwaddr addr, unsigned size)
{
    BochsVGAState *s = opaque;

    return addr == 0 ? s->dispi_index : dispi_read(s, s->dispi_index);
}

static void vbe_io_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    BochsVGAState *s = opaque;

    if (addr == 0) {
        s->dispi_index = val;
    } else {
        dispi_write(s, s->dispi_index, val);
    }
}

static const MemoryRegionOps vbe_io_ops = {
    .read = vbe_io_read,
    .write = vbe_io_write,
    .valid = {.min_access_size = 1, .max_access_size = 2, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 2, .unaligned = true},
};

/* ---- BAR2 ---- */

static uint64_t bochs_mmio_read(void *opaque, hwaddr addr, unsigned size)
{
    BochsVGAState *s = opaque;

    if (addr < MMIO_VGA) {
        return s->edid_enabled && addr < EDID_BLOCK_SIZE ? s->edid[addr] : 0;
    }
    if (addr < MMIO_VGA_END) {
        return s->has_vga && size == 1 ? vga_ioport_read(&s->vga, 0x3c0 + addr - MMIO_VGA) : 0;
    }
    if (addr >= MMIO_DISPI && addr < MMIO_DISPI + 2 * DISPI_NREGS && size == 2) {
        return dispi_read(s, (addr - MMIO_DISPI) / 2);
    }
    if (addr == MMIO_QEXT && size == 4) {
        return QEXT_SIZE;
    }
    if (addr == MMIO_QEXT + 4 && size == 4) {
        return s->big_endian ? QEXT_BIG_ENDIAN : QEXT_LITTLE_ENDIAN;
    }
    log_mask(LOG_GUEST_ERROR, "bochs-vga: read of %u bytes at 0x%x\n", size, (unsigned)addr);
    return 0;
}

static void bochs_mmio_write(void *opaque, hwaddr addr, uint64_t val, unsigned size)
{
    BochsVGAState *s = opaque;

    if (addr >= MMIO_VGA && addr < MMIO_VGA_END && size == 1) {
        if (s->has_vga) {
            vga_ioport_write(&s->vga, 0x3c0 + addr - MMIO_VGA, val);
        }
    } else if (addr >= MMIO_DISPI && addr < MMIO_DISPI + 2 * DISPI_NREGS && size == 2) {
        dispi_write(s, (addr - MMIO_DISPI) / 2, val);
    } else if (addr == MMIO_QEXT + 4 && size == 4) {
        s->big_endian = val == QEXT_BIG_ENDIAN;
        s->full_update = true;
    } else {
        log_mask(LOG_GUEST_ERROR, "bochs-vga: write of %u bytes at 0x%x\n", size, (unsigned)addr);
    }
}

static const MemoryRegionOps bochs_mmio_ops = {
    .read = bochs_mmio_read,
    .write = bochs_mmio_write,
    .valid = {.min_access_size = 1, .max_access_size = 4},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- rendering ---- */

static uint32_t bochs_pixel(BochsVGAState *s, const uint8_t *p, unsigned bytes)
{
    uint32_t v = 0;

    for (unsigned i = 0; i < bytes; i++) {
        v |= (uint32_t)p[s->big_endian ? bytes - 1 - i : i] << (8 * i);
    }
    switch (s->dispi[DISPI_BPP]) {
    case 8:
        return vga_dac_rgb(&s->vga, v, s->dispi[DISPI_ENABLE] & DISPI_8BIT_DAC);
    case 15:
        return ((v >> 10) & 31) << 19 | ((v >> 5) & 31) << 11 | (v & 31) << 3;
    case 16:
        return ((v >> 11) & 31) << 19 | ((v >> 5) & 63) << 10 | (v & 31) << 3;
    default:
        return v & 0xffffff;
    }
}

/* The visible mode, or false (blank) if it is off or does not fit the framebuffer. */
static bool bochs_mode(BochsVGAState *s, uint64_t *start, uint64_t *line)
{
    uint16_t *d = s->dispi;
    uint64_t bpp = dispi_bytes_pp(s), end;

    if (!(d[DISPI_ENABLE] & DISPI_ENABLED) ||
        (s->has_vga && !(s->vga.ar_index & VGA_AR_VIDEO_ENABLED))) {
        return false;
    }
    *line = (uint64_t)d[DISPI_VIRT_WIDTH] * bpp;
    *start = d[DISPI_Y_OFFSET] * *line + d[DISPI_X_OFFSET] * bpp;
    end = *start + (d[DISPI_YRES] ? (d[DISPI_YRES] - 1) * *line : 0) + d[DISPI_XRES] * bpp;
    if (!d[DISPI_XRES] || !d[DISPI_YRES] || d[DISPI_VIRT_WIDTH] < d[DISPI_XRES] ||
        end > s->vgamem) {
        if (!s->mode_reported_bad) {
            log_mask(LOG_GUEST_ERROR, "bochs-vga: mode %ux%u (line %u) outside the framebuffer\n",
                     d[DISPI_XRES], d[DISPI_YRES], d[DISPI_VIRT_WIDTH]);
            s->mode_reported_bad = true;
        }
        return false;
    }
    return true;
}

static void bochs_drop_shadow(BochsVGAState *s)
{
    if (s->shadow) {
        free(s->shadow);
        s->shadow = NULL;
        dpy_gfx_replace_surface(s->con, NULL);
    }
}

static void bochs_lfb_update(BochsVGAState *s)
{
    DisplaySurface *surf = qemu_console_surface(s->con);
    uint64_t start, line;
    unsigned w = s->dispi[DISPI_XRES], h = s->dispi[DISPI_YRES], bytes = dispi_bytes_pp(s);
    int first = -1;

    if (s->vga.dirty) { /* the DAC (8 bpp) or the attribute index changed */
        s->full_update = true;
        s->vga.dirty = false;
    }
    if (!bochs_mode(s, &start, &line)) {
        bochs_drop_shadow(s);
        return;
    }
    if (!s->shadow || surf->width != (int)w || surf->height != (int)h) {
        free(s->shadow);
        s->shadow_size = (size_t)w * bytes;
        s->shadow = xzalloc(s->shadow_size * h);
        surf = qemu_create_displaysurface(w, h);
        dpy_gfx_replace_surface(s->con, surf);
        s->full_update = true;
    }
    for (unsigned y = 0; y <= h; y++) {
        const uint8_t *src = y < h ? s->vram_ptr + start + y * line : NULL;
        uint8_t *old = s->shadow + y * s->shadow_size;
        if (src && (s->full_update || memcmp(src, old, s->shadow_size))) {
            uint32_t *dst = (uint32_t *)(surf->data + (size_t)y * surf->stride);
            memcpy(old, src, s->shadow_size);
            for (unsigned x = 0; x < w; x++) {
                dst[x] = bochs_pixel(s, old + x * bytes, bytes);
            }
            first = first < 0 ? (int)y : first;
        } else if (first >= 0) {
            dpy_gfx_update(s->con, 0, first, w, y - first);
            first = -1;
        }
    }
    s->full_update = false;
}

/* VBE's linear framebuffer while it is on; else the legacy VGA's mode (VGA only). */
static void bochs_gfx_update(void *opaque)
{
    BochsVGAState *s = opaque;

    if ((s->dispi[DISPI_ENABLE] & DISPI_ENABLED) || !s->has_vga) {
        bochs_lfb_update(s);
        return;
    }
    bochs_drop_shadow(s);
    vga_update_display(&s->vga, s->con);
}

static const GraphicHwOps bochs_console_ops = {.gfx_update = bochs_gfx_update, .polled = true};

/* ---- realize, reset, types ---- */

static bool bochs_realize(PCIDevice *dev, Error **errp)
{
    BochsVGAState *s = BOCHS_VGA(dev);

    if (s->vgamem < (1 << 20) || s->vgamem > (256 << 20) || (s->vgamem & (s->vgamem - 1))) {
        error_setg(errp, "vgamem must be a power of two between 1M and 256M");
        return false;
    }
    if (s->xres < 16 || s->xres > 4095 || s->yres < 16 || s->yres > 4095) {
        error_setg(errp, "xres and yres must be 16..4095");
        return false;
    }
    if (!memory_region_init_ram(&s->vram, "vga.vram", s->vgamem, errp)) {
        return false;
    }
    s->vram_ptr = memory_region_get_ram_ptr(&s->vram);
    memory_region_init_io(&s->mmio, &bochs_mmio_ops, s, "vga.mmio", MMIO_SIZE);
    pci_register_bar(dev, 0, PCI_BASE_ADDRESS_MEM_PREFETCH, &s->vram);
    pci_register_bar(dev, 2, 0, &s->mmio);
    edid_generate(s->edid, &(EdidInfo){.name = "QEMU Monitor", .prefx = s->xres, .prefy = s->yres});
    s->con = graphic_console_init(DEVICE(dev), 0, &bochs_console_ops, s);
    if (s->has_vga) {
        s->vga.vram = s->vram_ptr;
        s->vga.vram_size = s->vgamem;
        memory_region_init_io(&s->vga_mem, &vga_mem_ops, &s->vga, "vga-lowmem",
                              VGA_LEGACY_MEM_SIZE);
        memory_region_init_io(&s->vga_io, &vga_ioport_ops, &s->vga, "vga", VGA_IO_SIZE);
        memory_region_init_io(&s->vbe_io, &vbe_io_ops, s, "vbe", VBE_IO_SIZE);
        pci_register_vga(dev, &s->vga_mem, &s->vga_io, &s->vbe_io);
    }
    return true;
}

static void bochs_reset(PCIDevice *dev)
{
    BochsVGAState *s = BOCHS_VGA(dev);

    memset(s->dispi, 0, sizeof(s->dispi));
    s->dispi[DISPI_ID] = DISPI_ID5;
    s->dispi_index = 0;
    vga_regs_reset(&s->vga);
    dispi_update_vga_window(s);
    s->big_endian = false;
    s->full_update = true;
}

static void bochs_finalize(Object *obj)
{
    BochsVGAState *s = BOCHS_VGA(obj);

    if (s->con) {
        graphic_console_close(s->con);
    }
    free(s->shadow);
}

static const Property bochs_props[] = {
    DEFINE_PROP_SIZE("vgamem", BochsVGAState, vgamem, 16 << 20),
    DEFINE_PROP_UINT32("xres", BochsVGAState, xres, 1280),
    DEFINE_PROP_UINT32("yres", BochsVGAState, yres, 800),
    DEFINE_PROP_BOOL("edid", BochsVGAState, edid_enabled, true),
    DEFINE_PROP_END,
};

static void bochs_base_class_init(ObjectClass *oc, void *data)
{
    PCIDeviceClass *pdc = PCI_DEVICE_CLASS(oc);

    DEVICE_CLASS(oc)->user_creatable = true;
    pdc->vendor_id = PCI_VENDOR_ID_QEMU;
    pdc->device_id = PCI_DEVICE_ID_QEMU_VGA;
    pdc->revision = 2;
    pdc->realize = bochs_realize;
    pdc->reset = bochs_reset;
    object_class_add_props(oc, bochs_props);
}

static void vga_instance_init(Object *obj)
{
    BOCHS_VGA(obj)->has_vga = true;
}

static void vga_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->desc = "standard VGA (Bochs VBE, linear framebuffer)";
    PCI_DEVICE_CLASS(oc)->class_id = PCI_CLASS_DISPLAY_VGA;
    PCI_DEVICE_CLASS(oc)->romfile = "vgabios-stdvga.bin"; /* SeaBIOS's VGA BIOS for it */
}

static void bochs_display_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->desc = "bochs display (VBE registers, no VGA)";
    PCI_DEVICE_CLASS(oc)->class_id = PCI_CLASS_DISPLAY_OTHER;
    PCI_DEVICE_CLASS(oc)->romfile = "vgabios-bochs-display.bin";
}

static const TypeInfo bochs_types[] = {
    {.name = TYPE_BOCHS_VGA_BASE,
     .parent = TYPE_PCI_DEVICE,
     .abstract = true,
     .instance_size = sizeof(BochsVGAState),
     .class_init = bochs_base_class_init,
     .instance_finalize = bochs_finalize},
    {.name = "VGA",
     .parent = TYPE_BOCHS_VGA_BASE,
     .instance_init = vga_instance_init,
     .class_init = vga_class_init},
    {.name = "bochs-display",
     .parent = TYPE_BOCHS_VGA_BASE,
     .class_init = bochs_display_class_init},
};

static void bochs_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(bochs_types); i++) {
        type_register_static(&bochs_types[i]);
    }
}

type_init(bochs_register_types)
