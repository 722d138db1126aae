/*
 * The x86 hooks of the KVM accelerator (target/i386/kvm.c), named by x86's TargetInfo.
 */
#ifndef TARGET_I386_KVM_H
#define TARGET_I386_KVM_H

#include <linux/kvm.h>

#include "system/kvm.h"
#include "target/i386/cpu.h"

extern const KVMArchOps x86_kvm_ops;

/* A cached descriptor as KVM's struct kvm_segment, and back (exposed for the unit test). */
void x86_kvm_seg_from_cache(struct kvm_segment *k, const SegmentCache *sc);
void x86_kvm_seg_to_cache(SegmentCache *sc, const struct kvm_segment *k);

#endif
