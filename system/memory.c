/*
 * The MemoryRegion tree and its flattening (include/system/memory.h):
 * containers, aliases, priorities, enable/disable; rendering an address
 * space's tree into a sorted FlatView; dispatching one MMIO access with the
 * size and alignment rules of the region's MemoryRegionOps.
 *
 * Accesses to RAM/ROM by address, and the RAM allocator, live in physmem.c.
 */
#include "system/memory.h"

#include <inttypes.h>

#include "physmem.h"
#include "util/log.h"

/* One child in a container's list, which is kept ordered by priority, highest first. */
struct MemoryRegionLink {
    MemoryRegion *mr;
    MemoryRegionLink *next;
};

void (*memory_ram_write_hook)(hwaddr addr, uint64_t len);

/*
 * Every initialised address space, so that a map change can rebuild them all:
 * an alias may make one region visible in several spaces, and there are only
 * a few spaces, so tracking which space sees which region is not worth it.
 * Changed only under the BQL.
 */
static AddressSpace **address_spaces;
static unsigned nr_address_spaces;

/*
 * Superseded views. A vCPU may still be reading one (it loaded the pointer
 * without a lock), and nothing tells us when it is done, so they are never
 * freed; keeping them here leaves them reachable for leak checkers. Map
 * changes are rare (board creation, a guest toggling a window), so this list
 * stays short.
 */
static FlatView **retired_views;
static unsigned nr_retired_views;

static const char *mr_name(const MemoryRegion *mr)
{
    return mr->name ? mr->name : "anonymous";
}

/* ---- Regions ---- */

void memory_region_init(MemoryRegion *mr, const char *name, uint64_t size)
{
    memset(mr, 0, sizeof(*mr));
    mr->type = MR_CONTAINER;
    mr->name = name ? xstrdup(name) : NULL;
    mr->size = size;
    mr->enabled = true;
    mr->ram_fd = -1;
}

void memory_region_init_io(MemoryRegion *mr, const MemoryRegionOps *ops, void *opaque,
                           const char *name, uint64_t size)
{
    memory_region_init(mr, name, size);
    mr->type = MR_IO;
    mr->ops = ops;
    mr->opaque = opaque;
}

void memory_region_init_alias(MemoryRegion *mr, const char *name, MemoryRegion *orig, hwaddr offset,
                              uint64_t size)
{
    memory_region_init(mr, name, size);
    mr->type = MR_ALIAS;
    mr->alias = orig;
    mr->alias_offset = offset;
}

void memory_region_destroy(MemoryRegion *mr)
{
    MemoryRegionLink *link = mr->subregions;

    while (link) {
        MemoryRegionLink *next = link->next;
        link->mr->container = NULL;
        free(link);
        link = next;
    }
    if (memory_region_is_ram(mr) && mr->ram_ptr && !mr->ram_external) {
        ram_block_free(mr->ram_ptr, mr->size);
    }
    free(mr->ram_populated);
    free(mr->name);
    memset(mr, 0, sizeof(*mr));
}

static void address_space_rebuild_all(void);

void memory_region_add_subregion_overlap(MemoryRegion *mr, hwaddr offset, MemoryRegion *subregion,
                                         int priority)
{
    MemoryRegionLink **pos = &mr->subregions;
    MemoryRegionLink *link = xmalloc(sizeof(*link));

    subregion->container = mr;
    subregion->addr = offset;
    subregion->priority = priority;
    /* Before every sibling of equal or lower priority: among equals, the newest wins. */
    while (*pos && (*pos)->mr->priority > priority) {
        pos = &(*pos)->next;
    }
    link->mr = subregion;
    link->next = *pos;
    *pos = link;
    address_space_rebuild_all();
}

void memory_region_add_subregion(MemoryRegion *mr, hwaddr offset, MemoryRegion *subregion)
{
    memory_region_add_subregion_overlap(mr, offset, subregion, 0);
}

