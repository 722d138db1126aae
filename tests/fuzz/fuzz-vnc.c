/*
 * Fuzzer: the VNC server's client side (ui/vnc.c, ui/vnc-enc.c), the input being what a VNC
 * client sends, in pieces, with screen changes in between so updates get encoded in whatever
 * pixel format and encodings the input asked for.
 *
 * Input (missing bytes are zero):
 *   u8  flags: bit 0 password authentication (password "pw"), bit 1 a 3.3 greeting is
 *       prepended, bit 2 a 3.8 greeting and security None are prepended (so the fuzzer starts
 *       past the handshake)
 *   then chunks: u8 length, that many client bytes, u8 screen action (0 none, 1 dirty a
 *   rectangle, 2 switch to a surface of another size, 3 a refresh), u8 x4 rectangle/size
 *
 * Checked: no crash, leak or sanitizer report; the client's dirty map always matches the
 * surface; the encoder never leaves more than the high water mark plus one update unsent.
 */
#include <fcntl.h>
#include <sys/socket.h>

#include "../../ui/vnc-internal.h"
#include "fuzz-common.h"
#include "util/main-loop.h"

static QemuConsole *con;
static int drain_fd = -1;

static void setup_once(void)
{
    FUZZ_CHECK(main_loop_init(NULL), "main loop");
    con = graphic_console_init(NULL, 0, NULL, NULL);
}

static void new_surface(uint8_t w, uint8_t h, uint8_t seed)
{
    DisplaySurface *s = qemu_create_displaysurface(1 + w % 200, 1 + h % 120);

    for (int y = 0; y < s->height; y++) {
        uint32_t *row = (uint32_t *)(s->data + (size_t)y * s->stride);
        for (int x = 0; x < s->width; x++) {
            row[x] = (uint32_t)((x / (1 + seed % 7)) ^ (y * seed)) * 0x010305;
        }
    }
    dpy_gfx_replace_surface(con, s);
}

static void drain(void)
{
    char buf[65536];

    while (read(drain_fd, buf, sizeof(buf)) > 0) {
    }
}

static bool screen_action(VncDisplay *vd, FuzzIn *in)
{
    uint8_t action = fuzz_u8(in), a = fuzz_u8(in), b = fuzz_u8(in), c = fuzz_u8(in),
            d = fuzz_u8(in);

    switch (action % 4) {
    case 1:
        dpy_gfx_update(con, a - 16, b - 16, c, d);
        break;
    case 2:
        new_surface(a, b, c);
        break;
    case 3:
        vnc_dcl_ops.dpy_refresh(&vd->dcl);
        break;
    }
    drain();
    return vd->clients != NULL;
}

static void check_client(VncState *vs)
{
    DisplaySurface *s = qemu_console_surface(con);

    if (vs->phase == VNC_PHASE_NORMAL) {
        FUZZ_CHECK(vs->tiles_w == (s->width + VNC_TILE - 1) / VNC_TILE &&
                       vs->tiles_h == (s->height + VNC_TILE - 1) / VNC_TILE,
                   "dirty map %dx%d for a %dx%d surface", vs->tiles_w, vs->tiles_h, s->width,
                   s->height);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    VncDisplay vd = {0};
    FuzzIn in = {data, size};
    uint8_t flags = fuzz_u8(&in);
    int sv[2];
    VncState *vs;

    if (!ready) {
        setup_once();
        ready = true;
    }
    new_surface(63, 40, 3);
    vd.dcl.ops = &vnc_dcl_ops;
    vd.password_auth = flags & 1;
    vd.password = vd.password_auth ? xstrdup("pw") : NULL;
    register_displaychangelistener(&vd.dcl, con);
    FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) == 0, "socketpair");
    drain_fd = sv[1];
    vs = vnc_client_attach(&vd, sv[0]);
    if (vs && (flags & 2)) {
        vs = vnc_client_input(vs, (const uint8_t *)"RFB 003.003\n", 12) ? vs : NULL;
    } else if (vs && (flags & 4) && !vd.password_auth) {
        vs = vnc_client_input(vs, (const uint8_t *)"RFB 003.008\n\x01\x01", 14) ? vs : NULL;
    }
    while (vs && in.left) {
        uint8_t n = fuzz_u8(&in);
        size_t take = MIN(n, in.left);

        if (!vnc_client_input(vs, in.p, take)) {
            vs = NULL;
            break;
        }
        in.p += take;
        in.left -= take;
        check_client(vs);
        if (!screen_action(&vd, &in)) {
            vs = NULL;
            break;
        }
        FUZZ_CHECK(vs->out.len - vs->out.offset <= VNC_OUTPUT_HIGH_WATER + MiB,
                   "%zu bytes unsent", vs->out.len - vs->out.offset);
    }
    if (vs) {
        vnc_client_free(vs);
    }
    close(sv[1]);
    unregister_displaychangelistener(&vd.dcl);
    free(vd.password);
    return 0;
}
