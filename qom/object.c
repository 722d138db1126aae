/*
 * The object model: the type registry, lazily built classes, instances with
 * reference counts, and typed properties parsed from strings.
 *
 * The composition tree (children, paths, containers) lives in qom/container.c.
 * Types are registered from constructors before main() and classes are built
 * under the big lock, so the registry needs no locking of its own.
 */
#include "qom/object.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>

struct TypeImpl {
    TypeInfo info;
    struct TypeImpl *parent_type; /* resolved from info.parent on first need */
    size_t instance_size;         /* resolved: 0 in TypeInfo means the parent's */
    size_t class_size;
    ObjectClass *klass; /* NULL until first use */
};

/* The registry: one array kept sorted by name, so lookups bisect and foreach is ordered. */
static struct {
    struct TypeImpl **types;
    size_t count;
} registry;

/* ---- Registry ---- */

static size_t registry_lower_bound(const char *name)
{
    size_t lo = 0, hi = registry.count;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(registry.types[mid]->info.name, name) < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

static struct TypeImpl *type_get_by_name(const char *name)
{
    if (!name) {
        return NULL;
    }
    size_t i = registry_lower_bound(name);
    if (i < registry.count && strcmp(registry.types[i]->info.name, name) == 0) {
        return registry.types[i];
    }
    return NULL;
}

void type_register_static(const TypeInfo *info)
{
    size_t i = registry_lower_bound(info->name);

    if (i < registry.count && strcmp(registry.types[i]->info.name, info->name) == 0) {
        fprintf(stderr, "kestrel: type '%s' registered twice\n", info->name);
        abort();
    }
    struct TypeImpl *ti = xzalloc(sizeof(*ti));
    ti->info = *info;
    registry.types = xrealloc(registry.types, (registry.count + 1) * sizeof(ti));
    memmove(&registry.types[i + 1], &registry.types[i], (registry.count - i) * sizeof(ti));
    registry.types[i] = ti;
    registry.count++;
}

static struct TypeImpl *type_parent(struct TypeImpl *ti)
{
    if (!ti->parent_type && ti->info.parent) {
        ti->parent_type = type_get_by_name(ti->info.parent);
        if (!ti->parent_type) {
            fprintf(stderr, "kestrel: type '%s' has unknown parent '%s'\n", ti->info.name,
                    ti->info.parent);
            abort();
        }
    }
    return ti->parent_type;
}

static bool type_is_a(struct TypeImpl *ti, const char *name)
{
    for (; ti; ti = type_parent(ti)) {
        if (ti->info.name == name || strcmp(ti->info.name, name) == 0) {
            return true;
        }
    }
    return false;
}

/* ---- Classes ---- */

/* Is oc of type typename? The checked casts' test, through the class's cast cache. */
static bool class_is_a_cached(ObjectClass *oc, const char *typename)
{
    for (int i = 0; i < OBJECT_CLASS_CAST_CACHE_SIZE; i++) {
        if (__atomic_load_n(&oc->cast_cache[i], __ATOMIC_RELAXED) == typename) {
            return true;
        }
    }
    if (!type_is_a(oc->type, typename)) {
        return false;
    }
    /* Shift the slots down and put the newest first: the oldest falls out. */
    for (int i = OBJECT_CLASS_CAST_CACHE_SIZE - 1; i > 0; i--) {
        __atomic_store_n(&oc->cast_cache[i],
                         __atomic_load_n(&oc->cast_cache[i - 1], __ATOMIC_RELAXED),
                         __ATOMIC_RELAXED);
    }
    __atomic_store_n(&oc->cast_cache[0], typename, __ATOMIC_RELAXED);
    return true;
}

static void type_class_init(struct TypeImpl *ti)
{
    struct TypeImpl *parent = type_parent(ti);
    ObjectClass *pc = NULL;

    if (ti->klass) {
        return;
    }
    if (parent) {
        type_class_init(parent);
        pc = parent->klass;
    }
    size_t parent_class = parent ? parent->class_size : 0;
    size_t parent_inst = parent ? parent->instance_size : 0;
    ti->class_size = ti->info.class_size ? ti->info.class_size : parent_class;
    ti->instance_size = ti->info.instance_size ? ti->info.instance_size : parent_inst;
    if (ti->class_size < parent_class || ti->class_size < sizeof(ObjectClass) ||
        ti->instance_size < parent_inst || ti->instance_size < sizeof(Object)) {
        fprintf(stderr, "kestrel: type '%s' is smaller than its parent\n", ti->info.name);
        abort();
    }

    ObjectClass *oc = xzalloc(ti->class_size);
    if (pc) {
        memcpy(oc, pc, parent_class);
        oc->props = NULL;
        oc->nprops_inherited = oc->props_cap = pc->nprops;
        if (pc->nprops) {
            oc->props = xmalloc(pc->nprops * sizeof(*oc->props));
            memcpy(oc->props, pc->props, pc->nprops * sizeof(*oc->props));
        }
    }
    oc->type = ti;
    ti->klass = oc;
    if (ti->info.class_init) {
        ti->info.class_init(oc, ti->info.class_data);
    }
}

static ObjectClass *type_get_class(struct TypeImpl *ti)
{
    type_class_init(ti);
    return ti->klass;
}

ObjectClass *object_class_by_name(const char *typename)
{
    struct TypeImpl *ti = type_get_by_name(typename);
    return ti ? type_get_class(ti) : NULL;
}

const char *object_class_get_name(ObjectClass *oc)
{
    return oc->type->info.name;
}

ObjectClass *object_class_get_parent(ObjectClass *oc)
{
    struct TypeImpl *parent = type_parent(oc->type);
    return parent ? type_get_class(parent) : NULL;
}

bool object_class_is_abstract(ObjectClass *oc)
{
    return oc->type->info.abstract;
}

ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename)
{
    return oc && type_is_a(oc->type, typename) ? oc : NULL;
}

ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc, const char *typename,
                                              const char *file, int line)
{
    if (oc && !class_is_a_cached(oc, typename)) {
        fprintf(stderr, "%s:%d: Class %p (%s) is not a class of type %s\n", file, line, (void *)oc,
                object_class_get_name(oc), typename);
        abort();
    }
    return oc;
}

