/*
 * Character devices: host-side byte streams that guest devices (UART),
 * the monitor and the gdbstub talk to. A backend (stdio, file, null, socket,
 * pty) is created from a -serial/-chardev spec; a frontend (the UART) attaches
 * handlers through a CharBackend. The mux backend (QEMU's mon:stdio, and the
 * default for -nographic) puts several frontends on one backend and interprets
 * the escape key Ctrl-A: "Ctrl-A h" help, "Ctrl-A x" quit, "Ctrl-A c" switch
 * frontend (serial/monitor), "Ctrl-A Ctrl-A" sends Ctrl-A, "Ctrl-A s" sync
 * disks (later), "Ctrl-A t" toggle console timestamps.
 * Everything here runs in the main loop thread with the BQL held, except
 * chr_write from a frontend, which is also BQL-protected (MMIO).
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "common.h"
#include "util/error.h"

typedef struct Chardev Chardev;

/* Frontend callbacks: how many bytes it can take now, and the bytes themselves. */
typedef int CharCanReceive(void *opaque);
typedef void CharReceive(void *opaque, const uint8_t *buf, int size);

/*
 * Connection events (the monitor needs them: the QMP greeting goes out when a client
 * connects). OPENED: the backend can carry bytes (a socket client connected; the other
 * backends are open from the start). CLOSED: the peer went away. MUX_IN/MUX_OUT: on a
 * mux, this frontend gained or lost the input focus (Ctrl-A c).
 */
typedef enum CharEvent {
    CHR_EVENT_OPENED,
    CHR_EVENT_CLOSED,
    CHR_EVENT_MUX_IN,
    CHR_EVENT_MUX_OUT,
} CharEvent;
typedef void CharEventHandler(void *opaque, CharEvent event);

typedef struct CharBackend {
    Chardev *chr;
    CharCanReceive *can_receive;
    CharReceive *receive;
    CharEventHandler *event;
    void *opaque;
    int tag; /* index in a mux */
} CharBackend;

/*
 * Create a backend from a spec: "stdio", "mon:stdio", "null", "none", "file:PATH",
 * "pty", "tcp:HOST:PORT,server=on,wait=off", "unix:PATH,server=on". The id names it
 * (e.g. "serial0"). Returns NULL + errp on bad spec or host failure.
 */
Chardev *chardev_new_from_spec(const char *id, const char *spec, Error **errp);
Chardev *chardev_find(const char *id);
/* Attach a frontend to chr (chr may be NULL: writes are dropped, nothing is received). */
bool char_fe_init(CharBackend *be, Chardev *chr, Error **errp);
/* On a mux, the frontend that sets its handlers last gets the input focus: create the
 * monitor before the serial port (as QEMU does) so the console starts on the serial port. */
void char_fe_set_handlers(CharBackend *be, CharCanReceive *can_receive, CharReceive *receive,
                          void *opaque);
/* After char_fe_set_handlers: receive connection events too. If the backend is already
 * open, OPENED is delivered from inside this call (and MUX_IN if the frontend has the focus). */
void char_fe_set_event_handler(CharBackend *be, CharEventHandler *event);
/* Is this frontend on a mux (sharing its backend with others)? */
bool char_fe_is_muxed(const CharBackend *be);
/* Write all bytes (blocking briefly if the host is slow); returns bytes written or -1. */
int char_fe_write_all(CharBackend *be, const uint8_t *buf, int len);
/* Tell the backend the frontend can take input again (after can_receive returned 0).
 * The input is delivered soon after from the main loop, never from inside this call. */
void char_fe_accept_input(CharBackend *be);
/* query-chardev / info chardev: every backend with the spec it was made from. */
typedef void ChardevInfoFunc(const char *label, const char *filename, bool frontend_open,
                             void *opaque);
void chardev_foreach(ChardevInfoFunc *fn, void *opaque);
/*
 * -chardev BACKEND,id=ID[,...] (QEMU's spelling): socket (path= or host=/port=, server,
 * wait), stdio, null, file (path=), pty, each with mux=on. NULL + errp on a bad option.
 */
Chardev *chardev_new_from_opts(const char *opts, Error **errp);
/* Restore the terminal (stdio raw mode) at exit; safe to call more than once. */
void chardev_cleanup_all(void);

#endif
