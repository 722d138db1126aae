/*
 * Unit tests for asynchronous block I/O: the worker pool (completion order,
 * exactly one callback per request, cancellation of requests not started,
 * drain) and blk_aio_* on raw, snapshot and qcow2 images (data round trip,
 * callbacks never run inside the submitting call, errors with rerror/werror,
 * write-zeroes and discard reaching the file as holes or zeroed ranges,
 * detect-zeroes, a kick that returns while the image is busy).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "block/block_int.h"
#include "block/thread-pool.h"

#define IMG_SIZE (4 * MiB)

/* ---- the pool ---- */

typedef struct Job {
    sem_t go;      /* posted by the test to let the job finish */
    sem_t started; /* posted by the job when a worker has it */
    bool gated;
    int ret;
    int cb_ret;
    int cb_calls;
    int *order; /* completion log */
    int *norder;
    int id;
} Job;

static int job_run(void *opaque)
{
    Job *j = opaque;

    sem_post(&j->started);
    if (j->gated) {
        sem_wait(&j->go);
    }
    return j->ret;
}

static void job_done(void *opaque, int ret)
{
    Job *j = opaque;

    j->cb_ret = ret;
    j->cb_calls++;
    j->order[(*j->norder)++] = j->id;
}

static void job_init(Job *j, int id, bool gated, int ret, int *order, int *norder)
{
    memset(j, 0, sizeof(*j));
    sem_init(&j->go, 0, 0);
    sem_init(&j->started, 0, 0);
    j->id = id;
    j->gated = gated;
    j->ret = ret;
    j->order = order;
    j->norder = norder;
}

static void pool_drain(ThreadPool *pool)
{
    while (thread_pool_pending(pool)) {
        if (!thread_pool_run_completions(pool)) {
            thread_pool_wait(pool);
        }
    }
}

/* A request that finishes later completes later: callbacks follow completion order. */
static void test_pool_completion_order(void **state)
{
    ThreadPool *pool = thread_pool_new(2);
    int order[2], n = 0;
    Job slow, fast;

    job_init(&slow, 1, true, 0, order, &n);
    job_init(&fast, 2, false, -EIO, order, &n);
    thread_pool_submit(pool, job_run, &slow, job_done, &slow);
    sem_wait(&slow.started);
    thread_pool_submit(pool, job_run, &fast, job_done, &fast);
    assert_int_equal(slow.cb_calls + fast.cb_calls, 0); /* never inside submit */
    while (fast.cb_calls == 0) {
        thread_pool_wait(pool);
        thread_pool_run_completions(pool);
    }
    assert_int_equal(slow.cb_calls, 0);
    sem_post(&slow.go);
    pool_drain(pool);
    assert_int_equal(n, 2);
    assert_int_equal(order[0], 2);
    assert_int_equal(order[1], 1);
    assert_int_equal(fast.cb_ret, -EIO); /* the job's return value reaches the callback */
    assert_int_equal(slow.cb_calls, 1);
    thread_pool_free(pool);
}

/* One worker, busy: the queued requests can be taken back, the running one cannot. */
static void test_pool_cancel(void **state)
{
    ThreadPool *pool = thread_pool_new(1);
    int order[3], n = 0;
    Job running, queued, kept;
    ThreadPoolRequest *r_running, *r_queued;

    job_init(&running, 1, true, 0, order, &n);
    job_init(&queued, 2, false, 0, order, &n);
    job_init(&kept, 3, false, 7, order, &n);
    r_running = thread_pool_submit(pool, job_run, &running, job_done, &running);
    sem_wait(&running.started);
    r_queued = thread_pool_submit(pool, job_run, &queued, job_done, &queued);
    thread_pool_submit(pool, job_run, &kept, job_done, &kept);
    assert_true(thread_pool_cancel(pool, r_queued));
    assert_false(thread_pool_cancel(pool, r_running));
    assert_int_equal(queued.cb_calls, 0); /* the -ECANCELED callback comes later too */
    sem_post(&running.go);
    pool_drain(pool);
    assert_int_equal(n, 3);
    assert_int_equal(queued.cb_ret, -ECANCELED);
    assert_int_equal(sem_trywait(&queued.started), -1); /* it never ran */
    assert_int_equal(running.cb_ret, 0);
    assert_int_equal(kept.cb_ret, 7);
    assert_int_equal(running.cb_calls + queued.cb_calls + kept.cb_calls, 3);
    thread_pool_free(pool);
}

