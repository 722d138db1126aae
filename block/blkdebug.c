/*
 * blkdebug: I/O error injection, a compatible subset of QEMU's driver of the
 * same name (QEMU docs/devel/testing/blkdebug.rst), for testing what the
 * guest and Kestrel do when a disk fails.
 *
 *   -drive file=blkdebug:RULES.conf:IMAGE,format=raw,...
 *   -drive file=blkdebug::IMAGE            (no rules: a transparent pass-through)
 *
 * The rules file has QEMU's -readconfig .ini form, one rule per section:
 *
 *   [inject-error]           fail I/O with errno (default 5, EIO)
 *   event = "read_aio"       read_aio, write_aio, flush_to_os or flush_to_disk
 *   state = "2"              only in this state (default: any; the state starts at 1)
 *   errno = "5"
 *   sector = "2048"          only requests covering this 512-byte sector (default: all)
 *   once = "on"              remove the rule after its first injection
 *   immediately = "off"      accepted; our I/O is synchronous, so it changes nothing
 *   iotype = "read,write"    read, write, write-zeroes, discard, flush (default: all;
 *                            we write zeroes as writes, so write-zeroes never matches)
 *
 *   [set-state]              move to new_state when event happens (in state, if given)
 *   event = "write_aio"
 *   state = "1"
 *   new_state = "2"
 *
 * As in QEMU, an event activates the inject-error rules it names; the active
 * rules then fail every request they match until a later event activates
 * others (or once= removes them). Each read emits read_aio, each write
 * write_aio, each flush flush_to_os then flush_to_disk. "Fail the 3rd write"
 * is a chain of set-state rules on write_aio (1→2→3) and an error in state 3.
 */
#include <errno.h>
#include <inttypes.h>

#include "block/block_int.h"
#include "util/option.h"

#define BLKDEBUG_PREFIX "blkdebug:"
#define BLKDEBUG_MAX_RULES 64

typedef enum BlkdebugEvent {
    BLKDBG_READ_AIO,
    BLKDBG_WRITE_AIO,
    BLKDBG_FLUSH_TO_OS,
    BLKDBG_FLUSH_TO_DISK,
    BLKDBG_EVENT_COUNT,
} BlkdebugEvent;

static const char *const blkdebug_event_names[BLKDBG_EVENT_COUNT] = {
    "read_aio", "write_aio", "flush_to_os", "flush_to_disk"};

typedef enum BlkdebugIOType {
    BLKDBG_IO_READ,
    BLKDBG_IO_WRITE,
    BLKDBG_IO_WRITE_ZEROES,
    BLKDBG_IO_DISCARD,
    BLKDBG_IO_FLUSH,
    BLKDBG_IO_COUNT,
} BlkdebugIOType;

static const char *const blkdebug_iotype_names[BLKDBG_IO_COUNT] = {"read", "write", "write-zeroes",
                                                                   "discard", "flush"};

typedef struct BlkdebugRule {
    bool set_state; /* [set-state], else [inject-error] */
    BlkdebugEvent event;
    int state; /* 0: any state */
    int new_state;
    int error;      /* positive errno */
    int64_t sector; /* -1: any */
    bool once;
    unsigned iotypes; /* mask of 1 << BlkdebugIOType */
    bool active;
    bool removed;
} BlkdebugRule;

typedef struct BlkdebugState {
    const BlockDriver *file_drv; /* the image underneath: raw */
    void *file;
    BlkdebugRule rules[BLKDEBUG_MAX_RULES];
    int nrules;
    int state;
} BlkdebugState;

/* ---- the rules file ---- */

static bool blkdebug_lookup(const char *const *names, int n, const char *value, int *out)
{
    for (int i = 0; i < n; i++) {
        if (!strcmp(names[i], value)) {
            *out = i;
            return true;
        }
    }
    return false;
}

static bool blkdebug_parse_int(const char *value, int64_t min, int64_t max, int64_t *out)
{
    uint64_t v;

    if (!parse_uint(value, &v) || (int64_t)v < min || (int64_t)v > max) {
        return false;
    }
    *out = v;
    return true;
}

static bool blkdebug_parse_iotypes(const char *value, unsigned *mask)
{
    char *copy = xstrdup(value), *save = NULL;
    bool ok = true;

    *mask = 0;
    for (char *tok = strtok_r(copy, ",", &save); tok && ok; tok = strtok_r(NULL, ",", &save)) {
        int t;

        ok = blkdebug_lookup(blkdebug_iotype_names, BLKDBG_IO_COUNT, tok, &t);
        *mask |= ok ? 1u << t : 0;
    }
    free(copy);
    return ok && *mask;
}

