/*
 * Guest physical memory: host backing for RAM and ROM regions, the system
 * memory singletons, and accesses by guest physical address through an
 * AddressSpace's FlatView (byte buffers for loaders, DMA and debuggers;
 * single loads and stores as a CPU makes them).
 *
 * The host is assumed little-endian, like the guest: RAM is copied with
 * memcpy and multi-byte values are stored in host order.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "physmem.h"
#include "system/memory.h"
#include "util/log.h"
#include "util/prefault.h"

/* ---- RAM backing ---- */

static uint64_t ram_block_map_size(uint64_t size)
{
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

    return size ? ALIGN_UP(size, page) : page;
}

static void *ram_block_map(const char *name, uint64_t size, int advice, Error **errp)
{
    uint64_t map_size = ram_block_map_size(size);

    if (map_size < size || map_size > SIZE_MAX) {
        error_setg(errp, "cannot allocate %" PRIu64 " bytes for %s", size, name);
        return NULL;
    }
    /* Anonymous pages read as zero and are committed on first touch: -m 8G is free until used. */
    void *p = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        error_setg_errno(errp, errno, "cannot allocate %" PRIu64 " bytes for %s", size, name);
        return NULL;
    }
    madvise(p, map_size, advice);
    return p;
}

void *ram_block_alloc(const char *name, uint64_t size, Error **errp)
{
    /* As QEMU: huge pages where the host allows them (fewer faults and TLB misses). */
    return ram_block_map(name, size, MADV_HUGEPAGE, errp);
}

void ram_block_free(void *ptr, uint64_t size)
{
    prefault_warm_forget(ptr, ram_block_map_size(size));
    munmap(ptr, ram_block_map_size(size));
}

/*
 * Guest RAM is committed a chunk at a time, when a vCPU first maps one of its pages
 * writable or a loader copies into it (memory_region_ram_populate): one madvise instead of
 * a page fault per 4 KiB, and without huge pages, which committed 2 MiB for a few KiB used.
 * Linux boot (scripts/bench boot), guest RAM resident / peak RSS: 2 MiB huge pages 30 /
 * 46.3 MiB; 4 KiB pages faulted one by one 21.6 / 38.0 MiB but ~10 ms more system time
 * (9,600 page faults instead of 4,100); 64 KiB chunks (the used RAM is that dense: 351 of
 * them) 21.9 / 38.5 MiB; 256 KiB chunks 22.3 / 39.1. The chunks' 4 KiB pages still cost
 * some system time: at load 2, medians of 30 alternating runs, 3-7 ms more than huge pages
 * (0.016-0.024 s against 0.023-0.027 s), but they never stall as huge pages did on the loaded
 * host (direct compaction, and the first touch of a fresh 2 MiB block in a VM).
 */
#define RAM_POPULATE_CHUNK (64 * KiB)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* Words of the populated bitmap of a region of size bytes. */
static size_t populated_words(uint64_t size)
{
    return (size + RAM_POPULATE_CHUNK * 64 - 1) / (RAM_POPULATE_CHUNK * 64);
}

static bool chunk_populated(MemoryRegion *mr, uint64_t chunk)
{
    return __atomic_load_n(&mr->ram_populated[chunk / 64], __ATOMIC_RELAXED) &
           (1ULL << (chunk % 64));
}

static size_t chunk_len(MemoryRegion *mr, uint64_t chunk)
{
    return MIN(RAM_POPULATE_CHUNK, ram_block_map_size(mr->size) - chunk * RAM_POPULATE_CHUNK);
}

/*
 * Commit chunk of mr unless that was done, and have its pages warmed off this thread
 * (prefault_warm: the first access to each page costs ~5 us more on these VM hosts). When the
 * chunk before was committed too, the guest is filling memory upwards (Linux zeroing pages,
 * unpacking its initramfs): the next chunk is committed and warmed ahead, off this thread,
 * its bit left clear, so a vCPU that maps it commits it again (no-op on committed pages).
 * Linux boot (scripts/bench boot), wall medians of 7 alternating runs: 0.330 and 0.344 s
 * before, 0.301 and 0.313 s with both, peak RSS 39.4 -> 40.0 MiB.
 */
