/*
 * The x86-64 hart (QEMU's target/i386): the abstract TYPE_X86_CPU and its
 * models ("-cpu qemu64" is the type "qemu64-x86_64-cpu").
 */
#ifndef TARGET_I386_CPU_H
#define TARGET_I386_CPU_H

#include "common.h"
#include "hw/core/cpu.h"

#define TYPE_X86_CPU "x86_64-cpu"
#define X86_CPU_TYPE_SUFFIX "-" TYPE_X86_CPU
#define X86_CPU_TYPE_NAME(name) (name X86_CPU_TYPE_SUFFIX)

typedef struct X86CPU {
    CPUState parent_obj;
} X86CPU;

typedef struct X86CPUClass {
    CPUClass parent_class;
} X86CPUClass;

#define X86_CPU(obj) OBJECT_CHECK(X86CPU, (obj), TYPE_X86_CPU)

#endif
