/*
 * Unit tests for the network layer: -netdev / -nic option parsing (good and bad strings,
 * hostfwd rules), MAC addresses, the frame queue between peers with a fake NIC, and the
 * main-loop poll hooks the user netdev is built on. Host forwarding rules bind only on
 * 127.0.0.1 (tests talk to this machine only).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/net.h"
#include "net/slirp.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define LOOP_BOUND 1000

/* A free TCP port on 127.0.0.1 (bind to port 0 and ask which one the kernel chose). */
static int free_loopback_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void expect_error(bool ok, Error *err, const char *what)
{
    assert_false(ok);
    assert_non_null(err);
    if (!strstr(error_get_pretty(err), what)) {
        fail_msg("error \"%s\" lacks \"%s\"", error_get_pretty(err), what);
    }
    error_free(err);
}

static void netdev_add_fails(const char *opts, const char *what)
{
    Error *err = NULL;
    bool ok = netdev_add(opts, &err);

    expect_error(ok, err, what);
}

/* ---- -netdev ---- */

static void test_netdev_add_good(void **state)
{
    int port = free_loopback_port(), port2 = free_loopback_port();
    char *opts = xasprintf("user,id=n1,hostfwd=tcp:127.0.0.1:%d-:23,"
                           "hostfwd=udp:127.0.0.1:%d-10.0.2.20:60,restrict=on,ipv6=off",
                           port, port2);

    assert_true(netdev_add("user,id=n0", &error_abort));
    assert_non_null(net_find_netdev("n0"));
    assert_string_equal(net_find_netdev("n0")->info->type, "user");
    assert_true(netdev_add(opts, &error_abort));
    assert_non_null(net_find_netdev("n1"));
    assert_true(netdev_add("user,id=n2,net=192.168.76.0/24,hostname=kestrel,"
                           "dnssearch=a.example,dnssearch=b.example,domainname=example",
                           &error_abort));
    assert_true(netdev_add("user,id=n3,net=10.1.0.0/255.255.0.0,host=10.1.0.1,"
                           "dhcpstart=10.1.0.100,dns=10.1.0.53,ipv6-net=fd00::/64",
                           &error_abort));
    assert_null(net_find_netdev("n4"));
    free(opts);
    net_cleanup();
    assert_null(net_find_netdev("n0"));
}

static void test_netdev_add_bad(void **state)
{
    assert_true(netdev_add("user,id=dup", &error_abort));
    netdev_add_fails("user,id=dup", "duplicate ID 'dup'");
    netdev_add_fails("user", "'id' is missing");
    netdev_add_fails("user,id=a,id=b", "'id' given twice");
    netdev_add_fails("user,id=9lives", "identifier");
    netdev_add_fails("tap,id=t0", "netdev 'tap' is not supported yet");
    netdev_add_fails("carrier-pigeon,id=c0", "'carrier-pigeon' is not a valid netdev");
    netdev_add_fails("", "type is required");
    netdev_add_fails("user,id=u1,bogus=1", "'bogus'");
    netdev_add_fails("user,id=u1,flag", "'flag' is not of the form key=value");
    netdev_add_fails("user,id=u1,restrict=maybe", "'restrict'");
    netdev_add_fails("user,id=u1,net=10.0.2.0/33", "'net'");
    netdev_add_fails("user,id=u1,net=10.0.2.1/24", "host bits");
    netdev_add_fails("user,id=u1,net=10.0.2.0/255.0.255.0", "not a valid netmask");
    netdev_add_fails("user,id=u1,host=10.9.9.9", "host address 10.9.9.9");
    netdev_add_fails("user,id=u1,dhcpstart=10.0.2.255", "dhcpstart address");
    netdev_add_fails("user,id=u1,dns=nameserver", "'dns' expects an IPv4 address");
    netdev_add_fails("user,id=u1,ipv6-host=10.0.2.2", "IPv6 address");
    netdev_add_fails("user,id=u1,ipv4=off,ipv6=off", "cannot both be disabled");
    netdev_add_fails("user,id=u1,hostname=a,hostname=b", "'hostname' given twice");
    netdev_add_fails("user,id=u1,smb=/tmp", "'smb' of netdev 'user' is not supported yet");
    netdev_add_fails("user,id=u1,hostfwd=tcp:5555-:23", "invalid host forwarding rule");
    /* A failed netdev leaves nothing registered. */
    assert_null(net_find_netdev("u1"));
    net_cleanup();
}

