/*
 * The object model (QOM in QEMU's words): types, classes, instances, typed
 * properties and the composition tree.
 *
 * A type is described by a static TypeInfo and registered at start-up with
 * type_init(). Its class is created lazily on first use: the parent class is
 * created first, copied into the new class, then class_init runs (so a class
 * inherits its parent's methods and properties and may override them).
 * object_new() allocates instance_size zeroed bytes, writes property defaults,
 * then runs every instance_init from the root type down to the concrete type.
 *
 * Ownership: object_new() returns a reference the caller owns. Adding an object
 * as a child (object_property_add_child) makes the parent hold its own
 * reference; object_unref() drops one and finalizes at zero (instance_finalize
 * from the concrete type up to the root, children first).
 */
#ifndef QOM_OBJECT_H
#define QOM_OBJECT_H

#include "common.h"
#include "util/error.h"

typedef struct TypeImpl *Type;
typedef struct ObjectClass ObjectClass;
typedef struct Object Object;
typedef struct Property Property;

#define TYPE_OBJECT "object"

typedef struct TypeInfo {
    const char *name;
    const char *parent; /* NULL only for TYPE_OBJECT */
    size_t instance_size;
    size_t class_size; /* 0 = same as parent's */
    bool abstract;
    void (*class_init)(ObjectClass *oc, void *data);
    void *class_data;
    void (*instance_init)(Object *obj);
    void (*instance_finalize)(Object *obj);
} TypeInfo;

/* Every class struct starts with an ObjectClass (directly or through its parent's). */
#define OBJECT_CLASS_CAST_CACHE_SIZE 4

struct ObjectClass {
    Type type;
    /* Class properties, inherited ones first, then this class's (see Property). */
    const Property **props;
    size_t nprops;
    size_t nprops_inherited; /* props[0 .. nprops_inherited) came from the parent class */
    size_t props_cap;        /* room in props */
    /*
     * Type names this class was last checked against with success (the checked casts'
     * string pointers): a hit costs a few pointer compares instead of a walk up the
     * parents with strcmp. Read and written by any thread, relaxed: a stale slot only
     * means a slow walk. The cache keys on addresses, so checked casts take names of
     * static lifetime (the TYPE_* literals), never a buffer that could be reused.
     */
    const char *cast_cache[OBJECT_CLASS_CAST_CACHE_SIZE];
};

typedef struct ObjectChild ObjectChild;

/* Every instance struct starts with an Object (directly or through its parent's). */
struct Object {
    ObjectClass *klass;
    int refcount;
    Object *parent; /* in the composition tree, or NULL */
    char *name;     /* the child name under parent, or NULL */
    ObjectChild *children;
};

void type_register_static(const TypeInfo *info);
/* Run fn at program start-up (before main) to register types. */
#define type_init(fn)                                                                              \
    static void __attribute__((constructor)) type_init_##fn(void)                                  \
    {                                                                                              \
        fn();                                                                                      \
    }

/* The class of a registered type, created on first use; NULL if unknown. */
ObjectClass *object_class_by_name(const char *typename);
const char *object_class_get_name(ObjectClass *oc);
ObjectClass *object_class_get_parent(ObjectClass *oc);
bool object_class_is_abstract(ObjectClass *oc);
/* oc if it is typename or a subtype of it, else NULL. */
ObjectClass *object_class_dynamic_cast(ObjectClass *oc, const char *typename);
ObjectClass *object_class_dynamic_cast_assert(ObjectClass *oc, const char *typename,
                                              const char *file, int line);
/* Call fn for every class that is `implements` or a subtype, sorted by type name. */
void object_class_foreach(const char *implements, bool include_abstract,
                          void (*fn)(ObjectClass *oc, void *opaque), void *opaque);

/* A new instance of a concrete type; aborts if the type is unknown or abstract (a bug). */
Object *object_new(const char *typename);
/* Same, but returns NULL with an error for unknown or abstract types (user input). */
Object *object_new_checked(const char *typename, Error **errp);
const char *object_get_typename(const Object *obj);
Object *object_dynamic_cast(Object *obj, const char *typename);
Object *object_dynamic_cast_assert(Object *obj, const char *typename, const char *file, int line);
void object_ref(Object *obj);
void object_unref(Object *obj);

#define OBJECT(obj) ((Object *)(obj))
#define OBJECT_CLASS(oc) ((ObjectClass *)(oc))
#define OBJECT_GET_CLASS(class_type, obj, name)                                                    \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT(obj)->klass, name, __FILE__, __LINE__))
#define OBJECT_CLASS_CHECK(class_type, oc, name)                                                   \
    ((class_type *)object_class_dynamic_cast_assert(OBJECT_CLASS(oc), name, __FILE__, __LINE__))
/* Checked downcast: aborts with file:line if obj is not a `name`. */
#define OBJECT_CHECK(type, obj, name)                                                              \
    ((type *)object_dynamic_cast_assert(OBJECT(obj), name, __FILE__, __LINE__))

/* ---- Typed properties ----
 * A property is a typed field of the instance at a fixed offset, declared once
 * per class (object_class_add_props), so every instance has it. One path sets
 * them all: -machine virt,aclint=on, -device x,prop=val and QMP parse the
 * value from a string with object_property_parse().
 */
