/*
 * What the chardev backends share with the core (chardev/char.c) and nothing
 * outside chardev/ needs: the Chardev structure, the backend operations, and
 * the generic "read an fd, hand the bytes to the frontend" input path.
 *
 * Input flow control: a backend reads at most one buffer from its fd, hands
 * the frontend what its can_receive allows, and stops watching the fd until
 * the rest is taken (after char_fe_accept_input), so a guest that does not
 * read never makes the main loop spin and never loses bytes.
 *
 * Output (see include/chardev/char.h): ops->write never blocks. Each chardev has
 * a bounded queue for char_fe_write_all and a list of frontends waiting to be told
 * it is writable; both are served by chr_output_ready(), which runs when out_fd
 * polls writable (or, for a backend without one, from a BH; the mux forwards the
 * watch to its driver through ops->watch_output). A batching backend (stdio) also
 * keeps the bytes a frontend wrote in that queue for up to CHR_BATCH_DELAY_NS.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define CHR_READ_BUF_SIZE 256

typedef struct ChardevOps {
    /*
     * Write without blocking: returns how many bytes the host took (0 if it would block; len
     * if they are dropped for want of a reader) or -1 if the host sink failed.
     */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* NULL = queue in this chardev (the default); the mux passes the bytes to its driver. */
    int (*write_all)(Chardev *chr, const uint8_t *buf, int len);
    /* NULL = watch out_fd; else arrange for chr_output_ready() when on (the mux). */
    void (*watch_output)(Chardev *chr, bool on);
    /* Attach a frontend; NULL = the default, a single frontend per chardev. */
    bool (*attach)(Chardev *chr, CharBackend *be, Error **errp);
    /* A frontend set handlers or can take input again; NULL = deliver the read buffer. */
    void (*accept_input)(Chardev *chr, CharBackend *be, bool new_handlers);
    /* A frontend set its event handler; NULL = send OPENED if the backend is open. */
    void (*fe_event_handler_set)(Chardev *chr, CharBackend *be);
    /* Rewrite the len bytes just read in place (telnet: drop IAC sequences); returns how many
     * remain for the frontend. NULL = deliver them as read. */
    int (*filter_input)(Chardev *chr, uint8_t *buf, int len);
    /* The input fd hit EOF or an error; NULL = stop watching it. */
    void (*input_closed)(Chardev *chr);
    /* Undo host-visible state at exit (terminal mode, socket files); may run twice. */
    void (*cleanup)(Chardev *chr);
    /* Batch output (the console): see chr_write_batched in char.c. */
    bool batch_output;
} ChardevOps;

struct Chardev {
    char *label;
    char *filename; /* the spec it was created from, for query-chardev */
    bool opened;    /* carries bytes now (a socket backend: a client is connected) */
    const ChardevOps *ops;
    CharBackend *be; /* the frontend, for single-frontend backends */
    int in_fd;       /* input fd, -1 if none */
    uint8_t in_buf[CHR_READ_BUF_SIZE];
    int in_len, in_pos; /* bytes read but not yet taken by the frontend */
    BH *input_bh;

    int out_fd;           /* polled for POLLOUT while output waits; -1: writes never wait */
    bool out_wanted;      /* queued bytes or waiters: watch for room */
    uint8_t *out_queue;   /* CHR_OUT_QUEUE_SIZE bytes, allocated on first use */
    int out_len;          /* bytes queued by char_fe_write_all, or batched */
    bool out_batched;     /* the queue waits for batch_timer, not for room in the host */
    Timer *batch_timer;   /* ops->batch_output: writes the batch out */
    CharBackend *waiters; /* frontends to call back when writable */
    BH *output_bh;
    int reg_in_fd, reg_out_fd; /* what is registered with the main loop (-1: nothing) */
    Chardev *next;
};

/* Options after the first comma of a spec ("server=on,wait=off"); defaults filled in. */
typedef struct ChardevOpts {
    bool server;
    bool wait;
    bool signal; /* stdio: Ctrl-C raises SIGINT instead of reaching the guest */
    bool telnet; /* socket: negotiate telnet options and strip them from input */
    unsigned reconnect; /* socket client: seconds between connection attempts, 0 = none */
} ChardevOpts;

/* Backend constructors: `arg` is the text after "name:" (NULL if none). */
typedef Chardev *ChardevOpenFunc(const char *label, const char *arg, const ChardevOpts *opts,
                                 Error **errp);
ChardevOpenFunc chardev_stdio_open;
ChardevOpenFunc chardev_null_open;
ChardevOpenFunc chardev_file_open;
ChardevOpenFunc chardev_pty_open;
ChardevOpenFunc chardev_tcp_open;
ChardevOpenFunc chardev_unix_open;
/* The mux: inner_spec is what followed "mon:". */
Chardev *chardev_mux_new(const char *label, const char *inner_spec, Error **errp);
/* Create a backend from a spec without "mon:"; muxed changes defaults (stdio signal=off). */
Chardev *chardev_new_backend(const char *label, const char *spec, bool muxed, Error **errp);

/* Initialise the Chardev part of a backend (embedded first in its state) and register it. */
void chardev_register(Chardev *chr, const char *label, const ChardevOps *ops);

/* Report a connection event to chr's frontend (and record opened/closed). */
void chr_be_event(Chardev *chr, CharEvent event);

/* Start/stop reading fd into chr's frontend. */
void chr_input_start(Chardev *chr, int fd);
void chr_input_stop(Chardev *chr);
/* Change the fd watched for room (-1: none; output then never waits). */
void chr_set_out_fd(Chardev *chr, int fd);
/* The backend can take output again: write the queue out, then call the waiters. */
void chr_output_ready(Chardev *chr);
/* chr_write respects the queue (0 while it is not empty); chr_write_all queues the rest. */
int chr_write(Chardev *chr, const uint8_t *buf, int len);
int chr_write_all(Chardev *chr, const uint8_t *buf, int len);
/* Add be to chr's waiters, replacing its pending watch (cb NULL: just remove it). */
void chr_watch_writable(Chardev *chr, CharBackend *be, CharWritable *cb, void *opaque);
/* Ask chr to (re)deliver buffered input to its frontend(s) soon. */
void chr_accept_input(Chardev *chr, CharBackend *be);

/* How many bytes the frontend takes now (0 if it has no receive handler). */
int chr_be_can_receive(CharBackend *be);
/* One non-blocking write to fd: bytes taken, 0 if it is full (EAGAIN), -1 on error. */
int chr_fd_write(int fd, const uint8_t *buf, int len);
bool chr_set_nonblock(int fd, Error **errp);

#endif