/* Many requests on several workers: each gets exactly one callback; free drains first. */
static void test_pool_many(void **state)
{
    enum { N = 64 };
    ThreadPool *pool = thread_pool_new(4);
    static Job jobs[N];
    int order[N], n = 0;

    for (int i = 0; i < N; i++) {
        job_init(&jobs[i], i, false, i, order, &n);
        thread_pool_submit(pool, job_run, &jobs[i], job_done, &jobs[i]);
    }
    thread_pool_free(pool); /* waits for all and runs their callbacks */
    assert_int_equal(n, N);
    for (int i = 0; i < N; i++) {
        assert_int_equal(jobs[i].cb_calls, 1);
        assert_int_equal(jobs[i].cb_ret, i);
    }
}

/* ---- blk_aio ---- */

#define IMAGE_DIR_TEMPLATE "/tmp/kestrel-test-aio-XXXXXX"
#include "test-image-dir.h"

/* dir/name, malloc'd (the caller frees it). */
static char *path_dup(const char *name)
{
    return xstrdup(path(name));
}

/* A raw image of IMG_SIZE bytes, every byte 0x5a, fully allocated. */
static char *make_raw(const char *name)
{
    char *p = path_dup(name);
    uint8_t buf[64 * KiB];
    int fd = open(p, O_CREAT | O_TRUNC | O_WRONLY, 0600);

    memset(buf, 0x5a, sizeof(buf));
    for (uint64_t off = 0; off < IMG_SIZE; off += sizeof(buf)) {
        assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
    }
    close(fd);
    return p;
}

typedef struct Result {
    int ret;
    int calls;
} Result;

static void aio_done(void *opaque, int ret)
{
    Result *r = opaque;

    r->ret = ret;
    r->calls++;
}

/* Wait for r's callback the way a device would see it: from a drain. */
static int aio_wait(BlockBackend *blk, Result *r)
{
    assert_int_equal(r->calls, 0); /* the callback never runs inside blk_aio_* */
    blk_drain(blk);
    assert_int_equal(r->calls, 1);
    return r->ret;
}

static uint64_t file_blocks(const char *p)
{
    struct stat st;

    assert_int_equal(stat(p, &st), 0);
    return st.st_blocks;
}

static uint8_t file_byte(const char *p, off_t off)
{
    uint8_t b = 0xee;
    int fd = open(p, O_RDONLY);

    assert_int_equal(pread(fd, &b, 1, off), 1);
    close(fd);
    return b;
}

static void test_aio_read_write(void **state)
{
    char *img = make_raw("rw.img");
    BlockBackend *blk = blk_open(img, "raw", 0, &error_abort);
    uint8_t a[1024], b[3000], back[4024];
    struct iovec wiov[2] = {{a, sizeof(a)}, {b, sizeof(b) - 952}}; /* 3072 bytes */
    struct iovec riov[2] = {{back, 100}, {back + 100, 2972}};
    Result r = {0};

    memset(a, 0x11, sizeof(a));
    memset(b, 0x22, sizeof(b));
    blk_aio_pwritev(blk, 4096, wiov, 2, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    r = (Result){0};
    blk_aio_preadv(blk, 4096, riov, 2, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(back[0], 0x11);
    assert_int_equal(back[1023], 0x11);
    assert_int_equal(back[1024], 0x22);
    assert_int_equal(back[3071], 0x22);
    /* Flushed after the write completed: the file holds it. */
    r = (Result){0};
    blk_aio_flush(blk, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 4096 + 1023), 0x11);
    assert_int_equal(file_byte(img, 4096 + 3072), 0x5a);
    /* Out of range and read-only requests fail, through the callback too. */
    r = (Result){0};
    blk_aio_preadv(blk, IMG_SIZE - 512, riov, 2, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), -EINVAL);
    blk_unref(blk);
    blk = blk_open(img, "raw", BLK_OPEN_READONLY, &error_abort);
    r = (Result){0};
    blk_aio_pwritev(blk, 0, wiov, 1, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), -EROFS);
    blk_unref(blk);
    free(img);
}

