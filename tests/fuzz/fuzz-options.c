/*
 * Fuzzer: the command-line parsers. Byte 0 picks one, the rest is its text:
 *   0, 1  keyval_parse / keyval_parse_repeatable (util/option.c), with or without implied key
 *   2     parse_size, parse_uint, parse_bool
 *   3     vl_parse_args (system/options.c), argv split at newlines
 *   4     -drive (block/drive.c) in an empty scratch directory holding one small image; texts
 *         with '/' are skipped so nothing outside it can be opened
 *   5     -netdev user,... options (net/slirp-opts.c) and hostfwd rules, parsed only: no
 *         backend is started, no socket opened
 *   6     -device (hw/core/qdev-monitor.c) with no machine: realize and drop the device
 *
 * Checked: no crash, leak or sanitizer report; keyval results have non-empty keys, no duplicate
 * keys unless repeatable, keyval_get answers the first value, and printing a result back in the
 * option syntax (",," for commas) parses to the same list; a number parse_uint accepts prints
 * back to itself; every failure comes with an error message.
 */
#include <fcntl.h>
#include <libslirp.h>
#include <sys/stat.h>

#include "block/block.h"
#include "fuzz-common.h"
#include "hw/core/qdev.h"
#include "net/slirp-opts.h"
#include "net/slirp.h"
#include "system/system.h"
#include "util/option.h"

#define MAX_ARGS 64

/* Print kv back in the option syntax: key=value pairs, commas doubled. */
static char *keyval_print(const KeyValueList *kv)
{
    size_t cap = 1;
    char *s, *p;

    for (int i = 0; i < kv->count; i++) {
        cap += 2 * (strlen(kv->items[i].key) + strlen(kv->items[i].value)) + 2;
    }
    p = s = malloc(cap);
    for (int i = 0; i < kv->count; i++) {
        const char *parts[2] = {kv->items[i].key, kv->items[i].value};

        if (i) {
            *p++ = ',';
        }
        for (int j = 0; j < 2; j++) {
            for (const char *c = parts[j]; *c; c++) {
                if (*c == ',') {
                    *p++ = ',';
                }
                *p++ = *c;
            }
            if (j == 0) {
                *p++ = '=';
            }
        }
    }
    *p = '\0';
    return s;
}

static void fuzz_keyval(const char *str, bool repeatable, const char *implied)
{
    KeyValueList kv, again;
    Error *err = NULL;
    bool ok = repeatable ? keyval_parse_repeatable(str, implied, &kv, &err)
                         : keyval_parse(str, implied, &kv, &err);
    char *printed;

    if (!ok) {
        FUZZ_CHECK(err, "keyval failed without an error");
        error_free(err);
        return;
    }
    for (int i = 0; i < kv.count; i++) {
        FUZZ_CHECK(*kv.items[i].key, "empty key");
        FUZZ_CHECK(!strchr(kv.items[i].key, '='), "key with '='");
        for (int j = 0; j < i && !repeatable; j++) {
            FUZZ_CHECK(strcmp(kv.items[i].key, kv.items[j].key), "duplicate key %s",
                       kv.items[i].key);
        }
        FUZZ_CHECK(keyval_get(&kv, kv.items[i].key), "keyval_get misses %s", kv.items[i].key);
    }
    printed = keyval_print(&kv);
    FUZZ_CHECK(repeatable ? keyval_parse_repeatable(printed, NULL, &again, NULL)
                          : keyval_parse(printed, NULL, &again, NULL),
               "printed form '%s' does not parse", printed);
    FUZZ_CHECK(again.count == kv.count, "'%s' parses to %d pairs, not %d", printed, again.count,
               kv.count);
    for (int i = 0; i < kv.count; i++) {
        FUZZ_CHECK(!strcmp(kv.items[i].key, again.items[i].key) &&
                       !strcmp(kv.items[i].value, again.items[i].value),
                   "'%s': pair %d changed", printed, i);
    }
    free(printed);
    keyval_free(&again);
    keyval_free(&kv);
}

