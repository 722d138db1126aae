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
#include "util/option.h"

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
static void chr_fd_writable(void *opaque);
static void chr_output_bh(void *opaque);

/*
 * Register with the main loop what chr waits for: input only while its read buffer is empty
 * (pending bytes wait for the frontend), room for output only while output waits. The main
 * loop keeps one record per fd, so a socket or pty (in_fd == out_fd) has both in one.
 */
static void chr_update_watch(Chardev *chr)
{
    int in = chr->in_fd >= 0 && chr->in_pos == chr->in_len ? chr->in_fd : -1;
    int out = chr->out_fd >= 0 && chr->out_wanted ? chr->out_fd : -1;

    if (in == chr->reg_in_fd && out == chr->reg_out_fd) {
        return;
    }
    if (chr->reg_in_fd >= 0 && chr->reg_in_fd != in && chr->reg_in_fd != out) {
        main_loop_set_fd_handler(chr->reg_in_fd, NULL, NULL, NULL);
    }
    if (chr->reg_out_fd >= 0 && chr->reg_out_fd != in && chr->reg_out_fd != out) {
        main_loop_set_fd_handler(chr->reg_out_fd, NULL, NULL, NULL);
    }
    if (in >= 0 && in == out) {
        main_loop_set_fd_handler(in, chr_fd_readable, chr_fd_writable, chr);
    } else {
        if (in >= 0) {
            main_loop_set_fd_handler(in, chr_fd_readable, NULL, chr);
        }
        if (out >= 0) {
            main_loop_set_fd_handler(out, NULL, chr_fd_writable, chr);
        }
    }
    chr->reg_in_fd = in;
    chr->reg_out_fd = out;
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
    if (chr->ops->filter_input) {
        n = chr->ops->filter_input(chr, chr->in_buf, (int)n);
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
    chr->in_fd = -1;
    chr->in_pos = chr->in_len = 0;
    chr_update_watch(chr);
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
    chr->out_fd = -1;
    chr->reg_in_fd = chr->reg_out_fd = -1;
    chr->output_bh = bh_new(chr_output_bh, chr);
    if (ops->batch_output) {
        chr->batch_timer = timer_new_ns(CLOCK_HOST, chr_output_bh, chr);
    }
    /* Delivery is deferred to a BH so a frontend is never re-entered from its own MMIO handler. */
    chr->input_bh = bh_new(chr_input_bh, chr);
    while (*link) {
        link = &(*link)->next;
    }
    *link = chr;
}

/* ---- output ---- */

int chr_fd_write(int fd, const uint8_t *buf, int len)
{
    ssize_t n;

    do {
        n = write(fd, buf, len);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    }
    return (int)n;
}

/* Write out as much of the queue as the host takes; a failed sink loses the queue. */
static void chr_flush_queue(Chardev *chr)
{
    int n;

    if (!chr->out_len) {
        return;
    }
    n = chr->ops->write(chr, chr->out_queue, chr->out_len);
    n = n < 0 ? chr->out_len : n;
    memmove(chr->out_queue, chr->out_queue + n, chr->out_len - n);
    chr->out_len -= n;
    /* What is left waits for room in the host now. */
    chr->out_batched = false;
}

/* Watch for room while bytes are queued or a frontend waits; a chardev that never refuses
 * bytes (no out_fd) is ready at once, from a BH so callbacks never run inside a write. */
static void chr_update_output_watch(Chardev *chr)
{
    bool want = (chr->out_len > 0 && !chr->out_batched) || chr->waiters;

    if (chr->ops->watch_output) {
        chr->ops->watch_output(chr, want);
    } else if (chr->out_fd >= 0) {
        chr->out_wanted = want;
        chr_update_watch(chr);
    } else if (want) {
        bh_schedule(chr->output_bh);
    }
}

void chr_output_ready(Chardev *chr)
{
    CharBackend *list;

    chr_flush_queue(chr);
    if (!chr->out_len) {
        /* Detach the list first: a callback may watch again at once. */
        list = chr->waiters;
        chr->waiters = NULL;
        while (list) {
            CharBackend *be = list;
            CharWritable *cb = be->writable;

            list = be->writable_next;
            be->writable = NULL;
            be->writable_next = NULL;
            cb(be->writable_opaque);
        }
    }
    chr_update_output_watch(chr);
}

static void chr_fd_writable(void *opaque)
{
    chr_output_ready(opaque);
}

static void chr_output_bh(void *opaque)
{
    chr_output_ready(opaque);
}

void chr_set_out_fd(Chardev *chr, int fd)
{
    chr->out_fd = fd;
    chr_update_watch(chr);
    /* Without an fd nothing waits any more: let the queue and waiters move on. */
    chr_update_output_watch(chr);
}

/*
 * The console: a guest's UART hands over one byte per register write, and a write() per
 * byte cost a Linux boot 8,500 system calls (~23 ms of its ~350 ms, in the vCPU thread with
 * the BQL held). The bytes are kept in the output queue instead and written out together
 * from the main loop CHR_BATCH_DELAY_NS after the first (a human or a pexpect script cannot
 * tell), at once when CHR_BATCH_SIZE are waiting, and at exit (chardev_cleanup_all). All
 * writers of one backend (serial port, monitor) go through one queue, so order is kept.
 * Back-pressure is as without batching: once the host refuses bytes, later writes wait.
 */
#define CHR_BATCH_SIZE 4096
#define CHR_BATCH_DELAY_NS (1000 * 1000)

static int chr_write_batched(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->out_len + len > CHR_BATCH_SIZE) {
        chr_flush_queue(chr);
        if (chr->out_len) {
            return 0;
        }
        if (len > CHR_BATCH_SIZE) {
            return chr->ops->write(chr, buf, len);
        }
    }
    if (!chr->out_queue) {
        chr->out_queue = xmalloc(CHR_OUT_QUEUE_SIZE);
    }
    memcpy(chr->out_queue + chr->out_len, buf, len);
    chr->out_len += len;
    chr->out_batched = true;
    if (!timer_pending(chr->batch_timer)) {
        timer_mod_ns(chr->batch_timer, clock_get_ns(CLOCK_HOST) + CHR_BATCH_DELAY_NS);
    }
    return len;
}

