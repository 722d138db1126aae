/*
 * Commands on the object tree and on guest memory, shared by QMP and HMP:
 * qom-list, qom-get, qom-set, device_add, device_del, memsave, pmemsave,
 * human-monitor-command.
 */
#include <errno.h>

#include "hw/core/boards.h"
#include "hw/core/qdev.h"
#include "monitor-internal.h"
#include "system/runstate.h"

static const char *arg_str(json_object *args, const char *name)
{
    json_object *v;

    return json_object_object_get_ex(args, name, &v) ? json_object_get_string(v) : NULL;
}

static int64_t arg_int(json_object *args, const char *name, int64_t dflt)
{
    json_object *v;

    return json_object_object_get_ex(args, name, &v) ? json_object_get_int64(v) : dflt;
}

static Object *resolve_or_fail(MonitorCmdCtx *ctx, const char *path, Error **errp)
{
    Object *obj = object_resolve_path(path);

    if (!obj) {
        ctx->err_class = QMP_ERROR_DEVICE_NOT_FOUND;
        error_setg(errp, "Device '%s' not found", path);
    }
    return obj;
}

/* ---- qom-list ---- */

static const char *prop_type_name(const Property *p, char *buf, size_t len)
{
    static const char *const names[] = {
        [PROP_BOOL] = "bool", [PROP_INT] = "int",    [PROP_UINT32] = "uint32",
        [PROP_SIZE] = "size", [PROP_STRING] = "str", [PROP_LINK] = "link"};

    if (p->type == PROP_LINK) {
        snprintf(buf, len, "link<%s>", p->link_type ? p->link_type : "object");
        return buf;
    }
    return names[p->type];
}

static void add_entry(json_object *list, const char *name, const char *type)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "type", json_object_new_string(type));
    json_object_array_add(list, o);
}

static void add_child(Object *child, void *opaque)
{
    char *type = xasprintf("child<%s>", object_get_typename(child));

    add_entry(opaque, child->name, type);
    free(type);
}

json_object *cmd_qom_list(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    Object *obj = resolve_or_fail(ctx, arg_str(args, "path"), errp);
    json_object *ret;
    char buf[128];

    if (!obj) {
        return NULL;
    }
    ret = json_object_new_array();
    add_entry(ret, "type", "string");
    for (size_t i = 0; i < obj->klass->nprops; i++) {
        const Property *p = obj->klass->props[i];
        add_entry(ret, p->name, prop_type_name(p, buf, sizeof(buf)));
    }
    object_child_foreach(obj, add_child, ret);
    return ret;
}

void hmp_print_qom_list(Monitor *mon, json_object *ret)
{
    for (size_t i = 0; i < json_object_array_length(ret); i++) {
        json_object *o = json_object_array_get_idx(ret, i);
        monitor_printf(mon, "%s (%s)\n", json_object_get_string(json_object_object_get(o, "name")),
                       json_object_get_string(json_object_object_get(o, "type")));
    }
}

/* ---- qom-get / qom-set ---- */

static const Property *find_prop(Object *obj, const char *name, Error **errp)
{
    const Property *p = object_property_find(obj, name);

    if (!p) {
        error_setg(errp, "Property '%s.%s' not found", object_get_typename(obj), name);
    }
    return p;
}

json_object *cmd_qom_get(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    Object *obj = resolve_or_fail(ctx, arg_str(args, "path"), errp);
    const char *name = arg_str(args, "property");
    const Property *p;
    Object *child;
    char *text;
    json_object *ret;

    if (!obj) {
        return NULL;
    }
    if (!strcmp(name, "type")) {
        return json_object_new_string(object_get_typename(obj));
    }
    if ((child = object_child(obj, name))) {
        text = object_get_canonical_path(child);
        ret = json_object_new_string(text);
        free(text);
        return ret;
    }
    if (!(p = find_prop(obj, name, errp))) {
        return NULL;
    }
    switch (p->type) {
    case PROP_BOOL:
        return json_object_new_boolean(object_property_get_bool(obj, name, errp));
    case PROP_INT:
    case PROP_UINT32:
    case PROP_SIZE:
        return json_object_new_int64(object_property_get_int(obj, name, errp));
    default:
        text = object_property_print(obj, name, errp);
        ret = text ? json_object_new_string(text) : NULL;
        free(text);
        return ret;
    }
}

void hmp_print_json(Monitor *mon, json_object *ret)
{
    monitor_printf(mon, "%s\n", json_object_to_json_string_ext(ret, JSON_C_TO_STRING_PRETTY));
}

/* The JSON type a property's value must have, as QMP's visitors check it. */
static bool qom_value_to_text(const Property *p, json_object *v, char **text, Error **errp)
{
    json_type want = p->type == PROP_BOOL                             ? json_type_boolean
                     : p->type == PROP_STRING || p->type == PROP_LINK ? json_type_string
                                                                      : json_type_int;
    static const char *const names[] = {[json_type_boolean] = "boolean",
                                        [json_type_string] = "string",
                                        [json_type_int] = "integer"};

    if (!json_object_is_type(v, want)) {
        error_setg(errp, "Invalid parameter type for '%s', expected: %s", p->name, names[want]);
        return false;
    }
    *text = want == json_type_boolean ? xstrdup(json_object_get_boolean(v) ? "on" : "off")
                                      : xstrdup(json_object_get_string(v));
    return true;
}

