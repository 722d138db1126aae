/*
 * memory-backend-memfd: guest RAM in an anonymous memory file (memfd_create(2)), mapped
 * shared by default, so its fd can be handed to a vhost-user back-end. seal=on (default)
 * adds F_SEAL_GROW, F_SEAL_SHRINK and F_SEAL_SEAL once the file has its size, so no process
 * holding the fd can truncate the guest's RAM under it (a SIGBUS for every mapper).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <unistd.h>

#include "system/hostmem.h"

typedef struct HostMemoryBackendMemfd {
    HostMemoryBackend parent_obj;
    bool seal;
} HostMemoryBackendMemfd;

#define MEMORY_BACKEND_MEMFD(obj)                                                                  \
    OBJECT_CHECK(HostMemoryBackendMemfd, (obj), TYPE_MEMORY_BACKEND_MEMFD)

static bool memfd_backend_open(HostMemoryBackend *b, Error **errp)
{
    HostMemoryBackendMemfd *m = MEMORY_BACKEND_MEMFD(b);
    unsigned flags = MFD_CLOEXEC | (m->seal ? MFD_ALLOW_SEALING : 0);

    b->fd = memfd_create("memory-backend-memfd", flags);
    if (b->fd < 0) {
        error_setg_errno(errp, errno, "cannot create a memfd");
        return false;
    }
    if (ftruncate(b->fd, (off_t)b->size) < 0) {
        error_setg_errno(errp, errno, "cannot size the memfd to %" PRIu64 " bytes", b->size);
        return false;
    }
    if (m->seal && fcntl(b->fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) < 0) {
        error_setg_errno(errp, errno, "cannot seal the memfd");
        return false;
    }
    return true;
}

static void memfd_backend_init(Object *obj)
{
    /* QEMU's memfd default: the point of a memfd is to share it. */
    MEMORY_BACKEND(obj)->share = true;
}

static const Property memfd_backend_props[] = {
    DEFINE_PROP("seal", PROP_BOOL, HostMemoryBackendMemfd, seal, .defval.b = true,
                .description = "forbid growing or shrinking the memfd once sized (default on)"),
    DEFINE_PROP_END,
};

static void memfd_backend_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->open = memfd_backend_open;
    USER_CREATABLE_CLASS(oc)->desc = "guest RAM in a shareable memfd (size=, share=on default)";
    object_class_add_props(oc, memfd_backend_props);
}

static const TypeInfo memfd_backend_info = {
    .name = TYPE_MEMORY_BACKEND_MEMFD,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackendMemfd),
    .instance_init = memfd_backend_init,
    .class_init = memfd_backend_class_init,
};

static void memfd_backend_register_types(void)
{
    type_register_static(&memfd_backend_info);
}

type_init(memfd_backend_register_types)
