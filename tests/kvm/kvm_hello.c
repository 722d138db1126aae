/*
 * kvm_hello: the smallest nested guest, for the H extension's end-to-end test
 * (tests/functional/test_kvm_nested.py). Run inside a riscv64 Linux guest with
 * CONFIG_KVM: open /dev/kvm, create a VM with one page of guest code at GPA
 * 0x80000000 and one vCPU starting there, and KVM_RUN it until it writes to an
 * MMIO address, printing every exit. The guest code makes an SBI call in the
 * experimental extension space (EID 0x08000001, which KVM forwards to user
 * space as KVM_EXIT_RISCV_SBI; the legacy console EID needs the host's
 * CONFIG_RISCV_SBI_V01), then stores 0x42 to 0x10000000 (no memory there:
 * KVM_EXIT_MMIO). The output is compared between Kestrel and QEMU.
 *
 * API: Documentation/virt/kvm/api.rst (KVM_CREATE_VM, KVM_SET_USER_MEMORY_REGION,
 * KVM_CREATE_VCPU, KVM_SET_ONE_REG with the RISC-V core register ids, KVM_RUN).
 * Build: riscv64-linux-gnu-gcc -static -O2 -o kvm_hello kvm_hello.c
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define GUEST_BASE 0x80000000UL
#define GUEST_SIZE 0x10000UL
#define MMIO_ADDR 0x10000000UL

/* The guest's code, hand-assembled (RV64I). */
static const uint32_t guest_code[] = {
    0x04b00513, /* addi a0, zero, 'K' */
    0x080008b7, /* lui  a7, 0x8000 */
    0x00188893, /* addi a7, a7, 1        (EID 0x08000001, experimental) */
    0x00000813, /* addi a6, zero, 0      (FID 0) */
    0x00000073, /* ecall */
    0x100002b7, /* lui  t0, 0x10000      (t0 = MMIO_ADDR) */
    0x04200313, /* addi t1, zero, 0x42 */
    0x0062a023, /* sw   t1, 0(t0) */
    0x0000006f, /* j    . */
};

static int fail(const char *what)
{
    printf("kvm_hello: %s: %s\n", what, strerror(errno));
    return 1;
}

static int set_pc(int vcpu, uint64_t pc)
{
    struct kvm_one_reg reg = {
        .id = KVM_REG_RISCV | KVM_REG_SIZE_U64 | KVM_REG_RISCV_CORE |
              KVM_REG_RISCV_CORE_REG(regs.pc),
        .addr = (uintptr_t)&pc,
    };
    return ioctl(vcpu, KVM_SET_ONE_REG, &reg);
}

/* Print one exit; returns 1 when the run is over (the MMIO write, or anything unexpected). */
static int report_exit(int n, struct kvm_run *run)
{
    switch (run->exit_reason) {
    case KVM_EXIT_RISCV_SBI:
        printf("exit %d: SBI ext 0x%lx fid 0x%lx a0 0x%lx\n", n, run->riscv_sbi.extension_id,
               run->riscv_sbi.function_id, run->riscv_sbi.args[0]);
        run->riscv_sbi.ret[0] = 0;
        run->riscv_sbi.ret[1] = 0;
        return 0;
    case KVM_EXIT_MMIO: {
        uint64_t data = 0;
        memcpy(&data, run->mmio.data, run->mmio.len <= 8 ? run->mmio.len : 8);
        printf("exit %d: MMIO %s 0x%llx len %u data 0x%llx\n", n,
               run->mmio.is_write ? "write" : "read", (unsigned long long)run->mmio.phys_addr,
               run->mmio.len, (unsigned long long)data);
        return 1;
    }
    default:
        printf("exit %d: reason %u\n", n, run->exit_reason);
        return 1;
    }
}

int main(void)
{
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0) {
        return fail("open /dev/kvm");
    }
    printf("kvm_hello: api version %d\n", ioctl(kvm, KVM_GET_API_VERSION, 0));
    int vm = ioctl(kvm, KVM_CREATE_VM, 0);
    if (vm < 0) {
        return fail("KVM_CREATE_VM");
    }
    void *mem = mmap(NULL, GUEST_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        return fail("mmap guest memory");
    }
    memcpy(mem, guest_code, sizeof(guest_code));
    struct kvm_userspace_memory_region region = {
        .slot = 0,
        .guest_phys_addr = GUEST_BASE,
        .memory_size = GUEST_SIZE,
        .userspace_addr = (uintptr_t)mem,
    };
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0) {
        return fail("KVM_SET_USER_MEMORY_REGION");
    }
    int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
    if (vcpu < 0) {
        return fail("KVM_CREATE_VCPU");
    }
    int run_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
    struct kvm_run *run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) {
        return fail("mmap kvm_run");
    }
    if (set_pc(vcpu, GUEST_BASE) < 0) {
        return fail("KVM_SET_ONE_REG pc");
    }
    for (int n = 1; n <= 16; n++) {
        if (ioctl(vcpu, KVM_RUN, 0) < 0) {
            return fail("KVM_RUN");
        }
        if (report_exit(n, run)) {
            printf("kvm_hello: done\n");
            return 0;
        }
    }
    printf("kvm_hello: no MMIO exit after 16 runs\n");
    return 1;
}
