/*
 * Unit tests for the vhost-user message layer (hw/virtio/vhost-user.c): the wire layout of
 * each request kind against the byte offsets of the specification (QEMU's
 * docs/interop/vhost-user.rst), reply validation, and a round trip over a socketpair with
 * file descriptors passed as SCM_RIGHTS, as SET_MEM_TABLE sends the guest RAM's memfd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hw/virtio/vhost-user.h"

static uint32_t le32_at(const VhostUserMsg *m, size_t off)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)m + off, 4);
    return v;
}

static uint64_t le64_at(const VhostUserMsg *m, size_t off)
{
    uint64_t v;
    memcpy(&v, (const uint8_t *)m + off, 8);
    return v;
}

static void test_header_and_u64(void **state)
{
    VhostUserMsg m;

    vhost_user_msg_u64(&m, VHOST_USER_SET_FEATURES, 0x140000000ull);
    assert_int_equal(le32_at(&m, 0), 2); /* request */
    assert_int_equal(le32_at(&m, 4), 1); /* flags: version 1 */
    assert_int_equal(le32_at(&m, 8), 8); /* payload size */
    assert_int_equal(le64_at(&m, 12), 0x140000000ull);
    assert_int_equal(vhost_user_msg_len(&m), 20);
    vhost_user_msg_init(&m, VHOST_USER_SET_OWNER);
    assert_int_equal(vhost_user_msg_len(&m), VHOST_USER_HDR_SIZE);
}

static void test_vring_state_and_addr(void **state)
{
    VhostUserMsg m;

    vhost_user_msg_state(&m, VHOST_USER_SET_VRING_NUM, 3, 1024);
    assert_int_equal(le32_at(&m, 8), 8);
    assert_int_equal(le32_at(&m, 12), 3);
    assert_int_equal(le32_at(&m, 16), 1024);
    vhost_user_msg_vring_addr(&m, 1, 0x1000, 0x3000, 0x2000);
    assert_int_equal(le32_at(&m, 0), VHOST_USER_SET_VRING_ADDR);
    assert_int_equal(le32_at(&m, 8), 40); /* index, flags, desc, used, avail, log */
    assert_int_equal(le32_at(&m, 12), 1);
    assert_int_equal(le64_at(&m, 20), 0x1000); /* desc */
    assert_int_equal(le64_at(&m, 28), 0x3000); /* used */
    assert_int_equal(le64_at(&m, 36), 0x2000); /* avail */
    assert_int_equal(le64_at(&m, 44), 0);      /* log */
}

static void test_mem_table(void **state)
{
    VhostUserMemoryRegion r[2] = {{0x80000000, 0x10000000, 0x7f0000000000, 0},
                                  {0x90000000, 0x1000, 0x7f1000000000, 0x10000000}};
    VhostUserMsg m;

    vhost_user_msg_mem_table(&m, r, 2);
    assert_int_equal(le32_at(&m, 8), 8 + 2 * 32);
    assert_int_equal(le32_at(&m, 12), 2); /* nregions, then padding */
    assert_int_equal(le64_at(&m, 20), 0x80000000);
    assert_int_equal(le64_at(&m, 28), 0x10000000);
    assert_int_equal(le64_at(&m, 36), 0x7f0000000000);
    assert_int_equal(le64_at(&m, 52 + 24), 0x10000000); /* second region's mmap_offset */
}

static void test_check_reply(void **state)
{
    VhostUserMsg m;
    Error *err = NULL;

    vhost_user_msg_u64(&m, VHOST_USER_GET_FEATURES, 7);
    m.flags |= VHOST_USER_REPLY_MASK;
    assert_true(vhost_user_check_reply(&m, VHOST_USER_GET_FEATURES, 8, &err));
    assert_false(vhost_user_check_reply(&m, VHOST_USER_GET_PROTOCOL_FEATURES, 8, &err));
    assert_non_null(strstr(error_get_pretty(err), "unexpected msg type 1"));
    error_free(err);
    err = NULL;
    assert_false(vhost_user_check_reply(&m, VHOST_USER_GET_FEATURES, 16, &err));
    error_free(err);
    err = NULL;
    m.flags &= ~VHOST_USER_REPLY_MASK; /* a request is no reply */
    assert_false(vhost_user_check_reply(&m, VHOST_USER_GET_FEATURES, 8, &err));
    error_free(err);
}

