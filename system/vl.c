/*
 * System start-up (QEMU's vl.c): turn the parsed command line into a running
 * machine. The order is the one a QEMU walkthrough describes:
 *   system_init: options → select_machine → create_machine →
 *   machine_run_board_init (the board's init) → machine_init_done notifiers
 *   (firmware, kernel, FDT) → reset → vCPU threads → (gdbstub) → vm_start
 *   main_loop: main_loop_wait until a shutdown request.
 */
#include "system/system.h"

#include "accel/tcg/jit.h"
#include "block/block.h"
#include "gdbstub/gdbstub.h"
#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "system/cpus.h"
#include "system/os-posix.h"
#include "system/runstate.h"
#include "target/riscv/cpu.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/option.h"

static Chardev *serial_hds[MAX_SERIAL_PORTS];

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_hds[i] : NULL;
}

static bool is_help(const char *s)
{
    return s && (!strcmp(s, "help") || !strcmp(s, "?"));
}

/* -h, -version and the "help" values print something and exit with 0. */
static void handle_help_requests(const VLOptions *o)
{
    bool done = true;

    if (o->show_help) {
        vl_print_help(stdout);
    } else if (o->show_version) {
        printf("Kestrel emulator version %s\n", KESTREL_VERSION);
    } else if (o->machine && (is_help(o->machine) || !strncmp(o->machine, "help,", 5))) {
        machine_print_help(stdout);
    } else if (is_help(o->cpu)) {
        riscv_cpu_list(stdout);
    } else if (is_help(o->log_items)) {
        log_print_help();
    } else {
        done = false;
        for (int i = 0; i < o->ndevice; i++) {
            if (is_help(o->device[i])) {
                qdev_print_device_help(stdout);
                done = true;
            }
        }
    }
    if (done) {
        exit(0);
    }
}

static MachineClass *select_machine(const KeyValueList *kv, const char *optarg, Error **errp)
{
    const char *name = keyval_get(kv, "type");
    MachineClass *mc = machine_find_class(name);

    if (!mc) {
        error_setg(errp,
                   "-machine %s: unsupported machine type\n"
                   "Use -machine help to list supported machines",
                   optarg);
    }
    return mc;
}

/* -cpu NAME → the type "NAME-riscv-cpu", which must be a concrete CPU model. */
static char *resolve_cpu_type(const char *model, Error **errp)
{
    char *type = xasprintf("%s%s", model, RISCV_CPU_TYPE_SUFFIX);
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, TYPE_RISCV_CPU) || object_class_is_abstract(oc)) {
        error_setg(errp, "-cpu %s: unable to find CPU model '%s' (-cpu help lists them)", model,
                   model);
        free(type);
        return NULL;
    }
    return type;
}

static bool set_str_prop(Object *obj, const char *name, const char *value, Error **errp)
{
    return !value || object_property_set_str(obj, name, value, errp);
}

static MachineState *create_machine(const VLOptions *o, MachineClass *mc, const KeyValueList *kv,
                                    Error **errp)
{
    Object *obj = object_new(object_class_get_name(OBJECT_CLASS(mc)));
    MachineState *ms = MACHINE(obj);

    object_property_add_child(object_get_root(), "machine", obj);
    object_unref(obj);
    for (int i = 0; i < kv->count; i++) {
        if (strcmp(kv->items[i].key, "type") != 0 &&
            !object_property_parse(obj, kv->items[i].key, kv->items[i].value, errp)) {
            error_prepend(errp, "-machine %s: ", o->machine);
            return NULL;
        }
    }
    if (!set_str_prop(obj, "firmware", o->bios, errp) ||
        !set_str_prop(obj, "kernel", o->kernel, errp) ||
        !set_str_prop(obj, "initrd", o->initrd, errp) ||
        !set_str_prop(obj, "append", o->append, errp) || !set_str_prop(obj, "dtb", o->dtb, errp)) {
        return NULL;
    }
    if (o->ram_size) {
        ms->ram_size = o->ram_size;
    }
    ms->smp =
        (CpuTopology){o->smp_cpus, o->smp_sockets, o->smp_cores, o->smp_threads, o->smp_maxcpus};
    if (o->cpu && !(ms->cpu_type = resolve_cpu_type(o->cpu, errp))) {
        return NULL;
    }
    return ms;
}

