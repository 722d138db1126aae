/*
 * virtio-gpu, 2D mode ("virtio-gpu-device" on virtio-mmio, "virtio-gpu-pci").
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 5.7 "GPU Device".
 * The protocol constants and wire layouts below are the spec's (all fields
 * little-endian, offsets in bytes). The device state is shared by
 * virtio-gpu.c (device, queues, scanouts, cursor) and virtio-gpu-2d.c
 * (resources and their guest backing).
 */
#ifndef HW_DISPLAY_VIRTIO_GPU_H
#define HW_DISPLAY_VIRTIO_GPU_H

#include "hw/virtio/virtio.h"
#include "ui/console.h"

#define TYPE_VIRTIO_GPU "virtio-gpu-device"
#define VIRTIO_ID_GPU 16

/* Feature bits (5.7.3). */
#define VIRTIO_GPU_F_VIRGL 0
#define VIRTIO_GPU_F_EDID 1

/* Config space (5.7.4): events_read, events_clear, num_scanouts, num_capsets. */
#define VIRTIO_GPU_CONFIG_SIZE 16
#define VIRTIO_GPU_EVENT_DISPLAY (1u << 0)

/* Control queue commands and responses (5.7.6.7). */
enum {
    VIRTIO_GPU_CMD_GET_DISPLAY_INFO = 0x0100,
    VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
    VIRTIO_GPU_CMD_RESOURCE_UNREF,
    VIRTIO_GPU_CMD_SET_SCANOUT,
    VIRTIO_GPU_CMD_RESOURCE_FLUSH,
    VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
    VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING,
    VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING,
    VIRTIO_GPU_CMD_GET_CAPSET_INFO,
    VIRTIO_GPU_CMD_GET_CAPSET,
    VIRTIO_GPU_CMD_GET_EDID,

    VIRTIO_GPU_CMD_UPDATE_CURSOR = 0x0300,
    VIRTIO_GPU_CMD_MOVE_CURSOR,

    VIRTIO_GPU_RESP_OK_NODATA = 0x1100,
    VIRTIO_GPU_RESP_OK_DISPLAY_INFO,
    VIRTIO_GPU_RESP_OK_CAPSET_INFO,
    VIRTIO_GPU_RESP_OK_CAPSET,
    VIRTIO_GPU_RESP_OK_EDID,

    VIRTIO_GPU_RESP_ERR_UNSPEC = 0x1200,
    VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY,
    VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID,
    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID,
    VIRTIO_GPU_RESP_ERR_INVALID_CONTEXT_ID,
    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER,
};

#define VIRTIO_GPU_FLAG_FENCE (1u << 0)
#define VIRTIO_GPU_FLAG_INFO_RING_IDX (1u << 1)

/* Pixel formats (5.7.6.8): names give the byte order in memory. */
enum {
    VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM = 1,
    VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM = 2,
    VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM = 3,
    VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM = 4,
    VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM = 67,
    VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM = 68,
    VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM = 121,
    VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM = 134,
};

/* Wire sizes: struct virtio_gpu_ctrl_hdr and the commands that follow it. */
#define VIRTIO_GPU_HDR_SIZE 24       /* type, flags, fence_id(8), ctx_id, ring_idx, pad[3] */
#define VIRTIO_GPU_RECT_SIZE 16      /* x, y, width, height */
#define VIRTIO_GPU_MEM_ENTRY_SIZE 16 /* addr(8), length, padding */
#define VIRTIO_GPU_MAX_SCANOUTS 16
#define VIRTIO_GPU_EDID_BLOB_SIZE 1024
#define VIRTIO_GPU_CURSOR_SIZE 64 /* the cursor resource is 64x64 (the Linux driver's) */

/* Limits of our own: what one command may ask (the guest is untrusted). */
#define VIRTIO_GPU_MAX_BACKING_ENTRIES 16384 /* as QEMU: larger lists are refused */
#define VIRTIO_GPU_MAX_DIM 16384             /* widest/tallest resource */
#define VIRTIO_GPU_DEFAULT_MAX_HOSTMEM (256 * MiB)

typedef struct VirtIOGPURect {
    uint32_t x, y, width, height;
} VirtIOGPURect;

typedef struct VirtIOGPUBacking {
    hwaddr addr;
    uint32_t length;
} VirtIOGPUBacking;

