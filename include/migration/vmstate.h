/*
 * Device state descriptions (QEMU's VMStateDescription): a device declares
 * which fields of its state struct make up its machine state, in a static
 * table referenced from its class (DeviceClass.vmsd). savevm/loadvm
 * (migration/savevm.c) walk the devices and call vmstate_save_state /
 * vmstate_load_state; no device writes its own save or load code.
 *
 * Encoding (Kestrel's own, versioned by the description's version_id):
 * the fields in table order, each element big-endian at its declared width
 * (bool as one byte, a buffer as raw bytes, a struct as its own fields, a
 * timer as its absolute deadline in its clock's nanoseconds or -1 when not
 * armed). Variable arrays store their element count first (u32), so a count
 * that does not match the device's own configuration is refused at load.
 *
 * Loading never trusts the stream: every length is checked, a section whose
 * version is newer than the description or older than minimum_version_id is
 * refused, and a short stream is an error. vmstate_check_state runs the same
 * checks without writing the device, so a caller can validate a whole
 * snapshot before it changes anything.
 *
 * All of it runs in the main loop thread with the BQL held and the vCPUs
 * paused.
 */
#ifndef MIGRATION_VMSTATE_H
#define MIGRATION_VMSTATE_H

#include "common.h"
#include "util/error.h"

/* ---- A growable output buffer and a bounded input cursor ---- */

typedef struct VMStateOut {
    uint8_t *data; /* malloc'd; the caller frees it */
    size_t len, cap;
} VMStateOut;

typedef struct VMStateIn {
    const uint8_t *data;
    size_t len, pos;
} VMStateIn;

void vms_put_u8(VMStateOut *o, uint8_t v);
void vms_put_be16(VMStateOut *o, uint16_t v);
void vms_put_be32(VMStateOut *o, uint32_t v);
void vms_put_be64(VMStateOut *o, uint64_t v);
void vms_put_bytes(VMStateOut *o, const void *p, size_t n);
/* Room for n more bytes at o->data + o->len (then advance len yourself). */
void vms_reserve(VMStateOut *o, size_t n);

/* Readers: false (and nothing read) when fewer bytes remain. */
bool vms_get_u8(VMStateIn *in, uint8_t *v);
bool vms_get_be16(VMStateIn *in, uint16_t *v);
bool vms_get_be32(VMStateIn *in, uint32_t *v);
bool vms_get_be64(VMStateIn *in, uint64_t *v);
bool vms_get_bytes(VMStateIn *in, void *p, size_t n);
/* A pointer to the next n bytes, consumed; NULL if fewer remain. */
const uint8_t *vms_get_ptr(VMStateIn *in, size_t n);

/* ---- Descriptions ---- */

typedef enum VMStateKind {
    VMS_UINT,   /* unsigned integer of .size bytes (1, 2, 4, 8); also int32/int64 */
    VMS_BOOL,   /* bool, one byte in the stream (0 or 1) */
    VMS_BUFFER, /* .size raw bytes */
    VMS_STRUCT, /* an embedded struct of .size bytes described by .vmsd */
    VMS_TIMER,  /* a Timer * field: its deadline */
} VMStateKind;

typedef struct VMStateDescription VMStateDescription;

typedef struct VMStateField {
    const char *name; /* NULL ends the table */
    VMStateKind kind;
    size_t offset; /* of the field in the state struct */
    size_t size;   /* of one element */
    uint32_t num;  /* elements in a fixed array (1 for a scalar) */
    /* Variable array: the element count is the uint32_t at count_offset (times the one at
     * count2_offset when has_count2, for a 2-D table); num is then unused. */
    bool varray, has_count2;
    size_t count_offset, count2_offset;
    bool pointer; /* the field holds a pointer to the elements (allocated at realize) */
    const VMStateDescription *vmsd; /* VMS_STRUCT */
    int version_id;                 /* in the stream from this section version on */
} VMStateField;

struct VMStateDescription {
    const char *name;
    int version_id;         /* written with every save */
    int minimum_version_id; /* oldest stream version load accepts */
    /* Before saving: bring derived state up to date; optional. */
    void (*pre_save)(void *opaque);
    /* After loading every field: recompute what is derived (IRQ lines, mappings,
     * timers on other clocks); false + errp refuses the state. Optional. */
    bool (*post_load)(void *opaque, int version_id, Error **errp);
    const VMStateField *fields;
    /* The device has state that cannot be saved (yet): savevm refuses while it exists, with
     * QEMU's "State blocked by non-migratable device". A device without any description is
     * taken to have no state. */
    bool unmigratable;
};

