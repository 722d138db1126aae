/*
 * Unit tests for the socket-free half of the gdbstub (gdbstub/packet.c):
 * framing (checksums, escapes, packets split across reads, oversize and
 * run-length encoded packets, noise before '$', Ctrl-C), the hex helpers and
 * the argument parsers fed malformed input. Reference: GDB manual, appendix
 * "Remote Protocol".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "gdbstub/packet.h"

/* A string literal as (pointer, length). */
#define S(str) (str), strlen(str)

/* Feed bytes; return the last event that was not GDB_RX_NONE (or NONE). */
static GdbRxEvent feed(GdbRx *rx, const char *bytes, size_t n)
{
    GdbRxEvent last = GDB_RX_NONE;

    for (size_t i = 0; i < n; i++) {
        GdbRxEvent ev = gdb_rx_byte(rx, (uint8_t)bytes[i]);

        if (ev != GDB_RX_NONE) {
            last = ev;
        }
    }
    return last;
}

static GdbRxEvent feed_str(GdbRx *rx, const char *s)
{
    return feed(rx, s, strlen(s));
}

/* "$raw#cs" with the checksum of the raw (already escaped) bytes. */
static char *frame_raw(const char *raw, size_t n)
{
    uint8_t sum = 0;
    char *out = xmalloc(n + 5);

    for (size_t i = 0; i < n; i++) {
        sum += (uint8_t)raw[i];
    }
    out[0] = '$';
    memcpy(out + 1, raw, n);
    snprintf(out + 1 + n, 4, "#%02x", sum);
    return out;
}

static void test_checksum(void **state)
{
    GdbRx rx;

    gdb_rx_init(&rx);
    assert_int_equal(feed_str(&rx, "$g#67"), GDB_RX_PACKET);
    assert_int_equal(rx.len, 1);
    assert_string_equal(rx.data, "g");
    assert_int_equal(feed_str(&rx, "$g#68"), GDB_RX_BAD_CSUM);
    assert_int_equal(feed_str(&rx, "$g#6"), GDB_RX_NONE);
    assert_int_equal(feed_str(&rx, "z"), GDB_RX_BAD_CSUM); /* non-hex checksum digit */
    assert_int_equal(feed_str(&rx, "$g#x7"), GDB_RX_BAD_CSUM);
    /* Upper-case checksum digits are hex too; the stream recovers after errors. */
    assert_int_equal(feed_str(&rx, "$m0,1#c2"), GDB_RX_BAD_CSUM);
    assert_int_equal(feed_str(&rx, "$m0,1#FA"), GDB_RX_PACKET);
    assert_string_equal(rx.data, "m0,1");
    assert_int_equal(feed_str(&rx, "$m0,1#fa"), GDB_RX_PACKET);
    assert_int_equal(feed_str(&rx, "$#00"), GDB_RX_PACKET);
    assert_int_equal(rx.len, 0);
}

static void test_acks_interrupt_noise(void **state)
{
    GdbRx rx;

    gdb_rx_init(&rx);
    assert_int_equal(gdb_rx_byte(&rx, '+'), GDB_RX_ACK);
    assert_int_equal(gdb_rx_byte(&rx, '-'), GDB_RX_NAK);
    assert_int_equal(gdb_rx_byte(&rx, 0x03), GDB_RX_INTERRUPT);
    /* Garbage before '$' is skipped. */
    assert_int_equal(feed_str(&rx, "junk\x01\xff#00 $g#67"), GDB_RX_PACKET);
    assert_string_equal(rx.data, "g");
    /* Inside a packet 0x03 is data, not an interrupt. */
    {
        char *f = frame_raw("X0,1:\x03", 6);

        assert_int_equal(feed_str(&rx, f), GDB_RX_PACKET);
        assert_int_equal(rx.len, 6);
        assert_int_equal(rx.data[5], 0x03);
        free(f);
    }
    /* A '$' inside a packet restarts it (gdb resynchronised). */
    assert_int_equal(feed_str(&rx, "$m10$g#67"), GDB_RX_PACKET);
    assert_string_equal(rx.data, "g");
}

static void test_split_reads(void **state)
{
    GdbRx rx;
    char *pkt = frame_raw(S("qSupported:multiprocess+"));

    gdb_rx_init(&rx);
    for (size_t cut = 1; cut < strlen(pkt); cut++) {
        assert_int_equal(feed(&rx, pkt, cut), GDB_RX_NONE);
        assert_int_equal(feed_str(&rx, pkt + cut), GDB_RX_PACKET);
        assert_string_equal(rx.data, "qSupported:multiprocess+");
    }
    free(pkt);
}

