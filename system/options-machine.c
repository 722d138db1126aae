/*
 * The machine-shaping options: -m (size, slots, maxmem), -smp (the CPU topology) and
 * -accel / -enable-kvm, checked as QEMU checks them. Split from system/options.c, whose
 * table names these handlers.
 */
#include "options-internal.h"
#include "system/system.h"
#include "system/target-info.h"
#include "util/option.h"

/* The -m keys other than size: slots and maxmem are checked as QEMU checks them. */
static bool memory_hotplug_keys(VLOptions *o, const KeyValueList *kv, Error **errp)
{
    const char *slots = keyval_get(kv, "slots"), *maxmem = keyval_get(kv, "maxmem");
    uint64_t n;

    if (slots && (!parse_uint(slots, &n) || n > 256)) {
        error_setg(errp, "invalid value '%s' for 'slots'", slots);
        return false;
    }
    if (maxmem && !parse_size(maxmem, MiB, &o->ram_maxmem)) {
        error_setg(errp, "invalid value '%s' for 'maxmem'", maxmem);
        return false;
    }
    if (slots && !maxmem) {
        error_setg(errp, "slots specified but no maxmem");
        return false;
    }
    if (maxmem && o->ram_maxmem < o->ram_size) {
        error_setg(errp, "maxmem (%s) must be at least the initial memory size", maxmem);
        return false;
    }
    return true;
}

