/*
 * Monitor commands of the display and input layers (ui/): screendump,
 * sendkey/send-key, input-send-event, and the VNC server's info vnc,
 * query-vnc and change-vnc-password. Arguments, results and messages follow
 * QEMU 7.2.
 */
#include <ctype.h>

#include "monitor-internal.h"
#include "ui/input.h"
#include "ui/screendump.h"
#include "ui/vnc.h"

#define SENDKEY_DEFAULT_HOLD_MS 100
#define SENDKEY_MAX_KEYS 16

static const char *arg_str(json_object *args, const char *name)
{
    json_object *v = json_object_object_get(args, name);
    return v ? json_object_get_string(v) : NULL;
}

/* ---- screendump ---- */

static json_object *cmd_screendump(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *head = json_object_object_get(args, "head");
    bool not_found;

    if (!screendump(arg_str(args, "filename"), arg_str(args, "device"),
                    head ? json_object_get_int64(head) : 0, arg_str(args, "format"), &not_found,
                    errp) &&
        not_found) {
        ctx->err_class = QMP_ERROR_DEVICE_NOT_FOUND;
    }
    return NULL;
}

/* HMP: screendump filename [-f format] [device [head]] */
static json_object *hmp_screendump(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *line = arg_str(args, "args");
    json_object *qargs = json_object_new_object(), *ret;
    char *words[5] = {0};
    int n = 0, pos = 0;
    const char *p = line ? line : "";

    while (*p && n < 5) {
        size_t len;
        p += strspn(p, " \t");
        len = strcspn(p, " \t");
        if (len) {
            words[n++] = strndup(p, len);
        }
        p += len;
    }
    for (int i = 0; i < n; i++) {
        static const char *const names[] = {"filename", "device", "head"};
        if (!strcmp(words[i], "-f") && i + 1 < n) {
            json_object_object_add(qargs, "format", json_object_new_string(words[++i]));
        } else if (pos == 2) {
            json_object_object_add(qargs, "head", json_object_new_int64(atoll(words[i])));
            pos++;
        } else if (pos < 2) {
            json_object_object_add(qargs, names[pos++], json_object_new_string(words[i]));
        }
    }
    if (!json_object_object_get(qargs, "filename")) {
        error_setg(errp, "screendump: string expected");
        ret = NULL;
    } else {
        ret = cmd_screendump(ctx, qargs, errp);
    }
    json_object_put(qargs);
    for (int i = 0; i < n; i++) {
        free(words[i]);
    }
    return ret;
}

/* ---- keys ---- */

/* One QMP KeyValue ({"type": "qcode"|"number", "data": ...}) -> Linux code, or -1 + errp. */
static int key_value(json_object *kv, Error **errp)
{
    const char *type = arg_str(kv, "type");
    json_object *data = json_object_object_get(kv, "data");
    int code = -1;

    if (type && data && !strcmp(type, "number")) {
        code = input_key_from_qnum(json_object_get_int(data));
        /* QEMU passes unknown numbers on; we have no code for them: drop silently. */
        return code < 0 ? 0 : code;
    }
    if (type && data && !strcmp(type, "qcode")) {
        const char *name = json_object_get_string(data);
        code = input_key_from_qcode(name, strlen(name));
        if (code < 0) {
            error_setg(errp, "Parameter 'data' does not accept value '%s'", name);
        }
        return code;
    }
    error_setg(errp, "Invalid parameter type for 'keys', expected: KeyValue");
    return -1;
}

static json_object *cmd_send_key(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *keys = json_object_object_get(args, "keys");
    json_object *hold = json_object_object_get(args, "hold-time");
    int codes[SENDKEY_MAX_KEYS], n = 0;
    size_t len =
        keys && json_object_is_type(keys, json_type_array) ? json_object_array_length(keys) : 0;

    if (!len || len > SENDKEY_MAX_KEYS) {
        error_setg(errp, "Invalid parameter 'keys'");
        return NULL;
    }
    for (size_t i = 0; i < len; i++) {
        int code = key_value(json_object_array_get_idx(keys, i), errp);
        if (code < 0) {
            return NULL;
        }
        if (code > 0) {
            codes[n++] = code;
        }
    }
    input_send_keys_held(codes, n, hold ? json_object_get_int64(hold) : SENDKEY_DEFAULT_HOLD_MS);
    return NULL;
}

