/*
 * Fuzzer: the qcow2 driver on an untrusted image (block/qcow2*.c): open, a few reads, and (if
 * it opened read/write) a few writes or discards, each followed by a read of the same range.
 *
 * Input: byte 0 bit 0 set: the rest of the input is the image file. Clear: a valid image built
 * below (512-byte clusters: header with a feature table, L1, refcount table and block, an L2
 * table with a data, a compressed and a zero cluster, a snapshot table) is patched by the rest
 * of the input, as records [u16 offset][u8 length][bytes], until a record of length 0; what
 * follows it chooses the requests. So the fuzzer starts from a good image and breaks one
 * structure at a time.
 *
 * Checked: no crash or sanitizer report; every request returns 0 or a negative errno; writes
 * never change the header outside the fields the driver may update (refcount table location,
 * auto-clear bits) and never grow the file without bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <zlib.h>

#include "block/qcow2.h"
#include "fuzz-common.h"

#define CS 512
#define IMG_CLUSTERS 9
#define DISK_SIZE (64 * KiB)

static void put64(uint8_t *img, size_t off, uint64_t v)
{
    qcow2_put_be64(img + off, v);
}

static void put32(uint8_t *img, size_t off, uint32_t v)
{
    qcow2_put_be32(img + off, v);
}

/* A deflate stream of one cluster of 0x3c bytes at img+off; returns its length. */
static size_t put_compressed(uint8_t *img, size_t off)
{
    uint8_t plain[CS];
    z_stream z = {0};
    size_t len;

    memset(plain, 0x3c, sizeof(plain));
    FUZZ_CHECK(deflateInit2(&z, 9, Z_DEFLATED, -12, 9, Z_DEFAULT_STRATEGY) == Z_OK, "deflate");
    z.next_in = plain, z.avail_in = CS;
    z.next_out = img + off, z.avail_out = CS;
    FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
    len = CS - z.avail_out;
    deflateEnd(&z);
    return len;
}

static void build_template(uint8_t *img)
{
    size_t clen;

    memset(img, 0, IMG_CLUSTERS * CS);
    put32(img, 0, QCOW2_MAGIC);
    put32(img, 4, 3);
    put32(img, 20, 9);         /* cluster_bits */
    put64(img, 24, DISK_SIZE); /* two L2 tables' worth */
    put32(img, 36, 2);         /* l1_size */
    put64(img, 40, 1 * CS);    /* L1 */
    put64(img, 48, 2 * CS);    /* refcount table */
    put32(img, 56, 1);         /* refcount_table_clusters */
    put32(img, 60, 1);         /* nb_snapshots */
    put64(img, 64, 8 * CS);    /* snapshot table */
    put32(img, 96, 4);         /* refcount_order */
    put32(img, 100, 104);      /* header_length */
    put32(img, 104, QCOW2_EXT_FEATURE_TABLE);
    put32(img, 108, 48);
    memcpy(img + 114, "dirty bit", 9);               /* incompatible bit 0 */
    put64(img, 1 * CS, QCOW2_OFLAG_COPIED | 4 * CS); /* L1[0] -> L2 at cluster 4 */
    put64(img, 2 * CS, 3 * CS);                      /* refcount block at cluster 3 */
    for (int c = 0; c < IMG_CLUSTERS; c++) {
        img[3 * CS + 2 * c + 1] = 1;
    }
    put64(img, 4 * CS, QCOW2_OFLAG_COPIED | 5 * CS); /* data */
    memset(img + 5 * CS, 0xa5, CS);
    clen = put_compressed(img, 6 * CS + 100);
    put64(img, 4 * CS + 8, QCOW2_OFLAG_COMPRESSED | (6 * CS + 100) | ((clen + 100) / 512) << 61);
    put64(img, 4 * CS + 16, QCOW2_OFLAG_ZERO);
    put64(img, 8 * CS, 1 * CS); /* snapshot: L1 (the active one, as a stand-in) */
    put32(img, 8 * CS + 8, 2);
    img[8 * CS + 13] = 1, img[8 * CS + 15] = 1; /* id and name lengths */
    put32(img, 8 * CS + 36, 16);                /* extra data: vm state size, disk size */
    put64(img, 8 * CS + 48, DISK_SIZE);
    img[8 * CS + 56] = '1', img[8 * CS + 57] = 's';
}