json_object *cmd_qom_set(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    Object *obj = resolve_or_fail(ctx, arg_str(args, "path"), errp);
    const char *name = arg_str(args, "property");
    json_object *value = json_object_object_get(args, "value");
    const Property *p;
    char *text = NULL;

    if (!obj || !(p = find_prop(obj, name, errp))) {
        return NULL;
    }
    /* HMP gives every value as a string: let the property parse it. */
    if (ctx->mon && !ctx->mon->qmp && json_object_is_type(value, json_type_string)) {
        text = xstrdup(json_object_get_string(value));
    } else if (!qom_value_to_text(p, value, &text, errp)) {
        return NULL;
    }
    object_property_parse(obj, name, text, errp);
    free(text);
    return NULL;
}

/* ---- devices ---- */

typedef struct FindDev {
    const char *id;
    DeviceState *found;
} FindDev;

static void find_dev(Object *obj, void *opaque)
{
    FindDev *f = opaque;
    DeviceState *dev = (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE);

    if (dev && dev->id && !strcmp(dev->id, f->id)) {
        f->found = dev;
    }
    if (!f->found) {
        object_child_foreach(obj, find_dev, f);
    }
}

static DeviceState *find_device(const char *id)
{
    FindDev f = {id, NULL};
    Object *obj = object_resolve_path(id);

    if (id[0] == '/') {
        return obj ? (DeviceState *)object_dynamic_cast(obj, TYPE_DEVICE) : NULL;
    }
    object_child_foreach(object_get_root(), find_dev, &f);
    return f.found;
}

/* {"driver": "x", "id": "d", "prop": value} -> "x,id=d,prop=value" (commas doubled). */
static void append_opt(char **opts, const char *key, const char *val)
{
    size_t len = strlen(*opts);
    size_t need = len + (key ? strlen(key) : 0) + 2 * strlen(val) + 3;
    char *p;

    *opts = xrealloc(*opts, need);
    p = *opts + len;
    p += sprintf(p, "%s%s%s", len ? "," : "", key ? key : "", key ? "=" : "");
    for (const char *v = val; *v; v++) {
        if (*v == ',') {
            *p++ = ',';
        }
        *p++ = *v;
    }
    *p = '\0';
}

json_object *cmd_device_add(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    char *opts = xzalloc(1);

    /* The virt board's virtio-mmio transports are probed once, at boot. */
    if (runstate_get() != RUN_STATE_PRELAUNCH) {
        error_setg(errp, "Bus 'virtio-mmio-bus' does not support hotplugging (start with -S "
                         "and add devices before cont)");
        free(opts);
        return NULL;
    }
    append_opt(&opts, NULL, arg_str(args, "driver"));
    json_object_object_foreach(args, key, val)
    {
        if (!val || json_object_is_type(val, json_type_object) ||
            json_object_is_type(val, json_type_array)) {
            error_setg(errp, "Invalid parameter type for '%s', expected: string", key);
            free(opts);
            return NULL;
        }
        if (strcmp(key, "driver") != 0) {
            append_opt(&opts, key,
                       json_object_is_type(val, json_type_boolean)
                           ? (json_object_get_boolean(val) ? "on" : "off")
                           : json_object_get_string(val));
        }
    }
    qdev_device_add(opts, errp);
    free(opts);
    return NULL;
}

json_object *cmd_device_del(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    const char *id = arg_str(args, "id");
    DeviceState *dev = find_device(id);

    MachineClass *mc = current_machine ? MACHINE_GET_CLASS(current_machine) : NULL;
    char *path;

    if (!dev) {
        ctx->err_class = QMP_ERROR_DEVICE_NOT_FOUND;
        error_setg(errp, "Device '%s' not found", id);
        return NULL;
    }
    /* As device_add: only while the guest has not run and probed the transports. */
    if (runstate_get() != RUN_STATE_PRELAUNCH || !mc || !mc->device_unplug) {
        error_setg(errp, "Device '%s' does not support hotplugging", id);
        return NULL;
    }
    if (!mc->device_unplug(current_machine, dev, errp)) {
        return NULL;
    }
    path = object_get_canonical_path(OBJECT(dev));
    object_unparent(OBJECT(dev));
    qmp_event_device_deleted(id, path);
    free(path);
    return NULL;
}

/* ---- memory dumps ---- */

static json_object *save_memory(json_object *args, bool physical, Error **errp)
{
    uint64_t addr = arg_int(args, "val", 0), size = arg_int(args, "size", 0);
    const char *filename = arg_str(args, "filename");
    int cpu_index = (int)arg_int(args, "cpu-index", 0);
    uint8_t buf[4096];
    FILE *f = fopen(filename, "wb");
    bool ok = true;

    if (!f) {
        error_setg_errno(errp, errno, "Could not open '%s'", filename);
        return NULL;
    }
    for (uint64_t done = 0; ok && done < size; done += sizeof(buf)) {
        uint64_t n = MIN(sizeof(buf), size - done);
        ok = physical ? monitor_read_phys(addr + done, buf, n, NULL)
                      : monitor_read_virt(cpu_index, addr + done, buf, n, NULL);
        if (!ok) {
            error_setg(errp, "Invalid addr 0x%016" PRIx64 "/size %" PRIu64 " specified", addr,
                       size);
        } else if (fwrite(buf, 1, n, f) != n) {
            error_setg_errno(errp, errno, "writing memory to '%s'", filename);
            ok = false;
        }
    }
    fclose(f);
    return NULL;
}

json_object *cmd_memsave(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return save_memory(args, false, errp);
}

json_object *cmd_pmemsave(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    return save_memory(args, true, errp);
}

/* ---- HMP from QMP ---- */

json_object *cmd_human_monitor_command(MonitorCmdCtx *ctx, json_object *args, Error **errp)
{
    Monitor *cap = monitor_capture_begin();
    char *text;
    json_object *ret;

    hmp_handle_line(cap, arg_str(args, "command-line"));
    text = monitor_capture_end(cap);
    ret = json_object_new_string(text);
    free(text);
    return ret;
}
