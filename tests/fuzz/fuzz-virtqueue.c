/*
 * Fuzzer: the virtqueue walker (hw/virtio/virtio.c) under virtio-blk, virtio-net and
 * virtio-rng, with guest memory the input fills. The harness plays the driver through the
 * virtio core, as tests/unit/test-net-virtio.c does: it resets the device, negotiates
 * features, places one queue's rings and kicks it.
 *
 * Input (fields read little-endian, missing bytes are zero):
 *   u8  device: 0 virtio-blk, 1 virtio-net, 2 virtio-rng (modulo 3)
 *   u8  flags: bit 0 EVENT_IDX, bit 1 INDIRECT_DESC, bits 4-7 log2 of the queue size
 *       (refused sizes are part of the test)
 *   u8  queue index (modulo 3: a missing queue is part of the test)
 *   u16 desc, avail, used: ring offsets (x 16, modulo the RAM size; bit 15 puts the ring
 *       outside RAM)
 *   u8  kicks (1..4)
 *   u16 length of a frame the fake netdev sends to virtio-net before the kicks
 *   the rest: guest RAM from its first byte (descriptors, rings, buffers; also the frame)
 *
 * Checked: no crash, leak or sanitizer report; the device never pushes more than it popped;
 * virtio-blk never grows its image.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "block/block.h"
#include "fuzz-common.h"
#include "hw/virtio/virtio-blk.h"
#include "hw/virtio/virtio-net.h"
#include "hw/virtio/virtio-rng.h"
#include "net/net.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (64 * KiB)
#define IMG_SIZE (64 * KiB)
#define OUTSIDE 0x10000000ull

static MemoryRegion ram;
static VirtIODevice *devs[3];
static NetClientState *backend;
static char img[64];

static ssize_t backend_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    return size;
}

static const NetClientInfo backend_info = {
    .kind = NET_CLIENT_NETDEV,
    .type = "fuzz",
    .receive = backend_receive,
};

static void remove_image(void)
{
    unlink(img);
}

static VirtIODevice *device(const char *type, const char *prop, const char *value)
{
    DeviceState *dev = qdev_new(type);

    if (prop) {
        FUZZ_CHECK(object_property_set_str(OBJECT(dev), prop, value, NULL), "%s", prop);
    }
    FUZZ_CHECK(qdev_realize(dev, NULL), "realize %s", type);
    return VIRTIO_DEVICE(dev);
}

static void setup_once(void)
{
    char *opt, *devopts;
    int fd;

    FUZZ_CHECK(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL), "ram");
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    strcpy(img, "/tmp/kestrel-fuzz-vq-XXXXXX");
    fd = mkstemp(img);
    FUZZ_CHECK(fd >= 0 && ftruncate(fd, IMG_SIZE) == 0, "image");
    close(fd);
    atexit(remove_image);
    opt = xasprintf("file=%s,if=none,id=d0,format=raw", img);
    FUZZ_CHECK(drive_new(opt, false, &devopts, NULL), "drive");
    free(opt);
    free(devopts);
    backend = net_client_new(&backend_info, "fz0", NULL);
    devs[0] = device(TYPE_VIRTIO_BLK, "drive", "d0");
    devs[1] = device(TYPE_VIRTIO_NET, "netdev", "fz0");
    devs[2] = device(TYPE_VIRTIO_RNG, NULL, NULL);
}

static hwaddr ring_addr(uint16_t field)
{
    return (field & 0x8000 ? OUTSIDE : RAM_BASE) + 16ull * (field & 0x0fff) % RAM_SIZE;
}

/* The driver's side of initialisation (virtio 1.2, 3.1.1) for one queue. */
static VirtQueue *driver_init(VirtIODevice *vdev, FuzzIn *in)
{
    uint8_t flags = fuzz_u8(in);
    VirtQueue *vq = virtio_get_queue(vdev, fuzz_u8(in) % 3);
    uint8_t status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
    uint64_t want = VIRTIO_BIT(VIRTIO_F_VERSION_1);

    virtio_reset(vdev);
    want |= flags & 1 ? VIRTIO_BIT(VIRTIO_RING_F_EVENT_IDX) : 0;
    want |= flags & 2 ? VIRTIO_BIT(VIRTIO_RING_F_INDIRECT_DESC) : 0;
    virtio_set_status(vdev, status);
    vdev->guest_features = virtio_host_features(vdev) & want;
    virtio_set_status(vdev, status | VIRTIO_CONFIG_S_FEATURES_OK);
    if (!vq) {
        return NULL;
    }
    virtio_queue_set_num(vq, 1u << (flags >> 4));
    vq->desc = ring_addr(fuzz_u16(in));
    vq->avail = ring_addr(fuzz_u16(in));
    vq->used = ring_addr(fuzz_u16(in));
    virtio_queue_set_ready(vq, true);
    virtio_set_status(vdev, vdev->status | VIRTIO_CONFIG_S_DRIVER_OK);
    return vq;
}

/*
 * The device never pushes more than it popped. (The used ring's contents are not checked: a
 * guest may aim its buffers at its own used ring, and a long run did, so the device's data
 * legitimately overwrites entries pushed before.)
 */
static void check_used_ring(VirtQueue *vq, uint16_t used_before, uint16_t avail_before)
{
    uint16_t pushed = vq->used_idx - used_before;
    uint16_t popped = vq->last_avail_idx - avail_before;

    FUZZ_CHECK(pushed <= popped, "pushed %u elements but popped %u", pushed, popped);
    FUZZ_CHECK(vq->used_idx == used_before || vq->num, "pushed on a queue of size 0");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    FuzzIn in = {data, size};
    VirtIODevice *vdev;
    VirtQueue *vq;
    unsigned kicks;
    uint16_t frame_len, used_before, avail_before;
    struct stat st;

    if (!ready) {
        setup_once();
        ready = true;
    }
    vdev = devs[fuzz_u8(&in) % 3];
    memset(memory_region_get_ram_ptr(&ram), 0, RAM_SIZE);
    /* The RAM image is the tail of the input; read the header fields from a copy first. */
    {
        FuzzIn hdr = in;

        hdr.p += MIN(hdr.left, (size_t)9); /* flags, queue, three rings, kicks */
        hdr.left -= MIN(hdr.left, (size_t)9);
        frame_len = fuzz_u16(&hdr);
        memcpy(memory_region_get_ram_ptr(&ram), hdr.p, MIN(hdr.left, (size_t)RAM_SIZE));
    }
    vq = driver_init(vdev, &in);
    kicks = 1 + fuzz_u8(&in) % 4;
    if (!vq) {
        return 0;
    }
    used_before = vq->used_idx;
    avail_before = vq->last_avail_idx;
    if (vdev == devs[1] && frame_len) {
        /* A backend's frame lives in host memory: copy it out of guest RAM first. */
        static uint8_t frame[RAM_SIZE];

        memcpy(frame, memory_region_get_ram_ptr(&ram), MIN((size_t)frame_len, sizeof(frame)));
        net_send_packet(backend, frame, MIN((size_t)frame_len, sizeof(frame)));
    }
    for (unsigned i = 0; i < kicks; i++) {
        virtio_queue_notify(vdev, vq->index);
    }
    check_used_ring(vq, used_before, avail_before);
    FUZZ_CHECK(stat(img, &st) == 0 && st.st_size == IMG_SIZE, "the image grew to %lld bytes",
               (long long)st.st_size);
    if (backend->peer) {
        net_purge_queued_packets(backend->peer); /* no frame carries over to the next input */
    }
    return 0;
}
