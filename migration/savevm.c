/*
 * The machine state stream (include/migration/savevm.h has the format).
 *
 * Devices are found by walking the composition tree under the machine, so a
 * device is identified by its QOM path: the same command line builds the
 * same tree, and a snapshot taken with another configuration is refused
 * (a section for a path that does not exist, or a device with no section).
 *
 * Loading runs in two passes over the same bytes: the first checks every
 * section without writing, the second writes the fields of every device,
 * then the RAM and clock, and only then runs the post_load hooks, in tree
 * order, so a hook sees the whole machine restored (a transport recomputing
 * its interrupt from its backend's ISR, say).
 */
#include "migration/savevm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "accel/tcg/tb.h"
#include "hw/core/cpu.h"
#include "hw/core/qdev.h"
#include "system/memory.h"
#include "util/timer.h"

#define DIV_ROUND_UP_U64(n, d) (((n) + (d)-1) / (d))

enum { SECTION_END = 0, SECTION_DEVICE = 1, SECTION_RAM = 2 };

/*
 * The stream's checksum: four multiply-xor lanes over 64-bit words, then the tail. It
 * detects damage to the stored state (any changed byte), not forgery (the image is the
 * user's). Chosen over zlib's CRC-32 for speed: 3 ms instead of 64 ms for the 18 MiB state
 * of a booted 512 MiB guest (perf, loadvm).
 */
uint64_t savevm_checksum(const uint8_t *buf, size_t len)
{
    const uint64_t k = UINT64_C(0x9e3779b97f4a7c15);
    uint64_t h[4] = {1, 2, 3, 4}, w;
    size_t i = 0;

    for (; i + 32 <= len; i += 32) {
        for (int l = 0; l < 4; l++) {
            memcpy(&w, buf + i + 8 * l, 8);
            h[l] = (h[l] ^ w) * k;
            h[l] ^= h[l] >> 29;
        }
    }
    for (; i < len; i++) {
        h[0] = (h[0] ^ buf[i]) * k;
    }
    return (h[0] ^ h[1] * 3 ^ h[2] * 5 ^ h[3] * 7 ^ len) * k;
}

/* ---- Walking the machine ---- */

typedef void DeviceVisitFn(DeviceState *dev, const VMStateDescription *vmsd, void *opaque);

typedef struct DeviceWalk {
    DeviceVisitFn *fn;
    void *opaque;
} DeviceWalk;

/* Parents before children, children in the order they were added. */
static void walk_device(Object *obj, void *opaque)
{
    DeviceWalk *w = opaque;
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->realized && DEVICE_GET_CLASS(dev)->vmsd) {
        w->fn(dev, DEVICE_GET_CLASS(dev)->vmsd, w->opaque);
    }
    object_child_foreach(obj, walk_device, w);
}

static void foreach_device(Object *machine, DeviceVisitFn *fn, void *opaque)
{
    DeviceWalk w = {fn, opaque};

    walk_device(machine, &w);
}

/* Each RAM or ROM region mapped in system memory, once. */
static int ram_regions(MemoryRegion **out, int max)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    int n = 0;

    for (unsigned i = 0; i < view->nr; i++) {
        MemoryRegion *mr = view->ranges[i].mr;
        bool seen = false;

        for (int j = 0; j < n; j++) {
            seen |= out[j] == mr;
        }
        if (memory_region_is_ram(mr) && mr->ram_ptr && !seen && n < max) {
            out[n++] = mr;
        }
    }
    return n;
}
#define MAX_RAM_REGIONS 32

/* ---- Saving ---- */

static void put_string(VMStateOut *o, const char *s)
{
    size_t n = MIN(strlen(s), UINT16_MAX);

    vms_put_be16(o, n);
    vms_put_bytes(o, s, n);
}

static void find_unmigratable(DeviceState *dev, const VMStateDescription *vmsd, void *opaque)
{
    DeviceState **found = opaque;

    if (vmsd->unmigratable && !*found) {
        *found = dev;
    }
}

bool savevm_state_blocked(Object *machine, Error **errp)
{
    DeviceState *found = NULL;
    char *path;

    foreach_device(machine, find_unmigratable, &found);
    if (!found) {
        return false;
    }
    path = object_get_canonical_path(OBJECT(found));
    error_setg(errp, "State blocked by non-migratable device '%s' (%s)", path,
               DEVICE_GET_CLASS(found)->vmsd->name);
    free(path);
    return true;
}

static void save_device(DeviceState *dev, const VMStateDescription *vmsd, void *opaque)
{
    VMStateOut *o = opaque;
    char *path = object_get_canonical_path(OBJECT(dev));
    size_t len_at;

    vms_put_u8(o, SECTION_DEVICE);
    put_string(o, path);
    put_string(o, vmsd->name);
    vms_put_be32(o, vmsd->version_id);
    len_at = o->len;
    vms_put_be32(o, 0);
    vmstate_save_state(o, vmsd, dev);
    for (int i = 0; i < 4; i++) {
        o->data[len_at + i] = (o->len - len_at - 4) >> (24 - 8 * i);
    }
    free(path);
}

