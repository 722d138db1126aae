/*
 * The VNC server (RFB 3.8, RFC 6143; 3.3 and 3.7 clients too): -vnc
 * :N[,password=on] / -display vnc=:N (TCP port 5900+N), or -vnc unix:PATH.
 * It shows console 0 and feeds keys and the pointer to the input layer.
 * One display per process, like QEMU's "default" one.
 */
#ifndef UI_VNC_H
#define UI_VNC_H

#include "common.h"
#include "util/error.h"

#define VNC_MAX_CLIENTS 16

typedef struct VncPeerInfo {
    char host[64];
    char service[128];  /* the port, or a UNIX socket's path (QEMU puts it there) */
    const char *family; /* "ipv4", "ipv6", "unix" */
} VncPeerInfo;

typedef struct VncInfo {
    bool enabled;
    VncPeerInfo server;
    const char *auth; /* "none" or "vnc" */
    int nclients;
    VncPeerInfo clients[VNC_MAX_CLIENTS];
} VncInfo;

/* Start the server for a -vnc argument ("none" does nothing); false + errp if it cannot. */
bool vnc_display_open(const char *spec, Error **errp);
/* What query-vnc and info vnc report. */
void vnc_query_info(VncInfo *info);
/* change-vnc-password: only with password auth; "Could not set password" otherwise. */
bool vnc_set_password(const char *password, Error **errp);
bool vnc_password_auth_enabled(void);

/* ---- for the server's own files and its unit test ---- */

/* An RFB PIXEL_FORMAT (RFC 6143 7.4). */
typedef struct VncPixelFormat {
    uint8_t bits_per_pixel, depth, big_endian, true_colour;
    uint16_t red_max, green_max, blue_max;
    uint8_t red_shift, green_shift, blue_shift;
} VncPixelFormat;

/* Parse 16 wire bytes; false if we cannot serve it (not true colour, bpp not 8/16/32, ...). */
bool vnc_pixel_format_parse(const uint8_t *wire, VncPixelFormat *pf);
/* One xRGB pixel in the client's format: bits_per_pixel / 8 bytes into out. */
void vnc_convert_pixel(const VncPixelFormat *pf, uint32_t xrgb, uint8_t *out);
/* Encrypt the 16-byte challenge with the password as RFB's VNC authentication does. */
void vnc_auth_response(const char *password, const uint8_t challenge[16], uint8_t response[16]);

#endif
