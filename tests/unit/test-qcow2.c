/*
 * Unit tests of the qcow2 driver (block/qcow2*.c) against QEMU's own tools:
 * images made by qemu-img/qemu-io at test time are read back, images we
 * write must pass `qemu-img check` (no errors, no leaks) and `qemu-img
 * compare` equal to a raw file given the same writes. Hand-patched headers
 * and entries check that bad images fail cleanly at open or with -EIO.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block.h"
#include "block/qcow2.h"

#define IMAGE_DIR_TEMPLATE "/tmp/kestrel-test-qcow2-XXXXXX"
#include "test-image-dir.h"

static void patch(const char *name, off_t off, const void *bytes, size_t len)
{
    int fd = open(path(name), O_WRONLY);

    assert_true(fd >= 0);
    assert_int_equal(pwrite(fd, bytes, len, off), (ssize_t)len);
    close(fd);
}

static void patch_be64(const char *name, off_t off, uint64_t v)
{
    uint8_t b[8];

    qcow2_put_be64(b, v);
    patch(name, off, b, 8);
}

static void patch_be32(const char *name, off_t off, uint32_t v)
{
    uint8_t b[4];

    qcow2_put_be32(b, v);
    patch(name, off, b, 4);
}

static uint64_t read_be64(const char *name, off_t off)
{
    uint8_t b[8];
    int fd = open(path(name), O_RDONLY);

    assert_int_equal(pread(fd, b, 8, off), 8);
    close(fd);
    return qcow2_be64(b);
}

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++) {
        buf[i] = (i * 7 + seed * 13 + (i >> 9)) & 0xff;
    }
}

/* Write the same bytes to a qcow2 backend and a raw one (the expected disk). */
static void write_both(BlockBackend *q, BlockBackend *r, uint64_t off, size_t len, unsigned seed)
{
    uint8_t *buf = xmalloc(len);

    fill(buf, len, seed);
    assert_int_equal(blk_pwrite(q, off, buf, len), 0);
    assert_int_equal(blk_pwrite(r, off, buf, len), 0);
    free(buf);
}

static void test_read_qemu_image(void **state)
{
    BlockBackend *blk;

    sh("qemu-img create -q -f qcow2 a.qcow2 64M && qemu-io -c 'write -P 0xab 0 1M' "
       "-c 'write -P 0xcd 5M 64k' -c 'write -P 0x11 40000 3000' a.qcow2");
    blk = blk_open(path("a.qcow2"), "qcow2", 0, &error_abort);
    assert_int_equal(blk_getlength(blk), 64 * MiB);
    assert_read(blk, 0, 40000, 0xab);
    assert_read(blk, 40000, 3000, 0x11);
    assert_read(blk, 43000, 1 * MiB - 43000, 0xab);
    assert_read(blk, 1 * MiB, 4 * MiB, 0);
    assert_read(blk, 5 * MiB, 64 * KiB, 0xcd);
    assert_read(blk, 64 * MiB - 512, 512, 0);
    blk_unref(blk);
}

/* A mix of writes: partial clusters, cluster-crossing, rewrites, the last byte. */
static void write_mix(BlockBackend *q, BlockBackend *r, uint64_t size)
{
    write_both(q, r, 0, 512, 1);
    write_both(q, r, 100, 70000, 2);
    write_both(q, r, 3 * MiB + 1, 200 * KiB, 3);
    write_both(q, r, 100, 10, 4);
    write_both(q, r, size - 1000, 1000, 5);
    write_both(q, r, size / 2, 1 * MiB, 6);
    write_both(q, r, size / 2 + 4096, 4096, 7);
    write_both(q, r, size / 4 + 512, 2 * MiB, 8);
}

