/*
 * What the loaders placed in guest memory (firmware, kernel, initrd, device
 * tree, the reset vector), listed by the monitor's "info roms" as QEMU lists
 * its ROM blobs. One machine per process, so one list (a process singleton).
 */
#ifndef SYSTEM_ROM_LIST_H
#define SYSTEM_ROM_LIST_H

#include "common.h"

/* Record an image of size bytes at guest physical addr; name is copied. */
void rom_list_add(const char *name, hwaddr addr, uint64_t size);
/* Call fn on every image, by address. */
void rom_list_foreach(void (*fn)(const char *name, hwaddr addr, uint64_t size, void *opaque),
                      void *opaque);

#endif