/* Compile-time check that a field has the expected size (the macros below use it). */
#define VMS_CHECK_SIZE(expr, n) (sizeof(char[(sizeof(expr) == (n)) ? 1 : -1]) * 0 + (n))
#define VMS_FIELD_OF(type, f) (((type *)0)->f)

#define VMSTATE_UINT_N_V(f, type, n, v)                                                            \
    {                                                                                              \
        .name = #f, .kind = VMS_UINT, .offset = offsetof(type, f),                                 \
        .size = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), n), .num = 1, .version_id = (v)              \
    }
#define VMSTATE_UINT_N(f, type, n) VMSTATE_UINT_N_V(f, type, n, 0)
#define VMSTATE_UINT8(f, type) VMSTATE_UINT_N(f, type, 1)
#define VMSTATE_UINT16(f, type) VMSTATE_UINT_N(f, type, 2)
#define VMSTATE_UINT32(f, type) VMSTATE_UINT_N(f, type, 4)
#define VMSTATE_UINT64(f, type) VMSTATE_UINT_N(f, type, 8)
#define VMSTATE_INT32(f, type) VMSTATE_UINT_N(f, type, 4)
#define VMSTATE_INT64(f, type) VMSTATE_UINT_N(f, type, 8)
#define VMSTATE_BOOL(f, type)                                                                      \
    {                                                                                              \
        .name = #f, .kind = VMS_BOOL, .offset = offsetof(type, f),                                 \
        .size = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), sizeof(bool)), .num = 1                      \
    }

/* Fixed arrays: f is an array of n elements of width w, in the stream from version v on. */
#define VMSTATE_UINT_ARRAY_N_V(f, type, n, w, v)                                                   \
    {                                                                                              \
        .name = #f, .kind = VMS_UINT, .offset = offsetof(type, f),                                 \
        .size = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f)[0], w),                                       \
        .num = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), (n) * (w)) / (w), .version_id = (v)           \
    }
#define VMSTATE_UINT_ARRAY_N(f, type, n, w) VMSTATE_UINT_ARRAY_N_V(f, type, n, w, 0)
#define VMSTATE_UINT8_ARRAY(f, type, n) VMSTATE_UINT_ARRAY_N(f, type, n, 1)
#define VMSTATE_UINT16_ARRAY(f, type, n) VMSTATE_UINT_ARRAY_N(f, type, n, 2)
#define VMSTATE_UINT32_ARRAY(f, type, n) VMSTATE_UINT_ARRAY_N(f, type, n, 4)
#define VMSTATE_UINT64_ARRAY(f, type, n) VMSTATE_UINT_ARRAY_N(f, type, n, 8)
#define VMSTATE_UINT64_ARRAY_V(f, type, n, v) VMSTATE_UINT_ARRAY_N_V(f, type, n, 8, v)
#define VMSTATE_BOOL_ARRAY(f, type, n)                                                             \
    {                                                                                              \
        .name = #f, .kind = VMS_BOOL, .offset = offsetof(type, f), .size = sizeof(bool),           \
        .num = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), (n) * sizeof(bool)) / sizeof(bool)            \
    }
/* The whole field (an array of bytes) as raw bytes. */
#define VMSTATE_BUFFER(f, type)                                                                    \
    {                                                                                              \
        .name = #f, .kind = VMS_BUFFER, .offset = offsetof(type, f),                               \
        .size = sizeof(VMS_FIELD_OF(type, f)), .num = 1                                            \
    }
#define VMSTATE_STRUCT(f, type, sd, stype)                                                         \
    {                                                                                              \
        .name = #f, .kind = VMS_STRUCT, .offset = offsetof(type, f),                               \
        .size = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), sizeof(stype)), .num = 1, .vmsd = &(sd)      \
    }
#define VMSTATE_STRUCT_ARRAY(f, type, n, sd, stype)                                                \
    {                                                                                              \
        .name = #f, .kind = VMS_STRUCT, .offset = offsetof(type, f), .size = sizeof(stype),        \
        .num = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), (n) * sizeof(stype)) / sizeof(stype),         \
        .vmsd = &(sd)                                                                              \
    }
