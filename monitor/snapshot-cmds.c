/*
 * Snapshot commands: HMP savevm, loadvm, delvm and info snapshots (QEMU 7.2's
 * table), and QMP's job-based snapshot-save, snapshot-load, snapshot-delete
 * with query-jobs and job-dismiss.
 *
 * QEMU runs a snapshot job in a coroutine after the command has returned; we
 * run it in a bottom half, so the client sees what QEMU 7.2 sends: the
 * JOB_STATUS_CHANGE events "created" and "running", the empty return, then
 * "waiting", "pending", "concluded" on success or "aborting", "concluded"
 * with the error kept for query-jobs. The job then waits for job-dismiss
 * ("null"), as QEMU's snapshot jobs do. The work itself is synchronous in
 * that bottom half (the VM is stopped meanwhile), so current-progress jumps
 * from 0 to 1.
 */
#include <inttypes.h>
#include <time.h>

#include "block/block.h"
#include "migration/snapshot.h"
#include "monitor-internal.h"
#include "util/main-loop.h"

/* ---- HMP ---- */

static json_object *hmp_savevm(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *name = json_object_object_get(args, "name");

    save_snapshot(name ? json_object_get_string(name) : NULL, true, NULL, NULL, 0,
                  errp); /* a failure is in errp */
    return NULL;
}

static json_object *hmp_loadvm(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *name = json_object_get_string(json_object_object_get(args, "name"));

    load_snapshot(name, NULL, NULL, 0, errp); /* a failure is in errp */
    return NULL;
}

static json_object *hmp_delvm(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *name = json_object_get_string(json_object_object_get(args, "name"));

    delete_snapshot(name, NULL, 0, errp); /* a failure is in errp */
    return NULL;
}

