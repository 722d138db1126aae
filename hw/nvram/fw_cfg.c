/*
 * fw_cfg, QEMU's firmware configuration device. Reference: QEMU's
 * docs/specs/fw_cfg.rst (the guest interface), checked against QEMU 7.2's
 * riscv virt by tests/guest/fw_cfg.c. Register map of the two front ends:
 *
 *   fw_cfg_mem (virt, 0x10100000, 0x18 bytes)     fw_cfg_io (PC)
 *   +0x00 data      R  1/2/4/8 bytes              0x511 data      R  1 byte
 *   +0x08 selector  W  16-bit big-endian          0x510 selector  W  16-bit little-endian
 *   +0x10 DMA addr  RW 64-bit big-endian          0x514 DMA addr  RW 64-bit big-endian
 *
 * The data register returns the selected item's next bytes in item order (a
 * 4-byte read of "QEMU" is the bytes Q E M U in memory), zeros past the end or
 * for a missing item; writes to it are ignored, as in QEMU since 2.4. The DMA
 * address register reads "QEMU CFG"; writing its low half (+0x14, after the
 * high half at +0x10) or all 8 bytes starts a transfer described in guest RAM:
 *   struct { be32 control; be32 length; be64 address; }
 * control = key << 16 | WRITE 0x10 | SELECT 0x08 | SKIP 0x04 | READ 0x02; when
 * done, control is 0, or ERROR 0x01 if anything failed. The guest is not trusted:
 * the descriptor and the buffer must be RAM (never MMIO, so a transfer cannot
 * reach this device again), else ERROR and a guest_errors line.
 *
 * Items: keys 0x00-0x1f are fixed items, FW_CFG_FILE_FIRST.. the files, kept
 * sorted by name (the directory item 0x19 lists size, key and name of each;
 * keys move as files arrive). FW_CFG_ARCH_LOCAL selects a second bank of fixed
 * items.
 */
#include "hw/nvram/fw_cfg.h"
#include "migration/vmstate.h"

#include <assert.h>
#include <endian.h>
#include <inttypes.h>
#include <libfdt.h>

#include "qom/object.h"
#include "system/device_tree.h"
#include "system/memory.h"
#include "util/log.h"

/* The selector value after reset and for a key out of range: reads give zeros. */
#define FW_CFG_INVALID 0xffff

typedef struct FWCfgEntry {
    uint32_t len;
    uint8_t *data; /* owned */
    bool allow_write;
    FWCfgWriteCallback *write_cb;
    void *cb_opaque;
} FWCfgEntry;

/* A directory entry as the guest reads it (all big-endian). */
typedef struct FWCfgFile {
    uint32_t size;
    uint16_t select;
    uint16_t reserved;
    char name[FW_CFG_MAX_FILE_PATH];
} FWCfgFile;

typedef struct FWCfgFiles {
    uint32_t count; /* big-endian */
    FWCfgFile f[];
} FWCfgFiles;

struct FWCfgState {
    SysBusDevice parent_obj;
    /* properties */
    bool dma_enabled;
    uint32_t file_slots;
    /* [0] generic, [1] arch-local; file_slots + FW_CFG_FILE_FIRST entries each */
    FWCfgEntry *entries[2];
    FWCfgFiles *files; /* the data of FW_CFG_FILE_DIR */
    uint16_t cur_entry;
    uint32_t cur_offset;
    uint64_t dma_addr;
    /* front ends: mem uses data_mr (the whole window); io uses data_mr + dma_mr */
    MemoryRegion data_mr, dma_mr;
};

static uint32_t fw_cfg_max_entry(const FWCfgState *s)
{
    return FW_CFG_FILE_FIRST + s->file_slots;
}

static void *xmemdup(const void *p, size_t len)
{
    return memcpy(xmalloc(len), p, len);
}

static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static FWCfgEntry *fw_cfg_cur(FWCfgState *s)
{
    if (s->cur_entry == FW_CFG_INVALID) {
        return NULL;
    }
    return &s->entries[!!(s->cur_entry & FW_CFG_ARCH_LOCAL)][s->cur_entry & FW_CFG_ENTRY_MASK];
}

/* ---- items ---- */

static void fw_cfg_set_entry(FWCfgEntry *e, void *data, size_t len)
{
    free(e->data);
    *e = (FWCfgEntry){.len = (uint32_t)len, .data = data};
}

