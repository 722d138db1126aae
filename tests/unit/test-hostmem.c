/*
 * Unit tests for the memory backends (backends/hostmem*.c): a memfd backend's RAM is the
 * memfd's content (what a vhost-user back-end maps), a shared file backend writes through to
 * its file while a private one does not and offers no fd, and bad options are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "system/hostmem.h"

static HostMemoryBackend *add(const char *opts)
{
    Object *obj = user_creatable_add_from_str(opts, &error_abort);

    return MEMORY_BACKEND(obj);
}

static void test_memfd_is_shared(void **state)
{
    HostMemoryBackend *b = add("memory-backend-memfd,id=mfd,size=2M");
    char buf[6] = {0};

    assert_true(b->share); /* the memfd default */
    assert_int_equal(b->mr.type, MR_RAM);
    assert_int_equal(b->mr.size, 2 * MiB);
    assert_true(b->mr.ram_fd >= 0);
    memcpy(b->mr.ram_ptr + 4096, "guest", 5);
    assert_int_equal(pread(b->mr.ram_fd, buf, 5, 4096), 5);
    assert_string_equal(buf, "guest");
    assert_ptr_equal(host_memory_backend_claim("mfd", &error_abort), b);
    Error *err = NULL;
    assert_null(host_memory_backend_claim("mfd", &err));
    assert_string_equal(error_get_pretty(err), "memory backend mfd can't be used multiple times.");
    error_free(err);
}

static void test_file_share_on_and_off(void **state)
{
    char path[] = "/tmp/kestrel-hostmem-XXXXXX";
    int fd = mkstemp(path);
    char *opts;
    HostMemoryBackend *b;
    char buf[4] = {0};

    assert_true(fd >= 0);
    opts = xasprintf("memory-backend-file,id=fshared,size=1M,mem-path=%s,share=on", path);
    b = add(opts);
    free(opts);
    assert_true(b->mr.ram_fd >= 0);
    memcpy(b->mr.ram_ptr, "abc", 3);
    assert_int_equal(pread(fd, buf, 3, 0), 3);
    assert_string_equal(buf, "abc");

    opts = xasprintf("memory-backend-file,id=fpriv,size=1M,mem-path=%s", path);
    b = add(opts);
    free(opts);
    assert_int_equal(b->mr.ram_fd, -1); /* a private copy is nothing to share */
    memcpy(b->mr.ram_ptr, "xyz", 3);
    assert_int_equal(pread(fd, buf, 3, 0), 3);
    assert_string_equal(buf, "abc");
    close(fd);
    unlink(path);
}

static void test_ram_backend_has_no_fd(void **state)
{
    HostMemoryBackend *b = add("memory-backend-ram,id=r,size=1M,share=on,prealloc=on");

    assert_int_equal(b->mr.ram_fd, -1);
    b->mr.ram_ptr[MiB - 1] = 1;
}

static void test_bad_options(void **state)
{
    static const char *const bad[][2] = {
        {"memory-backend-ram,id=z,size=0", "can't create backend with size 0"},
        {"memory-backend-file,id=nopath,size=1M", "mem-path property not set"},
        {"memory-backend-memfd,id=odd,size=1000", "not a multiple of the host page size"},
        {"memory-backend-file,id=nodir,size=1M,mem-path=/nonexistent/dir/f", "can't open"},
    };

    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        Error *err = NULL;
        assert_null(user_creatable_add_from_str(bad[i][0], &err));
        assert_non_null(err);
        if (!strstr(error_get_pretty(err), bad[i][1])) {
            fail_msg("%s: got '%s'", bad[i][0], error_get_pretty(err));
        }
        error_free(err);
    }
    Error *err = NULL;
    assert_null(host_memory_backend_claim("nosuch", &err));
    assert_string_equal(error_get_pretty(err), "Memory backend 'nosuch' not found");
    error_free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memfd_is_shared),
        cmocka_unit_test(test_file_share_on_and_off),
        cmocka_unit_test(test_ram_backend_has_no_fd),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
