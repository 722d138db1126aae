/*
 * Socket backends: "tcp:HOST:PORT" and "unix:PATH", as a server
 * (server=on, or the old bare "server"; wait=off or "nowait" to start
 * without a client) or as a client (connects at start-up). A server serves
 * one client at a time: while it is connected the listening socket is not
 * watched (a second client waits in the backlog), and when it disconnects we
 * listen again. Output with no client is dropped; a client that stops reading
 * back-pressures the frontends (chardev/char.h). The frontend hears
 * CHR_EVENT_OPENED when a client connects and CHR_EVENT_CLOSED when it goes.
 *
 * telnet=on (RFC 854/857/858/856): on connection we offer what QEMU offers, IAC WILL ECHO,
 * IAC WILL SUPPRESS-GO-AHEAD, IAC WILL BINARY and IAC DO BINARY, so a telnet client sends
 * characters as typed and leaves echo to the guest. Commands the client sends (its DO/DONT/
 * WILL/WONT answers, subnegotiations, other two-byte commands) are removed from the input;
 * IAC IAC is a literal 0xff.
 */
#include <errno.h>
#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "chardev-internal.h"
#include "util/timer.h"

/* Where the telnet input filter is inside a command. */
typedef enum TelnetState {
    TELNET_DATA,
    TELNET_IAC,    /* after IAC */
    TELNET_OPTION, /* after IAC WILL/WONT/DO/DONT: the option byte follows */
    TELNET_SUB,    /* inside IAC SB ... */
    TELNET_SUB_IAC /* IAC inside a subnegotiation: SE ends it */
} TelnetState;

typedef struct SocketChardev {
    Chardev parent;
    int listen_fd;
    int client_fd;
    char *unix_path; /* unlinked at cleanup */
    bool telnet;
    TelnetState telnet_state;
    /* A client with reconnect=N: where to connect again, every N seconds, once the server
     * has gone (or was not there at start-up). */
    unsigned reconnect;
    bool is_unix;
    char *client_arg;
    Timer *reconnect_timer;
} SocketChardev;

enum {
    TELNET_SE = 240,
    TELNET_SB = 250,
    TELNET_WILL = 251,
    TELNET_DONT = 254,
    TELNET_IAC_BYTE = 255,
    TELNET_OPT_BINARY = 0,
    TELNET_OPT_ECHO = 1,
    TELNET_OPT_SGA = 3,
    TELNET_DO = 253,
};

/* One input byte through the telnet state machine; true if it is data for the frontend. */
static bool telnet_byte(SocketChardev *s, uint8_t b)
{
    switch (s->telnet_state) {
    case TELNET_DATA:
        if (b == TELNET_IAC_BYTE) {
            s->telnet_state = TELNET_IAC;
            return false;
        }
        return true;
    case TELNET_IAC:
        s->telnet_state = b >= TELNET_WILL && b <= TELNET_DONT ? TELNET_OPTION
                          : b == TELNET_SB                     ? TELNET_SUB
                                                               : TELNET_DATA;
        return b == TELNET_IAC_BYTE; /* IAC IAC: a literal 0xff */
    case TELNET_OPTION:
        s->telnet_state = TELNET_DATA;
        return false;
    case TELNET_SUB:
        s->telnet_state = b == TELNET_IAC_BYTE ? TELNET_SUB_IAC : TELNET_SUB;
        return false;
    default: /* TELNET_SUB_IAC */
        s->telnet_state = b == TELNET_SE ? TELNET_DATA : TELNET_SUB;
        return false;
    }
}

static int socket_filter_input(Chardev *chr, uint8_t *buf, int len)
{
    SocketChardev *s = container_of(chr, SocketChardev, parent);
    int out = 0;

    if (!s->telnet) {
        return len;
    }
    for (int i = 0; i < len; i++) {
        if (telnet_byte(s, buf[i])) {
            buf[out++] = buf[i];
        }
    }
    return out;
}

/* The options QEMU offers a telnet client, in its order. */
static void telnet_negotiate(SocketChardev *s)
{
    static const uint8_t offer[] = {
        TELNET_IAC_BYTE,   TELNET_WILL,     TELNET_OPT_ECHO, TELNET_IAC_BYTE,
        TELNET_WILL,       TELNET_OPT_SGA,  TELNET_IAC_BYTE, TELNET_WILL,
        TELNET_OPT_BINARY, TELNET_IAC_BYTE, TELNET_DO,       TELNET_OPT_BINARY,
    };

    s->telnet_state = TELNET_DATA;
    /* A fresh socket's send buffer is empty: these few bytes always fit. */
    if (chr_fd_write(s->client_fd, offer, sizeof(offer)) != (int)sizeof(offer)) {
        chr_be_event(&s->parent, CHR_EVENT_CLOSED);
    }
}

