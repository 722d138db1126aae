/*
 * The commands both protocols share (QMP name and HMP name in one entry),
 * each a handler over the QOM/runstate API returning QMP's result, with the
 * HMP printer beside it. Result shapes follow QEMU 7.2's schema.
 */
#include "block/block.h"
#include "hw/core/boards.h"
#include "hw/core/cpu.h"
#include "monitor-internal.h"
#include "system/kvm.h"
#include "system/runstate.h"
#include "system/system.h"
#include "system/target-info.h"

/* ---- run state ---- */

static json_object *cmd_qmp_capabilities(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    if (ctx->mon->negotiated) {
        ctx->err_class = QMP_ERROR_COMMAND_NOT_FOUND;
        error_setg(errp, "Capabilities negotiation is already complete, command ignored");
        return NULL;
    }
    ctx->mon->negotiated = true;
    return NULL;
}

static json_object *cmd_query_status(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_object();
    RunState rs = runstate_get();

    json_object_object_add(ret, "status", json_object_new_string(runstate_name(rs)));
    json_object_object_add(ret, "singlestep", json_object_new_boolean(false));
    json_object_object_add(ret, "running", json_object_new_boolean(rs == RUN_STATE_RUNNING));
    return ret;
}

static void hmp_print_status(Monitor *mon, json_object *ret)
{
    const char *status = json_object_get_string(json_object_object_get(ret, "status"));

    if (!strcmp(status, "running")) {
        monitor_printf(mon, "VM status: running\n");
    } else if (!strcmp(status, "paused")) {
        monitor_printf(mon, "VM status: paused\n");
    } else {
        monitor_printf(mon, "VM status: paused (%s)\n", status);
    }
}

static json_object *cmd_stop(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    if (runstate_is_running()) {
        vm_stop(RUN_STATE_PAUSED);
    }
    return NULL;
}

static json_object *cmd_cont(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    /* As QEMU: a VM shut down under -no-shutdown needs system_reset before it can run. */
    if (runstate_get() == RUN_STATE_SHUTDOWN) {
        error_setg(errp, "Resetting the Virtual Machine is required");
        return NULL;
    }
    vm_start();
    return NULL;
}

static json_object *cmd_system_reset(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    reset_request(SHUTDOWN_CAUSE_HOST_QMP_SYSTEM_RESET);
    return NULL;
}

static json_object *cmd_system_powerdown(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    powerdown_request();
    return NULL;
}

static json_object *cmd_quit(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    shutdown_request(SHUTDOWN_CAUSE_HOST_QMP_QUIT, 0);
    return NULL;
}

/* ---- identity ---- */

static json_object *cmd_query_version(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_object(), *qemu = json_object_new_object();
    int major = 0, minor = 0, micro = 0;

    sscanf(KESTREL_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_object_object_add(qemu, "micro", json_object_new_int(micro));
    json_object_object_add(qemu, "minor", json_object_new_int(minor));
    json_object_object_add(qemu, "major", json_object_new_int(major));
    json_object_object_add(ret, "qemu", qemu);
    json_object_object_add(ret, "package", json_object_new_string("Kestrel"));
    return ret;
}

static void hmp_print_version(Monitor *mon, json_object *ret)
{
    monitor_printf(mon, "%s (Kestrel)\n", KESTREL_VERSION);
}

static json_object *cmd_query_name(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_object();

    if (vm_name) {
        json_object_object_add(ret, "name", json_object_new_string(vm_name));
    }
    return ret;
}

static void hmp_print_name(Monitor *mon, json_object *ret)
{
    json_object *name;

    if (json_object_object_get_ex(ret, "name", &name)) {
        monitor_printf(mon, "%s\n", json_object_get_string(name));
    }
}

static json_object *cmd_query_commands(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_array();

    for (int i = 0; monitor_tables[i]; i++) {
        for (const MonitorCommand *c = monitor_tables[i]; c->fn; c++) {
            if (c->name) {
                json_object *o = json_object_new_object();
                json_object_object_add(o, "name", json_object_new_string(c->name));
                json_object_array_add(ret, o);
            }
        }
    }
    return ret;
}

static json_object *cmd_query_kvm(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_object();

    /* present: this binary can run its guests on KVM (QEMU: built with KVM for the target). */
    json_object_object_add(ret, "enabled", json_object_new_boolean(kvm_enabled()));
    json_object_object_add(ret, "present", json_object_new_boolean(target_info()->kvm != NULL));
    return ret;
}

static void hmp_print_kvm(Monitor *mon, json_object *ret)
{
    monitor_printf(mon, "kvm support: disabled\n");
}

static const char *target_name(void)
{
    return first_cpu ? CPU_GET_CLASS(first_cpu)->target_name : "unknown";
}

static json_object *cmd_query_target(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_object();

    json_object_object_add(ret, "arch", json_object_new_string(target_name()));
    return ret;
}

/* ---- CPUs and machines ---- */

static json_object *cmd_query_cpus_fast(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_array();
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        json_object *o = json_object_new_object(), *props = json_object_new_object();
        char *path = object_get_canonical_path(OBJECT(cpu));

        json_object_object_add(o, "thread-id", json_object_new_int(cpu->thread_id));
        json_object_object_add(props, "core-id", json_object_new_int(cpu->cpu_index));
        json_object_object_add(o, "props", props);
        json_object_object_add(o, "qom-path", json_object_new_string(path));
        json_object_object_add(o, "cpu-index", json_object_new_int(cpu->cpu_index));
        json_object_object_add(o, "target", json_object_new_string(target_name()));
        json_object_array_add(ret, o);
        free(path);
    }
    return ret;
}

