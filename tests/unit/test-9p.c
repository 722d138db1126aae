/*
 * Unit tests for the 9p server (hw/9pfs): the marshalling bounds, and the server driven
 * with hand-built 9P2000.L messages against a temporary share. The escape attempts a
 * guest kernel never sends but a hostile guest can: "..", names with '/', symlinks out of
 * the share (relative and absolute), a directory swapped for a symlink under a held fid,
 * a hard link to a symlink that points out; each must be refused (and logged) or stay
 * inside. Also malformed messages, readonly=on, msize, and the mapped-xattr layout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "hw/9pfs/9p.h"
#include "util/log.h"

#define T_LERROR 7
#define T_STATFS 8
#define T_LOPEN 12
#define T_LCREATE 14
#define T_SYMLINK 16
#define T_READLINK 22
#define T_GETATTR 24
#define T_SETATTR 26
#define T_XATTRWALK 30
#define T_XATTRCREATE 32
#define T_READDIR 40
#define T_LINK 70
#define T_MKDIR 72
#define T_VERSION 100
#define T_ATTACH 104
#define T_WALK 110
#define T_READ 116
#define T_WRITE 118
#define T_CLUNK 120

typedef struct Fixture {
    char dir[64], share[96], outside[96], log_path[112];
    V9fsState s;
    V9fsQID root;
} Fixture;

static uint8_t req[64 * 1024], rep[64 * 1024];
static P9Writer msg;

/* ---- building and sending messages ---- */

static void msg_begin(uint8_t type)
{
    p9w_init(&msg, req, sizeof(req));
    p9w_u32(&msg, 0);
    p9w_u8(&msg, type);
    p9w_u16(&msg, 0x1234);
}

/* Send the message (its size field fixed up unless raw); the reply's type in *type. */
static P9Reader msg_send_raw(Fixture *f, uint8_t *type, bool raw)
{
    P9Reader r;
    size_t n;

    if (!raw) {
        p9w_patch_u32(&msg, 0, msg.len);
    }
    n = v9fs_handle(&f->s, req, msg.len, rep, sizeof(rep));
    assert_true(n >= P9_HDR_SIZE);
    p9r_init(&r, rep, n);
    assert_int_equal(p9r_u32(&r), n);
    *type = p9r_u8(&r);
    assert_int_equal(p9r_u16(&r), 0x1234);
    return r;
}

static P9Reader expect_ok(Fixture *f, uint8_t ttype)
{
    uint8_t type;
    P9Reader r = msg_send_raw(f, &type, false);

    if (type == T_LERROR) {
        fail_msg("T%u failed with errno %u", ttype, p9r_u32(&r));
    }
    assert_int_equal(type, ttype + 1);
    return r;
}

static void expect_errno(Fixture *f, int err)
{
    uint8_t type;
    P9Reader r = msg_send_raw(f, &type, false);

    assert_int_equal(type, T_LERROR);
    assert_int_equal(p9r_u32(&r), err);
}

/* Twalk fid -> newfid through n names. */
static void walk_begin(uint32_t fid, uint32_t newfid, int n, const char *const *names)
{
    msg_begin(T_WALK);
    p9w_u32(&msg, fid);
    p9w_u32(&msg, newfid);
    p9w_u16(&msg, n);
    for (int i = 0; i < n; i++) {
        p9w_str(&msg, names[i]);
    }
}

static V9fsQID walk_ok(Fixture *f, uint32_t fid, uint32_t newfid, int n, const char *const *names)
{
    V9fsQID qid = {0};
    P9Reader r;

    walk_begin(fid, newfid, n, names);
    r = expect_ok(f, T_WALK);
    assert_int_equal(p9r_u16(&r), n);
    for (int i = 0; i < n; i++) {
        qid.type = p9r_u8(&r);
        qid.version = p9r_u32(&r);
        qid.path = p9r_u64(&r);
    }
    return qid;
}

