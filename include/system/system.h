/*
 * Start-up of the whole system (QEMU's qemu_init/qemu_main_loop): the
 * command line, the machine, and the loop that runs it.
 */
#ifndef SYSTEM_SYSTEM_H
#define SYSTEM_SYSTEM_H

#include "chardev/char.h"
#include "common.h"
#include "system/sandbox.h"
#include "util/error.h"

#define KESTREL_VERSION "0.1.0"
#define MAX_SERIAL_PORTS 4
#define MAX_DEVICE_OPTS 64
#define MAX_ACCELS 4

/* Everything the command line asked for, before any of it is acted upon. */
typedef struct VLOptions {
    const char *machine; /* -M/-machine string, e.g. "virt,aclint=on" */
    uint64_t ram_size;   /* -m, bytes; 0 = the machine's default */
    unsigned smp_cpus, smp_sockets, smp_cores, smp_threads, smp_maxcpus; /* 0 = unset */
    const char *cpu;                                                     /* -cpu */
    const char *bios;                                                    /* -bios */
    const char *kernel;                                                  /* -kernel */
    const char *initrd;                                                  /* -initrd */
    const char *append;                                                  /* -append */
    const char *dtb;                                                     /* -dtb */
    bool nographic;                                                      /* -nographic */
    const char *serial[MAX_SERIAL_PORTS];                                /* -serial, in order */
    int nserial;
    const char *device[MAX_DEVICE_OPTS]; /* -device, in order */
    int ndevice;
    const char *drive[MAX_DEVICE_OPTS]; /* -drive */
    int ndrive;
    const char *blockdev[MAX_DEVICE_OPTS]; /* -blockdev */
    int nblockdev;
    const char *netdev[MAX_DEVICE_OPTS]; /* -netdev */
    int nnetdev;
    const char *nic[MAX_DEVICE_OPTS]; /* -nic */
    int nnic;
    const char *fw_cfg[MAX_DEVICE_OPTS]; /* -fw_cfg */
    int nfw_cfg;
    const char *net[MAX_DEVICE_OPTS]; /* legacy -net */
    int nnet;
    const char *uuid;                    /* -uuid, checked */
    const char *smbios[MAX_DEVICE_OPTS]; /* -smbios, in order (hw/smbios/smbios.h) */
    int nsmbios;
    const char *boot;   /* -boot, checked (the last one) */
    bool snapshot;      /* -snapshot: never write to disk images */
    const char *loadvm; /* -loadvm TAG */
    struct {
        char name[8];    /* "tcg", "kvm" (checked before it is stored) */
        const char *arg; /* the option's text, for errors ("-accel kvm: ...") */
    } accel[MAX_ACCELS]; /* -accel / -enable-kvm, in order: tried until one works */
    int naccel;
    bool jit_set, jit;      /* -accel tcg,jit=on|off given, and its value */
    unsigned jit_threshold; /* -accel tcg,jit-threshold=N, 0 if not given */
    bool thread_multi;      /* -accel tcg,thread=multi given */
    const char *icount;     /* -icount */
    bool seed_set;          /* -seed N given */
    uint64_t seed;
    const char *gdb;       /* -gdb DEV, or "tcp::1234" from -s */
    bool start_stopped;    /* -S */
    const char *log_items; /* -d */
    const char *log_file;  /* -D */
    bool no_reboot;        /* -no-reboot */
    bool no_shutdown;      /* -no-shutdown */
    bool show_version;     /* -version */
    bool show_help;        /* -h / -help */
    /* Monitors and process control (monitor/, system/os-posix.c) */
    struct {
        int kind; /* MonitorOptKind */
        const char *arg;
    } monitor[MAX_DEVICE_OPTS]; /* -monitor/-qmp/-qmp-pretty/-mon, in order */
    int nmonitor;
    bool default_monitor_off; /* one of them was given: no implicit monitor on the serial mux */
    const char *chardev[MAX_DEVICE_OPTS]; /* -chardev, in order */
    int nchardev;
    const char *name;     /* -name */
    const char *pidfile;  /* -pidfile */
    const char *debugcon; /* -debugcon */
    bool daemonize;       /* -daemonize */

    SandboxConfig sandbox; /* -sandbox */
    RunAsUser runas;       /* -runas, -run-with user= */

    /* Options from issue 14 (QEMU command lines as people write them). */
    const char *machine_opts[MAX_DEVICE_OPTS]; /* every -machine, merged in order */
    int nmachine;
    const char *usbdevice[MAX_DEVICE_OPTS]; /* -usbdevice, in order */
    int nusbdevice;
    bool nodefaults;                     /* -nodefaults: no default serial port, no VGA card */
    uint64_t ram_maxmem;                 /* -m ...,maxmem=: checked, no hotplug */
    const char *global[MAX_DEVICE_OPTS]; /* -global DRIVER.PROP=VALUE */
    int nglobal;
    const char *set[MAX_DEVICE_OPTS]; /* -set GROUP.ID.PROP=VALUE */
    int nset;
    const char *object[MAX_DEVICE_OPTS]; /* -object TYPE,id=..[,..] or JSON */
    int nobject;
    const char *numa[MAX_DEVICE_OPTS]; /* -numa node,..|dist,.. in order */
    int nnuma;
    const char *rtc;                /* -rtc base=..,clock=.. */
    bool msg_timestamp;             /* -msg timestamp=on */
    bool semihosting;               /* -semihosting */
    const char *semihosting_config; /* -semihosting-config (the last one) */
    const char *vnc;                /* -vnc or -display vnc=: the VNC server's address */
    const char *vga;                /* -vga std|none, NULL: the machine's default */
    const char *sdl;                /* -display sdl|gtk: what follows the name ("", ",..") */
    char *owned[MAX_DEVICE_OPTS];   /* option strings rewritten by -set or made by -virtfs */
    /* Issue 12: 9p shares. fsdev[] holds -fsdev options and those -virtfs made (its device
     * goes to device[]); fsdev_from[] is "-virtfs ARG" for those, for error messages. */
    const char *fsdev[MAX_DEVICE_OPTS];
    const char *fsdev_from[MAX_DEVICE_OPTS];
    int nfsdev;
    int nowned;
} VLOptions;

/* NULL if this binary has the accelerator name, else why not: "" or an explanation. */
const char *accel_name_error(const char *name);

/*
 * Parse argv into *o (which the caller zeroes). Accepts QEMU's single-dash
 * long options and the same with "--". False + errp (naming the option) on an
 * unknown option, a missing argument or a bad value.
 */
bool vl_parse_args(int argc, char **argv, VLOptions *o, Error **errp);
/* Free what vl_parse_args allocated (the strings -set rewrote). */
void vl_options_free(VLOptions *o);
/* Print the --help text to out. */
void vl_print_help(FILE *out);

/*
 * Build the machine from the command line and start it. True: run main_loop.
 * False: start-up is over and the process should exit with *status: 0 after
 * -h, -version, a "help" value or -machine dumpdtb=FILE, 1 after a
 * configuration error (already printed as "kestrel: <message>").
 */
bool system_init(int argc, char **argv, int *status) WARN_UNUSED_RESULT;
/* Run until shutdown; returns the process exit status. */
int main_loop(void);
/* Stop vCPUs, restore the terminal, flush logs. */
void system_cleanup(void);

/* The chardev behind serial port i (-serial or -nographic's mon:stdio), or NULL. */
Chardev *serial_hd(int i);

#endif
