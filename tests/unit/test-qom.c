/*
 * Unit tests for the object model (qom/object.c, qom/container.c): type
 * registration and lazy class creation, class inheritance, casts, typed
 * property parsing, the composition tree and reference counting.
 *
 * Programming errors abort by design, so those cases run in a forked child
 * whose exit signal and stderr are checked.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "qom/object.h"

#define TYPE_TEST_BASE "test-base"
#define TYPE_TEST_MID "test-mid"
#define TYPE_TEST_LEAF "test-leaf"
#define TYPE_TEST_ABSTRACT "test-abstract"

typedef struct TestBase {
    Object parent_obj;
    int id;
    bool flag;
    int64_t num;
    uint32_t u32;
    uint64_t size;
    char *str;
    Object *link;
    int64_t checked;
    char *checked_str;
} TestBase;

typedef struct TestBaseClass {
    ObjectClass parent_class;
    int (*speak)(TestBase *s);
    int base_only;
} TestBaseClass;

/* The leaf adds a class field, so its class is larger than its parent's. */
typedef struct TestLeafClass {
    TestBaseClass parent_class;
    int leaf_only;
} TestLeafClass;

#define TEST_BASE(obj) OBJECT_CHECK(TestBase, (obj), TYPE_TEST_BASE)
#define TEST_BASE_GET_CLASS(obj) OBJECT_GET_CLASS(TestBaseClass, (obj), TYPE_TEST_BASE)

/* Every class_init, instance_init and instance_finalize appends a word here. */
static char call_log[1024];

static void log_call(const char *fmt, ...) PRINTF_FMT(1, 2);
static void log_call(const char *fmt, ...)
{
    size_t len = strlen(call_log);
    va_list ap;

    if (len) {
        call_log[len++] = ' ';
    }
    va_start(ap, fmt);
    vsnprintf(call_log + len, sizeof(call_log) - len, fmt, ap);
    va_end(ap);
}

static int base_speak(TestBase *s)
{
    return 1;
}

static int leaf_speak(TestBase *s)
{
    return 3;
}

static bool check_non_negative(Object *obj, Error **errp)
{
    if (TEST_BASE(obj)->checked < 0) {
        error_setg(errp, "must not be negative");
        return false;
    }
    return true;
}

static bool check_not_bad(Object *obj, Error **errp)
{
    if (strcmp(TEST_BASE(obj)->checked_str, "bad") == 0) {
        error_setg(errp, "'bad' is refused");
        return false;
    }
    return true;
}

static const Property base_props[] = {
    DEFINE_PROP_BOOL("flag", TestBase, flag, true),
    DEFINE_PROP_INT("num", TestBase, num, -5),
    DEFINE_PROP_UINT32("u32", TestBase, u32, 7),
    DEFINE_PROP_SIZE("size", TestBase, size, 4 * KiB),
    DEFINE_PROP("str", PROP_STRING, TestBase, str, .defval.s = "hello"),
    DEFINE_PROP_LINK("link", TestBase, link, TYPE_TEST_MID),
    DEFINE_PROP("checked", PROP_INT, TestBase, checked, .check = check_non_negative),
    DEFINE_PROP("checked-str", PROP_STRING, TestBase, checked_str, .defval.s = "good",
                .check = check_not_bad),
    DEFINE_PROP_END,
};

static void base_class_init(ObjectClass *oc, void *data)
{
    TestBaseClass *bc = (TestBaseClass *)oc;

    log_call("cb");
    bc->speak = base_speak;
    bc->base_only = 42;
    object_class_add_props(oc, base_props);
}

static void mid_class_init(ObjectClass *oc, void *data)
{
    log_call("cm");
}

static void leaf_class_init(ObjectClass *oc, void *data)
{
    TestLeafClass *lc = (TestLeafClass *)oc;

    log_call("cl:%s", (const char *)data);
    lc->parent_class.speak = leaf_speak;
    lc->leaf_only = 9;
}

static void base_init(Object *obj)
{
    log_call("ib");
}

static void mid_init(Object *obj)
{
    log_call("im");
}

static void leaf_init(Object *obj)
{
    log_call("il");
}

static void base_finalize(Object *obj)
{
    log_call("fb%d", TEST_BASE(obj)->id);
}