/* Writes in flight everywhere at once; blk_unref drains before it closes. */
static void test_aio_many_then_unref(void **state)
{
    enum { N = 256 };
    char *img = make_raw("many.img");
    BlockBackend *blk = blk_open(img, "raw", 0, &error_abort);
    static uint8_t bufs[N][512];
    static struct iovec iov[N];
    static Result r[N];

    for (int i = 0; i < N; i++) {
        memset(bufs[i], i, sizeof(bufs[i]));
        iov[i] = (struct iovec){bufs[i], sizeof(bufs[i])};
        r[i] = (Result){.ret = 1};
        blk_aio_pwritev(blk, i * 8192, &iov[i], 1, 0, aio_done, &r[i]);
    }
    blk_unref(blk);
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].calls, 1);
        assert_int_equal(r[i].ret, 0);
        assert_int_equal(file_byte(img, i * 8192 + 511), (uint8_t)i);
    }
    free(img);
}

/* rerror/werror: report gives the caller the error, ignore completes it as done. */
static void test_aio_error_actions(void **state)
{
    char *img = make_raw("err.img");
    char *rules = path_dup("rules.conf");
    char *name = xasprintf("blkdebug:%s:%s", rules, img);
    FILE *fp = fopen(rules, "w");
    uint8_t buf[512] = {0};
    struct iovec iov = {buf, sizeof(buf)};
    BlockBackend *blk;
    Result r = {0};

    fputs("[inject-error]\nevent = \"read_aio\"\nerrno = \"5\"\n"
          "[inject-error]\nevent = \"write_aio\"\nerrno = \"28\"\n",
          fp);
    fclose(fp);
    blk = blk_open(name, "raw", 0, &error_abort);
    blk_aio_preadv(blk, 0, &iov, 1, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), -EIO);
    r = (Result){0};
    blk_aio_pwritev(blk, 0, &iov, 1, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), -ENOSPC);
    blk_set_on_error(blk, BLOCK_ERROR_IGNORE, BLOCK_ERROR_IGNORE);
    r = (Result){0};
    blk_aio_preadv(blk, 0, &iov, 1, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    r = (Result){0};
    blk_aio_pwritev(blk, 0, &iov, 1, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    blk_unref(blk);
    free(name);
    free(rules);
    free(img);
}

/* A busy image (its lock held, as by a long qcow2 request): submit returns at once, and
 * the requests queued behind it can be cancelled while they wait. */
static void test_aio_busy_image(void **state)
{
    char *img = make_raw("busy.img");
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_SNAPSHOT, &error_abort);
    uint8_t buf[512];
    struct iovec iov = {buf, sizeof(buf)};
    Result r[THREAD_POOL_MAX_WORKERS + 1] = {0};
    BlockAIOCB *last = NULL;

    assert_true(blk_serialized(blk));
    pthread_mutex_lock(&blk->lock);
    /* Every worker ends up waiting for the lock; the last request stays queued. */
    for (int i = 0; i <= THREAD_POOL_MAX_WORKERS; i++) {
        last = blk_aio_preadv(blk, 0, &iov, 1, aio_done, &r[i]);
    }
    assert_int_equal(r[0].calls, 0);
    /* Workers take requests in order, and none of the first ones can finish: the last
     * one is still queued whether or not every worker has reached the lock yet. */
    assert_true(blk_aio_cancel_async(last));
    pthread_mutex_unlock(&blk->lock);
    blk_drain(blk);
    for (int i = 0; i < THREAD_POOL_MAX_WORKERS; i++) {
        assert_int_equal(r[i].calls, 1);
        assert_int_equal(r[i].ret, 0);
    }
    assert_int_equal(r[THREAD_POOL_MAX_WORKERS].ret, -ECANCELED);
    blk_unref(blk);
    free(img);
}

/* Write-zeroes: a hole with unmap allowed, a zeroed allocated range without. */
static void test_aio_write_zeroes_raw(void **state)
{
    char *img = make_raw("zero.img");
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_DISCARD_UNMAP, &error_abort);
    uint64_t full = file_blocks(img);
    Result r = {0};

    blk_aio_pwrite_zeroes(blk, 1 * MiB, 1 * MiB, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 1 * MiB), 0);
    assert_int_equal(file_byte(img, 2 * MiB - 1), 0);
    assert_int_equal(file_byte(img, 2 * MiB), 0x5a);
    assert_int_equal(file_blocks(img), full); /* no unmap asked: still allocated */
    r = (Result){0};
    blk_aio_pwrite_zeroes(blk, 2 * MiB, 1 * MiB, BDRV_REQ_MAY_UNMAP, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 2 * MiB + 4096), 0);
    assert_true(file_blocks(img) <= full - 2048 + 16); /* 1 MiB (2048 blocks) became a hole */
    r = (Result){0};
    blk_aio_pdiscard(blk, 0, 1 * MiB, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_true(file_blocks(img) <= full - 4096 + 16);
    blk_unref(blk);
    free(img);
}

