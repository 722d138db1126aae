/*
 * Option strings in QEMU's "value,key=value,key=value" form, e.g.
 * "virt,aclint=on,dumpdtb=x.dtb" or "cpus=4,sockets=2". The first element
 * may omit its key; the caller names it (implied_key, e.g. "type").
 * A comma inside a value is written ",," as in QEMU.
 */
#ifndef UTIL_OPTION_H
#define UTIL_OPTION_H

#include "common.h"
#include "util/error.h"

typedef struct KeyValue {
    char *key;
    char *value;
} KeyValue;

typedef struct KeyValueList {
    KeyValue *items;
    int count;
} KeyValueList;

/*
 * Split str into key=value pairs. A bare first element becomes implied_key=element
 * (if implied_key is NULL, a bare element is an error). A bare later element
 * "flag" is an error. Fails with errp on empty keys or duplicate keys.
 */
bool keyval_parse(const char *str, const char *implied_key, KeyValueList *out, Error **errp);
/* Like keyval_parse, but a key may appear several times (-netdev user,hostfwd=..,hostfwd=..). */
bool keyval_parse_repeatable(const char *str, const char *implied_key, KeyValueList *out,
                             Error **errp);
/*
 * The JSON form of the same list: one flat object of strings, numbers and
 * booleans (true/false become "on"/"off"). False + errp on anything else.
 */
bool keyval_parse_json(const char *str, KeyValueList *out, Error **errp);
/* Append key=value, taking ownership of both malloc'd strings. */
void keyval_add(KeyValueList *kv, char *key, char *value);
/* The value of key (its first occurrence), or NULL. */
const char *keyval_get(const KeyValueList *kv, const char *key);
void keyval_free(KeyValueList *kv);

/*
 * Parse a size like "512", "512M", "1G", "1.5G", "64k" into bytes (a fraction of
 * a byte is dropped, as QEMU); a bare number is
 * multiplied by default_unit (MiB for -m, as QEMU). False on garbage, on a
 * negative number or on overflow.
 */
bool parse_size(const char *str, uint64_t default_unit, uint64_t *out);
/* Parse an unsigned decimal or 0x-hex integer; false on garbage or overflow. */
bool parse_uint(const char *str, uint64_t *out);
/* "on/off/yes/no/true/false" */
bool parse_bool(const char *str, bool *out);

#endif
