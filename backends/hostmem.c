/*
 * The abstract host memory backend (include/system/hostmem.h) and memory-backend-ram.
 *
 * A backend maps its memory when the -object is completed: the subclass's open() gives a
 * file descriptor (memfd, file) or none (ram), and the mapping is shared when share=on, so
 * that writes through another process's mapping of the fd are what the guest reads. A
 * private mapping of a file is the guest's own copy: its fd is then not handed to the
 * region, since a vhost-user back-end mapping it would not see the guest's memory.
 */
#include <errno.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "system/hostmem.h"

/* prealloc=on: commit every page now, so a host without the memory fails here. */
static bool host_memory_backend_prealloc(HostMemoryBackend *b, Error **errp)
{
#ifdef MADV_POPULATE_WRITE
    if (madvise(b->ptr, b->size, MADV_POPULATE_WRITE) == 0) {
        return true;
    }
    if (errno != EINVAL) {
        error_setg_errno(errp, errno, "preallocating %" PRIu64 " bytes failed", b->size);
        return false;
    }
#endif
    /* An older kernel: touch one byte per page (reading and writing back keeps file data). */
    long page = sysconf(_SC_PAGESIZE);
    for (uint64_t off = 0; off < b->size; off += page) {
        volatile uint8_t *p = (uint8_t *)b->ptr + off;
        *p = *p;
    }
    return true;
}

static bool host_memory_backend_complete(Object *obj, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    HostMemoryBackendClass *bc = MEMORY_BACKEND_GET_CLASS(obj);
    int flags = b->share ? MAP_SHARED : MAP_PRIVATE;
    char *name;

    if (!b->size) {
        error_setg(errp, "can't create backend with size 0");
        return false;
    }
    if (bc->open && !bc->open(b, errp)) {
        return false;
    }
    if (b->fd < 0) {
        flags |= MAP_ANONYMOUS | MAP_NORESERVE;
    }
    b->ptr = mmap(NULL, b->size, PROT_READ | PROT_WRITE, flags, b->fd, 0);
    if (b->ptr == MAP_FAILED) {
        b->ptr = NULL;
        error_setg_errno(errp, errno, "cannot map %" PRIu64 " bytes", b->size);
        return false;
    }
    if (b->prealloc && !host_memory_backend_prealloc(b, errp)) {
        return false;
    }
    name = object_get_canonical_path(obj);
    memory_region_init_ram_ptr(&b->mr, name, b->size, b->ptr, b->share ? b->fd : -1);
    free(name);
    return true;
}

HostMemoryBackend *host_memory_backend_claim(const char *id, Error **errp)
{
    Object *obj = id ? user_creatable_find(id) : NULL;
    HostMemoryBackend *b;

    if (!obj || !object_dynamic_cast(obj, TYPE_MEMORY_BACKEND)) {
        error_setg(errp, "Memory backend '%s' not found", id ? id : "");
        return NULL;
    }
    b = MEMORY_BACKEND(obj);
    if (b->mapped) {
        error_setg(errp, "memory backend %s can't be used multiple times.", id);
        return NULL;
    }
    b->mapped = true;
    return b;
}

static void host_memory_backend_init(Object *obj)
{
    MEMORY_BACKEND(obj)->fd = -1;
}

static void host_memory_backend_finalize(Object *obj)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);

    if (b->ptr) {
        memory_region_destroy(&b->mr);
        munmap(b->ptr, b->size);
    }
    if (b->fd >= 0) {
        close(b->fd);
    }
}

static bool host_memory_backend_check_size(Object *obj, Error **errp)
{
    HostMemoryBackend *b = MEMORY_BACKEND(obj);
    uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);

    if (b->size % page) {
        error_setg(errp, "size %" PRIu64 " is not a multiple of the host page size (%" PRIu64 ")",
                   b->size, page);
        return false;
    }
    return true;
}

static const Property host_memory_backend_props[] = {
    DEFINE_PROP("size", PROP_SIZE, HostMemoryBackend, size, .check = host_memory_backend_check_size,
                .description = "size of the memory region in bytes"),
    DEFINE_PROP("share", PROP_BOOL, HostMemoryBackend, share,
                .description = "map shared, so another process mapping the fd sees the guest RAM"),
    DEFINE_PROP("prealloc", PROP_BOOL, HostMemoryBackend, prealloc,
                .description = "commit every page at creation"),
    DEFINE_PROP_END,
};

static void host_memory_backend_class_init(ObjectClass *oc, void *data)
{
    object_class_add_props(oc, host_memory_backend_props);
    USER_CREATABLE_CLASS(oc)->complete = host_memory_backend_complete;
}

static void memory_backend_ram_class_init(ObjectClass *oc, void *data)
{
    USER_CREATABLE_CLASS(oc)->desc = "guest RAM from anonymous host memory (size=, share=)";
}

static const TypeInfo host_memory_backend_info = {
    .name = TYPE_MEMORY_BACKEND,
    .parent = TYPE_USER_CREATABLE,
    .abstract = true,
    .instance_size = sizeof(HostMemoryBackend),
    .class_size = sizeof(HostMemoryBackendClass),
    .instance_init = host_memory_backend_init,
    .instance_finalize = host_memory_backend_finalize,
    .class_init = host_memory_backend_class_init,
};

static const TypeInfo memory_backend_ram_info = {
    .name = TYPE_MEMORY_BACKEND_RAM,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackend),
    .class_init = memory_backend_ram_class_init,
};

static void host_memory_backend_register_types(void)
{
    type_register_static(&host_memory_backend_info);
    type_register_static(&memory_backend_ram_info);
}

type_init(host_memory_backend_register_types)