/* Write through Kestrel, then QEMU's tools must find the image clean and equal to raw. */
static void check_writes(const char *create_opts, uint64_t size)
{
    BlockBackend *q, *r;

    sh("qemu-img create -q -f qcow2 %s w.qcow2 %llu && qemu-img create -q -f raw w.raw %llu",
       create_opts, (unsigned long long)size, (unsigned long long)size);
    q = blk_open(path("w.qcow2"), "qcow2", 0, &error_abort);
    r = blk_open(path("w.raw"), "raw", 0, &error_abort);
    write_mix(q, r, size);
    blk_unref(q);
    blk_unref(r);
    sh("qemu-img check -q w.qcow2 && qemu-img compare -q -f qcow2 -F raw w.qcow2 w.raw");
}

static void test_write_v3(void **state)
{
    check_writes("", 64 * MiB);
}

static void test_write_v2(void **state)
{
    check_writes("-o compat=0.10", 64 * MiB);
}

static void test_write_refcount_orders(void **state)
{
    check_writes("-o refcount_bits=1", 16 * MiB);
    check_writes("-o refcount_bits=64", 16 * MiB);
}

/* 512-byte clusters, 64-bit refcounts: a refcount table cluster covers 2 MiB, so it must grow. */
static void test_write_small_clusters(void **state)
{
    uint64_t reftable;

    sh("qemu-img create -q -f qcow2 -o cluster_size=512,refcount_bits=64 w.qcow2 24M");
    reftable = read_be64("w.qcow2", 48);
    check_writes("-o cluster_size=512,refcount_bits=64", 24 * MiB);
    assert_int_not_equal(read_be64("w.qcow2", 48), reftable); /* it moved: it grew */
}

static void test_backing_cow(void **state)
{
    BlockBackend *q;
    uint8_t buf[100];

    sh("qemu-img create -q -f raw base.raw 4M && qemu-io -f raw -c 'write -P 0x55 0 4M' base.raw"
       " && qemu-img create -q -f qcow2 -b base.raw -F raw top.qcow2 8M");
    q = blk_open(path("top.qcow2"), NULL, 0, &error_abort); /* probed as qcow2 */
    memset(buf, 0x77, sizeof(buf));
    assert_int_equal(blk_pwrite(q, 70000, buf, sizeof(buf)), 0);
    assert_read(q, 65536, 70000 - 65536, 0x55); /* the rest of the cluster comes from base */
    assert_read(q, 70000, 100, 0x77);
    assert_read(q, 70100, 4 * MiB - 70100, 0x55);
    assert_read(q, 4 * MiB, 4 * MiB, 0); /* past the backing file: zeros */
    blk_unref(q);
    sh("qemu-img check -q top.qcow2 && qemu-io -c 'read -P 0x55 65536 4464' "
       "-c 'read -P 0x77 70000 100' -c 'read -P 0x55 70100 60000' top.qcow2");
}

static void test_compressed_and_zero(void **state)
{
    BlockBackend *q;
    uint8_t buf[512];

    sh("qemu-img create -q -f raw src.raw 2M && qemu-io -f raw -c 'write -P 0x3c 0 2M' src.raw"
       " && qemu-img convert -c -O qcow2 src.raw c.qcow2 && qemu-io -c 'write -z 1M 128k' c.qcow2");
    q = blk_open(path("c.qcow2"), "qcow2", 0, &error_abort);
    assert_read(q, 0, 1 * MiB, 0x3c);
    assert_read(q, 1 * MiB, 128 * KiB, 0);
    assert_read(q, 1 * MiB + 128 * KiB, 1 * MiB - 128 * KiB, 0x3c);
    memset(buf, 0xe1, sizeof(buf));
    assert_int_equal(blk_pwrite(q, 4096, buf, sizeof(buf)), 0);          /* into a compressed one */
    assert_int_equal(blk_pwrite(q, 1 * MiB + 512, buf, sizeof(buf)), 0); /* into a zero one */
    assert_read(q, 0, 4096, 0x3c);
    assert_read(q, 4096, 512, 0xe1);
    assert_read(q, 4608, 60000, 0x3c);
    assert_read(q, 1 * MiB, 512, 0);
    assert_read(q, 1 * MiB + 512, 512, 0xe1);
    blk_unref(q);
    sh("qemu-img check -q c.qcow2");
}

