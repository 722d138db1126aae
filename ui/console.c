/*
 * The display core: consoles, surfaces and the listeners that watch them.
 * The contract (who calls what, and why the guest never waits on a viewer)
 * is in include/ui/console.h.
 *
 * Refresh is deadline driven, not a periodic poll: the first dpy_gfx_update
 * (or surface switch) after a refresh arms the console's timer for the
 * shortest update_interval of its listeners; when it fires every listener
 * refreshes once. With no changes nothing runs.
 */
#include "ui/console.h"
#include "util/timer.h"

#define DISPLAY_DEFAULT_INTERVAL_MS 30
#define PLACEHOLDER_WIDTH 640
#define PLACEHOLDER_HEIGHT 480

struct QemuConsole {
    unsigned index;
    DeviceState *dev; /* NULL for the blank console shown when there is no device */
    uint32_t head;
    const GraphicHwOps *hw_ops;
    void *hw_opaque;
    DisplaySurface *surface;
    DisplayChangeListener *listeners;
    Timer *refresh_timer;
    QemuConsole *next;
};

/* Process singletons (see console.h): the consoles in creation order, and the blank one. */
static QemuConsole *consoles;
static QemuConsole *blank_console;
static unsigned next_console_index;

/* ---- surfaces ---- */

DisplaySurface *qemu_create_displaysurface(int width, int height)
{
    DisplaySurface *s = xzalloc(sizeof(*s));

    s->width = width;
    s->height = height;
    s->stride = width * 4;
    s->data = xzalloc((size_t)s->stride * height + 1);
    s->owns_data = true;
    return s;
}

DisplaySurface *qemu_create_displaysurface_from(int width, int height, int stride, uint8_t *data)
{
    DisplaySurface *s = xzalloc(sizeof(*s));

    *s = (DisplaySurface){width, height, stride, data, false};
    return s;
}

DisplaySurface *qemu_create_placeholder_surface(void)
{
    return qemu_create_displaysurface(PLACEHOLDER_WIDTH, PLACEHOLDER_HEIGHT);
}

void qemu_free_displaysurface(DisplaySurface *surface)
{
    if (surface && surface->owns_data) {
        free(surface->data);
    }
    free(surface);
}

void surface_row_to_rgb24(const DisplaySurface *s, int y, uint8_t *out)
{
    const uint32_t *row = surface_row(s, y);

    for (int x = 0; x < s->width; x++) {
        *out++ = row[x] >> 16;
        *out++ = row[x] >> 8;
        *out++ = row[x];
    }
}

/* ---- refresh ---- */

static void console_schedule_refresh(QemuConsole *con);

static bool console_polled(QemuConsole *con)
{
    return con->hw_ops && con->hw_ops->polled && con->hw_ops->gfx_update;
}

static void console_refresh(void *opaque)
{
    QemuConsole *con = opaque;

    if (console_polled(con)) {
        con->hw_ops->gfx_update(con->hw_opaque);
    }

    for (DisplayChangeListener *l = con->listeners; l; l = l->next) {
        if (l->ops->dpy_refresh) {
            l->ops->dpy_refresh(l);
        }
    }
    if (console_polled(con)) {
        console_schedule_refresh(con); /* keep polling while someone watches */
    }
}

static void console_schedule_refresh(QemuConsole *con)
{
    int64_t interval = 0;

    if (!con->listeners || timer_pending(con->refresh_timer)) {
        return;
    }
    for (DisplayChangeListener *l = con->listeners; l; l = l->next) {
        int64_t ms = l->update_interval_ms ? l->update_interval_ms : DISPLAY_DEFAULT_INTERVAL_MS;
        interval = interval ? MIN(interval, ms) : ms;
    }
    timer_mod_ns(con->refresh_timer, clock_get_ns(CLOCK_HOST) + interval * 1000000);
}

/* ---- consoles ---- */

static QemuConsole *console_new(DeviceState *dev, uint32_t head)
{
    QemuConsole *con = xzalloc(sizeof(*con));

    con->dev = dev;
    con->head = head;
    con->surface = qemu_create_placeholder_surface();
    con->refresh_timer = timer_new_ns(CLOCK_HOST, console_refresh, con);
    return con;
}

QemuConsole *graphic_console_init(DeviceState *dev, uint32_t head, const GraphicHwOps *ops,
                                  void *opaque)
{
    QemuConsole *con = console_new(dev, head), **p = &consoles;

    con->index = next_console_index++;
    con->hw_ops = ops;
    con->hw_opaque = opaque;
    while (*p) {
        p = &(*p)->next;
    }
    *p = con;
    return con;
}

static QemuConsole *get_blank_console(void)
{
    if (!blank_console) {
        blank_console = console_new(NULL, 0);
    }
    return blank_console;
}