static void populate_chunk(MemoryRegion *mr, uint64_t chunk)
{
    uint8_t *start = mr->ram_ptr + chunk * RAM_POPULATE_CHUNK;
    size_t len = chunk_len(mr, chunk);
    uint64_t next = chunk + 1;

    if (chunk_populated(mr, chunk)) {
        return;
    }
    /* Set first: two vCPUs that race both populate, which is harmless. */
    __atomic_fetch_or(&mr->ram_populated[chunk / 64], 1ULL << (chunk % 64), __ATOMIC_RELAXED);
    /* Best effort: before Linux 5.14 the pages fault in one by one as before. */
    if (madvise(start, len, MADV_POPULATE_WRITE)) {
        return;
    }
    prefault_warm(start, len);
    if (chunk && chunk_populated(mr, chunk - 1) &&
        next * RAM_POPULATE_CHUNK < ram_block_map_size(mr->size) && !chunk_populated(mr, next)) {
        prefault_commit_ahead(start + len, chunk_len(mr, next)); /* whole chunk, one follows */
    }
}

void memory_region_ram_populate(MemoryRegion *mr, uint64_t offset, uint64_t len)
{
    if (!mr->ram_populated || !len || offset >= mr->size) {
        return;
    }
    len = MIN(len, mr->size - offset);
    for (uint64_t c = offset / RAM_POPULATE_CHUNK; c <= (offset + len - 1) / RAM_POPULATE_CHUNK;
         c++) {
        populate_chunk(mr, c);
    }
}

void memory_region_ram_forget_populated(MemoryRegion *mr)
{
    if (mr->ram_populated) {
        prefault_warm_forget(mr->ram_ptr, ram_block_map_size(mr->size)); /* dropped pages */
        memset(mr->ram_populated, 0, populated_words(mr->size) * sizeof(uint64_t));
    }
}

static bool init_ram_backed(MemoryRegion *mr, MemoryRegionType type, const char *name,
                            uint64_t size, Error **errp)
{
    memory_region_init(mr, name, size);
    mr->ram_ptr = type == MR_RAM ? ram_block_map(name, size, MADV_NOHUGEPAGE, errp)
                                 : ram_block_alloc(name, size, errp);
    if (!mr->ram_ptr) {
        memory_region_destroy(mr);
        return false;
    }
    mr->type = type;
    if (type == MR_RAM) {
        mr->ram_populated = xnew0(uint64_t, populated_words(size));
    }
    return true;
}

bool memory_region_init_ram(MemoryRegion *mr, const char *name, uint64_t size, Error **errp)
{
    return init_ram_backed(mr, MR_RAM, name, size, errp);
}

bool memory_region_init_rom(MemoryRegion *mr, const char *name, uint64_t size, Error **errp)
{
    return init_ram_backed(mr, MR_ROM, name, size, errp);
}

bool memory_region_init_rom_device(MemoryRegion *mr, const MemoryRegionOps *ops, void *opaque,
                                   const char *name, uint64_t size, Error **errp)
{
    if (!init_ram_backed(mr, MR_ROM, name, size, errp)) {
        return false;
    }
    mr->ops = ops;
    mr->opaque = opaque;
    return true;
}

void memory_region_init_ram_ptr(MemoryRegion *mr, const char *name, uint64_t size, void *ptr,
                                int fd)
{
    memory_region_init(mr, name, size);
    mr->type = MR_RAM;
    mr->ram_ptr = ptr;
    mr->ram_fd = fd;
    mr->ram_external = true;
}

/* ---- Singletons ---- */

static MemoryRegion system_memory;
static AddressSpace system_address_space;
static pthread_once_t system_memory_once = PTHREAD_ONCE_INIT;
static bool system_memory_ready; /* set, with release, once both exist */

