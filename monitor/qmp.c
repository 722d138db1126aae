/*
 * QMP, the control-mode protocol as QEMU 7.2 speaks it:
 *   greeting      {"QMP": {"version": {...}, "capabilities": ["oob"]}}
 *   negotiation   only qmp_capabilities is accepted until it succeeds
 *   requests      {"execute": NAME, "arguments": {...}, "id": ANY}
 *   replies       {"return": ..., "id": ...} or {"error": {"class", "desc"}, "id": ...}
 *   events        {"event": NAME, "data": {...}, "timestamp": {"seconds", "microseconds"}}
 * The input is a stream of JSON values, not lines: json-c's incremental
 * tokener takes bytes as they arrive, so a request may span reads and a read
 * may hold several requests. Malformed input is answered with a GenericError
 * and parsing resumes at the next line; an oversized request likewise.
 */
#include <sys/time.h>

#include "monitor-internal.h"
#include "system/runstate.h"
#include "system/system.h"

#define QMP_MAX_DEPTH 64

/* ---- output ---- */

/*
 * QEMU's layout, which scripts grep for: {"return": {}, "id": 1} compact, or with
 * -qmp-pretty one member per line indented by four. json-c escapes the strings.
 */
static void qmp_indent(Monitor *mon, bool pretty, int depth)
{
    for (int i = 0; pretty && i < depth; i++) {
        monitor_write(mon, "    ", 4);
    }
}

static void qmp_format(json_object *obj, bool pretty, int depth, Monitor *mon)
{
    const char *sep = pretty ? ",\n" : ", ";
    bool first = true;

    if (json_object_is_type(obj, json_type_object)) {
        monitor_write(mon, "{", 1);
        json_object_object_foreach(obj, key, val)
        {
            json_object *k = json_object_new_string(key);
            const char *ktext = json_object_to_json_string_ext(k, JSON_C_TO_STRING_NOSLASHESCAPE);
            if (!first || pretty) {
                monitor_write(mon, first ? "\n" : sep, first ? 1 : strlen(sep));
            }
            qmp_indent(mon, pretty, depth + 1);
            monitor_write(mon, ktext, strlen(ktext));
            monitor_write(mon, ": ", 2);
            json_object_put(k);
            qmp_format(val, pretty, depth + 1, mon);
            first = false;
        }
        if (pretty) {
            monitor_write(mon, "\n", 1);
            qmp_indent(mon, pretty, depth);
        }
        monitor_write(mon, "}", 1);
    } else if (json_object_is_type(obj, json_type_array)) {
        monitor_write(mon, "[", 1);
        for (size_t i = 0; i < json_object_array_length(obj); i++) {
            if (i || pretty) {
                monitor_write(mon, i ? sep : "\n", i ? strlen(sep) : 1);
            }
            qmp_indent(mon, pretty, depth + 1);
            qmp_format(json_object_array_get_idx(obj, i), pretty, depth + 1, mon);
        }
        if (pretty) {
            monitor_write(mon, "\n", 1);
            qmp_indent(mon, pretty, depth);
        }
        monitor_write(mon, "]", 1);
    } else {
        const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_NOSLASHESCAPE);
        monitor_write(mon, text, strlen(text));
    }
}

void qmp_send_json(Monitor *mon, json_object *obj)
{
    qmp_format(obj, mon->pretty, 0, mon);
    monitor_write(mon, "\r\n", 2);
}

static void qmp_send_error(Monitor *mon, QmpErrorClass cls, const char *desc, json_object *id)
{
    static const char *const names[] = {
        [QMP_ERROR_GENERIC] = "GenericError",
        [QMP_ERROR_COMMAND_NOT_FOUND] = "CommandNotFound",
        [QMP_ERROR_DEVICE_NOT_FOUND] = "DeviceNotFound",
    };
    json_object *reply = json_object_new_object();
    json_object *err = json_object_new_object();

    json_object_object_add(err, "class", json_object_new_string(names[cls]));
    json_object_object_add(err, "desc", json_object_new_string(desc));
    json_object_object_add(reply, "error", err);
    if (id) {
        json_object_object_add(reply, "id", json_object_get(id));
    }
    qmp_send_json(mon, reply);
    json_object_put(reply);
}

