/*
 * Guest-visible randomness; the contract is in include/util/guest-random.h.
 * The seeded stream is splitmix64 (Steele, Lea, Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014): a 64-bit counter advanced
 * by the golden-ratio increment and mixed by two multiply-xorshift rounds.
 */
#include "util/guest-random.h"

#include <pthread.h>
#include <sys/random.h>

static bool seeded;
static uint64_t stream_state;
static pthread_mutex_t stream_lock = PTHREAD_MUTEX_INITIALIZER;

void guest_random_seed(uint64_t seed)
{
    seeded = true;
    stream_state = seed;
}

static uint64_t splitmix64_next(void)
{
    uint64_t z = (stream_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

size_t guest_getrandom(void *buf, size_t len, bool nonblock)
{
    uint8_t *out = buf;

    if (!seeded) {
        ssize_t got = getrandom(buf, len, nonblock ? GRND_NONBLOCK : 0);
        return got > 0 ? (size_t)got : 0;
    }
    pthread_mutex_lock(&stream_lock);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t v = splitmix64_next();
        memcpy(out + i, &v, MIN(len - i, sizeof(v)));
    }
    pthread_mutex_unlock(&stream_lock);
    return len;
}
