/*
 * virtio-blk from the inside: a bare-metal driver for the virt board's
 * virtio-mmio slots (virtio 1.2, 4.2 and 5.2), run with
 *     -drive file=IMG,if=none,id=d0,format=raw -device virtio-blk-device,drive=d0,serial=kvtest
 * IMG is made by tests/functional/test_virtio_guest.py: 1 MiB, sector 0 starts
 * with "KVTEST" and then '1' (strict) or '0' (lenient).
 *
 * Part 1, on every emulator: find the device (the first -device sits in the
 * last slot, 0x10008000), negotiate, write/read back/flush, GET_ID, a read
 * beyond the disk (IOERR), an indirect request, and leave sector 6 written
 * for the host to check after exit.
 * Part 2: hand the device malformed rings (loops, addresses outside RAM, huge
 * lengths, bad indices, avail idx jumps, bad queue sizes, rings outside RAM)
 * and check the emulator survives each one: the request fails or the device
 * reports DEVICE_NEEDS_RESET, and after a reset the device works again.
 * Strict mode (Kestrel) also checks which of the two outcomes each case gets.
 */
#include "test.h"

#define SLOT0 0x10001000ul
#define SLOT_SIZE 0x1000ul
#define NSLOTS 8

#define R_MAGIC 0x000
#define R_VERSION 0x004
#define R_DEVICE_ID 0x008
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
#define R_CONFIG 0x100

#define S_ACK 1
#define S_DRIVER 2
#define S_DRIVER_OK 4
#define S_FEATURES_OK 8
#define S_NEEDS_RESET 0x40

#define F_FLUSH (1ul << 9)
#define F_INDIRECT (1ul << 28)
#define F_VERSION_1 (1ul << 32)

#define D_NEXT 1
#define D_WRITE 2
#define D_INDIRECT 4

#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define T_GET_ID 8
#define BLK_OK 0
#define BLK_IOERR 1

#define QSIZE 8
#define CAPACITY 2048 /* sectors in the 1 MiB image */

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct desc ring_desc[QSIZE] __attribute__((aligned(16)));
static struct desc indirect[4] __attribute__((aligned(16)));
static volatile struct {
    uint16_t flags, idx, ring[QSIZE], used_event;
} avail __attribute__((aligned(2)));
static volatile struct {
    uint16_t flags, idx;
    struct {
        uint32_t id, len;
    } ring[QSIZE];
    uint16_t avail_event;
} used __attribute__((aligned(4)));

static struct {
    uint32_t type, reserved;
    uint64_t sector;
} hdr;
static uint8_t data[1024] __attribute__((aligned(16)));
static volatile uint8_t status;

static unsigned long base;
static uint16_t last_used;
static int strict;

static uint32_t rd(unsigned long off)
{
    return mmio_read32(base + off);
}

static void wr(unsigned long off, uint32_t v)
{
    mmio_write32(base + off, v);
}

static void zero(volatile void *p, unsigned long n)
{
    for (unsigned long i = 0; i < n; i++) {
        ((volatile uint8_t *)p)[i] = 0;
    }
}

static void set_queue_addrs(uint64_t d, uint64_t a, uint64_t u)
{
    wr(R_DESC_LO, d);
    wr(R_DESC_HI, d >> 32);
    wr(R_AVAIL_LO, a);
    wr(R_AVAIL_HI, a >> 32);
    wr(R_USED_LO, u);
    wr(R_USED_HI, u >> 32);
}

