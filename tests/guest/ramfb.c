/*
 * ramfb (hw/display/ramfb.c) from the guest: find "etc/ramfb" in the fw_cfg directory and
 * write its 28-byte big-endian configuration by DMA (addr u64, fourcc u32, flags u32,
 * width u32, height u32, stride u32).
 *  - unusable configurations first (framebuffer outside RAM, a stride * height beyond any
 *    RAM, an unknown fourcc, zero sizes, a stride shorter than a row): each DMA write
 *    itself succeeds; the device logs a guest error and shows no surface
 *  - then a RAMFB_W x RAMFB_H XRGB8888 framebuffer with a padded stride, filled with
 *    ramfb_pattern(x, y); tests/functional/test_ramfb.py computes the same pattern and
 *    compares it with a screendump.
 * Without -device ramfb there is no file: the program says so and passes (the guest-program
 * run has no ramfb); with it, it prints "ramfb: drawn" and waits for the test to look.
 */
#include "fw_cfg.h"
#include "test.h"

#define RAMFB_W 320
#define RAMFB_H 200
#define RAMFB_STRIDE (RAMFB_W * 4 + 64)
#define RAMFB_ADDR 0x81000000UL /* 16 MiB into RAM, clear of this program */
#define FOURCC(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | \
                            (uint32_t)(d) << 24)
#define XRGB8888 FOURCC('X', 'R', '2', '4')

struct ramfb_cfg {
    uint64_t addr;
    uint32_t fourcc, flags, width, height, stride;
} __attribute__((packed));

static uint32_t ramfb_pattern(uint32_t x, uint32_t y)
{
    return (x * 255 / (RAMFB_W - 1)) << 16 | (y * 255 / (RAMFB_H - 1)) << 8 | ((x ^ y) & 0xff);
}

static uint32_t configure(uint16_t key, uint64_t addr, uint32_t fourcc, uint32_t w, uint32_t h,
                          uint32_t stride)
{
    static struct ramfb_cfg cfg;

    cfg = (struct ramfb_cfg){.addr = fw_cfg_be64(addr), .fourcc = fw_cfg_be32(fourcc),
                             .width = fw_cfg_be32(w), .height = fw_cfg_be32(h),
                             .stride = fw_cfg_be32(stride)};
    return fw_cfg_dma(DMA_CTL_SELECT | DMA_CTL_WRITE | (uint32_t)key << 16, &cfg, sizeof(cfg));
}

int main(void)
{
    uint32_t size = 0;
    uint16_t key = fw_cfg_find_file("etc/ramfb", &size);
    volatile uint32_t *fb = (volatile uint32_t *)RAMFB_ADDR;

    if (!key) {
        uart_puts("ramfb: no etc/ramfb file (no -device ramfb)\n");
        return 0;
    }
    CHECK_EQ(size, sizeof(struct ramfb_cfg));
    /* Unusable: outside RAM, stride * height past any RAM, unknown format, zero sizes,
     * a stride shorter than a row. The writes go through; the device refuses the modes. */
    CHECK_EQ(configure(key, 0x1000, XRGB8888, RAMFB_W, RAMFB_H, 0), 0);
    CHECK_EQ(configure(key, RAMFB_ADDR, XRGB8888, RAMFB_W, 12000, 0xfffffff0u), 0);
    CHECK_EQ(configure(key, RAMFB_ADDR, FOURCC('Y', 'U', 'Y', 'V'), RAMFB_W, RAMFB_H, 0), 0);
    CHECK_EQ(configure(key, RAMFB_ADDR, XRGB8888, 0, 0, 0), 0);
    CHECK_EQ(configure(key, RAMFB_ADDR, XRGB8888, RAMFB_W, RAMFB_H, RAMFB_W), 0);
    uart_puts("ramfb: bad configurations written\n");
    for (uint32_t y = 0; y < RAMFB_H; y++) {
        for (uint32_t x = 0; x < RAMFB_W; x++) {
            fb[y * (RAMFB_STRIDE / 4) + x] = ramfb_pattern(x, y);
        }
    }
    CHECK_EQ(configure(key, RAMFB_ADDR, XRGB8888, RAMFB_W, RAMFB_H, RAMFB_STRIDE), 0);
    uart_printf("ramfb: drawn %ux%u\n", RAMFB_W, RAMFB_H);
    for (;;) {
        __asm__ volatile("wfi");
    }
}

TEST_END_CHECKS();