static void system_memory_create(void)
{
    /* UINT64_MAX rather than 2^64, which does not fit: the last byte is never mapped. */
    memory_region_init(&system_memory, "system", UINT64_MAX);
    address_space_init(&system_address_space, &system_memory, "memory");
    __atomic_store_n(&system_memory_ready, true, __ATOMIC_RELEASE);
}

/* Page walks and TLB fills ask for the address space at every step: after the first call a
 * load answers, without pthread_once's call through the PLT (1% of a Linux boot's vCPU time). */
static inline void system_memory_init(void)
{
    if (!__atomic_load_n(&system_memory_ready, __ATOMIC_ACQUIRE)) {
        pthread_once(&system_memory_once, system_memory_create);
    }
}

MemoryRegion *get_system_memory(void)
{
    system_memory_init();
    return &system_memory;
}

AddressSpace *address_space_memory(void)
{
    system_memory_init();
    return &system_address_space;
}

/* ---- Byte-buffer accesses ---- */

typedef enum AccessKind {
    ACCESS_READ,
    ACCESS_WRITE,     /* as the guest or a DMA device: ROM is read-only */
    ACCESS_WRITE_ROM, /* as a loader: ROM and RAM are written, devices left alone */
} AccessKind;

/* Length of the hole at addr (within len bytes): up to the next mapped range. */
static uint64_t unassigned_len(const FlatView *view, hwaddr addr, uint64_t len)
{
    for (unsigned i = 0; i < view->nr; i++) {
        if (view->ranges[i].addr > addr) {
            return MIN(len, view->ranges[i].addr - addr);
        }
    }
    return len;
}

/* The largest naturally aligned access (up to 8 bytes) at addr that fits in len. */
static unsigned natural_size(hwaddr addr, uint64_t len)
{
    unsigned size = 8;

    while (size > 1 && ((addr & (size - 1)) || size > len)) {
        size /= 2;
    }
    return size;
}

static MemTxResult io_rw(MemoryRegion *mr, hwaddr offset, uint8_t *buf, uint64_t len,
                         AccessKind kind)
{
    MemTxResult res = MEMTX_OK;

    if (kind == ACCESS_WRITE_ROM) {
        /* Images belong in memory; the loaders check the destination and report it. */
        return MEMTX_ERROR;
    }
    while (len) {
        unsigned size = natural_size(offset, len);
        uint64_t val = 0;
        MemTxResult piece;
        if (kind == ACCESS_READ) {
            piece = memory_region_dispatch_read(mr, offset, &val, size);
            memcpy(buf, &val, size);
        } else {
            memcpy(&val, buf, size);
            piece = memory_region_dispatch_write(mr, offset, val, size);
        }
        res = MAX(res, piece);
        offset += size;
        buf += size;
        len -= size;
    }
    return res;
}

static void ram_written(hwaddr addr, uint64_t len)
{
    if (memory_ram_write_hook) {
        memory_ram_write_hook(addr, len);
    }
}

static MemTxResult ram_rw(const FlatRange *r, hwaddr addr, uint8_t *buf, uint64_t len,
                          AccessKind kind)
{
    uint8_t *host = r->mr->ram_ptr + r->offset_in_region + (addr - r->addr);

    if (kind == ACCESS_READ) {
        memcpy(buf, host, len);
    } else if (kind == ACCESS_WRITE && memory_region_is_rom(r->mr)) {
        log_mask(LOG_GUEST_ERROR, "write of %" PRIu64 " bytes at 0x%" PRIx64 " to ROM %s ignored\n",
                 len, addr, r->mr->name ? r->mr->name : "anonymous");
    } else {
        memcpy(host, buf, len);
        ram_written(addr, len);
    }
    return MEMTX_OK;
}

/*
 * Walk [addr, addr+len) range by range. The result is the worst of the
 * pieces (MEMTX_* values are ordered), and every piece that can be done is.
 */
