/*
 * Random bytes the guest sees (the device tree's rng-seed, rng-builtin): the
 * host kernel's pool, or with -seed N a pseudo-random stream fixed by N, so
 * that with -icount two runs of a guest see the same "random" bytes and
 * behave alike (QEMU's -seed). The stream is for repeatability, not secrecy.
 */
#ifndef UTIL_GUEST_RANDOM_H
#define UTIL_GUEST_RANDOM_H

#include "common.h"

/* From now on guest_getrandom returns the stream seeded by seed (start-up, before threads). */
void guest_random_seed(uint64_t seed);
/* Fill buf with len random bytes; returns how many it filled (len, or fewer if the host's
 * pool is not ready and nonblock is set). Any thread. */
size_t guest_getrandom(void *buf, size_t len, bool nonblock);

#endif