/* Internal snapshots: listed; writes copy shared clusters, the snapshot keeps its data. */
static void test_snapshot_cow(void **state)
{
    BlockBackend *q;
    Qcow2State s = {0};

    sh("qemu-img create -q -f qcow2 s.qcow2 4M && qemu-io -c 'write -P 0x21 0 1M' s.qcow2 && "
       "qemu-img snapshot -c first s.qcow2");
    assert_true(qcow2_open_chain(&s, path("s.qcow2"), true, NULL, 0, &error_abort));
    assert_int_equal(s.nb_snapshots, 1);
    assert_string_equal(s.snapshots[0].name, "first");
    assert_string_equal(s.snapshots[0].id, "1");
    assert_int_equal(s.snapshots[0].disk_size, 4 * MiB);
    qcow2_close(&s);
    q = blk_open(path("s.qcow2"), "qcow2", 0, &error_abort);
    {
        int n;
        BlockSnapshotInfo *list = blk_snapshot_list(q, &n);

        assert_int_equal(n, 1);
        assert_string_equal(list[0].name, "first");
        assert_string_equal(list[0].id, "1");
        assert_int_equal(list[0].vm_state_size, 0);
        assert_true(list[0].date_sec > 0);
        blk_snapshot_list_free(list, n);
    }
    {
        uint8_t buf[4096];

        memset(buf, 0x42, sizeof(buf));
        assert_int_equal(blk_pwrite(q, 8192, buf, sizeof(buf)), 0);
    }
    assert_read(q, 8192, 4096, 0x42);
    assert_read(q, 12288, 100000, 0x21);
    blk_unref(q);
    sh("qemu-img check -q s.qcow2 && qemu-img snapshot -l s.qcow2 | grep -q first && "
       "qemu-img convert -l first -O raw s.qcow2 snap.raw && "
       "qemu-io -f raw -c 'read -P 0x21 0 1M' snap.raw");
}

/* Opening must fail with msg in the error. */
static void open_fails(const char *name, unsigned flags, const char *msg)
{
    Error *err = NULL;

    assert_null(blk_open(path(name), "qcow2", flags, &err));
    assert_non_null(err);
    if (!strstr(error_get_pretty(err), msg)) {
        fail_msg("error '%s' lacks '%s'", error_get_pretty(err), msg);
    }
    error_free(err);
}

static void fresh(const char *name)
{
    sh("qemu-img create -q -f qcow2 %s 16M && qemu-io -c 'write -P 1 0 64k' %s", name, name);
}

static void test_bad_headers(void **state)
{
    fresh("t.qcow2");
    sh("truncate -s 100 t.qcow2");
    open_fails("t.qcow2", 0, "truncated");
    fresh("m.qcow2");
    patch("m.qcow2", 0, "QFI\0", 4);
    open_fails("m.qcow2", 0, "Image is not in qcow2 format");
    fresh("v.qcow2");
    patch_be32("v.qcow2", 4, 4);
    open_fails("v.qcow2", 0, "unsupported version 4");
    fresh("c8.qcow2");
    patch_be32("c8.qcow2", 20, 8);
    open_fails("c8.qcow2", 0, "cluster_bits 8 out of range");
    fresh("c30.qcow2");
    patch_be32("c30.qcow2", 20, 30);
    open_fails("c30.qcow2", 0, "cluster_bits 30 out of range");
    fresh("l1.qcow2");
    patch_be32("l1.qcow2", 36, 0x7fffffff);
    open_fails("l1.qcow2", 0, "L1 table is too large");
    fresh("l1off.qcow2");
    patch_be64("l1off.qcow2", 40, 1ull << 40);
    open_fails("l1off.qcow2", 0, "past the end of the file");
    fresh("rt.qcow2");
    patch_be64("rt.qcow2", 48, 0);
    open_fails("rt.qcow2", 0, "refcount table");
    fresh("sz.qcow2");
    patch_be64("sz.qcow2", 24, 1ull << 50);
    open_fails("sz.qcow2", 0, "too small for the disk size");
    fresh("sn.qcow2");
    patch_be32("sn.qcow2", 60, 1000);
    patch_be64("sn.qcow2", 64, 3 * 65536);
    open_fails("sn.qcow2", 0, "snapshot table");
    fresh("bits.qcow2");
    patch_be64("bits.qcow2", 72, 1u << 5);
    open_fails("bits.qcow2", 0, "unsupported incompatible features: bit 5");
    fresh("ext.qcow2");
    patch_be64("ext.qcow2", 72, QCOW2_INCOMPAT_EXTL2);
    open_fails("ext.qcow2", 0, "extended L2");
    fresh("crypt.qcow2");
    patch_be32("crypt.qcow2", 32, 1);
    open_fails("crypt.qcow2", 0, "encrypted");
}

