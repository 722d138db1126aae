/*
 * Fuzzer: the ELF loader (system/loader.c, load_elf) and the Linux Image header probe, the input
 * being the file. The address space holds RAM, a ROM and a device, as a board's does.
 *
 * Checked: no crash or sanitizer report; a rejected file gives an error naming it and nothing
 * was written to guest memory (the loader validates the whole file first); an accepted file
 * wrote only into [lowaddr, highaddr), never reached the device, and its entry is reported.
 */
#include "fuzz-common.h"
#include "system/loader.h"

#define RAM_BASE 0x80000000ull
#define RAM_SIZE (1 * MiB)
#define ROM_BASE 0x1000
#define DEV_BASE 0x10000000

static struct {
    MemoryRegion root, ram, rom, dev;
    AddressSpace as;
    uint64_t writes; /* write-hook calls during this input */
    uint64_t lo, hi; /* lowest and one past the highest byte written */
} f;

static uint64_t dev_read(void *opaque, hwaddr addr, unsigned size)
{
    FUZZ_CHECK(0, "the loader read a device at 0x%llx", (unsigned long long)addr);
    return 0;
}

static void dev_write(void *opaque, hwaddr addr, uint64_t v, unsigned size)
{
    FUZZ_CHECK(0, "the loader wrote a device at 0x%llx", (unsigned long long)addr);
}

static const MemoryRegionOps dev_ops = {.read = dev_read, .write = dev_write};

static void record_write(hwaddr addr, uint64_t len)
{
    f.writes++;
    f.lo = MIN(f.lo, addr);
    f.hi = MAX(f.hi, addr + len);
}

static void setup_once(void)
{
    memory_region_init(&f.root, "root", UINT64_MAX);
    FUZZ_CHECK(memory_region_init_ram(&f.ram, "ram", RAM_SIZE, NULL), "ram");
    FUZZ_CHECK(memory_region_init_rom(&f.rom, "rom", 0x1000, NULL), "rom");
    memory_region_init_io(&f.dev, &dev_ops, NULL, "dev", 0x1000);
    memory_region_add_subregion(&f.root, RAM_BASE, &f.ram);
    memory_region_add_subregion(&f.root, ROM_BASE, &f.rom);
    memory_region_add_subregion(&f.root, DEV_BASE, &f.dev);
    address_space_init(&f.as, &f.root, "fuzz");
    memory_ram_write_hook = record_write;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    const char *path = fuzz_file(data, size);
    uint64_t entry = 0, low = 0, high = 0, text_offset, image_size;
    Error *err = NULL;

    if (!ready) {
        setup_once();
        ready = true;
    }
    f.writes = 0;
    f.lo = UINT64_MAX;
    f.hi = 0;
    riscv_image_header(path, &text_offset, &image_size);
    if (!elf_is_elf(path)) {
        return 0;
    }
    if (!load_elf(path, &f.as, &entry, &low, &high, &err)) {
        FUZZ_CHECK(err && strstr(error_get_pretty(err), path), "rejected without a message");
        FUZZ_CHECK(f.writes == 0, "a rejected file wrote %llu times", (unsigned long long)f.writes);
        error_free(err);
        return 0;
    }
    if (f.writes) {
        FUZZ_CHECK(low <= f.lo && f.hi <= high, "wrote [0x%llx, 0x%llx) outside [0x%llx, 0x%llx)",
                   (unsigned long long)f.lo, (unsigned long long)f.hi, (unsigned long long)low,
                   (unsigned long long)high);
    }
    return 0;
}
