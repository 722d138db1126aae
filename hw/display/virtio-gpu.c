/*
 * virtio-gpu in 2D mode ("virtio-gpu-device"; "virtio-gpu-pci" is the same
 * device behind the PCI proxy): device logic only.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, section 5.7 "GPU Device".
 *   queue 0 controlq: a request (struct virtio_gpu_ctrl_hdr + command) in the
 *                     device-readable buffers, the response in the writable ones
 *   queue 1 cursorq:  UPDATE_CURSOR / MOVE_CURSOR, no response payload
 *   config: events_read (ro), events_clear (wo), num_scanouts, num_capsets (0)
 *   features: VIRTIO_GPU_F_EDID when the edid property is on (the default)
 *
 * Each of the max_outputs scanouts is a console of the display core; SET_SCANOUT
 * shows a rectangle of a resource on it without copying (the surface points at
 * the resource's pixels), RESOURCE_FLUSH reports the dirty part. Output 0 is
 * enabled at xres x yres (QEMU's defaults 1280x800), as QEMU does.
 *
 * Commands run to completion in the notify handler, so fences complete at
 * once: a fenced response carries the FENCE flag and fence_id back. Resource
 * commands (and their checks) are in virtio-gpu-2d.c.
 */
#include <inttypes.h>

#include "hw/display/edid.h"
#include "hw/display/virtio-gpu.h"
#include "migration/vmstate.h"
#include "util/log.h"

#define VIRTIO_GPU_CTRL_QUEUE_SIZE 256
#define VIRTIO_GPU_CURSOR_QUEUE_SIZE 16
#define VIRTIO_GPU_MIN_SCANOUT 16 /* smallest scanout rectangle side, as QEMU */
/* A request carries at most a header, 8 bytes and the largest backing list. */
#define VIRTIO_GPU_MAX_REQUEST                                                                     \
    (VIRTIO_GPU_HDR_SIZE + 8 + VIRTIO_GPU_MAX_BACKING_ENTRIES * VIRTIO_GPU_MEM_ENTRY_SIZE)
#define VIRTIO_GPU_DISPLAY_INFO_SIZE (VIRTIO_GPU_HDR_SIZE + VIRTIO_GPU_MAX_SCANOUTS * 24)
#define VIRTIO_GPU_EDID_RESP_SIZE (VIRTIO_GPU_HDR_SIZE + 8 + VIRTIO_GPU_EDID_BLOB_SIZE)

/* ---- scanouts ---- */

void virtio_gpu_disable_scanout(VirtIOGPU *g, unsigned i)
{
    VirtIOGPUScanout *s = &g->scanout[i];
    VirtIOGPUResource *res = virtio_gpu_find_resource(g, s->resource_id);

    if (!s->resource_id) {
        return; /* already showing the placeholder */
    }
    if (res) {
        res->scanout_bitmask &= ~(1u << i);
    }
    s->resource_id = 0;
    s->rect = (VirtIOGPURect){0};
    if (s->con) {
        dpy_gfx_replace_surface(s->con, NULL);
    }
}

/* set_scanout: hdr, rect, scanout_id, resource_id */
static void virtio_gpu_set_scanout(VirtIOGPU *g, VirtIOGPUCmd *cmd)
{
    const char *what = "SET_SCANOUT";
    uint32_t sid, rid;
    VirtIOGPUResource *res;
    VirtIOGPURect r;
    VirtIOGPUScanout *s;

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 24, what)) {
        return;
    }
    r = gpu_ld_rect(cmd->buf + 24);
    sid = gpu_ld32(cmd->buf + 40);
    rid = gpu_ld32(cmd->buf + 44);
    if (sid >= g->max_outputs) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: no scanout %" PRIu32 "\n", what, sid);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
        return;
    }
    s = &g->scanout[sid];
    if (rid == 0 || r.width == 0 || r.height == 0) {
        virtio_gpu_disable_scanout(g, sid);
        return;
    }
    res = virtio_gpu_find_resource(g, rid);
    if (!res) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: %s: no resource %" PRIu32 "\n", what, rid);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
        return;
    }
    if (!gpu_rect_inside(&r, res->width, res->height) || r.width < VIRTIO_GPU_MIN_SCANOUT ||
        r.height < VIRTIO_GPU_MIN_SCANOUT) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: %s: rect %" PRIu32 ",%" PRIu32 " %" PRIu32 "x%" PRIu32
                 " does not fit resource %" PRIu32 " (%" PRIu32 "x%" PRIu32 ")\n",
                 what, r.x, r.y, r.width, r.height, rid, res->width, res->height);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    if (s->resource_id != rid || memcmp(&s->rect, &r, sizeof(r))) {
        uint8_t *origin = (uint8_t *)(res->pixels + (size_t)r.y * res->width + r.x);
        VirtIOGPUResource *old = virtio_gpu_find_resource(g, s->resource_id);

        if (old) {
            old->scanout_bitmask &= ~(1u << sid);
        }
        dpy_gfx_replace_surface(
            s->con, qemu_create_displaysurface_from(r.width, r.height, res->width * 4, origin));
    }
    res->scanout_bitmask |= 1u << sid;
    s->resource_id = rid;
    s->rect = r;
}

