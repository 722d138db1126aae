/*
 * -kernel/-initrd/-append on the PC, as QEMU's x86_load_linux for a bzImage: the kernel is
 * not placed in RAM here. Its real-mode setup part (with the setup header filled in), the
 * protected-mode part, the command line and the initrd go into fw_cfg with the addresses
 * they belong at; SeaBIOS runs the linuxboot_dma option ROM (from Debian's qemu-system-data,
 * as QEMU ships it) first, which copies them there and jumps to the setup code.
 * Reference: the kernel's Documentation/x86/boot.rst ("The Real-Mode Kernel Header").
 *
 * Layout (protocol 2.02+ with LOADED_HIGH, what every bzImage is):
 *   0x10000   setup (boot sector + setup_sects * 512 bytes), its heap up to the command line
 *   0x20000   the command line
 *   0x100000  the protected-mode kernel
 *   initrd    at the top of RAM below 4 GiB and below the kernel's initrd_addr_max, leaving
 *             the ACPI tables' room (PC_ACPI_DATA_SIZE) free, aligned down to 4 KiB
 */
#include <inttypes.h>
#include <stdlib.h>

#include "hw/i386/x86-boot.h"

/* Setup header fields: offsets into the bzImage file. */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_VID_MODE 0x1fa
#define HDR_MAGIC 0x202 /* "HdrS" */
#define HDR_VERSION 0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS 0x211
#define HDR_RAMDISK_IMAGE 0x218
#define HDR_RAMDISK_SIZE 0x21c
#define HDR_HEAP_END_PTR 0x224
#define HDR_CMD_LINE_PTR 0x228
#define HDR_INITRD_ADDR_MAX 0x22c
#define HDR_CMDLINE_SIZE 0x238
#define HDR_INIT_SIZE 0x260
#define HDR_END 0x264 /* the fields read here all lie before this */

#define LOADFLAG_LOADED_HIGH 0x01
#define LOADFLAG_CAN_USE_HEAP 0x80
#define LOADER_TYPE_QEMU 0xb0 /* "undefined" loader, version 0: what QEMU writes */
#define BOOT_PROTOCOL_MIN 0x206

#define LINUX_SETUP_ADDR 0x10000
#define LINUX_CMDLINE_ADDR 0x20000
#define LINUX_KERNEL_ADDR 0x100000
/* RAM below 4 GiB kept clear of the initrd for the ACPI tables the BIOS copies there. */
#define PC_ACPI_DATA_SIZE (0x20000 + 0x8000)

#define LINUXBOOT_ROM "linuxboot_dma.bin"
#define LINUXBOOT_DIR "/usr/share/qemu/"

static uint8_t *memdup(const void *p, size_t len)
{
    return memcpy(xmalloc(len), p, len);
}

static uint32_t ld16(const uint8_t *p)
{
    return p[0] | p[1] << 8;
}

static uint32_t ld32(const uint8_t *p)
{
    return ld16(p) | ld16(p + 2) << 16;
}

static void st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void st32(uint8_t *p, uint32_t v)
{
    st16(p, v);
    st16(p + 2, v >> 16);
}