int chr_write(Chardev *chr, const uint8_t *buf, int len)
{
    if (chr->out_len && !chr->out_batched) {
        chr_flush_queue(chr);
        if (chr->out_len) {
            return 0;
        }
    }
    if (chr->ops->batch_output && len > 0) {
        return chr_write_batched(chr, buf, len);
    }
    return chr->ops->write(chr, buf, len);
}

int chr_write_all(Chardev *chr, const uint8_t *buf, int len)
{
    int n, queued;

    if (chr->ops->write_all) {
        return chr->ops->write_all(chr, buf, len);
    }
    n = chr_write(chr, buf, len);
    if (n < 0) {
        return -1;
    }
    queued = MIN(len - n, CHR_OUT_QUEUE_SIZE - chr->out_len);
    if (queued > 0) {
        if (!chr->out_queue) {
            chr->out_queue = xmalloc(CHR_OUT_QUEUE_SIZE);
        }
        memcpy(chr->out_queue + chr->out_len, buf + n, queued);
        chr->out_len += queued;
        chr->out_batched = false; /* the host refused bytes: wait for room */
        chr_update_output_watch(chr);
    }
    return n + MAX(queued, 0);
}

void chr_watch_writable(Chardev *chr, CharBackend *be, CharWritable *cb, void *opaque)
{
    CharBackend **link = &chr->waiters;

    while (*link && *link != be) {
        link = &(*link)->writable_next;
    }
    if (*link) {
        *link = be->writable_next;
        be->writable_next = NULL;
    }
    be->writable = cb;
    be->writable_opaque = opaque;
    if (cb) {
        be->writable_next = chr->waiters;
        chr->waiters = be;
    }
    chr_update_output_watch(chr);
}

/* At exit: wait up to this long each time a reader takes nothing, then give up. */
#define CHR_EXIT_FLUSH_MS 1000

static void chr_flush_at_exit(Chardev *chr)
{
    while (chr->out_len) {
        int before = chr->out_len;
        struct pollfd pfd = {.fd = chr->out_fd, .events = POLLOUT};

        chr_flush_queue(chr);
        if (chr->out_len == before && (chr->out_fd < 0 || poll(&pfd, 1, CHR_EXIT_FLUSH_MS) <= 0)) {
            break;
        }
    }
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
    } else if (!strcmp(item, "telnet")) {
        return chr_parse_bool(item, val, &opts->telnet, errp);
    } else if (!strcmp(item, "reconnect")) {
        uint64_t secs;
        if (!val || !parse_uint(val, &secs) || secs > UINT32_MAX) {
            error_setg(errp, "chardev option 'reconnect' expects seconds, not '%s'",
                       val ? val : "");
            return false;
        }
        opts->reconnect = secs;
        return true;
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
    /* "chardev:ID": a -chardev made earlier, not a new one (-serial/-monitor chardev:ID). */
    if (!strncmp(spec, "chardev:", 8)) {
        Chardev *chr = chardev_find(spec + 8);
        if (!chr) {
            error_setg(errp, "chardev '%s' not found", spec + 8);
        }
        return chr;
    }
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

const char *chardev_label(const Chardev *chr)
{
    return chr->label;
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

int char_fe_write(CharBackend *be, const uint8_t *buf, int len)
{
    return be->chr ? chr_write(be->chr, buf, len) : len;
}

void char_fe_watch_writable(CharBackend *be, CharWritable *cb, void *opaque)
{
    /* Without a backend char_fe_write takes everything: there is nothing to wait for. */
    if (be->chr) {
        chr_watch_writable(be->chr, be, cb, opaque);
    }
}

int char_fe_write_all(CharBackend *be, const uint8_t *buf, int len)
{
    if (!be->chr) {
        return 0;
    }
    return chr_write_all(be->chr, buf, len);
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
        chr_flush_at_exit(chr);
    }
    for (Chardev *chr = chardevs; chr; chr = chr->next) {
        if (chr->ops->cleanup) {
            chr->ops->cleanup(chr);
        }
    }
}
