/*
 * CFI flash with the Intel/Sharp command set (QEMU's cfi.pflash01).
 * References: JEDEC JESD68.01 (Common Flash Interface, the query table), Intel's
 * "Common Flash Interface and Command Sets" AP-646 (command set 0001); the answers
 * to each command are QEMU 7.2's, as tests/guest/pflash.c records them.
 *
 * A bank is `width` bytes wide, made of width/device_width chips side by side; a
 * command goes to all chips (0x00980098 on a 4-byte bank of two 16-bit chips) and
 * every answer but array data comes once per chip, in each chip's lane.
 *
 * Commands (the low byte of a write), and what reads return afterwards:
 *   0xff/0x00/0xf0 read array       array data
 *   0x70 read status                status: 0x80 ready, 0x10 program error, 0x20 erase error
 *   0x90 read identifier            index 0: manufacturer (id0), 1: device (id1), else 0
 *   0x98 CFI query                  the query table below, one byte per bank word
 *   0x50 clear status               status = 0, read array
 *   0x10/0x40 word program          the next write programs its bytes; then status
 *   0x20/0x28 block erase           the next write must be 0xd0 (confirm); then status
 *   0xe8/0xe9 buffered write        status; next: count-1 (chip words), then count data
 *                                   writes, then 0xd0; then status
 *   0x60 lock setup                 the next write 0x01 (lock) or 0xd0 (unlock): status
 * A wrong confirmation or an unknown command returns to read array (with a
 * guest_errors line). As QEMU: programming stores the written bytes (real flash
 * could only clear bits), lock bits are accepted but never lock, and read status
 * right after reset is 0x80.
 *
 * Index = offset / width for the query and identifier reads. Data writes reach the
 * image through the BlockBackend at once (flushed with every other drive at exit).
 */
#include "hw/block/flash.h"

#include <inttypes.h>

#include "block/block.h"
#include "migration/vmstate.h"
#include "qom/object.h"
#include "system/memory.h"
#include "util/log.h"

#define PFLASH_STATUS_READY 0x80
#define PFLASH_STATUS_ERASE_ERR 0x20
#define PFLASH_STATUS_PROGRAM_ERR 0x10

#define PFLASH_CFI_TABLE_SIZE 0x52

typedef struct PFlashCFI01 {
    SysBusDevice parent_obj;
    MemoryRegion mem;
    /* properties */
    char *drive_id;
    char *name;
    uint32_t num_blocks;
    uint64_t sector_len;
    uint32_t width;        /* bank width, bytes */
    uint32_t device_width; /* one chip's width, bytes */
    uint32_t id0, id1;
    /* the image */
    BlockBackend *blk;
    bool ro;
    uint8_t *storage; /* mem's host memory: what the harts execute */
    uint64_t size;
    /* the command state machine */
    uint8_t cmd;
    uint8_t status;
    int wcycle;       /* writes taken by the current command */
    uint32_t counter; /* buffered write: data writes left - 1 */
    uint8_t cfi_table[PFLASH_CFI_TABLE_SIZE];
} PFlashCFI01;

#define PFLASH(obj) OBJECT_CHECK(PFlashCFI01, (obj), TYPE_PFLASH_CFI01)

static unsigned log2u(uint64_t v)
{
    return v ? 63 - __builtin_clzll(v) : 0;
}

/*
 * The CFI query table of one chip (JESD68.01 section 4): "QRY", the primary
 * command set 0x0001 with its extended table at 0x31, voltages and timeouts
 * (powers of two), the geometry of one uniform erase region, then the Intel
 * extended table "PRI" version 1.0 with no optional features.
 */
