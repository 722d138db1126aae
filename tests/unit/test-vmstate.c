/*
 * Unit tests for the device state framework (migration/vmstate.c): a field
 * table round-trips every kind of field, a stream from a newer or too old
 * version is refused, a truncated stream or a count that does not match the
 * device is an error, check mode writes nothing, fields added in a later
 * version are skipped for older streams, and post_load runs (or is deferred).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "migration/vmstate.h"
#include "util/timer.h"

typedef struct Inner {
    uint16_t a;
    bool b;
} Inner;

typedef struct Sample {
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    int64_t i64;
    bool flag;
    uint8_t bytes[5];
    uint32_t words[3];
    Inner inner;
    Inner inners[2];
    uint32_t n, m;
    uint32_t *dyn;  /* n elements */
    uint32_t *dyn2; /* n * m elements */
    Timer *timer;
    uint32_t added_in_v2;
    int post_loads;
} Sample;

static const VMStateDescription vmstate_inner = {
    .name = "inner",
    .version_id = 1,
    .minimum_version_id = 1,
    .fields = (const VMStateField[]){VMSTATE_UINT16(a, Inner), VMSTATE_BOOL(b, Inner),
                                     VMSTATE_END_OF_LIST()},
};

static bool sample_post_load(void *opaque, int version_id, Error **errp)
{
    ((Sample *)opaque)->post_loads++;
    return true;
}

static const VMStateDescription vmstate_sample = {
    .name = "sample",
    .version_id = 2,
    .minimum_version_id = 1,
    .post_load = sample_post_load,
    .fields =
        (const VMStateField[]){
            VMSTATE_UINT8(u8, Sample),
            VMSTATE_UINT16(u16, Sample),
            VMSTATE_UINT32(u32, Sample),
            VMSTATE_UINT64(u64, Sample),
            VMSTATE_INT64(i64, Sample),
            VMSTATE_BOOL(flag, Sample),
            VMSTATE_BUFFER(bytes, Sample),
            VMSTATE_UINT32_ARRAY(words, Sample, 3),
            VMSTATE_STRUCT(inner, Sample, vmstate_inner, Inner),
            VMSTATE_STRUCT_ARRAY(inners, Sample, 2, vmstate_inner, Inner),
            VMSTATE_UINT32_VARRAY_PTR(dyn, Sample, n),
            VMSTATE_UINT32_VARRAY2_PTR(dyn2, Sample, n, m),
            VMSTATE_TIMER_PTR(timer, Sample),
            VMSTATE_UINT32_V(added_in_v2, Sample, 2),
            VMSTATE_END_OF_LIST(),
        },
};

static void timer_cb(void *opaque)
{
}

static void sample_init(Sample *s, uint32_t n, uint32_t m)
{
    memset(s, 0, sizeof(*s));
    s->n = n, s->m = m;
    s->dyn = xnew0(uint32_t, n);
    s->dyn2 = xnew0(uint32_t, n * m);
    s->timer = timer_new_ns(CLOCK_VIRTUAL, timer_cb, s);
}

static void sample_fill(Sample *s)
{
    s->u8 = 0xab, s->u16 = 0xbeef, s->u32 = 0xdeadbeef;
    s->u64 = UINT64_C(0x0123456789abcdef), s->i64 = -42, s->flag = true;
    memcpy(s->bytes, "hello", 5);
    s->words[0] = 1, s->words[1] = 2, s->words[2] = 3;
    s->inner = (Inner){7, true};
    s->inners[1] = (Inner){9, true};
    for (uint32_t i = 0; i < s->n; i++) {
        s->dyn[i] = 100 + i;
    }
    for (uint32_t i = 0; i < s->n * s->m; i++) {
        s->dyn2[i] = 1000 + i;
    }
    timer_mod_ns(s->timer, 123456789);
    s->added_in_v2 = 77;
}

static void sample_free(Sample *s)
{
    free(s->dyn);
    free(s->dyn2);
    timer_free(s->timer);
}

static VMStateOut save(Sample *s)
{
    VMStateOut out = {0};

    vmstate_save_state(&out, &vmstate_sample, s);
    return out;
}

static void test_round_trip(void **state)
{
    Sample a, b;
    VMStateOut out;
    VMStateIn in;
    Error *err = NULL;

    sample_init(&a, 3, 2);
    sample_fill(&a);
    sample_init(&b, 3, 2);
    out = save(&a);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_true(vmstate_load_state(&in, &vmstate_sample, &b, 2, &err));
    assert_int_equal(in.pos, in.len);
    assert_int_equal(b.u8, 0xab);
    assert_int_equal(b.u16, 0xbeef);
    assert_int_equal(b.u32, 0xdeadbeef);
    assert_true(b.u64 == UINT64_C(0x0123456789abcdef));
    assert_true(b.i64 == -42);
    assert_true(b.flag);
    assert_memory_equal(b.bytes, "hello", 5);
    assert_int_equal(b.words[2], 3);
    assert_int_equal(b.inner.a, 7);
    assert_true(b.inner.b);
    assert_int_equal(b.inners[1].a, 9);
    assert_int_equal(b.dyn[2], 102);
    assert_int_equal(b.dyn2[5], 1005);
    assert_true(timer_pending(b.timer));
    assert_true(timer_expire_time_ns(b.timer) == 123456789);
    assert_int_equal(b.added_in_v2, 77);
    assert_int_equal(b.post_loads, 1);
    /* A timer saved idle is deleted on load. */
    timer_del(a.timer);
    free(out.data);
    out = save(&a);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_true(vmstate_load_state(&in, &vmstate_sample, &b, 2, &err));
    assert_false(timer_pending(b.timer));
    free(out.data);
    sample_free(&a);
    sample_free(&b);
}

