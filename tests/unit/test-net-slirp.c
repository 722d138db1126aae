/*
 * The user netdev end to end without a guest: a fake NIC plays the guest. It sends a DHCP
 * DISCOVER through the net layer into libslirp and must get an OFFER for 10.0.2.15; then a
 * host-side connection to a hostfwd port on 127.0.0.1 must make slirp emit a TCP SYN towards
 * 10.0.2.15:<guest port>. That exercises slirp_new, send_packet, the main-loop poll hook
 * (the accept happens in slirp_pollfds_poll) and hostfwd. All traffic stays on loopback.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "net/net.h"
#include "util/main-loop.h"
#include "util/timer.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define IP_HLEN 20
#define UDP_HLEN 8
#define BOOTP_LEN 548 /* 236 fixed bytes + 312 bytes of options, as slirp expects */
#define MAX_FRAMES 64

static const uint8_t guest_mac[ETH_ALEN] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

typedef struct GuestNic {
    NetClientState *nc;
    uint8_t frames[MAX_FRAMES][2048];
    size_t sizes[MAX_FRAMES];
    int nframes;
} GuestNic;

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = (uint8_t)v;
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        sum += get16(p + i);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

/* Answer slirp's "who has 10.0.2.15?" so it can address frames to us. */
static void guest_answer_arp(GuestNic *g, const uint8_t *req)
{
    uint8_t reply[ETH_HLEN + 28];
    const uint8_t *arp = req + ETH_HLEN;

    memcpy(reply, arp + 8, ETH_ALEN); /* to the sender */
    memcpy(reply + 6, guest_mac, ETH_ALEN);
    put16(reply + 12, ETH_P_ARP);
    memcpy(reply + ETH_HLEN, arp, 6); /* htype, ptype, hlen, plen */
    put16(reply + ETH_HLEN + 6, 2);   /* reply */
    memcpy(reply + ETH_HLEN + 8, guest_mac, ETH_ALEN);
    memcpy(reply + ETH_HLEN + 14, arp + 24, 4); /* our IP: the one asked for */
    memcpy(reply + ETH_HLEN + 18, arp + 8, 10); /* target: the asker's MAC and IP */
    net_send_packet(g->nc, reply, sizeof(reply));
}

static ssize_t guest_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    GuestNic *g = nc->opaque;

    if (g->nframes < MAX_FRAMES && size <= sizeof(g->frames[0])) {
        memcpy(g->frames[g->nframes], buf, size);
        g->sizes[g->nframes++] = size;
    }
    if (size >= ETH_HLEN + 28 && get16(buf + 12) == ETH_P_ARP && get16(buf + ETH_HLEN + 6) == 1) {
        guest_answer_arp(g, buf);
    }
    return size;
}

static const NetClientInfo guest_nic_info = {
    .kind = NET_CLIENT_NIC,
    .type = "test-guest",
    .receive = guest_receive,
};

static GuestNic *guest_attach(const char *netdev_id)
{
    GuestNic *g = xzalloc(sizeof(*g));
    NetClientState *netdev = net_find_netdev(netdev_id);

    assert_non_null(netdev);
    g->nc = net_client_new(&guest_nic_info, "guest", g);
    assert_true(net_client_set_peer(g->nc, netdev, &error_abort));
    return g;
}

static void guest_detach(GuestNic *g)
{
    net_client_free(g->nc);
    free(g);
}

/* A broadcast DHCP DISCOVER from guest_mac (RFC 2131), UDP checksum 0 (none). */
static size_t build_dhcp_discover(uint8_t *f)
{
    uint8_t *ip = f + ETH_HLEN, *udp = ip + IP_HLEN, *bootp = udp + UDP_HLEN;
    size_t total = ETH_HLEN + IP_HLEN + UDP_HLEN + BOOTP_LEN;
    static const uint8_t options[] = {99, 130, 83, 99, 53, 1, 1, 255};

    memset(f, 0, total);
    memset(f, 0xff, ETH_ALEN);
    memcpy(f + 6, guest_mac, ETH_ALEN);
    put16(f + 12, ETH_P_IP);
    ip[0] = 0x45;
    put16(ip + 2, IP_HLEN + UDP_HLEN + BOOTP_LEN);
    ip[8] = 64;               /* ttl */
    ip[9] = 17;               /* UDP */
    memset(ip + 16, 0xff, 4); /* to 255.255.255.255 from 0.0.0.0 */
    put16(ip + 10, ip_checksum(ip, IP_HLEN));
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, UDP_HLEN + BOOTP_LEN);
    bootp[0] = 1; /* BOOTREQUEST */
    bootp[1] = 1; /* Ethernet */
    bootp[2] = ETH_ALEN;
    memcpy(bootp + 4, "\x12\x34\x56\x78", 4); /* xid */
    memcpy(bootp + 28, guest_mac, ETH_ALEN);  /* chaddr */
    memcpy(bootp + 236, options, sizeof(options));
    return total;
}