/* Reset and set up queue 0 with qsize entries (3.1.1). Returns the status read back. */
static uint32_t device_init(uint32_t qsize)
{
    uint64_t features;

    wr(R_STATUS, 0);
    CHECK_EQ(rd(R_STATUS), 0);
    zero(&avail, sizeof(avail));
    zero(&used, sizeof(used));
    last_used = 0;
    wr(R_STATUS, S_ACK);
    wr(R_STATUS, S_ACK | S_DRIVER);
    wr(R_DEV_FEATURES_SEL, 1);
    features = (uint64_t)rd(R_DEV_FEATURES) << 32;
    wr(R_DEV_FEATURES_SEL, 0);
    features |= rd(R_DEV_FEATURES);
    CHECK(features & F_VERSION_1);
    CHECK(features & F_FLUSH);
    CHECK(features & F_INDIRECT);
    features &= F_VERSION_1 | F_FLUSH | F_INDIRECT;
    wr(R_DRV_FEATURES_SEL, 0);
    wr(R_DRV_FEATURES, features);
    wr(R_DRV_FEATURES_SEL, 1);
    wr(R_DRV_FEATURES, features >> 32);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK);
    CHECK(rd(R_STATUS) & S_FEATURES_OK);
    wr(R_QUEUE_SEL, 0);
    CHECK(rd(R_QUEUE_NUM_MAX) >= QSIZE);
    CHECK_EQ(rd(R_QUEUE_READY), 0);
    wr(R_QUEUE_NUM, qsize);
    set_queue_addrs((uintptr_t)ring_desc, (uintptr_t)&avail, (uintptr_t)&used);
    wr(R_QUEUE_READY, 1);
    wr(R_STATUS, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    return rd(R_STATUS);
}

/* Publish head and notify; avail_step is how far avail->idx moves (1 when well behaved). */
static void submit(uint16_t head, uint16_t avail_step)
{
    avail.ring[avail.idx % QSIZE] = head;
    fence();
    avail.idx += avail_step;
    fence();
    wr(R_QUEUE_NOTIFY, 0);
}

enum outcome { DONE, BROKEN, TIMEOUT };

/* Wait up to a second for the used ring to move or the device to ask for a reset. */
static enum outcome wait_used(void)
{
    uint64_t end = clint_mtime() + VIRT_TIMEBASE_HZ;

    while (clint_mtime() < end) {
        fence();
        if (used.idx != last_used) {
            last_used = used.idx;
            wr(R_ISR_ACK, rd(R_ISR));
            return DONE;
        }
        if (rd(R_STATUS) & S_NEEDS_RESET) {
            return BROKEN;
        }
    }
    return TIMEOUT;
}

/* header, one data buffer (device-writable for reads), status. */
static enum outcome request(uint32_t type, uint64_t sector, void *buf, uint32_t len)
{
    hdr.type = type;
    hdr.sector = sector;
    status = 0xff;
    ring_desc[0] = (struct desc){(uintptr_t)&hdr, sizeof(hdr), D_NEXT, 1};
    if (len) {
        ring_desc[1] =
            (struct desc){(uintptr_t)buf, len, D_NEXT | (type == T_OUT ? 0 : D_WRITE), 2};
        ring_desc[2] = (struct desc){(uintptr_t)&status, 1, D_WRITE, 0};
    } else {
        ring_desc[1] = (struct desc){(uintptr_t)&status, 1, D_WRITE, 0};
    }
    submit(0, 1);
    return wait_used();
}

static void fill(uint8_t seed)
{
    for (unsigned i = 0; i < sizeof(data); i++) {
        data[i] = (uint8_t)(seed + i * 7);
    }
}

static int matches(uint8_t seed, unsigned len)
{
    for (unsigned i = 0; i < len; i++) {
        if (data[i] != (uint8_t)(seed + i * 7)) {
            return 0;
        }
    }
    return 1;
}

static unsigned long find_block_device(void)
{
    unsigned long found = 0;

    for (unsigned i = 0; i < NSLOTS; i++) {
        unsigned long b = SLOT0 + i * SLOT_SIZE;

        CHECK_EQ(mmio_read32(b + R_MAGIC), 0x74726976);
        CHECK_EQ(mmio_read32(b + R_VERSION), 2);
        if (mmio_read32(b + R_DEVICE_ID) == 2) {
            CHECK_EQ(found, 0);
            found = b;
        } else {
            CHECK_EQ(mmio_read32(b + R_DEVICE_ID), 0);
        }
    }
    return found;
}

/* ---- part 1: a well-behaved driver ---- */

