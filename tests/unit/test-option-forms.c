/*
 * Unit tests for the option forms of issue 14: fractional sizes (util/option.c),
 * the JSON form of an option (util/keyval-json.c), -set rewriting the option
 * it names and -machine given twice (system/options.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "system/system.h"
#include "util/option.h"

static void test_fractional_sizes(void **state)
{
    uint64_t v;

    assert_true(parse_size("1.9G", MiB, &v));
    assert_int_equal(v, 2040109465ULL); /* 1.9 * 2^30, the fraction of a byte dropped */
    assert_true(parse_size("1.5", MiB, &v));
    assert_int_equal(v, 3 * MiB / 2);
    assert_true(parse_size("0.5k", MiB, &v));
    assert_int_equal(v, 512);
    assert_false(parse_size("1.G", MiB, &v));
    assert_false(parse_size("1..5G", MiB, &v));
    assert_false(parse_size(".5G", MiB, &v));
    assert_false(parse_size("1.5x", MiB, &v));
}

static void test_json_form(void **state)
{
    KeyValueList kv;
    Error *err = NULL;

    assert_true(keyval_parse_json(
        " {\"qom-type\": \"rng-random\", \"id\":\"r0\", \"filename\":\"/a,b\\\"c\", "
        "\"n\": 12, \"b\": true}",
        &kv, &err));
    assert_string_equal(keyval_get(&kv, "qom-type"), "rng-random");
    assert_string_equal(keyval_get(&kv, "filename"), "/a,b\"c");
    assert_string_equal(keyval_get(&kv, "n"), "12");
    assert_string_equal(keyval_get(&kv, "b"), "on");
    keyval_free(&kv);
    assert_true(keyval_parse_json("{}", &kv, &err));
    assert_int_equal(kv.count, 0);
    static const char *const bad[] = {
        "",
        "{",
        "{\"a\":1",
        "{\"a\":{}}",
        "{\"a\":[1]}",
        "{\"a\":1,}",
        "{\"a\":1} x",
        "{a:1}",
        "{\"a\":\"x\\q\"}",
        "{\"a\":1,\"a\":2}",
        "{\"a\":\"\n\"}",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        err = NULL;
        assert_false(keyval_parse_json(bad[i], &kv, &err));
        assert_non_null(err);
        error_free(err);
    }
}

static void test_set_rewrites_the_option(void **state)
{
    char *argv[] = {
        "kestrel", "-device",         "virtio-rng-device,id=r,rng=x", "-set", "device.r.rng=a,b",
        "-set",    "device.r.extra=1"};
    VLOptions o = {0};
    Error *err = NULL;

    assert_true(vl_parse_args(ARRAY_SIZE(argv), argv, &o, &err));
    assert_string_equal(o.device[0], "driver=virtio-rng-device,id=r,rng=a,,b,extra=1");
    vl_options_free(&o);

    char *bad[] = {"kestrel", "-device", "virtio-rng-device,id=r", "-set", "device.q.rng=1"};
    memset(&o, 0, sizeof(o));
    assert_false(vl_parse_args(ARRAY_SIZE(bad), bad, &o, &err));
    assert_non_null(strstr(error_get_pretty(err), "no device with id 'q'"));
    error_free(err);
    vl_options_free(&o);
}

static void test_machine_twice_is_kept_in_order(void **state)
{
    char *argv[] = {"kestrel", "-M", "virt", "--machine", "aclint=on"};
    VLOptions o = {0};
    Error *err = NULL;

    assert_true(vl_parse_args(ARRAY_SIZE(argv), argv, &o, &err));
    assert_int_equal(o.nmachine, 2);
    assert_string_equal(o.machine_opts[1], "aclint=on");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fractional_sizes),
        cmocka_unit_test(test_json_form),
        cmocka_unit_test(test_set_rewrites_the_option),
        cmocka_unit_test(test_machine_twice_is_kept_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