void graphic_console_close(QemuConsole *con)
{
    QemuConsole **p = &consoles;

    while (*p && *p != con) {
        p = &(*p)->next;
    }
    if (*p) {
        *p = con->next;
    }
    while (con->listeners) {
        DisplayChangeListener *l = con->listeners;
        unregister_displaychangelistener(l);
        register_displaychangelistener(l, get_blank_console());
    }
    timer_free(con->refresh_timer);
    qemu_free_displaysurface(con->surface);
    free(con);
}

void dpy_gfx_replace_surface(QemuConsole *con, DisplaySurface *surface)
{
    DisplaySurface *old = con->surface;

    con->surface = surface ? surface : qemu_create_placeholder_surface();
    for (DisplayChangeListener *l = con->listeners; l; l = l->next) {
        l->ops->dpy_gfx_switch(l, con->surface);
    }
    qemu_free_displaysurface(old);
    console_schedule_refresh(con);
}

void dpy_gfx_update(QemuConsole *con, int x, int y, int w, int h)
{
    int x1 = MIN((int64_t)x + w, con->surface->width);
    int y1 = MIN((int64_t)y + h, con->surface->height);

    x = MAX(x, 0);
    y = MAX(y, 0);
    if (x >= x1 || y >= y1) {
        return;
    }
    for (DisplayChangeListener *l = con->listeners; l; l = l->next) {
        l->ops->dpy_gfx_update(l, x, y, x1 - x, y1 - y);
    }
    console_schedule_refresh(con);
}

void dpy_gfx_update_full(QemuConsole *con)
{
    dpy_gfx_update(con, 0, 0, con->surface->width, con->surface->height);
}

void dpy_cursor_define(QemuConsole *con, const QEMUCursor *cursor)
{
    for (DisplayChangeListener *l = con->listeners; l; l = l->next) {
        if (l->ops->dpy_cursor_define) {
            l->ops->dpy_cursor_define(l, cursor);
        }
    }
}

void dpy_mouse_set(QemuConsole *con, int x, int y, bool visible)
{
    for (DisplayChangeListener *l = con->listeners; l; l = l->next) {
        if (l->ops->dpy_mouse_set) {
            l->ops->dpy_mouse_set(l, x, y, visible);
        }
    }
}

DisplaySurface *qemu_console_surface(QemuConsole *con)
{
    return con->surface;
}

int qemu_console_get_width(QemuConsole *con)
{
    return con->surface->width;
}

int qemu_console_get_height(QemuConsole *con)
{
    return con->surface->height;
}

unsigned qemu_console_get_index(QemuConsole *con)
{
    return con->index;
}

DeviceState *qemu_console_get_device(QemuConsole *con)
{
    return con->dev;
}

uint32_t qemu_console_get_head(QemuConsole *con)
{
    return con->head;
}

QemuConsole *qemu_console_lookup_by_index(unsigned index)
{
    for (QemuConsole *c = consoles; c; c = c->next) {
        if (c->index == index) {
            return c;
        }
    }
    return NULL;
}

QemuConsole *qemu_console_lookup_by_device(DeviceState *dev, uint32_t head)
{
    for (QemuConsole *c = consoles; c; c = c->next) {
        for (Object *o = OBJECT(c->dev); o && c->head == head; o = o->parent) {
            if (o == OBJECT(dev)) {
                return c;
            }
        }
    }
    return NULL;
}

void graphic_hw_update(QemuConsole *con)
{
    if (con->hw_ops && con->hw_ops->gfx_update) {
        con->hw_ops->gfx_update(con->hw_opaque);
    }
}

/* ---- listeners ---- */

void register_displaychangelistener(DisplayChangeListener *dcl, QemuConsole *con)
{
    if (!con) {
        con = consoles ? consoles : get_blank_console();
    }
    dcl->con = con;
    dcl->next = con->listeners;
    con->listeners = dcl;
    dcl->ops->dpy_gfx_switch(dcl, con->surface);
    if (console_polled(con)) {
        console_schedule_refresh(con);
    }
}

void unregister_displaychangelistener(DisplayChangeListener *dcl)
{
    QemuConsole *con = dcl->con;
    DisplayChangeListener **p = con ? &con->listeners : NULL;

    while (p && *p) {
        if (*p == dcl) {
            *p = dcl->next;
            break;
        }
        p = &(*p)->next;
    }
    if (con && !con->listeners) {
        timer_del(con->refresh_timer);
    }
    dcl->con = NULL;
    dcl->next = NULL;
}

DisplaySurface *dcl_surface(DisplayChangeListener *dcl)
{
    return dcl->con->surface;
}
