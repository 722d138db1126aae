/*
 * Unit tests for the virtio core and the virtio-mmio transport, driven as a
 * guest would through the transport's registers, with rings in fake guest RAM:
 * register identity, feature negotiation, good chains (direct, indirect),
 * notification suppression, and every malformed ring a guest can build
 * (loops, indices and addresses out of range, overflowing lengths, chains too
 * long, nested or empty indirect tables, avail idx overrun, bad queue sizes,
 * rings outside RAM, DMA aimed at MMIO). Malformed input must be refused
 * without a crash: run under valgrind to prove no invalid access.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-rng.h"
#include "test-virtio-driver.h"
#include "util/log.h"

#define TEST_DEV_MMIO 0x10001000
#define RNG_MMIO 0x10002000
#define EMPTY_MMIO 0x10003000
#define TEST_QUEUE_MAX 8

/* ---- a test device recording what it pops ---- */

#define TYPE_TEST_VIRTIO "test-virtio-device"

static struct {
    unsigned pops;
    unsigned out_num, in_num;
    uint64_t out_len, in_len;
    size_t copied_out; /* virtqueue_elem_to_buf of the whole out side */
    uint8_t data[64];
} seen;

static void test_dev_handle(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;
    static const uint8_t fill[16] = "0123456789abcdef";

    while ((elem = virtqueue_pop(vq))) {
        seen.pops++;
        seen.out_num = elem->out_num;
        seen.in_num = elem->in_num;
        seen.out_len = elem->out_len;
        seen.in_len = elem->in_len;
        seen.copied_out = virtqueue_elem_to_buf(elem, 0, seen.data, sizeof(seen.data));
        virtqueue_push(vq, elem, virtqueue_elem_from_buf(elem, 0, fill, sizeof(fill)));
    }
    virtio_notify(vdev, vq);
}

static void test_dev_get_config(VirtIODevice *vdev, uint8_t *config)
{
    config[0] = 0x5a;
}

static bool test_dev_realize(DeviceState *dev, Error **errp)
{
    virtio_init(VIRTIO_DEVICE(dev), 4);
    virtio_add_queue(VIRTIO_DEVICE(dev), TEST_QUEUE_MAX, test_dev_handle);
    return true;
}

static uint64_t test_dev_features(VirtIODevice *vdev)
{
    return VIRTIO_BIT(3);
}

static void test_dev_class_init(ObjectClass *oc, void *data)
{
    DEVICE_CLASS(oc)->realize = test_dev_realize;
    VIRTIO_DEVICE_CLASS(oc)->device_id = 42;
    VIRTIO_DEVICE_CLASS(oc)->get_features = test_dev_features;
    VIRTIO_DEVICE_CLASS(oc)->get_config = test_dev_get_config;
}

static const TypeInfo test_dev_info = {
    .name = TYPE_TEST_VIRTIO,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIODevice),
    .class_init = test_dev_class_init,
};

static void test_dev_register(void)
{
    type_register_static(&test_dev_info);
}

type_init(test_dev_register)

/* ---- fixture ---- */

static TestDriver drv = {.base = TEST_DEV_MMIO};
static DeviceState *empty_transport;
static TestDriver rng = {.base = RNG_MMIO};
static int irq_level;

static void record_irq(void *opaque, int n, int level)
{
    irq_level = level;
}

static void legacy_plug_rng(void);

static DeviceState *plug_new(const char *type, hwaddr base, IRQState *irq)
{
    DeviceState *dev = qdev_new(type);
    DeviceState *transport = virtio_mmio_create(base, irq, &error_abort);

    assert_true(qdev_realize(dev, &error_abort));
    assert_true(virtio_mmio_plug(transport, dev, &error_abort));
    return dev;
}

static int group_setup(void **state)
{
    td_init_ram();
    plug_new(TYPE_TEST_VIRTIO, TEST_DEV_MMIO, irq_new(record_irq, NULL, 0));
    plug_new(TYPE_VIRTIO_RNG, RNG_MMIO, NULL);
    legacy_plug_rng();
    empty_transport = virtio_mmio_create(EMPTY_MMIO, NULL, &error_abort);
    return 0;
}

