/*
 * The command-line option table and parser: QEMU's single-dash long options
 * ("-machine virt"), also accepted with two dashes ("--machine virt").
 * Values are checked here, so a bad command line is rejected with a message
 * naming the option before anything is created.
 */
#include <ctype.h>

#include "monitor/monitor.h"
#include "system/system.h"
#include "util/option.h"

typedef bool OptionHandler(VLOptions *o, const char *opt, const char *arg, Error **errp);

typedef struct OptionDef {
    const char *name;
    const char *argname; /* NULL: takes no argument */
    OptionHandler *handler;
    const char *help;
} OptionDef;

#define SET_STRING(field)                                                                          \
    static bool opt_##field(VLOptions *o, const char *opt, const char *arg, Error **errp)          \
    {                                                                                              \
        o->field = arg;                                                                            \
        return true;                                                                               \
    }
SET_STRING(machine)
SET_STRING(cpu)
SET_STRING(bios)
SET_STRING(kernel)
SET_STRING(initrd)
SET_STRING(append)
SET_STRING(dtb)
SET_STRING(gdb)
SET_STRING(log_items)
SET_STRING(log_file)

#define SET_FLAG(field)                                                                            \
    static bool opt_##field(VLOptions *o, const char *opt, const char *arg, Error **errp)          \
    {                                                                                              \
        o->field = true;                                                                           \
        return true;                                                                               \
    }
SET_FLAG(nographic)
SET_FLAG(start_stopped)
SET_FLAG(no_reboot)
SET_FLAG(no_shutdown)
SET_FLAG(show_version)
SET_FLAG(show_help)
SET_FLAG(snapshot)

static bool opt_gdb_default(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    o->gdb = "tcp::1234";
    return true;
}

