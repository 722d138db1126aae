/*
 * fw_cfg: QEMU's firmware configuration device (QEMU docs/specs/fw_cfg.rst).
 * Firmware selects a 16-bit item key and reads the item's bytes, through
 * registers or a DMA interface; named items ("files") are listed in a
 * directory item. Two front ends share one core:
 *   fw_cfg_mem (ARM/RISC-V virt): region 0 = 0x18 bytes: data (+0, 1..8-byte
 *     reads), selector (+8, 16-bit big-endian), DMA address (+0x10, 64-bit
 *     big-endian).
 *   fw_cfg_io (x86 PC): region 0 = ports 0x510 (selector, 16-bit little-endian)
 *     and 0x511 (data, byte reads); region 1 = the DMA address at 0x514.
 * The board maps the regions and adds its own items (FW_CFG_NB_CPUS, and on
 * x86 the FW_CFG_KERNEL_* / FW_CFG_INITRD_* / FW_CFG_CMDLINE_* items of direct
 * Linux boot); the core adds the signature, ID, UUID and the common files.
 * The device lives at /machine/fw_cfg, where -fw_cfg finds it.
 */
#ifndef HW_NVRAM_FW_CFG_H
#define HW_NVRAM_FW_CFG_H

#include "hw/core/sysbus.h"

#define TYPE_FW_CFG "fw_cfg"
#define TYPE_FW_CFG_MEM "fw_cfg_mem"
#define TYPE_FW_CFG_IO "fw_cfg_io"

/* Item keys (QEMU's numbering; x86-only ones are used by the PC board). */
enum {
    FW_CFG_SIGNATURE = 0x00,
    FW_CFG_ID = 0x01,
    FW_CFG_UUID = 0x02,
    FW_CFG_RAM_SIZE = 0x03,
    FW_CFG_NOGRAPHIC = 0x04,
    FW_CFG_NB_CPUS = 0x05,
    FW_CFG_MACHINE_ID = 0x06,
    FW_CFG_KERNEL_ADDR = 0x07,
    FW_CFG_KERNEL_SIZE = 0x08,
    FW_CFG_KERNEL_CMDLINE = 0x09,
    FW_CFG_INITRD_ADDR = 0x0a,
    FW_CFG_INITRD_SIZE = 0x0b,
    FW_CFG_BOOT_DEVICE = 0x0c,
    FW_CFG_NUMA = 0x0d,
    FW_CFG_BOOT_MENU = 0x0e,
    FW_CFG_MAX_CPUS = 0x0f,
    FW_CFG_KERNEL_ENTRY = 0x10,
    FW_CFG_KERNEL_DATA = 0x11,
    FW_CFG_INITRD_DATA = 0x12,
    FW_CFG_CMDLINE_ADDR = 0x13,
    FW_CFG_CMDLINE_SIZE = 0x14,
    FW_CFG_CMDLINE_DATA = 0x15,
    FW_CFG_SETUP_ADDR = 0x16,
    FW_CFG_SETUP_SIZE = 0x17,
    FW_CFG_SETUP_DATA = 0x18,
    FW_CFG_FILE_DIR = 0x19,
    FW_CFG_FILE_FIRST = 0x20,
};

/* Selector bits above the key: the write channel (ignored) and the arch-local bank. */
#define FW_CFG_WRITE_CHANNEL 0x4000
#define FW_CFG_ARCH_LOCAL 0x8000
#define FW_CFG_ENTRY_MASK 0x3fff

/* The ID item's bits. */
#define FW_CFG_VERSION 0x01
#define FW_CFG_VERSION_DMA 0x02

/* DMA control bits (FWCfgDmaAccess.control, big-endian in guest memory). */
#define FW_CFG_DMA_CTL_ERROR 0x01
#define FW_CFG_DMA_CTL_READ 0x02
#define FW_CFG_DMA_CTL_SKIP 0x04
#define FW_CFG_DMA_CTL_SELECT 0x08
#define FW_CFG_DMA_CTL_WRITE 0x10
/* "QEMU CFG", what the DMA address register reads as (big-endian). */
#define FW_CFG_DMA_SIGNATURE 0x51454d5520434647ULL

/* A directory entry's name field: 55 characters and the NUL. */
#define FW_CFG_MAX_FILE_PATH 56
/* File slots unless the "x-file-slots" property says otherwise (QEMU's default). */
#define FW_CFG_FILE_SLOTS_DEFAULT 0x20
/* The largest item: its length is a 32-bit field of the directory and of DMA. */
#define FW_CFG_MAX_ITEM_SIZE UINT32_MAX

