/*
 * GDB Remote Serial Protocol: packet framing, hex helpers and argument
 * parsers (the socket-free half of the gdbstub, see include/gdbstub/packet.h).
 *
 * Reference: GDB manual, appendix "Remote Protocol": "Overview" (framing
 * "$data#cs", the modulo-256 checksum, '+'/'-' acknowledgments, '}' escapes,
 * run-length encoding with '*'), "Binary Data", "Packets" (m, M, X, p, P, Z,
 * vCont, H) and "Interrupts" (a bare 0x03 byte).
 */
#include "gdbstub/packet.h"

#include <limits.h>

enum {
    RX_IDLE,  /* between packets: acks, Ctrl-C and noise */
    RX_DATA,  /* after '$' */
    RX_CSUM1, /* after '#' */
    RX_CSUM2,
};

#define ESCAPE_CHAR '}'
#define ESCAPE_XOR 0x20
#define INTERRUPT_CHAR 0x03

void gdb_rx_init(GdbRx *rx)
{
    memset(rx, 0, sizeof(*rx));
    rx->state = RX_IDLE;
}

static void rx_start(GdbRx *rx)
{
    gdb_rx_init(rx);
    rx->state = RX_DATA;
}

static void rx_store(GdbRx *rx, uint8_t c)
{
    if (rx->len < GDB_PACKET_MAX) {
        rx->data[rx->len++] = (char)c;
    } else {
        /* Keep consuming up to '#' so the stream stays in sync; the packet is answered E22. */
        rx->oversize = true;
    }
}

static GdbRxEvent rx_idle(GdbRx *rx, uint8_t c)
{
    switch (c) {
    case '$':
        rx_start(rx);
        return GDB_RX_NONE;
    case '+':
        return GDB_RX_ACK;
    case '-':
        return GDB_RX_NAK;
    case INTERRUPT_CHAR:
        return GDB_RX_INTERRUPT;
    default:
        return GDB_RX_NONE; /* noise before '$' is skipped, as the protocol allows */
    }
}

static void rx_data(GdbRx *rx, uint8_t c)
{
    if (c == '$') {
        /* A raw '$' never occurs inside a packet (binary data escapes it): gdb restarted. */
        rx_start(rx);
        return;
    }
    if (c == '#' && !rx->escaped) {
        rx->state = RX_CSUM1;
        return;
    }
    rx->sum += c;
    if (rx->escaped) {
        rx->escaped = false;
        rx_store(rx, c ^ ESCAPE_XOR);
    } else if (c == ESCAPE_CHAR) {
        rx->escaped = true;
    } else {
        rx->run_length |= c == '*';
        rx_store(rx, c);
    }
}

static GdbRxEvent rx_checksum_done(GdbRx *rx, int lo)
{
    uint8_t csum = (uint8_t)(rx->csum_hi << 4 | lo);

    rx->state = RX_IDLE;
    if (csum != rx->sum) {
        return GDB_RX_BAD_CSUM;
    }
    if (rx->oversize || rx->run_length) {
        return GDB_RX_REJECTED;
    }
    rx->data[rx->len] = '\0';
    return GDB_RX_PACKET;
}

GdbRxEvent gdb_rx_byte(GdbRx *rx, uint8_t c)
{
    int digit;

    switch (rx->state) {
    case RX_DATA:
        rx_data(rx, c);
        return GDB_RX_NONE;
    case RX_CSUM1:
        digit = gdb_hex_digit(c);
        if (digit < 0) {
            rx->state = RX_IDLE;
            return GDB_RX_BAD_CSUM;
        }
        rx->csum_hi = (uint8_t)digit;
        rx->state = RX_CSUM2;
        return GDB_RX_NONE;
    case RX_CSUM2:
        digit = gdb_hex_digit(c);
        if (digit < 0) {
            rx->state = RX_IDLE;
            return GDB_RX_BAD_CSUM;
        }
        return rx_checksum_done(rx, digit);
    default:
        return rx_idle(rx, c);
    }
}