static void test_escapes(void **state)
{
    GdbRx rx;
    /* X with the bytes '#', '$', '}', '*' and NUL, each escaped except NUL. */
    const char raw[] = "X0,5:}\x03}\x04}]}\x0a\0";
    char *f = frame_raw(raw, sizeof(raw) - 1);

    gdb_rx_init(&rx);
    assert_int_equal(feed(&rx, f, 1 + sizeof(raw) - 1 + 3), GDB_RX_PACKET);
    assert_int_equal(rx.len, 10);
    assert_memory_equal(rx.data + 5, "#$}*\0", 5);
    free(f);
    /* An escape just before '#' leaves the '#' as the escaped byte: no checksum follows. */
    assert_int_equal(feed_str(&rx, "$a}#00"), GDB_RX_NONE);
    assert_int_equal(feed_str(&rx, "#00"), GDB_RX_BAD_CSUM);
}

static void test_oversize_and_rle(void **state)
{
    size_t n = GDB_PACKET_MAX + 100;
    char *raw = xmalloc(n);
    char *f;
    GdbRx rx;

    memset(raw, 'a', n);
    f = frame_raw(raw, n);
    gdb_rx_init(&rx);
    assert_int_equal(feed(&rx, f, n + 4), GDB_RX_REJECTED);
    assert_int_equal(rx.len, GDB_PACKET_MAX);
    free(f);
    /* Exactly GDB_PACKET_MAX bytes is fine. */
    f = frame_raw(raw, GDB_PACKET_MAX);
    assert_int_equal(feed(&rx, f, GDB_PACKET_MAX + 4), GDB_RX_PACKET);
    assert_int_equal(rx.len, GDB_PACKET_MAX);
    free(f);
    free(raw);
    /* Run-length encoding ("0* " = "0000") is refused, not decoded. */
    f = frame_raw("m0* ", 4);
    assert_int_equal(feed_str(&rx, f), GDB_RX_REJECTED);
    free(f);
    assert_int_equal(feed_str(&rx, "$g#67"), GDB_RX_PACKET);
}

static void test_frame_packet(void **state)
{
    char out[GDB_FRAME_MAX];
    char *big = xzalloc(GDB_PACKET_MAX + 1);
    size_t n;
    GdbRx rx;

    n = gdb_frame_packet("OK", 2, out);
    assert_int_equal(n, 6);
    assert_memory_equal(out, "$OK#9a", 6);
    n = gdb_frame_packet("", 0, out);
    assert_memory_equal(out, "$#00", n);
    /* Special bytes are escaped and survive a round trip through the receiver. */
    n = gdb_frame_packet("l<a>#$}*", 8, out);
    assert_int_equal(n, 8 + 4 + 4);
    gdb_rx_init(&rx);
    assert_int_equal(feed(&rx, out, n), GDB_RX_PACKET);
    assert_memory_equal(rx.data, "l<a>#$}*", 8);
    /* Every byte escaped still fits the frame buffer; one byte too many is refused. */
    memset(big, '}', GDB_PACKET_MAX);
    assert_int_equal(gdb_frame_packet(big, GDB_PACKET_MAX, out), GDB_FRAME_MAX);
    assert_int_equal(gdb_frame_packet(big, GDB_PACKET_MAX + 1, out), 0);
    free(big);
}

static void test_hex(void **state)
{
    uint8_t bytes[4];
    char hex[9];
    const char *p, *s;
    uint64_t v;

    assert_int_equal(gdb_hex_digit('0'), 0);
    assert_int_equal(gdb_hex_digit('f'), 15);
    assert_int_equal(gdb_hex_digit('F'), 15);
    assert_int_equal(gdb_hex_digit('g'), -1);
    assert_int_equal(gdb_hex_digit(0), -1);
    gdb_bytes_to_hex("\x01\xab\xff\x00", 4, hex);
    assert_string_equal(hex, "01abff00");
    assert_true(gdb_hex_to_bytes("01ABff00", 8, bytes));
    assert_memory_equal(bytes, "\x01\xab\xff\x00", 4);
    assert_false(gdb_hex_to_bytes("012", 3, bytes));
    assert_false(gdb_hex_to_bytes("0g", 2, bytes));
    s = "ffffffffffffffff,";
    p = s;
    assert_true(gdb_parse_hex(&p, s + strlen(s), &v));
    assert_true(v == UINT64_MAX);
    assert_int_equal(*p, ',');
    s = "0000000000000000000001"; /* leading zeros do not overflow */
    p = s;
    assert_true(gdb_parse_hex(&p, s + strlen(s), &v));
    assert_true(v == 1);
    s = "10000000000000000";
    p = s;
    assert_false(gdb_parse_hex(&p, s + strlen(s), &v));
    p = s;
    assert_false(gdb_parse_hex(&p, s, &v)); /* empty range: never reads *end */
    s = ",1";
    p = s;
    assert_false(gdb_parse_hex(&p, s + 2, &v));
    /* The length bounds the parse even if digits follow. */
    s = "12345";
    p = s;
    assert_true(gdb_parse_hex(&p, s + 2, &v));
    assert_true(v == 0x12);
}

