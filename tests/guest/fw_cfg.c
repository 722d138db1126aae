/*
 * fw_cfg on the virt board (QEMU docs/specs/fw_cfg.rst; MMIO at 0x10100000):
 *   +0x00 data (1/2/4/8-byte reads, bytes in item order), +0x08 selector (16-bit
 *   big-endian), +0x10 DMA address (64-bit big-endian; writing the low half at
 *   +0x14, or all 8 bytes at +0x10, starts the transfer).
 *  - the signature "QEMU", the ID with the DMA bit, the DMA register's "QEMU CFG"
 *  - reads past an item's end and of a missing item give 0
 *  - the UUID (-uuid) and the file directory: a big-endian count, then 64-byte entries
 *    sorted by name
 *  - DMA select/read/skip, the error bit for a write to a read-only item and for a
 *    buffer outside RAM (the guest memory around it is untouched)
 *  - the "opt/..." files of -fw_cfg: listed with their contents on the UART, so a
 *    functional test can run this program with -fw_cfg options (tests/functional/
 *    test_fw_cfg.py); without them it lists the board's own files.
 */
#include "fw_cfg.h"
#include "test.h"

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_UUID 0x02
#define FW_CFG_NB_CPUS 0x05

static uint8_t fw_read8(void)
{
    return *(volatile uint8_t *)FW_CFG_DATA;
}

/* fw_cfg_dma through the two 32-bit halves (high first, the low write starts it). */
static uint32_t fw_dma_split(uint32_t control, uint64_t addr, uint32_t len)
{
    static volatile struct fw_cfg_dma_access acc __attribute__((aligned(16)));
    uint64_t a = (uint64_t)(unsigned long)&acc;

    acc.control = fw_cfg_be32(control);
    acc.length = fw_cfg_be32(len);
    acc.address = fw_cfg_be64(addr);
    __asm__ volatile("fence rw, rw" ::: "memory");
    *(volatile uint32_t *)(FW_CFG_DMA) = fw_cfg_be32((uint32_t)(a >> 32));
    *(volatile uint32_t *)(FW_CFG_DMA + 4) = fw_cfg_be32((uint32_t)a);
    __asm__ volatile("fence rw, rw" ::: "memory");
    return fw_cfg_be32(acc.control);
}

static int str_starts(const char *s, const char *prefix)
{
    while (*prefix) {
        if (*s++ != *prefix++) {
            return 0;
        }
    }
    return 1;
}

static void check_registers(void)
{
    uint64_t v;
    uint8_t sig[4];

    fw_cfg_select(FW_CFG_SIGNATURE);
    fw_cfg_read(sig, 4);
    CHECK(sig[0] == 'Q' && sig[1] == 'E' && sig[2] == 'M' && sig[3] == 'U');
    CHECK_EQ(fw_read8(), 0); /* past the end */
    /* Wide reads keep the item's byte order; the bytes past the end read 0. */
    fw_cfg_select(FW_CFG_SIGNATURE);
    CHECK_EQ(*(volatile uint32_t *)FW_CFG_DATA, 0x554d4551);
    fw_cfg_select(FW_CFG_SIGNATURE);
    CHECK_EQ(*(volatile uint16_t *)FW_CFG_DATA, 0x4551);
    CHECK_EQ(*(volatile uint16_t *)FW_CFG_DATA, 0x554d);
    fw_cfg_select(FW_CFG_SIGNATURE);
    CHECK_EQ(*(volatile uint64_t *)FW_CFG_DATA, 0x554d4551UL);
    /* The ID: traditional interface and DMA. */
    fw_cfg_select(FW_CFG_ID);
    CHECK_EQ(*(volatile uint32_t *)FW_CFG_DATA, 3);
    fw_cfg_select(FW_CFG_NB_CPUS);
    CHECK_EQ(*(volatile uint16_t *)FW_CFG_DATA, 1);
    /* A key nobody registered reads 0. */
    fw_cfg_select(0x1234);
    CHECK_EQ(*(volatile uint32_t *)FW_CFG_DATA, 0);
    /* The DMA register reads "QEMU CFG" (big-endian). */
    v = *(volatile uint64_t *)FW_CFG_DMA;
    CHECK_EQ(fw_cfg_be64(v), 0x51454d5520434647UL);
}