static void test_hostfwd_bind_failure(void **state)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char *opts, *rule;

    /* Hold a listening socket so the rule's bind must fail. */
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 1), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    rule = xasprintf("tcp:127.0.0.1:%d-:23", ntohs(sa.sin_port));
    opts = xasprintf("user,id=busy,hostfwd=%s", rule);
    {
        char *what = xasprintf("could not set up host forwarding rule '%s'", rule);
        netdev_add_fails(opts, what);
        free(what);
    }
    assert_null(net_find_netdev("busy"));
    close(fd);
    free(opts);
    free(rule);
}

static void test_hostfwd_syntax(void **state)
{
    static const char *const bad[] = {
        "tcp:5555-:23",   "tcp::0-:23", "tcp::70000-:23", "sctp::1-:2", "tcp::1-:x", "tcp::1-:",
        "tcp:1.2.3:1-:2", "tcp::1:2",   "tcp::1-1.2.3:2", "tcp::-1-:2", "",          "tcp::0x10-:2",
    };
    NetHostFwd fwd;
    char addr[INET_ADDRSTRLEN];

    assert_true(net_slirp_parse_hostfwd("tcp::5555-:23", &fwd, &error_abort));
    assert_false(fwd.udp);
    assert_int_equal(fwd.host_addr.s_addr, htonl(INADDR_ANY));
    assert_int_equal(fwd.host_port, 5555);
    assert_false(fwd.guest_addr_set);
    assert_int_equal(fwd.guest_port, 23);

    assert_true(net_slirp_parse_hostfwd("udp:127.0.0.1:6000-10.0.2.20:60", &fwd, &error_abort));
    assert_true(fwd.udp);
    assert_string_equal(inet_ntop(AF_INET, &fwd.host_addr, addr, sizeof(addr)), "127.0.0.1");
    assert_true(fwd.guest_addr_set);
    assert_string_equal(inet_ntop(AF_INET, &fwd.guest_addr, addr, sizeof(addr)), "10.0.2.20");
    assert_int_equal(fwd.host_port, 6000);
    assert_int_equal(fwd.guest_port, 60);

    /* An empty protocol means tcp, as in QEMU. */
    assert_true(net_slirp_parse_hostfwd(":127.0.0.1:8080-:80", &fwd, &error_abort));
    assert_false(fwd.udp);

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        bool ok = net_slirp_parse_hostfwd(bad[i], &fwd, &err);
        if (ok) {
            fail_msg("hostfwd '%s' accepted", bad[i]);
        }
        expect_error(ok, err, "invalid host forwarding rule");
    }
}

/* ---- -nic ---- */

static void nic_add_fails(const char *opts, const char *what)
{
    Error *err = NULL;
    char *dev = (char *)"untouched";
    bool ok = net_nic_add(opts, &dev, &err);

    expect_error(ok, err, what);
    assert_null(dev);
}

static void test_nic_add(void **state)
{
    int port = free_loopback_port();
    char *opts = xasprintf("user,model=virtio,mac=52:54:00:aa:bb:cc,"
                           "hostfwd=tcp:127.0.0.1:%d-:22",
                           port);
    char *dev;

    assert_true(net_nic_add("user", &dev, &error_abort));
    assert_string_equal(dev, "virtio-net-pci,netdev=__nic0"); /* on PCI, as QEMU's virt */
    assert_non_null(net_find_netdev("__nic0"));
    free(dev);

    assert_true(net_nic_add(opts, &dev, &error_abort));
    assert_string_equal(dev, "virtio-net-pci,netdev=__nic1,mac=52:54:00:aa:bb:cc");
    free(dev);
    free(opts);

    assert_true(net_nic_add("user,model=virtio-net-device,id=mine", &dev, &error_abort));
    assert_string_equal(dev, "virtio-net-device,netdev=mine");
    free(dev);

    assert_true(net_nic_add("none", &dev, &error_abort));
    assert_null(dev);

    nic_add_fails("user,model=e1000", "NIC model 'e1000' is not supported");
    nic_add_fails("user,mac=52:54:00:zz:00:01", "invalid MAC address");
    nic_add_fails("user,mac=01:00:5e:00:00:01", "multicast");
    nic_add_fails("tap", "netdev 'tap' is not supported yet");
    nic_add_fails("user,foo=bar", "'foo'");
    nic_add_fails("user,id=mine", "duplicate ID 'mine'");
    nic_add_fails("none,model=virtio", "takes no options");
    net_cleanup();
}

