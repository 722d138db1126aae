/*
 * HMP, the readline-mode monitor: a "(qemu) " prompt, line editing with
 * history (left/right, Home/End, Backspace, Delete, up/down, Ctrl-U), and
 * the parsing of a command line into the JSON arguments the shared command
 * table takes (monitor-internal.h). Argument words follow the command's
 * schema: s a word or a "quoted string", S the rest of the line, i an
 * expression, O key=value options (device_add), / QEMU's /fmt suffix, -X a flag ("force:-f":
 * true when the word is -f); B (block device) and F (file name) are words like s.
 */
#include <ctype.h>

#include "monitor-internal.h"
#include "system/system.h"
#include "util/option.h"

#define HMP_PROMPT "(qemu) "

/* ---- argument parsing ---- */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t') {
        p++;
    }
    return p;
}

/* A word or a quoted string; NULL at the end of the line. */
static char *hmp_word(const char **pp)
{
    const char *p = skip_ws(*pp), *start;
    char *w;

    if (!*p) {
        return NULL;
    }
    if (*p == '"') {
        start = ++p;
        while (*p && *p != '"') {
            p++;
        }
        w = strndup(start, p - start);
        *pp = *p ? p + 1 : p;
        return w;
    }
    start = p;
    while (*p && *p != ' ' && *p != '\t') {
        p++;
    }
    *pp = p;
    return strndup(start, p - start);
}

/* S: the rest of the line as one string; O: the rest as key=value options (device_add). */
static void hmp_parse_rest(const char *name, char type, const char *p, json_object *args,
                           Error **errp)
{
    KeyValueList kv;

    if (type == 'S') {
        json_object_object_add(args, name, json_object_new_string(p));
        return;
    }
    if (!keyval_parse(p, name, &kv, errp)) {
        return;
    }
    for (int i = 0; i < kv.count; i++) {
        json_object_object_add(args, kv.items[i].key, json_object_new_string(kv.items[i].value));
    }
    keyval_free(&kv);
}

/* s: a word or "quoted string"; b: on/off. */
static bool hmp_parse_word(const char *cmdname, const char *name, char type, char *word,
                           json_object *args, Error **errp)
{
    bool b;

    if (type != 'b') {
        json_object_object_add(args, name, json_object_new_string(word));
    } else if (parse_bool(word, &b)) {
        json_object_object_add(args, name, json_object_new_boolean(b));
    } else {
        error_setg(errp, "%s: 'on' or 'off' expected", cmdname);
        return false;
    }
    return true;
}

/* QEMU's word for a missing argument of the type. */
static const char *missing_what(char type)
{
    switch (type) {
    case 'B':
        return "block device name expected";
    case 'F':
        return "filename expected";
    default:
        return "string expected";
    }
}

/* One schema item from the line at *pp (advanced past it). */
static bool hmp_parse_arg(const char *cmdname, const char *name, char type, bool optional,
                          const char **pp, json_object *args, Error **errp)
{
    const char *p = skip_ws(*pp);
    Error *err = NULL;
    char *word;
    int64_t val;
    bool ok;

    if (type == '/') {
        if (*p == '/') {
            word = hmp_word(&p);
            json_object_object_add(args, name, json_object_new_string(word + 1));
            free(word);
        }
        *pp = p;
        return true;
    }
    if (!*p) {
        if (!optional) {
            if (type == 'i') {
                error_setg(errp, "unexpected end of expression");
            } else {
                error_setg(errp, "%s: %s", cmdname, missing_what(type));
            }
        }
        return optional;
    }
    if (type == 'S' || type == 'O') {
        hmp_parse_rest(name, type, p, args, &err);
        *pp = p + strlen(p);
        error_propagate(errp, err);
        return !err;
    }
    if (type == 'i') {
        if (!hmp_expr(&p, &val, errp)) {
            return false;
        }
        json_object_object_add(args, name, json_object_new_int64(val));
        *pp = p;
        return true;
    }
    word = hmp_word(&p);
    ok = hmp_parse_word(cmdname, name, type, word, args, errp);
    free(word);
    *pp = p;
    return ok;
}

/* The words after the command name, by schema, into a JSON object. */
static json_object *hmp_parse_args(const MonitorCommand *cmd, const char *p, Error **errp)
{
    const char *schema = cmd->hmp_args ? cmd->hmp_args : cmd->args;
    json_object *args = json_object_new_object();
    const char *s = schema ? schema : "";

    while (*s) {
        size_t item_len = strcspn(s, ",");
        const char *colon = memchr(s, ':', item_len);
        if (colon && colon[1] == '-') { /* "force:-f": true if the next word is -f */
            const char *w = skip_ws(p);
            bool set = w[0] == '-' && w[1] == colon[2] && (!w[2] || w[2] == ' ' || w[2] == '\t');
            char *name = strndup(s, colon - s);
            json_object_object_add(args, name, json_object_new_boolean(set));
            free(name);
            p = set ? w + 2 : p;
        } else if (colon) {
            char *name = strndup(s, colon - s);
            bool optional = colon + 2 < s + item_len && colon[2] == '?';
            bool ok = hmp_parse_arg(cmd->hmp_name, name, colon[1], optional, &p, args, errp);
            free(name);
            if (!ok) {
                json_object_put(args);
                return NULL;
            }
        }
        s += item_len + (s[item_len] == ',');
    }
    if (*skip_ws(p)) {
        error_setg(errp, "%s: extraneous characters at the end of line", cmd->hmp_name);
        json_object_put(args);
        return NULL;
    }
    return args;
}