void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, void *data, size_t len)
{
    uint16_t index = key & FW_CFG_ENTRY_MASK;

    assert(index < FW_CFG_FILE_FIRST && !(key & FW_CFG_WRITE_CHANNEL) && len <= UINT32_MAX);
    fw_cfg_set_entry(&s->entries[!!(key & FW_CFG_ARCH_LOCAL)][index], data, len);
}

static void fw_cfg_add_le(FWCfgState *s, uint16_t key, uint64_t value, size_t len)
{
    uint8_t *p = xmalloc(len);

    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
    fw_cfg_add_bytes(s, key, p, len);
}

void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value)
{
    fw_cfg_add_le(s, key, value, 2);
}

void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value)
{
    fw_cfg_add_le(s, key, value, 4);
}

void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value)
{
    fw_cfg_add_le(s, key, value, 8);
}

void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value)
{
    fw_cfg_add_bytes(s, key, xstrdup(value), strlen(value) + 1);
}

static bool fw_cfg_check_file(FWCfgState *s, const char *name, size_t len, Error **errp)
{
    uint32_t count = be32toh(s->files->count);

    if (strlen(name) > FW_CFG_MAX_FILE_PATH - 1) {
        error_setg(errp, "name too long (max. %d char)", FW_CFG_MAX_FILE_PATH - 1);
        return false;
    }
    if (len > FW_CFG_MAX_ITEM_SIZE) {
        error_setg(errp, "fw_cfg file %s: %zu bytes, at most %u", name, len, FW_CFG_MAX_ITEM_SIZE);
        return false;
    }
    for (uint32_t i = 0; i < count; i++) {
        if (!strcmp(s->files->f[i].name, name)) {
            error_setg(errp, "duplicate fw_cfg file name: %s", name);
            return false;
        }
    }
    if (count >= s->file_slots) {
        error_setg(errp, "fw_cfg file %s: all %u file slots are used", name, s->file_slots);
        return false;
    }
    return true;
}

/* Insert at the sorted position; the files after it (and their entries) move up one key. */
static FWCfgEntry *fw_cfg_insert_file(FWCfgState *s, const char *name, size_t len)
{
    uint32_t count = be32toh(s->files->count), pos = 0;
    FWCfgEntry *entries = s->entries[0];

    while (pos < count && strcmp(s->files->f[pos].name, name) < 0) {
        pos++;
    }
    memmove(&s->files->f[pos + 1], &s->files->f[pos], (count - pos) * sizeof(FWCfgFile));
    memmove(&entries[FW_CFG_FILE_FIRST + pos + 1], &entries[FW_CFG_FILE_FIRST + pos],
            (count - pos) * sizeof(FWCfgEntry));
    entries[FW_CFG_FILE_FIRST + pos] = (FWCfgEntry){0};
    memset(&s->files->f[pos], 0, sizeof(FWCfgFile));
    strcpy(s->files->f[pos].name, name);
    s->files->f[pos].size = htobe32((uint32_t)len);
    s->files->count = htobe32(count + 1);
    s->entries[0][FW_CFG_FILE_DIR].len = sizeof(FWCfgFiles) + (count + 1) * sizeof(FWCfgFile);
    for (uint32_t i = pos; i <= count; i++) {
        s->files->f[i].select = htobe16(FW_CFG_FILE_FIRST + i);
    }
    return &entries[FW_CFG_FILE_FIRST + pos];
}

bool fw_cfg_add_file_writable(FWCfgState *s, const char *name, void *data, size_t len,
                              FWCfgWriteCallback *write_cb, void *opaque, Error **errp)
{
    FWCfgEntry *e;

    if (!fw_cfg_check_file(s, name, len, errp)) {
        free(data);
        return false;
    }
    e = fw_cfg_insert_file(s, name, len);
    fw_cfg_set_entry(e, data, len);
    e->allow_write = true;
    e->write_cb = write_cb;
    e->cb_opaque = opaque;
    return true;
}

bool fw_cfg_add_file(FWCfgState *s, const char *name, void *data, size_t len, Error **errp)
{
    if (!fw_cfg_check_file(s, name, len, errp)) {
        free(data);
        return false;
    }
    fw_cfg_set_entry(fw_cfg_insert_file(s, name, len), data, len);
    return true;
}

