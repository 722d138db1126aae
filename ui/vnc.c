/*
 * The VNC server: an RFB 3.8 server (RFC 6143) that also serves 3.3 and 3.7
 * clients, on a listening socket served by the main loop.
 *
 * Per client: ProtocolVersion -> security (None, or "VNC Authentication"
 * with -vnc ...,password=on) -> ClientInit/ServerInit (a client that does not
 * share the desktop disconnects the others, as QEMU's share=allow-exclusive) -> messages:
 * SetPixelFormat (8/16/32 bpp true colour), SetEncodings (Raw, ZRLE,
 * DesktopSize), FramebufferUpdateRequest, KeyEvent, PointerEvent,
 * ClientCutText (ignored).
 *
 * The guest never waits for a client (see ui/console.h): the display core's
 * dpy_gfx_update only marks the clients' dirty tiles; updates are encoded
 * from the refresh deadline or when a client asks, and only while the
 * client's unsent output is under VNC_OUTPUT_HIGH_WATER. A slow client thus
 * gets fewer, later frames with the latest pixels, never a growing queue.
 *
 * The client is untrusted: a malformed message (unknown type, a pixel format
 * we cannot serve, a bad security choice, a cut text over 1 MiB) closes that
 * client only, with a line under -d guest_errors (the channel for untrusted input; the
 * client is as untrusted as the guest). Requests outside the framebuffer are clipped to it.
 */
#include <errno.h>
#include <netdb.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ui/input.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "vnc-internal.h"

#define VNC_PORT_BASE 5900
#define VNC_SERVER_NAME "Kestrel"
#define VNC_SECURITY_NONE 1
#define VNC_SECURITY_VNC_AUTH 2

/* The one display of the process (QEMU's "default"); NULL until -vnc opens it. */
static VncDisplay *vnc_display;

static void vnc_client_write_ready(void *opaque);
static void vnc_client_read(void *opaque);

/* ---- buffers ---- */