/* Print each file of the directory; an "opt/" file's content too. Returns the count. */
static uint32_t list_files(void)
{
    static struct fw_cfg_file e;
    static char content[256];
    uint32_t count, be;

    fw_cfg_select(FW_CFG_FILE_DIR);
    fw_cfg_read(&be, 4);
    count = fw_cfg_be32(be);
    for (uint32_t i = 0; i < count; i++) {
        fw_cfg_select(FW_CFG_FILE_DIR);
        /* Skip to entry i by DMA, then read it through the data register. */
        CHECK_EQ(fw_cfg_dma(DMA_CTL_SKIP, 0, 4 + i * sizeof(e)), 0);
        fw_cfg_read(&e, sizeof(e));
        e.name[55] = '\0';
        uart_printf("file %s size %u\n", e.name, fw_cfg_be32(e.size));
        if (str_starts(e.name, "opt/") && fw_cfg_be32(e.size) < sizeof(content)) {
            uint32_t n = fw_cfg_be32(e.size);
            CHECK_EQ(fw_cfg_dma(DMA_CTL_SELECT | DMA_CTL_READ | ((uint32_t)__builtin_bswap16(e.select) << 16),
                            content, n),
                     0);
            content[n] = '\0';
            uart_printf("content %s\n", content);
        }
    }
    return count;
}

static void check_dma(void)
{
    static uint8_t buf[16];
    static uint8_t guard[32];
    uint32_t ctl;

    /* select + read */
    for (unsigned i = 0; i < sizeof(buf); i++) {
        buf[i] = 0xaa;
    }
    ctl = fw_cfg_dma(DMA_CTL_SELECT | DMA_CTL_READ | (FW_CFG_SIGNATURE << 16), buf, 8);
    CHECK_EQ(ctl, 0);
    CHECK(buf[0] == 'Q' && buf[3] == 'U');
    CHECK_EQ(buf[4], 0); /* past the end: zeros */
    CHECK_EQ(buf[8], 0xaa);
    /* skip 2, read 2 through the split register */
    ctl = fw_cfg_dma(DMA_CTL_SELECT | DMA_CTL_SKIP | (FW_CFG_SIGNATURE << 16), 0, 2);
    CHECK_EQ(ctl, 0);
    ctl = fw_dma_split(DMA_CTL_READ, (uint64_t)(unsigned long)buf, 2);
    CHECK_EQ(ctl, 0);
    CHECK(buf[0] == 'M' && buf[1] == 'U');
    /* A write to a read-only item sets the error bit and changes nothing. */
    ctl = fw_cfg_dma(DMA_CTL_SELECT | DMA_CTL_WRITE | (FW_CFG_SIGNATURE << 16), guard, 4);
    CHECK_EQ(ctl & DMA_CTL_ERROR, DMA_CTL_ERROR);
    fw_cfg_select(FW_CFG_SIGNATURE);
    CHECK_EQ(*(volatile uint32_t *)FW_CFG_DATA, 0x554d4551);
    /* A buffer outside RAM: the error bit; the guard after the descriptor is untouched. */
    for (unsigned i = 0; i < sizeof(guard); i++) {
        guard[i] = 0x5a;
    }
    ctl = fw_dma_split(DMA_CTL_SELECT | DMA_CTL_READ | (FW_CFG_SIGNATURE << 16),
                       0x7fff00000000UL, 4);
    CHECK_EQ(ctl & DMA_CTL_ERROR, DMA_CTL_ERROR);
    for (unsigned i = 0; i < sizeof(guard); i++) {
        CHECK_EQ(guard[i], 0x5a);
    }
    /* A length of 0 does nothing and succeeds. */
    CHECK_EQ(fw_cfg_dma(DMA_CTL_SELECT | DMA_CTL_READ | (FW_CFG_ID << 16), buf, 0), 0);
}

static void print_uuid(void)
{
    uint8_t uuid[16];

    fw_cfg_select(FW_CFG_UUID);
    fw_cfg_read(uuid, sizeof(uuid));
    uart_printf("uuid");
    for (unsigned i = 0; i < sizeof(uuid); i++) {
        uart_printf(" %x", uuid[i]);
    }
    uart_printf("\n");
}

int main(void)
{
    print_uuid();
    check_registers();
    check_dma();
    CHECK(list_files() >= 1);
    return 0;
}