/* discard=ignore: neither discard nor write-zeroes may deallocate. */
static void test_aio_discard_ignore(void **state)
{
    char *img = make_raw("keep.img");
    BlockBackend *blk = blk_open(img, "raw", 0, &error_abort);
    uint64_t full = file_blocks(img);
    Result r = {0};

    blk_aio_pdiscard(blk, 0, 1 * MiB, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 0), 0x5a);
    r = (Result){0};
    blk_aio_pwrite_zeroes(blk, 0, 1 * MiB, BDRV_REQ_MAY_UNMAP, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 0), 0);
    assert_int_equal(file_blocks(img), full);
    blk_unref(blk);
    free(img);
}

/* detect-zeroes=unmap: a write of zeroes becomes a hole. */
static void test_aio_detect_zeroes(void **state)
{
    char *img = make_raw("detect.img");
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_DISCARD_UNMAP, &error_abort);
    uint64_t full = file_blocks(img);
    static uint8_t zeroes[1 * MiB];
    struct iovec iov = {zeroes, sizeof(zeroes)};
    Result r = {0};

    blk_set_detect_zeroes(blk, BLOCKDEV_DETECT_ZEROES_UNMAP);
    blk_aio_pwritev(blk, 0, &iov, 1, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 0), 0);
    assert_true(file_blocks(img) <= full - 2048 + 16);
    blk_unref(blk);
    free(img);
}

