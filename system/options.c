/*
 * The command-line option table and parser: QEMU's single-dash long options
 * ("-machine virt"), also accepted with two dashes ("--machine virt").
 * Values are checked here, so a bad command line is rejected with a message
 * naming the option before anything is created.
 */
#include <ctype.h>

#include "fsdev/fsdev.h"
#include "monitor/monitor.h"
#include "options-internal.h"
#include "qom/object.h"
#include "system/system.h"
#include "system/target-info.h"
#include "ui/sdl2.h"
#include "util/option.h"

typedef bool OptionHandler(VLOptions *o, const char *opt, const char *arg, Error **errp);

typedef struct OptionDef {
    const char *name;
    const char *argname; /* NULL: takes no argument */
    OptionHandler *handler;
    const char *help;
    const char *needs_type; /* the device type the option creates: absent from binaries
                               without it (e.g. -debugcon outside x86) */
    bool needs_kvm;         /* absent from binaries whose target has no KVM */
} OptionDef;

#define SET_STRING(field)                                                                          \
    static bool opt_##field(VLOptions *o, const char *opt, const char *arg, Error **errp)          \
    {                                                                                              \
        o->field = arg;                                                                            \
        return true;                                                                               \
    }
SET_STRING(cpu)
SET_STRING(bios)
SET_STRING(kernel)
SET_STRING(initrd)
SET_STRING(append)
SET_STRING(dtb)
SET_STRING(gdb)
SET_STRING(log_items)
SET_STRING(log_file)
SET_STRING(icount)
SET_STRING(loadvm)

/* -seed N: guest-visible randomness from a stream fixed by N (util/guest-random.h). */
static bool opt_seed(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    if (!parse_uint(arg, &o->seed)) {
        error_setg(errp, "-%s %s: the seed must be a number", opt, arg);
        return false;
    }
    o->seed_set = true;
    return true;
}

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
ADD_TO_LIST(blockdev)
ADD_TO_LIST(netdev)
ADD_TO_LIST(nic)
ADD_TO_LIST(fw_cfg)
ADD_TO_LIST(net)
ADD_TO_LIST(smbios)

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
SET_STRING(debugcon)
SET_FLAG(daemonize)

/*
 * -display none | vnc=ADDR[,opts] | sdl[,window-close=on|off] | gtk[,...]: gtk is the SDL
 * window too (Kestrel has no GTK front end; --help says so).
 */
static bool opt_display(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    size_t len = strcspn(arg, ",");

    if (!strncmp(arg, "vnc=", 4)) {
        o->vnc = arg + 4;
        return true;
    }
    if ((len == 3 && !strncmp(arg, "sdl", 3)) || (len == 3 && !strncmp(arg, "gtk", 3))) {
        o->sdl = arg + 3;
        return sdl_display_check_opts(o->sdl, errp);
    }
    if (strcmp(arg, "none") != 0) {
        error_setg(errp,
                   "-%s %s: display '%.*s' is not supported (Kestrel has none, vnc=, sdl "
                   "and gtk, which is sdl)",
                   opt, arg, (int)len, arg);
        return false;
    }
    o->sdl = NULL;
    return true;
}

/* -vnc [host]:N[,password=on] | unix:PATH | none (ui/vnc.c checks the form when it opens). */
static bool opt_vnc(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    o->vnc = arg;
    return true;
}

/* ---- process confinement: -sandbox, -runas, -run-with (system/sandbox.c) ---- */
static bool opt_sandbox(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return sandbox_parse(arg, &o->sandbox, errp);
}

