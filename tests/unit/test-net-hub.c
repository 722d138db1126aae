/*
 * Unit tests for hub 0 of the legacy -net options (net/hub.c, net_legacy_add): a frame
 * entering one port leaves through every other port and never back out of its own; -net
 * nic gives the -device string of a card on a hub port, or on netdev=.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "net/hub.h"
#include "net/net.h"

typedef struct FakeEnd {
    NetClientState *nc;
    int frames;
    size_t last_size;
} FakeEnd;

static ssize_t fake_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    FakeEnd *end = nc->opaque;

    end->frames++;
    end->last_size = size;
    return size;
}

static const NetClientInfo fake_nic_info = {
    .kind = NET_CLIENT_NIC, .type = "fake-nic", .receive = fake_receive};
static const NetClientInfo fake_backend_info = {
    .kind = NET_CLIENT_NETDEV, .type = "fake-backend", .receive = fake_receive};

static void test_frames_go_to_every_other_port(void **state)
{
    FakeEnd nic1 = {0}, nic2 = {0}, backend = {0};
    uint8_t frame[60] = {0xff};

    nic1.nc = net_client_new(&fake_nic_info, "nic1", &nic1);
    nic2.nc = net_client_new(&fake_nic_info, "nic2", &nic2);
    assert_true(net_client_set_peer(nic1.nc, net_hub_add_nic_port(0), &error_abort));
    assert_true(net_client_set_peer(nic2.nc, net_hub_add_nic_port(0), &error_abort));
    backend.nc = net_client_new(&fake_backend_info, "be", &backend);
    assert_true(net_hub_connect_backend(0, backend.nc, &error_abort));
    assert_int_equal(net_hub_port_count(0), 3);

    net_send_packet(nic1.nc, frame, sizeof(frame));
    assert_int_equal(nic1.frames, 0);
    assert_int_equal(nic2.frames, 1);
    assert_int_equal(backend.frames, 1);
    net_send_packet(backend.nc, frame, 42);
    assert_int_equal(nic1.frames, 1);
    assert_int_equal(nic2.frames, 2);
    assert_int_equal(nic2.last_size, 42);
    assert_int_equal(backend.frames, 1);
}

static void test_net_nic_device_strings(void **state)
{
    char *dev = NULL;
    Error *err = NULL;
    int ports = net_hub_port_count(0);

    assert_true(net_legacy_add("nic", &dev, &error_abort));
    assert_non_null(strstr(dev, "virtio-net-pci,netdev=hub0port"));
    assert_int_equal(net_hub_port_count(0), ports + 1);
    free(dev);
    assert_true(net_legacy_add("nic,model=virtio-net-device,macaddr=52:54:00:01:02:03,netdev=n9",
                               &dev, &error_abort));
    assert_string_equal(dev, "virtio-net-device,netdev=n9,mac=52:54:00:01:02:03");
    free(dev);
    assert_true(net_legacy_add("none", &dev, &error_abort));
    assert_null(dev);
    assert_false(net_legacy_add("nic,vlan=0", &dev, &err));
    assert_string_equal(error_get_pretty(err), "Invalid parameter 'vlan'");
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frames_go_to_every_other_port),
        cmocka_unit_test(test_net_nic_device_strings),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