static void hmp_print_cpus(Monitor *mon, json_object *ret)
{
    for (size_t i = 0; i < json_object_array_length(ret); i++) {
        json_object *o = json_object_array_get_idx(ret, i);
        int index = json_object_get_int(json_object_object_get(o, "cpu-index"));
        monitor_printf(mon, "%c CPU #%d: thread_id=%d\n", index == 0 ? '*' : ' ', index,
                       json_object_get_int(json_object_object_get(o, "thread-id")));
    }
}

static json_object *cmd_query_hotpluggable_cpus(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    /* QEMU's virt board has no CPU hotplug either, and answers the same. */
    error_setg(errp, "The feature 'query-hotpluggable-cpus' is not enabled");
    return NULL;
}

static void add_machine(ObjectClass *oc, void *opaque)
{
    MachineClass *mc = MACHINE_CLASS(oc);
    json_object *o = json_object_new_object();

    json_object_object_add(o, "hotpluggable-cpus", json_object_new_boolean(false));
    json_object_object_add(o, "name", json_object_new_string(mc->name));
    json_object_object_add(o, "numa-mem-supported", json_object_new_boolean(false));
    if (mc->default_cpu_type) {
        json_object_object_add(o, "default-cpu-type", json_object_new_string(mc->default_cpu_type));
    }
    if (mc->is_default) {
        json_object_object_add(o, "is-default", json_object_new_boolean(true));
    }
    json_object_object_add(o, "cpu-max", json_object_new_int(mc->max_cpus));
    json_object_object_add(o, "deprecated", json_object_new_boolean(false));
    json_object_array_add(opaque, o);
}

static json_object *cmd_query_machines(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_array();

    object_class_foreach(TYPE_MACHINE, false, add_machine, ret);
    return ret;
}

/* ---- chardev ---- */

static void add_chardev(const char *label, const char *filename, bool fe_open, void *opaque)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "frontend-open", json_object_new_boolean(fe_open));
    json_object_object_add(o, "filename", json_object_new_string(filename));
    json_object_object_add(o, "label", json_object_new_string(label));
    json_object_array_add(opaque, o);
}

static json_object *cmd_query_chardev(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_array();

    chardev_foreach(add_chardev, ret);
    return ret;
}

static void hmp_print_chardev(Monitor *mon, json_object *ret)
{
    for (size_t i = 0; i < json_object_array_length(ret); i++) {
        json_object *o = json_object_array_get_idx(ret, i);
        monitor_printf(mon, "%s: filename=%s\n",
                       json_object_get_string(json_object_object_get(o, "label")),
                       json_object_get_string(json_object_object_get(o, "filename")));
    }
}

/* ---- the table both protocols dispatch through ---- */