static void test_dirty_and_corrupt(void **state)
{
    BlockBackend *blk;

    fresh("d.qcow2");
    patch_be64("d.qcow2", 72, QCOW2_INCOMPAT_DIRTY);
    open_fails("d.qcow2", 0, "is dirty");
    blk = blk_open(path("d.qcow2"), "qcow2", BLK_OPEN_READONLY, &error_abort);
    assert_read(blk, 0, 64 * KiB, 1);
    blk_unref(blk);
    fresh("k.qcow2");
    patch_be64("k.qcow2", 72, QCOW2_INCOMPAT_CORRUPT);
    open_fails("k.qcow2", 0, "marked corrupt");
}

static void test_backing_loop(void **state)
{
    sh("qemu-img create -q -f qcow2 a.qcow2 1M && qemu-img create -q -f qcow2 -b a.qcow2 -F qcow2 "
       "b.qcow2 && qemu-img rebase -u -b b.qcow2 -F qcow2 a.qcow2");
    open_fails("b.qcow2", 0, "backing file loop");
    sh("qemu-img create -q -f qcow2 self.qcow2 1M && qemu-img rebase -u -b self.qcow2 -F qcow2 "
       "self.qcow2");
    open_fails("self.qcow2", 0, "loop");
}

/* Bad entries met during I/O: -EIO, and nothing written outside the image or over metadata. */
static void test_bad_entries(void **state)
{
    BlockBackend *blk;
    uint64_t l1, l2, l1_before;
    uint8_t buf[512];
    struct stat st;

    fresh("e.qcow2");
    l1 = read_be64("e.qcow2", 40);
    l2 = read_be64("e.qcow2", l1) & QCOW2_OFFSET_MASK;
    patch_be64("e.qcow2", l2, QCOW2_OFLAG_COPIED | (1ull << 40)); /* cluster 0: past EOF */
    patch_be64("e.qcow2", l2 + 8, QCOW2_OFLAG_COPIED | 0);        /* cluster 1: the header */
    patch_be64("e.qcow2", l2 + 16, QCOW2_OFLAG_COPIED | l1);      /* cluster 2: the L1 table */
    l1_before = read_be64("e.qcow2", l1);
    stat(path("e.qcow2"), &st);
    blk = blk_open(path("e.qcow2"), "qcow2", 0, &error_abort);
    assert_int_equal(blk_pread(blk, 0, buf, sizeof(buf)), -EIO);
    memset(buf, 0xff, sizeof(buf));
    assert_int_equal(blk_pwrite(blk, 0, buf, sizeof(buf)), -EIO);
    assert_int_equal(blk_pwrite(blk, 2 * 65536, buf, sizeof(buf)), -EIO);
    assert_read(blk, 3 * 65536, 512, 0); /* the rest still works */
    blk_unref(blk);
    assert_int_equal(read_be64("e.qcow2", l1), l1_before);
    assert_int_equal(read_be64("e.qcow2", 0) >> 32, QCOW2_MAGIC);
    {
        struct stat after;

        stat(path("e.qcow2"), &after);
        assert_true(after.st_size <= st.st_size);
    }
    fresh("l1e.qcow2");
    l1 = read_be64("l1e.qcow2", 40);
    patch_be64("l1e.qcow2", l1, QCOW2_OFLAG_COPIED | (1ull << 45));
    blk = blk_open(path("l1e.qcow2"), "qcow2", 0, &error_abort);
    assert_int_equal(blk_pread(blk, 0, buf, sizeof(buf)), -EIO);
    assert_int_equal(blk_pwrite(blk, 0, buf, sizeof(buf)), -EIO);
    blk_unref(blk);
}