static MemTxResult address_space_rw(AddressSpace *as, hwaddr addr, uint8_t *buf, uint64_t len,
                                    AccessKind kind)
{
    const FlatView *view = address_space_get_flatview(as);
    MemTxResult res = MEMTX_OK;

    while (len) {
        const FlatRange *r = flatview_lookup(view, addr);
        uint64_t chunk;
        if (!r) {
            chunk = unassigned_len(view, addr, len);
            log_mask(LOG_GUEST_ERROR, "unassigned %s of size %" PRIu64 " at 0x%" PRIx64 "\n",
                     kind == ACCESS_READ ? "read" : "write", chunk, addr);
            if (kind == ACCESS_READ) {
                memset(buf, 0, chunk);
            }
            res = MAX(res, MEMTX_DECODE_ERROR);
        } else {
            chunk = MIN(len, r->size - (addr - r->addr));
            MemTxResult piece =
                r->mr->type == MR_IO || (memory_region_is_romd(r->mr) && kind != ACCESS_WRITE_ROM)
                    ? io_rw(r->mr, r->offset_in_region + (addr - r->addr), buf, chunk, kind)
                    : ram_rw(r, addr, buf, chunk, kind);
            res = MAX(res, piece);
        }
        addr += chunk;
        buf += chunk;
        len -= chunk;
    }
    return res;
}

MemTxResult address_space_read(AddressSpace *as, hwaddr addr, void *buf, uint64_t len)
{
    return address_space_rw(as, addr, buf, len, ACCESS_READ);
}

MemTxResult address_space_write(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len)
{
    /* The buffer is only read from on this path. */
    return address_space_rw(as, addr, (uint8_t *)buf, len, ACCESS_WRITE);
}

MemTxResult address_space_write_rom(AddressSpace *as, hwaddr addr, const void *buf, uint64_t len)
{
    return address_space_rw(as, addr, (uint8_t *)buf, len, ACCESS_WRITE_ROM);
}

/* ---- Single CPU-style accesses ---- */

static bool size_is_valid(unsigned size)
{
    return size == 1 || size == 2 || size == 4 || size == 8;
}

/* The range holding all of [addr, addr+size), or NULL if it is unmapped or straddles ranges. */
static const FlatRange *lookup_whole(AddressSpace *as, hwaddr addr, unsigned size)
{
    const FlatRange *r = flatview_lookup(address_space_get_flatview(as), addr);

    return r && r->size - (addr - r->addr) >= size ? r : NULL;
}

MemTxResult address_space_load(AddressSpace *as, hwaddr addr, unsigned size, uint64_t *val)
{
    *val = 0;
    if (!size_is_valid(size)) {
        log_mask(LOG_GUEST_ERROR, "invalid read of size %u at 0x%" PRIx64 "\n", size, addr);
        return MEMTX_DECODE_ERROR;
    }
    const FlatRange *r = lookup_whole(as, addr, size);
    if (!r) {
        /* Unmapped, or an unaligned access over a boundary: byte-wise, with its logging. */
        return address_space_read(as, addr, val, size);
    }
    hwaddr offset = r->offset_in_region + (addr - r->addr);
    if (memory_region_is_ram(r->mr) && !memory_region_is_romd(r->mr)) {
        memcpy(val, r->mr->ram_ptr + offset, size);
        return MEMTX_OK;
    }
    return memory_region_dispatch_read(r->mr, offset, val, size);
}

MemTxResult address_space_store(AddressSpace *as, hwaddr addr, unsigned size, uint64_t val)
{
    if (!size_is_valid(size)) {
        log_mask(LOG_GUEST_ERROR, "invalid write of size %u at 0x%" PRIx64 "\n", size, addr);
        return MEMTX_DECODE_ERROR;
    }
    const FlatRange *r = lookup_whole(as, addr, size);
    if (!r) {
        return address_space_write(as, addr, &val, size);
    }
    hwaddr offset = r->offset_in_region + (addr - r->addr);
    if (r->mr->type == MR_RAM) {
        memcpy(r->mr->ram_ptr + offset, &val, size);
        /* The CPU may reach here without its TLB, so translated code must hear of it too. */
        ram_written(addr, size);
        return MEMTX_OK;
    }
    return memory_region_dispatch_write(r->mr, offset, val, size);
}
