/*
 * Image loaders: put firmware, kernels and initrds into guest memory.
 *
 * Contract shared by every loader:
 *  - images are written with address_space_write_rom(), so ROM is filled as
 *    well as RAM, and memory_ram_write_hook hears of every byte written;
 *  - the whole destination must be RAM or ROM: a byte landing on a device or
 *    on unassigned memory is a configuration error, detected before anything
 *    is written. One exception, for ELF: the leading file bytes of a segment at
 *    file offset 0 (the headers a linker maps in front of the first section,
 *    e.g. at 0x7ffff000 for -Ttext=0x80000000) are skipped when below memory;
 *  - errors go to errp with a message that starts with the file name
 *    ("fw.elf: not an ELF file"); malformed files never crash the emulator;
 *  - output pointers may be NULL when the caller does not need the value.
 */
#ifndef SYSTEM_LOADER_H
#define SYSTEM_LOADER_H

#include "common.h"
#include "system/memory.h"
#include "util/error.h"

#define EM_RISCV 243

/* Size of the file in bytes, or -1 if it cannot be opened or is not a regular file. */
int64_t get_image_size(const char *path);

/* Whether the file starts with the ELF magic (a board uses this to choose ELF vs raw). */
bool elf_is_elf(const char *path);

/*
 * Load an ELF64 little-endian RISC-V executable (ET_EXEC or ET_DYN): every
 * PT_LOAD segment goes to its physical address p_paddr, p_filesz bytes from
 * the file and the rest of p_memsz zero-filled. Fails if no byte lands in
 * memory or the entry point lies outside it.
 * *entry: e_entry, translated to a physical address through the segment that
 *   holds it (so a vmlinux linked at virtual addresses yields where it sits);
 * *lowaddr, *highaddr: lowest loaded address and one past the highest.
 */
bool load_elf(const char *path, AddressSpace *as, uint64_t *entry, uint64_t *lowaddr,
              uint64_t *highaddr, Error **errp) WARN_UNUSED_RESULT;

/*
 * Copy a raw image to addr. Fails if the file is missing, empty or larger
 * than max_size bytes. *size: the number of bytes loaded.
 */
bool load_image_targphys(const char *path, hwaddr addr, uint64_t max_size, AddressSpace *as,
                         uint64_t *size, Error **errp) WARN_UNUSED_RESULT;

/* Whether the file starts with the gzip magic 1f 8b (RFC 1952). */
bool image_is_gzip(const char *path);

/*
 * Decompress a gzip file (one member, as `gzip` writes Linux's Image.gz) and copy
 * the result to addr, as QEMU does for a compressed -kernel. Fails if the data
 * are corrupt or truncated, or decompress to nothing or to more than max_size
 * bytes; the whole stream is checked before any byte reaches the guest.
 * *size: the number of bytes loaded (decompressed).
 */
bool load_image_gzipped_targphys(const char *path, hwaddr addr, uint64_t max_size, AddressSpace *as,
                                 uint64_t *size, Error **errp) WARN_UNUSED_RESULT;

/*
 * The RISC-V Linux "Image" header (Documentation/arch/riscv/boot-image-header.rst):
 * magic "RISCV\0\0\0" at 0x30 and "RSC\x05" at 0x38. Returns true if path has
 * one, with *text_offset (where the image wants to sit above the start of RAM)
 * and *image_size (bytes the kernel occupies, bss included; 0 if unknown).
 */
bool riscv_image_header(const char *path, uint64_t *text_offset, uint64_t *image_size);

#endif
