/*
 * TYPE_CPU: the abstract device every vCPU model derives from (QEMU's
 * hw/core/cpu-common.c). Realizing a CPU links it into the global list
 * (first_cpu, in creation order) and gives it its index; a subclass that
 * overrides realize calls this one first.
 */
#include <pthread.h>

#include "hw/core/cpu.h"
#include "system/target-info.h"

CPUState *first_cpu;

CPUState *cpu_by_index(int index)
{
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        if (cpu->cpu_index == index) {
            return cpu;
        }
    }
    return NULL;
}

static bool cpu_common_realize(DeviceState *dev, Error **errp)
{
    CPUState *cpu = CPU(dev);
    CPUState **link = &first_cpu;
    int index = 0;

    /* Realize runs under the BQL at board creation, so the list needs no lock of its own. */
    while (*link) {
        if (*link == cpu) {
            return true; /* already linked */
        }
        link = &(*link)->next_cpu;
        index++;
    }
    cpu->cpu_index = index;
    cpu->next_cpu = NULL;
    *link = cpu;
    return true;
}

static void cpu_instance_init(Object *obj)
{
    CPUState *cpu = CPU(obj);

    cpu->cpu_index = -1;
    pthread_cond_init(&cpu->halt_cond, NULL);
}

static void cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);

    dc->realize = cpu_common_realize;
    dc->desc = "generic vCPU";
}

/* ---- -cpu help, -cpu MODEL,help: every concrete subclass of this binary's CPU type ---- */

static void print_cpu_model(ObjectClass *oc, void *opaque)
{
    const char *name = object_class_get_name(oc);
    size_t len = strlen(name) - strlen(target_info()->cpu_type_suffix);

    fprintf(opaque, "%.*s\n", (int)len, name);
}

void cpu_list(FILE *out)
{
    object_class_foreach(target_info()->cpu_type, false, print_cpu_model, out);
}

char *cpu_model_type_name(const char *model, size_t len)
{
    return xasprintf("%.*s%s", (int)len, model, target_info()->cpu_type_suffix);
}

ObjectClass *cpu_model_class(const char *type)
{
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, target_info()->cpu_type) ||
        object_class_is_abstract(oc)) {
        return NULL;
    }
    return oc;
}

void cpu_print_props(const char *model, FILE *out)
{
    static const char *const type_names[] = {
        [PROP_BOOL] = "bool",   [PROP_INT] = "int",    [PROP_UINT32] = "uint32",
        [PROP_SIZE] = "uint64", [PROP_STRING] = "str", [PROP_LINK] = "link",
    };
    char *type = cpu_model_type_name(model, strlen(model));
    ObjectClass *oc = object_class_by_name(type);

    if (!oc || !object_class_dynamic_cast(oc, target_info()->cpu_type)) {
        fprintf(out, "unable to find CPU model '%s'\n", model);
    } else {
        fprintf(out, "%s options:\n", type);
        for (size_t i = 0; i < oc->nprops; i++) {
            const Property *p = oc->props[i];
            fprintf(out, "  %s=<%s>%s%s\n", p->name, type_names[p->type],
                    p->description ? " - " : "", p->description ? p->description : "");
        }
    }
    free(type);
}

static const TypeInfo cpu_type_info = {
    .name = TYPE_CPU,
    .parent = TYPE_DEVICE,
    .instance_size = sizeof(CPUState),
    .class_size = sizeof(CPUClass),
    .abstract = true,
    .class_init = cpu_class_init,
    .instance_init = cpu_instance_init,
};

static void cpu_register_types(void)
{
    type_register_static(&cpu_type_info);
}

type_init(cpu_register_types)
