/*
 * The x86-64 hart as a device: the abstract TYPE_X86_CPU and the qemu64 model.
 */
#include "target/i386/cpu.h"

static void x86_cpu_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    CPUClass *cc = CPU_CLASS(oc);

    dc->desc = "x86-64 hart";
    cc->target_name = "x86_64";
}

static const TypeInfo x86_cpu_types[] = {
    {
        .name = TYPE_X86_CPU,
        .parent = TYPE_CPU,
        .instance_size = sizeof(X86CPU),
        .class_size = sizeof(X86CPUClass),
        .abstract = true,
        .class_init = x86_cpu_class_init,
    },
    {.name = X86_CPU_TYPE_NAME("qemu64"), .parent = TYPE_X86_CPU},
};

static void x86_cpu_register_types(void)
{
    for (unsigned i = 0; i < ARRAY_SIZE(x86_cpu_types); i++) {
        type_register_static(&x86_cpu_types[i]);
    }
}

type_init(x86_cpu_register_types)
