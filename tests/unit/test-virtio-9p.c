/*
 * Unit tests for the virtio-9p device (hw/9pfs/virtio-9p.c) on a virtio-mmio transport,
 * driven as a guest would: the config space (mount tag), a request served by the worker
 * thread and completed through the main loop, a device reset that drops a reply in flight
 * and every fid, and chains too short to carry a message or its reply.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>

#include "fsdev/fsdev.h"
#include "hw/9pfs/9p-marshal.h"
#include "hw/9pfs/virtio-9p.h"
#include "test-virtio-driver.h"
#include "util/main-loop.h"

#define P9_MMIO 0x10001000
#define TREQ (RAM_BASE + 0x20000)
#define RREQ (RAM_BASE + 0x30000)
#define RREQ_SIZE 0x1000

static char share[64];
static TestDriver drv = {.base = P9_MMIO};

/* Post one T-message (len bytes of msg) with a reply buffer of rlen bytes as chain 0/1. */
static void post(const uint8_t *msg, size_t len, uint32_t rlen)
{
    address_space_write(address_space_memory(), TREQ, msg, len);
    desc_set(DESC, 0, TREQ, len, D_NEXT, 1);
    desc_set(DESC, 1, RREQ, rlen, D_WRITE, 0);
    td_kick(&drv, 0);
}

/* Run the main loop until the used ring holds `want` entries. */
static void wait_used(uint16_t want)
{
    while (td_used_idx() != want) {
        main_loop_wait(false);
    }
}

static size_t build(uint8_t *buf, uint8_t type, uint16_t tag, void (*body)(P9Writer *w))
{
    P9Writer w;

    p9w_init(&w, buf, 256);
    p9w_u32(&w, 0);
    p9w_u8(&w, type);
    p9w_u16(&w, tag);
    body(&w);
    p9w_patch_u32(&w, 0, w.len);
    return w.len;
}

static void body_version(P9Writer *w)
{
    p9w_u32(w, 8192);
    p9w_str(w, "9P2000.L");
}

static void body_attach(P9Writer *w)
{
    p9w_u32(w, 0);
    p9w_u32(w, ~0u);
    p9w_str(w, "root");
    p9w_str(w, "");
    p9w_u32(w, 0);
}

static void body_getattr(P9Writer *w)
{
    p9w_u32(w, 0);
    p9w_u64(w, 0x7ff);
}

/* Send a message and wait for its reply; returns the reply's type. */
static uint8_t rpc(uint8_t type, uint16_t tag, void (*body)(P9Writer *w))
{
    uint8_t msg[256];
    uint16_t used = td_used_idx();

    post(msg, build(msg, type, tag, body), RREQ_SIZE);
    wait_used(used + 1);
    assert_int_equal(ram_get(RREQ + 5, 2), tag);
    assert_int_equal(td_used_len((uint16_t)used % drv.num), ram_get(RREQ, 4));
    return ram_get(RREQ + 4, 1);
}

static int group_setup(void **state)
{
    DeviceState *dev;
    char *opt;

    strcpy(share, "/tmp/kestrel-test-v9p-XXXXXX");
    assert_non_null(mkdtemp(share));
    td_init_ram();
    opt = xasprintf("local,id=fs0,path=%s,security_model=none", share);
    assert_true(fsdev_add(opt, false, &error_abort));
    free(opt);
    dev = qdev_new(TYPE_VIRTIO_9P);
    assert_true(object_property_set_str(OBJECT(dev), "fsdev", "fs0", &error_abort));
    assert_true(object_property_set_str(OBJECT(dev), "mount_tag", "host0", &error_abort));
    assert_true(qdev_realize(dev, &error_abort));
    assert_true(
        virtio_mmio_plug(virtio_mmio_create(P9_MMIO, NULL, &error_abort), dev, &error_abort));
    return 0;
}

static int group_teardown(void **state)
{
    fsdev_cleanup();
    rmdir(share);
    return 0;
}

static int test_setup(void **state)
{
    td_setup(&drv, 16);
    return 0;
}

static void test_config(void **state)
{
    assert_int_equal(td_rd(&drv, R_DEVICE_ID), VIRTIO_ID_9P);
    td_wr(&drv, R_DEV_FEATURES_SEL, 0);
    assert_true(td_rd(&drv, R_DEV_FEATURES) & 1); /* VIRTIO_9P_MOUNT_TAG */
    assert_int_equal(td_rd(&drv, R_CONFIG) & 0xffff, 5);
    for (int i = 0; i < 5; i++) {
        assert_int_equal(ram_get(P9_MMIO + R_CONFIG + 2 + i, 1), "host0"[i]);
    }
}

static void test_requests(void **state)
{
    assert_int_equal(rpc(100, 0xffff, body_version), 101);
    assert_int_equal(rpc(104, 1, body_attach), 105);
    assert_int_equal(rpc(24, 2, body_getattr), 25);
}

/*
 * A reset while a request is in flight: its reply never reaches the ring, and the fids
 * of the old session are gone (the next session's getattr of fid 0 fails).
 */
static void test_reset_drops_in_flight(void **state)
{
    uint8_t msg[256];

    assert_int_equal(rpc(104, 1, body_attach), 105);
    post(msg, build(msg, 24, 7, body_getattr), RREQ_SIZE);
    td_setup(&drv, 16);                            /* resets the device first */
    assert_int_equal(rpc(24, 8, body_getattr), 7); /* Rlerror: fid 0 was clunked */
    assert_int_equal(ram_get(RREQ + 7, 4), EBADF);
    assert_int_equal(td_used_idx(), 1); /* only the new session's reply */
    assert_int_equal(td_used_id(0), 0);
}

static void test_short_chains(void **state)
{
    uint8_t msg[256];
    size_t len = build(msg, 100, 1, body_version);

    post(msg, 4, RREQ_SIZE); /* not even a header */
    assert_true(td_needs_reset(&drv));
    td_setup(&drv, 16);
    post(msg, len, 8); /* no room for an Rlerror */
    assert_true(td_needs_reset(&drv));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_config, test_setup),
        cmocka_unit_test_setup(test_requests, test_setup),
        cmocka_unit_test_setup(test_reset_drops_in_flight, test_setup),
        cmocka_unit_test_setup(test_short_chains, test_setup),
    };

    alarm(60); /* a hang guard: a lost completion would leave the loop waiting */
    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