static void lopen_begin(uint32_t fid, uint32_t flags)
{
    msg_begin(T_LOPEN);
    p9w_u32(&msg, fid);
    p9w_u32(&msg, flags);
}

/* ---- log capture ---- */

static bool log_has(Fixture *f, const char *needle)
{
    char buf[8192] = "";
    FILE *fp = fopen(f->log_path, "r");
    size_t n;

    assert_non_null(fp);
    n = fread(buf, 1, sizeof(buf) - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return strstr(buf, needle) != NULL;
}

/* ---- fixture ---- */

static void write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void start_session(Fixture *f, FsSecurityModel sm, bool readonly)
{
    FsDriverEntry fse = {.id = "fs0",
                         .path = f->share,
                         .security_model = sm,
                         .readonly = readonly,
                         .fmode = 0600,
                         .dmode = 0700};
    P9Reader r;

    assert_true(v9fs_init(&f->s, &fse, NULL));
    msg_begin(T_VERSION);
    p9w_u32(&msg, 65536);
    p9w_str(&msg, "9P2000.L");
    expect_ok(f, T_VERSION);
    msg_begin(T_ATTACH);
    p9w_u32(&msg, 0);
    p9w_u32(&msg, ~0u);
    p9w_str(&msg, "root");
    p9w_str(&msg, "");
    p9w_u32(&msg, 0);
    r = expect_ok(f, T_ATTACH);
    f->root.type = p9r_u8(&r);
    f->root.version = p9r_u32(&r);
    f->root.path = p9r_u64(&r);
}

static int setup_common(void **state, FsSecurityModel sm, bool readonly)
{
    Fixture *f = calloc(1, sizeof(*f));
    char path[160];

    strcpy(f->dir, "/tmp/test-9p-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->share, sizeof(f->share), "%s/share", f->dir);
    snprintf(f->outside, sizeof(f->outside), "%s/outside", f->dir);
    snprintf(f->log_path, sizeof(f->log_path), "%s/log", f->dir);
    assert_int_equal(mkdir(f->share, 0755), 0);
    assert_int_equal(mkdir(f->outside, 0755), 0);
    snprintf(path, sizeof(path), "%s/secret", f->outside);
    write_file(path, "outside secret\n");
    snprintf(path, sizeof(path), "%s/hello", f->share);
    write_file(path, "hello\n");
    assert_true(log_set_file(f->log_path, NULL));
    log_mask_enabled = LOG_GUEST_ERROR;
    start_session(f, sm, readonly);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_common(state, FS_SM_NONE, false);
}

static int setup_readonly(void **state)
{
    return setup_common(state, FS_SM_NONE, true);
}

static int setup_mapped(void **state)
{
    return setup_common(state, FS_SM_MAPPED_XATTR, false);
}

static int setup_mapped_file(void **state)
{
    return setup_common(state, FS_SM_MAPPED_FILE, false);
}

static int teardown(void **state)
{
    Fixture *f = *state;
    char cmd[128];

    v9fs_cleanup(&f->s);
    log_mask_enabled = 0;
    assert_true(log_set_file("/dev/null", NULL));
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* ---- marshalling ---- */

static void test_marshal_bounds(void **state)
{
    static const uint8_t three[3] = {1, 2, 3};
    static const uint8_t str_long[4] = {5, 0, 'a', 'b'};   /* says 5 bytes, has 2 */
    static const uint8_t str_nul[5] = {3, 0, 'a', 0, 'b'}; /* a NUL inside */
    static const uint8_t str_ok[5] = {3, 0, 'a', 'b', 'c'};
    uint8_t out[6];
    P9Reader r;
    P9Writer w;
    char *s;

    p9r_init(&r, three, sizeof(three));
    assert_int_equal(p9r_u16(&r), 0x0201);
    assert_int_equal(p9r_u32(&r), 0); /* only one byte left: refused, nothing consumed */
    assert_true(r.err);
    assert_int_equal(p9r_u8(&r), 0); /* and sticky */
    p9r_init(&r, str_long, sizeof(str_long));
    assert_null(p9r_str(&r));
    assert_true(r.err);
    p9r_init(&r, str_nul, sizeof(str_nul));
    assert_null(p9r_str(&r));
    assert_true(r.err);
    p9r_init(&r, str_ok, sizeof(str_ok));
    s = p9r_str(&r);
    assert_string_equal(s, "abc");
    assert_false(r.err);
    free(s);
    assert_null(p9r_data(&r, 1));

    p9w_init(&w, out, sizeof(out));
    p9w_u32(&w, 0xdeadbeef);
    assert_false(w.overflow);
    p9w_str(&w, "xyz"); /* 5 bytes into 2 */
    assert_true(w.overflow);
    assert_int_equal(w.len, 4); /* no length without its bytes */
    assert_int_equal(out[0], 0xef);
    assert_int_equal(out[3], 0xde);
}

/* ---- malformed messages ---- */

static void test_malformed(void **state)
{
    Fixture *f = *state;
    uint8_t type;
    P9Reader r;

    /* The size field claims more than the driver sent. */
    msg_begin(T_CLUNK);
    p9w_u32(&msg, 0);
    p9w_patch_u32(&msg, 0, msg.len + 100);
    r = msg_send_raw(f, &type, true);
    assert_int_equal(type, T_LERROR);
    assert_int_equal(p9r_u32(&r), EINVAL);
    assert_true(log_has(f, "size field"));

    /* Fields missing. */
    msg_begin(T_WALK);
    p9w_u32(&msg, 0);
    expect_errno(f, EINVAL);
    assert_true(log_has(f, "shorter than its fields"));

    /* A write whose count runs past the message. */
    msg_begin(T_WRITE);
    p9w_u32(&msg, 0);
    p9w_u64(&msg, 0);
    p9w_u32(&msg, 1000);
    p9w_data(&msg, "abc", 3);
    expect_errno(f, EINVAL);

    /* A fid the guest does not hold; an R-message; a legacy 9P2000 message. */
    msg_begin(T_CLUNK);
    p9w_u32(&msg, 77);
    expect_errno(f, EBADF);
    assert_true(log_has(f, "unknown fid 77"));
    msg_begin(T_CLUNK + 1);
    expect_errno(f, EINVAL);
    msg_begin(112); /* Topen */
    expect_errno(f, EOPNOTSUPP);

    /* msize: too small is refused, too large is capped. */
    msg_begin(T_VERSION);
    p9w_u32(&msg, 100);
    p9w_str(&msg, "9P2000.L");
    r = expect_ok(f, T_VERSION);
    p9r_u32(&r);
    free(p9r_str(&r)); /* "unknown" */
    msg_begin(T_VERSION);
    p9w_u32(&msg, 64 * MiB);
    p9w_str(&msg, "9P2000.L");
    r = expect_ok(f, T_VERSION);
    assert_int_equal(p9r_u32(&r), V9FS_MAX_MSIZE);
    assert_int_equal(v9fs_msize(&f->s), V9FS_MAX_MSIZE);
}

/* ---- escapes ---- */

static void test_walk_dotdot_stays_inside(void **state)
{
    Fixture *f = *state;
    static const char *const up[] = {"..", "..", ".."};
    static const char *const slash[] = {"../outside"};
    static const char *const empty[] = {""};
    V9fsQID q = walk_ok(f, 0, 1, 3, up);

    assert_int_equal(q.path, f->root.path); /* the root's parent is the root */
    walk_begin(0, 2, 1, slash);
    expect_errno(f, ENOENT);
    assert_true(log_has(f, "walk to '../outside' refused"));
    walk_begin(0, 2, 1, empty);
    expect_errno(f, ENOENT);
}

static void test_symlinks_out_refused(void **state)
{
    Fixture *f = *state;
    static const char *const rel[] = {"rel", "secret"}, *const abs[] = {"abs", "secret"};
    static const char *const abs1[] = {"abs"};
    char path[160];
    V9fsQID q;
    P9Reader r;

    snprintf(path, sizeof(path), "%s/rel", f->share);
    assert_int_equal(symlink("../outside", path), 0);
    snprintf(path, sizeof(path), "%s/abs", f->share);
    assert_int_equal(symlink(f->outside, path), 0);

    /* A partial walk (9P): the link's qid, then the refusal; no new fid. */
    walk_begin(0, 1, 2, rel);
    r = expect_ok(f, T_WALK);
    assert_int_equal(p9r_u16(&r), 1);
    assert_true(log_has(f, "refused to resolve 'rel' beyond the share"));
    walk_begin(0, 1, 2, abs);
    r = expect_ok(f, T_WALK);
    assert_int_equal(p9r_u16(&r), 1);
    msg_begin(T_CLUNK);
    p9w_u32(&msg, 1);
    expect_errno(f, EBADF);

    /* The link itself can be walked to (the guest reads it and resolves it at home)... */
    q = walk_ok(f, 0, 3, 1, abs1);
    assert_int_equal(q.type, 0x02);
    /* ...but never opened through. */
    lopen_begin(3, O_RDONLY);
    expect_errno(f, ELOOP);
    assert_true(log_has(f, "refused to open 'abs'"));
}

static void test_swapped_directory_refused(void **state)
{
    Fixture *f = *state;
    static const char *const d[] = {"d"}, *const secret[] = {"secret"};
    char path[160], moved[160];

    snprintf(path, sizeof(path), "%s/d", f->share);
    assert_int_equal(mkdir(path, 0755), 0);
    walk_ok(f, 0, 1, 1, d);
    /* The host (or a second guest) replaces d by a link out while fid 1 names it. */
    snprintf(moved, sizeof(moved), "%s/d.old", f->share);
    assert_int_equal(rename(path, moved), 0);
    assert_int_equal(symlink(f->outside, path), 0);
    walk_begin(1, 2, 1, secret);
    expect_errno(f, ELOOP);
    lopen_begin(1, O_RDONLY | O_DIRECTORY);
    expect_errno(f, ELOOP);
    assert_true(log_has(f, "refused to resolve 'd' beyond the share"));
}

static void test_link_and_create_names(void **state)
{
    Fixture *f = *state;
    static const char *const abs1[] = {"abs"};
    char path[160];
    struct stat st, secret;

    snprintf(path, sizeof(path), "%s/abs", f->share);
    assert_int_equal(symlink(f->outside, path), 0);
    walk_ok(f, 0, 1, 1, abs1);
    /* A hard link to the link links the link, not what it points to. */
    msg_begin(T_LINK);
    p9w_u32(&msg, 0);
    p9w_u32(&msg, 1);
    p9w_str(&msg, "hl");
    expect_ok(f, T_LINK);
    snprintf(path, sizeof(path), "%s/hl", f->share);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    snprintf(path, sizeof(path), "%s/secret", f->outside);
    assert_int_equal(stat(path, &secret), 0);
    assert_int_equal(secret.st_nlink, 1);

    /* New names are single components. */
    msg_begin(T_MKDIR);
    p9w_u32(&msg, 0);
    p9w_str(&msg, "..");
    p9w_u32(&msg, 0755);
    p9w_u32(&msg, 0);
    expect_errno(f, EINVAL);
    msg_begin(T_LCREATE);
    p9w_u32(&msg, 0);
    p9w_str(&msg, "../outside/new");
    p9w_u32(&msg, O_RDWR);
    p9w_u32(&msg, 0644);
    p9w_u32(&msg, 0);
    expect_errno(f, EINVAL);
    assert_true(log_has(f, "refused name '../outside/new'"));
    snprintf(path, sizeof(path), "%s/new", f->outside);
    assert_int_equal(access(path, F_OK), -1);
}

/* ---- I/O, directories, attributes ---- */

static void create_file(Fixture *f, uint32_t dirfid, uint32_t newfid, const char *name)
{
    static const char *const none[] = {NULL};

    walk_ok(f, dirfid, newfid, 0, none);
    msg_begin(T_LCREATE);
    p9w_u32(&msg, newfid);
    p9w_str(&msg, name);
    p9w_u32(&msg, O_RDWR);
    p9w_u32(&msg, 0640);
    p9w_u32(&msg, 0);
    expect_ok(f, T_LCREATE);
}

/*
 * The root walked to newfid, opened as a directory and read (its first 4 KiB of entries):
 * the reply at its first entry, the entries ending at *end.
 */
static P9Reader readdir_root(Fixture *f, uint32_t newfid, size_t *end)
{
    static const char *const none[] = {NULL};
    P9Reader r;

    walk_ok(f, 0, newfid, 0, none);
    lopen_begin(newfid, O_RDONLY | O_DIRECTORY);
    expect_ok(f, T_LOPEN);
    msg_begin(T_READDIR);
    p9w_u32(&msg, newfid);
    p9w_u64(&msg, 0);
    p9w_u32(&msg, 4096);
    r = expect_ok(f, T_READDIR);
    *end = p9r_u32(&r);
    *end += r.pos;
    return r;
}

/* The next entry's name (the caller frees it); NULL at the end, or with r->err if malformed. */
static char *dirent_name(P9Reader *r, size_t end)
{
    if (r->pos >= end || r->err) {
        return NULL;
    }
    p9r_data(r, P9_QID_SIZE + 8 + 1);
    return p9r_str(r);
}

static void test_io_roundtrip(void **state)
{
    Fixture *f = *state;
    char path[160], buf[16] = "";
    bool seen_f = false, seen_hello = false;
    P9Reader r;
    uint32_t n;
    size_t end;
    struct stat st;

    create_file(f, 0, 1, "f");
    msg_begin(T_WRITE);
    p9w_u32(&msg, 1);
    p9w_u64(&msg, 0);
    p9w_u32(&msg, 5);
    p9w_data(&msg, "12345", 5);
    r = expect_ok(f, T_WRITE);
    assert_int_equal(p9r_u32(&r), 5);
    msg_begin(T_READ);
    p9w_u32(&msg, 1);
    p9w_u64(&msg, 1);
    p9w_u32(&msg, 100);
    r = expect_ok(f, T_READ);
    n = p9r_u32(&r);
    assert_int_equal(n, 4);
    memcpy(buf, p9r_data(&r, n), n);
    assert_string_equal(buf, "2345");
    snprintf(path, sizeof(path), "%s/f", f->share);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640); /* the guest's mode, not our umask's */

    /* readdir of the root */
    r = readdir_root(f, 2, &end);
    for (char *name; (name = dirent_name(&r, end)); free(name)) {
        seen_f |= !strcmp(name, "f");
        seen_hello |= !strcmp(name, "hello");
    }
    assert_false(r.err);
    assert_true(seen_f && seen_hello);

    /* setattr size, then getattr sees it */
    msg_begin(T_SETATTR);
    p9w_u32(&msg, 1);
    p9w_u32(&msg, 0x8); /* SIZE */
    for (int i = 0; i < 3; i++) {
        p9w_u32(&msg, 0);
    }
    p9w_u64(&msg, 2);
    for (int i = 0; i < 4; i++) {
        p9w_u64(&msg, 0);
    }
    expect_ok(f, T_SETATTR);
    msg_begin(T_GETATTR);
    p9w_u32(&msg, 1);
    p9w_u64(&msg, 0x7ff);
    r = expect_ok(f, T_GETATTR);
    p9r_data(&r, 8 + P9_QID_SIZE + 4 + 4 + 4 + 8 + 8);
    assert_int_equal(p9r_u64(&r), 2);
}

static void test_readonly(void **state)
{
    Fixture *f = *state;
    static const char *const hello[] = {"hello"}, *const none[] = {NULL};

    walk_ok(f, 0, 1, 1, hello);
    lopen_begin(1, O_RDWR);
    expect_errno(f, EROFS);
    lopen_begin(1, O_RDONLY | O_TRUNC);
    expect_errno(f, EROFS);
    lopen_begin(1, O_RDONLY);
    expect_ok(f, T_LOPEN);
    walk_ok(f, 0, 2, 0, none);
    msg_begin(T_LCREATE);
    p9w_u32(&msg, 2);
    p9w_str(&msg, "x");
    p9w_u32(&msg, O_RDWR);
    p9w_u32(&msg, 0644);
    p9w_u32(&msg, 0);
    expect_errno(f, EROFS);
    msg_begin(T_MKDIR);
    p9w_u32(&msg, 0);
    p9w_str(&msg, "d");
    p9w_u32(&msg, 0755);
    p9w_u32(&msg, 0);
    expect_errno(f, EROFS);
}

/* mapped-xattr: the guest's credentials in user.virtfs.*, little-endian, as QEMU stores them. */
static void test_mapped_xattr(void **state)
{
    Fixture *f = *state;
    static const char *const fname[] = {"f"};
    uint8_t v[4];
    char path[160];
    struct stat st;
    P9Reader r;

    create_file(f, 0, 1, "f");
    snprintf(path, sizeof(path), "%s/f", f->share);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* fmode on the host */
    assert_int_equal(getxattr(path, "user.virtfs.mode", v, 4), 4);
    assert_int_equal(v[0] | v[1] << 8 | v[2] << 16 | v[3] << 24, S_IFREG | 0640);
    v[0] = 0xe8, v[1] = 0x03, v[2] = v[3] = 0; /* uid 1000, set by the host */
    assert_int_equal(setxattr(path, "user.virtfs.uid", v, 4, 0), 0);
    walk_ok(f, 0, 2, 1, fname);
    msg_begin(T_GETATTR);
    p9w_u32(&msg, 2);
    p9w_u64(&msg, 0x7ff);
    r = expect_ok(f, T_GETATTR);
    p9r_data(&r, 8 + P9_QID_SIZE);
    assert_int_equal(p9r_u32(&r), S_IFREG | 0640);
    assert_int_equal(p9r_u32(&r), 1000);

    /* The guest neither sees nor sets our attributes. */
    msg_begin(T_XATTRWALK);
    p9w_u32(&msg, 2);
    p9w_u32(&msg, 3);
    p9w_str(&msg, "user.virtfs.uid");
    expect_errno(f, ENODATA);
    msg_begin(T_XATTRWALK);
    p9w_u32(&msg, 2);
    p9w_u32(&msg, 3);
    p9w_str(&msg, "");
    r = expect_ok(f, T_XATTRWALK);
    assert_int_equal(p9r_u64(&r), 0);
}

static void read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    ssize_t n;

    assert_true(fd >= 0);
    n = read(fd, buf, size - 1);
    assert_true(n >= 0);
    buf[n] = '\0';
    close(fd);
}

/* mapped-file: .virtfs_metadata/NAME text files, as QEMU writes them; never seen by the guest. */
static void test_mapped_file(void **state)
{
    Fixture *f = *state;
    static const char *const meta[] = {".virtfs_metadata"};
    char path[160], text[128];
    P9Reader r;
    size_t end;

    create_file(f, 0, 1, "f");
    snprintf(path, sizeof(path), "%s/.virtfs_metadata/f", f->share);
    read_text(path, text, sizeof(text));
    assert_string_equal(text, "virtfs.uid=0\nvirtfs.gid=0\nvirtfs.mode=33184\n");
    write_file(path, "virtfs.uid=1000\nvirtfs.gid=0\nvirtfs.mode=33184\n");
    msg_begin(T_GETATTR);
    p9w_u32(&msg, 1);
    p9w_u64(&msg, 0x7ff);
    r = expect_ok(f, T_GETATTR);
    p9r_data(&r, 8 + P9_QID_SIZE);
    assert_int_equal(p9r_u32(&r), S_IFREG | 0640);
    assert_int_equal(p9r_u32(&r), 1000);

    /* The metadata is neither listed nor reachable nor creatable. */
    walk_begin(0, 2, 1, meta);
    expect_errno(f, EINVAL);
    msg_begin(T_MKDIR);
    p9w_u32(&msg, 0);
    p9w_str(&msg, ".virtfs_metadata_root");
    p9w_u32(&msg, 0755);
    p9w_u32(&msg, 0);
    expect_errno(f, EINVAL);
    r = readdir_root(f, 3, &end);
    for (char *name; (name = dirent_name(&r, end)); free(name)) {
        assert_null(strstr(name, "virtfs_metadata"));
    }
    assert_false(r.err);

    /* A rename carries the metadata along. */
    msg_begin(74); /* Trenameat */
    p9w_u32(&msg, 0);
    p9w_str(&msg, "f");
    p9w_u32(&msg, 0);
    p9w_str(&msg, "g");
    expect_ok(f, 74);
    snprintf(path, sizeof(path), "%s/.virtfs_metadata/g", f->share);
    read_text(path, text, sizeof(text));
    assert_non_null(strstr(text, "virtfs.uid=1000"));
    snprintf(path, sizeof(path), "%s/.virtfs_metadata/f", f->share);
    assert_int_equal(access(path, F_OK), -1);
}

static uint8_t lock(Fixture *f, uint32_t fid, uint8_t type)
{
    P9Reader r;

    msg_begin(52); /* Tlock */
    p9w_u32(&msg, fid);
    p9w_u8(&msg, type);
    p9w_u32(&msg, 0);
    p9w_u64(&msg, 0);
    p9w_u64(&msg, 0); /* to the end */
    p9w_u32(&msg, 42);
    p9w_str(&msg, "guest");
    r = expect_ok(f, 52);
    return p9r_u8(&r);
}

/* Each open fid holds its own (open file description) locks, so two of them conflict. */
static void test_locks(void **state)
{
    Fixture *f = *state;
    static const char *const hello[] = {"hello"};
    P9Reader r;

    for (uint32_t fid = 1; fid <= 3; fid++) {
        walk_ok(f, 0, fid, 1, hello);
        lopen_begin(fid, fid < 3 ? O_RDWR : O_RDONLY);
        expect_ok(f, T_LOPEN);
    }
    assert_int_equal(lock(f, 1, 1), 0); /* WRLCK: SUCCESS */
    assert_int_equal(lock(f, 2, 1), 1); /* BLOCKED */
    msg_begin(54);                      /* Tgetlock */
    p9w_u32(&msg, 2);
    p9w_u8(&msg, 1);
    p9w_u64(&msg, 0);
    p9w_u64(&msg, 0);
    p9w_u32(&msg, 42);
    p9w_str(&msg, "guest");
    r = expect_ok(f, 54);
    assert_int_equal(p9r_u8(&r), 1);    /* the conflicting write lock */
    assert_int_equal(lock(f, 1, 2), 0); /* UNLCK */
    assert_int_equal(lock(f, 2, 1), 0);
    /* A write lock through a read-only open (flock allows it): granted, as QEMU does. */
    assert_int_equal(lock(f, 3, 1), 0);
    msg_begin(52);
    p9w_u32(&msg, 2);
    p9w_u8(&msg, 9); /* no such lock type */
    p9w_u32(&msg, 0);
    p9w_u64(&msg, 0);
    p9w_u64(&msg, 0);
    p9w_u32(&msg, 42);
    p9w_str(&msg, "guest");
    expect_errno(f, EINVAL);
}

/* A guest cannot hold more than V9FS_MAX_OPEN_FIDS host descriptors. */
static void test_open_fid_limit(void **state)
{
    Fixture *f = *state;
    static const char *const hello[] = {"hello"};

    for (uint32_t i = 0; i <= V9FS_MAX_OPEN_FIDS; i++) {
        walk_ok(f, 0, 100 + i, 1, hello);
        lopen_begin(100 + i, O_RDONLY);
        if (i < V9FS_MAX_OPEN_FIDS) {
            expect_ok(f, T_LOPEN);
        } else {
            expect_errno(f, EMFILE);
        }
    }
    /* xattr values count too: they hold memory. */
    msg_begin(T_XATTRWALK);
    p9w_u32(&msg, 0);
    p9w_u32(&msg, 99);
    p9w_str(&msg, "");
    expect_errno(f, EMFILE);
    msg_begin(T_CLUNK);
    p9w_u32(&msg, 100);
    expect_ok(f, T_CLUNK);
    lopen_begin(100 + V9FS_MAX_OPEN_FIDS, O_RDONLY);
    expect_ok(f, T_LOPEN);
}

/* An xattr set through xattrcreate/write/clunk reads back through xattrwalk/read. */
static void test_xattr_roundtrip(void **state)
{
    Fixture *f = *state;
    static const char *const hello[] = {"hello"};
    char path[160], value[8] = "";
    P9Reader r;

    walk_ok(f, 0, 1, 1, hello);
    msg_begin(T_XATTRCREATE);
    p9w_u32(&msg, 1);
    p9w_str(&msg, "user.kestrel");
    p9w_u64(&msg, 3);
    p9w_u32(&msg, 0);
    expect_ok(f, T_XATTRCREATE);
    msg_begin(T_WRITE);
    p9w_u32(&msg, 1);
    p9w_u64(&msg, 0);
    p9w_u32(&msg, 3);
    p9w_data(&msg, "abc", 3);
    expect_ok(f, T_WRITE);
    msg_begin(T_CLUNK);
    p9w_u32(&msg, 1);
    expect_ok(f, T_CLUNK);
    snprintf(path, sizeof(path), "%s/hello", f->share);
    assert_int_equal(getxattr(path, "user.kestrel", value, sizeof(value)), 3);
    assert_string_equal(value, "abc");

    walk_ok(f, 0, 2, 1, hello);
    msg_begin(T_XATTRWALK);
    p9w_u32(&msg, 2);
    p9w_u32(&msg, 3);
    p9w_str(&msg, "user.kestrel");
    r = expect_ok(f, T_XATTRWALK);
    assert_int_equal(p9r_u64(&r), 3);
    msg_begin(T_READ);
    p9w_u32(&msg, 3);
    p9w_u64(&msg, 1);
    p9w_u32(&msg, 100);
    r = expect_ok(f, T_READ);
    assert_int_equal(p9r_u32(&r), 2);
    assert_memory_equal(p9r_data(&r, 2), "bc", 2);
    /* unknown flags */
    msg_begin(T_XATTRCREATE);
    p9w_u32(&msg, 2);
    p9w_str(&msg, "user.x");
    p9w_u64(&msg, 1);
    p9w_u32(&msg, 4);
    expect_errno(f, EINVAL);
}

#define T(fn, s) cmocka_unit_test_setup_teardown(fn, s, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marshal_bounds),
        T(test_malformed, setup),
        T(test_walk_dotdot_stays_inside, setup),
        T(test_symlinks_out_refused, setup),
        T(test_swapped_directory_refused, setup),
        T(test_link_and_create_names, setup),
        T(test_io_roundtrip, setup),
        T(test_open_fid_limit, setup),
        T(test_locks, setup),
        T(test_xattr_roundtrip, setup),
        T(test_readonly, setup_readonly),
        T(test_mapped_xattr, setup_mapped),
        T(test_mapped_file, setup_mapped_file),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
