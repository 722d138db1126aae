/*
 * virtio-net-device against a fake netdev, with the test playing the guest driver: it lays out
 * split virtqueues in guest RAM, negotiates features through the virtio core and posts
 * receive and transmit chains. Checks the config space, frames in both directions with their
 * virtio_net_hdr, queueing until receive buffers arrive, the drops for undersized buffers and
 * headerless transmit chains, and the realize errors for the netdev property.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "hw/virtio/virtio-net.h"
#include "system/memory.h"
#include "test-fake-netdev.h"
#include "util/main-loop.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE (1 * MiB)
#define QSIZE 16
#define BUF_BASE (RAM_BASE + 0x10000)

/* Ring addresses for queue q: descriptors, then avail and used rings. */
#define DESC(q) (RAM_BASE + 0x1000 * ((q) + 1))
#define AVAIL(q) (DESC(q) + 0x400)
#define USED(q) (DESC(q) + 0x800)

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2

static MemoryRegion ram;
static FakeNetdev backend;
static uint16_t avail_idx[2];
static uint16_t next_desc[2];

static void ram_write(hwaddr addr, const void *buf, size_t len)
{
    assert_int_equal(address_space_write(address_space_memory(), addr, buf, len), MEMTX_OK);
}

static void ram_read(hwaddr addr, void *buf, size_t len)
{
    assert_int_equal(address_space_read(address_space_memory(), addr, buf, len), MEMTX_OK);
}

static void ram_write16(hwaddr addr, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    ram_write(addr, b, 2);
}

static uint16_t ram_read16(hwaddr addr)
{
    uint8_t b[2];
    ram_read(addr, b, 2);
    return (uint16_t)(b[0] | b[1] << 8);
}

static uint32_t ram_read32(hwaddr addr)
{
    return ram_read16(addr) | (uint32_t)ram_read16(addr + 2) << 16;
}

/* Drop a realized device: the composition tree holds a reference too. */
static void device_destroy(void *dev)
{
    object_unparent(OBJECT(dev));
    object_unref(OBJECT(dev));
}

static int setup(void **state)
{
    static bool mapped;

    if (!mapped) {
        assert_true(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL));
        memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
        mapped = true;
    }
    memset(memory_region_get_ram_ptr(&ram), 0, RAM_SIZE);
    memset(&backend, 0, sizeof(backend));
    memset(avail_idx, 0, sizeof(avail_idx));
    memset(next_desc, 0, sizeof(next_desc));
    backend.nc = net_client_new(&fake_netdev_info, "fn0", &backend);
    return 0;
}

static int teardown(void **state)
{
    net_cleanup();
    return 0;
}

/* Write descriptor d of queue q. */
static void desc_write(int q, uint16_t d, hwaddr addr, uint32_t len, uint16_t flags)
{
    uint8_t raw[16];

    for (int i = 0; i < 8; i++) {
        raw[i] = (uint8_t)(addr >> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
        raw[8 + i] = (uint8_t)(len >> (8 * i));
    }
    raw[12] = (uint8_t)flags;
    raw[13] = (uint8_t)(flags >> 8);
    raw[14] = (uint8_t)(d + 1);
    raw[15] = 0;
    ram_write(DESC(q) + 16 * (d % QSIZE), raw, sizeof(raw));
}

/* Post a chain of n buffers (addr/len pairs) on queue q; returns its head. */
static uint16_t post_chain(int q, int n, const hwaddr *addr, const uint32_t *len, bool writable)
{
    uint16_t head = next_desc[q];

    for (int i = 0; i < n; i++) {
        uint16_t flags = (writable ? VRING_DESC_F_WRITE : 0) | (i < n - 1 ? VRING_DESC_F_NEXT : 0);
        desc_write(q, next_desc[q]++, addr[i], len[i], flags);
    }
    ram_write16(AVAIL(q) + 4 + 2 * (avail_idx[q] % QSIZE), head);
    ram_write16(AVAIL(q) + 2, ++avail_idx[q]);
    return head;
}

static uint16_t used_idx(int q)
{
    return ram_read16(USED(q) + 2);
}

static uint32_t used_len(int q, uint16_t slot)
{
    return ram_read32(USED(q) + 4 + 8 * (slot % QSIZE) + 4);
}

/* The driver's side of initialisation (3.1.1), up to DRIVER_OK. */
static VirtIODevice *driver_init(const char *props_mac)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_NET);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    uint8_t status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

    assert_true(object_property_set_str(OBJECT(dev), "netdev", "fn0", &error_abort));
    if (props_mac) {
        assert_true(object_property_set_str(OBJECT(dev), "mac", props_mac, &error_abort));
    }
    assert_true(qdev_realize(dev, &error_abort));
    virtio_set_status(vdev, status);
    vdev->guest_features = virtio_host_features(vdev) &
                           (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MAC) |
                            VIRTIO_BIT(VIRTIO_NET_F_STATUS));
    status |= VIRTIO_CONFIG_S_FEATURES_OK;
    virtio_set_status(vdev, status);
    assert_true(vdev->status & VIRTIO_CONFIG_S_FEATURES_OK);
    for (int q = 0; q < 2; q++) {
        VirtQueue *vq = virtio_get_queue(vdev, q);
        assert_true(virtio_queue_set_num(vq, QSIZE));
        vq->desc = DESC(q);
        vq->avail = AVAIL(q);
        vq->used = USED(q);
        virtio_queue_set_ready(vq, true);
    }
    virtio_set_status(vdev, status | VIRTIO_CONFIG_S_DRIVER_OK);
    return vdev;
}

