/*
 * -object: user-created objects (include/qom/object_interfaces.h).
 */
#include <ctype.h>

#include "qom/object_interfaces.h"

#include "util/option.h"

static ObjectClass *user_creatable_class(const char *type, const char *optstr, Error **errp)
{
    ObjectClass *oc = type ? object_class_by_name(type) : NULL;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_USER_CREATABLE) ||
        object_class_is_abstract(oc)) {
        error_setg(errp, "-object %s: invalid object type '%s' (-object help lists them)", optstr,
                   type ? type : "");
        return NULL;
    }
    return oc;
}

/* An id as QEMU takes it: a letter, then letters, digits, '-', '.', '_'. */
static bool id_is_valid(const char *id)
{
    if (!id || !isalpha((unsigned char)id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static bool user_creatable_set_props(Object *obj, const KeyValueList *kv, Error **errp)
{
    for (int i = 0; i < kv->count; i++) {
        const char *k = kv->items[i].key;
        if (strcmp(k, "qom-type") && strcmp(k, "id") &&
            !object_property_parse(obj, k, kv->items[i].value, errp)) {
            return false;
        }
    }
    return true;
}

static Object *user_creatable_add(const KeyValueList *kv, const char *optstr, Error **errp)
{
    ObjectClass *oc = user_creatable_class(keyval_get(kv, "qom-type"), optstr, errp);
    const char *id = keyval_get(kv, "id");
    UserCreatableClass *uc;
    Object *obj;
    Error *err = NULL;

    if (!oc) {
        return NULL;
    }
    if (!id_is_valid(id)) {
        error_setg(errp, "-object %s: %s", optstr,
                   id ? "invalid id (a letter, then letters, digits, '-', '.', '_')"
                      : "parameter 'id' is missing");
        return NULL;
    }
    if (user_creatable_find(id)) {
        error_setg(errp, "-object %s: an object with id '%s' already exists", optstr, id);
        return NULL;
    }
    obj = object_new(object_class_get_name(oc));
    uc = USER_CREATABLE_GET_CLASS(obj);
    if (!user_creatable_set_props(obj, kv, &err) || (uc->complete && !uc->complete(obj, &err))) {
        error_prepend(&err, "-object %s: ", optstr);
        error_propagate(errp, err);
        object_unref(obj);
        return NULL;
    }
    object_property_add_child(container_get(object_get_root(), "/objects"), id, obj);
    object_unref(obj); /* the tree holds it */
    return obj;
}

Object *user_creatable_add_from_str(const char *optstr, Error **errp)
{
    KeyValueList kv;
    Object *obj;
    bool json = optstr[strspn(optstr, " \t\n")] == '{';

    if (!(json ? keyval_parse_json(optstr, &kv, errp)
               : keyval_parse(optstr, "qom-type", &kv, errp))) {
        error_prepend(errp, "-object %s: ", optstr);
        return NULL;
    }
    obj = user_creatable_add(&kv, optstr, errp);
    keyval_free(&kv);
    return obj;
}

Object *user_creatable_find(const char *id)
{
    Object *objects = container_get(object_get_root(), "/objects");

    return object_child(objects, id);
}

static void print_object_type(ObjectClass *oc, void *opaque)
{
    UserCreatableClass *uc = USER_CREATABLE_CLASS(oc);

    fprintf(opaque, "%-20s %s\n", object_class_get_name(oc), uc->desc ? uc->desc : "");
}

void user_creatable_print_help(FILE *out)
{
    fprintf(out, "List of user creatable objects:\n");
    object_class_foreach(TYPE_USER_CREATABLE, false, print_object_type, out);
}

static const TypeInfo user_creatable_info = {
    .name = TYPE_USER_CREATABLE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(Object),
    .class_size = sizeof(UserCreatableClass),
    .abstract = true,
};

static void user_creatable_register_types(void)
{
    type_register_static(&user_creatable_info);
}

type_init(user_creatable_register_types)
