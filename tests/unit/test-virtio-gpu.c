/*
 * virtio-gpu driven as the Linux driver does, through a virtio-mmio transport:
 * display info, EDID, the 2D resource life cycle with format conversion, and
 * the checks of untrusted commands (ids, sizes, rectangles, backing outside
 * RAM, the max_hostmem cap) answered with VIRTIO_GPU_RESP_ERR_*. A display
 * change listener records what the console layer passes on.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/display/virtio-gpu.h"
#include "test-virtio-driver.h"
#include "util/log.h"

#define GPU_MMIO 0x10001000
#define REQ BUF
#define RESP (BUF + 0x8000)
#define BACKING (RAM_BASE + 0x40000) /* 256 KiB of backing, up to 0x80000 */
#define RESP_SIZE 2048

static TestDriver drv = {.base = GPU_MMIO};

/* ---- a listener that records what it is told ---- */

typedef struct Recorder {
    DisplayChangeListener dcl;
    int switches, updates, cursors, moves;
    int width, height;
    int ux, uy, uw, uh;
    int mx, my, cursor_w;
    bool visible;
    uint32_t cursor_pixel;
} Recorder;

static Recorder rec;

static void rec_update(DisplayChangeListener *dcl, int x, int y, int w, int h)
{
    rec.updates++;
    rec.ux = x, rec.uy = y, rec.uw = w, rec.uh = h;
}

static void rec_switch(DisplayChangeListener *dcl, DisplaySurface *s)
{
    rec.switches++;
    rec.width = s->width;
    rec.height = s->height;
}

static void rec_mouse(DisplayChangeListener *dcl, int x, int y, bool visible)
{
    rec.moves++;
    rec.mx = x, rec.my = y, rec.visible = visible;
}

static void rec_cursor(DisplayChangeListener *dcl, const QEMUCursor *c)
{
    rec.cursors++;
    rec.cursor_w = c ? c->width : 0;
    rec.cursor_pixel = c ? c->data[0] : 0;
}

static const DisplayChangeListenerOps rec_ops = {
    .dpy_name = "test",
    .dpy_gfx_update = rec_update,
    .dpy_gfx_switch = rec_switch,
    .dpy_mouse_set = rec_mouse,
    .dpy_cursor_define = rec_cursor,
};

/* ---- requests ---- */

typedef struct Req {
    uint8_t b[512];
    size_t len;
} Req;

static Req req(uint32_t type)
{
    Req r = {.len = VIRTIO_GPU_HDR_SIZE};

    gpu_st32(r.b, type);
    return r;
}

static void put32(Req *r, uint32_t v)
{
    gpu_st32(r->b + r->len, v);
    r->len += 4;
}

static void put64(Req *r, uint64_t v)
{
    gpu_st64(r->b + r->len, v);
    r->len += 8;
}

static void put_rect(Req *r, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    put32(r, x);
    put32(r, y);
    put32(r, w);
    put32(r, h);
}

/* Send r on the control queue; return the response type (its bytes are at RESP). */
static uint32_t send(const Req *r)
{
    uint16_t used = td_used_idx();

    address_space_write(address_space_memory(), REQ, r->b, r->len);
    desc_set(DESC, 0, REQ, r->len, D_NEXT, 1);
    desc_set(DESC, 1, RESP, RESP_SIZE, D_WRITE, 0);
    td_kick(&drv, 0);
    assert_int_equal(td_used_idx(), (uint16_t)(used + 1));
    return ram_get(RESP, 4);
}

static uint32_t create_2d(uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
    Req r = req(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D);

    put32(&r, id);
    put32(&r, format);
    put32(&r, w);
    put32(&r, h);
    return send(&r);
}

static uint32_t attach(uint32_t id, hwaddr addr, uint32_t len)
{
    Req r = req(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);

    put32(&r, id);
    put32(&r, 1);
    put64(&r, addr);
    put32(&r, len);
    put32(&r, 0);
    return send(&r);
}

static uint32_t transfer(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                         uint64_t offset)
{
    Req r = req(VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D);

    put_rect(&r, x, y, w, h);
    put64(&r, offset);
    put32(&r, id);
    put32(&r, 0);
    return send(&r);
}

static uint32_t set_scanout(uint32_t scanout, uint32_t id, uint32_t x, uint32_t y, uint32_t w,
                            uint32_t h)
{
    Req r = req(VIRTIO_GPU_CMD_SET_SCANOUT);

    put_rect(&r, x, y, w, h);
    put32(&r, scanout);
    put32(&r, id);
    return send(&r);
}

static uint32_t flush(uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    Req r = req(VIRTIO_GPU_CMD_RESOURCE_FLUSH);

    put_rect(&r, x, y, w, h);
    put32(&r, id);
    put32(&r, 0);
    return send(&r);
}

