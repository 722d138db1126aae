/*
 * Unit tests for character devices: spec errors, the file backend, a TCP
 * server echoing through a frontend, frontend flow control, the mux
 * escape keys (driven end to end through a unix socket client), output that
 * never blocks (back-pressure with a writable watch, the bounded write_all
 * queue, through a mux too), what a pty does with the bytes and the console's batched
 * output.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "chardev/char.h"
#include "system/runstate.h"
#include "util/main-loop.h"

#define LOOP_BOUND 2000

typedef struct TestFrontend {
    CharBackend be;
    uint8_t got[8192];
    int len;
    int budget; /* what can_receive reports; -1 = unlimited */
    bool echo;
} TestFrontend;

static int fe_can_receive(void *opaque)
{
    TestFrontend *fe = opaque;

    return fe->budget < 0 ? (int)sizeof(fe->got) - fe->len : fe->budget;
}

static void fe_receive(void *opaque, const uint8_t *buf, int size)
{
    TestFrontend *fe = opaque;

    assert_true(size <= fe_can_receive(fe));
    memcpy(fe->got + fe->len, buf, size);
    fe->len += size;
    if (fe->budget > 0) {
        fe->budget -= size;
    }
    if (fe->echo) {
        assert_int_equal(char_fe_write_all(&fe->be, buf, size), size);
    }
}

static void fe_attach(TestFrontend *fe, Chardev *chr)
{
    memset(fe, 0, sizeof(*fe));
    fe->budget = -1;
    assert_true(char_fe_init(&fe->be, chr, &error_abort));
    char_fe_set_handlers(&fe->be, fe_can_receive, fe_receive, fe);
}

/* Run the loop until the frontend holds `want` bytes (or give up). */
static void pump_until_len(TestFrontend *fe, int want)
{
    for (int i = 0; i < LOOP_BOUND && fe->len < want; i++) {
        main_loop_wait(false);
    }
}

/* Run the loop and read the client side until `needle` shows up in what it received. */
static bool client_read_until(int fd, char *buf, size_t size, const char *needle)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int i = 0; i < LOOP_BOUND; i++) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        main_loop_wait(true);
        if (poll(&pfd, 1, 5) > 0) {
            ssize_t n = read(fd, buf + len, size - 1 - len);
            if (n > 0) {
                len += n;
                buf[len] = '\0';
            }
        }
        if (strstr(buf, needle)) {
            return true;
        }
    }
    return false;
}