void memory_region_del_subregion(MemoryRegion *mr, MemoryRegion *subregion)
{
    MemoryRegionLink **pos = &mr->subregions;

    while (*pos && (*pos)->mr != subregion) {
        pos = &(*pos)->next;
    }
    if (!*pos) {
        return;
    }
    MemoryRegionLink *link = *pos;
    *pos = link->next;
    free(link);
    subregion->container = NULL;
    address_space_rebuild_all();
}

void memory_region_set_enabled(MemoryRegion *mr, bool enabled)
{
    if (mr->enabled == enabled) {
        return;
    }
    mr->enabled = enabled;
    address_space_rebuild_all();
}

/* ---- Flattening ---- */

/*
 * Rendering works in 128-bit signed arithmetic: an alias shifts its target by
 * -alias_offset (possibly below 0) and a 2^64-byte space ends past UINT64_MAX.
 */
typedef __int128 addr128;

typedef struct FlatBuilder {
    FlatRange *ranges;
    unsigned nr, cap;
} FlatBuilder;

static addr128 range_end(const FlatRange *r)
{
    return (addr128)r->addr + r->size;
}

static void builder_insert(FlatBuilder *fb, unsigned pos, const FlatRange *r)
{
    if (fb->nr == fb->cap) {
        fb->cap = fb->cap ? fb->cap * 2 : 16;
        fb->ranges = xrealloc(fb->ranges, fb->cap * sizeof(*fb->ranges));
    }
    memmove(&fb->ranges[pos + 1], &fb->ranges[pos], (fb->nr - pos) * sizeof(*fb->ranges));
    fb->ranges[pos] = *r;
    fb->nr++;
}

/*
 * Map the parts of [lo, hi) not yet covered to the terminal region mr, which
 * starts at base. Regions are rendered highest priority first, so whatever is
 * already in the builder wins.
 */
static void builder_fill_gaps(FlatBuilder *fb, MemoryRegion *mr, addr128 base, addr128 lo,
                              addr128 hi)
{
    addr128 cur = lo;
    unsigned i = 0;

    while (i < fb->nr && range_end(&fb->ranges[i]) <= cur) {
        i++;
    }
    while (cur < hi) {
        if (i < fb->nr && fb->ranges[i].addr <= cur) {
            cur = range_end(&fb->ranges[i++]);
            continue;
        }
        addr128 gap_end = i < fb->nr ? MIN(hi, (addr128)fb->ranges[i].addr) : hi;
        FlatRange r = {
            .addr = (hwaddr)cur,
            .size = (uint64_t)(gap_end - cur),
            .mr = mr,
            .offset_in_region = (hwaddr)(cur - base),
        };
        builder_insert(fb, i++, &r);
        cur = gap_end;
    }
}

/* Render mr, placed at absolute address base, clipped to [lo, hi). */
static void render_region(FlatBuilder *fb, MemoryRegion *mr, addr128 base, addr128 lo, addr128 hi)
{
    if (!mr->enabled) {
        return;
    }
    lo = MAX(lo, base);
    hi = MIN(hi, base + (addr128)mr->size);
    if (lo >= hi) {
        return;
    }
    switch (mr->type) {
    case MR_ALIAS:
        if (mr->alias) {
            render_region(fb, mr->alias, base - (addr128)mr->alias_offset, lo, hi);
        }
        break;
    case MR_CONTAINER:
        for (MemoryRegionLink *l = mr->subregions; l; l = l->next) {
            render_region(fb, l->mr, base + (addr128)l->mr->addr, lo, hi);
        }
        break;
    default:
        builder_fill_gaps(fb, mr, base, lo, hi);
        break;
    }
}