static uint32_t unref(uint32_t id)
{
    Req r = req(VIRTIO_GPU_CMD_RESOURCE_UNREF);

    put32(&r, id);
    put32(&r, 0);
    return send(&r);
}

/* ---- the cursor queue (queue 1), laid out beside queue 0 ---- */

#define CDESC (RAM_BASE + 0x5000)
#define CAVAIL (RAM_BASE + 0x6000)
#define CUSED (RAM_BASE + 0x7000)
#define CREQ (BUF + 0x4000)

static uint16_t cursor_avail;

static void cursor_queue_setup(void)
{
    uint8_t zero[0x3000] = {0};

    address_space_write(address_space_memory(), CDESC, zero, sizeof(zero));
    td_wr(&drv, R_QUEUE_SEL, 1);
    td_wr(&drv, R_QUEUE_NUM, 16);
    td_wr(&drv, R_DESC_LO, (uint32_t)CDESC);
    td_wr(&drv, R_DESC_HI, CDESC >> 32);
    td_wr(&drv, R_AVAIL_LO, (uint32_t)CAVAIL);
    td_wr(&drv, R_AVAIL_HI, CAVAIL >> 32);
    td_wr(&drv, R_USED_LO, (uint32_t)CUSED);
    td_wr(&drv, R_USED_HI, CUSED >> 32);
    td_wr(&drv, R_QUEUE_READY, 1);
    cursor_avail = 0;
}

/* update_cursor / move_cursor: hdr, pos{scanout, x, y, pad}, resource_id, hot_x, hot_y, pad */
static void cursor_cmd(uint32_t type, uint32_t scanout, uint32_t x, uint32_t y, uint32_t rid)
{
    Req r = req(type);

    put32(&r, scanout);
    put32(&r, x);
    put32(&r, y);
    put32(&r, 0);
    put32(&r, rid);
    put32(&r, 1);
    put32(&r, 2);
    put32(&r, 0);
    address_space_write(address_space_memory(), CREQ, r.b, r.len);
    desc_set(CDESC, 0, CREQ, r.len, 0, 0);
    ram_put(CAVAIL + 4 + 2 * (cursor_avail % 16), 0, 2);
    ram_put(CAVAIL + 2, ++cursor_avail, 2);
    td_wr(&drv, R_QUEUE_NOTIFY, 1);
    assert_int_equal(ram_get(CUSED + 2, 2), cursor_avail);
}

/* ---- fixtures ---- */

static DeviceState *gpu;
static char log_path[] = "/tmp/kestrel-test-vgpu-log-XXXXXX";

/* Does the guest_errors log hold `text`? */
static bool logged(const char *text)
{
    FILE *f = fopen(log_path, "r");
    char line[512];
    bool found = false;

    while (f && !found && fgets(line, sizeof(line), f)) {
        found = strstr(line, text) != NULL;
    }
    if (f) {
        fclose(f);
    }
    return found;
}

static int group_setup(void **state)
{
    close(mkstemp(log_path));
    assert_true(log_set_mask_str("guest_errors", &error_abort));
    assert_true(log_set_file(log_path, &error_abort));
    td_init_ram();
    gpu = qdev_new(TYPE_VIRTIO_GPU);
    assert_true(qdev_realize(gpu, &error_abort));
    assert_true(
        virtio_mmio_plug(virtio_mmio_create(GPU_MMIO, NULL, &error_abort), gpu, &error_abort));
    rec.dcl.ops = &rec_ops;
    register_displaychangelistener(&rec.dcl, NULL);
    return 0;
}

static int test_setup(void **state)
{
    td_setup(&drv, 16); /* resets the device: no resources, scanouts off */
    rec.switches = rec.updates = 0;
    return 0;
}

/* ---- tests ---- */

static void test_config_and_display_info(void **state)
{
    Req r = req(VIRTIO_GPU_CMD_GET_DISPLAY_INFO);

    assert_int_equal(td_rd(&drv, R_DEVICE_ID), VIRTIO_ID_GPU);
    assert_int_equal(td_rd(&drv, R_CONFIG + 8), 1); /* num_scanouts */
    td_wr(&drv, R_DEV_FEATURES_SEL, 0);
    assert_true(td_rd(&drv, R_DEV_FEATURES) & (1u << VIRTIO_GPU_F_EDID));
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_int_equal(ram_get(RESP + 24 + 8, 4), 1280);
    assert_int_equal(ram_get(RESP + 24 + 12, 4), 800);
    assert_int_equal(ram_get(RESP + 24 + 16, 4), 1);      /* enabled */
    assert_int_equal(ram_get(RESP + 24 + 24 + 16, 4), 0); /* scanout 1: none */
}