void object_class_foreach(const char *implements, bool include_abstract,
                          void (*fn)(ObjectClass *oc, void *opaque), void *opaque)
{
    for (size_t i = 0; i < registry.count; i++) {
        struct TypeImpl *ti = registry.types[i];
        if (implements && !type_is_a(ti, implements)) {
            continue;
        }
        if (ti->info.abstract && !include_abstract) {
            continue;
        }
        fn(type_get_class(ti), opaque);
    }
}

/* ---- Instances ---- */

static void object_set_defaults(Object *obj)
{
    ObjectClass *oc = obj->klass;

    for (size_t i = 0; i < oc->nprops; i++) {
        const Property *p = oc->props[i];
        char *field = (char *)obj + p->offset;
        switch (p->type) {
        case PROP_BOOL:
            *(bool *)field = p->defval.b;
            break;
        case PROP_INT:
            *(int64_t *)field = p->defval.i;
            break;
        case PROP_UINT32:
            *(uint32_t *)field = (uint32_t)p->defval.u;
            break;
        case PROP_SIZE:
            *(uint64_t *)field = p->defval.u;
            break;
        case PROP_STRING:
            *(char **)field = p->defval.s ? xstrdup(p->defval.s) : NULL;
            break;
        case PROP_LINK:
            *(Object **)field = NULL;
            break;
        }
    }
}

static void object_init_with_type(Object *obj, struct TypeImpl *ti)
{
    struct TypeImpl *parent = type_parent(ti);

    if (parent) {
        object_init_with_type(obj, parent);
    }
    if (ti->info.instance_init) {
        ti->info.instance_init(obj);
    }
}

