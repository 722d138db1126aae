/*
 * System start-up (QEMU's vl.c): turn the parsed command line into a running
 * machine. The order is the one a QEMU walkthrough describes:
 *   system_init: options → select_machine → create_machine →
 *   machine_run_board_init (the board's init) → machine_init_done notifiers
 *   (firmware, kernel, FDT) → reset → vCPU threads → (gdbstub) → vm_start
 *   main_loop: main_loop_wait until a shutdown request.
 * Every step returns false with an Error; system_init reports it and main
 * exits with status 1. Nothing below main calls exit().
 */
#include "system/system.h"

#include "accel/tcg/jit.h"
#include "block/block.h"
#include "fsdev/fsdev.h"
#include "gdbstub/gdbstub.h"
#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "hw/core/numa.h"
#include "hw/core/qdev-globals.h"
#include "hw/nvram/fw_cfg.h"
#include "hw/smbios/smbios.h"
#include "hw/usb/usb.h"
#include "migration/snapshot.h"
#include "monitor/monitor.h"
#include "net/net.h"
#include "qom/object_interfaces.h"
#include "semihosting/semihost.h"
#include "system/accel.h"
#include "system/cpus.h"
#include "system/icount.h"
#include "system/os-posix.h"
#include "system/runstate.h"
#include "system/target-info.h"
#include "ui/sdl2.h"
#include "ui/vnc.h"
#include "util/guest-random.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/option.h"
#include "util/timer.h"

static Chardev *serial_hds[MAX_SERIAL_PORTS];

Chardev *serial_hd(int i)
{
    return i >= 0 && i < MAX_SERIAL_PORTS ? serial_hds[i] : NULL;
}

static bool is_help(const char *s)
{
    return s && (!strcmp(s, "help") || !strcmp(s, "?"));
}

/* -net nic,model=help or -nic ...,model=help. */
static bool nic_model_help(const VLOptions *o)
{
    for (int i = 0; i < o->nnet + o->nnic; i++) {
        const char *opt = i < o->nnet ? o->net[i] : o->nic[i - o->nnet];
        KeyValueList kv;
        bool help;

        if (!keyval_parse_repeatable(opt, "type", &kv, NULL)) {
            continue;
        }
        help = is_help(keyval_get(&kv, "model"));
        keyval_free(&kv);
        if (help) {
            return true;
        }
    }
    return false;
}

/* -h, -version and the "help" values: print what was asked; true if one was (start-up ends). */
static bool handle_help_requests(const VLOptions *o)
{
    if (o->show_help) {
        vl_print_help(stdout);
    } else if (o->show_version) {
        printf("Kestrel emulator version %s\n", KESTREL_VERSION);
    } else if (o->machine && (is_help(o->machine) || !strncmp(o->machine, "help,", 5))) {
        machine_print_help(stdout);
    } else if (is_help(o->cpu)) {
        cpu_list(stdout);
    } else if (o->cpu && strlen(o->cpu) > 5 && !strcmp(o->cpu + strlen(o->cpu) - 5, ",help")) {
        char *model = xasprintf("%.*s", (int)strcspn(o->cpu, ","), o->cpu);
        cpu_print_props(model, stdout);
        free(model);
    } else if (is_help(o->log_items)) {
        log_print_help();
    } else if (nic_model_help(o)) {
        net_print_nic_models(stdout);
    } else if (o->nobject && is_help(o->object[o->nobject - 1])) {
        user_creatable_print_help(stdout);
    } else {
        for (int i = 0; i < o->ndevice; i++) {
            if (is_help(o->device[i])) {
                qdev_print_device_help(stdout);
                return true;
            }
        }
        return false;
    }
    return true;
}

static MachineClass *select_machine(const KeyValueList *kv, const char *optarg, Error **errp)
{
    const char *name = keyval_get(kv, "type");
    MachineClass *mc = machine_find_class(name);

    if (!mc && !name) {
        error_setg(errp, "No machine specified, and there is no default\n"
                         "Use -machine help to list supported machines");
    } else if (!mc) {
        error_setg(errp,
                   "-machine %s: unsupported machine type\n"
                   "Use -machine help to list supported machines",
                   optarg);
    }
    return mc;
}