static void mid_finalize(Object *obj)
{
    log_call("fm%d", TEST_BASE(obj)->id);
}

static void leaf_finalize(Object *obj)
{
    log_call("fl%d", TEST_BASE(obj)->id);
}

/* A parent and a child that declares "a" again with a new default and adds "c" and "d". */
#define TYPE_TEST_PROPS_PARENT "test-props-parent"
#define TYPE_TEST_PROPS_CHILD "test-props-child"

typedef struct TestProps {
    Object parent_obj;
    int64_t a, b, c, d;
} TestProps;

static const Property props_parent_props[] = {
    DEFINE_PROP_INT("a", TestProps, a, 1),
    DEFINE_PROP_INT("b", TestProps, b, 2),
    DEFINE_PROP_END,
};

static const Property props_child_props1[] = {
    DEFINE_PROP_INT("c", TestProps, c, 3),
    DEFINE_PROP_INT("a", TestProps, a, 10),
    DEFINE_PROP_END,
};

static const Property props_child_props2[] = {
    DEFINE_PROP_INT("d", TestProps, d, 4),
    DEFINE_PROP_END,
};

static void props_parent_class_init(ObjectClass *oc, void *data)
{
    object_class_add_props(oc, props_parent_props);
}

static void props_child_class_init(ObjectClass *oc, void *data)
{
    object_class_add_props(oc, props_child_props1);
    object_class_add_props(oc, props_child_props2);
}

static const TypeInfo test_types[] = {
    {
        .name = TYPE_TEST_PROPS_PARENT,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestProps),
        .class_init = props_parent_class_init,
    },
    {
        .name = TYPE_TEST_PROPS_CHILD,
        .parent = TYPE_TEST_PROPS_PARENT,
        .class_init = props_child_class_init,
    },
    {
        .name = TYPE_TEST_BASE,
        .parent = TYPE_OBJECT,
        .instance_size = sizeof(TestBase),
        .class_size = sizeof(TestBaseClass),
        .class_init = base_class_init,
        .instance_init = base_init,
        .instance_finalize = base_finalize,
    },
    {
        .name = TYPE_TEST_MID,
        .parent = TYPE_TEST_BASE,
        .class_init = mid_class_init,
        .instance_init = mid_init,
        .instance_finalize = mid_finalize,
    },
    {
        .name = TYPE_TEST_LEAF,
        .parent = TYPE_TEST_MID,
        .class_size = sizeof(TestLeafClass),
        .class_init = leaf_class_init,
        .class_data = "data",
        .instance_init = leaf_init,
        .instance_finalize = leaf_finalize,
    },
    {
        .name = TYPE_TEST_ABSTRACT,
        .parent = TYPE_TEST_BASE,
        .abstract = true,
    },
};

static void test_register_types(void)
{
    for (size_t i = 0; i < ARRAY_SIZE(test_types); i++) {
        type_register_static(&test_types[i]);
    }
}

/* Run fn in a child process; return its wait status, with its stderr in buf. */
static int run_child(void (*fn)(void), char *buf, size_t size)
{
    int fds[2];
    int status;

    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], STDERR_FILENO);
        fn();
        _exit(0);
    }
    close(fds[1]);
    size_t len = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + len, size - 1 - len)) > 0) {
        len += n;
    }
    buf[len] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

/* Run fn in a child process; assert that it aborted and that stderr contains want. */
static void expect_abort(void (*fn)(void), const char *want)
{
    char buf[512];
    int status = run_child(fn, buf, sizeof(buf));

    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
    assert_non_null(strstr(buf, want));
}

static TestBase *new_test(const char *type, int id)
{
    TestBase *s = TEST_BASE(object_new(type));
    s->id = id;
    return s;
}

/* ---- Types and classes ---- */