const MonitorCommand monitor_commands[] = {
    {.name = "qmp_capabilities", .args = "enable:a?", .fn = cmd_qmp_capabilities},
    {.name = "query-status",
     .hmp_name = "info status",
     .help = "show the VM status",
     .fn = cmd_query_status,
     .hmp_print = hmp_print_status},
    {.name = "query-version",
     .hmp_name = "info version",
     .help = "show the version",
     .fn = cmd_query_version,
     .hmp_print = hmp_print_version},
    {.name = "query-name",
     .hmp_name = "info name",
     .help = "show the VM name",
     .fn = cmd_query_name,
     .hmp_print = hmp_print_name},
    {.name = "query-commands", .fn = cmd_query_commands},
    {.name = "query-cpus-fast",
     .hmp_name = "info cpus",
     .help = "show infos for each CPU",
     .fn = cmd_query_cpus_fast,
     .hmp_print = hmp_print_cpus},
    {.name = "query-hotpluggable-cpus", .fn = cmd_query_hotpluggable_cpus},
    {.name = "query-machines", .fn = cmd_query_machines},
    {.name = "query-chardev",
     .hmp_name = "info chardev",
     .help = "show the character devices",
     .fn = cmd_query_chardev,
     .hmp_print = hmp_print_chardev},
    {.name = "query-kvm",
     .hmp_name = "info kvm",
     .help = "show KVM information",
     .fn = cmd_query_kvm,
     .hmp_print = hmp_print_kvm},
    {.name = "query-target", .fn = cmd_query_target},
    {.name = "stop", .hmp_name = "stop", .help = "stop emulation", .fn = cmd_stop},
    {.name = "cont", .hmp_name = "cont", .help = "resume emulation", .fn = cmd_cont},
    {.hmp_name = "c", .help = "resume emulation", .fn = cmd_cont},
    {.name = "system_reset",
     .hmp_name = "system_reset",
     .help = "reset the system",
     .fn = cmd_system_reset},
    {.name = "system_powerdown",
     .hmp_name = "system_powerdown",
     .help = "send system power down event",
     .fn = cmd_system_powerdown},
    {.name = "quit", .hmp_name = "quit", .help = "quit the emulator", .fn = cmd_quit},
    {.hmp_name = "q", .help = "quit the emulator", .fn = cmd_quit},
    {.name = "human-monitor-command",
     .args = "command-line:s,cpu-index:i?",
     .fn = cmd_human_monitor_command},
    {.name = "qom-list",
     .hmp_name = "qom-list",
     .args = "path:s",
     .params = "path",
     .help = "list QOM properties",
     .fn = cmd_qom_list,
     .hmp_print = hmp_print_qom_list},
    {.name = "qom-get",
     .hmp_name = "qom-get",
     .args = "path:s,property:s",
     .params = "path property",
     .help = "print QOM property",
     .fn = cmd_qom_get,
     .hmp_print = hmp_print_json},
    {.name = "qom-set",
     .hmp_name = "qom-set",
     .args = "path:s,property:s,value:a",
     .hmp_args = "path:s,property:s,value:S",
     .params = "path property value",
     .help = "set QOM property",
     .fn = cmd_qom_set},
    {.name = "device_add",
     .hmp_name = "device_add",
     .args = "driver:s,id:s?,*",
     .hmp_args = "driver:O",
     .params = "driver[,prop=value][,...]",
     .help = "add device (before the first cont of -S: virtio-mmio is probed at boot)",
     .fn = cmd_device_add},
    {.name = "device_del",
     .hmp_name = "device_del",
     .args = "id:s",
     .params = "device",
     .help = "remove device",
     .fn = cmd_device_del},
    {.name = "memsave",
     .hmp_name = "memsave",
     .args = "val:i,size:i,filename:s,cpu-index:i?",
     .hmp_args = "val:i,size:i,filename:s",
     .params = "addr size file",
     .help = "save to disk virtual memory dump starting at 'addr' of size 'size'",
     .fn = cmd_memsave,
     .quiesce = true},
    {.name = "pmemsave",
     .hmp_name = "pmemsave",
     .args = "val:i,size:i,filename:s",
     .params = "addr size file",
     .help = "save to disk physical memory dump starting at 'addr' of size 'size'",
     .fn = cmd_pmemsave,
     .quiesce = true},
    {.fn = NULL},
};