static void fuzz_numbers(const char *str)
{
    uint64_t v, back;
    bool b;
    char buf[32];

    if (parse_uint(str, &v)) {
        snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
        FUZZ_CHECK(parse_uint(buf, &back) && back == v, "parse_uint(%s) does not round trip", buf);
    }
    parse_size(str, 1, &v);
    parse_size(str, MiB, &v);
    if (parse_bool(str, &b)) {
        FUZZ_CHECK(strlen(str) <= 5, "parse_bool accepted '%s'", str);
    }
}

static void fuzz_argv(char *str)
{
    char *argv[MAX_ARGS + 1] = {"kestrel"};
    int argc = 1;
    VLOptions o;
    Error *err = NULL;

    for (char *tok = str; tok && argc < MAX_ARGS; argc++) {
        argv[argc] = tok;
        tok = strchr(tok, '\n');
        if (tok) {
            *tok++ = '\0';
        }
    }
    memset(&o, 0, sizeof(o));
    if (!vl_parse_args(argc, argv, &o, &err)) {
        FUZZ_CHECK(err, "vl_parse_args failed without an error");
        error_free(err);
    }
}

static char scratch_dir[] = "/tmp/kestrel-fuzz-drive-XXXXXX";

static void remove_scratch(void)
{
    char path[sizeof(scratch_dir) + 16];

    snprintf(path, sizeof(path), "%s/disk.img", scratch_dir);
    unlink(path);
    rmdir(scratch_dir);
}

/* -drive runs in a scratch directory with one 64 KiB image, "disk.img". */
static void fuzz_drive(const char *str, bool snapshot)
{
    static bool ready;
    char *device_opts = NULL;
    Error *err = NULL;

    if (!ready) {
        int fd;

        FUZZ_CHECK(mkdtemp(scratch_dir) && chdir(scratch_dir) == 0, "scratch directory");
        fd = open("disk.img", O_CREAT | O_RDWR, 0600);
        FUZZ_CHECK(fd >= 0 && ftruncate(fd, 64 * KiB) == 0, "scratch image");
        close(fd);
        atexit(remove_scratch);
        ready = true;
    }
    if (strchr(str, '/')) {
        return;
    }
    if (drive_new(str, snapshot, &device_opts, &err)) {
        free(device_opts);
    } else {
        FUZZ_CHECK(err, "drive_new failed without an error");
        error_free(err);
    }
    blk_unref_all();
}

static void fuzz_netdev_user(const char *str)
{
    KeyValueList kv;
    SlirpOptions o;
    NetHostFwd fwd;
    Error *err = NULL;

    if (net_slirp_parse_hostfwd(str, &fwd, &err)) {
        FUZZ_CHECK(!err, "hostfwd accepted with an error");
    } else {
        FUZZ_CHECK(err, "hostfwd rejected without an error");
        error_free(err);
        err = NULL;
    }
    if (!keyval_parse_repeatable(str, NULL, &kv, NULL)) {
        return;
    }
    memset(&o, 0, sizeof(o));
    if (!net_slirp_parse_options(&kv, &o, &err)) {
        FUZZ_CHECK(err, "slirp options rejected without an error");
        error_free(err);
    }
    net_slirp_options_free(&o);
    keyval_free(&kv);
}

static void fuzz_device(const char *str)
{
    Error *err = NULL;
    DeviceState *dev = qdev_device_add(str, &err);

    if (dev) {
        object_unparent(OBJECT(dev));
    } else {
        FUZZ_CHECK(err, "qdev_device_add failed without an error");
        error_free(err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FuzzIn in = {data, size};
    uint8_t which = fuzz_u8(&in);
    char *str = fuzz_rest_str(&in);

    switch (which % 8) {
    case 0:
    case 1:
        fuzz_keyval(str, which & 1, which & 0x80 ? "type" : NULL);
        break;
    case 2:
        fuzz_numbers(str);
        break;
    case 3:
        fuzz_argv(str);
        break;
    case 4:
        fuzz_drive(str, which & 0x80);
        break;
    case 5:
        fuzz_netdev_user(str);
        break;
    case 6:
    case 7:
        fuzz_device(str);
        break;
    }
    free(str);
    return 0;
}