static void test_parse_mem_read(void **state)
{
    uint64_t addr, len;

    assert_true(gdb_parse_mem_read(S("1000,4"), &addr, &len));
    assert_true(addr == 0x1000 && len == 4);
    assert_true(gdb_parse_mem_read(S("fffffffffffffffe,2"), &addr, &len));
    static const char *const bad[] = {
        "",
        "1000",
        "1000,",
        ",4",
        "zz,4",
        "1000,4x",
        "1000;4",
        "1000,0",
        "1000,801",
        "ffffffffffffffff,2",
        "10000000000000000,1",
        "1000,ffffffffffffffff",
        "-1,4",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(gdb_parse_mem_read(S(bad[i]), &addr, &len));
    }
    /* Length-bounded: the digits after n are not read. */
    assert_true(gdb_parse_mem_read("10,4ff", 4, &addr, &len));
    assert_true(len == 4);
}

static void test_parse_mem_write(void **state)
{
    uint8_t buf[GDB_MEM_MAX];
    const uint8_t *data;
    uint64_t addr, len;
    char *big;

    assert_true(gdb_parse_mem_write_hex(S("80000000,2:1301"), &addr, &len, buf));
    assert_true(addr == 0x80000000 && len == 2 && buf[0] == 0x13 && buf[1] == 0x01);
    assert_true(gdb_parse_mem_write_hex(S("10,0:"), &addr, &len, buf));
    static const char *const bad_hex[] = {
        "10,2:13",    "10,2:130101", "10,2:13zz", "10,2",
        "10,2;1301",  "10:1301",     "10,2:13 1", "ffffffffffffffff,2:1301",
        "10,1000:00",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad_hex); i++) {
        assert_false(gdb_parse_mem_write_hex(S(bad_hex[i]), &addr, &len, buf));
    }
    /* A length above GDB_MEM_MAX is refused even with matching data: no overflow of buf. */
    big = xasprintf("0,%x:", GDB_MEM_MAX + 1);
    big = xrealloc(big, strlen(big) + 2 * (GDB_MEM_MAX + 1) + 1);
    memset(big + strlen(big), 'a', 2 * (GDB_MEM_MAX + 1));
    big[strlen("0,801:") + 2 * (GDB_MEM_MAX + 1)] = '\0';
    assert_false(gdb_parse_mem_write_hex(S(big), &addr, &len, buf));
    free(big);

    assert_true(gdb_parse_mem_write_bin("20,3:a\0b", 8, &addr, &len, &data));
    assert_true(addr == 0x20 && len == 3);
    assert_memory_equal(data, "a\0b", 3);
    assert_true(gdb_parse_mem_write_bin(S("20,0:"), &addr, &len, &data));
    assert_false(gdb_parse_mem_write_bin(S("20,3:ab"), &addr, &len, &data));
    assert_false(gdb_parse_mem_write_bin(S("20,1:ab"), &addr, &len, &data));
    assert_false(gdb_parse_mem_write_bin(S("20,ffffffffffffffff:a"), &addr, &len, &data));
    assert_false(gdb_parse_mem_write_bin(S("20,3"), &addr, &len, &data));
}

static void test_parse_breakpoint(void **state)
{
    uint64_t addr, kind;
    int type;

    assert_true(gdb_parse_breakpoint(S("0,80000000,4"), &type, &addr, &kind));
    assert_true(type == 0 && addr == 0x80000000 && kind == 4);
    assert_true(gdb_parse_breakpoint(S("1,1000,2;X2,0a"), &type, &addr, &kind));
    assert_int_equal(type, 1);
    assert_true(gdb_parse_breakpoint(S("4,1000,8"), &type, &addr, &kind));
    static const char *const bad[] = {
        "",
        "0",
        "0,",
        "0,1000",
        "0,1000,",
        "0,,4",
        "5,1000,4",
        "x,1,1",
        "0,zz,4",
        "0,1000,4x",
        "00000000000000000000000000000005,1,1",
        "0,10000000000000000,4",
        "garbage;0,1,1",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(gdb_parse_breakpoint(S(bad[i]), &type, &addr, &kind));
    }
}