/* -m [size=]N[KMGT][,slots=N,maxmem=SIZE]: a bare number is MiB; "1.9G" works, as QEMU. */
bool opt_memory(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    KeyValueList kv;
    const char *size;
    bool ok = false;

    if (!keyval_parse(arg, "size", &kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    size = keyval_get(&kv, "size");
    for (int i = 0; i < kv.count; i++) {
        const char *k = kv.items[i].key;
        if (strcmp(k, "size") && strcmp(k, "slots") && strcmp(k, "maxmem")) {
            error_setg(errp, "-%s %s: unknown parameter '%s'", opt, arg, k);
            goto out;
        }
    }
    if (!size) {
        error_setg(errp, "-%s %s: missing 'size'", opt, arg);
    } else if (!parse_size(size, MiB, &o->ram_size) || o->ram_size == 0 ||
               o->ram_size > UINT64_MAX - 8 * KiB) {
        error_setg(errp, "-%s %s: invalid RAM size '%s'", opt, arg, size);
    } else {
        /* QEMU rounds the size up to 8 KiB ("1.9G" is 0x7999a000 bytes). */
        o->ram_size = (o->ram_size + 8 * KiB - 1) & ~(uint64_t)(8 * KiB - 1);
        ok = memory_hotplug_keys(o, &kv, errp);
        if (!ok) {
            error_prepend(errp, "-%s %s: ", opt, arg);
        }
    }
out:
    keyval_free(&kv);
    return ok;
}

static bool smp_field(const KeyValueList *kv, const char *key, unsigned *out, Error **errp)
{
    const char *v = keyval_get(kv, key);
    uint64_t n;

    if (!v) {
        return true;
    }
    if (!parse_uint(v, &n) || n == 0 || n > 4096) {
        error_setg(errp, "invalid %s count '%s'", key, v);
        return false;
    }
    *out = n;
    return true;
}

/* dies= and clusters= exist in QEMU's -smp; virt has neither level, so only 1 is accepted. */
static bool smp_level_absent(const KeyValueList *kv, const char *key, Error **errp)
{
    const char *v = keyval_get(kv, key);
    uint64_t n;

    if (v && (!parse_uint(v, &n) || n != 1)) {
        error_setg(errp, "%s not supported by this machine's CPU topology", key);
        return false;
    }
    return true;
}

/* -smp [cpus=]N[,sockets=S][,cores=C][,threads=T][,maxcpus=M]; the machine checks the product. */
bool opt_smp(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    static const char *const known[] = {"cpus",    "sockets", "cores",   "threads",
                                        "maxcpus", "dies",    "clusters"};
    KeyValueList kv;
    bool ok;

    if (!keyval_parse(arg, "cpus", &kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    if (!smp_level_absent(&kv, "dies", errp) || !smp_level_absent(&kv, "clusters", errp)) {
        keyval_free(&kv);
        return false;
    }
    for (int i = 0; i < kv.count; i++) {
        bool found = false;
        for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
            found |= !strcmp(kv.items[i].key, known[k]);
        }
        if (!found) {
            error_setg(errp, "-%s %s: unknown parameter '%s'", opt, arg, kv.items[i].key);
            keyval_free(&kv);
            return false;
        }
    }
    ok = smp_field(&kv, "cpus", &o->smp_cpus, errp) &&
         smp_field(&kv, "sockets", &o->smp_sockets, errp) &&
         smp_field(&kv, "cores", &o->smp_cores, errp) &&
         smp_field(&kv, "threads", &o->smp_threads, errp) &&
         smp_field(&kv, "maxcpus", &o->smp_maxcpus, errp);
    if (!ok) {
        error_prepend(errp, "-%s %s: ", opt, arg);
    }
    keyval_free(&kv);
    return ok;
}

/*
 * An accelerator name this binary knows: tcg always, kvm where the target has KVM hooks.
 * NULL if known, else what to add to "invalid accelerator NAME" ("" or why kvm is missing).
 */
const char *accel_name_error(const char *name)
{
    if (!strcmp(name, "tcg") || (!strcmp(name, "kvm") && target_info()->kvm)) {
        return NULL;
    }
    return !strcmp(name, "kvm") ? "KVM runs only guests of the host's architecture (use tcg)" : "";
}

/* One -accel's properties: tcg's jit/jit-threshold/thread/tb-size, kvm's kernel-irqchip. */
static bool accel_prop(VLOptions *o, const char *name, const char *k, const char *v, Error **errp)
{
    bool tcg = !strcmp(name, "tcg"), b;
    uint64_t mib;

    if (tcg && !strcmp(k, "tb-size")) {
        if (!parse_uint(v, &mib) || mib > 4096) { /* checked; the code cache sizes itself */
            error_setg(errp, "invalid tb-size '%s' (MiB)", v);
            return false;
        }
    } else if (tcg && !strcmp(k, "thread")) {
        if (strcmp(v, "multi") && strcmp(v, "single")) {
            error_setg(errp, "invalid value '%s' for '%s'", v, k);
            return false;
        }
        o->thread_multi |= !strcmp(v, "multi");
    } else if (tcg && !strcmp(k, "jit")) {
        if (!parse_bool(v, &b)) {
            error_setg(errp, "invalid value '%s' for '%s'", v, k);
            return false;
        }
        o->jit_set = true, o->jit = b;
    } else if (tcg && !strcmp(k, "jit-threshold")) {
        if (!parse_uint(v, &mib) || mib < 1 || mib > UINT16_MAX) {
            error_setg(errp, "invalid jit-threshold '%s' (1 to %u runs)", v, UINT16_MAX);
            return false;
        }
        o->jit_threshold = (unsigned)mib;
    } else if (!tcg && !strcmp(k, "kernel-irqchip")) {
        /* The PC's interrupt controllers are Kestrel's own devices, in user space. */
        if (strcmp(v, "off")) {
            error_setg(errp,
                       "kernel-irqchip=%s is not supported (only off: the interrupt "
                       "controllers run in user space)",
                       v);
            return false;
        }
    } else {
        error_setg(errp, "unknown parameter '%s'", k);
        return false;
    }
    return true;
}

/* -accel NAME[,props]; several are tried in order (QEMU's fallback), as -machine accel=A:B. */
bool opt_accel(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    KeyValueList kv;
    const char *name = NULL, *why;
    bool ok = true;

    if (!keyval_parse(arg, "accel", &kv, errp)) {
        error_prepend(errp, "-%s %s: ", opt, arg);
        return false;
    }
    for (int i = 0; i < kv.count && ok; i++) {
        const char *k = kv.items[i].key, *v = kv.items[i].value;
        if (!strcmp(k, "accel")) {
            name = v;
            if ((why = accel_name_error(v))) {
                error_setg(errp, "invalid accelerator %s%s%s", v, *why ? ": " : "", why);
                ok = false;
            }
        } else {
            ok = accel_prop(o, name ? name : "tcg", k, v, errp);
        }
    }
    if (ok && o->naccel == MAX_ACCELS) {
        error_setg(errp, "too many -accel options (at most %d)", MAX_ACCELS);
        ok = false;
    }
    if (ok) {
        snprintf(o->accel[o->naccel].name, sizeof(o->accel[o->naccel].name), "%s",
                 name ? name : "tcg");
        o->accel[o->naccel++].arg = arg;
    } else {
        error_prepend(errp, "-%s %s: ", opt, arg);
    }
    keyval_free(&kv);
    return ok;
}

/* -enable-kvm: -accel kvm. */
bool opt_enable_kvm(VLOptions *o, const char *opt, const char *arg, Error **errp)
{
    return opt_accel(o, "accel", "kvm", errp);
}