/* Must run first: nothing may have touched the test types' classes yet. */
static void test_lazy_class_init_order(void **state)
{
    call_log[0] = '\0';
    assert_string_equal(call_log, "");
    ObjectClass *oc = object_class_by_name(TYPE_TEST_LEAF);
    assert_non_null(oc);
    assert_string_equal(call_log, "cb cm cl:data");

    /* Classes are built once: asking again, or for a parent, runs nothing. */
    call_log[0] = '\0';
    assert_ptr_equal(object_class_by_name(TYPE_TEST_LEAF), oc);
    assert_non_null(object_class_by_name(TYPE_TEST_MID));
    assert_string_equal(call_log, "");

    Object *obj = object_new(TYPE_TEST_LEAF);
    assert_string_equal(call_log, "ib im il");
    assert_int_equal(obj->refcount, 1);
    call_log[0] = '\0';
    object_unref(obj);
    assert_string_equal(call_log, "fl0 fm0 fb0");
}

static void test_class_copy_and_override(void **state)
{
    ObjectClass *base = object_class_by_name(TYPE_TEST_BASE);
    ObjectClass *mid = object_class_by_name(TYPE_TEST_MID);
    TestLeafClass *leaf = (TestLeafClass *)object_class_by_name(TYPE_TEST_LEAF);

    assert_ptr_not_equal(base, mid);
    assert_ptr_equal(((TestBaseClass *)mid)->speak, base_speak);
    assert_int_equal(((TestBaseClass *)mid)->base_only, 42);
    assert_ptr_equal(leaf->parent_class.speak, leaf_speak);
    assert_int_equal(leaf->parent_class.base_only, 42);
    assert_int_equal(leaf->leaf_only, 9);
    /* Overriding in the leaf leaves the parent class untouched. */
    assert_ptr_equal(((TestBaseClass *)base)->speak, base_speak);

    assert_string_equal(object_class_get_name(&leaf->parent_class.parent_class), "test-leaf");
    assert_ptr_equal(object_class_get_parent(&leaf->parent_class.parent_class), mid);
    assert_ptr_equal(object_class_get_parent(mid), base);
    /* The property list is inherited. */
    assert_int_equal(leaf->parent_class.parent_class.nprops, base->nprops);
    assert_non_null(object_class_find_property(mid, "size"));
    assert_null(object_class_find_property(mid, "nope"));

    TestBase *s = new_test(TYPE_TEST_LEAF, 1);
    assert_int_equal(TEST_BASE_GET_CLASS(s)->speak(s), 3);
    object_unref(OBJECT(s));
    s = new_test(TYPE_TEST_MID, 2);
    assert_int_equal(TEST_BASE_GET_CLASS(s)->speak(s), 1);
    object_unref(OBJECT(s));
}

static void new_abstract(void)
{
    object_new(TYPE_TEST_ABSTRACT);
}

static void new_unknown(void)
{
    object_new("no-such-type");
}

static void test_abstract_rejected(void **state)
{
    Error *err = NULL;

    assert_true(object_class_is_abstract(object_class_by_name(TYPE_TEST_ABSTRACT)));
    assert_false(object_class_is_abstract(object_class_by_name(TYPE_TEST_LEAF)));
    assert_null(object_new_checked(TYPE_TEST_ABSTRACT, &err));
    assert_non_null(err);
    assert_non_null(strstr(error_get_pretty(err), "test-abstract"));
    error_free(err);
    err = NULL;
    assert_null(object_new_checked("no-such-type", &err));
    assert_non_null(strstr(error_get_pretty(err), "no-such-type"));
    error_free(err);
    assert_null(object_class_by_name("no-such-type"));

    Object *obj = object_new_checked(TYPE_TEST_LEAF, &error_abort);
    assert_non_null(obj);
    object_unref(obj);

    expect_abort(new_abstract, "test-abstract");
    expect_abort(new_unknown, "no-such-type");
}

static void bad_object_cast(void)
{
    Object *obj = object_new(TYPE_TEST_MID);
    OBJECT_CHECK(TestBase, obj, TYPE_TEST_LEAF);
}