/* key = value for one rule; false if the key or the value is bad. */
static bool blkdebug_rule_set(BlkdebugRule *r, const char *key, const char *value)
{
    int64_t n;
    int i;
    bool b;

    if (!strcmp(key, "event")) {
        if (!blkdebug_lookup(blkdebug_event_names, BLKDBG_EVENT_COUNT, value, &i)) {
            return false;
        }
        r->event = i;
    } else if (!strcmp(key, "state") && blkdebug_parse_int(value, 1, INT32_MAX, &n)) {
        r->state = n;
    } else if (r->set_state) {
        if (strcmp(key, "new_state") || !blkdebug_parse_int(value, 1, INT32_MAX, &n)) {
            return false;
        }
        r->new_state = n;
    } else if (!strcmp(key, "errno") && blkdebug_parse_int(value, 1, 4095, &n)) {
        r->error = n;
    } else if (!strcmp(key, "sector") && blkdebug_parse_int(value, 0, INT64_MAX, &n)) {
        r->sector = n;
    } else if ((!strcmp(key, "once") || !strcmp(key, "immediately")) && parse_bool(value, &b)) {
        r->once = !strcmp(key, "once") ? b : r->once;
    } else if (!strcmp(key, "iotype")) {
        return blkdebug_parse_iotypes(value, &r->iotypes);
    } else {
        return false;
    }
    return true;
}

/* Strip blanks around s and one pair of double quotes; returns s, modified in place. */
static char *blkdebug_strip(char *s)
{
    size_t len;

    while (*s == ' ' || *s == '\t') {
        s++;
    }
    len = strlen(s);
    while (len && strchr(" \t\r\n", s[len - 1])) {
        s[--len] = '\0';
    }
    if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
        s[len - 1] = '\0';
        s++;
    }
    return s;
}

static bool blkdebug_new_rule(BlkdebugState *s, const char *section, Error **errp)
{
    BlkdebugRule *r;

    if (strcmp(section, "inject-error") && strcmp(section, "set-state")) {
        error_setg(errp, "unknown section [%s] (inject-error or set-state)", section);
        return false;
    }
    if (s->nrules == BLKDEBUG_MAX_RULES) {
        error_setg(errp, "too many rules (at most %d)", BLKDEBUG_MAX_RULES);
        return false;
    }
    r = &s->rules[s->nrules++];
    *r = (BlkdebugRule){.set_state = !strcmp(section, "set-state"),
                        .event = BLKDBG_EVENT_COUNT,
                        .error = EIO,
                        .sector = -1,
                        .iotypes = (1u << BLKDBG_IO_COUNT) - 1};
    return true;
}

/* One line of the file: a [section], a key = value of the current rule, or a comment. */
static bool blkdebug_parse_line(BlkdebugState *s, char *line, Error **errp)
{
    char *text = blkdebug_strip(line), *eq;
    BlkdebugRule *r = s->nrules ? &s->rules[s->nrules - 1] : NULL;

    if (!*text || *text == '#') {
        return true;
    }
    if (*text == '[') {
        char *end = strchr(text, ']');

        if (!end) {
            error_setg(errp, "unterminated section header");
            return false;
        }
        *end = '\0';
        return blkdebug_new_rule(s, text + 1, errp);
    }
    eq = strchr(text, '=');
    if (!eq || !r) {
        error_setg(errp, "expected [section] or key = \"value\"");
        return false;
    }
    *eq = '\0';
    if (!blkdebug_rule_set(r, blkdebug_strip(text), blkdebug_strip(eq + 1))) {
        error_setg(errp, "invalid %s = \"%s\"", blkdebug_strip(text), blkdebug_strip(eq + 1));
        return false;
    }
    return true;
}

static bool blkdebug_read_rules(BlkdebugState *s, const char *path, Error **errp)
{
    FILE *f = fopen(path, "r");
    char line[512];
    int lineno = 0;

    if (!f) {
        error_setg_errno(errp, errno, "blkdebug: cannot open rules file '%s'", path);
        return false;
    }
    while (fgets(line, sizeof(line), f)) {
        lineno++;
        if (!blkdebug_parse_line(s, line, errp)) {
            error_prepend(errp, "blkdebug: %s:%d: ", path, lineno);
            fclose(f);
            return false;
        }
    }
    fclose(f);
    for (int i = 0; i < s->nrules; i++) {
        if (s->rules[i].event == BLKDBG_EVENT_COUNT ||
            (s->rules[i].set_state && !s->rules[i].new_state)) {
            error_setg(errp, "blkdebug: %s: rule %d lacks %s", path, i + 1,
                       s->rules[i].event == BLKDBG_EVENT_COUNT ? "event" : "new_state");
            return false;
        }
    }
    return true;
}

/* ---- injection ---- */

