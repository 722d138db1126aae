/*
 * The pure half of the gdbstub: GDB Remote Serial Protocol framing, hex
 * helpers and the parsers of command arguments. Nothing here touches a
 * socket or a CPU, so every malformed input can be unit-tested.
 *
 * Reference: GDB manual, appendix "Remote Protocol" (sections "Overview",
 * "Packets", "Stop Reply Packets", "General Query Packets", "Binary Data").
 *
 * Contract: parsers take the argument text after the command letter(s) as
 * (pointer, length), never read past length, and return false on any
 * malformed, overflowing or oversize input; the caller answers "E22".
 */
#ifndef GDBSTUB_PACKET_H
#define GDBSTUB_PACKET_H

#include "common.h"

/* Largest payload we accept and send; advertised as PacketSize (in hex) by qSupported. */
#define GDB_PACKET_MAX 4096
/* Largest framed packet: '$', every payload byte escaped, '#', two checksum digits. */
#define GDB_FRAME_MAX (2 * GDB_PACKET_MAX + 4)
/* An 'm' reply is hex, two characters a byte. */
#define GDB_MEM_MAX (GDB_PACKET_MAX / 2)

/* ---- receiving: a byte-at-a-time state machine, so packets may be split across reads ---- */

typedef enum GdbRxEvent {
    GDB_RX_NONE,      /* byte consumed, nothing to act on yet */
    GDB_RX_PACKET,    /* good checksum: rx->data[0..rx->len) holds the unescaped payload */
    GDB_RX_BAD_CSUM,  /* checksum mismatch or non-hex checksum: answer '-' */
    GDB_RX_REJECTED,  /* good checksum but oversize or run-length encoded: ack, answer E22 */
    GDB_RX_INTERRUPT, /* 0x03 between packets (Ctrl-C) */
    GDB_RX_ACK,       /* '+' */
    GDB_RX_NAK,       /* '-': resend the last packet */
} GdbRxEvent;

typedef struct GdbRx {
    int state;
    char data[GDB_PACKET_MAX + 1]; /* NUL-terminated, but binary data may hold NULs */
    size_t len;
    uint8_t sum;     /* running checksum of the raw bytes between '$' and '#' */
    uint8_t csum_hi; /* first checksum digit */
    bool escaped;    /* previous data byte was '}' */
    bool oversize;
    bool run_length; /* '*' seen: run-length encoding, which gdb does not send */
} GdbRx;

void gdb_rx_init(GdbRx *rx);
GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t c);

/* ---- sending ---- */

/* Frame data as "$payload#cs" into out (escaping '$', '#', '}' and '*'); returns the framed
 * length, or 0 if len exceeds GDB_PACKET_MAX. out must hold GDB_FRAME_MAX bytes. */
size_t gdb_frame_packet(const char *data, size_t len, char *out);

/* ---- hex ---- */

int gdb_hex_digit(int c); /* 0..15, or -1 if not a hex digit */
/* Writes 2 * n hex digits and a NUL into out. */
void gdb_bytes_to_hex(const void *bytes, size_t n, char *out);
/* Decodes exactly nhex digits (must be even) into nhex / 2 bytes; false on a non-hex digit. */
bool gdb_hex_to_bytes(const char *hex, size_t nhex, uint8_t *out);
/* Parses one or more hex digits at *p (before end) into *val, advancing *p; false if there
 * is no digit or the value overflows 64 bits. */
bool gdb_parse_hex(const char **p, const char *end, uint64_t *val);

/* ---- command arguments (text after the command letter) ---- */

/* m: "addr,length"; length at most GDB_MEM_MAX. */
bool gdb_parse_mem_read(const char *a, size_t n, uint64_t *addr, uint64_t *len);
/* M: "addr,length:hex"; decodes into buf (GDB_MEM_MAX bytes); the hex must match length. */
bool gdb_parse_mem_write_hex(const char *a, size_t n, uint64_t *addr, uint64_t *len, uint8_t *buf);
/* X: "addr,length:binary" (already unescaped); *data points into a; sizes must match. */
bool gdb_parse_mem_write_bin(const char *a, size_t n, uint64_t *addr, uint64_t *len,
                             const uint8_t **data);
/* Z/z: "type,addr,kind" with optional ";cond" extensions (ignored); type 0..4. */
bool gdb_parse_breakpoint(const char *a, size_t n, int *type, uint64_t *addr, uint64_t *kind);
/* p: "regnum" (hex). */
bool gdb_parse_reg_read(const char *a, size_t n, int *reg);
/* P: "regnum=hexvalue"; decodes at most cap bytes into buf, the size into *len. */
bool gdb_parse_reg_write(const char *a, size_t n, int *reg, uint8_t *buf, size_t cap, size_t *len);
/* A thread id: "-1" (all threads), "0" (any thread) or positive hex. */
#define GDB_THREAD_ALL (-1)
#define GDB_THREAD_ANY 0
bool gdb_parse_thread_id(const char *a, size_t n, int64_t *id);
/* c/s: "" or "addr" (resume address). */
bool gdb_parse_resume_addr(const char *a, size_t n, bool *has_addr, uint64_t *addr);

/* vCont: ";action[:thread-id]"... (the text after "vCont"). */
typedef struct GdbVContAction {
    char action;    /* 'c' or 's' ('C'/'S' are folded in: we deliver no signals) */
    int64_t thread; /* GDB_THREAD_ALL when no thread is named */
} GdbVContAction;
#define GDB_VCONT_MAX 64
/* Returns the number of actions (>= 1), or -1 on a malformed or unsupported action. */
int gdb_parse_vcont(const char *a, size_t n, GdbVContAction *acts, int max);

/* qXfer:features:read: "annex:offset,length" (the text after "qXfer:features:read:").
 * The annex is copied NUL-terminated into annex (annex_cap bytes). */
bool gdb_parse_qxfer(const char *a, size_t n, char *annex, size_t annex_cap, uint64_t *offset,
                     uint64_t *len);

#endif
