/*
 * The -netdev, -nic and legacy -net command-line options (QEMU syntax):
 *     -netdev user,id=n0,hostfwd=tcp::5555-:23,hostfwd=udp::6000-:60
 *     -nic user,model=virtio-net-pci,mac=52:54:00:12:34:60,hostfwd=tcp::2222-:22
 *     -net nic[,model=M][,macaddr=MAC][,netdev=ID] -net user[,backend options]
 * -net nic and -net backends without netdev= are ports of hub 0 (net/hub.c).
 * Backend keys may repeat (hostfwd, dnssearch): keyval_parse_repeatable splits them.
 */
#include <ctype.h>

#include "net/hub.h"
#include "net/net.h"
#include "net/slirp.h"
#include "qom/object.h"
#include "util/option.h"

/* The -nic model used when the machine names none (a PCI card, as QEMU's virt), or "virtio". */
#define NIC_DEFAULT_MODEL "virtio-net-pci"
/* The NIC device types model= may name (those this binary has). */
static const char *const nic_models[] = {NIC_DEFAULT_MODEL, "virtio-net-device", "e1000e"};

/* Backend types QEMU knows that Kestrel does not implement yet: a clear "not yet" for them. */
static const char *const unsupported_backends[] = {
    "tap",     "bridge", "socket",     "stream",       "dgram",
    "vde",     "l2tpv3", "netmap",     "vhost-user",   "vhost-vdpa",
    "hubport", "af-xdp", "vmnet-host", "vmnet-shared", "vmnet-bridged",
};

/* The value of a key that may appear at most once; NULL if absent. */
static bool opts_get_single(const KeyValueList *kv, const char *key, const char **value,
                            Error **errp)
{
    *value = NULL;
    for (int i = 0; i < kv->count; i++) {
        if (strcmp(kv->items[i].key, key)) {
            continue;
        }
        if (*value) {
            error_setg(errp, "parameter '%s' given twice", key);
            return false;
        }
        *value = kv->items[i].value;
    }
    return true;
}

/* A copy of kv without the given keys (the ones this layer consumed). */
static void opts_without(const KeyValueList *kv, const char *const *skip, KeyValueList *out)
{
    *out = (KeyValueList){0};
    for (int i = 0; i < kv->count; i++) {
        bool skipped = false;
        for (const char *const *s = skip; *s; s++) {
            skipped |= !strcmp(kv->items[i].key, *s);
        }
        if (!skipped) {
            keyval_add(out, xstrdup(kv->items[i].key), xstrdup(kv->items[i].value));
        }
    }
}

/* QEMU's rule for ids: a letter, then letters, digits, '-', '.', '_'. */
static bool id_wellformed(const char *id)
{
    if (!isalpha((unsigned char)id[0])) {
        return false;
    }
    for (const char *p = id; *p; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("-._", *p)) {
            return false;
        }
    }
    return true;
}

static bool backend_create(const char *type, const char *id, const KeyValueList *opts, Error **errp)
{
    if (!strcmp(type, "user")) {
        return net_slirp_init(id, opts, errp) != NULL;
    }
    for (size_t i = 0; i < ARRAY_SIZE(unsupported_backends); i++) {
        if (!strcmp(type, unsupported_backends[i])) {
            error_setg(errp, "netdev '%s' is not supported yet", type);
            return false;
        }
    }
    error_setg(errp, "'%s' is not a valid netdev backend type (supported: user)", type);
    return false;
}

/* auto_id: the id was made up by -nic and breaks the user-id rule on purpose. */
static bool netdev_add_parsed(const KeyValueList *kv, bool auto_id, Error **errp)
{
    static const char *const consumed[] = {"type", "id", NULL};
    const char *type = keyval_get(kv, "type");
    const char *id;
    KeyValueList backend_opts;
    bool ok;

    if (!type || !*type) {
        error_setg(errp, "a netdev type is required (e.g. -netdev user,id=net0)");
        return false;
    }
    if (!opts_get_single(kv, "id", &id, errp)) {
        return false;
    }
    if (!id) {
        error_setg(errp, "parameter 'id' is missing");
        return false;
    }
    if (!auto_id && !id_wellformed(id)) {
        error_setg(errp, "parameter 'id' expects an identifier, not '%s'", id);
        return false;
    }
    if (net_find_netdev(id)) {
        error_setg(errp, "duplicate ID '%s' for netdev", id);
        return false;
    }
    opts_without(kv, consumed, &backend_opts);
    ok = backend_create(type, id, &backend_opts, errp);
    keyval_free(&backend_opts);
    return ok;
}