size_t gdb_frame_packet(const char *data, size_t len, char *out)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    uint8_t sum = 0;

    if (len > GDB_PACKET_MAX) {
        return 0;
    }
    out[o++] = '$';
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)data[i];

        if (c == '$' || c == '#' || c == ESCAPE_CHAR || c == '*') {
            out[o++] = ESCAPE_CHAR;
            sum += ESCAPE_CHAR;
            c ^= ESCAPE_XOR;
        }
        out[o++] = (char)c;
        sum += c;
    }
    out[o++] = '#';
    out[o++] = hex[sum >> 4];
    out[o++] = hex[sum & 0xf];
    return o;
}

/* ---- hex ---- */

int gdb_hex_digit(int c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

void gdb_bytes_to_hex(const void *bytes, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    const uint8_t *b = bytes;

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[b[i] >> 4];
        out[2 * i + 1] = hex[b[i] & 0xf];
    }
    out[2 * n] = '\0';
}

bool gdb_hex_to_bytes(const char *hex, size_t nhex, uint8_t *out)
{
    if (nhex % 2) {
        return false;
    }
    for (size_t i = 0; i < nhex; i += 2) {
        int hi = gdb_hex_digit((uint8_t)hex[i]);
        int lo = gdb_hex_digit((uint8_t)hex[i + 1]);

        if (hi < 0 || lo < 0) {
            return false;
        }
        out[i / 2] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool gdb_parse_hex(const char **p, const char *end, uint64_t *val)
{
    const char *s = *p;
    uint64_t v = 0;
    int digit;

    if (s >= end || gdb_hex_digit((uint8_t)*s) < 0) {
        return false;
    }
    for (; s < end && (digit = gdb_hex_digit((uint8_t)*s)) >= 0; s++) {
        if (v >> 60) {
            return false; /* a 17th significant digit */
        }
        v = v << 4 | (uint64_t)digit;
    }
    *p = s;
    *val = v;
    return true;
}

/* ---- argument parsers ---- */

static bool expect_char(const char **p, const char *end, char c)
{
    if (*p >= end || **p != c) {
        return false;
    }
    (*p)++;
    return true;
}

/* [addr, addr + len) must not wrap around the 64-bit address space. */
static bool range_ok(uint64_t addr, uint64_t len)
{
    return len == 0 || addr <= UINT64_MAX - (len - 1);
}

/* "addr,len" followed by `delim` (or the end of the text if delim is '\0'). */
static bool parse_addr_len(const char **p, const char *end, uint64_t *addr, uint64_t *len,
                           char delim)
{
    if (!gdb_parse_hex(p, end, addr) || !expect_char(p, end, ',') || !gdb_parse_hex(p, end, len) ||
        !range_ok(*addr, *len)) {
        return false;
    }
    return delim ? expect_char(p, end, delim) : *p == end;
}

bool gdb_parse_mem_read(const char *a, size_t n, uint64_t *addr, uint64_t *len)
{
    return parse_addr_len(&a, a + n, addr, len, '\0') && *len > 0 && *len <= GDB_MEM_MAX;
}

bool gdb_parse_mem_write_hex(const char *a, size_t n, uint64_t *addr, uint64_t *len, uint8_t *buf)
{
    const char *end = a + n;

    if (!parse_addr_len(&a, end, addr, len, ':') || *len > GDB_MEM_MAX) {
        return false;
    }
    return (uint64_t)(end - a) == 2 * *len && gdb_hex_to_bytes(a, (size_t)(end - a), buf);
}

bool gdb_parse_mem_write_bin(const char *a, size_t n, uint64_t *addr, uint64_t *len,
                             const uint8_t **data)
{
    const char *end = a + n;

    if (!parse_addr_len(&a, end, addr, len, ':') || (uint64_t)(end - a) != *len) {
        return false;
    }
    *data = (const uint8_t *)a;
    return true;
}

bool gdb_parse_breakpoint(const char *a, size_t n, int *type, uint64_t *addr, uint64_t *kind)
{
    const char *end = a + n;
    uint64_t t;

    if (!gdb_parse_hex(&a, end, &t) || t > 4 || !expect_char(&a, end, ',') ||
        !gdb_parse_hex(&a, end, addr) || !expect_char(&a, end, ',') ||
        !gdb_parse_hex(&a, end, kind)) {
        return false;
    }
    *type = (int)t;
    /* ";X..." condition and ";cmds" lists are optional extensions we do not evaluate. */
    return a == end || *a == ';';
}

static bool parse_small_hex(const char **p, const char *end, int *val)
{
    uint64_t v;

    if (!gdb_parse_hex(p, end, &v) || v > INT_MAX) {
        return false;
    }
    *val = (int)v;
    return true;
}

bool gdb_parse_reg_read(const char *a, size_t n, int *reg)
{
    const char *end = a + n;

    return parse_small_hex(&a, end, reg) && a == end;
}

bool gdb_parse_reg_write(const char *a, size_t n, int *reg, uint8_t *buf, size_t cap, size_t *len)
{
    const char *end = a + n;
    size_t nhex;

    if (!parse_small_hex(&a, end, reg) || !expect_char(&a, end, '=')) {
        return false;
    }
    nhex = (size_t)(end - a);
    if (nhex == 0 || nhex / 2 > cap || !gdb_hex_to_bytes(a, nhex, buf)) {
        return false;
    }
    *len = nhex / 2;
    return true;
}

/* Only single-process thread ids: multiprocess is not advertised ("multiprocess-"). */
static bool parse_thread(const char **p, const char *end, int64_t *id)
{
    int v;

    if (end - *p >= 2 && (*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *id = GDB_THREAD_ALL;
        return true;
    }
    if (!parse_small_hex(p, end, &v)) {
        return false;
    }
    *id = v;
    return true;
}

bool gdb_parse_thread_id(const char *a, size_t n, int64_t *id)
{
    const char *end = a + n;

    return parse_thread(&a, end, id) && a == end;
}

bool gdb_parse_resume_addr(const char *a, size_t n, bool *has_addr, uint64_t *addr)
{
    const char *end = a + n;

    *has_addr = n > 0;
    return n == 0 || (gdb_parse_hex(&a, end, addr) && a == end);
}

/* One vCont action after its ';': "c", "s", "Csig", "Ssig", each with an optional ":tid". */
static bool parse_vcont_action(const char **p, const char *end, GdbVContAction *act)
{
    uint64_t sig;
    char c;

    if (*p >= end) {
        return false;
    }
    c = *(*p)++;
    if (c == 'C' || c == 'S') {
        /* The signal is accepted and dropped: a system emulator has no signals to deliver. */
        if (!gdb_parse_hex(p, end, &sig) || sig > 0xff) {
            return false;
        }
        c = c == 'C' ? 'c' : 's';
    } else if (c != 'c' && c != 's') {
        return false; /* 't' (non-stop) and 'r' (range step) are not advertised */
    }
    act->action = c;
    act->thread = GDB_THREAD_ALL;
    if (*p < end && **p == ':') {
        (*p)++;
        return parse_thread(p, end, &act->thread);
    }
    return true;
}

int gdb_parse_vcont(const char *a, size_t n, GdbVContAction *acts, int max)
{
    const char *end = a + n;
    int count = 0;

    if (n == 0) {
        return -1;
    }
    while (a < end) {
        if (count >= max || !expect_char(&a, end, ';') ||
            !parse_vcont_action(&a, end, &acts[count])) {
            return -1;
        }
        count++;
    }
    return count;
}

bool gdb_parse_qxfer(const char *a, size_t n, char *annex, size_t annex_cap, uint64_t *offset,
                     uint64_t *len)
{
    const char *end = a + n;
    const char *colon = memchr(a, ':', n);
    size_t annex_len;

    if (!colon) {
        return false;
    }
    annex_len = (size_t)(colon - a);
    if (annex_len == 0 || annex_len >= annex_cap || memchr(a, '\0', annex_len)) {
        return false;
    }
    memcpy(annex, a, annex_len);
    annex[annex_len] = '\0';
    a = colon + 1;
    return gdb_parse_hex(&a, end, offset) && expect_char(&a, end, ',') &&
           gdb_parse_hex(&a, end, len) && a == end;
}
