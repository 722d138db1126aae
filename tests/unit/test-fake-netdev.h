/*
 * A network backend for NIC unit tests (test-e1000e, test-net-virtio): it keeps the last
 * frame the NIC sent and counts them. Attach with
 * `backend.nc = net_client_new(&fake_netdev_info, "fn0", &backend)`.
 */
#ifndef TESTS_UNIT_TEST_FAKE_NETDEV_H
#define TESTS_UNIT_TEST_FAKE_NETDEV_H

#include <string.h>

#include "net/net.h"

typedef struct FakeNetdev {
    NetClientState *nc;
    uint8_t last[2048];
    size_t last_size;
    int frames;
} FakeNetdev;

static ssize_t fake_netdev_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    FakeNetdev *f = nc->opaque;

    memcpy(f->last, buf, MIN(size, sizeof(f->last)));
    f->last_size = size;
    f->frames++;
    return size;
}

static const NetClientInfo fake_netdev_info = {
    .kind = NET_CLIENT_NETDEV,
    .type = "fake",
    .receive = fake_netdev_receive,
};

#endif