static void client_send(int fd, const char *s)
{
    assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

static void test_bad_specs(void **state)
{
    static const char *const bad[] = {
        "bogus",
        "stdio:x",
        "file",
        "tcp:1234",
        "tcp::0",
        "tcp::0,server=on,frob=1",
        "tcp::0,server=maybe",
        "unix:/nonexistent-dir/x.sock,server=on",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        assert_null(chardev_new_from_spec("bad", bad[i], &err));
        assert_non_null(err);
        error_free(err);
    }
    assert_null(chardev_find("bad"));
}

static void test_file_and_null(void **state)
{
    char path[] = "/tmp/kestrel-test-char-XXXXXX";
    int fd = mkstemp(path);
    Chardev *chr = chardev_new_from_spec("file0", "file:", NULL);
    static TestFrontend fe, fe2; /* outlive the test: their chardevs stay registered */
    char buf[64] = {0};

    assert_null(chr);
    assert_true(fd >= 0);
    chr = chardev_new_from_spec("file0", xasprintf("file:%s", path), &error_abort);
    assert_ptr_equal(chardev_find("file0"), chr);
    fe_attach(&fe, chr);
    assert_int_equal(char_fe_write_all(&fe.be, (const uint8_t *)"hello\n", 6), 6);
    assert_int_equal(read(fd, buf, sizeof(buf)), 6);
    assert_string_equal(buf, "hello\n");
    close(fd);
    unlink(path);

    /* One frontend per plain backend. */
    assert_false(char_fe_init(&fe2.be, chr, NULL));
    assert_null(chardev_new_from_spec("file0", "null", NULL));

    chr = chardev_new_from_spec("null0", "null", &error_abort);
    fe_attach(&fe, chr);
    assert_int_equal(char_fe_write_all(&fe.be, (const uint8_t *)"x", 1), 1);
    main_loop_wait(true);
    assert_int_equal(fe.len, 0);

    /* No chardev at all: writes vanish. */
    assert_true(char_fe_init(&fe.be, NULL, &error_abort));
    assert_int_equal(char_fe_write_all(&fe.be, (const uint8_t *)"x", 1), 0);
}

static int free_tcp_port(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
    close(fd);
    return ntohs(addr.sin_port);
}

static void test_tcp_echo(void **state)
{
    int port = free_tcp_port();
    char *spec = xasprintf("tcp:127.0.0.1:%d,server=on,wait=off", port);
    Chardev *chr = chardev_new_from_spec("tcp0", spec, &error_abort);
    struct sockaddr_in addr = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    static TestFrontend fe; /* outlives the test: its chardev stays registered */
    char buf[64];
    int fd;

    fe_attach(&fe, chr);
    fe.echo = true;
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    client_send(fd, "ping");
    pump_until_len(&fe, 4);
    assert_memory_equal(fe.got, "ping", 4);
    assert_true(client_read_until(fd, buf, sizeof(buf), "ping"));

    /* After a disconnect the server takes a new client. */
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    client_send(fd, "pong");
    pump_until_len(&fe, 8);
    assert_memory_equal(fe.got + 4, "pong", 4);
    close(fd);
    free(spec);
}

static int unix_connect(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    strcpy(addr.sun_path, path);
    assert_int_equal(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
    return fd;
}

static void test_flow_control(void **state)
{
    char *path = xasprintf("/tmp/kestrel-test-char-%d.sock", (int)getpid());
    char *spec = xasprintf("unix:%s,server=on,wait=off", path);
    Chardev *chr = chardev_new_from_spec("unix0", spec, &error_abort);
    static TestFrontend fe; /* outlives the test: its chardev stays registered */
    int fd;

    fe_attach(&fe, chr);
    fe.budget = 2;
    fd = unix_connect(path);
    client_send(fd, "hello");
    pump_until_len(&fe, 2);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
    assert_int_equal(fe.len, 2);

    fe.budget = 100;
    char_fe_accept_input(&fe.be);
    pump_until_len(&fe, 5);
    assert_int_equal(fe.len, 5);
    assert_memory_equal(fe.got, "hello", 5);
    close(fd);
    chardev_cleanup_all();
    assert_int_equal(access(path, F_OK), -1);
    free(spec);
    free(path);
}

static void test_mux(void **state)
{
    char *path = xasprintf("/tmp/kestrel-test-mux-%d.sock", (int)getpid());
    char *spec = xasprintf("mon:unix:%s,server=on,wait=off", path);
    Chardev *chr = chardev_new_from_spec("mux0", spec, &error_abort);
    static TestFrontend serial, monitor; /* outlive the test: their mux stays registered */
    char buf[1024];
    int status = -1;
    int fd;

    /* The frontend that sets its handlers last (the serial port) gets the focus. */
    fe_attach(&monitor, chr);
    fe_attach(&serial, chr);
    fd = unix_connect(path);

    client_send(fd, "a\x01\x01"
                    "b");
    pump_until_len(&serial, 3);
    assert_int_equal(serial.len, 3);
    assert_memory_equal(serial.got,
                        "a\x01"
                        "b",
                        3);

    client_send(fd, "\x01"
                    "cz");
    pump_until_len(&monitor, 1);
    assert_int_equal(monitor.len, 1);
    assert_int_equal(monitor.got[0], 'z');
    client_send(fd, "\x01"
                    "cq");
    pump_until_len(&serial, 4);
    assert_int_equal(serial.got[3], 'q');
    assert_int_equal(monitor.len, 1);

    /* Buffered input waits for the focused frontend to accept it. */
    serial.budget = 1;
    client_send(fd, "xyz");
    pump_until_len(&serial, 5);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
    assert_int_equal(serial.len, 5);
    serial.budget = -1;
    char_fe_accept_input(&serial.be);
    pump_until_len(&serial, 7);
    assert_memory_equal(serial.got + 4, "xyz", 3);

    /* Output from every frontend reaches the client. */
    char_fe_write_all(&monitor.be, (const uint8_t *)"(mon) ", 6);
    assert_true(client_read_until(fd, buf, sizeof(buf), "(mon) "));

    client_send(fd, "\x01h");
    assert_true(client_read_until(fd, buf, sizeof(buf), "C-a x    exit emulator"));
    assert_false(main_loop_should_exit(&status));

    client_send(fd, "\x01x");
    assert_true(client_read_until(fd, buf, sizeof(buf), "Terminated"));
    assert_true(main_loop_should_exit(&status));
    assert_int_equal(status, 0);
    assert_int_equal(serial.len, 7);
    assert_int_equal(monitor.len, 1);
    close(fd);
    free(spec);
    free(path);
}

/* ---- output that never blocks ---- */

#define STREAM_TOTAL (1024 * 1024)

/* The byte at position k of the test stream: not periodic in any buffer size used here. */
static uint8_t stream_byte(size_t k)
{
    return (uint8_t)(k * 7 + k / 251);
}

static uint8_t *stream_new(size_t len)
{
    uint8_t *buf = xmalloc(len);

    for (size_t k = 0; k < len; k++) {
        buf[k] = stream_byte(k);
    }
    return buf;
}

/* A unix socket chardev with a connected client that does not read yet. */
static int connected_unix_chardev(const char *id, const char *prefix, Chardev **chr, char **path)
{
    char *spec;
    int fd;

    *path = xasprintf("/tmp/kestrel-test-%s-%d.sock", id, (int)getpid());
    spec = xasprintf("%sunix:%s,server=on,wait=off", prefix, *path);
    *chr = chardev_new_from_spec(id, spec, &error_abort);
    free(spec);
    fd = unix_connect(*path);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true); /* accept */
    }
    assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    return fd;
}