/* -m [size=]N[KMGT]: a bare number is MiB, as QEMU. */
static bool opt_memory(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    KeyValueList kv;
    const char *size;
    bool ok = false;

    if (!keyval_parse(arg, "size", &kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    size = keyval_get(&kv, "size");
    if (kv.count != 1 || !size) {
        error_setg(errp, "-%s %s: only 'size' is supported", opt, arg);
    } else if (!parse_size(size, MiB, &o->ram_size) || o->ram_size == 0) {
        error_setg(errp, "-%s %s: invalid RAM size '%s'", opt, arg, size);
    } else {
        ok = true;
    }
    keyval_free(&kv);
    return ok;
}

static bool smp_field(const KeyValueList *kv, const char *key, unsigned *out, Error **errp)
{
    const char *v = keyval_get(kv, key);
    uint64_t n;

    if (!v) {
        return true;
    }
    if (!parse_uint(v, &n) || n == 0 || n > 4096) {
        error_setg(errp, "invalid %s count '%s'", key, v);
        return false;
    }
    *out = n;
    return true;
}

/* -smp [cpus=]N[,sockets=S][,cores=C][,threads=T][,maxcpus=M] */
static bool opt_smp(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const char *const known[] = {"cpus", "sockets", "cores", "threads", "maxcpus"};
    KeyValueList kv;
    bool ok;

    if (!keyval_parse(arg, "cpus", &kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    for (int i = 0; i < kv.count; i++) {
        bool found = false;
        for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
            found |= !strcmp(kv.items[i].key, known[k]);
        }
        if (!found) {
            error_setg(errp, "-%s %s: unknown parameter '%s'", opt, arg, kv.items[i].key);
            keyval_free(&kv);
            return false;
        }
    }
    ok = smp_field(&kv, "cpus", &o->smp_cpus, errp) &&
         smp_field(&kv, "sockets", &o->smp_sockets, errp) &&
         smp_field(&kv, "cores", &o->smp_cores, errp) &&
         smp_field(&kv, "threads", &o->smp_threads, errp) &&
         smp_field(&kv, "maxcpus", &o->smp_maxcpus, errp);
    if (!ok) {
        error_prepend(errp, "-%s %s: ", opt, arg);
    }
    keyval_free(&kv);
    return ok;
}

static bool opt_serial(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    if (o->nserial == MAX_SERIAL_PORTS) {
        error_setg(errp, "-%s %s: too many serial ports (at most %d)", opt, arg, MAX_SERIAL_PORTS);
        return false;
    }
    o->serial[o->nserial++] = arg;
    return true;
}

static bool add_to_list(const char **list, int *n, const char *opt, const char *arg, Error **errp)
{
    if (*n == MAX_DEVICE_OPTS) {
        error_setg(errp, "-%s %s: given too many times (at most %d)", opt, arg, MAX_DEVICE_OPTS);
        return false;
    }
    list[(*n)++] = arg;
    return true;
}

#define ADD_TO_LIST(field)                                                                         \
    static bool opt_##field(VLOptions *o, const char *opt, const char *arg, Error **errp)          \
    {                                                                                              \
        return add_to_list(o->field, &o->n##field, opt, arg, errp);                                \
    }
ADD_TO_LIST(device)
ADD_TO_LIST(drive)
ADD_TO_LIST(netdev)
ADD_TO_LIST(nic)

/* -accel tcg[,jit=on|off][,thread=single|multi]: the only accelerator for RISC-V guests. */
static bool opt_accel(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    KeyValueList kv;
    bool ok = true, jit;

    if (!keyval_parse(arg, "accel", &kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    for (int i = 0; i < kv.count && ok; i++) {
        const char *k = kv.items[i].key, *v = kv.items[i].value;
        if (!strcmp(k, "accel")) {
            ok = !strcmp(v, "tcg");
            if (!ok) {
                error_setg(errp,
                           "-%s %s: accelerator '%s' is not supported for RISC-V guests "
                           "(only tcg)",
                           opt, arg, v);
            }
        } else if (!strcmp(k, "jit") || !strcmp(k, "thread")) {
            ok = !strcmp(k, "thread") ? !strcmp(v, "multi") || !strcmp(v, "single")
                                      : parse_bool(v, &jit);
            if (ok && !strcmp(k, "jit")) {
                o->jit_set = true;
                o->jit = jit;
            }
            if (!ok) {
                error_setg(errp, "-%s %s: invalid value '%s' for '%s'", opt, arg, v, k);
            }
        } else {
            error_setg(errp, "-%s %s: unknown parameter '%s'", opt, arg, k);
            ok = false;
        }
    }
    keyval_free(&kv);
    o->accel = ok ? arg : NULL;
    return ok;
}

/* ---- monitors and process control ---- */

static bool add_monitor(VLOptions *o, int kind, const char *opt, const char *arg, Error **errp)
{
    if (o->nmonitor == MAX_DEVICE_OPTS) {
        error_setg(errp, "-%s %s: too many monitors (at most %d)", opt, arg, MAX_DEVICE_OPTS);
        return false;
    }
    o->monitor[o->nmonitor].kind = kind;
    o->monitor[o->nmonitor++].arg = arg;
    o->default_monitor_off = true;
    return true;
}

static bool opt_monitor(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return add_monitor(o, MONITOR_OPT_HMP, opt, arg, errp);
}

static bool opt_qmp(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return add_monitor(o, MONITOR_OPT_QMP, opt, arg, errp);
}

static bool opt_qmp_pretty(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return add_monitor(o, MONITOR_OPT_QMP_PRETTY, opt, arg, errp);
}

static bool opt_mon(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return add_monitor(o, MONITOR_OPT_MON, opt, arg, errp);
}

ADD_TO_LIST(chardev)
SET_STRING(name)
SET_STRING(pidfile)
SET_FLAG(daemonize)

/* We have no graphical display: only "none" (the serial port goes to stdio anyway). */
static bool opt_display(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    if (strcmp(arg, "none") != 0) {
        error_setg(errp, "-%s %s: display '%s' is not supported (Kestrel has only 'none')", opt,
                   arg, arg);
        return false;
    }
    return true;
}

static const OptionDef options[] = {
    {"machine", "TYPE[,prop=value...]", opt_machine,
     "select the board (-machine help lists them); e.g. virt,aclint=on,dumpdtb=FILE"},
    {"M", "TYPE[,prop=value...]", opt_machine, "same as -machine"},
    {"m", "SIZE", opt_memory, "guest RAM size; a bare number is MiB, suffixes K/M/G/T"},
    {"smp", "[cpus=]N[,sockets=S,cores=C,threads=T,maxcpus=M]", opt_smp, "number of harts"},
    {"cpu", "MODEL", opt_cpu, "select the hart model (-cpu help lists them)"},
    {"bios", "FILE|default|none", opt_bios, "firmware (default: Debian's OpenSBI fw_dynamic)"},
    {"kernel", "FILE", opt_kernel, "kernel or bare-metal program (ELF or raw image)"},
    {"initrd", "FILE", opt_initrd, "initial ram disk"},
    {"append", "CMDLINE", opt_append, "kernel command line"},
    {"dtb", "FILE", opt_dtb, "use this device tree instead of the generated one"},
    {"device", "DRIVER[,prop=value...]", opt_device, "add a device (-device help lists them)"},
    {"drive", "file=FILE[,format=raw][,if=none|virtio][,id=ID][,readonly=on]", opt_drive,
     "a disk image (raw); with if=none attach it with -device virtio-blk-device,drive=ID"},
    {"snapshot", NULL, opt_snapshot, "never write to disk images (writes are kept in memory)"},
    {"netdev", "user,id=ID[,hostfwd=tcp::HOSTPORT-:GUESTPORT]", opt_netdev,
     "a network backend (user networking); attach with -device virtio-net-device,netdev=ID"},
    {"nic", "user[,model=virtio-net-device][,hostfwd=...]", opt_nic,
     "a network backend and its virtio-net card in one option (or -nic none)"},
    {"accel", "tcg[,jit=on|off]", opt_accel,
     "accelerator: tcg (jit=off runs the interpreter only)"},
    {"nographic", NULL, opt_nographic, "serial port and monitor multiplexed on stdio (Ctrl-A h)"},
    {"serial", "DEV", opt_serial,
     "serial port backend: stdio, mon:stdio, null, none, "
     "file:PATH, pty, tcp:HOST:PORT,server=on,wait=off"},
    {"display", "none", opt_display, "display type (only 'none': there is no graphical display)"},
    {"s", NULL, opt_gdb_default, "shorthand for -gdb tcp::1234"},
    {"gdb", "tcp::PORT", opt_gdb, "wait for a gdb connection on a TCP port"},
    {"S", NULL, opt_start_stopped, "do not start the harts (continue from gdb)"},
    {"d", "ITEM,...", opt_log_items, "debug log (-d help lists the items)"},
    {"D", "FILE", opt_log_file, "write the debug log to FILE instead of stderr"},
    {"no-reboot", NULL, opt_no_reboot, "exit instead of rebooting"},
    {"no-shutdown", NULL, opt_no_shutdown,
     "a guest poweroff stops the VM instead of exiting (SHUTDOWN event; quit exits)"},
    {"monitor", "DEV", opt_monitor,
     "human monitor on a chardev: stdio, none, unix:PATH,server,nowait, tcp:HOST:PORT,..."},
    {"qmp", "DEV", opt_qmp, "QMP (JSON) monitor on a chardev, e.g. unix:PATH,server=on,wait=off"},
    {"qmp-pretty", "DEV", opt_qmp_pretty, "same as -qmp, with pretty-printed JSON"},
    {"mon", "chardev=ID[,mode=readline|control][,pretty=on]", opt_mon, "a monitor on a -chardev"},
    {"chardev", "BACKEND,id=ID[,...]", opt_chardev,
     "a character device: socket,path=P|host=H,port=N[,server=on][,wait=off], stdio, "
     "null, file,path=P, pty; mux=on shares it"},
    {"name", "NAME", opt_name, "name the VM (query-name, info name)"},
    {"pidfile", "FILE", opt_pidfile, "write the process id to FILE (removed at exit)"},
    {"daemonize", NULL, opt_daemonize,
     "detach from the terminal once the machine is up (no stdio chardevs)"},
    {"version", NULL, opt_show_version, "print the version and exit"},
    {"help", NULL, opt_show_help, "print this help and exit"},
    {"h", NULL, opt_show_help, "same as -help"},
};

static const OptionDef *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        if (!strcmp(options[i].name, name)) {
            return &options[i];
        }
    }
    return NULL;
}

bool vl_parse_args(int argc, char **argv, VLOptions *o, Error **errp)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *name = arg + 1;
        const OptionDef *def;

        if (arg[0] != '-' || arg[1] == '\0') {
            error_setg(errp,
                       "%s: invalid option (disk images are not accepted as bare "
                       "arguments)",
                       arg);
            return false;
        }
        if (name[0] == '-') {
            name++; /* --opt is the same as -opt */
        }
        def = find_option(name);
        if (!def) {
            error_setg(errp, "%s: invalid option", arg);
            return false;
        }
        if (def->argname && i + 1 >= argc) {
            error_setg(errp, "%s: requires an argument", arg);
            return false;
        }
        if (!def->handler(o, name, def->argname ? argv[++i] : NULL, errp)) {
            return false;
        }
    }
    return true;
}

void vl_print_help(FILE *out)
{
    fprintf(out, "usage: kestrel [options]\n"
                 "A RISC-V machine emulator with QEMU's command line "
                 "(qemu-system-riscv64 -M virt).\n\n");
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        char left[128];
        snprintf(left, sizeof(left), "-%s%s%s", options[i].name, options[i].argname ? " " : "",
                 options[i].argname ? options[i].argname : "");
        if (strlen(left) > 26) {
            fprintf(out, "  %s\n  %-26s %s\n", left, "", options[i].help);
        } else {
            fprintf(out, "  %-26s %s\n", left, options[i].help);
        }
    }
    fprintf(out, "\nOptions are also accepted with two dashes (--machine).\n"
                 "\nWhere Kestrel differs from QEMU:\n"
                 "  - There is no graphical display: without -nographic the first serial port\n"
                 "    still goes to stdio (as with -nographic), and -display accepts only none.\n"
                 "  - Only the RISC-V 'virt' board; the harts implement RV64GC with Zba/Zbb/Zbc/\n"
                 "    Zbs and Sstc, but not the hypervisor (H) extension.\n"
                 "  - Disk images must be given with -drive (not as bare arguments); only the\n"
                 "    raw format so far. There is no PCI yet: -drive if=virtio and -nic attach\n"
                 "    virtio-mmio devices (virtio-blk-device, virtio-net-device), where QEMU's\n"
                 "    virt board uses virtio-*-pci.\n"
                 "\nDuring emulation, with -nographic, Ctrl-A h lists the console keys "
                 "(Ctrl-A x quits).\n");
}