/* Join neighbours that continue the same region, as a split overlay leaves behind. */
static void builder_merge(FlatBuilder *fb)
{
    unsigned out = 0;

    for (unsigned i = 0; i < fb->nr; i++) {
        FlatRange *prev = out ? &fb->ranges[out - 1] : NULL;
        FlatRange *r = &fb->ranges[i];
        if (prev && prev->mr == r->mr && range_end(prev) == r->addr &&
            prev->offset_in_region + prev->size == r->offset_in_region) {
            prev->size += r->size;
        } else {
            fb->ranges[out++] = *r;
        }
    }
    fb->nr = out;
}

static FlatView *generate_flatview(MemoryRegion *root)
{
    FlatBuilder fb = {0};
    FlatView *view = xzalloc(sizeof(*view));

    if (root) {
        render_region(&fb, root, 0, 0, (addr128)1 << 64);
    }
    builder_merge(&fb);
    view->ranges = fb.ranges;
    view->nr = fb.nr;
    return view;
}

static void retire_view(FlatView *view)
{
    retired_views = xrealloc(retired_views, (nr_retired_views + 1) * sizeof(*retired_views));
    retired_views[nr_retired_views++] = view;
}

static void address_space_rebuild(AddressSpace *as)
{
    FlatView *old = as->current_map;
    FlatView *view = generate_flatview(as->root);

    /* Publish the view before the generation, so whoever sees the new number sees the view. */
    __atomic_store_n(&as->current_map, view, __ATOMIC_RELEASE);
    __atomic_fetch_add(&as->generation, 1, __ATOMIC_RELEASE);
    if (old) {
        retire_view(old);
    }
}

static void address_space_rebuild_all(void)
{
    for (unsigned i = 0; i < nr_address_spaces; i++) {
        address_space_rebuild(address_spaces[i]);
    }
}

/* ---- Address spaces ---- */

void address_space_init(AddressSpace *as, MemoryRegion *root, const char *name)
{
    memset(as, 0, sizeof(*as));
    as->name = xstrdup(name);
    as->root = root;
    root->as = as;
    address_spaces = xrealloc(address_spaces, (nr_address_spaces + 1) * sizeof(*address_spaces));
    address_spaces[nr_address_spaces++] = as;
    address_space_rebuild(as);
}

void address_space_destroy(AddressSpace *as)
{
    for (unsigned i = 0; i < nr_address_spaces; i++) {
        if (address_spaces[i] == as) {
            address_spaces[i] = address_spaces[--nr_address_spaces];
            break;
        }
    }
    if (as->root && as->root->as == as) {
        as->root->as = NULL;
    }
    if (as->current_map) {
        retire_view(as->current_map);
    }
    free(as->name);
    memset(as, 0, sizeof(*as));
}

FlatView *address_space_get_flatview(AddressSpace *as)
{
    return __atomic_load_n(&as->current_map, __ATOMIC_ACQUIRE);
}

/*
 * Page walks and TLB fills look up one range (RAM) nearly every time: try the last range
 * found before bisecting (issue 7: 2% of a Linux boot's vCPU time was this lookup).
 */
const FlatRange *flatview_lookup(const FlatView *view, hwaddr addr)
{
    unsigned hint = __atomic_load_n(&view->hint, __ATOMIC_RELAXED);

    if (hint < view->nr && addr - view->ranges[hint].addr < view->ranges[hint].size) {
        return &view->ranges[hint];
    }

    unsigned lo = 0, hi = view->nr;

    /* Find the last range starting at or below addr. */
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (view->ranges[mid].addr <= addr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo == 0) {
        return NULL;
    }
    const FlatRange *r = &view->ranges[lo - 1];
    if (addr - r->addr >= r->size) {
        return NULL;
    }
    /* The view is shared and otherwise read-only: the hint is the one field written. */
    __atomic_store_n((unsigned *)&view->hint, lo - 1, __ATOMIC_RELAXED);
    return r;
}

static const char *mr_type_name(const MemoryRegion *mr)
{
    switch (mr->type) {
    case MR_RAM:
        return "ram";
    case MR_ROM:
        return "rom";
    case MR_IO:
        return "i/o";
    case MR_ALIAS:
        return "alias";
    default:
        return "container";
    }
}

