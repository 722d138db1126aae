/*
 * Character device core: the registry of backends by id, spec parsing
 * ("mon:stdio", "tcp::4444,server=on,wait=off"), the frontend API used by
 * UARTs and the monitor, and the generic fd input path with flow control
 * (see chardev-internal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include "chardev-internal.h"

static Chardev *chardevs;

Chardev *chardev_find(const char *id)
{
    for (Chardev *chr = chardevs; chr; chr = chr->next) {
        if (!strcmp(chr->label, id)) {
            return chr;
        }
    }
    return NULL;
}

/* ---- generic input path ---- */

int chr_be_can_receive(CharBackend *be)
{
    if (!be || !be->receive) {
        return 0;
    }
    return be->can_receive ? be->can_receive(be->opaque) : INT_MAX;
}

static void chr_fd_readable(void *opaque);

/* Watch the fd only while the read buffer is empty: pending bytes wait for the frontend. */
static void chr_update_watch(Chardev *chr)
{
    bool want = chr->in_fd >= 0 && chr->in_pos == chr->in_len;

    if (want != chr->in_watched) {
        main_loop_set_fd_handler(chr->in_fd, want ? chr_fd_readable : NULL, NULL, chr);
        chr->in_watched = want;
    }
}

static void chr_deliver_input(Chardev *chr)
{
    while (chr->in_pos < chr->in_len) {
        int avail = chr_be_can_receive(chr->be);
        int n = MIN(avail, chr->in_len - chr->in_pos);
        if (n <= 0) {
            break;
        }
        chr->be->receive(chr->be->opaque, chr->in_buf + chr->in_pos, n);
        chr->in_pos += n;
    }
    if (chr->in_pos == chr->in_len) {
        chr->in_pos = chr->in_len = 0;
    }
    chr_update_watch(chr);
}

static void chr_fd_readable(void *opaque)
{
    Chardev *chr = opaque;
    ssize_t n = read(chr->in_fd, chr->in_buf, sizeof(chr->in_buf));

    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        if (chr->ops->input_closed) {
            chr->ops->input_closed(chr);
        } else {
            chr_input_stop(chr);
        }
        return;
    }
    chr->in_pos = 0;
    chr->in_len = n;
    chr_deliver_input(chr);
}

void chr_input_start(Chardev *chr, int fd)
{
    chr_input_stop(chr);
    chr->in_fd = fd;
    chr_update_watch(chr);
}

void chr_input_stop(Chardev *chr)
{
    if (chr->in_watched) {
        main_loop_set_fd_handler(chr->in_fd, NULL, NULL, NULL);
        chr->in_watched = false;
    }
    chr->in_fd = -1;
    chr->in_pos = chr->in_len = 0;
}

static void chr_input_bh(void *opaque)
{
    chr_deliver_input(opaque);
}

void chr_accept_input(Chardev *chr, CharBackend *be)
{
    if (chr->ops->accept_input) {
        chr->ops->accept_input(chr, be, false);
    } else {
        bh_schedule(chr->input_bh);
    }
}

void chardev_register(Chardev *chr, const char *label, const ChardevOps *ops)
{
    Chardev **link = &chardevs;

    chr->label = xstrdup(label);
    chr->ops = ops;
    chr->opened = true; /* socket backends clear it until a client connects */
    chr->in_fd = -1;
    /* Delivery is deferred to a BH so a frontend is never re-entered from its own MMIO handler. */
    chr->input_bh = bh_new(chr_input_bh, chr);
    while (*link) {
        link = &(*link)->next;
    }
    *link = chr;
}

/* ---- output helpers ---- */

int chr_fd_write_all(int fd, const uint8_t *buf, int len, int timeout_ms)
{
    int done = 0;

    while (done < len) {
        ssize_t n = write(fd, buf + done, len - done);
        if (n > 0) {
            done += n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            if (poll(&pfd, 1, timeout_ms) <= 0) {
                break; /* the reader is stuck: drop the rest rather than hang the guest */
            }
        } else {
            return done ? done : -1;
        }
    }
    return done;
}

bool chr_set_nonblock(int fd, Error **errp)
{
    int flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "cannot make fd %d non-blocking", fd);
        return false;
    }
    return true;
}

/* ---- spec parsing ---- */

static bool chr_parse_bool(const char *key, const char *val, bool *out, Error **errp)
{
    if (!val || !strcmp(val, "on") || !strcmp(val, "yes") || !strcmp(val, "true")) {
        *out = true;
    } else if (!strcmp(val, "off") || !strcmp(val, "no") || !strcmp(val, "false")) {
        *out = false;
    } else {
        error_setg(errp, "chardev option '%s' expects on or off, not '%s'", key, val);
        return false;
    }
    return true;
}

static bool chr_parse_one_opt(char *item, ChardevOpts *opts, Error **errp)
{
    char *val = strchr(item, '=');

    if (val) {
        *val++ = '\0';
    }
    if (!strcmp(item, "server")) {
        return chr_parse_bool(item, val, &opts->server, errp);
    } else if (!strcmp(item, "wait")) {
        return chr_parse_bool(item, val, &opts->wait, errp);
    } else if (!strcmp(item, "nowait") && !val) {
        opts->wait = false;
        return true;
    } else if (!strcmp(item, "signal")) {
        return chr_parse_bool(item, val, &opts->signal, errp);
    }
    error_setg(errp, "unknown chardev option '%s'", item);
    return false;
}

