/*
 * rng-random: an RNG backend reading a host file or device
 * (-object rng-random,id=rng0,filename=/dev/urandom, the default file).
 *
 * The file is opened non-blocking when the object is completed, so a missing
 * file is a start-up error and a slow source (a FIFO, /dev/random) never
 * stalls the vCPU that asked: a request gets what is ready. A regular file is
 * read once from its start; at its end the guest gets no more bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "system/rng.h"

typedef struct RngRandom {
    RngBackend parent_obj;
    char *filename; /* property */
    int fd;
} RngRandom;

#define RNG_RANDOM(obj) OBJECT_CHECK(RngRandom, (obj), TYPE_RNG_RANDOM)

static size_t rng_random_read(RngBackend *rng, void *buf, size_t len)
{
    RngRandom *s = RNG_RANDOM(rng);
    ssize_t got;

    do {
        got = read(s->fd, buf, len);
    } while (got < 0 && errno == EINTR);
    return got > 0 ? (size_t)got : 0;
}

static bool rng_random_complete(Object *obj, Error **errp)
{
    RngRandom *s = RNG_RANDOM(obj);

    if (!s->filename || !*s->filename) {
        error_setg(errp, "filename must not be empty");
        return false;
    }
    s->fd = open(s->filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (s->fd < 0) {
        error_setg(errp, "cannot open '%s': %s", s->filename, strerror(errno));
        return false;
    }
    return true;
}

static void rng_random_init(Object *obj)
{
    RNG_RANDOM(obj)->fd = -1;
}

static void rng_random_finalize(Object *obj)
{
    RngRandom *s = RNG_RANDOM(obj);

    if (s->fd >= 0) {
        close(s->fd);
    }
}

static const Property rng_random_props[] = {
    DEFINE_PROP("filename", PROP_STRING, RngRandom, filename, .defval.s = "/dev/urandom",
                .description = "the host file or device to read (default /dev/urandom)"),
    DEFINE_PROP_END,
};

static void rng_random_class_init(ObjectClass *oc, void *data)
{
    RNG_BACKEND_CLASS(oc)->read = rng_random_read;
    USER_CREATABLE_CLASS(oc)->complete = rng_random_complete;
    USER_CREATABLE_CLASS(oc)->desc = "random bytes read from a host file (filename=)";
    object_class_add_props(oc, rng_random_props);
}

static const TypeInfo rng_random_info = {
    .name = TYPE_RNG_RANDOM,
    .parent = TYPE_RNG_BACKEND,
    .instance_size = sizeof(RngRandom),
    .class_init = rng_random_class_init,
    .instance_init = rng_random_init,
    .instance_finalize = rng_random_finalize,
};

static void rng_random_register_types(void)
{
    type_register_static(&rng_random_info);
}

type_init(rng_random_register_types)