static void test_macaddr(void **state)
{
    uint8_t mac[ETH_ALEN];
    static const uint8_t first[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
    Error *err = NULL;
    bool ok;

    net_cleanup(); /* restart the default sequence */
    net_default_macaddr(mac);
    assert_memory_equal(mac, first, ETH_ALEN);
    net_default_macaddr(mac);
    assert_int_equal(mac[5], 0x57);
    assert_true(net_parse_macaddr("02:AB:cd:00:10:ff", mac, &error_abort));
    assert_int_equal(mac[1], 0xab);
    assert_int_equal(mac[5], 0xff);
    ok = net_parse_macaddr("02:ab:cd:00:10", mac, &err);
    expect_error(ok, err, "invalid MAC");
    err = NULL;
    ok = net_parse_macaddr("02:ab:cd:00:10:ff:", mac, &err);
    expect_error(ok, err, "invalid MAC");
    net_cleanup();
}

/* ---- frame queues between peers ---- */

typedef struct FakeClient {
    NetClientState *nc;
    bool ready;        /* can_receive */
    bool refuse;       /* receive returns 0 */
    int echo;          /* frames still to send back to the peer from inside receive */
    uint8_t seen[512]; /* first byte of every frame received */
    int nseen;
} FakeClient;

static ssize_t fake_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    FakeClient *f = nc->opaque;

    if (f->refuse) {
        return 0;
    }
    f->seen[f->nseen++] = buf[0];
    if (f->echo > 0) {
        f->echo--;
        uint8_t reply = buf[0] + 100;
        net_send_packet(nc, &reply, 1);
    }
    return size;
}

static bool fake_can_receive(NetClientState *nc)
{
    return ((FakeClient *)nc->opaque)->ready;
}

static const NetClientInfo fake_nic_info = {
    .kind = NET_CLIENT_NIC,
    .type = "fake-nic",
    .receive = fake_receive,
    .can_receive = fake_can_receive,
};

static const NetClientInfo fake_netdev_info = {
    .kind = NET_CLIENT_NETDEV,
    .type = "fake-netdev",
    .receive = fake_receive,
    .can_receive = fake_can_receive,
};

static void send_byte(NetClientState *from, uint8_t b)
{
    net_send_packet(from, &b, 1);
}

static void test_queue_until_buffers(void **state)
{
    FakeClient nic = {0}, backend = {.ready = true};
    Error *err = NULL;

    backend.nc = net_client_new(&fake_netdev_info, "fake0", &backend);
    nic.nc = net_client_new(&fake_nic_info, "nic", &nic);
    assert_ptr_equal(net_find_netdev("fake0"), backend.nc);
    assert_true(net_client_set_peer(nic.nc, backend.nc, &error_abort));

    /* A second NIC cannot take the same netdev. */
    {
        FakeClient other = {0};
        other.nc = net_client_new(&fake_nic_info, "nic2", &other);
        bool ok = net_client_set_peer(other.nc, backend.nc, &err);
        expect_error(ok, err, "already in use");
        net_client_free(other.nc);
    }

    /* No buffers: frames wait, in order. */
    for (int i = 0; i < 3; i++) {
        send_byte(backend.nc, (uint8_t)i);
    }
    assert_int_equal(nic.nseen, 0);
    assert_int_equal(nic.nc->queue_len, 3);
    nic.ready = true;
    /* While frames wait, a new one goes behind them even though the NIC is ready. */
    send_byte(backend.nc, 3);
    assert_int_equal(nic.nseen, 4);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(nic.seen[i], i);
    }
    assert_int_equal(nic.nc->queue_len, 0);

    /* receive() returning 0 keeps the frame at the head for the next flush. */
    nic.refuse = true;
    send_byte(backend.nc, 4);
    send_byte(backend.nc, 5);
    assert_int_equal(nic.nc->queue_len, 2);
    nic.refuse = false;
    net_flush_queued_packets(nic.nc);
    assert_int_equal(nic.nseen, 6);
    assert_int_equal(nic.seen[4], 4);
    assert_int_equal(nic.seen[5], 5);

    /* The other direction, and an unplugged cable drops silently. */
    send_byte(nic.nc, 42);
    assert_int_equal(backend.nseen, 1);
    assert_int_equal(backend.seen[0], 42);

    net_client_free(nic.nc);
    assert_null(backend.nc->peer);
    send_byte(backend.nc, 7);
    net_client_free(backend.nc);
    assert_null(net_find_netdev("fake0"));
}

static void test_queue_bound(void **state)
{
    FakeClient nic = {0}, backend = {.ready = true};

    backend.nc = net_client_new(&fake_netdev_info, "fake1", &backend);
    nic.nc = net_client_new(&fake_nic_info, "nic", &nic);
    assert_true(net_client_set_peer(nic.nc, backend.nc, &error_abort));
    for (int i = 0; i < NET_QUEUE_MAX_PACKETS + 10; i++) {
        send_byte(backend.nc, (uint8_t)i);
    }
    assert_int_equal(nic.nc->queue_len, NET_QUEUE_MAX_PACKETS);
    assert_int_equal(nic.nc->dropped, 10);
    /* Purge (device reset) forgets them. */
    net_purge_queued_packets(nic.nc);
    nic.ready = true;
    net_flush_queued_packets(nic.nc);
    assert_int_equal(nic.nseen, 0);
    net_client_free(nic.nc);
    net_client_free(backend.nc);
}

