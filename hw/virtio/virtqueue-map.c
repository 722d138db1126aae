/*
 * Mapping a virtqueue element's buffers into host memory (include/hw/virtio/virtio.h),
 * for device I/O that runs outside the BQL: the block workers read and write guest
 * RAM through these iovecs directly, with no bounce copy. Only RAM maps (writable RAM
 * for the device-writable buffers); anything else fails the request, as the copy
 * helpers do. Guest RAM stays where it is for the life of the machine, so a pointer
 * stays valid while the request runs.
 */
#include <inttypes.h>

#include "hw/virtio/virtio.h"
#include "system/memory.h"
#include "util/log.h"

/* Append the host pieces of guest [addr, addr+len) to *iov; false if any is not RAM. */
static bool map_range(hwaddr addr, uint64_t len, bool is_write, struct iovec **iov, int *niov,
                      int *cap)
{
    FlatView *view = address_space_get_flatview(address_space_memory());

    while (len > 0) {
        const FlatRange *fr = flatview_lookup(view, addr);
        uint64_t n;

        if (!fr || !memory_region_is_ram(fr->mr) || (is_write && memory_region_is_rom(fr->mr))) {
            log_mask(LOG_GUEST_ERROR, "virtio: buffer at 0x%" PRIx64 " is not guest RAM\n", addr);
            return false;
        }
        n = MIN(len, fr->size - (addr - fr->addr));
        if (*niov == *cap) {
            *cap = *cap ? *cap * 2 : 8;
            *iov = xrealloc(*iov, sizeof(**iov) * *cap);
        }
        (*iov)[(*niov)++] = (struct iovec){
            .iov_base = fr->mr->ram_ptr + fr->offset_in_region + (addr - fr->addr),
            .iov_len = n,
        };
        addr += n;
        len -= n;
    }
    return true;
}

/* Call fn on the guest ranges of sg bytes [offset, offset+len); false if fn says stop. */
static bool sg_walk(const VirtQueueSg *sg, unsigned num, uint64_t offset, uint64_t len,
                    bool (*fn)(hwaddr addr, uint64_t len, void *opaque), void *opaque)
{
    for (unsigned i = 0; i < num && len > 0; i++) {
        uint64_t n;

        if (offset >= sg[i].len) {
            offset -= sg[i].len;
            continue;
        }
        n = MIN(sg[i].len - offset, len);
        if (!fn(sg[i].addr + offset, n, opaque)) {
            return false;
        }
        len -= n;
        offset = 0;
    }
    return len == 0;
}

typedef struct MapState {
    bool is_write;
    struct iovec *iov;
    int niov, cap;
} MapState;

static bool map_one(hwaddr addr, uint64_t len, void *opaque)
{
    MapState *m = opaque;

    return map_range(addr, len, m->is_write, &m->iov, &m->niov, &m->cap);
}

bool virtqueue_elem_map(const VirtQueueElement *elem, bool in, uint64_t offset, uint64_t len,
                        struct iovec **iov, int *niov)
{
    MapState m = {.is_write = in};
    bool ok = in ? sg_walk(elem->in_sg, elem->in_num, offset, len, map_one, &m)
                 : sg_walk(elem->out_sg, elem->out_num, offset, len, map_one, &m);

    if (!ok) {
        free(m.iov);
        *iov = NULL;
        *niov = 0;
        return false;
    }
    *iov = m.iov;
    *niov = m.niov;
    return true;
}

static bool written_one(hwaddr addr, uint64_t len, void *opaque)
{
    if (memory_ram_write_hook) {
        memory_ram_write_hook(addr, len);
    }
    return true;
}

void virtqueue_elem_written(const VirtQueueElement *elem, uint64_t offset, uint64_t len)
{
    sg_walk(elem->in_sg, elem->in_num, offset, len, written_one, NULL);
}