/* QEMU's size_to_str: three significant digits and a binary unit ("575 KiB", "0 B"). */
static void format_size(char *buf, size_t len, uint64_t v)
{
    static const char *const units[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int i = 0;

    while (i < 6 && v >= (UINT64_C(1000) << (10 * i))) {
        i++;
    }
    snprintf(buf, len, "%0.3g %sB", (double)v / (double)(UINT64_C(1) << (10 * i)), units[i]);
}

static void print_snapshot(Monitor *mon, const BlockSnapshotInfo *sn)
{
    char size[32], date[32], clock[32];
    time_t t = sn->date_sec;
    struct tm tm;
    uint64_t ms = sn->vm_clock_nsec / 1000000;

    format_size(size, sizeof(size), sn->vm_state_size);
    localtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
    snprintf(clock, sizeof(clock), "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 ".%03" PRIu64,
             ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
    monitor_printf(mon, "%-9s %-17s %7s%20s%13s%11s\n", "--", sn->name, size, date, clock, "");
}

/* A snapshot is listed when every drive savevm covers has it (QEMU's "on all disks"). */
static bool on_all_drives(const char *name)
{
    for (BlockBackend *blk = NULL; (blk = blk_next(blk));) {
        if (blk_in_snapshots(blk) && !blk_has_snapshot(blk, name)) {
            return false;
        }
    }
    return true;
}

static json_object *hmp_info_snapshots(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    BlockBackend *vm = NULL;
    BlockSnapshotInfo *list;
    int n, shown = 0;

    for (BlockBackend *blk = NULL; !vm && (blk = blk_next(blk));) {
        if (blk_in_snapshots(blk)) {
            if (!blk_can_snapshot(blk)) {
                break;
            }
            vm = blk;
        }
    }
    if (!vm) {
        monitor_printf(ctx->mon, "no block device can store vmstate for snapshot\n");
        return NULL;
    }
    list = blk_snapshot_list(vm, &n);
    for (int i = 0; i < n; i++) {
        if (on_all_drives(list[i].name)) {
            if (!shown++) {
                monitor_printf(ctx->mon, "List of snapshots present on all disks:\n");
                monitor_printf(ctx->mon, "%-9s %-17s %7s%20s%13s%11s\n", "ID", "TAG", "VM SIZE",
                               "DATE", "VM CLOCK", "ICOUNT");
            }
            print_snapshot(ctx->mon, &list[i]);
        }
    }
    if (!shown) {
        monitor_printf(ctx->mon, "There is no snapshot available.\n");
    }
    blk_snapshot_list_free(list, n);
    return NULL;
}

/* ---- QMP jobs ---- */

typedef enum SnapshotJobType { JOB_SAVE, JOB_LOAD, JOB_DELETE } SnapshotJobType;

static const char *const job_type_names[] = {"snapshot-save", "snapshot-load", "snapshot-delete"};

typedef struct SnapshotJob {
    char *id;
    SnapshotJobType type;
    const char *status;
    char *tag, *vmstate;
    char **devices;
    int ndevices;
    char *error; /* NULL: succeeded (or not run yet) */
    BH *bh;
    struct SnapshotJob *next;
} SnapshotJob;

/* QEMU's job list is a process singleton too. */
static SnapshotJob *jobs;

static SnapshotJob *job_find(const char *id)
{
    for (SnapshotJob *j = jobs; j; j = j->next) {
        if (!strcmp(j->id, id)) {
            return j;
        }
    }
    return NULL;
}

static void job_set_status(SnapshotJob *j, const char *status)
{
    json_object *data = json_object_new_object();

    j->status = status;
    json_object_object_add(data, "status", json_object_new_string(status));
    json_object_object_add(data, "id", json_object_new_string(j->id));
    qmp_emit_event("JOB_STATUS_CHANGE", data);
}

static void job_run(void *opaque)
{
    SnapshotJob *j = opaque;
    const char *const *devs = (const char *const *)j->devices;
    Error *err = NULL;
    bool ok;

    if (j->type == JOB_SAVE) {
        ok = save_snapshot(j->tag, false, j->vmstate, devs, j->ndevices, &err);
    } else if (j->type == JOB_LOAD) {
        ok = load_snapshot(j->tag, j->vmstate, devs, j->ndevices, &err);
    } else {
        ok = delete_snapshot(j->tag, devs, j->ndevices, &err);
    }
    if (ok) {
        job_set_status(j, "waiting");
        job_set_status(j, "pending");
    } else {
        j->error = xstrdup(error_get_pretty(err));
        error_free(err);
        job_set_status(j, "aborting");
    }
    job_set_status(j, "concluded");
}

static void job_free(SnapshotJob *j)
{
    bh_delete(j->bh);
    for (int i = 0; i < j->ndevices; i++) {
        free(j->devices[i]);
    }
    free(j->devices);
    free(j->id);
    free(j->tag);
    free(j->vmstate);
    free(j->error);
    free(j);
}

static json_object *start_job(json_object *args, SnapshotJobType type, Error **errp)
{
    const char *id = json_object_get_string(json_object_object_get(args, "job-id"));
    json_object *vmstate = json_object_object_get(args, "vmstate");
    json_object *devices = json_object_object_get(args, "devices");
    SnapshotJob *j;

    if (!json_object_is_type(devices, json_type_array)) {
        error_setg(errp, "Invalid parameter type for 'devices', expected: array");
        return NULL;
    }
    if (job_find(id)) {
        error_setg(errp, "Job ID '%s' already in use", id);
        return NULL;
    }
    j = xzalloc(sizeof(*j));
    j->id = xstrdup(id);
    j->type = type;
    j->tag = xstrdup(json_object_get_string(json_object_object_get(args, "tag")));
    j->vmstate = vmstate ? xstrdup(json_object_get_string(vmstate)) : NULL;
    j->ndevices = json_object_array_length(devices);
    j->devices = xnew0(char *, j->ndevices + 1);
    for (int i = 0; i < j->ndevices; i++) {
        j->devices[i] = xstrdup(json_object_get_string(json_object_array_get_idx(devices, i)));
    }
    j->bh = bh_new(job_run, j);
    j->next = jobs;
    jobs = j;
    job_set_status(j, "created");
    job_set_status(j, "running");
    bh_schedule(j->bh);
    return json_object_new_object();
}

static json_object *cmd_snapshot_save(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return start_job(args, JOB_SAVE, errp);
}

static json_object *cmd_snapshot_load(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return start_job(args, JOB_LOAD, errp);
}

static json_object *cmd_snapshot_delete(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return start_job(args, JOB_DELETE, errp);
}

static json_object *cmd_query_jobs(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret = json_object_new_array();

    for (SnapshotJob *j = jobs; j; j = j->next) {
        json_object *o = json_object_new_object();
        bool done = !strcmp(j->status, "concluded");

        json_object_object_add(o, "current-progress", json_object_new_int(done));
        json_object_object_add(o, "status", json_object_new_string(j->status));
        json_object_object_add(o, "total-progress", json_object_new_int(1));
        json_object_object_add(o, "type", json_object_new_string(job_type_names[j->type]));
        json_object_object_add(o, "id", json_object_new_string(j->id));
        if (j->error) {
            json_object_object_add(o, "error", json_object_new_string(j->error));
        }
        json_object_array_add(ret, o);
    }
    return ret;
}

static json_object *cmd_job_dismiss(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *id = json_object_get_string(json_object_object_get(args, "id"));
    SnapshotJob **p = &jobs;

    while (*p && strcmp((*p)->id, id)) {
        p = &(*p)->next;
    }
    if (!*p) {
        error_setg(errp, "Job not found");
        return NULL;
    }
    if (strcmp((*p)->status, "concluded")) {
        error_setg(errp, "Job '%s' in state '%s' cannot accept command verb 'dismiss'", id,
                   (*p)->status);
        return NULL;
    }
    SnapshotJob *j = *p;
    *p = j->next;
    job_set_status(j, "null");
    job_free(j);
    return json_object_new_object();
}

const MonitorCommand snapshot_commands[] = {
    {.hmp_name = "savevm",
     .args = "name:s?",
     .params = "[tag]",
     .help = "save a VM snapshot. If no tag is provided, a new snapshot is created",
     .fn = hmp_savevm},
    {.hmp_name = "loadvm",
     .args = "name:s",
     .params = "tag",
     .help = "restore a VM snapshot from its tag",
     .fn = hmp_loadvm},
    {.hmp_name = "delvm",
     .args = "name:s",
     .params = "tag",
     .help = "delete a VM snapshot from its tag",
     .fn = hmp_delvm},
    {.hmp_name = "info snapshots",
     .help = "show the currently saved VM snapshots",
     .fn = hmp_info_snapshots},
    {.name = "snapshot-save",
     .args = "job-id:s,tag:s,vmstate:s,devices:a",
     .fn = cmd_snapshot_save},
    {.name = "snapshot-load",
     .args = "job-id:s,tag:s,vmstate:s,devices:a",
     .fn = cmd_snapshot_load},
    {.name = "snapshot-delete", .args = "job-id:s,tag:s,devices:a", .fn = cmd_snapshot_delete},
    {.name = "query-jobs", .fn = cmd_query_jobs},
    {.name = "job-dismiss", .args = "id:s", .fn = cmd_job_dismiss},
    {.fn = NULL},
};