/* Read what the client has now (never waits); appends to got. */
static void client_take(int fd, uint8_t *got, size_t cap, size_t *len)
{
    ssize_t n;

    while (*len < cap && (n = read(fd, got + *len, cap - *len)) > 0) {
        *len += n;
    }
}

/* Write from data[*sent] until the backend takes less than offered; returns false if it
 * took everything up to total. */
static bool write_until_short(CharBackend *be, const uint8_t *data, size_t total, size_t *sent)
{
    while (*sent < total) {
        int want = MIN(total - *sent, 4096);
        int n = char_fe_write(be, data + *sent, want);

        assert_true(n >= 0 && n <= want);
        *sent += n;
        if (n < want) {
            return true;
        }
    }
    return false;
}

static void on_writable(void *opaque)
{
    (*(int *)opaque)++;
}

/*
 * A client that stops reading: writes return short at once instead of blocking, the watch
 * stays quiet while the client sleeps and fires when it reads, and in the end the client has
 * every byte in order.
 */
static void test_write_backpressure(void **state)
{
    uint8_t *data = stream_new(STREAM_TOTAL), *got = xmalloc(STREAM_TOTAL);
    size_t sent = 0, len = 0;
    int calls = 0, stalls = 0;
    static TestFrontend fe; /* outlives the test: its chardev stays registered */
    Chardev *chr;
    char *path;
    int fd = connected_unix_chardev("bp0", "", &chr, &path);

    fe_attach(&fe, chr);
    assert_true(write_until_short(&fe.be, data, STREAM_TOTAL, &sent));
    assert_true(sent < STREAM_TOTAL);
    char_fe_watch_writable(&fe.be, on_writable, &calls);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
    assert_int_equal(calls, 0);

    for (int i = 0; i < 100000 && len < STREAM_TOTAL; i++) {
        client_take(fd, got, STREAM_TOTAL, &len);
        main_loop_wait(true);
        if (calls) {
            calls = 0;
            if (write_until_short(&fe.be, data, STREAM_TOTAL, &sent)) {
                stalls++;
                char_fe_watch_writable(&fe.be, on_writable, &calls);
            }
        }
    }
    assert_int_equal(sent, STREAM_TOTAL);
    assert_int_equal(len, STREAM_TOTAL);
    assert_memory_equal(got, data, STREAM_TOTAL);
    /* A cancelled watch is never called. */
    char_fe_watch_writable(&fe.be, on_writable, &calls);
    char_fe_watch_writable(&fe.be, NULL, NULL);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
    assert_int_equal(calls, 0);
    close(fd);
    free(data);
    free(got);
    free(path);
}

/*
 * char_fe_write_all (the monitor's output) never blocks either: what the host does not take
 * is queued up to CHR_OUT_QUEUE_SIZE bytes, later writes wait behind the queue, and the rest
 * beyond the bound is dropped. prefix is "" or "mon:" (the mux passes it to its driver).
 */