static void virtio_gpu_get_display_info(VirtIOGPU *g, uint8_t *resp)
{
    for (uint32_t i = 0; i < g->max_outputs; i++) {
        uint8_t *mode = resp + VIRTIO_GPU_HDR_SIZE + 24 * i;

        if (g->enabled_outputs & (1u << i)) {
            gpu_st32(mode + 8, g->xres);
            gpu_st32(mode + 12, g->yres);
            gpu_st32(mode + 16, 1); /* enabled */
        }
    }
}

/* get_edid: hdr, scanout, padding -> resp hdr, size, padding, edid[1024] */
static void virtio_gpu_get_edid(VirtIOGPU *g, VirtIOGPUCmd *cmd, uint8_t *resp)
{
    uint32_t sid;
    char name[24];

    if (!virtio_gpu_cmd_size_ok(cmd, VIRTIO_GPU_HDR_SIZE + 8, "GET_EDID")) {
        return;
    }
    sid = gpu_ld32(cmd->buf + 24);
    if (sid >= g->max_outputs) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: GET_EDID: no scanout %" PRIu32 "\n", sid);
        cmd->error = VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        return;
    }
    snprintf(name, sizeof(name), "Kestrel-%" PRIu32, sid);
    edid_generate(resp + VIRTIO_GPU_HDR_SIZE + 8,
                  &(EdidInfo){.name = name, .prefx = g->xres, .prefy = g->yres, .serial = sid});
    gpu_st32(resp + VIRTIO_GPU_HDR_SIZE, EDID_BLOCK_SIZE);
}

/* ---- the control queue ---- */

/* Run one command; fill resp (zeroed, resp_len bytes max) and return its length. */
static size_t virtio_gpu_process_cmd(VirtIOGPU *g, VirtIOGPUCmd *cmd, uint8_t *resp)
{
    uint32_t ok = VIRTIO_GPU_RESP_OK_NODATA;
    size_t len = VIRTIO_GPU_HDR_SIZE;

    switch (cmd->type) {
    case VIRTIO_GPU_CMD_GET_DISPLAY_INFO:
        virtio_gpu_get_display_info(g, resp);
        ok = VIRTIO_GPU_RESP_OK_DISPLAY_INFO;
        len = VIRTIO_GPU_DISPLAY_INFO_SIZE;
        break;
    case VIRTIO_GPU_CMD_GET_EDID:
        if (!g->edid) {
            goto unsupported;
        }
        virtio_gpu_get_edid(g, cmd, resp);
        ok = VIRTIO_GPU_RESP_OK_EDID;
        len = VIRTIO_GPU_EDID_RESP_SIZE;
        break;
    case VIRTIO_GPU_CMD_RESOURCE_CREATE_2D:
        virtio_gpu_resource_create_2d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_UNREF:
        virtio_gpu_resource_unref(g, cmd);
        break;
    case VIRTIO_GPU_CMD_SET_SCANOUT:
        virtio_gpu_set_scanout(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_FLUSH:
        virtio_gpu_resource_flush(g, cmd);
        break;
    case VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D:
        virtio_gpu_transfer_to_host_2d(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING:
        virtio_gpu_attach_backing(g, cmd);
        break;
    case VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING:
        virtio_gpu_detach_backing(g, cmd);
        break;
    default:
    unsupported:
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: unknown or unsupported command 0x%" PRIx32 "\n",
                 cmd->type);
        cmd->error = VIRTIO_GPU_RESP_ERR_UNSPEC;
        break;
    }
    if (cmd->error) {
        memset(resp, 0, len);
        len = VIRTIO_GPU_HDR_SIZE;
    }
    gpu_st32(resp, cmd->error ? cmd->error : ok);
    if (cmd->flags & VIRTIO_GPU_FLAG_FENCE) {
        gpu_st32(resp + 4, cmd->flags & (VIRTIO_GPU_FLAG_FENCE | VIRTIO_GPU_FLAG_INFO_RING_IDX));
        gpu_st64(resp + 8, cmd->fence_id);
        gpu_st32(resp + 16, cmd->ctx_id);
        resp[20] = cmd->flags & VIRTIO_GPU_FLAG_INFO_RING_IDX ? cmd->ring_idx : 0;
    }
    return len;
}

/* Read the request of elem into a buffer; NULL (answered ERR_UNSPEC) when unusable. */
static uint8_t *virtio_gpu_read_request(VirtQueueElement *elem, VirtIOGPUCmd *cmd)
{
    size_t len = MIN(elem->out_len, VIRTIO_GPU_MAX_REQUEST);
    uint8_t *buf;

    if (len < VIRTIO_GPU_HDR_SIZE) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: request of %zu bytes has no header\n", len);
        return NULL;
    }
    buf = xmalloc(len);
    if (virtqueue_elem_to_buf(elem, 0, buf, len) != len) {
        free(buf);
        return NULL;
    }
    *cmd = (VirtIOGPUCmd){.type = gpu_ld32(buf),
                          .flags = gpu_ld32(buf + 4),
                          .fence_id = gpu_ld64(buf + 8),
                          .ctx_id = gpu_ld32(buf + 16),
                          .ring_idx = buf[20],
                          .buf = buf,
                          .len = len};
    return buf;
}

