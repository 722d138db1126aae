/*
 * Devices created by the user (-device, later the monitor's device_add): the
 * option string becomes a device through the same property path the board
 * and -machine use.
 */
#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "util/option.h"

static DeviceClass *user_device_class(const char *driver, const char *optstr, Error **errp)
{
    ObjectClass *oc = driver ? object_class_by_name(driver) : NULL;

    if (!oc || !object_class_dynamic_cast(oc, TYPE_DEVICE) || object_class_is_abstract(oc) ||
        !DEVICE_CLASS(oc)->user_creatable) {
        error_setg(errp,
                   "-device %s: '%s' is not a valid device model name (-device help lists "
                   "them)",
                   optstr, driver ? driver : "");
        return NULL;
    }
    return DEVICE_CLASS(oc);
}

static bool set_device_props(DeviceState *dev, const KeyValueList *kv, Error **errp)
{
    for (int i = 0; i < kv->count; i++) {
        if (strcmp(kv->items[i].key, "driver") != 0 &&
            !object_property_parse(OBJECT(dev), kv->items[i].key, kv->items[i].value, errp)) {
            return false;
        }
    }
    return true;
}

/* The board places the device (or has nothing to do for it). */
static bool machine_device_plug(DeviceState *dev, Error **errp)
{
    MachineClass *mc = current_machine ? MACHINE_GET_CLASS(current_machine) : NULL;

    return !mc || !mc->device_plug || mc->device_plug(current_machine, dev, errp);
}

DeviceState *qdev_device_add(const char *optstr, Error **errp)
{
    KeyValueList kv;
    DeviceClass *dc;
    DeviceState *dev = NULL;
    Error *err = NULL;

    if (!keyval_parse(optstr, "driver", &kv, &err)) {
        goto fail;
    }
    dc = user_device_class(keyval_get(&kv, "driver"), optstr, errp);
    if (!dc) {
        keyval_free(&kv);
        return NULL;
    }
    dev = qdev_new(object_class_get_name(OBJECT_CLASS(dc)));
    if (!set_device_props(dev, &kv, &err) || !qdev_realize(dev, &err) ||
        !machine_device_plug(dev, &err)) {
        goto fail;
    }
    keyval_free(&kv);
    object_unref(OBJECT(dev)); /* the composition tree holds it now */
    return dev;

fail:
    error_prepend(&err, "-device %s: ", optstr);
    error_propagate(errp, err);
    if (dev) {
        object_unparent(OBJECT(dev));
        object_unref(OBJECT(dev));
    }
    keyval_free(&kv);
    return NULL;
}
