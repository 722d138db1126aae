/*
 * fw_cfg on the virt board for guest programs (QEMU docs/specs/fw_cfg.rst): MMIO at
 * 0x10100000 with the data register (+0), the 16-bit big-endian selector (+8) and the
 * 64-bit big-endian DMA address register (+0x10), whose write starts a transfer.
 */
#ifndef GUEST_FW_CFG_H
#define GUEST_FW_CFG_H

#include <stdint.h>

#define FW_CFG_BASE 0x10100000UL
#define FW_CFG_DATA (FW_CFG_BASE + 0x0)
#define FW_CFG_SEL (FW_CFG_BASE + 0x8)
#define FW_CFG_DMA (FW_CFG_BASE + 0x10)

#define FW_CFG_FILE_DIR 0x19

#define DMA_CTL_ERROR 0x01
#define DMA_CTL_READ 0x02
#define DMA_CTL_SKIP 0x04
#define DMA_CTL_SELECT 0x08
#define DMA_CTL_WRITE 0x10

struct fw_cfg_dma_access {
    uint32_t control; /* all big-endian */
    uint32_t length;
    uint64_t address;
};

struct fw_cfg_file {
    uint32_t size; /* big-endian */
    uint16_t select;
    uint16_t reserved;
    char name[56];
};

static inline uint32_t fw_cfg_be32(uint32_t v)
{
    return __builtin_bswap32(v);
}

static inline uint64_t fw_cfg_be64(uint64_t v)
{
    return __builtin_bswap64(v);
}

static inline void fw_cfg_select(uint16_t key)
{
    *(volatile uint16_t *)FW_CFG_SEL = __builtin_bswap16(key);
}

static inline void fw_cfg_read(void *buf, unsigned len)
{
    uint8_t *p = buf;

    for (unsigned i = 0; i < len; i++) {
        p[i] = *(volatile uint8_t *)FW_CFG_DATA;
    }
}

/* One DMA transfer through the 64-bit register; returns the control word after it. */
static inline uint32_t fw_cfg_dma(uint32_t control, void *buf, uint32_t len)
{
    static volatile struct fw_cfg_dma_access acc __attribute__((aligned(16)));

    acc.control = fw_cfg_be32(control);
    acc.length = fw_cfg_be32(len);
    acc.address = fw_cfg_be64((uint64_t)(unsigned long)buf);
    __asm__ volatile("fence rw, rw" ::: "memory");
    *(volatile uint64_t *)FW_CFG_DMA = fw_cfg_be64((uint64_t)(unsigned long)&acc);
    __asm__ volatile("fence rw, rw" ::: "memory");
    return fw_cfg_be32(acc.control);
}

/* The selector key of the file `name`, or 0 when the directory has no such file. */
static inline uint16_t fw_cfg_find_file(const char *name, uint32_t *size)
{
    struct fw_cfg_file e;
    uint32_t count;

    fw_cfg_select(FW_CFG_FILE_DIR);
    fw_cfg_read(&count, 4);
    count = fw_cfg_be32(count);
    for (uint32_t i = 0; i < count; i++) {
        unsigned k = 0;
        fw_cfg_read(&e, sizeof(e));
        while (k < sizeof(e.name) && name[k] && e.name[k] == name[k]) {
            k++;
        }
        if (!name[k] && (k == sizeof(e.name) || !e.name[k])) {
            *size = fw_cfg_be32(e.size);
            return __builtin_bswap16(e.select);
        }
    }
    return 0;
}

#endif
