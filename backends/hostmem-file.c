/*
 * memory-backend-file: guest RAM in a host file (mem-path=), e.g. on /dev/shm or hugetlbfs.
 * A path naming a directory gets a fresh temporary file there, unlinked at once (as QEMU);
 * a file is created if missing and grown to size if shorter (never shrunk: its data past
 * size stays). With share=on the guest writes reach the file and other mappers of it;
 * with share=off (the default) the guest gets a private copy-on-write view.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/hostmem.h"

typedef struct HostMemoryBackendFile {
    HostMemoryBackend parent_obj;
    char *mem_path;
} HostMemoryBackendFile;

#define MEMORY_BACKEND_FILE(obj)                                                                   \
    OBJECT_CHECK(HostMemoryBackendFile, (obj), TYPE_MEMORY_BACKEND_FILE)

static int file_backend_open_path(const char *path, Error **errp)
{
    struct stat st;
    int fd;

    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        char *tmpl = xasprintf("%s/kestrel_back_mem.XXXXXX", path);
        fd = mkostemp(tmpl, O_CLOEXEC);
        if (fd >= 0) {
            unlink(tmpl);
        }
        free(tmpl);
    } else {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    }
    if (fd < 0) {
        error_setg_errno(errp, errno, "can't open backing store %s for guest RAM", path);
    }
    return fd;
}

static bool file_backend_open(HostMemoryBackend *b, Error **errp)
{
    HostMemoryBackendFile *f = MEMORY_BACKEND_FILE(b);
    struct stat st;

    if (!f->mem_path || !*f->mem_path) {
        error_setg(errp, "mem-path property not set");
        return false;
    }
    b->fd = file_backend_open_path(f->mem_path, errp);
    if (b->fd < 0) {
        return false;
    }
    if (fstat(b->fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < b->size &&
        ftruncate(b->fd, (off_t)b->size) < 0) {
        error_setg_errno(errp, errno, "cannot grow %s to %" PRIu64 " bytes", f->mem_path, b->size);
        return false;
    }
    return true;
}

static const Property file_backend_props[] = {
    DEFINE_PROP("mem-path", PROP_STRING, HostMemoryBackendFile, mem_path,
                .description = "file (or directory for a temporary file) holding the RAM"),
    DEFINE_PROP_END,
};

static void file_backend_class_init(ObjectClass *oc, void *data)
{
    MEMORY_BACKEND_CLASS(oc)->open = file_backend_open;
    USER_CREATABLE_CLASS(oc)->desc = "guest RAM in a host file (size=, mem-path=, share=)";
    object_class_add_props(oc, file_backend_props);
}

static const TypeInfo file_backend_info = {
    .name = TYPE_MEMORY_BACKEND_FILE,
    .parent = TYPE_MEMORY_BACKEND,
    .instance_size = sizeof(HostMemoryBackendFile),
    .class_init = file_backend_class_init,
};

static void file_backend_register_types(void)
{
    type_register_static(&file_backend_info);
}

type_init(file_backend_register_types)
