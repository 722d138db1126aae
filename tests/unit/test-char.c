/*
 * Unit tests for character devices: spec errors, the file backend, a TCP
 * server echoing through a frontend, frontend flow control, and the mux
 * escape keys (driven end to end through a unix socket client).
 */
#include <errno.h>
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
    TestFrontend fe, fe2;
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
    TestFrontend fe;
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
    TestFrontend fe;
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
    TestFrontend serial, monitor;
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

static void test_pty(void **state)
{
    Chardev *chr = chardev_new_from_spec("pty0", "pty", &error_abort);
    TestFrontend fe;

    fe_attach(&fe, chr);
    /* Nobody reads the pty: output must not block. */
    for (int i = 0; i < 1000; i++) {
        char_fe_write_all(&fe.be, (const uint8_t *)"0123456789abcdef", 16);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_specs), cmocka_unit_test(test_file_and_null),
        cmocka_unit_test(test_tcp_echo),  cmocka_unit_test(test_flow_control),
        cmocka_unit_test(test_mux),       cmocka_unit_test(test_pty),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    os_setup_signal_handling();
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