/* HMP: sendkey a-b-c [hold_ms]; a key is a QKeyCode name or a 0xNN number. */
static json_object *hmp_sendkey(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *keys = arg_str(args, "keys");
    json_object *hold = json_object_object_get(args, "hold-time");
    int codes[SENDKEY_MAX_KEYS], n = 0;

    for (const char *k = keys;; k++) {
        size_t len = strcspn(k, "-");
        char *end;
        int code = -1;

        if (len > 2 && k[0] == '0' && k[1] == 'x') {
            long num = strtol(k, &end, 16);
            code = (size_t)(end - k) == len ? MAX(input_key_from_qnum(num), 0) : -1;
        } else {
            code = input_key_from_qcode(k, len);
        }
        if (code < 0 || n == SENDKEY_MAX_KEYS) {
            monitor_printf(ctx->mon, "invalid parameter: %.*s\n", (int)len, k);
            return NULL;
        }
        if (code) {
            codes[n++] = code;
        }
        k += len;
        if (!*k) {
            break;
        }
    }
    input_send_keys_held(codes, n, hold ? json_object_get_int64(hold) : SENDKEY_DEFAULT_HOLD_MS);
    return NULL;
}

/* ---- input-send-event ---- */

static const char *const event_kinds[INPUT_EVENT_KIND_MAX] = {"key", "btn", "rel", "abs"};

/* One InputEvent of QMP into evt; false + errp if malformed. */
static bool parse_input_event(json_object *e, InputEvent *evt, Error **errp)
{
    const char *type = arg_str(e, "type");
    json_object *data = json_object_object_get(e, "data");
    json_object *down = data ? json_object_object_get(data, "down") : NULL;
    int kind = -1, v;

    for (int i = 0; type && i < INPUT_EVENT_KIND_MAX; i++) {
        kind = !strcmp(type, event_kinds[i]) ? i : kind;
    }
    if (kind < 0 || !data) {
        error_setg(errp, "Invalid parameter 'events'");
        return false;
    }
    evt->kind = kind;
    if (kind == INPUT_EVENT_KIND_KEY) {
        json_object *key = json_object_object_get(data, "key");
        v = key ? key_value(key, errp) : -1;
        evt->key.code = v;
        evt->key.down = down && json_object_get_boolean(down);
        return v >= 0;
    }
    if (kind == INPUT_EVENT_KIND_BTN) {
        const char *b = arg_str(data, "button");
        v = b ? input_button_from_name(b) : -1;
        if (v < 0) {
            error_setg(errp, "Parameter 'button' does not accept value '%s'", b ? b : "");
            return false;
        }
        evt->btn.button = v;
        evt->btn.down = down && json_object_get_boolean(down);
        return true;
    }
    v = arg_str(data, "axis") ? input_axis_from_name(arg_str(data, "axis")) : -1;
    if (v < 0 || !json_object_object_get(data, "value")) {
        error_setg(errp, "Invalid parameter 'axis'");
        return false;
    }
    evt->move.axis = v;
    evt->move.value = json_object_get_int64(json_object_object_get(data, "value"));
    return true;
}

static json_object *cmd_input_send_event(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *events = json_object_object_get(args, "events");
    size_t n = events && json_object_is_type(events, json_type_array)
                   ? json_object_array_length(events)
                   : 0;
    InputEvent *evts = xnew0(InputEvent, n + 1);

    /* As QEMU: check every event (and that something takes it) before sending any. */
    for (size_t i = 0; i < n; i++) {
        if (!parse_input_event(json_object_array_get_idx(events, i), &evts[i], errp)) {
            goto out;
        }
        if (!input_has_handler(evts[i].kind)) {
            error_setg(errp, "Input handler not found for event type %s",
                       event_kinds[evts[i].kind]);
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (evts[i].kind != INPUT_EVENT_KIND_KEY || evts[i].key.code > 0) {
            input_event_send(&evts[i]);
        }
    }
    input_event_sync();
out:
    free(evts);
    return NULL;
}

/* ---- VNC ---- */

static json_object *peer_json(const VncPeerInfo *p)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "host", json_object_new_string(p->host));
    json_object_object_add(o, "service", json_object_new_string(p->service));
    json_object_object_add(o, "family", json_object_new_string(p->family));
    return o;
}