static bool page_is_zero(const uint8_t *p)
{
    const uint64_t *w = (const uint64_t *)p;

    for (size_t i = 0; i < SAVEVM_PAGE_SIZE / 8; i += 4) {
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3]) {
            return false;
        }
    }
    return true;
}

/*
 * Which pages may hold data: reading a page the guest never touched would make the host
 * allocate it (measured: 6.4 s and the whole -m in RSS for a 512 MiB guest, most of it
 * page faults). A page that is neither mapped nor swapped out (/proc/self/pagemap) nor in
 * the page cache of a shared backing (mincore) has never been written: it reads as zero.
 * Without pagemap every page counts as possibly written.
 */
static uint8_t *ram_touched_pages(MemoryRegion *mr, uint64_t pages)
{
    uint64_t host_page = (uint64_t)sysconf(_SC_PAGESIZE), *entries;
    uint64_t host_pages = DIV_ROUND_UP_U64(mr->size, host_page);
    uint8_t *touched = xmalloc(pages), *incore = xzalloc(host_pages);
    int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    size_t want = host_pages * sizeof(uint64_t);

    memset(touched, 1, pages);
    entries = xmalloc(want);
    if (fd >= 0 && host_page == SAVEVM_PAGE_SIZE &&
        pread(fd, entries, want, (uintptr_t)mr->ram_ptr / host_page * 8) == (ssize_t)want) {
        if (mincore(mr->ram_ptr, mr->size, incore) != 0) {
            memset(incore, 1, host_pages);
        }
        for (uint64_t i = 0; i < pages; i++) {
            touched[i] = (entries[i] >> 62 & 3) || (incore[i] & 1); /* present, swapped */
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    free(entries);
    free(incore);
    return touched;
}

static void save_ram(VMStateOut *o, MemoryRegion *mr)
{
    uint64_t pages = DIV_ROUND_UP_U64(mr->size, SAVEVM_PAGE_SIZE);
    size_t bitmap_len = DIV_ROUND_UP_U64(pages, 8), bitmap_at;
    uint8_t *touched = ram_touched_pages(mr, pages);

    vms_put_u8(o, SECTION_RAM);
    put_string(o, mr->name);
    vms_put_be64(o, mr->size);
    bitmap_at = o->len;
    vms_reserve(o, bitmap_len);
    memset(o->data + bitmap_at, 0, bitmap_len);
    o->len += bitmap_len;
    for (uint64_t i = 0; i < pages; i++) {
        const uint8_t *p = mr->ram_ptr + i * SAVEVM_PAGE_SIZE;
        size_t n = MIN(SAVEVM_PAGE_SIZE, mr->size - i * SAVEVM_PAGE_SIZE);

        if (!touched[i] || (n == SAVEVM_PAGE_SIZE && page_is_zero(p))) {
            continue;
        }
        o->data[bitmap_at + i / 8] |= 1u << (i % 8);
        vms_put_bytes(o, p, n);
    }
    free(touched);
}

void savevm_state_save(VMStateOut *out, Object *machine)
{
    MemoryRegion *ram[MAX_RAM_REGIONS];
    int nram = ram_regions(ram, MAX_RAM_REGIONS);

    vms_put_bytes(out, SAVEVM_MAGIC, 4);
    vms_put_be32(out, SAVEVM_STREAM_VERSION);
    vms_put_be64(out, clock_get_ns(CLOCK_VIRTUAL));
    foreach_device(machine, save_device, out);
    for (int i = 0; i < nram; i++) {
        save_ram(out, ram[i]);
    }
    vms_put_u8(out, SECTION_END);
    vms_put_be64(out, savevm_checksum(out->data, out->len));
}

/* ---- Loading ---- */

typedef struct LoadCtx {
    Object *machine;
    bool apply; /* second pass: write the state */
    MemoryRegion *ram[MAX_RAM_REGIONS];
    int nram;
    unsigned devices_seen; /* sections that named a device */
    Error **errp;
} LoadCtx;

static bool get_string(VMStateIn *in, char *buf, size_t size)
{
    uint16_t n;

    if (!vms_get_be16(in, &n) || n >= size || !vms_get_bytes(in, buf, n)) {
        return false;
    }
    buf[n] = 0;
    return true;
}

static bool load_device(LoadCtx *c, VMStateIn *in)
{
    char path[512], name[128];
    uint32_t version, len;
    const uint8_t *payload;
    DeviceState *dev;
    const VMStateDescription *vmsd;
    VMStateIn sub;

    if (!get_string(in, path, sizeof(path)) || !get_string(in, name, sizeof(name)) ||
        !vms_get_be32(in, &version) || !vms_get_be32(in, &len) ||
        !(payload = vms_get_ptr(in, len))) {
        error_setg(c->errp, "VM state is truncated (in a device section)");
        return false;
    }
    dev = (DeviceState *)object_dynamic_cast(object_resolve_path(path), TYPE_DEVICE);
    vmsd = dev ? DEVICE_GET_CLASS(dev)->vmsd : NULL;
    if (!vmsd || strcmp(vmsd->name, name)) {
        error_setg(c->errp, "VM state has a '%s' device at '%s', which this machine lacks", name,
                   path);
        return false;
    }
    sub = (VMStateIn){.data = payload, .len = len};
    if (c->apply ? !vmstate_load_fields(&sub, vmsd, dev, version, c->errp)
                 : !vmstate_check_state(&sub, vmsd, dev, version, c->errp)) {
        return false;
    }
    if (sub.pos != sub.len) {
        error_setg(c->errp, "VM state of '%s' at '%s' has %zu bytes more than its fields", name,
                   path, sub.len - sub.pos);
        return false;
    }
    c->devices_seen++;
    return true;
}

/*
 * Zero the region cheaply: a shared backing (memfd, file) gets holes punched (MADV_REMOVE
 * fails on private mappings), private anonymous pages are dropped and read back as zero.
 */
static void ram_clear(MemoryRegion *mr)
{
    size_t len = ALIGN_UP(mr->size, SAVEVM_PAGE_SIZE);

    if (madvise(mr->ram_ptr, len, MADV_REMOVE) != 0 &&
        madvise(mr->ram_ptr, len, MADV_DONTNEED) != 0) {
        memset(mr->ram_ptr, 0, mr->size);
    }
    memory_region_ram_forget_populated(mr); /* the vCPUs commit the chunks they use again */
}

/*
 * Copy the saved pages in runs; each run is populated first in one call, which costs far
 * less than a page fault per page (the loadvm benchmark's largest item before it).
 */
static void ram_copy_pages(MemoryRegion *mr, const uint8_t *bitmap, uint64_t pages,
                           const uint8_t *data)
{
    for (uint64_t i = 0; i < pages;) {
        uint64_t end = i, bytes;

        if (!(bitmap[i / 8] >> (i % 8) & 1)) {
            i += (i % 8 == 0 && !bitmap[i / 8]) ? 8 : 1;
            continue;
        }
        while (end < pages && (bitmap[end / 8] >> (end % 8) & 1)) {
            end++;
        }
        bytes = MIN(end * SAVEVM_PAGE_SIZE, mr->size) - i * SAVEVM_PAGE_SIZE;
#ifdef MADV_POPULATE_WRITE
        madvise(mr->ram_ptr + i * SAVEVM_PAGE_SIZE, ALIGN_UP(bytes, SAVEVM_PAGE_SIZE),
                MADV_POPULATE_WRITE);
#endif
        memcpy(mr->ram_ptr + i * SAVEVM_PAGE_SIZE, data, bytes);
        data += bytes;
        i = end;
    }
}

static bool load_ram(LoadCtx *c, VMStateIn *in)
{
    char name[256];
    uint64_t size, pages, present = 0;
    const uint8_t *bitmap, *data;
    MemoryRegion *mr = NULL;

    if (!get_string(in, name, sizeof(name)) || !vms_get_be64(in, &size)) {
        error_setg(c->errp, "VM state is truncated (in a RAM section)");
        return false;
    }
    for (int i = 0; i < c->nram; i++) {
        if (!strcmp(c->ram[i]->name, name)) {
            mr = c->ram[i];
        }
    }
    if (!mr || mr->size != size) {
        error_setg(c->errp, "VM state has RAM '%s' of %" PRIu64 " bytes, which this machine lacks",
                   name, size);
        return false;
    }
    pages = DIV_ROUND_UP_U64(size, SAVEVM_PAGE_SIZE);
    if (!(bitmap = vms_get_ptr(in, DIV_ROUND_UP_U64(pages, 8)))) {
        error_setg(c->errp, "VM state is truncated (in RAM '%s')", name);
        return false;
    }
    for (uint64_t i = 0; i < DIV_ROUND_UP_U64(pages, 8); i++) {
        present += __builtin_popcount(bitmap[i]);
    }
    /* Only the last page may be short, and it counts whole here: check with its real size. */
    if (!(data = vms_get_ptr(in, MIN(present * SAVEVM_PAGE_SIZE, size)))) {
        error_setg(c->errp, "VM state is truncated (in RAM '%s')", name);
        return false;
    }
    if (c->apply) {
        ram_clear(mr);
        ram_copy_pages(mr, bitmap, pages, data);
    }
    return true;
}

static bool load_sections(LoadCtx *c, VMStateIn *in)
{
    for (;;) {
        uint8_t type;

        if (!vms_get_u8(in, &type)) {
            error_setg(c->errp, "VM state is truncated (no end marker)");
            return false;
        }
        if (type == SECTION_END) {
            return true;
        }
        if (type == SECTION_DEVICE) {
            if (!load_device(c, in)) {
                return false;
            }
        } else if (type == SECTION_RAM) {
            if (!load_ram(c, in)) {
                return false;
            }
        } else {
            error_setg(c->errp, "VM state has an unknown section type %u", type);
            return false;
        }
    }
}

static void count_device(DeviceState *dev, const VMStateDescription *vmsd, void *opaque)
{
    (*(unsigned *)opaque)++;
}

typedef struct PostLoad {
    bool ok;
    Error **errp;
} PostLoad;

static void post_load_device(DeviceState *dev, const VMStateDescription *vmsd, void *opaque)
{
    PostLoad *p = opaque;

    if (p->ok && vmsd->post_load) {
        p->ok = vmsd->post_load(dev, vmsd->version_id, p->errp);
    }
}

bool savevm_state_clock(const uint8_t *buf, size_t len, int64_t *clock_ns)
{
    VMStateIn in = {.data = buf, .len = len};
    const uint8_t *magic = vms_get_ptr(&in, 4);
    uint32_t version;
    uint64_t ns;

    if (!magic || memcmp(magic, SAVEVM_MAGIC, 4) || !vms_get_be32(&in, &version) ||
        !vms_get_be64(&in, &ns)) {
        return false;
    }
    *clock_ns = (int64_t)ns;
    return true;
}

static bool check_stream(const uint8_t *buf, size_t len, int64_t *clock_ns, Error **errp)
{
    uint32_t version = 0;
    uint64_t sum = 0;

    if (len < 4 + 4 + 8 + 1 + 8 || !savevm_state_clock(buf, len, clock_ns)) {
        error_setg(errp, "VM state is not in Kestrel's format (bad magic or too short)");
        return false;
    }
    version = (uint32_t)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7];
    if (version != SAVEVM_STREAM_VERSION) {
        error_setg(errp, "VM state has stream version %u; this build reads version %d", version,
                   SAVEVM_STREAM_VERSION);
        return false;
    }
    for (int i = 0; i < 8; i++) {
        sum = sum << 8 | buf[len - 8 + i];
    }
    if (sum != savevm_checksum(buf, len - 8)) {
        error_setg(errp, "VM state is corrupt (checksum mismatch)");
        return false;
    }
    return true;
}

static bool load_pass(LoadCtx *c, const uint8_t *buf, size_t len)
{
    VMStateIn in = {.data = buf, .len = len - 8, .pos = 16};
    unsigned expected = 0;

    c->devices_seen = 0;
    if (!load_sections(c, &in)) {
        return false;
    }
    foreach_device(c->machine, count_device, &expected);
    if (c->devices_seen != expected) {
        error_setg(c->errp, "VM state covers %u devices, this machine has %u", c->devices_seen,
                   expected);
        return false;
    }
    return true;
}

bool savevm_state_check(const uint8_t *buf, size_t len, Object *machine, Error **errp)
{
    LoadCtx c = {.machine = machine, .errp = errp};
    int64_t clock_ns;

    c.nram = ram_regions(c.ram, MAX_RAM_REGIONS);
    if (!check_stream(buf, len, &clock_ns, errp) || !load_pass(&c, buf, len)) {
        return false;
    }
    if (!clock_virtual_can_set()) {
        error_setg(errp, "the virtual clock cannot be restored under -icount");
        return false;
    }
    return true;
}

bool savevm_state_apply(const uint8_t *buf, size_t len, Object *machine, Error **errp)
{
    LoadCtx c = {.machine = machine, .errp = errp, .apply = true};
    PostLoad post = {.ok = true, .errp = errp};
    CPUState *cpu;
    int64_t clock_ns = 0;

    c.nram = ram_regions(c.ram, MAX_RAM_REGIONS);
    savevm_state_clock(buf, len, &clock_ns);
    if (!clock_virtual_set_ns(clock_ns)) {
        error_setg(errp, "the virtual clock cannot be restored under -icount");
        return false;
    }
    if (!load_pass(&c, buf, len)) {
        return false;
    }
    tb_flush_all();
    CPU_FOREACH (cpu) {
        tlb_flush(cpu);
    }
    foreach_device(machine, post_load_device, &post);
    return post.ok;
}

bool savevm_state_load(const uint8_t *buf, size_t len, Object *machine, Error **errp)
{
    return savevm_state_check(buf, len, machine, errp) &&
           savevm_state_apply(buf, len, machine, errp);
}
