/* Shared libraries opened at first use (why: include/util/dynlib.h). */
#include "util/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>

void *dynlib_open(const char *soname, char *err, size_t errlen)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

    if (!h) {
        snprintf(err, errlen, "%s", dlerror());
    }
    return h;
}

bool dynlib_sym(void *handle, const char *soname, const char *name, void **fn, char *err,
                size_t errlen)
{
    *fn = dlsym(handle, name);
    if (!*fn) {
        snprintf(err, errlen, "%s has no %s: %s", soname, name, dlerror());
    }
    return *fn != NULL;
}
