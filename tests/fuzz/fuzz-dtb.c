/*
 * Fuzzer: -dtb FILE. The input is the file; it goes through load_device_tree() and then through
 * what the virt board does with the user's tree (system/device_tree.c, hw/riscv/boot.c): set
 * /chosen/bootargs and the initrd range, choose the tree's place below the top of RAM and copy
 * it there.
 *
 * Checked: no crash or sanitizer report; a rejected file gives an error naming it; an accepted
 * tree stays a valid tree after the edits and lands inside RAM, at the address the board chose.
 */
#include <libfdt.h>

#include "fuzz-common.h"
#include "hw/riscv/boot.h"
#include "system/device_tree.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (4 * MiB)

static MemoryRegion ram;

static void edit_chosen(void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");

    if (chosen < 0) {
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    }
    if (chosen >= 0) {
        fdt_setprop_string(fdt, chosen, "bootargs", "console=ttyS0 earlycon");
        fdt_setprop_u64(fdt, chosen, "linux,initrd-start", RAM_BASE + MiB);
        fdt_setprop_u64(fdt, chosen, "linux,initrd-end", RAM_BASE + 2 * MiB);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool mapped;
    const char *path = fuzz_file(data, size);
    Error *err = NULL;
    void *fdt;
    hwaddr addr;

    if (!mapped) {
        FUZZ_CHECK(memory_region_init_ram(&ram, "ram", RAM_SIZE, NULL), "ram");
        memory_region_add_subregion(get_system_memory(), RAM_BASE, &ram);
        mapped = true;
    }
    fdt = load_device_tree(path, 64 * KiB, &err);
    if (!fdt) {
        FUZZ_CHECK(err && strstr(error_get_pretty(err), path), "rejected without a message");
        error_free(err);
        return 0;
    }
    FUZZ_CHECK(fdt_check_header(fdt) == 0, "accepted tree has a bad header");
    edit_chosen(fdt);
    addr = riscv_compute_fdt_addr(RAM_BASE, RAM_SIZE, fdt);
    if (fdt_totalsize(fdt) <= RAM_SIZE) {
        FUZZ_CHECK(addr >= RAM_BASE && addr + fdt_totalsize(fdt) <= RAM_BASE + RAM_SIZE,
                   "tree placed at 0x%llx", (unsigned long long)addr);
        if (riscv_load_fdt(fdt, RAM_BASE, RAM_SIZE, RAM_BASE, &addr, &err)) {
            FUZZ_CHECK(!memcmp((uint8_t *)memory_region_get_ram_ptr(&ram) + (addr - RAM_BASE), fdt,
                               fdt_totalsize(fdt)),
                       "tree in RAM differs");
        } else {
            error_free(err);
        }
    }
    free(fdt);
    return 0;
}