/*
 * -cpu NAME[,prop=value...] → the type "NAME-riscv-cpu" ("NAME-x86_64-cpu"...: target_info()),
 * which must be a concrete CPU model;
 * each prop=value becomes a -global default of that type (as QEMU does), so every hart the
 * board creates gets it and a property the model lacks is refused here.
 */
/* QEMU's -cpu shorthand: "+feat" is feat=on, "-feat" feat=off (caller frees). */
static char *cpu_feature_shorthand(const char *opts)
{
    char *out = xzalloc(2 * strlen(opts) + 8), *o = out;

    while (*opts) {
        size_t n = strcspn(opts, ",");
        if (*opts == '+' || *opts == '-') {
            o += sprintf(o, "%.*s=%s", (int)n - 1, opts + 1, *opts == '+' ? "on" : "off");
        } else {
            o += sprintf(o, "%.*s", (int)n, opts);
        }
        opts += n;
        if (*opts == ',') {
            *o++ = *opts++;
        }
    }
    return out;
}

static char *resolve_cpu_type(const char *arg, Error **errp)
{
    size_t len = strcspn(arg, ",");
    char *type = cpu_model_type_name(arg, len);
    KeyValueList kv = {0};
    bool ok = true;

    if (!cpu_model_class(type)) {
        error_setg(errp, "-cpu %s: unable to find CPU model '%.*s' (-cpu help lists them)", arg,
                   (int)len, arg);
        free(type);
        return NULL;
    }
    if (arg[len]) {
        char *opts = cpu_feature_shorthand(arg + len + 1);
        ok = keyval_parse(opts, NULL, &kv, errp);
        free(opts);
    }
    for (int i = 0; ok && i < kv.count; i++) {
        char *global = xasprintf("%s.%s=%s", type, kv.items[i].key, kv.items[i].value);
        ok = qdev_global_add(global, errp);
        free(global);
    }
    keyval_free(&kv);
    if (!ok) {
        error_prepend(errp, "-cpu %s: ", arg);
        free(type);
        return NULL;
    }
    return type;
}

static bool set_str_prop(Object *obj, const char *name, const char *value, Error **errp)
{
    return !value || object_property_set_str(obj, name, value, errp);
}

/* A -device that is itself a VGA card (QEMU's list of drivers that clear default_vga). */
static bool device_is_vga(const char *spec)
{
    static const char *const vga_drivers[] = {
        "VGA",     "isa-vga",    "cirrus-vga", "isa-cirrus-vga", "vmware-svga",
        "qxl-vga", "virtio-vga", "ati-vga",    "vhost-user-vga", "virtio-vga-gl"};
    size_t len = strcspn(spec, ",");

    for (size_t i = 0; i < ARRAY_SIZE(vga_drivers); i++) {
        if (strlen(vga_drivers[i]) == len && !strncmp(spec, vga_drivers[i], len)) {
            return true;
        }
    }
    return false;
}

/*
 * QEMU's rule for the board's VGA card: -vga's type if given (with a warning on a board
 * that has none, which then creates nothing), else none after -nodefaults or a -device
 * VGA card, else the machine's default. -nographic and -display do not change it.
 */
static const char *vga_choice(const VLOptions *o, const MachineClass *mc)
{
    if (o->vga) {
        if (!mc->default_display && strcmp(o->vga, "none") != 0) {
            warn_report("A -vga option was passed but this machine type does not use that "
                        "option; No VGA device has been created");
            return NULL;
        }
        return strcmp(o->vga, "none") ? o->vga : NULL;
    }
    for (int i = 0; i < o->ndevice; i++) {
        if (device_is_vga(o->device[i])) {
            return NULL;
        }
    }
    return o->nodefaults ? NULL : mc->default_display;
}

