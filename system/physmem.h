/*
 * Private glue between system/memory.c and system/physmem.c: host memory
 * backing RAM and ROM regions. Not part of the public memory API.
 */
#ifndef SYSTEM_PHYSMEM_H
#define SYSTEM_PHYSMEM_H

#include "common.h"
#include "util/error.h"

/*
 * Reserve size bytes of zeroed, page-aligned host memory, in huge pages where
 * the host allows them (ROM regions take it; guest RAM is reserved without
 * them and committed by chunks: physmem.c). The pages are committed only when
 * first touched, so a large reservation costs nothing until it is used.
 * Returns NULL and sets errp on failure.
 */
void *ram_block_alloc(const char *name, uint64_t size, Error **errp);
/* Release memory returned by ram_block_alloc (size as passed to it). */
void ram_block_free(void *ptr, uint64_t size);

#endif