bool fw_cfg_modify_file(FWCfgState *s, const char *name, void *data, size_t len, Error **errp)
{
    uint32_t count = be32toh(s->files->count);

    for (uint32_t i = 0; i < count; i++) {
        if (!strcmp(s->files->f[i].name, name)) {
            if (len > FW_CFG_MAX_ITEM_SIZE) {
                break;
            }
            fw_cfg_set_entry(&s->entries[0][FW_CFG_FILE_FIRST + i], data, len);
            s->files->f[i].size = htobe32((uint32_t)len);
            return true;
        }
    }
    free(data);
    error_setg(errp, "fw_cfg file %s: %s", name,
               len > FW_CFG_MAX_ITEM_SIZE ? "too large" : "no such file to modify");
    return false;
}

FWCfgState *fw_cfg_find(void)
{
    Object *obj = object_resolve_path("/machine/" TYPE_FW_CFG);

    return obj && object_dynamic_cast(obj, TYPE_FW_CFG) ? FW_CFG(obj) : NULL;
}

/* ---- the register interface ---- */

static void fw_cfg_select(FWCfgState *s, uint16_t key)
{
    s->cur_offset = 0;
    s->cur_entry = (key & FW_CFG_ENTRY_MASK) < fw_cfg_max_entry(s)
                       ? (uint16_t)(key & (FW_CFG_ENTRY_MASK | FW_CFG_ARCH_LOCAL))
                       : FW_CFG_INVALID;
}

/* The next size bytes of the item, the first in the low byte (item order in memory). */
static uint64_t fw_cfg_data_read(FWCfgState *s, unsigned size)
{
    FWCfgEntry *e = fw_cfg_cur(s);
    uint64_t value = 0;

    for (unsigned i = 0; i < size && e && s->cur_offset < e->len; i++) {
        value |= (uint64_t)e->data[s->cur_offset++] << (8 * i);
    }
    return value;
}

/* ---- DMA ---- */

/* [addr, addr+len) lies wholly in guest RAM (writable RAM if is_write). */
static bool fw_cfg_dma_ok(hwaddr addr, uint64_t len, bool is_write)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    hwaddr last = addr + len - 1;

    if (len == 0) {
        return true;
    }
    if (last < addr) {
        return false;
    }
    for (;;) {
        const FlatRange *fr = flatview_lookup(view, addr);

        if (!fr || !memory_region_is_ram(fr->mr) || (is_write && memory_region_is_rom(fr->mr))) {
            return false;
        }
        if (fr->addr + fr->size - 1 >= last) {
            return true;
        }
        addr = fr->addr + fr->size;
    }
}

static bool fw_cfg_dma_rw(hwaddr addr, void *buf, uint64_t len, bool is_write)
{
    if (!fw_cfg_dma_ok(addr, len, is_write)) {
        log_mask(LOG_GUEST_ERROR,
                 "fw_cfg: DMA %s of 0x%" PRIx64 " bytes at 0x%" PRIx64 " outside RAM\n",
                 is_write ? "write" : "read", len, addr);
        return false;
    }
    if (!len) {
        return true;
    }
    return (is_write ? address_space_write(address_space_memory(), addr, buf, len)
                     : address_space_read(address_space_memory(), addr, buf, len)) == MEMTX_OK;
}

/* Zeros over [addr, addr+len) of RAM: the guest picks len (up to 4 GiB), so in pieces. */
static bool fw_cfg_dma_zero(hwaddr addr, uint64_t len)
{
    static const uint8_t zeros[4096];

    if (!fw_cfg_dma_ok(addr, len, true)) {
        return fw_cfg_dma_rw(addr, (void *)zeros, len, true); /* logs and fails */
    }
    while (len) {
        uint64_t n = MIN(len, sizeof(zeros));

        if (address_space_write(address_space_memory(), addr, zeros, n) != MEMTX_OK) {
            return false;
        }
        addr += n;
        len -= n;
    }
    return true;
}

/* One chunk of a transfer within the current item; false on an error. */
static bool fw_cfg_dma_chunk(FWCfgState *s, FWCfgEntry *e, uint32_t control, hwaddr addr,
                             uint32_t len)
{
    uint8_t *p = e->data + s->cur_offset;

    if (control & FW_CFG_DMA_CTL_READ) {
        return fw_cfg_dma_rw(addr, p, len, true);
    }
    if (control & FW_CFG_DMA_CTL_WRITE) {
        if (!e->allow_write) {
            log_mask(LOG_GUEST_ERROR, "fw_cfg: DMA write to read-only item 0x%x\n", s->cur_entry);
            return false;
        }
        if (!fw_cfg_dma_rw(addr, p, len, false)) {
            return false;
        }
        if (e->write_cb) {
            e->write_cb(e->cb_opaque, s->cur_offset, len);
        }
    }
    return true; /* skip */
}

