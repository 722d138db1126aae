/*
 * The KVM accelerator: the VM, its memory slots and the vCPU run loop (include/system/kvm.h
 * states the walk). Written against the kernel's documented API
 * (Documentation/virt/kvm/api.rst): KVM_GET_API_VERSION must be 12; KVM_RUN's exits are
 * read from the vCPU's mmap'ed struct kvm_run.
 *
 * Threads: each vCPU thread runs kvm_cpu_exec on its own vCPU fd; exits that reach devices
 * take the BQL, as the TCG run loop does for MMIO. A kick (cpu_exit) sets immediate_exit and
 * signals the thread, so a vCPU inside KVM_RUN returns at once with EINTR.
 *
 * Memory: the slots mirror the RAM and ROM ranges of the system address space's flat view.
 * The view changes under the BQL (PAM registers, PCI BARs); each vCPU compares the address
 * space's generation before KVM_RUN and the first to see a new one re-registers the slots.
 */
#include "system/kvm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "system/runstate.h"
#include "util/main-loop.h"

#define KVM_DEVICE "/dev/kvm"
#define KVM_MAX_SLOTS 32
#define KVM_SIG_KICK SIGUSR1

bool kvm_allowed;

/* The VM (one per process, as the machine). */
static struct {
    const KVMArchOps *arch;
    int fd, vm_fd;
    size_t run_size;
    unsigned generation; /* of the flat view the slots mirror */
    int nslots;          /* slots registered */
    pthread_mutex_t slots_lock;
} kvm = {.fd = -1, .vm_fd = -1, .slots_lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- memory slots ---- */

int kvm_slots_from_flatview(const FlatView *view, KVMSlotDesc *out, int max)
{
    int n = 0;

    for (unsigned i = 0; i < view->nr; i++) {
        const FlatRange *fr = &view->ranges[i];
        MemoryRegion *mr = fr->mr;
        uint64_t start = ALIGN_UP(fr->addr, 4096), end = ALIGN_DOWN(fr->addr + fr->size, 4096);

        if (!(memory_region_is_ram(mr) || memory_region_is_rom(mr)) || !mr->ram_ptr ||
            end <= start) {
            continue; /* MMIO (and pieces smaller than a page) exit to the devices */
        }
        void *host = mr->ram_ptr + fr->offset_in_region + (start - fr->addr);
        bool ro = memory_region_is_rom(mr);
        KVMSlotDesc *prev = n ? &out[n - 1] : NULL;

        if ((uintptr_t)host & 4095) {
            continue; /* KVM maps whole host pages: a range off their grid exits as MMIO */
        }
        if (prev && prev->gpa + prev->size == start && (uint8_t *)prev->host + prev->size == host &&
            prev->readonly == ro) {
            prev->size += end - start;
            continue;
        }
        if (n == max) {
            return -1;
        }
        out[n++] = (KVMSlotDesc){.gpa = start, .size = end - start, .host = host, .readonly = ro};
    }
    return n;
}

static bool set_slot(int slot, const KVMSlotDesc *d, Error **errp)
{
    struct kvm_userspace_memory_region r = {
        .slot = slot,
        .flags = d && d->readonly ? KVM_MEM_READONLY : 0,
        .guest_phys_addr = d ? d->gpa : 0,
        .memory_size = d ? d->size : 0, /* size 0 deletes the slot */
        .userspace_addr = d ? (uintptr_t)d->host : 0,
    };

    if (ioctl(kvm.vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0) {
        error_setg_errno(errp, errno, "KVM_SET_USER_MEMORY_REGION (slot %d)", slot);
        return false;
    }
    return true;
}

/* Mirror the current flat view if it changed since the slots were made. */
static bool sync_slots(Error **errp)
{
    AddressSpace *as = address_space_memory();
    unsigned gen = __atomic_load_n(&as->generation, __ATOMIC_ACQUIRE);
    KVMSlotDesc slots[KVM_MAX_SLOTS];
    bool ok = true;
    int n;

    if (gen == __atomic_load_n(&kvm.generation, __ATOMIC_ACQUIRE) && kvm.nslots) {
        return true;
    }
    pthread_mutex_lock(&kvm.slots_lock);
    n = kvm_slots_from_flatview(address_space_get_flatview(as), slots, KVM_MAX_SLOTS);
    if (n < 0) {
        error_setg(errp, "KVM: the guest memory map needs more than %d slots", KVM_MAX_SLOTS);
        ok = false;
    }
    /* Delete before adding: a slot may not overlap another while both exist. */
    for (int i = 0; ok && i < kvm.nslots; i++) {
        ok = set_slot(i, NULL, errp);
    }
    for (int i = 0; ok && i < n; i++) {
        ok = set_slot(i, &slots[i], errp);
    }
    kvm.nslots = ok ? n : 0;
    __atomic_store_n(&kvm.generation, gen, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&kvm.slots_lock);
    return ok;
}

/* ---- the VM ---- */

static void kick_handler(int sig)
{
    (void)sig; /* only there so the signal interrupts KVM_RUN instead of killing us */
}

bool kvm_init(const KVMArchOps *arch, Error **errp)
{
    int version;

    kvm.fd = open(KVM_DEVICE, O_RDWR | O_CLOEXEC);
    if (kvm.fd < 0) {
        /* QEMU's two lines: the first on stderr, the second the error itself. */
        int err = errno;
        fprintf(stderr, "Could not access KVM kernel module: %s\n", strerror(err));
        error_setg_errno(errp, err, "failed to initialize kvm");
        return false;
    }
    version = ioctl(kvm.fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        error_setg(errp, "kvm version not supported: %d (expected %d)", version, KVM_API_VERSION);
        goto fail;
    }
    if (ioctl(kvm.fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY) <= 0 ||
        ioctl(kvm.fd, KVM_CHECK_EXTENSION, KVM_CAP_IMMEDIATE_EXIT) <= 0) {
        error_setg(errp, "kvm: the host's KVM lacks user memory or immediate exit");
        goto fail;
    }
    kvm.run_size = ioctl(kvm.fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    do {
        kvm.vm_fd = ioctl(kvm.fd, KVM_CREATE_VM, 0);
    } while (kvm.vm_fd < 0 && errno == EINTR);
    if (kvm.vm_fd < 0) {
        error_setg_errno(errp, errno, "failed to initialize kvm: KVM_CREATE_VM");
        goto fail;
    }
    kvm.arch = arch;
    if (!sync_slots(errp)) {
        goto fail;
    }
    struct sigaction sa = {.sa_handler = kick_handler};
    sigaction(KVM_SIG_KICK, &sa, NULL);
    kvm_allowed = true;
    return true;

fail:
    if (kvm.vm_fd >= 0) {
        close(kvm.vm_fd);
    }
    close(kvm.fd);
    kvm.fd = kvm.vm_fd = -1;
    return false;
}

bool kvm_init_vcpu(CPUState *cpu, Error **errp)
{
    int fd = ioctl(kvm.vm_fd, KVM_CREATE_VCPU, (unsigned long)cpu->cpu_index);
    void *run;

    if (fd < 0) {
        error_setg_errno(errp, errno, "kvm: KVM_CREATE_VCPU %d", cpu->cpu_index);
        return false;
    }
    run = mmap(NULL, kvm.run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (run == MAP_FAILED) {
        error_setg_errno(errp, errno, "kvm: mapping vCPU %d's kvm_run", cpu->cpu_index);
        close(fd);
        return false;
    }
    cpu->kvm_fd = fd;
    cpu->kvm_run = run;
    return kvm.arch->init_vcpu(cpu, kvm.fd, fd, errp);
}

void kvm_cpu_kick(CPUState *cpu)
{
    struct kvm_run *run = cpu->kvm_run;

    if (run && cpu->created) {
        __atomic_store_n(&run->immediate_exit, 1, __ATOMIC_RELEASE);
        pthread_kill(cpu->thread, KVM_SIG_KICK);
    }
}

/* ---- the run loop ---- */

/* KVM_EXIT_MMIO: one access of up to 8 bytes, to the devices under the BQL. */
static void handle_mmio(CPUState *cpu, struct kvm_run *run)
{
    AddressSpace *as = kvm.arch->mmio_as(cpu);
    uint64_t val = 0;

    bql_lock();
    if (run->mmio.is_write) {
        memcpy(&val, run->mmio.data, MIN(run->mmio.len, sizeof(val)));
        address_space_write(as, run->mmio.phys_addr, &val, run->mmio.len);
    } else {
        address_space_read(as, run->mmio.phys_addr, &val, run->mmio.len);
        memcpy(run->mmio.data, &val, MIN(run->mmio.len, sizeof(val)));
    }
    bql_unlock();
}

/* Why KVM could not go on: reported with the registers, and the process ends with status 1
 * (QEMU pauses in its internal-error state instead; nothing can resume such a vCPU). */
static int internal_error(CPUState *cpu, struct kvm_run *run)
{
    if (run->exit_reason == KVM_EXIT_FAIL_ENTRY) {
        error_report("KVM: entry failed, hardware error 0x%llx",
                     (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
    } else {
        error_report("KVM internal error or unhandled exit. Suberror: %u (exit reason %u)",
                     run->exit_reason == KVM_EXIT_INTERNAL_ERROR ? run->internal.suberror : 0,
                     run->exit_reason);
    }
    Error *err = NULL;
    if (kvm.arch->get_registers(cpu, cpu->kvm_fd, &err)) {
        CPU_GET_CLASS(cpu)->dump_state(cpu, stderr);
    }
    error_free(err);
    atomic_store(&cpu->stop, true);
    shutdown_request(SHUTDOWN_CAUSE_GUEST_PANIC, 1);
    return EXCP_INTERRUPT;
}

/* One KVM_RUN and its exit; an EXCP_* code to leave exec with, or 0 to run again. */
static int run_once(CPUState *cpu, struct kvm_run *run)
{
    Error *err = NULL;

    if (!sync_slots(&err)) {
        error_report("%s", error_get_pretty(err));
        error_free(err);
        return internal_error(cpu, run);
    }
    kvm.arch->pre_run(cpu, cpu->kvm_fd, run);
    if (atomic_load(&cpu->exit_request)) {
        /* Leave, but through KVM_RUN: it first completes the last exit's I/O (below). */
        __atomic_store_n(&run->immediate_exit, 1, __ATOMIC_RELEASE);
    }
    if (ioctl(cpu->kvm_fd, KVM_RUN, 0) < 0) {
        if (errno == EINTR || errno == EAGAIN) {
            /* Taken only now: completing a string I/O may exit to us again first. */
            atomic_store(&cpu->exit_request, false);
            return EXCP_INTERRUPT;
        }
        error_report("KVM_RUN: %s", strerror(errno));
        return internal_error(cpu, run);
    }
    switch (run->exit_reason) {
    case KVM_EXIT_MMIO:
        handle_mmio(cpu, run);
        return 0;
    case KVM_EXIT_INTR:
        return EXCP_INTERRUPT;
    case KVM_EXIT_SHUTDOWN: /* a triple fault: the PC resets, as QEMU's */
        reset_request(SHUTDOWN_CAUSE_GUEST_RESET);
        return EXCP_INTERRUPT;
    case KVM_EXIT_FAIL_ENTRY:
    case KVM_EXIT_INTERNAL_ERROR:
        return internal_error(cpu, run);
    default: {
        int ret = kvm.arch->handle_exit(cpu, run);
        return ret >= 0 ? ret : internal_error(cpu, run);
    }
    }
}

int kvm_cpu_exec(CPUState *cpu)
{
    struct kvm_run *run = cpu->kvm_run;
    Error *err = NULL;
    int ret = kvm.arch->cpu_events ? kvm.arch->cpu_events(cpu) : 0;

    if (ret) {
        return ret; /* not entered: env is as the vCPU left it */
    }
    if (!kvm.arch->put_registers(cpu, cpu->kvm_fd, &err)) {
        error_report("%s", error_get_pretty(err));
        error_free(err);
        return internal_error(cpu, run);
    }
    /*
     * The loop ends only on a KVM_RUN that returned, never between an exit and the next
     * KVM_RUN: an IN or MMIO read is complete (its value in the guest's register, RIP past
     * it) only once KVM_RUN is entered again (api.rst, KVM_EXIT_IO). Leaving in between
     * would read the registers without the value, and writing them back on the next entry
     * loses it: SeaBIOS's i8042 self test then read its previous IN's status byte (0x19)
     * instead of 0x55, and its boot hung. An exit request therefore re-enters with
     * immediate_exit set, which completes the access and returns EINTR before any guest
     * instruction runs.
     */
    while (!ret) {
        ret = run_once(cpu, run);
        __atomic_store_n(&run->immediate_exit, 0, __ATOMIC_RELEASE);
    }
    /* Out of exec, others (gdb, the monitor, savevm) read env: bring it up to date. */
    if (!kvm.arch->get_registers(cpu, cpu->kvm_fd, &err)) {
        error_report("%s", error_get_pretty(err));
        error_free(err);
    }
    return ret;
}
