/*
 * Host memory backends (-object memory-backend-ram|memory-backend-memfd|memory-backend-file):
 * host memory a board maps as guest RAM, named by id from -machine memory-backend=ID or
 * -numa node,memdev=ID. A memfd backend, or a file backend with share=on, gives the guest
 * RAM a file descriptor that another process (a vhost-user back-end such as virtiofsd) can
 * map to reach guest memory directly.
 *
 * Properties (QEMU's): size (required), share (memfd: on by default), prealloc (touch every
 * page at creation, so a short host fails at start-up, not at the guest's first touch),
 * mem-path (file only: a file, created if missing and grown to size, or a directory for an
 * unlinked temporary file), seal (memfd: forbid resizing once created; on by default).
 * The memory is allocated when the object is completed, so a bad size or path is a -object
 * error; the region lives as long as the object.
 */
#ifndef SYSTEM_HOSTMEM_H
#define SYSTEM_HOSTMEM_H

#include "qom/object_interfaces.h"
#include "system/memory.h"

#define TYPE_MEMORY_BACKEND "memory-backend"
#define TYPE_MEMORY_BACKEND_RAM "memory-backend-ram"
#define TYPE_MEMORY_BACKEND_MEMFD "memory-backend-memfd"
#define TYPE_MEMORY_BACKEND_FILE "memory-backend-file"

typedef struct HostMemoryBackend {
    Object parent_obj;
    /* properties */
    uint64_t size;
    bool share;
    bool prealloc;
    /* state */
    MemoryRegion mr; /* RAM over the mapping below; its ram_fd is set when shareable */
    void *ptr;
    int fd;      /* memfd or file backing ptr, -1 for anonymous memory */
    bool mapped; /* a machine or NUMA node uses it */
} HostMemoryBackend;

typedef struct HostMemoryBackendClass {
    UserCreatableClass parent_class;
    /* Create the backing: set b->fd (or leave -1 for anonymous); false + errp on failure. */
    bool (*open)(HostMemoryBackend *b, Error **errp);
} HostMemoryBackendClass;

#define MEMORY_BACKEND(obj) OBJECT_CHECK(HostMemoryBackend, (obj), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_CLASS(oc)                                                                   \
    OBJECT_CLASS_CHECK(HostMemoryBackendClass, (oc), TYPE_MEMORY_BACKEND)
#define MEMORY_BACKEND_GET_CLASS(obj)                                                              \
    OBJECT_GET_CLASS(HostMemoryBackendClass, (obj), TYPE_MEMORY_BACKEND)

/*
 * The backend -object created with this id, for a board to map (what = the option naming it,
 * for errors): "Memory backend 'ID' not found" if there is none or it is not a memory
 * backend, "memory backend ID can't be used multiple times." if another user took it.
 * Marks it used. NULL + errp on failure.
 */
HostMemoryBackend *host_memory_backend_claim(const char *id, Error **errp);

#endif
