/*
 * The device core: TYPE_DEVICE, the realize/reset lifecycle, GPIO lines and
 * the -device help listing (include/hw/core/qdev.h).
 *
 * A device is built in steps so that creating one never has side effects:
 * instance_init sets up its state, the board or command line sets properties,
 * and realize validates them and acquires resources. Reset runs after a
 * successful realize and again on every machine reset.
 */
#include "hw/core/qdev.h"
#include "hw/core/qdev-globals.h"

DeviceState *qdev_new(const char *type)
{
    DeviceState *dev = DEVICE(object_new(type));

    qdev_apply_globals(dev); /* -global defaults, before the creator sets its own values */
    return dev;
}

static void count_child(Object *child, void *opaque)
{
    (*(int *)opaque)++;
}

/* Park a device that nobody placed in the tree as /machine/unattached/device[N]. */
static void qdev_attach_unattached(DeviceState *dev)
{
    Object *unattached = container_get(object_get_root(), "/machine/unattached");
    int n = 0;
    char *name;

    /* Start from the child count: with no removals that is the first free index. */
    object_child_foreach(unattached, count_child, &n);
    for (;; n++) {
        name = xasprintf("device[%d]", n);
        if (!object_child(unattached, name)) {
            break;
        }
        free(name);
    }
    object_property_add_child(unattached, name, OBJECT(dev));
    free(name);
}

bool qdev_realize(DeviceState *dev, Error **errp)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);
    bool attached = false;

    if (dev->realized) {
        return true;
    }
    /* Attach first so that realize already sees the device's canonical path. */
    if (!OBJECT(dev)->parent) {
        qdev_attach_unattached(dev);
        attached = true;
    }
    if (dc->realize && !dc->realize(dev, errp)) {
        if (attached) {
            object_unparent(OBJECT(dev));
        }
        return false;
    }
    dev->realized = true;
    device_reset(dev);
    return true;
}

bool qdev_realize_and_unref(DeviceState *dev, Error **errp)
{
    bool ok = qdev_realize(dev, errp);

    object_unref(OBJECT(dev));
    return ok;
}

static void qdev_gpio_check(DeviceState *dev, int n, int count, const char *dir)
{
    if (n < 0 || n >= count) {
        fprintf(stderr, "kestrel: %s has no gpio-%s line %d (it has %d)\n",
                object_get_typename(OBJECT(dev)), dir, n, count);
        abort();
    }
}

void qdev_init_gpio_in(DeviceState *dev, IRQHandler handler, int n)
{
    int old = dev->num_gpio_in;

    dev->gpio_in = xrealloc(dev->gpio_in, (old + n) * sizeof(*dev->gpio_in));
    for (int i = 0; i < n; i++) {
        dev->gpio_in[old + i] = irq_new(handler, dev, old + i);
    }
    dev->num_gpio_in = old + n;
}

IRQState *qdev_get_gpio_in(DeviceState *dev, int n)
{
    qdev_gpio_check(dev, n, dev->num_gpio_in, "in");
    return dev->gpio_in[n];
}

void qdev_init_gpio_out(DeviceState *dev, IRQState **pins, int n)
{
    int old = dev->num_gpio_out;

    dev->gpio_out = xrealloc(dev->gpio_out, (old + n) * sizeof(*dev->gpio_out));
    for (int i = 0; i < n; i++) {
        dev->gpio_out[old + i] = &pins[i];
    }
    dev->num_gpio_out = old + n;
}

void qdev_connect_gpio_out(DeviceState *dev, int n, IRQState *irq)
{
    qdev_gpio_check(dev, n, dev->num_gpio_out, "out");
    *dev->gpio_out[n] = irq;
}

void device_reset(DeviceState *dev)
{
    DeviceClass *dc = DEVICE_GET_CLASS(dev);

    if (dc->reset) {
        dc->reset(dev);
    }
}

static void qdev_reset_tree(Object *obj, void *opaque)
{
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    /* Children first: a controller resets after the devices that drive its inputs. */
    object_child_foreach(obj, qdev_reset_tree, NULL);
    if (dev && dev->realized) {
        device_reset(dev);
    }
}

void qdev_reset_all(Object *root)
{
    qdev_reset_tree(root, NULL);
}

static void print_device_type(ObjectClass *oc, void *opaque)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    if (!dc->user_creatable) {
        return;
    }
    if (dc->desc) {
        fprintf(opaque, "%s  (%s)\n", object_class_get_name(oc), dc->desc);
    } else {
        fprintf(opaque, "%s\n", object_class_get_name(oc));
    }
}

void qdev_print_device_help(FILE *out)
{
    object_class_foreach(TYPE_DEVICE, false, print_device_type, out);
}

static void device_finalize(Object *obj)
{
    DeviceState *dev = DEVICE(obj);

    irq_free_array(dev->gpio_in, dev->num_gpio_in);
    free(dev->gpio_out);
}

static const Property device_props[] = {
    DEFINE_PROP_STRING("id", DeviceState, id),
    DEFINE_PROP_END,
};

static void device_class_init(ObjectClass *oc, void *data)
{
    object_class_add_props(oc, device_props);
}

static const TypeInfo device_info = {
    .name = TYPE_DEVICE,
    .parent = TYPE_OBJECT,
    .instance_size = sizeof(DeviceState),
    .class_size = sizeof(DeviceClass),
    .abstract = true,
    .class_init = device_class_init,
    .instance_finalize = device_finalize,
};

static void device_register_types(void)
{
    type_register_static(&device_info);
}

type_init(device_register_types)
