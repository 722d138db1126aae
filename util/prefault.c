/* Prefaulting arenas ahead of their fill (include/util/prefault.h). */
#include <sys/mman.h>

#include "util/prefault.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#define PREFAULT_FIRST (16 * KiB)
#define PREFAULT_MAX (256 * KiB)

void arena_prefault(ArenaPrefault *pf, uint8_t *base, uint8_t *exec, size_t size, size_t end)
{
    while (!pf->off && pf->done < end && pf->done < size) {
        size_t len = MIN(MAX(pf->chunk, PREFAULT_FIRST), size - pf->done);

        if (madvise(base + pf->done, len, MADV_POPULATE_WRITE) ||
            (exec && madvise(exec + pf->done, len, MADV_POPULATE_READ))) {
            pf->off = true;
            return;
        }
        pf->done += len;
        pf->chunk = MIN(len * 2, PREFAULT_MAX);
    }
}
