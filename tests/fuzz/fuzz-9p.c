/*
 * Fuzzer: the 9P2000.L server (hw/9pfs/9p.c, 9p-file.c, 9p-local.c) with the messages a
 * hostile guest can send, against a real share on the host: a file, a directory, a symlink
 * out of the share (relative) and one absolute; beside the share an "outside" directory
 * holding a secret.
 *
 * Input: messages, each a u16 length then that many bytes (the server reads the size field
 * itself, so lying sizes are part of the test). Before them the harness sends Tversion and
 * Tattach fid 0 (security_model=none), so the fuzzer starts inside a session; every fourth
 * input runs on a mapped-xattr share instead.
 *
 * Checked: no crash, leak or sanitizer report; every reply fits the buffer, its size field
 * is its length and its type is the request's + 1 or Rlerror; and nothing outside the share
 * changes (the outside directory holds exactly the secret, unchanged).
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "fuzz-common.h"
#include "hw/9pfs/9p.h"

#define REPLY_CAP 8192
#define SECRET "secret-outside-the-share\n"

static char top[64], share[96], outside[96];

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    return remove(path);
}

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    FUZZ_CHECK(fd >= 0, "cannot create %s", path);
    FUZZ_CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "short write");
    close(fd);
}

static void remove_top(void)
{
    nftw(top, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh share for every input (the previous one may have anything in it). */
static void make_share(void)
{
    char path[160];

    if (!top[0]) {
        /* tmpfs: thousands of inputs each remake the share, no journal to wait for */
        strcpy(top, access("/dev/shm", W_OK) == 0 ? "/dev/shm/kestrel-fuzz-9p-XXXXXX"
                                                  : "/tmp/kestrel-fuzz-9p-XXXXXX");
        FUZZ_CHECK(mkdtemp(top), "mkdtemp");
        atexit(remove_top);
        snprintf(share, sizeof(share), "%s/share", top);
        snprintf(outside, sizeof(outside), "%s/outside", top);
        mkdir(outside, 0755);
        snprintf(path, sizeof(path), "%s/secret", outside);
        write_file(path, SECRET);
    }
    nftw(share, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    mkdir(share, 0755);
    snprintf(path, sizeof(path), "%s/file", share);
    write_file(path, "hello\n");
    snprintf(path, sizeof(path), "%s/dir", share);
    mkdir(path, 0755);
    snprintf(path, sizeof(path), "%s/rel", share);
    FUZZ_CHECK(symlink("../outside", path) == 0, "symlink");
    snprintf(path, sizeof(path), "%s/abs", share);
    FUZZ_CHECK(symlink(outside, path) == 0, "symlink");
}

static void check_outside_intact(void)
{
    char path[160], buf[64] = "";
    struct dirent *e;
    int n = 0, fd;
    DIR *d = opendir(outside);

    FUZZ_CHECK(d, "outside directory gone");
    while ((e = readdir(d))) {
        FUZZ_CHECK(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
                       !strcmp(e->d_name, "secret"),
                   "'%s' appeared outside the share", e->d_name);
        n++;
    }
    closedir(d);
    FUZZ_CHECK(n == 3, "the secret is gone");
    snprintf(path, sizeof(path), "%s/secret", outside);
    fd = open(path, O_RDONLY);
    FUZZ_CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) >= 0, "secret unreadable");
    close(fd);
    FUZZ_CHECK(!strcmp(buf, SECRET), "the secret changed");
}

static void send_one(V9fsState *s, const uint8_t *msg, size_t len)
{
    static uint8_t reply[REPLY_CAP];
    size_t n = v9fs_handle(s, msg, len, reply, sizeof(reply));
    uint32_t size;

    if (n == 0) {
        FUZZ_CHECK(len < P9_HDR_SIZE, "no reply to a %zu-byte message", len);
        return;
    }
    FUZZ_CHECK(n >= P9_HDR_SIZE && n <= REPLY_CAP, "reply of %zu bytes", n);
    size = reply[0] | reply[1] << 8 | reply[2] << 16 | (uint32_t)reply[3] << 24;
    FUZZ_CHECK(size == n, "size field %u of a %zu-byte reply", size, n);
    FUZZ_CHECK(reply[4] == 7 || reply[4] == msg[4] + 1, "reply type %u to %u", reply[4], msg[4]);
}

static void start_session(V9fsState *s)
{
    uint8_t msg[64];
    P9Writer w;

    p9w_init(&w, msg, sizeof(msg));
    p9w_u32(&w, 21);
    p9w_u8(&w, 100); /* Tversion */
    p9w_u16(&w, 0xffff);
    p9w_u32(&w, REPLY_CAP);
    p9w_str(&w, "9P2000.L");
    send_one(s, msg, w.len);
    p9w_init(&w, msg, sizeof(msg));
    p9w_u32(&w, 24);
    p9w_u8(&w, 104); /* Tattach fid 0, no afid, uname "r", aname "", n_uname 0 */
    p9w_u16(&w, 1);
    p9w_u32(&w, 0);
    p9w_u32(&w, ~0u);
    p9w_str(&w, "r");
    p9w_str(&w, "");
    p9w_u32(&w, 0);
    FUZZ_CHECK(w.len == 24 && v9fs_handle(s, msg, w.len, msg, sizeof(msg)) > 0 && msg[4] == 105,
               "Tattach refused");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FsDriverEntry fse = {.id = "fuzz", .fmode = 0600, .dmode = 0700};
    FuzzIn in = {data, size};
    V9fsState s;

    make_share();
    fse.path = share;
    fse.security_model = size % 4 == 3 ? FS_SM_MAPPED_XATTR : FS_SM_NONE;
    FUZZ_CHECK(v9fs_init(&s, &fse, NULL), "cannot open the share");
    start_session(&s);
    while (in.left) {
        size_t len = fuzz_u16(&in);

        len = MIN(len, in.left);
        send_one(&s, in.p, len);
        in.p += len;
        in.left -= len;
    }
    v9fs_cleanup(&s);
    check_outside_intact();
    return 0;
}