static void test_config_and_features(void **state)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_NET);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);
    uint64_t f;

    assert_true(object_property_set_str(OBJECT(dev), "netdev", "fn0", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_int_equal(virtio_device_id(vdev), VIRTIO_ID_NET);
    f = virtio_host_features(vdev);
    assert_true(f & VIRTIO_BIT(VIRTIO_NET_F_MAC));
    assert_true(f & VIRTIO_BIT(VIRTIO_NET_F_STATUS));
    assert_true(f & VIRTIO_BIT(VIRTIO_F_VERSION_1));
    assert_false(f & VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF));
    /* The first default MAC is QEMU's 52:54:00:12:34:56; link up; one queue pair. */
    assert_int_equal(virtio_config_read(vdev, 0, 4), 0x12005452);
    assert_int_equal(virtio_config_read(vdev, 4, 2), 0x5634);
    assert_int_equal(virtio_config_read(vdev, 6, 2), VIRTIO_NET_S_LINK_UP);
    assert_int_equal(virtio_config_read(vdev, 8, 2), 1);
    device_destroy(dev);
}

static void test_rx(void **state)
{
    VirtIODevice *vdev = driver_init("52:54:00:ab:cd:ef");
    VirtIONet *n = VIRTIO_NET(vdev);
    uint8_t frame[60], got[sizeof(frame)], hdr[VIRTIO_NET_HDR_LEN];
    hwaddr small = BUF_BASE, big = BUF_BASE + 0x1000;
    uint32_t small_len = 40, big_len = 1526;

    assert_int_equal(virtio_config_read(vdev, 4, 2), 0xefcd);
    for (size_t i = 0; i < sizeof(frame); i++) {
        frame[i] = (uint8_t)i;
    }
    /* No buffers yet: the frame waits in the net layer. */
    net_send_packet(backend.nc, frame, sizeof(frame));
    assert_int_equal(n->nic->queue_len, 1);
    assert_int_equal(used_idx(0), 0);

    /* Posting a buffer (and notifying) delivers it with a zero header, num_buffers 1. */
    post_chain(0, 1, &big, &big_len, true);
    virtio_queue_notify(vdev, 0);
    assert_int_equal(n->nic->queue_len, 0);
    assert_int_equal(used_idx(0), 1);
    assert_int_equal(used_len(0, 0), VIRTIO_NET_HDR_LEN + sizeof(frame));
    ram_read(big, hdr, sizeof(hdr));
    for (int i = 0; i < VIRTIO_NET_HDR_LEN; i++) {
        assert_int_equal(hdr[i], i == 10 ? 1 : 0);
    }
    ram_read(big + VIRTIO_NET_HDR_LEN, got, sizeof(got));
    assert_memory_equal(got, frame, sizeof(frame));

    /* A buffer too small for header + frame: the frame is dropped, the buffer kept. */
    post_chain(0, 1, &small, &small_len, true);
    virtio_queue_notify(vdev, 0);
    net_send_packet(backend.nc, frame, sizeof(frame));
    assert_int_equal(used_idx(0), 1);
    assert_int_equal(n->nic->queue_len, 0);

    device_destroy(vdev);
}

