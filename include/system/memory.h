/*
 * The memory API: a tree of MemoryRegions (RAM, ROM, MMIO, alias, container)
 * rooted in an AddressSpace, flattened into a sorted FlatView of
 * non-overlapping ranges that is looked up by binary search. The view is
 * rebuilt only when the map changes (memory_region_add_subregion and friends,
 * which run under the BQL at board creation); readers on vCPU threads load the
 * current view with address_space_get_flatview() without locking (old views
 * are kept alive until exit, so a reader never sees freed memory).
 *
 * Access rules (enforced by the core, so handlers see only what they declared):
 *  - an access whose size is outside ops->valid [min,max] or that is unaligned
 *    when !valid.unaligned -> MEMTX_DECODE_ERROR, with a -d guest_errors line;
 *  - an access larger than ops->impl.max_access_size is split into several
 *    smaller ones (little-endian order), smaller than impl.min is widened;
 *  - an access to an address with no region -> MEMTX_DECODE_ERROR with a
 *    guest_errors line; the CPU turns it into an access fault.
 *  - writes to ROM from the guest are ignored (guest_errors line).
 * All MMIO handlers run under the BQL.
 */
#ifndef SYSTEM_MEMORY_H
#define SYSTEM_MEMORY_H

#include "common.h"
#include "util/error.h"

typedef struct MemoryRegion MemoryRegion;
typedef struct AddressSpace AddressSpace;
typedef struct FlatView FlatView;

typedef enum MemTxResult {
    MEMTX_OK = 0,
    MEMTX_ERROR = 1,        /* the device rejected the access */
    MEMTX_DECODE_ERROR = 2, /* nothing there, or an access size the region does not accept */
} MemTxResult;

typedef struct MemoryRegionOps {
    /* Return the value of a size-byte access at offset addr (size in 1,2,4,8). */
    uint64_t (*read)(void *opaque, hwaddr addr, unsigned size);
    void (*write)(void *opaque, hwaddr addr, uint64_t data, unsigned size);
    struct {
        unsigned min_access_size; /* 0 means 1 */
        unsigned max_access_size; /* 0 means 4 */
        bool unaligned;           /* accept accesses not aligned to their size */
    } valid;
    struct {
        unsigned min_access_size; /* 0 means 1 */
        unsigned max_access_size; /* 0 means 4 */
        bool unaligned;           /* the handler takes an unaligned access whole (overlapping 16-bit
                                   * ports such as Bochs VBE's 0x1ce/0x1cf), not as aligned pieces */
    } impl;
} MemoryRegionOps;

typedef enum MemoryRegionType {
    MR_CONTAINER,
    MR_RAM,
    MR_ROM,
    MR_IO,
    MR_ALIAS,
} MemoryRegionType;

typedef struct MemoryRegionLink MemoryRegionLink;

struct MemoryRegion {
    MemoryRegionType type;
    char *name;
    uint64_t size;
    /* RAM/ROM: host memory backing the region (size bytes, page aligned). */
    uint8_t *ram_ptr;
    /* A shared mapping of this fd (from offset 0) backs ram_ptr, so another process can map
     * the guest's RAM (vhost-user); -1 if none. Set by memory_region_init_ram_ptr. */
    int ram_fd;
    bool ram_external; /* ram_ptr belongs to its creator (a memory backend), not to mr */
    /* Guest RAM allocated here: bit i set once chunk i (RAM_POPULATE_CHUNK bytes) was
     * populated (memory_region_ram_populate); NULL where the region does not do that. */
    uint64_t *ram_populated;
    /* MMIO */
    const MemoryRegionOps *ops;
    void *opaque;
    /* alias */
    MemoryRegion *alias;
    hwaddr alias_offset;
    /* placement in the parent container */
    MemoryRegion *container;
    hwaddr addr;
    int priority;
    bool enabled;
    /* children of a container, ordered by priority (highest first) */
    MemoryRegionLink *subregions;
    AddressSpace *as; /* set on the root region of an address space */
};

/* Initialise mr in place (it is embedded in a device state or allocated by the caller). */
void memory_region_init(MemoryRegion *mr, const char *name, uint64_t size);
/* RAM, zero-filled, with host memory allocated here. Fails on allocation failure. */
bool memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size,
                            Error **errp) WARN_UNUSED_RESULT;
/*
 * RAM over host memory the caller owns and keeps mapped for mr's lifetime (a memory
 * backend): ptr (size bytes, page aligned), and fd if that memory is a shared mapping of it
 * (else -1). Never fails.
 */
void memory_region_init_ram_ptr(MemoryRegion *mr, const char *name, uint64_t size, void *ptr,
                                int fd);
/* ROM: the guest reads it, guest writes are ignored; loaders fill it through the host pointer. */
bool memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size,
                            Error **errp) WARN_UNUSED_RESULT;