static void test_edid(void **state)
{
    Req r = req(VIRTIO_GPU_CMD_GET_EDID);
    uint8_t edid[128], sum = 0;
    static const uint8_t header[8] = {0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0};

    put32(&r, 0);
    put32(&r, 0);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_OK_EDID);
    assert_int_equal(ram_get(RESP + 24, 4), 128);
    address_space_read(address_space_memory(), RESP + 32, edid, sizeof(edid));
    assert_memory_equal(edid, header, 8);
    for (int i = 0; i < 128; i++) {
        sum += edid[i];
    }
    assert_int_equal(sum, 0);
    /* The preferred (first detailed) timing: 1280 x 800 active. */
    assert_int_equal(edid[56] | (edid[58] >> 4) << 8, 1280);
    assert_int_equal(edid[59] | (edid[61] >> 4) << 8, 800);
    r = req(VIRTIO_GPU_CMD_GET_EDID);
    put32(&r, 7); /* no such scanout */
    put32(&r, 0);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
}

static void test_create_checks(void **state)
{
    assert_int_equal(create_2d(1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(create_2d(1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    assert_int_equal(create_2d(0, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    assert_int_equal(create_2d(2, 99, 64, 64), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(create_2d(2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0, 64),
                     VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(create_2d(2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0xffffffff, 0xffffffff),
                     VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    /* 16384 x 16384 x 4 = 1 GiB: over max_hostmem (256 MiB). */
    assert_int_equal(create_2d(2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 16384, 16384),
                     VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
    assert_true(logged("virtio-gpu: RESOURCE_CREATE_2D: 1073741824 bytes would pass max_hostmem"));
    assert_int_equal(unref(1), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(unref(1), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
}

static void test_backing_checks(void **state)
{
    Req r;

    assert_int_equal(create_2d(1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(attach(9, BACKING, 16384), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    assert_int_equal(attach(1, 0x1000, 16384), VIRTIO_GPU_RESP_ERR_UNSPEC); /* not RAM */
    assert_true(logged("entry 0 (0x1000+0x4000) is not guest RAM"));
    assert_int_equal(attach(1, RAM_BASE + RAM_SIZE - 4096, 16384), VIRTIO_GPU_RESP_ERR_UNSPEC);
    assert_int_equal(attach(1, UINT64_MAX - 100, 16384), VIRTIO_GPU_RESP_ERR_UNSPEC);
    /* More entries announced than the request carries. */
    r = req(VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING);
    put32(&r, 1);
    put32(&r, 1000);
    put64(&r, BACKING);
    put32(&r, 4096);
    put32(&r, 0);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_ERR_UNSPEC);
    /* No backing yet: a transfer is refused. */
    assert_int_equal(transfer(1, 0, 0, 64, 64, 0), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(attach(1, BACKING, 16384), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(attach(1, BACKING, 16384), VIRTIO_GPU_RESP_ERR_UNSPEC); /* twice */
    r = req(VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING);
    put32(&r, 1);
    put32(&r, 0);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_ERR_UNSPEC);
}

static void test_transfer_checks(void **state)
{
    assert_int_equal(create_2d(1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(attach(1, BACKING, 8192), VIRTIO_GPU_RESP_OK_NODATA); /* half of it */
    assert_int_equal(transfer(1, 0, 0, 65, 1, 0), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(transfer(1, 0xffffff00, 0, 0x200, 1, 0),
                     VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(transfer(1, 0, 60, 1, 0xfffffff0, 0), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    /* Rows 32.. lie past the 8 KiB of backing. */
    assert_int_equal(transfer(1, 0, 0, 64, 33, 0), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(transfer(1, 0, 0, 64, 1, UINT64_MAX - 8),
                     VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(transfer(1, 0, 0, 64, 32, 0), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(transfer(7, 0, 0, 64, 32, 0), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
}

static void test_scanout_flush_and_formats(void **state)
{
    DisplaySurface *s;
    QemuConsole *con = qemu_console_lookup_by_index(0);

    /* R8G8B8A8: bytes R, G, B, A in memory -> host 0xAARRGGBB. */
    assert_int_equal(create_2d(1, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_OK_NODATA);
    ram_put(BACKING + (10 * 64 + 3) * 4, 0x80332211, 4); /* R=11 G=22 B=33 A=80 */
    assert_int_equal(attach(1, BACKING, 16384), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(transfer(1, 0, 0, 64, 64, 0), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(set_scanout(1, 1, 0, 0, 64, 64), VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
    assert_int_equal(set_scanout(0, 5, 0, 0, 64, 64), VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
    assert_int_equal(set_scanout(0, 1, 32, 0, 64, 64), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(set_scanout(0, 1, 0, 0, 8, 8), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    assert_int_equal(rec.switches, 0);
    assert_int_equal(set_scanout(0, 1, 2, 8, 32, 32), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(rec.switches, 1);
    assert_int_equal(rec.width, 32);
    s = qemu_console_surface(con);
    assert_int_equal(surface_row(s, 2)[1], 0x80112233); /* resource (3, 10) */
    /* A flush reports the part inside the scanout, in scanout coordinates. */
    assert_int_equal(flush(1, 0, 0, 64, 64), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(rec.updates, 1);
    assert_true(rec.ux == 0 && rec.uy == 0 && rec.uw == 32 && rec.uh == 32);
    assert_int_equal(flush(1, 30, 36, 10, 10), VIRTIO_GPU_RESP_OK_NODATA);
    assert_true(rec.ux == 28 && rec.uy == 28 && rec.uw == 4 && rec.uh == 4);
    assert_int_equal(flush(1, 60, 0, 10, 10), VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
    /* Unref while shown: the console falls back to the placeholder. */
    assert_int_equal(unref(1), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(rec.width, 640);
    assert_int_equal(qemu_console_get_height(con), 480);
}

static void test_cursor(void **state)
{
    cursor_queue_setup();
    assert_int_equal(create_2d(1, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 64, 64),
                     VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(create_2d(2, VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 32, 32),
                     VIRTIO_GPU_RESP_OK_NODATA);
    ram_put(BACKING, 0x7f102030, 4);
    assert_int_equal(attach(1, BACKING, 16384), VIRTIO_GPU_RESP_OK_NODATA);
    assert_int_equal(transfer(1, 0, 0, 64, 64, 0), VIRTIO_GPU_RESP_OK_NODATA);
    rec.cursors = rec.moves = 0;
    cursor_cmd(VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 10, 20, 1);
    assert_int_equal(rec.cursors, 1);
    assert_int_equal(rec.cursor_w, 64);
    assert_int_equal(rec.cursor_pixel, 0x7f102030); /* alpha kept */
    assert_true(rec.mx == 10 && rec.my == 20 && rec.visible);
    cursor_cmd(VIRTIO_GPU_CMD_MOVE_CURSOR, 0, 30, 40, 0);
    assert_true(rec.mx == 30 && rec.my == 40 && rec.visible);
    /* Refused: a cursor that is not 64x64, an unknown one, a scanout that does not exist,
     * a command that does not belong on this queue. */
    cursor_cmd(VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 1, 1, 2);
    cursor_cmd(VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 1, 1, 9);
    cursor_cmd(VIRTIO_GPU_CMD_MOVE_CURSOR, 5, 1, 1, 0);
    cursor_cmd(VIRTIO_GPU_CMD_RESOURCE_FLUSH, 0, 1, 1, 0);
    assert_int_equal(rec.cursors, 1);
    assert_int_equal(rec.moves, 2);
    cursor_cmd(VIRTIO_GPU_CMD_UPDATE_CURSOR, 0, 5, 5, 0); /* resource 0 hides it */
    assert_int_equal(rec.cursor_w, 0);
    assert_false(rec.visible);
}

static void test_fence_and_bad_requests(void **state)
{
    Req r = req(VIRTIO_GPU_CMD_GET_DISPLAY_INFO);

    gpu_st32(r.b + 4, VIRTIO_GPU_FLAG_FENCE);
    gpu_st64(r.b + 8, 0x1234567890ull);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
    assert_int_equal(ram_get(RESP + 4, 4), VIRTIO_GPU_FLAG_FENCE);
    assert_int_equal(ram_get(RESP + 8, 8), 0x1234567890ull);
    r = req(0x4242);
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_ERR_UNSPEC);
    r = req(VIRTIO_GPU_CMD_RESOURCE_CREATE_2D); /* the header only */
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_ERR_UNSPEC);
    r.len = 8; /* not even a header */
    assert_int_equal(send(&r), VIRTIO_GPU_RESP_ERR_UNSPEC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_config_and_display_info, test_setup),
        cmocka_unit_test_setup(test_edid, test_setup),
        cmocka_unit_test_setup(test_create_checks, test_setup),
        cmocka_unit_test_setup(test_backing_checks, test_setup),
        cmocka_unit_test_setup(test_transfer_checks, test_setup),
        cmocka_unit_test_setup(test_scanout_flush_and_formats, test_setup),
        cmocka_unit_test_setup(test_cursor, test_setup),
        cmocka_unit_test_setup(test_fence_and_bad_requests, test_setup),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, NULL);

    unlink(log_path);
    return failed;
}