static void good_requests(void)
{
    uint64_t capacity = rd(R_CONFIG) | (uint64_t)rd(R_CONFIG + 4) << 32;

    CHECK_EQ(capacity, CAPACITY);
    CHECK_EQ(request(T_IN, 0, data, 512), DONE);
    CHECK_EQ(status, BLK_OK);
    CHECK(data[0] == 'K' && data[1] == 'V' && data[5] == 'T');
    strict = data[6] == '1';

    fill(0x31);
    CHECK_EQ(request(T_OUT, 5, data, 1024), DONE);
    CHECK_EQ(status, BLK_OK);
    zero(data, sizeof(data));
    CHECK_EQ(request(T_IN, 5, data, 1024), DONE);
    CHECK_EQ(status, BLK_OK);
    CHECK_EQ(used.ring[(last_used - 1) % QSIZE].len, 1025);
    CHECK(matches(0x31, 1024));
    CHECK_EQ(request(T_FLUSH, 0, 0, 0), DONE);
    CHECK_EQ(status, BLK_OK);

    CHECK_EQ(request(T_GET_ID, 0, data, 20), DONE);
    CHECK_EQ(status, BLK_OK);
    CHECK(data[0] == 'k' && data[5] == 't' && data[6] == 0);

    CHECK_EQ(request(T_IN, CAPACITY, data, 512), DONE);
    CHECK_EQ(status, BLK_IOERR);
    CHECK_EQ(request(T_IN, CAPACITY - 1, data, 1024), DONE);
    CHECK_EQ(status, BLK_IOERR);

    /* The same read through an indirect table. */
    zero(data, sizeof(data));
    indirect[0] = (struct desc){(uintptr_t)&hdr, sizeof(hdr), D_NEXT, 1};
    indirect[1] = (struct desc){(uintptr_t)data, 512, D_NEXT | D_WRITE, 2};
    indirect[2] = (struct desc){(uintptr_t)&status, 1, D_WRITE, 0};
    ring_desc[3] = (struct desc){(uintptr_t)indirect, 3 * sizeof(struct desc), D_INDIRECT, 0};
    hdr.type = T_IN;
    hdr.sector = 5;
    status = 0xff;
    submit(3, 1);
    CHECK_EQ(wait_used(), DONE);
    CHECK_EQ(status, BLK_OK);
    CHECK(matches(0x31, 512));

    /* Sector 6 for the host to find in the image after we power off. */
    fill(0x66);
    CHECK_EQ(request(T_OUT, 6, data, 512), DONE);
    CHECK_EQ(status, BLK_OK);
}

/* ---- part 2: malformed rings ---- */

/*
 * A malformed case ended. Lenient mode only asks that the emulator is still
 * there and the device recovers (QEMU, for one, completes a read into
 * unassigned memory with OK). Strict mode wants the outcome `expect`, and a
 * completed request must have failed.
 */
static void survived(enum outcome got, enum outcome expect)
{
    if (strict) {
        CHECK_EQ(got, expect);
        CHECK(got != DONE || status == BLK_IOERR);
    }
    /* The device must work again after a reset. */
    CHECK_EQ(device_init(QSIZE) & S_NEEDS_RESET, 0);
    CHECK_EQ(request(T_IN, 5, data, 512), DONE);
    CHECK_EQ(status, BLK_OK);
    CHECK(matches(0x31, 512));
}

static enum outcome bad_chain(struct desc d0, struct desc d1, struct desc d2, uint16_t step)
{
    hdr.type = T_IN;
    hdr.sector = 5;
    status = 0xff;
    ring_desc[0] = d0;
    ring_desc[1] = d1;
    ring_desc[2] = d2;
    submit(0, step);
    return wait_used();
}

