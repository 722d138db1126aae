/*
 * The machine state stream (QEMU's qemu_savevm_state / qemu_loadvm_state):
 * every realized device under the machine that has a DeviceClass.vmsd, the
 * guest RAM and ROM, and the virtual clock. Kestrel's own format:
 *
 *   header   "KSVM", be32 stream version (SAVEVM_STREAM_VERSION), be64 CLOCK_VIRTUAL ns
 *   sections u8 type, then
 *     DEVICE  be16 + QOM path, be16 + description name, be32 description version,
 *             be32 payload length, payload (include/migration/vmstate.h)
 *     RAM     be16 + region name, be64 size, a bitmap of the pages that are not all
 *             zero (1 bit per SAVEVM_PAGE_SIZE page), then those pages in order
 *     END
 *   trailer  be64 savevm_checksum of everything before it
 *
 * Loading checks the whole stream first (checksum, every section against the
 * running machine: paths, names, versions, lengths, counts) and only then
 * writes anything, so a corrupt or mismatched snapshot leaves the machine as
 * it was. Main loop thread, BQL held, vCPUs paused.
 */
#ifndef MIGRATION_SAVEVM_H
#define MIGRATION_SAVEVM_H

#include "migration/vmstate.h"
#include "qom/object.h"

#define SAVEVM_MAGIC "KSVM"
#define SAVEVM_STREAM_VERSION 1
#define SAVEVM_PAGE_SIZE 4096

/* The trailer's checksum of len bytes (detects damage, not forgery). */
uint64_t savevm_checksum(const uint8_t *buf, size_t len);
/* False + errp if a device under machine cannot be saved (VMStateDescription.unmigratable). */
bool savevm_state_blocked(Object *machine, Error **errp);
/* Append the state of machine (devices under it, all RAM/ROM, the virtual clock) to out. */
void savevm_state_save(VMStateOut *out, Object *machine);
/* The CLOCK_VIRTUAL value recorded in a stream header, or false if there is no header. */
bool savevm_state_clock(const uint8_t *buf, size_t len, int64_t *clock_ns);
/*
 * Check buf (len bytes) against machine, then load it: device state, RAM,
 * the virtual clock; translated code and TLBs are dropped. False + errp with
 * nothing changed if the check fails.
 */
bool savevm_state_load(const uint8_t *buf, size_t len, Object *machine,
                       Error **errp) WARN_UNUSED_RESULT;
/* The two halves of savevm_state_load: check changes nothing; apply needs a checked stream
 * (it can still fail in a device's post_load, leaving the machine partly loaded). */
bool savevm_state_check(const uint8_t *buf, size_t len, Object *machine,
                        Error **errp) WARN_UNUSED_RESULT;
bool savevm_state_apply(const uint8_t *buf, size_t len, Object *machine,
                        Error **errp) WARN_UNUSED_RESULT;

#endif