void vnc_buffer_append(VncBuffer *b, const void *data, size_t len)
{
    if (!len) {
        return; /* b->data may still be NULL */
    }
    if (b->len + len > b->cap) {
        b->cap = MAX(b->cap * 2, b->len + len + 4096);
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

static void vnc_buffer_consume(VncBuffer *b, size_t n)
{
    b->offset += n;
    if (b->offset == b->len) {
        b->offset = b->len = 0;
    } else if (b->offset > 64 * KiB && b->offset * 2 > b->len) {
        memmove(b->data, b->data + b->offset, b->len - b->offset);
        b->len -= b->offset;
        b->offset = 0;
    }
}

void vnc_write(VncState *vs, const void *data, size_t len)
{
    vnc_buffer_append(&vs->out, data, len);
}

void vnc_write_u8(VncState *vs, uint8_t v)
{
    vnc_write(vs, &v, 1);
}

void vnc_write_u16(VncState *vs, uint16_t v)
{
    uint8_t b[2] = {v >> 8, v};
    vnc_write(vs, b, 2);
}

void vnc_write_u32(VncState *vs, uint32_t v)
{
    uint8_t b[4] = {v >> 24, v >> 16, v >> 8, v};
    vnc_write(vs, b, 4);
}

static uint16_t rd16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* ---- client lifetime ---- */

void vnc_client_free(VncState *vs)
{
    VncState **p = &vs->vd->clients;

    while (*p && *p != vs) {
        p = &(*p)->next;
    }
    if (*p) {
        *p = vs->next;
    }
    vs->vd->nclients--;
    main_loop_set_fd_handler(vs->fd, NULL, NULL, NULL);
    close(vs->fd);
    vnc_encoder_free(vs);
    free(vs->in.data);
    free(vs->out.data);
    free(vs);
}

/* Send what is queued without blocking; the rest waits for POLLOUT. False if the peer is gone. */
static bool vnc_flush(VncState *vs)
{
    while (vs->out.offset < vs->out.len) {
        ssize_t n = write(vs->fd, vs->out.data + vs->out.offset, vs->out.len - vs->out.offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            main_loop_set_fd_handler(vs->fd, vnc_client_read, vnc_client_write_ready, vs);
            return true;
        }
        if (n <= 0) {
            return false;
        }
        vnc_buffer_consume(&vs->out, n);
    }
    main_loop_set_fd_handler(vs->fd, vnc_client_read, NULL, vs);
    return true;
}

/* Encode an update if one is due, then send. False (vs freed) when the peer is gone. */
static bool vnc_update_client(VncState *vs)
{
    if (vs->phase == VNC_PHASE_NORMAL) {
        vnc_send_update(vs, dcl_surface(&vs->vd->dcl));
    }
    if (!vnc_flush(vs)) {
        vnc_client_free(vs);
        return false;
    }
    return true;
}

static void vnc_client_write_ready(void *opaque)
{
    vnc_update_client(opaque);
}

/* ---- handshake ---- */

static int vnc_security_type(VncDisplay *vd)
{
    return vd->password_auth ? VNC_SECURITY_VNC_AUTH : VNC_SECURITY_NONE;
}

static void vnc_start_auth(VncState *vs)
{
    /* From the host's pool, not the guest's (-seed makes that one predictable). */
    if (getrandom(vs->challenge, sizeof(vs->challenge), 0) != sizeof(vs->challenge)) {
        memset(vs->challenge, 0x5a, sizeof(vs->challenge)); /* never: 16 bytes do not block */
    }
    vnc_write(vs, vs->challenge, sizeof(vs->challenge));
    vs->phase = VNC_PHASE_AUTH;
}

/* "RFB 003.008\n": 3.8 and later speak 3.8, 3.7 is 3.7, other 3.x are 3.3 (RFC 6143 7.1.1). */
static ssize_t vnc_handle_version(VncState *vs, const uint8_t *p, size_t avail)
{
    unsigned major, minor;
    char text[13];

    if (avail < 12) {
        return 0;
    }
    memcpy(text, p, 12);
    text[12] = 0;
    if (sscanf(text, "RFB %03u.%03u\n", &major, &minor) != 2 || major != 3) {
        log_mask(LOG_GUEST_ERROR, "vnc: %s: bad protocol version\n", vs->peer.host);
        return -1;
    }
    vs->minor = minor >= 8 ? 8 : minor == 7 ? 7 : 3;
    if (vs->minor == 3) {
        /* 3.3: the server decides, and None goes straight to ClientInit. */
        vnc_write_u32(vs, vnc_security_type(vs->vd));
        if (vs->vd->password_auth) {
            vnc_start_auth(vs);
        } else {
            vs->phase = VNC_PHASE_INIT;
        }
    } else {
        vnc_write_u8(vs, 1);
        vnc_write_u8(vs, vnc_security_type(vs->vd));
        vs->phase = VNC_PHASE_SECURITY;
    }
    return 12;
}

/* SecurityResult: 0 = OK; a failure carries a reason in 3.8 and ends the connection. */
static ssize_t vnc_security_result(VncState *vs, bool ok, const char *reason)
{
    vnc_write_u32(vs, ok ? 0 : 1);
    if (!ok && vs->minor == 8) {
        vnc_write_u32(vs, strlen(reason));
        vnc_write(vs, reason, strlen(reason));
    }
    if (!ok) {
        vnc_flush(vs);
        return -1;
    }
    vs->phase = VNC_PHASE_INIT;
    return 0;
}

static ssize_t vnc_handle_security(VncState *vs, const uint8_t *p, size_t avail)
{
    if (avail < 1) {
        return 0;
    }
    if (p[0] != vnc_security_type(vs->vd)) {
        log_mask(LOG_GUEST_ERROR, "vnc: %s: security type %u was not offered\n", vs->peer.host,
                 p[0]);
        return vnc_security_result(vs, false, "Authentication failed");
    }
    if (p[0] == VNC_SECURITY_VNC_AUTH) {
        vnc_start_auth(vs);
        return 1;
    }
    /* None: 3.8 sends SecurityResult, 3.7 goes on to ClientInit. */
    if (vs->minor == 8) {
        vnc_security_result(vs, true, NULL);
    }
    vs->phase = VNC_PHASE_INIT;
    return 1;
}

static ssize_t vnc_handle_auth(VncState *vs, const uint8_t *p, size_t avail)
{
    uint8_t expect[16];
    bool ok;

    if (avail < 16) {
        return 0;
    }
    ok = vs->vd->password != NULL;
    if (ok) {
        vnc_auth_response(vs->vd->password, vs->challenge, expect);
        ok = !memcmp(expect, p, 16);
    }
    return vnc_security_result(vs, ok, "Authentication failed") < 0 ? -1 : 16;
}

/* ServerInit: size, our pixel format (32 bpp little-endian xRGB), the name. */
static ssize_t vnc_handle_client_init(VncState *vs, const uint8_t *p, size_t avail)
{
    static const uint8_t native_pf[16] = {32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0};
    DisplaySurface *s = dcl_surface(&vs->vd->dcl);

    if (avail < 1) {
        return 0;
    }
    /* Not shared: the others go (QEMU's default, share=allow-exclusive). */
    while (!p[0] && (vs->vd->clients != vs || vs->next)) {
        vnc_client_free(vs->vd->clients != vs ? vs->vd->clients : vs->next);
    }
    vnc_pixel_format_parse(native_pf, &vs->pf);
    vs->fb_width = s->width;
    vs->fb_height = s->height;
    vnc_reset_dirty(vs, s);
    vnc_write_u16(vs, s->width);
    vnc_write_u16(vs, s->height);
    vnc_write(vs, native_pf, sizeof(native_pf));
    vnc_write_u32(vs, strlen(VNC_SERVER_NAME));
    vnc_write(vs, VNC_SERVER_NAME, strlen(VNC_SERVER_NAME));
    vs->phase = VNC_PHASE_NORMAL;
    return 1;
}

/* ---- client messages (RFC 6143 7.5) ---- */

static void vnc_set_encodings(VncState *vs, const uint8_t *p, unsigned n)
{
    vs->has_zrle = vs->has_desktop_size = false;
    for (unsigned i = 0; i < n; i++) {
        int32_t enc = (int32_t)rd32(p + 4 * i);
        vs->has_zrle |= enc == VNC_ENCODING_ZRLE;
        vs->has_desktop_size |= enc == VNC_ENCODING_DESKTOPSIZE;
    }
}

static void vnc_update_request(VncState *vs, const uint8_t *p)
{
    DisplaySurface *s = dcl_surface(&vs->vd->dcl);
    int x = rd16(p + 2), y = rd16(p + 4), w = rd16(p + 6), h = rd16(p + 8);

    if (!p[1]) {
        /* Not incremental: the area is sent whole, clipped to the framebuffer. */
        w = MIN(x + w, s->width) - x;
        h = MIN(y + h, s->height) - y;
        if (w > 0 && h > 0) {
            vnc_mark_dirty(vs, x, y, w, h);
        }
    }
    vs->update_requested = true;
}

static void vnc_key_event(VncState *vs, const uint8_t *p)
{
    int code = input_key_from_keysym(rd32(p + 4));

    if (code > 0) {
        input_event_send_key(code, p[1] != 0);
        input_event_sync();
    }
}

static void vnc_pointer_event(VncState *vs, const uint8_t *p)
{
    static const InputButton buttons[] = {INPUT_BUTTON_LEFT, INPUT_BUTTON_MIDDLE,
                                          INPUT_BUTTON_RIGHT, INPUT_BUTTON_WHEEL_UP,
                                          INPUT_BUTTON_WHEEL_DOWN};
    DisplaySurface *s = dcl_surface(&vs->vd->dcl);
    uint8_t mask = p[1], changed = mask ^ vs->buttons;
    int x = rd16(p + 2), y = rd16(p + 4);

    /* The move first, so a click lands where the pointer now is. */
    if (input_has_handler(INPUT_EVENT_KIND_ABS)) {
        input_queue_abs(INPUT_AXIS_X, MIN(x, s->width - 1), s->width);
        input_queue_abs(INPUT_AXIS_Y, MIN(y, s->height - 1), s->height);
    } else if (x != vs->last_x || y != vs->last_y) {
        input_queue_rel(INPUT_AXIS_X, x - vs->last_x);
        input_queue_rel(INPUT_AXIS_Y, y - vs->last_y);
    }
    for (size_t i = 0; i < ARRAY_SIZE(buttons); i++) {
        if (changed & (1u << i)) {
            input_queue_btn(buttons[i], mask & (1u << i));
        }
    }
    vs->buttons = mask;
    vs->last_x = x;
    vs->last_y = y;
    input_event_sync();
}

/* One message: bytes used, 0 if incomplete, -1 to close the client. */
static ssize_t vnc_handle_message(VncState *vs, const uint8_t *p, size_t avail)
{
    static const uint8_t fixed_len[] = {20, 0, 4, 10, 8, 6, 8};
    size_t need;

    if (p[0] >= ARRAY_SIZE(fixed_len) || p[0] == 1) {
        log_mask(LOG_GUEST_ERROR, "vnc: %s: unknown message type %u\n", vs->peer.host, p[0]);
        return -1;
    }
    need = fixed_len[p[0]];
    if (avail >= need && p[0] == 2) {
        need += 4 * (size_t)rd16(p + 2);
    } else if (avail >= need && p[0] == 6) {
        if (rd32(p + 4) > VNC_MAX_MESSAGE) {
            log_mask(LOG_GUEST_ERROR, "vnc: %s: cut text of %u bytes\n", vs->peer.host,
                     rd32(p + 4));
            return -1;
        }
        need += rd32(p + 4);
    }
    if (avail < need) {
        return 0;
    }
    switch (p[0]) {
    case 0:
        if (!vnc_pixel_format_parse(p + 4, &vs->pf)) {
            log_mask(LOG_GUEST_ERROR, "vnc: %s: unsupported pixel format\n", vs->peer.host);
            return -1;
        }
        vnc_mark_dirty(vs, 0, 0, vs->tiles_w * VNC_TILE, vs->tiles_h * VNC_TILE);
        break;
    case 2:
        vnc_set_encodings(vs, p + 4, rd16(p + 2));
        break;
    case 3:
        vnc_update_request(vs, p);
        break;
    case 4:
        vnc_key_event(vs, p);
        break;
    case 5:
        vnc_pointer_event(vs, p);
        break;
    }
    return need;
}

static ssize_t vnc_process(VncState *vs, const uint8_t *p, size_t avail)
{
    switch (vs->phase) {
    case VNC_PHASE_VERSION:
        return vnc_handle_version(vs, p, avail);
    case VNC_PHASE_SECURITY:
        return vnc_handle_security(vs, p, avail);
    case VNC_PHASE_AUTH:
        return vnc_handle_auth(vs, p, avail);
    case VNC_PHASE_INIT:
        return vnc_handle_client_init(vs, p, avail);
    default:
        return vnc_handle_message(vs, p, avail);
    }
}

bool vnc_client_input(VncState *vs, const uint8_t *data, size_t len)
{
    vnc_buffer_append(&vs->in, data, len);
    while (vs->in.offset < vs->in.len) {
        ssize_t used = vnc_process(vs, vs->in.data + vs->in.offset, vs->in.len - vs->in.offset);
        if (used < 0) {
            vnc_client_free(vs);
            return false;
        }
        if (used == 0) {
            break;
        }
        vnc_buffer_consume(&vs->in, used);
    }
    return vnc_update_client(vs);
}

static void vnc_client_read(void *opaque)
{
    VncState *vs = opaque;
    uint8_t buf[64 * 1024];
    ssize_t n = read(vs->fd, buf, sizeof(buf));

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        vnc_client_free(vs);
        return;
    }
    vnc_client_input(vs, buf, n);
}

/* ---- the listening socket ---- */

static void vnc_peer_info(int fd, bool peer, VncPeerInfo *info)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int r = peer ? getpeername(fd, (struct sockaddr *)&ss, &len)
                 : getsockname(fd, (struct sockaddr *)&ss, &len);

    memset(info, 0, sizeof(*info));
    info->family = "unix";
    if (r == 0 && ss.ss_family == AF_UNIX) {
        snprintf(info->service, sizeof(info->service), "%s", ((struct sockaddr_un *)&ss)->sun_path);
    } else if (r == 0) {
        info->family = ss.ss_family == AF_INET6 ? "ipv6" : "ipv4";
        getnameinfo((struct sockaddr *)&ss, len, info->host, sizeof(info->host), info->service,
                    sizeof(info->service), NI_NUMERICHOST | NI_NUMERICSERV);
    }
}