static void test_casts(void **state)
{
    Object *leaf = object_new(TYPE_TEST_LEAF);
    Object *mid = object_new(TYPE_TEST_MID);

    assert_ptr_equal(object_dynamic_cast(leaf, TYPE_TEST_LEAF), leaf);
    assert_ptr_equal(object_dynamic_cast(leaf, TYPE_TEST_BASE), leaf);
    assert_ptr_equal(object_dynamic_cast(leaf, TYPE_OBJECT), leaf);
    assert_null(object_dynamic_cast(mid, TYPE_TEST_LEAF));
    assert_null(object_dynamic_cast(mid, TYPE_CONTAINER));
    assert_null(object_dynamic_cast(NULL, TYPE_OBJECT));
    assert_ptr_equal(TEST_BASE(leaf), leaf);
    assert_null(OBJECT_CHECK(TestBase, NULL, TYPE_TEST_BASE));
    assert_non_null(object_class_dynamic_cast(leaf->klass, TYPE_TEST_MID));
    assert_null(object_class_dynamic_cast(mid->klass, TYPE_TEST_LEAF));
    assert_string_equal(object_get_typename(mid), "test-mid");
    object_unref(leaf);
    object_unref(mid);

    expect_abort(bad_object_cast, "is not an instance of type test-leaf");
    expect_abort(bad_object_cast, "test-qom.c:");
}

/* A mid object whose class cache is full of mid's own ancestors, then cast to a child. */
static void bad_cast_after_warm_cache(void)
{
    Object *obj = object_new(TYPE_TEST_MID);
    const char *ancestors[] = {TYPE_TEST_MID, TYPE_TEST_BASE, TYPE_OBJECT, TYPE_TEST_MID};

    for (size_t i = 0; i < ARRAY_SIZE(ancestors); i++) {
        OBJECT_CHECK(Object, obj, ancestors[i]);
    }
    OBJECT_CHECK(TestBase, obj, TYPE_TEST_LEAF);
}

/* The class cast cache: hits, evictions (more names than slots) and no false positives. */
static void test_cast_cache(void **state)
{
    Object *leaf = object_new(TYPE_TEST_LEAF);
    const char *names[] = {TYPE_TEST_LEAF, TYPE_TEST_MID, TYPE_TEST_BASE, TYPE_OBJECT};

    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
            assert_ptr_equal(OBJECT_CHECK(Object, leaf, names[i]), leaf);
            assert_ptr_equal(OBJECT_CLASS_CHECK(ObjectClass, leaf->klass, names[i]), leaf->klass);
        }
    }
    /* A cached success on the leaf's class says nothing about its parent's class. */
    assert_null(object_class_dynamic_cast(object_class_by_name(TYPE_TEST_MID), TYPE_TEST_LEAF));
    object_unref(leaf);
    expect_abort(bad_cast_after_warm_cache, "is not an instance of type test-leaf");
}

static void collect_name(ObjectClass *oc, void *opaque)
{
    char *buf = opaque;
    if (*buf) {
        strcat(buf, " ");
    }
    strcat(buf, object_class_get_name(oc));
}

static void test_class_foreach_sorted(void **state)
{
    char names[256] = "";

    object_class_foreach(TYPE_TEST_BASE, true, collect_name, names);
    assert_string_equal(names, "test-abstract test-base test-leaf test-mid");
    names[0] = '\0';
    object_class_foreach(TYPE_TEST_BASE, false, collect_name, names);
    assert_string_equal(names, "test-base test-leaf test-mid");
    names[0] = '\0';
    object_class_foreach(TYPE_TEST_MID, false, collect_name, names);
    assert_string_equal(names, "test-leaf test-mid");
}

/* ---- Properties ---- */

/* A redeclared inherited property replaces the parent's in place; the others are appended. */
static void test_class_props_redeclared(void **state)
{
    ObjectClass *parent = object_class_by_name(TYPE_TEST_PROPS_PARENT);
    ObjectClass *child = object_class_by_name(TYPE_TEST_PROPS_CHILD);
    static const char *const want[] = {"a", "b", "c", "d"};

    assert_int_equal(parent->nprops, 2);
    assert_int_equal(child->nprops, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(child->props[i]->name, want[i]);
    }
    assert_int_equal(object_class_find_property(child, "a")->defval.i, 10);
    assert_int_equal(object_class_find_property(parent, "a")->defval.i, 1);
    Object *obj = object_new(TYPE_TEST_PROPS_CHILD);
    assert_int_equal(((TestProps *)obj)->a, 10);
    assert_int_equal(((TestProps *)obj)->d, 4);
    object_unref(obj);
}

