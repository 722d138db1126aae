/*
 * What the VNC server's files share: the display and client state, the
 * output buffer, and the encoder entry points (vnc-enc.c).
 */
#ifndef UI_VNC_INTERNAL_H
#define UI_VNC_INTERNAL_H

#include <zlib.h>

#include "ui/console.h"
#include "ui/vnc.h"

/* Dirty tracking granularity: a client keeps one bit per 16x16 tile. */
#define VNC_TILE 16
/* The encoder stops producing updates for a client while this much output is unsent. */
#define VNC_OUTPUT_HIGH_WATER (4 * MiB)
/* A client message larger than this (ClientCutText) closes the client. */
#define VNC_MAX_MESSAGE (1 * MiB)

/* Encodings (RFC 6143 7.7, 7.8). */
#define VNC_ENCODING_RAW 0
#define VNC_ENCODING_ZRLE 16
#define VNC_ENCODING_DESKTOPSIZE (-223)

typedef struct VncBuffer {
    uint8_t *data;
    size_t len, cap, offset; /* offset: bytes already consumed/sent */
} VncBuffer;

typedef enum VncPhase {
    VNC_PHASE_VERSION,  /* waiting for the client's ProtocolVersion */
    VNC_PHASE_SECURITY, /* 3.7/3.8: waiting for the chosen security type */
    VNC_PHASE_AUTH,     /* waiting for the 16-byte VNC auth response */
    VNC_PHASE_INIT,     /* waiting for ClientInit */
    VNC_PHASE_NORMAL,   /* client-to-server messages */
} VncPhase;

typedef struct VncDisplay VncDisplay;

typedef struct VncState {
    VncDisplay *vd;
    int fd;
    VncPeerInfo peer;
    VncPhase phase;
    int minor; /* protocol 3.minor: 3, 7 or 8 */
    uint8_t challenge[16];
    VncBuffer in, out;
    VncPixelFormat pf;
    bool has_zrle, has_desktop_size;
    z_stream zrle; /* one deflate stream for the connection (ZRLE's rule) */
    bool zrle_init;
    /* the update the client asked for and what changed since */
    bool update_requested;
    bool size_changed; /* tell it the new size (DesktopSize) in the next update */
    int fb_width, fb_height; /* the size the client knows */
    int tiles_w, tiles_h;
    uint8_t *dirty;  /* tiles_w * tiles_h, 1 = changed */
    uint8_t buttons; /* last PointerEvent button mask */
    int last_x, last_y;
    bool closing;
    struct VncState *next;
} VncState;

struct VncDisplay {
    DisplayChangeListener dcl;
    int listen_fd;
    VncPeerInfo server;
    char *unix_path; /* removed at close */
    bool password_auth;
    char *password; /* NULL: no login possible with password auth (QEMU's rule) */
    VncState *clients;
    int nclients;
};

/* ---- clients (vnc.c; the fuzz harness drives them too) ---- */
extern const DisplayChangeListenerOps vnc_dcl_ops;
/* A client on a connected, non-blocking fd (vd takes it): the server's greeting is sent.
 * NULL if the peer is already gone (the client is freed). */
VncState *vnc_client_attach(VncDisplay *vd, int fd);
/* Bytes from the client: process the complete messages, send what is due. False if the
 * client was closed (a malformed message, or the peer is gone) and freed. */
bool vnc_client_input(VncState *vs, const uint8_t *data, size_t len);
/* Close the connection and free vs. */
void vnc_client_free(VncState *vs);

/* ---- buffers ---- */
void vnc_buffer_append(VncBuffer *b, const void *data, size_t len);
void vnc_write_u8(VncState *vs, uint8_t v);
void vnc_write_u16(VncState *vs, uint16_t v);
void vnc_write_u32(VncState *vs, uint32_t v);
void vnc_write(VncState *vs, const void *data, size_t len);

/* ---- vnc-enc.c ---- */
/* Mark the client's tiles covering the rectangle dirty. */
void vnc_mark_dirty(VncState *vs, int x, int y, int w, int h);
/* (Re)size the client's dirty map for the surface and mark everything dirty. */
void vnc_reset_dirty(VncState *vs, const DisplaySurface *s);
/*
 * If the client asked for an update and there is something to send (a new
 * size or dirty tiles) and its output is below the high water mark: append one
 * FramebufferUpdate and clear what it covers.
 */
void vnc_send_update(VncState *vs, const DisplaySurface *s);
void vnc_encoder_free(VncState *vs);

#endif