VncState *vnc_client_attach(VncDisplay *vd, int fd)
{
    VncState *vs = xzalloc(sizeof(*vs));

    vs->vd = vd;
    vs->fd = fd;
    vnc_peer_info(fd, true, &vs->peer);
    vs->next = vd->clients;
    vd->clients = vs;
    vd->nclients++;
    vnc_write(vs, "RFB 003.008\n", 12);
    return vnc_update_client(vs) ? vs : NULL;
}

static void vnc_accept(void *opaque)
{
    VncDisplay *vd = opaque;
    int fd = accept4(vd->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (fd < 0) {
        return;
    }
    if (vd->nclients >= VNC_MAX_CLIENTS) {
        close(fd);
        return;
    }
    vnc_client_attach(vd, fd);
}

/* ---- display change listener ---- */

static void vnc_dpy_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);

    for (VncState *vs = vd->clients; vs; vs = vs->next) {
        if (vs->phase == VNC_PHASE_NORMAL) {
            vnc_mark_dirty(vs, x, y, w, h);
        }
    }
}

static void vnc_dpy_switch(DisplayChangeListener *dcl, DisplaySurface *surface)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);

    for (VncState *vs = vd->clients; vs; vs = vs->next) {
        if (vs->phase != VNC_PHASE_NORMAL) {
            continue;
        }
        if (vs->has_desktop_size &&
            (surface->width != vs->fb_width || surface->height != vs->fb_height)) {
            vs->size_changed = true;
        }
        vnc_reset_dirty(vs, surface);
    }
}