static void check_unique_props(ObjectClass *oc, void *opaque)
{
    for (size_t i = 0; i < oc->nprops; i++) {
        for (size_t j = 0; j < i; j++) {
            if (!strcmp(oc->props[i]->name, oc->props[j]->name)) {
                fail_msg("%s declares property '%s' twice", object_class_get_name(oc),
                         oc->props[i]->name);
            }
        }
    }
}

/*
 * object_class_add_props compares a class's names only with the inherited ones: every class
 * of the binary (devices, CPUs, machines, backends) must declare each of its names once.
 */
static void test_class_props_unique(void **state)
{
    object_class_foreach(TYPE_OBJECT, true, check_unique_props, NULL);
}

/* Parse value into prop, expecting failure with an error mentioning `want`. */
static void expect_parse_error(Object *obj, const char *prop, const char *value, const char *want)
{
    Error *err = NULL;

    assert_false(object_property_parse(obj, prop, value, &err));
    assert_non_null(err);
    const char *msg = error_get_pretty(err);
    if (!strstr(msg, want) || !strstr(msg, prop)) {
        fail_msg("error '%s' does not mention '%s' and '%s'", msg, prop, want);
    }
    error_free(err);
}

static void test_prop_defaults(void **state)
{
    TestBase *s = new_test(TYPE_TEST_LEAF, 0);

    assert_true(s->flag);
    assert_int_equal(s->num, -5);
    assert_int_equal(s->u32, 7);
    assert_int_equal(s->size, 4096);
    assert_string_equal(s->str, "hello");
    assert_null(s->link);
    object_unref(OBJECT(s));
}

static void test_prop_bool(void **state)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    TestBase *s = TEST_BASE(obj);
    static const char *const on[] = {"on", "true", "yes"};
    static const char *const off[] = {"off", "false", "no"};

    for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
        assert_true(object_property_parse(obj, "flag", off[i], &error_abort));
        assert_false(s->flag);
        assert_true(object_property_parse(obj, "flag", on[i], &error_abort));
        assert_true(s->flag);
    }
    expect_parse_error(obj, "flag", "maybe", "'maybe'");
    expect_parse_error(obj, "flag", "", "boolean");
    assert_true(s->flag);
    assert_true(object_property_set_bool(obj, "flag", false, &error_abort));
    assert_false(object_property_get_bool(obj, "flag", &error_abort));
    char *text = object_property_print(obj, "flag", &error_abort);
    assert_string_equal(text, "off");
    free(text);
    object_unref(obj);
}

static void test_prop_int(void **state)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    TestBase *s = TEST_BASE(obj);

    assert_true(object_property_parse(obj, "num", "123", &error_abort));
    assert_int_equal(s->num, 123);
    assert_true(object_property_parse(obj, "num", "-0x10", &error_abort));
    assert_int_equal(s->num, -16);
    assert_true(object_property_parse(obj, "num", "0xFFff", &error_abort));
    assert_int_equal(s->num, 0xffff);
    assert_true(object_property_parse(obj, "num", "-9223372036854775808", &error_abort));
    assert_true(s->num == INT64_MIN);
    assert_true(object_property_parse(obj, "num", "010", &error_abort));
    assert_int_equal(s->num, 10); /* decimal, not octal */
    expect_parse_error(obj, "num", "9223372036854775808", "out of range");
    expect_parse_error(obj, "num", "99999999999999999999", "out of range");
    expect_parse_error(obj, "num", "12abc", "'12abc'");
    expect_parse_error(obj, "num", "", "invalid");
    expect_parse_error(obj, "num", " 1", "invalid");
    expect_parse_error(obj, "num", "0x", "invalid");
    assert_int_equal(s->num, 10);
    assert_true(object_property_set_int(obj, "num", -77, &error_abort));
    assert_int_equal(object_property_get_int(obj, "num", &error_abort), -77);
    char *text = object_property_print(obj, "num", &error_abort);
    assert_string_equal(text, "-77");
    free(text);
    object_unref(obj);
}