/* -smbios and -uuid, for a board that builds SMBIOS tables (the option exists only there). */
static bool set_smbios_fields(const VLOptions *o, MachineState *ms, Error **errp)
{
    if (!o->nsmbios && !o->uuid) {
        return true;
    }
    ms->smbios = xzalloc(sizeof(*ms->smbios));
    if (o->uuid) {
        smbios_set_uuid(ms->smbios, o->uuid);
    }
    for (int i = 0; i < o->nsmbios; i++) {
        if (!smbios_parse_option(ms->smbios, o->smbios[i], errp)) {
            error_prepend(errp, "-smbios %s: ", o->smbios[i]);
            return false;
        }
    }
    return true;
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
    ms->vga = vga_choice(o, mc);
    ms->boot = o->boot;
    ms->smp =
        (CpuTopology){o->smp_cpus, o->smp_sockets, o->smp_cores, o->smp_threads, o->smp_maxcpus};
    for (int i = 0; i < o->nnuma; i++) {
        if (!numa_add_option(ms, o->numa[i], errp)) {
            return NULL;
        }
    }
    if (o->cpu && !(ms->cpu_type = resolve_cpu_type(o->cpu, errp))) {
        return NULL;
    }
    return set_smbios_fields(o, ms, errp) ? ms : NULL;
}

/*
 * Serial ports: the -serial list, or when none is given (as QEMU's -nographic) mon:stdio
 * with the human monitor behind Ctrl-A c, plain stdio if a monitor option took the
 * monitor elsewhere, null under -daemonize; none at all after -nodefaults (then the
 * board's UART has no backend, and there is no default monitor either).
 */
static const char *serial_spec(const VLOptions *o, int i)
{
    if (o->nserial) {
        return i < o->nserial ? o->serial[i] : NULL;
    }
    if (i > 0 || o->nodefaults) {
        return NULL;
    }
    return o->daemonize ? "null" : o->default_monitor_off ? "stdio" : "mon:stdio";
}

