/*
 * Objects the user creates with -object (QEMU's user-creatable objects):
 * backends such as rng-random that devices then name by id. They live under
 * /objects/ID in the composition tree, and their properties are set through
 * the same path as every other object's (object_property_parse).
 */
#ifndef QOM_OBJECT_INTERFACES_H
#define QOM_OBJECT_INTERFACES_H

#include "qom/object.h"

#define TYPE_USER_CREATABLE "user-creatable"

typedef struct UserCreatableClass {
    ObjectClass parent_class;
    const char *desc; /* one line for -object help */
    /* Called once every property is set: open files, check values. False + errp refuses. */
    bool (*complete)(Object *obj, Error **errp);
} UserCreatableClass;

#define USER_CREATABLE_CLASS(oc) OBJECT_CLASS_CHECK(UserCreatableClass, (oc), TYPE_USER_CREATABLE)
#define USER_CREATABLE_GET_CLASS(obj)                                                              \
    OBJECT_GET_CLASS(UserCreatableClass, (obj), TYPE_USER_CREATABLE)

/*
 * -object TYPE,id=ID[,prop=value...] or its JSON form {"qom-type":..,"id":..,..}:
 * create, set properties in order, complete, and add as /objects/ID. The new
 * object (owned by the tree), or NULL + errp naming the option.
 */
Object *user_creatable_add_from_str(const char *optstr, Error **errp);
/* The object the user created with this id, or NULL. */
Object *user_creatable_find(const char *id);
/* List the types -object accepts (-object help). */
void user_creatable_print_help(FILE *out);

#endif
