/*
 * What the monitor files share: the Monitor object, the command table that
 * HMP and QMP both dispatch through, and the QMP error classes.
 *
 * A command is one handler over the QOM/runstate API. It takes its arguments
 * as a JSON object (QMP passes the request's "arguments"; HMP builds the
 * object from the words of the line using the same schema) and returns a
 * JSON result (QMP's "return") or fails with an Error and an error class.
 * HMP prints the result with the command's hmp_print; commands that exist
 * only in HMP (info registers, x, ...) print directly with monitor_printf and
 * return NULL.
 */
#ifndef MONITOR_INTERNAL_H
#define MONITOR_INTERNAL_H

#include <json-c/json.h>

#include "monitor/monitor.h"

#define HMP_LINE_MAX 1024
#define HMP_HISTORY_MAX 32
/* A QMP request larger than this is refused (QEMU parses up to 64 MiB; nobody sends 1). */
#define QMP_REQUEST_MAX (1 << 20)
/* Output a client has not taken yet; beyond this a slow reader loses its oldest events. */
#define MONITOR_OUT_MAX (1 << 20)

typedef enum QmpErrorClass {
    QMP_ERROR_GENERIC,
    QMP_ERROR_COMMAND_NOT_FOUND,
    QMP_ERROR_DEVICE_NOT_FOUND,
} QmpErrorClass;

/* The line editor of readline mode. */
typedef struct HmpReadline {
    char line[HMP_LINE_MAX];
    int len, pos;
    int esc_state; /* 0, 1 after ESC, 2 after ESC [ */
    char *history[HMP_HISTORY_MAX];
    int nhistory, hist_pos;
    bool last_was_cr;
} HmpReadline;

struct Monitor {
    CharBackend be;
    bool qmp, pretty;
    bool connected;
    /* output not yet taken by the chardev */
    char *out;
    size_t out_len, out_cap;
    /* HMP */
    HmpReadline rl;
    bool banner_done;
    char *capture; /* human-monitor-command: output collected here instead */
    size_t capture_len;
    /* QMP */
    json_tokener *tok;
    size_t req_bytes;  /* bytes of the request being parsed */
    bool skip_line;    /* after a parse error: drop input up to the next newline */
    bool negotiated;   /* qmp_capabilities done: commands and events flow */
    Monitor *next;
};

/* Per-call context: who asked, and the error class of a failure. */
typedef struct MonitorCmdCtx {
    Monitor *mon; /* HMP output goes here (a capture monitor for human-monitor-command) */
    QmpErrorClass err_class;
} MonitorCmdCtx;

typedef json_object *MonitorCmdFunc(MonitorCmdCtx *ctx, json_object *args, Error **errp);
typedef void HmpPrintFunc(Monitor *mon, json_object *ret);

/*
 * One command. args is the schema shared by both protocols: "name:T" items separated by
 * commas, T one of s (string), i (integer), b (bool), a (any value); "?" after T marks it
 * optional; a final "*" accepts further keys (device_add's properties). In HMP the
 * arguments are the words of the line in schema order; an S (rest of line) or / (QEMU's
 * /fmt) type is HMP-only.
 */
typedef struct MonitorCommand {
    const char *name;     /* QMP name ("query-status"), NULL for HMP-only */
    const char *hmp_name; /* HMP name ("info status"), NULL for QMP-only */
    const char *args;
    const char *hmp_args; /* HMP's own schema if it differs from args (NULL = same) */
    const char *params;   /* for help: "[-f]", "addr size file" */
    const char *help;
    MonitorCmdFunc *fn;
    HmpPrintFunc *hmp_print; /* NULL: HMP prints nothing on success */
    bool quiesce;            /* vCPUs outside guest code (a block boundary) while it runs */
} MonitorCommand;

/* The table (monitor/commands.c + hmp-cmds.c), terminated by an entry with fn == NULL. */
extern const MonitorCommand monitor_commands[];
extern const MonitorCommand hmp_commands[];
extern const MonitorCommand hmp_machine_commands[]; /* hmp-machine.c */
extern const MonitorCommand snapshot_commands[];    /* snapshot-cmds.c */
extern const MonitorCommand ui_commands[];          /* ui-cmds.c: display and input */
extern const MonitorCommand block_commands[];       /* block-cmds.c: query-block, media */
/* HMP "change vnc password PASSWORD" (ui-cmds.c), reached through HMP's change. */
json_object *hmp_change_vnc(MonitorCmdCtx *ctx, const char *target, const char *arg,
                            Error **errp);
/* Every table, NULL-terminated, in lookup order (help and query-commands list them all). */
extern const MonitorCommand *const monitor_tables[];
const MonitorCommand *monitor_find_qmp(const char *name);
const MonitorCommand *monitor_find_hmp(const char *name);
/* Check args against cmd->args (QEMU's messages); false + errp. */
bool monitor_check_args(const char *schema, json_object *args, Error **errp);
/* Run a command with its quiesce rule; returns the result (NULL for none) or sets errp. */
json_object *monitor_run(const MonitorCommand *cmd, MonitorCmdCtx *ctx, json_object *args,
                         Error **errp);
/* Run one HMP line on mon. */
void hmp_handle_line(Monitor *mon, const char *line);

/* Output (buffered; monitor.c) */
void monitor_write(Monitor *mon, const char *buf, size_t len);
Monitor *monitor_list(void);

/* Protocol handlers (hmp.c, qmp.c) */
void hmp_receive(Monitor *mon, const uint8_t *buf, int size);
void hmp_event(Monitor *mon, CharEvent event);
void qmp_receive(Monitor *mon, const uint8_t *buf, int size);
void qmp_event(Monitor *mon, CharEvent event);
void qmp_send_json(Monitor *mon, json_object *obj);
/* Emit an event to every negotiated QMP monitor (takes ownership of data, may be NULL). */
void qmp_emit_event(const char *name, json_object *data);
/* A capture monitor for human-monitor-command; monitor_capture_end frees it. */
Monitor *monitor_capture_begin(void);
char *monitor_capture_end(Monitor *mon);

/* Handlers and printers the table names (qom-cmds.c, hmp-cmds.c). */
MonitorCmdFunc cmd_qom_list, cmd_qom_get, cmd_qom_set, cmd_device_add, cmd_device_del;
MonitorCmdFunc cmd_memsave, cmd_pmemsave, cmd_human_monitor_command;
HmpPrintFunc hmp_print_qom_list, hmp_print_json;
/* An HMP expression (numbers, $pc, + - * / & | and parentheses); advances *pp. */
bool hmp_expr(const char **pp, int64_t *out, Error **errp);

/* Guest memory for x/xp/memsave/pmemsave: only RAM and ROM, never MMIO. */
bool monitor_read_phys(uint64_t addr, void *buf, uint64_t len, Error **errp);
bool monitor_read_virt(int cpu_index, uint64_t addr, void *buf, uint64_t len, Error **errp);

#endif
