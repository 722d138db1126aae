/*
 * Fuzzer: the gdb remote protocol parser (gdbstub/packet.c), the input being the bytes a gdb
 * client sends. Every byte goes through the receive state machine; every packet it accepts
 * goes to the argument parser its command letter selects, as the stub would.
 *
 * Checked: no crash or sanitizer report; an accepted payload fits GDB_PACKET_MAX; framing the
 * payload again and receiving it gives back the same bytes (escaping round trip); hex round
 * trips; and each parser's promise from packet.h on success (lengths within their limits,
 * pointers inside the argument, breakpoint types 0..4, thread ids -1, 0 or positive).
 */
#include "fuzz-common.h"
#include "gdbstub/packet.h"

/* Receiving what gdb_frame_packet made of the payload yields the payload again. */
static void check_reframe(const char *data, size_t len)
{
    static char frame[GDB_FRAME_MAX];
    static GdbRx rx;
    size_t n = gdb_frame_packet(data, len, frame);
    GdbRxEvent ev = GDB_RX_NONE;

    FUZZ_CHECK(n > 0 && n <= GDB_FRAME_MAX, "frame of %zu bytes", n);
    gdb_rx_init(&rx);
    for (size_t i = 0; i < n; i++) {
        ev = gdb_rx_byte(&rx, (uint8_t)frame[i]);
        FUZZ_CHECK(i + 1 == n || ev == GDB_RX_NONE, "event %d inside our own frame", ev);
    }
    FUZZ_CHECK(ev == GDB_RX_PACKET, "our own frame gives event %d", ev);
    FUZZ_CHECK(rx.len == len && !memcmp(rx.data, data, len), "payload changed by framing");
}

static void check_hex(const char *data, size_t len)
{
    static char hex[2 * GDB_PACKET_MAX + 1];
    static uint8_t back[GDB_PACKET_MAX];
    const char *p = data;
    uint64_t v;

    gdb_bytes_to_hex(data, len, hex);
    FUZZ_CHECK(strlen(hex) == 2 * len, "hex of %zu bytes", len);
    FUZZ_CHECK(gdb_hex_to_bytes(hex, 2 * len, back) && !memcmp(back, data, len), "hex round trip");
    if (gdb_parse_hex(&p, data + len, &v)) {
        FUZZ_CHECK(p > data && p <= data + len, "gdb_parse_hex moved outside its input");
    }
}

static void parse_command(const char *d, size_t n)
{
    static uint8_t buf[GDB_MEM_MAX];
    static GdbVContAction acts[GDB_VCONT_MAX];
    const char *a = d + 1;
    size_t an = n - 1;
    uint64_t addr, len, kind;
    const uint8_t *bin;
    int type, reg, nact;
    int64_t thread;
    size_t rlen;
    bool has_addr;
    char annex[32];

    switch (d[0]) {
    case 'm':
        if (gdb_parse_mem_read(a, an, &addr, &len)) {
            FUZZ_CHECK(len <= GDB_MEM_MAX, "m: length %llu", (unsigned long long)len);
        }
        break;
    case 'M':
        if (gdb_parse_mem_write_hex(a, an, &addr, &len, buf)) {
            FUZZ_CHECK(len <= GDB_MEM_MAX, "M: length %llu", (unsigned long long)len);
        }
        break;
    case 'X':
        if (gdb_parse_mem_write_bin(a, an, &addr, &len, &bin)) {
            FUZZ_CHECK((const char *)bin >= a && len <= an && (const char *)bin + len <= a + an,
                       "X: data outside the packet");
        }
        break;
    case 'Z':
    case 'z':
        if (gdb_parse_breakpoint(a, an, &type, &addr, &kind)) {
            FUZZ_CHECK(type >= 0 && type <= 4, "Z: type %d", type);
        }
        break;
    case 'p':
        if (gdb_parse_reg_read(a, an, &reg)) {
            FUZZ_CHECK(reg >= 0, "p: register %d", reg);
        }
        break;
    case 'P':
        if (gdb_parse_reg_write(a, an, &reg, buf, 16, &rlen)) {
            FUZZ_CHECK(reg >= 0 && rlen <= 16, "P: register %d, %zu bytes", reg, rlen);
        }
        break;
    case 'H':
    case 'T':
        if (gdb_parse_thread_id(a + (d[0] == 'H' && an), an - (d[0] == 'H' && an), &thread)) {
            FUZZ_CHECK(thread >= GDB_THREAD_ALL, "thread id %lld", (long long)thread);
        }
        break;
    case 'c':
    case 's':
        gdb_parse_resume_addr(a, an, &has_addr, &addr);
        break;
    case 'v':
        if (n >= 5 && !memcmp(d, "vCont", 5)) {
            nact = gdb_parse_vcont(d + 5, n - 5, acts, GDB_VCONT_MAX);
            FUZZ_CHECK(nact == -1 || (nact >= 1 && nact <= GDB_VCONT_MAX), "vCont: %d", nact);
            for (int i = 0; i < nact; i++) {
                FUZZ_CHECK(acts[i].action == 'c' || acts[i].action == 's', "vCont action %c",
                           acts[i].action);
            }
        }
        break;
    case 'q':
        if (n >= 20 && !memcmp(d, "qXfer:features:read:", 20) &&
            gdb_parse_qxfer(d + 20, n - 20, annex, sizeof(annex), &addr, &len)) {
            FUZZ_CHECK(memchr(annex, '\0', sizeof(annex)), "qXfer: annex not terminated");
        }
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static GdbRx rx;

    gdb_rx_init(&rx);
    for (size_t i = 0; i < size; i++) {
        GdbRxEvent ev = gdb_rx_byte(&rx, data[i]);

        FUZZ_CHECK(ev >= GDB_RX_NONE && ev <= GDB_RX_NAK, "event %d", ev);
        if (ev != GDB_RX_PACKET) {
            continue;
        }
        FUZZ_CHECK(rx.len <= GDB_PACKET_MAX, "payload of %zu bytes", rx.len);
        check_reframe(rx.data, rx.len);
        check_hex(rx.data, rx.len);
        if (rx.len) {
            parse_command(rx.data, rx.len);
        }
    }
    return 0;
}