static Object *object_new_with_type(struct TypeImpl *ti)
{
    ObjectClass *oc = type_get_class(ti);
    Object *obj = xzalloc(ti->instance_size);

    obj->klass = oc;
    obj->refcount = 1;
    object_set_defaults(obj);
    object_init_with_type(obj, ti);
    return obj;
}

Object *object_new_checked(const char *typename, Error **errp)
{
    struct TypeImpl *ti = type_get_by_name(typename);

    if (!ti) {
        error_setg(errp, "unknown type '%s'", typename);
        return NULL;
    }
    if (ti->info.abstract) {
        error_setg(errp, "type '%s' is abstract and cannot be instantiated", typename);
        return NULL;
    }
    return object_new_with_type(ti);
}

Object *object_new(const char *typename)
{
    struct TypeImpl *ti = type_get_by_name(typename);

    if (!ti || ti->info.abstract) {
        fprintf(stderr, "kestrel: object_new: %s type '%s'\n",
                ti ? "cannot instantiate abstract" : "unknown", typename);
        abort();
    }
    return object_new_with_type(ti);
}

const char *object_get_typename(const Object *obj)
{
    return obj->klass->type->info.name;
}

Object *object_dynamic_cast(Object *obj, const char *typename)
{
    return obj && type_is_a(obj->klass->type, typename) ? obj : NULL;
}

Object *object_dynamic_cast_assert(Object *obj, const char *typename, const char *file, int line)
{
    /* NULL stays NULL, so a cast of an optional pointer needs no test first. */
    if (obj && !class_is_a_cached(obj->klass, typename)) {
        fprintf(stderr, "%s:%d: Object %p is not an instance of type %s\n", file, line, (void *)obj,
                typename);
        abort();
    }
    return obj;
}

void object_ref(Object *obj)
{
    if (obj) {
        obj->refcount++;
    }
}

static void object_free_strings(Object *obj)
{
    ObjectClass *oc = obj->klass;

    for (size_t i = 0; i < oc->nprops; i++) {
        if (oc->props[i]->type == PROP_STRING) {
            char **field = (char **)((char *)obj + oc->props[i]->offset);
            free(*field);
            *field = NULL;
        }
    }
}

static void unparent_child(Object *child, void *opaque)
{
    object_unparent(child);
}

static void object_finalize(Object *obj)
{
    object_child_foreach(obj, unparent_child, NULL);
    for (struct TypeImpl *ti = obj->klass->type; ti; ti = type_parent(ti)) {
        if (ti->info.instance_finalize) {
            ti->info.instance_finalize(obj);
        }
    }
    object_free_strings(obj);
    free(obj->name);
    free(obj);
}

void object_unref(Object *obj)
{
    if (!obj) {
        return;
    }
    if (obj->refcount <= 0) {
        fprintf(stderr, "kestrel: object_unref: %s %p has no reference left\n",
                object_get_typename(obj), (void *)obj);
        abort();
    }
    if (--obj->refcount == 0) {
        /* The parent holds a reference, so a parented object cannot reach zero. */
        if (obj->parent) {
            fprintf(stderr, "kestrel: object_unref: %s '%s' freed while still a child\n",
                    object_get_typename(obj), obj->name);
            abort();
        }
        object_finalize(obj);
    }
}

/* ---- Properties ---- */

/* The value of any property type; only the member matching the field width is used. */
typedef union PropValue {
    bool b;
    int64_t i;
    uint32_t u32;
    uint64_t u;
    char *s;
    Object *o;
} PropValue;

typedef enum ParseResult { PARSE_OK, PARSE_INVALID, PARSE_RANGE } ParseResult;