static void virtio_gpu_handle_ctrl(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);
    uint8_t resp[VIRTIO_GPU_EDID_RESP_SIZE];
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        VirtIOGPUCmd cmd = {.error = VIRTIO_GPU_RESP_ERR_UNSPEC};
        uint8_t *buf = virtio_gpu_read_request(elem, &cmd);
        size_t len = VIRTIO_GPU_HDR_SIZE;

        memset(resp, 0, sizeof(resp));
        if (buf) {
            len = virtio_gpu_process_cmd(g, &cmd, resp);
        } else {
            gpu_st32(resp, VIRTIO_GPU_RESP_ERR_UNSPEC);
        }
        free(buf);
        virtqueue_push(vq, elem, virtqueue_elem_from_buf(elem, 0, resp, len));
    }
    virtio_notify(vdev, vq);
}

/* ---- the cursor queue ---- */

/* update_cursor / move_cursor: hdr, pos{scanout_id, x, y, pad}, resource_id, hot_x, hot_y, pad */
static void virtio_gpu_cursor_cmd(VirtIOGPU *g, const uint8_t *buf)
{
    uint32_t type = gpu_ld32(buf), sid = gpu_ld32(buf + 24), rid = gpu_ld32(buf + 40);
    VirtIOGPUResource *res = rid ? virtio_gpu_find_resource(g, rid) : NULL;
    VirtIOGPUScanout *s;

    if (sid >= g->max_outputs ||
        (type != VIRTIO_GPU_CMD_UPDATE_CURSOR && type != VIRTIO_GPU_CMD_MOVE_CURSOR)) {
        log_mask(LOG_GUEST_ERROR,
                 "virtio-gpu: cursor command 0x%" PRIx32 " on scanout %" PRIu32 "\n", type, sid);
        return;
    }
    if (type == VIRTIO_GPU_CMD_UPDATE_CURSOR && rid &&
        (!res || res->width != VIRTIO_GPU_CURSOR_SIZE || res->height != VIRTIO_GPU_CURSOR_SIZE)) {
        log_mask(LOG_GUEST_ERROR, "virtio-gpu: UPDATE_CURSOR: bad resource %" PRIu32 "\n", rid);
        return;
    }
    s = &g->scanout[sid];
    s->cursor_x = (int32_t)gpu_ld32(buf + 28);
    s->cursor_y = (int32_t)gpu_ld32(buf + 32);
    if (type == VIRTIO_GPU_CMD_UPDATE_CURSOR) {
        s->cursor_visible = res != NULL;
        dpy_cursor_define(s->con, res ? &(QEMUCursor){.width = res->width,
                                                      .height = res->height,
                                                      .hot_x = gpu_ld32(buf + 44),
                                                      .hot_y = gpu_ld32(buf + 48),
                                                      .data = res->pixels}
                                      : NULL);
    }
    dpy_mouse_set(s->con, s->cursor_x, s->cursor_y, s->cursor_visible);
}

static void virtio_gpu_handle_cursor(VirtIODevice *vdev, VirtQueue *vq)
{
    VirtQueueElement *elem;
    uint8_t buf[56];

    while ((elem = virtqueue_pop(vq))) {
        if (virtqueue_elem_to_buf(elem, 0, buf, sizeof(buf)) == sizeof(buf)) {
            virtio_gpu_cursor_cmd(VIRTIO_GPU(vdev), buf);
        } else {
            log_mask(LOG_GUEST_ERROR, "virtio-gpu: short cursor command\n");
        }
        virtqueue_push(vq, elem, 0);
    }
    virtio_notify(vdev, vq);
}

/* ---- config, features, reset ---- */

static uint64_t virtio_gpu_get_features(VirtIODevice *vdev)
{
    return VIRTIO_GPU(vdev)->edid ? VIRTIO_BIT(VIRTIO_GPU_F_EDID) : 0;
}

