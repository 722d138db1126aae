/* The list behind "info roms" (include/system/rom-list.h). */
#include "system/rom-list.h"

typedef struct RomEntry {
    char *name;
    hwaddr addr;
    uint64_t size;
} RomEntry;

static struct {
    RomEntry *entries;
    size_t n;
} rom_list;

void rom_list_add(const char *name, hwaddr addr, uint64_t size)
{
    size_t i = rom_list.n;

    /* Kept sorted by address, as QEMU lists them. */
    rom_list.entries = xrealloc(rom_list.entries, sizeof(RomEntry) * (rom_list.n + 1));
    while (i > 0 && rom_list.entries[i - 1].addr > addr) {
        rom_list.entries[i] = rom_list.entries[i - 1];
        i--;
    }
    rom_list.entries[i] = (RomEntry){xstrdup(name), addr, size};
    rom_list.n++;
}

void rom_list_foreach(void (*fn)(const char *name, hwaddr addr, uint64_t size, void *opaque),
                      void *opaque)
{
    for (size_t i = 0; i < rom_list.n; i++) {
        fn(rom_list.entries[i].name, rom_list.entries[i].addr, rom_list.entries[i].size, opaque);
    }
}
