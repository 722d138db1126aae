/*
 * What the chardev backends share with the core (chardev/char.c) and nothing
 * outside chardev/ needs: the Chardev structure, the backend operations, and
 * the generic "read an fd, hand the bytes to the frontend" input path.
 *
 * Input flow control: a backend reads at most one buffer from its fd, hands
 * the frontend what its can_receive allows, and stops watching the fd until
 * the rest is taken (after char_fe_accept_input), so a guest that does not
 * read never makes the main loop spin and never loses bytes.
 */
#ifndef CHARDEV_INTERNAL_H
#define CHARDEV_INTERNAL_H

#include "chardev/char.h"
#include "util/main-loop.h"

#define CHR_READ_BUF_SIZE 256

typedef struct ChardevOps {
    /* Write the bytes; returns how many were written (fewer if the host sink is stuck) or -1. */
    int (*write)(Chardev *chr, const uint8_t *buf, int len);
    /* Attach a frontend; NULL = the default, a single frontend per chardev. */
    bool (*attach)(Chardev *chr, CharBackend *be, Error **errp);
    /* A frontend set handlers or can take input again; NULL = deliver the read buffer. */
    void (*accept_input)(Chardev *chr, CharBackend *be, bool new_handlers);
    /* A frontend set its event handler; NULL = send OPENED if the backend is open. */
    void (*fe_event_handler_set)(Chardev *chr, CharBackend *be);
    /* The input fd hit EOF or an error; NULL = stop watching it. */
    void (*input_closed)(Chardev *chr);
    /* Undo host-visible state at exit (terminal mode, socket files); may run twice. */
    void (*cleanup)(Chardev *chr);
} ChardevOps;

struct Chardev {
    char *label;
    char *filename; /* the spec it was created from, for query-chardev */
    bool opened;    /* carries bytes now (a socket backend: a client is connected) */
    const ChardevOps *ops;
    CharBackend *be; /* the frontend, for single-frontend backends */
    int in_fd;       /* input fd, -1 if none */
    bool in_watched;
    uint8_t in_buf[CHR_READ_BUF_SIZE];
    int in_len, in_pos; /* bytes read but not yet taken by the frontend */
    BH *input_bh;
    Chardev *next;
};

/* Options after the first comma of a spec ("server=on,wait=off"); defaults filled in. */
typedef struct ChardevOpts {
    bool server;
    bool wait;
    bool signal; /* stdio: Ctrl-C raises SIGINT instead of reaching the guest */
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
/* Ask chr to (re)deliver buffered input to its frontend(s) soon. */
void chr_accept_input(Chardev *chr, CharBackend *be);

/* How many bytes the frontend takes now (0 if it has no receive handler). */
int chr_be_can_receive(CharBackend *be);
/* Write all of buf to fd, waiting up to timeout_ms (-1 = forever) each time it is full. */
int chr_fd_write_all(int fd, const uint8_t *buf, int len, int timeout_ms);
bool chr_set_nonblock(int fd, Error **errp);

#endif