static void virtio_gpu_get_config(VirtIODevice *vdev, uint8_t *config)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);

    memset(config, 0, VIRTIO_GPU_CONFIG_SIZE);
    gpu_st32(config, g->events_read);
    gpu_st32(config + 8, g->max_outputs);
}

static void virtio_gpu_set_config(VirtIODevice *vdev, const uint8_t *config)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);

    /* events_clear: the driver acknowledges the events it has seen. */
    g->events_read &= ~gpu_ld32(config + 4);
}

static void virtio_gpu_reset(VirtIODevice *vdev)
{
    VirtIOGPU *g = VIRTIO_GPU(vdev);

    for (uint32_t i = 0; i < g->max_outputs; i++) {
        virtio_gpu_disable_scanout(g, i);
    }
    virtio_gpu_free_resources(g);
    g->events_read = 0;
    g->enabled_outputs = 1;
}

/* ---- realize ---- */

static const GraphicHwOps virtio_gpu_console_ops = {0}; /* the device pushes its updates */

static bool virtio_gpu_realize(DeviceState *dev, Error **errp)
{
    VirtIOGPU *g = VIRTIO_GPU(dev);
    VirtIODevice *vdev = VIRTIO_DEVICE(dev);

    if (g->max_outputs < 1 || g->max_outputs > VIRTIO_GPU_MAX_SCANOUTS) {
        error_setg(errp, "invalid max_outputs > %d", VIRTIO_GPU_MAX_SCANOUTS);
        return false;
    }
    if (g->xres < VIRTIO_GPU_MIN_SCANOUT || g->xres > VIRTIO_GPU_MAX_DIM ||
        g->yres < VIRTIO_GPU_MIN_SCANOUT || g->yres > VIRTIO_GPU_MAX_DIM) {
        error_setg(errp, "xres=%" PRIu32 ",yres=%" PRIu32 ": each must be %d..%d", g->xres, g->yres,
                   VIRTIO_GPU_MIN_SCANOUT, VIRTIO_GPU_MAX_DIM);
        return false;
    }
    virtio_init(vdev, VIRTIO_GPU_CONFIG_SIZE);
    g->ctrl_vq = virtio_add_queue(vdev, VIRTIO_GPU_CTRL_QUEUE_SIZE, virtio_gpu_handle_ctrl);
    g->cursor_vq = virtio_add_queue(vdev, VIRTIO_GPU_CURSOR_QUEUE_SIZE, virtio_gpu_handle_cursor);
    g->enabled_outputs = 1;
    for (uint32_t i = 0; i < g->max_outputs; i++) {
        g->scanout[i].con = graphic_console_init(dev, i, &virtio_gpu_console_ops, g);
    }
    return true;
}

static void virtio_gpu_finalize(Object *obj)
{
    VirtIOGPU *g = VIRTIO_GPU(obj);

    virtio_gpu_free_resources(g);
    for (uint32_t i = 0; i < VIRTIO_GPU_MAX_SCANOUTS; i++) {
        if (g->scanout[i].con) {
            graphic_console_close(g->scanout[i].con);
        }
    }
}

/* ---- properties and type registration ---- */

static const Property virtio_gpu_props[] = {
    DEFINE_PROP_UINT32("max_outputs", VirtIOGPU, max_outputs, 1),
    DEFINE_PROP_UINT32("xres", VirtIOGPU, xres, 1280),
    DEFINE_PROP_UINT32("yres", VirtIOGPU, yres, 800),
    DEFINE_PROP_BOOL("edid", VirtIOGPU, edid, true),
    DEFINE_PROP_SIZE("max_hostmem", VirtIOGPU, max_hostmem, VIRTIO_GPU_DEFAULT_MAX_HOSTMEM),
    DEFINE_PROP_END,
};

/* Resources and scanouts are not described yet: savevm refuses rather than lose them. */
static const VMStateDescription vmstate_virtio_gpu = {.name = "virtio-gpu", .unmigratable = true};

static void virtio_gpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio GPU (2D)";
    dc->user_creatable = true;
    dc->realize = virtio_gpu_realize;
    vdc->device_id = VIRTIO_ID_GPU;
    vdc->get_features = virtio_gpu_get_features;
    vdc->get_config = virtio_gpu_get_config;
    vdc->set_config = virtio_gpu_set_config;
    vdc->reset = virtio_gpu_reset;
    object_class_add_props(oc, virtio_gpu_props);
    DEVICE_CLASS(oc)->vmsd = &vmstate_virtio_gpu;
}

static const TypeInfo virtio_gpu_info = {
    .name = TYPE_VIRTIO_GPU,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(VirtIOGPU),
    .class_init = virtio_gpu_class_init,
    .instance_finalize = virtio_gpu_finalize,
};

static void virtio_gpu_register_types(void)
{
    type_register_static(&virtio_gpu_info);
}

type_init(virtio_gpu_register_types)