static json_object *cmd_query_vnc(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    json_object *ret, *clients;
    VncInfo info;

    vnc_query_info(&info);
    if (!info.enabled) {
        ret = json_object_new_object();
        json_object_object_add(ret, "enabled", json_object_new_boolean(false));
        return ret;
    }
    ret = peer_json(&info.server);
    json_object_object_add(ret, "enabled", json_object_new_boolean(true));
    json_object_object_add(ret, "auth", json_object_new_string(info.auth));
    clients = json_object_new_array();
    for (int i = 0; i < info.nclients; i++) {
        json_object *c = peer_json(&info.clients[i]);
        json_object_object_add(c, "websocket", json_object_new_boolean(false));
        json_object_array_add(clients, c);
    }
    json_object_object_add(ret, "clients", clients);
    return ret;
}

/* QEMU 7.2's layout: the server, its auth, then each client. */
static json_object *hmp_info_vnc(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    VncInfo info;

    vnc_query_info(&info);
    if (!info.enabled) {
        monitor_printf(ctx->mon, "None\n");
        return NULL;
    }
    monitor_printf(ctx->mon, "default:\n  Server: %s:%s (%s)\n    Auth: %s (Sub: none)\n",
                   info.server.host, info.server.service, info.server.family, info.auth);
    for (int i = 0; i < info.nclients; i++) {
        monitor_printf(ctx->mon,
                       "  Client: %s:%s (%s)\n    x509_dname: none\n    sasl_username: none\n",
                       info.clients[i].host, info.clients[i].service, info.clients[i].family);
    }
    return NULL;
}

static json_object *cmd_change_vnc_password(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    vnc_set_password(arg_str(args, "password"), errp);
    return NULL;
}

/* HMP: change vnc password PASSWORD (block-cmds.c's change passes "vnc" here). */
json_object *hmp_change_vnc(MonitorCmdCtx *ctx, const char *target, const char *arg, Error **errp)
{
    if (target && !strcmp(target, "password") && arg) {
        if (!vnc_password_auth_enabled()) {
            monitor_printf(ctx->mon, "If you want use passwords please enable password auth "
                                     "using '-vnc ${dpy},password'.\n");
        }
        vnc_set_password(arg, errp);
        return NULL;
    }
    error_setg(errp, "change vnc: only 'change vnc password PASSWORD' is supported");
    return NULL;
}

const MonitorCommand ui_commands[] = {
    {.name = "screendump",
     .args = "filename:s,device:s?,head:i?,format:s?",
     .help = "save screen as an image (QMP)",
     .fn = cmd_screendump},
    {.hmp_name = "screendump",
     .args = "args:S?",
     .params = "filename [-f format] [device [head]]",
     .help = "save screen from head 'head' of display device 'device' in specified format "
             "'format' as image 'filename'. Currently only 'png' and 'ppm' formats are supported.",
     .fn = hmp_screendump},
    {.name = "send-key", .args = "keys:a,hold-time:i?", .fn = cmd_send_key},
    {.hmp_name = "sendkey",
     .args = "keys:s,hold-time:i?",
     .params = "keys [hold_ms]",
     .help = "send keys to the VM (e.g. 'sendkey ctrl-alt-f1', default hold time=100 ms)",
     .fn = hmp_sendkey},
    {.name = "input-send-event", .args = "events:a,device:s?,head:i?", .fn = cmd_input_send_event},
    {.name = "query-vnc", .fn = cmd_query_vnc},
    {.hmp_name = "info vnc", .help = "show the vnc server status", .fn = hmp_info_vnc},
    {.name = "change-vnc-password", .args = "password:s", .fn = cmd_change_vnc_password},
    {.fn = NULL},
};