static int test_setup(void **state)
{
    memset(&seen, 0, sizeof(seen));
    td_setup(&drv, TEST_QUEUE_MAX);
    return 0;
}

/* ---- transport registers ---- */

static void test_identity(void **state)
{
    TestDriver empty = {.base = EMPTY_MMIO};

    assert_int_equal(td_rd(&drv, R_MAGIC), 0x74726976);
    assert_int_equal(td_rd(&drv, R_VERSION), 2);
    assert_int_equal(td_rd(&drv, R_DEVICE_ID), 42);
    assert_int_equal(td_rd(&drv, R_VENDOR_ID), 0x554d4551);
    assert_int_equal(td_rd(&empty, R_MAGIC), 0x74726976);
    assert_int_equal(td_rd(&empty, R_DEVICE_ID), 0);
    td_wr(&empty, R_STATUS, 0xf); /* ignored */
    assert_int_equal(td_rd(&empty, R_STATUS), 0);
    assert_int_equal(td_rd(&rng, R_DEVICE_ID), VIRTIO_ID_RNG);
    td_wr(&drv, R_QUEUE_SEL, 0);
    assert_int_equal(td_rd(&drv, R_QUEUE_NUM_MAX), TEST_QUEUE_MAX);
    td_wr(&drv, R_QUEUE_SEL, 1);
    assert_int_equal(td_rd(&drv, R_QUEUE_NUM_MAX), 0);
    td_wr(&drv, R_QUEUE_SEL, 0xffffffff);
    assert_int_equal(td_rd(&drv, R_QUEUE_NUM_MAX), 0);
    td_wr(&drv, R_QUEUE_READY, 1); /* missing queue: ignored */
}

static void test_features(void **state)
{
    td_wr(&drv, R_DEV_FEATURES_SEL, 0);
    assert_int_equal(td_rd(&drv, R_DEV_FEATURES), (uint32_t)(F_INDIRECT | F_EVENT_IDX | 8));
    td_wr(&drv, R_DEV_FEATURES_SEL, 1);
    assert_int_equal(td_rd(&drv, R_DEV_FEATURES), 1); /* VERSION_1 */
    td_wr(&drv, R_DEV_FEATURES_SEL, 7);
    assert_int_equal(td_rd(&drv, R_DEV_FEATURES), 0);
    /* VERSION_1 is required; bits we did not offer are refused. */
    assert_false(td_setup_features(&drv, F_INDIRECT, 8));
    assert_false(td_setup_features(&drv, F_VERSION_1 | VIRTIO_BIT(40), 8));
    assert_true(td_setup_features(&drv, F_VERSION_1 | VIRTIO_BIT(3), 8));
}

static void test_config(void **state)
{
    uint32_t gen = td_rd(&drv, R_GENERATION);
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), drv.base + R_CONFIG, 1, &v),
                     MEMTX_OK);
    assert_int_equal(v, 0x5a);
    /* Beyond the 4 config bytes: reads 0, no crash. */
    assert_int_equal(address_space_load(address_space_memory(), drv.base + R_CONFIG + 4, 4, &v),
                     MEMTX_OK);
    assert_int_equal(v, 0);
    /* Misaligned: the memory core rejects it before we see it. */
    assert_int_equal(address_space_load(address_space_memory(), drv.base + R_CONFIG + 2, 4, &v),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(td_rd(&drv, R_GENERATION), gen);
}

/* ---- good chains ---- */