static void test_prop_uint32(void **state)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    TestBase *s = TEST_BASE(obj);
    Error *err = NULL;

    assert_true(object_property_parse(obj, "u32", "4294967295", &error_abort));
    assert_int_equal(s->u32, UINT32_MAX);
    assert_true(object_property_parse(obj, "u32", "0x10", &error_abort));
    assert_int_equal(s->u32, 16);
    expect_parse_error(obj, "u32", "4294967296", "out of range");
    expect_parse_error(obj, "u32", "-1", "invalid");
    expect_parse_error(obj, "u32", "1K", "invalid");
    assert_int_equal(s->u32, 16);
    assert_false(object_property_set_int(obj, "u32", 1LL << 32, &err));
    assert_non_null(strstr(error_get_pretty(err), "out of range"));
    error_free(err);
    err = NULL;
    assert_false(object_property_set_int(obj, "u32", -1, &err));
    error_free(err);
    assert_true(object_property_set_int(obj, "u32", 99, &error_abort));
    assert_int_equal(object_property_get_int(obj, "u32", &error_abort), 99);
    object_unref(obj);
}

static void test_prop_size(void **state)
{
    static const struct {
        const char *text;
        uint64_t value;
    } good[] = {
        {"0", 0},
        {"512", 512},
        {"512B", 512},
        {"4k", 4 * KiB},
        {"4K", 4 * KiB},
        {"4KB", 4 * KiB},
        {"16M", 16 * MiB},
        {"16mb", 16 * MiB},
        {"2G", 2 * GiB},
        {"1T", 1ULL << 40},
        {"0x1000", 0x1000},
        {"0x10M", 16 * MiB},
        {"16777215T", 16777215ULL << 40},
        {"18446744073709551615", UINT64_MAX},
    };
    static const char *const bad[] = {"", "M", "-1", "1.5G", "1X", "1KK", "1 K", "1KBB", "K1"};
    Object *obj = object_new(TYPE_TEST_LEAF);
    TestBase *s = TEST_BASE(obj);

    for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
        assert_true(object_property_parse(obj, "size", good[i].text, &error_abort));
        assert_true(s->size == good[i].value);
    }
    s->size = 1;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        expect_parse_error(obj, "size", bad[i], "invalid size");
    }
    expect_parse_error(obj, "size", "16777216T", "out of range");
    expect_parse_error(obj, "size", "18446744073709551616", "out of range");
    expect_parse_error(obj, "size", "18446744073709551615K", "out of range");
    assert_int_equal(s->size, 1);

    assert_true(object_property_parse(obj, "size", "128M", &error_abort));
    char *text = object_property_print(obj, "size", &error_abort);
    assert_string_equal(text, "134217728");
    free(text);
    object_unref(obj);
}

static void test_prop_string(void **state)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    TestBase *s = TEST_BASE(obj);
    char value[] = "first";

    /* The property owns a copy: changing the caller's buffer changes nothing. */
    assert_true(object_property_parse(obj, "str", value, &error_abort));
    value[0] = 'X';
    assert_string_equal(s->str, "first");
    assert_true(object_property_set_str(obj, "str", "second", &error_abort));
    assert_string_equal(s->str, "second");
    char *text = object_property_print(obj, "str", &error_abort);
    assert_string_equal(text, "second");
    free(text);
    /* set_str on a non-string property goes through its parser. */
    assert_true(object_property_set_str(obj, "size", "2K", &error_abort));
    assert_int_equal(s->size, 2048);
    object_unref(obj);
}

static void test_prop_unknown_and_mistyped(void **state)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    Error *err = NULL;

    assert_null(object_property_find(obj, "nope"));
    assert_false(object_property_parse(obj, "nope", "1", &err));
    assert_non_null(strstr(error_get_pretty(err), "'nope'"));
    assert_non_null(strstr(error_get_pretty(err), "test-leaf"));
    error_free(err);
    err = NULL;
    assert_null(object_property_print(obj, "nope", &err));
    error_free(err);
    err = NULL;
    assert_false(object_property_set_bool(obj, "num", true, &err));
    error_free(err);
    err = NULL;
    assert_false(object_property_set_int(obj, "flag", 1, &err));
    error_free(err);
    object_unref(obj);
}