/* The DHCP message type (option 53) of a frame if it is a BOOTREPLY to port 68, else 0. */
static int dhcp_reply_type(const uint8_t *f, size_t size, uint32_t *yiaddr)
{
    const uint8_t *ip = f + ETH_HLEN, *udp, *bootp, *opt, *end = f + size;

    if (size < ETH_HLEN + IP_HLEN + UDP_HLEN + 240 || get16(f + 12) != ETH_P_IP || ip[9] != 17) {
        return 0;
    }
    udp = ip + (ip[0] & 0xf) * 4;
    bootp = udp + UDP_HLEN;
    if (get16(udp) != 67 || get16(udp + 2) != 68 || bootp[0] != 2) {
        return 0;
    }
    memcpy(yiaddr, bootp + 16, 4);
    for (opt = bootp + 240; opt + 2 < end && opt[0] != 255; opt += opt[0] ? 2 + opt[1] : 1) {
        if (opt[0] == 53) {
            return opt[2];
        }
    }
    return 0;
}

static bool guest_got_offer(GuestNic *g)
{
    for (int i = 0; i < g->nframes; i++) {
        uint32_t yiaddr;
        char addr[INET_ADDRSTRLEN];

        if (dhcp_reply_type(g->frames[i], g->sizes[i], &yiaddr) == 2 /* OFFER */) {
            assert_string_equal(inet_ntop(AF_INET, &yiaddr, addr, sizeof(addr)), "10.0.2.15");
            return true;
        }
    }
    return false;
}

/* Run the main loop until done(g) or a few seconds pass. */
static bool pump_until(GuestNic *g, bool (*done)(GuestNic *g))
{
    int64_t deadline = clock_get_ns(CLOCK_HOST) + 5 * NANOSECONDS_PER_SECOND;

    while (!done(g)) {
        if (clock_get_ns(CLOCK_HOST) > deadline) {
            return false;
        }
        main_loop_wait(false); /* slirp wakes the loop at least once a second */
    }
    return true;
}

static void guest_dhcp_discover(GuestNic *g)
{
    uint8_t frame[ETH_HLEN + IP_HLEN + UDP_HLEN + BOOTP_LEN];

    net_send_packet(g->nc, frame, build_dhcp_discover(frame));
    assert_true(pump_until(g, guest_got_offer));
}

static void test_dhcp_offer(void **state)
{
    GuestNic *g;

    assert_true(netdev_add("user,id=s0", &error_abort));
    g = guest_attach("s0");
    guest_dhcp_discover(g);
    guest_detach(g);
    net_cleanup();
}

static int guest_port_wanted;

/* A TCP SYN (without ACK) from 10.0.2.2 to 10.0.2.15:guest_port_wanted. */
static bool guest_got_syn(GuestNic *g)
{
    for (int i = 0; i < g->nframes; i++) {
        const uint8_t *f = g->frames[i], *ip = f + ETH_HLEN, *tcp = ip + (ip[0] & 0xf) * 4;
        char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];

        if (g->sizes[i] < ETH_HLEN + IP_HLEN + 20 || get16(f + 12) != ETH_P_IP || ip[9] != 6 ||
            get16(tcp + 2) != guest_port_wanted || (tcp[13] & 0x12) != 0x02) {
            continue;
        }
        assert_memory_equal(f, guest_mac, ETH_ALEN);
        inet_ntop(AF_INET, ip + 12, src, sizeof(src));
        inet_ntop(AF_INET, ip + 16, dst, sizeof(dst));
        assert_string_equal(src, "10.0.2.2");
        assert_string_equal(dst, "10.0.2.15");
        return true;
    }
    return false;
}

/* Bind a listening socket on 127.0.0.1 to find a free port, then release it. */
static int free_loopback_port(void)
{
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static void test_hostfwd_syn(void **state)
{
    int port = free_loopback_port();
    char *opts = xasprintf("user,id=s1,hostfwd=tcp:127.0.0.1:%d-:2222", port);
    struct sockaddr_in sa = {
        .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    GuestNic *g;
    int fd;

    assert_true(netdev_add(opts, &error_abort));
    g = guest_attach("s1");
    guest_dhcp_discover(g); /* as a guest would: now slirp knows our MAC too */
    g->nframes = 0;

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    assert_true(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 || errno == EINPROGRESS);
    guest_port_wanted = 2222;
    assert_true(pump_until(g, guest_got_syn));

    close(fd);
    guest_detach(g);
    net_cleanup();
    free(opts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dhcp_offer),
        cmocka_unit_test(test_hostfwd_syn),
    };

    alarm(60);
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