static void test_direct_chain(void **state)
{
    ram_put(BUF, 0x1122334455667788ull, 8);
    desc_set(DESC, 0, BUF, 8, D_NEXT, 1);
    desc_set(DESC, 1, BUF + 8, 4, D_NEXT, 2);
    desc_set(DESC, 2, BUF + 0x100, 16, D_WRITE, 0);
    td_kick(&drv, 0);
    assert_int_equal(seen.pops, 1);
    assert_int_equal(seen.out_num, 2);
    assert_int_equal(seen.in_num, 1);
    assert_int_equal(seen.out_len, 12);
    assert_int_equal(seen.in_len, 16);
    assert_int_equal(seen.copied_out, 12);
    assert_int_equal(seen.data[0], 0x88);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(td_used_id(0), 0);
    assert_int_equal(td_used_len(0), 16);
    assert_int_equal(ram_get(BUF + 0x100, 1), '0');
    assert_int_equal(td_rd(&drv, R_ISR), VIRTIO_ISR_QUEUE);
    assert_int_equal(irq_level, 1);
    td_wr(&drv, R_ISR_ACK, VIRTIO_ISR_QUEUE);
    assert_int_equal(irq_level, 0);
    assert_false(td_needs_reset(&drv));
}

static void test_indirect_chain(void **state)
{
    desc_set(INDIRECT, 0, BUF, 4, D_NEXT, 1);
    desc_set(INDIRECT, 1, BUF + 4, 4, D_NEXT, 2);
    desc_set(INDIRECT, 2, BUF + 0x100, 8, D_WRITE, 0);
    desc_set(DESC, 5, INDIRECT, 3 * 16, D_INDIRECT, 0);
    td_kick(&drv, 5);
    assert_int_equal(seen.pops, 1);
    assert_int_equal(seen.out_num, 2);
    assert_int_equal(seen.in_num, 1);
    assert_int_equal(td_used_id(0), 5);
    assert_int_equal(td_used_len(0), 8);
    assert_false(td_needs_reset(&drv));
}

static void test_many_requests_wrap(void **state)
{
    /* More requests than the queue size: indices wrap around the rings. */
    for (unsigned i = 0; i < 3 * TEST_QUEUE_MAX; i++) {
        desc_set(DESC, i % TEST_QUEUE_MAX, BUF, 1, 0, 0);
        td_kick(&drv, i % TEST_QUEUE_MAX);
    }
    assert_int_equal(seen.pops, 3 * TEST_QUEUE_MAX);
    assert_int_equal(td_used_idx(), 3 * TEST_QUEUE_MAX);
    assert_false(td_needs_reset(&drv));
}

static void assert_broken(void);

/* Zero-length buffers are malformed (QEMU refuses them as well). */
static void test_zero_length(void **state)
{
    desc_set(DESC, 0, BUF, 0, D_NEXT, 1);
    desc_set(DESC, 1, BUF, 1, D_WRITE, 0);
    td_kick(&drv, 0);
    assert_int_equal(seen.pops, 0);
    assert_broken();
}

/* ---- notification suppression ---- */

static void test_no_interrupt_flag(void **state)
{
    ram_put(AVAIL, 1, 2); /* VRING_AVAIL_F_NO_INTERRUPT */
    desc_set(DESC, 0, BUF, 1, 0, 0);
    td_kick(&drv, 0);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(td_rd(&drv, R_ISR), 0);
}

static void test_event_idx(void **state)
{
    assert_true(td_setup_features(&drv, F_VERSION_1 | F_EVENT_IDX, TEST_QUEUE_MAX));
    desc_set(DESC, 0, BUF, 1, 0, 0);
    ram_put(AVAIL + 4 + 2 * TEST_QUEUE_MAX, 1, 2); /* used_event: interrupt after the 2nd */
    td_kick(&drv, 0);
    assert_int_equal(td_rd(&drv, R_ISR), VIRTIO_ISR_QUEUE); /* first one always signals */
    td_wr(&drv, R_ISR_ACK, 1);
    ram_put(AVAIL + 4 + 2 * TEST_QUEUE_MAX, 5, 2);
    td_kick(&drv, 0);
    assert_int_equal(td_rd(&drv, R_ISR), 0); /* used idx 2 has not passed used_event 5 */
    ram_put(AVAIL + 4 + 2 * TEST_QUEUE_MAX, 2, 2);
    td_kick(&drv, 0);
    assert_int_equal(td_rd(&drv, R_ISR), VIRTIO_ISR_QUEUE);
    /* The device published avail_event = its next avail index. */
    assert_int_equal(ram_get(USED + 4 + 8 * TEST_QUEUE_MAX, 2), 3);
}