/* The header's checks; the setup part's size in *setup_size. */
static bool linux_check_header(const char *path, const uint8_t *k, size_t len, size_t *setup_size,
                               Error **errp)
{
    uint32_t version;

    if (len < HDR_END || memcmp(k + HDR_MAGIC, "HdrS", 4)) {
        error_setg(errp, "-kernel %s: not a Linux bzImage (no \"HdrS\" setup header)", path);
        return false;
    }
    version = ld16(k + HDR_VERSION);
    if (version < BOOT_PROTOCOL_MIN) {
        error_setg(errp,
                   "-kernel %s: Linux boot protocol %u.%02u is too old (2.06 or later "
                   "is needed)",
                   path, version >> 8, version & 0xff);
        return false;
    }
    if (!(k[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH)) {
        error_setg(errp, "-kernel %s: a zImage (loaded below 1 MiB), not a bzImage", path);
        return false;
    }
    /* setup_sects 0 means 4, as in the oldest kernels; plus the boot sector. */
    *setup_size = ((k[HDR_SETUP_SECTS] ? k[HDR_SETUP_SECTS] : 4) + 1) * 512;
    if (*setup_size >= len) {
        error_setg(errp, "-kernel %s: invalid setup header (%zu bytes of setup in a %zu-byte file)",
                   path, *setup_size, len);
        return false;
    }
    return true;
}

/* vga= on the command line sets the video mode field, as for any boot loader. */
static void linux_set_vid_mode(uint8_t *setup, const char *cmdline)
{
    const char *vga = strstr(cmdline, "vga=");
    uint32_t mode;

    if (!vga || (vga != cmdline && vga[-1] != ' ')) {
        return;
    }
    vga += 4;
    if (!strncmp(vga, "normal", 6)) {
        mode = 0xffff;
    } else if (!strncmp(vga, "ext", 3)) {
        mode = 0xfffe;
    } else if (!strncmp(vga, "ask", 3)) {
        mode = 0xfffd;
    } else {
        mode = (uint32_t)strtoul(vga, NULL, 0);
    }
    st16(setup + HDR_VID_MODE, mode);
}

/* The initrd's address: the top of what both the kernel and RAM allow, 4 KiB aligned. */
static bool linux_place_initrd(PCMachineState *s, const uint8_t *setup, const char *path,
                               size_t len, uint32_t *addr, Error **errp)
{
    uint64_t max = ld32(setup + HDR_INITRD_ADDR_MAX);

    max = MIN(max, s->below_4g - PC_ACPI_DATA_SIZE - 1);
    if (len >= max - LINUX_KERNEL_ADDR) {
        error_setg(errp,
                   "-initrd %s: %zu bytes do not fit below 0x%" PRIx64
                   " (the kernel's initrd_addr_max and the RAM below 4 GiB): use a larger -m",
                   path, len, max + 1);
        return false;
    }
    *addr = (uint32_t)((max - len) & ~(uint64_t)4095);
    return true;
}

/* The protected-mode kernel must fit between 1 MiB and what lies above it. */
static bool linux_check_kernel_fits(const char *path, const uint8_t *setup, size_t kernel_size,
                                    uint64_t limit, Error **errp)
{
    uint64_t need = MAX((uint64_t)kernel_size, (uint64_t)ld32(setup + HDR_INIT_SIZE));

    if (LINUX_KERNEL_ADDR + need > limit) {
        error_setg(errp,
                   "-kernel %s: the kernel needs 0x%" PRIx64 " bytes from 1 MiB, but "
                   "RAM for it ends at 0x%" PRIx64 ": use a larger -m",
                   path, need, limit);
        return false;
    }
    return true;
}

static bool linux_add_initrd(PCMachineState *s, FWCfgState *fw_cfg, uint8_t *setup,
                             uint64_t *kernel_limit, Error **errp)
{
    const char *path = MACHINE(s)->initrd_filename;
    uint8_t *data;
    size_t len;
    uint32_t addr;

    if (!fw_cfg_load_file(path, &data, &len, errp)) {
        error_prepend(errp, "-initrd: ");
        return false;
    }
    if (!linux_place_initrd(s, setup, path, len, &addr, errp)) {
        free(data);
        return false;
    }
    st32(setup + HDR_RAMDISK_IMAGE, addr);
    st32(setup + HDR_RAMDISK_SIZE, (uint32_t)len);
    fw_cfg_add_i32(fw_cfg, FW_CFG_INITRD_ADDR, addr);
    fw_cfg_add_i32(fw_cfg, FW_CFG_INITRD_SIZE, (uint32_t)len);
    fw_cfg_add_bytes(fw_cfg, FW_CFG_INITRD_DATA, data, len);
    *kernel_limit = addr;
    return true;
}

static bool linux_add_cmdline(const char *path, FWCfgState *fw_cfg, uint8_t *setup,
                              const char *cmdline, Error **errp)
{
    size_t len = strlen(cmdline);
    uint32_t max = ld32(setup + HDR_CMDLINE_SIZE);

    if (len > max) {
        error_setg(errp,
                   "-append: the command line has %zu characters, the kernel %s accepts "
                   "at most %u",
                   len, path, max);
        return false;
    }
    linux_set_vid_mode(setup, cmdline);
    st32(setup + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    fw_cfg_add_i32(fw_cfg, FW_CFG_CMDLINE_ADDR, LINUX_CMDLINE_ADDR);
    fw_cfg_add_i32(fw_cfg, FW_CFG_CMDLINE_SIZE, (uint32_t)len + 1);
    fw_cfg_add_string(fw_cfg, FW_CFG_CMDLINE_DATA, cmdline);
    return true;
}

/* genroms/linuxboot_dma.bin (pc-boot.c's "bootorder" names it, at QEMU's bootindex 0). */
static bool linux_add_option_rom(FWCfgState *fw_cfg, Error **errp)
{
    uint8_t *rom;
    size_t len;

    if (!fw_cfg_load_file(LINUXBOOT_DIR LINUXBOOT_ROM, &rom, &len, errp)) {
        error_prepend(errp, "-kernel needs the linuxboot option ROM (Debian's "
                            "qemu-system-data): ");
        return false;
    }
    return fw_cfg_add_file(fw_cfg, "genroms/" LINUXBOOT_ROM, rom, len, errp);
}

bool x86_load_linux(PCMachineState *s, FWCfgState *fw_cfg, Error **errp)
{
    MachineState *ms = MACHINE(s);
    const char *path = ms->kernel_filename;
    uint64_t kernel_limit = s->below_4g - PC_ACPI_DATA_SIZE;
    uint8_t *k, *setup;
    size_t len, setup_size;

    if (!path) {
        return true;
    }
    if (!fw_cfg_load_file(path, &k, &len, errp)) {
        error_prepend(errp, "-kernel: ");
        return false;
    }
    if (!linux_check_header(path, k, len, &setup_size, errp)) {
        free(k);
        return false;
    }
    setup = memdup(k, setup_size);
    setup[HDR_TYPE_OF_LOADER] = LOADER_TYPE_QEMU;
    setup[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
    /* The heap runs from the end of setup's 64 KiB segment start to the command line. */
    st16(setup + HDR_HEAP_END_PTR, LINUX_CMDLINE_ADDR - LINUX_SETUP_ADDR - 0x200);
    if (!linux_add_cmdline(path, fw_cfg, setup, ms->kernel_cmdline ? ms->kernel_cmdline : "",
                           errp) ||
        (ms->initrd_filename && !linux_add_initrd(s, fw_cfg, setup, &kernel_limit, errp)) ||
        !linux_check_kernel_fits(path, setup, len - setup_size, kernel_limit, errp)) {
        free(setup);
        free(k);
        return false;
    }
    fw_cfg_add_i32(fw_cfg, FW_CFG_SETUP_ADDR, LINUX_SETUP_ADDR);
    fw_cfg_add_i32(fw_cfg, FW_CFG_SETUP_SIZE, (uint32_t)setup_size);
    fw_cfg_add_bytes(fw_cfg, FW_CFG_SETUP_DATA, setup, setup_size);
    fw_cfg_add_i32(fw_cfg, FW_CFG_KERNEL_ADDR, LINUX_KERNEL_ADDR);
    fw_cfg_add_i32(fw_cfg, FW_CFG_KERNEL_SIZE, (uint32_t)(len - setup_size));
    memmove(k, k + setup_size, len - setup_size);
    fw_cfg_add_bytes(fw_cfg, FW_CFG_KERNEL_DATA, k, len - setup_size);
    return linux_add_option_rom(fw_cfg, errp);
}
