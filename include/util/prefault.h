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
 * What it populates is warmed (prefault_warm): prefault_warm_forget before unmapping either view.
 */
void arena_prefault(ArenaPrefault *pf, uint8_t *base, uint8_t *exec, size_t size, size_t end);

/*
 * Warming populated pages off the caller's thread. On a VM host (these machines), the first
 * access to each 4 KiB page of a process costs ~5 us even after madvise(MADV_POPULATE_*)
 * mapped it (the host's own page tables catch up on first use); it is paid once per page and
 * process, by whichever thread comes first: after another thread has read a page, a write to
 * it took 0.03 us (a Linux boot commits ~7,000 pages of guest RAM and arenas). So the vCPU
 * that populates a chunk hands it here, and a thread at idle priority reads one byte of each
 * page, ahead of the vCPU's own first accesses. Reads change nothing: it is safe on memory a
 * guest writes meanwhile. Best effort: a full queue drops the request, and on a busy host
 * the reads wait for idle time, so the vCPU pays as before.
 */
void prefault_warm(const void *start, size_t len);
/* The same for anonymous private memory not committed yet: the thread commits it
 * (MADV_POPULATE_WRITE, which leaves committed pages as they are), then reads it. */
void prefault_commit_ahead(void *start, size_t len);
/* Before start..start + len is unmapped: drop its queued requests and wait for a read in it. */
void prefault_warm_forget(const void *start, size_t len);
/* For tests: start the thread now (requests before the WARM_START-th are dropped); wait until
 * every queued request is read, returning the pages read so far. */
void prefault_warm_start_now(void);
uint64_t prefault_warm_drain(void);

#endif