/* Run the transfer of the descriptor at s->dma_addr; the control word to write back. */
static uint32_t fw_cfg_dma_run(FWCfgState *s, uint32_t control, uint32_t length, uint64_t address)
{
    FWCfgEntry *e;
    bool ok = true;

    if (control & FW_CFG_DMA_CTL_SELECT) {
        fw_cfg_select(s, control >> 16);
    }
    e = fw_cfg_cur(s);
    while (ok && length > 0) {
        uint32_t avail = e && s->cur_offset < e->len ? e->len - s->cur_offset : 0;
        uint32_t chunk = avail ? MIN(length, avail) : length;

        if (!avail) {
            /* Past the end or no item: reads give zeros, writes fail, skips do nothing. */
            if (control & FW_CFG_DMA_CTL_READ) {
                ok = fw_cfg_dma_zero(address, chunk);
            } else if (control & FW_CFG_DMA_CTL_WRITE) {
                ok = false;
            }
        } else {
            ok = fw_cfg_dma_chunk(s, e, control, address, chunk);
            s->cur_offset += chunk;
        }
        address += chunk;
        length -= chunk;
    }
    return ok ? 0 : FW_CFG_DMA_CTL_ERROR;
}

static void fw_cfg_dma_transfer(FWCfgState *s)
{
    uint8_t desc[16];
    uint32_t control;
    hwaddr at = s->dma_addr;

    s->dma_addr = 0;
    if (!fw_cfg_dma_rw(at, desc, sizeof(desc), false)) {
        return; /* not RAM: there is nowhere to report the error */
    }
    control = fw_cfg_dma_run(s, load_be32(desc), load_be32(desc + 4),
                             (uint64_t)load_be32(desc + 8) << 32 | load_be32(desc + 12));
    control = htobe32(control);
    memcpy(desc, &control, 4);
    fw_cfg_dma_rw(at, desc, 4, true);
}

/* The DMA address register: 8 bytes at offset 0, or two halves (high first, low starts). */
static uint64_t fw_cfg_dma_reg_read(FWCfgState *s, hwaddr addr, unsigned size)
{
    uint64_t sig = FW_CFG_DMA_SIGNATURE;
    uint64_t value = 0;

    /* Big-endian: byte i of the register is byte 7-i of the number. */
    for (unsigned i = 0; i < size && addr + i < 8; i++) {
        value |= ((sig >> (8 * (7 - (addr + i)))) & 0xff) << (8 * i);
    }
    return s->dma_enabled ? value : 0;
}

static void fw_cfg_dma_reg_write(FWCfgState *s, hwaddr addr, uint64_t value, unsigned size)
{
    if (!s->dma_enabled) {
        log_mask(LOG_GUEST_ERROR, "fw_cfg: DMA register written, but DMA is disabled\n");
        return;
    }
    if (size == 8 && addr == 0) {
        s->dma_addr = __builtin_bswap64(value);
        fw_cfg_dma_transfer(s);
    } else if (size == 4 && addr == 0) {
        s->dma_addr = (uint64_t)__builtin_bswap32((uint32_t)value) << 32;
    } else if (size == 4 && addr == 4) {
        s->dma_addr |= __builtin_bswap32((uint32_t)value);
        fw_cfg_dma_transfer(s);
    } else {
        log_mask(LOG_GUEST_ERROR, "fw_cfg: DMA register: %u-byte write at +%" PRIu64 " ignored\n",
                 size, addr);
    }
}

/* ---- front end: MMIO (virt) ---- */

#define FW_CFG_MEM_DATA 0x00
#define FW_CFG_MEM_SEL 0x08
#define FW_CFG_MEM_DMA 0x10

static uint64_t fw_cfg_mem_read(void *opaque, hwaddr addr, unsigned size)
{
    FWCfgState *s = opaque;

    if (addr + size <= FW_CFG_MEM_SEL) {
        return fw_cfg_data_read(s, size);
    }
    if (addr >= FW_CFG_MEM_DMA) {
        return fw_cfg_dma_reg_read(s, addr - FW_CFG_MEM_DMA, size);
    }
    return 0; /* the selector is write-only */
}

