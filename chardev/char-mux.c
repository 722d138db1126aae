/*
 * The mux ("mon:" specs, and the -nographic console): several frontends
 * (serial port, monitor) share one backend. Output from every frontend goes
 * to the backend; input goes to the focused frontend only, after the escape
 * key Ctrl-A is interpreted:
 *   C-a h  help          C-a x  quit           C-a c  next frontend
 *   C-a t  timestamps    C-a C-a  a literal C-a  (s and b are accepted, do nothing, and
 *   are not listed)
 * Ctrl-A c sends MUX_OUT to the frontend losing the focus and MUX_IN to the one gaining
 * it (the monitor prints its banner or prompt then).
 *
 * Each frontend has an input buffer; the mux tells the backend it can take
 * only what fits, so flow control reaches back to the host fd. The buffer is
 * large so that Ctrl-A x still gets through when a guest stops reading.
 *
 * Output goes straight to the driver, so back-pressure and the write_all queue
 * are the driver's (one order for every frontend's bytes), and a frontend's
 * writable watch is forwarded to it. With timestamps on, stamped lines are
 * queued whole (char_fe_write_all semantics) rather than back-pressured.
 */
#include "chardev-internal.h"
#include "system/runstate.h"
#include "util/timer.h"

#define MUX_MAX_FRONTENDS 4
#define MUX_BUF_SIZE 4096
#define MUX_ESCAPE 0x01 /* Ctrl-A */

/*
 * buf comes from the heap when the frontend attaches, unzeroed (len says what it holds): held
 * in the mux, the four buffers were zeroed with it and each again by its attach, five pages
 * written at start-up that input may never reach (issue 7: page faults of a tiny run).
 */
typedef struct MuxFrontend {
    CharBackend *be;
    uint8_t *buf;
    int len;
} MuxFrontend;

typedef struct MuxChardev {
    Chardev parent;
    Chardev *drv;
    CharBackend drv_be; /* the mux is the driver's one frontend */
    MuxFrontend fe[MUX_MAX_FRONTENDS];
    int n_fe;
    int focus; /* -1 until a frontend attaches */
    bool got_escape;
    bool timestamps;
    bool at_line_start;
    int64_t timestamp_base_ns;
    BH *deliver_bh;
} MuxChardev;

/* Only the keys that act today (tests/functional/test_help.py presses each one). */
static const char mux_help[] = "\r\n"
                               "C-a h    print this help\r\n"
                               "C-a x    exit emulator\r\n"
                               "C-a t    toggle console timestamps\r\n"
                               "C-a c    switch between console and monitor\r\n"
                               "C-a C-a  sends C-a\r\n";

static MuxChardev *mux_from_chr(Chardev *chr)
{
    return container_of(chr, MuxChardev, parent);
}

static void mux_drv_write(MuxChardev *d, const char *text)
{
    chr_write_all(d->drv, (const uint8_t *)text, strlen(text));
}

/* ---- output ---- */

static void mux_write_timestamp(MuxChardev *d)
{
    int64_t ms = (clock_get_ns(CLOCK_HOST) - d->timestamp_base_ns) / 1000000;
    char stamp[32];

    snprintf(stamp, sizeof(stamp), "[%02d:%02d:%02d.%03d] ", (int)(ms / 3600000),
             (int)(ms / 60000 % 60), (int)(ms / 1000 % 60), (int)(ms % 1000));
    mux_drv_write(d, stamp);
}

/* Write line by line, stamping the start of each. */
static int mux_write_stamped(MuxChardev *d, const uint8_t *buf, int len)
{
    int start = 0;

    for (int i = 0; i < len; i++) {
        if (d->at_line_start) {
            mux_write_timestamp(d);
            d->at_line_start = false;
        }
        if (buf[i] == '\n' || i == len - 1) {
            chr_write_all(d->drv, buf + start, i + 1 - start);
            d->at_line_start = buf[i] == '\n';
            start = i + 1;
        }
    }
    return len;
}

static int mux_write(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = mux_from_chr(chr);

    return d->timestamps ? mux_write_stamped(d, buf, len) : chr_write(d->drv, buf, len);
}

static int mux_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    MuxChardev *d = mux_from_chr(chr);

    return d->timestamps ? mux_write_stamped(d, buf, len) : chr_write_all(d->drv, buf, len);
}

static void mux_drv_writable(void *opaque)
{
    MuxChardev *d = opaque;

    chr_output_ready(&d->parent);
}

/* A frontend waits for room: so does the mux, on its driver. */
static void mux_watch_output(Chardev *chr, bool on)
{
    MuxChardev *d = mux_from_chr(chr);

    char_fe_watch_writable(&d->drv_be, on ? mux_drv_writable : NULL, d);
}

/* ---- input ---- */

static void mux_deliver(MuxChardev *d)
{
    MuxFrontend *fe;
    int taken = 0;

    if (d->focus < 0) {
        return;
    }
    fe = &d->fe[d->focus];
    while (taken < fe->len) {
        int n = MIN(chr_be_can_receive(fe->be), fe->len - taken);
        if (n <= 0) {
            break;
        }
        fe->be->receive(fe->be->opaque, fe->buf + taken, n);
        taken += n;
    }
    if (taken) {
        memmove(fe->buf, fe->buf + taken, fe->len - taken);
        fe->len -= taken;
        /* Room again: let the driver hand over what it holds back. */
        chr_accept_input(d->drv, &d->drv_be);
    }
}

static void mux_deliver_bh(void *opaque)
{
    mux_deliver(opaque);
}