void address_space_dump(AddressSpace *as, FILE *out)
{
    const FlatView *view = address_space_get_flatview(as);

    fprintf(out, "address-space: %s\n", as->name);
    for (unsigned i = 0; i < view->nr; i++) {
        const FlatRange *r = &view->ranges[i];
        fprintf(out, "  %016" PRIx64 "-%016" PRIx64 " (%s) %s", r->addr, r->addr + r->size - 1,
                mr_type_name(r->mr), mr_name(r->mr));
        if (r->offset_in_region) {
            fprintf(out, " @%016" PRIx64, r->offset_in_region);
        }
        fputc('\n', out);
    }
}

static void mr_dump_tree(const MemoryRegion *mr, hwaddr base, int depth, FILE *out)
{
    hwaddr start = base + mr->addr;

    fprintf(out, "%*s%016" PRIx64 "-%016" PRIx64 " (prio %d, %s%s): %s", depth * 2, "", start,
            start + mr->size - 1, mr->priority, mr_type_name(mr), mr->enabled ? "" : ", disabled",
            mr_name(mr));
    if (mr->type == MR_ALIAS && mr->alias) {
        fprintf(out, " @%s %016" PRIx64, mr_name(mr->alias), mr->alias_offset);
    }
    fputc('\n', out);
    for (MemoryRegionLink *l = mr->subregions; l; l = l->next) {
        mr_dump_tree(l->mr, start, depth + 1, out);
    }
}

/* QEMU's `info mtree` layout: the region tree, each child indented under its container. */
void memory_region_dump_tree(AddressSpace *as, FILE *out)
{
    fprintf(out, "address-space: %s\n", as->name);
    if (as->root) {
        mr_dump_tree(as->root, -as->root->addr, 1, out);
    }
}

/* ---- Dispatch ---- */

static bool access_is_valid(MemoryRegion *mr, hwaddr addr, unsigned size, bool is_write)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned min = ops && ops->valid.min_access_size ? ops->valid.min_access_size : 1;
    unsigned max = ops && ops->valid.max_access_size ? ops->valid.max_access_size : 4;
    bool unaligned = ops && ops->valid.unaligned;
    const char *what = is_write ? "write" : "read";

    if (size != 1 && size != 2 && size != 4 && size != 8) {
        log_mask(LOG_GUEST_ERROR, "%s: invalid %s of size %u at offset 0x%" PRIx64 "\n",
                 mr_name(mr), what, size, addr);
        return false;
    }
    if (addr >= mr->size || size > mr->size - addr) {
        log_mask(LOG_GUEST_ERROR, "%s: %s of size %u at offset 0x%" PRIx64 " is out of range\n",
                 mr_name(mr), what, size, addr);
        return false;
    }
    if (memory_region_is_ram(mr) && !memory_region_is_romd(mr)) {
        return true;
    }
    if (size < min || size > max) {
        log_mask(LOG_GUEST_ERROR,
                 "%s: invalid %s size %u at offset 0x%" PRIx64 " (accepts %u..%u)\n", mr_name(mr),
                 what, size, addr, min, max);
        return false;
    }
    if (!unaligned && (addr & (size - 1))) {
        log_mask(LOG_GUEST_ERROR, "%s: unaligned %s of size %u at offset 0x%" PRIx64 "\n",
                 mr_name(mr), what, size, addr);
        return false;
    }
    return true;
}