/* The command name ends at a space or at the '/' of x/4x. */
static char *hmp_cmd_word(const char **pp)
{
    const char *p = skip_ws(*pp), *start = p;

    while (*p && *p != ' ' && *p != '\t' && *p != '/') {
        p++;
    }
    *pp = p;
    return p > start ? strndup(start, p - start) : NULL;
}

/* "info X" is one command name; so is any other first word. */
static const MonitorCommand *hmp_lookup(const char **pp, char **shown)
{
    char *first = hmp_cmd_word(pp), *name;
    const MonitorCommand *cmd;

    if (!first) {
        *shown = NULL;
        return NULL;
    }
    if (!strcmp(first, "info")) {
        char *sub = hmp_word(pp);
        name = xasprintf("info %s", sub ? sub : "");
        free(sub);
        free(first);
    } else {
        name = first;
    }
    cmd = monitor_find_hmp(name);
    *shown = name;
    return cmd;
}

void hmp_handle_line(Monitor *mon, const char *line)
{
    MonitorCmdCtx ctx = {.mon = mon};
    const char *p = line;
    char *name;
    const MonitorCommand *cmd = hmp_lookup(&p, &name);
    json_object *args, *ret;
    Error *err = NULL;

    if (!name) {
        return; /* an empty line */
    }
    if (!cmd && !strcmp(name, "info ")) {
        cmd = monitor_find_hmp("help");
        p = "info"; /* a bare "info" lists the info commands, as QEMU */
    }
    if (!cmd) {
        monitor_printf(mon, "unknown command: '%s'\n", name);
        free(name);
        return;
    }
    args = hmp_parse_args(cmd, p, &err);
    if (args) {
        ret = monitor_run(cmd, &ctx, args, &err);
        if (!err && ret && cmd->hmp_print) {
            cmd->hmp_print(mon, ret);
        }
        json_object_put(ret);
        json_object_put(args);
    } else if (err) {
        monitor_printf(mon, "%s\nTry \"help %s\" for more information\n", error_get_pretty(err),
                       name);
        error_free(err);
        err = NULL;
    }
    if (err) {
        monitor_printf(mon, "Error: %s\n", error_get_pretty(err));
        error_free(err);
    }
    free(name);
}

/* ---- readline ---- */

static void rl_redraw_tail(Monitor *mon)
{
    HmpReadline *rl = &mon->rl;

    /* Rewrite from the cursor to the end, clear what is left, move the cursor back. */
    monitor_write(mon, rl->line + rl->pos, rl->len - rl->pos);
    monitor_write(mon, "\033[K", 3);
    for (int i = rl->pos; i < rl->len; i++) {
        monitor_write(mon, "\033[D", 3);
    }
}

static void rl_set_line(Monitor *mon, const char *text)
{
    HmpReadline *rl = &mon->rl;

    while (rl->pos > 0) {
        monitor_write(mon, "\033[D", 3);
        rl->pos--;
    }
    rl->len = (int)MIN(strlen(text), sizeof(rl->line) - 1);
    memcpy(rl->line, text, rl->len);
    rl->pos = 0;
    rl_redraw_tail(mon);
    while (rl->pos < rl->len) {
        monitor_write(mon, "\033[C", 3);
        rl->pos++;
    }
}

static void rl_history_add(HmpReadline *rl, const char *line)
{
    if (!*line || (rl->nhistory && !strcmp(rl->history[rl->nhistory - 1], line))) {
        return;
    }
    if (rl->nhistory == HMP_HISTORY_MAX) {
        free(rl->history[0]);
        memmove(rl->history, rl->history + 1, (HMP_HISTORY_MAX - 1) * sizeof(char *));
        rl->nhistory--;
    }
    rl->history[rl->nhistory++] = xstrdup(line);
}

static void rl_history_move(Monitor *mon, int dir)
{
    HmpReadline *rl = &mon->rl;
    int pos = rl->hist_pos + dir;

    if (pos < 0 || pos > rl->nhistory) {
        return;
    }
    rl->hist_pos = pos;
    rl_set_line(mon, pos == rl->nhistory ? "" : rl->history[pos]);
}

