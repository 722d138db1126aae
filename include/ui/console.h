/*
 * The display core (QEMU's ui/console.c idea): graphic devices render into
 * DisplaySurfaces, display backends (VNC, screendump, later SDL) watch them.
 *
 *   device (virtio-gpu head N)                 backends (vnc, ...)
 *     graphic_console_init() -> QemuConsole  <- register_displaychangelistener(dcl)
 *     dpy_gfx_replace_surface(con, s)        -> dcl->ops->dpy_gfx_switch(dcl, s)
 *     dpy_gfx_update(con, x, y, w, h)        -> dcl->ops->dpy_gfx_update(dcl, x, y, w, h)
 *                                 (deadline) -> dcl->ops->dpy_refresh(dcl)
 *
 * Dirty rectangles flow one way, from the device to the listeners. The guest
 * never waits on a viewer: dpy_gfx_update only calls the listeners'
 * dpy_gfx_update, which must just record the rectangle (VNC ORs it into a
 * per-client tile bitmap, O(tiles)); the work of reading pixels, encoding and
 * sending happens later, in dpy_refresh, from a main-loop timer that the first
 * update after a refresh arms for update_interval ms. Updates in between
 * coalesce, so a guest drawing at any rate costs a viewer at most one refresh
 * per interval, and a viewer that cannot keep up (a full socket) skips frames
 * rather than queueing them.
 *
 * Pixels: a surface holds 32-bit xRGB pixels, one uint32_t each in host byte
 * order (0x00RRGGBB; the top byte is ignored), rows `stride` bytes apart. The
 * device converts the guest's formats on the way in (see virtio-gpu).
 *
 * Everything here runs under the BQL (device handlers and the main loop).
 * The console list is a process singleton, like the type registry: consoles
 * are numbered in creation order (console 0 is what screendump and VNC show
 * by default, as in QEMU).
 */
#ifndef UI_CONSOLE_H
#define UI_CONSOLE_H

#include "common.h"
#include "hw/core/qdev.h"

/* ---- surfaces ---- */

typedef struct DisplaySurface {
    int width, height;
    int stride;    /* bytes from one row to the next (>= 4 * width) */
    uint8_t *data; /* height rows of width xRGB pixels */
    bool owns_data;
} DisplaySurface;

/* A surface with its own zeroed (black) pixels. */
DisplaySurface *qemu_create_displaysurface(int width, int height);
/* A surface over pixels owned by the caller, who keeps them alive while it is shown. */
DisplaySurface *qemu_create_displaysurface_from(int width, int height, int stride, uint8_t *data);
/* The 640x480 black surface a console shows when its device has no active output. */
DisplaySurface *qemu_create_placeholder_surface(void);
void qemu_free_displaysurface(DisplaySurface *surface);

static inline const uint32_t *surface_row(const DisplaySurface *s, int y)
{
    return (const uint32_t *)(s->data + (size_t)y * s->stride);
}

/* Row y as packed 8-bit R, G, B (3 * width bytes): what PPM and PNG store. */
void surface_row_to_rgb24(const DisplaySurface *s, int y, uint8_t *out);

/* ---- the cursor a device defines (virtio-gpu's cursor queue) ---- */

typedef struct QEMUCursor {
    int width, height;
    int hot_x, hot_y;
    uint32_t *data; /* width * height ARGB pixels (alpha in the top byte) */
} QEMUCursor;

/* ---- consoles ---- */

typedef struct QemuConsole QemuConsole;
typedef struct DisplayChangeListener DisplayChangeListener;

/* What a console asks of its device. All optional. */
typedef struct GraphicHwOps {
    /* A listener refreshes: a device that does not push updates renders now. */
    void (*gfx_update)(void *opaque);
    /*
     * The device cannot tell when its pixels change (a framebuffer in guest RAM): while the
     * console has listeners it calls gfx_update every refresh interval, so the device can
     * compare and report dirty rectangles. Without listeners nothing polls.
     */
    bool polled;
} GraphicHwOps;

/* A new console for head `head` of dev, showing the placeholder surface. */
QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head, const GraphicHwOps *ops,
                                  void *opaque);
/* The device goes away: listeners of con are moved to a blank surface, con is freed. */
void graphic_console_close(QemuConsole *con);

/* Show surface on con (con takes ownership; the old surface is freed after the switch). */
void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface);
/* Pixels in the rectangle changed; clipped to the surface, empty ones are dropped. */
void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h);
void dpy_gfx_update_full(QemuConsole *con);
/*
 * Cursor shape (NULL hides it), passed to the listeners during the call (a listener that
 * keeps it copies it), and position (in the surface's coordinates).
 */
void dpy_cursor_define(QemuConsole *con, const QEMUCursor *cursor);
void dpy_mouse_set(QemuConsole *con, int x, int y, bool visible);

DisplaySurface *qemu_console_surface(QemuConsole *con);
int qemu_console_get_width(QemuConsole *con);
int qemu_console_get_height(QemuConsole *con);
unsigned qemu_console_get_index(QemuConsole *con);
DeviceState *qemu_console_get_device(QemuConsole *con);
uint32_t qemu_console_get_head(QemuConsole *con);
/* Console number index, or NULL. */
QemuConsole *qemu_console_lookup_by_index(unsigned index);
/* The console of dev's head (dev or a device containing it: a PCI proxy), or NULL. */
QemuConsole *qemu_console_lookup_by_device(DeviceState *dev, uint32_t head);
/* Ask the device to render (GraphicHwOps.gfx_update) before reading its surface. */
void graphic_hw_update(QemuConsole *con);

/* ---- display change listeners (backends) ---- */

typedef struct DisplayChangeListenerOps {
    const char *dpy_name;
    /* The refresh deadline after updates: encode and send what is dirty. */
    void (*dpy_refresh)(DisplayChangeListener *dcl);
    /* Record a dirty rectangle (already clipped to the surface). Must be cheap. */
    void (*dpy_gfx_update)(DisplayChangeListener *dcl, int x, int y, int w, int h);
    /* The console shows a new surface (everything is dirty). */
    void (*dpy_gfx_switch)(DisplayChangeListener *dcl, DisplaySurface *surface);
    /* Optional: the cursor moved or changed shape. */
    void (*dpy_mouse_set)(DisplayChangeListener *dcl, int x, int y, bool visible);
    void (*dpy_cursor_define)(DisplayChangeListener *dcl, const QEMUCursor *cursor);
} DisplayChangeListenerOps;

struct DisplayChangeListener {
    const DisplayChangeListenerOps *ops;
    int64_t update_interval_ms; /* coalescing window; 0 means the default (30 ms) */
    QemuConsole *con;           /* set by register: the console it watches */
    DisplayChangeListener *next;
};

/*
 * Watch con (NULL: console 0, or a blank 640x480 surface if there is no graphic
 * device). dpy_gfx_switch is called at once with the current surface. The
 * caller owns dcl and unregisters it before freeing it.
 */
void register_displaychangelistener(DisplayChangeListener *dcl, QemuConsole *con);
void unregister_displaychangelistener(DisplayChangeListener *dcl);
/* The surface dcl shows now. */
DisplaySurface *dcl_surface(DisplayChangeListener *dcl);

#endif