/* discard=unmap frees whole clusters: zeros read back, the image stays clean and shrinks. */
static void test_discard(void **state)
{
    BlockBackend *q;
    struct stat full, after;

    sh("qemu-img create -q -f raw base.raw 4M && qemu-io -f raw -c 'write -P 0x55 0 4M' base.raw"
       " && qemu-img create -q -f qcow2 d.qcow2 4M && qemu-io -c 'write -P 0x66 0 2M' d.qcow2"
       " && qemu-img create -q -f qcow2 -b base.raw -F raw over.qcow2 4M"
       " && qemu-io -c 'write -P 0x66 0 2M' over.qcow2");
    stat(path("d.qcow2"), &full);
    q = blk_open(path("d.qcow2"), "qcow2", BLK_OPEN_DISCARD_UNMAP, &error_abort);
    assert_int_equal(blk_discard(q, 100, 1 * MiB), 0); /* clusters 1..15 of 64 KiB */
    assert_read(q, 0, 65536, 0x66);                    /* partial: kept */
    assert_read(q, 65536, 15 * 65536, 0);
    assert_read(q, 1 * MiB, 1 * MiB, 0x66);
    blk_unref(q);
    sh("qemu-img check -q d.qcow2");
    stat(path("d.qcow2"), &after);
    assert_true(after.st_blocks < full.st_blocks);
    q = blk_open(path("over.qcow2"), "qcow2", BLK_OPEN_DISCARD_UNMAP, &error_abort);
    assert_int_equal(blk_discard(q, 0, 1 * MiB), 0);
    assert_read(q, 0, 1 * MiB, 0); /* zero clusters: the backing file does not show through */
    assert_read(q, 1 * MiB, 1 * MiB, 0x66);
    assert_read(q, 2 * MiB, 2 * MiB, 0x55);
    blk_unref(q);
    sh("qemu-img check -q over.qcow2 && qemu-io -c 'read -P 0 0 1M' over.qcow2");
}

static void test_probe(void **state)
{
    BlockBackend *blk;
    uint8_t magic[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 3};

    sh("qemu-img create -q -f raw r.raw 1M");
    blk = blk_open(path("r.raw"), NULL, 0, &error_abort);
    {
        int n = -1;

        assert_null(blk_snapshot_list(blk, &n)); /* raw has no snapshots */
        assert_int_equal(n, 0);
    }
    assert_int_equal(blk_pwrite(blk, 0, magic, sizeof(magic)), -EPERM);
    assert_int_equal(blk_pwrite(blk, 512, magic, sizeof(magic)), 0);
    blk_unref(blk);
    blk = blk_open(path("r.raw"), "raw", 0, &error_abort); /* explicit raw: no restriction */
    assert_int_equal(blk_pwrite(blk, 0, magic, sizeof(magic)), 0);
    blk_unref(blk);
}

static void blockdev_fails(const char *opt, const char *msg)
{
    Error *err = NULL;

    assert_false(blockdev_add(opt, &err));
    assert_non_null(err);
    if (!strstr(error_get_pretty(err), msg)) {
        fail_msg("-blockdev %s: '%s' lacks '%s'", opt, error_get_pretty(err), msg);
    }
    error_free(err);
}

