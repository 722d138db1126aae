/*
 * Unit tests for the command-line parser (system/options.c) and the option
 * string helpers (util/option.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "system/system.h"
#include "util/option.h"

/* Parse a NULL-terminated argument list; returns the error message or NULL. */
static char *parse(VLOptions *o, const char *first, ...)
{
    char *argv[64] = {"kestrel"};
    int argc = 1;
    va_list ap;
    Error *err = NULL;

    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        argv[argc++] = (char *)a;
    }
    va_end(ap);
    memset(o, 0, sizeof(*o));
    if (vl_parse_args(argc, argv, o, &err)) {
        return NULL;
    }
    char *msg = xstrdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static void expect_error(const char *expected, char *msg)
{
    assert_non_null(msg);
    assert_string_equal(msg, expected);
    free(msg);
}

static void test_qemu_command_line(void **state)
{
    VLOptions o;

    assert_null(parse(&o, "-M", "virt,aclint=on", "-m", "512", "-nographic", "-kernel", "k.elf",
                      "-append", "console=ttyS0", "-s", "-S", "-smp", "2", NULL));
    assert_string_equal(o.machine, "virt,aclint=on");
    assert_int_equal(o.ram_size, 512 * MiB);
    assert_true(o.nographic);
    assert_string_equal(o.kernel, "k.elf");
    assert_string_equal(o.append, "console=ttyS0");
    assert_string_equal(o.gdb, "tcp::1234");
    assert_true(o.start_stopped);
    assert_int_equal(o.smp_cpus, 2);
    /* The VNC server's address, from either spelling. */
    assert_null(parse(&o, "-display", "vnc=:3,password=on", NULL));
    assert_string_equal(o.vnc, ":3,password=on");
    assert_null(parse(&o, "-vnc", "unix:/tmp/v.sock", "-display", "none", NULL));
    assert_string_equal(o.vnc, "unix:/tmp/v.sock");
    /* The SDL window: its options kept for sdl_display_init; gtk is the same window. */
    assert_null(parse(&o, "-display", "sdl,window-close=off", NULL));
    assert_string_equal(o.sdl, ",window-close=off");
    assert_null(parse(&o, "-display", "gtk", NULL));
    assert_string_equal(o.sdl, "");
    assert_null(parse(&o, "-display", "gtk", "-display", "none", NULL));
    assert_null(o.sdl);
}

static void test_double_dash_and_aliases(void **state)
{
    VLOptions o;

    assert_null(parse(&o, "--machine", "virt", "--m", "1G", "-gdb", "tcp::4321", "-bios", "none",
                      "-d", "guest_errors", "-D", "log.txt", "-no-reboot", NULL));
    assert_string_equal(o.machine, "virt");
    assert_int_equal(o.ram_size, 1 * GiB);
    assert_string_equal(o.gdb, "tcp::4321");
    assert_string_equal(o.bios, "none");
    assert_string_equal(o.log_items, "guest_errors");
    assert_string_equal(o.log_file, "log.txt");
    assert_true(o.no_reboot);
}

static void test_memory_sizes(void **state)
{
    VLOptions o;

    assert_null(parse(&o, "-m", "size=256M", NULL));
    assert_int_equal(o.ram_size, 256 * MiB);
    assert_null(parse(&o, "-m", "2g", NULL));
    assert_int_equal(o.ram_size, 2 * GiB);
    expect_error("-m abc: invalid RAM size 'abc'", parse(&o, "-m", "abc", NULL));
    expect_error("-m 0: invalid RAM size '0'", parse(&o, "-m", "0", NULL));
    expect_error("-m 5X: invalid RAM size '5X'", parse(&o, "-m", "5X", NULL));
    expect_error("-m 99999999999999999999: invalid RAM size '99999999999999999999'",
                 parse(&o, "-m", "99999999999999999999", NULL));
}

static void test_smp(void **state)
{
    VLOptions o;

    assert_null(parse(&o, "-smp", "cpus=4,sockets=2", NULL));
    assert_int_equal(o.smp_cpus, 4);
    assert_int_equal(o.smp_sockets, 2);
    expect_error("-smp 0: invalid cpus count '0'", parse(&o, "-smp", "0", NULL));
    expect_error("dies not supported by this machine's CPU topology",
                 parse(&o, "-smp", "cpus=2,dies=2", NULL));
}

static void test_bad_options(void **state)
{
    VLOptions o;

    expect_error("-foo: invalid option", parse(&o, "-foo", NULL));
    expect_error("--bar: invalid option", parse(&o, "--bar", NULL));
    expect_error("-kernel: requires an argument", parse(&o, "-kernel", NULL));
    expect_error("-m: requires an argument", parse(&o, "-m", NULL));
    expect_error("-display curses: display 'curses' is not supported (Kestrel has none, vnc=, "
                 "sdl and gtk, which is sdl)",
                 parse(&o, "-display", "curses", NULL));
    expect_error("-display sdl: unsupported option 'gl=on' (Kestrel's SDL display takes "
                 "window-close=on|off and gl=off)",
                 parse(&o, "-display", "sdl,gl=on", NULL));
    assert_non_null(strstr(parse(&o, "disk.img", NULL), "invalid option"));
}

static void test_keyval(void **state)
{
    KeyValueList kv;
    Error *err = NULL;

    assert_true(keyval_parse("virt,aclint=on,dumpdtb=a,,b", "type", &kv, NULL));
    assert_int_equal(kv.count, 3);
    assert_string_equal(keyval_get(&kv, "type"), "virt");
    assert_string_equal(keyval_get(&kv, "aclint"), "on");
    assert_string_equal(keyval_get(&kv, "dumpdtb"), "a,b");
    assert_null(keyval_get(&kv, "nope"));
    keyval_free(&kv);

    assert_false(keyval_parse("virt,flag", "type", &kv, &err));
    assert_string_equal(error_get_pretty(err), "'flag' is not of the form key=value");
    error_free(err);
    err = NULL;
    assert_false(keyval_parse("a=1,a=2", NULL, &kv, &err));
    assert_string_equal(error_get_pretty(err), "parameter 'a' given twice");
    error_free(err);
}

static void test_parse_helpers(void **state)
{
    uint64_t v;
    bool b;

    assert_true(parse_size("64k", MiB, &v));
    assert_int_equal(v, 64 * KiB);
    assert_true(parse_size("3", MiB, &v));
    assert_int_equal(v, 3 * MiB);
    assert_false(parse_size("-1", MiB, &v));
    assert_false(parse_size("17179869184G", 1, &v)); /* 2^34 GiB overflows */
    assert_true(parse_uint("0x10", &v));
    assert_int_equal(v, 16);
    assert_false(parse_uint("12abc", &v));
    assert_true(parse_bool("on", &b) && b);
    assert_true(parse_bool("no", &b) && !b);
    assert_false(parse_bool("maybe", &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_command_line), cmocka_unit_test(test_double_dash_and_aliases),
        cmocka_unit_test(test_memory_sizes),      cmocka_unit_test(test_smp),
        cmocka_unit_test(test_bad_options),       cmocka_unit_test(test_keyval),
        cmocka_unit_test(test_parse_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
