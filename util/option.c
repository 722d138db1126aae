/*
 * Parsing of QEMU-style option strings ("virt,aclint=on") and of sizes and
 * numbers given on the command line. See include/util/option.h.
 */
#include "util/option.h"

#include <ctype.h>
#include <errno.h>

/* Copy one element of str (up to an unescaped ',') into a new string; ",," is a ','. */
static char *next_element(const char **cursor)
{
    const char *p = *cursor;
    char *out = xmalloc(strlen(p) + 1);
    size_t n = 0;

    while (*p) {
        if (*p == ',') {
            if (p[1] != ',') {
                break;
            }
            p++; /* ",," stands for a literal comma */
        }
        out[n++] = *p++;
    }
    out[n] = '\0';
    *cursor = *p ? p + 1 : p;
    return out;
}

void keyval_add(KeyValueList *kv, char *key, char *value)
{
    kv->items = xrealloc(kv->items, sizeof(KeyValue) * (kv->count + 1));
    kv->items[kv->count].key = key;
    kv->items[kv->count].value = value;
    kv->count++;
}

static bool keyval_split(const char *str, const char *implied_key, bool repeatable,
                         KeyValueList *out, Error **errp)
{
    const char *cursor = str;
    bool first = true;

    out->items = NULL;
    out->count = 0;
    if (!*str) {
        return true;
    }
    while (*cursor || first) {
        char *elem = next_element(&cursor);
        char *eq = strchr(elem, '=');
        char *key, *value;

        if (eq) {
            *eq = '\0';
            key = xstrdup(elem);
            value = xstrdup(eq + 1);
            free(elem);
        } else if (first && implied_key) {
            key = xstrdup(implied_key);
            value = elem;
        } else {
            error_setg(errp, "'%s' is not of the form key=value", elem);
            free(elem);
            keyval_free(out);
            return false;
        }
        if (!*key || (!repeatable && keyval_get(out, key))) {
            error_setg(errp, *key ? "parameter '%s' given twice" : "empty parameter name%s", key);
            free(key);
            free(value);
            keyval_free(out);
            return false;
        }
        keyval_add(out, key, value);
        first = false;
    }
    return true;
}

bool keyval_parse(const char *str, const char *implied_key, KeyValueList *out, Error **errp)
{
    return keyval_split(str, implied_key, false, out, errp);
}

bool keyval_parse_repeatable(const char *str, const char *implied_key, KeyValueList *out,
                             Error **errp)
{
    return keyval_split(str, implied_key, true, out, errp);
}

const char *keyval_get(const KeyValueList *kv, const char *key)
{
    for (int i = 0; i < kv->count; i++) {
        if (!strcmp(kv->items[i].key, key)) {
            return kv->items[i].value;
        }
    }
    return NULL;
}

void keyval_free(KeyValueList *kv)
{
    for (int i = 0; i < kv->count; i++) {
        free(kv->items[i].key);
        free(kv->items[i].value);
    }
    free(kv->items);
    kv->items = NULL;
    kv->count = 0;
}

bool parse_uint(const char *str, uint64_t *out)
{
    char *end;

    if (!str || !isdigit((unsigned char)*str)) {
        return false;
    }
    errno = 0;
    *out = strtoull(str, &end, 0);
    return errno == 0 && *end == '\0';
}

static int size_suffix_shift(char c)
{
    switch (tolower((unsigned char)c)) {
    case 'b':
        return 0;
    case 'k':
        return 10;
    case 'm':
        return 20;
    case 'g':
        return 30;
    case 't':
        return 40;
    default:
        return -1;
    }
}

/* ".9" of "1.9G": the fraction's digits as numerator / 10^digits; false on garbage. */
static bool parse_size_fraction(const char **p, uint64_t *num, uint64_t *den)
{
    *num = 0;
    *den = 1;
    if (**p != '.') {
        return true;
    }
    (*p)++;
    if (!isdigit((unsigned char)**p)) {
        return false;
    }
    for (; isdigit((unsigned char)**p); (*p)++) {
        if (*den < 1000000000000ULL) { /* digits past 10^-12 cannot change a byte count */
            *num = *num * 10 + (**p - '0');
            *den *= 10;
        }
    }
    return true;
}

bool parse_size(const char *str, uint64_t default_unit, uint64_t *out)
{
    char *end;
    const char *p;
    uint64_t n, unit = default_unit, num, den;

    if (!str || !isdigit((unsigned char)*str)) {
        return false;
    }
    errno = 0;
    n = strtoull(str, &end, 10);
    p = end;
    if (errno || !parse_size_fraction(&p, &num, &den)) {
        return false;
    }
    if (*p) {
        int shift = size_suffix_shift(*p);
        if (shift < 0 || p[1] != '\0') {
            return false;
        }
        unit = 1ULL << shift;
    }
    if (n > UINT64_MAX / unit) {
        return false;
    }
    /* As QEMU's sizes: "1.5G" is 1.5 GiB, the fraction of a byte truncated. */
    *out = n * unit;
    if (num) {
        uint64_t extra = (uint64_t)((unsigned __int128)num * unit / den);
        if (*out > UINT64_MAX - extra) {
            return false;
        }
        *out += extra;
    }
    return true;
}

bool parse_bool(const char *str, bool *out)
{
    static const char *const yes[] = {"on", "yes", "true", "y"};
    static const char *const no[] = {"off", "no", "false", "n"};

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (!strcmp(str, yes[i])) {
            *out = true;
            return true;
        }
        if (!strcmp(str, no[i])) {
            *out = false;
            return true;
        }
    }
    return false;
}