#define prop_error(errp, obj, p, fmt, ...)                                                         \
    error_setg(errp, "Property '%s' of '%s': " fmt, (p)->name, object_get_typename(obj),           \
               ##__VA_ARGS__)

/*
 * Only the inherited properties are searched for a name a class declares again: a class
 * declares each of its own names once (test-qom checks every registered class). Searching
 * all of them, and growing the array one entry at a time, was 0.25 million instructions of
 * the RISC-V CPU class's ~230 properties at every start-up (issue 7: a tiny ELF's run was
 * ~2.7 million instructions in all).
 */
void object_class_add_props(ObjectClass *oc, const Property *props)
{
    for (const Property *p = props; p->name; p++) {
        size_t i = 0;
        while (i < oc->nprops_inherited && strcmp(oc->props[i]->name, p->name) != 0) {
            i++;
        }
        /* A subclass redeclaring an inherited property replaces it (e.g. a new default). */
        if (i == oc->nprops_inherited) {
            if (oc->nprops == oc->props_cap) {
                oc->props_cap = MAX(2 * oc->props_cap, 16);
                oc->props = xrealloc(oc->props, oc->props_cap * sizeof(*oc->props));
            }
            i = oc->nprops++;
        }
        oc->props[i] = p;
    }
}

const Property *object_class_find_property(ObjectClass *oc, const char *name)
{
    for (size_t i = 0; i < oc->nprops; i++) {
        if (strcmp(oc->props[i]->name, name) == 0) {
            return oc->props[i];
        }
    }
    return NULL;
}

const Property *object_property_find(Object *obj, const char *name)
{
    return object_class_find_property(obj->klass, name);
}

static const Property *prop_lookup(Object *obj, const char *name, Error **errp)
{
    const Property *p = object_property_find(obj, name);

    if (!p) {
        error_setg(errp, "'%s' has no property '%s'", object_get_typename(obj), name);
    }
    return p;
}

static size_t prop_field_size(const Property *p)
{
    switch (p->type) {
    case PROP_BOOL:
        return sizeof(bool);
    case PROP_UINT32:
        return sizeof(uint32_t);
    case PROP_INT:
    case PROP_SIZE:
        return sizeof(uint64_t);
    case PROP_STRING:
        return sizeof(char *);
    case PROP_LINK:
        return sizeof(Object *);
    }
    abort();
}

/* Write v into the field and run the check hook, restoring the old value if it refuses.
 * Takes ownership of v.s for string properties. */
static bool prop_store(Object *obj, const Property *p, PropValue v, Error **errp)
{
    void *field = (char *)obj + p->offset;
    size_t size = prop_field_size(p);
    PropValue old;
    Error *err = NULL;

    memcpy(&old, field, size);
    memcpy(field, &v, size);
    if (p->check && !p->check(obj, &err)) {
        memcpy(field, &old, size);
        if (p->type == PROP_STRING) {
            free(v.s);
        }
        error_prepend(&err, "Property '%s' of '%s': ", p->name, object_get_typename(obj));
        error_propagate(errp, err);
        return false;
    }
    if (p->type == PROP_STRING) {
        free(old.s);
    }
    return true;
}

static bool parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"on", "true", "yes"};
    static const char *const no[] = {"off", "false", "no"};

    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
            *out = strcmp(s, yes[i]) == 0;
            return true;
        }
    }
    return false;
}

/* An unsigned decimal or 0x-prefixed hex number at the start of s; *endp after it. */
static ParseResult parse_uint_prefix(const char *s, uint64_t *out, const char **endp)
{
    int base = 10;
    char *end;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
        base = 16;
    } else if (!isdigit((unsigned char)s[0])) {
        /* strtoull would accept spaces and a sign, which we do not want. */
        return PARSE_INVALID;
    }
    errno = 0;
    *out = strtoull(s, &end, base);
    *endp = end;
    return errno == ERANGE ? PARSE_RANGE : PARSE_OK;
}

static ParseResult parse_uint(const char *s, uint64_t *out)
{
    const char *end;
    ParseResult r = parse_uint_prefix(s, out, &end);

    if (r == PARSE_OK && *end) {
        return PARSE_INVALID;
    }
    return r;
}

static ParseResult parse_int(const char *s, int64_t *out)
{
    bool neg = s[0] == '-';
    uint64_t v;
    ParseResult r = parse_uint(s + neg, &v);

    if (r != PARSE_OK) {
        return r;
    }
    if (v > (uint64_t)INT64_MAX + neg) {
        return PARSE_RANGE;
    }
    /* Negate in unsigned arithmetic so that INT64_MIN does not overflow. */
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return PARSE_OK;
}