/* An event: set-state rules move the state (after all rules saw the old one), errors arm. */
static void blkdebug_event(BlkdebugState *s, BlkdebugEvent event)
{
    int new_state = s->state;
    bool armed = false;

    for (int i = 0; i < s->nrules; i++) {
        BlkdebugRule *r = &s->rules[i];

        if (r->removed || r->event != event || (r->state && r->state != s->state)) {
            continue;
        }
        if (r->set_state) {
            new_state = r->new_state;
            continue;
        }
        if (!armed) { /* the rules of this event replace those of earlier ones */
            for (int j = 0; j < s->nrules; j++) {
                s->rules[j].active = false;
            }
            armed = true;
        }
        r->active = true;
    }
    s->state = new_state;
}

/* The negative errno an active rule injects into this request, or 0. */
static int blkdebug_check(BlkdebugState *s, BlkdebugIOType type, uint64_t offset, uint64_t len)
{
    for (int i = 0; i < s->nrules; i++) {
        BlkdebugRule *r = &s->rules[i];
        uint64_t at = (uint64_t)r->sector << BDRV_SECTOR_BITS;

        if (!r->active || r->removed || !(r->iotypes & (1u << type))) {
            continue;
        }
        if (r->sector >= 0 && !(at >= offset && at < offset + len)) {
            continue;
        }
        if (r->once) {
            r->removed = true;
        }
        return -r->error;
    }
    return 0;
}

/* ---- the driver ---- */

static bool blkdebug_open(void *opaque, const char *filename, bool read_only, Error **errp)
{
    BlkdebugState *s = opaque;
    const char *spec = filename + strlen(BLKDEBUG_PREFIX);
    const char *colon = strchr(spec, ':');
    bool ok;

    s->state = 1;
    if (strncmp(filename, BLKDEBUG_PREFIX, strlen(BLKDEBUG_PREFIX)) || !colon || !colon[1]) {
        error_setg(errp, "'%s': expected blkdebug:[RULES-FILE]:IMAGE", filename);
        return false;
    }
    if (colon > spec) {
        char *rules = xasprintf("%.*s", (int)(colon - spec), spec);

        ok = blkdebug_read_rules(s, rules, errp);
        free(rules);
        if (!ok) {
            return false;
        }
    }
    s->file_drv = &bdrv_raw;
    s->file = xzalloc(s->file_drv->state_size);
    if (!s->file_drv->open(s->file, colon + 1, read_only, errp)) {
        free(s->file);
        s->file = NULL;
        return false;
    }
    return true;
}

static void blkdebug_close(void *opaque)
{
    BlkdebugState *s = opaque;

    if (s->file) {
        s->file_drv->close(s->file);
        free(s->file);
    }
}

static uint64_t blkdebug_getlength(void *opaque)
{
    BlkdebugState *s = opaque;

    return s->file_drv->getlength(s->file);
}

static int blkdebug_pread(void *opaque, uint64_t offset, void *buf, size_t len)
{
    BlkdebugState *s = opaque;
    int ret;

    blkdebug_event(s, BLKDBG_READ_AIO);
    ret = blkdebug_check(s, BLKDBG_IO_READ, offset, len);
    return ret ? ret : s->file_drv->pread(s->file, offset, buf, len);
}

static int blkdebug_pwrite(void *opaque, uint64_t offset, const void *buf, size_t len)
{
    BlkdebugState *s = opaque;
    int ret;

    blkdebug_event(s, BLKDBG_WRITE_AIO);
    ret = blkdebug_check(s, BLKDBG_IO_WRITE, offset, len);
    return ret ? ret : s->file_drv->pwrite(s->file, offset, buf, len);
}

static int blkdebug_flush(void *opaque)
{
    BlkdebugState *s = opaque;
    int ret;

    blkdebug_event(s, BLKDBG_FLUSH_TO_OS);
    blkdebug_event(s, BLKDBG_FLUSH_TO_DISK);
    ret = blkdebug_check(s, BLKDBG_IO_FLUSH, 0, 0); /* no sector: sector= rules never match */
    return ret ? ret : s->file_drv->flush(s->file);
}

static int blkdebug_discard(void *opaque, uint64_t offset, uint64_t len)
{
    BlkdebugState *s = opaque;
    int ret = blkdebug_check(s, BLKDBG_IO_DISCARD, offset, len);

    return ret ? ret : s->file_drv->discard(s->file, offset, len);
}

bool bdrv_is_blkdebug_filename(const char *filename)
{
    return !strncmp(filename, BLKDEBUG_PREFIX, strlen(BLKDEBUG_PREFIX));
}

const BlockDriver bdrv_blkdebug = {
    .format_name = "blkdebug",
    .state_size = sizeof(BlkdebugState),
    .open = blkdebug_open,
    .close = blkdebug_close,
    .getlength = blkdebug_getlength,
    .pread = blkdebug_pread,
    .pwrite = blkdebug_pwrite,
    .flush = blkdebug_flush,
    .discard = blkdebug_discard,
};