static void pflash_build_cfi_table(PFlashCFI01 *s)
{
    unsigned chips = s->width / s->device_width;
    uint64_t chip_sector = s->sector_len / chips;
    uint8_t *t = s->cfi_table;
    static const uint8_t fixed[][2] = {
        {0x10, 'Q'},  {0x11, 'R'},  {0x12, 'Y'},  {0x13, 0x01}, /* command set 0001 */
        {0x15, 0x31},                                           /* its extended table */
        {0x1b, 0x45}, {0x1c, 0x55},                             /* Vcc 4.5 .. 5.5 V */
        {0x1f, 0x07}, {0x20, 0x07}, {0x21, 0x0a},               /* typical timeouts */
        {0x23, 0x04}, {0x24, 0x04}, {0x25, 0x04},               /* maximum timeouts */
        {0x28, 0x02},                                           /* x8/x16 interface */
        {0x2c, 0x01},                                           /* one erase region */
        {0x31, 'P'},  {0x32, 'R'},  {0x33, 'I'},  {0x34, '1'},
        {0x35, '0'},  {0x3f, 0x01}, /* one protection field */
    };

    memset(t, 0, PFLASH_CFI_TABLE_SIZE);
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        t[fixed[i][0]] = fixed[i][1];
    }
    t[0x27] = log2u(s->size / chips);       /* chip size: 2^n bytes */
    t[0x2a] = s->width == 1 ? 0x08 : 0x0b;  /* write buffer: 2^n bytes per chip */
    t[0x2d] = (uint8_t)(s->num_blocks - 1); /* erase blocks - 1 */
    t[0x2e] = (uint8_t)((s->num_blocks - 1) >> 8);
    t[0x2f] = (uint8_t)(chip_sector >> 8); /* block size / 256 */
    t[0x30] = (uint8_t)(chip_sector >> 16);
}

/* value (one chip's answer) in every chip's lane of a size-byte read. */
static uint32_t pflash_replicate(PFlashCFI01 *s, uint32_t value, unsigned size)
{
    uint32_t out = 0;

    for (unsigned lane = 0; lane < MAX(size / s->device_width, 1u); lane++) {
        out |= value << (lane * s->device_width * 8);
    }
    return out;
}

/* ---- writing the image ---- */

/* storage[offset, offset+len) changed: write it through and drop code translated from it. */
static void pflash_update(PFlashCFI01 *s, uint64_t offset, uint64_t len)
{
    SysBusDevice *sbd = SYS_BUS_DEVICE(s);

    if (s->blk && blk_pwrite(s->blk, offset, s->storage + offset, len) < 0) {
        log_mask(LOG_GUEST_ERROR, "%s: writing the image at 0x%" PRIx64 " failed\n", s->name,
                 offset);
    }
    if (memory_ram_write_hook && sbd->mmio[0].addr != (hwaddr)-1) {
        memory_ram_write_hook(sbd->mmio[0].addr + offset, len);
    }
}

static void pflash_program(PFlashCFI01 *s, hwaddr offset, uint64_t value, unsigned size)
{
    if (s->ro) {
        s->status |= PFLASH_STATUS_PROGRAM_ERR;
        return;
    }
    memcpy(s->storage + offset, &value, size); /* little-endian host */
    pflash_update(s, offset, size);
}

static void pflash_erase_block(PFlashCFI01 *s, hwaddr offset)
{
    uint64_t start = offset & ~(s->sector_len - 1);

    if (s->ro) {
        s->status |= PFLASH_STATUS_ERASE_ERR;
        return;
    }
    memset(s->storage + start, 0xff, s->sector_len);
    pflash_update(s, start, s->sector_len);
}

/* ---- reads ---- */

/* The answer to a bank-aligned read of the whole bank width in the current mode. */
static uint32_t pflash_query_word(PFlashCFI01 *s, hwaddr aligned)
{
    uint64_t index = aligned / s->width;
    uint32_t answer = 0;

    if (s->cmd == 0x98) {
        answer = index < PFLASH_CFI_TABLE_SIZE ? s->cfi_table[index] : 0;
    } else if ((index & 0xff) < 2) {
        answer = (index & 0xff) ? s->id1 : s->id0;
    }
    return pflash_replicate(s, answer, s->width);
}

static uint64_t pflash_read(void *opaque, hwaddr addr, unsigned size)
{
    PFlashCFI01 *s = opaque;
    uint64_t value = 0;
    hwaddr aligned;

    switch (s->cmd) {
    case 0x10:
    case 0x20:
    case 0x28:
    case 0x40:
    case 0x60:
    case 0x70:
    case 0xe8:
    case 0xe9:
        return pflash_replicate(s, s->status, size);
    case 0x90:
    case 0x98:
        aligned = addr & ~(hwaddr)(s->width - 1);
        value = pflash_query_word(s, aligned) >> ((addr - aligned) * 8);
        return size >= 4 ? value : value & ((1u << (size * 8)) - 1);
    default:
        memcpy(&value, s->storage + addr, size);
        return value;
    }
}

/* ---- writes: the command state machine ---- */

static void pflash_read_array(PFlashCFI01 *s)
{
    s->cmd = 0x00;
    s->wcycle = 0;
}

