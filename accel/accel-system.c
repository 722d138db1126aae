/*
 * The accelerator a machine runs on (include/system/accel.h). TCG needs nothing started: it
 * is the vCPU threads' default exec. KVM opens /dev/kvm and creates a KVM vCPU per CPU.
 */
#include "system/accel.h"

#include <string.h>

#include "hw/core/cpu.h"
#include "system/icount.h"
#include "system/kvm.h"
#include "system/target-info.h"

static void add_choice(AccelChoices *out, const char *name, const char *opt)
{
    if (out->n < MAX_ACCEL_CHOICES) {
        out->c[out->n].name = xstrdup(name);
        out->c[out->n++].opt = opt ? xstrdup(opt) : NULL;
    }
}

bool accel_choices(const VLOptions *o, KeyValueList *machine_kv, AccelChoices *out, Error **errp)
{
    memset(out, 0, sizeof(*out));
    for (int i = 0; i < machine_kv->count; i++) {
        KeyValue *kv = &machine_kv->items[i];
        if (strcmp(kv->key, "accel")) {
            continue;
        }
        if (o->naccel) {
            error_setg(errp, "The -accel and \"-machine accel=\" options are incompatible");
            return false;
        }
        for (char *save = NULL, *name = strtok_r(kv->value, ":", &save); name;
             name = strtok_r(NULL, ":", &save)) {
            add_choice(out, name, NULL);
        }
        free(kv->key);
        free(kv->value);
        machine_kv->items[i] = machine_kv->items[--machine_kv->count];
        break;
    }
    for (int i = 0; i < o->naccel; i++) {
        char opt[256];
        snprintf(opt, sizeof(opt), "-accel %s", o->accel[i].arg);
        add_choice(out, o->accel[i].name, opt);
    }
    if (!out->n) {
        add_choice(out, "tcg", NULL);
    }
    return true;
}

static bool start_kvm(Error **errp)
{
    CPUState *cpu;

    if (icount_enabled()) {
        error_setg(errp, "-icount is not allowed with hardware virtualization");
        return false;
    }
    if (!kvm_init(target_info()->kvm, errp)) {
        return false;
    }
    if (first_cpu && first_cpu->next_cpu) {
        /* The local APIC's INIT/SIPI reach only interpreted harts so far (target/i386/kvm.c). */
        error_setg(errp, "kvm: -smp above 1 is not supported yet (the APs would never start)");
        kvm_allowed = false;
        return false;
    }
    CPU_FOREACH (cpu) {
        if (!kvm_init_vcpu(cpu, errp)) {
            kvm_allowed = false; /* what follows (a fallback, or the exit) runs without it */
            return false;
        }
    }
    return true;
}

static bool start_one(const char *name, Error **errp)
{
    const char *why = accel_name_error(name);

    if (why) {
        error_setg(errp, "invalid accelerator %s", name);
        return false;
    }
    return strcmp(name, "kvm") || start_kvm(errp);
}

bool accel_start(const AccelChoices *choices, Error **errp)
{
    for (int i = 0; i < choices->n; i++) {
        Error *err = NULL;

        if (start_one(choices->c[i].name, &err)) {
            return true;
        }
        if (choices->c[i].opt) {
            error_prepend(&err, "%s: ", choices->c[i].opt);
        }
        if (i + 1 == choices->n) {
            error_propagate(errp, err);
            return false;
        }
        error_report_err(err);
        error_report("falling back to %s", choices->c[i + 1].name);
    }
    return false;
}

void accel_choices_free(AccelChoices *choices)
{
    for (int i = 0; i < choices->n; i++) {
        free(choices->c[i].name);
        free(choices->c[i].opt);
    }
    choices->n = 0;
}
