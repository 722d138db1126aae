/*
 * Unit tests for the virt board's error contract and state (hw/riscv/virt.c,
 * hw/core/machine.c): board init and the machine-done step return false with
 * an Error for a configuration they cannot build (the process goes on: no
 * exit), dumpdtb reports an unwritable file, and two boards in one process
 * keep their own virtio-mmio transports.
 * A built machine is never destroyed (nor is QEMU's): its RAM and devices stay
 * mapped in the process-wide system memory, so the tests leave them be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <unistd.h>

#include <cmocka.h>

#include "hw/riscv/virt.h"
#include "hw/virtio/virtio-mmio.h"
#include "hw/virtio/virtio-rng.h"
#include "util/main-loop.h"

/* A virt machine with "prop=value" settings applied, not yet built. */
static MachineState *new_virt(const char *const *props)
{
    Object *obj = object_new(TYPE_VIRT_MACHINE);

    for (int i = 0; props && props[i]; i += 2) {
        assert_true(object_property_parse(obj, props[i], props[i + 1], &error_abort));
    }
    return MACHINE(obj);
}

/* The error message (the test owns it) of a call that returned ok, or NULL if it succeeded. */
static char *error_message(bool ok, Error *err)
{
    char *msg;

    if (ok) {
        assert_null(err);
        return NULL;
    }
    assert_non_null(err);
    msg = xstrdup(error_get_pretty(err));
    error_free(err);
    return msg;
}

static void test_bad_aia_fails_init(void **state)
{
    static const char *const props[] = {"aia", "imsic", NULL};
    MachineState *ms = new_virt(props);
    Error *err = NULL;
    bool ok = machine_run_board_init(ms, &err);
    char *msg = error_message(ok, err);

    assert_non_null(msg);
    assert_string_equal(msg, "-machine aia=imsic: Invalid AIA mode (none, aplic or aplic-imsic)");
    free(msg);
    object_unref(OBJECT(ms));
}

static void test_too_many_harts_fails_init(void **state)
{
    MachineState *ms = new_virt(NULL);
    Error *err = NULL;
    char *msg;
    bool ok;

    ms->smp.cpus = VIRT_CPUS_MAX + 1;
    ok = machine_run_board_init(ms, &err);
    msg = error_message(ok, err);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "max CPUs supported by machine 'virt'"));
    free(msg);
    object_unref(OBJECT(ms));
}

/* A machine built with these settings; its machine-done step's error message (or NULL). */
static char *machine_done_error(const char *const *props, MachineState **out)
{
    MachineState *ms = new_virt(props);
    Error *err = NULL;
    bool ok;

    assert_true(machine_run_board_init(ms, &error_abort));
    *out = ms;
    ok = machine_run_init_done_notifiers(ms, &err);
    return error_message(ok, err);
}

static void test_missing_kernel_fails_machine_done(void **state)
{
    static const char *const props[] = {"firmware", "none", "kernel", "/nonexistent/k.elf", NULL};
    MachineState *ms;
    char *msg = machine_done_error(props, &ms);

    assert_non_null(msg);
    assert_non_null(strstr(msg, "/nonexistent/k.elf"));
    free(msg);
}

static void test_initrd_without_kernel_fails_machine_done(void **state)
{
    static const char *const props[] = {"firmware", "none", "initrd", "/etc/hostname", NULL};
    MachineState *ms;
    char *msg = machine_done_error(props, &ms);

    assert_non_null(msg);
    assert_string_equal(msg, "-initrd requires -kernel");
    free(msg);
}

static void test_dumpdtb_unwritable(void **state)
{
    static const char *const props[] = {"firmware", "none", "dumpdtb", "/nonexistent/dir/x.dtb",
                                        NULL};
    MachineState *ms;
    Error *err = NULL;
    char *msg;
    bool ok;

    assert_null(machine_done_error(props, &ms));
    ok = machine_dump_dtb(ms, &err);
    msg = error_message(ok, err);
    assert_non_null(msg);
    assert_string_equal(msg, "dumpdtb=/nonexistent/dir/x.dtb: cannot open for writing: No such "
                             "file or directory");
    free(msg);
}