static void test_blockdev(void **state)
{
    char *opt;

    fresh("b.qcow2");
    opt = xasprintf("driver=qcow2,node-name=q0,file.driver=file,file.filename=%s", path("b.qcow2"));
    assert_true(blockdev_add(opt, &error_abort));
    assert_string_equal(blk_format_name(blk_by_name("q0")), "qcow2");
    assert_int_equal(blk_getlength(blk_by_name("q0")), 16 * MiB);
    assert_read(blk_by_name("q0"), 0, 64 * KiB, 1);
    blockdev_fails(opt, "Duplicate nodes with node-name='q0'");
    free(opt);
    blk_unref_all();

    opt = xasprintf("{\"driver\": \"raw\", \"node-name\": \"r0\", \"read-only\": true, "
                    "\"file\": {\"driver\": \"file\", \"filename\": \"%s\"}}",
                    path("b.qcow2"));
    assert_true(blockdev_add(opt, &error_abort));
    assert_string_equal(blk_format_name(blk_by_name("r0")), "raw"); /* the qcow2 file as bytes */
    assert_true(blk_is_read_only(blk_by_name("r0")));
    {
        struct stat st;

        assert_int_equal(stat(path("b.qcow2"), &st), 0);
        assert_int_equal(blk_getlength(blk_by_name("r0")), st.st_size);
    }
    free(opt);
    blk_unref_all();

    /* A format node over a file node by name takes it over. */
    opt = xasprintf("driver=file,node-name=f0,filename=%s", path("b.qcow2"));
    assert_true(blockdev_add(opt, &error_abort));
    assert_true(blockdev_add("driver=qcow2,node-name=q1,file=f0", &error_abort));
    assert_null(blk_by_name("f0"));
    assert_string_equal(blk_format_name(blk_by_name("q1")), "qcow2");
    free(opt);
    blk_unref_all();

    blockdev_fails("node-name=x", "Parameter 'driver' is missing");
    blockdev_fails("driver=vmdk,node-name=x", "Parameter 'driver' does not accept value 'vmdk'");
    blockdev_fails("driver=file,node-name=x", "Parameter 'filename' is missing");
    blockdev_fails("driver=file,filename=/x", "'node-name' must be specified for the root node");
    blockdev_fails("driver=qcow2,node-name=q,file=nope", "Cannot find device='nope'");
    blockdev_fails("driver=qcow2,node-name=q", "Parameter 'file' is missing");
    blockdev_fails("driver=file,node-name=x,filename=/x,bogus=1",
                   "Parameter 'bogus' is unexpected");
    blockdev_fails("{\"driver\": [1]}", "Invalid parameter type");
    blockdev_fails("{\"driver\": ", "JSON parse error");
    blockdev_fails("driver=file,node-name=x,filename=/nonexistent",
                   "Could not open '/nonexistent'");
    assert_null(blk_by_name("x"));
}

/* rerror/werror=ignore: the guest sees success although the request failed. */
static void test_error_actions(void **state)
{
    char *dev, *opt;
    uint8_t buf[512];
    Error *err = NULL;

    fresh("e.qcow2");
    patch_be64("e.qcow2", read_be64("e.qcow2", 40) & QCOW2_OFFSET_MASK,
               QCOW2_OFLAG_COPIED | (1ull << 40));
    opt = xasprintf("file=%s,format=qcow2,id=rep", path("e.qcow2"));
    assert_true(drive_new(opt, false, &dev, &error_abort));
    assert_int_equal(blk_pread(blk_by_name("rep"), 0, buf, sizeof(buf)), -EIO);
    free(opt);
    blk_unref_all();
    opt = xasprintf("file=%s,format=qcow2,id=ign,rerror=ignore,werror=ignore", path("e.qcow2"));
    assert_true(drive_new(opt, false, &dev, &error_abort));
    assert_int_equal(blk_pread(blk_by_name("ign"), 0, buf, sizeof(buf)), 0);
    assert_int_equal(blk_pwrite(blk_by_name("ign"), 0, buf, sizeof(buf)), 0);
    free(opt);
    blk_unref_all();
    opt = xasprintf("file=%s,format=qcow2,rerror=enospc", path("e.qcow2"));
    assert_false(drive_new(opt, false, &dev, &err));
    assert_string_equal(error_get_pretty(err), "'enospc' invalid read error action");
    error_free(err);
    free(opt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_qemu_image, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_write_v3, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_write_v2, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_write_refcount_orders, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_write_small_clusters, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_backing_cow, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_compressed_and_zero, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_snapshot_cow, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_bad_headers, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_dirty_and_corrupt, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_backing_loop, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_bad_entries, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_discard, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_probe, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_blockdev, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_error_actions, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