static void qmp_send_greeting(Monitor *mon)
{
    json_object *qemu = json_object_new_object();
    json_object *version = json_object_new_object();
    json_object *qmp = json_object_new_object();
    json_object *caps = json_object_new_array();
    json_object *greeting = json_object_new_object();
    int major = 0, minor = 0, micro = 0;

    sscanf(KESTREL_VERSION, "%d.%d.%d", &major, &minor, &micro);
    json_object_object_add(qemu, "micro", json_object_new_int(micro));
    json_object_object_add(qemu, "minor", json_object_new_int(minor));
    json_object_object_add(qemu, "major", json_object_new_int(major));
    json_object_object_add(version, "qemu", qemu);
    json_object_object_add(version, "package", json_object_new_string("Kestrel"));
    json_object_array_add(caps, json_object_new_string("oob"));
    json_object_object_add(qmp, "version", version);
    json_object_object_add(qmp, "capabilities", caps);
    json_object_object_add(greeting, "QMP", qmp);
    qmp_send_json(mon, greeting);
    json_object_put(greeting);
}

void qmp_emit_event(const char *name, json_object *data)
{
    json_object *ev = json_object_new_object();
    json_object *ts = json_object_new_object();
    struct timeval tv;

    gettimeofday(&tv, NULL);
    json_object_object_add(ts, "seconds", json_object_new_int64(tv.tv_sec));
    json_object_object_add(ts, "microseconds", json_object_new_int64(tv.tv_usec));
    json_object_object_add(ev, "timestamp", ts);
    json_object_object_add(ev, "event", json_object_new_string(name));
    if (data) {
        json_object_object_add(ev, "data", data);
    }
    for (Monitor *mon = monitor_list(); mon; mon = mon->next) {
        if (mon->qmp && mon->negotiated) {
            qmp_send_json(mon, ev);
        }
    }
    json_object_put(ev);
}

/* ---- requests ---- */

/* The request's shape, before the command sees it (QEMU's wording). */
static bool qmp_check_request(json_object *req, const char **name, json_object **args, Error **errp)
{
    json_object *exec;

    if (!json_object_is_type(req, json_type_object)) {
        error_setg(errp, "QMP input must be a JSON object");
        return false;
    }
    json_object_object_foreach(req, key, val)
    {
        if (!strcmp(key, "execute")) {
            if (!json_object_is_type(val, json_type_string)) {
                error_setg(errp, "QMP input member 'execute' must be a string");
                return false;
            }
        } else if (!strcmp(key, "arguments")) {
            if (!json_object_is_type(val, json_type_object)) {
                error_setg(errp, "QMP input member 'arguments' must be an object");
                return false;
            }
        } else if (strcmp(key, "id") != 0) {
            error_setg(errp, "QMP input member '%s' is unexpected", key);
            return false;
        }
    }
    if (!json_object_object_get_ex(req, "execute", &exec)) {
        error_setg(errp, "QMP input lacks member 'execute'");
        return false;
    }
    *name = json_object_get_string(exec);
    if (!json_object_object_get_ex(req, "arguments", args)) {
        *args = NULL;
    }
    return true;
}

