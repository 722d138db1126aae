/*
 * Unit tests for arena_prefault (util/prefault.c): the pages ahead of an arena's fill are
 * mapped in growing chunks (mincore sees them resident), in both views of a memfd mapped
 * twice as the JIT's arena is, never past the arena's end.
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
    munmap(w, ARENA);
    munmap(x, ARENA);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fill_is_populated_ahead),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
