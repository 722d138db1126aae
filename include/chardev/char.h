/*
 * Character devices: host-side byte streams that guest devices (UART),
 * the monitor and the gdbstub talk to. A backend (stdio, file, null, socket,
 * pty) is created from a -serial/-chardev spec; a frontend (the UART) attaches
 * handlers through a CharBackend. The mux backend (QEMU's mon:stdio, and the
 * default for -nographic) puts several frontends on one backend and interprets
 * the escape key Ctrl-A: "Ctrl-A h" help, "Ctrl-A x" quit, "Ctrl-A c" switch
 * frontend (serial/monitor), "Ctrl-A Ctrl-A" sends Ctrl-A, "Ctrl-A s" sync
 * disks (later), "Ctrl-A t" toggle console timestamps.
 * Everything here runs with the BQL held: in the main loop thread, or in a vCPU
 * thread inside a frontend's MMIO handler.
 *
 * Output never blocks (a peer that stops reading must not stall the harts, which
 * wait for the BQL the writer holds). A frontend chooses what happens to bytes the
 * host cannot take yet:
 *  - back-pressure (the UART, the monitor): char_fe_write() takes what fits now and
 *    char_fe_watch_writable() calls the frontend back when more fits, so nothing is
 *    lost; the guest sees its transmitter busy meanwhile, the monitor keeps the rest
 *    in its own buffer and reads no new command until it is out;
 *  - fire and forget (escape-key messages): char_fe_write_all() queues
 *    what does not fit now, up to CHR_OUT_QUEUE_SIZE bytes per backend, and the main
 *    loop writes the queue out as the host drains; beyond the bound bytes are dropped.
 * Both keep the order of the bytes of one backend. Where no peer is there to read
 * (a socket with no client, null) output is dropped; a pty cannot tell whether anyone
 * has its slave open, so what does not fit in its buffer is dropped too.
 */
#ifndef CHARDEV_CHAR_H
#define CHARDEV_CHAR_H

#include "common.h"
#include "util/error.h"

typedef struct Chardev Chardev;

/* Bytes char_fe_write_all() may hold per backend while the host is not taking them. */
#define CHR_OUT_QUEUE_SIZE (64 * 1024)

/* Frontend callbacks: how many bytes it can take now, and the bytes themselves. */
typedef int CharCanReceive(void *opaque);
typedef void CharReceive(void *opaque, const uint8_t *buf, int size);
/* The backend can take more output (see char_fe_watch_writable). */
typedef void CharWritable(void *opaque);

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
    /* A pending char_fe_watch_writable(), linked in the chardev's list of waiters. */
    CharWritable *writable;
    void *writable_opaque;
    struct CharBackend *writable_next;
} CharBackend;

/*
 * Create a backend from a spec: "stdio", "mon:stdio", "null", "none", "file:PATH",
 * "pty", "tcp:HOST:PORT,server=on,wait=off[,telnet=on]", "unix:PATH,server=on". The id
 * names it (e.g. "serial0"). "chardev:ID" returns the existing chardev ID instead (id is then
 * unused). Returns NULL + errp on bad spec, unknown ID or host failure.
 */
Chardev *chardev_new_from_spec(const char *id, const char *spec, Error **errp);
Chardev *chardev_find(const char *id);
/* The id chr is registered under (what a frontend's "chardev" property names). */
const char *chardev_label(const Chardev *chr);
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
/*
 * Write what the backend takes now, never blocking: returns that count (0..len; 0 while
 * bytes queued by char_fe_write_all are still waiting, so order is kept), or -1 if the host
 * sink failed (the bytes are lost; do not retry). Without a backend the bytes are dropped
 * and len returned.
 */
int char_fe_write(CharBackend *be, const uint8_t *buf, int len);
/*
 * Call cb(opaque) once, from the main loop, when the backend can take more output (after
 * char_fe_write returned less than asked; at once, if it already can). One watch per
 * frontend: a new call replaces a pending one, cb NULL cancels it.
 */
void char_fe_watch_writable(CharBackend *be, CharWritable *cb, void *opaque);
/*
 * Write all bytes without blocking: what the host does not take now is queued (up to
 * CHR_OUT_QUEUE_SIZE per backend) and written from the main loop. Returns the bytes
 * accepted (written or queued: len, unless the queue was full and the rest dropped), or
 * -1 if the host sink failed.
 */
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
/*
 * For a frontend speaking a message protocol with fd passing over a socket chardev
 * (vhost-user): the connected socket's fd, which the frontend then reads and writes itself
 * (sendmsg/recvmsg with SCM_RIGHTS; the chardev stops watching it). It stays owned by the
 * chardev. -1 + errp if chr is not a connected socket.
 */
int chardev_socket_claim_fd(Chardev *chr, Error **errp);
/* Close a claimed connection (the peer died): a server listens for the next client. */
void chardev_socket_disconnect(Chardev *chr);
/* At exit: write out queued output (waiting a bounded time for a slow reader), restore the
 * terminal (stdio raw mode), remove socket files; safe to call more than once. */
void chardev_cleanup_all(void);

#endif
