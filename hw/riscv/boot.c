/*
 * Firmware, kernel, initrd and device-tree placement for RISC-V boards,
 * and the mask-ROM reset vector. The placement rules are QEMU's (so
 * OpenSBI's banner and Linux's memory layout match); the code is ours.
 * fw_dynamic_info layout: OpenSBI docs/firmware/fw_dynamic.md.
 */
#include "hw/riscv/boot.h"

#include <inttypes.h>
#include <libfdt.h>
#include <unistd.h>

#include "system/loader.h"
#include "system/rom-list.h"

/* Where Debian installs OpenSBI; QEMU's own package keeps a copy too. */
static const char *const firmware_dirs[] = {
    "/usr/lib/riscv64-linux-gnu/opensbi/generic/",
    "/usr/share/qemu/opensbi-riscv64-generic-",
};

bool riscv_find_firmware(const char *bios, char **path, Error **errp)
{
    *path = NULL;
    if (bios && !strcmp(bios, "none")) {
        return true;
    }
    if (bios && strcmp(bios, "default") != 0) {
        *path = xstrdup(bios);
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(firmware_dirs); i++) {
        char *candidate = xasprintf("%s%s", firmware_dirs[i], RISCV64_BIOS_BIN);
        if (access(candidate, R_OK) == 0) {
            *path = candidate;
            return true;
        }
        free(candidate);
    }
    error_setg(errp,
               "Unable to find the RISC-V BIOS \"%s\" (install Debian's opensbi "
               "package, or use -bios FILE or -bios none)",
               RISCV64_BIOS_BIN);
    return false;
}

/* ELF by its own addresses, anything else as a raw image at addr. */
static bool load_elf_or_raw(const char *path, hwaddr addr, uint64_t max_size, uint64_t *entry,
                            hwaddr *end, Error **errp)
{
    uint64_t size;

    if (get_image_size(path) < 0) {
        error_setg(errp, "%s: cannot open (missing or not a regular file)", path);
        return false;
    }
    if (elf_is_elf(path)) {
        return load_elf(path, address_space_memory(), entry, NULL, end, errp);
    }
    if (!load_image_targphys(path, addr, max_size, address_space_memory(), &size, errp)) {
        return false;
    }
    *entry = addr;
    *end = addr + size;
    return true;
}

bool riscv_load_firmware(const char *path, hwaddr addr, uint64_t max_size, hwaddr *end,
                         Error **errp)
{
    uint64_t entry;

    return load_elf_or_raw(path, addr, max_size, &entry, end, errp);
}

hwaddr riscv_calc_kernel_start_addr(hwaddr firmware_end)
{
    return ALIGN_UP(firmware_end, 2 * MiB);
}

bool riscv_load_kernel(MachineState *ms, hwaddr dram_base, hwaddr start, uint64_t *entry,
                       hwaddr *end, Error **errp)
{
    hwaddr dram_end = dram_base + ms->ram_size;

    if (start >= dram_end) {
        error_setg(errp, "%s: no room for the kernel after the firmware in %" PRIu64 " MiB of RAM",
                   ms->kernel_filename, ms->ram_size / MiB);
        return false;
    }
    /* Distributions ship the kernel gzip-compressed (Debian's vmlinuz is Image.gz). */
    if (image_is_gzip(ms->kernel_filename)) {
        uint64_t size;

        if (!load_image_gzipped_targphys(ms->kernel_filename, start, dram_end - start,
                                         address_space_memory(), &size, errp)) {
            return false;
        }
        *entry = start;
        *end = start + size;
        return true;
    }
    return load_elf_or_raw(ms->kernel_filename, start, dram_end - start, entry, end, errp);
}

static bool fdt_set_u64(void *fdt, const char *path, const char *name, uint64_t v, Error **errp)
{
    int node = fdt_path_offset(fdt, path);
    int err = node < 0 ? node : fdt_setprop_u64(fdt, node, name, v);

    if (err < 0) {
        error_setg(errp, "device tree: cannot set %s/%s: %s", path, name, fdt_strerror(err));
        return false;
    }
    return true;
}

bool riscv_load_initrd(MachineState *ms, hwaddr dram_base, uint64_t kernel_entry, hwaddr kernel_end,
                       hwaddr *end, Error **errp)
{
    /* Far enough above the kernel that its decompression and bss don't reach it. */
    hwaddr start = kernel_entry + MIN(ms->ram_size / 2, 128 * MiB);
    hwaddr dram_end = dram_base + ms->ram_size;
    uint64_t size;

    if (start < kernel_end || start >= dram_end) {
        error_setg(errp, "%s: no room for the initrd after the kernel in %" PRIu64 " MiB of RAM",
                   ms->initrd_filename, ms->ram_size / MiB);
        return false;
    }
    if (!load_image_targphys(ms->initrd_filename, start, dram_end - start, address_space_memory(),
                             &size, errp)) {
        return false;
    }
    *end = start + size;
    return fdt_set_u64(ms->fdt, "/chosen", "linux,initrd-start", start, errp) &&
           fdt_set_u64(ms->fdt, "/chosen", "linux,initrd-end", start + size, errp);
}

