/*
 * The JSON form of an option (-object '{"qom-type":"rng-random","id":"rng0"}'):
 * one flat JSON object whose members are strings, numbers or booleans, turned
 * into the same key=value list the "a=b,c=d" form gives (RFC 8259 syntax;
 * nested objects and arrays are refused: no option of ours takes them).
 */
#include <ctype.h>

#include "util/option.h"

typedef struct JsonCursor {
    const char *p;
} JsonCursor;

static void json_skip_ws(JsonCursor *c)
{
    while (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r') {
        c->p++;
    }
}

static bool json_escape(JsonCursor *c, char *out)
{
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = *c->p ? strchr(from, *c->p) : NULL;

    if (!hit) {
        return false; /* \uXXXX is not needed by any option value */
    }
    *out = to[hit - from];
    c->p++;
    return true;
}

/* A JSON string at c (after its opening quote) → malloc'd text, or NULL on bad syntax. */
static char *json_string(JsonCursor *c)
{
    char *out = xrealloc(NULL, strlen(c->p) + 1);
    size_t n = 0;

    while (*c->p && *c->p != '"') {
        if ((unsigned char)*c->p < 0x20) {
            break;
        }
        if (*c->p == '\\') {
            c->p++;
            if (!json_escape(c, &out[n++])) {
                break;
            }
        } else {
            out[n++] = *c->p++;
        }
    }
    if (*c->p != '"') {
        free(out);
        return NULL;
    }
    c->p++;
    out[n] = '\0';
    return out;
}

/* A member's value: a string, a number or true/false (as "on"/"off"). */
static char *json_value(JsonCursor *c)
{
    const char *start = c->p;

    if (*c->p == '"') {
        c->p++;
        return json_string(c);
    }
    if (!strncmp(c->p, "true", 4) || !strncmp(c->p, "false", 5)) {
        bool t = *c->p == 't';
        c->p += t ? 4 : 5;
        return xstrdup(t ? "on" : "off");
    }
    while (*c->p == '-' || *c->p == '+' || *c->p == '.' || isalnum((unsigned char)*c->p)) {
        c->p++;
    }
    if (c->p == start || !(isdigit((unsigned char)*start) || *start == '-')) {
        return NULL;
    }
    return xasprintf("%.*s", (int)(c->p - start), start);
}

static bool json_member(JsonCursor *c, KeyValueList *out, Error **errp)
{
    char *key, *value;

    json_skip_ws(c);
    if (*c->p != '"' || (c->p++, !(key = json_string(c)))) {
        error_setg(errp, "JSON: expected a member name in quotes");
        return false;
    }
    json_skip_ws(c);
    if (*c->p != ':') {
        error_setg(errp, "JSON: expected ':' after \"%s\"", key);
        free(key);
        return false;
    }
    c->p++;
    json_skip_ws(c);
    if (!(value = json_value(c))) {
        error_setg(errp, "JSON: the value of \"%s\" must be a string, number or boolean", key);
        free(key);
        return false;
    }
    if (keyval_get(out, key)) {
        error_setg(errp, "JSON: member \"%s\" given twice", key);
        free(key);
        free(value);
        return false;
    }
    keyval_add(out, key, value);
    json_skip_ws(c);
    return true;
}

bool keyval_parse_json(const char *str, KeyValueList *out, Error **errp)
{
    JsonCursor c = {str};

    *out = (KeyValueList){0};
    json_skip_ws(&c);
    if (*c.p++ != '{') {
        error_setg(errp, "JSON: expected an object ({...})");
        return false;
    }
    json_skip_ws(&c);
    if (*c.p == '}') {
        c.p++;
    } else {
        do {
            if (!json_member(&c, out, errp)) {
                keyval_free(out);
                return false;
            }
        } while (*c.p == ',' && c.p++);
        if (*c.p++ != '}') {
            error_setg(errp, "JSON: expected ',' or '}'");
            keyval_free(out);
            return false;
        }
    }
    json_skip_ws(&c);
    if (*c.p) {
        error_setg(errp, "JSON: text after the object");
        keyval_free(out);
        return false;
    }
    return true;
}