static void write_all_queue(const char *id, const char *prefix)
{
    uint8_t *data = stream_new(STREAM_TOTAL), *got = xmalloc(STREAM_TOTAL);
    size_t sent = 0, len = 0;
    static TestFrontend fe; /* outlives the test: its chardev stays registered */
    Chardev *chr;
    char *path;
    int fd = connected_unix_chardev(id, prefix, &chr, &path);

    fe_attach(&fe, chr);
    assert_true(write_until_short(&fe.be, data, STREAM_TOTAL, &sent));
    while (char_fe_write(&fe.be, data + sent, 1) == 1) {
        sent++; /* until it takes nothing at all */
    }
    assert_int_equal(char_fe_write_all(&fe.be, data + sent, 1000), 1000);
    sent += 1000;
    /* Queued bytes go first: a plain write must wait behind them. */
    assert_int_equal(char_fe_write(&fe.be, data + sent, 1), 0);
    assert_int_equal(char_fe_write_all(&fe.be, data + sent, CHR_OUT_QUEUE_SIZE),
                     CHR_OUT_QUEUE_SIZE - 1000);
    sent += CHR_OUT_QUEUE_SIZE - 1000;

    /* The main loop writes the queue out as the client reads. */
    for (int i = 0; i < 100000 && len < sent; i++) {
        client_take(fd, got, STREAM_TOTAL, &len);
        main_loop_wait(true);
    }
    assert_int_equal(len, sent);
    assert_memory_equal(got, data, sent);
    assert_int_equal(char_fe_write(&fe.be, data + sent, 1), 1);
    close(fd);
    free(data);
    free(got);
    free(path);
}

static void test_write_all_queue(void **state)
{
    write_all_queue("q0", "");
}

/* Through a mux: the serial port's watch reaches the driver, and the monitor's queued
 * output comes after the serial bytes already written. */
static void test_mux_output(void **state)
{
    uint8_t *data = stream_new(STREAM_TOTAL), *got = xmalloc(STREAM_TOTAL + 16);
    size_t sent = 0, len = 0;
    static TestFrontend serial, monitor; /* outlive the test: their mux stays registered */
    int calls = 0;
    Chardev *chr;
    char *path;
    int fd = connected_unix_chardev("mux1", "mon:", &chr, &path);

    fe_attach(&monitor, chr);
    fe_attach(&serial, chr);
    assert_true(write_until_short(&serial.be, data, STREAM_TOTAL, &sent));
    char_fe_watch_writable(&serial.be, on_writable, &calls);
    assert_int_equal(char_fe_write_all(&monitor.be, (const uint8_t *)"(mon) ", 6), 6);
    for (int i = 0; i < 10; i++) {
        main_loop_wait(true);
    }
    assert_int_equal(calls, 0);
    for (int i = 0; i < 100000 && !calls; i++) {
        client_take(fd, got, STREAM_TOTAL + 16, &len);
        main_loop_wait(true);
    }
    assert_int_equal(calls, 1);
    for (int i = 0; i < 100000 && len < sent + 6; i++) {
        client_take(fd, got, STREAM_TOTAL + 16, &len);
        main_loop_wait(true);
    }
    assert_int_equal(len, sent + 6);
    assert_memory_equal(got, data, sent);
    assert_memory_equal(got + sent, "(mon) ", 6);
    write_all_queue("mux2", "mon:");
    close(fd);
    free(data);
    free(got);
    free(path);
}

/* Create a pty chardev and return the path of its slave, read from the line it prints. */
static char *pty_new_capture(const char *id, Chardev **chr)
{
    char line[256] = {0}, name[128], label[64];
    int pipefd[2], saved;
    ssize_t n;

    assert_int_equal(pipe(pipefd), 0);
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    *chr = chardev_new_from_spec(id, "pty", &error_abort);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(pipefd[1]);
    n = read(pipefd[0], line, sizeof(line) - 1);
    close(pipefd[0]);
    assert_true(n > 0);
    assert_int_equal(sscanf(line, "char device redirected to %127s (label %63[^)])", name, label),
                     2);
    assert_string_equal(label, id);
    return xstrdup(name);
}

/*
 * Read from the pty slave until cap bytes came, or (idle_ms >= 0) until nothing more arrives
 * for idle_ms: the pty moves bytes to the slave asynchronously, so "all there is" can only be
 * told by a pause. Raw mode: nothing is echoed or translated.
 */
static size_t slave_read(int fd, uint8_t *buf, size_t cap, int idle_ms)
{
    size_t len = 0;
    struct pollfd pfd = {.fd = fd, .events = POLLIN};

    while (len < cap && poll(&pfd, 1, idle_ms) > 0) {
        ssize_t n = read(fd, buf + len, cap - len);
        if (n <= 0) {
            break;
        }
        len += n;
    }
    return len;
}

/*
 * A pty passes the bytes unchanged to its slave. While nobody reads, writes still return at
 * once; what does not fit in the pty buffer is dropped, so the reader then finds the start
 * of the stream intact and, after it, the bytes written once it reads again.
 */