/* The image the input describes (malloc'd, *len bytes); in is left at the request bytes. */
static uint8_t *make_image(FuzzIn *in, size_t *len)
{
    uint8_t *img;

    if (fuzz_u8(in) & 1) {
        *len = in->left;
        img = malloc(*len + 1);
        memcpy(img, in->p, *len);
        in->p += *len, in->left = 0;
        return img;
    }
    static uint8_t template[IMG_CLUSTERS * CS];
    static bool built;

    if (!built) {
        build_template(template); /* once: deflate's set-up dominated each run */
        built = true;
    }
    *len = IMG_CLUSTERS * CS;
    img = malloc(*len);
    memcpy(img, template, *len);
    for (;;) {
        uint16_t off = fuzz_u16(in) % *len;
        uint8_t n = fuzz_u8(in);

        if (!n || !in->left) {
            return img;
        }
        for (uint8_t i = 0; i < n; i++) {
            uint8_t b = fuzz_u8(in);

            if (off + i < *len) {
                img[off + i] = b;
            }
        }
    }
}

/* The header bytes the driver may not change (all but 48..59 and 88..95). */
static void header_snapshot(int fd, uint8_t *out)
{
    memset(out, 0, CS);
    FUZZ_CHECK(pread(fd, out, CS, 0) >= 0, "pread");
    memset(out + 48, 0, 12);
    memset(out + 88, 0, 8);
}

static void requests(Qcow2State *s, FuzzIn *in, int fd)
{
    uint8_t buf[4096], before[CS], after[CS];
    uint64_t size = s->size ? s->size : 1;
    struct stat st;
    off_t start;

    fstat(fd, &st);
    start = st.st_size;
    header_snapshot(fd, before);
    for (int i = 0; i < 6; i++) {
        uint64_t off = (i < 3 ? (uint64_t)i * CS : fuzz_u64(in)) % size;
        size_t len = MIN(fuzz_u16(in) % sizeof(buf) + 1, size - off);
        int ret = bdrv_qcow2.pread(s, off, buf, len);

        FUZZ_CHECK(ret == 0 || (ret < 0 && ret > -4096), "read returned %d", ret);
        uint8_t op = fuzz_u8(in);

        if (s->read_only || !(op & 1)) {
            continue;
        }
        memset(buf, 0x5a ^ i, len);
        ret = op & 2 ? bdrv_qcow2.discard(s, off, len * 16) : bdrv_qcow2.pwrite(s, off, buf, len);
        FUZZ_CHECK(ret == 0 || (ret < 0 && ret > -4096), "write/discard returned %d", ret);
        ret = bdrv_qcow2.pread(s, off, buf, len);
        FUZZ_CHECK(ret == 0 || (ret < 0 && ret > -4096), "read returned %d", ret);
    }
    header_snapshot(fd, after);
    FUZZ_CHECK(!memcmp(before, after, CS), "the header changed");
    fstat(fd, &st);
    FUZZ_CHECK(st.st_size <= start + 64 * (int64_t)MiB, "the file grew by %lld bytes",
               (long long)(st.st_size - start));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzIn in = {data, size};
    size_t len;
    uint8_t *img = make_image(&in, &len);
    const char *path = fuzz_file(img, len);
    bool read_only = in.left && (fuzz_u8(&in) & 1);
    Qcow2State *s = calloc(1, sizeof(*s));
    Error *err = NULL;

    if (bdrv_qcow2.open(s, path, read_only, &err)) {
        int fd = open(path, O_RDONLY | O_CLOEXEC);

        FUZZ_CHECK(fd >= 0, "reopen");
        requests(s, &in, fd);
        close(fd);
        bdrv_qcow2.close(s);
    } else {
        FUZZ_CHECK(err && strstr(error_get_pretty(err), "/proc/self/fd/"),
                   "the open error names no file: %s", err ? error_get_pretty(err) : "(none)");
        error_free(err);
    }
    free(s);
    free(img);
    return 0;
}