/*
 * Serial ports: the -serial list, or when none is given (as QEMU's -nographic) mon:stdio
 * with the human monitor behind Ctrl-A c, plain stdio if a monitor option took the
 * monitor elsewhere, null under -daemonize.
 */
static const char *serial_spec(const VLOptions *o, int i)
{
    if (o->nserial) {
        return i < o->nserial ? o->serial[i] : NULL;
    }
    if (i > 0) {
        return NULL;
    }
    return o->daemonize ? "null" : o->default_monitor_off ? "stdio" : "mon:stdio";
}

static bool create_serial_ports(const VLOptions *o, Error **errp)
{
    int n = o->nserial ? o->nserial : 1;

    for (int i = 0; i < n; i++) {
        const char *spec = serial_spec(o, i);
        char id[24];

        if (!strcmp(spec, "none")) {
            continue;
        }
        snprintf(id, sizeof(id), "serial%d", i);
        serial_hds[i] = chardev_new_from_spec(id, spec, errp);
        if (!serial_hds[i]) {
            error_prepend(errp, "-serial %s: ", spec);
            return false;
        }
    }
    return true;
}

/*
 * -chardev backends first (-serial and -mon may name them), then the serial ports, then
 * the monitors: one on every "mon:" serial mux, and those -monitor/-qmp/-mon ask for. All
 * before the board creates the UARTs, so a shared mux gives the serial port the focus.
 */
static bool create_chardevs_and_monitors(const VLOptions *o, Error **errp)
{
    for (int i = 0; i < o->nchardev; i++) {
        if (!chardev_new_from_opts(o->chardev[i], errp)) {
            error_prepend(errp, "-chardev %s: ", o->chardev[i]);
            return false;
        }
    }
    if (!create_serial_ports(o, errp)) {
        return false;
    }
    for (int i = 0; i < MAX_SERIAL_PORTS; i++) {
        const char *spec = serial_spec(o, i);
        if (serial_hds[i] && spec && !strncmp(spec, "mon:", 4) &&
            !monitor_new(serial_hds[i], false, false, errp)) {
            return false;
        }
    }
    for (int i = 0; i < o->nmonitor; i++) {
        if (!monitor_add_opt(o->monitor[i].kind, o->monitor[i].arg, errp)) {
            error_prepend(errp, "monitor %s: ", o->monitor[i].arg);
            return false;
        }
    }
    return true;
}

/* -daemonize forks before any thread exists; -pidfile names the process that stays. */
static bool setup_process(const VLOptions *o, Error **errp)
{
    if (o->daemonize && o->nographic) {
        error_setg(errp, "-nographic cannot be used with -daemonize");
        return false;
    }
    /* The daemon's stdio is /dev/null: a console or monitor there would be lost. */
    for (int i = 0; o->daemonize && i < o->nserial + o->nmonitor; i++) {
        const char *spec = i < o->nserial ? o->serial[i] : o->monitor[i - o->nserial].arg;
        if (strstr(spec, "stdio")) {
            error_setg(errp, "%s: stdio cannot be used with -daemonize", spec);
            return false;
        }
    }
    if (o->name) {
        KeyValueList kv;
        if (!keyval_parse(o->name, "guest", &kv, errp)) {
            error_prepend(errp, "-name %s: ", o->name);
            return false;
        }
        vm_name = keyval_get(&kv, "guest") ? xstrdup(keyval_get(&kv, "guest")) : NULL;
        keyval_free(&kv);
    }
    if (o->daemonize && !os_daemonize(errp)) {
        return false;
    }
    return !o->pidfile || os_write_pidfile(o->pidfile, errp);
}