/* A byte count: a number, then an optional binary K/M/G/T suffix, then an optional B. */
static ParseResult parse_size(const char *s, uint64_t *out)
{
    static const char suffixes[] = "kmgt";
    const char *end;
    uint64_t v;
    ParseResult r = parse_uint_prefix(s, &v, &end);
    int shift = 0;

    if (r != PARSE_OK) {
        return r;
    }
    const char *suffix = *end ? strchr(suffixes, tolower((unsigned char)*end)) : NULL;
    if (suffix) {
        shift = 10 * (int)(suffix - suffixes + 1);
        end++;
    }
    if (*end == 'B' || *end == 'b') {
        end++;
    }
    if (*end) {
        return PARSE_INVALID;
    }
    if (v > (UINT64_MAX >> shift)) {
        return PARSE_RANGE;
    }
    *out = v << shift;
    return PARSE_OK;
}

static bool prop_check_link(Object *obj, const Property *p, Object *target, Error **errp)
{
    if (target && p->link_type && !object_dynamic_cast(target, p->link_type)) {
        prop_error(errp, obj, p, "a '%s' is not a '%s'", object_get_typename(target), p->link_type);
        return false;
    }
    return true;
}

static bool prop_parse_link(Object *obj, const Property *p, const char *value, Object **out,
                            Error **errp)
{
    *out = NULL;
    if (!*value) {
        return true; /* the empty path clears the link */
    }
    *out = object_resolve_path(value);
    if (!*out) {
        prop_error(errp, obj, p, "no object at path '%s'", value);
        return false;
    }
    return prop_check_link(obj, p, *out, errp);
}

static bool prop_parse_number(Object *obj, const Property *p, const char *value, PropValue *v,
                              Error **errp)
{
    ParseResult r;

    switch (p->type) {
    case PROP_INT:
        r = parse_int(value, &v->i);
        break;
    case PROP_UINT32:
        r = parse_uint(value, &v->u);
        if (r == PARSE_OK && v->u > UINT32_MAX) {
            r = PARSE_RANGE;
        }
        v->u32 = (uint32_t)v->u;
        break;
    default:
        r = parse_size(value, &v->u);
        break;
    }
    if (r == PARSE_INVALID && p->type == PROP_SIZE) {
        prop_error(errp, obj, p, "invalid size '%s' (a number with optional K, M, G or T suffix)",
                   value);
    } else if (r == PARSE_INVALID) {
        prop_error(errp, obj, p, "invalid integer value '%s'", value);
    } else if (r == PARSE_RANGE) {
        prop_error(errp, obj, p, "value '%s' is out of range%s", value,
                   p->type == PROP_UINT32 ? " (0 to 4294967295)" : "");
    }
    return r == PARSE_OK;
}

bool object_property_parse(Object *obj, const char *name, const char *value, Error **errp)
{
    const Property *p = prop_lookup(obj, name, errp);
    PropValue v = {0};

    if (!p) {
        return false;
    }
    switch (p->type) {
    case PROP_BOOL:
        if (!parse_bool(value, &v.b)) {
            prop_error(errp, obj, p, "invalid boolean value '%s' (use on/off)", value);
            return false;
        }
        break;
    case PROP_INT:
    case PROP_UINT32:
    case PROP_SIZE:
        if (!prop_parse_number(obj, p, value, &v, errp)) {
            return false;
        }
        break;
    case PROP_STRING:
        v.s = xstrdup(value);
        break;
    case PROP_LINK:
        if (!prop_parse_link(obj, p, value, &v.o, errp)) {
            return false;
        }
        break;
    }
    return prop_store(obj, p, v, errp);
}

static const Property *prop_lookup_typed(Object *obj, const char *name, PropertyType type,
                                         const char *what, Error **errp)
{
    const Property *p = prop_lookup(obj, name, errp);

    if (p && p->type != type) {
        prop_error(errp, obj, p, "not a %s property", what);
        return NULL;
    }
    return p;
}