static void fw_cfg_mem_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    FWCfgState *s = opaque;

    if (addr == FW_CFG_MEM_SEL && size == 2) {
        fw_cfg_select(s, __builtin_bswap16((uint16_t)value));
    } else if (addr >= FW_CFG_MEM_DMA) {
        fw_cfg_dma_reg_write(s, addr - FW_CFG_MEM_DMA, value, size);
    } else {
        log_mask(LOG_GUEST_ERROR, "fw_cfg: %u-byte write at +0x%" PRIx64 " ignored\n", size, addr);
    }
}

static const MemoryRegionOps fw_cfg_mem_ops = {
    .read = fw_cfg_mem_read,
    .write = fw_cfg_mem_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

/* ---- front end: I/O ports (PC) ---- */

static uint64_t fw_cfg_io_read(void *opaque, hwaddr addr, unsigned size)
{
    return addr == 1 ? fw_cfg_data_read(opaque, 1) : 0;
}

static void fw_cfg_io_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    if (addr == 0 && size == 2) {
        fw_cfg_select(opaque, (uint16_t)value);
    } else {
        log_mask(LOG_GUEST_ERROR, "fw_cfg: %u-byte port write at +%" PRIu64 " ignored\n", size,
                 addr);
    }
}

static const MemoryRegionOps fw_cfg_io_ops = {
    .read = fw_cfg_io_read,
    .write = fw_cfg_io_write,
    .valid = {.min_access_size = 1, .max_access_size = 2},
    .impl = {.min_access_size = 1, .max_access_size = 2},
};

static uint64_t fw_cfg_io_dma_read(void *opaque, hwaddr addr, unsigned size)
{
    return fw_cfg_dma_reg_read(opaque, addr, size);
}

static void fw_cfg_io_dma_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    fw_cfg_dma_reg_write(opaque, addr, value, size);
}

static const MemoryRegionOps fw_cfg_io_dma_ops = {
    .read = fw_cfg_io_dma_read,
    .write = fw_cfg_io_dma_write,
    .valid = {.min_access_size = 1, .max_access_size = 8},
    .impl = {.min_access_size = 1, .max_access_size = 8},
};

/* ---- realize / reset ---- */

/* The items every machine has (QEMU's common set). */
static bool fw_cfg_common_realize(FWCfgState *s, Error **errp)
{
    uint32_t max = fw_cfg_max_entry(s);

    if (s->file_slots < 0x10 || s->file_slots > FW_CFG_ENTRY_MASK + 1 - FW_CFG_FILE_FIRST) {
        error_setg(errp, "fw_cfg: x-file-slots must be between 16 and %u",
                   FW_CFG_ENTRY_MASK + 1 - FW_CFG_FILE_FIRST);
        return false;
    }
    s->entries[0] = xnew0(FWCfgEntry, max);
    s->entries[1] = xnew0(FWCfgEntry, max);
    s->files = xzalloc(sizeof(FWCfgFiles) + s->file_slots * sizeof(FWCfgFile));
    /* The directory's length grows with each file: the entry points at the buffer. */
    s->entries[0][FW_CFG_FILE_DIR] = (FWCfgEntry){.len = 4, .data = (uint8_t *)s->files};
    fw_cfg_add_bytes(s, FW_CFG_SIGNATURE, xmemdup("QEMU", 4), 4);
    fw_cfg_add_i32(s, FW_CFG_ID, FW_CFG_VERSION | (s->dma_enabled ? FW_CFG_VERSION_DMA : 0));
    fw_cfg_add_bytes(s, FW_CFG_UUID, xzalloc(16), 16);
    /* No graphical display: firmware keeps to the serial console. */
    fw_cfg_add_i16(s, FW_CFG_NOGRAPHIC, 1);
    fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, 0);
    /* The boot order, disk geometry hints and reboot timeout (-1: none) firmware reads. */
    return fw_cfg_add_file(s, "bootorder", NULL, 0, errp) &&
           fw_cfg_add_file(s, "bios-geometry", NULL, 0, errp) &&
           fw_cfg_add_file(s, "etc/boot-fail-wait", xmemdup("\xff\xff\xff\xff", 4), 4, errp);
}

static void fw_cfg_reset(DeviceState *dev)
{
    FWCfgState *s = FW_CFG(dev);

    fw_cfg_select(s, 0);
    s->dma_addr = 0;
}

