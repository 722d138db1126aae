/*
 * Machines (boards). A machine type is a TYPE_MACHINE subclass named
 * "<name>-machine" whose class_init sets the MachineClass fields; the
 * command line picks one with -M <name>. system_init() creates it with
 * object_new(), sets its properties, then calls mc->init (the board's
 * *_machine_init: harts, memory map, devices) and finally the
 * machine_init_done notifiers (the board's *_machine_done: firmware, kernel,
 * FDT, reset vector).
 *
 * Error contract: board init and every machine-done step return false and set
 * errp on a configuration they cannot build (a bad property, an image that
 * does not fit); they never print or exit. Only main decides to report the
 * error and end the process with status 1.
 */
#ifndef HW_CORE_BOARDS_H
#define HW_CORE_BOARDS_H

#include "common.h"
#include "hw/core/qdev.h"
#include "qom/object.h"
#include "system/memory.h"
#include "util/notify.h"

#define TYPE_MACHINE "machine"
#define TYPE_MACHINE_SUFFIX "-machine"
#define MACHINE_TYPE_NAME(machinename) (machinename TYPE_MACHINE_SUFFIX)

typedef struct MachineState MachineState;
typedef struct MachineInitDoneNotifier MachineInitDoneNotifier;

/*
 * A step run once every device exists (QEMU's machine_init_done notifiers): a
 * board loads its firmware and kernel and writes its device tree there. Kept
 * in the machine's own list, in registration order.
 */
struct MachineInitDoneNotifier {
    bool (*notify)(MachineInitDoneNotifier *n, MachineState *ms, Error **errp);
    MachineInitDoneNotifier *next;
};

typedef struct CpuTopology {
    unsigned cpus; /* harts present at start */
    unsigned sockets;
    unsigned cores;   /* per socket */
    unsigned threads; /* per core */
    unsigned max_cpus;
} CpuTopology;

typedef struct MachineClass {
    ObjectClass parent_class;
    const char *name; /* the -M name, e.g. "virt" */
    const char *desc;
    bool is_default;
    /* Build the board (harts, memory map, devices); false + errp if it cannot. */
    bool (*init)(MachineState *ms, Error **errp);
    unsigned max_cpus;
    const char *default_cpu_type;
    uint64_t default_ram_size;
    const char *default_ram_id;  /* the main RAM region's name ("riscv.dram", "pc.ram") */
    const char *default_bios;    /* "default" firmware file name, or NULL */
    const char *default_display; /* -vga's default ("std" on q35), NULL: no VGA card */
    /*
     * Give a realized -device its place on the board (QEMU's hotplug handler): a virtio
     * device gets a virtio-mmio transport. False + errp if the board has no room for it.
     */
    bool (*device_plug)(MachineState *ms, DeviceState *dev, Error **errp);
    /* Undo device_plug (the monitor's device_del); NULL = nothing can be unplugged. */
    bool (*device_unplug)(MachineState *ms, DeviceState *dev, Error **errp);
    /* QEMU's default_nic: the NIC -nic and -net nic make without model= (NULL: virtio-net-pci). */
    const char *default_nic;
    /* -drive's interface without if= (QEMU's block_default_type; NULL: "none"), and how many
     * if=ide buses of one unit each the board has (QEMU's q35: one per AHCI port). */
    const char *block_default_if;
    unsigned ide_buses;
} MachineClass;

struct MachineState {
    Object parent_obj;
    uint64_t ram_size;
    char *firmware;        /* -bios: NULL/"default", "none" or a path */
    char *kernel_filename; /* -kernel */
    char *initrd_filename; /* -initrd */
    char *kernel_cmdline;  /* -append */
    char *dtb;             /* -dtb: replaces the generated FDT */
    char *dumpdtb;         /* -machine dumpdtb=FILE: write the FDT, then start-up ends */
    char *cpu_type;        /* -cpu, resolved to a type name */
    CpuTopology smp;
    MemoryRegion ram;       /* the main RAM, mapped by the board (an alias or container when it
                             * comes from memory backends) */
    char *memory_backend;   /* -machine memory-backend=ID */
    bool ram_size_given;    /* -m or memory-size= set ram_size (else a backend's size wins) */
    struct NumaState *numa; /* -numa, NULL without it (hw/core/numa.h) */
    void *fdt;              /* the device tree handed to the guest */
    int fdt_size;
    MachineInitDoneNotifier *init_done_notifiers;
    bool usb; /* -usb / usb=on: the board adds its USB controller if it has one (virt: none) */
    const char *vga; /* the VGA card the board creates ("std"), NULL: none (vl.c decides) */
    struct SMBIOSFields *smbios; /* -smbios and -uuid for the SMBIOS tables, NULL: neither */
    const char *boot;            /* -boot as given (order=, once=, strict=, ...), NULL: none */
};

#define MACHINE(obj) OBJECT_CHECK(MachineState, (obj), TYPE_MACHINE)
#define MACHINE_CLASS(oc) OBJECT_CLASS_CHECK(MachineClass, (oc), TYPE_MACHINE)
#define MACHINE_GET_CLASS(obj) OBJECT_GET_CLASS(MachineClass, (obj), TYPE_MACHINE)

/* The machine being run (NULL before create_machine). */
extern MachineState *current_machine;

/* Find a machine class by -M name (or alias); NULL if none. */
MachineClass *machine_find_class(const char *name);
/* Print "name  desc" lines for -machine help. */
void machine_print_help(FILE *out);
/*
 * Run mc->init with the BQL held, after checking ram_size and smp against the class limits;
 * ms becomes current_machine. False + errp if the configuration is refused.
 */
bool machine_run_board_init(MachineState *ms, Error **errp) WARN_UNUSED_RESULT;
/* Add a step for machine_run_init_done_notifiers (the board's init registers it). */
void machine_add_init_done_notifier(MachineState *ms, MachineInitDoneNotifier *n);
/* Run ms's machine-done steps in order, once every device exists; stop at the first failure. */
bool machine_run_init_done_notifiers(MachineState *ms, Error **errp) WARN_UNUSED_RESULT;
/* -machine dumpdtb=FILE: write ms->fdt (built by the machine-done steps) to the file. */
bool machine_dump_dtb(MachineState *ms, Error **errp) WARN_UNUSED_RESULT;

#endif