typedef enum PropertyType {
    PROP_BOOL,   /* bool; "on"/"off"/"true"/"false"/"yes"/"no" */
    PROP_INT,    /* int64_t; decimal, 0x hex */
    PROP_UINT32, /* uint32_t; decimal, 0x hex, range-checked */
    PROP_SIZE,   /* uint64_t; with optional K/M/G/T suffix (binary) */
    PROP_STRING, /* char *, owned by the object (freed on finalize) */
    PROP_LINK,   /* Object *, must be a link_type; parsed as a path "/machine/..." */
} PropertyType;

struct Property {
    const char *name;
    PropertyType type;
    ptrdiff_t offset;
    const char *link_type;   /* PROP_LINK only */
    const char *description; /* shown by `-device foo,help` */
    union {
        bool b;
        int64_t i;
        uint64_t u;
        const char *s;
    } defval;
    /* Optional: called after the field is written; false + errp rejects (old value restored). */
    bool (*check)(Object *obj, Error **errp);
};

/*
 * DEFINE_PROP checks at compile time that the field has the C type its PropertyType stores
 * (PROP_INT writes 8 bytes: an `int` field would be overrun), so the type must be given as
 * one of the PROP_* names, not a variable. The check is a _Static_assert inside a struct
 * whose size adds 0 to the offset, so the macros stay constant expressions.
 */
#define PROP_CTYPE_PROP_BOOL bool
#define PROP_CTYPE_PROP_INT int64_t
#define PROP_CTYPE_PROP_UINT32 uint32_t
#define PROP_CTYPE_PROP_SIZE uint64_t
#define PROP_CTYPE_PROP_STRING char *
#define PROP_CTYPE_PROP_LINK Object *
#define PROP_FIELD_CHECK(_state, _field, _ctype) PROP_FIELD_CHECK_(_state, _field, _ctype)
#define PROP_FIELD_CHECK_(_state, _field, _ctype)                                                  \
    (0 * sizeof(struct {                                                                           \
         _Static_assert(__builtin_types_compatible_p(__typeof__(((_state *)0)->_field), _ctype),   \
                        "property field " #_state "." #_field " must be " #_ctype);                \
         int unused;                                                                               \
     }))
#define DEFINE_PROP(_name, _type, _state, _field, ...)                                             \
    {                                                                                              \
        .name = (_name), .type = (_type),                                                          \
        .offset = offsetof(_state, _field) + PROP_FIELD_CHECK(_state, _field, PROP_CTYPE_##_type), \
        __VA_ARGS__                                                                                \
    }
#define DEFINE_PROP_BOOL(n, st, f, d) DEFINE_PROP(n, PROP_BOOL, st, f, .defval.b = (d))
#define DEFINE_PROP_INT(n, st, f, d) DEFINE_PROP(n, PROP_INT, st, f, .defval.i = (d))
#define DEFINE_PROP_UINT32(n, st, f, d) DEFINE_PROP(n, PROP_UINT32, st, f, .defval.u = (d))
#define DEFINE_PROP_SIZE(n, st, f, d) DEFINE_PROP(n, PROP_SIZE, st, f, .defval.u = (d))
#define DEFINE_PROP_STRING(n, st, f) DEFINE_PROP(n, PROP_STRING, st, f)
#define DEFINE_PROP_LINK(n, st, f, t) DEFINE_PROP(n, PROP_LINK, st, f, .link_type = (t))
#define DEFINE_PROP_END                                                                            \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* Add a NULL-name-terminated static array of properties to a class (call from class_init). */
void object_class_add_props(ObjectClass *oc, const Property *props);
const Property *object_class_find_property(ObjectClass *oc, const char *name);
const Property *object_property_find(Object *obj, const char *name);

bool object_property_parse(Object *obj, const char *name, const char *value, Error **errp);
bool object_property_set_bool(Object *obj, const char *name, bool v, Error **errp);
bool object_property_set_int(Object *obj, const char *name, int64_t v, Error **errp);
bool object_property_set_str(Object *obj, const char *name, const char *v, Error **errp);
bool object_property_set_link(Object *obj, const char *name, Object *target, Error **errp);
bool object_property_get_bool(Object *obj, const char *name, Error **errp);
int64_t object_property_get_int(Object *obj, const char *name, Error **errp);
/* String form of any property's value (caller frees). NULL + errp if no such property. */
char *object_property_print(Object *obj, const char *name, Error **errp);

/* ---- Composition tree ---- */
/* The root container "/" (created on first use). */
Object *object_get_root(void);
/* Make child a child of parent under name (parent takes a reference). Name must be unique. */
void object_property_add_child(Object *parent, const char *name, Object *child);
/* Remove obj from its parent (dropping the parent's reference). */
void object_unparent(Object *obj);
Object *object_child(Object *parent, const char *name);
void object_child_foreach(Object *parent, void (*fn)(Object *child, void *opaque), void *opaque);
/* Resolve an absolute path like "/machine/uart0"; NULL if none. */
Object *object_resolve_path(const char *path);
/* "/machine/uart0" (caller frees). */
char *object_get_canonical_path(Object *obj);
/* A generic container object, for "/machine/unattached"-style grouping. */
#define TYPE_CONTAINER "container"
Object *container_get(Object *root, const char *path);

#endif