static void fw_cfg_finalize(Object *obj)
{
    FWCfgState *s = FW_CFG(obj);

    for (int bank = 0; bank < 2 && s->entries[bank]; bank++) {
        for (uint32_t i = 0; i < fw_cfg_max_entry(s); i++) {
            if (!(bank == 0 && i == FW_CFG_FILE_DIR)) {
                free(s->entries[bank][i].data);
            }
        }
        free(s->entries[bank]);
    }
    free(s->files);
}

static bool fw_cfg_mem_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = FW_CFG(dev);

    if (!fw_cfg_common_realize(s, errp)) {
        return false;
    }
    memory_region_init_io(&s->data_mr, &fw_cfg_mem_ops, s, "fwcfg.mem", FW_CFG_MEM_SIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->data_mr);
    return true;
}

static bool fw_cfg_io_realize(DeviceState *dev, Error **errp)
{
    FWCfgState *s = FW_CFG(dev);

    if (!fw_cfg_common_realize(s, errp)) {
        return false;
    }
    memory_region_init_io(&s->data_mr, &fw_cfg_io_ops, s, "fwcfg", 2);
    memory_region_init_io(&s->dma_mr, &fw_cfg_io_dma_ops, s, "fwcfg.dma", 8);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->data_mr);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->dma_mr);
    return true;
}

/* ---- device tree (QEMU virt: /fw-cfg@10100000) ---- */

static bool fw_cfg_mem_fdt_populate(DeviceState *dev, const DeviceFDTContext *ctx, Error **errp)
{
    static const char compat[] = "qemu,fw-cfg-mmio";
    int node = sysbus_fdt_add_node(ctx, "fw-cfg", compat, sizeof(compat), NULL, 0, errp);
    int err = node < 0 ? 0 : dt_setprop(ctx->fdt, node, "dma-coherent", NULL, 0);

    if (err) {
        error_setg(errp, "device tree node fw-cfg: %s", fdt_strerror(err));
    }
    return node >= 0 && !err;
}

/* ---- properties and types ---- */

static const Property fw_cfg_props[] = {
    DEFINE_PROP_BOOL("dma_enabled", FWCfgState, dma_enabled, true),
    DEFINE_PROP_UINT32("x-file-slots", FWCfgState, file_slots, FW_CFG_FILE_SLOTS_DEFAULT),
    DEFINE_PROP_END,
};

/* The items are the board's and the command line's (the same at load); the guest's cursor
 * is the state. A selector past the table would index outside it: refused. */
static bool fw_cfg_post_load(void *opaque, int version_id, Error **errp)
{
    FWCfgState *s = opaque;

    if (s->cur_entry != FW_CFG_INVALID &&
        (s->cur_entry & FW_CFG_ENTRY_MASK) >= fw_cfg_max_entry(s)) {
        error_setg(errp, "VM state of fw_cfg selects item 0x%x, which does not exist",
                   s->cur_entry);
        return false;
    }
    return true;
}

static const VMStateDescription vmstate_fw_cfg = {
    .name = "fw_cfg",
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = fw_cfg_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT16(cur_entry, FWCfgState),
            VMSTATE_UINT32(cur_offset, FWCfgState),
            VMSTATE_UINT64(dma_addr, FWCfgState),
            VMSTATE_END_OF_LIST(),
        },
};

static void fw_cfg_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    object_class_add_props(oc, fw_cfg_props);
    dc->reset = fw_cfg_reset;
    dc->vmsd = &vmstate_fw_cfg;
}

static void fw_cfg_mem_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "QEMU firmware configuration (MMIO)";
    dc->realize = fw_cfg_mem_realize;
    dc->fdt_populate = fw_cfg_mem_fdt_populate;
}

static void fw_cfg_io_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->desc = "QEMU firmware configuration (I/O ports)";
    dc->realize = fw_cfg_io_realize;
}

static const TypeInfo fw_cfg_types[] = {
    {
        .name = TYPE_FW_CFG,
        .parent = TYPE_SYS_BUS_DEVICE,
        .instance_size = sizeof(FWCfgState),
        .instance_finalize = fw_cfg_finalize,
        .class_init = fw_cfg_class_init,
        .abstract = true,
    },
    {.name = TYPE_FW_CFG_MEM, .parent = TYPE_FW_CFG, .class_init = fw_cfg_mem_class_init},
    {.name = TYPE_FW_CFG_IO, .parent = TYPE_FW_CFG, .class_init = fw_cfg_io_class_init},
};

static void fw_cfg_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(fw_cfg_types); i++) {
        type_register_static(&fw_cfg_types[i]);
    }
}

type_init(fw_cfg_register_types)