#define FW_CFG_MEM_SIZE 0x18
#define FW_CFG_IO_BASE 0x510
#define FW_CFG_IO_DMA_BASE 0x514

typedef struct FWCfgState FWCfgState;

#define FW_CFG(obj) OBJECT_CHECK(FWCfgState, (obj), TYPE_FW_CFG)

/* Called after a DMA write changed [offset, offset+len) of a writable item's data. */
typedef void FWCfgWriteCallback(void *opaque, uint32_t offset, uint32_t len);

/*
 * Set item key (FW_CFG_ARCH_LOCAL may be or'ed in) to len bytes at data, which fw_cfg takes
 * over (it frees it; NULL with len 0 is an empty item). A key at or above FW_CFG_FILE_FIRST
 * or outside the mask is a bug (asserted): files go through fw_cfg_add_file.
 */
void fw_cfg_add_bytes(FWCfgState *s, uint16_t key, void *data, size_t len);
/* Numbers, stored little-endian as QEMU does. */
void fw_cfg_add_i16(FWCfgState *s, uint16_t key, uint16_t value);
void fw_cfg_add_i32(FWCfgState *s, uint16_t key, uint32_t value);
void fw_cfg_add_i64(FWCfgState *s, uint16_t key, uint64_t value);
/* A string item with its NUL, as QEMU stores them. */
void fw_cfg_add_string(FWCfgState *s, uint16_t key, const char *value);

/*
 * Add the file `name` with len bytes at data (fw_cfg takes the buffer over, also on
 * failure). The directory stays sorted by name, so keys move as files arrive. Fails on a
 * duplicate name ("duplicate fw_cfg file name: NAME"), a name of more than 55 characters,
 * len > FW_CFG_MAX_ITEM_SIZE, or when the file slots are full.
 */
bool fw_cfg_add_file(FWCfgState *s, const char *name, void *data, size_t len,
                     Error **errp) WARN_UNUSED_RESULT;
/* The same for a file the guest may write by DMA (ramfb's "etc/ramfb"): the data stays in
 * place, and write_cb (may be NULL) hears of each write. */
bool fw_cfg_add_file_writable(FWCfgState *s, const char *name, void *data, size_t len,
                              FWCfgWriteCallback *write_cb, void *opaque,
                              Error **errp) WARN_UNUSED_RESULT;

/* Replace the data of the existing file `name` (QEMU's fw_cfg_modify_file; the board's
 * "bootorder"): the buffer is taken over, also on failure (no such file, too large). */
bool fw_cfg_modify_file(FWCfgState *s, const char *name, void *data, size_t len,
                        Error **errp) WARN_UNUSED_RESULT;

/* The whole of the host file path into *data (xmalloc'ed, NULL when empty) and *len; a
 * file beyond FW_CFG_MAX_ITEM_SIZE is refused before anything is read. */
bool fw_cfg_load_file(const char *path, uint8_t **data, size_t *len,
                      Error **errp) WARN_UNUSED_RESULT;

/* FW_CFG_UUID from a checked -uuid string: its 16 bytes in the order written. */
void fw_cfg_set_uuid(FWCfgState *s, const char *uuid);

/*
 * -boot's firmware settings (a string the option parser checked): menu=on|off as
 * FW_CFG_BOOT_MENU, splash-time=MS as "etc/boot-menu-wait" (16-bit), reboot-timeout=MS as
 * "etc/boot-fail-wait" (32-bit, -1: never reboot); what SeaBIOS reads for its boot menu.
 */
void fw_cfg_set_boot_options(FWCfgState *s, const char *boot);

/* The machine's fw_cfg device (/machine/fw_cfg), or NULL if the board has none. */
FWCfgState *fw_cfg_find(void);

/*
 * -fw_cfg [name=]NAME,file=PATH|string=STR with QEMU's checks: a name and exactly one of
 * file and string, the name at most 55 characters (a warning unless it starts with "opt/"),
 * the file readable and at most FW_CFG_MAX_ITEM_SIZE bytes, no duplicate.
 */
bool fw_cfg_add_from_opts(FWCfgState *s, const char *optstr, Error **errp) WARN_UNUSED_RESULT;

/*
 * For firmware that loads the kernel itself: the files kernel and initrd (may be NULL) as
 * FW_CFG_KERNEL_SIZE/_DATA and FW_CFG_INITRD_SIZE/_DATA, cmdline (may be NULL) as
 * FW_CFG_CMDLINE_SIZE/_DATA with its NUL. Nothing without a kernel. False + errp when a
 * file cannot be read.
 */
bool fw_cfg_add_kernel_images(FWCfgState *s, const char *kernel, const char *initrd,
                              const char *cmdline, Error **errp) WARN_UNUSED_RESULT;

#endif