/* A frame over a two-buffer chain (header in its own buffer, as some drivers post). */
static void test_rx_split_chain(void **state)
{
    VirtIODevice *vdev = driver_init(NULL);
    uint8_t frame[100], got[sizeof(frame)];
    hwaddr addr[2] = {BUF_BASE, BUF_BASE + 0x1000};
    uint32_t len[2] = {VIRTIO_NET_HDR_LEN, 1514};

    memset(frame, 0xa5, sizeof(frame));
    post_chain(0, 2, addr, len, true);
    virtio_queue_notify(vdev, 0);
    net_send_packet(backend.nc, frame, sizeof(frame));
    assert_int_equal(used_idx(0), 1);
    assert_int_equal(used_len(0, 0), VIRTIO_NET_HDR_LEN + sizeof(frame));
    ram_read(addr[1], got, sizeof(got));
    assert_memory_equal(got, frame, sizeof(frame));
    device_destroy(vdev);
}

static void test_tx(void **state)
{
    VirtIODevice *vdev = driver_init(NULL);
    uint8_t hdr[VIRTIO_NET_HDR_LEN] = {0}, frame[64];
    hwaddr addr[2] = {BUF_BASE, BUF_BASE + 0x100};
    uint32_t len[2] = {sizeof(hdr), sizeof(frame)};
    hwaddr bad_addr = BUF_BASE + 0x200;
    uint32_t bad_len = 8;

    memset(frame, 0x5a, sizeof(frame));
    ram_write(addr[0], hdr, sizeof(hdr));
    ram_write(addr[1], frame, sizeof(frame));
    post_chain(1, 2, addr, len, false);
    virtio_queue_notify(vdev, 1);
    assert_int_equal(backend.frames, 1);
    assert_int_equal(backend.last_size, sizeof(frame));
    assert_memory_equal(backend.last, frame, sizeof(frame));
    assert_int_equal(used_idx(1), 1);

    /* A chain shorter than the header: dropped, but the buffer is returned. */
    post_chain(1, 1, &bad_addr, &bad_len, false);
    virtio_queue_notify(vdev, 1);
    assert_int_equal(backend.frames, 1);
    assert_int_equal(used_idx(1), 2);

    /* A GSO header without GSO features: dropped. */
    hdr[1] = 1; /* VIRTIO_NET_HDR_GSO_TCPV4 */
    ram_write(addr[0], hdr, sizeof(hdr));
    post_chain(1, 2, addr, len, false);
    virtio_queue_notify(vdev, 1);
    assert_int_equal(backend.frames, 1);
    assert_int_equal(used_idx(1), 3);
    device_destroy(vdev);
}

static void realize_fails(const char *netdev, const char *what)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_NET);
    Error *err = NULL;
    bool ok;

    if (netdev) {
        assert_true(object_property_set_str(OBJECT(dev), "netdev", netdev, &error_abort));
    }
    ok = qdev_realize(dev, &err);
    assert_false(ok);
    if (!strstr(error_get_pretty(err), what)) {
        fail_msg("error \"%s\" lacks \"%s\"", error_get_pretty(err), what);
    }
    error_free(err);
    object_unref(OBJECT(dev));
}

static void test_realize_errors(void **state)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_NET);

    realize_fails(NULL, "'netdev' is required");
    realize_fails("nope", "netdev 'nope' not found");
    assert_true(object_property_set_str(OBJECT(dev), "netdev", "fn0", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    realize_fails("fn0", "already in use");
    device_destroy(dev);
    /* The netdev is free again once its NIC is gone. */
    assert_null(backend.nc->peer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_config_and_features, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_split_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx, setup, teardown),
        cmocka_unit_test_setup_teardown(test_realize_errors, setup, teardown),
    };

    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