static void test_dumpdtb_writes_the_tree(void **state)
{
    char path[] = "/tmp/kestrel-virt-dtb-XXXXXX";
    int fd = mkstemp(path);
    const char *const props[] = {"firmware", "none", "dumpdtb", path, NULL};
    MachineState *ms;
    uint8_t magic[4] = {0};

    assert_true(fd >= 0);
    assert_null(machine_done_error(props, &ms));
    assert_true(machine_dump_dtb(ms, &error_abort));
    assert_int_equal(read(fd, magic, sizeof(magic)), 4);
    assert_memory_equal(magic, "\xd0\x0d\xfe\xed", 4);
    close(fd);
    unlink(path);
}

static DeviceState *new_rng(void)
{
    DeviceState *dev = qdev_new(TYPE_VIRTIO_RNG);

    assert_true(qdev_realize(dev, &error_abort));
    return dev;
}

static int plugged_count(VirtMachineState *s)
{
    int n = 0;

    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        n += virtio_mmio_get_device(s->virtio_transports[i]) != NULL;
    }
    return n;
}

/* Each board fills its own transports, last created first, whichever board was built last. */
static void test_two_boards_keep_their_transports(void **state)
{
    MachineState *a = new_virt(NULL), *b = new_virt(NULL);
    VirtMachineState *va = VIRT_MACHINE(a), *vb = VIRT_MACHINE(b);
    MachineClass *mc = MACHINE_GET_CLASS(a);
    DeviceState *rng_a = new_rng(), *rng_b = new_rng();

    assert_true(machine_run_board_init(a, &error_abort));
    assert_true(machine_run_board_init(b, &error_abort));
    assert_ptr_not_equal(va->virtio_transports[0], vb->virtio_transports[0]);

    assert_true(mc->device_plug(a, rng_a, &error_abort));
    assert_ptr_equal(virtio_mmio_get_device(va->virtio_transports[VIRT_VIRTIO_COUNT - 1]), rng_a);
    assert_int_equal(plugged_count(va), 1);
    assert_int_equal(plugged_count(vb), 0);

    assert_true(mc->device_plug(b, rng_b, &error_abort));
    assert_ptr_equal(virtio_mmio_get_device(vb->virtio_transports[VIRT_VIRTIO_COUNT - 1]), rng_b);
    assert_int_equal(plugged_count(va), 1);
    assert_int_equal(plugged_count(vb), 1);

    /* Each machine runs its own machine-done step only. */
    assert_ptr_equal(a->init_done_notifiers, &va->machine_done);
    assert_null(a->init_done_notifiers->next);
    assert_ptr_equal(b->init_done_notifiers, &vb->machine_done);
    assert_null(b->init_done_notifiers->next);
}

/* All eight transports taken: the ninth device gets an error, not an exit. */
static void test_ninth_virtio_device_refused(void **state)
{
    MachineState *ms = new_virt(NULL);
    MachineClass *mc = MACHINE_GET_CLASS(ms);
    Error *err = NULL;
    char *msg;
    bool ok;

    assert_true(machine_run_board_init(ms, &error_abort));
    for (int i = 0; i < VIRT_VIRTIO_COUNT; i++) {
        assert_true(mc->device_plug(ms, new_rng(), &error_abort));
    }
    ok = mc->device_plug(ms, new_rng(), &err);
    msg = error_message(ok, err);
    assert_non_null(msg);
    assert_string_equal(msg, "no free virtio-mmio slot for 'virtio-rng-device'");
    free(msg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_aia_fails_init),
        cmocka_unit_test(test_too_many_harts_fails_init),
        cmocka_unit_test(test_missing_kernel_fails_machine_done),
        cmocka_unit_test(test_initrd_without_kernel_fails_machine_done),
        cmocka_unit_test(test_dumpdtb_unwritable),
        cmocka_unit_test(test_dumpdtb_writes_the_tree),
        cmocka_unit_test(test_two_boards_keep_their_transports),
        cmocka_unit_test(test_ninth_virtio_device_refused),
    };

    if (!main_loop_init(NULL)) {
        return 1;
    }
    bql_lock();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