#define VMSTATE_TIMER_PTR(f, type)                                                                 \
    {                                                                                              \
        .name = #f, .kind = VMS_TIMER, .offset = offsetof(type, f),                                \
        .size = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f), sizeof(void *)), .num = 1                    \
    }

/* Variable arrays behind a pointer: f points to count elements (count a uint32_t field). */
#define VMSTATE_VARRAY_PTR_(f, type, cnt, k, w)                                                    \
    .name = #f, .kind = (k), .offset = offsetof(type, f),                                          \
    .size = VMS_CHECK_SIZE(VMS_FIELD_OF(type, f)[0], w), .varray = true, .pointer = true,          \
    .count_offset = offsetof(type, cnt) + VMS_CHECK_SIZE(VMS_FIELD_OF(type, cnt), 4) * 0
#define VMSTATE_UINT8_VARRAY_PTR(f, type, cnt)                                                     \
    {                                                                                              \
        VMSTATE_VARRAY_PTR_(f, type, cnt, VMS_UINT, 1)                                             \
    }
#define VMSTATE_UINT32_VARRAY_PTR(f, type, cnt)                                                    \
    {                                                                                              \
        VMSTATE_VARRAY_PTR_(f, type, cnt, VMS_UINT, 4)                                             \
    }
#define VMSTATE_UINT64_VARRAY_PTR(f, type, cnt)                                                    \
    {                                                                                              \
        VMSTATE_VARRAY_PTR_(f, type, cnt, VMS_UINT, 8)                                             \
    }
#define VMSTATE_BOOL_VARRAY_PTR(f, type, cnt)                                                      \
    {                                                                                              \
        VMSTATE_VARRAY_PTR_(f, type, cnt, VMS_BOOL, sizeof(bool))                                  \
    }
/* count * count2 elements (a per-context table of per-source words). */
#define VMSTATE_UINT32_VARRAY2_PTR(f, type, cnt, cnt2)                                             \
    {                                                                                              \
        VMSTATE_VARRAY_PTR_(f, type, cnt, VMS_UINT, 4),                                            \
            .has_count2 = true,                                                                    \
            .count2_offset =                                                                       \
                offsetof(type, cnt2) + VMS_CHECK_SIZE(VMS_FIELD_OF(type, cnt2), 4) * 0             \
    }
#define VMSTATE_STRUCT_VARRAY_PTR(f, type, cnt, sd, stype)                                         \
    {                                                                                              \
        VMSTATE_VARRAY_PTR_(f, type, cnt, VMS_STRUCT, sizeof(stype)), .vmsd = &(sd)                \
    }

/* Fields added in section version v (older streams do not have them). */
#define VMSTATE_UINT32_V(f, type, v) VMSTATE_UINT_N_V(f, type, 4, v)
#define VMSTATE_UINT64_V(f, type, v) VMSTATE_UINT_N_V(f, type, 8, v)
#define VMSTATE_END_OF_LIST()                                                                      \
    {                                                                                              \
        .name = NULL                                                                               \
    }

/* Append opaque's state as described (pre_save first). */
void vmstate_save_state(VMStateOut *out, const VMStateDescription *vmsd, void *opaque);
/*
 * Read opaque's state, written by a description of version version_id, then
 * run post_load. False + errp (naming the description and field) on a
 * version out of range, a short stream or a count mismatch; the object may
 * then be partly written, so callers validate first with vmstate_check_state.
 */
bool vmstate_load_state(VMStateIn *in, const VMStateDescription *vmsd, void *opaque, int version_id,
                        Error **errp) WARN_UNUSED_RESULT;
/* vmstate_load_state without the description's own post_load (the caller runs it later). */
bool vmstate_load_fields(VMStateIn *in, const VMStateDescription *vmsd, void *opaque,
                         int version_id, Error **errp) WARN_UNUSED_RESULT;
/* The checks of vmstate_load_state without touching opaque (it only reads counts). */
bool vmstate_check_state(VMStateIn *in, const VMStateDescription *vmsd, void *opaque,
                         int version_id, Error **errp) WARN_UNUSED_RESULT;

#endif