static bool create_serial_ports(const VLOptions *o, Error **errp)
{
    int n = o->nserial ? o->nserial : !o->nodefaults;

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

/* -fw_cfg: files in the board's fw_cfg directory (the board created the device). */
static bool add_fw_cfg_files(const VLOptions *o, Error **errp)
{
    FWCfgState *fw_cfg = fw_cfg_find();

    if (fw_cfg && o->uuid) {
        fw_cfg_set_uuid(fw_cfg, o->uuid);
    }
    if (fw_cfg && o->boot) {
        fw_cfg_set_boot_options(fw_cfg, o->boot);
    }
    for (int i = 0; i < o->nfw_cfg; i++) {
        if (!fw_cfg) {
            error_setg(errp, "-fw_cfg %s: fw_cfg device not available", o->fw_cfg[i]);
            return false;
        }
        if (!fw_cfg_add_from_opts(fw_cfg, o->fw_cfg[i], errp)) {
            error_prepend(errp, "-fw_cfg %s: ", o->fw_cfg[i]);
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

/* -debugcon DEV: a chardev "debugcon" and QEMU's isa-debugcon on it, at port 0xe9. */
static bool add_debugcon(const char *spec, Error **errp)
{
    if (!chardev_new_from_spec("debugcon", spec, errp) ||
        !qdev_device_add("isa-debugcon,chardev=debugcon", errp)) {
        error_prepend(errp, "-debugcon %s: ", spec);
        return false;
    }
    return true;
}

/* QEMU leaves out its default CD-ROM when a -device names a disk or CD drive of its own. */
static bool device_replaces_default_cdrom(const VLOptions *o)
{
    static const char *const drives[] = {"ide-cd", "ide-hd", "scsi-cd", "scsi-hd"};

    for (int i = 0; i < o->ndevice; i++) {
        size_t len = strcspn(o->device[i], ",");
        for (size_t j = 0; j < ARRAY_SIZE(drives); j++) {
            if (len == strlen(drives[j]) && !strncmp(o->device[i], drives[j], len)) {
                return true;
            }
        }
    }
    return false;
}

/*
 * Backends (-netdev, -blockdev, -drive; -object came before the machine) before the board,
 * as QEMU: a board takes its flash images from -drive if=pflash. *drive_devices receives the
 * -device strings -drive if=virtio asks for (o->ndrive entries, NULL where none, then the
 * default CD-ROM's), for create_devices.
 */
static bool create_backends(const VLOptions *o, const MachineClass *mc, char ***drive_devices,
                            Error **errp)
{
    DriveBoard board = {.default_if = mc->block_default_if, .ide_buses = mc->ide_buses};
    bool ok = true;

    *drive_devices = xnew0(char *, o->ndrive + 1);
    for (int i = 0; i < o->nnetdev; i++) {
        if (!netdev_add(o->netdev[i], errp)) {
            error_prepend(errp, "-netdev %s: ", o->netdev[i]);
            return false;
        }
    }
    for (int i = 0; i < o->nfsdev; i++) {
        if (!fsdev_add(o->fsdev[i], o->fsdev_from[i] != NULL, errp)) {
            if (o->fsdev_from[i]) {
                error_prepend(errp, "%s: ", o->fsdev_from[i]);
            } else {
                error_prepend(errp, "-fsdev %s: ", o->fsdev[i]);
            }
            return false;
        }
    }
    for (int i = 0; ok && i < o->nblockdev; i++) {
        ok = blockdev_add(o->blockdev[i], errp);
        if (!ok) {
            error_prepend(errp, "-blockdev %s: ", o->blockdev[i]);
        }
    }
    for (int i = 0; ok && i < o->ndrive; i++) {
        ok = drive_new_on(o->drive[i], o->snapshot, &board, &(*drive_devices)[i], errp);
        if (!ok) {
            error_prepend(errp, "-drive %s: ", o->drive[i]);
        }
    }
    /* QEMU's default CD-ROM: an empty if=ide drive at index 2 (q35: ide2-cd0 on AHCI port
     * 2), after the -drive's, unless -nodefaults, one of them took that place or a -device
     * is a drive. Its device string goes in the spare last slot. */
    if (ok && !o->nodefaults && !device_replaces_default_cdrom(o) && board.default_if &&
        !strcmp(board.default_if, "ide") && board.ide_buses > 2 && !(board.ide_used & (1u << 2))) {
        ok = drive_new_on("index=2,media=cdrom", false, &board, &(*drive_devices)[o->ndrive], errp);
    }
    return ok;
}

/*
 * The disks -drive if=ide asked for: QEMU's board puts them on its AHCI ports while it is
 * built, so before -device's (a -device ide-hd without bus= takes a port they left free).
 */
static bool create_board_disks(const VLOptions *o, char **drive_devices, Error **errp)
{
    for (int i = 0; i <= o->ndrive; i++) { /* the last: the default CD-ROM, if any */
        if (drive_devices[i] && (!strncmp(drive_devices[i], "ide-hd,", 7) ||
                                 !strncmp(drive_devices[i], "ide-cd,", 7))) {
            char *dev = drive_devices[i];

            drive_devices[i] = NULL;
            if (!add_implied_device(dev, errp)) {
                return false;
            }
        }
    }
    return true;
}

/*
 * -usbdevice (before -device, as QEMU: so on virt, whose -usb adds no controller, there is
 * never a bus for them), the board's -drive if=ide disks, -device in command-line order, then
 * the devices -drive if=virtio asked for (QEMU appends them to the -device list, so on virt they
 * take the PCI slots after the -device ones), then -nic's. Frees drive_devices.
 */
static bool create_devices(const VLOptions *o, const MachineClass *mc, char **drive_devices,
                           Error **errp)
{
    const char *nic_model = mc->default_nic;
    bool ok = create_board_disks(o, drive_devices, errp);

    for (int i = 0; ok && i < o->nusbdevice; i++) {
        ok = usb_device_add_legacy(o->usbdevice[i], current_machine->usb, errp);
    }
    for (int i = 0; ok && i < o->ndevice; i++) {
        ok = qdev_device_add(o->device[i], errp) != NULL;
    }
    if (ok && o->debugcon) {
        ok = add_debugcon(o->debugcon, errp);
    }
    for (int i = 0; i < o->ndrive; i++) {
        if (ok) {
            ok = add_implied_device(drive_devices[i], errp); /* frees it */
        } else {
            free(drive_devices[i]);
        }
    }
    free(drive_devices);
    if (!ok) {
        return false;
    }
    for (int i = 0; i < o->nnic; i++) {
        char *device_opts = NULL;

        if (!net_nic_add_model(o->nic[i], nic_model, &device_opts, errp)) {
            error_prepend(errp, "-nic %s: ", o->nic[i]);
            return false;
        }
        if (!add_implied_device(device_opts, errp)) {
            return false;
        }
    }
    for (int i = 0; i < o->nnet; i++) {
        char *device_opts = NULL;

        if (!net_legacy_add_model(o->net[i], nic_model, &device_opts, errp)) {
            error_prepend(errp, "-net %s: ", o->net[i]);
            return false;
        }
        if (!add_implied_device(device_opts, errp)) {
            return false;
        }
    }
    return true;
}

static bool start_vcpus(Error **errp)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        if (!cpus_start_vcpu(cpu, errp)) {
            return false;
        }
    }
    return true;
}

/* Every -machine, in order, into one list: a later key replaces an earlier one (as QEMU). */
static bool merge_machine_opts(const VLOptions *o, KeyValueList *merged, Error **errp)
{
    if (!o->nmachine) {
        return keyval_parse("", "type", merged, errp);
    }
    for (int i = 0; i < o->nmachine; i++) {
        KeyValueList kv;

        if (!keyval_parse(o->machine_opts[i], "type", &kv, errp)) {
            error_prepend(errp, "-machine %s: ", o->machine_opts[i]);
            return false;
        }
        for (int j = 0; j < kv.count; j++) {
            KeyValue *it = &kv.items[j];
            int k = 0;

            while (k < merged->count && strcmp(merged->items[k].key, it->key)) {
                k++;
            }
            if (k < merged->count) {
                free(merged->items[k].value);
                merged->items[k].value = it->value;
                free(it->key);
            } else {
                keyval_add(merged, it->key, it->value);
            }
        }
        free(kv.items); /* the strings moved into merged */
    }
    return true;
}

/* -rtc base=utc|localtime|DATE: the guest's date now, in seconds since the Unix epoch. */
static bool rtc_base_time(const char *base, time_t now, int64_t *secs, Error **errp)
{
    struct tm tm = {0};
    const char *end;

    *secs = now;
    if (!base || !strcmp(base, "utc")) {
        return true;
    }
    if (!strcmp(base, "localtime")) {
        localtime_r(&now, &tm);
        *secs += tm.tm_gmtoff; /* the guest reads local time as if it were UTC, as QEMU */
        return true;
    }
    end = strptime(base, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end || *end) {
        memset(&tm, 0, sizeof(tm));
        end = strptime(base, "%Y-%m-%d", &tm);
    }
    if (!end || *end) {
        error_setg(errp,
                   "invalid base '%s': invalid datetime format (utc, localtime, YYYY-MM-DD or "
                   "YYYY-MM-DDTHH:MM:SS)",
                   base);
        return false;
    }
    *secs = (int64_t)timegm(&tm);
    return true;
}

/*
 * The RTC's tick-offset and clock from -rtc: with clock=host the offset from the host's
 * wall clock, with clock=vm|rt the date at that clock's 0 (CLOCK_VIRTUAL starts at 0, so
 * "-icount ... -rtc base=DATE,clock=vm" gives the same dates on every run).
 */
static bool register_rtc_globals(const char *rtc, Error **errp)
{
    KeyValueList kv;
    time_t now = time(NULL);
    int64_t secs, offset_ns;
    const char *clock;
    char *global;
    bool ok = keyval_parse(rtc, NULL, &kv, errp) &&
              rtc_base_time(keyval_get(&kv, "base"), now, &secs, errp);

    clock = ok && keyval_get(&kv, "clock") ? keyval_get(&kv, "clock") : "host";
    if (!ok) {
        keyval_free(&kv);
        error_prepend(errp, "-rtc %s: ", rtc);
        return false;
    }
    offset_ns = secs * NANOSECONDS_PER_SECOND;
    if (!strcmp(clock, "host")) {
        offset_ns -= (int64_t)now * NANOSECONDS_PER_SECOND;
    } else {
        offset_ns -= clock_get_ns(!strcmp(clock, "vm") ? CLOCK_VIRTUAL : CLOCK_HOST);
    }
    global = xasprintf("%s.tick-offset=%lld", target_info()->rtc_type, (long long)offset_ns);
    ok = qdev_global_add(global, errp);
    free(global);
    global = xasprintf("%s.clock=%s", target_info()->rtc_type, clock);
    ok = ok && qdev_global_add(global, errp);
    free(global);
    keyval_free(&kv);
    return ok;
}

/* -global defaults, and -rtc's base through the same path (the RTC's tick-offset). */
static bool register_globals(const VLOptions *o, Error **errp)
{
    for (int i = 0; i < o->nglobal; i++) {
        if (!qdev_global_add(o->global[i], errp)) {
            return false;
        }
    }
    if (o->rtc && !target_info()->rtc_type) {
        error_setg(errp, "-rtc %s: this machine has no real-time clock to set", o->rtc);
        return false;
    }
    return !o->rtc || register_rtc_globals(o->rtc, errp);
}

/* -icount: before anything reads CLOCK_VIRTUAL, so the guest's time starts at 0. */
static bool configure_icount(const VLOptions *o, Error **errp)
{
    if (!icount_configure(o->icount, errp)) {
        error_prepend(errp, "-icount %s: ", o->icount);
        return false;
    }
    if (!icount_enabled()) {
        return true;
    }
    if (o->thread_multi) {
        error_setg(errp, "-accel tcg,thread=multi: No MTTCG when icount is enabled");
        return false;
    }
    if (o->jit_set && o->jit) {
        error_setg(errp, "-accel tcg,jit=on: -icount runs the interpreter (the JIT chains "
                         "blocks past timer deadlines)");
        return false;
    }
    tcg_jit_enabled = false;
    return true;
}

/* What acts before the machine exists (logging, accelerator, run-state flags); its class. */
static MachineClass *configure(const VLOptions *o, KeyValueList *machine_kv, AccelChoices *accels,
                               Error **errp)
{
    if ((o->log_items && !log_set_mask_str(o->log_items, errp)) ||
        (o->log_file && !log_set_file(o->log_file, errp))) {
        return NULL;
    }
    if (o->jit_set) {
        tcg_jit_enabled = o->jit;
    }
    if (o->jit_threshold) {
        tcg_jit_threshold = o->jit_threshold;
    }
    if (o->icount && !configure_icount(o, errp)) {
        return NULL;
    }
    if (o->seed_set) {
        guest_random_seed(o->seed);
    }
    no_reboot = o->no_reboot;
    no_shutdown = o->no_shutdown;
    error_set_timestamps(o->msg_timestamp);
    if (o->semihosting) {
        semihosting_enable();
    }
    if (o->semihosting_config && !semihosting_config(o->semihosting_config, errp)) {
        error_prepend(errp, "-semihosting-config %s: ", o->semihosting_config);
        return NULL;
    }
    if (!merge_machine_opts(o, machine_kv, errp) || !accel_choices(o, machine_kv, accels, errp) ||
        !register_globals(o, errp)) {
        return NULL;
    }
    return select_machine(machine_kv, o->machine, errp);
}

/* -object: before the board, whose RAM may be a memory backend (QEMU creates them then too). */
static bool create_objects(const VLOptions *o, Error **errp)
{
    for (int i = 0; i < o->nobject; i++) {
        if (!user_creatable_add_from_str(o->object[i], errp)) {
            return false;
        }
    }
    return true;
}

/* The machine, from its backends to its machine-done steps (firmware, kernel, FDT). */
static MachineState *build_machine(const VLOptions *o, MachineClass *mc, const KeyValueList *kv,
                                   Error **errp)
{
    MachineState *ms;
    char **drive_devices = NULL;

    if (!create_chardevs_and_monitors(o, errp) || !semihosting_connect_chardev(errp) ||
        !create_objects(o, errp) || !(ms = create_machine(o, mc, kv, errp)) ||
        !create_backends(o, mc, &drive_devices, errp) || !machine_run_board_init(ms, errp)) {
        for (int i = 0; drive_devices && i < o->ndrive; i++) {
            free(drive_devices[i]);
        }
        free(drive_devices);
        return NULL;
    }
    if (!create_devices(o, mc, drive_devices, errp) || !add_fw_cfg_files(o, errp)) {
        return NULL;
    }
    if (icount_enabled() && first_cpu && first_cpu->next_cpu) {
        error_setg(errp,
                   "-icount %s: needs -smp 1 (Kestrel runs each hart in its own thread "
                   "and has no round-robin mode to count instructions across harts)",
                   o->icount);
        return NULL;
    }
    net_check_clients();
    /* The VNC server after the devices, so it shows the first display device's console. */
    if (o->vnc && !vnc_display_open(o->vnc, errp)) {
        error_prepend(errp, "-vnc %s: ", o->vnc);
        return NULL;
    }
    if (o->sdl && !sdl_display_init(o->sdl, errp)) {
        return NULL;
    }
    return machine_run_init_done_notifiers(ms, errp) ? ms : NULL;
}

/* Everything after the options were read; false + errp on a configuration error. */
static bool start_machine(const VLOptions *o, bool *dumped, Error **errp)
{
    KeyValueList machine_kv = {0};
    AccelChoices accels = {0};
    MachineClass *mc = configure(o, &machine_kv, &accels, errp);
    MachineState *ms = NULL;

    /* -daemonize forks here: after the checks, before any thread exists. */
    if (mc && setup_process(o, errp) && main_loop_init(errp)) {
        bql_lock(); /* the main thread holds it except while main_loop_wait sleeps */
        os_setup_signal_handling();
        ms = build_machine(o, mc, &machine_kv, errp);
    }
    keyval_free(&machine_kv);
    /* The accelerator once the board exists (KVM mirrors its memory and creates its vCPUs). */
    if (!ms || (!ms->dumpdtb && !accel_start(&accels, errp))) {
        accel_choices_free(&accels);
        return false;
    }
    accel_choices_free(&accels);
    if (ms->dumpdtb) {
        /* QEMU's dumpdtb: the tree is written once the machine is built, then start-up ends. */
        *dumped = machine_dump_dtb(ms, errp);
        return *dumped;
    }
    system_reset();
    if (o->loadvm && !load_snapshot(o->loadvm, NULL, NULL, 0, errp)) {
        return false;
    }
    /*
     * Confinement goes here: every file (images, firmware, kernel, logs) and
     * socket the command line names is open, so privileges can go; no guest
     * instruction has run yet and no vCPU thread exists, so the guest never
     * runs unfiltered and the threads inherit the filter.
     */
    if (!os_setup_post(&o->runas, &o->sandbox, errp) || !start_vcpus(errp) ||
        (o->gdb && !gdbserver_start(o->gdb, errp))) {
        return false;
    }
    if (!o->start_stopped) {
        vm_start();
    }
    /* -daemonize: the machine is up, the waiting parent may exit now. */
    os_daemonize_done();
    return true;
}

bool system_init(int argc, char **argv, int *status)
{
    VLOptions o = {0};
    Error *err = NULL;
    bool dumped = false;

    *status = 0;
    /* A local Error (not error_fatal) so callers can prefix the option that failed. */
    if (!vl_parse_args(argc, argv, &o, &err)) {
        goto fail;
    }
    if (handle_help_requests(&o)) {
        vl_options_free(&o);
        return false;
    }
    if (!start_machine(&o, &dumped, &err)) {
        goto fail;
    }
    vl_options_free(&o);
    if (dumped) {
        error_report("info: dtb dumped to %s. Exiting.", current_machine->dumpdtb);
        return false;
    }
    return true;

fail:
    /* Configuration errors end start-up: "kestrel: <message>" and exit status 1. */
    vl_options_free(&o);
    error_set_timestamps(o.msg_timestamp); /* also when a later option was the bad one */
    error_report_err(err);
    *status = 1;
    return false;
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
    sdl_display_cleanup();
    bql_unlock();
}