static void socket_accept(void *opaque);

static void socket_listen(SocketChardev *s)
{
    main_loop_set_fd_handler(s->listen_fd, socket_accept, NULL, s);
}

static void socket_connected(SocketChardev *s, int fd)
{
    s->client_fd = fd;
    if (s->listen_fd >= 0) {
        main_loop_set_fd_handler(s->listen_fd, NULL, NULL, NULL);
    }
    if (s->telnet) {
        telnet_negotiate(s);
    }
    chr_input_start(&s->parent, fd);
    chr_set_out_fd(&s->parent, fd);
    chr_be_event(&s->parent, CHR_EVENT_OPENED);
}

static void socket_accept(void *opaque)
{
    SocketChardev *s = opaque;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

    if (fd >= 0) {
        socket_connected(s, fd);
    }
}

static void socket_schedule_reconnect(SocketChardev *s)
{
    timer_mod_ns(s->reconnect_timer,
                 clock_get_ns(CLOCK_HOST) + (int64_t)s->reconnect * NANOSECONDS_PER_SECOND);
}

static void socket_input_closed(Chardev *chr)
{
    SocketChardev *s = container_of(chr, SocketChardev, parent);

    chr_input_stop(chr);
    chr_set_out_fd(chr, -1); /* queued output and waiters move on: it is dropped now */
    close(s->client_fd);
    s->client_fd = -1;
    chr_be_event(chr, CHR_EVENT_CLOSED);
    if (s->listen_fd >= 0) {
        socket_listen(s);
    } else if (s->reconnect) {
        socket_schedule_reconnect(s);
    }
}

static int socket_write(Chardev *chr, const uint8_t *buf, int len)
{
    SocketChardev *s = container_of(chr, SocketChardev, parent);

    if (s->client_fd < 0) {
        return len;
    }
    return chr_fd_write(s->client_fd, buf, len);
}

static void socket_cleanup(Chardev *chr)
{
    SocketChardev *s = container_of(chr, SocketChardev, parent);

    if (s->unix_path) {
        unlink(s->unix_path);
        free(s->unix_path);
        s->unix_path = NULL;
    }
}

static const ChardevOps socket_ops;

int chardev_socket_claim_fd(Chardev *chr, Error **errp)
{
    SocketChardev *s = container_of(chr, SocketChardev, parent);

    if (chr->ops != &socket_ops) {
        error_setg(errp, "chardev '%s' is not a socket", chr->label);
        return -1;
    }
    if (s->client_fd < 0) {
        error_setg(errp, "chardev '%s' is not connected", chr->label);
        return -1;
    }
    /* The frontend reads its replies itself: the generic input path must not take them. */
    chr_input_stop(chr);
    chr_set_out_fd(chr, -1);
    return s->client_fd;
}

void chardev_socket_disconnect(Chardev *chr)
{
    SocketChardev *s = container_of(chr, SocketChardev, parent);

    if (chr->ops == &socket_ops && s->client_fd >= 0) {
        socket_input_closed(chr);
    }
}

static const ChardevOps socket_ops = {
    .write = socket_write,
    .filter_input = socket_filter_input,
    .input_closed = socket_input_closed,
    .cleanup = socket_cleanup,
};