/* A 2D resource: host pixels (always xRGB/ARGB uint32, see console.h) + guest backing. */
typedef struct VirtIOGPUResource {
    uint32_t id;
    uint32_t format;
    uint32_t width, height;
    uint32_t *pixels; /* width * height, converted from the guest's format on transfer */
    VirtIOGPUBacking *backing;
    unsigned nr_backing;
    uint64_t backing_size;    /* sum of the entries' lengths */
    uint32_t scanout_bitmask; /* the scanouts showing it */
    struct VirtIOGPUResource *next;
} VirtIOGPUResource;

typedef struct VirtIOGPUScanout {
    QemuConsole *con;
    uint32_t resource_id; /* 0: disabled */
    VirtIOGPURect rect;   /* the part of the resource shown */
    int cursor_x, cursor_y;
    bool cursor_visible;
} VirtIOGPUScanout;

typedef struct VirtIOGPU {
    VirtIODevice parent_obj;
    VirtQueue *ctrl_vq, *cursor_vq;
    /* properties (QEMU's names) */
    uint32_t max_outputs;
    uint32_t xres, yres;
    bool edid;
    uint64_t max_hostmem;
    /* state */
    uint32_t events_read;
    uint32_t enabled_outputs; /* bitmask: only output 0 at start, as QEMU */
    VirtIOGPUScanout scanout[VIRTIO_GPU_MAX_SCANOUTS];
    VirtIOGPUResource *resources;
    uint64_t hostmem; /* bytes of resource pixels allocated */
} VirtIOGPU;

#define VIRTIO_GPU(obj) OBJECT_CHECK(VirtIOGPU, (obj), TYPE_VIRTIO_GPU)

/* One decoded control command: its header and its whole out payload (hdr included). */
typedef struct VirtIOGPUCmd {
    uint32_t type, flags, ctx_id;
    uint64_t fence_id;
    uint8_t ring_idx;
    const uint8_t *buf; /* the request bytes */
    size_t len;
    uint32_t error; /* 0, or the VIRTIO_GPU_RESP_ERR_* answered instead of the result */
} VirtIOGPUCmd;

/* Little-endian field access in command buffers. */
static inline uint32_t gpu_ld32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t gpu_ld64(const uint8_t *p)
{
    return gpu_ld32(p) | (uint64_t)gpu_ld32(p + 4) << 32;
}
static inline void gpu_st32(uint8_t *p, uint32_t v)
{
    p[0] = v;
    p[1] = v >> 8;
    p[2] = v >> 16;
    p[3] = v >> 24;
}
static inline void gpu_st64(uint8_t *p, uint64_t v)
{
    gpu_st32(p, v);
    gpu_st32(p + 4, v >> 32);
}
static inline VirtIOGPURect gpu_ld_rect(const uint8_t *p)
{
    return (VirtIOGPURect){gpu_ld32(p), gpu_ld32(p + 4), gpu_ld32(p + 8), gpu_ld32(p + 12)};
}
/* Is r non-empty-or-empty and entirely inside a width x height area (no overflow)? */
static inline bool gpu_rect_inside(const VirtIOGPURect *r, uint32_t width, uint32_t height)
{
    return r->x <= width && r->width <= width - r->x && r->y <= height &&
           r->height <= height - r->y;
}

/* ---- virtio-gpu-2d.c: resource commands; each sets cmd->error on failure ---- */
VirtIOGPUResource *virtio_gpu_find_resource(VirtIOGPU *g, uint32_t id);
void virtio_gpu_resource_create_2d(VirtIOGPU *g, VirtIOGPUCmd *cmd);
void virtio_gpu_resource_unref(VirtIOGPU *g, VirtIOGPUCmd *cmd);
void virtio_gpu_attach_backing(VirtIOGPU *g, VirtIOGPUCmd *cmd);
void virtio_gpu_detach_backing(VirtIOGPU *g, VirtIOGPUCmd *cmd);
void virtio_gpu_transfer_to_host_2d(VirtIOGPU *g, VirtIOGPUCmd *cmd);
void virtio_gpu_resource_flush(VirtIOGPU *g, VirtIOGPUCmd *cmd);
/* Free every resource (device reset). */
void virtio_gpu_free_resources(VirtIOGPU *g);
/* Check the command is at least len bytes (else ERR_UNSPEC + guest_errors); true if it is. */
bool virtio_gpu_cmd_size_ok(VirtIOGPUCmd *cmd, size_t len, const char *what);

/* ---- virtio-gpu.c: scanouts ---- */
/* Stop showing anything on scanout i (the resource went away or the guest disabled it). */
void virtio_gpu_disable_scanout(VirtIOGPU *g, unsigned i);

#endif