static void qmp_dispatch(Monitor *mon, json_object *req)
{
    MonitorCmdCtx ctx = {.mon = mon, .err_class = QMP_ERROR_GENERIC};
    json_object *id = NULL, *args = NULL, *ret, *own_args = NULL, *reply;
    const MonitorCommand *cmd;
    const char *name = NULL;
    Error *err = NULL;

    if (json_object_is_type(req, json_type_object)) {
        json_object_object_get_ex(req, "id", &id);
    }
    if (!qmp_check_request(req, &name, &args, &err)) {
        goto fail;
    }
    cmd = monitor_find_qmp(name);
    if (!mon->negotiated && strcmp(name, "qmp_capabilities") != 0) {
        ctx.err_class = QMP_ERROR_COMMAND_NOT_FOUND;
        error_setg(&err, "Expecting capabilities negotiation with 'qmp_capabilities'");
        goto fail;
    }
    if (!cmd) {
        ctx.err_class = QMP_ERROR_COMMAND_NOT_FOUND;
        error_setg(&err, "The command %s has not been found", name);
        goto fail;
    }
    if (!args) {
        args = own_args = json_object_new_object();
    }
    if (!monitor_check_args(cmd->args, args, &err)) {
        goto fail;
    }
    ret = monitor_run(cmd, &ctx, args, &err);
    if (err) {
        goto fail;
    }
    /* Requests the command made (quit, system_reset) act, and send their events, first. */
    runstate_handle_requests();
    reply = json_object_new_object();
    json_object_object_add(reply, "return", ret ? ret : json_object_new_object());
    if (id) {
        json_object_object_add(reply, "id", json_object_get(id));
    }
    qmp_send_json(mon, reply);
    json_object_put(reply);
    json_object_put(own_args);
    return;
fail:
    qmp_send_error(mon, ctx.err_class, error_get_pretty(err), id);
    error_free(err);
    json_object_put(own_args);
}

/* ---- the input stream ---- */

/* Answer bad input; skip_rest drops what is left of the line (the value is unfinished). */
static void qmp_parse_error(Monitor *mon, const char *why, bool skip_rest)
{
    char desc[160];

    snprintf(desc, sizeof(desc), "JSON parse error, %s", why);
    qmp_send_error(mon, QMP_ERROR_GENERIC, desc, NULL);
    json_tokener_reset(mon->tok);
    mon->req_bytes = 0;
    mon->skip_line = skip_rest;
}

/* Skip leading whitespace between values (json-c would count it into the next one). */
static int qmp_skip_space(const uint8_t *buf, int size)
{
    int i = 0;

    while (i < size && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) {
        i++;
    }
    return i;
}

void qmp_receive(Monitor *mon, const uint8_t *buf, int size)
{
    while (size > 0) {
        json_object *obj;
        enum json_tokener_error jerr;
        int used;

        if (mon->skip_line) {
            const uint8_t *nl = memchr(buf, '\n', size);
            if (!nl) {
                return;
            }
            mon->skip_line = false;
            size -= nl + 1 - buf;
            buf = nl + 1;
            continue;
        }
        if (mon->req_bytes == 0) {
            int sp = qmp_skip_space(buf, size);
            buf += sp;
            size -= sp;
            if (!size) {
                return;
            }
        }
        obj = json_tokener_parse_ex(mon->tok, (const char *)buf, size);
        jerr = json_tokener_get_error(mon->tok);
        used = jerr == json_tokener_continue ? size : (int)json_tokener_get_parse_end(mon->tok);
        mon->req_bytes += used;
        buf += used;
        size -= used;
        if (mon->req_bytes > QMP_REQUEST_MAX) {
            json_object_put(obj);
            qmp_parse_error(mon, "request too large", jerr == json_tokener_continue);
            continue;
        }
        if (jerr == json_tokener_continue) {
            continue;
        }
        if (jerr != json_tokener_success) {
            qmp_parse_error(mon, json_tokener_error_desc(jerr), true);
            continue;
        }
        mon->req_bytes = 0;
        json_tokener_reset(mon->tok);
        qmp_dispatch(mon, obj);
        json_object_put(obj);
    }
}

void qmp_event(Monitor *mon, CharEvent event)
{
    if (event == CHR_EVENT_OPENED) {
        if (!mon->tok) {
            mon->tok = json_tokener_new_ex(QMP_MAX_DEPTH);
        }
        json_tokener_reset(mon->tok);
        mon->req_bytes = 0;
        mon->skip_line = false;
        mon->negotiated = false;
        qmp_send_greeting(mon);
    } else if (event == CHR_EVENT_CLOSED) {
        /* A client that left mid-request: the next one starts clean. */
        mon->negotiated = false;
        if (mon->tok) {
            json_tokener_reset(mon->tok);
        }
        mon->req_bytes = 0;
        mon->skip_line = false;
    }
}