hwaddr riscv_compute_fdt_addr(hwaddr dram_base, uint64_t dram_size, const void *fdt)
{
    hwaddr dram_end = dram_base + dram_size;
    /* Stay below 3 GiB so 32-bit-addressing firmware can reach it, as QEMU does. */
    hwaddr top = dram_base < 3 * GiB ? MIN(dram_end, 3 * GiB) : dram_end;

    return ALIGN_DOWN(top - fdt_totalsize(fdt), 2 * MiB);
}

bool riscv_load_fdt(void *fdt, hwaddr dram_base, uint64_t dram_size, hwaddr images_end,
                    hwaddr *addr, Error **errp)
{
    int err = fdt_pack(fdt);

    if (err < 0) {
        error_setg(errp, "device tree: %s", fdt_strerror(err));
        return false;
    }
    *addr = riscv_compute_fdt_addr(dram_base, dram_size, fdt);
    /* Everything else was loaded from the bottom of RAM up: the tree must stay clear of it. */
    if (*addr < images_end) {
        error_setg(errp,
                   "not enough RAM for the device tree: firmware, kernel and initrd end at "
                   "0x%" PRIx64 ", above its place at 0x%" PRIx64 " (%" PRIu64 " MiB of RAM)",
                   images_end, *addr, dram_size / MiB);
        return false;
    }
    if (address_space_write_rom(address_space_memory(), *addr, fdt, fdt_totalsize(fdt)) !=
        MEMTX_OK) {
        error_setg(errp, "device tree does not fit in RAM at 0x%" PRIx64, *addr);
        return false;
    }
    rom_list_add("fdt", *addr, fdt_totalsize(fdt));
    return true;
}

/* RISC-V base instruction encodings used by the reset vector. */
enum { REG_T0 = 5, REG_A0 = 10, REG_A1 = 11, REG_A2 = 12 };

static uint32_t rv_itype(uint32_t opcode, uint32_t funct3, int rd, int rs1, int32_t imm)
{
    return ((uint32_t)imm << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode;
}

/* fw_dynamic_info, version 2: six XLEN words. */
#define FW_DYNAMIC_INFO_MAGIC 0x4942534fULL /* "OSBI" */
#define FW_DYNAMIC_INFO_VERSION 2
#define FW_DYNAMIC_INFO_NEXT_MODE_S 1

void riscv_setup_rom_reset_vec(hwaddr rom_base, hwaddr start_addr, hwaddr next_addr,
                               hwaddr fdt_addr)
{
    enum { START_OFF = 0x18, FDT_OFF = 0x20, INFO_OFF = 0x28 };
    const uint32_t code[6] = {
        0x00000000 | (REG_T0 << 7) | 0x17,            /* auipc t0, 0: t0 = rom_base */
        rv_itype(0x13, 0, REG_A2, REG_T0, INFO_OFF),  /* addi a2, t0, &fw_dynamic_info */
        rv_itype(0x73, 2, REG_A0, 0, 0xf14),          /* csrr a0, mhartid */
        rv_itype(0x03, 3, REG_A1, REG_T0, FDT_OFF),   /* ld a1, fdt_addr */
        rv_itype(0x03, 3, REG_T0, REG_T0, START_OFF), /* ld t0, start_addr */
        rv_itype(0x67, 0, 0, REG_T0, 0),              /* jr t0 */
    };
    const uint64_t words[2] = {start_addr, fdt_addr};
    const uint64_t info[6] = {
        FW_DYNAMIC_INFO_MAGIC,       FW_DYNAMIC_INFO_VERSION, next_addr,
        FW_DYNAMIC_INFO_NEXT_MODE_S, 0 /* options */,         0 /* boot hart: the first one */,
    };
    uint8_t rom[INFO_OFF + sizeof(info)];

    /* Guest memory is little-endian and so is the host (see system/memory.c). */
    memcpy(rom, code, sizeof(code));
    memcpy(rom + START_OFF, words, sizeof(words));
    memcpy(rom + INFO_OFF, info, sizeof(info));
    address_space_write_rom(address_space_memory(), rom_base, rom, sizeof(rom));
    rom_list_add("mrom.reset", rom_base, INFO_OFF);
    rom_list_add("mrom.finfo", rom_base + INFO_OFF, sizeof(info));
}
