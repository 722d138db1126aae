/*
 * The abstract RNG backend (include/system/rng.h) and rng-builtin, which
 * takes its bytes from the host kernel's pool with getrandom() (never
 * blocking once the host has booted), or from -seed's stream.
 */
#include "system/rng.h"
#include "util/guest-random.h"

size_t rng_backend_read(RngBackend *rng, void *buf, size_t len)
{
    return RNG_BACKEND_GET_CLASS(rng)->read(rng, buf, len);
}

static size_t rng_builtin_read(RngBackend *rng, void *buf, size_t len)
{
    return guest_getrandom(buf, len, true);
}

static void rng_builtin_class_init(ObjectClass *oc, void *data)
{
    RNG_BACKEND_CLASS(oc)->read = rng_builtin_read;
    USER_CREATABLE_CLASS(oc)->desc = "random bytes from the host kernel (getrandom)";
}

static const TypeInfo rng_backend_info = {
    .name = TYPE_RNG_BACKEND,
    .parent = TYPE_USER_CREATABLE,
    .instance_size = sizeof(RngBackend),
    .class_size = sizeof(RngBackendClass),
    .abstract = true,
};

static const TypeInfo rng_builtin_info = {
    .name = TYPE_RNG_BUILTIN,
    .parent = TYPE_RNG_BACKEND,
    .instance_size = sizeof(RngBackend),
    .class_init = rng_builtin_class_init,
};

static void rng_register_types(void)
{
    type_register_static(&rng_backend_info);
    type_register_static(&rng_builtin_info);
}

type_init(rng_register_types)
