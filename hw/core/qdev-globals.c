/*
 * Global property defaults (-global): see include/hw/core/qdev-globals.h.
 *
 * The list is a process singleton, like the type registry: the command line
 * fills it before the board exists, so every device the board creates sees it.
 * Values are checked when registered (on a throw-away instance of a concrete
 * driver), so applying them at creation cannot fail in practice; should it,
 * the error is reported, not ignored.
 */
#include "hw/core/qdev-globals.h"

typedef struct GlobalProp {
    char *driver;
    char *property;
    char *value;
} GlobalProp;

static GlobalProp *globals;
static int nglobals;

/* A throw-away instance takes the value as the real devices will. */
static bool global_check_value(ObjectClass *oc, const char *prop, const char *value, Error **errp)
{
    Object *obj;
    bool ok;

    if (object_class_is_abstract(oc)) {
        return true;
    }
    obj = object_new(object_class_get_name(oc));
    ok = object_property_parse(obj, prop, value, errp);
    object_unref(obj);
    return ok;
}

bool qdev_global_add(const char *str, Error **errp)
{
    const char *dot = strchr(str, '.'), *eq = dot ? strchr(dot, '=') : NULL;
    char *driver, *prop;
    ObjectClass *oc;
    bool ok = false;

    if (!dot || !eq || dot == str || eq == dot + 1) {
        error_setg(errp, "-global %s: expected DRIVER.PROPERTY=VALUE", str);
        return false;
    }
    driver = xasprintf("%.*s", (int)(dot - str), str);
    prop = xasprintf("%.*s", (int)(eq - dot - 1), dot + 1);
    oc = object_class_by_name(driver);
    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE)) {
        error_setg(errp, "-global %s: '%s' is not a device type (-device help lists them)", str,
                   driver);
    } else if (!object_class_find_property(oc, prop)) {
        error_setg(errp, "-global %s: '%s' has no property '%s'", str, driver, prop);
    } else if (global_check_value(oc, prop, eq + 1, errp)) {
        globals = xrealloc(globals, (nglobals + 1) * sizeof(*globals));
        globals[nglobals++] = (GlobalProp){driver, prop, xstrdup(eq + 1)};
        return true;
    } else {
        error_prepend(errp, "-global %s: ", str);
    }
    free(driver);
    free(prop);
    return ok;
}

void qdev_apply_globals(DeviceState *dev)
{
    for (int i = 0; i < nglobals; i++) {
        Error *err = NULL;

        if (object_dynamic_cast(OBJECT(dev), globals[i].driver) &&
            !object_property_parse(OBJECT(dev), globals[i].property, globals[i].value, &err)) {
            error_prepend(&err, "-global %s.%s=%s: ", globals[i].driver, globals[i].property,
                          globals[i].value);
            error_report_err(err);
        }
    }
}

void qdev_globals_clear(void)
{
    for (int i = 0; i < nglobals; i++) {
        free(globals[i].driver);
        free(globals[i].property);
        free(globals[i].value);
    }
    free(globals);
    globals = NULL;
    nglobals = 0;
}