static void test_parse_registers(void **state)
{
    uint8_t buf[8];
    size_t len;
    int reg;

    assert_true(gdb_parse_reg_read(S("20"), &reg));
    assert_int_equal(reg, 0x20);
    assert_false(gdb_parse_reg_read(S(""), &reg));
    assert_false(gdb_parse_reg_read(S("g"), &reg));
    assert_false(gdb_parse_reg_read(S("20="), &reg));
    assert_false(gdb_parse_reg_read(S("80000000"), &reg)); /* above INT_MAX */
    assert_false(gdb_parse_reg_read(S("-1"), &reg));

    assert_true(gdb_parse_reg_write(S("20=0010000000000000"), &reg, buf, sizeof(buf), &len));
    assert_true(reg == 0x20 && len == 8 && buf[1] == 0x10);
    static const char *const bad[] = {
        "", "20", "20=", "=00", "20=1", "20=zz", "20=001122334455667788", "x=00", "20:00",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(gdb_parse_reg_write(S(bad[i]), &reg, buf, sizeof(buf), &len));
    }
}

static void test_parse_threads_and_resume(void **state)
{
    uint64_t addr;
    bool has;
    int64_t id;

    assert_true(gdb_parse_thread_id(S("-1"), &id));
    assert_true(id == GDB_THREAD_ALL);
    assert_true(gdb_parse_thread_id(S("0"), &id));
    assert_true(id == GDB_THREAD_ANY);
    assert_true(gdb_parse_thread_id(S("1f"), &id));
    assert_true(id == 0x1f);
    static const char *const bad[] = {"", "-", "-2", "-10", "p1.1", "1x", "ffffffffff"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(gdb_parse_thread_id(S(bad[i]), &id));
    }

    assert_true(gdb_parse_resume_addr(S(""), &has, &addr));
    assert_false(has);
    assert_true(gdb_parse_resume_addr(S("80000000"), &has, &addr));
    assert_true(has && addr == 0x80000000);
    assert_false(gdb_parse_resume_addr(S("8000zz"), &has, &addr));
    assert_false(gdb_parse_resume_addr(S(";1"), &has, &addr));
}

static void test_parse_vcont(void **state)
{
    GdbVContAction acts[4];
    char many[64] = "";

    assert_int_equal(gdb_parse_vcont(S(";c"), acts, 4), 1);
    assert_true(acts[0].action == 'c' && acts[0].thread == GDB_THREAD_ALL);
    assert_int_equal(gdb_parse_vcont(S(";s:1;c"), acts, 4), 2);
    assert_true(acts[0].action == 's' && acts[0].thread == 1);
    assert_true(acts[1].action == 'c' && acts[1].thread == GDB_THREAD_ALL);
    assert_int_equal(gdb_parse_vcont(S(";C05:2;S0b"), acts, 4), 2);
    assert_true(acts[0].action == 'c' && acts[0].thread == 2 && acts[1].action == 's');
    assert_int_equal(gdb_parse_vcont(S(";c:-1"), acts, 4), 1);
    static const char *const bad[] = {
        "",    ";",  "c",    ";x",    ";t",     ";r1000,2000", ";s:", ";s:zz",
        ";c;", ";C", ";Czz", ";C100", ";c:1:2", ";s:p1.1",     "?",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(gdb_parse_vcont(S(bad[i]), acts, 4), -1);
    }
    for (int i = 0; i < 5; i++) {
        strcat(many, ";c");
    }
    assert_int_equal(gdb_parse_vcont(S(many), acts, 4), -1); /* more actions than room */
}

static void test_parse_qxfer(void **state)
{
    char annex[16];
    uint64_t off, len;

    assert_true(gdb_parse_qxfer(S("target.xml:0,ffb"), annex, sizeof(annex), &off, &len));
    assert_string_equal(annex, "target.xml");
    assert_true(off == 0 && len == 0xffb);
    static const char *const bad[] = {
        "",
        "target.xml",
        ":0,10",
        "target.xml:",
        "target.xml:0",
        "target.xml:0,",
        "target.xml:z,1",
        "a-very-long-annex-name.xml:0,1",
        "target.xml:0,1,2",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_false(gdb_parse_qxfer(S(bad[i]), annex, sizeof(annex), &off, &len));
    }
    assert_false(gdb_parse_qxfer("a\0b:0,1", 7, annex, sizeof(annex), &off, &len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum),
        cmocka_unit_test(test_acks_interrupt_noise),
        cmocka_unit_test(test_split_reads),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_oversize_and_rle),
        cmocka_unit_test(test_frame_packet),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_parse_mem_read),
        cmocka_unit_test(test_parse_mem_write),
        cmocka_unit_test(test_parse_breakpoint),
        cmocka_unit_test(test_parse_registers),
        cmocka_unit_test(test_parse_threads_and_resume),
        cmocka_unit_test(test_parse_vcont),
        cmocka_unit_test(test_parse_qxfer),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