static void mux_fe_event(MuxFrontend *fe, CharEvent event)
{
    if (fe->be->event) {
        fe->be->event(fe->be->opaque, event);
    }
}

/* Ctrl-A c: the next frontend takes the input; each hears about it (the monitor prompts). */
static void mux_switch_focus(MuxChardev *d)
{
    if (d->n_fe == 0) {
        return;
    }
    if (d->focus >= 0) {
        mux_fe_event(&d->fe[d->focus], CHR_EVENT_MUX_OUT);
    }
    d->focus = (d->focus + 1) % d->n_fe;
    mux_fe_event(&d->fe[d->focus], CHR_EVENT_MUX_IN);
    bh_schedule(d->deliver_bh);
}

/* The driver (a socket, stdio) opened or closed: every frontend hears it. */
static void mux_drv_event(void *opaque, CharEvent event)
{
    MuxChardev *d = opaque;

    if (event != CHR_EVENT_OPENED && event != CHR_EVENT_CLOSED) {
        return;
    }
    d->parent.opened = event == CHR_EVENT_OPENED;
    for (int i = 0; i < d->n_fe; i++) {
        mux_fe_event(&d->fe[i], event);
    }
}

static void mux_toggle_timestamps(MuxChardev *d)
{
    d->timestamps = !d->timestamps;
    d->timestamp_base_ns = clock_get_ns(CLOCK_HOST);
    d->at_line_start = true;
}

/* Interpret one input byte; returns true if it is data for the focused frontend. */
static bool mux_proc_byte(MuxChardev *d, uint8_t ch)
{
    if (!d->got_escape) {
        d->got_escape = ch == MUX_ESCAPE;
        return !d->got_escape;
    }
    d->got_escape = false;
    switch (ch) {
    case 'h':
    case '?':
        mux_drv_write(d, mux_help);
        break;
    case 'x':
        mux_drv_write(d, "kestrel: Terminated\r\n");
        shutdown_request(SHUTDOWN_CAUSE_HOST_UI, 0);
        break;
    case 'c':
        mux_switch_focus(d);
        break;
    case 't':
        mux_toggle_timestamps(d);
        break;
    case MUX_ESCAPE:
        return true;
    default:
        /* 's' (no -snapshot yet), 'b' (no break event yet) and unknown keys do nothing. */
        break;
    }
    return false;
}

static int mux_can_receive(void *opaque)
{
    MuxChardev *d = opaque;

    /* Before any frontend attaches, input waits in the driver. */
    return d->focus < 0 ? 0 : MUX_BUF_SIZE - d->fe[d->focus].len;
}

static void mux_receive(void *opaque, const uint8_t *buf, int size)
{
    MuxChardev *d = opaque;

    for (int i = 0; i < size; i++) {
        if (!mux_proc_byte(d, buf[i]) || d->focus < 0) {
            continue;
        }
        MuxFrontend *fe = &d->fe[d->focus];
        /* Only a focus switch in mid-buffer can overflow: the excess is lost. */
        if (fe->len < MUX_BUF_SIZE) {
            fe->buf[fe->len++] = buf[i];
        }
    }
    mux_deliver(d);
}

/* ---- frontends ---- */

static bool mux_attach(Chardev *chr, CharBackend *be, Error **errp)
{
    MuxChardev *d = mux_from_chr(chr);

    if (d->n_fe == MUX_MAX_FRONTENDS) {
        error_setg(errp, "chardev '%s': too many frontends on one mux", chr->label);
        return false;
    }
    be->tag = d->n_fe;
    d->fe[d->n_fe++] = (MuxFrontend){.be = be, .buf = xmalloc(MUX_BUF_SIZE)};
    if (d->focus < 0) {
        d->focus = be->tag;
    }
    return true;
}

/* The frontend that set its handlers last takes the focus (the serial port, as in QEMU). */
static void mux_accept_input(Chardev *chr, CharBackend *be, bool new_handlers)
{
    MuxChardev *d = mux_from_chr(chr);

    if (new_handlers) {
        d->focus = be->tag;
    }
    bh_schedule(d->deliver_bh);
}

/* A new event handler hears OPENED only: the focus it may hold from set-up is not news. */
static void mux_fe_event_handler_set(Chardev *chr, CharBackend *be)
{
    if (chr->opened) {
        be->event(be->opaque, CHR_EVENT_OPENED);
    }
}

static const ChardevOps mux_ops = {
    .write = mux_write,
    .write_all = mux_write_all,
    .watch_output = mux_watch_output,
    .attach = mux_attach,
    .accept_input = mux_accept_input,
    .fe_event_handler_set = mux_fe_event_handler_set,
};

Chardev *chardev_mux_new(const char *label, const char *inner_spec, Error **errp)
{
    char *drv_label = xasprintf("%s-base", label);
    Chardev *drv = chardev_new_backend(drv_label, inner_spec, true, errp);
    MuxChardev *d;

    free(drv_label);
    if (!drv) {
        return NULL;
    }
    d = xzalloc(sizeof(*d));
    d->drv = drv;
    d->focus = -1;
    d->at_line_start = true;
    d->deliver_bh = bh_new(mux_deliver_bh, d);
    chardev_register(&d->parent, label, &mux_ops);
    char_fe_init(&d->drv_be, drv, &error_abort); /* drv is new: it has no frontend yet */
    char_fe_set_handlers(&d->drv_be, mux_can_receive, mux_receive, d);
    d->parent.opened = false;
    char_fe_set_event_handler(&d->drv_be, mux_drv_event);
    return &d->parent;
}
