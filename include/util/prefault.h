/*
 * Prefaulting an arena that fills from its start (the JIT's code arena, the translation-block
 * arena): the pages just ahead of the fill are mapped by one madvise(MADV_POPULATE_*) per
 * chunk instead of one page fault per 4 KiB page as code is written (a Linux boot took ~3,000
 * such faults, ~12 us each on these hosts). Chunks grow from 16 KiB to 256 KiB, so a short run
 * (a tiny bare-metal program) maps little more than it uses; 1 MiB chunks cost 1.5 MB more
 * RSS in a Linux boot for no fewer faults.
 */
#ifndef UTIL_PREFAULT_H
#define UTIL_PREFAULT_H

#include "common.h"

typedef struct ArenaPrefault {
    size_t done;  /* bytes from the arena's start already populated */
    size_t chunk; /* the next chunk's size */
    bool off;     /* the host refused (a kernel before 5.14): page faults as before */
} ArenaPrefault;

/*
 * Make sure [0, end) of the arena is populated: write view base (populated writable) and, if
 * exec is not NULL, the second view of the same pages (populated readable, for execution).
 * size bounds the arena. Best effort: failures only cost the page faults it would have saved.
 */
void arena_prefault(ArenaPrefault *pf, uint8_t *base, uint8_t *exec, size_t size, size_t end);

#endif