/* A NIC whose receive sends back (an ARP reply) while the backend is itself delivering. */
static void test_reentrant_send(void **state)
{
    FakeClient nic = {.ready = true, .echo = 1}, backend = {.ready = true, .echo = 1};

    backend.nc = net_client_new(&fake_netdev_info, "fake2", &backend);
    nic.nc = net_client_new(&fake_nic_info, "nic", &nic);
    assert_true(net_client_set_peer(nic.nc, backend.nc, &error_abort));
    send_byte(nic.nc, 1);
    /* backend got 1 and echoed 101 to nic, which echoed 201 back: queued while the backend
     * was still inside receive, then delivered once it returned. */
    assert_int_equal(backend.nseen, 2);
    assert_int_equal(nic.nseen, 1);
    assert_int_equal(backend.nc->queue_len, 0);
    assert_int_equal(backend.seen[0], 1);
    assert_int_equal(nic.seen[0], 101);
    assert_int_equal(backend.seen[1], 201);
    net_client_free(nic.nc);
    net_client_free(backend.nc);
}

/* ---- main-loop poll hooks ---- */

typedef struct HookState {
    int fd;
    int index;
    int64_t timeout_ns; /* what fill asks for */
    int fills, dispatches;
    short revents;
    bool failed;
    PollHook *self;
    bool remove_in_dispatch;
} HookState;

static void hook_fill(void *opaque, int64_t *timeout_ns)
{
    HookState *h = opaque;

    h->fills++;
    h->index = h->fd >= 0 ? main_loop_poll_add(h->fd, POLLIN) : -1;
    if (h->timeout_ns >= 0 && (*timeout_ns < 0 || h->timeout_ns < *timeout_ns)) {
        *timeout_ns = h->timeout_ns;
    }
}

static void hook_dispatch(void *opaque, bool poll_failed)
{
    HookState *h = opaque;

    h->dispatches++;
    h->failed = poll_failed;
    h->revents = h->index >= 0 ? main_loop_poll_revents(h->index) : 0;
    if (h->remove_in_dispatch) {
        main_loop_remove_poll_hook(h->self);
    }
}

static void test_poll_hook_fd(void **state)
{
    int fds[2];
    HookState h = {.timeout_ns = -1};

    assert_int_equal(pipe(fds), 0);
    h.fd = fds[0];
    h.self = main_loop_add_poll_hook(hook_fill, hook_dispatch, &h);
    main_loop_wait(true);
    assert_int_equal(h.fills, 1);
    assert_int_equal(h.dispatches, 1);
    assert_int_equal(h.revents & POLLIN, 0);

    assert_int_equal(write(fds[1], "x", 1), 1);
    main_loop_wait(false); /* only the pipe can end this wait */
    assert_true(h.revents & POLLIN);
    assert_false(h.failed);

    h.remove_in_dispatch = true;
    main_loop_wait(true);
    assert_int_equal(h.dispatches, 3);
    main_loop_wait(true);
    assert_int_equal(h.fills, 3);
    assert_int_equal(h.dispatches, 3);
    close(fds[0]);
    close(fds[1]);
}

/* A hook's shorter deadline ends the poll, and dispatch still runs (the hook's timers). */
static void test_poll_hook_timeout(void **state)
{
    HookState h = {.fd = -1, .timeout_ns = 20 * 1000000};
    int64_t start = clock_get_ns(CLOCK_HOST), elapsed;
    PollHook *hook = main_loop_add_poll_hook(hook_fill, hook_dispatch, &h);

    main_loop_wait(true); /* consume the wake-up from adding the hook */
    start = clock_get_ns(CLOCK_HOST);
    main_loop_wait(false);
    elapsed = clock_get_ns(CLOCK_HOST) - start;
    assert_int_equal(h.dispatches, 2);
    assert_true(elapsed >= 15 * 1000000);
    assert_true(elapsed < 2 * NANOSECONDS_PER_SECOND);
    main_loop_remove_poll_hook(hook);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_netdev_add_good),
        cmocka_unit_test(test_netdev_add_bad),
        cmocka_unit_test(test_hostfwd_bind_failure),
        cmocka_unit_test(test_hostfwd_syntax),
        cmocka_unit_test(test_nic_add),
        cmocka_unit_test(test_macaddr),
        cmocka_unit_test(test_queue_until_buffers),
        cmocka_unit_test(test_queue_bound),
        cmocka_unit_test(test_reentrant_send),
        cmocka_unit_test(test_poll_hook_fd),
        cmocka_unit_test(test_poll_hook_timeout),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