/* qcow2: write-zeroes frees whole clusters, zeroes partial ones; qemu-img check is clean. */
static void test_aio_write_zeroes_qcow2(void **state)
{
    char *img = path_dup("z.qcow2");
    char *cmd = xasprintf("qemu-img create -q -f qcow2 %s 4M && qemu-io -c 'write -P 0x77 0 4M' "
                          "%s >/dev/null",
                          img, img);
    BlockBackend *blk;
    uint8_t buf[512];
    Result r = {0};

    assert_int_equal(system(cmd), 0);
    free(cmd);
    blk = blk_open(img, "qcow2", BLK_OPEN_DISCARD_UNMAP, &error_abort);
    blk_aio_pwrite_zeroes(blk, 65536 - 512, 3 * 65536, BDRV_REQ_MAY_UNMAP, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(blk_pread(blk, 65536 - 512, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0);
    assert_int_equal(blk_pread(blk, 65536 - 1024, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0x77);
    assert_int_equal(blk_pread(blk, 4 * 65536 - 1024, buf, sizeof(buf)), 0);
    assert_int_equal(buf[511], 0);
    assert_int_equal(blk_pread(blk, 4 * 65536 - 512, buf, sizeof(buf)), 0);
    assert_int_equal(buf[0], 0x77);
    blk_unref(blk);
    cmd = xasprintf("qemu-img check -q %s && qemu-io -c 'read -P 0 65024 196608' -c 'read -P "
                    "0x77 0 65024' %s | grep -q 'read 196608/196608'",
                    img, img);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(img);
}

/* Is fd open with O_DIRECT? (the flags line of /proc/self/fdinfo, in octal) */
static bool fd_is_direct(const char *img)
{
    char link[PATH_MAX], target[PATH_MAX], line[256];
    bool direct = false;

    for (int fd = 3; fd < 1024 && !direct; fd++) {
        FILE *f;
        ssize_t n;

        snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        n = readlink(link, target, sizeof(target) - 1);
        if (n < 0) {
            continue;
        }
        target[n] = 0;
        if (strcmp(target, img)) {
            continue;
        }
        snprintf(link, sizeof(link), "/proc/self/fdinfo/%d", fd);
        f = fopen(link, "r");
        while (f && fgets(line, sizeof(line), f)) {
            unsigned long flags;

            if (sscanf(line, "flags: %lo", &flags) == 1) {
                direct = flags & O_DIRECT;
            }
        }
        if (f) {
            fclose(f);
        }
    }
    return direct;
}

/* cache.direct=on: O_DIRECT, and requests it cannot take as they are (odd buffer
 * addresses, 512-byte pieces) still read and write the right bytes. */
static void test_aio_direct(void **state)
{
    char *img = make_raw("direct.img");
    BlockBackend *blk = blk_open(img, "raw", BLK_OPEN_DIRECT, &error_abort);
    static uint8_t buf[3 * 4096 + 1];
    uint8_t *odd = buf + 1; /* misaligned for O_DIRECT */
    struct iovec iov = {odd, 1536};
    Result r = {0};

    assert_true(fd_is_direct(img));
    memset(odd, 0x3c, 1536);
    blk_aio_pwritev(blk, 4096 + 512, &iov, 1, 0, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(file_byte(img, 4096 + 511), 0x5a);
    assert_int_equal(file_byte(img, 4096 + 512), 0x3c);
    assert_int_equal(file_byte(img, 4096 + 2047), 0x3c);
    assert_int_equal(file_byte(img, 4096 + 2048), 0x5a);
    memset(buf, 0, sizeof(buf));
    iov.iov_len = 2048;
    r = (Result){0};
    blk_aio_preadv(blk, 4096, &iov, 1, aio_done, &r);
    assert_int_equal(aio_wait(blk, &r), 0);
    assert_int_equal(odd[511], 0x5a);
    assert_int_equal(odd[512], 0x3c);
    assert_int_equal(odd[2047], 0x3c);
    blk_unref(blk);
    free(img);
}

/* The write cache follows cache=: writethrough turns it off; the device may switch it. */
static void test_write_cache_modes(void **state)
{
    char *img = make_raw("wce.img");
    char *opt = xasprintf("file=%s,format=raw,if=none,id=wt,cache=writethrough", img);
    char *devopts;
    BlockBackend *blk;

    assert_true(drive_new(opt, false, &devopts, &error_abort));
    blk = blk_by_name("wt");
    assert_false(blk_enable_write_cache(blk));
    assert_int_equal(blk_write_flags(blk), BDRV_REQ_FUA);
    blk_set_enable_write_cache(blk, true);
    assert_int_equal(blk_write_flags(blk), 0);
    blk_unref(blk);
    free(opt);
    free(img);
}

/* detect-zeroes= on -drive and -blockdev; unmap needs discard=unmap, as QEMU says. */
static void test_detect_zeroes_options(void **state)
{
    char *img = make_raw("dzopt.img");
    char *opt = xasprintf("driver=file,node-name=dz,filename=%s,discard=unmap,"
                          "detect-zeroes=unmap",
                          img);
    char *devopts;
    Error *err = NULL;

    assert_true(blockdev_add(opt, &error_abort));
    assert_int_equal(blk_by_name("dz")->detect_zeroes, BLOCKDEV_DETECT_ZEROES_UNMAP);
    blk_unref(blk_by_name("dz"));
    free(opt);
    opt = xasprintf("driver=file,node-name=dz2,filename=%s,detect-zeroes=unmap", img);
    assert_false(blockdev_add(opt, &err));
    assert_non_null(strstr(error_get_pretty(err), "without setting discard operation to unmap"));
    error_free(err);
    err = NULL;
    free(opt);
    opt = xasprintf("file=%s,format=raw,id=dz3,detect-zeroes=maybe", img);
    assert_false(drive_new(opt, false, &devopts, &err));
    assert_non_null(strstr(error_get_pretty(err), "'maybe'"));
    error_free(err);
    free(opt);
    opt = xasprintf("file=%s,format=raw,id=dz4,detect-zeroes=on", img);
    assert_true(drive_new(opt, false, &devopts, &error_abort));
    assert_int_equal(blk_by_name("dz4")->detect_zeroes, BLOCKDEV_DETECT_ZEROES_ON);
    blk_unref(blk_by_name("dz4"));
    free(opt);
    free(img);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool_completion_order),
        cmocka_unit_test(test_pool_cancel),
        cmocka_unit_test(test_pool_many),
        cmocka_unit_test(test_aio_read_write),
        cmocka_unit_test(test_aio_many_then_unref),
        cmocka_unit_test(test_aio_error_actions),
        cmocka_unit_test(test_aio_busy_image),
        cmocka_unit_test(test_aio_write_zeroes_raw),
        cmocka_unit_test(test_aio_discard_ignore),
        cmocka_unit_test(test_aio_detect_zeroes),
        cmocka_unit_test(test_aio_write_zeroes_qcow2),
        cmocka_unit_test(test_aio_direct),
        cmocka_unit_test(test_write_cache_modes),
        cmocka_unit_test(test_detect_zeroes_options),
    };

    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