static void test_version_refused(void **state)
{
    Sample a, b;
    VMStateOut out;
    VMStateIn in;
    Error *err = NULL;

    sample_init(&a, 1, 1);
    sample_init(&b, 1, 1);
    out = save(&a);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_false(vmstate_load_state(&in, &vmstate_sample, &b, 3, &err));
    assert_non_null(strstr(error_get_pretty(err), "version 3"));
    error_free(err), err = NULL;
    in.pos = 0;
    assert_false(vmstate_load_state(&in, &vmstate_sample, &b, 0, &err));
    error_free(err), err = NULL;
    assert_int_equal(b.post_loads, 0);
    free(out.data);
    sample_free(&a);
    sample_free(&b);
}

/* A version 1 stream has no added_in_v2: the field keeps its value. */
static void test_old_version_skips_new_field(void **state)
{
    Sample a, b;
    VMStateOut out;
    VMStateIn in;
    Error *err = NULL;

    sample_init(&a, 2, 2);
    sample_fill(&a);
    sample_init(&b, 2, 2);
    b.added_in_v2 = 5;
    out = save(&a);
    /* Drop the last field (4 bytes) to make the version 1 stream. */
    in = (VMStateIn){.data = out.data, .len = out.len - 4};
    assert_true(vmstate_load_state(&in, &vmstate_sample, &b, 1, &err));
    assert_int_equal(in.pos, in.len);
    assert_int_equal(b.added_in_v2, 5);
    assert_int_equal(b.u32, 0xdeadbeef);
    free(out.data);
    sample_free(&a);
    sample_free(&b);
}

static void test_truncated(void **state)
{
    Sample a, b;
    VMStateOut out;
    Error *err = NULL;

    sample_init(&a, 2, 3);
    sample_fill(&a);
    sample_init(&b, 2, 3);
    out = save(&a);
    for (size_t len = 0; len < out.len; len++) {
        VMStateIn in = {.data = out.data, .len = len};

        assert_false(vmstate_check_state(&in, &vmstate_sample, &b, 2, &err));
        assert_non_null(err);
        error_free(err), err = NULL;
        in.pos = 0;
        assert_false(vmstate_load_state(&in, &vmstate_sample, &b, 2, &err));
        assert_non_null(strstr(error_get_pretty(err), "the stream ends early"));
        error_free(err), err = NULL;
    }
    assert_int_equal(b.post_loads, 0);
    free(out.data);
    sample_free(&a);
    sample_free(&b);
}

static void test_count_mismatch(void **state)
{
    Sample a, b;
    VMStateOut out;
    VMStateIn in;
    Error *err = NULL;

    sample_init(&a, 4, 1);
    sample_init(&b, 3, 1);
    out = save(&a);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_false(vmstate_check_state(&in, &vmstate_sample, &b, 2, &err));
    assert_non_null(strstr(error_get_pretty(err), "4 elements saved, the device has 3"));
    error_free(err);
    free(out.data);
    sample_free(&a);
    sample_free(&b);
}

/* Check mode reads the whole stream and writes nothing; load_fields defers post_load. */
static void test_check_writes_nothing(void **state)
{
    Sample a, b;
    VMStateOut out;
    VMStateIn in;
    Error *err = NULL;

    sample_init(&a, 2, 2);
    sample_fill(&a);
    sample_init(&b, 2, 2);
    out = save(&a);
    in = (VMStateIn){.data = out.data, .len = out.len};
    assert_true(vmstate_check_state(&in, &vmstate_sample, &b, 2, &err));
    assert_int_equal(in.pos, in.len);
    assert_int_equal(b.u32, 0);
    assert_int_equal(b.dyn[1], 0);
    assert_false(timer_pending(b.timer));
    in.pos = 0;
    assert_true(vmstate_load_fields(&in, &vmstate_sample, &b, 2, &err));
    assert_int_equal(b.u32, 0xdeadbeef);
    assert_int_equal(b.post_loads, 0);
    free(out.data);
    sample_free(&a);
    sample_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_version_refused),
        cmocka_unit_test(test_old_version_skips_new_field),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_count_mismatch),
        cmocka_unit_test(test_check_writes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
