/*
 * Fuzzer: virtio-gpu's commands (hw/display/virtio-gpu*.c), the input being a series of
 * requests a guest driver sends, on well-formed queues, over guest RAM the input also fills
 * (backing pages for the transfers).
 *
 * Input (fields little-endian, missing bytes are zero):
 *   u8  the number of requests (1..32)
 *   per request: u8 queue and type (bit 7: the cursor queue; bits 0-4 pick a command from
 *       the table below, the first u32 of the body is then replaced by it unless bit 6),
 *       u8 body length (2 + 2 x (it modulo 255) bytes), the body (the request, header included)
 *   the rest: guest RAM from BACKING on
 *
 * The device has max_hostmem=1M and two outputs, so the cap and the second scanout are
 * reached. Checked: no crash, leak or sanitizer report; every request gets exactly one used
 * entry whose response type is one the spec defines; the resource total stays under the cap;
 * a reset frees every resource (hostmem back to 0) and shows no scanout.
 */
#include "fuzz-common.h"
#include "hw/display/virtio-gpu.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (256 * KiB)
#define DESC (RAM_BASE + 0x0000)
#define AVAIL (RAM_BASE + 0x1000)
#define USED (RAM_BASE + 0x2000)
#define CDESC (RAM_BASE + 0x3000)
#define CAVAIL (RAM_BASE + 0x4000)
#define CUSED (RAM_BASE + 0x5000)
#define REQ (RAM_BASE + 0x6000)
#define RESP (RAM_BASE + 0x8000)
#define BACKING (RAM_BASE + 0x10000)
#define QSIZE 16 /* the cursor queue offers 16 */

static const uint32_t commands[] = {
    VIRTIO_GPU_CMD_GET_DISPLAY_INFO,  VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
    VIRTIO_GPU_CMD_RESOURCE_UNREF,    VIRTIO_GPU_CMD_SET_SCANOUT,
    VIRTIO_GPU_CMD_RESOURCE_FLUSH,    VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
    VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
    VIRTIO_GPU_CMD_GET_EDID,          VIRTIO_GPU_CMD_UPDATE_CURSOR,
    VIRTIO_GPU_CMD_MOVE_CURSOR,
};

static MemoryRegion ram;
static VirtIOGPU *gpu;

static void setup_once(void)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_GPU);

    FUZZ_CHECK(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL), "ram");
    memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
    FUZZ_CHECK(object_property_parse(OBJECT(dev), "max_hostmem", "1M", NULL), "max_hostmem");
    FUZZ_CHECK(object_property_parse(OBJECT(dev), "max_outputs", "2", NULL), "max_outputs");
    FUZZ_CHECK(qdev_realize(dev, NULL), "realize");
    gpu = VIRTIO_GPU(dev);
}

static VirtQueue *queue(VirtIODevice *vdev, unsigned n, hwaddr desc, hwaddr avail, hwaddr used)
{
    VirtQueue *vq = virtio_get_queue(vdev, n);

    virtio_queue_set_num(vq, QSIZE);
    vq->desc = desc;
    vq->avail = avail;
    vq->used = used;
    virtio_queue_set_ready(vq, true);
    return vq;
}

static void driver_init(VirtIODevice *vdev)
{
    uint8_t status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;

    virtio_reset(vdev);
    FUZZ_CHECK(gpu->hostmem == 0, "%llu bytes of resources survive a reset",
               (unsigned long long)gpu->hostmem);
    FUZZ_CHECK(!gpu->scanout[0].resource_id && !gpu->scanout[1].resource_id, "scanout on");
    virtio_set_status(vdev, status);
    vdev->guest_features = virtio_host_features(vdev);
    virtio_set_status(vdev, status | VIRTIO_CONFIG_S_FEATURES_OK);
    queue(vdev, 0, DESC, AVAIL, USED);
    queue(vdev, 1, CDESC, CAVAIL, CUSED);
    virtio_set_status(vdev, vdev->status | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void put(hwaddr addr, uint64_t v, unsigned size)
{
    FUZZ_CHECK(address_space_store(address_space_memory(), addr, size, v) == MEMTX_OK, "store");
}

static uint64_t get(hwaddr addr, unsigned size)
{
    uint64_t v = 0;

    FUZZ_CHECK(address_space_load(address_space_memory(), addr, size, &v) == MEMTX_OK, "load");
    return v;
}

static bool response_known(uint32_t type)
{
    return (type >= VIRTIO_GPU_RESP_OK_NODATA && type <= VIRTIO_GPU_RESP_OK_EDID) ||
           (type >= VIRTIO_GPU_RESP_ERR_UNSPEC && type <= VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
}

/* One request on queue n (0 control, 1 cursor); the body is at REQ. */
static void send(VirtIODevice *vdev, unsigned n, size_t len, uint16_t *avail)
{
    hwaddr desc = n ? CDESC : DESC, av = n ? CAVAIL : AVAIL, used = n ? CUSED : USED;

    put(desc, REQ, 8);
    put(desc + 8, len, 4);
    put(desc + 12, n ? 0 : 1, 2); /* NEXT on the control queue: a response buffer follows */
    put(desc + 14, 1, 2);
    put(desc + 16, RESP, 8);
    put(desc + 24, 2048, 4);
    put(desc + 28, 2, 2); /* WRITE */
    put(av + 4 + 2 * (*avail % QSIZE), 0, 2);
    put(av + 2, ++*avail, 2);
    put(RESP, 0, 4);
    virtio_queue_notify(vdev, n);
    FUZZ_CHECK(get(used + 2, 2) == *avail, "request not completed");
    if (!n) {
        FUZZ_CHECK(response_known(get(RESP, 4)), "response type 0x%x", (unsigned)get(RESP, 4));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    static struct {
        uint8_t sel;
        size_t len;
        uint8_t body[512];
    } reqs[32];
    VirtIODevice *vdev;
    FuzzIn in = {data, size};
    uint16_t avail[2] = {0, 0};
    unsigned nreq;

    if (!ready) {
        setup_once();
        ready = true;
    }
    vdev = VIRTIO_DEVICE(gpu);
    memset(memory_region_get_ram_ptr(&ram), 0, RAM_SIZE);
    driver_init(vdev);
    nreq = 1 + fuzz_u8(&in) % 32;
    for (unsigned i = 0; i < nreq; i++) {
        reqs[i].sel = fuzz_u8(&in);
        reqs[i].len = 2 + 2 * (size_t)fuzz_u8(&in) % 255; /* 2..510: a buffer is never empty */
        for (size_t j = 0; j < reqs[i].len; j++) {
            reqs[i].body[j] = fuzz_u8(&in);
        }
        if (!(reqs[i].sel & 0x40) && reqs[i].len >= 4) {
            gpu_st32(reqs[i].body, commands[(reqs[i].sel & 0x1f) % ARRAY_SIZE(commands)]);
        }
    }
    /* The rest of the input is the guest's pixels and backing lists. */
    memcpy(memory_region_get_ram_ptr(&ram) + (BACKING - RAM_BASE), in.p,
           MIN(in.left, (size_t)(RAM_SIZE - (BACKING - RAM_BASE))));
    for (unsigned i = 0; i < nreq; i++) {
        unsigned q = reqs[i].sel >> 7;

        address_space_write(address_space_memory(), REQ, reqs[i].body, reqs[i].len);
        send(vdev, q, reqs[i].len, &avail[q]);
        FUZZ_CHECK(gpu->hostmem <= gpu->max_hostmem, "hostmem %llu over the cap",
                   (unsigned long long)gpu->hostmem);
    }
    return 0;
}