/* ---- malformed rings: the device breaks, never the host ---- */

static void assert_broken(void)
{
    assert_true(td_needs_reset(&drv));
    assert_true(td_rd(&drv, R_ISR) & VIRTIO_ISR_CONFIG);
    assert_int_equal(td_used_idx(), 0);
    /* Broken: further notifications do nothing until reset. */
    td_wr(&drv, R_QUEUE_NOTIFY, 0);
    assert_int_equal(td_used_idx(), 0);
    /* Reset recovers. */
    td_setup(&drv, TEST_QUEUE_MAX);
    assert_false(td_needs_reset(&drv));
    desc_set(DESC, 0, BUF, 1, 0, 0);
    td_kick(&drv, 0);
    assert_int_equal(td_used_idx(), 1);
}

static void test_loop(void **state)
{
    desc_set(DESC, 0, BUF, 1, D_NEXT, 1);
    desc_set(DESC, 1, BUF, 1, D_NEXT, 0);
    td_kick(&drv, 0);
    assert_int_equal(seen.pops, 0);
    assert_broken();
}

static void test_self_loop(void **state)
{
    desc_set(DESC, 3, BUF, 0x1000, D_NEXT, 3);
    td_kick(&drv, 3);
    assert_broken();
}

static void test_next_out_of_range(void **state)
{
    desc_set(DESC, 0, BUF, 1, D_NEXT, TEST_QUEUE_MAX);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_head_out_of_range(void **state)
{
    td_kick(&drv, 0xffff);
    assert_broken();
}

static void test_avail_idx_overrun(void **state)
{
    desc_set(DESC, 0, BUF, 1, 0, 0);
    ram_put(AVAIL + 2, TEST_QUEUE_MAX + 1, 2);
    td_wr(&drv, R_QUEUE_NOTIFY, 0);
    assert_int_equal(seen.pops, 0);
    assert_broken();
}

static void test_readable_after_writable(void **state)
{
    desc_set(DESC, 0, BUF, 1, D_WRITE | D_NEXT, 1);
    desc_set(DESC, 1, BUF, 1, 0, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_nested(void **state)
{
    desc_set(INDIRECT, 0, INDIRECT + 0x100, 16, D_INDIRECT, 0);
    desc_set(DESC, 0, INDIRECT, 16, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_bad_len(void **state)
{
    desc_set(DESC, 0, INDIRECT, 17, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_empty(void **state)
{
    desc_set(DESC, 0, INDIRECT, 0, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_huge(void **state)
{
    /* A table far larger than anything allowed (and than RAM). */
    desc_set(DESC, 0, INDIRECT, 0xfffffff0, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_outside_ram(void **state)
{
    desc_set(DESC, 0, 0x1000, 32, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_loop(void **state)
{
    desc_set(INDIRECT, 0, BUF, 1, D_NEXT, 1);
    desc_set(INDIRECT, 1, BUF, 1, D_NEXT, 0);
    desc_set(DESC, 0, INDIRECT, 2 * 16, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_with_next(void **state)
{
    desc_set(INDIRECT, 0, BUF, 1, 0, 0);
    desc_set(DESC, 0, INDIRECT, 16, D_INDIRECT | D_NEXT, 1);
    desc_set(DESC, 1, BUF, 1, 0, 0);
    td_kick(&drv, 0);
    assert_broken();
}

static void test_indirect_not_negotiated(void **state)
{
    assert_true(td_setup_features(&drv, F_VERSION_1, TEST_QUEUE_MAX));
    desc_set(INDIRECT, 0, BUF, 1, 0, 0);
    desc_set(DESC, 0, INDIRECT, 16, D_INDIRECT, 0);
    td_kick(&drv, 0);
    assert_broken();
}

/* ---- bad buffer addresses: that request fails, the device goes on ---- */

static void test_buffer_outside_ram(void **state)
{
    desc_set(DESC, 0, RAM_BASE + RAM_SIZE - 4, 8, D_NEXT, 1); /* straddles the end of RAM */
    desc_set(DESC, 1, 0x1000, 16, D_WRITE, 0);                /* no RAM at all */
    td_kick(&drv, 0);
    assert_int_equal(seen.pops, 1);
    assert_int_equal(seen.copied_out, 0);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(td_used_len(0), 0);
    assert_false(td_needs_reset(&drv));
}

static void test_length_overflow(void **state)
{
    desc_set(DESC, 0, 0xfffffffffffff000ull, 0xffffffff, D_NEXT, 1);
    desc_set(DESC, 1, 0xfffffffffffffff8ull, 16, D_WRITE, 0);
    td_kick(&drv, 0);
    assert_int_equal(seen.pops, 1);
    assert_int_equal(seen.copied_out, 0);
    assert_int_equal(td_used_len(0), 0);
    /* A 4 GiB buffer starting in RAM: only the bytes actually copied need to be RAM. */
    desc_set(DESC, 0, BUF, 0xffffffff, D_WRITE, 0);
    td_kick(&drv, 0);
    assert_int_equal(td_used_len(1), 16);
    assert_false(td_needs_reset(&drv));
}

static void test_dma_into_mmio(void **state)
{
    /* A writable buffer aimed at our own registers must not reach them (re-entrancy). */
    desc_set(DESC, 0, TEST_DEV_MMIO + R_QUEUE_NOTIFY, 4, D_WRITE, 0);
    td_kick(&drv, 0);
    assert_int_equal(seen.pops, 1);
    assert_int_equal(td_used_len(0), 0);
    assert_false(virtio_dma_check(TEST_DEV_MMIO, 4, false));
    assert_true(virtio_dma_check(RAM_BASE, RAM_SIZE, true));
    assert_false(virtio_dma_check(RAM_BASE, RAM_SIZE + 1, false));
    assert_true(virtio_dma_check(0, 0, true));
}

/* ---- bad queue configuration ---- */

static void test_bad_queue_size(void **state)
{
    static const unsigned sizes[] = {0, 3, 6, TEST_QUEUE_MAX * 2, 0x10000};

    for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
        td_wr(&drv, R_STATUS, 0);
        td_wr(&drv, R_QUEUE_SEL, 0);
        td_wr(&drv, R_QUEUE_NUM, sizes[i]);
        assert_true(td_needs_reset(&drv));
    }
    td_setup(&drv, 4); /* a smaller power of two is fine */
    desc_set(DESC, 0, BUF, 1, 0, 0);
    for (int i = 0; i < 6; i++) {
        td_kick(&drv, 0);
    }
    assert_int_equal(td_used_idx(), 6);
}

static void test_rings_outside_ram(void **state)
{
    td_wr(&drv, R_STATUS, 0);
    td_wr(&drv, R_QUEUE_SEL, 0);
    td_wr(&drv, R_DESC_LO, 0x1000);
    td_wr(&drv, R_DESC_HI, 0);
    td_wr(&drv, R_AVAIL_LO, (uint32_t)AVAIL);
    td_wr(&drv, R_AVAIL_HI, AVAIL >> 32);
    td_wr(&drv, R_USED_LO, (uint32_t)(RAM_BASE + RAM_SIZE - 8)); /* runs off the end */
    td_wr(&drv, R_USED_HI, AVAIL >> 32);
    td_wr(&drv, R_QUEUE_READY, 1);
    assert_int_equal(td_rd(&drv, R_QUEUE_READY), 0);
    assert_true(td_needs_reset(&drv));
    td_wr(&drv, R_QUEUE_NOTIFY, 0);
    td_wr(&drv, R_QUEUE_NOTIFY, 99);
}

static void test_misaligned_rings(void **state)
{
    td_wr(&drv, R_STATUS, 0);
    td_wr(&drv, R_DESC_LO, (uint32_t)DESC + 8);
    td_wr(&drv, R_DESC_HI, DESC >> 32);
    td_wr(&drv, R_AVAIL_LO, (uint32_t)AVAIL);
    td_wr(&drv, R_AVAIL_HI, AVAIL >> 32);
    td_wr(&drv, R_USED_LO, (uint32_t)USED);
    td_wr(&drv, R_USED_HI, USED >> 32);
    td_wr(&drv, R_QUEUE_READY, 1);
    assert_int_equal(td_rd(&drv, R_QUEUE_READY), 0);
}

static void test_reconfigure_while_ready(void **state)
{
    td_wr(&drv, R_DESC_LO, 0x1000); /* ignored: the queue is live */
    desc_set(DESC, 0, BUF, 1, 0, 0);
    td_kick(&drv, 0);
    assert_int_equal(td_used_idx(), 1);
}

static void test_bad_register_access(void **state)
{
    uint64_t v;

    /* 2-byte access to a 32-bit register: logged, reads 0, no effect. */
    assert_int_equal(address_space_load(address_space_memory(), drv.base + R_MAGIC, 2, &v),
                     MEMTX_OK);
    assert_int_equal(v, 0);
    assert_int_equal(address_space_store(address_space_memory(), drv.base + R_STATUS, 1, 0),
                     MEMTX_OK);
    assert_int_equal(td_rd(&drv, R_STATUS), 0xf);
    td_wr(&drv, 0x0f0, 1);
    assert_int_equal(td_rd(&drv, 0x0f0), 0);
}

/*
 * 4.2.2.2: 64-bit config fields are read as two 32-bit accesses; a 64-bit access (config or
 * control register) is refused, so the guest gets an access fault, and it is logged.
 */
static void test_64bit_access_faults(void **state)
{
    char path[] = "/tmp/kestrel-virtio-log-XXXXXX";
    int fd = mkstemp(path);
    char text[512] = "";
    uint64_t v = 0;
    FILE *f;

    assert_true(fd >= 0);
    close(fd);
    assert_true(log_set_file(path, &error_abort));
    log_mask_enabled |= LOG_GUEST_ERROR;
    assert_int_equal(address_space_load(address_space_memory(), drv.base + 0x100, 8, &v),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_store(address_space_memory(), drv.base + 0x100, 8, ~0ULL),
                     MEMTX_DECODE_ERROR);
    assert_int_equal(address_space_load(address_space_memory(), drv.base + R_MAGIC, 8, &v),
                     MEMTX_DECODE_ERROR);
    log_mask_enabled &= ~LOG_GUEST_ERROR;
    /* The 32-bit access the spec asks for works, and the refused store changed nothing. */
    assert_int_equal(address_space_load(address_space_memory(), drv.base + 0x100, 4, &v), MEMTX_OK);
    assert_int_equal(v & 0xff, 0x5a);

    f = fopen(path, "r");
    assert_non_null(f);
    assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
    fclose(f);
    unlink(path);
    assert_non_null(strstr(text, "virtio-mmio: invalid read size 8 at offset 0x100"));
    assert_non_null(strstr(text, "virtio-mmio: invalid write size 8 at offset 0x100"));
    assert_non_null(strstr(text, "virtio-mmio: invalid read size 8 at offset 0x0"));
}

/* ---- virtio-rng ---- */

static void test_rng(void **state)
{
    rng.base = RNG_MMIO;
    td_setup(&rng, 8);
    ram_put(BUF, 0, 8);
    ram_put(BUF + 8, 0, 8);
    desc_set(DESC, 0, BUF, 64, D_WRITE, 0);
    td_kick(&rng, 0);
    assert_int_equal(td_used_idx(), 1);
    assert_int_equal(td_used_len(0), 64);
    assert_true(ram_get(BUF, 8) != 0 || ram_get(BUF + 8, 8) != 0);
    /* A buffer outside RAM: nothing written, no crash. */
    desc_set(DESC, 1, 0x1000, 64, D_WRITE, 0);
    td_kick(&rng, 1);
    assert_int_equal(td_used_len(1), 0);
    td_wr(&rng, R_STATUS, 0);
}

/* ---- the legacy transport (version 1, force-legacy=on) ---- */

#define LEGACY_MMIO 0x10004000
#define R_GUEST_PAGE_SIZE 0x028
#define R_QUEUE_ALIGN 0x03c
#define R_QUEUE_PFN 0x040

static TestDriver legacy = {.base = LEGACY_MMIO};

static void legacy_plug_rng(void)
{
    DeviceState *transport = qdev_new(TYPE_VIRTIO_MMIO);
    DeviceState *dev = qdev_new(TYPE_VIRTIO_RNG);

    assert_true(object_property_set_bool(OBJECT(transport), "force-legacy", true, &error_abort));
    assert_true(qdev_realize(transport, &error_abort));
    sysbus_mmio_map(SYS_BUS_DEVICE(transport), 0, LEGACY_MMIO);
    assert_true(qdev_realize(dev, &error_abort));
    assert_true(virtio_mmio_plug(transport, dev, &error_abort));
}

/* 4.2.4: a legacy driver sets GuestPageSize, QueueNum, QueueAlign, then QueuePFN. */
static void test_legacy_queue(void **state)
{
    const unsigned num = 8;
    const hwaddr used = DESC + 0x1000; /* after desc (128) and avail (22), aligned to 4 KiB */

    assert_int_equal(td_rd(&legacy, R_VERSION), 1);
    td_wr(&legacy, R_DEV_FEATURES_SEL, 1);
    assert_int_equal(td_rd(&legacy, R_DEV_FEATURES), 0); /* no VERSION_1 */
    td_wr(&legacy, R_STATUS, 0);
    td_wr(&legacy, R_STATUS, 3); /* ACKNOWLEDGE | DRIVER; no FEATURES_OK in legacy */
    td_wr(&legacy, R_GUEST_PAGE_SIZE, 4096);
    td_wr(&legacy, R_QUEUE_SEL, 0);
    td_wr(&legacy, R_QUEUE_NUM, num);
    td_wr(&legacy, R_QUEUE_ALIGN, 4096);
    ram_put(used + 2, 0, 2);
    td_wr(&legacy, R_QUEUE_PFN, DESC >> 12);
    assert_int_equal(td_rd(&legacy, R_QUEUE_PFN), DESC >> 12);
    td_wr(&legacy, R_STATUS, 7);
    desc_set(DESC, 0, BUF, 16, D_WRITE, 0);
    ram_put(DESC + 16 * num + 4, 0, 2); /* avail ring[0] = head 0 */
    ram_put(DESC + 16 * num + 2, 1, 2); /* avail idx */
    td_wr(&legacy, R_QUEUE_NOTIFY, 0);
    assert_int_equal(ram_get(used + 2, 2), 1);
    assert_int_equal(ram_get(used + 8, 4), 16);
    /* PFN 0 stops the queue. */
    td_wr(&legacy, R_QUEUE_PFN, 0);
    assert_int_equal(td_rd(&legacy, R_QUEUE_PFN), 0);
}

static void legacy_mistakes(void)
{
    td_wr(&legacy, R_STATUS, 0);
    td_wr(&legacy, R_QUEUE_READY, 1);   /* a version 2 register */
    (void)td_rd(&legacy, R_GENERATION); /* so is this */
    td_wr(&legacy, R_QUEUE_SEL, 5);
    td_wr(&legacy, R_QUEUE_PFN, 0x80001); /* a missing queue */
    td_wr(&legacy, R_QUEUE_SEL, 0);
    td_wr(&legacy, R_QUEUE_ALIGN, 3);        /* not a power of two ... */
    td_wr(&legacy, R_QUEUE_PFN, DESC >> 12); /* ... so the queue cannot start */
}

static void test_legacy_guest_errors(void **state)
{
    char path[] = "/tmp/kestrel-virtio-log-XXXXXX";
    int fd = mkstemp(path);
    char text[1024] = "";
    FILE *f;

    assert_true(fd >= 0);
    close(fd);
    assert_true(log_set_file(path, &error_abort));
    log_mask_enabled |= LOG_GUEST_ERROR;
    legacy_mistakes();
    log_mask_enabled &= ~LOG_GUEST_ERROR;
    assert_true(td_rd(&legacy, R_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    f = fopen(path, "r");
    assert_non_null(f);
    assert_true(fread(text, 1, sizeof(text) - 1, f) > 0);
    fclose(f);
    unlink(path);
    assert_non_null(strstr(text, "write to register 0x44 (not in version 1)"));
    assert_non_null(strstr(text, "read of register 0xfc (not in version 1)"));
    assert_non_null(strstr(text, "queue register 0x40 for missing queue 5"));
    assert_non_null(strstr(text, "QueueAlign 3"));
    /* A reset clears it, and with GuestPageSize 0 no PFN can place the rings either. */
    td_wr(&legacy, R_STATUS, 0);
    td_wr(&legacy, R_GUEST_PAGE_SIZE, 0);
    td_wr(&legacy, R_QUEUE_PFN, DESC >> 12);
    assert_true(td_rd(&legacy, R_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET);
    td_wr(&legacy, R_STATUS, 0);
}

static void test_plug_slots(void **state)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_RNG);
    Error *err = NULL;

    assert_true(qdev_realize(dev, &error_abort));
    /* The one empty transport takes it; then none are left. */
    assert_true(virtio_mmio_plug_free(&empty_transport, 1, dev, &error_abort));
    assert_true(virtio_mmio_plug_free(&empty_transport, 1, dev, &error_abort)); /* no-op */
    assert_ptr_equal(virtio_mmio_get_device(empty_transport), dev);
    dev = qdev_new(TYPE_VIRTIO_RNG);
    assert_true(qdev_realize(dev, &error_abort));
    assert_false(virtio_mmio_plug_free(&empty_transport, 1, dev, &err));
    assert_non_null(strstr(error_get_pretty(err), "no free virtio-mmio slot"));
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_identity, test_setup),
        cmocka_unit_test_setup(test_features, test_setup),
        cmocka_unit_test_setup(test_config, test_setup),
        cmocka_unit_test_setup(test_direct_chain, test_setup),
        cmocka_unit_test_setup(test_indirect_chain, test_setup),
        cmocka_unit_test_setup(test_many_requests_wrap, test_setup),
        cmocka_unit_test_setup(test_zero_length, test_setup),
        cmocka_unit_test_setup(test_no_interrupt_flag, test_setup),
        cmocka_unit_test_setup(test_event_idx, test_setup),
        cmocka_unit_test_setup(test_loop, test_setup),
        cmocka_unit_test_setup(test_self_loop, test_setup),
        cmocka_unit_test_setup(test_next_out_of_range, test_setup),
        cmocka_unit_test_setup(test_head_out_of_range, test_setup),
        cmocka_unit_test_setup(test_avail_idx_overrun, test_setup),
        cmocka_unit_test_setup(test_readable_after_writable, test_setup),
        cmocka_unit_test_setup(test_indirect_nested, test_setup),
        cmocka_unit_test_setup(test_indirect_bad_len, test_setup),
        cmocka_unit_test_setup(test_indirect_empty, test_setup),
        cmocka_unit_test_setup(test_indirect_huge, test_setup),
        cmocka_unit_test_setup(test_indirect_outside_ram, test_setup),
        cmocka_unit_test_setup(test_indirect_loop, test_setup),
        cmocka_unit_test_setup(test_indirect_with_next, test_setup),
        cmocka_unit_test_setup(test_indirect_not_negotiated, test_setup),
        cmocka_unit_test_setup(test_buffer_outside_ram, test_setup),
        cmocka_unit_test_setup(test_length_overflow, test_setup),
        cmocka_unit_test_setup(test_dma_into_mmio, test_setup),
        cmocka_unit_test_setup(test_bad_queue_size, test_setup),
        cmocka_unit_test_setup(test_rings_outside_ram, test_setup),
        cmocka_unit_test_setup(test_misaligned_rings, test_setup),
        cmocka_unit_test_setup(test_reconfigure_while_ready, test_setup),
        cmocka_unit_test_setup(test_bad_register_access, test_setup),
        cmocka_unit_test_setup(test_64bit_access_faults, test_setup),
        cmocka_unit_test(test_rng),
        cmocka_unit_test(test_legacy_queue),
        cmocka_unit_test(test_legacy_guest_errors),
        cmocka_unit_test(test_plug_slots),
    };

    return cmocka_run_group_tests(tests, group_setup, NULL);
}