static void test_prop_check_restores(void **state)
{
    Object *obj = object_new(TYPE_TEST_LEAF);
    TestBase *s = TEST_BASE(obj);
    Error *err = NULL;

    assert_true(object_property_parse(obj, "checked", "12", &error_abort));
    assert_int_equal(s->checked, 12);
    expect_parse_error(obj, "checked", "-3", "must not be negative");
    assert_int_equal(s->checked, 12);
    assert_false(object_property_set_int(obj, "checked", -1, &err));
    error_free(err);
    assert_int_equal(s->checked, 12);

    expect_parse_error(obj, "checked-str", "bad", "refused");
    assert_string_equal(s->checked_str, "good");
    assert_true(object_property_parse(obj, "checked-str", "fine", &error_abort));
    assert_string_equal(s->checked_str, "fine");
    object_unref(obj);
}

static void test_prop_link(void **state)
{
    Object *holder = object_new(TYPE_TEST_LEAF);
    Object *dir = container_get(object_get_root(), "/link-test");
    Object *target = object_new(TYPE_TEST_LEAF);
    Object *wrong = object_new(TYPE_TEST_BASE);
    TestBase *s = TEST_BASE(holder);

    object_property_add_child(dir, "target", target);
    object_property_add_child(dir, "wrong", wrong);
    assert_true(object_property_parse(holder, "link", "/link-test/target", &error_abort));
    assert_ptr_equal(s->link, target);
    char *text = object_property_print(holder, "link", &error_abort);
    assert_string_equal(text, "/link-test/target");
    free(text);

    expect_parse_error(holder, "link", "/link-test/wrong", "test-base");
    expect_parse_error(holder, "link", "/link-test/none", "/link-test/none");
    expect_parse_error(holder, "link", "link-test/target", "link-test/target");
    assert_ptr_equal(s->link, target);

    Error *err = NULL;
    assert_false(object_property_set_link(holder, "link", wrong, &err));
    error_free(err);
    assert_true(object_property_parse(holder, "link", "", &error_abort));
    assert_null(s->link);
    assert_true(object_property_set_link(holder, "link", target, &error_abort));
    assert_ptr_equal(s->link, target);

    object_unref(holder);
    object_unref(target);
    object_unref(wrong);
    object_unparent(dir);
}

/* ---- Composition tree and lifetime ---- */

static void test_tree_paths(void **state)
{
    Object *root = object_get_root();
    Object *b = container_get(root, "/tree/a/b");
    Object *leaf = object_new(TYPE_TEST_LEAF);

    assert_ptr_equal(object_get_root(), root);
    assert_ptr_equal(object_resolve_path("/"), root);
    assert_ptr_equal(object_resolve_path("/tree/a/b"), b);
    assert_ptr_equal(container_get(root, "tree/a/b"), b);
    assert_non_null(object_dynamic_cast(b, TYPE_CONTAINER));
    object_property_add_child(b, "leaf", leaf);
    assert_int_equal(leaf->refcount, 2);
    object_unref(leaf);
    assert_ptr_equal(object_resolve_path("/tree/a/b/leaf"), leaf);
    assert_ptr_equal(object_child(b, "leaf"), leaf);
    assert_null(object_resolve_path("/tree/a/c"));
    assert_null(object_resolve_path("/tree/a/b/leaf/x"));
    assert_null(object_resolve_path("tree/a"));

    char *path = object_get_canonical_path(leaf);
    assert_string_equal(path, "/tree/a/b/leaf");
    free(path);
    path = object_get_canonical_path(root);
    assert_string_equal(path, "/");
    free(path);
    Object *detached = object_new(TYPE_TEST_MID);
    assert_null(object_get_canonical_path(detached));
    object_unref(detached);

    object_unparent(object_resolve_path("/tree"));
    assert_null(object_resolve_path("/tree/a/b/leaf"));
}

static void add_duplicate_child(void)
{
    Object *dir = container_get(object_get_root(), "/dup");
    object_property_add_child(dir, "x", object_new(TYPE_TEST_MID));
    object_property_add_child(dir, "x", object_new(TYPE_TEST_MID));
}

static void test_tree_duplicate_aborts(void **state)
{
    expect_abort(add_duplicate_child, "'x'");
}

static void record_child(Object *child, void *opaque)
{
    log_call("%s", child->name);
}

