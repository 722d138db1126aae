/*
 * The composition tree: the root "/", named children, absolute paths, and the
 * generic container type used for grouping nodes such as "/machine/unattached".
 *
 * A parent holds one reference on each child; children are kept in insertion
 * order so walks (reset, `info qtree`-style dumps) follow creation order.
 */
#include "qom/object.h"

struct ObjectChild {
    Object *obj;
    ObjectChild *next;
};

/* The root is a process singleton: one machine per process, as in QEMU. */
static Object *root_object;

Object *object_get_root(void)
{
    if (!root_object) {
        root_object = object_new(TYPE_CONTAINER);
    }
    return root_object;
}

Object *object_child(Object *parent, const char *name)
{
    for (ObjectChild *c = parent->children; c; c = c->next) {
        if (strcmp(c->obj->name, name) == 0) {
            return c->obj;
        }
    }
    return NULL;
}

void object_property_add_child(Object *parent, const char *name, Object *child)
{
    /* All of these are wiring bugs in the caller, never user input. */
    if (child->parent || !*name || strchr(name, '/') || object_child(parent, name)) {
        fprintf(stderr, "kestrel: cannot add %s as child '%s' of %s: %s\n",
                object_get_typename(child), name, object_get_typename(parent),
                child->parent ? "it already has a parent" : "invalid or duplicate name");
        abort();
    }
    ObjectChild **tail = &parent->children;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = xzalloc(sizeof(**tail));
    (*tail)->obj = child;
    object_ref(child);
    child->parent = parent;
    child->name = xstrdup(name);
}

void object_unparent(Object *obj)
{
    Object *parent = obj->parent;

    if (!parent) {
        return;
    }
    for (ObjectChild **link = &parent->children; *link; link = &(*link)->next) {
        if ((*link)->obj == obj) {
            ObjectChild *c = *link;
            *link = c->next;
            free(c);
            break;
        }
    }
    obj->parent = NULL;
    free(obj->name);
    obj->name = NULL;
    object_unref(obj);
}

void object_child_foreach(Object *parent, void (*fn)(Object *child, void *opaque), void *opaque)
{
    ObjectChild *c = parent->children;

    while (c) {
        /* Read next first: fn may unparent (and so free the node of) the current child. */
        ObjectChild *next = c->next;
        fn(c->obj, opaque);
        c = next;
    }
}

/*
 * Walk path component by component from start, skipping empty components, and
 * creating missing ones as containers if create is set. NULL if a step is missing.
 */
static Object *path_walk(Object *start, const char *path, bool create)
{
    Object *obj = start;
    const char *p = path;

    while (obj && *p) {
        size_t len = strcspn(p, "/");
        if (len) {
            char *name = xasprintf("%.*s", (int)len, p);
            Object *child = object_child(obj, name);
            if (!child && create) {
                child = object_new(TYPE_CONTAINER);
                object_property_add_child(obj, name, child);
                object_unref(child);
            }
            free(name);
            obj = child;
        }
        p += len + (p[len] == '/');
    }
    return obj;
}

Object *object_resolve_path(const char *path)
{
    if (!path || path[0] != '/') {
        return NULL;
    }
    return path_walk(object_get_root(), path, false);
}

static size_t canonical_path_len(Object *obj)
{
    size_t len = 0;

    for (; obj->parent; obj = obj->parent) {
        len += 1 + strlen(obj->name);
    }
    return len;
}

char *object_get_canonical_path(Object *obj)
{
    Object *top = obj;

    while (top->parent) {
        top = top->parent;
    }
    if (top != object_get_root()) {
        return NULL; /* not in the tree: it has no path */
    }
    if (obj == top) {
        return xstrdup("/");
    }
    /* Fill the buffer from the end, since the walk goes from the leaf up. */
    size_t len = canonical_path_len(obj);
    char *path = xmalloc(len + 1);
    path[len] = '\0';
    for (; obj->parent; obj = obj->parent) {
        size_t n = strlen(obj->name);
        len -= n;
        memcpy(path + len, obj->name, n);
        path[--len] = '/';
    }
    return path;
}

Object *container_get(Object *root, const char *path)
{
    return path_walk(root, path, true);
}

static const TypeInfo container_info = {
    .name = TYPE_CONTAINER,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
};

static void container_register_types(void)
{
    type_register_static(&container_info);
}

type_init(container_register_types)
