/*
 * A minimal virtio-mmio driver for unit tests: guest RAM at RAM_BASE in the
 * system address space, a transport at a chosen base, and helpers to lay out
 * a split virtqueue (descriptor table, avail and used rings) in that RAM and
 * drive the registers as a guest would. Included by tests/unit/test-virtio*.c.
 */
#ifndef TEST_VIRTIO_DRIVER_H
#define TEST_VIRTIO_DRIVER_H

#include "hw/core/qdev-globals.h"
#include "hw/virtio/virtio-mmio.h"
#include "system/memory.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1 * MiB)
#define DESC (RAM_BASE + 0x1000)
#define AVAIL (RAM_BASE + 0x2000)
#define USED (RAM_BASE + 0x3000)
#define INDIRECT (RAM_BASE + 0x4000)
#define BUF (RAM_BASE + 0x10000)

/* virtio-mmio registers */
#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
#define R_VENDOR_ID 0x00c
#define R_DEV_FEATURES 0x010
#define R_DEV_FEATURES_SEL 0x014
#define R_DRV_FEATURES 0x020
#define R_DRV_FEATURES_SEL 0x024
#define R_QUEUE_SEL 0x030
#define R_QUEUE_NUM_MAX 0x034
#define R_QUEUE_NUM 0x038
#define R_QUEUE_READY 0x044
#define R_QUEUE_NOTIFY 0x050
#define R_ISR 0x060
#define R_ISR_ACK 0x064
#define R_STATUS 0x070
#define R_DESC_LO 0x080
#define R_DESC_HI 0x084
#define R_AVAIL_LO 0x090
#define R_AVAIL_HI 0x094
#define R_USED_LO 0x0a0
#define R_USED_HI 0x0a4
#define R_GENERATION 0x0fc
#define R_CONFIG 0x100

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#define F_INDIRECT VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX)
#define F_VERSION_1 VIRTIO_BIT(VIRTIO_F_VERSION_1)

typedef struct TestDriver {
    hwaddr base; /* transport */
    unsigned num;
    uint16_t avail_idx;
} TestDriver;

static MemoryRegion test_ram;

/* RAM, and version 2 transports from here on (QEMU's default is legacy version 1). */
static inline void td_init_ram(void)
{
    assert_true(qdev_global_add("virtio-mmio.force-legacy=off", NULL));
    assert_true(memory_region_init_ram(&test_ram, "test.ram", RAM_SIZE, NULL));
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &test_ram);
}

static inline uint32_t td_rd(TestDriver *d, hwaddr off)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), d->base + off, 4, &v), MEMTX_OK);
    return v;
}

static inline void td_wr(TestDriver *d, hwaddr off, uint32_t v)
{
    assert_int_equal(address_space_store(address_space_memory(), d->base + off, 4, v), MEMTX_OK);
}

static inline void ram_put(hwaddr addr, uint64_t v, unsigned size)
{
    assert_int_equal(address_space_store(address_space_memory(), addr, size, v), MEMTX_OK);
}

static inline uint64_t ram_get(hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    assert_int_equal(address_space_load(address_space_memory(), addr, size, &v), MEMTX_OK);
    return v;
}

static inline void desc_set(hwaddr table, unsigned i, uint64_t addr, uint32_t len, uint16_t flags,
                            uint16_t next)
{
    hwaddr d = table + 16 * i;

    ram_put(d, addr, 8);
    ram_put(d + 8, len, 4);
    ram_put(d + 12, flags, 2);
    ram_put(d + 14, next, 2);
}

/* Reset, negotiate features, set up queue 0 with num entries, DRIVER_OK. False if refused. */
static inline bool td_setup_features(TestDriver *d, uint64_t features, unsigned num)
{
    uint8_t zero[0x1000] = {0};

    td_wr(d, R_STATUS, 0);
    address_space_write(address_space_memory(), DESC, zero, sizeof(zero));
    address_space_write(address_space_memory(), AVAIL, zero, sizeof(zero));
    address_space_write(address_space_memory(), USED, zero, sizeof(zero));
    d->num = num;
    d->avail_idx = 0;
    td_wr(d, R_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    td_wr(d, R_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    td_wr(d, R_DRV_FEATURES_SEL, 0);
    td_wr(d, R_DRV_FEATURES, (uint32_t)features);
    td_wr(d, R_DRV_FEATURES_SEL, 1);
    td_wr(d, R_DRV_FEATURES, features >> 32);
    td_wr(d, R_STATUS, 0xb);
    if (!(td_rd(d, R_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK)) {
        return false;
    }
    td_wr(d, R_QUEUE_SEL, 0);
    td_wr(d, R_QUEUE_NUM, num);
    td_wr(d, R_DESC_LO, (uint32_t)DESC);
    td_wr(d, R_DESC_HI, DESC >> 32);
    td_wr(d, R_AVAIL_LO, (uint32_t)AVAIL);
    td_wr(d, R_AVAIL_HI, AVAIL >> 32);
    td_wr(d, R_USED_LO, (uint32_t)USED);
    td_wr(d, R_USED_HI, USED >> 32);
    td_wr(d, R_QUEUE_READY, 1);
    td_wr(d, R_STATUS, 0xf);
    return true;
}

static inline void td_setup(TestDriver *d, unsigned num)
{
    assert_true(td_setup_features(d, F_VERSION_1 | F_INDIRECT, num));
    assert_int_equal(td_rd(d, R_QUEUE_READY), 1);
}

/* Make chain `head` available (without notifying). */
static inline void td_add(TestDriver *d, uint16_t head)
{
    ram_put(AVAIL + 4 + 2 * (d->avail_idx % d->num), head, 2);
    d->avail_idx++;
    ram_put(AVAIL + 2, d->avail_idx, 2);
}

static inline void td_kick(TestDriver *d, uint16_t head)
{
    td_add(d, head);
    td_wr(d, R_QUEUE_NOTIFY, 0);
}

static inline uint16_t td_used_idx(void)
{
    return ram_get(USED + 2, 2);
}

static inline uint32_t td_used_len(unsigned i)
{
    return ram_get(USED + 4 + 8 * i + 4, 4);
}

static inline uint32_t td_used_id(unsigned i)
{
    return ram_get(USED + 4 + 8 * i, 4);
}

static inline bool td_needs_reset(TestDriver *d)
{
    return td_rd(d, R_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

#endif
