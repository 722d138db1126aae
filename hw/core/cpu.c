/*
 * TYPE_CPU: the abstract device every vCPU model derives from (QEMU's
 * hw/core/cpu-common.c). Realizing a CPU links it into the global list
 * (first_cpu, in creation order) and gives it its index; a subclass that
 * overrides realize calls this one first.
 */
#include <pthread.h>

#include "hw/core/cpu.h"

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
