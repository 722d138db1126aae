/*
 * Unit tests for util/prefault.c. arena_prefault: the pages ahead of an arena's fill are
 * mapped in growing chunks (mincore sees them resident), in both views of a memfd mapped
 * twice as the JIT's arena is, never past the arena's end. The warming thread
 * (prefault_warm, prefault_commit_ahead): it reads every page asked for, commits what it is
 * asked to commit first, and no request outlives prefault_warm_forget, so the memory can be
 * unmapped at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/prefault.h"

#define ARENA (4 * MiB)
#define PAGE 4096

static size_t resident_pages(uint8_t *p, size_t len)
{
    unsigned char vec[ARENA / PAGE];
    size_t n = 0;

    assert_int_equal(mincore(p, len, vec), 0);
    for (size_t i = 0; i < len / PAGE; i++) {
        n += vec[i] & 1;
    }
    return n;
}

static void test_fill_is_populated_ahead(void **state)
{
    int fd = memfd_create("prefault-test", MFD_CLOEXEC);
    ArenaPrefault pf = {0};

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, ARENA), 0);
    uint8_t *w = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    uint8_t *x = mmap(NULL, ARENA, PROT_READ, MAP_SHARED, fd, 0);
    assert_true(w != MAP_FAILED && x != MAP_FAILED);
    assert_int_equal(resident_pages(w, ARENA), 0);

    arena_prefault(&pf, w, x, ARENA, 100);
    if (pf.off) {
        print_message("skipped: this kernel has no MADV_POPULATE_WRITE (before 5.14)\n");
        skip();
    }
    assert_int_equal(pf.done, 16 * KiB); /* the first chunk covers the first write */
    assert_int_equal(resident_pages(w, ARENA), 4);

    arena_prefault(&pf, w, x, ARENA, 200 * KiB); /* 16 + 32 + 64 + 128 KiB */
    assert_int_equal(pf.done, 240 * KiB);
    assert_int_equal(resident_pages(w, ARENA), 60);

    arena_prefault(&pf, w, x, ARENA, ARENA + 1); /* bounded by the arena */
    assert_int_equal(pf.done, ARENA);
    assert_int_equal(resident_pages(w, ARENA), ARENA / PAGE);
    prefault_warm_forget(w, ARENA); /* what it committed is being warmed */
    prefault_warm_forget(x, ARENA);
    munmap(w, ARENA);
    munmap(x, ARENA);
    close(fd);
}

static uint8_t *anon(size_t len)
{
    uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    assert_true(p != MAP_FAILED);
    return p;
}

/* Every page of a request is read once (the count), the arena chunks too. */
static void test_warm_reads_every_page(void **state)
{
    uint8_t *p = anon(ARENA);
    uint64_t before;

    prefault_warm_start_now();
    before = prefault_warm_drain();

    prefault_warm(p, ARENA);
    prefault_warm(p + PAGE, 100); /* part of a page counts as that page */
    assert_int_equal(prefault_warm_drain() - before, ARENA / PAGE + 1);
    munmap(p, ARENA);
}

/* prefault_commit_ahead commits the memory (resident afterwards), not only reads it, which
 * would map the shared zero page; committed pages keep their contents. */
static void test_commit_ahead(void **state)
{
    uint8_t *p = anon(ARENA);

    p[5 * PAGE] = 0x5a;
    prefault_warm_start_now();
    prefault_commit_ahead(p, ARENA / 2);
    prefault_warm_drain();
    if (resident_pages(p, ARENA / 2) == 1) {
        print_message("skipped: this kernel has no MADV_POPULATE_WRITE (before 5.14)\n");
        munmap(p, ARENA);
        skip();
    }
    assert_int_equal(resident_pages(p, ARENA / 2), ARENA / 2 / PAGE);
    assert_int_equal(resident_pages(p + ARENA / 2, ARENA / 2), 0);
    assert_int_equal(p[5 * PAGE], 0x5a);
    munmap(p, ARENA);
}

/*
 * After prefault_warm_forget no request in the range is queued or being read: the memory is
 * unmapped right after, many times over, while the thread is busy with the requests (a read
 * of unmapped memory would kill the test). A range not forgotten is still read.
 */
static void test_forget_before_unmap(void **state)
{
    uint8_t *other = anon(ARENA);
    uint64_t before;

    prefault_warm_start_now();
    before = prefault_warm_drain();

    for (int round = 0; round < 50; round++) {
        uint8_t *p = anon(ARENA);

        for (size_t off = 0; off < ARENA; off += 64 * KiB) {
            prefault_warm(p + off, 64 * KiB);
        }
        prefault_warm(other, PAGE);
        prefault_warm_forget(p, ARENA);
        munmap(p, ARENA);
    }
    assert_true(prefault_warm_drain() - before >= 50);
    munmap(other, ARENA);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_is_populated_ahead),
        cmocka_unit_test(test_warm_reads_every_page),
        cmocka_unit_test(test_commit_ahead),
        cmocka_unit_test(test_forget_before_unmap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