static void test_fd_passing_round_trip(void **state)
{
    VhostUserMemoryRegion r = {0x80000000, 4096, 0, 0};
    int sv[2], memfd = memfd_create("t", MFD_CLOEXEC);
    char control[CMSG_SPACE(sizeof(int))];
    uint8_t buf[sizeof(VhostUserMsg)];
    struct iovec iov = {buf, sizeof(buf)};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = control,
                        .msg_controllen = sizeof(control)};
    VhostUserConn c;
    VhostUserMsg m;
    int got_fd;
    ssize_t n;

    assert_true(memfd >= 0 && ftruncate(memfd, 4096) == 0);
    assert_int_equal(pwrite(memfd, "guest", 5, 0), 5);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    c = (VhostUserConn){.fd = sv[0]};
    vhost_user_msg_mem_table(&m, &r, 1);
    assert_true(vhost_user_send(&c, &m, &memfd, 1, &error_abort));
    n = recvmsg(sv[1], &mh, 0);
    assert_int_equal(n, VHOST_USER_HDR_SIZE + 8 + 32);
    assert_memory_equal(buf, &m, n);
    assert_non_null(CMSG_FIRSTHDR(&mh));
    assert_int_equal(CMSG_FIRSTHDR(&mh)->cmsg_type, SCM_RIGHTS);
    memcpy(&got_fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
    /* The other end reads the guest's memory through the passed descriptor. */
    assert_int_equal(pread(got_fd, buf, 5, 0), 5);
    assert_memory_equal(buf, "guest", 5);

    /* A reply, split across two writes, is reassembled and validated. */
    vhost_user_msg_u64(&m, VHOST_USER_GET_FEATURES, 0x1234);
    m.flags |= VHOST_USER_REPLY_MASK;
    assert_int_equal(write(sv[1], &m, 5), 5);
    assert_int_equal(write(sv[1], (uint8_t *)&m + 5, 15), 15);
    memset(&m, 0, sizeof(m));
    assert_true(vhost_user_recv(&c, &m, &error_abort));
    assert_true(vhost_user_check_reply(&m, VHOST_USER_GET_FEATURES, 8, &error_abort));
    assert_int_equal(m.payload.u64, 0x1234);

    /* A peer that hangs up fails the next read instead of blocking. */
    Error *err = NULL;
    close(sv[1]);
    assert_false(vhost_user_recv(&c, &m, &err));
    assert_non_null(strstr(error_get_pretty(err), "closed"));
    error_free(err);
    close(sv[0]);
    close(got_fd);
    close(memfd);
}

static void test_oversized_message_refused(void **state)
{
    VhostUserMsg m;
    VhostUserConn c;
    int sv[2];
    Error *err = NULL;

    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    c = (VhostUserConn){.fd = sv[0]};
    vhost_user_msg_init(&m, VHOST_USER_GET_FEATURES);
    m.size = 0x10000; /* more than any payload: a hostile back-end */
    assert_int_equal(write(sv[1], &m, VHOST_USER_HDR_SIZE), VHOST_USER_HDR_SIZE);
    assert_false(vhost_user_recv(&c, &m, &err));
    assert_non_null(strstr(error_get_pretty(err), "larger"));
    error_free(err);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_and_u64),
        cmocka_unit_test(test_vring_state_and_addr),
        cmocka_unit_test(test_mem_table),
        cmocka_unit_test(test_check_reply),
        cmocka_unit_test(test_fd_passing_round_trip),
        cmocka_unit_test(test_oversized_message_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