/* A device an option asked for implicitly (-drive if=virtio, -nic): created like -device. */
static bool add_implied_device(char *device_opts, Error **errp)
{
    bool ok = !device_opts || qdev_device_add(device_opts, errp);

    free(device_opts);
    return ok;
}

/* Backends first (-netdev, -drive), then devices in command-line order. */
static bool create_devices(const VLOptions *o, Error **errp)
{
    for (int i = 0; i < o->nnetdev; i++) {
        if (!netdev_add(o->netdev[i], errp)) {
            error_prepend(errp, "-netdev %s: ", o->netdev[i]);
            return false;
        }
    }
    for (int i = 0; i < o->ndrive; i++) {
        char *device_opts = NULL;

        if (!drive_new(o->drive[i], o->snapshot, &device_opts, errp)) {
            error_prepend(errp, "-drive %s: ", o->drive[i]);
            return false;
        }
        if (!add_implied_device(device_opts, errp)) {
            return false;
        }
    }
    for (int i = 0; i < o->ndevice; i++) {
        if (!qdev_device_add(o->device[i], errp)) {
            return false;
        }
    }
    for (int i = 0; i < o->nnic; i++) {
        char *device_opts = NULL;

        if (!net_nic_add(o->nic[i], &device_opts, errp)) {
            error_prepend(errp, "-nic %s: ", o->nic[i]);
            return false;
        }
        if (!add_implied_device(device_opts, errp)) {
            return false;
        }
    }
    return true;
}

static void start_vcpus(void)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        if (!cpus_start_vcpu(cpu, &error_fatal)) {
            exit(1);
        }
    }
}

/* Configuration errors end start-up: "kestrel: <message>" and exit status 1. */
static void exit_on_error(Error *err)
{
    if (err) {
        error_report_err(err);
        exit(1);
    }
}

void system_init(int argc, char **argv)
{
    VLOptions o = {0};
    KeyValueList machine_kv;
    MachineClass *mc = NULL;
    MachineState *ms = NULL;
    Error *err = NULL;

    /* A local Error (not error_fatal) so callers can prefix the option that failed. */
    vl_parse_args(argc, argv, &o, &err);
    exit_on_error(err);
    handle_help_requests(&o);
    if (o.log_items) {
        log_set_mask_str(o.log_items, &err);
    }
    if (!err && o.log_file) {
        log_set_file(o.log_file, &err);
    }
    exit_on_error(err);
    if (o.jit_set) {
        tcg_jit_enabled = o.jit;
    }
    no_reboot = o.no_reboot;
    no_shutdown = o.no_shutdown;
    if (keyval_parse(o.machine ? o.machine : "", "type", &machine_kv, &err)) {
        mc = select_machine(&machine_kv, o.machine, &err);
    } else {
        error_prepend(&err, "-machine %s: ", o.machine);
    }
    exit_on_error(err);
    setup_process(&o, &err);
    exit_on_error(err);
    main_loop_init(&err);
    exit_on_error(err);
    bql_lock(); /* the main thread holds it except while main_loop_wait sleeps */
    os_setup_signal_handling();
    if (create_chardevs_and_monitors(&o, &err) &&
        (ms = create_machine(&o, mc, &machine_kv, &err)) && machine_run_board_init(ms, &err)) {
        create_devices(&o, &err);
    }
    exit_on_error(err);
    net_check_clients();
    keyval_free(&machine_kv);
    machine_run_init_done_notifiers();
    system_reset();
    start_vcpus();
    if (o.gdb && !gdbserver_start(o.gdb, &err)) {
        exit_on_error(err);
    }
    if (!o.start_stopped) {
        vm_start();
    }
    os_setup_post();
}

int main_loop(void)
{
    int status = 0;

    while (!main_loop_should_exit(&status)) {
        main_loop_wait(false);
    }
    return status;
}

void system_cleanup(void)
{
    cpus_shutdown();
    /* Whatever the guest wrote reaches the disk, even without a guest flush (Ctrl-A x). */
    blk_flush_all();
    monitor_flush_all();
    chardev_cleanup_all();
    bql_unlock();
}