bool netdev_add(const char *optstr, Error **errp)
{
    KeyValueList kv;
    bool ok;

    if (!keyval_parse_repeatable(optstr, "type", &kv, errp)) {
        return false;
    }
    ok = netdev_add_parsed(&kv, false, errp);
    keyval_free(&kv);
    return ok;
}

/* ---- -nic ---- */

static bool nic_model_exists(const char *model)
{
    for (size_t i = 0; i < ARRAY_SIZE(nic_models); i++) {
        if (!strcmp(model, nic_models[i])) {
            return object_class_by_name(model) != NULL;
        }
    }
    return false;
}

/* The device type for model= (NULL: the machine's default_model, itself NULL for ours). */
static bool nic_resolve_model(const char *model, const char *default_model, const char **type,
                              Error **errp)
{
    if (!model) {
        model = default_model ? default_model : NIC_DEFAULT_MODEL;
    } else if (!strcmp(model, "virtio")) {
        model = NIC_DEFAULT_MODEL;
    }
    if (nic_model_exists(model)) {
        *type = model;
        return true;
    }
    char avail[128] = "";

    for (size_t i = 0; i < ARRAY_SIZE(nic_models); i++) {
        if (nic_model_exists(nic_models[i])) {
            size_t n = strlen(avail);

            snprintf(avail + n, sizeof(avail) - n, "%s%s", n ? ", " : "", nic_models[i]);
        }
    }
    error_setg(errp, "NIC model '%s' is not supported (available: %s)", model, avail);
    return false;
}

/* An id no -netdev uses: "__nic0", "__nic1", ... (user ids cannot start with '_'). */
static char *nic_auto_id(void)
{
    for (int i = 0;; i++) {
        char *id = xasprintf("__nic%d", i);
        if (!net_find_netdev(id)) {
            return id;
        }
        free(id);
    }
}

static bool nic_add_parsed(const KeyValueList *kv, const char *default_model, char **device_opts,
                           Error **errp)
{
    static const char *const consumed[] = {"type", "model", "mac", NULL};
    const char *type = keyval_get(kv, "type");
    const char *model, *mac, *nic_type;
    uint8_t macaddr[ETH_ALEN];
    KeyValueList netdev_opts;
    char *id = NULL;
    bool ok;

    if (!opts_get_single(kv, "model", &model, errp) || !opts_get_single(kv, "mac", &mac, errp) ||
        !nic_resolve_model(model, default_model, &nic_type, errp)) {
        return false;
    }
    if (mac && !net_parse_macaddr(mac, macaddr, errp)) {
        return false;
    }
    opts_without(kv, consumed, &netdev_opts);
    /* The netdev keeps a user-given id (QEMU accepts -nic user,id=x); otherwise invent one. */
    if (!keyval_get(&netdev_opts, "id")) {
        id = nic_auto_id();
        keyval_add(&netdev_opts, xstrdup("id"), xstrdup(id));
    }
    keyval_add(&netdev_opts, xstrdup("type"), xstrdup(type));
    ok = netdev_add_parsed(&netdev_opts, id != NULL, errp);
    if (ok) {
        *device_opts =
            xasprintf("%s,netdev=%s%s%s", nic_type, id ? id : keyval_get(&netdev_opts, "id"),
                      mac ? ",mac=" : "", mac ? mac : "");
    }
    keyval_free(&netdev_opts);
    free(id);
    return ok;
}

/* What -nic or -net does with a parsed option whose type is not "none". */
typedef bool NetOptionFn(const KeyValueList *kv, const char *default_model, char **device_opts,
                         Error **errp);

/*
 * -nic and -net: parse optstr (its first word is the type), refuse a missing type with the
 * message `missing`, accept "none" alone, and hand anything else to add.
 */