static void test_pty(void **state)
{
    uint8_t *data = stream_new(STREAM_TOTAL), *got = xmalloc(STREAM_TOTAL);
    Chardev *chr;
    char *slave = pty_new_capture("pty0", &chr);
    int fd = open(slave, O_RDWR | O_NOCTTY | O_NONBLOCK);
    static TestFrontend fe; /* outlives the test: its chardev stays registered */
    size_t len;

    assert_true(fd >= 0);
    fe_attach(&fe, chr);
    assert_int_equal(char_fe_write_all(&fe.be, (const uint8_t *)"hello\n\r\x01", 8), 8);
    assert_int_equal(slave_read(fd, got, 8, -1), 8);
    assert_memory_equal(got, "hello\n\r\x01", 8);

    for (size_t sent = 0; sent < STREAM_TOTAL; sent += 4096) {
        assert_int_equal(char_fe_write(&fe.be, data + sent, 4096), 4096);
    }
    len = slave_read(fd, got, STREAM_TOTAL, 500);
    assert_true(len > 0 && len < STREAM_TOTAL);
    /*
     * The kernel moves bytes on to the slave side asynchronously, so room may reappear
     * between two writes and the stream can have gaps after its start: only the start is
     * certain (the first write went to an empty pty).
     */
    assert_memory_equal(got, data, MIN(len, 1024));
    assert_int_equal(char_fe_write_all(&fe.be, (const uint8_t *)"tail", 4), 4);
    assert_int_equal(slave_read(fd, got, 4, -1), 4);
    assert_memory_equal(got, "tail", 4);

    /* And the other way: what the slave writes reaches the frontend. */
    assert_int_equal(write(fd, "in", 2), 2);
    pump_until_len(&fe, 2);
    assert_memory_equal(fe.got, "in", 2);
    close(fd);
    free(slave);
    free(data);
    free(got);
}

/*
 * The console (stdio) batches its output: bytes written one at a time, as a UART hands them
 * over, and a write_all between them stay in one queue, in order, until the main loop runs;
 * then they come out together. CHR_BATCH_SIZE bytes waiting go out at once.
 */
static void test_stdio_batches_output(void **state)
{
    static TestFrontend fe; /* outlives the test: its chardev stays registered */
    int pipefd[2], saved, devnull = open("/dev/null", O_RDONLY);
    uint8_t got[8192];
    ssize_t n = -1;
    Chardev *chr;

    assert_int_equal(pipe(pipefd), 0);
    assert_int_equal(fcntl(pipefd[0], F_SETFL, O_NONBLOCK), 0);
    assert_true(devnull >= 0);
    dup2(devnull, STDIN_FILENO); /* the chardev reads stdin: not the terminal's */
    close(devnull);
    fflush(stdout);
    saved = dup(STDOUT_FILENO);
    dup2(pipefd[1], STDOUT_FILENO);
    chr = chardev_new_from_spec("stdio0", "stdio", &error_abort);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    close(pipefd[1]); /* the chardev holds its own descriptor of the pipe */
    fe_attach(&fe, chr);

    for (int i = 0; i < 100; i++) {
        assert_int_equal(char_fe_write(&fe.be, (const uint8_t *)"0123456789" + i % 10, 1), 1);
    }
    assert_int_equal(char_fe_write_all(&fe.be, (const uint8_t *)"(mon) ", 6), 6);
    assert_int_equal(char_fe_write(&fe.be, (const uint8_t *)"!", 1), 1);
    assert_int_equal(read(pipefd[0], got, sizeof(got)), -1); /* nothing written yet */
    for (int i = 0; i < LOOP_BOUND && n < 0; i++) {
        main_loop_wait(false);
        n = read(pipefd[0], got, sizeof(got));
    }
    assert_int_equal(n, 107);
    for (int i = 0; i < 100; i++) {
        assert_int_equal(got[i], '0' + i % 10);
    }
    assert_memory_equal(got + 100, "(mon) !", 7);

    /* A full batch goes out without the main loop. */
    for (int i = 0; i < 4096; i++) {
        assert_int_equal(char_fe_write(&fe.be, (const uint8_t *)"x", 1), 1);
    }
    assert_int_equal(read(pipefd[0], got, sizeof(got)), -1);
    assert_int_equal(char_fe_write(&fe.be, (const uint8_t *)"y", 1), 1);
    assert_int_equal(read(pipefd[0], got, sizeof(got)), 4096);
    close(pipefd[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_specs),
        cmocka_unit_test(test_file_and_null),
        cmocka_unit_test(test_tcp_echo),
        cmocka_unit_test(test_flow_control),
        cmocka_unit_test(test_mux),
        cmocka_unit_test(test_pty),
        cmocka_unit_test(test_write_backpressure),
        cmocka_unit_test(test_write_all_queue),
        cmocka_unit_test(test_mux_output),
        cmocka_unit_test(test_stdio_batches_output),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    os_setup_signal_handling();
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