static uint64_t size_mask(unsigned size)
{
    return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

/*
 * The handler always sees accesses of a size within impl and aligned to it:
 * the access is covered with aligned pieces of that size, visited in
 * ascending address order (little-endian: low bytes first). A narrow read
 * takes its bytes out of the wider one. A narrow write is widened with the
 * other bytes zero rather than by read-modify-write, because reading a device
 * register can have side effects; a device that cares declares impl.min 1.
 */
static unsigned impl_access_size(const MemoryRegionOps *ops, unsigned size)
{
    unsigned min = ops->impl.min_access_size ? ops->impl.min_access_size : 1;
    unsigned max = ops->impl.max_access_size ? ops->impl.max_access_size : 4;

    return MAX(MIN(size, max), min);
}

static uint64_t io_read(MemoryRegion *mr, hwaddr addr, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned step = impl_access_size(ops, size);
    hwaddr start = ALIGN_DOWN(addr, step);
    hwaddr end = ALIGN_UP(addr + size, step);
    uint64_t val = 0;

    if (!ops->read) {
        return 0;
    }
    if (ops->impl.unaligned && step == size) {
        return ops->read(mr->opaque, addr, size) & size_mask(size);
    }
    for (hwaddr a = start; a < end; a += step) {
        uint64_t piece = ops->read(mr->opaque, a, step) & size_mask(step);
        val |= a >= addr ? piece << ((a - addr) * 8) : piece >> ((addr - a) * 8);
    }
    return val & size_mask(size);
}

static void io_write(MemoryRegion *mr, hwaddr addr, uint64_t val, unsigned size)
{
    const MemoryRegionOps *ops = mr->ops;
    unsigned step = impl_access_size(ops, size);
    hwaddr start = ALIGN_DOWN(addr, step);
    hwaddr end = ALIGN_UP(addr + size, step);

    if (!ops->write) {
        return;
    }
    val &= size_mask(size);
    if (ops->impl.unaligned && step == size) {
        ops->write(mr->opaque, addr, val, size);
        return;
    }
    for (hwaddr a = start; a < end; a += step) {
        uint64_t piece = a >= addr ? val >> ((a - addr) * 8) : val << ((addr - a) * 8);
        ops->write(mr->opaque, a, piece & size_mask(step), step);
    }
}

/* Regions that cannot take an access by themselves: their FlatRanges name the terminal. */
static bool is_terminal(MemoryRegion *mr, hwaddr addr, unsigned size, bool is_write)
{
    if (mr->type == MR_IO ? mr->ops != NULL : memory_region_is_ram(mr)) {
        return true;
    }
    log_mask(LOG_GUEST_ERROR, "%s: %s of size %u at offset 0x%" PRIx64 " on a %s region\n",
             mr_name(mr), is_write ? "write" : "read", size, addr, mr_type_name(mr));
    return false;
}

MemTxResult memory_region_dispatch_read(MemoryRegion *mr, hwaddr addr, uint64_t *data,
                                        unsigned size)
{
    *data = 0;
    if (!is_terminal(mr, addr, size, false) || !access_is_valid(mr, addr, size, false)) {
        return MEMTX_DECODE_ERROR;
    }
    if (memory_region_is_ram(mr) && !memory_region_is_romd(mr)) {
        /* Little-endian host assumed: guest memory bytes are host bytes. */
        memcpy(data, mr->ram_ptr + addr, size);
        return MEMTX_OK;
    }
    *data = io_read(mr, addr, size);
    return MEMTX_OK;
}

MemTxResult memory_region_dispatch_write(MemoryRegion *mr, hwaddr addr, uint64_t data,
                                         unsigned size)
{
    if (!is_terminal(mr, addr, size, true) || !access_is_valid(mr, addr, size, true)) {
        return MEMTX_DECODE_ERROR;
    }
    if (memory_region_is_rom(mr) && !memory_region_is_romd(mr)) {
        log_mask(LOG_GUEST_ERROR, "%s: write of size %u at offset 0x%" PRIx64 " to ROM ignored\n",
                 mr_name(mr), size, addr);
        return MEMTX_OK;
    }
    if (mr->type == MR_RAM) {
        memcpy(mr->ram_ptr + addr, &data, size);
        return MEMTX_OK;
    }
    io_write(mr, addr, data, size);
    return MEMTX_OK;
}