static void rl_insert(Monitor *mon, char ch)
{
    HmpReadline *rl = &mon->rl;

    if (rl->len >= (int)sizeof(rl->line) - 1) {
        return;
    }
    memmove(rl->line + rl->pos + 1, rl->line + rl->pos, rl->len - rl->pos);
    rl->line[rl->pos] = ch;
    rl->len++;
    monitor_write(mon, &ch, 1);
    rl->pos++;
    if (rl->pos < rl->len) {
        rl_redraw_tail(mon);
    }
}

static void rl_delete(Monitor *mon, bool before_cursor)
{
    HmpReadline *rl = &mon->rl;

    if (before_cursor) {
        if (rl->pos == 0) {
            return;
        }
        rl->pos--;
        monitor_write(mon, "\033[D", 3);
    }
    if (rl->pos == rl->len) {
        return;
    }
    memmove(rl->line + rl->pos, rl->line + rl->pos + 1, rl->len - rl->pos - 1);
    rl->len--;
    rl_redraw_tail(mon);
}

static void rl_enter(Monitor *mon)
{
    HmpReadline *rl = &mon->rl;

    rl->line[rl->len] = '\0';
    monitor_write(mon, "\r\n", 2);
    rl_history_add(rl, rl->line);
    rl->hist_pos = rl->nhistory;
    rl->len = rl->pos = 0;
    hmp_handle_line(mon, rl->line);
    monitor_printf(mon, HMP_PROMPT);
}

/* After ESC [ : arrows, Home/End, Delete (ESC [ 3 ~). */
static void rl_escape(Monitor *mon, char ch)
{
    HmpReadline *rl = &mon->rl;

    rl->esc_state = 0;
    switch (ch) {
    case 'A':
        rl_history_move(mon, -1);
        break;
    case 'B':
        rl_history_move(mon, 1);
        break;
    case 'C':
        if (rl->pos < rl->len) {
            monitor_write(mon, "\033[C", 3);
            rl->pos++;
        }
        break;
    case 'D':
        if (rl->pos > 0) {
            monitor_write(mon, "\033[D", 3);
            rl->pos--;
        }
        break;
    case 'H':
        rl_history_move(mon, 0);
        while (rl->pos > 0) {
            monitor_write(mon, "\033[D", 3);
            rl->pos--;
        }
        break;
    case 'F':
        while (rl->pos < rl->len) {
            monitor_write(mon, "\033[C", 3);
            rl->pos++;
        }
        break;
    case '3':
        rl->esc_state = 3; /* wait for the '~' */
        break;
    }
}

static void rl_key(Monitor *mon, uint8_t ch)
{
    HmpReadline *rl = &mon->rl;
    bool was_cr = rl->last_was_cr;

    rl->last_was_cr = ch == '\r';
    if (rl->esc_state == 1) {
        rl->esc_state = ch == '[' || ch == 'O' ? 2 : 0;
        return;
    }
    if (rl->esc_state == 2) {
        rl_escape(mon, ch);
        return;
    }
    if (rl->esc_state == 3) {
        rl->esc_state = 0;
        if (ch == '~') {
            rl_delete(mon, false);
        }
        return;
    }
    switch (ch) {
    case '\r':
        rl_enter(mon);
        break;
    case '\n':
        if (!was_cr) {
            rl_enter(mon); /* a pipe or socket sends bare \n; \r\n is one Enter */
        }
        break;
    case 0x1b:
        rl->esc_state = 1;
        break;
    case 0x7f:
    case 0x08:
        rl_delete(mon, true);
        break;
    case 0x15: /* Ctrl-U: kill the line */
        rl_set_line(mon, "");
        break;
    default:
        if (ch >= 0x20 && ch < 0x7f) {
            rl_insert(mon, (char)ch);
        }
        break;
    }
}

void hmp_receive(Monitor *mon, const uint8_t *buf, int size)
{
    for (int i = 0; i < size; i++) {
        rl_key(mon, buf[i]);
    }
}

static void hmp_banner(Monitor *mon)
{
    monitor_printf(mon, "Kestrel %s monitor - type 'help' for more information\n", KESTREL_VERSION);
}

void hmp_event(Monitor *mon, CharEvent event)
{
    switch (event) {
    case CHR_EVENT_OPENED:
        mon->rl.len = mon->rl.pos = 0;
        /* On a mux the monitor shows itself when Ctrl-A c gives it the focus. */
        if (!char_fe_is_muxed(&mon->be)) {
            hmp_banner(mon);
            monitor_printf(mon, HMP_PROMPT);
            mon->banner_done = true;
        }
        break;
    case CHR_EVENT_MUX_IN:
        if (!mon->banner_done) {
            hmp_banner(mon);
            mon->banner_done = true;
        }
        monitor_printf(mon, HMP_PROMPT);
        break;
    default:
        break;
    }
}
