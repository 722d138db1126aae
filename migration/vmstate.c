/*
 * Saving and loading a state struct through its VMStateDescription
 * (include/migration/vmstate.h has the encoding). One walker serves save,
 * load and check, so the three can never disagree about the layout.
 */
#include "migration/vmstate.h"

#include "util/timer.h"

/* ---- Buffers ---- */

void vms_reserve(VMStateOut *o, size_t n)
{
    if (o->cap - o->len < n) {
        o->cap = MAX(o->cap * 2, o->len + n + 4096);
        o->data = xrealloc(o->data, o->cap);
    }
}

void vms_put_bytes(VMStateOut *o, const void *p, size_t n)
{
    vms_reserve(o, n);
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

static void put_be(VMStateOut *o, uint64_t v, unsigned n)
{
    uint8_t b[8];

    for (unsigned i = 0; i < n; i++) {
        b[i] = v >> (8 * (n - 1 - i));
    }
    vms_put_bytes(o, b, n);
}

void vms_put_u8(VMStateOut *o, uint8_t v)
{
    put_be(o, v, 1);
}

void vms_put_be16(VMStateOut *o, uint16_t v)
{
    put_be(o, v, 2);
}

void vms_put_be32(VMStateOut *o, uint32_t v)
{
    put_be(o, v, 4);
}

void vms_put_be64(VMStateOut *o, uint64_t v)
{
    put_be(o, v, 8);
}

const uint8_t *vms_get_ptr(VMStateIn *in, size_t n)
{
    const uint8_t *p;

    if (in->len - in->pos < n) {
        return NULL;
    }
    p = in->data + in->pos;
    in->pos += n;
    return p;
}

bool vms_get_bytes(VMStateIn *in, void *p, size_t n)
{
    const uint8_t *src = vms_get_ptr(in, n);

    if (src) {
        memcpy(p, src, n);
    }
    return src != NULL;
}

static bool get_be(VMStateIn *in, uint64_t *v, unsigned n)
{
    const uint8_t *p = vms_get_ptr(in, n);

    if (!p) {
        return false;
    }
    *v = 0;
    for (unsigned i = 0; i < n; i++) {
        *v = *v << 8 | p[i];
    }
    return true;
}

bool vms_get_u8(VMStateIn *in, uint8_t *v)
{
    uint64_t x;
    bool ok = get_be(in, &x, 1);

    *v = ok ? x : 0;
    return ok;
}

bool vms_get_be16(VMStateIn *in, uint16_t *v)
{
    uint64_t x;
    bool ok = get_be(in, &x, 2);

    *v = ok ? x : 0;
    return ok;
}

bool vms_get_be32(VMStateIn *in, uint32_t *v)
{
    uint64_t x;
    bool ok = get_be(in, &x, 4);

    *v = ok ? x : 0;
    return ok;
}

bool vms_get_be64(VMStateIn *in, uint64_t *v)
{
    return get_be(in, v, 8);
}

/* ---- Fields ---- */

typedef enum VMSMode { VMS_SAVE, VMS_LOAD, VMS_CHECK } VMSMode;

typedef struct VMSWalk {
    VMSMode mode;
    bool skip_post_load; /* of the top-level description only */
    int depth;           /* of nested structs being walked */
    VMStateOut *out;
    VMStateIn *in;
    Error **errp;
} VMSWalk;

static bool walk_fields(VMSWalk *w, const VMStateDescription *vmsd, void *opaque, int version_id);

static bool walk_fail(VMSWalk *w, const VMStateDescription *vmsd, const VMStateField *f,
                      const char *why)
{
    error_setg(w->errp, "VM state of '%s', field '%s': %s", vmsd->name, f->name, why);
    return false;
}

/* Host-order integer of n bytes at p (the state struct's own field). */
static uint64_t load_uint(const void *p, size_t n)
{
    switch (n) {
    case 1:
        return *(const uint8_t *)p;
    case 2:
        return *(const uint16_t *)p;
    case 4:
        return *(const uint32_t *)p;
    default:
        return *(const uint64_t *)p;
    }
}

static void store_uint(void *p, size_t n, uint64_t v)
{
    switch (n) {
    case 1:
        *(uint8_t *)p = v;
        break;
    case 2:
        *(uint16_t *)p = v;
        break;
    case 4:
        *(uint32_t *)p = v;
        break;
    default:
        *(uint64_t *)p = v;
        break;
    }
}

static bool walk_timer(VMSWalk *w, void *p)
{
    Timer *t = *(Timer **)p;
    uint64_t deadline;

    if (w->mode == VMS_SAVE) {
        vms_put_be64(w->out,
                     t && timer_pending(t) ? (uint64_t)timer_expire_time_ns(t) : UINT64_MAX);
        return true;
    }
    if (!vms_get_be64(w->in, &deadline)) {
        return false;
    }
    if (w->mode == VMS_LOAD && t) {
        if (deadline == UINT64_MAX) {
            timer_del(t);
        } else {
            timer_mod_ns(t, (int64_t)deadline);
        }
    }
    return true;
}

/* One element of field f at p. */
static bool walk_element(VMSWalk *w, const VMStateField *f, void *p)
{
    uint64_t v;

    switch (f->kind) {
    case VMS_UINT:
    case VMS_BOOL:
        if (w->mode == VMS_SAVE) {
            v = f->kind == VMS_BOOL ? *(bool *)p : load_uint(p, f->size);
            put_be(w->out, v, f->kind == VMS_BOOL ? 1 : f->size);
            return true;
        }
        if (!get_be(w->in, &v, f->kind == VMS_BOOL ? 1 : f->size)) {
            return false;
        }
        if (w->mode == VMS_LOAD && f->kind == VMS_BOOL) {
            *(bool *)p = v != 0;
        } else if (w->mode == VMS_LOAD) {
            store_uint(p, f->size, v);
        }
        return true;
    case VMS_BUFFER:
        if (w->mode == VMS_SAVE) {
            vms_put_bytes(w->out, p, f->size);
            return true;
        }
        return w->mode == VMS_LOAD ? vms_get_bytes(w->in, p, f->size)
                                   : vms_get_ptr(w->in, f->size) != NULL;
    case VMS_STRUCT: {
        bool ok;

        w->depth++;
        ok = walk_fields(w, f->vmsd, p, f->vmsd->version_id);
        w->depth--;
        return ok;
    }
    case VMS_TIMER:
        return walk_timer(w, p);
    }
    return false;
}

/* The element count of f in opaque; variable arrays also carry it in the stream. */
static bool walk_count(VMSWalk *w, const VMStateDescription *vmsd, const VMStateField *f,
                       void *opaque, uint32_t *count)
{
    uint32_t saved;

    if (!f->varray) {
        *count = f->num;
        return true;
    }
    *count = *(uint32_t *)((uint8_t *)opaque + f->count_offset);
    if (f->has_count2) {
        *count *= *(uint32_t *)((uint8_t *)opaque + f->count2_offset);
    }
    if (w->mode == VMS_SAVE) {
        vms_put_be32(w->out, *count);
        return true;
    }
    if (!vms_get_be32(w->in, &saved)) {
        return walk_fail(w, vmsd, f, "the stream ends early");
    }
    if (saved != *count) {
        error_setg(w->errp, "VM state of '%s', field '%s': %u elements saved, the device has %u",
                   vmsd->name, f->name, saved, *count);
        return false;
    }
    return true;
}

static bool walk_fields(VMSWalk *w, const VMStateDescription *vmsd, void *opaque, int version_id)
{
    if (w->mode != VMS_SAVE &&
        (version_id > vmsd->version_id || version_id < vmsd->minimum_version_id)) {
        error_setg(w->errp, "VM state of '%s' has version %d; this build loads %d to %d",
                   vmsd->name, version_id, vmsd->minimum_version_id, vmsd->version_id);
        return false;
    }
    if (w->mode == VMS_SAVE && vmsd->pre_save) {
        vmsd->pre_save(opaque);
    }
    for (const VMStateField *f = vmsd->fields; f && f->name; f++) {
        uint8_t *base = (uint8_t *)opaque + f->offset;
        uint32_t count;

        if (f->version_id > version_id) {
            continue; /* added after the version that wrote this stream */
        }
        if (!walk_count(w, vmsd, f, opaque, &count)) {
            return false;
        }
        if (f->pointer) {
            base = *(uint8_t **)base;
            if (!base && count) {
                return walk_fail(w, vmsd, f, "the device has not allocated it");
            }
        }
        for (uint32_t i = 0; i < count; i++) {
            if (!walk_element(w, f, base + (size_t)i * f->size)) {
                if (w->errp && !*w->errp) {
                    walk_fail(w, vmsd, f, "the stream ends early");
                }
                return false;
            }
        }
    }
    if (w->mode == VMS_LOAD && vmsd->post_load && !(w->skip_post_load && w->depth == 0)) {
        return vmsd->post_load(opaque, version_id, w->errp);
    }
    return true;
}

void vmstate_save_state(VMStateOut *out, const VMStateDescription *vmsd, void *opaque)
{
    VMSWalk w = {.mode = VMS_SAVE, .out = out};

    walk_fields(&w, vmsd, opaque, vmsd->version_id);
}

bool vmstate_load_state(VMStateIn *in, const VMStateDescription *vmsd, void *opaque, int version_id,
                        Error **errp)
{
    Error *local = NULL;
    VMSWalk w = {.mode = VMS_LOAD, .in = in, .errp = &local};
    bool ok = walk_fields(&w, vmsd, opaque, version_id);

    if (!ok) {
        error_propagate(errp, local);
    }
    return ok;
}

bool vmstate_load_fields(VMStateIn *in, const VMStateDescription *vmsd, void *opaque,
                         int version_id, Error **errp)
{
    Error *local = NULL;
    VMSWalk w = {.mode = VMS_LOAD, .in = in, .errp = &local};
    bool ok;

    w.skip_post_load = true;
    ok = walk_fields(&w, vmsd, opaque, version_id);
    if (!ok) {
        error_propagate(errp, local);
    }
    return ok;
}

bool vmstate_check_state(VMStateIn *in, const VMStateDescription *vmsd, void *opaque,
                         int version_id, Error **errp)
{
    Error *local = NULL;
    VMSWalk w = {.mode = VMS_CHECK, .in = in, .errp = &local};
    bool ok = walk_fields(&w, vmsd, opaque, version_id);

    if (!ok) {
        error_propagate(errp, local);
    }
    return ok;
}