bool object_property_set_bool(Object *obj, const char *name, bool v, Error **errp)
{
    const Property *p = prop_lookup_typed(obj, name, PROP_BOOL, "boolean", errp);
    return p && prop_store(obj, p, (PropValue){.b = v}, errp);
}

bool object_property_set_int(Object *obj, const char *name, int64_t v, Error **errp)
{
    const Property *p = prop_lookup(obj, name, errp);

    if (!p) {
        return false;
    }
    switch (p->type) {
    case PROP_INT:
        return prop_store(obj, p, (PropValue){.i = v}, errp);
    case PROP_UINT32:
        if (v < 0 || v > UINT32_MAX) {
            prop_error(errp, obj, p, "value %" PRId64 " is out of range (0 to 4294967295)", v);
            return false;
        }
        return prop_store(obj, p, (PropValue){.u32 = (uint32_t)v}, errp);
    case PROP_SIZE:
        if (v < 0) {
            prop_error(errp, obj, p, "negative size %" PRId64, v);
            return false;
        }
        return prop_store(obj, p, (PropValue){.u = (uint64_t)v}, errp);
    default:
        prop_error(errp, obj, p, "not an integer property");
        return false;
    }
}

bool object_property_set_str(Object *obj, const char *name, const char *v, Error **errp)
{
    const Property *p = prop_lookup(obj, name, errp);

    if (!p) {
        return false;
    }
    if (p->type != PROP_STRING) {
        /* Any other type takes the string through its parser, as on the command line. */
        return object_property_parse(obj, name, v ? v : "", errp);
    }
    return prop_store(obj, p, (PropValue){.s = v ? xstrdup(v) : NULL}, errp);
}

bool object_property_set_link(Object *obj, const char *name, Object *target, Error **errp)
{
    const Property *p = prop_lookup_typed(obj, name, PROP_LINK, "link", errp);

    return p && prop_check_link(obj, p, target, errp) &&
           prop_store(obj, p, (PropValue){.o = target}, errp);
}

bool object_property_get_bool(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_lookup_typed(obj, name, PROP_BOOL, "boolean", errp);
    return p && *(bool *)((char *)obj + p->offset);
}

int64_t object_property_get_int(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_lookup(obj, name, errp);
    const char *field = p ? (const char *)obj + p->offset : NULL;

    if (!p) {
        return 0;
    }
    switch (p->type) {
    case PROP_INT:
        return *(const int64_t *)field;
    case PROP_UINT32:
        return *(const uint32_t *)field;
    case PROP_SIZE:
        return (int64_t) * (const uint64_t *)field;
    default:
        prop_error(errp, obj, p, "not an integer property");
        return 0;
    }
}

char *object_property_print(Object *obj, const char *name, Error **errp)
{
    const Property *p = prop_lookup(obj, name, errp);
    const char *field = p ? (const char *)obj + p->offset : NULL;

    if (!p) {
        return NULL;
    }
    switch (p->type) {
    case PROP_BOOL:
        return xstrdup(*(const bool *)field ? "on" : "off");
    case PROP_INT:
        return xasprintf("%" PRId64, *(const int64_t *)field);
    case PROP_UINT32:
        return xasprintf("%" PRIu32, *(const uint32_t *)field);
    case PROP_SIZE:
        return xasprintf("%" PRIu64, *(const uint64_t *)field);
    case PROP_STRING: {
        const char *s = *(char *const *)field;
        return xstrdup(s ? s : "");
    }
    case PROP_LINK: {
        Object *target = *(Object *const *)field;
        char *path = target ? object_get_canonical_path(target) : NULL;
        return path ? path : xstrdup("");
    }
    }
    abort();
}

static const TypeInfo object_info = {
    .name = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(ObjectClass),
    .abstract = true,
};

static void object_register_types(void)
{
    type_register_static(&object_info);
}

type_init(object_register_types)
