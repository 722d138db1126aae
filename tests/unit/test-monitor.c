/*
 * Unit tests for the monitor: QMP's stream parsing (requests split at any
 * byte, several in one read, malformed and oversized input), argument
 * checking with QEMU's messages, and HMP expressions. The monitor under test
 * writes into a capture buffer instead of a chardev.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../../monitor/monitor-internal.h"
#include "system/runstate.h"

static Monitor *qmp_under_test(void)
{
    Monitor *mon = monitor_capture_begin();

    mon->qmp = true;
    qmp_event(mon, CHR_EVENT_OPENED); /* the greeting */
    return mon;
}

static void feed(Monitor *mon, const char *text, int chunk)
{
    int len = (int)strlen(text);

    for (int i = 0; i < len; i += chunk) {
        qmp_receive(mon, (const uint8_t *)text + i, MIN(chunk, len - i));
    }
}

static char *finish(Monitor *mon)
{
    json_tokener_free(mon->tok);
    return monitor_capture_end(mon);
}

static void test_qmp_stream_any_split(void **state)
{
    static const char input[] = "{\"execute\": \"qmp_capabilities\"}\n"
                                "{\"execute\": \"query-status\", \"id\": 1}"
                                "{\"execute\": \"query-name\", \"id\": [2]}\r\n";

    for (int chunk = 1; chunk <= 7; chunk++) {
        Monitor *mon = qmp_under_test();
        char *out;

        feed(mon, input, chunk);
        out = finish(mon);
        assert_non_null(strstr(out, "{\"QMP\": {\"version\": "));
        assert_non_null(strstr(out, "{\"return\": {}}\r\n"));
        assert_non_null(strstr(out, "{\"return\": {\"status\": \"prelaunch\", \"singlestep\": "
                                    "false, \"running\": false}, \"id\": 1}\r\n"));
        assert_non_null(strstr(out, "{\"return\": {}, \"id\": [2]}\r\n"));
        free(out);
    }
}

static void test_qmp_bad_input_then_serving(void **state)
{
    Monitor *mon = qmp_under_test();
    char *big = xmalloc(QMP_REQUEST_MAX + 64);
    char *out;

    feed(mon, "{\"execute\": \"query-name\"}\n", 64); /* before negotiation */
    feed(mon, "{\"execute\": \"qmp_capabilities\"}\n", 64);
    feed(mon, "xyz\n{\"execute\": \"query-name\", \"id\": \"a\"}\n", 64);
    snprintf(big, QMP_REQUEST_MAX + 64, "{\"execute\": \"x\", \"arguments\": {\"s\": \"%*s\"}}\n",
             QMP_REQUEST_MAX, "");
    feed(mon, big, 4096); /* the limit is crossed in the last piece, the value complete */
    feed(mon, "{\"execute\": \"query-name\", \"id\": \"c\"}\n", 64);
    feed(mon, big, 1000); /* crossed in mid-value: the rest of the line is dropped */
    feed(mon, "{\"execute\": \"query-name\", \"id\": \"b\"}\n", 64);
    out = finish(mon);
    assert_non_null(strstr(out, "\"class\": \"CommandNotFound\", \"desc\": \"Expecting "
                                "capabilities negotiation with 'qmp_capabilities'\""));
    assert_non_null(strstr(out, "\"desc\": \"JSON parse error, "));
    assert_non_null(strstr(out, "{\"return\": {}, \"id\": \"a\"}"));
    assert_non_null(strstr(out, "request too large"));
    assert_non_null(strstr(out, "{\"return\": {}, \"id\": \"b\"}"));
    assert_non_null(strstr(out, "{\"return\": {}, \"id\": \"c\"}"));
    free(out);
    free(big);
}

static void check_args(const char *schema, const char *json, const char *want_error)
{
    json_object *args = json_tokener_parse(json);
    Error *err = NULL;
    bool ok = monitor_check_args(schema, args, &err);

    if (!want_error) {
        assert_true(ok);
    } else {
        assert_false(ok);
        assert_string_equal(error_get_pretty(err), want_error);
        error_free(err);
    }
    json_object_put(args);
}

static void test_argument_checking(void **state)
{
    check_args("path:s,property:s", "{\"path\": \"/m\", \"property\": \"p\"}", NULL);
    check_args("path:s,property:s", "{\"path\": \"/m\"}", "Parameter 'property' is missing");
    check_args("path:s", "{\"path\": 7}", "Invalid parameter type for 'path', expected: string");
    check_args("val:i,size:i", "{\"val\": 1, \"size\": true}",
               "Invalid parameter type for 'size', expected: integer");
    check_args("", "{\"x\": 1}", "Parameter 'x' is unexpected");
    check_args("driver:s,id:s?,*", "{\"driver\": \"d\", \"anything\": 1}", NULL);
    check_args("enable:a?", "{}", NULL);
}

static void expr(const char *text, int64_t want, const char *rest)
{
    const char *p = text;
    int64_t v = -1;

    assert_true(hmp_expr(&p, &v, NULL));
    assert_int_equal(v, want);
    assert_string_equal(p, rest);
}

static void test_hmp_expressions(void **state)
{
    const char *p = "1/0";
    int64_t v;

    expr("1+2*3", 7, "");
    expr("1 + 2 * 3", 7, "");
    expr("(1+2)*3", 9, "");
    expr("0x10/4 - 1", 3, "");
    expr("0xff & 0x0f | 0x100", 0x10f, "");
    expr("16 /tmp/file", 16, " /tmp/file"); /* a file name is not a division */
    expr("-8+1", -7, "");
    assert_false(hmp_expr(&p, &v, NULL));
    p = "(1";
    assert_false(hmp_expr(&p, &v, NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qmp_stream_any_split),
        cmocka_unit_test(test_qmp_bad_input_then_serving),
        cmocka_unit_test(test_argument_checking),
        cmocka_unit_test(test_hmp_expressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