static int tcp_listen(const char *label, const char *arg, Error **errp)
{
    const char *colon = strrchr(arg, ':');
    struct addrinfo hints = {
        .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *res, *ai;
    char *host;
    int fd = -1, err, one = 1;

    if (!colon) {
        error_setg(errp, "chardev '%s': expected tcp:HOST:PORT, got 'tcp:%s'", label, arg);
        return -1;
    }
    host = strndup(arg, colon - arg);
    err = getaddrinfo(*host ? host : NULL, colon + 1, &hints, &res);
    free(host);
    if (err) {
        error_setg(errp, "chardev '%s': cannot resolve '%s': %s", label, arg, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            continue;
        }
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot bind to '%s'", label, arg);
    }
    return fd;
}

/* The address of a unix socket at path; false (with errp) if the path does not fit. */
static bool unix_addr(const char *label, const char *path, struct sockaddr_un *addr, Error **errp)
{
    *addr = (struct sockaddr_un){.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(addr->sun_path)) {
        error_setg(errp, "chardev '%s': socket path '%s' is too long", label, path);
        return false;
    }
    strcpy(addr->sun_path, path);
    return true;
}

static int unix_listen(const char *label, const char *path, Error **errp)
{
    struct sockaddr_un addr;
    int fd;

    if (!unix_addr(label, path, &addr, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot create socket", label);
        return -1;
    }
    /* A stale socket file from an earlier run would make bind fail. */
    unlink(path);
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot bind to '%s'", label, path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Client mode: connect now (QEMU fails start-up too when nobody listens). */
static int tcp_connect(const char *label, const char *arg, Error **errp)
{
    const char *colon = strrchr(arg, ':');
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res, *ai;
    char *host;
    int fd = -1, err, saved_errno = ECONNREFUSED;

    if (!colon) {
        error_setg(errp, "chardev '%s': expected tcp:HOST:PORT, got 'tcp:%s'", label, arg);
        return -1;
    }
    host = strndup(arg, colon - arg);
    err = getaddrinfo(*host ? host : "localhost", colon + 1, &hints, &res);
    free(host);
    if (err) {
        error_setg(errp, "chardev '%s': cannot resolve '%s': %s", label, arg, gai_strerror(err));
        return -1;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            break;
        }
        saved_errno = errno;
        if (fd >= 0) {
            close(fd);
        }
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        error_setg_errno(errp, saved_errno, "chardev '%s': cannot connect to '%s'", label, arg);
    }
    return fd;
}

static int unix_connect(const char *label, const char *path, Error **errp)
{
    struct sockaddr_un addr;
    int fd;

    if (!unix_addr(label, path, &addr, errp)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot connect to '%s'", label, path);
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

static int socket_connect(const char *label, bool is_unix, const char *arg, Error **errp)
{
    int fd = is_unix ? unix_connect(label, arg, errp) : tcp_connect(label, arg, errp);

    if (fd >= 0 && !chr_set_nonblock(fd, errp)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* reconnect=N: one more attempt; the next in N seconds if the server is still not there. */
static void socket_reconnect(void *opaque)
{
    SocketChardev *s = opaque;
    Error *err = NULL;
    int fd;

    if (s->client_fd >= 0) {
        return;
    }
    fd = socket_connect(s->parent.label, s->is_unix, s->client_arg, &err);
    error_free(err);
    if (fd >= 0) {
        socket_connected(s, fd);
    } else {
        socket_schedule_reconnect(s);
    }
}

/*
 * Client mode: connect now (QEMU fails start-up too when nobody listens), unless
 * reconnect=N, which keeps trying every N seconds, then and after every disconnection.
 */
static Chardev *socket_open_client(const char *label, bool is_unix, const char *arg,
                                   const ChardevOpts *opts, Error **errp)
{
    int fd = socket_connect(label, is_unix, arg, opts->reconnect ? NULL : errp);
    SocketChardev *s;

    if (fd < 0 && !opts->reconnect) {
        return NULL;
    }
    s = xzalloc(sizeof(*s));
    s->listen_fd = -1;
    s->client_fd = -1;
    s->telnet = opts->telnet;
    s->reconnect = opts->reconnect;
    s->is_unix = is_unix;
    s->client_arg = xstrdup(arg);
    s->reconnect_timer = timer_new_ns(CLOCK_HOST, socket_reconnect, s);
    chardev_register(&s->parent, label, &socket_ops);
    s->parent.opened = false;
    if (fd >= 0) {
        socket_connected(s, fd);
    } else {
        socket_schedule_reconnect(s);
    }
    return &s->parent;
}

static Chardev *socket_open(const char *label, const char *kind, const char *arg,
                            const ChardevOpts *opts, Error **errp)
{
    SocketChardev *s;
    bool is_unix = !strcmp(kind, "unix");
    int fd;

    if (!opts->server) {
        return socket_open_client(label, is_unix, arg, opts, errp);
    }
    fd = is_unix ? unix_listen(label, arg, errp) : tcp_listen(label, arg, errp);
    if (fd < 0) {
        return NULL;
    }
    if (listen(fd, 1) < 0) {
        error_setg_errno(errp, errno, "chardev '%s': cannot listen on '%s'", label, arg);
        close(fd);
        return NULL;
    }
    s = xzalloc(sizeof(*s));
    s->listen_fd = fd;
    s->client_fd = -1;
    s->unix_path = is_unix ? xstrdup(arg) : NULL;
    s->telnet = opts->telnet;
    chardev_register(&s->parent, label, &socket_ops);
    s->parent.opened = false;
    if (opts->wait) {
        fprintf(stderr, "kestrel: waiting for connection on: disconnected:%s:%s,server=on\n", kind,
                arg);
        fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            socket_connected(s, fd);
            return &s->parent;
        }
    }
    socket_listen(s);
    return &s->parent;
}

Chardev *chardev_tcp_open(const char *label, const char *arg, const ChardevOpts *opts, Error **errp)
{
    return socket_open(label, "tcp", arg, opts, errp);
}

Chardev *chardev_unix_open(const char *label, const char *arg, const ChardevOpts *opts,
                           Error **errp)
{
    return socket_open(label, "unix", arg, opts, errp);
}