static void test_refcount_and_finalize_order(void **state)
{
    TestBase *parent = new_test(TYPE_TEST_LEAF, 1);
    TestBase *child1 = new_test(TYPE_TEST_MID, 2);
    TestBase *child2 = new_test(TYPE_TEST_LEAF, 3);

    object_property_add_child(OBJECT(parent), "c1", OBJECT(child1));
    object_property_add_child(OBJECT(parent), "c2", OBJECT(child2));
    object_unref(OBJECT(child1));
    object_unref(OBJECT(child2));

    call_log[0] = '\0';
    object_child_foreach(OBJECT(parent), record_child, NULL);
    assert_string_equal(call_log, "c1 c2");

    /* An extra reference keeps the object alive past the first unref. */
    object_ref(OBJECT(parent));
    call_log[0] = '\0';
    object_unref(OBJECT(parent));
    assert_string_equal(call_log, "");
    object_unref(OBJECT(parent));
    assert_string_equal(call_log, "fm2 fb2 fl3 fm3 fb3 fl1 fm1 fb1");

    /* A child with its own reference outlives its parent, detached. */
    parent = new_test(TYPE_TEST_MID, 4);
    child1 = new_test(TYPE_TEST_MID, 5);
    object_property_add_child(OBJECT(parent), "kept", OBJECT(child1));
    call_log[0] = '\0';
    object_unref(OBJECT(parent));
    assert_string_equal(call_log, "fm4 fb4");
    assert_null(OBJECT(child1)->parent);
    assert_null(OBJECT(child1)->name);
    assert_int_equal(OBJECT(child1)->refcount, 1);
    object_unref(OBJECT(child1));
}

/* ---- Errors ---- */

static void fail_fatally(void)
{
    error_setg(&error_fatal, "disk %s missing", "d0");
}

static void fail_with_abort(void)
{
    error_setg(&error_abort, "should not happen");
}

static void set_twice(void)
{
    Error *err = NULL;
    error_setg(&err, "first");
    error_setg(&err, "second");
}

static void test_errors(void **state)
{
    Error *err = NULL;
    Error *other = NULL;
    char buf[512];

    error_setg(NULL, "ignored");
    error_setg(&err, "bad value %d", 3);
    error_prepend(&err, "option '%s': ", "x");
    assert_string_equal(error_get_pretty(err), "option 'x': bad value 3");
    /* The first error wins when propagating into an errp that holds one. */
    error_setg(&other, "later");
    error_propagate(&err, other);
    assert_string_equal(error_get_pretty(err), "option 'x': bad value 3");
    error_free(err);
    err = NULL;
    error_setg_errno(&err, ENOENT, "cannot open '%s'", "f");
    assert_string_equal(error_get_pretty(err), "cannot open 'f': No such file or directory");
    other = err;
    err = NULL;
    error_propagate(&err, other);
    assert_ptr_equal(err, other);
    error_propagate(NULL, err);

    int status = run_child(fail_fatally, buf, sizeof(buf));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    assert_string_equal(buf, "kestrel: disk d0 missing\n");
    expect_abort(fail_with_abort, "should not happen");
    expect_abort(set_twice, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_class_init_order),
        cmocka_unit_test(test_class_copy_and_override),
        cmocka_unit_test(test_abstract_rejected),
        cmocka_unit_test(test_casts),
        cmocka_unit_test(test_cast_cache),
        cmocka_unit_test(test_class_foreach_sorted),
        cmocka_unit_test(test_prop_defaults),
        cmocka_unit_test(test_class_props_redeclared),
        cmocka_unit_test(test_class_props_unique),
        cmocka_unit_test(test_prop_bool),
        cmocka_unit_test(test_prop_int),
        cmocka_unit_test(test_prop_uint32),
        cmocka_unit_test(test_prop_size),
        cmocka_unit_test(test_prop_string),
        cmocka_unit_test(test_prop_unknown_and_mistyped),
        cmocka_unit_test(test_prop_check_restores),
        cmocka_unit_test(test_prop_link),
        cmocka_unit_test(test_tree_paths),
        cmocka_unit_test(test_tree_duplicate_aborts),
        cmocka_unit_test(test_refcount_and_finalize_order),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Last in the file: clang-format would indent whatever followed the macro. */
type_init(test_register_types)
