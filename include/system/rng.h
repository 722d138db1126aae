/*
 * Random number generator backends (-object rng-random / rng-builtin): where
 * an entropy device such as virtio-rng-device takes its bytes from. A device
 * names its backend by id (-device virtio-rng-device,rng=ID).
 */
#ifndef SYSTEM_RNG_H
#define SYSTEM_RNG_H

#include "qom/object_interfaces.h"

#define TYPE_RNG_BACKEND "rng-backend"
#define TYPE_RNG_RANDOM "rng-random"
#define TYPE_RNG_BUILTIN "rng-builtin"

typedef struct RngBackend {
    Object parent_obj;
} RngBackend;

typedef struct RngBackendClass {
    UserCreatableClass parent_class;
    /* Up to len bytes into buf without blocking; the count (0 when none is ready). */
    size_t (*read)(RngBackend *rng, void *buf, size_t len);
} RngBackendClass;

#define RNG_BACKEND(obj) OBJECT_CHECK(RngBackend, (obj), TYPE_RNG_BACKEND)
#define RNG_BACKEND_CLASS(oc) OBJECT_CLASS_CHECK(RngBackendClass, (oc), TYPE_RNG_BACKEND)
#define RNG_BACKEND_GET_CLASS(obj) OBJECT_GET_CLASS(RngBackendClass, (obj), TYPE_RNG_BACKEND)

/* Fill buf with up to len bytes from the backend; returns how many it had (never blocks). */
size_t rng_backend_read(RngBackend *rng, void *buf, size_t len);

#endif