static bool net_option_add(const char *option, const char *missing, const char *optstr,
                           NetOptionFn *add, const char *default_model, char **device_opts,
                           Error **errp)
{
    KeyValueList kv;
    const char *type;
    bool ok;

    *device_opts = NULL;
    if (!keyval_parse_repeatable(optstr, "type", &kv, errp)) {
        return false;
    }
    type = keyval_get(&kv, "type");
    if (!type || !*type) {
        error_setg(errp, "%s", missing);
        ok = false;
    } else if (!strcmp(type, "none")) {
        ok = kv.count == 1;
        if (!ok) {
            error_setg(errp, "%s none takes no options", option);
        }
    } else {
        ok = add(&kv, default_model, device_opts, errp);
    }
    keyval_free(&kv);
    return ok;
}

bool net_nic_add(const char *optstr, char **device_opts, Error **errp)
{
    return net_nic_add_model(optstr, NULL, device_opts, errp);
}

bool net_nic_add_model(const char *optstr, const char *default_model, char **device_opts,
                       Error **errp)
{
    return net_option_add("-nic", "a NIC type is required (e.g. -nic user or -nic none)", optstr,
                          nic_add_parsed, default_model, device_opts, errp);
}

/* ---- legacy -net ---- */

void net_print_nic_models(FILE *out)
{
    fprintf(out, "Available NIC models:\n");
    for (size_t i = 0; i < ARRAY_SIZE(nic_models); i++) {
        if (nic_model_exists(nic_models[i])) {
            fprintf(out, "%s\n", nic_models[i]);
        }
    }
}

/* -net nic: a NIC on hub 0 (or on netdev=), as a -device string for the caller. */
static bool net_legacy_nic(const KeyValueList *kv, const char *default_model, char **device_opts,
                           Error **errp)
{
    static const char *const known[] = {"type", "model", "macaddr", "netdev", "name", "id", NULL};
    const char *model = keyval_get(kv, "model"), *mac = keyval_get(kv, "macaddr");
    const char *netdev = keyval_get(kv, "netdev"), *nic_type;
    uint8_t macaddr[ETH_ALEN];

    for (int i = 0; i < kv->count; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, kv->items[i].key)) {
            k++;
        }
        if (!*k) {
            error_setg(errp, "Invalid parameter '%s'", kv->items[i].key);
            return false;
        }
    }
    if (!nic_resolve_model(model, default_model, &nic_type, errp) ||
        (mac && !net_parse_macaddr(mac, macaddr, errp))) {
        return false;
    }
    if (!netdev) {
        netdev = net_hub_add_nic_port(0)->name;
    }
    *device_opts =
        xasprintf("%s,netdev=%s%s%s", nic_type, netdev, mac ? ",mac=" : "", mac ? mac : "");
    return true;
}

/* -net TYPE[,id=|name=][,backend options]: a backend on hub 0. */
static bool net_legacy_backend(const KeyValueList *kv, Error **errp)
{
    static const char *const consumed[] = {"id", "name", NULL};
    const char *id = keyval_get(kv, "id") ? keyval_get(kv, "id") : keyval_get(kv, "name");
    char *auto_id = NULL;
    KeyValueList opts;
    bool ok;

    opts_without(kv, consumed, &opts);
    if (!id) {
        for (int i = 0; !auto_id || net_find_netdev(auto_id); i++) {
            free(auto_id);
            auto_id = xasprintf("__net%d", i);
        }
        id = auto_id;
    }
    keyval_add(&opts, xstrdup("id"), xstrdup(id));
    ok = netdev_add_parsed(&opts, auto_id != NULL, errp) &&
         net_hub_connect_backend(0, net_find_netdev(id), errp);
    keyval_free(&opts);
    free(auto_id);
    return ok;
}

/* -net nic (a card on hub 0) or -net TYPE (a backend joined to hub 0). */
static bool net_legacy_parsed(const KeyValueList *kv, const char *default_model, char **device_opts,
                              Error **errp)
{
    if (!strcmp(keyval_get(kv, "type"), "nic")) {
        return net_legacy_nic(kv, default_model, device_opts, errp);
    }
    return net_legacy_backend(kv, errp);
}

bool net_legacy_add(const char *optstr, char **device_opts, Error **errp)
{
    return net_legacy_add_model(optstr, NULL, device_opts, errp);
}

bool net_legacy_add_model(const char *optstr, const char *default_model, char **device_opts,
                          Error **errp)
{
    return net_option_add("-net", "a type is required (e.g. -net nic or -net user)", optstr,
                          net_legacy_parsed, default_model, device_opts, errp);
}