/* ---- argument checking, shared with HMP ---- */

static const char *qmp_type_name(char t)
{
    switch (t) {
    case 's':
    case 'S':
        return "string";
    case 'i':
        return "integer";
    case 'b':
        return "boolean";
    default:
        return "value";
    }
}

static bool qmp_type_ok(char t, json_object *v)
{
    switch (t) {
    case 's':
    case 'S':
    case '/':
        return json_object_is_type(v, json_type_string);
    case 'i':
        return json_object_is_type(v, json_type_int);
    case 'b':
        return json_object_is_type(v, json_type_boolean);
    default:
        return true;
    }
}

/* Find "name:T" in schema; returns the type char or 0. */
static char schema_type_of(const char *schema, const char *name, bool *open_ended)
{
    const char *p = schema ? schema : "";
    size_t nlen = strlen(name);

    *open_ended = false;
    while (*p) {
        const char *colon = strchr(p, ':');
        size_t item_len = strcspn(p, ",");
        if (!strncmp(p, "*", item_len) && item_len == 1) {
            *open_ended = true;
        } else if (colon && colon < p + item_len && (size_t)(colon - p) == nlen &&
                   !strncmp(p, name, nlen)) {
            return colon[1];
        }
        p += item_len + (p[item_len] == ',');
    }
    return 0;
}

bool monitor_check_args(const char *schema, json_object *args, Error **errp)
{
    const char *p = schema ? schema : "";
    bool open_ended;

    json_object_object_foreach(args, key, val)
    {
        char t = schema_type_of(schema, key, &open_ended);
        if (!t && !open_ended) {
            error_setg(errp, "Parameter '%s' is unexpected", key);
            return false;
        }
        if (t && !qmp_type_ok(t, val)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: %s", key,
                       qmp_type_name(t));
            return false;
        }
    }
    /* Every mandatory item must be there. */
    while (*p) {
        size_t item_len = strcspn(p, ",");
        const char *colon = memchr(p, ':', item_len);
        if (colon && !(colon + 2 < p + item_len && colon[2] == '?')) {
            char *name = strndup(p, colon - p);
            bool have = json_object_object_get_ex(args, name, NULL);
            if (!have) {
                error_setg(errp, "Parameter '%s' is missing", name);
            }
            free(name);
            if (!have) {
                return false;
            }
        }
        p += item_len + (p[item_len] == ',');
    }
    return true;
}

/* ---- the events runstate and qdev send ---- */

void qmp_event_stop(void)
{
    qmp_emit_event("STOP", NULL);
}

void qmp_event_resume(void)
{
    qmp_emit_event("RESUME", NULL);
}

void qmp_event_powerdown(void)
{
    qmp_emit_event("POWERDOWN", NULL);
}

static json_object *guest_reason(bool guest, const char *reason)
{
    json_object *data = json_object_new_object();

    json_object_object_add(data, "guest", json_object_new_boolean(guest));
    json_object_object_add(data, "reason", json_object_new_string(reason));
    return data;
}

void qmp_event_shutdown(bool guest, const char *reason)
{
    qmp_emit_event("SHUTDOWN", guest_reason(guest, reason));
}

void qmp_event_reset(bool guest, const char *reason)
{
    qmp_emit_event("RESET", guest_reason(guest, reason));
}

void qmp_event_device_tray_moved(const char *device, const char *id, bool open)
{
    json_object *data = json_object_new_object();

    json_object_object_add(data, "device", json_object_new_string(device));
    json_object_object_add(data, "tray-open", json_object_new_boolean(open));
    json_object_object_add(data, "id", json_object_new_string(id));
    qmp_emit_event("DEVICE_TRAY_MOVED", data);
}

void qmp_event_device_deleted(const char *id, const char *path)
{
    json_object *data = json_object_new_object();

    if (id) {
        json_object_object_add(data, "device", json_object_new_string(id));
    }
    json_object_object_add(data, "path", json_object_new_string(path));
    qmp_emit_event("DEVICE_DELETED", data);
}