static void bad_requests(void)
{
    struct desc h = {(uintptr_t)&hdr, sizeof(hdr), D_NEXT, 1};
    struct desc st = {(uintptr_t)&status, 1, D_WRITE, 0};

    fill(0x31);
    /* A loop: 0 -> 1 -> 2 -> 1. */
    survived(bad_chain(h, (struct desc){(uintptr_t)data, 512, D_NEXT | D_WRITE, 2},
                       (struct desc){(uintptr_t)&status, 1, D_NEXT | D_WRITE, 1}, 1),
             BROKEN);
    /* Device-readable after device-writable (here: back to the header). */
    survived(bad_chain(h, (struct desc){(uintptr_t)data, 512, D_NEXT | D_WRITE, 0}, st, 1), BROKEN);
    /* Next index beyond the table. */
    survived(bad_chain(h, (struct desc){(uintptr_t)data, 512, D_NEXT | D_WRITE, 200}, st, 1),
             BROKEN);
    /* Head index beyond the table. */
    status = 0xff;
    avail.ring[avail.idx % QSIZE] = 0x7fff;
    fence();
    avail.idx++;
    wr(R_QUEUE_NOTIFY, 0);
    survived(wait_used(), BROKEN);
    /* avail->idx jumping far past the queue size. */
    survived(bad_chain(h, (struct desc){(uintptr_t)data, 512, D_NEXT | D_WRITE, 2}, st, 100),
             BROKEN);
    /* Data buffer at an address with no RAM (and one that wraps the address space). */
    survived(bad_chain(h, (struct desc){0x4000000000ul, 512, D_NEXT | D_WRITE, 2}, st, 1), DONE);
    survived(bad_chain(h, (struct desc){~0ul - 256, 512, D_NEXT | D_WRITE, 2}, st, 1), DONE);
    /* A huge length starting in RAM: 4 GiB - 512 bytes, far past RAM and the disk. */
    survived(bad_chain(h, (struct desc){VIRT_DRAM_BASE, 0xfffffe00u, D_NEXT | D_WRITE, 2}, st, 1),
             DONE);
    /* Nested indirect tables. */
    indirect[0] = (struct desc){(uintptr_t)indirect, 2 * sizeof(struct desc), D_INDIRECT, 0};
    survived(bad_chain((struct desc){(uintptr_t)indirect, 2 * sizeof(struct desc), D_INDIRECT, 0},
                       st, st, 1),
             BROKEN);
    /* Indirect table outside RAM. */
    survived(bad_chain((struct desc){0x4000000000ul, 64, D_INDIRECT, 0}, st, st, 1), BROKEN);
}

static void bad_queues(void)
{
    enum outcome got;

    /* Queue sizes that are not a power of two, or above the maximum. */
    wr(R_STATUS, 0);
    wr(R_STATUS, S_ACK | S_DRIVER);
    wr(R_QUEUE_SEL, 0);
    wr(R_QUEUE_NUM, 3);
    wr(R_QUEUE_NUM, 0x10000);
    CHECK(!strict || (rd(R_STATUS) & S_NEEDS_RESET));
    CHECK_EQ(device_init(QSIZE) & S_NEEDS_RESET, 0);
    /* Rings where there is no RAM: the queue must not come up (or the device breaks). */
    wr(R_STATUS, 0);
    wr(R_STATUS, S_ACK | S_DRIVER);
    wr(R_QUEUE_SEL, 0);
    wr(R_QUEUE_NUM, QSIZE);
    set_queue_addrs(0x4000000000ul, (uintptr_t)&avail, 0x1000);
    wr(R_QUEUE_READY, 1);
    if (strict) {
        CHECK_EQ(rd(R_QUEUE_READY), 0);
        CHECK(rd(R_STATUS) & S_NEEDS_RESET);
    }
    got = rd(R_QUEUE_READY) && !(rd(R_STATUS) & S_NEEDS_RESET) ? DONE : BROKEN;
    wr(R_QUEUE_NOTIFY, 0);
    survived(got, BROKEN);
}

int main(void)
{
    base = find_block_device();
    CHECK_EQ(base, SLOT0 + (NSLOTS - 1) * SLOT_SIZE);
    CHECK_EQ(device_init(QSIZE) & S_NEEDS_RESET, 0);
    good_requests();
    bad_requests();
    bad_queues();
    uart_puts(strict ? "virtio-blk: all checks passed (strict)\n"
                     : "virtio-blk: all checks passed (lenient)\n");
    wr(R_STATUS, 0);
    return 0;
}

TEST_END_CHECKS();