static void pflash_bad_sequence(PFlashCFI01 *s, uint8_t cmd)
{
    log_mask(LOG_GUEST_ERROR, "%s: command 0x%02x unexpected after 0x%02x (cycle %d)\n", s->name,
             cmd, s->cmd, s->wcycle);
    pflash_read_array(s);
}

/* The first write of a command. */
static void pflash_write_command(PFlashCFI01 *s, uint8_t cmd)
{
    switch (cmd) {
    case 0x00:
    case 0xf0:
    case 0xff:
        pflash_read_array(s);
        return;
    case 0x50:
        s->status = 0;
        pflash_read_array(s);
        return;
    case 0x10:
    case 0x20:
    case 0x28:
    case 0x40:
    case 0x60:
        s->wcycle = 1;
        break;
    case 0xe8:
    case 0xe9:
        s->status |= PFLASH_STATUS_READY;
        s->wcycle = 1;
        break;
    case 0x70:
    case 0x90:
    case 0x98:
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "%s: unknown command 0x%02x\n", s->name, cmd);
        pflash_read_array(s);
        return;
    }
    s->cmd = cmd;
}

/* The writes after the command byte (wcycle >= 1). */
static void pflash_write_cycle(PFlashCFI01 *s, hwaddr addr, uint64_t value, unsigned size)
{
    uint8_t cmd = value & 0xff;

    if (s->cmd == 0x10 || s->cmd == 0x40) {
        pflash_program(s, addr, value, size);
    } else if (s->cmd == 0x20 || s->cmd == 0x28) {
        if (cmd != 0xd0) {
            pflash_bad_sequence(s, cmd);
            return;
        }
        pflash_erase_block(s, addr);
    } else if (s->cmd == 0x60) {
        if (cmd != 0x01 && cmd != 0xd0) {
            pflash_bad_sequence(s, cmd);
            return;
        }
    } else if (s->wcycle == 1) { /* buffered write: the count, in one chip's words */
        s->counter = value & ((1ull << (s->device_width * 8)) - 1);
        s->wcycle = 2;
        return;
    } else if (s->wcycle == 2) { /* buffered write: data */
        pflash_program(s, addr, value, size);
        s->status |= PFLASH_STATUS_READY;
        s->wcycle += s->counter == 0;
        s->counter--;
        return;
    } else if (cmd != 0xd0) { /* buffered write: the confirmation */
        pflash_bad_sequence(s, cmd);
        return;
    }
    s->status |= PFLASH_STATUS_READY;
    s->wcycle = 0;
}

static void pflash_write(void *opaque, hwaddr addr, uint64_t value, unsigned size)
{
    PFlashCFI01 *s = opaque;

    if (s->wcycle == 0) {
        pflash_write_command(s, value & 0xff);
    } else {
        pflash_write_cycle(s, addr, value, size);
    }
}

static const MemoryRegionOps pflash_ops = {
    .read = pflash_read,
    .write = pflash_write,
    .valid = {.min_access_size = 1, .max_access_size = 8, .unaligned = true},
    .impl = {.min_access_size = 1, .max_access_size = 4},
};

/* ---- realize / reset ---- */

static bool pflash_check_geometry(PFlashCFI01 *s, Error **errp)
{
    uint64_t size = (uint64_t)s->num_blocks * s->sector_len;

    if (!s->num_blocks || !s->sector_len || (s->sector_len & (s->sector_len - 1)) ||
        s->num_blocks > 0x10000 || size > 1 * GiB) {
        error_setg(errp, "%s: num-blocks %u x sector-length %" PRIu64 " is not a flash size",
                   TYPE_PFLASH_CFI01, s->num_blocks, s->sector_len);
        return false;
    }
    if ((s->width != 1 && s->width != 2 && s->width != 4) || !s->device_width ||
        s->device_width > s->width || s->width % s->device_width) {
        error_setg(errp, "%s: width %u with device-width %u is not supported", TYPE_PFLASH_CFI01,
                   s->width, s->device_width);
        return false;
    }
    s->size = size;
    return true;
}

/* The drive's image, exactly the flash's size, into storage. */
static bool pflash_load_drive(PFlashCFI01 *s, Error **errp)
{
    uint64_t len;

    s->blk = blk_by_name(s->drive_id);
    if (!s->blk) {
        error_setg(errp, "drive '%s' not found", s->drive_id);
        return false;
    }
    if (!blk_attach_dev(s->blk, s, errp)) {
        s->blk = NULL;
        return false;
    }
    len = blk_getlength(s->blk);
    if (len != s->size) {
        error_setg(errp,
                   "device requires %" PRIu64 " bytes, block backend provides %" PRIu64 " bytes",
                   s->size, len);
        return false;
    }
    if (blk_pread(s->blk, 0, s->storage, s->size) < 0) {
        error_setg(errp, "can't read block backend '%s'", s->drive_id);
        return false;
    }
    s->ro = blk_is_read_only(s->blk);
    return true;
}