/* Parse "k=v,k2" into opts; opts already holds the defaults. */
static bool chr_parse_opts(const char *text, ChardevOpts *opts, Error **errp)
{
    char *copy = xstrdup(text);
    char *save = NULL;
    bool ok = true;

    for (char *item = strtok_r(copy, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
        ok = chr_parse_one_opt(item, opts, errp);
    }
    free(copy);
    return ok;
}

typedef struct ChardevBackendEntry {
    const char *name;
    bool takes_arg;
    ChardevOpenFunc *open;
} ChardevBackendEntry;

static const ChardevBackendEntry chardev_backends[] = {
    {"stdio", false, chardev_stdio_open}, {"null", false, chardev_null_open},
    {"none", false, chardev_null_open},   {"pty", false, chardev_pty_open},
    {"file", true, chardev_file_open},    {"tcp", true, chardev_tcp_open},
    {"unix", true, chardev_unix_open},
};

static const ChardevBackendEntry *chardev_lookup_backend(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(chardev_backends); i++) {
        if (!strcmp(chardev_backends[i].name, name)) {
            return &chardev_backends[i];
        }
    }
    return NULL;
}

Chardev *chardev_new_backend(const char *label, const char *spec, bool muxed, Error **errp)
{
    ChardevOpts opts = {.server = false, .wait = true, .signal = !muxed};
    size_t name_len = strcspn(spec, ":,");
    char *name = strndup(spec, name_len);
    char *arg = spec[name_len] == ':' ? xstrdup(spec + name_len + 1) : NULL;
    const char *opt_text = spec[name_len] == ',' ? spec + name_len + 1 : NULL;
    const ChardevBackendEntry *entry = chardev_lookup_backend(name);
    Chardev *chr = NULL;

    if (!entry) {
        error_setg(errp, "unknown chardev backend '%s' in '%s'", name, spec);
        goto out;
    }
    /* A file name may contain commas; other arguments end at the first one. */
    if (arg && strcmp(name, "file") != 0 && strchr(arg, ',')) {
        char *comma = strchr(arg, ',');
        *comma = '\0';
        opt_text = comma + 1;
    }
    if (opt_text && !chr_parse_opts(opt_text, &opts, errp)) {
        goto out;
    }
    if (entry->takes_arg != (arg != NULL)) {
        error_setg(errp, "chardev '%s': backend '%s' %s", spec, name,
                   entry->takes_arg ? "needs an argument after ':'" : "takes no argument");
        goto out;
    }
    chr = entry->open(label, arg, &opts, errp);
    if (chr && !chr->filename) {
        chr->filename = xstrdup(spec);
    }
out:
    free(name);
    free(arg);
    return chr;
}

Chardev *chardev_new_from_spec(const char *id, const char *spec, Error **errp)
{
    if (chardev_find(id)) {
        error_setg(errp, "chardev '%s' already exists", id);
        return NULL;
    }
    if (!strncmp(spec, "mon:", 4)) {
        Chardev *chr = chardev_mux_new(id, spec + 4, errp);
        if (chr) {
            chr->filename = xstrdup(spec);
        }
        return chr;
    }
    return chardev_new_backend(id, spec, false, errp);
}

void chr_be_event(Chardev *chr, CharEvent event)
{
    if (event == CHR_EVENT_OPENED || event == CHR_EVENT_CLOSED) {
        chr->opened = event == CHR_EVENT_OPENED;
    }
    if (chr->be && chr->be->event) {
        chr->be->event(chr->be->opaque, event);
    }
}

void chardev_foreach(ChardevInfoFunc *fn, void *opaque)
{
    for (Chardev *chr = chardevs; chr; chr = chr->next) {
        bool fe_open = chr->be != NULL || chr->ops->attach != NULL;
        fn(chr->label, chr->filename ? chr->filename : chr->label, fe_open, opaque);
    }
}

/* ---- frontend API ---- */

bool char_fe_init(CharBackend *be, Chardev *chr, Error **errp)
{
    *be = (CharBackend){.chr = chr};
    if (!chr) {
        return true;
    }
    if (chr->ops->attach) {
        if (!chr->ops->attach(chr, be, errp)) {
            be->chr = NULL;
            return false;
        }
        return true;
    }
    if (chr->be) {
        error_setg(errp, "chardev '%s' is already in use", chr->label);
        be->chr = NULL;
        return false;
    }
    chr->be = be;
    return true;
}

void char_fe_set_handlers(CharBackend *be, CharCanReceive *can_receive, CharReceive *receive,
                          void *opaque)
{
    be->can_receive = can_receive;
    be->receive = receive;
    be->opaque = opaque;
    if (!be->chr) {
        return;
    }
    if (be->chr->ops->accept_input) {
        be->chr->ops->accept_input(be->chr, be, true);
    } else {
        /* Input that arrived before the frontend was ready is waiting in the buffer. */
        bh_schedule(be->chr->input_bh);
    }
}

void char_fe_set_event_handler(CharBackend *be, CharEventHandler *event)
{
    be->event = event;
    if (!be->chr || !event) {
        return;
    }
    if (be->chr->ops->fe_event_handler_set) {
        be->chr->ops->fe_event_handler_set(be->chr, be);
    } else if (be->chr->opened) {
        event(be->opaque, CHR_EVENT_OPENED);
    }
}

bool char_fe_is_muxed(const CharBackend *be)
{
    return be->chr && be->chr->ops->attach != NULL;
}

int char_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return be->chr->ops->write(be->chr, buf, len);
}

void char_fe_accept_input(CharBackend *be)
{
    if (be->chr) {
        chr_accept_input(be->chr, be);
    }
}

void chardev_cleanup_all(void)
{
    for (Chardev *chr = chardevs; chr; chr = chr->next) {
        if (chr->ops->cleanup) {
            chr->ops->cleanup(chr);
        }
    }
}