static void vnc_dpy_refresh(DisplayChangeListener *dcl)
{
    VncDisplay *vd = container_of(dcl, VncDisplay, dcl);
    VncState *next;

    for (VncState *vs = vd->clients; vs; vs = next) {
        next = vs->next; /* vs may be freed */
        vnc_update_client(vs);
    }
}

const DisplayChangeListenerOps vnc_dcl_ops = {
    .dpy_name = "vnc",
    .dpy_refresh = vnc_dpy_refresh,
    .dpy_gfx_update = vnc_dpy_update,
    .dpy_gfx_switch = vnc_dpy_switch,
};

/* ---- opening ---- */

static int vnc_listen_unix(const char *path, Error **errp)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        error_setg(errp, "UNIX socket path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg(errp, "Failed to bind socket to %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int vnc_listen_tcp(const char *host, unsigned display, Error **errp)
{
    struct addrinfo hints = {
        .ai_family = AF_INET, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res;
    char port[16];
    int fd = -1, one = 1, err;

    snprintf(port, sizeof(port), "%u", VNC_PORT_BASE + display);
    err = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (err) {
        error_setg(errp, "address resolution failed for %s:%s: %s", host, port, gai_strerror(err));
        return -1;
    }
    fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC, res->ai_protocol);
    if (fd >= 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    }
    if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
        error_setg(errp, "Failed to bind socket: %s", strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* "[host]:N" or "unix:PATH" -> a listening socket. */
static int vnc_listen(const char *addr, Error **errp)
{
    const char *colon = strrchr(addr, ':');
    char *host, *end;
    unsigned long display;
    int fd;

    if (!strncmp(addr, "unix:", 5)) {
        return vnc_listen_unix(addr + 5, errp);
    }
    display = colon ? strtoul(colon + 1, &end, 10) : 0;
    if (!colon || !colon[1] || *end || display > 65535 - VNC_PORT_BASE) {
        error_setg(errp, "address '%s' is not [host]:DISPLAY or unix:PATH", addr);
        return -1;
    }
    host = strndup(addr, colon - addr);
    fd = vnc_listen_tcp(host, display, errp);
    free(host);
    return fd;
}

/* The options after the address: password[=on|off], share=... (accepted). */
static bool vnc_parse_options(VncDisplay *vd, char *opts, Error **errp)
{
    for (char *o = strtok(opts, ","); o; o = strtok(NULL, ",")) {
        if (!strcmp(o, "password") || !strcmp(o, "password=on")) {
            vd->password_auth = true;
        } else if (!strcmp(o, "password=off") || !strncmp(o, "share=", 6)) {
            continue;
        } else {
            error_setg(errp, "Invalid parameter '%.*s'", (int)strcspn(o, "="), o);
            return false;
        }
    }
    return true;
}

bool vnc_display_open(const char *spec, Error **errp)
{
    size_t addr_len = strcspn(spec, ",");
    char *addr = strndup(spec, addr_len), *opts = xstrdup(spec + addr_len);
    VncDisplay *vd = xzalloc(sizeof(*vd));
    bool ok = false;

    if (!strcmp(addr, "none")) {
        ok = true;
        goto out;
    }
    if (vnc_display) {
        error_setg(errp, "only one VNC display is supported");
        goto out;
    }
    if (!vnc_parse_options(vd, opts, errp) || (vd->listen_fd = vnc_listen(addr, errp)) < 0) {
        goto out;
    }
    if (listen(vd->listen_fd, 4) < 0) {
        error_setg(errp, "Failed to listen on socket: %s", strerror(errno));
        close(vd->listen_fd);
        goto out;
    }
    vnc_peer_info(vd->listen_fd, false, &vd->server);
    vd->dcl.ops = &vnc_dcl_ops;
    register_displaychangelistener(&vd->dcl, NULL);
    main_loop_set_fd_handler(vd->listen_fd, vnc_accept, NULL, vd);
    vnc_display = vd;
    vd = NULL;
    ok = true;
out:
    free(vd);
    free(addr);
    free(opts);
    return ok;
}

/* ---- monitor ---- */

void vnc_query_info(VncInfo *info)
{
    memset(info, 0, sizeof(*info));
    if (!vnc_display) {
        return;
    }
    info->enabled = true;
    info->server = vnc_display->server;
    info->auth = vnc_display->password_auth ? "vnc" : "none";
    for (VncState *vs = vnc_display->clients; vs && info->nclients < VNC_MAX_CLIENTS;
         vs = vs->next) {
        info->clients[info->nclients++] = vs->peer;
    }
}

bool vnc_password_auth_enabled(void)
{
    return vnc_display && vnc_display->password_auth;
}

bool vnc_set_password(const char *password, Error **errp)
{
    if (!vnc_password_auth_enabled()) {
        error_setg(errp, "Could not set password");
        return false;
    }
    free(vnc_display->password);
    vnc_display->password = xstrdup(password);
    return true;
}