static bool pflash_realize(DeviceState *dev, Error **errp)
{
    PFlashCFI01 *s = PFLASH(dev);

    if (!pflash_check_geometry(s, errp)) {
        return false;
    }
    if (!s->name) {
        s->name = xstrdup(TYPE_PFLASH_CFI01);
    }
    if (!memory_region_init_rom_device(&s->mem, &pflash_ops, s, s->name, s->size, errp)) {
        return false;
    }
    s->storage = memory_region_get_ram_ptr(&s->mem);
    if (s->drive_id && !pflash_load_drive(s, errp)) {
        return false;
    }
    pflash_build_cfi_table(s);
    sysbus_init_mmio(SYS_BUS_DEVICE(dev), &s->mem);
    return true;
}

static void pflash_reset(DeviceState *dev)
{
    PFlashCFI01 *s = PFLASH(dev);

    pflash_read_array(s);
    s->status = PFLASH_STATUS_READY;
    s->counter = 0;
}

static void pflash_finalize(Object *obj)
{
    PFlashCFI01 *s = PFLASH(obj);

    if (s->blk) {
        blk_detach_dev(s->blk, s);
    }
}

DeviceState *pflash_cfi01_create(const char *name, hwaddr base, uint32_t num_blocks,
                                 uint64_t sector_len, uint32_t width, uint32_t device_width,
                                 const char *drive_id, Error **errp)
{
    DeviceState *dev = qdev_new(TYPE_PFLASH_CFI01);
    Object *obj = OBJECT(dev);

    if (!object_property_set_str(obj, "name", name, errp) ||
        !object_property_set_int(obj, "num-blocks", num_blocks, errp) ||
        !object_property_set_int(obj, "sector-length", sector_len, errp) ||
        !object_property_set_int(obj, "width", width, errp) ||
        !object_property_set_int(obj, "device-width", device_width, errp) ||
        (drive_id && !object_property_set_str(obj, "drive", drive_id, errp)) ||
        !qdev_realize_and_unref(dev, errp)) {
        return NULL;
    }
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);
    return dev;
}

/* ---- properties and type ---- */

static const Property pflash_props[] = {
    DEFINE_PROP_STRING("drive", PFlashCFI01, drive_id),
    DEFINE_PROP_STRING("name", PFlashCFI01, name),
    DEFINE_PROP_UINT32("num-blocks", PFlashCFI01, num_blocks, 0),
    DEFINE_PROP_SIZE("sector-length", PFlashCFI01, sector_len, 0),
    DEFINE_PROP_UINT32("width", PFlashCFI01, width, 4),
    DEFINE_PROP_UINT32("device-width", PFlashCFI01, device_width, 2),
    /* Intel's manufacturer code and QEMU's device code. */
    DEFINE_PROP_UINT32("id0", PFlashCFI01, id0, 0x89),
    DEFINE_PROP_UINT32("id1", PFlashCFI01, id1, 0x18),
    DEFINE_PROP_END,
};

/* The command state machine; the array's bytes are a ROM region, saved with the RAM. */
static const VMStateDescription vmstate_pflash = {
    .name = "pflash_cfi01",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8(cmd, PFlashCFI01),
            VMSTATE_UINT8(status, PFlashCFI01),
            VMSTATE_INT32(wcycle, PFlashCFI01),
            VMSTATE_UINT32(counter, PFlashCFI01),
            VMSTATE_END_OF_LIST(),
        },
};

static void pflash_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->vmsd = &vmstate_pflash;
    object_class_add_props(oc, pflash_props);
    dc->desc = "CFI parallel flash, Intel command set";
    dc->realize = pflash_realize;
    dc->reset = pflash_reset;
}

static const TypeInfo pflash_info = {
    .name = TYPE_PFLASH_CFI01,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(PFlashCFI01),
    .instance_finalize = pflash_finalize,
    .class_init = pflash_class_init,
};

static void pflash_register_types(void)
{
    type_register_static(&pflash_info);
}

type_init(pflash_register_types)