void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size);
/*
 * A ROM device (flash): host memory the harts execute from directly, while data reads
 * and writes go through ops, so the device can answer commands (status, query) and
 * update the memory itself. Loaders write it like ROM. Fails on allocation failure.
 */
bool memory_region_init_rom_device(MemoryRegion *mr, const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size,
                                   Error **errp) WARN_UNUSED_RESULT;
void memory_region_init_alias(MemoryRegion *mr, const char *name, MemoryRegion *orig, hwaddr offset,
                              uint64_t size);
/*
 * Bytes [offset, offset + len) of RAM region mr are about to be written (a vCPU maps a page
 * writable, a loader copies an image): commit the host memory of the chunks they lie in
 * (physmem.c) that were not, one call per chunk. Only a cost saving (no page fault per 4 KiB);
 * any region and range are accepted, those without such chunks ignored.
 */
void memory_region_ram_populate(MemoryRegion *mr, uint64_t offset, uint64_t len);
/* The chunk may have been dropped (loadvm zeroing the RAM): populate it again when used. */
void memory_region_ram_forget_populated(MemoryRegion *mr);
/* Free the name and RAM of mr (mr must not be mapped). */
void memory_region_destroy(MemoryRegion *mr);

/* Place subregion at offset in a container; overlaps resolved by priority (higher wins). */
void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset, MemoryRegion *subregion);
void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset, MemoryRegion *subregion,
                                         int priority);
void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion);
void memory_region_set_enabled(MemoryRegion *mr, bool enabled);

static inline bool memory_region_is_ram(const MemoryRegion *mr)
{
    return mr->type == MR_RAM || mr->type == MR_ROM;
}
static inline bool memory_region_is_rom(const MemoryRegion *mr)
{
    return mr->type == MR_ROM;
}
/* A ROM device: memory for instruction fetch, ops for data accesses. */
static inline bool memory_region_is_romd(const MemoryRegion *mr)
{
    return mr->type == MR_ROM && mr->ops;
}
static inline void *memory_region_get_ram_ptr(MemoryRegion *mr)
{
    return mr->ram_ptr;
}

/* Perform an access on an MMIO region with the size rules above (addr relative to mr). */
MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr, uint64_t *data,
                                        unsigned size);
MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                         unsigned size);

/* ---- Address spaces and flat views ---- */

/* One resolved range of a FlatView: [addr, addr+size) maps to mr at offset_in_region. */
typedef struct FlatRange {
    hwaddr addr;
    uint64_t size;
    MemoryRegion *mr; /* a terminal region: RAM, ROM or IO (aliases are resolved) */
    hwaddr offset_in_region;
} FlatRange;

struct FlatView {
    FlatRange *ranges; /* sorted by addr, non-overlapping */
    unsigned nr;
    unsigned hint; /* the range flatview_lookup found last (relaxed: any thread may set it) */
};

struct AddressSpace {
    char *name;
    MemoryRegion *root;
    FlatView *current_map; /* read with address_space_get_flatview() */
    unsigned generation;   /* bumped on every rebuild, so TLBs can notice */
};

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name);
/* Stop tracking as (its regions are untouched; views a reader may hold stay valid). */
void address_space_destroy(AddressSpace *as);
FlatView *address_space_get_flatview(AddressSpace *as);
/* The range containing addr, or NULL if unassigned. */
const FlatRange *flatview_lookup(const FlatView *view, hwaddr addr);

/*
 * Byte-granular access for loaders, DMA and debuggers: RAM is copied
 * directly, MMIO goes through the handlers in naturally sized pieces.
 * Returns MEMTX_DECODE_ERROR if any part is unassigned (what could be done is done).
 * ROM is writable through address_space_write_rom (loaders), not address_space_write.
 */
MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf, uint64_t len);
MemTxResult address_space_write(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len);
MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len);
/*
 * Set by the accelerator: called after address_space_write/_write_rom wrote
 * guest RAM at [addr, addr+len), so translated code there is dropped (DMA and
 * loaders writing over code). NULL = nobody cares.
 */
extern void (*memory_ram_write_hook)(hwaddr addr, uint64_t len);

/* One access of size 1/2/4/8, little-endian, as a CPU would make it. */
MemTxResult address_space_load(AddressSpace *as, hwaddr addr, unsigned size, uint64_t *val);
MemTxResult address_space_store(AddressSpace *as, hwaddr addr, unsigned size, uint64_t val);

/* The machine's system memory and its address space (process singletons, like QEMU's). */
MemoryRegion *get_system_memory(void);
AddressSpace *address_space_memory(void);

/* Print the flattened map (for `info mtree`-like debugging and tests). */
void address_space_dump(AddressSpace *as, FILE *out);
/* Print the region tree of as (the monitor's `info mtree`). */
void memory_region_dump_tree(AddressSpace *as, FILE *out);

#endif