static bool opt_runas(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    if (!runas_parse(arg, &o->runas, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    return true;
}

static bool opt_run_with(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return run_with_parse(arg, &o->runas, errp);
}
/* ---- end of process confinement ---- */
/* ---- issue 14: QEMU command lines as people write them ---- */

/* -machine may be given several times: the lists merge, later keys win (as QEMU). */
static bool opt_machine(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    o->machine = arg;
    return add_to_list(o->machine_opts, &o->nmachine, opt, arg, errp);
}

ADD_TO_LIST(global)
ADD_TO_LIST(object)
ADD_TO_LIST(numa)
SET_FLAG(nodefaults)

/* Kestrel reads no configuration files, so there is none to skip. */
static bool opt_no_user_config(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return true;
}

/* Check that every key of arg is in known[] (NULL-terminated); the first may be implied. */
static bool check_keys(const char *opt, const char *arg, const char *implied,
                       const char *const *known, KeyValueList *kv, Error **errp)
{
    if (!keyval_parse(arg, implied, kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    for (int i = 0; i < kv->count; i++) {
        bool found = false;
        for (int k = 0; known[k]; k++) {
            found |= !strcmp(kv->items[i].key, known[k]);
        }
        if (!found) {
            error_setg(errp, "-%s %s: unknown parameter '%s'", opt, arg, kv->items[i].key);
            keyval_free(kv);
            return false;
        }
    }
    return true;
}

/* The value of key is one of the alternatives in alts ("a|b|c"), or absent. */
static bool check_choice(const char *opt, const char *arg, const KeyValueList *kv, const char *key,
                         const char *alts, Error **errp)
{
    const char *v = keyval_get(kv, key);
    size_t n = v ? strlen(v) : 0;

    for (const char *p = alts; v && *p; p += strcspn(p, "|"), p += *p == '|') {
        if (strcspn(p, "|") == n && !strncmp(p, v, n)) {
            return true;
        }
    }
    if (v) {
        error_setg(errp, "-%s %s: invalid value '%s' for '%s' (%s)", opt, arg, v, key, alts);
        return false;
    }
    return true;
}

/* -set GROUP.ID.PROP=VALUE: checked here, applied once every option is read. */
static bool opt_set(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    const char *dot1 = strchr(arg, '.'), *dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    const char *eq = dot2 ? strchr(dot2 + 1, '=') : NULL;

    if (!eq || dot1 == arg || dot2 == dot1 + 1 || eq == dot2 + 1) {
        error_setg(errp, "-%s %s: expected GROUP.ID.PROP=VALUE", opt, arg);
        return false;
    }
    return add_to_list(o->set, &o->nset, opt, arg, errp);
}

/*
 * -boot: the boot menu and its wait, and the reboot timeout, go to fw_cfg (SeaBIOS reads
 * them: fw_cfg_set_boot_options), checked here with QEMU's messages. order= and once= are
 * checked here as drive letters; the PC board hands them to SeaBIOS (hw/i386/pc-boot.c), the
 * virt board boots what -bios and -kernel name.
 */
/* QEMU's validate_bootdevices: drive letters a-p, each once; the board checks the rest. */
static bool check_boot_devices(const char *devices, Error **errp)
{
    unsigned seen = 0;

    for (const char *p = devices; p && *p; p++) {
        if (*p < 'a' || *p > 'p') {
            error_setg(errp, "Invalid boot device '%c'", *p);
            return false;
        }
        if (seen & (1u << (*p - 'a'))) {
            error_setg(errp, "Boot device '%c' was given twice", *p);
            return false;
        }
        seen |= 1u << (*p - 'a');
    }
    return true;
}

static bool opt_boot(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const char *const known[] = {"order",       "once",           "menu",   "splash",
                                        "splash-time", "reboot-timeout", "strict", NULL};
    KeyValueList kv;
    const char *menu, *splash_time, *reboot;
    bool ok = check_keys(opt, arg, "order", known, &kv, errp), b;
    uint64_t n;

    if (!ok) {
        return false;
    }
    menu = keyval_get(&kv, "menu");
    splash_time = keyval_get(&kv, "splash-time");
    reboot = keyval_get(&kv, "reboot-timeout");
    if (!check_boot_devices(keyval_get(&kv, "order"), errp) ||
        !check_boot_devices(keyval_get(&kv, "once"), errp)) {
        ok = false;
    } else if (menu && !parse_bool(menu, &b)) {
        error_setg(errp, "Parameter 'boot.menu' expects 'on' or 'off'");
        ok = false;
    } else if (splash_time && !parse_uint(splash_time, &n)) {
        error_setg(errp, "Parameter 'boot.splash-time' expects integer");
        ok = false;
    } else if (splash_time && n > 0xffff) {
        error_setg(errp, "splash-time is invalid,it should be a value between 0 and 65535");
        ok = false;
    } else if (reboot && strcmp(reboot, "-1") != 0 && (!parse_uint(reboot, &n) || n > 0xffff)) {
        error_setg(errp, "reboot timeout is invalid,it should be a value between -1 and 65535");
        ok = false;
    }
    keyval_free(&kv);
    o->boot = ok ? arg : NULL;
    return ok;
}

/* -uuid: checked here; fw_cfg's FW_CFG_UUID item shows it to the firmware. */
static bool opt_uuid(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const int dash_at[] = {8, 13, 18, 23};
    bool ok = strlen(arg) == 36;

    for (int i = 0; ok && i < 36; i++) {
        bool dash = i == dash_at[0] || i == dash_at[1] || i == dash_at[2] || i == dash_at[3];
        ok = dash ? arg[i] == '-' : isxdigit((unsigned char)arg[i]);
    }
    if (!ok) {
        error_setg(errp, "-%s %s: invalid UUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
                   opt, arg);
    }
    o->uuid = ok ? arg : NULL;
    return ok;
}

/* -k LANGUAGE: the keyboard layout of a graphical display: checked; VNC keys map as en-us. */
static bool opt_keyboard(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    for (const char *p = arg; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-') {
            error_setg(errp, "-%s %s: invalid keyboard layout name", opt, arg);
            return false;
        }
    }
    return true;
}

/* -vga TYPE: QEMU's names; std and none are what Kestrel has (the board decides, vl.c). */
static bool opt_vga(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const char *const qemu_types[] = {"cirrus", "vmware", "qxl",   "xenfb",
                                             "tcx",    "cg3",    "virtio"};

    if (!strcmp(arg, "std") || !strcmp(arg, "none")) {
        o->vga = arg;
        return true;
    }
    for (size_t i = 0; i < ARRAY_SIZE(qemu_types); i++) {
        if (!strcmp(arg, qemu_types[i])) {
            error_setg(errp, "-%s %s: this VGA type is not available (Kestrel has std and none)",
                       opt, arg);
            return false;
        }
    }
    error_setg(errp, "unknown vga type: %s", arg);
    return false;
}

/* -usb is -machine usb=on; QEMU's virt adds no USB controller for it, and neither do we. */
static bool opt_usb(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return add_to_list(o->machine_opts, &o->nmachine, opt, "usb=on", errp);
}

ADD_TO_LIST(usbdevice)

/* -rtc [base=utc|localtime|DATE][,clock=host|rt|vm][,driftfix=none|slew]; vl.c sets the RTC. */
static bool opt_rtc(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const char *const known[] = {"base", "clock", "driftfix", NULL};
    KeyValueList kv;
    bool ok;

    if (!check_keys(opt, arg, NULL, known, &kv, errp)) {
        return false;
    }
    ok = check_choice(opt, arg, &kv, "driftfix", "none|slew", errp) &&
         check_choice(opt, arg, &kv, "clock", "host|rt|vm", errp);
    keyval_free(&kv);
    o->rtc = ok ? arg : NULL;
    return ok;
}

/* -msg timestamp=on|off[,guest-name=on|off]: how error messages are prefixed. */
static bool opt_msg(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const char *const known[] = {"timestamp", "guest-name", NULL};
    KeyValueList kv;
    const char *ts;
    bool ok, b;

    if (!check_keys(opt, arg, NULL, known, &kv, errp)) {
        return false;
    }
    ts = keyval_get(&kv, "timestamp");
    ok = (!ts || parse_bool(ts, &o->msg_timestamp)) &&
         (!keyval_get(&kv, "guest-name") || parse_bool(keyval_get(&kv, "guest-name"), &b));
    if (!ok) {
        error_setg(errp, "-%s %s: timestamp and guest-name take on or off", opt, arg);
    }
    keyval_free(&kv);
    return ok;
}

SET_FLAG(semihosting)

/* -semihosting-config: its keys are checked when start-up applies it (semihosting/config.c). */
static bool opt_semihosting_config(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    o->semihosting_config = arg;
    return true;
}

/* ---- issue 12: 9p shares (fsdev/fsdev.c) ---- */

static bool add_fsdev(VLOptions *o, const char *opts, const char *from, Error **errp)
{
    if (o->nfsdev == MAX_DEVICE_OPTS) {
        error_setg(errp, "-fsdev/-virtfs: given too many times (at most %d)", MAX_DEVICE_OPTS);
        return false;
    }
    o->fsdev[o->nfsdev] = opts;
    o->fsdev_from[o->nfsdev++] = from;
    return true;
}

/* -fsdev local,id=ID,path=DIR,security_model=M[,...]: checked now, registered at start-up. */
static bool opt_fsdev(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    FsDriverEntry fse;

    if (!fsdev_parse(arg, &fse, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    fsdev_entry_clear(&fse);
    return add_fsdev(o, arg, NULL, errp);
}

/* Add "-drive PREFIX,file=FILE" with FILE taken whole: its commas escaped for the parser. */
static bool add_drive_shorthand(VLOptions *o, const char *opt, const char *prefix, const char *arg,
                                Error **errp)
{
    size_t len = strlen(arg);
    char *drive = xmalloc(len * 2 + strlen(prefix) + 8), *p = drive;

    if (o->nowned >= MAX_DEVICE_OPTS) {
        free(drive);
        error_setg(errp, "-%s %s: too many options", opt, arg);
        return false;
    }
    p += sprintf(p, "%s,file=", prefix);
    for (const char *c = arg; *c; c++) {
        *p++ = *c;
        if (*c == ',') {
            *p++ = ',';
        }
    }
    *p = 0;
    o->owned[o->nowned++] = drive;
    return add_to_list(o->drive, &o->ndrive, opt, drive, errp);
}

/*
 * -hda..-hdd FILE: QEMU's shorthand for -drive file=FILE,index=N,media=disk on the machine's
 * default interface (q35: AHCI port N; virt: the unattached drive noneN).
 */
static bool opt_hdx(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    char prefix[32];

    snprintf(prefix, sizeof(prefix), "index=%d,media=disk", opt[2] - 'a');
    return add_drive_shorthand(o, opt, prefix, arg, errp);
}

/*
 * -cdrom FILE: QEMU's -drive file=FILE,index=2,media=cdrom (q35: an ATAPI drive on AHCI port 2,
 * ide2-cd0; virt, without IDE: the unattached read-only drive none2, as QEMU 7.2).
 */
static bool opt_cdrom(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return add_drive_shorthand(o, opt, "index=2,media=cdrom", arg, errp);
}

/* -virtfs local,path=DIR,mount_tag=TAG,...: an -fsdev plus a virtio-9p-pci (QEMU's virt). */
static bool opt_virtfs(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    char *fsdev_opts, *device_opts;

    if (o->nowned + 3 > MAX_DEVICE_OPTS) {
        error_setg(errp, "-%s %s: too many -virtfs/-set options", opt, arg);
        return false;
    }
    if (!virtfs_parse(arg, "virtio-9p-pci", &fsdev_opts, &device_opts, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    o->owned[o->nowned++] = fsdev_opts;
    o->owned[o->nowned++] = device_opts;
    o->owned[o->nowned] = xasprintf("-%s %s", opt, arg);
    return add_fsdev(o, fsdev_opts, o->owned[o->nowned++], errp) &&
           add_to_list(o->device, &o->ndevice, opt, device_opts, errp);
}

/* Where -set GROUP.ID finds its option: the list of that group and its implied key. */
static bool set_group_list(VLOptions *o, const char *group, size_t len, const char ***list, int *n,
                           const char **implied)
{
    if (len == 6 && !strncmp(group, "device", 6)) {
        *list = o->device, *n = o->ndevice, *implied = "driver";
    } else if (len == 5 && !strncmp(group, "drive", 5)) {
        *list = o->drive, *n = o->ndrive, *implied = NULL;
    } else if (len == 6 && !strncmp(group, "netdev", 6)) {
        *list = o->netdev, *n = o->nnetdev, *implied = "type";
    } else if (len == 6 && !strncmp(group, "object", 6)) {
        *list = o->object, *n = o->nobject, *implied = "qom-type";
    } else {
        return false;
    }
    return true;
}

/* Append "key=value" to buf (malloc'd, grown), a comma in the value doubled as QEMU writes it. */
static char *append_pair(char *buf, const char *key, const char *value)
{
    size_t len = buf ? strlen(buf) : 0, extra = strlen(key) + 2 * strlen(value) + 3;
    char *p;

    buf = xrealloc(buf, len + extra);
    p = buf + len;
    p += sprintf(p, "%s%s=", len ? "," : "", key);
    for (const char *v = value; *v; v++) {
        *p++ = *v;
        if (*v == ',') {
            *p++ = ',';
        }
    }
    *p = '\0';
    return buf;
}

/* The option string kv with key set to value (replacing it, or appended). */
static char *keyval_with(const KeyValueList *kv, const char *key, size_t keylen, const char *value)
{
    char *out = NULL, *k = xasprintf("%.*s", (int)keylen, key);
    bool done = false;

    for (int i = 0; i < kv->count; i++) {
        bool same = !strcmp(kv->items[i].key, k);
        if (!same || !done) {
            out = append_pair(out, kv->items[i].key, same ? value : kv->items[i].value);
        }
        done |= same;
    }
    if (!done) {
        out = append_pair(out, k, value);
    }
    free(k);
    return out;
}

/* -set GROUP.ID.PROP=VALUE rewrites the GROUP option whose id is ID (QEMU's -set). */
static bool apply_set(VLOptions *o, const char *arg, Error **errp)
{
    const char *id = strchr(arg, '.') + 1, *prop = strchr(id, '.') + 1, *eq = strchr(prop, '=');
    const char **list, *implied, *v;
    int n;

    if (!set_group_list(o, arg, id - 1 - arg, &list, &n, &implied)) {
        error_setg(errp, "-set %s: there is no option group '%.*s'", arg, (int)(id - 1 - arg), arg);
        return false;
    }
    for (int i = 0; i < n; i++) {
        KeyValueList kv;

        if (list[i][0] == '{' || !keyval_parse_repeatable(list[i], implied, &kv, NULL)) {
            continue;
        }
        v = keyval_get(&kv, "id");
        if (v && strlen(v) == (size_t)(prop - 1 - id) && !strncmp(v, id, prop - 1 - id)) {
            o->owned[o->nowned] = keyval_with(&kv, prop, eq - prop, eq + 1);
            list[i] = o->owned[o->nowned++];
            keyval_free(&kv);
            return true;
        }
        keyval_free(&kv);
    }
    error_setg(errp, "-set %s: there is no %.*s with id '%.*s'", arg, (int)(id - 1 - arg), arg,
               (int)(prop - 1 - id), id);
    return false;
}

void vl_options_free(VLOptions *o)
{
    for (int i = 0; i < o->nowned; i++) {
        free(o->owned[i]);
    }
    o->nowned = 0;
}

static const OptionDef options[] = {
    {"h", NULL, opt_show_help, "same as -help"},
    {"help", NULL, opt_show_help, "print this help and exit"},
    {"version", NULL, opt_show_version, "print the version and exit"},
    {"machine", "TYPE[,prop=value...]", opt_machine,
     "select the board (-machine help lists them); e.g. virt,aclint=on,dumpdtb=FILE"},
    {"M", "TYPE[,prop=value...]", opt_machine, "same as -machine"},
    {"cpu", "MODEL[,prop=value...]", opt_cpu,
     "select the hart model (-cpu help lists them) and its properties (QEMU 7.2 rv64's: "
     "mmu=off, c=off, zba=off, mvendorid=N...; -cpu rv64,help lists them)"},
    {"accel",
     "tcg[,jit=on|off][,jit-threshold=N][,thread=single|multi][,tb-size=N] | "
     "kvm[,kernel-irqchip=off]",
     opt_accel,
     "accelerator: tcg (jit=off runs the interpreter only; jit-threshold=N compiles a block "
     "after N runs, 1 as soon as it is made; harts always run in their own "
     "threads and the code cache sizes itself, so thread= and tb-size= are only checked), or "
     "kvm (x86 guests, where /dev/kvm exists); given several times, the first that starts is "
     "used"},
    {"smp", "[cpus=]N[,sockets=S,cores=C,threads=T,maxcpus=M]", opt_smp, "number of harts"},
    {"numa", "node[,nodeid=N][,cpus=A[-B]][,memdev=ID] | dist,src=N,dst=M,val=D", opt_numa,
     "a NUMA node (harts, memory backend) or the distance between two nodes"},
    {"set", "group.id.arg=value", opt_set,
     "set <arg> of the -device/-drive/-netdev/-object whose id is <id>"},
    {"global", "driver.property=value", opt_global,
     "set a global default for a driver property (e.g. virtio-mmio.force-legacy=false)"},
    {"boot", "[order=drives][,once=drives][,menu=on|off][,splash-time=MS][,reboot-timeout=MS]",
     opt_boot, "the firmware's boot order (PC: CMOS and fw_cfg), boot menu and reboot timeout"},
    {"m", "[size=]SIZE[,slots=N,maxmem=SIZE]", opt_memory,
     "guest RAM size; a bare number is MiB, suffixes K/M/G/T, fractions (1.5G) allowed; "
     "slots/maxmem are checked (no memory hotplug)"},
    {"k", "language", opt_keyboard, "keyboard layout (accepted; VNC keys map as en-us)"},
    {"device", "DRIVER[,prop=value...]", opt_device, "add a device (-device help lists them)"},
    {"name", "NAME", opt_name, "name the VM (query-name, info name)"},
    {"uuid", "%08x-%04x-%04x-%04x-%012x", opt_uuid,
     "machine UUID (fw_cfg's UUID item; on q35 also SMBIOS type 1's)"},
    {"smbios", "type=0|1[,field=str[,...]]", opt_smbios,
     "SMBIOS fields: type 0 vendor/version/date/release/uefi, type 1 manufacturer/product/"
     "version/serial/uuid/sku/family",
     .needs_type = "q35-machine"},
    {"hda", "FILE", opt_hdx, "a disk image as drive index 0 (q35: on AHCI port 0, /dev/sda)"},
    {"hdb", "FILE", opt_hdx, "a disk image as drive index 1"},
    {"hdc", "FILE", opt_hdx, "a disk image as drive index 2"},
    {"hdd", "FILE", opt_hdx, "a disk image as drive index 3"},
    {"cdrom", "FILE", opt_cdrom, "a CD-ROM image as drive index 2 (q35: ATAPI on AHCI port 2)"},
    {"blockdev", "driver=file|raw|qcow2,node-name=N[,file=NODE|file.driver=file,...]", opt_blockdev,
     "a block node (dotted keys or JSON); attach with -device ...,drive=N"},
    {"drive", "file=FILE[,format=raw|qcow2][,if=none|virtio|ide][,id=ID][,readonly=on]", opt_drive,
     "a disk image (raw or qcow2); with if=none attach it with -device virtio-blk-device,drive=ID"},
    {"snapshot", NULL, opt_snapshot, "never write to disk images (writes are kept in memory)"},
    {"fsdev",
     "local,id=ID,path=DIR,security_model=none|mapped-xattr|mapped-file|passthrough[,readonly=on]",
     opt_fsdev,
     "a host directory to share over 9p ([,fmode=0600][,dmode=0700] for the mapped models); "
     "attach with -device virtio-9p-device|virtio-9p-pci,fsdev=ID,mount_tag=TAG"},
    {"virtfs", "local,path=DIR,mount_tag=TAG,security_model=M[,id=ID][,readonly=on]", opt_virtfs,
     "share a host directory over 9p: an -fsdev and its virtio-9p-pci in one option"},
    {"usb", NULL, opt_usb, "-machine usb=on (on virt, as in QEMU, no USB controller is added)"},
    {"usbdevice", "mouse|tablet|keyboard", opt_usbdevice,
     "a USB device on the first USB bus (made before -device's, as QEMU)"},
    {"display", "none|sdl|gtk|vnc=[host]:N", opt_display,
     "display type: none; sdl[,window-close=on|off], a window per graphical console "
     "(Ctrl-Alt-G grabs); gtk, the same SDL window; or a VNC server (as -vnc)"},
    {"nographic", NULL, opt_nographic,
     "the first serial port on stdio, with the Ctrl-A keys (Ctrl-A h lists them)"},
    {"vga", "std|none", opt_vga,
     "video card type: std (the q35 default, PCI 00:01.0) or none; virt has no VGA card"},
    {"vnc", "[host]:N[,password=on]|unix:PATH", opt_vnc,
     "a VNC server on TCP port 5900+N (or a UNIX socket) showing the first display"},
    {"netdev", "user,id=ID[,hostfwd=tcp::HOSTPORT-:GUESTPORT]", opt_netdev,
     "a network backend (user networking); attach with -device virtio-net-device,netdev=ID"},
    {"nic", "user[,model=virtio-net-device][,hostfwd=...]", opt_nic,
     "a network backend and its virtio-net card in one option (or -nic none)"},
    {"net", "nic[,model=M][,macaddr=MAC][,netdev=ID]|user[,...]|none", opt_net,
     "legacy networking: NICs and backends joined through hub 0 (model=help lists NICs)"},
    {"chardev", "BACKEND,id=ID[,...]", opt_chardev,
     "a character device: socket,path=P|host=H,port=N[,server=on][,wait=off], stdio, "
     "null, file,path=P, pty; mux=on shares it"},
    {"bios", "FILE|default|none", opt_bios, "firmware (default: Debian's OpenSBI fw_dynamic)"},
    {"kernel", "FILE", opt_kernel, "kernel or bare-metal program (ELF or raw image)"},
    {"append", "CMDLINE", opt_append, "kernel command line"},
    {"initrd", "FILE", opt_initrd, "initial ram disk"},
    {"dtb", "FILE", opt_dtb, "use this device tree instead of the generated one"},
    {"fw_cfg", "[name=]NAME,file=FILE|string=STR", opt_fw_cfg,
     "add a named fw_cfg file (names start with opt/) from a host file or a string"},
    {"serial", "DEV", opt_serial,
     "serial port backend: stdio, mon:stdio, null, none, "
     "file:PATH, pty, tcp:HOST:PORT,server=on,wait=off"},
    {"monitor", "DEV", opt_monitor,
     "human monitor on a chardev: stdio, none, unix:PATH,server,nowait, tcp:HOST:PORT,..."},
    {"qmp", "DEV", opt_qmp, "QMP (JSON) monitor on a chardev, e.g. unix:PATH,server=on,wait=off"},
    {"qmp-pretty", "DEV", opt_qmp_pretty, "same as -qmp, with pretty-printed JSON"},
    {"mon", "chardev=ID[,mode=readline|control][,pretty=on]", opt_mon, "a monitor on a -chardev"},
    {"debugcon", "DEV", opt_debugcon,
     "the debug console (isa-debugcon at port 0xe9) to a chardev: stdio, file:PATH, ...",
     "isa-debugcon"},
    {"pidfile", "FILE", opt_pidfile, "write the process id to FILE (removed at exit)"},
    {"S", NULL, opt_start_stopped,
     "do not start the harts (cont from the monitor, or continue from gdb)"},
    {"gdb", "tcp::PORT", opt_gdb, "accept a gdb connection on a TCP port"},
    {"s", NULL, opt_gdb_default, "shorthand for -gdb tcp::1234"},
    {"d", "ITEM,...", opt_log_items, "debug log (-d help lists the items)"},
    {"D", "FILE", opt_log_file, "write the debug log to FILE instead of stderr"},
    {"seed", "number", opt_seed,
     "seed the pseudo-random number generator (the guest's rng-seed and rng-builtin bytes)"},
    {"enable-kvm", NULL, opt_enable_kvm, "the same as -accel kvm", .needs_kvm = true},
    {"no-reboot", NULL, opt_no_reboot, "exit instead of rebooting"},
    {"no-shutdown", NULL, opt_no_shutdown,
     "when the guest powers off, stop the harts instead of exiting (SHUTDOWN event; quit exits)"},
    {"loadvm", "tag|id", opt_loadvm,
     "start from a saved state (savevm) of the qcow2 drives instead of booting"},
    {"daemonize", NULL, opt_daemonize,
     "detach from the terminal once the machine is up (no stdio chardevs)"},
    {"rtc", "[base=utc|localtime|<datetime>][,clock=host|rt|vm][,driftfix=none|slew]", opt_rtc,
     "set the RTC base (e.g. base=2020-01-01T12:00:00) and its clock: host (the wall clock), "
     "rt (host monotonic) or vm (guest time: stops with the VM, follows -icount)"},
    {"icount", "[shift=N|auto][,align=on|off][,sleep=on|off]", opt_icount,
     "virtual time from the instruction count: 2^N ns per instruction (one hart, "
     "interpreter); sleep=off jumps over idle time, align=on keeps pace with the host"},
    {"nodefaults", NULL, opt_nodefaults,
     "don't create default devices (no serial port unless -serial names one, no VGA)"},
    {"runas", "USER|UID:GID", opt_runas, "change to this user once start-up opened its files"},
    {"run-with", "user=USER|UID:GID", opt_run_with, "same as -runas"},
    {"semihosting", NULL, opt_semihosting,
     "serve the guest's semihosting calls (slli/ebreak/srai): console, host files, exit"},
    {"semihosting-config", "[enable=on|off][,target=native|gdb|auto][,chardev=id][,arg=str[,...]]",
     opt_semihosting_config,
     "configure semihosting; target=gdb (or auto with gdb attached) serves the file and "
     "console calls through gdb's File-I/O; chardev= sends the console output there; arg= "
     "words make the SYS_GET_CMDLINE command line"},
    {"sandbox",
     "on|off[,obsolete=allow|deny][,elevateprivileges=allow|deny|children]"
     "[,spawn=allow|deny][,resourcecontrol=allow|deny]",
     opt_sandbox, "seccomp system call filter, installed before the harts start"},
    {"no-user-config", NULL, opt_no_user_config,
     "do not load user-provided config files (Kestrel loads none)"},
    {"msg", "timestamp=on|off[,guest-name=on|off]", opt_msg,
     "control error message format (timestamp=on prefixes the time)"},
    {"object", "TYPENAME[,PROP1=VALUE1,...]", opt_object,
     "create an object (rng-random, rng-builtin, memory-backend-ram|memfd|file) in /objects; "
     "the id property must be set; also in JSON form {\"qom-type\":...}"},
};

static bool option_available(const OptionDef *def)
{
    return (!def->needs_type || object_class_by_name(def->needs_type)) &&
           (!def->needs_kvm || target_info()->kvm);
}

static const OptionDef *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        if (!strcmp(options[i].name, name) && option_available(&options[i])) {
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
    for (int i = 0; i < o->nset; i++) {
        if (!apply_set(o, o->set[i], errp)) {
            return false;
        }
    }
    return true;
}

void vl_print_help(FILE *out)
{
    fprintf(out,
            "usage: %s [options]\n"
            "%s with QEMU's command line (%s).\n\n",
            target_info()->binary, target_info()->description, target_info()->qemu_binary);
    for (size_t i = 0; i < ARRAY_SIZE(options); i++) {
        char left[128];
        if (!option_available(&options[i])) {
            continue;
        }
        snprintf(left, sizeof(left), "-%s%s%s", options[i].name, options[i].argname ? " " : "",
                 options[i].argname ? options[i].argname : "");
        if (strlen(left) > 26) {
            fprintf(out, "  %s\n  %-26s %s\n", left, "", options[i].help);
        } else {
            fprintf(out, "  %-26s %s\n", left, options[i].help);
        }
    }
    fprintf(out,
            "\nOptions are also accepted with two dashes (--machine).\n"
            "\nWhere Kestrel differs from QEMU:\n"
            "  - -display gtk opens the SDL window (there is no GTK front end), and the windows\n"
            "    show only graphical consoles: without -nographic the first serial port still\n"
            "    goes to stdio.\n"
            "%s"
            "  - Disk images must be given with -drive or -blockdev (not as bare arguments),\n"
            "    raw or qcow2. virtio-pci devices are transitional as QEMU's on pcie.0\n"
            "    (legacy I/O BAR0 and modern BAR4) but have no MSI-X.\n"
            "\nDuring emulation, with -nographic, Ctrl-A h lists the console keys "
            "(Ctrl-A x quits).\n",
            target_info()->help_notes);
}
