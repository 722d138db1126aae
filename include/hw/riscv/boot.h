/*
 * Booting a RISC-V board the way QEMU does, so the same firmware and kernels
 * run unchanged: firmware at the start of DRAM, the kernel at the next 2 MiB
 * boundary, the initrd and the FDT high in RAM, and a reset vector in the
 * mask ROM that jumps to the firmware with a0 = hartid, a1 = FDT address,
 * a2 = the fw_dynamic_info block OpenSBI's fw_dynamic reads.
 * All functions report configuration errors through errp.
 */
#ifndef HW_RISCV_BOOT_H
#define HW_RISCV_BOOT_H

#include "hw/core/boards.h"

/* The firmware Debian's opensbi package installs (QEMU's "-bios default" for rv64 virt). */
#define RISCV64_BIOS_BIN "fw_dynamic.bin"

/*
 * Resolve -bios: NULL/"default" → the Debian OpenSBI path (error if not installed),
 * "none" → *path = NULL, anything else → that file. *path is malloc'd.
 */
bool riscv_find_firmware(const char *bios, char **path, Error **errp) WARN_UNUSED_RESULT;
/* Load firmware (ELF by its addresses, else raw at addr); *end = one past the last byte. */
bool riscv_load_firmware(const char *path, hwaddr addr, uint64_t max_size, hwaddr *end,
                         Error **errp) WARN_UNUSED_RESULT;
/* RV64: the kernel goes at the first 2 MiB boundary at or after the firmware's end. */
hwaddr riscv_calc_kernel_start_addr(hwaddr firmware_end);
/*
 * Load -kernel (ELF by its addresses, else raw at start) into the RAM at dram_base;
 * *entry = where to jump, *end = one past the last byte loaded.
 */
bool riscv_load_kernel(MachineState *ms, hwaddr dram_base, hwaddr start, uint64_t *entry,
                       hwaddr *end, Error **errp) WARN_UNUSED_RESULT;
/*
 * Load -initrd above the kernel (which ends at kernel_end) and record it in /chosen of
 * ms->fdt; *end = one past its last byte. Fails if it would overlap the kernel or RAM's end.
 */
bool riscv_load_initrd(MachineState *ms, hwaddr dram_base, uint64_t kernel_entry, hwaddr kernel_end,
                       hwaddr *end, Error **errp) WARN_UNUSED_RESULT;
/* Where the FDT goes: 2 MiB-aligned, just below the end of RAM (or of the first 3 GiB). */
hwaddr riscv_compute_fdt_addr(hwaddr dram_base, uint64_t dram_size, const void *fdt);
/*
 * Pack the FDT and copy it into RAM at riscv_compute_fdt_addr(); *addr = where it went.
 * Fails if that place is below images_end (the end of the firmware, kernel and initrd loaded
 * from the bottom of RAM up): RAM is too small for all of them.
 */
bool riscv_load_fdt(void *fdt, hwaddr dram_base, uint64_t dram_size, hwaddr images_end,
                    hwaddr *addr, Error **errp) WARN_UNUSED_RESULT;
/*
 * Write the reset vector and fw_dynamic_info into the mask ROM at rom_base:
 * every hart starts there and jumps to start_addr (the firmware);
 * next_addr (the kernel entry, or 0) is what OpenSBI enters in S-mode.
 */
void riscv_setup_rom_reset_vec(hwaddr rom_base, hwaddr start_addr, hwaddr next_addr,
                               hwaddr fdt_addr);

#endif
